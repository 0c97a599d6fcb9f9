/* dbimport --max-errors / --reject-file: the rows a target refused, kept
 * by table and file position while the import goes on, then written as a
 * document of their own: the same header and table schemas, just those
 * rows as the file had them, and a "rejected" list with each row's error
 * and position, so that they can be fixed with jq and imported again. */
#ifndef DB_REJECT_H
#define DB_REJECT_H

#include <stddef.h>
#include <stdint.h>

typedef struct db_rejects db_rejects;

/* max: how many rows may be refused before the import fails. */
db_rejects *db_rejects_new(uint64_t max);
void db_rejects_free(db_rejects *r);

/* One refused row of table (its key): its row number and place in the
 * file, the column blamed (or NULL) and why. 0, 1 when that makes more
 * than max, -1 when out of memory. */
int db_rejects_add(db_rejects *r, const char *table, uint64_t row, uint64_t line, uint64_t column,
                   uint64_t offset, const char *column_name, const char *why);
uint64_t db_rejects_count(const db_rejects *r);
/* The max it was made with. */
uint64_t db_rejects_max(const db_rejects *r);
/* The count for one table, and its first case ("row 5, column "c": ..."). */
uint64_t db_rejects_table(const db_rejects *r, const char *table, const char **first);

/* --max-errors, after the last row: a row the target took out of table
 * (the file's key) because its foreign key columns[n] hold values (the
 * target's text of them) that no parent has. Its place in the file is not
 * known until db_rejects_locate. 0, 1, -1 as db_rejects_add. */
int db_rejects_add_orphan(db_rejects *r, const char *table, const char *const *columns,
                          const char *const *values, size_t n, const char *why);
/* Of db_rejects_table's count, the orphans. */
uint64_t db_rejects_table_orphans(const db_rejects *r, const char *table);
/* Reads input again and gives each orphan its row and place: a row of its
 * table whose foreign key holds its values, as the target compares them,
 * and which is no other orphan's and was not refused otherwise. The count
 * of orphans not found (0: all were), or -1 with the reason in err. */
int64_t db_rejects_locate(db_rejects *r, const char *input, char *err, size_t errlen);
/* Each orphan, in the file's order once db_rejects_locate found them (else
 * in the order they were added); row 0 when not found. */
typedef void (*db_rejects_orphan_fn)(void *ctx, const char *table, uint64_t row, uint64_t line,
                                     uint64_t column, uint64_t offset, const char *why);
void db_rejects_each_orphan(const db_rejects *r, db_rejects_orphan_fn fn, void *ctx);

/* Reads input (the imported file) again and writes the refused rows to
 * output (gzip when it ends in .gz). 0, or -1 with the reason in err. */
int db_rejects_write(db_rejects *r, const char *input, const char *output, char *err,
                     size_t errlen);

#endif
