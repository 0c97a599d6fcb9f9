/* The document reader: a resumable state machine over the JSON pull reader
 * that yields the header, each table's schema, its rows decoded by column
 * type, and the native objects (docs/FORMAT.md). Nothing but the current
 * table's schema and the current row is held in memory. */
#include "doc_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_reader.h"
#include "json_writer.h"
#include "number.h"

#define READ_CHUNK (256 * 1024)

typedef enum {
    ST_START,        /* before the top-level object */
    ST_TABLES,       /* inside "tables", between tables */
    ST_ROWS,         /* inside a table's "rows" */
    ST_TABLE_TAIL,   /* after a table's rows, before its end */
    ST_TABLE_END,    /* a table without rows was returned: its end is next */
    ST_AFTER_TABLES, /* top-level keys after "tables" */
    ST_NATIVE,       /* native objects to hand out */
    ST_DONE,
    ST_FAILED
} doc_state;

struct fmt_doc_reader {
    fmt_doc_reader_options opts;
    fmt_source_fn source;
    fmt_source_errmsg_fn source_errmsg;
    void *source_ctx;
    char *name;
    fmt_json_reader *json;
    char *chunk;
    int eof;

    doc_state state;
    fmt_header header;
    int have_format, have_version, seen_tables;
    fmt_table *table;
    uint64_t row_number;
    fmt_position event_pos;
    fmt_native_object *objects;
    size_t nobjects, cap_objects;

    /* Current row: values, presence flags, offsets of byte values in arena. */
    fmt_value *values;
    unsigned char *present;
    size_t *offsets;
    char *arena;
    size_t arena_len, arena_cap;
    size_t next_column; /* where the next row key most likely is */

    char errmsg[1024];
};

/* ---- errors ---------------------------------------------------------- */

/* Formats "NAME:LINE:COLUMN (byte N): [table "t", [row R, ][column "c": ]]what". */
static int fail_at(fmt_doc_reader *r, fmt_position pos, const char *column, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char context[400] = "";
    size_t n = 0;
    if (r->table) {
        n +=
            (size_t)snprintf(context + n, sizeof context - n, "table \"%.120s\", ", r->table->name);
        if (r->state == ST_ROWS && r->row_number)
            n += (size_t)snprintf(context + n, sizeof context - n, "row %llu, ",
                                  (unsigned long long)r->row_number);
        if (column && n < sizeof context)
            n += (size_t)snprintf(context + n, sizeof context - n, "column \"%.120s\", ", column);
    }
    if (n >= 2 && n < sizeof context) /* ", " → ": " */
        context[n - 2] = ':';
    snprintf(r->errmsg, sizeof r->errmsg, "%s:%llu:%llu (byte %llu): %s%s", r->name,
             (unsigned long long)pos.line, (unsigned long long)pos.column,
             (unsigned long long)pos.offset, context, what);
    r->state = ST_FAILED;
    return -1;
}

const char *fmt_doc_reader_errmsg(const fmt_doc_reader *r)
{
    return r->errmsg;
}

const char *fmt_doc_reader_error_at(fmt_doc_reader *r, const char *column, const char *what)
{
    doc_state saved = r->state;
    r->state = ST_ROWS;
    fail_at(r, r->event_pos, column, "%s", what);
    r->state = saved == ST_ROWS ? ST_FAILED : saved;
    return r->errmsg;
}

const char *fmt_doc_reader_error_at_row(fmt_doc_reader *r, uint64_t row, uint64_t line,
                                        uint64_t column_number, uint64_t offset, const char *column,
                                        const char *what)
{
    doc_state saved = r->state;
    uint64_t saved_row = r->row_number;
    fmt_position pos = {line, column_number, offset};
    r->state = ST_ROWS;
    r->row_number = row;
    fail_at(r, pos, column, "%s", what);
    r->row_number = saved_row;
    r->state = saved == ST_ROWS ? ST_FAILED : saved;
    return r->errmsg;
}

/* ---- JSON events ----------------------------------------------------- */

static int jnext(fmt_doc_reader *r, fmt_json_event *ev)
{
    for (;;) {
        if (fmt_json_reader_next(r->json, ev) < 0)
            return fail_at(r, fmt_json_reader_errpos(r->json), NULL, "%s",
                           fmt_json_reader_errmsg(r->json));
        if (ev->type != FMT_JSON_NEED_INPUT)
            return 0;
        size_t got = 0;
        if (r->eof) {
            fmt_json_reader_feed(r->json, r->chunk, 0, 1);
            continue;
        }
        if (r->source(r->source_ctx, r->chunk, READ_CHUNK, &got) < 0) {
            const char *why = r->source_errmsg ? r->source_errmsg(r->source_ctx) : "read error";
            return fail_at(r, fmt_json_reader_position(r->json), NULL, "%s", why);
        }
        if (got == 0)
            r->eof = 1;
        fmt_json_reader_feed(r->json, r->chunk, got, r->eof);
    }
}

static const char *event_name(fmt_json_event_type t)
{
    switch (t) {
    case FMT_JSON_OBJECT_START:
        return "an object";
    case FMT_JSON_OBJECT_END:
        return "'}'";
    case FMT_JSON_ARRAY_START:
        return "an array";
    case FMT_JSON_ARRAY_END:
        return "']'";
    case FMT_JSON_KEY:
        return "a key";
    case FMT_JSON_STRING:
        return "a string";
    case FMT_JSON_NUMBER:
        return "a number";
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        return "a boolean";
    case FMT_JSON_NULL:
        return "null";
    default:
        return "the end of the document";
    }
}

/* Skips the value that begins with ev. */
static int skip_value(fmt_doc_reader *r, const fmt_json_event *ev)
{
    if (ev->type != FMT_JSON_OBJECT_START && ev->type != FMT_JSON_ARRAY_START)
        return 0;
    unsigned depth = 1;
    fmt_json_event e;
    while (depth) {
        if (jnext(r, &e) < 0)
            return -1;
        if (e.type == FMT_JSON_OBJECT_START || e.type == FMT_JSON_ARRAY_START)
            depth++;
        else if (e.type == FMT_JSON_OBJECT_END || e.type == FMT_JSON_ARRAY_END)
            depth--;
    }
    return 0;
}

static int expect(fmt_doc_reader *r, fmt_json_event *ev, fmt_json_event_type type, const char *what)
{
    if (jnext(r, ev) < 0)
        return -1;
    if (ev->type != type)
        return fail_at(r, ev->pos, NULL, "expected %s for %s, found %s", event_name(type), what,
                       event_name(ev->type));
    return 0;
}

/* A string value without NUL bytes (names, SQL text), copied. */
static int read_string(fmt_doc_reader *r, char **out, const char *what)
{
    fmt_json_event ev;
    if (expect(r, &ev, FMT_JSON_STRING, what) < 0)
        return -1;
    if (memchr(ev.text, 0, ev.len))
        return fail_at(r, ev.pos, NULL, "%s must not contain NUL characters", what);
    char *s = malloc(ev.len + 1);
    if (!s)
        return fail_at(r, ev.pos, NULL, "out of memory");
    memcpy(s, ev.text, ev.len + 1);
    free(*out);
    *out = s;
    return 0;
}

