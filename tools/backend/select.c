/* See select.h. */
#include "select.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **copy_list(const char *const *patterns, unsigned char **hit, int *failed)
{
    size_t n = 0;
    *hit = NULL;
    if (!patterns)
        return NULL;
    while (patterns[n])
        n++;
    char **out = calloc(n + 1, sizeof *out);
    if (!out || !(*hit = calloc(n + 1, 1))) {
        free(out);
        *failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = strdup(patterns[i])))
            *failed = 1;
    return out;
}

static void free_list(char **patterns)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        free(patterns[i]);
    free(patterns);
}

int db_selection_init(db_selection *dst, const char *const *include_tables,
                      const char *const *exclude_tables, const char *const *include_schemas,
                      const char *const *exclude_schemas)
{
    int failed = 0;
    dst->include_tables = copy_list(include_tables, &dst->hit[0], &failed);
    dst->exclude_tables = copy_list(exclude_tables, &dst->hit[1], &failed);
    dst->include_schemas = copy_list(include_schemas, &dst->hit[2], &failed);
    dst->exclude_schemas = copy_list(exclude_schemas, &dst->hit[3], &failed);
    if (failed) {
        db_selection_free(dst);
        return -1;
    }
    return 0;
}

void db_selection_free(db_selection *s)
{
    if (!s)
        return;
    free_list(s->include_tables);
    free_list(s->exclude_tables);
    free_list(s->include_schemas);
    free_list(s->exclude_schemas);
    for (size_t i = 0; i < 4; i++)
        free(s->hit[i]);
    memset(s, 0, sizeof *s);
}

int db_patterns_match(char *const *patterns, const char *name)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        if (fnmatch(patterns[i], name, 0) == 0)
            return 1;
    return 0;
}

/* 1 if name matches one of the patterns; every pattern that does is
 * marked in hit. */
static int mark_matches(char *const *patterns, unsigned char *hit, const char *name)
{
    int any = 0;
    for (size_t i = 0; patterns && patterns[i]; i++)
        if (fnmatch(patterns[i], name, 0) == 0)
            any = hit[i] = 1;
    return any;
}

int db_selection_schema(const db_selection *s, const char *schema)
{
    if (!schema)
        return !s->include_schemas;
    int in = mark_matches(s->include_schemas, s->hit[2], schema);
    int out = mark_matches(s->exclude_schemas, s->hit[3], schema);
    return (!s->include_schemas || in) && !out;
}

/* A pattern with a '.' names "schema.table"; a table without a schema is
 * its own qualified name (a SQLite table may be called "sales.orders"). */
static int table_matches(char *const *patterns, unsigned char *hit, const char *schema,
                         const char *name)
{
    int any = 0;
    for (size_t i = 0; patterns && patterns[i]; i++) {
        int qualified_pattern = strchr(patterns[i], '.') != NULL;
        int matched;
        if (qualified_pattern && schema) {
            size_t ns = strlen(schema), nn = strlen(name);
            char stack[256], *q = ns + nn + 2 <= sizeof stack ? stack : malloc(ns + nn + 2);
            if (!q)
                return any;
            memcpy(q, schema, ns);
            q[ns] = '.';
            memcpy(q + ns + 1, name, nn + 1);
            matched = fnmatch(patterns[i], q, 0) == 0;
            if (q != stack)
                free(q);
        } else {
            matched = fnmatch(patterns[i], name, 0) == 0;
        }
        if (matched)
            any = hit[i] = 1;
    }
    return any;
}

int db_selection_table(const db_selection *s, const char *schema, const char *name)
{
    if (!db_selection_schema(s, schema))
        return 0;
    /* both lists see every table, so that each pattern's use is known */
    int in = table_matches(s->include_tables, s->hit[0], schema, name);
    int out = table_matches(s->exclude_tables, s->hit[1], schema, name);
    return (!s->include_tables || in) && !out;
}

const char *db_selection_unmatched(const db_selection *s, const char **option)
{
    static const char *const options[] = {"-t", "-T", "-n", "-N"};
    char *const *lists[] = {s->include_tables, s->exclude_tables, s->include_schemas,
                            s->exclude_schemas};
    for (size_t l = 0; l < 4; l++)
        for (size_t i = 0; lists[l] && lists[l][i]; i++)
            if (!s->hit[l][i]) {
                *option = options[l];
                return lists[l][i];
            }
    return NULL;
}

int db_selection_check(const db_selection *s, const char *where, char *why, size_t whylen)
{
    const char *option = NULL, *pattern = db_selection_unmatched(s, &option);
    if (!pattern)
        return 0;
    snprintf(why, whylen,
             "%s pattern \"%s\" matches no %s in %s; nothing was done, so that a typo "
             "cannot move or leave out a table unnoticed",
             option, pattern, option[1] == 't' || option[1] == 'T' ? "table" : "schema of a table",
             where);
    return -1;
}
