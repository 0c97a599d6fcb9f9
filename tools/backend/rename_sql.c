/* SQL text under --rename-schema and --rename-table (see rename_internal.h).
 * Not a parser: it finds the tokens and rewrites a name only where its
 * place proves what it is. The proofs, for the PostgreSQL text of a file
 * (exported with an empty search_path, so every object of a schema is
 * written qualified):
 *  - a renamed schema's name is rewritten where it qualifies a name
 *    ("auth.users", "auth.touch()") and the text uses it in no other way
 *    (not as a column, an alias, a variable, a word of a string): the first
 *    name of a dotted chain can only be a schema, a table or alias, a
 *    record variable, and each of those but a schema is declared bare;
 *  - a renamed table's name is rewritten after its schema ("auth.users"),
 *    and as a column qualifier ("users.id") when the text has no bare
 *    "users" and no "x.users" of another schema that the qualifier could
 *    mean instead;
 *  - a string literal cast to a reg* type ('auth.users_id_seq'::regclass)
 *    is a name and rewritten as one; any other string that holds a renamed
 *    name as a word is refused (dynamic SQL, a GUC name: nothing proves
 *    what it is).
 * SQLite's text names tables bare: a renamed table there is refused,
 * except as the table after a trigger's or an index's ON, which the file
 * carries structurally too. Everything else is copied byte for byte,
 * comments and white space included. */
#include "rename_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlbuf.h"

#define MAX_TEXTS 32

typedef struct {
    db_token t;
    size_t text;     /* index in the context's texts */
    char *name;      /* a WORD's or IDENT's name; NULL otherwise */
    int pos;         /* its place in a chain a.b.c: 0 for a */
    size_t head;     /* the index of its chain's first name */
    int next_dot;    /* a '.' follows it */
    int on;          /* part of the structural ON table */
    size_t body;     /* a $-quoted body of code: its text's index, else 0 */
    char *replace;   /* written instead of the token, or NULL */
    size_t span_end; /* with replace: the byte past what it replaces */
} rtok;

typedef struct {
    const db_renames *r;
    const db_rename_text *how;
    const char *texts[MAX_TEXTS];
    char *owned[MAX_TEXTS];
    size_t ntexts;
    rtok *toks;
    size_t ntoks;
    char *why;
    size_t whylen;
    int oom;
} rctx;

static const char *const reserved[] = {"all",
                                       "analyse",
                                       "analyze",
                                       "and",
                                       "any",
                                       "array",
                                       "as",
                                       "asc",
                                       "asymmetric",
                                       "both",
                                       "case",
                                       "cast",
                                       "check",
                                       "collate",
                                       "column",
                                       "constraint",
                                       "create",
                                       "current_catalog",
                                       "current_date",
                                       "current_role",
                                       "current_time",
                                       "current_timestamp",
                                       "current_user",
                                       "default",
                                       "deferrable",
                                       "desc",
                                       "distinct",
                                       "do",
                                       "else",
                                       "end",
                                       "except",
                                       "false",
                                       "fetch",
                                       "for",
                                       "foreign",
                                       "from",
                                       "grant",
                                       "group",
                                       "having",
                                       "in",
                                       "initially",
                                       "intersect",
                                       "into",
                                       "lateral",
                                       "leading",
                                       "limit",
                                       "localtime",
                                       "localtimestamp",
                                       "not",
                                       "null",
                                       "offset",
                                       "on",
                                       "only",
                                       "or",
                                       "order",
                                       "placing",
                                       "primary",
                                       "references",
                                       "returning",
                                       "select",
                                       "session_user",
                                       "some",
                                       "symmetric",
                                       "table",
                                       "then",
                                       "to",
                                       "trailing",
                                       "true",
                                       "union",
                                       "unique",
                                       "user",
                                       "using",
                                       "variadic",
                                       "when",
                                       "where",
                                       "window",
                                       "with",
                                       "authorization",
                                       "binary",
                                       "collation",
                                       "concurrently",
                                       "cross",
                                       "current_schema",
                                       "freeze",
                                       "full",
                                       "ilike",
                                       "inner",
                                       "is",
                                       "isnull",
                                       "join",
                                       "left",
                                       "like",
                                       "natural",
                                       "notnull",
                                       "outer",
                                       "overlaps",
                                       "right",
                                       "similar",
                                       "tablesample",
                                       "verbose",
                                       "key",
                                       "index",
                                       "view",
                                       "trigger",
                                       NULL};

