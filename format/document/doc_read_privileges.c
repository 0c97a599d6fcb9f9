/* The "privileges" of a table (docs/FORMAT.md 2.2, since 1.3), and of a
 * view, a materialized view, a sequence or a function: the owner, the
 * grants and (a relation's only) the columns' grants, read into
 * fmt_privileges. A privilege is one of a fixed set of words, the object
 * kind's, so an importer can put it in a GRANT as a keyword without
 * quoting. */
#include "doc_reader_internal.h"

#include <stdlib.h>

#include "strlist.h"

/* Each kind's words, and the message that lists them. */
static const char *const relation_words[] = {"select",   "insert",     "update",  "delete",
                                             "truncate", "references", "trigger", NULL};
static const char *const sequence_words[] = {"usage", "select", "update", NULL};
static const char *const function_words[] = {"execute", NULL};
static const char *const schema_words[] = {"usage", "create", NULL};

typedef struct {
    const char *const *words;
    const char *list; /* for the message */
    const char *what; /* "a sequence's" (a relation's: "a"), for the messages */
    int columns;      /* column grants allowed */
} privilege_kind;

static const privilege_kind kinds[] = {
    [DOC_PRIVILEGES_RELATION] = {relation_words,
                                 "select, insert, update, delete, truncate, references, trigger",
                                 "a", 1},
    [DOC_PRIVILEGES_SEQUENCE] = {sequence_words, "usage, select, update", "a sequence's", 0},
    [DOC_PRIVILEGES_FUNCTION] = {function_words, "execute", "a function's", 0},
    [DOC_PRIVILEGES_SCHEMA] = {schema_words, "usage, create", "a schema's", 0},
};

static int read_privilege_list(fmt_doc_reader *r, fmt_grant *g, const privilege_kind *k)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"privileges\"")) == 1) {
        size_t i = 0;
        if (ev.type == FMT_JSON_STRING)
            while (k->words[i] && !doc_text_is(&ev, k->words[i]))
                i++;
        if (ev.type != FMT_JSON_STRING || !k->words[i])
            return doc_fail_at(r, ev.pos, NULL, "%s privilege must be one of %s", k->what, k->list);
        if (fmt_strings_push_copy(&g->privileges, &g->nprivileges, k->words[i]) < 0)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
    }
    return rc;
}

static int read_grant(fmt_doc_reader *r, fmt_grant *g, const privilege_kind *k)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "a grant")) == 1) {
        if (doc_text_is(&ev, "grantee"))
            rc = doc_read_string(r, &g->grantee, "a grantee");
        else if (doc_text_is(&ev, "privileges"))
            rc = read_privilege_list(r, g, k);
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

static int read_grants(fmt_doc_reader *r, fmt_grant **grants, size_t *ngrants,
                       const privilege_kind *k)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"grants\"")) == 1) {
        if (ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "a grant must be an object");
        fmt_grant *g = doc_push((void **)grants, ngrants, sizeof *g);
        if (!g)
            return doc_fail_at(r, ev.pos, NULL, "out of memory");
        if (read_grant(r, g, k) < 0)
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
            rc = read_grants(r, &c->grants, &c->ngrants, &kinds[DOC_PRIVILEGES_RELATION]);
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

int doc_read_privileges(fmt_doc_reader *r, fmt_privileges **out, doc_privileges_kind kind)
{
    fmt_json_event ev;
    int started = 0, rc;
    const privilege_kind *k = &kinds[kind];
    fmt_privileges *p = *out;
    if (!p && !(p = *out = calloc(1, sizeof *p)))
        return doc_fail_at(r, fmt_json_reader_position(r->json), NULL, "out of memory");
    while ((rc = doc_next_member(r, &ev, &started, "\"privileges\"")) == 1) {
        if (doc_text_is(&ev, "owner"))
            rc = doc_read_optional_string(r, &p->owner, "owner");
        else if (doc_text_is(&ev, "grants")) {
            rc = read_grants(r, &p->grants, &p->ngrants, k);
            p->has_grants = true;
        } else if (doc_text_is(&ev, "columns") && k->columns)
            rc = read_columns(r, p);
        else if (doc_text_is(&ev, "columns"))
            rc = doc_fail_at(r, ev.pos, NULL, "%s privileges have no \"columns\"", k->what);
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    return rc;
}
