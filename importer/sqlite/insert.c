/* Rows into the open table: one cached INSERT per presence mask, values
 * bound as the most exact SQLite value, --on-invalid for values a STRICT
 * table refuses, and the column an SQLite error blames. */
#include "sqlite_target_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "sqlite_types.h"
#include "values_write.h"

unsigned char sqlite_tgt_column_class(const char *declared)
{
    sqlite_affinity a = sqlite_type_affinity(declared);
    return a == DB_SQLITE_AFFINITY_TEXT   ? COLUMN_TEXT
           : a == DB_SQLITE_AFFINITY_BLOB ? COLUMN_BLOB
                                          : COLUMN_OTHER;
}

/* ---- the statements ----------------------------------------------------- */

static void add_upsert(sqlite_target *st, const unsigned char *mask, db_buf *b)
{
    size_t nupdate = 0;
    if (st->opts.on_conflict == DB_ON_CONFLICT_SKIP) {
        db_buf_add(b, " ON CONFLICT DO NOTHING");
    } else if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
        db_buf_add(b, " ON CONFLICT ");
        db_buf_ident_list(b, st->conflict_key, st->nconflict_key);
        for (size_t i = 0; i < st->ncolumns; i++) {
            if (!mask[i] || st->is_key[i])
                continue;
            db_buf_add(b, nupdate++ ? ", " : " DO UPDATE SET ");
            db_buf_ident(b, st->columns[i]);
            db_buf_add(b, " = excluded.");
            db_buf_ident(b, st->columns[i]);
        }
        if (nupdate == 0)
            db_buf_add(b, " DO NOTHING");
    }
}

static int build_insert(sqlite_target *st, const unsigned char *mask, sqlite3_stmt **out)
{
    db_buf b = {0};
    size_t n = 0;

    db_buf_add(&b, "INSERT INTO ");
    db_buf_ident(&b, st->table);
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!mask[i])
            continue;
        db_buf_add(&b, n++ ? ", " : " (");
        db_buf_ident(&b, st->columns[i]);
    }
    if (n == 0) {
        /* Every value comes from defaults; SQLite allows no upsert here. */
        db_buf_add(&b, " DEFAULT VALUES");
    } else {
        db_buf_add(&b, ") VALUES (");
        for (size_t i = 0; i < n; i++)
            db_buf_add(&b, i ? ", ?" : "?");
        db_buf_addc(&b, ')');
        add_upsert(st, mask, &b);
    }
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    int rc = sqlite_tgt_prepare_one(st, b.buf, "cannot insert", out);
    db_buf_free(&b);
    return rc;
}

static sqlite3_stmt *insert_for_mask(sqlite_target *st, const unsigned char *mask)
{
    size_t n = st->ncolumns ? st->ncolumns : 1;
    for (size_t i = 0; i < INSERT_CACHE; i++)
        if (st->cache[i].mask && memcmp(st->cache[i].mask, mask, n) == 0)
            return st->cache[i].stmt;
    size_t slot = INSERT_CACHE;
    for (size_t i = 0; i < INSERT_CACHE && slot == INSERT_CACHE; i++)
        if (!st->cache[i].mask)
            slot = i;
    if (slot == INSERT_CACHE) {
        slot = st->next_evict++ % INSERT_CACHE;
        sqlite3_finalize(st->cache[slot].stmt);
        free(st->cache[slot].mask);
        st->cache[slot].stmt = NULL;
        st->cache[slot].mask = NULL;
    }
    sqlite3_stmt *stmt = NULL;
    if (build_insert(st, mask, &stmt) < 0)
        return NULL;
    unsigned char *copy = malloc(n);
    if (!copy) {
        sqlite3_finalize(stmt);
        db_oom(&st->diag);
        return NULL;
    }
    memcpy(copy, mask, n);
    st->cache[slot].mask = copy;
    st->cache[slot].stmt = stmt;
    return stmt;
}

/* ---- values ------------------------------------------------------------- */

/* Decimal text goes in as the most exact SQLite value: an integer if it is
 * one, else the nearest double. In a column of numeric affinity (NUMERIC,
 * INTEGER, REAL) that is the double SQLite would make of the text, but
 * rounded correctly: SQLite's own conversion is an ulp off for some
 * ("24.19774870" became 24.197748699999998). A column without affinity
 * keeps text as text, so there only a double that prints back as the same
 * text goes in as one ("1.50" stays "1.50"). Text that is no double
 * ("NaN") is left to the column. A TEXT column would turn the number back
 * into text of its own ("Inf", "0" for "-0"), so it gets the file's text
 * directly. */
