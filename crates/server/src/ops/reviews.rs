//! Document reviews as operations: a review started when paying asks for a document (the payment
//! waits); and the periodic steps (the job is in `jobs`): open reviews past their window expire
//! (their payment fails with `verification_expired`; the buyer is told), and documents decided 30
//! days ago are erased.

use domain::checkout::PaymentStatus;
use domain::verification::{ReviewStatus, DOCUMENT_RETENTION_S, REVIEW_WINDOW_S};
use store::{NewOutboxMessage, PaymentRecord, ReviewRecord, WriteTx};

use crate::error::ApiError;
use crate::ops::shop::fail_attempt;
use crate::secrets::random_id;
use crate::AppState;

/// Reviews expired, or documents erased, per job run at most.
const REVIEW_JOB_BATCH_MAX: u32 = 256;

/// An amount in words for the buyer, in their language.
pub(crate) fn money_text(locale: crate::i18n::Locale, amount: i64, currency: &str) -> String {
    crate::i18n::format::money(locale, amount, currency).unwrap_or_default()
}

/// Open reviews past their window expire: their payment fails with `verification_expired`, and the
/// buyer is told.
pub(crate) async fn expire_due_reviews(state: &AppState, now: i64) {
    let expired = state
        .store
        .write(move |tx| -> Result<usize, ApiError> {
            let due = tx.expired_reviews(now, REVIEW_JOB_BATCH_MAX)?;
            for mut review in due.iter().cloned() {
                let status = ReviewStatus::parse(&review.status).ok_or_else(ApiError::internal)?;
                review.status = status.close(true).map_err(|_| ApiError::internal())?.name().into();
                review.decided_at = Some(now);
                review.updated_at = now;
                tx.update_review(&review)?;
                let Some(mut payment) = tx.payment(&review.payment_id)? else { continue };
                if payment.status != PaymentStatus::RequiresAction
                    || payment.attempt_in_progress.as_deref() != Some(review.attempt_id.as_str())
                {
                    continue;
                }
                let error = ApiError::payment(&domain::declines::PaymentFailure::VerificationExpired)
                    .with_message(crate::msg!("error-review-expired"))
                    .with_advice_msgs(vec![crate::msg!("error-review-expired.advice")]);
                fail_attempt(tx, &mut payment, &review.attempt_id, &error, "verification_expired", None, now)?;
                if let Some(buyer) = tx.user(&payment.buyer_user_id)? {
                    let locale = crate::i18n::locale_of(buyer.locale.as_deref());
                    let text = crate::tr_in!(
                        locale,
                        "message-review-expired-body",
                        amount = money_text(locale, payment.amount, &payment.currency)
                    );
                    tx.enqueue_message(
                        &NewOutboxMessage {
                            channel: "email",
                            recipient: &buyer.email,
                            subject: &crate::tr_in!(locale, "message-review-expired-subject"),
                            body: &text,
                            code: None,
                        },
                        now,
                    )?;
                }
            }
            Ok(due.len())
        })
        .await;
    if let Err(e) = expired {
        tracing::warn!(code = e.code, "expiring document reviews failed; retrying on the next tick");
    }
}

/// Documents whose review was decided 30 days ago are erased (the row stays).
pub(crate) async fn erase_old_documents(state: &AppState, now: i64) {
    let decided_before = now - DOCUMENT_RETENTION_S;
    match state.store.write(move |tx| tx.delete_old_documents(decided_before, now, REVIEW_JOB_BATCH_MAX)).await {
        Ok(ids) => {
            for id in ids {
                tracing::info!(review = %id, "identity document deleted 30 days after its review was decided");
            }
        }
        Err(e) => tracing::warn!(error = %e, "deleting old identity documents failed; retrying on the next tick"),
    }
}

/// Starts a document review for the payment's attempt: the payment waits (`requires_action`) for a
/// document, until the review window passes.
pub(crate) fn start_review(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    reasons: &[&str],
    now: i64,
) -> Result<(), ApiError> {
    tx.insert_review(&ReviewRecord {
        id: random_id("rev"),
        payment_id: payment.id.clone(),
        attempt_id: attempt_id.to_owned(),
        buyer_user_id: payment.buyer_user_id.clone(),
        amount: payment.amount,
        currency: payment.currency.clone(),
        reasons: reasons.join(","),
        status: ReviewStatus::AwaitingDocument.name().into(),
        media_type: None,
        size: None,
        document_key_id: None,
        document: None,
        note: None,
        decided_by: None,
        created_at: now,
        submitted_at: None,
        decided_at: None,
        expires_at: now.saturating_add(REVIEW_WINDOW_S),
        document_deleted_at: None,
        updated_at: now,
    })?;
    crate::ops::paying::wait_for_buyer(tx, payment, attempt_id, now)
}
