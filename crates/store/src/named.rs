//! Reading a column that holds a domain name (a status, a reason) into its domain type: the store's
//! one mapping between the names in the database and the closed enums of `domain`. An unknown name is
//! a decoding error of that column, never a guess.

use crate::db::{DbError, DbResult, Row};

/// The value named in column `column`, parsed with `parse` (the type's own `parse`).
pub(crate) fn named<T>(r: &Row<'_>, column: usize, parse: fn(&str) -> Option<T>) -> DbResult<T> {
    let name: String = r.get(column)?;
    parse(&name).ok_or_else(|| DbError::Decode { column, why: format!("unknown name {name:?}") })
}

/// The same, for a column that may be NULL.
pub(crate) fn named_opt<T>(r: &Row<'_>, column: usize, parse: fn(&str) -> Option<T>) -> DbResult<Option<T>> {
    let name: Option<String> = r.get(column)?;
    name.map(|name| parse(&name).ok_or_else(|| DbError::Decode { column, why: format!("unknown name {name:?}") }))
        .transpose()
}
