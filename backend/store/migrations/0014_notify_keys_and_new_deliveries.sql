-- Regenerated API keys and queued deliveries are announced to the other
-- instances on PostgreSQL (see migrations_postgres/0014_notify_keys_and_new_deliveries.sql);
-- one process owns a SQLite database. The version is kept so both engines
-- share one sequence.
SELECT 1;
