/* pg_guard: what the PostgreSQL target checks in every name and piece of
 * SQL text a file hands it before the text is pasted into a statement or
 * run (docs/SECURITY.md, "Structural safety"). An export file is untrusted
 * input: a type name must be a type name, an expression one expression, a
 * view entry exactly that view. No libpq here: text in, verdict out, so
 * every rule is tested without a server. Each check returns 0, or -1 with
 * the reason in why (the caller names the table, column and key). */
#ifndef PG_GUARD_H
#define PG_GUARD_H

#include <stddef.h>

#include "schema.h"

/* PostgreSQL's NAMEDATALEN - 1: longer names are truncated by the server,
 * which could merge two of the file's tables into one. */
#define PG_GUARD_MAX_NAME 63

/* A table, column, constraint, index, type or schema name: not empty, at
 * most PG_GUARD_MAX_NAME bytes. */
int pg_guard_name(const char *name, char *why, size_t whylen);
/* A schema the file's objects may live in: not a system schema
 * (pg_catalog, pg_toast, information_schema, any other pg_*). */
int pg_guard_schema(const char *schema, char *why, size_t whylen);
/* A type as format_type() writes it: a possibly qualified name, or one of
 * the SQL standard's multi-word names ("double precision", "timestamp(3)
 * with time zone", "character varying(20)"), with an optional typmod of
 * numbers and array brackets. Nothing else: no DEFAULT, COLLATE, CHECK,
 * string or operator. */
int pg_guard_type(const char *type, char *why, size_t whylen);
/* A possibly qualified name and nothing else (public.s, "S"."my seq"). */
int pg_guard_qualified_name(const char *name, char *why, size_t whylen);
/* A collation: its name and its schema (or NULL), plain names that the
 * target quotes ("C", "und-x-icu", "case insens" in "My Schema"). */
int pg_guard_collation(const char *collation, const char *collation_namespace, char *why,
                       size_t whylen);
/* One expression that can be pasted between parentheses (defaults, CHECKs,
 * generation expressions, index expressions and predicates, partition
 * keys). The caller always pastes it inside parentheses. */
int pg_guard_expression(const char *expression, char *why, size_t whylen);
/* A partition bound: "DEFAULT" or "FOR VALUES ..." with balanced brackets
 * and nothing after them. */
int pg_guard_partition_bound(const char *bound, char *why, size_t whylen);
/* The expressions a bound that passed pg_guard_partition_bound holds, as a
 * select list "(e1) AS b0, (e2) AS b1" (MINVALUE and MAXVALUE as NULL),
 * for the server to resolve without running them: "" for DEFAULT and hash
 * bounds (integer literals only). NULL when memory ran out. */
char *pg_guard_bound_items(const char *bound);
/* A materialized view's query: it begins with SELECT, WITH, VALUES or
 * TABLE and is one balanced piece of text without ';' (pasted inside
 * parentheses: "AS (query) WITH NO DATA"). */
int pg_guard_query(const char *sql, char *why, size_t whylen);
/* A view entry: one "CREATE VIEW schema.name ..." (schema NULL: public) with
 * the entry's name, no OR REPLACE, TEMPORARY, RECURSIVE or MATERIALIZED. */
int pg_guard_view(const char *sql, const char *schema, const char *name, char *why, size_t whylen);
/* A trigger entry: one "CREATE TRIGGER name ... ON schema.table ..." whose
 * name and table are the entry's (the caller checks that the import
 * created that table). */
int pg_guard_trigger(const char *sql, const char *name, const char *table_schema, const char *table,
                     char *why, size_t whylen);
/* An index entry's statement: one "CREATE [UNIQUE] INDEX name ON [ONLY]
 * schema.table ..." on the table it belongs to. */
int pg_guard_index(const char *sql, const char *name, const char *table_schema, const char *table,
                   char *why, size_t whylen);

/* What pg_guard_function found. */
typedef struct {
    char *statement; /* the CREATE statement to run, without OR REPLACE (caller frees) */
    int atomic;      /* a SQL-standard body (BEGIN ATOMIC, RETURN): parsed at CREATE */
} pg_guard_routine;

/* A function entry (1.3): its sql is one "CREATE [OR REPLACE] FUNCTION"
 * (PROCEDURE for a procedure) of the entry's schema (NULL: public) and
 * name, with one LANGUAGE clause naming the entry's language, no SECURITY
 * DEFINER, no SUPPORT, no SET but SET search_path. */
int pg_guard_function(const fmt_function *f, pg_guard_routine *out, char *why, size_t whylen);
/* An operator name as OPERATOR(schema.op) takes it: operator characters
 * only (+ - * / < > = ~ ! @ # % ^ & | ` ?), at most PG_GUARD_MAX_NAME. */
int pg_guard_operator(const char *op, char *why, size_t whylen);

/* Walks everything of t a PostgreSQL target pastes or names: the table's
 * schema and names, each column's name, native_type, collation, default
 * and generation expression, constraint and index names, CHECK and index
 * expressions, predicates and statements, the partition key and bounds.
 * The reason names the part ("column \"c\": native_type: ..."). Only a
 * PostgreSQL source's native types, collations, defaults, generation
 * expressions and index statements are read: another's are never pasted. */
int pg_guard_table(const fmt_table *t, int source_is_pg, char *why, size_t whylen);
/* The header's user types: names, a domain's base_type, default, CHECKs. */
int pg_guard_header(const fmt_header *h, char *why, size_t whylen);

/* The extension that provides a type the file names (citext, hstore,
 * ltree, ...), looked up by the type's unqualified name; NULL for a type
 * that needs none. A file's column types decide which extensions an import
 * creates, never its "extensions" list alone. */
const char *pg_guard_extension_for_type(const char *type);
/* 1 if ext is one pg_guard_extension_for_type can name. */
int pg_guard_is_type_extension(const char *ext);
/* 1 if ext is on the fixed list of extensions an import creates when the
 * file's "extensions" names them (docs/SECURITY.md): types, operators,
 * index support and pure functions (btree_gist, pg_trgm, citext, hstore,
 * ltree, ...), never one that reaches files, other servers, large objects
 * or an untrusted language. */
int pg_guard_is_harmless_extension(const char *ext);
/* The i-th extension of that list, NULL past its end. */
const char *pg_guard_harmless_extension(size_t i);

#endif
