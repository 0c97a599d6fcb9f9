/* json_writer: the streaming JSON writer every export goes through. It owns
 * the output buffer, the nesting stack with its usage checks, string
 * escaping with UTF-8 validation, and the layout (indented near the top,
 * compact below indent_depth so each row is one line).
 *
 * Return codes: WRITER_EMISUSE for calls in the wrong place, WRITER_EINVALID
 * for bad input (invalid UTF-8, not a JSON number, non-finite double),
 * WRITER_ENOMEM, WRITER_ESINK when the sink fails. A misuse or invalid input
 * is detected before anything is written, so the document stays well formed
 * and the caller may carry on (e.g. write the value another way). A sink
 * failure is sticky: buffered output is lost, so every later call fails. */
#include "json_writer.h"

#include "base64.h"
#include "number.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRITER_EMISUSE (-1)
#define WRITER_EINVALID (-2)
#define WRITER_ENOMEM (-3)
#define WRITER_ESINK (-4)

#define WRITER_DEFAULT_BUFFER 65536

/* Frame flags, one byte per open container. */
#define FRAME_OBJECT 1u
#define FRAME_NONEMPTY 2u

/* Base64 input per encoder call: a multiple of 3 so no bytes stay pending
 * between chunks, small enough for the encoded chunk to live on the stack. */
#define BASE64_CHUNK 3072
#define BASE64_CHUNK_OUT (BASE64_CHUNK / 3 * 4 + 8)

struct fmt_json_writer {
    fmt_sink_fn sink;
    void *ctx;
    char *buf;
    size_t cap;
    size_t len;
    unsigned indent_depth;
    unsigned char *frames; /* frames[d]: container opened at depth d */
    size_t depth;
    size_t frames_cap;
    int after_key;   /* a key was written, its value is due */
    int top_done;    /* the top-level value is complete */
    int finished;    /* fmt_json_writer_finish succeeded */
    int sink_failed; /* sticky: see the file comment */
    char errmsg[256];
};

/* Per byte: 0 = copy as is; otherwise the character after the backslash,
 * 'u' meaning \u00XX. Control characters, '"' and '\\' only: '/' and
 * non-ASCII (including U+2028/U+2029) are valid JSON unescaped. */
/* clang-format off */
static const char escape_table[256] = {
    /* 0x00 */ 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    /* 0x10 */ 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    ['"'] = '"',
    ['\\'] = '\\',
};
/* clang-format on */

static int set_error(fmt_json_writer *w, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errmsg, sizeof w->errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

static int flush_buffer(fmt_json_writer *w)
{
    int rc;

    if (w->sink_failed)
        return WRITER_ESINK;
    if (w->len == 0)
        return 0;
    rc = w->sink(w->ctx, w->buf, w->len);
    if (rc != 0) {
        w->sink_failed = 1;
        return set_error(w, WRITER_ESINK, "write failed (sink returned %d)", rc);
    }
    w->len = 0;
    return 0;
}

static int put(fmt_json_writer *w, const void *data, size_t n)
{
    const char *src = data;

    while (n > 0) {
        size_t room = w->cap - w->len;
        size_t k;
        if (room == 0) {
            if (flush_buffer(w) < 0)
                return WRITER_ESINK;
            room = w->cap;
        }
        k = n < room ? n : room;
        memcpy(w->buf + w->len, src, k);
        w->len += k;
        src += k;
        n -= k;
    }
    return 0;
}

static int put_byte(fmt_json_writer *w, char c)
{
    if (w->len == w->cap && flush_buffer(w) < 0)
        return WRITER_ESINK;
    w->buf[w->len++] = c;
    return 0;
}

static int put_newline_indent(fmt_json_writer *w, size_t level)
{
    static const char spaces[] = "                                                                ";
    size_t n = level * 2;

    if (put_byte(w, '\n') < 0)
        return WRITER_ESINK;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        if (put(w, spaces, k) < 0)
            return WRITER_ESINK;
        n -= k;
    }
    return 0;
}

/* True if any byte of the word is < 0x20, '"' or '\\' (exact as a yes/no
 * answer; which byte is left to the byte loop). */
static int word_needs_escape(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t quote = x ^ (ones * '"');
    uint64_t backslash = x ^ (ones * '\\');
    uint64_t control = (x - ones * 0x20) & ~x;
    quote = (quote - ones) & ~quote;
    backslash = (backslash - ones) & ~backslash;
    return ((control | quote | backslash) & highs) != 0;
}

