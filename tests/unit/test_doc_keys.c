/* The 1.3 keys of keys, indexes and sequences as the document reader hands
 * them over and the writer writes them (FORMAT.md 2.8, 3, 4, 4.5): INCLUDE
 * columns and NULLS NOT DISTINCT of a primary key, a unique constraint and
 * an index; an identity column's "sequence"; a sequence's "owned_by";
 * exclusion constraints in parts; materialized views; a partition's own
 * constraints and sub-partitions. A 1.2
 * file without them reads as none; a name that is not a column, an
 * owned_by without its column, a sequence with increment 0 are errors with
 * their position. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc_reader.h"
#include "doc_writer.h"
#include "fixtures.h"

#define HEAD                                                                                       \
    "{\"format\":\"dbexport\",\"format_version\":\"1.3\",\"source\":{\"backend\":\"postgresql\","  \
    "\"version\":\"15\",\"database\":\"d\"},"
#define COLUMNS                                                                                    \
    "\"columns\":[{\"name\":\"id\",\"type\":\"int32\",\"nullable\":false,\"identity\":\"always\"," \
    "\"sequence\":{\"name\":\"Odd seq\",\"start\":100,\"increment\":-5,\"min\":-50,"               \
    "\"max\":\"9223372036854775807\",\"cache\":3,\"cycle\":true}},"                                \
    "{\"name\":\"a\",\"type\":\"text\",\"nullable\":true},"                                        \
    "{\"name\":\"B b\",\"type\":\"text\",\"nullable\":true}]"

/* Reads doc to its first table (header in *h when asked); the reader, or
 * NULL with its message printed when it failed. */
static fmt_doc_reader *first_table(membuf *in, const char *doc, const fmt_table **t,
                                   const fmt_header **h)
{
    fmt_doc_reader *r = NULL;
    fmt_doc_event ev;
    int rc;
    memset(in, 0, sizeof *in);
    mem_sink(in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, in, "k.json", NULL) == 0);
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_TABLE &&
           ev.type != FMT_DOC_END)
        if (ev.type == FMT_DOC_HEADER && h)
            *h = ev.header;
    *t = rc == 0 && ev.type == FMT_DOC_TABLE ? ev.table : NULL;
    if (!*t)
        fprintf(stderr, "k.json: %s\n", fmt_doc_reader_errmsg(r));
    return r;
}

