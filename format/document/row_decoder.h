/* Rows of one table given as JSON text, one object at a time, decoded by
 * the document reader's own rules (docs/FORMAT.md sections 3 and 5): what
 * a row filter (a jq program) hands back is read exactly as the same row in
 * a file would be. */
#ifndef FMT_ROW_DECODER_H
#define FMT_ROW_DECODER_H

#include <stddef.h>

#include "schema.h"
#include "value.h"

typedef struct fmt_row_decoder fmt_row_decoder;

/* t is borrowed and must outlive the decoder. 0, or -1 when memory ran out. */
int fmt_row_decoder_new(fmt_row_decoder **out, const fmt_table *t);
/* Decodes json[len], which must be one object and nothing else. On 0,
 * *values and *present (t->ncolumns each) hold the row until the next
 * call; on -1, errmsg says what and column names the column (NULL when
 * the error is not in one). */
int fmt_row_decoder_decode(fmt_row_decoder *d, const char *json, size_t len,
                           const fmt_value **values, const unsigned char **present);
const char *fmt_row_decoder_errmsg(const fmt_row_decoder *d);
const char *fmt_row_decoder_error_column(const fmt_row_decoder *d);
void fmt_row_decoder_free(fmt_row_decoder *d);

#endif
