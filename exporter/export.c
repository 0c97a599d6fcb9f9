/* The export driver: opens the source in one snapshot, writes the header,
 * each table's schema and rows, and the native objects. It knows no backend:
 * it talks to a db_source_ops table. db_export is its steps: read the
 * catalog, stamp the header, open the output, write the document, report. */
#include "export.h"

#include "rename.h"
#include "row_filter.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "doc_writer.h"
#include "progress.h"
#include "stream.h"

static int output_sink(void *ctx, const void *buf, size_t len)
{
    return fmt_output_write(ctx, buf, len);
}

/* With -a only the columns travel: what a reader needs to decode rows. */
static void strip_to_columns(fmt_table *t)
{
    if (t->primary_key) {
        fmt_key_clear(t->primary_key);
        free(t->primary_key);
        t->primary_key = NULL;
    }
    for (size_t i = 0; i < t->nuniques; i++)
        fmt_key_clear(&t->uniques[i]);
    for (size_t i = 0; i < t->nforeign_keys; i++)
        fmt_foreign_key_clear(&t->foreign_keys[i]);
    for (size_t i = 0; i < t->nindexes; i++)
        fmt_index_clear(&t->indexes[i]);
    for (size_t i = 0; i < t->nchecks; i++) {
        free(t->checks[i].name);
        free(t->checks[i].expression);
    }
    t->nuniques = t->nforeign_keys = t->nindexes = t->nchecks = 0;
}

/* --vector-column TABLE.COLUMN:N: a BLOB column the source cannot know to
 * be a vector (its declared type says BLOB) travels as vector(N). The
 * table part may itself hold dots ("schema.table"): the column is after the
 * last one. */
static int apply_vector_columns(const db_export_options *opts, fmt_table **tables, size_t ntables,
                                unsigned char ***forced_out)
{
    unsigned char **forced = calloc(ntables ? ntables : 1, sizeof *forced);
    if (!forced) {
        cli_message("error", "out of memory");
        return -1;
    }
    *forced_out = forced;
    for (size_t i = 0; i < ntables; i++)
        if (!(forced[i] = calloc(tables[i]->ncolumns ? tables[i]->ncolumns : 1, 1))) {
            cli_message("error", "out of memory");
            return -1;
        }
    for (const char *const *v = opts->vector_columns; v && *v; v++) {
        const char *colon = strrchr(*v, ':');
        char *end = NULL;
        long n = colon ? strtol(colon + 1, &end, 10) : 0;
        const char *dot = NULL;
        for (const char *p = *v; colon && p < colon; p++)
            if (*p == '.')
                dot = p;
        if (!colon || !dot || dot == *v || dot + 1 == colon || !end || *end || n < 1 ||
            n > FMT_TYPE_MAX_DIMENSION) {
            cli_message("error",
                        "--vector-column \"%s\": expected TABLE.COLUMN:N with N from 1 "
                        "to %d",
                        *v, FMT_TYPE_MAX_DIMENSION);
            return -1;
        }
        int found = 0;
        for (size_t i = 0; i < ntables && !found; i++) {
            char *key = fmt_table_key(tables[i]);
            int match = key && strlen(key) == (size_t)(dot - *v) &&
                        memcmp(key, *v, (size_t)(dot - *v)) == 0;
            free(key);
            if (!match)
                continue;
            for (size_t c = 0; c < tables[i]->ncolumns; c++) {
                fmt_column *col = &tables[i]->columns[c];
                if (strlen(col->name) != (size_t)(colon - dot - 1) ||
                    memcmp(col->name, dot + 1, (size_t)(colon - dot - 1)) != 0)
                    continue;
                if (col->type.kind != FMT_TYPE_BYTES && col->type.kind != FMT_TYPE_ANY &&
                    col->type.kind != FMT_TYPE_VECTOR) {
                    cli_message("error", "--vector-column \"%s\": the column is %s, not a BLOB", *v,
                                col->type_text);
                    return -1;
                }
                char text[FMT_TYPE_BUFSZ];
                col->type.kind = FMT_TYPE_VECTOR;
                col->type.param1 = (int32_t)n;
                col->type.param2 = -1;
                fmt_type_format(text, &col->type);
                free(col->type_text);
                if (!(col->type_text = fmt_strdup(text))) {
                    cli_message("error", "out of memory");
                    return -1;
                }
                forced[i][c] = 1;
                found = 1;
                break;
            }
        }
        if (!found) {
            cli_message("error", "--vector-column \"%s\": no such table and column", *v);
            return -1;
        }
    }
    return 0;
}

