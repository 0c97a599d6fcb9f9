/* Unit tests for the streaming JSON reader: event sequences, positions,
 * errors, limits, and that the way the input is cut into chunks never
 * changes what the reader reports. */
#include "check.h"
#include "json_reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Not in the public header; see json_reader.c. */
size_t fmt_json_reader_test_capacity(const fmt_json_reader *r);

/* ---- a small growable string for rendering event sequences ---- */

typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        if (!b->s)
            abort();
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_add_escaped(strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            sb_add(b, (const char *)&c, 1);
        else
            sb_printf(b, "\\x%02x", c);
    }
}

/* ---- feeding a document in chunks ---- */

enum split_mode { SPLIT_WHOLE, SPLIT_FIXED, SPLIT_RANDOM };

typedef struct {
    enum split_mode mode;
    size_t size; /* fixed chunk size, or the largest random one */
    uint32_t seed;
} splitter;

static size_t next_chunk_size(splitter *s, size_t remaining)
{
    size_t n = remaining;
    if (s->mode == SPLIT_FIXED) {
        n = s->size;
    } else if (s->mode == SPLIT_RANDOM) {
        s->seed = s->seed * 1103515245u + 12345u;
        n = (s->seed >> 16) % (s->size + 1); /* empty chunks are legal too */
    }
    return n < remaining ? n : remaining;
}

static const char *type_name(fmt_json_event_type t)
{
    switch (t) {
    case FMT_JSON_OBJECT_START:
        return "{";
    case FMT_JSON_OBJECT_END:
        return "}";
    case FMT_JSON_ARRAY_START:
        return "[";
    case FMT_JSON_ARRAY_END:
        return "]";
    case FMT_JSON_KEY:
        return "K:";
    case FMT_JSON_STRING:
        return "S:";
    case FMT_JSON_NUMBER:
        return "N:";
    case FMT_JSON_TRUE:
        return "true";
    case FMT_JSON_FALSE:
        return "false";
    case FMT_JSON_NULL:
        return "null";
    case FMT_JSON_END:
        return "END";
    case FMT_JSON_NEED_INPUT:
        break;
    }
    return "?";
}

/* Renders every event (and the error, if any) as one line of text, with
 * positions and depths when with_pos is set. Each chunk lives in its own
 * exact-size allocation, freed as soon as the reader asks for more, so that
 * ASan catches a reader that reads past a chunk or keeps it too long. */
static char *render_opts(const char *doc, size_t len, splitter sp, int with_pos,
                         const fmt_json_reader_options *opts)
{
    fmt_json_reader *r;
    fmt_json_event ev;
    strbuf out = {0};
    char *chunk = NULL;
    size_t off = 0, steps = 0;
    int final_fed = 0;

    if (fmt_json_reader_new(&r, opts) < 0)
        abort();
    sb_add(&out, "", 0);
    for (;;) {
        if (++steps > 4 * len + 1000) {
            sb_printf(&out, "BUG(no progress)");
            break;
        }
        if (fmt_json_reader_next(r, &ev) < 0) {
            fmt_position p = fmt_json_reader_errpos(r);
            sb_printf(&out, "%sERR(%s)", out.len ? " " : "", fmt_json_reader_errmsg(r));
            if (with_pos)
                sb_printf(&out, "@%llu:%llu:%llu", (unsigned long long)p.line,
                          (unsigned long long)p.column, (unsigned long long)p.offset);
            break;
        }
        if (ev.type == FMT_JSON_NEED_INPUT) {
            size_t n;
            int is_final;
            free(chunk);
            chunk = NULL;
            if (final_fed) {
                sb_printf(&out, "BUG(need input after final)");
                break;
            }
            n = next_chunk_size(&sp, len - off);
            chunk = malloc(n ? n : 1);
            if (!chunk)
                abort();
            memcpy(chunk, doc + off, n);
            off += n;
            is_final = off == len && (sp.mode != SPLIT_FIXED || n == 0);
            fmt_json_reader_feed(r, chunk, n, is_final);
            final_fed = is_final;
            continue;
        }
        if (ev.text == NULL || ev.text[ev.len] != '\0')
            sb_printf(&out, "BUG(text not NUL-terminated)");
        sb_printf(&out, "%s%s", out.len ? " " : "", type_name(ev.type));
        if (ev.type == FMT_JSON_KEY || ev.type == FMT_JSON_STRING || ev.type == FMT_JSON_NUMBER)
            sb_add_escaped(&out, ev.text, ev.len);
        if (with_pos)
            sb_printf(&out, "@%llu:%llu:%llu/%u", (unsigned long long)ev.pos.line,
                      (unsigned long long)ev.pos.column, (unsigned long long)ev.pos.offset,
                      ev.depth);
        if (ev.type == FMT_JSON_END)
            break;
    }
    free(chunk);
    fmt_json_reader_free(r);
    return out.s;
}

static char *render(const char *doc, int with_pos)
{
    splitter whole = {SPLIT_WHOLE, 0, 0};
    return render_opts(doc, strlen(doc), whole, with_pos, NULL);
}

