/* Unit tests for importer/pg_target.c against a live PostgreSQL with
 * pgvector: tables built by hand, run through the ops into a fresh database
 * per case, then read back with libpq: DDL, exact values (vectors and bytea
 * as text), identity continuing after the loaded rows, errors naming table,
 * row and column, keys and foreign keys checked after the data, conflicts,
 * --require-empty, dry runs, rollback and a backend killed during COPY
 * leaving the database as it was. */
#include "check.h"
#include "fixtures.h"
#include "schema.h"
#include "target.h"
#include "target_session.h"
#include "types.h"
#include "value.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static PGconn *admin;
static char dbname[64];
static char conninfo[128];
static int dbcount;

/* ---- the server --------------------------------------------------------- */

static PGconn *connect_to(const char *db)
{
    const char *keys[] = {"dbname", NULL};
    const char *values[] = {db, NULL};
    PGconn *c = PQconnectdbParams(keys, values, 0);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to %s: %s", db, PQerrorMessage(c));
        exit(2);
    }
    return c;
}

static void exec(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        exit(2);
    }
    PQclear(res);
}

/* First column of every row joined by "|" ("(null)" for NULL, "(none)"
 * for no row, "(error: ...)" on failure). */
static const char *q(PGconn *c, const char *sql)
{
    static char ring[8][2048];
    static int next;
    char *out = ring[next++ % 8];
    size_t len = 0;
    PGresult *res = PQexec(c, sql);
    out[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(out, 2048, "(error: %s)", PQerrorMessage(c));
        PQclear(res);
        return out;
    }
    for (int r = 0; r < PQntuples(res) && len < 2048; r++)
        len += (size_t)snprintf(out + len, 2048 - len, "%s%s", r ? "|" : "",
                                PQgetisnull(res, r, 0) ? "(null)" : PQgetvalue(res, r, 0));
    if (PQntuples(res) == 0)
        snprintf(out, 2048, "(none)");
    PQclear(res);
    return out;
}

/* A fresh database for one case; returns a connection to it. */
static PGconn *fresh_database(void)
{
    char sql[128];
    snprintf(dbname, sizeof dbname, "dbimport_test_%ld_%d", (long)getpid(), ++dbcount);
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", dbname);
    exec(admin, sql);
    snprintf(conninfo, sizeof conninfo, "dbname=%s", dbname);
    return connect_to(dbname);
}

static void drop_database(PGconn *c)
{
    char sql[128];
    PQfinish(c);
    snprintf(sql, sizeof sql, "DROP DATABASE \"%s\" WITH (FORCE)", dbname);
    exec(admin, sql);
}

/* Every user table's rows, in one digest. */
static const char *checksum(PGconn *c)
{
    return q(c, "SELECT md5(coalesce(string_agg(x, ';' ORDER BY x), '')) FROM ("
                " SELECT c.relname || ':' || coalesce((xpath('/row/c/text()', query_to_xml("
                "  format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) "
                "AS c FROM %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text, '') AS x"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog',"
                " 'information_schema', 'pg_toast')) s");
}

/* ---- running the ops ---------------------------------------------------- */

static char *vector_extension[] = {"vector"};

static int start(session *s, const db_target_options *o, const char *backend)
{
    memset(s, 0, sizeof *s);
    s->ops = db_target_pg();
    s->h.source_backend = (char *)backend;
    s->h.extensions = vector_extension;
    s->h.nextensions = 1;
    if (s->ops->open(&s->st, conninfo, o) < 0)
        return -1;
    return s->ops->begin(s->st, &s->h);
}

static int ok(session *s, int rc)
{
    if (rc != 0)
        fprintf(stderr, "unexpected error: %s\n", errmsg(s));
    return rc == 0;
}

static int contains(const char *hay, const char *needle)
{
    if (hay && strstr(hay, needle))
        return 1;
    fprintf(stderr, "\"%s\" does not contain \"%s\"\n", hay ? hay : "(null)", needle);
    return 0;
}

