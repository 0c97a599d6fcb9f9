/* A table the target already has: do the file's columns fit it, how are
 * values encoded for its columns, and which key does --on-conflict=update
 * use. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_catalog.h"
#include "pg_types.h"
#include "strlist.h"

static void strip_quotes(char *s)
{
    char *w = s;
    for (; *s; s++)
        if (*s != '"')
            *w++ = *s;
    *w = '\0';
}

static int same_type_text(const char *a, const char *b)
{
    char *x = strdup(a), *y = strdup(b);
    int same = 0;
    if (x && y) {
        strip_quotes(x);
        strip_quotes(y);
        const char *px = strncmp(x, "public.", 7) == 0 ? x + 7 : x;
        const char *py = strncmp(y, "public.", 7) == 0 ? y + 7 : y;
        same = strcasecmp(px, py) == 0;
    }
    free(x);
    free(y);
    return same;
}

/* Can values of file column c go to the target column (row r of res)?
 * Returns 0, or -1 with the message set. */
static int check_column_type(pg_target *st, const fmt_column *c, const pg_catalog_column *target)
{
    const char *format = target->type_text;
    const char *typname = target->base_typname;
    int typmod = target->typmod;
    char category = target->base_category;
    fmt_type_kind k = c->type.kind;
    int ok = 1;

    if (st->source_is_pg && c->native_type && same_type_text(c->native_type, format))
        return 0;
    if (k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC || k == FMT_TYPE_SPARSEVEC) {
        const char *want = k == FMT_TYPE_VECTOR    ? "vector"
                           : k == FMT_TYPE_HALFVEC ? "halfvec"
                                                   : "sparsevec";
        if (strcmp(typname, want) != 0 ||
            (c->type.param1 >= 0 && typmod >= 0 && typmod != c->type.param1)) {
            char have[96];
            if (typmod >= 0 && (strcmp(typname, "vector") == 0 || strcmp(typname, "halfvec") == 0 ||
                                strcmp(typname, "sparsevec") == 0))
                snprintf(have, sizeof have, "%s(%d)", typname, typmod);
            else
                snprintf(have, sizeof have, "%s", format);
            return db_error(&st->diag,
                            "table \"%s\", column \"%s\": the file has %s, the target has %s",
                            st->display, c->name, c->type_text ? c->type_text : want, have);
        }
        return 0;
    }
    if (k == FMT_TYPE_BYTES)
        ok = strcmp(typname, "bytea") == 0;
    else if (k == FMT_TYPE_ARRAY)
        ok = category == 'A';
    else if (k == FMT_TYPE_BOOLEAN)
        ok = category == 'B' || category == 'N' || category == 'S';
    else if (pg_type_is_number(k))
        ok = category == 'N' || category == 'S';
    else if (k == FMT_TYPE_JSON || k == FMT_TYPE_JSONB)
        ok = strcmp(typname, "json") == 0 || strcmp(typname, "jsonb") == 0 || category == 'S';
    if (!ok)
        return db_error(&st->diag,
                        "table \"%s\", column \"%s\": type %s in the file does not fit the "
                        "target's type %s",
                        st->display, c->name, c->type_text ? c->type_text : "?", format);
    return 0;
}

/* The target's NOT NULL columns that it fills itself (identity, generated:
 * a staging table, which has no identities nor generation, drops their NOT
 * NULL; every other one stays, so that the staging COPY refuses a NULL and
 * names its row), and an error when one has neither a default nor values
 * in the file. */
static int check_not_null(pg_target *st, const pg_catalog_column *cols, size_t n,
                          const unsigned char *used, char ***notnull_cols, size_t *nnotnull)
{
    for (size_t r = 0; r < n; r++) {
        if (cols[r].not_null && (cols[r].identity || cols[r].generated) &&
            fmt_strings_push_copy(notnull_cols, nnotnull, cols[r].name) < 0)
            return db_oom(&st->diag);
        if (used[r] || !cols[r].not_null || cols[r].has_default || cols[r].generated)
            continue;
        return db_error(&st->diag,
                        "table \"%s\": column \"%s\" of the target is NOT NULL without a "
                        "default and the file has no values for it",
                        st->display, cols[r].name);
    }
    return 0;
}

