/* The PostgreSQL source: one connection, one REPEATABLE READ, READ ONLY
 * transaction (so every query and every COPY sees the same snapshot), and
 * session settings that make the server's text output exact and stable.
 * The catalogs describe the tables with the format's table model; rows
 * stream through COPY ... TO STDOUT in text form, one row per call
 * (tools/postgres copy_decode.c turns the text into values). This file:
 * the ops table, open/close and messages; pg_source_internal.h lists the
 * other rooms.
 *
 * Ownership, as for the SQLite source: the tables and native objects handed
 * out belong to the caller; warning lines and header contents are copied
 * out or stay with the state until close(). open() sets *state even when it
 * fails, so that errmsg() can tell why; close() must be called either way.
 * Nothing here ever writes to the source. */
#include "pg_source_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_pg.h"
#include "ops.h"
#include "pg_source.h"
#include "strlist.h"

/* message with every occurrence of the password masked, as a new string
 * (NULL when memory ran out). */
static char *scrub_password(const pg_src *s, const char *message)
{
    size_t plen = s->password ? strlen(s->password) : 0;
    const char *p = message, *hit;
    db_buf out = {0};
    if (plen < 3) /* a tiny password would mask half of any message */
        return fmt_strdup(message);
    while ((hit = strstr(p, s->password)) != NULL) {
        db_buf_addn(&out, p, (size_t)(hit - p));
        db_buf_add(&out, "****");
        p = hit + plen;
    }
    db_buf_add(&out, p);
    return db_buf_take(&out);
}

/* Every error of the source goes through here: libpq's final newline
 * trimmed, the password masked, then into the diag. Returns -1. */
int pg_src_fail(pg_src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = db_vformat(fmt, ap);
    va_end(ap);
    if (!raw)
        return db_oom(&s->diag);
    size_t n = strlen(raw);
    while (n && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
        raw[--n] = '\0'; /* libpq's messages end in a newline */
    char *scrubbed = scrub_password(s, raw);
    free(raw);
    if (!scrubbed)
        return db_oom(&s->diag);
    db_error(&s->diag, "%s", scrubbed);
    free(scrubbed);
    return -1;
}

const char *pg_src_server_message(const pg_src *s)
{
    const char *m = s->conn ? PQerrorMessage(s->conn) : "no connection";
    return m && *m ? m : "unknown error";
}

int pg_src_warn(pg_src *s, const char *fmt, ...)
{
    va_list ap;
    if (s->quiet)
        return 0;
    va_start(ap, fmt);
    char *line = db_vformat(fmt, ap);
    va_end(ap);
    int rc = line ? db_warn(&s->diag, "%s", line) : -1;
    free(line);
    return rc < 0 ? db_oom(&s->diag) : 0;
}

bool pg_src_schema_selected(const pg_src *s, const char *nspname)
{
    return db_selection_schema(&s->selection, nspname);
}

bool pg_src_table_selected(const pg_src *s, const char *nspname, const char *relname)
{
    return db_selection_table(&s->selection, nspname, relname);
}

char *pg_src_namespace_of(const char *nspname)
{
    return strcmp(nspname, "public") == 0 ? NULL : fmt_strdup(nspname);
}

/* Runs a catalog query with up to two text parameters; NULL on error. */
PGresult *pg_src_query(pg_src *s, const char *sql, const char *p1, const char *p2)
{
    const char *params[2] = {p1, p2};
    int nparams = p2 ? 2 : p1 ? 1 : 0;
    PGresult *res = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_src_fail(s, "catalog query failed: %s",
                    res ? PQresultErrorMessage(res) : pg_src_server_message(s));
        PQclear(res);
        return NULL;
    }
    return res;
}

