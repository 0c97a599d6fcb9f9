/* Inside the document reader: its state, shared by the files that read the
 * document's parts (doc_reader.c the state machine and errors, doc_read_json.c
 * the typed JSON reads, doc_read_schema.c the header and table schemas,
 * values_read.c the rows). Not for callers: they use doc_reader.h. */
#ifndef FMT_DOC_READER_INTERNAL_H
#define FMT_DOC_READER_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "doc_reader.h"
#include "json_reader.h"

typedef enum {
    ST_START,        /* before the top-level object */
    ST_TABLES,       /* inside "tables", between tables */
    ST_ROWS,         /* inside a table's "rows" */
    ST_TABLE_TAIL,   /* after a table's rows, before its end */
    ST_TABLE_END,    /* a table without rows was returned: its end is next */
    ST_DROP_TABLE,   /* TABLE_END was returned: free the table on the next call */
    ST_AFTER_TABLES, /* top-level keys after "tables" */
    ST_NATIVE,       /* native objects to hand out */
    ST_DONE,
    ST_FAILED
} doc_state;

struct fmt_doc_reader {
    fmt_doc_reader_options opts;
    fmt_source_fn source;
    fmt_source_errmsg_fn source_errmsg;
    void *source_ctx;
    char *name;
    fmt_json_reader *json;
    char *chunk;
    int eof;

    doc_state state;
    fmt_header header;
    int have_format, have_version;
    fmt_table *table;
    /* how messages name the current table, when the caller said (else
     * 'table "name"'); cleared with each new table */
    char table_label[512];
    uint64_t row_number;
    fmt_position event_pos;
    fmt_native_object *objects;
    size_t nobjects;

    /* Current row: values, presence flags, offsets of byte values in arena. */
    fmt_value *values;
    unsigned char *present;
    size_t *offsets;
    char *arena;
    size_t arena_len, arena_cap;
    size_t next_column; /* where the next row key most likely is */
    /* Array values' trees (values_read_array.c): blocks that never move,
     * reused row after row, and one list of elements per open dimension. */
    struct doc_block *blocks, *block;
    struct doc_level *levels;
    size_t nlevels;

    /* An error found inside: what and where; fmt_doc_reader_next adds the
     * file name and the table, row and column context once, at the top. */
    int err_pending;
    fmt_position err_pos;
    uint64_t err_row; /* 0 when the error is not in a row */
    int err_has_column;
    char err_column[128];
    char err_what[512];
    char errmsg[1024];
};

/* Records an error at pos (column: NULL or the column's name) and fails
 * the reader; returns -1. */
