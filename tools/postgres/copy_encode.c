/* The COPY encoder (see pg_copy_encode.h): each of the file's values is
 * turned into the text PostgreSQL's input function for the column's type
 * reads, then escaped for COPY (backslash, tab, newline, carriage return).
 * Vectors are written shortest-round-trip so that the stored floats are
 * bit-identical. */
#include "pg_copy_encode.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_writer.h"
#include "number.h"
#include "pg_half.h"
#include "pg_types.h"

/* Arrays nest one level per dimension (PostgreSQL allows 6). */
#define ARRAY_MAX_DEPTH 64

/* ---- COPY escaping ------------------------------------------------------ */

static void add_copy_escaped(db_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\':
            esc = "\\\\";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        default:
            continue;
        }
        db_buf_addn(b, s + start, i - start);
        db_buf_add(b, esc);
        start = i + 1;
    }
    db_buf_addn(b, s + start, n - start);
}

static void add_hex(db_buf *b, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char chunk[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        chunk[k++] = digits[p[i] >> 4];
        chunk[k++] = digits[p[i] & 15];
        if (k == sizeof chunk) {
            db_buf_addn(b, chunk, k);
            k = 0;
        }
    }
    db_buf_addn(b, chunk, k);
}

/* ---- floats ------------------------------------------------------------- */

static int non_finite(char out[32], double f)
{
    if (isnan(f))
        return snprintf(out, 32, "NaN");
    if (isinf(f))
        return snprintf(out, 32, f < 0 ? "-Infinity" : "Infinity");
    return 0;
}

int pg_copy_float32(char out[32], float f)
{
    int n = non_finite(out, f);
    if (n)
        return n;
    return fmt_float32_format(out, f); /* exact, without printf: see number.h */
}

int pg_copy_half(char out[32], unsigned half_bits)
{
    float f = pg_half_to_float(half_bits);
    int n = non_finite(out, f);
    if (n)
        return n;
    return fmt_float32_format(out, f); /* a half is a float exactly */
}

/* "[1,0.5,-2]" from little-endian float32 or binary16 values. */
static int add_vector(db_buf *b, const fmt_value *v, const pg_column_encoding *c, char *err,
                      size_t errlen)
{
    size_t width = c->enc == PG_ENC_VECTOR ? 4 : 2;
    const unsigned char *p = (const unsigned char *)v->bytes;
    size_t n = v->len / width;
    char num[32];

    if (v->len % width || (c->dimension >= 0 && n != (size_t)c->dimension)) {
        if (c->dimension >= 0)
            snprintf(err, errlen, "%s needs %zu bytes (%zu per element), the value has %zu",
                     c->type_label, (size_t)c->dimension * width, width, v->len);
        else
            snprintf(err, errlen, "%s needs %zu bytes per element, the value has %zu",
                     c->type_label, width, v->len);
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s needs at least one element", c->type_label);
        return -1;
    }
    db_buf_add(b, "[");
    for (size_t i = 0; i < n; i++, p += width) {
        int len;
        if (width == 4) {
            uint32_t u =
                (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            float f;
            memcpy(&f, &u, sizeof f);
            len = pg_copy_float32(num, f);
        } else {
            len = pg_copy_half(num, (unsigned)p[0] | (unsigned)p[1] << 8);
        }
        if (i)
            db_buf_add(b, ",");
        db_buf_addn(b, num, (size_t)len);
    }
    db_buf_add(b, "]");
    return 0;
}

/* ---- array literals ----------------------------------------------------- */

static int needs_quotes(const char *s, size_t n)
{
    if (n == 0 || (n == 4 && (s[0] == 'N' || s[0] == 'n') && (s[1] == 'U' || s[1] == 'u') &&
                   (s[2] == 'L' || s[2] == 'l') && (s[3] == 'L' || s[3] == 'l')))
        return 1;
    for (size_t i = 0; i < n; i++)
        if (strchr("{}\",\\ \t\n\r\v\f", s[i]) && s[i] != '\0')
            return 1;
    return 0;
}

static void add_array_element(db_buf *b, const char *s, size_t n)
{
    if (!needs_quotes(s, n)) {
        db_buf_addn(b, s, n);
        return;
    }
    db_buf_add(b, "\"");
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            db_buf_addn(b, s + start, i - start);
            db_buf_add(b, "\\");
            start = i;
        }
    }
    db_buf_addn(b, s + start, n - start);
    db_buf_add(b, "\"");
}

static int buf_sink(void *ctx, const void *bytes, size_t n)
{
    db_buf *b = ctx;
    db_buf_addn(b, bytes, n);
    return b->oom ? -1 : 0;
}

/* A JSON string, escaped as the format's writer escapes it. */
static void add_json_string(db_buf *b, const char *s, size_t n)
{
    fmt_json_escape(buf_sink, b, s, n); /* a failure is b->oom */
}

/* An element of a bytea array: the base64 of its text (the file's natural
 * form) or a blob's bytes, as "\\x" hex, quoted for the literal. */
