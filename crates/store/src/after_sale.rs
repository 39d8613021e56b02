//! Persistence of what happens after the sale: buyer claims, unauthorized-payment reports, support
//! tickets and their messages.

use domain::claims::{ClaimOutcome, ClaimReason, ClaimStatus};
use domain::states::TicketStatus;

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::{named, named_opt};

use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};

/// A claim as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub id: String,
    pub order_id: String,
    pub buyer_user_id: String,
    pub merchant_id: String,
    pub reason: ClaimReason,
    pub amount: i64,
    pub description: String,
    pub status: ClaimStatus,
    pub outcome: Option<ClaimOutcome>,
    pub refund_amount: Option<i64>,
    pub refund_id: Option<String>,
    pub seller_message: Option<String>,
    pub respond_by: i64,
    pub created_at: i64,
    pub escalated_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

/// A support ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub id: String,
    pub user_id: String,
    pub order_id: Option<String>,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One message of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMessageRecord {
    pub id: i64,
    pub ticket_id: String,
    pub author_user_id: String,
    pub author_role: String,
    pub body: String,
    pub created_at: i64,
}

const CLAIM_COLUMNS: &str = "id, order_id, buyer_user_id, merchant_id, reason, amount, description, status, outcome,
    refund_amount, refund_id, seller_message, respond_by, created_at, escalated_at, resolved_at";

fn claim_from_row(r: &Row<'_>) -> DbResult<ClaimRecord> {
    Ok(ClaimRecord {
        id: r.get(0)?,
        order_id: r.get(1)?,
        buyer_user_id: r.get(2)?,
        merchant_id: r.get(3)?,
        reason: named(r, 4, ClaimReason::parse)?,
        amount: r.get(5)?,
        description: r.get(6)?,
        status: named(r, 7, ClaimStatus::parse)?,
        outcome: named_opt(r, 8, ClaimOutcome::parse)?,
        refund_amount: r.get(9)?,
        refund_id: r.get(10)?,
        seller_message: r.get(11)?,
        respond_by: r.get(12)?,
        created_at: r.get(13)?,
        escalated_at: r.get(14)?,
        resolved_at: r.get(15)?,
    })
}

const TICKET_COLUMNS: &str = "id, user_id, order_id, subject, status, created_at, updated_at";

fn ticket_from_row(r: &Row<'_>) -> DbResult<TicketRecord> {
    Ok(TicketRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        order_id: r.get(2)?,
        subject: r.get(3)?,
        status: named(r, 4, TicketStatus::parse)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

fn claim_query(conn: &Db, id: &str) -> Result<Option<ClaimRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ?1"))?
        .query_row([id], claim_from_row)
        .optional()?)
}

fn ticket_query(conn: &Db, id: &str) -> Result<Option<TicketRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?1"))?
        .query_row([id], ticket_from_row)
        .optional()?)
}

fn messages_query(conn: &Db, ticket_id: &str) -> Result<Vec<TicketMessageRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, ticket_id, author_user_id, author_role, body, created_at FROM ticket_messages WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([ticket_id], |r| {
            Ok(TicketMessageRecord {
                id: r.get(0)?,
                ticket_id: r.get(1)?,
                author_user_id: r.get(2)?,
                author_role: r.get(3)?,
                body: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Who is looking at a list of claims or tickets.
pub enum Viewer<'a> {
    Buyer(&'a str),
    Merchant(&'a str),
    Operator,
}

impl WriteTx<'_> {
    /// Claims on an order.
    pub fn claims_of_order(&mut self, order_id: &str) -> Result<Vec<ClaimRecord>, StoreError> {
        ReadTx { conn: self.conn }.claims_of_order(order_id)
    }

    /// Records a claim.
    pub fn insert_claim(&mut self, c: &ClaimRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO claims ({CLAIM_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?
            .execute(params![
                c.id,
                c.order_id,
                c.buyer_user_id,
                c.merchant_id,
                c.reason.name(),
                c.amount,
                c.description,
                c.status.name(),
                c.outcome.map(ClaimOutcome::name),
                c.refund_amount,
                c.refund_id,
                c.seller_message,
                c.respond_by,
                c.created_at,
                c.escalated_at,
                c.resolved_at
            ])?;
        Ok(())
    }

    /// Writes a claim's changing fields if it is still in `expected_status`; returns whether it was.
    pub fn update_claim(&mut self, c: &ClaimRecord, expected_status: ClaimStatus) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE claims SET status = ?3, outcome = ?4, refund_amount = ?5, refund_id = ?6, seller_message = ?7,
                 escalated_at = ?8, resolved_at = ?9 WHERE id = ?1 AND status = ?2",
            )?
            .execute(params![
                c.id,
                expected_status.name(),
                c.status.name(),
                c.outcome.map(ClaimOutcome::name),
                c.refund_amount,
                c.refund_id,
                c.seller_message,
                c.escalated_at,
                c.resolved_at
            ])?;
        Ok(n == 1)
    }

    /// A claim.
    pub fn claim(&mut self, id: &str) -> Result<Option<ClaimRecord>, StoreError> {
        claim_query(self.conn, id)
    }

    /// Claims on an order that are not resolved.
    pub fn open_claims(&mut self, order_id: &str) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM claims WHERE order_id = ?1 AND status != 'resolved'")?
            .query_row([order_id], |r| r.get(0))?)
    }

    /// Claims whose seller did not answer in time.
    pub fn claims_past_deadline(&mut self, now: i64, limit: u32) -> Result<Vec<ClaimRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE status = 'awaiting_seller' AND respond_by <= ?1 LIMIT ?2"
            ))?
            .query_map(params![now, limit], claim_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Claims left `refunding` (a decision for the buyer whose refund was interrupted, by a crash for
    /// instance) since at least `decided_before`: the decision time is kept in `resolved_at`.
    pub fn claims_left_refunding(&mut self, decided_before: i64, limit: u32) -> Result<Vec<ClaimRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE status = 'refunding' AND resolved_at <= ?1 LIMIT ?2"
            ))?
            .query_map(params![decided_before, limit], claim_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Marks a payment reported as unauthorized; false if it already was.
    pub fn mark_unauthorized(&mut self, payment_id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE payments SET unauthorized_reported_at = ?2 WHERE id = ?1 AND unauthorized_reported_at IS NULL",
            )?
            .execute(params![payment_id, now])?;
        Ok(n == 1)
    }

    /// Ends every session of a user except one; returns how many.
    pub fn revoke_other_sessions(
        &mut self,
        user_id: &str,
        keep_token_hash: &[u8],
        now: i64,
    ) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE sessions SET revoked_at = ?3 WHERE user_id = ?1 AND token_hash != ?2 AND revoked_at IS NULL",
            )?
            .execute(params![user_id, keep_token_hash, now])?)
    }

    /// Opens a ticket.
    pub fn insert_ticket(&mut self, t: &TicketRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!("INSERT INTO tickets ({TICKET_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"))?
            .execute(params![t.id, t.user_id, t.order_id, t.subject, t.status.name(), t.created_at, t.updated_at])?;
        Ok(())
    }

    /// A ticket.
    pub fn ticket(&mut self, id: &str) -> Result<Option<TicketRecord>, StoreError> {
        ticket_query(self.conn, id)
    }

    /// Adds a message to a ticket and sets its status.
    pub fn add_ticket_message(&mut self, m: &TicketMessageRecord, status: TicketStatus) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO ticket_messages (ticket_id, author_user_id, author_role, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![m.ticket_id, m.author_user_id, m.author_role, m.body, m.created_at])?;
        self.conn.prepare_cached("UPDATE tickets SET status = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
            m.ticket_id,
            status.name(),
            m.created_at
        ])?;
        Ok(())
    }

    /// A ticket's messages, oldest first.
    pub fn ticket_messages(&mut self, ticket_id: &str) -> Result<Vec<TicketMessageRecord>, StoreError> {
        messages_query(self.conn, ticket_id)
    }
}

