/* Column types from the catalogs: a type's oid and typmod to the portable
 * type (pg_types.h has the name table), through domains and arrays; the
 * extensions, enums, domains and composite types a column needs are noted
 * for the header, each after what it depends on. */
#include "pg_source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"
#include "pg_types.h"
#include "strlist.h"

#define MAX_TYPE_DEPTH 16 /* domains over domains over arrays ... */

static const type_info *lookup_type(pg_src *s, unsigned oid)
{
    static const char sql[] =
        "SELECT t.typtype, n.nspname, t.typname, t.typelem, t.typlen, t.typbasetype, "
        "t.typtypmod, (SELECT e.extname FROM pg_catalog.pg_depend d "
        "JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid "
        "WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid "
        "AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass "
        "AND d.deptype = 'e' LIMIT 1), "
        "(SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) "
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
    if (!(res = pg_src_query(s, sql, oidtext, NULL))) {
        return NULL;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        pg_src_fail(s, "type %u not found", oid);
        return NULL;
    }
    grown = realloc(s->types, (s->ntypes + 1) * sizeof *grown);
    if (!grown) {
        PQclear(res);
        pg_src_fail(s, "out of memory");
        return NULL;
    }
    s->types = grown;
    t = &grown[s->ntypes];
    memset(t, 0, sizeof *t);
    t->oid = oid;
    t->typtype = PQgetvalue(res, 0, 0)[0];
    t->nspname = pg_src_dup_val(res, 0, 1);
    t->typname = pg_src_dup_val(res, 0, 2);
    t->element = (unsigned)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
    t->typlen = atoi(PQgetvalue(res, 0, 4));
    t->basetype = (unsigned)strtoul(PQgetvalue(res, 0, 5), NULL, 10);
    t->basetypmod = (int32_t)atol(PQgetvalue(res, 0, 6));
    t->extname = pg_src_dup_val(res, 0, 7);
    t->relkind = PQgetisnull(res, 0, 8) ? '\0' : PQgetvalue(res, 0, 8)[0];
    ext_missing = !PQgetisnull(res, 0, 7) && !t->extname;
    PQclear(res);
    if (!t->nspname || !t->typname || ext_missing) {
        free(t->nspname);
        free(t->typname);
        free(t->extname);
        pg_src_fail(s, "out of memory");
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
        return pg_src_fail(s, "out of memory");
    }
    s->extensions = grown;
    for (i = s->nextensions; i > at; i--) {
        grown[i] = grown[i - 1];
    }
    if (!(grown[at] = fmt_strdup(name))) {
        return pg_src_fail(s, "out of memory");
    }
    s->nextensions++;
    return 0;
}

/* Every extension the database has but plpgsql (which every database
 * has): the schema may need one that no column type shows (btree_gist for
 * an exclusion constraint, pg_trgm for an index), so the header lists them
 * all, as pg_dump does; an importer decides which it creates. Like pg_dump,
 * an export of selected tables or schemas lists only what their columns
 * need. */
int pg_src_note_installed_extensions(pg_src *s)
{
    const db_selection *sel = &s->selection;
    if (sel->include_tables || sel->exclude_tables || sel->include_schemas ||
        sel->exclude_schemas) {
        return 0;
    }
    static const char sql[] = "SELECT extname FROM pg_catalog.pg_extension "
                              "WHERE extname <> 'plpgsql' ORDER BY extname COLLATE \"C\"";
    PGresult *res = pg_src_query(s, sql, NULL, NULL);
    int rc = 0;
    if (!res) {
        return -1;
    }
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        rc = note_extension(s, PQgetvalue(res, r, 0));
    }
    PQclear(res);
    return rc;
}

/* Adds the enum or domain t to the header's user types (its own
 * dependencies were added first by the caller's recursion). */
