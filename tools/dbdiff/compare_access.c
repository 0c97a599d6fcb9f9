/* Who may see and change a table's rows: row-level security (ENABLE,
 * FORCE) and each policy, by name; and, when both sides carry them
 * (dbexport --privileges, dbdiff --privileges), the owner and the grants on
 * the table and its columns, compared as sets (an ACL's order is the
 * server's), and so those of views, materialized views, sequences and
 * functions. SQLite has neither: across backends, what the SQLite side
 * lacks is expected (docs/MAPPING.md). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dbdiff.h"
#include "diag.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* items, sorted, joined with sep; NULL for memory. */
static char *sorted_join(char *const *items, size_t n, const char *sep)
{
    char **copy = calloc(n ? n : 1, sizeof *copy);
    db_buf b = {0};
    if (!copy)
        return NULL;
    memcpy(copy, items, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare_strings);
    for (size_t i = 0; i < n; i++)
        db_buf_printf(&b, "%s%s", i ? sep : "", copy[i]);
    db_buf_add(&b, "");
    free(copy);
    return db_buf_take(&b);
}

/* ---- row-level security ---- */

static char *policy_text(const fmt_policy *p)
{
    char *roles = sorted_join(p->roles, p->nroles, ", ");
    db_buf b = {0};
    db_buf_printf(&b, "%s for %s to %s", p->permissive ? "permissive" : "restrictive",
                  dd_or_none(p->command), dd_or_none(roles));
    if (p->using_sql)
        db_buf_printf(&b, " using (%s)", p->using_sql);
    if (p->with_check_sql)
        db_buf_printf(&b, " with check (%s)", p->with_check_sql);
    free(roles);
    return db_buf_take(&b);
}

static const fmt_policy *find_policy(const fmt_row_security *rs, const char *name)
{
    for (size_t i = 0; rs && i < rs->npolicies; i++)
        if (dd_same(rs->policies[i].name, name))
            return &rs->policies[i];
    return NULL;
}

static void compare_policies(dd_finding *f, const fmt_row_security *ra, const fmt_row_security *rb)
{
    f->kind = "policy";
    for (int side = 0; side < 2; side++) {
        const fmt_row_security *x = side ? rb : ra, *y = side ? ra : rb;
        for (size_t i = 0; x && i < x->npolicies; i++) {
            const fmt_policy *p = &x->policies[i], *match = find_policy(y, p->name);
            if (match && side)
                continue;
            char *tx = policy_text(p), *ty = match ? policy_text(match) : NULL;
            f->object = dd_or_none(p->name);
            dd_found_pair(f, side, match != NULL, tx, ty);
            free(tx);
            free(ty);
        }
    }
}

static const char *row_security_state(const fmt_row_security *rs)
{
    return !rs || !rs->enabled ? "disabled" : rs->forced ? "enabled, forced" : "enabled";
}

static void compare_row_security(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    const char *sa = row_security_state(a->row_security);
    const char *sb = row_security_state(b->row_security);
    f->kind = "row security";
    f->object = NULL;
    /* a copy that turns tenant isolation off is the worst of differences */
    if (strcmp(sa, sb) != 0)
        dd_found(f, f->mode->across, "%s -> %s", sa, sb);
    compare_policies(f, a->row_security, b->row_security);
}

/* ---- owners and grants ---- */

/* One text for a list of grants: "alice: select, update; public: select
 * (with grant option)", grantees and privileges sorted. */
static char *grants_text(const fmt_grant *grants, size_t n)
{
    char **each = calloc(n ? n : 1, sizeof *each);
    char *joined = NULL;
    size_t made = 0;
    if (!each)
        return NULL;
    for (; made < n; made++) {
        char *privileges = sorted_join(grants[made].privileges, grants[made].nprivileges, ", ");
        each[made] = db_format("%s: %s%s", dd_or_none(grants[made].grantee), dd_or_none(privileges),
                               grants[made].with_grant_option ? " (with grant option)" : "");
        free(privileges);
        if (!each[made])
            goto done;
    }
    joined = sorted_join(each, n, "; ");
done:
    for (size_t i = 0; i < made; i++)
        free(each[i]);
    free(each);
    return joined;
}

