/* See sqlite_catalog.h. Each reader is one pragma or one query, run through
 * read_rows, which grows the caller's array one row at a time. */
#include "sqlite_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"

/* Fills the new last element of the array from a row; 0, or -1 (memory). */
typedef int (*row_reader)(sqlite3_stmt *st, void *element);

typedef struct {
    void **items; /* the caller's array */
    size_t *n;
    size_t size; /* of one element */
} growing_array;

char *sqlite_catalog_text(sqlite3_stmt *st, int col)
{
    const unsigned char *p = sqlite3_column_text(st, col);
    return p ? fmt_strdup((const char *)p) : NULL;
}

/* Runs sql with ?1 bound to arg (when not NULL) and reads each row into a
 * new element of a. A failure is reported as "what: message", what being
 * what_fmt with arg for its one %s. */
static int read_rows(sqlite3 *db, db_diag *d, const char *sql, const char *arg,
                     const char *what_fmt, growing_array a, row_reader read)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *a.items = NULL;
    *a.n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
        (arg && sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT) != SQLITE_OK)) {
        rc = db_error(d, "%s", sqlite3_errmsg(db));
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char *grown = realloc(*a.items, (*a.n + 1) * a.size);
        if (!grown) {
            rc = db_oom(d);
            goto done;
        }
        *a.items = grown;
        void *element = grown + (*a.n)++ * a.size;
        memset(element, 0, a.size);
        if (read(st, element) < 0) {
            rc = db_oom(d);
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        char *what = db_format(what_fmt, arg);
        rc = what ? db_error(d, "%s: %s", what, sqlite3_errmsg(db)) : db_oom(d);
        free(what);
    }
done:
    sqlite3_finalize(st);
    return rc;
}

#define ARRAY(out, n) ((growing_array){(void **)(out), (n), sizeof **(out)})

/* ---- tables ------------------------------------------------------------- */

static int read_table(sqlite3_stmt *st, void *element)
{
    sqlite_catalog_table *t = element;
    t->name = sqlite_catalog_text(st, 0);
    t->type = sqlite_catalog_text(st, 1);
    t->without_rowid = sqlite3_column_int(st, 2) != 0;
    t->strict = sqlite3_column_int(st, 3) != 0;
    return t->name && t->type ? 0 : -1;
}

int sqlite_catalog_tables(sqlite3 *db, db_diag *d, sqlite_catalog_table **out, size_t *n)
{
    int rc = read_rows(
        db, d, "SELECT name, type, wr, strict FROM pragma_table_list() WHERE schema = 'main'", NULL,
        "cannot list tables", ARRAY(out, n), read_table);
    if (rc < 0) {
        sqlite_catalog_tables_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void sqlite_catalog_tables_free(sqlite_catalog_table *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].name);
        free(t[i].type);
    }
    free(t);
}

/* ---- columns and the primary key ---------------------------------------- */

static int read_column(sqlite3_stmt *st, void *element)
{
    sqlite_catalog_column *c = element;
    const char *declared = (const char *)sqlite3_column_text(st, 1);
    c->name = sqlite_catalog_text(st, 0);
    c->declared = fmt_strdup(declared ? declared : "");
    c->notnull = sqlite3_column_int(st, 2) != 0;
    c->pk = sqlite3_column_int(st, 4);
    c->hidden = sqlite3_column_int(st, 5);
    if (sqlite3_column_type(st, 3) != SQLITE_NULL && !(c->default_sql = sqlite_catalog_text(st, 3)))
        return -1;
    return c->name && c->declared ? 0 : -1;
}

int sqlite_catalog_columns(sqlite3 *db, db_diag *d, const char *table, sqlite_catalog_column **out,
                           size_t *n)
{
    int rc = read_rows(db, d,
                       "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM "
                       "pragma_table_xinfo(?1, 'main') ORDER BY cid",
                       table, "table \"%s\": columns", ARRAY(out, n), read_column);
    if (rc < 0) {
        sqlite_catalog_columns_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void sqlite_catalog_columns_free(sqlite_catalog_column *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].name);
        free(c[i].declared);
        free(c[i].default_sql);
    }
    free(c);
}

static int read_name(sqlite3_stmt *st, void *element)
{
    char **name = element;
    return (*name = sqlite_catalog_text(st, 0)) ? 0 : -1;
}

