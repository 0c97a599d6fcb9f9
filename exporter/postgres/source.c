/* The PostgreSQL source: one connection, one REPEATABLE READ, READ ONLY
 * transaction (so every query and every COPY sees the same snapshot), and
 * session settings that make the server's text output exact and stable.
 * The catalogs describe the tables with the format's table model; rows
 * stream through COPY ... TO STDOUT in text form, one row per call
 * (tools/postgres copy_decode.c turns the text into values).
 *
 * Ownership, as for the SQLite source: the tables and native objects handed
 * out belong to the caller; warning lines and header contents are copied
 * out or stay with the state until close(). open() sets *state even when it
 * fails, so that errmsg() can tell why; close() must be called either way.
 * Nothing here ever writes to the source. */
#include "source.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "cli.h"
#include "pg_copy_decode.h"
#include "pg_sql.h"
#include "pg_types.h"
#include "pg_source.h"
#include "select.h"
#include "strlist.h"

#define MAX_TYPE_DEPTH 16 /* domains over domains over arrays ... */

typedef struct {
    char *oid; /* as text: the form queries take it in */
    char *nspname;
    char *relname;
    char *key; /* the document's key: relname, or "nspname.relname" */
    char relkind;
    char persistence;
    bool rls;
    bool grants;
    bool inherits;
    bool comments;
} table_entry;

typedef struct {
    unsigned oid;
    char typtype; /* 'b' base, 'd' domain, 'e' enum, ... */
    char *nspname;
    char *typname;
    char *extname; /* the extension the type belongs to, or NULL */
    unsigned element;
    int typlen;
    unsigned basetype;
    int32_t basetypmod;
} type_info;

typedef struct {
    PGconn *conn;
    char *masked;           /* the locator with its password masked, for messages */
    char *password;         /* to scrub from server messages, or NULL */
    db_selection selection; /* -t/-T/-n/-N */
    char errmsg[1024];
    char *server_version;
    char *database;

    bool schema_read;    /* the tables were listed once: warnings, types, selected */
    bool objects_listed; /* native_objects ran once: its warnings are there */
    bool quiet;          /* a second listing: its warnings are already there */
    fmt_table **cached;  /* the first listing, until tables() takes it */
    size_t ncached;
    char **selected_oids; /* the exported tables, as text oids */
    char **selected_keys;
    size_t nselected;
    char **warnings;
    size_t nwarnings;
    char **extensions; /* sorted */
    size_t nextensions;
    fmt_user_type *user_types; /* in an order in which they can be created */
    unsigned *user_type_oids;
    size_t nuser_types;
    type_info *types; /* cache of pg_type rows */
    size_t ntypes;

    bool copying; /* inside COPY OUT */
    char *copy_line;
    char *rows_table;
    char **rows_names;
    fmt_type *rows_types;
    bool *rows_generated;
    size_t rows_ncolumns;
    size_t *rows_offsets; /* per column: where its bytes start */
    int *rows_where;      /* per column: 0 none, 1 in text, 2 in converted */
    db_buf text;          /* the row's fields, unescaped */
    db_buf converted;     /* blobs and JSON made from them */
} pg_src;

/* ---- messages ---------------------------------------------------------- */

/* Replaces every occurrence of the password in buf (in place). */
static void scrub_password(const pg_src *s, char *buf)
{
    size_t plen;
    char *hit;
    if (!s->password || (plen = strlen(s->password)) < 3) {
        return; /* a tiny password would mask half of any message */
    }
    while ((hit = strstr(buf, s->password)) != NULL) {
        size_t rest = strlen(hit + plen);
        memmove(hit + 4, hit + plen, rest + 1);
        memcpy(hit, "****", 4);
        buf = hit + 4;
    }
}

static int fail(pg_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(pg_src *s, const char *fmt, ...)
{
    va_list ap;
    char buf[sizeof s->errmsg];
    size_t n;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        buf[--n] = '\0'; /* libpq's messages end in a newline */
    }
    /* Room for "****" replacing a shorter password: scrub in a larger copy. */
    {
        char scrubbed[sizeof buf * 2];
        memcpy(scrubbed, buf, n + 1);
        scrub_password(s, scrubbed);
        n = strlen(scrubbed);
        if (n >= sizeof s->errmsg) {
            n = sizeof s->errmsg - 1;
        }
        memcpy(s->errmsg, scrubbed, n);
        s->errmsg[n] = '\0';
    }
    return -1;
}

static const char *server_message(const pg_src *s)
{
    const char *m = s->conn ? PQerrorMessage(s->conn) : "no connection";
    return m && *m ? m : "unknown error";
}

