/* The command-line steps both programs take the same way: reading the
 * options through the one table (cli_option), and answering the options
 * every program has (-V, -? and --help, an unknown option or a missing
 * argument). Each step returns the status to exit with, or CLI_GO_ON to
 * go on to the next one. */
#ifndef DB_CLI_RUN_H
#define DB_CLI_RUN_H

#include <stdio.h>

#include "cli.h"

enum { CLI_GO_ON = -1 };

/* One option getopt_long returned (c; its argument is in optarg): CLI_GO_ON
 * or a status. */
typedef int (*cli_option_step)(void *ctx, int c, char **argv);

/* Reads argv's options as the table options describes them, handing each to
 * step until step returns a status. Returns CLI_GO_ON once all are read
 * (optind then indexes the first operand), step's status, or 1 when memory
 * ran out. */
int cli_run_options(const cli_option *options, cli_option_step step, void *ctx, int argc,
                    char **argv);

/* Answers c as every program does: -q (cli_set_quiet), -w and -W
 * (cli_set_password_prompt) are noted and reading goes on (CLI_GO_ON);
 * 'V' prints the version (cli_print_version: 0), -? and --help print usage
 * to stdout (0), an unknown option or a missing argument is reported (2).
 * For the default case of a program's option step. */
int cli_run_common_option(int c, char **argv, const char *version, void (*usage)(FILE *f));

#endif
