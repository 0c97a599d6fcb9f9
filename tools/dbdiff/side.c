/* One operand of dbdiff, A or B, as a stream of tables and rows in
 * document order, whichever it is: an export file, pulled through the
 * document reader event by event, or a database, read through the same
 * source ops table (exporter/source.h) and snapshot dbexport uses, without
 * writing a file. Memory stays bounded by one row either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dbdiff.h"
#include "diag.h"
#include "doc_reader.h"
#include "order.h"
#include "select.h"
#include "stream.h"

struct dd_side {
    char *name;
    db_diag diag;
    /* a file */
    fmt_input *in;
    fmt_doc_reader *doc;
    db_selection tables_selection;  /* -t/-T */
    db_selection schemas_selection; /* -n/-N */
    const fmt_header *header;
    const fmt_table *table; /* the current table (the reader's, or tables[i]) */
    int in_rows;            /* a file: the current table's rows are not all read */
    int at_end;             /* a file: past the last table */
    char *last_key;         /* a file: the previous table's key, for the order check */
    const fmt_native_object *objects;
    size_t nobjects;
    /* a database */
    const db_source_ops *ops;
    void *src;
    fmt_header db_header;
    fmt_table **tables;
    size_t ntables, next;
    fmt_native_object *db_objects;
    size_t ndb_objects;
    fmt_value *values;
    int rows_open; /* rows_begin was called for the current table */
    int rows_done;
    uint64_t row_number;
};

static int input_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    return fmt_input_read(ctx, buf, cap, got);
}

static const char *input_errmsg(void *ctx)
{
    return fmt_input_errmsg(ctx);
}

/* Whether operand names an export file rather than a database: "-", or an
 * existing file that starts like a JSON text or a gzip stream. A SQLite
 * database starts with "SQLite format 3". */
static int is_export_file(const char *operand)
{
    if (strcmp(operand, "-") == 0)
        return 1;
    const char *path = NULL;
    if (cli_locator_classify(operand, &path) == CLI_LOCATOR_POSTGRESQL)
        return 0;
    if (strncmp(operand, "sqlite:", 7) == 0)
        return 0;
    FILE *f = fopen(operand, "rb");
    if (!f)
        return 0; /* the SQLite source says what is wrong with it */
    unsigned char head[16];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return 1;
    if (n >= 15 && memcmp(head, "SQLite format 3", 15) == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')
            continue;
        return head[i] == '{';
    }
    if (n > 0)
        return 1; /* whitespace only: the reader says it is not a document */
    /* Empty: an empty SQLite database, unless its name says it is an export
     * cut to nothing, which must not compare as a database without tables. */
    size_t len = strlen(operand);
    return (len >= 5 && strcmp(operand + len - 5, ".json") == 0) ||
           (len >= 3 && strcmp(operand + len - 3, ".gz") == 0);
}

/* -n/-N: a table without a namespace is in its backend's default
 * schema, as the PostgreSQL source matches it. */
static int selected(const dd_side *s, const fmt_table *t)
{
    const char *backend = s->header ? s->header->source_backend : NULL;
    const char *schema = t->namespace                                    ? t->namespace
                         : backend && strcmp(backend, "postgresql") == 0 ? "public"
                                                                         : "main";
    return db_selection_schema(&s->schemas_selection, schema) &&
           db_selection_table(&s->tables_selection, t->namespace, t->name);
}

static int init_selection(dd_side *s, const db_source_options *sel)
{
    if (db_selection_init(&s->tables_selection, sel->include_tables, sel->exclude_tables, NULL,
                          NULL) < 0 ||
        db_selection_init(&s->schemas_selection, NULL, NULL, sel->include_schemas,
                          sel->exclude_schemas) < 0)
        return db_oom(&s->diag);
    return 0;
}

static int open_file(dd_side *s, const char *operand, const db_source_options *sel)
{
    fmt_doc_reader_options ro = FMT_DOC_READER_OPTIONS_INIT;
    fmt_doc_event ev;
    if (init_selection(s, sel) < 0)
        return -1;
    if (fmt_input_open(&s->in, operand) < 0)
        return s->in ? db_error(&s->diag, "%s: %s", s->name, fmt_input_errmsg(s->in))
                     : db_oom(&s->diag);
    if (fmt_doc_reader_new(&s->doc, input_source, input_errmsg, s->in, fmt_input_name(s->in), &ro) <
        0)
        return db_oom(&s->diag);
    if (fmt_doc_reader_next(s->doc, &ev) < 0)
        return db_error(&s->diag, "%s", fmt_doc_reader_errmsg(s->doc));
    s->header = ev.header;
    return 0;
}

