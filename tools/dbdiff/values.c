/* Values compared by meaning. Each value becomes canonical bytes by its
 * column's portable type, so that the same value read from SQLite, from
 * PostgreSQL or from a file gives the same bytes: a boolean column's 1 and
 * true, a decimal's "1.50", "1.5" and the real 1.5, a jsonb value whatever
 * its key order. docs/DBDIFF.md lists the rules. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdiff.h"
#include "json_writer.h"
#include "number.h"
#include "utf8.h"

/* ---- decimals ---- */

/* Decimal text (the JSON number grammar, or NaN and the infinities) as
 * sign, significant digits and exponent: "-0.0150" is "-15e-3" ...
 * written "-15e-2" in the form 0.DIGITS x 10^E. Zero is "0". */
int dd_decimal_canon(db_buf *out, const char *s, size_t len)
{
    if (!fmt_is_decimal_text(s, len))
        return -1;
    if (!isdigit((unsigned char)s[len - 1])) { /* NaN, Infinity, -Infinity */
        db_buf_addn(out, s, len);
        return 0;
    }
    size_t i = 0, mark = out->len;
    if (s[i] == '-') {
        db_buf_addc(out, '-');
        i++;
    }
    size_t digits = out->len;
    long long point = 0; /* digits before the decimal point, leading zeros left out */
    int seen_point = 0, any = 0;
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            seen_point = 1;
            continue;
        }
        if (!any && s[i] == '0') {
            if (seen_point)
                point--;
            continue;
        }
        any = 1;
        if (!seen_point)
            point++;
        db_buf_addc(out, s[i]);
    }
    long long exponent = 0;
    if (i < len) {
        int negative = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            negative = s[i++] == '-';
        for (; i < len; i++)
            if (exponent < 1000000000LL)
                exponent = exponent * 10 + (s[i] - '0');
        if (negative)
            exponent = -exponent;
    }
    while (out->len > digits && out->buf[out->len - 1] == '0')
        out->len--;
    if (out->len == digits) { /* zero, of any sign */
        out->len = mark;
        db_buf_add(out, "0");
        return 0;
    }
    db_buf_printf(out, "e%lld", point + exponent);
    return 0;
}

/* ---- canonical bytes ---- */

static void add_text(db_buf *out, char tag, const char *s, size_t len)
{
    db_buf_addc(out, tag);
    db_buf_addn(out, s, len);
}

static void add_double(db_buf *out, char tag, double d)
{
    unsigned char bits[sizeof d];
    if (d != d)
        d = __builtin_nan(""); /* one NaN: the payload is not a value */
    memcpy(bits, &d, sizeof d);
    db_buf_addc(out, tag);
    db_buf_addn(out, bits, sizeof bits);
}

static void add_integer(db_buf *out, char tag, int64_t i)
{
    char text[24];
    int n = fmt_int64_format(text, i);
    add_text(out, tag, text, (size_t)n);
}

/* A value by its own class, for what does not fit its column's type (a
 * SQLite tagged value): the class is part of the value. */
static void canon_by_class(db_buf *out, const fmt_value *v)
{
    switch (v->kind) {
    case FMT_VALUE_NULL:
        db_buf_addc(out, 'n');
        return;
    case FMT_VALUE_INTEGER:
        add_integer(out, 'I', v->i);
        return;
    case FMT_VALUE_REAL:
        add_double(out, 'R', v->d);
        return;
    case FMT_VALUE_BOOLEAN:
        db_buf_add(out, v->b ? "B1" : "B0");
        return;
    case FMT_VALUE_DECIMAL:
        db_buf_addc(out, 'D');
        if (dd_decimal_canon(out, v->bytes, v->len) < 0)
            db_buf_addn(out, v->bytes, v->len);
        return;
    case FMT_VALUE_BLOB:
        add_text(out, 'X', v->bytes, v->len);
        return;
    case FMT_VALUE_JSON:
    case FMT_VALUE_ARRAY:
    case FMT_VALUE_TEXT:
        break;
    }
    if (v->kind == FMT_VALUE_TEXT)
        add_text(out, 'T', v->bytes, v->len);
    else if (v->kind == FMT_VALUE_JSON)
        add_text(out, 'J', v->bytes, v->len);
    else
        db_buf_add(out, "A");
}

