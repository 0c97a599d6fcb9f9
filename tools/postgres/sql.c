/* See pg_sql.h. */
#include "pg_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strlist.h"

/* The file's foreign key actions (docs/FORMAT.md) and PostgreSQL's: the
 * catalog's confdeltype/confupdtype code, the word the file carries, the
 * SQL a target writes. */
static const struct {
    char code;
    const char *name;
    const char *sql;
} fk_actions[] = {
    {'a', "no action", "NO ACTION"},     {'r', "restrict", "RESTRICT"},
    {'c', "cascade", "CASCADE"},         {'n', "set null", "SET NULL"},
    {'d', "set default", "SET DEFAULT"},
};

const char *pg_fk_action_name(char code)
{
    for (size_t i = 0; i < sizeof fk_actions / sizeof *fk_actions; i++)
        if (fk_actions[i].code == code)
            return fk_actions[i].name;
    return "no action";
}

const char *pg_fk_action_sql(const char *name)
{
    for (size_t i = 0; i < sizeof fk_actions / sizeof *fk_actions; i++)
        if (strcasecmp(name, fk_actions[i].name) == 0)
            return fk_actions[i].sql;
    return NULL;
}

char *pg_qualified(const char *ns, const char *name)
{
    db_buf b = {0};
    db_buf_ident(&b, ns ? ns : "public");
    db_buf_add(&b, ".");
    db_buf_ident(&b, name);
    return db_buf_take(&b);
}

char *pg_relation_key(const char *nspname, const char *relname)
{
    if (strcmp(nspname, "public") == 0)
        return fmt_strdup(relname);
    char *key = malloc(strlen(nspname) + strlen(relname) + 2);
    if (key)
        sprintf(key, "%s.%s", nspname, relname);
    return key;
}

/* "CHECK ((price > 0)) NOT VALID" -> "(price > 0)": what is inside the
 * parentheses that follow CHECK. NULL when def is not a CHECK. */
char *pg_check_expression(const char *def)
{
    const char *open, *p;
    int depth = 0;
    char quote = 0;
    if (strncmp(def, "CHECK ", 6) != 0 || !(open = strchr(def, '('))) {
        return NULL;
    }
    for (p = open; *p; p++) {
        if (quote) {
            if (*p == quote) {
                quote = 0;
            }
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            char *out = malloc((size_t)(p - open));
            if (out) {
                memcpy(out, open + 1, (size_t)(p - open - 1));
                out[p - open - 1] = '\0';
            }
            return out;
        }
    }
    return NULL;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A default from another dialect that means the same in PostgreSQL: a
 * number, 'string', NULL, TRUE/FALSE, CURRENT_TIMESTAMP/DATE/TIME, in at
 * most one pair of parentheses. Returns its length (start in *lit) or 0. */
size_t pg_plain_literal(const char *s, const char **lit)
{
    static const char *const words[] = {"NULL",         "TRUE",         "FALSE",
                                        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"};
    const char *p = s, *end;
    int paren = 0;
    while (*p == ' ')
        p++;
    if (*p == '(')
        paren = 1, p++;
    while (*p == ' ')
        p++;
    *lit = p;
    if (*p == '\'') {
        for (end = p + 1;; end++) {
            if (!*end)
                return 0;
            if (*end == '\'' && end[1] == '\'')
                end++;
            else if (*end == '\'')
                break;
        }
        end++;
    } else if (is_digit(*p) || ((*p == '-' || *p == '+') && (is_digit(p[1]) || p[1] == '.')) ||
               (*p == '.' && is_digit(p[1]))) {
        end = p + 1;
        while (is_digit(*end) || *end == '.')
            end++;
        if (*end == 'e' || *end == 'E') {
            end++;
            if (*end == '+' || *end == '-')
                end++;
            if (!is_digit(*end))
                return 0;
            while (is_digit(*end))
                end++;
        }
    } else {
        size_t i, n;
        for (end = p; (*end >= 'a' && *end <= 'z') || (*end >= 'A' && *end <= 'Z') || *end == '_';)
            end++;
        n = (size_t)(end - p);
        for (i = 0; i < sizeof words / sizeof *words; i++)
            if (strlen(words[i]) == n && strncasecmp(p, words[i], n) == 0)
                break;
        if (n == 0 || i == sizeof words / sizeof *words)
            return 0;
    }
    const char *q = end;
    while (*q == ' ')
        q++;
    if (paren && *q++ != ')')
        return 0;
    while (*q == ' ')
        q++;
    return *q ? 0 : (size_t)(end - p);
}

/* For a serial column: the sequence its nextval() default names, with the
 * table's schema added when it has none (search_path is ''). */
char *pg_serial_sequence(const char *def, const char *ns)
{
    const char *p = strstr(def, "nextval('");
    db_buf name = {0}, out = {0};
    int dot = 0, quoted = 0;
    if (!p)
        return NULL;
    for (p += 9; *p; p++) {
        if (*p == '\'' && p[1] == '\'')
            p++;
        else if (*p == '\'')
            break;
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '.' && !quoted)
            dot = 1;
        db_buf_addn(&name, p, 1);
    }
    if (*p != '\'' || !name.buf) {
        db_buf_free(&name);
        return NULL;
    }
    if (!dot) {
        db_buf_ident(&out, ns);
        db_buf_add(&out, ".");
    }
    db_buf_add(&out, name.buf);
    db_buf_free(&name);
    if (out.oom)
        db_buf_free(&out);
    return out.buf;
}

void pg_add_collate(db_buf *b, const char *name, const char *ns)
{
    db_buf_add(b, " COLLATE ");
    if (ns) {
        db_buf_ident(b, ns);
        db_buf_add(b, ".");
    }
    db_buf_ident(b, name);
}
