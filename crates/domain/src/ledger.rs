//! The double-entry ledger: accounts, two-legged transfers, two-phase holds and the invariant checker.
//!
//! Every movement of money is a [`Transfer`]: it debits one account and credits another of the same
//! currency by the same positive amount, so each transfer is two postings that sum to zero and every
//! group of transfers (a ledger transaction, applied all-or-nothing by the store) sums to zero per
//! currency. Holds are two-phase: a pending transfer reserves funds, a later transfer posts it (in
//! full or in part) or voids it, and one that reaches its timeout expires.
//!
//! This module is pure: the store loads the rows a request touches (locking them where the engine
//! needs to), calls [`apply`] and writes back what changed.

use std::collections::HashMap;

use thiserror::Error;

use crate::money::Currency;

/// Seconds since the Unix epoch, as given by the injected clock.
pub type UnixSeconds = i64;

/// Identifier of a ledger account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub i64);

/// Identifier of a transfer, chosen by the submitter: a retry with the same id and the same fields
/// is answered with the first outcome; the same id with other fields is an error. Submitted ids are
/// positive; the expiry of hold `h` is recorded under id `-h`, so expiring twice is impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(pub i64);

/// Account options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountFlags {
    /// Debits (posted and pending) may never exceed posted credits: the account never goes below zero.
    /// Set on every account that holds somebody's money, such as a buyer's Pocket.
    pub no_overdraft: bool,
}

impl AccountFlags {
    /// The flags as stored: bit 0 is `no_overdraft`.
    pub fn bits(self) -> i64 {
        i64::from(self.no_overdraft)
    }

    /// Flags from their stored bits; unknown bits are an error.
    pub fn from_bits(bits: i64) -> Result<Self, LedgerError> {
        if bits & !1 != 0 {
            return Err(LedgerError::CorruptRecord("unknown account flag bits"));
        }
        Ok(Self { no_overdraft: bits & 1 == 1 })
    }
}

/// A ledger account with its four running totals. Balances are read on the credit side:
/// `balance = credits_posted - debits_posted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub currency: Currency,
    pub flags: AccountFlags,
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
}

impl Account {
    /// A new account with nothing on it.
    pub fn new(id: AccountId, currency: Currency, flags: AccountFlags) -> Self {
        Self { id, currency, flags, debits_posted: 0, credits_posted: 0, debits_pending: 0, credits_pending: 0 }
    }

    /// Posted credits minus posted debits.
    pub fn balance_posted(&self) -> i64 {
        self.credits_posted.saturating_sub(self.debits_posted)
    }

    /// What can still be spent: posted balance less the debits held by pending transfers.
    pub fn balance_available(&self) -> i64 {
        self.balance_posted().saturating_sub(self.debits_pending)
    }

    fn check_no_overdraft(&self) -> Result<(), LedgerError> {
        if !self.flags.no_overdraft {
            return Ok(());
        }
        let debits = self.debits_posted.checked_add(self.debits_pending).ok_or(LedgerError::Overflow)?;
        if debits > self.credits_posted {
            return Err(LedgerError::ExceedsCredits { account: self.id });
        }
        Ok(())
    }
}

/// What a transfer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// Moves money at once.
    Posted,
    /// Reserves money until it is posted, voided or expires at `timeout_at`.
    Pending { timeout_at: Option<UnixSeconds> },
    /// Posts `amount` (at most the pending amount) of the pending transfer `pending_id`, releasing the rest.
    PostPending { pending_id: TransferId },
    /// Releases the pending transfer `pending_id`.
    VoidPending { pending_id: TransferId },
    /// Releases the pending transfer `pending_id` because its timeout passed (written by the expiry job).
    ExpirePending { pending_id: TransferId },
}

impl TransferKind {
    /// The pending transfer this one resolves, if any.
    pub fn pending_id(&self) -> Option<TransferId> {
        match *self {
            TransferKind::Posted | TransferKind::Pending { .. } => None,
            TransferKind::PostPending { pending_id }
            | TransferKind::VoidPending { pending_id }
            | TransferKind::ExpirePending { pending_id } => Some(pending_id),
        }
    }

