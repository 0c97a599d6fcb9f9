/* User-defined types as the document reader hands them over and the writer
 * writes them (FORMAT.md 2.6, 1.3): composite types with their attributes,
 * a domain's check names (as many as its checks, or an error naming the
 * counts), comments; a 1.2 file without them reads as before. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc_reader.h"
#include "doc_writer.h"
#include "fixtures.h"

/* Reads the header of a document whose header keys are members; *err gets
 * the reader's message when it fails. The caller frees *r. */
static const fmt_header *read_header(fmt_doc_reader **r, membuf *in, const char *members, char *err,
                                     size_t errlen)
{
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"format\":\"dbexport\",\"format_version\":\"1.3\",\"source\":{\"backend\":"
             "\"postgresql\",\"version\":\"15\",\"database\":\"d\"},%s,\"tables\":{}}",
             members);
    fmt_doc_event ev;
    memset(in, 0, sizeof *in);
    mem_sink(in, doc, strlen(doc));
    err[0] = '\0';
    if (fmt_doc_reader_new(r, mem_source, NULL, in, "t.json", NULL) != 0)
        return NULL;
    int rc;
    while ((rc = fmt_doc_reader_next(*r, &ev)) == 0 && ev.type != FMT_DOC_HEADER &&
           ev.type != FMT_DOC_END)
        ;
    if (rc != 0 || ev.type != FMT_DOC_HEADER) {
        snprintf(err, errlen, "%s", fmt_doc_reader_errmsg(*r));
        return NULL;
    }
    return ev.header;
}

static void test_read(void)
{
    fmt_doc_reader *r = NULL;
    membuf in;
    char err[512];
    const fmt_header *h = read_header(
        &r, &in,
        "\"composites\":[{\"name\":\"pair \\\"q\\\"\",\"namespace\":\"x\",\"attributes\":["
        "{\"name\":\"a\",\"type\":\"integer\"},{\"name\":\"b\",\"type\":\"text\","
        "\"collation\":\"C\",\"collation_namespace\":\"pg_catalog\"}],\"comment\":\"c1\"}],"
        "\"domains\":[{\"check_names\":[\"pos is positive\",\"small\"],\"checks\":[\"VALUE > "
        "0\",\"VALUE < 9\"],\"name\":\"pos\",\"base_type\":\"integer\",\"nullable\":true,"
        "\"comment\":\"c2\"}],\"enums\":[{\"name\":\"m\",\"labels\":[\"a\"],\"comment\":\"c3\"}]",
        err, sizeof err);
    CHECK(h != NULL);
    if (!h) {
        fprintf(stderr, "%s\n", err);
        fmt_doc_reader_free(r);
        free(in.data);
        return;
    }
    CHECK(h->nuser_types == 3);
    const fmt_user_type *c = &h->user_types[0], *d = &h->user_types[1], *e = &h->user_types[2];
    CHECK(c->kind == FMT_USER_TYPE_COMPOSITE && c->nattributes == 2);
    CHECK_STR(c->name, "pair \"q\"");
    CHECK_STR(c->namespace, "x");
    CHECK_STR(c->comment, "c1");
    CHECK_STR(c->attributes[0].name, "a");
    CHECK_STR(c->attributes[0].type, "integer");
    CHECK(c->attributes[0].collation == NULL && c->attributes[0].collation_namespace == NULL);
    CHECK_STR(c->attributes[1].collation, "C");
    CHECK_STR(c->attributes[1].collation_namespace, "pg_catalog");
    /* check_names before checks, as jq -S sorts them: still paired */
    CHECK(d->kind == FMT_USER_TYPE_DOMAIN && d->nchecks == 2 && d->ncheck_names == 2);
    CHECK_STR(d->check_names[0], "pos is positive");
    CHECK_STR(d->checks[1], "VALUE < 9");
    CHECK_STR(d->comment, "c2");
    CHECK(e->kind == FMT_USER_TYPE_ENUM);
    CHECK_STR(e->comment, "c3");
    fmt_doc_reader_free(r);
    free(in.data);
}