#define CHECK_EVENTS(doc, want)                                                                    \
    do {                                                                                           \
        char *got_ = render(doc, 0);                                                               \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

#define CHECK_EVENTS_POS(doc, want)                                                                \
    do {                                                                                           \
        char *got_ = render(doc, 1);                                                               \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

/* Parses a single-value document in one chunk and returns its only event. */
static int parse_one(const char *doc, size_t len, fmt_json_event *out, char *text, size_t cap)
{
    fmt_json_reader *r;
    fmt_json_event ev;
    int rc = -1;
    if (fmt_json_reader_new(&r, NULL) < 0)
        return -1;
    fmt_json_reader_feed(r, doc, len, 1);
    if (fmt_json_reader_next(r, &ev) == 0 && ev.len < cap) {
        *out = ev;
        memcpy(text, ev.text, ev.len + 1);
        out->text = text;
        if (fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_END)
            rc = 0;
    }
    fmt_json_reader_free(r);
    return rc;
}

/* ---- tests ---- */

static void test_event_sequences(void)
{
    CHECK_EVENTS("{\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{}}",
                 "{ K:a N:1 K:b [ true false null S:x ] K:c { } } END");
    CHECK_EVENTS("[]", "[ ] END");
    CHECK_EVENTS(" [ [ ] , { } ] ", "[ [ ] { } ] END");
    CHECK_EVENTS("[[[\"deep\"]]]", "[ [ [ S:deep ] ] ] END");
    CHECK_EVENTS("{\"\":\"\"}", "{ K: S: } END");
    /* any value may be the whole document */
    CHECK_EVENTS("42", "N:42 END");
    CHECK_EVENTS(" -0.5e+10 \n", "N:-0.5e+10 END");
    CHECK_EVENTS("\"s\"", "S:s END");
    CHECK_EVENTS("true", "true END");
    CHECK_EVENTS("false", "false END");
    CHECK_EVENTS("null", "null END");
    /* numbers are handed over exactly as written */
    CHECK_EVENTS("[0,-0,1E5,1e-5,0.000,123456789012345678901234567890,9007199254740993]",
                 "[ N:0 N:-0 N:1E5 N:1e-5 N:0.000 N:123456789012345678901234567890 "
                 "N:9007199254740993 ] END");
    /* a number directly followed by a structural character */
    CHECK_EVENTS("{\"n\":1}", "{ K:n N:1 } END");
    CHECK_EVENTS("[1,2.5]", "[ N:1 N:2.5 ] END");
    CHECK_EVENTS("\t\r\n 7\r\n", "N:7 END");
}

static void test_string_decoding(void)
{
    fmt_json_event ev;
    char text[64];
    const char *doc;

    doc = "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u4E2D\"";
    CHECK(parse_one(doc, strlen(doc), &ev, text, sizeof text) == 0);
    CHECK(ev.type == FMT_JSON_STRING);
    CHECK(ev.len == 17);
    CHECK(memcmp(ev.text, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe4\xb8\xad", 17) == 0);

    doc = "\"\\ud83d\\ude00\"";
    CHECK(parse_one(doc, strlen(doc), &ev, text, sizeof text) == 0);
    CHECK(ev.len == 4);
    CHECK(memcmp(ev.text, "\xf0\x9f\x98\x80", 5) == 0);

    doc = "\"\\uD834\\uDD1E\\uDBFF\\uDFFF\"";
    CHECK(parse_one(doc, strlen(doc), &ev, text, sizeof text) == 0);
    CHECK(ev.len == 8);
    CHECK(memcmp(ev.text, "\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf", 9) == 0);

    /* \u0000 is data: counted in len, and a terminating NUL still follows */
    doc = "\"a\\u0000b\"";
    CHECK(parse_one(doc, strlen(doc), &ev, text, sizeof text) == 0);
    CHECK(ev.len == 3);
    CHECK(memcmp(ev.text, "a\0b\0", 4) == 0);

    /* raw UTF-8 of every length passes through unchanged */
    doc = "\"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf"
          "\xbf\"";
    CHECK(parse_one(doc, strlen(doc), &ev, text, sizeof text) == 0);
    CHECK(ev.len == strlen(doc) - 2);
    CHECK(memcmp(ev.text, doc + 1, ev.len) == 0);

    /* object member names are keys, decoded the same way */
    CHECK_EVENTS("{\"k\\u00e9y\":\"v\"}", "{ K:k\\xc3\\xa9y S:v } END");
}

static void test_positions(void)
{
    CHECK_EVENTS_POS("{\n  \"key\": [1, 22,\r\n \"s\"]\n}",
                     "{@1:1:0/0 K:key@2:3:4/1 [@2:10:11/1 N:1@2:11:12/2 N:22@2:14:15/2 "
                     "S:s@3:2:21/2 ]@3:5:24/1 }@4:1:26/0 END@4:2:27/0");
    /* a lone CR is not a line break */
    CHECK_EVENTS_POS("[\rtrue,\n\nnull]",
                     "[@1:1:0/0 true@1:3:2/1 null@3:1:9/1 ]@3:5:13/0 END@3:6:14/0");
    /* depth: a container's start and end sit at the depth of its parent */
    CHECK_EVENTS_POS("{\"a\":[1,{}]}", "{@1:1:0/0 K:a@1:2:1/1 [@1:6:5/1 N:1@1:7:6/2 {@1:9:8/2 "
                                       "}@1:10:9/2 ]@1:11:10/1 }@1:12:11/0 END@1:13:12/0");
    /* columns count bytes, not characters */
    CHECK_EVENTS_POS(
        "[\"\xc3\xa9\xc3\xa9\",1]",
        "[@1:1:0/0 S:\\xc3\\xa9\\xc3\\xa9@1:2:1/1 N:1@1:9:8/1 ]@1:10:9/0 END@1:11:10/0");
}

static void test_position_after(void)
{
    fmt_json_reader *r;
    fmt_json_event ev;
    fmt_position p;

    CHECK(fmt_json_reader_new(&r, NULL) == 0);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_NEED_INPUT);
    fmt_json_reader_feed(r, "[1,\n\"ab", 7, 0);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_ARRAY_START);
    p = fmt_json_reader_position(r);
    CHECK(p.offset == 1 && p.line == 1 && p.column == 2);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_NUMBER);
    /* the byte that ended the number is not consumed yet */
    p = fmt_json_reader_position(r);
    CHECK(p.offset == 2);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_NEED_INPUT);
    p = fmt_json_reader_position(r);
    CHECK(p.offset == 7 && p.line == 2 && p.column == 4);
    fmt_json_reader_feed(r, "c\"]", 3, 1);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_STRING);
    CHECK(ev.len == 3 && strcmp(ev.text, "abc") == 0);
    CHECK(ev.pos.offset == 4 && ev.pos.line == 2 && ev.pos.column == 1);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_ARRAY_END);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_END);
    /* END is repeated, never NEED_INPUT once the input is final */
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_END);
    CHECK(fmt_json_reader_errmsg(r)[0] == '\0');
    fmt_json_reader_free(r);
    fmt_json_reader_free(NULL);
}

