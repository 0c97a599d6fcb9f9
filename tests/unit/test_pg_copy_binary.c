/* The binary COPY encoder (tools/postgres/copy_binary.c): the values
 * PostgreSQL stores for the texts it reads, the texts it leaves to the
 * text path (1), and the bytes of each field. No server: the CLI test
 * cli.pg_binary_copy_in compares with one. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "pg_copy_binary.h"

static int ts(const char *s, int zone, int64_t *out)
{
    return pg_copy_binary_timestamp(out, s, strlen(s), zone);
}

static void test_timestamps(void)
{
    int64_t v;
    CHECK(ts("2000-01-01 00:00:00", 0, &v) == 0 && v == 0);
    CHECK(ts("2000-01-02", 0, &v) == 0 && v == INT64_C(86400000000));
    CHECK(ts("1999-12-31 23:59:59.999999", 0, &v) == 0 && v == -1);
    CHECK(ts("2024-01-01T00:00:00", 0, &v) == 0 && v == INT64_C(757382400000000));
    CHECK(ts("2024-01-01 00:00", 0, &v) == 0 && v == INT64_C(757382400000000));
    CHECK(ts("2000-01-01 00:00:00.5", 0, &v) == 0 && v == 500000);
    CHECK(ts("294276-12-31 23:59:59.999999", 0, &v) == 0 && v == INT64_C(9223371331199999999));
    CHECK(ts("4714-11-24 00:00:00 BC", 0, &v) == 0 && v == INT64_C(-211813488000000000));
    CHECK(ts("infinity", 1, &v) == 0 && v == INT64_MAX);
    CHECK(ts("-infinity", 1, &v) == 0 && v == INT64_MIN);
    /* offsets: east of UTC is earlier in UTC; ignored without a zone */
    CHECK(ts("2000-01-01 05:30:00+05:30", 1, &v) == 0 && v == 0);
    CHECK(ts("1999-12-31 16:00:00-08", 1, &v) == 0 && v == 0);
    CHECK(ts("2000-01-01 00:00:00Z", 1, &v) == 0 && v == 0);
    CHECK(ts("2000-01-01 00:00:01+00:00:01", 1, &v) == 0 && v == 0);
    CHECK(ts("2000-01-01 05:30:00+05:30", 0, &v) == 0 && v == INT64_C(19800000000));
    CHECK(ts("4713-01-01 00:00:00+00 BC", 1, &v) == 0);
    /* left to the server */
    const char *text_only[] = {"4714-11-23 23:59:59 BC",
                               "294277-01-01 00:00:00",
                               "2024-02-30 00:00:00",
                               "2023-02-29",
                               "0000-01-01",
                               "2024-01-01 24:00:00",
                               "2024-01-01 23:59:60",
                               "2024-1-01",
                               "24-01-01",
                               "2024-01-01 00:00:00.1234567",
                               "2024-01-01 00:00:00+16",
                               "Infinity",
                               " 2024-01-01",
                               "2024-01-01 00:00:00 +00",
                               "now",
                               "2024-01-01 00:00:00 PST",
                               "",
                               "2024-01-01 00:00:00+5"};
    for (size_t i = 0; i < sizeof text_only / sizeof *text_only; i++) {
        CHECK(ts(text_only[i], 1, &v) == 1);
        if (ts(text_only[i], 1, &v) != 1)
            fprintf(stderr, "  read: \"%s\"\n", text_only[i]);
    }
}

static void test_dates(void)
{
    int32_t d;
    CHECK(pg_copy_binary_date(&d, "2000-01-01", 10) == 0 && d == 0);
    CHECK(pg_copy_binary_date(&d, "4714-11-24 BC", 13) == 0 && d == -2451545);
    CHECK(pg_copy_binary_date(&d, "5874897-12-31", 13) == 0 && d == 2145031948);
    CHECK(pg_copy_binary_date(&d, "5874898-01-01", 13) == 1);
    CHECK(pg_copy_binary_date(&d, "4714-11-23 BC", 13) == 1);
    CHECK(pg_copy_binary_date(&d, "infinity", 8) == 0 && d == INT32_MAX);
    CHECK(pg_copy_binary_date(&d, "2024-02-29", 10) == 0 && d == 8825);
    CHECK(pg_copy_binary_date(&d, "2024-01-01 00:00:00", 19) == 1);
}

/* One field of v for form t, as hex of its bytes (length included), or
 * "text" when it is left to the text path. */
