/* The import driver: reads the document as a stream of tables and rows and
 * hands them to a db_target_ops table inside one transaction. Any error
 * rolls everything back; an interrupt (SIGINT, SIGTERM) is such an error. */
#include "import.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc_reader.h"
#include "progress.h"
#include "select.h"
#include "stream.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static int input_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    return fmt_input_read(ctx, buf, cap, got);
}

static const char *input_errmsg(void *ctx)
{
    return fmt_input_errmsg(ctx);
}

typedef struct {
    char *name;
    db_table_stats stats;
} table_summary;

/* Where the last DB_TARGET_MAX_LATE_ROWS rows stood in the file, so an
 * error a server reports for an earlier row still names its position. */
typedef struct {
    uint64_t row, line, column, offset;
} row_position;

static row_position recent[DB_TARGET_MAX_LATE_ROWS];

/* The message for a target error: at the row the target names when it
 * names an earlier one still remembered, else at the current event. */
static const char *row_error(fmt_doc_reader *doc, const db_target_ops *ops, void *tgt)
{
    uint64_t late = ops->error_row ? ops->error_row(tgt) : 0;
    const row_position *p = &recent[late % DB_TARGET_MAX_LATE_ROWS];
    if (late && p->row == late)
        return fmt_doc_reader_error_at_row(doc, late, p->line, p->column, p->offset,
                                           ops->error_column(tgt), ops->errmsg(tgt));
    return fmt_doc_reader_error_at(doc, ops->error_column(tgt), ops->errmsg(tgt));
}

