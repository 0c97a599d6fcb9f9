/* The rows of the PostgreSQL target: COPY FROM STDIN in batches (binary
 * or text, as copy_format.c chose for the table), the server's late
 * verdict on a row mapped back to it, --on-invalid retries from a
 * savepoint, and the staging table --on-conflict merges from. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_copy_context.h"
#include "pg_sql.h"

/* COPY data is handed to libpq in chunks of about this size, and never in
 * one larger than COPY_MESSAGE_MAX: libpq copies each into its own buffer,
 * and the server takes no protocol message of 1 GiB or more. */
#define COPY_CHUNK 65536
#define COPY_MESSAGE_MAX (1024 * 1024)
/* The longest COPY line the server can read, newline included: its line
 * buffer and a text value's varlena both stop short of 1 GiB
 * (PostgreSQL's MaxAllocSize, less a 4-byte header). */
#define COPY_LINE_MAX (((size_t)1 << 30) - 5)
/* rows per COPY: see pg_target_row (well under DB_TARGET_MAX_LATE_ROWS) */
#define COPY_BATCH_ROWS 8192
#define BATCH_SAVEPOINT "dbimport_batch"

void pg_target_abort_copy(pg_target *st)
{
    if (!st->copy_active)
        return;
    st->copy_active = 0;
    if (st->conn && PQstatus(st->conn) == CONNECTION_OK) {
        PGresult *res;
        PQputCopyEnd(st->conn, "import aborted");
        while ((res = PQgetResult(st->conn)) != NULL)
            PQclear(res);
    }
}

int pg_target_start_staging(pg_target *st, char *const *notnull_cols, size_t nnotnull)
{
    char name[64];
    db_buf b = {0};
    snprintf(name, sizeof name, "dbimport_staging_%u", ++st->staging_seq);
    st->staging = pg_qualified("pg_temp", name);
    st->staging_indexed = 0;
    if (!st->staging)
        return db_oom(&st->diag);
    /* With the table's CHECKs, so that the staging COPY refuses a row as
     * the table would, while its line still names the row. */
    db_buf_printf(&b,
                  "CREATE TEMP TABLE \"%s\" (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
                  "ON COMMIT DROP",
                  name, st->qname);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "table \"%s\": cannot create a staging table: %s", st->display,
                        st->diag.message);
    /* Rows may leave out columns the target fills itself (identity,
     * generated). */
    if (nnotnull) {
        db_buf_printf(&b, "ALTER TABLE %s", st->staging);
        for (size_t i = 0; i < nnotnull; i++) {
            db_buf_add(&b, i ? ", ALTER COLUMN " : " ALTER COLUMN ");
            db_buf_ident(&b, notnull_cols[i]);
            db_buf_add(&b, " DROP NOT NULL");
        }
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "table \"%s\": cannot prepare the staging table: %s",
                            st->display, st->diag.message);
    }
    /* --max-errors: each row's number, for a row the merge refuses */
    if (st->opts.reject) {
        db_buf_printf(&b, "ALTER TABLE %s ADD COLUMN " PG_STAGING_ROW " bigint", st->staging);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "table \"%s\": cannot prepare the staging table: %s",
                            st->display, st->diag.message);
    }
    db_buf_free(&b);
    return 0;
}

/* The staged rows carry their numbers (merge.c). */
static int numbered(const pg_target *st)
{
    return st->staging && st->opts.reject;
}

static int lost_during_copy(pg_target *st, const char *why)
{
    return db_error(&st->diag, "connection to the server was lost during COPY into \"%s\": %s",
                    st->display, why);
}

/* Sends n bytes of COPY data; rows may span messages. */
static int put_copy(pg_target *st, const char *p, size_t n)
{
    while (n > 0) {
        size_t k = n < COPY_MESSAGE_MAX ? n : COPY_MESSAGE_MAX;
        if (PQputCopyData(st->conn, p, (int)k) != 1) {
            char *m = pg_target_connection_message(st->conn);
            lost_during_copy(st, m ? m : "out of memory");
            free(m);
            st->copy_active = 0;
            return -1;
        }
        p += k;
        n -= k;
    }
    return 0;
}