int sqlite_catalog_primary_key(sqlite3 *db, db_diag *d, const char *table, char ***columns,
                               size_t *n)
{
    int rc =
        read_rows(db, d, "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE pk > 0 ORDER BY pk",
                  table, "table \"%s\": primary key", ARRAY(columns, n), read_name);
    if (rc < 0) {
        fmt_strings_free(*columns, *n);
        *columns = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- indexes ------------------------------------------------------------ */

static int read_index(sqlite3_stmt *st, void *element)
{
    sqlite_catalog_index *ix = element;
    const char *origin = (const char *)sqlite3_column_text(st, 2);
    ix->name = sqlite_catalog_text(st, 0);
    ix->unique = sqlite3_column_int(st, 1) != 0;
    ix->origin = (origin && strcmp(origin, "pk") == 0) ? 'p' : origin ? origin[0] : '?';
    ix->partial = sqlite3_column_int(st, 3) != 0;
    return ix->name ? 0 : -1;
}

int sqlite_catalog_indexes(sqlite3 *db, db_diag *d, const char *table, sqlite_catalog_index **out,
                           size_t *n)
{
    int rc =
        read_rows(db, d,
                  "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1, 'main') "
                  "ORDER BY seq",
                  table, "table \"%s\": index list", ARRAY(out, n), read_index);
    if (rc < 0) {
        sqlite_catalog_indexes_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void sqlite_catalog_indexes_free(sqlite_catalog_index *ix, size_t n)
{
    for (size_t i = 0; ix && i < n; i++)
        free(ix[i].name);
    free(ix);
}

static int read_index_column(sqlite3_stmt *st, void *element)
{
    sqlite_catalog_index_column *c = element;
    c->cid = sqlite3_column_int(st, 0);
    c->name = sqlite_catalog_text(st, 1);
    c->descending = sqlite3_column_int(st, 2) != 0;
    c->collation = sqlite_catalog_text(st, 3);
    /* a NULL name is an expression (or the rowid), not a failure */
    return (sqlite3_column_type(st, 1) == SQLITE_NULL || c->name) &&
                   (sqlite3_column_type(st, 3) == SQLITE_NULL || c->collation)
               ? 0
               : -1;
}

int sqlite_catalog_index_columns(sqlite3 *db, db_diag *d, const char *index,
                                 sqlite_catalog_index_column **out, size_t *n)
{
    int rc = read_rows(db, d,
                       "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, 'main') "
                       "WHERE key ORDER BY seqno",
                       index, "index \"%s\"", ARRAY(out, n), read_index_column);
    if (rc < 0) {
        sqlite_catalog_index_columns_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void sqlite_catalog_index_columns_free(sqlite_catalog_index_column *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].name);
        free(c[i].collation);
    }
    free(c);
}

/* ---- foreign keys ------------------------------------------------------- */

/* One row per column of each key: id, seq, "table", "from", "to",
 * on_update, on_delete. */
typedef struct {
    int id;
    char *ref_table, *from, *to, *on_update, *on_delete;
} fk_row;

static int read_fk_row(sqlite3_stmt *st, void *element)
{
    fk_row *r = element;
    r->id = sqlite3_column_int(st, 0);
    r->ref_table = sqlite_catalog_text(st, 2);
    r->from = sqlite_catalog_text(st, 3);
    r->to = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : sqlite_catalog_text(st, 4);
    r->on_update = sqlite_catalog_text(st, 5);
    r->on_delete = sqlite_catalog_text(st, 6);
    return r->ref_table && r->from && r->on_update && r->on_delete &&
                   (r->to || sqlite3_column_type(st, 4) == SQLITE_NULL)
               ? 0
               : -1;
}

static void free_fk_rows(fk_row *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].ref_table);
        free(r[i].from);
        free(r[i].to);
        free(r[i].on_update);
        free(r[i].on_delete);
    }
    free(r);
}

/* Moves row r's strings into keys, starting a new key when its id changes. */
static int add_fk_row(sqlite_catalog_foreign_key **keys, size_t *n, fk_row *r)
{
    if (*n == 0 || (*keys)[*n - 1].id != r->id) {
        sqlite_catalog_foreign_key *grown = realloc(*keys, (*n + 1) * sizeof *grown);
        if (!grown)
            return -1;
        *keys = grown;
        sqlite_catalog_foreign_key *fk = &grown[(*n)++];
        memset(fk, 0, sizeof *fk);
        fk->id = r->id;
        fk->ref_table = r->ref_table;
        fk->on_update = r->on_update;
        fk->on_delete = r->on_delete;
        r->ref_table = r->on_update = r->on_delete = NULL;
    }
    sqlite_catalog_foreign_key *fk = &(*keys)[*n - 1];
    if (fmt_strings_push(&fk->columns, &fk->ncolumns, r->from) < 0)
        return r->from = NULL, -1;
    r->from = NULL;
    if (r->to && fmt_strings_push(&fk->ref_columns, &fk->nref_columns, r->to) < 0)
        return r->to = NULL, -1;
    r->to = NULL;
    return 0;
}

