/* The binary COPY encoder (see pg_copy_binary.h). Its rule: the binary
 * value is what the type's input function makes of the text the text
 * encoder (copy_encode.c) would send, computed here only where that is
 * exact, and otherwise not at all (1: the caller goes on by text). So a
 * float4 from a double is strtof of the double's shortest text, as float4in
 * does it; a vector's floats are the file's bytes, swapped; a timestamp is
 * read only in ISO 8601 (PostgreSQL's own output and SQLite's datetime()),
 * and its microseconds are counted as PostgreSQL counts them (date2j). */
#include "pg_copy_binary.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "utf8.h"

/* PostgreSQL's own limits (datatype/timestamp.h, pgvector's vector.h). */
#define POSTGRES_EPOCH_JDATE INT64_C(2451545)
#define DATE_END_JULIAN INT64_C(2147483494)
#define MIN_TIMESTAMP INT64_C(-211813488000000000)
#define END_TIMESTAMP INT64_C(9223371331200000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define TZDISP_MAX_HOUR 15
#define VECTOR_MAX_DIM 16000
#define NAMEDATALEN 64
/* A field of more than this is left to the text path, which refuses it. */
#define FIELD_MAX ((size_t)1 << 30)

/* ---- bytes -------------------------------------------------------------- */

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

/* Room for a field of n bytes after its length: where to write them, or
 * NULL when memory ran out (b->oom). */
static unsigned char *field(db_buf *b, size_t n)
{
    if (db_buf_reserve(b, 4 + n) < 0)
        return NULL;
    unsigned char *p = (unsigned char *)b->buf + b->len;
    put32(p, (uint32_t)n);
    b->len += 4 + n;
    b->buf[b->len] = '\0';
    return p + 4;
}

static int put_bytes(db_buf *b, const void *s, size_t n)
{
    if (n > FIELD_MAX)
        return 1;
    unsigned char *p = field(b, n);
    if (p && n)
        memcpy(p, s, n);
    return 0;
}

static int put_int(db_buf *b, int64_t v, size_t width)
{
    unsigned char *p = field(b, width);
    if (!p)
        return 0;
    if (width == 2)
        put16(p, (uint16_t)v);
    else if (width == 4)
        put32(p, (uint32_t)v);
    else
        put64(p, (uint64_t)v);
    return 0;
}

void pg_copy_binary_header(db_buf *b)
{
    static const char signature[11] = "PGCOPY\n\377\r\n"; /* and its NUL */
    static const char flags_and_extension[8] = {0};
    db_buf_addn(b, signature, sizeof signature);
    db_buf_addn(b, flags_and_extension, sizeof flags_and_extension);
}

void pg_copy_binary_trailer(db_buf *b)
{
    db_buf_addn(b, "\377\377", 2);
}

void pg_copy_binary_row(db_buf *b, uint16_t nfields)
{
    unsigned char p[2];
    put16(p, nfields);
    db_buf_addn(b, p, 2);
}

pg_binary_type pg_copy_binary_type(const char *typname, char typtype, int builtin, int pgvector)
{
    static const struct {
        const char *name;
        pg_binary_type t;
    } builtins[] = {{"int2", PG_BIN_INT2},
                    {"int4", PG_BIN_INT4},
                    {"int8", PG_BIN_INT8},
                    {"float4", PG_BIN_FLOAT4},
                    {"float8", PG_BIN_FLOAT8},
                    {"bool", PG_BIN_BOOL},
                    {"text", PG_BIN_TEXT},
                    {"varchar", PG_BIN_TEXT},
                    {"bpchar", PG_BIN_TEXT},
                    {"name", PG_BIN_NAME},
                    {"bytea", PG_BIN_BYTEA},
                    {"uuid", PG_BIN_UUID},
                    {"date", PG_BIN_DATE},
                    {"timestamp", PG_BIN_TIMESTAMP},
                    {"timestamptz", PG_BIN_TIMESTAMPTZ},
                    {"json", PG_BIN_JSON},
                    {"jsonb", PG_BIN_JSONB}};
    if (!typname || typtype != 'b')
        return PG_BIN_NONE; /* a domain, an enum, a composite, a range... */
    if (pgvector && strcmp(typname, "vector") == 0)
        return PG_BIN_VECTOR;
    if (pgvector && strcmp(typname, "halfvec") == 0)
        return PG_BIN_HALFVEC;
    for (size_t i = 0; builtin && i < sizeof builtins / sizeof *builtins; i++)
        if (strcmp(typname, builtins[i].name) == 0)
            return builtins[i].t;
    return PG_BIN_NONE;
}