const char *pg_src_val(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

char *pg_src_dup_val(const PGresult *res, int row, int col)
{
    return fmt_strdup(pg_src_val(res, row, col));
}

bool pg_src_bool_val(const PGresult *res, int row, int col)
{
    const char *v = pg_src_val(res, row, col);
    return v && v[0] == 't';
}

/* Masks what libpq quotes from a connection string it could not parse: it
 * may be a piece of the password. */
static void mask_quoted(char *m)
{
    char *open;
    while ((open = strchr(m, '"')) != NULL) {
        char *close = strchr(open + 1, '"');
        if (!close) {
            break;
        }
        memmove(open + 1, close, strlen(close) + 1);
        m = open + 2;
    }
}

/* The snapshot and the session settings every query and COPY runs under,
 * then what the header needs of the server. */
static int start_snapshot(pg_src *s)
{
    static const char *const settings[] = {
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        "SET LOCAL DateStyle = 'ISO, YMD'",
        "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL bytea_output = 'hex'",
        /* Every name in catalog output comes schema-qualified. */
        "SET LOCAL search_path = ''",
        /* A row security policy must not silently filter the export. */
        "SET LOCAL row_security = off",
    };
    PGresult *res;
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        res = PQexec(s->conn, settings[i]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            pg_src_fail(s, "\"%s\": %s: %s", s->masked, settings[i],
                        res ? PQresultErrorMessage(res) : pg_src_server_message(s));
            PQclear(res);
            return -1;
        }
        PQclear(res);
    }
    if (!(res = pg_src_query(s,
                             "SELECT pg_catalog.current_setting('server_version'), "
                             "pg_catalog.current_database()",
                             NULL, NULL)))
        return -1;
    s->server_version = pg_src_dup_val(res, 0, 0);
    s->database = pg_src_dup_val(res, 0, 1);
    PQclear(res);
    if (!s->server_version || !s->database)
        return pg_src_fail(s, "out of memory");
    return 0;
}

/* Parses the locator (keeping its password, to mask it in messages) and
 * connects. */
