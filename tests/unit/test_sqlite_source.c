/* The SQLite source against a torture database built here (every schema
 * feature the format carries, and values at the edges of each storage
 * class), a WAL database read while a writer holds uncommitted pages in
 * its log, bad locators, and the Chinook sample database. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "fixtures.h"
#include "source.h"
#include "sqlite_ddl.h"

static char tmpdir[256];

static const char torture_sql[] =
    "CREATE TABLE parent (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  name TEXT NOT NULL COLLATE NOCASE CONSTRAINT name_len CHECK (length(name) > 0),\n"
    "  code VARCHAR(10) UNIQUE, -- a comment, with (a paren\n"
    "  price DECIMAL(10,2) DEFAULT 0,\n"
    "  CONSTRAINT price_pos CHECK (price >= 0 /* , ) */),\n"
    "  CHECK ( code <> 'x, ) y' )\n"
    ");\n"
    "CREATE TABLE \"order items\" (\n"
    "  order_id INTEGER NOT NULL,\n"
    "  line INT NOT NULL ON CONFLICT REPLACE,\n"
    "  parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE SET NULL\n"
    "    DEFERRABLE INITIALLY DEFERRED,\n"
    "  qty int,\n"
    "  CONSTRAINT pk_items PRIMARY KEY (order_id, line),\n"
    "  CONSTRAINT uq_items UNIQUE (parent_id, qty) ON CONFLICT IGNORE\n"
    ");\n"
    "CREATE TABLE emp (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  boss INTEGER REFERENCES emp,\n"
    "  dept_id INTEGER,\n"
    "  CONSTRAINT fk_dept FOREIGN KEY (dept_id) REFERENCES dept(id) ON DELETE SET DEFAULT\n"
    ");\n"
    "CREATE TABLE dept (id INTEGER PRIMARY KEY,\n"
    "  head INTEGER CONSTRAINT fk_head REFERENCES emp(id) ON DELETE RESTRICT DEFERRABLE);\n"
    "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;\n"
    "CREATE TABLE gen (\n"
    "  a INTEGER,\n"
    "  b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL,\n"
    "  c TEXT AS ( upper('x' || a) ) STORED,\n"
    "  d  DOUBLE   PRECISION\n"
    ");\n"
    "CREATE TABLE strict_t (id INTEGER PRIMARY KEY, x ANY, y INT, z TEXT) STRICT;\n"
    "CREATE TABLE untyped (a, b, c);\n"
    "CREATE TABLE quirk (x INTEGER PRIMARY KEY DESC, y);\n"
    "CREATE TABLE named_pk (c INTEGER CONSTRAINT pk_c PRIMARY KEY, \"we\"\"ird\" TEXT,\n"
    "  [sq br] TEXT, `back``tick` TEXT);\n"
    "CREATE TABLE vals (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB, u);\n"
    "CREATE TABLE types (\n"
    "  c1 F32_BLOB(3), c2 vector ( 4 ), c3 FLOAT32(8), c4 F16_BLOB(2), c5 HALFVEC(5),\n"
    "  c6 BOOLEAN, c7 bool, c8 SMALLINT, c9 INT2, c10 TINYINT, c11 INT4, c12 MEDIUMINT,\n"
    "  c13 BIGINT, c14 UNSIGNED BIG INT, c15 REAL, c16 DOUBLE, c17 FLOAT, c18 FLOAT8,\n"
    "  c19 FLOAT4, c20 DECIMAL, c21 NUMERIC(12), c22 numeric(10, 2), c23 VARCHAR(255),\n"
    "  c24 NVARCHAR(40), c25 CHARACTER VARYING(7), c26 VARYING CHARACTER(8), c27 CHAR(2),\n"
    "  c28 NCHAR(3), c29 CHARACTER(4), c30 NATIVE CHARACTER(5), c31 BLOB, c32 BYTEA,\n"
    "  c33 DATE, c34 DATETIME, c35 TIMESTAMP, c36 TIMESTAMPTZ,\n"
    "  c37 TIMESTAMP WITH TIME ZONE, c38 TIME, c39 TIMETZ, c40 INTERVAL, c41 UUID, c42 JSON,\n"
    "  c43 JSONB, c44 VARCHAR, c45 CLOB, c46 TEXT, c47 STRING, c48 FLOATING POINT,\n"
    "  c49 DOUB, c50 MONEY, c51 VECTOR, c52 VECTOR(0), c53 BOOLEAN(1), c54 DATETIME(6),\n"
    "  c55 TINYINT(1), c56 POINT, c57 BLOBBY\n"
    ");\n"
    "CREATE INDEX idx_partial ON parent(name) WHERE price > 0;\n"
    "CREATE INDEX idx_expr ON parent (lower(name) COLLATE NOCASE DESC, code, \"price\" + 1);\n"
    "CREATE UNIQUE INDEX idx_desc ON \"order items\"(qty DESC, line COLLATE RTRIM);\n"
    "CREATE VIEW v_parent AS SELECT id, name FROM parent;\n"
    "CREATE VIEW a_view AS SELECT * FROM emp;\n"
    "CREATE TRIGGER trg_parent AFTER INSERT ON parent BEGIN\n"
    "  UPDATE parent SET price = 1 WHERE id = new.id AND price IS NULL; END;\n"
    "CREATE TRIGGER trg_emp AFTER DELETE ON emp BEGIN SELECT 1; END;\n"
    "CREATE VIRTUAL TABLE docs USING fts5(body);\n"
    "INSERT INTO parent(name, code, price) VALUES ('b', 'B', 2), ('a', 'A', 1), ('c', 'C', 3);\n"
    "DELETE FROM parent WHERE id = 3;\n"
    "INSERT INTO \"order items\" VALUES (2, 1, 1, 5), (1, 2, 2, 6), (1, 1, 1, 7);\n"
    "INSERT INTO kv VALUES ('z', X'00'), ('a', X'');\n"
    "INSERT INTO gen(a, d) VALUES (1, 0.5);\n"
    "INSERT INTO untyped(rowid, a, b, c) VALUES (5, 'x', 1, NULL), (2, 'y', 2.5, X'01');\n"
    "INSERT INTO vals VALUES (3, 'abc', -1e999, '', NULL, 42);\n"
    "INSERT INTO vals VALUES (1, 9223372036854775807, -0.0, CAST(X'610062' AS TEXT), X'',"
    " -0.0);\n"
    "INSERT INTO vals VALUES (2, -9223372036854775808, 1e999, CAST(X'FF' AS TEXT),"
    " X'0001FF', 3);\n"
    "INSERT INTO vals VALUES (4, 12, 3, 123, 'text in blob', '7');\n"
    "INSERT INTO docs VALUES ('hello world');\n";

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sql failed: %s\n", err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = 0;
    if (sqlite3_open(path, &db) != SQLITE_OK || exec_sql(db, sql) < 0) {
        rc = -1;
    }
    sqlite3_close(db);
    return rc;
}

