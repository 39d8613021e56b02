-- SQLite step 21: carts with several sellers. A checkout groups one order per seller; its payment
-- (one risk decision, one code, one card authorization) has no order of its own (`order_id` NULL,
-- `checkout_id` set), and each order of the checkout has its part: a payment row with its order,
-- its share of the Pocket and card amounts and its own Pocket hold, captured, released and refunded
-- on its own. Spending limits count the parts (what each order really authorized or captured),
-- never the checkout's payment as well.
--
-- SQLite cannot drop NOT NULL from a column, so `payments` is rebuilt (the documented procedure:
-- copy, drop, rename, indexes and triggers again; the migration runs with foreign keys off and
-- checks them before committing).
CREATE TABLE checkouts (
    id TEXT PRIMARY KEY,
    buyer_user_id TEXT NOT NULL REFERENCES users(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    payment_id TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX checkouts_buyer ON checkouts(buyer_user_id, created_at);
ALTER TABLE orders ADD COLUMN checkout_id TEXT REFERENCES checkouts(id);
CREATE INDEX orders_checkout ON orders(checkout_id) WHERE checkout_id IS NOT NULL;

CREATE TABLE payments_rebuilt (
    id TEXT PRIMARY KEY,
    order_id TEXT UNIQUE REFERENCES orders(id),
    buyer_user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    pocket_amount INTEGER NOT NULL DEFAULT 0,
    card_amount INTEGER NOT NULL DEFAULT 0,
    card_id TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    hold_id TEXT,
    authorization_id TEXT,
    authorization_expires_at INTEGER,
    amount_captured INTEGER NOT NULL DEFAULT 0 CHECK (amount_captured <= amount),
    amount_refunded INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded <= amount_captured),
    attempt_in_progress TEXT,
    last_error_code TEXT,
    last_decline_code TEXT,
    last_error_message TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    presentment_amount INTEGER,
    presentment_currency TEXT,
    fx_rate TEXT,
    unauthorized_reported_at INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}',
    checkout_id TEXT REFERENCES checkouts(id),
    CHECK (order_id IS NOT NULL OR checkout_id IS NOT NULL)
);
INSERT INTO payments_rebuilt (id, order_id, buyer_user_id, status, amount, currency, pocket_amount, card_amount, card_id,
    card_brand, card_last4, hold_id, authorization_id, authorization_expires_at, amount_captured, amount_refunded,
    attempt_in_progress, last_error_code, last_decline_code, last_error_message, created_at, updated_at,
    presentment_amount, presentment_currency, fx_rate, unauthorized_reported_at, metadata)
SELECT id, order_id, buyer_user_id, status, amount, currency, pocket_amount, card_amount, card_id,
    card_brand, card_last4, hold_id, authorization_id, authorization_expires_at, amount_captured, amount_refunded,
    attempt_in_progress, last_error_code, last_decline_code, last_error_message, created_at, updated_at,
    presentment_amount, presentment_currency, fx_rate, unauthorized_reported_at, metadata
  FROM payments ORDER BY rowid;
DROP TABLE payments;
ALTER TABLE payments_rebuilt RENAME TO payments;
CREATE INDEX payments_open_attempts ON payments(updated_at) WHERE attempt_in_progress IS NOT NULL;
CREATE INDEX payments_authorization_expiry ON payments(authorization_expires_at) WHERE status = 'requires_capture';
-- The velocity rule counts a checkout's payment once (not its parts): the index keeps covering it.
CREATE INDEX payments_buyer ON payments(buyer_user_id, created_at, currency, status, amount, checkout_id, order_id);
CREATE INDEX payments_checkout ON payments(checkout_id) WHERE checkout_id IS NOT NULL;

CREATE TRIGGER payment_spending_insert AFTER INSERT ON payments
    WHEN NEW.order_id IS NOT NULL AND NEW.status IN ('requires_capture', 'succeeded')
BEGIN
    INSERT INTO payment_spending (buyer_user_id, currency, day, amount)
        VALUES (NEW.buyer_user_id, NEW.currency, ((NEW.created_at) - (((NEW.created_at) % 86400) + 86400) % 86400) / 86400, NEW.amount)
        ON CONFLICT (buyer_user_id, currency, day) DO UPDATE SET amount = amount + excluded.amount;
END;
CREATE TRIGGER payment_spending_update AFTER UPDATE OF status, amount, currency, buyer_user_id, created_at ON payments
    WHEN NEW.order_id IS NOT NULL AND (
         (OLD.status IN ('requires_capture', 'succeeded')) <> (NEW.status IN ('requires_capture', 'succeeded'))
      OR (NEW.status IN ('requires_capture', 'succeeded') AND (OLD.amount <> NEW.amount OR OLD.currency <> NEW.currency
          OR OLD.buyer_user_id <> NEW.buyer_user_id OR OLD.created_at <> NEW.created_at)))
BEGIN
    UPDATE payment_spending SET amount = amount - OLD.amount
        WHERE OLD.status IN ('requires_capture', 'succeeded') AND buyer_user_id = OLD.buyer_user_id AND currency = OLD.currency
          AND day = ((OLD.created_at) - (((OLD.created_at) % 86400) + 86400) % 86400) / 86400;
    INSERT INTO payment_spending (buyer_user_id, currency, day, amount)
        SELECT NEW.buyer_user_id, NEW.currency, ((NEW.created_at) - (((NEW.created_at) % 86400) + 86400) % 86400) / 86400, NEW.amount WHERE NEW.status IN ('requires_capture', 'succeeded')
        ON CONFLICT (buyer_user_id, currency, day) DO UPDATE SET amount = amount + excluded.amount;
END;
CREATE TRIGGER payment_spending_delete AFTER DELETE ON payments
    WHEN OLD.order_id IS NOT NULL AND OLD.status IN ('requires_capture', 'succeeded')
BEGIN
    UPDATE payment_spending SET amount = amount - OLD.amount
        WHERE buyer_user_id = OLD.buyer_user_id AND currency = OLD.currency AND day = ((OLD.created_at) - (((OLD.created_at) % 86400) + 86400) % 86400) / 86400;
END;
