/*
 * benchgen's SQLite writer: the schema declares the types dbexport maps to
 * PostgreSQL's (F32_BLOB(384) -> vector(384), JSONB -> jsonb, TIMESTAMPTZ ->
 * timestamptz), the rows go in one transaction, the indexes after them.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>

#include "benchgen.h"

static const char schema_sql[] =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL,"
    " created_at TIMESTAMPTZ NOT NULL);"
    "CREATE TABLE documents (id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL,"
    " body TEXT NOT NULL, metadata JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL);"
    "CREATE TABLE embeddings (id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents (id), model TEXT NOT NULL,"
    " embedding F32_BLOB(384) NOT NULL);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users (id),"
    " document_id INTEGER REFERENCES documents (id), kind TEXT NOT NULL,"
    " at TIMESTAMPTZ NOT NULL);";

static const char index_sql[] =
    "CREATE UNIQUE INDEX users_email ON users (email);"
    "CREATE INDEX documents_user ON documents (user_id);"
    "CREATE INDEX documents_created ON documents (created_at);"
    "CREATE UNIQUE INDEX embeddings_document ON embeddings (document_id);"
    "CREATE INDEX events_user_at ON events (user_id, at);"
    "CREATE INDEX events_document ON events (document_id);";

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "benchgen: %s: %s\n", what, sqlite3_errmsg(db));
    return -1;
}

static int step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(db, "insert");
    sqlite3_reset(st);
    return 0;
}

static void text(sqlite3_stmt *st, int col, const char *s, size_t len)
{
    sqlite3_bind_text(st, col, s, (int)len, SQLITE_STATIC);
}

static int fill_users(sqlite3 *db, sqlite3_stmt *st, const struct counts *c)
{
    struct user u;
    for (int64_t id = 1; id <= c->users; id++) {
        make_user(&u, id);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, u.email, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, u.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, u.created, -1, SQLITE_STATIC);
        if (step(db, st) < 0)
            return -1;
    }
    return 0;
}

static int fill_documents(sqlite3 *db, sqlite3_stmt *st, const struct counts *c)
{
    static struct document d;
    for (int64_t id = 1; id <= c->documents; id++) {
        make_document(&d, id, c);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, d.user_id);
        text(st, 3, d.title.data, d.title.len);
        text(st, 4, d.body.data, d.body.len);
        text(st, 5, d.metadata.data, d.metadata.len);
        sqlite3_bind_text(st, 6, d.created, -1, SQLITE_STATIC);
        if (step(db, st) < 0)
            return -1;
    }
    return 0;
}

static int fill_embeddings(sqlite3 *db, sqlite3_stmt *st, const struct counts *c)
{
    static struct embedding e;
    unsigned char blob[DIMS * 4];
    for (int64_t id = 1; id <= c->embeddings; id++) {
        make_embedding(&e, id, c);
        for (int i = 0; i < DIMS; i++) { /* little-endian float32, as F32_BLOB holds */
            uint32_t bits;
            memcpy(&bits, &e.v[i], 4);
            for (int k = 0; k < 4; k++)
                blob[i * 4 + k] = (unsigned char)(bits >> (8 * k));
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, e.document_id);
        sqlite3_bind_text(st, 3, e.model, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, blob, (int)sizeof blob, SQLITE_STATIC);
        if (step(db, st) < 0)
            return -1;
    }
    return 0;
}

static int fill_events(sqlite3 *db, sqlite3_stmt *st, const struct counts *c)
{
    struct event e;
    for (int64_t id = 1; id <= c->events; id++) {
        make_event(&e, id, c);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, e.user_id);
        if (e.document_id)
            sqlite3_bind_int64(st, 3, e.document_id);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, e.kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, e.at, -1, SQLITE_STATIC);
        if (step(db, st) < 0)
            return -1;
    }
    return 0;
}

static int fill(sqlite3 *db, const char *sql, const struct counts *c,
                int (*rows)(sqlite3 *, sqlite3_stmt *, const struct counts *))
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, sql);
    int rc = rows(db, st, c);
    sqlite3_finalize(st);
    return rc;
}

int write_sqlite(const char *path, const struct counts *c)
{
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail(db, path);
        goto done;
    }
    if (sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, "schema (FILE must not exist)");
        goto done;
    }
    if (fill(db, "INSERT INTO users VALUES (?, ?, ?, ?)", c, fill_users) < 0 ||
        fill(db, "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", c, fill_documents) < 0 ||
        fill(db, "INSERT INTO embeddings VALUES (?, ?, ?, ?)", c, fill_embeddings) < 0 ||
        fill(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?)", c, fill_events) < 0)
        goto done;
    if (sqlite3_exec(db, index_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, "indexes");
        goto done;
    }
    rc = 0;
done:
    sqlite3_close(db);
    return rc;
}
