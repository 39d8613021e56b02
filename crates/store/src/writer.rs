//! The single writer: one thread owns the write connection, takes commands from a bounded queue,
//! applies up to `batch_size_max` of them in one transaction (a savepoint each) and commits. A second
//! thread, the syncer, then makes the log durable with one `fdatasync` — covering every batch
//! committed since its last one — and only then answers the commands of those batches. So the writer
//! builds the next batch while the disk works, and nothing is answered before it is on disk.
//!
//! The write connection runs with `synchronous=NORMAL`: SQLite does not sync the log at commit (the
//! syncer does), and still syncs the log before each checkpoint and the database after it, so a
//! checkpoint never loses a committed batch. Readers may see a batch a moment before it is durable
//! (between its commit and its sync); only a power loss in that moment could take it back, and no
//! command of it has been answered then.
//!
//! On PostgreSQL each process has such a writer, and the commit itself is durable (and, with a
//! synchronous standby, replicated) before it returns, so there is no syncer. A batch first locks the
//! one row of `store_writer`: the batches of all processes apply one at a time, each sees every batch
//! committed before it, and the account cache is emptied at the start of each batch (another process
//! may have moved the balances since). So a command sees exactly what it would see with one process,
//! no two batches can deadlock, and no conflict ever needs a command run twice. The lock is held for
//! one batch of up to `pg_batch_size_max` commands (one savepoint each, below PostgreSQL's 64 cached
//! subtransactions); what runs outside it (HTTP, JSON, password hashing, issuer calls, reads) runs in
//! parallel across processes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use crate::db::{Db, DbError};
use crate::ledger_cache::LedgerCache;
use crate::pg::Target;
use crate::{StoreConfig, StoreError};

/// What the writer writes to.
pub(crate) enum Engine {
    /// A SQLite file, with the log the syncer makes durable.
    Sqlite { wal_path: PathBuf },
    /// A PostgreSQL server (the writer reconnects to it if the connection breaks).
    Postgres { target: Box<Target> },
}

/// A command waiting for the writer.
pub(crate) trait Job: Send {
    /// Applies the command inside its own savepoint.
    fn run(&mut self, tx: &mut WriteTx<'_>);
    /// Answers the caller once the batch's fate is known (`None`: durable).
    fn complete(self: Box<Self>, commit_error: Option<&str>);
}

/// A command with its typed answer channel.
pub(crate) struct TypedJob<F, T, E> {
    command: Option<F>,
    outcome: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> TypedJob<F, T, E> {
    pub(crate) fn new(command: F, reply: oneshot::Sender<Result<T, E>>) -> Self {
        Self { command: Some(command), outcome: None, reply }
    }
}

impl<F, T, E> Job for TypedJob<F, T, E>
where
    F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run(&mut self, tx: &mut WriteTx<'_>) {
        if let Some(command) = self.command.take() {
            self.outcome = Some(tx.savepoint(command));
        }
    }

    fn complete(self: Box<Self>, commit_error: Option<&str>) {
        let answer = match (self.outcome, commit_error) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), None) => Ok(value),
            (Some(Ok(_)), Some(why)) | (None, Some(why)) => Err(E::from(StoreError::NotCommitted(why.to_owned()))),
            (None, None) => Err(E::from(StoreError::WriterStopped)),
        };
        // The caller may have gone away (its request was dropped); the effect stands either way.
        let _ = self.reply.send(answer);
    }
}

enum Message {
    Job(Box<dyn Job>),
    Shutdown(oneshot::Sender<()>),
}

/// What the writer tells as it works, for metrics (the server turns it into Prometheus series).
/// Called on the writer's and the syncer's threads: keep it to a few atomic adds.
pub trait WriterObserver: Send + Sync {
    /// A batch of `commands` was applied and committed in `took` (on PostgreSQL the commit is
    /// durable, and replicated to a synchronous standby, when it returns).
    fn batch_committed(&self, commands: usize, took: Duration);
    /// SQLite's log was made durable with one `fdatasync` in `took`, for `batches` batches.
    fn log_synced(&self, batches: usize, took: Duration);
}

/// The submitting side of the writer.
pub(crate) struct WriterHandle {
    queue: mpsc::Sender<Message>,
}

