/* After the data, as pg_restore does: primary keys, uniques, indexes,
 * checks and foreign keys in that order, sequences moved past the loaded
 * values, then views and triggers. */
#include "pg_target_internal.h"

#include "pg_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_guard.h"
#include "pg_sql.h"

static int add_post(pg_target *st, post_phase phase, db_buf *sql, const char *what, int best_effort,
                    char contype, const char *name, const char *index_ns, const char *match)
{
    post_item *p = realloc(st->post, (st->npost + 1) * sizeof *p);
    if (!p || sql->oom) {
        db_buf_free(sql);
        return db_oom(&st->diag);
    }
    st->post = p;
    post_item *it = &p[st->npost++];
    memset(it, 0, sizeof *it);
    it->phase = phase;
    it->display = strdup(st->display);
    it->qname = strdup(st->qname);
    it->sql = sql->buf;
    memset(sql, 0, sizeof *sql);
    it->what = strdup(what);
    it->best_effort = best_effort;
    it->table_existed = st->table_existed;
    it->contype = contype;
    it->name = name ? strdup(name) : NULL;
    it->index_qname = contype == 'i' && name ? pg_qualified(index_ns, name) : NULL;
    it->match = match ? strdup(match) : NULL;
    if (!it->display || !it->qname || !it->what || (name && !it->name) ||
        (contype == 'i' && name && !it->index_qname) || (match && !it->match))
        return db_oom(&st->diag);
    return 0;
}

static void add_ident_list(db_buf *b, char *const *names, size_t n, int quote)
{
    db_buf_add(b, "(");
    for (size_t i = 0; i < n; i++) {
        db_buf_add(b, i ? ", " : "");
        if (quote)
            db_buf_ident(b, names[i]);
        else
            db_buf_add(b, names[i]);
    }
    db_buf_add(b, ")");
}

static int fk_action(pg_target *st, db_buf *b, const char *action, const char *on)
{
    if (!action || strcasecmp(action, "no action") == 0)
        return 0;
    const char *sql = pg_fk_action_sql(action);
    if (!sql)
        return db_error(&st->diag, "table \"%s\": unknown foreign key action \"%s\"", st->display,
                        action);
    db_buf_printf(b, " ON %s %s", on, sql);
    return 0;
}

static void add_constraint_head(db_buf *b, const char *qname, const char *name)
{
    db_buf_add(b, "ALTER TABLE ");
    db_buf_add(b, qname);
    db_buf_add(b, " ADD ");
    if (name) {
        db_buf_add(b, "CONSTRAINT ");
        db_buf_ident(b, name);
        db_buf_add(b, " ");
    }
}

/* " INCLUDE (...)" and " NULLS NOT DISTINCT" of a key or an index built
 * from its parts (1.3). */
static void add_index_options(db_buf *b, char *const *include, size_t ninclude,
                              bool nulls_not_distinct)
{
    if (ninclude) {
        db_buf_add(b, " INCLUDE ");
        db_buf_ident_list(b, include, ninclude);
    }
    if (nulls_not_distinct)
        db_buf_add(b, " NULLS NOT DISTINCT");
}

static int starts_with_create_index(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    if (strncasecmp(sql, "CREATE ", 7) != 0)
        return 0;
    sql += 7;
    if (strncasecmp(sql, "UNIQUE ", 7) == 0)
        sql += 7;
    return strncasecmp(sql, "INDEX ", 6) == 0;
}

