/* Unit tests for format/json_writer.c: exact layouts, escaping, UTF-8
 * validation, misuse detection, sink failures, buffering and base64. */
#include "check.h"
#include "json_writer.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Collects output in memory; can fail the N-th call; records chunk sizes so
 * tests can see the buffer is honoured. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    int calls;
    int fail_at;      /* 1-based call to fail, 0 = never */
    size_t max_chunk; /* largest chunk handed over */
    int short_chunks; /* chunks smaller than the largest seen before them */
} mem_sink;

static int mem_sink_write(void *ctx, const void *buf, size_t len)
{
    mem_sink *m = ctx;

    m->calls++;
    if (m->fail_at && m->calls >= m->fail_at)
        return -5;
    if (len < m->max_chunk)
        m->short_chunks++;
    if (len > m->max_chunk)
        m->max_chunk = len;
    if (m->len + len + 1 > m->cap) {
        size_t ncap = (m->len + len + 1) * 2;
        char *nd = realloc(m->data, ncap);
        if (nd == NULL)
            return -1;
        m->data = nd;
        m->cap = ncap;
    }
    memcpy(m->data + m->len, buf, len);
    m->len += len;
    m->data[m->len] = '\0';
    return 0;
}

static fmt_json_writer *open_writer(mem_sink *m, unsigned indent_depth, size_t buffer_size)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w = NULL;

    memset(m, 0, sizeof *m);
    opts.indent_depth = indent_depth;
    opts.buffer_size = buffer_size;
    CHECK(fmt_json_writer_new(&w, mem_sink_write, m, &opts) == 0);
    return w;
}

static const char *output(const mem_sink *m)
{
    return m->data ? m->data : "";
}

/* {"a":1,"t":{"x":[1,2],"y":{}}} */
static void build_sample(fmt_json_writer *w)
{
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "a") == 0);
    CHECK(fmt_json_writer_int64(w, 1) == 0);
    CHECK(fmt_json_writer_keyz(w, "t") == 0);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "x") == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_int64(w, 1) == 0);
    CHECK(fmt_json_writer_int64(w, 2) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "y") == 0);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
}

static void check_sample_layout(unsigned indent_depth, const char *want)
{
    mem_sink m;
    fmt_json_writer *w = open_writer(&m, indent_depth, 65536);

    build_sample(w);
    CHECK_STR(output(&m), want);
    fmt_json_writer_free(w);
    free(m.data);
}

/* Long because it is one table of layouts, each line a case. */
static void test_layout(void)
{
    mem_sink m;
    fmt_json_writer *w;

    check_sample_layout(0, "{\"a\":1,\"t\":{\"x\":[1,2],\"y\":{}}}\n");
    check_sample_layout(1, "{\n"
                           "  \"a\": 1,\n"
                           "  \"t\": {\"x\":[1,2],\"y\":{}}\n"
                           "}\n");
    check_sample_layout(2, "{\n"
                           "  \"a\": 1,\n"
                           "  \"t\": {\n"
                           "    \"x\": [1,2],\n"
                           "    \"y\": {}\n"
                           "  }\n"
                           "}\n");
    check_sample_layout(3, "{\n"
                           "  \"a\": 1,\n"
                           "  \"t\": {\n"
                           "    \"x\": [\n"
                           "      1,\n"
                           "      2\n"
                           "    ],\n"
                           "    \"y\": {}\n"
                           "  }\n"
                           "}\n");

    /* An export-shaped document: rows compact, one per line. */
    w = open_writer(&m, 2, 65536);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "rows") == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_int64(w, 1) == 0);
    CHECK(fmt_json_writer_stringz(w, "a b") == 0);
    CHECK(fmt_json_writer_null(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_int64(w, 2) == 0);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "k") == 0);
    CHECK(fmt_json_writer_bool(w, 1) == 0);
    CHECK(fmt_json_writer_keyz(w, "l") == 0);
    CHECK(fmt_json_writer_bool(w, 0) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "empty") == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK_STR(output(&m), "{\n"
                          "  \"rows\": [\n"
                          "    [1,\"a b\",null],\n"
                          "    [2,{\"k\":true,\"l\":false}],\n"
                          "    []\n"
                          "  ],\n"
                          "  \"empty\": []\n"
                          "}\n");
    fmt_json_writer_free(w);
    free(m.data);

    /* Empty top-level containers and scalars. */
    w = open_writer(&m, 5, 65536);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK_STR(output(&m), "{}\n");
    fmt_json_writer_free(w);
    free(m.data);

    w = open_writer(&m, 5, 65536);
    CHECK(fmt_json_writer_double(w, 2.5) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK_STR(output(&m), "2.5\n");
    fmt_json_writer_free(w);
    free(m.data);

    /* Scalar kinds written exactly. */
    w = open_writer(&m, 0, 65536);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_int64(w, INT64_MIN) == 0);
    CHECK(fmt_json_writer_int64(w, INT64_MAX) == 0);
    CHECK(fmt_json_writer_double(w, 0.1) == 0);
    CHECK(fmt_json_writer_double(w, -0.0) == 0);
    CHECK(fmt_json_writer_double(w, 1e22) == 0);
    CHECK(fmt_json_writer_double(w, 3.0) == 0);
    CHECK(fmt_json_writer_number_text(w, "-12.50e+3", 9) == 0);
    CHECK(fmt_json_writer_number_text(w, "123456789012345678901234567890", 30) == 0);
    CHECK(fmt_json_writer_raw_value(w, "{\"a\": [1, 2]}", 13) == 0);
    CHECK(fmt_json_writer_string(w, "", 0) == 0);
    CHECK(fmt_json_writer_string(w, NULL, 0) == 0);
    CHECK(fmt_json_writer_bool(w, 42) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK_STR(output(&m), "[-9223372036854775808,9223372036854775807,0.1,-0.0,1e+22,3.0,"
                          "-12.50e+3,123456789012345678901234567890,{\"a\": [1, 2]},\"\",\"\","
                          "true]\n");
    fmt_json_writer_free(w);
    free(m.data);
}