    /// Stable name for storage and display.
    pub fn name(&self) -> &'static str {
        match self {
            TransferKind::Posted => "posted",
            TransferKind::Pending { .. } => "pending",
            TransferKind::PostPending { .. } => "post_pending",
            TransferKind::VoidPending { .. } => "void_pending",
            TransferKind::ExpirePending { .. } => "expire_pending",
        }
    }
}

/// Where a pending transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingState {
    Pending,
    Posted,
    Voided,
    Expired,
}

impl PendingState {
    /// Stable name for storage.
    pub fn name(self) -> &'static str {
        match self {
            PendingState::Pending => "pending",
            PendingState::Posted => "posted",
            PendingState::Voided => "voided",
            PendingState::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, LedgerError> {
        Ok(match name {
            "pending" => PendingState::Pending,
            "posted" => PendingState::Posted,
            "voided" => PendingState::Voided,
            "expired" => PendingState::Expired,
            _ => return Err(LedgerError::CorruptRecord("unknown pending state")),
        })
    }
}

/// A request to move money, as a submitter states it.
///
/// For `PostPending`, `VoidPending` and `ExpirePending` the accounts and currency are those of the
/// pending transfer; the request may name them (they must then match) or leave them `None`.
/// `amount` is required for `Posted` and `Pending`; for `PostPending`, `None` posts the full pending amount;
/// for voids and expiries it must be `None` or the pending amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub id: TransferId,
    pub debit_account: Option<AccountId>,
    pub credit_account: Option<AccountId>,
    pub amount: Option<i64>,
    pub currency: Option<Currency>,
    pub kind: TransferKind,
    /// What the transfer is for, chosen by the caller (for example "gift_card_load"): kept for history and reports.
    pub code: u16,
}

/// A transfer as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: TransferId,
    pub debit_account: AccountId,
    pub credit_account: AccountId,
    /// Posted amount for `Posted` and `PostPending`, reserved amount for `Pending`, released amount for voids and expiries.
    pub amount: i64,
    pub currency: Currency,
    pub kind: TransferKind,
    pub code: u16,
    pub created_at: UnixSeconds,
    /// For `Pending` transfers: where the hold stands now.
    pub pending_state: Option<PendingState>,
}

impl Transfer {
    /// Whether a resubmitted request is the same as this recorded transfer.
    pub fn matches(&self, request: &TransferRequest) -> bool {
        request.id == self.id
            && request.kind == self.kind
            && request.code == self.code
            && request.debit_account.is_none_or(|a| a == self.debit_account)
            && request.credit_account.is_none_or(|a| a == self.credit_account)
            && request.currency.is_none_or(|c| c == self.currency)
            && request.amount.is_none_or(|a| a == self.amount)
    }
}

/// Why a transfer was refused. Nothing is changed when a transfer is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerError {
    #[error("transfer ids must be positive (the ledger's own expiries use the negated id of the hold)")]
    InvalidId,
    #[error("the amount must be positive")]
    AmountNotPositive,
    #[error("a required field is missing: {0}")]
    MissingField(&'static str),
    #[error("debit and credit accounts are the same")]
    SameAccount,
    #[error("account {0:?} does not exist")]
    AccountNotFound(AccountId),
    #[error("account {0:?} already exists with other fields")]
    AccountExistsWithDifferentFields(AccountId),
    #[error("the transfer's currency does not match its accounts")]
    CurrencyMismatch,
    #[error("account {account:?} would go below zero")]
    ExceedsCredits { account: AccountId },
    #[error("the pending transfer does not exist")]
    PendingNotFound,
    #[error("the referenced transfer is not pending")]
    NotPending,
    #[error("the pending transfer is already {0:?}")]
    PendingAlreadyResolved(PendingState),
    #[error("the pending transfer has expired")]
    PendingExpired,
    #[error("the pending transfer has not reached its timeout")]
    PendingNotExpired,
    #[error("the amount exceeds the pending amount")]
    ExceedsPendingAmount,
    #[error("the request does not match the pending transfer")]
    PendingMismatch,
    #[error("transfer id already used with other fields")]
    ExistsWithDifferentFields,
    #[error("a timeout must lie in the future")]
    TimeoutInPast,
    #[error("an amount overflowed")]
    Overflow,
    #[error("a stored ledger record is corrupt: {0}")]
    CorruptRecord(&'static str),
}

/// The outcome of [`apply`]: the transfer to record, and the pending transfer's new state if it resolved one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub transfer: Transfer,
    pub resolved_pending: Option<(TransferId, PendingState)>,
}

