/* Value kinds and the checks that JSON syntax alone cannot make. */
#include "value.h"

#include <stdio.h>

const char *fmt_value_kind_name(fmt_value_kind k)
{
    static const char *const names[] = {"null",    "integer", "real", "text", "blob",
                                        "boolean", "decimal", "json", "array"};
    return (unsigned)k <= FMT_VALUE_ARRAY ? names[k] : "?";
}

int fmt_value_check(const fmt_value *v, const fmt_type *t, char *err, size_t errlen)
{
    if (v->kind == FMT_VALUE_INTEGER) {
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        if (t->kind == FMT_TYPE_INT16)
            lo = INT16_MIN, hi = INT16_MAX;
        else if (t->kind == FMT_TYPE_INT32)
            lo = INT32_MIN, hi = INT32_MAX;
        if (v->i < lo || v->i > hi) {
            snprintf(err, errlen, "integer %lld out of range for %s", (long long)v->i,
                     fmt_type_name(t->kind));
            return -1;
        }
    }
    if (v->kind == FMT_VALUE_BLOB && (t->kind == FMT_TYPE_VECTOR || t->kind == FMT_TYPE_HALFVEC)) {
        size_t width = t->kind == FMT_TYPE_VECTOR ? 4 : 2;
        if (v->len != (size_t)t->param1 * width) {
            snprintf(err, errlen, "%s(%d) needs %zu bytes, the value has %zu",
                     fmt_type_name(t->kind), (int)t->param1, (size_t)t->param1 * width, v->len);
            return -1;
        }
    }
    return 0;
}
