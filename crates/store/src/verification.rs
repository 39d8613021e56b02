//! Persistence of verification beyond codes: a buyer's security questions (answers only as slow
//! salted hashes, made by the caller) and document reviews (the document sealed by the vault; erased,
//! never the row, once kept long enough).

use crate::db::{params, Db, OptionalExtension, Row};
use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};

/// One security question of a buyer. `answer_hash` is a PHC string of a slow salted hash.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityQuestionRecord {
    pub id: String,
    pub user_id: String,
    pub position: i64,
    pub question: String,
    pub answer_hash: String,
    pub created_at: i64,
}

impl std::fmt::Debug for SecurityQuestionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityQuestionRecord").field("id", &self.id).field("question", &self.question).finish()
    }
}

/// A document review of one payment attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub id: String,
    pub payment_id: String,
    pub attempt_id: String,
    pub buyer_user_id: String,
    pub amount: i64,
    pub currency: String,
    /// Why it was asked, comma-separated (`document_amount`, `code_tries_used`, and the step-up reasons).
    pub reasons: String,
    pub status: String,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    pub document_key_id: Option<i64>,
    /// The document sealed by the vault; `None` before upload and after deletion.
    pub document: Option<Vec<u8>>,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub expires_at: i64,
    pub document_deleted_at: Option<i64>,
    pub updated_at: i64,
}

impl std::fmt::Debug for ReviewRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewRecord")
            .field("id", &self.id)
            .field("payment_id", &self.payment_id)
            .field("status", &self.status)
            .field("document", &self.document.as_ref().map(|d| format!("<{} sealed bytes>", d.len())))
            .finish()
    }
}

const REVIEW_COLUMNS: &str = "id, payment_id, attempt_id, buyer_user_id, amount, currency, reasons, status, media_type,
    size, document_key_id, document, note, decided_by, created_at, submitted_at, decided_at, expires_at,
    document_deleted_at, updated_at";

fn review_from_row(r: &Row<'_>) -> Result<ReviewRecord, crate::db::DbError> {
    Ok(ReviewRecord {
        id: r.get(0)?,
        payment_id: r.get(1)?,
        attempt_id: r.get(2)?,
        buyer_user_id: r.get(3)?,
        amount: r.get(4)?,
        currency: r.get(5)?,
        reasons: r.get(6)?,
        status: r.get(7)?,
        media_type: r.get(8)?,
        size: r.get(9)?,
        document_key_id: r.get(10)?,
        document: r.get(11)?,
        note: r.get(12)?,
        decided_by: r.get(13)?,
        created_at: r.get(14)?,
        submitted_at: r.get(15)?,
        decided_at: r.get(16)?,
        expires_at: r.get(17)?,
        document_deleted_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

fn questions_query(conn: &Db, user_id: &str) -> Result<Vec<SecurityQuestionRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, user_id, position, question, answer_hash, created_at FROM security_questions
              WHERE user_id = ?1 ORDER BY position",
        )?
        .query_map([user_id], |r| {
            Ok(SecurityQuestionRecord {
                id: r.get(0)?,
                user_id: r.get(1)?,
                position: r.get(2)?,
                question: r.get(3)?,
                answer_hash: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

fn review_query(conn: &Db, id: &str) -> Result<Option<ReviewRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {REVIEW_COLUMNS} FROM document_reviews WHERE id = ?1"))?
        .query_row([id], review_from_row)
        .optional()?)
}

fn open_review_query(conn: &Db, payment_id: &str) -> Result<Option<ReviewRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {REVIEW_COLUMNS} FROM document_reviews WHERE payment_id = ?1
               AND status IN ('awaiting_document', 'in_review') ORDER BY created_at DESC LIMIT 1"
        ))?
        .query_row([payment_id], review_from_row)
        .optional()?)
}

impl ReadTx<'_> {
    /// A buyer's security questions, in order.
    pub fn security_questions(&self, user_id: &str) -> Result<Vec<SecurityQuestionRecord>, StoreError> {
        questions_query(self.conn, user_id)
    }

    /// A document review.
    pub fn review(&self, id: &str) -> Result<Option<ReviewRecord>, StoreError> {
        review_query(self.conn, id)
    }

    /// The open review of a payment, if any.
    pub fn open_review(&self, payment_id: &str) -> Result<Option<ReviewRecord>, StoreError> {
        open_review_query(self.conn, payment_id)
    }

    /// A page of reviews (of one status, or all), oldest first for the queue when `status` is open,
    /// newest first otherwise.
    pub fn reviews(
        &self,
        status: Option<&str>,
        buyer_user_id: Option<&str>,
        page: &Page,
    ) -> Result<Listed<ReviewRecord>, StoreError> {
        let b = page.bounds(self.conn, "document_reviews")?;
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM document_reviews
              WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR buyer_user_id = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![status, buyer_user_id, b.low, b.high, b.created_gte, b.created_lte, b.fetch],
                review_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }
}

