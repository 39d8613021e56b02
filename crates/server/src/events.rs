//! Events: every change a seller or an operator may act on is recorded, in the command that makes
//! the change, as an event holding the object as `GET` shows it at that moment; the store queues a
//! delivery for each webhook endpoint that wants it (`webhooks.rs` sends them). A change rolled back
//! takes its event with it, and a change committed always has its event: they are one transaction.

use serde_json::{json, Value};
use store::{EventRecord, WriteTx};

use crate::error::ApiError;
use crate::secrets::random_id;

/// Every event type, as docs/API.md lists them.
pub const EVENT_TYPES: [&str; 22] = [
    "order.created",
    "order.canceled",
    "order.shipped",
    "order.delivered",
    "order.completed",
    "payment.requires_action",
    "payment.authorized",
    "payment.failed",
    "payment.captured",
    "payment.voided",
    "refund.created",
    "refund.succeeded",
    "refund.failed",
    "claim.opened",
    "claim.escalated",
    "claim.resolved",
    "payout.created",
    "payout.paid",
    "payout.failed",
    "balance.available",
    "gift_card.redeemed",
    "payment.reported_unauthorized",
];

/// Types only operators see (the seller has no part in them).
pub const OPERATORS_ONLY: [&str; 1] = ["gift_card.redeemed"];

/// Events are kept at least this long, then pruned (with their delivery logs) once delivered.
pub const EVENT_RETENTION_S: i64 = 30 * 86_400;

/// Records an event of `kind` about `object` (the object as the API shows it now).
pub fn emit(
    tx: &mut WriteTx<'_>,
    kind: &'static str,
    merchant_id: Option<&str>,
    object: Value,
    now: i64,
) -> Result<(), ApiError> {
    debug_assert!(EVENT_TYPES.contains(&kind), "unknown event type {kind}");
    let record = EventRecord {
        id: random_id("evt"),
        kind: kind.to_owned(),
        merchant_id: merchant_id.map(str::to_owned),
        operators_only: OPERATORS_ONLY.contains(&kind),
        data: json!({ "object": object }).to_string(),
        created_at: now,
    };
    tx.insert_event(&record, &mut || random_id("whd"))?;
    Ok(())
}

/// An order event, with the order as `GET /v1/orders/{id}` shows it.
pub fn order_event(tx: &mut WriteTx<'_>, kind: &'static str, order_id: &str, now: i64) -> Result<(), ApiError> {
    let view = crate::views::shop::order_view(&tx.reads(), order_id)?;
    let merchant = view["merchant"].as_str().map(str::to_owned);
    emit(tx, kind, merchant.as_deref(), view, now)
}

/// A payment event, with the payment as `GET /v1/payments/{id}` shows it.
pub fn payment_event(tx: &mut WriteTx<'_>, kind: &'static str, payment_id: &str, now: i64) -> Result<(), ApiError> {
    let reads = tx.reads();
    let view = crate::views::shop::payment_view(&reads, payment_id)?;
    let merchant = match view["order"].as_str() {
        Some(order) => reads.order(order)?.map(|o| o.merchant_id),
        None => None,
    };
    emit(tx, kind, merchant.as_deref(), view, now)
}

/// The event as the API shows it (and as webhooks deliver it).
pub fn event_json(e: &EventRecord) -> Value {
    let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
    json!({ "id": e.id, "object": "event", "type": e.kind, "created": e.created_at, "merchant": e.merchant_id, "data": data })
}
