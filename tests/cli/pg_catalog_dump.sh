#!/usr/bin/env bash
# pg_catalog_dump.sh DBNAME: a normalized listing of a PostgreSQL database's
# user catalog and rows, one line per item, sorted, so two databases that
# hold the same schema and data print the same text (diff them). Lists, for
# every schema but pg_catalog, information_schema and pg_toast: enums with
# their labels, domains with base type, default and checks (by name),
# composite types with their attributes (type, collation), functions and
# procedures (their whole definition), views, triggers, the comment of every
# object that has one (not an extension's); every table's
# columns (format_type, NOT NULL, default, identity kind, generated),
# constraints by name (pg_get_constraintdef), indexes by name (their
# definition), every sequence (identity, serial and stand-alone) with its
# type, options, value and the column that owns it, materialized views
# with their definition and whether they are populated, and an md5 of each
# table's (and populated materialized view's) rows (every column's text
# form, so a type change shows there too).
# Connection from PGHOST/PGPORT/PGUSER; DBNAME is a database name.
set -euo pipefail
db=${1:?usage: pg_catalog_dump.sh DBNAME}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
user_ns="n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'"
{
    q "SELECT 'enum ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' ' ||
              (SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
                 FROM pg_enum e WHERE e.enumtypid = t.oid)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'e' AND $user_ns"
    q "SELECT 'domain ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' ' ||
              format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END ||
              coalesce(' default ' || t.typdefault, '') ||
              coalesce((SELECT ' ' || string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), ' ' ORDER BY c.conname)
                          FROM pg_constraint c WHERE c.contypid = t.oid), '')
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'd' AND $user_ns"
    q "SELECT 'composite ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' ' ||
              (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ||
                                 CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
                                      THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END,
                                 ', ' ORDER BY a.attnum)
                 FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
                WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         JOIN pg_class r ON r.oid = t.typrelid AND r.relkind = 'c'
        WHERE t.typtype = 'c' AND $user_ns"
    q "SELECT 'function ' || p.oid::regprocedure || ' ' ||
              replace(pg_get_functiondef(p.oid), E'\n', '\n')
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p') AND $user_ns
          AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                            AND e.objid = p.oid AND e.deptype = 'e')"
    q "SELECT 'view ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ' ||
              replace(pg_get_viewdef(c.oid), E'\n', '\n')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND $user_ns"
    q "SELECT 'trigger ' || pg_get_triggerdef(t.oid)
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND $user_ns"
    q "SELECT 'comment ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ' ' ||
              quote_literal(d.description)
         FROM pg_description d
         CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
         JOIN pg_namespace n ON quote_ident(n.nspname) = o.schema
        WHERE $user_ns AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid
                                         AND e.objid = d.objoid AND e.deptype = 'e')"
    q "SELECT 'column ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ' ||
              to_char(a.attnum, 'FM000') || ' ' || quote_ident(a.attname) || ' ' ||
              format_type(a.atttypid, a.atttypmod) ||
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END ||
              CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END ||
              CASE a.attgenerated WHEN 's' THEN ' generated' ELSE '' END ||
              coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND $user_ns"
    q "SELECT 'constraint ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ' ||
              quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid)
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE $user_ns"
    q "SELECT 'index ' || quote_ident(n.nspname) || '.' || quote_ident(i.relname) || ' ' ||
              pg_get_indexdef(i.oid)
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE $user_ns"
    q "SELECT 'sequence ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ' ||
              format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement ||
              ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache ||
              CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END ||
              ' value ' || coalesce(p.last_value::text, '-') ||
              coalesce((SELECT ' owned by ' || d.refobjid::regclass::text || '.' || quote_ident(a.attname) ||
                               CASE d.deptype WHEN 'i' THEN ' (identity)' ELSE '' END
                          FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '')
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_sequences p ON p.schemaname = n.nspname AND p.sequencename = c.relname
        WHERE $user_ns"
    q "SELECT 'matview ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) ||
              CASE WHEN c.relispopulated THEN ' populated ' ELSE ' empty ' END || replace(pg_get_viewdef(c.oid), E'\n', ' ')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'm' AND $user_ns"
    # Rows: one md5 per row (its text form), then sorted, so row order on disk
    # does not matter.
    q "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE (c.relkind IN ('r', 'p') OR (c.relkind = 'm' AND c.relispopulated))
          AND NOT c.relispartition AND $user_ns" |
        while IFS= read -r t; do
            q "SELECT 'rows $t ' || count(*) || ' ' || coalesce(md5(string_agg(h, ',' ORDER BY h)), '')
                 FROM (SELECT md5(r::text) AS h FROM $t r) s"
        done
} | LC_ALL=C sort
