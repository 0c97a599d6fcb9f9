/* How two tables' schemas differ, by kind: columns, types, nullability,
 * defaults, keys, indexes, constraints; and the views and triggers. Across
 * backends the portable types are compared, not native_type, and what
 * docs/MAPPING.md says one backend cannot hold (a PostgreSQL default that
 * SQLite does not carry, a SQLite declared type, views in the other
 * dialect) is reported as expected, not as a difference. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbdiff.h"
#include "diag.h"

typedef struct {
    dd_report *report;
    const dd_value_mode *mode;
    const char *kind;
    const char *object;
} finding;

static void found(const finding *f, int expected, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void found(const finding *f, int expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = db_vformat(fmt, ap);
    va_end(ap);
    dd_report_schema(f->report, f->kind, f->object, what ? what : "out of memory", expected);
    free(what);
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *or_none(const char *s)
{
    return s ? s : "(none)";
}

/* ---- defaults ---- */

/* A default as the two dialects can agree on it: PostgreSQL's casts
 * ("'x'::text", "'{}'::integer[]") and outer parentheses gone, letters
 * outside quotes in lower case. */
static char *normalize_sql(const char *sql)
{
    db_buf b = {0};
    size_t n = strlen(sql);
    while (n && isspace((unsigned char)sql[n - 1]))
        n--;
    while (*sql && isspace((unsigned char)*sql))
        sql++, n--;
    for (int changed = 1; changed;) {
        changed = 0;
        if (n >= 2 && sql[0] == '(' && sql[n - 1] == ')') {
            int depth = 0, encloses = 1;
            for (size_t i = 0; i < n - 1 && encloses; i++) {
                depth += sql[i] == '(' ? 1 : sql[i] == ')' ? -1 : 0;
                encloses = depth > 0;
            }
            if (encloses) {
                sql++;
                n -= 2;
                changed = 1;
            }
        }
        int quoted = 0;
        size_t cast = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            if (sql[i] == '\'')
                quoted = !quoted;
            else if (!quoted && sql[i] == ':' && sql[i + 1] == ':')
                cast = i;
        }
        if (cast && !strpbrk(sql + cast, "'")) {
            n = cast;
            changed = 1;
        }
    }
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (sql[i] == '\'')
            quoted = !quoted;
        db_buf_addc(&b, quoted ? sql[i] : (char)tolower((unsigned char)sql[i]));
    }
    if (!b.buf)
        db_buf_add(&b, "");
    return db_buf_take(&b);
}

/* What a SQLite target keeps of another backend's defaults
 * (docs/MAPPING.md): numbers, strings, NULL, TRUE/FALSE, CURRENT_*. */
static int plain_literal(const char *normalized)
{
    const char *s = normalized;
    if (*s == '\'')
        return s[strlen(s) - 1] == '\'';
    if (*s == '-' || *s == '+')
        s++;
    if (isdigit((unsigned char)*s)) {
        for (; *s; s++)
            if (!isdigit((unsigned char)*s) && *s != '.' && *s != 'e' && *s != '-' && *s != '+')
                return 0;
        return 1;
    }
    return !strcmp(s, "null") || !strcmp(s, "true") || !strcmp(s, "false") ||
           !strcmp(s, "current_timestamp") || !strcmp(s, "current_date") ||
           !strcmp(s, "current_time");
}

