//! Confirming a risky payment, as an operation: one command checks the buyer's one-time code (or
//! their answers to their security questions) against the payment's challenge — a wrong one counts
//! down its tries, a high-risk payment whose tries ran out turns to a document review — and, once
//! confirmed, the payment is authorized under a new attempt with the card it was paying with
//! (`ops::paying::authorize_attempt`). A document review approved by an operator goes on the same way.

use axum::response::Response;
use domain::checkout::{CodeChallenge, PaymentStatus, Split, StepUpReason, VerifyError, CODE_TTL_S, RESEND_COOLDOWN_S};
use domain::payments::AttemptStatus;
use store::{AttemptRecord, ChallengeRecord, PaymentRecord, WriteTx};

use crate::error::{lifecycle_bug, ApiError, ApiResponse};
use crate::i18n::Locale;
use crate::idempotency::IdempotencyContext;
use crate::ops::paying::{authorize_attempt, record_answer, take_pending, PendingPayment};
use crate::ops::reviews::start_review;
use crate::ops::shop::{bind_error, fail_attempt, issuer_merchant};
use crate::payment_method::{resolve_card, ChargeableCard, PaymentMethodBody};
use crate::secrets::random_id;
use crate::views::shop::payment_view;
use crate::AppState;

/// What the buyer submitted: a code (as its keyed hash), or answers (whether all were right).
pub(crate) enum Submitted {
    Code(Vec<u8>),
    Answers(bool),
}

/// A verified payment, ready to authorize under a new attempt.
pub(crate) struct Proceed {
    attempt_id: String,
    card_id: Option<String>,
    split: Split,
    merchant_id: String,
}

/// What checking a code decided.
enum Checked {
    Answer(ApiResponse),
    Proceed(Proceed),
}

/// What the checking command needs, moved into it.
struct Check {
    payment_id: String,
    buyer_user_id: String,
    submitted: Submitted,
    /// The request's idempotency key, bound to the payment so that a retry resumes it.
    bind: Option<IdempotencyContext>,
    now: i64,
    request_id: String,
    locale: Locale,
}

/// The buyer (`buyer_user_id`) confirms their payment `payment_id` with what they submitted: checked
/// in one command, then, when confirmed, the payment is authorized.
pub(crate) async fn verify(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    buyer_user_id: String,
    payment_id: String,
    submitted: Submitted,
) -> Result<Response, ApiError> {
    let check = Check {
        payment_id: payment_id.clone(),
        buyer_user_id,
        submitted,
        bind: idem.clone(),
        now: state.clock.now(),
        request_id: crate::error::current_request_id(),
        locale: crate::i18n::current(),
    };
    let checked = state.store.write(move |tx| check_submitted(tx, check)).await?;
    let proceed = match checked {
        Checked::Answer(answer) => return Ok(record_answer(state, idem, answer).await),
        Checked::Proceed(proceed) => proceed,
    };
    state.failpoint("verify.checked");
    authorize_verified(state, idem, &payment_id, proceed).await
}

/// The checking command: the buyer's payment awaiting a code, its challenge checked; confirmed, the
/// challenge ends and the payment goes on under a new attempt; refused, the answer is ready.
fn check_submitted(tx: &mut WriteTx<'_>, c: Check) -> Result<Checked, ApiError> {
    let pid = c.payment_id.as_str();
    let payment = tx
        .payment(pid)?
        .filter(|p| p.buyer_user_id == c.buyer_user_id)
        .ok_or_else(|| ApiError::not_found("payment"))?;
    if payment.status != PaymentStatus::RequiresAction {
        return Err(ApiError::conflict("payment_not_awaiting_code", crate::msg!("err-verify-not-awaiting-code")));
    }
    let Some(record) = tx.challenge(pid)? else {
        return Err(ApiError::conflict("payment_not_awaiting_code", crate::msg!("err-verify-awaiting-document")));
    };
    let mut challenge = CodeChallenge {
        code_hash: record.code_hash.clone(),
        payment_id: record.payment_id.clone(),
        amount_minor: record.amount,
        currency: record.currency.clone(),
        expires_at: record.expires_at,
        attempts_left: record.attempts_left,
        sent_at: record.sent_at,
    };
    let outcome = match &c.submitted {
        Submitted::Code(hash) => challenge.check(hash, &payment.id, payment.amount, &payment.currency, c.now),
        Submitted::Answers(right) => {
            challenge.check_answers(*right, &payment.id, payment.amount, &payment.currency, c.now)
        }
    };
    match outcome {
        Ok(()) => {
            if let Some(key) = &c.bind {
                key.bind(tx, pid, c.now).map_err(bind_error)?;
            }
            tx.delete_challenge(pid)?;
            Ok(Checked::Proceed(proceed_after_verification(tx, payment, &record.attempt_id, c.now)?))
        }
        Err(e) => refused(tx, &c, payment, record, &challenge, e).map(Checked::Answer),
    }
}

