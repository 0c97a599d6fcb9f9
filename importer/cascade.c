/* dbimport --rows-cascade (cascade.h). */
#include "cascade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "strlist.h"

typedef struct {
    char *name;                    /* the constraint's, or NULL */
    char **columns, **ref_columns; /* ref_columns empty: the parent's key */
    size_t ncolumns, nref_columns;
    char *ref_namespace, *ref_table;
    int outside_done; /* --max-errors: its parent, not the file's, was looked at */
} cascade_fk;

typedef struct {
    char *namespace, *name, *key, *file_key;
    char **pk;
    size_t npk;
    cascade_fk *fks;
    size_t nfks;
    int deleted;      /* rows of it were deleted: what refers to it is looked at */
    uint64_t removed; /* by the cascade */
    int held_rows;    /* before the import: its orphans may be the target's own */
} cascade_table;

struct db_cascade {
    cascade_table *tables;
    size_t n;
};

db_cascade *db_cascade_new(void)
{
    return calloc(1, sizeof(db_cascade));
}

void db_cascade_free(db_cascade *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        cascade_table *t = &c->tables[i];
        free(t->namespace);
        free(t->name);
        free(t->key);
        free(t->file_key);
        fmt_strings_free(t->pk, t->npk);
        for (size_t k = 0; k < t->nfks; k++) {
            fmt_strings_free(t->fks[k].columns, t->fks[k].ncolumns);
            fmt_strings_free(t->fks[k].ref_columns, t->fks[k].nref_columns);
            free(t->fks[k].ref_namespace);
            free(t->fks[k].ref_table);
            free(t->fks[k].name);
        }
        free(t->fks);
    }
    free(c->tables);
    free(c);
}

static int copy_list(char ***out, size_t *nout, char *const *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fmt_strings_push_copy(out, nout, in[i]) < 0)
            return -1;
    return 0;
}

static char *dup_or_null(const char *s, int *failed)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *failed = 1;
    return d;
}

static int copy_fk(cascade_fk *f, const fmt_foreign_key *fk)
{
    int failed = 0;
    memset(f, 0, sizeof *f);
    f->ref_namespace = dup_or_null(fk->ref_namespace, &failed);
    f->ref_table = dup_or_null(fk->ref_table, &failed);
    f->name = dup_or_null(fk->name, &failed);
    if (failed || copy_list(&f->columns, &f->ncolumns, fk->columns, fk->ncolumns) < 0 ||
        copy_list(&f->ref_columns, &f->nref_columns, fk->ref_columns, fk->nref_columns) < 0)
        return -1;
    return 0;
}

