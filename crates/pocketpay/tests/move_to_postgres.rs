//! `pocketpay move-to-postgres`: a shop on the embedded file, with every kind of object, moved into
//! an empty PostgreSQL database and served from there with all its data working.
//!
//! Needs a PostgreSQL server (`POCKETPAY_TEST_DATABASE_URL`): built with the `postgres-tests`
//! feature, which CI turns on.

#[path = "../../server/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{address, new_card, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

/// Tables a shop may leave empty in this test, and why.
const MAY_BE_EMPTY: &[&str] = &[
    // Made only by mistakes (a wrong password, a wrong gift code) that this shop does not make.
    "login_failures",
    "redeem_failures",
    // Kept only while a typed card waits for a one-time code; erased once it is used.
    "checkout_cards",
    // Made only when a payment is reported unauthorized.
    "blocked_cards",
    // Made only for payments in another currency.
    "fx_quotes",
    // Erased once the address is verified.
    "email_verifications",
];

fn move_to(dir: &Path, url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["move-to-postgres", "--data-dir"])
        .arg(dir)
        .args(["--database-url", url])
        .env_remove("POCKETPAY_DATA_DIR")
        .output()
        .unwrap_or_else(|e| panic!("pocketpay move-to-postgres: {e}"))
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").args(["-d", url, "-qAtc", sql]).output().unwrap_or_else(|e| panic!("psql: {e}"));
    assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_moves_from_the_embedded_file_and_works_on_postgresql() {
    let admin = std::env::var(store::TEST_DATABASE_URL)
        .unwrap_or_else(|_| panic!("{} names the PostgreSQL server this test moves into", store::TEST_DATABASE_URL));
    let dir = std::env::temp_dir().join(format!("pocketpay-move-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // The shop, on the embedded file.
    let app = TestApp::spawn_at(dir.clone(), |c| c.database_url = None).await;
    let (key, product) = app.seller("shop@example.com", "Shop", "Lamp", 2_500).await;
    let buyer = app.buyer("buyer@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let loaded = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&buyer),
            json!({ "currency": "USD", "items": [{ "denomination": 5_000, "quantity": 1 }],
                "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(loaded.status, StatusCode::CREATED, "{}", loaded.body);
    let gift = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&buyer),
            json!({ "currency": "USD", "items": [{ "denomination": 1_000, "quantity": 1 }],
                "payment_method": new_card("5555555555554444"), "gift": { "recipient_email": "friend@example.com" } }),
        )
        .await;
    assert_eq!(gift.status, StatusCode::CREATED, "{}", gift.body);
    // An order paid by card and shipped (captured), to be refunded after the move.
    let old = app.new_order(&buyer, &product).await;
    let pay = |order: &str, method: serde_json::Value| {
        let path = format!("/v1/orders/{order}/pay");
        let app = &app;
        let buyer = buyer.clone();
        async move { app.post(&path, Some(&buyer), json!({ "payment_method": method })).await }
    };
    let paid = pay(&old, json!({ "type": "card", "card": card })).await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let shipped = app
        .post(&format!("/v1/orders/{old}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z1" }))
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);
    // An order paid from the Pocket, held until shipping.
    let held = app.new_order(&buyer, &product).await;
    let paid = pay(&held, json!({ "type": "pocket" })).await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    // An order paid with a card typed at checkout (its fingerprint is kept with the payment).
    let typed = app.new_order(&buyer, &product).await;
    let paid = pay(&typed, new_card("4242424242424242")).await;
    assert_eq!(paid.body["status"], "requires_action", "a typed card asks for a code: {}", paid.body);
    let code = app.inbox_code("buyer@example.com").await;
    let path = format!("/v1/payments/{}/verify", paid.body["id"].as_str().unwrap_or_default());
    let verified = app.post(&path, Some(&buyer), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);
    // An order delivered, refunded in part, and claimed; a support ticket about it.
    let claimed = app.new_order(&buyer, &product).await;
    let paid = pay(&claimed, json!({ "type": "card", "card": card })).await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    app.post(&format!("/v1/orders/{claimed}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z2" }))
        .await;
    let delivered = app.post(&format!("/v1/orders/{claimed}/deliver"), Some(&key), json!({})).await;
    assert_eq!(delivered.body["status"], "delivered", "{}", delivered.body);
    let refund = app
        .post(&format!("/v1/orders/{claimed}/refunds"), Some(&key), json!({ "amount": 500, "reason": "scratch" }))
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    let claim = app
        .post(
            &format!("/v1/orders/{claimed}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 1_000, "description": "The lamp arrived cracked." }),
        )
        .await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.body);
    let ticket =
        app.post("/v1/tickets", Some(&buyer), json!({ "subject": "Cracked lamp", "message": "Please help." })).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.body);
    // Sellers' money and webhooks: a fee schedule, payouts by hand, a bank account, a webhook endpoint
    // (nothing listens there: its deliveries wait to be tried again), and part of a sale paid out.
    let merchant = app.get("/v1/balance", Some(&key)).await.body["merchant"].as_str().unwrap_or_default().to_owned();
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let fees =
        app.put_json(&format!("/v1/merchants/{merchant}/fees"), Some(&operator), json!({ "percent_bps": 400 })).await;
    assert!(fees.status.is_success(), "{}", fees.body);
    let manual = json!({ "payout_schedule": { "interval": "manual" } });
    let path = format!("/v1/merchants/{merchant}");
    let set = app.call(reqwest::Method::PATCH, &path, Some(&key), None, Some(manual)).await;
    assert!(set.status.is_success(), "{}", set.body);
    let bank = app
        .post(
            "/v1/payout_destinations",
            Some(&key),
            json!({ "country": "US", "currency": "USD", "account_holder_name": "Shop LLC",
                "account_number": "000123456789", "routing_number": "110000000" }),
        )
        .await;
    assert_eq!(bank.status, StatusCode::CREATED, "{}", bank.body);
    let hook = app
        .post(
            "/v1/webhook_endpoints",
            Some(&key),
            json!({ "url": "http://127.0.0.1:9/hooks", "enabled_events": ["*"] }),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.body);
    // The first order arrives: its sale is the seller's, and part of it is paid out (no new payment
    // here, so the buyer's payment count stays below the velocity rule's).
    app.post(&format!("/v1/orders/{old}/deliver"), Some(&key), json!({})).await;
    let received = app.post(&format!("/v1/orders/{old}/confirm_receipt"), Some(&buyer), json!({})).await;
    assert_eq!(received.body["status"], "completed", "{}", received.body);
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 1 })).await;
    let payout = app.post("/v1/payouts", Some(&key), json!({ "amount": 1_000, "currency": "USD" })).await;
    assert_eq!(payout.status, StatusCode::CREATED, "{}", payout.body);
    // A payment that waits for a one-time code (above the step-up amount), with an idempotency key.
    let (_, dear) = app.seller("dear@example.com", "Dear", "Clock", 60_000).await;
    let order = app.new_order(&buyer, &dear).await;
    let asked = app
        .call(
            reqwest::Method::POST,
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            Some("pay-dear-once"),
            Some(json!({ "payment_method": { "type": "card", "card": card } })),
        )
        .await;
    assert_eq!(asked.body["status"], "requires_action", "{}", asked.body);
    // A password reset asked for and not yet used (its code only as a hash; the email in the outbox).
    let reset = app.post("/v1/password_resets", None, json!({ "email": "dear@example.com" })).await;
    assert_eq!(reset.status, StatusCode::ACCEPTED, "{}", reset.body);
    // Security questions, and a large payment whose ID document waits in review (sealed by the vault).
    let questions = app
        .put_json(
            "/v1/me/security_questions",
            Some(&buyer),
            json!({ "password": PASSWORD, "questions": [{ "question": "first_pet", "answer": "Rex" },
                { "question": "first_job", "answer": "Bakery" }] }),
        )
        .await;
    assert_eq!(questions.status, StatusCode::OK, "{}", questions.body);
    let second_card = app.save_card(&buyer, "5555555555554444").await;
    let (_, grand) = app.seller("grand@example.com", "Grand", "Piano", 160_000).await;
    let big = app.new_order(&buyer, &grand).await;
    let waiting = pay(&big, json!({ "type": "card", "card": second_card })).await;
    assert_eq!(waiting.body["next_action"]["type"], "document_review", "{}", waiting.body);
    let review = waiting.body["next_action"]["review"].as_str().unwrap_or_default().to_owned();
    let document = b"%PDF-1.7\n% an identity document\n".to_vec();
    let sent = app.upload_document(&buyer, waiting.body["id"].as_str().unwrap_or_default(), "id.pdf", &document).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    // Exchange rates set by an operator.
    let ops = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let rate = app.put_json("/v1/fx/rates/USD/EUR", Some(&ops), json!({ "rate": "0.92" })).await;
    assert!(rate.status.is_success(), "{}", rate.body);
    // A cart of two sellers paid once from another buyer's Pocket: a payment of no single order.
    let (_, mug) = app.seller("mugs@example.com", "Mugs", "Mug", 1_500).await;
    let shopper = app.buyer("cart@example.com").await;
    let loaded = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&shopper),
            json!({ "currency": "USD", "items": [{ "denomination": 5_000, "quantity": 1 }],
                "payment_method": new_card("5555555555554444") }),
        )
        .await;
    assert_eq!(loaded.status, StatusCode::CREATED, "{}", loaded.body);
    let cart = app
        .post(
            "/v1/checkouts",
            Some(&shopper),
            json!({ "items": [{ "product": product, "quantity": 1 }, { "product": mug, "quantity": 1 }],
                "shipping_address": address() }),
        )
        .await;
    assert_eq!(cart.status, StatusCode::CREATED, "{}", cart.body);
    let cart_id = cart.body["id"].as_str().unwrap_or_default().to_owned();
    let cart_paid = app
        .post(
            &format!("/v1/checkouts/{cart_id}/pay"),
            Some(&shopper),
            json!({ "payment_method": { "type": "pocket" } }),
        )
        .await;
    assert_eq!(cart_paid.body["status"], "requires_capture", "{}", cart_paid.body);
    let pocket_before = app.get("/v1/pocket", Some(&buyer)).await.body;

    // Every table that holds a shop has rows, but those this shop has no reason to fill.
    let file =
        rusqlite::Connection::open_with_flags(dir.join("pocketpay.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap_or_else(|e| panic!("{e}"));
    let count = |sql: &str| file.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut stmt = file
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'job_leases'",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let tables: Vec<String> =
        stmt.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).unwrap_or_else(|e| panic!("{e}"));
    for table in &tables {
        let rows = count(&format!("SELECT count(*) FROM {table}"));
        assert!(rows > 0 || MAY_BE_EMPTY.contains(&table.as_str()), "the shop has no {table}");
    }
    drop(stmt);
    drop(file);

    // The server holds the file: the move is refused while it runs.
    let name = format!("pp_t_move_{}", std::process::id());
    let url = store::fresh_postgres_database(&admin, &name).unwrap_or_else(|e| panic!("{e}"));
    let refused = move_to(&dir, &url);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("in use by a running Pocketpay server"), "{}", text(&refused));
    let dir = app.stop().await;

    // A move that fails half-way (here a check the target adds, refusing the refunds) leaves the
    // database empty, and runs again once the cause is gone.
    store::Store::migrate_postgres(&url).unwrap_or_else(|e| panic!("{e}"));
    psql(&url, "ALTER TABLE refunds ADD CONSTRAINT sabotage CHECK (amount < 0) NOT VALID");
    let failed = move_to(&dir, &url);
    assert!(!failed.status.success());
    assert!(text(&failed).contains("did not happen"), "{}", text(&failed));
    assert_eq!(psql(&url, "SELECT count(*) FROM users"), "0", "nothing of a failed move stays");
    psql(&url, "ALTER TABLE refunds DROP CONSTRAINT sabotage");
    let moved = move_to(&dir, &url);
    let said = text(&moved);
    assert!(moved.status.success(), "{said}");
    assert!(said.contains("row counts match on both sides") && said.contains("every invariant holds"), "{said}");
    assert!(said.contains("payments") && said.contains("rows"), "progress per table: {said}");
    for secret in ["4242424242424242", "5555555555554444", PASSWORD] {
        assert!(!said.contains(secret), "the move's output shows a secret");
    }
    // Once is enough: a second move into the filled database is refused and changes nothing.
    let again = move_to(&dir, &url);
    assert!(!again.status.success());
    assert!(text(&again).contains("not empty"), "{}", text(&again));

    // Served from PostgreSQL (the data directory keeps the secret, the vault's keys, the issuer).
    let app = TestApp::spawn_at(dir.clone(), |c| c.database_url = Some(url.clone())).await;
    // The old session still works, and so does signing in.
    assert_eq!(app.get("/v1/pocket", Some(&buyer)).await.body, pocket_before);
    let signed_in = app.login("buyer@example.com", PASSWORD).await;
    let cards = app.get("/v1/cards", Some(&signed_in)).await;
    let ids: Vec<&str> =
        cards.body["data"].as_array().map(|d| d.iter().filter_map(|c| c["id"].as_str()).collect()).unwrap_or_default();
    assert!(ids.contains(&card.as_str()), "{}", cards.body);
    // Paying with the saved card (sealed on the file, opened with the same vault key on PostgreSQL).
    let order = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    // The cart moved whole: the lamp's seller ships its order and captures its part of the payment.
    let cart = app.get(&format!("/v1/checkouts/{cart_id}"), Some(&shopper)).await.body;
    assert_eq!(cart["status"], "paid", "{cart}");
    let lamp = cart["orders"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["items"][0]["product"] == product.as_str()))
        .and_then(|o| o["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let shipped = app
        .post(&format!("/v1/orders/{lamp}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z9" }))
        .await;
    assert_eq!(shipped.body["payment"]["amount_captured"], 2_500, "{}", shipped.body);
    // Refunding the old order.
    let refund = app.post(&format!("/v1/orders/{old}/refunds"), Some(&key), json!({ "reason": "late" })).await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    // The idempotency record came along: the same key, from the same session, replays the first answer.
    let replay = app
        .call(
            reqwest::Method::POST,
            &format!("/v1/orders/{}/pay", asked.body["order"].as_str().unwrap_or_default()),
            Some(&buyer),
            Some("pay-dear-once"),
            Some(json!({ "payment_method": { "type": "card", "card": card } })),
        )
        .await;
    assert_eq!(replay.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]));
    assert_eq!(replay.body["id"], asked.body["id"]);
    // The one-time code sent before the move (the inbox moved too) is accepted after it.
    let inbox = app.get("/v1/test/inbox?to=buyer@example.com", None).await.body;
    let messages = inbox["data"].as_array().cloned().unwrap_or_default();
    let code = messages.iter().find_map(|m| m["code"].as_str()).unwrap_or_else(|| panic!("no code: {inbox}"));
    let verified = app
        .post(
            &format!("/v1/payments/{}/verify", asked.body["id"].as_str().unwrap_or_default()),
            Some(&buyer),
            json!({ "code": code }),
        )
        .await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);
    // The document moved sealed and opens for the operator; approving it authorizes the payment.
    let ops = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let opened = app
        .client
        .get(format!("{}/v1/reviews/{review}/document", app.base))
        .bearer_auth(&ops)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened.status(), StatusCode::OK);
    assert_eq!(opened.bytes().await.unwrap_or_default().to_vec(), document);
    let approved = app.post(&format!("/v1/reviews/{review}/decide"), Some(&ops), json!({ "outcome": "approve" })).await;
    assert_eq!(approved.body["payment"]["status"], "requires_capture", "{}", approved.body);
    // The reset asked for on the file is completed on PostgreSQL with the code emailed then.
    let dear_inbox = app.get("/v1/test/inbox?to=dear@example.com", None).await.body;
    let reset_code = dear_inbox["data"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["subject"] == "Reset your Pocketpay password"))
        .and_then(|m| m["code"].as_str())
        .unwrap_or_else(|| panic!("no reset code: {dear_inbox}"))
        .to_owned();
    let reset = app
        .post(
            "/v1/password_resets/confirm",
            None,
            json!({ "email": "dear@example.com", "code": reset_code, "password": "a moved new password" }),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    app.login("dear@example.com", "a moved new password").await;
    // New rows get new ids past the copied ones (the sequences moved on).
    let ticket = app.post("/v1/tickets", Some(&buyer), json!({ "subject": "Thanks", "message": "All good." })).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.body);
    app.assert_ledger_balanced().await;
    app.stop().await;
    let _ = store::drop_postgres_database(&admin, &name);
    let _ = std::fs::remove_dir_all(&dir);
}