/// A refused code or answers: the payment shown with the refusal. The challenge keeps its tries
/// left; a high-risk payment whose tries ran out turns to a document review instead; tries used up
/// otherwise answer 429 until a new code may be sent.
fn refused(
    tx: &mut WriteTx<'_>,
    c: &Check,
    payment: PaymentRecord,
    record: ChallengeRecord,
    challenge: &CodeChallenge,
    e: VerifyError,
) -> Result<ApiResponse, ApiError> {
    let (pid, now) = (c.payment_id.as_str(), c.now);
    let reasons: Vec<StepUpReason> = record.reasons.split(',').filter_map(StepUpReason::parse).collect();
    let escalate = challenge.attempts_left == 0
        && !matches!(e, VerifyError::Expired)
        && domain::verification::escalates_to_document(&reasons);
    let mut error = ApiError::payment(&domain::declines::PaymentFailure::from(e));
    let answered = matches!(c.submitted, Submitted::Answers(_));
    if answered && matches!(e, VerifyError::Wrong { .. } | VerifyError::Mismatch) {
        let advice = match challenge.attempts_left {
            0 => crate::msg!("error-answers-incorrect.advice-none-left"),
            n => crate::msg!("error-answers-incorrect.advice", count = n),
        };
        error = error.with_message(crate::msg!("error-answers-incorrect")).with_advice_msgs(vec![advice]);
    }
    if escalate {
        // A high-risk payment whose tries ran out: a document, not another code.
        tx.delete_challenge(pid)?;
        let mut payment = payment;
        let mut why = vec!["code_tries_used"];
        why.extend(reasons.iter().map(|r| r.name()));
        start_review(tx, &mut payment, &record.attempt_id, &why, now)?;
        error = error.with_advice_msgs(vec![crate::msg!("err-verify-upload-id-advice")]);
    } else {
        tx.put_challenge(&ChallengeRecord { attempts_left: challenge.attempts_left, ..record })?;
    }
    if let VerifyError::TooManyAttempts = e {
        if !escalate {
            error.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
            error.kind = crate::error::ErrorType::RateLimit;
            error.retry_after_s =
                Some(u64::try_from((challenge.sent_at + RESEND_COOLDOWN_S - now).max(1)).unwrap_or(1));
        }
    }
    let shown = payment_view(&tx.reads(), pid)?;
    let retry = error.retry_after_s;
    let mut answer = ApiResponse {
        status: error.status,
        body: error.with_object("payment", shown).body_in(&c.request_id, c.locale),
    };
    if retry.is_some() {
        answer.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
    }
    Ok(answer)
}

/// After a code, answers or a document review confirmed the buyer: the confirmed attempt ends as
/// `verified`, and the payment is authorized under a new attempt (a new key at the issuer, which may
/// have refused the unverified one).
pub(crate) fn proceed_after_verification(
    tx: &mut WriteTx<'_>,
    mut payment: PaymentRecord,
    verified_attempt: &str,
    now: i64,
) -> Result<Proceed, ApiError> {
    let previous =
        tx.attempts(&payment.id)?.into_iter().find(|a| a.id == verified_attempt).ok_or_else(ApiError::internal)?;
    tx.finish_attempt(verified_attempt, previous.status.verify().map_err(lifecycle_bug)?, None, None, None)?;
    let attempt =
        AttemptRecord { id: random_id("att"), status: AttemptStatus::Processing, created_at: now, ..previous };
    tx.insert_attempt(&attempt)?;
    payment.attempt_in_progress = Some(attempt.id.clone());
    payment.status = payment.status.action_answered().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    tx.update_payment(&payment)?;
    let split = Split { pocket_minor: payment.pocket_amount, card_minor: payment.card_amount };
    let merchant_id = issuer_merchant(tx, &payment)?;
    Ok(Proceed { attempt_id: attempt.id, card_id: payment.card_id.clone(), split, merchant_id })
}