static const char *field_hex(const fmt_value *v, pg_encoding enc, int32_t dim, pg_binary_type t)
{
    static char hex[256];
    pg_column_encoding c = {enc, dim, FMT_TYPE_TEXT, "t"};
    db_buf b = {0};
    if (pg_copy_binary_value(&b, v, &c, t)) {
        CHECK(b.len == 0);
        db_buf_free(&b);
        return "text";
    }
    for (size_t i = 0; i < b.len && 2 * i + 2 < sizeof hex; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)b.buf[i]);
    hex[2 * b.len] = '\0';
    db_buf_free(&b);
    return hex;
}

static void test_values(void)
{
    fmt_value v = {.kind = FMT_VALUE_INTEGER, .i = 70000};
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_INT4), "0000000400011170");
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_INT2), "text");
    v.i = (1 << 24) + 1; /* float4: rounded as strtof rounds its text */
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_FLOAT4), "000000044b800000");
    v = (fmt_value){.kind = FMT_VALUE_REAL, .d = 0.1};
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_FLOAT4), "000000043dcccccd");
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_FLOAT8), "000000083fb999999999999a");
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_INT8), "text");
    v.d = 1e-50; /* float4in: out of range */
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_FLOAT4), "text");
    v = (fmt_value){.kind = FMT_VALUE_BOOLEAN, .b = 1};
    CHECK_STR(field_hex(&v, PG_ENC_BOOLEAN, -1, PG_BIN_BOOL), "0000000101");
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_TEXT), "0000000474727565");
    v = (fmt_value){.kind = FMT_VALUE_NULL};
    CHECK_STR(field_hex(&v, PG_ENC_NUMBER, -1, PG_BIN_INT4), "ffffffff");
    v = (fmt_value){.kind = FMT_VALUE_TEXT, .bytes = "a\0b", .len = 3};
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_TEXT), "text");
    v = (fmt_value){.kind = FMT_VALUE_TEXT, .bytes = "\xff", .len = 1};
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_TEXT), "text");
    v = (fmt_value){.kind = FMT_VALUE_JSON, .bytes = "{}", .len = 2};
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_JSONB), "00000003017b7d");
    char name[65];
    memset(name, 'n', 64);
    v = (fmt_value){.kind = FMT_VALUE_TEXT, .bytes = name, .len = 64};
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_NAME), "text");
    v = (fmt_value){
        .kind = FMT_VALUE_TEXT, .bytes = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", .len = 36};
    CHECK_STR(field_hex(&v, PG_ENC_TEXT, -1, PG_BIN_UUID),
              "00000010a0eebc999c0b4ef8bb6d6bb9bd380a11");
    /* vectors: the file's little-endian bytes, swapped, after dim and 0 */
    v = (fmt_value){.kind = FMT_VALUE_BLOB, .bytes = "\x00\x00\x80\x3f\x01\x00\x00\x80", .len = 8};
    CHECK_STR(field_hex(&v, PG_ENC_VECTOR, 2, PG_BIN_VECTOR), "0000000c000200003f80000080000001");
    CHECK_STR(field_hex(&v, PG_ENC_VECTOR, 3, PG_BIN_VECTOR), "text");
    CHECK_STR(field_hex(&v, PG_ENC_HALFVEC, -1, PG_BIN_HALFVEC),
              "0000000c0004000000003f8000018000");
    v = (fmt_value){.kind = FMT_VALUE_BLOB, .bytes = "\x00\x00\xc0\x7f", .len = 4};
    CHECK_STR(field_hex(&v, PG_ENC_VECTOR, -1, PG_BIN_VECTOR), "text"); /* NaN */
    v = (fmt_value){.kind = FMT_VALUE_BLOB, .bytes = "\x00\x7c", .len = 2};
    CHECK_STR(field_hex(&v, PG_ENC_HALFVEC, -1, PG_BIN_HALFVEC), "text"); /* infinity */
}

static void test_types(void)
{
    CHECK(pg_copy_binary_type("int4", 'b', 1, 0) == PG_BIN_INT4);
    CHECK(pg_copy_binary_type("int4", 'b', 0, 0) == PG_BIN_NONE); /* another schema's */
    CHECK(pg_copy_binary_type("int4", 'd', 1, 0) == PG_BIN_NONE); /* a domain */
    CHECK(pg_copy_binary_type("numeric", 'b', 1, 0) == PG_BIN_NONE);
    CHECK(pg_copy_binary_type("vector", 'b', 0, 1) == PG_BIN_VECTOR);
    CHECK(pg_copy_binary_type("vector", 'b', 0, 0) == PG_BIN_NONE);
    CHECK(pg_copy_binary_type("_int4", 'b', 1, 0) == PG_BIN_NONE);
}

int main(void)
{
    test_timestamps();
    test_dates();
    test_values();
    test_types();
    return check_report();
}