/* Across backends a number in a text column is the text PostgreSQL holds
 * for it (an untyped SQLite column becomes text). */
static int canon_number_as_text(db_buf *out, const fmt_value *v)
{
    char text[FMT_DOUBLE_BUFSZ];
    if (v->kind == FMT_VALUE_INTEGER) {
        add_integer(out, 't', v->i);
        return 1;
    }
    if (v->kind == FMT_VALUE_REAL) {
        int n = fmt_double_format(text, v->d);
        add_text(out, 't', text, (size_t)n);
        return 1;
    }
    return 0;
}

static void canon_boolean(db_buf *out, const fmt_value *v)
{
    if (v->kind == FMT_VALUE_BOOLEAN)
        db_buf_add(out, v->b ? "b1" : "b0");
    else if (v->kind == FMT_VALUE_INTEGER && (v->i == 0 || v->i == 1))
        db_buf_add(out, v->i ? "b1" : "b0");
    else
        canon_by_class(out, v);
}

/* Integers and decimals: by numeric value, so 5, "5", "5.00" and the real
 * 5.0 are one value. */
static void canon_numeric(db_buf *out, const fmt_value *v)
{
    char text[FMT_DOUBLE_BUFSZ];
    size_t mark = out->len;
    db_buf_addc(out, 'd');
    switch (v->kind) {
    case FMT_VALUE_INTEGER: {
        char digits[24];
        int n = fmt_int64_format(digits, v->i);
        dd_decimal_canon(out, digits, (size_t)n);
        return;
    }
    case FMT_VALUE_REAL: {
        int n = fmt_double_format(text, v->d);
        dd_decimal_canon(out, text, (size_t)n);
        return;
    }
    case FMT_VALUE_DECIMAL:
        if (dd_decimal_canon(out, v->bytes, v->len) == 0)
            return;
        break;
    case FMT_VALUE_TEXT:
        /* SQLite's DECIMAL TEXT(p,s) holds the decimal as text, and an
         * export writes it as the decimal */
        if (dd_decimal_canon(out, v->bytes, v->len) == 0)
            return;
        break;
    default:
        break;
    }
    out->len = mark;
    canon_by_class(out, v);
}

/* Floats by their bits (one NaN). SQLite keeps a NaN as the text "NaN". */
static void canon_float(db_buf *out, const fmt_value *v, const dd_value_mode *m)
{
    double d;
    if (v->kind == FMT_VALUE_REAL && m->lossy && v->d == 0)
        add_double(out, 'f', 0.0); /* SQLite keeps no sign on a zero in a REAL column */
    else if (v->kind == FMT_VALUE_REAL)
        add_double(out, 'f', v->d);
    else if (v->kind == FMT_VALUE_INTEGER)
        add_double(out, 'f', (double)v->i);
    else if ((v->kind == FMT_VALUE_DECIMAL || v->kind == FMT_VALUE_TEXT) &&
             fmt_double_parse(&d, v->bytes, v->len) == 0) /* SQLite keeps a NaN as text */
        add_double(out, 'f', d);
    else
        canon_by_class(out, v);
}

/* json, jsonb and arrays by JSON value: keys in any order, numbers by
 * exact value. */
static int canon_json(db_buf *out, const fmt_value *v)
{
    size_t mark = out->len;
    if (v->kind == FMT_VALUE_JSON || v->kind == FMT_VALUE_TEXT) {
        db_buf_addc(out, 'j');
        int rc = dd_json_canon(out, v->bytes, v->len);
        if (rc == -1)
            return -1;
        if (rc == 0)
            return 0;
        out->len = mark;
    }
    canon_by_class(out, v);
    return 0;
}

static int canon_array_items(db_buf *out, const fmt_array *a);