static void test_deep_nesting(void)
{
    const int levels = 20000;
    mem_sink m;
    fmt_json_writer *w = open_writer(&m, 3, 4096);
    int i, ok = 1;
    char *want;
    size_t pos = 0;

    for (i = 0; i < levels; i++)
        ok &= fmt_json_writer_array_start(w) == 0;
    for (i = 0; i < levels; i++)
        ok &= fmt_json_writer_array_end(w) == 0;
    CHECK(ok);
    CHECK(fmt_json_writer_finish(w) == 0);

    /* Containers opened at depths 0..2 are indented (so the depth-3 array
     * starts its own line), everything deeper is compact. */
    want = malloc((size_t)levels * 2 + 64);
    CHECK(want != NULL);
    if (want) {
        pos += (size_t)sprintf(want + pos, "[\n  [\n    [\n      ");
        for (i = 3; i < levels; i++)
            want[pos++] = '[';
        for (i = 3; i < levels; i++)
            want[pos++] = ']';
        sprintf(want + pos, "\n    ]\n  ]\n]\n");
        /* Not CHECK_STR: a mismatch would print 40 kB of brackets. */
        CHECK(strcmp(output(&m), want) == 0);
        free(want);
    }
    fmt_json_writer_free(w);
    free(m.data);
}

/* Writes s as a one-string document and returns a copy of the JSON text
 * without the trailing newline (NULL if the writer refused it). */
static char *write_one_string(const char *s, size_t len, size_t buffer_size)
{
    mem_sink m;
    fmt_json_writer *w = open_writer(&m, 0, buffer_size);
    char *result = NULL;

    if (fmt_json_writer_string(w, s, len) == 0 && fmt_json_writer_finish(w) == 0 && m.len > 0) {
        m.data[m.len - 1] = '\0';
        result = m.data;
        m.data = NULL;
    }
    fmt_json_writer_free(w);
    free(m.data);
    return result;
}