static int flush_copy(pg_target *st)
{
    if (st->out.oom)
        return db_oom(&st->diag);
    if (put_copy(st, st->out.buf, st->out.len) < 0)
        return -1;
    st->out.len = 0;
    return 0;
}

/* Whether a COPY's rows are kept to be sent again: --on-invalid and
 * --max-errors take a refused row out of its batch. */
static int batching(const pg_target *st)
{
    return st->opts.on_invalid != DB_ON_INVALID_ERROR || st->opts.reject;
}

static int start_copy(pg_target *st)
{
    db_buf b = {0};
    size_t n = 0;
    if (batching(st) && pg_target_run(st, "SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0)
        return db_error(&st->diag, "table \"%s\": %s", st->display, st->diag.message);
    db_buf_printf(&b, "COPY %s (", st->staging ? st->staging : st->qname);
    for (size_t i = 0; i < st->ncolumns; i++) {
        if (!st->mask[i])
            continue;
        db_buf_add(&b, n++ ? ", " : "");
        db_buf_ident(&b, st->columns[i]);
    }
    if (numbered(st))
        db_buf_add(&b, n ? ", " PG_STAGING_ROW : PG_STAGING_ROW);
    db_buf_add(&b, ") FROM STDIN");
    /* A table this transaction created, loaded outside any savepoint: its
     * rows can be written frozen, which spares every later reader the
     * hint-bit writes and the first VACUUM the freezing pass. */
    int freeze =
        st->stats.created && !st->no_freeze && !st->staging && !batching(st) && !st->partitioned;
    for (size_t i = st->ntables; i-- > 0;)
        if (strcmp(st->tables[i].qname, st->qname) == 0) {
            if (freeze)
                st->tables[i].frozen_copies++;
            else
                st->tables[i].thawed_copies++;
            break;
        }
    /* st->copy_binary is the caller's choice (pg_target_row); a batch sent
     * again is text, as batching runs are (copy_format.c). */
    if (st->copy_binary)
        db_buf_add(&b, freeze ? " WITH (FORMAT binary, FREEZE)" : " WITH (FORMAT binary)");
    else if (freeze)
        db_buf_add(&b, " WITH (FREEZE)");
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    PGresult *res = PQexec(st->conn, b.buf);
    db_buf_free(&b);
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        pg_target_record_failure(st, res);
        PQclear(res);
        if (pg_target_connection_lost(st))
            return lost_during_copy(st, st->diag.message ? st->diag.message : "no message");
        return db_error(&st->diag, "table \"%s\": cannot start COPY: %s", st->display,
                        st->diag.message);
    }
    PQclear(res);
    if (st->copy_binary)
        pg_copy_binary_header(&st->out);
    memcpy(st->copy_mask, st->mask, st->ncolumns);
    st->copy_active = 1;
    st->copy_rows = 0;
    st->copy_first_row = st->stats.rows_read - 1; /* rows before this COPY */
    return 0;
}

/* "COPY t, line 3, column c: ..." -> line 3 of this COPY, column c. The
 * relation is named as the server names it: the staging table's or the
 * table's own name, without its schema. A constraint's context names no
 * column; a NOT NULL violation's column is in its own field. */
static void blame_from_context(pg_target *st, const PGresult *res, uint64_t *line)
{
    char staging[64];
    const char *relname = st->relname;
    const char *named = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    size_t column;
    if (st->staging) {
        snprintf(staging, sizeof staging, "dbimport_staging_%u", st->staging_seq);
        relname = staging;
    }
    pg_copy_context_blame(PQresultErrorField(res, PG_DIAG_CONTEXT), relname, st->columns,
                          st->ncolumns, line, &column);
    for (size_t i = 0; named && column == st->ncolumns && i < st->ncolumns; i++)
        if (strcmp(st->columns[i], named) == 0)
            column = i;
    if (*line && column < st->ncolumns) {
        free(st->diag.column);
        st->diag.column = strdup(st->columns[column]);
    }
}

/* A staging COPY's message names the staging table ("new row for relation
 * \"dbimport_staging_1\" violates ..."): the user's table is meant. */
static void name_the_table(pg_target *st)
{
    char staging[64];
    const char *m = st->diag.message, *at;
    if (!st->staging || !m)
        return;
    snprintf(staging, sizeof staging, "\"dbimport_staging_%u\"", st->staging_seq);
    if (!(at = strstr(m, staging)))
        return;
    char *copy = strdup(m);
    if (!copy)
        return;
    size_t before = (size_t)(at - m);
    db_error(&st->diag, "%.*s\"%s\"%s", (int)before, copy, st->relname,
             copy + before + strlen(staging));
    free(copy);
}

/* Ends the COPY; on a rejected row sets *bad_line (1-based in the COPY). */
static int end_copy_once(pg_target *st, uint64_t *bad_line, int *data_error)
{
    PGresult *res;
    int rc = 0;
    *bad_line = 0;
    *data_error = 0;
    if (!st->copy_active)
        return 0;
    if (st->copy_binary)
        pg_copy_binary_trailer(&st->out);
    if (flush_copy(st) < 0)
        return -1;
    st->copy_active = 0;
    if (PQputCopyEnd(st->conn, NULL) != 1) {
        char *m = pg_target_connection_message(st->conn);
        lost_during_copy(st, m ? m : "out of memory");
        free(m);
        return -1;
    }
    while ((res = PQgetResult(st->conn)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            uint64_t line;
            pg_target_record_failure(st, res);
            if (pg_target_connection_lost(st)) {
                lost_during_copy(st, st->diag.message ? st->diag.message : "no message");
            } else {
                blame_from_context(st, res, &line);
                name_the_table(st);
                /* With the row known, the driver adds the table, the row,
                 * the column and the row's place in the file. */
                *bad_line = line;
                *data_error = strncmp(st->sqlstate, "22", 2) == 0; /* a data exception */
                if (line)
                    st->error_row =
                        line <= st->nbatch ? st->batch_rows[line - 1] : st->copy_first_row + line;
                else /* e.g. a foreign key, checked at the end: its key says which */
                    db_error(&st->diag, "table \"%s\": %s%s%s", st->display, st->diag.message,
                             st->detail ? ": " : "", st->detail ? st->detail : "");
            }
            rc = -1;
        }
        PQclear(res);
        if (PQstatus(st->conn) == CONNECTION_BAD)
            break;
    }
    if (rc == 0 && PQstatus(st->conn) == CONNECTION_BAD) {
        char *m = pg_target_connection_message(st->conn);
        lost_during_copy(st, m ? m : "out of memory");
        free(m);
        return -1;
    }
    if (rc == 0) {
        if (st->staging)
            st->staged_rows += st->copy_rows;
        else
            st->stats.rows_written += st->copy_rows;
    }
    return rc;
}

/* Counts what --on-invalid did, keeping the first case for the summary. */
static int note_invalid(pg_target *st, uint64_t row, const char *column, const char *why)
{
    st->stats.invalid++;
    if (!st->invalid_example) {
        db_buf b = {0};
        db_buf_printf(&b, "row %llu, column \"%s\": %s", (unsigned long long)row,
                      column ? column : "?", why ? why : "");
        if (b.oom)
            return db_oom(&st->diag);
        st->invalid_example = b.buf;
    }
    return 0;
}

/* Takes line n (1-based) out of the batch: a row --max-errors refused. */
static int drop_batch_line(pg_target *st, uint64_t n)
{
    char *start = st->batch.buf, *end = st->batch.buf + st->batch.len;
    for (uint64_t k = 1; k < n && start && start < end; k++) {
        start = memchr(start, '\n', (size_t)(end - start));
        start = start ? start + 1 : NULL;
    }
    char *nl = start ? memchr(start, '\n', (size_t)(end - start)) : NULL;
    if (!nl)
        return -1;
    memmove(start, nl + 1, (size_t)(end - nl - 1));
    st->batch.len -= (size_t)(nl + 1 - start);
    memmove(&st->batch_rows[n - 1], &st->batch_rows[n], (st->nbatch - n) * sizeof *st->batch_rows);
    st->nbatch--;
    return 0;
}

/* --on-invalid: applies the policy to line n (1-based) of the batch: the
 * row left out, or the column's field replaced by \N. 0, or -1 when it
 * cannot (the column is unknown). */
static int apply_policy(pg_target *st, uint64_t n, const char *column)
{
    char *start = st->batch.buf, *end = st->batch.buf + st->batch.len;
    for (uint64_t k = 1; k < n && start && start < end; k++) {
        start = memchr(start, '\n', (size_t)(end - start));
        start = start ? start + 1 : NULL;
    }
    char *nl = start ? memchr(start, '\n', (size_t)(end - start)) : NULL;
    if (!nl)
        return -1;
    if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW)
        return drop_batch_line(st, n);
    /* the field of that column: its place among the COPY's columns */
    size_t field = 0, i;
    for (i = 0; i < st->ncolumns; i++) {
        if (!st->copy_mask[i])
            continue;
        if (column && strcmp(st->columns[i], column) == 0)
            break;
        field++;
    }
    if (i == st->ncolumns)
        return -1;
    char *f = start;
    for (size_t k = 0; k < field && f; k++) {
        f = memchr(f, '\t', (size_t)(nl - f));
        f = f ? f + 1 : NULL;
    }
    if (!f)
        return -1;
    char *fend = memchr(f, '\t', (size_t)(nl - f));
    if (!fend)
        fend = nl;
    size_t at = (size_t)(f - st->batch.buf), field_end = (size_t)(fend - st->batch.buf);
    size_t old = field_end - at;
    /* Already NULL and still refused (NOT NULL): the policy cannot help, and
     * trying again would never end. */
    if (old == 2 && memcmp(f, "\\N", 2) == 0)
        return -1;
    /* \N may be longer than the value (0 or 1 bytes): room first, then the
     * rest of the batch moves by offsets, as the buffer may have moved. */
    if (old < 2 && db_buf_reserve(&st->batch, 2 - old) < 0)
        return db_oom(&st->diag);
    char *buf = st->batch.buf;
    memmove(buf + at + 2, buf + field_end, st->batch.len - field_end + 1);
    memcpy(buf + at, "\\N", 2);
    st->batch.len = st->batch.len - old + 2;
    return 0;
}

