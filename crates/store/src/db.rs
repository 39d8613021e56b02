//! The seam between the store's SQL and its two engines, SQLite and PostgreSQL.
//!
//! The store's modules write one set of SQL (with `?N` placeholders) against [`Db`], whose methods
//! have the shape of rusqlite's. On SQLite they are rusqlite's; on PostgreSQL the placeholders become
//! `$N`, each statement is prepared once per connection with the parameter types of the Rust values
//! bound to it (so `?1 IS NULL` and `LIMIT ?2` need no casts), and columns are read leniently by type
//! (an `int4`, a `bool` or an integral `numeric` reads as `i64`), so the SQL stays the same wherever
//! the two engines agree.

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::types::{FromSql, Type};

/// Why the database engine failed, as the store's callers see it: the engine's message (`Display`,
/// and its own error as `source()`, for logs) and the questions a caller may act on, never the
/// engine's types, so nothing outside the store depends on which engine runs.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(DbError);

impl DatabaseError {
    /// True when a unique (or primary-key) constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        self.0.is_unique_violation()
    }

    /// True when PostgreSQL aborted the transaction to resolve a deadlock or a serialization
    /// conflict: the whole transaction may be tried again.
    pub fn is_retryable(&self) -> bool {
        self.0.is_retryable()
    }

    /// True when the connection to the server is gone (it must be opened again).
    pub fn is_connection_lost(&self) -> bool {
        self.0.is_connection_lost()
    }
}

impl From<DbError> for DatabaseError {
    fn from(e: DbError) -> Self {
        DatabaseError(e)
    }
}

/// Why a statement failed (inside the store; callers see it as a [`DatabaseError`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("the query returned no rows")]
    NoRows,
    #[error("column {column} could not be read: {why}")]
    Decode { column: usize, why: String },
}

/// A PostgreSQL error as one line: its code and message (never the connection string).
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

pub(crate) type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// True when a unique (or primary-key) constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => f.code == rusqlite::ErrorCode::ConstraintViolation,
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// True when PostgreSQL aborted the transaction to resolve a deadlock or a serialization
    /// conflict: the whole transaction may be tried again.
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Postgres(e) => matches!(
                e.code(),
                Some(c) if *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            ),
            _ => false,
        }
    }

    /// True when the connection to the server is gone (it must be opened again).
    pub fn is_connection_lost(&self) -> bool {
        match self {
            DbError::Postgres(e) => {
                e.is_closed()
                    || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
                    || matches!(e.code(), Some(c) if c.code().starts_with("08") || c.code().starts_with("57P"))
            }
            _ => false,
        }
    }
}

/// `.optional()` on a single-row result, as in rusqlite.
pub(crate) trait OptionalExtension<T> {
    fn optional(self) -> DbResult<Option<T>>;
}

impl<T> OptionalExtension<T> for DbResult<T> {
    fn optional(self) -> DbResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) | Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The SQL type a bound value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

/// A value bound to a statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Null(Kind),
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value<'_> {
    fn kind(&self) -> Kind {
        match self {
            Value::Null(k) => *k,
            Value::Int(_) => Kind::Int,
            Value::Real(_) => Kind::Real,
            Value::Text(_) => Kind::Text,
            Value::Blob(_) => Kind::Blob,
        }
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null(_) => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Real(r) => ValueRef::Real(r),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// The SQL type of a Rust type (for a `NULL` of it).
pub(crate) trait Typed {
    const KIND: Kind;
}

/// A Rust value that can be bound to a statement.
pub(crate) trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
        impl Typed for $t {
            const KIND: Kind = Kind::Int;
        }
    )*};
}
int_to_value!(i64, i32, u32, u16, u8, usize, u64);