static bool has_warning(char **lines, size_t n, const char *text)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (strcmp(lines[i], text) == 0) {
            return true;
        }
    }
    return false;
}

static void free_objects(fmt_native_object *o, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fmt_native_object_clear(&o[i]);
    }
    free(o);
}

/* Reads all rows of t into a buffer of ncolumns * max values (copies of
 * the kinds and numbers; bytes are compared on the fly by the caller). */
typedef struct {
    fmt_value v;
    char bytes[32];
} saved_value;

static int read_rows(const db_source_ops *ops, void *src, const fmt_table *t, saved_value *out,
                     size_t max_rows)
{
    fmt_value *values = calloc(t->ncolumns, sizeof *values);
    int n = 0, more;
    size_t i;
    if (!values || ops->rows_begin(src, t) < 0) {
        fprintf(stderr, "rows_begin %s: %s\n", t->name, ops->errmsg(src));
        free(values);
        return -1;
    }
    while ((more = ops->rows_next(src, values)) == 1) {
        if ((size_t)n < max_rows) {
            for (i = 0; i < t->ncolumns; i++) {
                saved_value *sv = &out[(size_t)n * t->ncolumns + i];
                sv->v = values[i];
                if (values[i].bytes) {
                    memcpy(sv->bytes, values[i].bytes,
                           values[i].len < sizeof sv->bytes ? values[i].len : sizeof sv->bytes);
                    sv->v.bytes = sv->bytes;
                }
            }
        }
        n++;
    }
    ops->rows_end(src);
    free(values);
    if (more < 0) {
        fprintf(stderr, "rows_next %s: %s\n", t->name, ops->errmsg(src));
        return -1;
    }
    return n;
}

static bool bytes_are(const fmt_value *v, fmt_value_kind kind, const char *bytes, size_t len)
{
    return v->kind == kind && v->len == len && v->bytes && memcmp(v->bytes, bytes, len) == 0;
}

static void test_types(const fmt_table *t)
{
    static const char *const want[][2] = {
        {"c1", "vector(3)"},      {"c2", "vector(4)"},     {"c3", "vector(8)"},
        {"c4", "halfvec(2)"},     {"c5", "halfvec(5)"},    {"c6", "boolean"},
        {"c7", "boolean"},        {"c8", "int16"},         {"c9", "int16"},
        {"c10", "int16"},         {"c11", "int32"},        {"c12", "int32"},
        {"c13", "int64"},         {"c14", "int64"},        {"c15", "float64"},
        {"c16", "float64"},       {"c17", "float64"},      {"c18", "float64"},
        {"c19", "float32"},       {"c20", "decimal"},      {"c21", "decimal(12)"},
        {"c22", "decimal(10,2)"}, {"c23", "varchar(255)"}, {"c24", "varchar(40)"},
        {"c25", "varchar(7)"},    {"c26", "varchar(8)"},   {"c27", "char(2)"},
        {"c28", "char(3)"},       {"c29", "char(4)"},      {"c30", "char(5)"},
        {"c31", "bytes"},         {"c32", "bytes"},        {"c33", "date"},
        {"c34", "timestamp"},     {"c35", "timestamp"},    {"c36", "timestamptz"},
        {"c37", "timestamptz"},   {"c38", "time"},         {"c39", "timetz"},
        {"c40", "interval"},      {"c41", "uuid"},         {"c42", "json"},
        {"c43", "jsonb"},         {"c44", "text"},         {"c45", "text"},
        {"c46", "text"},          {"c47", "decimal"},      {"c48", "int64"},
        {"c49", "float64"},       {"c50", "decimal"},      {"c51", "decimal"},
        {"c52", "decimal"},       {"c53", "decimal"},      {"c54", "decimal"},
        {"c55", "int64"},         {"c56", "native"},       {"c57", "bytes"},
    };
    size_t i;
    CHECK(t != NULL);
    if (!t) {
        return;
    }
    CHECK(t->ncolumns == sizeof want / sizeof want[0]);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const fmt_column *c = find_column(t, want[i][0]);
        char text[FMT_TYPE_BUFSZ];
        CHECK(c != NULL);
        if (!c) {
            continue;
        }
        CHECK_STR(c->type_text, want[i][1]);
        fmt_type_format(text, &c->type);
        CHECK_STR(text, want[i][1]);
    }
    CHECK_STR(find_column(t, "c2")->native_type, "vector ( 4 )");
    CHECK_STR(find_column(t, "c37")->native_type, "TIMESTAMP WITH TIME ZONE");
}

static void check_parent(const fmt_table *t);
static void check_order_items(const fmt_table *t);
static void check_references(fmt_table **tables, size_t ntables);
static void check_table_kinds(fmt_table **tables, size_t ntables);

