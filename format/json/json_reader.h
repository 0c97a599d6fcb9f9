/* Streaming pull reader for JSON (RFC 8259), in the manner of jq's
 * jv_parser: the caller feeds chunks of any size and pulls events. Memory is
 * bounded by the largest single token (string or number) plus the nesting
 * stack (and, when duplicate keys are refused, the keys of the objects still
 * open), whatever the document size. Every event carries the position of
 * its first byte. Strings are decoded (escapes resolved, UTF-8 validated,
 * lone surrogates rejected); numbers are handed over as their lexeme, never
 * converted. After the top-level value only whitespace may follow. */
#ifndef FMT_JSON_READER_H
#define FMT_JSON_READER_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FMT_JSON_NEED_INPUT = 1, /* not an event: feed more (or finish) */
    FMT_JSON_OBJECT_START,
    FMT_JSON_OBJECT_END,
    FMT_JSON_ARRAY_START,
    FMT_JSON_ARRAY_END,
    FMT_JSON_KEY,    /* object member name; text/len decoded */
    FMT_JSON_STRING, /* text/len decoded UTF-8, may contain NUL bytes */
    FMT_JSON_NUMBER, /* text/len is the lexeme as written */
    FMT_JSON_TRUE,
    FMT_JSON_FALSE,
    FMT_JSON_NULL,
    FMT_JSON_END /* the document is complete and nothing but whitespace followed */
} fmt_json_event_type;

typedef struct {
    uint64_t line;   /* 1-based */
    uint64_t column; /* 1-based, counted in bytes */
    uint64_t offset; /* 0-based byte offset in the (decompressed) stream */
} fmt_position;

typedef struct {
    fmt_json_event_type type;
    const char *text; /* valid until the next call; NUL-terminated for convenience */
    size_t len;
    fmt_position pos; /* position of the token's first byte */
    unsigned depth;   /* nesting depth of the container the event is in; 0 = top */
} fmt_json_event;

typedef struct {
    unsigned max_depth; /* containers nested deeper are an error */
    size_t max_token;   /* longest string (decoded bytes) or number lexeme */
    /* An object holding the same key twice (compared as decoded bytes) is
     * an error at the second one. RFC 8259 only says names "should" be
     * unique, so this is off by default; the interchange format turns it
     * on, because tools disagree on which of the two values counts. */
    int reject_duplicate_keys;
    /* With it, the keys of the objects still open are kept: at most this
     * many bytes of them (with what is kept per key) at once. */
    size_t max_key_memory;
} fmt_json_reader_options;
#define FMT_JSON_READER_OPTIONS_INIT                                                               \
    {                                                                                              \
        512, (size_t)1 << 30, 0, (size_t)1 << 30                                                   \
    }

typedef struct fmt_json_reader fmt_json_reader;

int fmt_json_reader_new(fmt_json_reader **out, const fmt_json_reader_options *opts);
void fmt_json_reader_free(fmt_json_reader *r);

/* Hands the reader the next chunk. The reader does not keep the pointer
 * beyond the point where fmt_json_reader_next() returns FMT_JSON_NEED_INPUT;
 * until then the chunk must stay valid. is_final = 1 marks end of input
 * (len may be 0). */
void fmt_json_reader_feed(fmt_json_reader *r, const char *buf, size_t len, int is_final);

/* Returns 0 and fills *ev (ev->type may be FMT_JSON_NEED_INPUT), or <0 on a
 * syntax error or exceeded limit; then fmt_json_reader_errmsg() says what
 * ("unexpected character 'x'", "unterminated string", "nesting deeper than
 * 512", "unexpected end of input" ...) without position, and
 * fmt_json_reader_errpos() gives the position of the offending byte. After
 * an error every further call returns the same error. */
int fmt_json_reader_next(fmt_json_reader *r, fmt_json_event *ev);
const char *fmt_json_reader_errmsg(const fmt_json_reader *r);
fmt_position fmt_json_reader_errpos(const fmt_json_reader *r);
/* Position just past the last byte consumed. */
fmt_position fmt_json_reader_position(const fmt_json_reader *r);

#endif
