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

typedef struct {
    size_t table;
    uint64_t row, line, column, offset;
    char *column_name;
    char *why;
} reject_entry;

struct db_rejects {
    uint64_t max;
    char **tables; /* in the order they were first refused a row: the file's */
    uint64_t *counts;
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
    free(r->firsts);
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].column_name);
        free(r->e[i].why);
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
    if (!t || !c || !f || !(r->tables[r->ntables] = strdup(table)))
        return -1;
    r->counts[r->ntables] = 0;
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
    *e = (reject_entry){(size_t)t, row, line, column, offset, NULL, NULL};
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

static int by_place(const void *a, const void *b)
{
    const reject_entry *x = a, *y = b;
    if (x->table != y->table)
        return x->table < y->table ? -1 : 1;
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

int db_rejects_write(db_rejects *r, const char *input, const char *output, char *err, size_t errlen)
{
    pass p = {r, NULL, NULL, NULL, NULL, 0, -1};
    size_t n = strlen(output);
    int gz = n > 3 && strcmp(output + n - 3, ".gz") == 0, rc = -1;
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
