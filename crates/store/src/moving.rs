//! Moving a shop from the embedded SQLite file to an empty PostgreSQL database.
//!
//! The move is one PostgreSQL transaction: the schema is made (or found) at this program's version,
//! every table is copied with `COPY … FROM STDIN` in the order its foreign keys need, the identity
//! sequences are moved past the copied ids, and the row counts of both sides and the ledger's
//! invariants are checked before the commit. A move that fails at any point leaves the target as it
//! found it (empty), so it can simply be run again. Values are copied as they are stored: sealed cards
//! stay sealed under the same vault key ids, hashes stay hashes; nothing is decrypted on the way, and
//! no message names a value, only its table and column.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use rusqlite::types::ValueRef;

use crate::db::{Db, DbError, DbResult};
use crate::{migrations, pg, StoreError};

/// Tables whose rows belong to running processes, not to the shop: never copied.
const RUNTIME_TABLES: &[&str] = &["pocketpay_schema", "store_writer", "store_nodes", "job_leases"];

/// Rows sent to PostgreSQL per chunk of a table's copy (a progress report follows each chunk).
const CHUNK_ROWS: u64 = 5_000;

/// Where a move stands, for a progress line.
#[derive(Debug, Clone)]
pub struct MoveProgress<'a> {
    pub table: &'a str,
    pub copied: u64,
    pub total: u64,
}

/// What a finished move copied and checked.
#[derive(Debug, Clone)]
pub struct MoveReport {
    /// Rows per table, the same on both sides.
    pub tables: Vec<(String, u64)>,
    /// The ledger as checked on PostgreSQL before the commit.
    pub ledger: domain::ledger::InvariantReport,
}

impl MoveReport {
    /// Rows copied in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// How a PostgreSQL column takes a value in `COPY`'s text format.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Integer,
    Boolean,
    Text,
    Bytes,
    Float,
}

struct Column {
    name: String,
    kind: Kind,
}

/// Copies the SQLite database at `sqlite` into the empty PostgreSQL database of `url`.
///
/// Refuses while a server has the file open (its lock), a database that already holds a shop, and
/// a source whose ledger does not verify. `progress` hears of every chunk copied.
pub fn move_to_postgres(
    sqlite: &Path,
    url: &str,
    progress: &mut (dyn FnMut(MoveProgress<'_>) + Send),
) -> Result<MoveReport, StoreError> {
    if !sqlite.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no database at {}", sqlite.display()),
        )));
    }
    // The server must be stopped: it holds this lock while it runs.
    let _lock = crate::take_lock(sqlite)?;
    let mut source = crate::open_connection(sqlite, false)?;
    migrations::migrate(&mut source)?;
    let checked = crate::read_transaction(&Db::Lite(crate::open_connection(sqlite, true)?), |tx| tx.verify_ledger())?;
    if !checked.is_balanced() {
        return Err(StoreError::Corrupt(format!(
            "the ledger of {} does not verify ({} problems): run `pocketpay verify-ledger` and fix it before moving",
            sqlite.display(),
            checked.problems.len()
        )));
    }
    let url = url.to_owned();
    pg::blocking(move || {
        let target = pg::Target::parse(&url)?;
        let db = target.connect("move")?;
        migrations::migrate_pg(&db)?;
        db.execute_batch("SET statement_timeout = 0")?;
        db.control("BEGIN")?;
        let outcome = copy_all(&source, &db, progress);
        match outcome {
            Ok(report) => {
                db.control("COMMIT")?;
                Ok(report)
            }
            Err(e) => {
                let _ = db.control("ROLLBACK");
                Err(e)
            }
        }
    })
}