static int read_optional_string(fmt_doc_reader *r, char **out, const char *what)
{
    fmt_json_event ev;
    if (jnext(r, &ev) < 0)
        return -1;
    if (ev.type == FMT_JSON_NULL) {
        free(*out);
        *out = NULL;
        return 0;
    }
    if (ev.type != FMT_JSON_STRING)
        return fail_at(r, ev.pos, NULL, "expected a string for %s, found %s", what,
                       event_name(ev.type));
    if (memchr(ev.text, 0, ev.len))
        return fail_at(r, ev.pos, NULL, "%s must not contain NUL characters", what);
    free(*out);
    *out = malloc(ev.len + 1);
    if (!*out)
        return fail_at(r, ev.pos, NULL, "out of memory");
    memcpy(*out, ev.text, ev.len + 1);
    return 0;
}

static int read_bool(fmt_doc_reader *r, bool *out, const char *what)
{
    fmt_json_event ev;
    if (jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_TRUE && ev.type != FMT_JSON_FALSE)
        return fail_at(r, ev.pos, NULL, "expected a boolean for %s, found %s", what,
                       event_name(ev.type));
    *out = ev.type == FMT_JSON_TRUE;
    return 0;
}

/* Iterates the members of an object: call with *started = 0 first; returns
 * 1 with the key in ev, 0 at the end of the object, <0 on error. */
static int next_member(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what)
{
    if (!*started) {
        if (expect(r, ev, FMT_JSON_OBJECT_START, what) < 0)
            return -1;
        *started = 1;
    }
    if (jnext(r, ev) < 0)
        return -1;
    if (ev->type == FMT_JSON_OBJECT_END)
        return 0;
    return 1; /* a KEY: the JSON reader guarantees it */
}

/* Iterates the elements of an array: returns 1 with the element's first
 * event in ev, 0 at the end. */
static int next_element(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what)
{
    if (!*started) {
        if (expect(r, ev, FMT_JSON_ARRAY_START, what) < 0)
            return -1;
        *started = 1;
    }
    if (jnext(r, ev) < 0)
        return -1;
    return ev->type == FMT_JSON_ARRAY_END ? 0 : 1;
}

static int skip_next_value(fmt_doc_reader *r)
{
    fmt_json_event ev;
    if (jnext(r, &ev) < 0)
        return -1;
    return skip_value(r, &ev);
}

static int read_string_array(fmt_doc_reader *r, char ***out, size_t *n, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    size_t cap = 0;
    while ((rc = next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_STRING || memchr(ev.text, 0, ev.len))
            return fail_at(r, ev.pos, NULL, "expected a name in %s, found %s", what,
                           event_name(ev.type));
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            char **grown = realloc(*out, cap * sizeof *grown);
            if (!grown)
                return fail_at(r, ev.pos, NULL, "out of memory");
            *out = grown;
        }
        if (!((*out)[*n] = fmt_strdup(ev.text)))
            return fail_at(r, ev.pos, NULL, "out of memory");
        (*n)++;
    }
    return rc;
}

/* Grows a dynamic array of elements of size sz by one zeroed element. */
static void *push(void **items, size_t *n, size_t sz)
{
    void *grown = realloc(*items, (*n + 1) * sz);
    if (!grown)
        return NULL;
    *items = grown;
    void *slot = (char *)grown + *n * sz;
    memset(slot, 0, sz);
    (*n)++;
    return slot;
}

/* ---- header ---------------------------------------------------------- */

static int read_format_version(fmt_doc_reader *r)
{
    fmt_json_event ev;
    if (expect(r, &ev, FMT_JSON_STRING, "\"format_version\"") < 0)
        return -1;
    unsigned long major = 0, minor = 0;
    char tail;
    if (sscanf(ev.text, "%lu.%lu%c", &major, &minor, &tail) != 2 || ev.text[0] < '0' ||
        ev.text[0] > '9')
        return fail_at(r, ev.pos, NULL, "invalid format_version \"%.40s\" (expected MAJOR.MINOR)",
                       ev.text);
    if (major > FMT_FORMAT_MAJOR)
        return fail_at(r, ev.pos, NULL,
                       "format version %.40s is newer than this program reads (%d.x); "
                       "upgrade dbimport to read it",
                       ev.text, FMT_FORMAT_MAJOR);
    if (major < FMT_FORMAT_MAJOR)
        return fail_at(r, ev.pos, NULL, "unsupported format version %.40s", ev.text);
    free(r->header.format_version);
    r->header.format_version = fmt_strdup(ev.text);
    r->have_version = 1;
    return 0;
}

static int read_source(fmt_doc_reader *r)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_member(r, &ev, &started, "\"source\"")) == 1) {
        if (strcmp(ev.text, "backend") == 0)
            rc = read_string(r, &r->header.source_backend, "source.backend");
        else if (strcmp(ev.text, "version") == 0)
            rc = read_optional_string(r, &r->header.source_version, "source.version");
        else if (strcmp(ev.text, "database") == 0)
            rc = read_optional_string(r, &r->header.source_database, "source.database");
        else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_native_objects(fmt_doc_reader *r, fmt_native_kind kind, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return fail_at(r, ev.pos, NULL, "expected an object in %s", what);
        fmt_native_object *o = push((void **)&r->objects, &r->nobjects, sizeof *o);
        if (!o)
            return fail_at(r, ev.pos, NULL, "out of memory");
        o->kind = kind;
        fmt_position at = ev.pos;
        for (;;) {
            if (jnext(r, &ev) < 0)
                return -1;
            if (ev.type == FMT_JSON_OBJECT_END)
                break;
            if (strcmp(ev.text, "name") == 0)
                rc = read_string(r, &o->name, "name");
            else if (strcmp(ev.text, "table") == 0)
                rc = read_optional_string(r, &o->table, "table");
            else if (strcmp(ev.text, "sql") == 0)
                rc = read_string(r, &o->sql, "sql");
            else
                rc = skip_next_value(r);
            if (rc < 0)
                return -1;
        }
        if (!o->name || !o->sql)
            return fail_at(r, at, NULL, "an entry of %s needs \"name\" and \"sql\"", what);
    }
    return rc;
}

static int read_user_types(fmt_doc_reader *r, fmt_user_type_kind kind, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return fail_at(r, ev.pos, NULL, "expected an object in %s", what);
        fmt_user_type *u = push((void **)&r->header.user_types, &r->header.nuser_types, sizeof *u);
        if (!u)
            return fail_at(r, ev.pos, NULL, "out of memory");
        u->kind = kind;
        fmt_position at = ev.pos;
        int s2 = 1;
        bool b = true;
        while ((rc = next_member(r, &ev, &s2, what)) == 1) {
            const char *k = ev.text;
            if (strcmp(k, "name") == 0)
                rc = read_string(r, &u->name, "name");
            else if (strcmp(k, "namespace") == 0)
                rc = read_optional_string(r, &u->namespace, "namespace");
            else if (strcmp(k, "labels") == 0)
                rc = read_string_array(r, &u->labels, &u->nlabels, "labels");
            else if (strcmp(k, "base_type") == 0)
                rc = read_string(r, &u->base_type, "base_type");
            else if (strcmp(k, "nullable") == 0) {
                rc = read_bool(r, &b, "nullable");
                u->not_null = !b;
            } else if (strcmp(k, "default") == 0)
                rc = read_optional_string(r, &u->default_sql, "default");
            else if (strcmp(k, "checks") == 0)
                rc = read_string_array(r, &u->checks, &u->nchecks, "checks");
            else
                rc = skip_next_value(r);
            if (rc < 0)
                return -1;
        }
        if (rc < 0)
            return -1;
        if (!u->name || (kind == FMT_USER_TYPE_DOMAIN && !u->base_type))
            return fail_at(r, at, NULL, "an entry of %s needs \"name\"%s", what,
                           kind == FMT_USER_TYPE_DOMAIN ? " and \"base_type\"" : "");
    }
    return rc;
}

