/* The rows of one table on both sides, streamed. With the same primary key
 * on both sides the rows are merged in key order, as both sides hand them
 * over (exports are written in key order, and a database is read in it),
 * holding one row per side: rows only in A, only in B, and changed rows
 * with their changed columns. Without one, the tables are compared as
 * multisets of rows by an order-independent 128-bit digest, which is
 * constant memory too but cannot name the rows (docs/DBDIFF.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdiff.h"
#include "diag.h"
#include "sqlite_types.h"

typedef struct {
    size_t n;       /* columns both sides have (generated ones left out) */
    size_t *ia;     /* their index in A's table */
    size_t *ib;     /* in B's */
    size_t nkey;    /* 0: no common primary key, or one the sides order apart */
    size_t *key_ia; /* the key's columns */
    size_t *key_ib;
    unsigned char *key_as_text; /* per key column: both sides sort it as text */
    char *unkeyed;              /* why the rows are compared as multisets */
} column_map;

/* A copy of the previous row's key, for the order check. */
typedef struct {
    fmt_value *values;
    db_buf bytes;
    int set;
} saved_key;

typedef struct {
    dd_report *report;
    dd_side *side[2];
    const fmt_table *table[2];
    const dd_value_mode *mode;
    column_map map;
    const fmt_value *row[2];
    const unsigned char *present[2];
    saved_key last[2];
    db_buf canon[2], text;
    uint64_t rows[2], only[2], changed, expected;
    dd_progress *progress;
    char **errmsg;
} row_merge;

static void map_free(column_map *m)
{
    free(m->ia);
    free(m->ib);
    free(m->key_ia);
    free(m->key_ib);
    free(m->key_as_text);
    free(m->unkeyed);
}

static int find_stored(const fmt_table *t, const char *name, size_t *at)
{
    int i = fmt_table_find_column(t, name);
    if (i < 0 || t->columns[i].generated_sql)
        return 0;
    *at = (size_t)i;
    return 1;
}

/* The common stored columns, and the primary key if both sides have the
 * same one. */
static int map_columns(column_map *m, const fmt_table *a, const fmt_table *b)
{
    size_t n = a->ncolumns ? a->ncolumns : 1;
    m->ia = calloc(n, sizeof *m->ia);
    m->ib = calloc(n, sizeof *m->ib);
    if (!m->ia || !m->ib)
        return -1;
    for (size_t i = 0; i < a->ncolumns; i++) {
        size_t j;
        if (!a->columns[i].generated_sql && find_stored(b, a->columns[i].name, &j)) {
            m->ia[m->n] = i;
            m->ib[m->n++] = j;
        }
    }
    const fmt_key *ka = a->primary_key, *kb = b->primary_key;
    if (!ka || !kb || ka->ncolumns == 0 || ka->ncolumns != kb->ncolumns)
        return 0;
    m->key_ia = calloc(ka->ncolumns, sizeof *m->key_ia);
    m->key_ib = calloc(ka->ncolumns, sizeof *m->key_ib);
    if (!m->key_ia || !m->key_ib)
        return -1;
    for (size_t k = 0; k < ka->ncolumns; k++)
        if (strcmp(ka->columns[k], kb->columns[k]) != 0 ||
            !find_stored(a, ka->columns[k], &m->key_ia[k]) ||
            !find_stored(b, kb->columns[k], &m->key_ib[k]))
            return 0;
    m->nkey = ka->ncolumns;
    return 0;
}

/* Whether side s sorts column col as text: a SQLite column of TEXT
 * affinity holds every value as text, in bytewise order, whatever its
 * portable type. A PostgreSQL numeric becomes "DECIMAL TEXT" there, to stay
 * exact, so its copy sorts "10" before "2", and a file from that copy is in
 * that order too, although its values are decimals. Elsewhere, and in
 * other SQLite columns, numbers sort by value. */
static int sorts_as_text(const fmt_table *t, size_t col, int sqlite)
{
    const char *declared = t->columns[col].native_type;
    return sqlite && declared && sqlite_type_affinity(declared) == DB_SQLITE_AFFINITY_TEXT;
}

