/* The schemas of the export (docs/FORMAT.md 2.11, since 1.3): each one -n
 * and -N select (with -t, those of the tables written), so that a target
 * creates it even when nothing of the file lands in it, with its comment
 * and, with --privileges, its owner and grants, as pg_dump carries them.
 * public only when its comment is not the server's own, and never with
 * privileges (every database has it, owned by pg_database_owner). */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlbuf.h"

#define PUBLIC_COMMENT "standard public schema"

/* "{oid,oid,...}": the exported tables, for the query's $1. */
static char *selected_oids(const pg_src *s)
{
    db_buf b = {0};
    db_buf_addc(&b, '{');
    for (size_t i = 0; i < s->nselected; i++)
        db_buf_printf(&b, "%s%s", i ? "," : "", s->selected_oids[i]);
    db_buf_addc(&b, '}');
    return db_buf_take(&b);
}

static int add_schema(pg_src *s, fmt_header *h, const PGresult *res, int r)
{
    fmt_schema *grown = realloc(h->schemas, (h->nschemas + 1) * sizeof *grown);
    if (!grown)
        return pg_src_fail(s, "out of memory");
    h->schemas = grown;
    fmt_schema *out = &grown[h->nschemas++];
    memset(out, 0, sizeof *out);
    out->name = pg_src_dup_val(res, r, 1);
    out->comment = PQgetisnull(res, r, 2) ? NULL : pg_src_dup_val(res, r, 2);
    if (!out->name || (!PQgetisnull(res, r, 2) && !out->comment))
        return pg_src_fail(s, "out of memory");
    if (strcmp(out->name, "public") == 0)
        return 0;
    if (s->privileges)
        return pg_src_load_acl(s, PG_ACL_SCHEMA, PQgetvalue(res, r, 0), &out->privileges);
    if (pg_src_bool_val(res, r, 4))
        return pg_src_warn(s, "schema \"%s\": grants are not carried (--privileges carries them)",
                           out->name);
    return 0;
}

int pg_src_load_schemas(pg_src *s, fmt_header *h)
{
    static const char sql[] =
        "SELECT n.oid, n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace'), "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid "
        "AND c.oid = ANY ($1::pg_catalog.oid[])), n.nspacl IS NOT NULL "
        "FROM pg_catalog.pg_namespace n WHERE n.nspname <> 'information_schema' "
        "AND n.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
        "WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objid = n.oid "
        "AND d.deptype = 'e') ORDER BY n.nspname COLLATE \"C\"";
    for (size_t i = 0; i < h->nschemas; i++)
        fmt_schema_clear(&h->schemas[i]);
    free(h->schemas);
    h->schemas = NULL;
    h->nschemas = 0;
    char *oids = selected_oids(s);
    if (!oids)
        return pg_src_fail(s, "out of memory");
    PGresult *res = pg_src_query(s, sql, oids, NULL);
    free(oids);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *name = PQgetvalue(res, r, 1);
        if (!pg_src_schema_selected(s, name) ||
            (s->selection.include_tables && !pg_src_bool_val(res, r, 3)))
            continue;
        if (strcmp(name, "public") == 0 &&
            (PQgetisnull(res, r, 2) || strcmp(PQgetvalue(res, r, 2), PUBLIC_COMMENT) == 0))
            continue;
        rc = add_schema(s, h, res, r);
    }
    PQclear(res);
    return rc;
}
