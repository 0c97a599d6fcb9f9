/* JSON numbers through the document reader and writer keep their exact
 * text: a jsonb value's numbers at any depth, a json column's text, the
 * elements of jsonb[] and numeric[] arrays, a decimal given as a JSON
 * number. No number becomes a double on the way (STYLE.md: the reader
 * hands the lexeme over). And a jsonb[] element that is itself a JSON
 * array is written tagged, as it would read as one more dimension. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "doc_reader.h"
#include "doc_writer.h"
#include "fixtures.h"
#include "values_write.h"

#define NUMBERS                                                                                    \
    "0.14285714285714285714,123456789012345678901234567890.000000000000000000001,1.50,1e400,-0,"   \
    "1E+2,-1.0e-0,9007199254740993"

/* The row of a one-column document (type) whose value is the JSON text
 * value; the reader's value in *out (its bytes copied to text). */
static int read_one(const char *type, const char *value, fmt_value_kind *kind, char *text,
                    size_t cap, const fmt_array **array, fmt_doc_reader **keep)
{
    static char doc[4096];
    static membuf in;
    free(in.data);
    memset(&in, 0, sizeof in);
    snprintf(doc, sizeof doc,
             "{\"format\":\"dbexport\",\"format_version\":\"1.0\",\"source\":{\"backend\":"
             "\"postgresql\",\"version\":\"15\",\"database\":\"d\"},\"tables\":{\"t\":{\"columns\":"
             "[{\"name\":\"v\",\"type\":\"%s\",\"nullable\":true}],\"rows\":[\n{\"v\":%s}]}}}",
             type, value);
    mem_sink(&in, doc, strlen(doc));
    fmt_doc_reader *r = NULL;
    fmt_doc_event ev;
    int rc;
    CHECK(fmt_doc_reader_new(&r, mem_source, NULL, &in, "n.json", NULL) == 0);
    while ((rc = fmt_doc_reader_next(r, &ev)) == 0 && ev.type != FMT_DOC_ROW &&
           ev.type != FMT_DOC_END)
        ;
    if (rc < 0 || ev.type != FMT_DOC_ROW) {
        fprintf(stderr, "%s: %s\n", value, rc < 0 ? fmt_doc_reader_errmsg(r) : "no row");
        fmt_doc_reader_free(r);
        return -1;
    }
    *kind = ev.values[0].kind;
    snprintf(text, cap, "%.*s", (int)ev.values[0].len,
             ev.values[0].bytes ? ev.values[0].bytes : "");
    if (array)
        *array = ev.values[0].array;
    *keep = r;
    return 0;
}

static void test_jsonb(void)
{
    char text[1024];
    fmt_value_kind kind;
    fmt_doc_reader *r = NULL;
    /* every number as written, whitespace compacted */
    if (read_one("jsonb", "{\"a\": [" NUMBERS "], \"b\": {\"c\": 1E+2}}", &kind, text, sizeof text,
                 NULL, &r) == 0) {
        CHECK(kind == FMT_VALUE_JSON);
        CHECK_STR(text, "{\"a\":[" NUMBERS "],\"b\":{\"c\":1E+2}}");
    }
    fmt_doc_reader_free(r);
    if (read_one("jsonb", "0.14285714285714285714", &kind, text, sizeof text, NULL, &r) == 0)
        CHECK_STR(text, "0.14285714285714285714");
    fmt_doc_reader_free(r);
    if (read_one("jsonb", "{\"$jsonb\": [-0, 1e400]}", &kind, text, sizeof text, NULL, &r) == 0)
        CHECK_STR(text, "[-0,1e400]");
    fmt_doc_reader_free(r);
}

static void test_json_and_decimal(void)
{
    char text[1024];
    fmt_value_kind kind;
    fmt_doc_reader *r = NULL;
    /* a json column is text: exactly as stored, spaces and all */
    if (read_one("json", "\" [1e400, -0, 1.50 ] \"", &kind, text, sizeof text, NULL, &r) == 0)
        CHECK_STR(text, " [1e400, -0, 1.50 ] ");
    fmt_doc_reader_free(r);
    /* a decimal given as a JSON number: its lexeme */
    if (read_one("decimal", "123456789012345678901234567890.000000000000000000001", &kind, text,
                 sizeof text, NULL, &r) == 0) {
        CHECK(kind == FMT_VALUE_DECIMAL);
        CHECK_STR(text, "123456789012345678901234567890.000000000000000000001");
    }
    fmt_doc_reader_free(r);
}

/* Arrays: each element's text, and the tree written back as it was read. */
static void test_arrays(void)
{
    static const char *const cases[][3] = {
        {"array(jsonb)", "[1.50,{\"x\":1E+2},{\"$jsonb\":[-0,1e400]},{\"$jsonb\":null},null]",
         "[1.50,{\"x\":1E+2},{\"$jsonb\":[-0,1e400]},{\"$jsonb\":null},null]"},
        {"array(decimal)", "[[0.14285714285714285714,-0],[1E+2,\"1e400\"]]",
         "[[0.14285714285714285714,-0],[1E+2,\"1e400\"]]"},
        {"array(json)", "[\"1e400\",\" -0 \"]", "[\"1e400\",\" -0 \"]"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[1024];
        fmt_value_kind kind;
        const fmt_array *a = NULL;
        fmt_doc_reader *r = NULL;
        if (read_one(cases[k][0], cases[k][1], &kind, text, sizeof text, &a, &r) < 0)
            continue;
        CHECK(kind == FMT_VALUE_ARRAY && a);
        membuf out = {0};
        fmt_json_writer *j = NULL;
        CHECK(fmt_json_writer_new(&j, mem_sink, &out, NULL) == 0);
        CHECK(a && fmt_values_write_array(j, a) == 0 && fmt_json_writer_flush(j) == 0);
        CHECK_STR(out.data, cases[k][2]);
        fmt_json_writer_free(j);
        free(out.data);
        fmt_doc_reader_free(r);
    }
}

/* A tree whose jsonb element is a JSON array, however it was made: tagged. */
static void test_array_element_tagged(void)
{
    fmt_value items[] = {v_bytes(FMT_VALUE_JSON, "[1,2]", 5), v_bytes(FMT_VALUE_JSON, "3", 1)};
    fmt_array a = {items, 2};
    membuf out = {0};
    fmt_json_writer *j = NULL;
    CHECK(fmt_json_writer_new(&j, mem_sink, &out, NULL) == 0);
    CHECK(fmt_values_write_array(j, &a) == 0 && fmt_json_writer_flush(j) == 0);
    CHECK_STR(out.data, "[{\"$jsonb\":[1,2]},3]");
    fmt_json_writer_free(j);
    free(out.data);
}

int main(void)
{
    test_jsonb();
    test_json_and_decimal();
    test_arrays();
    test_array_element_tagged();
    return check_report();
}
