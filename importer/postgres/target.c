/* pg_target: the PostgreSQL side of dbimport. In one transaction, under an
 * advisory lock: extensions and user types first, then each table created
 * with its columns only (or checked against the existing one) and loaded
 * with COPY, then, as pg_restore does, keys, indexes, checks and foreign
 * keys after the data, sequences moved past the loaded values, views and
 * triggers, ANALYZE. A failure anywhere rolls the whole import back; a lost
 * connection leaves the server to do the same. */
#include "target.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "cli.h"
#include "pg_copy_encode.h"
#include "pg_sql.h"
#include "pg_types.h"
#include "strlist.h"

/* "dbimport" in ASCII: every import into one database takes this lock, so
 * two imports serialise instead of interleaving their checks and loads. */
#define ADVISORY_LOCK_KEY "7233459870269141620"
/* COPY data is handed to libpq in chunks of about this size. */
#define COPY_CHUNK 65536
#define DEFAULT_NAMESPACE "public"
/* rows per COPY: see target_row (well under DB_TARGET_MAX_LATE_ROWS) */
#define COPY_BATCH_ROWS 8192
#define BATCH_SAVEPOINT "dbimport_batch"
#define SAVEPOINT_NAME "dbimport_try"

typedef enum {
    PHASE_KEYS,
    PHASE_INDEXES,
    PHASE_CHECKS,
    PHASE_FOREIGN_KEYS,
    PHASE_COUNT
} post_phase;

/* A statement for after the data. */
typedef struct {
    post_phase phase;
    char *display; /* the table, for messages */
    char *qname;   /* the table, quoted */
    char *sql;
    char *what; /* "primary key", "index \"i\"" */
    int best_effort;
    int table_existed;
    char contype;      /* 'p', 'u', 'c', 'f'; 'i' for an index */
    char *name;        /* constraint or index name, or NULL */
    char *index_qname; /* 'i': "ns"."name" */
    char *match;       /* unnamed 'u'/'f': the start of pg_get_constraintdef, unquoted */
} post_item;

typedef struct {
    char *qname;
    char *display;
    char *column;
    int has_last_value;
    int64_t last_value;
    int exact; /* a new table from PostgreSQL: the sequence continues as it did there */
} sequence_item;

typedef struct {
    char *qname;
    char *display;
} loaded_table;

typedef struct {
    PGconn *conn;
    char *masked; /* the locator with any password masked */
    db_target_options opts;
    int in_transaction;
    char *source_backend;
    int source_is_pg;
    const fmt_header *header;
    char *vector_schema;
    int vector_ready; /* the vector extension is there (and vector_schema known) */
    char *err;
    char *error_column;
    int oom;
    char sqlstate[6];
    char *detail; /* of the last failed statement */
    char **warnings;
    size_t nwarnings;
    char **schemas; /* namespaces known to exist */
    size_t nschemas;
    unsigned staging_seq;

    /* The table between table_begin and table_end. */
    int table_open;
    int table_existed;
    char *display;
    char *qname;
    char *staging;
    size_t ncolumns;
    char **columns;
    pg_column_encoding *enc;
    char **type_labels;
    unsigned char *loadable; /* 0: generated in the target */
    unsigned char *mask, *copy_mask, *staged_mask;
    int copy_active;
    uint64_t copy_first_row; /* the table's row number of the COPY's first line */
    uint64_t error_row;      /* the row a COPY error names, for the driver's position */
    uint64_t copy_rows;
    uint64_t staged_rows;
    char **conflict_key;
    size_t nconflict_key;
    db_buf out, line;
    db_table_stats stats;
    /* --on-invalid: the COPY's lines and their rows, to send again */
    db_buf batch;
    uint64_t *batch_rows;
    size_t nbatch, capbatch;
    char *invalid_example; /* the first value the policy handled, for the summary */

    post_item *post;
    size_t npost;
    sequence_item *sequences;
    size_t nsequences;
    loaded_table *tables;
    size_t ntables;
} pg_target;

/* ---- messages ----------------------------------------------------------- */

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

__attribute__((format(printf, 2, 3))) static int set_error(pg_target *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    free(st->err);
    st->err = s;
    if (!s)
        st->oom = 1;
    return -1;
}

static int set_oom(pg_target *st)
{
    free(st->err);
    st->err = NULL;
    st->oom = 1;
    return -1;
}

__attribute__((format(printf, 2, 3))) static void add_warning(pg_target *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    char **p = s ? realloc(st->warnings, (st->nwarnings + 1) * sizeof *p) : NULL;
    if (!p) {
        free(s);
        st->oom = 1;
        return;
    }
    st->warnings = p;
    st->warnings[st->nwarnings++] = s;
}

/* A libpq message without its trailing newline, and without the
 * "ERROR:  " prefix PQerrorMessage carries. */
static void trim_message(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '.'))
        s[--n] = '\0';
}

static char *connection_message(PGconn *conn)
{
    const char *m = conn ? PQerrorMessage(conn) : "out of memory";
    if (strncmp(m, "ERROR:  ", 8) == 0 || strncmp(m, "FATAL:  ", 8) == 0)
        m += 8;
    char *s = strdup(*m ? m : "no message from the server");
    if (s)
        trim_message(s);
    return s;
}

/* Records the failure of res (or of the connection) in st->err,
 * st->sqlstate and st->detail. */
static int record_failure(pg_target *st, const PGresult *res)
{
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    snprintf(st->sqlstate, sizeof st->sqlstate, "%s", state ? state : "");
    free(st->detail);
    st->detail = detail ? strdup(detail) : NULL;
    if (st->detail)
        trim_message(st->detail);
    if (primary)
        return set_error(st, "%s", primary);
    char *m = connection_message(st->conn);
    if (!m)
        return set_oom(st);
    set_error(st, "%s", m);
    free(m);
    return -1;
}

static int connection_lost(const pg_target *st)
{
    return !st->conn || PQstatus(st->conn) == CONNECTION_BAD ||
           strncmp(st->sqlstate, "08", 2) == 0 || strncmp(st->sqlstate, "57P", 3) == 0;
}

/* ---- running SQL -------------------------------------------------------- */

/* Runs sql with text parameters. Returns 0 (the result in *out when out is
 * given, else cleared) or -1 with the failure recorded. */
