/* Reading array values (docs/FORMAT.md 3.1, array(T)): the file's JSON
 * array becomes a tree of fmt_values (value.h), handed to the target
 * parsed, so no target reads the JSON a second time. Elements are decoded
 * by their JSON shape, not checked against T: the target's element type
 * reads them, as it always has. The tree lives in blocks that never move
 * (pointers stay valid while later columns grow the row arena) and are
 * reused row after row: memory stays bounded by the largest row, and an
 * array by its value limit (as text) and twice that (in memory). Each open
 * dimension gathers its elements in a list of its own, copied into a block
 * when the dimension closes. */
#include "doc_reader_internal.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 65536

struct doc_block {
    struct doc_block *next;
    size_t cap, used;
    alignas(max_align_t) unsigned char data[];
};

struct doc_level {
    fmt_value *items;
    size_t n, cap;
};

void doc_arrays_reset(fmt_doc_reader *r)
{
    for (struct doc_block *b = r->blocks; b; b = b->next)
        b->used = 0;
    r->block = r->blocks;
}

void doc_arrays_free(fmt_doc_reader *r)
{
    while (r->blocks) {
        struct doc_block *next = r->blocks->next;
        free(r->blocks);
        r->blocks = next;
    }
    r->block = NULL;
    for (size_t d = 0; d < r->nlevels; d++)
        free(r->levels[d].items);
    free(r->levels);
    r->levels = NULL;
    r->nlevels = 0;
}

/* n bytes from the blocks, aligned for any type; NULL when out of memory.
 * A block too small is passed over; a new one goes after the current. */
