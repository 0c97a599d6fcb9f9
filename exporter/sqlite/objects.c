/* Views and triggers, verbatim from sqlite_schema. */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "sqlbuf.h"
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

/* What one view reads: SQLite's authorizer names every table and view a
 * statement reads while it is prepared, through nested views too; nothing
 * runs, and the callback only takes notes (it may not use the
 * connection). */
typedef struct {
    char **names;
    size_t n;
    int oom;
} view_reads;

static int note_read(void *ctx, int code, const char *a1, const char *a2, const char *db,
                     const char *trigger)
{
    (void)a2;
    (void)trigger;
    view_reads *r = ctx;
    if (code != SQLITE_READ || !a1 || (db && strcmp(db, "main") != 0))
        return SQLITE_OK;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->names[i], a1) == 0)
            return SQLITE_OK;
    if (fmt_strings_push(&r->names, &r->n, fmt_strdup(a1)) < 0)
        r->oom = 1;
    return SQLITE_OK;
}

static int is_source_table(sqlite_src *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 "
                           "COLLATE NOCASE",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
        yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* What view `name` reads, as the authorizer names it (see view_reads):
 * nothing when the view does not prepare (it is broken in the source too,
 * and goes as it is). 0, -1. */
static int read_by_view(sqlite_src *s, const char *name, view_reads *r)
{
    char *sql = sqlite3_mprintf("SELECT * FROM main.\"%w\"", name);
    sqlite3_stmt *st = NULL;
    *r = (view_reads){0};
    if (!sql)
        return db_oom(&s->diag);
    sqlite3_set_authorizer(s->db, note_read, r);
    sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    sqlite3_set_authorizer(s->db, NULL, NULL);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    if (r->oom) {
        fmt_strings_free(r->names, r->n);
        *r = (view_reads){0};
        return db_oom(&s->diag);
    }
    return 0;
}

/* A table of the source that view `name` reads and the export leaves out
 * (fmt_strdup'd, *missing), or NULL: every one goes. 0, -1. */
static int view_reads_left_out(sqlite_src *s, const char *name, char **missing)
{
    view_reads r;
    *missing = NULL;
    if (read_by_view(s, name, &r) < 0)
        return -1;
    for (size_t i = 0; !*missing && i < r.n; i++)
        if (!is_exported_table(s, r.names[i]) && is_source_table(s, r.names[i]))
            *missing = fmt_strdup(r.names[i]);
    fmt_strings_free(r.names, r.n);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each view's "reads" (1.3): the source's tables it reads, through the
 * views it reads too, by name. 0, -1. */
static int set_view_reads(sqlite_src *s, fmt_native_object *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        view_reads r;
        if (list[i].kind != FMT_NATIVE_VIEW)
            continue;
        if (read_by_view(s, list[i].name, &r) < 0)
            return -1;
        size_t kept = 0;
        for (size_t k = 0; k < r.n; k++) {
            if (is_source_table(s, r.names[k]))
                r.names[kept++] = r.names[k];
            else
                free(r.names[k]);
        }
        if (kept > 1)
            qsort(r.names, kept, sizeof *r.names, by_name);
        list[i].reads = r.names;
        list[i].nreads = kept;
        list[i].has_reads = true;
    }
    return 0;
}

/* With -t/-T, a view goes only when every table it reads goes (SQLite
 * would create the others all the same, but no PostgreSQL target could,
 * and the view would fail when used), and the triggers on a view left out
 * stay with it. One warning names the views. 0, -1. */
static int leave_out_views(sqlite_src *s, fmt_native_object *list, size_t *n)
{
    db_buf why = {0};
    size_t dropped = 0, kept = 0;
    char *missing = NULL;
    unsigned char *out = calloc(*n + 1, 1);
    if (!out)
        return db_oom(&s->diag);
    for (size_t i = 0; i < *n; i++) {
        if (list[i].kind != FMT_NATIVE_VIEW)
            continue;
        if (view_reads_left_out(s, list[i].name, &missing) < 0) {
            free(out);
            db_buf_free(&why);
            return -1;
        }
        if (!missing)
            continue;
        out[i] = 1;
        if (dropped++ < 5)
            db_buf_printf(&why, "%s\"%s\" (reads \"%s\")", dropped > 1 ? ", " : "", list[i].name,
                          missing);
        free(missing);
        for (size_t j = 0; j < *n; j++)
            if (list[j].kind == FMT_NATIVE_TRIGGER &&
                sqlite3_stricmp(list[j].table, list[i].name) == 0)
                out[j] = 1;
    }
    for (size_t i = 0; i < *n; i++) {
        if (out[i])
            fmt_native_object_clear(&list[i]);
        else
            list[kept++] = list[i];
    }
    *n = kept;
    free(out);
    int rc = 0;
    if (dropped)
        rc = db_warn(&s->diag, "%zu %s not exported: %s a table -t/-T left out: %s%s", dropped,
                     dropped == 1 ? "view" : "views", dropped == 1 ? "it reads" : "they read",
                     why.oom ? "" : why.buf, dropped > 5 ? ", ..." : "");
    db_buf_free(&why);
    return rc < 0 ? -1 : 0;
}

/* With -t/-T in effect, a view goes only with every table it reads
 * (leave_out_views), and a trigger only with its table or view (matched as
 * SQLite matches names: in any case); without them, everything goes. Views come first, then
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
    if ((filtered && leave_out_views(s, list, &n) < 0) || set_view_reads(s, list, n) < 0)
        goto done;
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
