/* tools/backend: the shared backend layer (no database needed): the error
 * handle and the ops slots that read it, the buffer, selection, order and the SQL tokenizer's
 * checks. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "ops.h"
#include "order.h"
#include "select.h"
#include "sqlbuf.h"
#include "sqltok.h"

static void test_diag(void)
{
    db_diag d = {0};
    CHECK_STR(db_errmsg(&d), "no error");
    CHECK(db_error(&d, "table \"%s\", row %d", "t", 3) == -1);
    CHECK_STR(db_errmsg(&d), "table \"t\", row 3");
    char *kept = db_error_take(&d);
    CHECK_STR(db_errmsg(&d), "no error");
    db_error_restore(&d, kept);
    CHECK_STR(db_errmsg(&d), "table \"t\", row 3");
    CHECK(db_warn(&d, "w%d", 1) == 0);
    CHECK(db_warn(&d, "w%d", 2) == 0);
    char **lines;
    size_t n;
    db_diag_warnings(&d, &lines, &n);
    CHECK(n == 2);
    CHECK_STR(lines[1], "w2");
    db_diag_free(&d);
    CHECK(d.nwarnings == 0 && !d.message);
}

/* Running out of memory after an error keeps that error as the message. */
static void test_diag_oom(void)
{
    db_diag d = {0};
    CHECK(db_oom(&d) == -1);
    CHECK(d.oom);
    CHECK_STR(db_errmsg(&d), "out of memory");
    db_diag_free(&d);

    db_error(&d, "table \"%s\": bad value", "t");
    d.oom = 1; /* as db_warn leaves it when it cannot grow the list */
    CHECK(db_oom(&d) == -1);
    CHECK(d.oom);
    CHECK_STR(db_errmsg(&d), "table \"t\": bad value");
    db_diag_free(&d);
}

/* A backend's state as ops.h wants it: its db_diag first. */
typedef struct {
    db_diag diag;
    int other;
} fake_backend;
DB_OPS_DIAG_FIRST(fake_backend);

static void test_ops(void)
{
    fake_backend b = {.other = 7};
    char **lines = NULL;
    size_t n = 9;
    CHECK_STR(db_ops_errmsg(NULL), "out of memory");
    CHECK_STR(db_ops_errmsg(&b), "no error");
    db_error(&b.diag, "table \"%s\": bad", "t");
    db_warn(&b.diag, "careful");
    CHECK_STR(db_ops_errmsg(&b), "table \"t\": bad");
    CHECK(db_ops_warnings(&b, &lines, &n) == 0 && n == 1 && lines == b.diag.warnings);
    CHECK_STR(lines[0], "careful");
    db_diag_free(&b.diag);

    char *copy = NULL;
    fmt_header h = {.source_backend = "sqlite"};
    CHECK(db_ops_source_backend(&b.diag, &copy, &h, "sqlite") == 1);
    CHECK_STR(copy, "sqlite");
    CHECK(copy != h.source_backend);
    CHECK(db_ops_source_backend(&b.diag, &copy, &h, "postgresql") == 0);
    CHECK_STR(copy, "sqlite");
    CHECK(db_ops_source_backend(&b.diag, &copy, NULL, "sqlite") == 0);
    CHECK(copy == NULL);
    CHECK(!b.diag.oom && !b.diag.message);
}

static void test_buf(void)
{
    db_buf b = {0};
    db_buf_add(&b, "CREATE TABLE ");
    db_buf_ident(&b, "we\"ird");
    char *cols[] = {"a", "b\"c"};
    db_buf_ident_list(&b, cols, 2);
    db_buf_add(&b, " DEFAULT ");
    db_buf_literal(&b, "it's");
    db_buf_printf(&b, " %d", 42);
    CHECK_STR(b.buf, "CREATE TABLE \"we\"\"ird\"(\"a\", \"b\"\"c\") DEFAULT 'it''s' 42");
    char *s = db_buf_take(&b);
    CHECK(b.buf == NULL && b.len == 0);
    free(s);
    /* An empty buffer still gives a string. */
    s = db_buf_take(&b);
    CHECK_STR(s, "");
    free(s);
}

static void test_select(void)
{
    const char *inc[] = {"sales.*", "users", NULL};
    const char *exc[] = {"*.secret", NULL};
    db_selection s;
    CHECK(db_selection_init(&s, inc, exc, NULL, NULL) == 0);
    CHECK(db_selection_table(&s, "sales", "orders"));
    CHECK(db_selection_table(&s, "public", "users"));
    CHECK(db_selection_table(&s, NULL, "users"));
    CHECK(!db_selection_table(&s, "sales", "secret"));
    CHECK(!db_selection_table(&s, "public", "orders"));
    /* A SQLite table may carry the dot in its own name. */
    CHECK(db_selection_table(&s, NULL, "sales.orders"));
    db_selection_free(&s);
    const char *ns[] = {"app", NULL};
    CHECK(db_selection_init(&s, NULL, NULL, NULL, ns) == 0);
    CHECK(!db_selection_schema(&s, "app"));
    CHECK(db_selection_schema(&s, "public"));
    CHECK(db_selection_schema(&s, NULL));
    db_selection_free(&s);
    CHECK(db_selection_init(&s, NULL, NULL, ns, NULL) == 0);
    CHECK(db_selection_table(&s, "app", "t"));
    CHECK(!db_selection_table(&s, NULL, "t"));
    db_selection_free(&s);
}

static int after_edges(void *ctx, size_t a, size_t b)
{
    const int(*edges)[2] = ctx;
    for (size_t i = 0; edges[i][0] >= 0; i++)
        if ((size_t)edges[i][0] == a && (size_t)edges[i][1] == b)
            return 1;
    return 0;
}

