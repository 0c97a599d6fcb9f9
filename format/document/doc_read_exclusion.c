/* A table's "constraints"."exclusion" (docs/FORMAT.md 4, since 1.3):
 * PostgreSQL EXCLUDE constraints in parts (method, elements with their
 * operator and opclass, INCLUDE, predicate, deferrable), and the check
 * that the columns they name are the table's. */
#include "doc_reader_internal.h"

#include <stdlib.h>

/* An element object whose '{' (at position at) has been read. */
static int read_element(fmt_doc_reader *r, fmt_exclusion_element *e, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    while ((rc = doc_next_member(r, &ev, &started, "an exclusion element")) == 1) {
        if (doc_text_is(&ev, "column"))
            rc = doc_read_string(r, &e->column, "column");
        else if (doc_text_is(&ev, "expression"))
            rc = doc_read_string(r, &e->expression, "expression");
        else if (doc_text_is(&ev, "opclass"))
            rc = doc_read_optional_string(r, &e->opclass, "opclass");
        else if (doc_text_is(&ev, "opclass_namespace"))
            rc = doc_read_optional_string(r, &e->opclass_namespace, "opclass_namespace");
        else if (doc_text_is(&ev, "operator"))
            rc = doc_read_string(r, &e->operator, "operator");
        else if (doc_text_is(&ev, "operator_namespace"))
            rc = doc_read_optional_string(r, &e->operator_namespace, "operator_namespace");
        else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!e->column == !e->expression || !e->operator))
        return doc_fail_at(r, at, NULL,
                           "an exclusion element needs one of \"column\" or \"expression\", "
                           "and \"operator\"");
    return rc;
}

static int read_elements(fmt_doc_reader *r, fmt_exclusion *x)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"elements\"")) == 1) {
        fmt_exclusion_element *e = doc_push((void **)&x->elements, &x->nelements, sizeof *e);
        if (!e || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an exclusion element object");
        if (read_element(r, e, ev.pos) < 0)
            return -1;
    }
    return rc;
}

/* An exclusion constraint object whose '{' (at position at) has been read. */
static int read_exclusion(fmt_doc_reader *r, fmt_exclusion *x, fmt_position at)
{
    fmt_json_event ev;
    int started = 1, rc;
    bool b = false;
    while ((rc = doc_next_member(r, &ev, &started, "an exclusion constraint")) == 1) {
        if (doc_text_is(&ev, "name"))
            rc = doc_read_optional_string(r, &x->name, "name");
        else if (doc_text_is(&ev, "using"))
            rc = doc_read_string(r, &x->method, "using");
        else if (doc_text_is(&ev, "elements"))
            rc = read_elements(r, x);
        else if (doc_text_is(&ev, "include"))
            rc = doc_read_string_array(r, &x->include, &x->ninclude, "include");
        else if (doc_text_is(&ev, "where"))
            rc = doc_read_optional_string(r, &x->where, "where");
        else if (doc_text_is(&ev, "deferrable")) {
            rc = doc_read_bool(r, &b, "deferrable");
            x->deferrable = b;
        } else if (doc_text_is(&ev, "initially_deferred")) {
            rc = doc_read_bool(r, &b, "initially_deferred");
            x->initially_deferred = b;
        } else
            rc = doc_skip_next_value(r);
        if (rc < 0)
            return -1;
    }
    if (rc == 0 && (!x->method || !x->nelements))
        return doc_fail_at(r, at, NULL, "an exclusion constraint needs \"using\" and \"elements\"");
    return rc;
}

int doc_read_exclusions(fmt_doc_reader *r, fmt_table *t)
{
    fmt_json_event ev;
    int started = 0, rc;
    while ((rc = doc_next_element(r, &ev, &started, "\"exclusion\"")) == 1) {
        fmt_exclusion *x = doc_push((void **)&t->exclusions, &t->nexclusions, sizeof *x);
        if (!x || ev.type != FMT_JSON_OBJECT_START)
            return doc_fail_at(r, ev.pos, NULL, "expected an exclusion constraint object");
        if (read_exclusion(r, x, ev.pos) < 0)
            return -1;
    }
    return rc;
}

static int check_name(fmt_doc_reader *r, fmt_position at, const char *name)
{
    if (fmt_table_find_column(r->table, name) < 0)
        return doc_fail_at(r, at, NULL,
                           "an exclusion constraint names \"%.120s\", which is not a column", name);
    return 0;
}

int doc_validate_exclusions(fmt_doc_reader *r, fmt_position at)
{
    const fmt_table *t = r->table;
    for (size_t i = 0; i < t->nexclusions; i++) {
        const fmt_exclusion *x = &t->exclusions[i];
        for (size_t k = 0; k < x->nelements; k++)
            if (x->elements[k].column && check_name(r, at, x->elements[k].column) < 0)
                return -1;
        for (size_t k = 0; k < x->ninclude; k++)
            if (check_name(r, at, x->include[k]) < 0)
                return -1;
    }
    return 0;
}
