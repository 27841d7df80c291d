-- PostgreSQL twin of migrations/0012_delivery_checks.sql. On SQLite that
-- step rebuilds the deliveries table to change its CHECK constraints;
-- PostgreSQL needs no rebuild, so the version is recorded and nothing
-- changes.
SELECT 1;
