/* The driver's entries of the progress record (target.h), which both
 * targets store and read back: a library of their own, since the targets
 * are built and tested without the driver. */
#include "target.h"

#include <stdlib.h>
#include <string.h>

int db_progress_notes_add(db_progress_notes *notes, const char *kind, const char *name,
                          const char *detail)
{
    db_progress_note *grown = realloc(notes->v, (notes->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    notes->v = grown;
    db_progress_note *e = &grown[notes->n];
    e->kind = strdup(kind);
    e->name = strdup(name);
    e->detail = strdup(detail ? detail : "");
    if (!e->kind || !e->name || !e->detail) {
        free(e->kind);
        free(e->name);
        free(e->detail);
        return -1;
    }
    notes->n++;
    return 0;
}

void db_progress_notes_clear(db_progress_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++) {
        free(notes->v[i].kind);
        free(notes->v[i].name);
        free(notes->v[i].detail);
    }
    free(notes->v);
    notes->v = NULL;
    notes->n = 0;
}