static void test_errors(void)
{
    /* structure */
    CHECK_EVENTS_POS("", "ERR(unexpected end of input)@1:1:0");
    CHECK_EVENTS_POS("  \n ", "ERR(unexpected end of input)@2:2:4");
    CHECK_EVENTS_POS("[1,\n 2,]", "[@1:1:0/0 N:1@1:2:1/1 N:2@2:2:5/1 "
                                  "ERR(unexpected character ']', expected a value)@2:4:7");
    CHECK_EVENTS_POS("{\"a\":1,}", "{@1:1:0/0 K:a@1:2:1/1 N:1@1:6:5/1 "
                                   "ERR(unexpected character '}', expected a string key)@1:8:7");
    CHECK_EVENTS_POS("{\"a\" 1}",
                     "{@1:1:0/0 K:a@1:2:1/1 ERR(unexpected character '1', expected ':')@1:6:5");
    CHECK_EVENTS_POS("{1:2}",
                     "{@1:1:0/0 ERR(unexpected character '1', expected a string key or '}')@1:2:1");
    CHECK_EVENTS_POS("[1 2]", "[@1:1:0/0 N:1@1:2:1/1 "
                              "ERR(unexpected character '2', expected ',' or ']')@1:4:3");
    CHECK_EVENTS_POS("[1}", "[@1:1:0/0 N:1@1:2:1/1 "
                            "ERR(unexpected character '}', expected ',' or ']')@1:3:2");
    CHECK_EVENTS_POS("{\"a\":1]", "{@1:1:0/0 K:a@1:2:1/1 N:1@1:6:5/1 "
                                  "ERR(unexpected character ']', expected ',' or '}')@1:7:6");
    CHECK_EVENTS_POS("[1", "[@1:1:0/0 N:1@1:2:1/1 ERR(unexpected end of input)@1:3:2");
    CHECK_EVENTS_POS("{} x", "{@1:1:0/0 }@1:2:1/0 "
                             "ERR(unexpected character 'x' after the top-level value)@1:4:3");
    CHECK_EVENTS_POS("1 2",
                     "N:1@1:1:0/0 ERR(unexpected character '2' after the top-level value)@1:3:2");
    CHECK_EVENTS_POS("\xef\xbb\xbf{}",
                     "ERR(unexpected byte 0xef, expected a value (byte order mark?))@1:1:0");
    CHECK_EVENTS_POS("[\x0c]", "[@1:1:0/0 ERR(unexpected byte 0x0c, expected a value)@1:2:1");
    CHECK_EVENTS_POS("'a'", "ERR(unexpected character ''', expected a value)@1:1:0");

    /* literals */
    CHECK_EVENTS_POS("tru", "ERR(unexpected end of input)@1:4:3");
    CHECK_EVENTS_POS("[trUe]", "[@1:1:0/0 ERR(invalid literal: unexpected character 'U')@1:4:3");
    CHECK_EVENTS_POS("True", "ERR(unexpected character 'T', expected a value)@1:1:0");
    CHECK_EVENTS_POS("nullx", "null@1:1:0/0 "
                              "ERR(unexpected character 'x' after the top-level value)@1:5:4");

    /* numbers */
    CHECK_EVENTS_POS("01", "ERR(invalid number: character '1' after a leading zero)@1:2:1");
    CHECK_EVENTS_POS("-01", "ERR(invalid number: character '1' after a leading zero)@1:3:2");
    CHECK_EVENTS_POS("1.", "ERR(unexpected end of input)@1:3:2");
    CHECK_EVENTS_POS("[1.]", "[@1:1:0/0 ERR(invalid number: unexpected character ']')@1:4:3");
    CHECK_EVENTS_POS(".5", "ERR(unexpected character '.', expected a value)@1:1:0");
    CHECK_EVENTS_POS("+1", "ERR(unexpected character '+', expected a value)@1:1:0");
    CHECK_EVENTS_POS("-", "ERR(unexpected end of input)@1:2:1");
    CHECK_EVENTS_POS("-x", "ERR(invalid number: unexpected character 'x')@1:2:1");
    CHECK_EVENTS_POS("1e", "ERR(unexpected end of input)@1:3:2");
    CHECK_EVENTS_POS("1e+", "ERR(unexpected end of input)@1:4:3");
    CHECK_EVENTS_POS("1E+x", "ERR(invalid number: unexpected character 'x')@1:4:3");
    CHECK_EVENTS_POS("0x1", "N:0@1:1:0/0 "
                            "ERR(unexpected character 'x' after the top-level value)@1:2:1");
    CHECK_EVENTS_POS("1.5.3", "N:1.5@1:1:0/0 "
                              "ERR(unexpected character '.' after the top-level value)@1:4:3");

    /* strings */
    CHECK_EVENTS_POS("\"abc", "ERR(unterminated string)@1:1:0");
    CHECK_EVENTS_POS("[\"a\\", "[@1:1:0/0 ERR(unterminated string)@1:2:1");
    CHECK_EVENTS_POS("\"a\\x\"", "ERR(invalid escape: character 'x')@1:4:3");
    CHECK_EVENTS_POS("\"\\u12G4\"", "ERR(invalid \\u escape: character 'G')@1:6:5");
    CHECK_EVENTS_POS("\"\\U0041\"", "ERR(invalid escape: character 'U')@1:3:2");
    CHECK_EVENTS_POS("\"a\tb\"", "ERR(unescaped control byte 0x09 in string)@1:3:2");
    CHECK_EVENTS_POS("\"a\nb\"", "ERR(unescaped control byte 0x0a in string)@1:3:2");
    CHECK_EVENTS_POS("\"\\ud800\"", "ERR(unpaired surrogate \\ud800)@1:2:1");
    CHECK_EVENTS_POS("\"ab\\udc00\"", "ERR(unpaired surrogate \\udc00)@1:4:3");
    CHECK_EVENTS_POS("\"\\ud800\\u0041\"", "ERR(unpaired surrogate \\ud800)@1:2:1");
    CHECK_EVENTS_POS("\"\\ud800\\ud800\\udc00\"", "ERR(unpaired surrogate \\ud800)@1:2:1");
    CHECK_EVENTS_POS("\"\\ud800\\n\"", "ERR(unpaired surrogate \\ud800)@1:2:1");
    CHECK_EVENTS_POS("\"\\ud800x\"", "ERR(unpaired surrogate \\ud800)@1:2:1");
    CHECK_EVENTS_POS("\"\\udc00\\ud800\"", "ERR(unpaired surrogate \\udc00)@1:2:1");

    /* invalid UTF-8, reported at the first byte that cannot be right */
    CHECK_EVENTS_POS("\"a\xc0\xaf\"", "ERR(invalid utf-8 in string: byte 0xc0)@1:3:2");
    CHECK_EVENTS_POS("\"\xc1\xbf\"", "ERR(invalid utf-8 in string: byte 0xc1)@1:2:1");
    CHECK_EVENTS_POS("\"\xe0\x9f\xbf\"", "ERR(invalid utf-8 in string: byte 0x9f)@1:3:2");
    CHECK_EVENTS_POS("\"\xed\xa0\x80\"", "ERR(invalid utf-8 in string: byte 0xa0)@1:3:2");
    CHECK_EVENTS_POS("\"\xf0\x8f\xbf\xbf\"", "ERR(invalid utf-8 in string: byte 0x8f)@1:3:2");
    CHECK_EVENTS_POS("\"\xf4\x90\x80\x80\"", "ERR(invalid utf-8 in string: byte 0x90)@1:3:2");
    CHECK_EVENTS_POS("\"\xf5\x80\x80\x80\"", "ERR(invalid utf-8 in string: byte 0xf5)@1:2:1");
    CHECK_EVENTS_POS("\"\xff\"", "ERR(invalid utf-8 in string: byte 0xff)@1:2:1");
    CHECK_EVENTS_POS("\"\x80\"", "ERR(invalid utf-8 in string: byte 0x80)@1:2:1");
    CHECK_EVENTS_POS("\"\xe2\x82\"", "ERR(truncated utf-8 sequence in string)@1:4:3");
    CHECK_EVENTS_POS("\"\xe2\x82", "ERR(unterminated string)@1:1:0");
    CHECK_EVENTS_POS("[\xc3\xa9]", "[@1:1:0/0 ERR(unexpected byte 0xc3, expected a value)@1:2:1");
}

