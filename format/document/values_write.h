/* The writer's value codec (values_write.c), for doc_writer.c: how a value
 * of each portable type is written into the document. Internal to dbformat. */
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

#endif
