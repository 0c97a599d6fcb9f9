/* dbimport --cast (cast.h). A cast changes a column's portable type in the
 * table the target is given, and converts each value on the way:
 * - to jsonb or json: the text must be one JSON document (no key twice in
 *   an object: jsonb would keep one of the two silently); numbers and
 *   booleans become their JSON text;
 * - to array(T): the text must be a JSON array (nested for more
 *   dimensions) of strings, numbers, booleans and nulls; the elements go
 *   to the target as the document reader hands array elements over;
 * - to vector(n): a JSON array of n finite numbers, an array value of
 *   them (a float8[] column) or a BLOB of n little-endian float32;
 * - to a scalar type (uuid, timestamptz, date, an integer, ...): the value
 *   as it is, which the target reads as that type.
 * A value that does not convert is a row error naming its column. */
#include "cast.h"

#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"

#define MAX_ARRAY_DEPTH 6

typedef struct {
    char *spec;       /* as given, for messages */
    char *table_glob; /* NULL: a whole-type cast */
    char *column_glob;
    char *from_text; /* whole-type: the file's type to match */
    int from_has_params;
    fmt_type from, to;
    char *to_text;
    int used;
} cast_spec;

struct db_casts {
    cast_spec *specs;
    size_t nspecs;
    fmt_table table; /* the current table as the target gets it */
    fmt_column *columns;
    int *spec_of;        /* per column: the cast's index, -2 automatic (hints), or -1 */
    const fmt_type **to; /* per column: the type it is cast to */
    fmt_type *hinted;    /* per column: an automatic cast's type */
    char (*hinted_text)[FMT_TYPE_BUFSZ];
    const char **from_text; /* per column: the file's type, for messages */
    size_t ncolumns;
    int active;
    fmt_value *values;
    void **allocs; /* the current row's conversions */
    size_t nallocs, capallocs;
};

static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return -1;
}

static int cast_target_ok(const fmt_type *t)
{
    switch (t->kind) {
    case FMT_TYPE_HALFVEC:
    case FMT_TYPE_SPARSEVEC:
    case FMT_TYPE_NATIVE:
    case FMT_TYPE_ANY:
    case FMT_TYPE_BYTES:
        return 0;
    case FMT_TYPE_ARRAY:
        return t->element != FMT_TYPE_JSONB && t->element != FMT_TYPE_BYTES &&
               t->element != FMT_TYPE_VECTOR && t->element != FMT_TYPE_NATIVE;
    default:
        return 1;
    }
}

static int parse_spec(cast_spec *s, const char *arg, char *err, size_t errlen)
{
    char why[160];
    const char *colon = strrchr(arg, ':');
    if (!colon || colon == arg || !colon[1])
        return fail(err, errlen, "--cast=%s: use TABLE.COLUMN:TYPE or TYPE:TYPE", arg);
    if (!(s->spec = strdup(arg)) || !(s->to_text = strdup(colon + 1)))
        return fail(err, errlen, "%s", "out of memory");
    if (fmt_type_parse(&s->to, colon + 1, strlen(colon + 1), why, sizeof why) < 0)
        return fail(err, errlen, "--cast=%s: not a portable type after the ':'", arg);
    if (!cast_target_ok(&s->to))
        return fail(err, errlen,
                    "--cast=%s: the type after the ':' is not one a cast makes (jsonb, json, "
                    "array(T), vector(n) or a scalar type)",
                    arg);
    size_t left = (size_t)(colon - arg);
    const char *dot = memchr(arg, '.', left);
    for (const char *p = dot; p && p < colon; p = memchr(p + 1, '.', (size_t)(colon - p - 1)))
        dot = p;
    if (dot) {
        s->table_glob = strndup(arg, (size_t)(dot - arg));
        s->column_glob = strndup(dot + 1, (size_t)(colon - dot - 1));
        if (!s->table_glob || !s->column_glob)
            return fail(err, errlen, "%s", "out of memory");
        if (!*s->table_glob || !*s->column_glob)
            return fail(err, errlen, "--cast=%s: use TABLE.COLUMN:TYPE or TYPE:TYPE", arg);
        return 0;
    }
    if (fmt_type_parse(&s->from, arg, left, why, sizeof why) < 0)
        return fail(err, errlen, "--cast=%s: before the ':' comes TABLE.COLUMN or a portable type",
                    arg);
    if (!(s->from_text = strndup(arg, left)))
        return fail(err, errlen, "%s", "out of memory");
    s->from_has_params = memchr(arg, '(', left) != NULL;
    return 0;
}

