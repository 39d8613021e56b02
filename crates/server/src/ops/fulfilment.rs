//! Capturing and cancelling as operations, each in the three steps of every issuer call: the payment
//! claimed (`capture:` / `cancel:`), the issuer called outside any transaction with a key made of the
//! payment id, and the outcome booked — the capture (the Pocket hold posted, the card part moved from
//! card clearing, through the FX accounts when the buyer paid in their own currency, to the seller's
//! payable) or the cancel (holds released, stock returned, the buyer told).

use axum::response::Response;
use domain::checkout::PaymentStatus;
use domain::money::Currency;
use domain::payments::AttemptStatus;
use store::{PaymentRecord, WriteTx};

use crate::error::{lifecycle_bug, ApiError, ApiResponse};
use crate::idempotency::IdempotencyContext;
use crate::ops::paying::abandon_waiting;
use crate::ops::shop::{cancel_in, notify_buyer, order_error, settle_checkout_payment};
use crate::pocket::{self, codes, platform_account, post};
use crate::secrets::random_id;
use crate::views::shop::order_view;
use crate::AppState;

/// Ships an order whose status allows it: claims its payment, captures the card part at the issuer
/// (the key makes a retry safe), then books the capture and marks the order shipped.
pub(crate) async fn ship(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    order_id: String,
    merchant_id: String,
    carrier: String,
    tracking: String,
) -> Result<Response, ApiError> {
    // Step 1: claim the payment for the capture.
    let oid = order_id;
    let claim = format!("capture:{}", random_id("cap"));
    let claim_id = claim.clone();
    let payment = state.store.write(move |tx| claim_capture(tx, &oid, claim_id)).await?;
    state.failpoint("capture.claimed");
    // Step 2: capture the card part at the issuer (the key makes a retry safe).
    let capture_error = capture_at_issuer(state, &payment).await;
    state.failpoint("capture.captured");
    // Step 3: book it.
    let fee_bps = state.config.platform_fee_bps;
    Ok(state
        .execute(idem, move |tx, ctx| {
            let mut p = tx.payment(&payment.id)?.ok_or_else(ApiError::internal)?;
            p.attempt_in_progress = None;
            if let Some(e) = capture_error {
                p.updated_at = ctx.now;
                tx.update_payment(&p)?;
                let error = match e {
                    issuer::IssuerError::AuthorizationExpired => {
                        ApiError::conflict("authorization_expired", crate::msg!("err-order-authorization-expired"))
                    }
                    _ => ApiError::payment(&domain::declines::PaymentFailure::ProcessingError),
                };
                return Ok(ctx.error_response(error));
            }
            let shipped = Shipped { merchant_id, carrier, tracking, fee_bps };
            book_shipment(tx, &payment, p, shipped, ctx.now).map(ApiResponse::ok)
        })
        .await)
}

/// Step 1 of shipping: the order's payment is claimed for the capture (`payment_busy` while another
/// claim holds it).
fn claim_capture(tx: &mut WriteTx<'_>, order_id: &str, claim: String) -> Result<PaymentRecord, ApiError> {
    let mut p = tx
        .payment_by_order(order_id)?
        .ok_or_else(|| ApiError::conflict("order_not_paid", crate::msg!("err-order-no-payment")))?;
    if p.attempt_in_progress.is_some() {
        return Err(ApiError::conflict("payment_busy", crate::msg!("err-order-payment-busy")));
    }
    p.attempt_in_progress = Some(claim);
    tx.update_payment(&p)?;
    Ok(p)
}

