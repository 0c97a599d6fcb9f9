/* Running SQL on the target: exactly one statement at a time, and the
 * check that a verbatim statement from the file creates what it says. */
#include "sqlite_target_internal.h"

#include <string.h>

#include "sql_log.h"
#include "sqlite_dialect.h"

static int is_blank_tail(const char *p)
{
    for (; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';')
            return 0;
    return 1;
}

int sqlite_tgt_prepare_one(sqlite_target *st, const char *sql, const char *what, sqlite3_stmt **out)
{
    const char *tail = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, out, &tail) != SQLITE_OK)
        return db_error(&st->diag, "%s%s%s", what ? what : "", what ? ": " : "",
                        sqlite3_errmsg(st->db));
    if (*out == NULL || !is_blank_tail(tail)) {
        sqlite3_finalize(*out);
        *out = NULL;
        return db_error(&st->diag, "%s%snot exactly one SQL statement", what ? what : "",
                        what ? ": " : "");
    }
    return 0;
}

int sqlite_tgt_exec_one(sqlite_target *st, const char *sql, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite_tgt_prepare_one(st, sql, what, &stmt) < 0)
        return -1;
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        db_error(&st->diag, "%s%s%s", what ? what : "", what ? ": " : "", sqlite3_errmsg(st->db));
    else if (st->opts.sql_log && db_sql_log_sqlite_wanted(sql))
        db_sql_log_statement(st->opts.sql_log, sql);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -2;
}

int sqlite_tgt_count_rows(sqlite_target *st, const char *sql, const char *arg, int *rows)
{
    sqlite3_stmt *stmt = NULL;
    int rc = -1, step;
    *rows = 0;
    if (sqlite_tgt_prepare_one(st, sql, NULL, &stmt) < 0)
        goto done;
    if (arg && sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC) != SQLITE_OK) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        ++*rows;
    if (step != SQLITE_DONE) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    return rc;
}

/* Next alphabetic word of sql into word (upper case), or "" at the end. */
static const char *next_word(const char *p, char word[16])
{
    size_t n = 0;
    while (sqlite_is_space(*p))
        p++;
    while (sqlite_is_alpha(*p) && n < 15)
        word[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p), p++;
    word[n] = '\0';
    return p;
}

int sqlite_tgt_sql_creates(const char *sql, const char *opt1, const char *opt2, const char *kind)
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

const char *sqlite_tgt_backend_name(const sqlite_target *st)
{
    return st->source_backend ? st->source_backend : "an unknown backend";
}
