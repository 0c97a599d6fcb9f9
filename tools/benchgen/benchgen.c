/*
 * benchgen: the application database of the performance issue (#11), built
 * deterministically at a given scale, for tools/bench-app.sh.
 *
 *   benchgen sqlite FILE SCALE_MB   write a new SQLite database FILE
 *   benchgen pg SCALE_MB            print SQL for psql: the same rows typed
 *                                   in PostgreSQL (vector, jsonb, timestamptz)
 *   benchgen counts SCALE_MB        print "table rows" for each table
 *
 * At scale 400 the SQLite file is about 405 MB: 20k users, 200k documents
 * (text + JSON metadata), 100k embeddings of 384 float32 values and 1M
 * narrow events; counts grow linearly with the scale. Every value is drawn
 * from a generator seeded by the table and the row id alone, so both
 * outputs hold the same rows, bit for bit, at any scale and on any machine.
 * Not installed; never run by the test suite.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchgen.h"

#define BASE_TIME 1735689600 /* 2025-01-01 00:00:00 UTC */

struct rng {
    uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{ /* splitmix64 */
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static struct rng rng_for(uint64_t table, int64_t id)
{
    struct rng r = {(table << 48) ^ (uint64_t)id ^ 0x5eed0f11ULL};
    rng_next(&r);
    return r;
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

struct counts counts_for(int64_t scale)
{
    struct counts c = {20000 * scale / 400, 200000 * scale / 400, 100000 * scale / 400,
                       1000000 * scale / 400};
    if (c.users < 1)
        c.users = 1;
    if (c.documents < 2)
        c.documents = 2;
    if (c.embeddings < 1)
        c.embeddings = 1;
    if (c.events < 1)
        c.events = 1;
    return c;
}

static const char *const words[] = {
    "the",       "data",    "model",     "vector",  "search",  "index",   "query",   "user",
    "document",  "table",   "row",       "column",  "export",  "import",  "fast",    "memory",
    "stream",    "file",    "server",    "client",  "batch",   "commit",  "schema",  "type",
    "value",     "text",    "embedding", "result",  "report",  "time",    "event",   "note",
    "and",       "of",      "to",        "in",      "with",    "for",     "on",      "a",
    "quarterly", "revenue", "customer",  "order",   "invoice", "payment", "account", "project",
    "meeting",   "summary", "draft",     "review",  "release", "feature", "bug",     "fix",
    "latency",   "storage", "network",   "cluster", "replica", "backup",  "restore", "plan"};
#define NWORDS (sizeof words / sizeof words[0])

static const char *const kinds[] = {"view", "edit", "share", "comment", "like", "download"};
static const char *const langs[] = {"en", "de", "fr", "es", "it", "nl", "pt", "sv"};

static void buf_add(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, sizeof b->data - b->len, fmt, ap);
    va_end(ap);
    if (n > 0 && b->len + (size_t)n < sizeof b->data)
        b->len += (size_t)n;
}

static void words_into(struct buf *b, struct rng *r, int n, int paragraphs)
{
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : " ";
        if (paragraphs && i > 0 && rng_below(r, 40) == 0)
            sep = ".\n";
        buf_add(b, "%s%s", sep, words[rng_below(r, NWORDS)]);
    }
}

static void time_into(char *out, size_t size, int64_t seconds)
{
    int64_t t = BASE_TIME + seconds;
    int64_t days = t / 86400, rem = t % 86400;
    /* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, size,
             "%04" PRId64 "-%02" PRId64 "-%02" PRId64 " %02" PRId64 ":%02" PRId64 ":%02" PRId64
             "+00",
             y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
}

void make_user(struct user *u, int64_t id)
{
    struct rng r = rng_for(1, id);
    snprintf(u->email, sizeof u->email, "user%" PRId64 "@example.com", id);
    snprintf(u->name, sizeof u->name, "%s %s %" PRId64, words[rng_below(&r, NWORDS)],
             words[rng_below(&r, NWORDS)], id);
    time_into(u->created, sizeof u->created, (int64_t)rng_below(&r, 365 * 86400));
}

void make_document(struct document *d, int64_t id, const struct counts *c)
{
    struct rng r = rng_for(2, id);
    d->user_id = 1 + (int64_t)rng_below(&r, (uint64_t)c->users);
    d->title.len = d->body.len = d->metadata.len = 0;
    words_into(&d->title, &r, 3 + (int)rng_below(&r, 6), 0);
    words_into(&d->body, &r, 32 + (int)rng_below(&r, 60), 1);
    buf_add(&d->metadata,
            "{\"lang\":\"%s\",\"pages\":%d,\"score\":%.3f,\"tags\":[\"%s\",\"%s\"],"
            "\"draft\":%s}",
            langs[rng_below(&r, 8)], 1 + (int)rng_below(&r, 300),
            (double)rng_below(&r, 100000) / 1000.0, words[rng_below(&r, NWORDS)],
            words[rng_below(&r, NWORDS)], rng_below(&r, 4) == 0 ? "true" : "false");
    time_into(d->created, sizeof d->created, (int64_t)rng_below(&r, 700 * 86400));
}

void make_embedding(struct embedding *e, int64_t id, const struct counts *c)
{
    struct rng r = rng_for(3, id);
    /* One embedding per document at most: ids spread over the documents. */
    e->document_id = 1 + ((id - 1) * 2) % c->documents;
    e->model = rng_below(&r, 5) == 0 ? "minilm-l6-v2" : "bge-small-en";
    for (int i = 0; i < DIMS; i++) {
        uint64_t x = rng_next(&r);
        /* A float32 with a full mantissa in (-0.25, 0.25), as models give. */
        e->v[i] = (float)(((double)(x >> 11) / 9007199254740992.0 - 0.5) * 0.5);
    }
}

void make_event(struct event *e, int64_t id, const struct counts *c)
{
    struct rng r = rng_for(4, id);
    e->user_id = 1 + (int64_t)rng_below(&r, (uint64_t)c->users);
    e->document_id =
        rng_below(&r, 10) == 0 ? 0 : 1 + (int64_t)rng_below(&r, (uint64_t)c->documents);
    e->kind = kinds[rng_below(&r, 6)];
    time_into(e->at, sizeof e->at, 365 * 86400 + (int64_t)rng_below(&r, 365 * 86400));
}

static int usage(void)
{
    fprintf(stderr, "usage: benchgen sqlite FILE SCALE_MB | benchgen pg SCALE_MB | "
                    "benchgen counts SCALE_MB\n");
    return 2;
}

static int64_t parse_scale(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v < 1 || v > 1000000 ? -1 : (int64_t)v;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "sqlite") == 0 && parse_scale(argv[3]) > 0) {
        struct counts c = counts_for(parse_scale(argv[3]));
        return write_sqlite(argv[2], &c) == 0 ? 0 : 1;
    }
    if (argc == 3 && parse_scale(argv[2]) > 0) {
        struct counts c = counts_for(parse_scale(argv[2]));
        if (strcmp(argv[1], "pg") == 0)
            return write_pg(stdout, &c) == 0 ? 0 : 1;
        if (strcmp(argv[1], "counts") == 0) {
            printf("users %" PRId64 "\ndocuments %" PRId64 "\nembeddings %" PRId64
                   "\nevents %" PRId64 "\n",
                   c.users, c.documents, c.embeddings, c.events);
            return 0;
        }
    }
    return usage();
}
