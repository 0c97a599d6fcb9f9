-- User-defined types and (later) routines in two schemas with awkward names,
-- for test_pg_routines.sh: enums, domains with named constraints, composite
-- types (nested, with a collation, an array of one), comments on each.
--   psql -v ON_ERROR_STOP=1 -d DB -f routines.sql
SET client_min_messages = warning;
CREATE SCHEMA "Odd ""Schema""";
CREATE SCHEMA app;

CREATE TYPE "Odd ""Schema"""."Mood" AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN "Odd ""Schema""".pos AS integer
    CONSTRAINT "pos is positive" CHECK (VALUE > 0)
    CONSTRAINT small CHECK (VALUE < 1000);
CREATE DOMAIN app.code AS text NOT NULL DEFAULT 'zz' CHECK (length(VALUE) = 2);
CREATE TYPE "Odd ""Schema"""."pair ""q""" AS (
    a "Odd ""Schema""".pos,
    b text COLLATE "C",
    m "Odd ""Schema"""."Mood");
CREATE TYPE app.outer_t AS (p "Odd ""Schema"""."pair ""q""", tags text[], at timestamptz);
COMMENT ON TYPE "Odd ""Schema"""."Mood" IS 'how it feels';
COMMENT ON DOMAIN "Odd ""Schema""".pos IS E'positive\nand small';
COMMENT ON TYPE app.outer_t IS 'nested: x''); DROP TABLE app.things; --';

CREATE TABLE app.things (
    id integer PRIMARY KEY,
    o app.outer_t,
    ps "Odd ""Schema"""."pair ""q"""[],
    c app.code
);
INSERT INTO app.things VALUES
    (1, ROW(ROW(5, 'x y', 'ok'), '{a,"b c"}', '2020-01-02 03:04:05+00'),
        ARRAY[ROW(1, 'a', 'sad'), ROW(NULL, '"q",)', 'it''s fine')]::"Odd ""Schema"""."pair ""q"""[], 'ab'),
    (2, NULL, NULL, 'zz'),
    (3, ROW(NULL, NULL, NULL), '{}', 'cd');