static int run(pg_target *st, const char *sql, int nparams, const char *const *params,
               PGresult **out)
{
    PGresult *res;
    if (out)
        *out = NULL;
    if (!sql)
        return set_oom(st);
    /* Always PQexecParams: it runs exactly one statement, so SQL text from
     * a file (a default, a CHECK, a view) cannot smuggle in a second one,
     * which PQexec would run. */
    res = PQexecParams(st->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        record_failure(st, res);
        PQclear(res);
        return -1;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return 0;
}

static int run_buf(pg_target *st, db_buf *b)
{
    int rc = b->oom ? set_oom(st) : run(st, b->buf, 0, NULL, NULL);
    db_buf_free(b);
    return rc;
}

/* One value: 1 if the query gave a row (its first field copied to *value
 * when value is given), 0 if none, -1 on error. */
static int query_value(pg_target *st, const char *sql, int nparams, const char *const *params,
                       char **value)
{
    PGresult *res;
    if (value)
        *value = NULL;
    if (run(st, sql, nparams, params, &res) < 0)
        return -1;
    int found = PQntuples(res) > 0;
    if (found && value && !PQgetisnull(res, 0, 0) && !(*value = strdup(PQgetvalue(res, 0, 0)))) {
        PQclear(res);
        return set_oom(st);
    }
    if (found && value && PQgetisnull(res, 0, 0))
        found = 0;
    PQclear(res);
    return found;
}

/* Runs sql under a savepoint: a failure is undone and left in st->err
 * (returns 1) instead of aborting the transaction. */
static int run_try(pg_target *st, const char *sql)
{
    if (run(st, "SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0)
        return -1;
    if (run(st, sql, 0, NULL, NULL) == 0)
        return run(st, "RELEASE SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL);
    char *why = st->err;
    char state[6];
    memcpy(state, st->sqlstate, sizeof state);
    st->err = NULL;
    if (run(st, "ROLLBACK TO SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0 ||
        run(st, "RELEASE SAVEPOINT " SAVEPOINT_NAME, 0, NULL, NULL) < 0) {
        free(why);
        return -1;
    }
    free(st->err);
    st->err = why;
    memcpy(st->sqlstate, state, sizeof state);
    if (!why)
        st->oom = 1;
    return 1;
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/* ---- catalog look-ups --------------------------------------------------- */

static int ensure_schema(pg_target *st, const char *ns)
{
    const char *name = ns ? ns : DEFAULT_NAMESPACE;
    for (size_t i = 0; i < st->nschemas; i++)
        if (strcmp(st->schemas[i], name) == 0)
            return 0;
    const char *params[] = {name};
    int found = query_value(st, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1,
                            params, NULL);
    if (found < 0)
        return -1;
    if (!found && !st->opts.dry_run) {
        db_buf b = {0};
        db_buf_add(&b, "CREATE SCHEMA IF NOT EXISTS ");
        db_buf_ident(&b, name);
        if (run_buf(st, &b) < 0)
            return set_error(st, "cannot create schema \"%s\": %s", name, st->err);
    }
    if (fmt_strings_push_copy(&st->schemas, &st->nschemas, name) < 0)
        return set_oom(st);
    return 0;
}

/* ---- extensions and user types (begin) ---------------------------------- */

/* Makes the extension available: refused before any row when the server
 * cannot provide it. */
static int ensure_extension(pg_target *st, const char *ext)
{
    const char *params[] = {ext};
    int found = query_value(st, "SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1",
                            1, params, NULL);
    if (found < 0)
        return set_error(st, "cannot list the server's extensions: %s", st->err);
    if (!found) {
        if (strcmp(ext, "vector") == 0)
            return set_error(st, "the target server has no \"vector\" extension (pgvector)\n"
                                 "hint: install pgvector on the server, e.g. the "
                                 "postgresql-15-pgvector package");
        return set_error(st, "the target server has no \"%s\" extension", ext);
    }
    found = query_value(st, "SELECT 1 FROM pg_catalog.pg_extension WHERE extname = $1", 1, params,
                        NULL);
    if (found < 0)
        return -1;
    if (!found && !st->opts.dry_run) {
        if (ensure_schema(st, DEFAULT_NAMESPACE) < 0)
            return -1;
        db_buf b = {0};
        db_buf_add(&b, "CREATE EXTENSION IF NOT EXISTS ");
        db_buf_ident(&b, ext);
        db_buf_add(&b, " SCHEMA " DEFAULT_NAMESPACE);
        if (run_buf(st, &b) < 0)
            return set_error(st, "cannot create extension \"%s\": %s", ext, st->err);
    }
    if (strcmp(ext, "vector") != 0)
        return 0;
    /* Its types are named with the schema it lives in (search_path is ''). */
    free(st->vector_schema);
    st->vector_schema = NULL;
    if (query_value(st,
                    "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n"
                    " ON n.oid = e.extnamespace WHERE e.extname = 'vector'",
                    0, NULL, &st->vector_schema) < 0)
        return -1;
    st->vector_ready = 1;
    if (!st->vector_schema && !(st->vector_schema = strdup(DEFAULT_NAMESPACE)))
        return set_oom(st);
    return 0;
}

static int prepare_extensions(pg_target *st, const fmt_header *h)
{
    for (size_t i = 0; h && i < h->nextensions; i++)
        if (ensure_extension(st, h->extensions[i]) < 0)
            return -1;
    return 0;
}

/* A file that does not list "vector" among its extensions still gets it
 * for a table with vector columns. */
static int ensure_vector_for(pg_target *st, const fmt_table *t)
{
    if (st->vector_ready)
        return 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        fmt_type_kind k = t->columns[i].type.kind;
        if (k == FMT_TYPE_ARRAY)
            k = t->columns[i].type.element;
        if (k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC || k == FMT_TYPE_SPARSEVEC)
            return ensure_extension(st, "vector");
    }
    return 0;
}

static int check_enum_labels(pg_target *st, const fmt_user_type *u, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    int same;
    if (run(st,
            "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = $1::oid"
            " ORDER BY enumsortorder",
            1, params, &res) < 0)
        return -1;
    same = (size_t)PQntuples(res) == u->nlabels;
    for (size_t i = 0; same && i < u->nlabels; i++)
        same = strcmp(PQgetvalue(res, (int)i, 0), u->labels[i]) == 0;
    if (!same) {
        db_buf have = {0}, want = {0};
        for (int i = 0; i < PQntuples(res); i++)
            db_buf_add(&have, i ? ", " : ""), db_buf_add(&have, PQgetvalue(res, i, 0));
        for (size_t i = 0; i < u->nlabels; i++)
            db_buf_add(&want, i ? ", " : ""), db_buf_add(&want, u->labels[i]);
        set_error(st, "type \"%s.%s\": the target's enum has the labels (%s), the file's (%s)",
                  u->namespace ? u->namespace : DEFAULT_NAMESPACE, u->name,
                  have.buf ? have.buf : "", want.buf ? want.buf : "");
        db_buf_free(&have);
        db_buf_free(&want);
    }
    PQclear(res);
    return same ? 0 : -1;
}

static int prepare_user_types(pg_target *st, const fmt_header *h)
{
    for (size_t i = 0; h && i < h->nuser_types; i++) {
        const fmt_user_type *u = &h->user_types[i];
        const char *ns = u->namespace ? u->namespace : DEFAULT_NAMESPACE;
        const char *params[] = {ns, u->name};
        PGresult *res;
        if (!u->name)
            return set_error(st, "a user-defined type without a name");
        if (run(st,
                "SELECT t.oid, t.typtype FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n"
                " ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2",
                2, params, &res) < 0)
            return -1;
        if (PQntuples(res) > 0) {
            char want = u->kind == FMT_USER_TYPE_ENUM ? 'e' : 'd';
            char have = PQgetvalue(res, 0, 1)[0];
            int rc = 0;
            if (have != want)
                rc = set_error(st, "type \"%s.%s\": the target has it, but not as %s", ns, u->name,
                               want == 'e' ? "an enum" : "a domain");
            else if (want == 'e')
                rc = check_enum_labels(st, u, PQgetvalue(res, 0, 0));
            PQclear(res);
            if (rc < 0)
                return -1;
            continue;
        }
        PQclear(res);
        if (st->opts.dry_run || st->opts.data_only)
            continue;
        if (ensure_schema(st, ns) < 0)
            return -1;
        db_buf b = {0};
        if (u->kind == FMT_USER_TYPE_ENUM) {
            db_buf_add(&b, "CREATE TYPE ");
            db_buf_ident(&b, ns);
            db_buf_add(&b, ".");
            db_buf_ident(&b, u->name);
            db_buf_add(&b, " AS ENUM (");
            for (size_t k = 0; k < u->nlabels; k++) {
                db_buf_add(&b, k ? ", " : "");
                db_buf_literal(&b, u->labels[k]);
            }
            db_buf_add(&b, ")");
        } else {
            if (!u->base_type)
                return set_error(st, "domain \"%s.%s\": no base type", ns, u->name);
            db_buf_add(&b, "CREATE DOMAIN ");
            db_buf_ident(&b, ns);
            db_buf_add(&b, ".");
            db_buf_ident(&b, u->name);
            db_buf_printf(&b, " AS %s", u->base_type);
            if (u->default_sql)
                db_buf_printf(&b, " DEFAULT %s", u->default_sql);
            if (u->not_null)
                db_buf_add(&b, " NOT NULL");
            for (size_t k = 0; k < u->nchecks; k++)
                db_buf_printf(&b, " CHECK (%s)", u->checks[k]);
        }
        if (run_buf(st, &b) < 0)
            return set_error(st, "cannot create type \"%s.%s\": %s", ns, u->name, st->err);
    }
    return 0;
}

/* ---- types -------------------------------------------------------------- */

/* The user type a native type names without its schema, if any. */
static const fmt_user_type *user_type_named(const pg_target *st, const char *native, size_t len)
{
    for (size_t i = 0; st->header && i < st->header->nuser_types; i++) {
        const fmt_user_type *u = &st->header->user_types[i];
        if (u->name && strlen(u->name) == len && strncmp(u->name, native, len) == 0)
            return u;
    }
    return NULL;
}

/* Appends the column's type for CREATE TABLE. */
/* A bare type name: letters, digits and underscores, not starting with a
 * digit. Only such names are used as types when they come from a file
 * written by another backend. */
static int is_plain_type_name(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static void column_type(pg_target *st, const fmt_table *t, const fmt_column *c, db_buf *b)
{
    const fmt_type *ty = &c->type;
    int vector_kind = ty->kind == FMT_TYPE_VECTOR || ty->kind == FMT_TYPE_HALFVEC ||
                      ty->kind == FMT_TYPE_SPARSEVEC ||
                      (ty->kind == FMT_TYPE_ARRAY &&
                       (ty->element == FMT_TYPE_VECTOR || ty->element == FMT_TYPE_HALFVEC ||
                        ty->element == FMT_TYPE_SPARSEVEC));
    if (st->source_is_pg && c->native_type && *c->native_type && !vector_kind) {
        size_t n = strlen(c->native_type);
        size_t base = n;
        while (base >= 2 && strncmp(c->native_type + base - 2, "[]", 2) == 0)
            base -= 2;
        const fmt_user_type *u = user_type_named(st, c->native_type, base);
        if (u) {
            /* search_path is empty: user types need their schema */
            db_buf_ident(b, u->namespace ? u->namespace : DEFAULT_NAMESPACE);
            db_buf_add(b, ".");
            db_buf_ident(b, u->name);
            db_buf_add(b, c->native_type + base);
        } else {
            db_buf_add(b, c->native_type);
        }
        return;
    }
    if (ty->kind == FMT_TYPE_ARRAY) {
        pg_type_name(b, ty->element, ty->param1, ty->param2, st->vector_schema);
        db_buf_add(b, "[]");
        return;
    }
    if (ty->kind == FMT_TYPE_NATIVE && !st->source_is_pg && c->native_type &&
        is_plain_type_name(c->native_type)) {
        /* A PostgreSQL type that went through SQLite ("tsvector", "inet"):
         * the SQLite source maps only such names to native. */
        for (const char *p = c->native_type; *p; p++) {
            char ch = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            db_buf_addn(b, &ch, 1);
        }
        return;
    }
    if (ty->kind == FMT_TYPE_NATIVE && !st->source_is_pg)
        add_warning(st, "table \"%s\", column \"%s\": native type \"%s\" from %s is loaded as text",
                    st->display, c->name, c->native_type ? c->native_type : "",
                    st->source_backend ? st->source_backend : "another backend");
    (void)t;
    pg_type_name(b, ty->kind, ty->param1, ty->param2, st->vector_schema);
}

static int set_type_label(pg_target *st, size_t i, const char *label)
{
    free(st->type_labels[i]);
    st->type_labels[i] = strdup(label ? label : "?");
    if (!st->type_labels[i])
        return set_oom(st);
    st->enc[i].type_label = st->type_labels[i];
    return 0;
}

/* ---- defaults ----------------------------------------------------------- */

/* ---- CREATE TABLE ------------------------------------------------------- */

static int add_post(pg_target *st, post_phase phase, db_buf *sql, const char *what, int best_effort,
                    char contype, const char *name, const char *index_ns, const char *match)
{
    post_item *p = realloc(st->post, (st->npost + 1) * sizeof *p);
    if (!p || sql->oom) {
        db_buf_free(sql);
        return set_oom(st);
    }
    st->post = p;
    post_item *it = &p[st->npost++];
    memset(it, 0, sizeof *it);
    it->phase = phase;
    it->display = strdup(st->display);
    it->qname = strdup(st->qname);
    it->sql = sql->buf;
    memset(sql, 0, sizeof *sql);
    it->what = strdup(what);
    it->best_effort = best_effort;
    it->table_existed = st->table_existed;
    it->contype = contype;
    it->name = name ? strdup(name) : NULL;
    it->index_qname = contype == 'i' && name ? pg_qualified(index_ns, name) : NULL;
    it->match = match ? strdup(match) : NULL;
    if (!it->display || !it->qname || !it->what || (name && !it->name) ||
        (contype == 'i' && name && !it->index_qname) || (match && !it->match))
        return set_oom(st);
    return 0;
}

static void add_ident_list(db_buf *b, char *const *names, size_t n, int quote)
{
    db_buf_add(b, "(");
    for (size_t i = 0; i < n; i++) {
        db_buf_add(b, i ? ", " : "");
        if (quote)
            db_buf_ident(b, names[i]);
        else
            db_buf_add(b, names[i]);
    }
    db_buf_add(b, ")");
}

static int fk_action(pg_target *st, db_buf *b, const char *action, const char *on)
{
    if (!action || strcasecmp(action, "no action") == 0)
        return 0;
    const char *sql = pg_fk_action_sql(action);
    if (!sql)
        return set_error(st, "table \"%s\": unknown foreign key action \"%s\"", st->display,
                         action);
    db_buf_printf(b, " ON %s %s", on, sql);
    return 0;
}

static void add_constraint_head(db_buf *b, const char *qname, const char *name)
{
    db_buf_add(b, "ALTER TABLE ");
    db_buf_add(b, qname);
    db_buf_add(b, " ADD ");
    if (name) {
        db_buf_add(b, "CONSTRAINT ");
        db_buf_ident(b, name);
        db_buf_add(b, " ");
    }
}

static int starts_with_create_index(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    if (strncasecmp(sql, "CREATE ", 7) != 0)
        return 0;
    sql += 7;
    if (strncasecmp(sql, "UNIQUE ", 7) == 0)
        sql += 7;
    return strncasecmp(sql, "INDEX ", 6) == 0;
}

/* Indexes of the current table (st->qname), or of one of its partitions. */
static int collect_indexes(pg_target *st, const fmt_index *indexes, size_t nindexes,
                           int partitioned, const char *ns)
{
    char what[512];
    db_buf b = {0};
    for (size_t i = 0; i < nindexes; i++) {
        const fmt_index *ix = &indexes[i];
        int best_effort = 0;
        if (ix->name && strncmp(ix->name, "sqlite_", 7) == 0)
            continue;
        if (st->source_is_pg && ix->sql) {
            if (!starts_with_create_index(ix->sql))
                return set_error(st,
                                 "index \"%s\" on table \"%s\": its SQL does not create an index",
                                 ix->name ? ix->name : "", st->display);
            const char *only = partitioned ? strstr(ix->sql, " ON ONLY ") : NULL;
            if (only) {
                /* a partitioned index must reach the partitions */
                db_buf_addn(&b, ix->sql, (size_t)(only - ix->sql));
                db_buf_add(&b, " ON ");
                db_buf_add(&b, only + 9);
            } else {
                db_buf_add(&b, ix->sql);
            }
        } else {
            db_buf_add(&b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
            if (ix->name) {
                db_buf_ident(&b, ix->name);
                db_buf_add(&b, " ");
            }
            db_buf_add(&b, "ON ");
            db_buf_add(&b, st->qname);
            db_buf_add(&b, " (");
            for (size_t p = 0; p < ix->nparts; p++) {
                const fmt_index_part *part = &ix->parts[p];
                db_buf_add(&b, p ? ", " : "");
                if (part->column) {
                    db_buf_ident(&b, part->column);
                } else {
                    db_buf_printf(&b, "(%s)", part->expression ? part->expression : "NULL");
                    best_effort = !st->source_is_pg;
                }
                if (part->collation && st->source_is_pg) {
                    db_buf_add(&b, " COLLATE ");
                    db_buf_ident(&b, part->collation);
                }
                if (part->descending)
                    db_buf_add(&b, " DESC");
            }
            db_buf_add(&b, ")");
            if (ix->where) {
                db_buf_printf(&b, " WHERE %s", ix->where);
                best_effort = !st->source_is_pg;
            }
        }
        snprintf(what, sizeof what, "index \"%s\"", ix->name ? ix->name : "");
        if (add_post(st, PHASE_INDEXES, &b, what, best_effort, 'i', ix->name, ns, NULL) < 0)
            return -1;
    }
    return 0;
}

/* Foreign keys of the current table (st->qname), or of one of its partitions. */
static int collect_foreign_keys(pg_target *st, const fmt_foreign_key *fks, size_t nfks)
{
    char what[512];
    db_buf b = {0}, match = {0};
    for (size_t i = 0; i < nfks; i++) {
        const fmt_foreign_key *fk = &fks[i];
        char *ref = pg_qualified(fk->ref_namespace, fk->ref_table);
        add_constraint_head(&b, st->qname, fk->name);
        db_buf_add(&b, "FOREIGN KEY ");
        db_buf_ident_list(&b, fk->columns, fk->ncolumns);
        db_buf_add(&b, " REFERENCES ");
        db_buf_add(&b, ref ? ref : "");
        free(ref);
        if (fk->nref_columns) {
            db_buf_add(&b, " ");
            db_buf_ident_list(&b, fk->ref_columns, fk->nref_columns);
        }
        if (fk_action(st, &b, fk->on_delete, "DELETE") < 0 ||
            fk_action(st, &b, fk->on_update, "UPDATE") < 0) {
            db_buf_free(&b);
            return -1;
        }
        if (fk->deferrable)
            db_buf_add(&b, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
                                                  : " DEFERRABLE INITIALLY IMMEDIATE");
        db_buf_add(&match, "FOREIGN KEY ");
        add_ident_list(&match, fk->columns, fk->ncolumns, 0);
        snprintf(what, sizeof what, "foreign key%s%s%s", fk->name ? " \"" : "",
                 fk->name ? fk->name : "", fk->name ? "\"" : "");
        int rc = add_post(st, PHASE_FOREIGN_KEYS, &b, what, 0, 'f', fk->name, NULL, match.buf);
        db_buf_free(&match);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Keys, indexes, checks and foreign keys of t, for finish. */
static int collect_post_data(pg_target *st, const fmt_table *t)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    char what[512];
    db_buf b = {0}, match = {0};

    for (size_t k = 0; k < 1 + t->nuniques; k++) {
        const fmt_key *key = k == 0 ? t->primary_key : &t->uniques[k - 1];
        if (!key || key->ncolumns == 0)
            continue;
        add_constraint_head(&b, st->qname, key->name);
        db_buf_add(&b, k == 0 ? "PRIMARY KEY " : "UNIQUE ");
        db_buf_ident_list(&b, key->columns, key->ncolumns);
        db_buf_add(&match, "UNIQUE ");
        add_ident_list(&match, key->columns, key->ncolumns, 0);
        snprintf(what, sizeof what, k == 0 ? "primary key" : "unique constraint%s%s%s",
                 key->name ? " \"" : "", key->name ? key->name : "", key->name ? "\"" : "");
        int rc =
            add_post(st, PHASE_KEYS, &b, what, 0, k == 0 ? 'p' : 'u', key->name, NULL, match.buf);
        db_buf_free(&match);
        if (rc < 0)
            return -1;
    }
    if (collect_indexes(st, t->indexes, t->nindexes, t->partitioning != NULL, ns) < 0)
        return -1;
    for (size_t i = 0; i < t->nchecks; i++) {
        const fmt_check *c = &t->checks[i];
        if (!c->expression)
            continue;
        add_constraint_head(&b, st->qname, c->name);
        db_buf_printf(&b, "CHECK (%s)", c->expression);
        snprintf(what, sizeof what, "check constraint%s%s%s", c->name ? " \"" : "",
                 c->name ? c->name : "", c->name ? "\"" : "");
        if (add_post(st, PHASE_CHECKS, &b, what, !st->source_is_pg, 'c', c->name, NULL, NULL) < 0)
            return -1;
    }
    if (collect_foreign_keys(st, t->foreign_keys, t->nforeign_keys) < 0)
        return -1;
    /* A partition's own indexes and foreign keys, on the partition. */
    for (size_t p = 0; t->partitioning && p < t->partitioning->npartitions; p++) {
        const fmt_partition *part = &t->partitioning->partitions[p];
        if (!part->nindexes && !part->nforeign_keys)
            continue;
        char *saved_qname = st->qname, *saved_display = st->display;
        st->qname = pg_qualified(part->namespace, part->name);
        st->display =
            part->namespace ? pg_qualified(part->namespace, part->name) : strdup(part->name);
        int rc = st->qname && st->display ? 0 : set_oom(st);
        if (rc == 0)
            rc = collect_indexes(st, part->indexes, part->nindexes, 0,
                                 part->namespace ? part->namespace : DEFAULT_NAMESPACE);
        if (rc == 0)
            rc = collect_foreign_keys(st, part->foreign_keys, part->nforeign_keys);
        free(st->qname);
        free(st->display);
        st->qname = saved_qname;
        st->display = saved_display;
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int collect_sequences(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->identity == FMT_IDENTITY_NONE)
            continue;
        sequence_item *p = realloc(st->sequences, (st->nsequences + 1) * sizeof *p);
        if (!p)
            return set_oom(st);
        st->sequences = p;
        sequence_item *s = &p[st->nsequences++];
        s->qname = strdup(st->qname);
        s->display = strdup(st->display);
        s->column = strdup(c->name);
        s->has_last_value = c->has_last_value;
        s->last_value = c->last_value;
        s->exact = st->source_is_pg && c->has_last_value && !st->table_existed;
        if (!s->qname || !s->display || !s->column)
            return set_oom(st);
    }
    return 0;
}

typedef struct {
    char *sequence; /* a nextval() default's sequence */
    int create;     /* missing: created before the table */
    int owned;      /* a serial column: the sequence belongs to it */
} serial_sequence_plan;

static int create_table(pg_target *st, const fmt_table *t)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    db_buf b = {0}, type = {0};
    serial_sequence_plan *serials = calloc(t->ncolumns + 1, sizeof *serials);
    int rc = -1;

    if (!serials)
        return set_oom(st);
    if (ensure_schema(st, ns) < 0)
        goto done;
    db_buf_add(&b, "CREATE TABLE ");
    db_buf_add(&b, st->qname);
    db_buf_add(&b, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        int identity = 0, generated_here = c->generated_sql && st->source_is_pg;

        db_buf_add(&b, i ? ",\n  " : "\n  ");
        db_buf_ident(&b, c->name);
        db_buf_add(&b, " ");
        column_type(st, t, c, &type);
        if (type.oom || set_type_label(st, i, type.buf) < 0) {
            set_oom(st);
            goto done;
        }
        db_buf_add(&b, type.buf);
        st->enc[i].enc = pg_copy_encoding_for_kind(c->type.kind);
        st->enc[i].dimension = c->type.param1;
        st->enc[i].element = c->type.element;
        db_buf_free(&type);

        if (c->collation && st->source_is_pg) {
            db_buf_add(&b, " COLLATE ");
            if (strchr(c->collation, '.'))
                db_buf_add(&b, c->collation);
            else
                db_buf_ident(&b, c->collation);
        }
        switch (c->identity) {
        case FMT_IDENTITY_ALWAYS:
            db_buf_add(&b, " GENERATED ALWAYS AS IDENTITY");
            identity = 1;
            break;
        case FMT_IDENTITY_BY_DEFAULT:
            db_buf_add(&b, " GENERATED BY DEFAULT AS IDENTITY");
            identity = 1;
            break;
        case FMT_IDENTITY_ROWID:
        case FMT_IDENTITY_AUTOINCREMENT:
            /* keeps SQLite's "no value: the next number" */
            if (fmt_type_is_integer(c->type.kind)) {
                db_buf_add(&b, " GENERATED BY DEFAULT AS IDENTITY");
                identity = 1;
            } else {
                add_warning(st, "table \"%s\", column \"%s\": identity not carried: type %s",
                            st->display, c->name, c->type_text ? c->type_text : "?");
            }
            break;
        case FMT_IDENTITY_SERIAL:
            if (!st->source_is_pg || !c->default_sql) {
                db_buf_add(&b, " GENERATED BY DEFAULT AS IDENTITY");
                identity = 1;
            }
            break;
        default:
            break;
        }
        if (generated_here) {
            db_buf_printf(&b, " GENERATED ALWAYS AS (%s) STORED", c->generated_sql);
        } else if (c->generated_sql) {
            add_warning(st,
                        "table \"%s\", column \"%s\": generation expression from %s not carried, "
                        "created as a plain nullable column",
                        st->display, c->name,
                        st->source_backend ? st->source_backend : "another backend");
        } else if (c->default_sql && !identity) {
            const char *lit;
            size_t n;
            if (st->source_is_pg && strstr(c->default_sql, "nextval('")) {
                char *seq = pg_serial_sequence(c->default_sql, ns);
                if (!seq) {
                    db_buf_printf(&b, " DEFAULT %s", c->default_sql);
                } else {
                    const char *params[] = {seq};
                    int found =
                        query_value(st, "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL", 1,
                                    params, NULL);
                    if (found < 0) {
                        free(seq);
                        goto done;
                    }
                    db_buf_add(&b, " DEFAULT pg_catalog.nextval(");
                    db_buf_literal(&b, seq);
                    db_buf_add(&b, "::regclass)");
                    serials[i].sequence = seq;
                    serials[i].create = !found;
                    serials[i].owned = c->identity == FMT_IDENTITY_SERIAL;
                }
            } else if (st->source_is_pg) {
                db_buf_printf(&b, " DEFAULT %s", c->default_sql);
            } else if ((n = pg_plain_literal(c->default_sql, &lit)) > 0) {
                if (c->type.kind == FMT_TYPE_BOOLEAN && n == 1 && (*lit == '0' || *lit == '1'))
                    db_buf_add(&b, *lit == '1' ? " DEFAULT TRUE" : " DEFAULT FALSE");
                else
                    db_buf_add(&b, " DEFAULT "), db_buf_addn(&b, lit, n);
            } else {
                add_warning(st, "table \"%s\", column \"%s\": default %s not carried", st->display,
                            c->name, c->default_sql);
            }
        }
        if (!c->nullable && !(c->generated_sql && !generated_here))
            db_buf_add(&b, " NOT NULL");
    }
    db_buf_add(&b, "\n)");
    if (t->partitioning) {
        const char *s = t->partitioning->strategy ? t->partitioning->strategy : "";
        if (strcasecmp(s, "range") != 0 && strcasecmp(s, "list") != 0 &&
            strcasecmp(s, "hash") != 0) {
            set_error(st, "table \"%s\": unknown partitioning strategy \"%s\"", st->display, s);
            goto done;
        }
        db_buf_printf(&b, " PARTITION BY %s (%s)",
                      strcasecmp(s, "range") == 0  ? "RANGE"
                      : strcasecmp(s, "list") == 0 ? "LIST"
                                                   : "HASH",
                      t->partitioning->key ? t->partitioning->key : "");
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!serials[i].create)
            continue;
        db_buf seq = {0};
        /* serial makes its sequence as wide as the column; a sequence
         * that is only named in a default is a bigint one */
        fmt_type_kind k = serials[i].owned ? t->columns[i].type.kind : FMT_TYPE_INT64;
        db_buf_printf(&seq, "CREATE SEQUENCE %s%s", serials[i].sequence,
                      k == FMT_TYPE_INT16   ? " AS smallint"
                      : k == FMT_TYPE_INT32 ? " AS integer"
                                            : "");
        if (run_buf(st, &seq) < 0) {
            set_error(st, "table \"%s\", column \"%s\": cannot create its sequence: %s",
                      st->display, t->columns[i].name, st->err);
            goto done;
        }
    }
    if (b.oom) {
        set_oom(st);
        goto done;
    }
    if (run(st, b.buf, 0, NULL, NULL) < 0) {
        set_error(st, "table \"%s\": cannot create it: %s", st->display, st->err);
        goto done;
    }
    for (size_t i = 0; t->partitioning && i < t->partitioning->npartitions; i++) {
        const fmt_partition *p = &t->partitioning->partitions[i];
        char *pq = pg_qualified(p->namespace ? p->namespace : ns, p->name);
        db_buf part = {0};
        if (!p->name || !pq) {
            free(pq);
            set_error(st, "table \"%s\": a partition without a name", st->display);
            goto done;
        }
        if (ensure_schema(st, p->namespace ? p->namespace : ns) < 0) {
            free(pq);
            goto done;
        }
        db_buf_printf(&part, "CREATE TABLE %s PARTITION OF %s %s", pq, st->qname,
                      p->bound ? p->bound : "DEFAULT");
        free(pq);
        if (run_buf(st, &part) < 0) {
            set_error(st, "table \"%s\": cannot create partition \"%s\": %s", st->display, p->name,
                      st->err);
            goto done;
        }
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!serials[i].create || !serials[i].owned)
            continue;
        db_buf own = {0};
        db_buf_printf(&own, "ALTER SEQUENCE %s OWNED BY %s.", serials[i].sequence, st->qname);
        db_buf_ident(&own, t->columns[i].name);
        if (run_buf(st, &own) < 0) {
            set_error(st, "table \"%s\", column \"%s\": %s", st->display, t->columns[i].name,
                      st->err);
            goto done;
        }
    }
    rc = 0;
done:
    for (size_t i = 0; i < t->ncolumns; i++)
        free(serials[i].sequence);
    free(serials);
    db_buf_free(&b);
    db_buf_free(&type);
    return rc;
}

/* Encodings of a table that is not created (a dry run): from the file. */
static int encodings_from_file(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        db_buf type = {0};
        column_type(st, t, c, &type);
        if (type.oom || set_type_label(st, i, type.buf) < 0) {
            db_buf_free(&type);
            return set_oom(st);
        }
        db_buf_free(&type);
        st->enc[i].enc = pg_copy_encoding_for_kind(c->type.kind);
        st->enc[i].dimension = c->type.param1;
        st->enc[i].element = c->type.element;
    }
    return 0;
}

/* ---- existing tables ---------------------------------------------------- */

static void strip_quotes(char *s)
{
    char *w = s;
    for (; *s; s++)
        if (*s != '"')
            *w++ = *s;
    *w = '\0';
}

static int same_type_text(const char *a, const char *b)
{
    char *x = strdup(a), *y = strdup(b);
    int same = 0;
    if (x && y) {
        strip_quotes(x);
        strip_quotes(y);
        const char *px = strncmp(x, "public.", 7) == 0 ? x + 7 : x;
        const char *py = strncmp(y, "public.", 7) == 0 ? y + 7 : y;
        same = strcasecmp(px, py) == 0;
    }
    free(x);
    free(y);
    return same;
}

enum {
    TC_NAME,
    TC_FORMAT,
    TC_TYPNAME,
    TC_TYPMOD,
    TC_CATEGORY,
    TC_NOTNULL,
    TC_HASDEFAULT,
    TC_GENERATED
};

/* Can values of file column c go to the target column (row r of res)?
 * Returns 0, or -1 with the message set. */
static int check_column_type(pg_target *st, const fmt_column *c, PGresult *res, int r)
{
    const char *format = PQgetvalue(res, r, TC_FORMAT);
    const char *typname = PQgetvalue(res, r, TC_TYPNAME);
    int typmod = atoi(PQgetvalue(res, r, TC_TYPMOD));
    char category = PQgetvalue(res, r, TC_CATEGORY)[0];
    fmt_type_kind k = c->type.kind;
    int ok = 1;

    if (st->source_is_pg && c->native_type && same_type_text(c->native_type, format))
        return 0;
    if (k == FMT_TYPE_VECTOR || k == FMT_TYPE_HALFVEC || k == FMT_TYPE_SPARSEVEC) {
        const char *want = k == FMT_TYPE_VECTOR    ? "vector"
                           : k == FMT_TYPE_HALFVEC ? "halfvec"
                                                   : "sparsevec";
        if (strcmp(typname, want) != 0 ||
            (c->type.param1 >= 0 && typmod >= 0 && typmod != c->type.param1)) {
            char have[96];
            if (typmod >= 0 && (strcmp(typname, "vector") == 0 || strcmp(typname, "halfvec") == 0 ||
                                strcmp(typname, "sparsevec") == 0))
                snprintf(have, sizeof have, "%s(%d)", typname, typmod);
            else
                snprintf(have, sizeof have, "%s", format);
            return set_error(st, "table \"%s\", column \"%s\": the file has %s, the target has %s",
                             st->display, c->name, c->type_text ? c->type_text : want, have);
        }
        return 0;
    }
    if (k == FMT_TYPE_BYTES)
        ok = strcmp(typname, "bytea") == 0;
    else if (k == FMT_TYPE_ARRAY)
        ok = category == 'A';
    else if (k == FMT_TYPE_BOOLEAN)
        ok = category == 'B' || category == 'N' || category == 'S';
    else if (pg_type_is_number(k))
        ok = category == 'N' || category == 'S';
    else if (k == FMT_TYPE_JSON || k == FMT_TYPE_JSONB)
        ok = strcmp(typname, "json") == 0 || strcmp(typname, "jsonb") == 0 || category == 'S';
    if (!ok)
        return set_error(st,
                         "table \"%s\", column \"%s\": type %s in the file does not fit the "
                         "target's type %s",
                         st->display, c->name, c->type_text ? c->type_text : "?", format);
    return 0;
}

static int check_existing(pg_target *st, const fmt_table *t, const char *oid, char ***notnull_cols,
                          size_t *nnotnull)
{
    PGresult *res = NULL;
    const char *params[] = {oid};
    unsigned char *used = NULL;
    int rc = -1, n;

    if (run(st,
            "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
            " coalesce(bt.typname, t.typname), a.atttypmod,"
            " coalesce(bt.typcategory, t.typcategory), a.attnotnull,"
            " a.atthasdef OR a.attidentity <> '', a.attgenerated <> ''"
            " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            " LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype"
            " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped"
            " ORDER BY a.attnum",
            1, params, &res) < 0)
        goto done;
    n = PQntuples(res);
    used = calloc((size_t)n + 1, 1);
    if (!used) {
        set_oom(st);
        goto done;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        int r;
        for (r = 0; r < n; r++)
            if (strcmp(PQgetvalue(res, r, TC_NAME), c->name) == 0)
                break;
        if (r == n) {
            set_error(st, "table \"%s\": column \"%s\" does not exist in the target", st->display,
                      c->name);
            goto done;
        }
        used[r] = 1;
        if (check_column_type(st, c, res, r) < 0)
            goto done;
        const char *typname = PQgetvalue(res, r, TC_TYPNAME);
        st->enc[i].enc = pg_copy_encoding_for_type(typname, PQgetvalue(res, r, TC_CATEGORY)[0]);
        st->enc[i].dimension = atoi(PQgetvalue(res, r, TC_TYPMOD));
        st->enc[i].element = c->type.kind == FMT_TYPE_ARRAY ? c->type.element : FMT_TYPE_TEXT;
        if (set_type_label(st, i, PQgetvalue(res, r, TC_FORMAT)) < 0)
            goto done;
        st->loadable[i] = PQgetvalue(res, r, TC_GENERATED)[0] != 't';
        if (!st->loadable[i] && !c->generated_sql)
            add_warning(st,
                        "table \"%s\", column \"%s\": generated in the target, the file's values "
                        "are not loaded",
                        st->display, c->name);
    }
    for (int r = 0; r < n; r++) {
        if (PQgetvalue(res, r, TC_NOTNULL)[0] == 't' &&
            fmt_strings_push_copy(notnull_cols, nnotnull, PQgetvalue(res, r, TC_NAME)) < 0) {
            set_oom(st);
            goto done;
        }
        if (used[r] || PQgetvalue(res, r, TC_NOTNULL)[0] != 't' ||
            PQgetvalue(res, r, TC_HASDEFAULT)[0] == 't' ||
            PQgetvalue(res, r, TC_GENERATED)[0] == 't')
            continue;
        set_error(st,
                  "table \"%s\": column \"%s\" of the target is NOT NULL without a default and the "
                  "file has no values for it",
                  st->display, PQgetvalue(res, r, TC_NAME));
        goto done;
    }
    rc = 0;
done:
    free(used);
    PQclear(res);
    return rc;
}

/* The conflict target for --on-conflict=update: the primary key, else the
 * first unique index on plain columns without a predicate. */
static int conflict_key_from_target(pg_target *st, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    if (run(st,
            "SELECT i.indexrelid, a.attname FROM pg_catalog.pg_index i"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
            " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            " WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid"
            " AND i.indpred IS NULL AND i.indexprs IS NULL"
            " ORDER BY i.indisprimary DESC, i.indexrelid, k.ord",
            1, params, &res) < 0)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        if (strcmp(PQgetvalue(res, r, 0), PQgetvalue(res, 0, 0)) != 0)
            break;
        if (fmt_strings_push_copy(&st->conflict_key, &st->nconflict_key, PQgetvalue(res, r, 1)) <
            0) {
            PQclear(res);
            return set_oom(st);
        }
    }
    PQclear(res);
    return 0;
}

/* ---- per-table state ---------------------------------------------------- */

static void abort_copy(pg_target *st)
{
    if (!st->copy_active)
        return;
    st->copy_active = 0;
    if (st->conn && PQstatus(st->conn) == CONNECTION_OK) {
        PGresult *res;
        PQputCopyEnd(st->conn, "import aborted");
        while ((res = PQgetResult(st->conn)) != NULL)
            PQclear(res);
    }
}

static void table_reset(pg_target *st)
{
    abort_copy(st);
    free(st->display);
    free(st->qname);
    free(st->staging);
    fmt_strings_free(st->columns, st->ncolumns);
    fmt_strings_free(st->type_labels, st->ncolumns);
    fmt_strings_free(st->conflict_key, st->nconflict_key);
    free(st->enc);
    free(st->loadable);
    free(st->mask);
    free(st->copy_mask);
    free(st->staged_mask);
    db_buf_free(&st->out);
    db_buf_free(&st->line);
    db_buf_free(&st->batch);
    free(st->batch_rows);
    st->batch_rows = NULL;
    st->nbatch = st->capbatch = 0;
    free(st->invalid_example);
    st->invalid_example = NULL;
    st->display = st->qname = st->staging = NULL;
    st->columns = st->type_labels = st->conflict_key = NULL;
    st->enc = NULL;
    st->loadable = st->mask = st->copy_mask = st->staged_mask = NULL;
    st->ncolumns = st->nconflict_key = 0;
    st->copy_rows = st->copy_first_row = st->staged_rows = 0;
    st->table_open = st->table_existed = 0;
    memset(&st->stats, 0, sizeof st->stats);
}

/* ---- the ops ------------------------------------------------------------ */

static int target_open(void **state, const char *locator, const db_target_options *opts)
{
    pg_target *st = calloc(1, sizeof *st);
    *state = st;
    if (!st)
        return -1;
    if (opts) {
        st->opts = *opts;
    } else {
        st->opts.on_conflict = DB_ON_CONFLICT_ERROR;
        st->opts.single_transaction = 1;
    }
    if (!locator || !*locator)
        return set_error(st, "no PostgreSQL connection string given");
    st->masked = cli_locator_mask(locator);
    if (!st->masked)
        return set_oom(st);
    /* Keywords after dbname override what the string itself says. */
    const char *keys[] = {"dbname", "application_name", "client_encoding", NULL};
    const char *values[] = {locator, "dbimport", "UTF8", NULL};
    st->conn = PQconnectdbParams(keys, values, 1);
    if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
        char *m = connection_message(st->conn);
        set_error(st, "cannot connect to \"%s\": %s", st->masked, m ? m : "out of memory");
        free(m);
        return -1;
    }
    PQsetNoticeProcessor(st->conn, ignore_notice, NULL);
    return 0;
}

static int target_begin(void *state, const fmt_header *h)
{
    pg_target *st = state;
    st->header = h;
    free(st->source_backend);
    st->source_backend = h && h->source_backend ? strdup(h->source_backend) : NULL;
    if (h && h->source_backend && !st->source_backend)
        return set_oom(st);
    st->source_is_pg = st->source_backend && strcmp(st->source_backend, "postgresql") == 0;

    if (run(st, st->opts.dry_run ? "BEGIN READ ONLY" : "BEGIN", 0, NULL, NULL) < 0)
        return set_error(st, "cannot start a transaction on \"%s\": %s", st->masked, st->err);
    st->in_transaction = 1;
    static const char *const settings[] = {
        "SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL TimeZone = 'UTC'", "SET LOCAL bytea_output = 'hex'",
        "SET LOCAL search_path = ''"};
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
        if (run(st, settings[i], 0, NULL, NULL) < 0)
            return set_error(st, "cannot configure the session: %s", st->err);
    if (!st->opts.dry_run &&
        run(st, "SELECT pg_catalog.pg_advisory_xact_lock(" ADVISORY_LOCK_KEY ")", 0, NULL, NULL) <
            0)
        return set_error(st, "cannot take the import lock: %s", st->err);
    if (prepare_extensions(st, h) < 0 || prepare_user_types(st, h) < 0)
        return -1;
    return st->oom ? set_oom(st) : 0;
}

static int start_staging(pg_target *st, char *const *notnull_cols, size_t nnotnull)
{
    char name[64];
    db_buf b = {0};
    snprintf(name, sizeof name, "dbimport_staging_%u", ++st->staging_seq);
    st->staging = pg_qualified("pg_temp", name);
    if (!st->staging)
        return set_oom(st);
    db_buf_printf(&b, "CREATE TEMP TABLE \"%s\" (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP", name,
                  st->qname);
    if (run_buf(st, &b) < 0)
        return set_error(st, "table \"%s\": cannot create a staging table: %s", st->display,
                         st->err);
    /* Rows may leave out columns the target fills itself (identity). */
    if (nnotnull) {
        db_buf_printf(&b, "ALTER TABLE %s", st->staging);
        for (size_t i = 0; i < nnotnull; i++) {
            db_buf_add(&b, i ? ", ALTER COLUMN " : " ALTER COLUMN ");
            db_buf_ident(&b, notnull_cols[i]);
            db_buf_add(&b, " DROP NOT NULL");
        }
        if (run_buf(st, &b) < 0)
            return set_error(st, "table \"%s\": cannot prepare the staging table: %s", st->display,
                             st->err);
    }
    db_buf_free(&b);
    return 0;
}

static int record_loaded_table(pg_target *st)
{
    loaded_table *p = realloc(st->tables, (st->ntables + 1) * sizeof *p);
    if (!p)
        return set_oom(st);
    st->tables = p;
    p[st->ntables].qname = strdup(st->qname);
    p[st->ntables].display = strdup(st->display);
    st->ntables++;
    if (!p[st->ntables - 1].qname || !p[st->ntables - 1].display)
        return set_oom(st);
    return 0;
}

static const char *relkind_name(char k)
{
    switch (k) {
    case 'v':
        return "view";
    case 'm':
        return "materialized view";
    case 'i':
    case 'I':
        return "index";
    case 'S':
        return "sequence";
    case 'f':
        return "foreign table";
    case 'c':
        return "composite type";
    default:
        return "relation";
    }
}

static int target_table_begin(void *state, const fmt_table *t)
{
    pg_target *st = state;
    PGresult *res = NULL;
    char *oid = NULL, **notnull_cols = NULL;
    size_t nnotnull = 0;
    int rc = -1;

    table_reset(st);
    free(st->error_column);
    st->error_column = NULL;
    if (!t || !t->name)
        return set_error(st, "a table without a name");
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    st->display = fmt_table_key(t);
    st->qname = pg_qualified(ns, t->name);
    st->ncolumns = t->ncolumns;
    st->columns = calloc(t->ncolumns + 1, sizeof *st->columns);
    st->type_labels = calloc(t->ncolumns + 1, sizeof *st->type_labels);
    st->enc = calloc(t->ncolumns + 1, sizeof *st->enc);
    st->loadable = calloc(t->ncolumns + 1, 1);
    st->mask = calloc(t->ncolumns + 1, 1);
    st->copy_mask = calloc(t->ncolumns + 1, 1);
    st->staged_mask = calloc(t->ncolumns + 1, 1);
    if (!st->display || !st->qname || !st->columns || !st->type_labels || !st->enc ||
        !st->loadable || !st->mask || !st->copy_mask || !st->staged_mask)
        return set_oom(st);
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].name)
            return set_error(st, "table \"%s\": column %zu has no name", st->display, i + 1);
        if (!(st->columns[i] = strdup(t->columns[i].name)))
            return set_oom(st);
        st->loadable[i] = 1;
        st->enc[i].type_label = "?";
        st->enc[i].dimension = -1;
    }

    const char *params[] = {ns, t->name};
    if (run(st,
            "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
            2, params, &res) < 0)
        goto done;
    if (PQntuples(res) > 0) {
        char kind = PQgetvalue(res, 0, 1)[0];
        if (kind != 'r' && kind != 'p') {
            set_error(st, "table \"%s\": the target has a %s of that name", st->display,
                      relkind_name(kind));
            goto done;
        }
        if (!(oid = strdup(PQgetvalue(res, 0, 0)))) {
            set_oom(st);
            goto done;
        }
        st->table_existed = 1;
    }
    PQclear(res);
    res = NULL;

    if (st->table_existed && st->opts.require_empty) {
        db_buf b = {0};
        db_buf_printf(&b, "SELECT 1 FROM %s LIMIT 1", st->qname);
        int found = b.oom ? set_oom(st) : query_value(st, b.buf, 0, NULL, NULL);
        db_buf_free(&b);
        if (found < 0)
            goto done;
        if (found) {
            set_error(st,
                      "table \"%s\" already exists in the target and holds rows "
                      "(--require-empty)",
                      st->display);
            goto done;
        }
    }
    if (!st->table_existed) {
        if (st->opts.data_only) {
            set_error(st, "table \"%s\" does not exist in the target (data only)", st->display);
            goto done;
        }
        if (ensure_vector_for(st, t) < 0)
            goto done;
        if (st->opts.dry_run ? encodings_from_file(st, t) < 0 : create_table(st, t) < 0)
            goto done;
        for (size_t i = 0; i < t->ncolumns; i++)
            st->loadable[i] = !(t->columns[i].generated_sql && st->source_is_pg);
        st->stats.created = 1;
    } else {
        if (check_existing(st, t, oid, &notnull_cols, &nnotnull) < 0)
            goto done;
        if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
            if (conflict_key_from_target(st, oid) < 0)
                goto done;
            if (st->nconflict_key == 0) {
                set_error(st,
                          "table \"%s\": --on-conflict=update needs a primary key or unique "
                          "constraint",
                          st->display);
                goto done;
            }
        }
        if (st->opts.on_conflict != DB_ON_CONFLICT_ERROR && !st->opts.dry_run &&
            !st->opts.schema_only && start_staging(st, notnull_cols, nnotnull) < 0)
            goto done;
    }
    if (!st->opts.data_only && collect_post_data(st, t) < 0)
        goto done;
    if (collect_sequences(st, t) < 0 || record_loaded_table(st) < 0)
        goto done;
    if (st->oom) {
        set_oom(st);
        goto done;
    }
    st->table_open = 1;
    rc = 0;
