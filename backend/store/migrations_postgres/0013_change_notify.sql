-- Cross-instance notifications (PostgreSQL only; its SQLite twin is a no-op,
-- since there one process owns the database).
--
-- Several `hookline serve` instances share this database. Each one listens
-- on the channel 'hookline_' || current_schema() and learns from it, in
-- commit order and only for committed transactions:
--   'queue'      deliveries were queued or made due (wake the pool);
--   'd:<seq>:<t>' a delivery's status or attempts changed (a live event);
--                <t> is the claim token of the instance that wrote it, which
--                has published the event itself;
--   'types:<v>'  content types changed; <v> is the new types version (drop
--                cached entries verified at an older one);
--   'webhooks:<v>' a webhook changed (the same for the cached webhook list).
-- cache_versions counts the type and webhook changes, in the same
-- transaction as the change, so that an instance whose notification was
-- lost still sees, before trusting a cached entry, that it is stale.
CREATE TABLE cache_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO cache_versions(name, version) VALUES ('types', 0), ('webhooks', 0);

CREATE FUNCTION hookline_notify(what TEXT) RETURNS void LANGUAGE sql AS $$
    SELECT pg_notify('hookline_' || current_schema(), what);
$$;

CREATE FUNCTION hookline_queue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hookline_notify('queue');
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_notify_queue AFTER INSERT ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION hookline_queue_changed();

CREATE FUNCTION hookline_delivery_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hookline_notify('d:' || NEW.seq || ':' || COALESCE(OLD.claimed_by, ''));
    IF NEW.status = 'pending' AND NEW.claimed_by IS NULL THEN
        PERFORM hookline_notify('queue');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_notify_change AFTER UPDATE ON deliveries
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.attempts IS DISTINCT FROM NEW.attempts
        OR (NEW.claimed_by IS NULL AND OLD.claimed_by IS NOT NULL))
    EXECUTE FUNCTION hookline_delivery_changed();

CREATE FUNCTION hookline_types_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'types' RETURNING version INTO v;
    PERFORM hookline_notify('types:' || v);
    RETURN NULL;
END $$;
CREATE TRIGGER content_types_notify AFTER INSERT OR UPDATE OR DELETE ON content_types
    FOR EACH STATEMENT EXECUTE FUNCTION hookline_types_changed();

CREATE FUNCTION hookline_webhooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.type = '_webhooks') OR (TG_OP <> 'DELETE' AND NEW.type = '_webhooks') THEN
        UPDATE cache_versions SET version = version + 1 WHERE name = 'webhooks' RETURNING version INTO v;
        PERFORM hookline_notify('webhooks:' || v);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER objects_notify_webhooks AFTER INSERT OR UPDATE OR DELETE ON objects
    FOR EACH ROW EXECUTE FUNCTION hookline_webhooks_changed();
