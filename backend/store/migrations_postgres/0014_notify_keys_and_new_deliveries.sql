-- A regenerated API key must stop working on every instance at once, not at
-- their next restart: a key is regenerated because it leaked. A change to
-- one of the keys in settings notifies 'keys' on the Hookline channel (see
-- 0013_change_notify.sql), and each instance reads its keys again.
CREATE FUNCTION hookline_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.key IN ('api_key_rw', 'api_key_ro'))
        OR (TG_OP <> 'DELETE' AND NEW.key IN ('api_key_rw', 'api_key_ro')) THEN
        PERFORM hookline_notify('keys');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER settings_notify_keys AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION hookline_keys_changed();

-- Queued deliveries also say which seqs they took: 'new:<lo>:<hi>'. On one
-- SQLite writer rows commit in seq order, so an instance announces new rows
-- as those past the last seq it saw; here seqs are reserved by concurrent
-- transactions of several instances and commit in any order, so a row
-- behind that mark would never be shown as pending. The range names rows
-- of this statement and possibly of others; a reader filters for what it
-- wants.
CREATE FUNCTION hookline_deliveries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lo BIGINT;
    hi BIGINT;
BEGIN
    PERFORM hookline_notify('queue');
    SELECT min(seq), max(seq) INTO lo, hi FROM inserted;
    IF lo IS NOT NULL THEN
        PERFORM hookline_notify('new:' || lo || ':' || hi);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER deliveries_notify_queue ON deliveries;
CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION hookline_deliveries_inserted();
