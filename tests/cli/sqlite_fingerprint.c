/* Prints a canonical description of a SQLite database: every table's columns,
 * keys, foreign keys and indexes as SQLite reports them, sqlite_sequence,
 * user_version and application_id, views and triggers, and every row with each value's storage
 * class and exact bytes (doubles as their bit pattern). Two databases hold the same schema and data
 * when their fingerprints are equal. For the CLI tests. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static sqlite3 *db;

static void print_value(sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
        printf("null");
        break;
    case SQLITE_INTEGER:
        printf("int:%" PRId64, (int64_t)sqlite3_column_int64(s, i));
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(s, i);
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        printf("real:%016" PRIx64, bits);
        break;
    }
    default: {
        const unsigned char *p = sqlite3_column_type(s, i) == SQLITE_TEXT
                                     ? sqlite3_column_text(s, i)
                                     : sqlite3_column_blob(s, i);
        int n = sqlite3_column_bytes(s, i);
        printf("%s:", sqlite3_column_type(s, i) == SQLITE_TEXT ? "text" : "blob");
        for (int k = 0; k < n; k++)
            printf("%02x", p[k]);
    }
    }
}

/* Runs sql and prints each row's values separated by '|', prefixed. */
static int dump(const char *prefix, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "fingerprint: %s: %s\n", sql, sqlite3_errmsg(db));
        return -1;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        printf("%s", prefix);
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            if (i)
                putchar('|');
            print_value(s, i);
        }
        putchar('\n');
    }
    return sqlite3_finalize(s) == SQLITE_OK ? 0 : -1;
}

/* Long because it is the whole program: one pass over the tables, read top to bottom. */
int main(int argc, char **argv)
{
    int with_schema = !(argc == 3 && strcmp(argv[2], "--data") == 0);
    if (argc < 2 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "usage: sqlite_fingerprint DB [--data]\n");
        return 2;
    }
    sqlite3_stmt *tables;
    sqlite3_prepare_v2(db,
                       "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = "
                       "'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                       -1, &tables, NULL);
    int rc = 0;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        int without_rowid = sqlite3_column_int(tables, 1);
        char *q, prefix[600];
        printf("table %s\n", t);
        if (with_schema) {
            q = sqlite3_mprintf("SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden FROM "
                                "pragma_table_xinfo(%Q)",
                                t);
            rc |= dump("  column ", q);
            sqlite3_free(q);
            q = sqlite3_mprintf("SELECT l.name, l.\"unique\", l.origin, l.partial, i.seqno, i.cid, "
                                "i.name, i.desc, i.coll FROM pragma_index_list(%Q) l, "
                                "pragma_index_xinfo(l.name) i WHERE i.key ORDER BY l.origin, "
                                "CASE WHEN l.origin = 'c' THEN l.name END, "
                                "(SELECT group_concat(name) FROM pragma_index_info(l.name)), "
                                "i.seqno",
                                t);
            /* autoindex names depend on creation order: print them blank */
            rc |= dump("  index ", q);
            sqlite3_free(q);
            q = sqlite3_mprintf("SELECT \"table\", \"from\", \"to\", on_update, on_delete, "
                                "\"match\", seq FROM pragma_foreign_key_list(%Q) ORDER BY "
                                "\"table\", \"from\"",
                                t);
            rc |= dump("  fk ", q);
            sqlite3_free(q);
            q = sqlite3_mprintf("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                                "%Q AND sql IS NOT NULL ORDER BY name",
                                t);
            rc |= dump("  index-sql ", q);
            sqlite3_free(q);
        }
        /* Rows in primary key order: the format carries keys, not the
         * hidden rowids of tables whose key is not INTEGER PRIMARY KEY
         * (VACUUM renumbers those too). Tables without a key: rowid order. */
        q = sqlite3_mprintf("SELECT group_concat(printf('\"%%w\"', name), ', '), (SELECT "
                            "group_concat(printf('\"%%w\"', name), ', ') FROM (SELECT name FROM "
                            "pragma_table_info(%Q) WHERE pk > 0 ORDER BY pk)) FROM "
                            "pragma_table_xinfo(%Q) WHERE hidden IN (0, 2, 3)",
                            t, t);
        sqlite3_stmt *c;
        sqlite3_prepare_v2(db, q, -1, &c, NULL);
        sqlite3_free(q);
        if (sqlite3_step(c) == SQLITE_ROW) {
            const char *cols = (const char *)sqlite3_column_text(c, 0);
            const char *pk = (const char *)sqlite3_column_text(c, 1);
            q = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY %s", cols, t,
                                pk              ? pk
                                : without_rowid ? "1"
                                                : "rowid");
            snprintf(prefix, sizeof prefix, "  row ");
            rc |= dump(prefix, q);
            sqlite3_free(q);
        }
        sqlite3_finalize(c);
    }
    sqlite3_finalize(tables);
    if (with_schema) {
        sqlite3_stmt *has;
        sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'", -1,
                           &has, NULL);
        if (sqlite3_step(has) == SQLITE_ROW)
            rc |= dump("sequence ", "SELECT name, seq FROM sqlite_sequence ORDER BY 1");
        sqlite3_finalize(has);
        /* the header fields an application sets (FORMAT.md 2.7) */
        rc |= dump("header ", "SELECT * FROM pragma_user_version, pragma_application_id");
        rc |=
            dump("view ", "SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name");
        rc |= dump("trigger ",
                   "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY "
                   "name");
    }
    sqlite3_close(db);
    return rc ? 1 : 0;
}
