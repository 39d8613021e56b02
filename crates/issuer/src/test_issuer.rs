//! The test issuer: a simulated card network and set of banks with persisted cardholder accounts.
//!
//! Every call runs in a savepoint of a SQLite transaction on the issuer's own database file, on one
//! writer thread that commits each batch of queued calls with one fsync (group commit) and only then
//! answers them: a call answered is durable, and a busy issuer costs one fsync per batch, not per
//! call. Calls return a [`Pending`] answer: `.await` it, or `.wait()` outside an async runtime. Cardholder accounts
//! are keyed by a SHA-256 of the card number (the number itself is never stored). Limits are reached
//! by spending: the daily and monthly sums and the credit line used are computed from the recorded
//! authorizations, captures and settled refunds. Time comes from the injected clock.

use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use domain::declines::DeclineCode;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use crate::behaviours::{behaviour_of, to_usd_cents, Behaviour, BAD_POSTAL_CODE, BANK_ADDRESS_LINE1};
use crate::refusals::payment_refusal;
use crate::{
    year_month_of, Authorization, AuthorizationStatus, AuthorizeRequest, CardFacts, CardInput, CheckResult, Checks,
    IssuerError, Refund, RefundStatus, Refusal, Verification,
};

/// The clock the issuer reads (Unix seconds).
pub type NowFn = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Longest idempotency key accepted.
pub const KEY_LENGTH_MAX: usize = 255;

/// Calls queued for the writer before callers wait for room.
pub const QUEUE_DEPTH_MAX: usize = 8192;
/// Calls committed together at most.
pub const BATCH_SIZE_MAX: usize = 1024;

/// What the writer hands back to a job once its batch is committed (or failed to commit).
type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A queued call: runs inside its savepoint; says whether to keep its writes, and how to answer.
type Job = Box<dyn FnOnce(&Connection, i64) -> (bool, Deliver) + Send>;

/// The simulated issuer.
pub struct TestIssuer {
    jobs: tokio::sync::mpsc::Sender<Job>,
    now: NowFn,
    /// Faults the next authorizations meet, in order (the journey simulation's outages).
    faults: std::sync::Mutex<std::collections::VecDeque<SimulatedFault>>,
}

/// An outage of the bank, injected into the next authorization by the journey simulation: the
/// connector, not the bank's books, misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatedFault {
    /// The bank cannot be reached: nothing is processed.
    Unavailable,
    /// The bank processes the call, and its answer is lost on the way back.
    LostAnswer,
    /// The bank answers after this long.
    SlowMs(u64),
}

/// An answer of the issuer, ready once the call's batch is durable: `.await` it in async code, or
/// [`Pending::wait`] on a plain thread.
pub struct Pending<T> {
    answer: Result<tokio::sync::oneshot::Receiver<Result<T, IssuerError>>, IssuerError>,
}

fn writer_gone() -> IssuerError {
    IssuerError::Unavailable("the issuer's writer has stopped".into())
}

impl<T> Pending<T> {
    fn ready(answer: Result<T, IssuerError>) -> Pending<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = tx.send(answer);
        Pending { answer: Ok(rx) }
    }

    /// Blocks this thread for the answer. Not for async code (it would block the runtime): `.await` there.
    pub fn wait(self) -> Result<T, IssuerError> {
        self.answer?.blocking_recv().map_err(|_| writer_gone())?
    }
}

impl<T: Send + 'static> IntoFuture for Pending<T> {
    type Output = Result<T, IssuerError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, IssuerError>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.answer?.await.map_err(|_| writer_gone())? })
    }
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS authorizations (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    card_ref TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount_usd_cents INTEGER NOT NULL,
    status TEXT NOT NULL,
    refusal TEXT,
    captured INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    checks TEXT NOT NULL,
    facts TEXT NOT NULL,
    refund_settle_days INTEGER NOT NULL,
    refunds_fail INTEGER NOT NULL
);
-- Covering the limit and balance checks of every authorization (no table row read per past one).
DROP INDEX IF EXISTS authorizations_card;
CREATE INDEX IF NOT EXISTS authorizations_card_totals
    ON authorizations(card_ref, created_at, status, amount_usd_cents, amount, captured, expires_at);
