//! Persistence for Pocketpay: the SQLite engine, its migrations, the single writer with group commit,
//! and the pool of read connections.
//!
//! Callers hand the writer a command: a closure over a [`WriteTx`]. The writer applies many commands
//! in one database transaction, each inside its own savepoint (a failing command rolls back alone),
//! makes the batch durable with one fsync (`synchronous=FULL` in WAL mode) and only then answers each
//! caller. Reads run on a pool of read connections beside the writer.
//!
//! Architecture invariants: this crate holds no business rules (the ledger's rules are
//! `domain::ledger::apply`, called here on the rows a command touches), and only this crate knows SQL.
//! The write interface is a closure over a transaction so that a PostgreSQL engine can run the same
//! commands with row locks instead of the writer's in-memory account cache.
#![forbid(unsafe_code)]

mod accounts;
mod after_sale;
mod api_keys;
mod backup;
mod balances;
mod cards;
mod challenges;
mod checkouts;
pub mod db;
mod events;
mod fx;
mod ledger;
mod ledger_cache;
mod migrations;
mod moving;
mod named;
mod paging;
mod password_resets;
mod payouts;
mod pg;
mod pocket;
mod refunds;
mod shop;
mod verification;
mod writer;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use thiserror::Error;

use crate::db::{Db, DbError};
use tokio::sync::{oneshot, Semaphore};

pub use accounts::*;
pub use after_sale::{ClaimRecord, TicketMessageRecord, TicketRecord, Viewer};
pub use api_keys::{ApiKeyRecord, ENDED_KEYS_SHOWN_S};
pub use backup::{backup_sqlite, restore_sqlite, BackupReport};
pub use balances::{BalanceSums, BalanceTxFilter, BalanceTxRecord, FeeScheduleRecord};
pub use cards::{AddressRecord, BlockedCardRecord, CardRecord};
pub use challenges::ChallengeRecord;
pub use checkouts::CheckoutRecord;
pub use db::DatabaseError;
pub use events::{DeliveryRecord, EventFilter, EventRecord, WebhookEndpointRecord};
pub use fx::QuoteRecord;
pub use ledger::AccountOpened;
pub use ledger::{row_for_tests, rows_for_tests, tamper_for_tests, AccountMeta, LedgerCacheStats};
pub use moving::{move_to_postgres, MoveProgress, MoveReport};
pub use paging::{Bounds, Listed, Page};
pub use password_resets::PasswordResetRecord;
pub use payouts::{BankAccountRecord, PayoutRecord, PayoutSettingsRecord};
pub use pocket::{GiftCardRecord, HoldParts, HoldRecord, LotRecord, PocketTransactionRecord, PurchaseRecord};
pub use refunds::RefundRecord;
pub use shop::{AttemptRecord, MetadataOf, OrderItemRecord, OrderRecord, OrderViewer, PaymentRecord, ProductRecord};
pub use verification::{ReviewRecord, SecurityQuestionRecord};
pub use writer::{WriteTx, WriterObserver};

/// Why the store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] DatabaseError),
    #[error("{0}")]
    Connect(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("ledger: {0}")]
    Ledger(#[from] domain::ledger::LedgerError),
    #[error("a record with this key already exists: {0}")]
    Duplicate(&'static str),
    #[error("a stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("the writer has stopped")]
    WriterStopped,
    #[error("the list cursor names no object of this owner")]
    UnknownCursor,
    #[error("a command panicked and was rolled back")]
    CommandPanicked,
    #[error("the batch of this command was not committed: {0}")]
    NotCommitted(String),
    #[error("the data directory is in use by another Pocketpay process")]
    Locked,
    #[error("the database schema is version {found}, newer than this program's {known}")]
    SchemaTooNew { found: i64, known: i64 },
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        StoreError::Database(e.into())
    }
}

impl StoreError {
    /// True when a unique constraint refused the write.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, StoreError::Duplicate(_))
    }

    /// True when the database could not be reached (or was lost mid-way): trying again later may
    /// succeed, and a write that got this answer may or may not have taken effect.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => e.is_connection_lost(),
            StoreError::Connect(_) | StoreError::WriterStopped | StoreError::NotCommitted(_) => true,
            _ => false,
        }
    }
}

