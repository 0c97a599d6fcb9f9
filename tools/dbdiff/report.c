/* What dbdiff found, on standard output: lines for people, or with
 * --format=json one JSON document (docs/DBDIFF.md describes both),
 * written as the comparison goes, so that its memory does not grow with
 * the tables either. -q writes nothing; the counts still decide the exit
 * status. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dbdiff.h"
#include "diag.h"
#include "json_writer.h"
#include "progress.h"

struct dd_report {
    dd_report_options opts;
    fmt_json_writer *json;
    int failed;        /* the output could not be written */
    const char *array; /* the JSON array open in the current table, or NULL */
    char *table;       /* the current table's key */
    int in_table;
    /* the current table */
    uint64_t shown, shown_expected, differences;
    /* all tables */
    uint64_t tables, tables_equal, tables_different, only_a, only_b;
    uint64_t row_differences, schema_differences, expected;
};

static int stdout_sink(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    cli_progress_clear(); /* stdout and stderr may share a terminal */
    return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

/* One line of the text report. Names come from files and databases: a
 * control character in one (a carriage return, a terminal escape) is
 * written escaped, so that no name can fake a line of the report. */
static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = db_vformat(fmt, ap);
    va_end(ap);
    if (!text) {
        cli_message("error", "out of memory");
        return;
    }
    cli_progress_clear();
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' && i + 1 == n)
            putchar('\n');
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    free(text);
}

static int text_mode(const dd_report *r)
{
    return !r->opts.quiet && !r->opts.format_json;
}

static int json_mode(const dd_report *r)
{
    return !r->opts.quiet && r->opts.format_json;
}

static void check(dd_report *r, int rc)
{
    if (rc < 0 && !r->failed) {
        r->failed = 1;
        cli_message("error", "stdout: %s", fmt_json_writer_errmsg(r->json));
    }
}

static void json_member(dd_report *r, const char *key, const char *value)
{
    check(r, fmt_json_writer_keyz(r->json, key));
    check(r, value ? fmt_json_writer_stringz(r->json, value) : fmt_json_writer_null(r->json));
}

static void json_count(dd_report *r, const char *key, uint64_t n)
{
    check(r, fmt_json_writer_keyz(r->json, key));
    check(r, fmt_json_writer_int64(r->json, (int64_t)n));
}

static void json_bool(dd_report *r, const char *key, int b)
{
    check(r, fmt_json_writer_keyz(r->json, key));
    check(r, fmt_json_writer_bool(r->json, b));
}

/* Inside the current table's object: opens the array name, closing the
 * one before it. */
static void json_array(dd_report *r, const char *name)
{
    if (r->array && name && strcmp(r->array, name) == 0)
        return;
    if (r->array)
        check(r, fmt_json_writer_array_end(r->json));
    r->array = name;
    if (name) {
        check(r, fmt_json_writer_keyz(r->json, name));
        check(r, fmt_json_writer_array_start(r->json));
    }
}

int dd_report_new(dd_report **out, const dd_report_options *opts, const char *a, const char *b)
{
    dd_report *r = calloc(1, sizeof *r);
    fmt_json_writer_options wo = FMT_JSON_WRITER_OPTIONS_INIT;
    *out = r;
    if (!r)
        return -1;
    r->opts = *opts;
    if (!json_mode(r))
        return 0;
    wo.indent_depth = 2; /* one line per table, per finding */
    if (fmt_json_writer_new(&r->json, stdout_sink, NULL, &wo) < 0)
        return -1;
    check(r, fmt_json_writer_object_start(r->json));
    json_member(r, "format", "dbdiff");
    json_member(r, "format_version", "1.0");
    json_member(r, "a", a);
    json_member(r, "b", b);
    check(r, fmt_json_writer_keyz(r->json, "tables"));
    check(r, fmt_json_writer_array_start(r->json));
    return 0;
}

void dd_report_free(dd_report *r)
{
    if (!r)
        return;
    fmt_json_writer_free(r->json);
    free(r->table);
    free(r);
}

