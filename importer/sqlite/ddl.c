/* The SQL text the target creates tables and indexes with: CREATE TABLE
 * from the file's model (column declarations, defaults, collations,
 * constraints), with another backend's CHECKs that SQLite cannot read left
 * out one by one, and CREATE INDEX. */
#include "sqlite_target_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_dialect.h"
#include "sqlite_types.h"

/* Which CHECK constraints build_create_table writes: all, none, or the one
 * with this index (to find the one SQLite cannot read). */
#define CHECKS_ALL (-1)
#define CHECKS_NONE (-2)

/* ---- expressions and literals ------------------------------------------ */

/* True when the whole text is one parenthesised group: "(a) + (b)" is not. */
static int fully_parenthesised(const char *s)
{
    size_t n = strlen(s);
    int depth = 0;
    char quote = 0;
    if (n < 2 || s[0] != '(' || s[n - 1] != ')')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            quote = c;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0 && i != n - 1) {
            return 0;
        }
    }
    return depth == 0;
}

/* Appends an expression so that it parses as one operand: parentheses
 * unless it already has them. */
static void add_expression(db_buf *b, const char *expr)
{
    if (fully_parenthesised(expr)) {
        db_buf_add(b, expr);
    } else {
        db_buf_addc(b, '(');
        db_buf_add(b, expr);
        db_buf_addc(b, ')');
    }
}

/* The end of the 'string' starting at p, or NULL. */
static const char *scan_string(const char *p)
{
    const char *end;
    for (end = p + 1;; end++) {
        if (*end == '\0')
            return NULL;
        if (*end == '\'' && end[1] == '\'')
            end++;
        else if (*end == '\'')
            break;
    }
    return end + 1;
}

static int starts_number(const char *p)
{
    return sqlite_is_digit(*p) ||
           ((*p == '-' || *p == '+') && (sqlite_is_digit(p[1]) || p[1] == '.')) ||
           (*p == '.' && sqlite_is_digit(p[1]));
}

/* The end of the number starting at p, or NULL. */
static const char *scan_number(const char *p)
{
    const char *end = p + (*p == '-' || *p == '+');
    while (sqlite_is_digit(*end))
        end++;
    if (*end == '.')
        for (end++; sqlite_is_digit(*end);)
            end++;
    if (*end == 'e' || *end == 'E') {
        const char *e = end + 1 + (end[1] == '+' || end[1] == '-');
        if (!sqlite_is_digit(*e))
            return NULL;
        while (sqlite_is_digit(*e))
            e++;
        end = e;
    }
    return end;
}

/* The end of the literal keyword starting at p, or NULL. */
static const char *scan_keyword(const char *p)
{
    static const char *const keywords[] = {"NULL",         "TRUE",         "FALSE",
                                           "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"};
    const char *end;
    for (end = p; sqlite_is_alpha(*end); end++)
        ;
    size_t n = (size_t)(end - p);
    for (size_t i = 0; n && i < sizeof keywords / sizeof *keywords; i++)
        if (strlen(keywords[i]) == n && sqlite3_strnicmp(p, keywords[i], (int)n) == 0)
            return end;
    return NULL;
}

/* Skips closing parentheses (up to *depth) and ::type casts after a
 * literal. The position after them, or NULL when a cast is cut short. */
static const char *skip_casts(const char *q, size_t *depth, int allow_casts, int *casted)
{
    for (;;) {
        while (sqlite_is_space(*q))
            q++;
        if (*depth && *q == ')') {
            --*depth, q++;
        } else if (allow_casts && q[0] == ':' && q[1] == ':' &&
                   (sqlite_is_alpha(q[2]) || q[2] == '"')) {
            *casted = 1;
            for (q += 2;
                 sqlite_is_alpha(*q) || sqlite_is_digit(*q) || *q == ' ' || *q == '.' || *q == '"';
                 q++)
                if (*q == '"' && !(q = strchr(q + 1, '"')))
                    return NULL; /* a quoted type name: 'new'::"Sales Dept"."Stage" */
            if (*q == '(') {
                while (*q && *q != ')')
                    q++;
                if (*q++ != ')')
                    return NULL;
            }
        } else {
            return q;
        }
    }
}

