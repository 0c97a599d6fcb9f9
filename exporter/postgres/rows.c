/* Rows of the PostgreSQL source: COPY (SELECT ...) TO STDOUT in primary key
 * order, one line per call, each field decoded (pg_copy_decode.h) by its
 * column's portable type; in binary for tables with vectors where that
 * gives the same values (rows_binary.c). */
#include "pg_source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_compact.h"
#include "pg_copy_decode.h"
#include "strlist.h"

/* db_buf appends with the sticky oom flag read back, for the || chains
 * below. */
static int append_ident(db_buf *b, const char *name)
{
    db_buf_ident(b, name);
    return b->oom ? -1 : 0;
}

static int append_text(db_buf *b, const char *text)
{
    db_buf_add(b, text);
    return b->oom ? -1 : 0;
}

static int append_bytes(db_buf *b, const void *bytes, size_t n)
{
    db_buf_addn(b, bytes, n);
    return b->oom ? -1 : 0;
}

void pg_src_rows_end(void *state)
{
    pg_src *s = state;
    if (s->copy_line) {
        PQfreemem(s->copy_line);
        s->copy_line = NULL;
    }
    if (s->copying) {
        /* Left early: read the rest, so the connection (and the snapshot)
         * stays usable. */
        char *line;
        PGresult *res;
        while (PQgetCopyData(s->conn, &line, 0) > 0) {
            PQfreemem(line);
        }
        while ((res = PQgetResult(s->conn)) != NULL) {
            PQclear(res);
        }
        s->copying = false;
    }
    free(s->rows_table);
    fmt_strings_free(s->rows_names, s->rows_ncolumns);
    s->rows_names = NULL;
    free(s->rows_types);
    free(s->rows_generated);
    free(s->rows_offsets);
    free(s->rows_where);
    s->rows_table = NULL;
    s->rows_types = NULL;
    s->rows_generated = NULL;
    s->rows_offsets = NULL;
    s->rows_where = NULL;
    s->rows_ncolumns = 0;
}

/* Whether ORDER BY can use the column as it is: its type has a default
 * btree ordering. Others (json, arrays of anything, native types such as
 * point) are ordered by their text, which every type has. */
static bool sortable(const fmt_type *t)
{
    switch (t->kind) {
    case FMT_TYPE_JSON:
    case FMT_TYPE_SPARSEVEC:
    case FMT_TYPE_ARRAY:
    case FMT_TYPE_ANY:
    case FMT_TYPE_NATIVE:
        return false;
    default:
        return true;
    }
}

static int append_order_column(db_buf *q, const fmt_column *c)
{
    if (sortable(&c->type)) {
        return append_ident(q, c->name);
    }
    return append_text(q, "CAST(") < 0 || append_ident(q, c->name) < 0 ||
                   append_text(q, " AS pg_catalog.text) COLLATE pg_catalog.\"C\"") < 0
               ? -1
               : 0;
}

int pg_src_rows_begin(void *state, const fmt_table *t)
{
    pg_src *s = state;
    db_buf q = {0};
    PGresult *res = NULL;
    size_t i, selected = 0;
    int rc = 0, oom = 0;
    bool binary = false;
    pg_src_rows_end(s);
    s->rows_table = fmt_table_key(t);
    s->rows_names = calloc(t->ncolumns + 1, sizeof *s->rows_names);
    s->rows_types = calloc(t->ncolumns + 1, sizeof *s->rows_types);
    s->rows_generated = calloc(t->ncolumns + 1, sizeof *s->rows_generated);
    s->rows_offsets = calloc(t->ncolumns + 1, sizeof *s->rows_offsets);
    s->rows_where = calloc(t->ncolumns + 1, sizeof *s->rows_where);
    if (!s->rows_table || !s->rows_names || !s->rows_types || !s->rows_generated ||
        !s->rows_offsets || !s->rows_where) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    s->rows_ncolumns = t->ncolumns;
    oom |= append_text(&q, "COPY (SELECT ");
    for (i = 0; i < t->ncolumns; i++) {
        oom |= !(s->rows_names[i] = fmt_strdup(t->columns[i].name));
        s->rows_types[i] = t->columns[i].type;
        s->rows_generated[i] = t->columns[i].generated_sql != NULL;
        if (s->rows_generated[i]) {
            continue; /* the writer skips it */
        }
        oom |= append_text(&q, selected++ ? ", " : "");
        oom |= append_ident(&q, t->columns[i].name);
    }
    oom |= append_text(&q, t->partitioning ? " FROM " : " FROM ONLY ");
    oom |= append_ident(&q, t->namespace ? t->namespace : "public");
    oom |= append_text(&q, ".");
    oom |= append_ident(&q, t->name);
    if (t->primary_key && t->primary_key->ncolumns) {
        for (i = 0; i < t->primary_key->ncolumns; i++) {
            oom |= append_text(&q, i ? ", " : " ORDER BY ");
            oom |= append_ident(&q, t->primary_key->columns[i]);
        }
    } else {
        for (i = 0; i < t->ncolumns; i++) {
            oom |= append_text(&q, i ? ", " : " ORDER BY ");
            oom |= append_order_column(&q, &t->columns[i]);
        }
    }
    if (!oom && pg_src_rows_use_binary(s, t, &binary) < 0) {
        rc = -1;
        goto done;
    }
    oom |= append_text(&q, binary ? ") TO STDOUT (FORMAT binary)" : ") TO STDOUT");
    if (oom) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    s->rows_binary = s->rows_header = binary;
    res = PQexec(s->conn, q.buf);
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        rc = pg_src_fail(s, "%s", res ? PQresultErrorMessage(res) : pg_src_server_message(s));
        goto done;
    }
    s->copying = true;
