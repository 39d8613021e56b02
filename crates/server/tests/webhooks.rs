//! Events and webhooks with real receivers on loopback: every event type of a whole journey arrives,
//! signed so that an independent implementation (Python's `hmac`) verifies it; a receiver answering
//! 500 then 200 gets the event twice with one id and the log shows both; a receiver that never
//! answers does not slow checkout; an endpoint failing for 3 days (test clock) is disabled and its
//! owner emailed; forbidden addresses and redirects are refused; the event log pages and filters.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{new_card, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A request a receiver got.
#[derive(Clone, Debug)]
struct Received {
    event_id: String,
    signature: String,
    body: String,
}

/// A webhook receiver on loopback answering each request with the next status of its script (then
/// its last one), or never answering (`hang`).
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(script: Vec<u16>, hang: bool) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let url = format!("http://{}/hooks", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen = got.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let (seen, script) = (seen.clone(), script.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    if let Ok(mut s) = seen.lock() {
                        s.push(request);
                    }
                    if hang {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    let status = script
                        .lock()
                        .map(|mut s| if s.len() > 1 { s.pop_front() } else { s.front().copied() })
                        .ok()
                        .flatten()
                        .unwrap_or(200);
                    let location = if status == 302 { "Location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
                    let answer =
                        format!("HTTP/1.1 {status} X\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\nok");
                    let _ = stream.write_all(answer.as_bytes()).await;
                });
            }
        });
        Receiver { url, got }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }

    /// Waits until `n` requests came (or 10 s).
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.received().len() < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.received()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.trim().to_owned())
                    })
                    .unwrap_or_default()
            };
            let length: usize = header("content-length").parse().unwrap_or(0);
            if data.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                return Some(Received {
                    event_id: header("pocketpay-event-id"),
                    signature: header("pocketpay-signature"),
                    body,
                });
            }
        }
    }
}

async fn endpoint(app: &TestApp, token: &str, url: &str, events: Value) -> (String, String) {
    let w = app.post("/v1/webhook_endpoints", Some(token), json!({ "url": url, "enabled_events": events })).await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.body);
    assert!(w.body["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")));
    (w.body["id"].as_str().unwrap_or_default().to_owned(), w.body["secret"].as_str().unwrap_or_default().to_owned())
}

async fn advance(app: &TestApp, seconds: i64) {
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": seconds })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
}

/// Verifies a delivery's signature with Python's standard library, as a receiver would.
fn python_verifies(secret: &str, r: &Received) -> bool {
    let script = r#"
import hashlib, hmac, sys
secret, header, body = sys.argv[1], sys.argv[2], sys.stdin.buffer.read()
parts = dict(p.split("=", 1) for p in header.split(","))
expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
sys.exit(0 if hmac.compare_digest(expected, parts["v1"]) else 1)
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script, secret, &r.signature])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(r.body.as_bytes());
    }
    child.wait().map(|s| s.success()).unwrap_or(false)
}

