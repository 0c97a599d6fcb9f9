/* The PostgreSQL target's checks of names and SQL text from a file
 * (importer/postgres/pg_guard.c): every hostile form the threat model in
 * docs/SECURITY.md names, and the forms real exports carry. No server. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pg_guard.h"

static int ok(int rc)
{
    return rc == 0;
}

static char why[256];

static void test_names(void)
{
    CHECK(ok(pg_guard_name("users", why, sizeof why)));
    CHECK(ok(pg_guard_name("a name with \"quotes\" and spaces", why, sizeof why)));
    char long_name[80];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    CHECK(!ok(pg_guard_name(long_name, why, sizeof why)));
    CHECK(strstr(why, "79 bytes") != NULL);
    long_name[63] = '\0';
    CHECK(ok(pg_guard_name(long_name, why, sizeof why)));
    CHECK(!ok(pg_guard_name("", why, sizeof why)));
    CHECK(ok(pg_guard_schema(NULL, why, sizeof why)));
    CHECK(ok(pg_guard_schema("sales", why, sizeof why)));
    CHECK(!ok(pg_guard_schema("pg_catalog", why, sizeof why)));
    CHECK(!ok(pg_guard_schema("pg_toast", why, sizeof why)));
    CHECK(!ok(pg_guard_schema("information_schema", why, sizeof why)));
    CHECK(!ok(pg_guard_schema("pg_temp_3", why, sizeof why)));
}

static void test_types(void)
{
    const char *good[] = {"integer",
                          "text",
                          "public.mood",
                          "\"Sales\".\"My Type\"[]",
                          "character varying(20)",
                          "numeric(10,2)",
                          "double precision[]",
                          "timestamp(3) with time zone",
                          "time without time zone",
                          "interval year to month",
                          "bit varying(5)",
                          "public.vector(384)",
                          "integer[][]",
                          "integer[3]",
                          NULL};
    for (int i = 0; good[i]; i++) {
        int r = pg_guard_type(good[i], why, sizeof why);
        if (r)
            fprintf(stderr, "refused %s: %s\n", good[i], why);
        CHECK(r == 0);
    }
    const char *bad[] = {"text DEFAULT pg_read_file('/etc/passwd')",
                         "integer); CREATE ROLE pwn SUPERUSER; --",
                         "text COLLATE \"C\"",
                         "int, evil text",
                         "integer CHECK (false)",
                         "text NOT NULL",
                         "varchar(pg_backend_pid())",
                         "integer[(1)]",
                         "double evil",
                         "'text'",
                         "",
                         "a.b.c",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        int r = pg_guard_type(bad[i], why, sizeof why);
        if (r == 0)
            fprintf(stderr, "accepted %s\n", bad[i]);
        CHECK(r < 0);
    }
    /* plain names, quoted by the target: any text is only a name */
    CHECK(ok(pg_guard_collation("C", NULL, why, sizeof why)));
    CHECK(ok(pg_guard_collation("de-x-icu", "pg_catalog", why, sizeof why)));
    CHECK(ok(pg_guard_collation("case insens", "My Schema", why, sizeof why)));
    CHECK(ok(pg_guard_collation("C\", evil int", NULL, why, sizeof why)));
    CHECK(!ok(pg_guard_collation("", NULL, why, sizeof why)));
    CHECK(!ok(pg_guard_collation("C", "", why, sizeof why)));
    /* PostgreSQL would cut a longer name to 63 bytes: maybe another's */
    CHECK(!ok(pg_guard_collation("c234567890123456789012345678901234567890123456789012345678901234",
                                 NULL, why, sizeof why)));
}

