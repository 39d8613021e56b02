//! Paying's steps after the claim: holding the Pocket part (for a checkout, each order's part its
//! share), authorizing the card part at the issuer outside any transaction with the attempt id as its
//! key, and recording the outcome (paid, failed, or a code demanded); a one-time-code challenge, an
//! abandoned waiting attempt, a retried key resumed, and the cards and splits waiting in memory for a
//! code. The first step (the claim, the limits and risk rules) is `ops::paying_start`.

use axum::response::{IntoResponse, Response};
use domain::checkout::{one_time_code_from_random, CodeChallenge, PaymentStatus, Split, StepUpReason, CODE_TTL_S};
use domain::money::Currency;
use domain::payments::AttemptStatus;
use domain::verification::ReviewStatus;
use issuer::Authorization;
use store::{ChallengeRecord, OrderRecord, PaymentRecord, WriteTx};

use crate::error::{lifecycle_bug, ApiError, ApiResponse};
use crate::idempotency::IdempotencyContext;
use crate::ops::shop::{fail_attempt, open_parts, release_holds};
use crate::payment_method::{authorize_card, AuthorizeOutcome, AuthorizeSpec, ChargeableCard, PaymentMethodBody};
use crate::pocket::{self, HoldSpec};
use crate::views::shop::payment_view;
use crate::{AppState, CommandContext};

/// A card and split waiting for the buyer's one-time code (kept in memory only: a security code is
/// never stored; after a restart the buyer enters a new card again).
#[derive(Clone)]
pub struct PendingPayment {
    pub card: Option<ChargeableCard>,
    /// The card as typed at checkout (none for a saved card): kept sealed for other processes if the
    /// bank demands a code.
    pub typed_method: Option<PaymentMethodBody>,
    pub split: Split,
    pub merchant_country: String,
    pub expires_at: i64,
}

/// Pending payments kept in memory at most (older ones are dropped first).
pub const PENDING_PAYMENTS_MAX: usize = 100_000;

pub(crate) fn remember_pending(state: &AppState, payment_id: &str, pending: PendingPayment, now: i64) {
    if let Ok(mut map) = state.pending_payments.lock() {
        map.retain(|_, p| p.expires_at > now);
        if map.len() >= PENDING_PAYMENTS_MAX {
            return;
        }
        map.insert(payment_id.to_owned(), pending);
    }
}

pub(crate) fn take_pending(state: &AppState, payment_id: &str) -> Option<PendingPayment> {
    state.pending_payments.lock().ok().and_then(|mut map| map.remove(payment_id))
}

pub(crate) fn not_payable(message: impl Into<crate::error::Text>) -> ApiError {
    ApiError::conflict("order_not_payable", message)
}

