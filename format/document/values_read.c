/* Reading the rows' values (docs/FORMAT.md 3.1 Portable types, 3.2 Tagged
 * forms, 5 Rows): a value's natural form decoded by its column's portable
 * type, the tagged forms {"$int"...}, jsonb handed over as compact JSON
 * text, and the row's checks (unknown, repeated or missing columns). Arrays
 * are read as trees by values_read_array.c. Byte values live in a per-row
 * arena; nothing outlives the row. The writer's
 * side of the same codec is values_write.c. */
#include "doc_reader_internal.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json_writer.h"
#include "number.h"

/* Reserves n bytes in the row arena; returns the offset or SIZE_MAX. */
static size_t arena_reserve(fmt_doc_reader *r, size_t n)
{
    if (r->arena_len + n + 1 > r->arena_cap) {
        size_t cap = r->arena_cap ? r->arena_cap : 4096;
        while (cap < r->arena_len + n + 1)
            cap *= 2;
        char *grown = realloc(r->arena, cap);
        if (!grown)
            return SIZE_MAX;
        r->arena = grown;
        r->arena_cap = cap;
    }
    size_t off = r->arena_len;
    r->arena_len += n;
    return off;
}

/* A value's decoded bytes beyond the reader's limit, or a row's beyond
 * the arena's, are an error at the value: memory stays a small multiple of
 * the limit whatever the file holds. */
static int over_limit(fmt_doc_reader *r, size_t len, fmt_position pos, const char *col)
{
    if (len > r->opts.max_value)
        return doc_fail_at(r, pos, col, "value of %zu bytes is over the limit of %zu bytes", len,
                           r->opts.max_value);
    if (r->arena_len + len > 2 * r->opts.max_value + 4096)
        return doc_fail_at(r, pos, col, "the row's values are over %zu bytes in all",
                           2 * r->opts.max_value + 4096);
    return 0;
}

/* Copies the string ev into the arena as value i. */
static int arena_copy(fmt_doc_reader *r, size_t i, const fmt_json_event *ev, const char *col)
{
    if (over_limit(r, ev->len, ev->pos, col) < 0)
        return -1;
    size_t off = arena_reserve(r, ev->len);
    if (off == SIZE_MAX)
        return doc_fail_at(r, ev->pos, col, "out of memory");
    memcpy(r->arena + off, ev->text, ev->len);
    r->arena[off + ev->len] = 0;
    r->offsets[i] = off;
    r->values[i].len = ev->len;
    return 0;
}

static int arena_base64(fmt_doc_reader *r, size_t i, const fmt_json_event *ev, const char *col)
{
    size_t max = fmt_base64_decoded_max(ev->len);
    if (max == (size_t)-1)
        return doc_fail_at(r, ev->pos, col, "invalid base64: length %zu is not a multiple of 4",
                           ev->len);
    size_t off = arena_reserve(r, max);
    if (off == SIZE_MAX)
        return doc_fail_at(r, ev->pos, col, "out of memory");
    char err[160];
    size_t got = 0;
    if (fmt_base64_decode(r->arena + off, &got, ev->text, ev->len, err, sizeof err) < 0)
        return doc_fail_at(r, ev->pos, col, "invalid base64: %s", err);
    r->arena_len = off;
    if (over_limit(r, got, ev->pos, col) < 0)
        return -1;
    r->arena_len = off + got;
    r->offsets[i] = off;
    r->values[i].len = got;
    return 0;
}

static int parse_integer(fmt_doc_reader *r, const fmt_json_event *ev, const char *col, int64_t *out)
{
    int rc = fmt_int64_parse(out, ev->text, ev->len);
    if (rc == -2)
        return doc_fail_at(r, ev->pos, col, "integer %.60s does not fit in 64 bits", ev->text);
    if (rc < 0)
        return doc_fail_at(r, ev->pos, col, "expected an integer, found \"%.60s\"", ev->text);
    return 0;
}

static int parse_real(fmt_doc_reader *r, const fmt_json_event *ev, const char *col, double *out)
{
    if (fmt_double_parse(out, ev->text, ev->len) < 0)
        return doc_fail_at(r, ev->pos, col, "expected a float, found \"%.60s\"", ev->text);
    return 0;
}