CREATE TABLE IF NOT EXISTS blocked_keys (idempotency_key TEXT PRIMARY KEY, blocked_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS operations (
    idempotency_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    authorization_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    refund_id TEXT
);
CREATE TABLE IF NOT EXISTS refunds (
    id TEXT PRIMARY KEY,
    authorization_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_usd_cents INTEGER NOT NULL,
    card_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    settles_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
"#;

pub(crate) fn db_error(e: rusqlite::Error) -> IssuerError {
    tracing::error!(error = %e, "test issuer database error");
    IssuerError::Unavailable("the test issuer's database failed".into())
}

fn card_ref(number: &str) -> String {
    hex::encode(Sha256::digest(format!("pocketpay-test-issuer:{number}").as_bytes()))
}

/// An id that starts with its creation time (9 base-36 digits of milliseconds), so new rows append
/// at the end of their table's index, then 16 random characters.
fn new_id(prefix: &str) -> String {
    use rand::Rng;
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let mut time = [b'0'; 9];
    for c in time.iter_mut().rev() {
        *c = DIGITS[(ms % 36) as usize];
        ms /= 36;
    }
    let mut rng = rand::thread_rng();
    let random: String = (0..16).map(|_| char::from(DIGITS[rng.gen_range(0..36)])).collect();
    format!("{prefix}_{}{random}", String::from_utf8_lossy(&time))
}

fn status_name(s: AuthorizationStatus) -> &'static str {
    match s {
        AuthorizationStatus::Authorized => "authorized",
        AuthorizationStatus::Captured => "captured",
        AuthorizationStatus::Voided => "voided",
        AuthorizationStatus::Expired => "expired",
        AuthorizationStatus::Refused => "refused",
    }
}

fn status_parse(s: &str) -> AuthorizationStatus {
    match s {
        "authorized" => AuthorizationStatus::Authorized,
        "captured" => AuthorizationStatus::Captured,
        "voided" => AuthorizationStatus::Voided,
        "expired" => AuthorizationStatus::Expired,
        _ => AuthorizationStatus::Refused,
    }
}

fn refund_status_name(s: RefundStatus) -> &'static str {
    match s {
        RefundStatus::Pending => "pending",
        RefundStatus::Succeeded => "succeeded",
        RefundStatus::Failed => "failed",
    }
}

const AUTH_COLUMNS: &str =
    "id, idempotency_key, status, refusal, amount, currency, captured, refunded, created_at, expires_at, checks, facts,
     released";

fn auth_from_row(r: &Row<'_>) -> rusqlite::Result<Authorization> {
    let refusal: Option<String> = r.get(3)?;
    let checks: String = r.get(10)?;
    let facts: String = r.get(11)?;
    let unreadable = |i| rusqlite::Error::InvalidColumnType(i, "json".into(), rusqlite::types::Type::Text);
    Ok(Authorization {
        id: r.get(0)?,
        idempotency_key: r.get(1)?,
        status: status_parse(&r.get::<_, String>(2)?),
        refusal: refusal.map(|s| serde_json::from_str(&s)).transpose().map_err(|_| unreadable(3))?,
        amount_minor: r.get(4)?,
        currency: r.get(5)?,
        captured_minor: r.get(6)?,
        refunded_minor: r.get(7)?,
        created_at: r.get(8)?,
        expires_at: r.get(9)?,
        checks: serde_json::from_str(&checks).map_err(|_| unreadable(10))?,
        facts: serde_json::from_str(&facts).map_err(|_| unreadable(11))?,
        released_minor: r.get(12)?,
    })
}

