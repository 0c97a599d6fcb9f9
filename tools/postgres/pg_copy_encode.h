/* The COPY encoder: the text PostgreSQL's COPY ... FROM STDIN (text
 * format) reads, built from the file's values: escaping, bytea hex,
 * pgvector's vector and halfvec literals, array literals from the reader's
 * array trees (value.h: built straight from the tree, the JSON is not read
 * again), and which of these a column takes. Knows nothing about
 * connections. */
#ifndef PG_COPY_ENCODE_H
#define PG_COPY_ENCODE_H

#include <stddef.h>

#include "sqlbuf.h"
#include "types.h"
#include "value.h"

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

/* The encoding for a column created from the file's type kind. */
pg_encoding pg_copy_encoding_for_kind(fmt_type_kind k);
/* The encoding for an existing column: its type's name (a domain's base
 * type) and pg_type.typcategory. */
pg_encoding pg_copy_encoding_for_type(const char *typname, char category);

/* Appends one value of column c to line, COPY-escaped (without the tab or
 * newline around it). Returns 0, or -1 with a message in err (the value
 * cannot go to that column). */
int pg_copy_value(db_buf *line, const fmt_value *v, const pg_column_encoding *c, char *err,
                  size_t errlen);

/* Shortest text that reads back as the same float32 / binary16. */
int pg_copy_float32(char out[32], float f);
int pg_copy_half(char out[32], unsigned half_bits);

#endif
