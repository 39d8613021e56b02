//! Versioned schema migrations, applied in order inside one transaction each.
//!
//! Longer than the house's 800 lines on purpose: the first released steps are kept here verbatim, as
//! they ran (a released step is never edited or moved); later steps live in `schema/*.sql`.

use rusqlite::Connection;

use crate::db::{Db, DbError};
use crate::StoreError;

/// Each entry moves the schema from version `index` to `index + 1`. Never edit a released entry: add one.
const MIGRATIONS: &[&str] = &[
    // 1: the ledger, accounts, sessions, merchants, outbox, idempotency.
    r#"
    CREATE TABLE ledger_accounts (
        id INTEGER PRIMARY KEY,
        currency TEXT NOT NULL,
        flags INTEGER NOT NULL,
        kind TEXT NOT NULL,
        owner TEXT,
        debits_posted INTEGER NOT NULL DEFAULT 0,
        credits_posted INTEGER NOT NULL DEFAULT 0,
        debits_pending INTEGER NOT NULL DEFAULT 0,
        credits_pending INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX ledger_accounts_owner ON ledger_accounts(kind, owner, currency) WHERE owner IS NOT NULL;

    CREATE TABLE ledger_transfers (
        id INTEGER PRIMARY KEY,
        debit_account_id INTEGER NOT NULL,
        credit_account_id INTEGER NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        kind INTEGER NOT NULL,
        pending_id INTEGER,
        timeout_at INTEGER,
        pending_state INTEGER,
        code INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    -- Deliberately no index by account: transfers are appended in id order and every random-position
    -- index would dirty pages all over the file in each batch. Per-owner histories live in their
    -- feature's own tables (the Pocket's history, for example).
    CREATE INDEX ledger_transfers_timeout ON ledger_transfers(timeout_at)
        WHERE pending_state = 0 AND timeout_at IS NOT NULL;

    -- Every transfer read as its two postings: the debit (negative) and the credit (positive).
    CREATE VIEW ledger_postings AS
        SELECT id AS transfer_id, debit_account_id AS account_id, -amount AS amount, currency, kind, created_at
          FROM ledger_transfers WHERE kind IN (0, 2)
        UNION ALL
        SELECT id, credit_account_id, amount, currency, kind, created_at
          FROM ledger_transfers WHERE kind IN (0, 2);

    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        status TEXT NOT NULL,
        role TEXT NOT NULL,
        phone TEXT,
        country TEXT NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );

    CREATE TABLE email_verifications (
        user_id TEXT PRIMARY KEY REFERENCES users(id),
        code_hash BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX sessions_user ON sessions(user_id);

    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX login_failures_email ON login_failures(email, at);

    CREATE TABLE merchants (
        id TEXT PRIMARY KEY,
        owner_user_id TEXT NOT NULL REFERENCES users(id),
        name TEXT NOT NULL,
        country TEXT NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX merchants_owner ON merchants(owner_user_id);

    CREATE TABLE api_keys (
        key_hash BLOB PRIMARY KEY,
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        last4 TEXT NOT NULL,
        mode TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        code TEXT,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_undelivered ON outbox(id) WHERE delivered_at IS NULL;
    CREATE INDEX outbox_recipient ON outbox(recipient, id);

    CREATE TABLE idempotency_records (
        key_hash BLOB PRIMARY KEY,
        fingerprint BLOB NOT NULL,
        status INTEGER NOT NULL,
        sealed_body BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX idempotency_records_created ON idempotency_records(created_at);
    "#,
    // 2: the card vault's rows (numbers only encrypted, never the security code).
    r#"
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        fingerprint TEXT NOT NULL,
        key_id INTEGER NOT NULL,
        ciphertext BLOB NOT NULL,
        brand TEXT NOT NULL,
        last4 TEXT NOT NULL,
        exp_month INTEGER NOT NULL,
        exp_year INTEGER NOT NULL,
        funding TEXT NOT NULL,
        country TEXT NOT NULL,
        holder_name TEXT NOT NULL,
        line1 TEXT NOT NULL,
        line2 TEXT,
        city TEXT NOT NULL,
        state TEXT,
        postal_code TEXT NOT NULL,
        address_country TEXT NOT NULL,
        cvc_check TEXT NOT NULL,
        line1_check TEXT NOT NULL,
        postal_check TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        blocked_at INTEGER,
        created_at INTEGER NOT NULL,
        deleted_at INTEGER
    );
    CREATE UNIQUE INDEX cards_user_fingerprint ON cards(user_id, fingerprint) WHERE deleted_at IS NULL;
    CREATE INDEX cards_user ON cards(user_id) WHERE deleted_at IS NULL;
    CREATE INDEX cards_key ON cards(key_id);
    "#,
    // 3: the Pocket (lots, holds, history) and gift cards.
    r#"
    CREATE TABLE pocket_lots (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        currency TEXT NOT NULL,
        amount_initial INTEGER NOT NULL,
        amount_remaining INTEGER NOT NULL CHECK (amount_remaining >= 0),
        amount_held INTEGER NOT NULL DEFAULT 0 CHECK (amount_held >= 0 AND amount_held <= amount_remaining),
        expires_at INTEGER,
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX pocket_lots_owner ON pocket_lots(user_id, currency) WHERE amount_remaining > 0;
    CREATE INDEX pocket_lots_expiry ON pocket_lots(expires_at) WHERE amount_remaining > 0 AND expires_at IS NOT NULL;

    CREATE TABLE pocket_holds (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount INTEGER NOT NULL,
        captured INTEGER NOT NULL DEFAULT 0,
        refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded <= captured),
        transfer_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        reference TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE pocket_hold_parts (
        hold_id TEXT NOT NULL REFERENCES pocket_holds(id),
        lot_id INTEGER NOT NULL REFERENCES pocket_lots(id),
        amount INTEGER NOT NULL,
        PRIMARY KEY (hold_id, lot_id)
    ) WITHOUT ROWID;

    CREATE TABLE pocket_transactions (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        type TEXT NOT NULL,
        amount INTEGER NOT NULL,
        balance_after INTEGER NOT NULL,
        expires_at INTEGER,
        reference TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX pocket_transactions_owner ON pocket_transactions(user_id, id);

    CREATE TABLE gift_card_purchases (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        currency TEXT NOT NULL,
        amount INTEGER NOT NULL,
        denominations TEXT NOT NULL,
        status TEXT NOT NULL,
        card_id TEXT,
        card_brand TEXT NOT NULL,
        card_last4 TEXT NOT NULL,
        authorization_id TEXT,
        failure_code TEXT,
        gift_recipient TEXT,
        gift_message TEXT,
        created_at INTEGER NOT NULL,
        completed_at INTEGER
    );
    CREATE INDEX gift_card_purchases_open ON gift_card_purchases(created_at) WHERE status = 'processing';
    CREATE INDEX gift_card_purchases_owner ON gift_card_purchases(user_id, created_at);

    CREATE TABLE gift_cards (
        id TEXT PRIMARY KEY,
        purchase_id TEXT NOT NULL REFERENCES gift_card_purchases(id),
        buyer_user_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        denomination INTEGER NOT NULL,
        state TEXT NOT NULL,
        code_hash BLOB UNIQUE,
        code_last4 TEXT,
        expires_at INTEGER NOT NULL,
        redeemed_by TEXT,
        redeemed_at INTEGER,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX gift_cards_buyer ON gift_cards(buyer_user_id, created_at);
    CREATE INDEX gift_cards_expiry ON gift_cards(expires_at) WHERE state = 'active';

    CREATE TABLE redeem_failures (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX redeem_failures_scope ON redeem_failures(scope, at);
    "#,
    // 4: the shop: products, orders, payments and their attempts.
    r#"
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

    CREATE TABLE products (
        id TEXT PRIMARY KEY,
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        name TEXT NOT NULL,
        description TEXT,
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        stock INTEGER CHECK (stock IS NULL OR stock >= 0),
        created_at INTEGER NOT NULL
    );

    CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        buyer_user_id TEXT NOT NULL REFERENCES users(id),
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        status TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        ship_name TEXT NOT NULL,
        ship_line1 TEXT NOT NULL,
        ship_line2 TEXT,
        ship_city TEXT NOT NULL,
        ship_state TEXT,
        ship_postal_code TEXT NOT NULL,
        ship_country TEXT NOT NULL,
        carrier TEXT,
        tracking_number TEXT,
        cancel_reason TEXT,
        created_at INTEGER NOT NULL,
        paid_at INTEGER,
        shipped_at INTEGER,
        delivered_at INTEGER,
        completed_at INTEGER,
        canceled_at INTEGER
    );
    CREATE INDEX orders_buyer ON orders(buyer_user_id);
    CREATE INDEX orders_merchant ON orders(merchant_id);

    CREATE TABLE order_items (
        order_id TEXT NOT NULL REFERENCES orders(id),
        product_id TEXT NOT NULL REFERENCES products(id),
        name TEXT NOT NULL,
        unit_amount INTEGER NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (order_id, product_id)
    ) WITHOUT ROWID;

    CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE REFERENCES orders(id),
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
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX payments_open_attempts ON payments(updated_at) WHERE attempt_in_progress IS NOT NULL;
    CREATE INDEX payments_authorization_expiry ON payments(authorization_expires_at) WHERE status = 'requires_capture';

    CREATE TABLE payment_attempts (
        id TEXT PRIMARY KEY,
        payment_id TEXT NOT NULL REFERENCES payments(id),
        status TEXT NOT NULL,
        pocket_amount INTEGER NOT NULL,
        card_amount INTEGER NOT NULL,
        card_id TEXT,
        card_brand TEXT,
        card_last4 TEXT,
        authorization_id TEXT,
        error_code TEXT,
        decline_code TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX payment_attempts_payment ON payment_attempts(payment_id, created_at);
    "#,
    // 5: step-up verification codes bound to a payment and its amount.
    r#"
    CREATE TABLE payment_challenges (
        payment_id TEXT PRIMARY KEY REFERENCES payments(id),
        attempt_id TEXT NOT NULL,
        code_hash BLOB NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts_left INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        reasons TEXT NOT NULL
    );
    CREATE INDEX payments_buyer ON payments(buyer_user_id, created_at);

    CREATE TABLE fx_rates (
        from_currency TEXT NOT NULL,
        to_currency TEXT NOT NULL,
        rate TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (from_currency, to_currency)
    ) WITHOUT ROWID;
    CREATE TABLE fx_quotes (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        from_currency TEXT NOT NULL,
        to_currency TEXT NOT NULL,
        rate TEXT NOT NULL,
        from_amount INTEGER NOT NULL,
        to_amount INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    ALTER TABLE payments ADD COLUMN presentment_amount INTEGER;
    ALTER TABLE payments ADD COLUMN presentment_currency TEXT;
    ALTER TABLE payments ADD COLUMN fx_rate TEXT;
    "#,
    // 6: refunds.
    r#"
    CREATE TABLE refunds (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders(id),
        payment_id TEXT NOT NULL REFERENCES payments(id),
        amount INTEGER NOT NULL CHECK (amount > 0),
        pocket_amount INTEGER NOT NULL,
        card_amount INTEGER NOT NULL,
        card_presentment_amount INTEGER,
        destination TEXT NOT NULL,
        status TEXT NOT NULL,
        issuer_refund_id TEXT,
        expected_at INTEGER,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        settled_at INTEGER
    );
    CREATE INDEX refunds_order ON refunds(order_id, created_at);
    CREATE INDEX refunds_pending ON refunds(expected_at) WHERE status IN ('pending', 'processing');
    "#,
    // 7: claims, unauthorized-payment reports and support tickets.
    r#"
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders(id),
        buyer_user_id TEXT NOT NULL,
        merchant_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount > 0),
        description TEXT NOT NULL,
        status TEXT NOT NULL,
        outcome TEXT,
        refund_amount INTEGER,
        refund_id TEXT,
        seller_message TEXT,
        respond_by INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        escalated_at INTEGER,
        resolved_at INTEGER
    );
    CREATE INDEX claims_order ON claims(order_id);
    CREATE INDEX claims_buyer ON claims(buyer_user_id);
    CREATE INDEX claims_merchant ON claims(merchant_id);
    CREATE INDEX claims_deadline ON claims(respond_by) WHERE status = 'awaiting_seller';

    ALTER TABLE payments ADD COLUMN unauthorized_reported_at INTEGER;

    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        order_id TEXT,
        subject TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX tickets_user ON tickets(user_id);
    CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        author_user_id TEXT NOT NULL,
        author_role TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id, id);
    "#,
    // 8: the spending-limit and velocity checks read only this index (a buyer with many payments
    // no longer costs a table lookup per payment at every checkout).
    r#"
    DROP INDEX payments_buyer;
    CREATE INDEX payments_buyer ON payments(buyer_user_id, created_at, currency, status, amount);
    "#,
    // 9: how many codes an attempt has had sent, so that resending has a limit.
    r#"
    ALTER TABLE payment_challenges ADD COLUMN sends INTEGER NOT NULL DEFAULT 1;
    "#,
    // 10: what each buyer has spent per currency and day (payments authorized or captured), kept by
    // triggers on `payments`, so the daily and monthly limits read at most 31 rows at every checkout
    // instead of every payment of the month. No code path can forget to keep it: the database does.
    r#"
    CREATE TABLE payment_spending (
        buyer_user_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        day INTEGER NOT NULL,
        amount INTEGER NOT NULL,
        PRIMARY KEY (buyer_user_id, currency, day)
    ) WITHOUT ROWID;
    INSERT INTO payment_spending (buyer_user_id, currency, day, amount)
        SELECT buyer_user_id, currency, ((created_at) - (((created_at) % 86400) + 86400) % 86400) / 86400, SUM(amount) FROM payments
        WHERE status IN ('requires_capture', 'succeeded') GROUP BY 1, 2, 3;
    CREATE TRIGGER payment_spending_insert AFTER INSERT ON payments WHEN NEW.status IN ('requires_capture', 'succeeded')
    BEGIN
        INSERT INTO payment_spending (buyer_user_id, currency, day, amount)
            VALUES (NEW.buyer_user_id, NEW.currency, ((NEW.created_at) - (((NEW.created_at) % 86400) + 86400) % 86400) / 86400, NEW.amount)
            ON CONFLICT (buyer_user_id, currency, day) DO UPDATE SET amount = amount + excluded.amount;
    END;
    CREATE TRIGGER payment_spending_update AFTER UPDATE OF status, amount, currency, buyer_user_id, created_at ON payments
        WHEN (OLD.status IN ('requires_capture', 'succeeded')) <> (NEW.status IN ('requires_capture', 'succeeded'))
          OR (NEW.status IN ('requires_capture', 'succeeded') AND (OLD.amount <> NEW.amount OR OLD.currency <> NEW.currency
              OR OLD.buyer_user_id <> NEW.buyer_user_id OR OLD.created_at <> NEW.created_at))
    BEGIN
        UPDATE payment_spending SET amount = amount - OLD.amount
            WHERE OLD.status IN ('requires_capture', 'succeeded') AND buyer_user_id = OLD.buyer_user_id AND currency = OLD.currency
              AND day = ((OLD.created_at) - (((OLD.created_at) % 86400) + 86400) % 86400) / 86400;
        INSERT INTO payment_spending (buyer_user_id, currency, day, amount)
            SELECT NEW.buyer_user_id, NEW.currency, ((NEW.created_at) - (((NEW.created_at) % 86400) + 86400) % 86400) / 86400, NEW.amount WHERE NEW.status IN ('requires_capture', 'succeeded')
            ON CONFLICT (buyer_user_id, currency, day) DO UPDATE SET amount = amount + excluded.amount;
    END;
    CREATE TRIGGER payment_spending_delete AFTER DELETE ON payments WHEN OLD.status IN ('requires_capture', 'succeeded')
    BEGIN
        UPDATE payment_spending SET amount = amount - OLD.amount
            WHERE buyer_user_id = OLD.buyer_user_id AND currency = OLD.currency AND day = ((OLD.created_at) - (((OLD.created_at) % 86400) + 86400) % 86400) / 86400;
    END;
    "#,
    // 11: when a message that a relay refused may be tried again (unset: at once).
    r#"
    ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
    "#,
    // 12: cards blocked by fingerprint (after an unauthorized-payment report), whichever way they are
    // presented again: saved, typed at checkout, or added to the card manager; and the fingerprint of a
    // card typed at checkout without saving it, so that a report can block it too.
    r#"
    CREATE TABLE blocked_cards (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        brand TEXT NOT NULL,
        last4 TEXT NOT NULL,
        payment_id TEXT,
        blocked_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX blocked_cards_fingerprint ON blocked_cards(user_id, fingerprint);
    INSERT OR IGNORE INTO blocked_cards (id, user_id, fingerprint, brand, last4, payment_id, blocked_at)
        SELECT 'bcard_' || lower(hex(randomblob(12))), user_id, fingerprint, brand, last4, NULL, blocked_at
        FROM cards WHERE blocked_at IS NOT NULL;
    CREATE TABLE payment_card_fingerprints (
        payment_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 13: leases of background jobs, so that of several processes on one database one runs them.
    r#"
    CREATE TABLE job_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 14: a card typed at checkout, sealed by the vault, while its payment waits for a one-time code
    // that another process may verify; erased on authorization, failure or expiry.
    r#"
    CREATE TABLE checkout_cards (
        payment_id TEXT PRIMARY KEY,
        key_id INTEGER NOT NULL,
        sealed BLOB NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 15: sellers' money (fees, balance transactions, bank accounts, payouts); see the file's head.
    include_str!("schema/sqlite_15_sellers_money.sql"),
    // 16: events and webhooks; see the file's head.
    include_str!("schema/sqlite_16_events_webhooks.sql"),
    // 17: security questions and document reviews; see the file's head.
    include_str!("schema/sqlite_17_verification.sql"),
    // 18: password resets; see the file's head.
    include_str!("schema/sqlite_18_password_resets.sql"),
    // 19: API keys a seller manages; see the file's head.
    include_str!("schema/sqlite_19_api_keys.sql"),
    // 20: metadata on products, orders, payments and refunds; see the file's head.
    include_str!("schema/sqlite_20_metadata.sql"),
    // 21: carts with several sellers (rebuilds `payments`); see the file's head.
    include_str!("schema/sqlite_21_checkouts.sql"),
    // 22: a person's language and time zone; see the file's head.
    include_str!("schema/sqlite_22_preferences.sql"),
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// PostgreSQL's steps: `(version reached, script)`. PostgreSQL support arrived at version 12, so its
/// first step creates the schema of version 12 at once; every later SQLite step gets its PostgreSQL
/// twin here, with the same number. Never edit a released entry: add one.
const PG_MIGRATIONS: &[(i64, &[&str])] = &[
    (12, &[include_str!("pg_schema.sql"), PG_ENGINE_TABLES]),
    (13, &[PG_JOB_LEASES]),
    (14, &[PG_CHECKOUT_CARDS]),
    (15, &[PG_SELLERS_MONEY]),
    (16, &[include_str!("schema/pg_16_events_webhooks.sql")]),
    (17, &[include_str!("schema/pg_17_verification.sql")]),
    (18, &[include_str!("schema/pg_18_password_resets.sql")]),
    (19, &[include_str!("schema/pg_19_api_keys.sql")]),
    (20, &[include_str!("schema/pg_20_metadata.sql")]),
    (21, &[include_str!("schema/pg_21_checkouts.sql")]),
    (22, &[include_str!("schema/pg_22_preferences.sql")]),
];

/// Step 15 on PostgreSQL.
const PG_SELLERS_MONEY: &str = include_str!("schema/pg_15_sellers_money.sql");

/// Step 14 on PostgreSQL.
const PG_CHECKOUT_CARDS: &str = include_str!("schema/pg_14_checkout_cards.sql");

/// What only the PostgreSQL engine needs: the row every write batch locks (so the batches of all
/// processes apply one at a time), and the processes that started on the database (each takes a
/// number, which goes into the keys it makes so two processes never make the same one).
const PG_ENGINE_TABLES: &str = r#"
CREATE TABLE store_writer (id BIGINT PRIMARY KEY, holder TEXT);
INSERT INTO store_writer (id, holder) VALUES (1, NULL);
CREATE TABLE store_nodes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at BIGINT NOT NULL
);
"#;

/// Step 13 on PostgreSQL.
const PG_JOB_LEASES: &str = include_str!("schema/pg_13_job_leases.sql");

/// Brings a PostgreSQL database to [`SCHEMA_VERSION`]; returns it. Two processes starting at once:
/// the first to lock the version row migrates, the other waits on the lock and then finds nothing
/// to do (PostgreSQL's DDL is transactional, so a step applies whole or not at all).
pub fn migrate_pg(db: &Db) -> Result<i64, StoreError> {
    // The version table itself; a concurrent creator makes this fail once, harmlessly.
    let create = "CREATE TABLE IF NOT EXISTS pocketpay_schema (id BIGINT PRIMARY KEY, version BIGINT NOT NULL);
                  INSERT INTO pocketpay_schema (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;";
    if db.execute_batch(create).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(100));
        db.execute_batch(create)?;
    }
    db.control("BEGIN")?;
    let outcome = (|| -> Result<i64, StoreError> {
        let found: i64 =
            db.query_row("SELECT version FROM pocketpay_schema WHERE id = 1 FOR UPDATE", (), |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { found, known: SCHEMA_VERSION });
        }
        for (version, scripts) in PG_MIGRATIONS {
            if *version > found {
                for sql in *scripts {
                    db.execute_batch(sql)?;
                }
                db.execute("UPDATE pocketpay_schema SET version = ?1 WHERE id = 1", [*version])?;
            }
        }
        Ok(SCHEMA_VERSION)
    })();
    match outcome {
        Ok(v) => {
            db.control("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = db.control("ROLLBACK");
            Err(e)
        }
    }
}

/// Refuses a PostgreSQL database that is not at this program's schema version.
pub fn check_pg_version(db: &Db) -> Result<(), StoreError> {
    let found: i64 =
        db.query_row("SELECT version FROM pocketpay_schema WHERE id = 1", (), |r| r.get(0)).map_err(|_| {
            StoreError::Connect("this PostgreSQL database has no Pocketpay schema: run `pocketpay migrate`".into())
        })?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, known: SCHEMA_VERSION });
    }
    Ok(())
}

/// Opens a write transaction, waiting (a bounded time) for another connection's: a file that another
/// connection is switching to WAL answers "locked" at once, without SQLite's busy handler.
fn begin_immediate(conn: &Connection) -> Result<rusqlite::Transaction<'_>, StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return Ok(other.map_err(DbError::from)?),
        }
    }
}

/// Brings the database to [`SCHEMA_VERSION`]; returns it. Refuses a database from a newer program.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    // A step that rebuilds a table (SQLite's procedure for changes ALTER TABLE cannot make) must run
    // with foreign keys off; each step checks them itself before it commits.
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).map_err(DbError::from)?;
    conn.pragma_update(None, "foreign_keys", "OFF").map_err(DbError::from)?;
    let migrated = migrate_steps(conn, enforced);
    if enforced {
        conn.pragma_update(None, "foreign_keys", "ON").map_err(DbError::from)?;
    }
    migrated
}

