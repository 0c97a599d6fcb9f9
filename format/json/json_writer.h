/* Streaming JSON writer: valid UTF-8 out, RFC 8259 escaping (control
 * characters as \uXXXX or the short escapes, '"' and '\\'; '/' and non-ASCII
 * left as they are), shortest round-trip floats. Output goes through a sink
 * callback in chunks of the writer's buffer size.
 *
 * Layout: containers opened at a depth below `indent_depth` are written one
 * member per line, indented by two spaces per level; containers at or below
 * that depth are written compactly on one line (so each table row of an
 * export is one line, which keeps `sed -n Np` useful). indent_depth 0 means
 * everything compact. Compact parts use "," and ":" with no spaces; indented
 * parts put ": " after keys. */
#ifndef FMT_JSON_WRITER_H
#define FMT_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*fmt_sink_fn)(void *ctx, const void *buf, size_t len);

typedef struct {
    unsigned indent_depth;
    size_t buffer_size;
} fmt_json_writer_options;
#define FMT_JSON_WRITER_OPTIONS_INIT                                                               \
    {                                                                                              \
        0, 65536                                                                                   \
    }

typedef struct fmt_json_writer fmt_json_writer;

int fmt_json_writer_new(fmt_json_writer **out, fmt_sink_fn sink, void *ctx,
                        const fmt_json_writer_options *opts);
void fmt_json_writer_free(fmt_json_writer *w);

/* All return 0 or <0 (sink failure, invalid UTF-8, misuse such as a value
 * where a key is required: these are programming errors but still reported). */
int fmt_json_writer_object_start(fmt_json_writer *w);
int fmt_json_writer_object_end(fmt_json_writer *w);
int fmt_json_writer_array_start(fmt_json_writer *w);
int fmt_json_writer_array_end(fmt_json_writer *w);
int fmt_json_writer_key(fmt_json_writer *w, const char *s, size_t len);
int fmt_json_writer_keyz(fmt_json_writer *w, const char *s); /* NUL-terminated */
/* s must be valid UTF-8 (NUL bytes allowed, written as \u0000). */
int fmt_json_writer_string(fmt_json_writer *w, const char *s, size_t len);
int fmt_json_writer_stringz(fmt_json_writer *w, const char *s);
/* A string value whose content is the base64 of the given bytes. */
int fmt_json_writer_base64(fmt_json_writer *w, const void *bytes, size_t len);
int fmt_json_writer_int64(fmt_json_writer *w, int64_t v);
/* Finite values only (NaN/Infinity are the caller's to encode as strings). */
int fmt_json_writer_double(fmt_json_writer *w, double v);
/* A number given as its lexeme; must satisfy fmt_is_json_number(). */
int fmt_json_writer_number_text(fmt_json_writer *w, const char *s, size_t len);
int fmt_json_writer_bool(fmt_json_writer *w, int v);
int fmt_json_writer_null(fmt_json_writer *w);
/* Writes already-serialised JSON (e.g. a jsonb value) as one value; the text
 * is trusted to be valid JSON. */
int fmt_json_writer_raw_value(fmt_json_writer *w, const char *json, size_t len);
/* The one JSON string escaper: the string literal for s[0..len), quotes
 * included, by the writer's rules ('"', '\\' and the short escapes \b \t
 * \n \f \r, other control characters as \u00XX, everything else as it
 * is), handed to sink in pieces. s is not checked: it should be valid UTF-8.
 * Returns 0, or the sink's first nonzero result. */
int fmt_json_escape(fmt_sink_fn sink, void *ctx, const char *s, size_t len);
/* After the top-level value: writes a final newline and flushes the buffer. */
int fmt_json_writer_finish(fmt_json_writer *w);
/* Flushes buffered output to the sink. */
int fmt_json_writer_flush(fmt_json_writer *w);
const char *fmt_json_writer_errmsg(const fmt_json_writer *w);

#endif