/* Handles a top-level key other than "tables"; 1 if it was "tables". */
static int top_level_key(fmt_doc_reader *r, const fmt_json_event *key)
{
    const char *k = key->text;
    int rc;
    if (strcmp(k, "tables") == 0)
        return 1;
    if (strcmp(k, "format") == 0) {
        fmt_json_event ev;
        if (expect(r, &ev, FMT_JSON_STRING, "\"format\"") < 0)
            return -1;
        if (strcmp(ev.text, FMT_FORMAT_NAME) != 0)
            return fail_at(r, ev.pos, NULL, "not a dbexport file: format is \"%.60s\"", ev.text);
        r->have_format = 1;
        return 0;
    }
    if (strcmp(k, "format_version") == 0)
        rc = read_format_version(r);
    else if (strcmp(k, "created") == 0)
        rc = read_optional_string(r, &r->header.created, "\"created\"");
    else if (strcmp(k, "generator") == 0)
        rc = read_optional_string(r, &r->header.generator, "\"generator\"");
    else if (strcmp(k, "source") == 0)
        rc = read_source(r);
    else if (strcmp(k, "extensions") == 0)
        rc = read_string_array(r, &r->header.extensions, &r->header.nextensions, "\"extensions\"");
    else if (strcmp(k, "enums") == 0)
        rc = read_user_types(r, FMT_USER_TYPE_ENUM, "\"enums\"");
    else if (strcmp(k, "domains") == 0)
        rc = read_user_types(r, FMT_USER_TYPE_DOMAIN, "\"domains\"");
    else if (strcmp(k, "views") == 0)
        rc = read_native_objects(r, FMT_NATIVE_VIEW, "\"views\"");
    else if (strcmp(k, "triggers") == 0)
        rc = read_native_objects(r, FMT_NATIVE_TRIGGER, "\"triggers\"");
    else
        rc = skip_next_value(r);
    return rc < 0 ? -1 : 0;
}

/* ---- table schema ---------------------------------------------------- */

static int read_column(fmt_doc_reader *r, fmt_column *c, fmt_position at)
{
    fmt_json_event ev;
    int have_nullable = 0, rc;
    bool b = false;
    c->nullable = true;
    c->type.kind = FMT_TYPE_COUNT_;
    for (;;) {
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        const char *k = ev.text;
        if (strcmp(k, "name") == 0) {
            rc = read_string(r, &c->name, "a column name");
        } else if (strcmp(k, "type") == 0) {
            fmt_json_event tv;
            char err[160];
            if (expect(r, &tv, FMT_JSON_STRING, "a column type") < 0)
                return -1;
            if (fmt_type_parse(&c->type, tv.text, tv.len, err, sizeof err) < 0)
                return fail_at(r, tv.pos, c->name, "%s", err);
            free(c->type_text);
            c->type_text = fmt_strdup(tv.text);
            rc = 0;
        } else if (strcmp(k, "native_type") == 0) {
            rc = read_optional_string(r, &c->native_type, "native_type");
        } else if (strcmp(k, "nullable") == 0) {
            rc = read_bool(r, &b, "nullable");
            c->nullable = b;
            have_nullable = 1;
        } else if (strcmp(k, "default") == 0) {
            rc = read_optional_string(r, &c->default_sql, "default");
        } else if (strcmp(k, "collation") == 0) {
            rc = read_optional_string(r, &c->collation, "collation");
        } else if (strcmp(k, "generated") == 0) {
            int started = 0;
            while ((rc = next_member(r, &ev, &started, "\"generated\"")) == 1) {
                if (strcmp(ev.text, "expression") == 0)
                    rc = read_string(r, &c->generated_sql, "generated.expression");
                else if (strcmp(ev.text, "stored") == 0) {
                    rc = read_bool(r, &b, "generated.stored");
                    c->generated_stored = b;
                } else
                    rc = skip_next_value(r);
                if (rc < 0)
                    return -1;
            }
        } else if (strcmp(k, "identity") == 0) {
            fmt_json_event iv;
            if (expect(r, &iv, FMT_JSON_STRING, "identity") < 0)
                return -1;
            int kind = fmt_identity_parse(iv.text);
            if (kind < 0)
                return fail_at(r, iv.pos, c->name, "unknown identity \"%.40s\"", iv.text);
            c->identity = (fmt_identity_kind)kind;
            rc = 0;
        } else if (strcmp(k, "last_value") == 0) {
            fmt_json_event nv;
            if (jnext(r, &nv) < 0)
                return -1;
            if ((nv.type != FMT_JSON_NUMBER && nv.type != FMT_JSON_STRING) ||
                fmt_int64_parse(&c->last_value, nv.text, nv.len) < 0)
                return fail_at(r, nv.pos, c->name, "last_value must be a 64-bit integer");
            c->has_last_value = true;
            rc = 0;
        } else {
            rc = skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    if (!c->name)
        return fail_at(r, at, NULL, "a column has no \"name\"");
    if (c->type.kind == FMT_TYPE_COUNT_)
        return fail_at(r, at, c->name, "the column has no \"type\"");
    if (!have_nullable)
        return fail_at(r, at, c->name, "the column has no \"nullable\"");
    return 0;
}

static int read_columns(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_element(r, &ev, &started, "\"columns\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return fail_at(r, ev.pos, NULL, "expected a column object, found %s",
                           event_name(ev.type));
        if (t->ncolumns >= r->opts.max_columns)
            return fail_at(r, ev.pos, NULL, "more than %zu columns", r->opts.max_columns);
        fmt_column *c = push((void **)&t->columns, &t->ncolumns, sizeof *c);
        if (!c)
            return fail_at(r, ev.pos, NULL, "out of memory");
        if (read_column(r, c, ev.pos) < 0)
            return -1;
    }
    return rc;
}

/* Reads a key object ({"name", "columns"}); started: its '{' was read. */
static int read_key(fmt_doc_reader *r, fmt_key *k, int started, const char *what)
{
    fmt_json_event ev;
    int rc;
    while ((rc = next_member(r, &ev, &started, what)) == 1) {
        if (strcmp(ev.text, "name") == 0)
            rc = read_optional_string(r, &k->name, "name");
        else if (strcmp(ev.text, "columns") == 0)
            rc = read_string_array(r, &k->columns, &k->ncolumns, "columns");
        else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int read_references(fmt_doc_reader *r, fmt_foreign_key *fk)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_member(r, &ev, &started, "\"references\"")) == 1) {
        if (strcmp(ev.text, "table") == 0)
            rc = read_string(r, &fk->ref_table, "references.table");
        else if (strcmp(ev.text, "namespace") == 0)
            rc = read_optional_string(r, &fk->ref_namespace, "references.namespace");
        else if (strcmp(ev.text, "columns") == 0)
            rc = read_string_array(r, &fk->ref_columns, &fk->nref_columns, "references.columns");
        else
            rc = skip_next_value(r);
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
    while ((rc = next_member(r, &ev, &started, "a foreign key")) == 1) {
        const char *k = ev.text;
        if (strcmp(k, "name") == 0)
            rc = read_optional_string(r, &fk->name, "name");
        else if (strcmp(k, "columns") == 0)
            rc = read_string_array(r, &fk->columns, &fk->ncolumns, "columns");
        else if (strcmp(k, "references") == 0)
            rc = read_references(r, fk);
        else if (strcmp(k, "on_delete") == 0)
            rc = read_string(r, &fk->on_delete, "on_delete");
        else if (strcmp(k, "on_update") == 0)
            rc = read_string(r, &fk->on_update, "on_update");
        else if (strcmp(k, "deferrable") == 0) {
            rc = read_bool(r, &b, "deferrable");
            fk->deferrable = b;
        } else if (strcmp(k, "initially_deferred") == 0) {
            rc = read_bool(r, &b, "initially_deferred");
            fk->initially_deferred = b;
        } else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!fk->ref_table || !fk->ncolumns))
        return fail_at(r, at, NULL, "a foreign key needs \"columns\" and \"references\".\"table\"");
    return rc;
}

