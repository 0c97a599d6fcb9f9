/* Portable type names and their parameters. */
#include "types.h"

#include <stdio.h>
#include <string.h>

/* arity: how many parameters the type takes at most; required: at least. */
static const struct {
    const char *name;
    int arity;
    int required;
} type_table[FMT_TYPE_COUNT_] = {
    [FMT_TYPE_BOOLEAN] = {"boolean", 0, 0},
    [FMT_TYPE_INT16] = {"int16", 0, 0},
    [FMT_TYPE_INT32] = {"int32", 0, 0},
    [FMT_TYPE_INT64] = {"int64", 0, 0},
    [FMT_TYPE_FLOAT32] = {"float32", 0, 0},
    [FMT_TYPE_FLOAT64] = {"float64", 0, 0},
    [FMT_TYPE_DECIMAL] = {"decimal", 2, 0},
    [FMT_TYPE_TEXT] = {"text", 0, 0},
    [FMT_TYPE_VARCHAR] = {"varchar", 1, 1},
    [FMT_TYPE_CHAR] = {"char", 1, 1},
    [FMT_TYPE_BYTES] = {"bytes", 0, 0},
    [FMT_TYPE_DATE] = {"date", 0, 0},
    [FMT_TYPE_TIME] = {"time", 0, 0},
    [FMT_TYPE_TIMETZ] = {"timetz", 0, 0},
    [FMT_TYPE_TIMESTAMP] = {"timestamp", 0, 0},
    [FMT_TYPE_TIMESTAMPTZ] = {"timestamptz", 0, 0},
    [FMT_TYPE_INTERVAL] = {"interval", 0, 0},
    [FMT_TYPE_UUID] = {"uuid", 0, 0},
    [FMT_TYPE_JSON] = {"json", 0, 0},
    [FMT_TYPE_JSONB] = {"jsonb", 0, 0},
    [FMT_TYPE_VECTOR] = {"vector", 1, 1},
    [FMT_TYPE_HALFVEC] = {"halfvec", 1, 1},
    [FMT_TYPE_ANY] = {"any", 0, 0},
    [FMT_TYPE_NATIVE] = {"native", 0, 0},
    [FMT_TYPE_SPARSEVEC] = {"sparsevec", 1, 1},
    [FMT_TYPE_ARRAY] = {"array", 0, 0},
};

const char *fmt_type_name(fmt_type_kind k)
{
    return (unsigned)k < FMT_TYPE_COUNT_ ? type_table[k].name : "?";
}

int fmt_type_is_integer(fmt_type_kind k)
{
    return k == FMT_TYPE_INT16 || k == FMT_TYPE_INT32 || k == FMT_TYPE_INT64;
}

/* Parses a non-negative decimal parameter no larger than max. */
static int parse_param(const char **p, const char *end, int32_t max, int32_t *out)
{
    int64_t v = 0;
    const char *s = *p;
    if (s == end || *s < '0' || *s > '9')
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
        s++;
    }
    *out = (int32_t)v;
    *p = s;
    return 0;
}

int fmt_type_parse(fmt_type *out, const char *s, size_t len, char *err, size_t errlen)
{
    /* array(ELEMENT): the element is any type but an array, any, native. */
    if (len > 7 && memcmp(s, "array(", 6) == 0 && s[len - 1] == ')') {
        if (fmt_type_parse(out, s + 6, len - 7, err, errlen) < 0)
            return -1;
        if (out->kind == FMT_TYPE_ARRAY || out->kind == FMT_TYPE_ANY ||
            out->kind == FMT_TYPE_NATIVE) {
            snprintf(err, errlen, "invalid portable type \"%.*s\"", (int)(len > 64 ? 64 : len), s);
            return -1;
        }
        out->element = out->kind;
        out->kind = FMT_TYPE_ARRAY;
        return 0;
    }
    const char *end = s + len, *paren = memchr(s, '(', len);
    size_t namelen = paren ? (size_t)(paren - s) : len;
    int kind = -1;
    for (int k = 0; k < FMT_TYPE_COUNT_; k++) {
        if (strlen(type_table[k].name) == namelen && memcmp(type_table[k].name, s, namelen) == 0) {
            kind = k;
            break;
        }
    }
    if (kind < 0) {
        snprintf(err, errlen, "unknown portable type \"%.*s\"", (int)(len > 64 ? 64 : len), s);
        return -1;
    }
    if (kind == FMT_TYPE_ARRAY)
        goto bad; /* "array" needs its element */
    out->kind = (fmt_type_kind)kind;
    out->element = FMT_TYPE_COUNT_;
    out->param1 = out->param2 = -1;
    int nparams = 0;
    if (paren) {
        const char *p = paren + 1;
        int32_t max =
            kind == FMT_TYPE_VECTOR || kind == FMT_TYPE_HALFVEC || kind == FMT_TYPE_SPARSEVEC
                ? FMT_TYPE_MAX_DIMENSION
            : kind == FMT_TYPE_DECIMAL ? 1000
                                       : 0x3fffffff;
        if (type_table[kind].arity == 0 || parse_param(&p, end, max, &out->param1) < 0)
            goto bad;
        nparams = 1;
        if (p < end && *p == ',') {
            p++;
            if (type_table[kind].arity < 2 || parse_param(&p, end, 1000, &out->param2) < 0)
                goto bad;
            nparams = 2;
        }
        if (p + 1 != end || *p != ')')
            goto bad;
    }
    if (nparams < type_table[kind].required)
        goto bad;
    if ((kind == FMT_TYPE_VECTOR || kind == FMT_TYPE_HALFVEC || kind == FMT_TYPE_SPARSEVEC ||
         kind == FMT_TYPE_VARCHAR || kind == FMT_TYPE_CHAR || kind == FMT_TYPE_DECIMAL) &&
        nparams && out->param1 < 1)
        goto bad;
    if (kind == FMT_TYPE_DECIMAL && nparams == 2 && out->param2 > out->param1)
        goto bad;
    return 0;
bad:
    snprintf(err, errlen, "invalid portable type \"%.*s\"", (int)(len > 64 ? 64 : len), s);
    return -1;
}

int fmt_type_format(char out[FMT_TYPE_BUFSZ], const fmt_type *t)
{
    if (t->kind == FMT_TYPE_ARRAY) {
        fmt_type element = *t;
        char inner[FMT_TYPE_BUFSZ];
        element.kind = t->element;
        fmt_type_format(inner, &element);
        return snprintf(out, FMT_TYPE_BUFSZ, "array(%s)", inner);
    }
    const char *name = fmt_type_name(t->kind);
    if (t->param1 >= 0 && t->param2 >= 0)
        return snprintf(out, FMT_TYPE_BUFSZ, "%s(%d,%d)", name, (int)t->param1, (int)t->param2);
    if (t->param1 >= 0)
        return snprintf(out, FMT_TYPE_BUFSZ, "%s(%d)", name, (int)t->param1);
    return snprintf(out, FMT_TYPE_BUFSZ, "%s", name);
}

int fmt_type_valid(const fmt_type *t)
{
    char text[FMT_TYPE_BUFSZ], err[128];
    fmt_type back;
    int len = fmt_type_format(text, t);
    return len > 0 && fmt_type_parse(&back, text, (size_t)len, err, sizeof err) == 0 &&
           back.kind == t->kind && back.param1 == t->param1 && back.param2 == t->param2;
}
