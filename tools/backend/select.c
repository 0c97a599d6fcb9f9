/* See select.h. */
#include "select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static char **copy_list(const char *const *patterns, int *failed)
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
    dst->include_tables = copy_list(include_tables, &failed);
    dst->exclude_tables = copy_list(exclude_tables, &failed);
    dst->include_schemas = copy_list(include_schemas, &failed);
    dst->exclude_schemas = copy_list(exclude_schemas, &failed);
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
    memset(s, 0, sizeof *s);
}

int db_patterns_match(char *const *patterns, const char *name)
{
    for (size_t i = 0; patterns && patterns[i]; i++)
        if (fnmatch(patterns[i], name, 0) == 0)
            return 1;
    return 0;
}

int db_selection_schema(const db_selection *s, const char *schema)
{
    if (!schema)
        return !s->include_schemas;
    if (s->include_schemas && !db_patterns_match(s->include_schemas, schema))
        return 0;
    return !db_patterns_match(s->exclude_schemas, schema);
}

/* A pattern with a '.' names "schema.table"; a table without a schema is
 * its own qualified name (a SQLite table may be called "sales.orders"). */
static int table_matches(char *const *patterns, const char *schema, const char *name)
{
    for (size_t i = 0; patterns && patterns[i]; i++) {
        int qualified_pattern = strchr(patterns[i], '.') != NULL;
        if (qualified_pattern && schema) {
            size_t ns = strlen(schema), nn = strlen(name);
            char stack[256], *q = ns + nn + 2 <= sizeof stack ? stack : malloc(ns + nn + 2);
            if (!q)
                return 0;
            memcpy(q, schema, ns);
            q[ns] = '.';
            memcpy(q + ns + 1, name, nn + 1);
            int hit = fnmatch(patterns[i], q, 0) == 0;
            if (q != stack)
                free(q);
            if (hit)
                return 1;
        } else if (fnmatch(patterns[i], name, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

int db_selection_table(const db_selection *s, const char *schema, const char *name)
{
    if (!db_selection_schema(s, schema))
        return 0;
    if (s->include_tables && !table_matches(s->include_tables, schema, name))
        return 0;
    return !table_matches(s->exclude_tables, schema, name);
}
