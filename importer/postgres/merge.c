/* --on-conflict into PostgreSQL: the staged rows (copy_in.c) moved into
 * the table by one INSERT ... SELECT ... ON CONFLICT, which decides per
 * row whether it inserts, updates or skips. A row that breaks something
 * else (another unique constraint, a NOT NULL, a foreign key checked at
 * once, or the key twice in one statement: "ON CONFLICT DO UPDATE command
 * cannot affect row a second time") fails the whole statement. Under
 * --max-errors the staged rows carry their row numbers (PG_STAGING_ROW)
 * and are merged after each COPY batch (while the driver still knows where
 * each row stood in the file), and a failed merge is done again in halves
 * under a savepoint, down to the single rows that fail, which are refused
 * like any other row: the good rows still merge in bulk, in the file's
 * order, so two rows with the same key merge one after the other as
 * SQLite's row-at-a-time upsert does (the later one updates the earlier,
 * or is skipped). */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"

#define MERGE_SAVEPOINT "dbimport_merge"

/* "INSERT ... SELECT cols FROM staging [WHERE row BETWEEN lo AND hi] ON
 * CONFLICT ..." with its counts; hi 0: every staged row. fold: of the rows
 * with one key, only the last COPY wrote (the staging table's ctid order),
 * which is where merging them one after the other ends. */
static void merge_sql(pg_target *st, db_buf *b, const db_buf *cols, uint64_t lo, uint64_t hi,
                      int fold)
{
    size_t nupdate = 0;
    const char *list = cols->buf ? cols->buf : "";
    /* xmax is 0 in a row version the INSERT made, the merging transaction's
     * own id in one its ON CONFLICT DO UPDATE made: the updates are counted */
    db_buf_printf(b, "WITH merged AS (INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM ",
                  st->qname, list, list);
    if (fold) {
        db_buf_add(b, "(SELECT DISTINCT ON ");
        db_buf_ident_list(b, st->conflict_key, st->nconflict_key);
        db_buf_printf(b, " * FROM %s ORDER BY ", st->staging);
        for (size_t k = 0; k < st->nconflict_key; k++) {
            db_buf_ident(b, st->conflict_key[k]);
            db_buf_add(b, ", ");
        }
        db_buf_add(b, "ctid DESC) AS last_of_key");
    } else {
        db_buf_add(b, st->staging);
    }
    if (hi)
        db_buf_printf(b, " WHERE " PG_STAGING_ROW " BETWEEN %llu AND %llu", (unsigned long long)lo,
                      (unsigned long long)hi);
    if (st->opts.reject) /* in the file's order: the later of two same keys wins */
        db_buf_add(b, " ORDER BY " PG_STAGING_ROW);
    db_buf_add(b, " ON CONFLICT");
    if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
        db_buf_add(b, " ");
        db_buf_ident_list(b, st->conflict_key, st->nconflict_key);
        for (size_t i = 0; i < st->ncolumns; i++) {
            int key = 0;
            if (!st->staged_mask[i])
                continue;
            for (size_t k = 0; k < st->nconflict_key; k++)
                key |= strcmp(st->conflict_key[k], st->columns[i]) == 0;
            if (key)
                continue;
            db_buf_add(b, nupdate++ ? ", " : " DO UPDATE SET ");
            db_buf_ident(b, st->columns[i]);
            db_buf_add(b, " = EXCLUDED.");
            db_buf_ident(b, st->columns[i]);
        }
    }
    if (nupdate == 0)
        db_buf_add(b, " DO NOTHING");
    db_buf_add(b, " RETURNING xmax::text <> '0' AS updated) SELECT count(*),"
                  " count(*) FILTER (WHERE updated) FROM merged");
}

/* One merge statement; its rows counted as written and updated. 0 or -1. */
static int merge_once(pg_target *st, const db_buf *cols, uint64_t lo, uint64_t hi, int fold)
{
    db_buf b = {0};
    PGresult *res;
    merge_sql(st, &b, cols, lo, hi, fold);
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    int rc = pg_target_run(st, b.buf, 0, NULL, &res);
    db_buf_free(&b);
    if (rc < 0)
        return -1;
    st->stats.rows_written += strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    st->stats.rows_updated += strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    return 0;
}

/* Whether a failed merge is the rows' doing: a constraint (class 23), a
 * key twice in one statement (21000), a value (class 22). */