/* Reads a check object whose '{' (at position at) was read. */
static int read_check(fmt_doc_reader *r, fmt_check *c, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = next_member(r, &ev, &started, "a check constraint")) == 1) {
        if (strcmp(ev.text, "name") == 0)
            rc = read_optional_string(r, &c->name, "name");
        else if (strcmp(ev.text, "expression") == 0)
            rc = read_string(r, &c->expression, "expression");
        else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && !c->expression)
        return fail_at(r, at, NULL, "a check constraint has no \"expression\"");
    return rc;
}

static int read_foreign_key_list(fmt_doc_reader *r, fmt_foreign_key **fks, size_t *nfks)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_element(r, &ev, &started, "\"foreign_keys\"")) == 1) {
        fmt_foreign_key *fk = push((void **)fks, nfks, sizeof *fk);
        if (!fk || ev.type != FMT_JSON_OBJECT_START)
            return fail_at(r, ev.pos, NULL, "expected a foreign key object");
        if (read_foreign_key(r, fk, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int read_constraints(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_member(r, &ev, &started, "\"constraints\"")) == 1) {
        const char *k = ev.text;
        int s2 = 0;
        if (strcmp(k, "primary_key") == 0) {
            if (!t->primary_key && !(t->primary_key = calloc(1, sizeof *t->primary_key)))
                return fail_at(r, ev.pos, NULL, "out of memory");
            rc = read_key(r, t->primary_key, 0, "\"primary_key\"");
        } else if (strcmp(k, "unique") == 0) {
            while ((rc = next_element(r, &ev, &s2, "\"unique\"")) == 1) {
                fmt_key *u = push((void **)&t->uniques, &t->nuniques, sizeof *u);
                if (!u || ev.type != FMT_JSON_OBJECT_START)
                    return fail_at(r, ev.pos, NULL, "expected a unique constraint object");
                if (read_key(r, u, 1, "a unique constraint") < 0)
                    return -1;
            }
        } else if (strcmp(k, "checks") == 0) {
            while ((rc = next_element(r, &ev, &s2, "\"checks\"")) == 1) {
                fmt_check *c = push((void **)&t->checks, &t->nchecks, sizeof *c);
                if (!c || ev.type != FMT_JSON_OBJECT_START)
                    return fail_at(r, ev.pos, NULL, "expected a check constraint object");
                if (read_check(r, c, ev.pos) < 0)
                    return -1;
            }
        } else if (strcmp(k, "foreign_keys") == 0) {
            rc = read_foreign_key_list(r, &t->foreign_keys, &t->nforeign_keys);
        } else {
            rc = skip_next_value(r);
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
    while ((rc = next_member(r, &ev, &started, "an index part")) == 1) {
        if (strcmp(ev.text, "column") == 0)
            rc = read_string(r, &p->column, "column");
        else if (strcmp(ev.text, "expression") == 0)
            rc = read_string(r, &p->expression, "expression");
        else if (strcmp(ev.text, "descending") == 0) {
            rc = read_bool(r, &b, "descending");
            p->descending = b;
        } else if (strcmp(ev.text, "collation") == 0)
            rc = read_optional_string(r, &p->collation, "collation");
        else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && !p->column == !p->expression)
        return fail_at(r, at, NULL, "an index part needs one of \"column\" or \"expression\"");
    return rc;
}

static int read_index_list(fmt_doc_reader *r, fmt_index **indexes, size_t *nindexes)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = next_element(r, &ev, &started, "\"indexes\"")) == 1) {
        fmt_index *ix = push((void **)indexes, nindexes, sizeof *ix);
        if (!ix || ev.type != FMT_JSON_OBJECT_START)
            return fail_at(r, ev.pos, NULL, "expected an index object");
        fmt_position at = ev.pos;
        int s2 = 1;
        bool b = false;
        while ((rc = next_member(r, &ev, &s2, "an index")) == 1) {
            const char *k = ev.text;
            if (strcmp(k, "name") == 0)
                rc = read_string(r, &ix->name, "index name");
            else if (strcmp(k, "unique") == 0) {
                rc = read_bool(r, &b, "unique");
                ix->unique = b;
            } else if (strcmp(k, "where") == 0)
                rc = read_optional_string(r, &ix->where, "where");
            else if (strcmp(k, "sql") == 0)
                rc = read_optional_string(r, &ix->sql, "sql");
            else if (strcmp(k, "parts") == 0) {
                int s3 = 0;
                while ((rc = next_element(r, &ev, &s3, "\"parts\"")) == 1) {
                    fmt_index_part *p = push((void **)&ix->parts, &ix->nparts, sizeof *p);
                    if (!p || ev.type != FMT_JSON_OBJECT_START)
                        return fail_at(r, ev.pos, NULL, "expected an index part object");
                    if (read_index_part(r, p, ev.pos) < 0)
                        return -1;
                }
            } else
                rc = skip_next_value(r);
            if (rc < 0)
                return -1;
        }
        if (rc < 0)
            return -1;
        if (!ix->name || !ix->nparts)
            return fail_at(r, at, NULL, "an index needs \"name\" and \"parts\"");
    }
    return rc;
}