/* Indexes of the current table (st->qname), or of one of its partitions. */
static int collect_indexes(pg_target *st, const fmt_index *indexes, size_t nindexes,
                           int partitioned, const char *ns)
{
    char what[512];
    db_buf b = {0};
    for (size_t i = 0; i < nindexes; i++) {
        const fmt_index *ix = &indexes[i];
        int best_effort = 0;
        if (ix->name && strncmp(ix->name, "sqlite_", 7) == 0)
            continue;
        if (st->source_is_pg && ix->sql) {
            if (!starts_with_create_index(ix->sql))
                return db_error(&st->diag,
                                "index \"%s\" on table \"%s\": its SQL does not create an index",
                                ix->name ? ix->name : "", st->display);
            const char *only = partitioned ? strstr(ix->sql, " ON ONLY ") : NULL;
            if (only) {
                /* a partitioned index must reach the partitions */
                db_buf_addn(&b, ix->sql, (size_t)(only - ix->sql));
                db_buf_add(&b, " ON ");
                db_buf_add(&b, only + 9);
            } else {
                db_buf_add(&b, ix->sql);
            }
        } else {
            db_buf_add(&b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
            if (ix->name) {
                db_buf_ident(&b, ix->name);
                db_buf_add(&b, " ");
            }
            db_buf_add(&b, "ON ");
            db_buf_add(&b, st->qname);
            db_buf_add(&b, " (");
            for (size_t p = 0; p < ix->nparts; p++) {
                const fmt_index_part *part = &ix->parts[p];
                db_buf_add(&b, p ? ", " : "");
                if (part->column) {
                    db_buf_ident(&b, part->column);
                } else {
                    db_buf_printf(&b, "(%s)", part->expression ? part->expression : "NULL");
                    best_effort = !st->source_is_pg;
                }
                if (part->collation && st->source_is_pg)
                    pg_add_collate(&b, part->collation, part->collation_namespace);
                else if (part->collation)
                    db_warn(&st->diag, "index \"%s\" on table \"%s\": collation \"%s\" not carried",
                            ix->name ? ix->name : "", st->display, part->collation);
                if (part->descending)
                    db_buf_add(&b, " DESC");
            }
            db_buf_add(&b, ")");
            add_index_options(&b, ix->include, ix->ninclude, ix->nulls_not_distinct);
            if (ix->where) {
                db_buf_printf(&b, " WHERE (%s)", ix->where);
                best_effort = !st->source_is_pg;
            }
        }
        snprintf(what, sizeof what, "index \"%s\"", ix->name ? ix->name : "");
        if (add_post(st, PHASE_INDEXES, &b, what, best_effort, 'i', ix->name, ns, NULL) < 0)
            return -1;
    }
    return 0;
}

/* Whether t has a plain btree index, key or unique constraint whose first
 * column is column: the foreign key check can then read it in order. A
 * PostgreSQL index says its method; SQLite has none but btree. */
static int leads_an_index(const pg_target *st, const fmt_table *t, const char *column)
{
    if (t->primary_key && t->primary_key->ncolumns &&
        strcmp(t->primary_key->columns[0], column) == 0)
        return 1;
    for (size_t i = 0; i < t->nuniques; i++)
        if (t->uniques[i].ncolumns && strcmp(t->uniques[i].columns[0], column) == 0)
            return 1;
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];
        if (ix->nparts && ix->parts[0].column && strcmp(ix->parts[0].column, column) == 0 &&
            !ix->where && !ix->parts[0].collation &&
            (!st->source_is_pg || !ix->sql || strstr(ix->sql, " USING btree ")))
            return 1;
    }
    return 0;
}

/* Foreign keys of the current table (st->qname), or of one of its
 * partitions (t NULL). */
static int collect_foreign_keys(pg_target *st, const fmt_table *t, const fmt_foreign_key *fks,
                                size_t nfks)
{
    char what[512];
    db_buf b = {0}, match = {0};
    for (size_t i = 0; i < nfks; i++) {
        const fmt_foreign_key *fk = &fks[i];
        char *ref = pg_qualified(fk->ref_namespace, fk->ref_table);
        add_constraint_head(&b, st->qname, fk->name);
        db_buf_add(&b, "FOREIGN KEY ");
        db_buf_ident_list(&b, fk->columns, fk->ncolumns);
        db_buf_add(&b, " REFERENCES ");
        db_buf_add(&b, ref ? ref : "");
        free(ref);
        if (fk->nref_columns) {
            db_buf_add(&b, " ");
            db_buf_ident_list(&b, fk->ref_columns, fk->nref_columns);
        }
        if (fk_action(st, &b, fk->on_delete, "DELETE") < 0 ||
            fk_action(st, &b, fk->on_update, "UPDATE") < 0) {
            db_buf_free(&b);
            return -1;
        }
        if (fk->deferrable)
            db_buf_add(&b, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
                                                  : " DEFERRABLE INITIALLY IMMEDIATE");
        db_buf_add(&match, "FOREIGN KEY ");
        add_ident_list(&match, fk->columns, fk->ncolumns, 0);
        snprintf(what, sizeof what, "foreign key%s%s%s", fk->name ? " \"" : "",
                 fk->name ? fk->name : "", fk->name ? "\"" : "");
        int rc = add_post(st, PHASE_FOREIGN_KEYS, &b, what, 0, 'f', fk->name, NULL, match.buf);
        db_buf_free(&match);
        if (rc < 0)
            return -1;
        post_item *it = &st->post[st->npost - 1];
        it->child_indexed = t && fk->ncolumns == 1 && leads_an_index(st, t, fk->columns[0]);
        if (!(it->ref_qname = pg_qualified(fk->ref_namespace, fk->ref_table)))
            return db_oom(&st->diag);
    }
    return 0;
}

