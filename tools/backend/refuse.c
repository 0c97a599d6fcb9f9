/* See refuse.h. */
#include "refuse.h"

#include <stdarg.h>
#include <stdio.h>

int db_refuse_at(char *why, size_t whylen, const char *fmt, ...)
{
    char reason[256], where[256];
    snprintf(reason, sizeof reason, "%s", why ? why : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof where, fmt, ap);
    va_end(ap);
    snprintf(why, whylen, "%s: %s", where, reason);
    return -1;
}