db_casts *db_casts_new(const char *const *specs, char *err, size_t errlen)
{
    db_casts *c = calloc(1, sizeof *c);
    size_t n = 0;
    while (specs && specs[n])
        n++;
    if (!c || !(c->specs = calloc(n + 1, sizeof *c->specs))) {
        free(c);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++, c->nspecs++)
        if (parse_spec(&c->specs[i], specs[i], err, errlen) < 0) {
            c->nspecs++;
            db_casts_free(c);
            return NULL;
        }
    return c;
}

static void reset_row(db_casts *c)
{
    for (size_t i = 0; i < c->nallocs; i++)
        free(c->allocs[i]);
    c->nallocs = 0;
}

void db_casts_free(db_casts *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nspecs; i++) {
        free(c->specs[i].spec);
        free(c->specs[i].table_glob);
        free(c->specs[i].column_glob);
        free(c->specs[i].from_text);
        free(c->specs[i].to_text);
    }
    free(c->specs);
    free(c->columns);
    free(c->spec_of);
    free(c->from_text);
    free(c->to);
    free(c->hinted);
    free(c->hinted_text);
    free(c->values);
    reset_row(c);
    free(c->allocs);
    free(c);
}

static int matches(const cast_spec *s, const char *key, const fmt_column *col)
{
    if (s->table_glob)
        return fnmatch(s->table_glob, key, 0) == 0 && fnmatch(s->column_glob, col->name, 0) == 0;
    if (col->type.kind != s->from.kind)
        return 0;
    char text[FMT_TYPE_BUFSZ], want[FMT_TYPE_BUFSZ];
    fmt_type_format(text, &col->type);
    fmt_type_format(want, &s->from);
    return !s->from_has_params || strcmp(text, want) == 0;
}

/* Whether the target's column type hint calls for a conversion of a file
 * column of type from: JSON or text to an array, jsonb or a vector, a BLOB
 * or an array to a vector. */
static int automatic(const fmt_type *from, const fmt_type *hint)
{
    if (hint->kind == from->kind)
        return 0;
    int text = from->kind == FMT_TYPE_TEXT || from->kind == FMT_TYPE_VARCHAR ||
               from->kind == FMT_TYPE_CHAR || from->kind == FMT_TYPE_JSON ||
               from->kind == FMT_TYPE_ANY; /* a native type's text is its own */
    switch (hint->kind) {
    case FMT_TYPE_ARRAY:
    case FMT_TYPE_JSONB:
        return text;
    case FMT_TYPE_VECTOR:
        return text || from->kind == FMT_TYPE_BYTES || from->kind == FMT_TYPE_ARRAY;
    default:
        return 0;
    }
}

static int size_for(db_casts *c, size_t n)
{
    free(c->columns);
    free(c->spec_of);
    free(c->from_text);
    free(c->to);
    free(c->hinted);
    free(c->hinted_text);
    free(c->values);
    c->from_text = calloc(n + 1, sizeof *c->from_text);
    c->columns = calloc(n + 1, sizeof *c->columns);
    c->spec_of = calloc(n + 1, sizeof *c->spec_of);
    c->to = calloc(n + 1, sizeof *c->to);
    c->hinted = calloc(n + 1, sizeof *c->hinted);
    c->hinted_text = calloc(n + 1, sizeof *c->hinted_text);
    c->values = calloc(n + 1, sizeof *c->values);
    c->ncolumns = n;
    return c->columns && c->spec_of && c->values && c->from_text && c->to && c->hinted &&
                   c->hinted_text
               ? 0
               : -1;
}

static void cast_column(db_casts *c, size_t i, const fmt_type *to, const char *to_text)
{
    fmt_column *col = &c->columns[i];
    c->active = 1;
    c->from_text[i] = col->type_text ? col->type_text : "?";
    c->to[i] = to;
    col->type = *to;
    col->type_text = (char *)to_text;
    col->native_type = col->postgresql_type = col->sqlite_type = NULL;
    col->collation = col->collation_namespace = NULL;
}