static int read_options(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    bool b = false;
    while ((rc = next_member(r, &ev, &started, "\"options\"")) == 1) {
        if (strcmp(ev.text, "without_rowid") == 0) {
            rc = read_bool(r, &b, "without_rowid");
            t->without_rowid = b;
        } else if (strcmp(ev.text, "strict") == 0) {
            rc = read_bool(r, &b, "strict");
            t->strict = b;
        } else
            rc = skip_next_value(r);
        if (rc < 0)
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
        return fail_at(r, fmt_json_reader_position(r->json), NULL, "out of memory");
    while ((rc = next_member(r, &ev, &started, "\"partitioning\"")) == 1) {
        const char *k = ev.text;
        if (strcmp(k, "strategy") == 0)
            rc = read_string(r, &p->strategy, "strategy");
        else if (strcmp(k, "key") == 0)
            rc = read_string(r, &p->key, "key");
        else if (strcmp(k, "partitions") == 0) {
            int s2 = 0;
            while ((rc = next_element(r, &ev, &s2, "\"partitions\"")) == 1) {
                fmt_partition *part = push((void **)&p->partitions, &p->npartitions, sizeof *part);
                if (!part || ev.type != FMT_JSON_OBJECT_START)
                    return fail_at(r, ev.pos, NULL, "expected a partition object");
                fmt_position at = ev.pos;
                int s3 = 1;
                while ((rc = next_member(r, &ev, &s3, "a partition")) == 1) {
                    if (strcmp(ev.text, "name") == 0)
                        rc = read_string(r, &part->name, "name");
                    else if (strcmp(ev.text, "indexes") == 0)
                        rc = read_index_list(r, &part->indexes, &part->nindexes);
                    else if (strcmp(ev.text, "foreign_keys") == 0)
                        rc = read_foreign_key_list(r, &part->foreign_keys, &part->nforeign_keys);
                    else if (strcmp(ev.text, "namespace") == 0)
                        rc = read_optional_string(r, &part->namespace, "namespace");
                    else if (strcmp(ev.text, "bound") == 0)
                        rc = read_string(r, &part->bound, "bound");
                    else
                        rc = skip_next_value(r);
                    if (rc < 0)
                        return -1;
                }
                if (rc < 0)
                    return -1;
                if (!part->name || !part->bound)
                    return fail_at(r, at, NULL, "a partition needs \"name\" and \"bound\"");
            }
        } else
            rc = skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!p->strategy || !p->key))
        return fail_at(r, fmt_json_reader_position(r->json), NULL,
                       "\"partitioning\" needs \"strategy\" and \"key\"");
    return rc;
}

static int check_names(fmt_doc_reader *r, fmt_position at, char **names, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (fmt_table_find_column(r->table, names[i]) < 0)
            return fail_at(r, at, NULL, "%s names \"%.120s\", which is not a column", what,
                           names[i]);
    return 0;
}

/* Cross-checks a table's schema once it is complete. */
static int validate_table(fmt_doc_reader *r, fmt_position at)
{
    fmt_table *t = r->table;
    if (!t->ncolumns)
        return fail_at(r, at, NULL, "the table has no columns");
    for (size_t i = 0; i < t->ncolumns; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->columns[i].name, t->columns[j].name) == 0)
                return fail_at(r, at, NULL, "column \"%.120s\" appears twice", t->columns[i].name);
    if (t->primary_key && check_names(r, at, t->primary_key->columns, t->primary_key->ncolumns,
                                      "the primary key") < 0)
        return -1;
    for (size_t i = 0; i < t->nuniques; i++)
        if (check_names(r, at, t->uniques[i].columns, t->uniques[i].ncolumns,
                        "a unique constraint") < 0)
            return -1;
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (check_names(r, at, t->foreign_keys[i].columns, t->foreign_keys[i].ncolumns,
                        "a foreign key") < 0)
            return -1;
    for (size_t i = 0; i < t->nindexes; i++)
        for (size_t p = 0; p < t->indexes[i].nparts; p++)
            if (t->indexes[i].parts[p].column &&
                check_names(r, at, &t->indexes[i].parts[p].column, 1, "an index") < 0)
                return -1;

    /* Row buffers sized for this table. */
    size_t n = t->ncolumns;
    fmt_value *v = realloc(r->values, n * sizeof *v);
    unsigned char *p = v ? realloc(r->present, n) : NULL;
    size_t *o = p ? realloc(r->offsets, n * sizeof *o) : NULL;
    if (v)
        r->values = v;
    if (p)
        r->present = p;
    if (o)
        r->offsets = o;
    if (!v || !p || !o)
        return fail_at(r, at, NULL, "out of memory");
    return 0;
}

/* Reads a table's keys up to "rows" (returns 1: positioned inside the rows
 * array) or to the end of the table object (returns 0). */
static int read_table_head(fmt_doc_reader *r, const fmt_json_event *name_ev)
{
    fmt_json_event ev;
    fmt_position at = name_ev->pos;
    if (memchr(name_ev->text, 0, name_ev->len))
        return fail_at(r, at, NULL, "a table name must not contain NUL characters");
    fmt_table *t = calloc(1, sizeof *t);
    if (!t || !(t->name = fmt_strdup(name_ev->text))) {
        free(t);
        return fail_at(r, at, NULL, "out of memory");
    }
    r->table = t;
    r->row_number = 0;
    if (expect(r, &ev, FMT_JSON_OBJECT_START, "a table") < 0)
        return -1;
    int have_columns = 0, rc;
    for (;;) {
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        const char *k = ev.text;
        if (strcmp(k, "columns") == 0) {
            rc = read_columns(r, t);
            have_columns = 1;
        } else if (strcmp(k, "constraints") == 0) {
            rc = read_constraints(r, t);
        } else if (strcmp(k, "indexes") == 0) {
            rc = read_index_list(r, &t->indexes, &t->nindexes);
        } else if (strcmp(k, "options") == 0) {
            rc = read_options(r, t);
        } else if (strcmp(k, "name") == 0) {
            /* the key is a label; "name" is the table's own name */
            rc = read_string(r, &t->name, "a table name");
        } else if (strcmp(k, "namespace") == 0) {
            rc = read_optional_string(r, &t->namespace, "namespace");
        } else if (strcmp(k, "partitioning") == 0) {
            rc = read_partitioning(r, t);
        } else if (strcmp(k, "rows") == 0) {
            if (!have_columns)
                return fail_at(r, ev.pos, NULL,
                               "\"rows\" comes before \"columns\"; a table's metadata must "
                               "precede its rows");
            if (validate_table(r, at) < 0)
                return -1;
            if (expect(r, &ev, FMT_JSON_ARRAY_START, "\"rows\"") < 0)
                return -1;
            return 1;
        } else {
            rc = skip_next_value(r);
        }
        if (rc < 0)
            return -1;
    }
    if (!have_columns)
        return fail_at(r, at, NULL, "the table has no \"columns\"");
    if (validate_table(r, at) < 0)
        return -1;
    return 0;
}

/* ---- rows ------------------------------------------------------------ */

/* Reserves n bytes in the row arena; returns the offset or SIZE_MAX. */
static size_t arena_reserve(fmt_doc_reader *r, size_t n)
{
    if (r->arena_len + n + 1 > r->arena_cap) {
        size_t cap = r->arena_cap ? r->arena_cap : 4096;
        while (cap < r->arena_len + n + 1)
            cap *= 2;
        char *grown = realloc(r->arena, cap);
        if (!grown)
            return SIZE_MAX;
        r->arena = grown;
        r->arena_cap = cap;
    }
    size_t off = r->arena_len;
    r->arena_len += n;
    return off;
}

static int arena_copy(fmt_doc_reader *r, size_t i, const char *s, size_t len)
{
    size_t off = arena_reserve(r, len);
    if (off == SIZE_MAX)
        return -1;
    memcpy(r->arena + off, s, len);
    r->arena[off + len] = 0;
    r->offsets[i] = off;
    r->values[i].len = len;
    return 0;
}

