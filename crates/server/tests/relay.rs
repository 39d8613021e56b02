//! The message relay: in live mode a buyer signs up with the code the relay carried (signed, keyed
//! for idempotency, erased from the outbox once handed over); a relay that refuses gets the message
//! again later, with the same key, and only until it takes it; unsafe relay settings stop the server.

mod common;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use common::TestApp;
use serde_json::{json, Value};
use server::relay::{signature_header, RelayConfig};
use server::{Mode, ServerConfig};

const RELAY_SECRET: &str = "relay-secret-of-at-least-32-characters!";

/// A request the relay was given: its headers and raw body.
type Received = (HeaderMap, Vec<u8>);

/// A relay that records what it is given and answers `status`.
#[derive(Clone, Default)]
struct FakeRelay {
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl FakeRelay {
    async fn start() -> (FakeRelay, String) {
        let relay = FakeRelay::default();
        relay.status.store(200, Ordering::SeqCst);
        let app = axum::Router::new().route(
            "/messages",
            axum::routing::post({
                let relay = relay.clone();
                move |headers: HeaderMap, body: axum::body::Bytes| async move {
                    relay.received.lock().unwrap_or_else(|e| e.into_inner()).push((headers, body.to_vec()));
                    axum::http::StatusCode::from_u16(relay.status.load(Ordering::SeqCst))
                        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let url = format!("http://{}/messages", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (relay, url)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until the relay has been called `n` times.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the relay was called {} times, not {n}", self.received().len());
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// The signature checks out as a relay would check it: recomputed from its `t` and the raw body.
fn assert_signed(headers: &HeaderMap, body: &[u8]) {
    let signature = header(headers, "pocketpay-signature");
    let t: i64 = signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split(',').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no t in {signature:?}"));
    assert_eq!(signature, signature_header(RELAY_SECRET, t, body));
    assert_ne!(signature, signature_header("another-secret-of-at-least-32-characters", t, body));
}

fn outbox_row(dir: &std::path::Path, id: i64) -> (String, Option<String>, Option<i64>, i64) {
    let row = store::row_for_tests(
        &dir.join("pocketpay.db"),
        "SELECT body, code, delivered_at, attempts FROM outbox WHERE id = ?1",
        id,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let number = |v: &Option<String>| v.as_deref().and_then(|t| t.parse::<i64>().ok());
    (row[0].clone().unwrap_or_default(), row[1].clone(), number(&row[2]), number(&row[3]).unwrap_or(-1))
}

fn message_id(body: &Value) -> i64 {
    body["id"].as_str().and_then(|id| id.strip_prefix("msg_")).and_then(|n| n.parse().ok()).unwrap_or(-1)
}

#[tokio::test]
async fn live_mode_sign_up_works_through_the_relay_and_forgets_the_code() {
    let (relay, url) = FakeRelay::start().await;
    let vault_keys = format!("fingerprint {}; key 1 {}; active 1", "ab".repeat(32), "cd".repeat(32));
    let app = TestApp::spawn_with(|c| {
        c.mode = Mode::Live;
        c.secret_hex = Some("ab".repeat(32));
        c.vault_keys = Some(vault_keys);
        c.issuer_url = Some("http://127.0.0.1:9".into());
        c.message_relay = Some(RelayConfig { url, secret: RELAY_SECRET.into() });
    })
    .await;
    let email = "live-buyer@example.com";
    let created = app.post("/v1/users", None, json!({ "email": email, "password": common::PASSWORD })).await;
    assert_eq!(created.status, 201, "{}", created.body);

    let got = relay.wait_for(1).await;
    let (headers, raw) = &got[0];
    assert_signed(headers, raw);
    let message: Value = serde_json::from_slice(raw).unwrap_or_default();
    assert_eq!(message["channel"], "email");
    assert_eq!(message["to"], email);
    assert_eq!(header(headers, "idempotency-key"), message["id"].as_str().unwrap_or("?"));
    let text = message["body"].as_str().unwrap_or_default();
    let code: String = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text:?}"))
        .to_owned();

    // The buyer types the code the relay carried, and is in.
    let verified = app.post("/v1/users/verify_email", None, json!({ "email": email, "code": code })).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let session = app.post("/v1/sessions", None, json!({ "email": email, "password": common::PASSWORD })).await;
    assert_eq!(session.status, 201, "{}", session.body);

    // Handed over, the message no longer says anything in the database.
    let (body, stored_code, delivered_at, attempts) = outbox_row(&app.dir, message_id(&message));
    assert_eq!((body.as_str(), stored_code, attempts), ("", None, 1));
    assert!(delivered_at.is_some());
    // And it is not sent again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.received().len(), 1);
}

#[tokio::test]
async fn a_refusing_relay_gets_the_message_again_later_with_the_same_key() {
    let (relay, url) = FakeRelay::start().await;
    relay.status.store(503, Ordering::SeqCst);
    let app = TestApp::spawn_with(|c| c.message_relay = Some(RelayConfig { url, secret: RELAY_SECRET.into() })).await;
    let email = "retry@example.com";
    let created = app.post("/v1/users", None, json!({ "email": email, "password": common::PASSWORD })).await;
    assert_eq!(created.status, 201);
    let first = relay.wait_for(1).await;
    let message: Value = serde_json::from_slice(&first[0].1).unwrap_or_default();
    let id = message_id(&message);
    // Refused: still undelivered, counted, and not retried before its delay (2 s on the server's clock).
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(relay.received().len(), 1, "no retry before the delay");
    let (body, _, delivered_at, attempts) = outbox_row(&app.dir, id);
    assert_eq!((delivered_at, attempts), (None, 1));
    assert!(!body.is_empty(), "test mode keeps the text for the test inbox");

    // The relay recovers; two seconds later the same message comes again, with the same key.
    relay.status.store(202, Ordering::SeqCst);
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": 2 })).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let got = relay.wait_for(2).await;
    assert_eq!(header(&got[1].0, "idempotency-key"), format!("msg_{id}"));
    assert_signed(&got[1].0, &got[1].1);
    let again: Value = serde_json::from_slice(&got[1].1).unwrap_or_default();
    assert_eq!(again["body"], message["body"]);
    let (_, _, delivered_at, attempts) = outbox_row(&app.dir, id);
    assert_eq!(attempts, 2);
    assert!(delivered_at.is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.received().len(), 2, "taken once: never sent again");
    // Test mode: the test inbox still shows the code.
    let code = app.inbox_code(email).await;
    assert_eq!(code.len(), 6);
}

#[tokio::test]
async fn unsafe_relay_settings_stop_the_server() {
    let dir = std::env::temp_dir().join(format!("pocketpay-relay-{}", server::secrets::random_id("t")));
    let vault_keys = format!("fingerprint {}; key 1 {}; active 1", "ab".repeat(32), "cd".repeat(32));
    let live = |url: &str, secret: &str| {
        let mut c = ServerConfig::new(Mode::Live, &dir);
        c.secret_hex = Some("ab".repeat(32));
        c.vault_keys = Some(vault_keys.clone());
        c.issuer_url = Some("http://127.0.0.1:9".into());
        c.message_relay = Some(RelayConfig { url: url.into(), secret: secret.into() });
        c
    };
    for (url, secret, why) in [
        ("http://relay.example.com/messages", RELAY_SECRET, "another host in live mode"),
        ("https://127.0.0.1/messages", RELAY_SECRET, "not http://"),
        ("http://127.0.0.1:8025/messages", "short", "a short secret"),
    ] {
        let refused = server::build(live(url, secret)).await;
        let error = refused.err().map(|e| e.to_string()).unwrap_or_else(|| panic!("started with {why}"));
        assert!(error.contains("POCKETPAY_MESSAGE_RELAY"), "{why}: {error}");
        assert!(!error.contains(RELAY_SECRET), "{error}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