static void test_errors_are_sticky(void)
{
    fmt_json_reader *r;
    fmt_json_event ev;
    fmt_position p;

    CHECK(fmt_json_reader_new(&r, NULL) == 0);
    fmt_json_reader_feed(r, "[1,,2]", 6, 0);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_ARRAY_START);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_NUMBER);
    CHECK(fmt_json_reader_next(r, &ev) < 0);
    CHECK_STR(fmt_json_reader_errmsg(r), "unexpected character ',', expected a value");
    CHECK(fmt_json_reader_next(r, &ev) < 0);
    CHECK(fmt_json_reader_next(r, &ev) < 0);
    CHECK_STR(fmt_json_reader_errmsg(r), "unexpected character ',', expected a value");
    p = fmt_json_reader_errpos(r);
    CHECK(p.line == 1 && p.column == 4 && p.offset == 3);
    /* feeding after an error changes nothing */
    fmt_json_reader_feed(r, "]", 1, 1);
    CHECK(fmt_json_reader_next(r, &ev) < 0);
    CHECK_STR(fmt_json_reader_errmsg(r), "unexpected character ',', expected a value");
    fmt_json_reader_free(r);

    /* data fed after the final chunk is an error, not silently ignored */
    CHECK(fmt_json_reader_new(&r, NULL) == 0);
    fmt_json_reader_feed(r, "1", 1, 1);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_NUMBER);
    CHECK(fmt_json_reader_next(r, &ev) == 0 && ev.type == FMT_JSON_END);
    fmt_json_reader_feed(r, "2", 1, 1);
    CHECK(fmt_json_reader_next(r, &ev) < 0);
    fmt_json_reader_free(r);
}