static int arena_base64(fmt_doc_reader *r, size_t i, const fmt_json_event *ev, const char *col)
{
    size_t max = fmt_base64_decoded_max(ev->len);
    if (max == (size_t)-1)
        return fail_at(r, ev->pos, col, "invalid base64: length %zu is not a multiple of 4",
                       ev->len);
    size_t off = arena_reserve(r, max);
    if (off == SIZE_MAX)
        return fail_at(r, ev->pos, col, "out of memory");
    char err[160];
    size_t got = 0;
    if (fmt_base64_decode(r->arena + off, &got, ev->text, ev->len, err, sizeof err) < 0)
        return fail_at(r, ev->pos, col, "invalid base64: %s", err);
    r->arena_len = off + got;
    r->offsets[i] = off;
    r->values[i].len = got;
    return 0;
}

static int parse_integer(fmt_doc_reader *r, const fmt_json_event *ev, const char *col, int64_t *out)
{
    int rc = fmt_int64_parse(out, ev->text, ev->len);
    if (rc == -2)
        return fail_at(r, ev->pos, col, "integer %.60s does not fit in 64 bits", ev->text);
    if (rc < 0)
        return fail_at(r, ev->pos, col, "expected an integer, found \"%.60s\"", ev->text);
    return 0;
}

static int parse_real(fmt_doc_reader *r, const fmt_json_event *ev, const char *col, double *out)
{
    if (fmt_double_parse(out, ev->text, ev->len) < 0)
        return fail_at(r, ev->pos, col, "expected a float, found \"%.60s\"", ev->text);
    return 0;
}

/* A sink appending to the row arena, for re-serialising jsonb values. */
static int arena_sink(void *ctx, const void *buf, size_t len)
{
    fmt_doc_reader *r = ctx;
    if (r->arena_len + len > 2 * r->opts.max_value + 4096)
        return -1; /* read_jsonb reports the size limit */
    size_t off = arena_reserve(r, len);
    if (off == SIZE_MAX)
        return -1;
    memcpy(r->arena + off, buf, len);
    return 0;
}

static int write_json_event(fmt_json_writer *w, const fmt_json_event *ev)
{
    switch (ev->type) {
    case FMT_JSON_OBJECT_START:
        return fmt_json_writer_object_start(w);
    case FMT_JSON_OBJECT_END:
        return fmt_json_writer_object_end(w);
    case FMT_JSON_ARRAY_START:
        return fmt_json_writer_array_start(w);
    case FMT_JSON_ARRAY_END:
        return fmt_json_writer_array_end(w);
    case FMT_JSON_KEY:
        return fmt_json_writer_key(w, ev->text, ev->len);
    case FMT_JSON_STRING:
        return fmt_json_writer_string(w, ev->text, ev->len);
    case FMT_JSON_NUMBER:
        return fmt_json_writer_number_text(w, ev->text, ev->len);
    case FMT_JSON_TRUE:
        return fmt_json_writer_bool(w, 1);
    case FMT_JSON_FALSE:
        return fmt_json_writer_bool(w, 0);
    case FMT_JSON_NULL:
        return fmt_json_writer_null(w);
    default:
        return -1;
    }
}

/* A jsonb value: re-serialised compactly into the arena. first is its first
 * event; second, when not NULL, an event already read after it (the key
 * that showed an object is data, not a tagged form). */
static int read_jsonb(fmt_doc_reader *r, size_t i, const fmt_json_event *first,
                      const fmt_json_event *second, const char *col)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w = NULL;
    opts.buffer_size = 4096;
    size_t start = r->arena_len;
    if (fmt_json_writer_new(&w, arena_sink, r, &opts) < 0)
        return fail_at(r, first->pos, col, "out of memory");
    fmt_json_event ev = *first;
    unsigned depth = 0;
    int rc = 0;
    for (;;) {
        if (write_json_event(w, &ev) < 0) {
            rc = fail_at(r, ev.pos, col, "jsonb value: %s", fmt_json_writer_errmsg(w));
            break;
        }
        if (ev.type == FMT_JSON_OBJECT_START || ev.type == FMT_JSON_ARRAY_START)
            depth++;
        else if (ev.type == FMT_JSON_OBJECT_END || ev.type == FMT_JSON_ARRAY_END)
            depth--;
        if (depth == 0)
            break;
        if (second) {
            ev = *second;
            second = NULL;
        } else if (jnext(r, &ev) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && fmt_json_writer_flush(w) < 0)
        rc = fail_at(r, first->pos, col, "jsonb value too large");
    fmt_json_writer_free(w);
    if (rc < 0)
        return rc;
    if (r->arena_len - start > r->opts.max_value)
        return fail_at(r, first->pos, col, "jsonb value larger than %zu bytes", r->opts.max_value);
    size_t off = arena_reserve(r, 0);
    if (off == SIZE_MAX)
        return fail_at(r, first->pos, col, "out of memory");
    r->arena[r->arena_len] = 0;
    r->offsets[i] = start;
    r->values[i].len = r->arena_len - start;
    r->values[i].kind = FMT_VALUE_JSON;
    return 0;
}

static int read_tagged_body(fmt_doc_reader *r, size_t i, const char *col,
                            const fmt_json_event *keyev);

/* A jsonb column's value. An object whose first key begins with '$' is not
 * data: it is {"$jsonb": value}, the wrapper the writer uses for the JSON
 * null and for values with '$' keys (docs/FORMAT.md 3.2). */
static int read_jsonb_value(fmt_doc_reader *r, size_t i, const fmt_json_event *first,
                            const char *col)
{
    if (first->type != FMT_JSON_OBJECT_START)
        return read_jsonb(r, i, first, NULL, col);
    fmt_json_event key, inner;
    if (jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_KEY || key.text[0] != '$')
        return read_jsonb(r, i, first, &key, col);
    if (strcmp(key.text, "$jsonb") != 0)
        return read_tagged_body(r, i, col, &key); /* $text, $blob...: not JSON at the source */
    if (jnext(r, &inner) < 0 || read_jsonb(r, i, &inner, NULL, col) < 0)
        return -1;
    if (jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_OBJECT_END)
        return fail_at(r, key.pos, col, "a tagged value must have exactly one key");
    return 0;
}

/* A tagged form {"$tag": value}; the object's start was ev. */
static int read_tagged_body(fmt_doc_reader *r, size_t i, const char *col,
                            const fmt_json_event *keyev)
{
    fmt_json_event key = *keyev, ev;
    fmt_value *v = &r->values[i];
    if (key.type != FMT_JSON_KEY)
        return fail_at(r, key.pos, col, "an empty object is not a value");
    char tag[16];
    if (key.len >= sizeof tag)
        return fail_at(r, key.pos, col, "unknown tagged form \"%.40s\"", key.text);
    memcpy(tag, key.text, key.len + 1);
    if (jnext(r, &ev) < 0)
        return -1;
    if (strcmp(tag, "$int") == 0) {
        if (ev.type != FMT_JSON_NUMBER && ev.type != FMT_JSON_STRING)
            return fail_at(r, ev.pos, col, "$int needs an integer");
        v->kind = FMT_VALUE_INTEGER;
        if (parse_integer(r, &ev, col, &v->i) < 0)
            return -1;
    } else if (strcmp(tag, "$real") == 0) {
        if (ev.type != FMT_JSON_NUMBER && ev.type != FMT_JSON_STRING)
            return fail_at(r, ev.pos, col, "$real needs a number");
        v->kind = FMT_VALUE_REAL;
        if (parse_real(r, &ev, col, &v->d) < 0)
            return -1;
    } else if (strcmp(tag, "$text") == 0) {
        if (ev.type != FMT_JSON_STRING)
            return fail_at(r, ev.pos, col, "$text needs a string");
        v->kind = FMT_VALUE_TEXT;
        if (arena_copy(r, i, ev.text, ev.len) < 0)
            return fail_at(r, ev.pos, col, "out of memory");
    } else if (strcmp(tag, "$text_base64") == 0 || strcmp(tag, "$blob") == 0) {
        if (ev.type != FMT_JSON_STRING)
            return fail_at(r, ev.pos, col, "%s needs a base64 string", tag);
        v->kind = tag[1] == 'b' ? FMT_VALUE_BLOB : FMT_VALUE_TEXT;
        if (arena_base64(r, i, &ev, col) < 0)
            return -1;
    } else {
        return fail_at(r, key.pos, col, "unknown tagged form \"%.40s\"", tag);
    }
    if (jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_OBJECT_END)
        return fail_at(r, ev.pos, col, "a tagged value must have exactly one key");
    return 0;
}

