/* Unit tests for importer/row_positions: a late error names a remembered
 * row; a row pushed out of the ring, never given, or numbered 0 is not found
 * (the driver then reports at the current event instead). */
#include "check.h"
#include "row_positions.h"

static void remember(db_row_positions *p, uint64_t row, uint64_t line)
{
    db_row_position pos = {row, line, 7, line * 100, row};
    db_row_positions_remember(p, &pos);
}

static void test_find(void)
{
    db_row_positions *p = NULL;
    CHECK(db_row_positions_new(&p, 4) == 0 && p);
    if (!p)
        return;
    CHECK(db_row_positions_find(p, 0) == NULL);
    CHECK(db_row_positions_find(p, 1) == NULL); /* never remembered */
    for (uint64_t row = 1; row <= 6; row++)
        remember(p, row, row + 10);
    /* The last four rows (3..6) are there, with their own positions. */
    for (uint64_t row = 3; row <= 6; row++) {
        const db_row_position *pos = db_row_positions_find(p, row);
        CHECK(pos && pos->row == row && pos->line == row + 10 && pos->column == 7 &&
              pos->offset == (row + 10) * 100);
    }
    /* Rows 1 and 2 were pushed out by 5 and 6; row 7 was never given. */
    CHECK(db_row_positions_find(p, 1) == NULL);
    CHECK(db_row_positions_find(p, 2) == NULL);
    CHECK(db_row_positions_find(p, 7) == NULL);
    /* A new table starts again at row 1: its rows replace the old ones. */
    remember(p, 1, 99);
    const db_row_position *pos = db_row_positions_find(p, 1);
    CHECK(pos && pos->line == 99);
    CHECK(db_row_positions_find(p, 5) == NULL); /* row 5 was the old table's */
    db_row_positions_free(p);
}

static void test_bad_capacity(void)
{
    db_row_positions *p = (db_row_positions *)&p;
    CHECK(db_row_positions_new(&p, 0) < 0 && p == NULL);
    db_row_positions_free(NULL);
}

int main(void)
{
    test_find();
    test_bad_capacity();
    return check_report();
}
