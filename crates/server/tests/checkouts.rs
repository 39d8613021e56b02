//! Carts with several sellers over HTTP: one checkout makes an order per seller and is paid once (one
//! code, one card authorization, the Pocket held per order); each seller then ships (captures its
//! part), cancels (releases its part) or refunds its own order, and the issuer, the Pocket, each
//! order and the ledger agree to the cent.

mod common;

use common::{address, new_card, Answer, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn checkout(app: &TestApp, token: &str, items: &[(&str, i64)]) -> Answer {
    let items: Vec<Value> = items.iter().map(|(p, q)| json!({ "product": p, "quantity": q })).collect();
    app.post("/v1/checkouts", Some(token), json!({ "items": items, "shipping_address": address() })).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

/// The order of `merchant_key`'s shop in a checkout's answer.
fn order_of<'a>(checkout: &'a Value, product: &str) -> &'a Value {
    checkout["orders"]
        .as_array()
        .and_then(|orders| orders.iter().find(|o| o["items"][0]["product"] == product))
        .unwrap_or_else(|| panic!("no order of {product} in {checkout}"))
}

/// The test issuer's record of an authorization: (amount, captured, released, refunded, status).
fn issuer_authorization(app: &TestApp, id: &str) -> (i64, i64, i64, i64, String) {
    let db = rusqlite::Connection::open(app.dir.join("issuer.db")).unwrap_or_else(|e| panic!("issuer db: {e}"));
    db.query_row("SELECT amount, captured, released, refunded, status FROM authorizations WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap_or_else(|e| panic!("authorization {id}: {e}"))
}

/// One value the test issuer's database answers `sql` with.
fn issuer_value<T: rusqlite::types::FromSql>(app: &TestApp, sql: &str, params: impl rusqlite::Params) -> T {
    let db = rusqlite::Connection::open(app.dir.join("issuer.db")).unwrap_or_else(|e| panic!("issuer db: {e}"));
    db.query_row(sql, params, |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// How many operations of `kind` the issuer recorded on an authorization, and how many
/// authorizations the card of that authorization has.
fn issuer_counts(app: &TestApp, id: &str, kind: &str) -> (i64, i64) {
    let operations =
        issuer_value(app, "SELECT count(*) FROM operations WHERE authorization_id = ?1 AND kind = ?2", [id, kind]);
    let authorizations = issuer_value(
        app,
        "SELECT count(*) FROM authorizations WHERE card_ref = (SELECT card_ref FROM authorizations WHERE id = ?1)",
        [id],
    );
    (operations, authorizations)
}

#[tokio::test]
async fn three_sellers_are_paid_once_and_each_ships_cancels_or_refunds_its_own_part() {
    let app = TestApp::spawn().await;
    let (key_a, product_a) = app.seller("a@example.com", "Shop A", "Lamp", 3_000).await;
    let (key_b, product_b) = app.seller("b@example.com", "Shop B", "Rug", 2_000).await;
    let (key_c, product_c) = app.seller("c@example.com", "Shop C", "Chair", 5_000).await;
    let buyer = app.buyer("cart@example.com").await;
    app.load_pocket(&buyer, 5_000, 1).await;
    assert_eq!(app.pocket(&buyer).await, (5_000, 0));

    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1), (&product_c, 1)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let c = &created.body;
    assert_eq!((c["object"].as_str(), c["status"].as_str()), (Some("checkout"), Some("awaiting_payment")));
    assert_eq!((c["amount"].as_i64(), c["currency"].as_str()), (Some(10_000), Some("USD")));
    assert_eq!(c["orders"].as_array().map(Vec::len), Some(3), "one order per seller");
    let (order_a, order_b, order_c) =
        (id(order_of(c, &product_a)), id(order_of(c, &product_b)), id(order_of(c, &product_c)));
    let numbers: Vec<&str> =
        c["orders"].as_array().into_iter().flatten().filter_map(|o| o["number"].as_str()).collect();
    assert_eq!(numbers.len(), 3, "each order has its own number");
    let checkout_id = id(c);
    // An order of a checkout is paid through its checkout only.
    app.pay_with_card(&buyer, &order_a, "card_x").await.assert_error(409, "invalid_request_error", "order_not_payable");

    // Half from the Pocket, half from a new card: one code for the whole cart.
    let pay = app
        .post(
            &format!("/v1/checkouts/{checkout_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4242424242424242"), "pocket_amount": 5_000 }),
        )
        .await;
    assert_eq!(pay.status, StatusCode::OK, "{}", pay.body);
    assert_eq!(pay.body["status"], "requires_action", "{}", pay.body);
    assert_eq!(pay.body["checkout"].as_str(), Some(checkout_id.as_str()));
    let payment = id(&pay.body);
    let inbox = app.get("/v1/test/inbox?to=cart@example.com", None).await;
    let codes = inbox.body["data"].as_array().into_iter().flatten().filter(|m| m["code"].is_string()).count();
    let code = app.inbox_code("cart@example.com").await;
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);
    let after = app.get("/v1/test/inbox?to=cart@example.com", None).await;
    let codes_after = after.body["data"].as_array().into_iter().flatten().filter(|m| m["code"].is_string()).count();
    assert_eq!(codes_after, codes, "one code for the whole cart");
    assert_eq!((ok.body["pocket_amount"].as_i64(), ok.body["card_amount"].as_i64()), (Some(5_000), Some(5_000)));
    // The payment knows how much of it belongs to each order, and the parts sum to it.
    let parts = ok.body["orders"].as_array().cloned().unwrap_or_default();
    assert_eq!(parts.len(), 3, "{}", ok.body);
    let share = |order: &str, field: &str| -> i64 {
        parts.iter().find(|p| p["order"] == order).and_then(|p| p[field].as_i64()).unwrap_or(-1)
    };
    assert_eq!((share(&order_a, "pocket_amount"), share(&order_a, "card_amount")), (1_500, 1_500));
    assert_eq!((share(&order_b, "pocket_amount"), share(&order_b, "card_amount")), (1_000, 1_000));
    assert_eq!((share(&order_c, "pocket_amount"), share(&order_c, "card_amount")), (2_500, 2_500));
    assert_eq!(parts.iter().filter_map(|p| p["amount"].as_i64()).sum::<i64>(), 10_000);
    assert_eq!(app.pocket(&buyer).await, (0, 5_000), "the Pocket part is held");
    let viewed = app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&buyer)).await;
    assert_eq!(viewed.body["status"], "paid", "{}", viewed.body);
    for o in viewed.body["orders"].as_array().into_iter().flatten() {
        assert_eq!(o["status"], "paid");
        assert_eq!(o["payment"]["checkout"].as_str(), Some(checkout_id.as_str()));
    }
    let authorization: String =
        issuer_value(&app, "SELECT id FROM authorizations WHERE amount = 5000 AND status = 'authorized'", []);

    // A ships: its part is captured; the rest stays authorized.
    let ship = json!({ "carrier": "UPS", "tracking_number": "1Z999" });
    let shipped = app.post(&format!("/v1/orders/{order_a}/ship"), Some(&key_a), ship.clone()).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert_eq!(shipped.body["payment"]["amount_captured"], 3_000);
    assert_eq!(issuer_authorization(&app, &authorization), (5_000, 1_500, 0, 0, "authorized".into()));
    // Another seller cannot touch A's order; B cannot ship it.
    app.post(&format!("/v1/orders/{order_a}/ship"), Some(&key_b), ship.clone()).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    // B cancels: only its part is released, and the buyer is told.
    let canceled =
        app.post(&format!("/v1/orders/{order_b}/cancel"), Some(&key_b), json!({ "reason": "out of stock" })).await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.body);
    assert_eq!(canceled.body["payment"]["status"], "canceled");
    assert_eq!(issuer_authorization(&app, &authorization), (5_000, 1_500, 1_000, 0, "authorized".into()));
    assert_eq!(app.pocket(&buyer).await, (1_000, 2_500), "B's Pocket part is back");
    let mail = app.get("/v1/test/inbox?to=cart@example.com", None).await;
    assert!(mail.body.to_string().contains("was cancelled"), "{}", mail.body);
    // C ships, then refunds 10.00 of its 50.00.
    let shipped = app.post(&format!("/v1/orders/{order_c}/ship"), Some(&key_c), ship).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert_eq!(issuer_authorization(&app, &authorization), (5_000, 4_000, 1_000, 0, "captured".into()));
    let refund = app
        .post(&format!("/v1/orders/{order_c}/refunds"), Some(&key_c), json!({ "amount": 1_000, "reason": "scratched" }))
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    let (refund_pocket, refund_card) =
        (refund.body["pocket_amount"].as_i64().unwrap_or(-1), refund.body["card_amount"].as_i64().unwrap_or(-1));
    assert_eq!(refund_pocket + refund_card, 1_000, "{}", refund.body);
    // Never more than C's part.
    app.post(&format!("/v1/orders/{order_c}/refunds"), Some(&key_c), json!({ "amount": 4_001, "reason": "all" }))
        .await
        .assert_error(400, "invalid_request_error", "refund_exceeds_captured");

    // The card: one authorization, two captures, one release; refunded on that authorization.
    assert_eq!(issuer_counts(&app, &authorization, "capture_part"), (2, 1));
    assert_eq!(issuer_counts(&app, &authorization, "release"), (1, 1));
    let (_, captured, released, refunded, status) = issuer_authorization(&app, &authorization);
    assert_eq!((captured, released, refunded, status.as_str()), (4_000, 1_000, refund_card, "captured"));
    // The Pocket: 50.00 loaded, 15.00 (A) and 25.00 (C) spent, B's 10.00 back, and C's refund's Pocket part.
    assert_eq!(app.pocket(&buyer).await, (1_000 + refund_pocket, 0));
    let history = app.get("/v1/pocket/transactions", Some(&buyer)).await;
    let lines = history.body["data"].as_array().cloned().unwrap_or_default();
    let sum_of =
        |kind: &str| -> i64 { lines.iter().filter(|l| l["type"] == kind).filter_map(|l| l["amount"].as_i64()).sum() };
    assert_eq!(sum_of("payment_capture"), -4_000, "{}", history.body);
    assert_eq!(sum_of("payment_hold"), -5_000, "{}", history.body);
    // Each seller's order, to the cent.
    let a = app.get(&format!("/v1/orders/{order_a}"), Some(&key_a)).await.body;
    assert_eq!((a["status"].as_str(), a["payment"]["amount_captured"].as_i64()), (Some("shipped"), Some(3_000)));
    let b = app.get(&format!("/v1/orders/{order_b}"), Some(&key_b)).await.body;
    assert_eq!((b["status"].as_str(), b["payment"]["amount_captured"].as_i64()), (Some("canceled"), Some(0)));
    let c = app.get(&format!("/v1/orders/{order_c}"), Some(&key_c)).await.body;
    assert_eq!(
        (c["payment"]["amount_captured"].as_i64(), c["payment"]["amount_refunded"].as_i64()),
        (Some(5_000), Some(1_000))
    );
    // The whole payment: captured ≤ authorized, and what its parts add up to.
    let whole = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await.body;
    assert_eq!(
        (whole["status"].as_str(), whole["amount_captured"].as_i64(), whole["amount_refunded"].as_i64()),
        (Some("succeeded"), Some(8_000), Some(1_000)),
        "{whole}"
    );
    // A seller sees their own order's part, never the whole payment or the checkout.
    app.get(&format!("/v1/payments/{payment}"), Some(&key_a)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&key_a)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    // Operators find the cart's orders by the cart or by its payment.
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    for q in [checkout_id.as_str(), payment.as_str()] {
        let found = app.get(&format!("/v1/search?q={q}"), Some(&operator)).await;
        assert_eq!(found.body["orders"].as_array().map(Vec::len), Some(3), "{}", found.body);
    }
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_decline_leaves_every_order_payable_and_holds_nothing() {
    let app = TestApp::spawn().await;
    let (_, product_a) = app.seller("da@example.com", "Shop A", "Lamp", 1_000).await;
    let (_, product_b) = app.seller("db@example.com", "Shop B", "Rug", 2_000).await;
    let buyer = app.buyer("decline@example.com").await;
    app.load_pocket(&buyer, 2_000, 1).await;
    let declined_card = app.save_card(&buyer, "4000000000000341").await;
    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1)]).await;
    let checkout_id = id(&created.body);
    let pay = app
        .post(
            &format!("/v1/checkouts/{checkout_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": declined_card }, "pocket_amount": 1_000 }),
        )
        .await;
    assert_eq!(pay.status, StatusCode::PAYMENT_REQUIRED, "{}", pay.body);
    assert_eq!(pay.body["error"]["payment"]["status"], "requires_payment_method");
    assert_eq!(app.pocket(&buyer).await, (2_000, 0), "nothing stays held");
    let viewed = app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&buyer)).await.body;
    assert_eq!(viewed["status"], "awaiting_payment");
    for o in viewed["orders"].as_array().into_iter().flatten() {
        assert_eq!(o["status"], "awaiting_payment", "{o}");
    }
    // The Pocket alone pays both once it can.
    app.load_pocket(&buyer, 1_000, 1).await;
    let paid = app
        .post(
            &format!("/v1/checkouts/{checkout_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "pocket" } }),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert_eq!(paid.body["status"], "requires_capture");
    assert_eq!(app.pocket(&buyer).await, (0, 3_000));
    let viewed = app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&buyer)).await.body;
    assert_eq!(viewed["status"], "paid", "{viewed}");
    app.post(
        &format!("/v1/checkouts/{checkout_id}/pay"),
        Some(&buyer),
        json!({ "payment_method": { "type": "pocket" } }),
    )
    .await
    .assert_error(409, "invalid_request_error", "order_not_payable");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn two_pays_of_one_checkout_at_once_make_one_authorization() {
    let app = TestApp::spawn().await;
    let (_, product_a) = app.seller("ca@example.com", "Shop A", "Lamp", 1_500).await;
    let (_, product_b) = app.seller("cb@example.com", "Shop B", "Rug", 2_500).await;
    let buyer = app.buyer("twice@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1)]).await;
    let checkout_id = id(&created.body);
    let path = format!("/v1/checkouts/{checkout_id}/pay");
    let body = json!({ "payment_method": { "type": "card", "card": card } });
    let (first, second) =
        tokio::join!(app.post(&path, Some(&buyer), body.clone()), app.post(&path, Some(&buyer), body.clone()));
    let statuses = [first.status, second.status];
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{} / {}", first.body, second.body);
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 1, "{} / {}", first.body, second.body);
    let authorized: i64 = issuer_value(&app, "SELECT count(*) FROM authorizations WHERE amount = 4000", []);
    assert_eq!(authorized, 1, "one authorization for the cart");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn checkouts_refuse_what_they_cannot_pay_and_show_only_to_their_buyer() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("ra@example.com", "Shop A", "Lamp", 1_000).await;
    let owner = app.buyer("eur-shop@example.com").await;
    let m =
        app.post("/v1/merchants", Some(&owner), json!({ "name": "Euro", "country": "DE", "currency": "EUR" })).await;
    let key = m.body["secret_key"].as_str().unwrap_or_default().to_owned();
    let p = app.post("/v1/products", Some(&key), json!({ "name": "Mug", "amount": 900, "currency": "EUR" })).await;
    let euro_product = id(&p.body);
    let buyer = app.buyer("refused@example.com").await;
    let mixed = checkout(&app, &buyer, &[(&product, 1), (&euro_product, 1)]).await;
    mixed.assert_error(400, "invalid_request_error", "parameter_invalid");
    assert_eq!(mixed.body["error"]["param"], "items[1].product");
    checkout(&app, &buyer, &[]).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    checkout(&app, &buyer, &[("prod_nope", 1)]).await.assert_error(404, "invalid_request_error", "resource_missing");
    let one = checkout(&app, &buyer, &[(&product, 2)]).await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.body);
    assert_eq!(one.body["amount"], 2_000);
    let checkout_id = id(&one.body);
    let other = app.buyer("other@example.com").await;
    app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&other)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.post(
        &format!("/v1/checkouts/{checkout_id}/pay"),
        Some(&other),
        json!({ "payment_method": { "type": "pocket" } }),
    )
    .await
    .assert_error(404, "invalid_request_error", "resource_missing");
    // The buyer cancels the only order: nothing is left to pay.
    let order = id(&one.body["orders"][0]);
    let canceled = app.post(&format!("/v1/orders/{order}/cancel"), Some(&buyer), json!({})).await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.body);
    let viewed = app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&buyer)).await.body;
    assert_eq!((viewed["status"].as_str(), viewed["amount_due"].as_i64()), (Some("canceled"), Some(0)));
    app.post(
        &format!("/v1/checkouts/{checkout_id}/pay"),
        Some(&buyer),
        json!({ "payment_method": { "type": "pocket" } }),
    )
    .await
    .assert_error(409, "invalid_request_error", "order_not_payable");
}