static int canon_array_item(db_buf *out, const fmt_value *v)
{
    char text[FMT_DOUBLE_BUFSZ];
    switch (v->kind) {
    case FMT_VALUE_NULL:
        db_buf_addc(out, 'n');
        return 0;
    case FMT_VALUE_BOOLEAN:
        db_buf_add(out, v->b ? "b1" : "b0");
        return 0;
    case FMT_VALUE_INTEGER: {
        int n = fmt_int64_format(text, v->i);
        return dd_canon_number(out, text, (size_t)n) < 0 ? -1 : 0;
    }
    case FMT_VALUE_REAL: {
        int n = fmt_double_format(text, v->d);
        if (dd_canon_number(out, text, (size_t)n) < 0)
            dd_canon_string(out, text, (size_t)n);
        return 0;
    }
    case FMT_VALUE_DECIMAL:
        if (dd_canon_number(out, v->bytes, v->len) < 0)
            dd_canon_string(out, v->bytes, v->len); /* "NaN" travels as a string */
        return 0;
    case FMT_VALUE_JSON:
        return dd_json_canon(out, v->bytes, v->len) == -1 ? -1 : 0;
    case FMT_VALUE_ARRAY:
        return canon_array_items(out, v->array);
    default:
        dd_canon_string(out, v->bytes, v->len);
        return 0;
    }
}

static int canon_array_items(db_buf *out, const fmt_array *a)
{
    db_buf_addc(out, '[');
    for (size_t i = 0; a && i < a->n; i++)
        if (canon_array_item(out, &a->items[i]) < 0)
            return -1;
    db_buf_addc(out, ']');
    return 0;
}

/* Text-like types: by bytes; across backends a char(n)'s padding and a
 * uuid's case are PostgreSQL's, not the value's. */
static void canon_text(db_buf *out, const fmt_value *v, const fmt_type *t, const dd_value_mode *m)
{
    if (v->kind != FMT_VALUE_TEXT) {
        if (!(m->lossy && canon_number_as_text(out, v)))
            canon_by_class(out, v);
        return;
    }
    size_t len = v->len;
    if (m->across && t->kind == FMT_TYPE_CHAR)
        while (len > 0 && v->bytes[len - 1] == ' ')
            len--;
    db_buf_addc(out, 't');
    if (m->lossy && t->kind == FMT_TYPE_UUID) {
        for (size_t i = 0; i < len; i++)
            db_buf_addc(out, (char)tolower((unsigned char)v->bytes[i]));
        return;
    }
    db_buf_addn(out, v->bytes, len);
}

int dd_value_canon(db_buf *out, const fmt_value *v, const fmt_type *t, const dd_value_mode *m)
{
    if (v->kind == FMT_VALUE_NULL) {
        db_buf_addc(out, 'n');
        return out->oom ? -1 : 0;
    }
    switch (t->kind) {
    case FMT_TYPE_BOOLEAN:
        canon_boolean(out, v);
        break;
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
    case FMT_TYPE_DECIMAL:
        canon_numeric(out, v);
        break;
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        canon_float(out, v, m);
        break;
    case FMT_TYPE_JSON:
        if (!m->across) {
            fmt_value text = *v; /* a compact text travels as its value (1.3) */
            if (text.kind == FMT_VALUE_JSON)
                text.kind = FMT_VALUE_TEXT;
            canon_text(out, &text, t, m);
            break;
        }
        if (canon_json(out, v) < 0) /* across backends json and jsonb meet */
            return -1;
        break;
    case FMT_TYPE_JSONB:
        if (canon_json(out, v) < 0)
            return -1;
        break;
    case FMT_TYPE_ARRAY:
        if (v->kind == FMT_VALUE_ARRAY) {
            db_buf_addc(out, 'j');
            if (canon_array_items(out, v->array) < 0)
                return -1;
        } else if (canon_json(out, v) < 0) {
            return -1;
        }
        break;
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        if (v->kind == FMT_VALUE_BLOB)
            add_text(out, 'x', v->bytes, v->len);
        else
            canon_by_class(out, v);
        break;
    case FMT_TYPE_ANY:
        if (m->across && v->kind == FMT_VALUE_TEXT)
            add_text(out, 't', v->bytes, v->len); /* what a text column holds */
        else if (!(m->lossy && canon_number_as_text(out, v)))
            canon_by_class(out, v);
        break;
    default:
        canon_text(out, v, t, m);
        break;
    }
    return out->oom ? -1 : 0;
}

