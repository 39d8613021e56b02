//! Step-up verification over HTTP: risky payments wait for a one-time code (new card, large amount,
//! foreign card, the issuer's own demand); right code, wrong code ×5, expiry, resend cooldown; the
//! code is bound to its payment; and the platform's spending limits.

mod common;

use common::{address, new_card, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// A shop with one product; returns the product id.
async fn shop(app: &TestApp, amount: i64) -> String {
    app.seller(&format!("owner-{amount}@example.com"), "Shop", "Lamp", amount).await.1
}

async fn order(app: &TestApp, token: &str, product: &str) -> String {
    let o = app
        .post(
            "/v1/orders",
            Some(token),
            json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.body);
    o.body["id"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_new_card_needs_a_code_and_the_right_one_authorizes() {
    let app = TestApp::spawn().await;
    let product = shop(&app, 2000).await;
    let buyer = app.buyer("code@example.com").await;
    let o = order(&app, &buyer, &product).await;
    let pay = app
        .post(&format!("/v1/orders/{o}/pay"), Some(&buyer), json!({ "payment_method": new_card("4242424242424242") }))
        .await;
    assert_eq!(pay.status, StatusCode::OK, "{}", pay.body);
    assert_eq!(pay.body["status"], "requires_action");
    let action = &pay.body["next_action"];
    assert_eq!((action["type"].as_str(), action["channel"].as_str()), (Some("verify_code"), Some("email")));
    assert_eq!(action["sent_to"], "c•••@example.com");
    assert!(action["reasons"].as_array().is_some_and(|r| r.contains(&json!("new_card"))));
    let payment = pay.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("code@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let w = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": wrong })).await;
    w.assert_error(402, "payment_error", "verification_failed");
    assert!(w.body["error"]["advice"][0].as_str().unwrap_or("").contains("4 tries left"), "{}", w.body);
    // Reading the payment shows what it waits for, with the tries left.
    let read = app.get(&format!("/v1/payments/{payment}"), Some(&buyer)).await;
    assert_eq!(read.body["status"], "requires_action", "{}", read.body);
    assert_eq!(read.body["next_action"]["sent_to"], "c•••@example.com");
    assert_eq!(read.body["next_action"]["attempts_left"], 4);
    // The code is bound to its payment: it does not approve another one.
    let other_order = order(&app, &buyer, &product).await;
    let other = app
        .post(
            &format!("/v1/orders/{other_order}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("5555555555554444") }),
        )
        .await;
    let other_payment = other.body["id"].as_str().unwrap_or_default().to_owned();
    let other_code = app.inbox_code("code@example.com").await;
    app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": other_code }))
        .await
        .assert_error(402, "payment_error", "verification_failed");
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "requires_capture");
    let ok2 =
        app.post(&format!("/v1/payments/{other_payment}/verify"), Some(&buyer), json!({ "code": other_code })).await;
    assert_eq!(ok2.body["status"], "requires_capture", "{}", ok2.body);
    // Used: the code cannot be replayed.
    app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await.assert_error(
        409,
        "invalid_request_error",
        "payment_not_awaiting_code",
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn five_wrong_codes_lock_expiry_and_resend_cooldown() {
    let app = TestApp::spawn().await;
    let product = shop(&app, 2000).await;
    let buyer = app.buyer("locked@example.com").await;
    let o = order(&app, &buyer, &product).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": new_card("4242424242424242"), "pocket_amount": 0 }),
        )
        .await;
    // pocket_amount 0 is not a split.
    pay.assert_error(400, "invalid_request_error", "amount_invalid");
    let pay = app
        .post(&format!("/v1/orders/{o}/pay"), Some(&buyer), json!({ "payment_method": new_card("4242424242424242") }))
        .await;
    let payment = pay.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("locked@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": wrong })).await.assert_error(
            402,
            "payment_error",
            "verification_failed",
        );
    }
    let locked = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": code })).await;
    locked.assert_error(429, "rate_limit_error", "too_many_attempts");
    // A new code, but not within a minute of the last.
    let soon = app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({})).await;
    soon.assert_error(429, "rate_limit_error", "too_many_attempts");
    assert!(soon.headers.get("retry-after").is_some());
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 61 })).await;
    // This buyer has no phone: asking for an SMS is refused, never quietly sent by email.
    let no_phone =
        app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({ "channel": "sms" })).await;
    no_phone.assert_error(400, "invalid_request_error", "parameter_invalid");
    assert_eq!(no_phone.body["error"]["param"], "channel");
    assert!(no_phone.body["error"]["message"].as_str().unwrap_or("").contains("no phone number"), "{}", no_phone.body);
    let resent =
        app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({ "channel": "email" })).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    let fresh = app.inbox_code("locked@example.com").await;
    // It expires after ten minutes.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 601 })).await;
    app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": fresh })).await.assert_error(
        402,
        "payment_error",
        "verification_expired",
    );
    app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({})).await;
    let last = app.inbox_code("locked@example.com").await;
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": last })).await;
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);
}

