-- PostgreSQL step 15: sellers' money (see migrations.rs).
CREATE TABLE fee_schedules (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    percent_bps BIGINT NOT NULL,
    fixed_amount BIGINT NOT NULL,
    fixed_currency TEXT,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE payout_settings (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    interval TEXT NOT NULL,
    weekly_anchor TEXT,
    minimum_amount BIGINT NOT NULL,
    paused BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE balance_transactions (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    type TEXT NOT NULL,
    amount BIGINT NOT NULL,
    fee BIGINT NOT NULL,
    net BIGINT NOT NULL,
    currency TEXT NOT NULL,
    source TEXT,
    payment_id TEXT,
    status TEXT NOT NULL,
    available_on BIGINT NOT NULL,
    payout_id TEXT,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX balance_transactions_merchant ON balance_transactions(merchant_id, currency, status);
CREATE INDEX balance_transactions_payment ON balance_transactions(payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX balance_transactions_due ON balance_transactions(available_on) WHERE status = 'pending';
CREATE INDEX balance_transactions_payout ON balance_transactions(payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX balance_transactions_unpaid ON balance_transactions(merchant_id, currency)
    WHERE status = 'available' AND payout_id IS NULL;
CREATE TABLE bank_accounts (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    key_id BIGINT NOT NULL,
    sealed BYTEA NOT NULL,
    routing_number TEXT,
    last4 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    is_default BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX bank_accounts_merchant ON bank_accounts(merchant_id);
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    destination_id TEXT NOT NULL REFERENCES bank_accounts(id),
    automatic BIGINT NOT NULL,
    scheduled_day BIGINT,
    arrival_date BIGINT,
    failure_code TEXT,
    bank_reference TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX payouts_merchant ON payouts(merchant_id);
CREATE UNIQUE INDEX payouts_scheduled ON payouts(merchant_id, currency, scheduled_day) WHERE scheduled_day IS NOT NULL;
CREATE INDEX payouts_open ON payouts(updated_at) WHERE status IN ('pending', 'in_transit');
INSERT INTO balance_transactions (id, merchant_id, type, amount, fee, net, currency, source, payment_id, status,
                                  available_on, payout_id, description, created_at)
    SELECT 'btx_opening_' || md5(random()::text || owner || currency), owner, 'adjustment', credits_posted - debits_posted, 0,
           credits_posted - debits_posted, currency, NULL, NULL, 'pending',
           CAST(extract(epoch FROM now()) AS BIGINT) + 1728000, NULL, 'Balance carried in when payouts began',
           CAST(extract(epoch FROM now()) AS BIGINT)
      FROM ledger_accounts WHERE kind = 'seller_payable' AND credits_posted != debits_posted;
