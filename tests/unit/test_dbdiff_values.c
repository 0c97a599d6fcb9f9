/* Unit tests for dbdiff's values by meaning (tools/dbdiff/values.c,
 * json_canon.c): equal canonical bytes exactly for the values
 * docs/DBDIFF.md calls equal, and different ones for those it does not;
 * the key order the merge relies on. No database needed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dbdiff.h"

static const dd_value_mode same_backend = {0}, across = {.across = 1},
                           lossy = {.across = 1, .lossy = 1};

static fmt_type type(const char *text)
{
    fmt_type t;
    char err[128];
    if (fmt_type_parse(&t, text, strlen(text), err, sizeof err) < 0)
        abort();
    return t;
}

static fmt_value integer(int64_t i)
{
    fmt_value v = {.kind = FMT_VALUE_INTEGER, .i = i};
    return v;
}

static fmt_value real(double d)
{
    fmt_value v = {.kind = FMT_VALUE_REAL, .d = d};
    return v;
}

static fmt_value boolean(int b)
{
    fmt_value v = {.kind = FMT_VALUE_BOOLEAN, .b = b};
    return v;
}

static fmt_value bytes(fmt_value_kind kind, const char *s)
{
    fmt_value v = {.kind = kind, .bytes = s, .len = strlen(s)};
    return v;
}

/* Whether a and b, of the types ta and tb, are equal by meaning. */
static int equal(fmt_value a, const char *ta, fmt_value b, const char *tb, const dd_value_mode *m)
{
    db_buf x = {0}, y = {0};
    fmt_type type_a = type(ta), type_b = type(tb);
    int ok = dd_value_canon(&x, &a, &type_a, m) == 0 && dd_value_canon(&y, &b, &type_b, m) == 0;
    int same = ok && x.len == y.len && memcmp(x.buf, y.buf, x.len) == 0;
    db_buf_free(&x);
    db_buf_free(&y);
    return same;
}

static void test_numbers(void)
{
    /* A SQLite boolean is an integer. */
    CHECK(equal(integer(1), "boolean", boolean(1), "boolean", &across));
    CHECK(equal(integer(0), "boolean", boolean(0), "boolean", &same_backend));
    CHECK(!equal(integer(2), "boolean", boolean(1), "boolean", &across));
    /* Decimals by numeric value, whatever the spelling or class. */
    CHECK(equal(bytes(FMT_VALUE_DECIMAL, "1.50"), "decimal(10,2)", bytes(FMT_VALUE_DECIMAL, "1.5"),
                "decimal(10,2)", &same_backend));
    CHECK(equal(bytes(FMT_VALUE_DECIMAL, "1.5e1"), "decimal", integer(15), "decimal", &across));
    CHECK(equal(real(0.99), "decimal(10,2)", bytes(FMT_VALUE_DECIMAL, "0.990"), "decimal(10,2)",
                &across));
    CHECK(equal(bytes(FMT_VALUE_DECIMAL, "-0.00"), "decimal", integer(0), "int64", &across));
    CHECK(equal(bytes(FMT_VALUE_TEXT, "NaN"), "decimal", bytes(FMT_VALUE_DECIMAL, "NaN"), "decimal",
                &same_backend));
    CHECK(!equal(bytes(FMT_VALUE_DECIMAL, "1.51"), "decimal", bytes(FMT_VALUE_DECIMAL, "1.5"),
                 "decimal", &across));
    CHECK(!equal(bytes(FMT_VALUE_DECIMAL, "10"), "decimal", bytes(FMT_VALUE_DECIMAL, "1"),
                 "decimal", &across));
    CHECK(!equal(bytes(FMT_VALUE_DECIMAL, "NaN"), "decimal", bytes(FMT_VALUE_DECIMAL, "Infinity"),
                 "decimal", &across));
    /* An integer column's tagged text is not the number. */
    CHECK(!equal(bytes(FMT_VALUE_TEXT, "abc"), "int64", integer(0), "int64", &same_backend));
}

static void test_floats(void)
{
    CHECK(equal(real(0.1), "float64", real(0.1), "float64", &same_backend));
    CHECK(!equal(real(0.1), "float64", real(nextafter(0.1, 1.0)), "float64", &lossy));
    CHECK(equal(real(NAN), "float64", real(-NAN), "float64", &same_backend)); /* one NaN */
    CHECK(equal(bytes(FMT_VALUE_TEXT, "NaN"), "float64", real(NAN), "float64", &across));
    /* -0: different bits, equal only as what SQLite cannot hold. */
    CHECK(!equal(real(-0.0), "float64", real(0.0), "float64", &across));
    CHECK(equal(real(-0.0), "float64", real(0.0), "float64", &lossy));
}

