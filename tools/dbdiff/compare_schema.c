/* How two tables' schemas differ, by kind: columns, types, nullability,
 * defaults, keys, indexes, constraints, exclusion constraints, comments,
 * an identity's sequence options, options and partitions. Across
 * backends the portable types are compared, not native_type, and what
 * docs/MAPPING.md says one backend cannot hold (a PostgreSQL default that
 * SQLite does not carry, a SQLite declared type, views in the other
 * dialect) is reported as expected, not as a difference. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbdiff.h"
#include "strlist.h"
#include "diag.h"

void dd_found(const dd_finding *f, int expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = db_vformat(fmt, ap);
    va_end(ap);
    dd_report_schema(f->report, f->kind, f->object, what ? what : "out of memory", expected);
    free(what);
}

void dd_found_pair(const dd_finding *f, int side, int matched, const char *tx, const char *ty)
{
    if (!matched)
        dd_found(f, f->mode->across, "%s only in %c", dd_or_none(tx), side ? 'B' : 'A');
    else if (!dd_same(tx, ty))
        dd_found(f, f->mode->across, "%s -> %s", dd_or_none(tx), dd_or_none(ty));
}

int dd_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const char *dd_or_none(const char *s)
{
    return s ? s : "(none)";
}

void dd_show_text(db_buf *out, const char *s)
{
    if (!s) {
        db_buf_add(out, "(none)");
        return;
    }
    fmt_value v = {.kind = FMT_VALUE_TEXT, .bytes = s, .len = strlen(s)};
    dd_value_show(out, &v);
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

static void compare_default(const dd_finding *f, const fmt_column *a, const fmt_column *b)
{
    if (dd_same(a->default_sql, b->default_sql))
        return;
    if (!f->mode->across) {
        dd_found(f, 0, "default: %s -> %s", dd_or_none(a->default_sql), dd_or_none(b->default_sql));
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
    dd_found(f, expected, "default: %s -> %s", dd_or_none(a->default_sql),
             dd_or_none(b->default_sql));
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

static void compare_column(dd_finding *f, const fmt_table *ta, const fmt_column *a,
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
        dd_found(f, across && (widened || expected_type_change(&a->type, &b->type)), "%s -> %s", ka,
                 kb);
    /* Across backends the portable type counts. SQLite declarations of one
     * portable type have one affinity (NVARCHAR(120), VARCHAR(120)): what
     * a trip through another backend changes, expected. */
    if (!across && !dd_same(a->native_type, b->native_type))
        dd_found(f, f->mode->sqlite && strcmp(ka, kb) == 0, "native type: %s -> %s",
                 dd_or_none(a->native_type), dd_or_none(b->native_type));
    f->kind = "nullability";
    if (a->nullable != b->nullable)
        dd_found(f, across && (is_key_column(ta, a->name) || is_key_column(tb, b->name)),
                 "%s -> %s", a->nullable ? "NULL" : "NOT NULL", b->nullable ? "NULL" : "NOT NULL");
    f->kind = "default";
    compare_default(f, a, b);
    f->kind = "column";
    if (!dd_same(a->generated_sql, b->generated_sql) || a->generated_stored != b->generated_stored)
        dd_found(f, across, "generated: %s -> %s", dd_or_none(a->generated_sql),
                 dd_or_none(b->generated_sql));
    if (!dd_same(a->collation, b->collation))
        dd_found(f, across, "collation: %s -> %s", dd_or_none(a->collation),
                 dd_or_none(b->collation));
    /* rowid and AUTOINCREMENT hand out the same ids but that AUTOINCREMENT
     * never reuses one: a trip through PostgreSQL, where both are an
     * identity, brings a rowid key back as AUTOINCREMENT (docs/MAPPING.md) */
    int rowid_autoincrement =
        (a->identity == FMT_IDENTITY_ROWID && b->identity == FMT_IDENTITY_AUTOINCREMENT) ||
        (a->identity == FMT_IDENTITY_AUTOINCREMENT && b->identity == FMT_IDENTITY_ROWID);
    if (a->identity != b->identity)
        dd_found(f, across || rowid_autoincrement, "identity: %s -> %s",
                 a->identity ? fmt_identity_name(a->identity) : "(none)",
                 b->identity ? fmt_identity_name(b->identity) : "(none)");
}

/* A generated column whose expression SQLite cannot parse is left out on
 * the way there (docs/MAPPING.md). */
