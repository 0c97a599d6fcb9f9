/* Unit tests for format/base64: RFC 4648 vectors, no line breaks, the
 * streaming encoder against one-shot encoding at every split, strict
 * rejection of what libb64 would silently accept, and the codec against
 * libb64, an independent implementation, on random bytes. */
#include "base64.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <b64/cdecode.h>
#include <b64/cencode.h>

/* Encodes in one shot into a NUL-terminated static buffer. */
static const char *encode(const void *in, size_t len)
{
    static char out[4096];
    size_t n = fmt_base64_encoded_len(len);
    if (n >= sizeof out) {
        return NULL;
    }
    memset(out, '#', sizeof out);
    fmt_base64_encode(out, in, len);
    out[n] = '\0';
    return out;
}

/* Decodes text; returns 0 and the bytes, or <0 with the message in err. */
static int decode(const char *text, unsigned char *out, size_t *outlen, char *err, size_t errlen)
{
    err[0] = '\0';
    return fmt_base64_decode(out, outlen, text, strlen(text), err, errlen);
}

static void test_rfc4648_vectors(void)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                        "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        CHECK(fmt_base64_encoded_len(strlen(plain[i])) == strlen(coded[i]));
        CHECK_STR(encode(plain[i], strlen(plain[i])), coded[i]);

        unsigned char out[16];
        size_t outlen = 99;
        char err[128];
        CHECK(decode(coded[i], out, &outlen, err, sizeof err) == 0);
        CHECK(outlen == strlen(plain[i]));
        CHECK(memcmp(out, plain[i], outlen) == 0);
    }
}

static void test_empty(void)
{
    char out[1] = {'#'};
    size_t outlen = 99;
    char err[128];

    fmt_base64_encode(out, "", 0);
    CHECK(out[0] == '#'); /* nothing written */
    CHECK(fmt_base64_encoded_len(0) == 0);
    CHECK(fmt_base64_decode(NULL, &outlen, "", 0, err, sizeof err) == 0);
    CHECK(outlen == 0);
    CHECK(fmt_base64_decoded_max(0) == 0);
}

static void test_all_byte_values(void)
{
    unsigned char in[256], back[256];
    size_t backlen = 0;
    char err[128];

    for (int i = 0; i < 256; i++) {
        in[i] = (unsigned char)i;
    }
    const char *text = encode(in, sizeof in);
    CHECK(strlen(text) == 344);
    /* Bytes 0xf8..0xff cover '+' and '/'. */
    CHECK(strchr(text, '+') != NULL);
    CHECK(strchr(text, '/') != NULL);
    CHECK(strchr(text, '\n') == NULL);
    CHECK(decode(text, back, &backlen, err, sizeof err) == 0);
    CHECK(backlen == 256);
    CHECK(memcmp(in, back, sizeof in) == 0);
}

/* libb64 1.2 breaks lines every 72 characters: longer outputs prove the
 * wrapper removes or avoids every break, including the final one. */
static void test_no_newlines(void)
{
    for (size_t len = 50; len <= 1000; len += 37) {
        unsigned char *in = malloc(len);
        for (size_t i = 0; i < len; i++) {
            in[i] = (unsigned char)(i * 7 + 3);
        }
        const char *text = encode(in, len);
        CHECK(text != NULL);
        CHECK(strlen(text) == fmt_base64_encoded_len(len));
        CHECK(strchr(text, '\n') == NULL);
        CHECK(strchr(text, '#') == NULL);

        unsigned char *back = malloc(len);
        size_t backlen = 0;
        char err[128];
        CHECK(decode(text, back, &backlen, err, sizeof err) == 0);
        CHECK(backlen == len && memcmp(in, back, len) == 0);
        free(back);
        free(in);
    }
    /* 19 groups: 76 characters, just past libb64's first line break. */
    char want[77] = "";
    for (int i = 0; i < 19; i++) {
        strcat(want, "YWFh");
    }
    CHECK_STR(encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 57), want);
}

/* The streaming encoder must match one-shot output for every split into
 * two chunks, for three chunks, and for byte-at-a-time feeding. */
static size_t stream_encode(char *out, const unsigned char *in, size_t len, size_t split1,
                            size_t split2)
{
    fmt_base64_encoder e;
    size_t n = 0;

    fmt_base64_encoder_init(&e);
    n += fmt_base64_encoder_update(&e, out + n, in, split1);
    n += fmt_base64_encoder_update(&e, out + n, in + split1, split2 - split1);
    n += fmt_base64_encoder_update(&e, out + n, in + split2, len - split2);
    n += fmt_base64_encoder_finish(&e, out + n);
    return n;
}