/* Keys, indexes, checks and foreign keys of t, for finish. */
int pg_target_add_post(pg_target *st, post_phase phase, db_buf *sql, const char *what)
{
    return add_post(st, phase, sql, what, 0, 0, NULL, NULL, NULL);
}

/* A primary key and unique constraints on st->qname (a table or one of
 * its partitions). */
static int collect_keys(pg_target *st, const fmt_key *pk, const fmt_key *uniques, size_t nuniques)
{
    char what[512];
    db_buf b = {0}, match = {0};
    for (size_t k = 0; k < 1 + nuniques; k++) {
        const fmt_key *key = k == 0 ? pk : &uniques[k - 1];
        if (!key || key->ncolumns == 0)
            continue;
        add_constraint_head(&b, st->qname, key->name);
        db_buf_add(&b, k == 0                    ? "PRIMARY KEY "
                       : key->nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT "
                                                 : "UNIQUE ");
        db_buf_ident_list(&b, key->columns, key->ncolumns);
        add_index_options(&b, key->include, key->ninclude, false);
        db_buf_add(&match, k && key->nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT " : "UNIQUE ");
        add_ident_list(&match, key->columns, key->ncolumns, 0);
        snprintf(what, sizeof what, k == 0 ? "primary key" : "unique constraint%s%s%s",
                 key->name ? " \"" : "", key->name ? key->name : "", key->name ? "\"" : "");
        int rc =
            add_post(st, PHASE_KEYS, &b, what, 0, k == 0 ? 'p' : 'u', key->name, NULL, match.buf);
        db_buf_free(&match);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* CHECK constraints on st->qname. */
static int collect_checks(pg_target *st, const fmt_check *checks, size_t nchecks)
{
    char what[512];
    db_buf b = {0};
    for (size_t i = 0; i < nchecks; i++) {
        const fmt_check *c = &checks[i];
        if (!c->expression)
            continue;
        add_constraint_head(&b, st->qname, c->name);
        db_buf_printf(&b, "CHECK (%s)", c->expression);
        snprintf(what, sizeof what, "check constraint%s%s%s", c->name ? " \"" : "",
                 c->name ? c->name : "", c->name ? "\"" : "");
        if (add_post(st, PHASE_CHECKS, &b, what, !st->source_is_pg, 'c', c->name, NULL, NULL) < 0)
            return -1;
    }
    return 0;
}

/* A partition's own indexes, foreign keys, keys and checks (1.3), on the
 * partition, and its sub-partitions' the same way. */
static int collect_partitions(pg_target *st, const fmt_partitioning *pt, int depth)
{
    for (size_t p = 0; pt && depth <= 32 && p < pt->npartitions; p++) {
        const fmt_partition *part = &pt->partitions[p];
        char *saved_qname = st->qname, *saved_display = st->display;
        st->qname = pg_qualified(part->namespace, part->name);
        st->display =
            part->namespace ? pg_qualified(part->namespace, part->name) : strdup(part->name);
        int rc = st->qname && st->display ? 0 : db_oom(&st->diag);
        if (rc == 0)
            rc = collect_keys(st, part->primary_key, part->uniques, part->nuniques);
        if (rc == 0)
            rc = collect_indexes(st, part->indexes, part->nindexes, part->partitioning != NULL,
                                 part->namespace ? part->namespace : DEFAULT_NAMESPACE);
        if (rc == 0)
            rc = collect_checks(st, part->checks, part->nchecks);
        if (rc == 0)
            rc = collect_foreign_keys(st, NULL, part->foreign_keys, part->nforeign_keys);
        if (rc == 0)
            rc = collect_partitions(st, part->partitioning, depth + 1);
        free(st->qname);
        free(st->display);
        st->qname = saved_qname;
        st->display = saved_display;
        if (rc < 0)
            return -1;
    }
    return 0;
}

int pg_target_collect_post_data(pg_target *st, const fmt_table *t)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    if (collect_keys(st, t->primary_key, t->uniques, t->nuniques) < 0 ||
        collect_indexes(st, t->indexes, t->nindexes, t->partitioning != NULL, ns) < 0 ||
        pg_target_collect_exclusions(st, t) < 0 || collect_checks(st, t->checks, t->nchecks) < 0 ||
        collect_foreign_keys(st, t, t->foreign_keys, t->nforeign_keys) < 0 ||
        pg_target_collect_row_security(st, t) < 0 || pg_target_collect_privileges(st, t) < 0)
        return -1;
    return collect_partitions(st, t->partitioning, 0);
}

int pg_target_collect_sequences(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->identity == FMT_IDENTITY_NONE)
            continue;
        sequence_item *p = realloc(st->sequences, (st->nsequences + 1) * sizeof *p);
        if (!p)
            return db_oom(&st->diag);
        st->sequences = p;
        sequence_item *s = &p[st->nsequences++];
        s->qname = strdup(st->qname);
        s->display = strdup(st->display);
        s->column = strdup(c->name);
        s->has_last_value = c->has_last_value;
        s->last_value = c->last_value;
        s->exact = st->source_is_pg && c->has_last_value && st->table_created;
        s->existing = !st->table_created;
        if (!s->qname || !s->display || !s->column)
            return db_oom(&st->diag);
    }
    return 0;
}

