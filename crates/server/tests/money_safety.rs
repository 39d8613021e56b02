//! The money-safety defects found by attacking a running server, each reproduced over HTTP: a
//! reimbursement followed by a refund, attempts left open by a crash behind a queue of payments
//! waiting for codes, a blocked card typed again, a refused claim decision, the raw test ledger
//! without credentials, concurrent wrong passwords, a retried refund whose answer was lost, and the
//! smaller ones (role before body, control characters, PUT and idempotency). The ledger is checked
//! after every scenario.

mod common;

use common::{address, new_card, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A buyer with `dollars` in the Pocket (gift cards of 50.00 bought with a card).
async fn funded_buyer(app: &TestApp, email: &str, fifties: i64) -> String {
    let token = app.buyer(email).await;
    let load = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&token),
            json!({ "currency": "USD", "items": [{ "denomination": 5000, "quantity": fifties }],
                "payment_method": new_card("5555555555554444") }),
        )
        .await;
    assert_eq!(load.status, StatusCode::CREATED, "{}", load.body);
    token
}

async fn pocket_available(app: &TestApp, token: &str) -> i64 {
    app.get("/v1/pocket", Some(token)).await.body["balances"][0]["available"].as_i64().unwrap_or(0)
}

async fn new_order(app: &TestApp, token: &str, product: &str) -> String {
    app.new_order(token, product).await
}

async fn ship(app: &TestApp, key: &str, order: &str) {
    let shipped = app
        .post(&format!("/v1/orders/{order}/ship"), Some(key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);
}

async fn payment_id(app: &TestApp, token: &str, order: &str) -> String {
    app.get(&format!("/v1/orders/{order}"), Some(token)).await.body["payment"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A seller's product of `amount`, a buyer with 50.00 in the Pocket, and an order of it paid from the
/// Pocket and shipped (and delivered when asked); returns (the shop's key, the buyer's token, the order).
async fn pocket_sale(app: &TestApp, name: &str, amount: i64, deliver: bool) -> (String, String, String) {
    let (key, product) = app.seller(&format!("{name}-shop@example.com"), "Shop", "Thing", amount).await;
    let buyer = funded_buyer(app, &format!("{name}@example.com"), 1).await;
    let order = new_order(app, &buyer, &product).await;
    let paid = app
        .post(&format!("/v1/orders/{order}/pay"), Some(&buyer), json!({ "payment_method": { "type": "pocket" } }))
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    ship(app, &key, &order).await;
    if deliver {
        app.post(&format!("/v1/orders/{order}/deliver"), Some(&key), json!({})).await;
    }
    (key, buyer, order)
}

/// Sends raw bytes on a new connection and reads the whole answer (the server closes it).
async fn raw_http(address: &str, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap_or_else(|e| panic!("connect: {e}"));
    stream.write_all(request).await.unwrap_or_else(|e| panic!("write: {e}"));
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server did not close the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

fn tamper(app: &TestApp, sql: &str) {
    store::tamper_for_tests(&app.dir.join("pocketpay.db"), sql).unwrap_or_else(|e| panic!("tamper: {e}"));
}

/// Defect 1: reimbursed as unauthorized, then refunded (or claimed): paid back twice.
#[tokio::test]
async fn a_reimbursed_payment_cannot_be_refunded_or_claimed_again() {
    let app = TestApp::spawn().await;
    let (key, buyer, order) = pocket_sale(&app, "twice", 2500, true).await;
    assert_eq!(pocket_available(&app, &buyer).await, 2500);
    let payment = payment_id(&app, &buyer, &order).await;
    let report = app
        .post(&format!("/v1/payments/{payment}/report_unauthorized"), Some(&buyer), json!({ "description": "Not me." }))
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    assert_eq!(report.body["reimbursement"]["amount"], 2500);
    assert_eq!(pocket_available(&app, &buyer).await, 5000);
    // The seller's refund and the buyer's claim are refused: nothing is left to give back.
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&key), json!({ "amount": 2500, "reason": "Sorry" }))
        .await
        .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&key), json!({ "reason": "everything" })).await.assert_error(
        400,
        "invalid_request_error",
        "refund_exceeds_captured",
    );
    app.post(
        &format!("/v1/orders/{order}/claims"),
        Some(&buyer),
        json!({ "reason": "damaged", "amount": 2500, "description": "Broken." }),
    )
    .await
    .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    assert_eq!(pocket_available(&app, &buyer).await, 5000, "paid back once, not twice");
    app.assert_ledger_balanced().await;
}

