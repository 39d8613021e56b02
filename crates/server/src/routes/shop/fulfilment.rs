//! After paying: shipping captures, delivery starts the claim window, the buyer confirms receipt, and
//! cancelling before shipping voids the authorization and releases the Pocket holds.

use super::*;

/// The API's answer to a step an order's status does not allow: the domain's code, and its `Display`
/// sentence from the catalogue.
fn order_error(e: domain::checkout::OrderError) -> ApiError {
    use domain::checkout::OrderError;
    let message = match e {
        OrderError::OrderNotPayable => crate::msg!("err-order-not-payable"),
        OrderError::OrderNotPaid => crate::msg!("err-order-not-paid"),
        OrderError::OrderAlreadyShipped => crate::msg!("err-order-already-shipped"),
        OrderError::OrderNotShipped => crate::msg!("err-order-not-shipped"),
        OrderError::OrderAlreadyDelivered => crate::msg!("err-order-already-delivered"),
        OrderError::OrderAlreadyCompleted => crate::msg!("err-order-already-completed"),
        OrderError::OrderCanceled => crate::msg!("err-order-canceled"),
        OrderError::OrderNotCancelable => crate::msg!("err-order-not-cancelable"),
    };
    ApiError::conflict(e.code(), message)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ShipBody {
    carrier: String,
    tracking_number: String,
}

pub(super) async fn ship_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShipBody>,
) -> Result<Response, ApiError> {
    let merchant = caller.clone().merchant()?;
    let order = load_order(&state, &caller, &id).await?;
    let carrier = text("carrier", &body.carrier, 50)?;
    let tracking = text("tracking_number", &body.tracking_number, 100)?;
    let status = order.status;
    status.ship().map_err(order_error)?;
    // Step 1: claim the payment for the capture.
    let oid = order.id.clone();
    let claim = format!("capture:{}", random_id("cap"));
    let claim_id = claim.clone();
    let payment = state
        .store
        .write(move |tx| -> Result<PaymentRecord, ApiError> {
            let mut p = tx
                .payment_by_order(&oid)?
                .ok_or_else(|| ApiError::conflict("order_not_paid", crate::msg!("err-order-no-payment")))?;
            if p.attempt_in_progress.is_some() {
                return Err(ApiError::conflict("payment_busy", crate::msg!("err-order-payment-busy")));
            }
            p.attempt_in_progress = Some(claim_id);
            tx.update_payment(&p)?;
            Ok(p)
        })
        .await?;
    state.failpoint("capture.claimed");
    // Step 2: capture the card part at the issuer (the key makes a retry safe).
    let mut capture_error = None;
    let capture_amount = payment.card_amount_charged();
    if let (Some(auth_id), true) = (&payment.authorization_id, payment.card_amount > 0) {
        let key = format!("{}:capture", payment.id);
        // An order of a checkout captures its part of the one authorization; the rest stays for the others.
        let captured = if payment.is_part() {
            state.issuer.capture_part(auth_id, capture_amount, &key).await
        } else {
            state.issuer.capture(auth_id, capture_amount, &key).await
        };
        if let Err(e) = captured {
            tracing::warn!(error = %e, payment = %payment.id, "capture at the issuer failed");
            capture_error = Some(e);
        }
    }
    state.failpoint("capture.captured");
    // Step 3: book it.
    let merchant_id = merchant.id.clone();
    let fee_bps = state.config.platform_fee_bps;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
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
            let mut order = tx.order(payment.order())?.ok_or_else(ApiError::internal)?;
            let currency = Currency::parse(&p.currency).map_err(|_| ApiError::internal())?;
            if let Some(hold_id) = &p.hold_id {
                pocket::capture(tx, hold_id, p.pocket_amount, ctx.now)?;
            }
            if p.card_amount > 0 {
                let payable = crate::pocket::seller_payable(tx, &merchant_id, currency, ctx.now)?;
                match &p.presentment {
                    None => {
                        let clearing = platform_account(tx, "card_clearing", currency, ctx.now)?;
                        post(tx, clearing, payable, p.card_amount, currency, codes::CARD_CAPTURE, ctx.now)?;
                    }
                    Some((amount, buyer_currency, _)) => {
                        // The card network owes the buyer's currency; the seller is owed the order's: the
                        // platform's FX accounts take the difference (balanced per currency).
                        let buyer_currency = Currency::parse(buyer_currency).map_err(|_| ApiError::internal())?;
                        let clearing = platform_account(tx, "card_clearing", buyer_currency, ctx.now)?;
                        let fx_in = platform_account(tx, "fx", buyer_currency, ctx.now)?;
                        post(tx, clearing, fx_in, *amount, buyer_currency, codes::CARD_CAPTURE, ctx.now)?;
                        let fx_out = platform_account(tx, "fx", currency, ctx.now)?;
                        post(tx, fx_out, payable, p.card_amount, currency, codes::CARD_CAPTURE, ctx.now)?;
                    }
                }
            }
            p.status = p.status.capture().map_err(lifecycle_bug)?;
            p.amount_captured = p.amount;
            p.updated_at = ctx.now;
            tx.update_payment(&p)?;
            crate::balance::book_capture(tx, &order, &p, fee_bps, ctx.now)?;
            super::checkouts::settle_checkout_payment(tx, &p, ctx.now)?;
            let before = order.status;
            order.status = before.ship().map_err(order_error)?;
            order.carrier = Some(carrier);
            order.tracking_number = Some(tracking);
            order.shipped_at = Some(ctx.now);
            if !tx.update_order(&order, before)? {
                return Err(ApiError::conflict("order_already_shipped", crate::msg!("err-order-already-shipped")));
            }
            // One view of the order (with its payment) serves both events and the answer.
            let shown = order_view(&tx.reads(), &order.id)?;
            crate::events::emit(tx, "payment.captured", Some(&order.merchant_id), shown["payment"].clone(), ctx.now)?;
            crate::events::emit(tx, "order.shipped", Some(&order.merchant_id), shown.clone(), ctx.now)?;
            notify_buyer(
                tx,
                &order,
                crate::msg!("message-shipped-subject"),
                &[crate::msg!("message-shipped-body", order = order.number.clone())],
                ctx.now,
            )?;
            Ok(ApiResponse::ok(shown))
        })
        .await)
}