int db_cascade_table(db_cascade *c, const fmt_table *t, const fmt_table *file_table)
{
    cascade_table *grown = realloc(c->tables, (c->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    c->tables = grown;
    cascade_table *e = &grown[c->n++];
    memset(e, 0, sizeof *e);
    int failed = 0;
    e->namespace = dup_or_null(t->namespace, &failed);
    e->name = dup_or_null(t->name, &failed);
    e->key = fmt_table_key(t);
    e->file_key = fmt_table_key(file_table);
    if (failed || !e->key || !e->file_key ||
        (t->primary_key &&
         copy_list(&e->pk, &e->npk, t->primary_key->columns, t->primary_key->ncolumns) < 0))
        return -1;
    if (t->nforeign_keys && !(e->fks = calloc(t->nforeign_keys, sizeof *e->fks)))
        return -1;
    for (size_t k = 0; k < t->nforeign_keys; k++, e->nfks++)
        if (copy_fk(&e->fks[k], &t->foreign_keys[k]) < 0)
            return -1;
    return 0;
}

void db_cascade_deleted(db_cascade *c)
{
    if (c && c->n)
        c->tables[c->n - 1].deleted = 1;
}

void db_cascade_held_rows(db_cascade *c)
{
    if (c && c->n)
        c->tables[c->n - 1].held_rows = 1;
}

static int same(const char *a, const char *b);

int db_cascade_add_fk(db_cascade *c, const fmt_foreign_key *fk)
{
    cascade_table *t = &c->tables[c->n - 1];
    for (size_t k = 0; k < t->nfks; k++)
        if (same(t->fks[k].ref_namespace, fk->ref_namespace) &&
            same(t->fks[k].ref_table, fk->ref_table) &&
            fmt_strings_equal(t->fks[k].columns, t->fks[k].ncolumns, fk->columns, fk->ncolumns))
            return 0; /* the file's own */
    cascade_fk *grown = realloc(t->fks, (t->nfks + 1) * sizeof *grown);
    if (!grown)
        return -1;
    t->fks = grown;
    if (copy_fk(&grown[t->nfks], fk) < 0) {
        t->nfks++; /* what was copied is freed with the rest */
        return -1;
    }
    t->nfks++;
    return 0;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static cascade_table *find(db_cascade *c, const char *namespace, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (same(c->tables[i].namespace, namespace) && same(c->tables[i].name, name))
            return &c->tables[i];
    return NULL;
}

/* --max-errors: what found() is told of the foreign key being followed. */
typedef struct {
    int (*found)(void *ctx, const db_orphan_key *fk, const char *const *values);
    void *ctx;
    db_orphan_key key;
    db_orphan_sink target; /* what the target is given: sink_values */
} orphan_sink;

static int sink_values(void *ctx, const char *const *values)
{
    orphan_sink *s = ctx;
    return s->found(s->ctx, &s->key, values);
}

/* One foreign key's orphans deleted (and, with sink, handed to it). */
static int delete_fk(const db_target_ops *ops, void *target, const cascade_table *child,
                     const cascade_fk *fk, const cascade_table *parent, orphan_sink *sink,
                     uint64_t *deleted)
{
    char **ref = fk->nref_columns ? fk->ref_columns : parent->pk;
    size_t nref = fk->nref_columns ? fk->nref_columns : parent->npk;
    *deleted = 0;
    if (nref != fk->ncolumns || !nref)
        return 0; /* the target refuses such a key anyway */
    if (sink)
        sink->key = (db_orphan_key){
            child->key,  child->file_key, fk->name, parent->key, (const char *const *)fk->columns,
            fk->ncolumns};
    return ops->delete_orphans(
        target, child->namespace, child->name, (const char *const *)fk->columns, parent->namespace,
        parent->name, (const char *const *)ref, nref, sink ? &sink->target : NULL, deleted);
}

/* --max-errors: the orphans of a foreign key whose parent is not one of
 * the file's tables but the target's as it is (an existing table the file
 * left out): looked at once, since no row of it is ever taken out. The
 * target finds its key when the foreign key names none, and looks for
 * nothing when it has no such table (the check at the end says so). */
static int delete_outside(const db_target_ops *ops, void *target, const cascade_table *child,
                          cascade_fk *fk, orphan_sink *sink, uint64_t *deleted)
{
    char *key = NULL;
    *deleted = 0;
    if (fk->outside_done || !fk->ref_table)
        return 0;
    fk->outside_done = 1;
    size_t len = strlen(fk->ref_table) + (fk->ref_namespace ? strlen(fk->ref_namespace) + 2 : 1);
    if (!(key = malloc(len)))
        return -1;
    snprintf(key, len, "%s%s%s", fk->ref_namespace ? fk->ref_namespace : "",
             fk->ref_namespace ? "." : "", fk->ref_table);
    sink->key = (db_orphan_key){
        child->key, child->file_key, fk->name, key, (const char *const *)fk->columns, fk->ncolumns};
    int rc = ops->delete_orphans(target, child->namespace, child->name,
                                 (const char *const *)fk->columns, fk->ref_namespace, fk->ref_table,
                                 fk->nref_columns ? (const char *const *)fk->ref_columns : NULL,
                                 fk->ncolumns, &sink->target, deleted);
    free(key);
    return rc;
}

/* Until nothing more is deleted: the orphans of the tables whose parents
 * lost rows. */
static int cascade_loop(db_cascade *c, const db_target_ops *ops, void *target, orphan_sink *sink)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < c->n; i++) {
            cascade_table *child = &c->tables[i];
            for (size_t k = 0; k < child->nfks; k++) {
                cascade_table *parent =
                    find(c, child->fks[k].ref_namespace, child->fks[k].ref_table);
                uint64_t deleted = 0;
                if (sink && child->held_rows)
                    continue;
                if (!parent && sink && child->fks[k].ncolumns &&
                    (child->fks[k].nref_columns == 0 ||
                     child->fks[k].nref_columns == child->fks[k].ncolumns)) {
                    if (delete_outside(ops, target, child, &child->fks[k], sink, &deleted) < 0)
                        return -1;
                } else if (!parent || !parent->deleted) {
                    continue;
                } else if (delete_fk(ops, target, child, &child->fks[k], parent, sink, &deleted) <
                           0) {
                    return -1;
                }
                if (deleted) {
                    child->deleted = 1;
                    child->removed += deleted;
                    changed = 1;
                }
            }
        }
    }
    return 0;
}

int db_cascade_run(db_cascade *c, const db_target_ops *ops, void *target)
{
    if (cascade_loop(c, ops, target, NULL) < 0)
        return -1;
    for (size_t i = 0; i < c->n; i++) {
        uint64_t n = c->tables[i].removed;
        if (n)
            cli_message("note",
                        "table \"%s\": %llu %s deleted with the rows %s referred to "
                        "(--rows-cascade)",
                        c->tables[i].key, (unsigned long long)n, cli_plural(n, "row", "rows"),
                        cli_plural(n, "it", "they"));
    }
    return 0;
}

int db_cascade_orphans(db_cascade *c, const db_target_ops *ops, void *target,
                       int (*found)(void *ctx, const db_orphan_key *fk, const char *const *values),
                       void *ctx, uint64_t limit)
{
    orphan_sink sink = {found, ctx, {0}, {sink_values, NULL, limit}};
    sink.target.ctx = &sink;
    for (size_t i = 0; i < c->n; i++)
        c->tables[i].deleted = 1; /* any row may be an orphan, not only --rows' */
    return cascade_loop(c, ops, target, &sink);
}
