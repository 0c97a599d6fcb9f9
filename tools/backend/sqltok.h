/* A tokenizer for the SQL text a file carries (defaults, CHECKs, index
 * expressions, view and trigger statements), in the two dialects we write
 * to. It is not a parser: it finds the tokens, so that a backend can check
 * that a piece of SQL is exactly what the file claims it is before pasting
 * or running it (docs/SECURITY.md): one balanced expression that cannot
 * close the parenthesis it is pasted into, or one CREATE statement of the
 * declared kind and name. Quoting rules followed: '...' with '' inside,
 * "..." identifiers with "" inside; PostgreSQL's E'...' (backslash escapes),
 * $tag$...$tag$, nested block comments; SQLite's [...] and `...`
 * identifiers. */
#ifndef DB_SQLTOK_H
#define DB_SQLTOK_H

#include <stddef.h>

typedef enum { DB_SQL_POSTGRESQL, DB_SQL_SQLITE } db_sql_dialect;

typedef enum {
    DB_TOK_END,
    DB_TOK_WORD,   /* an unquoted name or keyword */
    DB_TOK_IDENT,  /* a quoted identifier */
    DB_TOK_STRING, /* a string literal of any form */
    DB_TOK_NUMBER,
    DB_TOK_PARAM, /* $1, ?1, :name */
    DB_TOK_PUNCT, /* one character of punctuation or an operator run */
    DB_TOK_ERROR  /* an unterminated quote or comment, or a NUL byte */
} db_token_kind;

typedef struct {
    db_token_kind kind;
    size_t start, len; /* bytes of the token in the text */
} db_token;

typedef struct {
    const char *sql;
    size_t pos;
    db_sql_dialect dialect;
} db_lexer;

void db_lexer_init(db_lexer *lx, const char *sql, db_sql_dialect dialect);
/* The next token, past white space and comments. */
db_token db_lexer_next(db_lexer *lx);
/* 1 if t is the unquoted keyword word (given in upper case), any case. */
int db_token_is_word(const db_lexer *lx, const db_token *t, const char *word);
/* 1 if t is the punctuation c. */
int db_token_is_punct(const db_lexer *lx, const db_token *t, char c);
/* The name t stands for: a quoted identifier unquoted, an unquoted word
 * folded to lower case in PostgreSQL (SQLite keeps it: its names compare
 * without case). NULL for other tokens or when memory ran out. */
char *db_token_name(const db_lexer *lx, const db_token *t);

/* 0 if expr is one expression that can be pasted between parentheses:
 * not empty, every token complete, no ';', and every parenthesis or
 * bracket closes one the expression opened, in order. Otherwise -1 with
 * the reason in why. */
int db_sql_check_expression(const char *expr, db_sql_dialect dialect, char *why, size_t whylen);

/* What db_sql_check_create found after the object's name. */
typedef struct {
    size_t after_name; /* byte offset just past the name */
} db_sql_create;

/* 0 if sql is exactly one statement that begins "CREATE <words> <name>",
 * where words are the upper-case keywords that follow CREATE (for example
 * {"VIEW", NULL}) and the name, optionally qualified, is schema.name
 * (schema NULL: unqualified, or qualified by default_schema when that is
 * given). Nothing may come between CREATE and the words (no OR REPLACE,
 * TEMPORARY, MATERIALIZED, IF NOT EXISTS), and the rest of the text holds
 * no second statement (multi_statement_body allows the ';' of a SQLite
 * trigger's BEGIN ... END). -1 with the reason in why. */
int db_sql_check_create(const char *sql, db_sql_dialect dialect, const char *const *words,
                        const char *schema, const char *name, const char *default_schema,
                        int multi_statement_body, db_sql_create *out, char *why, size_t whylen);

/* 0 if, after byte from of sql, the first keyword ON outside brackets is
 * followed by the table (optionally after ONLY, when allow_only): schema
 * as for db_sql_check_create. For a trigger's or an index's table. -1 with
 * the reason in why. */
int db_sql_check_on_table(const char *sql, size_t from, db_sql_dialect dialect, const char *schema,
                          const char *table, const char *default_schema, int allow_only, char *why,
                          size_t whylen);

/* Reads a possibly qualified name ("a", "s"."a") at the lexer's position:
 * 1 with *schema (NULL when unqualified) and *name allocated, 0 if the next
 * token is not a name, -1 when memory ran out. */
int db_sql_read_qualified(db_lexer *lx, char **schema, char **name);

#endif