/// Step 2 of shipping: the card part captured at the issuer (an order of a checkout captures its part
/// of the one authorization). The issuer's refusal, if any (logged).
async fn capture_at_issuer(state: &AppState, payment: &PaymentRecord) -> Option<issuer::IssuerError> {
    let capture_amount = payment.card_amount_charged();
    let (Some(auth_id), true) = (&payment.authorization_id, payment.card_amount > 0) else { return None };
    let key = format!("{}:capture", payment.id);
    // An order of a checkout captures its part of the one authorization; the rest stays for the others.
    let captured = if payment.is_part() {
        state.issuer.capture_part(auth_id, capture_amount, &key).await
    } else {
        state.issuer.capture(auth_id, capture_amount, &key).await
    };
    if let Err(e) = captured {
        tracing::warn!(error = %e, payment = %payment.id, "capture at the issuer failed");
        return Some(e);
    }
    None
}

/// What shipping records beside the capture.
struct Shipped {
    merchant_id: String,
    carrier: String,
    tracking: String,
    fee_bps: i64,
}

/// Step 3 of shipping, once the issuer captured: the Pocket hold and the card part posted to the
/// seller's payable, the payment captured and booked, the order shipped, the events emitted and the
/// buyer told. The order as shown (with its payment).
fn book_shipment(
    tx: &mut WriteTx<'_>,
    claimed: &PaymentRecord,
    mut p: PaymentRecord,
    shipped: Shipped,
    now: i64,
) -> Result<serde_json::Value, ApiError> {
    let mut order = tx.order(claimed.order())?.ok_or_else(ApiError::internal)?;
    let currency = Currency::parse(&p.currency).map_err(|_| ApiError::internal())?;
    if let Some(hold_id) = &p.hold_id {
        pocket::capture(tx, hold_id, p.pocket_amount, now)?;
    }
    if p.card_amount > 0 {
        post_card_capture(tx, &p, &shipped.merchant_id, currency, now)?;
    }
    p.status = p.status.capture().map_err(lifecycle_bug)?;
    p.amount_captured = p.amount;
    p.updated_at = now;
    tx.update_payment(&p)?;
    crate::balance::book_capture(tx, &order, &p, shipped.fee_bps, now)?;
    settle_checkout_payment(tx, &p, now)?;
    let before = order.status;
    order.status = before.ship().map_err(order_error)?;
    order.carrier = Some(shipped.carrier);
    order.tracking_number = Some(shipped.tracking);
    order.shipped_at = Some(now);
    if !tx.update_order(&order, before)? {
        return Err(ApiError::conflict("order_already_shipped", crate::msg!("err-order-already-shipped")));
    }
    // One view of the order (with its payment) serves both events and the answer.
    let shown = order_view(&tx.reads(), &order.id)?;
    crate::events::emit(tx, "payment.captured", Some(&order.merchant_id), shown["payment"].clone(), now)?;
    crate::events::emit(tx, "order.shipped", Some(&order.merchant_id), shown.clone(), now)?;
    notify_buyer(
        tx,
        &order,
        crate::msg!("message-shipped-subject"),
        &[crate::msg!("message-shipped-body", order = order.number.clone())],
        now,
    )?;
    Ok(shown)
}

/// The captured card part moves from card clearing to the seller's payable — through the platform's
/// FX accounts when the buyer paid in their own currency.
fn post_card_capture(
    tx: &mut WriteTx<'_>,
    p: &PaymentRecord,
    merchant_id: &str,
    currency: Currency,
    now: i64,
) -> Result<(), ApiError> {
    let payable = crate::pocket::seller_payable(tx, merchant_id, currency, now)?;
    match &p.presentment {
        None => {
            let clearing = platform_account(tx, "card_clearing", currency, now)?;
            post(tx, clearing, payable, p.card_amount, currency, codes::CARD_CAPTURE, now)?;
        }
        Some((amount, buyer_currency, _)) => {
            // The card network owes the buyer's currency; the seller is owed the order's: the
            // platform's FX accounts take the difference (balanced per currency).
            let buyer_currency = Currency::parse(buyer_currency).map_err(|_| ApiError::internal())?;
            let clearing = platform_account(tx, "card_clearing", buyer_currency, now)?;
            let fx_in = platform_account(tx, "fx", buyer_currency, now)?;
            post(tx, clearing, fx_in, *amount, buyer_currency, codes::CARD_CAPTURE, now)?;
            let fx_out = platform_account(tx, "fx", currency, now)?;
            post(tx, fx_out, payable, p.card_amount, currency, codes::CARD_CAPTURE, now)?;
        }
    }
    Ok(())
}

