/* dbexport FILE: when SOURCE is itself an export file, the export reads it
 * (plain or gzip, streaming) and writes it again, through -t/-T/-n/-N and
 * --rows: a sanitised copy of a production export in one pass, in one
 * row's memory, with jq's own language for the rows. The header is kept
 * (its "created" is when the data was taken), but for the generator. */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc_reader.h"
#include "doc_writer.h"
#include "progress.h"
#include "rename.h"
#include "sqlbuf.h"
#include "row_filter.h"
#include "select.h"
#include "stream.h"
#include "strlist.h"

typedef struct {
    const db_export_options *opts;
    fmt_input *in;
    fmt_doc_reader *doc;
    fmt_output *out;
    fmt_doc_writer *writer;
    db_row_filter *filter;
    db_selection selection;
    char **written; /* the tables written, for their triggers */
    size_t nwritten;
    const char *where;
    int skip;
    uint64_t rows;
    cli_progress progress; /* by the bytes read of the input, of its size when known */
    db_renames *renames;   /* --rename-*, or NULL */
    fmt_table renamed;     /* the current table under them */
    int bad_rename;
} file_run;

static int fail_rename(file_run *run)
{
    cli_message("error", "%s",
                fmt_doc_reader_error_at(run->doc, NULL, db_renames_errmsg(run->renames)));
    run->bad_rename = 1;
    return -1;
}

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

static int write_failed(file_run *run)
{
    const char *why = fmt_output_errmsg(run->out);
    cli_message("error", "%s: %s", run->where, why[0] ? why : fmt_doc_writer_errmsg(run->writer));
    return -1;
}

static int write_row(void *ctx, const fmt_value *values, const unsigned char *present)
{
    file_run *run = ctx;
    run->rows++;
    return fmt_doc_write_row_present(run->writer, values, present) < 0 ? write_failed(run) : 0;
}

static int on_header(file_run *run, const fmt_header *h)
{
    fmt_header copy = *h; /* shallow: the reader owns the strings */
    char generator[64];
    snprintf(generator, sizeof generator, "dbexport %s",
             run->opts->version ? run->opts->version : "");
    copy.generator = generator;
    if (run->opts->no_timestamp)
        copy.created = NULL;
    fmt_header renamed;
    if (run->renames && db_renames_header(run->renames, &copy, 1, &renamed) < 0)
        return fail_rename(run);
    if (run->renames)
        copy = renamed;
    return fmt_doc_write_header(run->writer, &copy) < 0 ? write_failed(run) : 0;
}

static int on_table(file_run *run, const fmt_table *t)
{
    run->skip = !db_selection_table(&run->selection, t->namespace, t->name);
    run->rows = 0;
    if (run->skip)
        return 0;
    char *key = fmt_table_key(t);
    if (!key || fmt_strings_push(&run->written, &run->nwritten, key) < 0) {
        free(key);
        cli_message("error", "out of memory");
        return -1;
    }
    if (run->filter && db_row_filter_table(run->filter, t) < 0) {
        cli_message("error", "table \"%s\": %s", key, db_row_filter_errmsg(run->filter));
        return -1;
    }
    int changed;
    if (run->renames && db_renames_table(run->renames, t, &run->renamed, &changed) < 0)
        return fail_rename(run);
    if (run->renames)
        t = &run->renamed;
    return fmt_doc_write_table_begin(run->writer, t, !run->opts->schema_only) < 0
               ? write_failed(run)
               : 0;
}

static int on_row(file_run *run, const fmt_doc_event *ev)
{
    if (run->skip || run->opts->schema_only)
        return 0;
    cli_progress_update(&run->progress, run->written[run->nwritten - 1], ev->row_number,
                        fmt_input_raw_offset(run->in));
    if (!run->filter)
        return write_row(run, ev->values, ev->present);
    int rc = db_row_filter_row(run->filter, ev->values, ev->present, write_row, run);
    if (rc == -1)
        cli_message("error", "%s",
                    fmt_doc_reader_error_at(run->doc, db_row_filter_error_column(run->filter),
                                            db_row_filter_errmsg(run->filter)));
    return rc < 0 ? -1 : 0;
}

