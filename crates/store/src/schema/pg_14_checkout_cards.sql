-- PostgreSQL step 14 (see migrations.rs).
CREATE TABLE checkout_cards (
    payment_id TEXT PRIMARY KEY,
    key_id BIGINT NOT NULL,
    sealed BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);
