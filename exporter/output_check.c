/* Before an export writes anything: the output path must not be the source
 * database (dbexport app.db -f app.db used to replace the database with its
 * own export and exit 0), and a file already there is replaced only when it
 * is an export of ours, or when --force says so. Empty files, devices and
 * pipes are written as asked. */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "stream.h"

/* Enough of the start of a file to see {"format": "dbexport" in any JSON
 * layout a writer or jq gives it. */
#define SNIFF_BYTES 4096

/* 1 when the (decompressed) start of path is the beginning of one of our
 * documents: an object whose text holds "format" and then "dbexport". */
static int looks_like_export(const char *path, char *what, size_t whatlen)
{
    fmt_input *in = NULL;
    char buf[SNIFF_BYTES + 1];
    size_t got = 0, n = 0;
    if (fmt_input_open(&in, path) < 0) {
        fmt_input_free(in);
        return 0;
    }
    while (got < SNIFF_BYTES && fmt_input_read(in, buf + got, SNIFF_BYTES - got, &n) == 0 && n)
        got += n;
    fmt_input_free(in);
    buf[got] = 0;
    size_t lead = strspn(buf, " \t\r\n");
    const char *format = strstr(buf, "\"format\"");
    if (buf[lead] == '{' && format && strstr(format, "\"dbexport\""))
        return 1;
    /* what the file seems to be, for the message */
    if (got >= 16 && memcmp(buf, "SQLite format 3", 16) == 0)
        snprintf(what, whatlen, " (it is a SQLite database)");
    else
        snprintf(what, whatlen, " (it is not a dbexport file)");
    return 0;
}

int db_export_source_is_file(const char *source)
{
    const char *path = NULL;
    struct stat st;
    char what[64];
    if (cli_locator_classify(source, &path) == CLI_LOCATOR_POSTGRESQL || !path ||
        stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return 0;
    return looks_like_export(path, what, sizeof what);
}

int db_export_check_output(const db_export_options *opts)
{
    struct stat out, src;
    const char *path = NULL;
    if (!opts->output || strcmp(opts->output, "-") == 0)
        return 0;
    if (stat(opts->output, &out) < 0)
        return 0; /* a new file (or one the open will explain) */
    if (cli_locator_classify(opts->source, &path) != CLI_LOCATOR_POSTGRESQL && path &&
        stat(path, &src) == 0 && src.st_dev == out.st_dev && src.st_ino == out.st_ino) {
        cli_message("error", "%s is the source database; an export cannot replace it",
                    opts->output);
        return -1;
    }
    if (!S_ISREG(out.st_mode) || out.st_size == 0 || opts->force)
        return 0;
    char what[64] = "";
    if (looks_like_export(opts->output, what, sizeof what))
        return 0;
    cli_message("error",
                "%s exists and is not an export%s; not replacing it\n"
                "hint: remove it first, or give --force to replace it",
                opts->output, what);
    return -1;
}
