/* See sqlbuf.h. */
#include "sqlbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int db_buf_reserve(db_buf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) {
        if (cap > (size_t)-1 / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->buf, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->buf = p;
    b->cap = cap;
    return 0;
}

void db_buf_addn(db_buf *b, const void *s, size_t n)
{
    if (db_buf_reserve(b, n) < 0)
        return;
    if (n)
        memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void db_buf_add(db_buf *b, const char *s)
{
    db_buf_addn(b, s, strlen(s));
}

void db_buf_addc(db_buf *b, char c)
{
    db_buf_addn(b, &c, 1);
}

void db_buf_printf(db_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = db_vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        b->oom = 1;
        return;
    }
    db_buf_add(b, s);
    free(s);
}

static void add_quoted(db_buf *b, const char *s, char quote)
{
    const char *p = s ? s : "";
    db_buf_addc(b, quote);
    for (const char *q; (q = strchr(p, quote)) != NULL; p = q + 1) {
        db_buf_addn(b, p, (size_t)(q - p + 1));
        db_buf_addc(b, quote);
    }
    db_buf_add(b, p);
    db_buf_addc(b, quote);
}

void db_buf_ident(db_buf *b, const char *name)
{
    add_quoted(b, name, '"');
}

void db_buf_ident_list(db_buf *b, char *const *names, size_t n)
{
    db_buf_addc(b, '(');
    for (size_t i = 0; i < n; i++) {
        if (i)
            db_buf_add(b, ", ");
        db_buf_ident(b, names[i]);
    }
    db_buf_addc(b, ')');
}

void db_buf_literal(db_buf *b, const char *s)
{
    add_quoted(b, s, '\'');
}

void db_buf_reset(db_buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->buf)
        b->buf[0] = '\0';
}

char *db_buf_take(db_buf *b)
{
    char *s = b->oom ? NULL : b->buf;
    if (b->oom)
        free(b->buf);
    else if (!s)
        s = calloc(1, 1);
    memset(b, 0, sizeof *b);
    return s;
}

void db_buf_free(db_buf *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

void db_buf_orphan_condition(db_buf *b, const char *const *columns, const char *parent,
                             const char *const *ref_columns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        db_buf_add(b, " c.");
        db_buf_ident(b, columns[i]);
        db_buf_add(b, " IS NOT NULL AND");
    }
    db_buf_printf(b, " NOT EXISTS (SELECT 1 FROM %s AS p WHERE", parent);
    for (size_t i = 0; i < n; i++) {
        db_buf_add(b, i ? " AND p." : " p.");
        db_buf_ident(b, ref_columns[i]);
        db_buf_add(b, " = c.");
        db_buf_ident(b, columns[i]);
    }
    db_buf_add(b, ")");
}
