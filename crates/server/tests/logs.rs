//! The logs of a whole sign-up, sign-in and seller flow never contain a password, a code or a token.

mod common;

use common::Captured;
use serde_json::{json, Value};
use server::{Mode, ServerConfig};

#[tokio::test]
async fn logs_hold_no_password_code_or_token() {
    let (captured, _guard) = Captured::start();

    let dir = std::env::temp_dir().join(format!("pocketpay-logs-{}", server::secrets::random_id("t")));
    let mut config = ServerConfig::new(Mode::Test, &dir);
    config.worker_interval_ms = 20;
    let app = server::build(config).await.unwrap_or_else(|e| panic!("{e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    tokio::spawn(app.serve(listener, std::future::pending()));
    let client = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r =
            client.post(format!("{base}{path}")).header("Idempotency-Key", server::secrets::random_id("k")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move { r.send().await.unwrap_or_else(|e| panic!("{e}")).json::<Value>().await.unwrap_or(Value::Null) }
    };
    let password = "log-canary-password-77";
    post("/v1/users", None, json!({ "email": "logs@example.com", "password": password })).await;
    // Let the outbox worker deliver (and log) the message.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let inbox: Value = client
        .get(format!("{base}/v1/test/inbox?to=logs@example.com"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    let code = inbox["data"][0]["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(code.len(), 6);
    post("/v1/users/verify_email", None, json!({ "email": "logs@example.com", "code": code })).await;
    post("/v1/sessions", None, json!({ "email": "logs@example.com", "password": "wrong password here" })).await;
    let session = post("/v1/sessions", None, json!({ "email": "logs@example.com", "password": password })).await;
    let token = session["token"].as_str().unwrap_or_default().to_owned();
    let merchant =
        post("/v1/merchants", Some(&token), json!({ "name": "Logs", "country": "US", "currency": "USD" })).await;
    let key = merchant["secret_key"].as_str().unwrap_or_default().to_owned();
    assert!(!token.is_empty() && !key.is_empty());

    let logs = captured.text();
    assert!(logs.contains("request"), "the flow was logged: {logs}");
    assert!(logs.contains("delivered to the test inbox"), "the outbox worker logged: {logs}");
    for secret in [password, "wrong password here", code.as_str(), token.as_str(), key.as_str()] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
}
