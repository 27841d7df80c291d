-- The cache version locks exist only on PostgreSQL (see
-- migrations_postgres/0015_cache_locks.sql): one process owns a SQLite
-- database. The version is kept so both engines share one sequence.
SELECT 1;
