/* What a PostgreSQL export says that SQLite's catalog cannot hold, kept in
 * the tool's own table (tools/sqlite/sqlite_origin.h) so that the export of
 * this SQLite database brings it back: a table's schema and name, each
 * column's PostgreSQL type and identity kind, the enums and domains. From
 * a SQLite file that carries such things (postgresql_type, a namespace),
 * they are kept again, so a second trip through SQLite loses nothing. */
#include "sqlite_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_types.h"
#include "sqlite_origin.h"
#include "sqlite_types.h"

static int ensure_origin_table(sqlite_target *st)
{
    if (st->origin_ready)
        return 0;
    if (sqlite_tgt_exec_one(st, SQLITE_ORIGIN_CREATE, "cannot create " SQLITE_ORIGIN_TABLE) < 0)
        return -1;
    st->origin_ready = 1;
    return 0;
}

/* Binds texts (NULL binds NULL) to ?1..?n and runs sql once. */
static int run_bound(sqlite_target *st, const char *sql, const char *const *args, int n)
{
    sqlite3_stmt *stmt = NULL;
    if (st->opts.no_origin) {
        st->origin_left++;
        return 0;
    }
    if (ensure_origin_table(st) < 0 ||
        sqlite_tgt_prepare_one(st, sql, "cannot write " SQLITE_ORIGIN_TABLE, &stmt) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (sqlite3_bind_text(stmt, i + 1, args[i], -1, SQLITE_STATIC) != SQLITE_OK)
            break;
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return db_error(&st->diag, "cannot write " SQLITE_ORIGIN_TABLE ": %s",
                        sqlite3_errmsg(st->db));
    return 0;
}

/* The column's PostgreSQL type: the native type of a PostgreSQL file, or
 * what a SQLite file says it was. */
static const char *postgresql_type(const sqlite_target *st, const fmt_column *c)
{
    if (st->source_is_sqlite)
        return c->postgresql_type;
    if (st->source_backend && strcmp(st->source_backend, "postgresql") == 0)
        return c->native_type;
    return NULL;
}

/* An SQL identity kind, which SQLite's AUTOINCREMENT does not tell apart. */
static const char *identity_kind(const fmt_column *c)
{
    if (c->identity == FMT_IDENTITY_ALWAYS || c->identity == FMT_IDENTITY_BY_DEFAULT)
        return fmt_identity_name(c->identity);
    return NULL;
}

/* The column's declared type as SQLite has it (malloc'd, "" for none),
 * or NULL with the diag set. */
static char *declared_type(sqlite_target *st, const char *table, const char *column)
{
    sqlite3_stmt *stmt = NULL;
    char *out = NULL;
    if (sqlite_tgt_prepare_one(
            st, "SELECT type FROM pragma_table_xinfo(?1, 'main') WHERE name = ?2", NULL, &stmt) < 0)
        return NULL;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, column, -1, SQLITE_STATIC);
    const char *t =
        sqlite3_step(stmt) == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
    out = fmt_strdup(t ? t : "");
    sqlite3_finalize(stmt);
    if (!out)
        db_oom(&st->diag);
    return out;
}

/* Would a PostgreSQL target give the column this type anyway, from what
 * the export of this SQLite column says (docs/MAPPING.md)? Then no row is
 * kept: a SQLite database that went through PostgreSQL and back gets no
 * table of ours. 1, 0, or -1 (memory). */
static int comes_back_as(const char *declared, int strict, const char *pg_type)
{
    fmt_type ty;
    db_buf name = {0};
    if (sqlite_type_read(&ty, declared, strict) < 0)
        return -1;
    fmt_type_kind k = ty.kind == FMT_TYPE_ARRAY ? ty.element : ty.kind;
    if (pg_type_is_vector(k))
        return 1; /* a PostgreSQL target declares vectors by their portable type */
    if (k == FMT_TYPE_NATIVE) {
        /* "inet TEXT" is inet (importer/postgres/ddl.c) */
        size_t n = strlen(declared);
        if (n > 5 && sqlite3_stricmp(declared + n - 5, " TEXT") == 0)
            n -= 5;
        return strlen(pg_type) == n && sqlite3_strnicmp(declared, pg_type, (int)n) == 0;
    }
    pg_type_name(&name, k, ty.param1, ty.param2, NULL);
    if (ty.kind == FMT_TYPE_ARRAY)
        db_buf_add(&name, "[]");
    if (name.oom)
        return -1;
    int same = strcmp(name.buf, pg_type) == 0;
    db_buf_free(&name);
    return same;
}

static int record_column(sqlite_target *st, const fmt_table *t, const char *table,
                         const fmt_column *c)
{
    const char *type = postgresql_type(st, c), *identity = identity_kind(c);
    /* BY DEFAULT is what a PostgreSQL target makes of AUTOINCREMENT anyway */
    if (c->identity == FMT_IDENTITY_BY_DEFAULT)
        identity = NULL;
    /* a SQLite export made the column (sqlite_type): its declaration
     * brings the PostgreSQL type back by itself */
    if (!st->source_is_sqlite && c->sqlite_type && !identity)
        return 0;
    if (!type && !identity)
        return 0;
    if (!identity) {
        char *declared = declared_type(st, table, c->name);
        int same = declared ? comes_back_as(declared, t->strict, type) : -1;
        free(declared);
        if (same < 0)
            return st->diag.message ? -1 : db_oom(&st->diag);
        if (same)
            return 0;
    }
    /* The declared type as SQLite has it, so the row is used only while the
     * column stays as this import made it. */
    const char *args[] = {table, c->name, type, identity};
    return run_bound(st,
                     "INSERT OR REPLACE INTO main.\"" SQLITE_ORIGIN_TABLE "\" SELECT 'column', ?1, "
                     "?2, json_object('declared', type, 'postgresql_type', ?3, 'identity', ?4) "
                     "FROM pragma_table_xinfo(?1, 'main') WHERE name = ?2",
                     args, 4);
}

