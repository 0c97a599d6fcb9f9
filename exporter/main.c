/* dbexport: writes a whole database to one interchange file. This file owns
 * the command line; export.c walks the source. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "export.h"
#include "rename.h"

#ifndef DB_VERSION
#define DB_VERSION "0.1.0"
#endif

enum {
    OPT_NO_TIMESTAMP = 1000,
    OPT_VECTOR_COLUMN,
    OPT_FORCE,
    OPT_ROWS,
    OPT_PRIVILEGES,
    OPT_RENAME_SCHEMA,
    OPT_RENAME_TABLE
};

static const cli_option options[] = {
    {"file", 'f', 1, "FILE", "write to FILE instead of standard output"},
    {"force", OPT_FORCE, 0, NULL, "replace FILE even when it is not an export (never the source)"},
    {"compress", 'Z', 1, "LEVEL", "gzip level 0-9 (default 6 for *.gz, else 0 = plain)"},
    {"table", 't', 1, "PATTERN", "export only tables matching PATTERN (repeatable)"},
    {"exclude-table", 'T', 1, "PATTERN", "do not export tables matching PATTERN (repeatable)"},
    {"schema", 'n', 1, "PATTERN", "PostgreSQL: export only schemas matching PATTERN (repeatable)"},
    {"exclude-schema", 'N', 1, "PATTERN",
     "PostgreSQL: do not export schemas matching PATTERN (repeatable)"},
    {"rename-schema", OPT_RENAME_SCHEMA, 1, "OLD:NEW",
     "write schema OLD as NEW: its tables, types, sequences, functions and views, and what "
     "refers to them (repeatable)"},
    {"rename-table", OPT_RENAME_TABLE, 1, "OLD:NEW",
     "write table OLD (TABLE or SCHEMA.TABLE) as NEW, in its schema; foreign keys, sequences and "
     "triggers follow (repeatable)"},
    {"schema-only", 's', 0, NULL, "export table definitions, no rows"},
    {"data-only", 'a', 0, NULL, "rows and column definitions only (no keys, indexes, views)"},
    {"vector-column", OPT_VECTOR_COLUMN, 1, "TABLE.COLUMN:N",
     "export a BLOB column as vector(N): N little-endian float32 (repeatable)"},
    {"rows", OPT_ROWS, 1, "TABLE=JQ",
     "run the jq program JQ on each row of the tables matching TABLE: it outputs the rows to write "
     "(none deletes, one keeps or changes, more add; repeatable, in order)"},
    {"privileges", OPT_PRIVILEGES, 0, NULL,
     "PostgreSQL: carry the owners and grants of schemas, tables, views, sequences and functions "
     "(not by default: roles differ between servers)"},
    {"no-timestamp", OPT_NO_TIMESTAMP, 0, NULL,
     "leave out \"created\", for byte-identical exports"},
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
    fprintf(f, "dbexport writes a whole database to one interchange file (JSON, optionally gzip).\n"
               "\n"
               "Usage:\n"
               "  dbexport [OPTION]... SOURCE\n"
               "\n"
               "SOURCE is a SQLite database file (or sqlite:PATH), or a PostgreSQL\n"
               "connection URI (postgresql://...) or key=value string (\"dbname=x\").\n"
               "\n");
    cli_print_options(f, options);
    fprintf(f, "\n"
               "PATTERN is a shell glob matched against table names (\"user*\"); for\n"
               "PostgreSQL a -t/-T pattern with a '.' matches \"schema.table\". Each\n"
               "pattern must match something, or nothing is exported.\n"
               "\n"
               "Exit status: 0 success, 1 export failed (no output file is left behind),\n"
               "2 bad usage.\n"
               "\n"
               "The file format is described in dbexport-format(5) (docs/FORMAT.md).\n");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* What the command line holds while it is parsed; the lists are
 * NULL-terminated arrays of pointers into argv. */
typedef struct {
    db_export_options opts;
    const char **include, **exclude, **include_schemas, **exclude_schemas, **vectors, **rows,
        **rename_schemas, **rename_tables;
    size_t ninclude, nexclude, ninclude_schemas, nexclude_schemas, nvectors, nrows, nrename_schemas,
        nrename_tables;
    int level; /* -Z, or -1 */
} command_line;

static int parse_level(command_line *cl, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == 0 || *end || v < 0 || v > 9) {
        cli_message("error", "invalid compression level \"%s\": use 0-9", arg);
        return 2;
    }
    cl->level = (int)v;
    return CLI_GO_ON;
}

static int push(const char ***list, size_t *n, const char *arg)
{
    return cli_push_pattern(list, n, arg) < 0 ? 1 : CLI_GO_ON;
}

