/* --commit=table|N with --max-errors / --reject-file: the rows refused
 * before a commit point are durable with it. Each is a "rejected" entry of
 * the progress record (target.h), written in the transaction of the commit
 * that holds the rest of its table's rows, so that a resumed run counts it
 * against --max-errors (a limit for the whole import) and writes it to
 * --reject-file once: a row refused in a batch that was rolled back is
 * read again, and refused again, by the resumed run; one in a batch that
 * was committed is not, and comes from the record. Whether a table held
 * rows before the import ("held_rows": its foreign key orphans are then
 * never taken out, fk_reject.h) is kept the same way, since a resumed run
 * finds the first run's rows in it. */
#ifndef DB_COMMIT_REJECTS_H
#define DB_COMMIT_REJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "reject.h"
#include "target.h"

/* The ordinal-th (0-based, of the whole import) refused row, of table
 * (its key in the file), as db_rejects_add has it, to pending. 0, or -1
 * (no memory). */
int db_commit_rejects_note(db_progress_notes *pending, uint64_t ordinal, const char *table,
                           uint64_t row, uint64_t line, uint64_t column, uint64_t offset,
                           const char *column_name, const char *why);

/* --resume: the record's refused rows into r (NULL: the run has no
 * --max-errors), in the order they were refused, with a note of their
 * count. 0; -1 (reported; *too_many set when they are more than r
 * allows). */
int db_commit_rejects_restore(const db_progress *record, db_rejects *r, int *too_many);

/* --commit: table t held rows before the import: to pending. 0, or -1
 * (reported). */
int db_commit_held_rows_note(db_progress_notes *pending, const fmt_table *t);
/* Whether the record says so of table (its key). */
int db_commit_held_rows(const db_progress *record, const char *table);

#endif