#[tokio::test]
async fn a_lapsing_authorization_is_renewed_for_what_is_left_to_ship() {
    let app = TestApp::spawn_with(|c| c.step_up_new_cards = false).await;
    let (key_a, product_a) = app.seller("la@example.com", "Shop A", "Lamp", 2_000).await;
    let (key_b, product_b) = app.seller("lb@example.com", "Shop B", "Rug", 3_000).await;
    let buyer = app.buyer("lapse@example.com").await;
    // A saved card whose authorizations last one day.
    let card = app.save_card(&buyer, "4000000000000242").await;
    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1)]).await;
    let checkout_id = id(&created.body);
    let (order_a, order_b) = (id(order_of(&created.body, &product_a)), id(order_of(&created.body, &product_b)));
    let paid = app
        .post(
            &format!("/v1/checkouts/{checkout_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let payment = id(&paid.body);
    let first: String = issuer_value(&app, "SELECT id FROM authorizations WHERE amount = 5000", []);
    // A ships at once; B has not shipped nineteen hours later, within six hours of the lapse.
    let ship = json!({ "carrier": "UPS", "tracking_number": "1Z" });
    let shipped = app.post(&format!("/v1/orders/{order_a}/ship"), Some(&key_a), ship.clone()).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 19 * 3600 })).await;
    let buyer = app.login("lapse@example.com", common::PASSWORD).await;
    // The old authorization kept A's capture and gave back the rest; a new one holds B's part only.
    assert_eq!(issuer_authorization(&app, &first), (5_000, 2_000, 3_000, 0, "captured".into()));
    let renewed = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await.body;
    assert!(
        renewed["attempts"].as_array().is_some_and(|a| a.iter().any(|x| x["status"] == "reauthorized")),
        "{renewed}"
    );
    // A renewal of 30.00.
    let second: String = issuer_value(&app, "SELECT id FROM authorizations WHERE amount = 3000", []);
    let shipped = app.post(&format!("/v1/orders/{order_b}/ship"), Some(&key_b), ship).await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    assert_eq!(shipped.body["payment"]["amount_captured"], 3_000);
    assert_eq!(issuer_authorization(&app, &second), (3_000, 3_000, 0, 0, "captured".into()));
    let whole = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await.body;
    assert_eq!((whole["status"].as_str(), whole["amount_captured"].as_i64()), (Some("succeeded"), Some(5_000)));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_cart_is_paid_in_the_buyers_currency_at_one_locked_quote() {
    let app = TestApp::spawn().await;
    let (key_a, product_a) = app.seller("fa@example.com", "Shop A", "Lamp", 2_000).await;
    let (_, product_b) = app.seller("fb@example.com", "Shop B", "Rug", 1_000).await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    let rate = app.put_json("/v1/fx/rates/USD/EUR", Some(&operator), json!({ "rate": "0.9235" })).await;
    assert_eq!(rate.status, StatusCode::OK, "{}", rate.body);
    let buyer = app.buyer_from("fx-cart@example.com", "FR").await;
    let card = app.save_card(&buyer, "4000002500000003").await;
    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1)]).await;
    let checkout_id = id(&created.body);
    let order_a = id(order_of(&created.body, &product_a));
    // 30.00 USD × 0.9235 = 27.705 → 27.71 EUR for the whole cart, one quote.
    let quote = app.post("/v1/fx/quotes", Some(&buyer), json!({ "from": "USD", "to": "EUR", "amount": 3_000 })).await;
    assert_eq!(quote.status, StatusCode::CREATED, "{}", quote.body);
    let total_eur = quote.body["to_amount"].as_i64().unwrap_or(-1);
    let pay = app
        .post(
            &format!("/v1/checkouts/{checkout_id}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card }, "currency": "EUR", "fx_quote": quote.body["id"] }),
        )
        .await;
    let payment = id(&pay.body);
    let paid = if pay.body["status"] == "requires_action" {
        let code = app.inbox_code("fx-cart@example.com").await;
        app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await
    } else {
        pay
    };
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    assert_eq!(paid.body["presentment"]["amount"].as_i64(), Some(total_eur), "{}", paid.body);
    // Each order's part carries its share of the euros, and the shares sum to the quote.
    let a = app.get(&format!("/v1/orders/{order_a}"), Some(&buyer)).await.body;
    let share_a = a["payment"]["presentment"]["amount"].as_i64().unwrap_or(-1);
    let parts: Vec<String> = paid.body["orders"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["order"].as_str().map(str::to_owned))
        .collect();
    let mut sum = 0;
    for order in &parts {
        let o = app.get(&format!("/v1/orders/{order}"), Some(&buyer)).await.body;
        sum += o["payment"]["presentment"]["amount"].as_i64().unwrap_or(-1);
    }
    assert_eq!(sum, total_eur);
    // Shipping A captures A's share of the euros at the issuer.
    let shipped = app
        .post(&format!("/v1/orders/{order_a}/ship"), Some(&key_a), json!({ "carrier": "DHL", "tracking_number": "D1" }))
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    let captured: i64 =
        issuer_value(&app, "SELECT captured FROM authorizations WHERE amount = ?1 AND currency = 'EUR'", [total_eur]);
    assert_eq!(captured, share_a);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn an_order_cancelled_before_the_cart_is_paid_leaves_the_rest_to_pay() {
    let app = TestApp::spawn().await;
    let (_, product_a) = app.seller("ca2@example.com", "Shop A", "Lamp", 1_000).await;
    let (_, product_b) = app.seller("cb2@example.com", "Shop B", "Rug", 2_000).await;
    let buyer = app.buyer("shrink@example.com").await;
    app.load_pocket(&buyer, 5_000, 1).await;
    let declined_card = app.save_card(&buyer, "4000000000000341").await;
    let created = checkout(&app, &buyer, &[(&product_a, 1), (&product_b, 1)]).await;
    let checkout_id = id(&created.body);
    let order_a = id(order_of(&created.body, &product_a));
    // A first attempt fails: the cart's payment exists, for 30.00.
    let path = format!("/v1/checkouts/{checkout_id}/pay");
    let declined =
        app.post(&path, Some(&buyer), json!({ "payment_method": { "type": "card", "card": declined_card } })).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    assert_eq!(declined.body["error"]["payment"]["amount"], 3_000);
    // The buyer drops the lamp; the rug is what is left to pay, and the payment says so.
    let canceled = app.post(&format!("/v1/orders/{order_a}/cancel"), Some(&buyer), json!({})).await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.body);
    let viewed = app.get(&format!("/v1/checkouts/{checkout_id}"), Some(&buyer)).await.body;
    assert_eq!((viewed["status"].as_str(), viewed["amount_due"].as_i64()), (Some("awaiting_payment"), Some(2_000)));
    let paid = app.post(&path, Some(&buyer), json!({ "payment_method": { "type": "pocket" } })).await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let payment = id(&paid.body);
    let stored = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await.body;
    assert_eq!((stored["amount"].as_i64(), stored["pocket_amount"].as_i64()), (Some(2_000), Some(2_000)), "{stored}");
    assert_eq!(app.pocket(&buyer).await, (3_000, 2_000));
    app.assert_ledger_balanced().await;
}