/* members must be refused with a message containing want. */
static void expect_error(const char *members, const char *want)
{
    fmt_doc_reader *r = NULL;
    membuf in;
    char err[512];
    const fmt_header *h = read_header(&r, &in, members, err, sizeof err);
    fmt_doc_event ev;
    int rc = 0;
    while (h && (rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_END)
        ;
    if (h && rc != 0) { /* a key after "tables" shows only then */
        snprintf(err, sizeof err, "%s", fmt_doc_reader_errmsg(r));
        h = NULL;
    }
    CHECK(h == NULL);
    CHECK(strstr(err, want) != NULL);
    if (!strstr(err, want))
        fprintf(stderr, "got: %s\nwant: %s\n", err, want);
    fmt_doc_reader_free(r);
    free(in.data);
}

static void test_errors(void)
{
    expect_error("\"domains\":[{\"name\":\"pos\",\"base_type\":\"integer\",\"nullable\":true,"
                 "\"checks\":[\"VALUE > 0\",\"VALUE < 9\"],\"check_names\":[\"one\"]}]",
                 "domain \"pos\": 1 check_names for 2 checks");
    expect_error("\"composites\":[{\"name\":\"p\",\"attributes\":[]}]",
                 "composite type \"p\" has no attributes");
    expect_error("\"composites\":[{\"name\":\"p\"}]", "needs \"name\" and \"attributes\"");
    expect_error("\"composites\":[{\"name\":\"p\",\"attributes\":[{\"name\":\"a\"}]}]",
                 "an attribute needs \"name\" and \"type\"");
    expect_error("\"composites\":[{\"name\":\"p\",\"attributes\":[\"a integer\"]}]",
                 "an attribute must be an object");
    expect_error("\"tables\":{},\"composites\":[]", "\"composites\" comes after \"tables\"");
}

/* A 1.2 domain (no names, no comment) reads as before. */
static void test_1_2(void)
{
    fmt_doc_reader *r = NULL;
    membuf in;
    char err[512];
    const fmt_header *h = read_header(&r, &in,
                                      "\"domains\":[{\"name\":\"pos\",\"base_type\":\"integer\","
                                      "\"nullable\":false,\"checks\":[\"VALUE > 0\"]}]",
                                      err, sizeof err);
    CHECK(h && h->nuser_types == 1);
    if (h) {
        CHECK(h->user_types[0].nchecks == 1 && h->user_types[0].ncheck_names == 0);
        CHECK(h->user_types[0].check_names == NULL && h->user_types[0].comment == NULL);
        CHECK(h->user_types[0].not_null);
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

static void test_write(void)
{
    membuf out = {0};
    fmt_doc_writer *w = NULL;
    fmt_header h = {0};
    fmt_type_attribute attributes[] = {
        {.name = "a", .type = "integer"},
        {.name = "b", .type = "text", .collation = "C", .collation_namespace = "pg_catalog"}};
    char *checks[] = {"(VALUE > 0)"}, *names[] = {"pos is positive"};
    fmt_user_type types[] = {{.kind = FMT_USER_TYPE_COMPOSITE,
                              .name = "pair",
                              .attributes = attributes,
                              .nattributes = 2,
                              .comment = "it's a pair"},
                             {.kind = FMT_USER_TYPE_DOMAIN,
                              .name = "pos",
                              .base_type = "integer",
                              .checks = checks,
                              .nchecks = 1,
                              .check_names = names,
                              .ncheck_names = 1}};
    h.source_backend = "postgresql";
    h.source_version = "15";
    h.source_database = "d";
    h.user_types = types;
    h.nuser_types = 2;
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0 && fmt_doc_write_end(w, NULL, 0) == 0);
    CHECK(out.data && strstr(out.data, "{\"name\":\"b\",\"type\":\"text\",\"collation\":\"C\","
                                       "\"collation_namespace\":\"pg_catalog\"}"));
    CHECK(out.data && strstr(out.data, "\"comment\": \"it's a pair\""));
    CHECK(out.data && strstr(out.data, "\"check_names\": [\n        \"pos is positive\""));
    /* domains before composites: an attribute may be of a domain */
    CHECK(out.data && strstr(out.data, "\"domains\"") &&
          strstr(out.data, "\"domains\"") < strstr(out.data, "\"composites\""));
    fmt_doc_writer_free(w);
    free(out.data);
}

/* "functions" (1.3): read as they are; a procedure has no result, only
 * sql and plpgsql are languages. */
static void test_functions(void)
{
    fmt_doc_reader *r = NULL;
    membuf in;
    char err[512];
    const fmt_header *h = read_header(
        &r, &in,
        "\"functions\":[{\"name\":\"f\",\"namespace\":\"app\",\"kind\":\"function\","
        "\"arguments\":\"a integer\",\"result\":\"integer\",\"language\":\"sql\","
        "\"sql\":\"CREATE FUNCTION app.f(a integer) RETURNS integer LANGUAGE sql RETURN a\","
        "\"comment\":\"c\"},{\"name\":\"p\",\"kind\":\"procedure\",\"arguments\":\"\","
        "\"language\":\"plpgsql\",\"sql\":\"x\"}]",
        err, sizeof err);
    CHECK(h && h->nfunctions == 2);
    if (h && h->nfunctions == 2) {
        CHECK_STR(h->functions[0].namespace, "app");
        CHECK_STR(h->functions[0].result, "integer");
        CHECK_STR(h->functions[0].comment, "c");
        CHECK(h->functions[1].result == NULL && h->functions[1].namespace == NULL);
        CHECK_STR(h->functions[1].language, "plpgsql");
    }
    fmt_doc_reader_free(r);
    free(in.data);
    expect_error("\"functions\":[{\"name\":\"p\",\"kind\":\"procedure\",\"arguments\":\"\","
                 "\"result\":\"integer\",\"language\":\"sql\",\"sql\":\"x\"}]",
                 "function \"p\": a procedure has no \"result\"");
    expect_error("\"functions\":[{\"name\":\"f\",\"kind\":\"function\",\"arguments\":\"\","
                 "\"result\":\"integer\",\"language\":\"c\",\"sql\":\"x\"}]",
                 "expected one of sql, plpgsql");
    expect_error("\"functions\":[{\"name\":\"f\",\"kind\":\"function\",\"arguments\":\"\","
                 "\"language\":\"sql\",\"sql\":\"x\"}]",
                 "function \"f\": a function needs a \"result\"");
}

int main(void)
{
    test_functions();
    test_read();
    test_errors();
    test_1_2();
    test_write();
    return check_report();
}
