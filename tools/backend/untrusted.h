/* --untrusted: the part of a file an import may create without running any
 * SQL text the file carries (docs/SECURITY.md). Backend-neutral: the
 * driver hands targets a stripped copy of each table and of the header,
 * and no views or triggers, so both targets behave alike. */
#ifndef DB_UNTRUSTED_H
#define DB_UNTRUSTED_H

#include <stdint.h>

#include "schema.h"

/* What was left out, counted for the summary. */
typedef struct {
    uint64_t defaults;           /* column defaults (the column keeps NULL) */
    uint64_t generated;          /* generation expressions (plain nullable columns) */
    uint64_t checks;             /* CHECK constraints */
    uint64_t expression_indexes; /* on expressions, partial, or of another method or opclass */
    uint64_t exclusions;         /* exclusion constraints: their operators run functions */
    uint64_t partitionings;      /* partitioned tables, created as one table */
    uint64_t domain_expressions; /* domains' defaults and CHECKs */
    uint64_t policies;           /* row-level security policies (RLS stays on: rows hidden) */
    uint64_t functions;          /* functions and procedures (their bodies are code) */
    uint64_t views;
    uint64_t materialized_views; /* their queries run at REFRESH */
    uint64_t triggers;
} db_untrusted_report;

/* Fills out with a copy of t that shares t's strings but has no SQL text:
 * no default, generation expression, CHECK, expression or partial index,
 * index of another access method or operator class (untrusted.c), index
 * statement, exclusion constraint or partitioning. The columns and indexes are arrays of
 * the copy's own; free them with db_untrusted_table_free (not
 * fmt_table_free). 0, or -1 when memory ran out. */
int db_untrusted_table(const fmt_table *t, fmt_table *out, db_untrusted_report *report);
void db_untrusted_table_free(fmt_table *out);

/* The same for the header: domains without defaults and CHECKs, no
 * functions. */
int db_untrusted_header(const fmt_header *h, fmt_header *out, db_untrusted_report *report);
void db_untrusted_header_free(fmt_header *out);

/* Counts the views and triggers left out. */
void db_untrusted_objects(const fmt_native_object *objects, size_t n, db_untrusted_report *report);

#endif
