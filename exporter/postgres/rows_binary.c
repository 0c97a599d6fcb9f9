/* Binary COPY for the tables where it pays: those with a pgvector column
 * whose every other column has a binary form that gives back, byte for byte,
 * the value the text COPY gives (rows.c). In text, each vector element is
 * formatted by the server and parsed again by strtof here; in binary it is
 * pgvector's send format, exact float32 (int16 dimension, int16 unused, then
 * big-endian float4s; halfvec the same with float2s), which only needs its
 * bytes swapped.
 *
 * The other types taken in binary are the ones whose send format is their
 * text or a fixed-width number: integers, float8 (extra_float_digits = 1
 * makes the text exact, so strtod of it is this double), boolean, text,
 * varchar, char(n) (padding included in both), bytea, json and jsonb (their
 * output text, after jsonb's version byte) and uuid. float4 is not: the text
 * path's double is the decimal's, not the float's. Anything else (a domain,
 * numeric, timestamps, arrays) keeps the whole table in text. */
#include "pg_source_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_compact.h"

/* Built-in type oids (pg_type_d.h), stable across releases. */
enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_JSON = 114,
    OID_FLOAT8 = 701,
    OID_BPCHAR = 1042,
    OID_VARCHAR = 1043,
    OID_UUID = 2950,
    OID_JSONB = 3802
};

static const char signature[11] = "PGCOPY\n\377\r\n";

/* Whether a column of PostgreSQL type oid (send function proname, a
 * member of pgvector when vector) read as portable kind comes out of binary
 * COPY as it does out of text. */
static bool binary_exact(unsigned oid, const char *proname, bool pgvector, fmt_type_kind kind)
{
    switch (oid) {
    case OID_BOOL:
        return kind == FMT_TYPE_BOOLEAN;
    case OID_INT2:
        return kind == FMT_TYPE_INT16;
    case OID_INT4:
        return kind == FMT_TYPE_INT32;
    case OID_INT8:
        return kind == FMT_TYPE_INT64;
    case OID_FLOAT8:
        return kind == FMT_TYPE_FLOAT64;
    case OID_TEXT:
    case OID_VARCHAR:
    case OID_BPCHAR:
        return kind == FMT_TYPE_TEXT || kind == FMT_TYPE_VARCHAR || kind == FMT_TYPE_CHAR;
    case OID_BYTEA:
        return kind == FMT_TYPE_BYTES;
    case OID_JSON:
        return kind == FMT_TYPE_JSON;
    case OID_JSONB:
        return kind == FMT_TYPE_JSONB;
    case OID_UUID:
        return kind == FMT_TYPE_UUID;
    default:
        return pgvector && ((strcmp(proname, "vector_send") == 0 && kind == FMT_TYPE_VECTOR) ||
                            (strcmp(proname, "halfvec_send") == 0 && kind == FMT_TYPE_HALFVEC));
    }
}

static const char column_query[] =
    "SELECT a.attname, t.oid::pg_catalog.int8, p.proname, EXISTS (SELECT 1 FROM "
    "pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid "
    "WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid "
    "AND d.deptype = 'e' AND e.extname = 'vector') "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_proc p ON p.oid = t.typsend "
    "WHERE a.attrelid = $1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped";

/* Whether every exported column of t passes binary_exact, by the catalog. */
static int all_exact(pg_src *s, const fmt_table *t, bool *exact)
{
    db_buf name = {0};
    db_buf_ident(&name, t->namespace ? t->namespace : "public");
    db_buf_add(&name, ".");
    db_buf_ident(&name, t->name);
    if (name.oom)
        return pg_src_fail(s, "out of memory");
    const char *params[1] = {name.buf};
    PGresult *res = PQexecParams(s->conn, column_query, 1, NULL, params, NULL, NULL, 0);
    db_buf_free(&name);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_src_fail(s, "%s", res ? PQresultErrorMessage(res) : pg_src_server_message(s));
        PQclear(res);
        return rc;
    }
    *exact = true;
    for (size_t i = 0; i < t->ncolumns && *exact; i++) {
        const fmt_column *c = &t->columns[i];
        bool found = false;
        for (int r = 0; r < PQntuples(res) && !found; r++) {
            if (strcmp(PQgetvalue(res, r, 0), c->name) != 0)
                continue;
            found =
                binary_exact((unsigned)strtoul(PQgetvalue(res, r, 1), NULL, 10),
                             PQgetvalue(res, r, 2), PQgetvalue(res, r, 3)[0] == 't', c->type.kind);
        }
        *exact = found || c->generated_sql != NULL;
    }
    PQclear(res);
    return 0;
}