/* 1 for a true default ("1", "true", "'t'"), 0 for a false one, -1 else. */
static int boolean_word(const char *s)
{
    static const char *const yes[] = {"1", "true", "'t'", "'1'", "'true'", NULL};
    static const char *const no[] = {"0", "false", "'f'", "'0'", "'false'", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    return -1;
}

static void compare_default(const finding *f, const fmt_column *a, const fmt_column *b)
{
    if (same(a->default_sql, b->default_sql))
        return;
    if (!f->mode->across) {
        found(f, 0, "default: %s -> %s", or_none(a->default_sql), or_none(b->default_sql));
        return;
    }
    char *na = a->default_sql ? normalize_sql(a->default_sql) : NULL;
    char *nb = b->default_sql ? normalize_sql(b->default_sql) : NULL;
    int expected = 0;
    if (na && nb &&
        (strcmp(na, nb) == 0 || (a->type.kind == FMT_TYPE_BOOLEAN && boolean_word(na) >= 0 &&
                                 boolean_word(na) == boolean_word(nb)))) {
        /* the same default in two dialects (SQLite's 0 is PostgreSQL's false) */
        free(na);
        free(nb);
        return;
    }
    if (!na || !nb)
        /* not carried to SQLite, or an identity's sequence default */
        expected = !plain_literal(na ? na : nb) || strstr(na ? na : nb, "nextval(") != NULL;
    found(f, expected, "default: %s -> %s", or_none(a->default_sql), or_none(b->default_sql));
    free(na);
    free(nb);
}

/* ---- columns ---- */

/* Portable types that change on the way through another backend
 * (docs/MAPPING.md): an untyped SQLite column becomes text, jsonb lands in
 * SQLite as JSON text, a native type as text. */
static int expected_type_change(const fmt_type *a, const fmt_type *b)
{
    static const fmt_type_kind pairs[][2] = {
        {FMT_TYPE_ANY, FMT_TYPE_TEXT},    {FMT_TYPE_JSON, FMT_TYPE_JSONB},
        {FMT_TYPE_NATIVE, FMT_TYPE_TEXT}, {FMT_TYPE_DECIMAL, FMT_TYPE_DECIMAL},
        {FMT_TYPE_ANY, FMT_TYPE_NATIVE},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if ((a->kind == pairs[i][0] && b->kind == pairs[i][1]) ||
            (a->kind == pairs[i][1] && b->kind == pairs[i][0]))
            return 1;
    return 0;
}

static int is_key_column(const fmt_table *t, const char *name)
{
    for (size_t i = 0; t->primary_key && i < t->primary_key->ncolumns; i++)
        if (strcmp(t->primary_key->columns[i], name) == 0)
            return 1;
    return 0;
}

static void compare_column(finding *f, const fmt_table *ta, const fmt_column *a,
                           const fmt_table *tb, const fmt_column *b)
{
    int across = f->mode->across;
    char ka[FMT_TYPE_BUFSZ], kb[FMT_TYPE_BUFSZ];
    f->object = a->name;
    fmt_type_format(ka, &a->type);
    fmt_type_format(kb, &b->type);
    f->kind = "type";
    /* An identity key becomes SQLite's INTEGER PRIMARY KEY: int64. */
    int widened = fmt_type_is_integer(a->type.kind) && fmt_type_is_integer(b->type.kind) &&
                  (a->identity || b->identity);
    if (strcmp(ka, kb) != 0)
        found(f, across && (widened || expected_type_change(&a->type, &b->type)), "%s -> %s", ka,
              kb);
    /* Across backends the portable type counts. SQLite declarations of one
     * portable type have one affinity (NVARCHAR(120), VARCHAR(120)): what
     * a trip through another backend changes, expected. */
    if (!across && !same(a->native_type, b->native_type))
        found(f, f->mode->sqlite && strcmp(ka, kb) == 0, "native type: %s -> %s",
              or_none(a->native_type), or_none(b->native_type));
    f->kind = "nullability";
    if (a->nullable != b->nullable)
        found(f, across && (is_key_column(ta, a->name) || is_key_column(tb, b->name)), "%s -> %s",
              a->nullable ? "NULL" : "NOT NULL", b->nullable ? "NULL" : "NOT NULL");
    f->kind = "default";
    compare_default(f, a, b);
    f->kind = "column";
    if (!same(a->generated_sql, b->generated_sql) || a->generated_stored != b->generated_stored)
        found(f, across, "generated: %s -> %s", or_none(a->generated_sql),
              or_none(b->generated_sql));
    if (!same(a->collation, b->collation))
        found(f, across, "collation: %s -> %s", or_none(a->collation), or_none(b->collation));
    /* rowid and AUTOINCREMENT hand out the same ids but that AUTOINCREMENT
     * never reuses one: a trip through PostgreSQL, where both are an
     * identity, brings a rowid key back as AUTOINCREMENT (docs/MAPPING.md) */
    int rowid_autoincrement =
        (a->identity == FMT_IDENTITY_ROWID && b->identity == FMT_IDENTITY_AUTOINCREMENT) ||
        (a->identity == FMT_IDENTITY_AUTOINCREMENT && b->identity == FMT_IDENTITY_ROWID);
    if (a->identity != b->identity)
        found(f, across || rowid_autoincrement, "identity: %s -> %s",
              a->identity ? fmt_identity_name(a->identity) : "(none)",
              b->identity ? fmt_identity_name(b->identity) : "(none)");
}

/* A generated column whose expression SQLite cannot parse is left out on
 * the way there (docs/MAPPING.md). */
static void compare_columns(finding *f, const fmt_table *a, const fmt_table *b)
{
    for (size_t i = 0; i < a->ncolumns; i++) {
        int j = fmt_table_find_column(b, a->columns[i].name);
        f->kind = "column";
        f->object = a->columns[i].name;
        if (j < 0)
            found(f, f->mode->across && a->columns[i].generated_sql, "only in A");
        else
            compare_column(f, a, &a->columns[i], b, &b->columns[j]);
    }
    for (size_t j = 0; j < b->ncolumns; j++) {
        f->kind = "column";
        f->object = b->columns[j].name;
        if (fmt_table_find_column(a, b->columns[j].name) < 0)
            found(f, f->mode->across && b->columns[j].generated_sql, "only in B");
    }
}

/* ---- keys and constraints ---- */

static char *column_list(char *const *columns, size_t n)
{
    db_buf b = {0};
    db_buf_addc(&b, '(');
    for (size_t i = 0; i < n; i++)
        db_buf_printf(&b, "%s%s", i ? ", " : "", columns[i]);
    db_buf_addc(&b, ')');
    return db_buf_take(&b);
}

static int same_columns(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

static void compare_primary_keys(finding *f, const fmt_table *a, const fmt_table *b)
{
    const fmt_key *ka = a->primary_key, *kb = b->primary_key;
    f->kind = "key";
    f->object = "primary key";
    if (!ka && !kb)
        return;
    if (ka && kb && same_columns(ka->columns, ka->ncolumns, kb->columns, kb->ncolumns))
        return;
    char *la = ka ? column_list(ka->columns, ka->ncolumns) : NULL;
    char *lb = kb ? column_list(kb->columns, kb->ncolumns) : NULL;
    found(f, 0, "%s -> %s", or_none(la), or_none(lb));
    free(la);
    free(lb);
}

static void compare_uniques(finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "key";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nuniques; i++) {
            int match = 0;
            for (size_t j = 0; j < y->nuniques && !match; j++)
                match = same_columns(x->uniques[i].columns, x->uniques[i].ncolumns,
                                     y->uniques[j].columns, y->uniques[j].ncolumns);
            if (match)
                continue;
            char *list = column_list(x->uniques[i].columns, x->uniques[i].ncolumns);
            f->object = x->uniques[i].name ? x->uniques[i].name : "unique";
            found(f, 0, "unique %s only in %c", or_none(list), side ? 'B' : 'A');
            free(list);
        }
    }
}

/* The parent as a document key: "schema.table" names the same parent
 * in PostgreSQL (a namespace) and in SQLite (a table of that name). */
static int same_parent(const fmt_foreign_key *x, const fmt_foreign_key *y)
{
    fmt_table px = {.name = x->ref_table, .namespace = x->ref_namespace};
    fmt_table py = {.name = y->ref_table, .namespace = y->ref_namespace};
    char *kx = fmt_table_key(&px), *ky = fmt_table_key(&py);
    int same_key = kx && ky && strcmp(kx, ky) == 0;
    free(kx);
    free(ky);
    return same_key;
}

static int same_foreign_key(const fmt_foreign_key *x, const fmt_foreign_key *y)
{
    return same_columns(x->columns, x->ncolumns, y->columns, y->ncolumns) && same_parent(x, y) &&
           (x->nref_columns == 0 || y->nref_columns == 0 ||
            same_columns(x->ref_columns, x->nref_columns, y->ref_columns, y->nref_columns)) &&
           same(x->on_delete, y->on_delete) && same(x->on_update, y->on_update) &&
           x->deferrable == y->deferrable && x->initially_deferred == y->initially_deferred;
}

static void compare_foreign_keys(finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "constraint";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nforeign_keys; i++) {
            int match = 0;
            for (size_t j = 0; j < y->nforeign_keys && !match; j++)
                match = same_foreign_key(&x->foreign_keys[i], &y->foreign_keys[j]);
            if (match)
                continue;
            const fmt_foreign_key *fk = &x->foreign_keys[i];
            char *list = column_list(fk->columns, fk->ncolumns);
            f->object = fk->name ? fk->name : "foreign key";
            found(f, 0, "foreign key %s -> %s (on delete %s, on update %s) only in %c",
                  or_none(list), fk->ref_table, or_none(fk->on_delete), or_none(fk->on_update),
                  side ? 'B' : 'A');
            free(list);
        }
    }
}

