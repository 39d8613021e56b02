//! The shop over HTTP: products, orders with stock that is never oversold, paying by Pocket, saved
//! card, new card and Pocket + card (authorize), declines that explain themselves and leave the order
//! payable, shipping (capture), cancelling (void), concurrency, and the ledger check after each scenario.

mod common;

use common::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn address() -> Value {
    json!({ "name": "Ada", "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

fn new_card(number: &str) -> Value {
    json!({ "type": "card", "new_card": { "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Ada",
        "billing_address": { "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" } } })
}

/// A seller (its secret key) with one product of `amount` cents and optional stock; returns (key, product id).
async fn seller(app: &TestApp, email: &str, country: &str, amount: i64, stock: Option<i64>) -> (String, String) {
    let owner = app.buyer(email).await;
    let m =
        app.post("/v1/merchants", Some(&owner), json!({ "name": "Shop", "country": country, "currency": "USD" })).await;
    let key = m.body["secret_key"].as_str().unwrap_or_default().to_owned();
    let mut body = json!({ "name": "Teapot", "amount": amount, "currency": "USD" });
    if let Some(s) = stock {
        body["stock"] = json!(s);
    }
    let p = app.post("/v1/products", Some(&key), body).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    (key, p.body["id"].as_str().unwrap_or_default().to_owned())
}

async fn order(app: &TestApp, token: &str, product: &str, quantity: i64) -> Answer {
    app.post(
        "/v1/orders",
        Some(token),
        json!({ "items": [{ "product": product, "quantity": quantity }], "shipping_address": address() }),
    )
    .await
}

#[tokio::test]
async fn products_and_orders_with_stock() {
    let app = TestApp::spawn().await;
    let (key, product) = seller(&app, "shop@example.com", "US", 2500, Some(3)).await;
    let buyer = app.buyer("buyer@example.com").await;
    let one = app.get(&format!("/v1/products/{product}"), None).await;
    assert_eq!(
        (one.body["id"].as_str(), one.body["amount"].as_i64(), one.body["stock"].as_i64()),
        (Some(product.as_str()), Some(2500), Some(3))
    );
    assert_eq!(one.body["merchant_name"], "Shop");
    let listed = app.get("/v1/products", None).await;
    assert_eq!(listed.body["data"][0]["merchant_name"], "Shop", "{}", listed.body);
    app.get("/v1/products/prod_nope", None).await.assert_error(404, "invalid_request_error", "resource_missing");
    app.post("/v1/products", Some(&buyer), json!({ "name": "X", "amount": 100, "currency": "USD" }))
        .await
        .assert_error(403, "authentication_error", "forbidden");
    app.post("/v1/products", Some(&key), json!({ "name": "X", "amount": 100, "currency": "EUR" })).await.assert_error(
        400,
        "invalid_request_error",
        "currency_not_supported",
    );
    app.post("/v1/products", Some(&key), json!({ "name": "X", "amount": 0, "currency": "USD" })).await.assert_error(
        400,
        "invalid_request_error",
        "amount_invalid",
    );
    let listed = app.get("/v1/products", None).await;
    assert_eq!(listed.body["data"][0]["id"], json!(product));

    let o = order(&app, &buyer, &product, 2).await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.body);
    assert_eq!((o.body["status"].as_str(), o.body["amount"].as_i64()), (Some("awaiting_payment"), Some(5000)));
    assert!(o.body["number"].as_str().is_some_and(|n| n.starts_with("PP-")), "{}", o.body);
    order(&app, &buyer, &product, 2).await.assert_error(409, "invalid_request_error", "out_of_stock");
    order(&app, &buyer, "prod_nope", 1).await.assert_error(404, "invalid_request_error", "resource_missing");
    let (_, other_product) = seller(&app, "shop2@example.com", "US", 100, None).await;
    let mixed = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 1 }, { "product": other_product, "quantity": 1 }],
            "shipping_address": address() }),
        )
        .await;
    mixed.assert_error(400, "invalid_request_error", "parameter_invalid");
    // Cancelling returns the stock.
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    let canceled =
        app.post(&format!("/v1/orders/{id}/cancel"), Some(&buyer), json!({ "reason": "changed my mind" })).await;
    assert_eq!(canceled.body["status"], "canceled", "{}", canceled.body);
    let again = order(&app, &buyer, &product, 3).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    // Another buyer and another seller see nothing.
    let stranger = app.buyer("stranger@example.com").await;
    app.get(&format!("/v1/orders/{id}"), Some(&stranger)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    let (other_key, _) = seller(&app, "shop3@example.com", "US", 100, None).await;
    app.get(&format!("/v1/orders/{id}"), Some(&other_key)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    assert_eq!(app.get(&format!("/v1/orders/{id}"), Some(&key)).await.status, StatusCode::OK);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn pay_by_pocket_card_and_both_then_ship_captures() {
    let app = TestApp::spawn().await;
    let (key, product) = seller(&app, "seller@example.com", "US", 3000, None).await;
    let buyer = app.buyer("payer@example.com").await;
    app.load_pocket(&buyer, 5000, 1).await;

    // The Pocket alone.
    let o1 = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(&format!("/v1/orders/{o1}/pay"), Some(&buyer), json!({ "payment_method": { "type": "pocket" } }))
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert_eq!(
        (paid.body["status"].as_str(), paid.body["pocket_amount"].as_i64()),
        (Some("requires_capture"), Some(3000))
    );
    assert_eq!(app.pocket(&buyer).await, (2000, 3000), "held, not charged");
    app.post(&format!("/v1/orders/{o1}/pay"), Some(&buyer), json!({ "payment_method": { "type": "pocket" } }))
        .await
        .assert_error(409, "invalid_request_error", "order_not_payable");

    // A new card, saved for later.
    let o2 = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let mut method = new_card("4242424242424242");
    method["save"] = json!(true);
    let challenged = app.post(&format!("/v1/orders/{o2}/pay"), Some(&buyer), json!({ "payment_method": method })).await;
    assert_eq!(
        challenged.body["status"], "requires_action",
        "a card typed at checkout needs a code: {}",
        challenged.body
    );
    let payment = challenged.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("payer@example.com").await;
    let by_card = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(by_card.status, StatusCode::OK, "{}", by_card.body);
    assert_eq!(
        (by_card.body["card_amount"].as_i64(), by_card.body["card"]["last4"].as_str()),
        (Some(3000), Some("4242"))
    );
    assert!(by_card.body["capture_before"].as_i64().is_some());
    let cards = app.get("/v1/cards", Some(&buyer)).await;
    let saved = cards.body["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(cards.body["data"][0]["last4"], "4242");

    // Pocket + saved card.
    let o3 = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let split = app
        .post(
            &format!("/v1/orders/{o3}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": saved }, "pocket_amount": 1500 }),
        )
        .await;
    assert_eq!(split.status, StatusCode::OK, "{}", split.body);
    assert_eq!((split.body["pocket_amount"].as_i64(), split.body["card_amount"].as_i64()), (Some(1500), Some(1500)));
    assert_eq!(app.pocket(&buyer).await, (500, 4500));

    // Shipping captures; the Pocket part is charged, the rest of the holds untouched.
    let shipped = app
        .post(&format!("/v1/orders/{o3}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z999" }))
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert_eq!(shipped.body["status"], "shipped");
    assert_eq!(
        (shipped.body["payment"]["status"].as_str(), shipped.body["payment"]["amount_captured"].as_i64()),
        (Some("succeeded"), Some(3000))
    );
    assert_eq!(app.pocket(&buyer).await, (500, 3000));
    app.post(&format!("/v1/orders/{o3}/cancel"), Some(&buyer), json!({})).await.assert_error(
        409,
        "invalid_request_error",
        "order_already_shipped",
    );
    app.post(&format!("/v1/orders/{o3}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z999" }))
        .await
        .assert_error(409, "invalid_request_error", "order_already_shipped");
    let delivered = app.post(&format!("/v1/orders/{o3}/deliver"), Some(&key), json!({})).await;
    assert_eq!(delivered.body["status"], "delivered", "{}", delivered.body);
    let done = app.post(&format!("/v1/orders/{o3}/confirm_receipt"), Some(&buyer), json!({})).await;
    assert_eq!(done.body["status"], "completed", "{}", done.body);

    // Cancelling a paid order voids and releases: the buyer is never charged.
    let canceled =
        app.post(&format!("/v1/orders/{o1}/cancel"), Some(&key), json!({ "reason": "out of teapots" })).await;
    assert_eq!(
        (canceled.body["status"].as_str(), canceled.body["payment"]["status"].as_str()),
        (Some("canceled"), Some("canceled"))
    );
    assert_eq!(app.pocket(&buyer).await, (3500, 0));
    let payment = canceled.body["payment"]["id"].as_str().unwrap_or_default().to_owned();
    let seen = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await;
    assert_eq!(seen.body["status"], "canceled");
    let stranger = app.buyer("nosy@example.com").await;
    app.get(&format!("/v1/payments/{payment}"), Some(&stranger)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn every_decline_explains_itself_and_leaves_the_order_payable() {
    // Cards typed at checkout would each ask for a code first (tested in step_up.rs); here the declines are the subject.
    let app = TestApp::spawn_with(|c| c.step_up_new_cards = false).await;
    let (_key, product) = seller(&app, "fr-shop@example.com", "FR", 2000, None).await;
    let buyer = app.buyer("decline-walker@example.com").await;
    app.load_pocket(&buyer, 1000, 1).await;
    let o = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    // (card, code, shown decline code)
    let rows = [
        ("4000000000000002", "card_declined", Some("generic_decline")),
        ("4000000000009995", "card_declined", Some("insufficient_funds")),
        ("4000000000009987", "card_declined", Some("generic_decline")),
        ("4000000000009979", "card_declined", Some("generic_decline")),
        ("4100000000000019", "card_declined", Some("generic_decline")),
        ("4000000000000069", "expired_card", None),
        ("4000000000000127", "incorrect_cvc", None),
        ("4000000000000119", "processing_error", None),
        ("4000000000006975", "card_declined", Some("card_velocity_exceeded")),
        ("4000000000000341", "card_declined", Some("generic_decline")),
        ("4000000000000010", "card_declined", Some("incorrect_address")),
        ("4000000000000036", "card_declined", Some("incorrect_zip")),
        ("4000000000000218", "card_declined", Some("transaction_not_allowed")),
        ("4000000000000911", "processing_error", None),
        ("4242424242424241", "incorrect_number", None),
    ];
    for (i, (number, code, decline)) in rows.iter().enumerate() {
        // Half of the walks pay part with the Pocket: the hold must be released when the card fails.
        let mut body = json!({ "payment_method": new_card(number) });
        if i % 2 == 0 {
            body["pocket_amount"] = json!(500);
        }
        let a = app.post(&format!("/v1/orders/{o}/pay"), Some(&buyer), body).await;
        a.assert_error(402, "card_error", code);
        assert_eq!(a.body["error"]["decline_code"].as_str(), *decline, "{number}: {}", a.body);
        assert!(a.body["error"]["advice"].as_array().is_some_and(|v| !v.is_empty()), "{}", a.body);
        if *code != "incorrect_number" {
            assert_eq!(a.body["error"]["payment"]["status"], "requires_payment_method", "{number}: {}", a.body);
        }
        assert_eq!(app.pocket(&buyer).await, (1000, 0), "{number}: nothing stays held");
    }
    let order_now = app.get(&format!("/v1/orders/{o}"), Some(&buyer)).await;
    assert_eq!(order_now.body["status"], "awaiting_payment");
    let attempts = order_now.body["payment"]["attempts"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(attempts, rows.len() - 1, "every attempt that reached the payment is kept");
    // Then a good card pays.
    let ok = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4242424242424242"), "pocket_amount": 500 }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(app.pocket(&buyer).await, (500, 500));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn concurrent_pays_stock_and_one_pocket() {
    let app = TestApp::spawn().await;
    let (_key, product) = seller(&app, "busy-shop@example.com", "US", 1000, Some(10)).await;
    let buyer = app.buyer("busy-buyer@example.com").await;
    app.load_pocket(&buyer, 15000, 1).await;

    // Thirty concurrent orders for ten in stock: exactly ten.
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (client, url, token, product) =
            (app.client.clone(), format!("{}/v1/orders", app.base), buyer.clone(), product.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut orders = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap_or_else(|e| panic!("{e}"));
        match status {
            201 => orders.push(body["id"].as_str().unwrap_or_default().to_owned()),
            409 => assert_eq!(body["error"]["code"], "out_of_stock"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(orders.len(), 10);

    // A hundred concurrent pays of one order: one authorization.
    let first = orders[0].clone();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (client, url, token) = (app.client.clone(), format!("{}/v1/orders/{first}/pay", app.base), buyer.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "payment_method": { "type": "pocket" } }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            r.status().as_u16()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            200 => ok += 1,
            409 => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(app.pocket(&buyer).await, (14000, 1000), "held once");

    // The other nine paid at once from one Pocket holding 140.00: all fit; then a tenth order does not.
    let mut tasks = Vec::new();
    for id in orders.iter().skip(1) {
        let (client, url, token) = (app.client.clone(), format!("{}/v1/orders/{id}/pay", app.base), buyer.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "payment_method": { "type": "pocket" } }))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap_or(0), 200);
    }
    assert_eq!(app.pocket(&buyer).await, (5000, 10000));
    app.assert_ledger_balanced().await;
}

async fn save_card(app: &TestApp, token: &str, number: &str) -> String {
    let c = app
        .post(
            "/v1/cards",
            Some(token),
            json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Ada",
            "billing_address": { "line1": "1 Main St", "city": "Paris", "postal_code": "75001", "country": "FR" } }),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    c.body["id"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn paying_in_the_buyers_currency_at_a_locked_rate() {
    let app = TestApp::spawn().await;
    let (key, product) = seller(&app, "us-shop@example.com", "US", 2000, None).await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    let buyer = app.buyer_from("fr-buyer@example.com", "FR").await;
    app.put_json("/v1/fx/rates/USD/EUR", Some(&buyer), json!({ "rate": "0.9" })).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    app.put_json("/v1/fx/rates/USD/EUR", Some(&operator), json!({ "rate": "abc" })).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    let rate = app.put_json("/v1/fx/rates/USD/EUR", Some(&operator), json!({ "rate": "0.9235" })).await;
    assert_eq!(rate.status, StatusCode::OK, "{}", rate.body);
    let rates = app.get("/v1/fx/rates", None).await;
    assert_eq!(
        rates.body["data"],
        json!([{ "object": "fx_rate", "from": "USD", "to": "EUR", "rate": "0.9235", "updated": rate.body["updated"] }])
    );
    app.post("/v1/fx/quotes", Some(&buyer), json!({ "from": "USD", "to": "JPY", "amount": 2000 })).await.assert_error(
        400,
        "invalid_request_error",
        "currency_not_supported",
    );
    let quote = app.post("/v1/fx/quotes", Some(&buyer), json!({ "from": "USD", "to": "EUR", "amount": 2000 })).await;
    assert_eq!(quote.status, StatusCode::CREATED, "{}", quote.body);
    // 20.00 USD × 0.9235 = 18.47 EUR exactly.
    assert_eq!((quote.body["to_amount"].as_i64(), quote.body["rate"].as_str()), (Some(1847), Some("0.9235")));
    let card = save_card(&app, &buyer, "4000002500000003").await;
    let o = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card },
            "currency": "EUR", "fx_quote": quote.body["id"] }),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert_eq!(paid.body["presentment"], json!({ "amount": 1847, "currency": "EUR", "rate": "0.9235" }));
    assert_eq!((paid.body["amount"].as_i64(), paid.body["currency"].as_str()), (Some(2000), Some("USD")));
    let shipped = app
        .post(&format!("/v1/orders/{o}/ship"), Some(&key), json!({ "carrier": "DHL", "tracking_number": "D1" }))
        .await;
    assert_eq!(shipped.body["payment"]["status"], "succeeded", "{}", shipped.body);
    // A quote is locked for 15 minutes; after that, nothing is charged.
    let late = app.post("/v1/fx/quotes", Some(&buyer), json!({ "from": "USD", "to": "EUR", "amount": 2000 })).await;
    let o2 = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 901 })).await;
    let expired = app
        .post(
            &format!("/v1/orders/{o2}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card },
            "currency": "EUR", "fx_quote": late.body["id"] }),
        )
        .await;
    expired.assert_error(400, "invalid_request_error", "fx_quote_expired");
    let o2_now = app.get(&format!("/v1/orders/{o2}"), Some(&buyer)).await;
    assert_eq!((o2_now.body["status"].as_str(), o2_now.body["payment"].is_null()), (Some("awaiting_payment"), true));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn authorizations_about_to_lapse_are_renewed_or_the_order_cancelled() {
    let app = TestApp::spawn_with(|c| c.step_up_new_cards = false).await;
    let (key, product) = seller(&app, "slow-shop@example.com", "US", 2000, Some(5)).await;
    let buyer = app.buyer_from("slow-buyer@example.com", "FR").await;
    // A saved card whose authorizations last one day.
    let card = save_card(&app, &buyer, "4000000000000242").await;
    let o = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    // (A US card for a French buyer asks for a code first.)
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = if paid.body["status"] == "requires_action" {
        let code = app.inbox_code("slow-buyer@example.com").await;
        app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await
    } else {
        paid
    };
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let first_expiry = paid.body["capture_before"].as_i64().unwrap_or(0);
    // A typed card is not kept: its authorization cannot be renewed.
    let o2 = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let typed = app
        .post(&format!("/v1/orders/{o2}/pay"), Some(&buyer), json!({ "payment_method": new_card("4000000000000242") }))
        .await;
    let typed_payment = typed.body["id"].as_str().unwrap_or_default().to_owned();
    let typed = if typed.body["status"] == "requires_action" {
        let code = app.inbox_code("slow-buyer@example.com").await;
        app.post(&format!("/v1/payments/{typed_payment}/verify"), Some(&buyer), json!({ "code": code })).await
    } else {
        typed
    };
    assert_eq!(typed.body["status"], "requires_capture", "{}", typed.body);

    // Nineteen hours later both are within six hours of lapsing.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 19 * 3600 })).await;
    let buyer = app.login("slow-buyer@example.com", common::PASSWORD).await;
    let renewed = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await;
    assert_eq!(renewed.body["status"], "requires_capture", "{}", renewed.body);
    assert!(renewed.body["capture_before"].as_i64().unwrap_or(0) > first_expiry, "{}", renewed.body);
    assert!(
        renewed.body["attempts"].as_array().is_some_and(|a| a.iter().any(|x| x["status"] == "reauthorized")),
        "{}",
        renewed.body
    );
    let shipped = app
        .post(&format!("/v1/orders/{o}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    assert_eq!(shipped.body["payment"]["status"], "succeeded", "the renewed authorization captures: {}", shipped.body);

    let canceled = app.get(&format!("/v1/orders/{o2}"), Some(&buyer)).await;
    assert_eq!(
        (canceled.body["status"].as_str(), canceled.body["payment"]["status"].as_str()),
        (Some("canceled"), Some("canceled"))
    );
    let mail = app.get("/v1/test/inbox?to=slow-buyer@example.com", None).await;
    let told = mail.body["data"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x["body"].as_str().unwrap_or("").contains("could not be renewed")));
    assert!(told, "the buyer is told why: {}", mail.body);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_hundred_concurrent_card_pays_make_one_authorization() {
    let app = TestApp::spawn().await;
    let (_key, product) = seller(&app, "card-race@example.com", "US", 2500, None).await;
    let buyer = app.buyer("card-racer@example.com").await;
    let c = app
        .post("/v1/cards", Some(&buyer), json!({ "number": "5555555555554444", "exp_month": 12, "exp_year": 2035, "cvc": "123",
            "holder_name": "Ada", "billing_address": { "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" } }))
        .await;
    let card = c.body["id"].as_str().unwrap_or_default().to_owned();
    let o = order(&app, &buyer, &product, 1).await.body["id"].as_str().unwrap_or_default().to_owned();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (client, url, token, card) =
            (app.client.clone(), format!("{}/v1/orders/{o}/pay", app.base), buyer.clone(), card.clone());
        tasks.push(tokio::spawn(async move {
            // Half of them retry with one shared Idempotency-Key, half without.
            let mut r = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "payment_method": { "type": "card", "card": card } }));
            if i % 2 == 0 {
                r = r.header("Idempotency-Key", "pay-once");
            }
            let r = r.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut authorized = std::collections::HashSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap_or_else(|e| panic!("{e}"));
        match status {
            200 => {
                assert_eq!(body["status"], "requires_capture", "{body}");
                authorized.insert(body["id"].as_str().unwrap_or_default().to_owned());
            }
            409 => {}
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(authorized.len(), 1, "one payment");
    let payment = authorized.into_iter().next().unwrap_or_default();
    let seen = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await;
    let attempts = seen.body["attempts"].as_array().cloned().unwrap_or_default();
    assert_eq!(attempts.iter().filter(|a| a["status"] == "succeeded").count(), 1, "one authorization: {}", seen.body);
    assert_eq!(attempts.len(), 1, "the losers never reached the issuer");
    app.assert_ledger_balanced().await;
}
