/* Reads back what a SQLite target kept of a PostgreSQL export in
 * _dbexport_origin (tools/sqlite/sqlite_origin.h): a table's schema and
 * name (its SQLite name is "schema.name", the document key), the
 * PostgreSQL type and identity kind of each column whose declared type is
 * still the one the import made, its index names without the schema
 * prefix the import added, and the enums and domains for the header. */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_origin.h"
#include "strlist.h"

#define ORIGIN_FROM " FROM main.\"" SQLITE_ORIGIN_TABLE "\" "

int sqlite_src_origin_open(sqlite_src *s)
{
    sqlite3_stmt *st = NULL;
    s->has_origin = 0;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = '" SQLITE_ORIGIN_TABLE
            "'",
            -1, &st, NULL) != SQLITE_OK)
        return db_error(&s->diag, "cannot read the schema: %s", sqlite3_errmsg(s->db));
    s->has_origin = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return 0;
}

/* Runs sql with texts ?1..?nargs; on a row, out[i] = a copy of column i
 * (NULL for NULL). 1 when there was a row, 0 when not, -1. */
static int lookup(sqlite_src *s, const char *sql, const char *const *args, int nargs, char **out,
                  int nout)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    for (int i = 0; i < nout; i++)
        out[i] = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
        goto done;
    }
    for (int i = 0; i < nargs; i++)
        sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = 0;
        goto done;
    }
    if (step != SQLITE_ROW) {
        db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
        goto done;
    }
    for (int i = 0; i < nout; i++)
        if (sqlite3_column_type(st, i) != SQLITE_NULL && !(out[i] = sqlite_catalog_text(st, i))) {
            db_oom(&s->diag);
            goto done;
        }
    rc = 1;
done:
    if (rc < 0)
        for (int i = 0; i < nout; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    sqlite3_finalize(st);
    return rc;
}

/* The schema and name a SQLite table came from: 1 when it has them (and
 * its SQLite name is still "schema.name"), 0 when not, -1. */
static int table_origin(sqlite_src *s, const char *sqlite_name, char **ns, char **name)
{
    const char *args[] = {sqlite_name};
    char *out[2];
    int rc = lookup(
        s,
        "SELECT json_extract(value, '$.namespace'), json_extract(value, '$.name')" ORIGIN_FROM
        "WHERE kind = 'table' AND tbl = ?1",
        args, 1, out, 2);
    *ns = *name = NULL;
    if (rc <= 0)
        return rc;
    fmt_table probe = {.name = out[1], .namespace = out[0]};
    char *key = out[0] && out[1] ? fmt_table_key(&probe) : NULL;
    int same = key && strcmp(key, sqlite_name) == 0;
    free(key);
    if (!same) {
        free(out[0]);
        free(out[1]);
        return 0;
    }
    *ns = out[0];
    *name = out[1];
    return 1;
}

static int column_origin(sqlite_src *s, const char *table, fmt_column *c)
{
    const char *args[] = {table, c->name};
    char *out[3];
    int rc = lookup(s,
                    "SELECT json_extract(value, '$.declared'), json_extract(value, "
                    "'$.postgresql_type'), json_extract(value, '$.identity')" ORIGIN_FROM
                    "WHERE kind = 'column' AND tbl = ?1 AND name = ?2",
                    args, 2, out, 3);
    if (rc <= 0)
        return rc;
    /* only while the column is declared as the import made it */
    if (out[0] && strcmp(out[0], c->native_type ? c->native_type : "") == 0) {
        c->postgresql_type = out[1];
        out[1] = NULL;
        int kind = out[2] ? fmt_identity_parse(out[2]) : -1;
        if (c->identity == FMT_IDENTITY_AUTOINCREMENT &&
            (kind == FMT_IDENTITY_ALWAYS || kind == FMT_IDENTITY_BY_DEFAULT))
            c->identity = (fmt_identity_kind)kind;
    }
    for (int i = 0; i < 3; i++)
        free(out[i]);
    return 0;
}

/* "schema.name" -> "name" for the indexes of a table in that schema
 * (importer/sqlite/post_data.c adds the prefix). */
static int strip_index_prefix(sqlite_src *s, fmt_table *t)
{
    size_t n = strlen(t->namespace);
    for (size_t i = 0; i < t->nindexes; i++) {
        char *name = t->indexes[i].name;
        if (strncmp(name, t->namespace, n) != 0 || name[n] != '.' || !name[n + 1])
            continue;
        char *bare = fmt_strdup(name + n + 1);
        if (!bare)
            return db_oom(&s->diag);
        free(name);
        t->indexes[i].name = bare;
        /* its CREATE INDEX names "schema.name": a SQLite target builds it
         * from the parts again, as the import that made it did */
        free(t->indexes[i].sql);
        t->indexes[i].sql = NULL;
    }
    return 0;
}

static int foreign_key_origin(sqlite_src *s, fmt_foreign_key *fk)
{
    char *ns, *name;
    int rc = table_origin(s, fk->ref_table, &ns, &name);
    if (rc <= 0)
        return rc;
    free(fk->ref_table);
    free(fk->ref_namespace);
    fk->ref_table = name;
    fk->ref_namespace = ns;
    return 0;
}

