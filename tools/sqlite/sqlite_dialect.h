/* Small facts of SQLite's SQL that the source and the target share:
 * character classes, ASCII case-insensitive matching (as SQLite compares
 * identifiers and keywords), foreign key actions and collations. */
#ifndef DB_SQLITE_DIALECT_H
#define DB_SQLITE_DIALECT_H

/* How long a connection waits for another one's lock before it fails. */
#define DB_SQLITE_BUSY_WAIT_MS 5000

static inline int sqlite_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A letter or '_': what may start an unquoted identifier. */
static inline int sqlite_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline int sqlite_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 if needle occurs in hay, ignoring ASCII case. */
int sqlite_contains_ci(const char *hay, const char *needle);
/* 1 if s starts with prefix, ignoring ASCII case. */
int sqlite_starts_ci(const char *s, const char *prefix);
/* 1 if s is a plain identifier (a letter or '_', then letters, digits, '_'). */
int sqlite_is_identifier(const char *s);

/* The portable spelling of a foreign key action as SQLite reports it
 * ("SET NULL" -> "set null"; NULL -> "no action"), newly allocated, or NULL
 * when memory ran out. */
char *sqlite_fk_action_read(const char *action);
/* The SQL for a portable action: "CASCADE", "SET NULL"...; "" for "no
 * action" or NULL (SQLite's default, not written); NULL when SQLite has no
 * such action. */
const char *sqlite_fk_action_sql(const char *action);

/* A collation another backend names, as SQLite has it: the name itself for
 * BINARY, NOCASE and RTRIM; "" for those that are SQLite's default BINARY
 * already ("C", "POSIX", ...); NULL if SQLite has no such collation. */
const char *sqlite_collation_carried(const char *name);

#endif
