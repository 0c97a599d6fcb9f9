/* Reading the document's description of the database (docs/FORMAT.md 2 to
 * 4): the header (format, version, source, extensions, native objects;
 * user types are doc_read_types.c) and each table's schema (columns, keys, checks, foreign keys,
 * indexes, options, partitions), cross-checked once complete. */
#include "doc_reader_internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* ---- header ---------------------------------------------------------- */

/* "MAJOR.MINOR": two runs of ASCII digits and a dot, nothing else (no
 * sign, space or NUL, which sscanf's %lu would let through). A number too
 * large saturates, so a huge major still reads as "newer". 0 or -1. */
static int parse_version(const char *s, size_t len, unsigned long *major, unsigned long *minor)
{
    size_t i = 0;
    for (int part = 0; part < 2; part++) {
        unsigned long *v = part ? minor : major;
        size_t start = i;
        *v = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            *v = *v > (ULONG_MAX - 9) / 10 ? ULONG_MAX : *v * 10 + (unsigned long)(s[i] - '0');
        if (i == start)
            return -1;
        if (part == 0 && (i == len || s[i++] != '.'))
            return -1;
    }
    return i == len ? 0 : -1;
}

static int read_format_version(fmt_doc_reader *r)
{
    fmt_json_event ev;
    if (doc_expect(r, &ev, FMT_JSON_STRING, "\"format_version\"") < 0)
        return -1;
    unsigned long major = 0, minor = 0;
    if (parse_version(ev.text, ev.len, &major, &minor) < 0)
        return doc_fail_at(r, ev.pos, NULL,
                           "invalid format_version \"%.40s\" (expected MAJOR.MINOR)", ev.text);
    if (major > FMT_FORMAT_MAJOR)
        return doc_fail_at(r, ev.pos, NULL,
                           "format version %.40s is newer than this program reads (%d.x); "
                           "upgrade dbimport to read it",
                           ev.text, FMT_FORMAT_MAJOR);
    if (major < FMT_FORMAT_MAJOR)
        return doc_fail_at(r, ev.pos, NULL, "unsupported format version %.40s", ev.text);
    free(r->header.format_version);
    if (!(r->header.format_version = fmt_strdup(ev.text)))
        return doc_fail_at(r, ev.pos, NULL, "out of memory");
    r->have_version = 1;
    return 0;
}

/* A 32-bit signed integer (SQLite's header fields): source.user_version,
 * source.application_id. Exact integers jq writes as 1e+3 are integers. */
static int read_int32(fmt_doc_reader *r, int32_t *out, bool *has, const char *what)
{
    fmt_json_event nv;
    int64_t v;
    if (doc_jnext(r, &nv) < 0)
        return -1;
    if (nv.type != FMT_JSON_NUMBER || fmt_int64_parse(&v, nv.text, nv.len) < 0 || v < INT32_MIN ||
        v > INT32_MAX)
        return doc_fail_at(r, nv.pos, NULL, "%s must be an integer from -2147483648 to 2147483647",
                           what);
    *out = (int32_t)v;
    *has = true;
    return 0;
}