static int post_item_exists(pg_target *st, const post_item *it)
{
    char type[2] = {it->contype, '\0'};
    if (it->contype == 'i') {
        if (!it->index_qname)
            return 0;
        const char *params[] = {it->index_qname};
        return pg_target_query_value(st, "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL", 1,
                                     params, NULL);
    }
    if (it->contype == 'p') {
        const char *params[] = {it->qname};
        return pg_target_query_value(
            st,
            "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
            " AND contype = 'p'",
            1, params, NULL);
    }
    if (it->name) {
        const char *params[] = {it->qname, it->name};
        return pg_target_query_value(
            st,
            "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
            " AND conname = $2",
            2, params, NULL);
    }
    if (!it->match)
        return 1; /* an unnamed check on a table the target had: it keeps its own */
    const char *params[] = {it->qname, type, it->match};
    return pg_target_query_value(
        st,
        "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass"
        " AND contype = $2 AND starts_with(replace("
        "pg_catalog.pg_get_constraintdef(oid), '\"', ''), $3)",
        3, params, NULL);
}

static int post_failure(pg_target *st, const post_item *it)
{
    const char *detail = st->detail ? st->detail : st->diag.message;
    if (strcmp(st->sqlstate, "23505") == 0)
        return db_error(&st->diag, "table \"%s\": duplicate key: %s", it->display, detail);
    if (strcmp(st->sqlstate, "23503") == 0)
        return db_error(&st->diag, "table \"%s\": foreign key violation: %s", it->display, detail);
    return db_error(&st->diag, "table \"%s\": %s: %s", it->display, it->what, st->diag.message);
}

/* Whether table (quoted) was created by this import and loaded by COPY
 * FREEZE alone: its pages are all-visible, an index-only scan of it reads
 * no heap page. */
static int loaded_frozen(const pg_target *st, const char *table)
{
    for (size_t i = 0; table && i < st->ntables; i++)
        if (strcmp(st->tables[i].qname, table) == 0)
            return st->tables[i].created && st->tables[i].frozen_copies &&
                   !st->tables[i].thawed_copies;
    return 0;
}

/* The check that ADD FOREIGN KEY runs is an anti-join of the child and the
 * parent, planned as a hash join and run without parallel workers: 1.8 s
 * for 4 million rows against 800 000 (docs/PERFORMANCE.md). When both
 * tables were just loaded frozen and the child's own index leads with the
 * key's column, a merge of the two indexes, read in order and with no heap
 * page, does it in a fifth of that; the planner, which has no statistics
 * of tables loaded in this transaction, does not see it. So for that
 * statement alone hash joins are off (not in --sql-file's script: it is
 * no part of the schema). 1: use it; 0: not. */
static int wants_merge_check(const pg_target *st, const post_item *it)
{
    return it->contype == 'f' && it->child_indexed && !it->table_existed &&
           loaded_frozen(st, it->qname) && loaded_frozen(st, it->ref_qname);
}

static int set_hash_joins(pg_target *st, int on)
{
    struct db_sql_log *log = st->opts.sql_log;
    st->opts.sql_log = NULL;
    int rc = pg_target_run(st, on ? "RESET enable_hashjoin" : "SET LOCAL enable_hashjoin = off", 0,
                           NULL, NULL);
    st->opts.sql_log = log;
    return rc;
}

