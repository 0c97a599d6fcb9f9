/* The SQLite source of dbexport (db_source_sqlite): the ops table, the
 * read-only connection and the one read transaction every statement of the
 * export sees. The tables (tables.c, schema.c), rows (rows.c) and views and
 * triggers (objects.c) are read through it.
 *
 * Ownership: the tables and native objects handed out belong to the caller
 * (fmt_table_free each table and free the array; fmt_native_object_clear
 * each object and free the array); each call reads them afresh. Warning
 * lines belong to the state and stay valid until close(). open() sets
 * *state even when it fails, so that errmsg() can tell why; close() must
 * be called either way. */
#include "sqlite_source_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "ops.h"
#include "sqlite_dialect.h"
#include "strlist.h"

int sqlite_src_warn(sqlite_src *s, const char *fmt, ...)
{
    if (s->quiet)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    char *line = db_vformat(fmt, ap);
    va_end(ap);
    int rc = line ? db_warn(&s->diag, "%s", line) : db_oom(&s->diag);
    free(line);
    return rc < 0 ? db_oom(&s->diag) : 0;
}

/* "file:<path>?immutable=1", the path percent-encoded where a URI needs it. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *uri = malloc(strlen(path) * 3 + sizeof "file:?immutable=1");
    if (!uri)
        return NULL;
    char *p = uri + 5;
    memcpy(uri, "file:", 5);
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if (*c == '?' || *c == '#' || *c == '%' || *c <= ' ' || *c >= 0x7f) {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        } else {
            *p++ = (char)*c;
        }
    }
    strcpy(p, "?immutable=1");
    return uri;
}

/* The locator is a path, never a URI and never created: a missing file or
 * a directory is said so plainly, as SQLite's "unable to open database
 * file" does not say why. */
static int open_database(sqlite_src *s, const char *locator, int immutable)
{
    struct stat st;
    char *path = NULL;
    /* One thread uses the connection: SQLite's own mutex per call (6 % of an
     * export's CPU) guards nothing. */
    int rc = 0, flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (stat(locator, &st) != 0)
        return db_error(&s->diag, "cannot open \"%s\": %s", locator, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return db_error(&s->diag, "cannot open \"%s\": is a directory", locator);
    if (immutable) {
        path = immutable_uri(locator);
        flags |= SQLITE_OPEN_URI;
    } else if (strncmp(locator, "file:", 5) == 0) {
        /* Debian's SQLite takes "file:" names as URIs; a locator is a path. */
        path = malloc(strlen(locator) + 3);
        if (path) {
            memcpy(path, "./", 2);
            strcpy(path + 2, locator);
        }
    }
    if ((immutable || strncmp(locator, "file:", 5) == 0) && !path)
        return db_oom(&s->diag);
    if (sqlite3_open_v2(path ? path : locator, &s->db, flags, NULL) != SQLITE_OK)
        rc = db_error(&s->diag, "cannot open \"%s\": %s", locator,
                      s->db ? sqlite3_errmsg(s->db) : "out of memory");
    free(path);
    if (rc == 0) {
        sqlite3_extended_result_codes(s->db, 1);
        sqlite3_busy_timeout(s->db, DB_SQLITE_BUSY_WAIT_MS);
        /* The schema is data from a file: run none of its functions for us. */
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    }
    return rc;
}

/* BEGIN is deferred: the first read takes the snapshot that every later
 * statement of the export sees. */
static int begin_snapshot(sqlite_src *s)
{
    return sqlite3_exec(s->db, "BEGIN; SELECT count(*) FROM main.sqlite_schema;", NULL, NULL, NULL);
}

/* A WAL database whose -shm cannot be created (read-only directory or
 * media) cannot be read normally. Opened immutable it can, and the result
 * is exact as long as the -wal holds nothing: SQLite then neither locks
 * nor reads the -wal, so committed changes still in it would be missed.
 * 1: reopen immutable; 0: no (the original error stands); -1: refused,
 * with the message set. */
static int wants_immutable(sqlite_src *s, const char *locator, int rc)
{
    unsigned char header[20];
    int primary = rc & 0xff;
    if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN)
        return 0;
    FILE *f = fopen(locator, "rb");
    size_t got = f ? fread(header, 1, sizeof header, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof header || memcmp(header, "SQLite format 3", 16) != 0 || header[18] != 2)
        return 0;
    char *wal = db_format("%s-wal", locator);
    if (!wal)
        return db_oom(&s->diag);
    struct stat st;
    int pending = stat(wal, &st) == 0 && st.st_size > 0;
    free(wal);
    if (pending)
        return db_error(
            &s->diag,
            "cannot open \"%s\": it is in WAL mode, its -wal file holds changes, and "
            "the -shm file needed to read them cannot be created (read-only directory?)",
            locator);
    return 1;
}

/* Immutable means a change made meanwhile would go unnoticed: worth a
 * warning only when the file could be changed at all. */
static int warn_if_writable(sqlite_src *s, const char *locator)
{
    struct stat st;
    struct statvfs vfs;
    if (stat(locator, &st) != 0 || !(st.st_mode & 0222) ||
        (statvfs(locator, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)))
        return 0;
    return sqlite_src_warn(s,
                           "\"%s\" is a WAL database in a directory where its -shm file cannot be "
                           "created: read without locking, so it must not change during the export",
                           locator);
}

