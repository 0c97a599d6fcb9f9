/* The document reader's public pull API (doc_reader.h): a resumable state
 * machine over the JSON pull reader that yields the header, each table's
 * schema, its rows decoded by column type, and the native objects
 * (docs/FORMAT.md). Nothing but the current table's schema and the current
 * row is held in memory. Inner readers record what went wrong and where;
 * fmt_doc_reader_next adds the file name and the table, row and column once,
 * here at the top (as jq's jv_parse.c does). */
#include "doc_reader_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (256 * 1024)

/* ---- errors ---------------------------------------------------------- */

static void record_error(fmt_doc_reader *r, fmt_position pos, uint64_t row, const char *column)
{
    r->err_pending = 1;
    r->err_pos = pos;
    r->err_row = row;
    r->err_has_column = column != NULL;
    snprintf(r->err_column, sizeof r->err_column, "%.120s", column ? column : "");
}

int doc_fail_at(fmt_doc_reader *r, fmt_position pos, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err_what, sizeof r->err_what, fmt, ap);
    va_end(ap);
    record_error(r, pos, r->state == ST_ROWS ? r->row_number : 0, column);
    r->state = ST_FAILED;
    return -1;
}

/* Formats the recorded error as "NAME:LINE:COLUMN (byte N): [table "t",
 * [row R, ][column "c": ]]what". */
static void format_error(fmt_doc_reader *r)
{
    char context[400] = "";
    size_t n = 0;
    if (r->table) {
        if (r->table_label[0])
            n += (size_t)snprintf(context, sizeof context, "%.250s, ", r->table_label);
        else
            n += (size_t)snprintf(context + n, sizeof context - n, "table \"%.120s\", ",
                                  r->table->name);
        if (r->err_row)
            n += (size_t)snprintf(context + n, sizeof context - n, "row %llu, ",
                                  (unsigned long long)r->err_row);
        if (r->err_has_column && n < sizeof context)
            n +=
                (size_t)snprintf(context + n, sizeof context - n, "column \"%s\", ", r->err_column);
    }
    if (n >= 2 && n < sizeof context) /* ", " → ": " */
        context[n - 2] = ':';
    snprintf(r->errmsg, sizeof r->errmsg, "%s:%llu:%llu (byte %llu): %s%s", r->name,
             (unsigned long long)r->err_pos.line, (unsigned long long)r->err_pos.column,
             (unsigned long long)r->err_pos.offset, context, r->err_what);
    r->err_pending = 0;
}

void fmt_doc_reader_set_table_label(fmt_doc_reader *r, const char *label)
{
    snprintf(r->table_label, sizeof r->table_label, "%s", label ? label : "");
}

const char *fmt_doc_reader_errmsg(const fmt_doc_reader *r)
{
    return r->errmsg;
}

/* A caller's error at a row of the current table: the reader fails if it
 * was reading rows, and keeps its state otherwise. */
static const char *caller_error(fmt_doc_reader *r, fmt_position pos, uint64_t row,
                                const char *column, const char *what)
{
    snprintf(r->err_what, sizeof r->err_what, "%s", what);
    record_error(r, pos, row, column);
    format_error(r);
    if (r->state == ST_ROWS)
        r->state = ST_FAILED;
    return r->errmsg;
}

const char *fmt_doc_reader_error_at(fmt_doc_reader *r, const char *column, const char *what)
{
    return caller_error(r, r->event_pos, r->row_number, column, what);
}

const char *fmt_doc_reader_error_at_row(fmt_doc_reader *r, uint64_t row, uint64_t line,
                                        uint64_t column_number, uint64_t offset, const char *column,
                                        const char *what)
{
    fmt_position pos = {line, column_number, offset};
    return caller_error(r, pos, row, column, what);
}

const char *fmt_doc_reader_describe_row(fmt_doc_reader *r, uint64_t row, uint64_t line,
                                        uint64_t column_number, uint64_t offset, const char *column,
                                        const char *what)
{
    int state = r->state;
    fmt_position pos = {line, column_number, offset};
    caller_error(r, pos, row, column, what);
    r->state = state; /* a note, not a failure: the reader goes on */
    return r->errmsg;
}

/* ---- input ----------------------------------------------------------- */

