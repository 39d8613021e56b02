//! Claims, unauthorized-payment reports and support tickets over HTTP, with the ledger check after
//! every scenario.

mod common;

use common::{TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

struct World {
    key: String,
    product: String,
    buyer: String,
    card: String,
}

async fn world(app: &TestApp, buyer_email: &str) -> World {
    let (key, product) = app.seller(&format!("owner-{buyer_email}"), "Shop", "Chair", 5000).await;
    let buyer = app.buyer(buyer_email).await;
    let c = app
        .post(
            "/v1/cards",
            Some(&buyer),
            json!({ "number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123",
            "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    World { key, product, buyer, card: c.body["id"].as_str().unwrap_or_default().to_owned() }
}

/// An order paid by the saved card; shipped and delivered when asked.
async fn order(app: &TestApp, w: &World, ship: bool, deliver: bool) -> String {
    let o = app
        .post(
            "/v1/orders",
            Some(&w.buyer),
            json!({ "items": [{ "product": w.product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/v1/orders/{id}/pay"),
            Some(&w.buyer),
            json!({ "payment_method": { "type": "card", "card": w.card } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    if ship {
        app.post(&format!("/v1/orders/{id}/ship"), Some(&w.key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
            .await;
    }
    if deliver {
        app.post(&format!("/v1/orders/{id}/deliver"), Some(&w.key), json!({})).await;
    }
    id
}

async fn claim(app: &TestApp, token: &str, order: &str, reason: &str, amount: i64) -> common::Answer {
    app.post(
        &format!("/v1/orders/{order}/claims"),
        Some(token),
        json!({ "reason": reason, "amount": amount, "description": "It arrived broken." }),
    )
    .await
}

#[tokio::test]
async fn accepted_rejected_escalated_and_decided_both_ways() {
    let app = TestApp::spawn().await;
    let w = world(&app, "claimant@example.com").await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;

    // The seller accepts: a refund at once.
    let o1 = order(&app, &w, true, true).await;
    let c = claim(&app, &w.buyer, &o1, "damaged", 2000).await;
    assert_eq!((c.status, c.body["status"].as_str()), (StatusCode::CREATED, Some("awaiting_seller")), "{}", c.body);
    let cid = c.body["id"].as_str().unwrap_or_default().to_owned();
    claim(&app, &w.buyer, &o1, "other", 100).await.assert_error(409, "invalid_request_error", "claim_exists");
    let accepted = app
        .post(&format!("/v1/claims/{cid}/respond"), Some(&w.key), json!({ "action": "accept", "message": "Sorry!" }))
        .await;
    assert_eq!(
        (accepted.body["status"].as_str(), accepted.body["outcome"].as_str()),
        (Some("resolved"), Some("buyer")),
        "{}",
        accepted.body
    );
    assert_eq!(accepted.body["refund_amount"], 2000);
    let o = app.get(&format!("/v1/orders/{o1}"), Some(&w.buyer)).await;
    assert_eq!(
        (o.body["payment"]["amount_refunded"].as_i64(), o.body["claims"].as_array().map(Vec::len)),
        (Some(2000), Some(1))
    );

    // Rejected, escalated, decided for the buyer with a partial refund.
    let o2 = order(&app, &w, true, true).await;
    let cid =
        claim(&app, &w.buyer, &o2, "not_as_described", 5000).await.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/claims/{cid}/escalate"), Some(&w.buyer), json!({})).await.assert_error(
        409,
        "invalid_request_error",
        "claim_not_open",
    );
    let rejected = app
        .post(
            &format!("/v1/claims/{cid}/respond"),
            Some(&w.key),
            json!({ "action": "reject", "message": "As described." }),
        )
        .await;
    assert_eq!(rejected.body["status"], "rejected");
    let escalated = app.post(&format!("/v1/claims/{cid}/escalate"), Some(&w.buyer), json!({})).await;
    assert_eq!(escalated.body["status"], "under_review");
    app.post(&format!("/v1/claims/{cid}/resolve"), Some(&w.buyer), json!({ "outcome": "buyer" })).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    let decided = app
        .post(
            &format!("/v1/claims/{cid}/resolve"),
            Some(&operator),
            json!({ "outcome": "buyer", "refund_amount": 1500 }),
        )
        .await;
    assert_eq!(
        (decided.body["outcome"].as_str(), decided.body["refund_amount"].as_i64()),
        (Some("buyer"), Some(1500)),
        "{}",
        decided.body
    );

    // Rejected, escalated, decided for the seller: no refund.
    let o3 = order(&app, &w, true, true).await;
    let cid = claim(&app, &w.buyer, &o3, "other", 1000).await.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/claims/{cid}/respond"), Some(&w.key), json!({ "action": "reject", "message": "No." })).await;
    app.post(&format!("/v1/claims/{cid}/escalate"), Some(&w.buyer), json!({})).await;
    let for_seller =
        app.post(&format!("/v1/claims/{cid}/resolve"), Some(&operator), json!({ "outcome": "seller" })).await;
    assert_eq!((for_seller.body["outcome"].as_str(), for_seller.body["refund"].is_null()), (Some("seller"), true));
    let o = app.get(&format!("/v1/orders/{o3}"), Some(&w.buyer)).await;
    assert_eq!(o.body["payment"]["amount_refunded"], 0);

    // Everyone involved was emailed; others see nothing.
    let mails = app.get("/v1/test/inbox?to=claimant@example.com&limit=100", None).await;
    assert!(
        mails.body["data"].as_array().is_some_and(|m| m
            .iter()
            .filter(|x| x["subject"].as_str().unwrap_or("").contains("claim"))
            .count()
            >= 5),
        "{}",
        mails.body
    );
    let stranger = app.buyer("stranger@example.com").await;
    app.get(&format!("/v1/claims/{cid}"), Some(&stranger)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.post(&format!("/v1/claims/{cid}/escalate"), Some(&stranger), json!({})).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    claim(&app, &stranger, &o3, "other", 100).await.assert_error(404, "invalid_request_error", "resource_missing");
    let other = world(&app, "other-claimant@example.com").await;
    app.post(&format!("/v1/claims/{cid}/respond"), Some(&other.key), json!({ "action": "accept", "message": "x" }))
        .await
        .assert_error(404, "invalid_request_error", "resource_missing");
    assert_eq!(app.get("/v1/claims", Some(&w.buyer)).await.body["data"].as_array().map(Vec::len), Some(3));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn windows_deadlines_and_a_race_with_a_refund() {
    let app = TestApp::spawn().await;
    let mut w = world(&app, "windows@example.com").await;
    // Before shipping: cancel instead.
    let unshipped = order(&app, &w, false, false).await;
    claim(&app, &w.buyer, &unshipped, "damaged", 100).await.assert_error(
        400,
        "invalid_request_error",
        "claim_window_closed",
    );
    // Not received: only after the delivery promise.
    let in_transit = order(&app, &w, true, false).await;
    claim(&app, &w.buyer, &in_transit, "not_received", 5000).await.assert_error(
        400,
        "invalid_request_error",
        "claim_window_closed",
    );
    // Delivered: 20 days to claim.
    let delivered = order(&app, &w, true, true).await;
    // A seller who does not answer in 3 days loses.
    let late = order(&app, &w, true, true).await;
    let cid = claim(&app, &w.buyer, &late, "damaged", 3000).await.body["id"].as_str().unwrap_or_default().to_owned();
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3 * 86_400 + 1 })).await;
    let buyer = app.login("windows@example.com", PASSWORD).await;
    let decided = app.get(&format!("/v1/claims/{cid}"), Some(&buyer)).await;
    assert_eq!(
        (decided.body["status"].as_str(), decided.body["outcome"].as_str()),
        (Some("resolved"), Some("buyer")),
        "{}",
        decided.body
    );
    // Fifteen days after shipping, the parcel still missing may be reported.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 12 * 86_400 })).await;
    let buyer = app.login("windows@example.com", PASSWORD).await;
    let missing = claim(&app, &buyer, &in_transit, "not_received", 5000).await;
    assert_eq!(missing.status, StatusCode::CREATED, "{}", missing.body);
    // Twenty-one days after delivery: closed.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 6 * 86_400 })).await;
    let buyer = app.login("windows@example.com", PASSWORD).await;
    claim(&app, &buyer, &delivered, "damaged", 100).await.assert_error(
        400,
        "invalid_request_error",
        "claim_window_closed",
    );

    // A claim acceptance racing the seller's own full refund: exactly one of them pays.
    w.buyer = buyer.clone();
    let racing = order(&app, &w, true, true).await;
    let cid = claim(&app, &buyer, &racing, "damaged", 5000).await.body["id"].as_str().unwrap_or_default().to_owned();
    let (client, base, key) = (app.client.clone(), app.base.clone(), w.key.clone());
    let accept = {
        let (client, base, key, cid) = (client.clone(), base.clone(), key.clone(), cid.clone());
        tokio::spawn(async move {
            let r = client
                .post(format!("{base}/v1/claims/{cid}/respond"))
                .bearer_auth(key)
                .json(&json!({ "action": "accept", "message": "ok" }))
                .send()
                .await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        })
    };
    let refund = {
        let (client, base, key, racing) = (client.clone(), base.clone(), key.clone(), racing.clone());
        tokio::spawn(async move {
            let r = client
                .post(format!("{base}/v1/orders/{racing}/refunds"))
                .bearer_auth(key)
                .json(&json!({ "reason": "goodwill" }))
                .send()
                .await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        })
    };
    let (a, r) = (accept.await.unwrap_or(0), refund.await.unwrap_or(0));
    let successes = [a == 200, r == 201].iter().filter(|x| **x).count();
    assert_eq!(successes, 1, "accept {a}, refund {r}");
    let o = app.get(&format!("/v1/orders/{racing}"), Some(&buyer)).await;
    assert_eq!(o.body["payment"]["amount_refunded"], 5000);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn protection_ends_ninety_days_after_payment() {
    let app = TestApp::spawn().await;
    let w = world(&app, "protected@example.com").await;
    let o = order(&app, &w, true, false).await;
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 85 * 86_400 })).await;
    app.post(&format!("/v1/orders/{o}/deliver"), Some(&w.key), json!({})).await;
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 6 * 86_400 })).await;
    let buyer = app.login("protected@example.com", PASSWORD).await;
    claim(&app, &buyer, &o, "damaged", 100).await.assert_error(400, "invalid_request_error", "protection_expired");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn an_unauthorized_payment_is_reimbursed_the_card_blocked_and_other_sessions_ended() {
    let app = TestApp::spawn().await;
    let w = world(&app, "victim@example.com").await;
    let o = order(&app, &w, true, false).await;
    let payment = app.get(&format!("/v1/orders/{o}"), Some(&w.buyer)).await.body["payment"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let other_session = app.login("victim@example.com", PASSWORD).await;
    let report = app
        .post(
            &format!("/v1/payments/{payment}/report_unauthorized"),
            Some(&w.buyer),
            json!({ "description": "I never bought this." }),
        )
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    assert_eq!(report.body["reimbursement"], json!({ "amount": 5000, "currency": "USD", "destination": "pocket" }));
    assert_eq!(report.body["card_blocked"], true);
    let pocket = app.get("/v1/pocket", Some(&w.buyer)).await;
    assert_eq!(pocket.body["balances"][0]["available"], 5000);
    // The other session is over; this one goes on.
    app.get("/v1/me", Some(&other_session)).await.assert_error(401, "authentication_error", "unauthenticated");
    assert_eq!(app.get("/v1/me", Some(&w.buyer)).await.status, StatusCode::OK);
    // The card can no longer pay.
    let o2 = app
        .post(
            "/v1/orders",
            Some(&w.buyer),
            json!({ "items": [{ "product": w.product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    let o2 = o2.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(
        &format!("/v1/orders/{o2}/pay"),
        Some(&w.buyer),
        json!({ "payment_method": { "type": "card", "card": w.card } }),
    )
    .await
    .assert_error(402, "card_error", "card_declined");
    // Reported once; an operator case was opened.
    app.post(&format!("/v1/payments/{payment}/report_unauthorized"), Some(&w.buyer), json!({ "description": "again" }))
        .await
        .assert_error(409, "invalid_request_error", "already_reported");
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let cases = app.get("/v1/tickets", Some(&operator)).await;
    assert!(cases.body["data"][0]["subject"].as_str().unwrap_or("").contains("Unauthorized payment"), "{}", cases.body);
    let stranger = app.buyer("thief@example.com").await;
    app.post(&format!("/v1/payments/{payment}/report_unauthorized"), Some(&stranger), json!({ "description": "x" }))
        .await
        .assert_error(404, "invalid_request_error", "resource_missing");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_support_ticket_thread_between_buyer_and_operators() {
    let app = TestApp::spawn().await;
    let w = world(&app, "helpme@example.com").await;
    let o = order(&app, &w, true, false).await;
    let number = app.get(&format!("/v1/orders/{o}"), Some(&w.buyer)).await.body["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        "/v1/tickets",
        Some(&w.buyer),
        json!({ "order_number": "PP-000000001", "subject": "Where?", "message": "?" }),
    )
    .await
    .assert_error(400, "invalid_request_error", "parameter_invalid");
    let t = app
        .post(
            "/v1/tickets",
            Some(&w.buyer),
            json!({ "order_number": number, "subject": "Where is my chair?", "message": "It has been a week." }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    assert_eq!((t.body["order"].as_str(), t.body["status"].as_str()), (Some(o.as_str()), Some("open")));
    let tid = t.body["id"].as_str().unwrap_or_default().to_owned();
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let answered = app
        .post(&format!("/v1/tickets/{tid}/messages"), Some(&operator), json!({ "message": "It ships tomorrow." }))
        .await;
    assert_eq!(answered.body["status"], "answered", "{}", answered.body);
    let mails = app.get("/v1/test/inbox?to=helpme@example.com", None).await;
    assert_eq!(mails.body["data"][0]["subject"], "Support answered your ticket");
    let again = app.post(&format!("/v1/tickets/{tid}/messages"), Some(&w.buyer), json!({ "message": "Thanks!" })).await;
    let authors: Vec<&str> = again.body["messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|x| x["author"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(authors, vec!["buyer", "operator", "buyer"]);
    let stranger = app.buyer("curious@example.com").await;
    app.get(&format!("/v1/tickets/{tid}"), Some(&stranger)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.post(&format!("/v1/tickets/{tid}/messages"), Some(&stranger), json!({ "message": "hi" })).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    // Someone else's order number is unknown to this buyer.
    app.post("/v1/tickets", Some(&stranger), json!({ "order_number": number, "subject": "x", "message": "y" }))
        .await
        .assert_error(404, "invalid_request_error", "resource_missing");
    assert_eq!(app.get("/v1/tickets", Some(&w.buyer)).await.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get("/v1/tickets", Some(&stranger)).await.body["data"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_claim_refund_interrupted_by_a_crash_is_finished_once_by_the_job() {
    let app = TestApp::spawn().await;
    let w = world(&app, "crash-claim@example.com").await;
    let o = order(&app, &w, true, true).await;
    let opened = claim(&app, &w.buyer, &o, "damaged", 3000).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let id = opened.body["id"].as_str().unwrap_or_default().to_owned();

    // The state a crash leaves between a decision for the buyer and its refund.
    let dir = app.stop().await;
    let store = store::Store::open(store::test_config(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let cid = id.clone();
    store
        .write(move |tx| -> Result<(), store::StoreError> {
            let mut c = tx.claim(&cid)?.unwrap_or_else(|| panic!("the claim"));
            c.status = domain::claims::ClaimStatus::Refunding;
            c.outcome = Some(domain::claims::ClaimOutcome::Buyer);
            c.refund_amount = Some(3000);
            c.resolved_at = Some(c.created_at);
            assert!(tx.update_claim(&c, domain::claims::ClaimStatus::AwaitingSeller)?);
            Ok(())
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store.shutdown().await;
    drop(store);

    let app = TestApp::spawn_at(dir, |_| {}).await;
    let stuck = app.get(&format!("/v1/claims/{id}"), Some(&w.buyer)).await;
    assert_eq!(stuck.body["status"], "refunding", "{}", stuck.body);
    let retried = app
        .post(&format!("/v1/claims/{id}/respond"), Some(&w.key), json!({ "action": "accept", "message": "ok" }))
        .await;
    retried.assert_error(409, "invalid_request_error", "claim_not_open");

    for _ in 0..2 {
        app.post("/v1/test/clock", None, json!({ "advance_seconds": 61 })).await;
    }
    let done = app.get(&format!("/v1/claims/{id}"), Some(&w.buyer)).await;
    assert_eq!(done.body["status"], "resolved", "{}", done.body);
    assert_eq!(done.body["outcome"], "buyer");
    assert_eq!(done.body["refund_amount"], 3000);
    let shown = app.get(&format!("/v1/orders/{o}"), Some(&w.buyer)).await;
    let refunds = shown.body["refunds"].as_array().cloned().unwrap_or_default();
    assert_eq!(refunds.len(), 1, "exactly one refund, however often the job ran: {}", shown.body);
    assert_eq!(refunds[0]["amount"], 3000);
    assert_eq!(shown.body["payment"]["amount_refunded"], 3000);
    assert_eq!(refunds[0]["id"], done.body["refund"]);
    app.assert_ledger_balanced().await;
}