#[tokio::test]
async fn large_amounts_foreign_cards_and_the_issuers_demand() {
    let app = TestApp::spawn().await;
    // A saved card, a large amount: a code.
    let big = shop(&app, 60_000).await;
    let buyer = app.buyer("big@example.com").await;
    let card = app
        .post(
            "/v1/cards",
            Some(&buyer),
            json!({ "number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    let card_id = card.body["id"].as_str().unwrap_or_default().to_owned();
    let o = order(&app, &buyer, &big).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card_id } }),
        )
        .await;
    assert_eq!(pay.body["next_action"]["reasons"], json!(["large_amount"]), "{}", pay.body);
    // A small amount on the same saved card: no code.
    let small = shop(&app, 1000).await;
    let o = order(&app, &buyer, &small).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card_id } }),
        )
        .await;
    assert_eq!(pay.body["status"], "requires_capture", "{}", pay.body);

    // A French card for a US buyer: a code.
    let fr = app
        .post(
            "/v1/cards",
            Some(&buyer),
            json!({ "number": "4000002500000003", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    let o = order(&app, &buyer, &small).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": fr.body["id"] } }),
        )
        .await;
    assert_eq!(pay.body["next_action"]["reasons"], json!(["foreign_card"]), "{}", pay.body);

    // The bank asks for a code although the platform would not: the payment waits for it, then authorizes.
    let de = app.buyer_from("de@example.com", "DE").await;
    let card = app
        .post(
            "/v1/cards",
            Some(&de),
            json!({ "number": "4000002760003184", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    assert_eq!(card.status, StatusCode::CREATED, "{}", card.body);
    let o = order(&app, &de, &small).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&de),
            json!({ "payment_method": { "type": "card", "card": card.body["id"] }, "pocket_amount": 500 }),
        )
        .await;
    // (The Pocket is empty: the Pocket part fails first, and the order stays payable.)
    pay.assert_error(402, "payment_error", "insufficient_pocket_balance");
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&de),
            json!({ "payment_method": { "type": "card", "card": card.body["id"] } }),
        )
        .await;
    assert_eq!(pay.body["status"], "requires_action", "{}", pay.body);
    assert_eq!(pay.body["next_action"]["reasons"], json!(["issuer_demand"]));
    let payment = pay.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("de@example.com").await;
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&de), json!({ "code": code })).await;
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);

    // A card that needs a code and then is declined: the decline explains itself after the code.
    let gb = app.buyer_from("gb@example.com", "GB").await;
    let card = app
        .post(
            "/v1/cards",
            Some(&gb),
            json!({ "number": "4000008260003178", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    let o = order(&app, &gb, &small).await;
    let pay = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&gb),
            json!({ "payment_method": { "type": "card", "card": card.body["id"] } }),
        )
        .await;
    let payment = pay.body["id"].as_str().unwrap_or_default().to_owned();
    let code = app.inbox_code("gb@example.com").await;
    let declined = app.post(&format!("/v1/payments/{payment}/verify"), Some(&gb), json!({ "code": code })).await;
    declined.assert_error(402, "card_error", "card_declined");
    assert_eq!(declined.body["error"]["decline_code"], "insufficient_funds");
    assert_eq!(declined.body["error"]["payment"]["status"], "requires_payment_method");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn platform_spending_limits_per_day_and_month() {
    let app = TestApp::spawn_with(|c| {
        c.spending_limits = domain::checkout::SpendingLimits {
            daily_minor: 10_000,
            monthly_minor: 25_000,
            currency: domain::money::Currency::USD,
        };
    })
    .await;
    // Start at the beginning of a month, so that the days below stay in one month whatever today is.
    let now = app.post("/v1/test/clock", None, json!({ "advance_seconds": 0 })).await.body["now"].as_i64().unwrap_or(0);
    let (y, m) = domain::calendar::year_month_of(now);
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let next_month = domain::calendar::days_from_civil(ny, nm, 1) * 86_400 + 3600;
    app.post("/v1/test/clock", None, json!({ "advance_seconds": next_month - now })).await;
    let product = shop(&app, 6000).await;
    let buyer = app.buyer("limits@example.com").await;
    let card = app
        .post(
            "/v1/cards",
            Some(&buyer),
            json!({ "number": "5555555555554444", "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    let pay = |o: String| {
        let body = json!({ "payment_method": { "type": "card", "card": card.body["id"] } });
        let app = &app;
        let buyer = buyer.clone();
        async move { app.post(&format!("/v1/orders/{o}/pay"), Some(&buyer), body).await }
    };
    let first = pay(order(&app, &buyer, &product).await).await;
    assert_eq!(first.body["status"], "requires_capture", "{}", first.body);
    let second = pay(order(&app, &buyer, &product).await).await;
    second.assert_error(402, "payment_error", "spending_limit_exceeded");
    assert!(second.body["error"]["message"].as_str().unwrap_or("").contains("$40.00"), "{}", second.body);
    // Tomorrow the daily limit has room again; the month's does not last forever.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 86_400 })).await;
    let buyer = app.login("limits@example.com", common::PASSWORD).await;
    let o = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
        )
        .await;
    let o = o.body["id"].as_str().unwrap_or_default().to_owned();
    let third = app
        .post(
            &format!("/v1/orders/{o}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card.body["id"] } }),
        )
        .await;
    assert_eq!(third.body["status"], "requires_capture", "{}", third.body);
    // 120.00 spent this month of 250.00: one more day's 60.00 fits, the next does not (the monthly limit).
    let mut refused = None;
    for day in 0..3 {
        app.post("/v1/test/clock", None, json!({ "advance_seconds": 86_400 })).await;
        let buyer = app.login("limits@example.com", common::PASSWORD).await;
        let o = app
            .post(
                "/v1/orders",
                Some(&buyer),
                json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
            )
            .await;
        let o = o.body["id"].as_str().unwrap_or_default().to_owned();
        let body = json!({ "payment_method": { "type": "card", "card": card.body["id"] } });
        let paid = app.post(&format!("/v1/orders/{o}/pay"), Some(&buyer), body).await;
        if paid.status == StatusCode::PAYMENT_REQUIRED {
            refused = Some((day, paid));
            break;
        }
    }
    let (day, refused) = refused.unwrap_or_else(|| panic!("the monthly limit never applied"));
    refused.assert_error(402, "payment_error", "spending_limit_exceeded");
    assert!(refused.body["error"]["message"].as_str().unwrap_or("").contains("month"), "{}", refused.body);
    assert!(day >= 1, "one more payment fitted first");
}

#[tokio::test]
async fn an_attempt_gets_at_most_five_codes() {
    let app = TestApp::spawn().await;
    let product = shop(&app, 2000).await;
    let buyer = app.buyer("resender@example.com").await;
    let o = order(&app, &buyer, &product).await;
    let pay = app
        .post(&format!("/v1/orders/{o}/pay"), Some(&buyer), json!({ "payment_method": new_card("4242424242424242") }))
        .await;
    assert_eq!(pay.body["status"], "requires_action", "{}", pay.body);
    let payment = pay.body["id"].as_str().unwrap_or_default().to_owned();
    for _ in 0..4 {
        app.post("/v1/test/clock", None, json!({ "advance_seconds": 61 })).await;
        let resent = app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({})).await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    }
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 61 })).await;
    let sixth = app.post(&format!("/v1/payments/{payment}/resend_code"), Some(&buyer), json!({})).await;
    sixth.assert_error(429, "rate_limit_error", "too_many_attempts");
    assert!(sixth.body["error"]["message"].as_str().unwrap_or("").contains("already sent"), "{}", sixth.body);
    let inbox = app.get("/v1/test/inbox?to=resender@example.com", None).await;
    let codes = inbox.body["data"].as_array().map(|m| m.iter().filter(|x| x["code"].is_string()).count());
    assert_eq!(codes, Some(6), "the sign-up code and five payment codes: {}", inbox.body);
    // The last code sent still approves the payment.
    let last = app.inbox_code("resender@example.com").await;
    let ok = app.post(&format!("/v1/payments/{payment}/verify"), Some(&buyer), json!({ "code": last })).await;
    assert_eq!(ok.body["status"], "requires_capture", "{}", ok.body);
    app.assert_ledger_balanced().await;
}
