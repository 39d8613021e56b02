//! Unit and property tests of the ledger: transfers that balance, the invariants and their checker.

use super::*;
use crate::money::Currency;
use proptest::prelude::*;

const USD: Currency = Currency::USD;
const EUR: Currency = Currency::EUR;

fn ledger() -> MemoryLedger {
    let mut l = MemoryLedger::new();
    // 1: funding source (may go negative), 2 and 3: protected USD accounts, 4: EUR protected.
    l.create_account(Account::new(AccountId(1), USD, AccountFlags::default())).ok();
    l.create_account(Account::new(AccountId(2), USD, AccountFlags { no_overdraft: true })).ok();
    l.create_account(Account::new(AccountId(3), USD, AccountFlags { no_overdraft: true })).ok();
    l.create_account(Account::new(AccountId(4), EUR, AccountFlags { no_overdraft: true })).ok();
    l
}

fn posted(id: i64, debit: i64, credit: i64, amount: i64) -> TransferRequest {
    TransferRequest {
        id: TransferId(id),
        debit_account: Some(AccountId(debit)),
        credit_account: Some(AccountId(credit)),
        amount: Some(amount),
        currency: Some(USD),
        kind: TransferKind::Posted,
        code: 1,
    }
}

fn with_kind(mut r: TransferRequest, kind: TransferKind) -> TransferRequest {
    r.kind = kind;
    r
}

fn resolve(id: i64, kind: TransferKind, amount: Option<i64>) -> TransferRequest {
    TransferRequest {
        id: TransferId(id),
        debit_account: None,
        credit_account: None,
        amount,
        currency: None,
        kind,
        code: 1,
    }
}

/// One row: a sequence of submissions and the outcome expected of the last one.
fn check(steps: &[TransferRequest], now: UnixSeconds, expect: Result<(), LedgerError>) {
    let mut l = ledger();
    let (last, before) = steps.split_last().unwrap_or_else(|| unreachable!("rows are not empty"));
    for s in before {
        assert!(l.submit(s, 0).is_ok(), "setup step {s:?} failed");
    }
    let outcome = l.submit(last, now).map(|_| ());
    assert_eq!(outcome, expect, "last step {last:?}");
    let report = l.check();
    assert!(report.is_balanced(), "{:?}", report.problems);
}

