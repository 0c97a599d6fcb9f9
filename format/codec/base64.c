/* Base64 (RFC 4648, standard alphabet, padded, no line breaks), strict.
 *
 * The codec is a table lookup per character. libb64, which it replaced,
 * costs a function call and a state switch per character: 7 times the CPU,
 * and a third of an export's or an import's of a table of embeddings
 * (docs/PERFORMANCE.md). It also broke lines every 72 characters and
 * skipped invalid characters when decoding; the unit tests still check this
 * codec against it, on random bytes of every length. Decoding validates as
 * it goes (alphabet, length, padding, canonical trailing bits) and finds
 * what is wrong, for the message, only when something is. */
#include "base64.h"

#include <stdio.h>
#include <string.h>

static const char digits[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t fmt_base64_encoded_len(size_t len)
{
    return (len + 2) / 3 * 4;
}

/* Encodes len bytes, a multiple of 3 unless last is set, in which case the
 * padded tail is written too. Returns the characters written to out. */
static size_t encode_groups(char *out, const unsigned char *in, size_t len, int last)
{
    char *o = out;
    size_t whole = len - len % 3;
    for (size_t i = 0; i < whole; i += 3, o += 4) {
        unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
        o[0] = digits[v >> 18];
        o[1] = digits[v >> 12 & 63];
        o[2] = digits[v >> 6 & 63];
        o[3] = digits[v & 63];
    }
    if (last && whole < len) {
        unsigned long v = (unsigned long)in[whole] << 16;
        if (len - whole == 2)
            v |= (unsigned long)in[whole + 1] << 8;
        o[0] = digits[v >> 18];
        o[1] = digits[v >> 12 & 63];
        o[2] = len - whole == 2 ? digits[v >> 6 & 63] : '=';
        o[3] = '=';
        o += 4;
    }
    return (size_t)(o - out);
}

void fmt_base64_encode(char *out, const void *in, size_t len)
{
    encode_groups(out, in, len, 1);
}

void fmt_base64_encoder_init(fmt_base64_encoder *e)
{
    memset(e, 0, sizeof *e);
}

size_t fmt_base64_encoder_update(fmt_base64_encoder *e, char *out, const void *in, size_t len)
{
    const unsigned char *p = in;
    size_t written = 0;

    /* Complete a group left over from the previous call first. */
    if (e->npending > 0) {
        while (e->npending < 3 && len > 0) {
            e->pending[e->npending++] = *p++;
            len--;
        }
        if (e->npending < 3) {
            return 0;
        }
        written += encode_groups(out, e->pending, 3, 0);
        e->npending = 0;
    }
    size_t whole = len - len % 3;
    written += encode_groups(out + written, p, whole, 0);
    memcpy(e->pending, p + whole, len - whole);
    e->npending = len - whole;
    return written;
}

size_t fmt_base64_encoder_finish(fmt_base64_encoder *e, char *out)
{
    size_t written = encode_groups(out, e->pending, e->npending, 1);
    e->npending = 0;
    return written;
}

size_t fmt_base64_decoded_max(size_t len)
{
    if (len % 4 != 0) {
        return (size_t)-1;
    }
    return len / 4 * 3;
}

/* Each byte's value in the alphabet (0..63), PAD for '=', 255 for any
 * other: one load per character where a chain of range tests cost the
 * import a seventh of its CPU (docs/PERFORMANCE.md). */
#define PAD 64
/* clang-format off */
static const unsigned char alphabet[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
     52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255,  64, 255, 255,
    255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
     15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
    255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
     41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};
/* clang-format on */

static int alphabet_value(unsigned char c)
{
    return alphabet[c] < PAD ? alphabet[c] : -1;
}

/* Checks that in is the canonical padded encoding of something. Returns the
 * number of padding characters (0..2), or -1 with errbuf set. A stray
 * character is reported before length and padding because it is the most
 * specific diagnosis (a newline pasted from MIME output, say). */
static int validate(const char *in, size_t len, char *errbuf, size_t errlen)
{
    size_t first_pad = len;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (alphabet[c] < PAD) {
            continue;
        }
        if (alphabet[c] == PAD) {
            if (first_pad == len) {
                first_pad = i;
            }
            continue;
        }
        if (c >= 0x20 && c < 0x7f) {
            snprintf(errbuf, errlen, "invalid base64 character '%c' at offset %zu", c, i);
        } else {
            snprintf(errbuf, errlen, "invalid base64 character 0x%02x at offset %zu", c, i);
        }
        return -1;
    }
    if (len % 4 != 0) {
        snprintf(errbuf, errlen, "base64 length %zu is not a multiple of 4", len);
        return -1;
    }
    if (first_pad == len) {
        return 0;
    }
    /* Padding is one or two '=' that end the input; anything after the
     * first '=' that is not '=' makes that '=' misplaced. */
    size_t npad = len - first_pad;
    int pad_ok = npad <= 2;
    for (size_t i = first_pad; pad_ok && i < len; i++) {
        pad_ok = in[i] == '=';
    }
    if (!pad_ok) {
        snprintf(errbuf, errlen, "invalid base64 padding at offset %zu", first_pad);
        return -1;
    }
    /* The last data character carries bits beyond the final byte; they
     * must be zero or several encodings would decode to the same bytes. */
    size_t last = first_pad - 1;
    int unused_mask = npad == 2 ? 0x0f : 0x03;
    if (alphabet_value((unsigned char)in[last]) & unused_mask) {
        snprintf(errbuf, errlen,
                 "non-canonical base64: unused bits of '%c' at offset %zu are not zero", in[last],
                 last);
        return -1;
    }
    return (int)npad;
}

