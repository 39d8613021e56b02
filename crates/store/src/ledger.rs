//! Ledger persistence: accounts and transfers in SQLite, the writer's account cache, and the
//! streaming invariant check.
//!
//! The writer keeps the accounts it touched in memory: a command reads and changes the cached copy,
//! every change is undone if its savepoint rolls back, and the changed accounts are written once per
//! batch, just before the commit. The cache is sound because a lock file lets only one process write
//! the database; a PostgreSQL engine would instead lock the rows inside the batch transaction.

use crate::db::{params, Db, DbError, DbResult, OptionalExtension, Row};
use domain::ledger::{
    apply, Account, AccountFlags, AccountId, InvariantChecker, InvariantReport, LedgerError, PendingState, Submitted,
    Transfer, TransferId, TransferKind, TransferRequest, UnixSeconds,
};
use domain::money::Currency;

use crate::ledger_cache::account_from_row;
pub use crate::ledger_cache::LedgerCacheStats;
use crate::{ReadTx, StoreError, WriteTx};

/// What an account is for and whose it is (for example kind `pocket`, owner `usr_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMeta {
    pub kind: String,
    pub owner: Option<String>,
}

const KIND_POSTED: i64 = 0;
const KIND_PENDING: i64 = 1;
const KIND_POST_PENDING: i64 = 2;
const KIND_VOID_PENDING: i64 = 3;
const KIND_EXPIRE_PENDING: i64 = 4;

fn state_code(state: PendingState) -> i64 {
    match state {
        PendingState::Pending => 0,
        PendingState::Posted => 1,
        PendingState::Voided => 2,
        PendingState::Expired => 3,
    }
}

fn state_from_code(code: i64) -> Result<PendingState, StoreError> {
    Ok(match code {
        0 => PendingState::Pending,
        1 => PendingState::Posted,
        2 => PendingState::Voided,
        3 => PendingState::Expired,
        _ => return Err(StoreError::Corrupt(format!("pending state {code}"))),
    })
}

const TRANSFER_COLUMNS: &str =
    "id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, timeout_at, pending_state, code, created_at";

fn transfer_from_row(row: &Row<'_>) -> DbResult<Result<Transfer, StoreError>> {
    let id: i64 = row.get(0)?;
    let currency: String = row.get(4)?;
    let kind: i64 = row.get(5)?;
    let pending_id: Option<i64> = row.get(6)?;
    let timeout_at: Option<i64> = row.get(7)?;
    let pending_state: Option<i64> = row.get(8)?;
    let code: i64 = row.get(9)?;
    let debit: i64 = row.get(1)?;
    let credit: i64 = row.get(2)?;
    let amount: i64 = row.get(3)?;
    let created_at: i64 = row.get(10)?;
    Ok((|| {
        let need_pending =
            || pending_id.map(TransferId).ok_or_else(|| StoreError::Corrupt(format!("transfer {id} lacks pending_id")));
        let kind = match kind {
            KIND_POSTED => TransferKind::Posted,
            KIND_PENDING => TransferKind::Pending { timeout_at },
            KIND_POST_PENDING => TransferKind::PostPending { pending_id: need_pending()? },
            KIND_VOID_PENDING => TransferKind::VoidPending { pending_id: need_pending()? },
            KIND_EXPIRE_PENDING => TransferKind::ExpirePending { pending_id: need_pending()? },
            other => return Err(StoreError::Corrupt(format!("transfer {id} has kind {other}"))),
        };
        Ok(Transfer {
            id: TransferId(id),
            debit_account: AccountId(debit),
            credit_account: AccountId(credit),
            amount,
            currency: Currency::parse(&currency).map_err(|e| StoreError::Corrupt(format!("transfer {id}: {e}")))?,
            kind,
            code: u16::try_from(code).map_err(|_| StoreError::Corrupt(format!("transfer {id} code {code}")))?,
            created_at,
            pending_state: pending_state.map(state_from_code).transpose()?,
        })
    })())
}

fn kind_columns(kind: &TransferKind) -> (i64, Option<i64>, Option<i64>) {
    match *kind {
        TransferKind::Posted => (KIND_POSTED, None, None),
        TransferKind::Pending { timeout_at } => (KIND_PENDING, None, timeout_at),
        TransferKind::PostPending { pending_id } => (KIND_POST_PENDING, Some(pending_id.0), None),
        TransferKind::VoidPending { pending_id } => (KIND_VOID_PENDING, Some(pending_id.0), None),
        TransferKind::ExpirePending { pending_id } => (KIND_EXPIRE_PENDING, Some(pending_id.0), None),
    }
}

