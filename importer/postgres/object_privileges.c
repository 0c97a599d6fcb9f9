/* The owners and grants of the file's views, materialized views,
 * stand-alone sequences, functions and procedures (dbimport --privileges,
 * docs/FORMAT.md 2.10), last of all, once every object exists, as
 * pg_restore's ACL entries come last: ALTER ... OWNER TO, then, when the
 * file lists the grants, REVOKE ALL from PUBLIC and the owner and each
 * GRANT (a view's column grants after its own).
 *
 * Only objects this import created get them: a view or materialized view
 * it ran CREATE for (recorded here), a sequence it created (sequences.c),
 * a function in the state PG_FUNCTION_CREATED (routines.c); one the
 * target had keeps its own owner and grants. The rules are the table's
 * (privileges.c): a role the target lacks is left out with a warning,
 * never created or replaced; an owner the importing role may not hand the
 * object to is said, and the importer's own rights are then kept. The
 * file is untrusted: each privilege word is checked against the object
 * kind's fixed list again here (it goes into GRANT as a keyword), every
 * role and column is quoted, the object's name is quoted or the server's
 * own regprocedure text. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"
#include "schema.h"
#include "strlist.h"

static const char *const relation_words[] = {"select",   "insert",     "update",  "delete",
                                             "truncate", "references", "trigger", NULL};
static const char *const column_words[] = {"select", "insert", "update", "references", NULL};
static const char *const sequence_words[] = {"usage", "select", "update", NULL};
static const char *const function_words[] = {"execute", NULL};

typedef struct {
    const char *kind;  /* for messages: "view" */
    const char *alter; /* ALTER <alter> name OWNER TO */
    const char *on;    /* GRANT ... ON <on> name */
    const char *const *words;
    int columns; /* column grants allowed */
} object_kind;

static const object_kind view_kind = {"view", "VIEW", "TABLE", relation_words, 1};
static const object_kind matview_kind = {"materialized view", "MATERIALIZED VIEW", "TABLE",
                                         relation_words, 1};
static const object_kind sequence_kind = {"sequence", "SEQUENCE", "SEQUENCE", sequence_words, 0};
static const object_kind function_kind = {"function", "FUNCTION", "FUNCTION", function_words, 0};
static const object_kind procedure_kind = {"procedure", "PROCEDURE", "PROCEDURE", function_words,
                                           0};
static const char *const schema_words[] = {"usage", "create", NULL};
static const object_kind schema_kind = {"schema", "SCHEMA", "SCHEMA", schema_words, 0};

/* One object: its kind, its name as SQL, and 'view "v"' for messages;
 * for a sequence OWNED BY a column, its table's owner, which it has. */
typedef struct {
    const object_kind *kind;
    const char *name;
    const char *subject;
    const char *table_owner;
} grant_target;

static int in_list(const char *const *words, const char *word)
{
    for (size_t i = 0; words[i]; i++)
        if (strcmp(words[i], word) == 0)
            return 1;
    return 0;
}

/* Every word of every grant is the kind's (a column's, for column
 * grants), before any statement runs. */
static int check_words(pg_target *st, const grant_target *o, const fmt_privileges *p)
{
    for (size_t i = 0; i < p->ngrants; i++)
        for (size_t w = 0; w < p->grants[i].nprivileges; w++)
            if (!in_list(o->kind->words, p->grants[i].privileges[w]))
                return db_error(&st->diag, "%s: \"%s\" is not a privilege a %s can have",
                                o->subject, p->grants[i].privileges[w], o->kind->kind);
    if (p->ncolumns && !o->kind->columns)
        return db_error(&st->diag, "%s: a %s has no column grants", o->subject, o->kind->kind);
    for (size_t c = 0; c < p->ncolumns; c++)
        for (size_t i = 0; i < p->columns[c].ngrants; i++)
            for (size_t w = 0; w < p->columns[c].grants[i].nprivileges; w++)
                if (!in_list(column_words, p->columns[c].grants[i].privileges[w]))
                    return db_error(&st->diag, "%s: \"%s\" is not a privilege a column can have",
                                    o->subject, p->columns[c].grants[i].privileges[w]);
    return 0;
}

static int run(pg_target *st, const grant_target *o, db_buf *b, const char *what)
{
    if (pg_target_run_buf(st, b) < 0)
        return db_error(&st->diag, "%s: %s: %s", o->subject, what, st->diag.message);
    return 0;
}