macro_rules! typed {
    ($($t:ty => $k:ident),*) => {$(
        impl Typed for $t {
            const KIND: Kind = Kind::$k;
        }
    )*};
}
typed!(bool => Int, f64 => Real, str => Text, String => Text, [u8] => Blob, Vec<u8> => Blob);

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl<const N: usize> Typed for [u8; N] {
    const KIND: Kind = Kind::Blob;
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}
impl<T: Typed + ?Sized> Typed for &T {
    const KIND: Kind = T::KIND;
}
impl<T: ToValue + Typed> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::KIND),
        }
    }
}
impl<T: Typed> Typed for Option<T> {
    const KIND: Kind = T::KIND;
}

/// The values bound to one execution of a statement.
pub(crate) trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl Params for () {
    fn values(&self) -> Vec<Value<'_>> {
        Vec::new()
    }
}
impl Params for &[&dyn ToValue] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}
impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(ToValue::to_value).collect()
    }
}
impl Params for Vec<Value<'_>> {
    fn values(&self) -> Vec<Value<'_>> {
        self.clone()
    }
}

/// `params![a, b]`: the values bound to a statement, as in rusqlite.
macro_rules! params {
    () => { () };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::db::ToValue),+] as &[&dyn $crate::db::ToValue] };
}
pub(crate) use params;

/// A value read from a column.
#[derive(Debug, Clone)]
pub(crate) enum Owned {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A Rust type a column can be read as.
pub(crate) trait FromValue: Sized {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self>;
}

fn wrong(column: usize, want: &str, got: &Owned) -> DbError {
    let got = match got {
        Owned::Null => "NULL",
        Owned::Int(_) => "an integer",
        Owned::Real(_) => "a real",
        Owned::Text(_) => "text",
        Owned::Blob(_) => "a blob",
    };
    DbError::Decode { column, why: format!("wanted {want}, found {got}") }
}

impl FromValue for i64 {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        match value {
            Owned::Int(i) => Ok(i),
            other => Err(wrong(column, "an integer", &other)),
        }
    }
}
macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
                let i = i64::from_owned(value, column)?;
                <$t>::try_from(i).map_err(|_| DbError::Decode { column, why: format!("{i} is out of range") })
            }
        }
    )*};
}
int_from_value!(i32, u32, u16, u8, usize, u64);

impl FromValue for bool {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        Ok(i64::from_owned(value, column)? != 0)
    }
}
impl FromValue for f64 {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        match value {
            Owned::Real(r) => Ok(r),
            Owned::Int(i) => Ok(i as f64),
            other => Err(wrong(column, "a real", &other)),
        }
    }
}
impl FromValue for String {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        match value {
            Owned::Text(s) => Ok(s),
            other => Err(wrong(column, "text", &other)),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        match value {
            Owned::Blob(b) => Ok(b),
            other => Err(wrong(column, "a blob", &other)),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_owned(value: Owned, column: usize) -> DbResult<Self> {
        match value {
            Owned::Null => Ok(None),
            v => T::from_owned(v, column).map(Some),
        }
    }
}

/// Any column, as text (tests read rows of any shape with it).
pub(crate) struct AsText(pub Option<String>);

impl FromValue for AsText {
    fn from_owned(value: Owned, _: usize) -> DbResult<Self> {
        Ok(AsText(match value {
            Owned::Null => None,
            Owned::Int(i) => Some(i.to_string()),
            Owned::Real(r) => Some(r.to_string()),
            Owned::Text(t) => Some(t),
            Owned::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        }))
    }
}

/// A row of a result.
pub(crate) enum Row<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    /// How many columns the row has.
    pub fn column_count(&self) -> usize {
        match self {
            Row::Lite(r) => r.as_ref().column_count(),
            Row::Pg(r) => r.len(),
        }
    }

