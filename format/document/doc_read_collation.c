/* A collation as a file names it (FORMAT.md 3): its plain name in
 * "collation" and, from PostgreSQL, its schema in "collation_namespace".
 * dbexport before collation_namespace wrote a PostgreSQL collation as SQL
 * text instead: quoted where SQL needs quotes, and qualified when outside
 * pg_catalog ("\"C\"", ucs_basic, "\"My Schema\".\"case insens\""). Such a
 * 1.0 file still reads: its text is split back into the two names. */
#include <stdlib.h>
#include <string.h>

#include "doc_reader_internal.h"

/* One name of the quoted form at *p, copied to *out: "..." with "" for a
 * quote inside, or what SQL leaves unquoted ([a-z_][a-z0-9_$]*, which is
 * all quote_ident leaves bare). 1, 0 when it is not one, -1 out of memory. */
static int legacy_name(const char **p, char **out)
{
    const char *s = *p;
    size_t n = 0;
    char *name;
    if (*s == '"') {
        const char *q = s + 1;
        for (;; q++) {
            if (*q == '\0')
                return 0;
            if (*q == '"' && q[1] != '"')
                break;
            if (*q == '"')
                q++;
            n++;
        }
        if (n == 0 || !(name = malloc(n + 1)))
            return n == 0 ? 0 : -1;
        n = 0;
        for (q = s + 1; !(*q == '"' && q[1] != '"'); q++) {
            if (*q == '"')
                q++;
            name[n++] = *q;
        }
        name[n] = '\0';
        *p = q + 1;
        *out = name;
        return 1;
    }
    if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
           s[n] == '$')
        n++;
    if (!(name = malloc(n + 1)))
        return -1;
    memcpy(name, s, n);
    name[n] = '\0';
    *p = s + n;
    *out = name;
    return 1;
}

int doc_collation_from_1_0(char **collation, char **collation_namespace)
{
    const char *p = *collation;
    char *first = NULL, *second = NULL;
    int rc = legacy_name(&p, &first);
    if (rc == 1 && *p == '.') {
        p++;
        rc = legacy_name(&p, &second);
    }
    if (rc == 1 && *p == '\0') {
        free(*collation);
        *collation = second ? second : first;
        *collation_namespace = second ? first : NULL;
        return 0;
    }
    free(first);
    free(second);
    return rc < 0 ? -1 : 0; /* not the quoted form: the name as it is */
}