/* Loads one table with rows (present may be NULL: every column). */
static int load(session *s, const fmt_table *t, fmt_value *rows, size_t nrows,
                db_table_stats *stats)
{
    int rc = 0;
    if (s->ops->table_begin(s->st, t) < 0)
        rc = -1;
    for (size_t r = 0; rc == 0 && r < nrows; r++)
        if (s->ops->row(s->st, rows + r * t->ncolumns, NULL) < 0)
            rc = -2;
    if (rc == 0 && s->ops->table_end(s->st, stats) < 0)
        rc = -3;
    if (getenv("VERBOSE") && rc)
        fprintf(stderr, "load %s: %d: %s\n", t->name, rc, s->ops->errmsg(s->st));
    return rc;
}

/* ---- tests -------------------------------------------------------------- */

static const unsigned char vec3[] = {0x00, 0x00, 0x80, 0x3f,  /* 1 */
                                     0xcd, 0xcc, 0xcc, 0x3d,  /* 0.1f */
                                     0x00, 0x00, 0x20, 0xc0}; /* -2.5 */
static const unsigned char half2[] = {0x00, 0x38,             /* 0.5 */
                                      0xff, 0x7b};            /* 65504 */

/* From SQLite: identity from INTEGER PRIMARY KEY, literal defaults only,
 * every portable scalar type, vectors, jsonb, arrays, COPY escaping. */