static int bind_decimal(sqlite3_stmt *stmt, int i, const fmt_value *v, unsigned char column)
{
    int64_t n;
    double d;
    char buf[FMT_DOUBLE_BUFSZ];
    if (column == COLUMN_TEXT)
        return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC,
                                   SQLITE_UTF8);
    if (fmt_int64_parse(&n, v->bytes, v->len) == 0)
        return sqlite3_bind_int64(stmt, i, n);
    if (fmt_double_parse(&d, v->bytes, v->len) == 0 && !isnan(d)) {
        int len = fmt_double_format(buf, d);
        if (column != COLUMN_BLOB ||
            (len > 0 && (size_t)len == v->len && memcmp(buf, v->bytes, v->len) == 0))
            return sqlite3_bind_double(stmt, i, d);
    }
    return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC, SQLITE_UTF8);
}

static int buf_sink(void *ctx, const void *bytes, size_t n)
{
    db_buf *b = ctx;
    db_buf_addn(b, bytes, n);
    return b->oom ? -1 : 0;
}

/* SQLite stores an array as JSON text: the tree serialised once, by the
 * format's writer, into the compact form the file had. SQLite copies it. */
static int bind_array(sqlite3_stmt *stmt, int i, const fmt_value *v)
{
    db_buf text = {0};
    int rc = SQLITE_NOMEM;
    if (fmt_values_array_json(buf_sink, &text, v->array) == 0)
        rc = sqlite3_bind_text64(stmt, i, text.buf ? text.buf : "", text.len, SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    db_buf_free(&text);
    return rc;
}

/* Pointers in v live only during row(): bound SQLITE_STATIC and cleared
 * before row() returns. */
static int bind_value(sqlite3_stmt *stmt, int i, const fmt_value *v, unsigned char column)
{
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return sqlite3_bind_null(stmt, i);
    case FMT_VALUE_INTEGER:
        return sqlite3_bind_int64(stmt, i, v->i);
    case FMT_VALUE_REAL:
        /* SQLite turns a NaN into NULL; as the text "NaN" it survives, and
         * comes back tagged {"$text": "NaN"}, which a PostgreSQL target
         * reads as NaN again. */
        if (isnan(v->d))
            return sqlite3_bind_text(stmt, i, "NaN", 3, SQLITE_STATIC);
        return sqlite3_bind_double(stmt, i, v->d);
    case FMT_VALUE_BOOLEAN:
        return sqlite3_bind_int(stmt, i, v->b ? 1 : 0);
    case FMT_VALUE_BLOB:
        if (v->len == 0)
            return sqlite3_bind_zeroblob(stmt, i, 0); /* empty, but a blob, not NULL */
        return sqlite3_bind_blob64(stmt, i, v->bytes, v->len, SQLITE_STATIC);
    case FMT_VALUE_DECIMAL:
        return bind_decimal(stmt, i, v, column);
    case FMT_VALUE_TEXT:
    case FMT_VALUE_JSON:
        return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC,
                                   SQLITE_UTF8);
    case FMT_VALUE_ARRAY:
        return bind_array(stmt, i, v);
    }
    return SQLITE_MISUSE;
}

/* Binds the row's values; on failure *blame is the column. */
static int bind_row(sqlite_target *st, sqlite3_stmt *stmt, const fmt_value *values,
                    const char **blame)
{
    int param = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->mask[i])
            continue;
        if (values[i].kind == FMT_VALUE_REAL && values[i].d == 0 && signbit(values[i].d) &&
            st->text_column[i] != COLUMN_BLOB && !st->negative_zeros++)
            st->negative_zero_column = st->columns[i];
        int rc = bind_value(stmt, ++param, &values[i], st->text_column[i]);
        if (rc == SQLITE_TOOBIG) {
            *blame = st->columns[i];
            return db_error(&st->diag, "value of %zu bytes too large for SQLite (its limit is %d)",
                            values[i].len, sqlite3_limit(st->db, SQLITE_LIMIT_LENGTH, -1));
        }
        if (rc != SQLITE_OK) {
            *blame = st->columns[i];
            return db_error(&st->diag, "%s", sqlite3_errstr(rc));
        }
    }
    return 0;
}

