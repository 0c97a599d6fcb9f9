/* Parallel gzip for the output stream.
 *
 * The uncompressed bytes are cut at fixed offsets into blocks of
 * FMT_GZIP_BLOCK; each block becomes a gzip member of its own (RFC 1952,
 * 2.2: a gzip file is a series of members, and gunzip, zcat and fmt_input
 * read it as the concatenation of their data). Workers only compress: the
 * members are written in order by the caller's thread, so a full disk,
 * EPIPE or a signal meets the same write(2) and the same message as when
 * deflate ran inline, and freeing never waits on a blocked pipe. Because the
 * cuts do not depend on timing, the file is the same for any number of
 * threads.
 *
 * Memory is bounded: threads + 2 blocks (the one being filled, one per
 * worker, one written or waiting), each with its input and its member, and
 * a deflate state per worker. A member costs 18 bytes of header and trailer
 * and starts without history, about 0.1 % of a block. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "gzip_out.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define MAX_THREADS 8

enum { BLOCK_FREE, BLOCK_FILLING, BLOCK_QUEUED, BLOCK_BUSY, BLOCK_DONE };

typedef struct {
    unsigned char *in;  /* FMT_GZIP_BLOCK uncompressed bytes */
    unsigned char *out; /* the member, out_cap bytes */
    size_t in_len, out_len;
    uint64_t seq; /* its place in the file */
    int state;
    int failed; /* deflate did not finish the member */
} gz_block;

typedef struct {
    struct fmt_gzip_out *g;
    z_stream zs;
    int z_ready;
    pthread_t thread;
    int running;
} gz_worker;

struct fmt_gzip_out {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a block was queued, or the workers are to stop */
    pthread_cond_t done; /* a worker finished a block */
    gz_block *blocks;
    size_t nblocks;
    size_t out_cap;
    gz_worker *workers; /* workers[0]'s stream also serves inline mode */
    int nworkers;
    int started; /* the workers run */
    int stopping;
    int failed;
    uint64_t next_seq;   /* given to the next block queued */
    uint64_t next_write; /* the member to write next */
    gz_block *filling;
    fmt_gzip_out_write_fn write;
    void *ctx;
    char errmsg[256];
};

int fmt_gzip_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        n = CPU_COUNT(&set);
#endif
    if (n < 1)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static int compress_block(z_stream *zs, gz_block *b, size_t out_cap)
{
    if (deflateReset(zs) != Z_OK)
        return -1;
    zs->next_in = b->in;
    zs->avail_in = (uInt)b->in_len;
    zs->next_out = b->out;
    zs->avail_out = (uInt)out_cap;
    if (deflate(zs, Z_FINISH) != Z_STREAM_END)
        return -1;
    b->out_len = out_cap - zs->avail_out;
    return 0;
}

/* The queued block that comes first in the file, so the members the writer
 * waits for are the ones compressed first. */
static gz_block *oldest_queued(fmt_gzip_out *g)
{
    gz_block *best = NULL;
    for (size_t i = 0; i < g->nblocks; i++) {
        gz_block *b = &g->blocks[i];
        if (b->state == BLOCK_QUEUED && (!best || b->seq < best->seq))
            best = b;
    }
    return best;
}

