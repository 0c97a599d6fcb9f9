-- A PostgreSQL database that uses everything the format must carry from
-- PostgreSQL: every column type the PostgreSQL issue lists, with extreme and
-- awkward values, a row of NULLs, odd names, two schemas, identities, a
-- generated column, every constraint kind, a foreign key cycle, special
-- indexes, a partitioned table, a view, functions, a procedure and
-- triggers (one on the view). Load into an empty database:
--   psql -v ON_ERROR_STOP=1 -d DB -f torture.sql
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA "Sales Dept";

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);

CREATE TABLE "All Types" (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    c_smallint smallint,
    c_integer integer,
    c_bigint bigint,
    c_numeric numeric,
    c_numeric_10_2 numeric(10,2),
    c_real real,
    c_double double precision,
    c_text text,
    c_varchar varchar(20),
    c_char char(5),
    c_bytea bytea,
    c_boolean boolean,
    c_date date,
    c_time time,
    c_timetz timetz,
    c_timestamp timestamp,
    c_timestamptz timestamptz,
    c_interval interval,
    c_uuid uuid,
    c_json json,
    c_jsonb jsonb,
    c_int_array integer[],
    c_int_2d integer[][],
    c_text_array text[],
    c_zero_based integer[],
    c_mood mood,
    c_posint posint,
    c_inet inet,
    c_cidr cidr,
    c_macaddr macaddr,
    c_int4range int4range,
    c_tsvector tsvector,
    c_vector vector(3),
    c_halfvec halfvec(3),
    c_sparsevec sparsevec(5),
    "Mixed Case ""Quoted"" col" text
);

-- 1: minimum values, NaN, awkward text.
INSERT INTO "All Types" (c_smallint, c_integer, c_bigint, c_numeric, c_numeric_10_2, c_real, c_double,
    c_text, c_varchar, c_char, c_bytea, c_boolean, c_date, c_time, c_timetz, c_timestamp, c_timestamptz,
    c_interval, c_uuid, c_json, c_jsonb, c_int_array, c_int_2d, c_text_array, c_zero_based, c_mood,
    c_posint, c_inet, c_cidr, c_macaddr, c_int4range, c_tsvector, c_vector, c_halfvec, c_sparsevec,
    "Mixed Case ""Quoted"" col")
VALUES (-32768, -2147483648, -9223372036854775808, 'NaN', -99999999.99, 'NaN', 'NaN',
    E'tab\there\nnew line\r\nCRLF back\\slash ''single'' "double" unicode: é 中文 🦆 \u0001', 'varchar(20) max ok!', 'ab',
    '', false, '2024-02-29', '00:00:00', '12:34:56.789+05:30', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+00',
    '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '{ "a" :  1,"b":[1, 2 ,3]  , "a": "dup"}', 'null',
    '{1,NULL,3}', '{{1,2},{3,NULL}}', '{"a\"quote","com,ma","back\\slash",NULL,"NULL","","{braces}"}', '[0:2]={10,20,30}',
    'sad', 1, '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '[1,10)',
    $$'a' 'fat':2,4 'cat':3A 'it''s':5$$, '[1.5,-0,3.4028235e+38]', '[1,-2.5,65504]', '{1:0.5,3:2}/5',
    'first');

-- 2: maximum values, infinities, binary bytes.
INSERT INTO "All Types" (c_smallint, c_integer, c_bigint, c_numeric, c_numeric_10_2, c_real, c_double,
    c_text, c_varchar, c_char, c_bytea, c_boolean, c_date, c_time, c_timetz, c_timestamp, c_timestamptz,
    c_interval, c_uuid, c_json, c_jsonb, c_int_array, c_int_2d, c_text_array, c_zero_based, c_mood,
    c_posint, c_inet, c_cidr, c_macaddr, c_int4range, c_tsvector, c_vector, c_halfvec, c_sparsevec,
    "Mixed Case ""Quoted"" col")
VALUES (32767, 2147483647, 9223372036854775807, 'Infinity', 99999999.99, 'Infinity', 'Infinity',
    '', 'x', 'abcde', '\x00010203fffe80407f0a0d', true, 'infinity', '23:59:59.999999', '00:00:00-12',
    'infinity', 'infinity', '-1 day +02:00:00.000001', '00000000-0000-0000-0000-000000000000',
    '[]', '{"$ref": "#/x", "a": [1, {"$id": 2}], "b": null}',
    '{}', '{{NULL,NULL},{NULL,NULL}}', '{}', '[0:0]={-1}',
    'happy', 2147483647, '2001:db8::1/64', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff', 'empty',
    '', '[-1e-45,1.1754942e-38,-3.4028235e+38]', '[0,-0,6.1e-05]', '{}/5',
    NULL);

