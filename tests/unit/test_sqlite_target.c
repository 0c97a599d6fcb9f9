/* Unit tests for the SQLite target (importer/sqlite): tables built by hand,
 * run through the ops into files in a temporary directory, then read back
 * with the sqlite3 API: DDL, exact values and storage classes, conflicts,
 * rollback leaving the file byte-identical, foreign key checks, dry runs. */
#include "check.h"
#include "fixtures.h"
#include "schema.h"
#include "target.h"
#include "target_session.h"
#include "types.h"
#include "value.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* ---- building tables (beyond fixtures.h) -------------------------------- */

static void add_unique(fmt_table *t, const char *name, const char *column)
{
    t->uniques = realloc(t->uniques, (t->nuniques + 1) * sizeof *t->uniques);
    fmt_key *k = &t->uniques[t->nuniques++];
    memset(k, 0, sizeof *k);
    k->name = fmt_strdup(name);
    k->columns = strv(1, column);
    k->ncolumns = 1;
}

static void add_check(fmt_table *t, const char *name, const char *expr)
{
    t->checks = realloc(t->checks, (t->nchecks + 1) * sizeof *t->checks);
    t->checks[t->nchecks].name = fmt_strdup(name);
    t->checks[t->nchecks].expression = fmt_strdup(expr);
    t->nchecks++;
}

/* ---- running the ops ---------------------------------------------------- */

static int start(session *s, const char *path, const db_target_options *o, const char *backend)
{
    memset(s, 0, sizeof *s);
    s->ops = db_target_sqlite();
    s->h.source_backend = (char *)backend;
    if (s->ops->open(&s->st, path, o) < 0)
        return -1;
    return s->ops->begin(s->st, &s->h);
}

/* ---- reading back ------------------------------------------------------- */

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    return db;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err);
        exit(2);
    }
}

/* First column of the first row as text ("(null)" for NULL, "(none)" for
 * no row); all rows joined by "|" when the query gives several. */
static const char *q(sqlite3 *db, const char *sql)
{
    static char ring[8][1024];
    static int next;
    char *out = ring[next++ % 8];
    sqlite3_stmt *stmt;
    size_t len = 0;
    int rows = 0;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(out, 1024, "(error: %s)", sqlite3_errmsg(db));
        return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(stmt, 0);
        len += (size_t)snprintf(out + len, 1024 - len, "%s%s", rows++ ? "|" : "", v ? v : "(null)");
        if (len >= 1024)
            break;
    }
    sqlite3_finalize(stmt);
    if (!rows)
        snprintf(out, 1024, "(none)");
    return out;
}

static double q_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    double d = 12345;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        d = sqlite3_column_double(stmt, 0);
    sqlite3_finalize(stmt);
    return d;
}

/* ---- tests -------------------------------------------------------------- */

static void check_from_sqlite(const char *path);

/* A table from SQLite: declared types verbatim, rowid AUTOINCREMENT, a
 * generated column, defaults, collations, indexes, exact values. */
static void test_sqlite_source(void)
{
    const char *path = tmp_path("from_sqlite.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    db_table_stats stats = {0};

    fmt_table *t = table_new(NULL, "we\"ird");
    fmt_column *id = add_column(t, "id", "int64", "INTEGER", 0);
    id->identity = FMT_IDENTITY_AUTOINCREMENT;
    id->has_last_value = 1;
    id->last_value = 100;
    fmt_column *name = add_column(t, "na\"me", "text", "TEXT", 0);
    name->default_sql = fmt_strdup("'x'");
    name->collation = fmt_strdup("NOCASE");
    add_column(t, "r", "float64", "REAL", 1);
    add_column(t, "b", "bytes", "BLOB", 1);
    add_column(t, "d", "decimal", "NUMERIC", 1);
    add_column(t, "dt", "decimal", "TEXT", 1);
    fmt_column *g = add_column(t, "g", "int64", "INTEGER", 1);
    g->generated_sql = fmt_strdup("id * 2");
    fmt_column *when = add_column(t, "created", "text", "TEXT", 1);
    when->default_sql = fmt_strdup("datetime('now')");
    add_column(t, "flag", "boolean", "BOOLEAN", 1);
    add_column(t, "z", "any", NULL, 1);
    set_pk(t, NULL, "id");
    add_index(t, "by_name", 0, "na\"me")->sql =
        fmt_strdup("CREATE INDEX by_name ON \"we\"\"ird\"(\"na\"\"me\")");
    add_index(t, "by_r", 1, "r");

    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    {
        fmt_value row[] = {v_int(1),     v_bytes(FMT_VALUE_TEXT, "a\0b", 3),
                           v_real(-0.0), v_bytes(FMT_VALUE_BLOB, NULL, 0),
                           v_dec("0.1"), v_dec("1.10"),
                           v_int(777),   v_null(),
                           v_bool(1),    v_real(-0.0)};
        unsigned char present[] = {1, 1, 1, 1, 1, 1, 1, 0, 1, 1};
        CHECK(s.ops->row(s.st, row, present) == 0);
    }
    {
        fmt_value row[] = {v_int(2),      v_text("hello"),
                           v_real(1e300), v_bytes(FMT_VALUE_BLOB, "\x01\x00\x02", 3),
                           v_dec("42"),   v_dec("Infinity"),
                           v_null(),      v_text("2024-01-01"),
                           v_bool(0),     v_dec("Infinity")};
        unsigned char present[] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1};
        CHECK(s.ops->row(s.st, row, present) == 0);
    }
    {
        fmt_value row[] = {
            v_int(3),    v_null(), v_real(2.5),   v_null(),  v_dec("9223372036854775807"),
            v_dec("-0"), v_null(), v_text("now"), v_bool(1), v_dec("1.50")};
        unsigned char present[] = {1, 0, 1, 1, 1, 1, 0, 1, 1, 1};
        CHECK(s.ops->row(s.st, row, present) == 0);
    }
    CHECK(s.ops->table_end(s.st, &stats) == 0);
    CHECK(stats.rows_read == 3 && stats.rows_written == 3 && stats.rows_skipped == 0);
    CHECK(stats.created == 1);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    end(&s, 1);
    fmt_table_free(t);
    check_from_sqlite(path);
}