static int read_source(fmt_doc_reader *r)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_member(r, &ev, &started, "\"source\"")) == 1) {
        if (doc_text_is(&ev, "backend"))
            rc = doc_read_string(r, &r->header.source_backend, "source.backend");
        else if (doc_text_is(&ev, "version"))
            rc = doc_read_optional_string(r, &r->header.source_version, "source.version");
        else if (doc_text_is(&ev, "database"))
            rc = doc_read_optional_string(r, &r->header.source_database, "source.database");
        else if (doc_text_is(&ev, "user_version"))
            rc = read_int32(r, &r->header.user_version, &r->header.has_user_version,
                            "source.user_version");
        else if (doc_text_is(&ev, "application_id"))
            rc = read_int32(r, &r->header.application_id, &r->header.has_application_id,
                            "source.application_id");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_index_list(fmt_doc_reader *r, fmt_index **indexes, size_t *nindexes);

/* A materialized view's own key (1.3) at ev: 1 when it was one. */
static int read_matview_key(fmt_doc_reader *r, const fmt_json_event *ev, fmt_native_object *o)
{
    bool b = false;
    int rc = 1;
    if (doc_text_is(ev, "namespace"))
        rc = doc_read_optional_string(r, &o->namespace, "namespace");
    else if (doc_text_is(ev, "indexes"))
        rc = read_index_list(r, &o->indexes, &o->nindexes);
    else if (doc_text_is(ev, "populated")) {
        rc = doc_read_bool(r, &b, "populated");
        o->populated = b;
    } else
        return 0;
    return rc < 0 ? -1 : 1;
}

static int read_native_objects(fmt_doc_reader *r, fmt_native_kind kind, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an object in %s", what);
        fmt_native_object *o = doc_push((void **)&r->objects, &r->nobjects, sizeof *o);
        if (!o)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        o->kind = kind;
        o->populated = kind == FMT_NATIVE_MATERIALIZED_VIEW; /* absent: populated */
        fmt_position at = ev.pos;
        for (;;) {
            if (doc_jnext(r, &ev) < 0)
                return -1;
            if (ev.type == FMT_JSON_OBJECT_END)
                break;
            if (doc_text_is(&ev, "name"))
                rc = doc_read_string(r, &o->name, "name");
            else if (doc_text_is(&ev, "table"))
                rc = doc_read_optional_string(r, &o->table, "table");
            else if (doc_text_is(&ev, "sql"))
                rc = doc_read_string(r, &o->sql, "sql");
            else if (doc_text_is(&ev, "comment"))
                rc = doc_read_optional_string(r, &o->comment, "comment");
            else if (kind != FMT_NATIVE_TRIGGER && doc_text_is(&ev, "reads")) {
                rc = doc_read_string_array(r, &o->reads, &o->nreads, "reads");
                o->has_reads = true;
            } else if (kind != FMT_NATIVE_TRIGGER && doc_text_is(&ev, "privileges"))
                rc = doc_read_privileges(r, &o->privileges, DOC_PRIVILEGES_RELATION);
            else if (kind != FMT_NATIVE_MATERIALIZED_VIEW ||
                     (rc = read_matview_key(r, &ev, o)) == 0)
                rc = doc_skip_next_value(r);
            if (rc < 0)
                return -1;
        }
        if (!o->name || !o->sql)
            return doc_fail_at(r, at, NULL, "an entry of %s needs \"name\" and \"sql\"", what);
    }
    return rc;
}

int doc_is_header_key(const fmt_json_event *key)
{
    static const char *const keys[] = {
        "format", "format_version", "created",    "generator", "source",    "extensions", "schemas",
        "enums",  "domains",        "composites", "sequences", "functions", "tables",     NULL};
    for (size_t i = 0; keys[i]; i++)
        if (doc_text_is(key, keys[i]))
            return 1;
    return 0;
}

