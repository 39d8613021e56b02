//! Steps shared by the shop's operations, its jobs and the other rooms of money: telling a buyer
//! about their order, the answer to an idempotency key whose binding failed, ending a failed attempt
//! (its Pocket holds released, a checkout's parts with it), a checkout's payment kept in step with its
//! parts, cancelling an order inside a command, and the seller the issuer is told.

use domain::checkout::PaymentStatus;
use domain::payments::AttemptStatus;
use store::{OrderRecord, PaymentRecord, WriteTx};

use crate::error::{lifecycle_bug, ApiError};
use crate::pocket;

/// The answer to a key whose binding failed: another request with it is running (in another process).
pub(crate) fn bind_error(e: store::StoreError) -> ApiError {
    if e.is_duplicate() {
        crate::idempotency::IdempotencyContext::busy()
    } else {
        e.into()
    }
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
        email_user(tx, &user, &subject, body, now)?;
    }
    Ok(())
}

/// Emails a person (through the outbox) in their language: the subject, and the body's sentences one
/// after the other.
pub(crate) fn email_user(
    tx: &mut WriteTx<'_>,
    user: &store::UserRecord,
    subject: &crate::i18n::Msg,
    body: &[crate::i18n::Msg],
    now: i64,
) -> Result<(), ApiError> {
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
    Ok(())
}

/// Ends an attempt in failure: releases its Pocket hold and leaves the order payable.
pub(crate) fn fail_attempt(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    error: &ApiError,
    failure_code: &str,
    authorization_id: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    release_holds(tx, payment, now)?;
    let decline = error.decline_code;
    tracing::info!(attempt = attempt_id, failure = failure_code, "payment attempt failed");
    tx.finish_attempt(attempt_id, AttemptStatus::Failed, authorization_id, Some(error.code), decline)?;
    payment.status = payment.status.fail().map_err(lifecycle_bug)?;
    payment.attempt_in_progress = None;
    payment.pocket_amount = 0;
    payment.card_amount = 0;
    payment.last_error_code = Some(error.code.into());
    payment.last_decline_code = decline.map(str::to_owned);
    payment.last_error_message = Some(error.message.clone());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    crate::events::payment_event(tx, "payment.failed", &payment.id, now)
}

/// Releases what an attempt held in the Pocket (for a checkout, every open order's part).
pub(crate) fn release_holds(tx: &mut WriteTx<'_>, payment: &mut PaymentRecord, now: i64) -> Result<(), ApiError> {
    if let Some(hold_id) = payment.hold_id.take() {
        pocket::release(tx, &hold_id, now)?;
    }
    if payment.paying_checkout().is_some() {
        release_parts(tx, payment, now)?;
    }
    Ok(())
}

/// A checkout's attempt failed (or waits for a code): the Pocket held for its open orders goes back.
pub(crate) fn release_parts(tx: &mut WriteTx<'_>, payment: &PaymentRecord, now: i64) -> Result<(), ApiError> {
    for (mut part, _) in open_parts(tx, payment)? {
        if let Some(hold_id) = part.hold_id.take() {
            pocket::release(tx, &hold_id, now)?;
        }
        part.pocket_amount = 0;
        part.card_amount = 0;
        part.presentment = None;
        part.updated_at = now;
        tx.update_payment(&part)?;
    }
    Ok(())
}

/// The parts of a checkout's payment whose orders still await payment, with their orders.
pub(crate) fn open_parts(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
) -> Result<Vec<(PaymentRecord, OrderRecord)>, ApiError> {
    let Some(checkout) = &payment.checkout_id else { return Ok(vec![]) };
    let mut open = Vec::new();
    for part in tx.checkout_parts(checkout)? {
        let order = tx.order(part.order())?.ok_or_else(ApiError::internal)?;
        if awaits_payment(&order) {
            open.push((part, order));
        }
    }
    Ok(open)
}

/// An order still awaiting payment.
pub(crate) fn awaits_payment(order: &OrderRecord) -> bool {
    order.status == domain::checkout::OrderStatus::AwaitingPayment
}

/// After one order's part was captured, released or re-authorized: the checkout's payment shows what
/// its parts add up to, and ends (`succeeded`, or `canceled` when nothing was captured) once none is
/// left to capture.
pub(crate) fn settle_checkout_payment(tx: &mut WriteTx<'_>, part: &PaymentRecord, now: i64) -> Result<(), ApiError> {
    let Some(checkout_id) = part.checkout_id.clone().filter(|_| part.is_part()) else { return Ok(()) };
    let Some(payment_id) = tx.checkout(&checkout_id)?.and_then(|c| c.payment_id) else { return Ok(()) };
    let Some(mut payment) = tx.payment(&payment_id)? else { return Ok(()) };
    let parts = tx.checkout_parts(&checkout_id)?;
    let captured: i64 = parts.iter().map(|p| p.amount_captured).sum();
    let open = parts.iter().any(|p| p.status == PaymentStatus::RequiresCapture);
    payment.amount_captured = captured.min(payment.amount);
    payment.updated_at = now;
    let ends = !open && payment.status == PaymentStatus::RequiresCapture;
    if ends {
        payment.status = payment.status.settle(captured).map_err(lifecycle_bug)?;
    }
    tx.update_payment(&payment)?;
    if ends {
        let kind = if captured > 0 { "payment.captured" } else { "payment.voided" };
        crate::events::payment_event(tx, kind, &payment.id, now)?;
    }
    Ok(())
}

/// The API's answer to a step an order's status does not allow: the domain's code, and its `Display`
/// sentence from the catalogue.
pub(crate) fn order_error(e: domain::checkout::OrderError) -> ApiError {
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

/// Cancels an order inside a command: releases the Pocket hold, marks the payment cancelled, returns
/// the stock and tells the buyer. The card authorization must have been voided (or left to lapse) before.
pub(crate) fn cancel_in(
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
        settle_checkout_payment(tx, &p, now)?;
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

/// The seller whose country the issuer is told: the order's, or a checkout's first order's.
pub(crate) fn issuer_merchant(tx: &mut WriteTx<'_>, payment: &PaymentRecord) -> Result<String, ApiError> {
    let order = match (&payment.order_id, &payment.checkout_id) {
        (Some(order_id), _) => tx.order(order_id)?,
        (None, Some(checkout)) => tx.checkout_orders(checkout)?.into_iter().next(),
        (None, None) => None,
    };
    order.map(|o| o.merchant_id).ok_or_else(ApiError::internal)
}