/* Straightforward reference escaper, byte by byte. */
static char *reference_escape(const unsigned char *s, size_t len)
{
    char *out = malloc(len * 6 + 3);
    size_t i, n = 0;

    if (out == NULL)
        return NULL;
    out[n++] = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            out[n++] = '\\';
            out[n++] = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20) {
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* Long because it is one table of escapes, each line a case. */
static void test_escaping(void)
{
    static const char all_controls[] =
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
    static const char specials[] = {'"', '\\', '\n', '\0', '\x1f', '\t'};
    static const char filler[] =
        "abcdefgh\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80xyz/\x7f~ ijklmnopqrst";
    char *got, *want;
    size_t len, pos, k;
    int mismatches = 0;

    got = write_one_string(all_controls, 32, 65536);
    CHECK_STR(got, "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b"
                   "\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
                   "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
    free(got);

    got = write_one_string("q\"b\\s/d\x7f", 8, 65536);
    CHECK_STR(got, "\"q\\\"b\\\\s/d\x7f\"");
    free(got);

    /* Multibyte UTF-8 (2, 3 and 4 bytes; U+2028/U+2029; U+10FFFF) passes through. */
    {
        static const char multibyte[] =
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8\xe2\x80\xa9"
            "\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf\xc2\x80";
        got = write_one_string(multibyte, sizeof multibyte - 1, 65536);
        CHECK_STR(got, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8\xe2\x80\xa9"
                       "\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf\xc2\x80\"");
        free(got);
    }

    /* Every special character at every offset of strings up to 40 bytes, so
     * the word-at-a-time scan is exercised across word boundaries; then the
     * same over a template with multibyte sequences (specials only replace
     * its ASCII bytes, so it stays valid UTF-8). */
    for (len = 1; len <= 40; len++) {
        for (pos = 0; pos < len; pos++) {
            for (k = 0; k < sizeof specials; k++) {
                char s[40];
                size_t i;
                for (i = 0; i < len; i++)
                    s[i] = (char)('a' + i % 26);
                s[pos] = specials[k];
                got = write_one_string(s, len, 65536);
                want = reference_escape((const unsigned char *)s, len);
                if (got == NULL || want == NULL || strcmp(got, want) != 0)
                    mismatches++;
                free(got);
                free(want);
            }
        }
    }
    len = sizeof filler - 1;
    for (pos = 0; pos < len; pos++) {
        for (k = 0; k < sizeof specials; k++) {
            char s[sizeof filler];
            if ((unsigned char)filler[pos] >= 0x80)
                continue;
            memcpy(s, filler, sizeof filler);
            s[pos] = specials[k];
            got = write_one_string(s, len, 65536);
            want = reference_escape((const unsigned char *)s, len);
            if (got == NULL || want == NULL || strcmp(got, want) != 0)
                mismatches++;
            free(got);
            free(want);
        }
    }
    CHECK(mismatches == 0);

    /* Keys are escaped the same way. */
    {
        mem_sink m;
        fmt_json_writer *w = open_writer(&m, 1, 65536);
        CHECK(fmt_json_writer_object_start(w) == 0);
        CHECK(fmt_json_writer_key(w, "a\"\n\0b", 5) == 0);
        CHECK(fmt_json_writer_null(w) == 0);
        CHECK(fmt_json_writer_object_end(w) == 0);
        CHECK(fmt_json_writer_finish(w) == 0);
        CHECK_STR(output(&m), "{\n  \"a\\\"\\n\\u0000b\": null\n}\n");
        fmt_json_writer_free(w);
        free(m.data);
    }
}

/* fmt_json_escape on its own: the same bytes the writer puts in a file
 * (that is what the PostgreSQL codec relies on), and the sink's failure
 * comes back. */
static void test_escape_function(void)
{
    static const char s[] = "tab\there \"q\" back\\slash\n\x01\x1f\0end \xc3\xa9/";
    mem_sink m;
    char *want = write_one_string(s, sizeof s - 1, 16);

    memset(&m, 0, sizeof m);
    CHECK(fmt_json_escape(mem_sink_write, &m, s, sizeof s - 1) == 0);
    CHECK_STR(m.data, want);
    CHECK_STR(m.data, "\"tab\\there \\\"q\\\" back\\\\slash\\n\\u0001\\u001f\\u0000end "
                      "\xc3\xa9/\"");
    free(m.data);
    free(want);

    memset(&m, 0, sizeof m);
    CHECK(fmt_json_escape(mem_sink_write, &m, "", 0) == 0);
    CHECK_STR(m.data, "\"\"");
    free(m.data);

    memset(&m, 0, sizeof m);
    m.fail_at = 2;
    CHECK(fmt_json_escape(mem_sink_write, &m, "a\nb", 3) == -5);
    free(m.data);
}

static void test_invalid_utf8(void)
{
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"\x80", 1}, /* lone continuation */
        {"\xbf", 1},
        {"\xc0\x80", 2},     /* overlong NUL */
        {"\xc1\xbf", 2},     /* overlong */
        {"\xc2", 1},         /* truncated */
        {"\xc2\x41", 2},     /* bad continuation */
        {"\xe0\x80\x80", 3}, /* overlong 3-byte */
        {"\xe0\x9f\xbf", 3},
        {"\xed\xa0\x80", 3},     /* surrogate U+D800 */
        {"\xed\xbf\xbf", 3},     /* surrogate U+DFFF */
        {"\xe2\x82", 2},         /* truncated 3-byte */
        {"\xf0\x80\x80\x80", 4}, /* overlong 4-byte */
        {"\xf0\x8f\xbf\xbf", 4},
        {"\xf4\x90\x80\x80", 4}, /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 4},
        {"\xf8\x88\x80\x80\x80", 5},
        {"\xfe", 1},
        {"\xff", 1},
        {"\xf0\x9f\x98", 3},              /* truncated 4-byte */
        {"abcdefghijklmnop\xe2\x82", 18}, /* truncated after ASCII words */
        {"abcdefgh\xc3\xa9xyz\x80qrstuvwx", 21},
    };
    mem_sink m;
    fmt_json_writer *w = open_writer(&m, 1, 65536);
    size_t i;

    CHECK(fmt_json_writer_array_start(w) == 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = fmt_json_writer_string(w, bad[i].s, bad[i].len);
        if (rc >= 0)
            fprintf(stderr, "invalid UTF-8 #%zu accepted\n", i);
        CHECK(rc < 0);
        CHECK(strstr(fmt_json_writer_errmsg(w), "UTF-8") != NULL);
    }
    /* Rejected before any byte was written: the document carries on intact. */
    CHECK(fmt_json_writer_stringz(w, "ok") == 0);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_key(w, "\xc0\xaf", 2) < 0);
    CHECK(fmt_json_writer_keyz(w, "k") == 0);
    CHECK(fmt_json_writer_int64(w, 1) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK_STR(output(&m), "[\n  \"ok\",\n  {\"k\":1}\n]\n");
    fmt_json_writer_free(w);
    free(m.data);
}