static int add_warning(pg_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_warning(pg_src *s, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *line, **grown;
    if (s->quiet) {
        return 0;
    }
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        return fail(s, "cannot format a warning");
    }
    line = malloc((size_t)len + 1);
    grown = line ? realloc(s->warnings, (s->nwarnings + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(line);
        return fail(s, "out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(line, (size_t)len + 1, fmt, ap);
    va_end(ap);
    grown[s->nwarnings++] = line;
    s->warnings = grown;
    return 0;
}

/* ---- small helpers ----------------------------------------------------- */

static bool schema_selected(const pg_src *s, const char *nspname)
{
    return db_selection_schema(&s->selection, nspname);
}

static bool table_selected(const pg_src *s, const char *nspname, const char *relname)
{
    return db_selection_table(&s->selection, nspname, relname);
}

static char *namespace_of(const char *nspname)
{
    return strcmp(nspname, "public") == 0 ? NULL : fmt_strdup(nspname);
}

/* Runs a catalog query with up to two text parameters; NULL on error. */
static PGresult *query(pg_src *s, const char *sql, const char *p1, const char *p2)
{
    const char *params[2] = {p1, p2};
    int nparams = p2 ? 2 : p1 ? 1 : 0;
    PGresult *res = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        fail(s, "catalog query failed: %s", res ? PQresultErrorMessage(res) : server_message(s));
        PQclear(res);
        return NULL;
    }
    return res;
}

static const char *val(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static char *dup_val(const PGresult *res, int row, int col)
{
    return fmt_strdup(val(res, row, col));
}

static bool bool_val(const PGresult *res, int row, int col)
{
    const char *v = val(res, row, col);
    return v && v[0] == 't';
}

/* db_buf appends with the sticky oom flag read back, for the || chains
 * below. */
static int append_ident(db_buf *b, const char *name)
{
    db_buf_ident(b, name);
    return b->oom ? -1 : 0;
}

static int append_text(db_buf *b, const char *text)
{
    db_buf_add(b, text);
    return b->oom ? -1 : 0;
}

static int append_bytes(db_buf *b, const void *bytes, size_t n)
{
    db_buf_addn(b, bytes, n);
    return b->oom ? -1 : 0;
}

/* ---- types ------------------------------------------------------------- */

static const type_info *lookup_type(pg_src *s, unsigned oid)
{
    static const char sql[] =
        "SELECT t.typtype, n.nspname, t.typname, t.typelem, t.typlen, t.typbasetype, "
        "t.typtypmod, (SELECT e.extname FROM pg_catalog.pg_depend d "
        "JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid "
        "WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid "
        "AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass "
        "AND d.deptype = 'e' LIMIT 1) "
        "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.oid = $1";
    char oidtext[16];
    PGresult *res;
    type_info *grown, *t;
    bool ext_missing;
    size_t i;
    for (i = 0; i < s->ntypes; i++) {
        if (s->types[i].oid == oid) {
            return &s->types[i];
        }
    }
    snprintf(oidtext, sizeof oidtext, "%u", oid);
    if (!(res = query(s, sql, oidtext, NULL))) {
        return NULL;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        fail(s, "type %u not found", oid);
        return NULL;
    }
    grown = realloc(s->types, (s->ntypes + 1) * sizeof *grown);
    if (!grown) {
        PQclear(res);
        fail(s, "out of memory");
        return NULL;
    }
    s->types = grown;
    t = &grown[s->ntypes];
    memset(t, 0, sizeof *t);
    t->oid = oid;
    t->typtype = PQgetvalue(res, 0, 0)[0];
    t->nspname = dup_val(res, 0, 1);
    t->typname = dup_val(res, 0, 2);
    t->element = (unsigned)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
    t->typlen = atoi(PQgetvalue(res, 0, 4));
    t->basetype = (unsigned)strtoul(PQgetvalue(res, 0, 5), NULL, 10);
    t->basetypmod = (int32_t)atol(PQgetvalue(res, 0, 6));
    t->extname = dup_val(res, 0, 7);
    ext_missing = !PQgetisnull(res, 0, 7) && !t->extname;
    PQclear(res);
    if (!t->nspname || !t->typname || ext_missing) {
        free(t->nspname);
        free(t->typname);
        free(t->extname);
        fail(s, "out of memory");
        return NULL;
    }
    s->ntypes++;
    return t;
}

static int note_extension(pg_src *s, const char *name)
{
    size_t i, at;
    char **grown;
    for (at = 0; at < s->nextensions; at++) {
        int c = strcmp(s->extensions[at], name);
        if (c == 0) {
            return 0;
        }
        if (c > 0) {
            break;
        }
    }
    grown = realloc(s->extensions, (s->nextensions + 1) * sizeof *grown);
    if (!grown) {
        return fail(s, "out of memory");
    }
    s->extensions = grown;
    for (i = s->nextensions; i > at; i--) {
        grown[i] = grown[i - 1];
    }
    if (!(grown[at] = fmt_strdup(name))) {
        return fail(s, "out of memory");
    }
    s->nextensions++;
    return 0;
}

/* Adds the enum or domain t to the header's user types (its own
 * dependencies were added first by the caller's recursion). */
static int note_user_type(pg_src *s, const type_info *t)
{
    static const char labels_sql[] = "SELECT enumlabel FROM pg_catalog.pg_enum "
                                     "WHERE enumtypid = $1 ORDER BY enumsortorder";
    static const char domain_sql[] =
        "SELECT pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault "
        "FROM pg_catalog.pg_type t WHERE t.oid = $1";
    static const char checks_sql[] =
        "SELECT pg_catalog.pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c "
        "WHERE c.contypid = $1 AND c.contype = 'c' ORDER BY c.conname COLLATE \"C\"";
    char oidtext[16];
    PGresult *res = NULL;
    fmt_user_type *grown, *u;
    unsigned *oids;
    size_t i;
    int r, rc = 0;
    if (s->quiet) {
        return 0;
    }
    for (i = 0; i < s->nuser_types; i++) {
        if (s->user_type_oids[i] == t->oid) {
            return 0;
        }
    }
    grown = realloc(s->user_types, (s->nuser_types + 1) * sizeof *grown);
    if (grown) {
        s->user_types = grown;
    }
    oids = grown ? realloc(s->user_type_oids, (s->nuser_types + 1) * sizeof *oids) : NULL;
    if (!oids) {
        return fail(s, "out of memory");
    }
    s->user_type_oids = oids;
    u = &s->user_types[s->nuser_types];
    memset(u, 0, sizeof *u);
    oids[s->nuser_types++] = t->oid;
    u->kind = t->typtype == 'e' ? FMT_USER_TYPE_ENUM : FMT_USER_TYPE_DOMAIN;
    u->name = fmt_strdup(t->typname);
    u->namespace = namespace_of(t->nspname);
    if (!u->name || (strcmp(t->nspname, "public") != 0 && !u->namespace)) {
        return fail(s, "out of memory");
    }
    snprintf(oidtext, sizeof oidtext, "%u", t->oid);
    if (u->kind == FMT_USER_TYPE_ENUM) {
        if (!(res = query(s, labels_sql, oidtext, NULL))) {
            return -1;
        }
        for (r = 0; r < PQntuples(res); r++) {
            if (fmt_strings_push(&u->labels, &u->nlabels, dup_val(res, r, 0)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        goto done;
    }
    if (!(res = query(s, domain_sql, oidtext, NULL))) {
        return -1;
    }
    u->base_type = dup_val(res, 0, 0);
    u->not_null = bool_val(res, 0, 1);
    u->default_sql = dup_val(res, 0, 2);
    if (!u->base_type || (!PQgetisnull(res, 0, 2) && !u->default_sql)) {
        rc = fail(s, "out of memory");
        goto done;
    }
    PQclear(res);
    if (!(res = query(s, checks_sql, oidtext, NULL))) {
        return -1;
    }
    for (r = 0; r < PQntuples(res); r++) {
        char *expression = pg_check_expression(PQgetvalue(res, r, 0));
        if (!expression) {
            expression = fmt_strdup(PQgetvalue(res, r, 0)); /* not a CHECK: as is */
        }
        if (fmt_strings_push(&u->checks, &u->nchecks, expression) < 0) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
done:
    PQclear(res);
    return rc;
}

/* The portable type of values of type oid with typmod: built-in and
 * pgvector types by type_map; an enum is text; a domain has its base
 * type's; an array of a type with a portable type (not any, native) is
 * array(T); anything else is native. Notes the extensions and user types
 * it needs on the way, dependencies first. */
static int map_type(pg_src *s, fmt_type *out, unsigned oid, int32_t typmod, int depth)
{
    const type_info *t;
    size_t i;
    out->kind = FMT_TYPE_NATIVE;
    out->param1 = out->param2 = -1;
    out->element = FMT_TYPE_NATIVE;
    if (depth > MAX_TYPE_DEPTH) {
        return 0;
    }
    if (!(t = lookup_type(s, oid))) {
        return -1;
    }
    if (t->extname && note_extension(s, t->extname) < 0) {
        return -1;
    }
    switch (t->typtype) {
    case 'e':
        out->kind = FMT_TYPE_TEXT;
        return note_user_type(s, t);
    case 'd': {
        unsigned base = t->basetype;
        int32_t basetypmod = t->basetypmod;
        /* t may move when the cache grows: look it up again after. */
        if (map_type(s, out, base, basetypmod, depth + 1) < 0) {
            return -1;
        }
        for (i = 0; i < s->ntypes; i++) {
            if (s->types[i].oid == oid) {
                return note_user_type(s, &s->types[i]);
            }
        }
        return 0;
    }
    case 'b':
        break;
    default:
        return 0; /* composite, range, multirange, pseudo: native */
    }
    if (t->element != 0 && t->typlen == -1) {
        fmt_type element;
        if (map_type(s, &element, t->element, typmod, depth + 1) < 0) {
            return -1;
        }
        if (element.kind != FMT_TYPE_ANY && element.kind != FMT_TYPE_NATIVE &&
            element.kind != FMT_TYPE_ARRAY) {
            out->kind = FMT_TYPE_ARRAY;
            out->element = element.kind;
            out->param1 = element.param1;
            out->param2 = element.param2;
        }
        return 0;
    }
    pg_type_builtin(out, t->nspname, t->typname, t->extname, typmod);
    return 0;
}

/* ---- tables ------------------------------------------------------------ */

static void free_entries(table_entry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(e[i].oid);
        free(e[i].nspname);
        free(e[i].relname);
        free(e[i].key);
    }
    free(e);
}

static void free_tables(fmt_table **tables, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        fmt_table_free(tables[i]);
    }
    free(tables);
}

/* The relations of user schemas that are not part of an extension. */
#define USER_RELATION                                                                              \
    "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "                           \
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "                                        \
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "            \
    "AND d.deptype = 'e') "

#define KEY_ORDER                                                                                  \
    "ORDER BY CASE WHEN n.nspname = 'public' THEN c.relname::pg_catalog.text "                     \
    "ELSE n.nspname || '.' || c.relname END COLLATE \"C\""

static int list_tables(pg_src *s, table_entry **out, size_t *nout)
{
    static const char sql[] =
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
        "c.relrowsecurity OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p "
        "WHERE p.polrelid = c.oid), "
        "c.relacl IS NOT NULL, "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid), "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_description d WHERE d.objoid = c.oid "
        "AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND " USER_RELATION KEY_ORDER;
    PGresult *res = query(s, sql, NULL, NULL);
    table_entry *list = NULL;
    size_t n = 0;
    int r, rc = 0;
    *out = NULL;
    *nout = 0;
    if (!res) {
        return -1;
    }
    list = calloc((size_t)PQntuples(res) + 1, sizeof *list);
    if (!list) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        table_entry *e = &list[n];
        if (!table_selected(s, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2))) {
            continue;
        }
        n++;
        e->oid = dup_val(res, r, 0);
        e->nspname = dup_val(res, r, 1);
        e->relname = dup_val(res, r, 2);
        e->key = e->nspname && e->relname ? pg_relation_key(e->nspname, e->relname) : NULL;
        e->relkind = PQgetvalue(res, r, 3)[0];
        e->persistence = PQgetvalue(res, r, 4)[0];
        e->rls = bool_val(res, r, 5);
        e->grants = bool_val(res, r, 6);
        e->inherits = bool_val(res, r, 7);
        e->comments = bool_val(res, r, 8);
        if (!e->oid || !e->key) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
    *out = list;
    *nout = n;
    list = NULL;
    n = 0;
done:
    free_entries(list, n);
    PQclear(res);
    return rc;
}

static int read_sequence(pg_src *s, fmt_column *c, const char *nspname, const char *relname)
{
    db_buf sql = {0};
    PGresult *res = NULL;
    int rc = 0;
    if (append_text(&sql, "SELECT last_value, is_called FROM ") < 0 ||
        append_ident(&sql, nspname) < 0 || append_text(&sql, ".") < 0 ||
        append_ident(&sql, relname) < 0) {
        rc = fail(s, "out of memory");
        goto done;
    }
    if (!(res = query(s, sql.buf, NULL, NULL))) {
        rc = -1;
        goto done;
    }
    if (PQntuples(res) == 1 && bool_val(res, 0, 1)) {
        c->has_last_value = true;
        c->last_value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    }
done:
    PQclear(res);
    db_buf_free(&sql);
    return rc;
}

static int load_columns(pg_src *s, const table_entry *e, fmt_table *t)
{
    static const char sql[] =
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, "
        "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
        "CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) "
        "ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
        "END END, "
        "seq.nspname, seq.relname, seq.deptype, a.atttypid, a.atttypmod, "
        "pg_catalog.col_description(a.attrelid, a.attnum) IS NOT NULL "
        "FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
        "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
        "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
        "LEFT JOIN LATERAL (SELECT sn.nspname, sc.relname, d.deptype "
        "FROM pg_catalog.pg_depend d "
        "JOIN pg_catalog.pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S' "
        "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
        "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
        "AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
        "AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype IN ('a', 'i') "
        "ORDER BY d.deptype DESC LIMIT 1) seq ON true "
        "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    PGresult *res = query(s, sql, e->oid, NULL);
    int r, rc = 0;
    bool comments = false;
    if (!res) {
        return -1;
    }
    t->columns = calloc((size_t)PQntuples(res) + 1, sizeof *t->columns);
    if (!t->columns) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_column *c = &t->columns[t->ncolumns++];
        const char *def = val(res, r, 3), *identity = PQgetvalue(res, r, 4);
        const char *generated = PQgetvalue(res, r, 5), *seq_kind = val(res, r, 9);
        char text[FMT_TYPE_BUFSZ];
        c->name = dup_val(res, r, 0);
        c->native_type = dup_val(res, r, 1);
        c->nullable = !bool_val(res, r, 2);
        c->collation = dup_val(res, r, 6);
        if (map_type(s, &c->type, (unsigned)strtoul(PQgetvalue(res, r, 10), NULL, 10),
                     (int32_t)atol(PQgetvalue(res, r, 11)), 0) < 0) {
            rc = -1;
            goto done;
        }
        fmt_type_format(text, &c->type);
        c->type_text = fmt_strdup(text);
        if (generated[0] == 's') {
            c->generated_sql = fmt_strdup(def);
            c->generated_stored = true;
        } else if (identity[0] == 'a' || identity[0] == 'd') {
            c->identity = identity[0] == 'a' ? FMT_IDENTITY_ALWAYS : FMT_IDENTITY_BY_DEFAULT;
        } else {
            c->default_sql = fmt_strdup(def);
            if (def && seq_kind && seq_kind[0] == 'a' && strncmp(def, "nextval(", 8) == 0) {
                c->identity = FMT_IDENTITY_SERIAL;
            }
        }
        if (!c->name || !c->native_type || !c->type_text ||
            (!PQgetisnull(res, r, 6) && !c->collation) ||
            (def && !c->default_sql && !c->generated_sql && identity[0] == '\0')) {
            rc = fail(s, "out of memory");
            goto done;
        }
        if (c->identity != FMT_IDENTITY_NONE && seq_kind &&
            read_sequence(s, c, PQgetvalue(res, r, 7), PQgetvalue(res, r, 8)) < 0) {
            rc = -1;
            goto done;
        }
        comments = comments || bool_val(res, r, 12);
    }
    if (comments && add_warning(s, "table \"%s\": column comments are not carried", e->key) < 0) {
        rc = -1;
    }
done:
    PQclear(res);
    return rc;
}

static int fill_key(fmt_key *k, const char *name, const char *columns)
{
    k->name = fmt_strdup(name);
    return !k->name || pg_decode_array_strings(&k->columns, &k->ncolumns, columns) < 0 ? -1 : 0;
}

static int load_constraints(pg_src *s, const table_entry *e, fmt_table *t)
{
    static const char sql[] =
        "SELECT c.conname, c.contype, "
        "ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(n, o) "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
        "ORDER BY k.o), "
        "ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(n, o) "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
        "ORDER BY k.o), "
        "rn.nspname, r.relname, c.confdeltype, c.confupdtype, c.condeferrable, c.condeferred, "
        "pg_catalog.pg_get_constraintdef(c.oid) "
        "FROM pg_catalog.pg_constraint c "
        "LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid "
        "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "
        "WHERE c.conrelid = $1 AND c.conparentid = 0 AND c.contype IN ('p', 'u', 'c', 'f', 'x') "
        "ORDER BY c.conname COLLATE \"C\"";
    PGresult *res = query(s, sql, e->oid, NULL);
    size_t n;
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    n = (size_t)PQntuples(res) + 1;
    t->uniques = calloc(n, sizeof *t->uniques);
    t->checks = calloc(n, sizeof *t->checks);
    t->foreign_keys = calloc(n, sizeof *t->foreign_keys);
    if (!t->uniques || !t->checks || !t->foreign_keys) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        const char *name = PQgetvalue(res, r, 0);
        switch (PQgetvalue(res, r, 1)[0]) {
        case 'p':
            if (!(t->primary_key = calloc(1, sizeof *t->primary_key)) ||
                fill_key(t->primary_key, name, PQgetvalue(res, r, 2)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
            break;
        case 'u':
            if (fill_key(&t->uniques[t->nuniques++], name, PQgetvalue(res, r, 2)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
            break;
        case 'c': {
            fmt_check *c = &t->checks[t->nchecks++];
            c->name = fmt_strdup(name);
            c->expression = pg_check_expression(PQgetvalue(res, r, 10));
            if (!c->name || !c->expression) {
                rc = fail(s, "out of memory");
                goto done;
            }
            break;
        }
        case 'f': {
            fmt_foreign_key *fk = &t->foreign_keys[t->nforeign_keys++];
            fk->name = fmt_strdup(name);
            fk->ref_table = dup_val(res, r, 5);
            fk->ref_namespace = namespace_of(PQgetvalue(res, r, 4));
            fk->on_delete = fmt_strdup(pg_fk_action_name(PQgetvalue(res, r, 6)[0]));
            fk->on_update = fmt_strdup(pg_fk_action_name(PQgetvalue(res, r, 7)[0]));
            fk->deferrable = bool_val(res, r, 8);
            fk->initially_deferred = bool_val(res, r, 9);
            if (!fk->name || !fk->ref_table || !fk->on_delete || !fk->on_update ||
                (strcmp(PQgetvalue(res, r, 4), "public") != 0 && !fk->ref_namespace) ||
                pg_decode_array_strings(&fk->columns, &fk->ncolumns, PQgetvalue(res, r, 2)) < 0 ||
                pg_decode_array_strings(&fk->ref_columns, &fk->nref_columns,
                                        PQgetvalue(res, r, 3)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
            break;
        }
        default:
            if (add_warning(s, "table \"%s\": exclusion constraint \"%s\" is not carried", e->key,
                            name) < 0) {
                rc = -1;
                goto done;
            }
            break;
        }
    }
done:
    PQclear(res);
    return rc;
}

static int load_index_parts(pg_src *s, const char *index_oid, fmt_index *ix)
{
    static const char sql[] =
        "SELECT a.attname, pg_catalog.pg_get_indexdef(i.indexrelid, g.n, true), "
        "(i.indoption[g.n - 1] & 1) <> 0, "
        "CASE WHEN i.indcollation[g.n - 1] NOT IN (0, 100) "
        "AND i.indcollation[g.n - 1] IS DISTINCT FROM a.attcollation THEN "
        "CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) "
        "ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
        "END END "
        "FROM pg_catalog.pg_index i CROSS JOIN pg_catalog.generate_series(1, i.indnkeyatts) g(n) "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = i.indkey[g.n - 1] AND i.indkey[g.n - 1] <> 0 "
        "LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[g.n - 1] "
        "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
        "WHERE i.indexrelid = $1 ORDER BY g.n";
    PGresult *res = query(s, sql, index_oid, NULL);
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    ix->parts = calloc((size_t)PQntuples(res) + 1, sizeof *ix->parts);
    if (!ix->parts) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_index_part *p = &ix->parts[ix->nparts++];
        if (!PQgetisnull(res, r, 0)) {
            p->column = dup_val(res, r, 0);
        } else {
            p->expression = dup_val(res, r, 1);
        }
        p->descending = bool_val(res, r, 2);
        p->collation = dup_val(res, r, 3);
        if ((!p->column && !p->expression) || (!PQgetisnull(res, r, 3) && !p->collation)) {
            rc = fail(s, "out of memory");
            goto done;
        }
    }
done:
    PQclear(res);
    return rc;
}

static int load_indexes(pg_src *s, const table_entry *e, fmt_table *t)
{
    static const char sql[] =
        "SELECT i.indexrelid, ic.relname, i.indisunique, "
        "pg_catalog.pg_get_expr(i.indpred, i.indrelid), pg_catalog.pg_get_indexdef(i.indexrelid) "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
        "WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "AND c.contype IN ('p', 'u', 'x')) "
        /* a partition's index attached to its parent's: the parent's recreates it */
        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) "
        "ORDER BY ic.relname COLLATE \"C\"";
    PGresult *res = query(s, sql, e->oid, NULL);
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    t->indexes = calloc((size_t)PQntuples(res) + 1, sizeof *t->indexes);
    if (!t->indexes) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_index *ix = &t->indexes[t->nindexes++];
        ix->name = dup_val(res, r, 1);
        ix->unique = bool_val(res, r, 2);
        ix->where = dup_val(res, r, 3);
        ix->sql = dup_val(res, r, 4);
        if (!ix->name || !ix->sql || (!PQgetisnull(res, r, 3) && !ix->where)) {
            rc = fail(s, "out of memory");
            goto done;
        }
        if (load_index_parts(s, PQgetvalue(res, r, 0), ix) < 0) {
            rc = -1;
            goto done;
        }
    }
done:
    PQclear(res);
    return rc;
}

/* A partition's own foreign keys and indexes (pagila declares them per
 * partition). Its own keys and checks, rare, are reported, not carried. */
static int load_partition_objects(pg_src *s, const table_entry *parent, fmt_partition *part,
                                  const char *oid, const char *nspname)
{
    table_entry pe = {0};
    fmt_table *tmp = calloc(1, sizeof *tmp);
    int rc = 0;
    pe.oid = (char *)oid;
    pe.nspname = (char *)nspname;
    pe.relname = part->name;
    pe.key = pg_relation_key(nspname, part->name);
    if (!pe.key || !tmp) {
        rc = fail(s, "out of memory");
        goto done;
    }
    if (load_constraints(s, &pe, tmp) < 0 || load_indexes(s, &pe, tmp) < 0) {
        rc = -1;
        goto done;
    }
    part->foreign_keys = tmp->foreign_keys;
    part->nforeign_keys = tmp->nforeign_keys;
    part->indexes = tmp->indexes;
    part->nindexes = tmp->nindexes;
    tmp->foreign_keys = NULL;
    tmp->indexes = NULL;
    tmp->nforeign_keys = tmp->nindexes = 0;
    if ((tmp->primary_key || tmp->nuniques || tmp->nchecks) &&
        add_warning(s,
                    "table \"%s\": partition \"%s\" has its own primary key, unique or check "
                    "constraints, which are not carried",
                    parent->key, pe.key) < 0)
        rc = -1;
done:
    fmt_table_free(tmp); /* what the partition did not take */
    free(pe.key);
    return rc;
}

static int load_partitioning(pg_src *s, const table_entry *e, fmt_table *t)
{
    static const char key_sql[] = "SELECT p.partstrat, pg_catalog.pg_get_partkeydef(p.partrelid) "
                                  "FROM pg_catalog.pg_partitioned_table p WHERE p.partrelid = $1";
    static const char parts_sql[] =
        "SELECT n.nspname, c.relname, pg_catalog.pg_get_expr(c.relpartbound, c.oid), c.relkind, "
        "c.oid "
        "FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE i.inhparent = $1 AND c.relispartition " KEY_ORDER;
    PGresult *res = query(s, key_sql, e->oid, NULL);
    fmt_partitioning *p;
    const char *def, *open, *close;
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        return fail(s, "table \"%s\": no partition key", e->key);
    }
    if (!(p = t->partitioning = calloc(1, sizeof *p))) {
        rc = fail(s, "out of memory");
        goto done;
    }
    switch (PQgetvalue(res, 0, 0)[0]) {
    case 'r':
        p->strategy = fmt_strdup("range");
        break;
    case 'l':
        p->strategy = fmt_strdup("list");
        break;
    default:
        p->strategy = fmt_strdup("hash");
        break;
    }
    /* "RANGE (created, lower(name))" -> what is inside the parentheses */
    def = PQgetvalue(res, 0, 1);
    open = strchr(def, '(');
    close = strrchr(def, ')');
    if (open && close && close > open) {
        p->key = malloc((size_t)(close - open));
        if (p->key) {
            memcpy(p->key, open + 1, (size_t)(close - open - 1));
            p->key[close - open - 1] = '\0';
        }
    } else {
        p->key = fmt_strdup(def);
    }
    if (!p->strategy || !p->key) {
        rc = fail(s, "out of memory");
        goto done;
    }
    PQclear(res);
    if (!(res = query(s, parts_sql, e->oid, NULL))) {
        return -1;
    }
    p->partitions = calloc((size_t)PQntuples(res) + 1, sizeof *p->partitions);
    if (!p->partitions) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_partition *part = &p->partitions[p->npartitions++];
        part->name = dup_val(res, r, 1);
        part->namespace = namespace_of(PQgetvalue(res, r, 0));
        part->bound = dup_val(res, r, 2);
        if (!part->name || !part->bound ||
            (strcmp(PQgetvalue(res, r, 0), "public") != 0 && !part->namespace)) {
            rc = fail(s, "out of memory");
            goto done;
        }
        if (load_partition_objects(s, e, part, PQgetvalue(res, r, 4), PQgetvalue(res, r, 0)) < 0) {
            rc = -1;
            goto done;
        }
        if (PQgetvalue(res, r, 3)[0] == 'p') {
            char *key = pg_relation_key(PQgetvalue(res, r, 0), part->name);
            rc = key ? add_warning(s,
                                   "table \"%s\": sub-partitions of \"%s\" are not carried "
                                   "(carried as a plain partition)",
                                   e->key, key)
                     : fail(s, "out of memory");
            free(key);
            if (rc < 0) {
                goto done;
            }
        }
    }
done:
    PQclear(res);
    return rc;
}

static int table_warnings(pg_src *s, const table_entry *e)
{
    if (e->rls && add_warning(s,
                              "table \"%s\": row-level security and its policies are not "
                              "carried",
                              e->key) < 0) {
        return -1;
    }
    if (e->inherits && add_warning(s,
                                   "table \"%s\": inheritance is not carried (carried as a "
                                   "plain table)",
                                   e->key) < 0) {
        return -1;
    }
    if (e->persistence == 'u' &&
        add_warning(s, "table \"%s\": unlogged, carried as an ordinary table", e->key) < 0) {
        return -1;
    }
    if (e->comments && add_warning(s, "table \"%s\": its comment is not carried", e->key) < 0) {
        return -1;
    }
    if (e->grants && add_warning(s, "table \"%s\": grants are not carried", e->key) < 0) {
        return -1;
    }
    return 0;
}

static int load_table(pg_src *s, const table_entry *e, fmt_table **out)
{
    fmt_table *t = calloc(1, sizeof *t);
    int rc = 0;
    *out = NULL;
    if (!t) {
        return fail(s, "out of memory");
    }
    t->name = fmt_strdup(e->relname);
    t->namespace = namespace_of(e->nspname);
    if (!t->name || (strcmp(e->nspname, "public") != 0 && !t->namespace)) {
        rc = fail(s, "out of memory");
        goto done;
    }
    if (table_warnings(s, e) < 0 || load_columns(s, e, t) < 0 || load_constraints(s, e, t) < 0 ||
        load_indexes(s, e, t) < 0 || (e->relkind == 'p' && load_partitioning(s, e, t) < 0)) {
        rc = -1;
        goto done;
    }
    *out = t;
    t = NULL;
done:
    fmt_table_free(t);
    return rc;
}

/* Reads every selected table into a new list. The first time it also
 * collects the warnings, the header's types and extensions, and the
 * selected tables. */
static int load_tables(pg_src *s, fmt_table ***out, size_t *nout)
{
    table_entry *entries = NULL;
    fmt_table **tables = NULL;
    size_t n = 0, i, ntables = 0;
    int rc = 0;
    *out = NULL;
    *nout = 0;
    s->quiet = s->schema_read;
    if (list_tables(s, &entries, &n) < 0) {
        rc = -1;
        goto done;
    }
    tables = calloc(n + 1, sizeof *tables);
    if (!tables) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (load_table(s, &entries[i], &tables[ntables]) < 0) {
            rc = -1;
            goto done;
        }
        ntables++;
    }
    if (!s->schema_read) {
        for (i = 0; i < n; i++) {
            size_t k = s->nselected;
            if (fmt_strings_push(&s->selected_oids, &k, fmt_strdup(entries[i].oid)) < 0 ||
                fmt_strings_push(&s->selected_keys, &s->nselected, fmt_strdup(entries[i].key)) <
                    0) {
                rc = fail(s, "out of memory");
                goto done;
            }
        }
        s->schema_read = true;
    }
    *out = tables;
    *nout = ntables;
    tables = NULL;
    ntables = 0;
done:
    s->quiet = false;
    free_tables(tables, ntables);
    free_entries(entries, n);
    return rc;
}

