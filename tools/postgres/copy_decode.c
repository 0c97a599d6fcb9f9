/* The COPY decoder: PostgreSQL's text forms -> the format's values (see
 * pg_copy_decode.h). */
#include "pg_copy_decode.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_writer.h"
#include "number.h"
#include "pg_half.h"
#include "utf8.h"

#define MAX_ARRAY_DEPTH 16 /* PostgreSQL allows 6 dimensions */
#define SAFE_INTEGER 9007199254740991LL

static int set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* db_buf_addn with the result checked here: the parsers stop at the first
 * failure. */
static int buf_append(db_buf *b, const void *bytes, size_t n)
{
    db_buf_addn(b, bytes, n);
    return b->oom ? -1 : 0;
}

static int append_str(db_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int pg_decode_unescape(db_buf *out, const char *field, size_t len)
{
    size_t i = 0;
    if (buf_append(out, NULL, 0) < 0) {
        return -1;
    }
    while (i < len) {
        size_t run = i;
        char c;
        while (run < len && field[run] != '\\') {
            run++;
        }
        if (buf_append(out, field + i, run - i) < 0) {
            return -1;
        }
        i = run;
        if (i >= len) {
            break;
        }
        i++; /* the backslash */
        if (i >= len) {
            c = '\\'; /* a lone final backslash: keep it */
        } else {
            c = field[i++];
            switch (c) {
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case 't':
                c = '\t';
                break;
            case 'v':
                c = '\v';
                break;
            case 'x':
                if (i < len && hex_value(field[i]) >= 0) {
                    int v = hex_value(field[i++]);
                    if (i < len && hex_value(field[i]) >= 0) {
                        v = v * 16 + hex_value(field[i++]);
                    }
                    c = (char)v;
                }
                break;
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0', k;
                    for (k = 0; k < 2 && i < len && field[i] >= '0' && field[i] <= '7'; k++) {
                        v = v * 8 + (field[i++] - '0');
                    }
                    c = (char)(v & 0xff);
                }
                break;
            }
        }
        if (buf_append(out, &c, 1) < 0) {
            return -1;
        }
    }
    return 0;
}

int pg_decode_bytea(db_buf *out, const char *text, size_t len, char *err, size_t errlen)
{
    size_t i;
    if (len < 2 || text[0] != '\\' || text[1] != 'x' || len % 2) {
        return set_error(err, errlen, "bytea value is not in hex form");
    }
    if (buf_append(out, NULL, 0) < 0) {
        return set_error(err, errlen, "out of memory");
    }
    for (i = 2; i < len; i += 2) {
        int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
        unsigned char byte;
        if (hi < 0 || lo < 0) {
            return set_error(err, errlen, "bad hex digit in a bytea value");
        }
        byte = (unsigned char)(hi * 16 + lo);
        if (buf_append(out, &byte, 1) < 0) {
            return set_error(err, errlen, "out of memory");
        }
    }
    return 0;
}

int pg_decode_vector(db_buf *out, const char *text, size_t len, bool half, int32_t dimension,
                     char *err, size_t errlen)
{
    size_t i = 1;
    int32_t count = 0;
    if (len < 2 || text[0] != '[' || text[len - 1] != ']') {
        return set_error(err, errlen, "vector value is not \"[...]\"");
    }
    if (buf_append(out, NULL, 0) < 0) {
        return set_error(err, errlen, "out of memory");
    }
    while (i < len - 1) {
        char token[64], *end;
        size_t start = i, n;
        float f;
        unsigned char bytes[4];
        while (i < len - 1 && text[i] != ',') {
            i++;
        }
        n = i - start;
        if (n == 0 || n >= sizeof token) {
            return set_error(err, errlen, "bad vector element");
        }
        memcpy(token, text + start, n);
        token[n] = '\0';
        errno = 0;
        f = strtof(token, &end);
        if (*end || end == token) {
            return set_error(err, errlen, "bad vector element \"%s\"", token);
        }
        if (half) {
            uint16_t h = pg_half_from_float(f);
            bytes[0] = (unsigned char)(h & 0xff);
            bytes[1] = (unsigned char)(h >> 8);
        } else {
            uint32_t u;
            memcpy(&u, &f, sizeof u);
            bytes[0] = (unsigned char)(u & 0xff);
            bytes[1] = (unsigned char)((u >> 8) & 0xff);
            bytes[2] = (unsigned char)((u >> 16) & 0xff);
            bytes[3] = (unsigned char)(u >> 24);
        }
        if (buf_append(out, bytes, half ? 2 : 4) < 0) {
            return set_error(err, errlen, "out of memory");
        }
        count++;
        if (i < len - 1) {
            i++; /* the comma */
            if (i == len - 1) {
                return set_error(err, errlen, "bad vector element");
            }
        }
    }
    if (dimension >= 0 && count != dimension) {
        return set_error(err, errlen, "vector has %ld elements, the column %ld", (long)count,
                         (long)dimension);
    }
    return 0;
}

