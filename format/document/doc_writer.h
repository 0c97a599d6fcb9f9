/* Writes an interchange document: header, then each table's metadata and
 * rows, then native objects. Values are encoded by the column's portable
 * type, in natural form where it is lossless and tagged otherwise. */
#ifndef FMT_DOC_WRITER_H
#define FMT_DOC_WRITER_H

#include "json_writer.h"
#include "schema.h"
#include "value.h"

typedef struct fmt_doc_writer fmt_doc_writer;

int fmt_doc_writer_new(fmt_doc_writer **out, fmt_sink_fn sink, void *ctx);
void fmt_doc_writer_free(fmt_doc_writer *w);

/* Writes the header keys and opens "tables". */
int fmt_doc_write_header(fmt_doc_writer *w, const fmt_header *h);
/* Writes the table's metadata and, if with_rows, opens its "rows". */
int fmt_doc_write_table_begin(fmt_doc_writer *w, const fmt_table *t, int with_rows);
/* values[i] belongs to t->columns[i]; generated columns are skipped. */
int fmt_doc_write_row(fmt_doc_writer *w, const fmt_value *values);
/* The same, leaving out the columns whose present[i] is 0 (a row without
 * a column's key takes its default at import, FORMAT.md 5); present NULL:
 * every column. */
int fmt_doc_write_row_present(fmt_doc_writer *w, const fmt_value *values,
                              const unsigned char *present);
int fmt_doc_write_table_end(fmt_doc_writer *w);
/* Closes "tables", writes "triggers" and "views", ends the document. */
int fmt_doc_write_end(fmt_doc_writer *w, const fmt_native_object *objects, size_t nobjects);
/* The same, with extra top-level members after "views", written by extra
 * (dbimport's "rejected" list). */
int fmt_doc_write_end_with(fmt_doc_writer *w, const fmt_native_object *objects, size_t nobjects,
                           int (*extra)(fmt_json_writer *j, void *ctx), void *ctx);
const char *fmt_doc_writer_errmsg(const fmt_doc_writer *w);

#endif
