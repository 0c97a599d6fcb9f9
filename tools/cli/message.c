/* Messages for people on stderr: "PROG: LEVEL: text". See cli.h. */
#include "cli.h"

#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static const char *program_name = "db";
static int quiet;

/* Writes text to f with every control character but the line breaks of
 * the message's own "hint:" lines escaped (\r, \x1b, ...): names in messages
 * come from files, and a name holding a carriage return or a terminal
 * escape could otherwise print a fake "imported 11 tables" over a failed
 * import. */
static void put_escaped(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n' && strncmp((const char *)p + 1, "hint: ", 6) == 0 && p[1] != '\0')
            fputc('\n', f);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

void cli_set_program(const char *name)
{
    program_name = name;
}

void cli_message(const char *level, const char *fmt, ...)
{
    va_list ap;
    if (quiet && (!level || strcmp(level, "error") != 0))
        return;
    cli_progress_clear();
    va_start(ap, fmt);
    char *text = db_vformat(fmt, ap);
    va_end(ap);
    if (level)
        fprintf(stderr, "%s: %s: ", program_name, level);
    else
        fprintf(stderr, "%s: ", program_name);
    put_escaped(stderr, text ? text : "out of memory");
    fputc('\n', stderr);
    free(text);
}

const char *cli_program(void)
{
    return program_name;
}

void cli_set_quiet(int on)
{
    quiet = on;
}

int cli_quiet(void)
{
    return quiet;
}

const char *cli_plural(unsigned long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
