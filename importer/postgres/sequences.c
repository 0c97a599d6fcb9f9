/* The sequences this import creates: those serial columns' defaults need
 * (ddl.c) and the file's stand-alone ones (docs/FORMAT.md 2.8), created
 * with their options before any table and set to their value after the
 * data. One the target already has is the application's: kept as it is,
 * value too (an import never moves a sequence it did not create). They are
 * remembered by oid, so a default naming one in any spelling finds it,
 * and with --commit recorded by oid (progress.c), so a resumed run knows
 * those the unfinished import created. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_guard.h"
#include "pg_sql.h"
#include "strlist.h"

int pg_target_note_created_sequence(pg_target *st, const char *qname)
{
    const char *params[] = {qname};
    char *oid = NULL;
    if (pg_target_query_value(st, "SELECT $1::pg_catalog.regclass::pg_catalog.oid::text", 1, params,
                              &oid) <= 0)
        return -1;
    int rc = fmt_strings_push(&st->created_sequences, &st->ncreated_sequences, oid);
    return rc < 0 ? db_oom(&st->diag) : 0;
}

int pg_target_created_sequence(const pg_target *st, const char *oid)
{
    for (size_t k = 0; oid && k < st->ncreated_sequences; k++)
        if (strcmp(st->created_sequences[k], oid) == 0)
            return 1;
    return 0;
}

/* "public"."name" or "ns"."name", or NULL with an error (a bad name). */
static char *sequence_qname(pg_target *st, const fmt_sequence *q)
{
    char why[256];
    if (pg_guard_name(q->name, why, sizeof why) < 0 ||
        (q->namespace && pg_guard_schema(q->namespace, why, sizeof why) < 0)) {
        db_error(&st->diag, "sequence \"%s\": %s", q->name, why);
        return NULL;
    }
    char *qname = pg_qualified(q->namespace ? q->namespace : DEFAULT_NAMESPACE, q->name);
    if (!qname)
        db_oom(&st->diag);
    return qname;
}

static int create_one(pg_target *st, const fmt_sequence *q, const char *qname)
{
    const char *params[] = {qname};
    char *oid = NULL;
    int found = pg_target_query_value(st, "SELECT pg_catalog.to_regclass($1)::pg_catalog.oid::text",
                                      1, params, &oid);
    /* --resume: one the unfinished import created is this import's */
    int ours = found > 0 && pg_target_created_sequence(st, oid);
    free(oid);
    if (found < 0)
        return -1;
    if (found) {
        if (!ours)
            db_warn(&st->diag, "sequence %s: the target has it: kept as it is, its value too",
                    qname);
        return 0;
    }
    if (pg_target_ensure_schema(st, q->namespace ? q->namespace : DEFAULT_NAMESPACE) < 0)
        return -1;
    db_buf b = {0};
    db_buf_printf(&b,
                  "CREATE SEQUENCE %s AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld "
                  "START WITH %lld CACHE %lld %sCYCLE",
                  qname, q->type, (long long)q->increment, (long long)q->min_value,
                  (long long)q->max_value, (long long)q->start, (long long)q->cache,
                  q->cycle ? "" : "NO ");
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "sequence %s: cannot create it: %s", qname, st->diag.message);
    return pg_target_note_created_sequence(st, qname);
}