int pg_src_rows_use_binary(pg_src *s, const fmt_table *t, bool *binary)
{
    bool vectors = false;
    *binary = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        fmt_type_kind k = t->columns[i].type.kind;
        vectors |= !t->columns[i].generated_sql && (k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC);
    }
    return vectors ? all_exact(s, t, binary) : 0;
}

static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* bytes into buf, NUL-terminated; the value will point there (where). */
static int keep(pg_src *s, db_buf *buf, int where, size_t column, const void *bytes, size_t n)
{
    s->rows_offsets[column] = buf->len;
    s->rows_where[column] = where;
    db_buf_addn(buf, bytes, n);
    db_buf_addn(buf, "", 1);
    return buf->oom ? pg_src_fail(s, "out of memory") : 0;
}

/* A vector's (width 4) or halfvec's (width 2) send format -> the format's
 * little-endian elements, in s->converted. */
static int keep_vector(pg_src *s, size_t column, const unsigned char *p, size_t len, size_t width)
{
    int32_t want = s->rows_types[column].param1;
    if (len < 4 || len != 4 + width * be16(p))
        return pg_src_fail(s, "bad binary vector of %zu bytes", len);
    if (want >= 0 && be16(p) != want)
        return pg_src_fail(s, "vector has %ld elements, the column %ld", (long)be16(p), (long)want);
    if (db_buf_reserve(&s->converted, len - 4 + 1) < 0)
        return pg_src_fail(s, "out of memory");
    s->rows_offsets[column] = s->converted.len;
    s->rows_where[column] = 2;
    unsigned char *out = (unsigned char *)s->converted.buf + s->converted.len;
    for (size_t i = 4; i < len; i += width) {
        for (size_t b = 0; b < width; b++)
            *out++ = p[i + width - 1 - b];
    }
    *out = '\0';
    s->converted.len += len - 4;
    return 0;
}

static int keep_uuid(pg_src *s, size_t column, const unsigned char *p, size_t len)
{
    char text[37];
    size_t n = 0;
    if (len != 16)
        return pg_src_fail(s, "bad binary uuid of %zu bytes", len);
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[n++] = '-';
        n += (size_t)snprintf(text + n, sizeof text - n, "%02x", p[i]);
    }
    return keep(s, &s->text, 1, column, text, n);
}

static int fixed(pg_src *s, size_t len, size_t want)
{
    return len == want ? 0 : pg_src_fail(s, "binary field of %zu bytes, want %zu", len, want);
}

