/* sqlite_target: the SQLite side of dbimport. Creates each table from the
 * file's database-free model (or checks that an existing one fits), loads
 * rows through one cached INSERT per presence mask, then adds indexes,
 * AUTOINCREMENT counters, views and triggers and checks foreign keys. All of
 * it runs in one transaction, so a failed import leaves the target as it was,
 * and a database file that this import created is removed again at close. */
#include "target.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "number.h"
#include "strlist.h"

#define BUSY_TIMEOUT_MS 5000
/* Number of INSERT statements kept per table, one per presence mask; the
 * common case is a single mask (every row has every column). */
#define INSERT_CACHE 4
/* Values quoted in a foreign key message are cut to this many bytes. */
#define MESSAGE_VALUE_MAX 60

#define CHECKS_ALL (-1)
#define CHECKS_NONE (-2)

/* ---- growing strings ---------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} strbuf;

static void sb_addn(strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->buf, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_add(strbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

__attribute__((format(printf, 2, 3))) static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        b->oom = 1;
        return;
    }
    sb_add(b, s);
    free(s);
}

/* An SQL identifier in double quotes, embedded quotes doubled. */
static void sb_ident(strbuf *b, const char *name)
{
    const char *p = name ? name : "";
    sb_addn(b, "\"", 1);
    for (const char *q; (q = strchr(p, '"')) != NULL; p = q + 1)
        sb_addn(b, p, (size_t)(q - p + 1)), sb_addn(b, "\"", 1);
    sb_add(b, p);
    sb_addn(b, "\"", 1);
}

static void sb_ident_list(strbuf *b, char *const *names, size_t n)
{
    sb_add(b, "(");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_add(b, ", ");
        sb_ident(b, names[i]);
    }
    sb_add(b, ")");
}

static void sb_free(strbuf *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* ---- state -------------------------------------------------------------- */

typedef struct {
    unsigned char *mask; /* ncolumns bytes; NULL = free slot */
    sqlite3_stmt *stmt;
} cached_insert;

typedef struct {
    char *name;
    char *table;
    char *sql;
    int best_effort; /* from another backend: a statement SQLite rejects is a warning */
} pending_index;

typedef struct {
    char *name; /* as the target spells it */
    int autoincrement;
    int has_sequence;
    int64_t sequence;
} loaded_table;

typedef struct {
    sqlite3 *db;
    char *path;
    db_target_options opts;
    int created_file; /* the file did not exist before open */
    int committed;
    unsigned char *check_skip; /* CHECKs of the table being created that SQLite cannot read */
    char *work_path;           /* a new target is built here and linked into place at commit */
    int in_transaction;
    int foreign_keys_before; /* -1 = not read */
    char *source_backend;
    int source_is_sqlite;
    char *err;
    char *error_column;
    int oom;
    char **warnings;
    size_t nwarnings, capwarnings;

    /* The table between table_begin and table_end. */
    int table_open;
    char *table;
    size_t ncolumns;
    char **columns;
    unsigned char *insertable;  /* 0: generated in the target, values are dropped */
    unsigned char *is_key;      /* part of the ON CONFLICT target */
    unsigned char *text_column; /* COLUMN_TEXT: decimals keep their exact text;
                                 * COLUMN_BLOB: no affinity, a -0.0 keeps its sign */
    uint64_t negative_zeros;    /* -0.0 stored as 0 in this table */
    char *invalid_example;      /* the first value --on-invalid handled */
    const char *negative_zero_column;
    unsigned char *mask;
    char **conflict_key;
    size_t nconflict_key;
    cached_insert cache[INSERT_CACHE];
    size_t next_evict;
    db_table_stats stats;

    pending_index *indexes;
    size_t nindexes, capindexes;
    loaded_table *tables;
    size_t ntables, captables;
} sqlite_target;

__attribute__((format(printf, 2, 3))) static int set_error(sqlite_target *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    free(st->err);
    st->err = s;
    if (!s)
        st->oom = 1;
    return -1;
}

static int set_oom(sqlite_target *st)
{
    free(st->err);
    st->err = NULL;
    st->oom = 1;
    return -1;
}

__attribute__((format(printf, 2, 3))) static void add_warning(sqlite_target *st, const char *fmt,
                                                              ...)
{
    if (st->nwarnings == st->capwarnings) {
        size_t cap = st->capwarnings ? 2 * st->capwarnings : 8;
        char **p = realloc(st->warnings, cap * sizeof *p);
        if (!p) {
            st->oom = 1;
            return;
        }
        st->warnings = p;
        st->capwarnings = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        st->oom = 1;
        return;
    }
    st->warnings[st->nwarnings++] = s;
}

static const char *backend_name(const sqlite_target *st)
{
    return st->source_backend ? st->source_backend : "an unknown backend";
}

/* ---- running SQL -------------------------------------------------------- */

static int is_blank_tail(const char *p)
{
    for (; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';')
            return 0;
    return 1;
}

/* Prepares exactly one statement (text from the file must not smuggle in a
 * second one). Returns 0, or -1 with "what: message" in st->err. */
static int prepare_one(sqlite_target *st, const char *sql, const char *what, sqlite3_stmt **out)
{
    const char *tail = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, out, &tail) != SQLITE_OK)
        return set_error(st, "%s%s%s", what ? what : "", what ? ": " : "", sqlite3_errmsg(st->db));
    if (*out == NULL || !is_blank_tail(tail)) {
        sqlite3_finalize(*out);
        *out = NULL;
        return set_error(st, "%s%snot exactly one SQL statement", what ? what : "",
                         what ? ": " : "");
    }
    return 0;
}

/* Runs one statement. Returns 0, -1 if it did not prepare, -2 if it failed
 * when run; the message is in st->err either way. */
static int exec_one(sqlite_target *st, const char *sql, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    if (prepare_one(st, sql, what, &stmt) < 0)
        return -1;
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        set_error(st, "%s%s%s", what ? what : "", what ? ": " : "", sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -2;
}

/* SELECT with one text parameter; calls row_fn for each row. */
typedef int (*row_fn)(sqlite_target *st, sqlite3_stmt *stmt, void *ctx);

static int query(sqlite_target *st, const char *sql, const char *arg, row_fn fn, void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    int rc = -1, step;
    if (prepare_one(st, sql, NULL, &stmt) < 0)
        goto done;
    if (arg && sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC) != SQLITE_OK) {
        set_error(st, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        if (fn(st, stmt, ctx) < 0)
            goto done;
    if (step != SQLITE_DONE) {
        set_error(st, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    return rc;
}

typedef struct {
    char **items;
    size_t n;
} string_list;

static int collect_texts(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    string_list *l = ctx;
    if (fmt_strings_push_copy(&l->items, &l->n, (const char *)sqlite3_column_text(stmt, 0)) < 0)
        return set_oom(st);
    return 0;
}

/* What the target has under a name (names are case-insensitive in SQLite). */
typedef struct {
    int exists;
    char type[16];
    char *name;
    char *table;
    char *sql;
} object_info;

static void object_info_clear(object_info *o)
{
    free(o->name);
    free(o->table);
    free(o->sql);
    memset(o, 0, sizeof *o);
}

static int object_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    object_info *o = ctx;
    if (o->exists)
        return 0;
    const char *type = (const char *)sqlite3_column_text(stmt, 0);
    snprintf(o->type, sizeof o->type, "%s", type ? type : "");
    o->name = strdup((const char *)sqlite3_column_text(stmt, 1));
    o->table = strdup((const char *)sqlite3_column_text(stmt, 2));
    const char *sql = (const char *)sqlite3_column_text(stmt, 3);
    o->sql = strdup(sql ? sql : "");
    o->exists = 1;
    if (!o->name || !o->table || !o->sql)
        return set_oom(st);
    return 0;
}

static int lookup_object(sqlite_target *st, const char *name, object_info *o)
{
    memset(o, 0, sizeof *o);
    return query(st,
                 "SELECT type, name, tbl_name, sql FROM main.sqlite_schema"
                 " WHERE name = ?1 COLLATE NOCASE",
                 name, object_row, o);
}

/* ---- text helpers ------------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (sqlite3_strnicmp(hay, needle, (int)n) == 0)
            return 1;
    return 0;
}

static int starts_ci(const char *s, const char *prefix)
{
    return sqlite3_strnicmp(s, prefix, (int)strlen(prefix)) == 0;
}

/* Next alphabetic word of sql into word (upper case), or "" at the end. */
static const char *next_word(const char *p, char word[16])
{
    size_t n = 0;
    while (is_space(*p))
        p++;
    while (is_alpha(*p) && n < 15)
        word[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p), p++;
    word[n] = '\0';
    return p;
}

/* Does sql start "CREATE [opt] kind"? Guards verbatim statements from the
 * file: an "index" must create an index, not drop a table. */
static int sql_creates(const char *sql, const char *opt1, const char *opt2, const char *kind)
{
    char w[16];
    const char *p = next_word(sql, w);
    if (strcmp(w, "CREATE") != 0)
        return 0;
    p = next_word(p, w);
    if ((opt1 && strcmp(w, opt1) == 0) || (opt2 && strcmp(w, opt2) == 0))
        next_word(p, w);
    return strcmp(w, kind) == 0;
}

/* True when the whole text is one parenthesised group: "(a) + (b)" is not. */
static int fully_parenthesised(const char *s)
{
    size_t n = strlen(s);
    int depth = 0;
    char quote = 0;
    if (n < 2 || s[0] != '(' || s[n - 1] != ')')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            quote = c;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0 && i != n - 1) {
            return 0;
        }
    }
    return depth == 0;
}

/* Appends an expression so that it parses as one operand: parentheses
 * unless it already has them. */
static void sb_expression(strbuf *b, const char *expr)
{
    if (fully_parenthesised(expr)) {
        sb_add(b, expr);
    } else {
        sb_add(b, "(");
        sb_add(b, expr);
        sb_add(b, ")");
    }
}

static int is_identifier(const char *s)
{
    if (!is_alpha(*s))
        return 0;
    for (; *s; s++)
        if (!is_alpha(*s) && !is_digit(*s))
            return 0;
    return 1;
}

/* A declared type as SQLite's grammar has it: words, then optionally
 * "(n)" or "(n, m)". Anything else in the file is refused rather than pasted
 * into a CREATE TABLE. */
static int is_declared_type(const char *s)
{
    int depth = 0;
    if (!is_alpha(*s))
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (c == '(') {
            if (depth++)
                return 0;
        } else if (c == ')') {
            if (depth-- != 1)
                return 0;
        } else if (!(is_alpha(c) || is_digit(c) || is_space(c) || c == '+' || c == '-' ||
                     c == '.' || (c == ',' && depth))) {
            return 0;
        }
    }
    return depth == 0;
}

