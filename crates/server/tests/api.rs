//! The API, driven over HTTP against a real server on port 0 with a fresh data directory.

mod common;

use std::time::Duration;

use common::{TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::{Mode, ServerConfig};

#[tokio::test]
async fn sign_up_verify_sign_in_me_sign_out() {
    let app = TestApp::spawn().await;
    let created = app
        .post("/v1/users", None, json!({ "email": "Alice@Example.com", "password": PASSWORD, "country": "fr" }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["status"], "unverified");
    assert_eq!(created.body["email"], "alice@example.com");
    assert_eq!((created.body["country"].as_str(), created.body["currency"].as_str()), (Some("FR"), Some("EUR")));
    assert!(created.body["id"].as_str().is_some_and(|id| id.starts_with("usr_")));
    assert!(created.body.get("password_hash").is_none() && !created.body.to_string().contains(PASSWORD));

    // Not verified yet: the right password still cannot sign in.
    let early = app.post("/v1/sessions", None, json!({ "email": "alice@example.com", "password": PASSWORD })).await;
    early.assert_error(403, "authentication_error", "email_not_verified");

    let code = app.inbox_code("alice@example.com").await;
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    app.post("/v1/users/verify_email", None, json!({ "email": "alice@example.com", "code": wrong }))
        .await
        .assert_error(400, "invalid_request_error", "verification_failed");
    let verified =
        app.post("/v1/users/verify_email", None, json!({ "email": "alice@example.com", "code": code })).await;
    assert_eq!(verified.body["status"], "active", "{}", verified.body);

    let token = app.login("alice@example.com", PASSWORD).await;
    assert!(token.starts_with("pps_"));
    let me = app.get("/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!((me.body["email"].as_str(), me.body["role"].as_str()), (Some("alice@example.com"), Some("buyer")));

    app.get("/v1/me", None).await.assert_error(401, "authentication_error", "unauthenticated");
    app.get("/v1/me", Some("pps_not-a-real-token")).await.assert_error(401, "authentication_error", "unauthenticated");

    let out = app.call(Method::DELETE, "/v1/sessions/current", Some(&token), None, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    app.get("/v1/me", Some(&token)).await.assert_error(401, "authentication_error", "unauthenticated");
}

#[tokio::test]
async fn every_bad_input_answers_in_the_error_format_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let big = vec![b'a'; 1024 * 1024 + 10];
    let mut big_json = b"{\"email\":\"x@y.co\",\"password\":\"".to_vec();
    big_json.extend(std::iter::repeat_n(b'p', 1024 * 1024));
    big_json.extend(b"\"}");
    // (method, path, content type, body, status, code, param)
    type Row<'a> = (Method, &'a str, Option<&'a str>, Vec<u8>, u16, &'a str, Option<&'a str>);
    let rows: Vec<Row> = vec![
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            b"{\"email\": \"x@y.co\", ".to_vec(),
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            b"not json".to_vec(),
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (Method::POST, "/v1/users", Some("application/json"), b"[]".to_vec(), 400, "parameter_invalid", Some("body")),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":"long enough pw"} {}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":"long enough pw","admin":true}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("admin"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":1234567890}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("password"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co"}"#.to_vec(),
            400,
            "parameter_missing",
            Some("password"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"not-an-email","password":"long enough pw"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("email"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":"short"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("password"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":"long enough pw","country":"USA"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("country"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("application/json"),
            br#"{"email":"x@y.co","password":"long enough pw","phone":"12"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("phone"),
        ),
        (
            Method::POST,
            "/v1/users",
            Some("text/plain"),
            br#"{"email":"x@y.co","password":"long enough pw"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (
            Method::POST,
            "/v1/users",
            None,
            br#"{"email":"x@y.co","password":"long enough pw"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("body"),
        ),
        (Method::POST, "/v1/users", Some("application/json"), big.clone(), 413, "parameter_invalid", Some("body")),
        (Method::POST, "/v1/users", Some("application/json"), big_json, 413, "parameter_invalid", Some("body")),
        (
            Method::POST,
            "/v1/users/verify_email",
            Some("application/json"),
            br#"{"email":"x@y.co","code":"12ab56"}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("code"),
        ),
        (
            Method::POST,
            "/v1/test/clock",
            Some("application/json"),
            br#"{"advance_seconds":-5}"#.to_vec(),
            400,
            "parameter_invalid",
            Some("advance_seconds"),
        ),
        (Method::GET, "/v1/does-not-exist", None, Vec::new(), 404, "resource_missing", Some("GET /v1/does-not-exist")),
        (Method::GET, "/v2/users", None, Vec::new(), 404, "resource_missing", Some("GET /v2/users")),
        (Method::PUT, "/v1/users", Some("application/json"), b"{}".to_vec(), 405, "method_not_allowed", None),
        (Method::GET, "/v1/test/inbox", None, Vec::new(), 400, "parameter_missing", Some("to")),
        (Method::GET, "/v1/test/inbox?to=a@b.co&limit=0", None, Vec::new(), 400, "parameter_invalid", Some("limit")),
        (Method::GET, "/v1/test/inbox?to=a@b.co&limit=101", None, Vec::new(), 400, "parameter_invalid", Some("limit")),
    ];
    for (method, path, ct, body, status, code, param) in rows {
        let answer = app.raw(method.clone(), path, ct, body).await;
        let context = format!("{method} {path} → {}", answer.body);
        assert_eq!(answer.status.as_u16(), status, "{context}");
        assert_eq!(answer.code(), code, "{context}");
        assert_eq!(answer.body["error"]["param"].as_str(), param, "{context}");
        assert!(answer.headers.get("request-id").is_some(), "{context}");
        if answer.status.is_client_error() {
            let kind = answer.body["error"]["type"].as_str().unwrap_or("");
            assert_eq!(kind, "invalid_request_error", "{context}");
        }
    }
    // Nothing was written: the address is still free and no message went out.
    let inbox = app.get("/v1/test/inbox?to=x@y.co", None).await;
    assert_eq!(inbox.body["data"].as_array().map(Vec::len), Some(0));
    let created = app.post("/v1/users", None, json!({ "email": "x@y.co", "password": PASSWORD })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

#[tokio::test]
async fn duplicate_email_is_refused() {
    let app = TestApp::spawn().await;
    let first = app.post("/v1/users", None, json!({ "email": "bob@example.com", "password": PASSWORD })).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again =
        app.post("/v1/users", None, json!({ "email": " BOB@example.com ", "password": "another password" })).await;
    again.assert_error(409, "invalid_request_error", "email_taken");
    assert_eq!(again.body["error"]["param"], "email");
    let inbox = app.get("/v1/test/inbox?to=bob@example.com", None).await;
    assert_eq!(inbox.body["data"].as_array().map(Vec::len), Some(1), "the second sign-up sent nothing");
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_until_the_window_passes() {
    let app = TestApp::spawn().await;
    app.buyer("carol@example.com").await;
    for _ in 0..5 {
        app.post("/v1/sessions", None, json!({ "email": "carol@example.com", "password": "wrong password!" }))
            .await
            .assert_error(401, "authentication_error", "invalid_credentials");
    }
    // Locked: even the right password is refused, with Retry-After.
    let retry = refused_sign_in(&app, "carol@example.com").await;
    // An unknown email answers exactly like a wrong password.
    app.post("/v1/sessions", None, json!({ "email": "nobody@example.com", "password": PASSWORD })).await.assert_error(
        401,
        "authentication_error",
        "invalid_credentials",
    );
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": retry })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    app.login("carol@example.com", PASSWORD).await;
}

/// A sign-in with the right password that is refused for too many failures; answers its Retry-After.
async fn refused_sign_in(app: &TestApp, email: &str) -> u64 {
    let locked = app.post("/v1/sessions", None, json!({ "email": email, "password": PASSWORD })).await;
    locked.assert_error(429, "rate_limit_error", "too_many_attempts");
    let retry: u64 =
        locked.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    retry
}

#[tokio::test]
async fn many_accounts_tried_from_one_address_are_rate_limited_too() {
    let app = TestApp::spawn_with(|c| c.login_failures_per_address_max = 6).await;
    app.buyer("erin@example.com").await;
    // One wrong password each for six different emails (none reaches the per-email limit of 5)…
    for i in 0..6 {
        app.post("/v1/sessions", None, json!({ "email": format!("victim{i}@example.com"), "password": "guess-1234" }))
            .await
            .assert_error(401, "authentication_error", "invalid_credentials");
    }
    // …and this address may not sign in at all for a while, even with a right password.
    let retry = refused_sign_in(&app, "erin@example.com").await;
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": retry })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    app.login("erin@example.com", PASSWORD).await;
}

#[tokio::test]
async fn email_codes_expire_and_lock_after_five_wrong_tries() {
    let app = TestApp::spawn().await;
    app.post("/v1/users", None, json!({ "email": "dan@example.com", "password": PASSWORD })).await;
    let code = app.inbox_code("dan@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let a = app.post("/v1/users/verify_email", None, json!({ "email": "dan@example.com", "code": wrong })).await;
        a.assert_error(400, "invalid_request_error", "verification_failed");
        assert!(
            a.body["error"]["advice"][0].as_str().unwrap_or("").contains(&format!("{left} tries left")),
            "{}",
            a.body
        );
    }
    app.post("/v1/users/verify_email", None, json!({ "email": "dan@example.com", "code": code })).await.assert_error(
        429,
        "rate_limit_error",
        "too_many_attempts",
    );
    // A new code resets the count; it expires after 30 minutes.
    let resent = app.post("/v1/users/resend_verification", None, json!({ "email": "dan@example.com" })).await;
    assert_eq!(resent.status, StatusCode::OK);
    let code = app.inbox_code("dan@example.com").await;
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 1801 })).await;
    app.post("/v1/users/verify_email", None, json!({ "email": "dan@example.com", "code": code })).await.assert_error(
        400,
        "invalid_request_error",
        "verification_expired",
    );
    app.post("/v1/users/resend_verification", None, json!({ "email": "dan@example.com" })).await;
    let code = app.inbox_code("dan@example.com").await;
    let ok = app.post("/v1/users/verify_email", None, json!({ "email": "dan@example.com", "code": code })).await;
    assert_eq!(ok.body["status"], "active", "{}", ok.body);
}

#[tokio::test]
async fn idempotency_replays_refuses_other_bodies_and_applies_once_under_concurrency() {
    let app = TestApp::spawn().await;
    let body = json!({ "email": "erin@example.com", "password": PASSWORD });
    let first = app.call(Method::POST, "/v1/users", None, Some("signup-erin"), Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let replay = app.call(Method::POST, "/v1/users", None, Some("signup-erin"), Some(body.clone())).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let other = app
        .call(
            Method::POST,
            "/v1/users",
            None,
            Some("signup-erin"),
            Some(json!({ "email": "erin2@example.com", "password": PASSWORD })),
        )
        .await;
    other.assert_error(422, "idempotency_error", "idempotency_error");
    let long_key = "k".repeat(256);
    app.call(Method::POST, "/v1/users", None, Some(&long_key), Some(body.clone())).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    // A business error is replayed too, and a validation error is not recorded (the fixed request may use the key).
    let taken = app.call(Method::POST, "/v1/users", None, Some("signup-erin-again"), Some(body.clone())).await;
    taken.assert_error(409, "invalid_request_error", "email_taken");
    let taken_again = app.call(Method::POST, "/v1/users", None, Some("signup-erin-again"), Some(body.clone())).await;
    assert_eq!(taken_again.body, taken.body);
    let bad = app
        .call(
            Method::POST,
            "/v1/users",
            None,
            Some("signup-fix"),
            Some(json!({ "email": "fix@example.com", "password": "short" })),
        )
        .await;
    bad.assert_error(400, "invalid_request_error", "parameter_invalid");
    let fixed = app
        .call(
            Method::POST,
            "/v1/users",
            None,
            Some("signup-fix"),
            Some(json!({ "email": "fix@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::CREATED, "{}", fixed.body);

    // Twenty concurrent requests with one key: exactly one account, one email; every answer is the
    // same 201 or a 409 "still running".
    let body = json!({ "email": "frank@example.com", "password": PASSWORD });
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = app.client.clone();
        let url = format!("{}/v1/users", app.base);
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).header("Idempotency-Key", "signup-frank").json(&body).send().await;
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap_or_else(|e| panic!("{e}"));
        match status {
            StatusCode::CREATED => {
                ids.insert(body["id"].as_str().unwrap_or("").to_owned());
            }
            StatusCode::CONFLICT => assert_eq!(body["error"]["type"], "idempotency_error", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "one account: {ids:?}");
    let inbox = app.get("/v1/test/inbox?to=frank@example.com", None).await;
    assert_eq!(inbox.body["data"].as_array().map(Vec::len), Some(1));

    // Keys are scoped to the caller: another caller's identical key is a new request.
    let token = app.buyer("gina@example.com").await;
    let m1 = app
        .call(
            Method::POST,
            "/v1/merchants",
            Some(&token),
            Some("shop"),
            Some(json!({ "name": "Gina's", "country": "US", "currency": "USD" })),
        )
        .await;
    assert_eq!(m1.status, StatusCode::CREATED, "{}", m1.body);
    let m2 = app
        .call(
            Method::POST,
            "/v1/merchants",
            Some(&token),
            Some("shop"),
            Some(json!({ "name": "Gina's", "country": "US", "currency": "USD" })),
        )
        .await;
    assert_eq!(m2.body["secret_key"], m1.body["secret_key"], "the replay shows the key shown once");
    let other_token = app.buyer("hank@example.com").await;
    let m3 = app
        .call(
            Method::POST,
            "/v1/merchants",
            Some(&other_token),
            Some("shop"),
            Some(json!({ "name": "Gina's", "country": "US", "currency": "USD" })),
        )
        .await;
    assert_ne!(m3.body["id"], m1.body["id"]);
}

#[tokio::test]
async fn roles_merchants_and_the_ledger_check() {
    let app = TestApp::spawn().await;
    let buyer = app.buyer("ivy@example.com").await;
    let merchant = app
        .post("/v1/merchants", Some(&buyer), json!({ "name": "Ivy Books", "country": "us", "currency": "USD" }))
        .await;
    assert_eq!(merchant.status, StatusCode::CREATED, "{}", merchant.body);
    let key = merchant.body["secret_key"].as_str().unwrap_or_default().to_owned();
    assert!(key.starts_with("sk_test_") && merchant.body["id"].as_str().is_some_and(|i| i.starts_with("mer_")));
    app.post("/v1/merchants", Some(&buyer), json!({ "name": "X", "country": "US", "currency": "XAU" }))
        .await
        .assert_error(400, "invalid_request_error", "currency_not_supported");
    app.post("/v1/merchants", Some(&buyer), json!({ "name": "", "country": "US", "currency": "USD" }))
        .await
        .assert_error(400, "invalid_request_error", "parameter_invalid");
    // A seller's key is not a person's session; a buyer is not an operator.
    app.get("/v1/me", Some(&key)).await.assert_error(403, "authentication_error", "forbidden");
    app.get("/v1/me", Some("sk_live_unknown")).await.assert_error(401, "authentication_error", "unauthenticated");
    app.get("/v1/ledger/verify", Some(&buyer)).await.assert_error(403, "authentication_error", "forbidden");
    app.post("/v1/merchants", Some(&key), json!({ "name": "Y", "country": "US", "currency": "USD" }))
        .await
        .assert_error(403, "authentication_error", "forbidden");
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let me = app.get("/v1/me", Some(&operator)).await;
    assert_eq!(me.body["role"], "operator");
    app.post("/v1/merchants", Some(&operator), json!({ "name": "Z", "country": "US", "currency": "USD" }))
        .await
        .assert_error(403, "authentication_error", "forbidden");

    // Money moved through the raw test ledger shows in the operator's check.
    for (id, no_overdraft) in [(1, false), (2, true), (3, true)] {
        let a = app
            .post(
                "/v1/test/ledger/accounts",
                Some(&operator),
                json!({ "id": id, "currency": "USD", "no_overdraft": no_overdraft }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    }
    let t = app
        .post(
            "/v1/test/ledger/transfers",
            Some(&operator),
            json!({ "id": 1, "debit_account": 1, "credit_account": 2, "amount": 500, "currency": "USD" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    app.post(
        "/v1/test/ledger/transfers",
        Some(&operator),
        json!({ "id": 2, "debit_account": 2, "credit_account": 3, "amount": 501, "currency": "USD" }),
    )
    .await
    .assert_error(400, "invalid_request_error", "insufficient_funds");
    let a2 = app.get("/v1/test/ledger/accounts/2", Some(&operator)).await;
    assert_eq!(a2.body["balance"], 500);
    let report = app.get("/v1/ledger/verify", Some(&operator)).await;
    assert_eq!(report.body["balanced"], true, "{}", report.body);
    assert_eq!(report.body["transactions"], 1);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!((ready.status, ready.body["status"].as_str()), (StatusCode::OK, Some("ready")));
}

#[tokio::test]
async fn the_openapi_document_and_the_routes_agree() {
    let app = TestApp::spawn().await;
    let doc = app.get("/openapi.json", None).await;
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().cloned().unwrap_or_default();
    // The contract's routes of this release are all documented.
    for (method, path) in [
        ("post", "/v1/users"),
        ("post", "/v1/users/verify_email"),
        ("post", "/v1/sessions"),
        ("delete", "/v1/sessions/current"),
        ("get", "/v1/me"),
        ("post", "/v1/merchants"),
        ("get", "/v1/ledger/verify"),
        ("get", "/v1/test/inbox"),
        ("post", "/v1/test/clock"),
        ("get", "/healthz"),
        ("get", "/readyz"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is not documented");
    }
    // Every documented operation is served: the router never answers "no such route" or 405 for it.
    let mut checked = 0;
    for (path, ops) in &paths {
        for method in ops.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
            let concrete = path.replace("{id}", "1");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(Method::GET);
            let answer = app.raw(m, &concrete, Some("application/json"), b"{}".to_vec()).await;
            let unknown = answer.status == StatusCode::METHOD_NOT_ALLOWED
                || (answer.status == StatusCode::NOT_FOUND && answer.body["error"]["message"] == "No such route.");
            assert!(!unknown, "{method} {path} is documented but not routed: {}", answer.body);
            checked += 1;
        }
    }
    assert!(checked >= 14, "checked {checked}");
    // And a route that is not documented is not served.
    let undocumented = app.raw(Method::GET, "/v1/users", None, Vec::new()).await;
    assert!(paths.get("/v1/users").and_then(|p| p.get("get")).is_none());
    assert_eq!(undocumented.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn live_mode_has_no_test_endpoints() {
    let dir = std::env::temp_dir().join(format!("pocketpay-live-{}", server::secrets::random_id("t")));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    // Live mode never generates secrets or keys, and never uses the in-process test issuer.
    let refused = server::build(ServerConfig::new(Mode::Live, &dir)).await;
    assert!(refused.is_err());
    let vault_keys = format!("fingerprint {}; key 1 {}; active 1", "ab".repeat(32), "cd".repeat(32));
    let mut no_vault = ServerConfig::new(Mode::Live, &dir);
    no_vault.secret_hex = Some("ab".repeat(32));
    no_vault.issuer_url = Some("http://127.0.0.1:9".into());
    assert!(server::build(no_vault).await.is_err(), "no vault keys");
    let mut no_issuer = ServerConfig::new(Mode::Live, &dir);
    no_issuer.secret_hex = Some("ab".repeat(32));
    no_issuer.vault_keys = Some(vault_keys.clone());
    assert!(server::build(no_issuer).await.is_err(), "no issuer");
    let app = TestApp::spawn_with(|c| {
        c.mode = Mode::Live;
        c.secret_hex = Some("ab".repeat(32));
        c.vault_keys = Some(vault_keys);
        c.issuer_url = Some("http://127.0.0.1:9".into());
    })
    .await;
    let inbox = app.get("/v1/test/inbox?to=a@b.co", None).await;
    inbox.assert_error(404, "invalid_request_error", "resource_missing");
    let doc = app.get("/openapi.json", None).await;
    assert!(doc.body["paths"].get("/v1/test/inbox").is_none());
}

#[tokio::test]
async fn secrets_are_not_stored_in_the_clear() {
    let app = TestApp::spawn().await;
    let token = app.buyer("jo@example.com").await;
    let merchant = app
        .call(
            Method::POST,
            "/v1/merchants",
            Some(&token),
            Some("m-1"),
            Some(json!({ "name": "Jo", "country": "US", "currency": "USD" })),
        )
        .await;
    let key = merchant.body["secret_key"].as_str().unwrap_or_default().to_owned();
    // Let the writer checkpoint nothing in particular; read every file of the data directory.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut everything = Vec::new();
    for entry in std::fs::read_dir(&app.dir).unwrap_or_else(|e| panic!("{e}")).flatten() {
        if entry.path().is_file() && !entry.path().ends_with("secret.key") {
            everything.extend(std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    assert!(!everything.is_empty());
    for secret in [PASSWORD, token.as_str(), key.as_str()] {
        assert!(!everything.windows(secret.len()).any(|w| w == secret.as_bytes()), "a secret is stored in the clear");
    }
}