static int on_table_end(file_run *run)
{
    cli_progress_end(&run->progress);
    if (run->skip)
        return 0;
    if (fmt_doc_write_table_end(run->writer) < 0)
        return write_failed(run);
    if (run->opts->verbose)
        cli_message(NULL, "table \"%s\": %llu %s", run->written[run->nwritten - 1],
                    (unsigned long long)run->rows, cli_plural(run->rows, "row", "rows"));
    return 0;
}

/* Whether key is a table written or a view or materialized view kept. */
static int goes(const file_run *run, const fmt_native_object *kept, size_t nkept, const char *key)
{
    for (size_t w = 0; key && w < run->nwritten; w++)
        if (strcmp(key, run->written[w]) == 0)
            return 1;
    for (size_t k = 0; key && k < nkept; k++) {
        const fmt_native_object *o = &kept[k];
        if (o->kind == FMT_NATIVE_TRIGGER)
            continue;
        size_t ns =
            o->kind == FMT_NATIVE_MATERIALIZED_VIEW && o->namespace ? strlen(o->namespace) : 0;
        if (ns ? strncmp(key, o->namespace, ns) == 0 && key[ns] == '.' &&
                     strcmp(key + ns + 1, o->name) == 0
               : strcmp(key, o->name) == 0)
            return 1;
    }
    return 0;
}

/* A view or materialized view whose "reads" names something that does
 * not go (-t/-T/-n/-N, or a table jq took out of the file): its first
 * such key, else NULL. A view without "reads" goes as it is. */
static const char *reads_left_out(const file_run *run, const fmt_native_object *o,
                                  const fmt_native_object *kept, size_t nkept)
{
    for (size_t r = 0; o->has_reads && r < o->nreads; r++)
        if (!goes(run, kept, nkept, o->reads[r]))
            return o->reads[r];
    return NULL;
}

/* The views that read only what goes (in the file's order, each after
 * what it reads), and the triggers of the tables and views that go. */