int db_casts_table(db_casts *c, const fmt_table *t, const fmt_type *hints, const fmt_table **out)
{
    char *key = fmt_table_key(t);
    *out = t;
    c->active = 0;
    if (!key || size_for(c, t->ncolumns) < 0) {
        free(key);
        return -1;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        c->columns[i] = t->columns[i];
        c->spec_of[i] = -1;
        if (t->columns[i].generated_sql)
            continue; /* its values are not in the file */
        for (size_t k = 0; k < c->nspecs && c->spec_of[i] == -1; k++) {
            cast_spec *s = &c->specs[k];
            if (!matches(s, key, &t->columns[i]))
                continue;
            s->used = 1;
            c->spec_of[i] = (int)k;
            cast_column(c, i, &s->to, s->to_text);
        }
        if (c->spec_of[i] == -1 && hints && hints[i].kind != FMT_TYPE_COUNT_ &&
            automatic(&t->columns[i].type, &hints[i])) {
            c->hinted[i] = hints[i];
            fmt_type_format(c->hinted_text[i], &hints[i]);
            c->spec_of[i] = -2;
            cast_column(c, i, &c->hinted[i], c->hinted_text[i]);
        }
    }
    free(key);
    if (c->active) {
        c->table = *t;
        c->table.columns = c->columns;
        *out = &c->table;
    }
    return 0;
}

int db_casts_active(const db_casts *c)
{
    return c && c->active;
}

static void *row_alloc(db_casts *c, size_t n)
{
    if (c->nallocs == c->capallocs) {
        size_t cap = c->capallocs ? c->capallocs * 2 : 16;
        void **grown = realloc(c->allocs, cap * sizeof *grown);
        if (!grown)
            return NULL;
        c->allocs = grown;
        c->capallocs = cap;
    }
    void *p = malloc(n ? n : 1);
    if (p)
        c->allocs[c->nallocs++] = p;
    return p;
}

static char *row_copy(db_casts *c, const char *s, size_t n)
{
    char *p = row_alloc(c, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static fmt_json_reader *reader_for(const char *text, size_t len)
{
    fmt_json_reader_options o = FMT_JSON_READER_OPTIONS_INIT;
    o.max_depth = 64;
    o.reject_duplicate_keys = 1;
    fmt_json_reader *r = NULL;
    if (fmt_json_reader_new(&r, &o) < 0)
        return NULL;
    fmt_json_reader_feed(r, text, len, 1);
    return r;
}

static int json_error(fmt_json_reader *r, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, r ? fmt_json_reader_errmsg(r) : "out of memory");
    fmt_json_reader_free(r);
    return -1;
}

/* The value as JSON text: its own text for strings, numbers, booleans. */
static int json_text(db_casts *c, const fmt_value *v, const char **s, size_t *n, char *err,
                     size_t errlen)
{
    char buf[40];
    switch (v->kind) {
    case FMT_VALUE_TEXT:
    case FMT_VALUE_JSON:
    case FMT_VALUE_DECIMAL:
        *s = v->bytes;
        *n = v->len;
        return 0;
    case FMT_VALUE_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)v->i);
        break;
    case FMT_VALUE_REAL:
        if (!isfinite(v->d))
            return fail(err, errlen, "%s", "not a JSON number (NaN or infinite)");
        snprintf(buf, sizeof buf, "%.17g", v->d);
        break;
    case FMT_VALUE_BOOLEAN:
        snprintf(buf, sizeof buf, "%s", v->b ? "true" : "false");
        break;
    default:
        return fail(err, errlen, "a %s value is not JSON text", fmt_value_kind_name(v->kind));
    }
    *n = strlen(buf);
    return (*s = row_copy(c, buf, *n)) ? 0 : fail(err, errlen, "%s", "out of memory");
}

static int to_json(db_casts *c, const fmt_value *v, fmt_value *out, int jsonb, char *err,
                   size_t errlen)
{
    const char *s;
    size_t n;
    if (json_text(c, v, &s, &n, err, errlen) < 0)
        return -1;
    fmt_json_reader *r = reader_for(s, n);
    fmt_json_event ev;
    int rc;
    while (r && (rc = fmt_json_reader_next(r, &ev)) == 0 && ev.type != FMT_JSON_END)
        ;
    if (!r || rc < 0)
        return json_error(r, err, errlen, "not JSON");
    fmt_json_reader_free(r);
    out->kind = jsonb ? FMT_VALUE_JSON : FMT_VALUE_TEXT;
    out->bytes = s;
    out->len = n;
    return 0;
}

