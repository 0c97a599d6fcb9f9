/* The SQLite source: reads one database file, read-only, inside one read
 * transaction, and describes it with the format's table model. The pragmas
 * give columns, keys, foreign keys and indexes; what they do not report
 * (collations, generation expressions, CHECKs, constraint names,
 * AUTOINCREMENT, deferral, index expressions) comes from scanning the
 * stored DDL (sqlite_ddl.c).
 *
 * Ownership: the tables and native objects handed out belong to the caller
 * (fmt_table_free each table and free the array; fmt_native_object_clear
 * each object and free the array); each call reads them afresh. Warning
 * lines belong to the state and stay valid until close(). open() sets
 * *state even when it fails, so that errmsg() can tell why; close() must
 * be called either way. */
#include "source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "json_compact.h"
#include "ddl_scan.h"
#include "select.h"
#include "strlist.h"

#define BUSY_TIMEOUT_MS 5000

typedef struct {
    sqlite3 *db;
    char *path;             /* as given, for messages and the header */
    db_selection selection; /* -t/-T */
    char **exclude;
    char errmsg[1024];

    bool schema_read; /* the tables were listed once: warnings, selected */
    char **selected;  /* names of the exported tables */
    size_t nselected;
    bool quiet; /* a second listing: its warnings are already there */
    char **warnings;
    size_t nwarnings;

    sqlite3_stmt *rows;
    char *rows_table;
    const fmt_table *rows_t; /* the table being read, for its column types */
    int *rows_map;           /* per column: result column, or -1 for a generated one */
    size_t rows_ncolumns;
} sqlite_src;

/* ---- messages ---------------------------------------------------------- */

static int fail(sqlite_src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return -1;
}

