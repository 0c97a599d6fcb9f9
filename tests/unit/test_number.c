/* Unit tests for format/number.c: shortest round-trip doubles, exact int64
 * parsing with range checks, and the JSON number grammar. */
#include "check.h"
#include "number.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int parse_i64(int64_t *out, const char *s)
{
    return fmt_int64_parse(out, s, strlen(s));
}

static int parse_dbl(double *out, const char *s)
{
    return fmt_double_parse(out, s, strlen(s));
}

static int is_num(const char *s)
{
    return fmt_is_json_number(s, strlen(s));
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const char *fmt_d(double v)
{
    static char buf[FMT_DOUBLE_BUFSZ];
    int n = fmt_double_format(buf, v);
    CHECK(n > 0 && n < FMT_DOUBLE_BUFSZ && (size_t)n == strlen(buf));
    return buf;
}

/* Format, parse back, demand identical bits and a text no longer than
 * "%.17g" (plus the ".0" we may append, which %.17g would also need). */
static int round_trips(double v)
{
    char text[FMT_DOUBLE_BUFSZ], ref[64];
    double back = 0;
    int n = fmt_double_format(text, v);
    int nref = snprintf(ref, sizeof ref, "%.17g", v);

    if (strchr(ref, '.') == NULL && strchr(ref, 'e') == NULL)
        nref += 2;
    if (fmt_double_parse(&back, text, (size_t)n) != 0)
        return 0;
    return same_bits(back, v) && n <= nref && fmt_is_json_number(text, (size_t)n);
}

static void test_double_format(void)
{
    CHECK_STR(fmt_d(0.1), "0.1");
    CHECK_STR(fmt_d(1.0 / 3.0), "0.3333333333333333");
    CHECK_STR(fmt_d(5.0), "5.0");
    CHECK_STR(fmt_d(0.0), "0.0");
    CHECK_STR(fmt_d(-0.0), "-0.0");
    CHECK_STR(fmt_d(-2.5), "-2.5");
    CHECK_STR(fmt_d(1e20), "1e+20");
    CHECK_STR(fmt_d(1e21), "1e+21");
    CHECK_STR(fmt_d(1e22), "1e+22");
    CHECK_STR(fmt_d(100.0), "100.0");
    CHECK_STR(fmt_d(123456789012345678.0), "1.2345678901234568e+17");
    CHECK_STR(fmt_d(9007199254740993.0), "9007199254740992.0"); /* 2^53+1 rounds to 2^53 */
    CHECK_STR(fmt_d(1e16), "1e+16");
    /* Where %.17g prints plain digits shorter than the 16-digit exponent form. */
    CHECK_STR(fmt_d(-56241634450679608.0), "-56241634450679608.0");
    CHECK_STR(fmt_d(1234567890123456.8), "1234567890123456.8");
    CHECK_STR(fmt_d(DBL_MAX), "1.7976931348623157e+308");
    CHECK_STR(fmt_d(5e-324), "4.94065645841247e-324"); /* 15 digits already round-trip */
    CHECK_STR(fmt_d(NAN), "NaN");
    CHECK_STR(fmt_d(INFINITY), "Infinity");
    CHECK_STR(fmt_d(-INFINITY), "-Infinity");

    CHECK(round_trips(0.1));
    CHECK(round_trips(1.0 / 3.0));
    CHECK(round_trips(5e-324));
    CHECK(round_trips(-5e-324));
    CHECK(round_trips(DBL_MIN));
    CHECK(round_trips(DBL_MAX));
    CHECK(round_trips(-DBL_MAX));
    CHECK(round_trips(-0.0));
    CHECK(round_trips(9007199254740993.0));
    CHECK(round_trips(1e21));
    CHECK(round_trips(1e22));
    CHECK(round_trips(123456789012345678.0));
    CHECK(round_trips(0.30000000000000004));
}

/* splitmix64: a fixed-seed generator, so failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_double_random_bits(void)
{
    uint64_t state = 20240601;
    long failures = 0, tested = 0;
    long i;

    for (i = 0; i < 1000000; i++) {
        uint64_t bits = next_random(&state);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        tested++;
        if (!round_trips(v)) {
            if (failures++ < 5)
                fprintf(stderr, "round trip failed for bits 0x%016llx\n", (unsigned long long)bits);
        }
    }
    CHECK(tested > 990000);
    CHECK(failures == 0);
}

static void test_double_parse(void)
{
    double v = 0;
    char *long_text;
    size_t i, n;

    CHECK(parse_dbl(&v, "0.1") == 0 && same_bits(v, 0.1));
    CHECK(parse_dbl(&v, "-0.0") == 0 && same_bits(v, -0.0));
    CHECK(parse_dbl(&v, "-0") == 0 && same_bits(v, -0.0));
    CHECK(parse_dbl(&v, "1E2") == 0 && v == 100.0);
    CHECK(parse_dbl(&v, "1e-400") == 0 && same_bits(v, 0.0));    /* underflow is fine */
    CHECK(parse_dbl(&v, "4e-320") == 0 && v > 0 && v < DBL_MIN); /* subnormal */
    CHECK(parse_dbl(&v, "NaN") == 0 && isnan(v));
    CHECK(parse_dbl(&v, "Infinity") == 0 && isinf(v) && v > 0);
    CHECK(parse_dbl(&v, "-Infinity") == 0 && isinf(v) && v < 0);
    CHECK(parse_dbl(&v, "1e400") == -2);
    CHECK(parse_dbl(&v, "-1e400") == -2);
    CHECK(parse_dbl(&v, "1.7976931348623159e308") == -2); /* rounds up past DBL_MAX */

    /* strtod accepts all of these; JSON does not. */
    CHECK(parse_dbl(&v, "") == -1);
    CHECK(parse_dbl(&v, " 1") == -1);
    CHECK(parse_dbl(&v, "1 ") == -1);
    CHECK(parse_dbl(&v, "+1") == -1);
    CHECK(parse_dbl(&v, "0x10") == -1);
    CHECK(parse_dbl(&v, "inf") == -1);
    CHECK(parse_dbl(&v, "nan") == -1);
    CHECK(parse_dbl(&v, "-NaN") == -1);
    CHECK(parse_dbl(&v, "+Infinity") == -1);
    CHECK(parse_dbl(&v, ".5") == -1);
    CHECK(parse_dbl(&v, "5.") == -1);
    CHECK(parse_dbl(&v, "01") == -1);
    CHECK(parse_dbl(&v, "1e") == -1);
    CHECK(fmt_double_parse(&v, "1.5x", 3) == 0 && v == 1.5); /* len bounds the text */
    CHECK(fmt_double_parse(&v,
                           "1\0"
                           "5",
                           3) == -1);

    /* Longer than the stack copy: handled through the heap, still exact. */
    n = 3000;
    long_text = malloc(n + 1);
    CHECK(long_text != NULL);
    if (long_text) {
        long_text[0] = '0';
        long_text[1] = '.';
        for (i = 2; i < n - 1; i++)
            long_text[i] = '0';
        long_text[n - 1] = '1';
        long_text[n] = '\0';
        CHECK(fmt_double_parse(&v, long_text, n) == 0 && same_bits(v, 0.0));
        memcpy(long_text, "0.1", 3);
        for (i = 3; i < n; i++)
            long_text[i] = '0';
        CHECK(fmt_double_parse(&v, long_text, n) == 0 && same_bits(v, 0.1));
        free(long_text);
    }
}

