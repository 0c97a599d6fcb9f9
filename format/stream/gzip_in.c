/* gzip input: every member of a multi-member file (what `cat a.gz b.gz`,
 * pigz or our own parallel writer produce), EOF inside a member an error, so
 * a cut-off download never reads as a shorter, valid document.
 *
 * Inflating runs on a thread of its own, which fills NCHUNKS chunks of
 * CHUNK bytes ahead of the reader (bounded memory: those, one raw buffer
 * and one inflate window). An error travels in the chunk after the data
 * that came before it, so the reader sees the same bytes, then the same
 * message with the same compressed offset, as when it inflated itself. The
 * thread blocks every signal (SIGINT and SIGTERM stay with the thread that
 * handles them) and waits for input in poll(2) beside a wake-up pipe, so
 * freeing never hangs on a stalled pipe. */
#include "gzip_in.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <zlib.h>

#define RAW_SIZE (256 * 1024)
#define CHUNK (256 * 1024)
#define NCHUNKS 4
#define ERRMSG_SIZE 512
/* How often a reader waiting for the thread looks at its interrupt flag. */
#define INTERRUPT_POLL_NS (50 * 1000 * 1000)

enum { CHUNK_DATA, CHUNK_END, CHUNK_ERROR };

typedef struct {
    unsigned char *data;
    size_t len;
    uint64_t raw_end; /* compressed offset after this chunk's bytes */
    int status;
} gz_chunk;

/* What inflates: owned by the thread once it runs. */
typedef struct {
    int fd;
    int wake; /* read end of the wake-up pipe, or -1 inline */
    int eof;
    int member_ended;
    int failed;
    z_stream zs;
    unsigned char *buf;
    size_t buf_pos, buf_len;
    uint64_t raw_read;
    volatile sig_atomic_t *interrupt; /* inline only */
    char errmsg[ERRMSG_SIZE];
} gz_decoder;

struct fmt_gzip_in {
    gz_decoder dec;
    int z_ready;
    int threaded;
    int wake_pipe[2];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a chunk was filled, or emptied, or stop */
    gz_chunk chunks[NCHUNKS];
    size_t head, count; /* the oldest filled chunk, how many are filled */
    int stopping;
    size_t pos;       /* reader: into chunks[head] */
    uint64_t raw_pos; /* reader: compressed offset of what it was given */
    int failed;
    char errmsg[ERRMSG_SIZE];
};

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void dec_error(gz_decoder *d, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void dec_error(gz_decoder *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->errmsg, ERRMSG_SIZE, fmt, ap);
    va_end(ap);
    d->failed = 1;
}

/* On the thread: waits until fd has input or the reader frees us. */
static int wait_readable(gz_decoder *d)
{
    struct pollfd p[2] = {{.fd = d->fd, .events = POLLIN}, {.fd = d->wake, .events = POLLIN}};
    for (;;) {
        int n = poll(p, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0 && p[1].revents) {
            dec_error(d, "stopped");
            return -1;
        }
        return 0; /* readable, hung up, or poll cannot tell: read says */
    }
}

/* Reads once; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t read_some(gz_decoder *d, void *dst, size_t cap)
{
    if (d->wake >= 0 && wait_readable(d) < 0)
        return -1;
    for (;;) {
        ssize_t n = read(d->fd, dst, cap);
        if (n >= 0) {
            if (n == 0)
                d->eof = 1;
            d->raw_read += (uint64_t)n;
            return n;
        }
        if (errno == EINTR && d->interrupt && *d->interrupt) {
            dec_error(d, "interrupted");
            return -1;
        }
        if (errno != EINTR) {
            dec_error(d, "read failed: %s", strerror(errno));
            return -1;
        }
    }
}

/* Makes at least want unread raw bytes available unless EOF comes first. */
static int fill_buffer(gz_decoder *d, size_t want)
{
    if (d->buf_pos > 0) {
        memmove(d->buf, d->buf + d->buf_pos, d->buf_len - d->buf_pos);
        d->buf_len -= d->buf_pos;
        d->buf_pos = 0;
    }
    while (d->buf_len < want && !d->eof) {
        ssize_t n = read_some(d, d->buf + d->buf_len, RAW_SIZE - d->buf_len);
        if (n < 0)
            return -1;
        d->buf_len += (size_t)n;
    }
    return 0;
}

/* Compressed byte offset of the next byte inflate has not consumed. */
static uint64_t compressed_offset(const gz_decoder *d)
{
    return d->raw_read - (d->buf_len - d->buf_pos);
}

/* After a member ends: EOF is the clean end, another gzip member is
 * inflated next, anything else is an error. Returns 1 to continue, 0 at
 * the end, -1 on error. */