/* Decodes the canonical padded encoding in[0..len) into out, or returns -1
 * when it is not one; validate() then says what is wrong. */
static int decode_fast(unsigned char *out, size_t *outlen, const char *in, size_t len)
{
    const unsigned char *p = (const unsigned char *)in;
    unsigned char *o = out;
    unsigned bad = 0;
    if (len % 4 != 0)
        return -1;
    if (len == 0) {
        *outlen = 0;
        return 0;
    }
    /* Every group but the last: four characters of the alphabet. A value
     * with a bit above 63 (PAD or 255) marks one that is not. */
    size_t body = len - 4;
    for (size_t i = 0; i < body; i += 4, o += 3) {
        unsigned a = alphabet[p[i]], b = alphabet[p[i + 1]], c = alphabet[p[i + 2]],
                 d = alphabet[p[i + 3]];
        bad |= a | b | c | d;
        unsigned long v = (unsigned long)a << 18 | (unsigned long)b << 12 | c << 6 | d;
        o[0] = (unsigned char)(v >> 16);
        o[1] = (unsigned char)(v >> 8);
        o[2] = (unsigned char)v;
    }
    /* The last: "xxxx", "xxx=" or "xx==", its unused bits zero. */
    p += body;
    unsigned a = alphabet[p[0]], b = alphabet[p[1]], c = alphabet[p[2]], d = alphabet[p[3]];
    bad |= a | b;
    if (bad >= PAD)
        return -1;
    if (d != PAD) {
        if ((c | d) >= PAD)
            return -1;
        unsigned long v = (unsigned long)a << 18 | (unsigned long)b << 12 | c << 6 | d;
        o[0] = (unsigned char)(v >> 16);
        o[1] = (unsigned char)(v >> 8);
        o[2] = (unsigned char)v;
        o += 3;
    } else if (c != PAD) {
        if (c > PAD || (c & 0x03))
            return -1;
        o[0] = (unsigned char)(a << 2 | b >> 4);
        o[1] = (unsigned char)((b & 0x0f) << 4 | c >> 2);
        o += 2;
    } else {
        if (b & 0x0f)
            return -1;
        *o++ = (unsigned char)(a << 2 | b >> 4);
    }
    *outlen = (size_t)(o - out);
    return 0;
}

int fmt_base64_decode(void *out, size_t *outlen, const char *in, size_t len, char *errbuf,
                      size_t errlen)
{
    if (decode_fast(out, outlen, in, len) == 0)
        return 0;
    if (validate(in, len, errbuf, errlen) == 0)
        snprintf(errbuf, errlen, "invalid base64"); /* not reached: validate finds it */
    return -1;
}
