-- Functions and procedures over the types of routines.sql (load that
-- first), for test_pg_routines.sh: SQL string and SQL-standard bodies, one
-- whose body needs a table, plpgsql, a procedure, a trigger using one, an
-- index, a default and a CHECK calling them, comments, awkward names.
SET client_min_messages = warning;
CREATE FUNCTION "Odd ""Schema"""."add one"(a integer, b integer DEFAULT 1)
    RETURNS integer LANGUAGE sql IMMUTABLE AS $$SELECT a + b$$;
CREATE FUNCTION app."twice ""x"""(x integer) RETURNS integer LANGUAGE sql IMMUTABLE
    RETURN x * 2;
CREATE FUNCTION app.pair_a(p "Odd ""Schema"""."pair ""q""") RETURNS integer
    LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT (p).a; END;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.c := 'tt'; -- a comment; and a ';' in a string: ';'
    RETURN NEW;
END
$body$;
CREATE PROCEDURE "Odd ""Schema"""."reset it"(keep integer)
    LANGUAGE plpgsql AS $$BEGIN DELETE FROM app.things WHERE id > keep; END$$;
COMMENT ON FUNCTION app."twice ""x"""(integer) IS 'twice, as SQL says it';
COMMENT ON PROCEDURE "Odd ""Schema"""."reset it"(integer) IS E'keeps the first\nrows';

ALTER TABLE app.things ADD COLUMN n integer DEFAULT app."twice ""x"""(21)
    CHECK ("Odd ""Schema"""."add one"(n) > 0);
UPDATE app.things SET n = id;
CREATE INDEX "things by add one" ON app.things ("Odd ""Schema"""."add one"(id, 2));
CREATE TRIGGER "touch ""it""" BEFORE UPDATE ON app.things FOR EACH ROW EXECUTE FUNCTION app.touch();
-- a SQL-standard body that reads a table: created after it
CREATE FUNCTION app.things_count() RETURNS bigint LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT count(*) FROM app.things; END;
CREATE VIEW app."things ""view""" AS SELECT id, n, app.things_count() AS total FROM app.things;
COMMENT ON VIEW app."things ""view""" IS 'a view: x''); DROP VIEW app.x; --';