/* Plain literals are carried from another backend's default: a number,
 * 'string', NULL, TRUE/FALSE, CURRENT_TIMESTAMP/DATE/TIME. PostgreSQL
 * writes string and number defaults with casts ('x'::text, (-1)), so
 * outer parentheses and trailing ::type casts are dropped, except on the
 * strings that date types read as functions ('now'::timestamp).
 * Returns the literal's length in s (its text starts at *start), or 0. */
static size_t plain_literal(const char *s, const char **start, int allow_casts)
{
    static const char *const keywords[] = {"NULL",         "TRUE",         "FALSE",
                                           "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"};
    static const char *const specials[] = {"'now'",      "'today'",     "'tomorrow'", "'yesterday'",
                                           "'infinity'", "'-infinity'", "'epoch'",    "'allballs'"};
    const char *p = s, *end;
    size_t depth = 0;

    while (is_space(*p))
        p++;
    while (allow_casts && *p == '(')
        depth++, p++;
    *start = p;
    if (*p == '\'') {
        for (end = p + 1;; end++) {
            if (*end == '\0')
                return 0;
            if (*end == '\'' && end[1] == '\'')
                end++;
            else if (*end == '\'')
                break;
        }
        end++;
    } else if (is_digit(*p) || ((*p == '-' || *p == '+') && (is_digit(p[1]) || p[1] == '.')) ||
               (*p == '.' && is_digit(p[1]))) {
        end = p + (*p == '-' || *p == '+');
        while (is_digit(*end))
            end++;
        if (*end == '.')
            for (end++; is_digit(*end);)
                end++;
        if (*end == 'e' || *end == 'E') {
            const char *e = end + 1 + (end[1] == '+' || end[1] == '-');
            if (!is_digit(*e))
                return 0;
            while (is_digit(*e))
                e++;
            end = e;
        }
    } else {
        for (end = p; is_alpha(*end); end++)
            ;
        size_t i, n = (size_t)(end - p);
        for (i = 0; i < sizeof keywords / sizeof *keywords; i++)
            if (strlen(keywords[i]) == n && sqlite3_strnicmp(p, keywords[i], (int)n) == 0)
                break;
        if (n == 0 || i == sizeof keywords / sizeof *keywords)
            return 0;
    }
    size_t len = (size_t)(end - p);
    const char *q = end;
    int casted = 0;
    for (;;) {
        while (is_space(*q))
            q++;
        if (depth && *q == ')') {
            depth--, q++;
        } else if (allow_casts && q[0] == ':' && q[1] == ':' && is_alpha(q[2])) {
            casted = 1;
            for (q += 2; is_alpha(*q) || is_digit(*q) || *q == ' ' || *q == '.'; q++)
                ;
            if (*q == '(') {
                while (*q && *q != ')')
                    q++;
                if (*q++ != ')')
                    return 0;
            }
        } else {
            break;
        }
    }
    if (*q != '\0' || depth)
        return 0;
    if (casted && *p == '\'')
        for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
            if (strlen(specials[i]) == len && sqlite3_strnicmp(p, specials[i], (int)len) == 0)
                return 0;
    return len;
}

/* ---- types -------------------------------------------------------------- */

/* Declared SQLite types for portable types from another backend. INTEGER is
 * kept for the rowid column, so plain int64 columns say BIGINT. */
static const char *const portable_decl[FMT_TYPE_COUNT_] = {
    [FMT_TYPE_BOOLEAN] = "BOOLEAN",
    [FMT_TYPE_INT16] = "SMALLINT",
    [FMT_TYPE_INT32] = "INT4",
    [FMT_TYPE_INT64] = "BIGINT",
    [FMT_TYPE_FLOAT32] = "FLOAT4",
    [FMT_TYPE_FLOAT64] = "REAL",
    /* TEXT affinity: SQLite's NUMERIC would turn "0.10" into the real 0.1 and
     * 40 digits into 17; the SQLite source maps "DECIMAL TEXT" back. */
    [FMT_TYPE_DECIMAL] = "DECIMAL TEXT",
    [FMT_TYPE_TEXT] = "TEXT",
    [FMT_TYPE_VARCHAR] = "VARCHAR",
    [FMT_TYPE_CHAR] = "CHAR",
    [FMT_TYPE_BYTES] = "BLOB",
    [FMT_TYPE_DATE] = "DATE",
    [FMT_TYPE_TIME] = "TIME",
    [FMT_TYPE_TIMETZ] = "TIMETZ",
    [FMT_TYPE_TIMESTAMP] = "TIMESTAMP",
    [FMT_TYPE_TIMESTAMPTZ] = "TIMESTAMPTZ",
    [FMT_TYPE_INTERVAL] = "INTERVAL",
    [FMT_TYPE_UUID] = "UUID",
    [FMT_TYPE_JSON] = "JSON",
    [FMT_TYPE_JSONB] = "JSONB",
    [FMT_TYPE_VECTOR] = "F32_BLOB",
    [FMT_TYPE_HALFVEC] = "F16_BLOB",
    [FMT_TYPE_ANY] = "",
    [FMT_TYPE_NATIVE] = "TEXT",
    [FMT_TYPE_SPARSEVEC] = "SPARSEVEC",
    [FMT_TYPE_ARRAY] = "", /* the element's declaration + "[]": see column_declaration */
};

/* Appends " TYPE" for c (nothing for a column without a declared type). */
static int column_declaration(sqlite_target *st, const fmt_table *t, const fmt_column *c, strbuf *b)
{
    const fmt_type *ty = &c->type;
    if (st->source_is_sqlite && c->native_type) {
        if (*c->native_type == '\0')
            return 0;
        if (!is_declared_type(c->native_type))
            return set_error(st, "table \"%s\", column \"%s\": invalid declared type \"%s\"",
                             t->name, c->name, c->native_type);
        sb_add(b, " ");
        sb_add(b, c->native_type);
        return 0;
    }
    if (ty->kind < 0 || ty->kind >= FMT_TYPE_COUNT_)
        return set_error(st, "table \"%s\", column \"%s\": unknown type", t->name, c->name);
    if (ty->kind == FMT_TYPE_NATIVE && c->native_type && is_identifier(c->native_type)) {
        sb_add(b, " ");
        sb_add(b, c->native_type);
        return 0;
    }
    /* An array is declared "ARRAY " + its element ("ARRAY VARCHAR(10)": SQLite's
     * grammar has no room for "VARCHAR(10)[]"), which the SQLite source maps
     * back to array(varchar(10)); the values are JSON text. */
    fmt_type_kind kind = ty->kind == FMT_TYPE_ARRAY ? ty->element : ty->kind;
    if (kind < 0 || kind >= FMT_TYPE_COUNT_ || !portable_decl[kind])
        return set_error(st, "table \"%s\", column \"%s\": unknown type", t->name, c->name);
    const char *decl = portable_decl[kind];
    /* decimal(p,s) with p <= 15: every value is exact as a double, so the
     * column gets SQLite's own NUMERIC (what a SQLite user expects of a
     * money column); wider or unbounded decimals are only exact as text. */
    if (kind == FMT_TYPE_DECIMAL && ty->param1 > 0 && ty->param1 <= 15)
        decl = "NUMERIC";
    if (*decl == '\0')
        return 0;
    sb_add(b, ty->kind == FMT_TYPE_ARRAY ? " ARRAY " : " ");
    sb_add(b, decl);
    switch (kind) {
    case FMT_TYPE_DECIMAL:
        if (ty->param1 >= 0 && ty->param2 >= 0)
            sb_printf(b, "(%d,%d)", (int)ty->param1, (int)ty->param2);
        else if (ty->param1 >= 0)
            sb_printf(b, "(%d)", (int)ty->param1);
        break;
    case FMT_TYPE_VARCHAR:
    case FMT_TYPE_CHAR:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
    case FMT_TYPE_SPARSEVEC:
        if (ty->param1 >= 0)
            sb_printf(b, "(%d)", (int)ty->param1);
        break;
    default:
        break;
    }
    return 0;
}

/* SQLite's own affinity rules (datatype3.html, 3.1). */
typedef enum { AFF_INTEGER, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUMERIC } affinity;

enum { COLUMN_OTHER, COLUMN_TEXT, COLUMN_BLOB };

static affinity declared_affinity(const char *decl)
{
    if (contains_ci(decl, "INT"))
        return AFF_INTEGER;
    if (contains_ci(decl, "CHAR") || contains_ci(decl, "CLOB") || contains_ci(decl, "TEXT"))
        return AFF_TEXT;
    if (*decl == '\0' || contains_ci(decl, "BLOB"))
        return AFF_BLOB;
    if (contains_ci(decl, "REAL") || contains_ci(decl, "FLOA") || contains_ci(decl, "DOUB"))
        return AFF_REAL;
    return AFF_NUMERIC;
}

static unsigned char column_class(affinity a)
{
    return a == AFF_TEXT ? COLUMN_TEXT : a == AFF_BLOB ? COLUMN_BLOB : COLUMN_OTHER;
}

/* Compatibility of a file column with an existing target column is judged
 * by family, not exact type: in SQLite every value is stored by its own
 * class, and a date is text whether the column says DATE or TEXT. So the
 * question is only whether values of the file's type belong in that column
 * at all: numbers (booleans, integers, floats, decimals), text (strings,
 * temporal values, uuid, json) or bytes (blobs, vectors). Typeless and
 * unknown declarations accept anything, since we cannot judge them. */
typedef enum { FAMILY_ANY, FAMILY_NUMBER, FAMILY_TEXT, FAMILY_BYTES } type_family;