static void *worker_main(void *arg)
{
    gz_worker *w = arg;
    fmt_gzip_out *g = w->g;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        gz_block *b = oldest_queued(g);
        if (!b) {
            if (g->stopping)
                break;
            pthread_cond_wait(&g->work, &g->mu);
            continue;
        }
        b->state = BLOCK_BUSY;
        pthread_mutex_unlock(&g->mu);
        int rc = compress_block(&w->zs, b, g->out_cap);
        pthread_mutex_lock(&g->mu);
        b->failed = rc < 0;
        b->state = BLOCK_DONE;
        pthread_cond_broadcast(&g->done);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static int init_stream(fmt_gzip_out *g, gz_worker *w, int level)
{
    /* 15 + 16: a gzip wrapper, so each member is a real .gz; zlib writes
     * mtime 0, keeping the output a function of the input alone. */
    if (deflateInit2(&w->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        snprintf(g->errmsg, sizeof g->errmsg, "cannot initialise zlib: %s",
                 w->zs.msg ? w->zs.msg : "out of memory");
        return -1;
    }
    w->z_ready = 1;
    w->g = g;
    return 0;
}

int fmt_gzip_out_new(fmt_gzip_out **out, int level, int threads, fmt_gzip_out_write_fn write,
                     void *ctx)
{
    fmt_gzip_out *g = calloc(1, sizeof *g);
    *out = g;
    if (!g)
        return -1;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->work, NULL);
    pthread_cond_init(&g->done, NULL);
    g->write = write;
    g->ctx = ctx;
    g->nworkers = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    g->nblocks = threads < 1 ? 1 : (size_t)g->nworkers + 2;
    g->blocks = calloc(g->nblocks, sizeof *g->blocks);
    g->workers = calloc((size_t)g->nworkers, sizeof *g->workers);
    if (!g->blocks || !g->workers)
        goto oom;
    for (int i = 0; i < g->nworkers; i++) {
        if (init_stream(g, &g->workers[i], level) < 0) {
            g->failed = 1;
            return -1;
        }
    }
    g->out_cap = deflateBound(&g->workers[0].zs, FMT_GZIP_BLOCK);
    for (size_t i = 0; i < g->nblocks; i++) {
        g->blocks[i].in = malloc(FMT_GZIP_BLOCK);
        g->blocks[i].out = malloc(g->out_cap);
        if (!g->blocks[i].in || !g->blocks[i].out)
            goto oom;
    }
    if (threads < 1)
        g->nworkers = 0; /* inline: workers[0]'s stream, no thread */
    return 0;
oom:
    snprintf(g->errmsg, sizeof g->errmsg, "out of memory");
    g->failed = 1;
    return -1;
}

/* Starts the workers with every signal blocked, so that SIGINT and SIGTERM
 * keep going to the thread that handles them. Where a thread cannot be
 * made, the blocks are compressed inline: slower, not wrong. */
static void start_workers(fmt_gzip_out *g)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (int i = 0; i < g->nworkers; i++) {
        if (pthread_create(&g->workers[i].thread, NULL, worker_main, &g->workers[i]) != 0)
            break;
        g->workers[i].running = 1;
        g->started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The block holding member number seq, if it is still in flight. */
static gz_block *block_of(fmt_gzip_out *g, uint64_t seq)
{
    for (size_t i = 0; i < g->nblocks; i++) {
        gz_block *b = &g->blocks[i];
        if (b->state >= BLOCK_QUEUED && b->seq == seq)
            return b;
    }
    return NULL;
}

static int fail(fmt_gzip_out *g, const char *why)
{
    if (why)
        snprintf(g->errmsg, sizeof g->errmsg, "%s", why);
    g->failed = 1;
    return -1;
}

/* Writes the members that are ready, in order; with wait set, waits for
 * the next one first. */
static int write_ready(fmt_gzip_out *g, int wait)
{
    for (;;) {
        pthread_mutex_lock(&g->mu);
        gz_block *b = block_of(g, g->next_write);
        while (wait && b && b->state != BLOCK_DONE)
            pthread_cond_wait(&g->done, &g->mu);
        int ready = b && b->state == BLOCK_DONE;
        pthread_mutex_unlock(&g->mu);
        if (!ready)
            return 0;
        if (b->failed)
            return fail(g, "zlib deflate failed");
        if (g->write(g->ctx, b->out, b->out_len) < 0)
            return fail(g, NULL);
        pthread_mutex_lock(&g->mu);
        b->state = BLOCK_FREE;
        g->next_write++;
        pthread_mutex_unlock(&g->mu);
        wait = 0;
    }
}

static int submit(fmt_gzip_out *g, gz_block *b, int last)
{
    g->filling = NULL;
    b->seq = g->next_seq++;
    if (!g->started && g->nworkers > 0 && !last)
        start_workers(g);
    if (!g->started) {
        b->failed = compress_block(&g->workers[0].zs, b, g->out_cap) < 0;
        b->state = BLOCK_DONE;
        return write_ready(g, 0);
    }
    pthread_mutex_lock(&g->mu);
    b->state = BLOCK_QUEUED;
    pthread_cond_signal(&g->work);
    pthread_mutex_unlock(&g->mu);
    return write_ready(g, 0);
}

/* A free block to fill, writing out members until one is. */
static gz_block *take_free(fmt_gzip_out *g)
{
    for (;;) {
        pthread_mutex_lock(&g->mu);
        gz_block *b = NULL;
        for (size_t i = 0; i < g->nblocks && !b; i++) {
            if (g->blocks[i].state == BLOCK_FREE)
                b = &g->blocks[i];
        }
        if (b) {
            b->state = BLOCK_FILLING;
            b->in_len = 0;
        }
        pthread_mutex_unlock(&g->mu);
        if (b)
            return b;
        if (write_ready(g, 1) < 0)
            return NULL;
    }
}

int fmt_gzip_out_write(fmt_gzip_out *g, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    if (g->failed)
        return -1;
    while (len > 0) {
        if (!g->filling && !(g->filling = take_free(g)))
            return -1;
        gz_block *b = g->filling;
        size_t n = FMT_GZIP_BLOCK - b->in_len;
        if (n > len)
            n = len;
        memcpy(b->in + b->in_len, p, n);
        b->in_len += n;
        p += n;
        len -= n;
        if (b->in_len == FMT_GZIP_BLOCK && submit(g, b, 0) < 0)
            return -1;
    }
    return 0;
}

int fmt_gzip_out_finish(fmt_gzip_out *g)
{
    if (g->failed)
        return -1;
    if (!g->filling && g->next_seq == 0 && !(g->filling = take_free(g)))
        return -1;
    if (g->filling && submit(g, g->filling, 1) < 0)
        return -1;
    while (g->next_write < g->next_seq) {
        if (write_ready(g, 1) < 0)
            return -1;
    }
    return 0;
}

const char *fmt_gzip_out_errmsg(const fmt_gzip_out *g)
{
    return g->errmsg;
}

void fmt_gzip_out_free(fmt_gzip_out *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; g->blocks && i < g->nblocks; i++) {
        if (g->blocks[i].state == BLOCK_QUEUED)
            g->blocks[i].state = BLOCK_FREE; /* dropped: nobody will write it */
    }
    g->stopping = 1;
    pthread_cond_broadcast(&g->work);
    pthread_mutex_unlock(&g->mu);
    for (int i = 0; g->workers && i < g->nworkers; i++) {
        if (g->workers[i].running)
            pthread_join(g->workers[i].thread, NULL);
    }
    int nstreams = g->nworkers > 0 ? g->nworkers : 1;
    for (int i = 0; g->workers && i < nstreams; i++) {
        if (g->workers[i].z_ready)
            deflateEnd(&g->workers[i].zs);
    }
    for (size_t i = 0; g->blocks && i < g->nblocks; i++) {
        free(g->blocks[i].in);
        free(g->blocks[i].out);
    }
    free(g->blocks);
    free(g->workers);
    pthread_cond_destroy(&g->done);
    pthread_cond_destroy(&g->work);
    pthread_mutex_destroy(&g->mu);
    free(g);
}