static int read_schema_once(pg_src *s)
{
    if (s->schema_read) {
        return 0;
    }
    return load_tables(s, &s->cached, &s->ncached);
}

/* ---- ops --------------------------------------------------------------- */

/* Masks what libpq quotes from a connection string it could not parse: it
 * may be a piece of the password. */
static void mask_quoted(char *m)
{
    char *open;
    while ((open = strchr(m, '"')) != NULL) {
        char *close = strchr(open + 1, '"');
        if (!close) {
            break;
        }
        memmove(open + 1, close, strlen(close) + 1);
        m = open + 2;
    }
}

static int src_open(void **state, const char *locator, const db_source_options *opts)
{
    static const char *const settings[] = {
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        "SET LOCAL DateStyle = 'ISO, YMD'",
        "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL TimeZone = 'UTC'",
        "SET LOCAL extra_float_digits = 1",
        "SET LOCAL bytea_output = 'hex'",
        /* Every name in catalog output comes schema-qualified. */
        "SET LOCAL search_path = ''",
        /* A row security policy must not silently filter the export. */
        "SET LOCAL row_security = off",
    };
    /* Keywords before dbname are the user's to override; client_encoding
     * after it is ours: the COPY decoder reads UTF-8. */
    const char *keywords[] = {"fallback_application_name", "dbname", "client_encoding", NULL};
    const char *values[] = {"dbexport", locator, "UTF8", NULL};
    pg_src *s = calloc(1, sizeof *s);
    PQconninfoOption *info = NULL, *o;
    char *parse_error = NULL;
    PGresult *res = NULL;
    size_t i;
    int failed = 0, rc = 0;
    *state = s;
    if (!s) {
        return -1;
    }
    s->masked = cli_locator_mask(locator);
    if (opts) {
        failed = db_selection_init(&s->selection, opts->include_tables, opts->exclude_tables,
                                   opts->include_schemas, opts->exclude_schemas) < 0;
    }
    if (!s->masked || failed) {
        return fail(s, "out of memory");
    }
    info = PQconninfoParse(locator, &parse_error);
    if (!info) {
        if (parse_error && strcmp(s->masked, locator) != 0) {
            mask_quoted(parse_error);
        }
        rc = fail(s, "invalid connection string \"%s\": %s", s->masked,
                  parse_error ? parse_error : "out of memory");
        goto done;
    }
    for (o = info; o->keyword; o++) {
        if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
            s->password = fmt_strdup(o->val);
        }
    }
    s->conn = PQconnectdbParams(keywords, values, 1);
    if (!s->conn) {
        rc = fail(s, "cannot connect to \"%s\": out of memory", s->masked);
        goto done;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        rc = fail(s, "cannot connect to \"%s\": %s", s->masked, server_message(s));
        goto done;
    }
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        res = PQexec(s->conn, settings[i]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = fail(s, "\"%s\": %s: %s", s->masked, settings[i],
                      res ? PQresultErrorMessage(res) : server_message(s));
            goto done;
        }
        PQclear(res);
        res = NULL;
    }
    if (!(res = query(s,
                      "SELECT pg_catalog.current_setting('server_version'), "
                      "pg_catalog.current_database()",
                      NULL, NULL))) {
        rc = -1;
        goto done;
    }
    s->server_version = dup_val(res, 0, 0);
    s->database = dup_val(res, 0, 1);
    if (!s->server_version || !s->database) {
        rc = fail(s, "out of memory");
    }