/* Long because it is one file from SQLite and the type of each of its columns. */
static void test_types_from_sqlite(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    db_table_stats stats = {0};

    fmt_table *t = table_new(NULL, "items");
    fmt_column *id = add_column(t, "id", "int64", "INTEGER", 0);
    id->identity = FMT_IDENTITY_ROWID;
    fmt_column *name = add_column(t, "name", "text", "TEXT", 0);
    name->default_sql = fmt_strdup("'x'");
    add_column(t, "r", "float64", "REAL", 1);
    add_column(t, "b", "bytes", "BLOB", 1);
    add_column(t, "d", "decimal(10,2)", "NUMERIC(10,2)", 1);
    fmt_column *flag = add_column(t, "flag", "boolean", "BOOLEAN", 1);
    flag->default_sql = fmt_strdup("0");
    add_column(t, "emb", "vector(3)", "F32_BLOB(3)", 1);
    add_column(t, "hv", "halfvec(2)", "F16_BLOB(2)", 1);
    add_column(t, "j", "jsonb", "JSONB", 1);
    add_column(t, "arr", "array(int32)", NULL, 1);
    add_column(t, "tarr", "array(text)", NULL, 1);
    fmt_column *created = add_column(t, "created", "text", "TEXT", 1);
    created->default_sql = fmt_strdup("datetime('now')");
    add_column(t, "vc", "varchar(5)", "VARCHAR(5)", 1);
    set_pk(t, NULL, "id");
    add_index(t, "items_by_name", 0, "name");
    add_index(t, "items_lower", 0, NULL)->parts[0].expression =
        fmt_strdup("lower(name) COLLATE NOCASE");

    /* The arrays as the reader hands them over: [[1,null],[3,4]] and
     * ["a b","\"q\"",null,"NULL","back\\slash","{}"], then []. */
    fmt_value in1[] = {v_bytes(FMT_VALUE_DECIMAL, "1", 1), v_null()},
              in2[] = {v_bytes(FMT_VALUE_DECIMAL, "3", 1), v_bytes(FMT_VALUE_DECIMAL, "4", 1)};
    fmt_array a1 = {in1, 2}, a2 = {in2, 2};
    fmt_value dims[] = {{.kind = FMT_VALUE_ARRAY, .array = &a1},
                        {.kind = FMT_VALUE_ARRAY, .array = &a2}};
    fmt_value texts[] = {v_text("a b"),  v_text("\"q\""),       v_null(),
                         v_text("NULL"), v_text("back\\slash"), v_text("{}")};
    fmt_array arr = {dims, 2}, tarr = {texts, 6}, empty = {NULL, 0};
    fmt_value rows[] = {
        v_int(1), v_text("tab\there\nnew\\line"), v_real(-0.0),
        v_bytes(FMT_VALUE_BLOB, "\x00\x01\xff", 3), v_dec("12.50"), v_bool(1),
        v_bytes(FMT_VALUE_BLOB, (const char *)vec3, sizeof vec3),
        v_bytes(FMT_VALUE_BLOB, (const char *)half2, sizeof half2),
        v_json("{\"a\": [1, \"x\\ty\"], \"b\": null}"),
        (fmt_value){.kind = FMT_VALUE_ARRAY, .array = &arr},
        (fmt_value){.kind = FMT_VALUE_ARRAY, .array = &tarr}, v_null(), v_text("abcde"),
        /* row 2 */
        v_int(7), v_text("second"), v_real(NAN), v_bytes(FMT_VALUE_BLOB, NULL, 0), v_dec("-0.01"),
        v_bool(0), v_null(), v_null(), v_json("\"just a string\""),
        (fmt_value){.kind = FMT_VALUE_ARRAY, .array = &empty}, v_null(), v_null(), v_null()};

    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, t, rows, 2, &stats)));
    CHECK(stats.rows_read == 2 && stats.rows_written == 2 && stats.created == 1);
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    CHECK(has_warning(&s, "default datetime('now') not carried"));
    CHECK(has_warning(&s, "index \"items_lower\" from sqlite not created"));
    end(&s, 1);

    CHECK_STR(q(c, "SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                   " || CASE WHEN a.attnotnull THEN ' NN' ELSE '' END"
                   " || CASE WHEN a.attidentity <> '' THEN ' ID' || a.attidentity::text ELSE '' END"
                   " || coalesce(' D ' || pg_get_expr(d.adbin, d.adrelid), ''), ', '"
                   " ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_attrdef d"
                   " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                   " WHERE a.attrelid = 'public.items'::regclass AND a.attnum > 0"),
              "id bigint NN IDd, name text NN D 'x'::text, r double precision, b bytea, "
              "d numeric(10,2), flag boolean D false, emb vector(3), hv halfvec(2), j jsonb, "
              "arr integer[], tarr text[], created text, vc character varying(5)");
    CHECK_STR(q(c, "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                   " WHERE conrelid = 'public.items'::regclass"),
              "items_pkey PRIMARY KEY (id)");
    CHECK_STR(q(c, "SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1"),
              "items_by_name|items_pkey");
    CHECK_STR(q(c, "SELECT name FROM items WHERE id = 1"), "tab\there\nnew\\line");
    CHECK_STR(q(c, "SELECT r::text || ' ' || encode(b, 'hex') || ' ' || d || ' ' || flag"
                   " FROM items WHERE id = 1"),
              "-0 0001ff 12.50 true");
    CHECK_STR(q(c, "SELECT emb::text || ' ' || hv::text FROM items WHERE id = 1"),
              "[1,0.1,-2.5] [0.5,65504]");
    CHECK_STR(q(c, "SELECT vector_to_float4(emb, 3, false)::text FROM items WHERE id = 1"),
              "{1,0.1,-2.5}");
    CHECK_STR(q(c, "SELECT j::text || ' ' || arr::text FROM items WHERE id = 1"),
              "{\"a\": [1, \"x\\ty\"], \"b\": null} {{1,NULL},{3,4}}");
    CHECK_STR(q(c, "SELECT array_to_json(tarr)::text FROM items WHERE id = 1"),
              "[\"a b\",\"\\\"q\\\"\",null,\"NULL\",\"back\\\\slash\",\"{}\"]");
    CHECK_STR(q(c, "SELECT r::text || ' ' || length(b) || ' ' || j::text || ' ' || arr::text"
                   " FROM items WHERE id = 7"),
              "NaN 0 \"just a string\" {}");
    /* identity continues after the highest loaded value */
    CHECK_STR(q(c, "INSERT INTO public.items (name) VALUES ('new') RETURNING id"), "8");
    fmt_table_free(t);
    drop_database(c);
}

/* A value PostgreSQL cannot hold, found before it is sent; and a value the
 * server rejects in COPY, reported with its row and column. */
static void test_row_errors(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_table *t = table_new(NULL, "t");
    add_column(t, "id", "int64", NULL, 0);
    add_column(t, "s", "text", NULL, 1);
    add_column(t, "emb", "vector(3)", NULL, 1);

    fmt_value nul[] = {v_int(1), v_bytes(FMT_VALUE_TEXT, "a\0b", 3), v_null()};
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(s.ops->table_begin(s.st, t) == 0);
    CHECK(s.ops->row(s.st, nul, NULL) < 0);
    CHECK_STR(errmsg(&s), "PostgreSQL text cannot contain NUL bytes");
    CHECK_STR(s.ops->error_column(s.st), "s");
    fmt_value shortvec[] = {v_int(1), v_null(), v_bytes(FMT_VALUE_BLOB, (const char *)vec3, 8)};
    CHECK(s.ops->row(s.st, shortvec, NULL) < 0);
    CHECK(contains(errmsg(&s), "vector(3) needs 12 bytes"));
    CHECK_STR(s.ops->error_column(s.st), "emb");
    end(&s, 0);

    fmt_value rows[] = {v_int(1), v_null(),      v_null(), v_int(2), v_null(),
                        v_null(), v_text("abc"), v_null(), v_null()};
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(load(&s, t, rows, 3, NULL) == -3);
    /* found at the end of the COPY: the row and column are reported, and
     * the driver adds the table and the row's place in the file */
    CHECK_STR(errmsg(&s), "invalid input syntax for type bigint: \"abc\"");
    CHECK(s.ops->error_row(s.st) == 3);
    CHECK_STR(s.ops->error_column(s.st), "id");
    end(&s, 0);
    CHECK_STR(q(c, "SELECT to_regclass('public.t')::text"), "(null)");
    fmt_table_free(t);
    drop_database(c);
}

/* An existing table whose vector has another dimension: refused before any
 * row; and a NOT NULL target column the file lacks. */
static void test_existing_incompatible(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    exec(c, "CREATE EXTENSION vector; CREATE TABLE docs (id bigint, embedding vector(768));"
            "CREATE TABLE needy (id bigint, must text NOT NULL)");
    fmt_table *t = table_new(NULL, "docs");
    add_column(t, "id", "int64", NULL, 0);
    add_column(t, "embedding", "vector(384)", NULL, 1);
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(s.ops->table_begin(s.st, t) < 0);
    CHECK_STR(errmsg(&s),
              "table \"docs\", column \"embedding\": the file has vector(384), the target has "
              "vector(768)");
    end(&s, 0);

    fmt_table *n = table_new(NULL, "needy");
    add_column(n, "id", "int64", NULL, 0);
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(s.ops->table_begin(s.st, n) < 0);
    CHECK(contains(errmsg(&s), "table \"needy\": column \"must\" of the target is NOT NULL"));
    end(&s, 0);
    fmt_table_free(t);
    fmt_table_free(n);
    drop_database(c);
}

/* Keys are added after the data: duplicates and dangling references fail
 * there, with PostgreSQL's own description of the offending key. */
static void test_keys_after_data(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_table *t = table_new(NULL, "t");
    add_column(t, "id", "int64", NULL, 0);
    set_pk(t, NULL, "id");
    fmt_value dup[] = {v_int(1), v_int(2), v_int(1)};
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, t, dup, 3, NULL)));
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) < 0);
    CHECK_STR(errmsg(&s), "table \"t\": duplicate key: Key (id)=(1) is duplicated");
    end(&s, 0);

    fmt_table *artist = table_new(NULL, "artist");
    add_column(artist, "id", "int64", NULL, 0);
    set_pk(artist, NULL, "id");
    fmt_table *album = table_new(NULL, "album");
    add_column(album, "id", "int64", NULL, 0);
    add_column(album, "artist_id", "int64", NULL, 1);
    set_pk(album, NULL, "id");
    fmt_foreign_key *fk = add_fk(album, "artist_id", "artist", "id");
    fk->on_delete = fmt_strdup("cascade");
    fk->deferrable = 1;
    fk->initially_deferred = 1;
    fmt_value artists[] = {v_int(1)};
    fmt_value albums[] = {v_int(10), v_int(1), v_int(11), v_int(999)};
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, album, albums, 2, NULL))); /* children first: no order needed */
    CHECK(ok(&s, load(&s, artist, artists, 1, NULL)));
    CHECK(s.ops->finish(s.st, NULL, 0, &s.h) < 0);
    CHECK_STR(errmsg(&s), "table \"album\": foreign key violation: Key (artist_id)=(999) is not "
                          "present in table \"artist\"");
    end(&s, 0);
    CHECK_STR(q(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
              "0");

    albums[3] = v_int(1);
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, album, albums, 2, NULL)));
    CHECK(ok(&s, load(&s, artist, artists, 1, NULL)));
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    end(&s, 1);
    CHECK_STR(q(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"),
              "FOREIGN KEY (artist_id) REFERENCES artist(id) ON DELETE CASCADE DEFERRABLE "
              "INITIALLY DEFERRED");
    fmt_table_free(t);
    fmt_table_free(artist);
    fmt_table_free(album);
    drop_database(c);
}

