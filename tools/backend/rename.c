/* See rename.h. The copies are shallow: each array the renames may touch
 * is copied, and a string is replaced only when it changes; everything
 * allocated is listed in r->owned (the current table's) or r->kept (the
 * header's and the objects', freed with r). */
#include "rename_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(db_renames *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(db_renames *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -1;
}

static int oom(db_renames *r)
{
    return fail(r, "out of memory");
}

const char *db_renames_errmsg(const db_renames *r)
{
    return r->err;
}

int db_rename_same(const db_renames *r, const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    return r->dialect == DB_SQL_SQLITE ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

char *db_rename_join(const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", a, sep, b);
    return out;
}

/* ---- the specs ------------------------------------------------------------ */

/* "OLD:NEW" into its halves; NULL halves when malformed. */
static int split_spec(const char *spec, char **old, char **new_name)
{
    const char *colon = strchr(spec, ':');
    *old = *new_name = NULL;
    if (!colon || colon == spec || !colon[1] || strchr(colon + 1, '.') || strchr(colon + 1, ':'))
        return 0;
    *old = strndup(spec, (size_t)(colon - spec));
    *new_name = strdup(colon + 1);
    return *old && *new_name ? 1 : -1;
}

static int add_schema(db_renames *r, const char *spec, char *err, size_t errlen)
{
    char *old, *nw;
    int rc = split_spec(spec, &old, &nw);
    if (rc <= 0 || strchr(old, '.')) {
        free(old);
        free(nw);
        if (rc == 0 || rc > 0)
            snprintf(err, errlen,
                     "--rename-schema=%s: give OLD:NEW, two schema names (no '.' in either)", spec);
        return -1;
    }
    db_rename_schema *s = &r->schemas[r->nschemas++];
    s->spec = db_rename_join("--rename-schema=", "", spec);
    s->old_name = old;
    s->new_name = nw;
    return s->spec ? 0 : -1;
}

static int add_table(db_renames *r, const char *spec, char *err, size_t errlen)
{
    char *old, *nw;
    int rc = split_spec(spec, &old, &nw);
    if (rc <= 0) {
        free(old);
        free(nw);
        if (rc == 0)
            snprintf(err, errlen,
                     "--rename-table=%s: give OLD:NEW, OLD a table or schema.table, NEW a bare "
                     "table name (the table stays in its schema; --rename-schema moves schemas)",
                     spec);
        return -1;
    }
    db_rename_table *t = &r->tables[r->ntables++];
    t->spec = db_rename_join("--rename-table=", "", spec);
    t->new_name = nw;
    char *dot = strchr(old, '.');
    if (dot) {
        *dot = '\0';
        t->old_schema = old;
        t->old_name = strdup(dot + 1);
    } else {
        t->old_name = old;
    }
    return t->spec && t->old_name ? 0 : -1;
}

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

int db_renames_new(db_renames **out, const char *const *schemas, const char *const *tables,
                   char *err, size_t errlen)
{
    size_t ns = count(schemas), nt = count(tables);
    *out = NULL;
    if (!ns && !nt)
        return 0;
    db_renames *r = calloc(1, sizeof *r);
    if (!r || !(r->schemas = calloc(ns + 1, sizeof *r->schemas)) ||
        !(r->tables = calloc(nt + 1, sizeof *r->tables))) {
        db_renames_free(r);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->dialect = DB_SQL_POSTGRESQL;
    r->default_schema = "public";
    snprintf(err, errlen, "out of memory");
    for (size_t i = 0; i < ns; i++)
        if (add_schema(r, schemas[i], err, errlen) < 0) {
            db_renames_free(r);
            return -1;
        }
    for (size_t i = 0; i < nt; i++)
        if (add_table(r, tables[i], err, errlen) < 0) {
            db_renames_free(r);
            return -1;
        }
    *out = r;
    return 0;
}

static void free_list(void **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void db_renames_free(db_renames *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nschemas; i++) {
        free(r->schemas[i].spec);
        free(r->schemas[i].old_name);
        free(r->schemas[i].new_name);
    }
    for (size_t i = 0; i < r->ntables; i++) {
        db_rename_table *t = &r->tables[i];
        free(t->spec);
        free(t->old_schema);
        free(t->old_name);
        free(t->new_name);
        free(t->matched);
        free(t->second);
    }
    free(r->schemas);
    free(r->tables);
    free_list((void **)r->names, r->nnames);
    free_list((void **)r->bare, r->nbare);
    free_list((void **)r->keys, r->nkeys);
    free(r->key_specs);
    free_list(r->owned, r->nowned);
    free_list(r->kept, r->nkept);
    free(r);
}

/* ---- names ----------------------------------------------------------------- */

const char *db_rename_map_schema(const db_renames *r, const char *ns, const db_rename_schema **rule)
{
    *rule = NULL;
    for (size_t i = 0; i < r->nschemas; i++) {
        const db_rename_schema *s = &r->schemas[i];
        if (db_rename_same(r, ns ? ns : r->default_schema, s->old_name)) {
            *rule = s;
            return db_rename_same(r, s->new_name, r->default_schema) ? NULL : s->new_name;
        }
    }
    return ns;
}

static int schema_matches(const db_renames *r, const char *spec, const char *ns)
{
    return !spec || db_rename_same(r, spec, ns ? ns : r->default_schema);
}

const db_rename_table *db_rename_find_table(const db_renames *r, const char *ns, const char *name)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (db_rename_same(r, r->tables[i].old_name, name) &&
            schema_matches(r, r->tables[i].old_schema, ns))
            return &r->tables[i];
    return NULL;
}

/* Adds s to a list of names unless it is there; 0, -1. */
static int remember(const db_renames *r, char ***list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (db_rename_same(r, (*list)[i], s))
            return 0;
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *list = grown;
    return (grown[*n] = strdup(s)) ? (int)(++*n, 0) : -1;
}

/* A schema of the file that a rename would merge another into. */
static int schema_seen(db_renames *r, const char *ns)
{
    if (!ns)
        return 0;
    if (remember(r, &r->names, &r->nnames, ns) < 0)
        return oom(r);
    const db_rename_schema *own;
    db_rename_map_schema(r, ns, &own);
    for (size_t i = 0; i < r->nschemas; i++)
        if (!own && db_rename_same(r, r->schemas[i].new_name, ns))
            return fail(r,
                        "%s: the file already has a schema \"%s\"; a rename "
                        "does not merge schemas",
                        r->schemas[i].spec, ns);
    return 0;
}

/* ---- the copies -------------------------------------------------------------- */

static void *hold(db_renames *r, int keep, void *p)
{
    void ***list = keep ? &r->kept : &r->owned;
    size_t *n = keep ? &r->nkept : &r->nowned;
    void **grown = p ? realloc(*list, (*n + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(p);
        return NULL;
    }
    *list = grown;
    grown[(*n)++] = p;
    return p;
}

/* A copy of n elements of size each that the renames own; NULL for none
 * or when memory ran out (*ok then 0). */
static void *copy_array(db_renames *r, int keep, const void *src, size_t n, size_t size, int *ok)
{
    if (!n)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memcpy(p, src, n * size);
    if (!(p = hold(r, keep, p)))
        *ok = 0;
    return p;
}

/* The renamed schema of ns as a string the copy may point to. */
static char *schema_of(db_renames *r, char *ns)
{
    const db_rename_schema *rule;
    return (char *)db_rename_map_schema(r, ns, &rule);
}

/* *field, SQL text, under the renames; what is the object, for messages.
 * 0, -1 (reported). */
static int text(db_renames *r, int keep, char **field, const db_rename_text *how, const char *what)
{
    static const db_rename_text plain = {0};
    char why[512] = "", *out = NULL;
    int rc = db_rename_sql(r, *field, how ? how : &plain, &out, why, sizeof why);
    if (rc == -2)
        return oom(r);
    if (rc < 0)
        return fail(r,
                    "%s: %s\nhint: a rename must not leave SQL text naming the old names; leave "
                    "the object out of the file (jq), or rename it in the target after the "
                    "import",
                    what, why);
    if (out && !hold(r, keep, out))
        return oom(r);
    if (out)
        *field = out;
    return 0;
}

#define WHAT(buf, ...) snprintf(buf, sizeof buf, __VA_ARGS__)

static int columns(db_renames *r, const char *key, fmt_column *cols, size_t n)
{
    char what[400];
    for (size_t i = 0; i < n; i++) {
        fmt_column *c = &cols[i];
        c->collation_namespace = schema_of(r, c->collation_namespace);
        WHAT(what, "table \"%s\", column \"%s\"", key, c->name);
        if (text(r, 0, &c->native_type, NULL, what) < 0 ||
            text(r, 0, &c->postgresql_type, NULL, what) < 0 ||
            text(r, 0, &c->default_sql, NULL, what) < 0 ||
            text(r, 0, &c->generated_sql, NULL, what) < 0)
            return -1;
    }
    return 0;
}

static int foreign_keys(db_renames *r, fmt_foreign_key *fks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const db_rename_table *t = db_rename_find_table(r, fks[i].ref_namespace, fks[i].ref_table);
        if (t)
            fks[i].ref_table = t->new_name;
        fks[i].ref_namespace = schema_of(r, fks[i].ref_namespace);
    }
    return 0;
}

/* Indexes of a table (or partition) whose file names are ns, name. */
static int indexes(db_renames *r, const char *key, fmt_index *ix, size_t n, const fmt_table *from,
                   const fmt_table *to)
{
    char what[400];
    int ok = 1;
    db_rename_text on = {0, from->namespace, from->name, to->namespace, to->name};
    for (size_t i = 0; i < n; i++) {
        ix[i].parts = copy_array(r, 0, ix[i].parts, ix[i].nparts, sizeof *ix[i].parts, &ok);
        if (!ok)
            return oom(r);
        WHAT(what, "table \"%s\", index \"%s\"", key, ix[i].name ? ix[i].name : "");
        for (size_t p = 0; p < ix[i].nparts; p++) {
            fmt_index_part *part = &ix[i].parts[p];
            part->collation_namespace = schema_of(r, part->collation_namespace);
            if (text(r, 0, &part->expression, NULL, what) < 0)
                return -1;
        }
        if (text(r, 0, &ix[i].where, NULL, what) < 0 ||
            (r->native_runs && text(r, 0, &ix[i].sql, &on, what) < 0))
            return -1;
    }
    return 0;
}

static int exclusions(db_renames *r, const char *key, fmt_exclusion *x, size_t n)
{
    char what[400];
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        x[i].elements = copy_array(r, 0, x[i].elements, x[i].nelements, sizeof *x[i].elements, &ok);
        if (!ok)
            return oom(r);
        WHAT(what, "table \"%s\", exclusion constraint \"%s\"", key, x[i].name ? x[i].name : "");
        for (size_t e = 0; e < x[i].nelements; e++) {
            fmt_exclusion_element *el = &x[i].elements[e];
            el->opclass_namespace = schema_of(r, el->opclass_namespace);
            el->operator_namespace = schema_of(r, el->operator_namespace);
            if (text(r, 0, &el->expression, NULL, what) < 0)
                return -1;
        }
        if (text(r, 0, &x[i].where, NULL, what) < 0)
            return -1;
    }
    return 0;
}