static void test_int64(void)
{
    int64_t v = 0;
    char buf[24];

    CHECK(parse_i64(&v, "0") == 0 && v == 0);
    CHECK(parse_i64(&v, "-0") == 0 && v == 0);
    CHECK(parse_i64(&v, "42") == 0 && v == 42);
    CHECK(parse_i64(&v, "-42") == 0 && v == -42);
    CHECK(parse_i64(&v, "9223372036854775807") == 0 && v == INT64_MAX);
    CHECK(parse_i64(&v, "-9223372036854775808") == 0 && v == INT64_MIN);
    CHECK(parse_i64(&v, "9223372036854775808") == -2);
    CHECK(parse_i64(&v, "-9223372036854775809") == -2);
    CHECK(parse_i64(&v, "18446744073709551616") == -2);
    CHECK(parse_i64(&v, "99999999999999999999999999") == -2);
    CHECK(parse_i64(&v, "9007199254740993") == 0 && v == 9007199254740993LL);

    CHECK(parse_i64(&v, "") == -1);
    CHECK(parse_i64(&v, "-") == -1);
    CHECK(parse_i64(&v, "+1") == -1);
    CHECK(parse_i64(&v, "01") == -1);
    CHECK(parse_i64(&v, "-01") == -1);
    CHECK(parse_i64(&v, " 1") == -1);
    CHECK(parse_i64(&v, "1x") == -1);
    CHECK(parse_i64(&v, "0x1") == -1);
    CHECK(parse_i64(&v, "NaN") == -1);
    CHECK(fmt_int64_parse(&v, "123", 2) == 0 && v == 12);

    /* jq-style forms of exact integers, within FMT_JSON_SAFE_INTEGER. */
    CHECK(parse_i64(&v, "1e3") == 0 && v == 1000);
    CHECK(parse_i64(&v, "1E+3") == 0 && v == 1000);
    CHECK(parse_i64(&v, "1.0") == 0 && v == 1);
    CHECK(parse_i64(&v, "-2.50e1") == 0 && v == -25);
    CHECK(parse_i64(&v, "12.5e1") == 0 && v == 125);
    CHECK(parse_i64(&v, "1500e-2") == 0 && v == 15);
    CHECK(parse_i64(&v, "0.0") == 0 && v == 0);
    CHECK(parse_i64(&v, "-0.0e99999999999999999999") == 0 && v == 0);
    CHECK(parse_i64(&v, "0.00120e4") == 0 && v == 12);
    CHECK(parse_i64(&v, "9007199254740991.0") == 0 && v == FMT_JSON_SAFE_INTEGER);
    CHECK(parse_i64(&v, "-9.007199254740991e15") == 0 && v == -FMT_JSON_SAFE_INTEGER);
    CHECK(parse_i64(&v, "9007199254740992.0") == -2);
    CHECK(parse_i64(&v, "9007199254740993e0") == -2);
    CHECK(parse_i64(&v, "1e16") == -2);
    CHECK(parse_i64(&v, "1e400") == -2);
    CHECK(parse_i64(&v, "1e99999999999999999999") == -2);
    CHECK(parse_i64(&v, "1.5") == -1);
    CHECK(parse_i64(&v, "1e-1") == -1);
    CHECK(parse_i64(&v, "15e-1") == -1);
    CHECK(parse_i64(&v, "1.0000000000000000000000000001") == -1);
    CHECK(parse_i64(&v, "1e-99999999999999999999") == -1);
    CHECK(parse_i64(&v, "1.") == -1);
    CHECK(parse_i64(&v, "1e") == -1);

    CHECK(fmt_int64_format(buf, 0) == 1);
    CHECK_STR(buf, "0");
    CHECK(fmt_int64_format(buf, -7) == 2);
    CHECK_STR(buf, "-7");
    CHECK(fmt_int64_format(buf, INT64_MAX) == 19);
    CHECK_STR(buf, "9223372036854775807");
    CHECK(fmt_int64_format(buf, INT64_MIN) == 20);
    CHECK_STR(buf, "-9223372036854775808");
    CHECK(parse_i64(&v, buf) == 0 && v == INT64_MIN);
}