/* One item; 0 or -1. */
static int run_item(pg_target *st, const post_item *it)
{
    if (wants_merge_check(st, it)) {
        if (set_hash_joins(st, 0) < 0)
            return -1;
        /* a failure ends the transaction, and the setting with it */
        if (pg_target_run(st, it->sql, 0, NULL, NULL) < 0)
            return post_failure(st, it);
        return set_hash_joins(st, 1);
    }
    if (!it->best_effort) {
        if (pg_target_run(st, it->sql, 0, NULL, NULL) < 0)
            return post_failure(st, it);
        return 0;
    }
    int rc = pg_target_run_try(st, it->sql);
    if (rc < 0)
        return -1;
    if (rc == 1 && strncmp(st->sqlstate, "23", 2) == 0)
        return post_failure(st, it);
    if (rc == 1)
        db_warn(&st->diag, "table \"%s\": %s from %s not created: %s", it->display, it->what,
                st->source_backend ? st->source_backend : "another backend",
                st->diag.message ? st->diag.message : "");
    return 0;
}

/* The open table's keys, indexes (unique ones alone when unique_only) and
 * CHECKs not run yet, in that order; each is then done. 0 or -1. */
static int run_open_table_items(pg_target *st, int unique_only)
{
    for (int phase = PHASE_KEYS; phase <= PHASE_CHECKS; phase++)
        for (size_t i = 0; i < st->npost; i++) {
            post_item *it = &st->post[i];
            if ((int)it->phase != phase || it->done || it->table_existed ||
                (unique_only && phase == PHASE_INDEXES &&
                 strncmp(it->sql, "CREATE UNIQUE ", 14) != 0) ||
                strcmp(it->qname, st->qname) != 0)
                continue;
            if (run_item(st, it) < 0)
                return -1;
            it->done = 1;
        }
    return 0;
}

int pg_target_run_early_constraints(pg_target *st)
{
    return run_open_table_items(st, 1);
}

/* --commit=table|N: the open table's keys, indexes and CHECKs at its end,
 * in its last transaction, so that each committed table is whole and a
 * duplicate key fails only that transaction. Foreign keys (which need
 * other tables), row security and privileges stay for the end. */
int pg_target_run_table_post_data(pg_target *st)
{
    return run_open_table_items(st, 0);
}

/* --resume of a table an earlier run of this import created. Its keys,
 * indexes and CHECKs were made at its end (pg_target_run_table_post_data),
 * all in one transaction, so the table has all of them or none; under
 * --max-errors its keys, unique indexes and CHECKs were made before its
 * rows, so an index may still be missing, and is looked for by name at
 * the end. Foreign keys, row security and privileges come after the last
 * table: that run made none of them. What it did not make is made as for
 * a table created now, at the table's end or after the last one. */
int pg_target_skip_made_table_post_data(pg_target *st)
{
    const char *params[] = {st->qname};
    int made = pg_target_query_value(
        st,
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
        "$1::pg_catalog.regclass AND contype IN ('p', 'u', 'c', 'x')) OR EXISTS (SELECT 1 FROM "
        "pg_catalog.pg_index WHERE indrelid = $1::pg_catalog.regclass)",
        1, params, NULL);
    if (made < 0)
        return -1;
    for (size_t i = 0; i < st->npost; i++) {
        post_item *it = &st->post[i];
        if (strcmp(it->qname, st->qname) != 0)
            continue;
        if (!made || it->phase > PHASE_CHECKS)
            it->table_existed = 0;
        else if (it->contype != 'i' || !it->index_qname)
            it->done = 1;
    }
    return 0;
}

int pg_target_run_post_data(pg_target *st)
{
    for (int phase = 0; phase < PHASE_COUNT; phase++) {
        for (size_t i = 0; i < st->npost; i++) {
            const post_item *it = &st->post[i];
            if ((int)it->phase != phase || it->done)
                continue;
            if (it->table_existed) {
                int found = post_item_exists(st, it);
                if (found < 0)
                    return -1;
                if (found)
                    continue;
            }
            if (run_item(st, it) < 0)
                return -1;
        }
    }
    return 0;
}

/* Identity and serial sequences continue after the highest value loaded,
 * or the source's last value when that is higher (AUTOINCREMENT never
 * reuses a number), never lowering what the target had. */
