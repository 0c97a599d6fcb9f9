/* Messages for people on stderr: "PROG: LEVEL: text". See cli.h. */
#include "cli.h"

#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

static const char *program_name = "db";

void cli_set_program(const char *name)
{
    program_name = name;
}

void cli_message(const char *level, const char *fmt, ...)
{
    va_list ap;
    cli_progress_clear();
    va_start(ap, fmt);
    if (level)
        fprintf(stderr, "%s: %s: ", program_name, level);
    else
        fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *cli_program(void)
{
    return program_name;
}