/// Emails the buyer of an order (through the outbox), in the buyer's language: the subject, and the
/// body's sentences one after the other.
pub(crate) fn notify_buyer(
    tx: &mut WriteTx<'_>,
    order: &OrderRecord,
    subject: crate::i18n::Msg,
    body: &[crate::i18n::Msg],
    now: i64,
) -> Result<(), ApiError> {
    if let Some(user) = tx.user(&order.buyer_user_id)? {
        let locale = crate::i18n::locale_of(user.locale.as_deref());
        let subject = subject.text_in(locale);
        let text = body.iter().map(|m| m.text_in(locale)).collect::<Vec<_>>().join(" ");
        tx.enqueue_message(
            &store::NewOutboxMessage {
                channel: "email",
                recipient: &user.email,
                subject: &subject,
                body: &text,
                code: None,
            },
            now,
        )?;
    }
    Ok(())
}

pub(super) async fn deliver_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.clone().merchant()?;
    load_order(&state, &caller, &id).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut order = tx.order(&id)?.ok_or_else(|| ApiError::not_found("order"))?;
            let before = order.status;
            order.status = before.deliver().map_err(order_error)?;
            order.delivered_at = Some(ctx.now);
            tx.update_order(&order, before)?;
            crate::balance::available_from(tx, &order.id, ctx.now + crate::balance::CLAIM_WINDOW_S)?;
            crate::events::order_event(tx, "order.delivered", &order.id, ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

pub(super) async fn confirm_receipt(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.clone().buyer()?;
    load_order(&state, &caller, &id).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut order = tx.order(&id)?.ok_or_else(|| ApiError::not_found("order"))?;
            let before = order.status;
            order.status = before.confirm_receipt().map_err(order_error)?;
            order.completed_at = Some(ctx.now);
            if order.delivered_at.is_none() {
                order.delivered_at = Some(ctx.now);
            }
            tx.update_order(&order, before)?;
            // The buyer confirmed receipt: the sale is the seller's from now on.
            crate::balance::available_from(tx, &order.id, ctx.now)?;
            crate::events::order_event(tx, "order.completed", &order.id, ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CancelBody {
    reason: Option<String>,
}

pub(super) async fn cancel_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CancelBody>,
) -> Result<Response, ApiError> {
    let order = load_order(&state, &caller, &id).await?;
    if matches!(&caller, Caller::User { role: domain::accounts::Role::Operator, .. }) {
        return Err(ApiError::forbidden(crate::msg!("err-order-cancel-forbidden")));
    }
    let reason = body.reason.map(|r| r.trim().chars().take(500).collect::<String>()).filter(|r| !r.is_empty());
    order.status.cancel().map_err(order_error)?;
    // Step 1: claim the payment (if any) so that nothing captures meanwhile.
    let oid = order.id.clone();
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
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            cancel_in(tx, &id, reason, crate::msg!("message-canceled-not-charged"), ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

/// Cancels an order inside a command: releases the Pocket hold, marks the payment cancelled, returns
/// the stock and tells the buyer. The card authorization must have been voided (or left to lapse) before.
pub(super) fn cancel_in(
    tx: &mut WriteTx<'_>,
    order_id: &str,
    reason: Option<String>,
    note: crate::i18n::Msg,
    now: i64,
) -> Result<(), ApiError> {
    let mut order = tx.order(order_id)?.ok_or_else(|| ApiError::not_found("order"))?;
    let before = order.status;
    let mut voided = None;
    if let Some(mut p) = tx.payment_by_order(order_id)? {
        if let (Some(hold_id), PaymentStatus::RequiresCapture) = (p.hold_id.clone(), p.status) {
            pocket::release(tx, &hold_id, now)?;
        }
        if p.status == PaymentStatus::RequiresCapture {
            voided = Some(p.id.clone());
        }
        if p.status != PaymentStatus::Canceled {
            p.status = p.status.cancel().map_err(lifecycle_bug)?;
        }
        p.attempt_in_progress = None;
        p.updated_at = now;
        tx.update_payment(&p)?;
        super::checkouts::settle_checkout_payment(tx, &p, now)?;
    }
    for item in tx.order_items(order_id)? {
        tx.return_stock(&item.product_id, item.quantity)?;
    }
    order.status = before.cancel().map_err(order_error)?;
    order.canceled_at = Some(now);
    order.cancel_reason = reason;
    if !tx.update_order(&order, before)? {
        return Err(ApiError::conflict("order_not_cancelable", crate::msg!("err-order-changed-meanwhile")));
    }
    if let Some(payment_id) = voided {
        crate::events::payment_event(tx, "payment.voided", &payment_id, now)?;
    }
    crate::events::order_event(tx, "order.canceled", order_id, now)?;
    let mut body = vec![crate::msg!("message-canceled-body", order = order.number.clone())];
    if let Some(reason) = order.cancel_reason.as_deref() {
        body.push(crate::msg!("message-canceled-reason", reason = reason));
    }
    body.push(note);
    notify_buyer(tx, &order, crate::msg!("message-canceled-subject"), &body, now)
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