/* The strings that date types read as functions ('now'::timestamp). */
static int is_special_date(const char *p, size_t len)
{
    static const char *const specials[] = {"'now'",      "'today'",     "'tomorrow'", "'yesterday'",
                                           "'infinity'", "'-infinity'", "'epoch'",    "'allballs'"};
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
        if (strlen(specials[i]) == len && sqlite3_strnicmp(p, specials[i], (int)len) == 0)
            return 1;
    return 0;
}

/* Plain literals are carried from another backend's default: a number,
 * 'string', NULL, TRUE/FALSE, CURRENT_TIMESTAMP/DATE/TIME. PostgreSQL
 * writes string and number defaults with casts ('x'::text, (-1)), so
 * outer parentheses and trailing ::type casts are dropped, except on the
 * strings that date types read as functions ('now'::timestamp).
 * Returns the literal's length in s (its text starts at *start), or 0. */
static size_t plain_literal(const char *s, const char **start, int allow_casts)
{
    const char *p = s, *end;
    size_t depth = 0;
    int casted = 0;

    while (sqlite_is_space(*p))
        p++;
    while (allow_casts && *p == '(')
        depth++, p++;
    *start = p;
    if (*p == '\'')
        end = scan_string(p);
    else if (starts_number(p))
        end = scan_number(p);
    else
        end = scan_keyword(p);
    if (!end)
        return 0;
    size_t len = (size_t)(end - p);
    const char *q = skip_casts(end, &depth, allow_casts, &casted);
    if (!q || *q != '\0' || depth)
        return 0;
    if (casted && *p == '\'' && is_special_date(p, len))
        return 0;
    return len;
}

/* ---- columns ------------------------------------------------------------ */

int sqlite_tgt_column_declaration(sqlite_target *st, const fmt_table *t, const fmt_column *c,
                                  db_buf *b)
{
    const fmt_type *ty = &c->type;
    const char *decl = sqlite_tgt_declared(st, c);
    if (decl) {
        if (*decl == '\0')
            return 0;
        if (!sqlite_type_is_declaration(decl))
            return db_error(&st->diag, "table \"%s\", column \"%s\": invalid declared type \"%s\"",
                            t->name, c->name, decl);
        db_buf_addc(b, ' ');
        db_buf_add(b, decl);
        return 0;
    }
    if (ty->kind < 0 || ty->kind >= FMT_TYPE_COUNT_)
        return db_error(&st->diag, "table \"%s\", column \"%s\": unknown type", t->name, c->name);
    if (ty->kind == FMT_TYPE_NATIVE && c->native_type)
        return sqlite_type_declare_native(b, c->native_type);
    if (sqlite_type_declare(b, ty) < 0)
        return db_error(&st->diag, "table \"%s\", column \"%s\": unknown type", t->name, c->name);
    return 0;
}

