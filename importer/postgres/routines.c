/* The file's functions and procedures (FORMAT.md 2.9), created like
 * pg_restore's pre-data: in begin, before any table, with
 * check_function_bodies off, so a string body may name tables that come
 * later. One whose signature or SQL-standard body (BEGIN ATOMIC, RETURN)
 * needs a table waits and is created as soon as it can: after each new
 * table, at the latest at finish. Each statement passed pg_guard_function;
 * after CREATE the catalog must show exactly one new function of that
 * schema and name, in the declared language and kind, with the declared
 * arguments and result, not SECURITY DEFINER, no setting but search_path.
 * A function the target has (same name and arguments) is the
 * application's and is kept, unless the record of an unfinished import
 * this one resumes says it created it (progress.c: by oid). Whether an
 * expression may call one is functions.c's. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_guard.h"
#include "pg_sql.h"

/* The function's oids of that schema and name as a text[] literal into
 * *oids; 1 when one has the file's arguments (the target has it: its oid
 * into *match). */
static int existing(pg_target *st, const fmt_function *f, char **oids, char **match)
{
    const char *params[] = {f->namespace ? f->namespace : DEFAULT_NAMESPACE, f->name, f->arguments};
    PGresult *res;
    if (pg_target_run(st,
                      "SELECT p.oid, pg_catalog.pg_get_function_arguments(p.oid) = $3"
                      " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n"
                      " ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = $2",
                      3, params, &res) < 0)
        return -1;
    db_buf b = {0};
    int has = 0;
    db_buf_addc(&b, '{');
    *match = NULL;
    for (int r = 0; r < PQntuples(res); r++) {
        db_buf_add(&b, r ? "," : "");
        db_buf_add(&b, PQgetvalue(res, r, 0));
        if (PQgetvalue(res, r, 1)[0] == 't' && !has) {
            has = 1;
            *match = strdup(PQgetvalue(res, r, 0));
        }
    }
    db_buf_addc(&b, '}');
    PQclear(res);
    *oids = db_buf_take(&b);
    if (!*oids || (has && !*match)) {
        free(*oids);
        free(*match);
        *oids = *match = NULL;
        return db_oom(&st->diag);
    }
    return has;
}

/* After CREATE: exactly one new function of f's schema and name (not in
 * before), as declared. Its oid and signature go into fn. 0 or -1. */