/* ---- key order ---- */

static int class_rank(const fmt_value *v)
{
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return 0;
    case FMT_VALUE_INTEGER:
    case FMT_VALUE_REAL:
    case FMT_VALUE_BOOLEAN:
    case FMT_VALUE_DECIMAL:
        return 1;
    case FMT_VALUE_BLOB:
        return 3;
    default:
        return 2;
    }
}

static double as_double(const fmt_value *v)
{
    double d = 0;
    if (v->kind == FMT_VALUE_INTEGER)
        return (double)v->i;
    if (v->kind == FMT_VALUE_BOOLEAN)
        return v->b;
    if (v->kind == FMT_VALUE_REAL)
        return v->d;
    fmt_double_parse(&d, v->bytes, v->len);
    return d;
}

/* Two canonical decimals (dd_decimal_canon: "0", or a sign, the significant
 * digits and "e" with the place of the decimal point) by value. */
static int canon_decimal_cmp(const char *a, const char *b)
{
    int sa = a[0] == '-' ? -1 : strcmp(a, "0") != 0, sb = b[0] == '-' ? -1 : strcmp(b, "0") != 0;
    if (sa != sb || sa == 0)
        return sa < sb ? -1 : sa > sb;
    a += sa < 0;
    b += sb < 0;
    const char *ea = strchr(a, 'e'), *eb = strchr(b, 'e');
    long long pa = ea ? strtoll(ea + 1, NULL, 10) : 0, pb = eb ? strtoll(eb + 1, NULL, 10) : 0;
    int c = pa < pb ? -1 : pa > pb;
    if (!c) {
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        c = memcmp(a, b, la < lb ? la : lb);
        c = c ? (c < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
    }
    return sa < 0 ? -c : c;
}

/* Integers and decimals that a double cannot tell apart (beyond 2^53, or
 * past 17 digits), by their exact decimal value. */
static int exact_number_cmp(const fmt_value *a, const fmt_value *b)
{
    char ia[24], ib[24];
    const char *ta = a->bytes, *tb = b->bytes;
    size_t la = a->len, lb = b->len;
    if (a->kind == FMT_VALUE_INTEGER)
        la = (size_t)fmt_int64_format(ia, a->i), ta = ia;
    if (b->kind == FMT_VALUE_INTEGER)
        lb = (size_t)fmt_int64_format(ib, b->i), tb = ib;
    if (la == lb && memcmp(ta, tb, la) == 0)
        return 0;
    db_buf ca = {0}, cb = {0};
    int c = 0;
    if (dd_decimal_canon(&ca, ta, la) == 0 && dd_decimal_canon(&cb, tb, lb) == 0 &&
        db_buf_reserve(&ca, 1) == 0 && db_buf_reserve(&cb, 1) == 0) {
        ca.buf[ca.len] = cb.buf[cb.len] = 0;
        c = canon_decimal_cmp(ca.buf, cb.buf);
    }
    db_buf_free(&ca);
    db_buf_free(&cb);
    return c;
}

int dd_value_key_cmp(const fmt_value *a, const fmt_value *b)
{
    int ra = class_rank(a), rb = class_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 1) {
        if (a->kind == FMT_VALUE_INTEGER && b->kind == FMT_VALUE_INTEGER)
            return a->i < b->i ? -1 : a->i > b->i;
        double x = as_double(a), y = as_double(b);
        if (x < y || x > y)
            return x < y ? -1 : 1;
        int exact = (a->kind == FMT_VALUE_INTEGER || a->kind == FMT_VALUE_DECIMAL) &&
                    (b->kind == FMT_VALUE_INTEGER || b->kind == FMT_VALUE_DECIMAL) && x == x;
        return exact ? exact_number_cmp(a, b) : 0;
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->bytes, b->bytes, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* ---- for people ---- */

/* Quoted, control characters and bytes that are not UTF-8 escaped, so the
 * report stays one valid UTF-8 line per finding. */
static void show_quoted(db_buf *out, const char *s, size_t len)
{
    const size_t limit = 60;
    size_t valid = fmt_utf8_validate(s, len);
    db_buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= limit && (c & 0xc0) != 0x80) {
            db_buf_printf(out, "...\" (%zu bytes)", len);
            return;
        }
        if (i >= valid && c >= 0x80) {
            size_t rest = fmt_utf8_validate(s + i, len - i);
            if (rest == 0) {
                db_buf_printf(out, "\\x%02x", c);
                continue;
            }
            valid = i + rest; /* a valid run again */
        }
        if (c == '"' || c == '\\')
            db_buf_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            db_buf_printf(out, "\\x%02x", c);
        else
            db_buf_addc(out, (char)c);
    }
    db_buf_addc(out, '"');
}

