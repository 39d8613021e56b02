//! The test issuer as its own process (`pocketpay issuer serve`) behind a Pocketpay server
//! (`POCKETPAY_ISSUER_URL`): cards are checked across a real process and network boundary, and the
//! issuer's death answers a clear, retryable failure instead of a hang or a 500.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a `pocketpay` child and returns it with the URL it printed.
fn start(args: &[&str], env: &[(&str, &str)]) -> (Process, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pocketpay"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("no address line from {args:?}"));
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line}"))
        .to_owned();
    (Process(child), url)
}

#[tokio::test]
async fn cards_are_checked_by_an_issuer_in_another_process() {
    let root = std::env::temp_dir().join(format!("pocketpay-issuer-svc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let issuer_dir = root.join("issuer");
    let data_dir = root.join("data");
    let (issuer, issuer_url) =
        start(&["issuer", "serve", "--listen", "127.0.0.1:0", "--data-dir", &issuer_dir.display().to_string()], &[]);
    let (_server, base) = start(
        &["serve", "--listen", "127.0.0.1:0", "--data-dir", &data_dir.display().to_string()],
        &[("POCKETPAY_ISSUER_URL", &issuer_url)],
    );
    let client = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r = client.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            let resp = r.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    post("/v1/users", None, json!({ "email": "net@example.com", "password": "a long password" })).await;
    let inbox: Value = client
        .get(format!("{base}/v1/test/inbox?to=net@example.com"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    let code = inbox["data"][0]["code"].as_str().unwrap_or_default().to_owned();
    post("/v1/users/verify_email", None, json!({ "email": "net@example.com", "code": code })).await;
    let (_, session) =
        post("/v1/sessions", None, json!({ "email": "net@example.com", "password": "a long password" })).await;
    let token = session["token"].as_str().unwrap_or_default().to_owned();
    let card = |number: &str| {
        json!({ "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123", "holder_name": "Net",
                "billing_address": { "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" } })
    };
    let (status, added) = post("/v1/cards", Some(&token), card("4000002500000003")).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["country"], "FR", "the remote issuer reported the card's country");
    let (status, declined) = post("/v1/cards", Some(&token), card("4000000000009995")).await;
    assert_eq!(status, 201, "insufficient funds passes a zero-amount check: {declined}");
    let (status, declined) = post("/v1/cards", Some(&token), card("4000000000000002")).await;
    assert_eq!((status, declined["error"]["decline_code"].as_str()), (402, Some("generic_decline")), "{declined}");

    // The issuer dies: adding a card is a clear, retryable processing error, not a hang or a 500.
    drop(issuer);
    let (status, failed) = post("/v1/cards", Some(&token), card("5555555555554444")).await;
    assert_eq!((status, failed["error"]["code"].as_str()), (402, Some("processing_error")), "{failed}");

    // A purchase while the issuer is down stays open (its outcome is unknown); once the issuer is back,
    // the healer looks the attempt up, finds nothing, blocks it there and fails the purchase: never charged.
    let saved = added["id"].as_str().unwrap_or_default().to_owned();
    let (status, open) = post(
        "/v1/gift_cards/purchase",
        Some(&token),
        json!({ "currency": "USD", "items": [{ "denomination": 1000, "quantity": 1 }],
                "payment_method": { "type": "card", "card": saved } }),
    )
    .await;
    assert_eq!((status, open["error"]["code"].as_str()), (402, Some("processing_error")), "{open}");
    assert_eq!(open["error"]["purchase"]["status"], "processing", "{open}");
    let purchase_id = open["error"]["purchase"]["id"].as_str().unwrap_or_default().to_owned();
    let port = issuer_url.rsplit(':').next().unwrap_or_default().to_owned();
    let (_issuer, _) = start(
        &["issuer", "serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir", &issuer_dir.display().to_string()],
        &[],
    );
    let (status, _) = post("/v1/test/clock", None, json!({ "advance_seconds": 61 })).await;
    assert_eq!(status, 200);
    let settled: Value = client
        .get(format!("{base}/v1/gift_cards/purchases/{purchase_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(settled["status"], "failed", "{settled}");
    let pocket: Value = client
        .get(format!("{base}/v1/pocket"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(pocket["balances"], json!([]), "nothing was loaded");
    let _ = std::fs::remove_dir_all(&root);
}