static int add_warning(sqlite_src *s, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *line, **grown;
    if (s->quiet) {
        return 0;
    }
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        return fail(s, "cannot format a warning");
    }
    line = malloc((size_t)len + 1);
    grown = line ? realloc(s->warnings, (s->nwarnings + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(line);
        return fail(s, "out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(line, (size_t)len + 1, fmt, ap);
    va_end(ap);
    grown[s->nwarnings++] = line;
    s->warnings = grown;
    return 0;
}

/* ---- small helpers ----------------------------------------------------- */

static int ascii_casecmp(const char *a, const char *b)
{
    return sqlite3_stricmp(a, b);
}

static char *dup_text(sqlite3_stmt *st, int col)
{
    const unsigned char *p = sqlite3_column_text(st, col);
    return p ? fmt_strdup((const char *)p) : NULL;
}

/* Prepares sql with ?1 bound to arg (when not NULL). */
static int prepare(sqlite_src *s, sqlite3_stmt **st, const char *sql, const char *arg)
{
    *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        return fail(s, "%s", sqlite3_errmsg(s->db));
    }
    if (arg && sqlite3_bind_text(*st, 1, arg, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        return fail(s, "%s", sqlite3_errmsg(s->db));
    }
    return 0;
}

/* -t/-T: shell globs, case-sensitive, against the table name. */
static bool table_selected(const sqlite_src *s, const char *name)
{
    return db_selection_table(&s->selection, NULL, name);
}

/* ---- portable type mapping ---------------------------------------------
 * The declared type is upper-cased, runs of white space become one space,
 * and spaces next to parentheses and commas go. Then:
 *  1. empty -> any (also ANY in a STRICT table, which keeps values as given);
 *  2. an exact name from type_map whose parameters fit its arity:
 *       F32_BLOB(n) VECTOR(n) FLOAT32(n) -> vector(n); F16_BLOB(n) HALFVEC(n)
 *       -> halfvec(n); BOOLEAN BOOL -> boolean; SMALLINT INT2 TINYINT ->
 *       int16; INT4 MEDIUMINT -> int32; REAL DOUBLE "DOUBLE PRECISION" FLOAT
 *       FLOAT8 -> float64; FLOAT4 -> float32; DECIMAL NUMERIC [(p[,s])] ->
 *       decimal[(p[,s])]; VARCHAR NVARCHAR "CHARACTER VARYING" "VARYING
 *       CHARACTER" (n) -> varchar(n); CHAR NCHAR CHARACTER "NATIVE
 *       CHARACTER" (n) -> char(n); BLOB BYTEA -> bytes; DATE -> date;
 *       DATETIME TIMESTAMP ["WITHOUT TIME ZONE"] -> timestamp; TIMESTAMPTZ
 *       "TIMESTAMP WITH TIME ZONE" -> timestamptz; TIME ["WITHOUT TIME
 *       ZONE"] -> time; TIMETZ "TIME WITH TIME ZONE" -> timetz; INTERVAL,
 *       UUID, JSON -> themselves; JSONB -> json (SQLite stores it as text);
 *  3. otherwise SQLite's own affinity rules (datatype3.html, 3.1), in their
 *     order: contains INT -> int64; CHAR, CLOB or TEXT -> text; BLOB ->
 *     bytes; REAL, FLOA or DOUB -> float64; anything else (NUMERIC
 *     affinity) -> decimal.
 * So a parameter the name does not take, or a missing one (VARCHAR without
 * a length), falls through to step 3 (VARCHAR -> text). A mapped type the
 * portable type system rejects (VECTOR(0), a huge length) does too. */

typedef enum {
    ARGS_NONE,   /* no parameters */
    ARGS_ONE,    /* exactly one */
    ARGS_UP_TO_2 /* none, one or two (decimal) */
} type_args;

static const struct {
    const char *name;
    type_args args;
    fmt_type_kind kind;
} type_map[] = {
    {"F32_BLOB", ARGS_ONE, FMT_TYPE_VECTOR},
    {"VECTOR", ARGS_ONE, FMT_TYPE_VECTOR},
    {"FLOAT32", ARGS_ONE, FMT_TYPE_VECTOR},
    {"F16_BLOB", ARGS_ONE, FMT_TYPE_HALFVEC},
    {"HALFVEC", ARGS_ONE, FMT_TYPE_HALFVEC},
    {"BOOLEAN", ARGS_NONE, FMT_TYPE_BOOLEAN},
    {"BOOL", ARGS_NONE, FMT_TYPE_BOOLEAN},
    {"SMALLINT", ARGS_NONE, FMT_TYPE_INT16},
    {"INT2", ARGS_NONE, FMT_TYPE_INT16},
    {"TINYINT", ARGS_NONE, FMT_TYPE_INT16},
    {"INT4", ARGS_NONE, FMT_TYPE_INT32},
    {"MEDIUMINT", ARGS_NONE, FMT_TYPE_INT32},
    {"REAL", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"DOUBLE", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"DOUBLE PRECISION", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT8", ARGS_NONE, FMT_TYPE_FLOAT64},
    {"FLOAT4", ARGS_NONE, FMT_TYPE_FLOAT32},
    {"DECIMAL", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    {"NUMERIC", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    {"VARCHAR", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"NVARCHAR", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"CHARACTER VARYING", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"VARYING CHARACTER", ARGS_ONE, FMT_TYPE_VARCHAR},
    {"CHAR", ARGS_ONE, FMT_TYPE_CHAR},
    {"NCHAR", ARGS_ONE, FMT_TYPE_CHAR},
    {"CHARACTER", ARGS_ONE, FMT_TYPE_CHAR},
    {"NATIVE CHARACTER", ARGS_ONE, FMT_TYPE_CHAR},
    {"BLOB", ARGS_NONE, FMT_TYPE_BYTES},
    {"BYTEA", ARGS_NONE, FMT_TYPE_BYTES},
    {"DATE", ARGS_NONE, FMT_TYPE_DATE},
    {"DATETIME", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMP", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMP WITHOUT TIME ZONE", ARGS_NONE, FMT_TYPE_TIMESTAMP},
    {"TIMESTAMPTZ", ARGS_NONE, FMT_TYPE_TIMESTAMPTZ},
    {"TIMESTAMP WITH TIME ZONE", ARGS_NONE, FMT_TYPE_TIMESTAMPTZ},
    {"TIME", ARGS_NONE, FMT_TYPE_TIME},
    {"TIME WITHOUT TIME ZONE", ARGS_NONE, FMT_TYPE_TIME},
    {"TIMETZ", ARGS_NONE, FMT_TYPE_TIMETZ},
    {"TIME WITH TIME ZONE", ARGS_NONE, FMT_TYPE_TIMETZ},
    {"INTERVAL", ARGS_NONE, FMT_TYPE_INTERVAL},
    {"UUID", ARGS_NONE, FMT_TYPE_UUID},
    {"JSON", ARGS_NONE, FMT_TYPE_JSON},
    /* jsonb values are JSON text in SQLite; see json_value() */
    {"JSONB", ARGS_NONE, FMT_TYPE_JSONB},
    {"SPARSEVEC", ARGS_ONE, FMT_TYPE_SPARSEVEC},
    /* exact decimals kept as text (what the SQLite target declares) */
    {"DECIMAL TEXT", ARGS_UP_TO_2, FMT_TYPE_DECIMAL},
    /* PostgreSQL types with no portable equivalent, as a SQLite target
     * declares them: they travel as text and come back as themselves. */
    {"TSVECTOR", ARGS_NONE, FMT_TYPE_NATIVE},
    {"TSQUERY", ARGS_NONE, FMT_TYPE_NATIVE},
    {"INET", ARGS_NONE, FMT_TYPE_NATIVE},
    {"CIDR", ARGS_NONE, FMT_TYPE_NATIVE},
    {"MACADDR", ARGS_NONE, FMT_TYPE_NATIVE},
    {"MACADDR8", ARGS_NONE, FMT_TYPE_NATIVE},
    {"INT4RANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"INT8RANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"NUMRANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"TSRANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"TSTZRANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"DATERANGE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"POINT", ARGS_NONE, FMT_TYPE_NATIVE},
    {"LINE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"LSEG", ARGS_NONE, FMT_TYPE_NATIVE},
    {"BOX", ARGS_NONE, FMT_TYPE_NATIVE},
    {"PATH", ARGS_NONE, FMT_TYPE_NATIVE},
    {"POLYGON", ARGS_NONE, FMT_TYPE_NATIVE},
    {"CIRCLE", ARGS_NONE, FMT_TYPE_NATIVE},
    {"PG_LSN", ARGS_NONE, FMT_TYPE_NATIVE},
    {"XML", ARGS_NONE, FMT_TYPE_NATIVE},
};

/* Upper-cases and normalises white space (see above) into out, which has
 * room for strlen(declared) + 1 bytes. */
static void normalise_type(char *out, const char *declared)
{
    size_t o = 0;
    bool space = false;
    for (; *declared; declared++) {
        unsigned char c = (unsigned char)*declared;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = o > 0;
            continue;
        }
        if (space && c != '(' && c != ')' && c != ',' && out[o - 1] != '(' && out[o - 1] != ',') {
            out[o++] = ' ';
        }
        space = false;
        out[o++] = (char)((c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c);
    }
    out[o] = '\0';
}

/* Splits "NAME(1,2)" in place into the name and up to two unsigned
 * parameters. Returns the number of parameters, or -1 when the parameter
 * list is anything else. */
static int split_type(char *norm, int32_t params[2])
{
    char *open = strchr(norm, '('), *p;
    int n = 0;
    params[0] = params[1] = -1;
    if (!open) {
        return 0;
    }
    *open = '\0';
    p = open + 1;
    for (;;) {
        int32_t v = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (++digits > 9) {
                return -1;
            }
            v = v * 10 + (*p++ - '0');
        }
        if (!digits || n == 2) {
            return -1;
        }
        params[n++] = v;
        if (*p == ',') {
            p++;
            continue;
        }
        return (p[0] == ')' && p[1] == '\0') ? n : -1;
    }
}

static bool args_fit(type_args args, int n)
{
    switch (args) {
    case ARGS_NONE:
        return n == 0;
    case ARGS_ONE:
        return n == 1;
    case ARGS_UP_TO_2:
        return n >= 0 && n <= 2;
    }
    return false;
}

/* Whether t is a type the format accepts: its text parses back to it. */
static bool type_valid(const fmt_type *t)
{
    char text[FMT_TYPE_BUFSZ], err[128];
    fmt_type back;
    int len = fmt_type_format(text, t);
    return len > 0 && fmt_type_parse(&back, text, (size_t)len, err, sizeof err) == 0 &&
           back.kind == t->kind && back.param1 == t->param1 && back.param2 == t->param2;
}

/* The portable type of a column declared as declared (NULL or "" when no
 * type was given); strict: the table is STRICT. Returns 0 or -1 (memory). */
static int map_declared_type(fmt_type *out, const char *declared, bool strict)
{
    char *norm;
    int32_t params[2];
    int nparams;
    size_t i;
    out->param1 = out->param2 = -1;
    out->element = FMT_TYPE_COUNT_;
    if (!declared || !*declared) {
        out->kind = FMT_TYPE_ANY;
        return 0;
    }
    {
        /* "ARRAY T" (what the SQLite target declares) or "T[]" (as PostgreSQL
         * writes it): an array of T's portable type */
        size_t n = strlen(declared);
        while (n && (declared[n - 1] == ' ' || declared[n - 1] == '\t'))
            n--;
        size_t skip = 0, cut = 0;
        if (n > 6 && strncasecmp(declared, "ARRAY", 5) == 0 &&
            (declared[5] == ' ' || declared[5] == '\t'))
            skip = 6;
        else if (n > 2 && declared[n - 2] == '[' && declared[n - 1] == ']')
            cut = 2;
        if (skip || cut) {
            char *element = malloc(n + 1);
            if (!element)
                return -1;
            memcpy(element, declared + skip, n - skip - cut);
            element[n - skip - cut] = '\0';
            int rc = map_declared_type(out, element, false);
            free(element);
            if (rc < 0)
                return -1;
            if (out->kind != FMT_TYPE_ANY && out->kind != FMT_TYPE_NATIVE &&
                out->kind != FMT_TYPE_ARRAY) {
                out->element = out->kind;
                out->kind = FMT_TYPE_ARRAY;
                return 0;
            }
            out->param1 = out->param2 = -1;
            out->element = FMT_TYPE_COUNT_;
        }
    }
    norm = malloc(strlen(declared) + 1);
    if (!norm) {
        return -1;
    }
    normalise_type(norm, declared);
    if (!*norm || (strict && strcmp(norm, "ANY") == 0)) {
        out->kind = FMT_TYPE_ANY;
        free(norm);
        return 0;
    }
    {
        char *name = fmt_strdup(norm);
        if (!name) {
            free(norm);
            return -1;
        }
        nparams = split_type(name, params);
        for (i = 0; i < sizeof type_map / sizeof type_map[0]; i++) {
            if (strcmp(type_map[i].name, name) == 0 && args_fit(type_map[i].args, nparams)) {
                out->kind = type_map[i].kind;
                out->param1 = params[0];
                out->param2 = params[1];
                if (type_valid(out)) {
                    free(name);
                    free(norm);
                    return 0;
                }
                out->param1 = out->param2 = -1;
                break;
            }
        }
        free(name);
    }
    if (strstr(norm, "INT")) {
        out->kind = FMT_TYPE_INT64;
    } else if (strstr(norm, "CHAR") || strstr(norm, "CLOB") || strstr(norm, "TEXT")) {
        out->kind = FMT_TYPE_TEXT;
    } else if (strstr(norm, "BLOB")) {
        out->kind = FMT_TYPE_BYTES;
    } else if (strstr(norm, "REAL") || strstr(norm, "FLOA") || strstr(norm, "DOUB")) {
        out->kind = FMT_TYPE_FLOAT64;
    } else {
        out->kind = FMT_TYPE_DECIMAL;
    }
    free(norm);
    return 0;
}

/* SQLite stores jsonb and array values as JSON text. A text that is
 * exactly a JSON value's compact form travels as that value (FMT_VALUE_JSON);
 * any other text, as text (the writer tags it), so no byte is lost. */
static int json_value(const fmt_type *t, fmt_value *v)
{
    if (t->kind != FMT_TYPE_JSONB && t->kind != FMT_TYPE_ARRAY)
        return 0;
    if (t->kind == FMT_TYPE_ARRAY && (v->len == 0 || v->bytes[0] != '['))
        return 0;
    int rc = fmt_json_is_compact(v->bytes, v->len, 256);
    if (rc < 0)
        return -1;
    if (rc == 1)
        v->kind = FMT_VALUE_JSON;
    return 0;
}

/* ---- tables ------------------------------------------------------------ */

typedef struct {
    char *name;
    char *type; /* "table", "virtual", "shadow", "view" */
    bool without_rowid;
    bool strict;
} table_entry;

typedef struct {
    char *name;
    bool unique;
    char origin; /* 'c', 'u' or 'p' */
} index_entry;

static void free_index_entries(index_entry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(e[i].name);
    }
    free(e);
}

static int compare_table_ptrs(const void *a, const void *b)
{
    const fmt_table *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int compare_index_names(const void *a, const void *b)
{
    const index_entry *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* sqlite_autoindex_t_N in N order: same prefix, so shorter is smaller. */
static int compare_autoindex_names(const void *a, const void *b)
{
    const index_entry *x = a, *y = b;
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly) {
        return lx < ly ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

static int load_index_list(sqlite_src *s, const char *table, index_entry **out, size_t *nout)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *out = NULL;
    *nout = 0;
    if (prepare(s, &st, "SELECT name, \"unique\", origin FROM pragma_index_list(?1, 'main')",
                table) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        index_entry *grown = realloc(*out, (*nout + 1) * sizeof *grown);
        const char *origin = (const char *)sqlite3_column_text(st, 2);
        if (!grown) {
            rc = fail(s, "out of memory");
            goto done;
        }
        *out = grown;
        grown += (*nout)++;
        grown->name = dup_text(st, 0);
        grown->unique = sqlite3_column_int(st, 1) != 0;
        grown->origin = (origin && strcmp(origin, "pk") == 0) ? 'p' : origin ? origin[0] : '?';
        if (!grown->name) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "table \"%s\": index list: %s", table, sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

/* The key columns of index name, in order; NULL names are expressions. */
typedef struct {
    char *name;
    int cid;
    bool descending;
    char *collation;
} index_column;

static void free_index_columns(index_column *c, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].collation);
    }
    free(c);
}

static int load_index_columns(sqlite_src *s, const char *index, index_column **out, size_t *nout)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *out = NULL;
    *nout = 0;
    if (prepare(s, &st,
                "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, 'main') "
                "WHERE key ORDER BY seqno",
                index) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        index_column *grown = realloc(*out, (*nout + 1) * sizeof *grown);
        if (!grown) {
            rc = fail(s, "out of memory");
            goto done;
        }
        *out = grown;
        grown += (*nout)++;
        grown->cid = sqlite3_column_int(st, 0);
        grown->name = dup_text(st, 1);
        grown->descending = sqlite3_column_int(st, 2) != 0;
        grown->collation = dup_text(st, 3);
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "index \"%s\": %s", index, sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static int lookup_sql(sqlite_src *s, const char *type, const char *name, char **sql)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *sql = NULL;
    if (prepare(s, &st, "SELECT sql FROM main.sqlite_schema WHERE name = ?1 AND type = ?2", name) <
            0 ||
        sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = fail(s, "%s \"%s\": %s", type, name, sqlite3_errmsg(s->db));
        goto done;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
        *sql = dup_text(st, 0);
        if (!*sql) {
            rc = fail(s, "out of memory");
        }
    } else if (step == SQLITE_ROW || step == SQLITE_DONE) {
        rc = fail(s, "%s \"%s\": no SQL text in sqlite_schema", type, name);
    } else {
        rc = fail(s, "%s \"%s\": %s", type, name, sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static bool same_columns(char **a, size_t na, char **b, size_t nb)
{
    size_t i;
    if (na != nb) {
        return false;
    }
    for (i = 0; i < na; i++) {
        if (ascii_casecmp(a[i], b[i]) != 0) {
            return false;
        }
    }
    return true;
}

static int load_columns(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    size_t cap = 0;
    if (prepare(s, &st,
                "SELECT name, type, \"notnull\", dflt_value, hidden FROM "
                "pragma_table_xinfo(?1, 'main') ORDER BY cid",
                t->name) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fmt_column *c;
        const sqlite_ddl_column *dc;
        const char *declared = (const char *)sqlite3_column_text(st, 1);
        int hidden = sqlite3_column_int(st, 4);
        char text[FMT_TYPE_BUFSZ];
        if (hidden == 1) {
            continue; /* a virtual table's hidden column */
        }
        if (t->ncolumns == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            fmt_column *grown = realloc(t->columns, ncap * sizeof *grown);
            if (!grown) {
                rc = fail(s, "out of memory");
                goto done;
            }
            t->columns = grown;
            cap = ncap;
        }
        c = &t->columns[t->ncolumns++];
        memset(c, 0, sizeof *c);
        c->name = dup_text(st, 0);
        if (!c->name) {
            rc = fail(s, "out of memory");
            goto done;
        }
        if (declared && *declared) {
            c->native_type = fmt_strdup(declared);
        }
        if (map_declared_type(&c->type, declared, t->strict) < 0) {
            rc = fail(s, "out of memory");
            goto done;
        }
        fmt_type_format(text, &c->type);
        c->type_text = fmt_strdup(text);
        c->nullable = sqlite3_column_int(st, 2) == 0;
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            c->default_sql = dup_text(st, 3);
        }
        if (!c->type_text || (declared && *declared && !c->native_type) ||
            (sqlite3_column_type(st, 3) != SQLITE_NULL && !c->default_sql)) {
            rc = fail(s, "out of memory");
            goto done;
        }
        dc = sqlite_ddl_find_column(ddl, c->name);
        if (hidden == 2 || hidden == 3) {
            if (!dc || !dc->generated_sql) {
                rc = fail(s,
                          "table \"%s\": column \"%s\": generation expression not found in "
                          "CREATE TABLE",
                          t->name, c->name);
                goto done;
            }
            c->generated_sql = fmt_strdup(dc->generated_sql);
            c->generated_stored = hidden == 3;
            if (!c->generated_sql) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        if (dc && dc->collation && ascii_casecmp(dc->collation, "BINARY") != 0) {
            c->collation = fmt_strdup(dc->collation);
            if (!c->collation) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "table \"%s\": columns: %s", t->name, sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

/* Primary key from the pk positions, and the rowid alias if there is one:
 * a rowid table whose single-column key has no index of its own ('pk'
 * origin). That is exactly when SQLite made it an alias, including the
 * "INTEGER PRIMARY KEY DESC" quirk (which gets an index, so no alias). */
static int load_primary_key(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl,
                            bool has_pk_index)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    fmt_key *key = NULL;
    if (prepare(s, &st, "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE pk > 0 ORDER BY pk",
                t->name) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!key) {
            key = calloc(1, sizeof *key);
            if (!key) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        if (fmt_strings_push(&key->columns, &key->ncolumns, dup_text(st, 0)) < 0) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "table \"%s\": primary key: %s", t->name, sqlite3_errmsg(s->db));
        goto done;
    }
    if (!key) {
        goto done;
    }
    if (ddl->has_primary_key && ddl->primary_key.name) {
        key->name = fmt_strdup(ddl->primary_key.name);
        if (!key->name) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (!t->without_rowid && key->ncolumns == 1 && !has_pk_index) {
        int i = fmt_table_find_column(t, key->columns[0]);
        fmt_column *c = i >= 0 ? &t->columns[i] : NULL;
        /* nullable stays what SQLite reports: the alias cannot hold NULL
         * anyway, and an explicit NOT NULL must come back as it was. */
        if (c && c->native_type && ascii_casecmp(c->native_type, "INTEGER") == 0) {
            c->identity = ddl->autoincrement ? FMT_IDENTITY_AUTOINCREMENT : FMT_IDENTITY_ROWID;
        }
    }
    t->primary_key = key;
    key = NULL;
done:
    if (key) {
        fmt_key_clear(key);
        free(key);
    }
    sqlite3_finalize(st);
    return rc;
}

static int load_last_value(sqlite_src *s, fmt_table *t)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    size_t i;
    fmt_column *c = NULL;
    for (i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].identity == FMT_IDENTITY_AUTOINCREMENT) {
            c = &t->columns[i];
        }
    }
    if (!c) {
        goto done;
    }
    if (prepare(s, &st, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", t->name) < 0) {
        rc = -1;
        goto done;
    }
    step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        c->has_last_value = true;
        c->last_value = sqlite3_column_int64(st, 0);
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = fail(s, "table \"%s\": sqlite_sequence: %s", t->name, sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static int load_uniques(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl, index_entry *idx,
                        size_t nidx)
{
    size_t i, j, n = 0;
    int rc = 0;
    bool *used = calloc(ddl->nuniques + 1, sizeof *used);
    index_column *cols = NULL;
    size_t ncols = 0;
    if (!used) {
        return fail(s, "out of memory");
    }
    for (i = 0; i < nidx; i++) {
        n += idx[i].origin == 'u';
    }
    if (n) {
        t->uniques = calloc(n, sizeof *t->uniques);
        if (!t->uniques) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (nidx) {
        qsort(idx, nidx, sizeof *idx, compare_autoindex_names);
    }
    for (i = 0; i < nidx; i++) {
        fmt_key *key;
        if (idx[i].origin != 'u') {
            continue;
        }
        key = &t->uniques[t->nuniques++];
        if (load_index_columns(s, idx[i].name, &cols, &ncols) < 0) {
            rc = -1;
            goto done;
        }
        for (j = 0; j < ncols; j++) {
            if (!cols[j].name) {
                rc = fail(s, "table \"%s\": unique constraint on an expression", t->name);
                goto done;
            }
            if (fmt_strings_push(&key->columns, &key->ncolumns, fmt_strdup(cols[j].name)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        for (j = 0; j < ddl->nuniques; j++) {
            const sqlite_ddl_key *u = &ddl->uniques[j];
            if (!used[j] && same_columns(u->columns, u->ncolumns, key->columns, key->ncolumns)) {
                used[j] = true;
                if (u->name) {
                    key->name = fmt_strdup(u->name);
                    if (!key->name) {
                        rc = fail(s, "out of memory");
                        goto done;
                    }
                }
                break;
            }
        }
        free_index_columns(cols, ncols);
        cols = NULL;
        ncols = 0;
    }
done:
    free_index_columns(cols, ncols);
    free(used);
    return rc;
}

static int load_checks(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    size_t i;
    if (!ddl->nchecks) {
        return 0;
    }
    t->checks = calloc(ddl->nchecks, sizeof *t->checks);
    if (!t->checks) {
        return fail(s, "out of memory");
    }
    for (i = 0; i < ddl->nchecks; i++) {
        fmt_check *c = &t->checks[t->nchecks++];
        c->expression = fmt_strdup(ddl->checks[i].expression);
        c->name = fmt_strdup(ddl->checks[i].name);
        if (!c->expression || (ddl->checks[i].name && !c->name)) {
            return fail(s, "out of memory");
        }
    }
    return 0;
}

static char *lower_action(const char *action)
{
    char *out = fmt_strdup(action ? action : "NO ACTION");
    char *p;
    for (p = out; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p + ('a' - 'A'));
        }
    }
    return out;
}

/* Foreign keys in declaration order: the pragma numbers them last declared
 * first, so descending id. Deferral and the name come from the scanner,
 * matched on child columns and parent table. */
static int load_foreign_keys(sqlite_src *s, fmt_table *t, const sqlite_ddl_table *ddl)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step, last_id = -1;
    fmt_foreign_key *fk = NULL;
    bool *used = calloc(ddl->nforeign_keys + 1, sizeof *used);
    size_t i, j;
    if (!used) {
        return fail(s, "out of memory");
    }
    if (prepare(s, &st,
                "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM "
                "pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq",
                t->name) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        if (!fk || id != last_id) {
            fmt_foreign_key *grown =
                realloc(t->foreign_keys, (t->nforeign_keys + 1) * sizeof *grown);
            if (!grown) {
                rc = fail(s, "out of memory");
                goto done;
            }
            t->foreign_keys = grown;
            fk = &grown[t->nforeign_keys++];
            memset(fk, 0, sizeof *fk);
            fk->ref_table = dup_text(st, 1);
            fk->on_update = lower_action((const char *)sqlite3_column_text(st, 4));
            fk->on_delete = lower_action((const char *)sqlite3_column_text(st, 5));
            if (!fk->ref_table || !fk->on_update || !fk->on_delete) {
                rc = fail(s, "out of memory");
                goto done;
            }
            last_id = id;
        }
        if (fmt_strings_push(&fk->columns, &fk->ncolumns, dup_text(st, 2)) < 0 ||
            (sqlite3_column_type(st, 3) != SQLITE_NULL &&
             fmt_strings_push(&fk->ref_columns, &fk->nref_columns, dup_text(st, 3)) < 0)) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "table \"%s\": foreign keys: %s", t->name, sqlite3_errmsg(s->db));
        goto done;
    }
    for (i = 0; i < t->nforeign_keys; i++) {
        fk = &t->foreign_keys[i];
        for (j = 0; j < ddl->nforeign_keys; j++) {
            const sqlite_ddl_foreign_key *d = &ddl->foreign_keys[j];
            if (!used[j] && ascii_casecmp(d->ref_table, fk->ref_table) == 0 &&
                same_columns(d->columns, d->ncolumns, fk->columns, fk->ncolumns)) {
                used[j] = true;
                fk->deferrable = d->deferrable;
                fk->initially_deferred = d->initially_deferred;
                if (d->name) {
                    fk->name = fmt_strdup(d->name);
                    if (!fk->name) {
                        rc = fail(s, "out of memory");
                        goto done;
                    }
                }
                break;
            }
        }
    }
done:
    sqlite3_finalize(st);
    free(used);
    return rc;
}

static int load_one_index(sqlite_src *s, fmt_table *t, const index_entry *e, fmt_index *ix)
{
    sqlite_ddl_index ddl = {0};
    index_column *cols = NULL;
    size_t ncols = 0, i;
    char err[256];
    int rc = 0;
    ix->name = fmt_strdup(e->name);
    ix->unique = e->unique;
    if (!ix->name) {
        rc = fail(s, "out of memory");
        goto done;
    }
    if (lookup_sql(s, "index", e->name, &ix->sql) < 0) {
        rc = -1;
        goto done;
    }
    if (sqlite_ddl_parse_index(&ddl, ix->sql, err, sizeof err) < 0) {
        rc = fail(s, "table \"%s\": index \"%s\": cannot scan CREATE INDEX: %s", t->name, e->name,
                  err);
        goto done;
    }
    if (load_index_columns(s, e->name, &cols, &ncols) < 0) {
        rc = -1;
        goto done;
    }
    if (ncols != ddl.nparts) {
        rc = fail(s, "table \"%s\": index \"%s\": scanned %zu keys, SQLite reports %zu", t->name,
                  e->name, ddl.nparts, ncols);
        goto done;
    }
    if (ddl.where) {
        ix->where = ddl.where;
        ddl.where = NULL;
    }
    ix->parts = calloc(ncols ? ncols : 1, sizeof *ix->parts);
    if (!ix->parts) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (i = 0; i < ncols; i++) {
        fmt_index_part *p = &ix->parts[ix->nparts++];
        if (cols[i].cid >= 0 && cols[i].name) {
            p->column = cols[i].name;
            cols[i].name = NULL;
        } else {
            p->expression = ddl.parts[i];
            ddl.parts[i] = NULL;
        }
        p->descending = cols[i].descending;
        if (cols[i].collation && ascii_casecmp(cols[i].collation, "BINARY") != 0) {
            p->collation = cols[i].collation;
            cols[i].collation = NULL;
        }
    }
done:
    free_index_columns(cols, ncols);
    sqlite_ddl_index_clear(&ddl);
    return rc;
}

static int load_indexes(sqlite_src *s, fmt_table *t, index_entry *idx, size_t nidx)
{
    size_t i, n = 0;
    for (i = 0; i < nidx; i++) {
        n += idx[i].origin == 'c';
    }
    if (!n) {
        return 0;
    }
    t->indexes = calloc(n, sizeof *t->indexes);
    if (!t->indexes) {
        return fail(s, "out of memory");
    }
    if (nidx) {
        qsort(idx, nidx, sizeof *idx, compare_index_names);
    }
    for (i = 0; i < nidx; i++) {
        if (idx[i].origin == 'c' && load_one_index(s, t, &idx[i], &t->indexes[t->nindexes++]) < 0) {
            return -1;
        }
    }
    return 0;
}

static int load_table(sqlite_src *s, const table_entry *e, fmt_table **out)
{
    fmt_table *t = calloc(1, sizeof *t);
    sqlite_ddl_table ddl = {0};
    index_entry *idx = NULL;
    size_t nidx = 0, i;
    bool has_pk_index = false;
    char *sql = NULL, err[256];
    int rc = 0;
    *out = NULL;
    if (!t || !(t->name = fmt_strdup(e->name))) {
        rc = fail(s, "out of memory");
        goto done;
    }
    t->without_rowid = e->without_rowid;
    t->strict = e->strict;
    if (lookup_sql(s, "table", e->name, &sql) < 0) {
        rc = -1;
        goto done;
    }
    if (sqlite_ddl_parse_table(&ddl, sql, err, sizeof err) < 0) {
        rc = fail(s, "table \"%s\": cannot scan CREATE TABLE: %s", e->name, err);
        goto done;
    }
    for (i = 0; i < ddl.nnotes; i++) {
        if (add_warning(s, "table \"%s\": %s", e->name, ddl.notes[i]) < 0) {
            rc = -1;
            goto done;
        }
    }
    if (load_index_list(s, e->name, &idx, &nidx) < 0) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < nidx; i++) {
        has_pk_index = has_pk_index || idx[i].origin == 'p';
    }
    if (load_columns(s, t, &ddl) < 0 || load_primary_key(s, t, &ddl, has_pk_index) < 0 ||
        load_last_value(s, t) < 0 || load_uniques(s, t, &ddl, idx, nidx) < 0 ||
        load_checks(s, t, &ddl) < 0 || load_foreign_keys(s, t, &ddl) < 0 ||
        load_indexes(s, t, idx, nidx) < 0) {
        rc = -1;
        goto done;
    }
    *out = t;
    t = NULL;
done:
    fmt_table_free(t);
    free_index_entries(idx, nidx);
    sqlite_ddl_table_clear(&ddl);
    free(sql);
    return rc;
}

static void free_table_entries(table_entry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].type);
    }
    free(e);
}

static int load_table_entries(sqlite_src *s, table_entry **out, size_t *nout)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *out = NULL;
    *nout = 0;
    if (prepare(s, &st,
                "SELECT name, type, wr, strict FROM pragma_table_list() WHERE schema = 'main'",
                NULL) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        table_entry *grown = realloc(*out, (*nout + 1) * sizeof *grown);
        if (!grown) {
            rc = fail(s, "out of memory");
            goto done;
        }
        *out = grown;
        grown += (*nout)++;
        grown->name = dup_text(st, 0);
        grown->type = dup_text(st, 1);
        grown->without_rowid = sqlite3_column_int(st, 2) != 0;
        grown->strict = sqlite3_column_int(st, 3) != 0;
        if (!grown->name || !grown->type) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "cannot list tables: %s", sqlite3_errmsg(s->db));
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static bool module_available(sqlite_src *s, const char *module)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (module &&
        prepare(s, &st, "SELECT 1 FROM pragma_module_list WHERE name = ?1", module) == 0) {
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* A virtual table is not carried. SQLite marks its shadow tables as such
 * only when the module is loaded here; otherwise tables named after it are
 * exported as ordinary tables, with a warning, rather than dropped. */
static int virtual_table(sqlite_src *s, const table_entry *v, const table_entry *all, size_t nall)
{
    char *sql = NULL, *module = NULL;
    size_t i, len = strlen(v->name);
    int rc = 0;
    if (lookup_sql(s, "table", v->name, &sql) < 0) {
        rc = -1;
        goto done;
    }
    module = sqlite_ddl_virtual_module(sql);
    if (add_warning(s, "table \"%s\": virtual table not carried (module %s)", v->name,
                    module ? module : "unknown") < 0) {
        rc = -1;
        goto done;
    }
    if (module_available(s, module)) {
        goto done;
    }
    for (i = 0; i < nall; i++) {
        if (strcmp(all[i].type, "table") == 0 && strncmp(all[i].name, v->name, len) == 0 &&
            all[i].name[len] == '_' && table_selected(s, all[i].name) &&
            add_warning(s,
                        "table \"%s\": exported as an ordinary table, but it may belong to "
                        "virtual table \"%s\" (module %s is not available)",
                        all[i].name, v->name, module ? module : "unknown") < 0) {
            rc = -1;
            goto done;
        }
    }
done:
    free(sql);
    free(module);
    return rc;
}

static void free_tables(fmt_table **tables, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fmt_table_free(tables[i]);
    }
    free(tables);
}

/* Reads every selected table into a new list. The first time it also
 * collects the warnings and the selected names. */
static int load_tables(sqlite_src *s, fmt_table ***out, size_t *nout)
{
    table_entry *entries = NULL;
    fmt_table **tables = NULL;
    size_t n = 0, i, ntables = 0, cap = 0;
    int rc = 0;
    *out = NULL;
    *nout = 0;
    s->quiet = s->schema_read;
    if (load_table_entries(s, &entries, &n) < 0) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < n; i++) {
        const table_entry *e = &entries[i];
        fmt_table *t = NULL;
        if (strcmp(e->type, "shadow") == 0 || strcmp(e->type, "view") == 0 ||
            sqlite3_strnicmp(e->name, "sqlite_", 7) == 0 || !table_selected(s, e->name)) {
            continue;
        }
        if (strcmp(e->type, "virtual") == 0) {
            if (virtual_table(s, e, entries, n) < 0) {
                rc = -1;
                goto done;
            }
            continue;
        }
        if (strcmp(e->type, "table") != 0) {
            if (add_warning(s, "table \"%s\": unknown kind \"%s\" not carried", e->name, e->type) <
                0) {
                rc = -1;
                goto done;
            }
            continue;
        }
        if (ntables == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            fmt_table **grown = realloc(tables, ncap * sizeof *grown);
            if (!grown) {
                rc = fail(s, "out of memory");
                goto done;
            }
            tables = grown;
            cap = ncap;
        }
        if (load_table(s, e, &t) < 0) {
            rc = -1;
            goto done;
        }
        tables[ntables++] = t;
    }
    if (ntables) {
        qsort(tables, ntables, sizeof *tables, compare_table_ptrs);
    }
    if (!s->schema_read) {
        for (i = 0; i < ntables; i++) {
            if (fmt_strings_push(&s->selected, &s->nselected, fmt_strdup(tables[i]->name)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        s->schema_read = true;
    }
    *out = tables;
    *nout = ntables;
    tables = NULL;
    ntables = 0;
done:
    s->quiet = false;
    free_tables(tables, ntables);
    free_table_entries(entries, n);
    return rc;
}

/* Makes sure the warnings and the selected names are there. */
static int read_schema_once(sqlite_src *s)
{
    fmt_table **tables = NULL;
    size_t ntables = 0;
    if (s->schema_read) {
        return 0;
    }
    if (load_tables(s, &tables, &ntables) < 0) {
        return -1;
    }
    free_tables(tables, ntables);
    return 0;
}

/* ---- ops --------------------------------------------------------------- */

static int src_open(void **state, const char *locator, const db_source_options *opts)
{
    sqlite_src *s = calloc(1, sizeof *s);
    struct stat st;
    char *path = NULL;
    int failed = 0, rc = 0;
    *state = s;
    if (!s) {
        return -1;
    }
    s->path = fmt_strdup(locator);
    if (opts) {
        failed = db_selection_init(&s->selection, opts->include_tables, opts->exclude_tables, NULL,
                                   NULL) < 0;
    }
    if (!s->path || failed) {
        rc = fail(s, "out of memory");
        goto done;
    }
    /* Read-only never creates the file, but SQLite's "unable to open
     * database file" does not say why: ask the file system first. */
    if (stat(locator, &st) != 0) {
        rc = fail(s, "cannot open \"%s\": %s", locator, strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = fail(s, "cannot open \"%s\": is a directory", locator);
        goto done;
    }
    /* Debian's SQLite takes "file:" names as URIs; a locator is a path. */
    if (strncmp(locator, "file:", 5) == 0) {
        path = malloc(strlen(locator) + 3);
        if (!path) {
            rc = fail(s, "out of memory");
            goto done;
        }
        memcpy(path, "./", 2);
        strcpy(path + 2, locator);
    }
    if (sqlite3_open_v2(path ? path : locator, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail(s, "cannot open \"%s\": %s", locator,
                  s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* The schema is data from a file: run none of its functions for us. */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    /* BEGIN is deferred: the first read takes the snapshot that every
     * later statement of the export sees. */
    if (sqlite3_exec(s->db, "BEGIN; SELECT count(*) FROM main.sqlite_schema;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        rc = fail(s, "cannot open \"%s\": %s", locator, sqlite3_errmsg(s->db));
        goto done;
    }
done:
    free(path);
    return rc;
}

static int src_header(void *state, fmt_header *h)
{
    sqlite_src *s = state;
    const char *base = strrchr(s->path, '/');
    char *backend = fmt_strdup("sqlite"), *version = fmt_strdup(sqlite3_libversion());
    char *database = fmt_strdup(base ? base + 1 : s->path);
    if (!backend || !version || !database) {
        free(backend);
        free(version);
        free(database);
        return fail(s, "out of memory");
    }
    free(h->source_backend);
    free(h->source_version);
    free(h->source_database);
    h->source_backend = backend;
    h->source_version = version;
    h->source_database = database;
    return 0;
}

static int src_tables(void *state, fmt_table ***tables, size_t *ntables)
{
    return load_tables(state, tables, ntables);
}

static void src_rows_end(void *state)
{
    sqlite_src *s = state;
    sqlite3_finalize(s->rows);
    s->rows = NULL;
    free(s->rows_map);
    s->rows_map = NULL;
    free(s->rows_table);
    s->rows_table = NULL;
    s->rows_ncolumns = 0;
}

/* A name for the rowid that no column shadows, or NULL. */
static const char *rowid_name(const fmt_table *t)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    size_t i, j;
    for (i = 0; i < 3; i++) {
        bool shadowed = false;
        for (j = 0; j < t->ncolumns; j++) {
            shadowed = shadowed || ascii_casecmp(t->columns[j].name, names[i]) == 0;
        }
        if (!shadowed) {
            return names[i];
        }
    }
    return NULL;
}

static int src_rows_begin(void *state, const fmt_table *t)
{
    sqlite_src *s = state;
    sqlite3_str *q = NULL;
    char *sql = NULL;
    size_t i;
    int selected = 0, rc = 0;
    src_rows_end(s);
    s->rows_table = fmt_strdup(t->name);
    s->rows_t = t;
    s->rows_map = calloc(t->ncolumns ? t->ncolumns : 1, sizeof *s->rows_map);
    q = sqlite3_str_new(s->db);
    if (!s->rows_table || !s->rows_map) {
        rc = fail(s, "out of memory");
        goto done;
    }
    s->rows_ncolumns = t->ncolumns;
    sqlite3_str_appendall(q, "SELECT ");
    for (i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].generated_sql) {
            s->rows_map[i] = -1; /* the writer skips it */
            continue;
        }
        sqlite3_str_appendf(q, "%s\"%w\"", selected ? ", " : "", t->columns[i].name);
        s->rows_map[i] = selected++;
    }
    if (!selected) {
        sqlite3_str_appendall(q, "NULL");
    }
    sqlite3_str_appendf(q, " FROM main.\"%w\"", t->name);
    if (t->primary_key && t->primary_key->ncolumns) {
        for (i = 0; i < t->primary_key->ncolumns; i++) {
            sqlite3_str_appendf(q, "%s\"%w\"", i ? ", " : " ORDER BY ", t->primary_key->columns[i]);
        }
    } else if (!t->without_rowid && rowid_name(t)) {
        sqlite3_str_appendf(q, " ORDER BY %s", rowid_name(t));
    }
    sql = sqlite3_str_finish(q);
    q = NULL;
    if (!sql) {
        rc = fail(s, "out of memory");
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &s->rows, NULL) != SQLITE_OK) {
        rc = fail(s, "table \"%s\": %s", t->name, sqlite3_errmsg(s->db));
        goto done;
    }
done:
    sqlite3_free(sqlite3_str_finish(q));
    sqlite3_free(sql);
    if (rc < 0) {
        src_rows_end(s);
    }
    return rc;
}

static int src_rows_next(void *state, fmt_value *values)
{
    sqlite_src *s = state;
    size_t i;
    int step;
    if (!s->rows) {
        return fail(s, "rows_next without rows_begin");
    }
    step = sqlite3_step(s->rows);
    if (step == SQLITE_DONE) {
        return 0;
    }
    if (step != SQLITE_ROW) {
        return fail(s, "table \"%s\": %s", s->rows_table, sqlite3_errmsg(s->db));
    }
    for (i = 0; i < s->rows_ncolumns; i++) {
        fmt_value *v = &values[i];
        int col = s->rows_map[i];
        memset(v, 0, sizeof *v);
        v->kind = FMT_VALUE_NULL;
        if (col < 0) {
            continue;
        }
        switch (sqlite3_column_type(s->rows, col)) {
        case SQLITE_INTEGER:
            v->kind = FMT_VALUE_INTEGER;
            v->i = sqlite3_column_int64(s->rows, col);
            break;
        case SQLITE_FLOAT:
            v->kind = FMT_VALUE_REAL;
            v->d = sqlite3_column_double(s->rows, col);
            break;
        case SQLITE_TEXT:
            v->kind = FMT_VALUE_TEXT;
            v->bytes = (const char *)sqlite3_column_text(s->rows, col);
            v->len = (size_t)sqlite3_column_bytes(s->rows, col);
            if (!v->bytes) {
                return fail(s, "table \"%s\": out of memory", s->rows_table);
            }
            if (json_value(&s->rows_t->columns[i].type, v) < 0) {
                return fail(s, "table \"%s\": out of memory", s->rows_table);
            }
            break;
        case SQLITE_BLOB:
            v->kind = FMT_VALUE_BLOB;
            v->bytes = sqlite3_column_blob(s->rows, col);
            v->len = (size_t)sqlite3_column_bytes(s->rows, col);
            if (!v->bytes) {
                if (v->len || sqlite3_errcode(s->db) == SQLITE_NOMEM) {
                    return fail(s, "table \"%s\": out of memory", s->rows_table);
                }
                v->bytes = ""; /* an empty blob stays a blob */
            }
            break;
        default:
            break;
        }
    }
    return 1;
}

static int compare_objects(const void *a, const void *b)
{
    const fmt_native_object *x = a, *y = b;
    if (x->kind != y->kind) {
        return x->kind == FMT_NATIVE_VIEW ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

static bool is_exported_table(const sqlite_src *s, const char *name)
{
    size_t i;
    for (i = 0; i < s->nselected; i++) {
        if (strcmp(s->selected[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Views always go: they may read any table, and SQLite resolves a view's
 * tables only when it is used, so a view over a table left out still
 * creates. With -t/-T in effect a trigger goes only with its table (or
 * view); without them, every trigger goes. Views come first, then
 * triggers, each sorted by name; any such order creates in SQLite. */
static int src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects)
{
    sqlite_src *s = state;
    fmt_native_object *list = NULL;
    size_t n = 0, i;
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    bool filtered = s->selection.include_tables || s->selection.exclude_tables;
    *objects = NULL;
    *nobjects = 0;
    if (read_schema_once(s) < 0) {
        return -1;
    }
    if (prepare(s, &st,
                "SELECT o.type, o.name, o.tbl_name, o.sql, "
                "(SELECT count(*) FROM main.sqlite_schema v WHERE v.type = 'view' "
                "AND v.name = o.tbl_name) FROM main.sqlite_schema o "
                "WHERE o.type IN ('view', 'trigger') AND o.sql IS NOT NULL",
                NULL) < 0) {
        rc = -1;
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fmt_native_object *grown, *o;
        bool view = strcmp((const char *)sqlite3_column_text(st, 0), "view") == 0;
        const char *table = (const char *)sqlite3_column_text(st, 2);
        if (!view && filtered && !sqlite3_column_int(st, 4) &&
            !(table && is_exported_table(s, table))) {
            continue;
        }
        grown = realloc(list, (n + 1) * sizeof *grown);
        if (!grown) {
            rc = fail(s, "out of memory");
            goto done;
        }
        list = grown;
        o = &grown[n++];
        memset(o, 0, sizeof *o);
        o->kind = view ? FMT_NATIVE_VIEW : FMT_NATIVE_TRIGGER;
        o->name = dup_text(st, 1);
        o->table = view ? NULL : dup_text(st, 2);
        o->sql = dup_text(st, 3);
        if (!o->name || !o->sql || (!view && !o->table)) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = fail(s, "cannot list views and triggers: %s", sqlite3_errmsg(s->db));
        goto done;
    }
    if (n) {
        qsort(list, n, sizeof *list, compare_objects);
    }
    *objects = list;
    *nobjects = n;
    list = NULL;
    n = 0;
done:
    sqlite3_finalize(st);
    for (i = 0; i < n; i++) {
        fmt_native_object_clear(&list[i]);
    }
    free(list);
    return rc;
}

/* The lines come from reading the schema, so this reads it if the driver
 * has not yet asked for the tables. */
static int src_warnings(void *state, char ***lines, size_t *nlines)
{
    sqlite_src *s = state;
    *lines = NULL;
    *nlines = 0;
    if (read_schema_once(s) < 0) {
        return -1;
    }
    *lines = s->warnings;
    *nlines = s->nwarnings;
    return 0;
}

static const char *src_errmsg(void *state)
{
    const sqlite_src *s = state;
    if (!s) {
        return "out of memory";
    }
    return s->errmsg[0] ? s->errmsg : "no error";
}

static void src_close(void *state)
{
    sqlite_src *s = state;
    if (!s) {
        return;
    }
    src_rows_end(s);
    fmt_strings_free(s->selected, s->nselected);
    fmt_strings_free(s->warnings, s->nwarnings);
    if (s->db) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL); /* read-only: ends the snapshot */
        sqlite3_close(s->db);
    }
    db_selection_free(&s->selection);
    free(s->path);
    free(s);
}

static const db_source_ops sqlite_ops = {
    .backend = "sqlite",
    .open = src_open,
    .header = src_header,
    .tables = src_tables,
    .rows_begin = src_rows_begin,
    .rows_next = src_rows_next,
    .rows_end = src_rows_end,
    .native_objects = src_native_objects,
    .warnings = src_warnings,
    .errmsg = src_errmsg,
    .close = src_close,
};

const db_source_ops *db_source_sqlite(void)
{
    return &sqlite_ops;
}