static void test_read(void)
{
    membuf in;
    const fmt_table *t = NULL;
    const fmt_header *h = NULL;
    fmt_doc_reader *r = first_table(
        &in,
        HEAD "\"sequences\":[{\"name\":\"s\",\"type\":\"bigint\",\"start\":1,\"increment\":1,"
             "\"min\":1,\"max\":9,\"cache\":1,\"cycle\":false,"
             "\"owned_by\":{\"table\":\"t\",\"column\":\"B b\"}}],"
             "\"tables\":{\"t\":{" COLUMNS ",\"constraints\":{\"primary_key\":{\"name\":\"pk\","
             "\"columns\":[\"id\"],\"include\":[\"B b\"]},\"unique\":[{\"name\":\"u\","
             "\"columns\":[\"a\"],\"include\":[\"B b\",\"id\"],\"nulls_not_distinct\":true},"
             "{\"columns\":[\"B b\"]}]},\"indexes\":[{\"name\":\"i\",\"unique\":true,"
             "\"parts\":[{\"column\":\"a\"}],\"include\":[\"id\"],\"nulls_not_distinct\":true}],"
             "\"rows\":[]}}}",
        &t, &h);
    CHECK(t != NULL && h != NULL);
    if (t && h) {
        const fmt_sequence *q = t->columns[0].sequence;
        CHECK(q && q->name && strcmp(q->name, "Odd seq") == 0 && q->start == 100 &&
              q->increment == -5 && q->min_value == -50 && q->max_value == INT64_MAX &&
              q->cache == 3 && q->cycle && !q->type && !q->has_last_value);
        CHECK(!t->columns[1].sequence);
        CHECK(t->primary_key->ninclude == 1 && strcmp(t->primary_key->include[0], "B b") == 0 &&
              !t->primary_key->nulls_not_distinct);
        CHECK(t->nuniques == 2 && t->uniques[0].ninclude == 2 &&
              strcmp(t->uniques[0].include[1], "id") == 0 && t->uniques[0].nulls_not_distinct);
        CHECK(t->uniques[1].ninclude == 0 && !t->uniques[1].nulls_not_distinct);
        CHECK(t->nindexes == 1 && t->indexes[0].ninclude == 1 &&
              strcmp(t->indexes[0].include[0], "id") == 0 && t->indexes[0].nulls_not_distinct);
        CHECK(h->nsequences == 1 && h->sequences[0].owned_by_table &&
              strcmp(h->sequences[0].owned_by_table, "t") == 0 &&
              strcmp(h->sequences[0].owned_by_column, "B b") == 0);
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

/* Exclusion constraints in parts (FORMAT.md 4). */
static void test_exclusion(void)
{
    membuf in;
    const fmt_table *t = NULL;
    fmt_doc_reader *r = first_table(
        &in,
        HEAD "\"tables\":{\"t\":{" COLUMNS
             ",\"constraints\":{\"exclusion\":[{\"name\":\"no overlap\","
             "\"using\":\"gist\",\"elements\":[{\"column\":\"a\",\"operator\":\"&&\","
             "\"operator_namespace\":\"pg_catalog\"},{\"expression\":\"lower(\\\"B b\\\")\","
             "\"opclass\":\"text_pattern_ops\",\"opclass_namespace\":\"pg_catalog\",\"operator\":"
             "\"=\"}],"
             "\"include\":[\"id\"],\"where\":\"(id > 0)\",\"deferrable\":true,"
             "\"initially_deferred\":true}]},\"rows\":[]}}}",
        &t, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->nexclusions == 1);
        const fmt_exclusion *x = &t->exclusions[0];
        CHECK(strcmp(x->name, "no overlap") == 0 && strcmp(x->method, "gist") == 0 &&
              x->nelements == 2 && x->ninclude == 1 && strcmp(x->where, "(id > 0)") == 0 &&
              x->deferrable && x->initially_deferred);
        CHECK(strcmp(x->elements[0].column, "a") == 0 && !x->elements[0].expression &&
              strcmp(x->elements[0].operator, "&&") == 0 &&
              strcmp(x->elements[0].operator_namespace, "pg_catalog") == 0 &&
              !x->elements[0].opclass);
        CHECK(!x->elements[1].column && strcmp(x->elements[1].expression, "lower(\"B b\")") == 0 &&
              strcmp(x->elements[1].opclass, "text_pattern_ops") == 0 &&
              !x->elements[1].operator_namespace);
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

/* "materialized_views" after the tables: name, schema, query, populated
 * (absent: true), indexes, comment; and the writer's. */
static void test_matviews(void)
{
    const char *doc =
        HEAD "\"tables\":{},\"views\":[],\"materialized_views\":[{\"name\":\"By Room\","
             "\"namespace\":\"Re Ports\",\"sql\":\"SELECT 1 AS room\",\"populated\":false,"
             "\"comment\":\"c\",\"indexes\":[{\"name\":\"k\",\"unique\":true,\"parts\":"
             "[{\"column\":\"room\"}],\"sql\":\"CREATE UNIQUE INDEX k ON \\\"Re Ports\\\".\\\"By "
             "Room\\\" USING btree (room)\"}]},{\"name\":\"m2\",\"sql\":\"SELECT 2\"}]}";
    membuf in = {0}, out = {0};
    fmt_doc_reader *r = NULL;
    fmt_doc_event ev;
    int rc;
    mem_sink(&in, doc, strlen(doc));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "k.json", NULL) == 0);
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_NATIVE &&
           ev.type != FMT_DOC_END)
        ;
    CHECK(rc == 0 && ev.type == FMT_DOC_NATIVE && ev.nobjects == 2);
    if (rc == 0 && ev.type == FMT_DOC_NATIVE && ev.nobjects == 2) {
        const fmt_native_object *o = &ev.objects[0];
        CHECK(o->kind == FMT_NATIVE_MATERIALIZED_VIEW && strcmp(o->name, "By Room") == 0 &&
              strcmp(o->namespace, "Re Ports") == 0 && strcmp(o->sql, "SELECT 1 AS room") == 0 &&
              !o->populated && strcmp(o->comment, "c") == 0 && o->nindexes == 1 &&
              o->indexes[0].unique && strcmp(o->indexes[0].parts[0].column, "room") == 0);
        CHECK(ev.objects[1].populated && !ev.objects[1].namespace && !ev.objects[1].nindexes);
        fmt_doc_writer *w = NULL;
        fmt_header h = {
            .source_backend = "postgresql", .source_version = "15", .source_database = "d"};
        CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
        CHECK(fmt_doc_write_header(w, &h) == 0 &&
              fmt_doc_write_end(w, ev.objects, ev.nobjects) == 0);
        mem_sink(&out, "", 1);
        CHECK(out.data && strstr(out.data, "\"materialized_views\": [") &&
              strstr(out.data, "\"name\": \"By Room\",\n      \"sql\": \"SELECT 1 AS room\",\n"
                               "      \"namespace\": \"Re Ports\",\n      \"populated\": false,"));
        fmt_doc_writer_free(w);
    } else {
        fprintf(stderr, "k.json: %s\n", fmt_doc_reader_errmsg(r));
    }
    fmt_doc_reader_free(r);
    free(in.data);
    free(out.data);
}