/* 1 if name can be written without quotes and mean itself. */
static int plain_name(const char *name, db_sql_dialect d)
{
    if (!*name || (name[0] >= '0' && name[0] <= '9'))
        return 0;
    for (const char *p = name; *p; p++) {
        char ch = *p;
        int lower = (ch >= 'a' && ch <= 'z') || ch == '_' || (ch >= '0' && ch <= '9');
        int upper = ch >= 'A' && ch <= 'Z';
        if (!lower && !(upper && d == DB_SQL_SQLITE))
            return 0;
    }
    for (size_t i = 0; reserved[i]; i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return 0;
    return 1;
}

static char *render_name(const char *name, db_sql_dialect d, int quoted)
{
    db_buf b = {0};
    if (!quoted && plain_name(name, d))
        db_buf_add(&b, name);
    else
        db_buf_ident(&b, name);
    return db_buf_take(&b);
}

static int refuse(rctx *c, const char *fmt, const char *name)
{
    if (c->why && c->whylen)
        snprintf(c->why, c->whylen, fmt, name);
    return -1;
}

static int is_dot(const rctx *c, const rtok *t)
{
    return t->t.kind == DB_TOK_PUNCT && c->texts[t->text][t->t.start] == '.';
}

/* The tokens of texts[k] (and of the bodies in it) to c->toks. 0, -1. */
static int collect(rctx *c, size_t k)
{
    db_lexer lx;
    db_lexer_init(&lx, c->texts[k], c->r->dialect);
    size_t prev = (size_t)-1, prev2 = (size_t)-1; /* this text's last two tokens */
    for (;;) {
        db_token t = db_lexer_next(&lx);
        if (t.kind == DB_TOK_END)
            return 0;
        if (t.kind == DB_TOK_ERROR)
            return refuse(c, "%s",
                          "its SQL text cannot be read (an unterminated quote or "
                          "comment)");
        rtok *grown = realloc(c->toks, (c->ntoks + 1) * sizeof *grown);
        if (!grown) {
            c->oom = 1;
            return -1;
        }
        c->toks = grown;
        size_t i = c->ntoks++;
        rtok *rt = &grown[i];
        memset(rt, 0, sizeof *rt);
        rt->t = t;
        rt->text = k;
        rt->head = i;
        if (t.kind == DB_TOK_WORD || t.kind == DB_TOK_IDENT) {
            if (!(rt->name = db_token_name(&lx, &t))) {
                c->oom = 1;
                return -1;
            }
            if (prev2 != (size_t)-1 && is_dot(c, &grown[prev]) && grown[prev2].name) {
                rt->pos = grown[prev2].pos + 1;
                rt->head = grown[prev2].head;
            }
        } else if (is_dot(c, rt) && prev != (size_t)-1 && grown[prev].name) {
            grown[prev].next_dot = 1;
        }
        prev2 = prev;
        prev = i;
        const char *s = c->texts[k] + t.start;
        if (c->how->code && t.kind == DB_TOK_STRING && *s == '$') {
            const char *close = strchr(s + 1, '$');
            size_t tag = (size_t)(close - s) + 1;
            if (c->ntexts == MAX_TEXTS)
                return refuse(c, "%s", "its SQL text nests too many bodies");
            size_t body = c->ntexts;
            if (!(c->owned[body] = strndup(s + tag, t.len - 2 * tag))) {
                c->oom = 1;
                return -1;
            }
            c->texts[body] = c->owned[body];
            c->ntexts++;
            c->toks[i].body = body;
            if (collect(c, body) < 0)
                return -1;
        }
    }
}

static int same(const rctx *c, const char *a, const char *b)
{
    return a && b && db_rename_same(c->r, a, b);
}

static int keyword_record(const char *name)
{
    return strcasecmp(name, "old") == 0 || strcasecmp(name, "new") == 0 ||
           strcasecmp(name, "excluded") == 0;
}

/* 1 if every use of name in the text is as the first name of a chain. */
static int only_qualifier(const rctx *c, const char *name)
{
    for (size_t i = 0; i < c->ntoks; i++) {
        const rtok *t = &c->toks[i];
        if (!t->on && same(c, t->name, name) && (t->pos != 0 || !t->next_dot))
            return 0;
    }
    return !keyword_record(name);
}

/* The structural ON table of a trigger's or an index's statement: marked,
 * and replaced when it is renamed. */
static int mark_on(rctx *c)
{
    const db_rename_text *h = c->how;
    int depth = 0;
    size_t i = 0;
    for (; i < c->ntoks && c->toks[i].text == 0; i++) {
        const rtok *t = &c->toks[i];
        char ch = c->texts[0][t->t.start];
        if (t->t.kind == DB_TOK_PUNCT && (ch == '(' || ch == ')'))
            depth += ch == '(' ? 1 : -1;
        if (depth == 0 && t->t.kind == DB_TOK_WORD && strcasecmp(t->name, "on") == 0)
            break;
    }
    if (++i < c->ntoks && c->toks[i].name && strcasecmp(c->toks[i].name, "only") == 0 &&
        c->toks[i].t.kind == DB_TOK_WORD)
        i++;
    size_t last = i;
    while (last + 2 < c->ntoks && c->toks[last].next_dot && c->toks[last + 2].name)
        last += 2;
    if (i >= c->ntoks || !c->toks[last].name || !same(c, c->toks[last].name, h->on_name))
        return 0; /* not the table the file says: the general rules apply */
    if (last > i + 2 ||
        (last == i + 2 && !same(c, c->toks[i].name, h->on_ns ? h->on_ns : c->r->default_schema)))
        return 0;
    for (size_t k = i; k <= last; k++)
        c->toks[k].on = 1;
    int changed = !same(c, h->on_name, h->on_new_name) ||
                  (h->on_ns != h->on_new_ns &&
                   (!h->on_ns || !h->on_new_ns || !same(c, h->on_ns, h->on_new_ns)));
    if (!changed)
        return 0;
    db_buf b = {0};
    if (c->r->dialect == DB_SQL_POSTGRESQL) {
        char *ns =
            render_name(h->on_new_ns ? h->on_new_ns : c->r->default_schema, c->r->dialect, 0);
        char *nm = render_name(h->on_new_name, c->r->dialect, 0);
        db_buf_printf(&b, "%s.%s", ns ? ns : "", nm ? nm : "");
        b.oom |= !ns || !nm;
        free(ns);
        free(nm);
    } else if (h->on_new_ns) {
        /* a SQLite target names a schema's table "schema.table" */
        char *key = db_rename_join(h->on_new_ns, ".", h->on_new_name);
        b.oom |= !key;
        db_buf_ident(&b, key);
        free(key);
    } else {
        char *nm = render_name(h->on_new_name, c->r->dialect, 0);
        b.oom |= !nm;
        db_buf_add(&b, nm);
        free(nm);
    }
    c->toks[i].replace = db_buf_take(&b);
    c->toks[i].span_end = c->toks[last].t.start + c->toks[last].t.len;
    if (!c->toks[i].replace)
        c->oom = 1;
    return c->oom ? -1 : 0;
}

static int set_replace(rctx *c, rtok *t, const char *name)
{
    free(t->replace);
    t->replace = render_name(name, c->r->dialect, t->t.kind == DB_TOK_IDENT);
    t->span_end = t->t.start + t->t.len;
    if (!t->replace)
        c->oom = 1;
    return t->replace ? 0 : -1;
}

/* A renamed schema's uses: qualifiers only, each rewritten. */
static int rule_schema(rctx *c, const db_rename_schema *s)
{
    const char *old = s->old_name;
    int seen = 0;
    for (size_t i = 0; i < c->ntoks; i++)
        seen |= !c->toks[i].on && same(c, c->toks[i].name, old);
    if (!seen)
        return 0;
    if (c->r->dialect == DB_SQL_SQLITE)
        return refuse(c, "it names schema \"%s\" in SQLite text, which has no schemas to rewrite",
                      old);
    if (!only_qualifier(c, old))
        return refuse(c,
                      "it names \"%s\" other than as the schema of a name (a column, an alias, a "
                      "variable?), so a rewrite cannot be proven",
                      old);
    const char *to = s->new_name ? s->new_name : c->r->default_schema;
    for (size_t i = 0; i < c->ntoks; i++)
        if (!c->toks[i].on && same(c, c->toks[i].name, old) && set_replace(c, &c->toks[i], to) < 0)
            return -1;
    return 0;
}

/* 1 if name is a schema of the file (then "name.x" may not be a table's). */
static int schema_name(const rctx *c, const char *name)
{
    for (size_t i = 0; i < c->r->nnames; i++)
        if (same(c, c->r->names[i], name))
            return 1;
    return same(c, name, c->r->default_schema) || strcmp(name, "pg_catalog") == 0;
}

/* The schema a rename of a table applies in, as the text writes it; NULL
 * when it is not known yet (a bare OLD before its table was seen). */
static const char *table_schema(const rctx *c, const db_rename_table *t, int *known)
{
    *known = 1;
    if (t->old_schema)
        return t->old_schema;
    if (t->matched) {
        const char *dot = strchr(t->matched, '.');
        static char ns[256];
        if (!dot)
            return c->r->default_schema;
        snprintf(ns, sizeof ns, "%.*s", (int)(dot - t->matched), t->matched);
        return ns;
    }
    *known = 0;
    return NULL;
}

/* A renamed table's uses (PostgreSQL): after its schema, and as a column
 * qualifier when nothing else could be meant. */
static int rule_table(rctx *c, const db_rename_table *rt)
{
    int known;
    const char *ns = table_schema(c, rt, &known);
    int bare = 0, other = 0, heads = 0, own = 0, any = 0;
    for (size_t i = 0; i < c->ntoks; i++) {
        const rtok *t = &c->toks[i];
        if (t->on || !same(c, t->name, rt->old_name))
            continue;
        any = 1;
        if (t->pos == 0)
            t->next_dot ? heads++ : bare++;
        else if (t->pos == 1 && known && same(c, c->toks[t->head].name, ns))
            own++;
        else
            other++;
    }
    if (!any)
        return 0;
    if (c->r->dialect == DB_SQL_SQLITE)
        return refuse(c,
                      "it names table \"%s\" in SQLite text (bare names: nothing proves which "
                      "uses are the table)",
                      rt->old_name);
    if (!known && other)
        return refuse(c, "it names \"%s\" in another schema: give --rename-table=SCHEMA.%s:NEW",
                      rt->old_name);
    if (heads && (bare || other || schema_name(c, rt->old_name) || keyword_record(rt->old_name)))
        return refuse(c,
                      "it qualifies columns with \"%s\" where that could mean something else "
                      "(an alias, a column, another schema's table)",
                      rt->old_name);
    if (own && !only_qualifier(c, ns))
        return refuse(c, "it uses \"%s\" other than as a schema, so a rewrite cannot be proven",
                      ns);
    for (size_t i = 0; i < c->ntoks; i++) {
        rtok *t = &c->toks[i];
        if (t->on || !same(c, t->name, rt->old_name))
            continue;
        int mine = t->pos == 1 && same(c, c->toks[t->head].name, ns);
        if ((mine || (t->pos == 0 && t->next_dot)) && set_replace(c, t, rt->new_name) < 0)
            return -1;
    }
    return 0;
}

/* 1 if text (n bytes) holds word as a whole word, any case. */
static int has_word(const char *text, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; w && i + w <= n; i++) {
        if (strncasecmp(text + i, word, w) != 0)
            continue;
        char before = i ? text[i - 1] : ' ', after = i + w < n ? text[i + w] : ' ';
#define WORDCH(ch)                                                                                 \
    (((ch) >= 'a' && (ch) <= 'z') || ((ch) >= 'A' && (ch) <= 'Z') ||                               \
     ((ch) >= '0' && (ch) <= '9') || (ch) == '_' || (ch) == '$')
        if (!WORDCH(before) && !WORDCH(after))
            return 1;
#undef WORDCH
    }
    return 0;
}

