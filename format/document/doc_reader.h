/* Reads an interchange document as a stream of document events: the header,
 * then per table its schema, its rows (decoded by column type) and its end,
 * then native objects. Accepts any key order a JSON tool may produce as long
 * as what a reader needs first comes first (format and version before
 * "tables", a table's metadata before its "rows"); unknown keys are skipped.
 * Memory stays bounded by the largest row. Every error message carries the
 * file name, line, column and byte offset, and for data the table, row
 * number and column. */
#ifndef FMT_DOC_READER_H
#define FMT_DOC_READER_H

#include <stdint.h>

#include "schema.h"
#include "value.h"

typedef enum {
    FMT_DOC_HEADER,
    FMT_DOC_TABLE, /* table: its schema (owned by the reader until TABLE_END) */
    FMT_DOC_ROW,   /* values/present, row_number (1-based within the table) */
    FMT_DOC_TABLE_END,
    FMT_DOC_NATIVE, /* native objects (views, triggers) */
    FMT_DOC_END
} fmt_doc_event_type;

typedef struct {
    fmt_doc_event_type type;
    const fmt_header *header;
    const fmt_table *table;
    const fmt_value *values;      /* ncolumns entries */
    const unsigned char *present; /* 1 where the row has the key */
    uint64_t row_number;
    const fmt_native_object *objects;
    size_t nobjects;
    uint64_t line; /* position of the event in the file */
    uint64_t column;
    uint64_t offset;
} fmt_doc_event;

/* Pulls bytes: fills buf with up to cap bytes, *got = 0 at end. 0 or <0. */
typedef int (*fmt_source_fn)(void *ctx, void *buf, size_t cap, size_t *got);
/* For the source's own error message when source_fn fails. */
typedef const char *(*fmt_source_errmsg_fn)(void *ctx);

typedef struct {
    size_t max_value;   /* largest single value (decoded string bytes) */
    unsigned max_depth; /* deepest JSON nesting (jsonb values) */
    size_t max_columns;
} fmt_doc_reader_options;
#define FMT_DOC_READER_OPTIONS_INIT                                                                \
    {                                                                                              \
        (size_t)1 << 30, 256, 32767                                                                \
    }

typedef struct fmt_doc_reader fmt_doc_reader;

int fmt_doc_reader_new(fmt_doc_reader **out, fmt_source_fn fn, fmt_source_errmsg_fn errfn,
                       void *ctx, const char *name, const fmt_doc_reader_options *opts);
void fmt_doc_reader_free(fmt_doc_reader *r);
int fmt_doc_reader_next(fmt_doc_reader *r, fmt_doc_event *ev);
/* Full message: "NAME:LINE:COLUMN (byte N): table "t", row R, column "c": what". */
const char *fmt_doc_reader_errmsg(const fmt_doc_reader *r);
/* Formats a data error at the last event's position, in the same shape, for
 * errors found by the caller (a backend rejecting a row). */
const char *fmt_doc_reader_error_at(fmt_doc_reader *r, const char *column, const char *what);
/* How messages name the current table from now on, in place of
 * 'table "name"' (a caller that renames it); NULL or "" for the default.
 * A new table clears it. */
void fmt_doc_reader_set_table_label(fmt_doc_reader *r, const char *label);
/* The same for an earlier row of the current table, found out late (a
 * server checks a batch of rows at once): its row number and position. */
const char *fmt_doc_reader_error_at_row(fmt_doc_reader *r, uint64_t row, uint64_t line,
                                        uint64_t column_number, uint64_t offset, const char *column,
                                        const char *what);
/* The same message for a row the import goes on without (--max-errors):
 * the reader does not fail. Valid until the next message. */
const char *fmt_doc_reader_describe_row(fmt_doc_reader *r, uint64_t row, uint64_t line,
                                        uint64_t column_number, uint64_t offset, const char *column,
                                        const char *what);

#endif