static int src_open(void **state, const char *locator, const db_source_options *opts)
{
    sqlite_src *s = calloc(1, sizeof *s);
    *state = s;
    if (!s)
        return -1;
    s->path = fmt_strdup(locator);
    int failed = opts && db_selection_init(&s->selection, opts->include_tables,
                                           opts->exclude_tables, NULL, NULL) < 0;
    if (!s->path || failed)
        return db_oom(&s->diag);
    if (open_database(s, locator, 0) < 0)
        return -1;
    int rc = begin_snapshot(s);
    if (rc != SQLITE_OK) {
        int retry = wants_immutable(s, locator, sqlite3_extended_errcode(s->db));
        if (retry < 0)
            return -1;
        if (!retry)
            return db_error(&s->diag, "cannot open \"%s\": %s", locator, sqlite3_errmsg(s->db));
        sqlite3_close(s->db);
        s->db = NULL;
        if (open_database(s, locator, 1) < 0 || warn_if_writable(s, locator) < 0)
            return -1;
        if (begin_snapshot(s) != SQLITE_OK)
            return db_error(&s->diag, "cannot open \"%s\": %s", locator, sqlite3_errmsg(s->db));
    }
    return sqlite_src_origin_open(s);
}

/* PRAGMA name's value (user_version, application_id: 32-bit fields of the
 * database header), read in the snapshot. 0, or -1 with the message. */
static int read_header_field(sqlite_src *s, const char *pragma, int32_t *out)
{
    sqlite3_stmt *stmt = NULL;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA main.%s", pragma);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
                     sqlite3_step(stmt) == SQLITE_ROW
                 ? 0
                 : db_error(&s->diag, "cannot read PRAGMA %s: %s", pragma, sqlite3_errmsg(s->db));
    if (rc == 0)
        *out = (int32_t)sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc;
}

/* The header's source; user_version and application_id only when set
 * (not 0, SQLite's value for a database that never set them): a file
 * without them means 0, as a 1.0 file does, and the exports of most
 * databases stay as they were. */
static int src_header_fields(sqlite_src *s, fmt_header *h)
{
    if (read_header_field(s, "user_version", &h->user_version) < 0 ||
        read_header_field(s, "application_id", &h->application_id) < 0)
        return -1;
    h->has_user_version = h->user_version != 0;
    h->has_application_id = h->application_id != 0;
    return 0;
}

static int src_header(void *state, fmt_header *h)
{
    sqlite_src *s = state;
    if (src_header_fields(s, h) < 0 || sqlite_src_origin_types(s, h) < 0)
        return -1;
    const char *base = strrchr(s->path, '/');
    char *backend = fmt_strdup("sqlite"), *version = fmt_strdup(sqlite3_libversion());
    char *database = fmt_strdup(base ? base + 1 : s->path);
    if (!backend || !version || !database) {
        free(backend);
        free(version);
        free(database);
        return db_oom(&s->diag);
    }
    free(h->source_backend);
    free(h->source_version);
    free(h->source_database);
    h->source_backend = backend;
    h->source_version = version;
    h->source_database = database;
    return 0;
}

static int src_tables(void *state, fmt_table ***tables, size_t *ntables)
{
    sqlite_src *s = state;
    char why[512];
    if (sqlite_src_load_tables(state, tables, ntables) < 0)
        return -1;
    if (db_selection_check(&s->selection, "the database", why, sizeof why) < 0) {
        fmt_tables_free(*tables, *ntables);
        *tables = NULL;
        *ntables = 0;
        return db_error(&s->diag, "%s", why);
    }
    return 0;
}

/* The lines come from reading the schema, so this reads it if the driver
 * has not yet asked for the tables. */
static int src_warnings(void *state, char ***lines, size_t *nlines)
{
    sqlite_src *s = state;
    *lines = NULL;
    *nlines = 0;
    if (sqlite_src_read_schema_once(s) < 0)
        return -1;
    db_diag_warnings(&s->diag, lines, nlines);
    return 0;
}

static void src_close(void *state)
{
    sqlite_src *s = state;
    if (!s)
        return;
    sqlite_src_rows_end(s);
    fmt_strings_free(s->selected, s->nselected);
    if (s->db) {
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL); /* read-only: ends the snapshot */
        sqlite3_close(s->db);
    }
    db_selection_free(&s->selection);
    db_diag_free(&s->diag);
    free(s->path);
    free(s);
}

DB_OPS_DIAG_FIRST(sqlite_src);

static const db_source_ops sqlite_ops = {
    .backend = "sqlite",
    .open = src_open,
    .header = src_header,
    .tables = src_tables,
    .rows_begin = sqlite_src_rows_begin,
    .rows_next = sqlite_src_rows_next,
    .rows_end = sqlite_src_rows_end,
    .estimate_rows = sqlite_src_estimate_rows,
    .native_objects = sqlite_src_native_objects,
    .warnings = src_warnings,
    .errmsg = db_ops_errmsg,
    .close = src_close,
};

const db_source_ops *db_source_sqlite(void)
{
    return &sqlite_ops;
}
