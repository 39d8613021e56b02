//! A seller lists, makes, rolls and revokes API keys; keys are stored hashed, their last use is
//! shown, and a rolled key works for the grace period the seller chose, then stops.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn keys_are_made_rolled_with_a_grace_period_and_revoked() {
    let app = TestApp::spawn().await;
    let (first, _) = app.seller("keys-owner@example.com", "Key Shop", "Mug", 1200).await;
    let (other, _) = app.seller("other-owner@example.com", "Other Shop", "Cup", 900).await;

    // The shop's first key is listed, without its secret, with when it was last used.
    let listed = app.get("/v1/api_keys", Some(&first)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let keys = listed.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(keys.len(), 1);
    let first_id = keys[0]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(keys[0]["status"], "active");
    assert_eq!(keys[0]["last4"], first[first.len() - 4..]);
    assert!(!listed.body.to_string().contains(&first), "the list never holds a key");

    // A new key is shown once and works.
    let made = app.post("/v1/api_keys", Some(&first), json!({ "name": "Warehouse" })).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let warehouse = made.body["secret"].as_str().unwrap_or_default().to_owned();
    let warehouse_id = made.body["id"].as_str().unwrap_or_default().to_owned();
    assert!(warehouse.starts_with("sk_test_"));
    assert_eq!(app.get("/v1/balance", Some(&warehouse)).await.status, StatusCode::OK);
    // The last use is written beside the request, not in its way: wait for it.
    let mut used = serde_json::Value::Null;
    for _ in 0..100 {
        let again = app.get("/v1/api_keys", Some(&first)).await;
        assert!(!again.body.to_string().contains(&warehouse));
        let shown = again.body["data"].as_array().cloned().unwrap_or_default();
        used = shown.iter().find(|k| k["id"] == warehouse_id.as_str()).cloned().unwrap_or_default();
        if used["last_used_at"].as_i64().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(used["last_used_at"].as_i64().is_some(), "the last use is recorded: {used}");

    // Stored as a hash only: the key's text is nowhere in the database file.
    let db = std::fs::read(app.dir.join("pocketpay.db")).unwrap_or_default();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains(&warehouse) && !text.contains(&first));

    // Rolled with a one-hour grace: both work now; after the hour, only the new one.
    let rolled =
        app.post(&format!("/v1/api_keys/{first_id}/roll"), Some(&warehouse), json!({ "expires_in_hours": 1 })).await;
    assert_eq!(rolled.status, StatusCode::CREATED, "{}", rolled.body);
    assert_eq!(rolled.body["rolled_from"], first_id.as_str());
    let replacement = rolled.body["secret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.get("/v1/balance", Some(&first)).await.status, StatusCode::OK);
    assert_eq!(app.get("/v1/balance", Some(&replacement)).await.status, StatusCode::OK);
    let listed = app.get("/v1/api_keys", Some(&replacement)).await;
    let old = listed.body["data"].as_array().and_then(|a| a.iter().find(|k| k["id"] == first_id.as_str()).cloned());
    assert_eq!(old.as_ref().map(|k| k["status"].clone()), Some(json!("expiring")));
    // Rolling a key that is already going is refused; a grace beyond a week too.
    app.post(&format!("/v1/api_keys/{first_id}/roll"), Some(&replacement), json!({})).await.assert_error(
        409,
        "invalid_request_error",
        "api_key_inactive",
    );
    app.post(&format!("/v1/api_keys/{warehouse_id}/roll"), Some(&replacement), json!({ "expires_in_hours": 200 }))
        .await
        .assert_error(400, "invalid_request_error", "parameter_invalid");
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3601 })).await;
    app.get("/v1/balance", Some(&first)).await.assert_error(401, "authentication_error", "unauthenticated");
    assert_eq!(app.get("/v1/balance", Some(&replacement)).await.status, StatusCode::OK);

    // Another shop can neither see nor touch these keys.
    app.post(&format!("/v1/api_keys/{warehouse_id}/revoke"), Some(&other), json!({})).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    let theirs = app.get("/v1/api_keys", Some(&other)).await;
    assert_eq!(theirs.body["data"].as_array().map(Vec::len), Some(1));

    // Revoked: refused at once, and shown as revoked.
    let revoked = app.post(&format!("/v1/api_keys/{warehouse_id}/revoke"), Some(&replacement), json!({})).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert_eq!(revoked.body["status"], "revoked");
    app.get("/v1/balance", Some(&warehouse)).await.assert_error(401, "authentication_error", "unauthenticated");
    app.post(&format!("/v1/api_keys/{warehouse_id}/revoke"), Some(&replacement), json!({})).await.assert_error(
        409,
        "invalid_request_error",
        "api_key_inactive",
    );

    // A buyer's session is not a seller's key; a name must be printable.
    let buyer = app.buyer("just-a-buyer@example.com").await;
    app.get("/v1/api_keys", Some(&buyer)).await.assert_error(403, "authentication_error", "forbidden");
    app.post("/v1/api_keys", Some(&replacement), json!({ "name": "bad\u{1b}name" })).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
}

#[tokio::test]
async fn a_shop_has_at_most_ten_working_keys() {
    let app = TestApp::spawn().await;
    let (key, _) = app.seller("many-keys@example.com", "Many Keys", "Pen", 300).await;
    for _ in 1..10 {
        let made = app.call(reqwest::Method::POST, "/v1/api_keys", Some(&key), None, None).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(made.body["name"], "Secret key");
    }
    app.post("/v1/api_keys", Some(&key), json!({})).await.assert_error(
        400,
        "invalid_request_error",
        "api_key_limit_reached",
    );
}