/* A sink appending to the row arena, for re-serialising JSON values. */
static int arena_sink(void *ctx, const void *buf, size_t len)
{
    fmt_doc_reader *r = ctx;
    if (r->arena_len + len > 2 * r->opts.max_value + 4096)
        return -1; /* doc_read_json_text reports the size limit */
    size_t off = arena_reserve(r, len);
    if (off == SIZE_MAX)
        return -1;
    memcpy(r->arena + off, buf, len);
    return 0;
}

static int write_json_event(fmt_json_writer *w, const fmt_json_event *ev)
{
    switch (ev->type) {
    case FMT_JSON_OBJECT_START:
        return fmt_json_writer_object_start(w);
    case FMT_JSON_OBJECT_END:
        return fmt_json_writer_object_end(w);
    case FMT_JSON_ARRAY_START:
        return fmt_json_writer_array_start(w);
    case FMT_JSON_ARRAY_END:
        return fmt_json_writer_array_end(w);
    case FMT_JSON_KEY:
        return fmt_json_writer_key(w, ev->text, ev->len);
    case FMT_JSON_STRING:
        return fmt_json_writer_string(w, ev->text, ev->len);
    case FMT_JSON_NUMBER:
        return fmt_json_writer_number_text(w, ev->text, ev->len);
    case FMT_JSON_TRUE:
        return fmt_json_writer_bool(w, 1);
    case FMT_JSON_FALSE:
        return fmt_json_writer_bool(w, 0);
    case FMT_JSON_NULL:
        return fmt_json_writer_null(w);
    default:
        return -1;
    }
}

int doc_read_json_text(fmt_doc_reader *r, const fmt_json_event *first, const fmt_json_event *second,
                       const char *col, size_t *start)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w = NULL;
    opts.buffer_size = 4096;
    *start = r->arena_len;
    if (fmt_json_writer_new(&w, arena_sink, r, &opts) < 0)
        return doc_fail_at(r, first->pos, col, "out of memory");
    fmt_json_event ev = *first;
    unsigned depth = 0;
    int rc = 0;
    for (;;) {
        if (write_json_event(w, &ev) < 0) {
            rc = doc_fail_at(r, ev.pos, col, "jsonb value: %s", fmt_json_writer_errmsg(w));
            break;
        }
        if (ev.type == FMT_JSON_OBJECT_START || ev.type == FMT_JSON_ARRAY_START)
            depth++;
        else if (ev.type == FMT_JSON_OBJECT_END || ev.type == FMT_JSON_ARRAY_END)
            depth--;
        if (depth == 0)
            break;
        if (second) {
            ev = *second;
            second = NULL;
        } else if (doc_jnext(r, &ev) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && fmt_json_writer_flush(w) < 0)
        rc = doc_fail_at(r, first->pos, col, "jsonb value too large");
    fmt_json_writer_free(w);
    if (rc < 0)
        return rc;
    if (r->arena_len - *start > r->opts.max_value)
        return doc_fail_at(r, first->pos, col, "jsonb value larger than %zu bytes",
                           r->opts.max_value);
    if (arena_reserve(r, 0) == SIZE_MAX)
        return doc_fail_at(r, first->pos, col, "out of memory");
    r->arena[r->arena_len] = 0;
    return 0;
}

/* A jsonb value: re-serialised compactly into the arena. */
static int read_jsonb(fmt_doc_reader *r, size_t i, const fmt_json_event *first,
                      const fmt_json_event *second, const char *col)
{
    size_t start;
    if (doc_read_json_text(r, first, second, col, &start) < 0)
        return -1;
    r->offsets[i] = start;
    r->values[i].len = r->arena_len - start;
    r->values[i].kind = FMT_VALUE_JSON;
    return 0;
}

static int read_tagged_body(fmt_doc_reader *r, size_t i, const char *col,
                            const fmt_json_event *keyev);

/* A jsonb column's value. An object whose first key begins with '$' is not
 * data: it is {"$jsonb": value}, the wrapper the writer uses for the JSON
 * null and for values with '$' keys (docs/FORMAT.md 3.2). */