/* Records the new key of a table given (spec: the rename that made it, or
 * NULL); refuses one the file already has. 0, -1. */
static int take_key(db_renames *r, const char *key, const char *spec)
{
    for (size_t i = 0; i < r->nkeys; i++)
        if (db_rename_same(r, r->keys[i], key))
            return fail(r,
                        "%s: the file already has a table \"%s\"; a rename must not take a name "
                        "the file has",
                        spec              ? spec
                        : r->key_specs[i] ? r->key_specs[i]
                                          : "a rename",
                        key);
    char **keys = realloc(r->keys, (r->nkeys + 1) * sizeof *keys);
    if (keys)
        r->keys = keys;
    char **specs = keys ? realloc(r->key_specs, (r->nkeys + 1) * sizeof *specs) : NULL;
    if (specs)
        r->key_specs = specs;
    if (!specs || !(keys[r->nkeys] = strdup(key)))
        return oom(r);
    specs[r->nkeys++] = (char *)spec;
    return 0;
}

/* A table's (or partition's) new names; counts the match and refuses a
 * key another table of the file has or takes. */
static int rename_one(db_renames *r, const char *ns, const char *name, char **new_ns,
                      char **new_name, int *renamed)
{
    db_rename_table *t = (db_rename_table *)db_rename_find_table(r, ns, name);
    const db_rename_schema *s;
    *new_ns = (char *)db_rename_map_schema(r, ns, &s);
    *new_name = t ? t->new_name : (char *)name;
    *renamed = t || s;
    if (schema_seen(r, ns) < 0)
        return -1;
    if (!ns && remember(r, &r->bare, &r->nbare, name) < 0)
        return oom(r);
    fmt_table old = {.name = (char *)name, .namespace = (char *)ns};
    fmt_table nw = {.name = *new_name, .namespace = *new_ns};
    char *okey = fmt_table_key(&old), *key = fmt_table_key(&nw);
    int rc = okey && key ? 0 : oom(r);
    if (rc == 0 && t) {
        t->hits++;
        if (!t->matched)
            t->matched = strdup(okey);
        else if (!t->second && strcmp(t->matched, okey) != 0)
            t->second = strdup(okey);
    }
    if (rc == 0 && s)
        ((db_rename_schema *)s)->hits++;
    if (rc == 0)
        rc = take_key(r, key, t ? t->spec : s ? s->spec : NULL);
    free(okey);
    free(key);
    return rc;
}