impl WriterHandle {
    /// Commands waiting for the writer now.
    pub(crate) fn queue_depth(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    pub(crate) async fn submit(&self, job: Box<dyn Job>) -> Result<(), StoreError> {
        self.queue.send(Message::Job(job)).await.map_err(|_| StoreError::WriterStopped)
    }

    pub(crate) async fn shutdown(&self) {
        let (ack, done) = oneshot::channel();
        if self.queue.send(Message::Shutdown(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}

/// Committed batches waiting for the syncer before the writer waits for it.
pub const SYNC_QUEUE_BATCHES_MAX: usize = 4;

/// Committed batches on their way to the syncer.
type Committed = std::sync::mpsc::SyncSender<Vec<Box<dyn Job>>>;

/// Starts the writer thread on `conn` and, on SQLite, the syncer of the database's log.
pub(crate) fn start(engine: Engine, conn: Db, config: &StoreConfig) -> Result<WriterHandle, StoreError> {
    let (queue, receiver) = mpsc::channel(config.queue_depth_max.max(1));
    let mut limits = Limits {
        batch_size_max: config.batch_size_max.max(1),
        batch_wait_max: config.batch_wait_max,
        account_cache_entries_max: config.account_cache_entries_max,
    };
    let sink = match engine {
        Engine::Sqlite { wal_path } => {
            if let Db::Lite(c) = &conn {
                c.pragma_update(None, "synchronous", "NORMAL").map_err(DbError::from)?;
            }
            let (committed, to_sync) = std::sync::mpsc::sync_channel::<Vec<Box<dyn Job>>>(SYNC_QUEUE_BATCHES_MAX);
            let syncer = std::thread::Builder::new().name("pocketpay-sync".into()).spawn({
                let observer = config.observer.clone();
                move || sync_batches(&wal_path, &to_sync, observer.as_deref())
            })?;
            Sink::Syncer { committed, syncer }
        }
        Engine::Postgres { target } => {
            limits.batch_size_max = config.pg_batch_size_max.max(1);
            Sink::Postgres { target }
        }
    };
    let observer = config.observer.clone();
    std::thread::Builder::new()
        .name("pocketpay-writer".into())
        .spawn(move || run(conn, receiver, limits, sink, observer.as_deref()))?;
    Ok(WriterHandle { queue })
}

/// Where a committed batch goes before its commands are answered.
enum Sink {
    /// SQLite: to the syncer, which answers once the log is on disk.
    Syncer { committed: Committed, syncer: std::thread::JoinHandle<()> },
    /// PostgreSQL: the commit was durable; answer at once.
    Postgres { target: Box<Target> },
}

/// The syncer: waits for a committed batch, takes every other one already committed, makes the log
/// durable once for all of them, then answers their commands (with an error if the disk failed).
fn sync_batches(
    wal_path: &std::path::Path,
    to_sync: &std::sync::mpsc::Receiver<Vec<Box<dyn Job>>>,
    observer: Option<&dyn WriterObserver>,
) {
    let mut wal: Option<std::fs::File> = None;
    while let Ok(first) = to_sync.recv() {
        let mut ready = vec![first];
        while let Ok(more) = to_sync.try_recv() {
            ready.push(more);
        }
        let started = Instant::now();
        let synced = sync_log(wal_path, &mut wal);
        if let Some(o) = observer {
            o.log_synced(ready.len(), started.elapsed());
        }
        let error = match synced {
            Ok(()) => None,
            Err(e) => {
                tracing::error!(error = %e, "the log could not be made durable; the batches' commands fail");
                Some(format!("the log could not be made durable: {e}"))
            }
        };
        for job in ready.into_iter().flatten() {
            job.complete(error.as_deref());
        }
    }
}

/// `fdatasync` of the log, reopening it if the handle went stale.
fn sync_log(wal_path: &std::path::Path, wal: &mut Option<std::fs::File>) -> std::io::Result<()> {
    if let Some(file) = wal.as_ref() {
        if file.sync_data().is_ok() {
            return Ok(());
        }
    }
    let file = std::fs::File::open(wal_path)?;
    file.sync_data()?;
    *wal = Some(file);
    Ok(())
}

struct Limits {
    batch_size_max: usize,
    batch_wait_max: Duration,
    account_cache_entries_max: usize,
}

fn run(
    mut conn: Db,
    mut receiver: mpsc::Receiver<Message>,
    limits: Limits,
    sink: Sink,
    observer: Option<&dyn WriterObserver>,
) {
    let mut cache = LedgerCache::new(limits.account_cache_entries_max);
    let waiter = tokio::runtime::Builder::new_current_thread().enable_time().build().ok();
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(limits.batch_size_max);
    let mut shutdown: Option<oneshot::Sender<()>> = None;
    while shutdown.is_none() {
        match receiver.blocking_recv() {
            Some(Message::Job(job)) => batch.push(job),
            Some(Message::Shutdown(ack)) => {
                shutdown = Some(ack);
                break;
            }
            None => break,
        }
        let started = Instant::now();
        while batch.len() < limits.batch_size_max {
            match receiver.try_recv() {
                Ok(Message::Job(job)) => batch.push(job),
                Ok(Message::Shutdown(ack)) => {
                    shutdown = Some(ack);
                    break;
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    let left = limits.batch_wait_max.saturating_sub(started.elapsed());
                    let Some(rt) = waiter.as_ref().filter(|_| !left.is_zero()) else { break };
                    match rt.block_on(async { tokio::time::timeout(left, receiver.recv()).await }) {
                        Ok(Some(Message::Job(job))) => batch.push(job),
                        Ok(Some(Message::Shutdown(ack))) => {
                            shutdown = Some(ack);
                            break;
                        }
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        let (commands, applying) = (batch.len(), Instant::now());
        match &sink {
            Sink::Syncer { committed, .. } => apply_batch(&conn, &mut cache, &mut batch, committed),
            Sink::Postgres { target } => apply_pg_batch(&mut conn, target, &mut cache, &mut batch),
        }
        if let (Some(o), true) = (observer, commands > 0) {
            o.batch_committed(commands, applying.elapsed());
        }
    }
    // Every committed batch is synced and answered before the store says it has stopped.
    if let Sink::Syncer { committed, syncer } = sink {
        drop(committed);
        let _ = syncer.join();
    }
    drop(conn);
    if let Some(ack) = shutdown {
        let _ = ack.send(());
    }
}

/// Applies and commits one batch and hands it to the syncer, which answers its commands once it is
/// durable; a batch that could not commit is answered at once, with the error.
fn apply_batch(conn: &Db, cache: &mut LedgerCache, batch: &mut Vec<Box<dyn Job>>, committed: &Committed) {
    let outcome = (|| -> Result<(), StoreError> {
        conn.control("BEGIN IMMEDIATE")?;
        let mut tx = WriteTx { conn, cache: &mut *cache, depth: 0 };
        for job in batch.iter_mut() {
            job.run(&mut tx);
        }
        cache.flush(conn)?;
        conn.control("COMMIT")?;
        Ok(())
    })();
    let commit_error = match outcome {
        Ok(()) => {
            cache.committed();
            let capacity = batch.capacity();
            let done = std::mem::replace(batch, Vec::with_capacity(capacity));
            match committed.send(done) {
                Ok(()) => return,
                Err(std::sync::mpsc::SendError(unsynced)) => {
                    // The syncer is gone: nobody can vouch for these commands.
                    *batch = unsynced;
                    Some("the syncer has stopped".to_owned())
                }
            }
        }
        Err(e) => {
            tracing::error!(error = %e, commands = batch.len(), "batch not committed; every command in it fails");
            let _ = conn.control("ROLLBACK");
            cache.clear();
            Some(e.to_string())
        }
    };
    for job in batch.drain(..) {
        job.complete(commit_error.as_deref());
    }
}

/// Attempts at opening a batch's transaction (and taking the writer row) before its commands fail.
pub const BATCH_START_ATTEMPTS: u32 = 3;

/// Opens a batch's transaction and takes the writer row. Nothing of the batch has run yet, so a lost
/// connection, a restarted server or a lock wait past `pg::LOCK_TIMEOUT_MS` is tried again (on a new
/// connection if need be), a bounded number of times.
fn start_pg_batch(conn: &mut Db, target: &Target, cache: &mut LedgerCache) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        // One round trip: the simple protocol carries both statements.
        let started = conn.control("BEGIN; SELECT id FROM store_writer WHERE id = 1 FOR UPDATE");
        match started {
            Ok(_) => return Ok(()),
            Err(e) => {
                let lost = e.is_connection_lost();
                let _ = conn.control("ROLLBACK");
                if attempt >= BATCH_START_ATTEMPTS {
                    return Err(e.into());
                }
                tracing::warn!(error = %e, attempt, "a write batch could not start; trying again");
                if lost {
                    match target.reconnect("writer") {
                        Some(fresh) => {
                            *conn = fresh;
                            cache.forget_all();
                        }
                        None => return Err(e.into()),
                    }
                }
            }
        }
    }
}

/// Applies one batch on PostgreSQL and answers its commands; a connection that broke on the way is
/// replaced for the next batch.
fn apply_pg_batch(conn: &mut Db, target: &Target, cache: &mut LedgerCache, batch: &mut Vec<Box<dyn Job>>) {
    let round_trips = crate::db::THREAD_ROUND_TRIPS.with(std::cell::Cell::get);
    apply_pg_batch_now(conn, target, cache, batch);
    let made = crate::db::THREAD_ROUND_TRIPS.with(std::cell::Cell::get) - round_trips;
    crate::db::PG_WRITER_ROUND_TRIPS.fetch_add(made, std::sync::atomic::Ordering::Relaxed);
}

fn apply_pg_batch_now(conn: &mut Db, target: &Target, cache: &mut LedgerCache, batch: &mut Vec<Box<dyn Job>>) {
    // Other processes may have moved any balance since the last batch.
    cache.clear();
    if let Err(e) = start_pg_batch(conn, target, cache) {
        tracing::error!(error = %e, commands = batch.len(), "no write batch could start; its commands fail");
        let why = e.to_string();
        for job in batch.drain(..) {
            job.complete(Some(&why));
        }
        return;
    }
    let conn_ref: &Db = conn;
    let outcome = (|| -> Result<(), StoreError> {
        let conn = conn_ref;
        let mut tx = WriteTx { conn, cache: &mut *cache, depth: 0 };
        for job in batch.iter_mut() {
            job.run(&mut tx);
        }
        cache.flush(conn)?;
        conn.control("COMMIT")?;
        Ok(())
    })();
    let (error, lost) = match outcome {
        Ok(()) => {
            cache.committed();
            (None, false)
        }
        Err(e) => {
            let lost = matches!(&e, StoreError::Database(d) if d.is_connection_lost());
            tracing::error!(error = %e, commands = batch.len(), "batch not committed; every command in it fails");
            let _ = conn_ref.control("ROLLBACK");
            cache.clear();
            (Some(e.to_string()), lost)
        }
    };
    for job in batch.drain(..) {
        job.complete(error.as_deref());
    }
    if lost {
        if let Some(fresh) = target.reconnect("writer") {
            *conn = fresh;
            cache.forget_all();
        }
    }
}

/// The transaction a command runs in. Everything it writes commits with its batch, or not at all.
pub struct WriteTx<'c> {
    pub(crate) conn: &'c Db,
    pub(crate) cache: &'c mut LedgerCache,
    pub(crate) depth: u32,
}

impl WriteTx<'_> {
    /// Reads through this transaction: they see what it has written so far. (Ledger balances are
    /// kept by the writer's account cache; read those with this transaction's own methods.)
    pub fn reads(&self) -> crate::ReadTx<'_> {
        crate::ReadTx { conn: self.conn }
    }

    /// Runs `f` inside a savepoint: if it returns `Err` (or panics), everything it wrote is undone
    /// and the rest of the transaction stands.
    pub fn savepoint<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
        E: From<StoreError>,
    {
        let name = format!("sp{}", self.depth);
        if let Err(e) = self.conn.control(&format!("SAVEPOINT {name}")) {
            return Err(E::from(StoreError::from(e)));
        }
        let mark = self.cache.mark();
        self.depth += 1;
        let result = catch_unwind(AssertUnwindSafe(|| f(self)));
        self.depth -= 1;
        let result = match result {
            Ok(r) => r,
            Err(_) => {
                tracing::error!("a command panicked; it is rolled back");
                Err(E::from(StoreError::CommandPanicked))
            }
        };
        let end = if result.is_ok() {
            if self.conn.is_pg() {
                // Not released: a later savepoint of the same name shadows it, a rollback goes to
                // the newest one, and the commit ends them all — one round trip fewer per command
                // (the subtransaction counts the same either way).
                Ok(())
            } else {
                self.conn.control(&format!("RELEASE {name}"))
            }
        } else if self.conn.is_pg() {
            self.cache.rollback_to(mark);
            self.conn.control(&format!("ROLLBACK TO {name}"))
        } else {
            self.cache.rollback_to(mark);
            self.conn
                .control(&format!("ROLLBACK TO {name}"))
                .and_then(|_| self.conn.control(&format!("RELEASE {name}")))
        };
        match end {
            Ok(_) => result,
            Err(e) => Err(E::from(StoreError::from(e))),
        }
    }
}
