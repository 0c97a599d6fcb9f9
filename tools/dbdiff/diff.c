/* One comparison (dbdiff.h, dd_diff): both sides open, tables merged by
 * their keys, each table's schema and rows compared, then the objects
 * outside tables; for dbdiff and for dbimport --verify. */
#include "dbdiff.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"

/* The progress line of the rows being compared: the current table, and
 * the bytes of the sides that are files of a known size, for an ETA. When
 * neither is, the rows a database side's source estimates give the ETA
 * (the larger estimate of two databases, as the side that read more
 * counts), and the bytes of a file of unknown size are shown. */
struct dd_progress {
    cli_progress line;
    dd_side *side[2];
    int sized[2];
    const char *table;
    uint64_t rows_before; /* of the tables compared so far, on the side that read more */
};

/* One run: both sides open, tables merged by key. */
typedef struct {
    const dd_diff_options *cl;
    dd_side *side[2];
    dd_report *report;
    dd_value_mode mode;
    dd_progress progress;
} diff_run;

static int side_error(diff_run *run, int s)
{
    cli_message("error", "%s", dd_side_errmsg(run->side[s]));
    return -1;
}

/* The rows to come as the database sides estimate them; only when the
 * line is shown (it costs a query per table) and no size gives an ETA. */
static int estimate_rows(diff_run *run)
{
    dd_progress *p = &run->progress;
    uint64_t most = 0;
    if (!p->line.enabled || p->line.total_bytes)
        return 0;
    for (int s = 0; s < 2; s++) {
        uint64_t n = 0;
        if (dd_side_estimate_rows(run->side[s], &n) < 0)
            return side_error(run, s);
        most = n > most ? n : most;
    }
    cli_progress_set_total_rows(&p->line, most);
    return 0;
}

static int progress_init(diff_run *run)
{
    dd_progress *p = &run->progress;
    uint64_t total = 0;
    for (int s = 0; s < 2; s++) {
        p->side[s] = run->side[s];
        total += dd_side_size(run->side[s]);
        p->sized[s] = dd_side_size(run->side[s]) > 0;
    }
    if (!p->sized[0] && !p->sized[1])
        p->sized[0] = p->sized[1] = 1;
    cli_progress_init(&p->line, cli_program(), 1, run->cl->verbose, total);
    return run->cl->schema_only ? 0 : estimate_rows(run);
}

void dd_progress_rows(dd_progress *p, uint64_t rows)
{
    if (!p || !p->line.enabled || (rows & 1023) != 0)
        return;
    uint64_t bytes = 0;
    for (int s = 0; s < 2; s++)
        if (p->sized[s])
            bytes += dd_side_bytes_read(p->side[s]);
    cli_progress_update(&p->line, p->table, rows, bytes);
}

static int next_table(diff_run *run, int s, const fmt_table **t, char **key)
{
    free(*key);
    *key = NULL;
    int rc = dd_side_next_table(run->side[s], t);
    if (rc < 0)
        return side_error(run, s);
    if (rc == 1 && !(*key = fmt_table_key(*t))) {
        cli_message("error", "out of memory");
        return -1;
    }
    return 0;
}

/* The tables both sides have. */
static int compare_table(diff_run *run, const char *key, const fmt_table *ta, const fmt_table *tb)
{
    char *msg = NULL;
    dd_report_table_begin(run->report, key);
    if (!run->cl->data_only)
        dd_compare_table_schema(run->report, ta, tb, &run->mode);
    if (run->cl->schema_only) {
        dd_row_counts none = {0, 0, 0, 0, 0, 0};
        dd_report_table_end(run->report, &none);
        return 0;
    }
    run->progress.table = key;
    int rc = dd_compare_rows(run->report, run->side[0], ta, run->side[1], tb, &run->mode,
                             &run->progress, &msg);
    cli_progress_end(&run->progress.line);
    uint64_t na = dd_side_row_number(run->side[0]), nb = dd_side_row_number(run->side[1]);
    run->progress.rows_before += na > nb ? na : nb;
    cli_progress_set_rows_before(&run->progress.line, run->progress.rows_before);
    if (rc < 0) {
        cli_message("error", "%s", msg ? msg : "out of memory");
        free(msg);
        return -1;
    }
    if (run->cl->verbose) {
        cli_message(NULL, "table \"%s\": %llu %s in A, %llu in B", key, (unsigned long long)na,
                    cli_plural(na, "row", "rows"), (unsigned long long)nb);
    }
    return 0;
}

