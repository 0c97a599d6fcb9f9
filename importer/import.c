/* The import driver: reads the document as a stream of tables and rows and
 * hands them to a db_target_ops table inside one transaction. Any error
 * rolls everything back; an interrupt (SIGINT, SIGTERM) is such an error.
 * db_import is its steps: choose the target, open everything, read the
 * document event by event, finish and commit, report. */
#include "import.h"

#include "row_filter.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commit_rejects.h"
#include "fk_reject.h"
#include "cast.h"
#include "reject.h"
#include "resume.h"
#include "rename.h"
#include "cli.h"
#include "doc_reader.h"
#include "progress.h"
#include "row_positions.h"
#include "sql_file.h"
#include "select.h"
#include "sql_log.h"
#include "untrusted.h"
#include "stream.h"

static volatile sig_atomic_t interrupted;
/* The target a signal interrupts: set once it is open, cleared before it
 * closes (the handler only reads them). */
static const db_target_ops *volatile signal_ops;
static void *volatile signal_target;

static void on_signal(int sig)
{
    interrupted = sig;
    const db_target_ops *ops = signal_ops;
    void *tgt = signal_target;
    if (ops && tgt && ops->interrupt)
        ops->interrupt(tgt);
}

static int input_source(void *ctx, void *buf, size_t cap, size_t *got)
{
    return fmt_input_read(ctx, buf, cap, got);
}

static const char *input_errmsg(void *ctx)
{
    return fmt_input_errmsg(ctx);
}

/* A vector column of a table and how many rows gave it no vector. */
typedef struct {
    size_t column;
    char *name;
    uint64_t nulls;
} vector_count;

typedef struct {
    char *name;      /* the target's: under --rename-*, the new key */
    char *file_name; /* the file's, which the reject file keeps */
    db_table_stats stats;
    uint64_t rows;         /* handed to the target */
    vector_count *vectors; /* its vector columns */
    size_t nvectors;
} table_summary;

/* One run, from the open input to the committed target. */
typedef struct {
    const db_import_options *opts;
    const db_target_ops *ops;
    const char *locator; /* what ops->open takes */
    void *tgt;
    fmt_input *in;
    fmt_doc_reader *doc;
    db_selection selection;
    db_row_positions *recent; /* the last DB_TARGET_MAX_LATE_ROWS rows given */
    cli_progress progress;
    table_summary *summary; /* one per imported table */
    size_t nsummary;
    int in_table, skip_table;
    uint64_t table_rows;        /* the file's, in the current table */
    uint64_t target_rows;       /* handed to the target, in the current table */
    db_row_filter *filter;      /* --rows, or NULL */
    db_casts *casts;            /* --cast, or NULL */
    db_rejects *rejects;        /* --max-errors, or NULL */
    db_cascade *cascade;        /* --rows-cascade or --max-errors, or NULL */
    db_renames *renames;        /* --rename-schema / --rename-table, or NULL */
    int bad_rename;             /* the run failed on one of those */
    int too_many;               /* more rows refused than --max-errors allows */
    uint64_t shown;             /* refused rows printed one by one */
    const fmt_doc_event *event; /* the row being handed on */
    struct timespec started;
    const fmt_header *header;
    const fmt_native_object *objects;
    size_t nobjects;
    /* --untrusted: the copies without SQL text the target is handed */
    fmt_header trusted_header;
    fmt_table trusted_table;
    db_untrusted_report untrusted;
    /* --commit and --resume (resume.h) */
    uint64_t commit_every; /* 0: one transaction (also in a --dry-run) */
    char *file_id;
    db_progress record;               /* the target's record, when it has one */
    int has_progress;                 /* ... and it is removed at the end */
    const db_progress_table *resumed; /* the current table's entry in it */
    uint64_t skip_rows;               /* the current table's rows done before */
    db_progress_notes pending;        /* entries for the next commit point */
    int committed;                    /* the target holds commits of this import */
    /* --rename-*: the header the target gets, and the current table */
    fmt_header renamed_header;
    fmt_table renamed_table;
} import_run;

static int fail_interrupted(void)
{
    cli_message("error", "interrupted by signal %d; nothing was imported", (int)interrupted);
    return -1;
}

/* A target's failure; after a signal, the signal is the reason (a
 * cancelled statement says only "canceling statement"). */
static int fail_target(import_run *run)
{
    if (interrupted)
        return fail_interrupted();
    cli_message("error", "%s", run->ops->errmsg(run->tgt));
    return -1;
}

/* The message for a target error: at the row the target names when it
 * names an earlier one still remembered, else at the current event. */
static const char *row_error(import_run *run)
{
    const db_target_ops *ops = run->ops;
    uint64_t late = ops->error_row ? ops->error_row(run->tgt) : 0;
    const db_row_position *p = db_row_positions_find(run->recent, late);
    if (p)
        return fmt_doc_reader_error_at_row(run->doc, p->file_row, p->line, p->column, p->offset,
                                           ops->error_column(run->tgt), ops->errmsg(run->tgt));
    return fmt_doc_reader_error_at(run->doc, ops->error_column(run->tgt), ops->errmsg(run->tgt));
}