static type_family portable_family(fmt_type_kind k)
{
    switch (k) {
    case FMT_TYPE_BOOLEAN:
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
    case FMT_TYPE_DECIMAL:
        return FAMILY_NUMBER;
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        return FAMILY_BYTES;
    case FMT_TYPE_ANY:
    case FMT_TYPE_NATIVE:
    case FMT_TYPE_COUNT_:
        return FAMILY_ANY;
    default:
        return FAMILY_TEXT;
    }
}

/* The declared type mapped the way the SQLite exporter reads it, by name
 * first (DATE, TIMESTAMP, INTERVAL, UUID, JSON are text although SQLite's
 * affinity rules say otherwise), then by affinity. */
static type_family declared_family(const char *decl)
{
    static const char *const text_prefixes[] = {"DATE", "TIME", "INTERVAL", "UUID", "JSON"};
    while (is_space(*decl))
        decl++;
    if (*decl == '\0' || sqlite3_stricmp(decl, "ANY") == 0)
        return FAMILY_ANY;
    if (starts_ci(decl, "BOOL"))
        return FAMILY_NUMBER;
    for (size_t i = 0; i < sizeof text_prefixes / sizeof *text_prefixes; i++)
        if (starts_ci(decl, text_prefixes[i]))
            return FAMILY_TEXT;
    if (starts_ci(decl, "F32_BLOB") || starts_ci(decl, "F16_BLOB") || contains_ci(decl, "VECTOR") ||
        starts_ci(decl, "BYTEA"))
        return FAMILY_BYTES;
    switch (declared_affinity(decl)) {
    case AFF_INTEGER:
    case AFF_REAL:
        return FAMILY_NUMBER;
    case AFF_TEXT:
        return FAMILY_TEXT;
    case AFF_BLOB:
        return FAMILY_BYTES;
    case AFF_NUMERIC:
        break;
    }
    if (starts_ci(decl, "NUMERIC") || starts_ci(decl, "DECIMAL") || starts_ci(decl, "NUMBER") ||
        starts_ci(decl, "MONEY"))
        return FAMILY_NUMBER;
    return FAMILY_ANY;
}

static int types_compatible(const sqlite_target *st, const fmt_column *c, const char *decl)
{
    if (st->source_is_sqlite && c->native_type) {
        if (sqlite3_stricmp(c->native_type, decl) == 0)
            return 1;
        if (declared_affinity(c->native_type) == declared_affinity(decl))
            return 1;
    }
    type_family file = portable_family(c->type.kind), target = declared_family(decl);
    return file == FAMILY_ANY || target == FAMILY_ANY || file == target;
}

/* ---- CREATE TABLE ------------------------------------------------------- */

