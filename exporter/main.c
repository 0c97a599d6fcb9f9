/* dbexport: writes a whole database to one interchange file. This file owns
 * the command line; export.c walks the source. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"

#ifndef DB_VERSION
#define DB_VERSION "0.1.0"
#endif

enum { OPT_NO_TIMESTAMP = 1000, OPT_VECTOR_COLUMN };

static const cli_option options[] = {
    {"file", 'f', 1, "FILE", "write to FILE instead of standard output"},
    {"compress", 'Z', 1, "LEVEL", "gzip level 0-9 (default 6 for *.gz, else 0 = plain)"},
    {"table", 't', 1, "PATTERN", "export only tables matching PATTERN (repeatable)"},
    {"exclude-table", 'T', 1, "PATTERN", "do not export tables matching PATTERN (repeatable)"},
    {"schema", 'n', 1, "PATTERN", "PostgreSQL: export only schemas matching PATTERN (repeatable)"},
    {"exclude-schema", 'N', 1, "PATTERN",
     "PostgreSQL: do not export schemas matching PATTERN (repeatable)"},
    {"schema-only", 's', 0, NULL, "export table definitions, no rows"},
    {"data-only", 'a', 0, NULL, "rows and column definitions only (no keys, indexes, views)"},
    {"vector-column", OPT_VECTOR_COLUMN, 1, "TABLE.COLUMN:N",
     "export a BLOB column as vector(N): N little-endian float32 (repeatable)"},
    {"no-timestamp", OPT_NO_TIMESTAMP, 0, NULL,
     "leave out \"created\", for byte-identical exports"},
    {"verbose", 'v', 0, NULL, "report each table and its row count on stderr"},
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
               "PostgreSQL a -t/-T pattern with a '.' matches \"schema.table\".\n"
               "\n"
               "Exit status: 0 success, 1 export failed (no output file is left behind),\n"
               "2 bad usage.\n"
               "\n"
               "The file format is described in docs/FORMAT.md.\n");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv)
{
    db_export_options opts = DB_EXPORT_OPTIONS_INIT;
    const char **include = NULL, **exclude = NULL;
    const char **vectors = NULL;
    size_t nvectors = 0;
    const char **include_schemas = NULL, **exclude_schemas = NULL;
    size_t ninclude = 0, nexclude = 0, ninclude_schemas = 0, nexclude_schemas = 0;
    const char *sqlite_path = NULL;
    char *shortopts = NULL;
    void *longopts = NULL;
    int rc = 2, level = -1;

    cli_set_program("dbexport");
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
        case 'f':
            opts.output = optarg;
            break;
        case 'Z': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*optarg == 0 || *end || v < 0 || v > 9) {
                cli_message("error", "invalid compression level \"%s\": use 0-9", optarg);
                goto done;
            }
            level = (int)v;
            break;
        }
        case 't':
        case 'T':
            if (cli_push_pattern(c == 't' ? &include : &exclude, c == 't' ? &ninclude : &nexclude,
                                 optarg) < 0) {
                rc = 1;
                goto done;
            }
            break;
        case 'n':
        case 'N':
            if (cli_push_pattern(c == 'n' ? &include_schemas : &exclude_schemas,
                                 c == 'n' ? &ninclude_schemas : &nexclude_schemas, optarg) < 0) {
                rc = 1;
                goto done;
            }
            break;
        case 's':
            opts.schema_only = 1;
            break;
        case 'a':
            opts.data_only = 1;
            break;
        case 'v':
            opts.verbose = 1;
            break;
        case 'V':
            printf("dbexport %s\n", DB_VERSION);
            rc = 0;
            goto done;
        case '?':
        case ':':
            if (!cli_option_error(c, argv, optind, optopt))
                goto done;
            usage(stdout);
            rc = 0;
            goto done;
        case OPT_NO_TIMESTAMP:
            opts.no_timestamp = 1;
            break;
        case OPT_VECTOR_COLUMN:
            if (cli_push_pattern(&vectors, &nvectors, optarg) < 0) {
                rc = 1;
                goto done;
            }
            break;
        default:
            cli_option_error('?', argv, optind, 0);
            goto done;
        }
    }
    if (optind != argc - 1) {
        cli_message("error", optind == argc ? "no SOURCE given" : "too many arguments");
        fprintf(stderr, "Usage: dbexport [OPTION]... SOURCE\n"
                        "Try \"dbexport --help\" for more information.\n");
        goto done;
    }
    if (opts.schema_only && opts.data_only) {
        cli_message("error", "--schema-only and --data-only cannot be used together");
        goto done;
    }
    opts.source = argv[optind];
    if ((include_schemas || exclude_schemas) &&
        cli_locator_classify(opts.source, &sqlite_path) != CLI_LOCATOR_POSTGRESQL) {
        cli_message("error", "-n/-N apply to PostgreSQL sources only");
        goto done;
    }
    opts.gzip_level = level >= 0 ? level : (opts.output && ends_with(opts.output, ".gz") ? 6 : 0);
    opts.source_options.include_tables = include;
    opts.source_options.exclude_tables = exclude;
    opts.source_options.include_schemas = include_schemas;
    opts.source_options.exclude_schemas = exclude_schemas;
    opts.version = DB_VERSION;
    opts.vector_columns = vectors;
    rc = db_export(&opts) < 0 ? 1 : 0;
done:
    free(include);
    free(exclude);
    free(vectors);
    free(include_schemas);
    free(exclude_schemas);
    free(shortopts);
    free(longopts);
    return rc;
}
