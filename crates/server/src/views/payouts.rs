//! The sellers' money views: a payout, a balance transaction and a seller's balance as the API shows
//! them. Services (`balance`, for its events), routes and pages may import them; they import nothing
//! of the server's.

use serde_json::{json, Value};
use store::{BalanceTxRecord, PayoutRecord};

/// A payout as the API shows it.
pub fn payout_json(p: &PayoutRecord) -> Value {
    let failure_message = p
        .failure_code
        .as_deref()
        .map(|c| bank::FailureCode::parse(c).map_or("The bank refused the payout.", |f| f.message()));
    json!({
        "id": p.id, "object": "payout", "amount": p.amount, "currency": p.currency, "status": p.status.name(),
        "arrival_date": p.arrival_date, "destination": p.destination_id, "automatic": p.automatic,
        "failure_code": p.failure_code, "failure_message": failure_message, "merchant": p.merchant_id,
        "created": p.created_at,
    })
}

/// A balance transaction as the API shows it.
pub fn balance_tx_json(b: &BalanceTxRecord) -> Value {
    json!({
        "id": b.id, "object": "balance_transaction", "type": b.kind.name(), "amount": b.amount, "fee": b.fee,
        "net": b.net, "currency": b.currency, "source": b.source, "status": if b.available { "available" } else { "pending" },
        "available_on": b.available_on, "payout": b.payout_id, "description": b.description, "merchant": b.merchant_id,
        "created": b.created_at,
    })
}

/// A seller's balance as the API shows it: available, pending and reserved per currency.
pub fn balance_json(merchant_id: &str, sums: &[store::BalanceSums]) -> Value {
    let bucket = |pick: fn(&store::BalanceSums) -> i64| -> Vec<Value> {
        sums.iter().map(|s| json!({ "amount": pick(s), "currency": s.currency })).collect()
    };
    json!({
        "object": "balance", "merchant": merchant_id, "available": bucket(|s| s.available), "pending": bucket(|s| s.pending),
        "reserved": bucket(|s| s.reserved),
    })
}
