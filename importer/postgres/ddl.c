/* A new table: the CREATE TABLE text (columns only; keys and indexes come
 * after the data), its sequences and partitions, and the COPY encoding of
 * each column from the file's types. */
#include "pg_target_internal.h"

#include "pg_guard.h"
#include "strlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg_guard.h"
#include "pg_sql.h"
#include "pg_types.h"
#include "strlist.h"

const char *pg_target_native_type(const pg_target *st, const fmt_column *c)
{
    return st->source_is_pg ? c->native_type : c->postgresql_type;
}

/* The user type a native type names without its schema, if any. */
static const fmt_user_type *user_type_named(const pg_target *st, const char *native, size_t len)
{
    for (size_t i = 0; st->header && i < st->header->nuser_types; i++) {
        const fmt_user_type *u = &st->header->user_types[i];
        if (u->name && strlen(u->name) == len && strncmp(u->name, native, len) == 0)
            return u;
    }
    return NULL;
}

/* Appends the column's type for CREATE TABLE. */
/* A bare type name: letters, digits and underscores, not starting with a
 * digit. Only such names are used as types when they come from a file
 * written by another backend. */
static int is_plain_type_name(const char *s, size_t n)
{
    if (!n || (*s >= '0' && *s <= '9'))
        return 0;
    for (const char *end = s + n; s < end; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* The length of a native type's name from SQLite without the " TEXT" that
 * the SQLite target adds for TEXT affinity ("inet TEXT"). */
static size_t sqlite_native_name_length(const char *s)
{
    size_t n = strlen(s);
    if (n > 5 && strcasecmp(s + n - 5, " TEXT") == 0)
        n -= 5;
    return n;
}

static void column_type(pg_target *st, const fmt_table *t, const fmt_column *c, db_buf *b)
{
    const fmt_type *ty = &c->type;
    int vector_kind = ty->kind == FMT_TYPE_VECTOR || ty->kind == FMT_TYPE_HALFVEC ||
                      ty->kind == FMT_TYPE_SPARSEVEC ||
                      (ty->kind == FMT_TYPE_ARRAY &&
                       (ty->element == FMT_TYPE_VECTOR || ty->element == FMT_TYPE_HALFVEC ||
                        ty->element == FMT_TYPE_SPARSEVEC));
    /* A PostgreSQL file's native type, or the PostgreSQL type of a SQLite
     * column that a PostgreSQL export made (postgresql_type) */
    const char *native = pg_target_native_type(st, c);
    if (native && *native && !vector_kind) {
        size_t n = strlen(native);
        size_t base = n;
        while (base >= 2 && strncmp(native + base - 2, "[]", 2) == 0)
            base -= 2;
        const fmt_user_type *u = user_type_named(st, native, base);
        if (u) {
            /* search_path is empty: user types need their schema */
            db_buf_ident(b, u->namespace ? u->namespace : DEFAULT_NAMESPACE);
            db_buf_add(b, ".");
            db_buf_ident(b, u->name);
            db_buf_add(b, native + base);
        } else {
            db_buf_add(b, native);
        }
        return;
    }
    if (ty->kind == FMT_TYPE_ARRAY) {
        pg_type_name(b, ty->element, ty->param1, ty->param2, st->vector_schema);
        db_buf_add(b, "[]");
        return;
    }
    if (ty->kind == FMT_TYPE_NATIVE && !st->source_is_pg && c->native_type &&
        is_plain_type_name(c->native_type, sqlite_native_name_length(c->native_type))) {
        /* A PostgreSQL type that went through SQLite ("tsvector", "inet",
         * declared "inet TEXT" there for its TEXT affinity): the SQLite
         * source maps only such names to native. */
        size_t n = sqlite_native_name_length(c->native_type);
        for (const char *p = c->native_type; p < c->native_type + n; p++) {
            char ch = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            db_buf_addn(b, &ch, 1);
        }
        return;
    }
    if (ty->kind == FMT_TYPE_NATIVE && !st->source_is_pg)
        db_warn(&st->diag,
                "table \"%s\", column \"%s\": native type \"%s\" from %s is loaded as text",
                st->display, c->name, c->native_type ? c->native_type : "",
                st->source_backend ? st->source_backend : "another backend");
    (void)t;
    pg_type_name(b, ty->kind, ty->param1, ty->param2, st->vector_schema);
}

int pg_target_set_type_label(pg_target *st, size_t i, const char *label)
{
    free(st->type_labels[i]);
    st->type_labels[i] = strdup(label ? label : "?");
    if (!st->type_labels[i])
        return db_oom(&st->diag);
    st->enc[i].type_label = st->type_labels[i];
    return 0;
}

typedef struct {
    char *sequence; /* a nextval() default's sequence */
    int create;     /* missing: created before the table */
    int owned;      /* a serial column: the sequence belongs to it */
} serial_sequence_plan;

/* The column's type (and collation), with its COPY encoding noted. */
static int add_column_type(pg_target *st, const fmt_table *t, size_t i, db_buf *b)
{
    const fmt_column *c = &t->columns[i];
    db_buf type = {0};
    column_type(st, t, c, &type);
    if (type.oom || pg_target_set_type_label(st, i, type.buf) < 0) {
        db_buf_free(&type);
        return db_oom(&st->diag);
    }
    db_buf_add(b, type.buf);
    db_buf_free(&type);
    st->enc[i].enc = pg_copy_encoding_for_kind(c->type.kind);
    st->enc[i].dimension = c->type.param1;
    st->enc[i].element = c->type.element;
    if (c->collation && st->source_is_pg)
        pg_add_collate(b, c->collation, c->collation_namespace);
    else if (c->collation) /* SQLite's NOCASE, RTRIM or an application's: none here */
        db_warn(&st->diag, "table \"%s\", column \"%s\": collation \"%s\" not carried", st->display,
                c->name, c->collation);
    return 0;
}

/* A sequence's options as CREATE SEQUENCE and an identity clause take
 * them: numbers only, nothing of the file's text. */
static void add_sequence_options(db_buf *b, const fmt_sequence *q)
{
    db_buf_printf(
        b, "START WITH %lld INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld CACHE %lld %sCYCLE",
        (long long)q->start, (long long)q->increment, (long long)q->min_value,
        (long long)q->max_value, (long long)q->cache, q->cycle ? "" : "NO ");
}

/* An identity's options (1.3): its sequence's name when the target has no
 * relation of that name (else the server picks one), START and the rest. */
static int add_identity_options(pg_target *st, const fmt_column *c, const char *ns, db_buf *b)
{
    const fmt_sequence *q = c->sequence;
    if (!q)
        return 0;
    db_buf_add(b, " (");
    if (q->name) {
        char *qname = pg_qualified(ns, q->name);
        const char *params[] = {qname};
        int found =
            qname
                ? pg_target_query_value(st, "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL",
                                        1, params, NULL)
                : db_oom(&st->diag);
        if (found == 0)
            db_buf_printf(b, "SEQUENCE NAME %s ", qname);
        free(qname);
        if (found < 0)
            return -1;
    }
    add_sequence_options(b, q);
    db_buf_add(b, ")");
    return 0;
}

/* The column's identity clause; 1 when it has one (and so no default),
 * -1 on error. */
static int add_identity(pg_target *st, const fmt_column *c, const char *ns, db_buf *b)
{
    switch (c->identity) {
    case FMT_IDENTITY_ALWAYS:
    case FMT_IDENTITY_BY_DEFAULT:
        db_buf_add(b, c->identity == FMT_IDENTITY_ALWAYS ? " GENERATED ALWAYS AS IDENTITY"
                                                         : " GENERATED BY DEFAULT AS IDENTITY");
        return add_identity_options(st, c, ns, b) < 0 ? -1 : 1;
    case FMT_IDENTITY_ROWID:
    case FMT_IDENTITY_AUTOINCREMENT:
        /* keeps SQLite's "no value: the next number" */
        if (fmt_type_is_integer(c->type.kind)) {
            db_buf_add(b, " GENERATED BY DEFAULT AS IDENTITY");
            return 1;
        }
        db_warn(&st->diag, "table \"%s\", column \"%s\": identity not carried: type %s",
                st->display, c->name, c->type_text ? c->type_text : "?");
        return 0;
    case FMT_IDENTITY_SERIAL:
        if (!st->source_is_pg || !c->default_sql) {
            db_buf_add(b, " GENERATED BY DEFAULT AS IDENTITY");
            return add_identity_options(st, c, ns, b) < 0 ? -1 : 1;
        }
        return 0;
    default:
        return 0;
    }
}

/* A nextval() default from PostgreSQL: the sequence it names, to be
 * created before the table when the target lacks it. */
static int add_serial_default(pg_target *st, const fmt_column *c, const char *ns, db_buf *b,
                              serial_sequence_plan *plan)
{
    char *seq = pg_serial_sequence(c->default_sql, ns);
    if (!seq) {
        db_buf_printf(b, " DEFAULT (%s)", c->default_sql);
        return 0;
    }
    char why[256];
    if (pg_guard_qualified_name(seq, why, sizeof why) < 0) {
        db_error(&st->diag, "table \"%s\", column \"%s\": default: the sequence %s", st->display,
                 c->name, why);
        free(seq);
        return -1;
    }
    const char *params[] = {seq};
    char *oid = NULL;
    int found = pg_target_query_value(st,
                                      "SELECT pg_catalog.to_regclass($1)::pg_catalog.oid::text "
                                      "WHERE pg_catalog.to_regclass($1) IS NOT NULL",
                                      1, params, &oid);
    if (found < 0) {
        free(seq);
        return -1;
    }
    /* A new table's default never draws on a sequence the application
     * owns: rows without the column would advance it. One this import
     * created (for an earlier table, or from the file's "sequences") is
     * the file's. */
    int ours = pg_target_created_sequence(st, oid);
    free(oid);
    if (found && !ours) {
        db_error(&st->diag,
                 "table \"%s\", column \"%s\": its default draws on sequence %s, which the "
                 "target already has; an import uses only sequences it creates",
                 st->display, c->name, seq);
        free(seq);
        return -1;
    }
    db_buf_add(b, " DEFAULT pg_catalog.nextval(");
    db_buf_literal(b, seq);
    db_buf_add(b, "::regclass)");
    plan->sequence = seq;
    plan->create = !found;
    plan->owned = c->identity == FMT_IDENTITY_SERIAL;
    return 0;
}

/* A default from another dialect: only what means the same here. */
static void add_foreign_default(pg_target *st, const fmt_column *c, db_buf *b)
{
    const char *lit;
    size_t n = pg_plain_literal(c->default_sql, &lit);
    if (n == 0) {
        db_warn(&st->diag, "table \"%s\", column \"%s\": default %s not carried", st->display,
                c->name, c->default_sql);
    } else if (c->type.kind == FMT_TYPE_BOOLEAN && n == 1 && (*lit == '0' || *lit == '1')) {
        db_buf_add(b, *lit == '1' ? " DEFAULT TRUE" : " DEFAULT FALSE");
    } else {
        db_buf_add(b, " DEFAULT ");
        db_buf_addn(b, lit, n);
    }
}

/* One column of CREATE TABLE: name, type, identity, generation or default,
 * NOT NULL. */
static int add_column(pg_target *st, const fmt_table *t, size_t i, const char *ns, db_buf *b,
                      serial_sequence_plan *plan)
{
    const fmt_column *c = &t->columns[i];
    int generated_here = c->generated_sql && st->source_is_pg;
    db_buf_add(b, i ? ",\n  " : "\n  ");
    db_buf_ident(b, c->name);
    db_buf_add(b, " ");
    if (add_column_type(st, t, i, b) < 0)
        return -1;
    int identity = add_identity(st, c, ns, b);
    if (identity < 0)
        return -1;
    if (generated_here) {
        db_buf_printf(b, " GENERATED ALWAYS AS (%s) STORED", c->generated_sql);
    } else if (c->generated_sql) {
        db_warn(&st->diag,
                "table \"%s\", column \"%s\": generation expression from %s not carried, "
                "created as a plain nullable column",
                st->display, c->name, st->source_backend ? st->source_backend : "another backend");
    } else if (c->default_sql && !identity) {
        if (st->source_is_pg && strstr(c->default_sql, "nextval('")) {
            if (add_serial_default(st, c, ns, b, plan) < 0)
                return -1;
        } else if (st->source_is_pg) {
            db_buf_printf(b, " DEFAULT (%s)", c->default_sql); /* checked by pg_guard */
        } else {
            add_foreign_default(st, c, b);
        }
    }
    if (!c->nullable && !(c->generated_sql && !generated_here))
        db_buf_add(b, " NOT NULL");
    return 0;
}

static int add_partition_by(pg_target *st, const fmt_partitioning *pt, db_buf *b);

static int add_partition_clause(pg_target *st, const fmt_table *t, db_buf *b)
{
    return add_partition_by(st, t->partitioning, b);
}

/* The sequences the defaults name and the target lacks, before the table. */
static int create_sequences(pg_target *st, const fmt_table *t, const serial_sequence_plan *serials)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!serials[i].create)
            continue;
        db_buf seq = {0};
        /* serial makes its sequence as wide as the column; a sequence
         * that is only named in a default is a bigint one */
        fmt_type_kind k = serials[i].owned ? t->columns[i].type.kind : FMT_TYPE_INT64;
        db_buf_printf(&seq, "CREATE SEQUENCE %s%s", serials[i].sequence,
                      k == FMT_TYPE_INT16   ? " AS smallint"
                      : k == FMT_TYPE_INT32 ? " AS integer"
                                            : "");
        if (serials[i].owned && t->columns[i].sequence) {
            db_buf_add(&seq, " ");
            add_sequence_options(&seq, t->columns[i].sequence);
        }
        if (pg_target_run_buf(st, &seq) < 0)
            return db_error(&st->diag,
                            "table \"%s\", column \"%s\": cannot create its sequence: %s",
                            st->display, t->columns[i].name, st->diag.message);
        if (pg_target_note_created_sequence(st, serials[i].sequence) < 0)
            return -1;
    }
    return 0;
}

