/* dbimport --max-errors / --reject-file (reject.h). The rows are not kept
 * while the import runs, only where they are: a second pass over the file
 * (which is why --reject-file needs a FILE, not standard input) copies
 * them as they were, through the document reader and writer. */
#include "reject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_reader.h"
#include "doc_writer.h"
#include "json_writer.h"
#include "stream.h"
#include "strlist.h"

typedef struct {
    size_t table;
    uint64_t row, line, column, offset;
    char *column_name;
    char *why;
    /* an orphan (--max-errors, foreign keys): its foreign key columns and
     * the target's text of their values, until the file's row is found */
    char **key_columns, **key_values;
    size_t nkey;
    size_t rank; /* its table's place in the file, for the order of "rejected" */
} reject_entry;

struct db_rejects {
    uint64_t max;
    char **tables; /* in the order they were first refused a row: the file's */
    uint64_t *counts;
    uint64_t *orphans; /* of counts */
    size_t *ranks;     /* each table's place in the file (db_rejects_locate) */
    char **firsts;
    size_t ntables;
    reject_entry *e;
    size_t n, cap;
};

db_rejects *db_rejects_new(uint64_t max)
{
    db_rejects *r = calloc(1, sizeof *r);
    if (r)
        r->max = max;
    return r;
}

void db_rejects_free(db_rejects *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntables; i++) {
        free(r->tables[i]);
        free(r->firsts[i]);
    }
    free(r->tables);
    free(r->counts);
    free(r->orphans);
    free(r->ranks);
    free(r->firsts);
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].column_name);
        free(r->e[i].why);
        fmt_strings_free(r->e[i].key_columns, r->e[i].nkey);
        fmt_strings_free(r->e[i].key_values, r->e[i].nkey);
    }
    free(r->e);
    free(r);
}

static long table_index(db_rejects *r, const char *table)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i], table) == 0)
            return (long)i;
    char **t = realloc(r->tables, (r->ntables + 1) * sizeof *t);
    if (t)
        r->tables = t;
    uint64_t *c = realloc(r->counts, (r->ntables + 1) * sizeof *c);
    if (c)
        r->counts = c;
    char **f = realloc(r->firsts, (r->ntables + 1) * sizeof *f);
    if (f)
        r->firsts = f;
    uint64_t *o = realloc(r->orphans, (r->ntables + 1) * sizeof *o);
    if (o)
        r->orphans = o;
    size_t *k = realloc(r->ranks, (r->ntables + 1) * sizeof *k);
    if (k)
        r->ranks = k;
    if (!t || !c || !f || !o || !k || !(r->tables[r->ntables] = strdup(table)))
        return -1;
    r->ranks[r->ntables] = r->ntables; /* the order rows were refused in: the file's, */
    /* until orphans, found after the last row, come (db_rejects_locate) */
    r->counts[r->ntables] = 0;
    r->orphans[r->ntables] = 0;
    r->firsts[r->ntables] = NULL;
    return (long)r->ntables++;
}

int db_rejects_add(db_rejects *r, const char *table, uint64_t row, uint64_t line, uint64_t column,
                   uint64_t offset, const char *column_name, const char *why)
{
    long t = table_index(r, table);
    if (t < 0)
        return -1;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        reject_entry *grown = realloc(r->e, cap * sizeof *grown);
        if (!grown)
            return -1;
        r->e = grown;
        r->cap = cap;
    }
    reject_entry *e = &r->e[r->n];
    *e = (reject_entry){(size_t)t, row, line, column, offset, NULL, NULL, NULL, NULL, 0, 0};
    e->why = strdup(why ? why : "");
    e->column_name = column_name ? strdup(column_name) : NULL;
    if (!e->why || (column_name && !e->column_name)) {
        free(e->why);
        free(e->column_name);
        return -1;
    }
    r->n++;
    if (r->counts[t]++ == 0) {
        size_t n = strlen(e->why) + (column_name ? strlen(column_name) : 0) + 64;
        if ((r->firsts[t] = malloc(n)))
            snprintf(r->firsts[t], n, "row %llu%s%s%s: %s", (unsigned long long)row,
                     column_name ? ", column \"" : "", column_name ? column_name : "",
                     column_name ? "\"" : "", e->why);
    }
    return r->n > r->max ? 1 : 0;
}