/* Handles a top-level key other than "tables"; 1 if it was "tables". */
int doc_top_level_key(fmt_doc_reader *r, const fmt_json_event *key)
{
    int rc;
    if (doc_text_is(key, "tables"))
        return 1;
    if (doc_text_is(key, "format")) {
        fmt_json_event ev;
        if (doc_expect(r, &ev, FMT_JSON_STRING, "\"format\"") < 0)
            return -1;
        if (!doc_text_is(&ev, FMT_FORMAT_NAME))
            return doc_fail_at(r, ev.pos, NULL, "not a dbexport file: format is \"%.60s\"",
                               ev.text);
        r->have_format = 1;
        return 0;
    }
    if (doc_text_is(key, "format_version"))
        rc = read_format_version(r);
    else if (doc_text_is(key, "created"))
        rc = doc_read_optional_string(r, &r->header.created, "\"created\"");
    else if (doc_text_is(key, "generator"))
        rc = doc_read_optional_string(r, &r->header.generator, "\"generator\"");
    else if (doc_text_is(key, "source"))
        rc = read_source(r);
    else if (doc_text_is(key, "extensions"))
        rc = doc_read_string_array(r, &r->header.extensions, &r->header.nextensions,
                                   "\"extensions\"");
    else if (doc_text_is(key, "schemas"))
        rc = doc_read_schemas(r);
    else if (doc_text_is(key, "enums"))
        rc = doc_read_user_types(r, FMT_USER_TYPE_ENUM, "\"enums\"");
    else if (doc_text_is(key, "domains"))
        rc = doc_read_user_types(r, FMT_USER_TYPE_DOMAIN, "\"domains\"");
    else if (doc_text_is(key, "composites"))
        rc = doc_read_user_types(r, FMT_USER_TYPE_COMPOSITE, "\"composites\"");
    else if (doc_text_is(key, "sequences"))
        rc = doc_read_sequences(r);
    else if (doc_text_is(key, "functions"))
        rc = doc_read_functions(r);
    else if (doc_text_is(key, "views"))
        rc = read_native_objects(r, FMT_NATIVE_VIEW, "\"views\"");
    else if (doc_text_is(key, "triggers"))
        rc = read_native_objects(r, FMT_NATIVE_TRIGGER, "\"triggers\"");
    else if (doc_text_is(key, "materialized_views"))
        rc = read_native_objects(r, FMT_NATIVE_MATERIALIZED_VIEW, "\"materialized_views\"");
    else
        rc = doc_skip_next_value(r);
    return rc < 0 ? -1 : 0;
}

/* ---- table schema ---------------------------------------------------- */

static int read_column_type(fmt_doc_reader *r, fmt_column *c)
{
    fmt_json_event tv;
    char err[160];
    if (doc_expect(r, &tv, FMT_JSON_STRING, "a column type") < 0)
        return -1;
    if (fmt_type_parse(&c->type, tv.text, tv.len, err, sizeof err) < 0)
        return doc_fail_at(r, tv.pos, c->name, "%s", err);
    free(c->type_text);
    if (!(c->type_text = fmt_strdup(tv.text)))
        return doc_fail_at(r, tv.pos, c->name, "out of memory");
    return 0;
}