static int add_bytea_element(db_buf *lit, const fmt_value *v, char *err, size_t errlen)
{
    db_buf tmp = {0};
    char *bytes = NULL;
    const char *p = v->bytes;
    size_t n = v->len;
    int rc = -1;
    if (v->kind == FMT_VALUE_TEXT) {
        if (!(bytes = malloc(v->len / 4 * 3 + 3))) {
            lit->oom = 1;
            goto done;
        }
        if (fmt_base64_decode(bytes, &n, v->bytes, v->len, err, errlen) < 0)
            goto done;
        p = bytes;
    }
    db_buf_add(&tmp, "\\x");
    add_hex(&tmp, (const unsigned char *)p, n);
    if (tmp.oom)
        lit->oom = 1;
    else
        add_array_element(lit, tmp.buf, tmp.len);
    rc = 0;
done:
    free(bytes);
    db_buf_free(&tmp);
    return rc;
}

/* A text element: bytes for bytea, a JSON string for jsonb, else itself. */
static int add_text_element(db_buf *lit, const fmt_value *v, const pg_column_encoding *c, char *err,
                            size_t errlen)
{
    if (v->len && memchr(v->bytes, '\0', v->len)) {
        snprintf(err, errlen, "PostgreSQL text cannot contain NUL bytes");
        return -1;
    }
    if (c->element == FMT_TYPE_BYTES)
        return add_bytea_element(lit, v, err, errlen);
    if (c->element != FMT_TYPE_JSONB) {
        add_array_element(lit, v->bytes, v->len);
        return 0;
    }
    db_buf tmp = {0};
    add_json_string(&tmp, v->bytes, v->len);
    if (tmp.oom)
        lit->oom = 1;
    else
        add_array_element(lit, tmp.buf, tmp.len);
    db_buf_free(&tmp);
    return 0;
}

static int add_array_level(db_buf *lit, const fmt_array *a, const pg_column_encoding *c,
                           unsigned depth, char *err, size_t errlen);

/* One element of an array tree (value.h). -1 with err set, or with
 * lit->oom when memory ran out. */
static int add_element(db_buf *lit, const fmt_value *v, const pg_column_encoding *c, unsigned depth,
                       char *err, size_t errlen)
{
    int json = c->element == FMT_TYPE_JSONB || c->element == FMT_TYPE_JSON;
    char num[FMT_DOUBLE_BUFSZ];
    switch (v->kind) {
    case FMT_VALUE_ARRAY:
        return add_array_level(lit, v->array, c, depth + 1, err, errlen);
    case FMT_VALUE_NULL:
        db_buf_add(lit, "NULL");
        return 0;
    case FMT_VALUE_BOOLEAN:
        db_buf_add(lit, json ? (v->b ? "true" : "false") : (v->b ? "t" : "f"));
        return 0;
    case FMT_VALUE_INTEGER:
        db_buf_printf(lit, "%lld", (long long)v->i);
        return 0;
    case FMT_VALUE_REAL:
        add_array_element(lit, num, (size_t)fmt_double_format(num, v->d));
        return 0;
    case FMT_VALUE_DECIMAL:
        add_array_element(lit, v->bytes, v->len);
        return 0;
    case FMT_VALUE_TEXT:
        return add_text_element(lit, v, c, err, errlen);
    case FMT_VALUE_BLOB:
        if (c->element == FMT_TYPE_BYTES)
            return add_bytea_element(lit, v, err, errlen);
        snprintf(err, errlen, "an array element of type %s cannot be a byte string",
                 fmt_type_name(c->element));
        return -1;
    case FMT_VALUE_JSON:
        if (!json) {
            snprintf(err, errlen, "an array element of type %s cannot be an object",
                     fmt_type_name(c->element));
            return -1;
        }
        add_array_element(lit, v->bytes, v->len);
        return 0;
    }
    snprintf(err, errlen, "invalid array value");
    return -1;
}

/* One dimension of an array tree as PostgreSQL array text: "{1,NULL}". */
static int add_array_level(db_buf *lit, const fmt_array *a, const pg_column_encoding *c,
                           unsigned depth, char *err, size_t errlen)
{
    if (depth > ARRAY_MAX_DEPTH) {
        snprintf(err, errlen, "invalid array value: nested deeper than %d", ARRAY_MAX_DEPTH);
        return -1;
    }
    db_buf_add(lit, "{");
    for (size_t k = 0; a && k < a->n; k++) {
        if (k)
            db_buf_add(lit, ",");
        if (add_element(lit, &a->items[k], c, depth, err, errlen) < 0)
            return -1;
    }
    db_buf_add(lit, "}");
    return 0;
}

/* The array tree in v as PostgreSQL array text, COPY-escaped:
 * "{{1,NULL},{3,4}}". */
