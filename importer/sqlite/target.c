/* The SQLite target of dbimport (db_target_sqlite): the ops table, the
 * connection, the one transaction and the work file. Creates each table
 * from the file's database-free model or checks an existing one (table.c),
 * loads rows (insert.c), then adds indexes, AUTOINCREMENT counters, views
 * and triggers and checks foreign keys (post_data.c). All of it runs in one
 * transaction, so a failed import leaves the target as it was, and a
 * database file that this import created is removed again at close. */
#include "sqlite_target_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ops.h"
#include "sqlite_dialect.h"

/* ---- the work file ------------------------------------------------------ */

/* Creates an empty "<path>.dbimport-<pid>-XXXXXX" with the mode a new file
 * would get (mkstemp makes it 0600). SQLite treats an empty file as an
 * empty database. The pid lets a later import tell the leftover of a killed
 * one from the work of a running one. */
static int create_work_file(sqlite_target *st, const char *path)
{
    size_t n = strlen(path) + sizeof ".dbimport--XXXXXX" + 20;
    st->work_path = malloc(n);
    if (!st->work_path)
        return db_oom(&st->diag);
    snprintf(st->work_path, n, "%s.dbimport-%ld-XXXXXX", path, (long)getpid());
    int fd = mkstemp(st->work_path);
    if (fd < 0) {
        int e = errno;
        free(st->work_path);
        st->work_path = NULL;
        return db_error(&st->diag, "cannot create \"%s\": %s", path, strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0 || close(fd) < 0) {
        unlink(st->work_path);
        return db_error(&st->diag, "cannot create \"%s\": %s", path, strerror(errno));
    }
    return 0;
}

static const char *const sqlite_side_files[] = {"-journal", "-wal", "-shm"};
#define NSIDE_FILES (sizeof sqlite_side_files / sizeof *sqlite_side_files)

/* Is name "<base>.dbimport-<pid>-XXXXXX" (1), or that with SQLite's
 * "-journal", "-wal" or "-shm" after it (2), of a process that no longer
 * runs? 0 otherwise; *main_len = the length of the work file's name. */
static int stale_work_name(const char *name, const char *base, long *pid, size_t *main_len)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".dbimport-", 10) != 0)
        return 0;
    const char *p = name + n + 10;
    char *end;
    errno = 0;
    *pid = strtol(p, &end, 10);
    if (end == p || *p < '1' || *p > '9' || errno || *end != '-' || strlen(end + 1) < 6 ||
        *pid == (long)getpid() || *pid > INT_MAX)
        return 0;
    *main_len = (size_t)(end + 7 - name);
    int kind = end[7] == '\0';
    for (size_t i = 0; i < NSIDE_FILES; i++)
        if (strcmp(end + 7, sqlite_side_files[i]) == 0)
            kind = 2;
    /* EPERM: it runs under another user, alive. */
    return kind && kill((pid_t)*pid, 0) < 0 && errno == ESRCH ? kind : 0;
}

/* A work file that a process holds a lock on is in use, whatever its pid
 * says (another PID namespace, another NFS client). */
static int work_file_in_use(int dir, const char *name)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 1;
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int busy = fcntl(fd, F_GETLK, &lock) < 0 || lock.l_type != F_UNLCK;
    close(fd);
    return busy;
}

/* Removes one stale entry: a work file with its side files (1), or a side
 * file whose work file is gone (0). -1: kept. */
static int remove_stale_entry(int dir, const char *name, size_t main_len, int kind)
{
    struct stat sb;
    char main_name[NAME_MAX + 1];
    if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
        main_len > NAME_MAX)
        return -1;
    memcpy(main_name, name, main_len);
    main_name[main_len] = '\0';
    if (kind == 2)
        return fstatat(dir, main_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT &&
                       unlinkat(dir, name, 0) == 0
                   ? 0
                   : -1;
    if (work_file_in_use(dir, name) || unlinkat(dir, name, 0) != 0)
        return -1;
    for (size_t i = 0; i < NSIDE_FILES; i++) {
        char side[NAME_MAX + 16];
        snprintf(side, sizeof side, "%s%s", main_name, sqlite_side_files[i]);
        unlinkat(dir, side, 0);
    }
    return 1;
}

/* Removes the work files (and their journals) of killed imports into the
 * same path, with a warning for each. Best effort. */