done:
    PQclear(res);
    free(oid);
    fmt_strings_free(notnull_cols, nnotnull);
    return rc;
}

/* ---- COPY --------------------------------------------------------------- */

static int lost_during_copy(pg_target *st, const char *why)
{
    return set_error(st, "connection to the server was lost during COPY into \"%s\": %s",
                     st->display, why);
}

static int flush_copy(pg_target *st)
{
    if (st->out.oom)
        return set_oom(st);
    if (st->out.len == 0)
        return 0;
    if (PQputCopyData(st->conn, st->out.buf, (int)st->out.len) != 1) {
        char *m = connection_message(st->conn);
        lost_during_copy(st, m ? m : "out of memory");
        free(m);
        st->copy_active = 0;
        return -1;
    }
    st->out.len = 0;
    return 0;
}

static int start_copy(pg_target *st)
{
    db_buf b = {0};
    size_t n = 0;
    if (st->opts.on_invalid != DB_ON_INVALID_ERROR &&
        run(st, "SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0)
        return set_error(st, "table \"%s\": %s", st->display, st->err);
    db_buf_printf(&b, "COPY %s (", st->staging ? st->staging : st->qname);
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->mask[i])
            continue;
        db_buf_add(&b, n++ ? ", " : "");
        db_buf_ident(&b, st->columns[i]);
    }
    db_buf_add(&b, ") FROM STDIN");
    if (b.oom) {
        db_buf_free(&b);
        return set_oom(st);
    }
    PGresult *res = PQexec(st->conn, b.buf);
    db_buf_free(&b);
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        record_failure(st, res);
        PQclear(res);
        if (connection_lost(st))
            return lost_during_copy(st, st->err ? st->err : "no message");
        return set_error(st, "table \"%s\": cannot start COPY: %s", st->display, st->err);
    }
    PQclear(res);
    memcpy(st->copy_mask, st->mask, st->ncolumns);
    st->copy_active = 1;
    st->copy_rows = 0;
    st->copy_first_row = st->stats.rows_read - 1; /* rows before this COPY */
    return 0;
}

