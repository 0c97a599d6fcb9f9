/* The option table that drives both getopt_long and --help, and the
 * errors for options getopt_long rejects. See cli.h. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_print_options(void *stream, const cli_option *opts)
{
    FILE *f = stream;
    fprintf(f, "Options:\n");
    for (const cli_option *o = opts; o->long_name; o++) {
        char left[64];
        if (o->short_name < 256)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->long_name,
                     o->has_arg ? "=" : "", o->has_arg ? o->arg_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->long_name, o->has_arg ? "=" : "",
                     o->has_arg ? o->arg_name : "");
        if (strlen(left) > 26)
            fprintf(f, "  %s\n  %-26s  %s\n", left, "", o->help);
        else
            fprintf(f, "  %-26s  %s\n", left, o->help);
    }
}

int cli_getopt_tables(const cli_option *opts, char **shortopts, void **longopts)
{
    size_t n = 0;
    while (opts[n].long_name)
        n++;
    char *s = malloc(2 * n + 2);
    struct option *l = calloc(n + 1, sizeof *l);
    if (!s || !l) {
        free(s);
        free(l);
        return -1;
    }
    char *p = s;
    *p++ = ':'; /* report a missing argument as ':' */
    for (size_t i = 0; i < n; i++) {
        l[i].name = opts[i].long_name;
        l[i].has_arg = opts[i].has_arg ? required_argument : no_argument;
        l[i].val = opts[i].short_name;
        if (opts[i].short_name < 256) {
            *p++ = (char)opts[i].short_name;
            if (opts[i].has_arg)
                *p++ = ':';
        }
    }
    *p = 0;
    *shortopts = s;
    *longopts = l;
    return 0;
}

int cli_option_error(int c, char *const *argv, int next_index, int bad_option)
{
    const char *arg = argv[next_index - 1];
    if (c == '?' && !bad_option && (strcmp(arg, "--help") == 0 || strcmp(arg, "-?") == 0))
        return 1;
    const char *what = c == ':' ? "option \"%s%s\" needs an argument" : "unknown option \"%s%s\"";
    char letter[2] = {(char)bad_option, 0};
    if (bad_option > 0 && bad_option < 256)
        cli_message("error", what, "-", letter);
    else
        cli_message("error", what, "", arg);
    fprintf(stderr, "Try \"%s --help\" for more information.\n", cli_program());
    return 0;
}

int cli_push_pattern(const char ***list, size_t *n, const char *p)
{
    const char **grown = realloc(*list, (*n + 2) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*n)++] = p;
    grown[*n] = NULL;
    *list = grown;
    return 0;
}
