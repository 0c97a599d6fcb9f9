/* dbimport --sql-file: the script of the statements that change the
 * target's schema, opened before the import and closed after it with what
 * became of the transaction (sql_log.h writes it). */
#ifndef DB_IMPORT_SQL_FILE_H
#define DB_IMPORT_SQL_FILE_H

#include "import.h"

/* o->sql_file opened into o->target_options.sql_log, with the script's
 * head: 0, or -1 (reported). Nothing to do without --sql-file. */
int db_import_open_sql_log(db_import_options *o);
/* The script's end (COMMIT, or ROLLBACK when the import failed or was a
 * rehearsal), and log closed: 0, or -1 (reported). */
int db_import_close_sql_log(struct db_sql_log *log, const char *path, int failed, int rehearsal);

#endif