/* A partition's own constraints and its sub-partitions (1.3). */
static void test_partitions(void)
{
    membuf in;
    const fmt_table *t = NULL;
    fmt_doc_reader *r = first_table(
        &in,
        HEAD "\"tables\":{\"t\":{" COLUMNS ",\"partitioning\":{\"strategy\":\"list\",\"key\":\"a\","
             "\"partitions\":[{\"name\":\"p1\",\"bound\":\"FOR VALUES IN ('x')\",\"constraints\":"
             "{\"primary_key\":{\"name\":\"p1_pk\",\"columns\":[\"id\"]},\"unique\":[{\"columns\":"
             "[\"B b\"]}],\"checks\":[{\"name\":\"c\",\"expression\":\"(id > 0)\"}]},"
             "\"partitioning\":{\"strategy\":\"range\",\"key\":\"id\",\"partitions\":[{\"name\":"
             "\"p1a\",\"bound\":\"DEFAULT\",\"partitioning\":{\"strategy\":\"hash\",\"key\":"
             "\"id\",\"partitions\":[]}}]}},{\"name\":\"p2\",\"bound\":\"DEFAULT\"}]},"
             "\"rows\":[]}}}",
        &t, NULL);
    CHECK(t != NULL);
    if (t) {
        const fmt_partitioning *pt = t->partitioning;
        CHECK(pt && pt->npartitions == 2);
        const fmt_partition *p1 = &pt->partitions[0];
        CHECK(p1->primary_key && strcmp(p1->primary_key->name, "p1_pk") == 0 && p1->nuniques == 1 &&
              p1->nchecks == 1 && strcmp(p1->checks[0].expression, "(id > 0)") == 0);
        CHECK(p1->partitioning && strcmp(p1->partitioning->strategy, "range") == 0 &&
              p1->partitioning->npartitions == 1 &&
              strcmp(p1->partitioning->partitions[0].name, "p1a") == 0 &&
              p1->partitioning->partitions[0].partitioning &&
              strcmp(p1->partitioning->partitions[0].partitioning->strategy, "hash") == 0);
        CHECK(!pt->partitions[1].partitioning && !pt->partitions[1].primary_key &&
              !pt->partitions[1].nchecks);
    }
    fmt_doc_reader_free(r);
    free(in.data);
}

