/* The SQLite source reading _dbexport_origin (exporter/sqlite/origin.c):
 * a table's schema and name, a column's PostgreSQL type and identity kind
 * while its declared type is the recorded one, index names without the
 * schema prefix, foreign key references, and the header's enums and
 * domains; the table itself is never exported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "source.h"

static const char origin_sql[] =
    "CREATE TABLE \"_dbexport_origin\" (kind TEXT NOT NULL, tbl TEXT NOT NULL, name TEXT NOT "
    "NULL, value TEXT NOT NULL, PRIMARY KEY (kind, tbl, name)) WITHOUT ROWID;"
    "CREATE TABLE \"s.p\" (id INTEGER PRIMARY KEY AUTOINCREMENT, m TEXT, f TEXT);"
    "CREATE INDEX \"s.p_m\" ON \"s.p\" (m);"
    "CREATE TABLE c (id INTEGER PRIMARY KEY, p INT4 REFERENCES \"s.p\" (id));"
    "INSERT INTO _dbexport_origin VALUES"
    " ('table', 's.p', '', '{\"namespace\":\"s\",\"name\":\"p\"}'),"
    " ('column', 's.p', 'id', '{\"declared\":\"INTEGER\",\"postgresql_type\":\"integer\","
    "\"identity\":\"always\"}'),"
    " ('column', 's.p', 'm', '{\"declared\":\"TEXT\",\"postgresql_type\":\"s.mood\"}'),"
    /* redeclared since: the row is stale */
    " ('column', 's.p', 'f', '{\"declared\":\"CLOB\",\"postgresql_type\":\"bit(3)\"}'),"
    " ('enum', '', 's.mood', '{\"seq\":0,\"namespace\":\"s\",\"name\":\"mood\","
    "\"labels\":[\"sad\",\"ok\"]}'),"
    " ('domain', '', '.pos', '{\"seq\":1,\"namespace\":null,\"name\":\"pos\",\"base_type\":"
    "\"integer\",\"nullable\":false,\"default\":\"1\",\"checks\":[\"(VALUE > 0)\"]}');";

static const fmt_table *find(fmt_table **tables, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tables[i]->name, name) == 0)
            return tables[i];
    return NULL;
}

static void check_tables(fmt_table **tables, size_t n)
{
    CHECK(n == 2); /* _dbexport_origin is not one of them */
    const fmt_table *p = find(tables, n, "p"), *c = find(tables, n, "c");
    CHECK(p && c);
    if (!p || !c)
        return;
    CHECK_STR(p->namespace, "s");
    CHECK(p->ncolumns == 3);
    if (p->ncolumns == 3) {
        CHECK_STR(p->columns[0].postgresql_type, "integer");
        CHECK(p->columns[0].identity == FMT_IDENTITY_ALWAYS);
        CHECK_STR(p->columns[1].postgresql_type, "s.mood");
        CHECK_STR(p->columns[1].native_type, "TEXT");
        CHECK(p->columns[2].postgresql_type == NULL);
    }
    CHECK(p->nindexes == 1);
    if (p->nindexes == 1) {
        CHECK_STR(p->indexes[0].name, "p_m");
        CHECK(p->indexes[0].sql == NULL);
    }
    CHECK(c->namespace == NULL);
    CHECK(c->nforeign_keys == 1);
    if (c->nforeign_keys == 1) {
        CHECK_STR(c->foreign_keys[0].ref_namespace, "s");
        CHECK_STR(c->foreign_keys[0].ref_table, "p");
    }
    CHECK(c->columns[1].postgresql_type == NULL);
}

static void check_header(const fmt_header *h)
{
    CHECK(h->nuser_types == 2);
    if (h->nuser_types != 2)
        return;
    const fmt_user_type *e = &h->user_types[0], *d = &h->user_types[1];
    CHECK(e->kind == FMT_USER_TYPE_ENUM);
    CHECK_STR(e->namespace, "s");
    CHECK_STR(e->name, "mood");
    CHECK(e->nlabels == 2 && strcmp(e->labels[0], "sad") == 0 && strcmp(e->labels[1], "ok") == 0);
    CHECK(d->kind == FMT_USER_TYPE_DOMAIN);
    CHECK(d->namespace == NULL);
    CHECK_STR(d->base_type, "integer");
    CHECK(d->not_null);
    CHECK_STR(d->default_sql, "1");
    CHECK(d->nchecks == 1 && strcmp(d->checks[0], "(VALUE > 0)") == 0);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/test_sqlite_origin.%ld.db", base ? base : "/tmp",
             (long)getpid());
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
          sqlite3_exec(db, origin_sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);

    const db_source_ops *ops = db_source_sqlite();
    void *src = NULL;
    fmt_header h = {0};
    fmt_table **tables = NULL;
    size_t n = 0;
    CHECK(ops->open(&src, path, NULL) == 0);
    CHECK(ops->header(src, &h) == 0);
    check_header(&h);
    CHECK(ops->tables(src, &tables, &n) == 0);
    check_tables(tables, n);
    fmt_tables_free(tables, n);
    fmt_header_clear(&h);
    ops->close(src);
    unlink(path);
    return check_report();
}