uint64_t db_rejects_max(const db_rejects *r)
{
    return r->max;
}

uint64_t db_rejects_count(const db_rejects *r)
{
    return r ? r->n : 0;
}

uint64_t db_rejects_table(const db_rejects *r, const char *table, const char **first)
{
    *first = NULL;
    for (size_t i = 0; r && i < r->ntables; i++)
        if (strcmp(r->tables[i], table) == 0) {
            *first = r->firsts[i] ? r->firsts[i] : "";
            return r->counts[i];
        }
    return 0;
}

int db_rejects_add_orphan(db_rejects *r, const char *table, const char *const *columns,
                          const char *const *values, size_t n, const char *why)
{
    int rc = db_rejects_add(r, table, 0, 0, 0, 0, NULL, why);
    if (rc < 0)
        return -1;
    reject_entry *e = &r->e[r->n - 1];
    if (!(e->key_columns = calloc(n, sizeof *e->key_columns)) ||
        !(e->key_values = calloc(n, sizeof *e->key_values)))
        return -1;
    for (e->nkey = n; n--;)
        if (!(e->key_columns[n] = strdup(columns[n])) || !(e->key_values[n] = strdup(values[n])))
            return -1;
    r->orphans[e->table]++;
    if (r->counts[e->table] == 1 && r->firsts[e->table]) { /* "row 0: " says nothing */
        free(r->firsts[e->table]);
        r->firsts[e->table] = strdup(why);
    }
    return rc;
}

uint64_t db_rejects_table_orphans(const db_rejects *r, const char *table)
{
    for (size_t i = 0; r && i < r->ntables; i++)
        if (strcmp(r->tables[i], table) == 0)
            return r->orphans[i];
    return 0;
}

void db_rejects_each_orphan(const db_rejects *r, db_rejects_orphan_fn fn, void *ctx)
{
    for (size_t i = 0; r && i < r->n; i++) {
        const reject_entry *e = &r->e[i];
        if (e->key_columns)
            fn(ctx, r->tables[e->table], e->row, e->line, e->column, e->offset, e->why);
    }
}

static int by_place(const void *a, const void *b)
{
    const reject_entry *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* ---- the second pass ------------------------------------------------------ */

typedef struct {
    const db_rejects *r;
    fmt_input *in;
    fmt_doc_reader *doc;
    fmt_output *out;
    fmt_doc_writer *w;
    size_t next;  /* the next entry to write */
    long writing; /* the table being copied, or -1 */
} pass;

static int input_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    return fmt_input_read(ctx, buf, cap, got);
}

static const char *input_errmsg(void *ctx)
{
    return fmt_input_errmsg(ctx);
}

static int sink(void *ctx, const void *buf, size_t len)
{
    return fmt_output_write(ctx, buf, len);
}

static int write_list(fmt_json_writer *j, void *ctx)
{
    const db_rejects *r = ctx;
    if (fmt_json_writer_keyz(j, "rejected") < 0 || fmt_json_writer_array_start(j) < 0)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        const reject_entry *e = &r->e[i];
        if (fmt_json_writer_object_start(j) < 0 || fmt_json_writer_keyz(j, "byte") < 0 ||
            fmt_json_writer_int64(j, (int64_t)e->offset) < 0 ||
            (e->column_name && (fmt_json_writer_keyz(j, "column") < 0 ||
                                fmt_json_writer_stringz(j, e->column_name) < 0)) ||
            fmt_json_writer_keyz(j, "error") < 0 || fmt_json_writer_stringz(j, e->why) < 0 ||
            fmt_json_writer_keyz(j, "line") < 0 || fmt_json_writer_int64(j, (int64_t)e->line) < 0 ||
            fmt_json_writer_keyz(j, "row") < 0 || fmt_json_writer_int64(j, (int64_t)e->row) < 0 ||
            fmt_json_writer_keyz(j, "table") < 0 ||
            fmt_json_writer_stringz(j, r->tables[e->table]) < 0 ||
            fmt_json_writer_object_end(j) < 0)
            return -1;
    }
    return fmt_json_writer_array_end(j);
}