int sqlite_tgt_origin_table(sqlite_target *st, const fmt_table *t, const char *sqlite_name)
{
    if (st->opts.dry_run || st->opts.data_only)
        return 0;
    if (t->namespace) {
        const char *args[] = {sqlite_name, t->namespace, t->name};
        if (run_bound(st,
                      "INSERT OR REPLACE INTO main.\"" SQLITE_ORIGIN_TABLE "\" VALUES ('table', "
                      "?1, '', json_object('namespace', ?2, 'name', ?3))",
                      args, 3) < 0)
            return -1;
    }
    for (size_t i = 0; i < t->ncolumns; i++)
        if (record_column(st, t, sqlite_name, &t->columns[i]) < 0)
            return -1;
    return 0;
}

/* Appends each of items to the JSON array at path of the type's row. */
static int append_texts(sqlite_target *st, const char *kind, const char *key, const char *path,
                        char *const *items, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE main.\"" SQLITE_ORIGIN_TABLE "\" SET value = json_insert(value, '%s[#]', ?3) "
             "WHERE kind = ?1 AND tbl = '' AND name = ?2",
             path);
    for (size_t i = 0; i < n; i++) {
        const char *args[] = {kind, key, items[i]};
        if (run_bound(st, sql, args, 3) < 0)
            return -1;
    }
    return 0;
}

/* A composite type's attributes, as a JSON array of objects. */
static int record_attributes(sqlite_target *st, const char *key, const fmt_user_type *u)
{
    for (size_t i = 0; i < u->nattributes; i++) {
        const fmt_type_attribute *a = &u->attributes[i];
        const char *args[] = {"composite", key,          a->name,
                              a->type,     a->collation, a->collation_namespace};
        if (run_bound(st,
                      "UPDATE main.\"" SQLITE_ORIGIN_TABLE "\" SET value = json_insert(value, "
                      "'$.attributes[#]', json_object('name', ?3, 'type', ?4, 'collation', ?5, "
                      "'collation_namespace', ?6)) WHERE kind = ?1 AND tbl = '' AND name = ?2",
                      args, 6) < 0)
            return -1;
    }
    return 0;
}

static int record_composite(sqlite_target *st, const fmt_user_type *u, const char *key,
                            const char *order)
{
    const char *args[] = {key, order, u->namespace, u->name, u->comment};
    if (run_bound(st,
                  "INSERT OR REPLACE INTO main.\"" SQLITE_ORIGIN_TABLE
                  "\" VALUES ('composite', '', "
                  "?1, json_object('seq', ?2 + 0, 'namespace', ?3, 'name', ?4, 'comment', ?5, "
                  "'attributes', json_array()))",
                  args, 5) < 0)
        return -1;
    return record_attributes(st, key, u);
}

static int record_type(sqlite_target *st, const fmt_user_type *u, size_t seq)
{
    int enumeration = u->kind == FMT_USER_TYPE_ENUM;
    const char *kind = enumeration ? "enum" : "domain";
    char key[1024], order[32];
    snprintf(key, sizeof key, "%s.%s", u->namespace ? u->namespace : "", u->name ? u->name : "");
    snprintf(order, sizeof order, "%zu", seq);
    if (u->kind == FMT_USER_TYPE_COMPOSITE)
        return record_composite(st, u, key, order);
    const char *args[] = {kind,
                          key,
                          order,
                          u->namespace,
                          u->name,
                          u->base_type,
                          u->not_null ? "0" : "1",
                          u->default_sql,
                          u->comment};
    int rc = run_bound(
        st,
        enumeration ? "INSERT OR REPLACE INTO main.\"" SQLITE_ORIGIN_TABLE "\" VALUES (?1, '', "
                      "?2, json_object('seq', ?3 + 0, 'namespace', ?4, 'name', ?5, "
                      "'comment', ?9, 'labels', json_array()))"
                    : "INSERT OR REPLACE INTO main.\"" SQLITE_ORIGIN_TABLE "\" VALUES (?1, '', "
                      "?2, json_object('seq', ?3 + 0, 'namespace', ?4, 'name', ?5, "
                      "'base_type', ?6, 'nullable', json(CASE ?7 WHEN '1' THEN 'true' ELSE "
                      "'false' END), 'default', ?8, 'comment', ?9, 'checks', json_array(), "
                      "'check_names', json_array()))",
        args, 9);
    if (rc < 0)
        return -1;
    if (enumeration)
        return append_texts(st, kind, key, "$.labels", u->labels, u->nlabels);
    if (u->ncheck_names == u->nchecks &&
        append_texts(st, kind, key, "$.check_names", u->check_names, u->ncheck_names) < 0)
        return -1;
    return append_texts(st, kind, key, "$.checks", u->checks, u->nchecks);
}

int sqlite_tgt_origin_types(sqlite_target *st, const fmt_header *h)
{
    if (!h || st->opts.dry_run || st->opts.data_only)
        return 0;
    for (size_t i = 0; i < h->nuser_types; i++)
        if (h->user_types[i].name && record_type(st, &h->user_types[i], i) < 0)
            return -1;
    return 0;
}

void sqlite_tgt_warn_origin_left(sqlite_target *st)
{
    if (st->origin_left)
        db_warn(&st->diag,
                "--no-origin: %zu thing%s SQLite cannot declare (PostgreSQL types, schemas, "
                "identity kinds, enums, domains and composite types) not kept: an export of this "
                "database gives what SQLite's catalog says",
                st->origin_left, st->origin_left == 1 ? "" : "s");
}
