/* Locators: telling a SQLite path from a PostgreSQL connection string, and
 * masking the password in any locator a message echoes. See cli.h. */
#include "cli.h"

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

cli_locator_kind cli_locator_classify(const char *s, const char **path_out)
{
    if (path_out)
        *path_out = s;
    if (has_prefix(s, "postgres://") || has_prefix(s, "postgresql://"))
        return CLI_LOCATOR_POSTGRESQL;
    if (has_prefix(s, "sqlite:")) {
        if (path_out)
            *path_out = s + strlen("sqlite:");
        return CLI_LOCATOR_SQLITE;
    }
    if (looks_like_conninfo(s))
        return CLI_LOCATOR_POSTGRESQL;
    return CLI_LOCATOR_SQLITE;
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

char *cli_locator_mask(const char *s)
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
