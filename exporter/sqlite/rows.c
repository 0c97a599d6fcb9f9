/* Row streaming: one SELECT per table in primary key order (rowid order
 * where there is none), values handed out as SQLite stores them. */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "json_compact.h"
#include "sqlbuf.h"
#include "strlist.h"

void sqlite_src_rows_end(void *state)
{
    sqlite_src *s = state;
    sqlite3_finalize(s->rows);
    s->rows = NULL;
    free(s->rows_map);
    s->rows_map = NULL;
    free(s->rows_table);
    s->rows_table = NULL;
    s->rows_ncolumns = 0;
}

/* A name for the rowid that no column shadows, or NULL. */
static const char *rowid_name(const fmt_table *t)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    for (size_t i = 0; i < 3; i++) {
        int shadowed = 0;
        for (size_t j = 0; j < t->ncolumns; j++)
            shadowed = shadowed || sqlite3_stricmp(t->columns[j].name, names[i]) == 0;
        if (!shadowed)
            return names[i];
    }
    return NULL;
}

/* SELECT of t's stored columns (generated ones are skipped: rows_map -1). */
static void build_select(sqlite_src *s, const fmt_table *t, db_buf *q)
{
    int selected = 0;
    db_buf_add(q, "SELECT ");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].generated_sql) {
            s->rows_map[i] = -1; /* the writer skips it */
            continue;
        }
        db_buf_add(q, selected ? ", " : "");
        db_buf_ident(q, t->columns[i].name);
        s->rows_map[i] = selected++;
    }
    if (!selected)
        db_buf_add(q, "NULL");
    db_buf_add(q, " FROM main.");
    char *key = fmt_table_key(t); /* the SQLite name: "schema.name" (origin.c) */
    if (!key)
        q->oom = 1;
    else
        db_buf_ident(q, key);
    free(key);
    if (t->primary_key && t->primary_key->ncolumns) {
        for (size_t i = 0; i < t->primary_key->ncolumns; i++) {
            db_buf_add(q, i ? ", " : " ORDER BY ");
            db_buf_ident(q, t->primary_key->columns[i]);
        }
    } else if (!t->without_rowid && rowid_name(t)) {
        db_buf_add(q, " ORDER BY ");
        db_buf_add(q, rowid_name(t));
    }
}

int sqlite_src_rows_begin(void *state, const fmt_table *t)
{
    sqlite_src *s = state;
    db_buf q = {0};
    int rc = 0;
    sqlite_src_rows_end(s);
    s->rows_table = fmt_strdup(t->name);
    s->rows_t = t;
    s->rows_map = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *s->rows_map);
    if (!s->rows_table || !s->rows_map) {
        rc = db_oom(&s->diag);
        goto done;
    }
    s->rows_ncolumns = t->ncolumns;
    build_select(s, t, &q);
    if (q.oom) {
        rc = db_oom(&s->diag);
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, q.buf, -1, &s->rows, NULL) != SQLITE_OK)
        rc = db_error(&s->diag, "table \"%s\": %s", t->name, sqlite3_errmsg(s->db));
done:
    db_buf_free(&q);
    if (rc < 0)
        sqlite_src_rows_end(s);
    return rc;
}

/* SQLite stores json, jsonb and array values as JSON text. A text that is
 * exactly a JSON value's compact form travels as that value (FMT_VALUE_JSON);
 * any other text, as text (the writer tags it), so no byte is lost. */
static int json_value(const fmt_type *t, fmt_value *v)
{
    if (t->kind != FMT_TYPE_JSONB && t->kind != FMT_TYPE_ARRAY && t->kind != FMT_TYPE_JSON)
        return 0;
    if (t->kind == FMT_TYPE_ARRAY && (v->len == 0 || v->bytes[0] != '['))
        return 0;
    int rc = t->kind == FMT_TYPE_JSON ? fmt_json_is_compact_jq(v->bytes, v->len, 256)
                                      : fmt_json_is_compact(v->bytes, v->len, 256);
    if (rc < 0)
        return -1;
    if (rc == 1)
        v->kind = FMT_VALUE_JSON;
    return 0;
}

