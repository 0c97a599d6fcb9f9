/* libdbcli: the command-line support every program shares (dbexport,
 * dbimport): telling a SQLite path from a PostgreSQL connection string and
 * masking passwords (locator.c), one options table that drives both
 * getopt_long and --help (options.c), and messages for people on stderr
 * (message.c). Progress lines are in progress.h. Only programs link this:
 * it prints. */
#ifndef DB_CLI_H
#define DB_CLI_H

#include <stddef.h>

typedef enum { CLI_LOCATOR_SQLITE, CLI_LOCATOR_POSTGRESQL } cli_locator_kind;

/* postgres:// and postgresql:// URIs and libpq key=value strings are
 * PostgreSQL; "sqlite:" prefixed or anything else is a SQLite file path.
 * *path_out points into s (the SQLite path without a "sqlite:" prefix). */
cli_locator_kind cli_locator_classify(const char *s, const char **path_out);
/* Copy of s with any password replaced by "****" (URI userinfo, password=
 * in key=value strings, password query parameter). Caller frees. */
char *cli_locator_mask(const char *s);

typedef struct {
    const char *long_name;
    int short_name;       /* the option's letter, or an id > 255 for long-only options */
    int has_arg;          /* 0 none, 1 required */
    const char *arg_name; /* "FILE" */
    const char *help;
} cli_option;

/* Prints "Options:" lines for opts (terminated by a zero entry) to f. */
void cli_print_options(void *f, const cli_option *opts);
/* Builds getopt_long tables; caller frees both. */
int cli_getopt_tables(const cli_option *opts, char **shortopts, void **longopts);

/* After getopt_long returned '?' or ':' (with a leading ':' in shortopts):
 * returns 1 when it was -? or --help, which the caller answers with its
 * usage; otherwise reports the unknown option or the missing argument and
 * returns 0, for an exit with status 2. */
int cli_option_error(int c, char *const *argv, int next_index, int bad_option);
/* Appends p to a NULL-terminated list grown with realloc. 0 or -1. */
int cli_push_pattern(const char ***list, size_t *n, const char *p);

/* Messages for people, on stderr: "PROG: LEVEL: text" (level "error",
 * "warning", or NULL for plain information). */
void cli_set_program(const char *name);
const char *cli_program(void);
void cli_message(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* -q, --quiet: from then on only "error" messages are printed; warnings,
 * notes, summaries and the progress line are not. */
void cli_set_quiet(int quiet);
int cli_quiet(void);
/* one when n is 1, else many: "1 row", "2 rows", "0 rows". */
const char *cli_plural(unsigned long long n, const char *one, const char *many);

/* --version on stdout: "PROGRAM VERSION", the interchange format version,
 * and the versions of SQLite, libpq and zlib the program runs on
 * (version.c). */
void cli_print_version(void *f, const char *version);

/* Prints a run's warnings: lines of one kind about several tables,
 * columns, views, materialized views, sequences, functions or procedures
 * ('table "t": grants are not carried') once, with a count and
 * the first few ('grants are not carried: 22 times: table "a", ... and
 * 19 more (-v lists them)'); with verbose, every line as it is. */
void cli_warnings(char *const *lines, size_t n, int verbose);

#endif
