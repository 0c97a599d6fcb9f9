/* dbimport --sql-file (sql_file.h). */
#include "sql_file.h"

#include <errno.h>
#include <string.h>

#include "cli.h"
#include "sql_log.h"

/* --sql-file: the script's head and its end. */
int db_import_open_sql_log(db_import_options *o)
{
    if (!o->sql_file)
        return 0;
    db_sql_log *log = db_sql_log_open(o->sql_file);
    if (!log) {
        cli_message("error", "%s: cannot open for writing: %s", o->sql_file, strerror(errno));
        return -1;
    }
    o->target_options.sql_log = log;
    db_sql_log_comment(log, "the statements dbimport ran to change the schema of the target, in "
                            "order; the rows are not here");
    db_sql_log_comment(log, "file: %s",
                       o->input && strcmp(o->input, "-") != 0 ? o->input : "(stdin)");
    db_sql_log_statement(log, "BEGIN");
    return 0;
}

int db_import_close_sql_log(db_sql_log *log, const char *path, int failed, int rehearsal)
{
    if (!log)
        return 0;
    if (failed && !rehearsal)
        db_sql_log_comment(log, "the import failed here and was rolled back");
    else if (rehearsal)
        db_sql_log_comment(log, "--dry-run: rolled back, nothing was written to the target");
    db_sql_log_statement(log, failed || rehearsal ? "ROLLBACK" : "COMMIT");
    if (db_sql_log_close(log) < 0) {
        cli_message("error", "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