done:
    PQclear(res);
    PQconninfoFree(info);
    PQfreemem(parse_error);
    return rc;
}

static int copy_user_type(fmt_user_type *dst, const fmt_user_type *src)
{
    size_t i;
    memset(dst, 0, sizeof *dst);
    dst->kind = src->kind;
    dst->not_null = src->not_null;
    dst->namespace = fmt_strdup(src->namespace);
    dst->name = fmt_strdup(src->name);
    dst->base_type = fmt_strdup(src->base_type);
    dst->default_sql = fmt_strdup(src->default_sql);
    if ((src->namespace && !dst->namespace) || !dst->name || (src->base_type && !dst->base_type) ||
        (src->default_sql && !dst->default_sql)) {
        return -1;
    }
    for (i = 0; i < src->nlabels; i++) {
        if (fmt_strings_push(&dst->labels, &dst->nlabels, fmt_strdup(src->labels[i])) < 0) {
            return -1;
        }
    }
    for (i = 0; i < src->nchecks; i++) {
        if (fmt_strings_push(&dst->checks, &dst->nchecks, fmt_strdup(src->checks[i])) < 0) {
            return -1;
        }
    }
    return 0;
}

static int src_header(void *state, fmt_header *h)
{
    pg_src *s = state;
    size_t i;
    if (read_schema_once(s) < 0) {
        return -1;
    }
    free(h->source_backend);
    free(h->source_version);
    free(h->source_database);
    fmt_strings_free(h->extensions, h->nextensions);
    for (i = 0; i < h->nuser_types; i++) {
        fmt_user_type_clear(&h->user_types[i]);
    }
    free(h->user_types);
    h->extensions = NULL;
    h->user_types = NULL;
    h->nextensions = h->nuser_types = 0;
    h->source_backend = fmt_strdup("postgresql");
    h->source_version = fmt_strdup(s->server_version);
    h->source_database = fmt_strdup(s->database);
    if (!h->source_backend || !h->source_version || !h->source_database) {
        return fail(s, "out of memory");
    }
    for (i = 0; i < s->nextensions; i++) {
        if (fmt_strings_push(&h->extensions, &h->nextensions, fmt_strdup(s->extensions[i])) < 0) {
            return fail(s, "out of memory");
        }
    }
    if (s->nuser_types) {
        h->user_types = calloc(s->nuser_types, sizeof *h->user_types);
        if (!h->user_types) {
            return fail(s, "out of memory");
        }
        for (i = 0; i < s->nuser_types; i++) {
            h->nuser_types++;
            if (copy_user_type(&h->user_types[i], &s->user_types[i]) < 0) {
                return fail(s, "out of memory");
            }
        }
    }
    return 0;
}

