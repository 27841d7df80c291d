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
