/* The extensions the file's header and its column types name, made ready
 * (or checked) in begin, before any table: a server that cannot provide one
 * refuses the import before any row. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_guard.h"
#include "strlist.h"

/* Makes the extension available: refused before any row when the server
 * cannot provide it. */
static int ensure_extension(pg_target *st, const char *ext)
{
    const char *params[] = {ext};
    int found = pg_target_query_value(
        st, "SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1", 1, params, NULL);
    if (found < 0)
        return db_error(&st->diag, "cannot list the server's extensions: %s", st->diag.message);
    if (!found) {
        if (strcmp(ext, "vector") == 0)
            return db_error(&st->diag, "the target server has no \"vector\" extension (pgvector)\n"
                                       "hint: install pgvector on the server, e.g. the "
                                       "postgresql-15-pgvector package");
        return db_error(&st->diag, "the target server has no \"%s\" extension", ext);
    }
    found = pg_target_query_value(st, "SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1", 1,
                                  params, NULL);
    if (found < 0)
        return -1;
    if (!found && !st->opts.dry_run) {
        if (pg_target_ensure_schema(st, DEFAULT_NAMESPACE) < 0)
            return -1;
        db_buf b = {0};
        db_buf_add(&b, "CREATE EXTENSION IF NOT EXISTS ");
        db_buf_ident(&b, ext);
        db_buf_add(&b, " SCHEMA " DEFAULT_NAMESPACE);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "cannot create extension \"%s\": %s", ext, st->diag.message);
    }
    if (strcmp(ext, "vector") != 0)
        return 0;
    /* Its types are named with the schema it lives in (search_path is ''). */
    free(st->vector_schema);
    st->vector_schema = NULL;
    if (pg_target_query_value(
            st,
            "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n"
            " ON n.oid = e.extnamespace WHERE e.extname = 'vector'",
            0, NULL, &st->vector_schema) < 0)
        return -1;
    st->vector_ready = 1;
    if (!st->vector_schema && !(st->vector_schema = strdup(DEFAULT_NAMESPACE)))
        return db_oom(&st->diag);
    return 0;
}

static int allowed_by_user(const pg_target *st, const char *ext)
{
    for (const char *const *e = st->opts.extensions; e && *e; e++)
        if (strcmp(*e, ext) == 0)
            return 1;
    return 0;
}

/* The extensions the user named with --extension, and those the file
 * lists that are on pg_guard's fixed harmless list (btree_gist, pg_trgm,
 * citext, ...: the schema may need them for an operator class or an index),
 * are made ready here; a column type's are also made ready when a table
 * needs them (pg_target_ensure_extensions_for). Any other the file lists
 * is not created, with a warning: a listed dblink would let a default
 * escape the transaction. */
int pg_target_prepare_extensions(pg_target *st, const fmt_header *h)
{
    for (const char *const *e = st->opts.extensions; e && *e; e++)
        if (ensure_extension(st, *e) < 0)
            return -1;
    for (size_t i = 0; h && i < h->nextensions; i++) {
        const char *ext = h->extensions[i];
        if (allowed_by_user(st, ext))
            continue;
        if (!pg_guard_is_harmless_extension(ext))
            db_warn(&st->diag,
                    "extension \"%s\" listed by the file is not created: an import creates only "
                    "those on its fixed list (docs/SECURITY.md) (to allow it: --extension=%s)",
                    ext, ext);
        else if (!st->opts.data_only && ensure_extension(st, ext) < 0)
            return -1;
    }
    return 0;
}

int pg_target_ensure_for_type(pg_target *st, fmt_type_kind kind, fmt_type_kind element,
                              const char *native_type)
{
    fmt_type_kind k = kind == FMT_TYPE_ARRAY ? element : kind;
    if (k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC || k == FMT_TYPE_SPARSEVEC)
        return st->vector_ready ? 0 : ensure_extension(st, "vector");
    const char *ext = native_type ? pg_guard_extension_for_type(native_type) : NULL;
    return ext ? ensure_extension(st, ext) : 0;
}

/* The extensions t's column types need, whether the file lists them or
 * not. */
int pg_target_ensure_extensions_for(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (pg_target_ensure_for_type(st, c->type.kind, c->type.element,
                                      pg_target_native_type(st, c)) < 0)
            return -1;
    }
    return 0;
}
