/* See row_filter.h. A row goes to jq as the JSON the document writer would
 * give it, and comes back through the document reader's row rules
 * (row_decoder.h): one codec for files and filters. */
#include "row_filter.h"

#include <jq.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "row_decoder.h"
#include "select.h"
#include "sqlbuf.h"
#include "values_write.h"

typedef struct {
    char *pattern, *program;
    jq_state *jq;
    db_selection tables; /* the pattern, as -t would match it */
    int matched;
} spec;

struct db_row_filter {
    spec *specs;
    size_t nspecs;
    char compile_error[512];
    /* the current table */
    const fmt_table *t;
    size_t *chain, nchain; /* the specs for it, in order */
    fmt_row_decoder *decoder;
    fmt_value *out; /* an output row: decoded, with unchanged values kept */
    /* the current input row */
    const fmt_value *in;
    const unsigned char *in_present;
    jv in_json;
    db_buf text;
    db_row_emit_fn emit;
    void *ctx;
    char errmsg[1024];
    char error_column[128];
};

static int fail(db_row_filter *f, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(db_row_filter *f, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap);
    va_end(ap);
    snprintf(f->error_column, sizeof f->error_column, "%s", column ? column : "");
    return -1;
}

static void on_compile_error(void *data, jv msg)
{
    db_row_filter *f = data;
    jv text = jv_get_kind(msg) == JV_KIND_STRING ? msg : jv_dump_string(msg, 0);
    if (!f->compile_error[0]) {
        /* its first line: the rest repeats the program */
        const char *m = jv_string_value(text);
        snprintf(f->compile_error, sizeof f->compile_error, "%.*s", (int)strcspn(m, "\n"), m);
    }
    jv_free(text);
}

static int add_spec(db_row_filter *f, const char *s, char *err, size_t errlen)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s || !eq[1]) {
        snprintf(err, errlen, "--rows \"%s\": expected TABLE=PROGRAM", s);
        return -1;
    }
    spec *sp = &f->specs[f->nspecs];
    sp->pattern = strndup(s, (size_t)(eq - s));
    sp->program = strdup(eq + 1);
    const char *list[] = {sp->pattern, NULL};
    if (!sp->pattern || !sp->program || !(sp->jq = jq_init()) ||
        db_selection_init(&sp->tables, list, NULL, NULL, NULL) < 0) {
        snprintf(err, errlen, "out of memory");
        f->nspecs++;
        return -1;
    }
    f->nspecs++;
    f->compile_error[0] = 0;
    jq_set_error_cb(sp->jq, on_compile_error, f);
    if (!jq_compile(sp->jq, sp->program)) {
        snprintf(err, errlen, "--rows \"%s\": the jq program does not compile: %s", s,
                 f->compile_error[0] ? f->compile_error : "syntax error");
        return -1;
    }
    return 0;
}

