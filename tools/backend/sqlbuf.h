/* The one growable byte buffer of the backends: SQL text, COPY lines and
 * converted values. The data stays NUL-terminated after every append; a
 * failed allocation sets the sticky oom flag and later appends do nothing,
 * so a caller builds a whole statement and checks once at the end. */
#ifndef DB_SQLBUF_H
#define DB_SQLBUF_H

#include <stddef.h>

typedef struct {
    char *buf; /* NULL until the first append */
    size_t len, cap;
    int oom;
} db_buf;

/* Makes room for n more bytes; 0, or -1 with oom set. */
int db_buf_reserve(db_buf *b, size_t n);
void db_buf_addn(db_buf *b, const void *s, size_t n);
void db_buf_add(db_buf *b, const char *s);
void db_buf_addc(db_buf *b, char c);
void db_buf_printf(db_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An SQL identifier in double quotes, embedded quotes doubled (the SQL
 * standard's rule, which SQLite and PostgreSQL share). NULL is "". */
void db_buf_ident(db_buf *b, const char *name);
/* "(\"a\", \"b\")": a parenthesised, comma-separated identifier list. */
void db_buf_ident_list(db_buf *b, char *const *names, size_t n);
/* " c.a IS NOT NULL AND ... NOT EXISTS (SELECT 1 FROM parent AS p WHERE
 * p.x = c.a AND ...)": the rows of the child (aliased c) whose key holds no
 * NULL and names no row of parent (SQL text, quoted); the same text in
 * SQLite and PostgreSQL (--rows-cascade, --max-errors). */
void db_buf_orphan_condition(db_buf *b, const char *const *columns, const char *parent,
                             const char *const *ref_columns, size_t n);
/* An SQL string literal, embedded quotes doubled (standard_conforming_strings
 * in PostgreSQL). */
void db_buf_literal(db_buf *b, const char *s);
/* Empties the buffer and keeps its memory (and clears oom). */
void db_buf_reset(db_buf *b);
/* The text, now owned by the caller (NULL after oom); the buffer is empty. */
char *db_buf_take(db_buf *b);
void db_buf_free(db_buf *b);

#endif