/* "COPY t, line 3, column c: ..." -> row 3 of this COPY, column c. */
static void blame_from_context(pg_target *st, const char *context, uint64_t *line)
{
    const char *p = context ? strstr(context, ", line ") : NULL;
    *line = 0;
    if (!p)
        return;
    *line = strtoull(p + 7, NULL, 10);
    const char *col = strstr(p, ", column ");
    if (!col)
        return;
    col += 9;
    const char *best = NULL;
    size_t bestlen = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        size_t n = strlen(st->columns[i]);
        if (strncmp(col, st->columns[i], n) == 0 && (col[n] == ':' || col[n] == '\0') &&
            n >= bestlen)
            best = st->columns[i], bestlen = n;
    }
    if (best) {
        free(st->error_column);
        st->error_column = strdup(best);
    }
}

/* Ends the COPY; on a rejected row sets *bad_line (1-based in the COPY). */
static int end_copy_once(pg_target *st, uint64_t *bad_line, int *data_error)
{
    PGresult *res;
    int rc = 0;
    *bad_line = 0;
    *data_error = 0;
    if (!st->copy_active)
        return 0;
    if (flush_copy(st) < 0)
        return -1;
    st->copy_active = 0;
    if (PQputCopyEnd(st->conn, NULL) != 1) {
        char *m = connection_message(st->conn);
        lost_during_copy(st, m ? m : "out of memory");
        free(m);
        return -1;
    }
    while ((res = PQgetResult(st->conn)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            uint64_t line;
            record_failure(st, res);
            if (connection_lost(st)) {
                lost_during_copy(st, st->err ? st->err : "no message");
            } else {
                blame_from_context(st, PQresultErrorField(res, PG_DIAG_CONTEXT), &line);
                /* With the row known, the driver adds the table, the row,
                 * the column and the row's place in the file. */
                *bad_line = line;
                *data_error = strncmp(st->sqlstate, "22", 2) == 0; /* a data exception */
                if (line)
                    st->error_row =
                        line <= st->nbatch ? st->batch_rows[line - 1] : st->copy_first_row + line;
                else
                    set_error(st, "table \"%s\": %s", st->display, st->err);
            }
            rc = -1;
        }
        PQclear(res);
        if (PQstatus(st->conn) == CONNECTION_BAD)
            break;
    }
    if (rc == 0 && PQstatus(st->conn) == CONNECTION_BAD) {
        char *m = connection_message(st->conn);
        lost_during_copy(st, m ? m : "out of memory");
        free(m);
        return -1;
    }
    if (rc == 0) {
        if (st->staging)
            st->staged_rows += st->copy_rows;
        else
            st->stats.rows_written += st->copy_rows;
    }
    return rc;
}

