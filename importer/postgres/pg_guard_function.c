/* The shape of a function's CREATE statement from a file (docs/SECURITY.md):
 * one CREATE [OR REPLACE] FUNCTION or PROCEDURE of the declared schema and
 * name, in the declared language, with no SECURITY DEFINER, no SUPPORT
 * function and no SET other than search_path. The statement the target runs
 * is the text without OR REPLACE, so a function the target has is never
 * replaced. Not a parser: the tokens outside the body are looked at, and
 * the catalog check after CREATE (routines.c) is the authority on what
 * was made. No libpq here. */
#include "pg_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlbuf.h"
#include "sqltok.h"

static int refuse(char *why, size_t whylen, const char *what)
{
    snprintf(why, whylen, "%s", what);
    return -1;
}

/* The token's text is word, without case; a string's or identifier's text
 * compared without its quotes. */
static int token_text_is(const db_lexer *lx, const db_token *t, const char *word)
{
    if (t->kind == DB_TOK_WORD)
        return t->len == strlen(word) && strncasecmp(lx->sql + t->start, word, t->len) == 0;
    if ((t->kind == DB_TOK_STRING || t->kind == DB_TOK_IDENT) && t->len >= 2)
        return t->len - 2 == strlen(word) && strncmp(lx->sql + t->start + 1, word, t->len - 2) == 0;
    return 0;
}

/* Walks the clauses after the name: LANGUAGE once and the declared one,
 * no SECURITY DEFINER, SUPPORT or SET but SET search_path; the body is AS
 * strings, or BEGIN ATOMIC / RETURN up to the end (the grammar puts
 * nothing after it). */
static int check_clauses(db_lexer *lx, const fmt_function *f, pg_guard_routine *out, char *why,
                         size_t whylen)
{
    int depth = 0, languages = 0;
    db_token prev = {DB_TOK_END, 0, 0};
    for (db_token t = db_lexer_next(lx); t.kind != DB_TOK_END; prev = t, t = db_lexer_next(lx)) {
        if (t.kind == DB_TOK_ERROR)
            return refuse(why, whylen, "an unterminated quote or comment");
        if (db_token_is_punct(lx, &t, '(')) {
            depth++;
            continue;
        }
        if (db_token_is_punct(lx, &t, ')')) {
            depth--;
            continue;
        }
        if (depth != 0 || t.kind != DB_TOK_WORD)
            continue;
        if (db_token_is_word(lx, &t, "LANGUAGE")) {
            db_token l = db_lexer_next(lx);
            if (++languages > 1 || !token_text_is(lx, &l, f->language))
                return refuse(why, whylen, "its LANGUAGE is not the declared one");
            t = l;
        } else if (db_token_is_word(lx, &t, "DEFINER") && db_token_is_word(lx, &prev, "SECURITY")) {
            return refuse(why, whylen, "SECURITY DEFINER (it would run with its owner's rights)");
        } else if (db_token_is_word(lx, &t, "SUPPORT")) {
            return refuse(why, whylen, "a SUPPORT function");
        } else if (db_token_is_word(lx, &t, "SET")) {
            db_token p = db_lexer_next(lx);
            if (!db_token_is_word(lx, &p, "SEARCH_PATH"))
                return refuse(why, whylen, "a SET other than search_path");
            t = p;
        } else if (db_token_is_word(lx, &t, "RETURN") ||
                   (db_token_is_word(lx, &t, "ATOMIC") && db_token_is_word(lx, &prev, "BEGIN"))) {
            out->atomic = 1; /* the SQL-standard body: the rest is the body */
            break;
        }
    }
    if (languages != 1)
        return refuse(why, whylen, "no LANGUAGE clause");
    return 0;
}

int pg_guard_function(const fmt_function *f, pg_guard_routine *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (!f->sql || !f->kind || !f->language)
        return refuse(why, whylen, "an incomplete entry");
    if (pg_guard_schema(f->namespace, why, whylen) < 0 || pg_guard_name(f->name, why, whylen) < 0)
        return -1;
    int procedure = strcmp(f->kind, "procedure") == 0;
    /* CREATE [OR REPLACE]: the statement run is "CREATE " and what follows */
    db_lexer lx;
    db_lexer_init(&lx, f->sql, DB_SQL_POSTGRESQL);
    db_token t = db_lexer_next(&lx);
    if (!db_token_is_word(&lx, &t, "CREATE"))
        return refuse(why, whylen, "not a CREATE statement");
    size_t rest = lx.pos;
    t = db_lexer_next(&lx);
    if (db_token_is_word(&lx, &t, "OR")) {
        t = db_lexer_next(&lx);
        if (!db_token_is_word(&lx, &t, "REPLACE"))
            return refuse(why, whylen, "CREATE OR without REPLACE");
        rest = lx.pos;
    }
    db_buf b = {0};
    db_buf_printf(&b, "CREATE%s", f->sql + rest);
    if (b.oom) {
        db_buf_free(&b);
        return refuse(why, whylen, "out of memory");
    }
    static const char *const function_words[] = {"FUNCTION", NULL};
    static const char *const procedure_words[] = {"PROCEDURE", NULL};
    db_sql_create created;
    char detail[256];
    if (db_sql_check_create(b.buf, DB_SQL_POSTGRESQL, procedure ? procedure_words : function_words,
                            f->namespace ? f->namespace : "public", f->name, "public", 1, &created,
                            detail, sizeof detail) < 0) {
        db_buf_free(&b);
        snprintf(why, whylen, "%s", detail);
        return -1;
    }
    db_lexer_init(&lx, b.buf, DB_SQL_POSTGRESQL);
    lx.pos = created.after_name;
    if (check_clauses(&lx, f, out, why, whylen) < 0) {
        db_buf_free(&b);
        return -1;
    }
    /* only a SQL-standard body holds statements of its own */
    if (!out->atomic &&
        db_sql_check_create(b.buf, DB_SQL_POSTGRESQL, procedure ? procedure_words : function_words,
                            f->namespace ? f->namespace : "public", f->name, "public", 0, NULL,
                            detail, sizeof detail) < 0) {
        db_buf_free(&b);
        snprintf(why, whylen, "%s", detail);
        return -1;
    }
    out->statement = db_buf_take(&b);
    return out->statement ? 0 : refuse(why, whylen, "out of memory");
}
