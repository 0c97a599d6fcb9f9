-- The users' main job: a SQLite application database whose docs table holds
-- float32 embeddings as BLOBs (libSQL's F32_BLOB(384): 384 little-endian
-- IEEE 754 float32 values, 1536 bytes), to be moved into PostgreSQL vector(384).
-- The vectors are deterministic bit patterns, built in SQL: float f of doc d
-- has the bits given by f32_bits below, which include -0.0, subnormals, the
-- largest finite values and exact powers of two among ordinary values.
-- Build with: sqlite3 DB < embeddings.sql
PRAGMA foreign_keys = ON;

CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE docs (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections (id),
    title TEXT NOT NULL,
    body TEXT,
    score REAL,
    published BOOLEAN NOT NULL DEFAULT 0,
    embedding F32_BLOB(384)
);
CREATE INDEX docs_by_collection ON docs (collection_id);

INSERT INTO collections VALUES
    (1, 'manuals', '2024-01-01 00:00:00'),
    (2, 'Tickets "open"', '2024-02-29 12:30:00'),
    (3, 'notes – ünïcödé', '2024-03-01T08:00:00Z');

-- f32_bits(d, f): the 32-bit pattern of float f (0-based) of doc d. Every
-- 41st float is a special value, the rest spread over sign, exponents
-- 2^-37 .. 2^22 and mantissas.
CREATE TEMP TABLE f32_bits AS
WITH RECURSIVE
    d(d) AS (SELECT 1 UNION ALL SELECT d + 1 FROM d WHERE d < 40),
    f(f) AS (SELECT 0 UNION ALL SELECT f + 1 FROM f WHERE f < 383)
SELECT d, f,
    CASE WHEN (d + f) % 41 = 0 THEN
        CASE ((d + f) / 41) % 9
            WHEN 0 THEN 2147483648   -- -0.0
            WHEN 1 THEN 1            -- smallest subnormal, 1.4e-45
            WHEN 2 THEN 2155872255   -- 0x807FFFFF, largest negative subnormal
            WHEN 3 THEN 2139095039   -- 0x7F7FFFFF, largest float, 3.4028235e38
            WHEN 4 THEN 4286578687   -- 0xFF7FFFFF, its negative
            WHEN 5 THEN 8388608      -- 0x00800000, smallest normal
            WHEN 6 THEN 1065353216   -- 1.0
            WHEN 7 THEN 0            -- +0.0
            ELSE 2130706432          -- 0x7F000000, 2^127
        END
    ELSE ((d * 31 + f * 17) % 3 = 0) * 2147483648
        + (90 + (d * 7 + f * 13) % 60) * 8388608
        + (d * 2654435 + f * 40503 + d * f * 97) % 8388608
    END AS bits
FROM d, f;

-- Little-endian bytes through a 256-byte lookup blob: substr on a blob counts
-- bytes, and || joins byte strings unchanged.
CREATE TEMP TABLE byte_table AS SELECT X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF' AS t;

CREATE TEMP TABLE vec AS
WITH RECURSIVE acc(d, f, bytes) AS (
    SELECT d, 0, CAST(X'' AS TEXT) FROM f32_bits WHERE f = 0
    UNION ALL
    SELECT acc.d, acc.f + 1, acc.bytes
        || substr(t, (b.bits & 255) + 1, 1) || substr(t, ((b.bits >> 8) & 255) + 1, 1)
        || substr(t, ((b.bits >> 16) & 255) + 1, 1) || substr(t, ((b.bits >> 24) & 255) + 1, 1)
    FROM acc JOIN f32_bits b ON b.d = acc.d AND b.f = acc.f, byte_table
)
SELECT d, CAST(bytes AS BLOB) AS embedding FROM acc WHERE f = 384;

INSERT INTO docs (id, collection_id, title, body, score, published, embedding)
SELECT d, 1 + d % 3,
    'Doc ' || d || CASE d % 4 WHEN 0 THEN ' "quoted"' WHEN 1 THEN ' it''s' WHEN 2 THEN ' tab	here' ELSE ' ✓' END,
    CASE WHEN d % 5 = 0 THEN NULL ELSE 'Body of doc ' || d || char(10) || 'second line' END,
    CASE d % 6 WHEN 0 THEN NULL WHEN 1 THEN d / 7.0 WHEN 2 THEN 0.0 WHEN 3 THEN 1e308
               WHEN 4 THEN 4.9406564584124654e-324 ELSE -d * 1.25 END,
    d % 2, embedding
FROM vec;

-- A gap in the ids (the next one is max + 1 = 1001), and a doc without an embedding.
INSERT INTO docs (id, collection_id, title, body, score, published, embedding)
SELECT 1000, 2, 'Doc 1000, copy of doc 7', NULL, 0.5, 1, embedding FROM vec WHERE d = 7;
INSERT INTO docs (id, collection_id, title, published) VALUES (500, 3, 'Doc 500 without embedding', 0);

DROP TABLE f32_bits;
DROP TABLE byte_table;
DROP TABLE vec;