done:
    PQclear(res);
    db_buf_free(&q);
    if (rc < 0) {
        pg_src_rows_end(s);
    }
    return rc;
}

/* A field whose value is made from its text (bytes, vectors, arrays as
 * JSON) into s->converted, NUL-terminated so that it can be parsed
 * further. */
static int convert_made(pg_src *s, size_t column, const char *text, size_t len, fmt_value *v)
{
    const fmt_type *t = &s->rows_types[column];
    size_t from = s->converted.len;
    char err[256];
    int r;
    if (t->kind == FMT_TYPE_ARRAY) {
        fmt_type element = {t->element, t->param1, t->param2, FMT_TYPE_NATIVE};
        r = pg_decode_array_json(&s->converted, text, len, &element, err, sizeof err);
        if (r < 0)
            return pg_src_fail(s, "%s", err);
        v->kind = r ? FMT_VALUE_JSON : FMT_VALUE_TEXT; /* explicit bounds: its text */
        if (!r)
            return 0;
    } else {
        v->kind = FMT_VALUE_BLOB;
        r = t->kind == FMT_TYPE_BYTES
                ? pg_decode_bytea(&s->converted, text, len, err, sizeof err)
                : pg_decode_vector(&s->converted, text, len, t->kind == FMT_TYPE_HALFVEC, t->param1,
                                   err, sizeof err);
        if (r < 0)
            return pg_src_fail(s, "%s", err);
    }
    if (append_bytes(&s->converted, "", 1) < 0)
        return pg_src_fail(s, "out of memory");
    s->rows_offsets[column] = from;
    s->rows_where[column] = 2;
    v->len = s->converted.len - from - 1;
    return 0;
}

/* Converts one field, already unescaped at s->text.buf + at (len bytes,
 * NUL-terminated), into v by the column's portable type. Bytes made here go
 * to s->converted; pointers are fixed up once the row is complete. */
static int convert_field(pg_src *s, size_t column, size_t at, size_t len, fmt_value *v)
{
    const fmt_type *t = &s->rows_types[column];
    const char *text = s->text.buf + at;
    char *end;
    s->rows_offsets[column] = at;
    s->rows_where[column] = 1;
    v->len = len;
    switch (t->kind) {
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
        errno = 0;
        v->kind = FMT_VALUE_INTEGER;
        v->i = strtoll(text, &end, 10);
        if (errno || *end || end == text) {
            return pg_src_fail(s, "bad integer \"%s\"", text);
        }
        s->rows_where[column] = 0;
        return 0;
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        v->kind = FMT_VALUE_REAL;
        v->d = strtod(text, &end); /* "NaN", "Infinity", "-Infinity", "-0" */
        if (*end || end == text) {
            return pg_src_fail(s, "bad float \"%s\"", text);
        }
        s->rows_where[column] = 0;
        return 0;
    case FMT_TYPE_DECIMAL:
        v->kind = FMT_VALUE_DECIMAL;
        return 0;
    case FMT_TYPE_BOOLEAN:
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = text[0] == 't';
        s->rows_where[column] = 0;
        if (len != 1 || (text[0] != 't' && text[0] != 'f')) {
            return pg_src_fail(s, "bad boolean \"%s\"", text);
        }
        return 0;
    case FMT_TYPE_JSONB:
        v->kind = FMT_VALUE_JSON;
        return 0;
    case FMT_TYPE_JSON: {
        /* json keeps its text exactly: a compact one travels as its value */
        int compact = fmt_json_is_compact_jq(text, len, 256);
        if (compact < 0)
            return pg_src_fail(s, "out of memory");
        v->kind = compact ? FMT_VALUE_JSON : FMT_VALUE_TEXT;
        return 0;
    }
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
    case FMT_TYPE_ARRAY:
        return convert_made(s, column, text, len, v);
    default:
        v->kind = FMT_VALUE_TEXT;
        return 0;
    }
}

