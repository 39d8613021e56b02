//! Integrators' metadata on products, orders, payments and refunds: given at creation, merged by
//! PATCH, shown on the objects and in their events, and refused beyond its limits.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> common::Answer {
    app.call(Method::PATCH, path, Some(token), None, Some(body)).await
}

#[tokio::test]
async fn metadata_is_kept_merged_shown_and_sent_in_events() {
    let app = TestApp::spawn().await;
    let (key, _) = app.seller("meta-shop@example.com", "Meta Shop", "Spare", 100).await;
    let product = app
        .post(
            "/v1/products",
            Some(&key),
            json!({ "name": "Teapot", "amount": 3000, "currency": "USD", "metadata": { "sku": "TP-1", "shelf": "B4" } }),
        )
        .await;
    assert_eq!(product.status, StatusCode::CREATED, "{}", product.body);
    assert_eq!(product.body["metadata"], json!({ "sku": "TP-1", "shelf": "B4" }));
    let pid = product.body["id"].as_str().unwrap_or_default().to_owned();
    let changed =
        patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": { "shelf": "", "colour": "blue" } }))
            .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["metadata"], json!({ "sku": "TP-1", "colour": "blue" }));
    assert_eq!(app.get(&format!("/v1/products/{pid}"), None).await.body["metadata"], changed.body["metadata"]);

    let buyer = app.buyer("meta-buyer@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let order = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": pid, "quantity": 1 }], "shipping_address": common::address(),
                    "metadata": { "gift_note": "Happy birthday" } }),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);
    let oid = order.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/v1/orders/{oid}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card }, "metadata": { "checkout": "web" } }),
        )
        .await;
    assert_eq!(paid.body["metadata"], json!({ "checkout": "web" }), "{}", paid.body);
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();

    // The seller's systems tag the order and the payment with their own references.
    let tagged = patch(&app, &format!("/v1/orders/{oid}"), &key, json!({ "metadata": { "erp_id": "SO-991" } })).await;
    assert_eq!(
        tagged.body["metadata"],
        json!({ "gift_note": "Happy birthday", "erp_id": "SO-991" }),
        "{}",
        tagged.body
    );
    let tagged =
        patch(&app, &format!("/v1/payments/{payment}"), &key, json!({ "metadata": { "checkout": null } })).await;
    assert_eq!(tagged.body["metadata"], json!({}), "{}", tagged.body);

    app.post(&format!("/v1/orders/{oid}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" })).await;
    let refund = app
        .post(
            &format!("/v1/orders/{oid}/refunds"),
            Some(&key),
            json!({ "amount": 500, "reason": "Chipped lid", "metadata": { "ticket": "CS-12" } }),
        )
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    assert_eq!(refund.body["metadata"], json!({ "ticket": "CS-12" }));
    let rid = refund.body["id"].as_str().unwrap_or_default().to_owned();
    let tagged =
        patch(&app, &format!("/v1/refunds/{rid}"), &key, json!({ "metadata": { "approved_by": "Kim" } })).await;
    assert_eq!(tagged.body["metadata"], json!({ "ticket": "CS-12", "approved_by": "Kim" }), "{}", tagged.body);

    // Events carry the objects with their metadata.
    let events = app.get("/v1/events?type=order.shipped", Some(&key)).await;
    let shipped = &events.body["data"][0]["data"]["object"];
    assert_eq!(shipped["metadata"]["erp_id"], "SO-991", "{}", events.body);
    let events = app.get("/v1/events?type=refund.created", Some(&key)).await;
    assert_eq!(events.body["data"][0]["data"]["object"]["metadata"]["ticket"], "CS-12", "{}", events.body);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn metadata_beyond_its_limits_and_strangers_are_refused() {
    let app = TestApp::spawn().await;
    let (key, pid) = app.seller("meta-limits@example.com", "Limits", "Bowl", 900).await;
    let (other, _) = app.seller("meta-other@example.com", "Other", "Cup", 900).await;
    let too_many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let answer = patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": too_many })).await;
    answer.assert_error(400, "invalid_request_error", "parameter_invalid");
    assert_eq!(answer.body["error"]["param"], "metadata");
    let long_key = "k".repeat(41);
    let answer =
        patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": { long_key.clone(): "v" } })).await;
    assert_eq!(answer.body["error"]["param"], format!("metadata[{long_key}]"));
    let answer = patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": { "n": 5 } })).await;
    assert_eq!(answer.body["error"]["param"], "metadata[n]");
    let answer = patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": ["a"] })).await;
    assert_eq!(answer.body["error"]["param"], "metadata");
    let answer =
        patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "metadata": { "note": "x".repeat(501) } })).await;
    assert_eq!(answer.body["error"]["param"], "metadata[note]");
    let answer = patch(&app, &format!("/v1/products/{pid}"), &key, json!({ "name": "Renamed" })).await;
    answer.assert_error(400, "invalid_request_error", "parameter_invalid");
    // Nothing was changed by the refused requests.
    assert_eq!(app.get(&format!("/v1/products/{pid}"), None).await.body["metadata"], json!({}));
    // Another shop, and a buyer, may not.
    patch(&app, &format!("/v1/products/{pid}"), &other, json!({ "metadata": { "a": "b" } })).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    let buyer = app.buyer("meta-stranger@example.com").await;
    patch(&app, &format!("/v1/products/{pid}"), &buyer, json!({ "metadata": { "a": "b" } })).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    let bad_create = app
        .post(
            "/v1/products",
            Some(&key),
            json!({ "name": "X", "amount": 100, "currency": "USD", "metadata": { "": "v" } }),
        )
        .await;
    assert_eq!(bad_create.body["error"]["param"], "metadata[]");
}
