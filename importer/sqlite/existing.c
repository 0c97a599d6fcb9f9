/* An existing target table, read with the SQLite catalog reader the source
 * uses: does the file's table fit it, is it empty (--require-empty), and
 * which key does --on-conflict=update use. */
#include "sqlite_target_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_types.h"
#include "strlist.h"

static int types_compatible(const sqlite_target *st, const fmt_column *c, const char *decl)
{
    const char *declared = sqlite_tgt_declared(st, c);
    if (declared) {
        if (sqlite3_stricmp(declared, decl) == 0)
            return 1;
        if (sqlite_type_affinity(declared) == sqlite_type_affinity(decl))
            return 1;
    }
    sqlite_type_family file = sqlite_family_of_portable(c->type.kind);
    sqlite_type_family target = sqlite_family_of_declared(decl);
    return file == DB_SQLITE_FAMILY_ANY || target == DB_SQLITE_FAMILY_ANY || file == target;
}

/* A file column whose values are text, going into an existing column of
 * INTEGER, REAL or NUMERIC affinity (a JSON column an older dbimport made,
 * or the application's own: TEXT, JSON, native types): SQLite stores a value that reads as a number
 * ("1.50", "12") as that number. The table is the application's and stays
 * as it is; the warning says what it does to such values. Not for a file
 * from a column of the same affinity, whose values come back as they were
 * there. */
static void warn_numeric_affinity(sqlite_target *st, const fmt_table *t, const fmt_column *c,
                                  const char *decl)
{
    sqlite_affinity a = sqlite_type_affinity(decl);
    switch (c->type.kind) {
    case FMT_TYPE_TEXT:
    case FMT_TYPE_VARCHAR:
    case FMT_TYPE_CHAR:
    case FMT_TYPE_JSON:
    case FMT_TYPE_JSONB:
    case FMT_TYPE_NATIVE:
        break;
    default:
        return; /* no text of theirs reads as a number (2024-01-01, [1,2]) */
    }
    if (a == DB_SQLITE_AFFINITY_TEXT || a == DB_SQLITE_AFFINITY_BLOB)
        return;
    const char *declared = sqlite_tgt_declared(st, c);
    if (declared && sqlite_type_affinity(declared) == a)
        return;
    db_warn(&st->diag,
            "table \"%s\", column \"%s\": the target declares %s, whose %s affinity stores a %s "
            "value that reads as a number (1.50, 12) as that number",
            t->name, c->name, decl,
            a == DB_SQLITE_AFFINITY_INTEGER ? "INTEGER"
            : a == DB_SQLITE_AFFINITY_REAL  ? "REAL"
                                            : "NUMERIC",
            c->type_text ? c->type_text : "text");
}

/* The column (from 1) that aliases the rowid: INTEGER PRIMARY KEY on its
 * own, without an index of its own. It needs no value. 0 when none. */
static int rowid_alias(sqlite_target *st, const char *table, const sqlite_catalog_column *cols,
                       size_t n, int *alias)
{
    sqlite_catalog_index *idx = NULL;
    size_t nidx = 0;
    int npk = 0, pk_index = 0;
    *alias = 0;
    if (sqlite_catalog_indexes(st->db, &st->diag, table, &idx, &nidx) < 0)
        return -1;
    for (size_t i = 0; i < nidx; i++)
        pk_index += idx[i].origin == 'p';
    sqlite_catalog_indexes_free(idx, nidx);
    for (size_t j = 0; j < n; j++)
        npk += cols[j].pk > 0;
    for (size_t j = 0; j < n; j++)
        if (npk == 1 && cols[j].pk == 1 && !pk_index &&
            sqlite3_stricmp(cols[j].declared, "INTEGER") == 0)
            *alias = (int)j + 1;
    return 0;
}

/* Every file column must exist with a compatible type. */
static int check_file_column(sqlite_target *st, const fmt_table *t, size_t i,
                             const sqlite_catalog_column *cols, size_t n, unsigned char *used)
{
    const fmt_column *c = &t->columns[i];
    size_t j;
    for (j = 0; j < n; j++)
        if (sqlite3_stricmp(cols[j].name, c->name) == 0)
            break;
    if (j == n)
        return db_error(&st->diag, "table \"%s\": column \"%s\" does not exist in the target",
                        t->name, c->name);
    used[j] = 1;
    if (!types_compatible(st, c, cols[j].declared))
        return db_error(&st->diag,
                        "table \"%s\", column \"%s\": type %s in the file does not fit the "
                        "target's declared type %s",
                        t->name, c->name, c->type_text ? c->type_text : "(unknown)",
                        *cols[j].declared ? cols[j].declared : "(none)");
    warn_numeric_affinity(st, t, c, cols[j].declared);
    st->insertable[i] = !(cols[j].hidden == 2 || cols[j].hidden == 3);
    st->text_column[i] = sqlite_tgt_column_class(cols[j].declared);
    if (!st->insertable[i] && !c->generated_sql)
        db_warn(&st->diag,
                "table \"%s\", column \"%s\": generated in the target, the file's "
                "values are not loaded",
                t->name, c->name);
    return 0;
}

