//! The claim view: a buyer's claim as the API shows it. Routes, pages and the order view may import
//! it; it imports nothing of the server's.

use domain::claims::ClaimOutcome;
use serde_json::{json, Value};
use store::ClaimRecord;

pub fn claim_json(c: &ClaimRecord) -> Value {
    json!({
        "id": c.id, "object": "claim", "order": c.order_id, "buyer": c.buyer_user_id, "merchant": c.merchant_id,
        "reason": c.reason.name(), "amount": c.amount, "description": c.description, "status": c.status.name(),
        "outcome": c.outcome.map(ClaimOutcome::name),
        "refund_amount": c.refund_amount, "refund": c.refund_id, "seller_message": c.seller_message,
        "respond_by": c.respond_by, "created": c.created_at, "escalated_at": c.escalated_at, "resolved_at": c.resolved_at,
    })
}