static int src_tables(void *state, fmt_table ***tables, size_t *ntables)
{
    pg_src *s = state;
    if (s->cached) {
        *tables = s->cached;
        *ntables = s->ncached;
        s->cached = NULL;
        s->ncached = 0;
        return 0;
    }
    return load_tables(s, tables, ntables);
}

static void src_rows_end(void *state)
{
    pg_src *s = state;
    if (s->copy_line) {
        PQfreemem(s->copy_line);
        s->copy_line = NULL;
    }
    if (s->copying) {
        /* Left early: read the rest, so the connection (and the snapshot)
         * stays usable. */
        char *line;
        PGresult *res;
        while (PQgetCopyData(s->conn, &line, 0) > 0) {
            PQfreemem(line);
        }
        while ((res = PQgetResult(s->conn)) != NULL) {
            PQclear(res);
        }
        s->copying = false;
    }
    free(s->rows_table);
    fmt_strings_free(s->rows_names, s->rows_ncolumns);
    s->rows_names = NULL;
    free(s->rows_types);
    free(s->rows_generated);
    free(s->rows_offsets);
    free(s->rows_where);
    s->rows_table = NULL;
    s->rows_types = NULL;
    s->rows_generated = NULL;
    s->rows_offsets = NULL;
    s->rows_where = NULL;
    s->rows_ncolumns = 0;
}