static int checks(db_renames *r, const char *key, fmt_check **list, size_t n)
{
    int ok = 1;
    fmt_check *c = copy_array(r, 0, *list, n, sizeof *c, &ok);
    if (!ok)
        return oom(r);
    *list = c;
    char what[400];
    for (size_t i = 0; i < n; i++) {
        WHAT(what, "table \"%s\", CHECK \"%s\"", key, c[i].name ? c[i].name : "");
        if (text(r, 0, &c[i].expression, NULL, what) < 0)
            return -1;
    }
    return 0;
}

/* One partition: its names, and its own keys, checks, indexes and
 * sub-partitions. */
static int partitioning(db_renames *r, const char *key, fmt_partitioning **pp);
static int partition(db_renames *r, const char *key, fmt_partition *part)
{
    int ok = 1, renamed;
    fmt_table from = {.name = part->name, .namespace = part->namespace};
    if (rename_one(r, part->namespace, part->name, &part->namespace, &part->name, &renamed) < 0)
        return -1;
    fmt_table to = {.name = part->name, .namespace = part->namespace};
    char what[400];
    WHAT(what, "table \"%s\", partition \"%s\"", key, part->name);
    part->indexes = copy_array(r, 0, part->indexes, part->nindexes, sizeof *part->indexes, &ok);
    part->foreign_keys =
        copy_array(r, 0, part->foreign_keys, part->nforeign_keys, sizeof *part->foreign_keys, &ok);
    if (!ok)
        return oom(r);
    if (text(r, 0, &part->bound, NULL, what) < 0 ||
        indexes(r, key, part->indexes, part->nindexes, &from, &to) < 0 ||
        foreign_keys(r, part->foreign_keys, part->nforeign_keys) < 0 ||
        checks(r, key, &part->checks, part->nchecks) < 0 ||
        (part->partitioning && partitioning(r, key, &part->partitioning) < 0))
        return -1;
    return 0;
}

