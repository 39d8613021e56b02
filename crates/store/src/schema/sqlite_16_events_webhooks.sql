-- SQLite step 16: events and webhooks. An event is written in the transaction of the change it
-- reports, with one pending delivery per webhook endpoint that wants it (the outbox of webhooks);
-- each delivery attempt is a row, so the log shows every try.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    merchant_id TEXT,
    operators_only INTEGER NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_merchant ON events(merchant_id);
CREATE INDEX events_created ON events(created_at);
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    merchant_id TEXT REFERENCES merchants(id),
    url TEXT NOT NULL,
    description TEXT,
    enabled_events TEXT NOT NULL,
    status TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints(merchant_id);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    response_status INTEGER,
    duration_ms INTEGER,
    error TEXT,
    next_attempt_at INTEGER,
    first_attempt_at INTEGER NOT NULL,
    claimed_until_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
