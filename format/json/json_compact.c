/* See json_compact.h. */
#include "json_compact.h"

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

int fmt_json_is_compact(const char *json, size_t len, unsigned max_depth)
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