/* Whether ORDER BY can use the column as it is: its type has a default
 * btree ordering. Others (json, arrays of anything, native types such as
 * point) are ordered by their text, which every type has. */
static bool sortable(const fmt_type *t)
{
    switch (t->kind) {
    case FMT_TYPE_JSON:
    case FMT_TYPE_SPARSEVEC:
    case FMT_TYPE_ARRAY:
    case FMT_TYPE_ANY:
    case FMT_TYPE_NATIVE:
        return false;
    default:
        return true;
    }
}

static int append_order_column(db_buf *q, const fmt_column *c)
{
    if (sortable(&c->type)) {
        return append_ident(q, c->name);
    }
    return append_text(q, "CAST(") < 0 || append_ident(q, c->name) < 0 ||
                   append_text(q, " AS pg_catalog.text) COLLATE pg_catalog.\"C\"") < 0
               ? -1
               : 0;
}

static int src_rows_begin(void *state, const fmt_table *t)
{
    pg_src *s = state;
    db_buf q = {0};
    PGresult *res = NULL;
    size_t i, selected = 0;
    int rc = 0, oom = 0;
    src_rows_end(s);
    s->rows_table = fmt_table_key(t);
    s->rows_names = calloc(t->ncolumns + 1, sizeof *s->rows_names);
    s->rows_types = calloc(t->ncolumns + 1, sizeof *s->rows_types);
    s->rows_generated = calloc(t->ncolumns + 1, sizeof *s->rows_generated);
    s->rows_offsets = calloc(t->ncolumns + 1, sizeof *s->rows_offsets);
    s->rows_where = calloc(t->ncolumns + 1, sizeof *s->rows_where);
    if (!s->rows_table || !s->rows_names || !s->rows_types || !s->rows_generated ||
        !s->rows_offsets || !s->rows_where) {
        rc = fail(s, "out of memory");
        goto done;
    }
    s->rows_ncolumns = t->ncolumns;
    oom |= append_text(&q, "COPY (SELECT ");
    for (i = 0; i < t->ncolumns; i++) {
        oom |= !(s->rows_names[i] = fmt_strdup(t->columns[i].name));
        s->rows_types[i] = t->columns[i].type;
        s->rows_generated[i] = t->columns[i].generated_sql != NULL;
        if (s->rows_generated[i]) {
            continue; /* the writer skips it */
        }
        oom |= append_text(&q, selected++ ? ", " : "");
        oom |= append_ident(&q, t->columns[i].name);
    }
    oom |= append_text(&q, t->partitioning ? " FROM " : " FROM ONLY ");
    oom |= append_ident(&q, t->namespace ? t->namespace : "public");
    oom |= append_text(&q, ".");
    oom |= append_ident(&q, t->name);
    if (t->primary_key && t->primary_key->ncolumns) {
        for (i = 0; i < t->primary_key->ncolumns; i++) {
            oom |= append_text(&q, i ? ", " : " ORDER BY ");
            oom |= append_ident(&q, t->primary_key->columns[i]);
        }
    } else {
        for (i = 0; i < t->ncolumns; i++) {
            oom |= append_text(&q, i ? ", " : " ORDER BY ");
            oom |= append_order_column(&q, &t->columns[i]);
        }
    }
    oom |= append_text(&q, ") TO STDOUT");
    if (oom) {
        rc = fail(s, "out of memory");
        goto done;
    }
    res = PQexec(s->conn, q.buf);
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        rc = fail(s, "%s", res ? PQresultErrorMessage(res) : server_message(s));
        goto done;
    }
    s->copying = true;