typedef struct {
    fmt_value *items;
    size_t n, cap;
} level;

static int level_push(level *l, const fmt_value *v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        fmt_value *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = *v;
    return 0;
}

/* The level's elements as an array value in the row's memory. */
static int level_close(db_casts *c, level *l, fmt_value *out)
{
    fmt_value *items = row_alloc(c, l->n * sizeof *items);
    fmt_array *a = row_alloc(c, sizeof *a);
    if (!items || !a)
        return -1;
    if (l->n)
        memcpy(items, l->items, l->n * sizeof *items);
    a->items = items;
    a->n = l->n;
    memset(out, 0, sizeof *out);
    out->kind = FMT_VALUE_ARRAY;
    out->array = a;
    l->n = 0;
    return 0;
}

static int element(db_casts *c, const fmt_json_event *ev, fmt_value *v)
{
    memset(v, 0, sizeof *v);
    switch (ev->type) {
    case FMT_JSON_NULL:
        v->kind = FMT_VALUE_NULL;
        return 0;
    case FMT_JSON_TRUE:
    case FMT_JSON_FALSE:
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = ev->type == FMT_JSON_TRUE;
        return 0;
    case FMT_JSON_NUMBER:
    case FMT_JSON_STRING:
        v->kind = ev->type == FMT_JSON_NUMBER ? FMT_VALUE_DECIMAL : FMT_VALUE_TEXT;
        v->len = ev->len;
        return (v->bytes = row_copy(c, ev->text, ev->len)) ? 0 : -1;
    default:
        return 1;
    }
}

static int to_array(db_casts *c, const fmt_value *v, fmt_value *out, char *err, size_t errlen)
{
    if (v->kind == FMT_VALUE_ARRAY) {
        *out = *v;
        return 0;
    }
    if (v->kind != FMT_VALUE_TEXT && v->kind != FMT_VALUE_JSON)
        return fail(err, errlen, "a %s value is not a JSON array", fmt_value_kind_name(v->kind));
    fmt_json_reader *r = reader_for(v->bytes, v->len);
    level levels[MAX_ARRAY_DEPTH] = {{0}};
    fmt_json_event ev;
    int depth = 0, rc = -1, done = 0;
    const char *why = "out of memory";
    while (r && fmt_json_reader_next(r, &ev) == 0) {
        fmt_value e;
        if (ev.type == FMT_JSON_END) {
            rc = done ? 0 : -1;
            break;
        }
        if (done || (depth == 0 && ev.type != FMT_JSON_ARRAY_START)) {
            why = "not a JSON array";
            break;
        }
        if (ev.type == FMT_JSON_ARRAY_START) {
            if (depth == MAX_ARRAY_DEPTH) {
                why = "a JSON array nested too deep for an array";
                break;
            }
            depth++;
            continue;
        }
        if (ev.type == FMT_JSON_ARRAY_END) {
            if (level_close(c, &levels[depth - 1], &e) < 0)
                break;
            if (--depth == 0) {
                *out = e;
                done = 1;
            } else if (level_push(&levels[depth - 1], &e) < 0) {
                break;
            }
            continue;
        }
        int k = element(c, &ev, &e);
        if (k != 0) {
            why = k > 0 ? "an object in the JSON array (cast to jsonb instead)" : why;
            break;
        }
        if (level_push(&levels[depth - 1], &e) < 0)
            break;
    }
    for (int i = 0; i < MAX_ARRAY_DEPTH; i++)
        free(levels[i].items);
    if (rc == 0) {
        fmt_json_reader_free(r);
        return 0;
    }
    if (r && fmt_json_reader_errmsg(r) && *fmt_json_reader_errmsg(r))
        return json_error(r, err, errlen, "not a JSON array");
    fmt_json_reader_free(r);
    return fail(err, errlen, "%s", why);
}

