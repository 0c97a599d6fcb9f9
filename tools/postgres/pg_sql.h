/* Small pieces of PostgreSQL's SQL that both directions write or read:
 * foreign key actions, qualified names and document keys, a CHECK's
 * expression, defaults that mean the same in every dialect, a serial's
 * sequence. Text in, text out; no connection. */
#ifndef PG_SQL_H
#define PG_SQL_H

#include <stddef.h>

#include "sqlbuf.h"

/* pg_constraint's confdeltype/confupdtype code ('r', 'c', ...) -> the
 * file's word ("restrict", "cascade", ..., "no action" for any other). */
const char *pg_fk_action_name(char code);
/* The file's word (any case) -> the SQL ("SET NULL"), or NULL when it is
 * not one. */
const char *pg_fk_action_sql(const char *name);

/* "ns"."name", quotes doubled (ns NULL: public). NULL when memory ran out. */
char *pg_qualified(const char *ns, const char *name);
/* " COLLATE "ns"."name"" (ns NULL: the name alone, which an empty
 * search_path finds in pg_catalog), both names quoted: never pasted. */
void pg_add_collate(db_buf *b, const char *name, const char *ns);
/* The document's key of a relation: its name in "public", else
 * "nsp.name". NULL when memory ran out. */
char *pg_relation_key(const char *nspname, const char *relname);

/* "CHECK ((price > 0)) NOT VALID" -> "(price > 0)": what is inside the
 * parentheses that follow CHECK. NULL when def is not a CHECK (or memory
 * ran out). */
char *pg_check_expression(const char *def);

/* A default from another dialect that means the same in PostgreSQL: a
 * number, 'string', NULL, TRUE/FALSE, CURRENT_TIMESTAMP/DATE/TIME, in at
 * most one pair of parentheses. Returns its length (start in *lit) or 0. */
size_t pg_plain_literal(const char *s, const char **lit);

/* For a serial column: the sequence its nextval() default names, with the
 * table's schema ns added when it has none (search_path is ''). NULL when
 * there is none (or memory ran out). */
char *pg_serial_sequence(const char *def, const char *ns);

#endif