/* Every way of cutting a document into chunks must give the very same
 * events, positions and error. */
static void test_chunking(void)
{
    static const char *docs[] = {
        "{\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{}}",
        "{\n  \"key\": [1, 22,\r\n \"s\"]\n}",
        "[-0.5e+10,1E-3,0,-0,12345678901234567890,3.25]",
        "\"\\ud83d\\ude00 \\u00e9\\u4e2d \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"",
        "[\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\", \"a\\u0000b\"]",
        "{\"k\\u00e9y\": {\"nested\": [[[], {}], [true]]}, \"z\": null}",
        "  true  ",
        "false",
        "null",
        "123",
        "-7e+9",
        "[1,\n 2,]",
        "{\"a\" 1}",
        "[1.]",
        "1.",
        "tru",
        "[nulx]",
        "\"\\ud800\\u0041\"",
        "\"\\ud800x\"",
        "\"a\xe2\x82\"",
        "\"\xf0\x9f\x98",
        "\"\\u12",
        "\"a\\",
        "{\"a\":1} {",
        "\xef\xbb\xbf{}",
        "[01]",
        "",
        " \n ",
    };
    static const size_t fixed[] = {1, 2, 3, 5, 7, 16};

    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        size_t len = strlen(docs[d]);
        splitter whole = {SPLIT_WHOLE, 0, 0};
        char *want = render_opts(docs[d], len, whole, 1, NULL);
        for (size_t f = 0; f < sizeof fixed / sizeof fixed[0]; f++) {
            splitter sp = {SPLIT_FIXED, fixed[f], 0};
            char *got = render_opts(docs[d], len, sp, 1, NULL);
            CHECK_STR(got, want);
            free(got);
        }
        for (uint32_t seed = 1; seed <= 40; seed++) {
            splitter sp = {SPLIT_RANDOM, 1 + seed % 9, seed};
            char *got = render_opts(docs[d], len, sp, 1, NULL);
            CHECK_STR(got, want);
            free(got);
        }
        free(want);
    }
}

static void test_depth_limit(void)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    splitter whole = {SPLIT_WHOLE, 0, 0};
    char *got;
    char deep[2000];

    opts.max_depth = 3;
    got = render_opts("[[[1]]]", 7, whole, 0, &opts);
    CHECK_STR(got, "[ [ [ N:1 ] ] ] END");
    free(got);
    got = render_opts("[[[[1]]]]", 9, whole, 1, &opts);
    CHECK_STR(got, "[@1:1:0/0 [@1:2:1/1 [@1:3:2/2 ERR(nesting deeper than 3 levels)@1:4:3");
    free(got);
    got = render_opts("{\"a\":{\"b\":[{}]}}", 16, whole, 0, &opts);
    CHECK_STR(got, "{ K:a { K:b [ ERR(nesting deeper than 3 levels)");
    free(got);

    /* the default allows 512 levels, and the stack grows to get there */
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    got = render_opts(deep, 1024, whole, 0, NULL);
    CHECK(got && strlen(got) > 4 && strcmp(got + strlen(got) - 4, " END") == 0);
    free(got);
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    got = render_opts(deep, 1026, whole, 0, NULL);
    CHECK(got && strstr(got, "ERR(nesting deeper than 512 levels)") != NULL);
    free(got);

    opts.max_depth = 0;
    got = render_opts("[]", 2, whole, 0, &opts);
    CHECK_STR(got, "ERR(nesting deeper than 0 levels)");
    free(got);
    got = render_opts("7", 1, whole, 0, &opts);
    CHECK_STR(got, "N:7 END");
    free(got);
}

static void test_token_limit(void)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    static const size_t fixed[] = {0, 1, 3};
    static const struct {
        const char *doc, *want;
    } cases[] = {
        {"\"12345678\"", "S:12345678 END"},
        {"\"123456789\"", "ERR(string longer than 8 bytes)@1:1:0"},
        /* the limit counts decoded bytes: four two-byte characters fit */
        {"\"\\u00e9\\u00e9\\u00e9\\u00e9\"", "S:\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9 END"},
        {"\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"", "ERR(string longer than 8 bytes)@1:1:0"},
        {"{\"123456789\":1}", "{ ERR(string longer than 8 bytes)@1:2:1"},
        {"[12345678]", "[ N:12345678 ] END"},
        {"[123456789]", "[ ERR(number longer than 8 bytes)@1:2:1"},
        {"-1234567", "N:-1234567 END"},
        {"-1.3456e+", "ERR(number longer than 8 bytes)@1:1:0"},
        /* the limit is crossed before the bad byte, so it is what is reported */
        {"\"123456789\x01\"", "ERR(string longer than 8 bytes)@1:1:0"},
        {"\"12345678\x01\"", "ERR(unescaped control byte 0x01 in string)@1:10:9"},
        {"123456789x", "ERR(number longer than 8 bytes)@1:1:0"},
        {"12345678.x", "ERR(number longer than 8 bytes)@1:1:0"},
        {"1234567.x", "ERR(invalid number: unexpected character 'x')@1:9:8"},
    };

    opts.max_token = 8;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t f = 0; f < sizeof fixed / sizeof fixed[0]; f++) {
            splitter sp = {fixed[f] ? SPLIT_FIXED : SPLIT_WHOLE, fixed[f], 0};
            char *got = render_opts(cases[i].doc, strlen(cases[i].doc), sp, 0, &opts);
            /* the short rendering has no positions: compare without them */
            char want[128];
            const char *at = strchr(cases[i].want, '@');
            size_t n = at ? (size_t)(at - cases[i].want) : strlen(cases[i].want);
            memcpy(want, cases[i].want, n);
            want[n] = '\0';
            CHECK_STR(got, want);
            free(got);
        }
        {
            splitter whole = {SPLIT_WHOLE, 0, 0};
            char *got = render_opts(cases[i].doc, strlen(cases[i].doc), whole, 1, &opts);
            const char *err = strstr(cases[i].want, "ERR(");
            if (err)
                CHECK(got && strstr(got, err) != NULL);
            free(got);
        }
    }
}

