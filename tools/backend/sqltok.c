/* See sqltok.h. */
#include "sqltok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Brackets deeper than this are refused: no real expression needs them,
 * and the check keeps its stack on the C stack. */
#define MAX_DEPTH 256

void db_lexer_init(db_lexer *lx, const char *sql, db_sql_dialect dialect)
{
    lx->sql = sql ? sql : "";
    lx->pos = 0;
    lx->dialect = dialect;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

static int is_word_char(char c, db_sql_dialect d)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || (c == '$' && d == DB_SQL_POSTGRESQL);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skips white space and comments; 0, or -1 at an unterminated comment. */
static int skip_blank(db_lexer *lx)
{
    const char *s = lx->sql;
    for (;;) {
        while (is_space(s[lx->pos]))
            lx->pos++;
        if (s[lx->pos] == '-' && s[lx->pos + 1] == '-') {
            while (s[lx->pos] && s[lx->pos] != '\n')
                lx->pos++;
            continue;
        }
        if (s[lx->pos] == '/' && s[lx->pos + 1] == '*') {
            /* PostgreSQL nests block comments; SQLite does not. */
            int depth = 0;
            do {
                if (!s[lx->pos])
                    return -1;
                if (s[lx->pos] == '/' && s[lx->pos + 1] == '*') {
                    depth = lx->dialect == DB_SQL_POSTGRESQL ? depth + 1 : 1;
                    lx->pos += 2;
                } else if (s[lx->pos] == '*' && s[lx->pos + 1] == '/') {
                    depth--;
                    lx->pos += 2;
                } else {
                    lx->pos++;
                }
            } while (depth > 0);
            continue;
        }
        return 0;
    }
}

/* A quoted run from s[at] (the opening quote) to its closing quote, where
 * a doubled quote stands for one; backslash escapes one character when
 * backslashes is set (PostgreSQL's E'...'). The position past it, or 0. */
static size_t quoted_end(const char *s, size_t at, char open, char close, int backslashes)
{
    size_t i = at + 1;
    for (;;) {
        if (!s[i])
            return 0;
        if (backslashes && s[i] == '\\') {
            if (!s[i + 1])
                return 0;
            i += 2;
            continue;
        }
        if (s[i] == close) {
            if (open == close && s[i + 1] == close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
}

/* $tag$ ... $tag$ from s[at]; the position past it, 0 if unterminated, or
 * (size_t)-1 when s[at] does not start a dollar quote. */
static size_t dollar_end(const char *s, size_t at)
{
    size_t i = at + 1;
    if (is_word_start(s[i]))
        while (is_word_char(s[i], DB_SQL_SQLITE))
            i++;
    if (s[i] != '$')
        return (size_t)-1;
    size_t taglen = i + 1 - at;
    const char *close = s + i + 1;
    for (;;) {
        close = strchr(close, '$');
        if (!close)
            return 0;
        if (strncmp(close, s + at, taglen) == 0)
            return (size_t)(close - s) + taglen;
        close++;
    }
}

static db_token token(db_token_kind kind, size_t start, size_t end)
{
    db_token t = {kind, start, end - start};
    return t;
}

static size_t number_end(const char *s, size_t i)
{
    while (is_digit(s[i]) || s[i] == '.' || s[i] == '_')
        i++;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (is_digit(s[i + 1]) || ((s[i + 1] == '+' || s[i + 1] == '-') && is_digit(s[i + 2])))) {
        i += 2;
        while (is_digit(s[i]))
            i++;
    }
    return i;
}

static db_token next_quoted(db_lexer *lx, size_t at)
{
    const char *s = lx->sql;
    size_t end = 0;
    db_token_kind kind = DB_TOK_IDENT;
    if (s[at] == '\'') {
        end = quoted_end(s, at, '\'', '\'', 0);
        kind = DB_TOK_STRING;
    } else if (s[at] == '"') {
        end = quoted_end(s, at, '"', '"', 0);
    } else if (s[at] == '[') {
        end = quoted_end(s, at, '[', ']', 0);
    } else {
        end = quoted_end(s, at, '`', '`', 0);
    }
    if (!end)
        return token(DB_TOK_ERROR, at, strlen(s));
    lx->pos = end;
    return token(kind, at, end);
}

db_token db_lexer_next(db_lexer *lx)
{
    const char *s = lx->sql;
    int pg = lx->dialect == DB_SQL_POSTGRESQL;
    if (skip_blank(lx) < 0)
        return token(DB_TOK_ERROR, lx->pos, strlen(s));
    size_t at = lx->pos;
    char c = s[at];
    if (!c)
        return token(DB_TOK_END, at, at);
    /* E'...' takes backslash escapes: \' does not end it. */
    if (pg && (c == 'e' || c == 'E') && s[at + 1] == '\'') {
        size_t end = quoted_end(s, at + 1, '\'', '\'', 1);
        if (!end)
            return token(DB_TOK_ERROR, at, strlen(s));
        lx->pos = end;
        return token(DB_TOK_STRING, at, end);
    }
    if (c == '\'' || c == '"' || (!pg && (c == '[' || c == '`')))
        return next_quoted(lx, at);
    if (pg && c == '$') {
        if (is_digit(s[at + 1])) {
            size_t end = at + 1;
            while (is_digit(s[end]))
                end++;
            lx->pos = end;
            return token(DB_TOK_PARAM, at, end);
        }
        size_t end = dollar_end(s, at);
        if (end == 0)
            return token(DB_TOK_ERROR, at, strlen(s));
        if (end != (size_t)-1) {
            lx->pos = end;
            return token(DB_TOK_STRING, at, end);
        }
    }
    if (!pg && (c == '?' || c == ':' || c == '@' || c == '$') &&
        (is_word_char(s[at + 1], lx->dialect) || c == '?')) {
        size_t end = at + 1;
        while (is_word_char(s[end], lx->dialect))
            end++;
        lx->pos = end;
        return token(DB_TOK_PARAM, at, end);
    }
    if (is_word_start(c)) {
        size_t end = at + 1;
        while (is_word_char(s[end], lx->dialect))
            end++;
        lx->pos = end;
        return token(DB_TOK_WORD, at, end);
    }
    if (is_digit(c) || (c == '.' && is_digit(s[at + 1]))) {
        size_t end = number_end(s, at);
        lx->pos = end;
        return token(DB_TOK_NUMBER, at, end);
    }
    lx->pos = at + 1;
    return token(DB_TOK_PUNCT, at, at + 1);
}

int db_token_is_word(const db_lexer *lx, const db_token *t, const char *word)
{
    if (t->kind != DB_TOK_WORD || strlen(word) != t->len)
        return 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = lx->sql[t->start + i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != word[i])
            return 0;
    }
    return 1;
}

int db_token_is_punct(const db_lexer *lx, const db_token *t, char c)
{
    return t->kind == DB_TOK_PUNCT && lx->sql[t->start] == c;
}

char *db_token_name(const db_lexer *lx, const db_token *t)
{
    const char *s = lx->sql + t->start;
    char *out;
    if (t->kind == DB_TOK_WORD) {
        if (!(out = malloc(t->len + 1)))
            return NULL;
        for (size_t i = 0; i < t->len; i++) {
            char c = s[i];
            if (lx->dialect == DB_SQL_POSTGRESQL && c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            out[i] = c;
        }
        out[t->len] = '\0';
        return out;
    }
    if (t->kind != DB_TOK_IDENT || t->len < 2)
        return NULL;
    char close = s[0] == '[' ? ']' : s[0];
    if (!(out = malloc(t->len)))
        return NULL;
    size_t n = 0;
    for (size_t i = 1; i + 1 < t->len; i++) {
        out[n++] = s[i];
        if (s[i] == close && s[0] != '[')
            i++; /* a doubled quote stands for one */
    }
    out[n] = '\0';
    return out;
}

static int why_at(char *why, size_t whylen, const char *what, size_t at)
{
    if (why && whylen)
        snprintf(why, whylen, "%s at byte %zu", what, at + 1);
    return -1;
}

/* Walks tokens to the end: brackets must balance, ';' is allowed only as
 * trailing punctuation (or anywhere with allow_semicolons). */
static int check_rest(db_lexer *lx, int allow_semicolons, int *ntokens, char *why, size_t whylen)
{
    char stack[MAX_DEPTH];
    size_t depth = 0;
    size_t semicolon_at = (size_t)-1;
    *ntokens = 0;
    for (;;) {
        db_token t = db_lexer_next(lx);
        if (t.kind == DB_TOK_END)
            break;
        if (t.kind == DB_TOK_ERROR)
            return why_at(why, whylen, "an unterminated quote or comment", t.start);
        if (semicolon_at != (size_t)-1)
            return why_at(why, whylen, "a second statement", semicolon_at);
        (*ntokens)++;
        if (t.kind != DB_TOK_PUNCT)
            continue;
        char c = lx->sql[t.start];
        if (c == ';' && !allow_semicolons) {
            semicolon_at = t.start;
            (*ntokens)--;
        } else if (c == '(' || (c == '[' && lx->dialect == DB_SQL_POSTGRESQL)) {
            if (depth == MAX_DEPTH)
                return why_at(why, whylen, "brackets nested too deep", t.start);
            stack[depth++] = c == '(' ? ')' : ']';
        } else if (c == ')' || (c == ']' && lx->dialect == DB_SQL_POSTGRESQL)) {
            if (depth == 0 || stack[depth - 1] != c)
                return why_at(why, whylen, "a bracket closed that was not opened", t.start);
            depth--;
        }
    }
    if (depth)
        return why_at(why, whylen, "a bracket left open", strlen(lx->sql));
    return 0;
}

int db_sql_check_expression(const char *expr, db_sql_dialect dialect, char *why, size_t whylen)
{
    db_lexer lx;
    int ntokens;
    db_lexer_init(&lx, expr, dialect);
    /* check_rest lets a statement end with ';'; an expression may not hold
     * one outside a literal, so none is allowed here. */
    if (check_rest(&lx, 1, &ntokens, why, whylen) < 0)
        return -1;
    db_lexer_init(&lx, expr, dialect);
    for (db_token t = db_lexer_next(&lx); t.kind != DB_TOK_END; t = db_lexer_next(&lx))
        if (db_token_is_punct(&lx, &t, ';'))
            return why_at(why, whylen, "a ';'", t.start);
    if (ntokens == 0)
        return why_at(why, whylen, "an empty expression", 0);
    return 0;
}

int db_sql_read_qualified(db_lexer *lx, char **schema, char **name)
{
    *schema = *name = NULL;
    db_token first = db_lexer_next(lx);
    if (first.kind != DB_TOK_WORD && first.kind != DB_TOK_IDENT)
        return 0;
    size_t after_first = lx->pos;
    db_token dot = db_lexer_next(lx);
    if (db_token_is_punct(lx, &dot, '.')) {
        db_token second = db_lexer_next(lx);
        if (second.kind != DB_TOK_WORD && second.kind != DB_TOK_IDENT)
            return 0;
        *schema = db_token_name(lx, &first);
        *name = db_token_name(lx, &second);
    } else {
        lx->pos = after_first;
        *name = db_token_name(lx, &first);
    }
    if (!*name || (dot.kind == DB_TOK_PUNCT && lx->sql[dot.start] == '.' && !*schema)) {
        free(*schema), free(*name);
        *schema = *name = NULL;
        return -1;
    }
    return 1;
}

static int same_name(const char *a, const char *b, db_sql_dialect dialect)
{
    if (dialect == DB_SQL_SQLITE) {
        for (; *a && *b; a++, b++) {
            char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
            char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
            if (x != y)
                return 0;
        }
        return *a == *b;
    }
    return strcmp(a, b) == 0;
}

/* Whether the name read (got_schema may be NULL) is schema.name, where an
 * unqualified name or a missing schema stands for default_schema. */
static int is_declared(const char *got_schema, const char *got_name, const char *schema,
                       const char *name, const char *default_schema, db_sql_dialect dialect)
{
    if (!same_name(got_name, name, dialect))
        return 0;
    const char *want = schema ? schema : default_schema;
    if (got_schema)
        return want && same_name(got_schema, want, dialect);
    return !schema || (default_schema && same_name(schema, default_schema, dialect));
}

int db_sql_check_create(const char *sql, db_sql_dialect dialect, const char *const *words,
                        const char *schema, const char *name, const char *default_schema,
                        int multi_statement_body, db_sql_create *out, char *why, size_t whylen)
{
    db_lexer lx;
    db_lexer_init(&lx, sql, dialect);
    db_token t = db_lexer_next(&lx);
    if (!db_token_is_word(&lx, &t, "CREATE"))
        return why_at(why, whylen, "not a CREATE statement", t.start);
    for (size_t i = 0; words && words[i]; i++) {
        t = db_lexer_next(&lx);
        if (!db_token_is_word(&lx, &t, words[i])) {
            char what[96];
            snprintf(what, sizeof what, "not CREATE %s (\"%.*s\" where %s belongs)", words[0],
                     (int)(t.len > 24 ? 24 : t.len), sql + t.start, words[i]);
            return why_at(why, whylen, what, t.start);
        }
    }
    size_t name_at = lx.pos;
    char *got_schema = NULL, *got_name = NULL;
    int r = db_sql_read_qualified(&lx, &got_schema, &got_name);
    if (r < 0)
        return why_at(why, whylen, "out of memory", name_at);
    if (r == 0)
        return why_at(why, whylen, "no name after CREATE", name_at);
    int ok = is_declared(got_schema, got_name, schema, name, default_schema, dialect);
    free(got_schema);
    free(got_name);
    if (!ok)
        return why_at(why, whylen, "a name other than the one declared", name_at);
    if (out)
        out->after_name = lx.pos;
    int ntokens;
    return check_rest(&lx, multi_statement_body, &ntokens, why, whylen);
}

int db_sql_check_on_table(const char *sql, size_t from, db_sql_dialect dialect, const char *schema,
                          const char *table, const char *default_schema, int allow_only, char *why,
                          size_t whylen)
{
    db_lexer lx;
    db_lexer_init(&lx, sql, dialect);
    lx.pos = from;
    db_token t;
    int depth = 0;
    for (t = db_lexer_next(&lx); t.kind != DB_TOK_END && t.kind != DB_TOK_ERROR;
         t = db_lexer_next(&lx)) {
        if (db_token_is_punct(&lx, &t, '('))
            depth++;
        else if (db_token_is_punct(&lx, &t, ')'))
            depth--;
        else if (depth == 0 && db_token_is_word(&lx, &t, "ON"))
            break;
    }
    if (t.kind != DB_TOK_WORD)
        return why_at(why, whylen, "no ON table", t.start);
    size_t at = lx.pos;
    t = db_lexer_next(&lx);
    if (!(allow_only && db_token_is_word(&lx, &t, "ONLY")))
        lx.pos = at;
    char *got_schema = NULL, *got = NULL;
    int r = db_sql_read_qualified(&lx, &got_schema, &got);
    int ok = r == 1 && is_declared(got_schema, got, schema, table, default_schema, dialect);
    free(got_schema);
    free(got);
    if (r < 0)
        return why_at(why, whylen, "out of memory", at);
    if (!ok)
        return why_at(why, whylen, "a table other than the one declared after ON", at);
    return 0;
}