static void test_schema(fmt_table **tables, size_t ntables)
{
    static const char *const names[] = {"dept",     "emp",         "gen",     "kv",
                                        "named_pk", "order items", "parent",  "quirk",
                                        "strict_t", "types",       "untyped", "vals"};
    size_t i;

    CHECK(ntables == sizeof names / sizeof names[0]);
    for (i = 0; i < ntables && i < sizeof names / sizeof names[0]; i++) {
        CHECK_STR(tables[i]->name, names[i]);
    }

    check_parent(find_table_named(tables, ntables, "parent"));
    check_order_items(find_table_named(tables, ntables, "order items"));
    check_references(tables, ntables);
    check_table_kinds(tables, ntables);
    test_types(find_table_named(tables, ntables, "types"));
}

/* parent: AUTOINCREMENT, collation, checks in text order, unique, indexes */
static void check_parent(const fmt_table *t)
{
    const fmt_column *c;
    CHECK(t != NULL);
    if (t) {
        CHECK(t->ncolumns == 4);
        c = find_column(t, "id");
        /* nullable is what SQLite reports: no NOT NULL was declared */
        CHECK(c && c->identity == FMT_IDENTITY_AUTOINCREMENT && c->nullable);
        CHECK(c && c->has_last_value && c->last_value == 3);
        CHECK_STR(c ? c->native_type : NULL, "INTEGER");
        CHECK_STR(c ? c->type_text : NULL, "int64");
        c = find_column(t, "name");
        CHECK(c && !c->nullable && c->identity == FMT_IDENTITY_NONE);
        CHECK_STR(c ? c->collation : NULL, "NOCASE");
        c = find_column(t, "price");
        CHECK_STR(c ? c->default_sql : NULL, "0");
        CHECK(c && c->nullable && c->type.kind == FMT_TYPE_DECIMAL && c->type.param1 == 10 &&
              c->type.param2 == 2);
        CHECK(t->primary_key && t->primary_key->ncolumns == 1 && !t->primary_key->name);
        CHECK(t->nchecks == 3);
        if (t->nchecks == 3) {
            CHECK_STR(t->checks[0].name, "name_len");
            CHECK_STR(t->checks[0].expression, "length(name) > 0");
            CHECK_STR(t->checks[1].name, "price_pos");
            CHECK_STR(t->checks[1].expression, "price >= 0 /* , ) */");
            CHECK(t->checks[2].name == NULL);
            CHECK_STR(t->checks[2].expression, "code <> 'x, ) y'");
        }
        CHECK(t->nuniques == 1);
        if (t->nuniques == 1) {
            CHECK(t->uniques[0].ncolumns == 1 && !t->uniques[0].name);
            CHECK_STR(t->uniques[0].columns[0], "code");
        }
        CHECK(t->nindexes == 2);
        if (t->nindexes == 2) {
            const fmt_index *ix = &t->indexes[0];
            CHECK_STR(ix->name, "idx_expr");
            CHECK(!ix->unique && !ix->where && ix->nparts == 3);
            if (ix->nparts == 3) {
                CHECK(ix->parts[0].column == NULL && ix->parts[0].descending);
                CHECK_STR(ix->parts[0].expression, "lower(name)");
                CHECK_STR(ix->parts[0].collation, "NOCASE");
                CHECK_STR(ix->parts[1].column, "code");
                CHECK(!ix->parts[1].descending && !ix->parts[1].collation &&
                      !ix->parts[1].expression);
                CHECK_STR(ix->parts[2].expression, "\"price\" + 1");
            }
            CHECK_STR(ix->sql, "CREATE INDEX idx_expr ON parent (lower(name) COLLATE NOCASE DESC, "
                               "code, \"price\" + 1)");
            ix = &t->indexes[1];
            CHECK_STR(ix->name, "idx_partial");
            CHECK_STR(ix->where, "price > 0");
            CHECK(ix->nparts == 1);
            if (ix->nparts == 1) {
                /* the column's own NOCASE shows in the index */
                CHECK_STR(ix->parts[0].column, "name");
            }
        }
        CHECK(!t->without_rowid && !t->strict);
    }
}

/* order items: composite named PK, FK actions and deferral, named unique */
static void check_order_items(const fmt_table *t)
{
    const fmt_column *c;
    CHECK(t != NULL);
    if (t) {
        CHECK(t->primary_key && t->primary_key->ncolumns == 2);
        if (t->primary_key && t->primary_key->ncolumns == 2) {
            CHECK_STR(t->primary_key->name, "pk_items");
            CHECK_STR(t->primary_key->columns[0], "order_id");
            CHECK_STR(t->primary_key->columns[1], "line");
        }
        c = find_column(t, "order_id");
        CHECK(c && !c->nullable && c->identity == FMT_IDENTITY_NONE);
        c = find_column(t, "qty");
        CHECK_STR(c ? c->type_text : NULL, "int64");
        /* SQLite keeps INT, INTEGER, REAL, TEXT, BLOB, ANY by kind: upper case */
        CHECK_STR(c ? c->native_type : NULL, "INT");
        CHECK(t->nforeign_keys == 1);
        if (t->nforeign_keys == 1) {
            const fmt_foreign_key *fk = &t->foreign_keys[0];
            CHECK(!fk->name && fk->ncolumns == 1 && fk->nref_columns == 1);
            CHECK_STR(fk->ref_table, "parent");
            CHECK_STR(fk->on_delete, "cascade");
            CHECK_STR(fk->on_update, "set null");
            CHECK(fk->deferrable && fk->initially_deferred);
        }
        CHECK(t->nuniques == 1);
        if (t->nuniques == 1) {
            CHECK_STR(t->uniques[0].name, "uq_items");
            CHECK(t->uniques[0].ncolumns == 2);
        }
        CHECK(t->nindexes == 1);
        if (t->nindexes == 1) {
            const fmt_index *ix = &t->indexes[0];
            CHECK(ix->unique && ix->nparts == 2);
            if (ix->nparts == 2) {
                CHECK_STR(ix->parts[0].column, "qty");
                CHECK(ix->parts[0].descending && !ix->parts[0].collation);
                CHECK_STR(ix->parts[1].column, "line");
                CHECK_STR(ix->parts[1].collation, "RTRIM");
            }
        }
    }
}

