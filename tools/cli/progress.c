/* The progress line: see progress.h. */
#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static cli_progress *on_screen; /* the progress whose line is shown, if any */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, const char *program, int enabled, int verbose,
                       uint64_t total_bytes)
{
    int tty = isatty(STDERR_FILENO);
    p->enabled = enabled && !cli_quiet() && (tty || verbose);
    p->lines = !tty;
    p->program = program;
    p->total_bytes = total_bytes;
    p->total_rows = p->rows_before = 0;
    p->start = p->last = p->table_start = p->enabled ? now() : 0;
    p->shown = 0;
}

/* "12.3 MB" */
static void human(char *out, size_t cap, double bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) {
        bytes /= 1000;
        u++;
    }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

/* The table's name, at most 40 bytes of it, with control characters
 * escaped as in messages: a name from a file must not draw on the screen. */
static void escape_name(char *out, size_t cap, const char *name)
{
    size_t k = 0;
    for (size_t i = 0; name[i] && i < 40 && k + 5 < cap; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
        else
            out[k++] = (char)c;
    }
    out[k] = 0;
}

void cli_progress_set_total_rows(cli_progress *p, uint64_t total_rows)
{
    p->total_rows = total_rows;
}

void cli_progress_set_rows_before(cli_progress *p, uint64_t rows_before)
{
    p->rows_before = rows_before;
}

/* ", 42%, 1:05 left": done of total at rate per second; nothing when the
 * estimate is past or nothing has moved yet. */
static void format_eta(char *out, size_t cap, double done, double total, double rate)
{
    out[0] = 0;
    if (total <= 0 || done > total || rate <= 0)
        return;
    double left = (total - done) / rate;
    snprintf(out, cap, ", %d%%, %d:%02d left", (int)(100.0 * done / total), (int)left / 60,
             (int)left % 60);
}

void cli_progress_update(cli_progress *p, const char *table, uint64_t rows, uint64_t bytes)
{
    if (!p->enabled || (rows & 1023) != 0)
        return;
    double t = now();
    if (t - p->last < (p->lines ? CLI_PROGRESS_LINE_SECONDS : 0.25))
        return;
    p->last = t;
    double elapsed = t - p->start, rate = elapsed > 0 ? (double)bytes / elapsed : 0;
    char what[96], eta[48] = "";
    char name[200];
    escape_name(name, sizeof name, table);
    if (!bytes && !p->total_bytes) {
        /* nothing counts bytes (dbdiff of two databases): the table's rows */
        double in_table = t - p->table_start;
        snprintf(what, sizeof what, "%.0f rows/s", in_table > 0 ? (double)rows / in_table : 0);
    } else {
        char done[32], speed[32];
        human(done, sizeof done, (double)bytes);
        human(speed, sizeof speed, rate);
        snprintf(what, sizeof what, "%s, %s/s", done, speed);
    }
    if (p->total_bytes) {
        format_eta(eta, sizeof eta, (double)bytes, (double)p->total_bytes, rate);
    } else if (p->total_rows) {
        double done = (double)(p->rows_before + rows);
        format_eta(eta, sizeof eta, done, (double)p->total_rows, elapsed > 0 ? done / elapsed : 0);
    }
    if (p->lines) {
        fprintf(stderr, "%s: table \"%s\": %llu rows, %s%s\n", p->program, name,
                (unsigned long long)rows, what, eta);
        return;
    }
    fprintf(stderr, "\r\033[K%s: table \"%s\": %llu rows, %s%s", p->program, name,
            (unsigned long long)rows, what, eta);
    p->shown = 1;
    on_screen = p;
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled)
        p->table_start = now();
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = 0;
    if (on_screen == p)
        on_screen = NULL;
}

void cli_progress_clear(void)
{
    if (on_screen)
        cli_progress_end(on_screen);
}
