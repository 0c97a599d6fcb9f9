/* The ring of late row positions (row_positions.h). Row numbers restart at 1
 * in every table, but a target only names a row it was given, so a slot
 * still holding an earlier table's row never matches: the current table's
 * row with that number overwrote it, or a later one of the same slot did
 * and the row is forgotten. */
#include "row_positions.h"

#include <stdlib.h>

struct db_row_positions {
    size_t capacity;
    db_row_position slots[];
};

int db_row_positions_new(db_row_positions **out, size_t capacity)
{
    *out = NULL;
    if (capacity == 0)
        return -1;
    db_row_positions *p = calloc(1, sizeof *p + capacity * sizeof p->slots[0]);
    if (!p)
        return -1;
    p->capacity = capacity;
    *out = p;
    return 0;
}

void db_row_positions_free(db_row_positions *p)
{
    free(p);
}

void db_row_positions_remember(db_row_positions *p, const db_row_position *pos)
{
    p->slots[pos->row % p->capacity] = *pos;
}

const db_row_position *db_row_positions_find(const db_row_positions *p, uint64_t row)
{
    const db_row_position *slot = &p->slots[row % p->capacity];
    return row && slot->row == row ? slot : NULL;
}