/* The string literal, quotes included: runs that need no escape go to the
 * sink in bulk, found eight bytes at a time. */
int fmt_json_escape(fmt_sink_fn sink, void *ctx, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    int rc;

    if ((rc = sink(ctx, "\"", 1)) != 0)
        return rc;
    while (i < len) {
        char e;
        for (;;) {
            size_t stop;
            while (i + 8 <= len) {
                uint64_t word;
                memcpy(&word, s + i, 8);
                if (word_needs_escape(word))
                    break;
                i += 8;
            }
            stop = len - i > 8 ? i + 8 : len;
            while (i < stop && escape_table[s[i]] == 0)
                i++;
            if (i < stop || i == len)
                break;
        }
        if (i > run && (rc = sink(ctx, s + run, i - run)) != 0)
            return rc;
        if (i == len)
            break;
        e = escape_table[s[i]];
        if (e == 'u') {
            char u[6] = {'\\', 'u', '0', '0', hex[s[i] >> 4], hex[s[i] & 15]};
            rc = sink(ctx, u, sizeof u);
        } else {
            char two[2] = {'\\', e};
            rc = sink(ctx, two, sizeof two);
        }
        if (rc != 0)
            return rc;
        i++;
        run = i;
    }
    return sink(ctx, "\"", 1);
}

static int writer_sink(void *ctx, const void *buf, size_t len)
{
    return put(ctx, buf, len);
}

static int put_string(fmt_json_writer *w, const char *s, size_t len)
{
    return fmt_json_escape(writer_sink, w, s, len) != 0 ? WRITER_ESINK : 0;
}

static int check_utf8(fmt_json_writer *w, const char *s, size_t len, const char *what)
{
    size_t bad;

    if (s == NULL && len > 0)
        return set_error(w, WRITER_EMISUSE, "%s: null pointer with length %zu", what, len);
    if (len == 0)
        return 0;
    bad = fmt_utf8_validate(s, len);
    if (bad != len)
        return set_error(w, WRITER_EINVALID, "%s: invalid UTF-8 at byte %zu (0x%02x)", what, bad,
                         (unsigned)(unsigned char)s[bad]);
    return 0;
}

/* Common entry check: sticky sink failure, use after finish. */
static int check_usable(fmt_json_writer *w)
{
    if (w->sink_failed)
        return WRITER_ESINK; /* errmsg still holds the sink failure */
    if (w->finished)
        return set_error(w, WRITER_EMISUSE, "writer used after finish");
    return 0;
}

static int frame_indented(const fmt_json_writer *w, size_t frame_depth)
{
    return frame_depth < w->indent_depth;
}

/* Separator and line break before a member of the innermost container. */
static int begin_member(fmt_json_writer *w)
{
    size_t d = w->depth - 1;

    if ((w->frames[d] & FRAME_NONEMPTY) && put_byte(w, ',') < 0)
        return WRITER_ESINK;
    w->frames[d] |= FRAME_NONEMPTY;
    if (frame_indented(w, d))
        return put_newline_indent(w, d + 1);
    return 0;
}

/* Checks that a value may come here, then writes what precedes it. Misuse
 * is reported before any byte is written. */
static int begin_value(fmt_json_writer *w, const char *what)
{
    int rc = check_usable(w);

    if (rc < 0)
        return rc;
    if (w->depth == 0) {
        if (w->top_done)
            return set_error(w, WRITER_EMISUSE, "%s after the top-level value", what);
        return 0;
    }
    if (w->frames[w->depth - 1] & FRAME_OBJECT) {
        if (!w->after_key)
            return set_error(w, WRITER_EMISUSE, "%s in an object without a key", what);
        w->after_key = 0;
        return 0;
    }
    return begin_member(w);
}

static void end_value(fmt_json_writer *w)
{
    if (w->depth == 0)
        w->top_done = 1;
}

