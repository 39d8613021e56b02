//! `pocketpay bench ledger`: concurrent transfers through the same writer path the API uses, durable.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::ledger::{Account, AccountFlags, AccountId, Submitted, TransferId, TransferKind, TransferRequest};
use domain::money::Currency;
use rand::Rng;
use store::{AccountMeta, Store, StoreConfig, StoreError};

/// Options of the ledger benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct LedgerBenchArgs {
    /// Concurrent submitters, each with one transfer in flight at a time.
    #[arg(long, default_value_t = 4096)]
    pub submitters: usize,
    /// Accounts to move money between.
    #[arg(long, default_value_t = 100_000)]
    pub accounts: i64,
    /// How long to measure, after a one-second warm-up.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Commands per writer transaction at most.
    #[arg(long, default_value_t = 8192)]
    pub batch_size_max: usize,
    /// Where to put the database (a fresh temporary directory by default).
    #[arg(long)]
    pub data_dir: Option<std::path::PathBuf>,
    /// Run on this PostgreSQL server instead (a fresh database `pocketpay_bench_ledger` is made on it
    /// and dropped afterwards).
    #[arg(long, env = "POCKETPAY_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// On PostgreSQL, commands per transaction at most (each is a savepoint; see ARCHITECTURE.md).
    #[arg(long, default_value_t = 48)]
    pub pg_batch_size_max: usize,
}

/// Results of a run.
pub struct LedgerBenchReport {
    pub transfers: u64,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub p999: Duration,
    pub refused: u64,
}

pub async fn run_ledger(args: LedgerBenchArgs) -> anyhow::Result<LedgerBenchReport> {
    let temp;
    let dir = match &args.data_dir {
        Some(d) => d.clone(),
        None => {
            temp = std::env::temp_dir().join(format!("pocketpay-bench-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&temp);
            temp.clone()
        }
    };
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut config = StoreConfig::new(&db);
    config.batch_size_max = args.batch_size_max;
    config.pg_batch_size_max = args.pg_batch_size_max;
    let server = args.database_url.clone().filter(|u| !u.trim().is_empty());
    if let Some(url) = &server {
        config.database_url = Some(store::fresh_postgres_database(url, "pocketpay_bench_ledger")?);
        eprintln!("on PostgreSQL (a fresh database pocketpay_bench_ledger)");
    }
    let store = Store::open(config).context("opening the bench database")?;
    let accounts = args.accounts.max(2);
    eprintln!("opening {accounts} accounts…");
    let mut start = 1;
    while start <= accounts {
        let end = (start + 10_000).min(accounts + 1);
        store
            .write(move |tx| -> Result<(), StoreError> {
                for id in start..end {
                    let account = Account::new(AccountId(id), Currency::USD, AccountFlags { no_overdraft: true });
                    tx.open_account(&account, &AccountMeta { kind: "bench".into(), owner: None }, 0)?;
                }
                Ok(())
            })
            .await?;
        start = end;
    }
    // Fund every account from a source that may go negative, in one command per 10,000.
    store
        .write(move |tx| -> Result<(), StoreError> {
            tx.open_account(
                &Account::new(AccountId(accounts + 1), Currency::USD, AccountFlags::default()),
                &AccountMeta { kind: "bench_source".into(), owner: None },
                0,
            )?;
            Ok(())
        })
        .await?;
    let next_id = Arc::new(AtomicI64::new(1));
    for chunk in (1..=accounts).collect::<Vec<_>>().chunks(10_000) {
        let chunk = chunk.to_vec();
        let ids: Vec<i64> = chunk.iter().map(|_| next_id.fetch_add(1, Ordering::Relaxed)).collect();
        store
            .write(move |tx| -> Result<(), StoreError> {
                for (account, id) in chunk.iter().zip(ids) {
                    let funding = transfer(id, accounts + 1, *account, 1_000_000_000);
                    tx.submit_transfer(&funding, 0)?.map_err(StoreError::from)?;
                }
                Ok(())
            })
            .await?;
    }
    eprintln!("running {} submitters for 1 s warm-up + {} s…", args.submitters, args.seconds);
    let warmup_end = Instant::now() + Duration::from_secs(1);
    let end = warmup_end + Duration::from_secs(args.seconds);
    let mut tasks = Vec::with_capacity(args.submitters);
    for _ in 0..args.submitters {
        let store = store.clone();
        let next_id = next_id.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(4096);
            let mut refused = 0u64;
            loop {
                let (debit, credit, amount) = {
                    let mut rng = rand::thread_rng();
                    let debit = rng.gen_range(1..=accounts);
                    let mut credit = rng.gen_range(1..=accounts);
                    if credit == debit {
                        credit = if debit == accounts { 1 } else { debit + 1 };
                    }
                    (debit, credit, rng.gen_range(1..10_000))
                };
                let request = transfer(next_id.fetch_add(1, Ordering::Relaxed), debit, credit, amount);
                let began = Instant::now();
                let outcome = store.write(move |tx| tx.submit_transfer(&request, 1)).await;
                let now = Instant::now();
                match outcome {
                    Ok(Ok(Submitted::Created(_))) => {}
                    Ok(_) => refused += 1,
                    Err(e) => return Err(e),
                }
                if now >= end {
                    break;
                }
                if now > warmup_end {
                    latencies.push(now - began);
                }
            }
            Ok::<_, StoreError>((latencies, refused))
        }));
    }
    let mut latencies = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let (l, r) = t.await??;
        latencies.extend(l);
        refused += r;
    }
    latencies.sort_unstable();
    let pick = |q: f64| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i.min(latencies.len() - 1)]
    };
    let report = LedgerBenchReport {
        transfers: latencies.len() as u64,
        elapsed: Duration::from_secs(args.seconds),
        p50: pick(0.50),
        p99: pick(0.99),
        p999: pick(0.999),
        refused,
    };
    let verify = store.scan(|tx| tx.verify_ledger()).await?;
    store.shutdown().await;
    if !verify.is_balanced() {
        anyhow::bail!("the ledger does not balance after the bench: {:?}", verify.problems);
    }
    if let Some(url) = &server {
        store::drop_postgres_database(url, "pocketpay_bench_ledger")?;
    }
    if args.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(report)
}

fn transfer(id: i64, debit: i64, credit: i64, amount: i64) -> TransferRequest {
    TransferRequest {
        id: TransferId(id),
        debit_account: Some(AccountId(debit)),
        credit_account: Some(AccountId(credit)),
        amount: Some(amount),
        currency: Some(Currency::USD),
        kind: TransferKind::Posted,
        code: 1,
    }
}
