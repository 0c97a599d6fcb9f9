/* The header's "sequences" (docs/FORMAT.md 2.8, since 1.2): stand-alone
 * sequences with their options, value and owner (1.3), and a column's
 * "sequence" (1.3), the options of its identity or serial sequence; and
 * the header's "schemas" (2.11, since 1.3). */
#include "doc_reader_internal.h"

#include <stdlib.h>

#include "number.h"

static const char *const types[] = {"smallint", "integer", "bigint", NULL};

static int read_int64(fmt_doc_reader *r, int64_t *out, const char *what)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if ((ev.type != FMT_JSON_NUMBER && ev.type != FMT_JSON_STRING) ||
        fmt_int64_parse(out, ev.text, ev.len) < 0)
        return doc_fail_at(r, ev.pos, NULL, "a sequence's \"%s\" must be a 64-bit integer", what);
    return 0;
}

/* "owned_by": {"table", "column"} (1.3). */
static int read_owned_by(fmt_doc_reader *r, fmt_sequence *s)
{
    fmt_json_event ev;
    int started = 0, rc;
    fmt_position at = fmt_json_reader_position(r->json);
    while ((rc = doc_next_member(r, &ev, &started, "\"owned_by\"")) == 1) {
        if (doc_text_is(&ev, "table"))
            rc = doc_read_string(r, &s->owned_by_table, "owned_by.table");
        else if (doc_text_is(&ev, "column"))
            rc = doc_read_string(r, &s->owned_by_column, "owned_by.column");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!s->owned_by_table || !s->owned_by_column))
        return doc_fail_at(r, at, NULL, "\"owned_by\" needs \"table\" and \"column\"");
    return rc;
}

/* A sequence object whose '{' has been read; column: the name of the
 * column whose "sequence" it is (no type, namespace, value or owner), or
 * NULL in the header. */
static int read_sequence(fmt_doc_reader *r, fmt_sequence *s, const char *column)
{
    fmt_json_event ev;
    int started = column ? 0 : 1, rc;
    bool b = false;
    s->increment = 1;
    s->cache = 1;
    while ((rc = doc_next_member(r, &ev, &started, "a sequence")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &s->name, "a sequence name");
        else if (!column && doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &s->namespace, "namespace");
        else if (!column && doc_text_is(&ev, "type"))
            rc = doc_read_choice(r, types, &s->type, "a sequence's \"type\"");
        else if (!column && doc_text_is(&ev, "owned_by"))
            rc = read_owned_by(r, s);
        else if (!column && doc_text_is(&ev, "privileges"))
            rc = doc_read_privileges(r, &s->privileges, DOC_PRIVILEGES_SEQUENCE);
        else if (doc_text_is(&ev, "start"))
            rc = read_int64(r, &s->start, "start");
        else if (doc_text_is(&ev, "increment"))
            rc = read_int64(r, &s->increment, "increment");
        else if (doc_text_is(&ev, "min"))
            rc = read_int64(r, &s->min_value, "min");
        else if (doc_text_is(&ev, "max"))
            rc = read_int64(r, &s->max_value, "max");
        else if (doc_text_is(&ev, "cache"))
            rc = read_int64(r, &s->cache, "cache");
        else if (doc_text_is(&ev, "cycle")) {
            rc = doc_read_bool(r, &b, "cycle");
            s->cycle = b;
        } else if (!column && doc_text_is(&ev, "last_value")) {
            rc = read_int64(r, &s->last_value, "last_value");
            s->has_last_value = true;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && !column && (!s->name || !s->type))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "a sequence needs \"name\" and \"type\"");
    if (rc == 0 && (s->increment == 0 || s->min_value > s->max_value))
        return doc_fail_at(r, fmt_json_reader_position(r->json), column,
                           "%s%.64s%s: increment 0, or min above max",
                           column ? "its sequence" : "sequence \"", column ? "" : s->name,
                           column ? "" : "\"");
    return rc;
}

int doc_read_sequences(fmt_doc_reader *r)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"sequences\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a sequence must be an object");
        fmt_sequence *s = doc_push((void **)&r->header.sequences, &r->header.nsequences, sizeof *s);
        if (!s)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_sequence(r, s, NULL) < 0)
            return -1;
    }
    return rc;
}

int doc_read_column_sequence(fmt_doc_reader *r, fmt_column *c)
{
    if (!c->sequence && !(c->sequence = calloc(1, sizeof *c->sequence)))
        return doc_fail_at(r, fmt_json_reader_position(r->json), c->name, "out of memory");
    fmt_sequence_clear(c->sequence);
    return read_sequence(r, c->sequence, c->name ? c->name : "");
}

/* "schemas": {"name", "comment", "privileges"} each (2.11). */
int doc_read_schemas(fmt_doc_reader *r)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"schemas\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a schema must be an object");
        fmt_schema *s = doc_push((void **)&r->header.schemas, &r->header.nschemas, sizeof *s);
        if (!s)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        fmt_position at = ev.pos;
        int member = 1;
        while ((rc = doc_next_member(r, &ev, &member, "a schema")) == 1) {
            if (doc_text_is(&ev, "name"))
                rc = doc_read_string(r, &s->name, "a schema name");
            else if (doc_text_is(&ev, "comment"))
                rc = doc_read_optional_string(r, &s->comment, "comment");
            else if (doc_text_is(&ev, "privileges"))
                rc = doc_read_privileges(r, &s->privileges, DOC_PRIVILEGES_SCHEMA);
            else
                rc = doc_skip_next_value(r);
            if (rc < 0)
                return -1;
        }
        if (rc < 0)
            return -1;
        if (!s->name || !*s->name)
            return doc_fail_at(r, at, NULL, "a schema needs a \"name\"");
    }
    return rc;
}