/* One string much larger than any chunk: assembled across chunks, and the
 * buffer grows to the token, not beyond the limit. */
static void test_large_token(void)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r;
    fmt_json_event ev;
    size_t n = (size_t)1 << 20, fed = 0, steps = 0;
    char *doc = malloc(n + 2);
    int got_string = 0;

    if (!doc)
        abort();
    doc[0] = '"';
    for (size_t i = 1; i <= n; i++)
        doc[i] = (char)('a' + i % 26);
    doc[n - 1] = '\\'; /* an escape right at the end: "\n" */
    doc[n] = 'n';
    doc[n + 1] = '"';

    opts.max_token = (size_t)2 << 20;
    CHECK(fmt_json_reader_new(&r, &opts) == 0);
    while (++steps < 100000) {
        if (fmt_json_reader_next(r, &ev) < 0)
            break;
        if (ev.type == FMT_JSON_NEED_INPUT) {
            size_t k = n + 2 - fed < 4093 ? n + 2 - fed : 4093;
            fmt_json_reader_feed(r, doc + fed, k, fed + k == n + 2);
            fed += k;
        } else if (ev.type == FMT_JSON_STRING) {
            got_string =
                ev.len == n - 1 && ev.text[n - 2] == '\n' && memcmp(ev.text, doc + 1, n - 2) == 0;
        } else {
            break;
        }
    }
    CHECK(got_string);
    CHECK(ev.type == FMT_JSON_END);
    CHECK(fmt_json_reader_test_capacity(r) >= n);
    CHECK(fmt_json_reader_test_capacity(r) <= opts.max_token + 1 + 512);
    fmt_json_reader_free(r);
    free(doc);
}

/* Feeds one piece and pulls events until the reader wants more; counts
 * what the big-document test looks at. Returns 1 at END, 0 for more, -1. */
typedef struct {
    unsigned long strings, numbers, rows;
    size_t max_capacity;
} big_counts;

static int drain(fmt_json_reader *r, big_counts *c)
{
    fmt_json_event ev;
    for (;;) {
        if (fmt_json_reader_next(r, &ev) < 0) {
            fprintf(stderr, "big document: %s at offset %llu\n", fmt_json_reader_errmsg(r),
                    (unsigned long long)fmt_json_reader_errpos(r).offset);
            return -1;
        }
        if (fmt_json_reader_test_capacity(r) > c->max_capacity)
            c->max_capacity = fmt_json_reader_test_capacity(r);
        switch (ev.type) {
        case FMT_JSON_NEED_INPUT:
            return 0;
        case FMT_JSON_END:
            return 1;
        case FMT_JSON_STRING:
            c->strings++;
            break;
        case FMT_JSON_NUMBER:
            c->numbers++;
            break;
        case FMT_JSON_ARRAY_START:
            c->rows += ev.depth == 1;
            break;
        default:
            break;
        }
    }
}

/* About 50 MB of rows, generated on the fly and handed over in odd-sized
 * pieces: the reader must get through with its buffers at their initial
 * size, i.e. memory does not follow the document size. */
static void test_big_document(void)
{
    enum { CHUNK = 65536 };
    static const char *row_fmt = "[%lu,\"row %lu caf\xc3\xa9 \\u00e9\\ud83d\\ude00 \\\"q\\\"\","
                                 "true,null,-1.5e3,{\"k\":\"v\",\"n\":[]}],\n";
    const unsigned long rows = 600000;
    fmt_json_reader *r;
    char *buf = malloc(CHUNK + 256);
    size_t start_capacity;
    unsigned long next_row = 0;
    uint64_t total = 0;
    uint32_t seed = 7;
    big_counts c = {0, 0, 0, 0};
    int rc = 0;

    if (!buf)
        abort();
    CHECK(fmt_json_reader_new(&r, NULL) == 0);
    start_capacity = c.max_capacity = fmt_json_reader_test_capacity(r);
    rc = drain(r, &c); /* NEED_INPUT before anything was fed */
    while (rc == 0) {
        size_t have = 0, off = 0;
        int last;
        if (next_row == 0)
            buf[have++] = '[';
        while (have < CHUNK && next_row < rows) {
            have += (size_t)snprintf(buf + have, 256, row_fmt, next_row, next_row);
            next_row++;
        }
        last = next_row == rows;
        if (last) {
            buf[have++] = '0';
            buf[have++] = ']';
        }
        while (rc == 0 && off < have) {
            size_t k;
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % 20000;
            if (k > have - off)
                k = have - off;
            fmt_json_reader_feed(r, buf + off, k, last && off + k == have);
            off += k;
            total += k;
            rc = drain(r, &c);
        }
        if (rc == 0 && last)
            rc = -1; /* the final chunk must end in END, not NEED_INPUT */
    }
    CHECK(rc == 1);
    CHECK(total > 50u * 1000 * 1000);
    CHECK(c.rows == rows);
    CHECK(c.strings == rows * 2);     /* the row text and "v" */
    CHECK(c.numbers == rows * 2 + 1); /* id, -1.5e3, and the final 0 */
    CHECK(c.max_capacity == start_capacity);
    CHECK(fmt_json_reader_position(r).offset == total);
    CHECK(fmt_json_reader_position(r).line == rows + 1);
    fmt_json_reader_free(r);
    free(buf);
}