static int remove_stale_work_files(sqlite_target *st, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    int rc = 0;
    while (d && (e = readdir(d)) != NULL) {
        long pid;
        size_t main_len;
        int kind = stale_work_name(e->d_name, slash ? slash + 1 : path, &pid, &main_len);
        if (!kind || remove_stale_entry(dirfd(d), e->d_name, main_len, kind) != 1)
            continue;
        if (db_warn(&st->diag,
                    "removed \"%s%s%s\", left by an import (process %ld) that was killed",
                    slash ? dir : "", slash && slash != path ? "/" : "", e->d_name, pid) < 0)
            rc = db_oom(&st->diag);
    }
    if (d)
        closedir(d);
    free(dir);
    return rc;
}

/* Puts a committed new database at its destination: link() refuses to
 * replace a file that appeared there meanwhile. */
static int publish_work_file(sqlite_target *st)
{
    if (link(st->work_path, st->path) < 0)
        return db_error(&st->diag, "cannot create \"%s\": %s", st->path, strerror(errno));
    unlink(st->work_path);
    free(st->work_path);
    st->work_path = NULL;
    return 0;
}

static void remove_created_file(const char *path)
{
    unlink(path);
    for (size_t i = 0; i < NSIDE_FILES; i++) {
        size_t n = strlen(path) + strlen(sqlite_side_files[i]) + 1;
        char *name = malloc(n);
        if (!name)
            return;
        snprintf(name, n, "%s%s", path, sqlite_side_files[i]);
        unlink(name);
        free(name);
    }
}

/* ---- opening ------------------------------------------------------------ */

/* Which file to open, and how: the locator, an in-memory database for a
 * dry run with nothing to check against, or a new work file. */