/* Ends the COPY. Under --on-invalid, a row the server rejects for its data
 * is handled by the policy and the batch is sent again from its savepoint,
 * until the server takes it. */
int pg_target_end_copy(pg_target *st)
{
    for (;;) {
        uint64_t line;
        int data_error, was_active = st->copy_active;
        if (end_copy_once(st, &line, &data_error) == 0) {
            st->batch.len = 0; /* the next COPY starts a new batch */
            st->nbatch = 0;
            /* no COPY, no savepoint: a table with no row to send (empty, or
             * all its rows done by the import --resume continues) */
            if (batching(st) && was_active && st->in_transaction &&
                pg_target_run(st, "RELEASE SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0)
                return -1;
            return numbered(st) ? pg_target_merge_batch(st) : 0;
        }
        int policy = st->opts.on_invalid != DB_ON_INVALID_ERROR && data_error;
        int refuse = st->opts.reject && (data_error || strncmp(st->sqlstate, "23", 2) == 0);
        if ((!policy && !refuse) || !line || line > st->nbatch || pg_target_connection_lost(st))
            return -1;
        char *why = db_error_take(&st->diag);
        uint64_t row = st->batch_rows[line - 1];
        if (pg_target_run(st, "ROLLBACK TO SAVEPOINT " BATCH_SAVEPOINT, 0, NULL, NULL) < 0) {
            db_error_restore(&st->diag, why);
            return -1;
        }
        int handled = policy
                          ? note_invalid(st, row, st->diag.column, why) < 0 ||
                                apply_policy(st, line, st->diag.column) < 0
                          : st->opts.reject(st->opts.reject_ctx, row, st->diag.column, why) < 0 ||
                                drop_batch_line(st, line) < 0;
        if (handled) {
            db_error_restore(&st->diag, why);
            return -1;
        }
        if (!policy)
            st->stats.rows_rejected++;
        free(why);
        free(st->diag.column);
        st->diag.column = NULL;
        st->error_row = 0;
        /* the same columns again (st->mask may hold the next row's), then
         * the batch as it now is */
        unsigned char *next_mask = st->mask;
        st->mask = st->copy_mask;
        int started = start_copy(st);
        st->mask = next_mask;
        if (started < 0)
            return -1;
        st->out.len = 0;
        st->copy_rows = st->nbatch;
        if (put_copy(st, st->batch.buf, st->batch.len) < 0)
            return -1;
    }
}

/* A row whose every column takes its default: COPY cannot say that. */
static int insert_default_row(pg_target *st)
{
    db_buf b = {0};
    if (numbered(st))
        db_buf_printf(&b, "INSERT INTO %s (" PG_STAGING_ROW ") VALUES (%llu)", st->staging,
                      (unsigned long long)st->stats.rows_read);
    else
        db_buf_printf(&b, "INSERT INTO %s DEFAULT VALUES", st->staging ? st->staging : st->qname);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "table \"%s\", row %llu: %s", st->display,
                        (unsigned long long)st->stats.rows_read, st->diag.message);
    if (st->staging)
        st->staged_rows++;
    else
        st->stats.rows_written++;
    return 0;
}

/* A row the server could not read: says so in err, for the column whose
 * value made it too long. */
static int row_too_long(const pg_target *st, char *err, size_t errlen)
{
    if (st->line.len + 1 <= COPY_LINE_MAX)
        return 0;
    snprintf(err, errlen,
             "row too large for PostgreSQL: with this value its COPY line is %zu bytes or more, "
             "over the server's limit of %zu (1 GiB less 5; a bytea is sent as hex, 2 bytes a "
             "byte)",
             st->line.len + 1, COPY_LINE_MAX);
    return 1;
}

/* A value the row cannot carry to the server, without --on-invalid: the
 * row is refused (--max-errors: left out, 0) or fails the import (-1). */
static int refuse_value(pg_target *st, const char *column, const char *err)
{
    if (st->opts.reject &&
        st->opts.reject(st->opts.reject_ctx, st->stats.rows_read, column, err) == 0) {
        st->stats.rows_rejected++;
        return 0;
    }
    if (!(st->diag.column = strdup(column)))
        return db_oom(&st->diag);
    return db_error(&st->diag, "%s", err);
}

/* The row as one binary COPY tuple in st->line, with st->mask and the
 * number of fields in *n: 0; 1 when a value has no exact binary form
 * (the rest of the table then goes by text); -1. */
static int binary_row(pg_target *st, const fmt_value *values, const unsigned char *present,
                      size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        st->mask[i] = (present ? present[i] != 0 : 1) && st->loadable[i];
        *n += st->mask[i];
    }
    if (*n > INT16_MAX) /* a tuple's field count is an int16 */
        return pg_target_copy_text_from(st, "(the whole row)") < 0 ? -1 : 1;
    pg_copy_binary_row(&st->line, (uint16_t)*n);
    for (size_t i = 0; i < st->ncolumns; i++)
        if (st->mask[i] && pg_copy_binary_value(&st->line, &values[i], &st->enc[i], st->bin[i]))
            return pg_target_copy_text_from(st, st->columns[i]) < 0 ? -1 : 1;
    if (st->line.oom)
        return db_oom(&st->diag);
    /* the text line would be as long or longer: refused there, as ever */
    if (st->line.len + 1 > COPY_LINE_MAX)
        return pg_target_copy_text_from(st, "(the whole row)") < 0 ? -1 : 1;
    for (size_t i = 0; i < st->ncolumns; i++)
        st->staged_mask[i] |= st->mask[i];
    return 0;
}