impl TestIssuer {
    /// Opens (creating) the issuer's database file and starts its writer thread, which stops when the
    /// issuer is dropped.
    pub fn open(path: &Path, now: NowFn) -> Result<Self, IssuerError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| IssuerError::Unavailable(e.to_string()))?;
        }
        // Created readable by its owner only (0600), as the server's own database.
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path).map_err(|e| IssuerError::Unavailable(e.to_string()))?;
        let conn = Connection::open(path).map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        add_released_column(&conn)?;
        let (jobs, queue) = tokio::sync::mpsc::channel::<Job>(QUEUE_DEPTH_MAX);
        let writer_now = now.clone();
        std::thread::Builder::new()
            .name("test-issuer-writer".into())
            .spawn(move || write_batches(conn, queue, writer_now))
            .map_err(|e| IssuerError::Unavailable(e.to_string()))?;
        Ok(Self { jobs, now, faults: std::sync::Mutex::default() })
    }

    /// Queues a fault for an upcoming authorization (faults are met in the order they were queued).
    pub fn inject_fault(&self, fault: SimulatedFault) {
        if let Ok(mut faults) = self.faults.lock() {
            faults.push_back(fault);
        }
    }

    /// The fault the next authorization meets, if one was queued.
    pub fn take_fault(&self) -> Option<SimulatedFault> {
        self.faults.lock().ok().and_then(|mut f| f.pop_front())
    }

    /// Queues a call for the writer.
    fn with_tx<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, i64) -> Result<T, IssuerError> + Send + 'static,
    ) -> Pending<T> {
        let (answer, receiver) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn, now| {
            let out = f(conn, now);
            let keep = out.is_ok();
            let deliver: Deliver = Box::new(move |committed| {
                let _ = answer.send(match committed {
                    Ok(()) => out,
                    Err(e) => Err(IssuerError::Unavailable(e)),
                });
            });
            (keep, deliver)
        });
        let queued = match self.jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => Err(writer_gone()),
            Err(tokio::sync::mpsc::error::TrySendError::Full(job)) => {
                // A full queue: wait for room (a plain thread blocks; async code would rather not be here
                // at 8,192 queued calls, and this keeps the call order).
                let jobs = self.jobs.clone();
                match tokio::runtime::Handle::try_current() {
                    Ok(handle) => {
                        handle.spawn(async move {
                            let _ = jobs.send(job).await;
                        });
                        Ok(())
                    }
                    Err(_) => jobs.blocking_send(job).map_err(|_| writer_gone()),
                }
            }
        };
        match queued {
            Ok(()) => Pending { answer: Ok(receiver) },
            Err(e) => Pending { answer: Err(e) },
        }
    }

    /// Checks that apply to every call: card state, CVC and address. `None`: the card is fine.
    fn card_checks(card: &CardInput, b: &Behaviour, now: i64) -> (Checks, Option<Refusal>) {
        let cvc = match &card.cvc {
            None => CheckResult::Unchecked,
            Some(_) if b.incorrect_cvc_always => CheckResult::Fail,
            Some(_) => CheckResult::Pass,
        };
        let address_line1 = match &card.address_line1 {
            None => CheckResult::Unchecked,
            Some(_) if b.address_line1_fails => CheckResult::Fail,
            Some(l) if l.trim().eq_ignore_ascii_case(BANK_ADDRESS_LINE1) => CheckResult::Pass,
            Some(_) => CheckResult::Fail,
        };
        let postal_code = match &card.postal_code {
            None => CheckResult::Unchecked,
            Some(_) if b.postal_code_fails => CheckResult::Fail,
            Some(p) if p.trim() == BAD_POSTAL_CODE => CheckResult::Fail,
            Some(_) => CheckResult::Pass,
        };
        let checks = Checks { cvc, address_line1, postal_code };
        let (year, month) = year_month_of(now);
        let expired_by_date = (i64::from(card.exp_year), u32::from(card.exp_month)) < (year, month);
        let refusal = if let Some(code) = b.always_decline {
            Some(Refusal::Declined(code))
        } else if b.expired_at_issuer || expired_by_date {
            Some(Refusal::ExpiredCard)
        } else if cvc == CheckResult::Fail {
            Some(Refusal::IncorrectCvc)
        } else if b.processing_error {
            Some(Refusal::ProcessingError)
        } else if address_line1 == CheckResult::Fail {
            Some(Refusal::Declined(DeclineCode::IncorrectAddress))
        } else if postal_code == CheckResult::Fail {
            Some(Refusal::Declined(DeclineCode::IncorrectZip))
        } else {
            None
        };
        (checks, refusal)
    }

    /// A zero-amount check.
    pub fn verify(&self, card: &CardInput, _merchant_country: &str) -> Result<Verification, IssuerError> {
        let b = behaviour_of(&card.number);
        if b.no_answer {
            return Err(IssuerError::Timeout);
        }
        let (checks, refusal) = Self::card_checks(card, &b, (self.now)());
        Ok(Verification { checks, facts: CardFacts { funding: b.funding.into(), country: b.country.into() }, refusal })
    }

    /// Authorizes, idempotently by key.
    pub fn authorize(&self, req: &AuthorizeRequest) -> Pending<Authorization> {
        if req.idempotency_key.is_empty() || req.idempotency_key.len() > KEY_LENGTH_MAX {
            return Pending::ready(Err(IssuerError::InvalidState(
                "an idempotency key of 1 to 255 characters is required".into(),
            )));
        }
        if req.amount_minor <= 0 {
            return Pending::ready(Err(IssuerError::InvalidState("the amount must be positive".into())));
        }
        let b = behaviour_of(&req.card.number);
        if b.no_answer {
            // The bank never answers this card: nothing is recorded, the caller times out.
            return Pending::ready(Err(IssuerError::Timeout));
        }
        let reference = card_ref(&req.card.number);
        let req = req.clone();
        self.with_tx(move |tx, now| {
            if let Some(existing) = load_by_key(tx, &req.idempotency_key)? {
                if existing.amount_minor != req.amount_minor || existing.currency != req.currency {
                    return Err(IssuerError::KeyReused);
                }
                return Ok(refresh(existing, now));
            }
            let blocked: Option<i64> = tx
                .query_row("SELECT blocked_at FROM blocked_keys WHERE idempotency_key = ?1", [&req.idempotency_key], |r| r.get(0))
                .optional()
                .map_err(db_error)?;
            if blocked.is_some() {
                return Err(IssuerError::KeyBlocked);
            }
            let (checks, mut refusal) = Self::card_checks(&req.card, &b, now);
            let amount_usd = to_usd_cents(req.amount_minor, &req.currency);
            if refusal.is_none() {
                refusal = payment_refusal(tx, &req, &b, &reference, amount_usd, now).map_err(db_error)?;
            }
            let facts = CardFacts { funding: b.funding.into(), country: b.country.into() };
            let status = if refusal.is_some() { AuthorizationStatus::Refused } else { AuthorizationStatus::Authorized };
            let auth = Authorization {
                id: new_id("auth"),
                idempotency_key: req.idempotency_key.clone(),
                status,
                refusal,
                amount_minor: req.amount_minor,
                currency: req.currency.clone(),
                captured_minor: 0,
                released_minor: 0,
                refunded_minor: 0,
                created_at: now,
                expires_at: now + b.authorization_days * 86_400,
                checks,
                facts,
            };
            tx.execute(
                "INSERT INTO authorizations (id, idempotency_key, card_ref, amount, currency, amount_usd_cents, status, refusal,
                    created_at, expires_at, checks, facts, refund_settle_days, refunds_fail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    auth.id,
                    auth.idempotency_key,
                    reference,
                    auth.amount_minor,
                    auth.currency,
                    amount_usd,
                    status_name(auth.status),
                    auth.refusal.map(|r| serde_json::to_string(&r).unwrap_or_default()),
                    auth.created_at,
                    auth.expires_at,
                    serde_json::to_string(&auth.checks).unwrap_or_default(),
                    serde_json::to_string(&auth.facts).unwrap_or_default(),
                    b.refund_settle_days,
                    b.refunds_fail,
                ],
            )
            .map_err(db_error)?;
            Ok(auth)
        })
    }

    /// The authorization recorded under `key`; if none, blocks the key for good and answers `None`.
    pub fn lookup_or_block(&self, key: &str) -> Pending<Option<Authorization>> {
        let key = key.to_owned();
        self.with_tx(move |tx, now| {
            if let Some(a) = load_by_key(tx, &key)? {
                return Ok(Some(refresh(a, now)));
            }
            tx.execute(
                "INSERT OR IGNORE INTO blocked_keys (idempotency_key, blocked_at) VALUES (?1, ?2)",
                params![key, now],
            )
            .map_err(db_error)?;
            Ok(None)
        })
    }

    /// An authorization by id.
    pub fn authorization(&self, id: &str) -> Pending<Authorization> {
        let id = id.to_owned();
        self.with_tx(move |tx, now| Ok(refresh(load(tx, &id)?, now)))
    }

    /// Captures up to the authorized amount, once, idempotently by key.
    pub fn capture(&self, id: &str, amount_minor: i64, key: &str) -> Pending<Authorization> {
        let (id, key) = (id.to_owned(), key.to_owned());
        self.with_tx(move |tx, now| {
            let (id, key) = (id.as_str(), key.as_str());
            if let Some(done) = operation(tx, key, "capture", id, amount_minor)? {
                let _ = done;
                return Ok(refresh(load(tx, id)?, now));
            }
            let a = refresh(load(tx, id)?, now);
            match a.status {
                AuthorizationStatus::Authorized => {}
                AuthorizationStatus::Expired => return Err(IssuerError::AuthorizationExpired),
                other => {
                    return Err(IssuerError::InvalidState(format!("cannot capture an authorization that is {other:?}")))
                }
            }
            if amount_minor <= 0 || amount_minor > a.amount_minor - a.captured_minor - a.released_minor {
                return Err(IssuerError::AmountTooLarge);
            }
            tx.execute(
                "UPDATE authorizations SET status = 'captured', captured = captured + ?2 WHERE id = ?1",
                params![id, amount_minor],
            )
            .map_err(db_error)?;
            record_operation(tx, key, "capture", id, amount_minor, None)?;
            load(tx, id)
        })
    }

    /// Captures part of an authorization and keeps the rest authorized for later captures (one
    /// authorization paying several orders); idempotently by key. When nothing is left to capture or
    /// release, the authorization is final.
    pub fn capture_part(&self, id: &str, amount_minor: i64, key: &str) -> Pending<Authorization> {
        let (id, key) = (id.to_owned(), key.to_owned());
        self.with_tx(move |tx, now| {
            let (id, key) = (id.as_str(), key.as_str());
            if operation(tx, key, "capture_part", id, amount_minor)?.is_some() {
                return Ok(refresh(load(tx, id)?, now));
            }
            let a = open_for_parts(refresh(load(tx, id)?, now))?;
            if amount_minor <= 0 || amount_minor > a.amount_minor - a.captured_minor - a.released_minor {
                return Err(IssuerError::AmountTooLarge);
            }
            tx.execute("UPDATE authorizations SET captured = captured + ?2 WHERE id = ?1", params![id, amount_minor])
                .map_err(db_error)?;
            settle_if_done(tx, id)?;
            record_operation(tx, key, "capture_part", id, amount_minor, None)?;
            load(tx, id)
        })
    }

    /// Releases part of an authorization (an order of several cancelled before shipping), keeping the
    /// rest; idempotently by key. An expired authorization holds nothing any more: releasing it is a no-op.
    pub fn release_part(&self, id: &str, amount_minor: i64, key: &str) -> Pending<Authorization> {
        let (id, key) = (id.to_owned(), key.to_owned());
        self.with_tx(move |tx, now| {
            let (id, key) = (id.as_str(), key.as_str());
            if operation(tx, key, "release", id, amount_minor)?.is_some() {
                return Ok(refresh(load(tx, id)?, now));
            }
            let a = refresh(load(tx, id)?, now);
            if a.status == AuthorizationStatus::Expired {
                return Ok(a);
            }
            let a = open_for_parts(a)?;
            if amount_minor <= 0 || amount_minor > a.amount_minor - a.captured_minor - a.released_minor {
                return Err(IssuerError::AmountTooLarge);
            }
            tx.execute("UPDATE authorizations SET released = released + ?2 WHERE id = ?1", params![id, amount_minor])
                .map_err(db_error)?;
            settle_if_done(tx, id)?;
            record_operation(tx, key, "release", id, amount_minor, None)?;
            load(tx, id)
        })
    }

    /// Voids an authorization, idempotently by key.
    pub fn void(&self, id: &str, key: &str) -> Pending<Authorization> {
        let (id, key) = (id.to_owned(), key.to_owned());
        self.with_tx(move |tx, now| {
            let (id, key) = (id.as_str(), key.as_str());
            if operation(tx, key, "void", id, 0)?.is_some() {
                return Ok(refresh(load(tx, id)?, now));
            }
            let a = refresh(load(tx, id)?, now);
            match a.status {
                AuthorizationStatus::Authorized | AuthorizationStatus::Expired => {}
                other => {
                    return Err(IssuerError::InvalidState(format!("cannot void an authorization that is {other:?}")))
                }
            }
            tx.execute("UPDATE authorizations SET status = 'voided' WHERE id = ?1", [id]).map_err(db_error)?;
            record_operation(tx, key, "void", id, 0, None)?;
            load(tx, id)
        })
    }

    /// Refunds captured money; pending until it settles, or failed for cards whose refunds fail.
    pub fn refund(&self, id: &str, amount_minor: i64, key: &str) -> Pending<Refund> {
        let (id, key) = (id.to_owned(), key.to_owned());
        self.with_tx(move |tx, now| {
            let (id, key) = (id.as_str(), key.as_str());
            if let Some(Some(refund_id)) = operation(tx, key, "refund", id, amount_minor)? {
                return load_refund(tx, &refund_id, now);
            }
            let a = load(tx, id)?;
            if a.captured_minor == 0 {
                return Err(IssuerError::InvalidState("only captured money can be refunded".into()));
            }
            if amount_minor <= 0 || amount_minor > a.captured_minor - a.refunded_minor {
                return Err(IssuerError::AmountTooLarge);
            }
            let (reference, currency, settle_days, refunds_fail): (String, String, i64, bool) = tx
                .query_row(
                    "SELECT card_ref, currency, refund_settle_days, refunds_fail FROM authorizations WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(db_error)?;
            let status = if refunds_fail { RefundStatus::Failed } else { RefundStatus::Pending };
            let refund = Refund {
                id: new_id("rf"),
                authorization_id: id.to_owned(),
                amount_minor,
                status,
                settles_at: now + settle_days * 86_400,
            };
            tx.execute(
                "INSERT INTO refunds (id, authorization_id, amount, amount_usd_cents, card_ref, status, settles_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    refund.id,
                    id,
                    amount_minor,
                    to_usd_cents(amount_minor, &currency),
                    reference,
                    refund_status_name(status),
                    refund.settles_at,
                    now
                ],
            )
            .map_err(db_error)?;
            if status != RefundStatus::Failed {
                tx.execute("UPDATE authorizations SET refunded = refunded + ?2 WHERE id = ?1", params![id, amount_minor])
                    .map_err(db_error)?;
            }
            record_operation(tx, key, "refund", id, amount_minor, Some(&refund.id))?;
            Ok(refund)
        })
    }

    /// A refund as it stands now (pending ones settle when their day comes).
    pub fn refund_status(&self, refund_id: &str) -> Pending<Refund> {
        let refund_id = refund_id.to_owned();
        self.with_tx(move |tx, now| load_refund(tx, &refund_id, now))
    }
}