int sqlite_src_apply_origin(sqlite_src *s, fmt_table *t)
{
    char *ns = NULL, *name = NULL;
    if (!s->has_origin)
        return 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (column_origin(s, t->name, &t->columns[i]) < 0)
            return -1;
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (foreign_key_origin(s, &t->foreign_keys[i]) < 0)
            return -1;
    int rc = table_origin(s, t->name, &ns, &name);
    if (rc <= 0)
        return rc;
    free(t->name);
    t->name = name;
    t->namespace = ns;
    return strip_index_prefix(s, t);
}

/* ---- enums, domains and composite types --------------------------------- */

/* The JSON array at path of a type's value, as strings. */
static int read_texts(sqlite_src *s, const char *value, const char *path, char ***out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM json_each(?1, ?2) ORDER BY key", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        if (fmt_strings_push(out, n, sqlite_catalog_text(st, 0)) < 0)
            rc = db_oom(&s->diag);
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}

/* A composite type's attributes from its value's "attributes". */
static int read_attributes(sqlite_src *s, const char *value, fmt_user_type *u)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT json_extract(value, '$.name'), json_extract(value, '$.type'), "
                           "json_extract(value, '$.collation'), "
                           "json_extract(value, '$.collation_namespace') "
                           "FROM json_each(?1, '$.attributes') ORDER BY key",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fmt_type_attribute *grown =
            realloc(u->attributes, (u->nattributes + 1) * sizeof *u->attributes);
        if (!grown) {
            rc = db_oom(&s->diag);
            break;
        }
        u->attributes = grown;
        fmt_type_attribute *a = &grown[u->nattributes++];
        memset(a, 0, sizeof *a);
        a->name = sqlite_catalog_text(st, 0);
        a->type = sqlite_catalog_text(st, 1);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            a->collation = sqlite_catalog_text(st, 2);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            a->collation_namespace = sqlite_catalog_text(st, 3);
        if (!a->name || !a->type || (sqlite3_column_type(st, 2) != SQLITE_NULL && !a->collation) ||
            (sqlite3_column_type(st, 3) != SQLITE_NULL && !a->collation_namespace))
            rc = db_oom(&s->diag);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}

static int read_type(sqlite_src *s, sqlite3_stmt *st, fmt_user_type *u)
{
    const char *kind = (const char *)sqlite3_column_text(st, 0);
    const char *value = (const char *)sqlite3_column_text(st, 1);
    u->kind = !kind                            ? FMT_USER_TYPE_DOMAIN
              : strcmp(kind, "enum") == 0      ? FMT_USER_TYPE_ENUM
              : strcmp(kind, "composite") == 0 ? FMT_USER_TYPE_COMPOSITE
                                               : FMT_USER_TYPE_DOMAIN;
    u->namespace = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : sqlite_catalog_text(st, 2);
    u->name = sqlite_catalog_text(st, 3);
    if (sqlite3_column_type(st, 7) != SQLITE_NULL && !(u->comment = sqlite_catalog_text(st, 7)))
        return db_oom(&s->diag);
    if (!u->name || (sqlite3_column_type(st, 2) != SQLITE_NULL && !u->namespace))
        return db_oom(&s->diag);
    if (u->kind == FMT_USER_TYPE_ENUM)
        return read_texts(s, value, "$.labels", &u->labels, &u->nlabels);
    if (u->kind == FMT_USER_TYPE_COMPOSITE)
        return read_attributes(s, value, u);
    u->base_type = sqlite_catalog_text(st, 4);
    u->not_null = sqlite3_column_int(st, 5) == 0;
    if (sqlite3_column_type(st, 6) != SQLITE_NULL && !(u->default_sql = sqlite_catalog_text(st, 6)))
        return db_oom(&s->diag);
    if (!u->base_type)
        return db_oom(&s->diag);
    if (read_texts(s, value, "$.checks", &u->checks, &u->nchecks) < 0 ||
        read_texts(s, value, "$.check_names", &u->check_names, &u->ncheck_names) < 0)
        return -1;
    if (u->ncheck_names != u->nchecks) { /* an older or changed row: the server names them */
        fmt_strings_free(u->check_names, u->ncheck_names);
        u->check_names = NULL;
        u->ncheck_names = 0;
    }
    return 0;
}

int sqlite_src_origin_types(sqlite_src *s, fmt_header *h)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    if (!s->has_origin)
        return 0;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT kind, value, json_extract(value, '$.namespace'), json_extract(value, "
            "'$.name'), "
            "json_extract(value, '$.base_type'), json_extract(value, '$.nullable'), "
            "json_extract(value, '$.default'), json_extract(value, '$.comment')" ORIGIN_FROM
            "WHERE kind IN ('enum', 'domain', 'composite') "
            "AND json_extract(value, '$.name') IS NOT NULL "
            "ORDER BY kind = 'composite', kind = 'domain', json_extract(value, '$.seq'), name",
            -1, &st, NULL) != SQLITE_OK)
        return db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fmt_user_type *grown = realloc(h->user_types, (h->nuser_types + 1) * sizeof *grown);
        if (!grown) {
            rc = db_oom(&s->diag);
            break;
        }
        h->user_types = grown;
        fmt_user_type *u = &h->user_types[h->nuser_types++];
        memset(u, 0, sizeof *u);
        rc = read_type(s, st, u);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error(&s->diag, "cannot read " SQLITE_ORIGIN_TABLE ": %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}
