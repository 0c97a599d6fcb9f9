/* See row_decoder.h: a document reader that never reads a document, only
 * rows of the table it is given, each from its own text. */
#include "row_decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_reader_internal.h"

struct fmt_row_decoder {
    fmt_doc_reader *r;
    const char *text; /* the row being decoded */
    size_t len, at;
};

static int memory_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    fmt_row_decoder *d = ctx;
    size_t n = d->len - d->at < cap ? d->len - d->at : cap;
    memcpy(buf, d->text + d->at, n);
    d->at += n;
    *got = n;
    return 0;
}

int fmt_row_decoder_new(fmt_row_decoder **out, const fmt_table *t)
{
    fmt_row_decoder *d = calloc(1, sizeof *d);
    *out = NULL;
    if (!d || fmt_doc_reader_new(&d->r, memory_source, NULL, d, "row", NULL) < 0 ||
        doc_size_row(d->r, t->ncolumns) < 0) {
        fmt_row_decoder_free(d);
        return -1;
    }
    d->r->table = (fmt_table *)t; /* borrowed: cleared before the reader is freed */
    *out = d;
    return 0;
}

int fmt_row_decoder_decode(fmt_row_decoder *d, const char *json, size_t len,
                           const fmt_value **values, const unsigned char **present)
{
    fmt_doc_reader *r = d->r;
    fmt_json_event ev;
    d->text = json;
    d->len = len;
    d->at = 0;
    r->err_pending = 0;
    r->err_has_column = 0;
    r->err_what[0] = 0;
    if (doc_new_json(r) < 0) {
        snprintf(r->err_what, sizeof r->err_what, "out of memory");
        return -1;
    }
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_OBJECT_START)
        return doc_fail_at(r, ev.pos, NULL, "a row must be an object, not %s",
                           doc_event_name(ev.type));
    r->event_pos = ev.pos;
    if (doc_read_row(r) < 0 || doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_END)
        return doc_fail_at(r, ev.pos, NULL, "one row object expected, found more");
    *values = r->values;
    *present = r->present;
    return 0;
}

const char *fmt_row_decoder_errmsg(const fmt_row_decoder *d)
{
    return d->r->err_what[0] ? d->r->err_what : "invalid row";
}

const char *fmt_row_decoder_error_column(const fmt_row_decoder *d)
{
    return d->r->err_has_column ? d->r->err_column : NULL;
}

void fmt_row_decoder_free(fmt_row_decoder *d)
{
    if (!d)
        return;
    if (d->r)
        d->r->table = NULL;
    fmt_doc_reader_free(d->r);
    free(d);
}
