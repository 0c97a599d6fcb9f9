/* See cli_run.h. */
#include "cli_run.h"

#include "cli_pg.h"

#include <getopt.h>
#include <stdlib.h>

int cli_run_options(const cli_option *options, cli_option_step step, void *ctx, int argc,
                    char **argv)
{
    char *shortopts = NULL;
    void *longopts = NULL;
    int rc = CLI_GO_ON;
    if (cli_getopt_tables(options, &shortopts, &longopts) < 0) {
        cli_message("error", "out of memory");
        return 1;
    }
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == -1 || (rc = step(ctx, c, argv)) != CLI_GO_ON)
            break;
    }
    free(shortopts);
    free(longopts);
    return rc;
}

int cli_run_common_option(int c, char **argv, const char *version, void (*usage)(FILE *f))
{
    switch (c) {
    case 'q':
        cli_set_quiet(1);
        return CLI_GO_ON;
    case 'w':
        cli_set_password_prompt(CLI_PASSWORD_NEVER);
        return CLI_GO_ON;
    case 'W':
        cli_set_password_prompt(CLI_PASSWORD_ALWAYS);
        return CLI_GO_ON;
    case 'V':
        cli_print_version(stdout, version);
        return 0;
    case '?':
    case ':':
        if (!cli_option_error(c, argv, optind, optopt))
            return 2;
        usage(stdout);
        return 0;
    default:
        cli_option_error('?', argv, optind, 0);
        return 2;
    }
}
