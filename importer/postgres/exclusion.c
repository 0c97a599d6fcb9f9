/* Exclusion constraints (docs/FORMAT.md 4, since 1.3), built after the
 * data from their parts: ALTER TABLE ... ADD CONSTRAINT name EXCLUDE USING
 * method (element WITH OPERATOR(schema.op), ...) INCLUDE (...) WHERE
 * (...) DEFERRABLE. Names are quoted, the operator is operator characters
 * only (pg_guard.c), expressions sit in parentheses; what they call is
 * checked like an index expression's (functions.c). */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "pg_sql.h"

/* An element as it sits before WITH: "col" or (expression), then its
 * opclass when it is not the default. */
void pg_target_exclusion_element(db_buf *b, const fmt_exclusion_element *e)
{
    if (e->column)
        db_buf_ident(b, e->column);
    else
        db_buf_printf(b, "(%s)", e->expression ? e->expression : "NULL");
    if (e->opclass) {
        db_buf_add(b, " ");
        if (e->opclass_namespace) {
            db_buf_ident(b, e->opclass_namespace);
            db_buf_add(b, ".");
        }
        db_buf_ident(b, e->opclass);
    }
}

/* OPERATOR(schema.op), or OPERATOR(op) found by the search path. */
void pg_target_exclusion_operator(db_buf *b, const fmt_exclusion_element *e)
{
    db_buf_add(b, "OPERATOR(");
    if (e->operator_namespace) {
        db_buf_ident(b, e->operator_namespace);
        db_buf_add(b, ".");
    }
    db_buf_add(b, e->operator? e->operator: "=");
    db_buf_add(b, ")");
}

static void build(pg_target *st, const fmt_exclusion *x, db_buf *b)
{
    db_buf_printf(b, "ALTER TABLE %s ADD ", st->qname);
    if (x->name) {
        db_buf_add(b, "CONSTRAINT ");
        db_buf_ident(b, x->name);
        db_buf_add(b, " ");
    }
    db_buf_add(b, "EXCLUDE USING ");
    db_buf_ident(b, x->method ? x->method : "btree");
    db_buf_add(b, " (");
    for (size_t i = 0; i < x->nelements; i++) {
        db_buf_add(b, i ? ", " : "");
        pg_target_exclusion_element(b, &x->elements[i]);
        db_buf_add(b, " WITH ");
        pg_target_exclusion_operator(b, &x->elements[i]);
    }
    db_buf_add(b, ")");
    if (x->ninclude) {
        db_buf_add(b, " INCLUDE ");
        db_buf_ident_list(b, x->include, x->ninclude);
    }
    if (x->where)
        db_buf_printf(b, " WHERE (%s)", x->where);
    if (x->deferrable)
        db_buf_add(b, x->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
                                            : " DEFERRABLE INITIALLY IMMEDIATE");
}

int pg_target_collect_exclusions(pg_target *st, const fmt_table *t)
{
    char what[256];
    for (size_t i = 0; i < t->nexclusions; i++) {
        const fmt_exclusion *x = &t->exclusions[i];
        const char *name = x->name ? x->name : "";
        if (!st->source_is_pg) {
            db_warn(&st->diag, "table \"%s\": exclusion constraint \"%s\" from %s not carried",
                    st->display, name, st->source_backend ? st->source_backend : "another backend");
            continue;
        }
        db_buf b = {0};
        build(st, x, &b);
        snprintf(what, sizeof what, "exclusion constraint \"%.200s\"", name);
        if (pg_target_add_post(st, PHASE_KEYS, &b, what) < 0)
            return -1;
    }
    return 0;
}