static void test_expressions(void)
{
    CHECK(ok(pg_guard_expression("nextval('public.users_id_seq'::regclass)", why, sizeof why)));
    CHECK(ok(pg_guard_expression("(score > 0)", why, sizeof why)));
    CHECK(!ok(pg_guard_expression("true) NOT VALID, CHECK (false", why, sizeof why)));
    CHECK(!ok(pg_guard_expression("1; DROP TABLE users", why, sizeof why)));
    CHECK(ok(pg_guard_partition_bound("FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')", why,
                                      sizeof why)));
    CHECK(ok(pg_guard_partition_bound("FOR VALUES IN ('a', 'b')", why, sizeof why)));
    CHECK(
        ok(pg_guard_partition_bound("FOR VALUES WITH (modulus 4, remainder 0)", why, sizeof why)));
    CHECK(ok(pg_guard_partition_bound("DEFAULT", why, sizeof why)));
    CHECK(!ok(pg_guard_partition_bound("FOR VALUES IN (1)) ; SELECT (1", why, sizeof why)));
    CHECK(!ok(pg_guard_partition_bound("FOR VALUES IN (1) TABLESPACE x", why, sizeof why)));
    CHECK(!ok(pg_guard_partition_bound("DEFAULT; DROP TABLE t", why, sizeof why)));

    /* the items the server resolves in a probe, in their own text */
    struct {
        const char *bound, *items;
    } cases[] = {
        {"FOR VALUES IN ('a', 'b')", "('a') AS b0, ('b') AS b1"},
        {"FOR VALUES FROM (MINVALUE, 0) TO ('2020-01-01'::date, maxvalue)",
         "(NULL) AS b0, (0) AS b1, ('2020-01-01'::date) AS b2, (NULL) AS b3"},
        {"FOR VALUES IN ((f(1, 2) || 'x'), $$a,b$$)", "((f(1, 2) || 'x')) AS b0, ($$a,b$$) AS b1"},
        {"FOR VALUES FROM ((1 + 1) * 5) TO (minvalue - 1)",
         "((1 + 1) * 5) AS b0, (minvalue - 1) AS b1"},
        {"FOR VALUES WITH (modulus 4, remainder 0)", ""},
        {"DEFAULT", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *items = pg_guard_bound_items(cases[i].bound);
        CHECK_STR(items, cases[i].items);
        free(items);
    }
}

static void test_objects(void)
{
    CHECK(ok(pg_guard_view("CREATE VIEW public.v_users AS SELECT users.id FROM public.users", NULL,
                           "v_users", why, sizeof why)));
    CHECK(ok(pg_guard_view("CREATE VIEW \"Sales\".\"v 1\" AS SELECT 1", "Sales", "v 1", why,
                           sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE OR REPLACE VIEW public.app_view AS SELECT 666", NULL,
                            "app_view", why, sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE TABLE public.pwn AS SELECT 1", NULL, "pwn", why, sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE ROLE pwn SUPERUSER", NULL, "pwn", why, sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE MATERIALIZED VIEW public.m AS SELECT pg_read_file('x')", NULL,
                            "m", why, sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE VIEW app.v AS SELECT 1", NULL, "v", why, sizeof why)));
    CHECK(!ok(pg_guard_view("CREATE TEMP VIEW v AS SELECT 1", NULL, "v", why, sizeof why)));

    const char *trg = "CREATE TRIGGER t_users BEFORE INSERT OR UPDATE OF email ON public.users "
                      "FOR EACH ROW EXECUTE FUNCTION public.trg_f()";
    CHECK(ok(pg_guard_trigger(trg, "t_users", NULL, "users", why, sizeof why)));
    CHECK(!ok(pg_guard_trigger(trg, "t_users", NULL, "app_accounts", why, sizeof why)));
    CHECK(!ok(pg_guard_trigger(trg, "other", NULL, "users", why, sizeof why)));
    CHECK(!ok(pg_guard_trigger("CREATE OR REPLACE TRIGGER t_users BEFORE INSERT ON public.users "
                               "FOR EACH ROW EXECUTE FUNCTION f()",
                               "t_users", NULL, "users", why, sizeof why)));

    CHECK(ok(pg_guard_index("CREATE INDEX users_lower ON public.users USING btree (lower(email))",
                            "users_lower", NULL, "users", why, sizeof why)));
    CHECK(ok(pg_guard_index("CREATE UNIQUE INDEX u ON ONLY \"S\".\"T\" USING btree (a)", "u", "S",
                            "T", why, sizeof why)));
    CHECK(!ok(pg_guard_index("CREATE INDEX u ON public.app_accounts USING btree (a)", "u", NULL,
                             "users", why, sizeof why)));

    CHECK_STR(pg_guard_extension_for_type("public.citext"), "citext");
    CHECK_STR(pg_guard_extension_for_type("ltree[]"), "ltree");
    CHECK_STR(pg_guard_extension_for_type("extensions.vector(3)"), "vector");
    CHECK(pg_guard_extension_for_type("integer") == NULL);
}

static void test_table_walk(void)
{
    fmt_column cols[2] = {{.name = "id", .native_type = "integer"},
                          {.name = "name", .native_type = "text", .default_sql = "'n'::text"}};
    fmt_check check = {.name = "c1", .expression = "(id > 0)"};
    fmt_index_part part = {.expression = "lower(name)"};
    fmt_index ix = {.name = "t_lower",
                    .parts = &part,
                    .nparts = 1,
                    .sql = "CREATE INDEX t_lower ON app.t USING btree (lower(name))"};
    fmt_table t = {.name = "t",
                   .namespace = "app",
                   .columns = cols,
                   .ncolumns = 2,
                   .checks = &check,
                   .nchecks = 1,
                   .indexes = &ix,
                   .nindexes = 1};
    CHECK(ok(pg_guard_table(&t, 1, why, sizeof why)));

    cols[1].native_type = "text DEFAULT pg_read_file('/etc/passwd')";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "column \"name\": native_type") != NULL);
    cols[1].native_type = "text";
    cols[1].default_sql = "'n' CHECK (false)"; /* one expression: pasted in parentheses */
    CHECK(ok(pg_guard_table(&t, 1, why, sizeof why)));
    cols[1].default_sql = "'n') CHECK (false";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "column \"name\": default") != NULL);
    cols[1].default_sql = NULL;
    ix.sql = "CREATE INDEX t_lower ON public.app_accounts USING btree (lower(email))";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "index \"t_lower\": sql") != NULL);
    /* Another backend's statement is never run, so it is not read. */
    CHECK(ok(pg_guard_table(&t, 0, why, sizeof why)));
    ix.sql = NULL;
    check.expression = "true) NOT VALID, CHECK (false";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "check \"c1\": expression") != NULL);
    check.expression = "(id > 0)";
    t.namespace = "pg_catalog";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "system schema") != NULL);

    fmt_user_type d = {.kind = FMT_USER_TYPE_DOMAIN, .name = "posint", .base_type = "integer"};
    fmt_header h = {.user_types = &d, .nuser_types = 1};
    CHECK(ok(pg_guard_header(&h, why, sizeof why)));
    d.base_type = "text DEFAULT pg_read_file('/etc/hostname')";
    CHECK(!ok(pg_guard_header(&h, why, sizeof why)));
    CHECK(strstr(why, "domain \"posint\": base_type") != NULL);
}

