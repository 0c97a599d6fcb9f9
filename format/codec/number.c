/* number: the text form of numbers in the interchange file. Doubles go out
 * shortest-round-trip and come back bit-identical; integers are parsed with
 * exact range checks and never pass through a double (jq 1.6 rounds 2^53+1,
 * we must not). Everything assumes LC_NUMERIC is "C": the tools never call
 * setlocale(), and formatting still turns a ',' decimal separator into '.'. */
#include "number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lexemes up to this length are parsed from a stack copy; longer ones (legal
 * JSON, e.g. 0.000...0001 with a thousand zeros) are copied to the heap so
 * they still round correctly instead of being rejected. */
#define NUMBER_STACK_COPY 1100

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the RFC 8259 number lexeme at the start of s, or 0 if there is
 * none; the caller compares it with len to demand an exact match. */
static size_t json_number_prefix(const char *s, size_t len)
{
    size_t i = 0;

    if (i < len && s[i] == '-')
        i++;
    if (i >= len)
        return 0;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < len && is_digit(s[i]))
            i++;
    } else {
        return 0;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i]))
            return 0;
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return 0;
        while (i < len && is_digit(s[i]))
            i++;
    }
    return i;
}

int fmt_is_json_number(const char *s, size_t len)
{
    return s != NULL && len > 0 && json_number_prefix(s, len) == len;
}