impl ReadTx<'_> {
    /// Whether a payment was reported as unauthorized (and so reimbursed in full).
    pub fn payment_reimbursed(&self, payment_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT unauthorized_reported_at IS NOT NULL FROM payments WHERE id = ?1")?
            .query_row([payment_id], |r| r.get::<bool>(0))
            .optional()?
            .unwrap_or(false))
    }

    /// A claim.
    pub fn claim(&self, id: &str) -> Result<Option<ClaimRecord>, StoreError> {
        claim_query(self.conn, id)
    }

    /// Claims a viewer may see, newest first.
    pub fn claims(
        &self,
        viewer: &Viewer<'_>,
        status: Option<ClaimStatus>,
        page: &Page,
    ) -> Result<Listed<ClaimRecord>, StoreError> {
        let status = status.map(ClaimStatus::name);
        let b = page.bounds(self.conn, "claims")?;
        let (filter, who) = match viewer {
            Viewer::Buyer(u) => ("buyer_user_id = ?1", (*u).to_owned()),
            Viewer::Merchant(m) => ("merchant_id = ?1", (*m).to_owned()),
            Viewer::Operator => ("?1 = ?1", String::new()),
        };
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM claims WHERE {filter} AND (?2 IS NULL OR status = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![who, status, b.low, b.high, b.created_gte, b.created_lte, b.fetch], claim_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// Claims on an order.
    pub fn claims_of_order(&self, order_id: &str) -> Result<Vec<ClaimRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE order_id = ?1 ORDER BY rowid"))?
            .query_map([order_id], claim_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// A ticket.
    pub fn ticket(&self, id: &str) -> Result<Option<TicketRecord>, StoreError> {
        ticket_query(self.conn, id)
    }

    /// Tickets a viewer may see (a buyer's own, or all for operators), newest first.
    pub fn tickets(
        &self,
        user_id: Option<&str>,
        status: Option<&str>,
        page: &Page,
    ) -> Result<Listed<TicketRecord>, StoreError> {
        let b = page.bounds(self.conn, "tickets")?;
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR status = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![user_id, status, b.low, b.high, b.created_gte, b.created_lte, b.fetch], ticket_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// A ticket's messages, oldest first.
    pub fn ticket_messages(&self, ticket_id: &str) -> Result<Vec<TicketMessageRecord>, StoreError> {
        messages_query(self.conn, ticket_id)
    }

    /// Claims resolved for the buyer whose refund is missing or of another amount (for the checker).
    pub fn claim_refund_problems(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT c.id, c.refund_amount, r.amount FROM claims c LEFT JOIN refunds r ON r.id = c.refund_id
                  WHERE c.status = 'resolved' AND c.outcome = 'buyer' AND (r.id IS NULL OR r.amount != c.refund_amount)",
            )?
            .query_map((), |r| {
                Ok(format!(
                    "claim {} was decided for the buyer for {:?} but its refund is {:?}",
                    r.get::<String>(0)?,
                    r.get::<Option<i64>>(1)?,
                    r.get::<Option<i64>>(2)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }
}