/// The writer: takes up to [`BATCH_SIZE_MAX`] queued calls, runs each in its own savepoint (a failed
/// call rolls back alone), commits once, then answers every call of the batch.
fn write_batches(conn: Connection, mut queue: tokio::sync::mpsc::Receiver<Job>, now: NowFn) {
    let mut batch: Vec<Job> = Vec::with_capacity(BATCH_SIZE_MAX);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < BATCH_SIZE_MAX {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut deliveries: Vec<Deliver> = Vec::with_capacity(batch.len());
        if conn.execute_batch("BEGIN IMMEDIATE").is_err() {
            // Dropping a call unanswered tells its caller the issuer is unavailable; nothing was written.
            batch.clear();
            continue;
        }
        let time = now();
        for job in batch.drain(..) {
            if conn.execute_batch("SAVEPOINT call").is_err() {
                continue;
            }
            let (keep, deliver) = job(&conn, time);
            let end = if keep { "RELEASE call" } else { "ROLLBACK TO call; RELEASE call" };
            match conn.execute_batch(end) {
                Ok(()) => deliveries.push(deliver),
                Err(e) => {
                    let message = e.to_string();
                    deliveries.push(Box::new(move |_| deliver(Err(message))));
                }
            }
        }
        let committed = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            e.to_string()
        });
        for deliver in deliveries {
            deliver(committed.clone());
        }
    }
}

