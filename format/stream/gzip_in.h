/* gzip input for the stream (stream.c's only): inflates every member of a
 * file on a thread of its own, a few blocks ahead of the reader. */
#ifndef FMT_GZIP_IN_H
#define FMT_GZIP_IN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fmt_gzip_in fmt_gzip_in;

/* Takes over reading fd (not closed here), whose first head_len bytes were
 * read already (raw_read counts them; eof: read(2) has returned 0). threaded
 * 0 inflates on the caller's thread. Returns 0, or -1 with *out NULL (out of
 * memory) or set with its errmsg saying why. */
int fmt_gzip_in_new(fmt_gzip_in **out, int fd, const unsigned char *head, size_t head_len,
                    uint64_t raw_read, int eof, int threaded);
/* As fmt_input_read. A wait for the inflating thread (or a read on the
 * caller's) ends with "interrupted" once *interrupt is non-zero. */
int fmt_gzip_in_read(fmt_gzip_in *g, void *buf, size_t cap, size_t *got,
                     volatile sig_atomic_t *interrupt);
/* Compressed bytes consumed to produce what was delivered so far. */
uint64_t fmt_gzip_in_raw_offset(const fmt_gzip_in *g);
const char *fmt_gzip_in_errmsg(const fmt_gzip_in *g);
/* Stops the thread (even one blocked reading a pipe). Accepts NULL. */
void fmt_gzip_in_free(fmt_gzip_in *g);

#endif
