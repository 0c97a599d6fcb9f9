/* JSON values by meaning: one canonical byte form per value, whatever its
 * key order, whitespace or number spelling (PostgreSQL's jsonb prints keys
 * shortest first and keeps "1.50"; a file keeps the writer's order). Not
 * JSON itself: each piece is tagged and strings carry their length, so no
 * two values share a form. Memory is bounded by the value, which the
 * caller already holds. */
#include <stdlib.h>
#include <string.h>

#include "dbdiff.h"
#include "json_reader.h"
#include "number.h"

void dd_canon_string(db_buf *out, const char *s, size_t len)
{
    db_buf_printf(out, "s%zu:", len);
    db_buf_addn(out, s, len);
}

int dd_canon_number(db_buf *out, const char *s, size_t len)
{
    size_t mark = out->len;
    db_buf_addc(out, 'd');
    if (!fmt_is_json_number(s, len) || dd_decimal_canon(out, s, len) < 0) {
        out->len = mark;
        return -1;
    }
    db_buf_addc(out, ';');
    return 0;
}

typedef struct {
    size_t key, key_len;     /* in the object's scratch buffer */
    size_t value, value_len; /* its canonical value, same buffer */
    const char *base;        /* the scratch buffer, for sorting */
} member;

static int compare_members(const void *x, const void *y)
{
    const member *a = x, *b = y;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->base + a->key, b->base + b->key, n);
    if (c)
        return c;
    return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

static int canon_value(fmt_json_reader *r, const fmt_json_event *ev, db_buf *out);

static int next_event(fmt_json_reader *r, fmt_json_event *ev)
{
    if (fmt_json_reader_next(r, ev) < 0 || ev->type == FMT_JSON_NEED_INPUT ||
        ev->type == FMT_JSON_END)
        return -2;
    return 0;
}

/* An object's members, canonical each, then sorted by key. */
static int canon_object(fmt_json_reader *r, db_buf *out)
{
    db_buf scratch = {0};
    member *members = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    fmt_json_event ev;
    for (;;) {
        if ((rc = next_event(r, &ev)) < 0)
            goto done;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            member *grown = realloc(members, cap * sizeof *members);
            if (!grown) {
                rc = -1;
                goto done;
            }
            members = grown;
        }
        member *m = &members[n++];
        m->key = scratch.len;
        db_buf_addn(&scratch, ev.text, ev.len);
        m->key_len = ev.len;
        m->value = scratch.len;
        if ((rc = next_event(r, &ev)) < 0 || (rc = canon_value(r, &ev, &scratch)) < 0)
            goto done;
        m->value_len = scratch.len - m->value;
    }
    if (scratch.oom) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        members[i].base = scratch.buf;
    if (n > 1)
        qsort(members, n, sizeof *members, compare_members);
    db_buf_addc(out, '{');
    for (size_t i = 0; i < n; i++) {
        dd_canon_string(out, scratch.buf + members[i].key, members[i].key_len);
        db_buf_addn(out, scratch.buf + members[i].value, members[i].value_len);
    }
    db_buf_addc(out, '}');
done:
    free(members);
    db_buf_free(&scratch);
    return rc;
}

static int canon_value(fmt_json_reader *r, const fmt_json_event *ev, db_buf *out)
{
    fmt_json_event inner;
    switch (ev->type) {
    case FMT_JSON_OBJECT_START:
        return canon_object(r, out);
    case FMT_JSON_ARRAY_START:
        db_buf_addc(out, '[');
        for (;;) {
            if (next_event(r, &inner) < 0)
                return -2;
            if (inner.type == FMT_JSON_ARRAY_END)
                break;
            int rc = canon_value(r, &inner, out);
            if (rc < 0)
                return rc;
        }
        db_buf_addc(out, ']');
        return 0;
    case FMT_JSON_STRING:
        dd_canon_string(out, ev->text, ev->len);
        return 0;
    case FMT_JSON_NUMBER:
        return dd_canon_number(out, ev->text, ev->len) < 0 ? -2 : 0;
    case FMT_JSON_TRUE:
        db_buf_add(out, "b1");
        return 0;
    case FMT_JSON_FALSE:
        db_buf_add(out, "b0");
        return 0;
    case FMT_JSON_NULL:
        db_buf_addc(out, 'n');
        return 0;
    default:
        return -2;
    }
}

int dd_json_canon(db_buf *out, const char *json, size_t len)
{
    fmt_json_reader_options o = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r = NULL;
    fmt_json_event ev;
    size_t mark = out->len;
    o.max_depth = 256;
    if (fmt_json_reader_new(&r, &o) < 0)
        return -1;
    fmt_json_reader_feed(r, json, len, 1);
    int rc = next_event(r, &ev);
    if (rc == 0)
        rc = canon_value(r, &ev, out);
    if (rc == 0 && (fmt_json_reader_next(r, &ev) < 0 || ev.type != FMT_JSON_END))
        rc = -2;
    fmt_json_reader_free(r);
    if (rc == 0 && out->oom)
        rc = -1;
    if (rc == -2)
        out->len = mark;
    return rc;
}