static const char *identity_name(fmt_identity_kind k)
{
    static const char *const names[] = {"none",   "rowid",      "autoincrement",
                                        "always", "by_default", "serial"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "unknown";
}

static int find_column(const fmt_table *t, const char *name)
{
    for (size_t i = 0; name && i < t->ncolumns; i++)
        if (t->columns[i].name && strcmp(t->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The column that becomes "INTEGER PRIMARY KEY" inline, or -1. */
static int rowid_column(const sqlite_target *st, const fmt_table *t)
{
    if (!t->primary_key || t->primary_key->ncolumns != 1 || t->without_rowid)
        return -1;
    int c = find_column(t, t->primary_key->columns[0]);
    if (c < 0)
        return -1;
    switch (t->columns[c].identity) {
    case FMT_IDENTITY_ROWID:
    case FMT_IDENTITY_AUTOINCREMENT:
        return c;
    case FMT_IDENTITY_ALWAYS:
    case FMT_IDENTITY_BY_DEFAULT:
    case FMT_IDENTITY_SERIAL:
        return st->source_is_sqlite ? -1 : c;
    default:
        return -1;
    }
}

/* Collations another backend names that SQLite has; "C" is SQLite's
 * default BINARY already. Returns the name to write, "" for none, NULL if
 * SQLite has no such collation. */
static const char *carried_collation(const char *name)
{
    static const char *const known[] = {"BINARY", "NOCASE", "RTRIM"};
    static const char *const binary[] = {"C", "POSIX", "default", "ucs_basic"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (sqlite3_stricmp(name, known[i]) == 0)
            return name;
    for (size_t i = 0; i < sizeof binary / sizeof *binary; i++)
        if (sqlite3_stricmp(name, binary[i]) == 0)
            return "";
    return NULL;
}

static int fk_action(sqlite_target *st, const fmt_table *t, const char *action, const char *on,
                     strbuf *b)
{
    static const char *const actions[][2] = {{"restrict", "RESTRICT"},
                                             {"cascade", "CASCADE"},
                                             {"set null", "SET NULL"},
                                             {"set default", "SET DEFAULT"}};
    if (!action || sqlite3_stricmp(action, "no action") == 0)
        return 0;
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
        if (sqlite3_stricmp(action, actions[i][0]) == 0) {
            sb_printf(b, " ON %s %s", on, actions[i][1]);
            return 0;
        }
    }
    return set_error(st, "table \"%s\": unknown foreign key action \"%s\"", t->name, action);
}

static void sb_constraint_name(strbuf *b, const char *name)
{
    if (name) {
        sb_add(b, "CONSTRAINT ");
        sb_ident(b, name);
        sb_add(b, " ");
    }
}

/* Builds CREATE TABLE for t. only_check selects the CHECK constraints
 * written (CHECKS_ALL, CHECKS_NONE or one index) so that a failing one can
 * be named; warn records what is not carried (set on the first build only). */
static int build_create_table(sqlite_target *st, const fmt_table *t, long only_check, int warn,
                              strbuf *b, int *autoincrement)
{
    int inline_pk = rowid_column(st, t);
    int sqlite_src = st->source_is_sqlite;
    const char *sep = "\n  ";

    *autoincrement = 0;
    sb_add(b, "CREATE TABLE ");
    sb_ident(b, t->name);
    sb_add(b, " (");
    int first = 1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        int is_inline = (int)i == inline_pk;

        if (!c->name)
            return set_error(st, "table \"%s\": column %zu has no name", t->name, i + 1);
        if (c->generated_sql && !sqlite_src) {
            /* Its expression is in another dialect and its values are not in
             * the file: a plain column would hold NULLs that then travel on
             * as data. Left out, and said so. */
            if (warn)
                add_warning(st,
                            "table \"%s\", column \"%s\": generated column from %s not "
                            "carried (its expression is %s)",
                            t->name, c->name, backend_name(st), c->generated_sql);
            continue;
        }
        sb_add(b, first ? sep : ",\n  ");
        first = 0;
        sb_ident(b, c->name);
        if (is_inline) {
            sb_add(b, " INTEGER ");
            sb_constraint_name(b, t->primary_key->name);
            sb_add(b, "PRIMARY KEY");
            if (c->identity == FMT_IDENTITY_AUTOINCREMENT) {
                sb_add(b, " AUTOINCREMENT");
                *autoincrement = 1;
            }
        } else {
            if (column_declaration(st, t, c, b) < 0)
                return -1;
            if (c->identity != FMT_IDENTITY_NONE && warn)
                add_warning(st, "table \"%s\", column \"%s\": identity (%s) not carried: %s",
                            t->name, c->name, identity_name(c->identity),
                            t->without_rowid ? "the table is WITHOUT ROWID"
                                             : "not the only primary key column");
        }
        if (!c->nullable)
            sb_add(b, " NOT NULL");
        if (c->default_sql && !c->generated_sql) {
            const char *lit;
            size_t n = plain_literal(c->default_sql, &lit, !sqlite_src);
            if (sqlite_src) {
                sb_add(b, " DEFAULT ");
                if (n || is_identifier(c->default_sql))
                    sb_add(b, c->default_sql);
                else
                    sb_expression(b, c->default_sql);
            } else if (n) {
                sb_add(b, " DEFAULT ");
                sb_addn(b, lit, n);
            } else if (c->identity != FMT_IDENTITY_NONE &&
                       contains_ci(c->default_sql, "nextval(")) {
                /* the sequence behind the identity, reported with it */
            } else if (warn) {
                add_warning(st, "table \"%s\", column \"%s\": default %s not carried", t->name,
                            c->name, c->default_sql);
            }
        }
        if (c->collation) {
            const char *coll = sqlite_src ? c->collation : carried_collation(c->collation);
            if (coll && *coll) {
                sb_add(b, " COLLATE ");
                sb_ident(b, coll);
            } else if (!coll && warn) {
                add_warning(st, "table \"%s\", column \"%s\": collation \"%s\" not carried",
                            t->name, c->name, c->collation);
            }
        }
        if (c->generated_sql) {
            sb_add(b, " GENERATED ALWAYS AS ");
            sb_expression(b, c->generated_sql);
            sb_add(b, c->generated_stored ? " STORED" : " VIRTUAL");
        }
    }
    if (t->primary_key && inline_pk < 0) {
        sb_add(b, ",\n  ");
        sb_constraint_name(b, t->primary_key->name);
        sb_add(b, "PRIMARY KEY ");
        sb_ident_list(b, t->primary_key->columns, t->primary_key->ncolumns);
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        sb_add(b, ",\n  ");
        sb_constraint_name(b, t->uniques[i].name);
        sb_add(b, "UNIQUE ");
        sb_ident_list(b, t->uniques[i].columns, t->uniques[i].ncolumns);
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        if (only_check == CHECKS_NONE || (only_check >= 0 && (size_t)only_check != i) ||
            (st->check_skip && st->check_skip[i]))
            continue;
        if (!t->checks[i].expression)
            continue;
        sb_add(b, ",\n  ");
        sb_constraint_name(b, t->checks[i].name);
        sb_add(b, "CHECK ");
        sb_expression(b, t->checks[i].expression);
    }
    for (size_t i = 0; i < t->nforeign_keys; i++) {
        const fmt_foreign_key *fk = &t->foreign_keys[i];
        sb_add(b, ",\n  ");
        sb_constraint_name(b, fk->name);
        sb_add(b, "FOREIGN KEY ");
        sb_ident_list(b, fk->columns, fk->ncolumns);
        sb_add(b, " REFERENCES ");
        sb_ident(b, fk->ref_table);
        if (fk->nref_columns) {
            sb_add(b, " ");
            sb_ident_list(b, fk->ref_columns, fk->nref_columns);
        }
        if (fk_action(st, t, fk->on_delete, "DELETE", b) < 0 ||
            fk_action(st, t, fk->on_update, "UPDATE", b) < 0)
            return -1;
        if (fk->deferrable)
            sb_add(b, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
                                             : " DEFERRABLE INITIALLY IMMEDIATE");
    }
    sb_add(b, "\n)");
    if (t->without_rowid)
        sb_add(b, " WITHOUT ROWID");
    if (t->strict)
        sb_add(b, t->without_rowid ? ", STRICT" : " STRICT");
    if (b->oom)
        return set_oom(st);
    return 0;
}

/* Runs (or in a dry run only compiles) CREATE TABLE. When it fails on a
 * table from another backend, finds the CHECK that SQLite cannot read. */
static int create_table(sqlite_target *st, const fmt_table *t, int *autoincrement)
{
    strbuf ddl = {0};
    sqlite3_stmt *stmt = NULL;
    char *why = NULL;
    int rc = -1, dummy;

    if (build_create_table(st, t, CHECKS_ALL, 1, &ddl, autoincrement) < 0)
        goto done;
    if (st->opts.dry_run) {
        if (prepare_one(st, ddl.buf, NULL, &stmt) == 0) {
            rc = 0;
            goto done;
        }
    } else if (exec_one(st, ddl.buf, NULL) == 0) {
        rc = 0;
        goto done;
    }
    why = st->err;
    st->err = NULL;
    if (!why) {
        set_oom(st);
        goto done;
    }
    if (!st->source_is_sqlite && t->nchecks) {
        /* Another dialect's CHECK that SQLite cannot parse is left out with
         * a warning, as pg_restore goes on past a constraint it cannot
         * create; the rest of the table is created as it was. */
        int skipped = 0;
        free(st->check_skip);
        st->check_skip = calloc(t->nchecks, 1);
        if (!st->check_skip) {
            set_oom(st);
            goto done;
        }
        for (long k = CHECKS_NONE; k < (long)t->nchecks; k++) {
            strbuf probe = {0};
            int ok = build_create_table(st, t, k, 0, &probe, &dummy) == 0 &&
                     sqlite3_prepare_v2(st->db, probe.buf, -1, &stmt, NULL) == SQLITE_OK;
            const char *msg = sqlite3_errmsg(st->db);
            sqlite3_finalize(stmt);
            stmt = NULL;
            sb_free(&probe);
            if (k == CHECKS_NONE && !ok)
                break; /* not the checks' fault */
            if (k >= 0 && !ok) {
                add_warning(
                    st, "table \"%s\": CHECK constraint%s%s%s from %s not carried: %s: %s", t->name,
                    t->checks[k].name ? " \"" : "", t->checks[k].name ? t->checks[k].name : "",
                    t->checks[k].name ? "\"" : "", backend_name(st), t->checks[k].expression, msg);
                st->check_skip[k] = 1;
                skipped = 1;
            }
        }
        if (skipped) {
            sb_free(&ddl);
            int ok = build_create_table(st, t, CHECKS_ALL, 0, &ddl, autoincrement) == 0;
            if (ok && st->opts.dry_run)
                ok = prepare_one(st, ddl.buf, NULL, &stmt) == 0;
            else if (ok)
                ok = exec_one(st, ddl.buf, NULL) == 0;
            free(st->check_skip);
            st->check_skip = NULL;
            if (ok) {
                rc = 0;
                goto done;
            }
        }
        free(st->check_skip);
        st->check_skip = NULL;
    }
    set_error(st, "table \"%s\": cannot create it: %s", t->name, why);
done:
    sqlite3_finalize(stmt);
    free(why);
    sb_free(&ddl);
    return rc;
}

static int has_namespaced_reference(const fmt_table *t)
{
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (t->foreign_keys[i].ref_namespace)
            return 1;
    return 0;
}

/* ---- existing tables ---------------------------------------------------- */

typedef struct {
    char *name;
    char *decl;
    int notnull, has_default, pk, hidden;
} target_column;

typedef struct {
    target_column *cols;
    size_t n;
} target_columns;

static void target_columns_clear(target_columns *tc)
{
    for (size_t i = 0; i < tc->n; i++) {
        free(tc->cols[i].name);
        free(tc->cols[i].decl);
    }
    free(tc->cols);
    memset(tc, 0, sizeof *tc);
}

static int target_column_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    target_columns *tc = ctx;
    target_column *p = realloc(tc->cols, (tc->n + 1) * sizeof *p);
    if (!p)
        return set_oom(st);
    tc->cols = p;
    target_column *c = &p[tc->n++];
    const char *decl = (const char *)sqlite3_column_text(stmt, 1);
    c->name = strdup((const char *)sqlite3_column_text(stmt, 0));
    c->decl = strdup(decl ? decl : "");
    c->notnull = sqlite3_column_int(stmt, 2);
    c->has_default = sqlite3_column_int(stmt, 3);
    c->pk = sqlite3_column_int(stmt, 4);
    c->hidden = sqlite3_column_int(stmt, 5);
    if (!c->name || !c->decl)
        return set_oom(st);
    return 0;
}

static int count_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    (void)st, (void)stmt;
    ++*(int *)ctx;
    return 0;
}

/* Checks an existing table against t before any row is written: every
 * file column must exist with a compatible type, and every target column
 * the file lacks must be able to do without a value. */
static int check_existing(sqlite_target *st, const fmt_table *t, const object_info *obj)
{
    target_columns tc = {0};
    unsigned char *used = NULL;
    int rc = -1, npk = 0, pk_index = 0, rowid_alias = 0;

    if (query(st,
              "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk, hidden"
              " FROM pragma_table_xinfo(?1) ORDER BY cid",
              obj->name, target_column_row, &tc) < 0)
        goto done;
    for (size_t j = 0; j < tc.n; j++)
        npk += tc.cols[j].pk > 0;
    if (query(st, "SELECT 1 FROM pragma_index_list(?1) WHERE origin = 'pk'", obj->name, count_row,
              &pk_index) < 0)
        goto done;
    used = calloc(tc.n + 1, 1);
    if (!used) {
        set_oom(st);
        goto done;
    }
    /* INTEGER PRIMARY KEY aliases the rowid: it needs no value. */
    for (size_t j = 0; j < tc.n; j++)
        if (npk == 1 && tc.cols[j].pk == 1 && !pk_index &&
            sqlite3_stricmp(tc.cols[j].decl, "INTEGER") == 0)
            rowid_alias = (int)j + 1;

    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        size_t j;
        for (j = 0; j < tc.n; j++)
            if (sqlite3_stricmp(tc.cols[j].name, c->name) == 0)
                break;
        if (j == tc.n) {
            set_error(st, "table \"%s\": column \"%s\" does not exist in the target", t->name,
                      c->name);
            goto done;
        }
        used[j] = 1;
        if (!types_compatible(st, c, tc.cols[j].decl)) {
            set_error(st,
                      "table \"%s\", column \"%s\": type %s in the file does not fit the "
                      "target's declared type %s",
                      t->name, c->name, c->type_text ? c->type_text : "(unknown)",
                      *tc.cols[j].decl ? tc.cols[j].decl : "(none)");
            goto done;
        }
        st->insertable[i] = !(tc.cols[j].hidden == 2 || tc.cols[j].hidden == 3);
        st->text_column[i] = column_class(declared_affinity(tc.cols[j].decl));
        if (!st->insertable[i] && !c->generated_sql)
            add_warning(st,
                        "table \"%s\", column \"%s\": generated in the target, the file's "
                        "values are not loaded",
                        t->name, c->name);
    }
    for (size_t j = 0; j < tc.n; j++) {
        const target_column *tcol = &tc.cols[j];
        if (used[j] || !tcol->notnull || tcol->has_default || tcol->hidden == 2 ||
            tcol->hidden == 3 || rowid_alias == (int)j + 1)
            continue;
        set_error(st,
                  "table \"%s\": column \"%s\" of the target is NOT NULL without a default and "
                  "the file has no values for it",
                  t->name, tcol->name);
        goto done;
    }
    rc = 0;
done:
    free(used);
    target_columns_clear(&tc);
    return rc;
}

/* The conflict target for --on-conflict=update: the primary key, else the
 * first unique index on plain columns without a WHERE. */
typedef struct {
    string_list columns;
    int has_expression; /* cannot be a conflict target */
} index_columns;

static int index_column_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    index_columns *ic = ctx;
    if (sqlite3_column_int(stmt, 1) < 0) {
        ic->has_expression = 1;
        return 0;
    }
    if (fmt_strings_push_copy(&ic->columns.items, &ic->columns.n,
                              (const char *)sqlite3_column_text(stmt, 0)) < 0)
        return set_oom(st);
    return 0;
}

static int conflict_key_from_target(sqlite_target *st, const char *table)
{
    string_list pk = {0}, uniques = {0};
    int rc = -1;

    if (query(st, "SELECT name FROM pragma_table_xinfo(?1) WHERE pk > 0 ORDER BY pk", table,
              collect_texts, &pk) < 0)
        goto done;
    if (pk.n) {
        st->conflict_key = pk.items, st->nconflict_key = pk.n;
        pk.items = NULL, pk.n = 0;
        rc = 0;
        goto done;
    }
    if (query(
            st,
            "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" AND NOT partial ORDER BY seq",
            table, collect_texts, &uniques) < 0)
        goto done;
    for (size_t i = 0; i < uniques.n && st->nconflict_key == 0; i++) {
        index_columns ic = {{0}, 0};
        int qrc = query(st, "SELECT name, cid FROM pragma_index_info(?1) ORDER BY seqno",
                        uniques.items[i], index_column_row, &ic);
        if (qrc == 0 && !ic.has_expression && ic.columns.n > 0) {
            st->conflict_key = ic.columns.items, st->nconflict_key = ic.columns.n;
            ic.columns.items = NULL, ic.columns.n = 0;
        }
        fmt_strings_free(ic.columns.items, ic.columns.n);
        if (qrc < 0)
            goto done;
    }
    rc = 0;
done:
    fmt_strings_free(pk.items, pk.n);
    fmt_strings_free(uniques.items, uniques.n);
    return rc;
}

