/* Fuzz harness for the document reader, the importer's front end: any input
 * must end in END or an error with a message, never a crash, a hang or an
 * unbounded allocation, and must give the same outcome whether it arrives
 * whole or in small pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t size, pos, chunk;
} source;

static int read_chunk(void *ctx, void *buf, size_t cap, size_t *got)
{
    source *s = ctx;
    size_t n = s->size - s->pos;
    if (n > cap)
        n = cap;
    if (n > s->chunk)
        n = s->chunk;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    *got = n;
    return 0;
}

/* A value with a length has its bytes; an array has its tree. The first
 * and last byte of each are read, so the sanitizer sees a stale pointer. */
static unsigned check_value(const fmt_value *v, unsigned depth)
{
    unsigned sum = 0;
    if (v->len && !v->bytes && v->kind != FMT_VALUE_INTEGER && v->kind != FMT_VALUE_REAL)
        abort();
    if (v->len && v->bytes)
        sum = (unsigned char)v->bytes[0] + (unsigned char)v->bytes[v->len - 1];
    if (v->kind != FMT_VALUE_ARRAY)
        return sum;
    if (!v->array || depth > 64 || (v->array->n && !v->array->items))
        abort();
    for (size_t k = 0; k < v->array->n; k++)
        sum += check_value(&v->array->items[k], depth + 1);
    return sum;
}

/* Returns the number of events before END, or -(events + 1) on error. */
static long run(const uint8_t *data, size_t size, size_t chunk, char *msg, size_t msglen)
{
    fmt_doc_reader_options opts = FMT_DOC_READER_OPTIONS_INIT;
    source s = {data, size, 0, chunk};
    fmt_doc_reader *r;
    fmt_doc_event ev;
    long n = 0;
    volatile unsigned touched = 0;
    opts.max_value = 1 << 16;
    opts.max_depth = 32;
    opts.max_columns = 64;
    if (fmt_doc_reader_new(&r, read_chunk, NULL, &s, "fuzz", &opts) < 0)
        abort();
    for (;;) {
        if (fmt_doc_reader_next(r, &ev) < 0) {
            const char *m = fmt_doc_reader_errmsg(r);
            if (!m || strncmp(m, "fuzz:", 5) != 0)
                abort(); /* every error carries the position */
            strncpy(msg, m, msglen - 1);
            msg[msglen - 1] = 0;
            n = -(n + 1);
            break;
        }
        if (ev.type == FMT_DOC_END)
            break;
        if (ev.type == FMT_DOC_ROW)
            for (size_t i = 0; i < ev.table->ncolumns; i++)
                if (ev.present[i])
                    touched += check_value(&ev.values[i], 0);
        if (++n > (long)size + 16)
            abort(); /* more events than input bytes: a loop */
    }
    fmt_doc_reader_free(r);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char whole[1024], pieces[1024];
    whole[0] = pieces[0] = 0;
    long a = run(data, size, (size_t)-1, whole, sizeof whole);
    long b = run(data, size, 1 + (size ? data[0] % 7 : 0), pieces, sizeof pieces);
    if (a != b || strcmp(whole, pieces) != 0)
        abort();
    return 0;
}