/// Defect 1, the other way round (already guarded): a partial refund, then a reimbursement of the rest only.
#[tokio::test]
async fn a_refund_then_a_report_returns_the_capture_once() {
    let app = TestApp::spawn().await;
    let (key, buyer, order) = pocket_sale(&app, "partly", 2500, false).await;
    let refund =
        app.post(&format!("/v1/orders/{order}/refunds"), Some(&key), json!({ "amount": 1000, "reason": "Part" })).await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    let payment = payment_id(&app, &buyer, &order).await;
    let report = app
        .post(&format!("/v1/payments/{payment}/report_unauthorized"), Some(&buyer), json!({ "description": "Not me." }))
        .await;
    assert_eq!(report.body["reimbursement"]["amount"], 1500, "{}", report.body);
    assert_eq!(pocket_available(&app, &buyer).await, 5000);
    app.assert_ledger_balanced().await;
}

/// Defect 2: an authorization left open by a crash behind more than a page of payments waiting
/// for their codes is still settled by the healer; a payment waiting for a code can be cancelled.
#[tokio::test]
async fn attempts_left_open_by_a_crash_are_settled_behind_payments_waiting_for_codes() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("stuck-shop@example.com", "Shop", "Mug", 1200).await;
    let buyer = app.buyer("stuck@example.com").await;
    // More payments waiting for a code than the healer takes in one pass.
    let mut waiting = Vec::new();
    for _ in 0..52 {
        let order = new_order(&app, &buyer, &product).await;
        let paid = app
            .post(
                &format!("/v1/orders/{order}/pay"),
                Some(&buyer),
                json!({ "payment_method": new_card("4242424242424242") }),
            )
            .await;
        assert_eq!(paid.body["status"], "requires_action", "{}", paid.body);
        waiting.push(order);
    }
    // A card payment interrupted by a crash after the issuer authorized it and before the answer was
    // recorded: the attempt is still processing, the authorization is live at the issuer.
    let card = app.save_card(&buyer, "4000056655665556").await;
    let stuck = new_order(&app, &buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{stuck}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    tamper(
        &app,
        &format!(
            "UPDATE payment_attempts SET status = 'processing', authorization_id = NULL
               WHERE payment_id = (SELECT id FROM payments WHERE order_id = '{stuck}');
             UPDATE payments SET status = 'requires_payment_method', authorization_id = NULL, authorization_expires_at = NULL,
               attempt_in_progress = (SELECT a.id FROM payment_attempts a WHERE a.payment_id = payments.id)
               WHERE order_id = '{stuck}';
             UPDATE orders SET status = 'awaiting_payment', paid_at = NULL WHERE id = '{stuck}';"
        ),
    );
    app.post(&format!("/v1/orders/{stuck}/cancel"), Some(&buyer), json!({})).await.assert_error(
        409,
        "invalid_request_error",
        "payment_busy",
    );
    let clock = app.post("/v1/test/clock", None, json!({ "advance_seconds": 120 })).await;
    assert_eq!(clock.status, StatusCode::OK, "{}", clock.body);
    let order = app.get(&format!("/v1/orders/{stuck}"), Some(&buyer)).await;
    let payment = &order.body["payment"];
    assert_eq!(payment["status"], "requires_payment_method", "{}", order.body);
    assert_eq!(payment["attempts"][0]["status"], "failed", "{}", order.body);
    // The order is no longer stuck: it can be cancelled (or paid again).
    let cancelled = app.post(&format!("/v1/orders/{stuck}/cancel"), Some(&buyer), json!({})).await;
    assert_eq!(cancelled.body["status"], "canceled", "{}", cancelled.body);
    // A payment waiting for its code can be cancelled too.
    let cancelled = app.post(&format!("/v1/orders/{}/cancel", waiting[0]), Some(&buyer), json!({})).await;
    assert_eq!(cancelled.body["status"], "canceled", "{}", cancelled.body);
    let _ = key;
    app.assert_ledger_balanced().await;
}