fn load_transfer(conn: &Db, id: TransferId) -> Result<Option<Transfer>, StoreError> {
    let found = conn
        .prepare_cached(&format!("SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ?1"))?
        .query_row([id.0], transfer_from_row)
        .optional()?;
    found.transpose()
}

/// Whether an account was opened now or already existed with the same fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountOpened {
    Created,
    Exists,
}

impl WriteTx<'_> {
    /// Opens a ledger account. The same id with the same currency and flags answers `Exists`.
    pub fn open_account(
        &mut self,
        account: &Account,
        meta: &AccountMeta,
        now: UnixSeconds,
    ) -> Result<AccountOpened, StoreError> {
        if let Some(existing) = self.cache.load(self.conn, account.id)? {
            if existing.currency == account.currency && existing.flags == account.flags {
                return Ok(AccountOpened::Exists);
            }
            return Err(LedgerError::AccountExistsWithDifferentFields(account.id).into());
        }
        let fresh = Account::new(account.id, account.currency, account.flags);
        self.conn
            .prepare_cached(
                "INSERT INTO ledger_accounts (id, currency, flags, kind, owner, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![fresh.id.0, fresh.currency.code(), fresh.flags.bits(), meta.kind, meta.owner, now])
            .map_err(|e| duplicate_or(e, "ledger account owner"))
            .and_then(|n| inserted_or_duplicate(n, "ledger account owner"))?;
        // New rows are written at insert; the cache entry starts clean.
        self.cache.opened(fresh);
        Ok(AccountOpened::Created)
    }

    /// Opens an account with the next free id, returning it.
    pub fn open_account_auto(
        &mut self,
        currency: Currency,
        flags: AccountFlags,
        meta: &AccountMeta,
        now: UnixSeconds,
    ) -> Result<AccountId, StoreError> {
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO ledger_accounts (id, currency, flags, kind, owner, created_at)
                 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_accounts), ?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING RETURNING id",
            )?
            .query_row(params![currency.code(), flags.bits(), meta.kind, meta.owner, now], |r| r.get(0))
            .map_err(|e| match e {
                DbError::NoRows => StoreError::Duplicate("ledger account owner"),
                e => duplicate_or(e, "ledger account owner"),
            })?;
        let id = AccountId(id);
        self.cache.opened(Account::new(id, currency, flags));
        Ok(id)
    }

    /// The account with this kind, owner and currency, if opened.
    pub fn account_by_owner(
        &mut self,
        kind: &str,
        owner: &str,
        currency: Currency,
    ) -> Result<Option<Account>, StoreError> {
        let key = (kind.to_owned(), owner.to_owned(), currency.code().to_owned());
        if let Some(id) = self.cache.owner(&key) {
            return self.cache.load(self.conn, id);
        }
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM ledger_accounts WHERE kind = ?1 AND owner = ?2 AND currency = ?3")?
            .query_row(params![kind, owner, currency.code()], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => {
                self.cache.learn_owner(key, AccountId(id));
                self.cache.load(self.conn, AccountId(id))
            }
            None => Ok(None),
        }
    }

    /// The account as this transaction sees it.
    pub fn account(&mut self, id: AccountId) -> Result<Option<Account>, StoreError> {
        self.cache.load(self.conn, id)
    }

    /// Submits one transfer: `Ok(Err(_))` is a refusal by the ledger's rules, with nothing written.
    pub fn submit_transfer(
        &mut self,
        request: &TransferRequest,
        now: UnixSeconds,
    ) -> Result<Result<Submitted, LedgerError>, StoreError> {
        let mark = self.cache.mark();
        let outcome = self.try_apply(request, now)?;
        let applied = match outcome {
            Ok(applied) => applied,
            // A refused request may be the retry of one that was applied: that answer wins.
            Err(refusal) => {
                return Ok(match load_transfer(self.conn, request.id)? {
                    Some(existing) if existing.matches(request) => Ok(Submitted::Exists(existing)),
                    Some(_) => Err(LedgerError::ExistsWithDifferentFields),
                    None => Err(refusal),
                })
            }
        };
        let t = &applied.transfer;
        let (kind, pending_id, timeout_at) = kind_columns(&t.kind);
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id,
                    timeout_at, pending_state, code, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(id) DO NOTHING",
            )?
            .execute(params![
                t.id.0,
                t.debit_account.0,
                t.credit_account.0,
                t.amount,
                t.currency.code(),
                kind,
                pending_id,
                timeout_at,
                t.pending_state.map(state_code),
                i64::from(t.code),
                t.created_at
            ])?;
        if inserted == 0 {
            // A retry of a transfer already recorded: undo the cached effect, answer as before.
            self.cache.rollback_to(mark);
            return Ok(match load_transfer(self.conn, request.id)? {
                Some(existing) if existing.matches(request) => Ok(Submitted::Exists(existing)),
                _ => Err(LedgerError::ExistsWithDifferentFields),
            });
        }
        if let Some((pending_id, state)) = applied.resolved_pending {
            let changed = self
                .conn
                .prepare_cached("UPDATE ledger_transfers SET pending_state = ?2 WHERE id = ?1 AND pending_state = 0")?
                .execute(params![pending_id.0, state_code(state)])?;
            if changed != 1 {
                return Err(StoreError::Corrupt(format!("hold {} changed under the writer", pending_id.0)));
            }
        }
        Ok(Ok(Submitted::Created(applied.transfer)))
    }

    /// Checks a request against the current accounts and, if it passes, updates the cached accounts.
    fn try_apply(
        &mut self,
        request: &TransferRequest,
        now: UnixSeconds,
    ) -> Result<Result<domain::ledger::Applied, LedgerError>, StoreError> {
        let pending = match request.kind.pending_id() {
            Some(pid) => match load_transfer(self.conn, pid)? {
                Some(p) => Some(p),
                None => return Ok(Err(LedgerError::PendingNotFound)),
            },
            None => None,
        };
        let (debit_id, credit_id) = match (&pending, request.debit_account, request.credit_account) {
            (Some(p), _, _) => (p.debit_account, p.credit_account),
            (None, Some(d), Some(c)) => (d, c),
            (None, None, _) => return Ok(Err(LedgerError::MissingField("debit_account"))),
            (None, _, None) => return Ok(Err(LedgerError::MissingField("credit_account"))),
        };
        if debit_id == credit_id {
            return Ok(Err(LedgerError::SameAccount));
        }
        let Some(mut debit) = self.cache.load(self.conn, debit_id)? else {
            return Ok(Err(LedgerError::AccountNotFound(debit_id)));
        };
        let Some(mut credit) = self.cache.load(self.conn, credit_id)? else {
            return Ok(Err(LedgerError::AccountNotFound(credit_id)));
        };
        match apply(request, &mut debit, &mut credit, pending.as_ref(), now) {
            Ok(applied) => {
                self.cache.put(debit);
                self.cache.put(credit);
                Ok(Ok(applied))
            }
            Err(e) => Ok(Err(e)),
        }
    }

    /// Expires up to `limit` holds whose timeout has passed; returns how many.
    pub fn expire_due_holds(&mut self, now: UnixSeconds, limit: usize) -> Result<usize, StoreError> {
        let due: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM ledger_transfers WHERE pending_state = 0 AND timeout_at IS NOT NULL AND timeout_at <= ?1
                 ORDER BY timeout_at LIMIT ?2",
            )?
            .query_map(params![now, limit as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut expired = 0;
        for id in due {
            let request = TransferRequest {
                id: TransferId(-id),
                debit_account: None,
                credit_account: None,
                amount: None,
                currency: None,
                kind: TransferKind::ExpirePending { pending_id: TransferId(id) },
                code: 0,
            };
            if let Ok(Submitted::Created(_)) = self.submit_transfer(&request, now)? {
                expired += 1;
            }
        }
        Ok(expired)
    }

    /// Sizes of the writer's cache.
    pub fn ledger_cache_stats(&self) -> LedgerCacheStats {
        self.cache.stats()
    }
}