/* ---- array literals ---------------------------------------------------- */

typedef struct {
    int (*open)(void *ctx);
    int (*close)(void *ctx);
    int (*element)(void *ctx, const char *text, size_t len, bool null);
} array_visitor;

typedef struct {
    const char *p, *end;
    db_buf element; /* the current element's text, unescaped */
    const array_visitor *visitor;
    void *ctx;
    char *err;
    size_t errlen;
} array_cursor;

static void skip_space(array_cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r' ||
                             *c->p == '\v' || *c->p == '\f')) {
        c->p++;
    }
}

static int parse_element(array_cursor *c)
{
    bool quoted = false;
    c->element.len = 0;
    if (buf_append(&c->element, NULL, 0) < 0) {
        return set_error(c->err, c->errlen, "out of memory");
    }
    if (c->p < c->end && *c->p == '"') {
        quoted = true;
        c->p++;
        for (;;) {
            char ch;
            if (c->p >= c->end) {
                return set_error(c->err, c->errlen, "unterminated quoted array element");
            }
            ch = *c->p++;
            if (ch == '"') {
                break;
            }
            if (ch == '\\') {
                if (c->p >= c->end) {
                    return set_error(c->err, c->errlen, "unterminated quoted array element");
                }
                ch = *c->p++;
            }
            if (buf_append(&c->element, &ch, 1) < 0) {
                return set_error(c->err, c->errlen, "out of memory");
            }
        }
    } else {
        while (c->p < c->end && *c->p != ',' && *c->p != '}') {
            char ch = *c->p++;
            if (ch == '{' || ch == '"') {
                return set_error(c->err, c->errlen, "unexpected '%c' in an array element", ch);
            }
            if (ch == '\\') {
                if (c->p >= c->end) {
                    return set_error(c->err, c->errlen, "array literal ends in a backslash");
                }
                ch = *c->p++;
            }
            if (buf_append(&c->element, &ch, 1) < 0) {
                return set_error(c->err, c->errlen, "out of memory");
            }
        }
        while (c->element.len && strchr(" \t\n\r\v\f", c->element.buf[c->element.len - 1])) {
            c->element.buf[--c->element.len] = '\0';
        }
        if (!c->element.len) {
            return set_error(c->err, c->errlen, "empty array element");
        }
    }
    return c->visitor->element(
        c->ctx, c->element.buf, c->element.len,
        !quoted && c->element.len == 4 && (c->element.buf[0] | 0x20) == 'n' &&
            (c->element.buf[1] | 0x20) == 'u' && (c->element.buf[2] | 0x20) == 'l' &&
            (c->element.buf[3] | 0x20) == 'l');
}

static int parse_level(array_cursor *c, int depth)
{
    if (depth > MAX_ARRAY_DEPTH) {
        return set_error(c->err, c->errlen, "array nested too deeply");
    }
    c->p++; /* '{' */
    if (c->visitor->open(c->ctx) < 0) {
        return -1;
    }
    skip_space(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return c->visitor->close(c->ctx);
    }
    for (;;) {
        skip_space(c);
        if (c->p < c->end && *c->p == '{') {
            if (parse_level(c, depth + 1) < 0) {
                return -1;
            }
        } else if (parse_element(c) < 0) {
            return -1;
        }
        skip_space(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '}') {
            c->p++;
            return c->visitor->close(c->ctx);
        }
        return set_error(c->err, c->errlen, "expected ',' or '}' in an array literal");
    }
}

