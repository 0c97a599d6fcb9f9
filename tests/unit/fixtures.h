/* Fixtures the unit tests share, so each lives once: values (v_int...),
 * table builders (table_new, add_column, set_pk, add_fk, add_index), finders over a source's
 * tables (find_table_named, find_table_by_key, find_column),
 * an in-memory buffer that is a writer's sink and a reader's source
 * (membuf), whole-file reads and writes, and a private temporary directory.
 * Header only (static inline): a test links nothing more. A fixture that
 * cannot do its job (bad type, unwritable file) ends the test with status
 * 2: a broken setup, not a failed check. */
#ifndef DB_TEST_FIXTURES_H
#define DB_TEST_FIXTURES_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "value.h"

/* ---- values ------------------------------------------------------------- */

static inline fmt_value v_null(void)
{
    fmt_value v = {.kind = FMT_VALUE_NULL};
    return v;
}

static inline fmt_value v_int(int64_t i)
{
    fmt_value v = {.kind = FMT_VALUE_INTEGER, .i = i};
    return v;
}

static inline fmt_value v_real(double d)
{
    fmt_value v = {.kind = FMT_VALUE_REAL, .d = d};
    return v;
}

static inline fmt_value v_bool(int b)
{
    fmt_value v = {.kind = FMT_VALUE_BOOLEAN, .b = b != 0};
    return v;
}

static inline fmt_value v_bytes(fmt_value_kind kind, const char *s, size_t len)
{
    fmt_value v = {.kind = kind, .bytes = s, .len = len};
    return v;
}

static inline fmt_value v_text(const char *s)
{
    return v_bytes(FMT_VALUE_TEXT, s, strlen(s));
}

static inline fmt_value v_dec(const char *s)
{
    return v_bytes(FMT_VALUE_DECIMAL, s, strlen(s));
}

static inline fmt_value v_json(const char *s)
{
    return v_bytes(FMT_VALUE_JSON, s, strlen(s));
}

/* An array value: the tree a (value.h), which the caller keeps alive. */
static inline fmt_value v_array(const fmt_array *a)
{
    fmt_value v = {.kind = FMT_VALUE_ARRAY, .array = a};
    return v;
}

/* ---- tables ------------------------------------------------------------- */

/* n strings, copied, in a NULL-terminated array. */
static inline char **strv(size_t n, ...)
{
    va_list ap;
    char **v = calloc(n + 1, sizeof *v);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = fmt_strdup(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

/* ns may be NULL. Free with fmt_table_free. */
static inline fmt_table *table_new(const char *ns, const char *name)
{
    fmt_table *t = calloc(1, sizeof *t);
    t->namespace = fmt_strdup(ns);
    t->name = fmt_strdup(name);
    return t;
}

/* Appends a column of portable type `type` (native may be NULL). The
 * pointer is valid until the next add_column on t. */
static inline fmt_column *add_column(fmt_table *t, const char *name, const char *type,
                                     const char *native, int nullable)
{
    char err[128];
    t->columns = realloc(t->columns, (t->ncolumns + 1) * sizeof *t->columns);
    fmt_column *c = &t->columns[t->ncolumns++];
    memset(c, 0, sizeof *c);
    c->name = fmt_strdup(name);
    c->type_text = fmt_strdup(type);
    if (fmt_type_parse(&c->type, type, strlen(type), err, sizeof err) < 0) {
        fprintf(stderr, "bad type %s: %s\n", type, err);
        exit(2);
    }
    c->native_type = fmt_strdup(native);
    c->nullable = nullable;
    return c;
}

/* A one-column primary key (name may be NULL). */
static inline void set_pk(fmt_table *t, const char *name, const char *column)
{
    t->primary_key = calloc(1, sizeof *t->primary_key);
    t->primary_key->name = fmt_strdup(name);
    t->primary_key->columns = strv(1, column);
    t->primary_key->ncolumns = 1;
}

/* A one-column foreign key to ref_table(ref_column); ref_column NULL names
 * no columns (the referenced table's primary key). Valid until the next
 * add_fk on t. */
static inline fmt_foreign_key *add_fk(fmt_table *t, const char *column, const char *ref_table,
                                      const char *ref_column)
{
    t->foreign_keys = realloc(t->foreign_keys, (t->nforeign_keys + 1) * sizeof *t->foreign_keys);
    fmt_foreign_key *fk = &t->foreign_keys[t->nforeign_keys++];
    memset(fk, 0, sizeof *fk);
    fk->columns = strv(1, column);
    fk->ncolumns = 1;
    fk->ref_table = fmt_strdup(ref_table);
    if (ref_column) {
        fk->ref_columns = strv(1, ref_column);
        fk->nref_columns = 1;
    }
    return fk;
}

/* An index of one part on column (NULL for an expression part: set the
 * returned index's parts[0].expression). Its sql is for the caller to set
 * too. Valid until the next add_index on t. */
static inline fmt_index *add_index(fmt_table *t, const char *name, int unique, const char *column)
{
    t->indexes = realloc(t->indexes, (t->nindexes + 1) * sizeof *t->indexes);
    fmt_index *ix = &t->indexes[t->nindexes++];
    memset(ix, 0, sizeof *ix);
    ix->name = fmt_strdup(name);
    ix->unique = unique;
    ix->parts = calloc(1, sizeof *ix->parts);
    ix->parts[0].column = fmt_strdup(column);
    ix->nparts = 1;
    return ix;
}

/* The table called name (any namespace), or NULL. */
static inline const fmt_table *find_table_named(fmt_table **tables, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tables[i]->name, name) == 0)
            return tables[i];
    return NULL;
}

