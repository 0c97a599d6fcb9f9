/* A table's owner and grants (dbimport --privileges, docs/FORMAT.md 2.2),
 * for a table this import creates, last of all after the data as
 * pg_restore's ACL entries: ALTER TABLE ... OWNER TO (its partitions
 * too), then, when the file lists the grants, REVOKE ALL from PUBLIC and
 * the owner and each GRANT, the columns' grants after the table's.
 *
 * The file is untrusted: only with --privileges, never under --untrusted
 * (main.c refuses the pair). A role the target lacks is left out with a
 * warning, never created, never replaced by another, so a missing role
 * can only narrow who reads the table. An owner the importing role may not
 * hand the table to (not a member of it) is a warning, and the table's
 * grants are then applied without taking the importer's own rights away. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"
#include "schema.h"

int pg_target_role_exists(pg_target *st, const char *role)
{
    if (strcmp(role, "public") == 0)
        return 1;
    const char *params[] = {role};
    return pg_target_query_value(st, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", 1,
                                 params, NULL);
}

void pg_target_add_grantee(db_buf *b, const char *role)
{
    if (strcmp(role, "public") == 0)
        db_buf_add(b, "PUBLIC");
    else
        db_buf_ident(b, role);
}

static const char *const column_words[] = {"select", "insert", "update", "references", NULL};

static int column_privilege(const char *p)
{
    for (size_t i = 0; column_words[i]; i++)
        if (strcmp(column_words[i], p) == 0)
            return 1;
    return 0;
}

/* GRANT g's privileges (on column, when not NULL) to its grantee. */
static int add_grant(pg_target *st, const fmt_grant *g, const char *column)
{
    char what[300];
    snprintf(what, sizeof what, "grant to \"%.64s\"%s%.64s%s", g->grantee,
             column ? " on column \"" : "", column ? column : "", column ? "\"" : "");
    int found = pg_target_role_exists(st, g->grantee);
    if (found <= 0) {
        if (found == 0)
            db_warn(&st->diag, "table \"%s\": %s left out: the role does not exist in the target",
                    st->display, what);
        return found;
    }
    db_buf b = {0};
    db_buf_add(&b, "GRANT ");
    for (size_t i = 0; i < g->nprivileges; i++) {
        if (column && !column_privilege(g->privileges[i])) {
            db_buf_free(&b);
            return db_error(&st->diag,
                            "table \"%s\": %s: \"%s\" is not a privilege a column can have",
                            st->display, what, g->privileges[i]);
        }
        /* the reader took each word from a fixed list: a keyword, not SQL */
        db_buf_printf(&b, "%s%s", i ? ", " : "", g->privileges[i]);
    }
    if (column) {
        db_buf_add(&b, " (");
        db_buf_ident(&b, column);
        db_buf_add(&b, ")");
    }
    db_buf_printf(&b, " ON TABLE %s TO ", st->qname);
    pg_target_add_grantee(&b, g->grantee);
    if (g->with_grant_option)
        db_buf_add(&b, " WITH GRANT OPTION");
    return pg_target_add_post(st, PHASE_PRIVILEGES, &b, what);
}

static int add_owner(pg_target *st, const char *qname, const char *owner)
{
    db_buf b = {0};
    db_buf_printf(&b, "ALTER TABLE %s OWNER TO ", qname);
    db_buf_ident(&b, owner);
    char *saved = st->qname;
    st->qname = (char *)qname;
    int rc = pg_target_add_post(st, PHASE_PRIVILEGES, &b, "owner");
    st->qname = saved;
    return rc;
}

int pg_target_owner_settable(pg_target *st, const char *subject, const char *owner)
{
    const char *params[] = {owner};
    char *member = NULL;
    int found = pg_target_query_value(st,
                                      "SELECT pg_catalog.pg_has_role(r.oid, 'MEMBER')::text"
                                      " FROM pg_catalog.pg_roles r WHERE r.rolname = $1",
                                      1, params, &member);
    if (found < 0)
        return -1;
    int ok = found && strcmp(member, "true") == 0;
    free(member);
    if (!ok)
        return db_warn(&st->diag, "%s: owner \"%s\" not set: %s", subject, owner,
                       found ? "the importing role is not a member of it"
                             : "the role does not exist in the target");
    return 1;
}

/* 1 when the table (and its partitions) will be handed to the file's
 * owner, 0 when it stays the importer's (warned), -1 on error. */
static int collect_owner(pg_target *st, const fmt_table *t)
{
    const char *owner = t->privileges->owner;
    if (!owner)
        return 0;
    char *subject = db_format("table \"%s\"", st->display);
    int ok = subject ? pg_target_owner_settable(st, subject, owner) : db_oom(&st->diag);
    free(subject);
    if (ok <= 0)
        return ok;
    if (add_owner(st, st->qname, owner) < 0)
        return -1;
    for (size_t p = 0; t->partitioning && p < t->partitioning->npartitions; p++) {
        const fmt_partition *part = &t->partitioning->partitions[p];
        char *q = pg_qualified(part->namespace, part->name);
        int rc = q ? add_owner(st, q, owner) : db_oom(&st->diag);
        free(q);
        if (rc < 0)
            return -1;
    }
    return 1;
}

static int add_revoke(pg_target *st, const char *role)
{
    db_buf b = {0};
    db_buf_printf(&b, "REVOKE ALL ON TABLE %s FROM ", st->qname);
    if (role)
        db_buf_ident(&b, role);
    else
        db_buf_add(&b, "PUBLIC");
    return pg_target_add_post(st, PHASE_PRIVILEGES, &b, "revoke");
}

int pg_target_collect_privileges(pg_target *st, const fmt_table *t)
{
    const fmt_privileges *p = t->privileges;
    if (!p)
        return 0;
    if (!st->opts.privileges) {
        db_warn(&st->diag, "table \"%s\": owner and grants not applied (--privileges applies them)",
                st->display);
        return 0;
    }
    int owned = collect_owner(st, t);
    if (owned < 0)
        return -1;
    if (p->has_grants && (add_revoke(st, NULL) < 0 || (owned && add_revoke(st, p->owner) < 0)))
        return -1;
    for (size_t i = 0; i < p->ngrants; i++)
        if (add_grant(st, &p->grants[i], NULL) < 0)
            return -1;
    for (size_t c = 0; c < p->ncolumns; c++) {
        const fmt_column_grants *cg = &p->columns[c];
        if (fmt_table_find_column(t, cg->column) < 0)
            return db_error(&st->diag, "table \"%s\": privileges of column \"%s\": no such column",
                            st->display, cg->column);
        for (size_t i = 0; i < cg->ngrants; i++)
            if (add_grant(st, &cg->grants[i], cg->column) < 0)
                return -1;
    }
    return 0;
}
