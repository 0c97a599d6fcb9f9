/* dbimport: loads one interchange file into a database. This file owns the
 * command line; import.c drives the target. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cast.h"
#include "cli.h"
#include "cli_run.h"
#include "dbdiff.h"
#include "import.h"
#include "resume.h"
#include "rename.h"

#ifndef DB_VERSION
#define DB_VERSION "0.1.0"
#endif

enum {
    OPT_ON_INVALID = 999,
    OPT_ON_CONFLICT = 1000,
    OPT_DRY_RUN,
    OPT_REQUIRE_EMPTY,
    OPT_UNTRUSTED,
    OPT_EXTENSION,
    OPT_TRUST_FUNCTION,
    OPT_ROWS,
    OPT_VERIFY,
    OPT_PRIVILEGES,
    OPT_SQL_FILE,
    OPT_CLEAN,
    OPT_IF_EXISTS,
    OPT_CAST,
    OPT_MAX_ERRORS,
    OPT_REJECT_FILE,
    OPT_ROWS_CASCADE,
    OPT_COMMIT,
    OPT_RESUME,
    OPT_RENAME_SCHEMA,
    OPT_RENAME_TABLE,
    OPT_NO_ORIGIN
};

static const cli_option options[] = {
    {"table", 't', 1, "PATTERN", "import only tables matching PATTERN (repeatable)"},
    {"exclude-table", 'T', 1, "PATTERN", "do not import tables matching PATTERN (repeatable)"},
    {"schema", 'n', 1, "PATTERN", "import only tables of schemas matching PATTERN (repeatable)"},
    {"exclude-schema", 'N', 1, "PATTERN",
     "do not import tables of schemas matching PATTERN (repeatable)"},
    {"rename-schema", OPT_RENAME_SCHEMA, 1, "OLD:NEW",
     "import schema OLD of the file as NEW: its tables, types, sequences, functions and views, "
     "and what refers to them (repeatable)"},
    {"rename-table", OPT_RENAME_TABLE, 1, "OLD:NEW",
     "import table OLD (TABLE or SCHEMA.TABLE of the file) as NEW, in its schema; foreign keys, "
     "sequences and triggers follow (repeatable)"},
    {"schema-only", 's', 0, NULL, "create the tables, load no rows"},
    {"data-only", 'a', 0, NULL, "load rows into existing tables; create nothing"},
    {"on-conflict", OPT_ON_CONFLICT, 1, "MODE",
     "on a duplicate key: error (default), skip the row, or update the existing row"},
    {"on-invalid", OPT_ON_INVALID, 1, "MODE",
     "a value the target cannot hold: error (default), null (set it to NULL), or skip-row; "
     "what it did is counted and reported"},
    {"dry-run", OPT_DRY_RUN, 0, NULL,
     "do the whole import, then roll it back: print per-table row counts; write nothing"},
    {"clean", OPT_CLEAN, 0, NULL,
     "drop each table of the file that exists in the target, then create it from the file "
     "(what depends on it is set aside and put back; never CASCADE)"},
    {"if-exists", OPT_IF_EXISTS, 0, NULL,
     "with --clean, as pg_restore: drop only what exists (always so here)"},
    {"max-errors", OPT_MAX_ERRORS, 1, "N",
     "leave out up to N rows the target refuses (a constraint they break, a value it cannot "
     "hold) and go on; more, and the import is rolled back (with --commit=table|N, its last "
     "transaction; N counts every run --resume continues) (default 0: all or nothing); exit 4 "
     "when rows were left out"},
    {"reject-file", OPT_REJECT_FILE, 1, "FILE",
     "write the refused rows to FILE, a document of their own to fix and import again, each "
     "with its error and position (no limit unless --max-errors)"},
    {"cast", OPT_CAST, 1, "TABLE.COLUMN:TYPE",
     "load the column as portable TYPE, converting each value (JSON text to jsonb or array(T), "
     "a JSON array, float8[] or float32 BLOB to vector(N), text to uuid, timestamptz, ...); "
     "TYPE:TYPE casts every column of the first type (repeatable)"},
    {"sql-file", OPT_SQL_FILE, 1, "FILE",
     "write the statements the import runs to change the schema to FILE (\"-\": standard "
     "output), as a script to review or replay; with --dry-run, nothing else is written"},
    {"commit", OPT_COMMIT, 1, "MODE",
     "all (default: one transaction, all or nothing), table (commit after each table) or N "
     "(every N rows too), keeping a record in the target for --resume"},
    {"resume", OPT_RESUME, 0, NULL,
     "continue an import that --commit=table|N left unfinished (killed, failed), from its last "
     "commit, without a duplicate row; the same FILE is checked"},
    {"require-empty", OPT_REQUIRE_EMPTY, 0, NULL,
     "refuse to import when a table of the file already exists in the target and holds rows"},
    {"untrusted", OPT_UNTRUSTED, 0, NULL,
     "run no SQL text from the file: no defaults, CHECKs, generated or expression indexes, "
     "views or triggers (see docs/SECURITY.md)"},
    {"no-origin", OPT_NO_ORIGIN, 0, NULL,
     "keep no _dbexport_origin table of what the target cannot declare (SQLite declared types "
     "in PostgreSQL, PostgreSQL types and schemas in SQLite): an export of the target then "
     "gives back only what its catalog says"},
    {"privileges", OPT_PRIVILEGES, 0, NULL,
     "PostgreSQL: give the schemas, tables, views, sequences and functions this import creates the "
     "file's "
     "owners and grants (roles the target lacks are left out); not with --untrusted"},
    {"verify", OPT_VERIFY, 0, NULL,
     "after the commit, compare the target with FILE as dbdiff does and print the report; exit 3 "
     "if they differ"},
    {"rows", OPT_ROWS, 1, "TABLE=JQ",
     "run the jq program JQ on each row of the tables matching TABLE: it outputs the rows to load "
     "(none deletes, one keeps or changes, more add; repeatable, in order)"},
    {"rows-cascade", OPT_ROWS_CASCADE, 0, NULL,
     "with --rows: delete too the rows of other tables that referred, by the file's foreign "
     "keys, to rows a program deleted (down the chain), each table's count reported"},
    {"extension", OPT_EXTENSION, 1, "NAME",
     "allow creating extension NAME (besides those the column types need; repeatable)"},
    {"trust-function", OPT_TRUST_FUNCTION, 1, "NAME",
     "let defaults, CHECKs and indexes call the file's function NAME (or SCHEMA.NAME) whatever "
     "its body does (see docs/SECURITY.md; repeatable)"},
    {"no-password", 'w', 0, NULL, "PostgreSQL: never prompt for a password"},
    {"password", 'W', 0, NULL, "PostgreSQL: prompt for a password before connecting"},
    {"verbose", 'v', 0, NULL, "report each table and its row count on stderr"},
    {"quiet", 'q', 0, NULL, "print errors only: no warnings, notes, summary or progress"},
    {"version", 'V', 0, NULL, "print the version and exit"},
    {"help", '?', 0, NULL, "print this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "dbimport loads an interchange file written by dbexport into a database.\n"
               "\n"
               "Usage:\n"
               "  dbimport [OPTION]... TARGET [FILE]\n"
               "\n"
               "TARGET is a SQLite database file (or sqlite:PATH), created if missing, or a\n"
               "PostgreSQL connection URI (postgresql://...) or key=value string (\"dbname=x\").\n"
               "FILE is the document, plain or gzip (detected); absent or \"-\" reads stdin.\n"
               "\n");
    cli_print_options(f, options);
    fprintf(f, "\n"
               "PATTERN is a shell glob matched against table names; one with a '.' matches\n"
               "\"schema.table\". Each pattern must match a table of the file, or nothing\n"
               "is imported.\n"
               "\n"
               "The import is all-or-nothing: one transaction, and any error rolls it back,\n"
               "leaving the target as it was (with --commit=table|N, back to its last commit,\n"
               "from where --resume continues). Keys, indexes and triggers are created after\n"
               "the data; foreign keys are checked at the end.\n"
               "\n"
               "Exit status: 0 success, 1 import failed (the target is unchanged), 2 bad usage,\n"
               "3 --verify found a difference, 4 committed with rows left out (--max-errors).\n");
}

/* What the command line holds while it is parsed; the lists are
 * NULL-terminated arrays of pointers into argv. */