/// Defect 3: a card blocked after a report is refused however it is presented, until an operator lifts the block.
#[tokio::test]
async fn a_blocked_card_is_refused_when_typed_again_and_operators_can_unblock_it() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("blocked-shop@example.com", "Shop", "Pen", 1500).await;
    let buyer = app.buyer("blocked@example.com").await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let number = "4000056655665556";
    // Paid with a card typed at checkout (and not saved); a code confirms it.
    let order = new_order(&app, &buyer, &product).await;
    let paid =
        app.post(&format!("/v1/orders/{order}/pay"), Some(&buyer), json!({ "payment_method": new_card(number) })).await;
    assert_eq!(paid.body["status"], "requires_action", "{}", paid.body);
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("blocked@example.com").await;
    let verified = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);
    ship(&app, &key, &order).await;
    let report = app
        .post(&format!("/v1/payments/{payment}/report_unauthorized"), Some(&buyer), json!({ "description": "Not me." }))
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    assert_eq!(report.body["card_blocked"], true, "{}", report.body);
    // Typed again at checkout, or added to the card manager: refused.
    let again = new_order(&app, &buyer, &product).await;
    let refused =
        app.post(&format!("/v1/orders/{again}/pay"), Some(&buyer), json!({ "payment_method": new_card(number) })).await;
    refused.assert_error(402, "card_error", "card_declined");
    assert!(refused.body["error"]["advice"][1].as_str().unwrap_or("").contains("unblock"), "{}", refused.body);
    app.post(
        "/v1/cards",
        Some(&buyer),
        json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Ada",
            "billing_address": address() }),
    )
    .await
    .assert_error(402, "card_error", "card_declined");
    // Another buyer's same card is not blocked for them.
    let other = app.buyer("other-holder@example.com").await;
    let theirs = new_order(&app, &other, &product).await;
    let ok = app
        .post(&format!("/v1/orders/{theirs}/pay"), Some(&other), json!({ "payment_method": new_card(number) }))
        .await;
    assert_eq!(ok.body["status"], "requires_action", "{}", ok.body);
    // Operators see the block and lift it; buyers cannot.
    app.get("/v1/blocked_cards", Some(&buyer)).await.assert_error(403, "authentication_error", "forbidden");
    let me = app.get("/v1/me", Some(&buyer)).await.body["id"].as_str().unwrap_or_default().to_owned();
    let blocks = app.get(&format!("/v1/blocked_cards?user={me}"), Some(&operator)).await;
    assert_eq!(blocks.status, StatusCode::OK, "{}", blocks.body);
    assert_eq!(blocks.body["data"][0]["last4"], "5556", "{}", blocks.body);
    assert_eq!(blocks.body["data"][0]["payment"], payment, "{}", blocks.body);
    assert!(!blocks.body.to_string().contains(number));
    let block = blocks.body["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let lifted = app.call(Method::DELETE, &format!("/v1/blocked_cards/{block}"), Some(&operator), None, None).await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    let paid =
        app.post(&format!("/v1/orders/{again}/pay"), Some(&buyer), json!({ "payment_method": new_card(number) })).await;
    assert_eq!(paid.body["status"], "requires_action", "{}", paid.body);
    app.assert_ledger_balanced().await;
}