/* A 1.2 file has none of them. */
static void test_read_1_2(void)
{
    membuf in;
    const fmt_table *t = NULL;
    fmt_doc_reader *r = first_table(
        &in,
        "{\"format\":\"dbexport\",\"format_version\":\"1.2\",\"source\":{\"backend\":"
        "\"postgresql\",\"version\":\"15\",\"database\":\"d\"},\"tables\":{\"t\":{\"columns\":"
        "[{\"name\":\"id\",\"type\":\"int32\",\"nullable\":false,\"identity\":\"always\"}],"
        "\"constraints\":{\"unique\":[{\"columns\":[\"id\"]}]},\"indexes\":[{\"name\":\"i\","
        "\"unique\":true,\"parts\":[{\"column\":\"id\"}]}]}}}",
        &t, NULL);
    CHECK(t != NULL);
    if (t)
        CHECK(!t->columns[0].sequence && t->uniques[0].ninclude == 0 &&
              !t->uniques[0].nulls_not_distinct && t->indexes[0].ninclude == 0 &&
              !t->indexes[0].nulls_not_distinct);
    fmt_doc_reader_free(r);
    free(in.data);
}

static void expect_error(const char *doc, const char *want)
{
    membuf in;
    const fmt_table *t = NULL;
    fmt_doc_reader *r = first_table(&in, doc, &t, NULL);
    CHECK(t == NULL);
    const char *msg = fmt_doc_reader_errmsg(r);
    CHECK(msg && strstr(msg, want) && strstr(msg, "k.json:1:"));
    if (!msg || !strstr(msg, want))
        fprintf(stderr, "  want [%s]\n", want);
    fmt_doc_reader_free(r);
    free(in.data);
}

static void test_errors(void)
{
    expect_error(HEAD "\"tables\":{\"t\":{" COLUMNS ",\"constraints\":{\"unique\":[{\"columns\":"
                      "[\"a\"],\"include\":[\"nope\"]}]}}}}",
                 "a unique constraint's include names \"nope\", which is not a column");
    expect_error(HEAD "\"tables\":{\"t\":{" COLUMNS
                      ",\"constraints\":{\"primary_key\":{\"columns\":"
                      "[\"a\"],\"include\":[\"x\"]}}}}}",
                 "the primary key's include names \"x\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLUMNS
                      ",\"indexes\":[{\"name\":\"i\",\"unique\":false,"
                      "\"parts\":[{\"column\":\"a\"}],\"include\":[\"zz\"]}]}}}",
                 "an index's include names \"zz\"");
    expect_error(HEAD "\"tables\":{\"t\":{" COLUMNS
                      ",\"indexes\":[{\"name\":\"i\",\"unique\":false,"
                      "\"parts\":[{\"column\":\"a\"}],\"nulls_not_distinct\":\"yes\"}]}}}",
                 "nulls_not_distinct");
#define EXCL                                                                                       \
    HEAD "\"tables\":{\"t\":{" COLUMNS ",\"constraints\":{\"exclusion\":[{\"using\":\"gist\","
    expect_error(EXCL "\"elements\":[{\"column\":\"nope\",\"operator\":\"=\"}]}]}}}}",
                 "an exclusion constraint names \"nope\", which is not a column");
    expect_error(EXCL
                 "\"elements\":[{\"column\":\"a\",\"operator\":\"=\"}],\"include\":[\"x\"]}]}}}}",
                 "an exclusion constraint names \"x\"");
    expect_error(
        EXCL "\"elements\":[{\"column\":\"a\",\"expression\":\"a\",\"operator\":\"=\"}]}]}}}}",
        "an exclusion element needs one of \"column\" or \"expression\", and \"operator\"");
    expect_error(EXCL "\"elements\":[{\"column\":\"a\"}]}]}}}}",
                 "an exclusion element needs one of");
    expect_error(EXCL "\"elements\":[]}]}}}}",
                 "an exclusion constraint needs \"using\" and \"elements\"");
#undef EXCL
    expect_error(HEAD "\"sequences\":[{\"name\":\"s\",\"type\":\"bigint\",\"owned_by\":"
                      "{\"table\":\"t\"}}],\"tables\":{}}",
                 "\"owned_by\" needs \"table\" and \"column\"");
    expect_error(HEAD
                 "\"tables\":{\"t\":{\"columns\":[{\"name\":\"id\",\"type\":\"int32\","
                 "\"nullable\":false,\"identity\":\"always\",\"sequence\":{\"increment\":0}}]}}}",
                 "increment 0, or min above max");
    expect_error(HEAD
                 "\"tables\":{\"t\":{\"columns\":[{\"name\":\"id\",\"type\":\"int32\","
                 "\"nullable\":false,\"identity\":\"always\",\"sequence\":{\"start\":1.5}}]}}}",
                 "a sequence's \"start\" must be a 64-bit integer");
}

