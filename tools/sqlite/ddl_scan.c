/* The SQLite DDL scanner: a tokenizer and a few keyword-driven loops over
 * the tokens of one statement. See sqlite_ddl.h for what it reports.
 * Declarations stay at the top where a goto to the cleanup label would
 * otherwise jump past them. */
#include "sqlite_ddl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    TOK_WORD,   /* keyword, bare identifier or number */
    TOK_QUOTED, /* "x", [x] or `x` */
    TOK_STRING, /* 'x' */
    TOK_PUNCT   /* any other single byte */
} token_kind;

typedef struct {
    token_kind kind;
    size_t start;
    size_t len;
} token;

typedef struct {
    const char *sql;
    token *toks;
    size_t ntoks;
    char *err;
    size_t errlen;
    int failed; /* a message is in err */
} scanner;

static int set_error(scanner *s, const char *fmt, ...)
{
    if (!s->failed && s->err && s->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->err, s->errlen, fmt, ap);
        va_end(ap);
    }
    s->failed = 1;
    return -1;
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static int is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

/* Splits sql into tokens, skipping white space and comments. An unclosed
 * quote or comment runs to the end of the text. */
static int tokenize(scanner *s, const char *sql)
{
    size_t n = strlen(sql), i = 0, cap = 0;
    s->sql = sql;
    s->toks = NULL;
    s->ntoks = 0;
    while (i < n) {
        unsigned char c = (unsigned char)sql[i];
        token t;
        if (is_space_byte(c)) {
            i++;
            continue;
        }
        if (c == '-' && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            i = end ? (size_t)(end - sql) + 2 : n;
            continue;
        }
        t.start = i;
        if (c == '\'' || c == '"' || c == '`') {
            t.kind = c == '\'' ? TOK_STRING : TOK_QUOTED;
            i++;
            while (i < n) {
                if ((unsigned char)sql[i] == c) {
                    if ((unsigned char)sql[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        } else if (c == '[') {
            const char *end = strchr(sql + i, ']');
            t.kind = TOK_QUOTED;
            i = end ? (size_t)(end - sql) + 1 : n;
        } else if (is_word_byte(c)) {
            t.kind = TOK_WORD;
            while (i < n && is_word_byte((unsigned char)sql[i]))
                i++;
        } else {
            t.kind = TOK_PUNCT;
            i++;
        }
        t.len = i - t.start;
        if (s->ntoks == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            token *grown = realloc(s->toks, ncap * sizeof *grown);
            if (!grown)
                return set_error(s, "out of memory");
            s->toks = grown;
            cap = ncap;
        }
        s->toks[s->ntoks++] = t;
    }
    return 0;
}

/* Whether token k is the keyword kw (ASCII case-insensitive). */
static int is_kw(const scanner *s, size_t k, const char *kw)
{
    size_t len = strlen(kw);
    if (k >= s->ntoks)
        return 0;
    const token *t = &s->toks[k];
    if (t->kind != TOK_WORD || t->len != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (ascii_lower((unsigned char)s->sql[t->start + i]) != ascii_lower((unsigned char)kw[i]))
            return 0;
    return 1;
}

static int is_punct(const scanner *s, size_t k, char c)
{
    return k < s->ntoks && s->toks[k].kind == TOK_PUNCT && s->sql[s->toks[k].start] == c;
}

/* Index of the ')' closing the '(' at k, bounded by end; end if none. */
static size_t matching_paren(const scanner *s, size_t k, size_t end)
{
    size_t depth = 0;
    for (; k < end; k++) {
        if (is_punct(s, k, '(')) {
            depth++;
        } else if (is_punct(s, k, ')')) {
            if (--depth == 0)
                return k;
        }
    }
    return end;
}

/* Where the list item starting at token item ends: the next ',' outside
 * parentheses before close, or close. */
static size_t item_end(const scanner *s, size_t item, size_t close)
{
    size_t end = item, depth = 0;
    while (end < close && !(depth == 0 && is_punct(s, end, ','))) {
        if (is_punct(s, end, '('))
            depth++;
        else if (is_punct(s, end, ')'))
            depth--;
        end++;
    }
    return end;
}

static char *copy_range(scanner *s, size_t start, size_t end)
{
    while (start < end && is_space_byte((unsigned char)s->sql[start]))
        start++;
    while (end > start && is_space_byte((unsigned char)s->sql[end - 1]))
        end--;
    char *out = malloc(end - start + 1);
    if (!out) {
        set_error(s, "out of memory");
        return NULL;
    }
    memcpy(out, s->sql + start, end - start);
    out[end - start] = '\0';
    return out;
}

/* The text of token k as a name: quotes removed, doubled quotes undone. */
static char *token_name(scanner *s, size_t k)
{
    if (k >= s->ntoks) {
        set_error(s, "unexpected end of statement");
        return NULL;
    }
    const token *t = &s->toks[k];
    const char *p = s->sql + t->start;
    size_t len = t->len, o = 0;
    char *out = malloc(len + 1);
    if (!out) {
        set_error(s, "out of memory");
        return NULL;
    }
    if (t->kind == TOK_WORD || t->kind == TOK_PUNCT) {
        memcpy(out, p, len);
        out[len] = '\0';
        return out;
    }
    if (p[0] == '[') {
        size_t inner = (len >= 2 && p[len - 1] == ']') ? len - 2 : len - 1;
        memcpy(out, p + 1, inner);
        out[inner] = '\0';
        return out;
    }
    for (size_t i = 1; i < len; i++) {
        if (p[i] == p[0]) {
            if (i + 1 < len && p[i + 1] == p[0]) {
                out[o++] = p[0];
                i++;
                continue;
            }
            break;
        }
        out[o++] = p[i];
    }
    out[o] = '\0';
    return out;
}

static int push_string(scanner *s, char ***arr, size_t *n, char *str)
{
    if (!str)
        return -1;
    char **grown = realloc(*arr, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(str);
        return set_error(s, "out of memory");
    }
    grown[(*n)++] = str;
    *arr = grown;
    return 0;
}

static void free_strings(char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

static int add_note(scanner *s, sqlite_ddl_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return set_error(s, "cannot format a note");
    char *line = malloc((size_t)len + 1);
    if (!line)
        return set_error(s, "out of memory");
    va_start(ap, fmt);
    vsnprintf(line, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return push_string(s, &t->notes, &t->nnotes, line);
}

/* The prefix of a note: `column "x": ` or nothing for a table constraint. */
static void note_prefix(char *buf, size_t len, const char *column)
{
    if (column)
        snprintf(buf, len, "column \"%s\": ", column);
    else
        buf[0] = '\0';
}

/* An optional ON CONFLICT clause at *k after the constraint what. */
static int conflict_clause(scanner *s, sqlite_ddl_table *t, size_t *k, size_t end,
                           const char *column, const char *what)
{
    if (*k + 2 < end && is_kw(s, *k, "ON") && is_kw(s, *k + 1, "CONFLICT")) {
        const token *r = &s->toks[*k + 2];
        char prefix[256];
        note_prefix(prefix, sizeof prefix, column);
        *k += 3;
        return add_note(s, t, "%s%s ON CONFLICT %.*s not carried", prefix, what, (int)r->len,
                        s->sql + r->start);
    }
    return 0;
}

/* A parenthesised list of indexed columns at k (PRIMARY KEY (...), UNIQUE
 * (...)): the first token of each item is the column. Returns the index
 * after ')'. */
static size_t key_columns(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                          sqlite_ddl_key *key, const char *what)
{
    if (!is_punct(s, k, '(')) {
        set_error(s, "expected ( after %s", what);
        return end;
    }
    size_t close = matching_paren(s, k, end), item = k + 1;
    while (item < close) {
        size_t j = item, depth = 0;
        while (j < close && !(depth == 0 && is_punct(s, j, ','))) {
            if (is_punct(s, j, '(')) {
                depth++;
            } else if (is_punct(s, j, ')')) {
                depth--;
            } else if (depth == 0 && is_kw(s, j, "COLLATE") && j + 1 < close) {
                char *name = token_name(s, item);
                if (!name ||
                    add_note(s, t, "%s column \"%s\": COLLATE %.*s not carried", what, name,
                             (int)s->toks[j + 1].len, s->sql + s->toks[j + 1].start) < 0) {
                    free(name);
                    return end;
                }
                free(name);
            }
            j++;
        }
        if (push_string(s, &key->columns, &key->ncolumns, token_name(s, item)) < 0)
            return end;
        item = j + 1;
    }
    return close < end ? close + 1 : end;
}

/* The text between the '(' at k and its ')'; *next is set after ')'. */
static char *paren_text(scanner *s, size_t k, size_t end, size_t *next, const char *what)
{
    if (!is_punct(s, k, '(')) {
        set_error(s, "expected ( after %s", what);
        return NULL;
    }
    size_t close = matching_paren(s, k, end);
    if (close >= end) {
        set_error(s, "unbalanced parentheses after %s", what);
        return NULL;
    }
    *next = close + 1;
    return copy_range(s, s->toks[k].start + 1, s->toks[close].start);
}

/* REFERENCES at k: the parent and the clauses after it. */
static size_t references_clause(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                                sqlite_ddl_foreign_key *fk, const char *column)
{
    char prefix[256];
    note_prefix(prefix, sizeof prefix, column);
    k++;
    if (k >= end) {
        set_error(s, "expected a table after REFERENCES");
        return end;
    }
    fk->ref_table = token_name(s, k);
    if (!fk->ref_table)
        return end;
    k++;
    if (is_punct(s, k, '(')) {
        size_t close = matching_paren(s, k, end);
        k = close < end ? close + 1 : end;
    }
    while (k < end && !s->failed) {
        if (is_kw(s, k, "ON") && (is_kw(s, k + 1, "DELETE") || is_kw(s, k + 1, "UPDATE"))) {
            k += 2;
            k += (is_kw(s, k, "SET") || is_kw(s, k, "NO")) ? 2 : 1;
        } else if (is_kw(s, k, "MATCH") && k + 1 < end) {
            /* SQLite parses MATCH but does not enforce it. */
            if (add_note(s, t, "%sforeign key to \"%s\": MATCH %.*s not carried", prefix,
                         fk->ref_table, (int)s->toks[k + 1].len, s->sql + s->toks[k + 1].start) < 0)
                return end;
            k += 2;
        } else if (is_kw(s, k, "NOT") && is_kw(s, k + 1, "DEFERRABLE")) {
            fk->deferrable = false;
            fk->initially_deferred = false;
            k += 2;
            if (is_kw(s, k, "INITIALLY"))
                k += 2; /* NOT DEFERRABLE INITIALLY DEFERRED is immediate in SQLite */
        } else if (is_kw(s, k, "DEFERRABLE")) {
            fk->deferrable = true;
            k++;
            if (is_kw(s, k, "INITIALLY")) {
                fk->initially_deferred = is_kw(s, k + 1, "DEFERRED");
                k += 2;
            }
        } else {
            break;
        }
    }
    return k;
}

static sqlite_ddl_foreign_key *new_foreign_key(scanner *s, sqlite_ddl_table *t, char **name)
{
    sqlite_ddl_foreign_key *grown =
        realloc(t->foreign_keys, (t->nforeign_keys + 1) * sizeof *grown);
    if (!grown) {
        set_error(s, "out of memory");
        return NULL;
    }
    t->foreign_keys = grown;
    grown += t->nforeign_keys++;
    memset(grown, 0, sizeof *grown);
    grown->name = *name;
    *name = NULL;
    return grown;
}

static sqlite_ddl_key *new_unique(scanner *s, sqlite_ddl_table *t, char **name)
{
    sqlite_ddl_key *grown = realloc(t->uniques, (t->nuniques + 1) * sizeof *grown);
    if (!grown) {
        set_error(s, "out of memory");
        return NULL;
    }
    t->uniques = grown;
    grown += t->nuniques++;
    memset(grown, 0, sizeof *grown);
    grown->name = *name;
    *name = NULL;
    return grown;
}

static int add_check(scanner *s, sqlite_ddl_table *t, char **name, char *expression)
{
    if (!expression)
        return -1;
    sqlite_ddl_check *grown = realloc(t->checks, (t->nchecks + 1) * sizeof *grown);
    if (!grown) {
        free(expression);
        return set_error(s, "out of memory");
    }
    t->checks = grown;
    grown[t->nchecks].name = *name;
    grown[t->nchecks].expression = expression;
    t->nchecks++;
    *name = NULL;
    return 0;
}

/* PRIMARY KEY at k, of column col or (col NULL) of the table. Each
 * constraint reader below returns the index after what it read, or end
 * when it failed (with the message in s). */
static size_t primary_key_constraint(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                                     sqlite_ddl_column *col, char **pending)
{
    if (t->has_primary_key) {
        set_error(s, "more than one PRIMARY KEY");
        return end;
    }
    t->has_primary_key = true;
    t->primary_key.name = *pending;
    *pending = NULL;
    k += 2;
    if (col) {
        if (push_string(s, &t->primary_key.columns, &t->primary_key.ncolumns, strdup(col->name)) <
            0) {
            set_error(s, "out of memory");
            return end;
        }
    } else {
        k = key_columns(s, t, k, end, &t->primary_key, "PRIMARY KEY");
    }
    if (is_kw(s, k, "ASC") || is_kw(s, k, "DESC"))
        k++;
    if (conflict_clause(s, t, &k, end, col ? col->name : NULL, "PRIMARY KEY") < 0)
        return end;
    if (is_kw(s, k, "AUTOINCREMENT")) {
        t->autoincrement = true;
        if (col)
            col->autoincrement = true;
        k++;
    }
    return k;
}

static size_t unique_constraint(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                                sqlite_ddl_column *col, char **pending)
{
    sqlite_ddl_key *key = new_unique(s, t, pending);
    if (!key)
        return end;
    k++;
    if (col) {
        if (push_string(s, &key->columns, &key->ncolumns, strdup(col->name)) < 0) {
            set_error(s, "out of memory");
            return end;
        }
    } else {
        k = key_columns(s, t, k, end, key, "UNIQUE");
    }
    if (conflict_clause(s, t, &k, end, col ? col->name : NULL, "UNIQUE") < 0)
        return end;
    return k;
}

/* A table's FOREIGN KEY (...) REFERENCES ... at k. */
static size_t foreign_key_constraint(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                                     char **pending)
{
    sqlite_ddl_foreign_key *fk = new_foreign_key(s, t, pending);
    sqlite_ddl_key cols = {0};
    if (!fk)
        return end;
    k = key_columns(s, t, k + 2, end, &cols, "FOREIGN KEY");
    fk->columns = cols.columns;
    fk->ncolumns = cols.ncolumns;
    if (s->failed)
        return end;
    if (!is_kw(s, k, "REFERENCES")) {
        set_error(s, "expected REFERENCES after FOREIGN KEY");
        return end;
    }
    return references_clause(s, t, k, end, fk, NULL);
}

/* A column's REFERENCES at k. */
static size_t column_references(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                                sqlite_ddl_column *col, char **pending)
{
    sqlite_ddl_foreign_key *fk = new_foreign_key(s, t, pending);
    if (!fk || push_string(s, &fk->columns, &fk->ncolumns, strdup(col->name)) < 0) {
        set_error(s, "out of memory");
        return end;
    }
    return references_clause(s, t, k, end, fk, col->name);
}

/* NOT NULL or NULL (nwords tokens) at k, with its ON CONFLICT clause. */
static size_t null_constraint(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                              const char *column, size_t nwords, const char *what)
{
    k += nwords;
    if (conflict_clause(s, t, &k, end, column, what) < 0)
        return end;
    return k;
}

/* The parenthesised group at k, or the token at k (the position after). */
static size_t skip_group(const scanner *s, size_t k, size_t end)
{
    if (is_punct(s, k, '(')) {
        size_t close = matching_paren(s, k, end);
        return close < end ? close + 1 : end;
    }
    return k + 1;
}

/* DEFAULT at k: a group, a signed number or one token. */
static size_t skip_default(const scanner *s, size_t k, size_t end)
{
    k++;
    if (is_punct(s, k, '-') || is_punct(s, k, '+'))
        return k + 2;
    return skip_group(s, k, end);
}

/* [GENERATED ALWAYS] AS (expr) [STORED | VIRTUAL] at k. */
static size_t generated_column(scanner *s, size_t k, size_t end, sqlite_ddl_column *col)
{
    if (!col) {
        set_error(s, "GENERATED outside a column");
        return end;
    }
    k += is_kw(s, k, "AS") ? 1 : 3;
    free(col->generated_sql);
    col->generated_sql = paren_text(s, k, end, &k, "AS");
    if (!col->generated_sql)
        return end;
    col->generated_stored = is_kw(s, k, "STORED");
    if (is_kw(s, k, "STORED") || is_kw(s, k, "VIRTUAL"))
        k++;
    return k;
}

/* The one constraint (or other clause) at k. */
static size_t one_constraint(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                             sqlite_ddl_column *col, char **pending)
{
    const char *colname = col ? col->name : NULL;
    if (is_kw(s, k, "PRIMARY") && is_kw(s, k + 1, "KEY"))
        return primary_key_constraint(s, t, k, end, col, pending);
    if (is_kw(s, k, "UNIQUE"))
        return unique_constraint(s, t, k, end, col, pending);
    if (is_kw(s, k, "CHECK"))
        return add_check(s, t, pending, paren_text(s, k + 1, end, &k, "CHECK")) < 0 ? end : k;
    if (is_kw(s, k, "FOREIGN") && is_kw(s, k + 1, "KEY") && !col)
        return foreign_key_constraint(s, t, k, end, pending);
    if (is_kw(s, k, "REFERENCES") && col)
        return column_references(s, t, k, end, col, pending);
    if (is_kw(s, k, "NOT") && is_kw(s, k + 1, "NULL"))
        return null_constraint(s, t, k, end, colname, 2, "NOT NULL");
    if (is_kw(s, k, "NULL") && col)
        return null_constraint(s, t, k, end, colname, 1, "NULL");
    if (is_kw(s, k, "DEFAULT"))
        return skip_default(s, k, end);
    if (is_kw(s, k, "COLLATE") && col) {
        free(col->collation);
        col->collation = token_name(s, k + 1);
        return k + 2;
    }
    if ((is_kw(s, k, "GENERATED") && is_kw(s, k + 1, "ALWAYS") && is_kw(s, k + 2, "AS")) ||
        (is_kw(s, k, "AS") && col))
        return generated_column(s, k, end, col);
    /* a group, a type name word, or something this scanner does not need */
    return skip_group(s, k, end);
}

/* The constraints in tokens [k, end): of column col, or of the table when
 * col is NULL. A column's type tokens are skipped like unknown words. */
static int constraints(scanner *s, sqlite_ddl_table *t, size_t k, size_t end,
                       sqlite_ddl_column *col)
{
    char *pending = NULL; /* CONSTRAINT name for the next constraint */
    while (k < end && !s->failed) {
        if (is_kw(s, k, "CONSTRAINT")) {
            free(pending);
            pending = token_name(s, k + 1);
            k += 2;
            continue;
        }
        k = one_constraint(s, t, k, end, col, &pending);
        free(pending);
        pending = NULL;
    }
    free(pending);
    return s->failed ? -1 : 0;
}

static void clear_key(sqlite_ddl_key *k)
{
    free(k->name);
    free_strings(k->columns, k->ncolumns);
    memset(k, 0, sizeof *k);
}

void sqlite_ddl_table_clear(sqlite_ddl_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncolumns; i++) {
        free(t->columns[i].name);
        free(t->columns[i].collation);
        free(t->columns[i].generated_sql);
    }
    free(t->columns);
    clear_key(&t->primary_key);
    for (size_t i = 0; i < t->nuniques; i++)
        clear_key(&t->uniques[i]);
    free(t->uniques);
    for (size_t i = 0; i < t->nchecks; i++) {
        free(t->checks[i].name);
        free(t->checks[i].expression);
    }
    free(t->checks);
    for (size_t i = 0; i < t->nforeign_keys; i++) {
        free(t->foreign_keys[i].name);
        free_strings(t->foreign_keys[i].columns, t->foreign_keys[i].ncolumns);
        free(t->foreign_keys[i].ref_table);
    }
    free(t->foreign_keys);
    free_strings(t->notes, t->nnotes);
    memset(t, 0, sizeof *t);
}

/* Whether the item starting at token k is a table constraint rather than
 * a column definition (a quoted name is never a keyword). */
static int starts_table_constraint(const scanner *s, size_t k)
{
    return is_kw(s, k, "CONSTRAINT") || is_kw(s, k, "PRIMARY") || is_kw(s, k, "UNIQUE") ||
           is_kw(s, k, "CHECK") || is_kw(s, k, "FOREIGN");
}

int sqlite_ddl_parse_table(sqlite_ddl_table *out, const char *sql, char *err, size_t errlen)
{
    scanner s = {0};
    size_t open = 0, close, item;
    memset(out, 0, sizeof *out);
    s.err = err;
    s.errlen = errlen;
    if (!sql) {
        set_error(&s, "no CREATE TABLE text");
        goto done;
    }
    if (tokenize(&s, sql) < 0)
        goto done;
    while (open < s.ntoks && !is_punct(&s, open, '('))
        open++;
    close = matching_paren(&s, open, s.ntoks);
    if (open >= s.ntoks || close >= s.ntoks) {
        set_error(&s, "no column list in CREATE TABLE");
        goto done;
    }
    item = open + 1;
    while (item < close && !s.failed) {
        size_t end = item_end(&s, item, close);
        if (end == item) {
            set_error(&s, "empty item in column list");
            break;
        }
        if (starts_table_constraint(&s, item)) {
            constraints(&s, out, item, end, NULL);
        } else {
            sqlite_ddl_column *grown = realloc(out->columns, (out->ncolumns + 1) * sizeof *grown);
            if (!grown) {
                set_error(&s, "out of memory");
                break;
            }
            out->columns = grown;
            grown += out->ncolumns++;
            memset(grown, 0, sizeof *grown);
            grown->name = token_name(&s, item);
            if (!grown->name)
                break;
            constraints(&s, out, item + 1, end, grown);
        }
        item = end + 1;
    }
done:
    free(s.toks);
    if (s.failed) {
        sqlite_ddl_table_clear(out);
        return -1;
    }
    return 0;
}

void sqlite_ddl_index_clear(sqlite_ddl_index *ix)
{
    if (!ix)
        return;
    free_strings(ix->parts, ix->nparts);
    free(ix->where);
    memset(ix, 0, sizeof *ix);
}

int sqlite_ddl_parse_index(sqlite_ddl_index *out, const char *sql, char *err, size_t errlen)
{
    scanner s = {0};
    size_t k = 0, close, item;
    memset(out, 0, sizeof *out);
    s.err = err;
    s.errlen = errlen;
    if (!sql) {
        set_error(&s, "no CREATE INDEX text");
        goto done;
    }
    if (tokenize(&s, sql) < 0)
        goto done;
    while (k < s.ntoks && !is_kw(&s, k, "ON"))
        k++;
    k += 2; /* ON table */
    if (!is_punct(&s, k, '(')) {
        set_error(&s, "no column list in CREATE INDEX");
        goto done;
    }
    close = matching_paren(&s, k, s.ntoks);
    if (close >= s.ntoks) {
        set_error(&s, "unbalanced parentheses in CREATE INDEX");
        goto done;
    }
    item = k + 1;
    while (item < close) {
        size_t end = item_end(&s, item, close);
        size_t last = end;
        for (;;) {
            if (last > item + 1 && (is_kw(&s, last - 1, "ASC") || is_kw(&s, last - 1, "DESC")))
                last--;
            else if (last > item + 2 && is_kw(&s, last - 2, "COLLATE"))
                last -= 2;
            else
                break;
        }
        if (last == item) {
            set_error(&s, "empty item in CREATE INDEX column list");
            goto done;
        }
        if (push_string(&s, &out->parts, &out->nparts,
                        copy_range(&s, s.toks[item].start,
                                   s.toks[last - 1].start + s.toks[last - 1].len)) < 0)
            goto done;
        item = end + 1;
    }
    if (is_kw(&s, close + 1, "WHERE")) {
        size_t last = s.ntoks;
        while (last > close + 2 && is_punct(&s, last - 1, ';'))
            last--;
        if (last <= close + 2) {
            set_error(&s, "empty WHERE clause in CREATE INDEX");
            goto done;
        }
        out->where =
            copy_range(&s, s.toks[close + 2].start, s.toks[last - 1].start + s.toks[last - 1].len);
    }
done:
    free(s.toks);
    if (s.failed) {
        sqlite_ddl_index_clear(out);
        return -1;
    }
    return 0;
}

char *sqlite_ddl_virtual_module(const char *sql)
{
    scanner s = {0};
    char *module = NULL;
    size_t k = 0;
    if (!sql || tokenize(&s, sql) < 0)
        goto done;
    while (k < s.ntoks && !is_kw(&s, k, "USING"))
        k++;
    if (k + 1 < s.ntoks)
        module = token_name(&s, k + 1);
done:
    free(s.toks);
    return module;
}

const sqlite_ddl_column *sqlite_ddl_find_column(const sqlite_ddl_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (ascii_casecmp(t->columns[i].name, name) == 0)
            return &t->columns[i];
    return NULL;
}
