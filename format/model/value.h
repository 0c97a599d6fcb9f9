/* One value of one column, as the backends hand it to the document writer
 * and as the document reader hands it to a backend. The kind is the value's
 * own class (SQLite's storage class, or the PostgreSQL value's shape); the
 * column's portable type decides how it is written (docs/FORMAT.md, "Values").
 * Byte pointers are borrowed: valid until the next row. */
#ifndef FMT_VALUE_H
#define FMT_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

typedef enum {
    FMT_VALUE_NULL,
    FMT_VALUE_INTEGER, /* i */
    FMT_VALUE_REAL,    /* d */
    FMT_VALUE_TEXT,    /* bytes/len: UTF-8 unless not valid (then written tagged) */
    FMT_VALUE_BLOB,    /* bytes/len */
    FMT_VALUE_BOOLEAN, /* b */
    FMT_VALUE_DECIMAL, /* bytes/len: exact decimal text, or NaN/Infinity/-Infinity */
    FMT_VALUE_JSON     /* bytes/len: serialised JSON (jsonb values) */
} fmt_value_kind;

typedef struct {
    fmt_value_kind kind;
    int b;
    int64_t i;
    double d;
    const char *bytes;
    size_t len;
} fmt_value;

const char *fmt_value_kind_name(fmt_value_kind k);

/* Checks that a value that came in its natural form is acceptable for the
 * type beyond JSON syntax (vector byte length, integer width, varchar
 * length is not checked). Returns 0 or <0 with a message in err. */
int fmt_value_check(const fmt_value *v, const fmt_type *t, char *err, size_t errlen);

#endif