impl ReadTx<'_> {
    /// What an account is for (`pocket`, `seller_payable`, `test`, …), if it exists.
    pub fn ledger_account_kind(&self, id: AccountId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT kind FROM ledger_accounts WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0))
            .optional()?)
    }

    /// An account as last committed.
    pub fn ledger_account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT id, currency, flags, debits_posted, credits_posted, debits_pending, credits_pending
                   FROM ledger_accounts WHERE id = ?1",
            )?
            .query_row([id.0], account_from_row)
            .optional()?;
        found.transpose()
    }

    /// A transfer as last committed.
    pub fn ledger_transfer(&self, id: TransferId) -> Result<Option<Transfer>, StoreError> {
        load_transfer(self.conn, id)
    }

    /// How many transfers are recorded.
    pub fn ledger_transfer_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM ledger_transfers", (), |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Streams every transfer and account of this snapshot through the invariant checker.
    pub fn verify_ledger(&self) -> Result<InvariantReport, StoreError> {
        let mut checker = InvariantChecker::new();
        let sql = format!("SELECT {TRANSFER_COLUMNS} FROM ledger_transfers");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut problem: Option<StoreError> = None;
        stmt.for_each((), |row| {
            match transfer_from_row(row)? {
                Ok(t) => checker.observe_transfer(&t),
                Err(e) => {
                    problem.get_or_insert(e);
                }
            }
            Ok(())
        })?;
        if let Some(e) = problem {
            return Err(e);
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, currency, flags, debits_posted, credits_posted, debits_pending, credits_pending FROM ledger_accounts",
        )?;
        let accounts = stmt.query_map((), account_from_row)?.collect::<Result<Vec<_>, _>>()?;
        let accounts = accounts.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut report = checker.finish(accounts.iter());
        for detail in self.pocket_lot_problems()? {
            report
                .problems
                .push(domain::ledger::Problem { invariant: "the lots of a Pocket sum to its balance", detail });
        }
        for detail in self.seller_balance_problems()? {
            report.problems.push(domain::ledger::Problem { invariant: "sellers' money adds up", detail });
        }
        Ok(report)
    }
}

