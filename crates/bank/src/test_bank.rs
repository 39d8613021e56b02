//! The test bank: a simulated bank rail with persisted payouts.
//!
//! Every call runs in one SQLite transaction on the bank's own database file (WAL, `synchronous=FULL`:
//! a call answered is durable), behind a mutex. The account number or IBAN decides what a payout does
//! (its last 4 characters, see `Behaviour`); the payout row keeps a SHA-256 of the account, never the
//! number. The status is computed when the payout is read, from the row and the injected clock: a row
//! whose arrival date has passed reads as its final status, which is then stored so that it never
//! changes afterwards, whatever the clock does.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::business_days::add_business_days;
use crate::{BankError, BankPayout, BankStatus, FailureCode, NowFn, PayoutOrder, PayoutRail};

/// Business days from sending to arrival of a standard payout.
pub const ARRIVAL_BUSINESS_DAYS: u32 = 2;
/// Calendar days after which a payout whose answer was lost settles as paid.
pub const NO_ANSWER_SETTLE_DAYS: i64 = 5;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS payouts (
    payout_id TEXT PRIMARY KEY,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    account_key TEXT NOT NULL,
    behaviour TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    arrival_date INTEGER NOT NULL,
    status TEXT NOT NULL,
    failure_code TEXT,
    reference TEXT NOT NULL,
    sends INTEGER NOT NULL DEFAULT 1
);
"#;

/// What the bank does with a payout, chosen by the destination's account number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// In transit, paid on its arrival date, 2 business days after sending.
    Standard,
    /// Paid at once.
    Instant,
    /// In transit, then failed with this code on its arrival date.
    Fails(FailureCode),
    /// Recorded, but the answer is lost on the way back; settles as paid after 5 calendar days.
    NoAnswer,
}

impl Behaviour {
    /// The behaviour of an account number or IBAN (normalized), by its last 4 characters. A
    /// destination without any number has no account at the bank.
    pub(crate) fn of(identifier: Option<&str>) -> Behaviour {
        let Some(id) = identifier else { return Behaviour::Fails(FailureCode::NoAccount) };
        let last4 = id.get(id.len().saturating_sub(4)..).unwrap_or("");
        match last4 {
            "1116" => Behaviour::Instant,
            "1113" => Behaviour::Fails(FailureCode::AccountClosed),
            "2227" => Behaviour::Fails(FailureCode::NoAccount),
            "3335" => Behaviour::Fails(FailureCode::UnsupportedCurrency),
            "4440" => Behaviour::Fails(FailureCode::AccountFrozen),
            "9991" => Behaviour::NoAnswer,
            _ => Behaviour::Standard,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Behaviour::Standard => "standard",
            Behaviour::Instant => "instant",
            Behaviour::Fails(code) => code.code(),
            Behaviour::NoAnswer => "no_answer",
        }
    }

    fn parse(s: &str) -> Option<Behaviour> {
        match s {
            "standard" => Some(Behaviour::Standard),
            "instant" => Some(Behaviour::Instant),
            "no_answer" => Some(Behaviour::NoAnswer),
            other => FailureCode::parse(other).map(Behaviour::Fails),
        }
    }

    /// The status once the payout has arrived.
    fn final_status(self) -> (BankStatus, Option<FailureCode>) {
        match self {
            Behaviour::Fails(code) => (BankStatus::Failed, Some(code)),
            Behaviour::Standard | Behaviour::Instant | Behaviour::NoAnswer => (BankStatus::Paid, None),
        }
    }

    /// Status, arrival date and failure code of a payout sent at `now`.
    fn on_send(self, now: i64) -> (BankStatus, i64, Option<FailureCode>) {
        match self {
            Behaviour::Instant => (BankStatus::Paid, now, None),
            Behaviour::NoAnswer => (BankStatus::InTransit, now.saturating_add(NO_ANSWER_SETTLE_DAYS * 86_400), None),
            Behaviour::Standard | Behaviour::Fails(_) => {
                (BankStatus::InTransit, add_business_days(now, ARRIVAL_BUSINESS_DAYS), None)
            }
        }
    }
}