void dd_value_show(db_buf *out, const fmt_value *v)
{
    char text[FMT_DOUBLE_BUFSZ];
    switch (v->kind) {
    case FMT_VALUE_NULL:
        db_buf_add(out, "NULL");
        return;
    case FMT_VALUE_INTEGER:
        db_buf_printf(out, "%lld", (long long)v->i);
        return;
    case FMT_VALUE_REAL:
        fmt_double_format(text, v->d);
        db_buf_add(out, text);
        return;
    case FMT_VALUE_BOOLEAN:
        db_buf_add(out, v->b ? "true" : "false");
        return;
    case FMT_VALUE_DECIMAL:
        db_buf_addn(out, v->bytes, v->len > 60 ? 60 : v->len);
        return;
    case FMT_VALUE_BLOB:
        db_buf_add(out, "x'");
        for (size_t i = 0; i < v->len && i < 16; i++)
            db_buf_printf(out, "%02x", (unsigned char)v->bytes[i]);
        db_buf_printf(out, v->len > 16 ? "...' (%zu bytes)" : "'", v->len);
        return;
    case FMT_VALUE_ARRAY:
        db_buf_printf(out, "[array of %zu]", v->array ? v->array->n : (size_t)0);
        return;
    default:
        show_quoted(out, v->bytes, v->len);
        return;
    }
}

/* ---- for programs ---- */

static int json_tagged(fmt_json_writer *w, const char *tag, const char *s, size_t len)
{
    if (fmt_json_writer_object_start(w) < 0 || fmt_json_writer_keyz(w, tag) < 0 ||
        fmt_json_writer_base64(w, s, len) < 0)
        return -1;
    return fmt_json_writer_object_end(w);
}

int dd_value_json(fmt_json_writer *w, const fmt_value *v)
{
    char text[FMT_DOUBLE_BUFSZ];
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return fmt_json_writer_null(w);
    case FMT_VALUE_INTEGER:
        if (v->i > FMT_JSON_SAFE_INTEGER || v->i < -FMT_JSON_SAFE_INTEGER) {
            int n = fmt_int64_format(text, v->i); /* beyond what jq keeps exactly */
            return fmt_json_writer_string(w, text, (size_t)n);
        }
        return fmt_json_writer_int64(w, v->i);
    case FMT_VALUE_REAL:
        if (isfinite(v->d))
            return fmt_json_writer_double(w, v->d);
        fmt_double_format(text, v->d);
        return fmt_json_writer_stringz(w, text);
    case FMT_VALUE_BOOLEAN:
        return fmt_json_writer_bool(w, v->b);
    case FMT_VALUE_BLOB:
        return json_tagged(w, "$blob", v->bytes, v->len);
    case FMT_VALUE_ARRAY:
        return fmt_json_writer_null(w); /* never a key the merge uses */
    case FMT_VALUE_JSON:
        return fmt_json_writer_raw_value(w, v->bytes, v->len);
    default: /* text, decimal */
        if (fmt_utf8_validate(v->bytes, v->len) != v->len)
            return json_tagged(w, "$text_base64", v->bytes, v->len);
        return fmt_json_writer_string(w, v->bytes, v->len);
    }
}