/* " PARTITION BY RANGE (key)": the strategy is one of three words. */
static int add_partition_by(pg_target *st, const fmt_partitioning *pt, db_buf *b)
{
    const char *s = pt->strategy ? pt->strategy : "";
    if (strcasecmp(s, "range") != 0 && strcasecmp(s, "list") != 0 && strcasecmp(s, "hash") != 0)
        return db_error(&st->diag, "table \"%s\": unknown partitioning strategy \"%s\"",
                        st->display, s);
    db_buf_printf(b, " PARTITION BY %s (%s)",
                  strcasecmp(s, "range") == 0  ? "RANGE"
                  : strcasecmp(s, "list") == 0 ? "LIST"
                                               : "HASH",
                  pt->key ? pt->key : "");
    return 0;
}

/* What a new partition's own CHECKs and, when it is partitioned, its key
 * call: checked over it (still empty), as the table's are. */
static int check_partition(pg_target *st, const fmt_partition *p, char *pq)
{
    char what[256], *saved = st->qname;
    int rc = 0;
    st->qname = pq;
    if (p->partitioning)
        rc = pg_target_check_partition_key(st);
    for (size_t k = 0; rc == 0 && k < p->nchecks; k++) {
        snprintf(what, sizeof what, "table \"%.64s\": partition \"%.64s\": check \"%.64s\"",
                 st->display, p->name, p->checks[k].name ? p->checks[k].name : "");
        if (p->checks[k].expression)
            rc = pg_target_check_table_expression(st, p->checks[k].expression, what);
    }
    st->qname = saved;
    return rc;
}