static void test_misuse(void)
{
    mem_sink m;
    fmt_json_writer *w = open_writer(&m, 0, 65536);

    CHECK(fmt_json_writer_finish(w) < 0);     /* nothing written yet */
    CHECK(fmt_json_writer_keyz(w, "k") < 0);  /* key at top level */
    CHECK(fmt_json_writer_object_end(w) < 0); /* nothing open */
    CHECK(fmt_json_writer_array_end(w) < 0);
    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_int64(w, 1) < 0); /* value without key */
    CHECK(strstr(fmt_json_writer_errmsg(w), "without a key") != NULL);
    CHECK(fmt_json_writer_array_start(w) < 0);
    CHECK(fmt_json_writer_array_end(w) < 0); /* closes an object */
    CHECK(fmt_json_writer_keyz(w, "a") == 0);
    CHECK(fmt_json_writer_keyz(w, "b") < 0);   /* key after key */
    CHECK(fmt_json_writer_object_end(w) < 0);  /* dangling key */
    CHECK(fmt_json_writer_double(w, NAN) < 0); /* non-finite */
    CHECK(fmt_json_writer_double(w, INFINITY) < 0);
    CHECK(fmt_json_writer_number_text(w, "01", 2) < 0);
    CHECK(fmt_json_writer_number_text(w, "NaN", 3) < 0);
    CHECK(fmt_json_writer_number_text(w, "", 0) < 0);
    CHECK(fmt_json_writer_raw_value(w, "", 0) < 0);
    CHECK(fmt_json_writer_stringz(w, NULL) < 0);
    CHECK(fmt_json_writer_keyz(w, NULL) < 0);
    CHECK(fmt_json_writer_string(w, NULL, 3) < 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "c") < 0);  /* key in array */
    CHECK(fmt_json_writer_object_end(w) < 0); /* closes an array */
    CHECK(fmt_json_writer_finish(w) < 0);     /* still open */
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_null(w) < 0); /* second top-level value */
    CHECK(strstr(fmt_json_writer_errmsg(w), "top-level") != NULL);
    CHECK(fmt_json_writer_object_start(w) < 0);
    CHECK(fmt_json_writer_finish(w) == 0);
    CHECK(fmt_json_writer_null(w) < 0); /* after finish */
    CHECK(fmt_json_writer_finish(w) < 0);
    CHECK_STR(output(&m), "{\"a\":[]}\n");
    fmt_json_writer_free(w);
    free(m.data);

    {
        fmt_json_writer *none = (fmt_json_writer *)&m;
        CHECK(fmt_json_writer_new(&none, NULL, NULL, NULL) < 0 && none == NULL);
        fmt_json_writer_free(NULL);
    }
}