static int text_equals(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

int fmt_is_decimal_text(const char *s, size_t len)
{
    if (s == NULL)
        return 0;
    return fmt_is_json_number(s, len) || text_equals(s, len, "NaN") ||
           text_equals(s, len, "Infinity") || text_equals(s, len, "-Infinity");
}

/* %.*g of a finite double, with a ',' decimal separator turned into '.' and
 * ".0" appended when the text would otherwise read as an integer ("5" ->
 * "5.0", "-0" -> "-0.0"). Sets *round_trips if strtod gives back v's bits;
 * that test runs on the text as printed, so strtod and snprintf agree on the
 * separator whatever the locale, and memcmp tells -0.0 from 0.0. */
static size_t format_precision(char out[FMT_DOUBLE_BUFSZ], double v, int precision,
                               int *round_trips)
{
    double back;
    size_t n, i;
    int r = snprintf(out, FMT_DOUBLE_BUFSZ, "%.*g", precision, v);

    /* At most 24 characters for a finite double ("-1.2345678901234567e-308"). */
    if (r < 0 || r > FMT_DOUBLE_BUFSZ - 3) {
        out[0] = '\0';
        *round_trips = 0;
        return 0;
    }
    n = (size_t)r;
    back = strtod(out, NULL);
    *round_trips = memcmp(&back, &v, sizeof v) == 0;
    for (i = 0; i < n; i++) {
        if (out[i] == ',')
            out[i] = '.';
    }
    if (memchr(out, '.', n) == NULL && memchr(out, 'e', n) == NULL) {
        out[n++] = '.';
        out[n++] = '0';
        out[n] = '\0';
    }
    return n;
}

int fmt_double_format(char out[FMT_DOUBLE_BUFSZ], double v)
{
    char alt[FMT_DOUBLE_BUFSZ];
    size_t n = 0, alt_n;
    int precision, ok = 0;

    if (isnan(v)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (isinf(v)) {
        const char *t = v < 0 ? "-Infinity" : "Infinity";
        n = strlen(t);
        memcpy(out, t, n + 1);
        return (int)n;
    }

    for (precision = 15; precision <= 16 && !ok; precision++)
        n = format_precision(out, v, precision, &ok);
    if (ok && memchr(out, 'e', n) != NULL) {
        /* %g switches to exponent form when the decimal exponent reaches the
         * precision, so for |v| in [1e15, 1e17) %.17g may print plain digits
         * shorter than the 15 or 16 digit exponent form: take the shorter. */
        int alt_ok;
        alt_n = format_precision(alt, v, 17, &alt_ok);
        if (alt_ok && alt_n < n) {
            memcpy(out, alt, alt_n + 1);
            n = alt_n;
        }
    } else if (!ok) {
        /* %.17g always round-trips an IEEE double; keep it even if strtod
         * disagreed (only possible under a locale it and snprintf disagree
         * on), since 17 digits are still exact. */
        n = format_precision(out, v, 17, &ok);
    }
    return (int)n;
}

int fmt_double_parse(double *out, const char *s, size_t len)
{
    char stack_copy[NUMBER_STACK_COPY + 1];
    char *copy = stack_copy;
    char *end = NULL;
    double v;
    int rc = 0;

    if (s == NULL)
        return -1;
    if (text_equals(s, len, "NaN")) {
        *out = NAN;
        return 0;
    }
    if (text_equals(s, len, "Infinity")) {
        *out = INFINITY;
        return 0;
    }
    if (text_equals(s, len, "-Infinity")) {
        *out = -INFINITY;
        return 0;
    }
    if (!fmt_is_json_number(s, len))
        return -1;

    if (len > NUMBER_STACK_COPY) {
        copy = malloc(len + 1);
        if (copy == NULL)
            return -1;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';

    errno = 0;
    v = strtod(copy, &end);
    if (end != copy + len) {
        rc = -1;
        goto done;
    }
    /* Underflow (ERANGE with 0 or a subnormal) is the correctly rounded value
     * and fine; only a finite lexeme turning into infinity is an error. */
    if (isinf(v)) {
        rc = -2;
        goto done;
    }
    *out = v;

done:
    if (copy != stack_copy)
        free(copy);
    return rc;
}

/* Plain integer lexeme (already grammar-checked, no fraction or exponent):
 * accumulate the magnitude in uint64 against the limit of the sign. */
static int parse_plain_integer(int64_t *out, const char *s, size_t len)
{
    int negative = s[0] == '-';
    size_t i = negative ? 1 : 0;
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t mag = 0;

    for (; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10)
            return -2;
        mag = mag * 10 + d;
    }
    if (negative)
        *out = mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
    else
        *out = (int64_t)mag;
    return 0;
}

/* The exponent of a grammar-checked number, from s[i] (after the 'e') to
 * len, saturated at a bound far beyond any meaningful value and small enough
 * that adding digit counts to it cannot overflow int64. */
static int64_t parse_exponent(const char *s, size_t i, size_t len)
{
    const int64_t exp_clamp = (int64_t)1 << 40;
    int64_t exponent = 0;
    int exp_negative = 0;
    if (s[i] == '+' || s[i] == '-') {
        exp_negative = s[i] == '-';
        i++;
    }
    for (; i < len; i++) {
        if (exponent < exp_clamp)
            exponent = exponent * 10 + (s[i] - '0');
    }
    if (exponent > exp_clamp)
        exponent = exp_clamp;
    return exp_negative ? -exponent : exponent;
}

/* Lexeme with fraction and/or exponent (already grammar-checked). The value
 * is digits(I F) * 10^(x - |F|); decided exactly on the digit string, never
 * through a double, so "9007199254740993e0" cannot round its way in. */
static int parse_integral_float(int64_t *out, const char *s, size_t len)
{
    int negative = s[0] == '-';
    size_t i = negative ? 1 : 0;
    size_t digits_start = i, digits_end, frac_len = 0;
    size_t first_nz = (size_t)-1, last_nz = (size_t)-1; /* indexes into s */
    size_t sig_digits = 0, digits_after_last_nz = 0;
    int64_t exponent = 0, scale;
    uint64_t mag = 0;
    size_t k;

    while (i < len && is_digit(s[i]))
        i++;
    if (i < len && s[i] == '.') {
        size_t frac_start = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        frac_len = i - frac_start;
    }
    digits_end = i;
    if (i < len && (s[i] == 'e' || s[i] == 'E'))
        exponent = parse_exponent(s, i + 1, len);

    /* Significant digits: from the first to the last non-zero digit over the
     * integer and fraction parts (the '.' is skipped). */
    for (k = digits_start; k < digits_end; k++) {
        if (s[k] == '.')
            continue;
        if (s[k] != '0') {
            if (first_nz == (size_t)-1)
                first_nz = k;
            last_nz = k;
        }
    }
    if (first_nz == (size_t)-1) {
        *out = 0; /* "0.0", "-0e5": zero whatever the exponent */
        return 0;
    }
    for (k = last_nz + 1; k < digits_end; k++) {
        if (s[k] != '.')
            digits_after_last_nz++;
    }
    for (k = first_nz; k <= last_nz; k++) {
        if (s[k] != '.')
            sig_digits++;
    }
    /* value = sig * 10^scale, with trailing zeros folded into the scale. */
    scale = exponent - (int64_t)frac_len + (int64_t)digits_after_last_nz;
    if (scale < 0)
        return -1;
    /* FMT_JSON_SAFE_INTEGER has 16 digits. */
    if ((int64_t)sig_digits + scale > 16)
        return -2;
    for (k = first_nz; k <= last_nz; k++) {
        if (s[k] != '.')
            mag = mag * 10 + (uint64_t)(s[k] - '0');
    }
    for (; scale > 0; scale--)
        mag *= 10;
    if (mag > (uint64_t)FMT_JSON_SAFE_INTEGER)
        return -2;
    *out = negative ? -(int64_t)mag : (int64_t)mag;
    return 0;
}

int fmt_int64_parse(int64_t *out, const char *s, size_t len)
{
    if (!fmt_is_json_number(s, len))
        return -1;
    if (memchr(s, '.', len) == NULL && memchr(s, 'e', len) == NULL && memchr(s, 'E', len) == NULL)
        return parse_plain_integer(out, s, len);
    return parse_integral_float(out, s, len);
}

int fmt_int64_format(char out[24], int64_t v)
{
    char tmp[24];
    size_t n = 0, i = 0;
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit int64. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    if (v < 0)
        out[i++] = '-';
    while (n > 0)
        out[i++] = tmp[--n];
    out[i] = '\0';
    return (int)i;
}

/* Nine significant digits always bring a float32 back, and stay within a
 * third of half a float32 step even when the ninth digit is off by one; so
 * scaling in double precision and rounding to an integer is exact enough,
 * and far cheaper than printf plus a parse to check it. */
int fmt_float32_format(char out[24], float f)
{
    char *p = out;
    if (signbit(f))
        *p++ = '-';
    double v = fabs((double)f);
    if (v == 0) {
        *p++ = '0';
        *p = 0;
        return (int)(p - out);
    }
    int e = (int)floor(log10(v));
    /* v / 10^(e - 8), in two steps so no power of ten leaves double range */
    double scaled = e - 8 >= 0 ? v / pow(10, e - 8) : v * pow(10, 8 - e);
    uint64_t m = (uint64_t)llround(scaled);
    if (m >= 1000000000) { /* log10 rounded up, or the rounding carried */
        m = (m + 5) / 10;
        e++;
    } else if (m < 100000000) {
        m = (uint64_t)llround(scaled * 10);
        e--;
    }
    char digits[10];
    for (int i = 8; i >= 0; i--) {
        digits[i] = (char)('0' + m % 10);
        m /= 10;
    }
    int n = 9;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    *p++ = digits[0];
    if (n > 1) {
        *p++ = '.';
        for (int i = 1; i < n; i++)
            *p++ = digits[i];
    }
    *p++ = 'e';
    if (e < 0) {
        *p++ = '-';
        e = -e;
    }
    if (e >= 10)
        *p++ = (char)('0' + e / 10);
    *p++ = (char)('0' + e % 10);
    *p = 0;
    return (int)(p - out);
}
