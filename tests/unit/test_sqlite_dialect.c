/* tools/sqlite alone, without a source or a target around it: the type
 * rules both ways (what the target declares, the source reads back as the
 * same portable type) and the catalog reader both directions share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "sqlite_catalog.h"
#include "sqlite_types.h"
#include "strlist.h"

static char tmpdir[256];

static int make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc = 0;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sql failed: %s\n", err ? err : "?");
        rc = -1;
    }
    sqlite3_free(err);
    sqlite3_close(db);
    return rc;
}

/* Every portable type the target declares reads back as itself in the
 * source (tools/sqlite both ways), and the family by which an existing
 * column is judged agrees with the type it was declared for. */
static void test_type_round_trip(void)
{
    static const char *const types[] = {
        "boolean",
        "int16",
        "int32",
        "int64",
        "float32",
        "float64",
        "decimal",
        "decimal(10,2)",
        "decimal(20)",
        "decimal(38,4)",
        "text",
        "varchar(10)",
        "char(3)",
        "bytes",
        "date",
        "time",
        "timetz",
        "timestamp",
        "timestamptz",
        "interval",
        "uuid",
        "json",
        "jsonb",
        "vector(3)",
        "halfvec(2)",
        "sparsevec(5)",
        "any",
        "array(int32)",
        "array(text)",
        "array(varchar(10))",
        "array(decimal(20,4))",
        "array(uuid)",
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        fmt_type want, got;
        char err[128], text[FMT_TYPE_BUFSZ];
        db_buf b = {0};
        CHECK(fmt_type_parse(&want, types[i], strlen(types[i]), err, sizeof err) == 0);
        CHECK(sqlite_type_declare(&b, &want) == 0);
        const char *decl = b.buf ? b.buf + (b.buf[0] == ' ') : "";
        CHECK(sqlite_type_read(&got, decl, 0) == 0);
        fmt_type_format(text, &got);
        CHECK_STR(text, types[i]);
        sqlite_type_family family = sqlite_family_of_declared(decl);
        if (family != DB_SQLITE_FAMILY_ANY && family != sqlite_family_of_portable(want.kind))
            fprintf(stderr, "%s declared as \"%s\": family %d, want %d\n", types[i], decl,
                    (int)family, (int)sqlite_family_of_portable(want.kind));
        CHECK(family == DB_SQLITE_FAMILY_ANY || family == sqlite_family_of_portable(want.kind));
        db_buf_free(&b);
    }
}

/* Types whose values are text are declared with TEXT affinity, so that
 * SQLite turns none of them into a number ("1.50" in a json column, a date
 * "20240101", an xml "5"); the names read back as the same type, and what
 * older versions declared still reads as before. */
static void test_text_affinity(void)
{
    static const char *const text_types[] = {
        "decimal", "decimal(20,4)", "text",        "varchar(10)", "char(3)",  "date",
        "time",    "timetz",        "timestamp",   "timestamptz", "interval", "uuid",
        "json",    "jsonb",         "array(date)", "array(json)"};
    for (size_t i = 0; i < sizeof text_types / sizeof *text_types; i++) {
        fmt_type ty;
        char err[128];
        db_buf b = {0};
        CHECK(fmt_type_parse(&ty, text_types[i], strlen(text_types[i]), err, sizeof err) == 0);
        CHECK(sqlite_type_declare(&b, &ty) == 0);
        if (sqlite_type_affinity(b.buf) != DB_SQLITE_AFFINITY_TEXT)
            fprintf(stderr, "%s declared as \"%s\": not TEXT affinity\n", text_types[i], b.buf);
        CHECK(sqlite_type_affinity(b.buf) == DB_SQLITE_AFFINITY_TEXT);
        db_buf_free(&b);
    }
    /* native types: the name, then TEXT; read back as native when known */
    static const struct {
        const char *native, *decl, *reads;
    } natives[] = {
        {"inet", " inet TEXT", "native"},   {"money", " money TEXT", "native"},
        {"xml", " xml TEXT", "native"},     {"tsvector", " tsvector TEXT", "native"},
        {"ltree", " ltree TEXT", "text"},   {"int2vector", " TEXT", "text"},
        {"bit(3)", " TEXT", "text"},        {"public.citext", " TEXT", "text"},
        {"point", " point TEXT", "native"}, {"int4range", " int4range TEXT", "native"},
    };
    for (size_t i = 0; i < sizeof natives / sizeof *natives; i++) {
        db_buf b = {0};
        fmt_type got;
        char text[FMT_TYPE_BUFSZ];
        CHECK(sqlite_type_declare_native(&b, natives[i].native) == 0);
        CHECK_STR(b.buf, natives[i].decl);
        CHECK(sqlite_type_read(&got, b.buf + 1, 0) == 0);
        fmt_type_format(text, &got);
        CHECK_STR(text, natives[i].reads);
        db_buf_free(&b);
    }
    /* what older versions declared */
    static const char *const old[][2] = {
        {"JSON", "json"}, {"JSONB", "jsonb"}, {"INTERVAL", "interval"}, {"UUID", "uuid"},
        {"DATE", "date"}, {"inet", "native"}, {"MONEY", "decimal"},     {"LONG TEXT", "text"}};
    for (size_t i = 0; i < sizeof old / sizeof *old; i++) {
        fmt_type got;
        char text[FMT_TYPE_BUFSZ];
        CHECK(sqlite_type_read(&got, old[i][0], 0) == 0);
        fmt_type_format(text, &got);
        CHECK_STR(text, old[i][1]);
    }
}