static int on_end(file_run *run, const fmt_native_object *objects, size_t n)
{
    fmt_native_object *kept = calloc(n ? n : 1, sizeof *kept);
    size_t nkept = 0, dropped = 0;
    db_buf why = {0};
    if (!kept) {
        cli_message("error", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const fmt_native_object *o = &objects[i];
        if (o->kind == FMT_NATIVE_TRIGGER)
            continue;
        const char *missing = reads_left_out(run, o, kept, nkept);
        if (!missing) {
            kept[nkept++] = *o;
        } else if (dropped++ < 5) {
            db_buf_printf(&why, "%s%s (reads %s)", dropped > 1 ? ", " : "", o->name, missing);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (objects[i].kind == FMT_NATIVE_TRIGGER && goes(run, kept, nkept, objects[i].table))
            kept[nkept++] = objects[i];
    if (dropped)
        cli_message("warning", "%zu %s not exported: %s a relation the export leaves out: %s%s",
                    dropped, dropped == 1 ? "view" : "views",
                    dropped == 1 ? "it reads" : "they read", why.oom ? "" : why.buf,
                    dropped > 5 ? ", ..." : "");
    db_buf_free(&why);
    const fmt_native_object *renamed = kept;
    if (run->renames && (db_renames_check(run->renames, "the file") < 0 ||
                         db_renames_objects(run->renames, kept, nkept, &renamed) < 0)) {
        free(kept);
        return fail_rename(run);
    }
    int rc = fmt_doc_write_end(run->writer, renamed, nkept);
    free(kept);
    return rc < 0 ? write_failed(run) : 0;
}

static int copy_document(file_run *run)
{
    const fmt_native_object *objects = NULL;
    size_t nobjects = 0;
    for (;;) {
        fmt_doc_event ev;
        if (fmt_doc_reader_next(run->doc, &ev) < 0) {
            cli_message("error", "%s", fmt_doc_reader_errmsg(run->doc));
            return -1;
        }
        int rc = 0;
        switch (ev.type) {
        case FMT_DOC_HEADER:
            rc = on_header(run, ev.header);
            break;
        case FMT_DOC_TABLE:
            rc = on_table(run, ev.table);
            break;
        case FMT_DOC_ROW:
            rc = on_row(run, &ev);
            break;
        case FMT_DOC_TABLE_END:
            rc = on_table_end(run);
            break;
        case FMT_DOC_NATIVE:
            objects = ev.objects;
            nobjects = ev.nobjects;
            break;
        case FMT_DOC_END:
            return on_end(run, objects, nobjects);
        }
        if (rc < 0)
            return -1;
    }
}

/* What -t/-T/-n/-N and --rows matched: each pattern must match a table. */
static int check_patterns(file_run *run)
{
    char why[512];
    if (db_selection_check(&run->selection, "the file", why, sizeof why) < 0) {
        cli_message("error", "%s", why);
        return -1;
    }
    const char *unused = run->filter ? db_row_filter_unmatched(run->filter) : NULL;
    if (unused) {
        cli_message("error", "--rows pattern \"%s\" matches no table in the file", unused);
        return -1;
    }
    return 0;
}

static int open_file_run(file_run *run)
{
    const db_export_options *opts = run->opts;
    const db_source_options *so = &opts->source_options;
    char err[1024];
    if (db_selection_init(&run->selection, so->include_tables, so->exclude_tables,
                          so->include_schemas, so->exclude_schemas) < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    if ((opts->row_filters && opts->row_filters[0] &&
         db_row_filter_new(&run->filter, opts->row_filters, err, sizeof err) < 0) ||
        db_renames_new(&run->renames, opts->rename_schemas, opts->rename_tables, err, sizeof err) <
            0) {
        cli_message("error", "%s", err);
        return -1;
    }
    if (fmt_input_open(&run->in, opts->source) < 0 ||
        fmt_doc_reader_new(&run->doc, input_source, input_errmsg, run->in, fmt_input_name(run->in),
                           NULL) < 0) {
        cli_message("error", "%s: %s", opts->source,
                    run->in ? fmt_input_errmsg(run->in) : "out of memory");
        return -1;
    }
    if (fmt_output_open(&run->out, opts->output ? opts->output : "-", opts->gzip_level) < 0 ||
        fmt_doc_writer_new(&run->writer, sink, run->out) < 0) {
        cli_message("error", "%s: %s", run->where,
                    run->out ? fmt_output_errmsg(run->out) : "out of memory");
        return -1;
    }
    const char *notice = fmt_output_notice(run->out);
    if (notice && *notice)
        cli_message("warning", "%s", notice);
    cli_progress_init(&run->progress, "dbexport", 1, opts->verbose, fmt_input_size(run->in));
    return 0;
}

int db_export_from_file(const db_export_options *opts)
{
    file_run run = {0};
    run.opts = opts;
    run.where = opts->output && strcmp(opts->output, "-") ? opts->output : "stdout";
    int rc = -1;
    if (open_file_run(&run) == 0 && copy_document(&run) == 0 && check_patterns(&run) == 0) {
        if (fmt_output_close(run.out) < 0)
            cli_message("error", "%s: %s", run.where, fmt_output_errmsg(run.out));
        else
            rc = 0;
    }
    cli_progress_end(&run.progress);
    fmt_doc_writer_free(run.writer);
    fmt_output_free(run.out); /* unclosed: removes what it wrote */
    fmt_doc_reader_free(run.doc);
    fmt_input_free(run.in);
    db_row_filter_free(run.filter);
    db_selection_free(&run.selection);
    fmt_strings_free(run.written, run.nwritten);
    db_renames_free(run.renames);
    return rc < 0 && run.bad_rename ? DB_EXPORT_BAD_RENAME : rc;
}
