/* The importer's memory of where the latest rows stood in the file: a
 * server may reject a row only when it checks a whole batch, and the
 * message must still name that row's line, column and byte offset. */
#ifndef DB_ROW_POSITIONS_H
#define DB_ROW_POSITIONS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t row; /* the target's: 1-based within its table; 0 = never used */
    uint64_t line, column, offset;
    uint64_t file_row; /* the file's row it came from (--rows may make 0 or more of one) */
} db_row_position;

/* A ring of the last `capacity` rows, indexed by row number. */
typedef struct db_row_positions db_row_positions;

int db_row_positions_new(db_row_positions **out, size_t capacity);
void db_row_positions_free(db_row_positions *p);
void db_row_positions_remember(db_row_positions *p, const db_row_position *pos);
/* The position of row `row` of the current table, or NULL when it was never
 * remembered or is older than the last `capacity` rows. */
const db_row_position *db_row_positions_find(const db_row_positions *p, uint64_t row);

#endif