/* Checks an existing table against t before any row is written: every
 * file column must exist with a compatible type, and every target column
 * the file lacks must be able to do without a value. */
int sqlite_tgt_check_existing(sqlite_target *st, const fmt_table *t,
                              const sqlite_catalog_object *obj)
{
    sqlite_catalog_column *cols = NULL;
    size_t n = 0;
    unsigned char *used = NULL;
    int rc = -1, alias = 0;

    if (sqlite_catalog_columns(st->db, &st->diag, obj->name, &cols, &n) < 0 ||
        rowid_alias(st, obj->name, cols, n, &alias) < 0)
        goto done;
    used = calloc(n + 1, 1);
    if (!used) {
        db_oom(&st->diag);
        goto done;
    }
    for (size_t i = 0; i < t->ncolumns; i++)
        if (check_file_column(st, t, i, cols, n, used) < 0)
            goto done;
    for (size_t j = 0; j < n; j++) {
        const sqlite_catalog_column *c = &cols[j];
        if (used[j] || !c->notnull || c->default_sql || c->hidden == 2 || c->hidden == 3 ||
            alias == (int)j + 1)
            continue;
        db_error(&st->diag,
                 "table \"%s\": column \"%s\" of the target is NOT NULL without a default and "
                 "the file has no values for it",
                 t->name, c->name);
        goto done;
    }
    rc = 0;
done:
    free(used);
    sqlite_catalog_columns_free(cols, n);
    return rc;
}

int sqlite_tgt_check_empty(sqlite_target *st, const fmt_table *t, const sqlite_catalog_object *obj)
{
    db_buf sel = {0};
    int rows = 0;
    db_buf_add(&sel, "SELECT 1 FROM main.");
    db_buf_ident(&sel, obj->name);
    db_buf_add(&sel, " LIMIT 1");
    if (sel.oom) {
        db_buf_free(&sel);
        return db_oom(&st->diag);
    }
    int rc = sqlite_tgt_count_rows(st, sel.buf, NULL, &rows);
    db_buf_free(&sel);
    if (rc < 0)
        return -1;
    if (rows)
        return db_error(&st->diag,
                        "table \"%s\" already exists in the target and holds rows "
                        "(--require-empty)",
                        t->name);
    return 0;
}

/* The plain columns of a unique index, or none when it has an expression
 * (which cannot be a conflict target). */
static int unique_index_key(sqlite_target *st, const char *index)
{
    sqlite_catalog_index_column *cols = NULL;
    size_t n = 0;
    int rc = sqlite_catalog_index_columns(st->db, &st->diag, index, &cols, &n);
    int plain = rc == 0 && n > 0;
    for (size_t i = 0; plain && i < n; i++)
        plain = cols[i].cid >= 0 && cols[i].name;
    for (size_t i = 0; plain && i < n; i++)
        if (fmt_strings_push_copy(&st->conflict_key, &st->nconflict_key, cols[i].name) < 0)
            rc = db_oom(&st->diag), plain = 0;
    sqlite_catalog_index_columns_free(cols, n);
    return rc;
}

/* The primary key, else the first unique index on plain columns without a
 * WHERE. */
int sqlite_tgt_conflict_key_from_target(sqlite_target *st, const char *table)
{
    sqlite_catalog_index *idx = NULL;
    size_t nidx = 0;
    if (sqlite_catalog_primary_key(st->db, &st->diag, table, &st->conflict_key,
                                   &st->nconflict_key) < 0)
        return -1;
    if (st->nconflict_key)
        return 0;
    if (sqlite_catalog_indexes(st->db, &st->diag, table, &idx, &nidx) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nidx && st->nconflict_key == 0; i++)
        if (idx[i].unique && !idx[i].partial)
            rc = unique_index_key(st, idx[i].name);
    sqlite_catalog_indexes_free(idx, nidx);
    return rc;
}