/// The hash the bank keys an account by: the routing number (if any) and the account number or IBAN.
fn account_key(routing_number: Option<&str>, identifier: Option<&str>) -> String {
    let routing: String = routing_number.unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect();
    let input = format!("pocketpay-test-bank:{routing}:{}", identifier.unwrap_or(""));
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// The bank's reference of a payout: `tb_` and 16 hex characters of a hash of the payout id.
fn bank_reference(payout_id: &str) -> String {
    let digest = Sha256::digest(format!("pocketpay-test-bank-reference:{payout_id}").as_bytes());
    format!("tb_{}", hex::encode(&digest[..8]))
}

fn db_error(e: rusqlite::Error) -> BankError {
    tracing::error!(error = %e, "test bank database error");
    BankError::Storage(e.to_string())
}

fn corrupt(what: &str) -> BankError {
    tracing::error!(what, "test bank row unreadable");
    BankError::Storage(format!("unreadable {what} in a payout row"))
}

/// A payout row as stored.
struct StoredPayout {
    amount: i64,
    currency: String,
    account_key: String,
    behaviour: Behaviour,
    arrival_date: i64,
    status: BankStatus,
    failure_code: Option<FailureCode>,
    reference: String,
}

fn read_row(conn: &Connection, payout_id: &str) -> Result<Option<StoredPayout>, BankError> {
    let raw = conn
        .query_row(
            "SELECT amount, currency, account_key, behaviour, arrival_date, status, failure_code, reference
             FROM payouts WHERE payout_id = ?1",
            params![payout_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()
        .map_err(db_error)?;
    let Some((amount, currency, account_key, behaviour, arrival_date, status, failure_code, reference)) = raw else {
        return Ok(None);
    };
    let failure_code = match failure_code {
        Some(code) => Some(FailureCode::parse(&code).ok_or_else(|| corrupt("failure code"))?),
        None => None,
    };
    Ok(Some(StoredPayout {
        amount,
        currency,
        account_key,
        behaviour: Behaviour::parse(&behaviour).ok_or_else(|| corrupt("behaviour"))?,
        arrival_date,
        status: BankStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        failure_code,
        reference,
    }))
}

/// The payout as it is at `now`; a payout in transit whose arrival date has come gets its final
/// status, stored in the same transaction so that it never changes afterwards.
fn current(conn: &Connection, payout_id: &str, row: StoredPayout, now: i64) -> Result<BankPayout, BankError> {
    let (mut status, mut failure_code) = (row.status, row.failure_code);
    if status == BankStatus::InTransit && now >= row.arrival_date {
        (status, failure_code) = row.behaviour.final_status();
        conn.execute(
            "UPDATE payouts SET status = ?2, failure_code = ?3 WHERE payout_id = ?1",
            params![payout_id, status.name(), failure_code.map(FailureCode::code)],
        )
        .map_err(db_error)?;
        tracing::info!(
            payout_id,
            status = status.name(),
            failure_code = failure_code.map(FailureCode::code),
            "test bank payout settled"
        );
    }
    Ok(BankPayout {
        payout_id: payout_id.to_owned(),
        status,
        arrival_date: row.arrival_date,
        failure_code,
        bank_reference: row.reference,
    })
}

/// The simulated bank.
pub struct TestBank {
    conn: Mutex<Connection>,
    now: NowFn,
}

impl std::fmt::Debug for TestBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestBank")
    }
}

/// Creates the database file readable by its owner only, if it does not exist yet.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl TestBank {
    /// Opens (or creates) the bank's database file at `path`.
    pub fn open(path: &Path, now: NowFn) -> Result<TestBank, BankError> {
        let io_error = |e: std::io::Error| BankError::Storage(e.to_string());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_error)?;
        }
        create_private_file(path).map_err(io_error)?;
        let conn = Connection::open(path).map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        Ok(TestBank { conn: Mutex::new(conn), now })
    }

    /// Runs `f` in one write transaction at the clock's now, committed only when `f` succeeds.
    fn in_transaction<T>(&self, f: impl FnOnce(&Connection, i64) -> Result<T, BankError>) -> Result<T, BankError> {
        // A panic inside a transaction rolls it back when the transaction drops: the connection is sound.
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
        let out = f(&tx, (self.now)())?;
        tx.commit().map_err(db_error)?;
        Ok(out)
    }

    /// How many times `send` was accepted for this payout id (0 if never): a resend is counted, never
    /// paid twice. Sends refused as conflicts are not counted.
    pub fn received_count(&self, payout_id: &str) -> Result<u32, BankError> {
        let conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let sends: Option<i64> = conn
            .query_row("SELECT sends FROM payouts WHERE payout_id = ?1", params![payout_id], |r| r.get(0))
            .optional()
            .map_err(db_error)?;
        Ok(sends.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
    }
}

impl PayoutRail for TestBank {
    fn send(&self, order: &PayoutOrder) -> Result<BankPayout, BankError> {
        let identifier = order.destination.account_identifier();
        let behaviour = Behaviour::of(identifier.as_deref());
        let key = account_key(order.destination.routing_number.as_deref(), identifier.as_deref());
        let currency = order.currency.to_ascii_lowercase();
        let payout_id = order.payout_id.as_str();
        let payout = self.in_transaction(|conn, now| {
            if let Some(row) = read_row(conn, payout_id)? {
                if row.amount != order.amount || row.currency != currency || row.account_key != key {
                    tracing::warn!(payout_id, "test bank refused a resend with other details");
                    return Err(BankError::Conflict(payout_id.to_owned()));
                }
                conn.execute("UPDATE payouts SET sends = sends + 1 WHERE payout_id = ?1", params![payout_id])
                    .map_err(db_error)?;
                tracing::info!(payout_id, "test bank received a resend");
                return current(conn, payout_id, row, now);
            }
            let (status, arrival_date, failure_code) = behaviour.on_send(now);
            let reference = bank_reference(payout_id);
            conn.execute(
                "INSERT INTO payouts (payout_id, amount, currency, account_key, behaviour, sent_at, arrival_date,
                                          status, failure_code, reference, sends)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)",
                params![
                    payout_id,
                    order.amount,
                    currency,
                    key,
                    behaviour.name(),
                    now,
                    arrival_date,
                    status.name(),
                    failure_code.map(FailureCode::code),
                    reference,
                ],
            )
            .map_err(db_error)?;
            tracing::info!(
                payout_id,
                amount = order.amount,
                currency = %currency,
                behaviour = behaviour.name(),
                arrival_date,
                "test bank received a payout"
            );
            Ok(BankPayout {
                payout_id: payout_id.to_owned(),
                status,
                arrival_date,
                failure_code,
                bank_reference: reference,
            })
        })?;
        if behaviour == Behaviour::NoAnswer {
            tracing::info!(payout_id, "test bank recorded the payout and lost its answer");
            return Err(BankError::NoAnswer);
        }
        Ok(payout)
    }

    fn lookup(&self, payout_id: &str) -> Result<Option<BankPayout>, BankError> {
        self.in_transaction(|conn, now| match read_row(conn, payout_id)? {
            Some(row) => current(conn, payout_id, row, now).map(Some),
            None => Ok(None),
        })
    }
}
