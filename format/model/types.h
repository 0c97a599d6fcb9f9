/* The portable type system: the "type" of a column in the interchange file.
 * A type is written as a name with optional parameters: "int64",
 * "decimal(10,2)", "varchar(120)", "vector(384)". Each type fixes the
 * natural JSON form of its values (docs/FORMAT.md, "Portable types"). */
#ifndef FMT_TYPES_H
#define FMT_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FMT_TYPE_BOOLEAN,
    FMT_TYPE_INT16,
    FMT_TYPE_INT32,
    FMT_TYPE_INT64,
    FMT_TYPE_FLOAT32,
    FMT_TYPE_FLOAT64,
    FMT_TYPE_DECIMAL, /* optional (precision[,scale]) */
    FMT_TYPE_TEXT,
    FMT_TYPE_VARCHAR, /* (length) */
    FMT_TYPE_CHAR,    /* (length) */
    FMT_TYPE_BYTES,
    FMT_TYPE_DATE,
    FMT_TYPE_TIME,
    FMT_TYPE_TIMETZ,
    FMT_TYPE_TIMESTAMP,
    FMT_TYPE_TIMESTAMPTZ,
    FMT_TYPE_INTERVAL,
    FMT_TYPE_UUID,
    FMT_TYPE_JSON,      /* JSON text kept exactly, as a string */
    FMT_TYPE_JSONB,     /* a JSON value */
    FMT_TYPE_VECTOR,    /* (dimension): float32 little-endian, base64 */
    FMT_TYPE_HALFVEC,   /* (dimension): float16 little-endian, base64 */
    FMT_TYPE_SPARSEVEC, /* (dimension): pgvector's text form "{1:0.5,3:2}/5" */
    FMT_TYPE_ARRAY,     /* array(ELEMENT): a JSON array, nested per dimension */
    FMT_TYPE_ANY,       /* SQLite column without a declared type */
    FMT_TYPE_NATIVE,    /* text form of the source's native_type */
    FMT_TYPE_COUNT_
} fmt_type_kind;

typedef struct {
    fmt_type_kind kind;
    int32_t param1; /* decimal precision, varchar/char length, vector dimension; -1 if absent */
    int32_t param2; /* decimal scale; -1 if absent */
    /* For FMT_TYPE_ARRAY: the element's kind (param1/param2 belong to the
     * element: "array(decimal(10,2))"). Elements are never arrays. */
    fmt_type_kind element;
} fmt_type;

#define FMT_TYPE_MAX_DIMENSION 65535
#define FMT_TYPE_BUFSZ 48

/* Parses a type text. Returns 0, or <0 with a message in err. */
int fmt_type_parse(fmt_type *out, const char *s, size_t len, char *err, size_t errlen);
/* Canonical text of t (e.g. "decimal(10,2)"); returns its length. */
int fmt_type_format(char out[FMT_TYPE_BUFSZ], const fmt_type *t);
const char *fmt_type_name(fmt_type_kind k);
int fmt_type_is_integer(fmt_type_kind k);
/* 1 if t is a type the format accepts: its text parses back to it. A
 * backend's type mapping checks what it built with this. */
int fmt_type_valid(const fmt_type *t);

#endif
