-- Content type definitions created by users. Internal (system) types such as
-- _webhooks are registered in code and never stored here.
-- definition is the Flotiq CTD JSON as given (extra keys kept), minus the
-- server-owned id/createdAt/updatedAt/deletedAt, which live in columns.
-- rev grows on every change so that compiled schemas can be cached per rev.
CREATE TABLE content_types (
    name       TEXT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Content objects, live and soft-deleted. data holds the property values
-- only; id and the internal block are built from the columns. Timestamps are
-- UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ' so that text order is time order.
-- Ids compare case-insensitively, as Flotiq's paths do.
CREATE TABLE objects (
    type           TEXT NOT NULL,
    id             TEXT NOT NULL COLLATE NOCASE,
    data           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    latest_version INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted_at     TEXT,
    PRIMARY KEY (type, id)
);

-- Partial indexes over live objects only: listing a page sorted by any of
-- these walks the index (id breaks ties so pages are stable), and
-- COUNT(*) of a type is an index-only scan.
CREATE INDEX objects_live_created ON objects(type, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX objects_live_updated ON objects(type, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX objects_live_title   ON objects(type, title, id)      WHERE deleted_at IS NULL;
CREATE INDEX objects_live_id      ON objects(type, id)             WHERE deleted_at IS NULL;
CREATE INDEX objects_removed      ON objects(type, deleted_at)     WHERE deleted_at IS NOT NULL;

-- Every save of an object, kept for good. data is the whole object as the
-- API returned it at that version, internal block included.
CREATE TABLE object_versions (
    type       TEXT NOT NULL,
    id         TEXT NOT NULL COLLATE NOCASE,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (type, id, version)
);

-- Relations (datasource values) of live objects, so that deleting an object
-- another one points at can be refused without scanning every object.
CREATE TABLE object_refs (
    type     TEXT NOT NULL,
    id       TEXT NOT NULL COLLATE NOCASE,
    ref_type TEXT NOT NULL,
    ref_id   TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (type, id, ref_type, ref_id)
) WITHOUT ROWID;
CREATE INDEX object_refs_target ON object_refs(ref_type, ref_id);

-- Live objects per type, kept by triggers so that no write path can forget
-- it: an unfiltered list's total_count is one lookup instead of counting
-- an index.
CREATE TABLE object_counts (
    type TEXT PRIMARY KEY,
    live INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER objects_count_insert AFTER INSERT ON objects WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO object_counts(type, live) VALUES (NEW.type, 1)
        ON CONFLICT(type) DO UPDATE SET live = live + 1;
END;

CREATE TRIGGER objects_count_delete AFTER DELETE ON objects WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE object_counts SET live = live - 1 WHERE type = OLD.type;
END;

CREATE TRIGGER objects_count_update AFTER UPDATE OF type, deleted_at ON objects
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.type <> NEW.type
BEGIN
    UPDATE object_counts SET live = live - 1 WHERE type = OLD.type AND OLD.deleted_at IS NULL;
    INSERT INTO object_counts(type, live) SELECT NEW.type, 1 WHERE NEW.deleted_at IS NULL
        ON CONFLICT(type) DO UPDATE SET live = live + 1;
END;
