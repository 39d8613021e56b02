-- SQLite step 20: integrators' metadata (up to 50 string keys, as a JSON object) on products,
-- orders, payments and refunds.
ALTER TABLE products ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE orders ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE payments ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE refunds ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
