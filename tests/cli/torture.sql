-- A SQLite database that uses everything the format must carry.
-- Built by the CLI tests with the sqlite3 shell.
PRAGMA foreign_keys = ON;

CREATE TABLE "Odd ""Name"" table" (
    "Id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "first name" TEXT NOT NULL DEFAULT 'anon' COLLATE NOCASE,
    "select" INT CHECK ("select" >= 0),
    score REAL DEFAULT 1.5,
    note TEXT,
    CONSTRAINT positive_id CHECK ("Id" > 0)
);

CREATE TABLE values_any (
    k INTEGER PRIMARY KEY,
    a,              -- no declared type: anything goes
    i INTEGER,
    r REAL,
    t TEXT,
    b BLOB,
    n NUMERIC(10,2),
    flag BOOLEAN,
    at DATETIME
);

CREATE TABLE composite (
    a TEXT NOT NULL,
    b INTEGER NOT NULL,
    payload BLOB,
    PRIMARY KEY (a, b)
);

CREATE TABLE wr (
    code TEXT PRIMARY KEY,
    label TEXT UNIQUE,
    qty INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE strict_t (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    raw ANY
) STRICT;

-- self reference, and a cycle between two tables
CREATE TABLE employee (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    manager_id INTEGER REFERENCES employee(id) ON DELETE SET NULL,
    dept_id INTEGER REFERENCES dept(id)
);
CREATE TABLE dept (
    id INTEGER PRIMARY KEY,
    head_id INTEGER REFERENCES employee(id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT UNIQUE NOT NULL
);

CREATE TABLE gen (
    id INTEGER PRIMARY KEY,
    w REAL NOT NULL,
    h REAL NOT NULL,
    area REAL GENERATED ALWAYS AS (w * h) STORED,
    perimeter REAL AS (2 * (w + h)) VIRTUAL
);

CREATE TABLE embedding (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL,
    vec F32_BLOB(3)
);

CREATE INDEX idx_emp_name ON employee(name COLLATE NOCASE DESC);
CREATE INDEX idx_emp_partial ON employee(dept_id) WHERE dept_id IS NOT NULL;
CREATE INDEX idx_expr ON "Odd ""Name"" table"(lower("first name"), score DESC);
CREATE UNIQUE INDEX idx_composite_b ON composite(b, a);

CREATE VIEW emp_names AS SELECT id, name FROM employee ORDER BY name;
CREATE TRIGGER wr_touch AFTER UPDATE ON wr BEGIN
    UPDATE wr SET qty = qty + 0 WHERE code = NEW.code;
END;

INSERT INTO "Odd ""Name"" table" ("first name", "select", score, note) VALUES
    ('Ana', 1, 2.5, 'héllo wörld ✓'),
    ('bob', 0, NULL, 'line1
line2	tab "quoted" \back'),
    ('Ça', 7, -1e-300, '日本語テキスト');
INSERT INTO "Odd ""Name"" table" ("Id", "first name") VALUES (10, 'ten');
DELETE FROM "Odd ""Name"" table" WHERE "Id" = 10;  -- sqlite_sequence keeps 10

INSERT INTO values_any (k, a, i, r, t, b, n, flag, at) VALUES
    (1, -0.0, 9223372036854775807, 1e999, 'nul' || char(0) || 'inside', X'', 0.99, 1, '2009-01-01 00:00:00'),
    (2, 9007199254740993, -9223372036854775808, -1e999, CAST(X'FF00FE' AS TEXT), X'00FF', 5, 0, 1234567890),
    (3, 'text in any', 'abc', 'not a real', X'DEADBEEF', 'blob text', 'NaNish', 2, NULL),
    (4, X'0102', 1.5, 3, 42, 3.25, 123456789012345678, NULL, 'x'),
    (5, 2.5, NULL, 0.1, '', X'', -0.5, 1, '2024-02-29T12:34:56.789Z'),
    (6, NULL, 0, 5e-324, 'ends with space ', NULL, 1e300, 0, NULL);

INSERT INTO composite VALUES ('a', 1, X'00'), ('a', 2, NULL), ('b', 1, randomblob(0));
INSERT INTO wr VALUES ('z9', 'last', 3), ('a1', 'first', 1), ('m5', NULL, 0);
INSERT INTO strict_t VALUES (1, 'one', 1), (2, 'two', 'zwei'), (3, 'three', X'03'), (4, 'four', 4.5);

-- The cycle: employees first without their department, then the department.
INSERT INTO employee VALUES (1, 'Boss', NULL, NULL), (2, 'Alice', 1, NULL), (3, 'bob', 2, NULL);
INSERT INTO dept VALUES (1, 1, 'Head office');
UPDATE employee SET dept_id = 1 WHERE id IN (1, 2);

INSERT INTO gen (id, w, h) VALUES (1, 2, 3), (2, 0.5, 0.25);
INSERT INTO embedding VALUES
    (1, 'one', X'0000803F000000400000404000'),  -- 13 bytes: not a vector(3)
    (2, 'two', X'0000803F0000004000004040'),    -- [1, 2, 3]
    (3, 'nan', X'0000C07F000080FF00000080'),    -- [NaN, -Inf, -0]
    (4, 'none', NULL);
