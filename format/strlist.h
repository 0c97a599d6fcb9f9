/* Growable lists of owned strings, and NULL-terminated lists of shell glob
 * patterns (-t/-T/-n/-N), as every backend keeps them. */
#ifndef FMT_STRLIST_H
#define FMT_STRLIST_H

#include <stddef.h>

/* Appends s, taking ownership (s is freed if the list cannot grow; a NULL s
 * is a failure, so fmt_strdup's result can be passed straight in). 0 or -1. */
int fmt_strings_push(char ***list, size_t *n, char *s);
/* Appends a copy of s (NULL is copied as ""). 0 or -1. */
int fmt_strings_push_copy(char ***list, size_t *n, const char *s);
void fmt_strings_free(char **list, size_t n);

/* A NULL-terminated copy of patterns (NULL stays NULL); *failed is set when
 * memory ran out. */
char **fmt_patterns_copy(const char *const *patterns, int *failed);
void fmt_patterns_free(char **patterns);
/* 1 if name matches one of the NULL-terminated patterns (fnmatch). */
int fmt_patterns_match(char *const *patterns, const char *name);

#endif
