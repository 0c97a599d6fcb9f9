/* dbimport --sql-file: the statements an import runs that change the
 * target's schema, written as a script a reviewer can read and psql or
 * sqlite3 can replay (the rows are not in it: a comment marks each COPY),
 * as pg_restore -f writes the script it would run. */
#ifndef DB_SQL_LOG_H
#define DB_SQL_LOG_H

#include <stdio.h>

typedef struct db_sql_log db_sql_log;

/* Opens path for writing ("-" = standard output). NULL with errno set. */
db_sql_log *db_sql_log_open(const char *path);
/* 1 when the log writes to standard output. */
int db_sql_log_is_stdout(const db_sql_log *log);
/* One statement, followed by ";" and a blank line. */
void db_sql_log_statement(db_sql_log *log, const char *sql);
/* A "-- " comment line (newlines in it are made spaces). */
void db_sql_log_comment(db_sql_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Flushes and closes; 0, or -1 when a write failed (errno set). NULL is fine. */
int db_sql_log_close(db_sql_log *log);

/* Whether a PostgreSQL statement the import ran belongs in the script: one
 * that creates, alters, drops, comments, grants or revokes, and not on a
 * temporary object (the staging tables and probes of the import). */
int db_sql_log_pg_wanted(const char *sql);
/* The same for SQLite: CREATE, ALTER and DROP, and the header PRAGMAs. */
int db_sql_log_sqlite_wanted(const char *sql);

#endif
