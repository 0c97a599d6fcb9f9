/*
 * benchgen's PostgreSQL writer: SQL for psql with the rows as COPY text, the
 * same rows as the SQLite writer's typed as dbimport would type them
 * (bigint, text, jsonb, timestamptz, vector(384)); keys, indexes and
 * foreign keys after the data, as pg_dump orders them.
 */
#include <inttypes.h>

#include "benchgen.h"

static const char schema_sql[] =
    "SET client_min_messages = warning;\n"
    "CREATE EXTENSION IF NOT EXISTS vector;\n"
    "BEGIN;\n"
    "CREATE TABLE users (id bigint NOT NULL, email text NOT NULL, name text NOT NULL,"
    " created_at timestamptz NOT NULL);\n"
    "CREATE TABLE documents (id bigint NOT NULL, user_id bigint NOT NULL,"
    " title text NOT NULL, body text NOT NULL, metadata jsonb NOT NULL,"
    " created_at timestamptz NOT NULL);\n"
    "CREATE TABLE embeddings (id bigint NOT NULL, document_id bigint NOT NULL,"
    " model text NOT NULL, embedding vector(384) NOT NULL);\n"
    "CREATE TABLE events (id bigint NOT NULL, user_id bigint NOT NULL, document_id bigint,"
    " kind text NOT NULL, at timestamptz NOT NULL);\n";

static const char post_sql[] =
    "ALTER TABLE users ADD PRIMARY KEY (id);\n"
    "ALTER TABLE documents ADD PRIMARY KEY (id);\n"
    "ALTER TABLE embeddings ADD PRIMARY KEY (id);\n"
    "ALTER TABLE events ADD PRIMARY KEY (id);\n"
    "CREATE UNIQUE INDEX users_email ON users (email);\n"
    "CREATE INDEX documents_user ON documents (user_id);\n"
    "CREATE INDEX documents_created ON documents (created_at);\n"
    "CREATE UNIQUE INDEX embeddings_document ON embeddings (document_id);\n"
    "CREATE INDEX events_user_at ON events (user_id, at);\n"
    "CREATE INDEX events_document ON events (document_id);\n"
    "ALTER TABLE documents ADD FOREIGN KEY (user_id) REFERENCES users (id);\n"
    "ALTER TABLE embeddings ADD FOREIGN KEY (document_id) REFERENCES documents (id);\n"
    "ALTER TABLE events ADD FOREIGN KEY (user_id) REFERENCES users (id);\n"
    "ALTER TABLE events ADD FOREIGN KEY (document_id) REFERENCES documents (id);\n"
    "COMMIT;\n"
    "VACUUM ANALYZE;\n";

/* COPY text: the generated text holds newlines but no tab or backslash. */
static void copy_text(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            fputs("\\n", out);
        else
            putc(s[i], out);
    }
}

static void users(FILE *out, const struct counts *c)
{
    struct user u;
    fputs("COPY users FROM stdin;\n", out);
    for (int64_t id = 1; id <= c->users; id++) {
        make_user(&u, id);
        fprintf(out, "%" PRId64 "\t%s\t%s\t%s\n", id, u.email, u.name, u.created);
    }
    fputs("\\.\n", out);
}

static void documents(FILE *out, const struct counts *c)
{
    static struct document d;
    fputs("COPY documents FROM stdin;\n", out);
    for (int64_t id = 1; id <= c->documents; id++) {
        make_document(&d, id, c);
        fprintf(out, "%" PRId64 "\t%" PRId64 "\t", id, d.user_id);
        copy_text(out, d.title.data, d.title.len);
        putc('\t', out);
        copy_text(out, d.body.data, d.body.len);
        putc('\t', out);
        copy_text(out, d.metadata.data, d.metadata.len);
        fprintf(out, "\t%s\n", d.created);
    }
    fputs("\\.\n", out);
}

static void embeddings(FILE *out, const struct counts *c)
{
    static struct embedding e;
    fputs("COPY embeddings FROM stdin;\n", out);
    for (int64_t id = 1; id <= c->embeddings; id++) {
        make_embedding(&e, id, c);
        fprintf(out, "%" PRId64 "\t%" PRId64 "\t%s\t[", id, e.document_id, e.model);
        /* Nine significant digits read back as the same float32. */
        for (int i = 0; i < DIMS; i++)
            fprintf(out, i ? ",%.9g" : "%.9g", (double)e.v[i]);
        fputs("]\n", out);
    }
    fputs("\\.\n", out);
}

static void events(FILE *out, const struct counts *c)
{
    struct event e;
    fputs("COPY events FROM stdin;\n", out);
    for (int64_t id = 1; id <= c->events; id++) {
        make_event(&e, id, c);
        fprintf(out, "%" PRId64 "\t%" PRId64 "\t", id, e.user_id);
        if (e.document_id)
            fprintf(out, "%" PRId64, e.document_id);
        else
            fputs("\\N", out);
        fprintf(out, "\t%s\t%s\n", e.kind, e.at);
    }
    fputs("\\.\n", out);
}

int write_pg(FILE *out, const struct counts *c)
{
    fputs(schema_sql, out);
    users(out, c);
    documents(out, c);
    embeddings(out, c);
    events(out, c);
    fputs(post_sql, out);
    if (fflush(out) != 0 || ferror(out)) {
        perror("benchgen: write");
        return -1;
    }
    return 0;
}