typedef struct {
    db_import_options opts;
    int verify;
    int if_exists;
    int max_errors_given;
    const char **include, **exclude, **include_schemas, **exclude_schemas, **extensions, **rows,
        **casts, **rename_schemas, **rename_tables;
    const char **trusted;
    size_t ninclude, nexclude, ninclude_schemas, nexclude_schemas, nextensions, nrows, ncasts,
        ntrusted, nrename_schemas, nrename_tables;
} command_line;

static int parse_on_conflict(db_target_options *t, const char *arg)
{
    if (strcmp(arg, "error") == 0)
        t->on_conflict = DB_ON_CONFLICT_ERROR;
    else if (strcmp(arg, "skip") == 0)
        t->on_conflict = DB_ON_CONFLICT_SKIP;
    else if (strcmp(arg, "update") == 0)
        t->on_conflict = DB_ON_CONFLICT_UPDATE;
    else {
        cli_message("error", "invalid --on-conflict \"%s\": use error, skip or update", arg);
        return 2;
    }
    return CLI_GO_ON;
}

static int parse_on_invalid(db_target_options *t, const char *arg)
{
    if (strcmp(arg, "error") == 0)
        t->on_invalid = DB_ON_INVALID_ERROR;
    else if (strcmp(arg, "null") == 0)
        t->on_invalid = DB_ON_INVALID_NULL;
    else if (strcmp(arg, "skip-row") == 0)
        t->on_invalid = DB_ON_INVALID_SKIP_ROW;
    else {
        cli_message("error", "invalid --on-invalid \"%s\": use error, null or skip-row", arg);
        return 2;
    }
    return CLI_GO_ON;
}