/* Counts what --on-invalid did, keeping the first case for the summary. */
static int note_invalid(pg_target *st, uint64_t row, const char *column, const char *why)
{
    st->stats.invalid++;
    if (!st->invalid_example) {
        db_buf b = {0};
        db_buf_printf(&b, "row %llu, column \"%s\": %s", (unsigned long long)row,
                      column ? column : "?", why ? why : "");
        if (b.oom)
            return set_oom(st);
        st->invalid_example = b.buf;
    }
    return 0;
}

/* --on-invalid: applies the policy to line n (1-based) of the batch: the
 * row left out, or the column's field replaced by \N. 0, or -1 when it
 * cannot (the column is unknown). */
static int apply_policy(pg_target *st, uint64_t n, const char *column)
{
    char *start = st->batch.buf, *end = st->batch.buf + st->batch.len;
    for (uint64_t k = 1; k < n && start < end; k++)
        start = memchr(start, '\n', (size_t)(end - start)) + 1;
    char *nl = memchr(start, '\n', (size_t)(end - start));
    if (!nl)
        return -1;
    if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW) {
        memmove(start, nl + 1, (size_t)(end - nl - 1));
        st->batch.len -= (size_t)(nl + 1 - start);
        memmove(&st->batch_rows[n - 1], &st->batch_rows[n],
                (st->nbatch - n) * sizeof *st->batch_rows);
        st->nbatch--;
        return 0;
    }
    /* the field of that column: its place among the COPY's columns */
    size_t field = 0, i;
    for (i = 0; i < st->ncolumns; i++) {
        if (!st->copy_mask[i])
            continue;
        if (column && strcmp(st->columns[i], column) == 0)
            break;
        field++;
    }
    if (i == st->ncolumns)
        return -1;
    char *f = start;
    for (size_t k = 0; k < field; k++)
        f = memchr(f, '\t', (size_t)(nl - f)) + 1;
    char *fend = memchr(f, '\t', (size_t)(nl - f));
    if (!fend)
        fend = nl;
    size_t old = (size_t)(fend - f);
    if (old < 2) {
        db_buf_addn(&st->batch, "  ", 2 - old); /* room for the longer \N */
        if (st->batch.oom)
            return set_oom(st);
        return apply_policy(st, n, column); /* the buffer may have moved */
    }
    memmove(f + 2, fend, (size_t)(st->batch.buf + st->batch.len - fend));
    memcpy(f, "\\N", 2);
    st->batch.len -= old - 2;
    return 0;
}