/* A failure while the target writes the rows handed over (table_end, a
 * commit point): at the row it names, if it names one. */
static int fail_written_rows(import_run *run)
{
    if (interrupted)
        return fail_interrupted();
    if (run->ops->error_row && run->ops->error_row(run->tgt))
        cli_message("error", "%s", row_error(run));
    else
        cli_message("error", "%s", run->ops->errmsg(run->tgt));
    return -1;
}

static void choose_target(import_run *run)
{
    const char *path = NULL;
    if (cli_locator_classify(run->opts->target, &path) == CLI_LOCATOR_POSTGRESQL) {
        run->ops = db_target_pg();
        run->locator = run->opts->target; /* the whole connection string */
    } else {
        run->ops = db_target_sqlite();
        run->locator = path;
    }
}

static void install_signal_handlers(void)
{
    /* No SA_RESTART: a read blocked on a stalled pipe returns EINTR, and
     * the input sees the flag and stops. */
    struct sigaction sa;
    interrupted = 0; /* a signal belongs to the run it interrupted */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit is an error to report, not a death */
}

/* The selection, the input, the reader, the progress line and the target. */
static int open_run(import_run *run)
{
    const db_import_options *opts = run->opts;
    const char *input = opts->input ? opts->input : "-";
    if (db_selection_init(&run->selection, opts->include_tables, opts->exclude_tables,
                          opts->include_schemas, opts->exclude_schemas) < 0 ||
        db_row_positions_new(&run->recent, DB_TARGET_MAX_LATE_ROWS) < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    if (opts->row_filters && opts->row_filters[0]) {
        char err[1024];
        if (db_row_filter_new(&run->filter, opts->row_filters, err, sizeof err) < 0) {
            cli_message("error", "%s", err);
            return -1;
        }
    }
    char rename_err[512];
    if (db_renames_new(&run->renames, opts->rename_schemas, opts->rename_tables, rename_err,
                       sizeof rename_err) < 0) {
        cli_message("error", "%s", rename_err);
        return -1;
    }
    if ((opts->rows_cascade || opts->reject_rows) && !(run->cascade = db_cascade_new())) {
        cli_message("error", "out of memory");
        return -1;
    }
    if ((opts->casts && opts->casts[0]) || run->ops->column_hints) {
        char err[512];
        if (!(run->casts = db_casts_new(opts->casts, err, sizeof err))) {
            cli_message("error", "%s", err);
            return -1;
        }
    }
    if (fmt_input_open(&run->in, input) < 0) {
        cli_message("error", "%s: %s", opts->input ? opts->input : "stdin",
                    run->in ? fmt_input_errmsg(run->in) : "out of memory");
        return -1;
    }
    fmt_input_set_interrupt(run->in, &interrupted);
    if (fmt_doc_reader_new(&run->doc, input_source, input_errmsg, run->in, fmt_input_name(run->in),
                           NULL) < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    cli_progress_init(&run->progress, "dbimport", 1, opts->verbose, fmt_input_size(run->in));
    if (run->ops->open(&run->tgt, run->locator, &opts->target_options) < 0) {
        cli_message("error", "%s", run->tgt ? run->ops->errmsg(run->tgt) : "out of memory");
        return -1;
    }
    signal_target = run->tgt;
    signal_ops = run->ops;
    return 0;
}

/* After begin: the target's record of an unfinished import, which only
 * --resume may continue, and only from the file it was of. */
static int resume_begin(import_run *run, const fmt_header *h)
{
    const db_import_options *o = run->opts;
    if (!run->ops->progress_read)
        return 0;
    if (!(run->file_id = db_resume_file_identity(h, o->rename_schemas, o->rename_tables))) {
        cli_message("error", "out of memory");
        return -1;
    }
    int found = run->ops->progress_read(run->tgt, &run->record);
    if (found < 0)
        return fail_target(run);
    run->committed = found;
    if (!found) {
        if (o->resume)
            cli_message("note", "--resume: the target holds no record of an unfinished import: "
                                "starting from the beginning");
        return 0;
    }
    run->has_progress = 1;
    if (!o->resume) {
        cli_message("error",
                    "the target holds the record of an import that did not finish (table %s, "
                    "of the file: %s): run the same command with --resume to continue it, or "
                    "drop %s to start again",
                    DB_PROGRESS_TABLE, run->record.file, DB_PROGRESS_TABLE);
        return -1;
    }
    if (strcmp(run->record.file, run->file_id) != 0) {
        cli_message("error",
                    "--resume: the unfinished import read another file, or renamed otherwise (%s); "
                    "this one is: %s",
                    run->record.file, run->file_id);
        return -1;
    }
    size_t done = 0;
    for (size_t i = 0; i < run->record.ntables; i++)
        done += run->record.tables[i].done != 0;
    cli_message("note", "--resume: %zu %s loaded, %zu in part, by the unfinished import", done,
                cli_plural(done, "table", "tables"), run->record.ntables - done);
    return db_commit_rejects_restore(&run->record, run->rejects, &run->too_many);
}

/* A --rename-* that cannot be done, at the place in the file it met. */
static int fail_rename(import_run *run)
{
    run->bad_rename = 1;
    cli_message("error", "%s",
                fmt_doc_reader_error_at(run->doc, NULL, db_renames_errmsg(run->renames)));
    return -1;
}

/* The table under its new names; messages about its rows name both. */
static int rename_table(import_run *run, const fmt_table **t)
{
    int renamed = 0;
    if (db_renames_table(run->renames, *t, &run->renamed_table, &renamed) < 0)
        return fail_rename(run);
    char *from = fmt_table_key(*t), *to = fmt_table_key(&run->renamed_table);
    char label[512];
    snprintf(label, sizeof label, "table \"%s\" (renamed from \"%s\")", to ? to : "?",
             from ? from : "?");
    if (renamed)
        fmt_doc_reader_set_table_label(run->doc, label);
    free(from);
    free(to);
    *t = &run->renamed_table;
    return 0;
}

/* The header the target gets: under --untrusted, without SQL text. */
static int on_header(import_run *run, const fmt_header *h)
{
    run->header = h;
    if (run->opts->target_options.untrusted) {
        if (db_untrusted_header(h, &run->trusted_header, &run->untrusted) < 0) {
            cli_message("error", "out of memory");
            return -1;
        }
        run->header = &run->trusted_header;
    }
    if (run->renames) {
        /* a target runs the statements of a source of its own backend only */
        const char *from = h->source_backend ? h->source_backend : "";
        int native_runs = strcmp(from, run->ops == db_target_pg() ? "postgresql" : "sqlite") == 0;
        if (db_renames_header(run->renames, run->header, native_runs, &run->renamed_header) < 0)
            return fail_rename(run);
        run->header = &run->renamed_header;
    }
    if (run->ops->begin(run->tgt, run->header) < 0)
        return fail_target(run);
    return resume_begin(run, h);
}

/* A table's errors before its rows: at the table's place in the file. */
static int fail_table(import_run *run, const fmt_table *t)
{
    /* The position names the table, so the target's own "table \"t\": " goes. */
    const char *what = run->ops->errmsg(run->tgt);
    char *key = fmt_table_key(t);
    size_t n = key ? strlen(key) : 0;
    if (key && strncmp(what, "table \"", 7) == 0 && strncmp(what + 7, key, n) == 0 &&
        strncmp(what + 7 + n, "\": ", 3) == 0)
        what += 7 + n + 3;
    cli_message("error", "%s", fmt_doc_reader_error_at(run->doc, NULL, what));
    free(key);
    return -1;
}

#define SHOW_REFUSED 5

/* target_options.reject: a row the target refused, kept by its place in
 * the file; -1 once more than --max-errors were. */
static int on_reject(void *ctx, uint64_t row, const char *column, const char *why)
{
    import_run *run = ctx;
    const char *table = run->nsummary ? run->summary[run->nsummary - 1].file_name : "?";
    const db_row_position *p = db_row_positions_find(run->recent, row);
    db_row_position at = p ? *p : (db_row_position){row, 0, 0, 0, row};
    int rc = db_rejects_add(run->rejects, table, at.file_row, at.line, at.column, at.offset, column,
                            why);
    /* durable with the commit that holds the rows around it */
    if (rc == 0 && run->commit_every &&
        db_commit_rejects_note(&run->pending, db_rejects_count(run->rejects) - 1, table,
                               at.file_row, at.line, at.column, at.offset, column, why) < 0)
        rc = -1;
    if (rc < 0) {
        cli_message("error", "out of memory");
        return -1;
    }
    if (rc == 1) {
        run->too_many = 1;
        return -1;
    }
    if (run->shown++ < SHOW_REFUSED || run->opts->verbose)
        cli_message("warning", "%s (row left out)",
                    fmt_doc_reader_describe_row(run->doc, at.file_row, at.line, at.column,
                                                at.offset, column, why));
    return 0;
}

static void describe_cast(void *ctx, const char *text)
{
    char *key = fmt_table_key(ctx);
    cli_message(NULL, "table \"%s\": %s", key ? key : "?", text);
    free(key);
}

static void note_cast(void *ctx, const char *text)
{
    char *key = fmt_table_key(ctx);
    cli_message("note", "table \"%s\": %s", key ? key : "?", text);
    free(key);
}

/* The table the target gets: --cast's, and the automatic casts the
 * target's existing columns call for. 0, or -1 (reported). */
static int cast_table(import_run *run, const fmt_table **t)
{
    fmt_type *hints = NULL;
    if (run->ops->column_hints && !run->opts->target_options.schema_only) {
        if (!(hints = calloc((*t)->ncolumns + 1, sizeof *hints))) {
            cli_message("error", "out of memory");
            return -1;
        }
        if (run->ops->column_hints(run->tgt, *t, hints) < 0) {
            free(hints);
            cli_message("error", "%s", run->ops->errmsg(run->tgt));
            return -1;
        }
    }
    int rc = db_casts_table(run->casts, *t, hints, t);
    free(hints);
    if (rc < 0)
        cli_message("error", "out of memory");
    return rc;
}

/* table_begin, or, for a table of the unfinished import (--resume),
 * table_resume with the rows it did to skip. */
static int resume_table(import_run *run, const fmt_table *t)
{
    char *key = fmt_table_key(t);
    run->resumed = run->has_progress && key ? db_progress_find(&run->record, key) : NULL;
    run->skip_rows = run->resumed ? run->resumed->rows : 0;
    int rc = run->resumed ? run->ops->table_resume(run->tgt, t, run->resumed->created)
                          : run->ops->table_begin(run->tgt, t);
    if (rc == 0 && run->resumed && run->resumed->done)
        cli_message("note", "table \"%s\": loaded by the unfinished import (%llu %s): skipped", key,
                    (unsigned long long)run->skip_rows, cli_plural(run->skip_rows, "row", "rows"));
    else if (rc == 0 && run->resumed)
        cli_message("note", "table \"%s\": resuming after row %llu", key,
                    (unsigned long long)run->skip_rows);
    if (rc == 0 && run->resumed && run->cascade)
        db_cascade_deleted(run->cascade); /* its programs' deletions are not known: look */
    free(key);
    return rc;
}

static int on_table(import_run *run, const fmt_doc_event *ev)
{
    const fmt_table *t = ev->table;
    run->skip_table = !db_selection_table(&run->selection, t->namespace, t->name);
    if (run->skip_table)
        return 0;
    if (run->opts->target_options.untrusted) {
        db_untrusted_table_free(&run->trusted_table);
        if (db_untrusted_table(t, &run->trusted_table, &run->untrusted) < 0) {
            cli_message("error", "out of memory");
            return -1;
        }
        t = &run->trusted_table;
    }
    const fmt_table *file_table = t; /* what --rows programs see */
    if (run->renames && rename_table(run, &t) < 0)
        return -1;
    if (run->casts && cast_table(run, &t) < 0)
        return -1;
    if (resume_table(run, t) < 0)
        return fail_table(run, t);
    int held = run->resumed ? db_commit_held_rows(&run->record, run->resumed->table) : -1;
    if (run->cascade && db_fk_reject_table(run->cascade, run->rejects ? run->ops : NULL, run->tgt,
                                           t, file_table, &held) < 0)
        return -1;
    if (held == 1 && !run->resumed && run->commit_every &&
        db_commit_held_rows_note(&run->pending, t) < 0)
        return -1;
    run->in_table = 1;
    run->target_rows = 0;
    if (db_casts_active(run->casts))
        db_casts_describe(run->casts, !run->opts->verbose,
                          run->opts->verbose ? describe_cast : note_cast, (void *)file_table);
    if (run->filter && db_row_filter_table(run->filter, file_table) < 0) {
        cli_message("error", "%s", db_row_filter_errmsg(run->filter));
        return -1;
    }
    table_summary *grown = realloc(run->summary, (run->nsummary + 1) * sizeof *grown);
    if (!grown) {
        cli_message("error", "out of memory");
        return -1;
    }
    run->summary = grown;
    table_summary *s = &grown[run->nsummary++];
    memset(s, 0, sizeof *s);
    s->name = fmt_table_key(t);
    s->file_name = fmt_table_key(ev->table);
    for (size_t c = 0; c < t->ncolumns; c++) {
        if (t->columns[c].type.kind != FMT_TYPE_VECTOR)
            continue;
        vector_count *v = realloc(s->vectors, (s->nvectors + 1) * sizeof *v);
        if (!v || !(v[s->nvectors].name = strdup(t->columns[c].name))) {
            if (v)
                s->vectors = v;
            cli_message("error", "out of memory");
            return -1;
        }
        s->vectors = v;
        v[s->nvectors].column = c;
        v[s->nvectors++].nulls = 0;
    }
    return 0;
}

/* A commit point: the rows handed over made durable with the record of
 * where the import stands (the table's rows done, a fingerprint of the last
 * one when the table is not done). */
static int checkpoint(import_run *run, const fmt_doc_event *ev, int done, uint64_t rows)
{
    char fp[17];
    db_progress_table e = {run->summary[run->nsummary - 1].name, rows, NULL, 0, done};
    if (!done && ev) {
        db_resume_row_fingerprint(ev->values, ev->present, ev->table->ncolumns, fp);
        e.last_row = fp;
    }
    if (run->ops->checkpoint(run->tgt, run->file_id, &e, &run->pending) < 0)
        return fail_written_rows(run);
    db_progress_notes_clear(&run->pending);
    run->committed = 1;
    return 0;
}

/* --resume: a row the unfinished import did; the last of them must be the
 * row it recorded, or the file is not the one it read. */
static int skip_done_row(import_run *run, const fmt_doc_event *ev)
{
    char fp[17];
    if (run->table_rows != run->skip_rows || !run->resumed->last_row)
        return 0;
    db_resume_row_fingerprint(ev->values, ev->present, ev->table->ncolumns, fp);
    if (strcmp(fp, run->resumed->last_row) == 0)
        return 0;
    cli_message("error", "%s",
                fmt_doc_reader_error_at(run->doc, NULL,
                                        "--resume: this row is not the one the unfinished import "
                                        "committed last: the file is not the one it read"));
    return -1;
}

/* One row to the target: the file's, or one --rows made of it. */
static int row_to_target(void *ctx, const fmt_value *values, const unsigned char *present)
{
    import_run *run = ctx;
    const fmt_doc_event *ev = run->event;
    db_row_position pos = {++run->target_rows, ev->line, ev->column, ev->offset, ev->row_number};
    db_row_positions_remember(run->recent, &pos);
    if (db_casts_active(run->casts)) {
        char why[300];
        size_t column = 0;
        if (db_casts_row(run->casts, values, present, &values, &column, why, sizeof why) < 0) {
            cli_message("error", "%s",
                        fmt_doc_reader_error_at(run->doc, ev->table->columns[column].name, why));
            return -1;
        }
    }
    table_summary *s = &run->summary[run->nsummary - 1];
    s->rows++;
    for (size_t i = 0; i < s->nvectors; i++) {
        size_t c = s->vectors[i].column;
        s->vectors[i].nulls += (present && !present[c]) || values[c].kind == FMT_VALUE_NULL;
    }
    if (run->ops->row(run->tgt, values, present) < 0) {
        /* a signal stops the statement running now (ops->interrupt): the
         * row's error is the signal's, not the row's */
        if (interrupted)
            return fail_interrupted();
        cli_message("error", "%s", row_error(run));
        return -1;
    }
    return 0;
}

static int on_row(import_run *run, const fmt_doc_event *ev)
{
    const char *key = run->nsummary ? run->summary[run->nsummary - 1].name : NULL;
    cli_progress_update(&run->progress, key ? key : ev->table->name, ++run->table_rows,
                        fmt_input_raw_offset(run->in));
    if (run->skip_table || run->opts->target_options.schema_only)
        return 0;
    if (run->table_rows <= run->skip_rows)
        return skip_done_row(run, ev);
    run->event = ev;
    int rc = 0;
    if (!run->filter) {
        rc = row_to_target(run, ev->values, ev->present);
    } else {
        uint64_t before = run->target_rows;
        rc = db_row_filter_row(run->filter, ev->values, ev->present, row_to_target, run);
        if (rc == 0 && run->target_rows == before)
            db_cascade_deleted(run->cascade);
        if (rc == -1)
            cli_message("error", "%s",
                        fmt_doc_reader_error_at(run->doc, db_row_filter_error_column(run->filter),
                                                db_row_filter_errmsg(run->filter)));
    }
    if (rc == 0 && run->commit_every && run->commit_every != DB_COMMIT_PER_TABLE &&
        run->table_rows % run->commit_every == 0)
        rc = checkpoint(run, ev, 0, run->table_rows);
    return rc < 0 ? -1 : 0;
}

static int on_table_end(import_run *run)
{
    uint64_t rows = run->table_rows;
    run->table_rows = 0;
    run->skip_rows = 0;
    if (!run->in_table)
        return 0;
    run->in_table = 0;
    table_summary *s = &run->summary[run->nsummary - 1];
    if (run->ops->table_end(run->tgt, &s->stats) < 0)
        return fail_written_rows(run);
    if (run->resumed && run->resumed->done && rows != run->resumed->rows) {
        cli_message("error",
                    "--resume: table \"%s\" has %llu %s in this file, the unfinished import "
                    "loaded %llu: the file is not the one it read",
                    s->name, (unsigned long long)rows, cli_plural(rows, "row", "rows"),
                    (unsigned long long)run->resumed->rows);
        return -1;
    }
    if (run->commit_every && !(run->resumed && run->resumed->done) &&
        checkpoint(run, NULL, 1, rows) < 0)
        return -1;
    run->resumed = NULL;
    db_sql_log_comment(run->opts->target_options.sql_log, "table %s: %llu %s loaded", s->name,
                       (unsigned long long)s->stats.rows_written,
                       cli_plural(s->stats.rows_written, "row", "rows"));
    if (run->opts->verbose) {
        const db_table_stats *t = &s->stats;
        if (t->rows_updated || t->rows_skipped)
            cli_message(NULL, "table \"%s\": %llu %s: %llu inserted, %llu updated, %llu skipped",
                        s->name, (unsigned long long)t->rows_read,
                        cli_plural(t->rows_read, "row", "rows"),
                        (unsigned long long)(t->rows_written - t->rows_updated),
                        (unsigned long long)t->rows_updated, (unsigned long long)t->rows_skipped);
        else
            cli_message(NULL, "table \"%s\": %llu %s", s->name, (unsigned long long)t->rows_read,
                        cli_plural(t->rows_read, "row", "rows"));
    }
    return 0;
}

/* Once the tables are read: each -t/-T/-n/-N pattern and each rename
 * matched (reported here for patterns; a rename's message is left to the
 * caller, with run->bad_rename set). 0, -1. */
static int check_names(import_run *run)
{
    char why[512];
    if (db_selection_check(&run->selection, "the file", why, sizeof why) < 0) {
        cli_message("error", "%s", why);
        return -1;
    }
    if (run->renames && db_renames_check(run->renames, "the file") < 0) {
        run->bad_rename = 1;
        return -1;
    }
    return 0;
}

/* The pull loop: every event of the document to the target, up to END. */
static int read_document(import_run *run)
{
    for (;;) {
        fmt_doc_event ev;
        if (interrupted)
            return fail_interrupted();
        if (fmt_doc_reader_next(run->doc, &ev) < 0) {
            if (interrupted)
                return fail_interrupted();
            cli_message("error", "%s", fmt_doc_reader_errmsg(run->doc));
            return -1;
        }
        int rc = 0;
        switch (ev.type) {
        case FMT_DOC_HEADER:
            rc = on_header(run, ev.header);
            break;
        case FMT_DOC_TABLE:
            rc = on_table(run, &ev);
            break;
        case FMT_DOC_ROW:
            rc = on_row(run, &ev);
            break;
        case FMT_DOC_TABLE_END:
            rc = on_table_end(run);
            break;
        case FMT_DOC_NATIVE:
            if (run->opts->target_options.untrusted) {
                db_untrusted_objects(ev.objects, ev.nobjects, &run->untrusted);
                break; /* views and triggers are SQL text: none */
            }
            run->objects = ev.objects;
            run->nobjects = ev.nobjects;
            if (run->renames && check_names(run) < 0)
                rc = run->bad_rename ? fail_rename(run) : -1;
            else if (run->renames &&
                     db_renames_objects(run->renames, ev.objects, ev.nobjects, &run->objects) < 0)
                rc = fail_rename(run);
            break;
        case FMT_DOC_END:
            return 0;
        }
        if (rc < 0)
            return -1;
    }
}

/* Post-data (keys, indexes, native objects unless -a), then the commit. */
static int finish_target(import_run *run)
{
    int data_only = run->opts->target_options.data_only;
    if (interrupted)
        return fail_interrupted();
    if (check_names(run) < 0) {
        if (run->bad_rename)
            cli_message("error", "%s", db_renames_errmsg(run->renames));
        return -1;
    }
    const char *cast = db_casts_unused(run->casts);
    if (cast) {
        cli_message("error",
                    "--cast=%s matches no column of the file; nothing was done, so that a typo "
                    "cannot leave a column unconverted unnoticed",
                    cast);
        return -1;
    }
    const char *unused = run->filter ? db_row_filter_unmatched(run->filter) : NULL;
    if (unused) {
        cli_message("error",
                    "--rows pattern \"%s\" matches no table in the file; nothing was done, so "
                    "that a typo cannot leave rows unfiltered unnoticed",
                    unused);
        return -1;
    }
    if (run->opts->rows_cascade && db_cascade_run(run->cascade, run->ops, run->tgt) < 0)
        return fail_target(run);
    db_fk_reject fk = {run->cascade,       run->ops,
                       run->tgt,           run->rejects,
                       run->opts->input,   !!run->opts->reject_file,
                       run->opts->verbose, &run->shown,
                       &run->too_many,     0};
    if (run->rejects && db_fk_reject_orphans(&fk) < 0)
        return -1;
    if (run->ops->finish(run->tgt, data_only ? NULL : run->objects, data_only ? 0 : run->nobjects,
                         run->header) < 0)
        return fail_target(run);
    /* A signal during the post-data (index builds, the foreign key check,
     * ANALYZE) must not end in a commit. */
    if (interrupted)
        return fail_interrupted();
    if (run->opts->target_options.rehearsal)
        return 0; /* --dry-run: close_run rolls it all back */
    if ((run->commit_every || run->has_progress) && run->ops->progress_remove &&
        run->ops->progress_remove(run->tgt) < 0)
        return fail_target(run);
    if (run->ops->commit(run->tgt) < 0)
        return fail_target(run);
    return 0;
}

/* One line per kind of SQL text --untrusted left out. */
static void report_untrusted(const db_untrusted_report *u)
{
    const struct {
        uint64_t n;
        const char *what;
    } kinds[] = {
        {u->defaults, "column defaults"},
        {u->generated, "generated column expressions (the columns are plain and NULL)"},
        {u->checks, "CHECK constraints"},
        {u->expression_indexes, "expression, partial, non-btree or operator-class indexes"},
        {u->exclusions, "exclusion constraints"},
        {u->partitionings, "partitionings (each table holds all its rows)"},
        {u->domain_expressions, "domain defaults and CHECKs"},
        {u->policies,
         "row-level security policies (row-level security stays on: their rows stay hidden)"},
        {u->functions, "functions and procedures"},
        {u->views, "views"},
        {u->materialized_views, "materialized views"},
        {u->triggers, "triggers"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].n)
            cli_message("warning", "--untrusted: %llu %s left out: they are SQL text from the file",
                        (unsigned long long)kinds[i].n, kinds[i].what);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "note: insights.embedding: 7 of 8 rows NULL (no vector)": a vector
 * column that arrives empty is worth a look (a model that did not run). */
static void report_null_vectors(const import_run *run)
{
    for (size_t i = 0; i < run->nsummary; i++)
        for (size_t k = 0; k < run->summary[i].nvectors; k++) {
            const vector_count *v = &run->summary[i].vectors[k];
            if (v->nulls)
                cli_message("note", "%s.%s: %llu of %llu %s NULL (no vector)", run->summary[i].name,
                            v->name, (unsigned long long)v->nulls,
                            (unsigned long long)run->summary[i].rows,
                            cli_plural(run->summary[i].rows, "row", "rows"));
        }
}

static void report(import_run *run)
{
    const db_target_options *topts = &run->opts->target_options;
    char **lines = NULL;
    size_t nlines = 0;
    if (run->ops->warnings(run->tgt, &lines, &nlines) == 0)
        cli_warnings(lines, nlines, run->opts->verbose);
    if (topts->untrusted)
        report_untrusted(&run->untrusted);
    report_null_vectors(run);

    uint64_t rows = 0, written = 0, updated = 0, skipped = 0, invalid = 0, rejected = 0;
    for (size_t i = 0; i < run->nsummary; i++) {
        const table_summary *s = &run->summary[i];
        const char *first = NULL;
        uint64_t refused = db_rejects_table(run->rejects, s->file_name, &first);
        if (refused)
            cli_message("warning", "table \"%s\": %llu %s refused and left out (first: %s)",
                        s->name, (unsigned long long)refused, cli_plural(refused, "row", "rows"),
                        first);
        rejected += refused;
        rows += s->stats.rows_read;
        written += s->stats.rows_written - db_rejects_table_orphans(run->rejects, s->file_name);
        updated += s->stats.rows_updated;
        skipped += s->stats.rows_skipped;
        invalid += s->stats.invalid;
        if (topts->rehearsal)
            printf("%s%s\t%llu\n", db_sql_log_is_stdout(topts->sql_log) ? "-- " : "", s->name,
                   (unsigned long long)s->stats.rows_read);
    }
    if (topts->rehearsal && rejected)
        cli_message(NULL,
                    "dry run: %llu %s would be refused (--max-errors), the rest is valid for "
                    "this target: %zu %s, %llu %s (%llu would be written, %llu skipped), "
                    "imported and rolled back; nothing was written",
                    (unsigned long long)rejected, cli_plural(rejected, "row", "rows"),
                    run->nsummary, cli_plural(run->nsummary, "table", "tables"),
                    (unsigned long long)rows, cli_plural(rows, "row", "rows"),
                    (unsigned long long)written, (unsigned long long)skipped);
    else if (topts->rehearsal)
        cli_message(NULL,
                    "dry run: the file is valid for this target: %zu %s, %llu %s (%llu "
                    "would be written, %llu skipped), imported and rolled back; nothing was "
                    "written",
                    run->nsummary, cli_plural(run->nsummary, "table", "tables"),
                    (unsigned long long)rows, cli_plural(rows, "row", "rows"),
                    (unsigned long long)written, (unsigned long long)skipped);
    else if (run->opts->verbose || updated || skipped || invalid || rejected)
        cli_message(NULL,
                    "imported %zu %s: %llu %s written (%llu inserted, %llu updated), %llu "
                    "skipped, %llu refused, %llu %s handled by --on-invalid, in %.1f s",
                    run->nsummary, cli_plural(run->nsummary, "table", "tables"),
                    (unsigned long long)written, cli_plural(written, "row", "rows"),
                    (unsigned long long)(written - updated), (unsigned long long)updated,
                    (unsigned long long)skipped, (unsigned long long)rejected,
                    (unsigned long long)invalid, cli_plural(invalid, "value", "values"),
                    seconds_since(&run->started));
    /* the counts above are this run's; what the runs before did is in the record */
    uint64_t before = 0;
    for (size_t i = 0; run->has_progress && !topts->rehearsal && i < run->record.ntables; i++)
        before += run->record.tables[i].rows;
    if (before)
        cli_message("note", "--resume: the runs before this one did %llu of the file's %s",
                    (unsigned long long)before, cli_plural(before, "row", "rows"));
}

static void close_run(import_run *run, int failed)
{
    signal_ops = NULL;
    signal_target = NULL;
    cli_progress_end(&run->progress);
    if (failed && run->tgt)
        run->ops->rollback(run->tgt); /* also removes a target file this run created */
    if (run->tgt)
        run->ops->close(run->tgt);
    fmt_doc_reader_free(run->doc);
    fmt_input_free(run->in);
    for (size_t i = 0; i < run->nsummary; i++) {
        free(run->summary[i].name);
        free(run->summary[i].file_name);
        for (size_t k = 0; k < run->summary[i].nvectors; k++)
            free(run->summary[i].vectors[k].name);
        free(run->summary[i].vectors);
    }
    free(run->summary);
    db_row_positions_free(run->recent);
    db_row_filter_free(run->filter);
    db_casts_free(run->casts); /* run->rejects outlives it: write_rejects */
    db_cascade_free(run->cascade);
    db_selection_free(&run->selection);
    db_progress_clear(&run->record);
    db_progress_notes_clear(&run->pending);
    free(run->file_id);
    db_untrusted_table_free(&run->trusted_table);
    db_untrusted_header_free(&run->trusted_header);
    db_renames_free(run->renames);
}

/* After the commit: the refused rows to --reject-file, and the run's
 * result (DB_IMPORT_REJECTED, or -1 when the file cannot be written). */
static int write_rejects(import_run *run)
{
    uint64_t n = db_rejects_count(run->rejects);
    const char *file = run->opts->reject_file;
    if (!file)
        return DB_IMPORT_REJECTED;
    char err[1024];
    if (db_rejects_write(run->rejects, run->opts->input, file, err, sizeof err) < 0) {
        cli_message("error", "--reject-file: %s (the import itself is %s)", err,
                    run->opts->target_options.rehearsal ? "rolled back" : "committed");
        return -1;
    }
    cli_message("note", "%llu refused %s written to %s: fix %s and import it again",
                (unsigned long long)n, cli_plural(n, "row", "rows"), file,
                cli_plural(n, "it", "them"));
    return DB_IMPORT_REJECTED;
}

int db_import(const db_import_options *opts)
{
    import_run run = {0};
    db_import_options local = *opts;
    int rc = -1;
    /* --dry-run is the import itself, rolled back at the end: whatever the
     * real run would meet (a foreign key, a CHECK, a duplicate against rows
     * already there), the dry run meets first. */
    if (local.target_options.dry_run) {
        local.target_options.dry_run = 0;
        local.target_options.rehearsal = 1;
    }
    opts = &local;
    if (local.reject_rows) {
        if (!(run.rejects = db_rejects_new(local.max_errors))) {
            cli_message("error", "out of memory");
            return -1;
        }
        local.target_options.reject = on_reject;
        local.target_options.reject_ctx = &run;
    }
    if (db_import_open_sql_log(&local) < 0) {
        db_rejects_free(run.rejects);
        return -1;
    }
    run.opts = opts;
    /* a --dry-run rehearses the import in one transaction, whatever --commit says */
    run.commit_every = local.target_options.rehearsal ? 0 : local.commit_every;
    local.target_options.commit_as_it_goes = run.commit_every != 0;
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    choose_target(&run);
    install_signal_handlers();
    if (open_run(&run) < 0 || read_document(&run) < 0 || finish_target(&run) < 0)
        goto done;
    report(&run);
    rc = 0;
done:
    if (run.too_many)
        cli_message("error",
                    run.committed
                        ? "more than %llu %s refused (--max-errors=%llu, for the whole import): "
                          "the import stopped, its last transaction rolled back; what its "
                          "commits loaded stays in the target with the record (%s) of where it "
                          "stands and of the rows refused before: --resume goes on from there"
                        : "more than %llu %s refused (--max-errors=%llu): the import is rolled "
                          "back",
                    (unsigned long long)local.max_errors,
                    cli_plural(local.max_errors, "row was", "rows were"),
                    (unsigned long long)local.max_errors, DB_PROGRESS_TABLE);
    close_run(&run, rc < 0 || opts->target_options.rehearsal);
    if (db_import_close_sql_log(local.target_options.sql_log, local.sql_file, rc < 0,
                                local.target_options.rehearsal) < 0)
        rc = -1;
    if (rc == 0 && db_rejects_count(run.rejects))
        rc = write_rejects(&run);
    db_rejects_free(run.rejects);
    run.rejects = NULL;
    return rc < 0 && run.bad_rename ? DB_IMPORT_BAD_RENAME : rc;
}