/* Column col of the current row into v. 0, or -1 (memory). */
static int read_value(sqlite_src *s, size_t i, int col, fmt_value *v)
{
    switch (sqlite3_column_type(s->rows, col)) {
    case SQLITE_INTEGER:
        v->kind = FMT_VALUE_INTEGER;
        v->i = sqlite3_column_int64(s->rows, col);
        return 0;
    case SQLITE_FLOAT:
        v->kind = FMT_VALUE_REAL;
        v->d = sqlite3_column_double(s->rows, col);
        return 0;
    case SQLITE_TEXT:
        v->kind = FMT_VALUE_TEXT;
        v->bytes = (const char *)sqlite3_column_text(s->rows, col);
        v->len = (size_t)sqlite3_column_bytes(s->rows, col);
        if (!v->bytes || json_value(&s->rows_t->columns[i].type, v) < 0)
            return -1;
        return 0;
    case SQLITE_BLOB:
        v->kind = FMT_VALUE_BLOB;
        v->bytes = sqlite3_column_blob(s->rows, col);
        v->len = (size_t)sqlite3_column_bytes(s->rows, col);
        if (!v->bytes) {
            if (v->len || sqlite3_errcode(s->db) == SQLITE_NOMEM)
                return -1;
            v->bytes = ""; /* an empty blob stays a blob */
        }
        return 0;
    default:
        return 0;
    }
}

int sqlite_src_rows_next(void *state, fmt_value *values)
{
    sqlite_src *s = state;
    if (!s->rows)
        return db_error(&s->diag, "rows_next without rows_begin");
    int step = sqlite3_step(s->rows);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return db_error(&s->diag, "table \"%s\": %s", s->rows_table, sqlite3_errmsg(s->db));
    for (size_t i = 0; i < s->rows_ncolumns; i++) {
        fmt_value *v = &values[i];
        memset(v, 0, sizeof *v);
        v->kind = FMT_VALUE_NULL;
        if (s->rows_map[i] >= 0 && read_value(s, i, s->rows_map[i], v) < 0)
            return db_error(&s->diag, "table \"%s\": out of memory", s->rows_table);
    }
    return 1;
}

/* The first column of a one-row query as an integer: 1 and *out, 0 when the
 * query has no row, a NULL or cannot run (the estimate is then unknown). */
static int query_int64(sqlite_src *s, const char *sql, sqlite3_int64 *out)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = sqlite3_column_int64(st, 0);
        rc = 1;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Databases up to this size are counted exactly: a few milliseconds. */
#define EXACT_COUNT_BYTES (16 * 1024 * 1024)

/* source.h estimate_rows. A small database's tables are counted. In a
 * bigger one, a rowid table has about max(rowid) - min(rowid) + 1 rows (both
 * ends of its b-tree, two lookups; more than it has after deletes, which
 * only makes the ETA pessimistic), and a WITHOUT ROWID table what ANALYZE
 * left in sqlite_stat1 (the first number of an index's stat is the table's
 * rows); without either, nothing. */
int sqlite_src_estimate_rows(void *state, const fmt_table *t, uint64_t *rows)
{
    sqlite_src *s = state;
    sqlite3_int64 pages = 0, page_size = 0, n = 0;
    int known = 0;
    char *key = fmt_table_key(t);
    db_buf q = {0};
    if (!key)
        return db_oom(&s->diag);
    query_int64(s, "PRAGMA main.page_count", &pages);
    query_int64(s, "PRAGMA main.page_size", &page_size);
    const char *rowid = t->without_rowid ? NULL : rowid_name(t);
    if (pages * page_size <= EXACT_COUNT_BYTES) {
        db_buf_add(&q, "SELECT count(*) FROM main.");
        db_buf_ident(&q, key);
    } else if (rowid) {
        db_buf_printf(&q, "SELECT max(%s) - min(%s) + 1 FROM main.", rowid, rowid);
        db_buf_ident(&q, key);
    } else {
        /* a missing sqlite_stat1 only fails the prepare: unknown */
        db_buf_add(&q, "SELECT CAST(stat AS INTEGER) FROM main.sqlite_stat1 WHERE tbl = ");
        db_buf_literal(&q, key);
        db_buf_add(&q, " LIMIT 1");
    }
    if (q.oom) {
        free(key);
        db_buf_free(&q);
        return db_oom(&s->diag);
    }
    known = query_int64(s, q.buf, &n) && n >= 0;
    free(key);
    db_buf_free(&q);
    *rows = known ? (uint64_t)n : 0;
    return known;
}