int db_row_filter_new(db_row_filter **out, const char *const *specs, char *err, size_t errlen)
{
    size_t n = 0;
    while (specs && specs[n])
        n++;
    db_row_filter *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f || !(f->specs = calloc(n ? n : 1, sizeof *f->specs)) ||
        !(f->chain = calloc(n ? n : 1, sizeof *f->chain))) {
        db_row_filter_free(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->in_json = jv_null();
    for (size_t i = 0; i < n; i++)
        if (add_spec(f, specs[i], err, errlen) < 0) {
            db_row_filter_free(f);
            return -1;
        }
    *out = f;
    return 0;
}

int db_row_filter_table(db_row_filter *f, const fmt_table *t)
{
    f->t = t;
    f->nchain = 0;
    fmt_row_decoder_free(f->decoder);
    f->decoder = NULL;
    for (size_t i = 0; i < f->nspecs; i++)
        if (db_selection_table(&f->specs[i].tables, t->namespace, t->name)) {
            f->specs[i].matched = 1;
            f->chain[f->nchain++] = i;
        }
    if (!f->nchain)
        return 0;
    fmt_value *grown = realloc(f->out, (t->ncolumns ? t->ncolumns : 1) * sizeof *grown);
    if (!grown || fmt_row_decoder_new(&f->decoder, t) < 0) {
        if (grown)
            f->out = grown;
        return fail(f, NULL, "out of memory");
    }
    f->out = grown;
    return 1;
}

static int text_sink(void *ctx, const void *buf, size_t len)
{
    db_buf *b = ctx;
    db_buf_addn(b, buf, len);
    return b->oom ? -1 : 0;
}

/* The row as its object in a file would be, in f->text. */
static int row_json(db_row_filter *f, const fmt_value *values, const unsigned char *present)
{
    fmt_json_writer_options opts = FMT_JSON_WRITER_OPTIONS_INIT;
    fmt_json_writer *w = NULL;
    opts.buffer_size = 4096;
    db_buf_reset(&f->text);
    if (fmt_json_writer_new(&w, text_sink, &f->text, &opts) < 0)
        return fail(f, NULL, "out of memory");
    int rc = fmt_json_writer_object_start(w);
    for (size_t i = 0; rc == 0 && i < f->t->ncolumns; i++) {
        const fmt_column *c = &f->t->columns[i];
        if (c->generated_sql || (present && !present[i]))
            continue;
        rc = fmt_json_writer_keyz(w, c->name);
        if (rc == 0 && (rc = fmt_values_write(w, &c->type, &values[i])) == -2) {
            fmt_json_writer_free(w);
            return fail(f, c->name, "a %s value cannot be carried in a %s column",
                        fmt_value_kind_name(values[i].kind), c->type_text);
        }
    }
    if (rc == 0)
        rc = fmt_json_writer_object_end(w);
    if (rc == 0)
        rc = fmt_json_writer_flush(w);
    fmt_json_writer_free(w);
    return rc < 0 || f->text.oom ? fail(f, NULL, "cannot write the row as JSON") : 0;
}

/* 1 when the output's value of column name is the input's, as JSON. */
static int unchanged(db_row_filter *f, jv out, const char *name)
{
    jv a = jv_object_get(jv_copy(f->in_json), jv_string(name));
    jv b = jv_object_get(jv_copy(out), jv_string(name));
    if (!jv_is_valid(a) || !jv_is_valid(b)) {
        jv_free(a);
        jv_free(b);
        return 0;
    }
    return jv_equal(a, b);
}

/* One output of the last program: read back as a row of the table. */
static int emit_row(db_row_filter *f, jv out)
{
    if (jv_get_kind(out) != JV_KIND_OBJECT) {
        const char *kind = jv_kind_name(jv_get_kind(out));
        jv_free(out);
        return fail(f, NULL, "the program gave %s %s, not a row object",
                    kind[0] == 'a' || kind[0] == 'o' ? "an" : "a", kind);
    }
    jv dump = jv_dump_string(jv_copy(out), 0);
    const fmt_value *values;
    const unsigned char *present;
    int rc =
        fmt_row_decoder_decode(f->decoder, jv_string_value(dump),
                               (size_t)jv_string_length_bytes(jv_copy(dump)), &values, &present);
    jv_free(dump);
    if (rc < 0) {
        jv_free(out);
        return fail(f, fmt_row_decoder_error_column(f->decoder), "the program's output row: %s",
                    fmt_row_decoder_errmsg(f->decoder));
    }
    const fmt_table *t = f->t;
    memcpy(f->out, values, t->ncolumns * sizeof *f->out);
    for (size_t i = 0; i < t->ncolumns; i++)
        if (present[i] && (!f->in_present || f->in_present[i]) &&
            unchanged(f, out, t->columns[i].name))
            f->out[i] = f->in[i];
    jv_free(out);
    return f->emit(f->ctx, f->out, present) < 0 ? -2 : 0;
}

/* Runs program level of the chain on row, each output into the next. */
static int run_from(db_row_filter *f, size_t level, jv row)
{
    if (level == f->nchain)
        return emit_row(f, row);
    const spec *sp = &f->specs[f->chain[level]];
    jq_start(sp->jq, row, 0);
    for (;;) {
        jv out = jq_next(sp->jq);
        if (!jv_is_valid(out)) {
            if (!jv_invalid_has_msg(jv_copy(out)) && !jq_halted(sp->jq)) {
                jv_free(out);
                return 0;
            }
            jv msg = jv_invalid_has_msg(jv_copy(out))
                         ? jv_invalid_get_msg(out)
                         : (jv_free(out), jq_get_error_message(sp->jq));
            jv text = jv_get_kind(msg) == JV_KIND_STRING ? msg : jv_dump_string(msg, 0);
            fail(f, NULL, "--rows \"%s=%s\": jq: %s", sp->pattern, sp->program,
                 jv_is_valid(text) ? jv_string_value(text) : "error");
            jv_free(text);
            return -1;
        }
        int rc = run_from(f, level + 1, out);
        if (rc < 0)
            return rc;
    }
}

int db_row_filter_row(db_row_filter *f, const fmt_value *values, const unsigned char *present,
                      db_row_emit_fn emit, void *ctx)
{
    f->errmsg[0] = 0;
    f->error_column[0] = 0;
    if (!f->nchain)
        return emit(ctx, values, present) < 0 ? -2 : 0;
    if (row_json(f, values, present) < 0)
        return -1;
    f->in = values;
    f->in_present = present;
    f->emit = emit;
    f->ctx = ctx;
    jv_free(f->in_json);
    f->in_json = jv_parse_sized(f->text.buf, (int)f->text.len);
    if (!jv_is_valid(f->in_json)) {
        jv_free(f->in_json);
        f->in_json = jv_null();
        return fail(f, NULL, "jq cannot read the row");
    }
    return run_from(f, 0, jv_copy(f->in_json));
}

const char *db_row_filter_errmsg(const db_row_filter *f)
{
    return f->errmsg[0] ? f->errmsg : "row filter failed";
}

const char *db_row_filter_error_column(const db_row_filter *f)
{
    return f->error_column[0] ? f->error_column : NULL;
}

const char *db_row_filter_unmatched(const db_row_filter *f)
{
    for (size_t i = 0; i < f->nspecs; i++)
        if (!f->specs[i].matched)
            return f->specs[i].pattern;
    return NULL;
}

void db_row_filter_free(db_row_filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->specs && i < f->nspecs; i++) {
        if (f->specs[i].jq)
            jq_teardown(&f->specs[i].jq);
        free(f->specs[i].pattern);
        free(f->specs[i].program);
        db_selection_free(&f->specs[i].tables);
    }
    jv_free(f->in_json);
    free(f->specs);
    free(f->chain);
    free(f->out);
    fmt_row_decoder_free(f->decoder);
    db_buf_free(&f->text);
    free(f);
}