static void test_sink_failure(void)
{
    mem_sink m;
    fmt_json_writer *w;
    int i, rc = 0;

    /* Small buffer: the failure surfaces in the middle of writing values,
     * and stays: every later call fails with the sink's message. */
    w = open_writer(&m, 0, 4);
    m.fail_at = 3;
    CHECK(fmt_json_writer_array_start(w) == 0);
    for (i = 0; i < 100 && rc == 0; i++)
        rc = fmt_json_writer_stringz(w, "hello");
    CHECK(rc < 0);
    CHECK(strstr(fmt_json_writer_errmsg(w), "write failed") != NULL);
    CHECK(fmt_json_writer_null(w) < 0);
    CHECK(fmt_json_writer_array_end(w) < 0);
    CHECK(fmt_json_writer_flush(w) < 0);
    CHECK(fmt_json_writer_finish(w) < 0);
    CHECK(strstr(fmt_json_writer_errmsg(w), "write failed") != NULL);
    fmt_json_writer_free(w);
    free(m.data);

    /* Large buffer: nothing reaches the sink until finish, which reports it. */
    w = open_writer(&m, 0, 65536);
    m.fail_at = 1;
    CHECK(fmt_json_writer_stringz(w, "x") == 0);
    CHECK(fmt_json_writer_finish(w) < 0);
    CHECK(m.len == 0);
    fmt_json_writer_free(w);
    free(m.data);

    /* Explicit flush reports it too. */
    w = open_writer(&m, 0, 65536);
    m.fail_at = 1;
    CHECK(fmt_json_writer_array_start(w) == 0);
    CHECK(fmt_json_writer_flush(w) < 0);
    fmt_json_writer_free(w);
    free(m.data);

    /* A failing base64 blob stops at the first failed chunk. */
    {
        size_t n = 100000;
        unsigned char *blob = calloc(n, 1);
        w = open_writer(&m, 0, 1000);
        m.fail_at = 2;
        CHECK(blob != NULL && fmt_json_writer_base64(w, blob, n) < 0);
        CHECK(m.calls == 2);
        fmt_json_writer_free(w);
        free(m.data);
        free(blob);
    }
}

/* Reference base64, independent of format/base64.c. */
static char *reference_base64(const unsigned char *in, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1);
    size_t i, n = 0;

    if (out == NULL)
        return NULL;
    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = alphabet[v >> 6 & 63];
        out[n++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)in[i] << 16;
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = '=';
        out[n++] = '=';
    } else if (len - i == 2) {
        unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = alphabet[v >> 6 & 63];
        out[n++] = '=';
    }
    out[n] = '\0';
    return out;
}

static void test_base64(void)
{
    static const char *const want[] = {
        "\"\"",
        "\"Zg==\"",
        "\"Zm8=\"",
        "\"Zm9v\"",
        "\"Zm9vYg==\"",
        "\"Zm9vYmE=\"",
        "\"Zm9vYmFy\"",
        "\"Zm9vYmFyYg==\"",
        "\"Zm9vYmFyYmE=\"",
        "\"Zm9vYmFyYmF6\"",
        "\"Zm9vYmFyYmF6IQ==\"",
    };
    size_t len, i, n = 100000;
    unsigned char *blob;
    uint64_t x = 12345;

    for (len = 0; len <= 10; len++) {
        mem_sink m;
        fmt_json_writer *w = open_writer(&m, 0, 65536);
        CHECK(fmt_json_writer_base64(w, "foobarbaz!", len) == 0);
        CHECK(fmt_json_writer_finish(w) == 0);
        if (m.len > 0)
            m.data[m.len - 1] = '\0';
        CHECK_STR(output(&m), want[len]);
        fmt_json_writer_free(w);
        free(m.data);
    }

    blob = malloc(n);
    CHECK(blob != NULL);
    if (blob == NULL)
        return;
    for (i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        blob[i] = (unsigned char)(x >> 56);
    }
    for (len = n - 2; len <= n; len++) {
        mem_sink m;
        fmt_json_writer *w = open_writer(&m, 0, 4096);
        char *ref = reference_base64(blob, len);
        CHECK(fmt_json_writer_base64(w, blob, len) == 0);
        CHECK(fmt_json_writer_finish(w) == 0);
        CHECK(ref != NULL && m.len == strlen(ref) + 3);
        CHECK(ref != NULL && m.len > 3 && m.data[0] == '"' &&
              memcmp(m.data + 1, ref, m.len - 3) == 0 && m.data[m.len - 2] == '"');
        fmt_json_writer_free(w);
        free(m.data);
        free(ref);
    }
    free(blob);
}