static void compare_columns(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    for (size_t i = 0; i < a->ncolumns; i++) {
        int j = fmt_table_find_column(b, a->columns[i].name);
        f->kind = "column";
        f->object = a->columns[i].name;
        if (j < 0)
            dd_found(f, f->mode->across && a->columns[i].generated_sql, "only in A");
        else
            compare_column(f, a, &a->columns[i], b, &b->columns[j]);
    }
    for (size_t j = 0; j < b->ncolumns; j++) {
        f->kind = "column";
        f->object = b->columns[j].name;
        if (fmt_table_find_column(a, b->columns[j].name) < 0)
            dd_found(f, f->mode->across && b->columns[j].generated_sql, "only in B");
    }
}

/* ---- keys and constraints ---- */

char *dd_column_list(char *const *columns, size_t n)
{
    db_buf b = {0};
    db_buf_addc(&b, '(');
    for (size_t i = 0; i < n; i++)
        db_buf_printf(&b, "%s%s", i ? ", " : "", columns[i]);
    db_buf_addc(&b, ')');
    return db_buf_take(&b);
}

/* A key's or an index's INCLUDE columns and NULLS NOT DISTINCT, as "" or
 * " include (c) nulls not distinct". */
static char *key_extras(char *const *include, size_t ninclude, int nulls_not_distinct)
{
    db_buf b = {0};
    if (ninclude) {
        char *list = dd_column_list(include, ninclude);
        db_buf_printf(&b, " include %s", dd_or_none(list));
        free(list);
    }
    if (nulls_not_distinct)
        db_buf_add(&b, " nulls not distinct");
    db_buf_add(&b, "");
    return db_buf_take(&b);
}

/* Keys with the same columns: their INCLUDE and NULLS NOT DISTINCT, which
 * a SQLite target leaves out (docs/MAPPING.md). */
static void compare_key_extras(dd_finding *f, const char *what, const fmt_key *x, const fmt_key *y)
{
    char *ex = key_extras(x->include, x->ninclude, x->nulls_not_distinct);
    char *ey = key_extras(y->include, y->ninclude, y->nulls_not_distinct);
    if (!dd_same(ex, ey)) {
        char *list = dd_column_list(x->columns, x->ncolumns);
        dd_found(f, f->mode->across, "%s %s%s -> %s%s", what, dd_or_none(list), dd_or_none(ex),
                 dd_or_none(list), dd_or_none(ey));
        free(list);
    }
    free(ex);
    free(ey);
}

static void compare_primary_keys(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    const fmt_key *ka = a->primary_key, *kb = b->primary_key;
    f->kind = "key";
    f->object = "primary key";
    if (!ka && !kb)
        return;
    if (ka && kb && fmt_strings_equal(ka->columns, ka->ncolumns, kb->columns, kb->ncolumns)) {
        compare_key_extras(f, "primary key", ka, kb);
        return;
    }
    char *la = ka ? dd_column_list(ka->columns, ka->ncolumns) : NULL;
    char *lb = kb ? dd_column_list(kb->columns, kb->ncolumns) : NULL;
    dd_found(f, 0, "%s -> %s", dd_or_none(la), dd_or_none(lb));
    free(la);
    free(lb);
}

static void compare_uniques(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "key";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nuniques; i++) {
            const fmt_key *match = NULL;
            for (size_t j = 0; j < y->nuniques && !match; j++)
                if (fmt_strings_equal(x->uniques[i].columns, x->uniques[i].ncolumns,
                                      y->uniques[j].columns, y->uniques[j].ncolumns))
                    match = &y->uniques[j];
            f->object = x->uniques[i].name ? x->uniques[i].name : "unique";
            if (match && !side)
                compare_key_extras(f, "unique", &x->uniques[i], match);
            if (match)
                continue;
            char *list = dd_column_list(x->uniques[i].columns, x->uniques[i].ncolumns);
            dd_found(f, 0, "unique %s only in %c", dd_or_none(list), side ? 'B' : 'A');
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
    return fmt_strings_equal(x->columns, x->ncolumns, y->columns, y->ncolumns) &&
           same_parent(x, y) &&
           (x->nref_columns == 0 || y->nref_columns == 0 ||
            fmt_strings_equal(x->ref_columns, x->nref_columns, y->ref_columns, y->nref_columns)) &&
           dd_same(x->on_delete, y->on_delete) && dd_same(x->on_update, y->on_update) &&
           x->deferrable == y->deferrable && x->initially_deferred == y->initially_deferred;
}

