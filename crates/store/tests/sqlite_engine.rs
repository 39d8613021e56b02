//! The SQLite engine: group commit, savepoint isolation, idempotent transfers, restart, locking.

use domain::ledger::{
    Account, AccountFlags, AccountId, LedgerError, Submitted, TransferId, TransferKind, TransferRequest,
};
use domain::money::Currency;
use store::{AccountMeta, Store, StoreConfig, StoreError};

fn meta(kind: &str) -> AccountMeta {
    AccountMeta { kind: kind.into(), owner: None }
}

fn transfer(id: i64, debit: i64, credit: i64, amount: i64) -> TransferRequest {
    TransferRequest {
        id: TransferId(id),
        debit_account: Some(AccountId(debit)),
        credit_account: Some(AccountId(credit)),
        amount: Some(amount),
        currency: Some(Currency::USD),
        kind: TransferKind::Posted,
        code: 7,
    }
}

async fn open_with_accounts(dir: &std::path::Path) -> Store {
    let store = Store::open(StoreConfig::new(dir.join("pocketpay.db"))).unwrap_or_else(|e| panic!("open: {e}"));
    store
        .write(|tx| -> Result<(), StoreError> {
            tx.open_account(&Account::new(AccountId(1), Currency::USD, AccountFlags::default()), &meta("source"), 0)?;
            for id in 2..=3 {
                tx.open_account(
                    &Account::new(AccountId(id), Currency::USD, AccountFlags { no_overdraft: true }),
                    &meta("pocket"),
                    0,
                )?;
            }
            Ok(())
        })
        .await
        .unwrap_or_else(|e| panic!("accounts: {e}"));
    store
}

async fn submit(store: &Store, t: TransferRequest) -> Result<Submitted, LedgerError> {
    store.write(move |tx| tx.submit_transfer(&t, 10)).await.unwrap_or_else(|e| panic!("store failed: {e}"))
}