/* Checks by name, or by expression when unnamed. Across backends the
 * expression is in each one's dialect: a different text is expected. */
/* Two pieces of SQL text: the same, or the same once both dialects'
 * casts and parentheses are gone. */
static int same_sql(const finding *f, const char *a, const char *b)
{
    if (same(a, b))
        return 1;
    if (!f->mode->across || !a || !b)
        return 0;
    char *na = normalize_sql(a), *nb = normalize_sql(b);
    int equal = na && nb && strcmp(na, nb) == 0;
    free(na);
    free(nb);
    return equal;
}

static void compare_checks(finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "constraint";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nchecks; i++) {
            const fmt_check *c = &x->checks[i];
            const fmt_check *match = NULL;
            /* across backends names are made up differently (PostgreSQL
             * names an unnamed check): match by expression */
            for (size_t j = 0; j < y->nchecks && !match; j++)
                if (f->mode->across ? same_sql(f, c->expression, y->checks[j].expression)
                    : c->name       ? same(c->name, y->checks[j].name)
                                    : same(c->expression, y->checks[j].expression))
                    match = &y->checks[j];
            /* the same named check, in each backend's own words (SQLite's
             * IN list for PostgreSQL's = ANY (ARRAY[...])) */
            int by_name = 0;
            for (size_t j = 0; f->mode->across && !match && c->name && j < y->nchecks; j++)
                if (same(c->name, y->checks[j].name)) {
                    match = &y->checks[j];
                    by_name = 1;
                }
            f->object = c->name ? c->name : "check";
            if (by_name) {
                if (!side)
                    found(f, 1, "check: %s -> %s", c->expression, match->expression);
                continue;
            }
            /* A SQLite target leaves out a check it cannot parse
             * (docs/MAPPING.md); the other way checks are carried. */
            if (!match)
                found(f, f->mode->across && f->mode->sqlite_side[!side], "check %s only in %c",
                      c->expression, side ? 'B' : 'A');
            else if (!side && !same_sql(f, c->expression, match->expression))
                found(f, f->mode->across, "check: %s -> %s", c->expression, match->expression);
        }
    }
}