/* The first renamed name (schema or table) string s holds, or NULL. */
static const char *renamed_word(const rctx *c, const char *s, size_t n)
{
    for (size_t i = 0; i < c->r->nschemas; i++)
        if (has_word(s, n, c->r->schemas[i].old_name))
            return c->r->schemas[i].old_name;
    for (size_t i = 0; i < c->r->ntables; i++)
        if (has_word(s, n, c->r->tables[i].old_name))
            return c->r->tables[i].old_name;
    return NULL;
}

/* 'schema.name'::regclass: the literal is a name, rewritten as one. */
static int reg_literal(rctx *c, size_t i)
{
    const rtok *t = &c->toks[i];
    if (i + 3 >= c->ntoks || c->texts[t->text][t->t.start] != '\'' ||
        c->toks[i + 1].t.kind != DB_TOK_PUNCT || c->toks[i + 2].t.kind != DB_TOK_PUNCT ||
        c->texts[t->text][c->toks[i + 1].t.start] != ':' ||
        c->texts[t->text][c->toks[i + 2].t.start] != ':' || !c->toks[i + 3].name ||
        strncasecmp(c->toks[i + 3].name, "reg", 3) != 0)
        return 0;
    char *inner = strndup(c->texts[t->text] + t->t.start + 1, t->t.len - 2);
    if (!inner)
        return -1;
    /* '' inside the literal stands for one quote: a name holds none here */
    char *names[2] = {NULL, NULL};
    db_lexer lx;
    db_lexer_init(&lx, strstr(inner, "''") ? "" : inner, DB_SQL_POSTGRESQL);
    int rc = db_sql_read_qualified(&lx, &names[0], &names[1]);
    db_token end = db_lexer_next(&lx);
    free(inner);
    if (rc <= 0 || end.kind != DB_TOK_END || !names[0]) {
        free(names[0]);
        free(names[1]);
        return rc < 0 ? -1 : 0;
    }
    const db_rename_schema *sr = NULL;
    const char *ns = db_rename_map_schema(c->r, names[0], &sr);
    const db_rename_table *tr = db_rename_find_table(c->r, names[0], names[1]);
    db_buf b = {0}, lit = {0};
    if (sr || tr) {
        char *a = render_name(sr ? (ns ? ns : c->r->default_schema) : names[0], c->r->dialect, 0);
        char *n = render_name(tr ? tr->new_name : names[1], c->r->dialect, 0);
        db_buf_printf(&b, "%s.%s", a ? a : "", n ? n : "");
        b.oom |= !a || !n;
        free(a);
        free(n);
        db_buf_literal(&lit, b.buf ? b.buf : "");
        lit.oom |= b.oom;
        c->toks[i].replace = db_buf_take(&lit);
        c->toks[i].span_end = t->t.start + t->t.len;
        db_buf_free(&b);
    }
    free(names[0]);
    free(names[1]);
    if ((sr || tr) && !c->toks[i].replace)
        return -1;
    return sr || tr ? 1 : 0;
}