static int read_enum_labels(pg_src *s, fmt_user_type *u, const char *oidtext)
{
    static const char labels_sql[] = "SELECT enumlabel FROM pg_catalog.pg_enum "
                                     "WHERE enumtypid = $1 ORDER BY enumsortorder";
    PGresult *res = pg_src_query(s, labels_sql, oidtext, NULL);
    int rc = 0;
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++)
        if (fmt_strings_push(&u->labels, &u->nlabels, pg_src_dup_val(res, r, 0)) < 0)
            rc = pg_src_fail(s, "out of memory");
    PQclear(res);
    return rc;
}

static int read_domain(pg_src *s, fmt_user_type *u, const char *oidtext)
{
    static const char domain_sql[] =
        "SELECT pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault "
        "FROM pg_catalog.pg_type t WHERE t.oid = $1";
    static const char checks_sql[] =
        "SELECT pg_catalog.pg_get_constraintdef(c.oid), c.conname FROM pg_catalog.pg_constraint c "
        "WHERE c.contypid = $1 AND c.contype = 'c' ORDER BY c.conname COLLATE \"C\"";
    PGresult *res = pg_src_query(s, domain_sql, oidtext, NULL);
    int rc = 0;
    if (!res)
        return -1;
    u->base_type = pg_src_dup_val(res, 0, 0);
    u->not_null = pg_src_bool_val(res, 0, 1);
    u->default_sql = pg_src_dup_val(res, 0, 2);
    if (!u->base_type || (!PQgetisnull(res, 0, 2) && !u->default_sql))
        rc = pg_src_fail(s, "out of memory");
    PQclear(res);
    if (rc < 0 || !(res = pg_src_query(s, checks_sql, oidtext, NULL)))
        return -1;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char *expression = pg_check_expression(PQgetvalue(res, r, 0));
        if (!expression)
            expression = fmt_strdup(PQgetvalue(res, r, 0)); /* not a CHECK: as is */
        if (fmt_strings_push(&u->checks, &u->nchecks, expression) < 0 ||
            fmt_strings_push(&u->check_names, &u->ncheck_names, pg_src_dup_val(res, r, 1)) < 0)
            rc = pg_src_fail(s, "out of memory");
    }
    PQclear(res);
    return rc;
}

/* A composite type's attributes: name, type (schema-qualified, as the
 * empty search_path prints it) and a collation other than its type's. */
static int read_composite(pg_src *s, fmt_user_type *u, const char *oidtext)
{
    static const char attributes_sql[] =
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
        "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END, "
        "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN cn.nspname END "
        "FROM pg_catalog.pg_type ct JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.typrelid "
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
        "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
        "WHERE ct.oid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    PGresult *res = pg_src_query(s, attributes_sql, oidtext, NULL);
    int rc = 0;
    if (!res)
        return -1;
    if (PQntuples(res) > 0 &&
        !(u->attributes = calloc((size_t)PQntuples(res), sizeof *u->attributes)))
        rc = pg_src_fail(s, "out of memory");
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        fmt_type_attribute *a = &u->attributes[u->nattributes++];
        a->name = pg_src_dup_val(res, r, 0);
        a->type = pg_src_dup_val(res, r, 1);
        a->collation = pg_src_dup_val(res, r, 2);
        a->collation_namespace = pg_src_dup_val(res, r, 3);
        if (!a->name || !a->type || (!PQgetisnull(res, r, 2) && !a->collation) ||
            (!PQgetisnull(res, r, 3) && !a->collation_namespace))
            rc = pg_src_fail(s, "out of memory");
    }
    PQclear(res);
    return rc;
}

static int read_comment(pg_src *s, fmt_user_type *u, const char *oidtext)
{
    PGresult *res =
        pg_src_query(s, "SELECT pg_catalog.obj_description($1, 'pg_type')", oidtext, NULL);
    int rc = 0;
    if (!res)
        return -1;
    if (!PQgetisnull(res, 0, 0) && !(u->comment = pg_src_dup_val(res, 0, 0)))
        rc = pg_src_fail(s, "out of memory");
    PQclear(res);
    return rc;
}

