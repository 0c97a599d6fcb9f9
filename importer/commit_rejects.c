/* --commit with --max-errors: refused rows in the progress record
 * (commit_rejects.h). An entry's name is its ordinal, zero-padded, so that
 * the record's order is the order the rows were refused in; its detail is
 * a JSON array: [table, row, line, column, byte, column name or null,
 * error]. */
#include "commit_rejects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_reader.h"
#include "json_writer.h"
#include "sqlbuf.h"

#define REJECTED "rejected"
#define HELD_ROWS "held_rows"

static int buf_sink(void *ctx, const void *buf, size_t len)
{
    db_buf_addn(ctx, buf, len);
    return ((db_buf *)ctx)->oom ? -1 : 0;
}

static void add_string(db_buf *b, const char *s)
{
    if (s)
        fmt_json_escape(buf_sink, b, s, strlen(s));
    else
        db_buf_add(b, "null");
}

int db_commit_rejects_note(db_progress_notes *pending, uint64_t ordinal, const char *table,
                           uint64_t row, uint64_t line, uint64_t column, uint64_t offset,
                           const char *column_name, const char *why)
{
    char name[24];
    db_buf b = {0};
    snprintf(name, sizeof name, "%020llu", (unsigned long long)ordinal);
    db_buf_add(&b, "[");
    add_string(&b, table);
    db_buf_printf(&b, ", %llu, %llu, %llu, %llu, ", (unsigned long long)row,
                  (unsigned long long)line, (unsigned long long)column, (unsigned long long)offset);
    add_string(&b, column_name);
    db_buf_add(&b, ", ");
    add_string(&b, why ? why : "");
    db_buf_add(&b, "]");
    int rc = b.oom ? -1 : db_progress_notes_add(pending, REJECTED, name, b.buf);
    db_buf_free(&b);
    return rc;
}

/* One entry's detail, parsed. */
typedef struct {
    char *table, *column_name, *why;
    uint64_t numbers[4]; /* row, line, column, byte */
} parsed_reject;

static int parse_number(const fmt_json_event *ev, uint64_t *out)
{
    char *end = NULL;
    if (ev->type != FMT_JSON_NUMBER)
        return -1;
    *out = strtoull(ev->text, &end, 10);
    return *ev->text == '-' || *end ? -1 : 0;
}

static int parse_string(const fmt_json_event *ev, char **out, int nullable)
{
    if (nullable && ev->type == FMT_JSON_NULL)
        return 0;
    if (ev->type != FMT_JSON_STRING || memchr(ev->text, '\0', ev->len))
        return -1;
    return (*out = strdup(ev->text)) ? 0 : -1;
}

/* The i-th item of the array (0-based) into p. */
static int parse_item(parsed_reject *p, size_t i, const fmt_json_event *ev)
{
    if (i == 0)
        return parse_string(ev, &p->table, 0);
    if (i <= 4)
        return parse_number(ev, &p->numbers[i - 1]);
    if (i == 5)
        return parse_string(ev, &p->column_name, 1);
    return i == 6 ? parse_string(ev, &p->why, 0) : -1;
}

static int parse_reject(const char *detail, parsed_reject *p)
{
    fmt_json_reader_options o = FMT_JSON_READER_OPTIONS_INIT;
    fmt_json_reader *r = NULL;
    int rc = -1;
    size_t items = 0;
    if (fmt_json_reader_new(&r, &o) < 0)
        return -1;
    fmt_json_reader_feed(r, detail, strlen(detail), 1);
    for (int started = 0;;) {
        fmt_json_event ev;
        if (fmt_json_reader_next(r, &ev) < 0 || ev.type == FMT_JSON_NEED_INPUT)
            break;
        if (ev.type == FMT_JSON_END) {
            rc = items == 7 ? 0 : -1;
            break;
        }
        if (!started) {
            if (ev.type != FMT_JSON_ARRAY_START)
                break;
            started = 1;
        } else if (ev.type == FMT_JSON_ARRAY_END) {
            continue; /* the items are scalars: the array's own end */
        } else if (ev.depth != 1 || parse_item(p, items++, &ev) < 0) {
            break;
        }
    }
    fmt_json_reader_free(r);
    return rc;
}

/* The record's refused rows into r: 0, 1 when more than r allows, -1
 * with the reason in err. */
static int restore(const db_progress *record, db_rejects *r, uint64_t *restored, char *err,
                   size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < record->notes.n && rc == 0; i++) {
        const db_progress_note *e = &record->notes.v[i];
        if (strcmp(e->kind, REJECTED) != 0)
            continue;
        if (!r) {
            snprintf(err, errlen,
                     "--resume: the unfinished import left out rows the target refused "
                     "(--max-errors): resume it with the same --max-errors and --reject-file");
            return -1;
        }
        parsed_reject p = {0};
        if (parse_reject(e->detail, &p) < 0) {
            snprintf(err, errlen, "%s: the entry \"%s\" %s is not one dbimport wrote: %s",
                     DB_PROGRESS_TABLE, REJECTED, e->name, e->detail);
            rc = -1;
        } else {
            rc = db_rejects_add(r, p.table, p.numbers[0], p.numbers[1], p.numbers[2], p.numbers[3],
                                p.column_name, p.why);
            if (rc < 0)
                snprintf(err, errlen, "out of memory");
            *restored += rc >= 0;
        }
        free(p.table);
        free(p.column_name);
        free(p.why);
    }
    return rc;
}

int db_commit_rejects_restore(const db_progress *record, db_rejects *r, int *too_many)
{
    char err[1024];
    uint64_t n = 0;
    int rc = restore(record, r, &n, err, sizeof err);
    if (rc < 0)
        cli_message("error", "%s", err);
    else if (n)
        cli_message("note",
                    "--resume: %llu %s refused by the unfinished import, counted against "
                    "--max-errors",
                    (unsigned long long)n, cli_plural(n, "row", "rows"));
    *too_many = rc == 1;
    return rc == 0 ? 0 : -1;
}

int db_commit_held_rows_note(db_progress_notes *pending, const fmt_table *t)
{
    char *key = fmt_table_key(t);
    int rc = key ? db_progress_notes_add(pending, HELD_ROWS, key, NULL) : -1;
    free(key);
    if (rc < 0)
        cli_message("error", "out of memory");
    return rc;
}

int db_commit_held_rows(const db_progress *record, const char *table)
{
    for (size_t i = 0; table && i < record->notes.n; i++)
        if (strcmp(record->notes.v[i].kind, HELD_ROWS) == 0 &&
            strcmp(record->notes.v[i].name, table) == 0)
            return 1;
    return 0;
}