/* What test_sqlite_source loaded: declarations verbatim, exact values and
 * their storage classes. */
static void check_from_sqlite(const char *path)
{
    sqlite3 *db = open_db(path);
    CHECK_STR(q(db, "SELECT name || ':' || type || ':' || \"notnull\" || ':' || ifnull(dflt_value,"
                    "'-') || ':' || pk || ':' || hidden FROM pragma_table_xinfo('we\"ird')"),
              "id:INTEGER:1:-:1:0|na\"me:TEXT:1:'x':0:0|r:REAL:0:-:0:0|b:BLOB:0:-:0:0|"
              "d:NUMERIC:0:-:0:0|dt:TEXT:0:-:0:0|g:INTEGER:0:-:0:2|"
              "created:TEXT:0:datetime('now'):0:0|flag:BOOLEAN:0:-:0:0|z::0:-:0:0");
    CHECK(strstr(q(db, "SELECT sql FROM sqlite_schema WHERE name = 'we\"ird'"),
                 "\"id\" INTEGER PRIMARY KEY AUTOINCREMENT") != NULL);
    CHECK(strstr(q(db, "SELECT sql FROM sqlite_schema WHERE name = 'we\"ird'"),
                 "COLLATE \"NOCASE\"") != NULL);
    CHECK_STR(q(db, "SELECT seq FROM sqlite_sequence WHERE name = 'we\"ird'"), "100");
    CHECK_STR(
        q(db, "SELECT name || ':' || \"unique\" FROM pragma_index_list('we\"ird') ORDER BY name"),
        "by_name:0|by_r:1");
    /* values and storage classes */
    CHECK_STR(q(db, "SELECT hex(\"na\"\"me\") || ':' || typeof(\"na\"\"me\") FROM \"we\"\"ird\" "
                    "WHERE id = 1"),
              "610062:text");
    CHECK_STR(q(db, "SELECT length(CAST(\"na\"\"me\" AS BLOB)) FROM \"we\"\"ird\" WHERE id = 1"),
              "3");
    /* -0.0 keeps its sign where SQLite stores the double as is; a REAL
     * column writes integral values as integers on disk and loses it. */
    double negzero = q_double(db, "SELECT z FROM \"we\"\"ird\" WHERE id = 1");
    CHECK(negzero == 0.0 && signbit(negzero));
    CHECK_STR(q(db, "SELECT typeof(z) || typeof(r) FROM \"we\"\"ird\" WHERE id = 1"), "realreal");
    CHECK_STR(q(db, "SELECT typeof(b) || ':' || length(b) FROM \"we\"\"ird\" WHERE id = 1"),
              "blob:0");
    CHECK_STR(q(db, "SELECT typeof(d) || ':' || d FROM \"we\"\"ird\" WHERE id = 1"), "real:0.1");
    CHECK_STR(q(db, "SELECT typeof(dt) || ':' || dt FROM \"we\"\"ird\" WHERE id = 1"), "text:1.10");
    CHECK_STR(q(db, "SELECT g || ':' || typeof(flag) || flag FROM \"we\"\"ird\" WHERE id = 1"),
              "2:integer1");
    CHECK(strlen(q(db, "SELECT created FROM \"we\"\"ird\" WHERE id = 1")) == 19);
    CHECK_STR(q(db, "SELECT typeof(r) || ':' || hex(b) FROM \"we\"\"ird\" WHERE id = 2"),
              "real:010002");
    CHECK(q_double(db, "SELECT r FROM \"we\"\"ird\" WHERE id = 2") == 1e300);
    CHECK_STR(q(db, "SELECT typeof(d) || d || ':' || typeof(dt) FROM \"we\"\"ird\" WHERE id = 2"),
              "integer42:text");
    CHECK_STR(q(db, "SELECT dt || ':' || typeof(z) FROM \"we\"\"ird\" WHERE id = 2"),
              "Infinity:real");
    CHECK(isinf(q_double(db, "SELECT z FROM \"we\"\"ird\" WHERE id = 2")));
    CHECK_STR(q(db, "SELECT typeof(z) || z FROM \"we\"\"ird\" WHERE id = 3"), "text1.50");
    CHECK_STR(q(db,
                "SELECT \"na\"\"me\" || ':' || typeof(b) || ':' || d || ':' || typeof(dt) || dt "
                "FROM \"we\"\"ird\" WHERE id = 3"),
              "x:null:9223372036854775807:text-0");
    sqlite3_close(db);
}