    /// The value of column `idx` (from 0).
    pub fn get<T: FromValue>(&self, idx: usize) -> DbResult<T> {
        let owned = match self {
            Row::Lite(r) => {
                use rusqlite::types::ValueRef;
                match r.get_ref(idx)? {
                    ValueRef::Null => Owned::Null,
                    ValueRef::Integer(i) => Owned::Int(i),
                    ValueRef::Real(f) => Owned::Real(f),
                    ValueRef::Text(t) => Owned::Text(
                        String::from_utf8(t.to_vec())
                            .map_err(|_| DbError::Decode { column: idx, why: "text is not UTF-8".into() })?,
                    ),
                    ValueRef::Blob(b) => Owned::Blob(b.to_vec()),
                }
            }
            Row::Pg(r) => pg_owned(r, idx)?,
        };
        T::from_owned(owned, idx)
    }
}

fn pg_owned(row: &postgres::Row, idx: usize) -> DbResult<Owned> {
    let Some(column) = row.columns().get(idx) else {
        return Err(DbError::Decode { column: idx, why: "no such column".into() });
    };
    let ty = column.type_().clone();
    let owned = if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(idx)?.map(Owned::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(idx)?.map(|i| Owned::Int(i.into()))
    } else if ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(idx)?.map(|i| Owned::Int(i.into()))
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(idx)?.map(|b| Owned::Int(i64::from(b)))
    } else if ty == Type::NUMERIC {
        row.try_get::<_, Option<Numeric>>(idx)?.map(|n| Owned::Int(n.0))
    } else if ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(idx)?.map(Owned::Real)
    } else if ty == Type::FLOAT4 {
        row.try_get::<_, Option<f32>>(idx)?.map(|f| Owned::Real(f.into()))
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(idx)?.map(Owned::Blob)
    } else {
        row.try_get::<_, Option<String>>(idx)?.map(Owned::Text)
    };
    Ok(owned.unwrap_or(Owned::Null))
}

/// An integral `numeric` (what PostgreSQL's `sum` of `bigint` returns), read as `i64`.
struct Numeric(i64);

impl<'a> FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let word = |i: usize| -> Result<u16, Box<dyn std::error::Error + Sync + Send>> {
            raw.get(i * 2..i * 2 + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "short numeric".into())
        };
        let digits = word(0)? as usize;
        let weight = word(1)? as i16;
        let sign = word(2)?;
        if sign == 0xC000 {
            return Err("NaN is not an amount".into());
        }
        let mut value: i128 = 0;
        for i in 0..digits {
            let digit = i128::from(word(4 + i)?);
            let power = i32::from(weight) - i as i32;
            if power < 0 {
                if digit != 0 {
                    return Err("a fractional numeric is not an integer".into());
                }
                continue;
            }
            value = value
                .checked_add(
                    digit
                        .checked_mul(10_000_i128.checked_pow(power as u32).ok_or("numeric too large")?)
                        .ok_or("numeric too large")?,
                )
                .ok_or("numeric too large")?;
        }
        // Trailing zero groups are not stored: the weight says how many there are.
        if sign == 0x4000 {
            value = -value;
        }
        Ok(Numeric(i64::try_from(value).map_err(|_| "numeric out of range")?))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// Round trips to PostgreSQL servers made by this process (statements and transaction control), for
/// benchmarks: on a serialized write path each costs a network round trip.
static PG_ROUND_TRIPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Of those, the round trips of write batches (the serialized part).
pub(crate) static PG_WRITER_ROUND_TRIPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// Round trips made by this thread (the writer adds its own to [`PG_WRITER_ROUND_TRIPS`]).
    pub(crate) static THREAD_ROUND_TRIPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many round trips to PostgreSQL this process has made: (all, those of write batches).
pub fn pg_round_trips() -> (u64, u64) {
    (
        PG_ROUND_TRIPS.load(std::sync::atomic::Ordering::Relaxed),
        PG_WRITER_ROUND_TRIPS.load(std::sync::atomic::Ordering::Relaxed),
    )
}

fn count_round_trip() {
    PG_ROUND_TRIPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    THREAD_ROUND_TRIPS.with(|c| c.set(c.get() + 1));
}

/// A PostgreSQL connection with its prepared statements.
pub(crate) struct PgConn {
    pub(crate) client: postgres::Client,
    /// Statements by their SQL, each with the parameter types it was prepared for.
    statements: HashMap<String, Vec<(Vec<Kind>, postgres::Statement)>>,
}