static int connect_server(pg_src *s, const char *locator)
{
    /* Keywords before dbname are the user's to override; client_encoding
     * after it is ours: the COPY decoder reads UTF-8. */
    const char *keywords[] = {"fallback_application_name", "dbname", "client_encoding", NULL};
    const char *values[] = {"dbexport", locator, "UTF8", NULL};
    char *parse_error = NULL;
    PQconninfoOption *info = PQconninfoParse(locator, &parse_error);
    if (!info) {
        if (parse_error && strcmp(s->masked, locator) != 0)
            mask_quoted(parse_error);
        pg_src_fail(s, "invalid connection string \"%s\": %s", s->masked,
                    parse_error ? parse_error : "out of memory");
        PQfreemem(parse_error);
        return -1;
    }
    for (PQconninfoOption *o = info; o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
            s->password = fmt_strdup(o->val);
    PQconninfoFree(info);
    s->conn = cli_pg_connect(keywords, values);
    if (!s->conn)
        return pg_src_fail(s, "cannot connect to \"%s\": out of memory", s->masked);
    if (PQstatus(s->conn) != CONNECTION_OK)
        return pg_src_fail(s, "cannot connect to \"%s\": %s", s->masked, pg_src_server_message(s));
    return 0;
}

static int src_open(void **state, const char *locator, const db_source_options *opts)
{
    pg_src *s = calloc(1, sizeof *s);
    int failed = 0;
    *state = s;
    if (!s)
        return -1;
    s->masked = cli_locator_mask(locator);
    s->privileges = opts && opts->privileges;
    if (opts)
        failed = db_selection_init(&s->selection, opts->include_tables, opts->exclude_tables,
                                   opts->include_schemas, opts->exclude_schemas) < 0;
    if (!s->masked || failed)
        return pg_src_fail(s, "out of memory");
    if (connect_server(s, locator) < 0 || start_snapshot(s) < 0)
        return -1;
    return 0;
}

static int src_header(void *state, fmt_header *h)
{
    pg_src *s = state;
    size_t i;
    if (pg_src_read_schema_once(s) < 0) {
        return -1;
    }
    free(h->source_backend);
    free(h->source_version);
    free(h->source_database);
    fmt_strings_free(h->extensions, h->nextensions);
    for (i = 0; i < h->nuser_types; i++) {
        fmt_user_type_clear(&h->user_types[i]);
    }
    free(h->user_types);
    for (i = 0; i < h->nsequences; i++) {
        fmt_sequence_clear(&h->sequences[i]);
    }
    free(h->sequences);
    h->sequences = NULL;
    h->nsequences = 0;
    h->extensions = NULL;
    h->user_types = NULL;
    h->nextensions = h->nuser_types = 0;
    h->source_backend = fmt_strdup("postgresql");
    h->source_version = fmt_strdup(s->server_version);
    h->source_database = fmt_strdup(s->database);
    if (!h->source_backend || !h->source_version || !h->source_database) {
        return pg_src_fail(s, "out of memory");
    }
    for (i = 0; i < h->nfunctions; i++) {
        fmt_function_clear(&h->functions[i]);
    }
    free(h->functions);
    h->functions = NULL;
    h->nfunctions = 0;
    /* first: the types of their arguments join the header's */
    if (pg_src_load_functions(s, h) < 0) {
        return -1;
    }
    if (pg_src_note_installed_extensions(s) < 0) {
        return -1;
    }
    for (i = 0; i < s->nextensions; i++) {
        if (fmt_strings_push(&h->extensions, &h->nextensions, fmt_strdup(s->extensions[i])) < 0) {
            return pg_src_fail(s, "out of memory");
        }
    }
    if (s->nuser_types) {
        h->user_types = calloc(s->nuser_types, sizeof *h->user_types);
        if (!h->user_types) {
            return pg_src_fail(s, "out of memory");
        }
        for (i = 0; i < s->nuser_types; i++) {
            h->nuser_types++;
            if (fmt_user_type_copy(&h->user_types[i], &s->user_types[i]) < 0) {
                return pg_src_fail(s, "out of memory");
            }
        }
    }
    h->has_user_version = h->has_application_id = false;
    if (pg_src_origin_header(s, h) < 0 || pg_src_load_schemas(s, h) < 0) {
        return -1;
    }
    return pg_src_load_sequences(s, h);
}

static int src_tables(void *state, fmt_table ***tables, size_t *ntables)
{
    pg_src *s = state;
    char why[512];
    if (s->cached) {
        *tables = s->cached;
        *ntables = s->ncached;
        s->cached = NULL;
        s->ncached = 0;
    } else if (pg_src_load_tables(s, tables, ntables) < 0) {
        return -1;
    }
    if (db_selection_check(&s->selection, "the database", why, sizeof why) < 0) {
        fmt_tables_free(*tables, *ntables);
        *tables = NULL;
        *ntables = 0;
        return db_error(&s->diag, "%s", why);
    }
    return 0;
}

static int src_warnings(void *state, char ***lines, size_t *nlines)
{
    pg_src *s = state;
    *lines = NULL;
    *nlines = 0;
    if (pg_src_read_schema_once(s) < 0) {
        return -1;
    }
    db_diag_warnings(&s->diag, lines, nlines);
    return 0;
}

static void src_close(void *state)
{
    pg_src *s = state;
    size_t i;
    if (!s) {
        return;
    }
    pg_src_rows_end(s);
    db_buf_free(&s->text);
    db_buf_free(&s->converted);
    if (s->conn) {
        PQclear(PQexec(s->conn, "ROLLBACK")); /* read only: nothing to keep */
        PQfinish(s->conn);
    }
    fmt_tables_free(s->cached, s->ncached);
    fmt_strings_free(s->selected_oids, s->nselected);
    fmt_strings_free(s->selected_keys, s->nselected);
    fmt_strings_free(s->origin_schemas, s->norigin);
    fmt_strings_free(s->origin_tables, s->norigin);
    db_diag_free(&s->diag);
    fmt_strings_free(s->extensions, s->nextensions);
    for (i = 0; i < s->nuser_types; i++) {
        fmt_user_type_clear(&s->user_types[i]);
    }
    free(s->user_types);
    free(s->user_type_oids);
    for (i = 0; i < s->ntypes; i++) {
        free(s->types[i].nspname);
        free(s->types[i].typname);
        free(s->types[i].extname);
    }
    free(s->types);
    db_selection_free(&s->selection);
    free(s->password);
    free(s->masked);
    free(s->server_version);
    free(s->database);
    free(s);
}

DB_OPS_DIAG_FIRST(pg_src);

static const db_source_ops pg_ops = {
    .backend = "postgresql",
    .open = src_open,
    .header = src_header,
    .tables = src_tables,
    .rows_begin = pg_src_rows_begin,
    .rows_next = pg_src_rows_next,
    .rows_end = pg_src_rows_end,
    .estimate_rows = pg_src_estimate_rows,
    .native_objects = pg_src_native_objects,
    .warnings = src_warnings,
    .errmsg = db_ops_errmsg,
    .close = src_close,
};

PGconn *pg_source_connection(void *state)
{
    return state ? ((pg_src *)state)->conn : NULL;
}

const db_source_ops *db_source_pg(void)
{
    return &pg_ops;
}