/* A document with every kind of value, long strings and a large blob. */
static void build_mixed(fmt_json_writer *w)
{
    static unsigned char blob[100000];
    char text[3000];
    size_t i;

    for (i = 0; i < sizeof blob; i++)
        blob[i] = (unsigned char)(i * 31 + 7);
    for (i = 0; i < sizeof text; i++)
        text[i] = (char)(i % 97 == 0 ? '\n' : 'a' + (char)(i % 26));

    CHECK(fmt_json_writer_object_start(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "format") == 0);
    CHECK(fmt_json_writer_stringz(w, "dbexport \xe2\x80\x94 \"v1\"") == 0);
    CHECK(fmt_json_writer_keyz(w, "rows") == 0);
    CHECK(fmt_json_writer_array_start(w) == 0);
    for (i = 0; i < 50; i++) {
        CHECK(fmt_json_writer_array_start(w) == 0);
        CHECK(fmt_json_writer_int64(w, (int64_t)i * -123456789) == 0);
        CHECK(fmt_json_writer_double(w, (double)i / 7.0) == 0);
        CHECK(fmt_json_writer_string(w, text, i * 60) == 0);
        CHECK(fmt_json_writer_base64(w, blob, i * 3 + i % 3) == 0);
        CHECK(fmt_json_writer_raw_value(w, "{\"j\":[true,null]}", 17) == 0);
        CHECK(fmt_json_writer_number_text(w, "1e-7", 4) == 0);
        CHECK(fmt_json_writer_array_end(w) == 0);
    }
    CHECK(fmt_json_writer_array_end(w) == 0);
    CHECK(fmt_json_writer_keyz(w, "blob") == 0);
    CHECK(fmt_json_writer_base64(w, blob, sizeof blob) == 0);
    CHECK(fmt_json_writer_object_end(w) == 0);
    CHECK(fmt_json_writer_finish(w) == 0);
}

static void test_buffer_sizes(void)
{
    static const size_t sizes[] = {1, 2, 3, 7, 64, 4095, 65536, 1 << 22};
    mem_sink ref, m;
    fmt_json_writer *w;
    size_t i;

    w = open_writer(&ref, 2, 65536);
    build_mixed(w);
    fmt_json_writer_free(w);
    CHECK(ref.len > 100000 * 4 / 3);

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        w = open_writer(&m, 2, sizes[i]);
        build_mixed(w);
        CHECK(m.len == ref.len && memcmp(m.data, ref.data, ref.len) == 0);
        /* Chunks are the buffer size, except the last. */
        CHECK(m.max_chunk <= sizes[i]);
        CHECK(m.short_chunks <= 1);
        fmt_json_writer_free(w);
        free(m.data);
    }
    free(ref.data);

    /* Options NULL and a zero buffer size both mean the defaults. */
    {
        fmt_json_writer_options zero = {0, 0};
        memset(&m, 0, sizeof m);
        CHECK(fmt_json_writer_new(&w, mem_sink_write, &m, NULL) == 0);
        CHECK(fmt_json_writer_int64(w, 7) == 0);
        CHECK(fmt_json_writer_finish(w) == 0);
        CHECK_STR(output(&m), "7\n");
        fmt_json_writer_free(w);
        free(m.data);
        memset(&m, 0, sizeof m);
        CHECK(fmt_json_writer_new(&w, mem_sink_write, &m, &zero) == 0);
        CHECK(fmt_json_writer_bool(w, 0) == 0);
        CHECK(fmt_json_writer_flush(w) == 0);
        CHECK_STR(output(&m), "false");
        CHECK(fmt_json_writer_finish(w) == 0);
        CHECK_STR(output(&m), "false\n");
        fmt_json_writer_free(w);
        free(m.data);
    }
}

int main(void)
{
    test_layout();
    test_deep_nesting();
    test_escaping();
    test_escape_function();
    test_invalid_utf8();
    test_misuse();
    test_sink_failure();
    test_base64();
    test_buffer_sizes();
    return check_report();
}
