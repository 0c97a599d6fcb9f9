/* --commit and --resume: the driver's side (resume.h). */
#include "resume.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_commit_parse(const char *arg, uint64_t *every, char *err, size_t errlen)
{
    char *end = NULL;
    if (strcmp(arg, "all") == 0) {
        *every = 0;
        return 0;
    }
    if (strcmp(arg, "table") == 0) {
        *every = DB_COMMIT_PER_TABLE;
        return 0;
    }
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || *arg == '-' || n == 0 || n == ULLONG_MAX) {
        snprintf(err, errlen, "--commit=%s: give all, table or a number of rows (1 or more)", arg);
        return -1;
    }
    *every = (uint64_t)n;
    return 0;
}

/* The renames of a run, NULL-terminated lists of OLD:NEW, as
 * "; renamed schema A:B, table C:D" (or ""). */
static size_t renames_len(const char *const *list)
{
    size_t n = 0;
    for (size_t i = 0; list && list[i]; i++)
        n += strlen(list[i]) + 9;
    return n;
}

static void renames_cat(char *s, const char *what, const char *const *list, int *first)
{
    for (size_t i = 0; list && list[i]; i++) {
        strcat(s, *first ? "; renamed " : ", ");
        strcat(s, what);
        strcat(s, list[i]);
        *first = 0;
    }
}

char *db_resume_file_identity(const fmt_header *h, const char *const *rename_schemas,
                              const char *const *rename_tables)
{
    const char *parts[] = {h->format_version, h->created,        h->generator,
                           h->source_backend, h->source_version, h->source_database};
    const char *labels[] = {"format ", "created ", "by ", "from ", " ", " database "};
    size_t n = 1 + 10 + renames_len(rename_schemas) + renames_len(rename_tables);
    for (size_t i = 0; i < 6; i++)
        n += strlen(labels[i]) + (parts[i] ? strlen(parts[i]) : 1) + 2;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < 6; i++) {
        if (i > 0 && i != 4 && i != 5)
            strcat(s, "; ");
        strcat(s, labels[i]);
        strcat(s, parts[i] ? parts[i] : "-");
    }
    int first = 1;
    renames_cat(s, "schema ", rename_schemas, &first);
    renames_cat(s, "table ", rename_tables, &first);
    return s;
}

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static uint64_t hash_value(uint64_t h, const fmt_value *v)
{
    unsigned char kind = (unsigned char)v->kind;
    h = fnv(h, &kind, 1);
    switch (v->kind) {
    case FMT_VALUE_NULL:
        return h;
    case FMT_VALUE_INTEGER:
        return fnv(h, &v->i, sizeof v->i);
    case FMT_VALUE_REAL:
        return fnv(h, &v->d, sizeof v->d);
    case FMT_VALUE_BOOLEAN: {
        unsigned char b = v->b != 0;
        return fnv(h, &b, 1);
    }
    case FMT_VALUE_ARRAY: {
        uint64_t n = v->array ? v->array->n : 0;
        h = fnv(h, &n, sizeof n);
        for (size_t i = 0; i < n; i++)
            h = hash_value(h, &v->array->items[i]);
        return h;
    }
    default: {
        uint64_t n = v->len;
        h = fnv(h, &n, sizeof n);
        return v->len ? fnv(h, v->bytes, v->len) : h;
    }
    }
}

void db_resume_row_fingerprint(const fmt_value *values, const unsigned char *present, size_t n,
                               char out[17])
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        unsigned char here = present ? present[i] != 0 : 1;
        h = fnv(h, &here, 1);
        if (here)
            h = hash_value(h, &values[i]);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

const db_progress_table *db_progress_find(const db_progress *p, const char *key)
{
    for (size_t i = 0; p && key && i < p->ntables; i++)
        if (p->tables[i].table && strcmp(p->tables[i].table, key) == 0)
            return &p->tables[i];
    return NULL;
}

void db_progress_clear(db_progress *p)
{
    for (size_t i = 0; i < p->ntables; i++) {
        free(p->tables[i].table);
        free(p->tables[i].last_row);
    }
    free(p->tables);
    free(p->file);
    db_progress_notes_clear(&p->notes);
    memset(p, 0, sizeof *p);
}