int doc_jnext(fmt_doc_reader *r, fmt_json_event *ev)
{
    for (;;) {
        if (fmt_json_reader_next(r->json, ev) < 0)
            return doc_fail_at(r, fmt_json_reader_errpos(r->json), NULL, "%s",
                               fmt_json_reader_errmsg(r->json));
        if (ev->type != FMT_JSON_NEED_INPUT)
            return 0;
        size_t got = 0;
        if (r->eof) {
            fmt_json_reader_feed(r->json, r->chunk, 0, 1);
            continue;
        }
        if (r->source(r->source_ctx, r->chunk, READ_CHUNK, &got) < 0) {
            const char *why = r->source_errmsg ? r->source_errmsg(r->source_ctx) : "read error";
            return doc_fail_at(r, fmt_json_reader_position(r->json), NULL, "%s", why);
        }
        if (got == 0)
            r->eof = 1;
        fmt_json_reader_feed(r->json, r->chunk, got, r->eof);
    }
}

/* ---- the state machine ----------------------------------------------- */

static int next_event(fmt_doc_reader *r, fmt_doc_event *out);

static void set_event(fmt_doc_reader *r, fmt_doc_event *ev, fmt_doc_event_type type,
                      fmt_position pos)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->header = &r->header;
    ev->table = r->table;
    ev->line = pos.line;
    ev->column = pos.column;
    ev->offset = pos.offset;
    r->event_pos = pos;
}

/* ST_START: the top-level keys up to "tables", then the HEADER event. */
static int read_header(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    if (doc_expect(r, &ev, FMT_JSON_OBJECT_START, "the document") < 0)
        return -1;
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            return doc_fail_at(r, ev.pos, NULL, "the document has no \"tables\"");
        if (!r->have_format && doc_text_is(&ev, "tables"))
            return doc_fail_at(r, ev.pos, NULL,
                               "\"tables\" comes before \"format\"; is this a dbexport file?");
        if (!r->have_version && doc_text_is(&ev, "tables"))
            return doc_fail_at(r, ev.pos, NULL, "\"tables\" comes before \"format_version\"");
        int rc = doc_top_level_key(r, &ev);
        if (rc < 0)
            return -1;
        if (rc == 1)
            break;
    }
    if (!r->header.source_backend)
        return doc_fail_at(r, ev.pos, NULL, "the header has no \"source\".\"backend\"");
    if (doc_expect(r, &ev, FMT_JSON_OBJECT_START, "\"tables\"") < 0)
        return -1;
    r->state = ST_TABLES;
    set_event(r, out, FMT_DOC_HEADER, ev.pos);
    return 0;
}

/* After "tables" closes: reads the remaining top-level keys to the end. */
static int finish_document(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        /* The header was handed over before the first table: a header key
         * here would be read by no one, while a reviewer's jq shows it. */
        if (!doc_text_is(&ev, "views") && !doc_text_is(&ev, "triggers") && doc_is_header_key(&ev))
            return doc_fail_at(r, ev.pos, NULL,
                               "\"%.40s\" comes after \"tables\"; the header must precede the "
                               "data",
                               ev.text);
        int rc = doc_top_level_key(r, &ev);
        if (rc < 0)
            return -1;
        if (rc == 1)
            return doc_fail_at(r, ev.pos, NULL, "\"tables\" appears twice");
    }
    if (doc_expect(r, &ev, FMT_JSON_END, "the end of the document") < 0)
        return -1;
    r->state = r->nobjects ? ST_NATIVE : ST_DONE;
    return next_event(r, out);
}

/* ST_TABLES: the next table's schema (TABLE event), or the end of "tables". */
static int next_table(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type == FMT_JSON_OBJECT_END) {
        r->state = ST_AFTER_TABLES;
        return finish_document(r, out);
    }
    fmt_position at = ev.pos;
    int rc = doc_read_table_head(r, &ev);
    if (rc < 0)
        return -1;
    r->state = rc == 1 ? ST_ROWS : ST_TABLE_END;
    set_event(r, out, FMT_DOC_TABLE, at);
    return 0;
}

/* ST_TABLE_TAIL: keys after "rows" (none of them metadata), then the
 * table's end. */
static int read_table_tail(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    for (;;) {
        if (doc_jnext(r, &ev) < 0)
            return -1;
        if (ev.type == FMT_JSON_OBJECT_END)
            break;
        const char *k = ev.text;
        if (doc_text_is(&ev, "columns") || doc_text_is(&ev, "constraints") ||
            doc_text_is(&ev, "indexes") || doc_text_is(&ev, "options") ||
            doc_text_is(&ev, "rows") || doc_text_is(&ev, "name") || doc_text_is(&ev, "namespace") ||
            doc_text_is(&ev, "partitioning") || doc_text_is(&ev, "comment") ||
            doc_text_is(&ev, "privileges") || doc_text_is(&ev, "row_security"))
            return doc_fail_at(r, ev.pos, NULL,
                               "\"%s\" comes after \"rows\"; a table's metadata must precede "
                               "its rows",
                               k);
        if (doc_skip_next_value(r) < 0)
            return -1;
    }
    set_event(r, out, FMT_DOC_TABLE_END, ev.pos);
    r->state = ST_DROP_TABLE;
    return 0;
}

