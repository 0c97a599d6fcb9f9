/* Command-line helpers shared by dbexport and dbimport. */
#include "cli.h"

#include "progress.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A libpq key=value string starts with a keyword and '=' (after optional
 * spaces), e.g. "host=/tmp dbname=app" or "dbname = app". */
static int looks_like_conninfo(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *k = s;
    while ((*s >= 'a' && *s <= 'z') || *s == '_')
        s++;
    if (s == k)
        return 0;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '=';
}

fmt_locator_kind fmt_locator_classify(const char *s, const char **path_out)
{
    if (path_out)
        *path_out = s;
    if (has_prefix(s, "postgres://") || has_prefix(s, "postgresql://"))
        return FMT_LOCATOR_POSTGRESQL;
    if (has_prefix(s, "sqlite:")) {
        if (path_out)
            *path_out = s + strlen("sqlite:");
        return FMT_LOCATOR_SQLITE;
    }
    if (looks_like_conninfo(s))
        return FMT_LOCATOR_POSTGRESQL;
    return FMT_LOCATOR_SQLITE;
}

/* Replaces [from, to) of *s with "****". */
static char *splice(char *s, size_t from, size_t to)
{
    size_t len = strlen(s);
    char *out = malloc(len - (to - from) + 5);
    if (!out) {
        free(s);
        return NULL;
    }
    memcpy(out, s, from);
    memcpy(out + from, "****", 4);
    memcpy(out + from + 4, s + to, len - to + 1);
    free(s);
    return out;
}

char *fmt_locator_mask(const char *s)
{
    char *out = s ? strdup(s) : NULL;
    if (!out)
        return NULL;
    if (has_prefix(out, "postgres://") || has_prefix(out, "postgresql://")) {
        char *auth = strstr(out, "://") + 3;
        size_t hostpart = strcspn(auth, "/?#");
        char *at = NULL;
        for (char *p = auth; p < auth + hostpart; p++)
            if (*p == '@')
                at = p; /* the last '@' ends the userinfo */
        if (at) {
            char *colon = memchr(auth, ':', (size_t)(at - auth));
            if (colon)
                out = splice(out, (size_t)(colon + 1 - out), (size_t)(at - out));
        }
        /* ?password=... among the query parameters */
        for (char *p = out ? strchr(out, '?') : NULL; p && *p;) {
            p++;
            if (has_prefix(p, "password=")) {
                size_t from = (size_t)(p + 9 - out), to = from + strcspn(p + 9, "&#");
                out = splice(out, from, to);
                if (!out)
                    return NULL;
                p = out + from + 4;
            }
            p = strchr(p, '&');
        }
        return out;
    }
    /* key=value: password = 'quoted \' value' or bare */
    for (char *p = out; p && (p = strstr(p, "password")) != NULL;) {
        int at_word_start = p == out || p[-1] == ' ' || p[-1] == '\t';
        char *q = p + 8;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!at_word_start || *q != '=') {
            p += 8;
            continue;
        }
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        char *end = q;
        if (*end == '\'') {
            end++;
            while (*end && *end != '\'') {
                if (*end == '\\' && end[1])
                    end++;
                end++;
            }
            if (*end)
                end++;
        } else {
            while (*end && *end != ' ' && *end != '\t')
                end++;
        }
        size_t from = (size_t)(q - out);
        out = splice(out, from, (size_t)(end - out));
        if (!out)
            return NULL;
        p = out + from + 4;
    }
    return out;
}

void fmt_cli_print_options(void *stream, const fmt_cli_option *opts)
{
    FILE *f = stream;
    fprintf(f, "Options:\n");
    for (const fmt_cli_option *o = opts; o->long_name; o++) {
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

int fmt_cli_getopt_tables(const fmt_cli_option *opts, char **shortopts, void **longopts)
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

static const char *program_name = "db";

void fmt_cli_set_program(const char *name)
{
    program_name = name;
}

void fmt_cli_message(const char *level, const char *fmt, ...)
{
    va_list ap;
    fmt_progress_clear();
    va_start(ap, fmt);
    if (level)
        fprintf(stderr, "%s: %s: ", program_name, level);
    else
        fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int fmt_cli_option_error(int c, char *const *argv, int next_index, int bad_option)
{
    const char *arg = argv[next_index - 1];
    if (c == '?' && !bad_option && (strcmp(arg, "--help") == 0 || strcmp(arg, "-?") == 0))
        return 1;
    const char *what = c == ':' ? "option \"%s%s\" needs an argument" : "unknown option \"%s%s\"";
    char letter[2] = {(char)bad_option, 0};
    if (bad_option > 0 && bad_option < 256)
        fmt_cli_message("error", what, "-", letter);
    else
        fmt_cli_message("error", what, "", arg);
    fprintf(stderr, "Try \"%s --help\" for more information.\n", program_name);
    return 0;
}

int fmt_cli_push_pattern(const char ***list, size_t *n, const char *p)
{
    const char **grown = realloc(*list, (*n + 2) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*n)++] = p;
    grown[*n] = NULL;
    *list = grown;
    return 0;
}
