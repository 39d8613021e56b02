//! Verification beyond codes, over HTTP: security questions set (with the password), answered
//! instead of a code (right, wrong ×5, expired, bound to their payment); document reviews asked above
//! the review amount and after a high-risk payment's code tries ran out; uploads of each kind,
//! refused by content and size; approval (the payment authorizes) and rejection (it fails with
//! `verification_failed`, the buyer told why); expiry; the document erased 30 days after the
//! decision; and neither an answer nor the document ever in the database files. The logs are checked
//! in `verification_logs.rs`, a binary of one test: a thread-local log subscriber must be the only one.

mod common;

use common::{new_card, Answer, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY: i64 = 86_400;
/// A tiny PNG with a marker no other data holds, to find it if it were ever stored in the clear.
const PNG_MARKER: &[u8] = b"zq-identity-document-marker-8814";

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    bytes.extend_from_slice(PNG_MARKER);
    bytes
}

/// Everything the server stored: the files of its directory and, on PostgreSQL, a dump of its database.
fn stored(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}")).flatten() {
        if entry.path().is_file() {
            out.push((entry.path().display().to_string(), std::fs::read(entry.path()).unwrap_or_default()));
        }
    }
    if let Some(url) = store::test_database_url(dir) {
        let dump = std::process::Command::new("pg_dump")
            .args(["--data-only", "--dbname", &url])
            .output()
            .unwrap_or_else(|e| panic!("pg_dump: {e}"));
        assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
        assert!(dump.stdout.windows(16).any(|w| w == b"document_reviews"), "the dump holds the reviews");
        out.push(("the PostgreSQL database".into(), dump.stdout));
    }
    out
}

async fn advance(app: &TestApp, seconds: i64) {
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": seconds })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
}

async fn inbox(app: &TestApp, to: &str) -> Vec<Value> {
    app.get(&format!("/v1/test/inbox?to={to}"), None).await.body["data"].as_array().cloned().unwrap_or_default()
}

async fn pay(app: &TestApp, token: &str, order: &str, method: Value) -> Answer {
    app.post(&format!("/v1/orders/{order}/pay"), Some(token), json!({ "payment_method": method })).await
}

