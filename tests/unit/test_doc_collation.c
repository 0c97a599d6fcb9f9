/* Collations as the document reader hands them over (FORMAT.md 3): the
 * plain name and its schema; a 1.0 file of older dbexport, which wrote a
 * PostgreSQL collation SQL-quoted ("\"C\"", "\"My Schema\".\"case
 * insens\""), reads as the same two names; a SQLite file's names are never
 * taken apart. And the writer writes the two keys back. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc_reader.h"
#include "doc_writer.h"
#include "fixtures.h"

/* The first table of a document whose one column carries collation (the
 * raw JSON members after "nullable"), from backend. */
static void expect(const char *backend, const char *members, const char *want_name,
                   const char *want_ns)
{
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":\"%s\","
             "\"version\":\"1\",\"database\":\"d\"},\"tables\":{\"t\":{\"columns\":[{\"name\":"
             "\"a\",\"type\":\"text\",\"nullable\":true,%s}],\"indexes\":[{\"name\":\"i\","
             "\"unique\":false,\"parts\":[{\"column\":\"a\",%s}]}]}}}",
             backend, members, members);
    membuf in = {0};
    fmt_doc_reader *r = NULL;
    fmt_doc_event ev;
    mem_sink(&in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "c.json", NULL) == 0);
    int rc;
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_TABLE &&
           ev.type != FMT_DOC_END)
        ;
    CHECK(rc == 0 && ev.type == FMT_DOC_TABLE);
    if (rc == 0 && ev.type == FMT_DOC_TABLE) {
        const fmt_column *c = &ev.table->columns[0];
        const fmt_index_part *p = &ev.table->indexes[0].parts[0];
        CHECK_STR(c->collation, want_name);
        CHECK_STR(p->collation, want_name);
        CHECK_STR(c->collation_namespace ? c->collation_namespace : "(none)",
                  want_ns ? want_ns : "(none)");
        CHECK_STR(p->collation_namespace ? p->collation_namespace : "(none)",
                  want_ns ? want_ns : "(none)");
    } else {
        fprintf(stderr, "%s\n", fmt_doc_reader_errmsg(r));
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

static void test_plain(void)
{
    expect("postgresql", "\"collation\":\"C\",\"collation_namespace\":\"pg_catalog\"", "C",
           "pg_catalog");
    expect("postgresql", "\"collation\":\"case insens\",\"collation_namespace\":\"My Schema\"",
           "case insens", "My Schema");
    /* with its schema given, a name is only a name, quotes and dots too */
    expect("postgresql", "\"collation\":\"\\\"C\\\"\",\"collation_namespace\":\"pg_catalog\"",
           "\"C\"", "pg_catalog");
    expect("postgresql", "\"collation\":\"en_US.utf8\",\"collation_namespace\":\"pg_catalog\"",
           "en_US.utf8", "pg_catalog");
    expect("sqlite", "\"collation\":\"NOCASE\"", "NOCASE", NULL);
    expect("sqlite", "\"collation\":\"\\\"x\\\".\\\"y\\\"\"", "\"x\".\"y\"", NULL);
    expect("sqlite", "\"collation\":\"a.b\"", "a.b", NULL);
}

/* What dbexport wrote before collation_namespace: quote_ident's output. */
static void test_1_0_quoted(void)
{
    expect("postgresql", "\"collation\":\"\\\"C\\\"\"", "C", NULL);
    expect("postgresql", "\"collation\":\"\\\"POSIX\\\"\"", "POSIX", NULL);
    expect("postgresql", "\"collation\":\"\\\"und-x-icu\\\"\"", "und-x-icu", NULL);
    expect("postgresql", "\"collation\":\"ucs_basic\"", "ucs_basic", NULL);
    expect("postgresql", "\"collation\":\"\\\"en_US.utf8\\\"\"", "en_US.utf8", NULL);
    expect("postgresql", "\"collation\":\"\\\"My Schema\\\".\\\"case insens\\\"\"", "case insens",
           "My Schema");
    expect("postgresql", "\"collation\":\"app.\\\"De\\\"\\\"x\\\"\"", "De\"x", "app");
    /* not that form: the text is the name */
    expect("postgresql", "\"collation\":\"en-x-icu\"", "en-x-icu", NULL);
    expect("postgresql", "\"collation\":\"en_US.utf8\"", "en_US.utf8", NULL);
    expect("postgresql", "\"collation\":\"\\\"C\"", "\"C", NULL);
    expect("postgresql", "\"collation\":\"\\\"\\\"\"", "\"\"", NULL);
    expect("postgresql", "\"collation\":\"a.b.c\"", "a.b.c", NULL);
}

/* The writer: both keys, the name as it is. */
static void test_write(void)
{
    fmt_table *t = table_new(NULL, "t");
    membuf out = {0};
    fmt_doc_writer *w = NULL;
    fmt_header h = {0};
    fmt_column *c = add_column(t, "a", "text", "text", 1);
    c->collation = fmt_strdup("case insens");
    c->collation_namespace = fmt_strdup("My Schema");
    h.source_backend = "postgresql";
    h.source_version = "15";
    h.source_database = "d";
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0 && fmt_doc_write_table_begin(w, t, 0) == 0 &&
          fmt_doc_write_table_end(w) == 0 && fmt_doc_write_end(w, NULL, 0) == 0);
    CHECK(out.data &&
          strstr(out.data, "\"collation\":\"case insens\",\"collation_namespace\":\"My Schema\""));
    fmt_doc_writer_free(w);
    fmt_table_free(t);
    free(out.data);
}

int main(void)
{
    test_plain();
    test_1_0_quoted();
    test_write();
    return check_report();
}
