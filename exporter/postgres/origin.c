/* What a SQLite export said that PostgreSQL's catalog cannot hold, read
 * back from the _dbexport_origin table a PostgreSQL target kept beside the
 * tables (tools/postgres/pg_origin.h, importer/postgres/origin.c): each
 * column's SQLite declaration (sqlite_type), a rowid alias, the NULLs
 * SQLite allowed in a primary key, WITHOUT ROWID and STRICT, the CHECKs
 * that had no name, and the database's user_version and application_id.
 * A column's row is used only while its type is the one the import made. */
#include "pg_source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_origin.h"
#include "strlist.h"

/* The origin table of schema nspname, quoted, or NULL (cached per schema;
 * "" in the cache for none). -1 on error. */
static int origin_of(pg_src *s, const char *nspname, const char **out)
{
    static const char sql[] =
        "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = '" PG_ORIGIN_TABLE "' AND c.relkind = 'r' "
        "AND (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid "
        "AND NOT a.attisdropped AND a.attnum > 0 AND (a.attname, a.atttypid) IN "
        "(('kind', 'text'::pg_catalog.regtype), ('tbl', 'text'::pg_catalog.regtype), "
        "('name', 'text'::pg_catalog.regtype), ('value', 'jsonb'::pg_catalog.regtype))) = 4";
    *out = NULL;
    for (size_t i = 0; i < s->norigin; i++)
        if (strcmp(s->origin_schemas[i], nspname) == 0) {
            *out = *s->origin_tables[i] ? s->origin_tables[i] : NULL;
            return 0;
        }
    PGresult *res = pg_src_query(s, sql, nspname, NULL);
    if (!res)
        return -1;
    char *q = fmt_strdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    size_t n = s->norigin;
    if (!q || fmt_strings_push(&s->origin_tables, &n, q) < 0 ||
        fmt_strings_push(&s->origin_schemas, &s->norigin, fmt_strdup(nspname)) < 0)
        return pg_src_fail(s, "out of memory");
    *out = *s->origin_tables[s->norigin - 1] ? s->origin_tables[s->norigin - 1] : NULL;
    return 0;
}

static fmt_column *column_named(fmt_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].name, name) == 0)
            return &t->columns[i];
    return NULL;
}

static bool in_primary_key(const fmt_table *t, const char *name)
{
    for (size_t i = 0; t->primary_key && i < t->primary_key->ncolumns; i++)
        if (strcmp(t->primary_key->columns[i], name) == 0)
            return true;
    return false;
}

static bool is_true(const PGresult *res, int r, int col)
{
    return !PQgetisnull(res, r, col) && strcmp(PQgetvalue(res, r, col), "true") == 0;
}

/* A column's row: its declaration while the column keeps the type the
 * import made, and what PostgreSQL changed of it. */
static int apply_column(pg_src *s, fmt_table *t, const PGresult *res, int r)
{
    fmt_column *c = column_named(t, PQgetvalue(res, r, 1));
    if (!c || PQgetisnull(res, r, 3) || !c->native_type ||
        strcmp(c->native_type, PQgetvalue(res, r, 3)) != 0)
        return 0; /* dropped, or changed since the import */
    if (!PQgetisnull(res, r, 2) && !(c->sqlite_type = pg_src_dup_val(res, r, 2)))
        return pg_src_fail(s, "out of memory");
    if (!PQgetisnull(res, r, 4) && strcmp(PQgetvalue(res, r, 4), "rowid") == 0 &&
        c->identity == FMT_IDENTITY_BY_DEFAULT)
        c->identity = FMT_IDENTITY_ROWID;
    if (is_true(res, r, 5) && in_primary_key(t, c->name))
        c->nullable = true;
    return 0;
}

/* PostgreSQL's own name for a constraint added without one:
 * table_..._check, table_pkey, table_..._key, table_..._fkey, maybe with
 * a number. */
static bool generated_name(const char *table, const char *name, const char *suffix)
{
    size_t tn = strlen(table), n = strlen(name), sn = strlen(suffix);
    if (strncmp(name, table, tn) != 0 || name[tn] != '_')
        return false;
    while (n > tn && name[n - 1] >= '0' && name[n - 1] <= '9')
        n--;
    return n >= tn + 1 + sn && strncmp(name + n - sn, suffix, sn) == 0;
}

static bool named_in_file(const PGresult *res, const char *name)
{
    for (int r = 0; r < PQntuples(res); r++)
        if (strcmp(PQgetvalue(res, r, 0), "constraint") == 0 &&
            strcmp(PQgetvalue(res, r, 1), name) == 0)
            return true;
    return false;
}