int sqlite_catalog_foreign_keys(sqlite3 *db, db_diag *d, const char *table,
                                sqlite_catalog_foreign_key **out, size_t *n)
{
    fk_row *rows = NULL;
    size_t nrows = 0;
    *out = NULL;
    *n = 0;
    int rc = read_rows(db, d,
                       "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM "
                       "pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq",
                       table, "table \"%s\": foreign keys", ARRAY(&rows, &nrows), read_fk_row);
    for (size_t i = 0; rc == 0 && i < nrows; i++)
        if (add_fk_row(out, n, &rows[i]) < 0)
            rc = db_oom(d);
    free_fk_rows(rows, nrows);
    if (rc < 0) {
        sqlite_catalog_foreign_keys_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void sqlite_catalog_foreign_keys_free(sqlite_catalog_foreign_key *fk, size_t n)
{
    for (size_t i = 0; fk && i < n; i++) {
        free(fk[i].ref_table);
        fmt_strings_free(fk[i].columns, fk[i].ncolumns);
        fmt_strings_free(fk[i].ref_columns, fk[i].nref_columns);
        free(fk[i].on_update);
        free(fk[i].on_delete);
    }
    free(fk);
}

/* ---- sqlite_schema, sqlite_sequence, modules ---------------------------- */

static int read_object(sqlite3_stmt *st, void *element)
{
    sqlite_catalog_object *o = element;
    o->type = sqlite_catalog_text(st, 0);
    o->name = sqlite_catalog_text(st, 1);
    o->table = sqlite_catalog_text(st, 2);
    o->sql = sqlite3_column_type(st, 3) == SQLITE_TEXT ? sqlite_catalog_text(st, 3) : NULL;
    return o->type && o->name && o->table && (o->sql || sqlite3_column_type(st, 3) != SQLITE_TEXT)
               ? 0
               : -1;
}

/* The first entry named name (ASCII case-insensitive) that matches the
 * condition on type (SQL text of ours, never from a file). */
static int find_object(sqlite3 *db, db_diag *d, const char *name, const char *type_condition,
                       sqlite_catalog_object *out)
{
    sqlite_catalog_object *found = NULL;
    size_t n = 0;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE name = ?1 COLLATE "
             "NOCASE%s LIMIT 1",
             type_condition);
    memset(out, 0, sizeof *out);
    int rc = read_rows(db, d, sql, name, "\"%s\" in sqlite_schema", ARRAY(&found, &n), read_object);
    if (rc == 0 && n == 1) {
        *out = found[0];
        free(found);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        sqlite_catalog_object_clear(&found[i]);
    free(found);
    return rc;
}

int sqlite_catalog_object_find(sqlite3 *db, db_diag *d, const char *name, const char *type,
                               sqlite_catalog_object *out)
{
    char condition[64] = "";
    if (type)
        snprintf(condition, sizeof condition, " AND type = '%s'", type);
    return find_object(db, d, name, condition, out);
}

int sqlite_catalog_name_holder(sqlite3 *db, db_diag *d, const char *name, const char *type,
                               sqlite_catalog_object *out)
{
    int trigger = strcmp(type, "trigger") == 0;
    return find_object(db, d, name, trigger ? " AND type = 'trigger'" : " AND type <> 'trigger'",
                       out);
}

void sqlite_catalog_object_clear(sqlite_catalog_object *o)
{
    free(o->type);
    free(o->name);
    free(o->table);
    free(o->sql);
    memset(o, 0, sizeof *o);
}

int sqlite_catalog_sequence(sqlite3 *db, db_diag *d, const char *table, int64_t *value)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    *value = 0;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        rc = db_error(d, "%s", sqlite3_errmsg(db));
        goto done;
    }
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        *value = sqlite3_column_int64(st, 0);
        rc = 1;
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = db_error(d, "table \"%s\": sqlite_sequence: %s", table, sqlite3_errmsg(db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

int sqlite_catalog_has_module(sqlite3 *db, const char *module)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (module &&
        sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_module_list WHERE name = ?1", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_bind_text(st, 1, module, -1, SQLITE_TRANSIENT) == SQLITE_OK)
        found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}
