//! Gift cards and the Pocket over HTTP: denominations, the purchase cap, coupons and refunds refused,
//! declined cards, gifts emailed and redeemed once, brute-force lock-out, concurrent redemption,
//! expiry on the clock with earliest-first spending, 200 concurrent holds on one Pocket, and the
//! ledger check after every scenario.

mod common;

use common::{Answer, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn new_card(number: &str) -> Value {
    json!({ "type": "card", "new_card": { "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Gia",
        "billing_address": { "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" } } })
}

fn purchase(items: Value, method: Value) -> Value {
    json!({ "currency": "USD", "items": items, "payment_method": method })
}

async fn buy(app: &TestApp, token: &str, body: Value) -> Answer {
    app.post("/v1/gift_cards/purchase", Some(token), body).await
}

async fn pocket(app: &TestApp, token: &str) -> Value {
    app.get("/v1/pocket", Some(token)).await.body
}

fn usd_available(p: &Value) -> i64 {
    p["balances"]
        .as_array()
        .and_then(|b| b.iter().find(|x| x["currency"] == "USD"))
        .map(|b| b["available"].as_i64().unwrap_or(0))
        .unwrap_or(0)
}

#[tokio::test]
async fn denominations_cap_coupon_refund_and_payment_rules() {
    let app = TestApp::spawn().await;
    let token = app.buyer("gia@example.com").await;
    for d in [1000, 2000, 5000, 10000, 15000] {
        let a =
            buy(&app, &token, purchase(json!([{ "denomination": d, "quantity": 1 }]), new_card("4242424242424242")))
                .await;
        assert_eq!(a.status, StatusCode::CREATED, "{d}: {}", a.body);
        assert_eq!((a.body["status"].as_str(), a.body["amount"].as_i64()), (Some("succeeded"), Some(d)));
        assert_eq!(a.body["gift_cards"][0]["state"], "loaded");
        assert!(a.body.get("code").is_none(), "no code when loaded into one's own Pocket");
    }
    assert_eq!(usd_available(&pocket(&app, &token).await), 33000);
    for d in [500, 1500, 0, -1000, 20000, 1001] {
        let a =
            buy(&app, &token, purchase(json!([{ "denomination": d, "quantity": 1 }]), new_card("4242424242424242")))
                .await;
        a.assert_error(400, "invalid_request_error", "invalid_denomination");
    }
    // Exactly 700.00 passes; anything above fails, and nothing is charged or loaded.
    let other = app.buyer("cap@example.com").await;
    let at_cap = buy(
        &app,
        &other,
        purchase(
            json!([{ "denomination": 15000, "quantity": 4 }, { "denomination": 10000, "quantity": 1 }]),
            new_card("5555555555554444"),
        ),
    )
    .await;
    assert_eq!(at_cap.status, StatusCode::CREATED, "{}", at_cap.body);
    assert_eq!(at_cap.body["gift_cards"].as_array().map(Vec::len), Some(5));
    let over = buy(&app, &other, purchase(json!([{ "denomination": 15000, "quantity": 4 }, { "denomination": 10000, "quantity": 1 }, { "denomination": 1000, "quantity": 1 }]), new_card("5555555555554444"))).await;
    over.assert_error(400, "invalid_request_error", "load_limit_exceeded");
    assert_eq!(usd_available(&pocket(&app, &other).await), 70000);
    // Coupons never apply; Pocket money cannot buy gift cards; other currencies are not sold.
    let mut with_coupon = purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("4242424242424242"));
    with_coupon["coupon"] = json!("WELCOME10");
    buy(&app, &token, with_coupon).await.assert_error(400, "invalid_request_error", "coupon_not_allowed");
    buy(&app, &token, purchase(json!([{ "denomination": 1000, "quantity": 1 }]), json!({ "type": "pocket" })))
        .await
        .assert_error(400, "invalid_request_error", "parameter_invalid");
    let mut eur = purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("4242424242424242"));
    eur["currency"] = json!("EUR");
    buy(&app, &token, eur).await.assert_error(400, "invalid_request_error", "currency_not_supported");
    // Never refundable, whoever asks.
    let id = at_cap.body["gift_cards"][0]["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/gift_cards/{id}/refund"), None, json!({})).await.assert_error(
        400,
        "invalid_request_error",
        "gift_card_not_refundable",
    );
    app.post(&format!("/v1/gift_cards/{id}/refund"), Some(&other), json!({})).await.assert_error(
        400,
        "invalid_request_error",
        "gift_card_not_refundable",
    );
    // History shows every load with the balance after it and the expiry.
    let history = app.get("/v1/pocket/transactions?limit=3", Some(&token)).await;
    let first = &history.body["data"][0];
    assert_eq!(
        (first["type"].as_str(), first["amount"].as_i64(), first["balance_after"].as_i64()),
        (Some("gift_card_load"), Some(15000), Some(33000))
    );
    assert!(first["expires_at"].as_i64().is_some() && first["id"].as_str().is_some_and(|i| i.starts_with("txn_")));
    assert_eq!(history.body["has_more"], true);
    let cursor = history.body["data"][2]["id"].as_str().unwrap_or_default().to_owned();
    let rest = app.get(&format!("/v1/pocket/transactions?starting_after={cursor}"), Some(&token)).await;
    assert_eq!(rest.body["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(rest.body["has_more"], false);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_declined_card_loads_nothing_and_charges_nothing() {
    let app = TestApp::spawn().await;
    let token = app.buyer("declined@example.com").await;
    for (number, code, decline) in [
        ("4000000000000002", "card_declined", Some("generic_decline")),
        ("4000000000009995", "card_declined", Some("insufficient_funds")),
        ("4000000000009987", "card_declined", Some("generic_decline")),
        ("4000000000000119", "processing_error", None),
        ("4000000000000911", "processing_error", None),
    ] {
        let a = buy(&app, &token, purchase(json!([{ "denomination": 5000, "quantity": 1 }]), new_card(number))).await;
        a.assert_error(402, "card_error", code);
        assert_eq!(a.body["error"]["decline_code"].as_str(), decline, "{}", a.body);
    }
    // The credit line of 50.00 allows one 50.00 card; the next is declined by real spending.
    let ok =
        buy(&app, &token, purchase(json!([{ "denomination": 5000, "quantity": 1 }]), new_card("4000000000000333")))
            .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let broke =
        buy(&app, &token, purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("4000000000000333")))
            .await;
    broke.assert_error(402, "card_error", "card_declined");
    assert_eq!(broke.body["error"]["decline_code"], "insufficient_funds");
    assert_eq!(usd_available(&pocket(&app, &token).await), 5000, "only the paid card was loaded");
    let bought = app.get("/v1/gift_cards", Some(&token)).await;
    assert_eq!(bought.body["data"].as_array().map(Vec::len), Some(1));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_gift_is_emailed_redeemed_once_and_brute_force_is_locked_out() {
    let app = TestApp::spawn().await;
    let giver = app.buyer("giver@example.com").await;
    let mut body = purchase(json!([{ "denomination": 10000, "quantity": 1 }]), new_card("4242424242424242"));
    body["gift"] = json!({ "recipient_email": "assistant@example.com", "message": "For the office supplies." });
    let gift = buy(&app, &giver, body).await;
    assert_eq!(gift.status, StatusCode::CREATED, "{}", gift.body);
    let code = gift.body["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(code.len(), 19, "XXXX-XXXX-XXXX-XXXX: {code}");
    assert!(code.chars().next().is_some_and(|c| c.is_ascii_alphabetic()), "never looks like a card number");
    assert_eq!(gift.body["gift_cards"][0]["state"], "active");
    assert_eq!(usd_available(&pocket(&app, &giver).await), 0, "a gift is not loaded into the giver's Pocket");
    let inbox = app.get("/v1/test/inbox?to=assistant@example.com", None).await;
    let mail = inbox.body["data"][0]["body"].as_str().unwrap_or_default().to_owned();
    assert!(mail.contains(&code) && mail.contains("For the office supplies."), "{mail}");
    // The list shows the card masked: no code, only its last 4.
    let listed = app.get("/v1/gift_cards", Some(&giver)).await;
    assert!(!listed.body.to_string().contains(&code[..9]));
    assert_eq!(listed.body["data"][0]["last4"].as_str(), Some(&code[15..]));

    let assistant = app.buyer("assistant@example.com").await;
    let redeemed = app
        .post("/v1/gift_cards/redeem", Some(&assistant), json!({ "code": code.to_lowercase().replace('-', " ") }))
        .await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.body);
    assert_eq!(usd_available(&redeemed.body), 10000);
    let history = app.get("/v1/pocket/transactions", Some(&assistant)).await;
    assert_eq!(history.body["data"][0]["type"], "gift_card_redeem");
    // Twice: the same answer as an unknown code.
    let again = app.post("/v1/gift_cards/redeem", Some(&assistant), json!({ "code": code })).await;
    again.assert_error(404, "invalid_request_error", "gift_card_invalid");
    let unknown = app.post("/v1/gift_cards/redeem", Some(&assistant), json!({ "code": "ABCD-EFGH-JKMN-PQRS" })).await;
    unknown.assert_error(404, "invalid_request_error", "gift_card_invalid");
    assert_eq!(again.body["error"]["message"], unknown.body["error"]["message"]);

    // Five failures an hour, then locked out — even a valid code waits.
    let guesser = app.buyer("guesser@example.com").await;
    let mut body = purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("4242424242424242"));
    body["gift"] = json!({ "recipient_email": "guesser@example.com" });
    let real = buy(&app, &guesser, body).await.body["code"].as_str().unwrap_or_default().to_owned();
    for i in 0..3 {
        app.post(
            "/v1/gift_cards/redeem",
            Some(&guesser),
            json!({ "code": format!("ABCD-EFGH-JKMN-PQR{}", ['S', 'T', 'U'][i]) }),
        )
        .await
        .assert_error(404, "invalid_request_error", "gift_card_invalid");
    }
    // (The assistant's two failures above came from the same address: 5 in all for this address.)
    let locked = app.post("/v1/gift_cards/redeem", Some(&guesser), json!({ "code": real })).await;
    locked.assert_error(429, "rate_limit_error", "too_many_attempts");
    assert!(locked.headers.get("retry-after").is_some());
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3601 })).await;
    let ok = app.post("/v1/gift_cards/redeem", Some(&guesser), json!({ "code": real })).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn two_buyers_redeeming_one_code_at_once_get_it_once() {
    let app = TestApp::spawn().await;
    let giver = app.buyer("giver2@example.com").await;
    let mut body = purchase(json!([{ "denomination": 5000, "quantity": 1 }]), new_card("4242424242424242"));
    body["gift"] = json!({ "recipient_email": "both@example.com" });
    let code = buy(&app, &giver, body).await.body["code"].as_str().unwrap_or_default().to_owned();
    let a = app.buyer("a@example.com").await;
    let b = app.buyer("b@example.com").await;
    let (ra, rb) = tokio::join!(
        app.post("/v1/gift_cards/redeem", Some(&a), json!({ "code": code })),
        app.post("/v1/gift_cards/redeem", Some(&b), json!({ "code": code }))
    );
    let statuses = [ra.status.as_u16(), rb.status.as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&404), "{statuses:?}");
    let total = usd_available(&pocket(&app, &a).await) + usd_available(&pocket(&app, &b).await);
    assert_eq!(total, 5000);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn credit_expires_on_the_clock_and_the_earliest_expiring_is_spent_first() {
    let app = TestApp::spawn().await;
    let token = app.buyer("expiry@example.com").await;
    let first =
        buy(&app, &token, purchase(json!([{ "denomination": 5000, "quantity": 1 }]), new_card("4242424242424242")))
            .await;
    let first_expiry = first.body["gift_cards"][0]["expires_at"].as_i64().unwrap_or(0);
    let created = first.body["created"].as_i64().unwrap_or(0);
    assert!((3 * 365 * 86_400..=(3 * 366 + 1) * 86_400).contains(&(first_expiry - created)), "three years");
    // A year later, a second card: it expires a year after the first.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 365 * 86_400 })).await;
    // Sessions last a week: sign in again after moving the clock by a year.
    let token = app.login("expiry@example.com", common::PASSWORD).await;
    let second =
        buy(&app, &token, purchase(json!([{ "denomination": 2000, "quantity": 1 }]), new_card("4242424242424242")))
            .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let p = pocket(&app, &token).await;
    let expiring = p["balances"][0]["expiring"].as_array().cloned().unwrap_or_default();
    assert_eq!(expiring.len(), 2, "{p}");
    assert_eq!((expiring[0]["amount"].as_i64(), expiring[0]["expires_at"].as_i64()), (Some(5000), Some(first_expiry)));
    // Spend 30.00: it comes from the first (earliest-expiring) card.
    let hold = app.post("/v1/test/pocket/holds", Some(&token), json!({ "amount": 3000, "currency": "USD" })).await;
    assert_eq!(hold.status, StatusCode::CREATED, "{}", hold.body);
    let hold_id = hold.body["hold"].as_str().unwrap_or_default().to_owned();
    let captured =
        app.post(&format!("/v1/test/pocket/holds/{hold_id}/capture"), Some(&token), json!({ "amount": 3000 })).await;
    assert_eq!(captured.status, StatusCode::OK, "{}", captured.body);
    let expiring = captured.body["balances"][0]["expiring"].as_array().cloned().unwrap_or_default();
    assert_eq!((expiring[0]["amount"].as_i64(), expiring[1]["amount"].as_i64()), (Some(2000), Some(2000)));
    // Past the first card's expiry: its 20.00 left goes to breakage; the second card's 20.00 stays.
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 2 * 365 * 86_400 + 86_400 })).await;
    let token = app.login("expiry@example.com", common::PASSWORD).await;
    let p = pocket(&app, &token).await;
    assert_eq!(usd_available(&p), 2000, "{p}");
    let history = app.get("/v1/pocket/transactions", Some(&token)).await;
    let last = &history.body["data"][0];
    assert_eq!(
        (last["type"].as_str(), last["amount"].as_i64(), last["balance_after"].as_i64()),
        (Some("expiry"), Some(-2000), Some(2000))
    );
    // An unredeemed gift code expires too, and is then refused like any invalid code.
    let giver = app.buyer("late-giver@example.com").await;
    let mut body = purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("5555555555554444"));
    body["gift"] = json!({ "recipient_email": "late@example.com" });
    let code = buy(&app, &giver, body).await.body["code"].as_str().unwrap_or_default().to_owned();
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3 * 366 * 86_400 })).await;
    let late = app.buyer("late@example.com").await;
    app.post("/v1/gift_cards/redeem", Some(&late), json!({ "code": code })).await.assert_error(
        404,
        "invalid_request_error",
        "gift_card_invalid",
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn two_hundred_concurrent_holds_never_overdraw_one_pocket() {
    let app = TestApp::spawn().await;
    let token = app.buyer("busy@example.com").await;
    buy(&app, &token, purchase(json!([{ "denomination": 15000, "quantity": 1 }]), new_card("4242424242424242"))).await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let client = app.client.clone();
        let url = format!("{}/v1/test/pocket/holds", app.base);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).bearer_auth(token).json(&json!({ "amount": 700, "currency": "USD" })).send().await;
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap_or_else(|e| panic!("{e}"));
        match status {
            201 => accepted += 1,
            402 => assert_eq!(body["error"]["code"], "insufficient_pocket_balance", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(accepted, 15_000 / 700, "21 holds of 7.00 fit in 150.00");
    let p = pocket(&app, &token).await;
    assert_eq!((usd_available(&p), p["balances"][0]["held"].as_i64()), (15000 - 21 * 700, Some(21 * 700)));
    let holds = app.get("/v1/pocket/transactions?limit=100", Some(&token)).await;
    let min_balance = holds.body["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["balance_after"].as_i64()).min().unwrap_or(0))
        .unwrap_or(0);
    assert!(min_balance >= 0, "the history never shows a negative balance");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn refunds_into_the_pocket_keep_their_expiry_but_never_less_than_90_days() {
    let app = TestApp::spawn().await;
    let token = app.buyer("refund@example.com").await;
    let bought =
        buy(&app, &token, purchase(json!([{ "denomination": 5000, "quantity": 1 }]), new_card("4242424242424242")))
            .await;
    let expiry = bought.body["gift_cards"][0]["expires_at"].as_i64().unwrap_or(0);
    let hold = app.post("/v1/test/pocket/holds", Some(&token), json!({ "amount": 3000, "currency": "USD" })).await;
    let hold_id = hold.body["hold"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/test/pocket/holds/{hold_id}/capture"), Some(&token), json!({ "amount": 3000 })).await;
    // Refunded Pocket money comes back with the expiry of the lot it was spent from.
    let refunded =
        app.post(&format!("/v1/test/pocket/holds/{hold_id}/refund"), Some(&token), json!({ "amount": 1000 })).await;
    assert_eq!(refunded.status, StatusCode::OK, "{}", refunded.body);
    assert_eq!(usd_available(&refunded.body), 3000);
    assert_eq!(refunded.body["balances"][0]["expiring"], json!([{ "amount": 3000, "expires_at": expiry }]));
    let history = app.get("/v1/pocket/transactions?limit=1", Some(&token)).await;
    assert_eq!(
        (history.body["data"][0]["type"].as_str(), history.body["data"][0]["amount"].as_i64()),
        (Some("refund"), Some(1000))
    );
    // Ten days before that expiry, a refund gets 90 days from now instead.
    let ten_days_before = expiry - 10 * 86_400 - bought.body["created"].as_i64().unwrap_or(0);
    let now = app.post("/v1/test/clock", None, json!({ "advance_seconds": ten_days_before })).await.body["now"]
        .as_i64()
        .unwrap_or(0);
    let token = app.login("refund@example.com", common::PASSWORD).await;
    let late =
        app.post(&format!("/v1/test/pocket/holds/{hold_id}/refund"), Some(&token), json!({ "amount": 1000 })).await;
    assert_eq!(late.status, StatusCode::OK, "{}", late.body);
    let expiring = late.body["balances"][0]["expiring"].as_array().cloned().unwrap_or_default();
    assert_eq!(expiring.len(), 2, "{}", late.body);
    assert_eq!(expiring[0], json!({ "amount": 3000, "expires_at": expiry }));
    assert_eq!(expiring[1]["amount"], 1000);
    // The wall clock may tick between the two calls: allow a few seconds.
    let late_expiry = expiring[1]["expires_at"].as_i64().unwrap_or(0);
    assert!((now + 90 * 86_400..now + 90 * 86_400 + 5).contains(&late_expiry), "{late_expiry} vs {now}");
    // Never more than was captured.
    let over =
        app.post(&format!("/v1/test/pocket/holds/{hold_id}/refund"), Some(&token), json!({ "amount": 1001 })).await;
    over.assert_error(400, "invalid_request_error", "refund_exceeds_captured");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn operators_look_up_a_code_and_block_it_until_unblocked_and_a_blocked_code_still_expires() {
    let app = TestApp::spawn().await;
    let giver = app.buyer("blocker@example.com").await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    let mut body = purchase(json!([{ "denomination": 2000, "quantity": 1 }]), new_card("4242424242424242"));
    body["gift"] = json!({ "recipient_email": "finder@example.com" });
    let code = buy(&app, &giver, body).await.body["code"].as_str().unwrap_or_default().to_owned();

    let refused = app.post("/v1/gift_cards/lookup", Some(&giver), json!({ "code": code })).await;
    refused.assert_error(403, "authentication_error", "forbidden");
    let unknown = app.post("/v1/gift_cards/lookup", Some(&operator), json!({ "code": "ABCD-EFGH-JKMN-PQRS" })).await;
    unknown.assert_error(404, "invalid_request_error", "resource_missing");
    let found = app.post("/v1/gift_cards/lookup", Some(&operator), json!({ "code": code.to_lowercase() })).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["state"], "active");
    assert_eq!(found.body["denomination"], 2000);
    assert!(found.body["code"].is_null() && !found.body.to_string().contains(&code[..9]), "the code is never shown");
    let id = found.body["id"].as_str().unwrap_or_default().to_owned();

    let no_reason = app.post(&format!("/v1/gift_cards/{id}/block"), Some(&operator), json!({ "reason": " " })).await;
    no_reason.assert_error(400, "invalid_request_error", "parameter_invalid");
    let by_buyer = app.post(&format!("/v1/gift_cards/{id}/block"), Some(&giver), json!({ "reason": "mine" })).await;
    by_buyer.assert_error(403, "authentication_error", "forbidden");
    let blocked =
        app.post(&format!("/v1/gift_cards/{id}/block"), Some(&operator), json!({ "reason": "Reported stolen" })).await;
    assert_eq!(blocked.status, StatusCode::OK, "{}", blocked.body);
    assert_eq!(blocked.body["state"], "blocked");
    let twice = app.post(&format!("/v1/gift_cards/{id}/block"), Some(&operator), json!({ "reason": "again" })).await;
    twice.assert_error(409, "invalid_request_error", "gift_card_not_blockable");

    let finder = app.buyer("finder@example.com").await;
    let redeem = app.post("/v1/gift_cards/redeem", Some(&finder), json!({ "code": code })).await;
    redeem.assert_error(404, "invalid_request_error", "gift_card_invalid");
    let unblocked = app.post(&format!("/v1/gift_cards/{id}/unblock"), Some(&operator), json!({})).await;
    assert_eq!(unblocked.status, StatusCode::OK, "{}", unblocked.body);
    assert_eq!(unblocked.body["state"], "active");

    // A code loaded into its buyer's Pocket has nothing to block.
    let loaded =
        buy(&app, &giver, purchase(json!([{ "denomination": 1000, "quantity": 1 }]), new_card("4242424242424242")))
            .await;
    let loaded_id = loaded.body["gift_cards"][0]["id"].as_str().unwrap_or_default().to_owned();
    let not_blockable =
        app.post(&format!("/v1/gift_cards/{loaded_id}/block"), Some(&operator), json!({ "reason": "why" })).await;
    not_blockable.assert_error(409, "invalid_request_error", "gift_card_not_blockable");

    // Blocked again, it still expires on time: its value moves from the float to breakage.
    app.post(&format!("/v1/gift_cards/{id}/block"), Some(&operator), json!({ "reason": "Reported stolen" })).await;
    app.post("/v1/test/clock", None, json!({ "advance_seconds": 3 * 366 * 86_400 })).await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    let after = app.post("/v1/gift_cards/lookup", Some(&operator), json!({ "code": code })).await;
    assert_eq!(after.body["state"], "expired", "{}", after.body);
    app.assert_ledger_balanced().await;
}
