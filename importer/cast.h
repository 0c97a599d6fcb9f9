/* dbimport --cast: a column's type changed on the way in, the conversions
 * users make when they move up from SQLite (JSON text to jsonb, JSON
 * array text to a PostgreSQL array, a JSON array of numbers, a float8[] or
 * a float32 BLOB to vector(n), text to uuid or timestamptz). The driver
 * hands each target the cast table and the converted rows, so every target
 * creates and loads the new type the same way. */
#ifndef DB_CAST_H
#define DB_CAST_H

#include <stddef.h>

#include "schema.h"
#include "value.h"

typedef struct db_casts db_casts;

/* specs: "TABLE.COLUMN:TYPE" (TABLE and COLUMN shell globs; TABLE is the
 * table's key, "schema.table" outside the default schema) or "TYPE:TYPE"
 * (every column of the first portable type), NULL-terminated. NULL with
 * the reason in err for a spec that is not one, or a cast it cannot do. */
db_casts *db_casts_new(const char *const *specs, char *err, size_t errlen);
void db_casts_free(db_casts *c);

/* t as the target gets it: t itself when no cast applies, else a copy
 * (valid until the next call) whose cast columns have the new type and no
 * source-specific type. -1 when out of memory. */
/* hints: NULL, or one per column, the portable type of the target's
 * existing column (FMT_TYPE_COUNT_: none): a column no --cast names is then
 * cast to it where values need converting (JSON text to an array or jsonb;
 * text, an array or a BLOB to a vector). */
int db_casts_table(db_casts *c, const fmt_table *t, const fmt_type *hints, const fmt_table **out);
/* 1 when the current table has a cast column. */
int db_casts_active(const db_casts *c);
/* The row converted (valid until the next row). -1 with the reason in err
 * and the column's index in *column for a value that does not convert. */
int db_casts_row(db_casts *c, const fmt_value *in, const unsigned char *present,
                 const fmt_value **out, size_t *column, char *err, size_t errlen);
/* A spec that matched no column of the file so far, or NULL. */
const char *db_casts_unused(const db_casts *c);
/* What the current table's casts are, "tags: text -> array(text)", for -v. */
/* (automatic_only: just the casts the hints made.) */
void db_casts_describe(const db_casts *c, int automatic_only,
                       void (*line)(void *ctx, const char *text), void *ctx);

#endif
