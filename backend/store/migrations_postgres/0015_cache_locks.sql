-- The type and webhook caches are checked under an advisory lock per kind
-- (store.DB.CacheVersion), no longer by reading cache_versions FOR SHARE:
-- that rewrote one hot tuple's lock word in every write. Writes take the
-- lock shared; a change of the kind takes it exclusively, here in the
-- trigger that counts it (and earlier, through LockCacheVersion, when the
-- change starts in Hookline's own code), so it waits for the writes that
-- trust the old definitions and keeps new ones out until it commits.
CREATE FUNCTION hookline_cache_key(what TEXT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT hashtextextended(current_schema() || '.hookline_cache.' || what, 0);
$$;

CREATE OR REPLACE FUNCTION hookline_types_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(hookline_cache_key('types'));
    UPDATE cache_versions SET version = version + 1 WHERE name = 'types' RETURNING version INTO v;
    PERFORM hookline_notify('types:' || v);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hookline_webhooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.type = '_webhooks') OR (TG_OP <> 'DELETE' AND NEW.type = '_webhooks') THEN
        PERFORM pg_advisory_xact_lock(hookline_cache_key('webhooks'));
        UPDATE cache_versions SET version = version + 1 WHERE name = 'webhooks' RETURNING version INTO v;
        PERFORM hookline_notify('webhooks:' || v);
    END IF;
    RETURN NULL;
END $$;
