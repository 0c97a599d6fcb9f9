/* The table in which a SQLite target keeps what a PostgreSQL export says
 * and SQLite's own catalog cannot hold, so that the export of that SQLite
 * database brings it back (docs/MAPPING.md, "Through SQLite and back"):
 * a table's schema and name, a column's PostgreSQL type and identity kind,
 * the enums, domains and composite types. One row per item; value is a JSON object:
 *   kind 'table',  tbl = SQLite name, name '':  {"namespace", "name"}
 *   kind 'column', tbl, name = column:          {"declared", "postgresql_type", "identity"}
 *   kind 'enum',   tbl '', name = "ns.name":    {"seq", "namespace", "name", "labels"}
 *   kind 'domain', tbl '', name = "ns.name":    {"seq", "namespace", "name", "base_type",
 *                                                "nullable", "default", "checks",
 *                                                "check_names", "comment"}
 *   kind 'composite', tbl '', name = "ns.name": {"seq", "namespace", "name", "comment",
 *                                                "attributes": [{"name", "type",
 *                                                "collation", "collation_namespace"}]}
 * (an enum's value has a "comment" too)
 * A column's row holds only while its declared type is still "declared": a
 * table the application changed since keeps what SQLite says of it. */
#ifndef DB_SQLITE_ORIGIN_H
#define DB_SQLITE_ORIGIN_H

#define SQLITE_ORIGIN_TABLE "_dbexport_origin"
#define SQLITE_ORIGIN_CREATE                                                                       \
    "CREATE TABLE IF NOT EXISTS main.\"_dbexport_origin\" (kind TEXT NOT NULL, tbl TEXT NOT "      \
    "NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, tbl, name)) WITHOUT ROWID"

#endif