static int read_generated(fmt_doc_reader *r, fmt_column *c)
{
    fmt_json_event ev;
    int started = 0, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "\"generated\"")) == 1) {
        if (doc_text_is(&ev, "expression"))
            rc = doc_read_string(r, &c->generated_sql, "generated.expression");
        else if (doc_text_is(&ev, "stored")) {
            rc = doc_read_bool(r, &b, "generated.stored");
            c->generated_stored = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_identity(fmt_doc_reader *r, fmt_column *c)
{
    fmt_json_event iv;
    if (doc_expect(r, &iv, FMT_JSON_STRING, "identity") < 0)
        return -1;
    int kind = fmt_identity_parse(iv.text);
    if (kind < 0)
        return doc_fail_at(r, iv.pos, c->name, "unknown identity \"%.40s\"", iv.text);
    c->identity = (fmt_identity_kind)kind;
    return 0;
}

static int read_last_value(fmt_doc_reader *r, fmt_column *c)
{
    fmt_json_event nv;
    if (doc_jnext(r, &nv) < 0)
        return -1;
    if ((nv.type != FMT_JSON_NUMBER && nv.type != FMT_JSON_STRING) ||
        fmt_int64_parse(&c->last_value, nv.text, nv.len) < 0)
        return doc_fail_at(r, nv.pos, c->name, "last_value must be a 64-bit integer");
    c->has_last_value = true;
    return 0;
}

/* A collation without a schema in a file from PostgreSQL may be in the
 * quoted form of older dbexport (doc_read_collation.c). */
static int legacy_collation(fmt_doc_reader *r, fmt_position at, char **name, char **ns)
{
    const char *backend = r->header.source_backend;
    if (!*name || *ns || !backend || strcmp(backend, "postgresql") != 0)
        return 0;
    if (doc_collation_from_1_0(name, ns) < 0)
        return doc_fail_at(r, at, NULL, "out of memory");
    return 0;
}

/* Reads a column object whose '{' (at position at) was read. */
static int read_column(fmt_doc_reader *r, fmt_column *c, fmt_position at)
{
    fmt_json_event ev;
    int have_nullable = 0, rc;
    bool b = false;
    c->nullable = true;
    c->type.kind = FMT_TYPE_COUNT_;
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        if (doc_text_is(&ev, "name")) {
            rc = doc_read_string(r, &c->name, "a column name");
        } else if (doc_text_is(&ev, "type")) {
            rc = read_column_type(r, c);
        } else if (doc_text_is(&ev, "native_type")) {
            rc = doc_read_optional_string(r, &c->native_type, "native_type");
        } else if (doc_text_is(&ev, "postgresql_type")) {
            rc = doc_read_optional_string(r, &c->postgresql_type, "postgresql_type");
        } else if (doc_text_is(&ev, "sqlite_type")) {
            rc = doc_read_optional_string(r, &c->sqlite_type, "sqlite_type");
        } else if (doc_text_is(&ev, "nullable")) {
            rc = doc_read_bool(r, &b, "nullable");
            c->nullable = b;
            have_nullable = 1;
        } else if (doc_text_is(&ev, "default")) {
            rc = doc_read_optional_string(r, &c->default_sql, "default");
        } else if (doc_text_is(&ev, "collation")) {
            rc = doc_read_optional_string(r, &c->collation, "collation");
        } else if (doc_text_is(&ev, "collation_namespace")) {
            rc = doc_read_optional_string(r, &c->collation_namespace, "collation_namespace");
        } else if (doc_text_is(&ev, "generated")) {
            rc = read_generated(r, c);
        } else if (doc_text_is(&ev, "identity")) {
            rc = read_identity(r, c);
        } else if (doc_text_is(&ev, "last_value")) {
            rc = read_last_value(r, c);
        } else if (doc_text_is(&ev, "sequence")) {
            rc = doc_read_column_sequence(r, c);
        } else if (doc_text_is(&ev, "comment")) {
            rc = doc_read_optional_string(r, &c->comment, "comment");
        } else {
            rc = doc_skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    if (!c->name)
        return doc_fail_at(r, at, NULL, "a column has no \"name\"");
    if (c->type.kind == FMT_TYPE_COUNT_)
        return doc_fail_at(r, at, c->name, "the column has no \"type\"");
    if (!have_nullable)
        return doc_fail_at(r, at, c->name, "the column has no \"nullable\"");
    return legacy_collation(r, at, &c->collation, &c->collation_namespace);
}

static int read_columns(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"columns\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected a column object, found %s",
                               doc_event_name(ev.type));
        if (t->ncolumns >= r->opts.max_columns)
            return doc_fail_at(r, ev.pos, NULL, "more than %zu columns", r->opts.max_columns);
        fmt_column *c = doc_push((void **)&t->columns, &t->ncolumns, sizeof *c);
        if (!c)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_column(r, c, ev.pos) < 0)
            return -1;
    }
    return rc;
}

/* Reads a key object ({"name", "columns", "include", "nulls_not_distinct"});
 * started: its '{' was read. */
