/* dbimport --rows-cascade: when a --rows program deletes rows, the rows of
 * the file's other tables that referred to them through the file's foreign
 * keys are deleted too, down the chain, as a sanitising run expects
 * (deleting a tenant's users deletes their orders, then the orders' lines),
 * instead of the import failing on the orphans at its end. The driver keeps
 * each loaded table's key and foreign keys; the target deletes the orphans
 * (db_target_ops.delete_orphans) after the last row and before the post-data
 * that would check them. */
#ifndef DB_CASCADE_H
#define DB_CASCADE_H

#include <stdint.h>

#include "schema.h"
#include "target.h"

typedef struct db_cascade db_cascade;

db_cascade *db_cascade_new(void);
void db_cascade_free(db_cascade *c);
/* A table the import loads (before its rows), as the target has it, and
 * as the file names it (--rename-*). 0 or -1 (out of memory). */
int db_cascade_table(db_cascade *c, const fmt_table *t, const fmt_table *file_table);
/* A --rows program deleted a row of the table last given. */
void db_cascade_deleted(db_cascade *c);
/* --max-errors: a foreign key the target has on the table last given (an
 * existing table's own), unless it is one of the file's. 0 or -1. */
int db_cascade_add_fk(db_cascade *c, const fmt_foreign_key *fk);
/* The table last given held rows before the import (the target's own):
 * db_cascade_orphans takes none of its rows out. */
void db_cascade_held_rows(db_cascade *c);
/* Deletes what refers to deleted rows, until nothing more does; a note
 * gives each table's count. 0 or -1 (the target's error). */
int db_cascade_run(db_cascade *c, const db_target_ops *ops, void *target);

/* --max-errors: one foreign key of a loaded table, of which orphans were
 * taken out; the names are the target's (table and parent are keys), but
 * file_table is the file's key of the child. */
typedef struct {
    const char *table, *file_table, *constraint, *parent;
    const char *const *columns;
    size_t n;
} db_orphan_key;

/* --max-errors: deletes the loaded rows of the file's tables (not those
 * that held rows before; at most limit of them handed to found by one
 * DELETE) whose foreign key (a file's one or the target's own, to another
 * of its tables or to a table of the target the file does not hold)
 * finds no parent, until none does (a chain, a self-reference); found()
 * gets each with its values (the target's text) and returns -1 to stop.
 * 0 or -1 (the target's error, or found's). */
int db_cascade_orphans(db_cascade *c, const db_target_ops *ops, void *target,
                       int (*found)(void *ctx, const db_orphan_key *fk, const char *const *values),
                       void *ctx, uint64_t limit);

#endif
