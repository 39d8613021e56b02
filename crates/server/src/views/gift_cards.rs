//! The gift-card views: a gift card (its code only when just bought) and a purchase, as the API shows
//! them. Routes, pages and the gift-card operations may import them; they import only `store` and
//! `domain`.

use domain::gift_cards::GiftCode;
use serde_json::{json, Value};
use store::{GiftCardRecord, PurchaseRecord};

pub fn gift_card_json(g: &GiftCardRecord, code: Option<&GiftCode>) -> Value {
    let mut v = json!({
        "id": g.id, "object": "gift_card", "denomination": g.denomination, "currency": g.currency, "state": g.state.name(),
        "expires_at": g.expires_at, "last4": g.code_last4, "purchase": g.purchase_id, "created": g.created_at,
    });
    if let Some(c) = code {
        v["code"] = json!(c.expose());
    }
    v
}

pub fn purchase_json(p: &PurchaseRecord, cards: &[GiftCardRecord], codes: &[Option<GiftCode>]) -> Value {
    let shown: Vec<Value> =
        cards.iter().enumerate().map(|(i, g)| gift_card_json(g, codes.get(i).and_then(Option::as_ref))).collect();
    let mut v = json!({
        "id": p.id, "object": "gift_card_purchase", "status": p.status.name(), "amount": p.amount, "currency": p.currency,
        "card": { "brand": p.card_brand, "last4": p.card_last4 }, "gift_cards": shown,
        "gift": p.gift_recipient.as_ref().map(|r| json!({ "recipient_email": r })), "created": p.created_at,
    });
    let visible: Vec<&GiftCode> = codes.iter().flatten().collect();
    if visible.len() == 1 {
        v["code"] = json!(visible[0].expose());
    }
    v
}