static int partitioning(db_renames *r, const char *key, fmt_partitioning **pp)
{
    int ok = 1;
    fmt_partitioning *p = copy_array(r, 0, *pp, 1, sizeof *p, &ok);
    if (!ok)
        return oom(r);
    *pp = p;
    char what[400];
    WHAT(what, "table \"%s\", partition key", key);
    if (text(r, 0, &p->key, NULL, what) < 0)
        return -1;
    p->partitions = copy_array(r, 0, p->partitions, p->npartitions, sizeof *p->partitions, &ok);
    if (!ok)
        return oom(r);
    for (size_t i = 0; i < p->npartitions; i++)
        if (partition(r, key, &p->partitions[i]) < 0)
            return -1;
    return 0;
}

static int policies(db_renames *r, const char *key, fmt_table *out)
{
    int ok = 1;
    fmt_row_security *rs = copy_array(r, 0, out->row_security, 1, sizeof *rs, &ok);
    if (!ok)
        return oom(r);
    out->row_security = rs;
    rs->policies = copy_array(r, 0, rs->policies, rs->npolicies, sizeof *rs->policies, &ok);
    if (!ok)
        return oom(r);
    char what[400];
    for (size_t i = 0; i < rs->npolicies; i++) {
        WHAT(what, "table \"%s\", policy \"%s\"", key, rs->policies[i].name);
        if (text(r, 0, &rs->policies[i].using_sql, NULL, what) < 0 ||
            text(r, 0, &rs->policies[i].with_check_sql, NULL, what) < 0)
            return -1;
    }
    return 0;
}

