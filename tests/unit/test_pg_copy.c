/* The COPY encoder's array literals (tools/postgres/copy_encode.c), built
 * from the tree the document reader hands over (value.h): dimensions,
 * NULLs, quoting, bytea and jsonb elements, the refusals. No server. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "pg_copy_encode.h"

/* v encoded for an array column of element kind element; NULL = refused. */
static char *encode(const fmt_value *v, fmt_type_kind element, char *err, size_t errlen)
{
    static char out[512];
    pg_column_encoding c = {PG_ENC_ARRAY, -1, element, "x[]"};
    db_buf line = {0};
    int rc = pg_copy_value(&line, v, &c, err, errlen);
    snprintf(out, sizeof out, "%s", line.buf ? line.buf : "");
    db_buf_free(&line);
    return rc == 0 ? out : NULL;
}

static void test_dimensions(void)
{
    char err[128] = "";
    fmt_value d0[] = {v_dec("1"), v_null()}, d1[] = {v_dec("-3.5e2"), v_text("9007199254740993")};
    fmt_array a0 = {d0, 2}, a1 = {d1, 2}, none = {NULL, 0};
    fmt_value dims[] = {v_array(&a0), v_array(&a1)};
    fmt_array a = {dims, 2};
    fmt_value v = v_array(&a);
    CHECK_STR(encode(&v, FMT_TYPE_INT64, err, sizeof err), "{{1,NULL},{-3.5e2,9007199254740993}}");
    v = v_array(&none);
    CHECK_STR(encode(&v, FMT_TYPE_INT32, err, sizeof err), "{}");
}

/* Quoting for the literal, then COPY's own escaping of the backslashes,
 * tab and newline. */
static void test_quoting(void)
{
    char err[128] = "";
    fmt_value items[] = {v_text("a b"), v_text("\"q\""),     v_text("NULL"), v_text("back\\slash"),
                         v_text("{}"),  v_text("tab\there"), v_text(""),     v_bool(1),
                         v_null()};
    fmt_array a = {items, 9};
    fmt_value v = v_array(&a);
    CHECK_STR(encode(&v, FMT_TYPE_TEXT, err, sizeof err),
              "{\"a b\",\"\\\\\"q\\\\\"\",\"NULL\",\"back\\\\\\\\slash\",\"{}\",\"tab\\there\","
              "\"\",t,NULL}");
}

static void test_bytea_and_jsonb(void)
{
    char err[128] = "";
    fmt_value b[] = {v_text("AP8="), v_bytes(FMT_VALUE_BLOB, "\x01", 1), v_null()};
    fmt_array ab = {b, 3};
    fmt_value v = v_array(&ab);
    CHECK_STR(encode(&v, FMT_TYPE_BYTES, err, sizeof err),
              "{\"\\\\\\\\x00ff\",\"\\\\\\\\x01\",NULL}");
    /* The reader's jsonb elements are JSON text; a text element of a
     * hand-built tree becomes a JSON string, escaped as the file's. */
    fmt_value j[] = {v_json("{\"a\":1}"), v_json("true"), v_text("x\ny"), v_bool(0),
                     v_json("null")};
    j[4].b = 1; /* the file's {"$jsonb": null}: the JSON null, not the wrapper */
    fmt_array aj = {j, 5};
    v = v_array(&aj);
    CHECK_STR(encode(&v, FMT_TYPE_JSONB, err, sizeof err),
              "{\"{\\\\\"a\\\\\":1}\",true,\"\\\\\"x\\\\\\\\ny\\\\\"\",false,\"null\"}");
}

static void test_refusals(void)
{
    char err[128] = "";
    fmt_value obj[] = {v_json("{\"$text\":\"x\"}")};
    fmt_array a = {obj, 1};
    fmt_value v = v_array(&a);
    CHECK(encode(&v, FMT_TYPE_INT32, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot be an object") != NULL);
    fmt_value nul[] = {v_bytes(FMT_VALUE_TEXT, "a\0b", 3)};
    fmt_array an = {nul, 1};
    v = v_array(&an);
    CHECK(encode(&v, FMT_TYPE_TEXT, err, sizeof err) == NULL);
    CHECK(strstr(err, "NUL") != NULL);
    fmt_value bad[] = {v_text("A")};
    fmt_array ax = {bad, 1};
    v = v_array(&ax);
    CHECK(encode(&v, FMT_TYPE_BYTES, err, sizeof err) == NULL);
    /* An array only goes to an array column. */
    pg_column_encoding text = {PG_ENC_TEXT, -1, FMT_TYPE_TEXT, "text"};
    db_buf line = {0};
    CHECK(pg_copy_value(&line, &v, &text, err, sizeof err) < 0);
    CHECK(strstr(err, "an array cannot go to a column of type text") != NULL);
    db_buf_free(&line);
}

int main(void)
{
    test_dimensions();
    test_quoting();
    test_bytea_and_jsonb();
    test_refusals();
    return check_report();
}