static int open_database(dd_side *s, const char *operand, const db_source_options *sel)
{
    const char *path = NULL;
    db_source_options tables_only = {.include_tables = sel->include_tables,
                                     .exclude_tables = sel->exclude_tables};
    if (init_selection(s, sel) < 0)
        return -1;
    if (cli_locator_classify(operand, &path) == CLI_LOCATOR_POSTGRESQL) {
        s->ops = db_source_pg();
        path = operand; /* libpq takes the whole locator */
        tables_only = *sel;
    } else {
        s->ops = db_source_sqlite(); /* no schemas: -n/-N are matched below, as for a file */
    }
    if (s->ops->open(&s->src, path, &tables_only) < 0)
        return s->src ? db_error(&s->diag, "%s", s->ops->errmsg(s->src)) : db_oom(&s->diag);
    if (s->ops->header(s->src, &s->db_header) < 0 ||
        s->ops->tables(s->src, &s->tables, &s->ntables) < 0 ||
        s->ops->native_objects(s->src, &s->db_objects, &s->ndb_objects) < 0)
        return db_error(&s->diag, "%s", s->ops->errmsg(s->src));
    if (db_order_tables(s->tables, s->ntables) < 0)
        return db_oom(&s->diag);
    s->header = &s->db_header;
    return 0;
}

int dd_side_open(dd_side **out, const char *operand, const db_source_options *sel)
{
    dd_side *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return -1;
    s->name = cli_locator_mask(operand);
    if (!s->name)
        return db_oom(&s->diag);
    return is_export_file(operand) ? open_file(s, operand, sel) : open_database(s, operand, sel);
}

void dd_side_free(dd_side *s)
{
    if (!s)
        return;
    if (s->src) {
        if (s->rows_open)
            s->ops->rows_end(s->src);
        s->ops->close(s->src);
    }
    fmt_tables_free(s->tables, s->ntables);
    for (size_t i = 0; i < s->ndb_objects; i++)
        fmt_native_object_clear(&s->db_objects[i]);
    free(s->db_objects);
    fmt_header_clear(&s->db_header);
    free(s->values);
    fmt_doc_reader_free(s->doc);
    fmt_input_free(s->in);
    db_selection_free(&s->tables_selection);
    db_selection_free(&s->schemas_selection);
    free(s->last_key);
    free(s->name);
    db_diag_free(&s->diag);
    free(s);
}

const char *dd_side_name(const dd_side *s)
{
    return s->name;
}

const fmt_header *dd_side_header(const dd_side *s)
{
    return s->header;
}

const char *dd_side_errmsg(const dd_side *s)
{
    return db_errmsg(&s->diag);
}

uint64_t dd_side_row_number(const dd_side *s)
{
    return s->row_number;
}

uint64_t dd_side_bytes_read(const dd_side *s)
{
    return s->in ? fmt_input_raw_offset(s->in) : 0;
}

uint64_t dd_side_size(const dd_side *s)
{
    return s->in ? fmt_input_size(s->in) : 0;
}

/* A file's tables must come in document order for the merge by name:
 * dbexport writes them so, and jq -S keeps it. */
static int check_file_order(dd_side *s, const fmt_table *t, const fmt_doc_event *ev)
{
    char *key = fmt_table_key(t);
    if (!key)
        return db_oom(&s->diag);
    if (s->last_key && strcmp(s->last_key, key) >= 0) {
        int rc = db_error(&s->diag,
                          "%s:%llu:%llu (byte %llu): table \"%s\" comes after \"%s\"; dbdiff "
                          "needs the tables in key order (bytewise), as dbexport writes them\n"
                          "hint: jq -S . puts them in that order",
                          fmt_input_name(s->in), (unsigned long long)ev->line,
                          (unsigned long long)ev->column, (unsigned long long)ev->offset, key,
                          s->last_key);
        free(key);
        return rc;
    }
    free(s->last_key);
    s->last_key = key;
    return 0;
}

