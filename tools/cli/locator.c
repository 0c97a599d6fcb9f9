/* Locators: telling a SQLite path from a PostgreSQL connection string, and
 * masking the password in any locator a message echoes. See cli.h. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "sqlbuf.h"

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A libpq key=value string starts with a keyword and '=' (after optional
 * spaces), e.g. "host=/tmp dbname=app" or "dbname = app". */
static int looks_like_conninfo(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *k = s;
    while ((*s >= 'a' && *s <= 'z') || *s == '_')
        s++;
    if (s == k)
        return 0;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '=';
}

cli_locator_kind cli_locator_classify(const char *s, const char **path_out)
{
    if (path_out)
        *path_out = s;
    if (has_prefix(s, "postgres://") || has_prefix(s, "postgresql://"))
        return CLI_LOCATOR_POSTGRESQL;
    if (has_prefix(s, "sqlite:")) {
        if (path_out)
            *path_out = s + strlen("sqlite:");
        return CLI_LOCATOR_SQLITE;
    }
    if (looks_like_conninfo(s))
        return CLI_LOCATOR_POSTGRESQL;
    return CLI_LOCATOR_SQLITE;
}

/* Never edits the text the user typed (a bad %-escape, a percent-encoded
 * key, a newline before password= each fooled an editor that did): libpq
 * parses the locator, and the locator shown is rebuilt from what it found,
 * every secret replaced by "****". A locator libpq cannot parse is shown as
 * its scheme alone. */
static int is_secret(const char *keyword)
{
    return strstr(keyword, "password") != NULL;
}

static void add_conninfo_value(db_buf *b, const char *v)
{
    int plain = *v != '\0';
    for (const char *p = v; *p && plain; p++)
        plain = !(*p == ' ' || *p == '\'' || *p == '\\' || (unsigned char)*p < 0x20);
    if (plain) {
        db_buf_add(b, v);
        return;
    }
    db_buf_addc(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '\'' || *p == '\\')
            db_buf_addc(b, '\\');
        db_buf_addc(b, *p);
    }
    db_buf_addc(b, '\'');
}

static void add_uri_part(db_buf *b, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            db_buf_addc(b, (char)*p);
        } else {
            db_buf_addc(b, '%');
            db_buf_addc(b, hex[*p >> 4]);
            db_buf_addc(b, hex[*p & 15]);
        }
    }
}

static const char *option(const PQconninfoOption *o, const char *keyword)
{
    for (; o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0 && o->val)
            return o->val;
    return NULL;
}

/* postgresql://user:****@host:port/dbname?other=value, from what libpq
 * parsed. A socket directory goes in the query, as libpq reads it. */
static void rebuild_uri(db_buf *b, const char *scheme, size_t scheme_len,
                        const PQconninfoOption *opts)
{
    const char *user = option(opts, "user"), *host = option(opts, "host");
    const char *port = option(opts, "port"), *dbname = option(opts, "dbname");
    int host_in_query = host && (strchr(host, '/') || strchr(host, ','));
    db_buf_addn(b, scheme, scheme_len);
    if (user || option(opts, "password")) {
        if (user)
            add_uri_part(b, user);
        if (option(opts, "password"))
            db_buf_add(b, ":****");
        db_buf_addc(b, '@');
    }
    if (host && !host_in_query)
        add_uri_part(b, host);
    if (port && !host_in_query) {
        db_buf_addc(b, ':');
        add_uri_part(b, port);
    }
    db_buf_addc(b, '/');
    if (dbname)
        add_uri_part(b, dbname);
    char sep = '?';
    for (const PQconninfoOption *o = opts; o->keyword; o++) {
        const char *k = o->keyword;
        if (!o->val || strcmp(k, "user") == 0 || strcmp(k, "password") == 0 ||
            strcmp(k, "dbname") == 0 ||
            ((strcmp(k, "host") == 0 || strcmp(k, "port") == 0) && !host_in_query))
            continue;
        db_buf_addc(b, sep);
        sep = '&';
        add_uri_part(b, k);
        db_buf_addc(b, '=');
        if (is_secret(k))
            db_buf_add(b, "****");
        else
            add_uri_part(b, o->val);
    }
}

static void rebuild_conninfo(db_buf *b, const PQconninfoOption *opts)
{
    const char *sep = "";
    for (const PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        db_buf_add(b, sep);
        sep = " ";
        db_buf_add(b, o->keyword);
        db_buf_addc(b, '=');
        if (is_secret(o->keyword))
            db_buf_add(b, "****");
        else
            add_conninfo_value(b, o->val);
    }
}

char *cli_locator_mask(const char *s)
{
    if (!s)
        return NULL;
    if (cli_locator_classify(s, NULL) != CLI_LOCATOR_POSTGRESQL)
        return strdup(s);
    size_t scheme_len = 0;
    if (has_prefix(s, "postgresql://"))
        scheme_len = strlen("postgresql://");
    else if (has_prefix(s, "postgres://"))
        scheme_len = strlen("postgres://");
    char *error = NULL;
    PQconninfoOption *opts = PQconninfoParse(s, &error);
    PQfreemem(error); /* it may quote the password */
    db_buf b = {0};
    if (!opts) {
        db_buf_addn(&b, s, scheme_len);
        db_buf_add(&b, scheme_len ? "****" : "****=****");
        return db_buf_take(&b);
    }
    if (scheme_len)
        rebuild_uri(&b, s, scheme_len, opts);
    else
        rebuild_conninfo(&b, opts);
    PQconninfoFree(opts);
    return db_buf_take(&b);
}