/* ---- indexes ---- */

static char *index_text(const fmt_index *ix)
{
    db_buf b = {0};
    db_buf_add(&b, ix->unique ? "unique (" : "(");
    for (size_t i = 0; i < ix->nparts; i++) {
        const fmt_index_part *p = &ix->parts[i];
        db_buf_printf(&b, "%s%s%s", i ? ", " : "", p->column ? p->column : p->expression,
                      p->descending ? " desc" : "");
        if (p->collation)
            db_buf_printf(&b, " collate %s", p->collation);
    }
    db_buf_addc(&b, ')');
    if (ix->where)
        db_buf_printf(&b, " where %s", ix->where);
    return db_buf_take(&b);
}

/* An index with SQL text in it (an expression, a predicate): across
 * backends the text is in each one's dialect. */
static int index_has_sql(const fmt_index *ix)
{
    if (ix->where)
        return 1;
    for (size_t i = 0; i < ix->nparts; i++)
        if (ix->parts[i].expression)
            return 1;
    return 0;
}

static void compare_indexes(finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "index";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nindexes; i++) {
            const fmt_index *ix = &x->indexes[i], *match = NULL;
            for (size_t j = 0; j < y->nindexes && !match; j++)
                if (same(ix->name, y->indexes[j].name))
                    match = &y->indexes[j];
            char *tx = index_text(ix);
            f->object = ix->name;
            if (!match) {
                found(f, f->mode->across && index_has_sql(ix), "%s only in %c", or_none(tx),
                      side ? 'B' : 'A');
            } else if (!side) {
                char *ty = index_text(match);
                /* across: collations and expressions are each dialect's */
                if (!same_sql(f, tx, ty))
                    found(f, f->mode->across, "%s -> %s", or_none(tx), or_none(ty));
                free(ty);
            }
            free(tx);
        }
    }
}