static void test_text_and_json(void)
{
    CHECK(equal(bytes(FMT_VALUE_TEXT, "a"), "text", bytes(FMT_VALUE_TEXT, "a"), "varchar(5)",
                &same_backend));
    CHECK(!equal(bytes(FMT_VALUE_TEXT, "a"), "text", bytes(FMT_VALUE_TEXT, "A"), "text", &across));
    /* char(n): PostgreSQL's padding is not the value. */
    CHECK(equal(bytes(FMT_VALUE_TEXT, "ab  "), "char(4)", bytes(FMT_VALUE_TEXT, "ab"), "char(4)",
                &across));
    CHECK(!equal(bytes(FMT_VALUE_TEXT, "ab  "), "char(4)", bytes(FMT_VALUE_TEXT, "ab"), "char(4)",
                 &same_backend));
    /* Dates are compared as their text: no normalisation. */
    CHECK(!equal(bytes(FMT_VALUE_TEXT, "2024-01-01T00:00:00"), "timestamp",
                 bytes(FMT_VALUE_TEXT, "2024-01-01 00:00:00"), "timestamp", &lossy));
    /* jsonb: key order, white space and number spelling do not count. */
    CHECK(equal(bytes(FMT_VALUE_JSON, "{\"b\":[1,2.0],\"a\":{\"y\":null,\"x\":true}}"), "jsonb",
                bytes(FMT_VALUE_JSON, "{\"a\": {\"x\": true, \"y\": null}, \"b\": [1.0, 2]}"),
                "jsonb", &same_backend));
    CHECK(!equal(bytes(FMT_VALUE_JSON, "[1,2]"), "jsonb", bytes(FMT_VALUE_JSON, "[2,1]"), "jsonb",
                 &same_backend));
    CHECK(!equal(bytes(FMT_VALUE_JSON, "{\"a\":\"1\"}"), "jsonb",
                 bytes(FMT_VALUE_JSON, "{\"a\":1}"), "jsonb", &same_backend));
    /* json is text in one backend, a value against jsonb across. */
    CHECK(!equal(bytes(FMT_VALUE_TEXT, "{\"a\": 1}"), "json", bytes(FMT_VALUE_TEXT, "{\"a\":1}"),
                 "json", &same_backend));
    CHECK(equal(bytes(FMT_VALUE_TEXT, "{\"a\": 1}"), "json", bytes(FMT_VALUE_JSON, "{\"a\":1}"),
                "jsonb", &across));
    /* An untyped SQLite column's 1 is PostgreSQL's text "1" only lossily. */
    CHECK(!equal(integer(1), "any", bytes(FMT_VALUE_TEXT, "1"), "text", &across));
    CHECK(equal(integer(1), "any", bytes(FMT_VALUE_TEXT, "1"), "text", &lossy));
    CHECK(!equal(integer(1), "any", bytes(FMT_VALUE_TEXT, "1"), "any", &same_backend));
}

static void test_arrays(void)
{
    fmt_value items[3] = {integer(1), {.kind = FMT_VALUE_NULL}, bytes(FMT_VALUE_DECIMAL, "3.0")};
    fmt_array array = {items, 3};
    fmt_value tree = {.kind = FMT_VALUE_ARRAY, .array = &array};
    /* A parsed array equals its JSON text from PostgreSQL. */
    CHECK(equal(tree, "array(int32)", bytes(FMT_VALUE_JSON, "[1,null,3]"), "array(int32)",
                &same_backend));
    CHECK(!equal(tree, "array(int32)", bytes(FMT_VALUE_JSON, "[1,3]"), "array(int32)",
                 &same_backend));
}

static void test_blobs(void)
{
    fmt_value a = {.kind = FMT_VALUE_BLOB, .bytes = "\0\x80\x3f", .len = 3};
    fmt_value b = {.kind = FMT_VALUE_BLOB, .bytes = "\0\x80\x3e", .len = 3};
    CHECK(equal(a, "bytes", a, "bytes", &same_backend));
    CHECK(!equal(a, "bytes", b, "bytes", &same_backend));
    /* A blob and the text of the same bytes are not one value. */
    CHECK(!equal(bytes(FMT_VALUE_BLOB, "abc"), "bytes", bytes(FMT_VALUE_TEXT, "abc"), "bytes",
                 &across));
}

