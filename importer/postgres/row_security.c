/* Row-level security of a table this import creates (docs/FORMAT.md 2.2):
 * after the data (FORCE would hold the import's own COPY to the policies),
 * ENABLE and FORCE ROW LEVEL SECURITY and each policy, as pg_restore's
 * post-data does. A policy's expressions are SQL the server runs for every
 * row a user reads or writes: checked like a CHECK's (one expression, and
 * only functions that change nothing). A role the target lacks is left out
 * of the policy, with a warning, and a policy with none of its roles left
 * is not created: with row-level security on, that hides rows, the safe
 * way to be wrong, where creating the role or widening the policy would
 * not be. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_guard.h"

/* 1 if role exists in the target (or is PUBLIC), 0 if not, -1 on error. */
static int role_exists(pg_target *st, const char *role)
{
    if (strcmp(role, "public") == 0)
        return 1;
    const char *params[] = {role};
    return pg_target_query_value(st, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", 1,
                                 params, NULL);
}

static int add_expression(pg_target *st, db_buf *b, const char *clause, const char *sql,
                          const char *what)
{
    char why[512], label[600];
    if (!sql)
        return 0;
    snprintf(label, sizeof label, "%s: its %s", what, clause);
    if (pg_guard_expression(sql, why, sizeof why) < 0)
        return db_error(&st->diag, "%s: %s", label, why);
    if (pg_target_check_table_expression(st, sql, label) < 0)
        return -1;
    db_buf_printf(b, " %s (%s)", clause, sql);
    return 0;
}

static int collect_policy(pg_target *st, const fmt_policy *p)
{
    char what[300], why[256];
    snprintf(what, sizeof what, "table \"%.64s\": policy \"%.64s\"", st->display, p->name);
    if (pg_guard_name(p->name, why, sizeof why) < 0)
        return db_error(&st->diag, "%s: %s", what, why);
    db_buf b = {0}, roles = {0};
    size_t kept = 0;
    for (size_t i = 0; i < p->nroles; i++) {
        int found = role_exists(st, p->roles[i]);
        if (found < 0) {
            db_buf_free(&roles);
            return -1;
        }
        if (!found) {
            db_warn(&st->diag, "%s: role \"%s\" does not exist in the target: left out of it", what,
                    p->roles[i]);
            continue;
        }
        db_buf_add(&roles, kept++ ? ", " : "");
        if (strcmp(p->roles[i], "public") == 0)
            db_buf_add(&roles, "PUBLIC");
        else
            db_buf_ident(&roles, p->roles[i]);
    }
    if (!kept) {
        db_buf_free(&roles);
        db_warn(&st->diag,
                "%s not created: none of its roles exists in the target (its rows stay hidden)",
                what);
        return 0;
    }
    db_buf_add(&b, "CREATE POLICY ");
    db_buf_ident(&b, p->name);
    db_buf_printf(&b, " ON %s AS %s FOR %s TO %s", st->qname,
                  p->permissive ? "PERMISSIVE" : "RESTRICTIVE", p->command, roles.buf);
    db_buf_free(&roles);
    if (add_expression(st, &b, "USING", p->using_sql, what) < 0 ||
        add_expression(st, &b, "WITH CHECK", p->with_check_sql, what) < 0) {
        db_buf_free(&b);
        return -1;
    }
    snprintf(what, sizeof what, "policy \"%.64s\"", p->name);
    return pg_target_add_post(st, PHASE_ROW_SECURITY, &b, what);
}

static int add_alter(pg_target *st, const char *action)
{
    db_buf b = {0};
    db_buf_printf(&b, "ALTER TABLE %s %s ROW LEVEL SECURITY", st->qname, action);
    return pg_target_add_post(st, PHASE_ROW_SECURITY, &b, "row-level security");
}

int pg_target_collect_row_security(pg_target *st, const fmt_table *t)
{
    const fmt_row_security *rs = t->row_security;
    if (!rs)
        return 0;
    if ((rs->enabled && add_alter(st, "ENABLE") < 0) || (rs->forced && add_alter(st, "FORCE") < 0))
        return -1;
    if (rs->npolicies && !st->source_is_pg) {
        db_warn(&st->diag,
                "table \"%s\": %zu policies from %s not carried (SQL of another dialect)",
                st->display, rs->npolicies, st->source_backend ? st->source_backend : "the source");
        return 0;
    }
    for (size_t i = 0; i < rs->npolicies; i++)
        if (collect_policy(st, &rs->policies[i]) < 0)
            return -1;
    return 0;
}
