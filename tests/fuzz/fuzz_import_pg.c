/* Fuzz harness for the whole import path into PostgreSQL: the input is
 * written to a file and imported by db_import, as dbimport would, into a
 * database of its own on the server in PGHOST/PGPORT/PGUSER (the test
 * cluster of tools/pg-test-cluster.sh). Any input must end in success or a
 * clean failure, never a crash, a leak or a hang, and:
 *   - a failed import or a dry run leaves the server exactly as it was:
 *     schemas, relations, types, functions, extensions, roles (the
 *     snapshot below, taken before the first input);
 *   - an --untrusted import leaves no view, trigger, rule or policy;
 *   - what a successful import made is dropped after it, and the server is
 *     then again as it was (nothing escaped the database's schemas: a role,
 *     a function in pg_catalog).
 * Without a server the replay skips (exit 77), or fails under CI=true.
 *
 * The first byte chooses the options, as in fuzz_import_sqlite.c:
 *   bits 0-1 --on-invalid, bit 2 --untrusted, bits 3-4 --on-conflict,
 *   bit 5 a second import of the same input with --data-only after a
 *   successful one, bit 6 --dry-run, bit 7 --schema-only (not with bit 5).
 * Each input costs a few round trips and a transaction: about 50 inputs a
 * second. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cli.h"
#include "import.h"
#include "import_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char directory[64], input_path[96], database[64], locator[96];
static PGconn *admin, *probe;
static char *baseline;

/* Everything an import must not leave behind when it fails, and must not
 * touch outside its database's own schemas when it succeeds. */
static const char snapshot_sql[] =
    "SELECT coalesce(string_agg(x, E'\\n' ORDER BY x), '') FROM ("
    " SELECT 'namespace ' || nspname FROM pg_catalog.pg_namespace"
    "  WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
    " UNION ALL SELECT 'class ' || c.oid::pg_catalog.regclass::text || ' ' || c.relkind::text"
    "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"
    " UNION ALL SELECT 'type ' || t.oid::pg_catalog.regtype::text FROM pg_catalog.pg_type t"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    "  WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"
    " UNION ALL SELECT 'function ' || p.oid::pg_catalog.regprocedure::text"
    "  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname <> 'information_schema'"
    "  AND p.oid >= 16384"
    " UNION ALL SELECT 'extension ' || extname FROM pg_catalog.pg_extension"
    " UNION ALL SELECT 'role ' || rolname FROM pg_catalog.pg_roles"
    " UNION ALL SELECT 'trigger ' || tgname FROM pg_catalog.pg_trigger WHERE NOT tgisinternal"
    " UNION ALL SELECT 'policy ' || polname FROM pg_catalog.pg_policy"
    " UNION ALL SELECT 'rule ' || rulename FROM pg_catalog.pg_rules"
    "  WHERE schemaname NOT LIKE 'pg\\_%') s(x)";

static char *query_text(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    char *out = NULL;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        out = strdup(PQgetvalue(res, 0, 0));
    else
        fprintf(stderr, "fuzz_import_pg: a check failed: %s", PQerrorMessage(conn));
    PQclear(res);
    return out;
}

static void run(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "fuzz_import_pg: %s: %s", sql, PQerrorMessage(conn));
        abort(); /* the harness, not the input */
    }
    PQclear(res);
}

static void finish(void)
{
    char sql[128];
    if (probe)
        PQfinish(probe);
    if (admin) {
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", database);
        PGresult *res = PQexec(admin, sql);
        PQclear(res);
        PQfinish(admin);
    }
    free(baseline);
    unlink(input_path);
    if (directory[0])
        rmdir(directory);
}

static void no_server(const char *why)
{
    const char *ci = getenv("CI");
    fprintf(stderr, "%s: no PostgreSQL server (%s); tools/test.sh starts one\n",
            ci && strcmp(ci, "true") == 0 ? "FAIL" : "SKIP", why);
    exit(ci && strcmp(ci, "true") == 0 ? 1 : 77);
}

/* The database, the connection that checks it, and the snapshot. */
static void set_up(void)
{
    char sql[160], conninfo[96];
    const char *tmp = getenv("TMPDIR");
    snprintf(directory, sizeof directory, "%s/dbfuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(directory))
        abort();
    snprintf(input_path, sizeof input_path, "%s/input", directory);
    snprintf(database, sizeof database, "dbfuzz_%ld", (long)getpid());
    snprintf(locator, sizeof locator, "dbname=%s", database);
    cli_set_program("dbimport");
    atexit(finish);
    admin = PQconnectdb("dbname=postgres");
    if (PQstatus(admin) != CONNECTION_OK)
        no_server(PQerrorMessage(admin));
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", database);
    run(admin, "SET client_min_messages = warning");
    run(admin, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0", database);
    run(admin, sql);
    snprintf(conninfo, sizeof conninfo, "dbname=%s", database);
    probe = PQconnectdb(conninfo);
    if (PQstatus(probe) != CONNECTION_OK)
        no_server(PQerrorMessage(probe));
    run(probe, "SET client_min_messages = warning");
    if (!(baseline = query_text(probe, snapshot_sql)))
        abort();
}

static void check_unchanged(const char *when)
{
    char *now = query_text(probe, snapshot_sql);
    if (!now || strcmp(now, baseline) != 0) {
        fprintf(stderr, "fuzz_import_pg: %s, the server changed:\n--- before\n%s\n--- after\n%s\n",
                when, baseline, now ? now : "(no snapshot)");
        abort();
    }
    free(now);
}

static void check_untrusted(void)
{
    char *n = query_text(probe, "SELECT (SELECT count(*) FROM pg_catalog.pg_views"
                                " WHERE schemaname NOT LIKE 'pg\\_%'"
                                " AND schemaname <> 'information_schema')"
                                " + (SELECT count(*) FROM pg_catalog.pg_trigger"
                                " WHERE NOT tgisinternal)"
                                " + (SELECT count(*) FROM pg_catalog.pg_policy)");
    if (!n || strcmp(n, "0") != 0) {
        fprintf(stderr, "fuzz_import_pg: --untrusted left %s views, triggers or policies\n",
                n ? n : "?");
        abort();
    }
    free(n);
}

/* Drops what a successful import made: every schema but the system ones
 * (public again, empty) and every extension but plpgsql. */
static void clean(void)
{
    run(probe, "DO $$DECLARE r record; BEGIN"
               " FOR r IN SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'"
               " LOOP EXECUTE format('DROP EXTENSION %I CASCADE', r.extname); END LOOP;"
               " FOR r IN SELECT nspname FROM pg_catalog.pg_namespace"
               " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
               " LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP;"
               " CREATE SCHEMA public; END$$");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    db_import_options opts;
    if (size < 1)
        return 0;
    if (!admin)
        set_up();
    FILE *f = fopen(input_path, "wb");
    if (!f || (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) || fclose(f) != 0)
        abort(); /* the machine, not the input */
    fuzz_import_options(&opts, data[0], locator, input_path);
    int rc = db_import(&opts);
    if (rc < 0 || opts.target_options.dry_run) {
        check_unchanged(rc < 0 ? "after a failed import" : "after a dry run");
        return 0;
    }
    if (opts.target_options.untrusted)
        check_untrusted();
    if ((data[0] >> 5) & 1) {
        opts.target_options.data_only = 1;
        db_import(&opts); /* a failure rolls back to what the first made */
    }
    clean();
    check_unchanged("after a successful import was dropped");
    return 0;
}