static int read_jsonb_value(fmt_doc_reader *r, size_t i, const fmt_json_event *first,
                            const char *col)
{
    if (first->type != FMT_JSON_OBJECT_START)
        return read_jsonb(r, i, first, NULL, col);
    fmt_json_event key, inner;
    if (doc_jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_KEY || key.text[0] != '$')
        return read_jsonb(r, i, first, &key, col);
    if (!doc_text_is(&key, "$jsonb"))
        return read_tagged_body(r, i, col, &key); /* $text, $blob...: not JSON at the source */
    if (doc_jnext(r, &inner) < 0 || read_jsonb(r, i, &inner, NULL, col) < 0)
        return -1;
    if (doc_jnext(r, &key) < 0)
        return -1;
    if (key.type != FMT_JSON_OBJECT_END)
        return doc_fail_at(r, key.pos, col, "a tagged value must have exactly one key");
    return 0;
}

/* A tagged form {"$tag": value}; the object's start was ev. */
static int read_tagged_body(fmt_doc_reader *r, size_t i, const char *col,
                            const fmt_json_event *keyev)
{
    fmt_json_event key = *keyev, ev;
    fmt_value *v = &r->values[i];
    if (key.type != FMT_JSON_KEY)
        return doc_fail_at(r, key.pos, col, "an empty object is not a value");
    char tag[16];
    if (key.len >= sizeof tag || memchr(key.text, 0, key.len))
        return doc_fail_at(r, key.pos, col, "unknown tagged form \"%.40s\"", key.text);
    memcpy(tag, key.text, key.len + 1);
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (strcmp(tag, "$int") == 0) {
        if (ev.type != FMT_JSON_NUMBER && ev.type != FMT_JSON_STRING)
            return doc_fail_at(r, ev.pos, col, "$int needs an integer");
        v->kind = FMT_VALUE_INTEGER;
        if (parse_integer(r, &ev, col, &v->i) < 0)
            return -1;
    } else if (strcmp(tag, "$real") == 0) {
        if (ev.type != FMT_JSON_NUMBER && ev.type != FMT_JSON_STRING)
            return doc_fail_at(r, ev.pos, col, "$real needs a number");
        v->kind = FMT_VALUE_REAL;
        if (parse_real(r, &ev, col, &v->d) < 0)
            return -1;
    } else if (strcmp(tag, "$text") == 0) {
        if (ev.type != FMT_JSON_STRING)
            return doc_fail_at(r, ev.pos, col, "$text needs a string");
        v->kind = FMT_VALUE_TEXT;
        if (arena_copy(r, i, &ev, col) < 0)
            return -1;
    } else if (strcmp(tag, "$text_base64") == 0 || strcmp(tag, "$blob") == 0) {
        if (ev.type != FMT_JSON_STRING)
            return doc_fail_at(r, ev.pos, col, "%s needs a base64 string", tag);
        v->kind = tag[1] == 'b' ? FMT_VALUE_BLOB : FMT_VALUE_TEXT;
        if (arena_base64(r, i, &ev, col) < 0)
            return -1;
    } else {
        return doc_fail_at(r, key.pos, col, "unknown tagged form \"%.40s\"", tag);
    }
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type != FMT_JSON_OBJECT_END)
        return doc_fail_at(r, ev.pos, col, "a tagged value must have exactly one key");
    return 0;
}

static int read_tagged(fmt_doc_reader *r, size_t i, const char *col)
{
    fmt_json_event key;
    if (doc_jnext(r, &key) < 0)
        return -1;
    return read_tagged_body(r, i, col, &key);
}

