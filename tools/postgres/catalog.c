/* See pg_catalog.h. */
#include "pg_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "strlist.h"

enum {
    COL_NAME,
    COL_TYPE_TEXT,
    COL_NOT_NULL,
    COL_DEFAULT,
    COL_IDENTITY,
    COL_GENERATED,
    COL_COLLATION,
    COL_SEQ_NSPNAME,
    COL_SEQ_RELNAME,
    COL_SEQ_DEPTYPE,
    COL_TYPE_OID,
    COL_TYPMOD,
    COL_COMMENT,
    COL_BASE_TYPNAME,
    COL_BASE_CATEGORY,
    COL_HAS_DEFAULT,
    COL_COLLATION_NAMESPACE
};

static const char columns_sql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, "
    "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END, "
    "seq.nspname, seq.relname, seq.deptype, a.atttypid, a.atttypmod, "
    "pg_catalog.col_description(a.attrelid, a.attnum), "
    "coalesce(bt.typname, t.typname), coalesce(bt.typcategory, t.typcategory), "
    "a.atthasdef OR a.attidentity <> '', "
    "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN cn.nspname END "
    "FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
    "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
    "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
    "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
    "LEFT JOIN LATERAL (SELECT sn.nspname, sc.relname, d.deptype "
    "FROM pg_catalog.pg_depend d "
    "JOIN pg_catalog.pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S' "
    "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i') "
    "ORDER BY d.deptype DESC LIMIT 1) seq ON true "
    "WHERE a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum";

/* A copy of the field, NULL for SQL NULL; *oom set when the copy failed. */
static char *field(const PGresult *res, int r, int c, bool *oom)
{
    if (PQgetisnull(res, r, c))
        return NULL;
    char *s = fmt_strdup(PQgetvalue(res, r, c));
    *oom |= !s;
    return s;
}

static bool flag(const PGresult *res, int r, int c)
{
    return PQgetvalue(res, r, c)[0] == 't';
}

/* Column c from row r; false when memory ran out. */
static bool fill(pg_catalog_column *c, const PGresult *res, int r)
{
    bool oom = false;
    c->name = field(res, r, COL_NAME, &oom);
    c->type_text = field(res, r, COL_TYPE_TEXT, &oom);
    c->base_typname = field(res, r, COL_BASE_TYPNAME, &oom);
    c->base_category = PQgetvalue(res, r, COL_BASE_CATEGORY)[0];
    c->type_oid = (unsigned)strtoul(PQgetvalue(res, r, COL_TYPE_OID), NULL, 10);
    c->typmod = (int32_t)atol(PQgetvalue(res, r, COL_TYPMOD));
    c->not_null = flag(res, r, COL_NOT_NULL);
    c->has_default = flag(res, r, COL_HAS_DEFAULT);
    c->default_sql = field(res, r, COL_DEFAULT, &oom);
    c->identity = PQgetvalue(res, r, COL_IDENTITY)[0];
    c->generated = PQgetvalue(res, r, COL_GENERATED)[0];
    c->collation = field(res, r, COL_COLLATION, &oom);
    c->collation_namespace = field(res, r, COL_COLLATION_NAMESPACE, &oom);
    c->seq_nspname = field(res, r, COL_SEQ_NSPNAME, &oom);
    c->seq_relname = field(res, r, COL_SEQ_RELNAME, &oom);
    c->seq_deptype =
        PQgetisnull(res, r, COL_SEQ_DEPTYPE) ? '\0' : PQgetvalue(res, r, COL_SEQ_DEPTYPE)[0];
    c->has_comment = !PQgetisnull(res, r, COL_COMMENT);
    c->comment = field(res, r, COL_COMMENT, &oom);
    return !oom;
}

int pg_catalog_columns(PGconn *conn, const char *table_oid, pg_catalog_column **out, size_t *n,
                       PGresult **failed)
{
    const char *params[] = {table_oid};
    PGresult *res = PQexecParams(conn, columns_sql, 1, NULL, params, NULL, NULL, 0);
    *out = NULL;
    *n = 0;
    *failed = NULL;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        *failed = res;
        return -1;
    }
    int rows = PQntuples(res);
    pg_catalog_column *list = calloc((size_t)rows + 1, sizeof *list);
    int rc = list ? 0 : -2;
    for (int r = 0; rc == 0 && r < rows; r++)
        if (!fill(&list[r], res, r))
            rc = -2;
    PQclear(res);
    if (rc < 0) {
        pg_catalog_columns_free(list, list ? (size_t)rows : 0);
        return rc;
    }
    *out = list;
    *n = (size_t)rows;
    return 0;
}

void pg_catalog_columns_free(pg_catalog_column *columns, size_t n)
{
    for (size_t i = 0; columns && i < n; i++) {
        free(columns[i].name);
        free(columns[i].type_text);
        free(columns[i].base_typname);
        free(columns[i].default_sql);
        free(columns[i].comment);
        free(columns[i].collation);
        free(columns[i].collation_namespace);
        free(columns[i].seq_nspname);
        free(columns[i].seq_relname);
    }
    free(columns);
}
