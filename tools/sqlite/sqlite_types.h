/* SQLite declared types and the portable types, both ways: how a declared
 * type is read (the source), how a portable type is declared (the target),
 * and the affinity and family rules by which a file column is judged
 * against an existing target column. One home, so that what the target
 * declares is what the source reads back. */
#ifndef DB_SQLITE_TYPES_H
#define DB_SQLITE_TYPES_H

#include "sqlbuf.h"
#include "types.h"

/* The portable type of a column declared as declared (NULL or "" when no
 * type was given); strict: the table is STRICT. 0, or -1 (memory). */
int sqlite_type_read(fmt_type *out, const char *declared, int strict);

/* Appends " TYPE", SQLite's declaration of the portable type ty (nothing
 * for any). 0, or -1 when there is no declaration for ty. */
int sqlite_type_declare(db_buf *b, const fmt_type *ty);

/* Appends " NAME TEXT" for a column of portable type native whose
 * native_type (from another backend) is the identifier NAME, " TEXT" for
 * any other: TEXT affinity keeps each value's text as it is, and
 * sqlite_type_read reads the known names back as native. */
int sqlite_type_declare_native(db_buf *b, const char *native_type);

/* 1 if s is a declared type as SQLite's grammar has it: words, then
 * optionally "(n)" or "(n, m)". Text from a file that is anything else is
 * refused rather than pasted into a CREATE TABLE. */
int sqlite_type_is_declaration(const char *s);

/* SQLite's own affinity rules (datatype3.html, 3.1). */
typedef enum {
    DB_SQLITE_AFFINITY_INTEGER,
    DB_SQLITE_AFFINITY_TEXT,
    DB_SQLITE_AFFINITY_BLOB,
    DB_SQLITE_AFFINITY_REAL,
    DB_SQLITE_AFFINITY_NUMERIC
} sqlite_affinity;

sqlite_affinity sqlite_type_affinity(const char *declared);

/* Compatibility of a file column with an existing target column is judged
 * by family, not exact type: in SQLite every value is stored by its own
 * class, and a date is text whether the column says DATE or TEXT. So the
 * question is only whether values of the file's type belong in that column
 * at all: numbers (booleans, integers, floats, decimals), text (strings,
 * temporal values, uuid, json) or bytes (blobs, vectors). Typeless and
 * unknown declarations accept anything, since we cannot judge them. */
typedef enum {
    DB_SQLITE_FAMILY_ANY,
    DB_SQLITE_FAMILY_NUMBER,
    DB_SQLITE_FAMILY_TEXT,
    DB_SQLITE_FAMILY_BYTES
} sqlite_type_family;

sqlite_type_family sqlite_family_of_portable(fmt_type_kind k);
/* The family of a declared type, judged as sqlite_type_read reads it. */
sqlite_type_family sqlite_family_of_declared(const char *declared);

#endif
