/* Ownership helpers for the table model. */
#include "schema.h"
#include "strlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fmt_header_clear(fmt_header *h)
{
    if (!h)
        return;
    free(h->format_version);
    free(h->created);
    free(h->generator);
    free(h->source_backend);
    free(h->source_version);
    free(h->source_database);
    fmt_strings_free(h->extensions, h->nextensions);
    for (size_t i = 0; i < h->nschemas; i++)
        fmt_schema_clear(&h->schemas[i]);
    free(h->schemas);
    for (size_t i = 0; i < h->nuser_types; i++)
        fmt_user_type_clear(&h->user_types[i]);
    free(h->user_types);
    for (size_t i = 0; i < h->nsequences; i++)
        fmt_sequence_clear(&h->sequences[i]);
    free(h->sequences);
    for (size_t i = 0; i < h->nfunctions; i++)
        fmt_function_clear(&h->functions[i]);
    free(h->functions);
    memset(h, 0, sizeof *h);
}

void fmt_schema_clear(fmt_schema *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->comment);
    fmt_privileges_free(s->privileges);
    memset(s, 0, sizeof *s);
}

void fmt_sequence_clear(fmt_sequence *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->namespace);
    free(s->type);
    free(s->owned_by_table);
    free(s->owned_by_column);
    fmt_privileges_free(s->privileges);
    memset(s, 0, sizeof *s);
}

void fmt_user_type_clear(fmt_user_type *u)
{
    if (!u)
        return;
    free(u->namespace);
    free(u->name);
    fmt_strings_free(u->labels, u->nlabels);
    free(u->base_type);
    free(u->default_sql);
    fmt_strings_free(u->check_names, u->ncheck_names);
    fmt_strings_free(u->checks, u->nchecks);
    for (size_t i = 0; i < u->nattributes; i++) {
        free(u->attributes[i].name);
        free(u->attributes[i].type);
        free(u->attributes[i].collation);
        free(u->attributes[i].collation_namespace);
    }
    free(u->attributes);
    free(u->comment);
    memset(u, 0, sizeof *u);
}

void fmt_function_clear(fmt_function *f)
{
    if (!f)
        return;
    free(f->name);
    free(f->namespace);
    free(f->kind);
    free(f->arguments);
    free(f->result);
    free(f->language);
    free(f->sql);
    free(f->comment);
    fmt_privileges_free(f->privileges);
    memset(f, 0, sizeof *f);
}

/* A copy of a list of n strings (NULL stays NULL); 0, or -1 when memory
 * ran out (what was copied is in *dst for the caller's clear). */
static int copy_strings(char ***dst, size_t *ndst, char *const *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fmt_strings_push(dst, ndst, fmt_strdup(src[i])) < 0)
            return -1;
    return 0;
}

static int copy_text(char **dst, const char *src)
{
    *dst = src ? fmt_strdup(src) : NULL;
    return src && !*dst ? -1 : 0;
}

int fmt_user_type_copy(fmt_user_type *dst, const fmt_user_type *src)
{
    memset(dst, 0, sizeof *dst);
    dst->kind = src->kind;
    dst->not_null = src->not_null;
    if (copy_text(&dst->namespace, src->namespace) < 0 || copy_text(&dst->name, src->name) < 0 ||
        copy_text(&dst->base_type, src->base_type) < 0 ||
        copy_text(&dst->default_sql, src->default_sql) < 0 ||
        copy_text(&dst->comment, src->comment) < 0 ||
        copy_strings(&dst->labels, &dst->nlabels, src->labels, src->nlabels) < 0 ||
        copy_strings(&dst->checks, &dst->nchecks, src->checks, src->nchecks) < 0 ||
        copy_strings(&dst->check_names, &dst->ncheck_names, src->check_names, src->ncheck_names) <
            0)
        return -1;
    if (src->nattributes && !(dst->attributes = calloc(src->nattributes, sizeof *dst->attributes)))
        return -1;
    for (size_t i = 0; i < src->nattributes; i++) {
        const fmt_type_attribute *a = &src->attributes[i];
        fmt_type_attribute *b = &dst->attributes[dst->nattributes++];
        if (copy_text(&b->name, a->name) < 0 || copy_text(&b->type, a->type) < 0 ||
            copy_text(&b->collation, a->collation) < 0 ||
            copy_text(&b->collation_namespace, a->collation_namespace) < 0)
            return -1;
    }
    return 0;
}

