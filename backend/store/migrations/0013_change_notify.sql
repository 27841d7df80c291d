-- Cross-instance notifications exist only on PostgreSQL (see
-- migrations_postgres/0013_change_notify.sql): one process owns a SQLite
-- database. The version is kept so both engines share one sequence.
SELECT 1;
