-- PostgreSQL step 19: API keys a seller manages (see sqlite_19_api_keys.sql).
ALTER TABLE api_keys ADD COLUMN id TEXT;
ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT 'Secret key';
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
UPDATE api_keys SET id = 'key_' || substr(md5(random()::text || encode(key_hash, 'hex')), 1, 24);
CREATE UNIQUE INDEX api_keys_id ON api_keys(id);
CREATE INDEX api_keys_merchant ON api_keys(merchant_id);
