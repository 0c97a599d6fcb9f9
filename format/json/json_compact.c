/* See json_compact.h. */
#include "json_compact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "json_writer.h"

typedef struct {
    const char *want;
    size_t len, pos;
    int differs;
} compare_sink;

/* Compares the writer's output with the original as it is produced, so no
 * second copy of the text is needed. */
static int compare(void *ctx, const void *buf, size_t n)
{
    compare_sink *c = ctx;
    if (c->pos + n > c->len || memcmp(c->want + c->pos, buf, n) != 0)
        c->differs = 1;
    c->pos += n;
    return 0;
}

/* Whether jq 1.6, which reads every number as a double, writes this one
 * back as it is: an integer within 2^53, or a decimal without exponent that
 * is the shortest text of its double. Anything else (1.50, 1e2, -0, 2^63)
 * jq would rewrite. */
static int jq_keeps(const char *s, size_t len)
{
    char buf[40], out[40];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *p = buf + (buf[0] == '-');
    if (strcmp(buf, "-0") == 0 || strpbrk(buf, "eE"))
        return 0;
    if (!strchr(p, '.')) {
        size_t digits = strlen(p);
        return digits < 16 || (digits == 16 && strcmp(p, "9007199254740992") <= 0);
    }
    if (buf[len - 1] == '0')
        return 0;
    double d = strtod(buf, NULL);
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(out, sizeof out, "%.*g", precision, d);
        if (strtod(out, NULL) == d)
            return strcmp(out, buf) == 0;
    }
    return 0;
}

static int is_compact(const char *json, size_t len, unsigned max_depth, int jq_stable);

int fmt_json_is_compact(const char *json, size_t len, unsigned max_depth)
{
    return is_compact(json, len, max_depth, 0);
}

int fmt_json_is_compact_jq(const char *json, size_t len, unsigned max_depth)
{
    return is_compact(json, len, max_depth, 1);
}

static int is_compact(const char *json, size_t len, unsigned max_depth, int jq_stable)
{
    fmt_json_reader_options ropts = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_writer_options wopts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_reader *r = NULL;
    fmt_json_writer *w = NULL;
    compare_sink sink = {json, len, 0, 0};
    int rc = -1;
    ropts.max_depth = max_depth;
    ropts.max_token = len + 1;
    wopts.buffer_size = 4096;
    if (fmt_json_reader_new(&r, &ropts) < 0 || fmt_json_writer_new(&w, compare, &sink, &wopts) < 0)
        goto done;
    fmt_json_reader_feed(r, json, len, 1);
    rc = 0;
    for (;;) {
        fmt_json_event ev;
        int wrc = 0;
        if (fmt_json_reader_next(r, &ev) < 0)
            goto done; /* not JSON: rc 0 */
        switch (ev.type) {
        case FMT_JSON_END:
            if (fmt_json_writer_flush(w) < 0)
                goto done;
            rc = !sink.differs && sink.pos == len;
            goto done;
        case FMT_JSON_OBJECT_START:
            wrc = fmt_json_writer_object_start(w);
            break;
        case FMT_JSON_OBJECT_END:
            wrc = fmt_json_writer_object_end(w);
            break;
        case FMT_JSON_ARRAY_START:
            wrc = fmt_json_writer_array_start(w);
            break;
        case FMT_JSON_ARRAY_END:
            wrc = fmt_json_writer_array_end(w);
            break;
        case FMT_JSON_KEY:
            wrc = fmt_json_writer_key(w, ev.text, ev.len);
            break;
        case FMT_JSON_STRING:
            wrc = fmt_json_writer_string(w, ev.text, ev.len);
            break;
        case FMT_JSON_NUMBER:
            if (jq_stable && !jq_keeps(ev.text, ev.len))
                goto done; /* rc 0 */
            wrc = fmt_json_writer_number_text(w, ev.text, ev.len);
            break;
        case FMT_JSON_TRUE:
        case FMT_JSON_FALSE:
            wrc = fmt_json_writer_bool(w, ev.type == FMT_JSON_TRUE);
            break;
        case FMT_JSON_NULL:
            wrc = fmt_json_writer_null(w);
            break;
        default:
            break;
        }
        if (wrc < 0)
            goto done;
    }
done:
    fmt_json_writer_free(w);
    fmt_json_reader_free(r);
    return rc;
}