/* --on-conflict=update: 1 when a row with the row's key is in the table
 * (the upsert then updates it), 0 when not (it inserts), -1 on error. A
 * key column the row lacks takes its default: then the upsert alone knows. */
static int key_exists(sqlite_target *st, const fmt_value *values)
{
    if (!st->nconflict_key)
        return 0;
    for (size_t i = 0; i < st->ncolumns; i++)
        if (st->is_key[i] && !st->mask[i])
            return 0;
    if (!st->key_probe) {
        db_buf b = {0};
        size_t n = 0;
        db_buf_add(&b, "SELECT 1 FROM ");
        db_buf_ident(&b, st->table);
        for (size_t i = 0; i < st->ncolumns; i++) {
            if (!st->is_key[i])
                continue;
            db_buf_add(&b, n++ ? " AND " : " WHERE ");
            db_buf_ident(&b, st->columns[i]);
            db_buf_add(&b, " = ?");
        }
        int rc = b.oom ? db_oom(&st->diag)
                       : sqlite_tgt_prepare_one(st, b.buf, "cannot look up a key", &st->key_probe);
        db_buf_free(&b);
        if (rc < 0)
            return -1;
    }
    int param = 0;
    for (size_t i = 0; i < st->ncolumns; i++)
        if (st->is_key[i] &&
            bind_value(st->key_probe, ++param, &values[i], st->text_column[i]) != SQLITE_OK)
            return db_error(&st->diag, "cannot look up a key: %s", sqlite3_errmsg(st->db));
    int step = sqlite3_step(st->key_probe);
    sqlite3_reset(st->key_probe);
    sqlite3_clear_bindings(st->key_probe);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return db_error(&st->diag, "cannot look up a key: %s", sqlite3_errmsg(st->db));
    return step == SQLITE_ROW;
}

/* ---- rows --------------------------------------------------------------- */

/* The column an SQLite constraint message names ("t.c" after the colon:
 * "NOT NULL constraint failed: t.c", "UNIQUE constraint failed: t.a, t.b"). */
static const char *blamed_column(const sqlite_target *st, const char *msg)
{
    size_t tl = strlen(st->table);
    for (const char *p = msg; *p; p++) {
        if (p != msg && p[-1] != ' ')
            continue;
        if (sqlite3_strnicmp(p, st->table, (int)tl) != 0 || p[tl] != '.')
            continue;
        const char *col = p + tl + 1;
        for (size_t i = 0; i < st->ncolumns; i++) {
            size_t cl = strlen(st->columns[i]);
            if (sqlite3_strnicmp(col, st->columns[i], (int)cl) == 0 &&
                (col[cl] == '\0' || col[cl] == ','))
                return st->columns[i];
        }
    }
    return NULL;
}

/* The statement's parameter number of the column blame. */
static int param_of(const sqlite_target *st, const char *blame)
{
    int param = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->mask[i])
            continue;
        param++;
        if (st->columns[i] == blame)
            break;
    }
    return param;
}

/* --on-invalid: a STRICT table refuses a value of another type; the column
 * is set to NULL and the row tried again, or the row left out. Returns the
 * last step's result; *skipped when the row was left out. */
static int step_on_invalid(sqlite_target *st, sqlite3_stmt *stmt, int step, int *skipped)
{
    const char *blame;
    *skipped = 0;
    while (step != SQLITE_DONE && st->opts.on_invalid != DB_ON_INVALID_ERROR &&
           sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_DATATYPE &&
           (blame = blamed_column(st, sqlite3_errmsg(st->db))) != NULL) {
        st->stats.invalid++;
        if (!st->invalid_example) {
            char buf[512];
            snprintf(buf, sizeof buf, "row %llu, column \"%s\": %s",
                     (unsigned long long)st->stats.rows_read, blame, sqlite3_errmsg(st->db));
            st->invalid_example = strdup(buf);
        }
        if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW) {
            *skipped = 1;
            return SQLITE_DONE;
        }
        sqlite3_reset(stmt);
        sqlite3_bind_null(stmt, param_of(st, blame));
        step = sqlite3_step(stmt);
    }
    return step;
}

