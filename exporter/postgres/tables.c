/* Tables from the catalogs: the selected relations, their columns, keys,
 * checks, foreign keys, indexes and partitions, as the format's table
 * model, and the warnings for what the file cannot carry. */
#include "pg_source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_catalog.h"
#include "pg_copy_decode.h"
#include "pg_origin.h"
#include "pg_sql.h"
#include "strlist.h"

static void free_entries(table_entry *e, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(e[i].oid);
        free(e[i].nspname);
        free(e[i].relname);
        free(e[i].key);
        free(e[i].comment);
    }
    free(e);
}

static int list_tables(pg_src *s, table_entry **out, size_t *nout)
{
    static const char sql[] =
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
        "c.relrowsecurity OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p "
        "WHERE p.polrelid = c.oid), "
        "c.relacl IS NOT NULL OR EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a "
        "WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid), "
        "pg_catalog.obj_description(c.oid, 'pg_class') "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "AND c.relname <> '" PG_ORIGIN_TABLE "' AND " USER_RELATION KEY_ORDER;
    PGresult *res = pg_src_query(s, sql, NULL, NULL);
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
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        table_entry *e = &list[n];
        if (!pg_src_table_selected(s, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2))) {
            continue;
        }
        n++;
        e->oid = pg_src_dup_val(res, r, 0);
        e->nspname = pg_src_dup_val(res, r, 1);
        e->relname = pg_src_dup_val(res, r, 2);
        e->key = e->nspname && e->relname ? pg_relation_key(e->nspname, e->relname) : NULL;
        e->relkind = PQgetvalue(res, r, 3)[0];
        e->persistence = PQgetvalue(res, r, 4)[0];
        e->rls = pg_src_bool_val(res, r, 5);
        e->grants = pg_src_bool_val(res, r, 6);
        e->inherits = pg_src_bool_val(res, r, 7);
        e->comment = PQgetisnull(res, r, 8) ? NULL : pg_src_dup_val(res, r, 8);
        if (!e->oid || !e->key) {
            rc = pg_src_fail(s, "out of memory");
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

/* The options of an identity or serial column's sequence (1.3); an
 * identity's also its name, which its table's schema holds. */
static int read_sequence_options(pg_src *s, fmt_column *c, const char *qname, const char *relname)
{
    static const char sql[] =
        "SELECT q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle "
        "FROM pg_catalog.pg_sequence q WHERE q.seqrelid = $1::pg_catalog.regclass";
    PGresult *res = pg_src_query(s, sql, qname, NULL);
    fmt_sequence *q;
    int rc = 0;
    if (!res)
        return -1;
    if (PQntuples(res) != 1)
        goto done;
    if (!(q = c->sequence = calloc(1, sizeof *q))) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    q->start = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    q->increment = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    q->min_value = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    q->max_value = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
    q->cache = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
    q->cycle = pg_src_bool_val(res, 0, 5);
    if (c->identity != FMT_IDENTITY_SERIAL && !(q->name = fmt_strdup(relname)))
        rc = pg_src_fail(s, "out of memory");
done:
    PQclear(res);
    return rc;
}

static int read_sequence(pg_src *s, fmt_column *c, const char *nspname, const char *relname)
{
    db_buf sql = {0}, qname = {0};
    PGresult *res = NULL;
    int rc = 0;
    db_buf_ident(&qname, nspname);
    db_buf_add(&qname, ".");
    db_buf_ident(&qname, relname);
    db_buf_printf(&sql, "SELECT last_value, is_called FROM %s", qname.buf ? qname.buf : "");
    if (sql.oom || qname.oom) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    if (!(res = pg_src_query(s, sql.buf, NULL, NULL))) {
        rc = -1;
        goto done;
    }
    if (PQntuples(res) == 1 && pg_src_bool_val(res, 0, 1)) {
        c->has_last_value = true;
        c->last_value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    }
    rc = read_sequence_options(s, c, qname.buf, relname);
done:
    db_buf_free(&qname);
    PQclear(res);
    db_buf_free(&sql);
    return rc;
}

/* Column c from the catalog's column cc. */
static int fill_column(pg_src *s, const pg_catalog_column *cc, fmt_column *c)
{
    const char *def = cc->default_sql;
    char text[FMT_TYPE_BUFSZ];
    c->name = fmt_strdup(cc->name);
    c->native_type = fmt_strdup(cc->type_text);
    c->nullable = !cc->not_null;
    c->collation = fmt_strdup(cc->collation);
    c->collation_namespace = fmt_strdup(cc->collation_namespace);
    if (pg_src_map_type(s, &c->type, cc->type_oid, cc->typmod, 0) < 0)
        return -1;
    fmt_type_format(text, &c->type);
    c->type_text = fmt_strdup(text);
    if (cc->generated == 's') {
        c->generated_sql = fmt_strdup(def);
        c->generated_stored = true;
    } else if (cc->identity == 'a' || cc->identity == 'd') {
        c->identity = cc->identity == 'a' ? FMT_IDENTITY_ALWAYS : FMT_IDENTITY_BY_DEFAULT;
    } else {
        c->default_sql = fmt_strdup(def);
        if (def && cc->seq_deptype == 'a' && strncmp(def, "nextval(", 8) == 0)
            c->identity = FMT_IDENTITY_SERIAL;
    }
    if (!c->name || !c->native_type || !c->type_text || (cc->collation && !c->collation) ||
        (cc->collation_namespace && !c->collation_namespace) ||
        (def && !c->default_sql && !c->generated_sql && cc->identity == '\0'))
        return pg_src_fail(s, "out of memory");
    if (c->identity != FMT_IDENTITY_NONE && cc->seq_deptype &&
        read_sequence(s, c, cc->seq_nspname, cc->seq_relname) < 0)
        return -1;
    return 0;
}

/* The columns, by the catalog reader the target uses for an existing
 * table (pg_catalog.h). */
static int load_columns(pg_src *s, const table_entry *e, fmt_table *t)
{
    pg_catalog_column *cols = NULL;
    size_t n = 0;
    PGresult *failed = NULL;
    int rc = pg_catalog_columns(s->conn, e->oid, &cols, &n, &failed);
    if (rc == -1) {
        pg_src_fail(s, "catalog query failed: %s",
                    failed ? PQresultErrorMessage(failed) : pg_src_server_message(s));
        PQclear(failed);
        return -1;
    }
    if (rc < 0 || !(t->columns = calloc(n + 1, sizeof *t->columns))) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (fill_column(s, &cols[i], &t->columns[t->ncolumns++]) < 0) {
            rc = -1;
            goto done;
        }
        if (cols[i].comment &&
            !(t->columns[t->ncolumns - 1].comment = fmt_strdup(cols[i].comment))) {
            rc = pg_src_fail(s, "out of memory");
            goto done;
        }
    }
done:
    pg_catalog_columns_free(cols, n);
    return rc;
}