/* One run, from the open source to the closed output. */
typedef struct {
    const db_export_options *opts;
    const db_source_ops *ops;
    void *src;
    fmt_output *out;
    fmt_doc_writer *doc;
    fmt_header header;
    fmt_table **tables;
    size_t ntables;
    fmt_native_object *objects;
    size_t nobjects;
    uint64_t total_rows;
    cli_progress progress;
    const char *where; /* the output's name for messages */
    /* per table, per column: 1 where --vector-column made it vector(N) */
    unsigned char **forced;
    size_t table_index;    /* of the table being written */
    db_row_filter *filter; /* --rows, or NULL */
    const char *key;       /* the table being written, for messages */
    db_renames *renames;   /* --rename-schema / --rename-table, or NULL */
    fmt_header renamed_header;
    int bad_rename;
    uint64_t row; /* the source's row being written */
    struct timespec started;
} export_run;

/* A failed write: the output's own message (disk full, broken pipe) says
 * more than the writer's "sink failed". */
static int fail_write(export_run *run)
{
    cli_progress_end(&run->progress);
    cli_message("error", "%s: %s", run->where,
                run->out && fmt_output_errmsg(run->out)[0] ? fmt_output_errmsg(run->out)
                                                           : fmt_doc_writer_errmsg(run->doc));
    return -1;
}

/* Opens the source in its snapshot and reads the whole catalog: header,
 * tables (with --vector-column applied) and, unless -a, native objects. */
static int read_catalog(export_run *run)
{
    const db_export_options *opts = run->opts;
    const char *path = NULL;
    if (cli_locator_classify(opts->source, &path) == CLI_LOCATOR_POSTGRESQL) {
        run->ops = db_source_pg();
        path = opts->source; /* libpq takes the whole locator */
    } else {
        run->ops = db_source_sqlite();
    }
    if (run->ops->open(&run->src, path, &opts->source_options) < 0) {
        cli_message("error", "%s", run->src ? run->ops->errmsg(run->src) : "out of memory");
        return -1;
    }
    if (run->ops->header(run->src, &run->header) < 0 ||
        run->ops->tables(run->src, &run->tables, &run->ntables) < 0 ||
        (!opts->data_only &&
         run->ops->native_objects(run->src, &run->objects, &run->nobjects) < 0)) {
        cli_message("error", "%s", run->ops->errmsg(run->src));
        return -1;
    }
    return apply_vector_columns(opts, run->tables, run->ntables, &run->forced);
}