/// Checks a request and applies it to the two accounts it touches (and the pending transfer it
/// resolves). On error nothing is changed. The store must have checked that the id is new.
///
/// `debit` and `credit` are the accounts of the request (or, for a resolution, of the pending transfer).
pub fn apply(
    request: &TransferRequest,
    debit: &mut Account,
    credit: &mut Account,
    pending: Option<&Transfer>,
    now: UnixSeconds,
) -> Result<Applied, LedgerError> {
    let id_ok = match request.kind {
        TransferKind::ExpirePending { pending_id } => request.id.0 == pending_id.0.wrapping_neg(),
        _ => request.id.0 > 0,
    };
    if !id_ok {
        return Err(LedgerError::InvalidId);
    }
    if debit.id == credit.id {
        return Err(LedgerError::SameAccount);
    }
    let mut new_debit = debit.clone();
    let mut new_credit = credit.clone();
    let applied = match request.kind {
        TransferKind::Posted | TransferKind::Pending { .. } => {
            let amount = request.amount.ok_or(LedgerError::MissingField("amount"))?;
            if amount <= 0 {
                return Err(LedgerError::AmountNotPositive);
            }
            let currency = request.currency.ok_or(LedgerError::MissingField("currency"))?;
            if request.debit_account != Some(debit.id) || request.credit_account != Some(credit.id) {
                return Err(LedgerError::MissingField("debit_account/credit_account"));
            }
            if debit.currency != currency || credit.currency != currency {
                return Err(LedgerError::CurrencyMismatch);
            }
            let pending_state = match request.kind {
                TransferKind::Pending { timeout_at } => {
                    if timeout_at.is_some_and(|t| t <= now) {
                        return Err(LedgerError::TimeoutInPast);
                    }
                    new_debit.debits_pending = add(new_debit.debits_pending, amount)?;
                    new_credit.credits_pending = add(new_credit.credits_pending, amount)?;
                    Some(PendingState::Pending)
                }
                _ => {
                    new_debit.debits_posted = add(new_debit.debits_posted, amount)?;
                    new_credit.credits_posted = add(new_credit.credits_posted, amount)?;
                    None
                }
            };
            Applied {
                transfer: Transfer {
                    id: request.id,
                    debit_account: debit.id,
                    credit_account: credit.id,
                    amount,
                    currency,
                    kind: request.kind,
                    code: request.code,
                    created_at: now,
                    pending_state,
                },
                resolved_pending: None,
            }
        }
        TransferKind::PostPending { pending_id }
        | TransferKind::VoidPending { pending_id }
        | TransferKind::ExpirePending { pending_id } => {
            let pending = pending.ok_or(LedgerError::PendingNotFound)?;
            if pending.id != pending_id {
                return Err(LedgerError::PendingNotFound);
            }
            let TransferKind::Pending { timeout_at } = pending.kind else {
                return Err(LedgerError::NotPending);
            };
            match pending.pending_state {
                Some(PendingState::Pending) => {}
                Some(state) => return Err(LedgerError::PendingAlreadyResolved(state)),
                None => return Err(LedgerError::CorruptRecord("pending transfer without state")),
            }
            if pending.debit_account != debit.id || pending.credit_account != credit.id {
                return Err(LedgerError::PendingMismatch);
            }
            if request.debit_account.is_some_and(|a| a != pending.debit_account)
                || request.credit_account.is_some_and(|a| a != pending.credit_account)
                || request.currency.is_some_and(|c| c != pending.currency)
            {
                return Err(LedgerError::PendingMismatch);
            }
            let timed_out = timeout_at.is_some_and(|t| t <= now);
            let (amount, state) = match request.kind {
                TransferKind::PostPending { .. } => {
                    if timed_out {
                        return Err(LedgerError::PendingExpired);
                    }
                    let amount = request.amount.unwrap_or(pending.amount);
                    if amount <= 0 {
                        return Err(LedgerError::AmountNotPositive);
                    }
                    if amount > pending.amount {
                        return Err(LedgerError::ExceedsPendingAmount);
                    }
                    (amount, PendingState::Posted)
                }
                TransferKind::VoidPending { .. } => {
                    if timed_out {
                        return Err(LedgerError::PendingExpired);
                    }
                    if request.amount.is_some_and(|a| a != pending.amount) {
                        return Err(LedgerError::PendingMismatch);
                    }
                    (pending.amount, PendingState::Voided)
                }
                _ => {
                    if !timed_out {
                        return Err(LedgerError::PendingNotExpired);
                    }
                    if request.amount.is_some_and(|a| a != pending.amount) {
                        return Err(LedgerError::PendingMismatch);
                    }
                    (pending.amount, PendingState::Expired)
                }
            };
            new_debit.debits_pending = sub(new_debit.debits_pending, pending.amount)?;
            new_credit.credits_pending = sub(new_credit.credits_pending, pending.amount)?;
            if state == PendingState::Posted {
                new_debit.debits_posted = add(new_debit.debits_posted, amount)?;
                new_credit.credits_posted = add(new_credit.credits_posted, amount)?;
            }
            Applied {
                transfer: Transfer {
                    id: request.id,
                    debit_account: pending.debit_account,
                    credit_account: pending.credit_account,
                    amount,
                    currency: pending.currency,
                    kind: request.kind,
                    code: request.code,
                    created_at: now,
                    pending_state: None,
                },
                resolved_pending: Some((pending.id, state)),
            }
        }
    };
    new_debit.check_no_overdraft()?;
    new_credit.check_no_overdraft()?;
    *debit = new_debit;
    *credit = new_credit;
    Ok(applied)
}