fn load_by_key(tx: &Connection, key: &str) -> Result<Option<Authorization>, IssuerError> {
    tx.query_row(&format!("SELECT {AUTH_COLUMNS} FROM authorizations WHERE idempotency_key = ?1"), [key], auth_from_row)
        .optional()
        .map_err(db_error)
}

fn load(tx: &Connection, id: &str) -> Result<Authorization, IssuerError> {
    tx.query_row(&format!("SELECT {AUTH_COLUMNS} FROM authorizations WHERE id = ?1"), [id], auth_from_row)
        .optional()
        .map_err(db_error)?
        .ok_or(IssuerError::NotFound)
}

/// An authorization past its validity reads `expired`.
/// An authorization that partial captures and releases may still change.
fn open_for_parts(a: Authorization) -> Result<Authorization, IssuerError> {
    match a.status {
        AuthorizationStatus::Authorized => Ok(a),
        AuthorizationStatus::Expired => Err(IssuerError::AuthorizationExpired),
        other => Err(IssuerError::InvalidState(format!(
            "cannot capture or release part of an authorization that is {other:?}"
        ))),
    }
}

/// Nothing left to capture or release: the authorization is final (captured if anything was).
fn settle_if_done(tx: &Connection, id: &str) -> Result<(), IssuerError> {
    tx.execute(
        "UPDATE authorizations SET status = CASE WHEN captured > 0 THEN 'captured' ELSE 'voided' END
          WHERE id = ?1 AND status = 'authorized' AND captured + released >= amount",
        [id],
    )
    .map_err(db_error)?;
    Ok(())
}

