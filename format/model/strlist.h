/* Growable lists of owned strings, as the schema model and every backend
 * keep them. */
#ifndef FMT_STRLIST_H
#define FMT_STRLIST_H

#include <stddef.h>

/* Appends s, taking ownership (s is freed if the list cannot grow; a NULL s
 * is a failure, so fmt_strdup's result can be passed straight in). 0 or -1. */
int fmt_strings_push(char ***list, size_t *n, char *s);
/* Appends a copy of s (NULL is copied as ""). 0 or -1. */
int fmt_strings_push_copy(char ***list, size_t *n, const char *s);
void fmt_strings_free(char **list, size_t n);
/* 1 when the two lists hold the same strings in the same order. */
int fmt_strings_equal(char *const *a, size_t na, char *const *b, size_t nb);

/* A copy of s, or NULL when s is NULL or memory ran out. */
char *fmt_strdup(const char *s);

#endif
