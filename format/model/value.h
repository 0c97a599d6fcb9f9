/* One value of one column, as the backends hand it to the document writer
 * and as the document reader hands it to a backend. The kind is the value's
 * own class (SQLite's storage class, or the PostgreSQL value's shape); the
 * column's portable type decides how it is written (docs/FORMAT.md, "Values").
 * Byte pointers are borrowed: valid until the next row.
 *
 * An array value (FMT_VALUE_ARRAY) is a tree: array points to its
 * elements, each an fmt_value; a NULL element is FMT_VALUE_NULL and the
 * next dimension of a multi-dimensional array is a nested FMT_VALUE_ARRAY.
 * Whoever hands the value over owns the whole tree: the document reader
 * builds it per row in blocks it reuses (bounded by its value-size limit),
 * so a target borrows it, like every other value, until the next row. */
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
    FMT_VALUE_JSON,    /* bytes/len: serialised JSON (jsonb values; a source's arrays) */
    FMT_VALUE_ARRAY    /* array: the elements, parsed (see above) */
} fmt_value_kind;

typedef struct fmt_array fmt_array;

typedef struct {
    fmt_value_kind kind;
    int b;
    int64_t i;
    double d;
    const char *bytes;
    size_t len;
    const fmt_array *array;
} fmt_value;

/* An array value's elements, in order. As the reader makes them from the
 * file's JSON array, by their JSON shape: null is FMT_VALUE_NULL, true and
 * false FMT_VALUE_BOOLEAN, a number FMT_VALUE_DECIMAL holding its lexeme
 * (the target's element type reads it), a string FMT_VALUE_TEXT (for bytes
 * elements still its base64), an object FMT_VALUE_JSON (its compact text),
 * and every non-null element of a jsonb array FMT_VALUE_JSON as well; one
 * the file tagged {"$jsonb": value} (the JSON null, '$' keys) is the value,
 * with b set. A hand-built tree may also hold integers, reals and blobs. */
struct fmt_array {
    const fmt_value *items;
    size_t n;
};

const char *fmt_value_kind_name(fmt_value_kind k);

/* Checks that a value that came in its natural form is acceptable for the
 * type beyond JSON syntax (vector byte length, integer width, varchar
 * length is not checked). Returns 0 or <0 with a message in err. */
int fmt_value_check(const fmt_value *v, const fmt_type *t, char *err, size_t errlen);

#endif