-- 3: negative infinities, -0, 40+ digit numbers, BC dates.
INSERT INTO "All Types" (c_smallint, c_integer, c_bigint, c_numeric, c_numeric_10_2, c_real, c_double,
    c_text, c_varchar, c_char, c_bytea, c_boolean, c_date, c_time, c_timetz, c_timestamp, c_timestamptz,
    c_interval, c_uuid, c_json, c_jsonb, c_int_array, c_int_2d, c_text_array, c_zero_based, c_mood,
    c_posint, c_inet, c_cidr, c_macaddr, c_int4range, c_tsvector, c_vector, c_halfvec, c_sparsevec,
    "Mixed Case ""Quoted"" col")
VALUES (0, 0, 0, '-Infinity', 0.00, '-Infinity', '-Infinity',
    'plain', '', '', decode(repeat('ff00', 64), 'hex'), NULL, '0044-03-15 BC', '24:00:00', '23:59:59.999999+14:59',
    '-infinity', '-infinity', '0', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '"str\u00e9"', '{"b": 1, "a": [true, false, null, 1.5, "x"], "n": 12345678901234567890.123456789}',
    '{-2147483648,2147483647}', '{{1,2,3},{4,5,6}}', '{" lead", "trail ", "tab\there", "ü"}', '[0:1]={7,8}',
    'ok', 42, '::1', '192.168.0.0/16', '00:00:00:00:00:00', '(,5]',
    'simple', '[1,2,3]', '[1,2,3]', '{5:-1.5}/5',
    '');

-- 4: NULL in every column.
INSERT INTO "All Types" DEFAULT VALUES;

-- 5: long numerics, -0, subnormal and largest doubles, time zones.
INSERT INTO "All Types" (c_numeric, c_numeric_10_2, c_real, c_double, c_timestamp, c_timestamptz, c_jsonb, c_text)
VALUES ('-12345678901234567890123456789012345678901234.567890123456789012345678901234567890', 0.01, '-0', '-0',
        '1999-12-31 23:59:59', '1999-12-31 23:59:59.999999-08', '{"$jsonb": "looks tagged"}', 'row 5');
INSERT INTO "All Types" (c_numeric, c_real, c_double, c_timestamptz, c_jsonb, c_text)
VALUES ('0.000000000000000000000000000000000000000000000001', '1.4e-45', '4.9406564584124654e-324',
        '2000-02-29 12:00:00.5+05:45', '"just a string"', 'row 6');
INSERT INTO "All Types" (c_numeric, c_real, c_double, c_jsonb, c_text)
VALUES ('100000000000000000000000000000000000000000000000000000000000', '3.4028235e38', '1.7976931348623157e308',
        '[{"$": 1}, {"k": {"$nested": []}}]', 'row 7');

-- Identity BY DEFAULT, serial, a stored generated column, every constraint
-- kind, and a foreign key cycle (one side DEFERRABLE INITIALLY DEFERRED),
-- in the second schema.
CREATE TABLE "Sales Dept".customers (
    id serial PRIMARY KEY,
    "Name" text NOT NULL UNIQUE,
    best_order_id bigint,
    region text DEFAULT 'north' CHECK (region IN ('north', 'south')),
    CONSTRAINT name_not_blank CHECK (length("Name") > 0)
);
CREATE TABLE "Sales Dept"."Order ""Items""" (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES "Sales Dept".customers (id) ON DELETE CASCADE,
    qty integer NOT NULL CHECK (qty > 0),
    price numeric(10,2) NOT NULL,
    total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED,
    note text,
    code varchar(10),
    CONSTRAINT order_code_unique UNIQUE (customer_id, code)
);
ALTER TABLE "Sales Dept".customers ADD CONSTRAINT customers_best_order_fk
    FOREIGN KEY (best_order_id) REFERENCES "Sales Dept"."Order ""Items""" (id) DEFERRABLE INITIALLY DEFERRED;

BEGIN;
INSERT INTO "Sales Dept".customers ("Name", best_order_id, region) VALUES
    ('Ann', 2, 'north'), ('Bob "the builder"', 3, 'south'), ('Cy''s shop', NULL, DEFAULT);
