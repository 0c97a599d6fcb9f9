/* dbdiff: are two databases, two export files, or a file and a database
 * the same? Tables are matched by key (name, or namespace.name) in
 * document order and their rows merged in primary key order, both sides
 * streamed, so memory does not grow with the tables. This file owns the
 * command line and walks the tables; docs/DBDIFF.md is the manual. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "dbdiff.h"

#ifndef DB_VERSION
#define DB_VERSION "0.1.0"
#endif

enum { OPT_FORMAT = 1000, OPT_MAX_ROWS, OPT_SHOW_EXPECTED, OPT_PRIVILEGES };

static const cli_option options[] = {
    {"table", 't', 1, "PATTERN", "compare only tables matching PATTERN (repeatable)"},
    {"exclude-table", 'T', 1, "PATTERN", "do not compare tables matching PATTERN (repeatable)"},
    {"schema", 'n', 1, "PATTERN", "compare only schemas matching PATTERN (repeatable)"},
    {"exclude-schema", 'N', 1, "PATTERN", "do not compare schemas matching PATTERN (repeatable)"},
    {"data-only", 'a', 0, NULL, "compare rows only, not the schema"},
    {"schema-only", 's', 0, NULL, "compare the schema only, not the rows"},
    {"privileges", OPT_PRIVILEGES, 0, NULL,
     "PostgreSQL: also read and compare owners and grants (a file has them if exported so)"},
    {"max-rows", OPT_MAX_ROWS, 1, "N", "show at most N row differences per table (default 10)"},
    {"show-expected", OPT_SHOW_EXPECTED, 0, NULL,
     "also list the differences expected across backends"},
    {"format", OPT_FORMAT, 1, "FORMAT", "text (default) or json: one JSON document"},
    {"no-password", 'w', 0, NULL, "PostgreSQL: never prompt for a password"},
    {"password", 'W', 0, NULL, "PostgreSQL: prompt for a password before connecting"},
    {"verbose", 'v', 0, NULL, "a line per table on stderr; progress lines if not a terminal"},
    {"quiet", 'q', 0, NULL, "print nothing; the exit status says it"},
    {"version", 'V', 0, NULL, "print the version and exit"},
    {"help", '?', 0, NULL, "print this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "dbdiff compares two databases or export files by meaning, table by table\n"
               "and row by row.\n"
               "\n"
               "Usage:\n"
               "  dbdiff [OPTION]... A B\n"
               "\n"
               "A and B are each an export file (plain or gzip; - for standard input), a\n"
               "SQLite database file (or sqlite:PATH), or a PostgreSQL connection URI\n"
               "(postgresql://...) or key=value string (\"dbname=x\").\n"
               "\n");
    cli_print_options(f, options);
    fprintf(f, "\n"
               "PATTERN is a shell glob matched against table names (\"user*\"); a -t/-T\n"
               "pattern with a '.' matches \"schema.table\".\n"
               "\n"
               "Exit status: 0 no differences, 1 differences found, 2 trouble (a bad file,\n"
               "a database error, bad usage).\n"
               "\n"
               "The comparison rules are described in docs/DBDIFF.md.\n");
}

typedef struct {
    db_source_options selection;
    dd_report_options report;
    const char **include, **exclude, **include_schemas, **exclude_schemas;
    size_t ninclude, nexclude, ninclude_schemas, nexclude_schemas;
    int data_only, schema_only, verbose;
    const char *a, *b;
} command_line;

static int push(const char ***list, size_t *n, const char *arg)
{
    return cli_push_pattern(list, n, arg) < 0 ? 2 : CLI_GO_ON;
}

static int parse_value(command_line *cl, int c, const char *arg)
{
    if (c == OPT_FORMAT) {
        if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0) {
            cli_message("error", "invalid --format \"%s\": use text or json", arg);
            return 2;
        }
        cl->report.format_json = strcmp(arg, "json") == 0;
        return CLI_GO_ON;
    }
    char *end;
    unsigned long long n = strtoull(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end) {
        cli_message("error", "invalid --max-rows \"%s\": use a number", arg);
        return 2;
    }
    cl->report.max_rows = n;
    return CLI_GO_ON;
}

static int parse_option(void *ctx, int c, char **argv)
{
    command_line *cl = ctx;
    switch (c) {
    case 't':
        return push(&cl->include, &cl->ninclude, optarg);
    case 'T':
        return push(&cl->exclude, &cl->nexclude, optarg);
    case 'n':
        return push(&cl->include_schemas, &cl->ninclude_schemas, optarg);
    case 'N':
        return push(&cl->exclude_schemas, &cl->nexclude_schemas, optarg);
    case 'a':
        cl->data_only = 1;
        return CLI_GO_ON;
    case 's':
        cl->schema_only = 1;
        return CLI_GO_ON;
    case 'q':
        cl->report.quiet = 1;
        cli_set_quiet(1); /* no progress line either */
        return CLI_GO_ON;
    case 'v':
        cl->verbose = 1;
        return CLI_GO_ON;
    case OPT_SHOW_EXPECTED:
        cl->report.show_expected = 1;
        return CLI_GO_ON;
    case OPT_PRIVILEGES:
        cl->selection.privileges = 1;
        return CLI_GO_ON;
    case OPT_FORMAT:
    case OPT_MAX_ROWS:
        return parse_value(cl, c, optarg);
    default: /* -w, -W, -V, -?, --help, and what is no option */
        return cli_run_common_option(c, argv, DB_VERSION, usage);
    }
}

static int parse_command_line(command_line *cl, int argc, char **argv)
{
    int rc = cli_run_options(options, parse_option, cl, argc, argv);
    if (rc != CLI_GO_ON)
        return rc == 1 ? 2 : rc;
    if (argc - optind != 2) {
        cli_message("error",
                    argc - optind < 2 ? "two operands needed, A and B" : "too many arguments");
        fprintf(stderr, "Usage: dbdiff [OPTION]... A B\n"
                        "Try \"dbdiff --help\" for more information.\n");
        return 2;
    }
    if (cl->schema_only && cl->data_only) {
        cli_message("error", "--schema-only and --data-only cannot be used together");
        return 2;
    }
    if (cl->verbose && cl->report.quiet) {
        cli_message("error", "--verbose and --quiet cannot be used together");
        return 2;
    }
    if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0) {
        cli_message("error", "only one of A and B can be standard input");
        return 2;
    }
    cl->a = argv[optind];
    cl->b = argv[optind + 1];
    cl->selection.include_tables = cl->include;
    cl->selection.exclude_tables = cl->exclude;
    cl->selection.include_schemas = cl->include_schemas;
    cl->selection.exclude_schemas = cl->exclude_schemas;
    return CLI_GO_ON;
}

static int run_diff(const command_line *cl)
{
    dd_diff_options o = {.a = cl->a,
                         .b = cl->b,
                         .selection = cl->selection,
                         .report = cl->report,
                         .data_only = cl->data_only,
                         .schema_only = cl->schema_only,
                         .verbose = cl->verbose,
                         .selected = cl->include || cl->exclude || cl->include_schemas ||
                                     cl->exclude_schemas};
    return dd_diff(&o);
}

int main(int argc, char **argv)
{
    command_line cl = {.report = {.max_rows = 10}};
    cli_set_program("dbdiff");
    int rc = parse_command_line(&cl, argc, argv);
    if (rc == CLI_GO_ON)
        rc = run_diff(&cl);
    free(cl.include);
    free(cl.exclude);
    free(cl.include_schemas);
    free(cl.exclude_schemas);
    return rc;
}
