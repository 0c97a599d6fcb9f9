/* dbdiff's parts, shared between its files: a side (an export file or a
 * database, read as tables and rows in document order: side.c), values
 * compared by meaning (values.c, json_canon.c), the comparisons of rows
 * (compare_rows.c), of schemas (compare_schema.c, compare_access.c) and of
 * what is outside the tables (compare_header.c), and the report, as text
 * or as one JSON document (report.c). main.c owns the command line. */
#ifndef DD_DBDIFF_H
#define DD_DBDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "source.h"
#include "sqlbuf.h"
#include "value.h"

/* ---- side.c: one operand, A or B ---- */

typedef struct dd_side dd_side;

/* Opens operand: an export file ("-" is stdin; plain or gzip) or a
 * database locator, read the way dbexport reads it (one read-only
 * snapshot). sel chooses the tables (-t/-T/-n/-N) on either kind. Returns
 * 0, or <0 with the message in dd_side_errmsg (*out is set unless memory
 * ran out). */
int dd_side_open(dd_side **out, const char *operand, const db_source_options *sel);
void dd_side_free(dd_side *s);
/* The operand as messages show it (a password masked). */
const char *dd_side_name(const dd_side *s);
const fmt_header *dd_side_header(const dd_side *s);
/* The next selected table, in document order (by key, bytewise): 1 with
 * *t (valid until the next call), 0 after the last one, <0 on error. The
 * rows of the table before it that were not read are skipped. */
int dd_side_next_table(dd_side *s, const fmt_table **t);
/* The current table's next row: 1 with values (ncolumns entries; present
 * may be NULL: all present), valid until the next call; 0 at the end. */
int dd_side_next_row(dd_side *s, const fmt_value **values, const unsigned char **present);
/* Rows read so far in the current table. */
uint64_t dd_side_row_number(const dd_side *s);
/* For the progress line: a file's raw (maybe compressed) bytes read so far
 * and its size when it is a regular file; 0 and 0 for a database or a
 * pipe's size. */
uint64_t dd_side_bytes_read(const dd_side *s);
uint64_t dd_side_size(const dd_side *s);
/* For the progress line of a database: its selected tables' rows, as its
 * source estimates them (cheaply, exporter/source.h). 1 with *rows, 0 when
 * it cannot tell (a file: its size says how far it is), <0 on error. Before
 * the first dd_side_next_table. */
int dd_side_estimate_rows(dd_side *s, uint64_t *rows);
/* A message about the current row, with its position as the reader's
 * errors have it (a file: line, column, byte, table, row). Caller frees;
 * NULL when memory ran out. */
char *dd_side_error_at_row(dd_side *s, const char *what);
/* Views and triggers; only after dd_side_next_table returned 0. */
int dd_side_objects(dd_side *s, const fmt_native_object **objects, size_t *n);
const char *dd_side_errmsg(const dd_side *s);

/* ---- values.c: values by meaning ---- */

/* How values of the two sides are read. across: the sides' backends
 * differ, so a value in another backend's representation is the same value
 * (SQLite's JSON text and PostgreSQL's jsonb, a char(n)'s padding, NaN as
 * text in SQLite). lossy: also what one backend cannot hold (docs/MAPPING.md:
 * a -0 in a SQLite REAL, the storage class of a number in an untyped SQLite
 * column, a uuid's case): two values equal only this way differ as
 * expected across backends. */
typedef struct {
    int across;
    int lossy;
    int sqlite;         /* both sides are SQLite */
    int sqlite_side[2]; /* A, B: that side is SQLite */
} dd_value_mode;

/* Appends to out the canonical bytes of v, a value of a column of type t:
 * two values are equal by meaning exactly when their canonical bytes are
 * equal. 0, or -1 when out ran out of memory. */
int dd_value_canon(db_buf *out, const fmt_value *v, const fmt_type *t, const dd_value_mode *m);
/* Orders two primary-key values as the sources order them (numbers by
 * value, text and bytes bytewise, NULL first): <0, 0, >0. */
