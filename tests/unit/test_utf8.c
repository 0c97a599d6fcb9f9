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

int main(void)
{
    test_valid();
    test_invalid();
    test_encode_all();
    test_two_byte_exhaustive();
    return check_report();
}