/* One option getopt_long returned (c) with its argument. */
static int parse_option(void *ctx, int c, char **argv)
{
    command_line *cl = ctx;
    switch (c) {
    case 'f':
        cl->opts.output = optarg;
        return CLI_GO_ON;
    case 'Z':
        return parse_level(cl, optarg);
    case 't':
        return push(&cl->include, &cl->ninclude, optarg);
    case 'T':
        return push(&cl->exclude, &cl->nexclude, optarg);
    case 'n':
        return push(&cl->include_schemas, &cl->ninclude_schemas, optarg);
    case 'N':
        return push(&cl->exclude_schemas, &cl->nexclude_schemas, optarg);
    case 's':
        cl->opts.schema_only = 1;
        return CLI_GO_ON;
    case 'a':
        cl->opts.data_only = 1;
        return CLI_GO_ON;
    case 'v':
        cl->opts.verbose = 1;
        return CLI_GO_ON;
    case OPT_NO_TIMESTAMP:
        cl->opts.no_timestamp = 1;
        return CLI_GO_ON;
    case OPT_PRIVILEGES:
        cl->opts.source_options.privileges = 1;
        return CLI_GO_ON;
    case OPT_FORCE:
        cl->opts.force = 1;
        return CLI_GO_ON;
    case OPT_VECTOR_COLUMN:
        return push(&cl->vectors, &cl->nvectors, optarg);
    case OPT_ROWS:
        return push(&cl->rows, &cl->nrows, optarg);
    case OPT_RENAME_SCHEMA:
        return push(&cl->rename_schemas, &cl->nrename_schemas, optarg);
    case OPT_RENAME_TABLE:
        return push(&cl->rename_tables, &cl->nrename_tables, optarg);
    default: /* -V, -q, -w, -W, -?, --help, and what is no option */
        return cli_run_common_option(c, argv, DB_VERSION, usage);
    }
}

/* SOURCE and the options that go together, once every option is read. */
static int check_arguments(command_line *cl, int argc, char **argv)
{
    const char *sqlite_path = NULL;
    if (optind != argc - 1) {
        cli_message("error", optind == argc ? "no SOURCE given" : "too many arguments");
        fprintf(stderr, "Usage: dbexport [OPTION]... SOURCE\n"
                        "Try \"dbexport --help\" for more information.\n");
        return 2;
    }
    if (cl->opts.schema_only && cl->opts.data_only) {
        cli_message("error", "--schema-only and --data-only cannot be used together");
        return 2;
    }
    if (cl->opts.verbose && cli_quiet()) {
        cli_message("error", "--verbose and --quiet cannot be used together");
        return 2;
    }
    char err[512];
    db_renames *renames = NULL;
    if (db_renames_new(&renames, cl->rename_schemas, cl->rename_tables, err, sizeof err) < 0) {
        cli_message("error", "%s", err);
        return 2;
    }
    db_renames_free(renames);
    cl->opts.source = argv[optind];
    if ((cl->include_schemas || cl->exclude_schemas) &&
        cli_locator_classify(cl->opts.source, &sqlite_path) != CLI_LOCATOR_POSTGRESQL) {
        cli_message("error", "-n/-N apply to PostgreSQL sources only");
        return 2;
    }
    if (cl->opts.source_options.privileges &&
        cli_locator_classify(cl->opts.source, &sqlite_path) != CLI_LOCATOR_POSTGRESQL) {
        cli_message("error", "--privileges applies to PostgreSQL sources only (SQLite has no "
                             "owners or grants; an export file keeps the ones it has)");
        return 2;
    }
    return CLI_GO_ON;
}

static int parse_command_line(command_line *cl, int argc, char **argv)
{
    int rc = cli_run_options(options, parse_option, cl, argc, argv);
    return rc != CLI_GO_ON ? rc : check_arguments(cl, argc, argv);
}

int main(int argc, char **argv)
{
    command_line cl = {.opts = DB_EXPORT_OPTIONS_INIT, .level = -1};
    db_export_options *opts = &cl.opts;

    cli_set_program("dbexport");
    int rc = parse_command_line(&cl, argc, argv);
    if (rc == CLI_GO_ON) {
        opts->gzip_level =
            cl.level >= 0 ? cl.level : (opts->output && ends_with(opts->output, ".gz") ? 6 : 0);
        opts->source_options.include_tables = cl.include;
        opts->source_options.exclude_tables = cl.exclude;
        opts->source_options.include_schemas = cl.include_schemas;
        opts->source_options.exclude_schemas = cl.exclude_schemas;
        opts->version = DB_VERSION;
        opts->vector_columns = cl.vectors;
        opts->row_filters = cl.rows;
        opts->rename_schemas = cl.rename_schemas;
        opts->rename_tables = cl.rename_tables;
        rc = db_export(opts);
        rc = rc == DB_EXPORT_BAD_RENAME ? 2 : rc < 0 ? 1 : 0;
    }
    free(cl.include);
    free(cl.exclude);
    free(cl.vectors);
    free(cl.rows);
    free(cl.rename_schemas);
    free(cl.rename_tables);
    free(cl.include_schemas);
    free(cl.exclude_schemas);
    return rc;
}
