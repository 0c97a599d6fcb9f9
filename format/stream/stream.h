/* Byte streams for the interchange file: read plain or gzip (detected by the
 * magic bytes, multi-member aware, CRC and length checked), write plain or
 * gzip. "-" means stdin / stdout. A file written by fmt_output is created
 * without a name in its destination's directory (Linux O_TMPFILE; elsewhere
 * under "<path>.tmp.<pid>.XXXXXX") and put in place only by a successful
 * fmt_output_close(), so a failed export never leaves a half-written file
 * behind, and a killed one leaves none or one that the next export to the
 * same path removes. */
#ifndef FMT_STREAM_H
#define FMT_STREAM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fmt_input fmt_input;
typedef struct fmt_output fmt_output;

/* Opens path ("-" for stdin). On failure returns <0 and, when *out is set,
 * its errmsg says why; *out is always set (to a handle holding the message)
 * unless memory ran out, so callers can print fmt_input_errmsg(*out). */
int fmt_input_open(fmt_input **out, const char *path);
/* Reads up to cap decompressed bytes. *got = 0 means end of stream.
 * Returns 0, or <0 on I/O error, corrupt or truncated gzip (message says
 * which, with the compressed byte offset). */
int fmt_input_read(fmt_input *in, void *buf, size_t cap, size_t *got);
int fmt_input_is_gzip(const fmt_input *in);
/* A flag a signal handler sets: a read interrupted by a signal (installed
 * without SA_RESTART) while *flag is non-zero fails with "interrupted"
 * instead of being retried, so a blocked pipe cannot hold off a SIGINT. */
void fmt_input_set_interrupt(fmt_input *in, volatile sig_atomic_t *flag);
/* Raw (possibly compressed) bytes read from the file so far, and the
 * file's size when it is a regular file (0 otherwise): for an ETA. */
uint64_t fmt_input_raw_offset(const fmt_input *in);
uint64_t fmt_input_size(const fmt_input *in);
/* Decompressed bytes delivered so far. */
uint64_t fmt_input_offset(const fmt_input *in);
const char *fmt_input_name(const fmt_input *in); /* "-" shown as "stdin" */
const char *fmt_input_errmsg(const fmt_input *in);
void fmt_input_free(fmt_input *in);

/* gzip_level: 0 = plain, 1..9 = gzip at that level. A gzip output is cut
 * into members of 1 MiB of input each, compressed on worker threads (one
 * per CPU, at most 8) and written in order by the caller's thread. */
int fmt_output_open(fmt_output **out, const char *path, int gzip_level);
/* Before the first write: compress on threads workers instead (0: on the
 * caller's thread). The file's bytes are the same for any number. */
int fmt_output_set_gzip_threads(fmt_output *o, int threads);
int fmt_output_write(fmt_output *o, const void *buf, size_t len);
/* Flushes, finishes the gzip member, fsyncs and renames into place. */
int fmt_output_close(fmt_output *o);
/* Frees; if close was not successfully called, removes the temporary file. */
void fmt_output_free(fmt_output *o);
uint64_t fmt_output_offset(const fmt_output *o); /* uncompressed bytes written */
const char *fmt_output_errmsg(const fmt_output *o);
/* After open: "" or what open removed, as "removed <file>, left by an export
 * (process N) that was killed", for a warning. */
const char *fmt_output_notice(const fmt_output *o);

#endif
