/* pg_copy: values to COPY text format. Each value is turned into the text
 * PostgreSQL's input function for the column's type reads, then escaped
 * for COPY (backslash, tab, newline, carriage return). Vectors are written
 * shortest-round-trip so that the stored floats are bit-identical. */
#include "copy_text_out.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_reader.h"
#include "number.h"

/* Arrays nest one level per dimension (PostgreSQL allows 6); jsonb
 * elements may nest further. */
#define ARRAY_MAX_DEPTH 64

/* ---- buffer ------------------------------------------------------------- */

void pg_buf_addn(pg_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->buf, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void pg_buf_add(pg_buf *b, const char *s)
{
    pg_buf_addn(b, s, strlen(s));
}

void pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        b->oom = 1;
        va_end(ap);
        return;
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pg_buf_addn(b, s, (size_t)n);
    free(s);
}

static void add_quoted(pg_buf *b, const char *s, char quote)
{
    const char *p = s ? s : "";
    pg_buf_addn(b, &quote, 1);
    for (const char *q; (q = strchr(p, quote)) != NULL; p = q + 1) {
        pg_buf_addn(b, p, (size_t)(q - p + 1));
        pg_buf_addn(b, &quote, 1);
    }
    pg_buf_add(b, p);
    pg_buf_addn(b, &quote, 1);
}

void pg_buf_ident(pg_buf *b, const char *name)
{
    add_quoted(b, name, '"');
}

void pg_buf_literal(pg_buf *b, const char *s)
{
    add_quoted(b, s, '\'');
}

void pg_buf_free(pg_buf *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* ---- COPY escaping ------------------------------------------------------ */

static void add_copy_escaped(pg_buf *b, const char *s, size_t n)
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
        pg_buf_addn(b, s + start, i - start);
        pg_buf_add(b, esc);
        start = i + 1;
    }
    pg_buf_addn(b, s + start, n - start);
}

static void add_hex(pg_buf *b, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char chunk[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        chunk[k++] = digits[p[i] >> 4];
        chunk[k++] = digits[p[i] & 15];
        if (k == sizeof chunk) {
            pg_buf_addn(b, chunk, k);
            k = 0;
        }
    }
    pg_buf_addn(b, chunk, k);
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

static float half_to_float(unsigned h)
{
    unsigned sign = (h >> 15) & 1, exp = (h >> 10) & 31, frac = h & 1023;
    float v;
    if (exp == 0)
        v = ldexpf((float)frac, -24);
    else if (exp == 31)
        v = frac ? NAN : INFINITY;
    else
        v = ldexpf((float)(frac | 1024), (int)exp - 25);
    return sign ? -v : v;
}

int pg_copy_half(char out[32], unsigned half_bits)
{
    float f = half_to_float(half_bits);
    int n = non_finite(out, f);
    if (n)
        return n;
    return fmt_float32_format(out, f); /* a half is a float exactly */
}

/* "[1,0.5,-2]" from little-endian float32 or binary16 values. */
static int add_vector(pg_buf *b, const fmt_value *v, const pg_column_encoding *c, char *err,
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
    pg_buf_add(b, "[");
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
            pg_buf_add(b, ",");
        pg_buf_addn(b, num, (size_t)len);
    }
    pg_buf_add(b, "]");
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

static void add_array_element(pg_buf *b, const char *s, size_t n)
{
    if (!needs_quotes(s, n)) {
        pg_buf_addn(b, s, n);
        return;
    }
    pg_buf_add(b, "\"");
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            pg_buf_addn(b, s + start, i - start);
            pg_buf_add(b, "\\");
            start = i;
        }
    }
    pg_buf_addn(b, s + start, n - start);
    pg_buf_add(b, "\"");
}

static void add_json_string(pg_buf *b, const char *s, size_t n)
{
    pg_buf_add(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            pg_buf_addn(b, esc, 2);
        } else if (c < 0x20) {
            pg_buf_printf(b, "\\u%04x", c);
        } else {
            pg_buf_addn(b, s + i, 1);
        }
    }
    pg_buf_add(b, "\"");
}

/* A jsonb element that is an object: its JSON text again, from the event
 * that opened it to the one that closes it. */