/// Defect 4: a decision the refund rules refuse changes nothing, and no job loops on it.
#[tokio::test]
async fn a_refused_claim_decision_leaves_the_claim_open() {
    let app = TestApp::spawn().await;
    let (key, buyer, order) = pocket_sale(&app, "refused", 2500, true).await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 2000, "description": "Cracked." }),
        )
        .await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.body);
    let cid = claim.body["id"].as_str().unwrap_or_default().to_owned();
    // A partial refund makes the claimed amount too large; the seller's accept is refused and changes nothing.
    let refund =
        app.post(&format!("/v1/orders/{order}/refunds"), Some(&key), json!({ "amount": 1000, "reason": "Part" })).await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    app.post(&format!("/v1/claims/{cid}/respond"), Some(&key), json!({ "action": "accept", "message": "OK" }))
        .await
        .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    assert_eq!(app.get(&format!("/v1/claims/{cid}"), Some(&buyer)).await.body["status"], "awaiting_seller");
    // The seller rejects, the buyer escalates; an operator asks for too much, is refused, then decides within the cap.
    app.post(&format!("/v1/claims/{cid}/respond"), Some(&key), json!({ "action": "reject", "message": "No" })).await;
    app.post(&format!("/v1/claims/{cid}/escalate"), Some(&buyer), json!({})).await;
    app.post(
        &format!("/v1/claims/{cid}/resolve"),
        Some(&operator),
        json!({ "outcome": "buyer", "refund_amount": 2000 }),
    )
    .await
    .assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    let shown = app.get(&format!("/v1/claims/{cid}"), Some(&buyer)).await;
    assert_eq!(shown.body["status"], "under_review", "{}", shown.body);
    // Time passes: no job touches it.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 600 })).await;
    assert_eq!(app.get(&format!("/v1/claims/{cid}"), Some(&buyer)).await.body["status"], "under_review");
    let decided = app
        .post(
            &format!("/v1/claims/{cid}/resolve"),
            Some(&operator),
            json!({ "outcome": "buyer", "refund_amount": 1500 }),
        )
        .await;
    assert_eq!(decided.body["status"], "resolved", "{}", decided.body);
    assert_eq!(pocket_available(&app, &buyer).await, 5000);
    app.assert_ledger_balanced().await;
}

/// Defect 4, the job: a claim left `refunding` whose refund the rules refuse goes to operators once.
#[tokio::test]
async fn an_interrupted_claim_refund_that_cannot_be_made_goes_to_operators() {
    let app = TestApp::spawn().await;
    let (key, buyer, order) = pocket_sale(&app, "job", 2500, true).await;
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 2500, "description": "Cracked." }),
        )
        .await;
    let cid = claim.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/orders/{order}/refunds"), Some(&key), json!({ "amount": 1000, "reason": "Part" })).await;
    // A decision interrupted by a crash, for more than is now left.
    tamper(
        &app,
        &format!(
            "UPDATE claims SET status = 'refunding', outcome = 'buyer', refund_amount = 2500, resolved_at = 0 WHERE id = '{cid}'"
        ),
    );
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 120 })).await;
    let shown = app.get(&format!("/v1/claims/{cid}"), Some(&buyer)).await;
    assert_eq!(shown.body["status"], "under_review", "{}", shown.body);
    assert_eq!(pocket_available(&app, &buyer).await, 3500, "the part refund only");
    app.assert_ledger_balanced().await;
}

/// Defect 5: the raw test ledger moves money only between its own accounts, and only for operators.
#[tokio::test]
async fn the_raw_test_ledger_is_for_operators_and_its_own_accounts_only() {
    let app = TestApp::spawn().await;
    let buyer = funded_buyer(&app, "rich@example.com", 1).await;
    let thief = app.buyer("thief@example.com").await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let transfer = json!({ "id": 7, "debit_account": 1, "credit_account": 2, "amount": 100, "currency": "USD" });
    app.post("/v1/test/ledger/transfers", None, transfer.clone()).await.assert_error(
        401,
        "authentication_error",
        "unauthenticated",
    );
    app.post("/v1/test/ledger/transfers", Some(&thief), transfer.clone()).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    app.get("/v1/test/ledger/accounts/1", None).await.assert_error(401, "authentication_error", "unauthenticated");
    app.get("/v1/test/ledger/accounts/1", Some(&thief)).await.assert_error(403, "authentication_error", "forbidden");
    // Even an operator sees and moves only raw test accounts: every account the features opened is out of reach.
    for id in 1..=6 {
        app.get(&format!("/v1/test/ledger/accounts/{id}"), Some(&operator)).await.assert_error(
            404,
            "invalid_request_error",
            "resource_missing",
        );
    }
    let opened = app
        .post(
            "/v1/test/ledger/accounts",
            Some(&operator),
            json!({ "id": 1_000_000, "currency": "USD", "no_overdraft": false }),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    app.post("/v1/test/ledger/accounts", Some(&operator), json!({ "id": 1, "currency": "USD", "no_overdraft": true }))
        .await
        .assert_error(409, "invalid_request_error", "ledger_account_taken");
    for (debit, credit) in [(1_000_000, 1), (1, 1_000_000), (2, 1_000_000)] {
        app.post(
            "/v1/test/ledger/transfers",
            Some(&operator),
            json!({ "id": 9, "debit_account": debit, "credit_account": credit, "amount": 100, "currency": "USD" }),
        )
        .await
        .assert_error(404, "invalid_request_error", "resource_missing");
    }
    assert_eq!(pocket_available(&app, &buyer).await, 5000);
    assert_eq!(pocket_available(&app, &thief).await, 0);
    app.assert_ledger_balanced().await;
}

/// Defect 6: concurrent wrong passwords are counted atomically; the limit holds for a burst.
#[tokio::test]
async fn a_burst_of_wrong_passwords_is_judged_no_further_than_the_limit() {
    let app = TestApp::spawn().await;
    app.buyer("burst@example.com").await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (client, base) = (app.client.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/v1/sessions"))
                .json(&json!({ "email": "burst@example.com", "password": format!("wrong password {i}") }))
                .send()
                .await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        }));
    }
    let mut judged = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap_or(0) {
            401 => judged += 1,
            429 => limited += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(judged <= 5, "{judged} wrong passwords were judged, at most 5 may be");
    assert_eq!(judged + limited, 100);
    // The right password now waits like everyone else.
    let right = app.post("/v1/sessions", None, json!({ "email": "burst@example.com", "password": PASSWORD })).await;
    right.assert_error(429, "rate_limit_error", "too_many_attempts");
    // A right password does not count as a failure.
    app.buyer("fine@example.com").await;
    for _ in 0..6 {
        app.login("fine@example.com", PASSWORD).await;
    }
}