static void run_conflict(db_on_conflict oc, fmt_table *t, fmt_value *rows, size_t n,
                         db_table_stats *stats)
{
    session s;
    db_target_options o = options(oc);
    memset(stats, 0, sizeof *stats);
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, t, rows, n, stats)));
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    end(&s, 1);
}

static void test_on_conflict(void)
{
    PGconn *c = fresh_database();
    db_table_stats stats;
    exec(c, "CREATE TABLE kv (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text NOT"
            " NULL, note text DEFAULT 'n');"
            "INSERT INTO kv (id, v) OVERRIDING SYSTEM VALUE VALUES (1, 'a'), (2, 'b')");
    fmt_table *t = table_new(NULL, "kv");
    add_column(t, "id", "int32", NULL, 0);
    add_column(t, "v", "text", NULL, 0);
    set_pk(t, NULL, "id");
    fmt_value rows[] = {v_int(2), v_text("B"), v_int(3), v_text("C")};

    run_conflict(DB_ON_CONFLICT_SKIP, t, rows, 2, &stats);
    CHECK(stats.rows_read == 2 && stats.rows_written == 1 && stats.rows_skipped == 1);
    CHECK_STR(q(c, "SELECT string_agg(id || v || note, ',' ORDER BY id) FROM kv"), "1an,2bn,3Cn");

    rows[3] = v_text("C2");
    run_conflict(DB_ON_CONFLICT_UPDATE, t, rows, 2, &stats);
    CHECK(stats.rows_written == 2 && stats.rows_skipped == 0);
    CHECK_STR(q(c, "SELECT string_agg(id || v || note, ',' ORDER BY id) FROM kv"), "1an,2Bn,3C2n");
    const char *before = q(c, "SELECT string_agg(id || v || note, ',' ORDER BY id) FROM kv");
    char saved[256];
    snprintf(saved, sizeof saved, "%s", before);
    run_conflict(DB_ON_CONFLICT_UPDATE, t, rows, 2, &stats);
    CHECK_STR(q(c, "SELECT string_agg(id || v || note, ',' ORDER BY id) FROM kv"), saved);
    CHECK_STR(q(c, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'kv'::regclass"), "1");
    fmt_table_free(t);
    drop_database(c);
}

static void test_require_empty_and_dry_run(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    exec(c, "CREATE TABLE full_t (id bigint); INSERT INTO full_t VALUES (1);"
            "CREATE TABLE empty_t (id bigint)");
    fmt_table *full = table_new(NULL, "full_t"), *empty = table_new(NULL, "empty_t");
    fmt_table *fresh = table_new("other", "fresh");
    add_column(full, "id", "int64", NULL, 1);
    add_column(empty, "id", "int64", NULL, 1);
    add_column(fresh, "id", "int64", NULL, 1);
    fmt_value rows[] = {v_int(5)};

    o.require_empty = 1;
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, empty, rows, 1, NULL)));
    CHECK(s.ops->table_begin(s.st, full) < 0);
    CHECK_STR(errmsg(&s),
              "table \"full_t\" already exists in the target and holds rows (--require-empty)");
    end(&s, 0);
    CHECK_STR(q(c, "SELECT count(*) FROM empty_t"), "0");

    const char *sum = checksum(c);
    char before[64];
    snprintf(before, sizeof before, "%s", sum);
    o = options(DB_ON_CONFLICT_ERROR);
    o.dry_run = 1;
    db_table_stats stats;
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, full, rows, 1, &stats)));
    CHECK(stats.rows_read == 1);
    CHECK(ok(&s, load(&s, fresh, rows, 1, NULL)));
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    end(&s, 1);
    CHECK_STR(checksum(c), before);
    CHECK_STR(q(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'other'"), "0");
    fmt_table_free(full);
    fmt_table_free(empty);
    fmt_table_free(fresh);
    drop_database(c);
}

/* Rollback after everything but commit, and a backend killed mid-COPY:
 * the database is as it was. */
static void test_rollback_and_lost_connection(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    exec(c, "CREATE TABLE keep (id bigint PRIMARY KEY, s text); INSERT INTO keep VALUES (1, 'x')");
    char before[64];
    snprintf(before, sizeof before, "%s", checksum(c));

    fmt_table *keep = table_new(NULL, "keep"), *added = table_new(NULL, "added");
    add_column(keep, "id", "int64", NULL, 0);
    add_column(keep, "s", "text", NULL, 1);
    add_column(added, "id", "int64", NULL, 0);
    add_column(added, "s", "text", NULL, 1);
    fmt_value rows[] = {v_int(2), v_text("y"), v_int(3), v_text("z")};
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(ok(&s, load(&s, keep, rows, 2, NULL)));
    CHECK(ok(&s, load(&s, added, rows, 2, NULL)));
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    end(&s, 0);
    CHECK_STR(checksum(c), before);
    CHECK_STR(q(c, "SELECT to_regclass('public.added')::text"), "(null)");

    /* Enough rows that COPY data reaches the server before the kill. */
    char big[4096];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    fmt_value row[] = {v_int(0), v_text(big)};
    int failed = 0;
    CHECK(ok(&s, start(&s, &o, "sqlite")));
    CHECK(s.ops->table_begin(s.st, added) == 0);
    for (int i = 0; i < 100 && !failed; i++) {
        row[0] = v_int(i);
        failed = s.ops->row(s.st, row, NULL) < 0;
    }
    {
        /* only this test's import: other tests import into the same cluster */
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                 " WHERE application_name = 'dbimport' AND datname = '%s'",
                 dbname);
        CHECK_STR(q(admin, sql), "1");
    }
    nanosleep(&(struct timespec){0, 200000000}, NULL);
    for (int i = 100; i < 2000 && !failed; i++) {
        row[0] = v_int(i);
        failed = s.ops->row(s.st, row, NULL) < 0;
    }
    if (!failed)
        failed = s.ops->table_end(s.st, NULL) < 0;
    CHECK(failed);
    CHECK(contains(errmsg(&s), "connection to the server was lost during COPY into \"added\""));
    end(&s, 0);
    CHECK_STR(checksum(c), before);
    CHECK_STR(q(c, "SELECT to_regclass('public.added')::text"), "(null)");
    fmt_table_free(keep);
    fmt_table_free(added);
    drop_database(c);
}