/* The partitions of parent (quoted, qualified), and theirs (1.3), each
 * bound checked before it is created. A partition's namespace, as a
 * table's, is absent for the default schema (docs/FORMAT.md 2.2), which is
 * where post-data and privileges look for it too: not its parent's. */
static int create_partition_level(pg_target *st, const fmt_partitioning *pt, const char *parent,
                                  int depth)
{
    if (depth > 32)
        return db_error(&st->diag, "table \"%s\": sub-partitions nested too deep", st->display);
    for (size_t i = 0; i < pt->npartitions; i++) {
        const fmt_partition *p = &pt->partitions[i];
        char *pq = pg_qualified(p->namespace, p->name);
        db_buf part = {0};
        char what[200];
        int rc = 0;
        if (!p->name || !pq) {
            free(pq);
            return db_error(&st->diag, "table \"%s\": a partition without a name", st->display);
        }
        snprintf(what, sizeof what, "table \"%.64s\": partition \"%.64s\": its bound", st->display,
                 p->name);
        if (pg_target_ensure_schema(st, p->namespace ? p->namespace : DEFAULT_NAMESPACE) < 0 ||
            pg_target_check_bound(st, p->bound, what) < 0)
            rc = -1;
        db_buf_printf(&part, "CREATE TABLE %s PARTITION OF %s %s", pq, parent,
                      p->bound ? p->bound : "DEFAULT");
        if (rc == 0 && p->partitioning && add_partition_by(st, p->partitioning, &part) < 0)
            rc = -1;
        if (rc == 0 && pg_target_run_buf(st, &part) < 0)
            rc = db_error(&st->diag, "table \"%s\": cannot create partition \"%s\": %s",
                          st->display, p->name, st->diag.message);
        db_buf_free(&part);
        if (rc == 0)
            rc = check_partition(st, p, pq);
        if (rc == 0 && p->partitioning)
            rc = create_partition_level(st, p->partitioning, pq, depth + 1);
        free(pq);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int create_partitions(pg_target *st, const fmt_table *t)
{
    return t->partitioning ? create_partition_level(st, t->partitioning, st->qname, 0) : 0;
}

/* A serial column's sequence, created here, belongs to the column. */
static int own_sequences(pg_target *st, const fmt_table *t, const serial_sequence_plan *serials)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!serials[i].create || !serials[i].owned)
            continue;
        db_buf own = {0};
        db_buf_printf(&own, "ALTER SEQUENCE %s OWNED BY %s.", serials[i].sequence, st->qname);
        db_buf_ident(&own, t->columns[i].name);
        if (pg_target_run_buf(st, &own) < 0)
            return db_error(&st->diag, "table \"%s\", column \"%s\": %s", st->display,
                            t->columns[i].name, st->diag.message);
    }
    return 0;
}

