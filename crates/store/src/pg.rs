//! The PostgreSQL engine: connecting (never showing the password), reconnecting, and the test
//! databases. The writer's batch on PostgreSQL (the writer row, retries) is in `writer`.
//!
//! Rules for SQL that runs on PostgreSQL (kept portable to PostgreSQL-compatible distributed
//! databases): ids are chosen by the client (or an identity column used only for order, never for
//! gap-free numbering); no advisory locks and no LISTEN/NOTIFY; a write transaction first locks the
//! one row of `store_writer` (see `writer`); background jobs take a row of `job_leases` that expires;
//! a deadlock or serialization failure (40P01, 40001) rolls the batch back and its commands fail with
//! a retryable error, never half applied.

use std::cell::RefCell;
use std::str::FromStr;
use std::time::Duration;

use crate::db::{Db, PgConn};
use crate::StoreError;

/// How long a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one statement may run before the server cancels it (a batch never hangs past it).
pub const STATEMENT_TIMEOUT_MS: u64 = 15_000;
/// How long a write batch waits for another process's batch to release the writer row.
pub const LOCK_TIMEOUT_MS: u64 = 10_000;

/// Runs `f` where the blocking PostgreSQL client may run: on a thread of its own when called from
/// an async runtime (the client blocks on its own runtime, which cannot nest), else in place.
pub(crate) fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// A PostgreSQL server and database, parsed from a URL.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    /// `host:port/database`, to name the server in messages (never the password).
    shown: String,
}

impl Target {
    /// Parses `postgres://user:password@host:port/database?…`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let mut config = postgres::Config::from_str(url).map_err(|_| {
            StoreError::Connect(
                "POCKETPAY_DATABASE_URL is not a PostgreSQL URL (postgres://user@host:port/database)".into(),
            )
        })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("pocketpay");
        config.options(&format!("-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS} -c idle_in_transaction_session_timeout=60000"));
        let hosts: Vec<String> = config
            .get_hosts()
            .iter()
            .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
            .map(|(h, p)| match h {
                postgres::config::Host::Tcp(name) => format!("{name}:{p}"),
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => format!("{}:{p}", path.display()),
            })
            .collect();
        let shown = format!("{}/{}", hosts.join(","), config.get_dbname().unwrap_or("(default database)"));
        Ok(Self { config, shown })
    }

    /// Opens a connection.
    pub fn connect(&self, role: &str) -> Result<Db, StoreError> {
        let client = self.config.connect(postgres::NoTls).map_err(|e| {
            let why = match e.as_db_error() {
                Some(db) => db.message().to_owned(),
                None => std::error::Error::source(&e).map(ToString::to_string).unwrap_or_else(|| e.to_string()),
            };
            StoreError::Connect(format!("cannot connect to PostgreSQL at {} ({role}): {why}", self.shown))
        })?;
        Ok(Db::Pg(Box::new(RefCell::new(PgConn::new(client)))))
    }

    /// Opens a connection again after one broke, trying for a bounded time.
    pub(crate) fn reconnect(&self, role: &str) -> Option<Db> {
        for attempt in 0..3 {
            match self.connect(role) {
                Ok(db) => return Some(db),
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "PostgreSQL connection lost; reconnecting");
                    std::thread::sleep(Duration::from_millis(200 * (attempt + 1)));
                }
            }
        }
        None
    }
}

/// The database name a test's directory gets: readable, unique per directory, within 63 bytes.
pub(crate) fn test_database_name(dir: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut hasher);
    let tail: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let tail: String = tail.chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
    format!("pp_t_{:016x}_{tail}", hasher.finish())
}

/// `url` with its database replaced by `name`.
pub(crate) fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Creates database `name` on the server of `admin_url` unless it exists (byte-order collation, as
/// SQLite sorts text).
pub(crate) fn create_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let target = Target::parse(admin_url)?;
    let db = target.connect("test setup")?;
    let exists = || db.query_row("SELECT count(*) FROM pg_database WHERE datname = ?1", [name], |r| r.get::<i64>(0));
    if exists()? == 0 {
        let create = format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        if let Err(e) = db.execute_batch(&create) {
            // Another test process may have created it a moment ago.
            if exists()? == 0 {
                return Err(e.into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gets_another_database() {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
        assert_eq!(with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert!(
            test_database_name(std::path::Path::new("/tmp/pocketpay-api-1-t_ABC")).ends_with("_pocketpay_api_1_t_abc")
        );
    }
}
