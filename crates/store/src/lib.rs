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
mod cards;
mod ledger;
mod migrations;
mod pocket;
mod shop;
mod writer;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use thiserror::Error;
use tokio::sync::{oneshot, Semaphore};

pub use accounts::*;
pub use after_sale::{ClaimRecord, TicketMessageRecord, TicketRecord, Viewer};
pub use cards::{AddressRecord, BlockedCardRecord, CardRecord};
pub use ledger::AccountOpened;
pub use ledger::{tamper_for_tests, AccountMeta, LedgerCacheStats};
pub use pocket::{GiftCardRecord, HoldParts, HoldRecord, LotRecord, PocketTransactionRecord, PurchaseRecord};
pub use shop::{
    AttemptRecord, ChallengeRecord, OrderItemRecord, OrderRecord, OrderViewer, PaymentRecord, ProductRecord,
    QuoteRecord, RefundRecord,
};
pub use writer::WriteTx;

/// Why the store could not do what was asked.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
    #[error("the data directory is in use by another Pocketpay process")]
    Locked,
    #[error("the database schema is version {found}, newer than this program's {known}")]
    SchemaTooNew { found: i64, known: i64 },
}

impl StoreError {
    /// True when a unique constraint refused the write.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, StoreError::Duplicate(_))
    }
}

/// Limits and paths of a store. Every bound is named.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The SQLite database file.
    pub path: PathBuf,
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
}

impl StoreConfig {
    /// Defaults for a database file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            batch_size_max: 4096,
            batch_wait_max: Duration::from_micros(0),
            queue_depth_max: 65_536,
            read_connections: 4,
            account_cache_entries_max: 1_000_000,
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
    readers: Mutex<Vec<Connection>>,
    readers_available: Semaphore,
    path: PathBuf,
    _lock: std::fs::File,
}

impl Store {
    /// Opens (creating if needed) the database, migrates it, and starts the writer.
    /// Only one process may open a database at a time: a lock file beside it guarantees that the
    /// writer's in-memory state is the only writer's.
    pub fn open(config: StoreConfig) -> Result<Self, StoreError> {
        if let Some(dir) = config.path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let lock_path = lock_path(&config.path);
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Locked),
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::Io(e)),
        }
        let mut conn = open_connection(&config.path, false)?;
        migrations::migrate(&mut conn)?;
        let mut readers = Vec::with_capacity(config.read_connections);
        for _ in 0..config.read_connections.max(1) {
            readers.push(open_connection(&config.path, true)?);
        }
        let mut wal = config.path.clone().into_os_string();
        wal.push("-wal");
        let writer = writer::start(conn, &config, PathBuf::from(wal))?;
        Ok(Self {
            inner: Arc::new(Inner {
                writer,
                readers_available: Semaphore::new(readers.len()),
                readers: Mutex::new(readers),
                path: config.path,
                _lock: lock,
            }),
        })
    }

    /// Migrates a database without starting a writer; returns the schema version.
    pub fn migrate_only(path: &Path) -> Result<i64, StoreError> {
        let mut conn = open_connection(path, false)?;
        migrations::migrate(&mut conn)
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
        match answer.await {
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
        self.read(|tx| Ok(tx.conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?)).await.is_ok()
    }

    /// Asks the writer to finish what it has and stop; later writes fail with `WriterStopped`.
    pub async fn shutdown(&self) {
        self.inner.writer.shutdown().await;
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
        let result = catch_unwind(AssertUnwindSafe(|| {
            let tx = conn.unchecked_transaction()?;
            let out = query(&ReadTx { conn: &tx });
            tx.finish()?;
            out
        }))
        .unwrap_or(Err(StoreError::CommandPanicked));
        if let Ok(mut pool) = self.readers.lock() {
            pool.push(conn);
        }
        result
    }
}

/// A read transaction: a consistent snapshot.
pub struct ReadTx<'c> {
    pub(crate) conn: &'c Connection,
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
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    // FULL: a commit is on disk before it returns. (The writer's connection switches to NORMAL and
    // syncs the log itself, on its own thread, before answering: see `writer`.)
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    if !read_only {
        // Checkpoint every ~40 MiB of log rather than every 4 MiB: fewer stalls in the write path.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
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
    let conn = open_connection(path, true)?;
    let tx = conn.unchecked_transaction()?;
    let report = ReadTx { conn: &tx }.verify_ledger();
    tx.finish()?;
    report
}