async fn assert_balanced(store: &Store) {
    let report = store.read(|tx| tx.verify_ledger()).await.unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_balanced(), "{:?}", report.problems);
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pocketpay-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_spends_never_overdraw_and_survive_restart() {
    let dir = tempdir("concurrent");
    let store = open_with_accounts(&dir).await;
    assert!(matches!(submit(&store, transfer(1, 1, 2, 1_000)).await, Ok(Submitted::Created(_))));
    // 300 concurrent spends of 7 from an account holding 1,000: exactly 142 fit.
    let mut tasks = Vec::new();
    for i in 0..300 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { submit(&s, transfer(100 + i, 2, 3, 7)).await }));
    }
    let mut accepted = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(Submitted::Created(_)) => accepted += 1,
            Err(LedgerError::ExceedsCredits { account }) => {
                assert_eq!(account, AccountId(2));
                refused += 1
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((accepted, refused), (142, 158));
    assert_balanced(&store).await;
    store.shutdown().await;
    drop(store);

    let store = Store::open(StoreConfig::new(dir.join("pocketpay.db"))).unwrap_or_else(|e| panic!("reopen: {e}"));
    let a2 = store.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_posted());
    assert_eq!(a2, Some(1_000 - 142 * 7));
    // State rebuilt: the next spend sees the true balance (6 left), not a stale one.
    assert!(matches!(submit(&store, transfer(999, 2, 3, 7)).await, Err(LedgerError::ExceedsCredits { .. })));
    assert!(matches!(submit(&store, transfer(998, 2, 3, 6)).await, Ok(Submitted::Created(_))));
    assert_balanced(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_command_does_not_fail_its_neighbours() {
    let dir = tempdir("savepoint");
    let store = open_with_accounts(&dir).await;
    let mut tasks = Vec::new();
    for i in 0..50i64 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.write(move |tx| -> Result<(), StoreError> {
                // Every command funds account 2, then the odd ones fail after writing: their funding must vanish.
                match tx.submit_transfer(&transfer(1 + i, 1, 2, 10), 10)? {
                    Ok(_) => {}
                    Err(e) => return Err(StoreError::Ledger(e)),
                }
                if i % 2 == 1 {
                    return Err(StoreError::Corrupt("deliberate failure".into()));
                }
                Ok(())
            })
            .await
        }));
    }
    let mut failed = 0;
    for t in tasks {
        if t.await.unwrap_or_else(|e| panic!("{e}")).is_err() {
            failed += 1;
        }
    }
    assert_eq!(failed, 25);
    let balance = store.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_posted());
    assert_eq!(balance, Some(250));
    let count = store.read(|tx| tx.ledger_transfer_count()).await.unwrap_or_default();
    assert_eq!(count, 25);
    // A panicking command is rolled back and the writer keeps serving.
    let panicked: Result<(), StoreError> = store
        .write(|tx| {
            let _ = tx.submit_transfer(&transfer(500, 1, 2, 10), 10)?;
            panic!("deliberate panic inside a command")
        })
        .await;
    assert!(matches!(panicked, Err(StoreError::CommandPanicked)));
    assert!(matches!(submit(&store, transfer(501, 1, 2, 10)).await, Ok(Submitted::Created(_))));
    let balance = store.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_posted());
    assert_eq!(balance, Some(260));
    assert_balanced(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_holds_expiry_and_the_lock() {
    let dir = tempdir("replay");
    let store = open_with_accounts(&dir).await;
    assert!(matches!(submit(&store, transfer(1, 1, 2, 100)).await, Ok(Submitted::Created(_))));
    assert!(matches!(submit(&store, transfer(1, 1, 2, 100)).await, Ok(Submitted::Exists(_))));
    assert_eq!(submit(&store, transfer(1, 1, 2, 99)).await, Err(LedgerError::ExistsWithDifferentFields));
    // A hold that times out at t=50 is expired by the job exactly once.
    let mut hold = transfer(2, 2, 3, 60);
    hold.kind = TransferKind::Pending { timeout_at: Some(50) };
    assert!(matches!(submit(&store, hold).await, Ok(Submitted::Created(_))));
    let available =
        store.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_available());
    assert_eq!(available, Some(40));
    let expired = store.write(|tx| tx.expire_due_holds(49, 100)).await.unwrap_or(99);
    assert_eq!(expired, 0);
    let expired = store.write(|tx| tx.expire_due_holds(50, 100)).await.unwrap_or(99);
    assert_eq!(expired, 1);
    let expired = store.write(|tx| tx.expire_due_holds(60, 100)).await.unwrap_or(99);
    assert_eq!(expired, 0);
    let available =
        store.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_available());
    assert_eq!(available, Some(100));
    assert_balanced(&store).await;

    // A second process (here: a second open) cannot write the same database.
    assert!(matches!(Store::open(StoreConfig::new(dir.join("pocketpay.db"))), Err(StoreError::Locked)));

    // The checker notices a tampered balance.
    store.shutdown().await;
    drop(store);
    store::tamper_for_tests(
        &dir.join("pocketpay.db"),
        "UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = 3",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open(StoreConfig::new(dir.join("pocketpay.db"))).unwrap_or_else(|e| panic!("{e}"));
    let report = store.read(|tx| tx.verify_ledger()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.is_balanced());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_compares_pocket_lots_with_the_ledger() {
    let dir = tempdir("lots");
    let store = open_with_accounts(&dir).await;
    let outcome = store
        .write(|tx| -> Result<(), StoreError> {
            tx.insert_user(&store::UserRecord {
                id: "usr_lots".into(),
                email: "lots@example.com".into(),
                password_hash: "x".into(),
                status: "active".into(),
                role: "buyer".into(),
                phone: None,
                country: "US".into(),
                currency: "USD".into(),
                created_at: 0,
            })?;
            let meta = AccountMeta { kind: "pocket".into(), owner: Some("usr_lots".into()) };
            tx.open_account(
                &Account::new(AccountId(50), Currency::USD, AccountFlags { no_overdraft: true }),
                &meta,
                0,
            )?;
            tx.submit_transfer(&transfer(1, 1, 50, 700), 0)?.map_err(StoreError::from)?;
            let lot = store::LotRecord {
                id: 0,
                user_id: "usr_lots".into(),
                currency: "USD".into(),
                amount_initial: 700,
                amount_remaining: 700,
                amount_held: 0,
                expires_at: None,
                source: "test".into(),
                created_at: 0,
            };
            tx.insert_lot(&lot)?;
            Ok(())
        })
        .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_balanced(&store).await;
    // A lot that says more than the ledger holds is reported.
    store.write(|tx| tx.change_lot(1, 1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    let report = store.read(|tx| tx.verify_ledger()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.problems.iter().any(|p| p.invariant == "the lots of a Pocket sum to its balance"),
        "{:?}",
        report.problems
    );
}
