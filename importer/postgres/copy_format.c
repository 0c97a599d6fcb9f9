/* Which COPY format a table's rows go in: binary (FORMAT binary, encoded
 * by tools/postgres/copy_binary.c) when every column the rows fill has a
 * type whose binary form the encoder gives exactly, else text. Decided once
 * per table, from the target's own catalog (so a domain, an enum, numeric,
 * an array or a type of another schema named like a built-in keeps the
 * whole table on text), and left once at most: a value the binary encoder
 * cannot give exactly sends the rest of the table by text, where the text
 * encoder and the server decide as they always did. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char columns_sql[] =
    "SELECT a.attname, t.typname, t.typtype, t.typnamespace = "
    "'pg_catalog'::pg_catalog.regnamespace, EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
    "JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid "
    "WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid "
    "AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e' "
    "AND e.extname = 'vector'), pg_catalog.format_type(a.atttypid, a.atttypmod) "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "WHERE a.attrelid = $1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped";

static int text_because(pg_target *st, const char *fmt, const char *arg)
{
    db_buf b = {0};
    db_buf_printf(&b, fmt, arg);
    free(st->copy_text_reason);
    st->copy_text_reason = b.buf;
    return b.oom ? db_oom(&st->diag) : 0;
}

/* The binary form of each column of the file from the target's catalog;
 * st->binary_table when every column the rows fill has one. */
static int choose_from_catalog(pg_target *st)
{
    const char *params[] = {st->qname};
    PGresult *res;
    if (pg_target_run(st, columns_sql, 1, params, &res) < 0)
        return db_error(&st->diag, "table \"%s\": cannot read its column types: %s", st->display,
                        st->diag.message);
    int rc = 0;
    st->binary_table = 1;
    for (size_t i = 0; i < st->ncolumns && st->binary_table; i++) {
        int r, found = 0;
        if (!st->loadable[i])
            continue; /* the target fills it: never sent */
        for (r = 0; r < PQntuples(res) && !found; r++) {
            if (strcmp(PQgetvalue(res, r, 0), st->columns[i]) != 0)
                continue;
            found = 1;
            st->bin[i] = pg_copy_binary_type(PQgetvalue(res, r, 1), PQgetvalue(res, r, 2)[0],
                                             PQgetvalue(res, r, 3)[0] == 't',
                                             PQgetvalue(res, r, 4)[0] == 't');
            if (st->bin[i] == PG_BIN_NONE) {
                st->binary_table = 0;
                db_buf b = {0};
                db_buf_printf(&b, "column \"%s\" is %s", st->columns[i], PQgetvalue(res, r, 5));
                rc = text_because(st, "%s", b.buf ? b.buf : "?");
                db_buf_free(&b);
            }
        }
        if (!found) {
            st->binary_table = 0;
            rc = text_because(st, "column \"%s\" is not in the target's catalog", st->columns[i]);
        }
    }
    PQclear(res);
    return rc;
}

int pg_target_choose_copy_format(pg_target *st)
{
    st->binary_table = 0;
    st->copy_text_from_row = 0;
    free(st->copy_text_reason);
    st->copy_text_reason = NULL;
    if (st->opts.dry_run || st->opts.schema_only)
        return 0;
    free(st->bin);
    if (!(st->bin = calloc(st->ncolumns + 1, sizeof *st->bin)))
        return db_oom(&st->diag);
    /* --on-invalid and --max-errors take a row out of a batch, or one of
     * its fields, by editing the batch's text lines (copy_in.c): such a run
     * loads by text. */
    if (st->opts.on_invalid != DB_ON_INVALID_ERROR || st->opts.reject)
        return text_because(st, "%s", "--on-invalid and --max-errors edit text rows");
    /* Binary text fields are taken in the client's encoding as they are:
     * the file's UTF-8 must be what the server expects. */
    if (strcmp(pg_encoding_to_char(PQclientEncoding(st->conn)), "UTF8") != 0)
        return text_because(st, "the client encoding is %s, not UTF8",
                            pg_encoding_to_char(PQclientEncoding(st->conn)));
    return choose_from_catalog(st);
}

int pg_target_copy_text_from(pg_target *st, const char *column)
{
    char why[256];
    st->binary_table = 0;
    st->copy_text_from_row = st->stats.rows_read;
    snprintf(why, sizeof why, "column \"%s\": a value with no exact binary form", column);
    return text_because(st, "%s", why);
}

void pg_target_note_copy_format(const pg_target *st)
{
    if (!st->opts.verbose || st->opts.dry_run || st->opts.schema_only)
        return;
    if (st->binary_table && !st->copy_text_from_row)
        cli_message(NULL, "table \"%s\": COPY in binary", st->display);
    else if (st->copy_text_from_row)
        cli_message(NULL, "table \"%s\": COPY in binary, in text from row %llu (%s)", st->display,
                    (unsigned long long)st->copy_text_from_row,
                    st->copy_text_reason ? st->copy_text_reason : "?");
    else
        cli_message(NULL, "table \"%s\": COPY in text (%s)", st->display,
                    st->copy_text_reason ? st->copy_text_reason : "?");
}
