//! One page of a list, the same way for every list: newest first, `limit` rows, older than the
//! `after` cursor or newer than the `before` cursor, and created within a window. Every list query
//! ends with [`Page::clause`] and binds [`Bounds`], so paging and the date filter are written once.
//!
//! Order is the table's insertion order (`rowid`, an identity column on PostgreSQL), which is also
//! creation order, so a cursor never skips or repeats a row that was inserted while a person pages.

use crate::db::{Db, OptionalExtension};
use crate::StoreError;

/// What one page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Rows on the page.
    pub limit: u32,
    /// Only rows older than this one (the next page).
    pub after: Option<String>,
    /// Only rows newer than this one (the previous page).
    pub before: Option<String>,
    /// Only rows created at or after this time (unix seconds).
    pub created_gte: Option<i64>,
    /// Only rows created at or before this time (unix seconds).
    pub created_lte: Option<i64>,
}

/// A page of rows, newest first, and whether the list goes on past it (older rows after a first or
/// `after` page, newer rows before a `before` page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub has_more: bool,
}

impl<T> Listed<T> {
    /// The same page with each row changed.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listed<U> {
        Listed { rows: self.rows.into_iter().map(f).collect(), has_more: self.has_more }
    }

    /// The same page with each row changed by a fallible step.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Listed<U>, E> {
        Ok(Listed { rows: self.rows.into_iter().map(f).collect::<Result<_, _>>()?, has_more: self.has_more })
    }
}

/// The values a page binds, in the order of [`Page::clause`]'s placeholders.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Rows with a `rowid` above this.
    pub low: i64,
    /// Rows with a `rowid` below this.
    pub high: i64,
    pub created_gte: Option<i64>,
    pub created_lte: Option<i64>,
    /// Rows to fetch: one more than the page, to learn whether there are more.
    pub fetch: i64,
}

impl Page {
    /// The first `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self { limit, ..Self::default() }
    }

    /// The end of a list query's `WHERE`, with its order and limit, binding five values from
    /// placeholder `?{n}` on (see [`Bounds`]). The creation time is read from `created_column`.
    pub fn clause(&self, n: usize, created_column: &str) -> String {
        self.clause_by("rowid", n, created_column)
    }

    /// [`Page::clause`] for a table ordered by a column of its own (an integer id).
    pub fn clause_by(&self, order_column: &str, n: usize, created_column: &str) -> String {
        let (o, order) = (order_column, if self.before.is_some() { "ASC" } else { "DESC" });
        format!(
            "{o} > ?{n} AND {o} < ?{} AND (?{} IS NULL OR {created_column} >= ?{}) \
             AND (?{} IS NULL OR {created_column} <= ?{}) ORDER BY {o} {order} LIMIT ?{}",
            n + 1,
            n + 2,
            n + 2,
            n + 3,
            n + 3,
            n + 4
        )
    }

    /// The bound values, with the cursors read as the `rowid` of the row with that `id` in `table`
    /// ([`StoreError::UnknownCursor`] when there is none).
    pub(crate) fn bounds(&self, conn: &Db, table: &str) -> Result<Bounds, StoreError> {
        self.bounds_with(|id| {
            conn.prepare_cached(&format!("SELECT rowid FROM {table} WHERE id = ?1"))?
                .query_row([id], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::UnknownCursor)
        })
    }

    /// The bound values of a list whose API ids are `{prefix}<number>` (the row's own number).
    pub fn numbered_bounds(&self, prefix: &str) -> Result<Bounds, StoreError> {
        self.bounds_with(|id| id.strip_prefix(prefix).and_then(|n| n.parse().ok()).ok_or(StoreError::UnknownCursor))
    }

    /// The bound values, with the cursors read by `rowid_of`.
    pub fn bounds_with(&self, mut rowid_of: impl FnMut(&str) -> Result<i64, StoreError>) -> Result<Bounds, StoreError> {
        let high = match &self.after {
            Some(id) => rowid_of(id)?,
            None => i64::MAX,
        };
        let low = match &self.before {
            Some(id) => rowid_of(id)?,
            None => i64::MIN,
        };
        Ok(Bounds {
            low,
            high,
            created_gte: self.created_gte,
            created_lte: self.created_lte,
            fetch: i64::from(self.limit) + 1,
        })
    }

    /// The rows a query with [`Page::clause`] returned, as the page: newest first, at most `limit`.
    pub fn arrange<T>(&self, mut rows: Vec<T>) -> Listed<T> {
        let has_more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        if self.before.is_some() {
            rows.reverse();
        }
        Listed { rows, has_more }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_before_page_is_fetched_oldest_first_and_shown_newest_first() {
        let page = Page { limit: 2, before: Some("x".into()), ..Page::default() };
        assert!(page.clause(1, "created_at").contains("ORDER BY rowid ASC"));
        // Rows just newer than the cursor, oldest first, one extra.
        let listed = page.arrange(vec![5, 6, 7]);
        assert_eq!(listed, Listed { rows: vec![6, 5], has_more: true });
        let listed = Page::first(2).arrange(vec![9, 8]);
        assert_eq!(listed, Listed { rows: vec![9, 8], has_more: false });
    }

    #[test]
    fn cursors_become_rowid_bounds() {
        let page = Page { limit: 3, after: Some("a".into()), before: Some("b".into()), ..Page::default() };
        let b = page.bounds_with(|id| Ok(if id == "a" { 10 } else { 4 })).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((b.low, b.high, b.fetch), (4, 10, 4));
        let b = Page::first(1).bounds_with(|_| Err(StoreError::UnknownCursor)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((b.low, b.high), (i64::MIN, i64::MAX));
        assert!(matches!(page.bounds_with(|_| Err(StoreError::UnknownCursor)), Err(StoreError::UnknownCursor)));
    }
}