/* GRANT g's privileges (on column, when not NULL) to its grantee; a role
 * the target lacks is left out, said. */
static int grant(pg_target *st, const grant_target *o, const fmt_grant *g, const char *column)
{
    int found = pg_target_role_exists(st, g->grantee);
    if (found <= 0) {
        if (found == 0)
            db_warn(&st->diag,
                    "%s: grant to \"%.64s\"%s%.64s%s left out: the role does not exist in the "
                    "target",
                    o->subject, g->grantee, column ? " on column \"" : "", column ? column : "",
                    column ? "\"" : "");
        return found;
    }
    db_buf b = {0};
    db_buf_add(&b, "GRANT ");
    for (size_t i = 0; i < g->nprivileges; i++) /* checked words: keywords, not SQL */
        db_buf_printf(&b, "%s%s", i ? ", " : "", g->privileges[i]);
    if (column) {
        db_buf_add(&b, " (");
        db_buf_ident(&b, column);
        db_buf_add(&b, ")");
    }
    db_buf_printf(&b, " ON %s %s TO ", o->kind->on, o->name);
    pg_target_add_grantee(&b, g->grantee);
    if (g->with_grant_option)
        db_buf_add(&b, " WITH GRANT OPTION");
    return run(st, o, &b, "GRANT");
}

static int apply(pg_target *st, const grant_target *o, const fmt_privileges *p)
{
    if (!st->opts.privileges)
        return db_warn(&st->diag, "%s: owner and grants not applied (--privileges applies them)",
                       o->subject);
    if (check_words(st, o, p) < 0)
        return -1;
    int owned = p->owner ? pg_target_owner_settable(st, o->subject, p->owner) : 0;
    db_buf b = {0};
    if (owned < 0)
        return -1;
    /* PostgreSQL gives a sequence OWNED BY a column its table's owner, and
     * no other (sequences.c set it so) */
    if (owned && o->table_owner && strcmp(o->table_owner, p->owner) != 0) {
        owned = 0;
        if (db_warn(&st->diag,
                    "%s: owner \"%s\" not set: it is OWNED BY a column, and has its table's "
                    "owner \"%s\"",
                    o->subject, p->owner, o->table_owner) < 0)
            return -1;
    } else if (owned && o->table_owner) {
        owned = 2; /* has it already */
    }
    if (owned == 1) {
        db_buf_printf(&b, "ALTER %s %s OWNER TO ", o->kind->alter, o->name);
        db_buf_ident(&b, p->owner);
        if (run(st, o, &b, "owner") < 0)
            return -1;
    }
    if (p->has_grants) {
        db_buf_printf(&b, "REVOKE ALL ON %s %s FROM PUBLIC", o->kind->on, o->name);
        if (run(st, o, &b, "REVOKE") < 0)
            return -1;
        if (owned) {
            db_buf_printf(&b, "REVOKE ALL ON %s %s FROM ", o->kind->on, o->name);
            db_buf_ident(&b, p->owner);
            if (run(st, o, &b, "REVOKE") < 0)
                return -1;
        }
    }
    for (size_t i = 0; i < p->ngrants; i++)
        if (grant(st, o, &p->grants[i], NULL) < 0)
            return -1;
    for (size_t c = 0; c < p->ncolumns; c++)
        for (size_t i = 0; i < p->columns[c].ngrants; i++)
            if (grant(st, o, &p->columns[c].grants[i], p->columns[c].column) < 0)
                return -1;
    return 0;
}

static int apply_named(pg_target *st, const object_kind *kind, const char *name,
                       const char *display, const fmt_privileges *p, const char *table_owner)
{
    char *subject = db_format("%s \"%s\"", kind->kind, display);
    if (!subject)
        return db_oom(&st->diag);
    grant_target o = {kind, name, subject, table_owner};
    int rc = apply(st, &o, p);
    free(subject);
    return rc;
}

/* The owner of the sequence $1 (an oid) when it is OWNED BY a column. */
#define LINKED_OWNER                                                                               \
    "SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c"                     \
    " WHERE c.oid = $1::pg_catalog.oid AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"           \
    " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"            \
    " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a')"