static int start_next_member(gz_decoder *d)
{
    if (fill_buffer(d, 2) < 0)
        return -1;
    if (d->buf_len == 0)
        return 0;
    if (d->buf_len < 2 || d->buf[0] != 0x1f || d->buf[1] != 0x8b) {
        dec_error(d, "trailing garbage after gzip data at compressed byte offset %llu",
                  (unsigned long long)compressed_offset(d));
        return -1;
    }
    inflateReset(&d->zs);
    d->member_ended = 0;
    return 1;
}

/* One inflate step's outcome: 0 to go on, -1 failed. */
static int check_inflate(gz_decoder *d, int zrc, size_t produced, size_t consumed)
{
    if (zrc == Z_STREAM_END) {
        d->member_ended = 1;
    } else if (zrc == Z_OK || zrc == Z_BUF_ERROR) {
        /* No progress with all input consumed and none to come: the
         * member was cut off before its trailer. */
        if (produced == 0 && consumed == 0 && d->buf_pos == d->buf_len && d->eof) {
            dec_error(d, "truncated gzip stream at compressed byte offset %llu",
                      (unsigned long long)compressed_offset(d));
            return -1;
        }
    } else if (zrc == Z_MEM_ERROR) {
        dec_error(d, "out of memory in zlib");
        return -1;
    } else {
        /* Z_DATA_ERROR covers bad headers, bad deflate data and CRC or
         * length mismatches; Z_NEED_DICT cannot be valid gzip. */
        dec_error(d, "corrupt gzip data: %s at compressed byte offset %llu",
                  d->zs.msg ? d->zs.msg : "preset dictionary required",
                  (unsigned long long)compressed_offset(d));
        return -1;
    }
    return 0;
}

/* Inflates into dst until something comes out; *got = 0 at the end. */
static int decode(gz_decoder *d, unsigned char *dst, size_t cap, size_t *got)
{
    size_t produced = 0;
    *got = 0;
    if (d->failed)
        return -1;
    while (produced == 0) {
        if (d->member_ended) {
            int more = start_next_member(d);
            if (more < 0)
                return -1;
            if (more == 0)
                break;
        }
        if (d->buf_pos == d->buf_len && !d->eof && fill_buffer(d, 1) < 0)
            return -1;
        size_t avail_before = d->buf_len - d->buf_pos;
        d->zs.next_in = d->buf + d->buf_pos;
        d->zs.avail_in = (uInt)avail_before;
        d->zs.next_out = dst;
        d->zs.avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
        int zrc = inflate(&d->zs, Z_NO_FLUSH);
        size_t consumed = avail_before - d->zs.avail_in;
        d->buf_pos += consumed;
        produced = (size_t)(d->zs.next_out - dst);
        if (check_inflate(d, zrc, produced, consumed) < 0)
            return -1;
    }
    *got = produced;
    return 0;
}

/* The thread: fills free chunks until the end, an error, or stop. */
static void *inflate_main(void *arg)
{
    fmt_gzip_in *g = arg;
    for (int status = CHUNK_DATA; status == CHUNK_DATA;) {
        pthread_mutex_lock(&g->mu);
        while (g->count == NCHUNKS && !g->stopping)
            pthread_cond_wait(&g->cv, &g->mu);
        int stop = g->stopping;
        gz_chunk *c = &g->chunks[(g->head + g->count) % NCHUNKS];
        pthread_mutex_unlock(&g->mu);
        if (stop)
            break;
        size_t got;
        int rc = decode(&g->dec, c->data, CHUNK, &got);
        status = rc < 0 ? CHUNK_ERROR : got == 0 ? CHUNK_END : CHUNK_DATA;
        c->len = got;
        c->status = status;
        c->raw_end = compressed_offset(&g->dec);
        pthread_mutex_lock(&g->mu);
        g->count++;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
    }
    return NULL;
}

static int start_thread(fmt_gzip_in *g)
{
    if (pipe(g->wake_pipe) < 0)
        return -1;
    (void)fcntl(g->wake_pipe[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(g->wake_pipe[1], F_SETFD, FD_CLOEXEC);
    g->dec.wake = g->wake_pipe[0];
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&g->thread, NULL, inflate_main, g);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        close(g->wake_pipe[0]);
        close(g->wake_pipe[1]);
        g->wake_pipe[0] = g->wake_pipe[1] = g->dec.wake = -1;
        return -1;
    }
    g->threaded = 1;
    return 0;
}