void fmt_row_security_free(fmt_row_security *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npolicies; i++) {
        fmt_policy *p = &r->policies[i];
        free(p->name);
        free(p->command);
        fmt_strings_free(p->roles, p->nroles);
        free(p->using_sql);
        free(p->with_check_sql);
    }
    free(r->policies);
    free(r);
}

static void grants_free(fmt_grant *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].grantee);
        fmt_strings_free(g[i].privileges, g[i].nprivileges);
    }
    free(g);
}

void fmt_privileges_free(fmt_privileges *p)
{
    if (!p)
        return;
    free(p->owner);
    grants_free(p->grants, p->ngrants);
    for (size_t i = 0; i < p->ncolumns; i++) {
        free(p->columns[i].column);
        grants_free(p->columns[i].grants, p->columns[i].ngrants);
    }
    free(p->columns);
    free(p);
}

void fmt_partitioning_free(fmt_partitioning *p)
{
    if (!p)
        return;
    free(p->strategy);
    free(p->key);
    for (size_t i = 0; i < p->npartitions; i++) {
        free(p->partitions[i].name);
        free(p->partitions[i].namespace);
        free(p->partitions[i].bound);
        for (size_t k = 0; k < p->partitions[i].nindexes; k++)
            fmt_index_clear(&p->partitions[i].indexes[k]);
        free(p->partitions[i].indexes);
        for (size_t k = 0; k < p->partitions[i].nforeign_keys; k++)
            fmt_foreign_key_clear(&p->partitions[i].foreign_keys[k]);
        free(p->partitions[i].foreign_keys);
        fmt_key_clear(p->partitions[i].primary_key);
        free(p->partitions[i].primary_key);
        for (size_t k = 0; k < p->partitions[i].nuniques; k++)
            fmt_key_clear(&p->partitions[i].uniques[k]);
        free(p->partitions[i].uniques);
        for (size_t k = 0; k < p->partitions[i].nchecks; k++) {
            free(p->partitions[i].checks[k].name);
            free(p->partitions[i].checks[k].expression);
        }
        free(p->partitions[i].checks);
        fmt_partitioning_free(p->partitions[i].partitioning);
    }
    free(p->partitions);
    free(p);
}

void fmt_key_clear(fmt_key *k)
{
    if (!k)
        return;
    free(k->name);
    fmt_strings_free(k->columns, k->ncolumns);
    fmt_strings_free(k->include, k->ninclude);
    memset(k, 0, sizeof *k);
}

void fmt_foreign_key_clear(fmt_foreign_key *fk)
{
    if (!fk)
        return;
    free(fk->name);
    fmt_strings_free(fk->columns, fk->ncolumns);
    free(fk->ref_table);
    free(fk->ref_namespace);
    fmt_strings_free(fk->ref_columns, fk->nref_columns);
    free(fk->on_delete);
    free(fk->on_update);
    memset(fk, 0, sizeof *fk);
}

void fmt_exclusion_clear(fmt_exclusion *x)
{
    if (!x)
        return;
    free(x->name);
    free(x->method);
    for (size_t i = 0; i < x->nelements; i++) {
        fmt_exclusion_element *e = &x->elements[i];
        free(e->column);
        free(e->expression);
        free(e->opclass);
        free(e->opclass_namespace);
        free(e->operator);
        free(e->operator_namespace);
    }
    free(x->elements);
    fmt_strings_free(x->include, x->ninclude);
    free(x->where);
    memset(x, 0, sizeof *x);
}