/* emp/dept: self reference (to the parent's PK), a cycle, names, order */
static void check_references(fmt_table **tables, size_t ntables)
{
    const fmt_table *t = find_table_named(tables, ntables, "emp");
    const fmt_column *c;
    CHECK(t && t->nforeign_keys == 2);
    if (t && t->nforeign_keys == 2) {
        const fmt_foreign_key *fk = &t->foreign_keys[0];
        CHECK_STR(fk->ref_table, "emp");
        CHECK(!fk->name && fk->nref_columns == 0 && !fk->deferrable);
        CHECK_STR(fk->columns[0], "boss");
        CHECK_STR(fk->on_delete, "no action");
        fk = &t->foreign_keys[1];
        CHECK_STR(fk->name, "fk_dept");
        CHECK_STR(fk->ref_table, "dept");
        CHECK_STR(fk->on_delete, "set default");
        c = find_column(t, "id");
        CHECK(c && c->identity == FMT_IDENTITY_ROWID && c->nullable && !c->has_last_value);
    }
    t = find_table_named(tables, ntables, "dept");
    CHECK(t && t->nforeign_keys == 1);
    if (t && t->nforeign_keys == 1) {
        CHECK_STR(t->foreign_keys[0].name, "fk_head");
        CHECK_STR(t->foreign_keys[0].on_delete, "restrict");
        CHECK(t->foreign_keys[0].deferrable && !t->foreign_keys[0].initially_deferred);
    }
}

/* WITHOUT ROWID, STRICT, generated columns, no declared types, the DESC
 * quirk, quoted names and a named column PK */
static void check_table_kinds(fmt_table **tables, size_t ntables)
{
    const fmt_table *t = find_table_named(tables, ntables, "kv");
    const fmt_column *c;
    CHECK(t && t->without_rowid && !t->strict);
    c = find_column(t, "k");
    CHECK(c && !c->nullable && c->identity == FMT_IDENTITY_NONE);
    t = find_table_named(tables, ntables, "strict_t");
    CHECK(t && t->strict && !t->without_rowid);
    CHECK_STR(find_column(t, "x") ? find_column(t, "x")->type_text : NULL, "any");
    CHECK_STR(find_column(t, "y") ? find_column(t, "y")->type_text : NULL, "int64");

    /* generated columns */
    t = find_table_named(tables, ntables, "gen");
    c = find_column(t, "b");
    CHECK(c && !c->generated_stored);
    CHECK_STR(c ? c->generated_sql : NULL, "a * 2");
    CHECK_STR(c ? c->native_type : NULL, "INTEGER");
    c = find_column(t, "c");
    CHECK(c && c->generated_stored);
    CHECK_STR(c ? c->generated_sql : NULL, "upper('x' || a)");
    c = find_column(t, "d");
    CHECK_STR(c ? c->native_type : NULL, "DOUBLE   PRECISION");
    CHECK_STR(c ? c->type_text : NULL, "float64");
    CHECK(t && !t->primary_key);

    /* no declared types; the DESC quirk; quoted names and a named column PK */
    t = find_table_named(tables, ntables, "untyped");
    c = find_column(t, "a");
    CHECK(c && !c->native_type && c->type.kind == FMT_TYPE_ANY && c->nullable);
    CHECK_STR(c ? c->type_text : NULL, "any");
    c = find_column(find_table_named(tables, ntables, "quirk"), "x");
    CHECK(c && c->identity == FMT_IDENTITY_NONE && c->nullable);
    t = find_table_named(tables, ntables, "named_pk");
    CHECK(t && t->primary_key && t->primary_key->name && strcmp(t->primary_key->name, "pk_c") == 0);
    c = find_column(t, "c");
    CHECK(c && c->identity == FMT_IDENTITY_ROWID);
    CHECK(find_column(t, "we\"ird") != NULL);
    CHECK(find_column(t, "sq br") != NULL);
    CHECK(find_column(t, "back`tick") != NULL);
}