int pg_target_set_sequences(pg_target *st)
{
    for (size_t i = 0; i < st->nsequences; i++) {
        const sequence_item *s = &st->sequences[i];
        if (s->existing && st->opts.rehearsal)
            continue; /* setval is not undone by the rollback that ends a rehearsal */
        char last[24];
        db_buf b = {0};
        snprintf(last, sizeof last, "%lld", (long long)s->last_value);
        const char *params[] = {s->qname, s->column, s->has_last_value ? last : NULL};
        const char *file_value = s->existing ? "" : "$3::bigint, ";
        db_buf_add(&b, "SELECT pg_catalog.setval(q.s, m.v, true) FROM"
                       " (SELECT pg_catalog.pg_get_serial_sequence($1, $2) AS s) q,"
                       " LATERAL (SELECT ");
        if (s->exact) {
            db_buf_add(&b, "$3::bigint AS v) m");
        } else {
            db_buf_add(&b, "greatest(max(");
            db_buf_ident(&b, s->column);
            db_buf_printf(&b,
                          ")::bigint, %spg_catalog.pg_sequence_last_value("
                          "q.s::regclass)) AS v FROM %s) m",
                          file_value, s->qname);
        }
        db_buf_add(&b, " WHERE q.s IS NOT NULL AND m.v IS NOT NULL");
        if (b.oom) {
            db_buf_free(&b);
            return db_oom(&st->diag);
        }
        int rc = pg_target_run(st, b.buf, s->existing ? 2 : 3, params, NULL);
        db_buf_free(&b);
        if (rc < 0)
            return db_error(&st->diag, "table \"%s\", column \"%s\": cannot set its sequence: %s",
                            s->display, s->column, st->diag.message);
    }
    return 0;
}

/* "... EXECUTE FUNCTION schema.f()" -> "schema.f" */
static char *trigger_function(const char *sql)
{
    const char *p = NULL;
    const char *keys[] = {"EXECUTE FUNCTION ", "EXECUTE PROCEDURE "};
    for (size_t i = 0; i < 2 && !p; i++) {
        const char *hit = strstr(sql, keys[i]);
        if (hit)
            p = hit + strlen(keys[i]);
    }
    if (!p)
        return NULL;
    const char *end = strchr(p, '(');
    if (!end)
        return NULL;
    char *f = strndup(p, (size_t)(end - p));
    return f;
}

/* Calls check(sql, schema, name) for each reading of the document key
 * ("name" in public, or "schema.name" at any dot): 0 when one of them
 * passes, else -1 with the first reading's reason in why. */
static int check_key(const char *key,
                     int (*check)(const char *sql, const char *schema, const char *name, void *ctx,
                                  char *why, size_t whylen),
                     const char *sql, void *ctx, char *why, size_t whylen)
{
    if (check(sql, NULL, key, ctx, why, whylen) == 0)
        return 0;
    char other[64];
    for (const char *dot = strchr(key, '.'); dot; dot = strchr(dot + 1, '.')) {
        char *schema = strndup(key, (size_t)(dot - key));
        if (!schema)
            return -1;
        int rc = check(sql, schema, dot + 1, ctx, other, sizeof other);
        free(schema);
        if (rc == 0)
            return 0;
    }
    return -1;
}

static int check_view(const char *sql, const char *schema, const char *name, void *ctx, char *why,
                      size_t whylen)
{
    (void)ctx;
    return pg_guard_view(sql, schema, name, why, whylen);
}

typedef struct {
    const char *trigger;
} trigger_check;

static int check_trigger(const char *sql, const char *schema, const char *table, void *ctx,
                         char *why, size_t whylen)
{
    const trigger_check *t = ctx;
    return pg_guard_trigger(sql, t->trigger, schema, table, why, whylen);
}

/* A trigger goes only on a table this import created. */
static int created_here(const pg_target *st, const char *key)
{
    for (size_t i = 0; key && i < st->ntables; i++)
        if (st->tables[i].created && strcmp(st->tables[i].display, key) == 0)
            return 1;
    return 0;
}

/* Whether table `key` of the file is one this import loads (-t/-T/-n/-N
 * leave the others out). */
static int in_import(const pg_target *st, const char *key)
{
    for (size_t i = 0; key && i < st->ntables; i++)
        if (strcmp(st->tables[i].display, key) == 0)
            return 1;
    return 0;
}

/* The views this import has made (or, in a dry run, would make): an
 * INSTEAD OF trigger may go on one of them as on a table created here. */