/* The file's stand-alone sequences this import created. */
static int apply_sequences(pg_target *st, const fmt_header *h)
{
    for (size_t i = 0; h && i < h->nsequences; i++) {
        const fmt_sequence *q = &h->sequences[i];
        if (!q->privileges || !q->name)
            continue;
        char *qname = pg_qualified(q->namespace ? q->namespace : DEFAULT_NAMESPACE, q->name);
        const char *params[] = {qname};
        char *oid = NULL;
        int found = qname ? pg_target_query_value(
                                st, "SELECT pg_catalog.to_regclass($1)::pg_catalog.oid::text", 1,
                                params, &oid)
                          : db_oom(&st->diag);
        int rc = found < 0 ? -1 : 0;
        char *table_owner = NULL;
        if (found > 0 && pg_target_created_sequence(st, oid)) {
            const char *linked[] = {oid};
            fmt_table key = {.name = q->name, .namespace = q->namespace};
            char *display = fmt_table_key(&key);
            rc = display ? pg_target_query_value(st, LINKED_OWNER, 1, linked, &table_owner)
                         : db_oom(&st->diag);
            if (rc >= 0)
                rc = apply_named(st, &sequence_kind, qname, display, q->privileges, table_owner);
            free(display);
        }
        free(table_owner);
        free(oid);
        free(qname);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The file's functions and procedures this import created, by the
 * signature the server gave (regprocedure: quoted and qualified). */
static int apply_functions(pg_target *st)
{
    for (size_t i = 0; i < st->nfunctions; i++) {
        const pg_function *fn = &st->functions[i];
        if (fn->state != PG_FUNCTION_CREATED || !fn->f->privileges || !fn->signature)
            continue;
        int procedure = fn->f->kind && strcmp(fn->f->kind, "procedure") == 0;
        if (apply_named(st, procedure ? &procedure_kind : &function_kind, fn->signature,
                        fn->signature, fn->f->privileges, NULL) < 0)
            return -1;
    }
    return 0;
}

int pg_target_note_created_view(pg_target *st, const fmt_native_object *o, const char *qname)
{
    if (!o->privileges)
        return 0;
    const fmt_native_object **views =
        realloc(st->created_views, (st->ncreated_views + 1) * sizeof *views);
    if (!views)
        return db_oom(&st->diag);
    st->created_views = views;
    char **names = realloc(st->created_view_names, (st->ncreated_views + 1) * sizeof *names);
    if (!names)
        return db_oom(&st->diag);
    st->created_view_names = names;
    if (!(names[st->ncreated_views] = strdup(qname)))
        return db_oom(&st->diag);
    views[st->ncreated_views++] = o;
    return 0;
}

void pg_target_free_created_views(pg_target *st)
{
    fmt_strings_free(st->created_view_names, st->ncreated_views);
    free(st->created_views);
    st->created_views = NULL;
    st->created_view_names = NULL;
    st->ncreated_views = 0;
}

/* The file's schemas this import created (schemas.c). */
static int apply_schemas(pg_target *st, const fmt_header *h)
{
    for (size_t i = 0; h && i < h->nschemas; i++) {
        const fmt_schema *s = &h->schemas[i];
        int created = 0;
        for (size_t k = 0; !created && k < st->ncreated_schemas; k++)
            created = strcmp(st->created_schemas[k], s->name) == 0;
        if (!created || !s->privileges)
            continue;
        db_buf q = {0};
        db_buf_ident(&q, s->name);
        int rc = q.oom ? db_oom(&st->diag)
                       : apply_named(st, &schema_kind, q.buf, s->name, s->privileges, NULL);
        db_buf_free(&q);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int pg_target_apply_object_privileges(pg_target *st)
{
    if (st->opts.dry_run || st->opts.data_only)
        return 0;
    for (size_t i = 0; i < st->ncreated_views; i++) {
        const fmt_native_object *o = st->created_views[i];
        const char *display = o->name ? o->name : "";
        char *key = NULL;
        if (o->kind == FMT_NATIVE_MATERIALIZED_VIEW) {
            fmt_table named = {.name = o->name, .namespace = o->namespace};
            if (!(key = fmt_table_key(&named)))
                return db_oom(&st->diag);
            display = key;
        }
        int rc = apply_named(st, o->kind == FMT_NATIVE_VIEW ? &view_kind : &matview_kind,
                             st->created_view_names[i], display, o->privileges, NULL);
        free(key);
        if (rc < 0)
            return -1;
    }
    if (apply_schemas(st, st->header) < 0 || apply_sequences(st, st->header) < 0 ||
        apply_functions(st) < 0)
        return -1;
    pg_target_free_created_views(st);
    return 0;
}