/// Limits and paths of a store. Every bound is named.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The SQLite database file (unused on PostgreSQL).
    pub path: PathBuf,
    /// A PostgreSQL URL (`postgres://…`): when set, the store runs on that server instead of the file.
    pub database_url: Option<String>,
    /// On PostgreSQL, commands applied in one transaction at most. Each runs in a savepoint, and a
    /// transaction with more than 64 subtransactions overflows PostgreSQL's per-backend cache (every
    /// snapshot then reads `pg_subtrans`, on the primary and its standbys), so this stays below 64.
    pub pg_batch_size_max: usize,
    /// Commands applied in one transaction at most.
    pub batch_size_max: usize,
    /// How long the writer waits for more commands once a batch has started, when the queue runs dry.
    pub batch_wait_max: Duration,
    /// Commands waiting for the writer at most; submitters wait beyond it (back-pressure).
    pub queue_depth_max: usize,
    /// Read connections in the pool.
    pub read_connections: usize,
    /// Ledger accounts the writer keeps in memory at most between batches.
    pub account_cache_entries_max: usize,
    /// On PostgreSQL, how long a caller waits for its command's answer before it is told that the
    /// outcome is unknown (a commit waiting for a synchronous standby that is gone, a server that
    /// stopped answering): a request never hangs past this bound. The command may still commit; a
    /// retry with the same idempotency key settles it.
    pub pg_answer_wait_max: Duration,
    /// Told of every batch and log sync, for metrics.
    pub observer: Option<Arc<dyn WriterObserver>>,
}

impl std::fmt::Debug for dyn WriterObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriterObserver")
    }
}

impl StoreConfig {
    /// Defaults for a database file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            database_url: None,
            pg_batch_size_max: 48,
            batch_size_max: 4096,
            batch_wait_max: Duration::from_micros(0),
            queue_depth_max: 65_536,
            read_connections: 4,
            account_cache_entries_max: 1_000_000,
            pg_answer_wait_max: Duration::from_secs(30),
            observer: None,
        }
    }
}

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: writer::WriterHandle,
    readers: Mutex<Vec<Db>>,
    readers_available: Semaphore,
    path: PathBuf,
    /// The PostgreSQL server (a reader whose connection broke opens a new one there).
    postgres: Option<pg::Target>,
    /// How long a caller waits for its command's answer (PostgreSQL only).
    answer_wait_max: Option<Duration>,
    _lock: Option<std::fs::File>,
}

impl Store {
    /// Opens (creating if needed) the database, migrates it, and starts the writer.
    /// Only one process may open a database at a time: a lock file beside it guarantees that the
    /// writer's in-memory state is the only writer's.
    pub fn open(config: StoreConfig) -> Result<Self, StoreError> {
        if let Some(url) = config.database_url.clone() {
            return Self::open_postgres(config, &url);
        }
        if let Some(dir) = config.path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let lock = take_lock(&config.path)?;
        let mut conn = open_connection(&config.path, false)?;
        migrations::migrate(&mut conn)?;
        let mut readers = Vec::with_capacity(config.read_connections);
        for _ in 0..config.read_connections.max(1) {
            readers.push(Db::Lite(open_connection(&config.path, true)?));
        }
        let mut wal = config.path.clone().into_os_string();
        wal.push("-wal");
        let writer = writer::start(writer::Engine::Sqlite { wal_path: PathBuf::from(wal) }, Db::Lite(conn), &config)?;
        Ok(Self::assemble(writer, readers, config.path, None, Some(lock), None))
    }