static int conflict_key_from_file(sqlite_target *st, const fmt_table *t)
{
    const fmt_key *k = t->primary_key ? t->primary_key : t->nuniques ? &t->uniques[0] : NULL;
    for (size_t i = 0; k && i < k->ncolumns; i++)
        if (fmt_strings_push_copy(&st->conflict_key, &st->nconflict_key, k->columns[i]) < 0)
            return set_oom(st);
    return 0;
}

/* ---- indexes (created in finish) ---------------------------------------- */

static int collect_indexes(sqlite_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];
        strbuf b = {0};

        if (!ix->name) {
            add_warning(st, "table \"%s\": an index without a name is not created", t->name);
            continue;
        }
        if (starts_ci(ix->name, "sqlite_"))
            continue; /* SQLite's own, made by a constraint */
        if (st->source_is_sqlite && ix->sql) {
            if (!sql_creates(ix->sql, "UNIQUE", NULL, "INDEX"))
                return set_error(st,
                                 "index \"%s\" on table \"%s\": its SQL does not create an index",
                                 ix->name, t->name);
            sb_add(&b, ix->sql);
        } else {
            sb_add(&b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
            sb_ident(&b, ix->name);
            sb_add(&b, " ON ");
            sb_ident(&b, t->name);
            sb_add(&b, " (");
            for (size_t p = 0; p < ix->nparts; p++) {
                const fmt_index_part *part = &ix->parts[p];
                if (p)
                    sb_add(&b, ", ");
                if (part->column)
                    sb_ident(&b, part->column);
                else
                    sb_expression(&b, part->expression ? part->expression : "NULL");
                if (part->collation) {
                    const char *coll =
                        st->source_is_sqlite ? part->collation : carried_collation(part->collation);
                    if (coll && *coll) {
                        sb_add(&b, " COLLATE ");
                        sb_ident(&b, coll);
                    } else if (!coll) {
                        add_warning(st,
                                    "index \"%s\" on table \"%s\": collation \"%s\" not carried",
                                    ix->name, t->name, part->collation);
                    }
                }
                if (part->descending)
                    sb_add(&b, " DESC");
            }
            sb_add(&b, ")");
            if (ix->where) {
                sb_add(&b, " WHERE ");
                sb_add(&b, ix->where);
            }
        }
        if (st->nindexes == st->capindexes) {
            size_t cap = st->capindexes ? 2 * st->capindexes : 16;
            pending_index *p = realloc(st->indexes, cap * sizeof *p);
            if (!p) {
                sb_free(&b);
                return set_oom(st);
            }
            st->indexes = p;
            st->capindexes = cap;
        }
        pending_index *pi = &st->indexes[st->nindexes];
        pi->name = strdup(ix->name);
        pi->table = strdup(t->name);
        pi->sql = b.buf;
        pi->best_effort = !st->source_is_sqlite;
        st->nindexes++;
        if (!pi->name || !pi->table || !pi->sql || b.oom)
            return set_oom(st);
    }
    return 0;
}

/* ---- per-table state ---------------------------------------------------- */

static void table_reset(sqlite_target *st)
{
    for (size_t i = 0; i < INSERT_CACHE; i++) {
        sqlite3_finalize(st->cache[i].stmt);
        free(st->cache[i].mask);
        st->cache[i].stmt = NULL;
        st->cache[i].mask = NULL;
    }
    st->next_evict = 0;
    free(st->table);
    fmt_strings_free(st->columns, st->ncolumns);
    fmt_strings_free(st->conflict_key, st->nconflict_key);
    free(st->insertable);
    free(st->is_key);
    free(st->text_column);
    free(st->mask);
    st->table = NULL;
    st->columns = NULL;
    st->conflict_key = NULL;
    st->insertable = st->is_key = st->text_column = st->mask = NULL;
    st->ncolumns = st->nconflict_key = 0;
    st->table_open = 0;
    memset(&st->stats, 0, sizeof st->stats);
}

static int record_loaded_table(sqlite_target *st, const fmt_table *t, const char *name,
                               int autoincrement)
{
    if (st->ntables == st->captables) {
        size_t cap = st->captables ? 2 * st->captables : 16;
        loaded_table *p = realloc(st->tables, cap * sizeof *p);
        if (!p)
            return set_oom(st);
        st->tables = p;
        st->captables = cap;
    }
    loaded_table *lt = &st->tables[st->ntables];
    memset(lt, 0, sizeof *lt);
    lt->name = strdup(name);
    if (!lt->name)
        return set_oom(st);
    st->ntables++;
    lt->autoincrement = autoincrement;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->identity != FMT_IDENTITY_NONE && c->has_last_value) {
            lt->has_sequence = 1;
            lt->sequence = c->last_value;
        }
    }
    return 0;
}

/* ---- the ops ------------------------------------------------------------ */

/* Creates an empty "<path>.dbimport-XXXXXX" with the mode a new file would
 * get (mkstemp makes it 0600). SQLite treats an empty file as an empty
 * database. */
