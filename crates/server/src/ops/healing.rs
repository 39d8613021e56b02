//! The payments' repairs as operations, one payment at a time (the loops are in `jobs`): renewing an
//! authorization that nears expiry, and settling an attempt whose answer was never recorded (a crash,
//! an unreachable issuer).

use domain::checkout::PaymentStatus;
use domain::payments::AttemptStatus;
use issuer::Authorization;
use store::{AttemptRecord, PaymentRecord, WriteTx};

use crate::error::ApiError;
use crate::ops::shop::{cancel_in, fail_attempt, issuer_merchant};
use crate::payment_method::{authorize_card, resolve_card, AuthorizeOutcome, AuthorizeSpec, PaymentMethodBody};
use crate::secrets::random_id;
use crate::AppState;

/// Authorizations that expire within this margin are renewed before they lapse.
pub const REAUTH_MARGIN_S: i64 = 6 * 3600;

/// Renews one card authorization about to expire on an order not yet shipped: a new authorization on
/// the saved card, then the old one is voided. Without a saved card, or if the bank refuses, the order
/// is cancelled (holds released, the buyer told why) — never shipped on a lapsed authorization.
pub(crate) async fn reauthorize(state: &AppState, p: PaymentRecord) {
    if p.card_amount == 0 {
        return;
    }
    let claim = format!("reauth:{}", random_id("re"));
    let (pid, c) = (p.id.clone(), claim.clone());
    let claimed = state.store.write(move |tx| claim_renewal(tx, &pid, c)).await;
    let Ok(Some((remaining, mid))) = claimed else { return };
    let merchant_country = state
        .store
        .read(move |tx| tx.merchant(&mid))
        .await
        .ok()
        .flatten()
        .map(|m| m.country)
        .unwrap_or_else(|| "US".into());
    let attempt_id = random_id("att");
    let renewed = authorize_again(state, &p, remaining, &merchant_country, &attempt_id).await;
    end_old_authorization(state, &p, remaining).await;
    let now = state.clock.now();
    let outcome = state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            let Some(mut payment) = tx.payment(&p.id)? else { return Ok(()) };
            if payment.attempt_in_progress.as_deref() != Some(claim.as_str()) {
                return Ok(());
            }
            match renewed {
                Some(a) => record_renewal(tx, &mut payment, &claim, &a, attempt_id, now),
                None => cancel_unrenewed(tx, &mut payment, &claim, now),
            }
        })
        .await;
    if let Err(e) = outcome {
        tracing::warn!(code = e.code, "renewing an authorization failed; retrying on the next tick");
    }
}

/// The renewal's first command: the payment is claimed, and for a checkout every part still to
/// capture with it (so no seller captures on the old authorization meanwhile). What the new
/// authorization must cover and the seller the issuer sees; none when there is nothing to renew.
fn claim_renewal(tx: &mut WriteTx<'_>, pid: &str, c: String) -> Result<Option<(i64, String)>, ApiError> {
    let Some(mut p) = tx.payment(pid)? else { return Ok(None) };
    if p.attempt_in_progress.is_some() || p.status != PaymentStatus::RequiresCapture {
        return Ok(None);
    }
    let remaining = match p.paying_checkout().map(str::to_owned) {
        None => p.card_amount_charged(),
        Some(checkout) => {
            let open: Vec<PaymentRecord> = tx
                .checkout_parts(&checkout)?
                .into_iter()
                .filter(|part| part.status == PaymentStatus::RequiresCapture && part.card_amount > 0)
                .collect();
            if open.iter().any(|part| part.attempt_in_progress.is_some()) {
                return Ok(None);
            }
            for mut part in open.clone() {
                part.attempt_in_progress = Some(c.clone());
                tx.update_payment(&part)?;
            }
            open.iter().map(PaymentRecord::card_amount_charged).sum()
        }
    };
    if remaining == 0 {
        return Ok(None);
    }
    let merchant = issuer_merchant(tx, &p)?;
    p.attempt_in_progress = Some(c);
    tx.update_payment(&p)?;
    Ok(Some((remaining, merchant)))
}

