//! The card manager over HTTP: add, list, get, update, delete, duplicates, other buyers' cards, every
//! validation failure and issuer decline with its code, no card number or security code anywhere,
//! and key rotation across restarts.

mod common;

use common::{Answer, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "San Francisco", "state": "CA", "postal_code": "94107", "country": "US" })
}

fn card(number: &str, cvc: &str) -> Value {
    json!({ "number": number, "exp_month": 12, "exp_year": 2030, "cvc": cvc, "holder_name": "Ada Lovelace",
            "billing_address": address() })
}

async fn add(app: &TestApp, token: &str, body: Value) -> Answer {
    app.post("/v1/cards", Some(token), body).await
}

fn assert_payment_error(a: &Answer, code: &str, decline_code: Option<&str>, param: Option<&str>) {
    a.assert_error(402, "card_error", code);
    assert_eq!(a.body["error"]["decline_code"].as_str(), decline_code, "{}", a.body);
    if param.is_some() {
        assert_eq!(a.body["error"]["param"].as_str(), param, "{}", a.body);
    }
    assert!(a.body["error"]["advice"].as_array().is_some_and(|v| !v.is_empty()), "advice in {}", a.body);
}

#[tokio::test]
async fn add_list_get_update_delete_and_duplicates() {
    let app = TestApp::spawn().await;
    let token = app.buyer("cards@example.com").await;
    let visa = add(&app, &token, card("4242 4242 4242 4242", "123")).await;
    assert_eq!(visa.status, StatusCode::CREATED, "{}", visa.body);
    let b = &visa.body;
    assert!(b["id"].as_str().is_some_and(|i| i.starts_with("card_")));
    assert_eq!(
        (b["brand"].as_str(), b["last4"].as_str(), b["funding"].as_str()),
        (Some("visa"), Some("4242"), Some("credit"))
    );
    assert_eq!(
        (b["country"].as_str(), b["default"].as_bool()),
        (Some("US"), Some(true)),
        "the first card is the default"
    );
    assert_eq!(
        b["checks"],
        json!({ "cvc_check": "pass", "address_line1_check": "pass", "address_postal_code_check": "pass" })
    );
    assert!(b["fingerprint"].as_str().is_some_and(|f| f.starts_with("fp_")));
    assert!(b.get("number").is_none() && b.get("cvc").is_none());

    // The same card again (other spacing, other CVC) is the same card: 200 with the existing one.
    let again = add(&app, &token, card("4242-4242-4242-4242", "999")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["id"], b["id"]);

    let debit = add(
        &app,
        &token,
        json!({ "number": "5200828282828210", "exp_month": 1, "exp_year": 31, "cvc": "321",
        "holder_name": "Ada", "billing_address": address(), "default": true }),
    )
    .await;
    assert_eq!(debit.status, StatusCode::CREATED, "{}", debit.body);
    assert_eq!((debit.body["brand"].as_str(), debit.body["funding"].as_str()), (Some("mastercard"), Some("debit")));
    assert_eq!(debit.body["exp_year"], 2031);
    let fr = add(&app, &token, card("4000002500000003", "123")).await;
    assert_eq!(fr.body["country"], "FR");
    let amex = add(&app, &token, card("378282246310005", "1234")).await;
    assert_eq!(amex.body["brand"], "amex", "{}", amex.body);

    let list = app.get("/v1/cards?limit=2", Some(&token)).await;
    let ids: Vec<&str> =
        list.body["data"].as_array().map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect()).unwrap_or_default();
    assert_eq!(ids, vec![amex.body["id"].as_str().unwrap_or(""), fr.body["id"].as_str().unwrap_or("")], "newest first");
    assert_eq!(list.body["has_more"], true);
    let next = app.get(&format!("/v1/cards?limit=2&starting_after={}", ids[1]), Some(&token)).await;
    assert_eq!(next.body["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(next.body["has_more"], false);
    let defaults: Vec<_> = app.get("/v1/cards?limit=10", Some(&token)).await.body["data"]
        .as_array()
        .map(|a| a.iter().filter(|c| c["default"] == true).map(|c| c["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(defaults, vec![debit.body["id"].clone()], "exactly one default");

    let visa_id = b["id"].as_str().unwrap_or_default().to_owned();
    let got = app.get(&format!("/v1/cards/{visa_id}"), Some(&token)).await;
    assert_eq!(got.body["last4"], "4242");

    let patched = app
        .call(Method::PATCH, &format!("/v1/cards/{visa_id}"), Some(&token), None, Some(json!({ "exp_month": 3, "exp_year": 2032,
            "billing_address": { "line1": "1 Main St", "line2": "Apt 4", "city": "Oakland", "postal_code": "94601", "country": "us" },
            "default": true })))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!((patched.body["exp_month"].as_i64(), patched.body["exp_year"].as_i64()), (Some(3), Some(2032)));
    assert_eq!(
        (patched.body["billing_address"]["city"].as_str(), patched.body["default"].as_bool()),
        (Some("Oakland"), Some(true))
    );
    let not_new_number = app
        .call(
            Method::PATCH,
            &format!("/v1/cards/{visa_id}"),
            Some(&token),
            None,
            Some(json!({ "number": "5555555555554444" })),
        )
        .await;
    not_new_number.assert_error(400, "invalid_request_error", "parameter_invalid");
    let bad_month = app
        .call(Method::PATCH, &format!("/v1/cards/{visa_id}"), Some(&token), None, Some(json!({ "exp_month": 13 })))
        .await;
    assert_payment_error(&bad_month, "invalid_expiry_month", None, Some("exp_month"));

    let deleted = app.call(Method::DELETE, &format!("/v1/cards/{visa_id}"), Some(&token), None, None).await;
    assert_eq!(deleted.body, json!({ "id": visa_id, "object": "card", "deleted": true }));
    app.get(&format!("/v1/cards/{visa_id}"), Some(&token)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    let remaining = app.get("/v1/cards", Some(&token)).await;
    let remaining = remaining.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(remaining.len(), 3);
    assert_eq!(remaining.iter().filter(|c| c["default"] == true).count(), 1, "a new default was chosen");
    // Added again after removal, it is a new card.
    let readded = add(&app, &token, card("4242424242424242", "123")).await;
    assert_eq!(readded.status, StatusCode::CREATED);
    assert_ne!(readded.body["id"].as_str(), Some(visa_id.as_str()));
}

#[tokio::test]
async fn another_buyers_cards_are_404_and_sellers_cannot_use_the_card_manager() {
    let app = TestApp::spawn().await;
    let owner = app.buyer("owner@example.com").await;
    let other = app.buyer("other@example.com").await;
    let c = add(&app, &owner, card("5555555555554444", "123")).await;
    let id = c.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/v1/cards/{id}");
    app.get(&path, Some(&other)).await.assert_error(404, "invalid_request_error", "resource_missing");
    app.call(Method::PATCH, &path, Some(&other), None, Some(json!({ "default": true }))).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.call(Method::DELETE, &path, Some(&other), None, None).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.post(&format!("{path}/verify"), Some(&other), json!({})).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    assert_eq!(app.get("/v1/cards", Some(&other)).await.body["data"], json!([]));
    // The same physical card saved by another buyer is that buyer's own card.
    let theirs = add(&app, &other, card("5555555555554444", "123")).await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert_ne!(theirs.body["id"], c.body["id"]);
    assert_eq!(theirs.body["fingerprint"], c.body["fingerprint"]);
    // Unknown ids answer exactly like someone else's.
    app.get("/v1/cards/card_doesnotexist", Some(&owner)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.get("/v1/cards", None).await.assert_error(401, "authentication_error", "unauthenticated");
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    app.get("/v1/cards", Some(&operator)).await.assert_error(403, "authentication_error", "forbidden");
}

#[tokio::test]
async fn every_validation_failure_and_decline_has_its_code_and_saves_nothing() {
    let app = TestApp::spawn_with(|c| {
        c.accepted_brands = domain::cards::AcceptedBrands::from_brands(
            domain::cards::Brand::ALL.into_iter().filter(|b| *b != domain::cards::Brand::Mir),
        );
    })
    .await;
    let token = app.buyer("declines@example.com").await;
    let with = |number: &str, month: i64, year: i64, cvc: &str| json!({ "number": number, "exp_month": month, "exp_year": year, "cvc": cvc, "holder_name": "Ada", "billing_address": address() });
    // (body, code, shown decline code, param)
    let rows: Vec<(Value, &str, Option<&str>, Option<&str>)> = vec![
        (with("4242424242424241", 12, 2030, "123"), "incorrect_number", None, Some("number")),
        (with("4242", 12, 2030, "123"), "incorrect_number", None, Some("number")),
        (with("4242abcd42424242", 12, 2030, "123"), "incorrect_number", None, Some("number")),
        (with("2200000000000004", 12, 2030, "123"), "card_brand_not_supported", None, Some("number")),
        (with("4242424242424242", 13, 2030, "123"), "invalid_expiry_month", None, Some("exp_month")),
        (with("4242424242424242", 0, 2030, "123"), "invalid_expiry_month", None, Some("exp_month")),
        (with("4242424242424242", 12, 2020, "123"), "invalid_expiry_year", None, Some("exp_year")),
        (with("4242424242424242", 1, 2026, "123"), "expired_card", None, Some("exp_year")),
        (with("4242424242424242", 12, 2030, "12"), "invalid_cvc", None, Some("cvc")),
        (with("378282246310005", 12, 2030, "123"), "invalid_cvc", None, Some("cvc")),
        (with("4242424242424242", 12, 2030, "1234"), "invalid_cvc", None, Some("cvc")),
        (with("4000000000000002", 12, 2030, "123"), "card_declined", Some("generic_decline"), None),
        (with("4000000000009987", 12, 2030, "123"), "card_declined", Some("generic_decline"), None),
        (with("4000000000009979", 12, 2030, "123"), "card_declined", Some("generic_decline"), None),
        (with("4100000000000019", 12, 2030, "123"), "card_declined", Some("generic_decline"), None),
        (with("4000000000000069", 12, 2030, "123"), "expired_card", None, None),
        (with("4000000000000127", 12, 2030, "123"), "incorrect_cvc", None, Some("cvc")),
        (with("4000000000000119", 12, 2030, "123"), "processing_error", None, None),
        (with("4000000000000010", 12, 2030, "123"), "card_declined", Some("incorrect_address"), None),
        (with("4000000000000036", 12, 2030, "123"), "card_declined", Some("incorrect_zip"), None),
        (with("4000000000000911", 12, 2030, "123"), "processing_error", None, None),
    ];
    for (body, code, decline, param) in rows {
        let a = add(&app, &token, body.clone()).await;
        assert_payment_error(&a, code, decline, param);
    }
    // The lost card reads exactly like a generic decline.
    let lost = add(&app, &token, with("4000000000009987", 12, 2030, "123")).await;
    let generic = add(&app, &token, with("4000000000000002", 12, 2030, "123")).await;
    assert_eq!(lost.body["error"]["message"], generic.body["error"]["message"]);
    assert_eq!(lost.body["error"]["advice"], generic.body["error"]["advice"]);
    // The bank checks the billing address.
    let mut moved = card("4242424242424242", "123");
    moved["billing_address"]["line1"] = json!("2 Side St");
    assert_payment_error(&add(&app, &token, moved).await, "card_declined", Some("incorrect_address"), None);
    let mut bad_zip = card("4242424242424242", "123");
    bad_zip["billing_address"]["postal_code"] = json!("00000");
    assert_payment_error(&add(&app, &token, bad_zip).await, "card_declined", Some("incorrect_zip"), None);
    // Malformed bodies are invalid requests, not card errors.
    let mut no_city = card("4242424242424242", "123");
    no_city["billing_address"] = json!({ "line1": "1 Main St", "postal_code": "94107", "country": "US" });
    let missing = add(&app, &token, no_city).await;
    missing.assert_error(400, "invalid_request_error", "parameter_missing");
    assert_eq!(missing.body["error"]["param"], "billing_address.city");
    let mut bad_country = card("4242424242424242", "123");
    bad_country["billing_address"]["country"] = json!("USA");
    add(&app, &token, bad_country).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    // Nothing was saved by any of these.
    assert_eq!(app.get("/v1/cards", Some(&token)).await.body["data"], json!([]));
}

#[tokio::test]
async fn key_rotation_reencrypts_every_card_and_the_old_key_can_go() {
    let app = TestApp::spawn().await;
    let token = app.buyer("rotate@example.com").await;
    let mut ids = Vec::new();
    for number in ["4242424242424242", "5555555555554444", "6011111111111117"] {
        let a = add(&app, &token, card(number, "123")).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        ids.push(a.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let fingerprints: Vec<Value> = app.get("/v1/cards", Some(&token)).await.body["data"]
        .as_array()
        .map(|a| a.iter().map(|c| c["fingerprint"].clone()).collect())
        .unwrap_or_default();
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    app.call(Method::DELETE, "/v1/vault/keys/1", Some(&operator), None, None).await.assert_error(
        409,
        "invalid_request_error",
        "key_in_use",
    );
    app.post("/v1/vault/rotate", Some(&token), json!({})).await.assert_error(403, "authentication_error", "forbidden");
    let rotated = app.post("/v1/vault/rotate", Some(&operator), json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!((rotated.body["active_key_id"].as_u64(), rotated.body["resealed"].as_u64()), (Some(2), Some(3)));

    // Restart: every card still decrypts and passes the issuer's check.
    let dir = app.stop().await;
    let app = TestApp::spawn_at(dir, |_| {}).await;
    let token = app.login("rotate@example.com", common::PASSWORD).await;
    for id in &ids {
        let v = app.post(&format!("/v1/cards/{id}/verify"), Some(&token), json!({})).await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    }
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    app.call(Method::DELETE, "/v1/vault/keys/2", Some(&operator), None, None).await.assert_error(
        409,
        "invalid_request_error",
        "key_in_use",
    );
    let removed = app.call(Method::DELETE, "/v1/vault/keys/1", Some(&operator), None, None).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(removed.body["key_ids"], json!([2]));

    // Restart without the old key: every card still works, fingerprints unchanged (the same card is recognised).
    let dir = app.stop().await;
    let app = TestApp::spawn_at(dir, |_| {}).await;
    let token = app.login("rotate@example.com", common::PASSWORD).await;
    for id in &ids {
        let v = app.post(&format!("/v1/cards/{id}/verify"), Some(&token), json!({})).await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    }
    let again = add(&app, &token, card("4242424242424242", "123")).await;
    assert_eq!(again.status, StatusCode::OK, "recognised by fingerprint after rotation: {}", again.body);
    let after: Vec<Value> = app.get("/v1/cards", Some(&token)).await.body["data"]
        .as_array()
        .map(|a| a.iter().map(|c| c["fingerprint"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(after, fingerprints);
}
