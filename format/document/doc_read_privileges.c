/* A table's "privileges" (docs/FORMAT.md 2.2, since 1.3): its owner, its
 * grants and its columns' grants, read into fmt_privileges. A privilege is
 * one of a fixed set of words, so an importer can put it in a GRANT as a
 * keyword without quoting. */
#include "doc_reader_internal.h"

#include <stdlib.h>

#include "strlist.h"

static const char *const privilege_words[] = {"select",   "insert",     "update",  "delete",
                                              "truncate", "references", "trigger", NULL};

static int read_privilege_list(fmt_doc_reader *r, fmt_grant *g)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"privileges\"")) == 1) {
        size_t i = 0;
        if (ev.type == FMT_JSON_STRING)
            while (privilege_words[i] && !doc_text_is(&ev, privilege_words[i]))
                i++;
        if (ev.type != FMT_JSON_STRING || !privilege_words[i])
            return doc_fail_at(r, ev.pos, NULL,
                               "a privilege must be one of select, insert, update, delete, "
                               "truncate, references, trigger");
        if (fmt_strings_push_copy(&g->privileges, &g->nprivileges, privilege_words[i]) < 0)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
    }
    return rc;
}

static int read_grant(fmt_doc_reader *r, fmt_grant *g)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "a grant")) == 1) {
        if (doc_text_is(&ev, "grantee"))
            rc = doc_read_string(r, &g->grantee, "a grantee");
        else if (doc_text_is(&ev, "privileges"))
            rc = read_privilege_list(r, g);
        else if (doc_text_is(&ev, "with_grant_option")) {
            rc = doc_read_bool(r, &b, "with_grant_option");
            g->with_grant_option = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!g->grantee || !*g->grantee || !g->nprivileges))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "a grant needs a \"grantee\" and at least one of its \"privileges\"");
    return rc;
}

static int read_grants(fmt_doc_reader *r, fmt_grant **grants, size_t *ngrants)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"grants\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a grant must be an object");
        fmt_grant *g = doc_push((void **)grants, ngrants, sizeof *g);
        if (!g)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_grant(r, g) < 0)
            return -1;
    }
    return rc;
}

static int read_column(fmt_doc_reader *r, fmt_column_grants *c)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool grants = false;
    while ((rc = doc_next_member(r, &ev, &started, "a column's grants")) == 1) {
        if (doc_text_is(&ev, "column"))
            rc = doc_read_string(r, &c->column, "a column name");
        else if (doc_text_is(&ev, "grants")) {
            rc = read_grants(r, &c->grants, &c->ngrants);
            grants = true;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!c->column || !grants))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL,
                           "a column's grants need \"column\" and \"grants\"");
    return rc;
}

static int read_columns(fmt_doc_reader *r, fmt_privileges *p)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"columns\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a column's grants must be an object");
        fmt_column_grants *c = doc_push((void **)&p->columns, &p->ncolumns, sizeof *c);
        if (!c)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_column(r, c) < 0)
            return -1;
    }
    return rc;
}

int doc_read_privileges(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    fmt_privileges *p = t->privileges;
    if (!p && !(p = t->privileges = calloc(1, sizeof *p)))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL, "out of memory");
    while ((rc = doc_next_member(r, &ev, &started, "\"privileges\"")) == 1) {
        if (doc_text_is(&ev, "owner"))
            rc = doc_read_optional_string(r, &p->owner, "owner");
        else if (doc_text_is(&ev, "grants")) {
            rc = read_grants(r, &p->grants, &p->ngrants);
            p->has_grants = true;
        } else if (doc_text_is(&ev, "columns"))
            rc = read_columns(r, p);
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}