fn add(a: i64, b: i64) -> Result<i64, LedgerError> {
    a.checked_add(b).ok_or(LedgerError::Overflow)
}

fn sub(a: i64, b: i64) -> Result<i64, LedgerError> {
    let r = a.checked_sub(b).ok_or(LedgerError::Overflow)?;
    if r < 0 {
        return Err(LedgerError::CorruptRecord("pending total below zero"));
    }
    Ok(r)
}

/// One broken invariant, described for an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub invariant: &'static str,
    pub detail: String,
}

/// What the invariant checker found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvariantReport {
    pub accounts: u64,
    pub transfers: u64,
    pub problems: Vec<Problem>,
}

impl InvariantReport {
    /// True when no invariant is broken.
    pub fn is_balanced(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Default, Clone, Copy)]
struct Totals {
    debits_posted: i128,
    credits_posted: i128,
    debits_pending: i128,
    credits_pending: i128,
}

/// Checks the ledger's invariants by streaming every transfer and then every account through it:
/// the ledger balances per currency; each account's totals equal the sums of its transfers;
/// no `no_overdraft` account is below zero; each transfer's accounts share its currency;
/// no pending transfer posted more than it held, and every resolved hold has exactly one resolution.
#[derive(Default)]
pub struct InvariantChecker {
    expected: HashMap<AccountId, Totals>,
    transfer_currency: HashMap<AccountId, Currency>,
    pending: HashMap<TransferId, (i64, PendingState)>,
    resolutions: HashMap<TransferId, (i64, PendingState, u32)>,
    transfers: u64,
    problems: Vec<Problem>,
}

impl InvariantChecker {
    /// A checker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one recorded transfer.
    pub fn observe_transfer(&mut self, t: &Transfer) {
        self.transfers += 1;
        if t.amount <= 0 && !matches!(t.kind, TransferKind::PostPending { .. }) {
            self.problem("amounts are positive", format!("transfer {} has amount {}", t.id.0, t.amount));
        }
        for account in [t.debit_account, t.credit_account] {
            if let Some(c) = self.transfer_currency.insert(account, t.currency) {
                if c != t.currency {
                    self.problem(
                        "one currency per account",
                        format!("account {} has transfers in {} and {}", account.0, c, t.currency),
                    );
                }
            }
        }
        let amount = i128::from(t.amount);
        match t.kind {
            TransferKind::Posted => {
                self.expected.entry(t.debit_account).or_default().debits_posted += amount;
                self.expected.entry(t.credit_account).or_default().credits_posted += amount;
            }
            TransferKind::Pending { .. } => {
                let state = t.pending_state.unwrap_or(PendingState::Pending);
                self.pending.insert(t.id, (t.amount, state));
                if state == PendingState::Pending {
                    self.expected.entry(t.debit_account).or_default().debits_pending += amount;
                    self.expected.entry(t.credit_account).or_default().credits_pending += amount;
                }
            }
            TransferKind::PostPending { pending_id }
            | TransferKind::VoidPending { pending_id }
            | TransferKind::ExpirePending { pending_id } => {
                if let TransferKind::PostPending { .. } = t.kind {
                    self.expected.entry(t.debit_account).or_default().debits_posted += amount;
                    self.expected.entry(t.credit_account).or_default().credits_posted += amount;
                }
                let state = match t.kind {
                    TransferKind::PostPending { .. } => PendingState::Posted,
                    TransferKind::VoidPending { .. } => PendingState::Voided,
                    _ => PendingState::Expired,
                };
                let entry = self.resolutions.entry(pending_id).or_insert((t.amount, state, 0));
                entry.2 += 1;
            }
        }
    }

