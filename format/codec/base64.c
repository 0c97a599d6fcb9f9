/* Base64 (RFC 4648, standard alphabet, padded) on top of libb64.
 *
 * libb64 1.2 as packaged by Debian has two habits we must not inherit: its
 * encoder inserts '\n' every CHARS_PER_LINE (72, compiled into the .so)
 * characters and after the final block, and its decoder silently skips any
 * character outside the alphabet. So the encoder here resets libb64's line
 * counter before every short chunk and drops any '\n' that still comes out,
 * and the decoder validates the whole input (alphabet, length, padding,
 * canonical trailing bits) before letting libb64 touch it. */
#include "base64.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <b64/cdecode.h>
#include <b64/cencode.h>

/* Bytes handed to libb64 per call: 16 groups, 64 characters, fewer than one
 * 72-character line, so with stepcount reset no newline is produced. */
#define ENCODE_CHUNK 48
/* Room for one chunk even if a libb64 build broke lines after every group. */
#define ENCODE_SCRATCH (ENCODE_CHUNK / 3 * 5 + 8)
/* Characters handed to libb64's decoder per call: a multiple of 4 that
 * fits its int length parameter. */
#define DECODE_CHUNK ((size_t)1 << 30)

size_t fmt_base64_encoded_len(size_t len)
{
    return (len + 2) / 3 * 4;
}

/* Copies libb64 output to out without the line breaks it may contain;
 * returns the characters written. */
static size_t copy_without_newlines(char *out, const char *scratch, int n)
{
    size_t written = 0;
    for (int i = 0; i < n; i++) {
        if (scratch[i] != '\n') {
            out[written++] = scratch[i];
        }
    }
    return written;
}

/* Encodes len bytes, a multiple of 3 unless last is set, in which case the
 * padded tail is written too. Returns the characters written to out. */
static size_t encode_groups(char *out, const unsigned char *in, size_t len, int last)
{
    base64_encodestate state;
    char scratch[ENCODE_SCRATCH];
    size_t written = 0;

    base64_init_encodestate(&state);
    while (len > 0) {
        size_t n = len < ENCODE_CHUNK ? len : ENCODE_CHUNK;
        state.stepcount = 0;
        int produced = base64_encode_block((const char *)in, (int)n, scratch, &state);
        written += copy_without_newlines(out + written, scratch, produced);
        in += n;
        len -= n;
    }
    if (last) {
        int produced = base64_encode_blockend(scratch, &state);
        written += copy_without_newlines(out + written, scratch, produced);
    }
    return written;
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

    /* Complete a group left over from the previous call first, so libb64
     * only ever sees whole groups and keeps no state between calls. */
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

int fmt_base64_decode(void *out, size_t *outlen, const char *in, size_t len, char *errbuf,
                      size_t errlen)
{
    int npad = validate(in, len, errbuf, errlen);
    if (npad < 0) {
        return -1;
    }
    size_t expected = len / 4 * 3 - (size_t)npad;
    size_t decoded = 0;
    char *p = out;

    /* libb64 writes its partial byte one past the bytes it reports, but for
     * a valid encoding that stays inside len / 4 * 3; for empty input it is
     * not called at all since out may have no room. */
    while (len > 0) {
        size_t n = len < DECODE_CHUNK ? len : DECODE_CHUNK;
        base64_decodestate state;
        base64_init_decodestate(&state);
        int got = base64_decode_block(in, (int)n, p + decoded, &state);
        decoded += (size_t)got;
        in += n;
        len -= n;
    }
    if (decoded != expected) {
        snprintf(errbuf, errlen, "base64 decoder produced %zu bytes, expected %zu", decoded,
                 expected);
        return -1;
    }
    *outlen = decoded;
    return 0;
}