/* Merging needs both sides in one key order. Where a key column sorts as
 * text on one side and by value on the other, no merge in constant memory
 * can pair the rows: the table is compared as a multiset instead, and the
 * note says why. 0, or -1 when memory ran out. */
static int check_key_orders(column_map *m, const fmt_table *a, const fmt_table *b,
                            const dd_value_mode *mode)
{
    if (!m->nkey) {
        int both = a->primary_key && a->primary_key->ncolumns && b->primary_key &&
                   b->primary_key->ncolumns;
        m->unkeyed = db_format("%s", both ? "the primary keys differ" : "no primary key");
        return m->unkeyed ? 0 : -1;
    }
    if (!(m->key_as_text = calloc(m->nkey, 1)))
        return -1;
    for (size_t k = 0; k < m->nkey; k++) {
        int ta = sorts_as_text(a, m->key_ia[k], mode->sqlite_side[0]);
        int tb = sorts_as_text(b, m->key_ib[k], mode->sqlite_side[1]);
        if (ta == tb) {
            m->key_as_text[k] = (unsigned char)ta;
            continue;
        }
        m->unkeyed = db_format("key column \"%s\" sorts as text in %c (SQLite %s) and by value in "
                               "%c, so rows cannot be paired by key",
                               a->columns[m->key_ia[k]].name, ta ? 'A' : 'B',
                               (ta ? a : b)->columns[ta ? m->key_ia[k] : m->key_ib[k]].native_type,
                               ta ? 'B' : 'A');
        m->nkey = 0;
        return m->unkeyed ? 0 : -1;
    }
    return 0;
}

static int fail(row_merge *rm, const char *fmt, const char *detail)
{
    *rm->errmsg = db_format(fmt, detail);
    return -1;
}

/* The next row of side s (0 is A), or NULL at the end. */
static int advance(row_merge *rm, int s)
{
    int rc = dd_side_next_row(rm->side[s], &rm->row[s], &rm->present[s]);
    if (rc < 0)
        return fail(rm, "%s", dd_side_errmsg(rm->side[s]));
    if (rc == 0) {
        rm->row[s] = NULL;
    } else if (++rm->rows[s] > rm->rows[!s]) {
        dd_progress_rows(rm->progress, rm->rows[s]);
    }
    return 0;
}

static const size_t *key_columns(const row_merge *rm, int s)
{
    return s ? rm->map.key_ib : rm->map.key_ia;
}

/* Key column k of two rows, in the order both sides sort it: as text
 * (the bytes of a text or a decimal's digits), or numbers by value. */
