-- A regenerated API key is announced to the other instances on PostgreSQL
-- (see migrations_postgres/0014_key_notify.sql); one process owns a SQLite
-- database. The version is kept so both engines share one sequence.
SELECT 1;