/* A primary key or unique constraint from row r of load_constraints'
 * query: name, columns, INCLUDE columns, NULLS NOT DISTINCT. */
static int fill_key(fmt_key *k, const char *name, const PGresult *res, int r)
{
    k->name = fmt_strdup(name);
    k->nulls_not_distinct = pg_src_bool_val(res, r, 12);
    if (!k->name || pg_decode_array_strings(&k->columns, &k->ncolumns, PQgetvalue(res, r, 2)) < 0)
        return -1;
    if (strcmp(PQgetvalue(res, r, 11), "{}") == 0)
        return 0;
    return pg_decode_array_strings(&k->include, &k->ninclude, PQgetvalue(res, r, 11));
}

/* Foreign key fk from row r of load_constraints' query. -1 when memory
 * ran out. */
static int fill_foreign_key(fmt_foreign_key *fk, const char *name, const PGresult *res, int r)
{
    fk->name = fmt_strdup(name);
    fk->ref_table = pg_src_dup_val(res, r, 5);
    fk->ref_namespace = pg_src_namespace_of(PQgetvalue(res, r, 4));
    fk->on_delete = fmt_strdup(pg_fk_action_name(PQgetvalue(res, r, 6)[0]));
    fk->on_update = fmt_strdup(pg_fk_action_name(PQgetvalue(res, r, 7)[0]));
    fk->deferrable = pg_src_bool_val(res, r, 8);
    fk->initially_deferred = pg_src_bool_val(res, r, 9);
    if (!fk->name || !fk->ref_table || !fk->on_delete || !fk->on_update ||
        (strcmp(PQgetvalue(res, r, 4), "public") != 0 && !fk->ref_namespace) ||
        pg_decode_array_strings(&fk->columns, &fk->ncolumns, PQgetvalue(res, r, 2)) < 0 ||
        pg_decode_array_strings(&fk->ref_columns, &fk->nref_columns, PQgetvalue(res, r, 3)) < 0)
        return -1;
    return 0;
}

