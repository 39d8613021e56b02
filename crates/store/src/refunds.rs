//! Persistence of refunds: each with its Pocket part and card part, and the pending ones the
//! settlement job finishes.

use domain::refunds::{RefundDestination, RefundStatus};

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;

use crate::{ReadTx, StoreError, WriteTx};

/// A refund as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: String,
    pub order_id: String,
    pub payment_id: String,
    pub amount: i64,
    pub pocket_amount: i64,
    pub card_amount: i64,
    pub card_presentment_amount: Option<i64>,
    pub destination: RefundDestination,
    pub status: RefundStatus,
    pub issuer_refund_id: Option<String>,
    pub expected_at: Option<i64>,
    pub reason: String,
    pub created_by: String,
    pub created_at: i64,
    pub settled_at: Option<i64>,
    /// Integrators' metadata: a JSON object of up to 50 string keys (`{}` when none).
    pub metadata: String,
}

const REFUND_COLUMNS: &str = "id, order_id, payment_id, amount, pocket_amount, card_amount, card_presentment_amount,
    destination, status, issuer_refund_id, expected_at, reason, created_by, created_at, settled_at, metadata";

fn refund_from_row(r: &Row<'_>) -> DbResult<RefundRecord> {
    Ok(RefundRecord {
        id: r.get(0)?,
        order_id: r.get(1)?,
        payment_id: r.get(2)?,
        amount: r.get(3)?,
        pocket_amount: r.get(4)?,
        card_amount: r.get(5)?,
        card_presentment_amount: r.get(6)?,
        destination: named(r, 7, RefundDestination::parse)?,
        status: named(r, 8, RefundStatus::parse)?,
        issuer_refund_id: r.get(9)?,
        expected_at: r.get(10)?,
        reason: r.get(11)?,
        created_by: r.get(12)?,
        created_at: r.get(13)?,
        settled_at: r.get(14)?,
        metadata: r.get(15)?,
    })
}

fn refunds_query(conn: &Db, order_id: &str) -> Result<Vec<RefundRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {REFUND_COLUMNS} FROM refunds WHERE order_id = ?1 ORDER BY created_at, rowid"
        ))?
        .query_map([order_id], refund_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

impl WriteTx<'_> {
    /// Records a refund.
    pub fn insert_refund(&mut self, r: &RefundRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO refunds ({REFUND_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?
            .execute(params![
                r.id,
                r.order_id,
                r.payment_id,
                r.amount,
                r.pocket_amount,
                r.card_amount,
                r.card_presentment_amount,
                r.destination.name(),
                r.status.name(),
                r.issuer_refund_id,
                r.expected_at,
                r.reason,
                r.created_by,
                r.created_at,
                r.settled_at,
                r.metadata
            ])?;
        Ok(())
    }

    /// Updates a refund's status and settlement.
    pub fn update_refund(&mut self, r: &RefundRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE refunds SET status = ?2, issuer_refund_id = ?3, expected_at = ?4, settled_at = ?5, destination = ?6 WHERE id = ?1",
            )?
            .execute(params![
                r.id,
                r.status.name(),
                r.issuer_refund_id,
                r.expected_at,
                r.settled_at,
                r.destination.name()
            ])?;
        Ok(())
    }

    /// An order's refunds.
    pub fn refunds(&mut self, order_id: &str) -> Result<Vec<RefundRecord>, StoreError> {
        refunds_query(self.conn, order_id)
    }

    /// Card refunds waiting for the issuer, expected before `before`.
    pub fn pending_refunds(&mut self, before: i64, limit: u32) -> Result<Vec<RefundRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {REFUND_COLUMNS} FROM refunds WHERE status IN ('pending', 'processing') AND expected_at <= ?1 LIMIT ?2"
            ))?
            .query_map(params![before, limit], refund_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }
}

impl ReadTx<'_> {
    /// An order's refunds.
    pub fn refunds(&self, order_id: &str) -> Result<Vec<RefundRecord>, StoreError> {
        refunds_query(self.conn, order_id)
    }

    /// A refund.
    pub fn refund(&self, id: &str) -> Result<Option<RefundRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE id = ?1"))?
            .query_row([id], refund_from_row)
            .optional()?)
    }
}
