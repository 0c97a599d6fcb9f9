/* See pg_guard.h. */
#include "pg_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refuse.h"
#include "sqlbuf.h"
#include "sqltok.h"

static int refuse(char *why, size_t whylen, const char *fmt, const char *detail)
{
    if (why && whylen)
        snprintf(why, whylen, fmt, detail);
    return -1;
}

int pg_guard_name(const char *name, char *why, size_t whylen)
{
    if (!name || !*name)
        return refuse(why, whylen, "%san empty name", "");
    size_t n = strlen(name);
    if (n > PG_GUARD_MAX_NAME) {
        char detail[96];
        snprintf(detail, sizeof detail, "%zu bytes, and PostgreSQL keeps %d", n, PG_GUARD_MAX_NAME);
        return refuse(why, whylen, "the name is too long (%s)", detail);
    }
    return 0;
}

int pg_guard_schema(const char *schema, char *why, size_t whylen)
{
    if (!schema)
        return 0;
    if (pg_guard_name(schema, why, whylen) < 0)
        return -1;
    if (strncmp(schema, "pg_", 3) == 0 || strcmp(schema, "information_schema") == 0)
        return refuse(why, whylen, "\"%s\" is a system schema, which an import never writes to",
                      schema);
    return 0;
}

static int is_name(const db_token *t)
{
    return t->kind == DB_TOK_WORD || t->kind == DB_TOK_IDENT;
}