/* The row as one COPY text line in st->line, with st->mask and the number
 * of fields in *n: 0; 1 when the row is left out (--on-invalid=skip-row
 * or --max-errors); -1. */
static int text_row(pg_target *st, const fmt_value *values, const unsigned char *present,
                    size_t *nfields)
{
    char err[256];
    size_t n = 0;
    st->line.len = 0;
    for (size_t i = 0; i < st->ncolumns; i++) {
        st->mask[i] = (present ? present[i] != 0 : 1) && st->loadable[i];
        if (!st->mask[i])
            continue;
        st->staged_mask[i] = 1;
        if (n++)
            db_buf_add(&st->line, "\t");
        size_t field_start = st->line.len;
        if (pg_copy_value(&st->line, &values[i], &st->enc[i], err, sizeof err) < 0 ||
            row_too_long(st, err, sizeof err)) {
            if (st->opts.on_invalid == DB_ON_INVALID_ERROR)
                return refuse_value(st, st->columns[i], err) < 0 ? -1 : 1;
            if (note_invalid(st, st->stats.rows_read, st->columns[i], err) < 0)
                return -1;
            if (st->opts.on_invalid == DB_ON_INVALID_SKIP_ROW)
                return 1;
            st->line.len = field_start; /* --on-invalid=null */
            db_buf_add(&st->line, "\\N");
        }
    }
    if (numbered(st) && n)
        db_buf_printf(&st->line, "\t%llu", (unsigned long long)st->stats.rows_read);
    db_buf_add(&st->line, "\n");
    if (st->line.oom)
        return db_oom(&st->diag);
    *nfields = n;
    return 0;
}

