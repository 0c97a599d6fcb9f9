/* See sqlite_guard.h. */
#include "sqlite_guard.h"

#include <stdio.h>

#include <sqlite3.h>

#include "refuse.h"
#include "sqltok.h"

int sqlite_guard_table_name(const char *name, char *why, size_t whylen)
{
    if (!name || !*name) {
        snprintf(why, whylen, "an empty name");
        return -1;
    }
    if (sqlite3_strnicmp(name, "sqlite_", 7) == 0) {
        snprintf(why, whylen,
                 "\"%s\" is a name SQLite keeps for itself, which an import never "
                 "writes to",
                 name);
        return -1;
    }
    return 0;
}

int sqlite_guard_view(const char *sql, const char *name, char *why, size_t whylen)
{
    static const char *const words[] = {"VIEW", NULL};
    return db_sql_check_create(sql, DB_SQL_SQLITE, words, NULL, name, "main", 0, NULL, why, whylen);
}

int sqlite_guard_trigger(const char *sql, const char *name, const char *table, char *why,
                         size_t whylen)
{
    static const char *const words[] = {"TRIGGER", NULL};
    db_sql_create c;
    /* A trigger's body holds statements of its own: BEGIN ...; ...; END. */
    if (db_sql_check_create(sql, DB_SQL_SQLITE, words, NULL, name, "main", 1, &c, why, whylen) < 0)
        return -1;
    return db_sql_check_on_table(sql, c.after_name, DB_SQL_SQLITE, NULL, table, "main", 0, why,
                                 whylen);
}

int sqlite_guard_expression(const char *expression, char *why, size_t whylen)
{
    return db_sql_check_expression(expression, DB_SQL_SQLITE, why, whylen);
}

int sqlite_guard_index(const char *sql, const char *name, const char *table, char *why,
                       size_t whylen)
{
    static const char *const unique[] = {"UNIQUE", "INDEX", NULL};
    static const char *const plain[] = {"INDEX", NULL};
    db_sql_create c;
    if (db_sql_check_create(sql, DB_SQL_SQLITE, unique, NULL, name, "main", 0, &c, NULL, 0) < 0 &&
        db_sql_check_create(sql, DB_SQL_SQLITE, plain, NULL, name, "main", 0, &c, why, whylen) < 0)
        return -1;
    return db_sql_check_on_table(sql, c.after_name, DB_SQL_SQLITE, NULL, table, "main", 0, why,
                                 whylen);
}

static int guard_expression(const char *e, char *why, size_t whylen)
{
    return e ? sqlite_guard_expression(e, why, whylen) : 0;
}

static int guard_indexes(const fmt_table *t, const char *name, int source_is_sqlite, char *why,
                         size_t whylen)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];
        const char *ixname = ix->name ? ix->name : "";
        for (size_t p = 0; p < ix->nparts; p++)
            if (guard_expression(ix->parts[p].expression, why, whylen) < 0)
                return db_refuse_at(why, whylen, "index \"%.64s\": expression", ixname);
        if (guard_expression(ix->where, why, whylen) < 0)
            return db_refuse_at(why, whylen, "index \"%.64s\": where", ixname);
        if (source_is_sqlite && ix->sql && ix->name &&
            sqlite_guard_index(ix->sql, ix->name, name, why, whylen) < 0)
            return db_refuse_at(why, whylen, "index \"%.64s\": sql", ixname);
    }
    return 0;
}

int sqlite_guard_table(const fmt_table *t, const char *name, int source_is_sqlite, char *why,
                       size_t whylen)
{
    if (sqlite_guard_table_name(name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "name");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        const char *cname = c->name ? c->name : "";
        if (guard_expression(c->default_sql, why, whylen) < 0)
            return db_refuse_at(why, whylen, "column \"%.64s\": default", cname);
        if (guard_expression(c->generated_sql, why, whylen) < 0)
            return db_refuse_at(why, whylen, "column \"%.64s\": generated expression", cname);
    }
    for (size_t i = 0; i < t->nchecks; i++)
        if (guard_expression(t->checks[i].expression, why, whylen) < 0)
            return db_refuse_at(why, whylen, "check \"%.64s\": expression",
                                t->checks[i].name ? t->checks[i].name : "");
    return guard_indexes(t, name, source_is_sqlite, why, whylen);
}