/* The writer: each key only when it says something; read back the same. */
static void test_write(void)
{
    fmt_table *t = table_new(NULL, "t");
    membuf out = {0};
    fmt_doc_writer *w = NULL;
    fmt_header h = {0};
    fmt_sequence seqs[1] = {{0}};
    add_column(t, "a", "text", "text", 1);
    fmt_column *c = add_column(t, "id", "int32", "integer", 0); /* valid until the next one */
    c->identity = FMT_IDENTITY_BY_DEFAULT;
    c->sequence = calloc(1, sizeof *c->sequence);
    c->sequence->start = 7;
    c->sequence->increment = 2;
    c->sequence->min_value = 1;
    c->sequence->max_value = 99;
    c->sequence->cache = 1;
    t->uniques = calloc(1, sizeof *t->uniques);
    t->nuniques = 1;
    CHECK(fmt_strings_push(&t->uniques[0].columns, &t->uniques[0].ncolumns, fmt_strdup("a")) == 0);
    CHECK(fmt_strings_push(&t->uniques[0].include, &t->uniques[0].ninclude, fmt_strdup("id")) == 0);
    t->uniques[0].nulls_not_distinct = true;
    seqs[0].name = "s";
    seqs[0].type = "bigint";
    seqs[0].increment = seqs[0].cache = seqs[0].min_value = 1;
    seqs[0].max_value = 5;
    seqs[0].owned_by_table = "t";
    seqs[0].owned_by_column = "a";
    h.sequences = seqs;
    h.nsequences = 1;
    h.source_backend = "postgresql";
    h.source_version = "15";
    h.source_database = "d";
    CHECK(fmt_doc_writer_new(&w, mem_sink, &out) == 0);
    CHECK(fmt_doc_write_header(w, &h) == 0 && fmt_doc_write_table_begin(w, t, 0) == 0 &&
          fmt_doc_write_table_end(w) == 0 && fmt_doc_write_end(w, NULL, 0) == 0);
    mem_sink(&out, "", 1);
    CHECK(out.data && strstr(out.data, "\"identity\":\"by_default\",\"sequence\":{\"start\":7,"
                                       "\"increment\":2,\"min\":1,\"max\":99,\"cache\":1,"
                                       "\"cycle\":false}"));
    CHECK(out.data && strstr(out.data, "{\"columns\":[\"a\"],\"include\":[\"id\"],"
                                       "\"nulls_not_distinct\":true}"));
    CHECK(out.data && strstr(out.data, "\"owned_by\": {\n        \"table\": \"t\",\n        "
                                       "\"column\": \"a\"\n      }"));
    fmt_doc_writer_free(w);
    fmt_table_free(t);
    free(out.data);
}

int main(void)
{
    test_read();
    test_exclusion();
    test_matviews();
    test_partitions();
    test_read_1_2();
    test_errors();
    test_write();
    return check_report();
}
