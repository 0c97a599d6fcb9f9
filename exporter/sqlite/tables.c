/* Which tables go: the catalog's table list less SQLite's own, shadow
 * tables, views and what -t/-T leave out; virtual tables are not carried
 * (with a warning). Read into the model by schema.c, in the one document
 * order (tools/backend/order.h). */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_ddl.h"
#include "sqlite_origin.h"
#include "order.h"
#include "strlist.h"

/* -t/-T: shell globs, case-sensitive, against the table name. */
static int table_selected(const sqlite_src *s, const char *name)
{
    return db_selection_table(&s->selection, NULL, name);
}

/* A virtual table is not carried. SQLite marks its shadow tables as such
 * only when the module is loaded here; otherwise tables named after it are
 * exported as ordinary tables, with a warning, rather than dropped. */
static int virtual_table(sqlite_src *s, const sqlite_catalog_table *v,
                         const sqlite_catalog_table *all, size_t nall)
{
    sqlite_catalog_object o;
    size_t len = strlen(v->name);
    int found = sqlite_catalog_object_find(s->db, &s->diag, v->name, "table", &o);
    if (found < 0)
        return -1;
    if (!found || !o.sql) {
        sqlite_catalog_object_clear(&o);
        return db_error(&s->diag, "table \"%s\": no SQL text in sqlite_schema", v->name);
    }
    char *module = sqlite_ddl_virtual_module(o.sql);
    const char *shown = module ? module : "unknown";
    sqlite_catalog_object_clear(&o);
    int rc =
        sqlite_src_warn(s, "table \"%s\": virtual table not carried (module %s)", v->name, shown);
    if (rc == 0 && sqlite_catalog_has_module(s->db, module))
        goto done;
    for (size_t i = 0; rc == 0 && i < nall; i++)
        if (strcmp(all[i].type, "table") == 0 && strncmp(all[i].name, v->name, len) == 0 &&
            all[i].name[len] == '_' && table_selected(s, all[i].name))
            rc = sqlite_src_warn(s,
                                 "table \"%s\": exported as an ordinary table, but it may belong "
                                 "to virtual table \"%s\" (module %s is not available)",
                                 all[i].name, v->name, shown);
done:
    free(module);
    return rc;
}

/* 1 if entry e becomes a table of the document, 0 if not (warning where it
 * is something the file cannot carry), -1. */
static int carried(sqlite_src *s, const sqlite_catalog_table *e, const sqlite_catalog_table *all,
                   size_t nall)
{
    if (strcmp(e->type, "shadow") == 0 || strcmp(e->type, "view") == 0 ||
        sqlite3_strnicmp(e->name, "sqlite_", 7) == 0 || strcmp(e->name, SQLITE_ORIGIN_TABLE) == 0 ||
        !table_selected(s, e->name))
        return 0;
    if (strcmp(e->type, "virtual") == 0)
        return virtual_table(s, e, all, nall) < 0 ? -1 : 0;
    if (strcmp(e->type, "table") != 0)
        return sqlite_src_warn(s, "table \"%s\": unknown kind \"%s\" not carried", e->name,
                               e->type) < 0
                   ? -1
                   : 0;
    return 1;
}

static int remember_selected(sqlite_src *s, fmt_table **tables, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fmt_strings_push(&s->selected, &s->nselected, fmt_table_key(tables[i])) < 0)
            return db_oom(&s->diag);
    s->schema_read = 1;
    return 0;
}

int sqlite_src_load_tables(sqlite_src *s, fmt_table ***out, size_t *nout)
{
    sqlite_catalog_table *entries = NULL;
    fmt_table **tables = NULL;
    size_t n = 0, ntables = 0;
    int rc = -1;
    *out = NULL;
    *nout = 0;
    s->quiet = s->schema_read;
    if (sqlite_catalog_tables(s->db, &s->diag, &entries, &n) < 0)
        goto done;
    if (n && !(tables = calloc(n, sizeof *tables))) {
        db_oom(&s->diag);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int go = carried(s, &entries[i], entries, n);
        if (go < 0 || (go && sqlite_src_load_table(s, &entries[i], &tables[ntables++]) < 0))
            goto done;
    }
    if (db_order_tables(tables, ntables) < 0) {
        db_oom(&s->diag);
        goto done;
    }
    if (!s->schema_read && remember_selected(s, tables, ntables) < 0)
        goto done;
    *out = tables;
    *nout = ntables;
    tables = NULL;
    ntables = 0;
    rc = 0;
done:
    s->quiet = 0;
    fmt_tables_free(tables, ntables);
    sqlite_catalog_tables_free(entries, n);
    return rc;
}

int sqlite_src_read_schema_once(sqlite_src *s)
{
    fmt_table **tables = NULL;
    size_t ntables = 0;
    if (s->schema_read)
        return 0;
    if (sqlite_src_load_tables(s, &tables, &ntables) < 0)
        return -1;
    fmt_tables_free(tables, ntables);
    return 0;
}