static void test_streaming_splits(void)
{
    enum { LEN = 230 };
    unsigned char in[LEN];
    char whole[400], streamed[400];
    int mismatches = 0;

    for (size_t i = 0; i < LEN; i++) {
        in[i] = (unsigned char)(i * 131 + 17);
    }
    for (size_t len = 0; len <= LEN; len += (len < 10 ? 1 : 23)) {
        size_t want = fmt_base64_encoded_len(len);
        fmt_base64_encode(whole, in, len);
        for (size_t a = 0; a <= len; a++) {
            for (size_t b = a; b <= len; b += (len < 10 ? 1 : 7)) {
                memset(streamed, '#', sizeof streamed);
                size_t n = stream_encode(streamed, in, len, a, b);
                if (n != want || memcmp(whole, streamed, want) != 0) {
                    mismatches++;
                }
            }
        }
    }
    CHECK(mismatches == 0);

    /* One byte per call: each update returns at most one quad. */
    fmt_base64_encoder e;
    size_t n = 0;
    int too_much = 0;
    fmt_base64_encoder_init(&e);
    for (size_t i = 0; i < LEN; i++) {
        size_t got = fmt_base64_encoder_update(&e, streamed + n, in + i, 1);
        too_much |= got > 4;
        n += got;
    }
    n += fmt_base64_encoder_finish(&e, streamed + n);
    fmt_base64_encode(whole, in, LEN);
    CHECK(!too_much);
    CHECK(n == fmt_base64_encoded_len(LEN));
    CHECK(memcmp(whole, streamed, n) == 0);

    /* Finish with nothing pending writes nothing; the encoder is reusable. */
    fmt_base64_encoder_init(&e);
    CHECK(fmt_base64_encoder_update(&e, streamed, "abc", 3) == 4);
    CHECK(fmt_base64_encoder_finish(&e, streamed + 4) == 0);
    CHECK(memcmp(streamed, "YWJj", 4) == 0);
    CHECK(fmt_base64_encoder_update(&e, streamed, "a", 1) == 0);
    CHECK(fmt_base64_encoder_finish(&e, streamed) == 4);
    CHECK(memcmp(streamed, "YQ==", 4) == 0);
}

/* Expects text to be rejected with exactly the message want. */
static void check_rejected(const char *text, const char *want)
{
    unsigned char out[64];
    size_t outlen = 12345;
    char err[128];

    CHECK(decode(text, out, &outlen, err, sizeof err) < 0);
    CHECK_STR(err, want);
    CHECK(outlen == 12345); /* untouched on failure */
}

static void test_rejections(void)
{
    check_rejected("Zm9vYmFyZm9v!mFy", "invalid base64 character '!' at offset 12");
    check_rejected("Zm9v\nYmFy", "invalid base64 character 0x0a at offset 4");
    check_rejected("Zm9v YmF", "invalid base64 character ' ' at offset 4");
    check_rejected("Zm9v-_8=", "invalid base64 character '-' at offset 4"); /* base64url */
    check_rejected("Zm9vYmF", "base64 length 7 is not a multiple of 4");
    check_rejected("Z", "base64 length 1 is not a multiple of 4");
    check_rejected("Zm9vYg=", "base64 length 7 is not a multiple of 4");
    check_rejected("Zm9vYg===", "base64 length 9 is not a multiple of 4");
    check_rejected("Zm9vYmFy====", "invalid base64 padding at offset 8");
    check_rejected("Zm9vY===", "invalid base64 padding at offset 5");
    check_rejected("Zm=vYmFy", "invalid base64 padding at offset 2");
    check_rejected("Zm9=Zm9v", "invalid base64 padding at offset 3");
    check_rejected("Zg==Zg==", "invalid base64 padding at offset 2");
    check_rejected("Zm9vY=Fy", "invalid base64 padding at offset 5");
    check_rejected("Zm9vYg=A", "invalid base64 padding at offset 6");
    check_rejected("====", "invalid base64 padding at offset 0");
    /* "QQ==" is 'A'; "QR==" would decode to 'A' too with libb64. */
    check_rejected("QR==", "non-canonical base64: unused bits of 'R' at offset 1 are not zero");
    check_rejected("Zm9=", "non-canonical base64: unused bits of '9' at offset 2 are not zero");
    check_rejected("Zm9vZh==", "non-canonical base64: unused bits of 'h' at offset 5 are not zero");

    unsigned char out[4];
    size_t outlen = 0;
    char err[128];
    CHECK(decode("QQ==", out, &outlen, err, sizeof err) == 0);
    CHECK(outlen == 1 && out[0] == 'A');
    CHECK(decode("QUI=", out, &outlen, err, sizeof err) == 0);
    CHECK(outlen == 2 && out[0] == 'A' && out[1] == 'B');

    /* A NUL byte is just another bad character, not the end of input. */
    CHECK(fmt_base64_decode(out, &outlen, "QQ\0=", 4, err, sizeof err) < 0);
    CHECK_STR(err, "invalid base64 character 0x00 at offset 2");

    /* Messages are truncated, never overflow, for a tiny errbuf. */
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(fmt_base64_decode(out, &outlen, "!!!!", 4, small, sizeof small) < 0);
    CHECK(memchr(small, '\0', sizeof small) != NULL);
}