static int rows_failed(const pg_target *st)
{
    return !pg_target_connection_lost(st) &&
           (strncmp(st->sqlstate, "23", 2) == 0 || strcmp(st->sqlstate, "21000") == 0 ||
            strncmp(st->sqlstate, "22", 2) == 0);
}

/* The column a refused row is blamed on: the NOT NULL one the message
 * names, or the one column of "Key (email)=(...)"; NULL otherwise. */
static const char *blamed_column(const pg_target *st, const char *message)
{
    static const char null_value[] = "null value in column \"";
    char key[256];
    const char *d = st->detail, *named = NULL;
    if (message && strncmp(message, null_value, sizeof null_value - 1) == 0 &&
        sscanf(message + sizeof null_value - 1, "%255[^\"]", key) == 1)
        named = key;
    else if (d && strncmp(d, "Key (", 5) == 0 && sscanf(d + 5, "%255[^,)=]", key) == 1 &&
             strncmp(d + 5 + strlen(key), ")=", 2) == 0)
        named = key;
    for (size_t i = 0; named && i < st->ncolumns; i++)
        if (strcmp(st->columns[i], named) == 0)
            return st->columns[i];
    return NULL;
}

/* A single staged row the merge refuses: to --max-errors. 0 or -1. */
static int refuse_row(pg_target *st, uint64_t row, const char *column)
{
    db_buf why = {0};
    db_buf_printf(&why, "%s%s%s", st->diag.message ? st->diag.message : "?", st->detail ? ": " : "",
                  st->detail ? st->detail : "");
    if (why.oom)
        return db_oom(&st->diag);
    int rc = st->opts.reject(st->opts.reject_ctx, row, column, why.buf);
    if (rc < 0) {
        db_error(&st->diag, "%s", why.buf);
        st->error_row = row;
    } else {
        st->stats.rows_rejected++;
    }
    db_buf_free(&why);
    return rc < 0 ? -1 : 0;
}

/* A key twice in one statement: "ON CONFLICT DO UPDATE command cannot
 * affect row a second time". */
static int key_twice(const pg_target *st)
{
    return !pg_target_connection_lost(st) && strcmp(st->sqlstate, "21000") == 0;
}

/* One merge (merge_once's arguments) under a savepoint. 0: merged. 1: it
 * failed in a way expected() accepts, and the savepoint is rolled back,
 * the server's message and detail still in st->diag and st->detail for
 * the caller. -1: any other failure. */
static int try_merge(pg_target *st, const db_buf *cols, uint64_t lo, uint64_t hi, int fold,
                     int (*expected)(const pg_target *))
{
    if (pg_target_run(st, "SAVEPOINT " MERGE_SAVEPOINT, 0, NULL, NULL) < 0)
        return -1;
    if (merge_once(st, cols, lo, hi, fold) == 0)
        return pg_target_run(st, "RELEASE SAVEPOINT " MERGE_SAVEPOINT, 0, NULL, NULL);
    if (!expected(st))
        return -1;
    char *why = db_error_take(&st->diag);
    if (pg_target_run(st, "ROLLBACK TO SAVEPOINT " MERGE_SAVEPOINT, 0, NULL, NULL) < 0 ||
        pg_target_run(st, "RELEASE SAVEPOINT " MERGE_SAVEPOINT, 0, NULL, NULL) < 0) {
        free(why);
        return -1;
    }
    db_error_restore(&st->diag, why);
    return 1;
}

/* Merges the staged rows numbered lo..hi under a savepoint; when that
 * fails for the rows, each half again, down to single rows, refused. */
static int merge_range(pg_target *st, const db_buf *cols, uint64_t lo, uint64_t hi)
{
    int tried = try_merge(st, cols, lo, hi, 0, rows_failed);
    if (tried <= 0)
        return tried;
    const char *column = blamed_column(st, st->diag.message);
    if (lo == hi) {
        /* the row numbers the merge was given are those rows had */
        int rc = refuse_row(st, lo, column);
        if (rc == 0) {
            free(db_error_take(&st->diag));
            free(st->detail);
            st->detail = NULL;
        }
        return rc;
    }
    free(db_error_take(&st->diag));
    uint64_t mid = lo + (hi - lo) / 2;
    if (merge_range(st, cols, lo, mid) < 0)
        return -1;
    return merge_range(st, cols, mid + 1, hi);
}