/* ST_ROWS: the next row (ROW event), or the end of the rows. */
static int next_row(fmt_doc_reader *r, fmt_doc_event *out)
{
    fmt_json_event ev;
    if (doc_jnext(r, &ev) < 0)
        return -1;
    if (ev.type == FMT_JSON_OBJECT_START) {
        r->row_number++;
        r->event_pos = ev.pos;
        if (doc_read_row(r) < 0)
            return -1;
        set_event(r, out, FMT_DOC_ROW, ev.pos);
        out->values = r->values;
        out->present = r->present;
        out->row_number = r->row_number;
        return 0;
    }
    if (ev.type != FMT_JSON_ARRAY_END) {
        r->row_number++;
        return doc_fail_at(r, ev.pos, NULL, "a row must be an object, found %s",
                           doc_event_name(ev.type));
    }
    r->state = ST_TABLE_TAIL;
    return read_table_tail(r, out);
}

static int next_event(fmt_doc_reader *r, fmt_doc_event *out)
{
    switch (r->state) {
    case ST_START:
        return read_header(r, out);
    case ST_TABLES:
        return next_table(r, out);
    case ST_ROWS:
        return next_row(r, out);
    case ST_TABLE_TAIL:
        return read_table_tail(r, out);
    case ST_TABLE_END:
        set_event(r, out, FMT_DOC_TABLE_END, r->event_pos);
        r->state = ST_DROP_TABLE;
        return 0;
    case ST_DROP_TABLE:
        fmt_table_free(r->table);
        r->table = NULL;
        r->state = ST_TABLES;
        return next_table(r, out);
    case ST_AFTER_TABLES:
        return finish_document(r, out);
    case ST_NATIVE:
        set_event(r, out, FMT_DOC_NATIVE, r->event_pos);
        out->objects = r->objects;
        out->nobjects = r->nobjects;
        r->state = ST_DONE;
        return 0;
    case ST_DONE:
        set_event(r, out, FMT_DOC_END, fmt_json_reader_position(r->json));
        return 0;
    case ST_FAILED:
        break;
    }
    return -1;
}

int fmt_doc_reader_next(fmt_doc_reader *r, fmt_doc_event *out)
{
    if (next_event(r, out) == 0)
        return 0;
    if (r->err_pending)
        format_error(r);
    return -1;
}

/* ---- lifetime -------------------------------------------------------- */

int doc_new_json(fmt_doc_reader *r)
{
    fmt_json_reader_options jopts = FMT_JSON_READER_OPTIONS_INIT;
    jopts.max_depth = r->opts.max_depth;
    /* base64 grows a value by 4/3 */
    jopts.max_token = r->opts.max_value / 3 * 4 + 4;
    /* FORMAT.md section 1: a duplicate key anywhere is an error */
    jopts.reject_duplicate_keys = 1;
    fmt_json_reader *j = NULL;
    if (fmt_json_reader_new(&j, &jopts) < 0)
        return -1;
    fmt_json_reader_free(r->json);
    r->json = j;
    r->eof = 0;
    return 0;
}

int fmt_doc_reader_new(fmt_doc_reader **out, fmt_source_fn fn, fmt_source_errmsg_fn errfn,
                       void *ctx, const char *name, const fmt_doc_reader_options *opts)
{
    fmt_doc_reader_options defaults = FMT_DOC_READER_OPTIONS_INIT;
    fmt_doc_reader *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return -1;
    r->opts = opts ? *opts : defaults;
    r->source = fn;
    r->source_errmsg = errfn;
    r->source_ctx = ctx;
    r->name = fmt_strdup(name ? name : "stdin");
    r->chunk = malloc(READ_CHUNK);
    if (!r->name || !r->chunk || doc_new_json(r) < 0) {
        fmt_doc_reader_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void fmt_doc_reader_free(fmt_doc_reader *r)
{
    if (!r)
        return;
    fmt_json_reader_free(r->json);
    fmt_header_clear(&r->header);
    fmt_table_free(r->table);
    for (size_t i = 0; i < r->nobjects; i++)
        fmt_native_object_clear(&r->objects[i]);
    free(r->objects);
    free(r->values);
    free(r->present);
    free(r->offsets);
    free(r->arena);
    doc_arrays_free(r);
    free(r->chunk);
    free(r->name);
    free(r);
}