static int key_cmp(const column_map *m, size_t k, const fmt_value *a, const fmt_value *b)
{
    int text_a = a->kind == FMT_VALUE_TEXT || a->kind == FMT_VALUE_DECIMAL;
    int text_b = b->kind == FMT_VALUE_TEXT || b->kind == FMT_VALUE_DECIMAL;
    if (!m->key_as_text[k] || !text_a || !text_b)
        return dd_value_key_cmp(a, b);
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->bytes, b->bytes, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int compare_keys(const row_merge *rm)
{
    const column_map *m = &rm->map;
    for (size_t k = 0; k < m->nkey; k++) {
        int c = key_cmp(m, k, &rm->row[0][m->key_ia[k]], &rm->row[1][m->key_ib[k]]);
        if (c)
            return c;
    }
    return 0;
}

/* "id=3" or "a=1, b=\"x\"": the key of side s's current row. */
static const char *key_text(row_merge *rm, int s)
{
    const size_t *k = key_columns(rm, s);
    db_buf_reset(&rm->text);
    for (size_t i = 0; i < rm->map.nkey; i++) {
        db_buf_printf(&rm->text, "%s%s=", i ? ", " : "", rm->table[s]->columns[k[i]].name);
        dd_value_show(&rm->text, &rm->row[s][k[i]]);
    }
    return rm->text.buf ? rm->text.buf : "";
}

/* Side s's current key, for the report. */
static dd_row_key row_key(row_merge *rm, int s)
{
    dd_row_key key = {key_text(rm, s), rm->table[s], rm->row[s], key_columns(rm, s), rm->map.nkey};
    return key;
}

/* Whether v's bytes/len are its value (a source may leave len set on an
 * integer). */
static int has_bytes(const fmt_value *v)
{
    return (v->kind == FMT_VALUE_TEXT || v->kind == FMT_VALUE_BLOB ||
            v->kind == FMT_VALUE_DECIMAL || v->kind == FMT_VALUE_JSON) &&
           v->len > 0;
}

/* Keeps side s's current key to check that the next one comes after it:
 * a side that is not in the order dbdiff merges in would otherwise give
 * wrong answers in silence. */
static int check_order(row_merge *rm, int s)
{
    saved_key *last = &rm->last[s];
    const size_t *k = key_columns(rm, s);
    if (last->set) {
        for (size_t i = 0; i < rm->map.nkey; i++) {
            int c = key_cmp(&rm->map, i, &last->values[i], &rm->row[s][k[i]]);
            if (c < 0)
                break;
            if (c > 0 || i + 1 == rm->map.nkey) {
                char *what = db_format("the key (%s) does not come after the row before "
                                       "it in primary key order, in which dbdiff merges rows "
                                       "(numbers by value, text bytewise)",
                                       key_text(rm, s));
                char *msg = what ? dd_side_error_at_row(rm->side[s], what) : NULL;
                free(what);
                *rm->errmsg = msg;
                return -1;
            }
        }
    }
    if (!last->values && !(last->values = calloc(rm->map.nkey, sizeof *last->values)))
        return fail(rm, "%s", "out of memory");
    db_buf_reset(&last->bytes);
    for (size_t i = 0; i < rm->map.nkey; i++)
        if (has_bytes(&rm->row[s][k[i]]))
            db_buf_addn(&last->bytes, rm->row[s][k[i]].bytes, rm->row[s][k[i]].len);
    if (db_buf_reserve(&last->bytes, 1) < 0)
        return fail(rm, "%s", "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < rm->map.nkey; i++) {
        last->values[i] = rm->row[s][k[i]];
        last->values[i].array = NULL;
        if (!has_bytes(&last->values[i])) {
            last->values[i].bytes = ""; /* nothing of the row may outlive it */
            last->values[i].len = 0;
            continue;
        }
        last->values[i].bytes = last->bytes.buf + at;
        at += last->values[i].len;
    }
    last->set = 1;
    return 0;
}

/* Canonical bytes of column c (an index into the map) of side s. */
static int canon_column(row_merge *rm, int s, size_t c, db_buf *out, const dd_value_mode *mode)
{
    size_t col = s ? rm->map.ib[c] : rm->map.ia[c];
    if (rm->present[s] && !rm->present[s][col]) {
        db_buf_add(out, "?"); /* absent from the file's row: the column's default */
        return 0;
    }
    return dd_value_canon(out, &rm->row[s][col], &rm->table[s]->columns[col].type, mode);
}

/* Column c of both current rows: 0 equal, 1 different, 2 equal only in
 * what one backend cannot hold, -1 out of memory. */
static int column_differs(row_merge *rm, size_t c)
{
    dd_value_mode lossy = *rm->mode;
    for (int pass = 0; pass < 2; pass++) {
        db_buf_reset(&rm->canon[0]);
        db_buf_reset(&rm->canon[1]);
        if (canon_column(rm, 0, c, &rm->canon[0], pass ? &lossy : rm->mode) < 0 ||
            canon_column(rm, 1, c, &rm->canon[1], pass ? &lossy : rm->mode) < 0)
            return -1;
        if (rm->canon[0].len == rm->canon[1].len &&
            memcmp(rm->canon[0].buf, rm->canon[1].buf, rm->canon[0].len) == 0)
            return pass ? 2 : 0;
        if (!rm->mode->across)
            return 1;
        lossy.lossy = 1;
    }
    return 1;
}

static void show_column(row_merge *rm, int s, size_t c, db_buf *out)
{
    size_t col = s ? rm->map.ib[c] : rm->map.ia[c];
    if (rm->present[s] && !rm->present[s][col])
        db_buf_add(out, "(absent: the default)");
    else
        dd_value_show(out, &rm->row[s][col]);
}

/* "title: \"a\" -> \"b\"; ...": the columns of the current rows whose
 * column_differs is want, at most 8 of them. */
static int describe_columns(row_merge *rm, int want, size_t n, db_buf *out)
{
    size_t shown = 0;
    for (size_t c = 0; c < rm->map.n && shown < 8; c++) {
        int d = column_differs(rm, c);
        if (d < 0)
            return -1;
        if (d != want)
            continue;
        db_buf_printf(out, "%s%s: ", shown++ ? "; " : "",
                      rm->table[0]->columns[rm->map.ia[c]].name);
        show_column(rm, 0, c, out);
        db_buf_add(out, " -> ");
        show_column(rm, 1, c, out);
    }
    if (n > shown)
        db_buf_printf(out, "; and %zu more columns", n - shown);
    return out->oom ? -1 : 0;
}

/* The rows with the same key: which columns differ. A row that differs
 * only in what one backend cannot hold is expected, not changed. */
static int compare_matched(row_merge *rm)
{
    size_t count[3] = {0, 0, 0};
    for (size_t c = 0; c < rm->map.n; c++) {
        int d = column_differs(rm, c);
        if (d < 0)
            return fail(rm, "%s", "out of memory");
        count[d]++;
    }
    int want = count[1] ? 1 : count[2] ? 2 : 0;
    if (!want)
        return 0;
    if (want == 1)
        rm->changed++;
    else
        rm->expected++;
    if (!dd_report_row_wanted(rm->report, want == 1 ? DD_CHANGED : DD_EXPECTED))
        return 0;
    db_buf changes = {0};
    int rc = describe_columns(rm, want, count[want], &changes);
    if (rc == 0) {
        dd_row_key key = row_key(rm, 0);
        dd_report_row(rm->report, want == 1 ? DD_CHANGED : DD_EXPECTED, &key,
                      changes.buf ? changes.buf : "");
    }
    db_buf_free(&changes);
    return rc < 0 ? fail(rm, "%s", "out of memory") : 0;
}

static int step(row_merge *rm, int s)
{
    if (advance(rm, s) < 0)
        return -1;
    return rm->row[s] ? check_order(rm, s) : 0;
}

static int merge_by_key(row_merge *rm)
{
    if (step(rm, 0) < 0 || step(rm, 1) < 0)
        return -1;
    while (rm->row[0] || rm->row[1]) {
        int c = !rm->row[0] ? 1 : !rm->row[1] ? -1 : compare_keys(rm);
        if (c == 0) {
            if (compare_matched(rm) < 0 || step(rm, 0) < 0 || step(rm, 1) < 0)
                return -1;
            continue;
        }
        int s = c < 0 ? 0 : 1;
        rm->only[s]++;
        if (dd_report_row_wanted(rm->report, DD_ONLY_A)) {
            dd_row_key key = row_key(rm, s);
            dd_report_row(rm->report, s ? DD_ONLY_B : DD_ONLY_A, &key, NULL);
        }
        if (step(rm, s) < 0)
            return -1;
    }
    return 0;
}

/* ---- without a common primary key ---- */

typedef struct {
    uint64_t sum[2]; /* two independent 64-bit hashes, summed: order does not count */
} digest;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void digest_add(digest *d, const db_buf *row)
{
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    for (size_t i = 0; i < row->len; i++) {
        unsigned char c = (unsigned char)row->buf[i];
        h1 = (h1 ^ c) * 0x100000001b3ULL;
        h2 = (h2 ^ c) * 0x9e3779b97f4a7c15ULL + 1;
    }
    d->sum[0] += mix(h1 ^ row->len);
    d->sum[1] += mix(h2 + 0x632be59bd9b4e019ULL);
}

/* The whole row's canonical bytes, each column length-prefixed. */
static int canon_row(row_merge *rm, int s, db_buf *out)
{
    db_buf one = {0};
    db_buf_reset(out);
    for (size_t c = 0; c < rm->map.n; c++) {
        db_buf_reset(&one);
        dd_value_mode lossy = *rm->mode;
        lossy.lossy = rm->mode->across;
        if (canon_column(rm, s, c, &one, &lossy) < 0)
            break;
        db_buf_printf(out, "%zu:", one.len);
        db_buf_addn(out, one.buf, one.len);
    }
    int oom = one.oom || out->oom;
    db_buf_free(&one);
    return oom ? -1 : 0;
}

/* A row for people: "(a=1, b=\"x\")". */
static void show_row(row_merge *rm, int s, db_buf *out)
{
    db_buf_addc(out, '(');
    for (size_t c = 0; c < rm->map.n && c < 8; c++) {
        size_t col = s ? rm->map.ib[c] : rm->map.ia[c];
        db_buf_printf(out, "%s%s=", c ? ", " : "", rm->table[s]->columns[col].name);
        show_column(rm, s, c, out);
    }
    db_buf_add(out, rm->map.n > 8 ? ", ...)" : ")");
}

static int compare_as_multisets(row_merge *rm)
{
    digest d[2] = {{{0, 0}}, {{0, 0}}};
    uint64_t first_difference = 0;
    db_buf where = {0};
    int rc = 0;
    for (;;) {
        if ((rc = advance(rm, 0)) < 0 || (rc = advance(rm, 1)) < 0)
            break;
        if (!rm->row[0] && !rm->row[1])
            break;
        for (int s = 0; s < 2 && rc == 0; s++) {
            if (!rm->row[s])
                continue;
            rc = canon_row(rm, s, &rm->canon[s]);
            if (rc == 0)
                digest_add(&d[s], &rm->canon[s]);
        }
        if (rc < 0) {
            rc = fail(rm, "%s", "out of memory");
            break;
        }
        int same = rm->row[0] && rm->row[1] && rm->canon[0].len == rm->canon[1].len &&
                   memcmp(rm->canon[0].buf, rm->canon[1].buf, rm->canon[0].len) == 0;
        if (!same && !first_difference) {
            first_difference = rm->rows[0] > rm->rows[1] ? rm->rows[0] : rm->rows[1];
            for (int s = 0; s < 2; s++) {
                db_buf_add(&where, s ? ", B " : "A ");
                if (rm->row[s])
                    show_row(rm, s, &where);
                else
                    db_buf_add(&where, "(no more rows)");
            }
        }
    }
    if (rc == 0 && first_difference) {
        int equal =
            rm->rows[0] == rm->rows[1] && d[0].sum[0] == d[1].sum[0] && d[0].sum[1] == d[1].sum[1];
        char *note =
            equal ? db_format("%s: the same rows in another order", rm->map.unkeyed)
                  : db_format("%s: the rows differ (compared as multisets; first difference in "
                              "file order at row %llu: %s)",
                              rm->map.unkeyed, (unsigned long long)first_difference,
                              where.buf ? where.buf : "");
        dd_report_rows_note(rm->report, note ? note : "the rows differ", !equal);
        free(note);
    }
    db_buf_free(&where);
    return rc;
}

int dd_compare_rows(dd_report *r, dd_side *a, const fmt_table *ta, dd_side *b, const fmt_table *tb,
                    const dd_value_mode *m, dd_progress *progress, char **errmsg)
{
    row_merge rm = {.report = r,
                    .side = {a, b},
                    .table = {ta, tb},
                    .mode = m,
                    .progress = progress,
                    .errmsg = errmsg};
    int rc;
    *errmsg = NULL;
    if (map_columns(&rm.map, ta, tb) < 0 || check_key_orders(&rm.map, ta, tb, m) < 0)
        rc = fail(&rm, "%s", "out of memory");
    else
        rc = rm.map.nkey ? merge_by_key(&rm) : compare_as_multisets(&rm);
    if (rc == 0) {
        dd_row_counts n = {rm.rows[0], rm.rows[1], rm.only[0], rm.only[1], rm.changed, rm.expected};
        dd_report_table_end(r, &n);
    }
    for (int s = 0; s < 2; s++) {
        free(rm.last[s].values);
        db_buf_free(&rm.last[s].bytes);
        db_buf_free(&rm.canon[s]);
    }
    db_buf_free(&rm.text);
    map_free(&rm.map);
    return rc;
}
