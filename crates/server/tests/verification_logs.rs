//! What verification beyond codes logs (its own test binary: a thread-local log subscriber must be
//! the only one): setting questions, each view of a document and each erasure are logged; an
//! answer or the document's bytes never are.

mod common;

use common::{new_card, Captured, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

const DAY: i64 = 86_400;
const PNG_MARKER: &[u8] = b"zq-logged-document-marker-5521";

#[tokio::test]
async fn answers_and_documents_never_reach_the_logs_but_views_and_erasures_do() {
    let (captured, _guard) = Captured::start();
    let app = TestApp::spawn_with(|c| c.document_review_amount_minor = Some(100_000)).await;
    let (_, product) = app.seller("logs-owner@example.com", "Shop", "Lamp", 2_000).await;
    let (_, piano) = app.seller("logs-piano@example.com", "Pianos", "Piano", 150_000).await;
    let buyer = app.buyer("logs@example.com").await;
    let set = app
        .put_json(
            "/v1/me/security_questions",
            Some(&buyer),
            json!({ "password": PASSWORD, "questions": [{ "question": "first_pet", "answer": "Marmalade" },
                { "question": "first_job", "answer": "Lighthouse keeper" }] }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let ids: Vec<String> = set.body["questions"]
        .as_array()
        .map(|q| q.iter().filter_map(|x| x["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let order = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4242424242424242") }),
        )
        .await;
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    let answers = json!({ "answers": [{ "question": ids[0], "answer": "marmalade" }, { "question": ids[1], "answer": "lighthouse keeper" }] });
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), answers).await;
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);

    let card = app.save_card(&buyer, "5555555555554444").await;
    let big = app.new_order(&buyer, &piano).await;
    let waiting = app
        .post(
            &format!("/v1/orders/{big}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    let review = waiting.body["next_action"]["review"].as_str().unwrap_or_default().to_owned();
    let mut document = b"\x89PNG\r\n\x1a\n".to_vec();
    document.extend_from_slice(PNG_MARKER);
    let payment = waiting.body["id"].as_str().unwrap_or_default().to_owned();
    let sent = app.upload_document(&buyer, &payment, "id.png", &document).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let viewed =
        app.client.get(format!("{}/v1/reviews/{review}/document", app.base)).bearer_auth(&operator).send().await;
    assert!(viewed.is_ok_and(|r| r.status() == StatusCode::OK));
    let approved =
        app.post(&format!("/v1/reviews/{review}/decide"), Some(&operator), json!({ "outcome": "approve" })).await;
    assert_eq!(approved.body["status"], "approved", "{}", approved.body);
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 31 * DAY })).await;

    let logs = captured.text();
    assert!(logs.contains("security questions set"), "setting questions is logged");
    assert!(logs.contains("identity document received for review"), "an upload is logged");
    assert!(logs.contains("identity document viewed"), "each view is logged");
    assert!(logs.contains("document review decided"), "a decision is logged");
    assert!(logs.contains("identity document deleted"), "the erasure is logged");
    for secret in ["Marmalade", "marmalade", "Lighthouse", "lighthouse"] {
        assert!(!logs.contains(secret), "the logs hold an answer");
    }
    assert!(!logs.as_bytes().windows(PNG_MARKER.len()).any(|w| w == PNG_MARKER), "the logs hold the document");
    app.stop().await;
}