int dd_value_key_cmp(const fmt_value *a, const fmt_value *b);
/* A short text of v for people: at most about 60 characters of it. */
void dd_value_show(db_buf *out, const fmt_value *v);
struct fmt_json_writer;
/* v as a JSON value, in the file's forms (docs/FORMAT.md 3.2): numbers,
 * strings, booleans, null, a decimal as its string, and {"$blob": base64},
 * {"$text_base64": ...} for bytes and text that is not UTF-8. 0 or <0. */
int dd_value_json(struct fmt_json_writer *w, const fmt_value *v);
/* The canonical form of a decimal number text ("1.50" and "1.5e0" give
 * the same). 0, or -1 when s is not a decimal (then nothing is added). */
int dd_decimal_canon(db_buf *out, const char *s, size_t len);

/* ---- json_canon.c ---- */

/* Canonical bytes of a JSON text: object keys sorted bytewise, numbers by
 * their exact decimal value, whitespace gone. 0, -1 for memory, -2 when
 * the text is not JSON. */
int dd_json_canon(db_buf *out, const char *json, size_t len);
/* The pieces both JSON texts and array values are made of, so that a
 * parsed array and its JSON text compare equal. */
void dd_canon_string(db_buf *out, const char *s, size_t len);
/* A number lexeme; -1 when it is not a number. */
int dd_canon_number(db_buf *out, const char *s, size_t len);

/* ---- report.c: what was found, as text or JSON ---- */

/* DD_EXPECTED: changed only in what one backend cannot hold. */
typedef enum { DD_ONLY_A, DD_ONLY_B, DD_CHANGED, DD_EXPECTED } dd_row_kind;

typedef struct {
    int format_json;
    int quiet;
    int show_expected;
    uint64_t max_rows;
} dd_report_options;

typedef struct dd_report dd_report;

int dd_report_new(dd_report **out, const dd_report_options *opts, const char *a, const char *b);
void dd_report_free(dd_report *r);
/* One table's findings go between table_begin and table_end. */
void dd_report_table_begin(dd_report *r, const char *key);
/* A table that only one side has (side 'A' or 'B'). */
void dd_report_table_only(dd_report *r, const char *key, char side);
/* A schema difference ("column", "index", ...), what it is, and whether
 * it is expected across backends (docs/MAPPING.md). */
void dd_report_schema(dd_report *r, const char *kind, const char *object, const char *what,
                      int expected);
/* Whether the next row of this kind will be shown (--max-rows,
 * --show-expected). */
int dd_report_row_wanted(dd_report *r, dd_row_kind kind);
/* A row's primary key: its text for people ("id=3"), and its values
 * (row[columns[i]] for the n key columns of table) for --format=json. */
typedef struct {
    const char *text;
    const fmt_table *table;
    const fmt_value *row;
    const size_t *columns;
    size_t n;
} dd_row_key;
/* A row difference: its key and, for a changed row, the changed columns'
 * text ("title: \"a\" -> \"b\""). */
void dd_report_row(dd_report *r, dd_row_kind kind, const dd_row_key *key, const char *columns);
/* A note on the table's rows that is not one row ("the rows differ as a
 * multiset: ..."), counted as a difference unless expected. */
void dd_report_rows_note(dd_report *r, const char *what, int is_difference);
typedef struct {
    uint64_t rows_a, rows_b, only_a, only_b, changed;
    uint64_t expected; /* rows changed only as expected across backends */
} dd_row_counts;
void dd_report_table_end(dd_report *r, const dd_row_counts *n);
/* Views and triggers: one difference outside any table. */
void dd_report_object(dd_report *r, const char *kind, const char *name, const char *what,
                      int expected);
/* Writes the summary. Returns 1 when a difference was found, 0 when none,
 * -1 when the output failed. */
int dd_report_finish(dd_report *r);

/* ---- compare_schema.c: one table's schema ---- */

/* Reports how table b differs from a (columns, types, nullability,
 * defaults, keys, indexes, constraints, comments, sequence options, and
 * compare_access.c's kinds). */
void dd_compare_table_schema(dd_report *r, const fmt_table *a, const fmt_table *b,
                             const dd_value_mode *m);