/// Defect 7: a refund whose answer was lost (a crash after its first step) is resumed by the
/// retry with its key, never made twice.
#[tokio::test]
async fn a_retried_refund_whose_answer_was_lost_is_not_made_twice() {
    let app = TestApp::spawn().await;
    let (key, buyer, order) = pocket_sale(&app, "retry", 2500, false).await;
    let body = json!({ "amount": 1000, "reason": "Scratched" });
    let path = format!("/v1/orders/{order}/refunds");
    let first = app.call(Method::POST, &path, Some(&key), Some("refund-key-1"), Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let refund_id = first.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(pocket_available(&app, &buyer).await, 3500);
    // What a crash between the refund's first step and its answer leaves: the key bound to the
    // refund, no answer recorded.
    // (The newest record: SQLite's last rowid; on PostgreSQL, the row the latest transaction wrote.)
    let sql = if std::env::var(store::TEST_DATABASE_URL).is_ok_and(|u| !u.is_empty()) {
        format!(
            "UPDATE idempotency_records SET status = 0, sealed_body = convert_to('{refund_id}', 'UTF8')
              WHERE key_hash = (SELECT key_hash FROM idempotency_records ORDER BY xmin::text::bigint DESC LIMIT 1)"
        )
    } else {
        format!(
            "UPDATE idempotency_records SET status = 0, sealed_body = CAST('{refund_id}' AS BLOB)
              WHERE rowid = (SELECT max(rowid) FROM idempotency_records)"
        )
    };
    tamper(&app, &sql);
    let retried = app.call(Method::POST, &path, Some(&key), Some("refund-key-1"), Some(body.clone())).await;
    assert_eq!(retried.status, StatusCode::CREATED, "{}", retried.body);
    assert_eq!(retried.body["id"], refund_id.as_str(), "the same refund, resumed");
    assert_eq!(pocket_available(&app, &buyer).await, 3500, "refunded once");
    // From now on the answer is recorded and replayed.
    let replayed = app.call(Method::POST, &path, Some(&key), Some("refund-key-1"), Some(body.clone())).await;
    assert_eq!(replayed.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]));
    assert_eq!(replayed.body["id"], refund_id.as_str());
    // The same key with another body is still refused.
    app.call(Method::POST, &path, Some(&key), Some("refund-key-1"), Some(json!({ "amount": 5, "reason": "x" })))
        .await
        .assert_error(422, "idempotency_error", "idempotency_error");
    let order_now = app.get(&format!("/v1/orders/{order}"), Some(&buyer)).await;
    assert_eq!(order_now.body["payment"]["amount_refunded"], 1000, "{}", order_now.body);
    app.assert_ledger_balanced().await;
}