fn types(got: &[Received]) -> BTreeSet<String> {
    got.iter()
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .filter_map(|v| v["type"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_event_type_of_a_journey_arrives_signed() {
    let app = TestApp::spawn().await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let ops_receiver = Receiver::start(vec![200], false).await;
    let (_, ops_secret) = endpoint(&app, &operator, &ops_receiver.url, json!(["*"])).await;
    let (key, product) = app.seller("hooked@example.com", "Hooked", "Lamp", 4_000).await;
    let seller_receiver = Receiver::start(vec![200], false).await;
    let (_, seller_secret) = endpoint(&app, &key, &seller_receiver.url, json!(["*"])).await;
    let buyer = app.buyer("journey@example.com").await;
    // A gift code bought and redeemed (operators only).
    let gift = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&buyer),
            json!({ "currency": "USD", "items": [{ "denomination": 5000, "quantity": 1 }],
            "payment_method": new_card("4242424242424242"), "gift": { "recipient_email": "journey@example.com" } }),
        )
        .await;
    let gift_code = gift.body["code"].as_str().unwrap_or_default().to_owned();
    let redeemed = app.post("/v1/gift_cards/redeem", Some(&buyer), json!({ "code": gift_code })).await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.body);
    // Paid with a card typed at checkout: a code first, then authorized; shipped, delivered, received.
    let order = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4242424242424242") }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_action", "{}", paid.body);
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("journey@example.com").await;
    let verified = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);
    let ship = json!({ "carrier": "UPS", "tracking_number": "1Z" });
    assert_eq!(app.post(&format!("/v1/orders/{order}/ship"), Some(&key), ship.clone()).await.status, StatusCode::OK);
    assert_eq!(app.post(&format!("/v1/orders/{order}/deliver"), Some(&key), json!({})).await.status, StatusCode::OK);
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 500, "description": "Dent." }),
        )
        .await;
    let cid = claim.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/claims/{cid}/respond"), Some(&key), json!({ "action": "reject", "message": "No." })).await;
    app.post(&format!("/v1/claims/{cid}/escalate"), Some(&buyer), json!({})).await;
    let resolved = app
        .post(
            &format!("/v1/claims/{cid}/resolve"),
            Some(&operator),
            json!({ "outcome": "buyer", "refund_amount": 500 }),
        )
        .await;
    assert_eq!(resolved.body["status"], "resolved", "{}", resolved.body);
    assert_eq!(
        app.post(&format!("/v1/orders/{order}/confirm_receipt"), Some(&buyer), json!({})).await.status,
        StatusCode::OK
    );
    let refund = app
        .post(
            &format!("/v1/orders/{order}/refunds"),
            Some(&key),
            json!({ "amount": 100, "reason": "goodwill", "destination": "pocket" }),
        )
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    // Available, paid out (once to a good account, once to a closed one).
    let merchant = app.get("/v1/balance", Some(&key)).await.body["merchant"].as_str().unwrap_or_default().to_owned();
    app.call(
        reqwest::Method::PATCH,
        &format!("/v1/merchants/{merchant}"),
        Some(&key),
        None,
        Some(json!({ "payout_schedule": { "interval": "manual" } })),
    )
    .await;
    advance(&app, 1).await;
    for number in ["000123456789", "000111111113"] {
        let b = app
            .post(
                "/v1/payout_destinations",
                Some(&key),
                json!({ "country": "US", "currency": "USD", "account_holder_name": "Hooked",
                "account_number": number, "routing_number": "110000000", "default": true }),
            )
            .await;
        assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
        let p = app.post("/v1/payouts", Some(&key), json!({ "amount": 1_000, "currency": "USD" })).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        advance(&app, 1).await;
    }
    advance(&app, 4 * 86_400 + 1).await;
    // A second order cancelled (the authorization voided), a third declined, a fourth reported.
    let buyer = app.login("journey@example.com", common::PASSWORD).await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let second = app.new_order(&buyer, &product).await;
    app.post(
        &format!("/v1/orders/{second}/pay"),
        Some(&buyer),
        json!({ "payment_method": { "type": "card", "card": card } }),
    )
    .await;
    assert_eq!(
        app.post(&format!("/v1/orders/{second}/cancel"), Some(&buyer), json!({})).await.body["status"],
        "canceled"
    );
    let third = app.new_order(&buyer, &product).await;
    let asked = app
        .post(
            &format!("/v1/orders/{third}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4000000000000002") }),
        )
        .await;
    let asked_id = asked.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("journey@example.com").await;
    let declined = app.post(&format!("/v1/payments/{asked_id}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    let fourth = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{fourth}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    app.post(&format!("/v1/orders/{fourth}/ship"), Some(&key), ship).await;
    let pid = paid.body["id"].as_str().unwrap_or_default();
    let report = app
        .post(&format!("/v1/payments/{pid}/report_unauthorized"), Some(&buyer), json!({ "description": "Not me." }))
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);

    // Every type (a refund never fails here: a card refund the bank refuses goes to the Pocket).
    let expected: BTreeSet<String> =
        server::events::EVENT_TYPES.iter().filter(|t| **t != "refund.failed").map(|t| t.to_string()).collect();
    let deadline = Instant::now() + Duration::from_secs(15);
    while types(&ops_receiver.received()) != expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(types(&ops_receiver.received()), expected, "the operators' endpoint");
    let mut for_seller = expected.clone();
    for_seller.remove("gift_card.redeemed");
    assert_eq!(types(&seller_receiver.wait_for(1).await), for_seller, "the seller's endpoint");
    // Each delivery is signed (Python's hmac agrees), carries its event id, and holds the object.
    for r in ops_receiver.received().iter().take(5) {
        assert!(python_verifies(&ops_secret, r), "{r:?}");
        let event: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        assert_eq!(event["id"].as_str(), Some(r.event_id.as_str()));
        assert!(event["data"]["object"]["id"].is_string() || event["type"] == "balance.available", "{event}");
    }
    let r = &seller_receiver.received()[0];
    assert!(python_verifies(&seller_secret, r));
    assert!(!python_verifies(&ops_secret, r), "another endpoint's secret does not verify it");
    // No code, card number or secret in any delivery.
    for r in ops_receiver.received() {
        assert!(
            !r.body.contains("4242424242424242") && !r.body.contains(&gift_code) && !r.body.contains("whsec_"),
            "{}",
            r.body
        );
    }
    // The event log: the seller sees theirs (never gift_card.redeemed), filtered by type.
    let shipped = app.get("/v1/events?type=order.shipped&limit=100", Some(&key)).await;
    assert_eq!(shipped.body["data"].as_array().map(Vec::len), Some(2), "{}", shipped.body);
    let all = app.get("/v1/events?limit=100", Some(&key)).await.body.to_string();
    assert!(!all.contains("gift_card.redeemed"));
    let ops = app.get("/v1/events?type=gift_card.redeemed", Some(&operator)).await;
    assert_eq!(ops.body["data"].as_array().map(Vec::len), Some(1));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_the_same_event_and_the_log_shows_both() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start(vec![500, 200], false).await;
    let (key, product) = app.seller("retry@example.com", "Retry", "Lamp", 1_000).await;
    let (we, _) = endpoint(&app, &key, &receiver.url, json!(["order.created"])).await;
    let buyer = app.buyer("retry-buyer@example.com").await;
    app.new_order(&buyer, &product).await;
    receiver.wait_for(1).await;
    // The next attempt is due a minute later.
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.received().len() < 2 && Instant::now() < deadline {
        advance(&app, 61).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = receiver.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].event_id, got[1].event_id, "the same event, by its id");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = app.get(&format!("/v1/webhook_endpoints/{we}/deliveries"), Some(&key)).await;
    let rows = log.body["data"].as_array().cloned().unwrap_or_default();
    let shown: Vec<(i64, String, Option<i64>)> = rows
        .iter()
        .rev()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap_or(0),
                d["status"].as_str().unwrap_or("").to_owned(),
                d["response_status"].as_i64(),
            )
        })
        .collect();
    assert_eq!(shown, vec![(1, "failed".into(), Some(500)), (2, "succeeded".into(), Some(200))], "{}", log.body);
    // Redelivery by hand: a third request with the same id.
    let event = rows[0]["event"].as_str().unwrap_or_default();
    let again = app.post(&format!("/v1/webhook_endpoints/{we}/redeliver"), Some(&key), json!({ "event": event })).await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
    assert_eq!(receiver.wait_for(3).await[2].event_id, got[0].event_id);
}