static int read_tagged(fmt_doc_reader *r, size_t i, const char *col)
{
    fmt_json_event key;
    if (jnext(r, &key) < 0)
        return -1;
    return read_tagged_body(r, i, col, &key);
}

/* Decodes the natural form of a value for column i, whose first event is ev. */
static int read_value(fmt_doc_reader *r, size_t i, const fmt_json_event *ev)
{
    const fmt_column *c = &r->table->columns[i];
    const char *col = c->name;
    fmt_value *v = &r->values[i];
    fmt_type_kind k = c->type.kind;
    memset(v, 0, sizeof *v);
    r->offsets[i] = SIZE_MAX;

    if (k == FMT_TYPE_JSONB) {
        if (ev->type == FMT_JSON_NULL) {
            v->kind = FMT_VALUE_NULL;
            return 0;
        }
        return read_jsonb_value(r, i, ev, col);
    }
    switch (ev->type) {
    case FMT_JSON_NULL:
        v->kind = FMT_VALUE_NULL;
        return 0;
    case FMT_JSON_OBJECT_START:
        return read_tagged(r, i, col);
    case FMT_JSON_ARRAY_START:
        if (k == FMT_TYPE_ARRAY)
            return read_jsonb(r, i, ev, NULL, col); /* handed over as JSON text */
        return fail_at(r, ev->pos, col, "an array is not a value of type %s", c->type_text);
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        if (k != FMT_TYPE_BOOLEAN)
            return fail_at(r, ev->pos, col, "a boolean is not a value of type %s", c->type_text);
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = ev->type == FMT_JSON_TRUE;
        return 0;
    case FMT_JSON_NUMBER:
        if (fmt_type_is_integer(k)) {
            v->kind = FMT_VALUE_INTEGER;
            return parse_integer(r, ev, col, &v->i);
        }
        if (k == FMT_TYPE_FLOAT32 || k == FMT_TYPE_FLOAT64) {
            v->kind = FMT_VALUE_REAL;
            return parse_real(r, ev, col, &v->d);
        }
        if (k == FMT_TYPE_DECIMAL) {
            v->kind = FMT_VALUE_DECIMAL;
            if (arena_copy(r, i, ev->text, ev->len) < 0)
                return fail_at(r, ev->pos, col, "out of memory");
            return 0;
        }
        if (k == FMT_TYPE_ANY) {
            /* Integers stay integers; a number with a fraction or exponent,
             * as a user's jq edit may write, is a real. */
            if (fmt_int64_parse(&v->i, ev->text, ev->len) == 0 && !memchr(ev->text, '.', ev->len) &&
                !memchr(ev->text, 'e', ev->len) && !memchr(ev->text, 'E', ev->len)) {
                v->kind = FMT_VALUE_INTEGER;
                return 0;
            }
            v->kind = FMT_VALUE_REAL;
            return parse_real(r, ev, col, &v->d);
        }
        return fail_at(r, ev->pos, col, "a number is not a value of type %s", c->type_text);
    case FMT_JSON_STRING:
        break;
    default:
        return fail_at(r, ev->pos, col, "unexpected %s", event_name(ev->type));
    }

    /* Strings. */
    switch (k) {
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
        v->kind = FMT_VALUE_INTEGER;
        return parse_integer(r, ev, col, &v->i);
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        if (strcmp(ev->text, "NaN") && strcmp(ev->text, "Infinity") &&
            strcmp(ev->text, "-Infinity"))
            return fail_at(r, ev->pos, col,
                           "a float is a number or \"NaN\", \"Infinity\", \"-Infinity\", not "
                           "\"%.40s\"",
                           ev->text);
        v->kind = FMT_VALUE_REAL;
        return parse_real(r, ev, col, &v->d);
    case FMT_TYPE_DECIMAL:
        if (!fmt_is_decimal_text(ev->text, ev->len))
            return fail_at(r, ev->pos, col, "\"%.60s\" is not a decimal number", ev->text);
        v->kind = FMT_VALUE_DECIMAL;
        break;
    case FMT_TYPE_BOOLEAN:
    case FMT_TYPE_ARRAY:
        return fail_at(r, ev->pos, col, "a string is not a value of type %s", c->type_text);
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC: {
        v->kind = FMT_VALUE_BLOB;
        if (arena_base64(r, i, ev, col) < 0)
            return -1;
        char err[160];
        if (fmt_value_check(v, &c->type, err, sizeof err) < 0)
            return fail_at(r, ev->pos, col, "%s", err);
        return 0;
    }
    default:
        v->kind = FMT_VALUE_TEXT;
        break;
    }
    if (arena_copy(r, i, ev->text, ev->len) < 0)
        return fail_at(r, ev->pos, col, "out of memory");
    return 0;
}

static int find_column(fmt_doc_reader *r, const char *name, size_t len)
{
    const fmt_table *t = r->table;
    size_t n = t->ncolumns, guess = r->next_column < n ? r->next_column : 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = (guess + k) % n;
        const char *cn = t->columns[i].name;
        if (strncmp(cn, name, len) == 0 && cn[len] == 0) {
            r->next_column = i + 1;
            return (int)i;
        }
    }
    return -1;
}

/* Reads one row object; its '{' has been read. */
static int read_row(fmt_doc_reader *r)
{
    const fmt_table *t = r->table;
    fmt_json_event ev;
    r->arena_len = 0;
    r->next_column = 0;
    memset(r->present, 0, t->ncolumns);
    for (;;) {
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        int i = find_column(r, ev.text, ev.len);
        if (i < 0)
            return fail_at(r, ev.pos, NULL, "unknown column \"%.120s\"", ev.text);
        const fmt_column *c = &t->columns[i];
        if (r->present[i])
            return fail_at(r, ev.pos, c->name, "the column appears twice in the row");
        if (c->generated_sql)
            return fail_at(r, ev.pos, c->name, "a generated column cannot be given a value");
        if (jnext(r, &ev) < 0)
            return -1;
        if (read_value(r, (size_t)i, &ev) < 0)
            return -1;
        if (r->values[i].kind == FMT_VALUE_INTEGER && fmt_type_is_integer(c->type.kind)) {
            char err[160];
            if (fmt_value_check(&r->values[i], &c->type, err, sizeof err) < 0)
                return fail_at(r, ev.pos, c->name, "%s", err);
        }
        r->present[i] = 1;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (!r->present[i]) {
            r->values[i].kind = FMT_VALUE_NULL;
            if (!c->nullable && !c->default_sql && !c->generated_sql &&
                c->identity == FMT_IDENTITY_NONE)
                return fail_at(r, r->event_pos, c->name,
                               "no value for this NOT NULL column, which has no default");
        } else if (r->offsets[i] != SIZE_MAX) {
            r->values[i].bytes = r->arena + r->offsets[i];
        }
    }
    return 0;
}