/* ---- the text the text encoder sends ------------------------------------ */

static int is_binary_encoding(pg_encoding e)
{
    return e == PG_ENC_BYTEA || e == PG_ENC_VECTOR || e == PG_ENC_HALFVEC;
}

/* The text pg_copy_value writes for a scalar v into a column of encoding
 * enc, before COPY escaping: 0 with *s and *n (num holds it when it is
 * formatted), or 1 when it writes no such text (it refuses v, v is NULL, an
 * array or bytes, or not valid UTF-8: then the server's message decides). */
static int scalar_text(const fmt_value *v, pg_encoding enc, const char **s, size_t *n,
                       char num[FMT_DOUBLE_BUFSZ])
{
    int binary = is_binary_encoding(enc) || enc == PG_ENC_ARRAY;
    switch (v->kind) {
    case FMT_VALUE_INTEGER:
        if (binary)
            return 1;
        *n = (size_t)fmt_int64_format(num, v->i);
        *s = num;
        return 0;
    case FMT_VALUE_REAL:
        if (binary || enc == PG_ENC_BOOLEAN)
            return 1;
        *n = (size_t)fmt_double_format(num, v->d);
        *s = num;
        return 0;
    case FMT_VALUE_BOOLEAN:
        if (enc == PG_ENC_BOOLEAN)
            *s = v->b ? "t" : "f";
        else if (enc == PG_ENC_NUMBER)
            *s = v->b ? "1" : "0";
        else if (enc == PG_ENC_TEXT)
            *s = v->b ? "true" : "false";
        else
            return 1;
        *n = strlen(*s);
        return 0;
    case FMT_VALUE_JSON:
        if (binary || enc == PG_ENC_NUMBER || enc == PG_ENC_BOOLEAN)
            return 1;
        break;
    case FMT_VALUE_DECIMAL:
        if (binary)
            return 1;
        break;
    case FMT_VALUE_TEXT:
        break;
    default:
        return 1;
    }
    if (v->len && (memchr(v->bytes, '\0', v->len) || fmt_utf8_validate(v->bytes, v->len) != v->len))
        return 1;
    *s = v->len ? v->bytes : "";
    *n = v->len;
    return 0;
}

/* ---- numbers ------------------------------------------------------------ */

/* int2in/int4in/int8in on text, strictly: an optional minus and digits. */
static int parse_integer(int64_t *out, const char *s, size_t n)
{
    size_t i = n && s[0] == '-';
    uint64_t mag = 0, limit = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (i == n || n - i > 19)
        return 1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 1;
        mag = mag * 10 + (uint64_t)(s[i] - '0');
    }
    if (mag > limit)
        return 1;
    *out = s[0] == '-' ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

static int put_integer(db_buf *b, const fmt_value *v, pg_encoding enc, pg_binary_type t)
{
    static const int64_t lo[] = {INT16_MIN, INT32_MIN, INT64_MIN};
    static const int64_t hi[] = {INT16_MAX, INT32_MAX, INT64_MAX};
    int k = t == PG_BIN_INT2 ? 0 : t == PG_BIN_INT4 ? 1 : 2;
    int64_t x;
    char num[FMT_DOUBLE_BUFSZ];
    const char *s;
    size_t n;
    if (v->kind == FMT_VALUE_INTEGER && enc == PG_ENC_NUMBER)
        x = v->i;
    else if (scalar_text(v, enc, &s, &n, num) || parse_integer(&x, s, n))
        return 1;
    if (x < lo[k] || x > hi[k])
        return 1; /* the server's "out of range" */
    return put_int(b, x, (size_t)2 << k);
}

/* float4in/float8in on text: a JSON number, NaN or [-]Infinity, read as
 * strtof/strtod read it, and refused (1) where the server refuses it. */
