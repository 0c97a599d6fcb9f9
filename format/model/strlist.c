/* See strlist.h. */
#include "strlist.h"

#include <stdlib.h>
#include <string.h>

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

char *fmt_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int fmt_strings_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}