done:
    PQclear(res);
    db_buf_free(&q);
    if (rc < 0) {
        src_rows_end(s);
    }
    return rc;
}

/* Converts one field, already unescaped at s->text.buf + at (len bytes,
 * NUL-terminated), into v by the column's portable type. Bytes made here go
 * to s->converted; pointers are fixed up once the row is complete. */
static int convert_field(pg_src *s, size_t column, size_t at, size_t len, fmt_value *v)
{
    const fmt_type *t = &s->rows_types[column];
    const char *text = s->text.buf + at;
    char err[256], *end;
    size_t from = s->converted.len;
    int r;
    s->rows_offsets[column] = at;
    s->rows_where[column] = 1;
    v->len = len;
    switch (t->kind) {
    case FMT_TYPE_INT16:
    case FMT_TYPE_INT32:
    case FMT_TYPE_INT64:
        errno = 0;
        v->kind = FMT_VALUE_INTEGER;
        v->i = strtoll(text, &end, 10);
        if (errno || *end || end == text) {
            return fail(s, "bad integer \"%s\"", text);
        }
        s->rows_where[column] = 0;
        return 0;
    case FMT_TYPE_FLOAT32:
    case FMT_TYPE_FLOAT64:
        v->kind = FMT_VALUE_REAL;
        v->d = strtod(text, &end); /* "NaN", "Infinity", "-Infinity", "-0" */
        if (*end || end == text) {
            return fail(s, "bad float \"%s\"", text);
        }
        s->rows_where[column] = 0;
        return 0;
    case FMT_TYPE_DECIMAL:
        v->kind = FMT_VALUE_DECIMAL;
        return 0;
    case FMT_TYPE_BOOLEAN:
        v->kind = FMT_VALUE_BOOLEAN;
        v->b = text[0] == 't';
        s->rows_where[column] = 0;
        if (len != 1 || (text[0] != 't' && text[0] != 'f')) {
            return fail(s, "bad boolean \"%s\"", text);
        }
        return 0;
    case FMT_TYPE_JSONB:
        v->kind = FMT_VALUE_JSON;
        return 0;
    case FMT_TYPE_BYTES:
    case FMT_TYPE_VECTOR:
    case FMT_TYPE_HALFVEC:
        v->kind = FMT_VALUE_BLOB;
        r = t->kind == FMT_TYPE_BYTES
                ? pg_decode_bytea(&s->converted, text, len, err, sizeof err)
                : pg_decode_vector(&s->converted, text, len, t->kind == FMT_TYPE_HALFVEC, t->param1,
                                   err, sizeof err);
        if (r < 0) {
            return fail(s, "%s", err);
        }
        break;
    case FMT_TYPE_ARRAY: {
        fmt_type element = {t->element, t->param1, t->param2, FMT_TYPE_NATIVE};
        r = pg_decode_array_json(&s->converted, text, len, &element, err, sizeof err);
        if (r < 0) {
            return fail(s, "%s", err);
        }
        v->kind = r ? FMT_VALUE_JSON : FMT_VALUE_TEXT; /* explicit bounds: its text */
        if (!r) {
            return 0;
        }
        break;
    }
    default:
        v->kind = FMT_VALUE_TEXT;
        return 0;
    }
    /* Made in converted, NUL-terminated so that it can be parsed further. */
    if (append_bytes(&s->converted, "", 1) < 0) {
        return fail(s, "out of memory");
    }
    s->rows_offsets[column] = from;
    s->rows_where[column] = 2;
    v->len = s->converted.len - from - 1;
    return 0;
}

static int src_rows_next(void *state, fmt_value *values)
{
    pg_src *s = state;
    PGresult *res;
    size_t i, pos = 0, nfields = 0;
    int len;
    if (!s->rows_table) {
        return fail(s, "rows_next without rows_begin");
    }
    if (s->copy_line) {
        PQfreemem(s->copy_line);
        s->copy_line = NULL;
    }
    if (!s->copying) {
        return 0;
    }
    len = PQgetCopyData(s->conn, &s->copy_line, 0);
    if (len < 0) {
        int rc = 0;
        s->copying = false;
        while ((res = PQgetResult(s->conn)) != NULL) {
            if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
                rc = fail(s, "%s", PQresultErrorMessage(res));
            }
            PQclear(res);
        }
        if (len == -2 && rc == 0) {
            rc = fail(s, "%s", server_message(s));
        }
        return rc;
    }
    s->text.len = 0;
    s->converted.len = 0;
    if (len > 0 && s->copy_line[len - 1] == '\n') {
        len--;
    }
    for (i = 0; i < s->rows_ncolumns; i++) {
        fmt_value *v = &values[i];
        size_t start, end, at;
        memset(v, 0, sizeof *v);
        v->kind = FMT_VALUE_NULL;
        s->rows_where[i] = 0;
        if (s->rows_generated[i]) {
            continue;
        }
        if (pos > (size_t)len) {
            return fail(s, "COPY row has fewer fields than columns");
        }
        nfields++;
        start = pos;
        end = start;
        while (end < (size_t)len && s->copy_line[end] != '\t') {
            end++;
        }
        pos = end + 1;
        if (end - start == 2 && s->copy_line[start] == '\\' && s->copy_line[start + 1] == 'N') {
            continue;
        }
        at = s->text.len;
        if (pg_decode_unescape(&s->text, s->copy_line + start, end - start) < 0 ||
            append_bytes(&s->text, "", 1) < 0) {
            return fail(s, "out of memory");
        }
        if (convert_field(s, i, at, s->text.len - at - 1, v) < 0) {
            char msg[sizeof s->errmsg];
            snprintf(msg, sizeof msg, "%s", s->errmsg);
            return fail(s, "column \"%s\": %s", s->rows_names[i], msg);
        }
    }
    if (nfields ? pos != (size_t)len + 1 : len != 0) {
        return fail(s, "COPY row has more fields than columns");
    }
    for (i = 0; i < s->rows_ncolumns; i++) {
        if (s->rows_where[i] == 1) {
            values[i].bytes = s->text.buf + s->rows_offsets[i];
        } else if (s->rows_where[i] == 2) {
            values[i].bytes = s->converted.buf + s->rows_offsets[i];
        }
    }
    return 1;
}

static int compare_objects(const void *a, const void *b)
{
    const fmt_native_object *x = a, *y = b;
    if (x->kind != y->kind) {
        return x->kind == FMT_NATIVE_VIEW ? -1 : 1;
    }
    if (x->table && y->table && strcmp(x->table, y->table) != 0) {
        return strcmp(x->table, y->table);
    }
    return strcmp(x->name, y->name);
}

static bool is_selected_oid(const pg_src *s, const char *oid)
{
    size_t i;
    for (i = 0; i < s->nselected; i++) {
        if (strcmp(s->selected_oids[i], oid) == 0) {
            return true;
        }
    }
    return false;
}

static int push_object(pg_src *s, fmt_native_object **list, size_t *n, fmt_native_kind kind,
                       char *name, char *table, char *sql)
{
    fmt_native_object *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown || !name || !sql || (kind == FMT_NATIVE_TRIGGER && !table)) {
        if (grown) {
            *list = grown;
        }
        free(name);
        free(table);
        free(sql);
        return fail(s, "out of memory");
    }
    *list = grown;
    grown[*n].kind = kind;
    grown[*n].name = name;
    grown[*n].table = table;
    grown[*n].sql = sql;
    (*n)++;
    return 0;
}

/* Views in the selected schemas; each view after the views it reads from
 * (pg_depend through the view's rewrite rule), else by name. */