/* ---- duplicate keys (reject_duplicate_keys) ---- */

/* Renders doc with duplicate keys refused, positions included, after
 * checking that every way of cutting it into chunks renders the same. */
static char *render_dup(const char *doc, size_t len, size_t max_key_memory)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    splitter whole = {SPLIT_WHOLE, 0, 0};
    char *want;

    opts.reject_duplicate_keys = 1;
    opts.max_key_memory = max_key_memory;
    want = render_opts(doc, len, whole, 1, &opts);
    for (size_t f = 1; f <= 7; f += 3) {
        splitter sp = {SPLIT_FIXED, f, 0};
        char *got = render_opts(doc, len, sp, 1, &opts);
        CHECK_STR(got, want);
        free(got);
    }
    for (uint32_t seed = 1; seed <= 4; seed++) {
        splitter sp = {SPLIT_RANDOM, 1 + seed * 3, seed};
        char *got = render_opts(doc, len, sp, 1, &opts);
        CHECK_STR(got, want);
        free(got);
    }
    return want;
}

/* want: "END" for a document read to its end, or the error and its position. */
static void check_dup(const char *doc, size_t max_key_memory, const char *want)
{
    char *got = render_dup(doc, strlen(doc), max_key_memory);
    size_t n = got ? strlen(got) : 0, w = strlen(want);
    int ok = strcmp(want, "END") == 0 ? got && strstr(got, " END@") && !strstr(got, "ERR(")
                                      : n >= w && strcmp(got + n - w, want) == 0;
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s: got \"%s\", want it to end in \"%s\"\n", doc, got ? got : "", want);
    }
    free(got);
}

static void test_duplicate_keys(void)
{
    static const struct {
        const char *doc, *want;
    } cases[] = {
        {"{\"a\":1,\"a\":2}", "ERR(duplicate key \"a\" in an object)@1:8:7"},
        {"{\"a\":1,\"b\":{\"c\":1,\"d\":[],\"c\":2}}",
         "ERR(duplicate key \"c\" in an object)@1:26:25"},
        {"[{\"a\":1},{\"b\":1,\"a\":2,\"b\":3}]", "ERR(duplicate key \"b\" in an object)@1:23:22"},
        /* the inner object's keys are gone when it closes */
        {"{\"a\":{\"b\":1},\"b\":2,\"a\":3}", "ERR(duplicate key \"a\" in an object)@1:20:19"},
        {"\n{\n \"a\": 1,\n \"a\": 2\n}", "ERR(duplicate key \"a\" in an object)@4:2:13"},
        /* the same keys in sibling and nested objects are fine */
        {"[{\"a\":1,\"b\":2},{\"a\":1,\"b\":2},{\"a\":{\"a\":{\"a\":1}}}]", "END"},
        {"{\"a\":[{\"a\":1},{\"a\":2}],\"b\":{}}", "END"},
        /* keys are compared decoded, byte for byte, past a NUL too */
        {"{\"a\\u0000b\":1,\"a\\u0000c\":2,\"a\":3}", "END"},
        {"{\"a\\u0000b\":1,\"a\\u0000b\":2}",
         "ERR(duplicate key \"a\\u0000b\" in an object)@1:15:14"},
        {"{\"\\u00e9\":1,\"\\u00E9\":2}", "ERR(duplicate key \"\xc3\xa9\" in an object)@1:13:12"},
        {"{\"a\":1,\"\\u0061\":2}", "ERR(duplicate key \"a\" in an object)@1:8:7"},
        {"{\"A\":1,\"a\":2}", "END"},
        {"{\"\":1,\"\":2}", "ERR(duplicate key \"\" in an object)@1:7:6"},
        /* what a message shows of a key: escaped, cut short, never mid-character */
        {"{\"q\\\"\\\\\\n\":1,\"q\\\"\\\\\\n\":2}",
         "ERR(duplicate key \"q\\\"\\\\\\u000a\" in an object)@1:14:13"},
        {"{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":1,"
         "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":2}",
         "ERR(duplicate key \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" in an object)@1:57:56"},
        {"{\"a\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
         "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\":1,"
         "\"a\\u00e9\\u00e9\\u00e9"
         "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00"
         "e9"
         "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\":1}",
         "ERR(duplicate key "
         "\"a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...\" in "
         "an "
         "object)@1:134:133"},
    };
    char *got;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_dup(cases[i].doc, 1024, cases[i].want);

    /* RFC 8259 allows them (JSONTestSuite's y_object_duplicated_key*): off
     * by default, the reader hands both members over */
    CHECK_EVENTS("{\"a\":\"b\",\"a\":\"c\"}", "{ K:a S:b K:a S:c } END");
    CHECK_EVENTS("{\"a\":\"b\",\"a\":\"b\"}", "{ K:a S:b K:a S:b } END");

    /* the keys of the open objects together stay within max_key_memory, counting
     * what the reader keeps per key; closed objects give theirs back */
    got = render_dup("{\"k0\":0,\"k1\":0,\"k2\":0}", 22, 64);
    CHECK(got && strstr(got, "ERR(keys of the open objects take more than 64 bytes)@1:16:15"));
    free(got);
    got = render_dup("{\"k0\":{\"k1\":{\"k2\":0}}}", 22, 64);
    CHECK(got && strstr(got, "ERR(keys of the open objects take more than 64 bytes)@1:14:13"));
    free(got);
    check_dup("[{\"k0\":0,\"k1\":0},{\"k0\":0,\"k1\":0},{\"k0\":{\"k1\":0}}]", 64, "END");
}