/// Authorizes a verified payment: the card it was paying with (kept in memory, sealed in the
/// database for another process, or saved), then the issuer, as when paying.
pub(crate) async fn authorize_verified(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    id: &str,
    proceed: Proceed,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    // A card typed at checkout kept sealed for any process (PostgreSQL): erased from the database now,
    // whichever process goes on to authorize.
    let sealed_method = crate::payment_method::take_checkout_card(state, id).await?;
    let pending = match take_pending(state, id) {
        Some(p) => p,
        None if proceed.card_id.is_none() && proceed.split.card_minor > 0 && sealed_method.is_some() => {
            let method = sealed_method.unwrap_or_else(|| unreachable!("checked just above"));
            let card = Some(resolve_card(state, &user_id_of(state, id).await?, &method).await?);
            pending_with(state, card, &proceed, now).await?
        }
        None => match saved_card(state, id, &proceed, now).await? {
            Ok(card) => pending_with(state, card, &proceed, now).await?,
            Err(failed) => return Ok(record_answer(state, idem, failed).await),
        },
    };
    Ok(authorize_attempt(state, idem, id, &proceed.attempt_id, pending, true, false).await)
}

/// The card to authorize once no process kept one for the payment: after a restart only a saved card
/// can be resumed (none needed when the Pocket pays everything); a typed card must be entered again,
/// so the attempt fails (`verification_expired`) and that answer is ready.
async fn saved_card(
    state: &AppState,
    id: &str,
    proceed: &Proceed,
    now: i64,
) -> Result<Result<Option<ChargeableCard>, ApiResponse>, ApiError> {
    match (&proceed.card_id, proceed.split.card_minor > 0) {
        (_, false) => Ok(Ok(None)),
        (Some(card_id), true) => {
            let method =
                PaymentMethodBody { kind: "card".into(), card: Some(card_id.clone()), new_card: None, save: None };
            Ok(Ok(Some(resolve_card(state, &user_id_of(state, id).await?, &method).await?)))
        }
        (None, true) => {
            let pid = id.to_owned();
            let aid = proceed.attempt_id.clone();
            let failed = state
                .store
                .write(move |tx| -> Result<ApiResponse, ApiError> {
                    let mut p = tx.payment(&pid)?.ok_or_else(ApiError::internal)?;
                    let e = ApiError::payment(&domain::declines::PaymentFailure::VerificationExpired);
                    fail_attempt(tx, &mut p, &aid, &e, "verification_expired", None, now)?;
                    let shown = payment_view(&tx.reads(), &pid)?;
                    Ok(ApiResponse {
                        status: e.status,
                        body: e
                            .with_advice_msgs(vec![crate::msg!("err-verify-card-again-advice")])
                            .with_object("payment", shown)
                            .body(&crate::error::current_request_id()),
                    })
                })
                .await?;
            Ok(Err(failed))
        }
    }
}

/// The card and split to authorize with, the issuer told the seller's country.
async fn pending_with(
    state: &AppState,
    card: Option<ChargeableCard>,
    proceed: &Proceed,
    now: i64,
) -> Result<PendingPayment, ApiError> {
    let mid = proceed.merchant_id.clone();
    let merchant_country =
        state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
    Ok(PendingPayment {
        card,
        typed_method: None,
        split: proceed.split,
        merchant_country,
        expires_at: now + CODE_TTL_S,
    })
}

/// The buyer of a payment.
async fn user_id_of(state: &AppState, payment_id: &str) -> Result<String, ApiError> {
    let pid = payment_id.to_owned();
    state
        .store
        .read(move |tx| tx.payment(&pid))
        .await?
        .map(|p| p.buyer_user_id)
        .ok_or_else(|| ApiError::not_found("payment"))
}