    /// Feeds every account, then reports.
    pub fn finish<'a>(mut self, accounts: impl IntoIterator<Item = &'a Account>) -> InvariantReport {
        let mut per_currency: HashMap<Currency, i128> = HashMap::new();
        let mut count = 0u64;
        let mut seen = std::collections::HashSet::new();
        for a in accounts {
            count += 1;
            seen.insert(a.id);
            if let Some(c) = self.transfer_currency.get(&a.id) {
                if *c != a.currency {
                    self.problem(
                        "one currency per account",
                        format!("account {} is {} but has transfers in {}", a.id.0, a.currency, c),
                    );
                }
            }
            let e = self.expected.get(&a.id).copied().unwrap_or_default();
            let actual = (
                i128::from(a.debits_posted),
                i128::from(a.credits_posted),
                i128::from(a.debits_pending),
                i128::from(a.credits_pending),
            );
            if actual != (e.debits_posted, e.credits_posted, e.debits_pending, e.credits_pending) {
                self.problem(
                    "each balance equals the sum of its postings",
                    format!(
                        "account {}: stored (dp {}, cp {}, dh {}, ch {}), transfers say (dp {}, cp {}, dh {}, ch {})",
                        a.id.0,
                        actual.0,
                        actual.1,
                        actual.2,
                        actual.3,
                        e.debits_posted,
                        e.credits_posted,
                        e.debits_pending,
                        e.credits_pending
                    ),
                );
            }
            if a.debits_pending < 0 || a.credits_pending < 0 {
                self.problem("held amounts are never negative", format!("account {}", a.id.0));
            }
            if a.flags.no_overdraft
                && i128::from(a.debits_posted) + i128::from(a.debits_pending) > i128::from(a.credits_posted)
            {
                self.problem(
                    "no protected account below zero",
                    format!("account {} has available balance {}", a.id.0, a.balance_available()),
                );
            }
            *per_currency.entry(a.currency).or_default() += i128::from(a.credits_posted) - i128::from(a.debits_posted);
        }
        for id in self.expected.keys() {
            if !seen.contains(id) {
                self.problems.push(Problem {
                    invariant: "every transfer's accounts exist",
                    detail: format!("account {} has transfers but no record", id.0),
                });
            }
        }
        let mut currencies: Vec<_> = per_currency.into_iter().filter(|(_, sum)| *sum != 0).collect();
        currencies.sort_by_key(|(c, _)| *c);
        for (currency, sum) in currencies {
            self.problems.push(Problem {
                invariant: "the ledger balances per currency",
                detail: format!("{currency} postings sum to {sum}, not 0"),
            });
        }
        let mut resolutions: Vec<_> = self.resolutions.iter().map(|(k, v)| (*k, *v)).collect();
        resolutions.sort_by_key(|(k, _)| *k);
        for (pending_id, (amount, state, times)) in resolutions {
            let detail_id = pending_id.0;
            match self.pending.get(&pending_id) {
                None => self.problems.push(Problem {
                    invariant: "every resolution has its hold",
                    detail: format!("hold {detail_id} is resolved but does not exist"),
                }),
                Some((held, recorded_state)) => {
                    if times != 1 {
                        self.problems.push(Problem {
                            invariant: "a hold is resolved once",
                            detail: format!("hold {detail_id} is resolved {times} times"),
                        });
                    }
                    if *recorded_state != state {
                        self.problems.push(Problem {
                            invariant: "a hold's state matches its resolution",
                            detail: format!("hold {detail_id} is {recorded_state:?} but was resolved as {state:?}"),
                        });
                    }
                    if amount > *held {
                        self.problems.push(Problem {
                            invariant: "posted ≤ held",
                            detail: format!("hold {detail_id} held {held} but posted {amount}"),
                        });
                    }
                }
            }
        }
        let mut unresolved: Vec<_> = self
            .pending
            .iter()
            .filter(|(id, (_, state))| *state != PendingState::Pending && !self.resolutions.contains_key(id))
            .map(|(id, _)| id.0)
            .collect();
        unresolved.sort_unstable();
        for id in unresolved {
            self.problems.push(Problem {
                invariant: "a hold's state matches its resolution",
                detail: format!("hold {id} is marked resolved but has no resolving transfer"),
            });
        }
        InvariantReport { accounts: count, transfers: self.transfers, problems: self.problems }
    }

    fn problem(&mut self, invariant: &'static str, detail: String) {
        self.problems.push(Problem { invariant, detail });
    }
}