int db_import(const db_import_options *opts)
{
    const db_target_ops *ops;
    const char *path = NULL;
    void *tgt = NULL;
    fmt_input *in = NULL;
    fmt_doc_reader *doc = NULL;
    table_summary *summary = NULL;
    size_t nsummary = 0;
    int rc = -1, in_table = 0, skip_table = 0;
    const fmt_native_object *objects = NULL;
    size_t nobjects = 0;
    const fmt_header *header = NULL;
    const db_target_options *topts = &opts->target_options;
    cli_progress progress = {0};
    uint64_t table_rows = 0;
    db_selection selection = {0};

    if (cli_locator_classify(opts->target, &path) == CLI_LOCATOR_POSTGRESQL) {
        ops = db_target_pg();
        path = opts->target; /* the whole connection string */
    } else {
        ops = db_target_sqlite();
    }

    {
        /* No SA_RESTART: a read blocked on a stalled pipe returns EINTR, and
         * the input sees the flag and stops. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
    }

    if (db_selection_init(&selection, opts->include_tables, opts->exclude_tables, NULL, NULL) < 0) {
        cli_message("error", "out of memory");
        goto done;
    }
    if (fmt_input_open(&in, opts->input ? opts->input : "-") < 0) {
        cli_message("error", "%s: %s", opts->input ? opts->input : "stdin",
                    in ? fmt_input_errmsg(in) : "out of memory");
        goto done;
    }
    fmt_input_set_interrupt(in, &interrupted);
    if (fmt_doc_reader_new(&doc, input_source, input_errmsg, in, fmt_input_name(in), NULL) < 0) {
        cli_message("error", "out of memory");
        goto done;
    }
    cli_progress_init(&progress, "dbimport", 1, fmt_input_size(in));
    if (ops->open(&tgt, path, topts) < 0) {
        cli_message("error", "%s", tgt ? ops->errmsg(tgt) : "out of memory");
        goto done;
    }

    for (;;) {
        fmt_doc_event ev;
        if (interrupted) {
            cli_message("error", "interrupted by signal %d; nothing was imported",
                        (int)interrupted);
            goto done;
        }
        if (fmt_doc_reader_next(doc, &ev) < 0) {
            if (interrupted)
                cli_message("error", "interrupted by signal %d; nothing was imported",
                            (int)interrupted);
            else
                cli_message("error", "%s", fmt_doc_reader_errmsg(doc));
            goto done;
        }
        switch (ev.type) {
        case FMT_DOC_HEADER:
            header = ev.header;
            if (ops->begin(tgt, ev.header) < 0) {
                cli_message("error", "%s", ops->errmsg(tgt));
                goto done;
            }
            break;
        case FMT_DOC_TABLE:
            skip_table = !db_selection_table(&selection, ev.table->namespace, ev.table->name);
            if (skip_table)
                break;
            if (ops->table_begin(tgt, ev.table) < 0) {
                cli_message("error", "%s", ops->errmsg(tgt));
                goto done;
            }
            in_table = 1;
            {
                table_summary *grown = realloc(summary, (nsummary + 1) * sizeof *grown);
                if (!grown) {
                    cli_message("error", "out of memory");
                    goto done;
                }
                summary = grown;
                memset(&summary[nsummary], 0, sizeof *summary);
                summary[nsummary++].name = fmt_strdup(ev.table->name);
            }
            break;
        case FMT_DOC_ROW:
            cli_progress_update(&progress, ev.table->name, ++table_rows, fmt_input_raw_offset(in));
            if (skip_table || topts->schema_only)
                break;
            {
                row_position *p = &recent[ev.row_number % DB_TARGET_MAX_LATE_ROWS];
                p->row = ev.row_number;
                p->line = ev.line;
                p->column = ev.column;
                p->offset = ev.offset;
            }
            if (ops->row(tgt, ev.values, ev.present) < 0) {
                cli_message("error", "%s", row_error(doc, ops, tgt));
                goto done;
            }
            break;
        case FMT_DOC_TABLE_END:
            table_rows = 0;
            if (!in_table)
                break;
            in_table = 0;
            if (ops->table_end(tgt, &summary[nsummary - 1].stats) < 0) {
                if (ops->error_row && ops->error_row(tgt))
                    cli_message("error", "%s", row_error(doc, ops, tgt));
                else
                    cli_message("error", "%s", ops->errmsg(tgt));
                goto done;
            }
            if (opts->verbose)
                cli_message(NULL, "table \"%s\": %llu rows", summary[nsummary - 1].name,
                            (unsigned long long)summary[nsummary - 1].stats.rows_read);
            break;
        case FMT_DOC_NATIVE:
            objects = ev.objects;
            nobjects = ev.nobjects;
            break;
        case FMT_DOC_END:
            goto end_of_document;
        }
    }
end_of_document:
    if (interrupted) {
        cli_message("error", "interrupted by signal %d; nothing was imported", (int)interrupted);
        goto done;
    }
    if (ops->finish(tgt, topts->data_only ? NULL : objects, topts->data_only ? 0 : nobjects,
                    header) < 0) {
        cli_message("error", "%s", ops->errmsg(tgt));
        goto done;
    }
    if (ops->commit(tgt) < 0) {
        cli_message("error", "%s", ops->errmsg(tgt));
        goto done;
    }
    {
        char **lines = NULL;
        size_t nlines = 0;
        if (ops->warnings(tgt, &lines, &nlines) == 0)
            for (size_t i = 0; i < nlines; i++)
                cli_message("warning", "%s", lines[i]);
    }
    {
        uint64_t rows = 0, written = 0, skipped = 0, invalid = 0;
        for (size_t i = 0; i < nsummary; i++) {
            rows += summary[i].stats.rows_read;
            written += summary[i].stats.rows_written;
            skipped += summary[i].stats.rows_skipped;
            invalid += summary[i].stats.invalid;
            if (topts->dry_run)
                printf("%s\t%llu\n", summary[i].name,
                       (unsigned long long)summary[i].stats.rows_read);
        }
        if (topts->dry_run)
            cli_message(NULL,
                        "dry run: the file is valid for this target: %zu tables, %llu "
                        "rows; nothing was written",
                        nsummary, (unsigned long long)rows);
        else if (opts->verbose || skipped || invalid)
            cli_message(NULL,
                        "imported %zu tables: %llu rows written, %llu skipped, %llu values "
                        "handled by --on-invalid",
                        nsummary, (unsigned long long)written, (unsigned long long)skipped,
                        (unsigned long long)invalid);
    }
    rc = 0;
done:
    cli_progress_end(&progress);
    if (rc < 0 && tgt)
        ops->rollback(tgt); /* also removes a target file this run created */
    if (tgt)
        ops->close(tgt);
    fmt_doc_reader_free(doc);
    fmt_input_free(in);
    for (size_t i = 0; i < nsummary; i++)
        free(summary[i].name);
    free(summary);
    db_selection_free(&selection);
    return rc;
}