static int copy_event(pass *p, const fmt_doc_event *ev)
{
    const db_rejects *r = p->r;
    switch (ev->type) {
    case FMT_DOC_HEADER:
        return fmt_doc_write_header(p->w, ev->header);
    case FMT_DOC_TABLE: {
        char *key = fmt_table_key(ev->table);
        p->writing = -1;
        if (!key)
            return -1;
        for (size_t i = 0; i < r->ntables; i++)
            if (strcmp(r->tables[i], key) == 0)
                p->writing = (long)i;
        free(key);
        /* orphans came last: the tables are not in the file's order */
        for (p->next = 0;
             p->writing >= 0 && p->next < r->n && r->e[p->next].table != (size_t)p->writing;)
            p->next++;
        return p->writing < 0 ? 0 : fmt_doc_write_table_begin(p->w, ev->table, 1);
    }
    case FMT_DOC_ROW:
        if (p->writing < 0 || p->next >= r->n || r->e[p->next].table != (size_t)p->writing ||
            r->e[p->next].row != ev->row_number)
            return 0;
        while (p->next < r->n && r->e[p->next].table == (size_t)p->writing &&
               r->e[p->next].row == ev->row_number)
            p->next++; /* one file row may give several refused rows (--rows) */
        return fmt_doc_write_row_present(p->w, ev->values, ev->present);
    case FMT_DOC_TABLE_END:
        if (p->writing < 0)
            return 0;
        p->writing = -1;
        return fmt_doc_write_table_end(p->w);
    default:
        return 0;
    }
}

/* ---- finding the orphans in the file ---------------------------------- */

/* One value of the file's row against the target's text of it, compared as
 * the target compares keys: integers by value (SQLite's 7 is "7", a
 * decimal's "7.0" too), uuids whatever their case (PostgreSQL's text is
 * lower case), everything else byte for byte. */
static int same_value(const fmt_value *v, const fmt_column *c, const char *text)
{
    size_t n = strlen(text);
    char *end;
    switch (v->kind) {
    case FMT_VALUE_INTEGER: {
        long long x = strtoll(text, &end, 10);
        return *text && !*end && x == v->i;
    }
    case FMT_VALUE_BOOLEAN:
        return v->b ? strcmp(text, "t") == 0 || strcmp(text, "1") == 0
                    : strcmp(text, "f") == 0 || strcmp(text, "0") == 0;
    case FMT_VALUE_REAL: {
        double x = strtod(text, &end);
        return *text && !*end && x == v->d;
    }
    case FMT_VALUE_TEXT:
    case FMT_VALUE_DECIMAL:
        if (v->len != n)
            return 0;
        if (c->type.kind == FMT_TYPE_UUID) {
            for (size_t i = 0; i < n; i++)
                if ((v->bytes[i] | 0x20) != (text[i] | 0x20))
                    return 0;
            return 1;
        }
        return memcmp(v->bytes, text, n) == 0;
    default:
        return 0; /* a key of another kind is not looked for: not found */
    }
}

static long column_index(const fmt_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int row_is(const reject_entry *e, const fmt_table *t, const fmt_doc_event *ev)
{
    for (size_t k = 0; k < e->nkey; k++) {
        long c = column_index(t, e->key_columns[k]);
        if (c < 0 || !ev->present[c] ||
            !same_value(&ev->values[c], &t->columns[c], e->key_values[k]))
            return 0;
    }
    return 1;
}

/* The row, refused for another reason, is not an orphan's. */
static int refused_otherwise(const db_rejects *r, size_t table, uint64_t row)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i].table == table && r->e[i].row == row && !r->e[i].key_columns)
            return 1;
    return 0;
}

/* A row of table: the first orphan not yet found that it is, if any. */
static void locate_row(db_rejects *r, long table, const fmt_table *t, const fmt_doc_event *ev)
{
    for (size_t i = 0; i < r->n; i++) {
        reject_entry *e = &r->e[i];
        if (e->table != (size_t)table || !e->key_columns || e->row || !row_is(e, t, ev))
            continue;
        if (refused_otherwise(r, (size_t)table, ev->row_number))
            return;
        e->row = ev->row_number, e->line = ev->line, e->column = ev->column;
        e->offset = ev->offset;
        return;
    }
}

