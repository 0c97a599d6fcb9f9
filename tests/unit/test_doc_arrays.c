/* Array values in the document layer: the reader hands an array over as a
 * tree (value.h), built per row in blocks it reuses; the writer turns the
 * tree back into the bytes the file had; the size limit holds. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc_reader.h"
#include "fixtures.h"
#include "values_write.h"

#define HEAD                                                                                       \
    "{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":"                 \
    "\"postgresql\"},\"tables\":{\"t\":{\"columns\":["                                             \
    "{\"name\":\"id\",\"type\":\"int32\",\"nullable\":false},"                                     \
    "{\"name\":\"a\",\"type\":\"array(int64)\",\"nullable\":true},"                                \
    "{\"name\":\"j\",\"type\":\"array(jsonb)\",\"nullable\":true},"                                \
    "{\"name\":\"b\",\"type\":\"array(bytes)\",\"nullable\":true}],\"rows\":["
#define TAIL "]}}}"

/* The arrays of the rows below, as the file has them. */
static const char *const row1_a = "[[1,null],[3,\"9007199254740993\"],[]]";
static const char *const row1_j =
    "[{\"a\":[1,\"x\\ny\"]},\"s\\\"q\",{\"$jsonb\":null},null,2.50,true]";
static const char *const row1_b = "[\"AAE=\",null,{\"$text\":\"x\"}]";

static fmt_doc_reader *open_doc(membuf *in, const char *rows, const fmt_doc_reader_options *o)
{
    fmt_doc_reader *r = NULL;
    fmt_doc_event ev;
    memset(in, 0, sizeof *in);
    mem_sink(in, HEAD, strlen(HEAD));
    mem_sink(in, rows, strlen(rows));
    mem_sink(in, TAIL, strlen(TAIL));
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, in, "a.json", o) == 0);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_HEADER);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_TABLE);
    return r;
}

static int is_text(const fmt_value *v, fmt_value_kind kind, const char *s)
{
    return v->kind == kind && v->len == strlen(s) && memcmp(v->bytes, s, v->len) == 0;
}

/* The tree as compact JSON text, by the writer. */
static char *to_json(const fmt_value *v)
{
    membuf out = {0};
    CHECK(v->kind == FMT_VALUE_ARRAY);
    if (v->kind != FMT_VALUE_ARRAY || fmt_values_array_json(mem_sink, &out, v->array) < 0) {
        free(out.data);
        return NULL;
    }
    return out.data;
}

/* Nested dimensions, NULL elements, an empty dimension, number lexemes. */
static void check_int_tree(const fmt_value *v)
{
    const fmt_array *a = v->array;
    CHECK(v->kind == FMT_VALUE_ARRAY && a && a->n == 3);
    if (v->kind != FMT_VALUE_ARRAY || !a || a->n != 3)
        return;
    const fmt_array *d0 = a->items[0].array, *d1 = a->items[1].array, *d2 = a->items[2].array;
    CHECK(a->items[0].kind == FMT_VALUE_ARRAY && d0 && d0->n == 2);
    CHECK(a->items[2].kind == FMT_VALUE_ARRAY && d2 && d2->n == 0);
    if (d0 && d0->n == 2) {
        CHECK(is_text(&d0->items[0], FMT_VALUE_DECIMAL, "1"));
        CHECK(d0->items[1].kind == FMT_VALUE_NULL);
    }
    CHECK(d1 && d1->n == 2);
    if (d1 && d1->n == 2)
        CHECK(is_text(&d1->items[1], FMT_VALUE_TEXT, "9007199254740993"));
}

/* A jsonb array: every element its compact JSON text; the tagged
 * {"$jsonb": null} is the JSON null, marked as tagged; null is SQL NULL. */
static void check_jsonb_tree(const fmt_value *v)
{
    const fmt_array *a = v->array;
    CHECK(v->kind == FMT_VALUE_ARRAY && a && a->n == 6);
    if (v->kind != FMT_VALUE_ARRAY || !a || a->n != 6)
        return;
    CHECK(is_text(&a->items[0], FMT_VALUE_JSON, "{\"a\":[1,\"x\\ny\"]}"));
    CHECK(is_text(&a->items[1], FMT_VALUE_JSON, "\"s\\\"q\""));
    CHECK(is_text(&a->items[2], FMT_VALUE_JSON, "null") && a->items[2].b);
    CHECK(!a->items[0].b && !a->items[1].b);
    CHECK(a->items[3].kind == FMT_VALUE_NULL);
    CHECK(is_text(&a->items[4], FMT_VALUE_JSON, "2.50"));
    CHECK(is_text(&a->items[5], FMT_VALUE_JSON, "true"));
}

/* bytes elements stay base64 text; a tagged form is an object, handed on. */
static void check_bytes_tree(const fmt_value *v)
{
    const fmt_array *a = v->array;
    CHECK(v->kind == FMT_VALUE_ARRAY && a && a->n == 3);
    if (v->kind != FMT_VALUE_ARRAY || !a || a->n != 3)
        return;
    CHECK(is_text(&a->items[0], FMT_VALUE_TEXT, "AAE="));
    CHECK(a->items[1].kind == FMT_VALUE_NULL);
    CHECK(is_text(&a->items[2], FMT_VALUE_JSON, "{\"$text\":\"x\"}"));
}

/* The same bytes back, from trees that were read while a later column
 * grew the row arena (the blocks do not move). */
static void check_round_trip(const fmt_value *values)
{
    const char *want[] = {row1_a, row1_j, row1_b};
    for (int c = 0; c < 3; c++) {
        char *got = to_json(&values[c + 1]);
        CHECK_STR(got, want[c]);
        free(got);
    }
}

