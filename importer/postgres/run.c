/* Running SQL for the PostgreSQL target: one statement at a time, failures
 * recorded with their SQLSTATE and detail, savepoint-guarded attempts. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql_log.h"
#include "strlist.h"

#define SAVEPOINT_NAME "dbimport_try"

/* A libpq message without its trailing newline, and without the
 * "ERROR:  " prefix PQerrorMessage carries. */
static void trim_message(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '.'))
        s[--n] = '\0';
}

char *pg_target_connection_message(PGconn *conn)
{
    const char *m = conn ? PQerrorMessage(conn) : "out of memory";
    if (strncmp(m, "ERROR:  ", 8) == 0 || strncmp(m, "FATAL:  ", 8) == 0)
        m += 8;
    char *s = strdup(*m ? m : "no message from the server");
    if (s)
        trim_message(s);
    return s;
}

/* Records the failure of res (or of the connection) in st->diag.message,
 * st->sqlstate and st->detail. */
int pg_target_record_failure(pg_target *st, const PGresult *res)
{
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    /* "Failing row contains (...)" is the whole row: vectors, secrets and
     * all, into every log that keeps the message. It is never kept; the
     * row is named by its place in the file, or its key, instead. */
    if (detail && strncmp(detail, "Failing row contains", 20) == 0)
        detail = NULL;
    snprintf(st->sqlstate, sizeof st->sqlstate, "%s", state ? state : "");
    free(st->detail);
    st->detail = detail ? strdup(detail) : NULL;
    if (st->detail)
        trim_message(st->detail);
    if (primary)
        return db_error(&st->diag, "%s", primary);
    char *m = pg_target_connection_message(st->conn);
    if (!m)
        return db_oom(&st->diag);
    db_error(&st->diag, "%s", m);
    free(m);
    return -1;
}

int pg_target_connection_lost(const pg_target *st)
{
    return !st->conn || PQstatus(st->conn) == CONNECTION_BAD ||
           strncmp(st->sqlstate, "08", 2) == 0 || strncmp(st->sqlstate, "57P", 3) == 0;
}

/* Runs sql with text parameters. Returns 0 (the result in *out when out is
 * given, else cleared) or -1 with the failure recorded. */
int pg_target_run(pg_target *st, const char *sql, int nparams, const char *const *params,
                  PGresult **out)
{
    PGresult *res;
    if (out)
        *out = NULL;
    if (!sql)
        return db_oom(&st->diag);
    /* Always PQexecParams: it runs exactly one statement, so SQL text from
     * a file (a default, a CHECK, a view) cannot smuggle in a second one,
     * which PQexec would run. */
    res = PQexecParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        pg_target_record_failure(st, res);
        PQclear(res);
        return -1;
    }
    if (st->opts.sql_log && nparams == 0 && db_sql_log_pg_wanted(sql))
        db_sql_log_statement(st->opts.sql_log, sql);
    if (out)
        *out = res;
    else
        PQclear(res);
    return 0;
}

int pg_target_run_buf(pg_target *st, db_buf *b)
{
    int rc = b->oom ? db_oom(&st->diag) : pg_target_run(st, b->buf, 0, NULL, NULL);
    db_buf_free(b);
    return rc;
}

/* One value: 1 if the query gave a row (its first field copied to *value
 * when value is given), 0 if none, -1 on error. */
int pg_target_query_value(pg_target *st, const char *sql, int nparams, const char *const *params,
                          char **value)
{
    PGresult *res;
    if (value)
        *value = NULL;
    if (pg_target_run(st, sql, nparams, params, &res) < 0)
        return -1;
    int found = PQntuples(res) > 0;
    if (found && value && !PQgetisnull(res, 0, 0) && !(*value = strdup(PQgetvalue(res, 0, 0)))) {
        PQclear(res);
        return db_oom(&st->diag);
    }
    if (found && value && PQgetisnull(res, 0, 0))
        found = 0;
    PQclear(res);
    return found;
}

/* Runs sql under a savepoint: a failure is undone and left in st->diag.message
 * (returns 1) instead of aborting the transaction. */
int pg_target_run_try(pg_target *st, const char *sql)
{
    if (pg_target_run(st, "SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0)
        return -1;
    if (pg_target_run(st, sql, 0, NULL, NULL) == 0)
        return pg_target_run(st, "RELEASE SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL);
    char *why = db_error_take(&st->diag);
    char state[6];
    memcpy(state, st->sqlstate, sizeof state);
    if (pg_target_run(st, "ROLLBACK TO SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0 ||
        pg_target_run(st, "RELEASE SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0) {
        free(why);
        return -1;
    }
    db_error_restore(&st->diag, why);
    memcpy(st->sqlstate, state, sizeof state);
    return 1;
}

int pg_target_ensure_schema(pg_target *st, const char *ns)
{
    const char *name = ns ? ns : DEFAULT_NAMESPACE;
    for (size_t i = 0; i < st->nschemas; i++)
        if (strcmp(st->schemas[i], name) == 0)
            return 0;
    const char *params[] = {name};
    int found = pg_target_query_value(
        st, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, params, NULL);
    if (found < 0)
        return -1;
    if (!found && !st->opts.dry_run) {
        db_buf b = {0};
        db_buf_add(&b, "CREATE SCHEMA IF NOT EXISTS ");
        db_buf_ident(&b, name);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "cannot create schema \"%s\": %s", name, st->diag.message);
        if (fmt_strings_push_copy(&st->created_schemas, &st->ncreated_schemas, name) < 0)
            return db_oom(&st->diag);
        if (pg_target_comment_schema(st, name) < 0)
            return -1;
    }
    if (fmt_strings_push_copy(&st->schemas, &st->nschemas, name) < 0)
        return db_oom(&st->diag);
    return 0;
}
