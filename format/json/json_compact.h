/* Compact re-serialisation of a JSON text: validates it and writes it with
 * no whitespace between tokens. A backend that stores JSON as text (SQLite)
 * uses it to tell whether a stored text is exactly a JSON value's compact
 * form, and so can travel as the value itself without losing a byte. */
#ifndef FMT_JSON_COMPACT_H
#define FMT_JSON_COMPACT_H

#include <stddef.h>

/* Returns 1 if json[0..len) is one valid JSON value whose compact form is
 * exactly those bytes, 0 if it is not (invalid, or differs from its compact
 * form), <0 when out of memory. max_depth bounds nesting. */
int fmt_json_is_compact(const char *json, size_t len, unsigned max_depth);
/* The same, and 0 too when a number in it is one jq 1.6 would write back
 * otherwise (1.50, 1e2, integers past 2^53): a json column's text travels
 * as its value only when a jq pass over the file cannot change it. */
int fmt_json_is_compact_jq(const char *json, size_t len, unsigned max_depth);

#endif