static void test_grammar(void)
{
    static const char *const valid[] = {
        "0",    "-0",     "1",   "-1",     "10",
        "0.5",  "-0.5",   "1e5", "1E5",    "1e+5",
        "1e-5", "1.5e10", "0e0", "0.0e-0", "123456789012345678901234567890",
    };
    static const char *const invalid[] = {
        "",    "-",        "+1",   "01",    "-01", "00",  ".5",   "5.",       "1e",
        "1e+", "1.e5",     "1.5e", "--1",   "1-",  " 1",  "1 ",   "0x1",      "1,5",
        "NaN", "Infinity", "inf",  "1e5.0", "e5",  "-.5", "1..2", "\xd9\xa1",
    };
    size_t i;

    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        if (!is_num(valid[i]))
            fprintf(stderr, "should be a JSON number: \"%s\"\n", valid[i]);
        CHECK(is_num(valid[i]));
        CHECK(fmt_is_decimal_text(valid[i], strlen(valid[i])));
    }
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        if (is_num(invalid[i]))
            fprintf(stderr, "should not be a JSON number: \"%s\"\n", invalid[i]);
        CHECK(!is_num(invalid[i]));
    }
    CHECK(!fmt_is_json_number("1\0", 2));
    CHECK(fmt_is_json_number("12", 1));
    CHECK(fmt_is_decimal_text("NaN", 3));
    CHECK(fmt_is_decimal_text("Infinity", 8));
    CHECK(fmt_is_decimal_text("-Infinity", 9));
    CHECK(!fmt_is_decimal_text("nan", 3));
    CHECK(!fmt_is_decimal_text("-NaN", 4));
    CHECK(!fmt_is_decimal_text("+Infinity", 9));
    CHECK(!fmt_is_decimal_text("Inf", 3));
    CHECK(!fmt_is_decimal_text("", 0));
}

