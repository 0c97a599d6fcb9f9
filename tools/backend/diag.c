/* See diag.h. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *db_vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *db_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = db_vformat(fmt, ap);
    va_end(ap);
    return s;
}

int db_error(db_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = db_vformat(fmt, ap);
    va_end(ap);
    free(d->message);
    d->message = s;
    if (!s)
        d->oom = 1;
    return -1;
}

int db_oom(db_diag *d)
{
    /* An error already recorded is what went wrong first (often what the
     * failed allocation was meant to report on): keep it. */
    d->oom = 1;
    return -1;
}

int db_warn(db_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = db_vformat(fmt, ap);
    va_end(ap);
    char **grown = s ? realloc(d->warnings, (d->nwarnings + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(s);
        d->oom = 1;
        return -1;
    }
    grown[d->nwarnings++] = s;
    d->warnings = grown;
    return 0;
}

const char *db_errmsg(const db_diag *d)
{
    if (!d || (d->oom && !d->message))
        return "out of memory";
    return d->message ? d->message : "no error";
}

char *db_error_take(db_diag *d)
{
    char *m = d->message;
    d->message = NULL;
    return m;
}

void db_error_restore(db_diag *d, char *message)
{
    free(d->message);
    d->message = message;
    if (!message)
        d->oom = 1;
}

void db_diag_warnings(const db_diag *d, char ***lines, size_t *nlines)
{
    *lines = d->warnings;
    *nlines = d->nwarnings;
}

void db_diag_free(db_diag *d)
{
    if (!d)
        return;
    free(d->message);
    free(d->column);
    for (size_t i = 0; i < d->nwarnings; i++)
        free(d->warnings[i]);
    free(d->warnings);
    memset(d, 0, sizeof *d);
}
