/* See strlist.h. */
#include "strlist.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

int fmt_strings_push(char ***list, size_t *n, char *s)
{
    if (!s)
        return -1;
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(s);
        return -1;
    }
    grown[(*n)++] = s;
    *list = grown;
    return 0;
}

int fmt_strings_push_copy(char ***list, size_t *n, const char *s)
{
    return fmt_strings_push(list, n, fmt_strdup(s ? s : ""));
}

void fmt_strings_free(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

char **fmt_patterns_copy(const char *const *patterns, int *failed)
{
    size_t n = 0;
    if (!patterns)
        return NULL;
    while (patterns[n])
        n++;
    char **out = calloc(n + 1, sizeof *out);
    if (!out) {
        *failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = fmt_strdup(patterns[i])))
            *failed = 1;
    return out;
}

void fmt_patterns_free(char **patterns)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        free(patterns[i]);
    free(patterns);
}

int fmt_patterns_match(char *const *patterns, const char *name)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        if (fnmatch(patterns[i], name, 0) == 0)
            return 1;
    return 0;
}