INSERT INTO "Sales Dept"."Order ""Items""" (customer_id, qty, price, note, code) VALUES
    (1, 1, 9.99, NULL, 'A-1'), (1, 3, 0.10, 'three', 'A-2'), (2, 2, 1234.56, 'two', NULL), (3, 10, 0.01, NULL, NULL);
INSERT INTO "Sales Dept"."Order ""Items""" (id, customer_id, qty, price, note) VALUES (100, 2, 1, 5.00, 'explicit id');
COMMIT;

CREATE INDEX "Items by note" ON "Sales Dept"."Order ""Items""" (note) WHERE note IS NOT NULL;
CREATE INDEX customers_lower_name ON "Sales Dept".customers (lower("Name"));
CREATE INDEX items_price_desc ON "Sales Dept"."Order ""Items""" (price DESC, id);
CREATE UNIQUE INDEX all_types_uuid ON "All Types" (c_uuid) WHERE c_uuid IS NOT NULL;

-- A range-partitioned table: two partitions and a default one.
CREATE TABLE measurements (
    id integer NOT NULL,
    taken date NOT NULL,
    value double precision,
    PRIMARY KEY (taken, id)
) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_other PARTITION OF measurements DEFAULT;
INSERT INTO measurements VALUES
    (1, '2023-05-01', 1.5), (2, '2024-02-29', -0.25), (3, '1999-01-01', NULL), (4, '2030-12-31', 1e100);

CREATE VIEW "Sales Dept"."Big Orders" AS
    SELECT c."Name", i.qty, i.total FROM "Sales Dept"."Order ""Items""" i
    JOIN "Sales Dept".customers c ON c.id = i.customer_id WHERE i.total > 1;

-- User types the format carries since 1.3: a composite type (with a
-- collated attribute and a domain one), a domain's named constraint,
-- comments on types.
CREATE DOMAIN "Sales Dept".percent AS numeric(5,2)
    CONSTRAINT "percent in range" CHECK (VALUE BETWEEN 0 AND 100);
CREATE TYPE "Sales Dept"."Point ""2d""" AS (x double precision, y double precision,
    label text COLLATE "C", share "Sales Dept".percent);
COMMENT ON TYPE "Sales Dept"."Point ""2d""" IS 'a point, with a label';
COMMENT ON DOMAIN "Sales Dept".percent IS 'from 0 to 100';
CREATE TABLE "Sales Dept".places (
    id integer PRIMARY KEY,
    at "Sales Dept"."Point ""2d""",
    route "Sales Dept"."Point ""2d"""[],
    share "Sales Dept".percent
);
INSERT INTO "Sales Dept".places VALUES
    (1, ROW(1.5, -2, 'a "b", c', 12.5), ARRAY[ROW(0, 0, NULL, NULL)::"Sales Dept"."Point ""2d"""], 99.99),
    (2, NULL, '{}', NULL);

-- Functions and procedures the format carries since 1.3 (FORMAT.md 2.9),
-- with what uses them: an index on a SQL function, a plpgsql trigger
-- function and its trigger, an INSTEAD OF trigger on the view.
CREATE FUNCTION "Sales Dept"."norm name"(t text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT lower(btrim(t)) $$;
COMMENT ON FUNCTION "Sales Dept"."norm name"(text) IS 'lower case, no padding';
CREATE FUNCTION "Sales Dept".stamp_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := coalesce(NEW.note, 'none');
    RETURN NEW;
END $$;
CREATE FUNCTION "Sales Dept".big_orders_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Big Orders is read only';
END $$;
CREATE PROCEDURE "Sales Dept".touch(n integer) LANGUAGE sql
    AS $$ UPDATE "Sales Dept".customers SET region = region WHERE id = n $$;
CREATE INDEX customers_norm_name ON "Sales Dept".customers ("Sales Dept"."norm name"("Name"));
CREATE TRIGGER "fill note" BEFORE INSERT ON "Sales Dept"."Order ""Items"""
    FOR EACH ROW EXECUTE FUNCTION "Sales Dept".stamp_note();
CREATE TRIGGER "Big Orders read only" INSTEAD OF INSERT ON "Sales Dept"."Big Orders"
    FOR EACH ROW EXECUTE FUNCTION "Sales Dept".big_orders_insert();