/* Ends the COPY. Under --on-invalid, a row the server rejects for its data
 * is handled by the policy and the batch is sent again from its savepoint,
 * until the server takes it. */
static int end_copy(pg_target *st)
{
    for (;;) {
        uint64_t line;
        int data_error;
        if (end_copy_once(st, &line, &data_error) == 0) {
            st->batch.len = 0; /* the next COPY starts a new batch */
            st->nbatch = 0;
            if (st->opts.on_invalid != DB_ON_INVALID_ERROR && st->in_transaction &&
                run(st, "RELEASE SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0)
                return -1;
            return 0;
        }
        if (st->opts.on_invalid == DB_ON_INVALID_ERROR || !data_error || !line ||
            line > st->nbatch || connection_lost(st))
            return -1;
        char *why = st->err;
        st->err = NULL;
        uint64_t row = st->batch_rows[line - 1];
        if (run(st, "ROLLBACK TO SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0 ||
            note_invalid(st, row, st->error_column, why) < 0 ||
            apply_policy(st, line, st->error_column) < 0) {
            free(st->err);
            st->err = why;
            return -1;
        }
        free(why);
        free(st->error_column);
        st->error_column = NULL;
        st->error_row = 0;
        /* the same columns again (st->mask may hold the next row's), then
         * the batch as it now is */
        unsigned char *next_mask = st->mask;
        st->mask = st->copy_mask;
        int started = start_copy(st);
        st->mask = next_mask;
        if (started < 0)
            return -1;
        st->out.len = 0;
        db_buf_addn(&st->out, st->batch.buf, st->batch.len);
        st->copy_rows = st->nbatch;
        if (flush_copy(st) < 0)
            return -1;
    }
}

/* A row whose every column takes its default: COPY cannot say that. */
static int insert_default_row(pg_target *st)
{
    db_buf b = {0};
    db_buf_printf(&b, "INSERT INTO %s DEFAULT VALUES", st->staging ? st->staging : st->qname);
    if (run_buf(st, &b) < 0)
        return set_error(st, "table \"%s\", row %llu: %s", st->display,
                         (unsigned long long)st->stats.rows_read, st->err);
    if (st->staging)
        st->staged_rows++;
    else
        st->stats.rows_written++;
    return 0;
}

static int target_row(void *state, const fmt_value *values, const unsigned char *present)
{
    pg_target *st = state;
    char err[256];
    size_t n = 0;

    free(st->error_column);
    st->error_column = NULL;
    st->error_row = 0;
    if (!st->table_open)
        return set_error(st, "row outside a table");
    st->stats.rows_read++;
    st->line.len = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        st->mask[i] = (present ? present[i] != 0 : 1) && st->loadable[i];
        if (!st->mask[i])
            continue;
        st->staged_mask[i] = 1;
        if (n++)
            db_buf_add(&st->line, "\t");
        size_t field_start = st->line.len;
        if (pg_copy_value(&st->line, &values[i], &st->enc[i], err, sizeof err) < 0) {
            if (st->opts.on_invalid == DB_ON_INVALID_ERROR) {
                if (!(st->error_column = strdup(st->columns[i])))
                    return set_oom(st);
                return set_error(st, "%s", err);
            }
            if (note_invalid(st, st->stats.rows_read, st->columns[i], err) < 0)
                return -1;
            if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW)
                return 0;
            st->line.len = field_start; /* --on-invalid=null */
            db_buf_add(&st->line, "\\N");
        }
    }
    db_buf_add(&st->line, "\n");
    if (st->line.oom)
        return set_oom(st);
    if (st->opts.dry_run)
        return 0;
    if (n == 0) {
        if (end_copy(st) < 0)
            return -1;
        return insert_default_row(st);
    }
    if (st->copy_active && memcmp(st->copy_mask, st->mask, st->ncolumns) != 0 && end_copy(st) < 0)
        return -1;
    /* A COPY a batch long: the server's verdict on a row comes at most
     * COPY_BATCH_ROWS rows later, while the driver still knows where it
     * stood in the file. */
    if (st->copy_active && st->copy_rows >= COPY_BATCH_ROWS && end_copy(st) < 0)
        return -1;
    if (!st->copy_active && start_copy(st) < 0)
        return -1;
    db_buf_addn(&st->out, st->line.buf, st->line.len);
    st->copy_rows++;
    if (st->opts.on_invalid != DB_ON_INVALID_ERROR) {
        /* kept, to be sent again if the server rejects one of the batch */
        if (st->nbatch == st->capbatch) {
            size_t cap = st->capbatch ? st->capbatch * 2 : 256;
            uint64_t *grown = realloc(st->batch_rows, cap * sizeof *grown);
            if (!grown)
                return set_oom(st);
            st->batch_rows = grown;
            st->capbatch = cap;
        }
        st->batch_rows[st->nbatch++] = st->stats.rows_read;
        db_buf_addn(&st->batch, st->line.buf, st->line.len);
        if (st->batch.oom)
            return set_oom(st);
    }
    if (st->out.len >= COPY_CHUNK)
        return flush_copy(st);
    return st->out.oom ? set_oom(st) : 0;
}

/* Moves the staged rows into the target: ON CONFLICT decides per row. */
static int merge_staging(pg_target *st)
{
    db_buf b = {0}, cols = {0};
    size_t n = 0, nupdate = 0;
    PGresult *res;

    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->staged_mask[i])
            continue;
        db_buf_add(&cols, n++ ? ", " : "");
        db_buf_ident(&cols, st->columns[i]);
    }
    if (n == 0 || st->staged_rows == 0) {
        db_buf_free(&cols);
        return 0;
    }
    db_buf_printf(&b, "INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s ON CONFLICT",
                  st->qname, cols.buf ? cols.buf : "", cols.buf ? cols.buf : "", st->staging);
    if (st->opts.on_conflict == DB_ON_CONFLICT_UPDATE) {
        db_buf_add(&b, " ");
        db_buf_ident_list(&b, st->conflict_key, st->nconflict_key);
        for (size_t i = 0; i < st->ncolumns; i++) {
            int key = 0;
            if (!st->staged_mask[i])
                continue;
            for (size_t k = 0; k < st->nconflict_key; k++)
                key |= strcmp(st->conflict_key[k], st->columns[i]) == 0;
            if (key)
                continue;
            db_buf_add(&b, nupdate++ ? ", " : " DO UPDATE SET ");
            db_buf_ident(&b, st->columns[i]);
            db_buf_add(&b, " = EXCLUDED.");
            db_buf_ident(&b, st->columns[i]);
        }
    }
    if (nupdate == 0)
        db_buf_add(&b, " DO NOTHING");
    db_buf_free(&cols);
    if (b.oom) {
        db_buf_free(&b);
        return set_oom(st);
    }
    int rc = run(st, b.buf, 0, NULL, &res);
    db_buf_free(&b);
    if (rc < 0)
        return set_error(st, "table \"%s\": %s%s%s", st->display, st->err, st->detail ? ": " : "",
                         st->detail ? st->detail : "");
    uint64_t done = strtoull(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    st->stats.rows_written += done;
    st->stats.rows_skipped += st->staged_rows > done ? st->staged_rows - done : 0;
    db_buf_printf(&b, "DROP TABLE %s", st->staging);
    return run_buf(st, &b);
}

