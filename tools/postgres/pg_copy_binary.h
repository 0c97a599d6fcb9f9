/* The binary COPY encoder: the rows PostgreSQL's COPY ... FROM STDIN WITH
 * (FORMAT binary) reads, built from the file's values, for the column types
 * whose binary input gives exactly what the text encoder's text
 * (pg_copy_encode.h) gives through the type's input function: integers,
 * floats, boolean, text, varchar, char(n), name, bytea, pgvector's vector
 * and halfvec, uuid, date, timestamp, timestamptz, json and jsonb. A value
 * with no such form here (a float's text that the server would refuse, a
 * timestamp written in a style this file does not parse, a value the text
 * encoder refuses) is not guessed at: the caller sends the table by text
 * from that row on, and the text path decides as it always did. Knows
 * nothing about connections. */
#ifndef PG_COPY_BINARY_H
#define PG_COPY_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "pg_copy_encode.h"
#include "sqlbuf.h"
#include "value.h"

/* A column's binary form, decided by the target's column type. */
typedef enum {
    PG_BIN_NONE, /* no exact binary form here: the table goes by text */
    PG_BIN_INT2,
    PG_BIN_INT4,
    PG_BIN_INT8,
    PG_BIN_FLOAT4,
    PG_BIN_FLOAT8,
    PG_BIN_BOOL,
    PG_BIN_TEXT, /* text, varchar, bpchar: the bytes, as text input takes them */
    PG_BIN_NAME,
    PG_BIN_BYTEA,
    PG_BIN_VECTOR,
    PG_BIN_HALFVEC,
    PG_BIN_UUID,
    PG_BIN_DATE,
    PG_BIN_TIMESTAMP,
    PG_BIN_TIMESTAMPTZ,
    PG_BIN_JSON,
    PG_BIN_JSONB
} pg_binary_type;

/* The binary form of a column whose type is typname (pg_type.typname) of
 * kind typtype ('b' base, 'd' domain, ...): builtin when the type is in
 * pg_catalog, pgvector when it belongs to the vector extension. */
pg_binary_type pg_copy_binary_type(const char *typname, char typtype, int builtin, int pgvector);

/* The header every binary COPY starts with, and the trailer that ends it. */
void pg_copy_binary_header(db_buf *b);
void pg_copy_binary_trailer(db_buf *b);
/* A row's start: its number of fields. */
void pg_copy_binary_row(db_buf *b, uint16_t nfields);

/* Appends one field of v for a column of form t whose text encoding is c
 * (the binary value is what the server makes of c's text). Returns 0; or
 * 1, with b as it was, when the value has no exact binary form here.
 * Memory running out is b->oom. */
int pg_copy_binary_value(db_buf *b, const fmt_value *v, const pg_column_encoding *c,
                         pg_binary_type t);

/* The parsers behind the date and time forms, for the unit tests: 0 with
 * the value PostgreSQL stores (days or microseconds since 2000-01-01,
 * INT32/INT64 MIN and MAX for -infinity and infinity), or 1 for a text this
 * file does not read exactly (PostgreSQL may still read it: the caller
 * falls back to text). */
int pg_copy_binary_date(int32_t *out, const char *s, size_t n);
int pg_copy_binary_timestamp(int64_t *out, const char *s, size_t n, int with_zone);

#endif