int64_t db_rejects_locate(db_rejects *r, const char *input, char *err, size_t errlen)
{
    fmt_input *in = NULL;
    fmt_doc_reader *doc = NULL;
    int64_t rc = -1;
    long table = -1;
    size_t ordinal = 0, orphans = 0;
    for (size_t i = 0; i < r->ntables; i++)
        orphans += r->orphans[i];
    if (!orphans)
        return 0; /* nothing to look for: the file is not read again */
    if (fmt_input_open(&in, input) < 0) {
        snprintf(err, errlen, "%s: %s", input, in ? fmt_input_errmsg(in) : "out of memory");
        goto done;
    }
    if (fmt_doc_reader_new(&doc, input_source, input_errmsg, in, fmt_input_name(in), NULL) < 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (;;) {
        fmt_doc_event ev;
        if (fmt_doc_reader_next(doc, &ev) < 0) {
            snprintf(err, errlen, "%s", fmt_doc_reader_errmsg(doc));
            goto done;
        }
        if (ev.type == FMT_DOC_END)
            break;
        if (ev.type == FMT_DOC_TABLE) {
            char *key = fmt_table_key(ev.table);
            table = -1;
            for (size_t i = 0; key && i < r->ntables; i++)
                if (strcmp(r->tables[i], key) == 0) {
                    r->ranks[i] = ordinal;
                    table = r->orphans[i] ? (long)i : -1;
                }
            ordinal++;
            free(key);
        } else if (ev.type == FMT_DOC_ROW && table >= 0) {
            locate_row(r, table, ev.table, &ev);
        }
    }
    rc = 0;
    for (size_t i = 0; i < r->n; i++) {
        rc += r->e[i].key_columns && !r->e[i].row;
        r->e[i].rank = r->ranks[r->e[i].table];
    }
    if (r->n)
        qsort(r->e, r->n, sizeof *r->e, by_place); /* db_rejects_each_orphan in file order */
done:
    fmt_doc_reader_free(doc);
    fmt_input_free(in);
    return rc;
}

int db_rejects_write(db_rejects *r, const char *input, const char *output, char *err, size_t errlen)
{
    pass p = {r, NULL, NULL, NULL, NULL, 0, -1};
    size_t n = strlen(output);
    int gz = n > 3 && strcmp(output + n - 3, ".gz") == 0, rc = -1;
    for (size_t i = 0; i < r->n; i++)
        r->e[i].rank = r->ranks[r->e[i].table];
    if (r->n)
        qsort(r->e, r->n, sizeof *r->e, by_place);
    if (fmt_input_open(&p.in, input) < 0) {
        snprintf(err, errlen, "%s: %s", input, p.in ? fmt_input_errmsg(p.in) : "out of memory");
        goto done;
    }
    if (fmt_output_open(&p.out, output, gz ? 6 : 0) < 0) {
        snprintf(err, errlen, "%s: %s", output, p.out ? fmt_output_errmsg(p.out) : "out of memory");
        goto done;
    }
    if (fmt_doc_reader_new(&p.doc, input_source, input_errmsg, p.in, fmt_input_name(p.in), NULL) <
            0 ||
        fmt_doc_writer_new(&p.w, sink, p.out) < 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (;;) {
        fmt_doc_event ev;
        if (fmt_doc_reader_next(p.doc, &ev) < 0) {
            snprintf(err, errlen, "%s", fmt_doc_reader_errmsg(p.doc));
            goto done;
        }
        if (ev.type == FMT_DOC_END)
            break;
        if (copy_event(&p, &ev) < 0) {
            snprintf(err, errlen, "%s: %s", output,
                     *fmt_output_errmsg(p.out) ? fmt_output_errmsg(p.out)
                                               : fmt_doc_writer_errmsg(p.w));
            goto done;
        }
    }
    if (fmt_doc_write_end_with(p.w, NULL, 0, write_list, (void *)r) < 0 ||
        fmt_output_close(p.out) < 0) {
        snprintf(err, errlen, "%s: %s", output,
                 *fmt_output_errmsg(p.out) ? fmt_output_errmsg(p.out) : fmt_doc_writer_errmsg(p.w));
        goto done;
    }
    rc = 0;
done:
    fmt_doc_writer_free(p.w);
    fmt_doc_reader_free(p.doc);
    fmt_output_free(p.out);
    fmt_input_free(p.in);
    return rc;
}