/* fn_ok(SQL, LANGUAGE, KIND): the entry "f" in public passes; *atomic set. */
static int fn_check(const char *sql, const char *language, const char *kind, int *atomic)
{
    fmt_function f = {.name = "f",
                      .kind = (char *)kind,
                      .language = (char *)language,
                      .arguments = "",
                      .sql = (char *)sql};
    pg_guard_routine g;
    int rc = pg_guard_function(&f, &g, why, sizeof why);
    if (rc == 0 && atomic)
        *atomic = g.atomic;
    if (rc == 0 && strncmp(g.statement, "CREATE FUNCTION", 15) != 0 &&
        strncmp(g.statement, "CREATE PROCEDURE", 16) != 0)
        rc = -2; /* OR REPLACE must be gone */
    free(g.statement);
    return rc;
}

static void test_functions(void)
{
    int atomic = -1;
    CHECK(fn_check("CREATE OR REPLACE FUNCTION public.f(a integer)\n RETURNS integer\n LANGUAGE "
                   "sql\n IMMUTABLE\nAS $function$SELECT a; SELECT a + 1$function$",
                   "sql", "function", &atomic) == 0 &&
          atomic == 0);
    CHECK(fn_check("CREATE OR REPLACE FUNCTION public.f(x integer)\n RETURNS integer\n LANGUAGE "
                   "sql\n IMMUTABLE\nRETURN (x * 2)",
                   "sql", "function", &atomic) == 0 &&
          atomic == 1);
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT "
                   "count(*) FROM t; UPDATE t SET x = 1; END",
                   "sql", "function", &atomic) == 0 &&
          atomic == 1);
    CHECK(fn_check("CREATE PROCEDURE public.f(IN n integer) LANGUAGE 'plpgsql' SET search_path = "
                   "app AS $$BEGIN NULL; END$$",
                   "plpgsql", "procedure", NULL) == 0);
    /* refused */
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS "
                   "$$SELECT 1$$",
                   "sql", "function", NULL) == -1 &&
          strstr(why, "SECURITY DEFINER"));
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$SELECT 1$$; DROP "
                   "TABLE t",
                   "sql", "function", NULL) == -1 &&
          strstr(why, "second statement"));
    CHECK(fn_check("CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS $$SELECT 1$$", "sql",
                   "function", NULL) == -1);
    CHECK(fn_check("CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS $$SELECT 1$$", "sql",
                   "function", NULL) == -1);
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 1; "
                   "END$$",
                   "sql", "function", NULL) == -1 &&
          strstr(why, "LANGUAGE"));
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql LANGUAGE c AS 'x'", "sql",
                   "function", NULL) == -1);
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int AS $$SELECT 1$$", "sql", "function",
                   NULL) == -1 &&
          strstr(why, "no LANGUAGE"));
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SET role = x AS $$SELECT "
                   "1$$",
                   "sql", "function", NULL) == -1 &&
          strstr(why, "SET other than search_path"));
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SUPPORT public.s AS "
                   "$$SELECT 1$$",
                   "sql", "function", NULL) == -1);
    CHECK(fn_check("CREATE PROCEDURE public.f() LANGUAGE sql AS $$SELECT 1$$", "sql", "function",
                   NULL) == -1);
    CHECK(fn_check("CREATE OR REPLACE VIEW public.f AS SELECT 1", "sql", "function", NULL) == -1);
    CHECK(fn_check("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$SELECT 1", "sql",
                   "function", NULL) == -1);
}