/* vals: values at the edges of each storage class */
static void check_vals_rows(const db_source_ops *ops, void *src, const fmt_table *t)
{
    saved_value rows[8 * 6];
    int n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 4);
    if (n == 4) {
        const saved_value *r = rows;
        /* row id 1 */
        CHECK(r[0].v.kind == FMT_VALUE_INTEGER && r[0].v.i == 1);
        CHECK(r[1].v.kind == FMT_VALUE_INTEGER && r[1].v.i == INT64_MAX);
        /* a REAL column stores -0.0 as the integer 0: the sign is gone in the file */
        CHECK(r[2].v.kind == FMT_VALUE_REAL && r[2].v.d == 0.0 && !signbit(r[2].v.d));
        CHECK(bytes_are(&r[3].v, FMT_VALUE_TEXT, "a\0b", 3));
        CHECK(r[4].v.kind == FMT_VALUE_BLOB && r[4].v.len == 0 && r[4].v.bytes != NULL);
        CHECK(r[5].v.kind == FMT_VALUE_REAL && r[5].v.d == 0.0 && signbit(r[5].v.d));
        /* row id 2 */
        r += 6;
        CHECK(r[0].v.i == 2);
        CHECK(r[1].v.kind == FMT_VALUE_INTEGER && r[1].v.i == INT64_MIN);
        CHECK(r[2].v.kind == FMT_VALUE_REAL && isinf(r[2].v.d) && r[2].v.d > 0);
        CHECK(bytes_are(&r[3].v, FMT_VALUE_TEXT, "\xff", 1));
        CHECK(bytes_are(&r[4].v, FMT_VALUE_BLOB, "\x00\x01\xff", 3));
        CHECK(r[5].v.kind == FMT_VALUE_INTEGER && r[5].v.i == 3);
        /* row id 3 */
        r += 6;
        CHECK(r[0].v.i == 3);
        CHECK(bytes_are(&r[1].v, FMT_VALUE_TEXT, "abc", 3));
        CHECK(r[2].v.kind == FMT_VALUE_REAL && isinf(r[2].v.d) && r[2].v.d < 0);
        CHECK(r[3].v.kind == FMT_VALUE_TEXT && r[3].v.len == 0);
        CHECK(r[4].v.kind == FMT_VALUE_NULL);
        CHECK(r[5].v.kind == FMT_VALUE_INTEGER && r[5].v.i == 42);
        /* row id 4: affinities applied at insert are what the file holds */
        r += 6;
        CHECK(r[0].v.i == 4);
        CHECK(r[2].v.kind == FMT_VALUE_REAL && r[2].v.d == 3.0);
        CHECK(bytes_are(&r[3].v, FMT_VALUE_TEXT, "123", 3));
        CHECK(bytes_are(&r[4].v, FMT_VALUE_TEXT, "text in blob", 12));
        CHECK(bytes_are(&r[5].v, FMT_VALUE_TEXT, "7", 1));
    }
}

static void test_rows(const db_source_ops *ops, void *src, fmt_table **tables, size_t ntables)
{
    saved_value rows[8 * 6];
    const fmt_table *t;
    int n;

    check_vals_rows(ops, src, find_table_named(tables, ntables, "vals"));

    /* composite key order */
    t = find_table_named(tables, ntables, "order items");
    n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 3);
    if (n == 3) {
        CHECK(rows[0].v.i == 1 && rows[1].v.i == 1 && rows[3].v.i == 7);
        CHECK(rows[4].v.i == 1 && rows[5].v.i == 2);
        CHECK(rows[8].v.i == 2 && rows[9].v.i == 1);
    }

    /* rowid order without a key; WITHOUT ROWID by key; empty blob */
    t = find_table_named(tables, ntables, "untyped");
    n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 2);
    if (n == 2) {
        CHECK(bytes_are(&rows[0].v, FMT_VALUE_TEXT, "y", 1));
        CHECK(rows[1].v.kind == FMT_VALUE_REAL && rows[1].v.d == 2.5);
        CHECK(bytes_are(&rows[2].v, FMT_VALUE_BLOB, "\x01", 1));
        CHECK(bytes_are(&rows[3].v, FMT_VALUE_TEXT, "x", 1));
        CHECK(rows[5].v.kind == FMT_VALUE_NULL);
    }
    t = find_table_named(tables, ntables, "kv");
    n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 2);
    if (n == 2) {
        CHECK(bytes_are(&rows[0].v, FMT_VALUE_TEXT, "a", 1));
        CHECK(rows[1].v.kind == FMT_VALUE_BLOB && rows[1].v.len == 0);
        CHECK(bytes_are(&rows[2].v, FMT_VALUE_TEXT, "z", 1));
        CHECK(bytes_are(&rows[3].v, FMT_VALUE_BLOB, "\x00", 1));
    }

    /* generated columns are placeholders */
    t = find_table_named(tables, ntables, "gen");
    n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 1);
    if (n == 1) {
        CHECK(rows[0].v.kind == FMT_VALUE_INTEGER && rows[0].v.i == 1);
        CHECK(rows[1].v.kind == FMT_VALUE_NULL);
        CHECK(rows[2].v.kind == FMT_VALUE_NULL);
        CHECK(rows[3].v.kind == FMT_VALUE_REAL && rows[3].v.d == 0.5);
    }

    /* AUTOINCREMENT table after a delete */
    t = find_table_named(tables, ntables, "parent");
    n = t ? read_rows(ops, src, t, rows, 8) : -1;
    CHECK(n == 2);
    if (n == 2) {
        CHECK(rows[0].v.i == 1 && bytes_are(&rows[1].v, FMT_VALUE_TEXT, "b", 1));
        CHECK(rows[4].v.i == 2 && bytes_are(&rows[5].v, FMT_VALUE_TEXT, "a", 1));
    }
}

static void test_selection(const char *path);