int pg_target_row(void *state, const fmt_value *values, const unsigned char *present)
{
    pg_target *st = state;
    size_t n = 0;
    int binary = st->binary_table, rc;

    free(st->diag.column);
    st->diag.column = NULL;
    st->error_row = 0;
    if (!st->table_open)
        return db_error(&st->diag, "row outside a table");
    st->stats.rows_read++;
    for (size_t i = 0; st->untyped_numbers && i < st->ncolumns; i++)
        if (st->untyped_numbers[i] != UINT64_MAX && (!present || present[i]) &&
            (values[i].kind == FMT_VALUE_INTEGER || values[i].kind == FMT_VALUE_REAL ||
             values[i].kind == FMT_VALUE_DECIMAL))
            st->untyped_numbers[i]++;
    st->line.len = 0;
    if (binary && (rc = binary_row(st, values, present, &n)) != 0) {
        if (rc < 0)
            return -1;
        binary = 0; /* this row and the rest by text */
    }
    if (!binary && (rc = text_row(st, values, present, &n)) != 0)
        return rc < 0 ? -1 : 0;
    if (st->opts.dry_run)
        return 0;
    if (n == 0) {
        if (pg_target_end_copy(st) < 0)
            return -1;
        return insert_default_row(st);
    }
    if (st->copy_active &&
        (memcmp(st->copy_mask, st->mask, st->ncolumns) != 0 || st->copy_binary != binary) &&
        pg_target_end_copy(st) < 0)
        return -1;
    /* A COPY a batch long: the server's verdict on a row comes at most
     * COPY_BATCH_ROWS rows later, while the driver still knows where it
     * stood in the file. */
    if (st->copy_active && st->copy_rows >= COPY_BATCH_ROWS && pg_target_end_copy(st) < 0)
        return -1;
    if (!st->copy_active) {
        st->copy_binary = binary;
        if (start_copy(st) < 0)
            return -1;
    }
    /* a long row goes out from where it was encoded, not copied first */
    if (st->line.len < COPY_CHUNK)
        db_buf_addn(&st->out, st->line.buf, st->line.len);
    else if (flush_copy(st) < 0 || put_copy(st, st->line.buf, st->line.len) < 0)
        return -1;
    st->copy_rows++;
    if (batching(st)) {
        /* kept, to be sent again if the server rejects one of the batch */
        if (st->nbatch == st->capbatch) {
            size_t cap = st->capbatch ? st->capbatch * 2 : 256;
            uint64_t *grown = realloc(st->batch_rows, cap * sizeof *grown);
            if (!grown)
                return db_oom(&st->diag);
            st->batch_rows = grown;
            st->capbatch = cap;
        }
        st->batch_rows[st->nbatch++] = st->stats.rows_read;
        db_buf_addn(&st->batch, st->line.buf, st->line.len);
        if (st->batch.oom)
            return db_oom(&st->diag);
    }
    if (st->out.len >= COPY_CHUNK)
        return flush_copy(st);
    return st->out.oom ? db_oom(&st->diag) : 0;
}