static int note_user_type(pg_src *s, const type_info *t)
{
    char oidtext[16];
    fmt_user_type *grown, *u;
    unsigned *oids;
    if (s->quiet)
        return 0;
    for (size_t i = 0; i < s->nuser_types; i++)
        if (s->user_type_oids[i] == t->oid)
            return 0;
    grown = realloc(s->user_types, (s->nuser_types + 1) * sizeof *grown);
    if (grown)
        s->user_types = grown;
    oids = grown ? realloc(s->user_type_oids, (s->nuser_types + 1) * sizeof *oids) : NULL;
    if (!oids)
        return pg_src_fail(s, "out of memory");
    s->user_type_oids = oids;
    u = &s->user_types[s->nuser_types];
    memset(u, 0, sizeof *u);
    oids[s->nuser_types++] = t->oid;
    u->kind = t->typtype == 'e'   ? FMT_USER_TYPE_ENUM
              : t->typtype == 'c' ? FMT_USER_TYPE_COMPOSITE
                                  : FMT_USER_TYPE_DOMAIN;
    u->name = fmt_strdup(t->typname);
    u->namespace = pg_src_namespace_of(t->nspname);
    if (!u->name || (strcmp(t->nspname, "public") != 0 && !u->namespace))
        return pg_src_fail(s, "out of memory");
    snprintf(oidtext, sizeof oidtext, "%u", t->oid);
    if (read_comment(s, u, oidtext) < 0)
        return -1;
    if (u->kind == FMT_USER_TYPE_COMPOSITE)
        return read_composite(s, u, oidtext);
    return u->kind == FMT_USER_TYPE_ENUM ? read_enum_labels(s, u, oidtext)
                                         : read_domain(s, u, oidtext);
}

/* A composite type made by CREATE TYPE ... AS (a table's row type is not
 * one): the types of its attributes first, then itself. */
static int note_composite(pg_src *s, unsigned oid, int depth)
{
    static const char types_sql[] =
        "SELECT a.atttypid, a.atttypmod FROM pg_catalog.pg_type ct "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.typrelid "
        "WHERE ct.oid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    char oidtext[16];
    PGresult *res;
    int rc = 0;
    snprintf(oidtext, sizeof oidtext, "%u", oid);
    if (!(res = pg_src_query(s, types_sql, oidtext, NULL)))
        return -1;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        fmt_type ignored;
        rc = pg_src_map_type(s, &ignored, (unsigned)strtoul(PQgetvalue(res, r, 0), NULL, 10),
                             (int32_t)atol(PQgetvalue(res, r, 1)), depth + 1);
    }
    PQclear(res);
    for (size_t i = 0; rc == 0 && i < s->ntypes; i++)
        if (s->types[i].oid == oid) /* the cache may have moved */
            return note_user_type(s, &s->types[i]);
    return rc;
}

/* The portable type of values of type oid with typmod: built-in and
 * pgvector types by type_map; an enum is text; a domain has its base
 * type's; an array of a type with a portable type (not any, native) is
 * array(T); anything else is native. Notes the extensions and user types
 * it needs on the way, dependencies first. */
int pg_src_map_type(pg_src *s, fmt_type *out, unsigned oid, int32_t typmod, int depth)
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
        if (pg_src_map_type(s, out, base, basetypmod, depth + 1) < 0) {
            return -1;
        }
        for (i = 0; i < s->ntypes; i++) {
            if (s->types[i].oid == oid) {
                return note_user_type(s, &s->types[i]);
            }
        }
        return 0;
    }
    case 'c':
        return t->relkind == 'c' ? note_composite(s, oid, depth) : 0; /* native */
    case 'b':
        break;
    default:
        return 0; /* a table's row type, range, multirange, pseudo: native */
    }
    if (t->element != 0 && t->typlen == -1) {
        fmt_type element;
        if (pg_src_map_type(s, &element, t->element, typmod, depth + 1) < 0) {
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
