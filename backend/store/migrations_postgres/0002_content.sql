-- PostgreSQL twin of migrations/0002_content.sql. Columns keep SQLite's
-- types (JSON as TEXT, times as sortable UTC text) so that the Go code
-- scans the same values from either engine; queries cast to jsonb where
-- they look inside.
--
-- Ids compare case-insensitively, as Flotiq's paths do: SQLite's
-- COLLATE NOCASE is an ICU collation that ignores case here.
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE content_types (
    name       TEXT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE objects (
    type           TEXT NOT NULL,
    id             TEXT NOT NULL COLLATE nocase,
    data           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    latest_version INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted_at     TEXT,
    PRIMARY KEY (type, id)
);

CREATE INDEX objects_live_created ON objects(type, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX objects_live_updated ON objects(type, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX objects_live_title   ON objects(type, title, id)      WHERE deleted_at IS NULL;
CREATE INDEX objects_live_id      ON objects(type, id)             WHERE deleted_at IS NULL;
CREATE INDEX objects_removed      ON objects(type, deleted_at)     WHERE deleted_at IS NOT NULL;

CREATE TABLE object_versions (
    type       TEXT NOT NULL,
    id         TEXT NOT NULL COLLATE nocase,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (type, id, version)
);

CREATE TABLE object_refs (
    type     TEXT NOT NULL,
    id       TEXT NOT NULL COLLATE nocase,
    ref_type TEXT NOT NULL,
    ref_id   TEXT NOT NULL COLLATE nocase,
    PRIMARY KEY (type, id, ref_type, ref_id)
);
CREATE INDEX object_refs_target ON object_refs(ref_type, ref_id);

-- Live objects per type, kept by a trigger as in SQLite. One row per type
-- would be a lock every concurrent create of that type queues on until its
-- commit (it halved REST creates in hookbench); the count is spread over
-- up to 16 rows per type, picked by the writing connection, and a type's
-- count is their sum (content/list.go sums on both engines). A row may go
-- negative; the sum does not.
CREATE TABLE object_counts (
    type  TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    live  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (type, shard)
);

CREATE FUNCTION objects_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s INTEGER := pg_backend_pid() % 16;
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.deleted_at IS NULL THEN
        INSERT INTO object_counts(type, shard, live) VALUES (OLD.type, s, -1)
            ON CONFLICT(type, shard) DO UPDATE SET live = object_counts.live - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
        INSERT INTO object_counts(type, shard, live) VALUES (NEW.type, s, 1)
            ON CONFLICT(type, shard) DO UPDATE SET live = object_counts.live + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER objects_count_insert AFTER INSERT OR DELETE ON objects
    FOR EACH ROW EXECUTE FUNCTION objects_count();
CREATE TRIGGER objects_count_update AFTER UPDATE OF type, deleted_at ON objects
    FOR EACH ROW WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.type <> NEW.type)
    EXECUTE FUNCTION objects_count();