static int find_column(const fmt_table *t, const char *name)
{
    for (size_t i = 0; name && i < t->ncolumns; i++)
        if (t->columns[i].name && strcmp(t->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The column that becomes "INTEGER PRIMARY KEY" inline, or -1. */
static int rowid_column(const sqlite_target *st, const fmt_table *t)
{
    if (!t->primary_key || t->primary_key->ncolumns != 1 || t->without_rowid)
        return -1;
    int c = find_column(t, t->primary_key->columns[0]);
    if (c < 0)
        return -1;
    switch (t->columns[c].identity) {
    case FMT_IDENTITY_ROWID:
    case FMT_IDENTITY_AUTOINCREMENT:
        return c;
    case FMT_IDENTITY_ALWAYS:
    case FMT_IDENTITY_BY_DEFAULT:
        /* from SQLite too: a table that came from PostgreSQL (origin.c) */
        return c;
    case FMT_IDENTITY_SERIAL:
        return st->source_is_sqlite ? -1 : c;
    default:
        return -1;
    }
}

static void add_constraint_name(db_buf *b, const char *name)
{
    if (name) {
        db_buf_add(b, "CONSTRAINT ");
        db_buf_ident(b, name);
        db_buf_addc(b, ' ');
    }
}

/* An identity's sequence options (1.3) other than SQLite's own count from 1
 * by 1 up to the type's maximum: reported, not carried. */
static void add_sequence_loss(sqlite_target *st, const fmt_table *t, const fmt_column *c, int warn)
{
    const fmt_sequence *q = c->sequence;
    if (!q || !warn ||
        (q->start == 1 && q->increment == 1 && q->min_value == 1 && !q->cycle &&
         (q->max_value == INT16_MAX || q->max_value == INT32_MAX || q->max_value == INT64_MAX)))
        return;
    sqlite_tgt_loss(st, SQLITE_LOSS_SEQUENCE_OPTION,
                    "table \"%s\", column \"%s\": START %lld INCREMENT %lld MINVALUE %lld "
                    "MAXVALUE %lld%s",
                    t->name, c->name, (long long)q->start, (long long)q->increment,
                    (long long)q->min_value, (long long)q->max_value, q->cycle ? " CYCLE" : "");
}

/* " INTEGER PRIMARY KEY" for the rowid column, else its declared type. An
 * SQL identity (always, by default, serial) never hands out a value twice,
 * even after the row holding the highest is deleted: that is SQLite's
 * AUTOINCREMENT, whose counter finish sets to the identity's last value. */
static int add_column_type(sqlite_target *st, const fmt_table *t, const fmt_column *c,
                           int is_inline, int warn, db_buf *b, int *autoincrement)
{
    if (is_inline) {
        add_sequence_loss(st, t, c, warn);
        db_buf_add(b, " INTEGER ");
        add_constraint_name(b, t->primary_key->name);
        db_buf_add(b, "PRIMARY KEY");
        if (c->identity != FMT_IDENTITY_ROWID) {
            db_buf_add(b, " AUTOINCREMENT");
            *autoincrement = 1;
        }
        return 0;
    }
    if (sqlite_tgt_column_declaration(st, t, c, b) < 0)
        return -1;
    add_sequence_loss(st, t, c, warn);
    if (c->identity != FMT_IDENTITY_NONE && warn)
        sqlite_tgt_loss(st, SQLITE_LOSS_IDENTITY, "table \"%s\", column \"%s\": %s (%s)", t->name,
                        c->name, fmt_identity_name(c->identity),
                        t->without_rowid ? "the table is WITHOUT ROWID"
                                         : "not the only primary key column");
    return 0;
}

/* PostgreSQL's now() (and its other names for the transaction's start)
 * as a timestamp column's default: what SQLite calls CURRENT_TIMESTAMP. */
static int is_now(const fmt_column *c)
{
    static const char *const names[] = {"now()", "transaction_timestamp()", "statement_timestamp()",
                                        "LOCALTIMESTAMP"};
    if (!c->default_sql ||
        (c->type.kind != FMT_TYPE_TIMESTAMP && c->type.kind != FMT_TYPE_TIMESTAMPTZ))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (sqlite3_stricmp(c->default_sql, names[i]) == 0)
            return 1;
    return 0;
}

/* A default from SQLite goes as it was; from another backend only a plain
 * literal (or now()) is carried. */
static void add_column_default(sqlite_target *st, const fmt_table *t, const fmt_column *c, int warn,
                               db_buf *b)
{
    const char *lit;
    size_t n = plain_literal(c->default_sql, &lit, !st->source_is_sqlite);
    if (st->source_is_sqlite) {
        db_buf_add(b, " DEFAULT ");
        if (n || sqlite_is_identifier(c->default_sql))
            db_buf_add(b, c->default_sql);
        else
            add_expression(b, c->default_sql);
    } else if (n) {
        db_buf_add(b, " DEFAULT ");
        db_buf_addn(b, lit, n);
    } else if (is_now(c)) {
        /* the moment of the insert, in SQLite's words (its UTC text) */
        db_buf_add(b, " DEFAULT CURRENT_TIMESTAMP");
    } else if (c->identity != FMT_IDENTITY_NONE && sqlite_contains_ci(c->default_sql, "nextval(")) {
        /* the sequence behind the identity, reported with it */
    } else if (warn) {
        sqlite_tgt_loss(st, SQLITE_LOSS_DEFAULT, "table \"%s\", column \"%s\": %s", t->name,
                        c->name, c->default_sql);
    }
}

/* The collation SQLite has for the file's (sqlite_collation_carried); a
 * collation of a PostgreSQL user's schema is none of SQLite's. */
static const char *collation_carried(const sqlite_target *st, const char *name, const char *ns)
{
    if (st->source_is_sqlite)
        return name;
    if (ns && strcmp(ns, "pg_catalog") != 0)
        return NULL;
    return sqlite_collation_carried(name);
}

static void add_column_collation(sqlite_target *st, const fmt_table *t, const fmt_column *c,
                                 int warn, db_buf *b)
{
    const char *coll = collation_carried(st, c->collation, c->collation_namespace);
    if (coll && *coll) {
        db_buf_add(b, " COLLATE ");
        db_buf_ident(b, coll);
    } else if (!coll && warn) {
        sqlite_tgt_loss(st, SQLITE_LOSS_COLLATION, "table \"%s\", column \"%s\": %s", t->name,
                        c->name, c->collation);
    }
}

/* Appends column i of t (or nothing, for a generated column of another
 * backend). */
static int add_column(sqlite_target *st, const fmt_table *t, size_t i, int warn, db_buf *b,
                      int *first, int *autoincrement)
{
    const fmt_column *c = &t->columns[i];
    if (!c->name)
        return db_error(&st->diag, "table \"%s\": column %zu has no name", t->name, i + 1);
    if (c->generated_sql && !st->source_is_sqlite) {
        /* Its expression is in another dialect and its values are not in
         * the file: a plain column would hold NULLs that then travel on
         * as data. Left out, and said so. */
        if (warn)
            sqlite_tgt_loss(st, SQLITE_LOSS_GENERATED, "table \"%s\", column \"%s\": %s", t->name,
                            c->name, c->generated_sql);
        return 0;
    }
    db_buf_add(b, *first ? "\n  " : ",\n  ");
    *first = 0;
    db_buf_ident(b, c->name);
    if (add_column_type(st, t, c, (int)i == rowid_column(st, t), warn, b, autoincrement) < 0)
        return -1;
    if (!c->nullable)
        db_buf_add(b, " NOT NULL");
    if (c->default_sql && !c->generated_sql)
        add_column_default(st, t, c, warn, b);
    if (c->collation)
        add_column_collation(st, t, c, warn, b);
    if (c->generated_sql) {
        db_buf_add(b, " GENERATED ALWAYS AS ");
        add_expression(b, c->generated_sql);
        db_buf_add(b, c->generated_stored ? " STORED" : " VIRTUAL");
    }
    return 0;
}

/* ---- table constraints -------------------------------------------------- */

static int add_fk_action(sqlite_target *st, const fmt_table *t, const char *action, const char *on,
                         db_buf *b)
{
    const char *sql = sqlite_fk_action_sql(action);
    if (!sql)
        return db_error(&st->diag, "table \"%s\": unknown foreign key action \"%s\"", t->name,
                        action);
    if (*sql)
        db_buf_printf(b, " ON %s %s", on, sql);
    return 0;
}

static int add_foreign_key(sqlite_target *st, const fmt_table *t, const fmt_foreign_key *fk,
                           db_buf *b)
{
    db_buf_add(b, ",\n  ");
    add_constraint_name(b, fk->name);
    db_buf_add(b, "FOREIGN KEY ");
    db_buf_ident_list(b, fk->columns, fk->ncolumns);
    db_buf_add(b, " REFERENCES ");
    db_buf_ident(b, fk->ref_table);
    if (fk->nref_columns) {
        db_buf_addc(b, ' ');
        db_buf_ident_list(b, fk->ref_columns, fk->nref_columns);
    }
    if (add_fk_action(st, t, fk->on_delete, "DELETE", b) < 0 ||
        add_fk_action(st, t, fk->on_update, "UPDATE", b) < 0)
        return -1;
    if (fk->deferrable)
        db_buf_add(b, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
                                             : " DEFERRABLE INITIALLY IMMEDIATE");
    return 0;
}

static void add_key(db_buf *b, const char *what, const fmt_key *k)
{
    db_buf_add(b, ",\n  ");
    add_constraint_name(b, k->name);
    db_buf_add(b, what);
    db_buf_ident_list(b, k->columns, k->ncolumns);
}

/* INCLUDE and NULLS NOT DISTINCT (1.3): SQLite has neither; the key or
 * index is made without them (a UNIQUE that then lets NULLs repeat). */
static void index_option_loss(sqlite_target *st, const fmt_table *t, const char *what,
                              const char *name, size_t ninclude, bool nulls_not_distinct)
{
    if (ninclude || nulls_not_distinct)
        sqlite_tgt_loss(st, SQLITE_LOSS_INDEX_OPTION, "table \"%s\", %s \"%s\": %s%s%s", t->name,
                        what, name ? name : "", ninclude ? "INCLUDE" : "",
                        ninclude && nulls_not_distinct ? ", " : "",
                        nulls_not_distinct ? "NULLS NOT DISTINCT" : "");
}

static int add_constraints(sqlite_target *st, const fmt_table *t, long only_check, int report,
                           db_buf *b)
{
    if (t->primary_key && report)
        index_option_loss(st, t, "primary key", t->primary_key->name, t->primary_key->ninclude,
                          false);
    if (t->primary_key && rowid_column(st, t) < 0)
        add_key(b, "PRIMARY KEY ", t->primary_key);
    for (size_t i = 0; report && i < t->nexclusions; i++)
        sqlite_tgt_loss(st, SQLITE_LOSS_EXCLUSION, "table \"%s\": \"%s\" (USING %s)", t->name,
                        t->exclusions[i].name ? t->exclusions[i].name : "",
                        t->exclusions[i].method ? t->exclusions[i].method : "");
    for (size_t i = 0; i < t->nuniques; i++) {
        if (report)
            index_option_loss(st, t, "unique constraint", t->uniques[i].name,
                              t->uniques[i].ninclude, t->uniques[i].nulls_not_distinct);
        add_key(b, "UNIQUE ", &t->uniques[i]);
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        if (only_check == CHECKS_NONE || (only_check >= 0 && (size_t)only_check != i) ||
            (st->check_skip && st->check_skip[i]))
            continue;
        if (!t->checks[i].expression)
            continue;
        db_buf_add(b, ",\n  ");
        add_constraint_name(b, t->checks[i].name);
        db_buf_add(b, "CHECK ");
        char *translated =
            st->source_is_sqlite ? NULL : sqlite_tgt_translate_pg_check(t, t->checks[i].expression);
        add_expression(b, translated ? translated : t->checks[i].expression);
        free(translated);
    }
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (add_foreign_key(st, t, &t->foreign_keys[i], b) < 0)
            return -1;
    return 0;
}

/* Builds CREATE TABLE for t. only_check selects the CHECK constraints
 * written (CHECKS_ALL, CHECKS_NONE or one index) so that a failing one can
 * be named; warn records what is not carried (set on the first build only). */
static int build_create_table(sqlite_target *st, const fmt_table *t, long only_check, int warn,
                              db_buf *b, int *autoincrement)
{
    int first = 1;
    *autoincrement = 0;
    db_buf_add(b, "CREATE TABLE ");
    db_buf_ident(b, t->name);
    db_buf_add(b, " (");
    for (size_t i = 0; i < t->ncolumns; i++)
        if (add_column(st, t, i, warn, b, &first, autoincrement) < 0)
            return -1;
    if (add_constraints(st, t, only_check, warn, b) < 0)
        return -1;
    db_buf_add(b, "\n)");
    if (t->without_rowid)
        db_buf_add(b, " WITHOUT ROWID");
    if (t->strict)
        db_buf_add(b, t->without_rowid ? ", STRICT" : " STRICT");
    if (b->oom)
        return db_oom(&st->diag);
    return 0;
}

/* ---- creating ----------------------------------------------------------- */

/* Runs the statement, or in a dry run only compiles it. 0 or <0. */
static int run_ddl(sqlite_target *st, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (!st->opts.dry_run)
        return sqlite_tgt_exec_one(st, sql, NULL);
    int rc = sqlite_tgt_prepare_one(st, sql, NULL, &stmt);
    sqlite3_finalize(stmt);
    return rc;
}

/* Compiles t with only CHECK k (or none) to see whether SQLite reads it. */
static int probe_checks(sqlite_target *st, const fmt_table *t, long k, char **why)
{
    db_buf probe = {0};
    sqlite3_stmt *stmt = NULL;
    int dummy;
    int ok = build_create_table(st, t, k, 0, &probe, &dummy) == 0 &&
             sqlite3_prepare_v2(st->db, probe.buf, -1, &stmt, NULL) == SQLITE_OK;
    *why = ok ? NULL : fmt_strdup(sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    db_buf_free(&probe);
    return ok;
}

/* Another dialect's CHECK that SQLite cannot parse is left out with a
 * warning, as pg_restore goes on past a constraint it cannot create; the
 * rest of the table is created as it was. 1 when some were left out. */
static int skip_unreadable_checks(sqlite_target *st, const fmt_table *t)
{
    int skipped = 0;
    for (long k = CHECKS_NONE; k < (long)t->nchecks; k++) {
        char *msg = NULL;
        int ok = probe_checks(st, t, k, &msg);
        if (k == CHECKS_NONE && !ok) {
            free(msg);
            break; /* not the checks' fault */
        }
        if (k >= 0 && !ok) {
            const char *name = t->checks[k].name;
            sqlite_tgt_loss(st, SQLITE_LOSS_CHECK, "table \"%s\":%s%s%s %s: %s", t->name,
                            name ? " \"" : "", name ? name : "", name ? "\"" : "",
                            t->checks[k].expression, msg ? msg : "");
            st->check_skip[k] = 1;
            skipped = 1;
        }
        free(msg);
    }
    return skipped;
}

/* When CREATE TABLE fails on a table from another backend, finds the
 * CHECKs that SQLite cannot read and tries once more without them. 1 if
 * that worked, 0 if not, -1 (memory). */
static int create_without_bad_checks(sqlite_target *st, const fmt_table *t, int *autoincrement)
{
    int ok = 0;
    free(st->check_skip);
    st->check_skip = calloc(t->nchecks, 1);
    if (!st->check_skip)
        return db_oom(&st->diag);
    if (skip_unreadable_checks(st, t)) {
        db_buf ddl = {0};
        ok = build_create_table(st, t, CHECKS_ALL, 0, &ddl, autoincrement) == 0 &&
             run_ddl(st, ddl.buf) == 0;
        db_buf_free(&ddl);
    }
    free(st->check_skip);
    st->check_skip = NULL;
    return ok;
}

int sqlite_tgt_create_table(sqlite_target *st, const fmt_table *t, int *autoincrement)
{
    db_buf ddl = {0};
    char *why = NULL;
    int rc = -1;

    if (build_create_table(st, t, CHECKS_ALL, 1, &ddl, autoincrement) < 0)
        goto done;
    if (run_ddl(st, ddl.buf) == 0) {
        rc = 0;
        goto done;
    }
    why = db_error_take(&st->diag);
    if (!why) {
        db_oom(&st->diag);
        goto done;
    }
    if (!st->source_is_sqlite && t->nchecks) {
        int created = create_without_bad_checks(st, t, autoincrement);
        if (created < 0)
            goto done;
        if (created) {
            rc = 0;
            goto done;
        }
    }
    db_error(&st->diag, "table \"%s\": cannot create it: %s", t->name, why);
done:
    free(why);
    db_buf_free(&ddl);
    return rc;
}

/* ---- indexes ------------------------------------------------------------ */

static void add_index_part(sqlite_target *st, const fmt_table *t, const fmt_index *ix,
                           const fmt_index_part *part, db_buf *b)
{
    if (part->column)
        db_buf_ident(b, part->column);
    else
        add_expression(b, part->expression ? part->expression : "NULL");
    if (part->collation) {
        const char *coll = collation_carried(st, part->collation, part->collation_namespace);
        if (coll && *coll) {
            db_buf_add(b, " COLLATE ");
            db_buf_ident(b, coll);
        } else if (!coll) {
            sqlite_tgt_loss(st, SQLITE_LOSS_COLLATION, "index \"%s\" on table \"%s\": %s", ix->name,
                            t->name, part->collation);
        }
    }
    if (part->descending)
        db_buf_add(b, " DESC");
}

void sqlite_tgt_index_sql(sqlite_target *st, const fmt_table *t, const fmt_index *ix, db_buf *b)
{
    index_option_loss(st, t, "index", ix->name, ix->ninclude, ix->nulls_not_distinct);
    db_buf_add(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    db_buf_ident(b, ix->name);
    db_buf_add(b, " ON ");
    db_buf_ident(b, t->name);
    db_buf_add(b, " (");
    for (size_t p = 0; p < ix->nparts; p++) {
        if (p)
            db_buf_add(b, ", ");
        add_index_part(st, t, ix, &ix->parts[p], b);
    }
    db_buf_addc(b, ')');
    if (ix->where) {
        db_buf_add(b, " WHERE ");
        add_expression(b, ix->where); /* one expression: checked by sqlite_guard */
    }
}
