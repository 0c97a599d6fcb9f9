/* One error and warning handle for every backend, sources and targets
 * alike: the last error as an allocated message (never truncated), a sticky
 * out-of-memory flag for when even that could not be allocated, and the
 * warnings collected for the summary. Backends record here and return;
 * only the programs print (see docs/ARCHITECTURE.md). */
#ifndef DB_DIAG_H
#define DB_DIAG_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *message; /* the last error, or NULL */
    char *column;  /* a row error's column, when the backend knows it, or NULL */
    int oom;       /* memory ran out (message may be NULL then) */
    char **warnings;
    size_t nwarnings;
} db_diag;

/* A newly allocated formatted string, or NULL when memory ran out. */
char *db_vformat(const char *fmt, va_list ap);
char *db_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Replaces the error with the formatted message. Always returns -1, so
 * `return db_error(d, ...)` ends a failing function. */
int db_error(db_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records that memory ran out. An error already recorded stays the message
 * (a later out-of-memory, say while adding a warning, must not hide it);
 * without one, db_errmsg says "out of memory". Returns -1. */
int db_oom(db_diag *d);
/* Appends a warning line. Returns 0, or -1 (and sets oom) when memory ran
 * out. */
int db_warn(db_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message for people: the error, "out of memory", or "no error". */
const char *db_errmsg(const db_diag *d);
/* Takes the current error (the caller frees it) and leaves none; used to
 * keep a failure across a clean-up that may fail itself. */
char *db_error_take(db_diag *d);
/* Puts back an error taken with db_error_take (ownership moves back; NULL
 * means memory ran out). */
void db_error_restore(db_diag *d, char *message);
/* The warnings, borrowed until db_diag_free. */
void db_diag_warnings(const db_diag *d, char ***lines, size_t *nlines);
void db_diag_free(db_diag *d);

#endif