static void test_order(void)
{
    /* 0 depends on 2, 2 on 3: 1 is ready first after nothing. */
    const int dag[][2] = {{0, 2}, {2, 3}, {-1, -1}};
    size_t order[4];
    CHECK(db_order_topological(4, after_edges, (void *)dag, order) == 0);
    CHECK(order[0] == 1 && order[1] == 3 && order[2] == 2 && order[3] == 0);
    const int cycle[][2] = {{0, 1}, {1, 0}, {-1, -1}};
    CHECK(db_order_topological(2, after_edges, (void *)cycle, order) == 1);
    CHECK(order[0] == 0 && order[1] == 1);

    fmt_native_object o[4] = {
        {.kind = FMT_NATIVE_TRIGGER, .name = "t", .table = "b", .sql = "x"},
        {.kind = FMT_NATIVE_VIEW, .name = "z", .table = NULL, .sql = "x"},
        {.kind = FMT_NATIVE_TRIGGER, .name = "t", .table = "a", .sql = "x"},
        {.kind = FMT_NATIVE_VIEW, .name = "a", .table = NULL, .sql = "x"},
    };
    db_order_objects(o, 4);
    CHECK_STR(o[0].name, "a");
    CHECK_STR(o[1].name, "z");
    CHECK_STR(o[2].table, "a");
    CHECK_STR(o[3].table, "b");

    fmt_table a = {0}, b = {0}, c = {0};
    a.name = "users";
    b.name = "orders";
    b.namespace = "sales";
    c.name = "accounts";
    fmt_table *tables[] = {&a, &b, &c};
    CHECK(db_order_tables(tables, 3) == 0);
    CHECK(tables[0] == &c && tables[1] == &b && tables[2] == &a);
}

static int expression_ok(const char *e, db_sql_dialect d)
{
    char why[128];
    return db_sql_check_expression(e, d, why, sizeof why) == 0;
}

static void test_expressions(void)
{
    const db_sql_dialect pg = DB_SQL_POSTGRESQL, lite = DB_SQL_SQLITE;
    CHECK(expression_ok("price > 0", pg));
    CHECK(expression_ok("(a)::text || 'x)'", pg));
    CHECK(expression_ok("status = ANY (ARRAY['a'::text, 'b'])", pg));
    CHECK(expression_ok("arr[1] = 2", pg));
    CHECK(expression_ok("x = E'it\\'s )'", pg));
    CHECK(expression_ok("body = $q$ ); DROP TABLE t; $q$", pg));
    CHECK(expression_ok("nextval('s'::regclass)", pg));
    CHECK(expression_ok("\"we)ird\" > 0 /* ) */ -- )", pg));
    /* Breaking out of CHECK (...) or DEFAULT ... */
    CHECK(!expression_ok("true) NOT VALID, CHECK (false", pg));
    CHECK(!expression_ok("1); DROP TABLE users; --", pg));
    CHECK(!expression_ok("0; DELETE FROM t", pg));
    CHECK(!expression_ok("(1", pg));
    CHECK(!expression_ok("1]", pg));
    CHECK(!expression_ok("x = 'unterminated", pg));
    CHECK(!expression_ok("x = E'\\' ) --", pg));
    CHECK(!expression_ok("$a$ never closed", pg));
    CHECK(!expression_ok("/* open", pg));
    CHECK(!expression_ok("", pg));
    CHECK(!expression_ok("   -- only a comment", pg));
    /* In SQLite, [..] is a name and a backslash is an ordinary character. */
    CHECK(expression_ok("[a)b] > 0", lite));
    CHECK(!expression_ok("x = 'a\\') OR (1", lite));
    CHECK(expression_ok("x = 'a\\' OR (1)", lite));
    CHECK(!expression_ok("x = 'a\\'') OR (1", lite));
}

static int create_ok(const char *sql, const char *const *words, const char *schema,
                     const char *name, int multi)
{
    char why[128];
    return db_sql_check_create(sql, DB_SQL_POSTGRESQL, words, schema, name, "public", multi, NULL,
                               why, sizeof why) == 0;
}

static void test_create(void)
{
    const char *view[] = {"VIEW", NULL};
    CHECK(create_ok("CREATE VIEW public.v AS SELECT 1", view, NULL, "v", 0));
    CHECK(create_ok("CREATE VIEW \"Sales\".\"My View\" AS SELECT 1;", view, "Sales", "My View", 0));
    CHECK(create_ok("create view v as select 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE OR REPLACE VIEW public.v AS SELECT 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE MATERIALIZED VIEW public.v AS SELECT 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE TABLE public.v AS SELECT 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE ROLE v SUPERUSER", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE VIEW public.other AS SELECT 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE VIEW app.v AS SELECT 1", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE VIEW public.v AS SELECT 1; DROP TABLE t", view, NULL, "v", 0));
    CHECK(!create_ok("CREATE VIEW public.V AS SELECT 1", view, NULL, "V", 0));
    const char *trigger[] = {"TRIGGER", NULL};
    CHECK(create_ok("CREATE TRIGGER trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION "
                    "f()",
                    trigger, NULL, "trg", 0));
    CHECK(!create_ok("CREATE CONSTRAINT TRIGGER trg AFTER INSERT ON t", trigger, NULL, "trg", 0));
}

int main(void)
{
    test_diag();
    test_diag_oom();
    test_ops();
    test_buf();
    test_select();
    test_order();
    test_expressions();
    test_create();
    return check_report();
}
