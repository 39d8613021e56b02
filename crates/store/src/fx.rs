//! Persistence of exchange rates and of the quotes that fix a rate for one payment.

use crate::db::{params, OptionalExtension};

use crate::{ReadTx, StoreError, WriteTx};

/// A locked exchange-rate quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRecord {
    pub id: String,
    pub user_id: String,
    pub from_currency: String,
    pub to_currency: String,
    pub rate: String,
    pub from_amount: i64,
    pub to_amount: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

impl WriteTx<'_> {
    /// Sets the rate from one currency to another.
    pub fn put_fx_rate(&mut self, from: &str, to: &str, rate: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO fx_rates (from_currency, to_currency, rate, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (from_currency, to_currency) DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at")?
            .execute(params![from, to, rate, now])?;
        Ok(())
    }

    /// Records a quote.
    pub fn insert_quote(&mut self, q: &QuoteRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO fx_quotes (id, user_id, from_currency, to_currency, rate, from_amount, to_amount, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![q.id, q.user_id, q.from_currency, q.to_currency, q.rate, q.from_amount, q.to_amount, q.created_at, q.expires_at])?;
        Ok(())
    }

    /// A quote.
    pub fn quote(&mut self, id: &str) -> Result<Option<QuoteRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, user_id, from_currency, to_currency, rate, from_amount, to_amount, created_at, expires_at
                   FROM fx_quotes WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(QuoteRecord {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    from_currency: r.get(2)?,
                    to_currency: r.get(3)?,
                    rate: r.get(4)?,
                    from_amount: r.get(5)?,
                    to_amount: r.get(6)?,
                    created_at: r.get(7)?,
                    expires_at: r.get(8)?,
                })
            })
            .optional()?)
    }
}

impl ReadTx<'_> {
    /// Every rate operators set: `(from, to, rate, updated_at)`, by currency pair.
    pub fn fx_rates(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT from_currency, to_currency, rate, updated_at FROM fx_rates
                  ORDER BY from_currency, to_currency LIMIT 1000",
            )?
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// The rate from one currency to another, if an operator set one.
    pub fn fx_rate(&self, from: &str, to: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT rate FROM fx_rates WHERE from_currency = ?1 AND to_currency = ?2")?
            .query_row(params![from, to], |r| r.get(0))
            .optional()?)
    }
}