impl WriteTx<'_> {
    /// A buyer's security questions, in order.
    pub fn security_questions(&mut self, user_id: &str) -> Result<Vec<SecurityQuestionRecord>, StoreError> {
        questions_query(self.conn, user_id)
    }

    /// Replaces a buyer's security questions with these.
    pub fn replace_security_questions(
        &mut self,
        user_id: &str,
        questions: &[SecurityQuestionRecord],
    ) -> Result<(), StoreError> {
        self.conn.prepare_cached("DELETE FROM security_questions WHERE user_id = ?1")?.execute([user_id])?;
        for q in questions {
            self.conn
                .prepare_cached(
                    "INSERT INTO security_questions (id, user_id, position, question, answer_hash, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![q.id, q.user_id, q.position, q.question, q.answer_hash, q.created_at])?;
        }
        Ok(())
    }

    /// A document review.
    pub fn review(&mut self, id: &str) -> Result<Option<ReviewRecord>, StoreError> {
        review_query(self.conn, id)
    }

    /// The open review of a payment, if any.
    pub fn open_review(&mut self, payment_id: &str) -> Result<Option<ReviewRecord>, StoreError> {
        open_review_query(self.conn, payment_id)
    }

    /// An approved review of this payment for this amount and currency, decided at or after `since`:
    /// the buyer already proved who they are for it.
    pub fn approved_review(
        &mut self,
        payment_id: &str,
        amount: i64,
        currency: &str,
        since: i64,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {REVIEW_COLUMNS} FROM document_reviews WHERE payment_id = ?1 AND status = 'approved'
                   AND amount = ?2 AND currency = ?3 AND decided_at >= ?4 ORDER BY decided_at DESC LIMIT 1"
            ))?
            .query_row(params![payment_id, amount, currency, since], review_from_row)
            .optional()?)
    }

    /// Stores a new review.
    pub fn insert_review(&mut self, r: &ReviewRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO document_reviews ({REVIEW_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
            ))?
            .execute(params![
                r.id,
                r.payment_id,
                r.attempt_id,
                r.buyer_user_id,
                r.amount,
                r.currency,
                r.reasons,
                r.status,
                r.media_type,
                r.size,
                r.document_key_id,
                r.document,
                r.note,
                r.decided_by,
                r.created_at,
                r.submitted_at,
                r.decided_at,
                r.expires_at,
                r.document_deleted_at,
                r.updated_at
            ])?;
        Ok(())
    }

    /// Writes a review's changed fields back.
    pub fn update_review(&mut self, r: &ReviewRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE document_reviews SET status = ?2, media_type = ?3, size = ?4, document_key_id = ?5,
                   document = ?6, note = ?7, decided_by = ?8, submitted_at = ?9, decided_at = ?10,
                   document_deleted_at = ?11, updated_at = ?12 WHERE id = ?1",
            )?
            .execute(params![
                r.id,
                r.status,
                r.media_type,
                r.size,
                r.document_key_id,
                r.document,
                r.note,
                r.decided_by,
                r.submitted_at,
                r.decided_at,
                r.document_deleted_at,
                r.updated_at
            ])?;
        Ok(())
    }

    /// Open reviews whose window passed at `now`, at most `limit`.
    pub fn expired_reviews(&mut self, now: i64, limit: u32) -> Result<Vec<ReviewRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {REVIEW_COLUMNS} FROM document_reviews
                  WHERE status IN ('awaiting_document', 'in_review') AND expires_at <= ?1 ORDER BY expires_at LIMIT ?2"
            ))?
            .query_map(params![now, limit], review_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Erases the documents of reviews decided at or before `decided_before` (the row stays, with
    /// when its document was deleted); answers the ids erased. At most `limit` per call.
    pub fn delete_old_documents(
        &mut self,
        decided_before: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM document_reviews WHERE document IS NOT NULL AND decided_at IS NOT NULL
                   AND decided_at <= ?1 ORDER BY decided_at LIMIT ?2",
            )?
            .query_map(params![decided_before, limit], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        for id in &ids {
            self.conn
                .prepare_cached(
                    "UPDATE document_reviews SET document = NULL, document_key_id = NULL, document_deleted_at = ?2,
                       updated_at = ?2 WHERE id = ?1",
                )?
                .execute(params![id, now])?;
        }
        Ok(ids)
    }

    /// Documents sealed under another key than `active` (to seal again after a rotation):
    /// `(id, key_id, sealed)`, at most `limit`.
    pub fn documents_to_reseal(&mut self, active: u32, limit: u32) -> Result<Vec<(String, u32, Vec<u8>)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, document_key_id, document FROM document_reviews
                  WHERE document IS NOT NULL AND document_key_id <> ?1 LIMIT ?2",
            )?
            .query_map(params![i64::from(active), limit], |r| {
                let key: i64 = r.get(1)?;
                Ok((r.get(0)?, u32::try_from(key).unwrap_or(u32::MAX), r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Replaces a document sealed under `old` with one sealed under `new_key`, unless it changed meanwhile.
    pub fn reseal_document(&mut self, id: &str, old: u32, new_key: u32, sealed: &[u8]) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE document_reviews SET document_key_id = ?3, document = ?4
                  WHERE id = ?1 AND document_key_id = ?2 AND document IS NOT NULL",
            )?
            .execute(params![id, i64::from(old), i64::from(new_key), sealed])?
            == 1)
    }
}