static void compare_options(finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "options";
    f->object = NULL;
    if (a->without_rowid != b->without_rowid)
        found(f, f->mode->across, "without rowid: %s -> %s", a->without_rowid ? "yes" : "no",
              b->without_rowid ? "yes" : "no");
    if (a->strict != b->strict)
        found(f, f->mode->across, "strict: %s -> %s", a->strict ? "yes" : "no",
              b->strict ? "yes" : "no");
    f->kind = "partitioning";
    const fmt_partitioning *pa = a->partitioning, *pb = b->partitioning;
    if (!pa != !pb)
        found(f, f->mode->across, "%s -> %s", pa ? pa->strategy : "(none)",
              pb ? pb->strategy : "(none)");
    else if (pa && (!same(pa->strategy, pb->strategy) || !same(pa->key, pb->key) ||
                    pa->npartitions != pb->npartitions))
        found(f, 0, "%s by %s, %zu partitions -> %s by %s, %zu partitions", pa->strategy, pa->key,
              pa->npartitions, pb->strategy, pb->key, pb->npartitions);
}

void dd_compare_table_schema(dd_report *r, const fmt_table *a, const fmt_table *b,
                             const dd_value_mode *m)
{
    finding f = {r, m, "column", NULL};
    compare_columns(&f, a, b);
    compare_primary_keys(&f, a, b);
    compare_uniques(&f, a, b);
    compare_foreign_keys(&f, a, b);
    compare_checks(&f, a, b);
    compare_indexes(&f, a, b);
    compare_options(&f, a, b);
}

/* ---- views and triggers ---- */

static const char *object_kind(const fmt_native_object *o)
{
    return o->kind == FMT_NATIVE_VIEW                ? "view"
           : o->kind == FMT_NATIVE_MATERIALIZED_VIEW ? "materialized view"
                                                     : "trigger";
}

void dd_compare_objects(dd_report *r, const fmt_native_object *a, size_t na,
                        const fmt_native_object *b, size_t nb, const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_native_object *x = side ? b : a, *y = side ? a : b;
        size_t nx = side ? nb : na, ny = side ? na : nb;
        for (size_t i = 0; i < nx; i++) {
            const fmt_native_object *match = NULL;
            for (size_t j = 0; j < ny && !match; j++)
                if (x[i].kind == y[j].kind && same(x[i].name, y[j].name) &&
                    same(x[i].table, y[j].table))
                    match = &y[j];
            /* Native objects are applied only by a target of the same
             * backend (docs/FORMAT.md 2.5). */
            if (!match)
                dd_report_object(r, object_kind(&x[i]), x[i].name, side ? "only in B" : "only in A",
                                 m->across);
            else if (!side && !same(x[i].sql, match->sql))
                dd_report_object(r, object_kind(&x[i]), x[i].name, "its SQL differs", m->across);
        }
    }
}

