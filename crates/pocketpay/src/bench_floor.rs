//! `pocketpay bench floor`: the bare SQLite work of one checkout order, on one core.
//!
//! A short checkout bench builds a real database (schema, buyers with Pocket lots and saved cards,
//! a seller, a product, ledger accounts, a few thousand real orders). Then, on that database, this
//! replays only the SQL statements the writer runs for one order — create, claim and hold, record the
//! authorization, claim the capture, book the capture, mark the shipping email sent — with cached
//! statements, 256 orders per transaction, a savepoint per command, and the log not synced (so only
//! CPU is measured). No JSON, no HTTP, no channels, no issuer, no views: what is left is the ceiling
//! of a single SQLite writer for this schema, whatever runs around it.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rusqlite::{params, Connection, OptionalExtension};

use crate::bench_checkout::{run_checkout, CheckoutBenchArgs};

/// Options of the floor benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct FloorBenchArgs {
    /// Orders replayed (after 1,000 for warm-up).
    #[arg(long, default_value_t = 20_000)]
    pub orders: usize,
    /// Buyers the orders rotate over.
    #[arg(long, default_value_t = 64)]
    pub buyers: usize,
}

/// Orders in one transaction.
const ORDERS_PER_TRANSACTION: usize = 256;

/// The ids one replayed order needs.
struct Fixture {
    merchant: String,
    product: String,
    /// (user id, saved card id, a lot id) per buyer.
    buyers: Vec<(String, String, i64)>,
    /// Four ledger accounts the transfers move between.
    accounts: [i64; 4],
}

pub async fn run(args: FloorBenchArgs) -> anyhow::Result<()> {
    eprintln!("building a real database with a 1-second checkout bench…");
    let report = run_checkout(CheckoutBenchArgs {
        buyers: args.buyers.max(1),
        concurrency: 64,
        seconds: 1,
        http: false,
        keep_db: true,
        database_url: None,
        nodes: 1,
    })
    .await?;
    let db = report.kept.context("the checkout bench did not keep its database")?;
    let dir = db.parent().map(std::path::Path::to_path_buf);
    let outcome = replay(&db, &args);
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    let (statements, per_order) = outcome?;
    let us = per_order.as_secs_f64() * 1e6;
    println!(
        "floor bench: {statements} SQL statements per order (5 commands, each in a savepoint), {us:.0} µs of SQLite work per order on one core = at most {:.0} orders/s for one SQLite writer (no JSON, HTTP, issuer or fsync counted; {} orders, {} per transaction)",
        1e6 / us,
        args.orders,
        ORDERS_PER_TRANSACTION
    );
    Ok(())
}

