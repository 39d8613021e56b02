//! The refund views: a refund, and an order's refunds, as the API shows them. Routes, pages and the
//! order view may import them; they import only infrastructure and the other views.

use serde_json::{json, Value};
use store::{ReadTx, RefundRecord};

use crate::error::ApiError;

/// A refund as the API shows it.
pub fn refund_json(r: &RefundRecord) -> Value {
    json!({
        "id": r.id, "object": "refund", "order": r.order_id, "payment": r.payment_id, "amount": r.amount,
        "pocket_amount": r.pocket_amount, "card_amount": r.card_amount, "card_presentment_amount": r.card_presentment_amount,
        "status": r.status.name(), "destination": r.destination.name(), "expected_at": r.expected_at, "reason": r.reason,
        "created": r.created_at, "settled_at": r.settled_at,
        "metadata": crate::views::metadata::shown(&r.metadata),
    })
}

/// The refunds of an order, for the order view.
pub fn refunds_json(tx: &ReadTx<'_>, order_id: &str) -> Result<Vec<Value>, ApiError> {
    Ok(tx.refunds(order_id)?.iter().map(refund_json).collect())
}