static int create_work_file(sqlite_target *st, const char *path)
{
    size_t n = strlen(path) + sizeof ".dbimport-XXXXXX";
    st->work_path = malloc(n);
    if (!st->work_path)
        return set_oom(st);
    snprintf(st->work_path, n, "%s.dbimport-XXXXXX", path);
    int fd = mkstemp(st->work_path);
    if (fd < 0) {
        int e = errno;
        free(st->work_path);
        st->work_path = NULL;
        return set_error(st, "cannot create \"%s\": %s", path, strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0 || close(fd) < 0) {
        unlink(st->work_path);
        return set_error(st, "cannot create \"%s\": %s", path, strerror(errno));
    }
    return 0;
}

/* Puts a committed new database at its destination: link() refuses to
 * replace a file that appeared there meanwhile. */
static int publish_work_file(sqlite_target *st)
{
    if (link(st->work_path, st->path) < 0)
        return set_error(st, "cannot create \"%s\": %s", st->path, strerror(errno));
    unlink(st->work_path);
    free(st->work_path);
    st->work_path = NULL;
    return 0;
}

static int target_open(void **state, const char *locator, const db_target_options *opts)
{
    sqlite_target *st = calloc(1, sizeof *st);
    struct stat sb;
    int exists, flags;
    const char *file;
    sqlite3_stmt *stmt = NULL;

    /* The state is handed out even on failure: it carries the message, and
     * close removes a file this open created. */
    *state = st;
    if (!st)
        return -1;
    st->foreign_keys_before = -1;
    if (opts) {
        st->opts = *opts;
    } else {
        st->opts.on_conflict = DB_ON_CONFLICT_ERROR;
        st->opts.single_transaction = 1;
    }
    if (!locator || !*locator)
        return set_error(st, "no target database file given");
    st->path = strdup(locator);
    if (!st->path)
        return set_oom(st);
    exists = stat(locator, &sb) == 0;
    if (!exists && errno != ENOENT)
        return set_error(st, "cannot open \"%s\": %s", locator, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return set_error(st, "cannot open \"%s\": it is a directory", locator);
    if (st->opts.dry_run && !exists) {
        /* Nothing to check against: an empty database, never created. */
        file = ":memory:";
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY;
    } else if (st->opts.dry_run) {
        file = locator;
        flags = SQLITE_OPEN_READONLY;
    } else if (exists) {
        file = locator;
        flags = SQLITE_OPEN_READWRITE;
    } else {
        /* A new database is built under a temporary name beside its
         * destination and appears only when the import commits, so even a
         * kill -9 leaves the target path as it was. */
        if (create_work_file(st, locator) < 0)
            return -1;
        file = st->work_path;
        flags = SQLITE_OPEN_READWRITE;
        st->created_file = 1;
    }
    if (sqlite3_open_v2(file, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return set_error(st, "cannot open \"%s\": %s", locator,
                         st->db ? sqlite3_errmsg(st->db) : "out of memory");
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);

    /* Opening is lazy: the first read tells a database from other bytes. */
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM main.sqlite_schema", -1, &stmt, NULL) !=
            SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        int code = sqlite3_errcode(st->db);
        if (code == SQLITE_NOTADB)
            set_error(st, "\"%s\" is not an SQLite database", locator);
        else
            set_error(st, "cannot read \"%s\": %s", locator, sqlite3_errmsg(st->db));
        sqlite3_finalize(stmt);
        return -1;
    }
    sqlite3_finalize(stmt);
    stmt = NULL;

    if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_keys", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        st->foreign_keys_before = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    /* Rows arrive in file order, not parents first; the whole load is
     * checked once in finish instead. */
    if (exec_one(st, "PRAGMA foreign_keys = OFF", "cannot configure the connection") < 0)
        return -1;
    return 0;
}

static int target_begin(void *state, const fmt_header *h)
{
    sqlite_target *st = state;
    free(st->source_backend);
    st->source_backend = NULL;
    if (h && h->source_backend) {
        st->source_backend = strdup(h->source_backend);
        if (!st->source_backend)
            return set_oom(st);
    }
    st->source_is_sqlite = st->source_backend && strcmp(st->source_backend, "sqlite") == 0;
    /* 64 MiB of page cache for this connection only. The journal mode is the
     * user's and stays as it is. */
    if (exec_one(st, "PRAGMA cache_size = -65536", "cannot configure the connection") < 0)
        return -1;
    if (st->opts.dry_run)
        return 0;
    /* One transaction for everything (single_transaction is implied: it is
     * what makes a failed import leave no trace), taking the write lock now
     * rather than at the first row. */
    if (exec_one(st, "BEGIN IMMEDIATE", NULL) < 0)
        return set_error(st, "cannot start a transaction on \"%s\": %s", st->path,
                         st->err ? st->err : "out of memory");
    st->in_transaction = 1;
    return 0;
}

static int table_begin_named(sqlite_target *st, const fmt_table *t);

/* SQLite has no schemas: a table from another schema is named by its key
 * in the document, "schema.name" (and foreign keys to it likewise). */
static int target_table_begin(void *state, const fmt_table *t)
{
    sqlite_target *st = state;
    if (!t || (!t->namespace && !has_namespaced_reference(t)))
        return table_begin_named(st, t);
    fmt_table local = *t;
    fmt_foreign_key *fks = NULL;
    char *key = fmt_table_key(t);
    int rc = -1;
    if (!key)
        return set_oom(st);
    local.name = key;
    local.namespace = NULL;
    if (t->nforeign_keys) {
        fks = calloc(t->nforeign_keys, sizeof *fks);
        if (!fks) {
            free(key);
            return set_oom(st);
        }
        for (size_t i = 0; i < t->nforeign_keys; i++) {
            fks[i] = t->foreign_keys[i];
            if (fks[i].ref_namespace) {
                size_t n = strlen(fks[i].ref_namespace) + strlen(fks[i].ref_table) + 2;
                char *ref = malloc(n);
                if (!ref)
                    goto done;
                snprintf(ref, n, "%s.%s", fks[i].ref_namespace, fks[i].ref_table);
                fks[i].ref_table = ref;
                fks[i].ref_namespace = NULL;
            } else {
                fks[i].ref_table = NULL; /* borrowed: marked so it is not freed */
            }
        }
        for (size_t i = 0; i < t->nforeign_keys; i++)
            if (!fks[i].ref_table)
                fks[i].ref_table = t->foreign_keys[i].ref_table;
        local.foreign_keys = fks;
    }
    rc = table_begin_named(st, &local);
done:
    for (size_t i = 0; fks && i < t->nforeign_keys; i++)
        if (fks[i].ref_table && fks[i].ref_table != t->foreign_keys[i].ref_table)
            free(fks[i].ref_table);
    free(fks);
    free(key);
    if (rc < 0 && !st->err)
        set_oom(st);
    return rc;
}

static int table_begin_named(sqlite_target *st, const fmt_table *t)
{
    object_info obj = {0};
    int rc = -1, autoincrement = 0;

    if (t && t->partitioning)
        add_warning(st,
                    "table \"%s\": partitioning (%s, %zu partitions) not carried: SQLite has no "
                    "partitions, all rows go into one table",
                    t->name, t->partitioning->strategy ? t->partitioning->strategy : "?",
                    t->partitioning->npartitions);

    table_reset(st);
    free(st->error_column);
    st->error_column = NULL;
    if (!t || !t->name) {
        set_error(st, "a table without a name");
        goto done;
    }
    st->ncolumns = t->ncolumns;
    st->table = strdup(t->name);
    st->columns = calloc(t->ncolumns + 1, sizeof *st->columns);
    st->insertable = calloc(t->ncolumns + 1, 1);
    st->is_key = calloc(t->ncolumns + 1, 1);
    st->text_column = calloc(t->ncolumns + 1, 1);
    st->mask = calloc(t->ncolumns + 1, 1);
    if (!st->table || !st->columns || !st->insertable || !st->is_key || !st->text_column ||
        !st->mask) {
        set_oom(st);
        goto done;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].name) {
            set_error(st, "table \"%s\": column %zu has no name", t->name, i + 1);
            goto done;
        }
        if (!(st->columns[i] = strdup(t->columns[i].name))) {
            set_oom(st);
            goto done;
        }
    }

    if (lookup_object(st, t->name, &obj) < 0)
        goto done;
    if (obj.exists && strcmp(obj.type, "table") != 0) {
        set_error(st, "table \"%s\": the target has a %s of that name", t->name, obj.type);
        goto done;
    }
    if (!obj.exists) {
        if (st->opts.data_only) {
            set_error(st, "table \"%s\" does not exist in the target (data only)", t->name);
            goto done;
        }
        if (create_table(st, t, &autoincrement) < 0)
            goto done;
        for (size_t i = 0; i < t->ncolumns; i++) {
            strbuf decl = {0};
            st->insertable[i] = !t->columns[i].generated_sql;
            if (column_declaration(st, t, &t->columns[i], &decl) == 0 && decl.buf)
                st->text_column[i] = column_class(declared_affinity(decl.buf));
            sb_free(&decl);
        }
        st->stats.created = 1;
    } else {
        if (st->opts.require_empty) {
            strbuf sel = {0};
            int rows = 0;
            sb_add(&sel, "SELECT 1 FROM main.");
            sb_ident(&sel, obj.name);
            sb_add(&sel, " LIMIT 1");
            if (sel.oom || query(st, sel.buf, NULL, count_row, &rows) < 0) {
                if (sel.oom)
                    set_oom(st);
                sb_free(&sel);
                goto done;
            }
            sb_free(&sel);
            if (rows) {
                set_error(st,
                          "table \"%s\" already exists in the target and holds rows "
                          "(--require-empty)",
                          t->name);
                goto done;
            }
        }
        if (check_existing(st, t, &obj) < 0)
            goto done;
        autoincrement = contains_ci(obj.sql, "AUTOINCREMENT");
    }

    if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
        if ((st->opts.dry_run && !obj.exists) ? conflict_key_from_file(st, t) < 0
                                              : conflict_key_from_target(st, t->name) < 0)
            goto done;
        if (st->nconflict_key == 0) {
            set_error(st,
                      "table \"%s\": --on-conflict=update needs a primary key or unique "
                      "constraint",
                      t->name);
            goto done;
        }
        for (size_t i = 0; i < t->ncolumns; i++)
            for (size_t k = 0; k < st->nconflict_key; k++)
                if (sqlite3_stricmp(t->columns[i].name, st->conflict_key[k]) == 0)
                    st->is_key[i] = 1;
    }
    if (!st->opts.data_only && collect_indexes(st, t) < 0)
        goto done;
    if (record_loaded_table(st, t, obj.exists ? obj.name : t->name, autoincrement) < 0)
        goto done;
    if (st->oom) {
        set_oom(st);
        goto done;
    }
    st->table_open = 1;
    rc = 0;
done:
    object_info_clear(&obj);
    return rc;
}

static int build_insert(sqlite_target *st, const unsigned char *mask, sqlite3_stmt **out)
{
    strbuf b = {0};
    size_t n = 0, nupdate = 0;
    int rc;

    sb_add(&b, "INSERT INTO ");
    sb_ident(&b, st->table);
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!mask[i])
            continue;
        sb_add(&b, n++ ? ", " : " (");
        sb_ident(&b, st->columns[i]);
    }
    if (n == 0) {
        /* Every value comes from defaults; SQLite allows no upsert here. */
        sb_add(&b, " DEFAULT VALUES");
    } else {
        sb_add(&b, ") VALUES (");
        for (size_t i = 0; i < n; i++)
            sb_add(&b, i ? ", ?" : "?");
        sb_add(&b, ")");
        if (st->opts.on_conflict == DB_ON_CONFLICT_SKIP) {
            sb_add(&b, " ON CONFLICT DO NOTHING");
        } else if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
            sb_add(&b, " ON CONFLICT ");
            sb_ident_list(&b, st->conflict_key, st->nconflict_key);
            for (size_t i = 0; i < st->ncolumns; i++) {
                if (!mask[i] || st->is_key[i])
                    continue;
                sb_add(&b, nupdate++ ? ", " : " DO UPDATE SET ");
                sb_ident(&b, st->columns[i]);
                sb_add(&b, " = excluded.");
                sb_ident(&b, st->columns[i]);
            }
            if (nupdate == 0)
                sb_add(&b, " DO NOTHING");
        }
    }
    if (b.oom) {
        sb_free(&b);
        return set_oom(st);
    }
    rc = prepare_one(st, b.buf, "cannot insert", out);
    sb_free(&b);
    return rc;
}

static sqlite3_stmt *insert_for_mask(sqlite_target *st, const unsigned char *mask)
{
    size_t n = st->ncolumns ? st->ncolumns : 1;
    for (size_t i = 0; i < INSERT_CACHE; i++)
        if (st->cache[i].mask && memcmp(st->cache[i].mask, mask, n) == 0)
            return st->cache[i].stmt;
    size_t slot = INSERT_CACHE;
    for (size_t i = 0; i < INSERT_CACHE && slot == INSERT_CACHE; i++)
        if (!st->cache[i].mask)
            slot = i;
    if (slot == INSERT_CACHE) {
        slot = st->next_evict++ % INSERT_CACHE;
        sqlite3_finalize(st->cache[slot].stmt);
        free(st->cache[slot].mask);
        st->cache[slot].stmt = NULL;
        st->cache[slot].mask = NULL;
    }
    sqlite3_stmt *stmt = NULL;
    if (build_insert(st, mask, &stmt) < 0)
        return NULL;
    unsigned char *copy = malloc(n);
    if (!copy) {
        sqlite3_finalize(stmt);
        set_oom(st);
        return NULL;
    }
    memcpy(copy, mask, n);
    st->cache[slot].mask = copy;
    st->cache[slot].stmt = stmt;
    return stmt;
}

/* Decimal text goes in as the most exact SQLite value: an integer if it is
 * one, a double if the double prints back as the same text, else the text
 * itself for the column's affinity to decide. A TEXT column would turn the
 * number back into text of its own ("Inf", "0" for "-0"), so it gets the
 * file's text directly. */
static int bind_decimal(sqlite3_stmt *stmt, int i, const fmt_value *v, int text_column)
{
    int64_t n;
    double d;
    char buf[FMT_DOUBLE_BUFSZ];
    if (text_column)
        return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC,
                                   SQLITE_UTF8);
    if (fmt_int64_parse(&n, v->bytes, v->len) == 0)
        return sqlite3_bind_int64(stmt, i, n);
    if (fmt_double_parse(&d, v->bytes, v->len) == 0 && !isnan(d)) {
        int len = fmt_double_format(buf, d);
        if (len > 0 && (size_t)len == v->len && memcmp(buf, v->bytes, v->len) == 0)
            return sqlite3_bind_double(stmt, i, d);
    }
    return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC, SQLITE_UTF8);
}

/* Pointers in v live only during row(): bound SQLITE_STATIC and cleared
 * before row() returns. */