/* ---- the state machine ----------------------------------------------- */

static void drop_table(fmt_doc_reader *r)
{
    fmt_table_free(r->table);
    r->table = NULL;
}

static void set_event(fmt_doc_reader *r, fmt_doc_event *ev, fmt_doc_event_type type,
                      fmt_position pos)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->header = &r->header;
    ev->table = r->table;
    ev->line = pos.line;
    ev->column = pos.column;
    ev->offset = pos.offset;
    r->event_pos = pos;
}

/* After "tables" closes or at the top: reads top-level keys to the end. */
static int finish_document(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    for (;;) {
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        int rc = top_level_key(r, &ev);
        if (rc < 0)
            return -1;
        if (rc == 1)
            return fail_at(r, ev.pos, NULL, "\"tables\" appears twice");
    }
    if (expect(r, &ev, FMT_JSON_END, "the end of the document") < 0)
        return -1;
    r->state = r->nobjects ? ST_NATIVE : ST_DONE;
    return fmt_doc_reader_next(r, out);
}

int fmt_doc_reader_next(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    int rc;
    switch (r->state) {
    case ST_START:
        if (expect(r, &ev, FMT_JSON_OBJECT_START, "the document") < 0)
            return -1;
        for (;;) {
            if (jnext(r, &ev) < 0)
                return -1;
            if (ev.type == FMT_JSON_OBJECT_END)
                return fail_at(r, ev.pos, NULL, "the document has no \"tables\"");
            if (!r->have_format && strcmp(ev.text, "tables") == 0)
                return fail_at(r, ev.pos, NULL,
                               "\"tables\" comes before \"format\"; is this a dbexport file?");
            if (!r->have_version && strcmp(ev.text, "tables") == 0)
                return fail_at(r, ev.pos, NULL, "\"tables\" comes before \"format_version\"");
            rc = top_level_key(r, &ev);
            if (rc < 0)
                return -1;
            if (rc == 1)
                break;
        }
        if (!r->header.source_backend)
            return fail_at(r, ev.pos, NULL, "the header has no \"source\".\"backend\"");
        if (expect(r, &ev, FMT_JSON_OBJECT_START, "\"tables\"") < 0)
            return -1;
        r->state = ST_TABLES;
        set_event(r, out, FMT_DOC_HEADER, ev.pos);
        return 0;

    case ST_TABLES:
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END) {
            r->state = ST_AFTER_TABLES;
            return finish_document(r, out);
        }
        {
            fmt_position at = ev.pos;
            rc = read_table_head(r, &ev);
            if (rc < 0)
                return -1;
            r->state = rc == 1 ? ST_ROWS : ST_TABLE_END;
            set_event(r, out, FMT_DOC_TABLE, at);
            return 0;
        }

    case ST_ROWS:
        if (jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_START) {
            r->row_number++;
            r->event_pos = ev.pos;
            if (read_row(r) < 0)
                return -1;
            set_event(r, out, FMT_DOC_ROW, ev.pos);
            out->values = r->values;
            out->present = r->present;
            out->row_number = r->row_number;
            return 0;
        }
        if (ev.type != FMT_JSON_ARRAY_END) {
            r->row_number++;
            return fail_at(r, ev.pos, NULL, "a row must be an object, found %s",
                           event_name(ev.type));
        }
        r->state = ST_TABLE_TAIL;
        /* fall through: keys after "rows" */
        /* FALLTHROUGH */
    case ST_TABLE_TAIL:
        for (;;) {
            if (jnext(r, &ev) < 0)
                return -1;
            if (ev.type == FMT_JSON_OBJECT_END)
                break;
            const char *k = ev.text;
            if (!strcmp(k, "columns") || !strcmp(k, "constraints") || !strcmp(k, "indexes") ||
                !strcmp(k, "options") || !strcmp(k, "rows") || !strcmp(k, "name") ||
                !strcmp(k, "namespace") || !strcmp(k, "partitioning"))
                return fail_at(r, ev.pos, NULL,
                               "\"%s\" comes after \"rows\"; a table's metadata must precede "
                               "its rows",
                               k);
            if (skip_next_value(r) < 0)
                return -1;
        }
        set_event(r, out, FMT_DOC_TABLE_END, ev.pos);
        r->state = ST_TABLE_END + 100; /* marks: drop the table on the next call */
        return 0;

    case ST_TABLE_END:
        set_event(r, out, FMT_DOC_TABLE_END, r->event_pos);
        r->state = ST_TABLE_END + 100;
        return 0;

    case ST_NATIVE:
        set_event(r, out, FMT_DOC_NATIVE, r->event_pos);
        out->objects = r->objects;
        out->nobjects = r->nobjects;
        r->state = ST_DONE;
        return 0;

    case ST_DONE:
        set_event(r, out, FMT_DOC_END, fmt_json_reader_position(r->json));
        return 0;

    case ST_AFTER_TABLES:
        return finish_document(r, out);

    case ST_FAILED:
        return -1;

    default:
        if (r->state == ST_TABLE_END + 100) {
            drop_table(r);
            r->state = ST_TABLES;
            return fmt_doc_reader_next(r, out);
        }
        return -1;
    }
}

/* ---- lifetime -------------------------------------------------------- */

int fmt_doc_reader_new(fmt_doc_reader **out, fmt_source_fn fn, fmt_source_errmsg_fn errfn,
                       void *ctx, const char *name, const fmt_doc_reader_options *opts)
{
    fmt_doc_reader_options defaults = FMT_DOC_READER_OPTIONS_INIT;
    fmt_json_reader_options jopts = FMT_JSON_READER_OPTIONS_INIT;
    fmt_doc_reader *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return -1;
    r->opts = opts ? *opts : defaults;
    r->source = fn;
    r->source_errmsg = errfn;
    r->source_ctx = ctx;
    r->name = fmt_strdup(name ? name : "stdin");
    r->chunk = malloc(READ_CHUNK);
    jopts.max_depth = r->opts.max_depth;
    /* base64 grows a value by 4/3 */
    jopts.max_token = r->opts.max_value / 3 * 4 + 4;
    if (!r->name || !r->chunk || fmt_json_reader_new(&r->json, &jopts) < 0) {
        fmt_doc_reader_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void fmt_doc_reader_free(fmt_doc_reader *r)
{
    if (!r)
        return;
    fmt_json_reader_free(r->json);
    fmt_header_clear(&r->header);
    fmt_table_free(r->table);
    for (size_t i = 0; i < r->nobjects; i++)
        fmt_native_object_clear(&r->objects[i]);
    free(r->objects);
    free(r->values);
    free(r->present);
    free(r->offsets);
    free(r->arena);
    free(r->chunk);
    free(r->name);
    free(r);
}