#[tokio::test]
async fn a_receiver_that_never_answers_does_not_slow_checkout() {
    let app = TestApp::spawn().await;
    let silent = Receiver::start(vec![], true).await;
    let (key, product) = app.seller("slow-hooks@example.com", "Slow", "Lamp", 1_000).await;
    endpoint(&app, &key, &silent.url, json!(["*"])).await;
    let buyer = app.buyer("fast-buyer@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let started = Instant::now();
    for _ in 0..5 {
        let order = app.new_order(&buyer, &product).await;
        let paid = app
            .post(
                &format!("/v1/orders/{order}/pay"),
                Some(&buyer),
                json!({ "payment_method": { "type": "card", "card": card } }),
            )
            .await;
        assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
        let shipped = app
            .post(&format!("/v1/orders/{order}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
            .await;
        assert_eq!(shipped.body["status"], "shipped");
    }
    let took = started.elapsed();
    assert!(!silent.wait_for(1).await.is_empty(), "deliveries were attempted meanwhile");
    assert!(took < Duration::from_secs(5), "five orders took {took:?} beside a silent receiver");
}

#[tokio::test]
async fn an_endpoint_failing_for_three_days_is_disabled_and_its_owner_emailed() {
    let app = TestApp::spawn().await;
    let failing = Receiver::start(vec![503], false).await;
    let (key, product) = app.seller("down@example.com", "Down", "Lamp", 1_000).await;
    let (we, _) = endpoint(&app, &key, &failing.url, json!(["order.created"])).await;
    let buyer = app.buyer("down-buyer@example.com").await;
    app.new_order(&buyer, &product).await;
    let mut attempts = failing.wait_for(1).await.len();
    let mut moved = 0;
    while moved < 4 * 86_400 {
        advance(&app, 3_600).await;
        moved += 3_600;
        let now = failing.received().len();
        if now > attempts {
            attempts = now;
            // Let the attempt be recorded before the clock moves on.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let w = app.get(&format!("/v1/webhook_endpoints/{we}"), Some(&key)).await;
    assert_eq!(w.body["status"], "disabled", "{}", w.body);
    let tried = failing.received().len();
    eprintln!("{tried} attempts in 3 days, then disabled");
    assert!((6..=12).contains(&tried), "{tried} attempts in 3 days");
    let inbox = app.get("/v1/test/inbox?to=down@example.com", None).await;
    assert!(inbox.body.to_string().contains("did not accept events for 3 days"), "{}", inbox.body);
    // Nothing more is sent to it; enabling it again takes new events.
    let before = failing.received().len();
    advance(&app, 86_400).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(failing.received().len(), before);
}

#[tokio::test]
async fn forbidden_addresses_and_redirects_are_refused() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("ssrf@example.com", "Ssrf", "Lamp", 1_000).await;
    for url in [
        "http://10.0.0.8/x",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.1.1/x",
        "ftp://127.0.0.1/x",
        "http://user:pw@127.0.0.1/x",
    ] {
        let w = app.post("/v1/webhook_endpoints", Some(&key), json!({ "url": url, "enabled_events": ["*"] })).await;
        w.assert_error(400, "invalid_request_error", "url_not_allowed");
    }
    let w = app
        .post(
            "/v1/webhook_endpoints",
            Some(&key),
            json!({ "url": "http://127.0.0.1:9/x", "enabled_events": ["order.nope"] }),
        )
        .await;
    w.assert_error(400, "invalid_request_error", "parameter_invalid");
    // A redirect is not followed: the attempt fails with the 302, and its target gets nothing.
    let redirecting = Receiver::start(vec![302], false).await;
    let (we, _) = endpoint(&app, &key, &redirecting.url, json!(["order.created"])).await;
    let buyer = app.buyer("ssrf-buyer@example.com").await;
    app.new_order(&buyer, &product).await;
    redirecting.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = app.get(&format!("/v1/webhook_endpoints/{we}/deliveries"), Some(&key)).await;
    let first =
        log.body["data"].as_array().and_then(|d| d.iter().find(|x| x["attempt"] == 1).cloned()).unwrap_or(Value::Null);
    assert_eq!(
        (first["status"].as_str(), first["response_status"].as_i64()),
        (Some("failed"), Some(302)),
        "{}",
        log.body
    );
    // Query parameters are checked in our error format.
    app.get("/v1/events?nope=1", Some(&key)).await.assert_error(400, "invalid_request_error", "parameter_unknown");
    app.get("/v1/events?limit=x", Some(&key)).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    app.get("/v1/events?type=order.nope", Some(&key)).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    // Another seller cannot see or change this endpoint.
    let (other, _) = app.seller("other-ssrf@example.com", "Other", "Thing", 100).await;
    app.get(&format!("/v1/webhook_endpoints/{we}"), Some(&other)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
}