#[test]
fn transfer_rules_table() {
    let hold = |id, amount, timeout| with_kind(posted(id, 2, 3, amount), TransferKind::Pending { timeout_at: timeout });
    let pid = TransferId(10);
    let rows: Vec<(Vec<TransferRequest>, UnixSeconds, Result<(), LedgerError>)> = vec![
        (vec![posted(10, 1, 2, 100)], 0, Ok(())),
        (vec![posted(10, 2, 3, 1)], 0, Err(LedgerError::ExceedsCredits { account: AccountId(2) })),
        (vec![posted(10, 1, 2, 0)], 0, Err(LedgerError::AmountNotPositive)),
        (vec![posted(10, 1, 2, -5)], 0, Err(LedgerError::AmountNotPositive)),
        (vec![posted(0, 1, 2, 5)], 0, Err(LedgerError::InvalidId)),
        (vec![posted(-3, 1, 2, 5)], 0, Err(LedgerError::InvalidId)),
        (vec![posted(10, 2, 2, 5)], 0, Err(LedgerError::SameAccount)),
        (vec![posted(10, 1, 9, 5)], 0, Err(LedgerError::AccountNotFound(AccountId(9)))),
        (vec![posted(10, 1, 4, 5)], 0, Err(LedgerError::CurrencyMismatch)),
        (vec![posted(10, 1, 2, 100), posted(10, 1, 2, 100)], 0, Ok(())),
        (vec![posted(10, 1, 2, 100), posted(10, 1, 2, 101)], 0, Err(LedgerError::ExistsWithDifferentFields)),
        (vec![posted(1, 1, 2, 100), hold(10, 100, None)], 0, Ok(())),
        (
            vec![posted(1, 1, 2, 100), hold(10, 101, None)],
            0,
            Err(LedgerError::ExceedsCredits { account: AccountId(2) }),
        ),
        (
            vec![posted(1, 1, 2, 100), hold(10, 60, None), posted(11, 2, 3, 41)],
            0,
            Err(LedgerError::ExceedsCredits { account: AccountId(2) }),
        ),
        (vec![posted(1, 1, 2, 100), hold(10, 60, Some(0))], 0, Err(LedgerError::TimeoutInPast)),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, None),
                resolve(11, TransferKind::PostPending { pending_id: pid }, Some(40)),
            ],
            0,
            Ok(()),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, None),
                resolve(11, TransferKind::PostPending { pending_id: pid }, Some(61)),
            ],
            0,
            Err(LedgerError::ExceedsPendingAmount),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, None),
                resolve(11, TransferKind::VoidPending { pending_id: pid }, None),
            ],
            0,
            Ok(()),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, None),
                resolve(11, TransferKind::VoidPending { pending_id: pid }, None),
                resolve(12, TransferKind::PostPending { pending_id: pid }, None),
            ],
            0,
            Err(LedgerError::PendingAlreadyResolved(PendingState::Voided)),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, Some(100)),
                resolve(11, TransferKind::PostPending { pending_id: pid }, None),
            ],
            100,
            Err(LedgerError::PendingExpired),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, Some(100)),
                resolve(-10, TransferKind::ExpirePending { pending_id: pid }, None),
            ],
            99,
            Err(LedgerError::PendingNotExpired),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, Some(100)),
                resolve(11, TransferKind::ExpirePending { pending_id: pid }, None),
            ],
            100,
            Err(LedgerError::InvalidId),
        ),
        (
            vec![
                posted(1, 1, 2, 100),
                hold(10, 60, Some(100)),
                resolve(-10, TransferKind::ExpirePending { pending_id: pid }, None),
            ],
            100,
            Ok(()),
        ),
        (
            vec![posted(1, 1, 2, 100), resolve(11, TransferKind::PostPending { pending_id: TransferId(1) }, None)],
            0,
            Err(LedgerError::NotPending),
        ),
        (
            vec![resolve(11, TransferKind::VoidPending { pending_id: TransferId(77) }, None)],
            0,
            Err(LedgerError::PendingNotFound),
        ),
    ];
    for (steps, now, expect) in rows {
        check(&steps, now, expect);
    }
}

#[test]
fn partial_post_releases_the_rest() {
    let mut l = ledger();
    l.submit(&posted(1, 1, 2, 100), 0).ok();
    l.submit(&with_kind(posted(2, 2, 3, 70), TransferKind::Pending { timeout_at: None }), 0).ok();
    assert_eq!(l.account(AccountId(2)).map(Account::balance_available), Some(30));
    l.submit(&resolve(3, TransferKind::PostPending { pending_id: TransferId(2) }, Some(50)), 0).ok();
    let a = l.account(AccountId(2)).cloned().unwrap_or_else(|| unreachable!());
    assert_eq!((a.balance_posted(), a.balance_available(), a.debits_pending), (50, 50, 0));
    assert_eq!(l.account(AccountId(3)).map(Account::balance_posted), Some(50));
    assert!(l.check().is_balanced());
}

#[test]
fn checker_finds_a_tampered_balance() {
    let mut l = ledger();
    l.submit(&posted(1, 1, 2, 100), 0).ok();
    let mut accounts: Vec<Account> = l.accounts.values().cloned().collect();
    for a in &mut accounts {
        if a.id == AccountId(2) {
            a.credits_posted += 1;
        }
    }
    let mut checker = InvariantChecker::new();
    for t in l.transfers.values() {
        checker.observe_transfer(t);
    }
    let report = checker.finish(accounts.iter());
    let names: Vec<_> = report.problems.iter().map(|p| p.invariant).collect();
    assert!(names.contains(&"each balance equals the sum of its postings"), "{names:?}");
    assert!(names.contains(&"the ledger balances per currency"), "{names:?}");
}

