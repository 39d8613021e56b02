//! Refunds over HTTP: partial then full, never more than captured, Pocket parts back at once, card
//! parts pending then settled on the clock, the Pocket as destination, a failed card refund rerouted to
//! the Pocket, a payment in another currency refunded at its original rate, racing refunds, and the
//! ledger check after every scenario.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

struct Shop {
    key: String,
    product: String,
}

async fn shop(app: &TestApp, amount: i64) -> Shop {
    let (key, product) = app.seller("refund-shop@example.com", "Shop", "Kettle", amount).await;
    Shop { key, product }
}

/// A buyer with 50.00 in the Pocket and a saved card; returns (token, card id).
async fn buyer(app: &TestApp, email: &str, card_number: &str) -> (String, String) {
    let token = app.buyer(email).await;
    let card = app
        .post(
            "/v1/cards",
            Some(&token),
            json!({ "number": card_number, "exp_month": 12, "exp_year": 2035, "cvc": "123",
            "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    assert_eq!(card.status, StatusCode::CREATED, "{}", card.body);
    let card_id = card.body["id"].as_str().unwrap_or_default().to_owned();
    let load = app
        .post("/v1/gift_cards/purchase", Some(&token), json!({ "currency": "USD", "items": [{ "denomination": 5000, "quantity": 1 }],
            "payment_method": { "type": "card", "new_card": { "number": "5555555555554444", "exp_month": 12, "exp_year": 2035,
                "cvc": "123", "holder_name": "Ada", "billing_address": address() } } }))
        .await;
    assert_eq!(load.status, StatusCode::CREATED, "{}", load.body);
    (token, card_id)
}

/// An order paid `pocket` from the Pocket and the rest by the saved card, then shipped; returns its id.
async fn shipped_order(app: &TestApp, shop: &Shop, token: &str, card: &str, pocket: Option<i64>) -> String {
    let o = app
        .post(
            "/v1/orders",
            Some(token),
            json!({ "items": [{ "product": shop.product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    let mut body = json!({ "payment_method": { "type": "card", "card": card } });
    if let Some(p) = pocket {
        body["pocket_amount"] = json!(p);
    }
    let paid = app.post(&format!("/v1/orders/{id}/pay"), Some(token), body).await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let shipped = app
        .post(&format!("/v1/orders/{id}/ship"), Some(&shop.key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);
    id
}

async fn available(app: &TestApp, token: &str) -> i64 {
    app.get("/v1/pocket", Some(token)).await.body["balances"][0]["available"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn partial_then_full_never_more_and_card_refunds_settle_on_the_clock() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, 4000).await;
    let (token, card) = buyer(&app, "partial@example.com", "4242424242424242").await;
    let order = shipped_order(&app, &shop, &token, &card, Some(1000)).await;
    assert_eq!(available(&app, &token).await, 4000);
    // Not before shipping, not by the buyer, never more than captured.
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&token), json!({ "reason": "x" })).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "amount": 4001, "reason": "too much" }))
        .await
        .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    // 15.00: the Pocket-paid 10.00 comes back at once, 5.00 goes back to the card, pending for 3 days.
    let first = app
        .post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "amount": 1500, "reason": "scratched" }))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!((first.body["pocket_amount"].as_i64(), first.body["card_amount"].as_i64()), (Some(1000), Some(500)));
    assert_eq!(
        (first.body["status"].as_str(), first.body["destination"].as_str()),
        (Some("pending"), Some("original"))
    );
    assert!(first.body["expected_at"].as_i64().is_some());
    assert_eq!(available(&app, &token).await, 5000);
    let history = app.get("/v1/pocket/transactions?limit=1", Some(&token)).await;
    assert_eq!(
        (history.body["data"][0]["type"].as_str(), history.body["data"][0]["amount"].as_i64()),
        (Some("refund"), Some(1000))
    );
    // The rest: 25.00 to the card.
    let rest = app.post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "reason": "returned" })).await;
    assert_eq!(
        (rest.body["amount"].as_i64(), rest.body["card_amount"].as_i64()),
        (Some(2500), Some(2500)),
        "{}",
        rest.body
    );
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "amount": 1, "reason": "more" }))
        .await
        .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    let o = app.get(&format!("/v1/orders/{order}"), Some(&token)).await;
    assert_eq!(o.body["payment"]["amount_refunded"], 4000);
    // The seller's payable shows it: 40.00 captured, 40.00 refunded.
    let balance = app.get("/v1/balance", Some(&shop.key)).await;
    assert_eq!(balance.body["balances"][0]["payable"], 0, "{}", balance.body);
    assert_eq!(o.body["refunds"].as_array().map(Vec::len), Some(2));
    // Three days later the card refunds have settled.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3 * 86_400 + 1 })).await;
    let token = app.login("partial@example.com", common::PASSWORD).await;
    let o = app.get(&format!("/v1/orders/{order}"), Some(&token)).await;
    let statuses: Vec<&str> = o.body["refunds"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses, vec!["succeeded", "succeeded"], "{}", o.body);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn to_the_pocket_slow_cards_and_failed_card_refunds() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, 2000).await;
    // The buyer asks for the Pocket: immediate, and it never expires.
    let (token, card) = buyer(&app, "to-pocket@example.com", "4242424242424242").await;
    let order = shipped_order(&app, &shop, &token, &card, None).await;
    let r = app
        .post(
            &format!("/v1/orders/{order}/refunds"),
            Some(&shop.key),
            json!({ "reason": "sorry", "destination": "pocket" }),
        )
        .await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["destination"].as_str()),
        (Some("succeeded"), Some("pocket")),
        "{}",
        r.body
    );
    assert_eq!(available(&app, &token).await, 7000);
    let last = app.get("/v1/pocket/transactions?limit=1", Some(&token)).await;
    assert!(last.body["data"][0]["expires_at"].is_null(), "{}", last.body);

    // A card whose refunds take 10 days.
    let (slow, slow_card) = buyer(&app, "slow-refund@example.com", "4000000000007726").await;
    let order = shipped_order(&app, &shop, &slow, &slow_card, None).await;
    let r = app.post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "reason": "late" })).await;
    assert_eq!(r.body["status"], "pending", "{}", r.body);
    let created = r.body["created"].as_i64().unwrap_or(0);
    assert!((r.body["expected_at"].as_i64().unwrap_or(0) - created) >= 10 * 86_400 - 5, "{}", r.body);

    // A card whose refunds fail: the money goes to the Pocket and the buyer is told.
    let (failing, failing_card) = buyer(&app, "failing-refund@example.com", "4000000000000325").await;
    let order = shipped_order(&app, &shop, &failing, &failing_card, None).await;
    let r = app.post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "reason": "broken" })).await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["destination"].as_str()),
        (Some("succeeded"), Some("pocket")),
        "{}",
        r.body
    );
    assert_eq!(available(&app, &failing).await, 7000);
    let inbox = app.get("/v1/test/inbox?to=failing-refund@example.com", None).await;
    let told = inbox.body["data"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x["subject"] == "Your refund went to your Pocket"));
    assert!(told, "{}", inbox.body);

    // Another seller cannot refund this order.
    let other_owner = app.buyer("other-shop@example.com").await;
    let other = app
        .post("/v1/merchants", Some(&other_owner), json!({ "name": "Other", "country": "US", "currency": "USD" }))
        .await;
    let other_key = other.body["secret_key"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&other_key), json!({ "reason": "x" })).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_payment_in_another_currency_is_refunded_at_its_rate() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, 2000).await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    app.put_json("/v1/fx/rates/USD/EUR", Some(&operator), json!({ "rate": "0.9235" })).await;
    let (token, card) = buyer(&app, "fx-refund@example.com", "4242424242424242").await;
    let quote = app.post("/v1/fx/quotes", Some(&token), json!({ "from": "USD", "to": "EUR", "amount": 2000 })).await;
    let o = app
        .post(
            "/v1/orders",
            Some(&token),
            json!({ "items": [{ "product": shop.product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/v1/orders/{id}/pay"),
            Some(&token),
            json!({ "payment_method": { "type": "card", "card": card },
            "currency": "EUR", "fx_quote": quote.body["id"] }),
        )
        .await;
    assert_eq!(paid.body["presentment"]["amount"], 1847, "{}", paid.body);
    app.post(&format!("/v1/orders/{id}/ship"), Some(&shop.key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    // The rate moves; the refund still uses the payment's: 10.00 USD × 0.9235 = 9.235 → 9.24 EUR (half up).
    app.put_json("/v1/fx/rates/USD/EUR", Some(&operator), json!({ "rate": "0.5" })).await;
    let half = app
        .post(&format!("/v1/orders/{id}/refunds"), Some(&shop.key), json!({ "amount": 1000, "reason": "half" }))
        .await;
    assert_eq!(half.body["card_presentment_amount"], 924, "{}", half.body);
    let rest = app.post(&format!("/v1/orders/{id}/refunds"), Some(&shop.key), json!({ "reason": "rest" })).await;
    assert_eq!(
        rest.body["card_presentment_amount"],
        1847 - 924,
        "the last refund takes exactly what is left: {}",
        rest.body
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn two_refunds_racing_for_the_last_amount_make_one() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, 2000).await;
    let (token, card) = buyer(&app, "race@example.com", "4242424242424242").await;
    let order = shipped_order(&app, &shop, &token, &card, Some(500)).await;
    let url = format!("{}/v1/orders/{order}/refunds", app.base);
    let go = || {
        let (client, url, key) = (app.client.clone(), url.clone(), shop.key.clone());
        tokio::spawn(async move {
            let r = client.post(url).bearer_auth(key).json(&json!({ "amount": 2000, "reason": "race" })).send().await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        })
    };
    let (a, b) = (go(), go());
    let mut statuses = vec![a.await.unwrap_or(0), b.await.unwrap_or(0)];
    statuses.sort_unstable();
    assert_eq!(statuses[0], 201, "{statuses:?}");
    assert!(statuses[1] == 400 || statuses[1] == 409, "{statuses:?}");
    let o = app.get(&format!("/v1/orders/{order}"), Some(&token)).await;
    assert_eq!(o.body["payment"]["amount_refunded"], 2000);
    app.assert_ledger_balanced().await;
}