impl PgConn {
    pub fn new(client: postgres::Client) -> Self {
        Self { client, statements: HashMap::new() }
    }

    fn statement(&mut self, sql: &str, kinds: &[Kind]) -> DbResult<postgres::Statement> {
        if let Some(found) = self.statements.get(sql).and_then(|v| v.iter().find(|(k, _)| k == kinds)) {
            return Ok(found.1.clone());
        }
        let types: Vec<Type> = kinds
            .iter()
            .map(|k| match k {
                Kind::Int => Type::INT8,
                Kind::Real => Type::FLOAT8,
                Kind::Text => Type::TEXT,
                Kind::Blob => Type::BYTEA,
            })
            .collect();
        let statement = self.client.prepare_typed(&to_dollars(sql), &types)?;
        self.statements.entry(sql.to_owned()).or_default().push((kinds.to_vec(), statement.clone()));
        Ok(statement)
    }

    /// Runs `run` with the statement for `sql` prepared for these values' types, and the values bound.
    fn bound<T>(
        &mut self,
        sql: &str,
        values: &[Value<'_>],
        run: impl FnOnce(
            &mut postgres::Client,
            &postgres::Statement,
            &[&(dyn postgres::types::ToSql + Sync)],
        ) -> Result<T, postgres::Error>,
    ) -> DbResult<T> {
        let kinds: Vec<Kind> = values.iter().map(Value::kind).collect();
        let statement = self.statement(sql, &kinds)?;
        let boxed = pg_params(values);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
        count_round_trip();
        Ok(run(&mut self.client, &statement, &refs)?)
    }

    fn run_query(&mut self, sql: &str, values: &[Value<'_>]) -> DbResult<Vec<postgres::Row>> {
        self.bound(sql, values, |client, statement, params| client.query(statement, params))
    }

    fn run_execute(&mut self, sql: &str, values: &[Value<'_>]) -> DbResult<usize> {
        Ok(self.bound(sql, values, |client, statement, params| client.execute(statement, params))? as usize)
    }
}

fn pg_params<'a>(values: &[Value<'a>]) -> Vec<Box<dyn postgres::types::ToSql + Sync + 'a>> {
    values
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync + 'a> {
            match *v {
                Value::Null(Kind::Int) => Box::new(None::<i64>),
                Value::Null(Kind::Real) => Box::new(None::<f64>),
                Value::Null(Kind::Text) => Box::new(None::<&str>),
                Value::Null(Kind::Blob) => Box::new(None::<&[u8]>),
                Value::Int(i) => Box::new(i),
                Value::Real(r) => Box::new(r),
                Value::Text(s) => Box::new(s),
                Value::Blob(b) => Box::new(b),
            }
        })
        .collect()
}

