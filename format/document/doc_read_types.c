/* The header's user-defined types (docs/FORMAT.md 2.6): "enums",
 * "domains" (with their checks' names since 1.3) and "composites" (1.3),
 * each with an optional "comment" (1.3). */
#include "doc_reader_internal.h"

#include <stdlib.h>

/* One attribute object whose '{' has been read. */
static int read_attribute(fmt_doc_reader *r, fmt_type_attribute *a, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = doc_next_member(r, &ev, &started, "an attribute")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &a->name, "an attribute's \"name\"");
        else if (doc_text_is(&ev, "type"))
            rc = doc_read_string(r, &a->type, "an attribute's \"type\"");
        else if (doc_text_is(&ev, "collation"))
            rc = doc_read_optional_string(r, &a->collation, "\"collation\"");
        else if (doc_text_is(&ev, "collation_namespace"))
            rc = doc_read_optional_string(r, &a->collation_namespace, "\"collation_namespace\"");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!a->name || !a->type))
        return doc_fail_at(r, at, NULL, "an attribute needs \"name\" and \"type\"");
    return rc;
}

/* A composite type's "attributes": a non-empty array of objects, at most
 * as many as a table has columns. */
static int read_attributes(fmt_doc_reader *r, fmt_user_type *u)
{
    fmt_json_event ev;
    int started = 0, rc;
    fmt_position at = fmt_json_reader_position(r->json);
    while ((rc = doc_next_element(r, &ev, &started, "\"attributes\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "an attribute must be an object");
        if (u->nattributes >= r->opts.max_columns)
            return doc_fail_at(r, ev.pos, NULL, "more than %zu attributes", r->opts.max_columns);
        fmt_type_attribute *a = doc_push((void **)&u->attributes, &u->nattributes, sizeof *a);
        if (!a)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_attribute(r, a, ev.pos) < 0)
            return -1;
    }
    if (rc == 0 && !u->nattributes)
        return doc_fail_at(r, at, NULL, "composite type \"%.64s\" has no attributes",
                           u->name ? u->name : "");
    return rc;
}

/* The members of one type object whose '{' has been read. */
static int read_user_type(fmt_doc_reader *r, fmt_user_type *u, const char *what)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = true;
    while ((rc = doc_next_member(r, &ev, &started, what)) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_string(r, &u->name, "name");
        else if (doc_text_is(&ev, "namespace"))
            rc = doc_read_optional_string(r, &u->namespace, "namespace");
        else if (doc_text_is(&ev, "comment"))
            rc = doc_read_optional_string(r, &u->comment, "comment");
        else if (u->kind == FMT_USER_TYPE_ENUM && doc_text_is(&ev, "labels"))
            rc = doc_read_string_array(r, &u->labels, &u->nlabels, "labels");
        else if (u->kind == FMT_USER_TYPE_COMPOSITE && doc_text_is(&ev, "attributes"))
            rc = read_attributes(r, u);
        else if (u->kind != FMT_USER_TYPE_DOMAIN)
            rc = doc_skip_next_value(r);
        else if (doc_text_is(&ev, "base_type"))
            rc = doc_read_string(r, &u->base_type, "base_type");
        else if (doc_text_is(&ev, "nullable")) {
            rc = doc_read_bool(r, &b, "nullable");
            u->not_null = !b;
        } else if (doc_text_is(&ev, "default"))
            rc = doc_read_optional_string(r, &u->default_sql, "default");
        else if (doc_text_is(&ev, "checks"))
            rc = doc_read_string_array(r, &u->checks, &u->nchecks, "checks");
        else if (doc_text_is(&ev, "check_names"))
            rc = doc_read_string_array(r, &u->check_names, &u->ncheck_names, "check_names");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}

int doc_read_user_types(fmt_doc_reader *r, fmt_user_type_kind kind, const char *what)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, what)) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an object in %s", what);
        fmt_user_type *u =
            doc_push((void **)&r->header.user_types, &r->header.nuser_types, sizeof *u);
        if (!u)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        u->kind = kind;
        fmt_position at = ev.pos;
        if (read_user_type(r, u, what) < 0)
            return -1;
        if (!u->name || (kind == FMT_USER_TYPE_DOMAIN && !u->base_type) ||
            (kind == FMT_USER_TYPE_COMPOSITE && !u->nattributes))
            return doc_fail_at(r, at, NULL, "an entry of %s needs \"name\"%s", what,
                               kind == FMT_USER_TYPE_DOMAIN      ? " and \"base_type\""
                               : kind == FMT_USER_TYPE_COMPOSITE ? " and \"attributes\""
                                                                 : "");
        if (u->ncheck_names && u->ncheck_names != u->nchecks)
            return doc_fail_at(r, at, NULL,
                               "domain \"%.64s\": %zu check_names for %zu checks (one name each)",
                               u->name, u->ncheck_names, u->nchecks);
    }
    return rc;
}
