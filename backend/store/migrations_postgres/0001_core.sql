-- PostgreSQL twin of migrations/0001_core.sql. Key/value settings; values are JSON.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- SQLite's 0001 also indexes settings(value) to exercise a two-statement
-- migration; PostgreSQL needs no such index (and a btree entry is bounded).