/// A new authorization of `remaining` on the payment's saved card (in the currency the buyer paid
/// in), already verified; none without a saved card or when the bank does not approve.
async fn authorize_again(
    state: &AppState,
    p: &PaymentRecord,
    remaining: i64,
    merchant_country: &str,
    attempt_id: &str,
) -> Option<Authorization> {
    let card_id = p.card_id.as_ref()?;
    let method = PaymentMethodBody { kind: "card".into(), card: Some(card_id.clone()), new_card: None, save: None };
    let card = resolve_card(state, &p.buyer_user_id, &method).await.ok()?;
    let currency = match &p.presentment {
        Some((_, c, _)) => c.clone(),
        None => p.currency.clone(),
    };
    let spec =
        AuthorizeSpec { attempt_id, amount_minor: remaining, currency: &currency, merchant_country, verified: true };
    match authorize_card(state, &card, &spec).await {
        AuthorizeOutcome::Approved(a) => Some(a),
        _ => None,
    }
}

/// The old authorization ends at the issuer (voided; for a checkout, only what is left is released).
/// A failure is logged: the old authorization then lapses on its own.
async fn end_old_authorization(state: &AppState, p: &PaymentRecord, remaining: i64) {
    let Some(old) = &p.authorization_id else { return };
    let ended = if p.paying_checkout().is_some() {
        // A checkout's authorization may already have paid shipped orders: only what is left goes.
        state.issuer.release_part(old, remaining, &format!("{}:release:{}", p.id, old)).await.map(|_| ())
    } else {
        state.issuer.void(old, &format!("{}:void:{}", p.id, old)).await.map(|_| ())
    };
    if let Err(e) = ended {
        tracing::warn!(error = %e, payment = %p.id, "voiding the old authorization failed; it will lapse");
    }
}

/// The renewal is recorded: a `reauthorized` attempt, and the new authorization on the payment and
/// on each part it claimed, the claim ended.
fn record_renewal(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    claim: &str,
    a: &Authorization,
    attempt_id: String,
    now: i64,
) -> Result<(), ApiError> {
    tx.insert_attempt(&AttemptRecord {
        id: attempt_id,
        payment_id: payment.id.clone(),
        status: AttemptStatus::Reauthorized,
        pocket_amount: 0,
        card_amount: payment.card_amount,
        card_id: payment.card_id.clone(),
        card_brand: payment.card_brand.clone(),
        card_last4: payment.card_last4.clone(),
        authorization_id: Some(a.id.clone()),
        error_code: None,
        decline_code: None,
        created_at: now,
    })?;
    payment.authorization_id = Some(a.id.clone());
    payment.authorization_expires_at = Some(a.expires_at);
    payment.attempt_in_progress = None;
    payment.updated_at = now;
    tx.update_payment(payment)?;
    for mut part in claimed_parts(tx, payment, claim)? {
        part.authorization_id = Some(a.id.clone());
        part.authorization_expires_at = Some(a.expires_at);
        part.attempt_in_progress = None;
        part.updated_at = now;
        tx.update_payment(&part)?;
    }
    Ok(())
}

/// No renewal: the claim ends and each order it covered is cancelled (holds released, the buyer
/// told why).
fn cancel_unrenewed(tx: &mut WriteTx<'_>, payment: &mut PaymentRecord, claim: &str, now: i64) -> Result<(), ApiError> {
    let orders: Vec<String> = match &payment.order_id {
        Some(order_id) => vec![order_id.clone()],
        None => {
            payment.attempt_in_progress = None;
            tx.update_payment(payment)?;
            let mut orders = Vec::new();
            for mut part in claimed_parts(tx, payment, claim)? {
                part.attempt_in_progress = None;
                tx.update_payment(&part)?;
                orders.push(part.order().to_owned());
            }
            orders
        }
    };
    for order_id in orders {
        cancel_in(
            tx,
            &order_id,
            Some("the card authorization expired before shipping and could not be renewed".into()),
            crate::msg!("message-canceled-order-again"),
            now,
        )?;
    }
    Ok(())
}