int fmt_gzip_in_new(fmt_gzip_in **out, int fd, const unsigned char *head, size_t head_len,
                    uint64_t raw_read, int eof, int threaded)
{
    fmt_gzip_in *g = calloc(1, sizeof *g);
    *out = g;
    if (!g)
        return -1;
    g->wake_pipe[0] = g->wake_pipe[1] = -1;
    g->dec.fd = fd;
    g->dec.wake = -1;
    g->dec.eof = eof;
    g->dec.raw_read = raw_read;
    g->dec.buf = malloc(RAW_SIZE);
    int oom = !g->dec.buf || head_len > RAW_SIZE;
    for (int i = 0; i < NCHUNKS && threaded; i++) {
        if (!(g->chunks[i].data = malloc(CHUNK)))
            oom = 1;
    }
    if (oom) {
        snprintf(g->errmsg, ERRMSG_SIZE, "out of memory");
        return -1;
    }
    memcpy(g->dec.buf, head, head_len);
    g->dec.buf_len = head_len;
    /* Gzip only (not 15 + 32 auto-detect): every later member must be gzip
     * too, and a zlib or raw stream there is corrupt data. */
    if (inflateInit2(&g->dec.zs, 16 + MAX_WBITS) != Z_OK) {
        snprintf(g->errmsg, ERRMSG_SIZE, "cannot initialise zlib: %s",
                 g->dec.zs.msg ? g->dec.zs.msg : "out of memory");
        return -1;
    }
    g->z_ready = 1;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->raw_pos = raw_read - head_len;
    if (threaded)
        (void)start_thread(g); /* or inline: slower, not wrong */
    return 0;
}

static int fail(fmt_gzip_in *g, const char *why)
{
    snprintf(g->errmsg, ERRMSG_SIZE, "%s", why);
    g->failed = 1;
    return -1;
}

static int read_inline(fmt_gzip_in *g, void *buf, size_t cap, size_t *got,
                       volatile sig_atomic_t *interrupt)
{
    g->dec.interrupt = interrupt;
    if (decode(&g->dec, buf, cap, got) < 0)
        return fail(g, g->dec.errmsg);
    g->raw_pos = compressed_offset(&g->dec);
    return 0;
}

/* Waits for a filled chunk; with an interrupt flag, looks at it now and
 * then (a signal does not end a condition wait). Called locked. */
static int wait_chunk(fmt_gzip_in *g, volatile sig_atomic_t *interrupt)
{
    while (g->count == 0) {
        if (interrupt && *interrupt)
            return -1;
        if (!interrupt) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += INTERRUPT_POLL_NS;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->cv, &g->mu, &t);
    }
    return 0;
}

int fmt_gzip_in_read(fmt_gzip_in *g, void *buf, size_t cap, size_t *got,
                     volatile sig_atomic_t *interrupt)
{
    *got = 0;
    if (g->failed)
        return -1;
    if (!g->threaded)
        return read_inline(g, buf, cap, got, interrupt);
    pthread_mutex_lock(&g->mu);
    int rc = wait_chunk(g, interrupt);
    gz_chunk *c = &g->chunks[g->head];
    pthread_mutex_unlock(&g->mu);
    if (rc < 0)
        return fail(g, "interrupted");
    if (c->status != CHUNK_DATA) {
        g->raw_pos = c->raw_end;
        /* an end stays: every later read is at the end too */
        return c->status == CHUNK_END ? 0 : fail(g, g->dec.errmsg);
    }
    size_t n = c->len - g->pos < cap ? c->len - g->pos : cap;
    memcpy(buf, c->data + g->pos, n);
    g->pos += n;
    g->raw_pos = c->raw_end;
    if (g->pos == c->len) {
        g->pos = 0;
        pthread_mutex_lock(&g->mu);
        g->head = (g->head + 1) % NCHUNKS;
        g->count--;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
    }
    *got = n;
    return 0;
}

uint64_t fmt_gzip_in_raw_offset(const fmt_gzip_in *g)
{
    return g->raw_pos;
}

const char *fmt_gzip_in_errmsg(const fmt_gzip_in *g)
{
    return g->errmsg;
}

void fmt_gzip_in_free(fmt_gzip_in *g)
{
    if (!g)
        return;
    if (g->threaded) {
        pthread_mutex_lock(&g->mu);
        g->stopping = 1;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
        ssize_t w;
        do {
            w = write(g->wake_pipe[1], "", 1);
        } while (w < 0 && errno == EINTR);
        pthread_join(g->thread, NULL);
        close(g->wake_pipe[0]);
        close(g->wake_pipe[1]);
    }
    if (g->z_ready) {
        inflateEnd(&g->dec.zs);
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
    }
    for (int i = 0; i < NCHUNKS; i++)
        free(g->chunks[i].data);
    free(g->dec.buf);
    free(g);
}