/* fmt_float32_format: every finite float32 comes back with the same bits. */
static void float32_round_trip(void)
{
    static const float special[] = {0.0f,
                                    -0.0f,
                                    1.0f,
                                    -1.0f,
                                    0.1f,
                                    1e-45f,
                                    -1e-45f,
                                    1e-38f,
                                    1.17549435e-38f,
                                    3.40282347e38f,
                                    -3.40282347e38f,
                                    16777216.0f,
                                    16777217.0f,
                                    0.3f,
                                    123456789.0f,
                                    1e10f,
                                    7e-45f};
    char out[24];
    int bad = 0;
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        fmt_float32_format(out, special[i]);
        float back = strtof(out, NULL);
        if (memcmp(&back, &special[i], sizeof back) != 0) {
            fprintf(stderr, "float32 %.9g -> %s -> %.9g\n", (double)special[i], out, (double)back);
            bad++;
        }
    }
    fmt_float32_format(out, 1.5f);
    CHECK_STR(out, "1.5e0");
    fmt_float32_format(out, -0.0f);
    CHECK_STR(out, "-0");
    fmt_float32_format(out, 0.1f);
    CHECK_STR(out, "1.00000001e-1"); /* nine digits, not the shortest */
    uint32_t x = 2463534242u;
    for (int i = 0; i < 3000000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t bits = i < 1000000 ? x : (x & 0x807fffffu) | ((uint32_t)(i % 256) << 23);
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f))
            continue;
        int n = fmt_float32_format(out, f);
        float back = strtof(out, NULL);
        uint32_t got;
        memcpy(&got, &back, sizeof got);
        if (got != bits || n >= 24) {
            if (bad++ < 5)
                fprintf(stderr, "float32 bits %08x -> %s -> %08x\n", bits, out, got);
        }
    }
    CHECK(bad == 0);
}

int main(void)
{
    float32_round_trip();
    test_double_format();
    test_double_random_bits();
    test_double_parse();
    test_int64();
    test_grammar();
    return check_report();
}