typedef struct {
    const fmt_native_object *objects;
    const unsigned char *made;
    size_t n;
} made_views;

static int made_view(const made_views *mv, const char *key)
{
    for (size_t i = 0; key && mv && i < mv->n; i++)
        if (mv->made[i] && mv->objects[i].kind == FMT_NATIVE_VIEW &&
            strcmp(mv->objects[i].name, key) == 0)
            return 1;
    return 0;
}

/* Whether the file has a view of that key (made here or not). */
static int file_view(const made_views *mv, const char *key)
{
    for (size_t i = 0; key && mv && i < mv->n; i++)
        if (mv->objects[i].kind == FMT_NATIVE_VIEW && mv->objects[i].name &&
            strcmp(mv->objects[i].name, key) == 0)
            return 1;
    return 0;
}

/* The entry is exactly what it claims (docs/SECURITY.md): 0, or -1 with
 * the error set. */
static int guard_native(pg_target *st, const fmt_native_object *o, const char *kind,
                        const char *name, const made_views *mv)
{
    char why[256] = "";
    int rc;
    if (!o->sql || !o->name)
        return db_error(&st->diag, "%s \"%s\": no name or no sql", kind, name);
    if (o->kind == FMT_NATIVE_VIEW) {
        rc = check_key(o->name, check_view, o->sql, NULL, why, sizeof why);
    } else {
        if (!created_here(st, o->table) && !made_view(mv, o->table))
            return db_error(&st->diag,
                            "trigger \"%s\": its table \"%s\" is not one this import created; "
                            "an import never adds a trigger to the target's own tables or views",
                            name, o->table ? o->table : "");
        trigger_check ctx = {o->name};
        rc = check_key(o->table, check_trigger, o->sql, &ctx, why, sizeof why);
    }
    if (rc < 0)
        return db_error(&st->diag, "%s \"%s\": sql: %s", kind, name,
                        why[0] ? why : "out of memory");
    return 0;
}

/* A view this import just created gets the file's comment, and its
 * privileges are noted for the end: its key is "schema.name" (a name may
 * hold dots too: each split is tried). */
static int view_created(pg_target *st, const fmt_native_object *o)
{
    if (!o->comment && !o->privileges)
        return 0;
    for (const char *dot = o->name; dot; dot = strchr(dot + 1, '.')) {
        char *ns =
            dot == o->name ? strdup(DEFAULT_NAMESPACE) : strndup(o->name, (size_t)(dot - o->name));
        const char *params[] = {ns, dot == o->name ? o->name : dot + 1};
        char *qname = NULL;
        int found =
            ns ? pg_target_query_value(st,
                                       "SELECT c.oid::pg_catalog.regclass::text"
                                       " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                                       " ON n.oid = c.relnamespace WHERE n.nspname = $1"
                                       " AND c.relname = $2 AND c.relkind = 'v'",
                                       2, params, &qname)
               : db_oom(&st->diag);
        free(ns);
        if (found < 0)
            return -1;
        if (!found)
            continue;
        int rc = pg_target_note_created_view(st, o, qname);
        db_buf b = {0};
        if (rc == 0 && o->comment) {
            db_buf_printf(&b, "COMMENT ON VIEW %s IS ", qname);
            db_buf_literal(&b, o->comment);
            if (pg_target_run_buf(st, &b) < 0)
                rc = db_error(&st->diag, "view \"%s\": cannot set its comment: %s", o->name,
                              st->diag.message);
        }
        free(qname);
        return rc;
    }
    return 0;
}

/* A trigger whose function the target lacks: 1 (said, left out). */
static int trigger_lacks_function(pg_target *st, const fmt_native_object *o, const char *name)
{
    char *f = trigger_function(o->sql);
    const char *params[] = {f};
    int found = f ? pg_target_query_value(
                        st, "SELECT 1 WHERE pg_catalog.to_regproc($1) IS NOT NULL", 1, params, NULL)
                  : 0;
    if (found < 0) {
        /* not a name to_regproc can read: let CREATE tell */
        found = 1;
        free(db_error_take(&st->diag));
    }
    if (!found)
        db_warn(&st->diag,
                "trigger \"%s\" not created: its function %s does not exist in the target", name,
                f ? f : "(unknown)");
    free(f);
    return !found;
}

/* One view or trigger: 0, -1, or 2 when defer is set and a view reads a
 * relation not there yet (a materialized view, created after the views).
 * *made is set when a view is created (or would be, in a dry run). */