/* A file: events up to the next selected TABLE, or the end. */
static int next_file_table(dd_side *s, const fmt_table **t)
{
    fmt_doc_event ev;
    for (;;) {
        if (fmt_doc_reader_next(s->doc, &ev) < 0)
            return db_error(&s->diag, "%s", fmt_doc_reader_errmsg(s->doc));
        switch (ev.type) {
        case FMT_DOC_TABLE:
            if (check_file_order(s, ev.table, &ev) < 0)
                return -1;
            if (!selected(s, ev.table))
                continue;
            s->table = *t = ev.table;
            s->in_rows = 1;
            s->row_number = 0;
            return 1;
        case FMT_DOC_NATIVE:
            s->objects = ev.objects;
            s->nobjects = ev.nobjects;
            s->table = NULL;
            return 0;
        case FMT_DOC_END:
            s->table = NULL;
            return 0;
        default: /* rows and ends of tables left unread or not selected */
            continue;
        }
    }
}

int dd_side_next_table(dd_side *s, const fmt_table **t)
{
    *t = NULL;
    if (s->doc) {
        if (s->at_end)
            return 0;
        int rc = next_file_table(s, t);
        s->at_end = rc == 0;
        return rc;
    }
    if (s->rows_open) {
        s->ops->rows_end(s->src);
        s->rows_open = 0;
    }
    while (s->next < s->ntables && !selected(s, s->tables[s->next]))
        s->next++;
    if (s->next >= s->ntables) {
        s->table = NULL;
        return 0;
    }
    s->table = *t = s->tables[s->next++];
    s->rows_done = 0;
    s->row_number = 0;
    return 1;
}

static int next_db_row(dd_side *s, const fmt_value **values)
{
    const fmt_table *t = s->table;
    if (s->rows_done)
        return 0;
    if (!s->rows_open) {
        free(s->values);
        s->values = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *s->values);
        if (!s->values)
            return db_oom(&s->diag);
        if (s->ops->rows_begin(s->src, t) < 0)
            return db_error(&s->diag, "%s: table \"%s\": %s", s->name, t->name,
                            s->ops->errmsg(s->src));
        s->rows_open = 1;
    }
    int rc = s->ops->rows_next(s->src, s->values);
    if (rc < 0)
        return db_error(&s->diag, "%s: table \"%s\", after row %llu: %s", s->name, t->name,
                        (unsigned long long)s->row_number, s->ops->errmsg(s->src));
    if (rc == 0) {
        s->rows_done = 1;
        s->ops->rows_end(s->src);
        s->rows_open = 0;
        return 0;
    }
    s->row_number++;
    *values = s->values;
    return 1;
}

int dd_side_next_row(dd_side *s, const fmt_value **values, const unsigned char **present)
{
    *values = NULL;
    *present = NULL;
    if (!s->table)
        return 0;
    if (!s->doc)
        return next_db_row(s, values);
    if (!s->in_rows)
        return 0;
    fmt_doc_event ev;
    if (fmt_doc_reader_next(s->doc, &ev) < 0)
        return db_error(&s->diag, "%s", fmt_doc_reader_errmsg(s->doc));
    if (ev.type != FMT_DOC_ROW) {
        s->in_rows = 0; /* TABLE_END: the table stays valid until the next event */
        return 0;
    }
    s->row_number = ev.row_number;
    *values = ev.values;
    *present = ev.present;
    return 1;
}

char *dd_side_error_at_row(dd_side *s, const char *what)
{
    if (s->doc)
        return db_format("%s", fmt_doc_reader_error_at(s->doc, NULL, what));
    return db_format("%s: table \"%s\", row %llu: %s", s->name, s->table ? s->table->name : "",
                     (unsigned long long)s->row_number, what);
}

int dd_side_estimate_rows(dd_side *s, uint64_t *rows)
{
    int known = 0;
    *rows = 0;
    for (size_t i = 0; s->src && s->ops->estimate_rows && i < s->ntables; i++) {
        uint64_t n = 0;
        if (!selected(s, s->tables[i]))
            continue;
        int rc = s->ops->estimate_rows(s->src, s->tables[i], &n);
        if (rc < 0)
            return db_error(&s->diag, "%s: table \"%s\": %s", s->name, s->tables[i]->name,
                            s->ops->errmsg(s->src));
        known |= rc;
        *rows += n;
    }
    return known;
}

int dd_side_objects(dd_side *s, const fmt_native_object **objects, size_t *n)
{
    if (s->doc) {
        *objects = s->objects;
        *n = s->nobjects;
    } else {
        *objects = s->db_objects;
        *n = s->ndb_objects;
    }
    return 0;
}