/// A ledger held in memory: the reference model for property tests, and a check that the store
/// applies exactly the rules of [`apply`].
#[derive(Default, Clone)]
pub struct MemoryLedger {
    accounts: HashMap<AccountId, Account>,
    transfers: HashMap<TransferId, Transfer>,
    order: Vec<TransferId>,
}

/// The answer to a submitted transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Applied now.
    Created(Transfer),
    /// The same request was applied before; nothing changed.
    Exists(Transfer),
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens an account; the same account twice is fine, the same id with other fields is an error.
    pub fn create_account(&mut self, account: Account) -> Result<(), LedgerError> {
        if let Some(existing) = self.accounts.get(&account.id) {
            if existing.currency == account.currency && existing.flags == account.flags {
                return Ok(());
            }
            return Err(LedgerError::AccountExistsWithDifferentFields(account.id));
        }
        self.accounts.insert(account.id, account);
        Ok(())
    }

    /// An account by id.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id)
    }

    /// A transfer by id.
    pub fn transfer(&self, id: TransferId) -> Option<&Transfer> {
        self.transfers.get(&id)
    }

    /// Submits one transfer.
    pub fn submit(&mut self, request: &TransferRequest, now: UnixSeconds) -> Result<Submitted, LedgerError> {
        if let Some(existing) = self.transfers.get(&request.id) {
            return if existing.matches(request) {
                Ok(Submitted::Exists(existing.clone()))
            } else {
                Err(LedgerError::ExistsWithDifferentFields)
            };
        }
        let pending = match request.kind.pending_id() {
            Some(pid) => Some(self.transfers.get(&pid).cloned().ok_or(LedgerError::PendingNotFound)?),
            None => None,
        };
        let (debit_id, credit_id) = match &pending {
            Some(p) => (p.debit_account, p.credit_account),
            None => (
                request.debit_account.ok_or(LedgerError::MissingField("debit_account"))?,
                request.credit_account.ok_or(LedgerError::MissingField("credit_account"))?,
            ),
        };
        if debit_id == credit_id {
            return Err(LedgerError::SameAccount);
        }
        let mut debit = self.accounts.get(&debit_id).cloned().ok_or(LedgerError::AccountNotFound(debit_id))?;
        let mut credit = self.accounts.get(&credit_id).cloned().ok_or(LedgerError::AccountNotFound(credit_id))?;
        let applied = apply(request, &mut debit, &mut credit, pending.as_ref(), now)?;
        self.accounts.insert(debit.id, debit);
        self.accounts.insert(credit.id, credit);
        if let Some((pid, state)) = applied.resolved_pending {
            if let Some(p) = self.transfers.get_mut(&pid) {
                p.pending_state = Some(state);
            }
        }
        self.order.push(applied.transfer.id);
        self.transfers.insert(applied.transfer.id, applied.transfer.clone());
        Ok(Submitted::Created(applied.transfer))
    }

    /// Runs the invariant checker over everything.
    pub fn check(&self) -> InvariantReport {
        let mut checker = InvariantChecker::new();
        for id in &self.order {
            if let Some(t) = self.transfers.get(id) {
                checker.observe_transfer(t);
            }
        }
        checker.finish(self.accounts.values())
    }
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