fn replay(db: &std::path::Path, args: &FloorBenchArgs) -> anyhow::Result<(usize, Duration)> {
    let conn = Connection::open(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Only the CPU is measured here: the durable path syncs the log on its own thread.
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.set_prepared_statement_cache_capacity(128);
    let fixture = fixture(&conn)?;
    let mut counter = Counter { statements: 0, sequence: 0 };
    run_orders(&conn, &fixture, 0..1_000, &mut counter)?;
    counter.statements = 0;
    let began = Instant::now();
    run_orders(&conn, &fixture, 1_000..1_000 + args.orders, &mut counter)?;
    let elapsed = began.elapsed();
    let orders = args.orders.max(1);
    Ok((counter.statements / orders, elapsed / u32::try_from(orders).unwrap_or(u32::MAX)))
}

/// Replays orders `numbers`, [`ORDERS_PER_TRANSACTION`] to a transaction.
fn run_orders(
    conn: &Connection,
    fixture: &Fixture,
    numbers: std::ops::Range<usize>,
    counter: &mut Counter,
) -> rusqlite::Result<()> {
    for (n, i) in numbers.enumerate() {
        if n.is_multiple_of(ORDERS_PER_TRANSACTION) {
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        one_order(conn, fixture, i, counter)?;
        if (n + 1).is_multiple_of(ORDERS_PER_TRANSACTION) {
            conn.execute_batch("COMMIT")?;
        }
    }
    if !conn.is_autocommit() {
        conn.execute_batch("COMMIT")?;
    }
    Ok(())
}

fn fixture(conn: &Connection) -> anyhow::Result<Fixture> {
    let (merchant, product): (String, String) =
        conn.query_row("SELECT merchant_id, id FROM products LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut buyers = Vec::new();
    let mut users =
        conn.prepare("SELECT user_id, id FROM cards WHERE user_id IN (SELECT buyer_user_id FROM orders)")?;
    for row in users.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (user, card) = row?;
        let lot: Option<i64> = conn
            .query_row(
                "SELECT id FROM pocket_lots WHERE user_id = ?1 ORDER BY amount_remaining DESC LIMIT 1",
                [&user],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(lot) = lot {
            buyers.push((user, card, lot));
        }
    }
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM ledger_accounts ORDER BY id LIMIT 4")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let (Ok(accounts), false) = (<[i64; 4]>::try_from(ids), buyers.is_empty()) else {
        bail!("the bench database has no buyers with lots, or fewer than 4 ledger accounts");
    };
    Ok(Fixture { merchant, product, buyers, accounts })
}

struct Counter {
    statements: usize,
    sequence: i64,
}

impl Counter {
    fn run(&mut self, conn: &Connection, sql: &str, values: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.statements += 1;
        conn.prepare_cached(sql)?.execute(values)
    }

    fn one(&mut self, conn: &Connection, sql: &str, values: impl rusqlite::Params) -> rusqlite::Result<()> {
        self.statements += 1;
        let mut statement = conn.prepare_cached(sql)?;
        let mut rows = statement.query(values)?;
        while rows.next()?.is_some() {}
        Ok(())
    }

    /// A fresh id, increasing like the server's time-ordered ones.
    fn id(&mut self, prefix: &str) -> String {
        self.sequence += 1;
        format!("{prefix}_floor{:019}", self.sequence)
    }

    fn key(&mut self) -> i64 {
        self.sequence += 1;
        (1 << 62) + self.sequence
    }

    fn command(
        &mut self,
        conn: &Connection,
        body: impl FnOnce(&mut Self) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        self.run(conn, "SAVEPOINT floor", [])?;
        body(self)?;
        self.run(conn, "RELEASE floor", []).map(|_| ())
    }
}

/// The statements of one order, command by command, as the writer runs them. Lot amounts change by
/// zero (the same row work, without exhausting the lots of a short bench's buyers).
fn one_order(conn: &Connection, f: &Fixture, i: usize, c: &mut Counter) -> rusqlite::Result<()> {
    let (user, card, lot) = &f.buyers[i % f.buyers.len()];
    let [a0, a1, a2, a3] = f.accounts;
    let (order, payment, attempt) = (c.id("ord"), c.id("pay"), c.id("att"));
    let now = 1_800_000_000_i64;
    // 1. Create the order.
    c.command(conn, |c| {
        c.one(conn, "SELECT * FROM products WHERE id = ?1", [&f.product])?;
        c.one(conn, "SELECT * FROM users WHERE id = ?1", [user])?;
        c.one(conn, "INSERT INTO counters (name, value) VALUES ('floor', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value", [])?;
        c.run(conn, "INSERT INTO orders (id, number, buyer_user_id, merchant_id, status, amount, currency, ship_name, ship_line1, ship_city, ship_postal_code, ship_country, created_at)
             VALUES (?1, ?2, ?3, ?4, 'awaiting_payment', 1000, 'USD', 'Bench', '1 Main St', 'Reno', '89501', 'US', ?5)",
            params![order, format!("FL-{i:09}"), user, f.merchant, now])?;
        c.run(conn, "INSERT INTO order_items VALUES (?1, ?2, 'Widget', 1000, 1)", params![order, f.product]).map(|_| ())
    })?;
    // 2. Claim the payment and hold the Pocket part.
    let hold = c.key();
    c.command(conn, |c| {
        c.one(conn, "SELECT * FROM orders WHERE id = ?1", [&order])?;
        for first_day in [now / 86_400, now / 86_400 - 21] {
            c.one(conn, "SELECT COALESCE(SUM(amount), 0) FROM payment_spending WHERE buyer_user_id = ?1 AND currency = 'USD' AND day >= ?2", params![user, first_day])?;
        }
        c.one(conn, "SELECT * FROM payments WHERE order_id = ?1", [&order])?;
        c.run(conn, "INSERT INTO payments (id, order_id, buyer_user_id, status, amount, currency, created_at, updated_at) VALUES (?1, ?2, ?3, 'requires_payment_method', 1000, 'USD', ?4, ?4)",
            params![payment, order, user, now])?;
        c.run(conn, "INSERT INTO payment_attempts VALUES (?1, ?2, 'processing', 500, 500, ?3, 'visa', '4242', NULL, NULL, NULL, ?4)", params![attempt, payment, card, now])?;
        c.run(conn, "UPDATE payments SET pocket_amount = 500, card_amount = 500, card_id = ?2, attempt_in_progress = ?3, updated_at = ?4 WHERE id = ?1", params![payment, card, attempt, now])?;
        c.one(conn, "SELECT count(*) FROM payments WHERE buyer_user_id = ?1 AND created_at >= ?2 AND status IN ('requires_capture', 'succeeded')", params![user, now - 600])?;
        c.one(conn, "SELECT * FROM ledger_accounts WHERE kind = 'pocket' AND owner = ?1 AND currency = 'USD'", [user])?;
        c.one(conn, "SELECT * FROM pocket_lots WHERE user_id = ?1 AND currency = 'USD' AND amount_remaining > 0", [user])?;
        c.run(conn, "INSERT INTO ledger_transfers VALUES (?1, ?2, ?3, 500, 'USD', 1, NULL, ?4, 0, 20, ?5)", params![hold, a0, a1, now + 604_800, now])?;
        c.run(conn, "UPDATE ledger_accounts SET debits_pending = debits_pending + 500 WHERE id = ?1", [a0])?;
        c.run(conn, "UPDATE ledger_accounts SET credits_pending = credits_pending + 500 WHERE id = ?1", [a1])?;
        c.run(conn, "UPDATE pocket_lots SET amount_held = amount_held + 0 WHERE id = ?1", [lot])?;
        c.run(conn, "INSERT INTO pocket_holds VALUES (?1, ?2, 'USD', 500, 0, 0, ?3, 'held', ?4, ?5)", params![attempt, user, hold, order, now])?;
        c.run(conn, "INSERT INTO pocket_hold_parts VALUES (?1, ?2, 500)", params![attempt, lot])?;
        c.run(conn, "INSERT INTO pocket_transactions (user_id, currency, type, amount, balance_after, reference, created_at) VALUES (?1, 'USD', 'payment_hold', -500, 0, ?2, ?3)", params![user, order, now])?;
        c.run(conn, "UPDATE payments SET hold_id = ?2 WHERE id = ?1", params![payment, attempt]).map(|_| ())
    })?;
    // 3. Record the authorization.
    c.command(conn, |c| {
        c.one(conn, "SELECT * FROM payments WHERE id = ?1", [&payment])?;
        c.run(conn, "UPDATE payments SET status = 'requires_capture', authorization_id = 'auth_floor', attempt_in_progress = NULL, updated_at = ?2 WHERE id = ?1", params![payment, now])?;
        c.run(conn, "UPDATE payment_attempts SET status = 'succeeded', authorization_id = 'auth_floor' WHERE id = ?1", [&attempt])?;
        c.one(conn, "SELECT * FROM orders WHERE id = ?1", [&order])?;
        c.run(conn, "UPDATE orders SET status = 'paid', paid_at = ?2 WHERE id = ?1 AND status = 'awaiting_payment'", params![order, now]).map(|_| ())
    })?;
    // 4. Claim the payment for the capture.
    c.command(conn, |c| {
        c.one(conn, "SELECT * FROM payments WHERE order_id = ?1", [&order])?;
        c.run(conn, "UPDATE payments SET attempt_in_progress = 'capture' WHERE id = ?1", [&payment]).map(|_| ())
    })?;
    // 5. Book the capture: post the hold, the card part to the seller, ship, email the buyer.
    let (post, card_capture) = (c.key(), c.key());
    c.command(conn, |c| {
        c.one(conn, "SELECT * FROM payments WHERE id = ?1", [&payment])?;
        c.one(conn, "SELECT * FROM orders WHERE id = ?1", [&order])?;
        c.one(conn, "SELECT * FROM pocket_holds WHERE id = ?1", [&attempt])?;
        c.one(conn, "SELECT * FROM pocket_hold_parts WHERE hold_id = ?1", [&attempt])?;
        c.one(conn, "SELECT * FROM ledger_transfers WHERE id = ?1", [hold])?;
        c.run(conn, "INSERT INTO ledger_transfers VALUES (?1, ?2, ?3, 500, 'USD', 2, ?4, NULL, NULL, 20, ?5)", params![post, a0, a1, hold, now])?;
        c.run(conn, "UPDATE ledger_transfers SET pending_state = 1 WHERE id = ?1", [hold])?;
        c.run(conn, "UPDATE ledger_accounts SET debits_pending = debits_pending - 500, debits_posted = debits_posted + 500 WHERE id = ?1", [a0])?;
        c.run(conn, "UPDATE ledger_accounts SET credits_pending = credits_pending - 500, credits_posted = credits_posted + 500 WHERE id = ?1", [a1])?;
        c.run(conn, "UPDATE pocket_lots SET amount_held = amount_held - 0, amount_remaining = amount_remaining - 0 WHERE id = ?1", [lot])?;
        c.run(conn, "UPDATE pocket_holds SET state = 'captured', captured = 500 WHERE id = ?1", [&attempt])?;
        for (kind, amount) in [("payment_release", 500), ("payment_capture", -500)] {
            c.run(conn, "INSERT INTO pocket_transactions (user_id, currency, type, amount, balance_after, reference, created_at) VALUES (?1, 'USD', ?2, ?3, 0, ?4, ?5)", params![user, kind, amount, order, now])?;
        }
        c.one(conn, "SELECT * FROM ledger_accounts WHERE kind = 'seller_payable' AND owner = ?1 AND currency = 'USD'", [&f.merchant])?;
        c.run(conn, "INSERT INTO ledger_transfers VALUES (?1, ?2, ?3, 500, 'USD', 0, NULL, NULL, NULL, 21, ?4)", params![card_capture, a2, a3, now])?;
        c.run(conn, "UPDATE ledger_accounts SET debits_posted = debits_posted + 500 WHERE id = ?1", [a2])?;
        c.run(conn, "UPDATE ledger_accounts SET credits_posted = credits_posted + 500 WHERE id = ?1", [a3])?;
        c.run(conn, "UPDATE payments SET status = 'succeeded', amount_captured = 1000, attempt_in_progress = NULL, updated_at = ?2 WHERE id = ?1", params![payment, now])?;
        c.run(conn, "UPDATE orders SET status = 'shipped', carrier = 'UPS', tracking_number = '1Z', shipped_at = ?2 WHERE id = ?1 AND status = 'paid'", params![order, now])?;
        c.one(conn, "SELECT email FROM users WHERE id = ?1", [user])?;
        c.run(conn, "INSERT INTO outbox (channel, recipient, subject, body, created_at) VALUES ('email', 'buyer@bench.test', 'Your order has shipped', ?1, ?2)", params![format!("Order FL-{i:09} is on its way."), now]).map(|_| ())
    })?;
    // The outbox worker marks the email sent.
    c.run(conn, "UPDATE outbox SET delivered_at = ?1, attempts = 1 WHERE id = last_insert_rowid()", [now]).map(|_| ())
}