/// Cancels an order whose status allows it: claims its payment (if any) so that nothing captures
/// meanwhile, voids the card authorization at the issuer, then releases holds, cancels and returns
/// the stock.
pub(crate) async fn cancel(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    order_id: String,
    reason: Option<String>,
) -> Result<Response, ApiError> {
    // Step 1: claim the payment (if any) so that nothing captures meanwhile.
    let oid = order_id.clone();
    let now = state.clock.now();
    let payment = state
        .store
        .write(move |tx| -> Result<Option<PaymentRecord>, ApiError> {
            let Some(mut p) = tx.payment_by_order(&oid)? else { return Ok(None) };
            if p.is_part() {
                // One order of a checkout: the checkout's payment may be waiting for the buyer's code
                // for every order, this one included; that attempt is abandoned (the buyer pays the
                // rest again), as for an order of its own.
                abandon_checkout_attempt(tx, &p, now)?;
            }
            if p.status == PaymentStatus::RequiresAction {
                // Waiting for the buyer's code, nothing authorized yet: the attempt is abandoned.
                if let Some(waiting) = p.attempt_in_progress.take() {
                    tx.finish_attempt(&waiting, AttemptStatus::Abandoned, None, None, None)?;
                }
                tx.delete_challenge(&p.id)?;
            }
            if p.attempt_in_progress.is_some() {
                return Err(ApiError::conflict("payment_busy", crate::msg!("err-order-payment-busy")));
            }
            p.attempt_in_progress = Some(format!("cancel:{}", p.id));
            tx.update_payment(&p)?;
            Ok(Some(p))
        })
        .await?;
    state.failpoint("cancel.claimed");
    // Step 2: void the card authorization at the issuer.
    if let Some(p) = &payment {
        if let (Some(auth_id), PaymentStatus::RequiresCapture) = (&p.authorization_id, p.status) {
            let voided = if p.is_part() {
                // Only this order's part of the checkout's authorization is released.
                state
                    .issuer
                    .release_part(auth_id, p.card_amount_charged(), &format!("{}:release", p.id))
                    .await
                    .map(|_| ())
            } else {
                state.issuer.void(auth_id, &format!("{}:void", p.id)).await.map(|_| ())
            };
            if let Err(e) = voided {
                // An authorization that cannot be voided now still expires at the bank; the buyer is never charged.
                tracing::warn!(error = %e, payment = %p.id, "voiding at the issuer failed; the authorization will lapse");
            }
        }
    }
    state.failpoint("cancel.voided");
    // Step 3: release holds, cancel, return stock.
    Ok(state
        .execute(idem, move |tx, ctx| {
            cancel_in(tx, &order_id, reason, crate::msg!("message-canceled-not-charged"), ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &order_id)?))
        })
        .await)
}

/// Before one order of a checkout is cancelled: a checkout payment's attempt waiting for the buyer's
/// code (or a document) for every order is abandoned; one being authorized right now makes the
/// cancel wait.
fn abandon_checkout_attempt(tx: &mut WriteTx<'_>, part: &PaymentRecord, now: i64) -> Result<(), ApiError> {
    let Some(checkout) = &part.checkout_id else { return Ok(()) };
    let Some(mut payment) =
        tx.checkout(checkout)?.and_then(|c| c.payment_id).map(|p| tx.payment(&p)).transpose()?.flatten()
    else {
        return Ok(());
    };
    if payment.status == PaymentStatus::RequiresAction {
        abandon_waiting(tx, &mut payment, now)?;
        tx.update_payment(&payment)?;
    } else if payment.attempt_in_progress.is_some() {
        return Err(ApiError::conflict("payment_busy", crate::msg!("err-order-payment-busy")));
    }
    Ok(())
}
