/* The typed JSON reads every part of the document shares: expecting an
 * event, a string, a boolean, a list of names, iterating an object's members
 * or an array's elements, skipping what a reader does not know. Errors are
 * recorded with their position; doc_reader.c formats them. */
#include "doc_reader_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *doc_event_name(fmt_json_event_type t)
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
int doc_skip_value(fmt_doc_reader *r, const fmt_json_event *ev)
{
    if (ev->type != FMT_JSON_OBJECT_START && ev->type != FMT_JSON_ARRAY_START)
        return 0;
    unsigned depth = 1;
    fmt_json_event e;
    while (depth) {
        if (doc_jnext(r, &e) < 0)
            return -1;
        if (e.type == FMT_JSON_OBJECT_START || e.type == FMT_JSON_ARRAY_START)
            depth++;
        else if (e.type == FMT_JSON_OBJECT_END || e.type == FMT_JSON_ARRAY_END)
            depth--;
    }
    return 0;
}

int doc_expect(fmt_doc_reader *r, fmt_json_event *ev, fmt_json_event_type type, const char *what)
{
    if (doc_jnext(r, ev) < 0)
        return -1;
    if (ev->type != type)
        return doc_fail_at(r, ev->pos, NULL, "expected %s for %s, found %s", doc_event_name(type),
                           what, doc_event_name(ev->type));
    return 0;
}

/* A string value without NUL bytes (names, SQL text), copied. */
int doc_read_string(fmt_doc_reader *r, char **out, const char *what)
{
    fmt_json_event ev;
    if (doc_expect(r, &ev, FMT_JSON_STRING, what) < 0)
        return -1;
    if (memchr(ev.text, 0, ev.len))
        return doc_fail_at(r, ev.pos, NULL, "%s must not contain NUL characters", what);
    char *s = malloc(ev.len + 1);
    if (!s)
        return doc_fail_at(r, ev.pos, NULL, "out of memory");
    memcpy(s, ev.text, ev.len + 1);
    free(*out);
    *out = s;
    return 0;
}

int doc_read_optional_string(fmt_doc_reader *r, char **out, const char *what)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type == FMT_JSON_NULL) {
        free(*out);
        *out = NULL;
        return 0;
    }
    if (ev.type != FMT_JSON_STRING)
        return doc_fail_at(r, ev.pos, NULL, "expected a string for %s, found %s", what,
                           doc_event_name(ev.type));
    if (memchr(ev.text, 0, ev.len))
        return doc_fail_at(r, ev.pos, NULL, "%s must not contain NUL characters", what);
    free(*out);
    *out = malloc(ev.len + 1);
    if (!*out)
        return doc_fail_at(r, ev.pos, NULL, "out of memory");
    memcpy(*out, ev.text, ev.len + 1);
    return 0;
}

int doc_read_choice(fmt_doc_reader *r, const char *const *choices, char **out, const char *what)
{
    fmt_json_event ev;
    if (doc_expect(r, &ev, FMT_JSON_STRING, what) < 0)
        return -1;
    for (size_t i = 0; choices[i]; i++)
        if (doc_text_is(&ev, choices[i]))
            return (*out = fmt_strdup(choices[i])) ? 0
                                                   : doc_fail_at(r, ev.pos, NULL, "out of memory");
    char list[256] = "";
    for (size_t i = 0, n = 0; choices[i] && n < sizeof list; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", choices[i]);
    return doc_fail_at(r, ev.pos, NULL, "%s \"%.40s\": expected one of %s", what, ev.text, list);
}

int doc_read_bool(fmt_doc_reader *r, bool *out, const char *what)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_TRUE && ev.type != FMT_JSON_FALSE)
        return doc_fail_at(r, ev.pos, NULL, "expected a boolean for %s, found %s", what,
                           doc_event_name(ev.type));
    *out = ev.type == FMT_JSON_TRUE;
    return 0;
}

/* Iterates the members of an object: call with *started = 0 first; returns
 * 1 with the key in ev, 0 at the end of the object, <0 on error. */
int doc_next_member(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what)
{
    if (!*started) {
        if (doc_expect(r, ev, FMT_JSON_OBJECT_START, what) < 0)
            return -1;
        *started = 1;
    }
    if (doc_jnext(r, ev) < 0)
        return -1;
    if (ev->type == FMT_JSON_OBJECT_END)
        return 0;
    return 1; /* a KEY: the JSON reader guarantees it */
}

/* Iterates the elements of an array: returns 1 with the element's first
 * event in ev, 0 at the end. */
int doc_next_element(fmt_doc_reader *r, fmt_json_event *ev, int *started, const char *what)
{
    if (!*started) {
        if (doc_expect(r, ev, FMT_JSON_ARRAY_START, what) < 0)
            return -1;
        *started = 1;
    }
    if (doc_jnext(r, ev) < 0)
        return -1;
    return ev->type == FMT_JSON_ARRAY_END ? 0 : 1;
}

int doc_skip_next_value(fmt_doc_reader *r)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    return doc_skip_value(r, &ev);
}

int doc_read_string_array(fmt_doc_reader *r, char ***out, size_t *n, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    size_t cap = 0;
    while ((rc = doc_next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_STRING || memchr(ev.text, 0, ev.len))
            return doc_fail_at(r, ev.pos, NULL, "expected a name in %s, found %s", what,
                               doc_event_name(ev.type));
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            char **grown = realloc(*out, cap * sizeof *grown);
            if (!grown)
                return doc_fail_at(r, ev.pos, NULL, "out of memory");
            *out = grown;
        }
        if (!((*out)[*n] = fmt_strdup(ev.text)))
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        (*n)++;
    }
    return rc;
}

/* Grows a dynamic array of elements of size sz by one zeroed element. */
void *doc_push(void **items, size_t *n, size_t sz)
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
