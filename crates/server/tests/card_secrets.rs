//! No card number or security code in the data files, the logs or the responses of a session that
//! adds, lists, reads and re-checks cards (its own test binary: a thread-local log subscriber must be
//! the only one in the process for its events to be seen).

mod common;

use common::{Answer, Captured, TestApp};
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

/// Strips the parts of a log line that are counters, not content (timing could match a code by chance).
fn without_timings(text: &str) -> String {
    text.split_whitespace().filter(|w| !w.contains("elapsed_us=")).collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn no_card_number_or_security_code_in_files_logs_or_responses() {
    let (captured, _guard) = Captured::start();

    let app = TestApp::spawn().await;
    let token = app.buyer("secret-cards@example.com").await;
    let cards = [
        ("4242424242424242", "829"),
        ("378282246310005", "7413"),
        ("5555555555554444", "651"),
        ("4000000000000002", "903"),
    ];
    let mut responses = String::new();
    for (number, cvc) in cards {
        let a = add(&app, &token, card(number, cvc)).await;
        responses.push_str(&a.body.to_string());
    }
    let list = app.get("/v1/cards", Some(&token)).await;
    responses.push_str(&list.body.to_string());
    for c in list.body["data"].as_array().cloned().unwrap_or_default() {
        let id = c["id"].as_str().unwrap_or_default();
        responses.push_str(&app.get(&format!("/v1/cards/{id}"), Some(&token)).await.body.to_string());
        responses
            .push_str(&app.post(&format!("/v1/cards/{id}/verify"), Some(&token), json!({})).await.body.to_string());
    }
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(3));
    let dir = app.stop().await;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")).flatten() {
        if entry.path().is_file() {
            files.push((entry.path().display().to_string(), std::fs::read(entry.path()).unwrap_or_default()));
        }
    }
    // On PostgreSQL the database is not a file in the directory: read all of it as a dump.
    if let Some(url) = store::test_database_url(&dir) {
        let dump = std::process::Command::new("pg_dump")
            .args(["--data-only", "--dbname", &url])
            .output()
            .unwrap_or_else(|e| panic!("pg_dump: {e}"));
        assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
        assert!(dump.stdout.windows(5).any(|w| w == b"cards"), "the dump holds the cards table");
        files.push(("the PostgreSQL database".into(), dump.stdout));
    } else {
        assert!(files.iter().any(|(p, _)| p.ends_with("pocketpay.db")));
    }
    assert!(files.iter().any(|(p, _)| p.ends_with("issuer.db")));
    let logs = without_timings(&captured.text());
    assert!(logs.contains("/v1/cards"), "the flow was logged: {}", &logs[..logs.len().min(2000)]);
    for (number, cvc) in cards {
        // The whole number, and the middle digits that are never shown (the first 6 and last 4 may be),
        // with one shown digit on each side: six digits alone (`000000` of 4000 0000 0000 0002) turn up by
        // chance inside the hex of stored hashes, about once in a thousand runs; eight do not.
        let middle = &number[5..number.len() - 3];
        for needle in [number, middle] {
            for (path, bytes) in &files {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "card digits in {path}");
            }
            assert!(!logs.contains(needle), "card digits in the logs");
            assert!(!responses.contains(needle), "card digits in a response");
        }
        let quoted = format!("\"{cvc}\"");
        assert!(
            !responses.contains(&quoted) && !logs.contains(&format!("={cvc}")),
            "a security code in a response or log"
        );
        for (path, bytes) in &files {
            assert!(!bytes.windows(quoted.len()).any(|w| w == quoted.as_bytes()), "a security code in {path}");
        }
    }
}