static int target_table_end(void *state, db_table_stats *stats)
{
    pg_target *st = state;
    int rc = 0;
    if (st->table_open && !st->opts.dry_run) {
        if (end_copy(st) < 0 || (st->staging && merge_staging(st) < 0))
            rc = -1;
    }
    if (stats)
        *stats = st->stats;
    if (rc == 0 && st->stats.invalid && st->opts.on_invalid == DB_ON_INVALID_NULL)
        add_warning(st,
                    "table \"%s\": %llu value%s the target cannot hold set to NULL "
                    "(--on-invalid=null); the first: %s",
                    st->display, (unsigned long long)st->stats.invalid,
                    st->stats.invalid == 1 ? "" : "s",
                    st->invalid_example ? st->invalid_example : "?");
    else if (rc == 0 && st->stats.invalid)
        add_warning(st,
                    "table \"%s\": %llu row%s with a value the target cannot hold left out "
                    "(--on-invalid=skip-row); the first: %s",
                    st->display, (unsigned long long)st->stats.invalid,
                    st->stats.invalid == 1 ? "" : "s",
                    st->invalid_example ? st->invalid_example : "?");
    if (rc == 0)
        table_reset(st);
    else
        st->table_open = 0;
    return rc;
}

/* ---- after the data ----------------------------------------------------- */

static int post_item_exists(pg_target *st, const post_item *it)
{
    char type[2] = {it->contype, '\0'};
    if (it->contype == 'i') {
        if (!it->index_qname)
            return 0;
        const char *params[] = {it->index_qname};
        return query_value(st, "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL", 1, params,
                           NULL);
    }
    if (it->contype == 'p') {
        const char *params[] = {it->qname};
        return query_value(st,
                           "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
                           " AND contype = 'p'",
                           1, params, NULL);
    }
    if (it->name) {
        const char *params[] = {it->qname, it->name};
        return query_value(st,
                           "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
                           " AND conname = $2",
                           2, params, NULL);
    }
    if (!it->match)
        return 1; /* an unnamed check on a table the target had: it keeps its own */
    const char *params[] = {it->qname, type, it->match};
    return query_value(st,
                       "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
                       " AND contype = $2 AND starts_with(replace("
                       "pg_catalog.pg_get_constraintdef(oid), '\"', ''), $3)",
                       3, params, NULL);
}