void db_renames_table_clear(db_renames *r)
{
    free_list(r->owned, r->nowned);
    r->owned = NULL;
    r->nowned = 0;
}

/* The arrays of out that the renames change, copied. */
static int copy_parts(db_renames *r, fmt_table *out)
{
    int ok = 1;
    out->columns = copy_array(r, 0, out->columns, out->ncolumns, sizeof *out->columns, &ok);
    out->foreign_keys =
        copy_array(r, 0, out->foreign_keys, out->nforeign_keys, sizeof *out->foreign_keys, &ok);
    out->exclusions =
        copy_array(r, 0, out->exclusions, out->nexclusions, sizeof *out->exclusions, &ok);
    out->indexes = copy_array(r, 0, out->indexes, out->nindexes, sizeof *out->indexes, &ok);
    return ok ? 0 : oom(r);
}

int db_renames_table(db_renames *r, const fmt_table *t, fmt_table *out, int *renamed)
{
    db_renames_table_clear(r);
    r->err[0] = '\0';
    *out = *t;
    if (rename_one(r, t->namespace, t->name, &out->namespace, &out->name, renamed) < 0 ||
        copy_parts(r, out) < 0)
        return -1;
    char *key = fmt_table_key(t);
    if (!key || !hold(r, 0, key))
        return oom(r);
    if (columns(r, key, out->columns, out->ncolumns) < 0 ||
        checks(r, key, &out->checks, out->nchecks) < 0)
        return -1;
    if (foreign_keys(r, out->foreign_keys, out->nforeign_keys) < 0 ||
        exclusions(r, key, out->exclusions, out->nexclusions) < 0 ||
        indexes(r, key, out->indexes, out->nindexes, t, out) < 0 ||
        (out->partitioning && partitioning(r, key, &out->partitioning) < 0) ||
        (out->row_security && policies(r, key, out) < 0))
        return -1;
    return 0;
}

/* ---- the header and the native objects ------------------------------------------ */

static int user_types(db_renames *r, fmt_header *out)
{
    int ok = 1;
    out->user_types =
        copy_array(r, 1, out->user_types, out->nuser_types, sizeof *out->user_types, &ok);
    char what[400];
    for (size_t i = 0; ok && i < out->nuser_types; i++) {
        fmt_user_type *u = &out->user_types[i];
        WHAT(what, "type \"%s%s%s\"", u->namespace ? u->namespace : "", u->namespace ? "." : "",
             u->name);
        if (schema_seen(r, u->namespace) < 0)
            return -1;
        u->namespace = schema_of(r, u->namespace);
        u->checks = copy_array(r, 1, u->checks, u->nchecks, sizeof *u->checks, &ok);
        u->attributes = copy_array(r, 1, u->attributes, u->nattributes, sizeof *u->attributes, &ok);
        if (!ok)
            break;
        if (text(r, 1, &u->base_type, NULL, what) < 0 ||
            text(r, 1, &u->default_sql, NULL, what) < 0)
            return -1;
        for (size_t k = 0; k < u->nchecks; k++)
            if (text(r, 1, &u->checks[k], NULL, what) < 0)
                return -1;
        for (size_t k = 0; k < u->nattributes; k++) {
            fmt_type_attribute *a = &u->attributes[k];
            a->collation_namespace = schema_of(r, a->collation_namespace);
            if (text(r, 1, &a->type, NULL, what) < 0)
                return -1;
        }
    }
    return ok ? 0 : oom(r);
}