static int parse_float(double *out, const char *s, size_t n, int single)
{
    char tmp[FMT_DOUBLE_BUFSZ + 8];
    if (n >= sizeof tmp)
        return 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (strcmp(tmp, "NaN") == 0) {
        *out = NAN;
        return 0;
    }
    if (strcmp(tmp, "Infinity") == 0 || strcmp(tmp, "-Infinity") == 0) {
        *out = tmp[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    if (!fmt_is_json_number(tmp, n))
        return 1;
    char *end;
    errno = 0;
    double d = single ? (double)strtof(tmp, &end) : strtod(tmp, &end);
    if (end != tmp + n || (errno == ERANGE && (d == 0 || isinf(d))))
        return 1;
    *out = d;
    return 0;
}

static int put_float(db_buf *b, const fmt_value *v, pg_encoding enc, int single)
{
    char num[FMT_DOUBLE_BUFSZ];
    const char *s;
    size_t n;
    double d;
    unsigned char *p;
    if (v->kind == FMT_VALUE_INTEGER && enc == PG_ENC_NUMBER)
        d = single ? (double)(float)v->i : (double)v->i; /* correctly rounded, as strto* */
    else if (v->kind == FMT_VALUE_REAL && enc == PG_ENC_NUMBER && !single)
        d = v->d; /* its shortest text reads back as itself */
    else if (scalar_text(v, enc, &s, &n, num) || parse_float(&d, s, n, single))
        return 1;
    if (single) {
        float f = (float)d; /* exact: d came from a float */
        uint32_t u;
        memcpy(&u, &f, 4);
        if (isnan(f))
            u = 0x7fc00000u; /* float4in's NaN, whatever the file's bits */
        if (!(p = field(b, 4)))
            return 0;
        put32(p, u);
        return 0;
    }
    uint64_t u;
    memcpy(&u, &d, 8);
    if (isnan(d))
        u = UINT64_C(0x7ff8000000000000);
    if (!(p = field(b, 8)))
        return 0;
    put64(p, u);
    return 0;
}

/* boolin, strictly: t, f, true, false, 1, 0. */
static int put_bool(db_buf *b, const fmt_value *v, pg_encoding enc)
{
    char num[FMT_DOUBLE_BUFSZ];
    const char *s;
    size_t n;
    int value;
    if (scalar_text(v, enc, &s, &n, num))
        return 1;
    if ((n == 1 && (*s == 't' || *s == '1')) || (n == 4 && memcmp(s, "true", 4) == 0))
        value = 1;
    else if ((n == 1 && (*s == 'f' || *s == '0')) || (n == 5 && memcmp(s, "false", 5) == 0))
        value = 0;
    else
        return 1;
    unsigned char c = (unsigned char)value;
    return put_bytes(b, &c, 1);
}

/* ---- vectors ------------------------------------------------------------ */

/* pgvector's recv format from the file's little-endian float32 or binary16
 * bytes: the same checks as the text encoder's add_vector, and NaN and
 * infinity left to the text path, which the server refuses in its words. */
static int put_vector(db_buf *b, const fmt_value *v, const pg_column_encoding *c, int half)
{
    size_t width = half ? 2 : 4, n = v->len / width;
    const unsigned char *in = (const unsigned char *)v->bytes;
    if (v->kind != FMT_VALUE_BLOB || c->enc != (half ? PG_ENC_HALFVEC : PG_ENC_VECTOR) ||
        v->len % width || n == 0 || n > VECTOR_MAX_DIM ||
        (c->dimension >= 0 && n != (size_t)c->dimension))
        return 1;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = in + i * width;
        int all_ones = half ? (e[1] & 0x7c) == 0x7c : (e[3] & 0x7f) == 0x7f && (e[2] & 0x80);
        if (all_ones)
            return 1; /* the exponent of NaN and infinity */
    }
    unsigned char *p = field(b, 4 + v->len);
    if (!p)
        return 0;
    put16(p, (uint16_t)n);
    put16(p + 2, 0);
    p += 4;
    if (half) {
        for (size_t i = 0; i < n; i++, p += 2, in += 2)
            p[0] = in[1], p[1] = in[0];
    } else {
        for (size_t i = 0; i < n; i++, p += 4, in += 4)
            p[0] = in[3], p[1] = in[2], p[2] = in[1], p[3] = in[0];
    }
    return 0;
}

/* ---- uuid, dates and times ---------------------------------------------- */

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* uuid_in, strictly: 8-4-4-4-12 hex digits, or 32 of them. */
static int parse_uuid(unsigned char out[16], const char *s, size_t n)
{
    size_t k = 0;
    if (n != 32 && n != 36)
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (s[i] != '-')
                return 1;
            continue;
        }
        int h = hex_digit(s[i]);
        if (h < 0)
            return 1;
        out[k / 2] = (unsigned char)(k % 2 ? out[k / 2] | h : h << 4);
        k++;
    }
    return 0;
}

