/* Progress on stderr for people watching a long export or import: on a
 * terminal, one line rewritten in place at most a few times a second; with
 * -v when stderr is not a terminal (| tee import.log, a CI log), a whole
 * line every few seconds, so a long run shows it is alive. Rows, bytes,
 * rate, and an ETA when the total size is known, or else the rows to come
 * (a database source's estimate); rows and rows per second when there are
 * no bytes to count. */
#ifndef DB_CLI_PROGRESS_H
#define DB_CLI_PROGRESS_H

#include <stdint.h>

typedef struct {
    int enabled;
    int lines; /* not a terminal: whole lines, CLI_PROGRESS_LINE_SECONDS apart */
    const char *program;
    uint64_t total_bytes; /* 0 when unknown (a pipe, or gzip input) */
    uint64_t total_rows;  /* of all tables, estimated; 0 when unknown */
    uint64_t rows_before; /* of the tables before the current one */
    double start, last;   /* seconds, monotonic */
    double table_start;   /* since the last cli_progress_end: for a rate of rows */
    int shown;            /* a line is on screen */
} cli_progress;

#define CLI_PROGRESS_LINE_SECONDS 5.0

/* enabled: the caller's wish; the line appears only if stderr is a tty,
 * or as whole lines with verbose. */
void cli_progress_init(cli_progress *p, const char *program, int enabled, int verbose,
                       uint64_t total_bytes);
/* For an ETA without a total size: the rows of all tables, as the source
 * estimates them (0: unknown), and the rows of the tables already done. The
 * ETA assumes the rate so far, and none is shown once the rows pass the
 * estimate. */
void cli_progress_set_total_rows(cli_progress *p, uint64_t total_rows);
void cli_progress_set_rows_before(cli_progress *p, uint64_t rows_before);
/* Cheap to call per row: looks at the clock only every 1024 calls' worth of
 * rows (rows is the running count). */
void cli_progress_update(cli_progress *p, const char *table, uint64_t rows, uint64_t bytes);
/* Clears the line, so messages that follow start on a clean line; the
 * next table's rate of rows (shown when there are no bytes to count:
 * bytes and total_bytes 0) is counted from here. */
void cli_progress_end(cli_progress *p);
/* Clears whatever progress line is on screen; cli_message calls it
 * before printing, so no message starts in the middle of one. */
void cli_progress_clear(void);

#endif