/* One non-NULL field of len bytes at p into v, by the column's kind. */
static int binary_field(pg_src *s, size_t column, const unsigned char *p, size_t len, fmt_value *v)
{
    const fmt_type *t = &s->rows_types[column];
    v->len = len;
    switch (t->kind) {
    case FMT_TYPE_BOOLEAN:
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = len == 1 && p[0] != 0;
        return fixed(s, len, 1);
    case FMT_TYPE_INT16:
        v->kind = FMT_VALUE_INTEGER;
        v->i = len == 2 ? (int16_t)be16(p) : 0;
        return fixed(s, len, 2);
    case FMT_TYPE_INT32:
        v->kind = FMT_VALUE_INTEGER;
        v->i = len == 4 ? (int32_t)be32(p) : 0;
        return fixed(s, len, 4);
    case FMT_TYPE_INT64:
        v->kind = FMT_VALUE_INTEGER;
        v->i = len == 8 ? (int64_t)be64(p) : 0;
        return fixed(s, len, 8);
    case FMT_TYPE_FLOAT64: {
        uint64_t u = len == 8 ? be64(p) : 0;
        v->kind = FMT_VALUE_REAL;
        memcpy(&v->d, &u, sizeof v->d);
        return fixed(s, len, 8);
    }
    case FMT_TYPE_BYTES:
        v->kind = FMT_VALUE_BLOB;
        return keep(s, &s->converted, 2, column, p, len);
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        v->kind = FMT_VALUE_BLOB;
        if (keep_vector(s, column, p, len, t->kind == FMT_TYPE_VECTOR ? 4 : 2) < 0)
            return -1;
        v->len = s->converted.len - s->rows_offsets[column];
        return 0;
    case FMT_TYPE_UUID:
        v->kind = FMT_VALUE_TEXT;
        v->len = 36;
        return keep_uuid(s, column, p, len);
    case FMT_TYPE_JSONB:
        v->kind = FMT_VALUE_JSON;
        if (len < 1 || p[0] != 1)
            return pg_src_fail(s, "jsonb in an unknown binary version");
        v->len = len - 1;
        return keep(s, &s->text, 1, column, p + 1, len - 1);
    case FMT_TYPE_JSON: {
        int compact = fmt_json_is_compact_jq((const char *)p, len, 256);
        if (compact < 0)
            return pg_src_fail(s, "out of memory");
        v->kind = compact ? FMT_VALUE_JSON : FMT_VALUE_TEXT;
        return keep(s, &s->text, 1, column, p, len);
    }
    default:
        v->kind = FMT_VALUE_TEXT;
        return keep(s, &s->text, 1, column, p, len);
    }
}

/* Skips the file header at the start of the first message. */
static int skip_header(pg_src *s, const unsigned char **p, const unsigned char *end)
{
    if (end - *p < 19 || memcmp(*p, signature, sizeof signature) != 0)
        return pg_src_fail(s, "binary COPY without its signature");
    uint32_t extension = be32(*p + 15);
    if ((size_t)(end - *p - 19) < extension)
        return pg_src_fail(s, "binary COPY header cut short");
    *p += 19 + extension;
    s->rows_header = false;
    return 0;
}

/* The row of one CopyData message into values: 1, or 0 for the trailer. */
int pg_src_rows_binary(pg_src *s, const char *msg, size_t len, fmt_value *values)
{
    const unsigned char *p = (const unsigned char *)msg, *end = p + len;
    if (s->rows_header && skip_header(s, &p, end) < 0)
        return -1;
    if (end - p < 2)
        return pg_src_fail(s, "binary COPY row cut short");
    if (be16(p) == 0xffff)
        return 0;
    size_t want = 0, nfields = be16(p);
    p += 2;
    for (size_t i = 0; i < s->rows_ncolumns; i++) {
        fmt_value *v = &values[i];
        memset(v, 0, sizeof *v);
        v->kind = FMT_VALUE_NULL;
        s->rows_where[i] = 0;
        if (s->rows_generated[i])
            continue;
        if (++want > nfields || end - p < 4)
            return pg_src_fail(s, "COPY row has fewer fields than columns");
        uint32_t n = be32(p);
        p += 4;
        if (n == 0xffffffffu)
            continue;
        if ((size_t)(end - p) < n)
            return pg_src_fail(s, "binary COPY field cut short");
        if (binary_field(s, i, p, n, v) < 0) {
            char *why = db_error_take(&s->diag);
            pg_src_fail(s, "column \"%s\": %s", s->rows_names[i], why ? why : "out of memory");
            free(why);
            return -1;
        }
        p += n;
    }
    if (want != nfields || p != end)
        return pg_src_fail(s, "COPY row has more fields than columns");
    return 1;
}