fn copy_all(
    source: &rusqlite::Connection,
    db: &Db,
    progress: &mut (dyn FnMut(MoveProgress<'_>) + Send),
) -> Result<MoveReport, StoreError> {
    // Another mover, or a server already started on this database, waits here (or times out).
    db.query_row("SELECT id FROM store_writer WHERE id = 1 FOR UPDATE", (), |r| r.get::<i64>(0))?;
    let source_tables = sqlite_tables(source)?;
    let target_columns = pg_columns(db)?;
    let targets: BTreeSet<&String> = target_columns.keys().collect();
    let sources: BTreeSet<&String> = source_tables.iter().collect();
    if let Some(missing) = sources.difference(&targets).next() {
        return Err(StoreError::Corrupt(format!("table {missing} of the file has no counterpart on PostgreSQL")));
    }
    if let Some(missing) = targets.difference(&sources).next() {
        return Err(StoreError::Corrupt(format!("table {missing} on PostgreSQL has no counterpart in the file")));
    }
    for table in &source_tables {
        let any = db.query_row(&format!("SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS t"), (), |r| {
            r.get::<i64>(0)
        })?;
        if any > 0 {
            return Err(StoreError::Connect(format!(
                "the PostgreSQL database is not empty (table {table} has rows): the move fills an empty \
                 database only; create a new one, or drop this one if it holds nothing you need"
            )));
        }
    }
    let order = copy_order(db, &source_tables)?;
    let mut tables = Vec::with_capacity(order.len());
    for table in &order {
        let columns = &target_columns[table];
        let copied = copy_table(source, db, table, columns, progress)?;
        tables.push((table.clone(), copied));
    }
    move_identities(db)?;
    for (table, copied) in &tables {
        let there = db.query_row(&format!("SELECT count(*) FROM {table}"), (), |r| r.get::<i64>(0))?;
        if there != *copied as i64 {
            return Err(StoreError::Corrupt(format!("table {table}: {copied} rows read, {there} on PostgreSQL")));
        }
    }
    let ledger = crate::ReadTx { conn: db }.verify_ledger()?;
    if !ledger.is_balanced() {
        return Err(StoreError::Corrupt(format!(
            "the moved ledger does not verify ({} problems); nothing was committed",
            ledger.problems.len()
        )));
    }
    Ok(MoveReport { tables, ledger })
}

/// Every row of a catalogue query, mapped by `f`.
fn all<T>(
    db: &Db,
    sql: &str,
    f: impl FnMut(&crate::db::Row<'_>) -> crate::db::DbResult<T>,
) -> Result<Vec<T>, StoreError> {
    Ok(db.prepare_cached(sql)?.query_map((), f)?.collect::<Result<Vec<T>, _>>()?)
}

/// The file's tables that hold the shop.
fn sqlite_tables(source: &rusqlite::Connection) -> DbResult<Vec<String>> {
    let mut stmt =
        source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(names.into_iter().filter(|n| !RUNTIME_TABLES.contains(&n.as_str())).collect())
}

/// The columns of a table of the file.
fn sqlite_columns(source: &rusqlite::Connection, table: &str) -> DbResult<BTreeSet<String>> {
    let mut stmt = source.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<BTreeSet<_>, _>>()?;
    Ok(names)
}

/// The PostgreSQL tables that hold the shop, with their columns in order.
fn pg_columns(db: &Db) -> Result<BTreeMap<String, Vec<Column>>, StoreError> {
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    let rows = all(
        db,
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name IN (SELECT table_name FROM \
         information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE') \
         ORDER BY table_name, ordinal_position",
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<String>(2)?)),
    )?;
    for (table, name, data_type) in rows {
        if RUNTIME_TABLES.contains(&table.as_str()) {
            continue;
        }
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Bytes,
            "double precision" | "real" | "numeric" => Kind::Float,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "column {table}.{name} has type {other}, which the move does not know"
                )))
            }
        };
        tables.entry(table).or_default().push(Column { name, kind });
    }
    Ok(tables)
}

/// The tables in an order where every table comes after the tables its foreign keys name.
fn copy_order(db: &Db, tables: &[String]) -> Result<Vec<String>, StoreError> {
    let edges = all(
        db,
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint \
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
    )?;
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = tables.iter().map(|t| (t.as_str(), BTreeSet::new())).collect();
    for (child, parent) in &edges {
        if child != parent {
            if let Some(set) = needs.get_mut(child.as_str()) {
                set.insert(parent.as_str());
            }
        }
    }
    let mut order: Vec<String> = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(t, parents)| {
                !order.iter().any(|o| o == *t) && parents.iter().all(|p| order.iter().any(|o| o == p))
            })
            .map(|(t, _)| *t)
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt("the tables' foreign keys form a cycle".into()));
        }
        order.extend(ready.into_iter().map(str::to_owned));
    }
    Ok(order)
}

/// Copies one table; returns its row count. The table's own triggers (derived tables such as
/// `payment_spending`, which is copied too) are off during its copy; foreign keys stay checked.
fn copy_table(
    source: &rusqlite::Connection,
    db: &Db,
    table: &str,
    columns: &[Column],
    progress: &mut (dyn FnMut(MoveProgress<'_>) + Send),
) -> Result<u64, StoreError> {
    let total: i64 =
        source.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(DbError::from)?;
    let total = total as u64;
    progress(MoveProgress { table, copied: 0, total });
    if total == 0 {
        return Ok(0);
    }
    // SQLite's implicit row id is an explicit `rowid` column on PostgreSQL (it orders lists).
    let source_has = sqlite_columns(source, table)?;
    for column in columns {
        if column.name != "rowid" && !source_has.contains(&column.name) {
            return Err(StoreError::Corrupt(format!("column {table}.{} is not in the file", column.name)));
        }
    }
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let list = names.join(", ");
    let order = if names.contains(&"rowid") { " ORDER BY rowid" } else { "" };
    let mut stmt = source.prepare(&format!("SELECT {list} FROM {table}{order}")).map_err(DbError::from)?;
    let mut rows = stmt.query([]).map_err(DbError::from)?;
    db.execute_batch(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))?;
    let Db::Pg(conn) = db else {
        return Err(StoreError::Corrupt("the move's target is not PostgreSQL".into()));
    };
    let mut copied = 0u64;
    let mut buffer = String::new();
    let mut more = true;
    while more {
        buffer.clear();
        let mut in_chunk = 0u64;
        more = false;
        while let Some(row) = rows.next().map_err(DbError::from)? {
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    buffer.push('\t');
                }
                encode(&mut buffer, row.get_ref(i).map_err(DbError::from)?, column.kind)
                    .map_err(|what| StoreError::Corrupt(format!("table {table}, column {}: {what}", column.name)))?;
            }
            buffer.push('\n');
            in_chunk += 1;
            if in_chunk == CHUNK_ROWS {
                more = true;
                break;
            }
        }
        if in_chunk == 0 {
            break;
        }
        let mut conn = conn.borrow_mut();
        let mut writer = conn
            .client
            .copy_in(&format!("COPY {table} ({list}) FROM STDIN"))
            .map_err(|e| StoreError::from(DbError::Postgres(e)))?;
        writer.write_all(buffer.as_bytes())?;
        writer.finish().map_err(|e| StoreError::from(DbError::Postgres(e)))?;
        copied += in_chunk;
        progress(MoveProgress { table, copied, total });
    }
    db.execute_batch(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))?;
    Ok(copied)
}