static int bind_value(sqlite3_stmt *stmt, int i, const fmt_value *v, int text_column)
{
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return sqlite3_bind_null(stmt, i);
    case FMT_VALUE_INTEGER:
        return sqlite3_bind_int64(stmt, i, v->i);
    case FMT_VALUE_REAL:
        /* SQLite turns a NaN into NULL; as the text "NaN" it survives, and
         * comes back tagged {"$text": "NaN"}, which a PostgreSQL target
         * reads as NaN again. */
        if (isnan(v->d))
            return sqlite3_bind_text(stmt, i, "NaN", 3, SQLITE_STATIC);
        return sqlite3_bind_double(stmt, i, v->d);
    case FMT_VALUE_BOOLEAN:
        return sqlite3_bind_int(stmt, i, v->b ? 1 : 0);
    case FMT_VALUE_BLOB:
        if (v->len == 0)
            return sqlite3_bind_zeroblob(stmt, i, 0); /* empty, but a blob, not NULL */
        return sqlite3_bind_blob64(stmt, i, v->bytes, v->len, SQLITE_STATIC);
    case FMT_VALUE_DECIMAL:
        return bind_decimal(stmt, i, v, text_column);
    case FMT_VALUE_TEXT:
    case FMT_VALUE_JSON:
        return sqlite3_bind_text64(stmt, i, v->len ? v->bytes : "", v->len, SQLITE_STATIC,
                                   SQLITE_UTF8);
    }
    return SQLITE_MISUSE;
}

/* The column an SQLite constraint message names ("t.c" after the colon:
 * "NOT NULL constraint failed: t.c", "UNIQUE constraint failed: t.a, t.b"). */
static const char *blamed_column(const sqlite_target *st, const char *msg)
{
    size_t tl = strlen(st->table);
    for (const char *p = msg; *p; p++) {
        if (p != msg && p[-1] != ' ')
            continue;
        if (sqlite3_strnicmp(p, st->table, (int)tl) != 0 || p[tl] != '.')
            continue;
        const char *col = p + tl + 1;
        for (size_t i = 0; i < st->ncolumns; i++) {
            size_t cl = strlen(st->columns[i]);
            if (sqlite3_strnicmp(col, st->columns[i], (int)cl) == 0 &&
                (col[cl] == '\0' || col[cl] == ','))
                return st->columns[i];
        }
    }
    return NULL;
}

static int target_row(void *state, const fmt_value *values, const unsigned char *present)
{
    sqlite_target *st = state;
    sqlite3_stmt *stmt = NULL;
    const char *blame = NULL;
    int rc = -1, param = 0, step;

    free(st->error_column);
    st->error_column = NULL;
    if (!st->table_open)
        return set_error(st, "row outside a table");
    st->stats.rows_read++;
    for (size_t i = 0; i < st->ncolumns; i++) {
        st->mask[i] = (present ? present[i] != 0 : 1) && st->insertable[i];
    }
    if (st->opts.dry_run) {
        rc = 0;
        goto done;
    }
    stmt = insert_for_mask(st, st->mask);
    if (!stmt)
        goto done;
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->mask[i])
            continue;
        if (values[i].kind == FMT_VALUE_REAL && values[i].d == 0 && signbit(values[i].d) &&
            st->text_column[i] != COLUMN_BLOB && !st->negative_zeros++)
            st->negative_zero_column = st->columns[i];
        if (bind_value(stmt, ++param, &values[i], st->text_column[i] == COLUMN_TEXT) != SQLITE_OK) {
            blame = st->columns[i];
            set_error(st, "%s", sqlite3_errmsg(st->db));
            goto done;
        }
    }
    step = sqlite3_step(stmt);
    /* --on-invalid: a STRICT table refuses a value of another type; the
     * column is set to NULL and the row tried again, or the row left out. */
    while (step != SQLITE_DONE && st->opts.on_invalid != DB_ON_INVALID_ERROR &&
           sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_DATATYPE &&
           (blame = blamed_column(st, sqlite3_errmsg(st->db))) != NULL) {
        st->stats.invalid++;
        if (!st->invalid_example) {
            char buf[512];
            snprintf(buf, sizeof buf, "row %llu, column \"%s\": %s",
                     (unsigned long long)st->stats.rows_read, blame, sqlite3_errmsg(st->db));
            st->invalid_example = strdup(buf);
        }
        if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW) {
            rc = 0;
            blame = NULL;
            goto done;
        }
        int blamed_param = 0;
        for (size_t i = 0; i < st->ncolumns; i++) {
            if (!st->mask[i])
                continue;
            blamed_param++;
            if (st->columns[i] == blame)
                break;
        }
        sqlite3_reset(stmt);
        sqlite3_bind_null(stmt, blamed_param);
        step = sqlite3_step(stmt);
    }
    if (step != SQLITE_DONE) {
        set_error(st, "%s", sqlite3_errmsg(st->db));
        blame = blamed_column(st, sqlite3_errmsg(st->db));
        goto done;
    }
    if (sqlite3_changes(st->db) > 0)
        st->stats.rows_written++;
    else
        st->stats.rows_skipped++;
    rc = 0;
done:
    if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
    if (rc < 0 && blame && !(st->error_column = strdup(blame)))
        set_oom(st);
    return rc;
}

static int target_table_end(void *state, db_table_stats *stats)
{
    sqlite_target *st = state;
    if (stats)
        *stats = st->stats;
    if (st->stats.invalid)
        add_warning(
            st, "table \"%s\": %llu %s a type STRICT refuses %s (--on-invalid); the first: %s",
            st->table, (unsigned long long)st->stats.invalid,
            st->opts.on_invalid == DB_ON_INVALID_NULL ? "values of" : "rows with a value of",
            st->opts.on_invalid == DB_ON_INVALID_NULL ? "set to NULL" : "left out",
            st->invalid_example ? st->invalid_example : "?");
    free(st->invalid_example);
    st->invalid_example = NULL;
    if (st->negative_zeros)
        add_warning(st,
                    "table \"%s\", column \"%s\"%s: %llu negative zero%s stored as 0: SQLite "
                    "keeps no sign on a zero in a column with a declared numeric type",
                    st->table, st->negative_zero_column ? st->negative_zero_column : "?",
                    st->negative_zeros > 1 ? " and others" : "",
                    (unsigned long long)st->negative_zeros, st->negative_zeros > 1 ? "s" : "");
    st->negative_zeros = 0;
    st->negative_zero_column = NULL;
    table_reset(st);
    return 0;
}

static int create_indexes(sqlite_target *st)
{
    for (size_t i = 0; i < st->nindexes; i++) {
        const pending_index *ix = &st->indexes[i];
        object_info obj;
        char what[512];
        int rc;

        if (lookup_object(st, ix->name, &obj) < 0)
            return -1;
        if (obj.exists) {
            /* Appending to a table that already has it: nothing to do. */
            if (!(strcmp(obj.type, "index") == 0 && sqlite3_stricmp(obj.table, ix->table) == 0))
                add_warning(st,
                            "index \"%s\" on table \"%s\" not created: the target has a %s of "
                            "that name",
                            ix->name, ix->table, obj.type);
            object_info_clear(&obj);
            continue;
        }
        snprintf(what, sizeof what, "index \"%s\" on table \"%s\"", ix->name, ix->table);
        rc = exec_one(st, ix->sql, NULL);
        if (rc == -1 && ix->best_effort) {
            /* SQL from another dialect that SQLite cannot read */
            add_warning(st, "%s not created: %s", what, st->err ? st->err : "");
            free(st->err);
            st->err = NULL;
        } else if (rc < 0) {
            return set_error(st, "%s: %s", what, st->err ? st->err : "out of memory");
        }
    }
    return 0;
}

/* AUTOINCREMENT tables remember their last value even when rows with
 * higher keys are gone; carry it, never lowering what the target has. */
static int set_sequences(sqlite_target *st)
{
    sqlite3_stmt *update = NULL, *insert = NULL;
    int rc = -1;

    for (size_t i = 0; i < st->ntables; i++) {
        const loaded_table *lt = &st->tables[i];
        if (!lt->autoincrement || !lt->has_sequence)
            continue;
        if (!update &&
            (prepare_one(st, "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
                         "cannot set the AUTOINCREMENT counter", &update) < 0 ||
             prepare_one(st,
                         "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2 WHERE NOT "
                         "EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
                         "cannot set the AUTOINCREMENT counter", &insert) < 0))
            goto done;
        for (int k = 0; k < 2; k++) {
            sqlite3_stmt *s = k ? insert : update;
            sqlite3_bind_text(s, 1, lt->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, lt->sequence);
            int step = sqlite3_step(s);
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            if (step != SQLITE_DONE) {
                set_error(st, "table \"%s\": cannot set the AUTOINCREMENT counter: %s", lt->name,
                          sqlite3_errmsg(st->db));
                goto done;
            }
        }
    }
    rc = 0;
done:
    sqlite3_finalize(update);
    sqlite3_finalize(insert);
    return rc;
}

