/* pg_copy: the text PostgreSQL's COPY ... FROM STDIN (text format) reads,
 * built from the file's values: escaping, bytea hex, pgvector's vector and
 * halfvec literals, and array literals from JSON arrays. Private to the
 * PostgreSQL target; knows nothing about connections. */
#ifndef DB_PG_COPY_H
#define DB_PG_COPY_H

#include <stddef.h>

#include "types.h"
#include "value.h"

/* A growing byte buffer; oom is sticky and checked once at the end. */
typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} pg_buf;

void pg_buf_addn(pg_buf *b, const char *s, size_t n);
void pg_buf_add(pg_buf *b, const char *s);
void pg_buf_printf(pg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "name" with embedded quotes doubled. */
void pg_buf_ident(pg_buf *b, const char *name);
/* 'text' with embedded quotes doubled (standard_conforming_strings). */
void pg_buf_literal(pg_buf *b, const char *s);
void pg_buf_free(pg_buf *b);

/* How a column's values become COPY text, decided by the PostgreSQL type. */
typedef enum {
    PG_ENC_TEXT,    /* anything PostgreSQL parses from text */
    PG_ENC_BOOLEAN, /* t/f */
    PG_ENC_NUMBER,  /* integers, floats, numeric: booleans as 1/0 */
    PG_ENC_BYTEA,
    PG_ENC_VECTOR,
    PG_ENC_HALFVEC,
    PG_ENC_ARRAY
} pg_encoding;

typedef struct {
    pg_encoding enc;
    int32_t dimension;      /* vector/halfvec: the declared dimension, -1 if none */
    fmt_type_kind element;  /* array: the file's element type */
    const char *type_label; /* the PostgreSQL type, for messages */
} pg_column_encoding;

/* Appends one value of column c to line, COPY-escaped (without the tab or
 * newline around it). Returns 0, or -1 with a message in err (the value
 * cannot go to that column). */
int pg_copy_value(pg_buf *line, const fmt_value *v, const pg_column_encoding *c, char *err,
                  size_t errlen);

/* Shortest text that reads back as the same float32 / binary16. */
int pg_copy_float32(char out[32], float f);
int pg_copy_half(char out[32], unsigned half_bits);

#endif