/* "created" (unless --no-timestamp) and "generator". */
static void stamp_header(export_run *run)
{
    if (!run->opts->no_timestamp) {
        char buf[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        run->header.created = fmt_strdup(buf);
    }
    char gen[64];
    snprintf(gen, sizeof gen, "dbexport %s", run->opts->version ? run->opts->version : "");
    run->header.generator = fmt_strdup(gen);
}

static int open_output(export_run *run)
{
    const db_export_options *opts = run->opts;
    if (fmt_output_open(&run->out, opts->output ? opts->output : "-", opts->gzip_level) < 0) {
        cli_message("error", "%s: %s", run->where,
                    run->out ? fmt_output_errmsg(run->out) : "out of memory");
        return -1;
    }
    const char *notice = fmt_output_notice(run->out);
    if (notice && *notice)
        cli_message("warning", "%s", notice); /* a killed export's leftover, removed */
    if (fmt_doc_writer_new(&run->doc, output_sink, run->out) < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    return 0;
}

/* Streams the rows of table t from the source into the document. */
/* A value of a --vector-column column that is not a vector(N): the user
 * said it is one, and a wrong N is better found here than at the import. */
static int check_forced(const fmt_table *t, const unsigned char *forced, const fmt_value *values,
                        const char *key, uint64_t row)
{
    for (size_t c = 0; forced && c < t->ncolumns; c++) {
        const fmt_value *v = &values[c];
        size_t want = 4 * (size_t)t->columns[c].type.param1;
        if (!forced[c] || v->kind == FMT_VALUE_NULL ||
            (v->kind == FMT_VALUE_BLOB && v->len == want))
            continue;
        if (v->kind == FMT_VALUE_BLOB)
            cli_message("error",
                        "table \"%s\", row %llu, column \"%s\": a BLOB of %zu bytes, but "
                        "--vector-column says %s (%zu bytes: %d little-endian float32)",
                        key, (unsigned long long)row, t->columns[c].name, v->len,
                        t->columns[c].type_text, want, (int)t->columns[c].type.param1);
        else
            cli_message("error",
                        "table \"%s\", row %llu, column \"%s\": a %s value, but --vector-column "
                        "says %s (a BLOB of %zu bytes)",
                        key, (unsigned long long)row, t->columns[c].name,
                        fmt_value_kind_name(v->kind), t->columns[c].type_text, want);
        return -1;
    }
    return 0;
}

/* One row into the document: the source's, or one --rows made of it. */
static int write_row(void *ctx, const fmt_value *values, const unsigned char *present)
{
    export_run *run = ctx;
    if (fmt_doc_write_row_present(run->doc, values, present) == 0)
        return 0;
    /* A failed write says more than the writer's "sink failed". */
    if (fmt_output_errmsg(run->out)[0])
        cli_message("error", "%s: %s (writing table \"%s\", row %llu)", run->where,
                    fmt_output_errmsg(run->out), run->key, (unsigned long long)run->row);
    else
        cli_message("error", "table \"%s\", row %llu: %s", run->key, (unsigned long long)run->row,
                    fmt_doc_writer_errmsg(run->doc));
    return -1;
}

/* The source's row, through --rows where a program applies. */
static int filter_row(export_run *run, const fmt_value *values)
{
    if (!run->filter)
        return write_row(run, values, NULL);
    int rc = db_row_filter_row(run->filter, values, NULL, write_row, run);
    if (rc == -1) {
        const char *col = db_row_filter_error_column(run->filter);
        cli_message("error", "table \"%s\", row %llu%s%s%s: %s", run->key,
                    (unsigned long long)run->row, col ? ", column \"" : "", col ? col : "",
                    col ? "\"" : "", db_row_filter_errmsg(run->filter));
    }
    return rc < 0 ? -1 : 0;
}

static int write_rows(export_run *run, fmt_table *t, const char *key, uint64_t *nrows)
{
    const db_source_ops *ops = run->ops;
    fmt_value *values = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *values);
    if (!values || ops->rows_begin(run->src, t) < 0) {
        cli_message("error", "table \"%s\": %s", key,
                    values ? ops->errmsg(run->src) : "out of memory");
        free(values);
        return -1;
    }
    run->key = key;
    int more;
    while ((more = ops->rows_next(run->src, values)) == 1) {
        run->row = ++*nrows;
        cli_progress_update(&run->progress, key, *nrows, fmt_output_offset(run->out));
        if (check_forced(t, run->forced ? run->forced[run->table_index] : NULL, values, key,
                         *nrows) < 0 ||
            filter_row(run, values) < 0) {
            ops->rows_end(run->src);
            free(values);
            return -1;
        }
    }
    ops->rows_end(run->src);
    free(values);
    if (more < 0) {
        cli_message("error", "table \"%s\", after row %llu: %s", key, (unsigned long long)*nrows,
                    ops->errmsg(run->src));
        return -1;
    }
    return 0;
}

static int fail_rename(export_run *run)
{
    cli_progress_end(&run->progress);
    cli_message("error", "%s", db_renames_errmsg(run->renames));
    run->bad_rename = 1;
    return -1;
}

/* A table's metadata, its rows unless -s, its end. */
static int write_table(export_run *run, fmt_table *t)
{
    const db_export_options *opts = run->opts;
    uint64_t nrows = 0;
    if (opts->data_only)
        strip_to_columns(t);
    fmt_table renamed; /* what the file says: the source reads t */
    const fmt_table *written = t;
    int changed;
    if (run->renames) {
        if (db_renames_table(run->renames, t, &renamed, &changed) < 0)
            return fail_rename(run);
        written = &renamed;
    }
    if (fmt_doc_write_table_begin(run->doc, written, !opts->schema_only) < 0)
        return fail_write(run);
    /* the name messages give: schema.table where there are schemas */
    char *key = fmt_table_key(written);
    if (!key) {
        cli_message("error", "out of memory");
        return -1;
    }
    int rc = 0;
    if (run->filter && db_row_filter_table(run->filter, t) < 0) {
        cli_message("error", "table \"%s\": %s", key, db_row_filter_errmsg(run->filter));
        rc = -1;
    }
    if (rc == 0 && !opts->schema_only)
        rc = write_rows(run, t, key, &nrows);
    if (rc == 0 && fmt_doc_write_table_end(run->doc) < 0)
        rc = fail_write(run);
    cli_progress_end(&run->progress);
    run->total_rows += nrows;
    if (rc == 0 && opts->verbose)
        cli_message(NULL, "table \"%s\": %llu %s", key, (unsigned long long)nrows,
                    cli_plural(nrows, "row", "rows"));
    free(key);
    return rc;
}

/* The rows to come, for the progress line's ETA, as the source estimates
 * them: only when the line is shown (a query per table) and rows go. */
static int estimate_rows(export_run *run)
{
    uint64_t total = 0;
    if (!run->progress.enabled || run->opts->schema_only || !run->ops->estimate_rows)
        return 0;
    for (size_t i = 0; i < run->ntables; i++) {
        uint64_t n = 0;
        if (run->ops->estimate_rows(run->src, run->tables[i], &n) < 0) {
            cli_message("error", "table \"%s\": %s", run->tables[i]->name,
                        run->ops->errmsg(run->src));
            return -1;
        }
        total += n;
    }
    cli_progress_set_total_rows(&run->progress, total);
    return 0;
}

/* The header, every table, the native objects; then the output is closed. */
static int write_document(export_run *run)
{
    const fmt_header *header = &run->header;
    if (run->renames) {
        if (db_renames_header(run->renames, header, 1, &run->renamed_header) < 0)
            return fail_rename(run);
        header = &run->renamed_header;
    }
    if (fmt_doc_write_header(run->doc, header) < 0)
        return fail_write(run);
    cli_progress_init(&run->progress, "dbexport", 1, run->opts->verbose, 0);
    if (estimate_rows(run) < 0)
        return -1;
    for (size_t i = 0; i < run->ntables; i++) {
        run->table_index = i;
        cli_progress_set_rows_before(&run->progress, run->total_rows);
        if (write_table(run, run->tables[i]) < 0)
            return -1;
    }
    const char *unused = run->filter ? db_row_filter_unmatched(run->filter) : NULL;
    if (unused) {
        cli_message("error", "--rows pattern \"%s\" matches no table in the database", unused);
        return -1;
    }
    const fmt_native_object *objects = run->objects;
    if (run->renames &&
        (db_renames_check(run->renames, "the database") < 0 ||
         db_renames_objects(run->renames, run->objects, run->nobjects, &objects) < 0))
        return fail_rename(run);
    if (fmt_doc_write_end(run->doc, objects, run->nobjects) < 0)
        return fail_write(run);
    if (fmt_output_close(run->out) < 0) {
        cli_message("error", "%s: %s", run->where, fmt_output_errmsg(run->out));
        return -1;
    }
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(export_run *run)
{
    char **lines = NULL;
    size_t nlines = 0;
    if (run->ops->warnings(run->src, &lines, &nlines) == 0)
        cli_warnings(lines, nlines, run->opts->verbose);
    if (run->opts->verbose)
        cli_message(NULL, "exported %zu %s, %llu %s to %s in %.1f s", run->ntables,
                    cli_plural(run->ntables, "table", "tables"),
                    (unsigned long long)run->total_rows, cli_plural(run->total_rows, "row", "rows"),
                    run->where, seconds_since(&run->started));
}

static void close_run(export_run *run)
{
    cli_progress_end(&run->progress);
    fmt_doc_writer_free(run->doc);
    fmt_output_free(run->out);
    for (size_t i = 0; i < run->ntables; i++)
        fmt_table_free(run->tables[i]);
    for (size_t i = 0; run->forced && i < run->ntables; i++)
        free(run->forced[i]);
    free(run->forced);
    db_row_filter_free(run->filter);
    free(run->tables);
    for (size_t i = 0; i < run->nobjects; i++)
        fmt_native_object_clear(&run->objects[i]);
    free(run->objects);
    fmt_header_clear(&run->header);
    db_renames_free(run->renames);
    if (run->src)
        run->ops->close(run->src);
}

int db_export(const db_export_options *opts)
{
    export_run run = {0};
    int rc = -1;
    run.opts = opts;
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    run.where = opts->output && strcmp(opts->output, "-") ? opts->output : "stdout";

    signal(SIGPIPE, SIG_IGN); /* a closed pipe is an error to report, not a silent death */
    signal(SIGXFSZ, SIG_IGN); /* so is a file-size limit: write() then fails with EFBIG */

    if (db_export_source_is_file(opts->source)) {
        if (opts->data_only || opts->vector_columns) {
            cli_message("error", "%s is an export file: -a and --vector-column apply to databases",
                        opts->source);
            return -1;
        }
        return db_export_check_output(opts) < 0 ? -1 : db_export_from_file(opts);
    }
    char err[1024];
    if (opts->row_filters && opts->row_filters[0] &&
        db_row_filter_new(&run.filter, opts->row_filters, err, sizeof err) < 0) {
        cli_message("error", "%s", err);
        goto done;
    }
    if (db_renames_new(&run.renames, opts->rename_schemas, opts->rename_tables, err, sizeof err) <
        0) {
        cli_message("error", "%s", err);
        goto done;
    }
    if (db_export_check_output(opts) < 0 || read_catalog(&run) < 0)
        goto done;
    stamp_header(&run);
    if (open_output(&run) < 0 || write_document(&run) < 0)
        goto done;
    report(&run);
    rc = 0;
done:
    close_run(&run);
    return rc < 0 && run.bad_rename ? DB_EXPORT_BAD_RENAME : rc;
}