/* String literals: a reg* name rewritten, a renamed word elsewhere refused. */
static int rule_strings(rctx *c)
{
    for (size_t i = 0; i < c->ntoks; i++) {
        const rtok *t = &c->toks[i];
        if (t->t.kind != DB_TOK_STRING || t->body)
            continue;
        const char *s = c->texts[t->text] + t->t.start;
        const char *word = renamed_word(c, s, t->t.len);
        if (!word)
            continue;
        int rc = c->r->dialect == DB_SQL_POSTGRESQL ? reg_literal(c, i) : 0;
        if (rc < 0) {
            c->oom = 1;
            return -1;
        }
        if (rc == 0)
            return refuse(c,
                          "a string literal in it holds \"%s\" (dynamic SQL, a setting's name?): "
                          "nothing proves what it names",
                          word);
    }
    return 0;
}

/* A renamed default schema in SQLite text: its tables are named bare. */
static int rule_sqlite_default(rctx *c)
{
    const db_rename_schema *rule = NULL;
    db_rename_map_schema(c->r, NULL, &rule);
    if (!rule || c->r->dialect != DB_SQL_SQLITE)
        return 0;
    for (size_t i = 0; i < c->ntoks; i++)
        for (size_t k = 0; !c->toks[i].on && c->toks[i].name && k < c->r->nbare; k++)
            if (same(c, c->toks[i].name, c->r->bare[k]))
                return refuse(c,
                              "it names table \"%s\", which the schema rename moves, in SQLite "
                              "text (bare names: nothing proves which uses are the table)",
                              c->r->bare[k]);
    return 0;
}