static void test_key_order(void)
{
    fmt_value null = {.kind = FMT_VALUE_NULL};
    CHECK(dd_value_key_cmp(&null, &(fmt_value){.kind = FMT_VALUE_INTEGER}) < 0);
    fmt_value two = integer(2), ten = integer(10);
    CHECK(dd_value_key_cmp(&two, &ten) < 0); /* by value, not by text */
    fmt_value half = real(2.5);
    CHECK(dd_value_key_cmp(&two, &half) < 0 && dd_value_key_cmp(&half, &ten) < 0);
    fmt_value a = bytes(FMT_VALUE_TEXT, "a"), b = bytes(FMT_VALUE_TEXT, "b"),
              ab = bytes(FMT_VALUE_TEXT, "ab"), upper = bytes(FMT_VALUE_TEXT, "B");
    CHECK(dd_value_key_cmp(&a, &ab) < 0 && dd_value_key_cmp(&ab, &b) < 0);
    CHECK(dd_value_key_cmp(&upper, &a) < 0); /* bytewise, as COLLATE "C" and BINARY */
    CHECK(dd_value_key_cmp(&ten, &a) < 0);   /* SQLite: numbers before text */
    CHECK(dd_value_key_cmp(&a, &a) == 0);
}

/* Numeric keys a double cannot tell apart are ordered by their exact
 * value: a PostgreSQL numeric key beyond 2^53 must not look like a
 * duplicate (or an order error) to the merge. */
static void test_exact_key_order(void)
{
    fmt_value big1 = bytes(FMT_VALUE_DECIMAL, "100000000000000000001"),
              big2 = bytes(FMT_VALUE_DECIMAL, "100000000000000000002");
    CHECK(dd_value_key_cmp(&big1, &big2) < 0 && dd_value_key_cmp(&big2, &big1) > 0);
    fmt_value neg1 = bytes(FMT_VALUE_DECIMAL, "-100000000000000000001"),
              neg2 = bytes(FMT_VALUE_DECIMAL, "-100000000000000000002");
    CHECK(dd_value_key_cmp(&neg2, &neg1) < 0);
    fmt_value odd = integer(9007199254740993), even = bytes(FMT_VALUE_DECIMAL, "9007199254740992");
    CHECK(dd_value_key_cmp(&even, &odd) < 0 && dd_value_key_cmp(&odd, &even) > 0);
    fmt_value odd_text = bytes(FMT_VALUE_DECIMAL, "9007199254740993.0");
    CHECK(dd_value_key_cmp(&odd, &odd_text) == 0);
    fmt_value scaled = bytes(FMT_VALUE_DECIMAL, "2.50"), plain = bytes(FMT_VALUE_DECIMAL, "2.5");
    CHECK(dd_value_key_cmp(&scaled, &plain) == 0); /* the scale is not the value */
    fmt_value long1 = bytes(FMT_VALUE_DECIMAL, "0.12345678901234567890"),
              long2 = bytes(FMT_VALUE_DECIMAL, "0.1234567890123456789");
    CHECK(dd_value_key_cmp(&long2, &long1) == 0);
    fmt_value long3 = bytes(FMT_VALUE_DECIMAL, "0.12345678901234567891");
    CHECK(dd_value_key_cmp(&long1, &long3) < 0);
    fmt_value zero = bytes(FMT_VALUE_DECIMAL, "0.00"), izero = integer(0);
    CHECK(dd_value_key_cmp(&zero, &izero) == 0);
    fmt_value inf = bytes(FMT_VALUE_DECIMAL, "Infinity");
    CHECK(dd_value_key_cmp(&big2, &inf) < 0 && dd_value_key_cmp(&inf, &inf) == 0);
}

static void test_decimal_canon(void)
{
    static const char *const same[][2] = {
        {"1.50", "1.5"}, {"0.0010", "1e-3"}, {"-12.300", "-1.23E1"}, {"100", "1e2"},
        {"0", "-0.0"},   {"5", "5.0"},       {"1.5e+2", "150.000"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        db_buf x = {0}, y = {0};
        CHECK(dd_decimal_canon(&x, same[i][0], strlen(same[i][0])) == 0);
        CHECK(dd_decimal_canon(&y, same[i][1], strlen(same[i][1])) == 0);
        CHECK(x.len == y.len && memcmp(x.buf, y.buf, x.len) == 0);
        db_buf_free(&x);
        db_buf_free(&y);
    }
    db_buf z = {0};
    CHECK(dd_decimal_canon(&z, "1.2.3", 5) < 0);
    CHECK(dd_decimal_canon(&z, "abc", 3) < 0);
    db_buf_free(&z);
}

int main(void)
{
    test_numbers();
    test_floats();
    test_text_and_json();
    test_arrays();
    test_blobs();
    test_key_order();
    test_exact_key_order();
    test_decimal_canon();
    return check_report();
}