static void test_trees(void)
{
    char rows[1024], big[600];
    for (size_t k = 0; k + 1 < sizeof big; k++)
        big[k] = 'a' + (char)(k % 26);
    big[sizeof big - 1] = 0;
    snprintf(rows, sizeof rows,
             "{\"id\":1,\"a\":%s,\"j\":%s,\"b\":%s},\n"
             "{\"id\":2,\"a\":[[5]],\"j\":[\"%s\"]},\n{\"id\":3,\"a\":[]}",
             row1_a, row1_j, row1_b, big);
    membuf in;
    fmt_doc_reader *r = open_doc(&in, rows, NULL);
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    check_int_tree(&ev.values[1]);
    check_jsonb_tree(&ev.values[2]);
    check_bytes_tree(&ev.values[3]);
    check_round_trip(ev.values);

    /* The next row reuses the blocks: its own tree, nothing of row 1. */
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    char *got = to_json(&ev.values[1]);
    CHECK_STR(got, "[[5]]");
    free(got);
    CHECK(ev.values[2].kind == FMT_VALUE_ARRAY && ev.values[2].array->n == 1);
    CHECK(ev.values[3].kind == FMT_VALUE_NULL);
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    CHECK(ev.values[1].kind == FMT_VALUE_ARRAY && ev.values[1].array->n == 0);
    fmt_doc_reader_free(r);
    free(in.data);
}

/* An array counts against the value-size limit as its JSON text would. */
static void test_limit(void)
{
    fmt_doc_reader_options o = FMT_DOC_READER_OPTIONS_INIT;
    o.max_value = 64;
    membuf in;
    fmt_doc_reader *r = open_doc(&in,
                                 "{\"id\":1,\"a\":[1,2,3,4,5,6,7,8,9,10]},\n"
                                 "{\"id\":2,\"a\":[[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],"
                                 "[1,2,3,4,5,6,7,8,9,10]]}",
                                 &o);
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    CHECK(fmt_doc_reader_next(r, &ev) < 0);
    CHECK(strstr(fmt_doc_reader_errmsg(r), "array value larger than 64 bytes") != NULL);
    CHECK(strstr(fmt_doc_reader_errmsg(r), "column \"a\"") != NULL);
    fmt_doc_reader_free(r);
    free(in.data);
}

/* Many small elements cost more in memory than in text: that is bounded
 * too (twice the value limit, as JSON text in the arena was). */
static void test_memory_limit(void)
{
    fmt_doc_reader_options o = FMT_DOC_READER_OPTIONS_INIT;
    o.max_value = 600;
    char rows[700] = "{\"id\":1,\"a\":[";
    for (int k = 0; k < 60; k++)
        strcat(rows, k ? ",[]" : "[]");
    strcat(rows, "]}");
    membuf in;
    fmt_doc_reader *r = open_doc(&in, rows, &o);
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_next(r, &ev) < 0);
    CHECK(strstr(fmt_doc_reader_errmsg(r), "too many elements for the 600-byte value limit"));
    fmt_doc_reader_free(r);
    free(in.data);
}

/* {"$jsonb": ...} in a jsonb array is a tagged form: one key only. Other
 * '$' objects are data there, as a SQLite source writes them. */
static void test_jsonb_tags(void)
{
    membuf in;
    fmt_doc_reader *r = open_doc(&in,
                                 "{\"id\":1,\"j\":[{\"$a\":1},{\"$jsonb\":{\"$b\":[]}}]},\n"
                                 "{\"id\":2,\"j\":[{\"$jsonb\":1,\"x\":2}]}",
                                 NULL);
    fmt_doc_event ev;
    CHECK(fmt_doc_reader_next(r, &ev) == 0 && ev.type == FMT_DOC_ROW);
    const fmt_array *a = ev.values[2].array;
    CHECK(ev.values[2].kind == FMT_VALUE_ARRAY && a && a->n == 2);
    if (ev.values[2].kind == FMT_VALUE_ARRAY && a && a->n == 2) {
        CHECK(is_text(&a->items[0], FMT_VALUE_JSON, "{\"$a\":1}") && !a->items[0].b);
        CHECK(is_text(&a->items[1], FMT_VALUE_JSON, "{\"$b\":[]}") && a->items[1].b);
        char *got = to_json(&ev.values[2]);
        CHECK_STR(got, "[{\"$a\":1},{\"$jsonb\":{\"$b\":[]}}]");
        free(got);
    }
    CHECK(fmt_doc_reader_next(r, &ev) < 0);
    CHECK(strstr(fmt_doc_reader_errmsg(r), "exactly one key") != NULL);
    fmt_doc_reader_free(r);
    free(in.data);
}

/* A tree built by hand (a target's test, another source) is written by
 * its kinds, and as a column of an array type by the document writer. */
static void test_hand_built(void)
{
    fmt_value inner[] = {v_int(9007199254740993LL), v_real(0.5), v_dec("NaN"),
                         v_bytes(FMT_VALUE_BLOB, "\x00\x01", 2), v_bool(0)};
    fmt_array in = {inner, 5};
    fmt_value outer[] = {v_array(&in), v_null(), v_json("{\"k\":1}"), v_text("t\"")};
    fmt_array a = {outer, 4};
    fmt_value v = v_array(&a);
    char *got = to_json(&v);
    CHECK_STR(got, "[[\"9007199254740993\",0.5,\"NaN\",\"AAE=\",false],null,{\"k\":1},\"t\\\"\"]");
    free(got);
}

int main(void)
{
    test_trees();
    test_limit();
    test_memory_limit();
    test_jsonb_tags();
    test_hand_built();
    return check_report();
}