/* The end of the COPY (len from PQgetCopyData < 0): its final status. */
static int copy_ended(pg_src *s, int len)
{
    PGresult *res;
    int rc = 0;
    s->copying = false;
    while ((res = PQgetResult(s->conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
            rc = pg_src_fail(s, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
    if (len == -2 && rc == 0)
        rc = pg_src_fail(s, "%s", pg_src_server_message(s));
    return rc;
}

/* The row is complete and its buffers will not move again: the values
 * point into them now. */
static void point_values(const pg_src *s, fmt_value *values)
{
    for (size_t i = 0; i < s->rows_ncolumns; i++) {
        if (s->rows_where[i] == 1)
            values[i].bytes = s->text.buf + s->rows_offsets[i];
        else if (s->rows_where[i] == 2)
            values[i].bytes = s->converted.buf + s->rows_offsets[i];
    }
}

/* A binary message: a row, or the trailer, after which the COPY ends. */
static int binary_row(pg_src *s, int len, fmt_value *values)
{
    int r = pg_src_rows_binary(s, s->copy_line, (size_t)len, values);
    if (r > 0) {
        point_values(s, values);
        return 1;
    }
    if (r < 0)
        return -1;
    PQfreemem(s->copy_line);
    s->copy_line = NULL;
    len = PQgetCopyData(s->conn, &s->copy_line, 0);
    if (len >= 0)
        return pg_src_fail(s, "binary COPY goes on after its trailer");
    return copy_ended(s, len);
}

int pg_src_rows_next(void *state, fmt_value *values)
{
    pg_src *s = state;
    size_t i, pos = 0, nfields = 0;
    int len;
    if (!s->rows_table) {
        return pg_src_fail(s, "rows_next without rows_begin");
    }
    if (s->copy_line) {
        PQfreemem(s->copy_line);
        s->copy_line = NULL;
    }
    if (!s->copying) {
        return 0;
    }
    len = PQgetCopyData(s->conn, &s->copy_line, 0);
    if (len < 0)
        return copy_ended(s, len);
    s->text.len = 0;
    s->converted.len = 0;
    if (s->rows_binary)
        return binary_row(s, len, values);
    if (len > 0 && s->copy_line[len - 1] == '\n') {
        len--;
    }
    for (i = 0; i < s->rows_ncolumns; i++) {
        fmt_value *v = &values[i];
        size_t start, end, at;
        memset(v, 0, sizeof *v);
        v->kind = FMT_VALUE_NULL;
        s->rows_where[i] = 0;
        if (s->rows_generated[i]) {
            continue;
        }
        if (pos > (size_t)len) {
            return pg_src_fail(s, "COPY row has fewer fields than columns");
        }
        nfields++;
        start = pos;
        end = start;
        while (end < (size_t)len && s->copy_line[end] != '\t') {
            end++;
        }
        pos = end + 1;
        if (end - start == 2 && s->copy_line[start] == '\\' && s->copy_line[start + 1] == 'N') {
            continue;
        }
        at = s->text.len;
        if (pg_decode_unescape(&s->text, s->copy_line + start, end - start) < 0 ||
            append_bytes(&s->text, "", 1) < 0) {
            return pg_src_fail(s, "out of memory");
        }
        if (convert_field(s, i, at, s->text.len - at - 1, v) < 0) {
            char *why = db_error_take(&s->diag);
            pg_src_fail(s, "column \"%s\": %s", s->rows_names[i], why ? why : "out of memory");
            free(why);
            return -1;
        }
    }
    if (nfields ? pos != (size_t)len + 1 : len != 0) {
        return pg_src_fail(s, "COPY row has more fields than columns");
    }
    point_values(s, values);
    return 1;
}