static int compare_tables(diff_run *run)
{
    const fmt_table *t[2] = {NULL, NULL};
    char *key[2] = {NULL, NULL};
    int rc = 0;
    if (next_table(run, 0, &t[0], &key[0]) < 0 || next_table(run, 1, &t[1], &key[1]) < 0)
        rc = -1;
    while (rc == 0 && (t[0] || t[1])) {
        int c = !t[0] ? 1 : !t[1] ? -1 : strcmp(key[0], key[1]);
        if (c == 0) {
            if (compare_table(run, key[0], t[0], t[1]) < 0 ||
                next_table(run, 0, &t[0], &key[0]) < 0 || next_table(run, 1, &t[1], &key[1]) < 0)
                rc = -1;
            continue;
        }
        int s = c < 0 ? 0 : 1;
        if (!(s == 1 && run->cl->file_tables_only))
            dd_report_table_only(run->report, key[s], s ? 'B' : 'A');
        if (next_table(run, s, &t[s], &key[s]) < 0)
            rc = -1;
    }
    free(key[0]);
    free(key[1]);
    return rc;
}

static int compare_objects(diff_run *run)
{
    const fmt_native_object *o[2];
    size_t n[2];
    for (int s = 0; s < 2; s++)
        if (dd_side_objects(run->side[s], &o[s], &n[s]) < 0)
            return side_error(run, s);
    dd_compare_header(run->report, dd_side_header(run->side[0]), dd_side_header(run->side[1]),
                      &run->mode);
    dd_compare_objects(run->report, o[0], n[0], o[1], n[1], &run->mode);
    return 0;
}

int dd_diff(const dd_diff_options *cl)
{
    diff_run run = {.cl = cl};
    int rc = 2;
    const char *operand[2] = {cl->a, cl->b};
    for (int s = 0; s < 2; s++)
        if (dd_side_open(&run.side[s], operand[s], &cl->selection) < 0) {
            if (run.side[s])
                side_error(&run, s);
            else
                cli_message("error", "out of memory");
            goto done;
        }
    const char *backend[2] = {dd_side_header(run.side[0])->source_backend,
                              dd_side_header(run.side[1])->source_backend};
    run.mode.across = !backend[0] || !backend[1] || strcmp(backend[0], backend[1]) != 0;
    for (int s = 0; s < 2; s++)
        run.mode.sqlite_side[s] = backend[s] && strcmp(backend[s], "sqlite") == 0;
    run.mode.sqlite = run.mode.sqlite_side[0] && run.mode.sqlite_side[1];
    if (dd_report_new(&run.report, &cl->report, dd_side_name(run.side[0]),
                      dd_side_name(run.side[1])) < 0) {
        cli_message("error", "out of memory");
        goto done;
    }
    if (progress_init(&run) < 0)
        goto done;
    /* With a selection, a database's source keeps the views and triggers
     * of the selected schemas and a file keeps all: not comparable. */
    int objects = !cl->data_only && !cl->selected && !cl->file_tables_only;
    if (compare_tables(&run) < 0 || (objects && compare_objects(&run) < 0))
        goto done;
    int different = dd_report_finish(run.report);
    if (different < 0)
        cli_message("error", "stdout: could not write the report");
    else
        rc = different;
done:
    cli_progress_end(&run.progress.line);
    dd_report_free(run.report);
    dd_side_free(run.side[0]);
    dd_side_free(run.side[1]);
    return rc;
}