static int parse_max_errors(command_line *cl, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || *arg == '-') {
        cli_message("error", "--max-errors=%s: give a number of rows (0 or more)", arg);
        return 2;
    }
    cl->opts.reject_rows = n > 0 || cl->opts.reject_rows;
    cl->opts.max_errors = (uint64_t)n;
    cl->max_errors_given = 1;
    return CLI_GO_ON;
}

static int parse_commit(command_line *cl, const char *arg)
{
    char err[256];
    if (db_commit_parse(arg, &cl->opts.commit_every, err, sizeof err) < 0) {
        cli_message("error", "%s", err);
        return 2;
    }
    return CLI_GO_ON;
}

/* One more value of a repeatable option. */
static int push(const char ***list, size_t *n)
{
    return cli_push_pattern(list, n, optarg) < 0 ? 1 : CLI_GO_ON;
}

/* The target's on/off options: the flag option c sets, or NULL. */
static int *target_flag(db_target_options *t, int c)
{
    switch (c) {
    case 's':
        return &t->schema_only;
    case 'a':
        return &t->data_only;
    case OPT_DRY_RUN:
        return &t->dry_run;
    case OPT_REQUIRE_EMPTY:
        return &t->require_empty;
    case OPT_UNTRUSTED:
        return &t->untrusted;
    case OPT_NO_ORIGIN:
        return &t->no_origin;
    case OPT_CLEAN:
        return &t->clean;
    case OPT_PRIVILEGES:
        return &t->privileges;
    default:
        return NULL;
    }
}

/* One option getopt_long returned (c) with its argument. */
static int parse_option(void *ctx, int c, char **argv)
{
    command_line *cl = ctx;
    db_target_options *t = &cl->opts.target_options;
    int *flag = target_flag(t, c);
    if (flag) {
        *flag = 1;
        return CLI_GO_ON;
    }
    switch (c) {
    case 't':
        return push(&cl->include, &cl->ninclude);
    case 'T':
        return push(&cl->exclude, &cl->nexclude);
    case 'n':
        return push(&cl->include_schemas, &cl->ninclude_schemas);
    case 'N':
        return push(&cl->exclude_schemas, &cl->nexclude_schemas);
    case OPT_ON_CONFLICT:
        return parse_on_conflict(t, optarg);
    case OPT_ON_INVALID:
        return parse_on_invalid(t, optarg);
    case OPT_MAX_ERRORS:
        return parse_max_errors(cl, optarg);
    case OPT_ROWS_CASCADE:
        cl->opts.rows_cascade = 1;
        return CLI_GO_ON;
    case OPT_REJECT_FILE:
        cl->opts.reject_file = optarg;
        return CLI_GO_ON;
    case OPT_COMMIT:
        return parse_commit(cl, optarg);
    case OPT_RESUME:
        cl->opts.resume = 1;
        cl->opts.target_options.resume = 1;
        return CLI_GO_ON;
    case OPT_CAST:
        return push(&cl->casts, &cl->ncasts);
    case OPT_RENAME_SCHEMA:
        return push(&cl->rename_schemas, &cl->nrename_schemas);
    case OPT_RENAME_TABLE:
        return push(&cl->rename_tables, &cl->nrename_tables);
    case OPT_IF_EXISTS:
        cl->if_exists = 1;
        return CLI_GO_ON;
    case OPT_SQL_FILE:
        cl->opts.sql_file = optarg;
        return CLI_GO_ON;
    case OPT_EXTENSION:
        return push(&cl->extensions, &cl->nextensions);
    case OPT_TRUST_FUNCTION:
        return push(&cl->trusted, &cl->ntrusted);
    case OPT_VERIFY:
        cl->verify = 1;
        return CLI_GO_ON;
    case OPT_ROWS:
        return push(&cl->rows, &cl->nrows);
    case 'v':
        cl->opts.verbose = 1;
        cl->opts.target_options.verbose = 1;
        return CLI_GO_ON;
    default: /* -V, -q, -w, -W, -?, --help, and what is no option */
        return cli_run_common_option(c, argv, DB_VERSION, usage);
    }
}