#[derive(Debug, Clone)]
enum Op {
    Fund { account: i64, amount: i64 },
    Move { from: i64, to: i64, amount: i64 },
    Hold { from: i64, to: i64, amount: i64, timeout: Option<i64> },
    Post { nth_hold: usize, amount: Option<i64> },
    Void { nth_hold: usize },
    Expire { nth_hold: usize },
    Tick { seconds: i64 },
    Replay { nth: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (2i64..=3, 1i64..500).prop_map(|(account, amount)| Op::Fund { account, amount }),
        (2i64..=3, 2i64..=3, 1i64..300).prop_map(|(from, to, amount)| Op::Move { from, to, amount }),
        (2i64..=3, 1i64..=3, 1i64..300, proptest::option::of(1i64..50))
            .prop_map(|(from, to, amount, timeout)| Op::Hold { from, to, amount, timeout }),
        (0usize..20, proptest::option::of(1i64..300)).prop_map(|(nth_hold, amount)| Op::Post { nth_hold, amount }),
        (0usize..20).prop_map(|nth_hold| Op::Void { nth_hold }),
        (0usize..20).prop_map(|nth_hold| Op::Expire { nth_hold }),
        (1i64..40).prop_map(|seconds| Op::Tick { seconds }),
        (0usize..40).prop_map(|nth| Op::Replay { nth }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Any sequence of operations, accepted or refused, leaves every invariant intact,
    /// protected accounts never below zero, and a refused operation changes nothing.
    #[test]
    fn random_operations_keep_the_invariants(ops in proptest::collection::vec(op(), 1..80)) {
        let mut l = ledger();
        let mut now = 0i64;
        let mut next_id = 100i64;
        let mut holds: Vec<TransferId> = Vec::new();
        let mut submitted: Vec<TransferRequest> = Vec::new();
        for op in ops {
            let request = match op {
                Op::Fund { account, amount } => Some(posted(next_id, 1, account, amount)),
                Op::Move { from, to, amount } => Some(posted(next_id, from, to, amount)),
                Op::Hold { from, to, amount, timeout } => Some(with_kind(posted(next_id, from, to, amount), TransferKind::Pending { timeout_at: timeout.map(|t| now + t) })),
                Op::Post { nth_hold, amount } => holds.get(nth_hold).map(|p| resolve(next_id, TransferKind::PostPending { pending_id: *p }, amount)),
                Op::Void { nth_hold } => holds.get(nth_hold).map(|p| resolve(next_id, TransferKind::VoidPending { pending_id: *p }, None)),
                Op::Expire { nth_hold } => holds.get(nth_hold).map(|p| resolve(-p.0, TransferKind::ExpirePending { pending_id: *p }, None)),
                Op::Tick { seconds } => { now += seconds; None }
                Op::Replay { nth } => submitted.get(nth).cloned(),
            };
            let Some(request) = request else { continue };
            let before = l.clone();
            match l.submit(&request, now) {
                Ok(Submitted::Created(t)) => {
                    next_id += 1;
                    if matches!(t.kind, TransferKind::Pending { .. }) { holds.push(t.id); }
                    submitted.push(request);
                }
                Ok(Submitted::Exists(_)) => {
                    prop_assert_eq!(l.accounts.clone(), before.accounts.clone());
                }
                Err(_) => {
                    next_id += 1;
                    prop_assert_eq!(l.accounts.clone(), before.accounts.clone());
                    prop_assert_eq!(l.transfers.len(), before.transfers.len());
                }
            }
            for a in l.accounts.values() {
                if a.flags.no_overdraft {
                    prop_assert!(a.balance_available() >= 0);
                }
            }
            let report = l.check();
            prop_assert!(report.is_balanced(), "{:?}", report.problems);
        }
    }
}