static int create_native_objects(sqlite_target *st, const fmt_native_object *objects,
                                 size_t nobjects)
{
    static const fmt_native_kind order[] = {FMT_NATIVE_VIEW, FMT_NATIVE_TRIGGER};
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nobjects; i++) {
            const fmt_native_object *o = &objects[i];
            const char *kind = o->kind == FMT_NATIVE_VIEW ? "view" : "trigger";
            object_info obj;
            char what[512];

            if (o->kind != order[pass])
                continue;
            if (!st->source_is_sqlite) {
                add_warning(st, "%s \"%s\" not carried: native sql from %s", kind,
                            o->name ? o->name : "", backend_name(st));
                continue;
            }
            if (!o->name || !o->sql ||
                !sql_creates(o->sql, "TEMP", "TEMPORARY",
                             o->kind == FMT_NATIVE_VIEW ? "VIEW" : "TRIGGER"))
                return set_error(st, "%s \"%s\": its SQL does not create a %s", kind,
                                 o->name ? o->name : "", kind);
            if (st->opts.dry_run)
                continue;
            if (lookup_object(st, o->name, &obj) < 0)
                return -1;
            if (obj.exists) {
                add_warning(st, "%s \"%s\" not created: the target has a %s of that name", kind,
                            o->name, obj.type);
                object_info_clear(&obj);
                continue;
            }
            snprintf(what, sizeof what, "%s \"%s\"", kind, o->name);
            if (exec_one(st, o->sql, what) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- foreign key check -------------------------------------------------- */

typedef struct {
    uint64_t total;
    char *table;
    char *parent;
    int has_rowid;
    int64_t rowid;
    int fkid;
} fk_violation;

static int violation_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    fk_violation *v = ctx;
    if (v->total++ == 0) {
        v->table = strdup((const char *)sqlite3_column_text(stmt, 0));
        v->parent = strdup((const char *)sqlite3_column_text(stmt, 2));
        v->has_rowid = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
        v->rowid = sqlite3_column_int64(stmt, 1);
        v->fkid = sqlite3_column_int(stmt, 3);
        if (!v->table || !v->parent)
            return set_oom(st);
    }
    return 0;
}

typedef struct {
    int fkid;
    string_list from, to;
} fk_columns;

static int fk_column_row(sqlite_target *st, sqlite3_stmt *stmt, void *ctx)
{
    fk_columns *f = ctx;
    if (sqlite3_column_int(stmt, 0) != f->fkid)
        return 0;
    if (fmt_strings_push_copy(&f->from.items, &f->from.n,
                              (const char *)sqlite3_column_text(stmt, 1)) < 0)
        return set_oom(st);
    if (sqlite3_column_type(stmt, 2) != SQLITE_NULL &&
        fmt_strings_push_copy(&f->to.items, &f->to.n, (const char *)sqlite3_column_text(stmt, 2)) <
            0)
        return set_oom(st);
    return 0;
}

static void sb_quoted_value(strbuf *b, const char *s)
{
    size_t n = strlen(s ? s : "NULL");
    if (n > MESSAGE_VALUE_MAX) {
        sb_addn(b, s, MESSAGE_VALUE_MAX);
        sb_add(b, "...");
    } else {
        sb_add(b, s ? s : "NULL");
    }
}

/* "table "c", row with rowid 7 (primary key id=5): foreign key violation:
 * no row in "p" matching (id) = (99), and 3 more" */
static int report_violation(sqlite_target *st, const fk_violation *v)
{
    fk_columns f = {v->fkid, {0}, {0}};
    string_list pk = {0};
    strbuf msg = {0}, sel = {0};
    sqlite3_stmt *stmt = NULL;
    char **values = NULL;

    if (query(st, "SELECT id, \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
              v->table, fk_column_row, &f) < 0 ||
        query(st, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", v->table,
              collect_texts, &pk) < 0)
        goto done;
    if (f.to.n == 0 && query(st, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                             v->parent, collect_texts, &f.to) < 0)
        goto done;

    sb_add(&msg, "table \"");
    sb_add(&msg, v->table);
    sb_add(&msg, "\"");
    if (v->has_rowid) {
        sb_printf(&msg, ", row with rowid %lld", (long long)v->rowid);
        /* One look at the row for its key and the dangling values. */
        sb_add(&sel, "SELECT ");
        for (size_t i = 0; i < pk.n + f.from.n; i++) {
            sb_add(&sel, i ? ", quote(" : "quote(");
            sb_ident(&sel, i < pk.n ? pk.items[i] : f.from.items[i - pk.n]);
            sb_add(&sel, ")");
        }
        sb_add(&sel, " FROM main.");
        sb_ident(&sel, v->table);
        sb_add(&sel, " WHERE _rowid_ = ?1");
        if (!sel.oom && pk.n + f.from.n > 0 &&
            sqlite3_prepare_v2(st->db, sel.buf, -1, &stmt, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(stmt, 1, v->rowid);
            if (sqlite3_step(stmt) == SQLITE_ROW) {
                values = calloc(pk.n + f.from.n, sizeof *values);
                for (size_t i = 0; values && i < pk.n + f.from.n; i++)
                    values[i] = strdup((const char *)sqlite3_column_text(stmt, (int)i));
            }
        }
    }
    if (values && pk.n) {
        sb_add(&msg, " (primary key ");
        for (size_t i = 0; i < pk.n; i++) {
            sb_add(&msg, i ? ", " : "");
            sb_add(&msg, pk.items[i]);
            sb_add(&msg, "=");
            sb_quoted_value(&msg, values[i]);
        }
        sb_add(&msg, ")");
    }
    sb_add(&msg, ": foreign key violation: no row in \"");
    sb_add(&msg, v->parent);
    sb_add(&msg, "\" matching ");
    if (f.to.n) {
        sb_add(&msg, "(");
        for (size_t i = 0; i < f.to.n; i++)
            sb_add(&msg, i ? ", " : ""), sb_add(&msg, f.to.items[i]);
        sb_add(&msg, ")");
    }
    if (values) {
        sb_add(&msg, f.to.n ? " = (" : "(");
        for (size_t i = 0; i < f.from.n; i++)
            sb_add(&msg, i ? ", " : ""), sb_quoted_value(&msg, values[pk.n + i]);
        sb_add(&msg, ")");
    } else {
        sb_add(&msg, f.to.n ? " for (" : "(");
        for (size_t i = 0; i < f.from.n; i++)
            sb_add(&msg, i ? ", " : ""), sb_add(&msg, f.from.items[i]);
        sb_add(&msg, ")");
    }
    if (v->total > 1)
        sb_printf(&msg, ", and %llu more", (unsigned long long)(v->total - 1));
    if (msg.oom)
        set_oom(st);
    else
        set_error(st, "%s", msg.buf);
done:
    sqlite3_finalize(stmt);
    if (values)
        fmt_strings_free(values, pk.n + f.from.n);
    fmt_strings_free(f.from.items, f.from.n);
    fmt_strings_free(f.to.items, f.to.n);
    fmt_strings_free(pk.items, pk.n);
    sb_free(&msg);
    sb_free(&sel);
    return -1;
}

static int check_foreign_keys(sqlite_target *st)
{
    fk_violation v = {0};
    int rc = -1;
    for (size_t i = 0; i < st->ntables; i++)
        if (query(st, "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check(?1)",
                  st->tables[i].name, violation_row, &v) < 0)
            goto done;
    rc = v.total ? report_violation(st, &v) : 0;
done:
    free(v.table);
    free(v.parent);
    return rc;
}

static int target_finish(void *state, const fmt_native_object *objects, size_t nobjects,
                         const fmt_header *h)
{
    sqlite_target *st = state;
    (void)h; /* the header from begin decides what is carried */
    table_reset(st);
    if (!st->opts.dry_run && !st->opts.data_only && create_indexes(st) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.schema_only && set_sequences(st) < 0)
        return -1;
    /* Data only means no schema objects at all, as with pg_restore -a. */
    if (!st->opts.data_only && create_native_objects(st, objects, nobjects) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.schema_only && check_foreign_keys(st) < 0)
        return -1;
    if (st->oom)
        return set_oom(st);
    return 0;
}

static int target_commit(void *state)
{
    sqlite_target *st = state;
    table_reset(st);
    if (!st->in_transaction)
        return 0;
    if (exec_one(st, "COMMIT", NULL) < 0)
        return set_error(st, "cannot commit to \"%s\": %s", st->path,
                         st->err ? st->err : "out of memory");
    st->in_transaction = 0;
    if (st->work_path && publish_work_file(st) < 0)
        return -1;
    st->committed = 1;
    return 0;
}

static void target_rollback(void *state)
{
    sqlite_target *st = state;
    if (!st)
        return;
    table_reset(st);
    if (st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_transaction = 0;
}

static int target_warnings(void *state, char ***lines, size_t *nlines)
{
    sqlite_target *st = state;
    *lines = st->warnings;
    *nlines = st->nwarnings;
    return 0;
}

static const char *target_errmsg(void *state)
{
    const sqlite_target *st = state;
    if (!st || (st->oom && !st->err))
        return "out of memory";
    return st->err ? st->err : "no error";
}

static const char *target_error_column(void *state)
{
    const sqlite_target *st = state;
    return st ? st->error_column : NULL;
}

static void remove_created_file(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t n = strlen(path) + strlen(suffixes[i]) + 1;
        char *name = malloc(n);
        if (!name)
            return;
        snprintf(name, n, "%s%s", path, suffixes[i]);
        unlink(name);
        free(name);
    }
}

static void target_close(void *state)
{
    sqlite_target *st = state;
    if (!st)
        return;
    target_rollback(st);
    if (st->db) {
        if (st->foreign_keys_before >= 0 && !st->opts.dry_run) {
            char sql[32];
            snprintf(sql, sizeof sql, "PRAGMA foreign_keys = %d", st->foreign_keys_before ? 1 : 0);
            sqlite3_exec(st->db, sql, NULL, NULL, NULL);
        }
        sqlite3_close(st->db);
    }
    /* A failed import into a new file leaves nothing behind. */
    if (st->created_file && !st->committed && st->work_path)
        remove_created_file(st->work_path);
    free(st->work_path);
    free(st->check_skip);
    for (size_t i = 0; i < st->nindexes; i++) {
        free(st->indexes[i].name);
        free(st->indexes[i].table);
        free(st->indexes[i].sql);
    }
    free(st->indexes);
    for (size_t i = 0; i < st->ntables; i++)
        free(st->tables[i].name);
    free(st->tables);
    fmt_strings_free(st->warnings, st->nwarnings);
    free(st->path);
    free(st->source_backend);
    free(st->err);
    free(st->error_column);
    free(st);
}

static const db_target_ops sqlite_target_ops = {
    .backend = "sqlite",
    .open = target_open,
    .begin = target_begin,
    .table_begin = target_table_begin,
    .row = target_row,
    .table_end = target_table_end,
    .finish = target_finish,
    .commit = target_commit,
    .rollback = target_rollback,
    .warnings = target_warnings,
    .errmsg = target_errmsg,
    .error_column = target_error_column,
    .close = target_close,
};

const db_target_ops *db_target_sqlite(void)
{
    return &sqlite_target_ops;
}