fn id(a: &Answer) -> String {
    a.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Sets the three questions with the answers "Rex", "São Paulo" and "Pied Piper"; returns their ids.
async fn set_questions(app: &TestApp, token: &str) -> Vec<String> {
    let set = app
        .put_json(
            "/v1/me/security_questions",
            Some(token),
            json!({ "password": PASSWORD, "questions": [
                { "question": "first_pet", "answer": "Rex" },
                { "question": "In which city did your parents meet?", "answer": "São Paulo" },
                { "question": "What is the name of your favourite band?", "answer": "Pied Piper" } ] }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    set.body["questions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|q| q["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn answers(ids: &[String], texts: [&str; 3]) -> Value {
    json!({ "answers": ids.iter().zip(texts).map(|(q, a)| json!({ "question": q, "answer": a })).collect::<Vec<_>>() })
}

#[tokio::test]
async fn security_questions_are_set_with_the_password_and_answered_instead_of_a_code() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("sq-owner@example.com", "Shop", "Lamp", 2_000).await;
    let buyer = app.buyer("no-phone@example.com").await;

    let presets = app.get("/v1/security_questions", None).await;
    assert!(presets.body["data"].as_array().is_some_and(|d| d.len() >= 5), "{}", presets.body);
    // Refused: the wrong password, one question, an answer that repeats another.
    let base = |password: &str, qs: Value| json!({ "password": password, "questions": qs });
    let two = json!([{ "question": "first_pet", "answer": "Rex" }, { "question": "first_job", "answer": "Bakery" }]);
    app.put_json("/v1/me/security_questions", Some(&buyer), base("not-my-password", two.clone())).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    let one = json!([{ "question": "first_pet", "answer": "Rex" }]);
    let refused = app.put_json("/v1/me/security_questions", Some(&buyer), base(PASSWORD, one)).await;
    refused.assert_error(400, "invalid_request_error", "parameter_invalid");
    assert_eq!(refused.body["error"]["param"], "questions");
    let same = json!([{ "question": "first_pet", "answer": "Rex" }, { "question": "first_job", "answer": " REX " }]);
    let refused = app.put_json("/v1/me/security_questions", Some(&buyer), base(PASSWORD, same)).await;
    assert_eq!(refused.body["error"]["param"], "questions[1].answer", "{}", refused.body);
    assert!(!refused.body.to_string().to_lowercase().contains("rex"), "an answer is never echoed: {}", refused.body);

    let ids = set_questions(&app, &buyer).await;
    assert_eq!(ids.len(), 3);
    let mine = app.get("/v1/me/security_questions", Some(&buyer)).await;
    assert_eq!(mine.body["questions"][0]["question"], "What was the name of your first pet?");
    assert!(!mine.body.to_string().contains("Rex"), "{}", mine.body);
    let told = inbox(&app, "no-phone@example.com").await;
    assert!(told.iter().any(|m| m["subject"] == "Your security questions were changed"), "{told:?}");

    // A new card needs a check; the buyer has no phone, and answers instead of the code.
    let order = app.new_order(&buyer, &product).await;
    let p = pay(&app, &buyer, &order, new_card("4242424242424242")).await;
    assert_eq!(p.body["status"], "requires_action", "{}", p.body);
    assert_eq!(p.body["next_action"]["alternatives"], json!(["security_questions"]));
    let payment = id(&p);
    let verify = format!("/v1/payments/{payment}/verify");
    let wrong = app.post(&verify, Some(&buyer), answers(&ids, ["rex", "Rio", "pied piper"])).await;
    wrong.assert_error(402, "payment_error", "verification_failed");
    assert_eq!(wrong.body["error"]["message"], "One or more answers are incorrect.");
    assert!(wrong.body["error"]["advice"][0].as_str().unwrap_or("").contains("4 tries left"), "{}", wrong.body);
    assert!(!wrong.body.to_string().contains("Rio"), "the answers are not echoed");
    // Answer each question once, by id.
    let partial = json!({ "answers": [{ "question": ids[0], "answer": "rex" }] });
    app.post(&verify, Some(&buyer), partial).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    let both = json!({ "code": "123456", "answers": [] });
    app.post(&verify, Some(&buyer), both).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    // Case, spaces and accents do not matter.
    let right = app.post(&verify, Some(&buyer), answers(&ids, ["  REX", "sao   paulo", "Pied Piper"])).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    assert_eq!(right.body["status"], "requires_capture", "{}", right.body);
    let statuses: Vec<&str> = right.body["attempts"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["verified", "succeeded"], "{}", right.body);
    app.post(&verify, Some(&buyer), answers(&ids, ["rex", "sao paulo", "pied piper"])).await.assert_error(
        409,
        "invalid_request_error",
        "payment_not_awaiting_code",
    );

    // Changing them needs the password again, and tells the buyer.
    set_questions(&app, &buyer).await;
    assert!(
        inbox(&app, "no-phone@example.com")
            .await
            .iter()
            .filter(|m| m["subject"] == "Your security questions were changed")
            .count()
            >= 2
    );
    app.assert_ledger_balanced().await;

    // Never an answer in the database files (the logs: `verification_logs.rs`).
    let dir = app.stop().await;
    for secret in ["São Paulo", "sao paulo", "Pied Piper", "pied piper"] {
        for (name, bytes) in stored(&dir) {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{name} holds an answer");
        }
    }
}

#[tokio::test]
async fn answers_share_the_codes_five_tries_expiry_and_payment() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("sq-tries@example.com", "Shop", "Lamp", 2_000).await;
    let buyer = app.buyer("tries@example.com").await;
    let ids = set_questions(&app, &buyer).await;
    let first = app.new_order(&buyer, &product).await;
    let p = pay(&app, &buyer, &first, new_card("4242424242424242")).await;
    let payment = id(&p);
    let second = app.new_order(&buyer, &product).await;
    let other = id(&pay(&app, &buyer, &second, new_card("5555555555554444")).await);
    // Right answers to one payment's check authorize that payment only.
    let ok = app
        .post(&format!("/v1/payments/{other}/verify"), Some(&buyer), answers(&ids, ["rex", "sao paulo", "pied piper"]))
        .await;
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);
    let still = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await;
    assert_eq!(still.body["status"], "requires_action");
    // Five wrong sets use every try, then even the right answers are refused.
    let verify = format!("/v1/payments/{payment}/verify");
    for left in (0..5).rev() {
        let w = app.post(&verify, Some(&buyer), answers(&ids, ["cat", "sao paulo", "pied piper"])).await;
        w.assert_error(402, "payment_error", "verification_failed");
        assert_eq!(w.body["error"]["payment"]["next_action"]["attempts_left"], left, "{}", w.body);
    }
    let locked = app.post(&verify, Some(&buyer), answers(&ids, ["rex", "sao paulo", "pied piper"])).await;
    locked.assert_error(429, "rate_limit_error", "too_many_attempts");
    // A wrong code counts towards the same tries, and an expired check takes no answers.
    let third = app.new_order(&buyer, &product).await;
    let third_payment = id(&pay(&app, &buyer, &third, new_card("4242424242424242")).await);
    let v3 = format!("/v1/payments/{third_payment}/verify");
    app.post(&v3, Some(&buyer), json!({ "code": "000000" })).await;
    let after_code = app.post(&v3, Some(&buyer), answers(&ids, ["cat", "dog", "bird"])).await;
    assert_eq!(after_code.body["error"]["payment"]["next_action"]["attempts_left"], 3, "{}", after_code.body);
    advance(&app, 601).await;
    let late = app.post(&v3, Some(&buyer), answers(&ids, ["rex", "sao paulo", "pied piper"])).await;
    late.assert_error(402, "payment_error", "verification_expired");
    // A buyer without questions is told to use the code.
    let plain = app.buyer("plain@example.com").await;
    let o = app.new_order(&plain, &product).await;
    let pp = id(&pay(&app, &plain, &o, new_card("4242424242424242")).await);
    let none = app.post(&format!("/v1/payments/{pp}/verify"), Some(&plain), answers(&ids, ["a", "b", "c"])).await;
    none.assert_error(409, "invalid_request_error", "security_questions_not_set");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_large_payment_waits_for_a_document_an_operator_approves_or_rejects() {
    let app = TestApp::spawn_with(|c| c.document_review_amount_minor = Some(100_000)).await;
    let (seller_key, product) = app.seller("doc-owner@example.com", "Shop", "Piano", 150_000).await;
    let buyer = app.buyer("doc@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;

    let order = app.new_order(&buyer, &product).await;
    let p = pay(&app, &buyer, &order, json!({ "type": "card", "card": card })).await;
    assert_eq!(p.body["status"], "requires_action", "{}", p.body);
    let action = &p.body["next_action"];
    assert_eq!(
        (action["type"].as_str(), action["status"].as_str()),
        (Some("document_review"), Some("awaiting_document"))
    );
    assert!(action["reasons"].as_array().is_some_and(|r| r.contains(&json!("document_amount"))), "{action}");
    let payment = id(&p);
    let review = action["review"].as_str().unwrap_or_default().to_owned();
    // No code is waiting: a code or a resend is refused.
    app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": "123456" })).await.assert_error(
        409,
        "invalid_request_error",
        "payment_not_awaiting_code",
    );

    // Refused uploads: by content (a GIF named .png), by size, empty, and not multipart.
    app.upload_document(&buyer, &payment, "id.png", b"GIF89a\x01\0\x01\0").await.assert_error(
        400,
        "invalid_request_error",
        "document_type_unsupported",
    );
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    app.upload_document(&buyer, &payment, "id.pdf", &big).await.assert_error(
        413,
        "invalid_request_error",
        "document_too_large",
    );
    app.upload_document(&buyer, &payment, "id.png", b"").await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    let json_body = app.post(&format!("/v1/payments/{payment}/documents"), Some(&buyer), json!({ "file": "x" })).await;
    json_body.assert_error(400, "invalid_request_error", "parameter_invalid");
    // Only the payment's buyer uploads.
    let stranger = app.buyer("stranger@example.com").await;
    app.upload_document(&stranger, &payment, "id.png", &png()).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );

    let sent = app.upload_document(&buyer, &payment, "passport.png", &png()).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    assert_eq!(sent.body["next_action"]["status"], "in_review", "{}", sent.body);
    app.upload_document(&buyer, &payment, "again.png", &png()).await.assert_error(
        409,
        "invalid_request_error",
        "document_already_submitted",
    );

    // The operator's queue, the document itself (operators only), then approval.
    let queue = app.get("/v1/reviews?status=in_review", Some(&operator)).await;
    assert_eq!(queue.body["data"][0]["id"], review.as_str(), "{}", queue.body);
    assert_eq!(queue.body["data"][0]["document"]["type"], "image/png");
    assert_eq!(queue.body["data"][0]["buyer_email"], "doc@example.com", "operators see who sent it");
    assert!(queue.body["data"][0]["order"]["number"].is_string(), "{}", queue.body);
    app.get("/v1/reviews?status=maybe", Some(&operator)).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    app.get("/v1/reviews", Some(&buyer)).await.assert_error(403, "authentication_error", "forbidden");
    let doc = app
        .client
        .get(format!("{}/v1/reviews/{review}/document", app.base))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.status(), StatusCode::OK);
    assert_eq!(doc.headers()["content-type"], "image/png");
    assert_eq!(doc.headers()["cache-control"], "no-store");
    assert_eq!(doc.bytes().await.unwrap_or_default().to_vec(), png(), "the operator sees exactly what was uploaded");
    app.get(&format!("/v1/reviews/{review}/document"), Some(&buyer)).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    // A key rotation seals the kept document again (with the buyer's card); the old key can then go.
    let rotated = app.post("/v1/vault/rotate", Some(&operator), json!({})).await;
    assert_eq!(
        (rotated.body["active_key_id"].as_u64(), rotated.body["resealed"].as_u64()),
        (Some(2), Some(2)),
        "{}",
        rotated.body
    );
    let removed = app.call(reqwest::Method::DELETE, "/v1/vault/keys/1", Some(&operator), None, None).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let again = app
        .client
        .get(format!("{}/v1/reviews/{review}/document", app.base))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.bytes().await.unwrap_or_default().to_vec(), png(), "the document opens under the new key");
    let own = app.get(&format!("/v1/reviews/{review}"), Some(&buyer)).await;
    assert_eq!(own.body["status"], "in_review", "the buyer sees their review: {}", own.body);
    app.get(&format!("/v1/reviews/{review}"), Some(&stranger)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    app.post(&format!("/v1/reviews/{review}/decide"), Some(&operator), json!({ "outcome": "maybe" }))
        .await
        .assert_error(400, "invalid_request_error", "parameter_invalid");
    let approved =
        app.post(&format!("/v1/reviews/{review}/decide"), Some(&operator), json!({ "outcome": "approve" })).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(approved.body["payment"]["status"], "requires_capture", "{}", approved.body);
    let o = app.get(&format!("/v1/orders/{order}"), Some(&buyer)).await;
    assert_eq!(o.body["status"], "paid");
    app.post(&format!("/v1/reviews/{review}/decide"), Some(&operator), json!({ "outcome": "reject", "note": "x" }))
        .await
        .assert_error(409, "invalid_request_error", "review_already_decided");
    assert!(inbox(&app, "doc@example.com").await.iter().any(|m| m["subject"] == "Your document was accepted"));
    let shipped = app
        .post(
            &format!("/v1/orders/{order}/ship"),
            Some(&seller_key),
            json!({ "carrier": "UPS", "tracking_number": "1Z" }),
        )
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);

    // Another order: a PDF, rejected with a reason the buyer reads; the order stays payable.
    let second = app.new_order(&buyer, &product).await;
    let p2 = pay(&app, &buyer, &second, json!({ "type": "card", "card": card })).await;
    let payment2 = id(&p2);
    let review2 = p2.body["next_action"]["review"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/reviews/{review2}/decide"), Some(&operator), json!({ "outcome": "approve" }))
        .await
        .assert_error(409, "invalid_request_error", "review_awaiting_document");
    let pdf = app.upload_document(&buyer, &payment2, "licence.pdf", b"%PDF-1.7\n1 0 obj\n").await;
    assert_eq!(pdf.status, StatusCode::ACCEPTED, "{}", pdf.body);
    app.post(&format!("/v1/reviews/{review2}/decide"), Some(&operator), json!({ "outcome": "reject" }))
        .await
        .assert_error(400, "invalid_request_error", "parameter_missing");
    let rejected = app
        .post(
            &format!("/v1/reviews/{review2}/decide"),
            Some(&operator),
            json!({ "outcome": "reject", "note": "the photo is too blurred to read" }),
        )
        .await;
    assert_eq!(rejected.body["status"], "rejected", "{}", rejected.body);
    let failed = &rejected.body["payment"];
    assert_eq!(failed["status"], "requires_payment_method", "{failed}");
    assert_eq!(failed["last_error"]["code"], "verification_failed");
    assert!(failed["last_error"]["message"].as_str().unwrap_or("").contains("too blurred"), "{failed}");
    let told = inbox(&app, "doc@example.com").await;
    assert!(
        told.iter().any(|m| m["subject"] == "We could not accept your document"
            && m["body"].as_str().unwrap_or("").contains("too blurred")),
        "{told:?}"
    );
    let o2 = app.get(&format!("/v1/orders/{second}"), Some(&buyer)).await;
    assert_eq!(o2.body["status"], "awaiting_payment");

    // A third one is never decided: it expires with its window, and the payment fails.
    let third = app.new_order(&buyer, &product).await;
    let p3 = pay(&app, &buyer, &third, json!({ "type": "card", "card": card })).await;
    let review3 = p3.body["next_action"]["review"].as_str().unwrap_or_default().to_owned();
    advance(&app, 2 * DAY).await;
    let r3 = app.get(&format!("/v1/reviews/{review3}"), Some(&operator)).await;
    assert_eq!(r3.body["status"], "expired", "{}", r3.body);
    let pay3 = app.get(&format!("/v1/payments/{}", id(&p3)), Some(&buyer)).await;
    assert_eq!(pay3.body["last_error"]["code"], "verification_expired", "{}", pay3.body);

    // 30 days after their decisions the documents are erased; the decisions stay.
    advance(&app, 29 * DAY).await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let r1 = app.get(&format!("/v1/reviews/{review}"), Some(&operator)).await;
    assert_eq!(r1.body["status"], "approved");
    assert_eq!(r1.body["document"]["deleted"], true, "{}", r1.body);
    assert!(r1.body["document_deleted_at"].is_i64());
    app.get(&format!("/v1/reviews/{review}/document"), Some(&operator)).await.assert_error(
        404,
        "invalid_request_error",
        "resource_missing",
    );
    let r2 = app.get(&format!("/v1/reviews/{review2}"), Some(&operator)).await;
    assert_eq!(r2.body["document"]["deleted"], true, "{}", r2.body);
    app.assert_ledger_balanced().await;

    let dir = app.stop().await;
    // PostgreSQL's dump writes binary columns in hex: look for both forms.
    let hex: String = PNG_MARKER.iter().map(|b| format!("{b:02x}")).collect();
    for (name, bytes) in stored(&dir) {
        assert!(!bytes.windows(PNG_MARKER.len()).any(|w| w == PNG_MARKER), "{name} holds the document in the clear");
        assert!(!bytes.windows(hex.len()).any(|w| w == hex.as_bytes()), "{name} holds the document in hex");
    }
}

#[tokio::test]
async fn a_high_risk_payment_whose_code_tries_ran_out_asks_for_a_document() {
    let app = TestApp::spawn().await;
    // Above the step-up amount (500.00) but below the review amount (1,500.00), on a typed card:
    // two reasons, so a high risk.
    let (_, product) = app.seller("risk-owner@example.com", "Shop", "Bike", 60_000).await;
    let buyer = app.buyer("risky@example.com").await;
    let order = app.new_order(&buyer, &product).await;
    let p = pay(&app, &buyer, &order, new_card("4242424242424242")).await;
    assert_eq!(p.body["next_action"]["type"], "verify_code", "{}", p.body);
    let payment = id(&p);
    let code = app.inbox_code("risky@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut last = None;
    for _ in 0..5 {
        last = Some(app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": wrong })).await);
    }
    let last = last.unwrap_or_else(|| unreachable!());
    last.assert_error(402, "payment_error", "verification_failed");
    let action = &last.body["error"]["payment"]["next_action"];
    assert_eq!(action["type"], "document_review", "{}", last.body);
    assert!(
        action["reasons"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("code_tries_used")) && r.contains(&json!("large_amount"))),
        "{action}"
    );
    // The code no longer works; the document does, once approved.
    app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await.assert_error(
        409,
        "invalid_request_error",
        "payment_not_awaiting_code",
    );
    let sent = app
        .upload_document(&buyer, &payment, "id.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'])
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let review = action["review"].as_str().unwrap_or_default();
    let approved = app
        .post(
            &format!("/v1/reviews/{review}/decide"),
            Some(&operator),
            json!({ "outcome": "approve", "note": "passport matches" }),
        )
        .await;
    // The typed card waited in memory for the review, and authorizes now.
    assert_eq!(approved.body["payment"]["status"], "requires_capture", "{}", approved.body);
    // A payment with one reason only (a new card) gets no document: a new code instead.
    let (_, small) = app.seller("small-owner@example.com", "Shop", "Cup", 1_000).await;
    let o2 = app.new_order(&buyer, &small).await;
    let p2 = id(&pay(&app, &buyer, &o2, new_card("5555555555554444")).await);
    let mut answer = None;
    for _ in 0..5 {
        answer = Some(app.post(&format!("/v1/payments/{p2}/verify"), Some(&buyer), json!({ "code": wrong })).await);
    }
    let answer = answer.unwrap_or_else(|| unreachable!());
    assert_eq!(answer.body["error"]["payment"]["next_action"]["type"], "verify_code", "{}", answer.body);
    app.assert_ledger_balanced().await;
}
