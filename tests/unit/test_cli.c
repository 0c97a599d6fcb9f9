/* tools/cli: locators shown in messages never hold a password, in any form
 * libpq reads (docs/SECURITY.md, "Secrets"), and messages escape control
 * characters. */
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
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