/* Words that may follow the first word of a multi-word standard type. */
static int type_word_follows(const char *first, const db_lexer *lx, const db_token *t)
{
    static const char *const pairs[][8] = {
        {"DOUBLE", "PRECISION", NULL},
        {"CHARACTER", "VARYING", NULL},
        {"CHAR", "VARYING", NULL},
        {"NATIONAL", "CHARACTER", "CHAR", "VARYING", NULL},
        {"BIT", "VARYING", NULL},
        {"TIMESTAMP", "WITH", "WITHOUT", "TIME", "ZONE", NULL},
        {"TIME", "WITH", "WITHOUT", "TIME", "ZONE", NULL},
        {"INTERVAL", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (strcmp(pairs[i][0], first) != 0)
            continue;
        for (size_t k = 1; k < 8 && pairs[i][k]; k++)
            if (db_token_is_word(lx, t, pairs[i][k]))
                return 1;
    }
    return 0;
}

/* "(n)" or "(n, m)" at the lexer: 0 when read, -1 otherwise. */
static int read_typmod(db_lexer *lx)
{
    for (;;) {
        db_token n = db_lexer_next(lx);
        if (n.kind != DB_TOK_NUMBER)
            return -1;
        db_token sep = db_lexer_next(lx);
        if (db_token_is_punct(lx, &sep, ')'))
            return 0;
        if (!db_token_is_punct(lx, &sep, ','))
            return -1;
    }
}

int pg_guard_type(const char *type, char *why, size_t whylen)
{
    db_lexer lx;
    char first[16] = "";
    db_lexer_init(&lx, type, DB_SQL_POSTGRESQL);
    db_token t = db_lexer_next(&lx);
    if (!is_name(&t))
        return refuse(why, whylen, "\"%s\" is not a type name", type ? type : "");
    if (t.kind == DB_TOK_WORD && t.len < sizeof first)
        for (size_t i = 0; i < t.len; i++) {
            char c = type[t.start + i];
            first[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
    t = db_lexer_next(&lx);
    if (db_token_is_punct(&lx, &t, '.')) {
        t = db_lexer_next(&lx);
        if (!is_name(&t))
            return refuse(why, whylen, "\"%s\" is not a type name", type);
        first[0] = '\0'; /* a qualified name is one word */
        t = db_lexer_next(&lx);
    }
    int brackets = 0, typmods = 0;
    for (; t.kind != DB_TOK_END; t = db_lexer_next(&lx)) {
        if (!brackets && first[0] && type_word_follows(first, &lx, &t))
            continue;
        if (!brackets && typmods < 2 && db_token_is_punct(&lx, &t, '(')) {
            if (read_typmod(&lx) < 0)
                return refuse(why, whylen, "\"%s\": a type modifier holds only numbers", type);
            typmods++;
            continue;
        }
        if (db_token_is_punct(&lx, &t, '[')) {
            db_token n = db_lexer_next(&lx);
            if (n.kind == DB_TOK_NUMBER)
                n = db_lexer_next(&lx);
            if (!db_token_is_punct(&lx, &n, ']'))
                return refuse(why, whylen, "\"%s\": an array bound holds only a number", type);
            brackets++;
            continue;
        }
        return refuse(why, whylen, "\"%s\" is not a type name", type);
    }
    return 0;
}

static int is_qualified_name(const char *text)
{
    db_lexer lx;
    db_lexer_init(&lx, text, DB_SQL_POSTGRESQL);
    char *schema = NULL, *name = NULL;
    int r = db_sql_read_qualified(&lx, &schema, &name);
    int ok = r == 1 && db_lexer_next(&lx).kind == DB_TOK_END;
    free(schema);
    free(name);
    return ok;
}

int pg_guard_qualified_name(const char *name, char *why, size_t whylen)
{
    if (!is_qualified_name(name))
        return refuse(why, whylen, "\"%s\" is not a name", name ? name : "");
    return 0;
}

int pg_guard_collation(const char *collation, const char *collation_namespace, char *why,
                       size_t whylen)
{
    if (pg_guard_name(collation, why, whylen) < 0)
        return -1;
    if (collation_namespace && pg_guard_name(collation_namespace, why, whylen) < 0)
        return db_refuse_at(why, whylen, "its schema");
    return 0;
}

int pg_guard_expression(const char *expression, char *why, size_t whylen)
{
    return db_sql_check_expression(expression, DB_SQL_POSTGRESQL, why, whylen);
}

/* One bracketed group "( ... )" at the lexer, balanced. */
static int read_group(db_lexer *lx)
{
    db_token t = db_lexer_next(lx);
    if (!db_token_is_punct(lx, &t, '('))
        return -1;
    for (int depth = 1; depth > 0;) {
        t = db_lexer_next(lx);
        if (t.kind == DB_TOK_END || t.kind == DB_TOK_ERROR || db_token_is_punct(lx, &t, ';'))
            return -1;
        if (db_token_is_punct(lx, &t, '('))
            depth++;
        else if (db_token_is_punct(lx, &t, ')'))
            depth--;
    }
    return 0;
}

int pg_guard_partition_bound(const char *bound, char *why, size_t whylen)
{
    db_lexer lx;
    db_lexer_init(&lx, bound, DB_SQL_POSTGRESQL);
    db_token t = db_lexer_next(&lx);
    int ok = 0;
    if (db_token_is_word(&lx, &t, "DEFAULT")) {
        ok = 1;
    } else if (db_token_is_word(&lx, &t, "FOR")) {
        t = db_lexer_next(&lx);
        if (db_token_is_word(&lx, &t, "VALUES")) {
            t = db_lexer_next(&lx);
            if (db_token_is_word(&lx, &t, "IN") || db_token_is_word(&lx, &t, "WITH")) {
                ok = read_group(&lx) == 0;
            } else if (db_token_is_word(&lx, &t, "FROM")) {
                ok = read_group(&lx) == 0;
                t = db_lexer_next(&lx);
                ok = ok && db_token_is_word(&lx, &t, "TO") && read_group(&lx) == 0;
            }
        }
    }
    if (!ok || db_lexer_next(&lx).kind != DB_TOK_END)
        return refuse(why, whylen, "\"%s\" is not a partition bound (DEFAULT or FOR VALUES ...)",
                      bound ? bound : "");
    return 0;
}

/* Appends one item of a bound, text [start, end) of the bound; a range
 * bound's MINVALUE or MAXVALUE (a single word) is NULL. */
static void add_item(db_buf *b, const db_lexer *lx, size_t start, size_t end, int words,
                     const db_token *first, int *n)
{
    db_buf_add(b, (*n)++ ? ", (" : "(");
    if (words == 1 &&
        (db_token_is_word(lx, first, "MINVALUE") || db_token_is_word(lx, first, "MAXVALUE")))
        db_buf_add(b, "NULL");
    else
        db_buf_addn(b, lx->sql + start, end - start);
    db_buf_printf(b, ") AS b%d", *n - 1);
}

/* Appends the items of the group at the lexer, each "(item) AS bN", in
 * their own text; *n counts the items. */
static int add_group_items(db_lexer *lx, db_buf *b, int *n)
{
    db_token t = db_lexer_next(lx), first = {0}; /* "(", as the check saw */
    int depth = 1, tokens = 0;
    size_t start = 0, end = 0;
    for (;;) {
        t = db_lexer_next(lx);
        if (t.kind == DB_TOK_END || t.kind == DB_TOK_ERROR)
            return -1;
        if (db_token_is_punct(lx, &t, '('))
            depth++;
        else if (db_token_is_punct(lx, &t, ')') && --depth == 0)
            break;
        if (depth == 1 && db_token_is_punct(lx, &t, ',')) {
            if (tokens)
                add_item(b, lx, start, end, tokens, &first, n);
            tokens = 0;
            continue;
        }
        if (tokens++ == 0) {
            first = t;
            start = t.start;
        }
        end = t.start + t.len;
    }
    if (tokens)
        add_item(b, lx, start, end, tokens, &first, n);
    return 0;
}

char *pg_guard_bound_items(const char *bound)
{
    db_lexer lx;
    db_buf b = {0};
    int n = 0, rc = 0;
    db_lexer_init(&lx, bound, DB_SQL_POSTGRESQL);
    db_token t = db_lexer_next(&lx);
    if (db_token_is_word(&lx, &t, "FOR")) {
        db_lexer_next(&lx); /* VALUES */
        t = db_lexer_next(&lx);
        if (db_token_is_word(&lx, &t, "IN")) {
            rc = add_group_items(&lx, &b, &n);
        } else if (db_token_is_word(&lx, &t, "FROM")) {
            rc = add_group_items(&lx, &b, &n);
            db_lexer_next(&lx); /* TO */
            if (rc == 0)
                rc = add_group_items(&lx, &b, &n);
        }
    }
    db_buf_add(&b, "");
    if (rc < 0 || b.oom) {
        db_buf_free(&b);
        return NULL;
    }
    return db_buf_take(&b);
}

int pg_guard_query(const char *sql, char *why, size_t whylen)
{
    db_lexer lx;
    db_lexer_init(&lx, sql ? sql : "", DB_SQL_POSTGRESQL);
    db_token t = db_lexer_next(&lx);
    if (!db_token_is_word(&lx, &t, "SELECT") && !db_token_is_word(&lx, &t, "WITH") &&
        !db_token_is_word(&lx, &t, "VALUES") && !db_token_is_word(&lx, &t, "TABLE"))
        return refuse(why, whylen, "%snot a query (SELECT, WITH, VALUES or TABLE)", "");
    return db_sql_check_expression(sql, DB_SQL_POSTGRESQL, why, whylen);
}

int pg_guard_view(const char *sql, const char *schema, const char *name, char *why, size_t whylen)
{
    static const char *const words[] = {"VIEW", NULL};
    return db_sql_check_create(sql, DB_SQL_POSTGRESQL, words, schema, name, "public", 0, NULL, why,
                               whylen);
}

int pg_guard_trigger(const char *sql, const char *name, const char *table_schema, const char *table,
                     char *why, size_t whylen)
{
    static const char *const words[] = {"TRIGGER", NULL};
    db_sql_create c;
    if (db_sql_check_create(sql, DB_SQL_POSTGRESQL, words, NULL, name, NULL, 0, &c, why, whylen) <
        0)
        return -1;
    return db_sql_check_on_table(sql, c.after_name, DB_SQL_POSTGRESQL, table_schema, table,
                                 "public", 0, why, whylen);
}

int pg_guard_index(const char *sql, const char *name, const char *table_schema, const char *table,
                   char *why, size_t whylen)
{
    static const char *const unique[] = {"UNIQUE", "INDEX", NULL};
    static const char *const plain[] = {"INDEX", NULL};
    db_sql_create c;
    if (db_sql_check_create(sql, DB_SQL_POSTGRESQL, unique, NULL, name, NULL, 0, &c, NULL, 0) < 0 &&
        db_sql_check_create(sql, DB_SQL_POSTGRESQL, plain, NULL, name, NULL, 0, &c, why, whylen) <
            0)
        return -1;
    return db_sql_check_on_table(sql, c.after_name, DB_SQL_POSTGRESQL, table_schema, table,
                                 "public", 1, why, whylen);
}

static const char *const type_extensions[][2] = {
    {"vector", "vector"},
    {"halfvec", "vector"},
    {"sparsevec", "vector"},
    {"citext", "citext"},
    {"hstore", "hstore"},
    {"ltree", "ltree"},
    {"lquery", "ltree"},
    {"ltxtquery", "ltree"},
    {"cube", "cube"},
    {"seg", "seg"},
    {"isbn", "isn"},
    {"isbn13", "isn"},
    {"issn", "isn"},
    {"issn13", "isn"},
    {"ismn", "isn"},
    {"ismn13", "isn"},
    {"ean13", "isn"},
    {"upc", "isn"},
    {"earth", "earthdistance"},
};

int pg_guard_is_type_extension(const char *ext)
{
    for (size_t i = 0; ext && i < sizeof type_extensions / sizeof type_extensions[0]; i++)
        if (strcmp(type_extensions[i][1], ext) == 0)
            return 1;
    return 0;
}

/* Extensions an import creates because the file lists them: each adds
 * types, operators, index support or pure functions, and none reaches
 * files, other servers, large objects or an untrusted language
 * (adminpack, lo, dblink, postgres_fdw, file_fdw, plperlu, ... are not
 * here); tablefunc and the like no schema needs. */
static const char *const harmless_extensions[] = {
    "btree_gin",       "btree_gist",    "citext",    "cube",     "dict_int",
    "earthdistance",   "fuzzystrmatch", "hstore",    "intarray", "isn",
    "ltree",           "pg_trgm",       "pgcrypto",  "seg",      "tsm_system_rows",
    "tsm_system_time", "unaccent",      "uuid-ossp", "vector",
};

int pg_guard_is_harmless_extension(const char *ext)
{
    for (size_t i = 0; ext && i < sizeof harmless_extensions / sizeof *harmless_extensions; i++)
        if (strcmp(harmless_extensions[i], ext) == 0)
            return 1;
    return 0;
}

const char *pg_guard_harmless_extension(size_t i)
{
    return i < sizeof harmless_extensions / sizeof *harmless_extensions ? harmless_extensions[i]
                                                                        : NULL;
}

const char *pg_guard_extension_for_type(const char *type)
{
    const char *const(*map)[2] = type_extensions;
    size_t nmap = sizeof type_extensions / sizeof type_extensions[0];
    if (!type)
        return NULL;
    db_lexer lx;
    db_lexer_init(&lx, type, DB_SQL_POSTGRESQL);
    char *schema = NULL, *name = NULL;
    const char *ext = NULL;
    if (db_sql_read_qualified(&lx, &schema, &name) == 1)
        for (size_t i = 0; i < nmap && !ext; i++)
            if (strcmp(name, map[i][0]) == 0)
                ext = map[i][1];
    free(schema);
    free(name);
    return ext;
}

/* Another backend's native type, collation, default and generation
 * expression are never pasted (the target carries only plain names and
 * literals from them), so only a PostgreSQL source's are read. */
static int guard_column(const fmt_column *c, int source_is_pg, char *why, size_t whylen)
{
    const char *name = c->name ? c->name : "";
    if (pg_guard_name(c->name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\"", name);
    if (c->sequence && c->sequence->name && pg_guard_name(c->sequence->name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": sequence", name);
    if (c->postgresql_type && pg_guard_type(c->postgresql_type, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": postgresql_type", name);
    if (!source_is_pg)
        return 0;
    if (c->native_type && pg_guard_type(c->native_type, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": native_type", name);
    if (c->collation && pg_guard_collation(c->collation, c->collation_namespace, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": collation", name);
    if (c->default_sql && pg_guard_expression(c->default_sql, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": default", name);
    if (c->generated_sql && pg_guard_expression(c->generated_sql, why, whylen) < 0)
        return db_refuse_at(why, whylen, "column \"%.64s\": generated expression", name);
    return 0;
}

static int guard_names(char *const *names, size_t n, const char *what, char *why, size_t whylen)
{
    for (size_t i = 0; i < n; i++)
        if (pg_guard_name(names[i], why, whylen) < 0)
            return db_refuse_at(why, whylen, "%s", what);
    return 0;
}

static int guard_index(const fmt_index *ix, const fmt_table *t, const char *ns, int source_is_pg,
                       char *why, size_t whylen)
{
    const char *name = ix->name ? ix->name : "";
    if (ix->name && pg_guard_name(ix->name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "index \"%.64s\"", name);
    for (size_t p = 0; p < ix->nparts; p++) {
        const fmt_index_part *part = &ix->parts[p];
        if (part->column && pg_guard_name(part->column, why, whylen) < 0)
            return db_refuse_at(why, whylen, "index \"%.64s\": column", name);
        if (part->expression && pg_guard_expression(part->expression, why, whylen) < 0)
            return db_refuse_at(why, whylen, "index \"%.64s\": expression", name);
        if (part->collation &&
            pg_guard_collation(part->collation, part->collation_namespace, why, whylen) < 0)
            return db_refuse_at(why, whylen, "index \"%.64s\": collation", name);
    }
    if (guard_names(ix->include, ix->ninclude, "include", why, whylen) < 0)
        return db_refuse_at(why, whylen, "index \"%.64s\"", name);
    if (ix->where && pg_guard_expression(ix->where, why, whylen) < 0)
        return db_refuse_at(why, whylen, "index \"%.64s\": where", name);
    /* Only a PostgreSQL source's statement is run; another's is not read. */
    if (source_is_pg && ix->sql && pg_guard_index(ix->sql, ix->name, ns, t->name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "index \"%.64s\": sql", name);
    return 0;
}

static int guard_foreign_key(const fmt_foreign_key *fk, char *why, size_t whylen)
{
    const char *name = fk->name ? fk->name : "";
    if ((fk->name && pg_guard_name(fk->name, why, whylen) < 0) ||
        guard_names(fk->columns, fk->ncolumns, "columns", why, whylen) < 0 ||
        guard_names(fk->ref_columns, fk->nref_columns, "references", why, whylen) < 0 ||
        pg_guard_name(fk->ref_table, why, whylen) < 0 ||
        (fk->ref_namespace && pg_guard_name(fk->ref_namespace, why, whylen) < 0))
        return db_refuse_at(why, whylen, "foreign key \"%.64s\"", name);
    return 0;
}

static int guard_keys(const fmt_key *pk, const fmt_key *uniques, size_t nuniques,
                      const fmt_check *checks, size_t nchecks, char *why, size_t whylen);

/* A partitioning and, recursively, its partitions' own (1.3). */
static int guard_partitioning(const fmt_partitioning *p, int source_is_pg, int depth, char *why,
                              size_t whylen)
{
    if (depth > 32)
        return db_refuse_at(why, whylen, "partitioning: nested too deep");
    if (p->key && pg_guard_expression(p->key, why, whylen) < 0)
        return db_refuse_at(why, whylen, "partitioning: key");
    for (size_t i = 0; i < p->npartitions; i++) {
        const fmt_partition *part = &p->partitions[i];
        const char *name = part->name ? part->name : "";
        if (pg_guard_name(part->name, why, whylen) < 0 ||
            pg_guard_schema(part->namespace, why, whylen) < 0)
            return db_refuse_at(why, whylen, "partition \"%.64s\"", name);
        if (part->bound && pg_guard_partition_bound(part->bound, why, whylen) < 0)
            return db_refuse_at(why, whylen, "partition \"%.64s\": bound", name);
        fmt_table as_table = {.name = part->name, .namespace = part->namespace};
        for (size_t k = 0; k < part->nindexes; k++)
            if (guard_index(&part->indexes[k], &as_table, part->namespace, source_is_pg, why,
                            whylen) < 0)
                return db_refuse_at(why, whylen, "partition \"%.64s\"", name);
        for (size_t k = 0; k < part->nforeign_keys; k++)
            if (guard_foreign_key(&part->foreign_keys[k], why, whylen) < 0)
                return db_refuse_at(why, whylen, "partition \"%.64s\"", name);
        if (guard_keys(part->primary_key, part->uniques, part->nuniques, part->checks,
                       part->nchecks, why, whylen) < 0 ||
            (part->partitioning &&
             guard_partitioning(part->partitioning, source_is_pg, depth + 1, why, whylen) < 0))
            return db_refuse_at(why, whylen, "partition \"%.64s\"", name);
    }
    return 0;
}

static int guard_partitions(const fmt_table *t, int source_is_pg, char *why, size_t whylen)
{
    return t->partitioning ? guard_partitioning(t->partitioning, source_is_pg, 0, why, whylen) : 0;
}

int pg_guard_operator(const char *op, char *why, size_t whylen)
{
    size_t n = op ? strlen(op) : 0;
    if (n == 0 || n > PG_GUARD_MAX_NAME || strspn(op, "+-*/<>=~!@#%^&|`?") != n)
        return refuse(why, whylen, "\"%.64s\" is not an operator name", op ? op : "");
    return 0;
}

static int guard_exclusion(const fmt_exclusion *x, char *why, size_t whylen)
{
    const char *name = x->name ? x->name : "";
    if ((x->name && pg_guard_name(x->name, why, whylen) < 0) ||
        pg_guard_name(x->method, why, whylen) < 0 ||
        guard_names(x->include, x->ninclude, "include", why, whylen) < 0)
        return db_refuse_at(why, whylen, "exclusion constraint \"%.64s\"", name);
    for (size_t i = 0; i < x->nelements; i++) {
        const fmt_exclusion_element *e = &x->elements[i];
        if ((e->column && pg_guard_name(e->column, why, whylen) < 0) ||
            (e->opclass && pg_guard_name(e->opclass, why, whylen) < 0) ||
            (e->opclass_namespace && pg_guard_name(e->opclass_namespace, why, whylen) < 0) ||
            (e->operator_namespace && pg_guard_name(e->operator_namespace, why, whylen) < 0) ||
            pg_guard_operator(e->operator, why, whylen) < 0)
            return db_refuse_at(why, whylen, "exclusion constraint \"%.64s\"", name);
        if (e->expression && pg_guard_expression(e->expression, why, whylen) < 0)
            return db_refuse_at(why, whylen, "exclusion constraint \"%.64s\": expression", name);
    }
    if (x->where && pg_guard_expression(x->where, why, whylen) < 0)
        return db_refuse_at(why, whylen, "exclusion constraint \"%.64s\": where", name);
    return 0;
}

/* A primary key, unique and CHECK constraints: a table's or a
 * partition's own. */
static int guard_keys(const fmt_key *pk, const fmt_key *uniques, size_t nuniques,
                      const fmt_check *checks, size_t nchecks, char *why, size_t whylen)
{
    if (pk && ((pk->name && pg_guard_name(pk->name, why, whylen) < 0) ||
               guard_names(pk->columns, pk->ncolumns, "columns", why, whylen) < 0 ||
               guard_names(pk->include, pk->ninclude, "include", why, whylen) < 0))
        return db_refuse_at(why, whylen, "primary key");
    for (size_t i = 0; i < nuniques; i++) {
        const fmt_key *u = &uniques[i];
        if ((u->name && pg_guard_name(u->name, why, whylen) < 0) ||
            guard_names(u->columns, u->ncolumns, "columns", why, whylen) < 0 ||
            guard_names(u->include, u->ninclude, "include", why, whylen) < 0)
            return db_refuse_at(why, whylen, "unique constraint \"%.64s\"", u->name ? u->name : "");
    }
    for (size_t i = 0; i < nchecks; i++) {
        const fmt_check *c = &checks[i];
        const char *name = c->name ? c->name : "";
        if (c->name && pg_guard_name(c->name, why, whylen) < 0)
            return db_refuse_at(why, whylen, "check \"%.64s\"", name);
        if (pg_guard_expression(c->expression, why, whylen) < 0)
            return db_refuse_at(why, whylen, "check \"%.64s\": expression", name);
    }
    return 0;
}

static int guard_constraints(const fmt_table *t, char *why, size_t whylen)
{
    for (size_t i = 0; i < t->nexclusions; i++)
        if (guard_exclusion(&t->exclusions[i], why, whylen) < 0)
            return -1;
    if (guard_keys(t->primary_key, t->uniques, t->nuniques, t->checks, t->nchecks, why, whylen) < 0)
        return -1;
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (guard_foreign_key(&t->foreign_keys[i], why, whylen) < 0)
            return -1;
    return 0;
}

int pg_guard_table(const fmt_table *t, int source_is_pg, char *why, size_t whylen)
{
    if (pg_guard_schema(t->namespace, why, whylen) < 0)
        return db_refuse_at(why, whylen, "namespace");
    if (pg_guard_name(t->name, why, whylen) < 0)
        return db_refuse_at(why, whylen, "name");
    for (size_t i = 0; i < t->ncolumns; i++)
        if (guard_column(&t->columns[i], source_is_pg, why, whylen) < 0)
            return -1;
    if (guard_constraints(t, why, whylen) < 0)
        return -1;
    for (size_t i = 0; i < t->nindexes; i++)
        if (guard_index(&t->indexes[i], t, t->namespace, source_is_pg, why, whylen) < 0)
            return -1;
    return guard_partitions(t, source_is_pg, why, whylen);
}

int pg_guard_header(const fmt_header *h, char *why, size_t whylen)
{
    for (size_t i = 0; h && i < h->nfunctions; i++) {
        pg_guard_routine g;
        if (pg_guard_function(&h->functions[i], &g, why, whylen) < 0)
            return db_refuse_at(why, whylen, "function \"%.64s\"",
                                h->functions[i].name ? h->functions[i].name : "");
        free(g.statement);
    }
    for (size_t i = 0; h && i < h->nsequences; i++) {
        const fmt_sequence *q = &h->sequences[i];
        if ((q->owned_by_table && pg_guard_name(q->owned_by_table, why, whylen) < 0) ||
            (q->owned_by_column && pg_guard_name(q->owned_by_column, why, whylen) < 0))
            return db_refuse_at(why, whylen, "sequence \"%.64s\": owned_by",
                                q->name ? q->name : "");
    }
    for (size_t i = 0; h && i < h->nuser_types; i++) {
        const fmt_user_type *u = &h->user_types[i];
        const char *name = u->name ? u->name : "";
        const char *kind = u->kind == FMT_USER_TYPE_ENUM        ? "enum"
                           : u->kind == FMT_USER_TYPE_COMPOSITE ? "composite type"
                                                                : "domain";
        if (pg_guard_schema(u->namespace, why, whylen) < 0 ||
            pg_guard_name(u->name, why, whylen) < 0)
            return db_refuse_at(why, whylen, "%s \"%.64s\"", kind, name);
        for (size_t k = 0; k < u->nlabels; k++)
            if (pg_guard_name(u->labels[k], why, whylen) < 0)
                return db_refuse_at(why, whylen, "%s \"%.64s\": label", kind, name);
        if (u->base_type && pg_guard_type(u->base_type, why, whylen) < 0)
            return db_refuse_at(why, whylen, "%s \"%.64s\": base_type", kind, name);
        if (u->default_sql && pg_guard_expression(u->default_sql, why, whylen) < 0)
            return db_refuse_at(why, whylen, "%s \"%.64s\": default", kind, name);
        for (size_t k = 0; k < u->nchecks; k++)
            if (pg_guard_expression(u->checks[k], why, whylen) < 0)
                return db_refuse_at(why, whylen, "%s \"%.64s\": check", kind, name);
        for (size_t k = 0; k < u->ncheck_names; k++)
            if (pg_guard_name(u->check_names[k], why, whylen) < 0)
                return db_refuse_at(why, whylen, "%s \"%.64s\": check name", kind, name);
        for (size_t k = 0; k < u->nattributes; k++) {
            const fmt_type_attribute *a = &u->attributes[k];
            if (pg_guard_name(a->name, why, whylen) < 0 ||
                pg_guard_type(a->type, why, whylen) < 0 ||
                (a->collation &&
                 pg_guard_collation(a->collation, a->collation_namespace, why, whylen) < 0))
                return db_refuse_at(why, whylen, "%s \"%.64s\": attribute \"%.64s\"", kind, name,
                                    a->name ? a->name : "");
        }
    }
    return 0;
}