/* File column i against the target's column have: its type fits, its
 * encoding and label, whether the target generates it. */
static int check_column(pg_target *st, const fmt_column *c, size_t i, const pg_catalog_column *have)
{
    if (check_column_type(st, c, have) < 0)
        return -1;
    st->enc[i].enc = pg_copy_encoding_for_type(have->base_typname, have->base_category);
    st->enc[i].dimension = have->typmod;
    st->enc[i].element = c->type.kind == FMT_TYPE_ARRAY ? c->type.element : FMT_TYPE_TEXT;
    if (pg_target_set_type_label(st, i, have->type_text) < 0)
        return -1;
    st->loadable[i] = have->generated == '\0';
    if (!st->loadable[i] && !c->generated_sql)
        db_warn(&st->diag,
                "table \"%s\", column \"%s\": generated in the target, the file's values "
                "are not loaded",
                st->display, c->name);
    return 0;
}

/* The target's columns the file does not have: every row loaded takes
 * their defaults, which the table's end says once (st->absent_note). */
static int note_absent_columns(pg_target *st, const pg_catalog_column *cols, size_t n,
                               const unsigned char *used)
{
    db_buf b = {0};
    size_t absent = 0;
    for (size_t r = 0; r < n; r++) {
        if (used[r] || cols[r].generated)
            continue;
        db_buf_printf(&b, "%s\"%s\" (%s)", absent++ ? ", " : "", cols[r].name,
                      cols[r].identity      ? "its identity"
                      : cols[r].default_sql ? cols[r].default_sql
                                            : "NULL");
    }
    free(st->absent_note);
    st->absent_note = NULL;
    if (!absent)
        return 0;
    db_buf full = {0};
    db_buf_printf(&full, "%s %s %s not in the file: the rows loaded got %s",
                  absent > 1 ? "columns" : "column", b.buf, absent > 1 ? "are" : "is",
                  absent > 1 ? "their defaults" : "its default");
    db_buf_free(&b);
    if (full.oom)
        return db_oom(&st->diag);
    st->absent_note = db_buf_take(&full);
    return 0;
}

int pg_target_check_existing(pg_target *st, const fmt_table *t, const char *oid,
                             char ***notnull_cols, size_t *nnotnull)
{
    pg_catalog_column *cols = NULL;
    size_t n = 0;
    PGresult *failed = NULL;
    unsigned char *used = NULL;
    int rc = pg_catalog_columns(st->conn, oid, &cols, &n, &failed);
    if (rc == -1) {
        pg_target_record_failure(st, failed);
        PQclear(failed);
        return -1;
    }
    if (rc < 0 || !(used = calloc(n + 1, 1))) {
        rc = db_oom(&st->diag);
        goto done;
    }
    rc = -1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        size_t r = 0;
        while (r < n && strcmp(cols[r].name, c->name) != 0)
            r++;
        if (r == n) {
            db_error(&st->diag, "table \"%s\": column \"%s\" does not exist in the target",
                     st->display, c->name);
            goto done;
        }
        used[r] = 1;
        if (check_column(st, c, i, &cols[r]) < 0)
            goto done;
    }
    rc = check_not_null(st, cols, n, used, notnull_cols, nnotnull);
    if (rc == 0)
        rc = note_absent_columns(st, cols, n, used);
done:
    free(used);
    pg_catalog_columns_free(cols, n);
    return rc;
}

/* The conflict target for --on-conflict=update: the primary key, else the
 * first unique index on plain columns without a predicate. */
int pg_target_conflict_key(pg_target *st, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    if (pg_target_run(
            st,
            "SELECT i.indexrelid, a.attname FROM pg_catalog.pg_index i"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
            " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            " WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid"
            " AND i.indpred IS NULL AND i.indexprs IS NULL"
            " ORDER BY i.indisprimary DESC, i.indexrelid, k.ord",
            1, params, &res) < 0)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        if (strcmp(PQgetvalue(res, r, 0), PQgetvalue(res, 0, 0)) != 0)
            break;
        if (fmt_strings_push_copy(&st->conflict_key, &st->nconflict_key, PQgetvalue(res, r, 1)) <
            0) {
            PQclear(res);
            return db_oom(&st->diag);
        }
    }
    PQclear(res);
    return 0;
}

