/* Parallel gzip for the output stream (stream.c's only). The bytes are cut
 * into blocks of FMT_GZIP_BLOCK, each compressed on a worker thread into a
 * gzip member of its own; the members go out in order through the caller's
 * write function, on the caller's thread. */
#ifndef FMT_GZIP_OUT_H
#define FMT_GZIP_OUT_H

#include <stddef.h>

#define FMT_GZIP_BLOCK (1024 * 1024)

typedef struct fmt_gzip_out fmt_gzip_out;

/* Writes len bytes or fails (0 / -1); the failure's message is the
 * writer's own, not this module's. */
typedef int (*fmt_gzip_out_write_fn)(void *ctx, const unsigned char *p, size_t len);

/* threads: 0 compresses on the caller's thread, N > 0 on N workers, started
 * when the output grows past one block. Returns 0, or -1 with *out NULL
 * (out of memory) or set with its errmsg saying why. */
int fmt_gzip_out_new(fmt_gzip_out **out, int level, int threads, fmt_gzip_out_write_fn write,
                     void *ctx);
/* 0, or -1: a write failed (the writer's message) or zlib failed (this
 * module's errmsg, "" otherwise). Errors stick. */
int fmt_gzip_out_write(fmt_gzip_out *g, const void *buf, size_t len);
/* Compresses and writes everything still pending, the last member included
 * (an empty member when nothing was written: a valid empty .gz). */
int fmt_gzip_out_finish(fmt_gzip_out *g);
const char *fmt_gzip_out_errmsg(const fmt_gzip_out *g);
/* Stops the workers; what was not finished is dropped. Accepts NULL. */
void fmt_gzip_out_free(fmt_gzip_out *g);
/* The number of workers to use by default: the CPUs this process may run
 * on, at most 8. */
int fmt_gzip_default_threads(void);

#endif