static void test_decoded_max(void)
{
    CHECK(fmt_base64_decoded_max(4) == 3);
    CHECK(fmt_base64_decoded_max(8) == 6);
    CHECK(fmt_base64_decoded_max(7) == (size_t)-1);
    CHECK(fmt_base64_decoded_max(2) == (size_t)-1);
}

/* Decoding into a buffer of exactly fmt_base64_decoded_max bytes stays in
 * bounds (ASan checks the heap buffer), whatever the padding. */
static void test_exact_buffers(void)
{
    for (size_t len = 0; len < 40; len++) {
        unsigned char in[40];
        char text[64];
        for (size_t i = 0; i < len; i++) {
            in[i] = (unsigned char)(0xff - i);
        }
        size_t tlen = fmt_base64_encoded_len(len);
        fmt_base64_encode(text, in, len);
        size_t max = fmt_base64_decoded_max(tlen);
        unsigned char *out = malloc(max ? max : 1);
        size_t outlen = 0;
        char err[128];
        CHECK(fmt_base64_decode(out, &outlen, text, tlen, err, sizeof err) == 0);
        CHECK(outlen == len && memcmp(out, in, len) == 0);
        free(out);
    }
}

/* libb64's encoding of in, without the line breaks it puts every 72
 * characters; returns its length. */
static size_t reference_encode(char *out, const unsigned char *in, size_t len)
{
    base64_encodestate state;
    size_t n = 0, w = 0;
    char *scratch = malloc(len * 2 + 16);
    base64_init_encodestate(&state);
    n = (size_t)base64_encode_block((const char *)in, (int)len, scratch, &state);
    n += (size_t)base64_encode_blockend(scratch + n, &state);
    for (size_t i = 0; i < n; i++)
        if (scratch[i] != '\n')
            out[w++] = scratch[i];
    free(scratch);
    return w;
}

/* Every length from 0 to 3000 bytes and a few large ones, random bytes:
 * the same text as libb64, libb64 decodes it back to the bytes, and so
 * does the codec. */
static void test_against_libb64(void)
{
    unsigned long seed = 12345;
    size_t lens[3100], nlens = 0;
    for (size_t len = 0; len <= 3000; len++)
        lens[nlens++] = len;
    lens[nlens++] = 65536;
    lens[nlens++] = 1000001;
    for (size_t k = 0; k < nlens; k++) {
        size_t len = lens[k], tlen = fmt_base64_encoded_len(len);
        unsigned char *in = malloc(len + 1), *back = malloc(len + 3), *ref_back = malloc(len + 3);
        char *text = malloc(tlen + 1), *ref = malloc(tlen + 16);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            in[i] = (unsigned char)(seed >> 56);
        }
        fmt_base64_encode(text, in, len);
        CHECK(reference_encode(ref, in, len) == tlen);
        CHECK(memcmp(text, ref, tlen) == 0);

        base64_decodestate state;
        base64_init_decodestate(&state);
        CHECK((size_t)base64_decode_block(text, (int)tlen, (char *)ref_back, &state) == len);
        CHECK(memcmp(ref_back, in, len) == 0);

        size_t outlen = 0;
        char err[128];
        CHECK(fmt_base64_decode(back, &outlen, text, tlen, err, sizeof err) == 0);
        CHECK(outlen == len && memcmp(back, in, len) == 0);
        free(in), free(back), free(ref_back), free(text), free(ref);
    }
}

/* A bad character anywhere is found, however long the text: the fast path
 * checks every group, not just the last. */
static void test_bad_character_anywhere(void)
{
    char text[4 * 64 + 1];
    unsigned char out[3 * 64];
    for (size_t at = 0; at < 4 * 64; at++) {
        memset(text, 'A', sizeof text - 1);
        text[sizeof text - 1] = '\0';
        text[at] = '*';
        size_t outlen = 0;
        char err[128], want[128];
        CHECK(fmt_base64_decode(out, &outlen, text, strlen(text), err, sizeof err) < 0);
        snprintf(want, sizeof want, "invalid base64 character '*' at offset %zu", at);
        CHECK_STR(err, want);
        /* A '=' is padding only at the end: "...AAA=" is valid, "...AA=A" is not. */
        text[at] = '=';
        int rc = fmt_base64_decode(out, &outlen, text, strlen(text), err, sizeof err);
        CHECK(at == 4 * 64 - 1 ? rc == 0 : rc < 0);
        snprintf(want, sizeof want, "invalid base64 padding at offset %zu", at);
        if (at < 4 * 64 - 1)
            CHECK_STR(err, want);
    }
}

int main(void)
{
    test_against_libb64();
    test_bad_character_anywhere();
    test_rfc4648_vectors();
    test_empty();
    test_all_byte_values();
    test_no_newlines();
    test_streaming_splits();
    test_rejections();
    test_decoded_max();
    test_exact_buffers();
    return check_report();
}
