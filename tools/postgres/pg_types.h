/* PostgreSQL type names and the format's portable types, both ways: the
 * source reads a catalog type (name, schema, extension, typmod) as a
 * portable type; the target writes a portable type as the name CREATE
 * TABLE takes (docs/MAPPING.md). */
#ifndef PG_TYPES_H
#define PG_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "sqlbuf.h"
#include "types.h"

/* The portable type of a built-in type (by its pg_catalog name, e.g.
 * "int4", "bpchar") or a pgvector type (by its name in the "vector"
 * extension) with the column's typmod. 1 when the name is one of them (out
 * filled; a typmod the format cannot carry makes it text or native), 0
 * when not (out untouched). */
int pg_type_builtin(fmt_type *out, const char *nspname, const char *typname, const char *extname,
                    int32_t typmod);

/* The PostgreSQL type for a portable scalar kind with its parameters (-1:
 * none): "numeric(10,2)", "\"public\".vector(3)". vector_schema is the
 * schema of the vector extension (NULL: public). Text, any and native give
 * "text". */
void pg_type_name(db_buf *b, fmt_type_kind k, int32_t p1, int32_t p2, const char *vector_schema);

/* Integers, floats and decimal. */
bool pg_type_is_number(fmt_type_kind k);
/* vector, halfvec and sparsevec (pgvector's). */
bool pg_type_is_vector(fmt_type_kind k);

#endif
