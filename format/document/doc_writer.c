/* The document writer: turns a header, tables and rows into the interchange
 * format (docs/FORMAT.md). It owns the layout (one line per row); how each
 * value is written (natural or tagged form) is values_write.c. */
#include "doc_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values_write.h"

/* Containers opened at depth 4 and below (column definitions, constraint
 * lists, rows) are written on one line each. */
#define DOC_INDENT_DEPTH 4

struct fmt_doc_writer {
    fmt_json_writer *json;
    const fmt_table *table; /* between table_begin and table_end */
    int in_rows;
    char errmsg[256];
};

int fmt_doc_writer_new(fmt_doc_writer **out, fmt_sink_fn sink, void *ctx)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_doc_writer *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        return -1;
    opts.indent_depth = DOC_INDENT_DEPTH;
    opts.buffer_size = 1 << 18;
    if (fmt_json_writer_new(&w->json, sink, ctx, &opts) < 0) {
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void fmt_doc_writer_free(fmt_doc_writer *w)
{
    if (!w)
        return;
    fmt_json_writer_free(w->json);
    free(w);
}

const char *fmt_doc_writer_errmsg(const fmt_doc_writer *w)
{
    return w->errmsg[0] ? w->errmsg : fmt_json_writer_errmsg(w->json);
}

/* Returns rc after copying the JSON writer's message, so callers can
 * `return fail(w, rc)`. */
static int fail(fmt_doc_writer *w, const char *what)
{
    snprintf(w->errmsg, sizeof w->errmsg, "%s", what);
    return -1;
}

static int key_string(fmt_json_writer *j, const char *key, const char *value)
{
    if (fmt_json_writer_keyz(j, key) < 0 || fmt_json_writer_stringz(j, value) < 0)
        return -1;
    return 0;
}

static int opt_string(fmt_json_writer *j, const char *key, const char *value)
{
    return value ? key_string(j, key, value) : 0;
}

static int string_array(fmt_json_writer *j, const char *key, char **items, size_t n)
{
    if (fmt_json_writer_keyz(j, key) < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fmt_json_writer_stringz(j, items[i]) < 0)
            return -1;
    return fmt_json_writer_array_end(j);
}

/* A composite type's "attributes", one object each. */
static int write_attributes(fmt_json_writer *j, const fmt_user_type *u)
{
    if (fmt_json_writer_keyz(j, "attributes") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < u->nattributes; i++) {
        const fmt_type_attribute *a = &u->attributes[i];
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", a->name) < 0 ||
            key_string(j, "type", a->type ? a->type : "") < 0 ||
            opt_string(j, "collation", a->collation) < 0 ||
            opt_string(j, "collation_namespace", a->collation_namespace) < 0 ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

/* "enums" / "domains" / "composites": the user-defined types the tables
 * need. */
static int write_user_types(fmt_json_writer *j, const fmt_header *h, fmt_user_type_kind kind,
                            const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < h->nuser_types; i++)
        n += h->user_types[i].kind == kind;
    if (!n)
        return 0;
    if (fmt_json_writer_keyz(j, key) < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < h->nuser_types; i++) {
        const fmt_user_type *u = &h->user_types[i];
        if (u->kind != kind)
            continue;
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", u->name) < 0 ||
            opt_string(j, "namespace", u->namespace) < 0)
            return -1;
        if (kind == FMT_USER_TYPE_ENUM) {
            if (string_array(j, "labels", u->labels, u->nlabels) < 0)
                return -1;
        } else if (kind == FMT_USER_TYPE_COMPOSITE) {
            if (write_attributes(j, u) < 0)
                return -1;
        } else {
            if (key_string(j, "base_type", u->base_type ? u->base_type : "") < 0 ||
                fmt_json_writer_keyz(j, "nullable") < 0 ||
                fmt_json_writer_bool(j, !u->not_null) < 0 ||
                opt_string(j, "default", u->default_sql) < 0 ||
                (u->nchecks && string_array(j, "checks", u->checks, u->nchecks) < 0) ||
                (u->nchecks && u->ncheck_names == u->nchecks &&
                 string_array(j, "check_names", u->check_names, u->ncheck_names) < 0))
                return -1;
        }
        if (opt_string(j, "comment", u->comment) < 0 || fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

static int key_integer(fmt_json_writer *j, const char *key, int64_t v)
{
    return fmt_json_writer_keyz(j, key) < 0 ? -1 : fmt_values_write_integer(j, v);
}

static int write_grants(fmt_json_writer *j, const fmt_grant *g, size_t n)
{
    if (fmt_json_writer_keyz(j, "grants") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "grantee", g[i].grantee) < 0 ||
            string_array(j, "privileges", g[i].privileges, g[i].nprivileges) < 0 ||
            fmt_json_writer_keyz(j, "with_grant_option") < 0 ||
            fmt_json_writer_bool(j, g[i].with_grant_option) < 0 ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    return fmt_json_writer_array_end(j);
}

/* A table's "privileges" sorts between "partitioning" and "row_security"
 * (2.3); a view's, a sequence's or a function's comes last. */
static int write_privileges(fmt_json_writer *j, const fmt_privileges *p)
{
    if (fmt_json_writer_keyz(j, "privileges") < 0 || fmt_json_writer_object_start(j) < 0)
        return -1;
    if (p->ncolumns) {
        if (fmt_json_writer_keyz(j, "columns") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < p->ncolumns; i++)
            if (fmt_json_writer_object_start(j) < 0 ||
                key_string(j, "column", p->columns[i].column) < 0 ||
                write_grants(j, p->columns[i].grants, p->columns[i].ngrants) < 0 ||
                fmt_json_writer_object_end(j) < 0)
                return -1;
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    if ((p->has_grants && write_grants(j, p->grants, p->ngrants) < 0) ||
        opt_string(j, "owner", p->owner) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* A sequence's options, shared by "sequences" and a column's "sequence". */
static int write_sequence_options(fmt_json_writer *j, const fmt_sequence *s)
{
    if (key_integer(j, "start", s->start) < 0 || key_integer(j, "increment", s->increment) < 0 ||
        key_integer(j, "min", s->min_value) < 0 || key_integer(j, "max", s->max_value) < 0 ||
        key_integer(j, "cache", s->cache) < 0 || fmt_json_writer_keyz(j, "cycle") < 0 ||
        fmt_json_writer_bool(j, s->cycle) < 0)
        return -1;
    return 0;
}

/* "sequences": one line each. */
static int write_sequences(fmt_json_writer *j, const fmt_header *h)
{
    if (!h->nsequences)
        return 0;
    if (fmt_json_writer_keyz(j, "sequences") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < h->nsequences; i++) {
        const fmt_sequence *s = &h->sequences[i];
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", s->name) < 0 ||
            opt_string(j, "namespace", s->namespace) < 0 || key_string(j, "type", s->type) < 0 ||
            write_sequence_options(j, s) < 0 ||
            (s->has_last_value && key_integer(j, "last_value", s->last_value) < 0))
            return -1;
        if (s->owned_by_table &&
            (fmt_json_writer_keyz(j, "owned_by") < 0 || fmt_json_writer_object_start(j) < 0 ||
             key_string(j, "table", s->owned_by_table) < 0 ||
             key_string(j, "column", s->owned_by_column ? s->owned_by_column : "") < 0 ||
             fmt_json_writer_object_end(j) < 0))
            return -1;
        if ((s->privileges && write_privileges(j, s->privileges) < 0) ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

/* "schemas" (1.3): one object each, when there are some. */
static int write_schemas(fmt_json_writer *j, const fmt_header *h)
{
    if (!h->nschemas)
        return 0;
    if (fmt_json_writer_keyz(j, "schemas") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < h->nschemas; i++) {
        const fmt_schema *s = &h->schemas[i];
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", s->name) < 0 ||
            opt_string(j, "comment", s->comment) < 0 ||
            (s->privileges && write_privileges(j, s->privileges) < 0) ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

/* "functions": one object each, its CREATE statement as one string. */
static int write_functions(fmt_json_writer *j, const fmt_header *h)
{
    if (!h->nfunctions)
        return 0;
    if (fmt_json_writer_keyz(j, "functions") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < h->nfunctions; i++) {
        const fmt_function *f = &h->functions[i];
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", f->name) < 0 ||
            opt_string(j, "namespace", f->namespace) < 0 || key_string(j, "kind", f->kind) < 0 ||
            key_string(j, "arguments", f->arguments ? f->arguments : "") < 0 ||
            opt_string(j, "result", f->result) < 0 || key_string(j, "language", f->language) < 0 ||
            key_string(j, "sql", f->sql) < 0 || opt_string(j, "comment", f->comment) < 0 ||
            (f->privileges && write_privileges(j, f->privileges) < 0) ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

int fmt_doc_write_header(fmt_doc_writer *w, const fmt_header *h)
{
    fmt_json_writer *j = w->json;
    if (fmt_json_writer_object_start(j) < 0 || key_string(j, "format", FMT_FORMAT_NAME) < 0 ||
        key_string(j, "format_version", FMT_FORMAT_VERSION) < 0 ||
        opt_string(j, "created", h->created) < 0 || opt_string(j, "generator", h->generator) < 0)
        return -1;
    if (fmt_json_writer_keyz(j, "source") < 0 || fmt_json_writer_object_start(j) < 0 ||
        key_string(j, "backend", h->source_backend ? h->source_backend : "") < 0 ||
        opt_string(j, "version", h->source_version) < 0 ||
        opt_string(j, "database", h->source_database) < 0 ||
        (h->has_user_version && (fmt_json_writer_keyz(j, "user_version") < 0 ||
                                 fmt_json_writer_int64(j, h->user_version) < 0)) ||
        (h->has_application_id && (fmt_json_writer_keyz(j, "application_id") < 0 ||
                                   fmt_json_writer_int64(j, h->application_id) < 0)) ||
        fmt_json_writer_object_end(j) < 0)
        return -1;
    if ((h->nextensions && string_array(j, "extensions", h->extensions, h->nextensions) < 0) ||
        write_schemas(j, h) < 0)
        return -1;
    if (write_user_types(j, h, FMT_USER_TYPE_ENUM, "enums") < 0 ||
        write_user_types(j, h, FMT_USER_TYPE_DOMAIN, "domains") < 0 ||
        write_user_types(j, h, FMT_USER_TYPE_COMPOSITE, "composites") < 0 ||
        write_sequences(j, h) < 0 || write_functions(j, h) < 0)
        return -1;
    if (fmt_json_writer_keyz(j, "tables") < 0 || fmt_json_writer_object_start(j) < 0)
        return -1;
    return 0;
}

static int write_column(fmt_json_writer *j, const fmt_column *c)
{
    if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", c->name) < 0 ||
        key_string(j, "type", c->type_text) < 0 ||
        opt_string(j, "native_type", c->native_type) < 0 ||
        opt_string(j, "postgresql_type", c->postgresql_type) < 0 ||
        opt_string(j, "sqlite_type", c->sqlite_type) < 0 ||
        fmt_json_writer_keyz(j, "nullable") < 0 || fmt_json_writer_bool(j, c->nullable) < 0 ||
        opt_string(j, "default", c->default_sql) < 0)
        return -1;
    if (c->generated_sql) {
        if (fmt_json_writer_keyz(j, "generated") < 0 || fmt_json_writer_object_start(j) < 0 ||
            key_string(j, "expression", c->generated_sql) < 0 ||
            fmt_json_writer_keyz(j, "stored") < 0 ||
            fmt_json_writer_bool(j, c->generated_stored) < 0 || fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    if (opt_string(j, "collation", c->collation) < 0 ||
        opt_string(j, "collation_namespace", c->collation_namespace) < 0)
        return -1;
    if (c->identity != FMT_IDENTITY_NONE) {
        if (key_string(j, "identity", fmt_identity_name(c->identity)) < 0)
            return -1;
        if (c->has_last_value && (fmt_json_writer_keyz(j, "last_value") < 0 ||
                                  fmt_values_write_integer(j, c->last_value) < 0))
            return -1;
        if (c->sequence &&
            (fmt_json_writer_keyz(j, "sequence") < 0 || fmt_json_writer_object_start(j) < 0 ||
             opt_string(j, "name", c->sequence->name) < 0 ||
             write_sequence_options(j, c->sequence) < 0 || fmt_json_writer_object_end(j) < 0))
            return -1;
    }
    if (opt_string(j, "comment", c->comment) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* "include" and "nulls_not_distinct" of a key or an index (1.3), each
 * only when it says something. */
static int write_index_options(fmt_json_writer *j, char **include, size_t ninclude,
                               bool nulls_not_distinct)
{
    if (ninclude && string_array(j, "include", include, ninclude) < 0)
        return -1;
    if (nulls_not_distinct &&
        (fmt_json_writer_keyz(j, "nulls_not_distinct") < 0 || fmt_json_writer_bool(j, 1) < 0))
        return -1;
    return 0;
}

static int write_key(fmt_json_writer *j, const fmt_key *k)
{
    if (fmt_json_writer_object_start(j) < 0 || opt_string(j, "name", k->name) < 0 ||
        string_array(j, "columns", k->columns, k->ncolumns) < 0 ||
        write_index_options(j, k->include, k->ninclude, k->nulls_not_distinct) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

static int write_foreign_key(fmt_json_writer *j, const fmt_foreign_key *fk)
{
    if (fmt_json_writer_object_start(j) < 0 || opt_string(j, "name", fk->name) < 0 ||
        string_array(j, "columns", fk->columns, fk->ncolumns) < 0 ||
        fmt_json_writer_keyz(j, "references") < 0 || fmt_json_writer_object_start(j) < 0 ||
        key_string(j, "table", fk->ref_table) < 0 ||
        opt_string(j, "namespace", fk->ref_namespace) < 0 ||
        string_array(j, "columns", fk->ref_columns, fk->nref_columns) < 0 ||
        fmt_json_writer_object_end(j) < 0 ||
        key_string(j, "on_delete", fk->on_delete ? fk->on_delete : "no action") < 0 ||
        key_string(j, "on_update", fk->on_update ? fk->on_update : "no action") < 0 ||
        fmt_json_writer_keyz(j, "deferrable") < 0 || fmt_json_writer_bool(j, fk->deferrable) < 0 ||
        fmt_json_writer_keyz(j, "initially_deferred") < 0 ||
        fmt_json_writer_bool(j, fk->initially_deferred) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* An exclusion constraint (1.3): its parts, never its SQL. */
static int write_exclusion(fmt_json_writer *j, const fmt_exclusion *x)
{
    if (fmt_json_writer_object_start(j) < 0 || opt_string(j, "name", x->name) < 0 ||
        key_string(j, "using", x->method ? x->method : "") < 0 ||
        fmt_json_writer_keyz(j, "elements") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < x->nelements; i++) {
        const fmt_exclusion_element *e = &x->elements[i];
        if (fmt_json_writer_object_start(j) < 0 ||
            (e->column ? key_string(j, "column", e->column)
                       : key_string(j, "expression", e->expression ? e->expression : "")) < 0 ||
            opt_string(j, "opclass", e->opclass) < 0 ||
            opt_string(j, "opclass_namespace", e->opclass_namespace) < 0 ||
            key_string(j, "operator", e->operator? e->operator: "") < 0 ||
            opt_string(j, "operator_namespace", e->operator_namespace) < 0 ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    if (fmt_json_writer_array_end(j) < 0 ||
        (x->ninclude && string_array(j, "include", x->include, x->ninclude) < 0) ||
        opt_string(j, "where", x->where) < 0 || fmt_json_writer_keyz(j, "deferrable") < 0 ||
        fmt_json_writer_bool(j, x->deferrable) < 0 ||
        fmt_json_writer_keyz(j, "initially_deferred") < 0 ||
        fmt_json_writer_bool(j, x->initially_deferred) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

static int write_constraints(fmt_json_writer *j, const fmt_table *t)
{
    if (!t->primary_key && !t->nuniques && !t->nchecks && !t->nforeign_keys && !t->nexclusions)
        return 0;
    if (fmt_json_writer_keyz(j, "constraints") < 0 || fmt_json_writer_object_start(j) < 0)
        return -1;
    if (t->primary_key &&
        (fmt_json_writer_keyz(j, "primary_key") < 0 || write_key(j, t->primary_key) < 0))
        return -1;
    if (t->nuniques) {
        if (fmt_json_writer_keyz(j, "unique") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < t->nuniques; i++)
            if (write_key(j, &t->uniques[i]) < 0)
                return -1;
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    if (t->nchecks) {
        if (fmt_json_writer_keyz(j, "checks") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < t->nchecks; i++) {
            if (fmt_json_writer_object_start(j) < 0 ||
                opt_string(j, "name", t->checks[i].name) < 0 ||
                key_string(j, "expression", t->checks[i].expression) < 0 ||
                fmt_json_writer_object_end(j) < 0)
                return -1;
        }
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    if (t->nforeign_keys) {
        if (fmt_json_writer_keyz(j, "foreign_keys") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < t->nforeign_keys; i++)
            if (write_foreign_key(j, &t->foreign_keys[i]) < 0)
                return -1;
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    if (t->nexclusions) {
        if (fmt_json_writer_keyz(j, "exclusion") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < t->nexclusions; i++)
            if (write_exclusion(j, &t->exclusions[i]) < 0)
                return -1;
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_object_end(j);
}

static int write_index(fmt_json_writer *j, const fmt_index *ix)
{
    if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", ix->name) < 0 ||
        fmt_json_writer_keyz(j, "unique") < 0 || fmt_json_writer_bool(j, ix->unique) < 0 ||
        fmt_json_writer_keyz(j, "parts") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < ix->nparts; i++) {
        const fmt_index_part *p = &ix->parts[i];
        if (fmt_json_writer_object_start(j) < 0 ||
            (p->column ? key_string(j, "column", p->column)
                       : key_string(j, "expression", p->expression ? p->expression : "")) < 0)
            return -1;
        if (p->descending &&
            (fmt_json_writer_keyz(j, "descending") < 0 || fmt_json_writer_bool(j, 1) < 0))
            return -1;
        if (opt_string(j, "collation", p->collation) < 0 ||
            opt_string(j, "collation_namespace", p->collation_namespace) < 0 ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    if (fmt_json_writer_array_end(j) < 0 ||
        write_index_options(j, ix->include, ix->ninclude, ix->nulls_not_distinct) < 0 ||
        opt_string(j, "where", ix->where) < 0 || opt_string(j, "sql", ix->sql) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

static int write_policy(fmt_json_writer *j, const fmt_policy *p)
{
    if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", p->name) < 0 ||
        key_string(j, "command", p->command) < 0 || fmt_json_writer_keyz(j, "permissive") < 0 ||
        fmt_json_writer_bool(j, p->permissive) < 0 ||
        string_array(j, "roles", p->roles, p->nroles) < 0 ||
        opt_string(j, "using", p->using_sql) < 0 ||
        opt_string(j, "with_check", p->with_check_sql) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* "row_security" sorts between "partitioning" and "rows" (2.3). */
static int write_row_security(fmt_json_writer *j, const fmt_row_security *rs)
{
    if (fmt_json_writer_keyz(j, "row_security") < 0 || fmt_json_writer_object_start(j) < 0 ||
        fmt_json_writer_keyz(j, "enabled") < 0 || fmt_json_writer_bool(j, rs->enabled) < 0 ||
        fmt_json_writer_keyz(j, "forced") < 0 || fmt_json_writer_bool(j, rs->forced) < 0 ||
        fmt_json_writer_keyz(j, "policies") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < rs->npolicies; i++)
        if (write_policy(j, &rs->policies[i]) < 0)
            return -1;
    if (fmt_json_writer_array_end(j) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

/* Recursive through sub-partitions, whose depth the source's catalog
 * bounds (a reader bounds a file's by its nesting limit). */
static int write_partitioning(fmt_json_writer *j, const fmt_partitioning *p)
{
    if (fmt_json_writer_keyz(j, "partitioning") < 0 || fmt_json_writer_object_start(j) < 0 ||
        key_string(j, "strategy", p->strategy ? p->strategy : "") < 0 ||
        key_string(j, "key", p->key ? p->key : "") < 0 ||
        fmt_json_writer_keyz(j, "partitions") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < p->npartitions; i++) {
        const fmt_partition *part = &p->partitions[i];
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", part->name) < 0 ||
            opt_string(j, "namespace", part->namespace) < 0 ||
            key_string(j, "bound", part->bound ? part->bound : "") < 0)
            return -1;
        if (part->nindexes) {
            if (fmt_json_writer_keyz(j, "indexes") < 0 || fmt_json_writer_array_start(j) < 0)
                return -1;
            for (size_t k = 0; k < part->nindexes; k++)
                if (write_index(j, &part->indexes[k]) < 0)
                    return -1;
            if (fmt_json_writer_array_end(j) < 0)
                return -1;
        }
        if (part->nforeign_keys) {
            if (fmt_json_writer_keyz(j, "foreign_keys") < 0 || fmt_json_writer_array_start(j) < 0)
                return -1;
            for (size_t k = 0; k < part->nforeign_keys; k++)
                if (write_foreign_key(j, &part->foreign_keys[k]) < 0)
                    return -1;
            if (fmt_json_writer_array_end(j) < 0)
                return -1;
        }
        /* its own keys and checks (1.3), shaped as a table's */
        fmt_table own = {.primary_key = part->primary_key,
                         .uniques = part->uniques,
                         .nuniques = part->nuniques,
                         .checks = part->checks,
                         .nchecks = part->nchecks};
        if (write_constraints(j, &own) < 0 ||
            (part->partitioning && write_partitioning(j, part->partitioning) < 0) ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    if (fmt_json_writer_array_end(j) < 0)
        return -1;
    return fmt_json_writer_object_end(j);
}

int fmt_doc_write_table_begin(fmt_doc_writer *w, const fmt_table *t, int with_rows)
{
    fmt_json_writer *j = w->json;
    char *key = fmt_table_key(t);
    int rc = key ? fmt_json_writer_keyz(j, key) : -1;
    free(key);
    if (rc < 0 || fmt_json_writer_object_start(j) < 0 || fmt_json_writer_keyz(j, "columns") < 0 ||
        fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (write_column(j, &t->columns[i]) < 0)
            return -1;
    /* "comment" sorts between "columns" and "constraints" (2.3) */
    if (fmt_json_writer_array_end(j) < 0 || opt_string(j, "comment", t->comment) < 0 ||
        write_constraints(j, t) < 0)
        return -1;
    if (t->nindexes) {
        if (fmt_json_writer_keyz(j, "indexes") < 0 || fmt_json_writer_array_start(j) < 0)
            return -1;
        for (size_t i = 0; i < t->nindexes; i++)
            if (write_index(j, &t->indexes[i]) < 0)
                return -1;
        if (fmt_json_writer_array_end(j) < 0)
            return -1;
    }
    if (t->namespace &&
        (key_string(j, "name", t->name) < 0 || key_string(j, "namespace", t->namespace) < 0))
        return -1;
    if (t->without_rowid || t->strict) {
        if (fmt_json_writer_keyz(j, "options") < 0 || fmt_json_writer_object_start(j) < 0)
            return -1;
        if (t->strict && (fmt_json_writer_keyz(j, "strict") < 0 || fmt_json_writer_bool(j, 1) < 0))
            return -1;
        if (t->without_rowid &&
            (fmt_json_writer_keyz(j, "without_rowid") < 0 || fmt_json_writer_bool(j, 1) < 0))
            return -1;
        if (fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    if (t->partitioning && write_partitioning(j, t->partitioning) < 0)
        return -1;
    if (t->privileges && write_privileges(j, t->privileges) < 0)
        return -1;
    if (t->row_security && write_row_security(j, t->row_security) < 0)
        return -1;
    w->table = t;
    w->in_rows = with_rows;
    if (with_rows && (fmt_json_writer_keyz(j, "rows") < 0 || fmt_json_writer_array_start(j) < 0))
        return -1;
    return 0;
}

int fmt_doc_write_row(fmt_doc_writer *w, const fmt_value *values)
{
    return fmt_doc_write_row_present(w, values, NULL);
}

int fmt_doc_write_row_present(fmt_doc_writer *w, const fmt_value *values,
                              const unsigned char *present)
{
    const fmt_table *t = w->table;
    fmt_json_writer *j = w->json;
    if (fmt_json_writer_object_start(j) < 0)
        return -1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->generated_sql || (present && !present[i]))
            continue;
        if (fmt_json_writer_keyz(j, c->name) < 0)
            return -1;
        int rc = fmt_values_write(j, &c->type, &values[i]);
        if (rc == -2) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "column \"%.80s\": a %s value cannot be carried in a %s column", c->name,
                     fmt_value_kind_name(values[i].kind), c->type_text);
            return fail(w, msg);
        }
        if (rc < 0)
            return -1;
    }
    return fmt_json_writer_object_end(j);
}

int fmt_doc_write_table_end(fmt_doc_writer *w)
{
    fmt_json_writer *j = w->json;
    if (w->in_rows && fmt_json_writer_array_end(j) < 0)
        return -1;
    w->in_rows = 0;
    w->table = NULL;
    return fmt_json_writer_object_end(j);
}

/* A materialized view's own keys (1.3): schema, populated, comment,
 * indexes. */
static int write_matview_keys(fmt_json_writer *j, const fmt_native_object *o)
{
    if (opt_string(j, "namespace", o->namespace) < 0 || fmt_json_writer_keyz(j, "populated") < 0 ||
        fmt_json_writer_bool(j, o->populated) < 0 || opt_string(j, "comment", o->comment) < 0)
        return -1;
    if (!o->nindexes)
        return 0;
    if (fmt_json_writer_keyz(j, "indexes") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < o->nindexes; i++)
        if (write_index(j, &o->indexes[i]) < 0)
            return -1;
    return fmt_json_writer_array_end(j);
}

/* The objects of one kind under key; "materialized_views" only when there
 * are some (files without them keep their bytes). */
static int write_objects(fmt_json_writer *j, const char *key, fmt_native_kind kind,
                         const fmt_native_object *objects, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += objects[i].kind == kind;
    if (kind == FMT_NATIVE_MATERIALIZED_VIEW && !count)
        return 0;
    if (fmt_json_writer_keyz(j, key) < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const fmt_native_object *o = &objects[i];
        if (o->kind != kind)
            continue;
        if (fmt_json_writer_object_start(j) < 0 || key_string(j, "name", o->name) < 0 ||
            opt_string(j, "table", o->table) < 0 || key_string(j, "sql", o->sql) < 0 ||
            (o->has_reads && string_array(j, "reads", o->reads, o->nreads) < 0) ||
            (kind != FMT_NATIVE_MATERIALIZED_VIEW && opt_string(j, "comment", o->comment) < 0) ||
            (kind == FMT_NATIVE_MATERIALIZED_VIEW && write_matview_keys(j, o) < 0) ||
            (kind != FMT_NATIVE_TRIGGER && o->privileges &&
             write_privileges(j, o->privileges) < 0) ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

int fmt_doc_write_end(fmt_doc_writer *w, const fmt_native_object *objects, size_t nobjects)
{
    return fmt_doc_write_end_with(w, objects, nobjects, NULL, NULL);
}

int fmt_doc_write_end_with(fmt_doc_writer *w, const fmt_native_object *objects, size_t nobjects,
                           int (*extra)(fmt_json_writer *j, void *ctx), void *ctx)
{
    fmt_json_writer *j = w->json;
    if (fmt_json_writer_object_end(j) < 0 ||
        write_objects(j, "triggers", FMT_NATIVE_TRIGGER, objects, nobjects) < 0 ||
        write_objects(j, "views", FMT_NATIVE_VIEW, objects, nobjects) < 0 ||
        write_objects(j, "materialized_views", FMT_NATIVE_MATERIALIZED_VIEW, objects, nobjects) <
            0 ||
        (extra && extra(j, ctx) < 0) || fmt_json_writer_object_end(j) < 0 ||
        fmt_json_writer_finish(j) < 0)
        return -1;
    return 0;
}
