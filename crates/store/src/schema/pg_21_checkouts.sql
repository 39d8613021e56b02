-- PostgreSQL step 21: carts with several sellers; see sqlite_21_checkouts.sql. A checkout's own
-- payment has no order (`order_id` NULL); the spending triggers count only payments of an order.
CREATE TABLE checkouts (
    id TEXT PRIMARY KEY,
    buyer_user_id TEXT NOT NULL REFERENCES users(id),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    payment_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX checkouts_buyer ON checkouts(buyer_user_id, created_at);
ALTER TABLE orders ADD COLUMN checkout_id TEXT REFERENCES checkouts(id);
CREATE INDEX orders_checkout ON orders(checkout_id) WHERE checkout_id IS NOT NULL;
ALTER TABLE payments ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE payments ADD COLUMN checkout_id TEXT REFERENCES checkouts(id);
ALTER TABLE payments ADD CONSTRAINT payments_order_or_checkout CHECK (order_id IS NOT NULL OR checkout_id IS NOT NULL);
CREATE INDEX payments_checkout ON payments(checkout_id) WHERE checkout_id IS NOT NULL;
-- The velocity rule counts a checkout's payment once (not its parts): the index keeps covering it.
DROP INDEX payments_buyer;
CREATE INDEX payments_buyer ON payments(buyer_user_id, created_at, currency, status, amount, checkout_id, order_id);

DROP TRIGGER payment_spending_insert ON payments;
CREATE TRIGGER payment_spending_insert AFTER INSERT ON payments
    FOR EACH ROW WHEN (NEW.order_id IS NOT NULL AND NEW.status IN ('requires_capture', 'succeeded'))
    EXECUTE FUNCTION payment_spending_insert();
DROP TRIGGER payment_spending_update ON payments;
CREATE TRIGGER payment_spending_update AFTER UPDATE OF status, amount, currency, buyer_user_id, created_at ON payments
    FOR EACH ROW
    WHEN (NEW.order_id IS NOT NULL AND (
          (OLD.status IN ('requires_capture', 'succeeded')) <> (NEW.status IN ('requires_capture', 'succeeded'))
          OR (NEW.status IN ('requires_capture', 'succeeded') AND (OLD.amount <> NEW.amount OR OLD.currency <> NEW.currency
              OR OLD.buyer_user_id <> NEW.buyer_user_id OR OLD.created_at <> NEW.created_at))))
    EXECUTE FUNCTION payment_spending_update();
DROP TRIGGER payment_spending_delete ON payments;
CREATE TRIGGER payment_spending_delete AFTER DELETE ON payments
    FOR EACH ROW WHEN (OLD.order_id IS NOT NULL AND OLD.status IN ('requires_capture', 'succeeded'))
    EXECUTE FUNCTION payment_spending_delete();