static int sequences_and_functions(db_renames *r, fmt_header *out)
{
    int ok = 1;
    out->sequences = copy_array(r, 1, out->sequences, out->nsequences, sizeof *out->sequences, &ok);
    out->functions = copy_array(r, 1, out->functions, out->nfunctions, sizeof *out->functions, &ok);
    out->schemas = copy_array(r, 1, out->schemas, out->nschemas, sizeof *out->schemas, &ok);
    if (!ok)
        return oom(r);
    for (size_t i = 0; i < out->nschemas; i++) {
        if (schema_seen(r, out->schemas[i].name) < 0)
            return -1;
        char *name = schema_of(r, out->schemas[i].name);
        out->schemas[i].name = name ? name : (char *)r->default_schema; /* renamed to public */
    }
    for (size_t i = 0; i < out->nsequences; i++) {
        fmt_sequence *s = &out->sequences[i];
        if (schema_seen(r, s->namespace) < 0)
            return -1;
        const db_rename_table *t =
            s->owned_by_table ? db_rename_find_table(r, s->namespace, s->owned_by_table) : NULL;
        if (t)
            s->owned_by_table = t->new_name;
        s->namespace = schema_of(r, s->namespace);
    }
    static const db_rename_text code = {1, NULL, NULL, NULL, NULL};
    char what[400];
    for (size_t i = 0; i < out->nfunctions; i++) {
        fmt_function *f = &out->functions[i];
        WHAT(what, "%s \"%s%s%s\"", f->kind ? f->kind : "function",
             f->namespace ? f->namespace : "", f->namespace ? "." : "", f->name);
        if (schema_seen(r, f->namespace) < 0)
            return -1;
        f->namespace = schema_of(r, f->namespace);
        if (text(r, 1, &f->arguments, NULL, what) < 0 || text(r, 1, &f->result, NULL, what) < 0 ||
            text(r, 1, &f->sql, &code, what) < 0)
            return -1;
    }
    return 0;
}

int db_renames_header(db_renames *r, const fmt_header *h, int native_runs, fmt_header *out)
{
    r->native_runs = native_runs;
    int sqlite = !h->source_backend || strcmp(h->source_backend, "postgresql") != 0;
    r->dialect = sqlite ? DB_SQL_SQLITE : DB_SQL_POSTGRESQL;
    r->default_schema = sqlite ? "main" : "public";
    r->err[0] = '\0';
    *out = *h;
    if (user_types(r, out) < 0 || sequences_and_functions(r, out) < 0)
        return -1;
    return 0;
}