static void *block_alloc(fmt_doc_reader *r, size_t n)
{
    size_t need = (n + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
    while (r->block && r->block->cap - r->block->used < need && r->block->next)
        r->block = r->block->next;
    struct doc_block *b = r->block;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > BLOCK_SIZE ? need : BLOCK_SIZE;
        struct doc_block *fresh = malloc(sizeof *fresh + cap);
        if (!fresh)
            return NULL;
        fresh->cap = cap;
        fresh->used = 0;
        fresh->next = b ? b->next : NULL;
        if (b)
            b->next = fresh;
        else
            r->blocks = fresh;
        r->block = b = fresh;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

/* A NUL-terminated copy of s in the blocks, as v's bytes. */
static int block_text(fmt_doc_reader *r, fmt_value *v, const char *s, size_t len)
{
    char *copy = block_alloc(r, len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = 0;
    v->bytes = copy;
    v->len = len;
    return 0;
}

/* Appends v to the list of dimension d. */
static int level_push(fmt_doc_reader *r, size_t d, const fmt_value *v)
{
    struct doc_level *l = &r->levels[d];
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        fmt_value *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = *v;
    return 0;
}

/* Opens dimension d (a list for it the first time it is needed). */
static int level_open(fmt_doc_reader *r, size_t d)
{
    if (d == r->nlevels) {
        struct doc_level *grown = realloc(r->levels, (d + 1) * sizeof *grown);
        if (!grown)
            return -1;
        memset(&grown[d], 0, sizeof *grown);
        r->levels = grown;
        r->nlevels = d + 1;
    }
    r->levels[d].n = 0;
    return 0;
}

/* Closes dimension d: its elements into the blocks, as an array value. */
static int level_close(fmt_doc_reader *r, size_t d, fmt_value *out)
{
    struct doc_level *l = &r->levels[d];
    fmt_array *a = block_alloc(r, sizeof *a);
    fmt_value *items = l->n ? block_alloc(r, l->n * sizeof *items) : NULL;
    if (!a || (l->n && !items))
        return -1;
    if (l->n)
        memcpy(items, l->items, l->n * sizeof *items);
    a->items = items;
    a->n = l->n;
    memset(out, 0, sizeof *out);
    out->kind = FMT_VALUE_ARRAY;
    out->array = a;
    return 0;
}

/* An element that is JSON text (an object, or any element of a jsonb
 * array; second as for doc_read_json_text): written compactly at the end
 * of the arena, copied to the blocks, and the arena given back. */
static int json_element(fmt_doc_reader *r, const fmt_json_event *ev, const fmt_json_event *second,
                        const char *col, fmt_value *v)
{
    size_t start;
    if (doc_read_json_text(r, ev, second, col, &start) < 0)
        return -1;
    v->kind = FMT_VALUE_JSON;
    int rc = block_text(r, v, r->arena + start, r->arena_len - start);
    r->arena_len = start;
    return rc < 0 ? doc_fail_at(r, ev->pos, col, "out of memory") : 0;
}

/* An element of a jsonb array. {"$jsonb": value} is the tagged form the
 * writer uses for the JSON null and '$' keys (docs/FORMAT.md 3.2): the
 * element is the value, marked (b) so that it is written tagged again.
 * Any other object is data, '$' keys and all, as it always was here. */
static int jsonb_element(fmt_doc_reader *r, const fmt_json_event *ev, const char *col, fmt_value *v)
{
    fmt_json_event key, inner;
    if (ev->type != FMT_JSON_OBJECT_START)
        return json_element(r, ev, NULL, col, v);
    if (doc_jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_KEY || !doc_text_is(&key, "$jsonb"))
        return json_element(r, ev, &key, col, v);
    if (doc_jnext(r, &inner) < 0 || json_element(r, &inner, NULL, col, v) < 0)
        return -1;
    if (doc_jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_OBJECT_END)
        return doc_fail_at(r, key.pos, col, "a tagged value must have exactly one key");
    v->b = 1;
    return 0;
}

/* One element that is not a nested array, whose first event is ev. */
static int read_element(fmt_doc_reader *r, const fmt_json_event *ev, fmt_type_kind element,
                        const char *col, fmt_value *v)
{
    memset(v, 0, sizeof *v);
    if (ev->type == FMT_JSON_NULL) {
        v->kind = FMT_VALUE_NULL;
        return 0;
    }
    if (element == FMT_TYPE_JSONB)
        return jsonb_element(r, ev, col, v);
    if (ev->type == FMT_JSON_OBJECT_START)
        return json_element(r, ev, NULL, col, v);
    switch (ev->type) {
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = ev->type == FMT_JSON_TRUE;
        return 0;
    case FMT_JSON_NUMBER:
        v->kind = FMT_VALUE_DECIMAL;
        break;
    case FMT_JSON_STRING:
        v->kind = FMT_VALUE_TEXT;
        break;
    default:
        return doc_fail_at(r, ev->pos, col, "unexpected %s in an array", doc_event_name(ev->type));
    }
    if (block_text(r, v, ev->text, ev->len) < 0)
        return doc_fail_at(r, ev->pos, col, "out of memory");
    return 0;
}

/* What an element adds to the array's size, counted as its JSON text
 * would be (the limit arrays had when they travelled as text), and what it
 * costs in memory: its record in the blocks and in its dimension's list,
 * its bytes rounded up as block_alloc does. */
static size_t element_size(const fmt_value *v)
{
    return 1 + (v->kind == FMT_VALUE_NULL ? 4 : v->kind == FMT_VALUE_BOOLEAN ? 5 : v->len + 2);
}

static size_t element_memory(const fmt_value *v)
{
    return 2 * sizeof *v + (v->bytes ? v->len + alignof(max_align_t) : 0);
}

int doc_read_array(fmt_doc_reader *r, size_t i, const fmt_json_event *first)
{
    const fmt_column *c = &r->table->columns[i];
    const char *col = c->name;
    fmt_json_event ev = *first;
    size_t depth = 0, size = 0, memory = 0;
    size_t max_memory = 2 * r->opts.max_value + 4096; /* as for JSON text in the arena */
    fmt_value v;
    for (;;) {
        if (ev.type == FMT_JSON_ARRAY_START) {
            if (level_open(r, depth) < 0)
                return doc_fail_at(r, ev.pos, col, "out of memory");
            depth++;
            size += 2;
            memory += sizeof(fmt_array) + alignof(max_align_t) + 2 * sizeof(fmt_value);
        } else {
            if (ev.type == FMT_JSON_ARRAY_END) {
                if (level_close(r, --depth, &v) < 0)
                    return doc_fail_at(r, ev.pos, col, "out of memory");
                if (depth == 0) {
                    r->values[i] = v;
                    return 0;
                }
            } else {
                if (read_element(r, &ev, c->type.element, col, &v) < 0)
                    return -1;
                size += element_size(&v);
                memory += element_memory(&v);
            }
            if (level_push(r, depth - 1, &v) < 0)
                return doc_fail_at(r, ev.pos, col, "out of memory");
        }
        if (size > r->opts.max_value)
            return doc_fail_at(r, first->pos, col, "array value larger than %zu bytes",
                               r->opts.max_value);
        if (memory > max_memory)
            return doc_fail_at(r, first->pos, col,
                               "array value with too many elements for the %zu-byte value limit",
                               r->opts.max_value);
        if (doc_jnext(r, &ev) < 0)
            return -1;
    }
}
