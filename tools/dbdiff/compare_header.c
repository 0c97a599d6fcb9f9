/* What is outside the tables, each as its own kind of object: views and
 * triggers (native objects), enums, domains, composite types, extensions,
 * functions and procedures, stand-alone sequences with their options and
 * value, SQLite's user_version and application_id, schemas, the comments
 * on schemas, views, types and functions, and the owners and grants of schemas, views,
 * sequences and functions when both sides carry them (compare_access.c). SQLite has none of these
 * but the last two (a type and its comment travel through it in _dbexport_origin): across backends,
 * what one side lacks is expected (docs/MAPPING.md), not a difference. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dbdiff.h"
#include "diag.h"

/* A comment on an object outside the tables: kind "comment", the object
 * named with its kind ("view v", "function f(integer)"). */
static void compare_comment(dd_report *r, const char *kind, const char *name, const char *a,
                            const char *b, int expected)
{
    if (dd_same(a, b))
        return;
    db_buf object = {0}, what = {0};
    db_buf_printf(&object, "%s %s", kind, name);
    dd_show_text(&what, a);
    db_buf_add(&what, " -> ");
    dd_show_text(&what, b);
    dd_report_object(r, "comment", object.buf ? object.buf : name,
                     what.buf ? what.buf : "out of memory", expected);
    db_buf_free(&object);
    db_buf_free(&what);
}

/* "schema.name" of a header object (the name alone in the default schema). */
static char *object_key(const char *namespace, const char *name)
{
    fmt_table named = {.name = (char *)name, .namespace = (char *)namespace};
    return fmt_table_key(&named);
}

/* ---- views and triggers ---- */

static const char *object_kind(const fmt_native_object *o)
{
    return o->kind == FMT_NATIVE_VIEW                ? "view"
           : o->kind == FMT_NATIVE_MATERIALIZED_VIEW ? "materialized view"
                                                     : "trigger";
}

/* What a view or trigger is: its SQL; a materialized view: its query,
 * whether it is populated, its indexes. */
static char *object_text(const fmt_native_object *o)
{
    db_buf b = {0};
    db_buf_add(&b, o->sql ? o->sql : "");
    if (o->kind == FMT_NATIVE_MATERIALIZED_VIEW) {
        db_buf_add(&b, o->populated ? "; populated" : "; not populated");
        for (size_t i = 0; i < o->nindexes; i++) {
            char *ix = dd_index_text(&o->indexes[i]);
            db_buf_printf(&b, "; index %s %s", dd_or_none(o->indexes[i].name), dd_or_none(ix));
            free(ix);
        }
    }
    return db_buf_take(&b);
}

static int same_object(const fmt_native_object *x, const fmt_native_object *y)
{
    return x->kind == y->kind && dd_same(x->name, y->name) && dd_same(x->table, y->table) &&
           dd_same(x->namespace, y->namespace);
}

/* "its SQL differs", or for a materialized view what of it differs. */
static void compare_object(dd_report *r, const fmt_native_object *x, const fmt_native_object *y,
                           const char *name, const dd_value_mode *m)
{
    char *tx = object_text(x), *ty = object_text(y);
    if (!dd_same(tx, ty)) {
        const char *what =
            !dd_same(x->sql, y->sql) ? "its SQL differs"
            : x->populated != y->populated
                ? (x->populated ? "populated -> not populated" : "not populated -> populated")
                : "its indexes differ";
        dd_report_object(r, object_kind(x), name, what, m->across);
    }
    free(tx);
    free(ty);
}

void dd_compare_objects(dd_report *r, const fmt_native_object *a, size_t na,
                        const fmt_native_object *b, size_t nb, const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_native_object *x = side ? b : a, *y = side ? a : b;
        size_t nx = side ? nb : na, ny = side ? na : nb;
        for (size_t i = 0; i < nx; i++) {
            const fmt_native_object *match = NULL;
            for (size_t j = 0; j < ny && !match; j++)
                if (same_object(&x[i], &y[j]))
                    match = &y[j];
            if (match && side)
                continue;
            char *name = x[i].kind == FMT_NATIVE_MATERIALIZED_VIEW
                             ? object_key(x[i].namespace, x[i].name)
                             : db_format("%s", dd_or_none(x[i].name));
            /* Native objects are applied only by a target of the same
             * backend (docs/FORMAT.md 2.5). */
            if (!match)
                dd_report_object(r, object_kind(&x[i]), dd_or_none(name),
                                 side ? "only in B" : "only in A", m->across);
            else
                compare_object(r, &x[i], match, dd_or_none(name), m);
            if (match) {
                compare_comment(r, object_kind(&x[i]), dd_or_none(name), x[i].comment,
                                match->comment, m->across);
                dd_compare_object_privileges(r, object_kind(&x[i]), dd_or_none(name),
                                             x[i].privileges, match->privileges, m->across);
            }
            free(name);
        }
    }
}

