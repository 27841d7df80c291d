-- Key/value settings: API keys, pool size, retry schedule. Values are JSON.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A second statement, so that multi-statement migrations are exercised.
CREATE INDEX settings_value ON settings(value);