    fn assemble(
        writer: writer::WriterHandle,
        readers: Vec<Db>,
        path: PathBuf,
        postgres: Option<pg::Target>,
        lock: Option<std::fs::File>,
        answer_wait_max: Option<Duration>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                writer,
                readers_available: Semaphore::new(readers.len()),
                readers: Mutex::new(readers),
                path,
                postgres,
                answer_wait_max,
                _lock: lock,
            }),
        }
    }

    /// Opens the store on a PostgreSQL server: migrates it (one process migrates, any other starting
    /// at the same moment waits for it), then starts the writer and the read connections. Several
    /// processes may open one database; see `pg` for how they stay one system.
    fn open_postgres(config: StoreConfig, url: &str) -> Result<Self, StoreError> {
        let url = url.to_owned();
        pg::blocking(move || Self::open_postgres_now(config, &url))
    }

    fn open_postgres_now(config: StoreConfig, url: &str) -> Result<Self, StoreError> {
        let target = pg::Target::parse(url)?;
        let conn = target.connect("writer")?;
        migrations::migrate_pg(&conn)?;
        let mut readers = Vec::with_capacity(config.read_connections);
        for _ in 0..config.read_connections.max(1) {
            readers.push(target.connect("reader")?);
        }
        let writer = writer::start(writer::Engine::Postgres { target: Box::new(target.clone()) }, conn, &config)?;
        let wait = Some(config.pg_answer_wait_max);
        Ok(Self::assemble(writer, readers, config.path, Some(target), None, wait))
    }

    /// Migrates a database without starting a writer; returns the schema version.
    pub fn migrate_only(path: &Path) -> Result<i64, StoreError> {
        let mut conn = open_connection(path, false)?;
        migrations::migrate(&mut conn)
    }

    /// Migrates a PostgreSQL database without starting a writer; returns the schema version.
    pub fn migrate_postgres(url: &str) -> Result<i64, StoreError> {
        pg::blocking(|| {
            let target = pg::Target::parse(url)?;
            migrations::migrate_pg(&target.connect("migrate")?)
        })
    }

    /// Commands waiting for the writer now (for metrics).
    pub fn writer_queue_depth(&self) -> usize {
        self.inner.writer.queue_depth()
    }

    /// Whether this store runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.inner.postgres.is_some()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs a command on the writer and answers once its batch is durable.
    /// An `Err` from the command rolls back everything it wrote, and only that.
    pub async fn write<T, E, F>(&self, command: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = writer::TypedJob::new(command, reply);
        self.inner.writer.submit(Box::new(job)).await.map_err(E::from)?;
        let answer = match self.inner.answer_wait_max {
            None => answer.await,
            Some(bound) => match tokio::time::timeout(bound, answer).await {
                Ok(answer) => answer,
                Err(_) => {
                    return Err(E::from(StoreError::NotCommitted(format!(
                        "no answer from the database within {} s; the command may still commit",
                        bound.as_secs()
                    ))))
                }
            },
        };
        match answer {
            Ok(result) => result,
            Err(_) => Err(E::from(StoreError::WriterStopped)),
        }
    }

    /// Runs a short read (point look-ups, a page of a list) on a pooled read connection, on the
    /// calling thread. A WAL reader never waits for the writer, so these take microseconds, and
    /// running them in place saves the two thread hand-offs a blocking task costs per read.
    /// Use [`Store::scan`] for reads that walk a whole table.
    pub async fn read<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        F: FnOnce(&ReadTx<'_>) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        if self.inner.postgres.is_some() {
            // The PostgreSQL client blocks on the network: never on an async thread.
            return self.scan(query).await;
        }
        let permit = self.inner.readers_available.acquire().await.map_err(|_| StoreError::WriterStopped)?;
        let result = self.inner.read_now(query);
        drop(permit);
        result
    }

    /// Runs a long read (such as verifying the whole ledger) on a pooled read connection, on a
    /// blocking thread so that it does not hold up the async threads.
    pub async fn scan<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        F: FnOnce(&ReadTx<'_>) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.inner.readers_available.acquire().await.map_err(|_| StoreError::WriterStopped)?;
        let inner = self.inner.clone();
        let result = tokio::task::spawn_blocking(move || inner.read_now(query))
            .await
            .map_err(|_| StoreError::CommandPanicked)?;
        drop(permit);
        result
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.read(|tx| Ok(tx.conn.query_row("SELECT 1", (), |r| r.get::<i64>(0))?)).await.is_ok()
    }

    /// Asks the writer to finish what it has and stop; later writes fail with `WriterStopped`.
    pub async fn shutdown(&self) {
        self.inner.writer.shutdown().await;
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // A PostgreSQL connection closes by blocking on its own runtime: not on an async thread.
        if self.postgres.is_some() {
            let readers = self.readers.lock().map(|mut r| std::mem::take(&mut *r)).unwrap_or_default();
            let _ = std::thread::Builder::new().name("pocketpay-close".into()).spawn(move || drop(readers));
        }
    }
}

impl Inner {
    /// Runs `query` in a read transaction on a pooled connection (the caller holds a permit).
    fn read_now<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        F: FnOnce(&ReadTx<'_>) -> Result<T, StoreError>,
    {
        let conn = {
            let mut pool = self.readers.lock().map_err(|_| StoreError::Corrupt("read pool poisoned".into()))?;
            pool.pop().ok_or_else(|| StoreError::Corrupt("read pool empty".into()))?
        };
        let result = read_transaction(&conn, query);
        let conn = match (&result, &self.postgres) {
            // A PostgreSQL connection that broke (a restart, a failover) is replaced for the next read.
            (Err(StoreError::Database(e)), Some(target)) if e.is_connection_lost() => match target.connect("reader") {
                Ok(fresh) => fresh,
                Err(_) => conn,
            },
            _ => conn,
        };
        if let Ok(mut pool) = self.readers.lock() {
            pool.push(conn);
        }
        result
    }
}

/// Runs `query` in a read transaction on `conn` (one snapshot), ending it whatever happens.
fn read_transaction<T>(conn: &Db, query: impl FnOnce(&ReadTx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
    catch_unwind(AssertUnwindSafe(|| {
        conn.control(conn.begin_read())?;
        let out = query(&ReadTx { conn });
        match conn.control("COMMIT") {
            Ok(()) => out,
            Err(e) => {
                let _ = conn.control("ROLLBACK");
                out.and(Err(e.into()))
            }
        }
    }))
    .unwrap_or_else(|_| {
        let _ = conn.control("ROLLBACK");
        Err(StoreError::CommandPanicked)
    })
}

/// A read transaction: a consistent snapshot.
pub struct ReadTx<'c> {
    pub(crate) conn: &'c Db,
}

/// Opens a file for writing, creating it readable and writable by its owner only (0600, like the
/// key files) when it does not exist; an existing file keeps its mode.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Takes the lock beside the database file that one process holds while it has the file open.
fn take_lock(db: &Path) -> Result<std::fs::File, StoreError> {
    let lock = private_file(&lock_path(db))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io(e)),
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    db.with_file_name(name)
}

fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    };
    if !read_only {
        // A new database is created 0600 (SQLite gives its -wal and -shm files the same mode).
        private_file(path)?;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(DbError::from)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(DbError::from)?;
    if !read_only {
        // Switching a new file to WAL needs its exclusive lock, and SQLite answers "locked" at once
        // (without its busy handler) while another connection switches it too: try again briefly.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => break other.map_err(DbError::from)?,
            }
        }
    }
    // FULL: a commit is on disk before it returns. (The writer's connection switches to NORMAL and
    // syncs the log itself, on its own thread, before answering: see `writer`.)
    conn.pragma_update(None, "synchronous", "FULL").map_err(DbError::from)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(DbError::from)?;
    conn.pragma_update(None, "cache_size", -65_536).map_err(DbError::from)?;
    conn.pragma_update(None, "temp_store", "MEMORY").map_err(DbError::from)?;
    if !read_only {
        // Checkpoint every ~40 MiB of log rather than every 4 MiB: fewer stalls in the write path.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000).map_err(DbError::from)?;
    }
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// Checks the ledger of a database that a running server may be writing: opens its own read-only
/// connection (WAL readers never block the writer) and streams the invariant check over one snapshot.
pub fn verify_ledger_at(path: &Path) -> Result<domain::ledger::InvariantReport, StoreError> {
    if !path.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no database at {}", path.display()),
        )));
    }
    read_transaction(&Db::Lite(open_connection(path, true)?), |tx| tx.verify_ledger())
}

/// Checks the ledger of a PostgreSQL database over one snapshot (a running server may be writing).
pub fn verify_ledger_postgres(url: &str) -> Result<domain::ledger::InvariantReport, StoreError> {
    pg::blocking(|| {
        let conn = pg::Target::parse(url)?.connect("verify-ledger")?;
        migrations::check_pg_version(&conn)?;
        // A whole-ledger scan may take longer than a request's statement is allowed.
        conn.execute_batch("SET statement_timeout = 0")?;
        read_transaction(&conn, |tx| tx.verify_ledger())
    })
}

/// The environment variable that runs the test suites on PostgreSQL: a server URL such as
/// `postgres://postgres@127.0.0.1:5432/postgres`. Each test then gets a database of its own there.
pub const TEST_DATABASE_URL: &str = "POCKETPAY_TEST_DATABASE_URL";

/// For tests: the PostgreSQL database of the test whose data directory is `dir`, created if needed
/// (named after the directory, so a test that restarts a server on it finds its data again); `None`
/// unless [`TEST_DATABASE_URL`] is set, when tests use the SQLite file in `dir`.
#[doc(hidden)]
pub fn test_database_url(dir: &Path) -> Option<String> {
    let admin = std::env::var(TEST_DATABASE_URL).ok().filter(|u| !u.trim().is_empty())?;
    let name = pg::test_database_name(dir);
    // Made once per test process and name (the helpers ask for it at every call).
    static MADE: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let made = MADE.lock().is_ok_and(|m| m.contains(&name));
    if !made {
        if let Err(e) = pg::blocking(|| pg::create_database(&admin, &name)) {
            panic!("{TEST_DATABASE_URL}: {e}");
        }
        if let Ok(mut m) = MADE.lock() {
            m.push(name.clone());
        }
    }
    Some(pg::with_database(&admin, &name))
}

/// For tests: the store configuration of a test's data directory, on PostgreSQL when
/// [`TEST_DATABASE_URL`] is set.
#[doc(hidden)]
pub fn test_config(dir: &Path) -> StoreConfig {
    let mut config = StoreConfig::new(dir.join("pocketpay.db"));
    config.database_url = test_database_url(dir);
    config
}

/// Creates a fresh database `name` on the PostgreSQL server of `url` (dropping one of that name
/// first) and answers its URL: for benchmarks, which must not mix with real data.
pub fn fresh_postgres_database(url: &str, name: &str) -> Result<String, StoreError> {
    pg::blocking(|| {
        drop_postgres_database(url, name)?;
        pg::create_database(url, name)?;
        Ok(pg::with_database(url, name))
    })
}

/// Drops database `name` on the PostgreSQL server of `url`, if it exists.
pub fn drop_postgres_database(url: &str, name: &str) -> Result<(), StoreError> {
    pg::blocking(|| {
        let db = pg::Target::parse(url)?.connect("setup")?;
        db.execute_batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        Ok(())
    })
}