/// Defect 8: the role before the body, control characters, and PUT with an Idempotency-Key.
#[tokio::test]
async fn smaller_defects_role_before_body_control_characters_and_put_idempotency() {
    let app = TestApp::spawn().await;
    let buyer = app.buyer("small@example.com").await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    // A buyer calling a seller's or an operator's endpoint is told so, whatever the body.
    for (method, path) in [
        (Method::POST, "/v1/orders/ord_x/refunds"),
        (Method::POST, "/v1/products"),
        (Method::POST, "/v1/claims/clm_x/respond"),
        (Method::POST, "/v1/claims/clm_x/resolve"),
        (Method::PUT, "/v1/fx/rates/EUR/USD"),
    ] {
        let answer = app.call(method, path, Some(&buyer), None, Some(json!({}))).await;
        answer.assert_error(403, "authentication_error", "forbidden");
    }
    // Control characters in what people type.
    let ticket =
        app.post("/v1/tickets", Some(&buyer), json!({ "subject": "Help", "message": "line one\u{0}\u{1b}[31m" })).await;
    assert_eq!(ticket.status, StatusCode::BAD_REQUEST, "{}", ticket.body);
    let ticket =
        app.post("/v1/tickets", Some(&buyer), json!({ "subject": "Help", "message": "line one\nline two" })).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.body);
    let (_, product) = app.seller("small-shop@example.com", "Shop", "Cup", 900).await;
    let order = new_order(&app, &buyer, &product).await;
    let mut method = new_card("4242424242424242");
    method["new_card"]["holder_name"] = json!("Ada\nLovelace");
    app.post(&format!("/v1/orders/{order}/pay"), Some(&buyer), json!({ "payment_method": method })).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    // PUT honours Idempotency-Key: a replay answers the first response, another body is refused.
    let path = "/v1/fx/rates/EUR/USD";
    let first = app.call(Method::PUT, path, Some(&operator), Some("rate-key"), Some(json!({ "rate": "1.10" }))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = app.call(Method::PUT, path, Some(&operator), Some("rate-key"), Some(json!({ "rate": "1.10" }))).await;
    assert_eq!(again.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]));
    app.call(Method::PUT, path, Some(&operator), Some("rate-key"), Some(json!({ "rate": "1.20" }))).await.assert_error(
        422,
        "idempotency_error",
        "idempotency_error",
    );
    // Requests HTTP itself cannot parse (a NUL in a header, a 100 KB path) answer our error format too.
    let base = app.base.trim_start_matches("http://").to_owned();
    for (request, status, code) in [
        (
            b"POST /v1/users HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ab\x00cd\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
            400,
            "request_malformed",
        ),
        ([b"GET /".as_slice(), &[b'a'; 100_000], b" HTTP/1.1\r\nHost: x\r\n\r\n"].concat(), 414, "uri_too_long"),
    ] {
        let answer = raw_http(&base, &request).await;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
        assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{answer}");
        let body: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
        assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["request_id"].as_str().is_some_and(|r| r.starts_with("req_")), "{body}");
    }
    // A very long unknown path answers our error format, echoing only the start of the path.
    let long = format!("/v1/{}", "a".repeat(20_000));
    let missing = app.get(&long, None).await;
    missing.assert_error(404, "invalid_request_error", "resource_missing");
    assert!(missing.body["error"]["param"].as_str().is_some_and(|p| p.chars().count() < 300), "{}", missing.body);
    // The OpenAPI error schema says what the server sends: decline_code may be null.
    let doc = app.get("/openapi.json", None).await;
    let decline = &doc.body["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["decline_code"];
    assert_eq!(decline["type"], json!(["string", "null"]), "{decline}");
    let kinds = &doc.body["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["type"]["enum"];
    assert!(kinds.as_array().is_some_and(|k| k.len() == 7 && k.contains(&json!("card_error"))), "{kinds}");
    let inbox = &doc.body["paths"]["/v1/test/inbox"]["get"]["parameters"];
    assert!(inbox.as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "to" && p["required"] == true)), "{inbox}");
    let put = &doc.body["paths"]["/v1/fx/rates/{from}/{to}"]["put"]["parameters"];
    assert!(put.as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "Idempotency-Key")), "{put}");
}