/* Returns 1 parsed, 0 for a literal with explicit bounds, -1 error. */
static int parse_array(const char *text, size_t len, const array_visitor *v, void *ctx, char *err,
                       size_t errlen)
{
    array_cursor c = {text, text + len, {0}, v, ctx, err, errlen};
    int rc = 1;
    skip_space(&c);
    if (c.p < c.end && *c.p == '[') {
        return 0;
    }
    if (c.p >= c.end || *c.p != '{') {
        return set_error(err, errlen, "array literal does not start with '{'");
    }
    if (parse_level(&c, 1) < 0) {
        rc = -1;
    } else {
        skip_space(&c);
        if (c.p != c.end) {
            rc = set_error(err, errlen, "text after the end of an array literal");
        }
    }
    db_buf_free(&c.element);
    return rc;
}

/* ---- array -> JSON ----------------------------------------------------- */

typedef struct {
    db_buf *out;
    const fmt_type *element;
    bool need_comma;
    bool not_json; /* an element is not valid UTF-8: the array goes as text */
    db_buf scratch;
    char *err;
    size_t errlen;
} json_ctx;

static int buf_sink(void *ctx, const void *bytes, size_t n)
{
    return buf_append(ctx, bytes, n);
}

/* A JSON string, escaped as the format's writer escapes it. */
static int json_string(db_buf *out, const char *s, size_t len)
{
    return fmt_json_escape(buf_sink, out, s, len) != 0 ? -1 : 0;
}

static int json_base64(db_buf *out, const char *bytes, size_t len)
{
    size_t n = fmt_base64_encoded_len(len);
    char *tmp = malloc(n + 1);
    int rc;
    if (!tmp) {
        return -1;
    }
    fmt_base64_encode(tmp, bytes, len);
    rc = buf_append(out, "\"", 1) < 0 || buf_append(out, tmp, n) < 0 || buf_append(out, "\"", 1) < 0
             ? -1
             : 0;
    free(tmp);
    return rc;
}

static int json_open(void *ctx)
{
    json_ctx *j = ctx;
    if ((j->need_comma && buf_append(j->out, ",", 1) < 0) || buf_append(j->out, "[", 1) < 0) {
        return set_error(j->err, j->errlen, "out of memory");
    }
    j->need_comma = false;
    return 0;
}

static int json_close(void *ctx)
{
    json_ctx *j = ctx;
    if (buf_append(j->out, "]", 1) < 0) {
        return set_error(j->err, j->errlen, "out of memory");
    }
    j->need_comma = true;
    return 0;
}

static int json_integer(json_ctx *j, const char *text, size_t len)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || end != text + len || len == 0) {
        return set_error(j->err, j->errlen, "bad integer array element \"%s\"", text);
    }
    if (v > SAFE_INTEGER || v < -SAFE_INTEGER) {
        return json_string(j->out, text, len);
    }
    return buf_append(j->out, text, len);
}

static int json_float(json_ctx *j, const char *text, size_t len)
{
    char buf[FMT_DOUBLE_BUFSZ], *end;
    double d = strtod(text, &end);
    int n;
    if (end != text + len || len == 0) {
        return set_error(j->err, j->errlen, "bad float array element \"%s\"", text);
    }
    n = fmt_double_format(buf, d);
    if (!isfinite(d)) {
        return json_string(j->out, buf, (size_t)n);
    }
    return buf_append(j->out, buf, (size_t)n);
}

