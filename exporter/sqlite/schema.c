/* One table's model, from the catalog (tools/sqlite) and, for what the
 * pragmas do not report (collations, generation expressions, CHECKs,
 * constraint names, AUTOINCREMENT, deferral, index expressions), from
 * scanning its stored DDL (tools/sqlite/ddl_scan.c). */
#include "sqlite_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_ddl.h"
#include "sqlite_dialect.h"
#include "sqlite_types.h"
#include "strlist.h"

/* The stored SQL of the table or index name. */
static int lookup_sql(sqlite_src *s, const char *type, const char *name, char **sql)
{
    sqlite_catalog_object o;
    *sql = NULL;
    int found = sqlite_catalog_object_find(s->db, &s->diag, name, type, &o);
    if (found < 0)
        return -1;
    if (found && o.sql) {
        *sql = o.sql;
        o.sql = NULL;
    }
    sqlite_catalog_object_clear(&o);
    if (!*sql)
        return db_error(&s->diag, "%s \"%s\": no SQL text in sqlite_schema", type, name);
    return 0;
}

static int same_columns(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (sqlite3_stricmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

/* ---- columns ------------------------------------------------------------ */

/* What only the DDL says of column c: its generation expression (hidden 2
 * and 3 are generated columns) and collation. */
static int column_from_ddl(sqlite_src *s, const fmt_table *t, fmt_column *c, int hidden,
                           const sqlite_ddl_table *ddl)
{
    const sqlite_ddl_column *dc = sqlite_ddl_find_column(ddl, c->name);
    if (hidden == 2 || hidden == 3) {
        if (!dc || !dc->generated_sql)
            return db_error(&s->diag,
                            "table \"%s\": column \"%s\": generation expression not found in "
                            "CREATE TABLE",
                            t->name, c->name);
        c->generated_sql = fmt_strdup(dc->generated_sql);
        c->generated_stored = hidden == 3;
        if (!c->generated_sql)
            return db_oom(&s->diag);
    }
    if (dc && dc->collation && sqlite3_stricmp(dc->collation, "BINARY") != 0) {
        c->collation = fmt_strdup(dc->collation);
        if (!c->collation)
            return db_oom(&s->diag);
    }
    return 0;
}

static int add_column(sqlite_src *s, fmt_table *t, const sqlite_catalog_column *cc,
                      const sqlite_ddl_table *ddl)
{
    char text[FMT_TYPE_BUFSZ];
    fmt_column *grown = realloc(t->columns, (t->ncolumns + 1) * sizeof *grown);
    if (!grown)
        return db_oom(&s->diag);
    t->columns = grown;
    fmt_column *c = &t->columns[t->ncolumns++];
    memset(c, 0, sizeof *c);
    c->name = fmt_strdup(cc->name);
    if (!c->name)
        return db_oom(&s->diag);
    if (*cc->declared && !(c->native_type = fmt_strdup(cc->declared)))
        return db_oom(&s->diag);
    if (sqlite_type_read(&c->type, cc->declared, t->strict) < 0)
        return db_oom(&s->diag);
    fmt_type_format(text, &c->type);
    c->type_text = fmt_strdup(text);
    c->nullable = !cc->notnull;
    if (cc->default_sql)
        c->default_sql = fmt_strdup(cc->default_sql);
    if (!c->type_text || (cc->default_sql && !c->default_sql))
        return db_oom(&s->diag);
    return column_from_ddl(s, t, c, cc->hidden, ddl);
}

static int load_columns(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    sqlite_catalog_column *cols = NULL;
    size_t n = 0;
    int rc = sqlite_catalog_columns(s->db, &s->diag, t->name, &cols, &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (cols[i].hidden != 1) /* a virtual table's hidden column */
            rc = add_column(s, t, &cols[i], ddl);
    sqlite_catalog_columns_free(cols, n);
    return rc;
}

/* ---- keys --------------------------------------------------------------- */

/* Primary key from the pk positions, and the rowid alias if there is one:
 * a rowid table whose single-column key has no index of its own ('pk'
 * origin). That is exactly when SQLite made it an alias, including the
 * "INTEGER PRIMARY KEY DESC" quirk (which gets an index, so no alias). */
static int load_primary_key(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl,
                            int has_pk_index)
{
    char **columns = NULL;
    size_t n = 0;
    if (sqlite_catalog_primary_key(s->db, &s->diag, t->name, &columns, &n) < 0)
        return -1;
    if (!n)
        return 0;
    fmt_key *key = calloc(1, sizeof *key);
    if (!key) {
        fmt_strings_free(columns, n);
        return db_oom(&s->diag);
    }
    key->columns = columns;
    key->ncolumns = n;
    t->primary_key = key;
    if (ddl->has_primary_key && ddl->primary_key.name &&
        !(key->name = fmt_strdup(ddl->primary_key.name)))
        return db_oom(&s->diag);
    if (!t->without_rowid && key->ncolumns == 1 && !has_pk_index) {
        int i = fmt_table_find_column(t, key->columns[0]);
        fmt_column *c = i >= 0 ? &t->columns[i] : NULL;
        /* nullable stays what SQLite reports: the alias cannot hold NULL
         * anyway, and an explicit NOT NULL must come back as it was. */
        if (c && c->native_type && sqlite3_stricmp(c->native_type, "INTEGER") == 0)
            c->identity = ddl->autoincrement ? FMT_IDENTITY_AUTOINCREMENT : FMT_IDENTITY_ROWID;
    }
    return 0;
}

static int load_last_value(sqlite_src *s, fmt_table *t)
{
    fmt_column *c = NULL;
    int64_t value;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].identity == FMT_IDENTITY_AUTOINCREMENT)
            c = &t->columns[i];
    if (!c)
        return 0;
    int found = sqlite_catalog_sequence(s->db, &s->diag, t->name, &value);
    if (found < 0)
        return -1;
    if (found) {
        c->has_last_value = 1;
        c->last_value = value;
    }
    return 0;
}

/* sqlite_autoindex_t_N in N order: same prefix, so shorter is smaller. */
static int compare_autoindex_names(const void *a, const void *b)
{
    const sqlite_catalog_index *x = a, *y = b;
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The columns of a UNIQUE constraint's index into key. */
static int unique_columns(sqlite_src *s, const fmt_table *t, const char *index, fmt_key *key)
{
    sqlite_catalog_index_column *cols = NULL;
    size_t n = 0;
    int rc = sqlite_catalog_index_columns(s->db, &s->diag, index, &cols, &n);
    for (size_t j = 0; rc == 0 && j < n; j++) {
        if (!cols[j].name)
            rc = db_error(&s->diag, "table \"%s\": unique constraint on an expression", t->name);
        else if (fmt_strings_push(&key->columns, &key->ncolumns, fmt_strdup(cols[j].name)) < 0)
            rc = db_oom(&s->diag);
    }
    sqlite_catalog_index_columns_free(cols, n);
    return rc;
}

/* The constraint name from the first unused scanned UNIQUE on the same
 * columns. */
static int unique_name(sqlite_src *s, const sqlite_ddl_table *ddl, unsigned char *used,
                       fmt_key *key)
{
    for (size_t j = 0; j < ddl->nuniques; j++) {
        const sqlite_ddl_key *u = &ddl->uniques[j];
        if (used[j] || !same_columns(u->columns, u->ncolumns, key->columns, key->ncolumns))
            continue;
        used[j] = 1;
        if (u->name && !(key->name = fmt_strdup(u->name)))
            return db_oom(&s->diag);
        return 0;
    }
    return 0;
}

static int load_uniques(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl,
                        sqlite_catalog_index *idx, size_t nidx)
{
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < nidx; i++)
        n += idx[i].origin == 'u';
    if (!n)
        return 0;
    unsigned char *used = calloc(ddl->nuniques + 1, 1);
    t->uniques = calloc(n, sizeof *t->uniques);
    if (!used || !t->uniques) {
        free(used);
        return db_oom(&s->diag);
    }
    qsort(idx, nidx, sizeof *idx, compare_autoindex_names);
    for (size_t i = 0; rc == 0 && i < nidx; i++) {
        if (idx[i].origin != 'u')
            continue;
        fmt_key *key = &t->uniques[t->nuniques++];
        rc = unique_columns(s, t, idx[i].name, key);
        if (rc == 0)
            rc = unique_name(s, ddl, used, key);
    }
    free(used);
    return rc;
}

static int load_checks(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    if (!ddl->nchecks)
        return 0;
    t->checks = calloc(ddl->nchecks, sizeof *t->checks);
    if (!t->checks)
        return db_oom(&s->diag);
    for (size_t i = 0; i < ddl->nchecks; i++) {
        fmt_check *c = &t->checks[t->nchecks++];
        c->expression = fmt_strdup(ddl->checks[i].expression);
        c->name = fmt_strdup(ddl->checks[i].name);
        if (!c->expression || (ddl->checks[i].name && !c->name))
            return db_oom(&s->diag);
    }
    return 0;
}

/* Moves a catalog foreign key into the model. */
static int add_foreign_key(sqlite_src *s, fmt_table *t, sqlite_catalog_foreign_key *k)
{
    fmt_foreign_key *fk = &t->foreign_keys[t->nforeign_keys++];
    memset(fk, 0, sizeof *fk);
    fk->ref_table = k->ref_table;
    fk->columns = k->columns;
    fk->ncolumns = k->ncolumns;
    fk->ref_columns = k->ref_columns;
    fk->nref_columns = k->nref_columns;
    k->ref_table = NULL;
    k->columns = k->ref_columns = NULL;
    k->ncolumns = k->nref_columns = 0;
    fk->on_update = sqlite_fk_action_read(k->on_update);
    fk->on_delete = sqlite_fk_action_read(k->on_delete);
    if (!fk->on_update || !fk->on_delete)
        return db_oom(&s->diag);
    return 0;
}

/* Deferral and the name come from the scanner, matched on child columns
 * and parent table. */
static int foreign_key_from_ddl(sqlite_src *s, fmt_foreign_key *fk, const sqlite_ddl_table *ddl,
                                unsigned char *used)
{
    for (size_t j = 0; j < ddl->nforeign_keys; j++) {
        const sqlite_ddl_foreign_key *d = &ddl->foreign_keys[j];
        if (used[j] || sqlite3_stricmp(d->ref_table, fk->ref_table) != 0 ||
            !same_columns(d->columns, d->ncolumns, fk->columns, fk->ncolumns))
            continue;
        used[j] = 1;
        fk->deferrable = d->deferrable;
        fk->initially_deferred = d->initially_deferred;
        if (d->name && !(fk->name = fmt_strdup(d->name)))
            return db_oom(&s->diag);
        return 0;
    }
    return 0;
}

/* Foreign keys in declaration order. */
static int load_foreign_keys(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    sqlite_catalog_foreign_key *keys = NULL;
    size_t n = 0;
    unsigned char *used = NULL;
    int rc = sqlite_catalog_foreign_keys(s->db, &s->diag, t->name, &keys, &n);
    if (rc < 0 || n == 0)
        goto done;
    used = calloc(ddl->nforeign_keys + 1, 1);
    t->foreign_keys = calloc(n, sizeof *t->foreign_keys);
    if (!used || !t->foreign_keys) {
        rc = db_oom(&s->diag);
        goto done;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = add_foreign_key(s, t, &keys[i]);
    for (size_t i = 0; rc == 0 && i < t->nforeign_keys; i++)
        rc = foreign_key_from_ddl(s, &t->foreign_keys[i], ddl, used);
done:
    sqlite_catalog_foreign_keys_free(keys, n);
    free(used);
    return rc;
}

/* ---- indexes ------------------------------------------------------------ */

/* The key parts: a column where the catalog names one, else the scanned
 * expression. */
static int index_parts(sqlite_src *s, fmt_index *ix, sqlite_catalog_index_column *cols,
                       size_t ncols, sqlite_ddl_index *ddl)
{
    ix->parts = calloc(ncols ? ncols : 1, sizeof *ix->parts);
    if (!ix->parts)
        return db_oom(&s->diag);
    for (size_t i = 0; i < ncols; i++) {
        fmt_index_part *p = &ix->parts[ix->nparts++];
        if (cols[i].cid >= 0 && cols[i].name) {
            p->column = cols[i].name;
            cols[i].name = NULL;
        } else {
            p->expression = ddl->parts[i];
            ddl->parts[i] = NULL;
        }
        p->descending = cols[i].descending;
        if (cols[i].collation && sqlite3_stricmp(cols[i].collation, "BINARY") != 0) {
            p->collation = cols[i].collation;
            cols[i].collation = NULL;
        }
    }
    return 0;
}

static int load_one_index(sqlite_src *s, fmt_table *t, const sqlite_catalog_index *e, fmt_index *ix)
{
    sqlite_ddl_index ddl = {0};
    sqlite_catalog_index_column *cols = NULL;
    size_t ncols = 0;
    char err[256];
    int rc = -1;
    ix->name = fmt_strdup(e->name);
    ix->unique = e->unique;
    if (!ix->name) {
        db_oom(&s->diag);
        goto done;
    }
    if (lookup_sql(s, "index", e->name, &ix->sql) < 0)
        goto done;
    if (sqlite_ddl_parse_index(&ddl, ix->sql, err, sizeof err) < 0) {
        db_error(&s->diag, "table \"%s\": index \"%s\": cannot scan CREATE INDEX: %s", t->name,
                 e->name, err);
        goto done;
    }
    if (sqlite_catalog_index_columns(s->db, &s->diag, e->name, &cols, &ncols) < 0)
        goto done;
    if (ncols != ddl.nparts) {
        db_error(&s->diag, "table \"%s\": index \"%s\": scanned %zu keys, SQLite reports %zu",
                 t->name, e->name, ddl.nparts, ncols);
        goto done;
    }
    ix->where = ddl.where;
    ddl.where = NULL;
    rc = index_parts(s, ix, cols, ncols, &ddl);
done:
    sqlite_catalog_index_columns_free(cols, ncols);
    sqlite_ddl_index_clear(&ddl);
    return rc;
}

static int compare_index_names(const void *a, const void *b)
{
    const sqlite_catalog_index *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* The CREATE INDEX indexes, by name. */
static int load_indexes(sqlite_src *s, fmt_table *t, sqlite_catalog_index *idx, size_t nidx)
{
    size_t n = 0;
    for (size_t i = 0; i < nidx; i++)
        n += idx[i].origin == 'c';
    if (!n)
        return 0;
    t->indexes = calloc(n, sizeof *t->indexes);
    if (!t->indexes)
        return db_oom(&s->diag);
    qsort(idx, nidx, sizeof *idx, compare_index_names);
    for (size_t i = 0; i < nidx; i++)
        if (idx[i].origin == 'c' && load_one_index(s, t, &idx[i], &t->indexes[t->nindexes++]) < 0)
            return -1;
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

/* Scans the stored CREATE TABLE; what it cannot carry becomes warnings. */
static int scan_table(sqlite_src *s, const char *name, sqlite_ddl_table *ddl)
{
    char *sql = NULL, err[256];
    int rc = lookup_sql(s, "table", name, &sql);
    if (rc == 0 && sqlite_ddl_parse_table(ddl, sql, err, sizeof err) < 0)
        rc = db_error(&s->diag, "table \"%s\": cannot scan CREATE TABLE: %s", name, err);
    for (size_t i = 0; rc == 0 && i < ddl->nnotes; i++)
        rc = sqlite_src_warn(s, "table \"%s\": %s", name, ddl->notes[i]);
    free(sql);
    return rc;
}

int sqlite_src_load_table(sqlite_src *s, const sqlite_catalog_table *e, fmt_table **out)
{
    fmt_table *t = calloc(1, sizeof *t);
    sqlite_ddl_table ddl = {0};
    sqlite_catalog_index *idx = NULL;
    size_t nidx = 0;
    int has_pk_index = 0, rc = -1;
    *out = NULL;
    if (!t || !(t->name = fmt_strdup(e->name))) {
        db_oom(&s->diag);
        goto done;
    }
    t->without_rowid = e->without_rowid;
    t->strict = e->strict;
    if (scan_table(s, e->name, &ddl) < 0 ||
        sqlite_catalog_indexes(s->db, &s->diag, e->name, &idx, &nidx) < 0)
        goto done;
    for (size_t i = 0; i < nidx; i++)
        has_pk_index = has_pk_index || idx[i].origin == 'p';
    if (load_columns(s, t, &ddl) < 0 || load_primary_key(s, t, &ddl, has_pk_index) < 0 ||
        load_last_value(s, t) < 0 || load_uniques(s, t, &ddl, idx, nidx) < 0 ||
        load_checks(s, t, &ddl) < 0 || load_foreign_keys(s, t, &ddl) < 0 ||
        load_indexes(s, t, idx, nidx) < 0 || sqlite_src_apply_origin(s, t) < 0)
        goto done;
    *out = t;
    t = NULL;
    rc = 0;
done:
    fmt_table_free(t);
    sqlite_catalog_indexes_free(idx, nidx);
    sqlite_ddl_table_clear(&ddl);
    return rc;
}