/// Steps 2 and 3 of paying, for a claimed attempt: hold the Pocket part, authorize the card part at
/// the issuer (outside any transaction), and record the outcome. An issuer that demands a code turns
/// the attempt into a challenge instead of a failure.
pub(crate) async fn authorize_attempt(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    payment_id: &str,
    attempt_id: &str,
    pending: PendingPayment,
    verified: bool,
    pocket_held: bool,
) -> Response {
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let (pid, aid) = (payment_id.to_owned(), attempt_id.to_owned());
    let split = pending.split;
    // Hold the Pocket part (and finish at once when the Pocket pays everything), unless the command
    // that claimed the attempt already did.
    let held = if pocket_held {
        Ok(None)
    } else {
        state.store.write(move |tx| hold_pocket_part(tx, &pid, &aid, split, now, &request_id)).await
    };
    match held {
        Ok(Some(answer)) => return record_answer(state, idem, answer).await,
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let Some(card) = pending.card.clone() else { return ApiError::internal().into_response() };
    let Some((card_amount, currency)) = card_charge(state, payment_id, split).await else {
        return ApiError::internal().into_response();
    };
    let spec = AuthorizeSpec {
        attempt_id,
        amount_minor: card_amount,
        currency: &currency,
        merchant_country: &pending.merchant_country,
        verified,
    };
    let outcome = authorize_card(state, &card, &spec).await;
    state.failpoint("pay.authorized");
    let demanded = matches!(&outcome, AuthorizeOutcome::Failed { error, .. } if error.code == "authentication_required")
        && !verified;
    let outcome_label = match &outcome {
        AuthorizeOutcome::Approved(_) => "authorized",
        AuthorizeOutcome::Failed { .. } if demanded => "requires_action",
        AuthorizeOutcome::Failed { .. } => "declined",
        AuthorizeOutcome::Unknown(_) => "unknown",
    };
    if let Some(m) = &state.metrics {
        m.payment_attempt("card", outcome_label);
    }
    let authorized = Authorized {
        payment_id: payment_id.to_owned(),
        attempt_id: attempt_id.to_owned(),
        outcome,
        demanded,
        secret: state.secret.clone(),
        to_save: card.to_save.clone(),
        typed_fingerprint: card.saved.is_none().then(|| card.fingerprint.clone()),
    };
    let response = state.execute(idem, move |tx, ctx| record_outcome(tx, ctx, authorized)).await;
    if demanded {
        // A card typed at checkout waits for the code sealed, for whichever process verifies it.
        if let Some(method) = &pending.typed_method {
            crate::payment_method::keep_checkout_card(state, payment_id, method, now + CODE_TTL_S).await;
        }
        remember_pending(state, payment_id, pending, now);
    }
    response
}

/// What the card part costs at the issuer: the amount in the buyer's currency when they paid in it,
/// else the card part in the payment's currency. None when the payment cannot be read.
async fn card_charge(state: &AppState, payment_id: &str, split: Split) -> Option<(i64, String)> {
    let pid = payment_id.to_owned();
    let payment = state.store.read(move |tx| tx.payment(&pid)).await.ok()??;
    Some(match payment.presentment {
        Some((amount, currency, _)) => (amount, currency),
        None => (split.card_minor, payment.currency),
    })
}

/// The issuer's answer for an attempt, with what recording it needs.
struct Authorized {
    payment_id: String,
    attempt_id: String,
    outcome: AuthorizeOutcome,
    /// The issuer demands a code the buyer has not yet given.
    demanded: bool,
    secret: crate::ServerSecret,
    /// The card to save for the buyer once approved (asked for at checkout).
    to_save: Option<store::CardRecord>,
    /// A card typed at checkout: its fingerprint, kept with the payment once approved.
    typed_fingerprint: Option<String>,
}

/// Step 3 of paying: the issuer's answer recorded, unless the attempt was settled meanwhile (by the
/// healer). Approved, the payment is paid; a code demanded turns into a challenge; declined, the
/// attempt fails; unknown, the attempt stays open for the healer.
fn record_outcome(tx: &mut WriteTx<'_>, ctx: &CommandContext, a: Authorized) -> Result<ApiResponse, ApiError> {
    let (pid, aid) = (a.payment_id.as_str(), a.attempt_id.as_str());
    let mut payment = tx.payment(pid)?.ok_or_else(ApiError::internal)?;
    if payment.attempt_in_progress.as_deref() != Some(aid) {
        // Settled meanwhile (by the healer): show it as it is.
        return Ok(ApiResponse::ok(payment_view(&tx.reads(), pid)?));
    }
    payment.attempt_in_progress = None;
    payment.updated_at = ctx.now;
    match a.outcome {
        AuthorizeOutcome::Approved(authorization) => {
            approved(tx, &mut payment, aid, &authorization, a.typed_fingerprint.as_deref(), ctx.now)?;
            if let Some(c) = a.to_save {
                save_card(tx, c, &authorization)?;
            }
            Ok(ApiResponse::ok(payment_view(&tx.reads(), pid)?))
        }
        AuthorizeOutcome::Failed { .. } if a.demanded => {
            // The bank wants a code: release the hold, send a code, and try again once it is confirmed.
            release_holds(tx, &mut payment, ctx.now)?;
            start_challenge(tx, &a.secret, &mut payment, aid, &[StepUpReason::IssuerDemand], None, ctx.now)?;
            Ok(ApiResponse::ok(payment_view(&tx.reads(), pid)?))
        }
        AuthorizeOutcome::Failed { error, failure_code, authorization_id } => {
            fail_attempt(tx, &mut payment, aid, &error, &failure_code, authorization_id.as_deref(), ctx.now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            Ok(ctx.error_response(error.with_object("payment", shown)))
        }
        AuthorizeOutcome::Unknown(error) => {
            // Leave the attempt open for the healer; the Pocket hold stays until it settles.
            payment.attempt_in_progress = Some(a.attempt_id.clone());
            tx.update_payment(&payment)?;
            let shown = payment_view(&tx.reads(), pid)?;
            Ok(ctx.error_response(error.with_object("payment", shown)))
        }
    }
}

/// The card part was authorized: the payment is authorized (its last error cleared), the attempt
/// succeeds, a typed card's fingerprint is kept with the payment, and the order (or checkout) is paid.
fn approved(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    aid: &str,
    a: &Authorization,
    typed_fingerprint: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    payment.status = payment.status.authorize().map_err(lifecycle_bug)?;
    payment.authorization_id = Some(a.id.clone());
    payment.authorization_expires_at = Some(a.expires_at);
    payment.last_error_code = None;
    payment.last_decline_code = None;
    payment.last_error_message = None;
    tx.update_payment(payment)?;
    tx.finish_attempt(aid, AttemptStatus::Succeeded, Some(&a.id), None, None)?;
    if let Some(fingerprint) = typed_fingerprint {
        tx.record_payment_card_fingerprint(&payment.id, fingerprint)?;
    }
    paid(tx, payment, Some((a.id.as_str(), a.expires_at)), now)
}

/// Saves the card the buyer asked to keep, with what the issuer told of it (funding, country,
/// checks); the buyer's first card becomes their default. A card already saved is left as it is.
fn save_card(tx: &mut WriteTx<'_>, mut c: store::CardRecord, a: &Authorization) -> Result<(), ApiError> {
    c.funding = a.facts.funding.clone();
    c.country = a.facts.country.clone();
    c.cvc_check = a.checks.cvc.name().into();
    c.line1_check = a.checks.address_line1.name().into();
    c.postal_check = a.checks.postal_code.name().into();
    if tx.card_by_fingerprint(&c.user_id, &c.fingerprint)?.is_none() {
        let first = tx.card_count(&c.user_id)? == 0;
        tx.insert_card(&c)?;
        if first {
            tx.set_default_card(&c.user_id, Some(&c.id))?;
        }
    }
    Ok(())
}

/// Step 2 of paying: holds the Pocket part of a claimed attempt. Answers at once when the hold fails
/// (the attempt fails, nothing held) or when the Pocket pays everything (the payment is authorized).
pub(crate) fn hold_pocket_part(
    tx: &mut WriteTx<'_>,
    pid: &str,
    aid: &str,
    split: Split,
    now: i64,
    request_id: &str,
) -> Result<Option<ApiResponse>, ApiError> {
    let mut payment = tx.payment(pid)?.ok_or_else(ApiError::internal)?;
    if payment.attempt_in_progress.as_deref() != Some(aid) {
        return Err(not_payable(crate::msg!("err-pay-attempt-closed")));
    }
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    if payment.paying_checkout().is_some() {
        // A checkout: each order's part holds its share.
        if let Err(e) = hold_parts(tx, &payment, aid, split, now)? {
            let code = e.code;
            fail_attempt(tx, &mut payment, aid, &e, code, None, now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            return Ok(Some(ApiResponse { status: e.status, body: e.with_object("payment", shown).body(request_id) }));
        }
    } else if split.pocket_minor > 0 {
        let order = tx.order(payment.order())?.ok_or_else(ApiError::internal)?;
        let destination = crate::pocket::seller_payable(tx, &order.merchant_id, currency, now)?;
        let held = tx.savepoint(|tx| {
            pocket::hold(
                tx,
                &HoldSpec {
                    hold_id: aid,
                    user_id: &order.buyer_user_id,
                    amount: split.pocket_minor,
                    currency,
                    destination,
                    timeout_at: None,
                    reference: &order.number,
                },
                now,
            )
        });
        if let Err(e) = held {
            let code = e.code;
            fail_attempt(tx, &mut payment, aid, &e, code, None, now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            return Ok(Some(ApiResponse { status: e.status, body: e.with_object("payment", shown).body(request_id) }));
        }
        payment.hold_id = Some(aid.to_owned());
    }
    payment.status = payment.status.begin_attempt().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    if split.card_minor == 0 {
        payment.status = payment.status.authorize().map_err(lifecycle_bug)?;
        payment.attempt_in_progress = None;
        payment.last_error_code = None;
        payment.last_decline_code = None;
        payment.last_error_message = None;
        tx.update_payment(&payment)?;
        tx.finish_attempt(aid, AttemptStatus::Succeeded, None, None, None)?;
        paid(tx, &payment, None, now)?;
        return Ok(Some(ApiResponse::ok(payment_view(&tx.reads(), pid)?)));
    }
    tx.update_payment(&payment)?;
    Ok(None)
}

/// Step 2 for a checkout: each open order's part holds its share of the Pocket part (one hold per
/// order, all in this one command: all or none), and records its shares of the card part and of
/// the amount in the buyer's currency. Answers the refusal when the Pocket cannot hold it all.
pub(crate) fn hold_parts(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    attempt_id: &str,
    split: Split,
    now: i64,
) -> Result<Result<(), ApiError>, ApiError> {
    let open = open_parts(tx, payment)?;
    let amounts: Vec<i64> = open.iter().map(|(_, o)| o.amount).collect();
    let shares = domain::checkout::split_across_orders(split, &amounts).ok_or_else(ApiError::internal)?;
    let presentment = match &payment.presentment {
        Some((amount, currency, rate)) => {
            let cards: Vec<i64> = shares.iter().map(|s| s.card_minor).collect();
            let shared = domain::checkout::share_out(*amount, &cards).ok_or_else(ApiError::internal)?;
            shared.into_iter().map(|a| Some((a, currency.clone(), rate.clone()))).collect()
        }
        None => vec![None; open.len()],
    };
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    let held = tx.savepoint(|tx| -> Result<(), ApiError> {
        for (n, (((mut part, order), share), shown)) in open.into_iter().zip(shares).zip(presentment).enumerate() {
            part.hold_id = None;
            if share.pocket_minor > 0 {
                let hold_id = format!("{attempt_id}.{n}");
                let destination = crate::pocket::seller_payable(tx, &order.merchant_id, currency, now)?;
                pocket::hold(
                    tx,
                    &HoldSpec {
                        hold_id: &hold_id,
                        user_id: &order.buyer_user_id,
                        amount: share.pocket_minor,
                        currency,
                        destination,
                        timeout_at: None,
                        reference: &order.number,
                    },
                    now,
                )?;
                part.hold_id = Some(hold_id);
            }
            part.pocket_amount = share.pocket_minor;
            part.card_amount = share.card_minor;
            part.presentment = shown;
            part.updated_at = now;
            tx.update_payment(&part)?;
        }
        Ok(())
    });
    Ok(held)
}

/// A checkout's payment is authorized (by the card, or the Pocket alone): each open order's part is
/// authorized with it and each order is paid.
pub(crate) fn authorize_parts(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    authorization: Option<(&str, i64)>,
    now: i64,
) -> Result<(), ApiError> {
    for (mut part, order) in open_parts(tx, payment)? {
        part.status = part.status.authorize().map_err(lifecycle_bug)?;
        part.authorization_id = authorization.filter(|_| part.card_amount > 0).map(|(id, _)| id.to_owned());
        part.authorization_expires_at = authorization.filter(|_| part.card_amount > 0).map(|(_, at)| at);
        part.card_id = payment.card_id.clone();
        part.card_brand = payment.card_brand.clone().filter(|_| part.card_amount > 0);
        part.card_last4 = payment.card_last4.clone().filter(|_| part.card_amount > 0);
        part.last_error_code = None;
        part.last_decline_code = None;
        part.last_error_message = None;
        part.updated_at = now;
        tx.update_payment(&part)?;
        mark_paid(tx, &order, now)?;
    }
    Ok(())
}

/// Starts a one-time-code challenge for the payment: the code goes by SMS (or email without a phone)
/// through the outbox; only its keyed hash is stored, bound to the payment and its amount.
pub(crate) fn start_challenge(
    tx: &mut WriteTx<'_>,
    secret: &crate::ServerSecret,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    reasons: &[StepUpReason],
    channel_wanted: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    // A resend for the same attempt counts on from the codes already sent.
    let sends = match tx.challenge(&payment.id)? {
        Some(previous) if previous.attempt_id == attempt_id => previous.sends.saturating_add(1),
        _ => 1,
    };
    let user = tx.user(&payment.buyer_user_id)?.ok_or_else(ApiError::internal)?;
    let (channel, recipient) = match (channel_wanted, &user.phone) {
        (Some("email"), _) | (_, None) => ("email", user.email.clone()),
        (_, Some(phone)) => ("sms", phone.clone()),
    };
    let code = one_time_code_from_random(crate::secrets::random_u64());
    let code_hash = secret.keyed_hash("payment-code", format!("{}:{code}", payment.id).as_bytes());
    let challenge = CodeChallenge::new(code_hash, payment.id.clone(), payment.amount, payment.currency.clone(), now);
    let names: Vec<&str> = reasons.iter().map(|r| r.name()).collect();
    tx.put_challenge(&ChallengeRecord {
        payment_id: payment.id.clone(),
        attempt_id: attempt_id.to_owned(),
        code_hash: challenge.code_hash.clone(),
        amount: challenge.amount_minor,
        currency: challenge.currency.clone(),
        expires_at: challenge.expires_at,
        attempts_left: challenge.attempts_left,
        sent_at: challenge.sent_at,
        channel: channel.into(),
        recipient: recipient.clone(),
        reasons: names.join(","),
        sends,
    })?;
    // In the buyer's saved language, whatever language the request came in.
    let locale = crate::i18n::locale_of(user.locale.as_deref());
    let amount = crate::i18n::format::money(locale, payment.amount, &payment.currency).unwrap_or_default();
    let text = crate::tr_in!(locale, "message-payment-code-body", amount = amount, code = code.as_str());
    let subject = crate::tr_in!(locale, "message-payment-code-subject");
    tx.enqueue_message(
        &store::NewOutboxMessage { channel, recipient: &recipient, subject: &subject, body: &text, code: Some(&code) },
        now,
    )?;
    wait_for_buyer(tx, payment, attempt_id, now)
}

/// The payment's attempt waits for the buyer (a code was sent, or a document asked for): nothing is
/// held meanwhile, and the seller's systems hear `payment.requires_action`.
pub(crate) fn wait_for_buyer(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    payment.status = payment.status.await_action().map_err(lifecycle_bug)?;
    payment.attempt_in_progress = Some(attempt_id.to_owned());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    tx.finish_attempt(attempt_id, AttemptStatus::RequiresAction, None, None, None)?;
    crate::events::payment_event(tx, "payment.requires_action", &payment.id, now)
}

/// Ends an open review because the buyer paid another way.
pub(crate) fn cancel_open_review(tx: &mut WriteTx<'_>, payment_id: &str, now: i64) -> Result<(), ApiError> {
    if let Some(mut review) = tx.open_review(payment_id)? {
        let status = ReviewStatus::parse(&review.status).ok_or_else(ApiError::internal)?;
        review.status = status.close(false).map_err(|_| ApiError::internal())?.name().into();
        review.decided_at = Some(now);
        review.updated_at = now;
        tx.update_review(&review)?;
    }
    Ok(())
}

/// A payment waiting for the buyer's code or document: that attempt is abandoned (its challenge or
/// review ends) and the payment can be paid again. Nothing was held while it waited.
pub(crate) fn abandon_waiting(tx: &mut WriteTx<'_>, payment: &mut PaymentRecord, now: i64) -> Result<(), ApiError> {
    if payment.status != PaymentStatus::RequiresAction {
        return Ok(());
    }
    if let Some(waiting) = payment.attempt_in_progress.take() {
        tx.finish_attempt(&waiting, AttemptStatus::Abandoned, None, None, None)?;
    }
    tx.delete_challenge(&payment.id)?;
    cancel_open_review(tx, &payment.id, now)?;
    payment.status = payment.status.fail().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    Ok(())
}

/// A payment was authorized (`authorization`: the card's id and expiry, none when the Pocket pays
/// everything): its order is paid, or for a checkout every open order's part and order.
pub(crate) fn paid(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    authorization: Option<(&str, i64)>,
    now: i64,
) -> Result<(), ApiError> {
    match &payment.order_id {
        Some(order_id) => {
            let order = tx.order(order_id)?.ok_or_else(ApiError::internal)?;
            mark_paid(tx, &order, now)
        }
        None => {
            authorize_parts(tx, payment, authorization, now)?;
            crate::events::payment_event(tx, "payment.authorized", &payment.id, now)
        }
    }
}

pub(crate) fn mark_paid(tx: &mut WriteTx<'_>, order: &OrderRecord, now: i64) -> Result<(), ApiError> {
    let mut paid = order.clone();
    paid.status = order.status.pay().map_err(|_| not_payable(crate::msg!("err-pay-order-not-awaiting")))?;
    paid.paid_at = Some(now);
    if !tx.update_order(&paid, order.status)? {
        return Err(not_payable(crate::msg!("err-pay-order-not-awaiting")));
    }
    if let Some(p) = tx.payment_by_order(&order.id)? {
        let shown = payment_view(&tx.reads(), &p.id)?;
        crate::events::emit(tx, "payment.authorized", Some(&order.merchant_id), shown, now)?;
    }
    Ok(())
}

/// A retried pay or verify whose answer was never recorded (a crash, a lost connection): the payment
/// it bound, as it stands once its attempt is settled — never a second attempt. While the attempt is
/// still open (the healer settles it within a minute or so), the retry is told to wait.
pub(crate) async fn resume_payment(state: &AppState, idem: Option<IdempotencyContext>, payment_id: &str) -> Response {
    let pid = payment_id.to_owned();
    let found = state
        .store
        .read(move |tx| {
            let Some(p) = tx.payment(&pid)? else { return Ok(None) };
            Ok(Some((p.attempt_in_progress.is_some() && p.status != PaymentStatus::RequiresAction, p)))
        })
        .await;
    let (open, payment) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return ApiError::internal().into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    if open {
        return crate::idempotency::IdempotencyContext::busy()
            .with_advice_msgs(vec![crate::msg!("err-pay-settling-advice")])
            .into_response();
    }
    let pid = payment.id.clone();
    let failed = payment.status == PaymentStatus::RequiresPaymentMethod && payment.last_error_code.is_some();
    let message = payment.last_error_message.clone();
    state
        .execute(idem, move |tx, ctx| {
            let shown = payment_view(&tx.reads(), &pid)?;
            if !failed {
                return Ok(ApiResponse::ok(shown));
            }
            let mut error = crate::payment_method::processing_error();
            if let Some(m) = message {
                error.message = m;
            }
            Ok(ctx.error_response(error.with_object("payment", shown)))
        })
        .await
}

/// Records an answer decided in an earlier command under the idempotency key.
pub(crate) async fn record_answer(state: &AppState, idem: Option<IdempotencyContext>, answer: ApiResponse) -> Response {
    state.execute(idem, move |_, _| Ok(answer)).await
}
