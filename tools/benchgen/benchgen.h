/*
 * benchgen: the rows of the application database (benchgen.c) and the two
 * writers that store them, in SQLite (sqlite_out.c) and as SQL for psql
 * (pg_out.c).
 */
#ifndef BENCHGEN_H
#define BENCHGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DIMS 384

struct counts {
    int64_t users, documents, embeddings, events;
};

/* Appends to a fixed buffer; the callers' sizes are bounded by construction. */
struct buf {
    char data[4096];
    size_t len;
};

struct user {
    char email[64], name[64], created[32];
};
struct document {
    int64_t user_id;
    struct buf title, body, metadata;
    char created[32];
};
struct embedding {
    int64_t document_id;
    const char *model;
    float v[DIMS];
};
struct event {
    int64_t user_id, document_id; /* document_id 0: NULL */
    const char *kind;
    char at[32];
};

struct counts counts_for(int64_t scale);
void make_user(struct user *u, int64_t id);
void make_document(struct document *d, int64_t id, const struct counts *c);
void make_embedding(struct embedding *e, int64_t id, const struct counts *c);
void make_event(struct event *e, int64_t id, const struct counts *c);

int write_sqlite(const char *path, const struct counts *c);
int write_pg(FILE *out, const struct counts *c);

#endif