/* min to max digits at *p, and no more: their value, or -1. */
static int64_t digits(const char **p, const char *end, int min, int max)
{
    const char *s = *p;
    int64_t v = 0;
    int k = 0;
    for (; s < end && *s >= '0' && *s <= '9'; s++, k++) {
        if (k == max)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (k < min)
        return -1;
    *p = s;
    return v;
}

static int expect(const char **p, const char *end, char ch)
{
    if (*p == end || **p != ch)
        return 0;
    (*p)++;
    return 1;
}

/* The text ends at *p, or with " BC" there (*bc set). */
static int at_end(const char *p, const char *end, int *bc)
{
    *bc = end - p == 3 && memcmp(p, " BC", 3) == 0;
    return p == end || *bc;
}

/* "YYYY-MM-DD" (4 to 7 digits of year) at *p. */
static int parse_ymd(const char **p, const char *end, int64_t ymd[3])
{
    if ((ymd[0] = digits(p, end, 4, 7)) < 0 || !expect(p, end, '-') ||
        (ymd[1] = digits(p, end, 2, 2)) < 0 || !expect(p, end, '-') ||
        (ymd[2] = digits(p, end, 2, 2)) < 0)
        return 1;
    return 0;
}

/* The Julian day of a date as written (year AD, or BC), checked as
 * PostgreSQL's ValidateDate and IS_VALID_JULIAN check it, counted as its
 * date2j counts (proleptic Gregorian, year 0 is 1 BC). */
static int julian_day(int64_t *out, const int64_t ymd[3], int bc)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y = ymd[0], m = ymd[1], d = ymd[2];
    if (y <= 0 || m < 1 || m > 12 || d < 1)
        return 1;
    if (bc)
        y = 1 - y;
    int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    if (d > mdays[m - 1] + (m == 2 && leap))
        return 1;
    if (!((y > -4713 || (y == -4713 && m >= 11)) && (y < 5874898 || (y == 5874898 && m < 6))))
        return 1;
    if (m > 2) {
        m += 1;
        y += 4800;
    } else {
        m += 13;
        y += 4799;
    }
    int64_t century = y / 100;
    *out = y * 365 - 32167 + y / 4 - century + century / 4 + 7834 * m / 256 + d;
    return 0;
}

int pg_copy_binary_date(int32_t *out, const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    int64_t ymd[3], j;
    int bc;
    if (n == 8 && memcmp(s, "infinity", 8) == 0) {
        *out = INT32_MAX;
        return 0;
    }
    if (n == 9 && memcmp(s, "-infinity", 9) == 0) {
        *out = INT32_MIN;
        return 0;
    }
    if (parse_ymd(&p, end, ymd) || !at_end(p, end, &bc) || julian_day(&j, ymd, bc) || j < 0 ||
        j >= DATE_END_JULIAN) /* date_in's IS_VALID_DATE */
        return 1;
    *out = (int32_t)(j - POSTGRES_EPOCH_JDATE);
    return 0;
}

/* "[ T]HH:MM[:SS[.ffffff]]" at *p: microseconds into the day. */
static int parse_time(const char **p, const char *end, int64_t *usec)
{
    int64_t h, mi, sec = 0, frac = 0;
    if (!expect(p, end, ' ') && !expect(p, end, 'T'))
        return 1;
    if ((h = digits(p, end, 2, 2)) < 0 || h > 23 || !expect(p, end, ':') ||
        (mi = digits(p, end, 2, 2)) < 0 || mi > 59)
        return 1;
    if (expect(p, end, ':') && ((sec = digits(p, end, 2, 2)) < 0 || sec > 59))
        return 1;
    if (expect(p, end, '.')) {
        const char *f = *p;
        if ((frac = digits(p, end, 1, 6)) < 0)
            return 1; /* more than 6 digits: the server rounds them */
        for (ptrdiff_t k = *p - f; k < 6; k++)
            frac *= 10;
    }
    *usec = ((h * 60 + mi) * 60 + sec) * 1000000 + frac;
    return 0;
}

/* "Z", "+HH", "+HH:MM" or "+HH:MM:SS" at *p: seconds east of UTC. */
static int parse_offset(const char **p, const char *end, int64_t *east)
{
    int64_t h, m = 0, s = 0;
    if (expect(p, end, 'Z')) {
        *east = 0;
        return 0;
    }
    int sign = expect(p, end, '+') ? 1 : expect(p, end, '-') ? -1 : 0;
    if (!sign || (h = digits(p, end, 2, 2)) < 0 || h > TZDISP_MAX_HOUR)
        return 1;
    if (expect(p, end, ':')) {
        if ((m = digits(p, end, 2, 2)) < 0 || m > 59)
            return 1;
        if (expect(p, end, ':') && ((s = digits(p, end, 2, 2)) < 0 || s > 59))
            return 1;
    }
    *east = sign * (h * 3600 + m * 60 + s);
    return 0;
}

