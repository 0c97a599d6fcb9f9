/* The table in which a PostgreSQL target keeps what a SQLite export says
 * and PostgreSQL's catalog cannot hold, so that the export of that
 * PostgreSQL database brings it back (docs/MAPPING.md, "SQLite ->
 * PostgreSQL -> SQLite"): the mirror of tools/sqlite/sqlite_origin.h. It
 * lives in the schema of the tables it describes; one row per item, value
 * a jsonb object:
 *   kind 'database', tbl '', name '':       {"user_version", "application_id"}
 *   kind 'table',    tbl = relname, name '': {"without_rowid", "strict",
 *                                             "unnamed_checks", "unnamed_keys"}
 *   kind 'column',   tbl, name = attname:    {"declared", "postgresql",
 *                                             "identity", "nullable"}
 *   kind 'constraint', tbl, name = conname:  {} (a CHECK, key or foreign key
 *                                             the file named, when it left some
 *                                             unnamed)
 * A column's row holds only while its type is still "postgresql" (what the
 * import made): a column the application changed since is exported as
 * PostgreSQL has it. The table itself is never exported. */
#ifndef DB_PG_ORIGIN_H
#define DB_PG_ORIGIN_H

#define PG_ORIGIN_TABLE "_dbexport_origin"
/* %s: the schema, quoted */
#define PG_ORIGIN_CREATE                                                                           \
    "CREATE TABLE IF NOT EXISTS %s.\"_dbexport_origin\" (kind text NOT NULL, tbl text NOT NULL, "  \
    "name text NOT NULL, value jsonb NOT NULL, PRIMARY KEY (kind, tbl, name))"

#endif