/* The catalog reader directly: foreign keys in declaration order with
 * their columns, index columns of an expression, lookups by name in any
 * case and by type. */
static void test_catalog(void)
{
    char path[300];
    sqlite3 *db = NULL;
    db_diag d = {0};
    snprintf(path, sizeof path, "%s/catalog.db", tmpdir);
    CHECK(make_db(path, "CREATE TABLE p (a INTEGER, b TEXT, PRIMARY KEY (b, a));"
                        "CREATE TABLE c (x, y, z, FOREIGN KEY (x) REFERENCES p ON DELETE CASCADE,"
                        " FOREIGN KEY (y, z) REFERENCES p (b, a));"
                        "CREATE INDEX c_expr ON c (x, lower(y) DESC);"
                        "CREATE TRIGGER P AFTER INSERT ON c BEGIN SELECT 1; END;") == 0);
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);

    sqlite_catalog_foreign_key *fk = NULL;
    size_t nfk = 0;
    CHECK(sqlite_catalog_foreign_keys(db, &d, "c", &fk, &nfk) == 0);
    CHECK(nfk == 2);
    if (nfk == 2) {
        CHECK(fk[0].ncolumns == 1 && fk[0].nref_columns == 0);
        CHECK_STR(fk[0].on_delete, "CASCADE");
        CHECK(fk[1].ncolumns == 2 && fk[1].nref_columns == 2);
        CHECK_STR(fk[1].ncolumns == 2 ? fk[1].columns[1] : NULL, "z");
        CHECK_STR(fk[1].nref_columns == 2 ? fk[1].ref_columns[0] : NULL, "b");
    }
    sqlite_catalog_foreign_keys_free(fk, nfk);

    char **pk = NULL;
    size_t npk = 0;
    CHECK(sqlite_catalog_primary_key(db, &d, "p", &pk, &npk) == 0);
    CHECK(npk == 2);
    CHECK_STR(npk == 2 ? pk[0] : NULL, "b");
    fmt_strings_free(pk, npk);

    sqlite_catalog_index_column *ic = NULL;
    size_t nic = 0;
    CHECK(sqlite_catalog_index_columns(db, &d, "c_expr", &ic, &nic) == 0);
    CHECK(nic == 2);
    if (nic == 2) {
        CHECK_STR(ic[0].name, "x");
        CHECK(ic[1].name == NULL && ic[1].cid == -2 && ic[1].descending);
    }
    sqlite_catalog_index_columns_free(ic, nic);

    sqlite_catalog_object o;
    CHECK(sqlite_catalog_object_find(db, &d, "C_EXPR", NULL, &o) == 1);
    CHECK_STR(o.type, "index");
    CHECK_STR(o.table, "c");
    sqlite_catalog_object_clear(&o);
    /* a trigger and a table may share a name: the type tells them apart */
    CHECK(sqlite_catalog_object_find(db, &d, "p", "table", &o) == 1);
    CHECK_STR(o.name, "p");
    sqlite_catalog_object_clear(&o);
    CHECK(sqlite_catalog_object_find(db, &d, "p", "trigger", &o) == 1);
    CHECK_STR(o.name, "P");
    sqlite_catalog_object_clear(&o);
    CHECK(sqlite_catalog_object_find(db, &d, "nothing", NULL, &o) == 0);
    CHECK(o.name == NULL);

    sqlite_catalog_column *cols = NULL;
    size_t ncols = 0;
    CHECK(sqlite_catalog_columns(db, &d, "c", &cols, &ncols) == 0);
    CHECK(ncols == 3 && cols[0].declared && *cols[0].declared == '\0');
    sqlite_catalog_columns_free(cols, ncols);
    CHECK_STR(db_errmsg(&d), "no error");
    db_diag_free(&d);
    sqlite3_close(db);
}

int main(void)
{
    char path[300];
    snprintf(tmpdir, sizeof tmpdir, "%s/test_sqlite_dialect.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_type_round_trip();
    test_text_affinity();
    test_catalog();
    snprintf(path, sizeof path, "%s/catalog.db", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return check_report();
}
