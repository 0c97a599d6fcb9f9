/* The collations a new table's columns and index parts name, checked on
 * the target before CREATE TABLE. A file carries a collation's name, not
 * its definition, so dbimport never creates one: a missing collation is
 * refused with its name and where the file uses it, before any row. */
#include "pg_target_internal.h"

/* 1 when the target has the collation "ns"."name" (ns NULL: pg_catalog's
 * by the empty search_path), 0 when not, -1 on error. */
static int collation_exists(pg_target *st, const char *name, const char *ns)
{
    db_buf q = {0};
    if (ns) {
        db_buf_ident(&q, ns);
        db_buf_add(&q, ".");
    }
    db_buf_ident(&q, name);
    if (q.oom) {
        db_buf_free(&q);
        return db_oom(&st->diag);
    }
    const char *params[] = {q.buf};
    int found = pg_target_query_value(
        st, "SELECT 1 WHERE pg_catalog.to_regcollation($1) IS NOT NULL", 1, params, NULL);
    db_buf_free(&q);
    return found;
}

/* what: "column \"c\"" or "index \"i\"", for the message. */
static int check_one(pg_target *st, const char *what, const char *what_name, const char *name,
                     const char *ns)
{
    int found = collation_exists(st, name, ns);
    if (found < 0)
        return db_error(&st->diag, "table \"%s\": cannot look up collation \"%s\": %s", st->display,
                        name, st->diag.message);
    if (found)
        return 0;
    return db_error(&st->diag,
                    "table \"%s\": %s \"%s\": the target has no collation \"%s\" in schema "
                    "\"%s\"\nhint: dbimport does not create collations (the file names them, "
                    "it does not define them): create it in the target first",
                    st->display, what, what_name, name, ns ? ns : "pg_catalog");
}

int pg_target_check_collations(pg_target *st, const fmt_table *t)
{
    if (!st->source_is_pg)
        return 0; /* another backend's collations are not carried (ddl.c) */
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->collation &&
            check_one(st, "column", c->name, c->collation, c->collation_namespace) < 0)
            return -1;
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];
        for (size_t p = 0; p < ix->nparts; p++) {
            const fmt_index_part *part = &ix->parts[p];
            if (part->collation && check_one(st, "index", ix->name ? ix->name : "", part->collation,
                                             part->collation_namespace) < 0)
                return -1;
        }
    }
    return 0;
}