/* A JSON number in column i: its type decides what it becomes. */
static int read_number(fmt_doc_reader *r, size_t i, const fmt_json_event *ev)
{
    const fmt_column *c = &r->table->columns[i];
    const char *col = c->name;
    fmt_value *v = &r->values[i];
    fmt_type_kind k = c->type.kind;
    if (fmt_type_is_integer(k)) {
        v->kind = FMT_VALUE_INTEGER;
        return parse_integer(r, ev, col, &v->i);
    }
    if (k == FMT_TYPE_FLOAT32 || k == FMT_TYPE_FLOAT64) {
        v->kind = FMT_VALUE_REAL;
        return parse_real(r, ev, col, &v->d);
    }
    if (k == FMT_TYPE_DECIMAL) {
        v->kind = FMT_VALUE_DECIMAL;
        if (arena_copy(r, i, ev, col) < 0)
            return -1;
        return 0;
    }
    if (k == FMT_TYPE_ANY) {
        /* Integers stay integers; a number with a fraction or exponent,
         * as a user's jq edit may write, is a real. */
        if (fmt_int64_parse(&v->i, ev->text, ev->len) == 0 && !memchr(ev->text, '.', ev->len) &&
            !memchr(ev->text, 'e', ev->len) && !memchr(ev->text, 'E', ev->len)) {
            v->kind = FMT_VALUE_INTEGER;
            return 0;
        }
        v->kind = FMT_VALUE_REAL;
        return parse_real(r, ev, col, &v->d);
    }
    return doc_fail_at(r, ev->pos, col, "a number is not a value of type %s", c->type_text);
}

/* A JSON string in column i: text, or the string forms of numbers, floats'
 * non-finite values, decimals and base64 bytes and vectors. */
static int read_string_value(fmt_doc_reader *r, size_t i, const fmt_json_event *ev)
{
    const fmt_column *c = &r->table->columns[i];
    const char *col = c->name;
    fmt_value *v = &r->values[i];
    switch (c->type.kind) {
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
        v->kind = FMT_VALUE_INTEGER;
        return parse_integer(r, ev, col, &v->i);
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        if (!doc_text_is(ev, "NaN") && !doc_text_is(ev, "Infinity") &&
            !doc_text_is(ev, "-Infinity"))
            return doc_fail_at(r, ev->pos, col,
                               "a float is a number or \"NaN\", \"Infinity\", \"-Infinity\", "
                               "not \"%.40s\"",
                               ev->text);
        v->kind = FMT_VALUE_REAL;
        return parse_real(r, ev, col, &v->d);
    case FMT_TYPE_DECIMAL:
        if (!fmt_is_decimal_text(ev->text, ev->len))
            return doc_fail_at(r, ev->pos, col, "\"%.60s\" is not a decimal number", ev->text);
        v->kind = FMT_VALUE_DECIMAL;
        break;
    case FMT_TYPE_BOOLEAN:
    case FMT_TYPE_ARRAY:
        return doc_fail_at(r, ev->pos, col, "a string is not a value of type %s", c->type_text);
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC: {
        v->kind = FMT_VALUE_BLOB;
        if (arena_base64(r, i, ev, col) < 0)
            return -1;
        char err[160];
        if (fmt_value_check(v, &c->type, err, sizeof err) < 0)
            return doc_fail_at(r, ev->pos, col, "%s", err);
        return 0;
    }
    default:
        v->kind = FMT_VALUE_TEXT;
        break;
    }
    return arena_copy(r, i, ev, col);
}

/* A json column's value that is not a string (since 1.3): an object, array,
 * number or boolean whose compact text is the column's text, handed over
 * as FMT_VALUE_JSON (a target stores its text). An object whose first key
 * begins with '$' is a tagged form, as in any column. */
static int read_json_column(fmt_doc_reader *r, size_t i, const fmt_json_event *first,
                            const char *col)
{
    if (first->type != FMT_JSON_OBJECT_START)
        return read_jsonb(r, i, first, NULL, col);
    fmt_json_event key;
    if (doc_jnext(r, &key) < 0)
        return -1;
    if (key.type == FMT_JSON_KEY && key.text[0] == '$')
        return read_tagged_body(r, i, col, &key);
    return read_jsonb(r, i, first, &key, col);
}

