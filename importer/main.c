/* dbimport: loads one interchange file into a database. This file owns the
 * command line; import.c drives the target. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "import.h"

#ifndef DB_VERSION
#define DB_VERSION "0.1.0"
#endif

enum { OPT_ON_INVALID = 999, OPT_ON_CONFLICT = 1000, OPT_DRY_RUN, OPT_REQUIRE_EMPTY };

static const cli_option options[] = {
    {"table", 't', 1, "PATTERN", "import only tables matching PATTERN (repeatable)"},
    {"exclude-table", 'T', 1, "PATTERN", "do not import tables matching PATTERN (repeatable)"},
    {"schema-only", 's', 0, NULL, "create the tables, load no rows"},
    {"data-only", 'a', 0, NULL, "load rows into existing tables; create nothing"},
    {"on-conflict", OPT_ON_CONFLICT, 1, "MODE",
     "on a duplicate key: error (default), skip the row, or update the existing row"},
    {"on-invalid", OPT_ON_INVALID, 1, "MODE",
     "a value the target cannot hold: error (default), null (set it to NULL), or skip-row; "
     "what it did is counted and reported"},
    {"dry-run", OPT_DRY_RUN, 0, NULL,
     "validate the whole file against the target and print per-table row counts; write "
     "nothing"},
    {"require-empty", OPT_REQUIRE_EMPTY, 0, NULL,
     "refuse to import when a table of the file already exists in the target and holds rows"},
    {"verbose", 'v', 0, NULL, "report each table and its row count on stderr"},
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
               "The import is all-or-nothing: one transaction, and any error rolls it back,\n"
               "leaving the target as it was. Keys, indexes and triggers are created after the\n"
               "data; foreign keys are checked at the end.\n"
               "\n"
               "Exit status: 0 success, 1 import failed (the target is unchanged), 2 bad usage.\n");
}

int main(int argc, char **argv)
{
    db_import_options opts = {0};
    const char **include = NULL, **exclude = NULL;
    size_t ninclude = 0, nexclude = 0;
    char *shortopts = NULL;
    void *longopts = NULL;
    int rc = 2;

    cli_set_program("dbimport");
    opts.target_options.single_transaction = 1;
    if (cli_getopt_tables(options, &shortopts, &longopts) < 0) {
        cli_message("error", "out of memory");
        return 1;
    }
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 't':
        case 'T':
            if (cli_push_pattern(c == 't' ? &include : &exclude, c == 't' ? &ninclude : &nexclude,
                                 optarg) < 0) {
                rc = 1;
                goto done;
            }
            break;
        case 's':
            opts.target_options.schema_only = 1;
            break;
        case 'a':
            opts.target_options.data_only = 1;
            break;
        case OPT_ON_CONFLICT:
            if (strcmp(optarg, "error") == 0)
                opts.target_options.on_conflict = DB_ON_CONFLICT_ERROR;
            else if (strcmp(optarg, "skip") == 0)
                opts.target_options.on_conflict = DB_ON_CONFLICT_SKIP;
            else if (strcmp(optarg, "update") == 0)
                opts.target_options.on_conflict = DB_ON_CONFLICT_UPDATE;
            else {
                cli_message("error", "invalid --on-conflict \"%s\": use error, skip or update",
                            optarg);
                goto done;
            }
            break;
        case OPT_ON_INVALID:
            if (strcmp(optarg, "error") == 0)
                opts.target_options.on_invalid = DB_ON_INVALID_ERROR;
            else if (strcmp(optarg, "null") == 0)
                opts.target_options.on_invalid = DB_ON_INVALID_NULL;
            else if (strcmp(optarg, "skip-row") == 0)
                opts.target_options.on_invalid = DB_ON_INVALID_SKIP_ROW;
            else {
                cli_message("error", "invalid --on-invalid \"%s\": use error, null or skip-row",
                            optarg);
                goto done;
            }
            break;
        case OPT_DRY_RUN:
            opts.target_options.dry_run = 1;
            break;
        case OPT_REQUIRE_EMPTY:
            opts.target_options.require_empty = 1;
            break;
        case 'v':
            opts.verbose = 1;
            break;
        case 'V':
            printf("dbimport %s\n", DB_VERSION);
            rc = 0;
            goto done;
        case '?':
        case ':':
            if (!cli_option_error(c, argv, optind, optopt))
                goto done;
            usage(stdout);
            rc = 0;
            goto done;
        default:
            cli_option_error('?', argv, optind, 0);
            goto done;
        }
    }
    if (optind == argc || argc - optind > 2) {
        cli_message("error", optind == argc ? "no TARGET given" : "too many arguments");
        fprintf(stderr, "Usage: dbimport [OPTION]... TARGET [FILE]\n"
                        "Try \"dbimport --help\" for more information.\n");
        goto done;
    }
    if (opts.target_options.schema_only && opts.target_options.data_only) {
        cli_message("error", "--schema-only and --data-only cannot be used together");
        goto done;
    }
    opts.target = argv[optind];
    opts.input = optind + 1 < argc ? argv[optind + 1] : NULL;
    opts.include_tables = include;
    opts.exclude_tables = exclude;
    rc = db_import(&opts) < 0 ? 1 : 0;
done:
    free(include);
    free(exclude);
    free(shortopts);
    free(longopts);
    return rc;
}