fn migrate_steps(conn: &mut Connection, check_keys: bool) -> Result<i64, StoreError> {
    loop {
        // The version is read inside the step's write transaction: of two processes migrating at
        // once, the second waits for the first's step and then finds it done.
        let tx = begin_immediate(conn)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(DbError::from)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { found, known: SCHEMA_VERSION });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else { break };
        tx.execute_batch(sql).map_err(DbError::from)?;
        let broken: i64 = if check_keys {
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).map_err(DbError::from)?
        } else {
            0
        };
        if broken > 0 {
            return Err(StoreError::Corrupt(format!(
                "migration {} would leave {broken} rows pointing at rows that do not exist",
                found + 1
            )));
        }
        tx.pragma_update(None, "user_version", found + 1).map_err(DbError::from)?;
        tx.commit().map_err(DbError::from)?;
    }
    Ok(SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTED: [&str; 2] = ["requires_capture", "succeeded"];
    const STATUSES: [&str; 5] =
        ["requires_payment_method", "requires_action", "requires_capture", "succeeded", "canceled"];

    /// A small deterministic generator (the test must not depend on luck to reproduce).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    fn check(conn: &Connection) {
        for buyer in ["u1", "u2"] {
            for currency in ["USD", "EUR"] {
                for first_day in [-3_i64, -1, 0, 1, 2, 5, 9] {
                    let kept: i64 = conn
                        .query_row(
                            "SELECT COALESCE(SUM(amount), 0) FROM payment_spending WHERE buyer_user_id = ?1 AND currency = ?2 AND day >= ?3",
                            rusqlite::params![buyer, currency, first_day],
                            |r| r.get(0),
                        )
                        .unwrap_or(-1);
                    let direct: i64 = conn
                        .query_row(
                            "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE buyer_user_id = ?1 AND currency = ?2
                             AND created_at >= ?3 AND status IN ('requires_capture', 'succeeded')",
                            rusqlite::params![buyer, currency, first_day * 86_400],
                            |r| r.get(0),
                        )
                        .unwrap_or(-2);
                    assert_eq!(kept, direct, "{buyer} {currency} from day {first_day}");
                }
            }
        }
    }

    #[test]
    fn spending_per_day_follows_every_payment_change() {
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        // Payments alone, without the orders and users they would reference.
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap_or_else(|e| panic!("{e}"));
        // A database at version 9 with payments already in it: migration 10 must count them.
        for (index, sql) in MIGRATIONS.iter().enumerate().take(9) {
            conn.execute_batch(sql).unwrap_or_else(|e| panic!("migration {}: {e}", index + 1));
        }
        conn.pragma_update(None, "user_version", 9).unwrap_or_else(|e| panic!("{e}"));
        let mut rng = Lcg(7);
        let mut next = 0;
        let mut insert = |conn: &Connection, rng: &mut Lcg| {
            next += 1;
            let status = STATUSES[rng.below(5) as usize];
            // Payments from two days before 1970 to ten days after, at any second of the day.
            let created_at = (rng.below(12 * 86_400) as i64) - 2 * 86_400;
            conn.execute(
                "INSERT INTO payments (id, order_id, buyer_user_id, status, amount, currency, created_at, updated_at)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                rusqlite::params![
                    format!("pay_{next}"),
                    ["u1", "u2"][rng.below(2) as usize],
                    status,
                    1 + rng.below(10_000) as i64,
                    ["USD", "EUR"][rng.below(2) as usize],
                    created_at
                ],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        };
        for _ in 0..50 {
            insert(&conn, &mut rng);
        }
        migrate(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        check(&conn);
        let mut counted_seen = 0;
        for step in 0..600 {
            match rng.below(10) {
                0..=2 => insert(&conn, &mut rng),
                3 => {
                    conn.execute(
                        "DELETE FROM payments WHERE id = (SELECT id FROM payments ORDER BY random() LIMIT 1)",
                        [],
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                }
                4 => {
                    // Not a status change: the same status written again, as updates of other fields do.
                    conn.execute(
                        "UPDATE payments SET status = status, updated_at = updated_at + 1 WHERE id = (SELECT id FROM payments ORDER BY random() LIMIT 1)",
                        [],
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                }
                _ => {
                    let status = STATUSES[rng.below(5) as usize];
                    if COUNTED.contains(&status) {
                        counted_seen += 1;
                    }
                    conn.execute(
                        "UPDATE payments SET status = ?1 WHERE id = (SELECT id FROM payments ORDER BY random() LIMIT 1)",
                        [status],
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                }
            }
            if step % 20 == 0 {
                check(&conn);
            }
        }
        check(&conn);
        assert!(counted_seen > 50, "the walk moved payments into counted statuses");
    }
}
