/* tools/cli: locators shown in messages never hold a password, in any form
 * libpq reads (docs/SECURITY.md, "Secrets"), messages escape control
 * characters, and the warning summary groups one kind of line about
 * tables and other objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"

/* mask(s) must not contain secret, and must contain want (when given). */
static void masked(const char *s, const char *secret, const char *want)
{
    char *m = cli_locator_mask(s);
    CHECK(m != NULL);
    if (!m)
        return;
    if (strstr(m, secret))
        fprintf(stderr, "%s -> %s shows the secret\n", s, m);
    CHECK(strstr(m, secret) == NULL);
    if (want && !strstr(m, want))
        fprintf(stderr, "%s -> %s, want %s\n", s, m, want);
    CHECK(!want || strstr(m, want) != NULL);
    free(m);
}

/* What cli_warnings prints for lines (stderr, caught in a file). */
static char *summary(char *const *lines, size_t n)
{
    static char out[4096];
    FILE *f = tmpfile();
    int saved = dup(2);
    CHECK(f != NULL && saved >= 0);
    if (!f || saved < 0)
        return "";
    fflush(stderr);
    dup2(fileno(f), 2);
    cli_warnings(lines, n, 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    size_t len = fread(out, 1, sizeof out - 1, f);
    out[len] = '\0';
    fclose(f);
    return out;
}

/* Tables, views, sequences and functions (a signature with quotes) of one
 * kind: one line; a sentence that only starts like a subject: as it is. */
static void warning_summary(void)
{
    char *lines[] = {
        "table \"t\": grant to \"r\" left out: the role does not exist in the target",
        "view \"s.v\": grant to \"r\" left out: the role does not exist in the target",
        "function \"\"App Data\".f(integer)\": grant to \"r\" left out: the role does not exist "
        "in the target",
        "sequence \"q\": grant to \"r\" left out: the role does not exist in the target",
        "view \"w\" not created: relation \"x\": does not exist",
        "view \"y\" not created: relation \"x\": does not exist"};
    cli_set_program("test");
    const char *got = summary(lines, sizeof lines / sizeof *lines);
    CHECK_STR(got,
              "test: warning: grant to \"r\" left out: the role does not exist in the target: 4 "
              "times: table \"t\", view \"s.v\", function \"\"App Data\".f(integer)\" and 1 "
              "more (-v lists them)\n"
              "test: warning: view \"w\" not created: relation \"x\": does not exist\n"
              "test: warning: view \"y\" not created: relation \"x\": does not exist\n");
}

int main(void)
{
    warning_summary();
    masked("postgresql://u:s3cret@/db", "s3cret", "postgresql://u:****@/db");
    masked("postgres://u:s3cret@db.example:5433/app?sslmode=require", "s3cret",
           "postgres://u:****@db.example:5433/app?sslmode=require");
    masked("postgresql://u@/db?password=s3cret", "s3cret", "postgresql://u:****@/db");
    /* A bad %-escape: libpq cannot parse it, so nothing of it is shown. */
    masked("postgresql://u:s3c%zzret@/db", "s3c", "postgresql://****");
    /* A percent-encoded key is still the password. */
    masked("postgresql://u@/db?%70assword=s3cret", "s3cret", NULL);
    /* (shown in libpq's order of keywords) */
    masked("dbname=app password=s3cret", "s3cret", "password=****");
    masked("dbname=app password=s3cret", "s3cret", "dbname=app");
    masked("dbname=app\npassword=s3cret", "s3cret", "password=****");
    masked("dbname=app  password = 's3 cret'", "s3 cret", "password=****");
    masked("dbname=app sslpassword=s3cret", "s3cret", "sslpassword=****");
    masked("host=/tmp dbname='my db' user=bob", "s3cret", "dbname='my db'");
    /* libpq refuses it: its message, which quotes the text, is not shown. */
    masked("dbname=app password='s3cret", "s3cret", NULL);
    char *m = cli_locator_mask("/data/app.db");
    CHECK_STR(m, "/data/app.db");
    free(m);
    return check_report();
}
