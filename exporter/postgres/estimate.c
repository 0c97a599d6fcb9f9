/* How many rows a table has, about, for the progress line's ETA (source.h
 * estimate_rows): what the planner would guess, never a scan of a big
 * table. pg_class.reltuples, scaled by how the table grew since the last
 * VACUUM or ANALYZE set it (as the planner scales it); summed over the
 * leaves of a partitioned table. A table never analyzed (reltuples -1, as
 * right after a bulk load) is counted when it is small, and asked of the
 * planner when it is not. */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "pg_sql.h"
#include "sqlbuf.h"

/* Up to this size a count(*) takes a few milliseconds. */
#define EXACT_COUNT_BYTES "16777216"

/* Per leaf (the table itself, or a partitioned table's leaf partitions):
 * the statistics, scaled to its size now; whether a leaf has
 * none; and whether the whole is small enough to count. */
static const char statistics_sql[] =
    "SELECT pg_catalog.sum(CASE WHEN c.relpages > 0 THEN c.reltuples / c.relpages * "
    "GREATEST(pg_catalog.pg_relation_size(c.oid) / "
    "pg_catalog.current_setting('block_size')::pg_catalog.int8, 1) "
    "ELSE GREATEST(c.reltuples, 0) END)::pg_catalog.int8, "
    "pg_catalog.bool_or(c.reltuples < 0 OR (c.relpages = 0 AND "
    "pg_catalog.pg_relation_size(c.oid) > 0)), "
    "pg_catalog.sum(pg_catalog.pg_relation_size(c.oid)) <= " EXACT_COUNT_BYTES " "
    "FROM pg_catalog.pg_class c WHERE c.relkind <> 'p' AND c.oid IN (SELECT $1::pg_catalog.oid "
    "UNION SELECT relid FROM pg_catalog.pg_partition_tree($1::pg_catalog.oid::pg_catalog.regclass) "
    "WHERE isleaf)";

static const char *oid_of(const pg_src *s, const fmt_table *t)
{
    char *key = fmt_table_key(t);
    const char *oid = NULL;
    for (size_t i = 0; key && !oid && i < s->nselected; i++)
        if (strcmp(s->selected_keys[i], key) == 0)
            oid = s->selected_oids[i];
    free(key);
    return oid;
}

/* An integer at the start of text (a count, or the digits after "rows=" in
 * a plan's first line): 1 with it, 0 when there is none. */
static int leading_int64(const char *text, int64_t *out)
{
    size_t n = 0;
    while (text && text[n] >= '0' && text[n] <= '9')
        n++;
    return n && fmt_int64_parse(out, text, n) == 0;
}

/* count(*), or the planner's guess at the rows of a SELECT of the whole
 * table (the rows.c reads: ONLY the table unless it is partitioned). */
static int ask_server(pg_src *s, const fmt_table *t, int count, int64_t *rows)
{
    char *qname = pg_qualified(t->namespace ? t->namespace : "public", t->name);
    db_buf sql = {0};
    if (!qname)
        return pg_src_fail(s, "out of memory");
    db_buf_printf(&sql, "%s FROM %s%s", count ? "SELECT pg_catalog.count(*)" : "EXPLAIN SELECT 1",
                  t->partitioning ? "" : "ONLY ", qname);
    free(qname);
    PGresult *res = sql.oom ? NULL : pg_src_query(s, sql.buf, NULL, NULL);
    db_buf_free(&sql);
    if (!res)
        return -1;
    const char *text = PQntuples(res) > 0 ? pg_src_val(res, 0, 0) : NULL;
    const char *at = text && !count ? strstr(text, " rows=") : NULL;
    int known = leading_int64(count ? text : at ? at + 6 : NULL, rows);
    PQclear(res);
    return known;
}

int pg_src_estimate_rows(void *state, const fmt_table *t, uint64_t *rows)
{
    pg_src *s = state;
    const char *oid = oid_of(s, t);
    int64_t n = 0;
    *rows = 0;
    if (s->copying)
        return pg_src_fail(s, "estimate_rows while rows stream");
    /* pg_partition_tree is 12's; and a failed query would end the snapshot */
    if (!oid || PQserverVersion(s->conn) < 120000)
        return 0;
    PGresult *res = pg_src_query(s, statistics_sql, oid, NULL);
    if (!res)
        return -1;
    int known = PQntuples(res) == 1 && leading_int64(pg_src_val(res, 0, 0), &n);
    int unanalyzed = PQntuples(res) == 1 && pg_src_bool_val(res, 0, 1);
    int small = PQntuples(res) == 1 && pg_src_bool_val(res, 0, 2);
    PQclear(res);
    if (unanalyzed || !known)
        known = ask_server(s, t, small, &n);
    if (known < 0)
        return -1;
    *rows = known && n > 0 ? (uint64_t)n : 0;
    return known;
}
