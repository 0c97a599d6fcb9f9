/* --version: the program's version, the interchange format version it
 * writes and reads, and the versions of the libraries it runs on (those
 * loaded at run time, not the headers it was built with), so a bug report
 * says everything in one paste. See cli.h. */
#include "cli.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <zlib.h>

#include "schema.h"

void cli_print_version(void *stream, const char *version)
{
    FILE *f = stream;
    int pq = PQlibVersion(); /* 150010 is 15.10 (from PostgreSQL 10 on) */
    fprintf(f, "%s %s\n", cli_program(), version);
    fprintf(f, "interchange format %s\n", FMT_FORMAT_VERSION);
    fprintf(f, "SQLite %s, libpq %d.%d, zlib %s\n", sqlite3_libversion(), pq / 10000, pq % 10000,
            zlibVersion());
}