void fmt_index_clear(fmt_index *ix)
{
    if (!ix)
        return;
    free(ix->name);
    for (size_t i = 0; i < ix->nparts; i++) {
        free(ix->parts[i].column);
        free(ix->parts[i].expression);
        free(ix->parts[i].collation);
        free(ix->parts[i].collation_namespace);
    }
    free(ix->parts);
    free(ix->where);
    free(ix->sql);
    fmt_strings_free(ix->include, ix->ninclude);
    memset(ix, 0, sizeof *ix);
}

static void column_clear(fmt_column *c)
{
    free(c->name);
    free(c->type_text);
    free(c->native_type);
    free(c->postgresql_type);
    free(c->sqlite_type);
    free(c->default_sql);
    free(c->generated_sql);
    free(c->collation);
    free(c->collation_namespace);
    free(c->comment);
    fmt_sequence_clear(c->sequence);
    free(c->sequence);
}

void fmt_table_free(fmt_table *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->namespace);
    free(t->comment);
    fmt_partitioning_free(t->partitioning);
    fmt_row_security_free(t->row_security);
    fmt_privileges_free(t->privileges);
    for (size_t i = 0; i < t->ncolumns; i++)
        column_clear(&t->columns[i]);
    free(t->columns);
    if (t->primary_key) {
        fmt_key_clear(t->primary_key);
        free(t->primary_key);
    }
    for (size_t i = 0; i < t->nuniques; i++)
        fmt_key_clear(&t->uniques[i]);
    free(t->uniques);
    for (size_t i = 0; i < t->nchecks; i++) {
        free(t->checks[i].name);
        free(t->checks[i].expression);
    }
    free(t->checks);
    for (size_t i = 0; i < t->nforeign_keys; i++)
        fmt_foreign_key_clear(&t->foreign_keys[i]);
    free(t->foreign_keys);
    for (size_t i = 0; i < t->nexclusions; i++)
        fmt_exclusion_clear(&t->exclusions[i]);
    free(t->exclusions);
    for (size_t i = 0; i < t->nindexes; i++)
        fmt_index_clear(&t->indexes[i]);
    free(t->indexes);
    free(t);
}

void fmt_tables_free(fmt_table **tables, size_t n)
{
    for (size_t i = 0; tables && i < n; i++)
        fmt_table_free(tables[i]);
    free(tables);
}

void fmt_native_object_clear(fmt_native_object *o)
{
    if (!o)
        return;
    free(o->name);
    free(o->table);
    free(o->sql);
    free(o->namespace);
    for (size_t i = 0; i < o->nindexes; i++)
        fmt_index_clear(&o->indexes[i]);
    free(o->indexes);
    free(o->comment);
    for (size_t i = 0; i < o->nreads; i++)
        free(o->reads[i]);
    free(o->reads);
    fmt_privileges_free(o->privileges);
    memset(o, 0, sizeof *o);
}

char *fmt_table_key(const fmt_table *t)
{
    if (!t->namespace)
        return fmt_strdup(t->name);
    size_t n = strlen(t->namespace) + strlen(t->name) + 2;
    char *key = malloc(n);
    if (key)
        snprintf(key, n, "%s.%s", t->namespace, t->name);
    return key;
}

int fmt_table_find_column(const fmt_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *const identity_names[] = {
    [FMT_IDENTITY_NONE] = "none",
    [FMT_IDENTITY_ROWID] = "rowid",
    [FMT_IDENTITY_AUTOINCREMENT] = "autoincrement",
    [FMT_IDENTITY_ALWAYS] = "always",
    [FMT_IDENTITY_BY_DEFAULT] = "by_default",
    [FMT_IDENTITY_SERIAL] = "serial",
};

const char *fmt_identity_name(fmt_identity_kind k)
{
    return (unsigned)k <= FMT_IDENTITY_SERIAL ? identity_names[k] : "none";
}

int fmt_identity_parse(const char *s)
{
    for (int k = FMT_IDENTITY_ROWID; k <= FMT_IDENTITY_SERIAL; k++)
        if (strcmp(identity_names[k], s) == 0)
            return k;
    return -1;
}
