/* PostgreSQL CHECK expressions that SQLite can read with the same meaning.
 * PostgreSQL stores `kind IN ('a', 'b')` as
 * `(kind = ANY (ARRAY['a'::text, 'b'::text]))`, and for a varchar column
 * `((c)::text = ANY ((ARRAY['a'::character varying])::text[]))`; SQLite has
 * neither arrays nor `::`. Only exact rewrites are made, on tokens (never
 * inside a string): `X = ANY (ARRAY[items])` becomes `X IN (items)` (same
 * truth value, NULLs included); a cast of a string literal to a text type
 * goes, as does a cast to any type of an item of such a list (an enum's
 * equality is its label's); `(col)::text` goes when col is a text column,
 * `(0)::numeric` (an integer type too) becomes CAST(0 AS numeric).
 * PostgreSQL reads the result back as the form it stored. Anything else
 * with `::` or an array left is not translated. */
#include "sqlite_target_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_dialect.h"

typedef enum { TOK_STRING, TOK_IDENT, TOK_NUMBER, TOK_PUNCT } tok_kind;

typedef struct {
    tok_kind kind;
    const char *at;
    size_t len;
    int space_before;
} token;

#define MAX_TOKENS 4096

/* Splits s into tokens; -1 for what this does not read (E'' strings,
 * dollar quotes, an unterminated string, too many tokens). */
static int tokenize(const char *s, token *out, size_t *n)
{
    *n = 0;
    int space = 0;
    while (*s) {
        if (sqlite_is_space(*s)) {
            s++, space = 1;
            continue;
        }
        if (*n == MAX_TOKENS)
            return -1;
        token *t = &out[(*n)++];
        t->at = s;
        t->space_before = space;
        space = 0;
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            for (;; s++) {
                if (!*s)
                    return -1;
                if (*s == q && s[1] == q)
                    s++;
                else if (*s == q)
                    break;
            }
            s++;
            t->kind = q == '\'' ? TOK_STRING : TOK_IDENT;
        } else if (sqlite_is_alpha(*s)) {
            while (sqlite_is_alpha(*s) || sqlite_is_digit(*s) || *s == '$')
                s++;
            t->kind = TOK_IDENT;
            if (*s == '\'' || *s == '$')
                return -1; /* E'..', U&'..', $tag$ */
        } else if (sqlite_is_digit(*s) || (*s == '.' && sqlite_is_digit(s[1]))) {
            while (sqlite_is_digit(*s) || *s == '.' || *s == 'e' || *s == 'E')
                s++;
            t->kind = TOK_NUMBER;
        } else if (*s == '$') {
            return -1;
        } else {
            t->kind = TOK_PUNCT;
            s += (s[0] == ':' && s[1] == ':') ? 2 : 1;
        }
        t->len = (size_t)(s - t->at);
    }
    return 0;
}

static int is(const token *t, const char *text)
{
    return t->len == strlen(text) && sqlite3_strnicmp(t->at, text, (int)t->len) == 0 &&
           t->kind != TOK_STRING && !(t->kind == TOK_IDENT && *t->at == '"');
}

/* The end of a type name at i (`character varying(10)[]`,
 * `"Sales Dept"."Stage"`), or 0. *text_like: 1 for text, varchar, char,
 * name; 2 for numeric and the integer types. */
static size_t type_end(const token *tk, size_t n, size_t i, int *text_like)
{
    size_t start = i;
    while (i < n && tk[i].kind == TOK_IDENT) {
        i++;
        if (i + 1 < n && is(&tk[i], ".") && tk[i + 1].kind == TOK_IDENT)
            i++;
    }
    if (i == start)
        return 0;
    static const char *const text_types[] = {
        "text", "character varying", "varchar", "character", "bpchar", "name"};
    *text_like = 0;
    size_t len = (size_t)(tk[i - 1].at + tk[i - 1].len - tk[start].at);
    for (size_t k = 0; k < sizeof text_types / sizeof *text_types; k++)
        if (strlen(text_types[k]) == len &&
            sqlite3_strnicmp(tk[start].at, text_types[k], (int)len) == 0)
            *text_like = 1;
    static const char *const number_types[] = {"numeric", "integer", "bigint", "smallint"};
    for (size_t k = 0; k < sizeof number_types / sizeof *number_types; k++)
        if (strlen(number_types[k]) == len &&
            sqlite3_strnicmp(tk[start].at, number_types[k], (int)len) == 0)
            *text_like = 2;
    if (i + 2 < n && is(&tk[i], "(") && tk[i + 1].kind == TOK_NUMBER && is(&tk[i + 2], ")"))
        i += 3;
    if (i + 1 < n && is(&tk[i], "[") && is(&tk[i + 1], "]"))
        i += 2;
    return i;
}

static void emit(db_buf *b, const token *t)
{
    if (t->space_before && b->len && b->buf[b->len - 1] != '(')
        db_buf_addc(b, ' ');
    db_buf_addn(b, t->at, t->len);
}

/* A text column of t named by the token (bare or quoted). */
static int is_text_column(const fmt_table *t, const token *tk)
{
    char name[256];
    size_t o = 0;
    if (tk->kind != TOK_IDENT || tk->len >= sizeof name)
        return 0;
    if (*tk->at == '"') {
        for (size_t k = 1; k + 1 < tk->len; k++) {
            name[o++] = tk->at[k];
            if (tk->at[k] == '"')
                k++;
        }
    } else {
        for (size_t k = 0; k < tk->len; k++)
            name[o++] = (char)(tk->at[k] >= 'A' && tk->at[k] <= 'Z' ? tk->at[k] + 32 : tk->at[k]);
    }
    name[o] = '\0';
    int c = fmt_table_find_column(t, name);
    if (c < 0)
        return 0;
    fmt_type_kind k = t->columns[c].type.kind;
    return k == FMT_TYPE_TEXT || k == FMT_TYPE_VARCHAR || k == FMT_TYPE_CHAR;
}

