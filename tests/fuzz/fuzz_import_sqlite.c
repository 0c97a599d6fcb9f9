/* Fuzz harness for the whole import path into SQLite: the input is written
 * to a file and imported by db_import, as dbimport would, into a fresh
 * SQLite file. That covers the input stream, the document reader, the
 * --untrusted copies, the target's guards, DDL, inserts, post-data and the
 * foreign key check. Any input must end in success or a clean failure that
 * leaves no target file behind, never a crash, a leak or a hang; and an
 * --untrusted import must leave no view or trigger.
 *
 * The first byte chooses the options, so the fuzzer explores them too:
 *   bits 0-1  --on-invalid: error, null, skip-row (3 is error again)
 *   bit  2    --untrusted
 *   bits 3-4  --on-conflict: error, skip, update (3 is error again)
 *   bit  5    after a successful import, import the same input again with
 *             --data-only into the file the first one made: the existing
 *             tables' checks and conflicts against rows already there
 *   bit  6    --dry-run
 *   bit  7    --schema-only (not with bit 5)
 * The rest is the file. Messages go to stderr; run libFuzzer with
 * -close_fd_mask=2 to hide them (its own reports still show). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "import.h"
#include "import_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One directory per process, made on the first input; the paths in it are
 * the same for every input, so a run depends on its input alone. */
static char directory[64];
static char input_path[96], target_path[96], locator[112];

static void remove_files(void)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char path[128];
    unlink(input_path);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", target_path, suffixes[i]);
        unlink(path);
    }
}

static void remove_directory(void)
{
    remove_files();
    rmdir(directory);
}

static int make_directory(void)
{
    if (directory[0])
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(directory, sizeof directory, "%s/dbfuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (strlen(directory) + 16 >= sizeof input_path || !mkdtemp(directory)) {
        directory[0] = 0;
        return -1;
    }
    snprintf(input_path, sizeof input_path, "%s/input", directory);
    snprintf(target_path, sizeof target_path, "%s/target.db", directory);
    /* The prefix, so no temporary directory can pass for a connection string. */
    snprintf(locator, sizeof locator, "sqlite:%s", target_path);
    cli_set_program("dbimport");
    atexit(remove_directory);
    return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(input_path, "wb");
    if (!f)
        return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && put == size ? 0 : -1;
}

/* A failed import leaves no file behind: the target removes what it made. */
static void check_no_target(void)
{
    if (access(target_path, F_OK) == 0)
        abort();
}

/* --untrusted runs no SQL text from the file: a view or trigger in the
 * target could only have come from it. */
static void check_untrusted(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(target_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        abort();
    if (sqlite3_column_int64(st, 0) != 0)
        abort();
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    db_import_options opts;
    if (size < 1)
        return 0;
    if (make_directory() < 0 || write_input(data + 1, size - 1) < 0)
        abort(); /* the machine, not the input */
    fuzz_import_options(&opts, data[0], locator, input_path);
    int rc = db_import(&opts);
    if (rc < 0 || opts.target_options.dry_run)
        check_no_target();
    else if (opts.target_options.untrusted)
        check_untrusted();
    if (rc == 0 && (data[0] >> 5) & 1) {
        opts.target_options.data_only = 1;
        /* A failure here rolls back, and the file the first run made stays. */
        db_import(&opts);
    }
    remove_files();
    return 0;
}