/* Appends n keys "kFIRST".."kLAST" (first + n - 1) with value 0. */
static void add_keys(strbuf *b, unsigned first, unsigned n)
{
    for (unsigned k = first; k < first + n; k++)
        sb_printf(b, "%s\"k%u\":0", b->s[b->len - 1] == '{' ? "" : ",", k);
}

/* Wide objects go through a hash table: every size around the point where
 * it starts and where it grows, a duplicate first, last or in between. */
static void test_duplicate_keys_wide(void)
{
    static const unsigned sizes[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 65, 300};
    char want[96];

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        unsigned n = sizes[s];
        unsigned dups[3] = {0, n / 2, n - 1};
        for (int d = -1; d < 3; d++) {
            strbuf b = {0};
            char *got;
            sb_printf(&b, "{");
            add_keys(&b, 0, n);
            if (d >= 0)
                sb_printf(&b, ",\"k%u\":1", dups[d]);
            sb_printf(&b, "}");
            got = render_dup(b.s, b.len, 1 << 20);
            if (d >= 0)
                snprintf(want, sizeof want, "ERR(duplicate key \"k%u\" in an object)", dups[d]);
            else
                snprintf(want, sizeof want, " END@");
            CHECK(got && strstr(got, want));
            CHECK(got && (d >= 0 || !strstr(got, "ERR(")));
            free(got);
            free(b.s);
        }
    }
}

/* Objects nested in wide objects: each keeps its own keys and hash table,
 * and an outer table still works after an inner one came and went. */
static void test_duplicate_keys_nested(void)
{
    static const struct {
        unsigned outer, inner, after; /* keys before, inside "in", after */
        int dup;                      /* the duplicate after them: -1 none */
        int inside;                   /* 1: the duplicate is in "in" */
    } cases[] = {
        {20, 41, 10, 5, 0}, {20, 41, 0, 40, 1}, {20, 41, 41, -1, 0},   {3, 41, 40, 2, 0},
        {20, 3, 40, 59, 0}, {20, 3, 0, 1, 1},   {300, 300, 0, 299, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf b = {0};
        char want[96], *got;
        sb_printf(&b, "{");
        add_keys(&b, 0, cases[i].outer);
        sb_printf(&b, ",\"in\":{");
        add_keys(&b, 0, cases[i].inner);
        if (cases[i].inside)
            sb_printf(&b, ",\"k%d\":1", cases[i].dup);
        sb_printf(&b, "}");
        add_keys(&b, cases[i].outer, cases[i].after);
        if (!cases[i].inside && cases[i].dup >= 0)
            sb_printf(&b, ",\"k%d\":1", cases[i].dup);
        sb_printf(&b, "}");
        got = render_dup(b.s, b.len, 1 << 20);
        if (cases[i].dup >= 0)
            snprintf(want, sizeof want, "ERR(duplicate key \"k%d\" in an object)", cases[i].dup);
        else
            snprintf(want, sizeof want, " END@");
        CHECK(got && strstr(got, want));
        free(got);
        free(b.s);
    }
}

/* Rows of a wide table: the keys' memory is what one row needs, reused
 * row after row, and returned when the reader is freed (ASan). */
static void test_duplicate_keys_memory(void)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r;
    fmt_json_event ev;
    strbuf b = {0};
    size_t after_first = 0, rows = 0;

    sb_printf(&b, "[");
    for (int row = 0; row < 200; row++) {
        sb_printf(&b, "%s{", row ? "," : "");
        add_keys(&b, 0, 300);
        sb_printf(&b, "}");
    }
    sb_printf(&b, "]");
    opts.reject_duplicate_keys = 1;
    CHECK(fmt_json_reader_new(&r, &opts) == 0);
    fmt_json_reader_feed(r, b.s, b.len, 1);
    while (fmt_json_reader_next(r, &ev) == 0 && ev.type != FMT_JSON_END) {
        if (ev.type != FMT_JSON_OBJECT_END)
            continue;
        if (++rows == 1)
            after_first = fmt_json_reader_test_capacity(r);
        else if (fmt_json_reader_test_capacity(r) != after_first)
            break;
    }
    CHECK(ev.type == FMT_JSON_END && rows == 200);
    CHECK(fmt_json_reader_test_capacity(r) == after_first);
    fmt_json_reader_free(r);
    free(b.s);
}

int main(void)
{
    test_event_sequences();
    test_string_decoding();
    test_positions();
    test_position_after();
    test_errors();
    test_errors_are_sticky();
    test_chunking();
    test_depth_limit();
    test_token_limit();
    test_large_token();
    test_big_document();
    test_duplicate_keys();
    test_duplicate_keys_wide();
    test_duplicate_keys_nested();
    test_duplicate_keys_memory();
    return check_report();
}