/* The constraints of a relation, by name: row r has name, type, columns,
 * referenced columns, table and actions, definition, INCLUDE columns and
 * NULLS NOT DISTINCT (columns 11 and 12, for fill_key), the oid (13). */
static const char constraints_sql[] =
    "SELECT c.conname, c.contype, "
    "ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(n, o) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
    "ORDER BY k.o), "
    "ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(n, o) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
    "ORDER BY k.o), "
    "rn.nspname, r.relname, c.confdeltype, c.confupdtype, c.condeferrable, c.condeferred, "
    "pg_catalog.pg_get_constraintdef(c.oid), "
    "ARRAY(SELECT a.attname FROM pg_catalog.pg_index i "
    "CROSS JOIN pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) g(n) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
    "AND a.attnum = i.indkey[g.n - 1] "
    "WHERE i.indexrelid = c.conindid AND c.contype IN ('p', 'u') ORDER BY g.n), "
    /* PostgreSQL 15's indnullsnotdistinct, false before it */
    "coalesce((SELECT (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean "
    "FROM pg_catalog.pg_index i WHERE i.indexrelid = c.conindid AND c.contype = 'u'), false), "
    "c.oid "
    "FROM pg_catalog.pg_constraint c "
    "LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid "
    "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "
    "WHERE c.conrelid = $1 AND c.conparentid = 0 AND c.contype IN ('p', 'u', 'c', 'f', 'x') "
    /* a partition's CHECK inherited from its parent is the parent's */
    "AND (c.contype <> 'c' OR c.conislocal) "
    "ORDER BY c.conname COLLATE \"C\"";