/* From PostgreSQL: native types, a schema, an enum, serial with its
 * sequence, a generated column, a partitioned table, checks. */
/* Long because it is one file from PostgreSQL and the checks of each object it carries. */
static void test_from_postgresql(void)
{
    PGconn *c = fresh_database();
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    fmt_user_type mood = {0};
    mood.kind = FMT_USER_TYPE_ENUM;
    mood.namespace = "app";
    mood.name = "mood";
    char *labels[] = {"sad", "ok", "happy"};
    mood.labels = labels;
    mood.nlabels = 3;
    char *exts[] = {"vector"};

    fmt_table *t = table_new("app", "person");
    fmt_column *id = add_column(t, "id", "int32", "integer", 0);
    id->identity = FMT_IDENTITY_SERIAL;
    id->default_sql = fmt_strdup("nextval('app.person_id_seq'::regclass)");
    id->has_last_value = 1;
    id->last_value = 50;
    add_column(t, "m", "native", "mood", 1);
    fmt_column *twice = add_column(t, "twice", "int32", "integer", 1);
    twice->generated_sql = fmt_strdup("id * 2");
    twice->generated_stored = 1;
    add_column(t, "e", "vector(2)", "vector(2)", 1);
    set_pk(t, "person_pk", "id");
    t->checks = calloc(1, sizeof *t->checks);
    t->checks[0].name = fmt_strdup("id_positive");
    t->checks[0].expression = fmt_strdup("id > 0");
    t->nchecks = 1;

    fmt_table *p = table_new(NULL, "events");
    add_column(p, "at", "date", "date", 0);
    add_column(p, "n", "int64", "bigint", 1);
    p->partitioning = calloc(1, sizeof *p->partitioning);
    p->partitioning->strategy = fmt_strdup("range");
    p->partitioning->key = fmt_strdup("at");
    p->partitioning->partitions = calloc(2, sizeof *p->partitioning->partitions);
    p->partitioning->partitions[0].name = fmt_strdup("events_2023");
    p->partitioning->partitions[0].bound =
        fmt_strdup("FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
    p->partitioning->partitions[1].name = fmt_strdup("events_other");
    p->partitioning->partitions[1].bound = fmt_strdup("DEFAULT");
    p->partitioning->npartitions = 2;

    static const unsigned char v2[] = {0, 0, 0x80, 0x3f, 0, 0, 0, 0x40};
    fmt_value people[] = {
        v_int(1), v_text("happy"), v_null(), v_bytes(FMT_VALUE_BLOB, (const char *)v2, 8),
        v_int(2), v_text("sad"),   v_null(), v_null()};
    unsigned char present[] = {1, 1, 0, 1};
    fmt_value events[] = {v_text("2023-05-01"), v_int(1), v_text("2030-01-01"), v_int(2)};

    memset(&s, 0, sizeof s);
    s.ops = db_target_pg();
    s.h.source_backend = "postgresql";
    s.h.user_types = &mood;
    s.h.nuser_types = 1;
    s.h.extensions = exts;
    s.h.nextensions = 1;
    CHECK(ok(&s, s.ops->open(&s.st, conninfo, &o)));
    CHECK(ok(&s, s.ops->begin(s.st, &s.h)));
    CHECK(ok(&s, s.ops->table_begin(s.st, t)));
    CHECK(ok(&s, s.ops->row(s.st, people, present)));
    CHECK(ok(&s, s.ops->row(s.st, people + 4, present)));
    CHECK(ok(&s, s.ops->table_end(s.st, NULL)));
    CHECK(ok(&s, load(&s, p, events, 2, NULL)));
    CHECK(ok(&s, s.ops->finish(s.st, NULL, 0, &s.h)));
    end(&s, 1);

    CHECK_STR(q(c, "SELECT string_agg(id || ':' || m || ':' || twice || ':' || coalesce(e::text,"
                   " '-'), ',' ORDER BY id) FROM app.person"),
              "1:happy:2:[1,2],2:sad:4:-");
    CHECK_STR(q(c, "SELECT pg_get_serial_sequence('app.person', 'id')"), "app.person_id_seq");
    CHECK_STR(q(c, "INSERT INTO app.person (id, m) VALUES (DEFAULT, 'ok') RETURNING id"), "51");
    CHECK_STR(q(c, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint"
                   " WHERE conrelid = 'app.person'::regclass"),
              "id_positive,person_pk");
    CHECK_STR(q(c, "SELECT string_agg(tableoid::regclass::text || '=' || n, ',' ORDER BY n)"
                   " FROM events"),
              "events_2023=1,events_other=2");

    /* Again into the same database: the enum must match. */
    labels[2] = "glad";
    fmt_table *empty = table_new("app", "nothing");
    add_column(empty, "x", "int32", "integer", 1);
    CHECK(start(&s, &o, "postgresql") == 0);
    s.ops->close(s.st);
    memset(&s, 0, sizeof s);
    s.ops = db_target_pg();
    s.h.source_backend = "postgresql";
    s.h.user_types = &mood;
    s.h.nuser_types = 1;
    CHECK(ok(&s, s.ops->open(&s.st, conninfo, &o)));
    CHECK(s.ops->begin(s.st, &s.h) < 0);
    CHECK_STR(errmsg(&s),
              "type \"app.mood\": the target's enum has the labels (sad, ok, happy), the file's "
              "(sad, ok, glad)");
    end(&s, 0);

    char *bogus[] = {"no_such_extension"};
    memset(&s, 0, sizeof s);
    s.ops = db_target_pg();
    s.h.source_backend = "postgresql";
    s.h.extensions = bogus;
    s.h.nextensions = 1;
    CHECK(ok(&s, s.ops->open(&s.st, conninfo, &o)));
    /* A listed extension is never created for being listed (docs/SECURITY.md). */
    CHECK(ok(&s, s.ops->begin(s.st, &s.h)));
    CHECK(has_warning(&s, "extension \"no_such_extension\" listed by the file is not created"));
    end(&s, 0);
    /* One the user allows is, and a server without it refuses the import. */
    const char *allowed[] = {"no_such_extension", NULL};
    db_target_options with = o;
    with.extensions = allowed;
    memset(&s, 0, sizeof s);
    s.ops = db_target_pg();
    s.h.source_backend = "postgresql";
    CHECK(ok(&s, s.ops->open(&s.st, conninfo, &with)));
    CHECK(s.ops->begin(s.st, &s.h) < 0);
    CHECK_STR(errmsg(&s), "the target server has no \"no_such_extension\" extension");
    end(&s, 0);

    fmt_table_free(t);
    fmt_table_free(p);
    fmt_table_free(empty);
    drop_database(c);
}

static void test_connect_failure(void)
{
    session s;
    db_target_options o = options(DB_ON_CONFLICT_ERROR);
    memset(&s, 0, sizeof s);
    s.ops = db_target_pg();
    CHECK(s.ops->open(&s.st, "postgresql://u:secret@/no_such_db_xyz", &o) < 0);
    CHECK(contains(errmsg(&s), "cannot connect to \"postgresql://u:****@/no_such_db_xyz\""));
    CHECK(strstr(errmsg(&s), "secret") == NULL);
    s.ops->close(s.st);
}

int main(void)
{
    if (!getenv("PGHOST") && !getenv("DB_TEST_PG")) {
        const char *ci = getenv("CI");
        printf("SKIP: no PostgreSQL (set DB_TEST_PG=1; tools/test.sh starts one)\n");
        return ci && strcmp(ci, "true") == 0 ? 1 : 77;
    }
    admin = connect_to("postgres");
    test_types_from_sqlite();
    test_row_errors();
    test_existing_incompatible();
    test_keys_after_data();
    test_on_conflict();
    test_require_empty_and_dry_run();
    test_rollback_and_lost_connection();
    test_from_postgresql();
    test_connect_failure();
    PQfinish(admin);
    return check_report();
}