int doc_fail_at(fmt_doc_reader *r, fmt_position pos, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The next JSON event, feeding the JSON reader from the source as needed. */
int doc_jnext(fmt_doc_reader *r, fmt_json_event *ev);

/* Typed reads (doc_read_json.c). what names the part for messages. */
const char *doc_event_name(fmt_json_event_type t);
int doc_skip_value(fmt_doc_reader *r, const fmt_json_event *ev);
int doc_skip_next_value(fmt_doc_reader *r);
int doc_expect(fmt_doc_reader *r, fmt_json_event *ev, fmt_json_event_type type, const char *what);
int doc_read_string(fmt_doc_reader *r, char **out, const char *what);
int doc_read_optional_string(fmt_doc_reader *r, char **out, const char *what);

/* A 1.0 file's collation from PostgreSQL without "collation_namespace", in
 * the SQL-quoted form older dbexport wrote: split into its name and schema
 * (NULL for none) when it is that form, else left as it is
 * (doc_read_collation.c). 0, or -1 when memory ran out. */
int doc_collation_from_1_0(char **collation, char **collation_namespace);
int doc_read_bool(fmt_doc_reader *r, bool *out, const char *what);
/* A string that must be one of choices (NULL-terminated): a copy in *out. */
int doc_read_choice(fmt_doc_reader *r, const char *const *choices, char **out, const char *what);
int doc_read_string_array(fmt_doc_reader *r, char ***out, size_t *n, const char *what);
/* Iterate an object's members / an array's elements: call with *started = 0
 * (or 1 when the opening bracket was read); 1 with the key or the element's
 * first event in ev, 0 at the end, <0 on error. */
int doc_next_member(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what);
int doc_next_element(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what);
/* Grows a dynamic array of elements of size sz by one zeroed element. */
void *doc_push(void **items, size_t *n, size_t sz);
/* Whether a key or string event is exactly s. strcmp would stop at a NUL
 * the JSON text may hold (\u0000) and take "name\u0000x" for "name". */
static inline bool doc_text_is(const fmt_json_event *ev, const char *s)
{
    size_t n = strlen(s);
    return ev->len == n && memcmp(ev->text, s, n) == 0;
}

/* The header and table schemas (doc_read_schema.c). */
/* 1 for a key of the header (read before "tables"), "tables" included. */
int doc_is_header_key(const fmt_json_event *key);
/* Handles a top-level key other than "tables"; 1 if it was "tables". */
int doc_top_level_key(fmt_doc_reader *r, const fmt_json_event *key);
/* Reads a table's keys up to "rows" (returns 1: positioned inside the rows
 * array) or to the end of the table object (returns 0). */
int doc_read_table_head(fmt_doc_reader *r, const fmt_json_event *name_ev);

/* The header's "enums", "domains" or "composites" (doc_read_types.c),
 * what naming the key for messages. 0 or -1. */
int doc_read_user_types(fmt_doc_reader *r, fmt_user_type_kind kind, const char *what);
/* The header's "functions" (doc_read_functions.c). 0 or -1. */
int doc_read_functions(fmt_doc_reader *r);
/* The header's "schemas" (doc_read_sequences.c). 0 or -1. */
int doc_read_schemas(fmt_doc_reader *r);
/* The header's "sequences" (doc_read_sequences.c). 0 or -1. */
int doc_read_sequences(fmt_doc_reader *r);
/* A column's "sequence" (1.3): an identity or serial column's options. */
int doc_read_column_sequence(fmt_doc_reader *r, fmt_column *c);
/* A table's "row_security" object (doc_read_rls.c). 0 or -1. */
int doc_read_row_security(fmt_doc_reader *r, fmt_table *t);
/* A "privileges" object (doc_read_privileges.c) into *out (made when
 * NULL), its words those of the object's kind: a table's, a view's or a
 * materialized view's (RELATION, with column grants), a sequence's, a
 * function's or procedure's. 0 or -1. */
typedef enum {
    DOC_PRIVILEGES_RELATION,
    DOC_PRIVILEGES_SEQUENCE,
    DOC_PRIVILEGES_FUNCTION,
    DOC_PRIVILEGES_SCHEMA
} doc_privileges_kind;
int doc_read_privileges(fmt_doc_reader *r, fmt_privileges **out, doc_privileges_kind kind);
/* A table's "constraints"."exclusion" (doc_read_exclusion.c), and the
 * check, once the table is complete, that they name its columns. 0 or -1. */
int doc_read_exclusions(fmt_doc_reader *r, fmt_table *t);
int doc_validate_exclusions(fmt_doc_reader *r, fmt_position at);
/* The row buffers (values, presence, offsets) sized for ncolumns. 0/-1. */
int doc_size_row(fmt_doc_reader *r, size_t ncolumns);
/* A new JSON reader with the document's options (row_decoder.c starts one
 * per row text). 0, or -1 when memory ran out. */
int doc_new_json(fmt_doc_reader *r);

/* Rows (values_read.c): reads one row object whose '{' has been read. */
int doc_read_row(fmt_doc_reader *r);
/* A JSON value, whose first event is first (second, when not NULL, an event
 * already read after it), written compactly at the end of the row arena:
 * *start is where it begins, it ends at r->arena_len and is NUL-terminated
 * there. 0 or -1 (reported). */
int doc_read_json_text(fmt_doc_reader *r, const fmt_json_event *first, const fmt_json_event *second,
                       const char *col, size_t *start);

/* Array values (values_read_array.c). The array in column i, whose '['
 * was ev, as a tree of elements (value.h). */
int doc_read_array(fmt_doc_reader *r, size_t i, const fmt_json_event *ev);
/* Makes the trees' blocks free for the next row / frees them all. */
void doc_arrays_reset(fmt_doc_reader *r);
void doc_arrays_free(fmt_doc_reader *r);

#endif