void dd_report_table_begin(dd_report *r, const char *key)
{
    free(r->table);
    r->table = strdup(key);
    r->shown = r->shown_expected = r->differences = 0;
    r->tables++;
    r->in_table = 1;
    r->array = NULL;
    if (json_mode(r)) {
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "table", key);
    }
}

void dd_report_table_only(dd_report *r, const char *key, char side)
{
    r->tables++;
    if (side == 'A')
        r->only_a++;
    else
        r->only_b++;
    if (text_mode(r))
        line("table \"%s\": only in %c\n", key, side);
    if (json_mode(r)) {
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "table", key);
        json_member(r, "only_in", side == 'A' ? "A" : "B");
        check(r, fmt_json_writer_object_end(r->json));
    }
}

void dd_report_schema(dd_report *r, const char *kind, const char *object, const char *what,
                      int expected)
{
    if (expected)
        r->expected++;
    else {
        r->schema_differences++;
        r->differences++;
    }
    if (expected && !r->opts.show_expected)
        return;
    if (text_mode(r) && object)
        line("table \"%s\": %s%s \"%s\": %s\n", r->table, expected ? "expected: " : "", kind,
             object, what);
    else if (text_mode(r))
        line("table \"%s\": %s%s: %s\n", r->table, expected ? "expected: " : "", kind, what);
    if (json_mode(r)) {
        json_array(r, "schema");
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "kind", kind);
        json_member(r, "object", object);
        json_member(r, "what", what);
        json_bool(r, "expected", expected);
        check(r, fmt_json_writer_object_end(r->json));
    }
}

int dd_report_row_wanted(dd_report *r, dd_row_kind kind)
{
    if (kind == DD_EXPECTED)
        return r->opts.show_expected && r->shown_expected < r->opts.max_rows;
    return r->shown < r->opts.max_rows;
}

static const char *row_kind_name(dd_row_kind kind)
{
    return kind == DD_ONLY_A    ? "only in A"
           : kind == DD_ONLY_B  ? "only in B"
           : kind == DD_CHANGED ? "changed"
                                : "expected: changed";
}

static void json_key(dd_report *r, const dd_row_key *key)
{
    check(r, fmt_json_writer_keyz(r->json, "key"));
    check(r, fmt_json_writer_object_start(r->json));
    for (size_t i = 0; i < key->n; i++) {
        check(r, fmt_json_writer_keyz(r->json, key->table->columns[key->columns[i]].name));
        check(r, dd_value_json(r->json, &key->row[key->columns[i]]));
    }
    check(r, fmt_json_writer_object_end(r->json));
    json_member(r, "key_text", key->text);
}

void dd_report_row(dd_report *r, dd_row_kind kind, const dd_row_key *key, const char *columns)
{
    if (kind == DD_EXPECTED)
        r->shown_expected++;
    else
        r->shown++;
    if (text_mode(r))
        line("table \"%s\": %s: %s%s%s\n", r->table, row_kind_name(kind), key->text,
             columns ? ": " : "", columns ? columns : "");
    if (json_mode(r)) {
        static const char *const names[] = {"only_in_a", "only_in_b", "changed", "expected"};
        json_array(r, "rows");
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "kind", names[kind]);
        json_key(r, key);
        if (columns)
            json_member(r, "columns", columns);
        check(r, fmt_json_writer_object_end(r->json));
    }
}

void dd_report_rows_note(dd_report *r, const char *what, int is_difference)
{
    if (is_difference) {
        r->row_differences++;
        r->differences++;
    }
    if (text_mode(r))
        line("table \"%s\": %s\n", r->table, what);
    if (json_mode(r)) {
        json_array(r, "notes");
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "what", what);
        json_bool(r, "difference", is_difference);
        check(r, fmt_json_writer_object_end(r->json));
    }
}