int pg_copy_binary_timestamp(int64_t *out, const char *s, size_t n, int with_zone)
{
    const char *p = s, *end = s + n;
    int64_t ymd[3], j, usec = 0, east = 0;
    int bc;
    if (n == 8 && memcmp(s, "infinity", 8) == 0) {
        *out = INT64_MAX;
        return 0;
    }
    if (n == 9 && memcmp(s, "-infinity", 9) == 0) {
        *out = INT64_MIN;
        return 0;
    }
    if (parse_ymd(&p, end, ymd))
        return 1;
    if (!at_end(p, end, &bc)) {
        if (parse_time(&p, end, &usec))
            return 1;
        /* An offset into a timestamp without time zone is read and
         * ignored, as timestamp_in does; without one, timestamptz is the
         * session's TimeZone, which the import sets to UTC. */
        if (p < end && (*p == 'Z' || *p == '+' || *p == '-') && parse_offset(&p, end, &east))
            return 1;
        if (!at_end(p, end, &bc))
            return 1;
    }
    if (julian_day(&j, ymd, bc))
        return 1;
    int64_t days = j - POSTGRES_EPOCH_JDATE;
    if (days < MIN_TIMESTAMP / USECS_PER_DAY - 1 || days > END_TIMESTAMP / USECS_PER_DAY + 1)
        return 1;
    int64_t t = days * USECS_PER_DAY + usec - (with_zone ? east * 1000000 : 0);
    if (t < MIN_TIMESTAMP || t >= END_TIMESTAMP)
        return 1; /* the server's "timestamp out of range" */
    *out = t;
    return 0;
}

/* ---- values ------------------------------------------------------------- */

/* A type read from the value's text: uuid, date and the timestamps. */
static int put_parsed(db_buf *b, const fmt_value *v, pg_encoding enc, pg_binary_type t)
{
    char num[FMT_DOUBLE_BUFSZ];
    const char *s;
    size_t n;
    if (scalar_text(v, enc, &s, &n, num))
        return 1;
    if (t == PG_BIN_UUID) {
        unsigned char u[16];
        return parse_uuid(u, s, n) ? 1 : put_bytes(b, u, 16);
    }
    if (t == PG_BIN_DATE) {
        int32_t d;
        return pg_copy_binary_date(&d, s, n) ? 1 : put_int(b, d, 4);
    }
    int64_t ts;
    if (pg_copy_binary_timestamp(&ts, s, n, t == PG_BIN_TIMESTAMPTZ))
        return 1;
    return put_int(b, ts, 8);
}

/* text, varchar, char(n), name, json, jsonb: the text itself. */
static int put_text(db_buf *b, const fmt_value *v, pg_encoding enc, pg_binary_type t)
{
    char num[FMT_DOUBLE_BUFSZ];
    const char *s;
    size_t n;
    if (scalar_text(v, enc, &s, &n, num) || n >= FIELD_MAX)
        return 1;
    if (t == PG_BIN_NAME && n >= NAMEDATALEN)
        return 1; /* namein truncates it, namerecv refuses it */
    if (t != PG_BIN_JSONB)
        return put_bytes(b, s, n);
    unsigned char *p = field(b, n + 1);
    if (p) {
        p[0] = 1; /* jsonb's version */
        memcpy(p + 1, s, n);
    }
    return 0;
}

int pg_copy_binary_value(db_buf *b, const fmt_value *v, const pg_column_encoding *c,
                         pg_binary_type t)
{
    if (v->kind == FMT_VALUE_NULL) {
        db_buf_addn(b, "\377\377\377\377", 4);
        return 0;
    }
    switch (t) {
    case PG_BIN_INT2:
    case PG_BIN_INT4:
    case PG_BIN_INT8:
        return put_integer(b, v, c->enc, t);
    case PG_BIN_FLOAT4:
    case PG_BIN_FLOAT8:
        return put_float(b, v, c->enc, t == PG_BIN_FLOAT4);
    case PG_BIN_BOOL:
        return put_bool(b, v, c->enc);
    case PG_BIN_TEXT:
    case PG_BIN_NAME:
    case PG_BIN_JSON:
    case PG_BIN_JSONB:
        return put_text(b, v, c->enc, t);
    case PG_BIN_BYTEA:
        if (v->kind != FMT_VALUE_BLOB || c->enc != PG_ENC_BYTEA)
            return 1; /* a text's bytea escapes are the server's to read */
        return put_bytes(b, v->bytes, v->len);
    case PG_BIN_VECTOR:
    case PG_BIN_HALFVEC:
        return put_vector(b, v, c, t == PG_BIN_HALFVEC);
    case PG_BIN_UUID:
    case PG_BIN_DATE:
    case PG_BIN_TIMESTAMP:
    case PG_BIN_TIMESTAMPTZ:
        return put_parsed(b, v, c->enc, t);
    case PG_BIN_NONE:
        break;
    }
    return 1;
}