static int choose_file(sqlite_target *st, const char *locator, const char **file, int *flags)
{
    struct stat sb;
    int exists = stat(locator, &sb) == 0;
    if (!exists && errno != ENOENT)
        return db_error(&st->diag, "cannot open \"%s\": %s", locator, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return db_error(&st->diag, "cannot open \"%s\": it is a directory", locator);
    *file = locator;
    *flags = SQLITE_OPEN_READWRITE;
    /* Also when the file exists: a kill between publishing a new database
     * and removing its work name leaves that name behind. */
    if (!st->opts.dry_run && remove_stale_work_files(st, locator) < 0)
        return -1;
    if (st->opts.dry_run && !exists) {
        /* Nothing to check against: an empty database, never created. */
        *file = ":memory:";
        *flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY;
    } else if (st->opts.dry_run) {
        *flags = SQLITE_OPEN_READONLY;
    } else if (!exists && st->opts.commit_as_it_goes) {
        /* --commit: made in place, so that a killed import leaves what it
         * committed to --resume (removed if it fails before a commit) */
        *flags |= SQLITE_OPEN_CREATE;
        st->created_file = 1;
    } else if (!exists) {
        /* A new database is built under a temporary name beside its
         * destination and appears only when the import commits, so even a
         * kill -9 leaves the target path as it was. */
        if (create_work_file(st, locator) < 0)
            return -1;
        *file = st->work_path;
        st->created_file = 1;
    }
    return 0;
}

/* Opening is lazy: the first read tells a database from other bytes. */
static int check_database(sqlite_target *st, const char *locator)
{
    sqlite3_stmt *stmt = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM main.sqlite_schema", -1, &stmt, NULL) !=
            SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
            rc = db_error(&st->diag, "\"%s\" is not an SQLite database", locator);
        else
            rc = db_error(&st->diag, "cannot read \"%s\": %s", locator, sqlite3_errmsg(st->db));
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int target_open(void **state, const char *locator, const db_target_options *opts)
{
    sqlite_target *st = calloc(1, sizeof *st);
    const char *file = NULL;
    int flags = 0;
    sqlite3_stmt *stmt = NULL;

    /* The state is handed out even on failure: it carries the message, and
     * close removes a file this open created. */
    *state = st;
    if (!st)
        return -1;
    st->foreign_keys_before = -1;
    if (opts) {
        st->opts = *opts;
    } else {
        st->opts.on_conflict = DB_ON_CONFLICT_ERROR;
        st->opts.single_transaction = 1;
    }
    if (!locator || !*locator)
        return db_error(&st->diag, "no target database file given");
    st->path = strdup(locator);
    if (!st->path)
        return db_oom(&st->diag);
    if (choose_file(st, locator, &file, &flags) < 0)
        return -1;
    if (sqlite3_open_v2(file, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return db_error(&st->diag, "cannot open \"%s\": %s", locator,
                        st->db ? sqlite3_errmsg(st->db) : "out of memory");
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, DB_SQLITE_BUSY_WAIT_MS);
    if (check_database(st, locator) < 0)
        return -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_keys", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        st->foreign_keys_before = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    /* Rows arrive in file order, not parents first; the whole load is
     * checked once in finish instead. */
    if (sqlite_tgt_exec_one(st, "PRAGMA foreign_keys = OFF", "cannot configure the connection") < 0)
        return -1;
    return 0;
}

/* ---- the transaction ---------------------------------------------------- */

static int target_begin(void *state, const fmt_header *h)
{
    sqlite_target *st = state;
    int same = db_ops_source_backend(&st->diag, &st->source_backend, h, "sqlite");
    if (same < 0)
        return -1;
    st->source_is_sqlite = same;
    if (h && h->nsequences)
        db_warn(&st->diag,
                "%zu stand-alone sequence%s not carried: SQLite has none (a table's AUTOINCREMENT "
                "keeps its own)",
                h->nsequences, h->nsequences == 1 ? "" : "s");
    if (h && h->nfunctions)
        db_warn(&st->diag,
                "%zu of the file's functions and procedures not carried: SQLite has none",
                h->nfunctions);
    /* their owners and grants join the tables' in one summary line */
    for (size_t i = 0; h && i < h->nsequences; i++)
        if (h->sequences[i].privileges)
            db_warn(&st->diag,
                    "sequence \"%s%s%s\": owner and grants not carried: SQLite has no privileges",
                    h->sequences[i].namespace ? h->sequences[i].namespace : "",
                    h->sequences[i].namespace ? "." : "", h->sequences[i].name);
    size_t comments = 0;
    for (size_t i = 0; h && i < h->nschemas; i++) {
        comments += h->schemas[i].comment != NULL;
        if (h->schemas[i].privileges)
            db_warn(&st->diag,
                    "schema \"%s\": owner and grants not carried: SQLite has no privileges",
                    h->schemas[i].name);
    }
    if (comments)
        db_warn(&st->diag, "%zu schema comment%s not carried: SQLite has no schemas", comments,
                comments == 1 ? "" : "s");
    for (size_t i = 0; h && i < h->nfunctions; i++)
        if (h->functions[i].privileges)
            db_warn(&st->diag,
                    "%s \"%s%s%s(%s)\": owner and grants not carried: SQLite has no privileges",
                    h->functions[i].kind,
                    h->functions[i].namespace ? h->functions[i].namespace : "",
                    h->functions[i].namespace ? "." : "", h->functions[i].name,
                    h->functions[i].arguments ? h->functions[i].arguments : "");
    for (size_t i = 0; h && !same && i < h->nuser_types; i++)
        if (h->user_types[i].kind == FMT_USER_TYPE_COMPOSITE)
            sqlite_tgt_loss(st, SQLITE_LOSS_COMPOSITE, "\"%s.%s\"",
                            h->user_types[i].namespace ? h->user_types[i].namespace : "public",
                            h->user_types[i].name ? h->user_types[i].name : "");
    /* The page cache of this connection only, in KiB. It also bounds each
     * CREATE INDEX's sorter, which holds as much again in memory before it
     * spills to a temporary file: docs/PERFORMANCE.md. The journal mode is
     * the user's and stays as it is. */
    char cache[48];
    snprintf(cache, sizeof cache, "PRAGMA cache_size = -%d", SQLITE_TGT_CACHE_KIB);
    if (sqlite_tgt_exec_one(st, cache, "cannot configure the connection") < 0)
        return -1;
    if (st->opts.dry_run)
        return 0;
    /* One transaction for everything (single_transaction is implied: it is
     * what makes a failed import leave no trace), taking the write lock now
     * rather than at the first row. */
    if (sqlite_tgt_exec_one(st, "BEGIN IMMEDIATE", NULL) < 0)
        return db_error(&st->diag, "cannot start a transaction on \"%s\": %s", st->path,
                        db_errmsg(&st->diag));
    st->in_transaction = 1;
    return 0;
}

static int target_table_begin(void *state, const fmt_table *t)
{
    return sqlite_tgt_table_begin(state, t);
}

int sqlite_tgt_commit_now(sqlite_target *st)
{
    if (sqlite_tgt_exec_one(st, "COMMIT", NULL) < 0) {
        /* "disk I/O error" alone does not tell a full disk from a bad one;
         * the failed write's errno is still there when SQLite's own record
         * of it (read back at finalize) is lost. */
        int sys = errno, code = sqlite3_extended_errcode(st->db) & 0xff;
        if (sqlite3_system_errno(st->db))
            sys = sqlite3_system_errno(st->db);
        if (code != SQLITE_IOERR)
            sys = 0;
        return db_error(&st->diag, "cannot commit to \"%s\": %s%s%s", st->path,
                        db_errmsg(&st->diag), sys ? ": " : "", sys ? strerror(sys) : "");
    }
    st->in_transaction = 0;
    return 0;
}

static int target_table_resume(void *state, const fmt_table *t, int created)
{
    sqlite_target *st = state;
    int require_empty = st->opts.require_empty; /* it holds the earlier run's rows */
    st->resume_table = 1;
    st->resume_created = created;
    st->opts.require_empty = 0;
    /* --resume --clean: a table the unfinished import began is its own, not
     * dropped again (table.c); whether that import dropped it is not
     * recorded, so every table's foreign keys are checked at the end, as
     * after a drop */
    if (st->opts.clean)
        st->cleaned = 1;
    int rc = sqlite_tgt_table_begin(st, t);
    st->opts.require_empty = require_empty;
    return rc;
}

static int target_commit(void *state)
{
    sqlite_target *st = state;
    sqlite_tgt_table_reset(st);
    if (!st->in_transaction)
        return 0;
    if (sqlite_tgt_commit_now(st) < 0)
        return -1;
    if (st->work_path && publish_work_file(st) < 0)
        return -1;
    st->committed = 1;
    if (st->opts.verbose)
        cli_message(NULL,
                    "SQLite: at most %.1f MiB in use (page cache and each index sort bounded "
                    "to %d MiB)",
                    (double)sqlite3_memory_highwater(0) / (1024.0 * 1024.0),
                    SQLITE_TGT_CACHE_KIB / 1024);
    return 0;
}

static void target_rollback(void *state)
{
    sqlite_target *st = state;
    if (!st)
        return;
    sqlite_tgt_table_reset(st);
    if (st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_transaction = 0;
}

/* ---- messages and closing ----------------------------------------------- */

/* From a signal handler: the running statement stops with SQLITE_INTERRUPT. */
static void target_interrupt(void *state)
{
    sqlite_target *st = state;
    if (st && st->db)
        sqlite3_interrupt(st->db);
}

static void target_close(void *state)
{
    sqlite_target *st = state;
    if (!st)
        return;
    target_rollback(st);
    if (st->db) {
        if (st->foreign_keys_before >= 0 && !st->opts.dry_run) {
            char sql[32];
            snprintf(sql, sizeof sql, "PRAGMA foreign_keys = %d", st->foreign_keys_before ? 1 : 0);
            sqlite3_exec(st->db, sql, NULL, NULL, NULL);
        }
        sqlite3_close(st->db);
    }
    /* A failed import into a new file leaves nothing behind. */
    if (st->created_file && !st->committed)
        remove_created_file(st->work_path ? st->work_path : st->path);
    free(st->work_path);
    free(st->check_skip);
    sqlite_tgt_post_data_free(st);
    sqlite_tgt_losses_free(st);
    db_diag_free(&st->diag);
    free(st->path);
    free(st->source_backend);
    free(st);
}

DB_OPS_DIAG_FIRST(sqlite_target);

static const db_target_ops sqlite_target_ops = {
    .backend = "sqlite",
    .open = target_open,
    .begin = target_begin,
    .table_begin = target_table_begin,
    .row = sqlite_tgt_row,
    .table_end = sqlite_tgt_table_end,
    .finish = sqlite_tgt_finish,
    .commit = target_commit,
    .rollback = target_rollback,
    .warnings = db_ops_warnings,
    .errmsg = db_ops_errmsg,
    .error_column = db_ops_error_column,
    .interrupt = target_interrupt,
    .delete_orphans = sqlite_tgt_delete_orphans,
    .table_has_rows = sqlite_tgt_table_has_rows,
    .own_foreign_keys = sqlite_tgt_own_foreign_keys,
    .progress_read = sqlite_tgt_progress_read,
    .checkpoint = sqlite_tgt_checkpoint,
    .progress_remove = sqlite_tgt_progress_remove,
    .table_resume = target_table_resume,
    .close = target_close,
};

const db_target_ops *db_target_sqlite(void)
{
    return &sqlite_target_ops;
}
