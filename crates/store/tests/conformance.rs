//! The store's conformance suite, on SQLite by default and on PostgreSQL with
//! `POCKETPAY_TEST_DATABASE_URL` (a database per test): group commit, savepoint isolation,
//! idempotent transfers, restart, the ledger checker; and on PostgreSQL, two stores (as two
//! processes would open) on one database: no overdraft between them, migrations at once, leases.

use domain::ledger::{
    Account, AccountFlags, AccountId, LedgerError, Submitted, TransferId, TransferKind, TransferRequest,
};
use domain::money::Currency;
use store::{AccountMeta, Store, StoreError};

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
    let store = Store::open(store::test_config(dir)).unwrap_or_else(|e| panic!("open: {e}"));
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
    assert_eq!(store.writer_queue_depth(), 0, "every command was answered: none waits for the writer");
    assert_balanced(&store).await;
    store.shutdown().await;
    drop(store);

    let store = Store::open(store::test_config(&dir)).unwrap_or_else(|e| panic!("reopen: {e}"));
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

    // On SQLite a second process (here: a second open) cannot write the same database; on
    // PostgreSQL it can, and sees what the first wrote.
    match Store::open(store::test_config(&dir)) {
        Err(StoreError::Locked) => assert!(!store.is_postgres()),
        Ok(second) => {
            assert!(store.is_postgres(), "a second open of a SQLite file must be refused");
            let seen =
                second.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_available());
            assert_eq!(seen, Some(100));
            second.shutdown().await;
        }
        Err(e) => panic!("{e}"),
    }

    // The checker notices a tampered balance.
    store.shutdown().await;
    drop(store);
    store::tamper_for_tests(
        &dir.join("pocketpay.db"),
        "UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = 3",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open(store::test_config(&dir)).unwrap_or_else(|e| panic!("{e}"));
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
                status: domain::states::UserStatus::Active,
                role: "buyer".into(),
                phone: None,
                country: "US".into(),
                currency: "USD".into(),
                created_at: 0,
                locale: None,
                time_zone: "UTC".into(),
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

/// Two stores on one database (two processes on PostgreSQL): 400 spends of 7 from one account
/// of 1,000, half through each, at once: exactly 142 succeed, never below zero. On SQLite the second
/// open is refused, which is what keeps the one writer's cache sound there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_database_never_overdraw() {
    let dir = tempdir("two-stores");
    let first = open_with_accounts(&dir).await;
    let second = match Store::open(store::test_config(&dir)) {
        Ok(s) => s,
        Err(StoreError::Locked) => {
            assert!(!first.is_postgres());
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(first.is_postgres() && second.is_postgres());
    assert!(matches!(submit(&first, transfer(1, 1, 2, 1_000)).await, Ok(Submitted::Created(_))));
    let mut tasks = Vec::new();
    for i in 0..400_i64 {
        let store = if i % 2 == 0 { first.clone() } else { second.clone() };
        tasks.push(tokio::spawn(async move {
            store.write(move |tx| tx.submit_transfer(&transfer(10 + i, 2, 3, 7), 10)).await
        }));
    }
    let (mut accepted, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(Ok(Submitted::Created(_))) => accepted += 1,
            Ok(Err(LedgerError::ExceedsCredits { .. })) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((accepted, refused), (142, 258));
    // The same transfer id through the other store is the same transfer, not a second one.
    assert!(matches!(submit(&second, transfer(10, 2, 3, 7)).await, Ok(Submitted::Exists(_)) | Err(_)));
    let left = second.read(|tx| tx.ledger_account(AccountId(2))).await.ok().flatten().map(|a| a.balance_posted());
    assert_eq!(left, Some(1_000 - 142 * 7));
    assert_balanced(&first).await;
    first.shutdown().await;
    second.shutdown().await;
}

/// A job's lease: one holder at a time; another takes it once it has lapsed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_has_one_holder_until_it_lapses() {
    let dir = tempdir("lease");
    let store = open_with_accounts(&dir).await;
    let take = |holder: &'static str, now: i64| {
        let store = store.clone();
        async move {
            store.write(move |tx| tx.take_lease("jobs", holder, now, 1_000)).await.unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert!(take("a", 10_000).await);
    assert!(!take("b", 10_500).await, "held by a until 11,000");
    assert!(take("a", 10_900).await, "a renews: until 11,900");
    assert!(!take("b", 11_500).await);
    assert!(take("b", 11_900).await, "lapsed: b takes it");
    assert!(!take("a", 12_000).await);
    store.write(|tx| tx.release_lease("jobs", "b")).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(take("a", 12_001).await, "given back: a takes it at once");
}

/// Two processes starting at once on a new database: one migrates, the other waits and finds the
/// schema made; both end at the same version.
#[test]
fn two_migrations_at_once_end_at_one_schema() {
    let dir = tempdir("migrate-race");
    let url = store::test_database_url(&dir);
    let path = dir.join("pocketpay.db");
    let versions: Vec<i64> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (url, path) = (url.clone(), path.clone());
                s.spawn(move || match url {
                    Some(u) => Store::migrate_postgres(&u),
                    None => Store::migrate_only(&path),
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().unwrap_or_else(|_| panic!("panicked")).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    });
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], versions[1]);
    assert!(versions[0] >= 13);
}

/// A database written by a newer program is refused, with both versions named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_a_newer_schema_is_refused() {
    let dir = tempdir("newer");
    let store = open_with_accounts(&dir).await;
    let postgres = store.is_postgres();
    store.shutdown().await;
    drop(store);
    let sql = if postgres { "UPDATE pocketpay_schema SET version = 99" } else { "PRAGMA user_version = 99" };
    store::tamper_for_tests(&dir.join("pocketpay.db"), sql).unwrap_or_else(|e| panic!("{e}"));
    match Store::open(store::test_config(&dir)) {
        Err(e @ StoreError::SchemaTooNew { found: 99, .. }) => {
            assert!(e.to_string().contains("version 99, newer than this program's"), "{e}");
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

/// The database goes away under a running store: writes and reads answer a retryable error, never
/// half an effect, and work again once it is back. On PostgreSQL every connection of the store is
/// cut by the server (as a restart or a failover would); on SQLite the store is stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_answers_retryable_errors_and_recovers() {
    let dir = tempdir("lost");
    let store = open_with_accounts(&dir).await;
    assert!(matches!(submit(&store, transfer(1, 1, 2, 100)).await, Ok(Submitted::Created(_))));
    let Some(url) = store::test_database_url(&dir) else {
        store.shutdown().await;
        let refused = store.write(|tx| tx.submit_transfer(&transfer(2, 1, 2, 5), 10)).await;
        assert!(matches!(&refused, Err(e) if e.is_unavailable()), "{refused:?}");
        return;
    };
    // Cut every connection the store holds, from outside.
    let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
    let admin = std::env::var(store::TEST_DATABASE_URL).unwrap_or_default();
    let cut = std::process::Command::new("psql")
        .args([
            admin.as_str(),
            "-Atc",
            &format!(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ),
        ])
        .output()
        .unwrap_or_else(|e| panic!("psql: {e}"));
    let killed: i64 = String::from_utf8_lossy(&cut.stdout).trim().parse().unwrap_or(0);
    assert!(killed >= 2, "the writer's and the readers' connections were cut: {killed}");
    // The next write's batch finds its connection gone before anything ran, and starts again on a new one.
    assert!(matches!(submit(&store, transfer(2, 1, 2, 5)).await, Ok(Submitted::Created(_))));
    // A read on a cut connection answers a retryable error once; its connection is replaced.
    let mut errors = 0;
    let mut seen = None;
    for _ in 0..8 {
        match store.read(|tx| tx.ledger_account(AccountId(2))).await {
            Ok(a) => {
                seen = a.map(|a| a.balance_posted());
                break;
            }
            Err(e) => {
                assert!(e.is_unavailable(), "{e}");
                errors += 1;
            }
        }
    }
    assert!(errors <= 4, "each of the 4 read connections fails at most once");
    assert_eq!(seen, Some(105));
    assert_balanced(&store).await;
    store.shutdown().await;
}
