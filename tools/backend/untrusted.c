/* See untrusted.h. */
#include "untrusted.h"

#include <stdlib.h>
#include <string.h>

/* One token of an index statement, read only to classify it: a word, a
 * quoted identifier or string (quotes doubled inside), or one other
 * character. *p moves past it; the word is copied, upper-cased, into w. */
static char next_token(const char **p, char *w, size_t wlen)
{
    const char *s = *p;
    w[0] = '\0';
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    char c = *s;
    if (!c) {
        *p = s;
        return 0;
    }
    if (c == '"' || c == '\'') {
        for (s++; *s && !(*s == c && s[1] != c); s += *s == c ? 2 : 1)
            ;
        *p = *s ? s + 1 : s;
        return c == '"' ? 'w' : 's';
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        size_t n = 0;
        for (; (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
               *s == '_' || *s == '$' || *s == '.' || *s == '"';
             s++) {
            if (*s == '"') { /* schema."name": skip the quoted part */
                const char *q = s;
                if (next_token(&q, w + n, wlen - n) != 'w')
                    break;
                s = q - 1;
                continue;
            }
            if (n + 1 < wlen)
                w[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
        }
        w[n] = '\0';
        *p = s;
        return 'w';
    }
    *p = s + 1;
    return c;
}

/* Whether an index's own statement builds what its parts rebuild: the
 * default access method (btree; SQLite has no other) and no operator class
 * on any column, only COLLATE, ASC/DESC and NULLS FIRST/LAST. A gin index
 * with gin_trgm_ops, rebuilt as a btree, would be another index: such
 * statements are SQL text, and the index is left out instead. */
static int plain_statement(const char *sql)
{
    char w[64];
    const char *p = sql;
    char t;
    if (!sql)
        return 1;
    while ((t = next_token(&p, w, sizeof w)) && t != '(') {
        if (t != 'w' || strcmp(w, "USING") != 0)
            continue;
        if (next_token(&p, w, sizeof w) != 'w' || strcmp(w, "BTREE") != 0)
            return 0;
    }
    if (t != '(')
        return 0;
    int words = 0; /* of this element, after its column */
    const char *prev = "";
    while ((t = next_token(&p, w, sizeof w)) && t != ')') {
        if (t == ',') {
            words = 0;
            continue;
        }
        if (t != 'w')
            return 0; /* an expression, or what this does not read */
        int ok =
            words == 0 || strcmp(w, "ASC") == 0 || strcmp(w, "DESC") == 0 ||
            strcmp(w, "NULLS") == 0 || strcmp(w, "COLLATE") == 0 ||
            ((strcmp(w, "FIRST") == 0 || strcmp(w, "LAST") == 0) && strcmp(prev, "NULLS") == 0) ||
            strcmp(prev, "COLLATE") == 0;
        if (!ok)
            return 0; /* an operator class */
        prev = strcmp(w, "NULLS") == 0 ? "NULLS" : strcmp(w, "COLLATE") == 0 ? "COLLATE" : "";
        words++;
    }
    return t == ')';
}

static int plain_index(const fmt_index *ix)
{
    if (ix->where || ix->nparts == 0 || !plain_statement(ix->sql))
        return 0;
    for (size_t p = 0; p < ix->nparts; p++)
        if (!ix->parts[p].column)
            return 0;
    return 1;
}

int db_untrusted_table(const fmt_table *t, fmt_table *out, db_untrusted_report *report)
{
    *out = *t;
    out->columns = NULL;
    out->indexes = NULL;
    out->nindexes = 0;
    out->checks = NULL;
    out->nchecks = 0;
    out->partitioning = NULL;
    out->row_security = NULL;
    report->checks += t->nchecks;
    out->exclusions = NULL;
    out->nexclusions = 0;
    report->exclusions += t->nexclusions;
    /* ENABLE/FORCE stay: without its policies a table shows its rows to
     * none but its owner, the safe way to be wrong */
    if (t->row_security) {
        if (!(out->row_security = calloc(1, sizeof *out->row_security)))
            return -1;
        out->row_security->enabled = t->row_security->enabled;
        out->row_security->forced = t->row_security->forced;
        report->policies += t->row_security->npolicies;
    }
    if (t->partitioning)
        report->partitionings++;
    if (t->ncolumns && !(out->columns = calloc(t->ncolumns, sizeof *out->columns)))
        return -1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        fmt_column *c = &out->columns[i];
        *c = t->columns[i];
        if (c->default_sql)
            report->defaults++;
        if (c->generated_sql) {
            report->generated++;
            c->nullable = true; /* files carry no values for it */
        }
        c->default_sql = NULL;
        c->generated_sql = NULL;
    }
    if (t->nindexes && !(out->indexes = calloc(t->nindexes, sizeof *out->indexes))) {
        db_untrusted_table_free(out);
        return -1;
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        if (!plain_index(&t->indexes[i])) {
            report->expression_indexes++;
            continue;
        }
        fmt_index *ix = &out->indexes[out->nindexes++];
        *ix = t->indexes[i];
        ix->sql = NULL; /* rebuilt from its parts: the statement is SQL text */
    }
    return 0;
}

void db_untrusted_table_free(fmt_table *out)
{
    free(out->row_security);
    free(out->columns);
    free(out->indexes);
    memset(out, 0, sizeof *out);
}

int db_untrusted_header(const fmt_header *h, fmt_header *out, db_untrusted_report *report)
{
    *out = *h;
    out->user_types = NULL;
    report->functions += h->nfunctions; /* bodies are code: none is created */
    out->functions = NULL;
    out->nfunctions = 0;
    if (h->nuser_types && !(out->user_types = calloc(h->nuser_types, sizeof *out->user_types)))
        return -1;
    for (size_t i = 0; i < h->nuser_types; i++) {
        fmt_user_type *u = &out->user_types[i];
        *u = h->user_types[i];
        report->domain_expressions += (u->default_sql != NULL) + u->nchecks;
        u->default_sql = NULL;
        u->checks = NULL;
        u->nchecks = 0;
        u->check_names = NULL;
        u->ncheck_names = 0;
    }
    return 0;
}

void db_untrusted_header_free(fmt_header *out)
{
    free(out->user_types);
    memset(out, 0, sizeof *out);
}

void db_untrusted_objects(const fmt_native_object *objects, size_t n, db_untrusted_report *report)
{
    for (size_t i = 0; i < n; i++) {
        if (objects[i].kind == FMT_NATIVE_VIEW)
            report->views++;
        else if (objects[i].kind == FMT_NATIVE_MATERIALIZED_VIEW)
            report->materialized_views++;
        else
            report->triggers++;
    }
}