static int add_array(db_buf *b, const fmt_value *v, const pg_column_encoding *c, char *err,
                     size_t errlen)
{
    db_buf lit = {0};
    int rc = add_array_level(&lit, v->array, c, 1, err, errlen);
    if (lit.oom) {
        b->oom = 1;
        rc = -1;
    }
    if (rc == 0)
        add_copy_escaped(b, lit.buf, lit.len);
    db_buf_free(&lit);
    return rc;
}

/* ---- encodings ---------------------------------------------------------- */

pg_encoding pg_copy_encoding_for_kind(fmt_type_kind k)
{
    if (k == FMT_TYPE_BOOLEAN)
        return PG_ENC_BOOLEAN;
    if (pg_type_is_number(k))
        return PG_ENC_NUMBER;
    switch (k) {
    case FMT_TYPE_BYTES:
        return PG_ENC_BYTEA;
    case FMT_TYPE_VECTOR:
        return PG_ENC_VECTOR;
    case FMT_TYPE_HALFVEC:
        return PG_ENC_HALFVEC;
    case FMT_TYPE_ARRAY:
        return PG_ENC_ARRAY;
    default:
        return PG_ENC_TEXT;
    }
}

pg_encoding pg_copy_encoding_for_type(const char *typname, char category)
{
    if (strcmp(typname, "bool") == 0)
        return PG_ENC_BOOLEAN;
    if (strcmp(typname, "bytea") == 0)
        return PG_ENC_BYTEA;
    if (strcmp(typname, "vector") == 0)
        return PG_ENC_VECTOR;
    if (strcmp(typname, "halfvec") == 0)
        return PG_ENC_HALFVEC;
    if (category == 'A')
        return PG_ENC_ARRAY;
    if (category == 'N')
        return PG_ENC_NUMBER;
    return PG_ENC_TEXT;
}

/* ---- values ------------------------------------------------------------- */

static int is_binary_encoding(pg_encoding e)
{
    return e == PG_ENC_BYTEA || e == PG_ENC_VECTOR || e == PG_ENC_HALFVEC;
}

static int refuse(char *err, size_t errlen, const char *what, const pg_column_encoding *c)
{
    snprintf(err, errlen, "%s cannot go to a column of type %s", what, c->type_label);
    return -1;
}

int pg_copy_value(db_buf *line, const fmt_value *v, const pg_column_encoding *c, char *err,
                  size_t errlen)
{
    char num[FMT_DOUBLE_BUFSZ];
    int n;

    switch (v->kind) {
    case FMT_VALUE_NULL:
        db_buf_add(line, "\\N");
        return 0;
    case FMT_VALUE_INTEGER:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY)
            return refuse(err, errlen, "an integer", c);
        db_buf_printf(line, "%lld", (long long)v->i);
        return 0;
    case FMT_VALUE_REAL:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY || c->enc == PG_ENC_BOOLEAN)
            return refuse(err, errlen, "a real number", c);
        n = fmt_double_format(num, v->d);
        db_buf_addn(line, num, (size_t)n);
        return 0;
    case FMT_VALUE_BOOLEAN:
        if (c->enc == PG_ENC_BOOLEAN)
            db_buf_add(line, v->b ? "t" : "f");
        else if (c->enc == PG_ENC_NUMBER)
            db_buf_add(line, v->b ? "1" : "0");
        else if (c->enc == PG_ENC_TEXT)
            db_buf_add(line, v->b ? "true" : "false");
        else
            return refuse(err, errlen, "a boolean", c);
        return 0;
    case FMT_VALUE_DECIMAL:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY)
            return refuse(err, errlen, "a decimal", c);
        db_buf_addn(line, v->bytes, v->len);
        return 0;
    case FMT_VALUE_TEXT:
        if (v->len && memchr(v->bytes, '\0', v->len)) {
            snprintf(err, errlen, "PostgreSQL text cannot contain NUL bytes");
            return -1;
        }
        add_copy_escaped(line, v->bytes, v->len);
        return 0;
    case FMT_VALUE_ARRAY:
        if (c->enc != PG_ENC_ARRAY)
            return refuse(err, errlen, "an array", c);
        return add_array(line, v, c, err, errlen);
    case FMT_VALUE_JSON:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY || c->enc == PG_ENC_NUMBER ||
            c->enc == PG_ENC_BOOLEAN)
            return refuse(err, errlen, "a JSON value", c);
        if (v->len && memchr(v->bytes, '\0', v->len)) {
            snprintf(err, errlen, "PostgreSQL text cannot contain NUL bytes");
            return -1;
        }
        add_copy_escaped(line, v->bytes, v->len);
        return 0;
    case FMT_VALUE_BLOB:
        if (c->enc == PG_ENC_BYTEA) {
            db_buf_add(line, "\\\\x");
            add_hex(line, (const unsigned char *)v->bytes, v->len);
            return 0;
        }
        if (c->enc == PG_ENC_VECTOR || c->enc == PG_ENC_HALFVEC)
            return add_vector(line, v, c, err, errlen);
        return refuse(err, errlen, "a byte string", c);
    }
    snprintf(err, errlen, "unknown value kind");
    return -1;
}