static void test_torture(void)
{
    const db_source_ops *ops = db_source_sqlite();
    char path[512];
    void *src = NULL;
    fmt_header h = {0};
    fmt_table **tables = NULL;
    size_t ntables = 0, nobjects = 0, nlines = 0;
    fmt_native_object *objects = NULL;
    char **lines = NULL;
    db_source_options opts = {0};

    snprintf(path, sizeof path, "%s/torture.db", tmpdir);
    CHECK(make_db(path, torture_sql) == 0);
    CHECK_STR(ops->backend, "sqlite");
    CHECK(ops->open(&src, path, &opts) == 0);
    CHECK(ops->header(src, &h) == 0);
    CHECK_STR(h.source_backend, "sqlite");
    CHECK_STR(h.source_version, sqlite3_libversion());
    CHECK_STR(h.source_database, "torture.db");
    fmt_header_clear(&h);

    CHECK(ops->tables(src, &tables, &ntables) == 0);
    if (!tables) {
        fprintf(stderr, "tables: %s\n", ops->errmsg(src));
    }
    test_schema(tables, ntables);
    test_rows(ops, src, tables, ntables);

    CHECK(ops->native_objects(src, &objects, &nobjects) == 0);
    CHECK(nobjects == 4);
    if (nobjects == 4) {
        CHECK(objects[0].kind == FMT_NATIVE_VIEW && objects[1].kind == FMT_NATIVE_VIEW);
        CHECK_STR(objects[0].name, "a_view");
        CHECK_STR(objects[1].name, "v_parent");
        CHECK(objects[0].table == NULL);
        CHECK_STR(objects[1].sql, "CREATE VIEW v_parent AS SELECT id, name FROM parent");
        CHECK(objects[2].kind == FMT_NATIVE_TRIGGER);
        CHECK_STR(objects[2].name, "trg_emp");
        CHECK_STR(objects[2].table, "emp");
        CHECK_STR(objects[3].name, "trg_parent");
        CHECK_STR(objects[3].table, "parent");
    }
    free_objects(objects, nobjects);

    CHECK(ops->warnings(src, &lines, &nlines) == 0);
    CHECK(has_warning(lines, nlines, "table \"docs\": virtual table not carried (module fts5)"));
    CHECK(has_warning(lines, nlines,
                      "table \"order items\": column \"line\": NOT NULL ON CONFLICT REPLACE "
                      "not carried"));
    CHECK(
        has_warning(lines, nlines, "table \"order items\": UNIQUE ON CONFLICT IGNORE not carried"));
    CHECK(nlines == 3);
    for (size_t i = 0; i < nlines; i++) {
        printf("warning: %s\n", lines[i]);
    }
    /* a second listing is the caller's again and adds no warnings */
    fmt_tables_free(tables, ntables);
    CHECK(ops->tables(src, &tables, &ntables) == 0 && ntables == 12);
    CHECK(ops->warnings(src, &lines, &nlines) == 0 && nlines == 3);
    fmt_tables_free(tables, ntables);
    ops->close(src);
    test_selection(path);
}

/* -t / -T */
static void test_selection(const char *path)
{
    const db_source_ops *ops = db_source_sqlite();
    db_source_options opts = {0};
    void *src = NULL;
    fmt_table **tables = NULL;
    fmt_native_object *objects = NULL;
    size_t ntables = 0, nobjects = 0, nlines = 0;
    char **lines = NULL;
    {
        const char *const include[] = {"p*", "emp", "docs", NULL};
        const char *const exclude[] = {"parent", NULL};
        opts.include_tables = include;
        opts.exclude_tables = exclude;
        CHECK(ops->open(&src, path, &opts) == 0);
        CHECK(ops->tables(src, &tables, &ntables) == 0);
        CHECK(ntables == 1 && strcmp(tables[0]->name, "emp") == 0);
        fmt_tables_free(tables, ntables);
        CHECK(ops->native_objects(src, &objects, &nobjects) == 0);
        /* the view that reads only emp (v_parent reads parent, which -T
         * leaves out), and only the trigger whose table is selected */
        CHECK(nobjects == 2);
        if (nobjects == 2) {
            CHECK_STR(objects[0].name, "a_view");
            CHECK_STR(objects[1].name, "trg_emp");
        }
        free_objects(objects, nobjects);
        CHECK(ops->warnings(src, &lines, &nlines) == 0 && nlines == 2);
        if (nlines == 2)
            CHECK_STR(lines[1], "1 view not exported: it reads a table -t/-T left out: "
                                "\"v_parent\" (reads \"parent\")");
        ops->close(src);
    }
}