static void compare_foreign_keys(dd_finding *f, const fmt_table *a, const fmt_table *b)
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
            char *list = dd_column_list(fk->columns, fk->ncolumns);
            f->object = fk->name ? fk->name : "foreign key";
            dd_found(f, 0, "foreign key %s -> %s (on delete %s, on update %s) only in %c",
                     dd_or_none(list), fk->ref_table, dd_or_none(fk->on_delete),
                     dd_or_none(fk->on_update), side ? 'B' : 'A');
            free(list);
        }
    }
}

/* Checks by name, or by expression when unnamed. Across backends the
 * expression is in each one's dialect: a different text is expected. */
/* Two pieces of SQL text: the same, or the same once both dialects'
 * casts and parentheses are gone. */
static int same_sql(const dd_finding *f, const char *a, const char *b)
{
    if (dd_same(a, b))
        return 1;
    if (!f->mode->across || !a || !b)
        return 0;
    char *na = normalize_sql(a), *nb = normalize_sql(b);
    int equal = na && nb && strcmp(na, nb) == 0;
    free(na);
    free(nb);
    return equal;
}

static void compare_checks(dd_finding *f, const fmt_table *a, const fmt_table *b)
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
                    : c->name       ? dd_same(c->name, y->checks[j].name)
                                    : dd_same(c->expression, y->checks[j].expression))
                    match = &y->checks[j];
            /* the same named check, in each backend's own words (SQLite's
             * IN list for PostgreSQL's = ANY (ARRAY[...])) */
            int by_name = 0;
            for (size_t j = 0; f->mode->across && !match && c->name && j < y->nchecks; j++)
                if (dd_same(c->name, y->checks[j].name)) {
                    match = &y->checks[j];
                    by_name = 1;
                }
            f->object = c->name ? c->name : "check";
            if (by_name) {
                if (!side)
                    dd_found(f, 1, "check: %s -> %s", c->expression, match->expression);
                continue;
            }
            /* A SQLite target leaves out a check it cannot parse
             * (docs/MAPPING.md); the other way checks are carried. */
            if (!match)
                dd_found(f, f->mode->across && f->mode->sqlite_side[!side], "check %s only in %c",
                         c->expression, side ? 'B' : 'A');
            else if (!side && !same_sql(f, c->expression, match->expression))
                dd_found(f, f->mode->across, "check: %s -> %s", c->expression, match->expression);
        }
    }
}

/* ---- indexes ---- */

char *dd_index_text(const fmt_index *ix)
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
    char *extras = key_extras(ix->include, ix->ninclude, ix->nulls_not_distinct);
    db_buf_add(&b, extras ? extras : "");
    free(extras);
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

static void compare_indexes(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "index";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nindexes; i++) {
            const fmt_index *ix = &x->indexes[i], *match = NULL;
            for (size_t j = 0; j < y->nindexes && !match; j++)
                if (dd_same(ix->name, y->indexes[j].name))
                    match = &y->indexes[j];
            char *tx = dd_index_text(ix);
            f->object = ix->name;
            if (!match) {
                dd_found(f, f->mode->across && index_has_sql(ix), "%s only in %c", dd_or_none(tx),
                         side ? 'B' : 'A');
            } else if (!side) {
                char *ty = dd_index_text(match);
                /* across: collations and expressions are each dialect's */
                if (!same_sql(f, tx, ty))
                    dd_found(f, f->mode->across, "%s -> %s", dd_or_none(tx), dd_or_none(ty));
                free(ty);
            }
            free(tx);
        }
    }
}

static void compare_partitions(dd_finding *f, const fmt_partitioning *pa,
                               const fmt_partitioning *pb);

static void compare_options(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "options";
    f->object = NULL;
    if (a->without_rowid != b->without_rowid)
        dd_found(f, f->mode->across, "without rowid: %s -> %s", a->without_rowid ? "yes" : "no",
                 b->without_rowid ? "yes" : "no");
    if (a->strict != b->strict)
        dd_found(f, f->mode->across, "strict: %s -> %s", a->strict ? "yes" : "no",
                 b->strict ? "yes" : "no");
    f->kind = "partitioning";
    const fmt_partitioning *pa = a->partitioning, *pb = b->partitioning;
    if (!pa != !pb)
        dd_found(f, f->mode->across, "%s -> %s", pa ? pa->strategy : "(none)",
                 pb ? pb->strategy : "(none)");
    else if (pa && (!dd_same(pa->strategy, pb->strategy) || !dd_same(pa->key, pb->key)))
        dd_found(f, 0, "%s by %s -> %s by %s", pa->strategy, pa->key, pb->strategy, pb->key);
    if (pa && pb)
        compare_partitions(f, pa, pb);
}

/* ---- exclusion constraints ---- */

