/* Stand-alone sequences (CREATE SEQUENCE) of the selected schemas, with
 * their options, value and OWNED BY column, for the header's "sequences".
 * A sequence an identity or a serial column owns travels with its column;
 * one an extension owns, with the extension. */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "pg_sql.h"
#include "sqlbuf.h"

static int int64_at(const PGresult *res, int r, int c, int64_t *out)
{
    return fmt_int64_parse(out, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
}

/* The value the sequence last handed out, as pg_dump reads it (pg_sequences
 * shows what the cache reserved, which may be more): 1 with it in
 * q->last_value, 0 when it has handed out none, -1 on error. */
static int read_value(pg_src *s, const char *nspname, const char *relname, fmt_sequence *q)
{
    char *qname = pg_qualified(nspname, relname);
    db_buf sql = {0};
    if (!qname)
        return pg_src_fail(s, "out of memory");
    db_buf_printf(&sql, "SELECT last_value, is_called FROM %s", qname);
    free(qname);
    PGresult *res = sql.oom ? NULL : pg_src_query(s, sql.buf, NULL, NULL);
    db_buf_free(&sql);
    if (!res)
        return -1;
    int rc = PQntuples(res) == 1 && pg_src_bool_val(res, 0, 1) ? 1 : 0;
    if (rc == 1 && int64_at(res, 0, 0, &q->last_value) < 0)
        rc = pg_src_fail(s, "sequence \"%s\": unreadable value", relname);
    PQclear(res);
    return rc;
}

/* Row r's owner and grants with --privileges; without, a warning when it
 * has grants. */
static int grants(pg_src *s, const PGresult *res, int r, fmt_sequence *q)
{
    if (s->privileges)
        return pg_src_load_acl(s, PG_ACL_SEQUENCE, PQgetvalue(res, r, 11), &q->privileges);
    if (!pg_src_bool_val(res, r, 12))
        return 0;
    char *key = pg_relation_key(PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
    int rc =
        key ? pg_src_warn(s, "sequence \"%s\": grants are not carried (--privileges carries them)",
                          key)
            : pg_src_fail(s, "out of memory");
    free(key);
    return rc;
}

int pg_src_load_sequences(pg_src *s, fmt_header *h)
{
    static const char sql[] =
        "SELECT n.nspname, c.relname, pg_catalog.format_type(q.seqtypid, NULL), q.seqstart,"
        " q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, oc.relname, oa.attname,"
        " c.oid, c.relacl IS NOT NULL"
        " FROM pg_catalog.pg_sequence q JOIN pg_catalog.pg_class c ON c.oid = q.seqrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_catalog.pg_depend od"
        " ON od.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND od.objid = c.oid"
        " AND od.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND od.deptype = 'a'"
        " AND od.refobjsubid > 0"
        " LEFT JOIN pg_catalog.pg_class oc ON oc.oid = od.refobjid"
        " LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = od.refobjid"
        " AND oa.attnum = od.refobjsubid"
        " WHERE " USER_RELATION " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend o"
        " WHERE o.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.objid = c.oid"
        " AND o.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.deptype = 'i')"
        /* a serial column's (owned by a column whose default draws on it)
         * travels with that column; one merely OWNED BY, here */
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend dd"
        " ON dd.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND dd.objid = ad.oid"
        " AND dd.refobjid = c.oid WHERE ad.adrelid = od.refobjid AND ad.adnum = "
        "od.refobjsubid) " KEY_ORDER;
    PGresult *res = pg_src_query(s, sql, NULL, NULL);
    if (!res)
        return -1;
    int n = PQntuples(res), rc = 0;
    if (n && !(h->sequences = calloc((size_t)n, sizeof *h->sequences))) {
        PQclear(res);
        return pg_src_fail(s, "out of memory");
    }
    bool quiet = s->quiet;
    s->quiet = quiet || s->sequences_listed; /* warned once per run */
    s->sequences_listed = true;
    for (int r = 0; r < n && rc == 0; r++) {
        if (!pg_src_schema_selected(s, PQgetvalue(res, r, 0)))
            continue;
        fmt_sequence *q = &h->sequences[h->nsequences++];
        q->name = pg_src_dup_val(res, r, 1);
        q->namespace = pg_src_namespace_of(PQgetvalue(res, r, 0));
        q->type = pg_src_dup_val(res, r, 2);
        q->cycle = pg_src_bool_val(res, r, 8);
        q->owned_by_table = pg_src_dup_val(res, r, 9);
        q->owned_by_column = pg_src_dup_val(res, r, 10);
        if (!q->name || !q->type || (!q->namespace && strcmp(PQgetvalue(res, r, 0), "public")) ||
            (!PQgetisnull(res, r, 9) && !q->owned_by_table) ||
            (!PQgetisnull(res, r, 10) && !q->owned_by_column))
            rc = pg_src_fail(s, "out of memory");
        else if (int64_at(res, r, 3, &q->start) < 0 || int64_at(res, r, 4, &q->increment) < 0 ||
                 int64_at(res, r, 5, &q->min_value) < 0 || int64_at(res, r, 6, &q->max_value) < 0 ||
                 int64_at(res, r, 7, &q->cache) < 0)
            rc = pg_src_fail(s, "sequence \"%s\": unreadable options", q->name);
        else {
            int got = read_value(s, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), q);
            q->has_last_value = got == 1;
            rc = got < 0 ? -1 : grants(s, res, r, q);
        }
    }
    s->quiet = quiet;
    PQclear(res);
    return rc;
}
