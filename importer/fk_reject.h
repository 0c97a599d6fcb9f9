/* dbimport --max-errors: foreign key orphans left out like other refused
 * rows. After the last row and before the foreign keys are created or
 * checked, the loaded rows of the file's tables whose foreign key (to
 * another of its tables, or to a table of the target the file does not
 * hold) finds no parent are taken out of the target,
 * down the chain they make, each counted against --max-errors, warned
 * about with its key, constraint and parent, and found again in the file
 * (by its foreign key values) for --reject-file. */
#ifndef DB_FK_REJECT_H
#define DB_FK_REJECT_H

#include <stdint.h>

#include "cascade.h"
#include "reject.h"
#include "target.h"

typedef struct {
    db_cascade *cascade; /* the loaded tables and their foreign keys */
    const db_target_ops *ops;
    void *target;
    db_rejects *rejects;
    const char *input; /* the file imported, or NULL or "-" (stdin) */
    int need_places;   /* --reject-file: an orphan not found in input fails */
    int verbose;       /* every orphan warned about, not the first 5 */
    uint64_t *shown;   /* refused rows warned about so far */
    int *too_many;     /* set when --max-errors is passed */
    int out_of_memory; /* ours, not the target's */
} db_fk_reject;

/* A table the import loads, after table_begin (t as the target has it,
 * file_table as the file): into the cascade, with whether the target held
 * rows in it before the import: *held when it is 0 or 1 (--resume: the
 * record says), else ops is asked (--max-errors; NULL otherwise) and *held
 * set to its answer. 0, or -1 (reported). */
int db_fk_reject_table(db_cascade *c, const db_target_ops *ops, void *target, const fmt_table *t,
                       const fmt_table *file_table, int *held);

/* 0, or -1 (reported; *too_many says whether it was --max-errors). */
int db_fk_reject_orphans(db_fk_reject *f);

#endif
