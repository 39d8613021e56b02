//! Backing up and restoring the embedded file.
//!
//! A backup is SQLite's `VACUUM INTO` on a read-only connection: one consistent snapshot written to a
//! new file while the server keeps serving (a WAL reader never blocks the writer), then checked
//! (`PRAGMA integrity_check` and the ledger's invariants) before it is reported. A restore needs the
//! server stopped (its lock), checks the backup the same way, keeps the database it replaces beside
//! it, and puts the backup in place by a rename, so a crash leaves either the old file or the new one.
//! On PostgreSQL the engine's own tools do this job (see the README's "Backups").

use std::path::{Path, PathBuf};

use crate::db::{Db, DbError};
use crate::{migrations, StoreError};

/// What a backup or a restore wrote and checked.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The file written (the backup, or the restored database).
    pub path: PathBuf,
    pub bytes: u64,
    /// The ledger of the copy, checked.
    pub ledger: domain::ledger::InvariantReport,
    /// On a restore, where the database that was replaced was kept.
    pub replaced: Option<PathBuf>,
}

/// Writes a consistent copy of the database at `path` to `to`, a file that must not exist yet.
pub fn backup_sqlite(path: &Path, to: &Path) -> Result<BackupReport, StoreError> {
    if !path.exists() {
        return Err(not_found(path));
    }
    if to.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists: a backup never overwrites a file; choose a new name", to.display()),
        )));
    }
    let source = crate::open_connection(path, true)?;
    let target = to.to_str().ok_or_else(|| StoreError::Corrupt("the backup's path is not UTF-8".into()))?;
    source.execute("VACUUM INTO ?1", [target]).map_err(DbError::from)?;
    drop(source);
    restrict(to)?;
    let ledger = check_copy(to)?;
    Ok(BackupReport { path: to.to_path_buf(), bytes: std::fs::metadata(to)?.len(), ledger, replaced: None })
}

/// Puts the backup `from` in place of the database at `path`; the server must be stopped. The
/// database it replaces, if any, is kept beside it as `pocketpay.db.replaced-<unix time>`.
pub fn restore_sqlite(from: &Path, path: &Path, now: i64) -> Result<BackupReport, StoreError> {
    if !from.exists() {
        return Err(not_found(from));
    }
    let _lock = crate::take_lock(path)?;
    check_copy(from)?;
    let staged = with_suffix(path, ".restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged)?;
    restrict(&staged)?;
    std::fs::File::open(&staged)?.sync_all()?;
    let mut replaced = None;
    if path.exists() {
        // Fold the old database's log into it first, so the kept file is whole on its own.
        let old = crate::open_connection(path, false)?;
        old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(DbError::from)?;
        drop(old);
        let kept = with_suffix(path, &format!(".replaced-{now}"));
        std::fs::rename(path, &kept)?;
        replaced = Some(kept);
    }
    for log in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, log));
    }
    std::fs::rename(&staged, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    let ledger = check_copy(path)?;
    Ok(BackupReport { path: path.to_path_buf(), bytes: std::fs::metadata(path)?.len(), ledger, replaced })
}

/// Checks a copy: SQLite's integrity check, a schema this program knows, and the ledger.
fn check_copy(path: &Path) -> Result<domain::ledger::InvariantReport, StoreError> {
    let conn = crate::open_connection(path, true)
        .map_err(|_| StoreError::Corrupt(format!("{} is not a Pocketpay database", path.display())))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| StoreError::Corrupt(format!("{} is not a Pocketpay database", path.display())))?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(format!("{} fails SQLite's integrity check", path.display())));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(DbError::from)?;
    if version == 0 {
        return Err(StoreError::Corrupt(format!("{} is not a Pocketpay database", path.display())));
    }
    if version > migrations::SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found: version, known: migrations::SCHEMA_VERSION });
    }
    let ledger = crate::read_transaction(&Db::Lite(conn), |tx| tx.verify_ledger())?;
    if !ledger.is_balanced() {
        return Err(StoreError::Corrupt(format!(
            "the ledger of {} does not verify ({} problems)",
            path.display(),
            ledger.problems.len()
        )));
    }
    Ok(ledger)
}

fn not_found(path: &Path) -> StoreError {
    StoreError::Io(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no database at {}", path.display())))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Readable by the owner only, like the key files: it holds sealed cards and hashed secrets.
fn restrict(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
