/* The file's schemas (docs/FORMAT.md 2.11, since 1.3): a PostgreSQL target
 * creates each one, empty ones too, as pg_restore does (not when -t/-T/
 * -n/-N choose what is imported: then only those its tables need), and a
 * schema this import created gets the file's comment; its owner and grants
 * come last of all (object_privileges.c). A schema the target had keeps
 * its own comment, owner and grants; but public, which every database
 * has, gets the file's comment while it has the server's own. */
#include "pg_target_internal.h"

#include <string.h>

#include "sqlbuf.h"

static const fmt_schema *file_schema(const pg_target *st, const char *name)
{
    for (size_t i = 0; st->header && i < st->header->nschemas; i++)
        if (strcmp(st->header->schemas[i].name, name) == 0)
            return &st->header->schemas[i];
    return NULL;
}

int pg_target_comment_schema(pg_target *st, const char *name)
{
    const fmt_schema *s = file_schema(st, name);
    if (!s || !s->comment)
        return 0;
    db_buf b = {0};
    db_buf_add(&b, "COMMENT ON SCHEMA ");
    db_buf_ident(&b, name);
    db_buf_add(&b, " IS ");
    db_buf_literal(&b, s->comment);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "schema \"%s\": cannot set its comment: %s", name,
                        st->diag.message);
    return 0;
}

#define PUBLIC_COMMENT "standard public schema"

/* public's comment, when the target's is still the server's own. */
static int comment_public(pg_target *st)
{
    const fmt_schema *s = file_schema(st, DEFAULT_NAMESPACE);
    if (!s || !s->comment || st->opts.dry_run)
        return 0;
    const char *params[] = {PUBLIC_COMMENT};
    int server_own = pg_target_query_value(
        st,
        "SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public' AND "
        "coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), $1) = $1",
        1, params, NULL);
    return server_own <= 0 ? server_own : pg_target_comment_schema(st, DEFAULT_NAMESPACE);
}

int pg_target_create_file_schemas(pg_target *st, const fmt_header *h)
{
    if (!h || st->opts.data_only)
        return 0;
    if (comment_public(st) < 0)
        return -1;
    if (st->opts.selected)
        return 0;
    for (size_t i = 0; i < h->nschemas; i++)
        if (pg_target_ensure_schema(st, h->schemas[i].name) < 0)
            return -1;
    return 0;
}