int fmt_json_writer_new(fmt_json_writer **out, fmt_sink_fn sink, void *ctx,
                        const fmt_json_writer_options *opts)
{
    fmt_json_writer_options defaults = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w;

    *out = NULL;
    if (sink == NULL)
        return WRITER_EMISUSE;
    if (opts == NULL)
        opts = &defaults;
    w = calloc(1, sizeof *w);
    if (w == NULL)
        return WRITER_ENOMEM;
    w->sink = sink;
    w->ctx = ctx;
    /* 0 (a zeroed options struct) means the default rather than an error. */
    w->cap = opts->buffer_size ? opts->buffer_size : WRITER_DEFAULT_BUFFER;
    w->indent_depth = opts->indent_depth;
    w->buf = malloc(w->cap);
    w->frames_cap = 16;
    w->frames = malloc(w->frames_cap);
    if (w->buf == NULL || w->frames == NULL) {
        fmt_json_writer_free(w);
        return WRITER_ENOMEM;
    }
    *out = w;
    return 0;
}

/* Does not flush: output not passed to the sink by finish or flush is
 * dropped, which is what an aborted export wants. */
void fmt_json_writer_free(fmt_json_writer *w)
{
    if (w == NULL)
        return;
    free(w->buf);
    free(w->frames);
    free(w);
}

static int container_start(fmt_json_writer *w, unsigned char kind, char opener, const char *what)
{
    int rc;

    /* Grow first so running out of memory leaves the output untouched. */
    if (w->depth == w->frames_cap) {
        size_t ncap = w->frames_cap * 2;
        unsigned char *nf = realloc(w->frames, ncap);
        if (nf == NULL)
            return set_error(w, WRITER_ENOMEM, "out of memory");
        w->frames = nf;
        w->frames_cap = ncap;
    }
    rc = begin_value(w, what);
    if (rc < 0)
        return rc;
    w->frames[w->depth++] = kind;
    return put_byte(w, opener);
}

static int container_end(fmt_json_writer *w, unsigned char kind, char closer, const char *what)
{
    int rc = check_usable(w);
    size_t d;

    if (rc < 0)
        return rc;
    if (w->depth == 0)
        return set_error(w, WRITER_EMISUSE, "%s with no open container", what);
    d = w->depth - 1;
    if ((w->frames[d] & FRAME_OBJECT) != kind)
        return set_error(w, WRITER_EMISUSE, "%s closes an %s", what,
                         (w->frames[d] & FRAME_OBJECT) ? "object" : "array");
    if (w->after_key)
        return set_error(w, WRITER_EMISUSE, "%s after a key without a value", what);
    if ((w->frames[d] & FRAME_NONEMPTY) && frame_indented(w, d) && put_newline_indent(w, d) < 0)
        return WRITER_ESINK;
    if (put_byte(w, closer) < 0)
        return WRITER_ESINK;
    w->depth = d;
    end_value(w);
    return 0;
}

int fmt_json_writer_object_start(fmt_json_writer *w)
{
    return container_start(w, FRAME_OBJECT, '{', "object start");
}

int fmt_json_writer_object_end(fmt_json_writer *w)
{
    return container_end(w, FRAME_OBJECT, '}', "object end");
}

int fmt_json_writer_array_start(fmt_json_writer *w)
{
    return container_start(w, 0, '[', "array start");
}

int fmt_json_writer_array_end(fmt_json_writer *w)
{
    return container_end(w, 0, ']', "array end");
}

int fmt_json_writer_key(fmt_json_writer *w, const char *s, size_t len)
{
    int rc = check_usable(w);
    size_t d;

    if (rc < 0)
        return rc;
    if (w->depth == 0 || !(w->frames[w->depth - 1] & FRAME_OBJECT))
        return set_error(w, WRITER_EMISUSE, "key outside an object");
    if (w->after_key)
        return set_error(w, WRITER_EMISUSE, "key after a key without a value");
    rc = check_utf8(w, s, len, "key");
    if (rc < 0)
        return rc;
    d = w->depth - 1;
    if (begin_member(w) < 0 || put_string(w, s, len) < 0)
        return WRITER_ESINK;
    if (frame_indented(w, d) ? put(w, ": ", 2) < 0 : put_byte(w, ':') < 0)
        return WRITER_ESINK;
    w->after_key = 1;
    return 0;
}

int fmt_json_writer_keyz(fmt_json_writer *w, const char *s)
{
    if (s == NULL)
        return set_error(w, WRITER_EMISUSE, "key: null pointer");
    return fmt_json_writer_key(w, s, strlen(s));
}