void dd_report_table_end(dd_report *r, const dd_row_counts *n)
{
    uint64_t only_a = n->only_a, only_b = n->only_b, changed = n->changed;
    uint64_t rows_a = n->rows_a, rows_b = n->rows_b, rows = only_a + only_b + changed;
    if (!r->in_table)
        return;
    r->in_table = 0;
    r->expected += n->expected;
    r->row_differences += rows;
    r->differences += rows;
    if (r->differences)
        r->tables_different++;
    else
        r->tables_equal++;
    if (text_mode(r) && rows)
        line("table \"%s\": rows: %llu in A, %llu in B: %llu only in A, %llu only in B, "
             "%llu changed%s\n",
             r->table, (unsigned long long)rows_a, (unsigned long long)rows_b,
             (unsigned long long)only_a, (unsigned long long)only_b, (unsigned long long)changed,
             rows > r->shown ? " (not all shown: --max-rows)" : "");
    if (json_mode(r)) {
        json_array(r, NULL);
        json_bool(r, "equal", r->differences == 0);
        json_count(r, "rows_a", rows_a);
        json_count(r, "rows_b", rows_b);
        json_count(r, "only_in_a", only_a);
        json_count(r, "only_in_b", only_b);
        json_count(r, "changed", changed);
        json_count(r, "expected", n->expected);
        check(r, fmt_json_writer_object_end(r->json));
    }
}

void dd_report_object(dd_report *r, const char *kind, const char *name, const char *what,
                      int expected)
{
    if (expected)
        r->expected++;
    else
        r->schema_differences++;
    if (expected && !r->opts.show_expected)
        return;
    if (text_mode(r))
        line("%s%s \"%s\": %s\n", expected ? "expected: " : "", kind, name, what);
    if (json_mode(r)) {
        if (!r->array) {
            check(r, fmt_json_writer_array_end(r->json)); /* "tables" */
            check(r, fmt_json_writer_keyz(r->json, "objects"));
            check(r, fmt_json_writer_array_start(r->json));
            r->array = "objects";
        }
        check(r, fmt_json_writer_object_start(r->json));
        json_member(r, "kind", kind);
        json_member(r, "name", name);
        json_member(r, "what", what);
        json_bool(r, "expected", expected);
        check(r, fmt_json_writer_object_end(r->json));
    }
}

static void json_summary(dd_report *r, int different)
{
    if (!r->array) { /* "tables" is still open: no object was reported */
        check(r, fmt_json_writer_array_end(r->json));
        check(r, fmt_json_writer_keyz(r->json, "objects"));
        check(r, fmt_json_writer_array_start(r->json));
    }
    check(r, fmt_json_writer_array_end(r->json));
    check(r, fmt_json_writer_keyz(r->json, "summary"));
    check(r, fmt_json_writer_object_start(r->json));
    json_bool(r, "equal", !different);
    json_count(r, "tables", r->tables);
    json_count(r, "tables_equal", r->tables_equal);
    json_count(r, "tables_different", r->tables_different);
    json_count(r, "tables_only_in_a", r->only_a);
    json_count(r, "tables_only_in_b", r->only_b);
    json_count(r, "row_differences", r->row_differences);
    json_count(r, "schema_differences", r->schema_differences);
    json_count(r, "expected", r->expected);
    check(r, fmt_json_writer_object_end(r->json));
    check(r, fmt_json_writer_object_end(r->json));
    check(r, fmt_json_writer_finish(r->json));
}

int dd_report_finish(dd_report *r)
{
    int different = r->only_a || r->only_b || r->row_differences || r->schema_differences;
    if (text_mode(r))
        line("%s: %llu tables: %llu equal, %llu different, %llu only in A, %llu only in B; "
             "%llu row differences, %llu schema differences; %llu expected across backends%s\n",
             different ? "different" : "equal", (unsigned long long)r->tables,
             (unsigned long long)r->tables_equal, (unsigned long long)r->tables_different,
             (unsigned long long)r->only_a, (unsigned long long)r->only_b,
             (unsigned long long)r->row_differences, (unsigned long long)r->schema_differences,
             (unsigned long long)r->expected,
             r->expected && !r->opts.show_expected ? " (--show-expected lists them)" : "");
    if (json_mode(r))
        json_summary(r, different);
    if (fflush(stdout) != 0 || ferror(stdout))
        r->failed = 1;
    return r->failed ? -1 : different;
}
