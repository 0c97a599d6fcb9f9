/* The export driver: opens the source in one snapshot, writes the header,
 * each table's schema and rows, and the native objects. It knows no backend:
 * it talks to a db_source_ops table. */
#include "export.h"

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
static int apply_vector_columns(const db_export_options *opts, fmt_table **tables, size_t ntables)
{
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

int db_export(const db_export_options *opts)
{
    const db_source_ops *ops = NULL;
    const char *path = NULL;
    void *src = NULL;
    fmt_output *out = NULL;
    fmt_doc_writer *doc = NULL;
    fmt_header header = {0};
    fmt_table **tables = NULL;
    size_t ntables = 0;
    fmt_native_object *objects = NULL;
    size_t nobjects = 0;
    uint64_t total_rows = 0;
    cli_progress progress = {0};
    const char *where = opts->output && strcmp(opts->output, "-") ? opts->output : "stdout";
    int rc = -1;

    signal(SIGPIPE, SIG_IGN); /* a closed pipe is an error to report, not a silent death */

    if (cli_locator_classify(opts->source, &path) == CLI_LOCATOR_POSTGRESQL) {
        ops = db_source_pg();
        path = opts->source; /* libpq takes the whole locator */
    } else {
        ops = db_source_sqlite();
    }
    if (ops->open(&src, path, &opts->source_options) < 0) {
        cli_message("error", "%s", src ? ops->errmsg(src) : "out of memory");
        goto done;
    }
    if (ops->header(src, &header) < 0 || ops->tables(src, &tables, &ntables) < 0 ||
        (!opts->data_only && ops->native_objects(src, &objects, &nobjects) < 0)) {
        cli_message("error", "%s", ops->errmsg(src));
        goto done;
    }
    if (apply_vector_columns(opts, tables, ntables) < 0)
        goto done;
    if (!opts->no_timestamp) {
        char buf[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        header.created = fmt_strdup(buf);
    }
    {
        char gen[64];
        snprintf(gen, sizeof gen, "dbexport %s", opts->version ? opts->version : "");
        header.generator = fmt_strdup(gen);
    }

    if (fmt_output_open(&out, opts->output ? opts->output : "-", opts->gzip_level) < 0) {
        cli_message("error", "%s: %s", where, out ? fmt_output_errmsg(out) : "out of memory");
        goto done;
    }
    if (fmt_doc_writer_new(&doc, output_sink, out) < 0) {
        cli_message("error", "out of memory");
        goto done;
    }
    if (fmt_doc_write_header(doc, &header) < 0)
        goto write_failed;
    cli_progress_init(&progress, "dbexport", 1, 0);

    for (size_t i = 0; i < ntables; i++) {
        fmt_table *t = tables[i];
        uint64_t nrows = 0;
        if (opts->data_only)
            strip_to_columns(t);
        if (fmt_doc_write_table_begin(doc, t, !opts->schema_only) < 0)
            goto write_failed;
        if (!opts->schema_only) {
            fmt_value *values = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *values);
            if (!values || ops->rows_begin(src, t) < 0) {
                cli_message("error", "table \"%s\": %s", t->name,
                            values ? ops->errmsg(src) : "out of memory");
                free(values);
                goto done;
            }
            int more;
            while ((more = ops->rows_next(src, values)) == 1) {
                nrows++;
                cli_progress_update(&progress, t->name, nrows, fmt_output_offset(out));
                if (fmt_doc_write_row(doc, values) < 0) {
                    /* A failed write says more than the writer's "sink failed". */
                    if (fmt_output_errmsg(out)[0])
                        cli_message("error", "%s: %s (writing table \"%s\", row %llu)", where,
                                    fmt_output_errmsg(out), t->name, (unsigned long long)nrows);
                    else
                        cli_message("error", "table \"%s\", row %llu: %s", t->name,
                                    (unsigned long long)nrows, fmt_doc_writer_errmsg(doc));
                    ops->rows_end(src);
                    free(values);
                    goto done;
                }
            }
            ops->rows_end(src);
            free(values);
            if (more < 0) {
                cli_message("error", "table \"%s\", after row %llu: %s", t->name,
                            (unsigned long long)nrows, ops->errmsg(src));
                goto done;
            }
        }
        if (fmt_doc_write_table_end(doc) < 0)
            goto write_failed;
        cli_progress_end(&progress);
        total_rows += nrows;
        if (opts->verbose)
            cli_message(NULL, "table \"%s\": %llu rows", t->name, (unsigned long long)nrows);
    }
    if (fmt_doc_write_end(doc, objects, nobjects) < 0)
        goto write_failed;
    if (fmt_output_close(out) < 0) {
        cli_message("error", "%s: %s", where, fmt_output_errmsg(out));
        goto done;
    }
    {
        char **lines = NULL;
        size_t nlines = 0;
        if (ops->warnings(src, &lines, &nlines) == 0)
            for (size_t i = 0; i < nlines; i++)
                cli_message("warning", "%s", lines[i]);
    }
    if (opts->verbose)
        cli_message(NULL, "exported %zu tables, %llu rows to %s", ntables,
                    (unsigned long long)total_rows, where);
    rc = 0;
    goto done;

write_failed:
    cli_progress_end(&progress);
    /* The output's own message (disk full, broken pipe) says more than the
     * writer's "sink failed". */
    cli_message("error", "%s: %s", where,
                out && fmt_output_errmsg(out)[0] ? fmt_output_errmsg(out)
                                                 : fmt_doc_writer_errmsg(doc));
done:
    cli_progress_end(&progress);
    fmt_doc_writer_free(doc);
    fmt_output_free(out);
    for (size_t i = 0; i < ntables; i++)
        fmt_table_free(tables[i]);
    free(tables);
    for (size_t i = 0; i < nobjects; i++)
        fmt_native_object_clear(&objects[i]);
    free(objects);
    fmt_header_clear(&header);
    if (src)
        ops->close(src);
    return rc;
}