static void compare_grants(dd_finding *f, const char *what, char *ga, char *gb)
{
    if (!dd_same(ga, gb))
        dd_found(f, 0, "%s: %s -> %s", what, dd_or_none(ga), dd_or_none(gb));
    free(ga);
    free(gb);
}

static const fmt_column_grants *find_column(const fmt_privileges *p, const char *column)
{
    for (size_t i = 0; i < p->ncolumns; i++)
        if (dd_same(p->columns[i].column, column))
            return &p->columns[i];
    return NULL;
}

/* A column the other side has no grants on has none: "(none)". */
static void compare_column_grants(dd_finding *f, const fmt_privileges *pa, const fmt_privileges *pb)
{
    for (int side = 0; side < 2; side++) {
        const fmt_privileges *x = side ? pb : pa, *y = side ? pa : pb;
        for (size_t i = 0; i < x->ncolumns; i++) {
            const fmt_column_grants *c = &x->columns[i], *match = find_column(y, c->column);
            if (match && side)
                continue;
            f->object = dd_or_none(c->column);
            char *gx = grants_text(c->grants, c->ngrants);
            char *gy = match ? grants_text(match->grants, match->ngrants) : NULL;
            if (side)
                compare_grants(f, "column grants", gy, gx);
            else
                compare_grants(f, "column grants", gx, gy);
        }
    }
}

static void compare_privileges(dd_finding *f, const fmt_privileges *pa, const fmt_privileges *pb)
{
    f->kind = "privileges";
    f->object = NULL;
    if (!dd_same(pa->owner, pb->owner))
        dd_found(f, 0, "owner: %s -> %s", dd_or_none(pa->owner), dd_or_none(pb->owner));
    /* no grants at all is the default: the owner's rights alone */
    char *ga = pa->has_grants ? grants_text(pa->grants, pa->ngrants) : db_format("(default)");
    char *gb = pb->has_grants ? grants_text(pb->grants, pb->ngrants) : db_format("(default)");
    compare_grants(f, "grants", ga, gb);
    compare_column_grants(f, pa, pb);
}

void dd_compare_table_access(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    compare_row_security(f, a, b);
    if (a->privileges && b->privileges)
        compare_privileges(f, a->privileges, b->privileges);
}

/* ---- owners and grants of the objects outside the tables ---- */

/* One difference: 'privileges "view v": WHAT'. */
static void object_found(dd_report *r, const char *object, int expected, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void object_found(dd_report *r, const char *object, int expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = db_vformat(fmt, ap);
    va_end(ap);
    dd_report_object(r, "privileges", object, what ? what : "out of memory", expected);
    free(what);
}

static void object_grants(dd_report *r, const char *object, const char *what, char *ga, char *gb,
                          int expected)
{
    if (!dd_same(ga, gb))
        object_found(r, object, expected, "%s: %s -> %s", what, dd_or_none(ga), dd_or_none(gb));
    free(ga);
    free(gb);
}

void dd_compare_object_privileges(dd_report *r, const char *kind, const char *name,
                                  const fmt_privileges *pa, const fmt_privileges *pb, int expected)
{
    if (!pa || !pb)
        return;
    char *object = db_format("%s %s", kind, name);
    const char *o = object ? object : name;
    if (!dd_same(pa->owner, pb->owner))
        object_found(r, o, expected, "owner: %s -> %s", dd_or_none(pa->owner),
                     dd_or_none(pb->owner));
    char *ga = pa->has_grants ? grants_text(pa->grants, pa->ngrants) : db_format("(default)");
    char *gb = pb->has_grants ? grants_text(pb->grants, pb->ngrants) : db_format("(default)");
    object_grants(r, o, "grants", ga, gb, expected);
    for (int side = 0; side < 2; side++) {
        const fmt_privileges *x = side ? pb : pa, *y = side ? pa : pb;
        for (size_t i = 0; i < x->ncolumns; i++) {
            const fmt_column_grants *c = &x->columns[i], *match = find_column(y, c->column);
            if (match && side)
                continue;
            char *what = db_format("column grants \"%s\"", dd_or_none(c->column));
            char *gx = grants_text(c->grants, c->ngrants);
            char *gy = match ? grants_text(match->grants, match->ngrants) : NULL;
            object_grants(r, o, what ? what : "column grants", side ? gy : gx, side ? gx : gy,
                          expected);
            free(what);
        }
    }
    free(object);
}
