/* dbimport --sql-file (sql_log.h). */
#include "sql_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct db_sql_log {
    FILE *f;
    int is_stdout;
    int failed;
    int saved_errno;
};

db_sql_log *db_sql_log_open(const char *path)
{
    db_sql_log *log = calloc(1, sizeof *log);
    if (!log)
        return NULL;
    log->is_stdout = strcmp(path, "-") == 0;
    log->f = log->is_stdout ? stdout : fopen(path, "w");
    if (!log->f) {
        int e = errno;
        free(log);
        errno = e;
        return NULL;
    }
    return log;
}

int db_sql_log_is_stdout(const db_sql_log *log)
{
    return log && log->is_stdout;
}

static void note_failure(db_sql_log *log, int rc)
{
    if (rc < 0 && !log->failed) {
        log->failed = 1;
        log->saved_errno = errno;
    }
}

void db_sql_log_statement(db_sql_log *log, const char *sql)
{
    if (!log)
        return;
    size_t n = strlen(sql);
    while (n && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n'))
        n--;
    note_failure(log, fprintf(log->f, "%.*s;\n\n", (int)n, sql));
}

void db_sql_log_comment(db_sql_log *log, const char *fmt, ...)
{
    if (!log)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    note_failure(log, fprintf(log->f, "-- %s\n", buf));
}

int db_sql_log_close(db_sql_log *log)
{
    if (!log)
        return 0;
    note_failure(log, fflush(log->f) == 0 ? 0 : -1);
    if (!log->is_stdout)
        note_failure(log, fclose(log->f) == 0 ? 0 : -1);
    int failed = log->failed, e = log->saved_errno;
    free(log);
    errno = e;
    return failed ? -1 : 0;
}

static int starts_with_word(const char *sql, const char *word)
{
    size_t n = strlen(word);
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    return strncasecmp(sql, word, n) == 0 && (sql[n] == ' ' || sql[n] == '\n' || sql[n] == '\t');
}

int db_sql_log_pg_wanted(const char *sql)
{
    static const char *const words[] = {"CREATE", "ALTER",  "DROP", "COMMENT",
                                        "GRANT",  "REVOKE", NULL};
    int wanted = 0;
    for (size_t i = 0; words[i] && !wanted; i++)
        wanted = starts_with_word(sql, words[i]);
    /* a function body is created unchecked (importer/postgres/routines.c):
     * the script must say so too, or psql refuses one that names a table
     * created after it */
    if (starts_with_word(sql, "SET LOCAL check_function_bodies"))
        return 1;
    /* the import's own staging tables ("pg_temp"."...") and probes */
    return wanted && !starts_with_word(sql, "CREATE TEMP") && !strstr(sql, "\"pg_temp\".") &&
           !strstr(sql, "pg_temp.dbimport_");
}

int db_sql_log_sqlite_wanted(const char *sql)
{
    return starts_with_word(sql, "CREATE") || starts_with_word(sql, "ALTER") ||
           starts_with_word(sql, "DROP") || starts_with_word(sql, "PRAGMA main.user_version") ||
           starts_with_word(sql, "PRAGMA main.application_id");
}