/* (1.3) An exclusion constraint's operator, names and expressions; INCLUDE
 * columns, an identity's sequence name, a sequence's OWNED BY. */
static void test_constraints_1_3(void)
{
    CHECK(ok(pg_guard_operator("&&", why, sizeof why)));
    CHECK(ok(pg_guard_operator("=", why, sizeof why)));
    CHECK(ok(pg_guard_operator("<->", why, sizeof why)));
    CHECK(!ok(pg_guard_operator("", why, sizeof why)));
    CHECK(!ok(pg_guard_operator(NULL, why, sizeof why)));
    CHECK(!ok(pg_guard_operator("=) WHERE (true", why, sizeof why)));
    CHECK(strstr(why, "is not an operator name") != NULL);
    CHECK(!ok(pg_guard_operator("= ", why, sizeof why)));
    CHECK(!ok(pg_guard_operator("public.=", why, sizeof why)));
}

/* The extensions a file's list alone makes an import create. */
/* A materialized view's query (1.3): one query, pasted in parentheses. */
static void test_query(void)
{
    CHECK(ok(pg_guard_query("SELECT 1 AS one", why, sizeof why)));
    CHECK(ok(pg_guard_query(" WITH x AS (SELECT 1) SELECT * FROM x", why, sizeof why)));
    CHECK(ok(pg_guard_query("VALUES (1), (2)", why, sizeof why)));
    CHECK(ok(pg_guard_query("select a.b from \"S\".t a where a.c = ')'", why, sizeof why)));
    CHECK(!ok(pg_guard_query("SELECT 1) WITH DATA; CREATE ROLE pwn; --", why, sizeof why)));
    CHECK(!ok(pg_guard_query("SELECT 1; DROP TABLE t", why, sizeof why)));
    CHECK(!ok(pg_guard_query("DELETE FROM t RETURNING *", why, sizeof why)));
    CHECK(strstr(why, "not a query") != NULL);
    CHECK(!ok(pg_guard_query("(SELECT 1", why, sizeof why)));
    CHECK(!ok(pg_guard_query("", why, sizeof why)));
    CHECK(!ok(pg_guard_query(NULL, why, sizeof why)));
}