/* --max-errors: the whole merge under a savepoint first; the halves, with
 * an index on the row numbers, only when it fails. */
static int merge_isolating(pg_target *st, const db_buf *cols)
{
    db_buf b = {0};
    PGresult *res;
    int tried = try_merge(st, cols, 0, 0, 0, rows_failed);
    if (tried <= 0)
        return tried;
    free(db_error_take(&st->diag));
    if (!st->staging_indexed) {
        db_buf_printf(&b, "CREATE INDEX ON %s (" PG_STAGING_ROW ")", st->staging);
        if (pg_target_run_buf(st, &b) < 0)
            return -1;
        st->staging_indexed = 1;
    }
    db_buf_printf(&b, "SELECT min(" PG_STAGING_ROW "), max(" PG_STAGING_ROW ") FROM %s",
                  st->staging);
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    int rc = pg_target_run(st, b.buf, 0, NULL, &res);
    db_buf_free(&b);
    if (rc < 0)
        return -1;
    uint64_t lo = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    uint64_t hi = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    return merge_range(st, cols, lo, hi < lo ? lo : hi);
}

/* --on-conflict=update without --max-errors: one statement, as fast as
 * before; when the file has a key twice ("ON CONFLICT DO UPDATE command
 * cannot affect row a second time"), again with the last row of each key,
 * which ends where merging them one after the other would (SQLite does so):
 * the rows folded into a later one count as updated, as SQLite counts
 * them. */
static int merge_folding(pg_target *st, const db_buf *cols)
{
    int tried = try_merge(st, cols, 0, 0, 0, key_twice);
    if (tried <= 0)
        return tried;
    free(db_error_take(&st->diag));
    free(st->detail);
    st->detail = NULL;
    uint64_t before = st->stats.rows_written;
    if (merge_once(st, cols, 0, 0, 1) < 0)
        return -1;
    uint64_t merged = st->stats.rows_written - before;
    uint64_t folded = st->staged_rows > merged ? st->staged_rows - merged : 0;
    st->stats.rows_written += folded;
    st->stats.rows_updated += folded;
    return 0;
}

/* Merges what is staged, counting what it did. 1, 0 when nothing was
 * staged, -1. */
static int merge_staged(pg_target *st)
{
    db_buf cols = {0};
    size_t n = 0;

    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->staged_mask[i])
            continue;
        db_buf_add(&cols, n++ ? ", " : "");
        db_buf_ident(&cols, st->columns[i]);
    }
    if (n == 0 || st->staged_rows == 0) {
        db_buf_free(&cols);
        return 0;
    }
    if (cols.oom) {
        db_buf_free(&cols);
        return db_oom(&st->diag);
    }
    uint64_t before = st->stats.rows_written, refused_before = st->stats.rows_rejected;
    int rc = st->opts.reject                                 ? merge_isolating(st, &cols)
             : st->opts.on_conflict == DB_ON_CONFLICT_UPDATE ? merge_folding(st, &cols)
                                                             : merge_once(st, &cols, 0, 0, 0);
    db_buf_free(&cols);
    if (rc < 0 && !st->error_row)
        return db_error(&st->diag, "table \"%s\": %s%s%s", st->display, st->diag.message,
                        st->detail ? ": " : "", st->detail ? st->detail : "");
    if (rc < 0)
        return -1;
    /* what neither merged nor was refused met a row with its key: skipped */
    uint64_t done = st->stats.rows_written - before + st->stats.rows_rejected - refused_before;
    st->stats.rows_skipped += st->staged_rows > done ? st->staged_rows - done : 0;
    st->staged_rows = 0;
    return 1;
}

int pg_target_merge_batch(pg_target *st)
{
    db_buf b = {0};
    if (!st->staging || !st->opts.reject || !st->staged_rows)
        return 0;
    if (merge_staged(st) < 0)
        return -1;
    db_buf_printf(&b, "TRUNCATE %s", st->staging);
    return pg_target_run_buf(st, &b);
}

int pg_target_merge_staging(pg_target *st)
{
    db_buf b = {0};
    int rc = merge_staged(st);
    if (rc < 0 || (rc == 0 && !st->opts.reject))
        return rc;
    db_buf_printf(&b, "DROP TABLE %s", st->staging);
    return pg_target_run_buf(st, &b);
}