/* ---- enums, domains, composite types, extensions (the header) ---- */

static char *user_type_text(const fmt_user_type *u)
{
    db_buf b = {0};
    if (u->kind == FMT_USER_TYPE_ENUM) {
        db_buf_add(&b, "enum (");
        for (size_t i = 0; i < u->nlabels; i++)
            db_buf_printf(&b, "%s'%s'", i ? ", " : "", u->labels[i]);
        db_buf_addc(&b, ')');
    } else if (u->kind == FMT_USER_TYPE_COMPOSITE) {
        db_buf_add(&b, "composite (");
        for (size_t i = 0; i < u->nattributes; i++) {
            const fmt_type_attribute *a = &u->attributes[i];
            db_buf_printf(&b, "%s%s %s", i ? ", " : "", a->name, a->type);
            if (a->collation)
                db_buf_printf(&b, " collate %s%s%s",
                              a->collation_namespace ? a->collation_namespace : "",
                              a->collation_namespace ? "." : "", a->collation);
        }
        db_buf_addc(&b, ')');
    } else {
        db_buf_printf(&b, "domain over %s%s", u->base_type ? u->base_type : "?",
                      u->not_null ? " not null" : "");
        if (u->default_sql)
            db_buf_printf(&b, " default %s", u->default_sql);
        for (size_t i = 0; i < u->nchecks; i++) {
            if (u->ncheck_names == u->nchecks)
                db_buf_printf(&b, " constraint %s", u->check_names[i]);
            db_buf_printf(&b, " check (%s)", u->checks[i]);
        }
    }
    if (u->comment)
        db_buf_printf(&b, " comment '%s'", u->comment);
    return db_buf_take(&b);
}

static void compare_user_types(dd_report *r, const fmt_header *a, const fmt_header *b,
                               const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nuser_types; i++) {
            const fmt_user_type *u = &x->user_types[i], *match = NULL;
            for (size_t j = 0; j < y->nuser_types && !match; j++)
                if (u->kind == y->user_types[j].kind && same(u->name, y->user_types[j].name) &&
                    same(u->namespace, y->user_types[j].namespace))
                    match = &y->user_types[j];
            fmt_table named = {.name = u->name, .namespace = u->namespace};
            char *name = fmt_table_key(&named), *tx = user_type_text(u);
            const char *kind = u->kind == FMT_USER_TYPE_ENUM        ? "enum"
                               : u->kind == FMT_USER_TYPE_COMPOSITE ? "composite type"
                                                                    : "domain";
            char *what = NULL;
            if (!match) {
                what = db_format("%s only in %c", tx ? tx : "", side ? 'B' : 'A');
            } else if (!side) {
                char *ty = user_type_text(match);
                if (!same(tx, ty))
                    what = db_format("%s -> %s", tx ? tx : "", ty ? ty : "");
                free(ty);
            }
            /* SQLite has no user-defined types: the columns carry them */
            if (what)
                dd_report_object(r, kind, name ? name : "", what, m->across);
            free(what);
            free(tx);
            free(name);
        }
    }
}

static void compare_extensions(dd_report *r, const fmt_header *a, const fmt_header *b,
                               const dd_value_mode *m)
{
    for (int side = 0; side < 2; side++) {
        const fmt_header *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nextensions; i++) {
            int found_it = 0;
            for (size_t j = 0; j < y->nextensions && !found_it; j++)
                found_it = strcmp(x->extensions[i], y->extensions[j]) == 0;
            if (!found_it)
                dd_report_object(r, "extension", x->extensions[i], side ? "only in B" : "only in A",
                                 m->across);
        }
    }
}

void dd_compare_header(dd_report *r, const fmt_header *a, const fmt_header *b,
                       const dd_value_mode *m)
{
    compare_user_types(r, a, b, m);
    compare_extensions(r, a, b, m);
}