static int create_native(pg_target *st, const fmt_native_object *o, int defer, const made_views *mv,
                         unsigned char *made)
{
    const char *kind = o->kind == FMT_NATIVE_VIEW ? "view" : "trigger";
    const char *name = o->name ? o->name : "";
    if (!st->source_is_pg)
        return db_warn(&st->diag, "%s \"%s\" not carried: native sql from %s", kind, name,
                       st->source_backend ? st->source_backend : "another backend");
    if (o->kind == FMT_NATIVE_TRIGGER && st->opts.selected && !in_import(st, o->table) &&
        !file_view(mv, o->table))
        return 0; /* left out by -t/-T/-n/-N with its table */
    if (o->kind == FMT_NATIVE_TRIGGER && file_view(mv, o->table) && !made_view(mv, o->table))
        return db_warn(&st->diag,
                       "trigger \"%s\" not created: its view \"%s\" is not one this import "
                       "created",
                       name, o->table);
    if (guard_native(st, o, kind, name, mv) < 0)
        return -1;
    if (st->opts.dry_run) {
        if (made)
            *made = 1;
        return 0;
    }
    if (o->kind == FMT_NATIVE_TRIGGER && trigger_lacks_function(st, o, name))
        return 0;
    int rc = pg_target_run_try(st, o->sql);
    if (rc < 0)
        return -1;
    if (rc == 1 && defer && strcmp(st->sqlstate, "42P01") == 0) {
        free(db_error_take(&st->diag));
        return 2;
    }
    if (rc == 1 && st->opts.selected && o->kind == FMT_NATIVE_VIEW &&
        strcmp(st->sqlstate, "42P01") == 0) {
        char *why = db_error_take(&st->diag);
        int w = db_warn(&st->diag, "view \"%s\" not created: %s (left out by -t/-T/-n/-N)", name,
                        why ? why : "a relation it reads does not exist");
        free(why);
        return w;
    }
    if (rc == 1 && (strcmp(st->sqlstate, "42P07") == 0 || strcmp(st->sqlstate, "42710") == 0))
        return db_warn(&st->diag, "%s \"%s\" not created: the target has one of that name", kind,
                       name);
    if (rc == 1)
        return db_error(&st->diag, "%s \"%s\": %s", kind, name, st->diag.message);
    if (made)
        *made = 1;
    return o->kind == FMT_NATIVE_VIEW ? view_created(st, o) : 0;
}

/* Views (those that read a materialized view after it), materialized
 * views, then triggers. */
int pg_target_create_native_objects(pg_target *st, const fmt_native_object *objects, size_t n)
{
    int has_matviews = 0, rc = 0;
    for (size_t i = 0; i < n; i++)
        has_matviews |= objects[i].kind == FMT_NATIVE_MATERIALIZED_VIEW;
    unsigned char *deferred = calloc(n + 1, 1), *made = calloc(n + 1, 1);
    made_views mv = {objects, made, n};
    if (!deferred || !made) {
        free(deferred);
        free(made);
        return db_oom(&st->diag);
    }
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (objects[i].kind == FMT_NATIVE_VIEW &&
            (rc = create_native(st, &objects[i], has_matviews, &mv, &made[i])) == 2)
            deferred[i] = 1;
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (objects[i].kind == FMT_NATIVE_MATERIALIZED_VIEW)
            rc = pg_target_create_matview(st, &objects[i]);
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (deferred[i])
            rc = create_native(st, &objects[i], 0, &mv, &made[i]);
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (objects[i].kind == FMT_NATIVE_TRIGGER)
            rc = create_native(st, &objects[i], 0, &mv, NULL);
    free(deferred);
    free(made);
    return rc < 0 ? -1 : 0;
}

void pg_target_free_post_data(pg_target *st)
{
    for (size_t i = 0; i < st->npost; i++) {
        post_item *it = &st->post[i];
        free(it->display);
        free(it->qname);
        free(it->sql);
        free(it->what);
        free(it->name);
        free(it->index_qname);
        free(it->match);
        free(it->ref_qname);
    }
    free(st->post);
    for (size_t i = 0; i < st->nsequences; i++) {
        free(st->sequences[i].qname);
        free(st->sequences[i].display);
        free(st->sequences[i].column);
    }
    free(st->sequences);
    st->post = NULL;
    st->sequences = NULL;
    st->npost = st->nsequences = 0;
}
