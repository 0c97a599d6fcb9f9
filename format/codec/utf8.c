/* Strict UTF-8 (RFC 3629): the well-formed byte sequences of its table in
 * section 4, so overlong forms, surrogates (U+D800..U+DFFF) and code points
 * above U+10FFFF are rejected by the ranges allowed for the second byte.
 * The one validator of the library: the JSON writer, the document writer and
 * the PostgreSQL COPY codec all use it. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Runs of ASCII are skipped eight bytes at a time because that is nearly
 * all text in a database; the JSON writer validates every string it writes
 * with this, so it is on the export's hot path. */
size_t fmt_utf8_validate(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        while (i + 8 <= len) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ull)
                break;
            i += 8;
        }
        /* Byte by byte to the next ASCII byte after a multibyte sequence:
         * text in one script (CJK, Cyrillic) stays here. */
        for (;;) {
            if (i >= len)
                return len;
            unsigned c = s[i];
            if (c < 0x80) {
                i++;
                continue;
            }
            if (c >= 0xc2 && c <= 0xdf) {
                if (len - i < 2 || (s[i + 1] & 0xc0) != 0x80)
                    return i;
                i += 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                /* E0 excludes overlongs (second byte >= A0), ED surrogates (<= 9F). */
                unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
                if (len - i < 3 || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xc0) != 0x80)
                    return i;
                i += 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                /* F0 excludes overlongs (>= 90), F4 anything above U+10FFFF (<= 8F). */
                unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
                if (len - i < 4 || s[i + 1] < lo || s[i + 1] > hi || (s[i + 2] & 0xc0) != 0x80 ||
                    (s[i + 3] & 0xc0) != 0x80)
                    return i;
                i += 4;
            } else {
                return i; /* continuation byte, C0/C1 overlong lead, F5..FF */
            }
            if (i < len && s[i] < 0x80)
                break; /* back to eight at a time */
        }
    }
    return len;
}

/* Returns the bytes written, or -1 (nothing written) for a surrogate or a
 * value above U+10FFFF, which have no UTF-8 form. */
int fmt_utf8_encode(char *out, unsigned cp)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
        return -1;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp <= 0x10ffff) {
        o[0] = (unsigned char)(0xf0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (unsigned char)(0x80 | (cp & 0x3f));
        return 4;
    }
    return -1;
}