static int check_created(pg_target *st, pg_function *fn, const char *before, const char *display)
{
    const fmt_function *f = fn->f;
    const char *params[] = {f->namespace ? f->namespace : DEFAULT_NAMESPACE, f->name, before};
    PGresult *res;
    if (pg_target_run(st,
                      "SELECT p.oid, p.oid::pg_catalog.regprocedure, l.lanname, p.prokind,"
                      " p.prosecdef, coalesce(pg_catalog.array_to_string(p.proconfig, E'\\n'), ''),"
                      " pg_catalog.pg_get_function_arguments(p.oid),"
                      " coalesce(pg_catalog.pg_get_function_result(p.oid), ''), p.prosupport <> 0"
                      " FROM pg_catalog.pg_proc p"
                      " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                      " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
                      " WHERE n.nspname = $1 AND p.proname = $2"
                      " AND NOT (p.oid = ANY ($3::pg_catalog.oid[]))",
                      3, params, &res) < 0)
        return -1;
    const char *why = NULL;
    if (PQntuples(res) != 1)
        why = "not exactly one new function of its name";
    else if (strcmp(PQgetvalue(res, 0, 2), f->language) != 0)
        why = "its language is not the declared one";
    else if (PQgetvalue(res, 0, 3)[0] != (strcmp(f->kind, "procedure") == 0 ? 'p' : 'f'))
        why = "it is not of the declared kind";
    else if (PQgetvalue(res, 0, 4)[0] == 't' || PQgetvalue(res, 0, 8)[0] == 't')
        why = "it is SECURITY DEFINER or has a support function";
    else if (strcmp(PQgetvalue(res, 0, 6), f->arguments) != 0 ||
             strcmp(PQgetvalue(res, 0, 7), f->result ? f->result : "") != 0)
        why = "its arguments or result are not the declared ones";
    for (const char *c = PQntuples(res) == 1 ? PQgetvalue(res, 0, 5) : ""; !why && *c;) {
        if (strncmp(c, "search_path=", 12) != 0)
            why = "it sets more than search_path";
        c = strchr(c, '\n') ? strchr(c, '\n') + 1 : c + strlen(c);
    }
    if (!why) {
        fn->oid = strdup(PQgetvalue(res, 0, 0));
        fn->signature = strdup(PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    if (why)
        return db_error(&st->diag, "function \"%s\": the server made something else: %s", display,
                        why);
    return fn->oid && fn->signature ? 0 : db_oom(&st->diag);
}

static int add_comment(pg_target *st, const pg_function *fn, const char *display)
{
    if (!fn->f->comment)
        return 0;
    db_buf b = {0};
    db_buf_printf(&b, "COMMENT ON %s %s IS ",
                  strcmp(fn->f->kind, "procedure") == 0 ? "PROCEDURE" : "FUNCTION", fn->signature);
    db_buf_literal(&b, fn->f->comment);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "function \"%s\": cannot set its comment: %s", display,
                        st->diag.message);
    return 0;
}

/* The function the target has with fn's name and arguments (its oid):
 * CREATED when the unfinished import (--resume) created it, else KEPT, the
 * application's. 0 or -1. */
static int found_in_target(pg_target *st, pg_function *fn, char *oid)
{
    if (!pg_target_resumed_function(st, oid)) {
        free(oid);
        fn->state = PG_FUNCTION_KEPT;
        return 0;
    }
    const char *params[] = {oid};
    int got = pg_target_query_value(st, "SELECT $1::pg_catalog.oid::pg_catalog.regprocedure::text",
                                    1, params, &fn->signature);
    if (got <= 0) {
        free(oid);
        return got < 0 ? -1 : db_error(&st->diag, "function %s: no signature", fn->f->name);
    }
    fn->oid = oid;
    fn->state = PG_FUNCTION_CREATED;
    fn->recorded = 1;
    return 0;
}

/* A failure that a table created later may cure: a type, table or
 * function not there yet. */
static int missing_object(const pg_target *st)
{
    return strcmp(st->sqlstate, "42P01") == 0 || strcmp(st->sqlstate, "42704") == 0 ||
           strcmp(st->sqlstate, "42883") == 0 || strcmp(st->sqlstate, "3F000") == 0;
}

/* Creates fn now if it can: 0 done (or kept), 1 still waiting (only when
 * may_wait), -1 error. */
static int create_one(pg_target *st, pg_function *fn, int may_wait)
{
    const fmt_function *f = fn->f;
    const char *ns = f->namespace ? f->namespace : DEFAULT_NAMESPACE;
    char display[160];
    snprintf(display, sizeof display, "%.64s.%.64s", ns, f->name);
    char *before = NULL, *match = NULL;
    int has = existing(st, f, &before, &match);
    if (has != 0) {
        free(before);
        return has < 0 ? -1 : found_in_target(st, fn, match);
    }
    if (pg_target_ensure_schema(st, ns) < 0 ||
        (!fn->atomic &&
         pg_target_run(st, "SET LOCAL check_function_bodies = off", 0, NULL, NULL) < 0)) {
        free(before);
        return -1;
    }
    int tried = pg_target_run_try(st, fn->statement);
    if (!fn->atomic && tried >= 0) {
        char *kept = tried ? db_error_take(&st->diag) : NULL;
        char state[6];
        memcpy(state, st->sqlstate, sizeof state);
        int reset = pg_target_run(st, "SET LOCAL check_function_bodies = on", 0, NULL, NULL);
        if (tried)
            db_error_restore(&st->diag, kept);
        memcpy(st->sqlstate, state, sizeof state);
        if (reset < 0)
            tried = -1;
    }
    int rc = tried;
    if (tried == 1 && may_wait && missing_object(st))
        free(db_error_take(&st->diag)); /* waits for its tables */
    else if (tried == 1)
        rc = db_error(&st->diag, "cannot create function \"%s\": %s", display, st->diag.message);
    else if (tried == 0) {
        rc = check_created(st, fn, before, display);
        if (rc == 0)
            rc = add_comment(st, fn, display);
        if (rc == 0)
            fn->state = PG_FUNCTION_CREATED;
    }
    free(before);
    return rc;
}

int pg_target_create_functions(pg_target *st, const fmt_header *h)
{
    if (!h || !h->nfunctions || st->opts.dry_run || st->opts.data_only)
        return 0;
    if (!(st->functions = calloc(h->nfunctions, sizeof *st->functions)))
        return db_oom(&st->diag);
    for (size_t i = 0; i < h->nfunctions; i++) {
        pg_function *fn = &st->functions[st->nfunctions++];
        pg_guard_routine g;
        char why[512];
        fn->f = &h->functions[i];
        if (pg_guard_function(fn->f, &g, why, sizeof why) < 0)
            return db_error(&st->diag, "the file's function \"%.64s\": %s",
                            fn->f->name ? fn->f->name : "", why);
        fn->statement = g.statement;
        fn->atomic = g.atomic;
        fn->state = PG_FUNCTION_PENDING;
    }
    return pg_target_create_pending_functions(st, 0);
}

/* Passes over the waiting ones until one creates no other: a body may
 * call a function listed after it. */
int pg_target_create_pending_functions(pg_target *st, int last)
{
    int progress = 1;
    while (progress) {
        progress = 0;
        for (size_t i = 0; i < st->nfunctions; i++) {
            pg_function *fn = &st->functions[i];
            if (fn->state != PG_FUNCTION_PENDING)
                continue;
            int rc = create_one(st, fn, 1);
            if (rc < 0)
                return -1;
            progress |= fn->state != PG_FUNCTION_PENDING;
        }
    }
    for (size_t i = 0; last && i < st->nfunctions; i++)
        if (st->functions[i].state == PG_FUNCTION_PENDING &&
            create_one(st, &st->functions[i], 0) < 0)
            return -1;
    return 0;
}

int pg_target_functions_pending(const pg_target *st)
{
    for (size_t i = 0; i < st->nfunctions; i++)
        if (st->functions[i].state == PG_FUNCTION_PENDING)
            return 1;
    return 0;
}

pg_function *pg_target_created_function(pg_target *st, const char *oid)
{
    for (size_t i = 0; oid && i < st->nfunctions; i++)
        if (st->functions[i].state == PG_FUNCTION_CREATED && strcmp(st->functions[i].oid, oid) == 0)
            return &st->functions[i];
    return NULL;
}

int pg_target_function_trusted(const pg_target *st, const pg_function *fn)
{
    const char *ns = fn->f->namespace ? fn->f->namespace : DEFAULT_NAMESPACE;
    size_t nslen = strlen(ns);
    for (const char *const *t = st->opts.trusted_functions; t && *t; t++) {
        if (strcmp(*t, fn->f->name) == 0)
            return 1;
        if (strncmp(*t, ns, nslen) == 0 && (*t)[nslen] == '.' &&
            strcmp(*t + nslen + 1, fn->f->name) == 0)
            return 1;
    }
    return 0;
}

void pg_target_free_functions(pg_target *st)
{
    for (size_t i = 0; i < st->nfunctions; i++) {
        free(st->functions[i].statement);
        free(st->functions[i].oid);
        free(st->functions[i].signature);
    }
    free(st->functions);
    st->functions = NULL;
    st->nfunctions = 0;
}
