/* The writer's value codec (values_write.c), for doc_writer.c: how a value
 * of each portable type is written into the document. The array functions
 * are also for a target that stores arrays as JSON text (SQLite). */
#ifndef FMT_VALUES_WRITE_H
#define FMT_VALUES_WRITE_H

#include <stdint.h>

#include "json_writer.h"
#include "types.h"
#include "value.h"

/* Writes v for a column of type t: natural form when lossless, tagged
 * otherwise. Returns -2 for a value the format has no way to carry in that
 * column, -1 when the JSON writer fails. */
int fmt_values_write(fmt_json_writer *j, const fmt_type *t, const fmt_value *v);
/* An integer as a JSON number when jq 1.6 keeps it exact, else as a string
 * (also for a column's "last_value"). */
int fmt_values_write_integer(fmt_json_writer *j, int64_t v);
/* An array tree (value.h) as a JSON array, each element by its kind: the
 * reader's tree comes out as the compact form of the file's array. */
int fmt_values_write_array(fmt_json_writer *j, const fmt_array *a);
/* The same as compact JSON text, handed to sink. 0 or -1. */
int fmt_values_array_json(fmt_sink_fn sink, void *ctx, const fmt_array *a);

#endif