static int post_failure(pg_target *st, const post_item *it)
{
    const char *detail = st->detail ? st->detail : st->err;
    if (strcmp(st->sqlstate, "23505") == 0)
        return set_error(st, "table \"%s\": duplicate key: %s", it->display, detail);
    if (strcmp(st->sqlstate, "23503") == 0)
        return set_error(st, "table \"%s\": foreign key violation: %s", it->display, detail);
    return set_error(st, "table \"%s\": %s: %s", it->display, it->what, st->err);
}

static int run_post_data(pg_target *st)
{
    for (int phase = 0; phase < PHASE_COUNT; phase++) {
        for (size_t i = 0; i < st->npost; i++) {
            const post_item *it = &st->post[i];
            if ((int)it->phase != phase)
                continue;
            if (it->table_existed) {
                int found = post_item_exists(st, it);
                if (found < 0)
                    return -1;
                if (found)
                    continue;
            }
            if (!it->best_effort) {
                if (run(st, it->sql, 0, NULL, NULL) < 0)
                    return post_failure(st, it);
                continue;
            }
            int rc = run_try(st, it->sql);
            if (rc < 0)
                return -1;
            if (rc == 1 && strncmp(st->sqlstate, "23", 2) == 0)
                return post_failure(st, it);
            if (rc == 1)
                add_warning(st, "table \"%s\": %s from %s not created: %s", it->display, it->what,
                            st->source_backend ? st->source_backend : "another backend",
                            st->err ? st->err : "");
        }
    }
    return 0;
}

/* Identity and serial sequences continue after the highest value loaded,
 * or the source's last value when that is higher (AUTOINCREMENT never
 * reuses a number), never lowering what the target had. */
static int set_sequences(pg_target *st)
{
    for (size_t i = 0; i < st->nsequences; i++) {
        const sequence_item *s = &st->sequences[i];
        char last[24];
        db_buf b = {0};
        snprintf(last, sizeof last, "%lld", (long long)s->last_value);
        const char *params[] = {s->qname, s->column, s->has_last_value ? last : NULL};
        db_buf_add(&b, "SELECT pg_catalog.setval(q.s, m.v, true) FROM"
                       " (SELECT pg_catalog.pg_get_serial_sequence($1, $2) AS s) q,"
                       " LATERAL (SELECT ");
        if (s->exact) {
            db_buf_add(&b, "$3::bigint AS v) m");
        } else {
            db_buf_add(&b, "greatest(max(");
            db_buf_ident(&b, s->column);
            db_buf_printf(&b,
                          ")::bigint, $3::bigint, pg_catalog.pg_sequence_last_value("
                          "q.s::regclass)) AS v FROM %s) m",
                          s->qname);
        }
        db_buf_add(&b, " WHERE q.s IS NOT NULL AND m.v IS NOT NULL");
        if (b.oom) {
            db_buf_free(&b);
            return set_oom(st);
        }
        int rc = run(st, b.buf, 3, params, NULL);
        db_buf_free(&b);
        if (rc < 0)
            return set_error(st, "table \"%s\", column \"%s\": cannot set its sequence: %s",
                             s->display, s->column, st->err);
    }
    return 0;
}

/* "... EXECUTE FUNCTION schema.f()" -> "schema.f" */
static char *trigger_function(const char *sql)
{
    const char *p = NULL;
    const char *keys[] = {"EXECUTE FUNCTION ", "EXECUTE PROCEDURE "};
    for (size_t i = 0; i < 2 && !p; i++) {
        const char *hit = strstr(sql, keys[i]);
        if (hit)
            p = hit + strlen(keys[i]);
    }
    if (!p)
        return NULL;
    const char *end = strchr(p, '(');
    if (!end)
        return NULL;
    char *f = strndup(p, (size_t)(end - p));
    return f;
}

static int create_native_objects(pg_target *st, const fmt_native_object *objects, size_t n)
{
    static const fmt_native_kind order[] = {FMT_NATIVE_VIEW, FMT_NATIVE_TRIGGER};
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const fmt_native_object *o = &objects[i];
            const char *kind = o->kind == FMT_NATIVE_VIEW ? "view" : "trigger";
            const char *name = o->name ? o->name : "";
            if (o->kind != order[pass])
                continue;
            if (!st->source_is_pg) {
                add_warning(st, "%s \"%s\" not carried: native sql from %s", kind, name,
                            st->source_backend ? st->source_backend : "another backend");
                continue;
            }
            if (!o->sql || strncasecmp(o->sql, "CREATE ", 7) != 0)
                return set_error(st, "%s \"%s\": its SQL does not create a %s", kind, name, kind);
            if (st->opts.dry_run)
                continue;
            if (o->kind == FMT_NATIVE_TRIGGER) {
                char *f = trigger_function(o->sql);
                const char *params[] = {f};
                int found =
                    f ? query_value(st, "SELECT 1 WHERE pg_catalog.to_regproc($1) IS NOT NULL", 1,
                                    params, NULL)
                      : 0;
                if (found < 0) {
                    /* not a name to_regproc can read: let CREATE tell */
                    found = 1;
                    free(st->err);
                    st->err = NULL;
                }
                if (!found) {
                    add_warning(st,
                                "trigger \"%s\" not created: its function %s does not exist "
                                "in the target",
                                name, f ? f : "(unknown)");
                    free(f);
                    continue;
                }
                free(f);
            }
            int rc = run_try(st, o->sql);
            if (rc < 0)
                return -1;
            if (rc == 1 &&
                (strcmp(st->sqlstate, "42P07") == 0 || strcmp(st->sqlstate, "42710") == 0))
                add_warning(st, "%s \"%s\" not created: the target has one of that name", kind,
                            name);
            else if (rc == 1)
                return set_error(st, "%s \"%s\": %s", kind, name, st->err);
        }
    }
    return 0;
}

static int target_finish(void *state, const fmt_native_object *objects, size_t nobjects,
                         const fmt_header *h)
{
    pg_target *st = state;
    (void)h; /* the header given to begin decides */
    if (st->table_open)
        table_reset(st);
    if (!st->opts.dry_run && !st->opts.data_only && run_post_data(st) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.schema_only && set_sequences(st) < 0)
        return -1;
    if (!st->opts.data_only && create_native_objects(st, objects, nobjects) < 0)
        return -1;
    for (size_t i = 0; !st->opts.dry_run && !st->opts.schema_only && i < st->ntables; i++) {
        db_buf b = {0};
        db_buf_printf(&b, "ANALYZE %s", st->tables[i].qname);
        if (run_buf(st, &b) < 0)
            return set_error(st, "table \"%s\": ANALYZE: %s", st->tables[i].display, st->err);
    }
    return st->oom ? set_oom(st) : 0;
}

static int target_commit(void *state)
{
    pg_target *st = state;
    PGresult *res;
    if (!st->in_transaction)
        return 0;
    if (run(st, "COMMIT", 0, NULL, &res) < 0) {
        st->in_transaction = 0;
        return set_error(st, "cannot commit to \"%s\": %s", st->masked, st->err);
    }
    /* COMMIT of a failed transaction reports ROLLBACK, not an error. */
    int ok = strcmp(PQcmdStatus(res), "COMMIT") == 0;
    PQclear(res);
    st->in_transaction = 0;
    if (!ok)
        return set_error(st, "cannot commit to \"%s\": the transaction was rolled back",
                         st->masked);
    return 0;
}

static void target_rollback(void *state)
{
    pg_target *st = state;
    if (!st)
        return;
    abort_copy(st);
    if (st->in_transaction && st->conn && PQstatus(st->conn) == CONNECTION_OK) {
        PGresult *res = PQexec(st->conn, "ROLLBACK");
        PQclear(res);
    }
    st->in_transaction = 0;
}

static int target_warnings(void *state, char ***lines, size_t *nlines)
{
    pg_target *st = state;
    *lines = st->warnings;
    *nlines = st->nwarnings;
    return 0;
}

static const char *target_errmsg(void *state)
{
    const pg_target *st = state;
    if (!st || (st->oom && !st->err))
        return "out of memory";
    return st->err ? st->err : "no error";
}

static uint64_t target_error_row(void *state)
{
    const pg_target *st = state;
    return st ? st->error_row : 0;
}

static const char *target_error_column(void *state)
{
    const pg_target *st = state;
    return st ? st->error_column : NULL;
}

static void target_close(void *state)
{
    pg_target *st = state;
    if (!st)
        return;
    target_rollback(st);
    table_reset(st);
    if (st->conn)
        PQfinish(st->conn);
    for (size_t i = 0; i < st->npost; i++) {
        post_item *it = &st->post[i];
        free(it->display);
        free(it->qname);
        free(it->sql);
        free(it->what);
        free(it->name);
        free(it->index_qname);
        free(it->match);
    }
    free(st->post);
    for (size_t i = 0; i < st->nsequences; i++) {
        free(st->sequences[i].qname);
        free(st->sequences[i].display);
        free(st->sequences[i].column);
    }
    free(st->sequences);
    for (size_t i = 0; i < st->ntables; i++) {
        free(st->tables[i].qname);
        free(st->tables[i].display);
    }
    free(st->tables);
    fmt_strings_free(st->warnings, st->nwarnings);
    fmt_strings_free(st->schemas, st->nschemas);
    free(st->masked);
    free(st->source_backend);
    free(st->vector_schema);
    free(st->err);
    free(st->detail);
    free(st->error_column);
    free(st);
}

static const db_target_ops pg_target_ops = {
    .backend = "postgresql",
    .open = target_open,
    .begin = target_begin,
    .table_begin = target_table_begin,
    .row = target_row,
    .table_end = target_table_end,
    .finish = target_finish,
    .commit = target_commit,
    .rollback = target_rollback,
    .warnings = target_warnings,
    .errmsg = target_errmsg,
    .error_column = target_error_column,
    .error_row = target_error_row,
    .close = target_close,
};

const db_target_ops *db_target_pg(void)
{
    return &pg_target_ops;
}