/* Text k with its replacements (and its bodies', recursively) into b. */
static int emit(rctx *c, size_t k, db_buf *b, int *changed)
{
    const char *s = c->texts[k];
    size_t at = 0;
    for (size_t i = 0; i < c->ntoks; i++) {
        const rtok *t = &c->toks[i];
        if (t->text != k || t->t.start < at)
            continue;
        db_buf_addn(b, s + at, t->t.start - at);
        if (t->replace) {
            db_buf_add(b, t->replace);
            at = t->span_end;
            *changed = 1;
            continue;
        }
        at = t->t.start + t->t.len;
        if (!t->body) {
            db_buf_addn(b, s + t->t.start, t->t.len);
            continue;
        }
        size_t tag = (size_t)(strchr(s + t->t.start + 1, '$') - (s + t->t.start)) + 1;
        db_buf inner = {0};
        if (emit(c, t->body, &inner, changed) < 0 || inner.oom) {
            db_buf_free(&inner);
            return -1;
        }
        char *tagtext = strndup(s + t->t.start, tag);
        int clash = !tagtext || (inner.buf && strstr(inner.buf, tagtext));
        free(tagtext);
        db_buf_addn(b, s + t->t.start, tag);
        db_buf_add(b, inner.buf ? inner.buf : "");
        db_buf_addn(b, s + t->t.start, tag);
        db_buf_free(&inner);
        if (clash)
            return refuse(c, "%s", "a new name would end its $-quoted body");
    }
    db_buf_add(b, s + at);
    return 0;
}