/// Writes one value in `COPY`'s text format, or says why it cannot go into a column of `kind`
/// (never showing the value).
fn encode(out: &mut String, value: ValueRef<'_>, kind: Kind) -> Result<(), String> {
    let mismatch = |found: &str| Err(format!("a {found} value cannot go into a {kind:?} column"));
    match (value, kind) {
        (ValueRef::Null, _) => out.push_str("\\N"),
        (ValueRef::Integer(i), Kind::Integer | Kind::Float | Kind::Text) => {
            let _ = write!(out, "{i}");
        }
        (ValueRef::Integer(0), Kind::Boolean) => out.push('f'),
        (ValueRef::Integer(1), Kind::Boolean) => out.push('t'),
        (ValueRef::Real(f), Kind::Integer) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            let _ = write!(out, "{}", f as i64);
        }
        (ValueRef::Real(f), Kind::Float | Kind::Text) if f.is_finite() => {
            let _ = write!(out, "{f:?}");
        }
        (ValueRef::Text(bytes), Kind::Text) => {
            let text = std::str::from_utf8(bytes).map_err(|_| "text that is not UTF-8".to_owned())?;
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\0' => return Err("text with a NUL character".to_owned()),
                    c => out.push(c),
                }
            }
        }
        (ValueRef::Blob(bytes) | ValueRef::Text(bytes), Kind::Bytes) => {
            out.push_str("\\\\x");
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
        }
        (ValueRef::Integer(_), _) => return mismatch("integer"),
        (ValueRef::Real(_), _) => return mismatch("real"),
        (ValueRef::Text(_), _) => return mismatch("text"),
        (ValueRef::Blob(_), _) => return mismatch("blob"),
    }
    Ok(())
}

/// Moves each identity column's sequence past the largest copied id, so new rows do not collide.
fn move_identities(db: &Db) -> Result<(), StoreError> {
    let identities = all(
        db,
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
    )?;
    for (table, column) in identities {
        if RUNTIME_TABLES.contains(&table.as_str()) {
            continue;
        }
        db.execute_batch(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) FROM {table} HAVING max({column}) IS NOT NULL"
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(value: ValueRef<'_>, kind: Kind) -> Result<String, String> {
        let mut out = String::new();
        encode(&mut out, value, kind).map(|()| out)
    }

    #[test]
    fn values_are_written_in_copy_text_format() {
        assert_eq!(encoded(ValueRef::Null, Kind::Text).as_deref(), Ok("\\N"));
        assert_eq!(encoded(ValueRef::Integer(-42), Kind::Integer).as_deref(), Ok("-42"));
        assert_eq!(encoded(ValueRef::Integer(1), Kind::Boolean).as_deref(), Ok("t"));
        assert_eq!(encoded(ValueRef::Integer(0), Kind::Boolean).as_deref(), Ok("f"));
        assert_eq!(encoded(ValueRef::Text(b"a\tb\nc\\d"), Kind::Text).as_deref(), Ok("a\\tb\\nc\\\\d"));
        assert_eq!(encoded(ValueRef::Blob(&[0, 171, 255]), Kind::Bytes).as_deref(), Ok("\\\\x00abff"));
        assert_eq!(encoded(ValueRef::Real(0.1), Kind::Float).as_deref(), Ok("0.1"));
        assert_eq!(encoded(ValueRef::Real(3.0), Kind::Integer).as_deref(), Ok("3"));
    }

    #[test]
    fn a_value_that_does_not_fit_is_refused_without_being_shown() {
        let refused = encoded(ValueRef::Text(b"a-secret-value"), Kind::Integer).err().unwrap_or_default();
        assert!(refused.contains("cannot go into") && !refused.contains("a-secret-value"), "{refused}");
        assert!(encoded(ValueRef::Integer(2), Kind::Boolean).is_err());
        assert!(encoded(ValueRef::Blob(&[1]), Kind::Text).is_err());
    }
}