/* ---- enums, domains, composite types ---- */

static char *user_type_text(const fmt_user_type *u)
{
    db_buf b = {0};
    if (u->kind == FMT_USER_TYPE_ENUM) {
        db_buf_add(&b, "enum (");
        for (size_t i = 0; i < u->nlabels; i++)
            db_buf_printf(&b, "%s'%s'", i ? ", " : "", u->labels[i]);
        db_buf_addc(&b, ')');
    } else if (u->kind == FMT_USER_TYPE_COMPOSITE) {
        db_buf_add(&b, "composite (");
        for (size_t i = 0; i < u->nattributes; i++) {
            const fmt_type_attribute *a = &u->attributes[i];
            db_buf_printf(&b, "%s%s %s", i ? ", " : "", a->name, a->type);
            if (a->collation)
                db_buf_printf(&b, " collate %s%s%s",
                              a->collation_namespace ? a->collation_namespace : "",
                              a->collation_namespace ? "." : "", a->collation);
        }
        db_buf_addc(&b, ')');
    } else {
        db_buf_printf(&b, "domain over %s%s", u->base_type ? u->base_type : "?",
                      u->not_null ? " not null" : "");
        if (u->default_sql)
            db_buf_printf(&b, " default %s", u->default_sql);
        for (size_t i = 0; i < u->nchecks; i++) {
            if (u->ncheck_names == u->nchecks)
                db_buf_printf(&b, " constraint %s", u->check_names[i]);
            db_buf_printf(&b, " check (%s)", u->checks[i]);
        }
    }
    return db_buf_take(&b);
}

static const char *user_type_kind(const fmt_user_type *u)
{
    return u->kind == FMT_USER_TYPE_ENUM        ? "enum"
           : u->kind == FMT_USER_TYPE_COMPOSITE ? "composite type"
                                                : "domain";
}

static void compare_user_types(dd_report *r, const fmt_header *a, const fmt_header *b,
                               const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nuser_types; i++) {
            const fmt_user_type *u = &x->user_types[i], *match = NULL;
            for (size_t j = 0; j < y->nuser_types && !match; j++)
                if (u->kind == y->user_types[j].kind && dd_same(u->name, y->user_types[j].name) &&
                    dd_same(u->namespace, y->user_types[j].namespace))
                    match = &y->user_types[j];
            if (match && side)
                continue;
            char *name = object_key(u->namespace, u->name), *tx = user_type_text(u);
            char *ty = match ? user_type_text(match) : NULL;
            char *what = NULL;
            if (!match)
                what = db_format("%s only in %c", dd_or_none(tx), side ? 'B' : 'A');
            else if (!dd_same(tx, ty))
                what = db_format("%s -> %s", dd_or_none(tx), dd_or_none(ty));
            /* SQLite has no user-defined types: the columns carry them */
            if (what)
                dd_report_object(r, user_type_kind(u), dd_or_none(name), what, m->across);
            if (match)
                compare_comment(r, user_type_kind(u), dd_or_none(name), u->comment, match->comment,
                                m->across);
            free(what);
            free(tx);
            free(ty);
            free(name);
        }
    }
}

static void compare_extensions(dd_report *r, const fmt_header *a, const fmt_header *b,
                               const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nextensions; i++) {
            int found_it = 0;
            for (size_t j = 0; j < y->nextensions && !found_it; j++)
                found_it = strcmp(x->extensions[i], y->extensions[j]) == 0;
            if (!found_it)
                dd_report_object(r, "extension", x->extensions[i], side ? "only in B" : "only in A",
                                 m->across);
        }
    }
}

/* ---- functions and procedures ---- */

/* "schema.name(arguments)": one of several overloads. */
static char *function_name(const fmt_function *fn)
{
    char *key = object_key(fn->namespace, fn->name);
    char *name = key ? db_format("%s(%s)", key, fn->arguments ? fn->arguments : "") : NULL;
    free(key);
    return name;
}

/* By name and arguments; the definition as pg_get_functiondef gives it,
 * which holds the language, the result and the body. */
static void compare_functions(dd_report *r, const fmt_header *a, const fmt_header *b,
                              const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nfunctions; i++) {
            const fmt_function *fn = &x->functions[i], *match = NULL;
            char *name = function_name(fn);
            for (size_t j = 0; j < y->nfunctions && !match && name; j++) {
                char *other = function_name(&y->functions[j]);
                if (other && strcmp(name, other) == 0 && dd_same(fn->kind, y->functions[j].kind))
                    match = &y->functions[j];
                free(other);
            }
            const char *kind = fn->kind ? fn->kind : "function";
            if (!match)
                dd_report_object(r, kind, dd_or_none(name), side ? "only in B" : "only in A",
                                 m->across);
            else if (!side && !dd_same(fn->sql, match->sql))
                dd_report_object(r, kind, dd_or_none(name), "its definition differs", m->across);
            if (match && !side) {
                compare_comment(r, kind, dd_or_none(name), fn->comment, match->comment, m->across);
                dd_compare_object_privileges(r, kind, dd_or_none(name), fn->privileges,
                                             match->privileges, m->across);
            }
            free(name);
        }
    }
}