static void check_from_postgresql(const char *path);

/* A table from PostgreSQL: portable types mapped, literal defaults carried,
 * the rest reported as warnings; identity becomes INTEGER PRIMARY KEY
 * AUTOINCREMENT. */
static void test_postgresql_source(void)
{
    const char *path = tmp_path("from_pg.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    db_table_stats stats = {0};

    fmt_table *t = table_new(NULL, "orders");
    fmt_column *id = add_column(t, "id", "int64", "bigint", 0);
    id->identity = FMT_IDENTITY_ALWAYS;
    id->has_last_value = true;
    id->last_value = 20; /* beyond the highest row: the counter carries it */
    add_column(t, "code", "varchar(10)", "character varying(10)", 1)->default_sql =
        fmt_strdup("'abc'::character varying");
    add_column(t, "amount", "decimal(10,2)", "numeric(10,2)", 0)->default_sql = fmt_strdup("(-1)");
    add_column(t, "created", "timestamptz", "timestamp with time zone", 1)->default_sql =
        fmt_strdup("now()");
    add_column(t, "day", "date", "date", 1)->default_sql = fmt_strdup("'now'::text::date");
    add_column(t, "tags", "native", "tsvector", 1);
    add_column(t, "shape", "native", "geometry(Point,4326)", 1);
    add_column(t, "vec", "vector(3)", "vector(3)", 1);
    add_column(t, "big", "int64", "bigint", 1)->collation = fmt_strdup("en_US");
    add_column(t, "ok", "boolean", "boolean", 1)->default_sql = fmt_strdup("true");
    add_column(t, "twice", "decimal", "numeric", 1)->generated_sql = fmt_strdup("amount * 2");
    set_pk(t, "orders_pkey", "id");
    add_unique(t, "orders_code_key", "code");
    add_check(t, "amount_positive", "(amount >= 0)");
    add_index(t, "orders_lower", 0, "code");
    t->indexes[0].parts[0].collation = fmt_strdup("C");
    t->indexes[0].parts[0].descending = 1;

    fmt_native_object view = {
        .kind = FMT_NATIVE_VIEW, .name = "v", .table = NULL, .sql = "CREATE VIEW v AS SELECT 1"};

    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    {
        fmt_value row[11] = {
            v_int(7),         v_text("x"),
            v_dec("12.50"),   v_text("2024-01-01T00:00:00Z"),
            v_null(),         v_text("'a':1"),
            v_null(),         v_bytes(FMT_VALUE_BLOB, "\0\0\x80?\0\0\0@\0\0@@", 12),
            v_int(INT64_MIN), v_bool(1),
            v_dec("25.00")};
        unsigned char present[11] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        CHECK(s.ops->row(s.st, row, present) == 0);
        fmt_value nan_row[11] = {v_int(8), v_text("y"), v_dec("NaN")};
        unsigned char nan_present[11] = {1, 1, 1};
        /* SQLite has no NaN: it is stored as the text "NaN", which exports
         * tagged and a PostgreSQL target reads back as NaN */
        CHECK(s.ops->row(s.st, nan_row, nan_present) == 0);
        /* defaults: only id and amount given */
        fmt_value def_row[11] = {v_int(9), v_null(), v_dec("1")};
        unsigned char def_present[11] = {1, 0, 1};
        CHECK(s.ops->row(s.st, def_row, def_present) == 0);
        /* a check constraint from the file is enforced */
        fmt_value bad_row[11] = {v_int(10), v_text("neg"), v_dec("-5")};
        CHECK(s.ops->row(s.st, bad_row, def_present) < 0);
        CHECK(strstr(errmsg(&s), "CHECK constraint failed") != NULL);
    }
    CHECK(s.ops->table_end(s.st, &stats) == 0);
    CHECK(stats.rows_read == 4 && stats.rows_written == 3);
    CHECK(s.ops->finish(s.st, &view, 1, &s.h) == 0);
    /* one line per kind, with a count */
    /* (a timestamp's now() is carried, as CURRENT_TIMESTAMP) */
    CHECK(has_warning(&s, "1 default from postgresql not carried (SQLite keeps literals only): "
                          "table \"orders\", column \"day\": 'now'::text::date"));
    CHECK(has_warning(&s, "1 collation from postgresql not carried"));
    CHECK(has_warning(&s, "table \"orders\", column \"big\": en_US"));
    CHECK(has_warning(&s, "1 generated column from postgresql not carried"));
    CHECK(has_warning(&s, "column \"twice\""));
    CHECK(
        has_warning(&s, "1 view or trigger from postgresql not carried (native SQL): view \"v\""));
    end(&s, 1);
    fmt_table_free(t);
    check_from_postgresql(path);
}

/* What test_postgresql_source loaded: mapped declarations, constraints,
 * the index, and values. */
static void check_from_postgresql(const char *path)
{
    sqlite3 *db = open_db(path);
    CHECK_STR(
        q(db, "SELECT name || ':' || type || ':' || ifnull(dflt_value, '-') || ':' || pk "
              "FROM pragma_table_xinfo('orders')"),
        "id:INTEGER:-:1|code:VARCHAR(10):'abc':0|amount:NUMERIC(10,2):-1:0|"
        "created:TIMESTAMPTZ TEXT:CURRENT_TIMESTAMP:0|day:DATE TEXT:-:0|tags:tsvector TEXT:-:0|"
        "shape:TEXT:-:0|"
        "vec:F32_BLOB(3):-:0|big:BIGINT:-:0|ok:BOOLEAN:true:0");
    const char *sql = q(db, "SELECT sql FROM sqlite_schema WHERE name = 'orders'");
    CHECK(strstr(sql, "\"id\" INTEGER CONSTRAINT \"orders_pkey\" PRIMARY KEY") != NULL);
    /* an identity never reuses a value: AUTOINCREMENT, at its last value */
    CHECK(strstr(sql, "PRIMARY KEY AUTOINCREMENT") != NULL);
    CHECK_STR(q(db, "SELECT seq FROM sqlite_sequence WHERE name = 'orders'"), "20");
    CHECK(strstr(sql, "CONSTRAINT \"orders_code_key\" UNIQUE (\"code\")") != NULL);
    CHECK(strstr(sql, "CONSTRAINT \"amount_positive\" CHECK (amount >= 0)") != NULL);
    CHECK_STR(q(db, "SELECT sql FROM sqlite_schema WHERE name = 'orders_lower'"),
              "CREATE INDEX \"orders_lower\" ON \"orders\" (\"code\" DESC)");
    CHECK_STR(q(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'v'"), "0");
    /* decimal(10,2): exact as a double, so SQLite's own NUMERIC */
    CHECK_STR(q(db, "SELECT typeof(amount) || amount || ':' || big FROM orders WHERE id = 7"),
              "real12.5:-9223372036854775808");
    CHECK_STR(q(db, "SELECT typeof(amount) || ':' || amount FROM orders WHERE id = 8"), "text:NaN");
    CHECK_STR(q(db, "SELECT ifnull(code, '-') || ':' || ok FROM orders WHERE id = 9"), "abc:1");
    sqlite3_close(db);
}

/* A CHECK from another dialect that SQLite cannot read is left out with a
 * warning naming it; the readable one is still enforced; a failed import
 * leaves no file. */
static void test_bad_check_leaves_no_file(void)
{
    const char *path = tmp_path("bad_check.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_table *ok = table_new(NULL, "first");
    add_column(ok, "a", "int32", "integer", 1);
    fmt_table *t = table_new(NULL, "items");
    add_column(t, "price", "decimal", "numeric", 1);
    add_check(t, "items_fine", "(price IS NOT NULL)");
    add_check(t, "items_price_check", "(price > '0'::money)");

    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(!file_exists(path)); /* a new target appears only when the import commits */
    CHECK(s.ops->table_begin(s.st, ok) == 0);
    fmt_value row[] = {v_int(1)};
    CHECK(s.ops->row(s.st, row, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    /* the unreadable CHECK is reported at the end of a successful import
     * (test_pg_sqlite_trip.sh); this one fails at its row */
    CHECK(!has_warning(&s, "items_fine"));
    fmt_value good[] = {v_dec("2.50")};
    CHECK(s.ops->row(s.st, good, NULL) == 0);
    fmt_value bad[] = {v_null()};
    CHECK(s.ops->row(s.st, bad, NULL) < 0); /* items_fine still holds */
    CHECK(strstr(errmsg(&s), "CHECK constraint failed: items_fine") != NULL);
    end(&s, 0);
    CHECK(!file_exists(path));
    CHECK(!file_exists(tmp_path("bad_check.db-journal")));
    fmt_table_free(ok);
    fmt_table_free(t);
}

/* PostgreSQL's stored forms of IN lists and casts become SQLite's, named
 * and enforced; what cannot be rewritten exactly is not (above). */
static void test_translated_checks(void)
{
    const char *path = tmp_path("translated_checks.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_table *t = table_new(NULL, "orders");
    add_column(t, "kind", "text", "text", 1);
    add_column(t, "status", "varchar(10)", "character varying(10)", 1);
    add_column(t, "price", "decimal", "numeric", 1);
    add_check(t, "kind_in", "(kind = ANY (ARRAY['plain'::text, 'it''s'::text]))");
    add_check(t, "status_in",
              "((status)::text = ANY ((ARRAY['open'::character varying, "
              "'closed'::character varying])::text[]))");
    add_check(t, "price_nonneg", "(price >= (0)::numeric)");
    add_check(t, "no_colons", "(kind <> 'a::b'::text)");
    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    CHECK(!has_warning(&s, "not carried"));
    fmt_value good[] = {v_text("it's"), v_text("open"), v_dec("0")};
    CHECK(s.ops->row(s.st, good, NULL) == 0);
    fmt_value bad_kind[] = {v_text("fancy"), v_text("open"), v_dec("1")};
    CHECK(s.ops->row(s.st, bad_kind, NULL) < 0);
    CHECK(strstr(errmsg(&s), "CHECK constraint failed: kind_in") != NULL);
    end(&s, 0);
    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    fmt_value bad_price[] = {v_text("plain"), v_text("closed"), v_dec("-1")};
    CHECK(s.ops->row(s.st, bad_price, NULL) < 0);
    CHECK(strstr(errmsg(&s), "CHECK constraint failed: price_nonneg") != NULL);
    end(&s, 0);
    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    end(&s, 1);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK_STR(q(db, "SELECT instr(sql, 'CHECK (kind IN (''plain'', ''it''''s''))') > 0 AND "
                    "instr(sql, 'CHECK (status IN (''open'', ''closed''))') > 0 AND "
                    "instr(sql, 'CHECK (price >= CAST(0 AS numeric))') > 0 AND "
                    "instr(sql, 'CHECK (kind <> ''a::b'')') > 0 FROM sqlite_schema "
                    "WHERE name = 'orders'"),
              "1");
    sqlite3_close(db);
    fmt_table_free(t);
}

static fmt_table *kv_table(void)
{
    fmt_table *t = table_new(NULL, "kv");
    add_column(t, "id", "int64", "INTEGER", 0)->identity = FMT_IDENTITY_ROWID;
    add_column(t, "v", "text", "TEXT", 1);
    add_column(t, "w", "text", "TEXT", 1);
    set_pk(t, NULL, "id");
    return t;
}

static void make_kv(const char *path)
{
    unlink(path);
    sqlite3 *db = open_db(path);
    exec(db, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT, w TEXT);"
             "INSERT INTO kv VALUES (1, 'one', 'w1'), (2, 'two', 'w2');");
    sqlite3_close(db);
}

/* A duplicate key fails the row with SQLite's message and the column; the
 * rolled-back target is byte-identical to before. */
static void test_duplicate_rolls_back(void)
{
    const char *path = tmp_path("dup.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    size_t before_len, after_len;
    fmt_table *t = kv_table();
    fmt_table *other = table_new(NULL, "fresh");
    add_column(other, "x", "text", "TEXT", 1);

    make_kv(path);
    unsigned char *before = read_file(path, &before_len);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, other) == 0);
    fmt_value r0[] = {v_text("lots of data")};
    for (int i = 0; i < 2000; i++)
        CHECK(s.ops->row(s.st, r0, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    fmt_value r1[] = {v_int(10), v_text("ten"), v_text("w")};
    fmt_value r2[] = {v_int(1), v_text("dup"), v_text("w")};
    CHECK(s.ops->row(s.st, r1, NULL) == 0);
    CHECK(s.ops->row(s.st, r2, NULL) < 0);
    CHECK_STR(errmsg(&s), "UNIQUE constraint failed: kv.id");
    CHECK_STR(s.ops->error_column(s.st), "id");
    end(&s, 0);
    unsigned char *after = read_file(path, &after_len);
    CHECK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
    CHECK(!file_exists(tmp_path("dup.db-journal")));
    free(before);
    free(after);
    fmt_table_free(t);
    fmt_table_free(other);
}

static void test_skip_and_update(void)
{
    const char *path = tmp_path("upsert.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_SKIP);
    db_table_stats stats = {0};
    fmt_table *t = kv_table();

    make_kv(path);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    fmt_value r1[] = {v_int(1), v_text("new"), v_text("x")};
    fmt_value r2[] = {v_int(5), v_text("five"), v_text("w5")};
    CHECK(s.ops->row(s.st, r1, NULL) == 0);
    CHECK(s.ops->row(s.st, r2, NULL) == 0);
    CHECK(s.ops->table_end(s.st, &stats) == 0);
    CHECK(stats.rows_read == 2 && stats.rows_written == 1 && stats.rows_skipped == 1);
    CHECK(stats.created == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    end(&s, 1);

    o = options(DB_ON_CONFLICT_UPDATE);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    fmt_value u1[] = {v_int(1), v_text("upd"), v_null()};
    unsigned char no_w[] = {1, 1, 0};
    fmt_value u2[] = {v_int(6), v_text("six"), v_text("w6")};
    CHECK(s.ops->row(s.st, u1, no_w) == 0);
    CHECK(s.ops->row(s.st, u2, NULL) == 0);
    CHECK(s.ops->table_end(s.st, &stats) == 0);
    CHECK(stats.rows_read == 2 && stats.rows_written == 2 && stats.rows_skipped == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    end(&s, 1);

    sqlite3 *db = open_db(path);
    CHECK_STR(q(db, "SELECT id || ':' || v || ':' || w FROM kv ORDER BY id"),
              "1:upd:w1|2:two:w2|5:five:w5|6:six:w6");
    exec(db, "CREATE TABLE nokey (a TEXT)");
    sqlite3_close(db);

    fmt_table *nokey = table_new(NULL, "nokey");
    add_column(nokey, "a", "text", "TEXT", 1);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, nokey) < 0);
    CHECK_STR(errmsg(&s),
              "table \"nokey\": --on-conflict=update needs a primary key or unique constraint: "
              "without one no row conflicts, and every row of the file would be added again");
    end(&s, 0);
    fmt_table_free(nokey);
    fmt_table_free(t);
}

/* An existing table is checked before any row, with messages naming the
 * table and the column. */
static void test_incompatible_existing(void)
{
    const char *path = tmp_path("existing.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);

    unlink(path);
    sqlite3 *db = open_db(path);
    exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, d DATE, must TEXT NOT NULL);"
             "CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER, day TEXT,"
             " opt TEXT NOT NULL DEFAULT 'z', g AS (n + 1));"
             "CREATE VIEW vw AS SELECT 1 AS a;");
    sqlite3_close(db);

    struct {
        const char *table, *column, *type, *native, *want;
    } cases[] = {
        {"t", "nope", "text", "TEXT", "table \"t\": column \"nope\" does not exist in the target"},
        {"t", "n", "text", "TEXT",
         "table \"t\", column \"n\": type text in the file does not fit the target's declared "
         "type INTEGER"},
        {"t", "n", "int64", "INTEGER",
         "table \"t\": column \"must\" of the target is NOT NULL without a default and the file "
         "has no values for it"},
        {"vw", "a", "int64", "INTEGER", "table \"vw\": the target has a view of that name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fmt_table *t = table_new(NULL, cases[i].table);
        add_column(t, "id", "int64", "INTEGER", 0);
        add_column(t, cases[i].column, cases[i].type, cases[i].native, 1);
        CHECK(start(&s, path, &o, "postgresql") == 0);
        CHECK(s.ops->table_begin(s.st, t) < 0);
        CHECK_STR(errmsg(&s), cases[i].want);
        end(&s, 0);
        fmt_table_free(t);
    }

    /* compatible: a date into TEXT, a generated target column, a default */
    fmt_table *u = table_new(NULL, "U");
    add_column(u, "id", "int64", "bigint", 0);
    add_column(u, "N", "int32", "integer", 1);
    add_column(u, "day", "date", "date", 1);
    add_column(u, "g", "int64", "bigint", 1);
    CHECK(start(&s, path, &o, "postgresql") == 0);
    CHECK(s.ops->table_begin(s.st, u) == 0);
    fmt_value row[] = {v_int(1), v_int(41), v_text("2024-02-29"), v_int(999)};
    CHECK(s.ops->row(s.st, row, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    CHECK(has_warning(&s, "table \"U\", column \"g\": generated in the target"));
    end(&s, 1);
    fmt_table_free(u);
    db = open_db(path);
    CHECK_STR(q(db, "SELECT n || ':' || day || ':' || opt || ':' || g FROM u"),
              "41:2024-02-29:z:42");
    sqlite3_close(db);

    /* data only: a missing table is an error */
    o.data_only = 1;
    fmt_table *m = table_new(NULL, "missing");
    add_column(m, "a", "text", "TEXT", 1);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, m) < 0);
    CHECK(strstr(errmsg(&s), "table \"missing\" does not exist in the target") != NULL);
    end(&s, 0);
    fmt_table_free(m);
}

static void fk_tables(fmt_table **parent, fmt_table **child)
{
    *parent = table_new(NULL, "p");
    add_column(*parent, "id", "int64", "INTEGER", 0)->identity = FMT_IDENTITY_ROWID;
    set_pk(*parent, NULL, "id");
    *child = table_new(NULL, "c");
    add_column(*child, "id", "int64", "INTEGER", 0)->identity = FMT_IDENTITY_ROWID;
    add_column(*child, "pid", "int64", "INTEGER", 1);
    set_pk(*child, NULL, "id");
    fmt_foreign_key *fk = add_fk(*child, "pid", "p", "id");
    fk->on_delete = fmt_strdup("cascade");
    fk->on_update = fmt_strdup("no action");
    fk->deferrable = 1;
    fk->initially_deferred = 1;
}

/* Children may come before parents; the check runs once in finish. Views
 * and triggers from SQLite are created verbatim. */
static void test_foreign_keys(void)
{
    const char *path = tmp_path("fk.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_table *p, *c;
    fk_tables(&p, &c);

    unlink(path);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, c) == 0);
    fmt_value c1[] = {v_int(1), v_int(1)}, c2[] = {v_int(2), v_int(99)},
              c3[] = {v_int(3), v_int(98)};
    CHECK(s.ops->row(s.st, c1, NULL) == 0);
    CHECK(s.ops->row(s.st, c2, NULL) == 0);
    CHECK(s.ops->row(s.st, c3, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->table_begin(s.st, p) == 0);
    fmt_value p1[] = {v_int(1)};
    CHECK(s.ops->row(s.st, p1, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) < 0);
    CHECK_STR(errmsg(&s), "table \"c\", row with rowid 2 (primary key id=2): foreign key "
                          "violation: no row in \"p\" matching (id) = (99), and 1 more");
    end(&s, 0);
    CHECK(!file_exists(path));

    fmt_native_object objects[] = {
        {.kind = FMT_NATIVE_TRIGGER,
         .name = "c_ins",
         .table = "c",
         .sql = "CREATE TRIGGER c_ins AFTER INSERT ON c BEGIN UPDATE c SET pid = pid; END"},
        {.kind = FMT_NATIVE_VIEW,
         .name = "cv",
         .table = NULL,
         .sql = "CREATE VIEW cv AS SELECT * FROM c"},
    };
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, c) == 0);
    CHECK(s.ops->row(s.st, c1, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->table_begin(s.st, p) == 0);
    CHECK(s.ops->row(s.st, p1, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, objects, 2, &s.h) == 0);
    end(&s, 1);
    sqlite3 *db = open_db(path);
    CHECK_STR(q(db, "SELECT \"table\" || ':' || \"from\" || ':' || \"to\" || ':' || on_delete || "
                    "':' || on_update FROM pragma_foreign_key_list('c')"),
              "p:pid:id:CASCADE:NO ACTION");
    CHECK(strstr(q(db, "SELECT sql FROM sqlite_schema WHERE name = 'c'"),
                 "DEFERRABLE INITIALLY DEFERRED") != NULL);
    CHECK_STR(q(db, "SELECT type FROM sqlite_schema WHERE name IN ('cv', 'c_ins') ORDER BY name"),
              "trigger|view");
    CHECK_STR(q(db, "PRAGMA foreign_keys"), "0");
    sqlite3_close(db);

    /* appending: existing index and view names are skipped */
    add_index(c, "c_pid", 0, "pid")->sql = fmt_strdup("CREATE INDEX c_pid ON c(pid)");
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, c) == 0);
    CHECK(s.ops->row(s.st, c2, NULL) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, objects + 1, 1, &s.h) < 0);
    CHECK(has_warning(&s, "view \"cv\" not created: the target has a view of that name"));
    CHECK(strstr(errmsg(&s), "table \"c\", row with rowid 2 (primary key id=2)") != NULL);
    end(&s, 0);
    /* appending: a trigger never goes on a table the import did not create */
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, c) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, objects, 1, &s.h) < 0);
    CHECK(strstr(errmsg(&s), "trigger \"c_ins\": its table \"c\" is not one this import "
                             "created") != NULL);
    end(&s, 0);
    db = open_db(path);
    CHECK_STR(q(db, "SELECT count(*) FROM c"), "1");
    CHECK_STR(q(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'c_pid'"), "0");
    sqlite3_close(db);
    fmt_table_free(p);
    fmt_table_free(c);
}

/* A dry run never creates or changes the file, but still checks. */
static void test_dry_run(void)
{
    const char *path = tmp_path("dry.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    db_table_stats stats = {0};
    fmt_table *t = kv_table();
    o.dry_run = 1;

    unlink(path);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    fmt_value r[] = {v_int(1), v_text("a"), v_real(NAN)};
    CHECK(s.ops->row(s.st, r, (const unsigned char *)"\1\1\0") == 0);
    CHECK(s.ops->row(s.st, r, NULL) == 0); /* NaN travels as text */
    CHECK(s.ops->table_end(s.st, &stats) == 0);
    CHECK(stats.created == 1 && stats.rows_read == 2 && stats.rows_written == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    end(&s, 1);
    CHECK(!file_exists(path));

    make_kv(path);
    size_t before_len, after_len;
    unsigned char *before = read_file(path, &before_len);
    fmt_table *bad = table_new(NULL, "kv");
    add_column(bad, "zz", "text", "TEXT", 1);
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, bad) < 0);
    CHECK_STR(errmsg(&s), "table \"kv\": column \"zz\" does not exist in the target");
    CHECK(s.ops->table_begin(s.st, t) == 0);
    CHECK(s.ops->row(s.st, r, (const unsigned char *)"\1\1\0") == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
    end(&s, 1);
    unsigned char *after = read_file(path, &after_len);
    CHECK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
    free(before);
    free(after);
    fmt_table_free(bad);
    fmt_table_free(t);
}

static void test_not_a_database(void)
{
    const char *path = tmp_path("garbage.db");
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 100; i++)
        fputs("this is not a database\n", f);
    fclose(f);
    size_t before_len, after_len;
    unsigned char *before = read_file(path, &before_len);
    CHECK(start(&s, path, &o, "sqlite") < 0);
    CHECK(strstr(errmsg(&s), "is not an SQLite database") != NULL);
    s.ops->close(s.st);
    unsigned char *after = read_file(path, &after_len);
    CHECK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
    free(before);
    free(after);
}

/* A table this target created from another backend's file takes the same
 * table again: what it declared fits what it is given. */
static void test_reimport_into_created(void)
{
    const char *path = tmp_path("again.db");
    db_target_options o = options(DB_ON_CONFLICT_SKIP);
    unlink(path);
    for (int pass = 0; pass < 2; pass++) {
        session s;
        fmt_table *t = table_new(NULL, "prices");
        add_column(t, "id", "int64", "bigint", 0);
        add_column(t, "amount", "decimal(20,4)", "numeric(20,4)", 1);
        add_column(t, "tags", "array(int32)", "integer[]", 1);
        set_pk(t, NULL, "id");
        CHECK(start(&s, path, &o, "postgresql") == 0);
        int rc = s.ops->table_begin(s.st, t);
        CHECK_STR(rc == 0 ? "ok" : errmsg(&s), "ok");
        if (rc == 0) {
            CHECK(s.ops->table_end(s.st, NULL) == 0);
            CHECK(s.ops->finish(s.st, NULL, 0, &s.h) == 0);
        }
        end(&s, rc == 0);
        fmt_table_free(t);
    }
    unlink(path);
}

/* SQLite keeps trigger names apart from table, view and index names: a
 * trigger does not stop a table of its name, nor a table a trigger. */
static void test_trigger_namespace(void)
{
    const char *path = tmp_path("names.db");
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    session s;
    unlink(path);
    sqlite3 *db = open_db(path);
    exec(db, "CREATE TABLE c (a); CREATE TRIGGER items AFTER INSERT ON c BEGIN SELECT 1; END;");
    sqlite3_close(db);
    fmt_table *t = table_new(NULL, "items");
    add_column(t, "x", "int64", "INTEGER", 1);
    fmt_native_object trigger = {.kind = FMT_NATIVE_TRIGGER,
                                 .name = "c",
                                 .table = "items",
                                 .sql =
                                     "CREATE TRIGGER c AFTER INSERT ON items BEGIN SELECT 1; END"};
    CHECK(start(&s, path, &o, "sqlite") == 0);
    int rc = s.ops->table_begin(s.st, t);
    CHECK_STR(rc == 0 ? "ok" : errmsg(&s), "ok");
    CHECK(rc < 0 || s.ops->table_end(s.st, NULL) == 0);
    CHECK(rc < 0 || s.ops->finish(s.st, &trigger, 1, &s.h) == 0);
    end(&s, rc == 0);
    fmt_table_free(t);
    db = open_db(path);
    CHECK_STR(q(db, "SELECT group_concat(type || ':' || name || ':' || tbl_name, ' ') FROM "
                    "(SELECT * FROM sqlite_schema ORDER BY type, name)"),
              "table:c:c table:items:items trigger:c:items trigger:items:c");
    sqlite3_close(db);
    unlink(path);
}

/* An existing table is AUTOINCREMENT only if its CREATE TABLE says so, not
 * because the word is in a string: the file's counter is then not set (and
 * there is no sqlite_sequence to set it in). */
static void test_autoincrement_word(void)
{
    const char *path = tmp_path("word.db");
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    session s;
    unlink(path);
    sqlite3 *db = open_db(path);
    exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'AUTOINCREMENT')");
    sqlite3_close(db);
    fmt_table *t = table_new(NULL, "t");
    fmt_column *id = add_column(t, "id", "int64", "INTEGER", 0);
    id->identity = FMT_IDENTITY_AUTOINCREMENT;
    id->has_last_value = 1;
    id->last_value = 5;
    set_pk(t, NULL, "id");
    CHECK(start(&s, path, &o, "sqlite") == 0);
    CHECK(s.ops->table_begin(s.st, t) == 0);
    CHECK(s.ops->table_end(s.st, NULL) == 0);
    int rc = s.ops->finish(s.st, NULL, 0, &s.h);
    CHECK_STR(rc == 0 ? "ok" : errmsg(&s), "ok");
    end(&s, rc == 0);
    fmt_table_free(t);
    unlink(path);
}

int main(void)
{
    const char *tmpdir = make_tmpdir("test_sqlite_target");
    test_sqlite_source();
    test_postgresql_source();
    test_bad_check_leaves_no_file();
    test_translated_checks();
    test_duplicate_rolls_back();
    test_skip_and_update();
    test_incompatible_existing();
    test_foreign_keys();
    test_dry_run();
    test_not_a_database();
    test_reimport_into_created();
    test_trigger_namespace();
    test_autoincrement_word();
    const char *names[] = {"from_sqlite.db", "from_pg.db", "dup.db", "upsert.db",
                           "existing.db",    "fk.db",      "dry.db", "garbage.db"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(tmp_path(names[i]));
    rmdir(tmpdir);
    return check_report();
}