static int apply_rules(rctx *c)
{
    if (c->how->on_name && mark_on(c) < 0)
        return -1;
    for (size_t i = 0; i < c->r->nschemas; i++)
        if (rule_schema(c, &c->r->schemas[i]) < 0)
            return -1;
    for (size_t i = 0; i < c->r->ntables; i++)
        if (rule_table(c, &c->r->tables[i]) < 0)
            return -1;
    if (rule_strings(c) < 0 || rule_sqlite_default(c) < 0)
        return -1;
    return 0;
}

int db_rename_sql(const db_renames *r, const char *sql, const db_rename_text *how, char **out,
                  char *why, size_t whylen)
{
    rctx c = {.r = r, .how = how, .why = why, .whylen = whylen};
    int rc = -1, changed = 0;
    db_buf b = {0};
    *out = NULL;
    if (!sql)
        return 0;
    c.texts[0] = sql;
    c.ntexts = 1;
    if (collect(&c, 0) < 0 || apply_rules(&c) < 0 || emit(&c, 0, &b, &changed) < 0)
        goto done;
    if (b.oom) {
        c.oom = 1;
        goto done;
    }
    if (changed)
        *out = db_buf_take(&b);
    rc = 0;
done:
    db_buf_free(&b);
    for (size_t i = 0; i < c.ntoks; i++) {
        free(c.toks[i].name);
        free(c.toks[i].replace);
    }
    free(c.toks);
    for (size_t i = 0; i < c.ntexts; i++)
        free(c.owned[i]);
    return c.oom ? -2 : rc;
}