static char *exclusion_text(const fmt_exclusion *x)
{
    db_buf b = {0};
    db_buf_printf(&b, "exclude using %s (", dd_or_none(x->method));
    for (size_t i = 0; i < x->nelements; i++) {
        const fmt_exclusion_element *e = &x->elements[i];
        db_buf_printf(&b, "%s%s", i ? ", " : "", e->column ? e->column : dd_or_none(e->expression));
        if (e->opclass)
            db_buf_printf(&b, " %s%s%s", e->opclass_namespace ? e->opclass_namespace : "",
                          e->opclass_namespace ? "." : "", e->opclass);
        db_buf_printf(&b, " with %s%s%s", e->operator_namespace ? e->operator_namespace : "",
                      e->operator_namespace ? "." : "", dd_or_none(e->operator));
    }
    db_buf_addc(&b, ')');
    char *extras = key_extras(x->include, x->ninclude, 0);
    db_buf_add(&b, extras ? extras : "");
    free(extras);
    if (x->where)
        db_buf_printf(&b, " where (%s)", x->where);
    if (x->deferrable)
        db_buf_add(&b, x->initially_deferred ? " deferrable initially deferred" : " deferrable");
    return db_buf_take(&b);
}

/* By name: PostgreSQL names every one. SQLite has none (docs/MAPPING.md). */
static void compare_exclusions(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "exclusion";
    for (int side = 0; side < 2; side++) {
        const fmt_table *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->nexclusions; i++) {
            const fmt_exclusion *match = NULL;
            for (size_t j = 0; j < y->nexclusions && !match; j++)
                if (dd_same(x->exclusions[i].name, y->exclusions[j].name))
                    match = &y->exclusions[j];
            if (match && side)
                continue;
            char *tx = exclusion_text(&x->exclusions[i]),
                 *ty = match ? exclusion_text(match) : NULL;
            f->object = x->exclusions[i].name ? x->exclusions[i].name : "exclusion";
            dd_found_pair(f, side, match != NULL, tx, ty);
            free(tx);
            free(ty);
        }
    }
}

/* ---- comments, and an identity's sequence ---- */

static void compare_comment(dd_finding *f, const char *a, const char *b)
{
    if (dd_same(a, b))
        return;
    db_buf x = {0}, y = {0};
    dd_show_text(&x, a);
    dd_show_text(&y, b);
    /* SQLite keeps no comments on tables and columns (docs/MAPPING.md) */
    dd_found(f, f->mode->across, "%s -> %s", x.buf ? x.buf : "", y.buf ? y.buf : "");
    db_buf_free(&x);
    db_buf_free(&y);
}

/* An identity's options that AUTOINCREMENT has too (from 1 by 1 to the
 * type's maximum): what a SQLite side keeps by having none. */
static int autoincrement_options(const fmt_sequence *q)
{
    return q->start == 1 && q->increment == 1 && q->min_value == 1 && q->cache == 1 && !q->cycle &&
           (q->max_value == INT16_MAX || q->max_value == INT32_MAX || q->max_value == INT64_MAX);
}

/* The table's comment and its columns', and the sequence options of its
 * identity columns. */
static void compare_column_extras(dd_finding *f, const fmt_table *a, const fmt_table *b)
{
    f->kind = "comment";
    f->object = NULL;
    compare_comment(f, a->comment, b->comment);
    for (size_t i = 0; i < a->ncolumns; i++) {
        const fmt_column *ca = &a->columns[i];
        int j = fmt_table_find_column(b, ca->name);
        if (j < 0)
            continue;
        const fmt_column *cb = &b->columns[j];
        f->kind = "comment";
        f->object = ca->name;
        compare_comment(f, ca->comment, cb->comment);
        /* one side without: a file before 1.3 (not compared), or a SQLite
         * side (which keeps only what AUTOINCREMENT can: expected) */
        const fmt_sequence *one = ca->sequence ? ca->sequence : cb->sequence;
        if (!one ||
            ((!ca->sequence || !cb->sequence) && (!f->mode->across || autoincrement_options(one))))
            continue;
        char *qa = ca->sequence ? dd_sequence_text(ca->sequence) : NULL;
        char *qb = cb->sequence ? dd_sequence_text(cb->sequence) : NULL;
        f->kind = "sequence";
        if (!dd_same(qa, qb))
            dd_found(f, f->mode->across, "%s -> %s", dd_or_none(qa), dd_or_none(qb));
        free(qa);
        free(qb);
    }
}

/* ---- partitions ---- */

