/* The header's "sequences" (docs/FORMAT.md 2.8, since 1.2): stand-alone
 * sequences with their options and value. */
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

/* A sequence object whose '{' has been read. */
static int read_sequence(fmt_doc_reader *r, fmt_sequence *s)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    s->increment = 1;
    s->cache = 1;
    while ((rc = doc_next_member(r, &ev, &started, "a sequence")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &s->name, "a sequence name");
        else if (doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &s->namespace, "namespace");
        else if (doc_text_is(&ev, "type"))
            rc = doc_read_choice(r, types, &s->type, "a sequence's \"type\"");
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
        } else if (doc_text_is(&ev, "last_value")) {
            rc = read_int64(r, &s->last_value, "last_value");
            s->has_last_value = true;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!s->name || !s->type))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "a sequence needs \"name\" and \"type\"");
    if (rc == 0 && (s->increment == 0 || s->min_value > s->max_value))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "sequence \"%.64s\": increment 0, or min above max", s->name);
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
        if (read_sequence(r, s) < 0)
            return -1;
    }
    return rc;
}