static int read_key(fmt_doc_reader *r, fmt_key *k, int started, const char *what)
{
    fmt_json_event ev;
    int rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, what)) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_optional_string(r, &k->name, "name");
        else if (doc_text_is(&ev, "columns"))
            rc = doc_read_string_array(r, &k->columns, &k->ncolumns, "columns");
        else if (doc_text_is(&ev, "include"))
            rc = doc_read_string_array(r, &k->include, &k->ninclude, "include");
        else if (doc_text_is(&ev, "nulls_not_distinct")) {
            rc = doc_read_bool(r, &b, "nulls_not_distinct");
            k->nulls_not_distinct = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_references(fmt_doc_reader *r, fmt_foreign_key *fk)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_member(r, &ev, &started, "\"references\"")) == 1) {
        if (doc_text_is(&ev, "table"))
            rc = doc_read_string(r, &fk->ref_table, "references.table");
        else if (doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &fk->ref_namespace, "references.namespace");
        else if (doc_text_is(&ev, "columns"))
            rc =
                doc_read_string_array(r, &fk->ref_columns, &fk->nref_columns, "references.columns");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

/* Reads a foreign key object whose '{' (at position at) was read. */
static int read_foreign_key(fmt_doc_reader *r, fmt_foreign_key *fk, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "a foreign key")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_optional_string(r, &fk->name, "name");
        else if (doc_text_is(&ev, "columns"))
            rc = doc_read_string_array(r, &fk->columns, &fk->ncolumns, "columns");
        else if (doc_text_is(&ev, "references"))
            rc = read_references(r, fk);
        else if (doc_text_is(&ev, "on_delete"))
            rc = doc_read_string(r, &fk->on_delete, "on_delete");
        else if (doc_text_is(&ev, "on_update"))
            rc = doc_read_string(r, &fk->on_update, "on_update");
        else if (doc_text_is(&ev, "deferrable")) {
            rc = doc_read_bool(r, &b, "deferrable");
            fk->deferrable = b;
        } else if (doc_text_is(&ev, "initially_deferred")) {
            rc = doc_read_bool(r, &b, "initially_deferred");
            fk->initially_deferred = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!fk->ref_table || !fk->ncolumns))
        return doc_fail_at(r, at, NULL,
                           "a foreign key needs \"columns\" and \"references\".\"table\"");
    return rc;
}

/* Reads a check object whose '{' (at position at) was read. */
static int read_check(fmt_doc_reader *r, fmt_check *c, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = doc_next_member(r, &ev, &started, "a check constraint")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_optional_string(r, &c->name, "name");
        else if (doc_text_is(&ev, "expression"))
            rc = doc_read_string(r, &c->expression, "expression");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && !c->expression)
        return doc_fail_at(r, at, NULL, "a check constraint has no \"expression\"");
    return rc;
}

static int read_foreign_key_list(fmt_doc_reader *r, fmt_foreign_key **fks, size_t *nfks)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"foreign_keys\"")) == 1) {
        fmt_foreign_key *fk = doc_push((void **)fks, nfks, sizeof *fk);
        if (!fk || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected a foreign key object");
        if (read_foreign_key(r, fk, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int read_unique_list(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"unique\"")) == 1) {
        fmt_key *u = doc_push((void **)&t->uniques, &t->nuniques, sizeof *u);
        if (!u || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected a unique constraint object");
        if (read_key(r, u, 1, "a unique constraint") < 0)
            return -1;
    }
    return rc;
}

static int read_check_list(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"checks\"")) == 1) {
        fmt_check *c = doc_push((void **)&t->checks, &t->nchecks, sizeof *c);
        if (!c || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected a check constraint object");
        if (read_check(r, c, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int read_constraints(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_member(r, &ev, &started, "\"constraints\"")) == 1) {
        if (doc_text_is(&ev, "primary_key")) {
            if (!t->primary_key && !(t->primary_key = calloc(1, sizeof *t->primary_key)))
                return doc_fail_at(r, ev.pos, NULL, "out of memory");
            rc = read_key(r, t->primary_key, 0, "\"primary_key\"");
        } else if (doc_text_is(&ev, "unique")) {
            rc = read_unique_list(r, t);
        } else if (doc_text_is(&ev, "checks")) {
            rc = read_check_list(r, t);
        } else if (doc_text_is(&ev, "foreign_keys")) {
            rc = read_foreign_key_list(r, &t->foreign_keys, &t->nforeign_keys);
        } else if (doc_text_is(&ev, "exclusion")) {
            rc = doc_read_exclusions(r, t);
        } else {
            rc = doc_skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_index_part(fmt_doc_reader *r, fmt_index_part *p, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "an index part")) == 1) {
        if (doc_text_is(&ev, "column"))
            rc = doc_read_string(r, &p->column, "column");
        else if (doc_text_is(&ev, "expression"))
            rc = doc_read_string(r, &p->expression, "expression");
        else if (doc_text_is(&ev, "descending")) {
            rc = doc_read_bool(r, &b, "descending");
            p->descending = b;
        } else if (doc_text_is(&ev, "collation"))
            rc = doc_read_optional_string(r, &p->collation, "collation");
        else if (doc_text_is(&ev, "collation_namespace"))
            rc = doc_read_optional_string(r, &p->collation_namespace, "collation_namespace");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && !p->column == !p->expression)
        return doc_fail_at(r, at, NULL, "an index part needs one of \"column\" or \"expression\"");
    return rc < 0 ? rc : legacy_collation(r, at, &p->collation, &p->collation_namespace);
}

static int read_index_parts(fmt_doc_reader *r, fmt_index *ix)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"parts\"")) == 1) {
        fmt_index_part *p = doc_push((void **)&ix->parts, &ix->nparts, sizeof *p);
        if (!p || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an index part object");
        if (read_index_part(r, p, ev.pos) < 0)
            return -1;
    }
    return rc;
}