/* Decodes the natural form of a value for column i, whose first event is ev. */
static int read_value(fmt_doc_reader *r, size_t i, const fmt_json_event *ev)
{
    const fmt_column *c = &r->table->columns[i];
    const char *col = c->name;
    fmt_value *v = &r->values[i];
    fmt_type_kind k = c->type.kind;
    memset(v, 0, sizeof *v);
    r->offsets[i] = SIZE_MAX;

    if (k == FMT_TYPE_JSONB) {
        if (ev->type == FMT_JSON_NULL) {
            v->kind = FMT_VALUE_NULL;
            return 0;
        }
        return read_jsonb_value(r, i, ev, col);
    }
    if (k == FMT_TYPE_JSON && ev->type != FMT_JSON_STRING && ev->type != FMT_JSON_NULL)
        return read_json_column(r, i, ev, col);
    switch (ev->type) {
    case FMT_JSON_NULL:
        v->kind = FMT_VALUE_NULL;
        return 0;
    case FMT_JSON_OBJECT_START:
        return read_tagged(r, i, col);
    case FMT_JSON_ARRAY_START:
        if (k == FMT_TYPE_ARRAY)
            return doc_read_array(r, (size_t)i, ev); /* handed over as a tree */
        return doc_fail_at(r, ev->pos, col, "an array is not a value of type %s", c->type_text);
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        if (k != FMT_TYPE_BOOLEAN)
            return doc_fail_at(r, ev->pos, col, "a boolean is not a value of type %s",
                               c->type_text);
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = ev->type == FMT_JSON_TRUE;
        return 0;
    case FMT_JSON_NUMBER:
        return read_number(r, i, ev);
    case FMT_JSON_STRING:
        return read_string_value(r, i, ev);
    default:
        return doc_fail_at(r, ev->pos, col, "unexpected %s", doc_event_name(ev->type));
    }
}

/* The column a row key names, or -1. A key with a NUL names no column:
 * names have none, and comparing one would read past a shorter name. */
static int find_column(fmt_doc_reader *r, const char *name, size_t len)
{
    if (memchr(name, 0, len))
        return -1;
    const fmt_table *t = r->table;
    size_t n = t->ncolumns, guess = r->next_column < n ? r->next_column : 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = (guess + k) % n;
        const char *cn = t->columns[i].name;
        if (strncmp(cn, name, len) == 0 && cn[len] == 0) {
            r->next_column = i + 1;
            return (int)i;
        }
    }
    return -1;
}

/* Reads one row object; its '{' has been read. */
int doc_read_row(fmt_doc_reader *r)
{
    const fmt_table *t = r->table;
    fmt_json_event ev;
    r->arena_len = 0;
    r->next_column = 0;
    doc_arrays_reset(r);
    memset(r->present, 0, t->ncolumns);
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        int i = find_column(r, ev.text, ev.len);
        if (i < 0)
            return doc_fail_at(r, ev.pos, NULL, "unknown column \"%.120s\"", ev.text);
        const fmt_column *c = &t->columns[i];
        if (r->present[i])
            return doc_fail_at(r, ev.pos, c->name, "the column appears twice in the row");
        if (c->generated_sql)
            return doc_fail_at(r, ev.pos, c->name, "a generated column cannot be given a value");
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (read_value(r, (size_t)i, &ev) < 0) {
            /* what the JSON reader finds inside a value (a jsonb object's
             * duplicate key, a syntax error) is in this column too */
            if (r->err_pending && !r->err_has_column) {
                r->err_has_column = 1;
                snprintf(r->err_column, sizeof r->err_column, "%.120s", c->name);
            }
            return -1;
        }
        if (r->values[i].kind == FMT_VALUE_INTEGER && fmt_type_is_integer(c->type.kind)) {
            char err[160];
            if (fmt_value_check(&r->values[i], &c->type, err, sizeof err) < 0)
                return doc_fail_at(r, ev.pos, c->name, "%s", err);
        }
        r->present[i] = 1;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (!r->present[i]) {
            r->values[i].kind = FMT_VALUE_NULL;
            if (!c->nullable && !c->default_sql && !c->generated_sql &&
                c->identity == FMT_IDENTITY_NONE)
                return doc_fail_at(r, r->event_pos, c->name,
                                   "no value for this NOT NULL column, which has no default");
        } else if (r->offsets[i] != SIZE_MAX) {
            r->values[i].bytes = r->arena + r->offsets[i];
        }
    }
    return 0;
}