/* "schema.name" keys of views and triggers' tables: the new key. */
static char *rename_key(db_renames *r, const char *key, int table, char **ns, char **name)
{
    const char *dot = strchr(key, '.');
    *ns = dot ? strndup(key, (size_t)(dot - key)) : NULL;
    *name = strdup(dot ? dot + 1 : key);
    if ((dot && !*ns) || !*name)
        return NULL;
    const db_rename_table *t = table ? db_rename_find_table(r, *ns, *name) : NULL;
    const db_rename_schema *rule;
    const char *new_ns = db_rename_map_schema(r, *ns, &rule);
    /* SQLite's views have no schema; a renamed "main" does not move them */
    if (!*ns && !table && r->dialect == DB_SQL_SQLITE)
        new_ns = NULL;
    fmt_table k = {.name = t ? t->new_name : *name, .namespace = (char *)new_ns};
    return fmt_table_key(&k);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A view's or materialized view's "reads": each key renamed as a table's
 * is (a view's key cannot also be a table's), sorted again. */
static int reads(db_renames *r, fmt_native_object *o)
{
    if (!o->nreads)
        return 0;
    char **copy = hold(r, 1, calloc(o->nreads, sizeof *copy));
    if (!copy)
        return oom(r);
    for (size_t i = 0; i < o->nreads; i++) {
        char *ns = NULL, *name = NULL;
        char *key = rename_key(r, o->reads[i], 1, &ns, &name);
        free(ns);
        free(name);
        if (!key || !hold(r, 1, key))
            return oom(r);
        copy[i] = key;
    }
    qsort(copy, o->nreads, sizeof *copy, by_key);
    o->reads = copy;
    return 0;
}

/* A materialized view: its schema, its query and its indexes. */
static int materialized_view(db_renames *r, fmt_native_object *o)
{
    int ok = 1;
    char what[400];
    WHAT(what, "materialized view \"%s%s%s\"", o->namespace ? o->namespace : "",
         o->namespace ? "." : "", o->name ? o->name : "");
    fmt_table from = {.name = o->name, .namespace = o->namespace};
    if (schema_seen(r, o->namespace) < 0)
        return -1;
    o->namespace = schema_of(r, o->namespace);
    fmt_table to = {.name = o->name, .namespace = o->namespace};
    o->indexes = copy_array(r, 1, o->indexes, o->nindexes, sizeof *o->indexes, &ok);
    if (!ok)
        return oom(r);
    if (r->native_runs && text(r, 1, &o->sql, NULL, what) < 0)
        return -1;
    /* indexes() holds what it allocates for the table being read: these
     * are kept for the run */
    size_t before = r->nowned;
    int rc = indexes(r, what, o->indexes, o->nindexes, &from, &to);
    for (size_t i = before; i < r->nowned; i++)
        if (!hold(r, 1, r->owned[i]))
            rc = oom(r);
    r->nowned = before;
    return rc;
}

static int native_object(db_renames *r, fmt_native_object *o)
{
    if (o->kind != FMT_NATIVE_TRIGGER && reads(r, o) < 0)
        return -1;
    if (o->kind == FMT_NATIVE_MATERIALIZED_VIEW)
        return materialized_view(r, o);
    int view = o->kind == FMT_NATIVE_VIEW;
    const char *key = view ? o->name : o->table;
    char what[400], *ns = NULL, *name = NULL, *nkey = NULL;
    int rc = 0;
    WHAT(what, "%s \"%s\"", view ? "view" : "trigger", o->name ? o->name : "");
    if (key && !(nkey = rename_key(r, key, !view, &ns, &name)))
        rc = oom(r);
    else if (nkey && !hold(r, 1, nkey))
        rc = oom(r);
    if (rc == 0 && nkey)
        *(view ? &o->name : &o->table) = nkey;
    db_rename_text how = {0};
    if (rc == 0 && !view && nkey) {
        const char *dot = strchr(nkey, '.');
        how.on_ns = ns;
        how.on_name = name;
        how.on_new_ns = dot ? strndup(nkey, (size_t)(dot - nkey)) : NULL;
        how.on_new_name = dot ? dot + 1 : nkey;
        if (dot && !how.on_new_ns)
            rc = oom(r);
    }
    if (rc == 0 && r->native_runs)
        rc = text(r, 1, &o->sql, &how, what);
    free((char *)how.on_new_ns);
    free(ns);
    free(name);
    return rc;
}

int db_renames_objects(db_renames *r, const fmt_native_object *objects, size_t n,
                       const fmt_native_object **out)
{
    int ok = 1;
    *out = objects;
    fmt_native_object *copy = copy_array(r, 1, objects, n, sizeof *copy, &ok);
    if (!ok)
        return oom(r);
    for (size_t i = 0; i < n; i++)
        if (native_object(r, &copy[i]) < 0)
            return -1;
    *out = copy;
    return 0;
}

int db_renames_check(db_renames *r, const char *where)
{
    for (size_t i = 0; i < r->nschemas; i++)
        if (!r->schemas[i].hits)
            return fail(r, "%s matches no schema of a table in %s", r->schemas[i].spec, where);
    for (size_t i = 0; i < r->ntables; i++) {
        const db_rename_table *t = &r->tables[i];
        if (!t->hits)
            return fail(r, "%s matches no table in %s", t->spec, where);
        if (t->second)
            return fail(r, "%s matches tables of two schemas, \"%s\" and \"%s\"; give SCHEMA.%s",
                        t->spec, t->matched, t->second, t->old_name);
    }
    return 0;
}
