/* Unit tests for format/utf8: the RFC 3629 boundaries, each class of
 * ill-formed sequence with the offset reported, and encode/validate
 * agreeing over every code point. */
#include "check.h"
#include "utf8.h"

#include <string.h>

/* Offset reported for the len bytes of s. */
static size_t validate(const char *s, size_t len)
{
    return fmt_utf8_validate(s, len);
}

#define VALID(lit) CHECK(validate(lit, sizeof(lit) - 1) == sizeof(lit) - 1)
#define INVALID_AT(lit, off) CHECK(validate(lit, sizeof(lit) - 1) == (off))

static void test_valid(void)
{
    VALID("");
    VALID("plain ascii");
    VALID("\x00"); /* U+0000 is a character; NUL handling is the caller's business */
    VALID("\x7f");
    VALID("\xc2\x80");         /* U+0080 */
    VALID("\xdf\xbf");         /* U+07FF */
    VALID("\xe0\xa0\x80");     /* U+0800 */
    VALID("\xed\x9f\xbf");     /* U+D7FF, just below the surrogates */
    VALID("\xee\x80\x80");     /* U+E000, just above */
    VALID("\xef\xbf\xbf");     /* U+FFFF */
    VALID("\xf0\x90\x80\x80"); /* U+10000 */
    VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    VALID("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void test_invalid(void)
{
    /* Stray continuation bytes and impossible lead bytes. */
    INVALID_AT("\x80", 0);
    INVALID_AT("ab\xbf", 2);
    INVALID_AT("\xfe", 0);
    INVALID_AT("\xff", 0);
    INVALID_AT("\xf5\x80\x80\x80", 0);
    /* Overlongs. */
    INVALID_AT("\xc0\x80", 0); /* NUL in two bytes (modified UTF-8) */
    INVALID_AT("\xc1\xbf", 0);
    INVALID_AT("x\xe0\x80\x80", 1);
    INVALID_AT("\xe0\x9f\xbf", 0);
    INVALID_AT("\xf0\x80\x80\x80", 0);
    INVALID_AT("\xf0\x8f\xbf\xbf", 0);
    /* Surrogates, alone and as a CESU-8 pair. */
    INVALID_AT("\xed\xa0\x80", 0);
    INVALID_AT("\xed\xbf\xbf", 0);
    INVALID_AT("ok\xed\xa0\xbd\xed\xb8\x80", 2);
    /* Above U+10FFFF. */
    INVALID_AT("\xf4\x90\x80\x80", 0);
    INVALID_AT("\xf7\xbf\xbf\xbf", 0);
    /* Truncated at end of input: the offset is the lead byte. */
    INVALID_AT("abc\xc3", 3);
    INVALID_AT("abc\xe2\x82", 3);
    INVALID_AT("\xf0\x9f\x98", 0);
    /* Truncated by a following non-continuation byte. */
    INVALID_AT("\xc3(", 0);
    INVALID_AT("\xe2\x82(", 0);
    INVALID_AT("\xf0\x9f\x98(", 0);
    INVALID_AT("\xe2\x82\xac\xe2\x28\xa1", 3);

    /* The length bounds the scan: a valid sequence cut by len is invalid. */
    CHECK(validate("\xc3\xa9", 1) == 0);
    CHECK(validate("a\xc3\xa9", 2) == 1);
}

/* Encoding each scalar value gives bytes the validator accepts in full;
 * surrogates and values past U+10FFFF are refused by the encoder. */
static void test_encode_all(void)
{
    int bad = 0;
    char out[4];

    for (unsigned cp = 0; cp <= 0x10ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) {
            continue;
        }
        int n = fmt_utf8_encode(out, cp);
        int want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n != want || validate(out, (size_t)n) != (size_t)n) {
            bad++;
        }
    }
    CHECK(bad == 0);
    CHECK(fmt_utf8_encode(out, 0x20ac) == 3 && memcmp(out, "\xe2\x82\xac", 3) == 0);
    CHECK(fmt_utf8_encode(out, 0x1f600) == 4 && memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
    CHECK(fmt_utf8_encode(out, 0xd800) < 0);
    CHECK(fmt_utf8_encode(out, 0xdfff) < 0);
    CHECK(fmt_utf8_encode(out, 0x110000) < 0);
    CHECK(fmt_utf8_encode(out, 0xffffffffu) < 0);
}

/* Every two-byte input is classified like a reference decoder would. */
static void test_two_byte_exhaustive(void)
{
    int bad = 0;

    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            char s[2] = {(char)a, (char)b};
            size_t got = validate(s, 2);
            size_t want;
            if (a < 0x80) {
                want = b < 0x80 ? 2 : 1;
            } else if (a >= 0xc2 && a <= 0xdf && b >= 0x80 && b <= 0xbf) {
                want = 2;
            } else {
                want = 0;
            }
            if (got != want) {
                bad++;
            }
        }
    }
    CHECK(bad == 0);
}

/* A byte-at-a-time reference: the length of the well-formed sequence at
 * s (RFC 3629 table 3-7), or 0. */
static size_t reference_length(const unsigned char *s, size_t avail)
{
    unsigned c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

static size_t reference_validate(const unsigned char *s, size_t len)
{
    size_t i = 0, n;
    while (i < len && (n = reference_length(s + i, len - i)) != 0)
        i += n;
    return i < len ? i : len;
}

/* The validator skips ASCII eight bytes at a time: a bad byte or a
 * multibyte sequence at every offset around those words is still found. */
static void test_word_boundaries(void)
{
    int bad = 0;
    for (size_t len = 1; len <= 40; len++) {
        for (size_t at = 0; at < len; at++) {
            char s[48];
            memset(s, 'a', sizeof s);
            s[at] = (char)0xff;
            if (validate(s, len) != at)
                bad++;
            if (at + 3 <= len) { /* a euro sign at 'at', then ASCII */
                memcpy(s + at, "\xe2\x82\xac", 3);
                if (validate(s, len) != len)
                    bad++;
                if (at + 4 < len) { /* and a stray continuation byte after it */
                    s[len - 1] = (char)0x80;
                    if (validate(s, len) != len - 1)
                        bad++;
                }
            }
        }
    }
    CHECK(bad == 0);
}

/* Random strings of the bytes that matter (ASCII, continuation bytes, lead
 * bytes at the range limits) agree with the reference. */
static void test_random_against_reference(void)
{
    static const unsigned char pool[] = {'a',  ' ',  0x00, 0x7f, 0x80, 0x8f, 0x90,
                                         0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0,
                                         0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    unsigned long long seed = 0x9e3779b97f4a7c15ull;
    int bad = 0;
    for (int round = 0; round < 200000; round++) {
        unsigned char s[32];
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = (size_t)(seed >> 59) + 1;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            s[i] = (seed >> 60) < 8 ? 'a' : pool[(seed >> 33) % sizeof pool];
        }
        if (validate((const char *)s, len) != reference_validate(s, len))
            bad++;
    }
    CHECK(bad == 0);
}

int main(void)
{
    test_valid();
    test_invalid();
    test_encode_all();
    test_two_byte_exhaustive();
    test_word_boundaries();
    test_random_against_reference();
    return check_report();
}
