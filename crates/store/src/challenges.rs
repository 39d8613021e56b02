//! Persistence of one-time code challenges (the code only as a keyed hash) and of the counts the
//! risk rules read: a buyer's recent payments and spending per day.

use crate::db::{params, Db, OptionalExtension};
use crate::{StoreError, WriteTx};

/// A one-time code challenge as stored (the code only as a keyed hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRecord {
    pub payment_id: String,
    pub attempt_id: String,
    pub code_hash: Vec<u8>,
    pub amount: i64,
    pub currency: String,
    pub expires_at: i64,
    pub attempts_left: u32,
    pub sent_at: i64,
    pub channel: String,
    pub recipient: String,
    pub reasons: String,
    /// Codes sent for this attempt so far (the first one included).
    pub sends: u32,
}

impl WriteTx<'_> {
    /// Stores (or replaces) the challenge of a payment.
    pub fn put_challenge(&mut self, c: &ChallengeRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO payment_challenges (payment_id, attempt_id, code_hash, amount, currency, expires_at,
                 attempts_left, sent_at, channel, recipient, reasons, sends) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (payment_id) DO UPDATE SET attempt_id = excluded.attempt_id, code_hash = excluded.code_hash,
                 amount = excluded.amount, currency = excluded.currency, expires_at = excluded.expires_at,
                 attempts_left = excluded.attempts_left, sent_at = excluded.sent_at, channel = excluded.channel,
                 recipient = excluded.recipient, reasons = excluded.reasons, sends = excluded.sends",
            )?
            .execute(params![
                c.payment_id,
                c.attempt_id,
                c.code_hash,
                c.amount,
                c.currency,
                c.expires_at,
                c.attempts_left,
                c.sent_at,
                c.channel,
                c.recipient,
                c.reasons,
                c.sends
            ])?;
        Ok(())
    }

    /// The challenge of a payment.
    pub fn challenge(&mut self, payment_id: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        challenge_query(self.conn, payment_id)
    }

    /// Removes a used challenge.
    pub fn delete_challenge(&mut self, payment_id: &str) -> Result<(), StoreError> {
        self.conn.prepare_cached("DELETE FROM payment_challenges WHERE payment_id = ?1")?.execute([payment_id])?;
        Ok(())
    }

    /// How many payments the buyer authorized since `since` (for the velocity rule; a checkout's
    /// payment counts once, not once per order).
    pub fn recent_payments(&mut self, buyer_user_id: &str, since: i64) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM payments WHERE buyer_user_id = ?1 AND created_at >= ?2
                   AND status IN ('requires_capture', 'succeeded') AND (checkout_id IS NULL OR order_id IS NULL)",
            )?
            .query_row(params![buyer_user_id, since], |r| r.get(0))?)
    }

    /// What the buyer has authorized or been charged in `currency` (payments not cancelled) created
    /// on day `first_day` (days since 1970, UTC) or later. Reads the per-day totals that triggers
    /// keep (migration 10): a month is at most 31 rows, however many payments it had.
    pub fn spent_from_day(&mut self, buyer_user_id: &str, currency: &str, first_day: i64) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_spending WHERE buyer_user_id = ?1 AND currency = ?2 AND day >= ?3",
            )?
            .query_row(params![buyer_user_id, currency, first_day], |r| r.get(0))?)
    }
}

pub(crate) fn challenge_query(conn: &Db, payment_id: &str) -> Result<Option<ChallengeRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT payment_id, attempt_id, code_hash, amount, currency, expires_at, attempts_left, sent_at, channel,
                 recipient, reasons, sends FROM payment_challenges WHERE payment_id = ?1",
        )?
        .query_row([payment_id], |r| {
            Ok(ChallengeRecord {
                payment_id: r.get(0)?,
                attempt_id: r.get(1)?,
                code_hash: r.get(2)?,
                amount: r.get(3)?,
                currency: r.get(4)?,
                expires_at: r.get(5)?,
                attempts_left: r.get(6)?,
                sent_at: r.get(7)?,
                channel: r.get(8)?,
                recipient: r.get(9)?,
                reasons: r.get(10)?,
                sends: r.get(11)?,
            })
        })
        .optional()?)
}