/* --sql-file must not overwrite what the import reads or writes. */
static int check_sql_file(const command_line *cl)
{
    struct stat a, b;
    const char *f = cl->opts.sql_file;
    if (!f || strcmp(f, "-") == 0 || stat(f, &a) != 0)
        return CLI_GO_ON;
    const char *others[] = {cl->opts.input, cl->opts.target};
    for (size_t i = 0; i < 2; i++)
        if (others[i] && stat(others[i], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            cli_message("error", "--sql-file=%s is the %s: the script would overwrite it", f,
                        i == 0 ? "FILE being imported" : "TARGET database");
            return 2;
        }
    return CLI_GO_ON;
}

/* --rename-schema / --rename-table: well-formed, and not with --verify
 * (which compares the target with the file's own names). */
static int check_renames(const command_line *cl)
{
    char err[512];
    db_renames *r = NULL;
    if (db_renames_new(&r, cl->rename_schemas, cl->rename_tables, err, sizeof err) < 0) {
        cli_message("error", "%s", err);
        return 2;
    }
    int renames = r != NULL;
    db_renames_free(r);
    if (renames && cl->verify) {
        cli_message("error", "--verify compares the target with the file's names: not with "
                             "--rename-schema or --rename-table");
        return 2;
    }
    return check_sql_file(cl);
}

/* TARGET [FILE] and the options that go together, once every option is read. */
static int check_arguments(command_line *cl, int argc, char **argv)
{
    if (optind == argc || argc - optind > 2) {
        cli_message("error", optind == argc ? "no TARGET given" : "too many arguments");
        fprintf(stderr, "Usage: dbimport [OPTION]... TARGET [FILE]\n"
                        "Try \"dbimport --help\" for more information.\n");
        return 2;
    }
    if (cl->verify && (cl->opts.target_options.dry_run || cl->opts.row_filters)) {
        cli_message("error", "--verify compares the committed target with the file: not with "
                             "--dry-run or --rows");
        return 2;
    }
    const db_target_options *t = &cl->opts.target_options;
    if (cl->if_exists && !t->clean) {
        cli_message("error", "--if-exists only goes with --clean");
        return 2;
    }
    if (t->clean && (t->data_only || t->require_empty)) {
        cli_message("error", "--clean drops and creates tables: not with %s",
                    t->data_only ? "--data-only" : "--require-empty");
        return 2;
    }
    if (cl->opts.target_options.privileges && cl->opts.target_options.untrusted) {
        cli_message("error", "--privileges hands tables to the file's roles: not with --untrusted");
        return 2;
    }
    if (cl->opts.target_options.schema_only && cl->opts.target_options.data_only) {
        cli_message("error", "--schema-only and --data-only cannot be used together");
        return 2;
    }
    if (cl->opts.verbose && cli_quiet()) {
        cli_message("error", "--verbose and --quiet cannot be used together");
        return 2;
    }
    cl->opts.target = argv[optind];
    cl->opts.input = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (cl->verify && (!cl->opts.input || strcmp(cl->opts.input, "-") == 0)) {
        cli_message("error", "--verify reads FILE again after the import: give a file, not "
                             "standard input");
        return 2;
    }
    if (cl->opts.rows_cascade && !cl->rows) {
        cli_message("error", "--rows-cascade follows what --rows programs delete: give --rows");
        return 2;
    }
    if (cl->opts.reject_file) {
        if (!cl->opts.input || strcmp(cl->opts.input, "-") == 0) {
            cli_message("error", "--reject-file reads FILE again for the refused rows: give a "
                                 "file, not standard input");
            return 2;
        }
        if (!cl->max_errors_given)
            cl->opts.max_errors = UINT64_MAX;
        cl->opts.reject_rows = cl->opts.max_errors > 0;
    }
    if (cl->casts) {
        char err[512];
        db_casts *c = db_casts_new(cl->casts, err, sizeof err);
        if (!c) {
            cli_message("error", "%s", err);
            return 2;
        }
        db_casts_free(c);
    }
    return check_renames(cl);
}

/* FILE is another kind of file users hand dbimport by mistake: a SQLite
 * database (to be exported first) or a pg_dump archive. Says so, and
 * returns 1; a file that cannot be read, and a pipe, are left to the
 * import. */
static int wrong_kind_of_file(const char *input)
{
    unsigned char head[16] = {0};
    struct stat st;
    /* only a regular file: reading a pipe's first bytes would take them */
    FILE *f = input && strcmp(input, "-") && stat(input, &st) == 0 && S_ISREG(st.st_mode)
                  ? fopen(input, "rb")
                  : NULL;
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (got == 16 && memcmp(head, "SQLite format 3", 16) == 0) {
        cli_message("error",
                    "%s is a SQLite database, not an export file\n"
                    "hint: export it first: dbexport %s | dbimport TARGET",
                    input, input);
        return 1;
    }
    if (got >= 5 && memcmp(head, "PGDMP", 5) == 0) {
        cli_message("error",
                    "%s is a pg_dump archive, not an export file\n"
                    "hint: restore it with pg_restore, or dbexport the database itself",
                    input);
        return 1;
    }
    return 0;
}

/* A bare name (no '/', no '.') that is not a file: pg_restore's users type
 * a database name there. The import goes on, creating the SQLite file, but
 * says so first. */
static void note_new_sqlite_file(const char *target)
{
    const char *path = NULL;
    struct stat st;
    if (cli_locator_classify(target, &path) == CLI_LOCATOR_POSTGRESQL || !path ||
        strchr(path, '/') || strchr(path, '.') || stat(path, &st) == 0)
        return;
    cli_message("note",
                "no file \"%s\" here: creating a new SQLite database of that name\n"
                "hint: a PostgreSQL database is given as postgresql:///%s or dbname=%s",
                path, path, path);
}

/* --verify: the committed target against the file, tables of the file
 * only (the target may hold others of its own). 0 when they hold the same,
 * 3 when not, or when the comparison itself failed. */
static int verify(const command_line *cl)
{
    dd_diff_options o = {
        .a = cl->opts.input,
        .b = cl->opts.target,
        .selection = {cl->include, cl->exclude, cl->include_schemas, cl->exclude_schemas},
        .report = {.max_rows = 10, .quiet = cli_quiet()},
        .data_only = cl->opts.target_options.data_only,
        .schema_only = cl->opts.target_options.schema_only,
        .selected = cl->include || cl->exclude || cl->include_schemas || cl->exclude_schemas,
        .file_tables_only = 1,
        .verbose = cl->opts.verbose};
    int rc = dd_diff(&o);
    if (rc == 1)
        cli_message("error", "--verify: the target does not hold what the file holds (the import "
                             "is committed)");
    else if (rc != 0)
        cli_message("error", "--verify: the comparison failed (the import is committed)");
    return rc == 0 ? 0 : 3;
}

static int parse_command_line(command_line *cl, int argc, char **argv)
{
    int rc = cli_run_options(options, parse_option, cl, argc, argv);
    return rc != CLI_GO_ON ? rc : check_arguments(cl, argc, argv);
}

int main(int argc, char **argv)
{
    command_line cl = {0};

    cli_set_program("dbimport");
    cl.opts.target_options.single_transaction = 1;
    int rc = parse_command_line(&cl, argc, argv);
    if (rc == CLI_GO_ON) {
        cl.opts.include_tables = cl.include;
        cl.opts.exclude_tables = cl.exclude;
        cl.opts.include_schemas = cl.include_schemas;
        cl.opts.exclude_schemas = cl.exclude_schemas;
        cl.opts.target_options.extensions = cl.extensions;
        cl.opts.target_options.trusted_functions = cl.trusted;
        cl.opts.target_options.selected =
            cl.include || cl.exclude || cl.include_schemas || cl.exclude_schemas;
        cl.opts.row_filters = cl.rows;
        cl.opts.casts = cl.casts;
        cl.opts.rename_schemas = cl.rename_schemas;
        cl.opts.rename_tables = cl.rename_tables;
        if (wrong_kind_of_file(cl.opts.input)) {
            rc = 1;
        } else {
            note_new_sqlite_file(cl.opts.target);
            rc = db_import(&cl.opts);
            rc = rc == DB_IMPORT_BAD_RENAME ? 2 : rc < 0 ? 1 : rc == DB_IMPORT_REJECTED ? 4 : 0;
            if (rc == 0 && cl.verify)
                rc = verify(&cl);
        }
    }
    free(cl.include);
    free(cl.exclude);
    free(cl.include_schemas);
    free(cl.exclude_schemas);
    free(cl.extensions);
    free(cl.trusted);
    free(cl.rows);
    free(cl.casts);
    free(cl.rename_schemas);
    free(cl.rename_tables);
    return rc;
}
