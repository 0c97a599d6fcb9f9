/* Views and triggers, verbatim from sqlite_schema. */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "strlist.h"

/* A trigger names its table as its CREATE TRIGGER wrote it, in any case. */
static int is_exported_table(const sqlite_src *s, const char *name)
{
    for (size_t i = 0; i < s->nselected; i++)
        if (sqlite3_stricmp(s->selected[i], name) == 0)
            return 1;
    return 0;
}

/* Row st (type, name, tbl_name, sql, on a view) into a new element of the
 * list. 0, or -1 (memory). */
static int add_object(fmt_native_object **list, size_t *n, sqlite3_stmt *st, int view)
{
    fmt_native_object *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *list = grown;
    fmt_native_object *o = &grown[(*n)++];
    memset(o, 0, sizeof *o);
    o->kind = view ? FMT_NATIVE_VIEW : FMT_NATIVE_TRIGGER;
    o->name = sqlite_catalog_text(st, 1);
    o->table = view ? NULL : sqlite_catalog_text(st, 2);
    o->sql = sqlite_catalog_text(st, 3);
    return !o->name || !o->sql || (!view && !o->table) ? -1 : 0;
}

/* Views always go: they may read any table, and SQLite resolves a view's
 * tables only when it is used, so a view over a table left out still
 * creates. With -t/-T in effect a trigger goes only with its table (or
 * view, matched as SQLite matches names: in any case); without them, every
 * trigger goes. Views come first, then
 * triggers, each sorted by name (db_order_objects); any such order creates
 * in SQLite. */
int sqlite_src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects)
{
    sqlite_src *s = state;
    fmt_native_object *list = NULL;
    size_t n = 0;
    sqlite3_stmt *st = NULL;
    int rc = -1, step;
    int filtered = s->selection.include_tables || s->selection.exclude_tables;
    *objects = NULL;
    *nobjects = 0;
    if (sqlite_src_read_schema_once(s) < 0)
        return -1;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT o.type, o.name, o.tbl_name, o.sql, "
                           "(SELECT count(*) FROM main.sqlite_schema v WHERE v.type = 'view' "
                           "AND v.name = o.tbl_name COLLATE NOCASE) FROM main.sqlite_schema o "
                           "WHERE o.type IN ('view', 'trigger') AND o.sql IS NOT NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        db_error(&s->diag, "%s", sqlite3_errmsg(s->db));
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int view = strcmp((const char *)sqlite3_column_text(st, 0), "view") == 0;
        const char *table = (const char *)sqlite3_column_text(st, 2);
        if (!view && filtered && !sqlite3_column_int(st, 4) &&
            !(table && is_exported_table(s, table)))
            continue;
        if (add_object(&list, &n, st, view) < 0) {
            db_oom(&s->diag);
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        db_error(&s->diag, "cannot list views and triggers: %s", sqlite3_errmsg(s->db));
        goto done;
    }
    db_order_objects(list, n);
    *objects = list;
    *nobjects = n;
    list = NULL;
    n = 0;
    rc = 0;
done:
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++)
        fmt_native_object_clear(&list[i]);
    free(list);
    return rc;
}
