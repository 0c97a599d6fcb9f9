/* Fuzz harness for format/json_reader. The input is parsed in one chunk,
 * again split at a point taken from the data, and again in small chunks;
 * all three must yield the same events (types, text, positions, depths) and
 * the same verdict, since chunk boundaries are invisible to the grammar.
 * Along the way the event contract is checked: text NUL-terminated, decoded
 * strings valid UTF-8, depth within the limit, progress on every call.
 * Then again with reject_duplicate_keys, against a naive reference (every
 * key compared with every earlier key of its object): where the document
 * has a duplicate the reader must stop with that error exactly there, and
 * elsewhere give the same events and verdict as without the option. Any
 * violation aborts. */
#include "json_reader.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 64
#define MAX_TOKEN ((size_t)1 << 20)

typedef struct {
    uint64_t digest; /* FNV-1a over everything the caller can observe */
    size_t events;
    int accepted;
    int duplicate_error;    /* the reader stopped at a duplicate key */
    int has_duplicate;      /* reference: the events hold a duplicate key */
    size_t first_duplicate; /* reference: events before the first one */
} outcome;

/* The reference for duplicate keys: the keys of each open object, kept
 * whole and compared one by one. */
typedef struct {
    char **keys;
    size_t *lens, n, cap;
} key_list;

static key_list stack[MAX_DEPTH + 2];
static size_t open_objects;

static void reference_event(outcome *out, const fmt_json_event *ev)
{
    if (ev->type == FMT_JSON_OBJECT_START) {
        if (open_objects >= MAX_DEPTH + 2)
            abort();
        stack[open_objects++].n = 0;
    } else if (ev->type == FMT_JSON_OBJECT_END) {
        key_list *k = &stack[--open_objects];
        for (size_t i = 0; i < k->n; i++)
            free(k->keys[i]);
        k->n = 0;
    } else if (ev->type == FMT_JSON_KEY && !out->has_duplicate) {
        key_list *k = &stack[open_objects - 1];
        for (size_t i = 0; i < k->n; i++)
            if (k->lens[i] == ev->len && memcmp(k->keys[i], ev->text, ev->len) == 0) {
                out->has_duplicate = 1;
                out->first_duplicate = out->events;
                return;
            }
        if (k->n == k->cap) {
            k->cap = k->cap ? 2 * k->cap : 8;
            k->keys = realloc(k->keys, k->cap * sizeof *k->keys);
            k->lens = realloc(k->lens, k->cap * sizeof *k->lens);
            if (!k->keys || !k->lens)
                abort();
        }
        if (!(k->keys[k->n] = malloc(ev->len ? ev->len : 1)))
            abort();
        memcpy(k->keys[k->n], ev->text, ev->len);
        k->lens[k->n++] = ev->len;
    }
}

static void reference_reset(void)
{
    for (size_t d = 0; d < sizeof stack / sizeof *stack; d++) {
        for (size_t i = 0; i < stack[d].n; i++)
            free(stack[d].keys[i]);
        free(stack[d].keys);
        free(stack[d].lens);
        stack[d] = (key_list){0};
    }
    open_objects = 0;
}

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211u;
    }
}

static void mix_position(uint64_t *h, fmt_position p)
{
    mix(h, &p.line, sizeof p.line);
    mix(h, &p.column, sizeof p.column);
    mix(h, &p.offset, sizeof p.offset);
}

/* Cuts: chunk sizes in turn (SIZE_MAX = the rest, 0 = an empty chunk);
 * the last one repeats. Each
 * chunk gets its own exact-size copy, freed when the reader asks for more,
 * so ASan catches reads beyond a chunk or a chunk kept too long. */
