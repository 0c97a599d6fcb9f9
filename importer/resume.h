/* --commit=table|N and --resume, the driver's half (the target's is its
 * progress ops, target.h): what a commit point records, and how a resumed
 * run knows it reads the same file. */
#ifndef DB_RESUME_H
#define DB_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* "all" (0), "table" (UINT64_MAX: at each table's end) or a row count N:
 * *every; 0, or -1 with a message in err. */
#define DB_COMMIT_PER_TABLE UINT64_MAX
int db_commit_parse(const char *arg, uint64_t *every, char *err, size_t errlen);

/* What identifies the file a record belongs to: its header's format
 * version, time, generator and source, and the run's --rename-schema and
 * --rename-table (NULL-terminated lists, or NULL), which name the tables
 * of the record. A new string, or NULL (no memory). */
char *db_resume_file_identity(const fmt_header *h, const char *const *rename_schemas,
                              const char *const *rename_tables);

/* A fingerprint of one row of the file (its values as read): 16 hex
 * digits of a 64-bit FNV-1a hash over every value's kind and bytes, into
 * out (at least 17 bytes). */
void db_resume_row_fingerprint(const fmt_value *values, const unsigned char *present, size_t n,
                               char out[17]);

/* The record of table key, or NULL. */
const db_progress_table *db_progress_find(const db_progress *p, const char *key);

#endif