static const fmt_partition *find_partition(const fmt_partitioning *p, const fmt_partition *of)
{
    for (size_t i = 0; i < p->npartitions; i++)
        if (dd_same(p->partitions[i].name, of->name) &&
            dd_same(p->partitions[i].namespace, of->namespace))
            return &p->partitions[i];
    return NULL;
}

static char *partition_text(const fmt_partition *p);

/* "; primary key (a)", "; unique u (a)", "; check c (expr)" */
static void partition_constraints(db_buf *b, const fmt_partition *p)
{
    if (p->primary_key) {
        char *list = dd_column_list(p->primary_key->columns, p->primary_key->ncolumns);
        db_buf_printf(b, "; primary key %s", dd_or_none(list));
        free(list);
    }
    for (size_t i = 0; i < p->nuniques; i++) {
        char *list = dd_column_list(p->uniques[i].columns, p->uniques[i].ncolumns);
        db_buf_printf(b, "; unique %s %s", dd_or_none(p->uniques[i].name), dd_or_none(list));
        free(list);
    }
    for (size_t i = 0; i < p->nchecks; i++)
        db_buf_printf(b, "; check %s (%s)", dd_or_none(p->checks[i].name),
                      dd_or_none(p->checks[i].expression));
    const fmt_partitioning *sub = p->partitioning;
    if (!sub)
        return;
    db_buf_printf(b, "; partitioned by %s %s: [", dd_or_none(sub->strategy), dd_or_none(sub->key));
    for (size_t i = 0; i < sub->npartitions; i++) {
        fmt_table named = {.name = sub->partitions[i].name,
                           .namespace = sub->partitions[i].namespace};
        char *name = fmt_table_key(&named), *text = partition_text(&sub->partitions[i]);
        db_buf_printf(b, "%s%s %s", i ? ", " : "", dd_or_none(name), dd_or_none(text));
        free(name);
        free(text);
    }
    db_buf_addc(b, ']');
}

/* A partition's bound and what is its own (indexes, foreign keys, keys,
 * checks, sub-partitions: since 1.3), as one text to compare. */
static char *partition_text(const fmt_partition *p)
{
    db_buf b = {0};
    db_buf_printf(&b, "%s", dd_or_none(p->bound));
    partition_constraints(&b, p);
    for (size_t i = 0; i < p->nindexes; i++) {
        char *ix = dd_index_text(&p->indexes[i]);
        db_buf_printf(&b, "; index %s %s", dd_or_none(p->indexes[i].name), dd_or_none(ix));
        free(ix);
    }
    for (size_t i = 0; i < p->nforeign_keys; i++) {
        const fmt_foreign_key *fk = &p->foreign_keys[i];
        char *list = dd_column_list(fk->columns, fk->ncolumns);
        db_buf_printf(&b, "; foreign key %s %s -> %s", dd_or_none(fk->name), dd_or_none(list),
                      fk->ref_table);
        free(list);
    }
    return db_buf_take(&b);
}

static void compare_partitions(dd_finding *f, const fmt_partitioning *pa,
                               const fmt_partitioning *pb)
{
    for (int side = 0; side < 2; side++) {
        const fmt_partitioning *x = side ? pb : pa, *y = side ? pa : pb;
        for (size_t i = 0; i < x->npartitions; i++) {
            const fmt_partition *p = &x->partitions[i], *match = find_partition(y, p);
            if (match && side)
                continue;
            fmt_table named = {.name = p->name, .namespace = p->namespace};
            char *name = fmt_table_key(&named), *tx = partition_text(p);
            char *ty = match ? partition_text(match) : NULL;
            if (!match)
                dd_found(f, 0, "partition %s (%s) only in %c", dd_or_none(name), dd_or_none(tx),
                         side ? 'B' : 'A');
            else if (!dd_same(tx, ty))
                dd_found(f, 0, "partition %s: %s -> %s", dd_or_none(name), dd_or_none(tx),
                         dd_or_none(ty));
            free(name);
            free(tx);
            free(ty);
        }
    }
}

void dd_compare_table_schema(dd_report *r, const fmt_table *a, const fmt_table *b,
                             const dd_value_mode *m)
{
    dd_finding f = {r, m, "column", NULL};
    compare_columns(&f, a, b);
    compare_column_extras(&f, a, b);
    compare_primary_keys(&f, a, b);
    compare_uniques(&f, a, b);
    compare_foreign_keys(&f, a, b);
    compare_checks(&f, a, b);
    compare_exclusions(&f, a, b);
    compare_indexes(&f, a, b);
    compare_options(&f, a, b);
    dd_compare_table_access(&f, a, b);
}
