//! The shop's views: products, orders and payments as the API shows them (an order with its payment,
//! refunds and claims; a payment with its attempts and next action). Services (`events`), routes and
//! pages may import it; it imports only infrastructure and the other views.

use domain::checkout::PaymentStatus;
use domain::verification::DOCUMENT_BYTES_MAX;
use serde_json::{json, Value};
use store::{AttemptRecord, OrderItemRecord, OrderRecord, PaymentRecord, ProductRecord, ReadTx, ReviewRecord};

use crate::error::ApiError;

pub(crate) fn product_json(p: &ProductRecord) -> Value {
    json!({ "id": p.id, "object": "product", "merchant": p.merchant_id, "name": p.name, "description": p.description,
            "amount": p.amount, "currency": p.currency, "stock": p.stock, "created": p.created_at,
            "metadata": crate::views::metadata::shown(&p.metadata) })
}

pub(crate) fn payment_json(p: &PaymentRecord, attempts: &[AttemptRecord]) -> Value {
    let attempts: Vec<Value> = attempts
        .iter()
        .map(|a| {
            json!({ "id": a.id, "status": a.status.name(), "pocket_amount": a.pocket_amount, "card_amount": a.card_amount,
            "card": a.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": a.card_last4 })),
            "code": a.error_code, "decline_code": a.decline_code, "created": a.created_at })
        })
        .collect();
    let last_error = p
        .last_error_code
        .as_ref()
        .map(|code| json!({ "code": code, "decline_code": p.last_decline_code, "message": p.last_error_message }));
    json!({
        "id": p.id, "object": "payment", "order": p.order_id, "checkout": p.checkout_id, "status": p.status.name(),
        "amount": p.amount, "currency": p.currency,
        "pocket_amount": p.pocket_amount, "card_amount": p.card_amount,
        "card": p.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": p.card_last4 })),
        "presentment": p.presentment.as_ref().map(|(amount, currency, rate)| json!({ "amount": amount, "currency": currency, "rate": rate })),
        "next_action": Value::Null, "capture_before": p.authorization_expires_at,
        "amount_captured": p.amount_captured, "amount_refunded": p.amount_refunded,
        "last_error": last_error, "attempts": attempts, "created": p.created_at,
        "metadata": crate::views::metadata::shown(&p.metadata),
    })
}

pub(crate) fn order_json(o: &OrderRecord, items: &[OrderItemRecord], payment: Option<Value>) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|i| json!({ "product": i.product_id, "name": i.name, "unit_amount": i.unit_amount, "quantity": i.quantity }))
        .collect();
    json!({
        "id": o.id, "object": "order", "number": o.number, "merchant": o.merchant_id, "buyer": o.buyer_user_id,
        "status": o.status.name(), "amount": o.amount, "currency": o.currency, "items": items,
        "shipping_address": { "name": o.ship_name, "line1": o.ship_line1, "line2": o.ship_line2, "city": o.ship_city,
            "state": o.ship_state, "postal_code": o.ship_postal_code, "country": o.ship_country },
        "carrier": o.carrier, "tracking_number": o.tracking_number, "cancel_reason": o.cancel_reason,
        "checkout": o.checkout_id, "payment": payment, "refunds": [], "claims": [],
        "created": o.created_at, "paid_at": o.paid_at, "shipped_at": o.shipped_at, "delivered_at": o.delivered_at,
        "completed_at": o.completed_at, "canceled_at": o.canceled_at,
        "metadata": crate::views::metadata::shown(&o.metadata),
    })
}

/// The order as the API shows it, read inside a command.
pub(crate) fn order_view(tx: &ReadTx<'_>, order_id: &str) -> Result<Value, ApiError> {
    let order = tx.order(order_id)?.ok_or_else(|| ApiError::not_found("order"))?;
    let items = tx.order_items(order_id)?;
    let payment = match tx.payment_by_order(order_id)? {
        Some(p) => Some(payment_view(tx, &p.id)?),
        None => None,
    };
    let mut shown = order_json(&order, &items, payment);
    shown["refunds"] = Value::Array(crate::views::refunds::refunds_json(tx, order_id)?);
    shown["claims"] =
        Value::Array(tx.claims_of_order(order_id)?.iter().map(crate::views::claims::claim_json).collect());
    Ok(shown)
}

pub(crate) fn payment_view(tx: &ReadTx<'_>, payment_id: &str) -> Result<Value, ApiError> {
    let p = tx.payment(payment_id)?.ok_or_else(|| ApiError::not_found("payment"))?;
    let attempts = tx.attempts(payment_id)?;
    let mut shown = payment_json(&p, &attempts);
    if let Some(checkout) = p.paying_checkout() {
        // A checkout's payment: how much of it belongs to each order.
        shown["orders"] = parts_json(tx, checkout)?;
        let parts = tx.checkout_parts(checkout)?;
        shown["amount_refunded"] = json!(parts.iter().map(|p| p.amount_refunded).sum::<i64>());
    }
    if p.status == PaymentStatus::RequiresAction {
        if let Some(c) = tx.challenge(payment_id)? {
            // Security questions the buyer set up may be answered instead of the code.
            let alternatives: Vec<&str> =
                if tx.security_questions(&p.buyer_user_id)?.is_empty() { vec![] } else { vec!["security_questions"] };
            shown["next_action"] = json!({ "type": "verify_code", "channel": c.channel, "sent_to": mask_recipient(&c.channel, &c.recipient),
                "expires_at": c.expires_at, "attempts_left": c.attempts_left, "reasons": c.reasons.split(',').collect::<Vec<_>>(),
                "alternatives": alternatives });
        } else if let Some(r) = tx.open_review(payment_id)? {
            shown["next_action"] = review_next_action(&r);
        }
    }
    Ok(shown)
}

/// What each order's part of a checkout's payment stands at, for the payment's view.
fn parts_json(tx: &ReadTx<'_>, checkout_id: &str) -> Result<Value, ApiError> {
    let mut shown = Vec::new();
    for p in tx.checkout_parts(checkout_id)? {
        let order = tx.order(p.order())?.ok_or_else(ApiError::internal)?;
        shown.push(json!({
            "order": order.id, "number": order.number, "merchant": order.merchant_id, "payment": p.id,
            "status": p.status.name(), "amount": p.amount, "pocket_amount": p.pocket_amount, "card_amount": p.card_amount,
            "amount_captured": p.amount_captured, "amount_refunded": p.amount_refunded,
        }));
    }
    Ok(Value::Array(shown))
}

fn mask_recipient(channel: &str, to: &str) -> String {
    if channel == "sms" {
        let digits: String = to.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        return format!("•••• {digits}");
    }
    match to.split_once('@') {
        Some((local, domain)) => format!("{}•••@{domain}", local.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

/// The `next_action` of a payment waiting for a document.
fn review_next_action(r: &ReviewRecord) -> Value {
    json!({ "type": "document_review", "status": r.status, "review": r.id, "expires_at": r.expires_at,
        "reasons": r.reasons.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        "accepted_types": ["image/jpeg", "image/png", "application/pdf"], "max_bytes": DOCUMENT_BYTES_MAX })
}