/* The table whose fmt_table_key ("namespace.name", or the bare name) is
 * key, or NULL. */
static inline const fmt_table *find_table_by_key(fmt_table **tables, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        char *k = fmt_table_key(tables[i]);
        int hit = k && strcmp(k, key) == 0;
        free(k);
        if (hit)
            return tables[i];
    }
    return NULL;
}

/* t's column called name, or NULL (also when t is NULL). */
static inline const fmt_column *find_column(const fmt_table *t, const char *name)
{
    int i = t ? fmt_table_find_column(t, name) : -1;
    return i >= 0 ? &t->columns[i] : NULL;
}

/* ---- memory --------------------------------------------------------------- */

/* A growing buffer: written by mem_sink (always NUL-terminated), read back
 * from pos by mem_source, at most chunk bytes per call when chunk > 0. */
typedef struct {
    char *data;
    size_t len, cap, pos;
    size_t chunk;
} membuf;

static inline int mem_sink(void *ctx, const void *buf, size_t len)
{
    membuf *m = ctx;
    if (m->len + len + 1 > m->cap) {
        m->cap = (m->len + len + 1) * 2;
        m->data = realloc(m->data, m->cap);
        if (!m->data)
            abort();
    }
    memcpy(m->data + m->len, buf, len);
    m->len += len;
    m->data[m->len] = 0;
    return 0;
}

static inline int mem_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    membuf *m = ctx;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (m->chunk && n > m->chunk)
        n = m->chunk;
    if (n)
        memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *got = n;
    return 0;
}

/* ---- files ------------------------------------------------------------- */

/* The whole file, NUL-terminated (not counted in *len); NULL if it cannot
 * be opened. Caller frees. */
static inline unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t cap = 0, n;
    *len = 0;
    if (!f)
        return NULL;
    do {
        if (*len + 1 >= cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            if (!data)
                abort();
        }
        n = fread(data + *len, 1, cap - *len - 1, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    data[*len] = 0;
    return data;
}

static inline void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* ---- a temporary directory ---------------------------------------------- */

static char fixture_tmpdir[4096];

/* Creates a fresh directory under $TMPDIR (or /tmp) named after the test;
 * the test removes what it leaves there. */
static inline const char *make_tmpdir(const char *test_name)
{
    const char *base = getenv("TMPDIR");
    snprintf(fixture_tmpdir, sizeof fixture_tmpdir, "%s/%s.XXXXXX", base && *base ? base : "/tmp",
             test_name);
    if (!mkdtemp(fixture_tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
    return fixture_tmpdir;
}

/* name inside that directory; the last eight results stay valid. */
static inline const char *tmp_path(const char *name)
{
    static char paths[8][sizeof fixture_tmpdir + 300];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", fixture_tmpdir, name);
    return p;
}

#endif