static outcome run(const uint8_t *data, size_t size, const size_t *cuts, size_t ncuts,
                   int reject_duplicates)
{
    fmt_json_reader_options opts = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r;
    fmt_json_event ev;
    outcome out = {14695981039346656037u, 0, 0, 0, 0, 0};
    size_t off = 0, steps = 0, cut = 0;
    uint64_t last_offset = 0;
    char *chunk = NULL;

    opts.max_depth = MAX_DEPTH;
    opts.max_token = MAX_TOKEN;
    opts.reject_duplicate_keys = reject_duplicates;
    if (fmt_json_reader_new(&r, &opts) < 0)
        abort();
    for (;;) {
        /* each call consumes input or completes a token */
        if (++steps > 4 * size + 100)
            abort();
        if (fmt_json_reader_next(r, &ev) < 0) {
            const char *msg = fmt_json_reader_errmsg(r);
            fmt_json_event again;
            if (!msg[0])
                abort();
            out.duplicate_error = strncmp(msg, "duplicate key", 13) == 0;
            mix(&out.digest, msg, strlen(msg));
            mix_position(&out.digest, fmt_json_reader_errpos(r));
            /* errors are sticky */
            if (fmt_json_reader_next(r, &again) >= 0 || strcmp(fmt_json_reader_errmsg(r), msg))
                abort();
            break;
        }
        if (ev.type == FMT_JSON_NEED_INPUT) {
            size_t n = cuts[cut < ncuts ? cut : ncuts - 1];
            cut++;
            if (n > size - off)
                n = size - off;
            free(chunk);
            chunk = malloc(n ? n : 1);
            if (!chunk)
                abort();
            if (n)
                memcpy(chunk, data + off, n);
            off += n;
            fmt_json_reader_feed(r, chunk, n, off == size);
            continue;
        }
        if (!ev.text || ev.text[ev.len] != '\0' || ev.depth > MAX_DEPTH)
            abort();
        if (ev.pos.offset < last_offset || ev.pos.offset > off)
            abort();
        last_offset = ev.pos.offset;
        if ((ev.type == FMT_JSON_KEY || ev.type == FMT_JSON_STRING) &&
            (ev.len > MAX_TOKEN || fmt_utf8_validate(ev.text, ev.len) != ev.len))
            abort();
        if (ev.type == FMT_JSON_NUMBER && (ev.len == 0 || ev.len > MAX_TOKEN))
            abort();
        if (!reject_duplicates)
            reference_event(&out, &ev);
        out.events++;
        mix(&out.digest, &ev.type, sizeof ev.type);
        mix(&out.digest, &ev.len, sizeof ev.len);
        mix(&out.digest, ev.text, ev.len);
        mix(&out.digest, &ev.depth, sizeof ev.depth);
        mix_position(&out.digest, ev.pos);
        if (ev.type == FMT_JSON_END) {
            if (ev.depth != 0 || off != size)
                abort();
            out.accepted = 1;
            break;
        }
    }
    free(chunk);
    fmt_json_reader_free(r);
    reference_reset();
    return out;
}

static void same(outcome a, outcome b)
{
    if (a.digest != b.digest || a.events != b.events || a.accepted != b.accepted)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t whole[] = {SIZE_MAX};
    size_t split[] = {0, SIZE_MAX};
    size_t small[] = {1};
    outcome one = run(data, size, whole, 1, 0);

    /* a split point derived from the data; 0 starts with an empty chunk */
    if (size > 0)
        split[0] = ((size_t)data[0] << 8 | data[size - 1]) % (size + 1);
    same(one, run(data, size, split, 2, 0));

    small[0] = size > 0 ? 1 + data[size / 2] % 7 : 1;
    same(one, run(data, size, small, 1, 0));

    /* duplicate keys refused: it stops exactly at the reference's first */
    outcome strict = run(data, size, small, 1, 1);
    if (one.has_duplicate) {
        if (strict.accepted || !strict.duplicate_error || strict.events != one.first_duplicate)
            abort();
    } else {
        if (strict.duplicate_error)
            abort();
        same(one, strict);
    }
    return 0;
}
