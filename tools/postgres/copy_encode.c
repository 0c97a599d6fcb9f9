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
#include "json_reader.h"
#include "json_writer.h"
#include "number.h"
#include "pg_half.h"
#include "pg_types.h"

/* Arrays nest one level per dimension (PostgreSQL allows 6); jsonb
 * elements may nest further. */
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

/* A jsonb element that is an object: its JSON text again, from the event
 * that opened it to the one that closes it. */
static int add_json_object(db_buf *out, fmt_json_reader *r, char *err, size_t errlen)
{
    db_buf text = {0};
    int depth = 1, need_comma = 0, rc = -1;
    fmt_json_event ev;
    db_buf_add(&text, "{");
    while (depth > 0) {
        if (fmt_json_reader_next(r, &ev) < 0) {
            snprintf(err, errlen, "invalid array value: %s", fmt_json_reader_errmsg(r));
            goto done;
        }
        int closing = ev.type == FMT_JSON_OBJECT_END || ev.type == FMT_JSON_ARRAY_END;
        if (need_comma && !closing)
            db_buf_add(&text, ",");
        need_comma = 1;
        switch (ev.type) {
        case FMT_JSON_OBJECT_START:
        case FMT_JSON_ARRAY_START:
            db_buf_add(&text, ev.type == FMT_JSON_OBJECT_START ? "{" : "[");
            depth++;
            need_comma = 0;
            break;
        case FMT_JSON_OBJECT_END:
        case FMT_JSON_ARRAY_END:
            db_buf_add(&text, ev.type == FMT_JSON_OBJECT_END ? "}" : "]");
            depth--;
            break;
        case FMT_JSON_KEY:
            add_json_string(&text, ev.text, ev.len);
            db_buf_add(&text, ":");
            need_comma = 0;
            break;
        case FMT_JSON_STRING:
            add_json_string(&text, ev.text, ev.len);
            break;
        case FMT_JSON_NUMBER:
            db_buf_addn(&text, ev.text, ev.len);
            break;
        case FMT_JSON_TRUE:
            db_buf_add(&text, "true");
            break;
        case FMT_JSON_FALSE:
            db_buf_add(&text, "false");
            break;
        case FMT_JSON_NULL:
            db_buf_add(&text, "null");
            break;
        default:
            snprintf(err, errlen, "invalid array value: unexpected end");
            goto done;
        }
    }
    if (text.oom) {
        out->oom = 1;
        goto done;
    }
    add_array_element(out, text.buf, text.len);
    rc = 0;
done:
    db_buf_free(&text);
    return rc;
}

/* A scalar element of an array value. A string is base64 for bytea
 * (written as \\x hex), a JSON string for jsonb, else the text; quoted for
 * the array literal. -1 with err set, or with lit->oom when memory ran out. */
static int add_scalar_element(db_buf *lit, const fmt_json_event *ev, const pg_column_encoding *c,
                              char *err, size_t errlen)
{
    int json = c->element == FMT_TYPE_JSONB || c->element == FMT_TYPE_JSON;
    db_buf tmp = {0};
    switch (ev->type) {
    case FMT_JSON_NULL:
        db_buf_add(lit, "NULL");
        return 0;
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        if (json)
            db_buf_add(lit, ev->type == FMT_JSON_TRUE ? "true" : "false");
        else
            db_buf_add(lit, ev->type == FMT_JSON_TRUE ? "t" : "f");
        return 0;
    case FMT_JSON_NUMBER:
        db_buf_addn(lit, ev->text, ev->len);
        return 0;
    case FMT_JSON_STRING:
        break;
    default:
        snprintf(err, errlen, "invalid array value");
        return -1;
    }
    if (memchr(ev->text, '\0', ev->len)) {
        snprintf(err, errlen, "PostgreSQL text cannot contain NUL bytes");
        return -1;
    }
    if (c->element == FMT_TYPE_BYTES) {
        size_t n = 0;
        char *bytes = malloc(ev->len / 4 * 3 + 3);
        if (!bytes) {
            lit->oom = 1;
            return -1;
        }
        if (fmt_base64_decode(bytes, &n, ev->text, ev->len, err, errlen) < 0) {
            free(bytes);
            return -1;
        }
        db_buf_add(&tmp, "\\x");
        add_hex(&tmp, (const unsigned char *)bytes, n);
        free(bytes);
    } else if (c->element == FMT_TYPE_JSONB) {
        add_json_string(&tmp, ev->text, ev->len);
    } else {
        add_array_element(lit, ev->text, ev->len);
        return 0;
    }
    if (tmp.oom)
        lit->oom = 1;
    else
        add_array_element(lit, tmp.buf, tmp.len);
    db_buf_free(&tmp);
    return 0;
}

/* The JSON array in v as PostgreSQL array text: "{{1,NULL},{3,4}}". */
static int add_array(db_buf *b, const fmt_value *v, const pg_column_encoding *c, char *err,
                     size_t errlen)
{
    fmt_json_reader_options ro = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r = NULL;
    fmt_json_event ev;
    db_buf lit = {0};
    unsigned depth = 0;
    int need_comma = 0, rc = -1;

    ro.max_depth = ARRAY_MAX_DEPTH;
    if (fmt_json_reader_new(&r, &ro) < 0) {
        b->oom = 1;
        goto done;
    }
    fmt_json_reader_feed(r, v->bytes ? v->bytes : "", v->len, 1);
    for (;;) {
        if (fmt_json_reader_next(r, &ev) < 0) {
            snprintf(err, errlen, "invalid array value: %s", fmt_json_reader_errmsg(r));
            goto done;
        }
        if (ev.type == FMT_JSON_END || ev.type == FMT_JSON_NEED_INPUT)
            break;
        if (depth == 0 && ev.type != FMT_JSON_ARRAY_START) {
            snprintf(err, errlen, "an array column needs a JSON array");
            goto done;
        }
        int closing = ev.type == FMT_JSON_ARRAY_END;
        if (need_comma && !closing)
            db_buf_add(&lit, ",");
        need_comma = 1;
        switch (ev.type) {
        case FMT_JSON_ARRAY_START:
            db_buf_add(&lit, "{");
            depth++;
            need_comma = 0;
            break;
        case FMT_JSON_ARRAY_END:
            db_buf_add(&lit, "}");
            depth--;
            break;
        case FMT_JSON_OBJECT_START:
            if (c->element != FMT_TYPE_JSONB && c->element != FMT_TYPE_JSON) {
                snprintf(err, errlen, "an array element of type %s cannot be an object",
                         fmt_type_name(c->element));
                goto done;
            }
            if (add_json_object(&lit, r, err, errlen) < 0)
                goto done;
            break;
        default:
            if (add_scalar_element(&lit, &ev, c, err, errlen) < 0) {
                if (lit.oom)
                    b->oom = 1;
                goto done;
            }
            break;
        }
    }
    if (lit.oom) {
        b->oom = 1;
        goto done;
    }
    add_copy_escaped(b, lit.buf, lit.len);
    rc = 0;
done:
    db_buf_free(&lit);
    fmt_json_reader_free(r);
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
    case FMT_VALUE_JSON:
        if (c->enc == PG_ENC_ARRAY)
            return add_array(line, v, c, err, errlen);
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_NUMBER || c->enc == PG_ENC_BOOLEAN)
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
