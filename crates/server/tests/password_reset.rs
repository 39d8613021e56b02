//! A way back into an account, over HTTP: a reset code emailed (the same answer for an unknown
//! email), wrong codes counted to 5, expiry, the new password working and the old not, every other
//! session ended, the owner told, a lock-out by a stranger's wrong passwords lifted by the reset, and
//! the sends rate-limited per account and per client address.

mod common;

use common::{TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn inbox(app: &TestApp, to: &str) -> Vec<Value> {
    app.get(&format!("/v1/test/inbox?to={to}"), None).await.body["data"].as_array().cloned().unwrap_or_default()
}

fn reset_codes(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["subject"] == "Reset your Pocketpay password")
        .filter_map(|m| m["code"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_an_emailed_code_even_while_locked_out() {
    let app = TestApp::spawn().await;
    let old_session = app.buyer("forgetful@example.com").await;
    // A stranger's five wrong passwords lock the owner out.
    for _ in 0..5 {
        let s = app
            .post("/v1/sessions", None, json!({ "email": "forgetful@example.com", "password": "guess guess" }))
            .await;
        assert_eq!(s.status, StatusCode::UNAUTHORIZED, "{}", s.body);
    }
    let locked =
        app.post("/v1/sessions", None, json!({ "email": "forgetful@example.com", "password": PASSWORD })).await;
    locked.assert_error(429, "rate_limit_error", "too_many_attempts");
    assert!(locked.body["error"]["advice"].to_string().contains("reset it"), "{}", locked.body);

    // Asking: the same answer whether or not there is an account.
    let asked = app.post("/v1/password_resets", None, json!({ "email": "forgetful@example.com" })).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    let unknown = app.post("/v1/password_resets", None, json!({ "email": "nobody@example.com" })).await;
    assert_eq!((unknown.status, &unknown.body), (asked.status, &asked.body), "no account is revealed");
    assert!(inbox(&app, "nobody@example.com").await.is_empty());
    let code = reset_codes(&inbox(&app, "forgetful@example.com").await).first().cloned().unwrap_or_default();
    assert_eq!(code.len(), 6);

    // Bad input and wrong codes.
    let confirm =
        |code: &str, password: &str| json!({ "email": "forgetful@example.com", "code": code, "password": password });
    app.post("/v1/password_resets/confirm", None, confirm(&code, "short")).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let w = app.post("/v1/password_resets/confirm", None, confirm(wrong, NEW_PASSWORD)).await;
    w.assert_error(400, "invalid_request_error", "verification_failed");
    assert!(w.body["error"]["advice"][0].as_str().unwrap_or("").contains("4 tries left"), "{}", w.body);

    // The right code: the new password works at once (the lock-out is lifted), the old one does not,
    // every earlier session is ended, and the owner is told.
    let done = app.post("/v1/password_resets/confirm", None, confirm(&code, NEW_PASSWORD)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["sessions_ended"], 1);
    assert_eq!(app.get("/v1/me", Some(&old_session)).await.status, StatusCode::UNAUTHORIZED);
    let old = app.post("/v1/sessions", None, json!({ "email": "forgetful@example.com", "password": PASSWORD })).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.body);
    app.login("forgetful@example.com", NEW_PASSWORD).await;
    let told = inbox(&app, "forgetful@example.com").await;
    assert!(told.iter().any(|m| m["subject"] == "Your Pocketpay password was changed"), "{told:?}");
    // A code works once.
    app.post("/v1/password_resets/confirm", None, confirm(&code, "yet another passphrase")).await.assert_error(
        400,
        "invalid_request_error",
        "verification_failed",
    );
}

#[tokio::test]
async fn reset_codes_expire_lock_after_five_tries_and_are_rate_limited() {
    let app = TestApp::spawn().await;
    app.buyer("limits@example.com").await;
    let confirm = |code: &str| json!({ "email": "limits@example.com", "code": code, "password": NEW_PASSWORD });

    app.post("/v1/password_resets", None, json!({ "email": "limits@example.com" })).await;
    let code = reset_codes(&inbox(&app, "limits@example.com").await)[0].clone();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        app.post("/v1/password_resets/confirm", None, confirm(wrong)).await;
    }
    app.post("/v1/password_resets/confirm", None, confirm(&code)).await.assert_error(
        429,
        "rate_limit_error",
        "too_many_attempts",
    );

    // A new code starts the tries again; after 30 minutes it has expired.
    app.post("/v1/password_resets", None, json!({ "email": "limits@example.com" })).await;
    let second = reset_codes(&inbox(&app, "limits@example.com").await)[0].clone();
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 30 * 60 })).await;
    app.post("/v1/password_resets/confirm", None, confirm(&second)).await.assert_error(
        400,
        "invalid_request_error",
        "verification_expired",
    );

    // At most 5 codes per account in 15 minutes: the sixth request answers the same, and sends nothing.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 16 * 60 })).await;
    for _ in 0..6 {
        let asked = app.post("/v1/password_resets", None, json!({ "email": "limits@example.com" })).await;
        assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    }
    assert_eq!(reset_codes(&inbox(&app, "limits@example.com").await).len(), 2 + 5);
    // Only the newest code works.
    let newest = reset_codes(&inbox(&app, "limits@example.com").await)[0].clone();
    let done = app.post("/v1/password_resets/confirm", None, confirm(&newest)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // Per client address: 20 requests in 15 minutes (6 made since the clock moved), then 429 for any email.
    for i in 0..(20 - 6) {
        let asked = app.post("/v1/password_resets", None, json!({ "email": format!("x{i}@example.com") })).await;
        assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    }
    app.post("/v1/password_resets", None, json!({ "email": "y@example.com" })).await.assert_error(
        429,
        "rate_limit_error",
        "too_many_attempts",
    );
}
