/* sqlite_guard: what the SQLite target checks in the names and SQL text a
 * file hands it before running it (docs/SECURITY.md). Text in, verdict out;
 * each check returns 0, or -1 with the reason in why. */
#ifndef SQLITE_GUARD_H
#define SQLITE_GUARD_H

#include <stddef.h>

#include "schema.h"

/* A table or index the file may create or load: not one of SQLite's own
 * (sqlite_schema, sqlite_sequence, sqlite_stat1, any sqlite_*), which the
 * target maintains itself. */
int sqlite_guard_table_name(const char *name, char *why, size_t whylen);
/* One "CREATE VIEW name ..." with the entry's name: no TEMP, no IF NOT
 * EXISTS, no second statement. */
int sqlite_guard_view(const char *sql, const char *name, char *why, size_t whylen);
/* One "CREATE TRIGGER name ... ON table ..." with the entry's name and
 * table (the caller checks that the import created the table). */
int sqlite_guard_trigger(const char *sql, const char *name, const char *table, char *why,
                         size_t whylen);
/* One expression that can be pasted between parentheses. */
int sqlite_guard_expression(const char *expression, char *why, size_t whylen);
/* One "CREATE [UNIQUE] INDEX name ON table ..." with the entry's names. */
int sqlite_guard_index(const char *sql, const char *name, const char *table, char *why,
                       size_t whylen);
/* Walks what a SQLite target pastes or runs of t: its name (as the target
 * spells it: name, or "namespace.name"), defaults, generation expressions,
 * CHECKs, index expressions and predicates, and (from a SQLite source, the
 * only one whose statement runs) each index's statement. */
int sqlite_guard_table(const fmt_table *t, const char *name, int source_is_sqlite, char *why,
                       size_t whylen);

#endif