/* Reads an index object whose '{' (at position at) was read. */
static int read_index(fmt_doc_reader *r, fmt_index *ix, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "an index")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &ix->name, "index name");
        else if (doc_text_is(&ev, "unique")) {
            rc = doc_read_bool(r, &b, "unique");
            ix->unique = b;
        } else if (doc_text_is(&ev, "where"))
            rc = doc_read_optional_string(r, &ix->where, "where");
        else if (doc_text_is(&ev, "sql"))
            rc = doc_read_optional_string(r, &ix->sql, "sql");
        else if (doc_text_is(&ev, "parts"))
            rc = read_index_parts(r, ix);
        else if (doc_text_is(&ev, "include"))
            rc = doc_read_string_array(r, &ix->include, &ix->ninclude, "include");
        else if (doc_text_is(&ev, "nulls_not_distinct")) {
            rc = doc_read_bool(r, &b, "nulls_not_distinct");
            ix->nulls_not_distinct = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    if (!ix->name || !ix->nparts)
        return doc_fail_at(r, at, NULL, "an index needs \"name\" and \"parts\"");
    return 0;
}

static int read_index_list(fmt_doc_reader *r, fmt_index **indexes, size_t *nindexes)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"indexes\"")) == 1) {
        fmt_index *ix = doc_push((void **)indexes, nindexes, sizeof *ix);
        if (!ix || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an index object");
        if (read_index(r, ix, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int read_options(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "\"options\"")) == 1) {
        if (doc_text_is(&ev, "without_rowid")) {
            rc = doc_read_bool(r, &b, "without_rowid");
            t->without_rowid = b;
        } else if (doc_text_is(&ev, "strict")) {
            rc = doc_read_bool(r, &b, "strict");
            t->strict = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_partitioning(fmt_doc_reader *r, fmt_table *t);

/* A partition's "constraints" and "partitioning" (1.3), read as a table's
 * into own and moved to the partition. 1 when ev was one of them. */
static int read_partition_key(fmt_doc_reader *r, const fmt_json_event *ev, fmt_partition *part)
{
    fmt_table own = {.primary_key = part->primary_key,
                     .uniques = part->uniques,
                     .nuniques = part->nuniques,
                     .checks = part->checks,
                     .nchecks = part->nchecks,
                     .partitioning = part->partitioning};
    int rc;
    if (doc_text_is(ev, "constraints"))
        rc = read_constraints(r, &own);
    else if (doc_text_is(ev, "partitioning"))
        rc = read_partitioning(r, &own);
    else
        return 0;
    part->primary_key = own.primary_key;
    part->uniques = own.uniques;
    part->nuniques = own.nuniques;
    part->checks = own.checks;
    part->nchecks = own.nchecks;
    part->partitioning = own.partitioning;
    /* a partition has no exclusion constraints or foreign keys there */
    for (size_t i = 0; i < own.nexclusions; i++)
        fmt_exclusion_clear(&own.exclusions[i]);
    free(own.exclusions);
    for (size_t i = 0; i < own.nforeign_keys; i++)
        fmt_foreign_key_clear(&own.foreign_keys[i]);
    free(own.foreign_keys);
    return rc < 0 ? -1 : 1;
}

/* Reads a partition object whose '{' (at position at) was read. */
static int read_partition(fmt_doc_reader *r, fmt_partition *part, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = doc_next_member(r, &ev, &started, "a partition")) == 1) {
        if ((rc = read_partition_key(r, &ev, part)) != 0)
            ;
        else if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &part->name, "name");
        else if (doc_text_is(&ev, "indexes"))
            rc = read_index_list(r, &part->indexes, &part->nindexes);
        else if (doc_text_is(&ev, "foreign_keys"))
            rc = read_foreign_key_list(r, &part->foreign_keys, &part->nforeign_keys);
        else if (doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &part->namespace, "namespace");
        else if (doc_text_is(&ev, "bound"))
            rc = doc_read_string(r, &part->bound, "bound");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    if (!part->name || !part->bound)
        return doc_fail_at(r, at, NULL, "a partition needs \"name\" and \"bound\"");
    return 0;
}

static int read_partition_list(fmt_doc_reader *r, fmt_partitioning *p)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"partitions\"")) == 1) {
        fmt_partition *part = doc_push((void **)&p->partitions, &p->npartitions, sizeof *part);
        if (!part || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected a partition object");
        if (read_partition(r, part, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int read_partitioning(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    fmt_partitioning *p = t->partitioning;
    if (!p && !(p = t->partitioning = calloc(1, sizeof *p)))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL, "out of memory");
    while ((rc = doc_next_member(r, &ev, &started, "\"partitioning\"")) == 1) {
        if (doc_text_is(&ev, "strategy"))
            rc = doc_read_string(r, &p->strategy, "strategy");
        else if (doc_text_is(&ev, "key"))
            rc = doc_read_string(r, &p->key, "key");
        else if (doc_text_is(&ev, "partitions"))
            rc = read_partition_list(r, p);
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!p->strategy || !p->key))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "\"partitioning\" needs \"strategy\" and \"key\"");
    return rc;
}

static int check_names(fmt_doc_reader *r, fmt_position at, char **names, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (fmt_table_find_column(r->table, names[i]) < 0)
            return doc_fail_at(r, at, NULL, "%s names \"%.120s\", which is not a column", what,
                               names[i]);
    return 0;
}

/* Cross-checks a table's schema once it is complete. */
static int validate_table(fmt_doc_reader *r, fmt_position at)
{
    fmt_table *t = r->table;
    if (!t->ncolumns)
        return doc_fail_at(r, at, NULL, "the table has no columns");
    for (size_t i = 0; i < t->ncolumns; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->columns[i].name, t->columns[j].name) == 0)
                return doc_fail_at(r, at, NULL, "column \"%.120s\" appears twice",
                                   t->columns[i].name);
    if (t->primary_key && (check_names(r, at, t->primary_key->columns, t->primary_key->ncolumns,
                                       "the primary key") < 0 ||
                           check_names(r, at, t->primary_key->include, t->primary_key->ninclude,
                                       "the primary key's include") < 0))
        return -1;
    for (size_t i = 0; i < t->nuniques; i++)
        if (check_names(r, at, t->uniques[i].columns, t->uniques[i].ncolumns,
                        "a unique constraint") < 0 ||
            check_names(r, at, t->uniques[i].include, t->uniques[i].ninclude,
                        "a unique constraint's include") < 0)
            return -1;
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (check_names(r, at, t->foreign_keys[i].columns, t->foreign_keys[i].ncolumns,
                        "a foreign key") < 0)
            return -1;
    for (size_t i = 0; i < t->nindexes; i++) {
        for (size_t p = 0; p < t->indexes[i].nparts; p++)
            if (t->indexes[i].parts[p].column &&
                check_names(r, at, &t->indexes[i].parts[p].column, 1, "an index") < 0)
                return -1;
        if (check_names(r, at, t->indexes[i].include, t->indexes[i].ninclude,
                        "an index's include") < 0)
            return -1;
    }
    if (doc_validate_exclusions(r, at) < 0)
        return -1;

    if (doc_size_row(r, t->ncolumns) < 0)
        return doc_fail_at(r, at, NULL, "out of memory");
    return 0;
}