/* A schema finding in the current table: its kind ("column", "policy"),
 * the object it is about (a column's or constraint's name; NULL: the table
 * itself), reported with dd_found. */
typedef struct {
    dd_report *report;
    const dd_value_mode *mode;
    const char *kind;
    const char *object;
} dd_finding;
void dd_found(const dd_finding *f, int expected, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An object of side A (side 0) or B (1) as text tx, and ty, the text of
 * its match on the other side when matched: "only in A/B", or "tx -> ty"
 * when they differ; expected when A and B are of different backends. */
void dd_found_pair(const dd_finding *f, int side, int matched, const char *tx, const char *ty);
/* Two strings, either NULL: equal. */
int dd_same(const char *a, const char *b);
const char *dd_or_none(const char *s);
/* "(a, b)"; an index as one text ("unique (a desc) include (b) where
 * ..."). Caller frees; NULL for memory. */
char *dd_column_list(char *const *columns, size_t n);
char *dd_index_text(const fmt_index *ix);
/* A text for people, quoted and cut as values are ("(none)" for NULL). */
void dd_show_text(db_buf *out, const char *s);

/* ---- compare_access.c: who sees what ---- */

/* Row-level security and policies; owners and grants when both tables
 * carry them (dbexport --privileges, dbdiff --privileges). */
void dd_compare_table_access(dd_finding *f, const fmt_table *a, const fmt_table *b);
/* The owner and grants of an object outside the tables, when both sides
 * carry them: 'privileges "KIND NAME": owner: a -> b', grants likewise. */
void dd_compare_object_privileges(dd_report *r, const char *kind, const char *name,
                                  const fmt_privileges *pa, const fmt_privileges *pb, int expected);

/* ---- compare_header.c: what is outside the tables ---- */

/* Enums, domains, composite types, extensions, functions and procedures,
 * stand-alone sequences, SQLite's user_version and application_id, and
 * the comments on types and functions (header data). */
void dd_compare_header(dd_report *r, const fmt_header *a, const fmt_header *b,
                       const dd_value_mode *m);
/* A sequence's options, and a stand-alone one's type, OWNED BY and value,
 * as one text to compare and show. Caller frees; NULL for memory. */
char *dd_sequence_text(const fmt_sequence *q);
/* Views, materialized views (with their indexes) and their comments, and
 * triggers. */
void dd_compare_objects(dd_report *r, const fmt_native_object *a, size_t na,
                        const fmt_native_object *b, size_t nb, const dd_value_mode *m);

/* ---- diff.c: the progress line (tools/cli/progress.h) ---- */

typedef struct dd_progress dd_progress;
/* rows: the current table's rows read so far on the side that read more.
 * Cheap per row; p may be NULL (no progress). */
void dd_progress_rows(dd_progress *p, uint64_t rows);

/* ---- compare_rows.c ---- */

/* Streams both sides' rows of the current table pair and reports the
 * differences: merged by primary key when both sides have the same one,
 * else as multisets (an order-independent digest). 0, or -1 with *errmsg
 * (the caller frees it) when a side failed or is not in key order.
 * progress (may be NULL) hears of each row read. */
int dd_compare_rows(dd_report *r, dd_side *a, const fmt_table *ta, dd_side *b, const fmt_table *tb,
                    const dd_value_mode *m, dd_progress *progress, char **errmsg);

/* ---- diff.c: one comparison ---------------------------------------------- */

typedef struct {
    const char *a, *b;           /* operands: files or database locators */
    db_source_options selection; /* -t/-T/-n/-N */
    dd_report_options report;
    int data_only, schema_only;
    int selected;         /* a selection was given: views, triggers, types not compared */
    int file_tables_only; /* B's tables that A lacks are not reported (dbimport --verify) */
    int verbose;          /* a line per table, and progress lines when stderr is no terminal */
} dd_diff_options;

/* Compares a with b and prints the report on stdout. 0 equal, 1
 * different, 2 trouble (reported on stderr), as diff(1). */
int dd_diff(const dd_diff_options *o);

#endif