/* What a pg_class relkind is called, for messages. */
static const char *relkind_name(char k)
{
    switch (k) {
    case 'v':
        return "view";
    case 'm':
        return "materialized view";
    case 'i':
    case 'I':
        return "index";
    case 'S':
        return "sequence";
    case 'f':
        return "foreign table";
    case 'c':
        return "composite type";
    default:
        return "relation";
    }
}

/* Whether the target has t: *oid set (allocated) when it has a table of
 * that name; an error when the name is taken by something else, or, under
 * --require-empty, by a table that holds rows. */
int pg_target_find_table(pg_target *st, const fmt_table *t, char **oid)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    const char *params[] = {ns, t->name};
    PGresult *res;
    *oid = NULL;
    if (pg_target_run(st,
                      "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN "
                      "pg_catalog.pg_namespace n"
                      " ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                      2, params, &res) < 0)
        return -1;
    if (PQntuples(res) > 0) {
        char kind = PQgetvalue(res, 0, 1)[0];
        int rc = 0;
        if (kind != 'r' && kind != 'p')
            rc = db_error(&st->diag, "table \"%s\": the target has a %s of that name", st->display,
                          relkind_name(kind));
        else if (!(*oid = strdup(PQgetvalue(res, 0, 0))))
            rc = db_oom(&st->diag);
        PQclear(res);
        if (rc < 0)
            return -1;
        st->table_existed = 1;
    } else {
        PQclear(res);
    }
    if (!st->table_existed || !st->opts.require_empty)
        return 0;
    db_buf b = {0};
    db_buf_printf(&b, "SELECT 1 FROM %s LIMIT 1", st->qname);
    int found = b.oom ? db_oom(&st->diag) : pg_target_query_value(st, b.buf, 0, NULL, NULL);
    db_buf_free(&b);
    if (found > 0)
        return db_error(&st->diag,
                        "table \"%s\" already exists in the target and holds rows "
                        "(--require-empty)",
                        st->display);
    return found < 0 ? -1 : 0;
}

int pg_target_column_hints(void *state, const fmt_table *t, fmt_type *hints)
{
    pg_target *st = state;
    const char *params[] = {t->namespace ? t->namespace : DEFAULT_NAMESPACE, t->name};
    PGresult *res;
    for (size_t i = 0; i < t->ncolumns; i++)
        hints[i].kind = FMT_TYPE_COUNT_;
    if (pg_target_run(
            st,
            "SELECT a.attname, tn.nspname, ty.typname, ty.typcategory, en.nspname, el.typname,"
            " a.atttypmod, (SELECT x.extname FROM pg_catalog.pg_depend d"
            " JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid"
            " WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass"
            " AND d.objid = ty.oid AND d.deptype = 'e')"
            " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid"
            " JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace"
            " LEFT JOIN pg_catalog.pg_type el ON el.oid = ty.typelem AND ty.typcategory = 'A'"
            " LEFT JOIN pg_catalog.pg_namespace en ON en.oid = el.typnamespace"
            " WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
            2, params, &res) < 0)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        int i = fmt_table_find_column(t, PQgetvalue(res, r, 0));
        int32_t typmod = (int32_t)strtol(PQgetvalue(res, r, 6), NULL, 10);
        const char *ext = PQgetisnull(res, r, 7) ? NULL : PQgetvalue(res, r, 7);
        fmt_type h = {FMT_TYPE_COUNT_, -1, -1, FMT_TYPE_TEXT}, e = h;
        if (i < 0)
            continue;
        if (PQgetvalue(res, r, 3)[0] == 'A' && !PQgetisnull(res, r, 5)) {
            if (pg_type_builtin(&e, PQgetvalue(res, r, 4), PQgetvalue(res, r, 5), NULL, typmod) ==
                    1 &&
                e.kind != FMT_TYPE_NATIVE && e.kind != FMT_TYPE_ARRAY)
                h = (fmt_type){FMT_TYPE_ARRAY, e.param1, e.param2, e.kind};
        } else if (pg_type_builtin(&h, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), ext, typmod) !=
                   1) {
            h.kind = FMT_TYPE_COUNT_;
        }
        hints[i] = h;
    }
    PQclear(res);
    return 0;
}