/* A list item at i: a literal with casts, in parentheses or not. Emits the
 * bare literal; returns the position after it, or 0. */
static size_t list_item(const token *tk, size_t n, size_t i, db_buf *b, int first)
{
    size_t open = 0;
    while (i < n && is(&tk[i], "("))
        i++, open++;
    if (i >= n || (tk[i].kind != TOK_STRING && tk[i].kind != TOK_NUMBER))
        return 0;
    if (!first)
        db_buf_add(b, ", ");
    db_buf_addn(b, tk[i].at, tk[i].len);
    i++;
    for (;;) {
        int text_like;
        size_t e;
        if (i < n && is(&tk[i], "::") && (e = type_end(tk, n, i + 1, &text_like)) != 0)
            i = e;
        else if (open && i < n && is(&tk[i], ")"))
            i++, open--;
        else
            break;
    }
    return open ? 0 : i;
}

/* `= ANY (ARRAY[...])` or `= ANY ((ARRAY[...])::type[])` at i: emits
 * ` IN (...)`, returns the position after it, or 0. */
static size_t any_array(const token *tk, size_t n, size_t i, db_buf *b)
{
    size_t open = 0;
    int text_like, first = 1;
    if (!(i + 3 < n && is(&tk[i], "=") && is(&tk[i + 1], "ANY") && is(&tk[i + 2], "(")))
        return 0;
    i += 3;
    while (i < n && is(&tk[i], "("))
        i++, open++;
    if (!(i + 1 < n && is(&tk[i], "ARRAY") && is(&tk[i + 1], "[")))
        return 0;
    db_buf_add(b, " IN (");
    for (i += 2;; i++) {
        if (!(i = list_item(tk, n, i, b, first)))
            return 0;
        first = 0;
        if (i < n && is(&tk[i], "]"))
            break;
        if (!(i < n && is(&tk[i], ",")))
            return 0;
    }
    for (i++; open; open--) {
        if (!(i < n && is(&tk[i], ")")))
            return 0;
        i++;
        size_t e;
        if (i < n && is(&tk[i], "::") && (e = type_end(tk, n, i + 1, &text_like)) != 0 &&
            text_like == 1)
            i = e;
    }
    if (!(i < n && is(&tk[i], ")")))
        return 0;
    db_buf_addc(b, ')');
    return i + 1;
}

/* One step of the rewrite at i: the position after what it emitted. */
static size_t rewrite_at(const fmt_table *t, const token *tk, size_t n, size_t i, db_buf *b)
{
    int text_like;
    size_t e, mark = b->len;
    if ((e = any_array(tk, n, i, b)) != 0)
        return e;
    b->len = mark; /* what a partial match emitted */
    if (tk[i].kind == TOK_STRING && i + 1 < n && is(&tk[i + 1], "::") &&
        (e = type_end(tk, n, i + 2, &text_like)) != 0 && text_like == 1) {
        emit(b, &tk[i]);
        return e;
    }
    /* (0)::numeric: a CAST has its type's affinity in SQLite too, so a
     * DECIMAL TEXT column is compared as a number, as PostgreSQL does; and
     * PostgreSQL reads CAST(0 AS numeric) back as (0)::numeric */
    if (i + 4 < n && is(&tk[i], "(") && tk[i + 1].kind == TOK_NUMBER && is(&tk[i + 2], ")") &&
        is(&tk[i + 3], "::") && (e = type_end(tk, n, i + 4, &text_like)) != 0 && text_like == 2) {
        token cast = tk[i];
        cast.at = "CAST(";
        cast.len = 5;
        emit(b, &cast);
        db_buf_addn(b, tk[i + 1].at, tk[i + 1].len);
        db_buf_add(b, " AS ");
        db_buf_addn(b, tk[i + 4].at, tk[e - 1].at + tk[e - 1].len - tk[i + 4].at);
        db_buf_addc(b, ')');
        return e;
    }
    if (i + 4 < n && is(&tk[i], "(") && is_text_column(t, &tk[i + 1]) && is(&tk[i + 2], ")") &&
        is(&tk[i + 3], "::") && (e = type_end(tk, n, i + 4, &text_like)) != 0 && text_like == 1) {
        token column = tk[i + 1];
        column.space_before = tk[i].space_before;
        emit(b, &column);
        return e;
    }
    emit(b, &tk[i]);
    return i + 1;
}

char *sqlite_tgt_translate_pg_check(const fmt_table *t, const char *expr)
{
    token *tk = malloc(MAX_TOKENS * sizeof *tk);
    db_buf b = {0};
    size_t n = 0;
    char *out = NULL;
    if (!tk || !strstr(expr, "::") || tokenize(expr, tk, &n) < 0)
        goto done;
    for (size_t i = 0; i < n;) {
        size_t next = rewrite_at(t, tk, n, i, &b);
        /* a token passed through as it was that SQLite has no use for: a
         * cast or an array left (in a string, "::" is only text) */
        if (next == i + 1 && (is(&tk[i], "::") || is(&tk[i], "ARRAY") || is(&tk[i], "[")))
            goto done;
        i = next;
    }
    if (b.oom || !b.buf)
        goto done;
    out = db_buf_take(&b);
done:
    db_buf_free(&b);
    free(tk);
    return out;
}
