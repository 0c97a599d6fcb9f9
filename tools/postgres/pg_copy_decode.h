/* The COPY decoder: PostgreSQL's text forms, as COPY ... TO STDOUT (text
 * format) hands them over, turned into the format's values: the COPY field
 * escapes, bytea's hex form, pgvector's "[1,2.5]" as float32 or binary16
 * bytes, and array literals ("{{1,2},{3,NULL}}") as JSON arrays. No libpq
 * here: text in, bytes out, so it can be tested without a server. */
#ifndef PG_COPY_DECODE_H
#define PG_COPY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqlbuf.h"
#include "types.h"

/* Appends one COPY text field (the bytes between tabs, not "\N") with its
 * backslash escapes undone: \b \f \n \r \t \v, \ooo octal, \xhh hex, and a
 * backslash before any other character stands for that character. */
int pg_decode_unescape(db_buf *out, const char *field, size_t len);

/* bytea's hex output "\x0aff" -> the bytes. 0 or -1 with a message. */
int pg_decode_bytea(db_buf *out, const char *text, size_t len, char *err, size_t errlen);

/* pgvector's "[1,2.5,-3]" -> little-endian float32 (half = false) or IEEE
 * binary16 (half = true) values. dimension >= 0 requires that many. */
int pg_decode_vector(db_buf *out, const char *text, size_t len, bool half, int32_t dimension,
                     char *err, size_t errlen);

/* An array literal with elements of type element (its kind, param1 and
 * param2; kind is not FMT_TYPE_ARRAY) -> a JSON array, nested per
 * dimension, of the elements' natural forms (docs/FORMAT.md 3.1).
 * Returns 1 when written, 0 when the literal has explicit bounds
 * ("[0:2]={...}") and so cannot be a JSON array (nothing is appended),
 * -1 with a message when it is malformed. */
int pg_decode_array_json(db_buf *out, const char *text, size_t len, const fmt_type *element,
                         char *err, size_t errlen);

/* A one-dimensional array literal of names ("{a,\"b c\"}") -> its elements,
 * NULLs as empty strings. The caller frees each and the array. 0 or -1. */
int pg_decode_array_strings(char ***out, size_t *n, const char *text);

#endif