/// Issuer files made before partial captures gain the `released` column.
fn add_released_column(conn: &Connection) -> Result<(), IssuerError> {
    let has: bool = conn
        .query_row("SELECT count(*) FROM pragma_table_info('authorizations') WHERE name = 'released'", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(db_error)?
        > 0;
    if !has {
        conn.execute_batch("ALTER TABLE authorizations ADD COLUMN released INTEGER NOT NULL DEFAULT 0")
            .map_err(db_error)?;
    }
    Ok(())
}

fn refresh(mut a: Authorization, now: i64) -> Authorization {
    if a.status == AuthorizationStatus::Authorized && now >= a.expires_at {
        a.status = AuthorizationStatus::Expired;
    }
    a
}

/// A recorded operation for `key`: `Some(refund id)` if it was done; an error if the key was used otherwise.
fn operation(
    tx: &Connection,
    key: &str,
    kind: &str,
    id: &str,
    amount: i64,
) -> Result<Option<Option<String>>, IssuerError> {
    let row: Option<(String, String, i64, Option<String>)> = tx
        .query_row(
            "SELECT kind, authorization_id, amount, refund_id FROM operations WHERE idempotency_key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(db_error)?;
    match row {
        None => Ok(None),
        Some((k, a, m, refund)) if k == kind && a == id && m == amount => Ok(Some(refund)),
        Some(_) => Err(IssuerError::KeyReused),
    }
}

fn record_operation(
    tx: &Connection,
    key: &str,
    kind: &str,
    id: &str,
    amount: i64,
    refund_id: Option<&str>,
) -> Result<(), IssuerError> {
    tx.execute(
        "INSERT INTO operations (idempotency_key, kind, authorization_id, amount, refund_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, kind, id, amount, refund_id],
    )
    .map_err(db_error)?;
    Ok(())
}

fn load_refund(tx: &Connection, refund_id: &str, now: i64) -> Result<Refund, IssuerError> {
    let row: Option<(String, i64, String, i64)> = tx
        .query_row("SELECT authorization_id, amount, status, settles_at FROM refunds WHERE id = ?1", [refund_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()
        .map_err(db_error)?;
    let (authorization_id, amount_minor, status, settles_at) = row.ok_or(IssuerError::NotFound)?;
    let status = match status.as_str() {
        "failed" => RefundStatus::Failed,
        "succeeded" => RefundStatus::Succeeded,
        _ if now >= settles_at => {
            tx.execute("UPDATE refunds SET status = 'succeeded' WHERE id = ?1", [refund_id]).map_err(db_error)?;
            RefundStatus::Succeeded
        }
        _ => RefundStatus::Pending,
    };
    Ok(Refund { id: refund_id.to_owned(), authorization_id, amount_minor, status, settles_at })
}