/// `?N` and `?` placeholders to PostgreSQL's `$N` (outside quoted strings).
pub(crate) fn to_dollars(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
        } else if c == '?' && !quoted {
            out.push('$');
            let mut digits = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                digits.push(d);
                chars.next();
            }
            if digits.is_empty() {
                out.push_str(&next.to_string());
                next += 1;
            } else {
                out.push_str(&digits);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A connection of either engine.
pub(crate) enum Db {
    Lite(rusqlite::Connection),
    Pg(Box<RefCell<PgConn>>),
}

impl Db {
    /// Whether this is PostgreSQL (for the few statements that must differ).
    pub fn is_pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// The statement that opens a read transaction: one consistent snapshot.
    pub fn begin_read(&self) -> &'static str {
        match self {
            Db::Lite(_) => "BEGIN",
            Db::Pg(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        }
    }

    /// Runs a transaction-control statement (`SAVEPOINT`, `RELEASE`, `COMMIT`…): a cached statement
    /// on SQLite, the simple protocol on PostgreSQL.
    pub fn control(&self, sql: &str) -> DbResult<()> {
        match self {
            Db::Lite(c) => {
                c.prepare_cached(sql)?.execute([])?;
                Ok(())
            }
            Db::Pg(c) => {
                count_round_trip();
                Ok(c.borrow_mut().client.batch_execute(sql)?)
            }
        }
    }

    /// A statement, cached by the engine.
    pub fn prepare_cached<'s>(&'s self, sql: &'s str) -> DbResult<Stmt<'s>> {
        match self {
            Db::Lite(c) => Ok(Stmt::Lite(c.prepare_cached(sql)?)),
            Db::Pg(c) => Ok(Stmt::Pg { conn: c, sql }),
        }
    }

    /// A statement used once.
    pub fn prepare<'s>(&'s self, sql: &'s str) -> DbResult<Stmt<'s>> {
        self.prepare_cached(sql)
    }

    /// Runs statements without parameters (several, separated by `;`).
    pub fn execute_batch(&self, sql: &str) -> DbResult<()> {
        match self {
            Db::Lite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(c) => Ok(c.borrow_mut().client.batch_execute(sql)?),
        }
    }

    /// Runs one statement; returns the rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// Runs a query that returns one row.
    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&Row<'_>) -> DbResult<T>) -> DbResult<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

/// A prepared statement.
pub(crate) enum Stmt<'c> {
    Lite(rusqlite::CachedStatement<'c>),
    Pg { conn: &'c RefCell<PgConn>, sql: &'c str },
}

impl Stmt<'_> {
    pub fn execute(&mut self, params: impl Params) -> DbResult<usize> {
        let values = params.values();
        match self {
            Stmt::Lite(s) => Ok(s.execute(rusqlite::params_from_iter(values.iter()))?),
            Stmt::Pg { conn, sql } => conn.borrow_mut().run_execute(sql, &values),
        }
    }

    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row<'_>) -> DbResult<T>) -> DbResult<T> {
        let values = params.values();
        match self {
            Stmt::Lite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(r) => f(&Row::Lite(r)),
                    None => Err(DbError::NoRows),
                }
            }
            Stmt::Pg { conn, sql } => {
                let rows = conn.borrow_mut().run_query(sql, &values)?;
                match rows.first() {
                    Some(r) => f(&Row::Pg(r)),
                    None => Err(DbError::NoRows),
                }
            }
        }
    }

    /// Every row mapped by `f` (read eagerly: the store's lists are pages).
    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<std::vec::IntoIter<DbResult<T>>> {
        let values = params.values();
        let mut out = Vec::new();
        match self {
            Stmt::Lite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Lite(r)));
                }
            }
            Stmt::Pg { conn, sql } => {
                let rows = conn.borrow_mut().run_query(sql, &values)?;
                for r in &rows {
                    out.push(f(&Row::Pg(r)));
                }
            }
        }
        Ok(out.into_iter())
    }

    /// Streams every row through `f` (for scans of whole tables).
    pub fn for_each(&mut self, params: impl Params, mut f: impl FnMut(&Row<'_>) -> DbResult<()>) -> DbResult<()> {
        let values = params.values();
        match self {
            Stmt::Lite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&Row::Lite(r))?;
                }
                Ok(())
            }
            Stmt::Pg { conn, sql } => {
                // Rows are read from the socket as they come, so memory stays flat over any table.
                use postgres::fallible_iterator::FallibleIterator;
                let mut failed = None;
                conn.borrow_mut().bound(sql, &values, |client, statement, params| {
                    let mut rows = client.query_raw(statement, params.iter().copied())?;
                    while let Some(r) = rows.next()? {
                        if let Err(e) = f(&Row::Pg(&r)) {
                            failed = Some(e);
                            break;
                        }
                    }
                    Ok(())
                })?;
                failed.map_or(Ok(()), Err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_strings() {
        assert_eq!(to_dollars("SELECT ?1, ?2 WHERE a = ?1"), "SELECT $1, $2 WHERE a = $1");
        assert_eq!(to_dollars("SELECT ?, ? "), "SELECT $1, $2 ");
        assert_eq!(to_dollars("SELECT '?1', ?3"), "SELECT '?1', $3");
    }
}