static int file_bytes(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    *out = NULL;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f) {
            fclose(f);
        }
        return -1;
    }
    *out = malloc((size_t)n + 1);
    *len = (size_t)n;
    if (!*out || fread(*out, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

/* Reads a whole table and returns its row count, or -1. */
static int count_rows(const db_source_ops *ops, void *src, const fmt_table *t)
{
    fmt_value *values = calloc(t->ncolumns, sizeof *values);
    int n = 0, more;
    if (!values || ops->rows_begin(src, t) < 0) {
        free(values);
        return -1;
    }
    while ((more = ops->rows_next(src, values)) == 1) {
        n++;
    }
    ops->rows_end(src);
    free(values);
    return more < 0 ? -1 : n;
}

/* A WAL database whose writer is still open with pages only in the log:
 * the export sees them, never writes the database file, and keeps its
 * snapshot while the writer commits more. */
static void test_wal(void)
{
    const db_source_ops *ops = db_source_sqlite();
    char path[512], *before = NULL, *after = NULL;
    size_t nbefore = 0, nafter = 0, ntables = 0;
    sqlite3 *writer = NULL;
    struct stat st1, st2;
    void *src = NULL;
    fmt_table **tables = NULL;

    snprintf(path, sizeof path, "%s/wal.db", tmpdir);
    CHECK(sqlite3_open(path, &writer) == SQLITE_OK);
    CHECK(exec_sql(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                           "CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT);"
                           "INSERT INTO t(x) VALUES ('a'), ('b'), ('c');") == 0);
    /* root ignores permission bits, so the real check is bytes and mtime */
    CHECK(chmod(path, 0444) == 0);
    CHECK(stat(path, &st1) == 0);
    CHECK(file_bytes(path, &before, &nbefore) == 0);

    CHECK(ops->open(&src, path, NULL) == 0);
    CHECK(ops->tables(src, &tables, &ntables) == 0 && ntables == 1);
    CHECK(exec_sql(writer, "INSERT INTO t(x) VALUES ('d')") == 0);
    if (ntables == 1) {
        CHECK(count_rows(ops, src, tables[0]) == 3); /* the snapshot, not 'd' */
    }
    fmt_tables_free(tables, ntables);
    ops->close(src);

    CHECK(stat(path, &st2) == 0);
    CHECK(file_bytes(path, &after, &nafter) == 0);
    CHECK(nbefore == nafter && before && after && memcmp(before, after, nbefore) == 0);
    CHECK(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec && st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
    free(before);
    free(after);
    sqlite3_close(writer);
}

static void test_bad_locators(void)
{
    const db_source_ops *ops = db_source_sqlite();
    char path[512], want[700];
    void *src = NULL;
    FILE *f;
    struct stat st;

    snprintf(path, sizeof path, "%s/missing.db", tmpdir);
    CHECK(ops->open(&src, path, NULL) < 0);
    snprintf(want, sizeof want, "cannot open \"%s\": No such file or directory", path);
    CHECK_STR(src ? ops->errmsg(src) : NULL, want);
    ops->close(src);
    CHECK(stat(path, &st) != 0); /* not created */

    snprintf(path, sizeof path, "%s/not-a-db.txt", tmpdir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++) {
            fputs("this is not a database\n", f);
        }
        fclose(f);
    }
    src = NULL;
    CHECK(ops->open(&src, path, NULL) < 0);
    snprintf(want, sizeof want, "cannot open \"%s\": file is not a database", path);
    CHECK_STR(src ? ops->errmsg(src) : NULL, want);
    ops->close(src);

    src = NULL;
    CHECK(ops->open(&src, tmpdir, NULL) < 0);
    CHECK(src && strstr(ops->errmsg(src), "is a directory") != NULL);
    ops->close(src);

    /* a path that looks like a URI is still a path */
    src = NULL;
    CHECK(ops->open(&src, "file:nothing.db?mode=rwc", NULL) < 0);
    CHECK(stat("file:nothing.db?mode=rwc", &st) != 0 && stat("nothing.db", &st) != 0);
    ops->close(src);
}

/* A virtual table whose module this SQLite lacks: SQLite cannot mark its
 * shadow tables, so they are exported, with a warning. A view over a
 * missing table does not stop the listing. */
static void test_unknown_module(void)
{
    const db_source_ops *ops = db_source_sqlite();
    char path[512];
    void *src = NULL;
    fmt_table **tables = NULL;
    size_t ntables = 0, nobjects = 0, nlines = 0;
    fmt_native_object *objects = NULL;
    char **lines = NULL;

    snprintf(path, sizeof path, "%s/module.db", tmpdir);
    CHECK(make_db(path, "CREATE TABLE v_data(x); CREATE TABLE w(y);"
                        "CREATE VIEW broken AS SELECT * FROM missing;"
                        "PRAGMA writable_schema = ON;"
                        "INSERT INTO sqlite_schema VALUES ('table', 'v', 'v', 0,"
                        " 'CREATE VIRTUAL TABLE v USING nosuchmod(x)');") == 0);
    CHECK(ops->open(&src, path, NULL) == 0);
    CHECK(ops->tables(src, &tables, &ntables) == 0);
    CHECK(ntables == 2);
    CHECK(ops->warnings(src, &lines, &nlines) == 0 && nlines == 2);
    CHECK(has_warning(lines, nlines, "table \"v\": virtual table not carried (module nosuchmod)"));
    CHECK(has_warning(lines, nlines,
                      "table \"v_data\": exported as an ordinary table, but it may belong to "
                      "virtual table \"v\" (module nosuchmod is not available)"));
    CHECK(ops->native_objects(src, &objects, &nobjects) == 0 && nobjects == 1);
    free_objects(objects, nobjects);
    fmt_tables_free(tables, ntables);
    ops->close(src);
}

static void test_scanner(void)
{
    sqlite_ddl_table t;
    sqlite_ddl_index ix;
    char err[256];
    char *module;

    CHECK(sqlite_ddl_parse_table(&t,
                                 "CREATE TABLE x(a INTEGER PRIMARY KEY ON CONFLICT FAIL "
                                 "AUTOINCREMENT, b REFERENCES y MATCH FULL NOT DEFERRABLE "
                                 "INITIALLY DEFERRED, c DEFAULT (1 + (2)) COLLATE \"nocase\" "
                                 "CHECK(c>0), UNIQUE(b COLLATE NOCASE, c) PRIMARY KEY(c))",
                                 err, sizeof err) < 0); /* two primary keys */
    CHECK(sqlite_ddl_parse_table(&t,
                                 "CREATE TABLE x(a INTEGER PRIMARY KEY ON CONFLICT FAIL "
                                 "AUTOINCREMENT, b REFERENCES y MATCH FULL NOT DEFERRABLE "
                                 "INITIALLY DEFERRED, c DEFAULT (1 + (2)) COLLATE \"nocase\" "
                                 "CHECK(c>0), UNIQUE(b COLLATE NOCASE, c) CHECK (a <> c))",
                                 err, sizeof err) == 0);
    CHECK(t.ncolumns == 3 && t.autoincrement && t.columns[0].autoincrement);
    CHECK(t.nforeign_keys == 1 && !t.foreign_keys[0].deferrable &&
          !t.foreign_keys[0].initially_deferred);
    CHECK_STR(t.ncolumns == 3 ? t.columns[2].collation : NULL, "nocase");
    CHECK(t.nchecks == 2 && t.nuniques == 1 && t.uniques[0].ncolumns == 2);
    CHECK(t.nnotes == 3);
    if (t.nnotes == 3) {
        CHECK_STR(t.notes[0], "column \"a\": PRIMARY KEY ON CONFLICT FAIL not carried");
        CHECK_STR(t.notes[1], "column \"b\": foreign key to \"y\": MATCH FULL not carried");
        CHECK_STR(t.notes[2], "UNIQUE column \"b\": COLLATE NOCASE not carried");
    }
    sqlite_ddl_table_clear(&t);

    CHECK(sqlite_ddl_parse_table(&t, "CREATE TABLE x", err, sizeof err) < 0);
    CHECK(sqlite_ddl_parse_table(&t, "CREATE TABLE x(a CHECK (", err, sizeof err) < 0);
    CHECK(sqlite_ddl_parse_table(&t, "CREATE TABLE 'unterminated(a", err, sizeof err) < 0);

    CHECK(sqlite_ddl_parse_index(&ix,
                                 "CREATE INDEX i ON t(a, (b+c) COLLATE x ASC) WHERE a IS "
                                 "NOT NULL AND b = ';'",
                                 err, sizeof err) == 0);
    CHECK(ix.nparts == 2);
    if (ix.nparts == 2) {
        CHECK_STR(ix.parts[0], "a");
        CHECK_STR(ix.parts[1], "(b+c)");
    }
    CHECK_STR(ix.where, "a IS NOT NULL AND b = ';'");
    sqlite_ddl_index_clear(&ix);
    CHECK(sqlite_ddl_parse_index(&ix, "CREATE INDEX i ON t", err, sizeof err) < 0);

    module = sqlite_ddl_virtual_module("CREATE VIRTUAL TABLE IF NOT EXISTS v USING rtree(a, b)");
    CHECK_STR(module, "rtree");
    free(module);
}

static void test_chinook(void)
{
    const db_source_ops *ops = db_source_sqlite();
    const char *data = getenv("DB_TESTDATA");
    char path[1024];
    void *src = NULL;
    fmt_table **tables = NULL;
    size_t ntables = 0, nobjects = 0, nlines = 0;
    fmt_native_object *objects = NULL;
    char **lines = NULL;
    const fmt_table *t;
    const fmt_column *c;

    if (!data) {
        fprintf(stderr, "DB_TESTDATA not set\n");
        CHECK(data != NULL);
        return;
    }
    snprintf(path, sizeof path, "%s/chinook/Chinook_Sqlite.sqlite", data);
    CHECK(ops->open(&src, path, NULL) == 0);
    CHECK(ops->tables(src, &tables, &ntables) == 0);
    CHECK(ntables == 11);
    t = find_table_named(tables, ntables, "Invoice");
    CHECK(t && t->ncolumns == 9);
    if (t && t->ncolumns == 9) {
        c = find_column(t, "InvoiceId");
        CHECK(c && c->identity == FMT_IDENTITY_ROWID && !c->nullable);
        CHECK_STR(t->columns[2].name, "InvoiceDate");
        CHECK_STR(t->columns[2].type_text, "timestamp");
        CHECK_STR(t->columns[3].type_text, "varchar(70)");
        CHECK_STR(t->columns[3].native_type, "NVARCHAR(70)");
        CHECK(t->columns[3].nullable);
        CHECK_STR(t->columns[8].type_text, "decimal(10,2)");
        CHECK(!t->columns[8].nullable);
        CHECK(t->primary_key && t->primary_key->name &&
              strcmp(t->primary_key->name, "PK_Invoice") == 0);
        CHECK(t->nforeign_keys == 1);
        if (t->nforeign_keys == 1) {
            CHECK_STR(t->foreign_keys[0].columns[0], "CustomerId");
            CHECK_STR(t->foreign_keys[0].ref_table, "Customer");
            CHECK_STR(t->foreign_keys[0].ref_columns[0], "CustomerId");
            CHECK_STR(t->foreign_keys[0].on_delete, "no action");
            CHECK_STR(t->foreign_keys[0].on_update, "no action");
        }
        CHECK(t->nindexes == 1);
        if (t->nindexes == 1) {
            CHECK_STR(t->indexes[0].name, "IFK_InvoiceCustomerId");
            CHECK(t->indexes[0].nparts == 1);
            CHECK_STR(t->indexes[0].parts[0].column, "CustomerId");
        }
        CHECK(count_rows(ops, src, t) == 412);
    }
    t = find_table_named(tables, ntables, "PlaylistTrack");
    CHECK(t && t->primary_key && t->primary_key->ncolumns == 2 && t->nforeign_keys == 2);
    CHECK(ops->native_objects(src, &objects, &nobjects) == 0 && nobjects == 0);
    CHECK(ops->warnings(src, &lines, &nlines) == 0 && nlines == 0);
    free_objects(objects, nobjects);
    fmt_tables_free(tables, ntables);
    ops->close(src);
}

/* -t: a trigger goes with its table or view however its CREATE TRIGGER
 * spelled the name's case. */
static void test_trigger_names_any_case(void)
{
    const db_source_ops *ops = db_source_sqlite();
    const char *const include[] = {"tab", NULL};
    db_source_options opts = {0};
    fmt_native_object *objects = NULL;
    size_t nobjects = 0;
    void *src = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/case.db", tmpdir);
    CHECK(make_db(path, "CREATE TABLE tab (a); CREATE TABLE other (b);"
                        "CREATE VIEW V AS SELECT 1 AS one;"
                        "CREATE TRIGGER on_tab AFTER INSERT ON TAB BEGIN SELECT 1; END;"
                        "CREATE TRIGGER on_view INSTEAD OF INSERT ON v BEGIN SELECT 1; END;"
                        "CREATE TRIGGER on_other AFTER INSERT ON other BEGIN SELECT 1; END;") == 0);
    opts.include_tables = include;
    CHECK(ops->open(&src, path, &opts) == 0);
    CHECK(ops->native_objects(src, &objects, &nobjects) == 0);
    CHECK(nobjects == 3);
    if (nobjects == 3) {
        CHECK_STR(objects[0].name, "V");
        CHECK_STR(objects[1].name, "on_tab");
        CHECK_STR(objects[2].name, "on_view");
    }
    free_objects(objects, nobjects);
    ops->close(src);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    char cmd[600];
    snprintf(tmpdir, sizeof tmpdir, "%s/test_sqlite_source.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_scanner();
    test_torture();
    test_trigger_names_any_case();
    test_wal();
    test_unknown_module();
    test_bad_locators();
    test_chinook();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    }
    return check_report();
}