static int add_json_object(pg_buf *out, fmt_json_reader *r, char *err, size_t errlen)
{
    pg_buf text = {0};
    int depth = 1, need_comma = 0, rc = -1;
    fmt_json_event ev;
    pg_buf_add(&text, "{");
    while (depth > 0) {
        if (fmt_json_reader_next(r, &ev) < 0) {
            snprintf(err, errlen, "invalid array value: %s", fmt_json_reader_errmsg(r));
            goto done;
        }
        int closing = ev.type == FMT_JSON_OBJECT_END || ev.type == FMT_JSON_ARRAY_END;
        if (need_comma && !closing)
            pg_buf_add(&text, ",");
        need_comma = 1;
        switch (ev.type) {
        case FMT_JSON_OBJECT_START:
        case FMT_JSON_ARRAY_START:
            pg_buf_add(&text, ev.type == FMT_JSON_OBJECT_START ? "{" : "[");
            depth++;
            need_comma = 0;
            break;
        case FMT_JSON_OBJECT_END:
        case FMT_JSON_ARRAY_END:
            pg_buf_add(&text, ev.type == FMT_JSON_OBJECT_END ? "}" : "]");
            depth--;
            break;
        case FMT_JSON_KEY:
            add_json_string(&text, ev.text, ev.len);
            pg_buf_add(&text, ":");
            need_comma = 0;
            break;
        case FMT_JSON_STRING:
            add_json_string(&text, ev.text, ev.len);
            break;
        case FMT_JSON_NUMBER:
            pg_buf_addn(&text, ev.text, ev.len);
            break;
        case FMT_JSON_TRUE:
            pg_buf_add(&text, "true");
            break;
        case FMT_JSON_FALSE:
            pg_buf_add(&text, "false");
            break;
        case FMT_JSON_NULL:
            pg_buf_add(&text, "null");
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
    pg_buf_free(&text);
    return rc;
}

/* The JSON array in v as PostgreSQL array text: "{{1,NULL},{3,4}}". */
static int add_array(pg_buf *b, const fmt_value *v, const pg_column_encoding *c, char *err,
                     size_t errlen)
{
    fmt_json_reader_options ro = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r = NULL;
    fmt_json_event ev;
    pg_buf lit = {0};
    unsigned depth = 0;
    int need_comma = 0, rc = -1;
    char *bytes = NULL;

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
            pg_buf_add(&lit, ",");
        need_comma = 1;
        switch (ev.type) {
        case FMT_JSON_ARRAY_START:
            pg_buf_add(&lit, "{");
            depth++;
            need_comma = 0;
            break;
        case FMT_JSON_ARRAY_END:
            pg_buf_add(&lit, "}");
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
        case FMT_JSON_NULL:
            pg_buf_add(&lit, "NULL");
            break;
        case FMT_JSON_TRUE:
        case FMT_JSON_FALSE:
            if (c->element == FMT_TYPE_JSONB || c->element == FMT_TYPE_JSON)
                pg_buf_add(&lit, ev.type == FMT_JSON_TRUE ? "true" : "false");
            else
                pg_buf_add(&lit, ev.type == FMT_JSON_TRUE ? "t" : "f");
            break;
        case FMT_JSON_NUMBER:
            pg_buf_addn(&lit, ev.text, ev.len);
            break;
        case FMT_JSON_STRING:
            if (memchr(ev.text, '\0', ev.len)) {
                snprintf(err, errlen, "PostgreSQL text cannot contain NUL bytes");
                goto done;
            }
            if (c->element == FMT_TYPE_BYTES) {
                size_t n = 0;
                free(bytes);
                bytes = malloc(ev.len / 4 * 3 + 3);
                if (!bytes) {
                    b->oom = 1;
                    goto done;
                }
                if (fmt_base64_decode(bytes, &n, ev.text, ev.len, err, errlen) < 0)
                    goto done;
                pg_buf tmp = {0};
                pg_buf_add(&tmp, "\\x");
                add_hex(&tmp, (const unsigned char *)bytes, n);
                if (tmp.oom)
                    lit.oom = 1;
                else
                    add_array_element(&lit, tmp.buf, tmp.len);
                pg_buf_free(&tmp);
            } else if (c->element == FMT_TYPE_JSONB) {
                pg_buf tmp = {0};
                add_json_string(&tmp, ev.text, ev.len);
                if (tmp.oom)
                    lit.oom = 1;
                else
                    add_array_element(&lit, tmp.buf, tmp.len);
                pg_buf_free(&tmp);
            } else {
                add_array_element(&lit, ev.text, ev.len);
            }
            break;
        default:
            snprintf(err, errlen, "invalid array value");
            goto done;
        }
    }
    if (lit.oom) {
        b->oom = 1;
        goto done;
    }
    add_copy_escaped(b, lit.buf, lit.len);
    rc = 0;
done:
    free(bytes);
    pg_buf_free(&lit);
    fmt_json_reader_free(r);
    return rc;
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

int pg_copy_value(pg_buf *line, const fmt_value *v, const pg_column_encoding *c, char *err,
                  size_t errlen)
{
    char num[FMT_DOUBLE_BUFSZ];
    int n;

    switch (v->kind) {
    case FMT_VALUE_NULL:
        pg_buf_add(line, "\\N");
        return 0;
    case FMT_VALUE_INTEGER:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY)
            return refuse(err, errlen, "an integer", c);
        pg_buf_printf(line, "%lld", (long long)v->i);
        return 0;
    case FMT_VALUE_REAL:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY || c->enc == PG_ENC_BOOLEAN)
            return refuse(err, errlen, "a real number", c);
        n = fmt_double_format(num, v->d);
        pg_buf_addn(line, num, (size_t)n);
        return 0;
    case FMT_VALUE_BOOLEAN:
        if (c->enc == PG_ENC_BOOLEAN)
            pg_buf_add(line, v->b ? "t" : "f");
        else if (c->enc == PG_ENC_NUMBER)
            pg_buf_add(line, v->b ? "1" : "0");
        else if (c->enc == PG_ENC_TEXT)
            pg_buf_add(line, v->b ? "true" : "false");
        else
            return refuse(err, errlen, "a boolean", c);
        return 0;
    case FMT_VALUE_DECIMAL:
        if (is_binary_encoding(c->enc) || c->enc == PG_ENC_ARRAY)
            return refuse(err, errlen, "a decimal", c);
        pg_buf_addn(line, v->bytes, v->len);
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
            pg_buf_add(line, "\\\\x");
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