static int load_views(pg_src *s, fmt_native_object **list, size_t *n)
{
    static const char sql[] =
        "SELECT c.oid, n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid), "
        "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
        "ARRAY(SELECT DISTINCT d.refobjid FROM pg_catalog.pg_rewrite rw "
        "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
        "AND d.objid = rw.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
        "WHERE rw.ev_class = c.oid AND d.refobjid <> c.oid), c.relkind "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('v', 'm') AND " USER_RELATION KEY_ORDER;
    PGresult *res = query(s, sql, NULL, NULL);
    bool *done_flags = NULL, progress = true;
    int r, rows, rc = 0;
    if (!res) {
        return -1;
    }
    rows = PQntuples(res);
    done_flags = calloc((size_t)rows + 1, sizeof *done_flags);
    if (!done_flags) {
        rc = fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < rows; r++) {
        char *key;
        if (!schema_selected(s, PQgetvalue(res, r, 1))) {
            done_flags[r] = true;
            continue;
        }
        if (PQgetvalue(res, r, 6)[0] == 'm') {
            done_flags[r] = true;
            key = pg_relation_key(PQgetvalue(res, r, 1), PQgetvalue(res, r, 2));
            rc = key ? add_warning(s, "materialized view \"%s\" is not carried", key)
                     : fail(s, "out of memory");
            free(key);
            if (rc < 0) {
                goto done;
            }
        }
    }
    /* Repeated passes in name order: a view goes once every view it reads
     * from has gone (or is not exported); a cycle cannot exist. */
    while (progress) {
        progress = false;
        for (r = 0; r < rows; r++) {
            char **deps = NULL, *body, *stmt;
            size_t ndeps = 0, k;
            bool ready = true;
            int other;
            if (done_flags[r]) {
                continue;
            }
            if (pg_decode_array_strings(&deps, &ndeps, PQgetvalue(res, r, 5)) < 0) {
                rc = fail(s, "out of memory");
                goto done;
            }
            for (k = 0; k < ndeps && ready; k++) {
                for (other = 0; other < rows; other++) {
                    if (!done_flags[other] && other != r &&
                        strcmp(PQgetvalue(res, other, 0), deps[k]) == 0) {
                        ready = false;
                    }
                }
            }
            fmt_strings_free(deps, ndeps);
            if (!ready) {
                continue;
            }
            done_flags[r] = progress = true;
            body = PQgetvalue(res, r, 3);
            while (*body == ' ' || *body == '\n') {
                body++;
            }
            stmt = malloc(strlen(PQgetvalue(res, r, 4)) + strlen(body) + 32);
            if (stmt) {
                size_t blen;
                sprintf(stmt, "CREATE VIEW %s AS %s", PQgetvalue(res, r, 4), body);
                blen = strlen(stmt);
                while (blen && (stmt[blen - 1] == ';' || stmt[blen - 1] == '\n')) {
                    stmt[--blen] = '\0';
                }
            }
            if (push_object(s, list, n, FMT_NATIVE_VIEW,
                            pg_relation_key(PQgetvalue(res, r, 1), PQgetvalue(res, r, 2)), NULL,
                            stmt) < 0) {
                rc = -1;
                goto done;
            }
        }
    }
done:
    free(done_flags);
    PQclear(res);
    return rc;
}

static int load_triggers(pg_src *s, fmt_native_object **list, size_t *n)
{
    static const char sql[] =
        "SELECT t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), "
        "t.tgfoid::pg_catalog.regproc, n.nspname, c.relname, "
        "(SELECT p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace "
        "FROM pg_catalog.pg_proc p WHERE p.oid = t.tgfoid) "
        "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal ORDER BY t.tgname COLLATE \"C\"";
    PGresult *res = query(s, sql, NULL, NULL);
    size_t first = *n;
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    for (r = 0; r < PQntuples(res); r++) {
        char *table;
        if (!is_selected_oid(s, PQgetvalue(res, r, 0))) {
            continue;
        }
        table = pg_relation_key(PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
        /* A built-in trigger function is on every server. */
        if (table && !bool_val(res, r, 6) &&
            add_warning(s,
                        "trigger \"%s\" on \"%s\" uses function %s(), which is not "
                        "carried",
                        PQgetvalue(res, r, 1), table, PQgetvalue(res, r, 3)) < 0) {
            free(table);
            rc = -1;
            goto done;
        }
        if (push_object(s, list, n, FMT_NATIVE_TRIGGER, dup_val(res, r, 1), table,
                        dup_val(res, r, 2)) < 0) {
            rc = -1;
            goto done;
        }
    }
    if (*n > first) {
        qsort(*list + first, *n - first, sizeof **list, compare_objects);
    }
done:
    PQclear(res);
    return rc;
}

static int src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects)
{
    pg_src *s = state;
    fmt_native_object *list = NULL;
    size_t n = 0, i;
    int rc = 0;
    bool quiet = s->quiet;
    *objects = NULL;
    *nobjects = 0;
    if (read_schema_once(s) < 0) {
        return -1;
    }
    s->quiet = s->objects_listed;
    if (load_views(s, &list, &n) < 0 || load_triggers(s, &list, &n) < 0) {
        rc = -1;
        goto done;
    }
    s->objects_listed = true;
    *objects = list;
    *nobjects = n;
    list = NULL;
    n = 0;
done:
    s->quiet = quiet;
    for (i = 0; i < n; i++) {
        fmt_native_object_clear(&list[i]);
    }
    free(list);
    return rc;
}

static int src_warnings(void *state, char ***lines, size_t *nlines)
{
    pg_src *s = state;
    *lines = NULL;
    *nlines = 0;
    if (read_schema_once(s) < 0) {
        return -1;
    }
    *lines = s->warnings;
    *nlines = s->nwarnings;
    return 0;
}

static const char *src_errmsg(void *state)
{
    const pg_src *s = state;
    if (!s) {
        return "out of memory";
    }
    return s->errmsg[0] ? s->errmsg : "no error";
}

static void src_close(void *state)
{
    pg_src *s = state;
    size_t i;
    if (!s) {
        return;
    }
    src_rows_end(s);
    db_buf_free(&s->text);
    db_buf_free(&s->converted);
    if (s->conn) {
        PQclear(PQexec(s->conn, "ROLLBACK")); /* read only: nothing to keep */
        PQfinish(s->conn);
    }
    free_tables(s->cached, s->ncached);
    fmt_strings_free(s->selected_oids, s->nselected);
    fmt_strings_free(s->selected_keys, s->nselected);
    fmt_strings_free(s->warnings, s->nwarnings);
    fmt_strings_free(s->extensions, s->nextensions);
    for (i = 0; i < s->nuser_types; i++) {
        fmt_user_type_clear(&s->user_types[i]);
    }
    free(s->user_types);
    free(s->user_type_oids);
    for (i = 0; i < s->ntypes; i++) {
        free(s->types[i].nspname);
        free(s->types[i].typname);
        free(s->types[i].extname);
    }
    free(s->types);
    db_selection_free(&s->selection);
    free(s->password);
    free(s->masked);
    free(s->server_version);
    free(s->database);
    free(s);
}

static const db_source_ops pg_ops = {
    .backend = "postgresql",
    .open = src_open,
    .header = src_header,
    .tables = src_tables,
    .rows_begin = src_rows_begin,
    .rows_next = src_rows_next,
    .rows_end = src_rows_end,
    .native_objects = src_native_objects,
    .warnings = src_warnings,
    .errmsg = src_errmsg,
    .close = src_close,
};

PGconn *pg_source_connection(void *state)
{
    return state ? ((pg_src *)state)->conn : NULL;
}

const db_source_ops *db_source_pg(void)
{
    return &pg_ops;
}