/* One float32, little-endian, from a number's text or value. */
static int put_float(unsigned char *at, const fmt_value *e, char *err, size_t errlen)
{
    double d;
    if (e->kind == FMT_VALUE_DECIMAL) {
        char buf[64];
        if (e->len >= sizeof buf)
            return fail(err, errlen, "%s", "a vector element is not a float32 number");
        memcpy(buf, e->bytes, e->len);
        buf[e->len] = '\0';
        d = strtod(buf, NULL);
    } else if (e->kind == FMT_VALUE_REAL) {
        d = e->d;
    } else if (e->kind == FMT_VALUE_INTEGER) {
        d = (double)e->i;
    } else {
        return fail(err, errlen, "a vector element must be a number, not %s",
                    e->kind == FMT_VALUE_NULL ? "null" : fmt_value_kind_name(e->kind));
    }
    float f = (float)d;
    if (!isfinite(f))
        return fail(err, errlen, "%s", "a vector element is not a finite float32");
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    for (int b = 0; b < 4; b++)
        at[b] = (unsigned char)(u >> (8 * b));
    return 0;
}

static int to_vector(db_casts *c, const fmt_value *v, const fmt_type *t, fmt_value *out, char *err,
                     size_t errlen)
{
    size_t dim = t->param1 >= 0 ? (size_t)t->param1 : (v->kind == FMT_VALUE_BLOB ? v->len / 4 : 0);
    char what[64];
    if (v->kind == FMT_VALUE_BLOB) {
        snprintf(what, sizeof what, "%zu bytes, not %zu (%zu float32)", v->len, dim * 4, dim);
        if (v->len != dim * 4)
            return fail(err, errlen, "a BLOB of %s", what);
        *out = *v;
        return 0;
    }
    fmt_value array;
    if (to_array(c, v, &array, err, errlen) < 0)
        return -1;
    const fmt_array *a = array.array;
    if (t->param1 < 0)
        dim = a->n; /* a vector without a dimension: as many as there are */
    if (a->n != dim) {
        snprintf(what, sizeof what, "%zu elements, not %zu", a->n, dim);
        return fail(err, errlen, "an array of %s", what);
    }
    unsigned char *bytes = row_alloc(c, dim * 4);
    if (!bytes)
        return fail(err, errlen, "%s", "out of memory");
    for (size_t i = 0; i < dim; i++)
        if (put_float(bytes + 4 * i, &a->items[i], err, errlen) < 0)
            return -1;
    memset(out, 0, sizeof *out);
    out->kind = FMT_VALUE_BLOB;
    out->bytes = (const char *)bytes;
    out->len = dim * 4;
    return 0;
}

int db_casts_row(db_casts *c, const fmt_value *in, const unsigned char *present,
                 const fmt_value **out, size_t *column, char *err, size_t errlen)
{
    reset_row(c);
    *out = in;
    if (!c->active)
        return 0;
    for (size_t i = 0; i < c->ncolumns; i++) {
        c->values[i] = in[i];
        if (c->spec_of[i] == -1 || (present && !present[i]) || in[i].kind == FMT_VALUE_NULL)
            continue;
        const fmt_type *t = c->to[i];
        int rc = 0;
        if (t->kind == FMT_TYPE_JSONB || t->kind == FMT_TYPE_JSON)
            rc = to_json(c, &in[i], &c->values[i], t->kind == FMT_TYPE_JSONB, err, errlen);
        else if (t->kind == FMT_TYPE_ARRAY)
            rc = to_array(c, &in[i], &c->values[i], err, errlen);
        else if (t->kind == FMT_TYPE_VECTOR)
            rc = to_vector(c, &in[i], t, &c->values[i], err, errlen);
        if (rc < 0) {
            *column = i;
            return -1;
        }
    }
    *out = c->values;
    return 0;
}

const char *db_casts_unused(const db_casts *c)
{
    for (size_t i = 0; c && i < c->nspecs; i++)
        if (!c->specs[i].used)
            return c->specs[i].spec;
    return NULL;
}

void db_casts_describe(const db_casts *c, int automatic_only,
                       void (*line)(void *ctx, const char *text), void *ctx)
{
    char text[512];
    for (size_t i = 0; c && c->active && i < c->ncolumns; i++) {
        if (c->spec_of[i] == -1 || (automatic_only && c->spec_of[i] != -2))
            continue;
        if (c->spec_of[i] == -2)
            snprintf(text, sizeof text,
                     "column \"%s\": %s -> %s, the type of the target's column: converted on "
                     "the way in",
                     c->columns[i].name, c->from_text[i], c->hinted_text[i]);
        else
            snprintf(text, sizeof text, "column \"%s\": %s -> %s (--cast=%s)", c->columns[i].name,
                     c->from_text[i], c->specs[c->spec_of[i]].to_text,
                     c->specs[c->spec_of[i]].spec);
        line(ctx, text);
    }
}