static int load_constraints(pg_src *s, const table_entry *e, fmt_table *t)
{
    PGresult *res = pg_src_query(s, constraints_sql, e->oid, NULL);
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
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        const char *name = PQgetvalue(res, r, 0);
        switch (PQgetvalue(res, r, 1)[0]) {
        case 'p':
            if (!(t->primary_key = calloc(1, sizeof *t->primary_key)) ||
                fill_key(t->primary_key, name, res, r) < 0) {
                rc = pg_src_fail(s, "out of memory");
                goto done;
            }
            break;
        case 'u':
            if (fill_key(&t->uniques[t->nuniques++], name, res, r) < 0) {
                rc = pg_src_fail(s, "out of memory");
                goto done;
            }
            break;
        case 'c': {
            fmt_check *c = &t->checks[t->nchecks++];
            c->name = fmt_strdup(name);
            c->expression = pg_check_expression(PQgetvalue(res, r, 10));
            if (!c->name || !c->expression) {
                rc = pg_src_fail(s, "out of memory");
                goto done;
            }
            break;
        }
        case 'f':
            if (fill_foreign_key(&t->foreign_keys[t->nforeign_keys++], name, res, r) < 0) {
                rc = pg_src_fail(s, "out of memory");
                goto done;
            }
            break;
        default:
            if (!t->exclusions && !(t->exclusions = calloc(n, sizeof *t->exclusions))) {
                rc = pg_src_fail(s, "out of memory");
                goto done;
            }
            if (pg_src_load_exclusion(s, &t->exclusions[t->nexclusions++], name,
                                      PQgetvalue(res, r, 13)) < 0) {
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
        "AND i.indcollation[g.n - 1] IS DISTINCT FROM a.attcollation THEN co.collname END, "
        "CASE WHEN i.indcollation[g.n - 1] NOT IN (0, 100) "
        "AND i.indcollation[g.n - 1] IS DISTINCT FROM a.attcollation THEN cn.nspname END "
        "FROM pg_catalog.pg_index i CROSS JOIN pg_catalog.generate_series(1, i.indnkeyatts) g(n) "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = i.indkey[g.n - 1] AND i.indkey[g.n - 1] <> 0 "
        "LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[g.n - 1] "
        "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
        "WHERE i.indexrelid = $1 ORDER BY g.n";
    PGresult *res = pg_src_query(s, sql, index_oid, NULL);
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    ix->parts = calloc((size_t)PQntuples(res) + 1, sizeof *ix->parts);
    if (!ix->parts) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_index_part *p = &ix->parts[ix->nparts++];
        if (!PQgetisnull(res, r, 0)) {
            p->column = pg_src_dup_val(res, r, 0);
        } else {
            p->expression = pg_src_dup_val(res, r, 1);
        }
        p->descending = pg_src_bool_val(res, r, 2);
        p->collation = pg_src_dup_val(res, r, 3);
        p->collation_namespace = pg_src_dup_val(res, r, 4);
        if ((!p->column && !p->expression) || (!PQgetisnull(res, r, 3) && !p->collation) ||
            (!PQgetisnull(res, r, 4) && !p->collation_namespace)) {
            rc = pg_src_fail(s, "out of memory");
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
        "pg_catalog.pg_get_expr(i.indpred, i.indrelid), pg_catalog.pg_get_indexdef(i.indexrelid), "
        "ARRAY(SELECT a.attname FROM pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) "
        "g(n) "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[g.n - "
        "1] "
        "ORDER BY g.n), "
        "coalesce((pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
        "WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "AND c.contype IN ('p', 'u', 'x')) "
        /* a partition's index attached to its parent's: the parent's recreates it */
        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) "
        "ORDER BY ic.relname COLLATE \"C\"";
    PGresult *res = pg_src_query(s, sql, e->oid, NULL);
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    t->indexes = calloc((size_t)PQntuples(res) + 1, sizeof *t->indexes);
    if (!t->indexes) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_index *ix = &t->indexes[t->nindexes++];
        ix->name = pg_src_dup_val(res, r, 1);
        ix->unique = pg_src_bool_val(res, r, 2);
        ix->where = pg_src_dup_val(res, r, 3);
        ix->sql = pg_src_dup_val(res, r, 4);
        ix->nulls_not_distinct = pg_src_bool_val(res, r, 6);
        if (!ix->name || !ix->sql || (!PQgetisnull(res, r, 3) && !ix->where) ||
            (strcmp(PQgetvalue(res, r, 5), "{}") != 0 &&
             pg_decode_array_strings(&ix->include, &ix->ninclude, PQgetvalue(res, r, 5)) < 0)) {
            rc = pg_src_fail(s, "out of memory");
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

int pg_src_load_relation_indexes(pg_src *s, const char *oid, fmt_index **indexes, size_t *n)
{
    table_entry e = {.oid = (char *)oid};
    fmt_table tmp = {0};
    int rc = load_indexes(s, &e, &tmp);
    *indexes = tmp.indexes;
    *n = tmp.nindexes;
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
        rc = pg_src_fail(s, "out of memory");
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
    part->primary_key = tmp->primary_key;
    part->uniques = tmp->uniques;
    part->nuniques = tmp->nuniques;
    part->checks = tmp->checks;
    part->nchecks = tmp->nchecks;
    tmp->foreign_keys = NULL;
    tmp->indexes = NULL;
    tmp->primary_key = NULL;
    tmp->uniques = NULL;
    tmp->checks = NULL;
    tmp->nforeign_keys = tmp->nindexes = tmp->nuniques = tmp->nchecks = 0;
    if (tmp->nexclusions &&
        pg_src_warn(s,
                    "table \"%s\": partition \"%s\" has its own exclusion constraints, which "
                    "are not carried",
                    parent->key, pe.key) < 0)
        rc = -1;
done:
    fmt_table_free(tmp); /* what the partition did not take */
    free(pe.key);
    return rc;
}

/* The strategy and key of a partitioned table from pg_partitioned_table's
 * partstrat and pg_get_partkeydef (NULL members when memory ran out). */
static void fill_partition_key(fmt_partitioning *p, char strategy, const char *def)
{
    p->strategy = fmt_strdup(strategy == 'r' ? "range" : strategy == 'l' ? "list" : "hash");
    /* "RANGE (created, lower(name))" -> what is inside the parentheses */
    const char *open = strchr(def, '('), *close = strrchr(def, ')');
    if (open && close && close > open) {
        p->key = malloc((size_t)(close - open));
        if (p->key) {
            memcpy(p->key, open + 1, (size_t)(close - open - 1));
            p->key[close - open - 1] = '\0';
        }
    } else {
        p->key = fmt_strdup(def);
    }
}

static int load_partitioning(pg_src *s, const table_entry *e, fmt_table *t);

/* A partition that is partitioned itself (1.3): its strategy, key and
 * partitions, recursively, as part->partitioning. */
static int load_subpartitions(pg_src *s, fmt_partition *part, const char *oid, const char *nspname)
{
    table_entry pe = {.oid = (char *)oid, .nspname = (char *)nspname, .relname = part->name};
    fmt_table tmp = {0};
    if (!(pe.key = pg_relation_key(nspname, part->name)))
        return pg_src_fail(s, "out of memory");
    int rc = load_partitioning(s, &pe, &tmp);
    part->partitioning = tmp.partitioning;
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
    PGresult *res = pg_src_query(s, key_sql, e->oid, NULL);
    fmt_partitioning *p;
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        return pg_src_fail(s, "table \"%s\": no partition key", e->key);
    }
    if (!(p = t->partitioning = calloc(1, sizeof *p))) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    fill_partition_key(p, PQgetvalue(res, 0, 0)[0], PQgetvalue(res, 0, 1));
    if (!p->strategy || !p->key) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    PQclear(res);
    if (!(res = pg_src_query(s, parts_sql, e->oid, NULL))) {
        return -1;
    }
    p->partitions = calloc((size_t)PQntuples(res) + 1, sizeof *p->partitions);
    if (!p->partitions) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (r = 0; r < PQntuples(res); r++) {
        fmt_partition *part = &p->partitions[p->npartitions++];
        part->name = pg_src_dup_val(res, r, 1);
        part->namespace = pg_src_namespace_of(PQgetvalue(res, r, 0));
        part->bound = pg_src_dup_val(res, r, 2);
        if (!part->name || !part->bound ||
            (strcmp(PQgetvalue(res, r, 0), "public") != 0 && !part->namespace)) {
            rc = pg_src_fail(s, "out of memory");
            goto done;
        }
        if (load_partition_objects(s, e, part, PQgetvalue(res, r, 4), PQgetvalue(res, r, 0)) < 0) {
            rc = -1;
            goto done;
        }
        if (PQgetvalue(res, r, 3)[0] == 'p' &&
            load_subpartitions(s, part, PQgetvalue(res, r, 4), PQgetvalue(res, r, 0)) < 0) {
            rc = -1;
            goto done;
        }
    }
done:
    PQclear(res);
    return rc;
}

static int table_warnings(pg_src *s, const table_entry *e)
{
    if (e->inherits && pg_src_warn(s,
                                   "table \"%s\": inheritance is not carried (carried as a "
                                   "plain table)",
                                   e->key) < 0) {
        return -1;
    }
    if (e->persistence == 'u' &&
        pg_src_warn(s, "table \"%s\": unlogged, carried as an ordinary table", e->key) < 0) {
        return -1;
    }
    if (e->grants && !s->privileges &&
        pg_src_warn(s, "table \"%s\": grants are not carried (--privileges carries them)", e->key) <
            0) {
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
        return pg_src_fail(s, "out of memory");
    }
    t->name = fmt_strdup(e->relname);
    t->namespace = pg_src_namespace_of(e->nspname);
    t->comment = e->comment ? fmt_strdup(e->comment) : NULL;
    if (!t->name || (strcmp(e->nspname, "public") != 0 && !t->namespace) ||
        (e->comment && !t->comment)) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    if (table_warnings(s, e) < 0 || load_columns(s, e, t) < 0 || load_constraints(s, e, t) < 0 ||
        load_indexes(s, e, t) < 0 || (e->relkind == 'p' && load_partitioning(s, e, t) < 0) ||
        (e->rls && pg_src_load_row_security(s, e->oid, t) < 0) ||
        (s->privileges && pg_src_load_privileges(s, e->oid, t) < 0) ||
        pg_src_apply_origin(s, e, t) < 0) {
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
int pg_src_load_tables(pg_src *s, fmt_table ***out, size_t *nout)
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
        rc = pg_src_fail(s, "out of memory");
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
                rc = pg_src_fail(s, "out of memory");
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
    fmt_tables_free(tables, ntables);
    free_entries(entries, n);
    return rc;
}

int pg_src_read_schema_once(pg_src *s)
{
    if (s->schema_read) {
        return 0;
    }
    return pg_src_load_tables(s, &s->cached, &s->ncached);
}
