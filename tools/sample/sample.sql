-- Sample application database for tools/demo.sh: a small blog with users,
-- posts, comments (foreign keys), float32 embeddings, an AUTOINCREMENT audit
-- log, a few NULLs and non-ASCII text. 48 rows. Load with:
--   sqlite3 sample.db < tools/sample/sample.sql
PRAGMA foreign_keys = ON;
BEGIN;

CREATE TABLE users (
  id           INTEGER PRIMARY KEY,
  email        TEXT NOT NULL UNIQUE,
  display_name TEXT,                         -- optional: NULL for two users
  is_admin     BOOLEAN NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE posts (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title        VARCHAR(200) NOT NULL,
  body         TEXT NOT NULL,
  score        REAL,
  published_at TEXT                          -- NULL while a draft
);
CREATE INDEX posts_user_id ON posts(user_id);

CREATE TABLE comments (
  id         INTEGER PRIMARY KEY,
  post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- NULL: deleted account
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX comments_post_id ON comments(post_id);

-- One embedding per post: 4 little-endian float32 values (16 bytes).
CREATE TABLE post_embeddings (
  post_id   INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
  model     TEXT NOT NULL,
  embedding F32_BLOB(4)                      -- NULL: not computed yet
);

CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at     TEXT NOT NULL,
  actor  INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  detail TEXT
);

INSERT INTO users (id, email, display_name, is_admin, created_at) VALUES
  (1, 'alice@example.com',   'Alice Martin',   1, '2024-01-03 09:15:00'),
  (2, 'bob@example.org',     'Bob',            0, '2024-01-04 18:02:11'),
  (3, 'chloe@example.fr',    'Chloé Dupré',    0, '2024-02-11 07:45:30'),
  (4, 'dmitri@example.net',  'Дмитрий Петров', 0, '2024-02-29 23:59:59'),
  (5, 'yuki@example.jp',     NULL,             0, '2024-03-15 12:00:00'),
  (6, 'zoe+news@example.com', NULL,            0, '2024-04-01 00:00:01');

INSERT INTO posts (id, user_id, title, body, score, published_at) VALUES
  (1,  1, 'Hello, world',              'First post on the new blog.',                       4.5,   '2024-01-05 10:00:00'),
  (2,  1, 'Moving from SQLite',        'Notes on moving a database to PostgreSQL.',         3.25,  '2024-01-20 14:30:00'),
  (3,  2, 'Sourdough, week 3',         'Hydration at 75%; crumb still tight.',              2.0,   '2024-02-02 08:10:00'),
  (4,  3, 'Café crème',                'Où boire le meilleur café à Lyon ? ☕',             4.75,  '2024-02-14 16:20:00'),
  (5,  4, 'Заметки о векторах',        'Косинусное сходство и нормализация.',               3.5,   '2024-03-01 11:11:11'),
  (6,  5, '東京の桜',                  '今年の開花は早かった。🌸',                          5.0,   '2024-03-28 06:30:00'),
  (7,  2, 'Draft: bread flour',        'TODO: compare protein content.',                    NULL,  NULL),
  (8,  3, 'Tabs vs. "spaces"',         'A line with a tab:	and a quote: ''single''.',      1.125, '2024-04-10 20:00:00'),
  (9,  1, 'Backups',                   'Test restores.' || char(10) || 'Twice.',            4.0,   '2024-05-01 09:00:00'),
  (10, 6, 'Draft: newsletter',         '',                                                  NULL,  NULL);

INSERT INTO comments (id, post_id, user_id, body, created_at) VALUES
  (1,  1, 2,    'Welcome!',                                  '2024-01-05 11:00:00'),
  (2,  1, 3,    'Bienvenue 🎉',                              '2024-01-05 12:30:00'),
  (3,  2, 4,    'Did you keep the foreign keys?',            '2024-01-21 08:00:00'),
  (4,  2, 1,    'Yes, and the indexes.',                     '2024-01-21 09:15:00'),
  (5,  3, 1,    'Try a longer bulk ferment.',                '2024-02-02 19:40:00'),
  (6,  3, NULL, 'Great crumb shot!',                         '2024-02-03 07:00:00'),
  (7,  4, 5,    'Je note l''adresse.',                       '2024-02-15 10:10:10'),
  (8,  5, 3,    'Merci pour l''explication.',                '2024-03-02 13:00:00'),
  (9,  5, 4,    'Пожалуйста!',                               '2024-03-02 14:00:00'),
  (10, 6, 1,    'Beautiful.',                                '2024-03-28 09:00:00'),
  (11, 6, 2,    'すごい！',                                  '2024-03-29 01:23:45'),
  (12, 8, 4,    'Spaces, obviously.',                        '2024-04-11 08:00:00'),
  (13, 8, 2,    'Tabs.',                                     '2024-04-11 08:01:00'),
  (14, 9, 6,    'Restores are the only backup test.',        '2024-05-02 17:45:00');

INSERT INTO post_embeddings (post_id, model, embedding) VALUES
  (1,  'tiny-embed-4', X'0000803F00000000000000BF0000803E'),  -- [1, 0, -0.5, 0.25]
  (2,  'tiny-embed-4', X'0000003F0000003F0000003F0000003F'),  -- [0.5, 0.5, 0.5, 0.5]
  (3,  'tiny-embed-4', X'000000000000803F00000000000080BF'),  -- [0, 1, 0, -1]
  (4,  'tiny-embed-4', X'0000003E000080BE000000400000C03F'),  -- [0.125, -0.25, 2, 1.5]
  (5,  'tiny-embed-4', X'000080BF0000403F0000000000000000'),  -- [-1, 0.75, 0, 0]
  (6,  'tiny-embed-4', X'00004040000000C00000003F0000803D'),  -- [3, -2, 0.5, 0.0625]
  (7,  'tiny-embed-4', NULL),
  (8,  'tiny-embed-4', X'00000000000000000000803F00000000'),  -- [0, 0, 1, 0]
  (9,  'tiny-embed-4', X'0000C03E0000203F000000BE0000803F'),  -- [0.375, 0.625, -0.125, 1]
  (10, 'tiny-embed-4', X'0000204000000000000040C00000003F');  -- [2.5, 0, -3, 0.5]

-- AUTOINCREMENT assigns the ids; entry 3 is deleted so the ids have a gap.
INSERT INTO audit_log (at, actor, action, detail) VALUES
  ('2024-01-03 09:15:00', 1,    'user.create', '{"id":1}'),
  ('2024-01-04 18:02:11', 1,    'user.create', '{"id":2}'),
  ('2024-01-10 00:00:00', NULL, 'cron.vacuum', NULL),
  ('2024-02-11 07:45:30', 1,    'user.create', '{"id":3}'),
  ('2024-02-29 23:59:59', 1,    'user.create', '{"id":4}'),
  ('2024-03-15 12:00:00', 1,    'user.create', '{"id":5}'),
  ('2024-04-01 00:00:01', 1,    'user.create', '{"id":6}'),
  ('2024-04-10 20:05:00', 3,    'post.edit',   '{"id":8,"field":"title"}'),
  ('2024-05-01 09:00:00', NULL, 'cron.backup', '{"ok":true}');
DELETE FROM audit_log WHERE id = 3;

COMMIT;