/// Opens a connection to tamper with a database in tests of the invariant checker.
#[doc(hidden)]
pub fn tamper_for_tests(path: &std::path::Path, sql: &str) -> Result<(), StoreError> {
    // With POCKETPAY_TEST_DATABASE_URL, the test's database is on PostgreSQL (named after its directory).
    if let Some(url) = path.parent().and_then(crate::test_database_url) {
        return crate::pg::blocking(|| {
            crate::pg::Target::parse(&url)?.connect("test")?.execute_batch(sql)?;
            Ok(())
        });
    }
    let conn = rusqlite::Connection::open(path).map_err(DbError::from)?;
    conn.execute_batch(sql).map_err(DbError::from)?;
    Ok(())
}

/// Reads one row of any query in a test's database (SQLite file or PostgreSQL), each column as
/// text (`None` for NULL).
#[doc(hidden)]
pub fn row_for_tests(path: &std::path::Path, sql: &str, param: i64) -> Result<Vec<Option<String>>, StoreError> {
    rows_for_tests(path, sql, &[param])?.into_iter().next().ok_or(StoreError::from(DbError::NoRows))
}

/// Reads every row of any query in a test's database (SQLite file or PostgreSQL), each column as
/// text (`None` for NULL).
#[doc(hidden)]
pub fn rows_for_tests(
    path: &std::path::Path,
    sql: &str,
    params: &[i64],
) -> Result<Vec<Vec<Option<String>>>, StoreError> {
    let read = |db: &Db| -> Result<Vec<Vec<Option<String>>>, StoreError> {
        let values: Vec<crate::db::Value<'_>> = params.iter().map(|p| crate::db::Value::Int(*p)).collect();
        let rows = db.prepare(sql)?.query_map(values, |r| {
            let mut out = Vec::new();
            for i in 0..r.column_count() {
                out.push(r.get::<crate::db::AsText>(i)?.0);
            }
            Ok(out)
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    };
    if let Some(url) = path.parent().and_then(crate::test_database_url) {
        return crate::pg::blocking(|| read(&crate::pg::Target::parse(&url)?.connect("test")?));
    }
    read(&Db::Lite(rusqlite::Connection::open(path).map_err(DbError::from)?))
}

pub(crate) fn duplicate_or(e: DbError, what: &'static str) -> StoreError {
    if e.is_unique_violation() {
        StoreError::Duplicate(what)
    } else {
        StoreError::from(e)
    }
}

/// The answer of an `INSERT … ON CONFLICT DO NOTHING`: one row, or a duplicate of `what`. (Testing
/// the count rather than catching the error keeps a PostgreSQL transaction usable after a duplicate.)
pub(crate) fn inserted_or_duplicate(rows: usize, what: &'static str) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::Duplicate(what))
    } else {
        Ok(())
    }
}
