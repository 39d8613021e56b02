-- SQLite step 15: sellers' money: fee schedules, balance transactions, payout settings, bank accounts and
-- payouts. A seller's payable balance from before is carried in as one `adjustment`, pending for a claim
-- window from the migration, so that nothing a buyer may still claim is paid out.
CREATE TABLE fee_schedules (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    percent_bps INTEGER NOT NULL,
    fixed_amount INTEGER NOT NULL,
    fixed_currency TEXT,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE payout_settings (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    interval TEXT NOT NULL,
    weekly_anchor TEXT,
    minimum_amount INTEGER NOT NULL,
    paused INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE balance_transactions (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    type TEXT NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL,
    net INTEGER NOT NULL,
    currency TEXT NOT NULL,
    source TEXT,
    payment_id TEXT,
    status TEXT NOT NULL,
    available_on INTEGER NOT NULL,
    payout_id TEXT,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL
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
    key_id INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    routing_number TEXT,
    last4 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX bank_accounts_merchant ON bank_accounts(merchant_id);
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    destination_id TEXT NOT NULL REFERENCES bank_accounts(id),
    automatic INTEGER NOT NULL,
    scheduled_day INTEGER,
    arrival_date INTEGER,
    failure_code TEXT,
    bank_reference TEXT,
    sent_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX payouts_merchant ON payouts(merchant_id);
CREATE UNIQUE INDEX payouts_scheduled ON payouts(merchant_id, currency, scheduled_day) WHERE scheduled_day IS NOT NULL;
CREATE INDEX payouts_open ON payouts(updated_at) WHERE status IN ('pending', 'in_transit');
INSERT INTO balance_transactions (id, merchant_id, type, amount, fee, net, currency, source, payment_id, status,
                                  available_on, payout_id, description, created_at)
    SELECT 'btx_opening_' || lower(hex(randomblob(12))), owner, 'adjustment', credits_posted - debits_posted, 0,
           credits_posted - debits_posted, currency, NULL, NULL, 'pending',
           CAST(strftime('%s', 'now') AS INTEGER) + 1728000, NULL, 'Balance carried in when payouts began',
           CAST(strftime('%s', 'now') AS INTEGER)
      FROM ledger_accounts WHERE kind = 'seller_payable' AND credits_posted != debits_posted;