/// The parts of a checkout's payment that a renewal claimed.
fn claimed_parts(tx: &mut WriteTx<'_>, payment: &PaymentRecord, claim: &str) -> Result<Vec<PaymentRecord>, ApiError> {
    let Some(checkout) = payment.paying_checkout() else { return Ok(vec![]) };
    Ok(tx.checkout_parts(checkout)?.into_iter().filter(|p| p.attempt_in_progress.as_deref() == Some(claim)).collect())
}

/// An attempt open this long is settled by the healer.
pub const ATTEMPT_HEAL_AFTER_S: i64 = 60;

/// Settles one payment attempt left open by a crash or an outage. A capture or cancel that never
/// finished is simply released (retrying it is safe: the issuer's keys make it idempotent). An
/// authorization attempt is looked up at the issuer: an authorization found is voided (the buyer was
/// told the payment failed), one never seen is blocked there; the attempt fails and the Pocket hold
/// is released. The order stays payable.
pub(crate) async fn heal_payment(state: &AppState, p: PaymentRecord) {
    let Some(claim) = p.attempt_in_progress.clone() else { return };
    if p.status == PaymentStatus::RequiresAction {
        // Waiting for the buyer's code, not for the issuer.
        return;
    }
    let now = state.clock.now();
    if ["capture:", "cancel:", "refund:", "reauth:"].iter().any(|p| claim.starts_with(p)) {
        touch_claim(state, &p.id, &claim, true).await;
        return;
    }
    let found = match state.issuer.lookup_or_block(&claim).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, payment = %p.id, "the issuer is still unreachable; the attempt stays open");
            touch_claim(state, &p.id, &claim, false).await;
            return;
        }
    };
    let mut authorization_id = None;
    if let Some(a) = found {
        authorization_id = Some(a.id.clone());
        if a.status == issuer::AuthorizationStatus::Authorized {
            if let Err(e) = state.issuer.void(&a.id, &format!("{claim}:void")).await {
                tracing::warn!(error = %e, payment = %p.id, "voiding a stale authorization failed; retrying later");
                touch_claim(state, &p.id, &claim, false).await;
                return;
            }
        }
    }
    let pid = p.id.clone();
    let settled = state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            let Some(mut p) = tx.payment(&pid)? else { return Ok(()) };
            if p.attempt_in_progress.as_deref() != Some(claim.as_str()) {
                return Ok(());
            }
            let error = crate::payment_method::processing_error();
            fail_attempt(tx, &mut p, &claim, &error, "processing_error", authorization_id.as_deref(), now)
        })
        .await;
    if let Err(e) = settled {
        tracing::warn!(code = e.code, "settling a stale payment attempt failed; retrying later");
    }
}

/// For a payment still held by `claim`: `release` ends a stale capture, cancel, refund or renewal
/// claim (retrying those is safe: the issuer's keys make them idempotent); otherwise the attempt the
/// healer could not settle now goes behind the others (tried again after [`ATTEMPT_HEAL_AFTER_S`]), so
/// that a few unreachable ones never keep the rest waiting.
async fn touch_claim(state: &AppState, payment_id: &str, claim: &str, release: bool) {
    let (pid, claim) = (payment_id.to_owned(), claim.to_owned());
    let now = state.clock.now();
    let touched = state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            if let Some(mut p) = tx.payment(&pid)? {
                if p.attempt_in_progress.as_deref() == Some(claim.as_str()) {
                    if release {
                        p.attempt_in_progress = None;
                    }
                    p.updated_at = now;
                    tx.update_payment(&p)?;
                }
            }
            Ok(())
        })
        .await;
    if let Err(e) = touched {
        tracing::warn!(code = e.code, release, "touching a stale payment claim failed; retrying later");
    }
}