/* COMMENT ON TABLE and COLUMN: text, never SQL, so quoted as a literal
 * (and kept under --untrusted). */
static int add_comments(pg_target *st, const fmt_table *t)
{
    db_buf b = {0};
    if (t->comment) {
        db_buf_printf(&b, "COMMENT ON TABLE %s IS ", st->qname);
        db_buf_literal(&b, t->comment);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "table \"%s\": cannot set its comment: %s", st->display,
                            st->diag.message);
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].comment)
            continue;
        db_buf_printf(&b, "COMMENT ON COLUMN %s.", st->qname);
        db_buf_ident(&b, t->columns[i].name);
        db_buf_add(&b, " IS ");
        db_buf_literal(&b, t->columns[i].comment);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "table \"%s\", column \"%s\": cannot set its comment: %s",
                            st->display, t->columns[i].name, st->diag.message);
    }
    return 0;
}

int pg_target_create_table(pg_target *st, const fmt_table *t)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    db_buf b = {0};
    serial_sequence_plan *serials = calloc(t->ncolumns + 1, sizeof *serials);
    int rc = -1;

    if (!serials)
        return db_oom(&st->diag);
    if (pg_target_ensure_schema(st, ns) < 0)
        goto done;
    db_buf_add(&b, "CREATE TABLE ");
    db_buf_add(&b, st->qname);
    db_buf_add(&b, " (");
    for (size_t i = 0; i < t->ncolumns; i++)
        if (add_column(st, t, i, ns, &b, &serials[i]) < 0)
            goto done;
    db_buf_add(&b, "\n)");
    if (t->partitioning && add_partition_clause(st, t, &b) < 0)
        goto done;
    if (create_sequences(st, t, serials) < 0)
        goto done;
    if (b.oom) {
        db_oom(&st->diag);
        goto done;
    }
    if (pg_target_run(st, b.buf, 0, NULL, NULL) < 0) {
        db_error(&st->diag, "table \"%s\": cannot create it: %s", st->display, st->diag.message);
        goto done;
    }
    if (t->partitioning && pg_target_check_partition_key(st) < 0)
        goto done;
    if (add_comments(st, t) < 0)
        goto done;
    if (create_partitions(st, t) < 0 || own_sequences(st, t, serials) < 0)
        goto done;
    /* SQLite's table options, declared types, ...: PostgreSQL has no place
     * for them, so they go into the tool's own table */
    if (pg_target_keep_origin(st, t) < 0)
        goto done;
    rc = 0;
done:
    for (size_t i = 0; i < t->ncolumns; i++)
        free(serials[i].sequence);
    free(serials);
    db_buf_free(&b);
    return rc;
}

/* Encodings of a table that is not created (a dry run): from the file. */
int pg_target_encodings_from_file(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        db_buf type = {0};
        column_type(st, t, c, &type);
        if (type.oom || pg_target_set_type_label(st, i, type.buf) < 0) {
            db_buf_free(&type);
            return db_oom(&st->diag);
        }
        db_buf_free(&type);
        st->enc[i].enc = pg_copy_encoding_for_kind(c->type.kind);
        st->enc[i].dimension = c->type.param1;
        st->enc[i].element = c->type.element;
    }
    return 0;
}