int pg_target_create_sequences(pg_target *st, const fmt_header *h)
{
    if (st->opts.dry_run || st->opts.data_only)
        return 0;
    for (size_t i = 0; i < h->nsequences; i++) {
        char *qname = sequence_qname(st, &h->sequences[i]);
        int rc = qname ? create_one(st, &h->sequences[i], qname) : -1;
        free(qname);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int pg_target_set_file_sequences(pg_target *st, const fmt_header *h)
{
    if (st->opts.dry_run || st->opts.data_only || st->opts.schema_only)
        return 0;
    for (size_t i = 0; i < h->nsequences; i++) {
        const fmt_sequence *q = &h->sequences[i];
        if (!q->has_last_value)
            continue;
        char *qname = sequence_qname(st, q), *oid = NULL, last[24];
        const char *params[] = {qname, last};
        if (!qname)
            return -1;
        int found = pg_target_query_value(
            st, "SELECT $1::pg_catalog.regclass::pg_catalog.oid::text", 1, params, &oid);
        int ours = found > 0 && pg_target_created_sequence(st, oid);
        free(oid);
        snprintf(last, sizeof last, "%lld", (long long)q->last_value);
        int rc = found < 0 ? -1
                 : ours    ? pg_target_run(st, "SELECT pg_catalog.setval($1, $2::bigint, true)", 2,
                                           params, NULL)
                           : 0;
        free(qname);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* PostgreSQL ties a sequence OWNED BY a column to its table's owner
 * ("sequence must have same owner as table it is linked to"): a table
 * that --privileges handed to its owner (after the data, before this)
 * takes the sequence along first. 0 or -1. */
static int follow_table_owner(pg_target *st, const char *qname, const char *table)
{
    const char *params[] = {table, qname};
    char *owner = NULL;
    int found = pg_target_query_value(
        st,
        "SELECT pg_catalog.pg_get_userbyid(t.relowner) FROM pg_catalog.pg_class t,"
        " pg_catalog.pg_class q WHERE t.oid = $1::pg_catalog.regclass"
        " AND q.oid = $2::pg_catalog.regclass AND t.relowner <> q.relowner",
        2, params, &owner);
    if (found <= 0)
        return found;
    db_buf b = {0};
    db_buf_printf(&b, "ALTER SEQUENCE %s OWNER TO ", qname);
    db_buf_ident(&b, owner);
    free(owner);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "sequence %s: its table's owner: %s", qname, st->diag.message);
    return 0;
}

/* OWNED BY (1.3), once the tables are there: only a sequence this import
 * created, and only to a table it created (an import never ties its
 * objects to the application's). */
int pg_target_own_file_sequences(pg_target *st, const fmt_header *h)
{
    if (st->opts.dry_run || st->opts.data_only)
        return 0;
    for (size_t i = 0; i < h->nsequences; i++) {
        const fmt_sequence *q = &h->sequences[i];
        if (!q->owned_by_table || !q->owned_by_column)
            continue;
        const char *ns = q->namespace ? q->namespace : DEFAULT_NAMESPACE;
        char *qname = sequence_qname(st, q), *table = pg_qualified(ns, q->owned_by_table);
        char *oid = NULL;
        const char *params[] = {qname};
        int rc = qname && table ? 0 : db_oom(&st->diag), created = 0;
        for (size_t k = 0; rc == 0 && k < st->ntables; k++)
            created |= st->tables[k].created && strcmp(st->tables[k].qname, table) == 0;
        int found =
            rc < 0
                ? -1
                : pg_target_query_value(st, "SELECT $1::pg_catalog.regclass::pg_catalog.oid::text",
                                        1, params, &oid);
        int ours = found > 0 && pg_target_created_sequence(st, oid);
        free(oid);
        if (found < 0) {
            rc = -1;
        } else if (!ours || !created) {
            db_warn(&st->diag, "sequence %s: OWNED BY %s.\"%s\" not set: %s", qname, table,
                    q->owned_by_column,
                    !ours ? "the target had the sequence" : "this import did not create the table");
        } else if ((rc = follow_table_owner(st, qname, table)) == 0) {
            db_buf b = {0};
            db_buf_printf(&b, "ALTER SEQUENCE %s OWNED BY %s.", qname, table);
            db_buf_ident(&b, q->owned_by_column);
            if (pg_target_run_buf(st, &b) < 0)
                rc = db_error(&st->diag, "sequence %s: OWNED BY: %s", qname, st->diag.message);
        }
        free(qname);
        free(table);
        if (rc < 0)
            return -1;
    }
    return 0;
}