static void test_harmless_extensions(void)
{
    CHECK(pg_guard_is_harmless_extension("btree_gist") &&
          pg_guard_is_harmless_extension("pg_trgm"));
    CHECK(pg_guard_is_harmless_extension("citext") && pg_guard_is_harmless_extension("vector"));
    const char *never[] = {"adminpack", "lo",        "dblink",       "file_fdw",   "plperlu",
                           "tablefunc", "plpythonu", "postgres_fdw", "Btree_gist", NULL};
    for (const char **e = never; *e; e++)
        CHECK(!pg_guard_is_harmless_extension(*e));
    CHECK(!pg_guard_is_harmless_extension(NULL));
    size_t n = 0;
    while (pg_guard_harmless_extension(n))
        CHECK(pg_guard_is_harmless_extension(pg_guard_harmless_extension(n++)));
    CHECK(n >= 10);
    /* every extension a column type needs is on it */
    const char *types[] = {"vector", "citext", "hstore", "ltree", "cube",
                           "seg",    "isbn",   "earth",  NULL};
    for (const char **t = types; *t; t++)
        CHECK(pg_guard_is_harmless_extension(pg_guard_extension_for_type(*t)));
}

/* An exclusion constraint's parts, INCLUDE, sequence names, OWNED BY, in
 * the table and header walks. */
static void test_table_1_3(void)
{
    fmt_column cols[2] = {{.name = "id", .native_type = "integer"},
                          {.name = "during", .native_type = "tsrange"}};
    fmt_exclusion_element el[2] = {
        {.column = "during", .operator= "&&", .operator_namespace = "pg_catalog"},
        {.expression = "int4range(id, id, '[]')", .operator= "&&" } };
    fmt_exclusion x = {.name = "no overlap",
                       .method = "gist",
                       .elements = el,
                       .nelements = 2,
                       .where = "(id > 0)"};
    fmt_table t = {.name = "t", .columns = cols, .ncolumns = 2, .exclusions = &x, .nexclusions = 1};
    CHECK(ok(pg_guard_table(&t, 1, why, sizeof why)));
    el[1].expression = "id) WITH =, (pg_read_file('/etc/hostname')";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "exclusion constraint \"no overlap\": expression") != NULL);
    el[1].expression = "id";
    x.where = "true) DEFERRABLE, EXCLUDE (id WITH =";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "exclusion constraint \"no overlap\": where") != NULL);
    x.where = NULL;
    el[0].operator= "&&) WHERE (false";
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    el[0].operator= "&&";
    char long_name[70];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    x.method = long_name;
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "exclusion constraint \"no overlap\"") != NULL);
    x.method = "gist";
    el[0].opclass = long_name;
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    el[0].opclass = NULL;

    char *include[] = {long_name};
    fmt_key pk = {.columns = include, .ncolumns = 0, .include = include, .ninclude = 1};
    t.primary_key = &pk;
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "primary key") != NULL);
    t.primary_key = NULL;
    fmt_sequence seq = {.name = long_name};
    cols[0].sequence = &seq;
    CHECK(!ok(pg_guard_table(&t, 1, why, sizeof why)));
    CHECK(strstr(why, "column \"id\": sequence") != NULL);
    cols[0].sequence = NULL;
    CHECK(ok(pg_guard_table(&t, 1, why, sizeof why)));

    fmt_sequence owned = {.name = "s", .owned_by_table = "t", .owned_by_column = long_name};
    fmt_header h = {.sequences = &owned, .nsequences = 1};
    CHECK(!ok(pg_guard_header(&h, why, sizeof why)));
    CHECK(strstr(why, "sequence \"s\": owned_by") != NULL);
    owned.owned_by_column = "id";
    CHECK(ok(pg_guard_header(&h, why, sizeof why)));
}

int main(void)
{
    test_constraints_1_3();
    test_harmless_extensions();
    test_query();
    test_table_1_3();
    test_functions();
    test_table_walk();
    test_names();
    test_types();
    test_expressions();
    test_objects();
    return check_report();
}