static int json_element(void *ctx, const char *text, size_t len, bool null)
{
    json_ctx *j = ctx;
    int rc = 0;
    if (j->need_comma && buf_append(j->out, ",", 1) < 0) {
        return set_error(j->err, j->errlen, "out of memory");
    }
    j->need_comma = true;
    if (null) {
        rc = buf_append(j->out, "null", 4);
        return rc < 0 ? set_error(j->err, j->errlen, "out of memory") : 0;
    }
    switch (j->element->kind) {
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
        return json_integer(j, text, len) < 0 ? -1 : 0;
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        return json_float(j, text, len) < 0 ? -1 : 0;
    case FMT_TYPE_BOOLEAN:
        if (len != 1 || (text[0] != 't' && text[0] != 'f')) {
            return set_error(j->err, j->errlen, "bad boolean array element \"%s\"", text);
        }
        rc = append_str(j->out, text[0] == 't' ? "true" : "false");
        break;
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        j->scratch.len = 0;
        if (j->element->kind == FMT_TYPE_BYTES
                ? pg_decode_bytea(&j->scratch, text, len, j->err, j->errlen) < 0
                : pg_decode_vector(&j->scratch, text, len, j->element->kind == FMT_TYPE_HALFVEC,
                                   j->element->param1, j->err, j->errlen) < 0) {
            return -1;
        }
        rc = json_base64(j->out, j->scratch.buf, j->scratch.len);
        break;
    case FMT_TYPE_JSONB:
        if (fmt_utf8_validate(text, len) != len) {
            j->not_json = true;
            return 0;
        }
        /* The JSON null and "$" keys need the tagged form; a "$" anywhere
         * in a string is taken as a possible key, which is still exact. So
         * does a JSON array, which would read as one more dimension. */
        if ((len == 4 && memcmp(text, "null", 4) == 0) || strstr(text, "\"$") ||
            (len > 0 && text[0] == '[')) {
            rc = append_str(j->out, "{\"$jsonb\":") < 0 || buf_append(j->out, text, len) < 0 ||
                         append_str(j->out, "}") < 0
                     ? -1
                     : 0;
        } else {
            rc = buf_append(j->out, text, len);
        }
        break;
    default:
        if (fmt_utf8_validate(text, len) != len) {
            j->not_json = true;
            return 0;
        }
        rc = json_string(j->out, text, len);
        break;
    }
    return rc < 0 ? set_error(j->err, j->errlen, "out of memory") : 0;
}

static const array_visitor json_visitor = {json_open, json_close, json_element};

int pg_decode_array_json(db_buf *out, const char *text, size_t len, const fmt_type *element,
                         char *err, size_t errlen)
{
    json_ctx j = {out, element, false, false, {0}, err, errlen};
    size_t start = out->len;
    int rc;
    if (buf_append(out, NULL, 0) < 0) {
        return set_error(err, errlen, "out of memory");
    }
    rc = parse_array(text, len, &json_visitor, &j, err, errlen);
    db_buf_free(&j.scratch);
    if (rc == 1 && j.not_json) {
        rc = 0;
    }
    if (rc <= 0) {
        out->len = start;
        out->buf[start] = '\0';
    }
    return rc;
}

/* ---- array -> strings -------------------------------------------------- */

typedef struct {
    char **items;
    size_t n;
} strings_ctx;

static int strings_level(void *ctx)
{
    (void)ctx;
    return 0;
}

static int strings_element(void *ctx, const char *text, size_t len, bool null)
{
    strings_ctx *s = ctx;
    char **grown = realloc(s->items, (s->n + 1) * sizeof *grown);
    char *copy;
    if (!grown) {
        return -1;
    }
    s->items = grown;
    copy = malloc(null ? 1 : len + 1);
    if (!copy) {
        return -1;
    }
    if (!null) {
        memcpy(copy, text, len);
    }
    copy[null ? 0 : len] = '\0';
    s->items[s->n++] = copy;
    return 0;
}

static const array_visitor strings_visitor = {strings_level, strings_level, strings_element};

int pg_decode_array_strings(char ***out, size_t *n, const char *text)
{
    strings_ctx s = {NULL, 0};
    char err[128];
    size_t i;
    *out = NULL;
    *n = 0;
    if (parse_array(text, strlen(text), &strings_visitor, &s, err, sizeof err) != 1) {
        for (i = 0; i < s.n; i++) {
            free(s.items[i]);
        }
        free(s.items);
        return -1;
    }
    *out = s.items;
    *n = s.n;
    return 0;
}
