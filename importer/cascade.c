/* dbimport --rows-cascade (cascade.h). */
#include "cascade.h"

#include <stdlib.h>
#include <string.h>

#include "strlist.h"

typedef struct {
    char **columns, **ref_columns; /* ref_columns empty: the parent's key */
    size_t ncolumns, nref_columns;
    char *ref_namespace, *ref_table;
} cascade_fk;

typedef struct {
    char *namespace, *name, *key;
    char **pk;
    size_t npk;
    cascade_fk *fks;
    size_t nfks;
    int deleted;      /* rows of it were deleted: what refers to it is looked at */
    uint64_t removed; /* by the cascade */
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
        fmt_strings_free(t->pk, t->npk);
        for (size_t k = 0; k < t->nfks; k++) {
            fmt_strings_free(t->fks[k].columns, t->fks[k].ncolumns);
            fmt_strings_free(t->fks[k].ref_columns, t->fks[k].nref_columns);
            free(t->fks[k].ref_namespace);
            free(t->fks[k].ref_table);
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

int db_cascade_table(db_cascade *c, const fmt_table *t)
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
    if (failed || !e->key ||
        (t->primary_key &&
         copy_list(&e->pk, &e->npk, t->primary_key->columns, t->primary_key->ncolumns) < 0))
        return -1;
    if (t->nforeign_keys && !(e->fks = calloc(t->nforeign_keys, sizeof *e->fks)))
        return -1;
    for (size_t k = 0; k < t->nforeign_keys; k++, e->nfks++) {
        const fmt_foreign_key *fk = &t->foreign_keys[k];
        cascade_fk *f = &e->fks[k];
        f->ref_namespace = dup_or_null(fk->ref_namespace, &failed);
        f->ref_table = dup_or_null(fk->ref_table, &failed);
        if (failed || copy_list(&f->columns, &f->ncolumns, fk->columns, fk->ncolumns) < 0 ||
            copy_list(&f->ref_columns, &f->nref_columns, fk->ref_columns, fk->nref_columns) < 0)
            return -1;
    }
    return 0;
}

void db_cascade_deleted(db_cascade *c)
{
    if (c && c->n)
        c->tables[c->n - 1].deleted = 1;
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

int db_cascade_run(db_cascade *c, const db_target_ops *ops, void *target,
                   void (*note)(void *ctx, const char *table, uint64_t rows), void *ctx)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < c->n; i++) {
            cascade_table *child = &c->tables[i];
            for (size_t k = 0; k < child->nfks; k++) {
                const cascade_fk *fk = &child->fks[k];
                cascade_table *parent = find(c, fk->ref_namespace, fk->ref_table);
                if (!parent || !parent->deleted)
                    continue;
                char **ref = fk->nref_columns ? fk->ref_columns : parent->pk;
                size_t nref = fk->nref_columns ? fk->nref_columns : parent->npk;
                if (nref != fk->ncolumns || !nref)
                    continue; /* the target refuses such a key anyway */
                uint64_t deleted = 0;
                if (ops->delete_orphans(target, child->namespace, child->name,
                                        (const char *const *)fk->columns, parent->namespace,
                                        parent->name, (const char *const *)ref, nref, &deleted) < 0)
                    return -1;
                if (deleted) {
                    child->deleted = 1;
                    child->removed += deleted;
                    changed = 1;
                }
            }
        }
    }
    for (size_t i = 0; i < c->n; i++)
        if (c->tables[i].removed)
            note(ctx, c->tables[i].key, c->tables[i].removed);
    return 0;
}
