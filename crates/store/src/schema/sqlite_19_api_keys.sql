-- SQLite step 19: API keys a seller manages. Each key gets an id to name it by, a name, an expiry (a
-- rolled key keeps working until then) and the time it was last used (written at most once a
-- minute). The key itself is still only its hash.
ALTER TABLE api_keys ADD COLUMN id TEXT;
ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT 'Secret key';
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
UPDATE api_keys SET id = 'key_' || lower(hex(randomblob(12)));
CREATE UNIQUE INDEX api_keys_id ON api_keys(id);
CREATE INDEX api_keys_merchant ON api_keys(merchant_id);