/* A name PostgreSQL made for a constraint the file left unnamed: unset. */
static void unname(char **name, const PGresult *res, const char *table, const char *suffix)
{
    if (*name && !named_in_file(res, *name) && generated_name(table, *name, suffix)) {
        free(*name);
        *name = NULL;
    }
}

static void apply_table(fmt_table *t, const PGresult *res, int r)
{
    bool strict = is_true(res, r, 7);
    for (size_t i = 0; strict && i < t->ncolumns; i++)
        strict = t->columns[i].sqlite_type != NULL;
    if (is_true(res, r, 6) && t->primary_key)
        t->without_rowid = true;
    t->strict = strict;
    for (size_t i = 0; is_true(res, r, 8) && i < t->nchecks; i++)
        unname(&t->checks[i].name, res, t->name, "check");
    if (is_true(res, r, 9) && t->primary_key)
        unname(&t->primary_key->name, res, t->name, "pkey");
    for (size_t i = 0; is_true(res, r, 9) && i < t->nuniques; i++)
        unname(&t->uniques[i].name, res, t->name, "key");
    for (size_t i = 0; is_true(res, r, 9) && i < t->nforeign_keys; i++)
        unname(&t->foreign_keys[i].name, res, t->name, "fkey");
}

int pg_src_apply_origin(pg_src *s, const table_entry *e, fmt_table *t)
{
    const char *origin;
    if (origin_of(s, e->nspname, &origin) < 0)
        return -1;
    if (!origin)
        return 0;
    db_buf sql = {0};
    db_buf_printf(&sql,
                  "SELECT kind, name, value->>'declared', value->>'postgresql', "
                  "value->>'identity', value->>'nullable', value->>'without_rowid', "
                  "value->>'strict', value->>'unnamed_checks', value->>'unnamed_keys' FROM %s "
                  "WHERE tbl = $1 AND kind IN ('table', 'column', 'constraint') ORDER BY kind",
                  origin);
    PGresult *res = sql.oom ? NULL : pg_src_query(s, sql.buf, e->relname, NULL);
    db_buf_free(&sql);
    if (!res)
        return sql.oom ? pg_src_fail(s, "out of memory") : -1;
    int rc = 0;
    /* columns first ("column" < "table"): STRICT needs every declaration */
    for (int r = 0; r < PQntuples(res) && rc == 0; r++)
        if (strcmp(PQgetvalue(res, r, 0), "column") == 0)
            rc = apply_column(s, t, res, r);
    for (int r = 0; r < PQntuples(res) && rc == 0; r++)
        if (strcmp(PQgetvalue(res, r, 0), "table") == 0)
            apply_table(t, res, r);
    PQclear(res);
    return rc;
}

static int header_field(pg_src *s, const PGresult *res, int col, bool *has, int32_t *out)
{
    if (PQgetisnull(res, 0, col))
        return 0;
    errno = 0;
    char *end;
    long long v = strtoll(PQgetvalue(res, 0, col), &end, 10);
    if (errno || *end || v < INT32_MIN || v > INT32_MAX)
        return pg_src_fail(s, "%s: %s is not a 32-bit integer", PG_ORIGIN_TABLE, PQfname(res, col));
    *has = v != 0;
    *out = (int32_t)v;
    return 0;
}

/* user_version and application_id from the first exported schema (by
 * name) whose origin table has them. */
int pg_src_origin_header(pg_src *s, fmt_header *h)
{
    static const char sql[] =
        "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relname = '" PG_ORIGIN_TABLE "' AND c.relkind = 'r' "
        "ORDER BY n.nspname COLLATE \"C\"";
    PGresult *list = pg_src_query(s, sql, NULL, NULL);
    int rc = 0;
    if (!list)
        return -1;
    for (int i = 0; i < PQntuples(list) && rc == 0; i++) {
        const char *origin, *ns = PQgetvalue(list, i, 0);
        if (!pg_src_schema_selected(s, ns))
            continue;
        if (origin_of(s, ns, &origin) < 0) {
            rc = -1;
            break;
        }
        if (!origin)
            continue;
        db_buf q = {0};
        db_buf_printf(&q,
                      "SELECT value->>'user_version' AS user_version, value->>'application_id' "
                      "AS application_id FROM %s WHERE kind = 'database'",
                      origin);
        PGresult *res = q.oom ? NULL : pg_src_query(s, q.buf, NULL, NULL);
        db_buf_free(&q);
        if (!res) {
            rc = -1;
            break;
        }
        if (PQntuples(res) == 1) {
            rc = header_field(s, res, 0, &h->has_user_version, &h->user_version) < 0 ||
                         header_field(s, res, 1, &h->has_application_id, &h->application_id) < 0
                     ? -1
                     : 1;
        }
        PQclear(res);
    }
    PQclear(list);
    return rc < 0 ? -1 : 0;
}