int fmt_json_writer_string(fmt_json_writer *w, const char *s, size_t len)
{
    int rc = check_utf8(w, s, len, "string");

    if (rc < 0)
        return rc;
    rc = begin_value(w, "string");
    if (rc < 0)
        return rc;
    if (put_string(w, s, len) < 0)
        return WRITER_ESINK;
    end_value(w);
    return 0;
}

int fmt_json_writer_stringz(fmt_json_writer *w, const char *s)
{
    if (s == NULL)
        return set_error(w, WRITER_EMISUSE, "string: null pointer");
    return fmt_json_writer_string(w, s, strlen(s));
}

int fmt_json_writer_base64(fmt_json_writer *w, const void *bytes, size_t len)
{
    const unsigned char *in = bytes;
    fmt_base64_encoder enc;
    char tmp[BASE64_CHUNK_OUT];
    size_t n;
    int rc;

    if (bytes == NULL && len > 0)
        return set_error(w, WRITER_EMISUSE, "base64: null pointer with length %zu", len);
    rc = begin_value(w, "base64 string");
    if (rc < 0)
        return rc;
    if (put_byte(w, '"') < 0)
        return WRITER_ESINK;
    /* Streamed through a stack chunk: a blob never needs a second full-size
     * buffer. Base64 text needs no escaping. */
    fmt_base64_encoder_init(&enc);
    while (len > 0) {
        size_t k = len < BASE64_CHUNK ? len : BASE64_CHUNK;
        n = fmt_base64_encoder_update(&enc, tmp, in, k);
        if (put(w, tmp, n) < 0)
            return WRITER_ESINK;
        in += k;
        len -= k;
    }
    n = fmt_base64_encoder_finish(&enc, tmp);
    if (put(w, tmp, n) < 0 || put_byte(w, '"') < 0)
        return WRITER_ESINK;
    end_value(w);
    return 0;
}

/* A scalar whose text is known valid: no escaping, no further checks. */
static int put_scalar(fmt_json_writer *w, const char *text, size_t len, const char *what)
{
    int rc = begin_value(w, what);

    if (rc < 0)
        return rc;
    if (put(w, text, len) < 0)
        return WRITER_ESINK;
    end_value(w);
    return 0;
}

int fmt_json_writer_int64(fmt_json_writer *w, int64_t v)
{
    char text[24];
    int n = fmt_int64_format(text, v);
    return put_scalar(w, text, (size_t)n, "number");
}

int fmt_json_writer_double(fmt_json_writer *w, double v)
{
    char text[FMT_DOUBLE_BUFSZ];
    int n;

    if (!isfinite(v))
        return set_error(w, WRITER_EINVALID, "non-finite double is not a JSON number");
    n = fmt_double_format(text, v);
    return put_scalar(w, text, (size_t)n, "number");
}

int fmt_json_writer_number_text(fmt_json_writer *w, const char *s, size_t len)
{
    if (!fmt_is_json_number(s, len))
        return set_error(w, WRITER_EINVALID, "number text \"%.*s\" is not a JSON number",
                         (int)(len > 40 ? 40 : len), s ? s : "");
    return put_scalar(w, s, len, "number");
}

int fmt_json_writer_bool(fmt_json_writer *w, int v)
{
    return v ? put_scalar(w, "true", 4, "true") : put_scalar(w, "false", 5, "false");
}

int fmt_json_writer_null(fmt_json_writer *w)
{
    return put_scalar(w, "null", 4, "null");
}

int fmt_json_writer_raw_value(fmt_json_writer *w, const char *json, size_t len)
{
    /* The content is trusted, but an empty one would silently corrupt the
     * document, and that much is cheap to catch. */
    if (json == NULL || len == 0)
        return set_error(w, WRITER_EMISUSE, "raw value is empty");
    return put_scalar(w, json, len, "raw value");
}

int fmt_json_writer_finish(fmt_json_writer *w)
{
    int rc = check_usable(w);

    if (rc < 0)
        return rc;
    if (w->depth > 0 || !w->top_done)
        return set_error(w, WRITER_EMISUSE, "finish before the top-level value is complete");
    if (put_byte(w, '\n') < 0 || flush_buffer(w) < 0)
        return WRITER_ESINK;
    w->finished = 1;
    return 0;
}

int fmt_json_writer_flush(fmt_json_writer *w)
{
    return flush_buffer(w);
}

const char *fmt_json_writer_errmsg(const fmt_json_writer *w)
{
    if (w == NULL)
        return "no writer (out of memory?)";
    return w->errmsg;
}