/* The column of the row's longest value: the one to blame for a record
 * SQLite finds too big. */
static const char *largest_value(const sqlite_target *st, const fmt_value *values)
{
    const char *col = NULL;
    size_t most = 0;
    for (size_t i = 0; i < st->ncolumns; i++)
        if (st->mask[i] && values[i].len >= most) {
            most = values[i].len;
            col = st->columns[i];
        }
    return col;
}

int sqlite_tgt_row(void *state, const fmt_value *values, const unsigned char *present)
{
    sqlite_target *st = state;
    sqlite3_stmt *stmt = NULL;
    const char *blame = NULL;
    int rc = -1, skipped = 0;

    free(st->diag.column);
    st->diag.column = NULL;
    if (!st->table_open)
        return db_error(&st->diag, "row outside a table");
    st->stats.rows_read++;
    for (size_t i = 0; i < st->ncolumns; i++)
        st->mask[i] = (present ? present[i] != 0 : 1) && st->insertable[i];
    if (st->opts.dry_run) {
        rc = 0;
        goto done;
    }
    int existed = st->opts.on_conflict == DB_ON_CONFLICT_UPDATE ? key_exists(st, values) : 0;
    if (existed < 0)
        goto done;
    stmt = insert_for_mask(st, st->mask);
    if (!stmt || bind_row(st, stmt, values, &blame) < 0)
        goto done;
    int step = step_on_invalid(st, stmt, sqlite3_step(stmt), &skipped);
    int primary = sqlite3_extended_errcode(st->db) & 0xff;
    if (step != SQLITE_DONE && st->opts.reject &&
        (primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_TOOBIG)) {
        /* the failed INSERT undid itself; the import goes on without the row */
        int big = primary == SQLITE_TOOBIG;
        blame = big ? largest_value(st, values) : blamed_column(st, sqlite3_errmsg(st->db));
        if (st->opts.reject(st->opts.reject_ctx, st->stats.rows_read, blame,
                            big ? "row too large for SQLite" : sqlite3_errmsg(st->db)) == 0) {
            st->stats.rows_rejected++;
            rc = 0;
            goto done;
        }
    }
    if (step != SQLITE_DONE && sqlite3_extended_errcode(st->db) == SQLITE_TOOBIG) {
        blame = largest_value(st, values);
        db_error(&st->diag, "row too large for SQLite: its record is over the limit of %d bytes",
                 sqlite3_limit(st->db, SQLITE_LIMIT_LENGTH, -1));
        goto done;
    }
    if (step != SQLITE_DONE) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        blame = blamed_column(st, sqlite3_errmsg(st->db));
        goto done;
    }
    if (!skipped && sqlite3_changes(st->db) > 0) {
        st->stats.rows_written++;
        st->stats.rows_updated += existed;
    } else if (!skipped) {
        st->stats.rows_skipped++;
    }
    rc = 0;
done:
    if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
    if (rc < 0 && blame && !(st->diag.column = strdup(blame)))
        db_oom(&st->diag);
    return rc;
}

int sqlite_tgt_table_end(void *state, db_table_stats *stats)
{
    sqlite_target *st = state;
    if (stats)
        *stats = st->stats;
    if (st->stats.invalid)
        db_warn(&st->diag,
                "table \"%s\": %llu %s a type STRICT refuses %s (--on-invalid); the first: %s",
                st->table, (unsigned long long)st->stats.invalid,
                st->opts.on_invalid == DB_ON_INVALID_NULL ? "values of" : "rows with a value of",
                st->opts.on_invalid == DB_ON_INVALID_NULL ? "set to NULL" : "left out",
                st->invalid_example ? st->invalid_example : "?");
    free(st->invalid_example);
    st->invalid_example = NULL;
    if (st->negative_zeros)
        db_warn(&st->diag,
                "table \"%s\", column \"%s\"%s: %llu negative zero%s stored as 0: SQLite "
                "keeps no sign on a zero in a column with a declared numeric type",
                st->table, st->negative_zero_column ? st->negative_zero_column : "?",
                st->negative_zeros > 1 ? " and others" : "", (unsigned long long)st->negative_zeros,
                st->negative_zeros > 1 ? "s" : "");
    st->negative_zeros = 0;
    st->negative_zero_column = NULL;
    sqlite_tgt_table_reset(st);
    return 0;
}