/* ---- stand-alone sequences ---- */

char *dd_sequence_text(const fmt_sequence *q)
{
    db_buf b = {0};
    if (q->type)
        db_buf_printf(&b, "as %s ", q->type);
    if (q->name && !q->type)
        db_buf_printf(&b, "sequence name %s ", q->name); /* an identity's */
    db_buf_printf(&b,
                  "start %" PRId64 " increment %" PRId64 " minvalue %" PRId64 " maxvalue %" PRId64
                  " cache %" PRId64 "%s",
                  q->start, q->increment, q->min_value, q->max_value, q->cache,
                  q->cycle ? " cycle" : " no cycle");
    if (q->owned_by_table)
        db_buf_printf(&b, " owned by %s.%s", q->owned_by_table, dd_or_none(q->owned_by_column));
    if (q->has_last_value)
        db_buf_printf(&b, ", last value %" PRId64, q->last_value);
    else if (q->type)
        db_buf_add(&b, ", no value handed out");
    return db_buf_take(&b);
}

static void compare_sequences(dd_report *r, const fmt_header *a, const fmt_header *b,
                              const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nsequences; i++) {
            const fmt_sequence *q = &x->sequences[i], *match = NULL;
            for (size_t j = 0; j < y->nsequences && !match; j++)
                if (dd_same(q->name, y->sequences[j].name) &&
                    dd_same(q->namespace, y->sequences[j].namespace))
                    match = &y->sequences[j];
            if (match && side)
                continue;
            char *name = object_key(q->namespace, q->name), *tx = dd_sequence_text(q);
            char *ty = match ? dd_sequence_text(match) : NULL;
            char *what = !match ? db_format("%s only in %c", dd_or_none(tx), side ? 'B' : 'A')
                         : !dd_same(tx, ty) ? db_format("%s -> %s", dd_or_none(tx), dd_or_none(ty))
                                            : NULL;
            /* a SQLite target leaves them out (docs/MAPPING.md) */
            if (what)
                dd_report_object(r, "sequence", dd_or_none(name), what, m->across);
            if (match)
                dd_compare_object_privileges(r, "sequence", dd_or_none(name), q->privileges,
                                             match->privileges, m->across);
            free(what);
            free(tx);
            free(ty);
            free(name);
        }
    }
}

/* ---- schemas ---- */

/* By name: one side's only (SQLite has none: expected across backends),
 * its comment, its owner and grants when both sides carry them. */
static void compare_schemas(dd_report *r, const fmt_header *a, const fmt_header *b,
                            const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nschemas; i++) {
            const fmt_schema *s = &x->schemas[i], *match = NULL;
            for (size_t j = 0; j < y->nschemas && !match; j++)
                if (dd_same(s->name, y->schemas[j].name))
                    match = &y->schemas[j];
            /* every PostgreSQL database has public: listed only with a comment */
            if (!match && strcmp(s->name, "public") == 0)
                compare_comment(r, "schema", s->name, side ? NULL : s->comment,
                                side ? s->comment : NULL, m->across);
            else if (!match)
                dd_report_object(r, "schema", s->name, side ? "only in B" : "only in A", m->across);
            if (!match || side)
                continue;
            compare_comment(r, "schema", s->name, s->comment, match->comment, m->across);
            dd_compare_object_privileges(r, "schema", s->name, s->privileges, match->privileges,
                                         m->across);
        }
    }
}

/* ---- SQLite's header ---- */

/* user_version and application_id; a file or database without one has 0
 * (docs/FORMAT.md 2.7). PostgreSQL has no place for them. */
static void compare_pragmas(dd_report *r, const fmt_header *a, const fmt_header *b,
                            const dd_value_mode *m)
{
    int32_t va[2] = {a->has_user_version ? a->user_version : 0,
                     a->has_application_id ? a->application_id : 0};
    int32_t vb[2] = {b->has_user_version ? b->user_version : 0,
                     b->has_application_id ? b->application_id : 0};
    static const char *const names[2] = {"user_version", "application_id"};
    for (int i = 0; i < 2; i++) {
        if (va[i] == vb[i])
            continue;
        char *what = db_format("%" PRId32 " -> %" PRId32, va[i], vb[i]);
        dd_report_object(r, "pragma", names[i], what ? what : "out of memory", m->across);
        free(what);
    }
}

void dd_compare_header(dd_report *r, const fmt_header *a, const fmt_header *b,
                       const dd_value_mode *m)
{
    compare_pragmas(r, a, b, m);
    compare_extensions(r, a, b, m);
    compare_schemas(r, a, b, m);
    compare_user_types(r, a, b, m);
    compare_sequences(r, a, b, m);
    compare_functions(r, a, b, m);
}
