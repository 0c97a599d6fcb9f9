/* The warnings of a run, aggregated by kind (see cli.h): "grants are not
 * carried" once with the tables (and views, sequences, functions) it
 * concerns, not once per object. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "sqlbuf.h"

/* How many names a summary line shows before "and N more". */
#define SHOWN 3

/* The subjects other than a table's: one object named, 'view "v"'. */
static const char *const object_subjects[] = {"view \"",     "materialized view \"", "sequence \"",
                                              "function \"", "procedure \"",         "schema \"",
                                              NULL};

/* The subject ('table "t"', 'table "t", column "c"', or one of
 * object_subjects' as 'view "v"') and the kind (the text after the
 * subject's ": "), for a line of that shape; else 0. */
static int split(const char *line, size_t *subject_len, const char **kind)
{
    const char *open = NULL; /* an object's name, after its opening quote */
    for (size_t i = 0; !open && strncmp(line, "table \"", 7) != 0 && object_subjects[i]; i++)
        if (strncmp(line, object_subjects[i], strlen(object_subjects[i])) == 0)
            open = line + strlen(object_subjects[i]);
    if (!open && strncmp(line, "table \"", 7) != 0)
        return 0;
    /* the subject ends at the first '": ' (names with that inside are rare
     * and then simply not grouped) */
    const char *end = strstr(line, "\": ");
    if (!end)
        return 0;
    /* an object's subject is its name alone: in 'view "v" not created:
     * relation "x": ...' the '" ' after "v" ends it, and it is no subject
     * (a function's name is its signature, quotes and all) */
    if (open && end < open)
        return 0;
    for (const char *q = open; q && q < end; q++)
        if (q[0] == '"' && q[1] == ' ')
            return 0;
    *subject_len = (size_t)(end + 1 - line);
    *kind = end + 3;
    return **kind != '\0';
}

void cli_warnings(char *const *lines, size_t n, int verbose)
{
    unsigned char *done = calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *kind;
        if (done && done[i])
            continue;
        if (verbose || !done || !split(lines[i], &len, &kind)) {
            cli_message("warning", "%s", lines[i]);
            continue;
        }
        /* the others of its kind */
        size_t count = 1;
        db_buf names = {0};
        db_buf_addn(&names, lines[i], len);
        for (size_t j = i + 1; j < n; j++) {
            size_t l2;
            const char *k2;
            if (done[j] || !split(lines[j], &l2, &k2) || strcmp(k2, kind) != 0)
                continue;
            done[j] = 1;
            if (++count <= SHOWN) {
                db_buf_add(&names, ", ");
                db_buf_addn(&names, lines[j], l2);
            }
        }
        if (count == 1)
            cli_message("warning", "%s", lines[i]);
        else if (count <= SHOWN)
            cli_message("warning", "%s: %zu times: %s", kind, count, names.oom ? "" : names.buf);
        else
            cli_message("warning", "%s: %zu times: %s and %zu more (-v lists them)", kind, count,
                        names.oom ? "" : names.buf, count - SHOWN);
        db_buf_free(&names);
    }
    free(done);
}