int doc_size_row(fmt_doc_reader *r, size_t ncolumns)
{
    size_t n = ncolumns ? ncolumns : 1;
    fmt_value *v = realloc(r->values, n * sizeof *v);
    unsigned char *p = v ? realloc(r->present, n) : NULL;
    size_t *o = p ? realloc(r->offsets, n * sizeof *o) : NULL;
    if (v)
        r->values = v;
    if (p)
        r->present = p;
    if (o)
        r->offsets = o;
    return v && p && o ? 0 : -1;
}

/* Reads a table's keys up to "rows" (returns 1: positioned inside the rows
 * array) or to the end of the table object (returns 0). */
int doc_read_table_head(fmt_doc_reader *r, const fmt_json_event *name_ev)
{
    fmt_json_event ev;
    fmt_position at = name_ev->pos;
    if (memchr(name_ev->text, 0, name_ev->len))
        return doc_fail_at(r, at, NULL, "a table name must not contain NUL characters");
    fmt_table *t = calloc(1, sizeof *t);
    if (!t || !(t->name = fmt_strdup(name_ev->text))) {
        free(t);
        return doc_fail_at(r, at, NULL, "out of memory");
    }
    r->table = t;
    r->table_label[0] = '\0';
    r->row_number = 0;
    if (doc_expect(r, &ev, FMT_JSON_OBJECT_START, "a table") < 0)
        return -1;
    int have_columns = 0, rc;
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        if (doc_text_is(&ev, "columns")) {
            rc = read_columns(r, t);
            have_columns = 1;
        } else if (doc_text_is(&ev, "constraints")) {
            rc = read_constraints(r, t);
        } else if (doc_text_is(&ev, "indexes")) {
            rc = read_index_list(r, &t->indexes, &t->nindexes);
        } else if (doc_text_is(&ev, "options")) {
            rc = read_options(r, t);
        } else if (doc_text_is(&ev, "name")) {
            /* the key is a label; "name" is the table's own name */
            rc = doc_read_string(r, &t->name, "a table name");
        } else if (doc_text_is(&ev, "namespace")) {
            rc = doc_read_optional_string(r, &t->namespace, "namespace");
        } else if (doc_text_is(&ev, "partitioning")) {
            rc = read_partitioning(r, t);
        } else if (doc_text_is(&ev, "comment")) {
            rc = doc_read_optional_string(r, &t->comment, "comment");
        } else if (doc_text_is(&ev, "row_security")) {
            rc = doc_read_row_security(r, t);
        } else if (doc_text_is(&ev, "privileges")) {
            rc = doc_read_privileges(r, &t->privileges, DOC_PRIVILEGES_RELATION);
        } else if (doc_text_is(&ev, "rows")) {
            if (!have_columns)
                return doc_fail_at(r, ev.pos, NULL,
                                   "\"rows\" comes before \"columns\"; a table's metadata must "
                                   "precede its rows");
            if (validate_table(r, at) < 0)
                return -1;
            if (doc_expect(r, &ev, FMT_JSON_ARRAY_START, "\"rows\"") < 0)
                return -1;
            return 1;
        } else {
            rc = doc_skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    if (!have_columns)
        return doc_fail_at(r, at, NULL, "the table has no \"columns\"");
    if (validate_table(r, at) < 0)
        return -1;
    return 0;
}
