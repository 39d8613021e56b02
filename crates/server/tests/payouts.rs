//! Sellers' money over HTTP, walked through the test clock: the platform's fee at capture, a sale
//! pending until receipt or the end of its claim window, then available and paid out on the seller's
//! schedule to the test bank; each failing test bank account; a lost bank answer settled by the
//! look-up; a claim reserving its amount; a refund after a payout taking the balance below zero and
//! the next sale paying it back; fees returned in proportion at odd cents; two payouts at once; the
//! CSV report row by row; bad input. The ledger and the sellers' invariants are checked after each.

mod common;

use common::{TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY: i64 = 86_400;

struct Shop {
    key: String,
    product: String,
    merchant: String,
    owner: String,
}

async fn shop(app: &TestApp, owner: &str, amount: i64) -> Shop {
    let (key, product) = app.seller(owner, "Shop", "Lamp", amount).await;
    let me = app.get("/v1/balance", Some(&key)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let merchant = me.body["merchant"].as_str().unwrap_or_default().to_owned();
    Shop { key, product, merchant, owner: owner.to_owned() }
}

/// A buyer with a saved card; returns (token, card id).
async fn buyer(app: &TestApp, email: &str) -> (String, String) {
    let token = app.buyer(email).await;
    let card = app.save_card(&token, "4242424242424242").await;
    (token, card)
}

/// An order of one product paid by card and shipped (captured); returns its id.
async fn sale(app: &TestApp, shop: &Shop, buyer: &(String, String)) -> String {
    let order = app.new_order(&buyer.0, &shop.product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer.0),
            json!({ "payment_method": { "type": "card", "card": buyer.1 } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let shipped = app
        .post(
            &format!("/v1/orders/{order}/ship"),
            Some(&shop.key),
            json!({ "carrier": "UPS", "tracking_number": "1Z" }),
        )
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);
    order
}

/// The order is delivered and the buyer confirms receipt: its sale is the seller's.
async fn complete(app: &TestApp, shop: &Shop, buyer: &(String, String), order: &str) {
    let d = app.post(&format!("/v1/orders/{order}/deliver"), Some(&shop.key), json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let c = app.post(&format!("/v1/orders/{order}/confirm_receipt"), Some(&buyer.0), json!({})).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
}

async fn advance(app: &TestApp, seconds: i64) {
    let moved = app.post("/v1/test/clock", None, json!({ "advance_seconds": seconds })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
}

/// (available, pending, reserved) in USD.
async fn balance(app: &TestApp, key: &str) -> (i64, i64, i64) {
    let b = app.get("/v1/balance", Some(key)).await;
    let pick = |bucket: &str| b.body[bucket][0]["amount"].as_i64().unwrap_or(0);
    (pick("available"), pick("pending"), pick("reserved"))
}

async fn bank_account(app: &TestApp, key: &str, number: &str) -> String {
    let b = app
        .post(
            "/v1/payout_destinations",
            Some(key),
            json!({ "country": "US", "currency": "USD", "account_holder_name": "Lamp Shop LLC",
                    "account_number": number, "routing_number": "110000000", "default": true }),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
    assert!(!b.body.to_string().contains(number), "the number is never shown: {}", b.body);
    b.body["id"].as_str().unwrap_or_default().to_owned()
}

async fn manual_payouts(app: &TestApp, shop: &Shop) {
    let m = app
        .call(
            reqwest::Method::PATCH,
            &format!("/v1/merchants/{}", shop.merchant),
            Some(&shop.key),
            None,
            Some(json!({ "payout_schedule": { "interval": "manual" } })),
        )
        .await;
    assert_eq!(m.body["payout_schedule"]["interval"], "manual", "{}", m.body);
}

async fn transactions(app: &TestApp, key: &str, query: &str) -> Vec<Value> {
    let list = app.get(&format!("/v1/balance_transactions?limit=100{query}"), Some(key)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body["data"].as_array().cloned().unwrap_or_default()
}

async fn payouts(app: &TestApp, key: &str) -> Vec<Value> {
    app.get("/v1/payouts?limit=100", Some(key)).await.body["data"].as_array().cloned().unwrap_or_default()
}

fn sum(rows: &[Value], field: &str) -> i64 {
    rows.iter().map(|r| r[field].as_i64().unwrap_or(0)).sum()
}

#[tokio::test]
async fn a_sale_is_pending_then_available_then_paid_out_on_the_daily_schedule() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "lamps@example.com", 10_000).await;
    let buyer = buyer(&app, "ada@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    // The fee (5 % by default) is taken at capture; the net is pending.
    let rows = transactions(&app, &shop.key, "").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0]["type"].as_str(), rows[0]["amount"].as_i64(), rows[0]["fee"].as_i64(), rows[0]["net"].as_i64()),
        (Some("charge"), Some(10_000), Some(500), Some(9_500))
    );
    assert_eq!(rows[0]["status"], "pending");
    assert_eq!(balance(&app, &shop.key).await, (0, 9_500, 0));
    bank_account(&app, &shop.key, "000123456789").await;
    // Nothing is paid out while the buyer may still claim.
    advance(&app, DAY).await;
    assert!(payouts(&app, &shop.key).await.is_empty());
    // Receipt confirmed: available, and the daily schedule pays it out on the next run.
    complete(&app, &shop, &buyer, &order).await;
    advance(&app, 1).await;
    let list = payouts(&app, &shop.key).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let payout = &list[0];
    assert_eq!((payout["amount"].as_i64(), payout["automatic"].as_bool()), (Some(9_500), Some(true)));
    assert_eq!(payout["status"], "in_transit", "{payout}");
    assert_eq!(balance(&app, &shop.key).await, (0, 0, 0));
    // Two business days later (at most four calendar days), it has arrived.
    advance(&app, 4 * DAY + 1).await;
    let id = payout["id"].as_str().unwrap_or_default();
    let arrived = app.get(&format!("/v1/payouts/{id}"), Some(&shop.key)).await;
    assert_eq!(arrived.body["status"], "paid", "{}", arrived.body);
    // Its reconciliation: what it paid out sums to it.
    let paid_out = app.get(&format!("/v1/payouts/{id}/transactions?limit=100"), Some(&shop.key)).await;
    let rows = paid_out.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(sum(&rows, "net"), 9_500, "{rows:?}");
    assert_eq!(rows[0]["type"], "charge");
    // No second payout of the same money on later days.
    advance(&app, 2 * DAY).await;
    assert_eq!(payouts(&app, &shop.key).await.len(), 1);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn an_undelivered_sale_waits_for_the_claim_window_and_a_claim_reserves_its_amount() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "claims-shop@example.com", 4_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000123456789").await;
    let buyer = buyer(&app, "claimer@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    let d = app.post(&format!("/v1/orders/{order}/deliver"), Some(&shop.key), json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    // A claim reserves its amount out of the pending sale.
    let token = app.login("claimer@example.com", common::PASSWORD).await;
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&token),
            json!({ "reason": "damaged", "amount": 1_000, "description": "The shade is cracked." }),
        )
        .await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.body);
    assert_eq!(balance(&app, &shop.key).await, (0, 2_800, 1_000));
    // The seller rejects it, the buyer asks the platform to decide: it still reserves.
    let cid = claim.body["id"].as_str().unwrap_or_default().to_owned();
    let rejected = app
        .post(
            &format!("/v1/claims/{cid}/respond"),
            Some(&shop.key),
            json!({ "action": "reject", "message": "It left intact." }),
        )
        .await;
    assert_eq!(rejected.body["status"], "rejected", "{}", rejected.body);
    let escalated = app.post(&format!("/v1/claims/{cid}/escalate"), Some(&token), json!({})).await;
    assert_eq!(escalated.body["status"], "under_review", "{}", escalated.body);
    // The claim window closes 20 days after delivery: the sale is available, the claim still reserves.
    advance(&app, 20 * DAY + 1).await;
    assert_eq!(balance(&app, &shop.key).await, (2_800, 0, 1_000));
    // More than available is refused; all of it is paid.
    let too_much = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 2_801, "currency": "USD" })).await;
    too_much.assert_error(400, "invalid_request_error", "insufficient_available_balance");
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 2_800, "currency": "USD" })).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    assert_eq!(balance(&app, &shop.key).await, (0, 0, 1_000));
    // An operator decides for the buyer: the reserve is released, the claim refund (its fee share
    // of 0.50 returned) taken from it.
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let resolved = app
        .post(
            &format!("/v1/claims/{cid}/resolve"),
            Some(&operator),
            json!({ "outcome": "buyer", "refund_amount": 1_000 }),
        )
        .await;
    assert_eq!(resolved.body["status"], "resolved", "{}", resolved.body);
    let rows = transactions(&app, &shop.key, "&type=claim_refund").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0]["amount"].as_i64(), rows[0]["fee"].as_i64()), (Some(-1_000), Some(-50)));
    assert_eq!(balance(&app, &shop.key).await, (50, 0, 0));
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn each_failing_bank_account_returns_the_money_and_tells_the_seller() {
    let app = TestApp::spawn().await;
    let buyer = buyer(&app, "many@example.com").await;
    for (number, code, disabled) in [
        ("000111111113", "account_closed", true),
        ("000222222227", "no_account", true),
        ("000333333335", "unsupported_currency", false),
        ("000444444440", "account_frozen", false),
    ] {
        // Sessions last 7 days and the clock moves 4 a round: the buyer signs in again.
        let buyer = (app.login("many@example.com", common::PASSWORD).await, buyer.1.clone());
        let owner = format!("shop-{code}@example.com");
        let shop = shop(&app, &owner, 2_000).await;
        manual_payouts(&app, &shop).await;
        let destination = bank_account(&app, &shop.key, number).await;
        let order = sale(&app, &shop, &buyer).await;
        complete(&app, &shop, &buyer, &order).await;
        advance(&app, 1).await;
        assert_eq!(balance(&app, &shop.key).await, (1_900, 0, 0), "{code}");
        let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 1_900, "currency": "USD" })).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        assert_eq!(p.body["status"], "pending");
        let id = p.body["id"].as_str().unwrap_or_default().to_owned();
        advance(&app, 1).await;
        assert_eq!(app.get(&format!("/v1/payouts/{id}"), Some(&shop.key)).await.body["status"], "in_transit", "{code}");
        advance(&app, 4 * DAY + 1).await;
        let failed = app.get(&format!("/v1/payouts/{id}"), Some(&shop.key)).await;
        assert_eq!(
            (failed.body["status"].as_str(), failed.body["failure_code"].as_str()),
            (Some("failed"), Some(code))
        );
        assert!(failed.body["failure_message"].as_str().is_some_and(|m| !m.is_empty()));
        // The money is back, available, with a payout_failure line.
        assert_eq!(balance(&app, &shop.key).await, (1_900, 0, 0), "{code}");
        let back = transactions(&app, &shop.key, "&type=payout_failure").await;
        assert_eq!(back.len(), 1, "{code}");
        assert_eq!(back[0]["net"], 1_900);
        // The seller is told; a closed or unknown account is disabled.
        let inbox = app.get(&format!("/v1/test/inbox?to={}", shop.owner), None).await;
        assert!(inbox.body.to_string().contains("did not reach your bank"), "{code}: {}", inbox.body);
        let accounts = app.get("/v1/payout_destinations", Some(&shop.key)).await;
        let status =
            accounts.body["data"].as_array().and_then(|a| a.iter().find(|b| b["id"] == destination.as_str()).cloned());
        assert_eq!(status.map(|b| b["status"] == "disabled"), Some(disabled), "{code}");
    }
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn instant_and_lost_answers_settle_and_a_paused_seller_is_not_paid() {
    let app = TestApp::spawn().await;
    let buyer = buyer(&app, "fast@example.com").await;
    let instant = shop(&app, "instant@example.com", 3_000).await;
    manual_payouts(&app, &instant).await;
    bank_account(&app, &instant.key, "000111111116").await;
    let silent = shop(&app, "silent@example.com", 3_000).await;
    manual_payouts(&app, &silent).await;
    bank_account(&app, &silent.key, "000999999991").await;
    for s in [&instant, &silent] {
        let order = sale(&app, s, &buyer).await;
        complete(&app, s, &buyer, &order).await;
    }
    advance(&app, 1).await;
    let fast = app.post("/v1/payouts", Some(&instant.key), json!({ "amount": 2_850, "currency": "USD" })).await;
    let slow = app.post("/v1/payouts", Some(&silent.key), json!({ "amount": 2_850, "currency": "USD" })).await;
    advance(&app, 1).await;
    assert_eq!(status_of(&app, &instant.key, &fast.body).await, "paid");
    // The bank never answered: in transit, looked up until it settles as paid after 5 days.
    assert_eq!(status_of(&app, &silent.key, &slow.body).await, "in_transit");
    advance(&app, 3 * DAY).await;
    assert_eq!(status_of(&app, &silent.key, &slow.body).await, "in_transit");
    advance(&app, 2 * DAY + 1).await;
    assert_eq!(status_of(&app, &silent.key, &slow.body).await, "paid");
    // An operator pauses a seller: no payout by hand, none by schedule; the seller cannot resume.
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let path = format!("/v1/merchants/{}", instant.merchant);
    let resume = app
        .call(reqwest::Method::PATCH, &path, Some(&instant.key), None, Some(json!({ "payouts_paused": false })))
        .await;
    resume.assert_error(403, "authentication_error", "forbidden");
    let paused =
        app.call(reqwest::Method::PATCH, &path, Some(&operator), None, Some(json!({ "payouts_paused": true }))).await;
    assert_eq!(paused.body["payouts_paused"], true, "{}", paused.body);
    let order = sale(&app, &instant, &buyer).await;
    complete(&app, &instant, &buyer, &order).await;
    advance(&app, 1).await;
    app.post("/v1/payouts", Some(&instant.key), json!({ "amount": 100, "currency": "USD" })).await.assert_error(
        400,
        "invalid_request_error",
        "payouts_paused",
    );
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_refund_after_a_payout_goes_below_zero_and_the_next_sale_pays_it_back() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "negative@example.com", 10_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000123456789").await;
    let buyer = buyer(&app, "returner@example.com").await;
    let first = sale(&app, &shop, &buyer).await;
    complete(&app, &shop, &buyer, &first).await;
    advance(&app, 1).await;
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 9_500, "currency": "USD" })).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    // The buyer returns it after the payout: refunded at once, the seller's balance below zero.
    let refund =
        app.post(&format!("/v1/orders/{first}/refunds"), Some(&shop.key), json!({ "reason": "returned" })).await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    assert_eq!(balance(&app, &shop.key).await, (-9_500, 0, 0));
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let negative = app.get("/v1/balances?negative=true", Some(&operator)).await;
    assert!(
        negative.body["data"]
            .as_array()
            .is_some_and(|d| d.iter().any(|b| b["merchant"] == shop.merchant.as_str() && b["amount"] == -9_500)),
        "{}",
        negative.body
    );
    // Nothing can be paid out; the next two sales pay the debt back first.
    app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 1, "currency": "USD" })).await.assert_error(
        400,
        "invalid_request_error",
        "insufficient_available_balance",
    );
    for _ in 0..2 {
        let order = sale(&app, &shop, &buyer).await;
        complete(&app, &shop, &buyer, &order).await;
    }
    advance(&app, 1).await;
    assert_eq!(balance(&app, &shop.key).await, (9_500, 0, 0));
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 9_500, "currency": "USD" })).await;
    let id = p.body["id"].as_str().unwrap_or_default();
    let paid_out = app.get(&format!("/v1/payouts/{id}/transactions?limit=100"), Some(&shop.key)).await;
    let rows = paid_out.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(sum(&rows, "net"), 9_500, "the refund and both sales: {rows:?}");
    assert_eq!(rows.len(), 3);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn fees_follow_the_schedule_and_come_back_in_proportion_at_odd_cents() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "odd@example.com", 999).await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    // Sellers cannot set fees.
    let path = format!("/v1/merchants/{}/fees", shop.merchant);
    app.put_json(&path, Some(&shop.key), json!({ "percent_bps": 0 })).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );
    app.put_json(&path, Some(&operator), json!({ "percent_bps": 10_001 })).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_invalid",
    );
    let buyer = buyer(&app, "odd-buyer@example.com").await;
    // 5 % of 9.99 is 0.4995: 0.50, rounded half-up.
    let order = sale(&app, &shop, &buyer).await;
    let charge = transactions(&app, &shop.key, "&type=charge").await;
    assert_eq!((charge[0]["fee"].as_i64(), charge[0]["net"].as_i64()), (Some(50), Some(949)));
    // Three refunds of 3.33: the fee comes back as 0.17, 0.16, 0.17 (cumulative rounding), never more than 0.50.
    for _ in 0..3 {
        let r = app
            .post(&format!("/v1/orders/{order}/refunds"), Some(&shop.key), json!({ "amount": 333, "reason": "part" }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let refunds = transactions(&app, &shop.key, "&type=refund").await;
    let mut fees: Vec<i64> = refunds.iter().rev().map(|r| r["fee"].as_i64().unwrap_or(0)).collect();
    assert_eq!(fees, vec![-17, -16, -17]);
    fees.push(50);
    assert_eq!(fees.iter().sum::<i64>(), 0);
    assert_eq!(balance(&app, &shop.key).await.1, 0, "everything refunded, fee included");
    // An operator's schedule: 2.9 % + 0.30.
    let set = app
        .put_json(&path, Some(&operator), json!({ "percent_bps": 290, "fixed_amount": 30, "currency": "USD" }))
        .await;
    assert_eq!(
        (set.body["percent_bps"].as_i64(), set.body["default"].as_bool()),
        (Some(290), Some(false)),
        "{}",
        set.body
    );
    sale(&app, &shop, &buyer).await;
    let charge = transactions(&app, &shop.key, "&type=charge").await;
    // 2.9 % of 9.99 = 0.28971 → 0.29, plus 0.30.
    assert_eq!(charge[0]["fee"], 59);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn two_payouts_at_once_never_exceed_the_available_balance() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "race@example.com", 10_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000123456789").await;
    let buyer = buyer(&app, "racer@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    complete(&app, &shop, &buyer, &order).await;
    advance(&app, 1).await;
    for round in 0..3 {
        let body = json!({ "amount": if round == 0 { 6_000 } else { 1 }, "currency": "USD" });
        let (a, b) = tokio::join!(
            app.post("/v1/payouts", Some(&shop.key), body.clone()),
            app.post("/v1/payouts", Some(&shop.key), body.clone())
        );
        if round == 0 {
            let statuses = [a.status, b.status];
            assert!(
                statuses.contains(&StatusCode::CREATED) && statuses.contains(&StatusCode::BAD_REQUEST),
                "{statuses:?}"
            );
        }
    }
    let total: i64 = payouts(&app, &shop.key).await.iter().map(|p| p["amount"].as_i64().unwrap_or(0)).sum();
    assert_eq!(total, 6_000 + 4, "6,000 once, then four 0.01 payouts");
    assert_eq!(balance(&app, &shop.key).await.0, 9_500 - total);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn a_payout_by_hand_racing_the_schedule_pays_the_money_once() {
    let app = TestApp::spawn_with(|c| c.worker_interval_ms = 3_600_000).await;
    let shop = shop(&app, "race-schedule@example.com", 10_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000123456789").await;
    let buyer = buyer(&app, "schedule-racer@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    complete(&app, &shop, &buyer, &order).await;
    advance(&app, 1).await;
    assert_eq!(balance(&app, &shop.key).await.0, 9_500);
    let daily = app
        .call(
            reqwest::Method::PATCH,
            &format!("/v1/merchants/{}", shop.merchant),
            Some(&shop.key),
            None,
            Some(json!({ "payout_schedule": { "interval": "daily" } })),
        )
        .await;
    assert_eq!(daily.body["payout_schedule"]["interval"], "daily", "{}", daily.body);
    // The schedule's job (run by the clock) and the seller's request, at once, for all of it.
    let (_, by_hand) = tokio::join!(
        advance(&app, 1),
        app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 9_500, "currency": "USD" }))
    );
    let list = payouts(&app, &shop.key).await;
    let total: i64 = list.iter().map(|p| p["amount"].as_i64().unwrap_or(0)).sum();
    assert_eq!((list.len(), total), (1, 9_500), "one payout of everything: {list:?}");
    let automatic = list[0]["automatic"] == true;
    assert_eq!(by_hand.status == StatusCode::CREATED, !automatic, "{}", by_hand.body);
    assert_eq!(balance(&app, &shop.key).await.0, 0);
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn the_csv_report_has_every_transaction_type_row_by_row() {
    // Jobs run only when the test clock moves, so a payout waits, pending, until then (and can be canceled).
    let app = TestApp::spawn_with(|c| c.worker_interval_ms = 3_600_000).await;
    let shop = shop(&app, "csv@example.com", 5_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000111111113").await;
    let buyer = buyer(&app, "csv-buyer@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    complete(&app, &shop, &buyer, &order).await;
    advance(&app, 1).await;
    let refund = app
        .post(
            &format!("/v1/orders/{order}/refunds"),
            Some(&shop.key),
            json!({ "amount": 1_000, "reason": "dent, small" }),
        )
        .await;
    assert_eq!(refund.status, StatusCode::CREATED, "{}", refund.body);
    // A second sale, delivered, with a claim the seller accepts: a claim refund, pending with its sale.
    let second = sale(&app, &shop, &buyer).await;
    let d = app.post(&format!("/v1/orders/{second}/deliver"), Some(&shop.key), json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let claim = app
        .post(
            &format!("/v1/orders/{second}/claims"),
            Some(&buyer.0),
            json!({ "reason": "damaged", "amount": 500, "description": "Bent handle." }),
        )
        .await;
    let cid = claim.body["id"].as_str().unwrap_or_default();
    let accepted = app
        .post(&format!("/v1/claims/{cid}/respond"), Some(&shop.key), json!({ "action": "accept", "message": "Sorry" }))
        .await;
    assert_eq!(accepted.body["status"], "resolved", "{}", accepted.body);
    // 47.50 − 9.50 = 38.00 available: 20.00 paid out and canceled before it was sent (18.00 carried).
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 2_000, "currency": "USD" })).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let canceled = app
        .post(&format!("/v1/payouts/{}/cancel", p.body["id"].as_str().unwrap_or_default()), Some(&shop.key), json!({}))
        .await;
    assert_eq!(canceled.body["status"], "canceled", "{}", canceled.body);
    // 20.00 again; it fails (a closed account) and comes back.
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 2_000, "currency": "USD" })).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    advance(&app, 1).await;
    advance(&app, 5 * DAY).await;
    let csv = app
        .client
        .get(format!("{}/v1/reports/balance_transactions.csv", app.base))
        .bearer_auth(&shop.key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(csv.status(), StatusCode::OK);
    let content_type = csv.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let text = csv.text().await.unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,created,available_on,merchant,type,status,currency,amount,fee,net,source,payout,description"
    );
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| split_csv(l)).collect();
    let expected: Vec<(&str, i64, i64, i64)> = vec![
        ("charge", 5_000, 250, 4_750),
        ("refund", -1_000, -50, -950),
        ("charge", 5_000, 250, 4_750),
        ("claim_refund", -500, -25, -475),
        ("adjustment", -1_800, 0, -1_800),
        ("adjustment", 1_800, 0, 1_800),
        ("payout", -2_000, 0, -2_000),
        ("payout_cancel", 2_000, 0, 2_000),
        ("adjustment", -1_800, 0, -1_800),
        ("adjustment", 1_800, 0, 1_800),
        ("payout", -2_000, 0, -2_000),
        ("payout_failure", 2_000, 0, 2_000),
    ];
    assert_eq!(rows.len(), expected.len(), "{text}");
    for (row, (kind, amount, fee, net)) in rows.iter().zip(&expected) {
        assert_eq!(row.len(), 13, "{row:?}");
        assert_eq!((row[4], row[6]), (*kind, "USD"), "{row:?}");
        let numbers: Vec<i64> = row[7..10].iter().map(|v| v.parse().unwrap_or(i64::MIN)).collect();
        assert_eq!(numbers, vec![*amount, *fee, *net], "{row:?}");
        assert_eq!(row[3], shop.merchant);
    }
    // The refund's description kept its comma inside quotes; a buyer cannot read the report.
    assert!(text.contains("Refund of order"));
    let denied = app.get("/v1/reports/balance_transactions.csv", Some(&buyer.0)).await;
    denied.assert_error(403, "authentication_error", "forbidden");
    app.assert_ledger_balanced().await;
}

/// Splits one CSV line (fields may be quoted, with doubled quotes inside).
fn split_csv(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push(line[start..i].trim_matches('"'));
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(line[start..].trim_matches('"'));
    fields
}

#[tokio::test]
async fn bank_accounts_are_checked_sealed_and_removable() {
    let app = TestApp::spawn().await;
    let shop = shop(&app, "banks@example.com", 1_000).await;
    let add = |body: Value| app.post("/v1/payout_destinations", Some(&shop.key), body);
    let us = |account: &str, routing: &str| json!({ "country": "US", "currency": "USD", "account_holder_name": "Banks", "account_number": account, "routing_number": routing });
    add(us("000123456789", "123456789")).await.assert_error(400, "invalid_request_error", "routing_number_invalid");
    add(us("12", "110000000")).await.assert_error(400, "invalid_request_error", "account_number_invalid");
    add(json!({ "country": "DE", "currency": "EUR", "account_holder_name": "Banks", "iban": "DE89 3704 0044 0532 0130 01" }))
        .await
        .assert_error(400, "invalid_request_error", "iban_invalid");
    let iban = add(json!({ "country": "DE", "currency": "EUR", "account_holder_name": "Banks", "iban": "DE89 3704 0044 0532 0130 00" })).await;
    assert_eq!(
        (iban.status, iban.body["last4"].as_str(), iban.body["default"].as_bool()),
        (StatusCode::CREATED, Some("3000"), Some(true))
    );
    let first = bank_account(&app, &shop.key, "000123456789").await;
    add(us("000123456789", "110000000")).await.assert_error(409, "invalid_request_error", "bank_account_exists");
    // The database holds the numbers sealed only.
    let raw =
        store::rows_for_tests(&app.dir.join("pocketpay.db"), "SELECT last4, length(sealed) FROM bank_accounts", &[])
            .unwrap_or_default();
    assert_eq!(raw.len(), 2);
    let list = app.get("/v1/payout_destinations", Some(&shop.key)).await;
    assert!(!list.body.to_string().contains("000123456789") && !list.body.to_string().contains("370400440532013000"));
    let removed = app
        .call(reqwest::Method::DELETE, &format!("/v1/payout_destinations/{first}"), Some(&shop.key), None, None)
        .await;
    assert_eq!(removed.body["deleted"], true, "{}", removed.body);
    let left = app.get("/v1/payout_destinations", Some(&shop.key)).await;
    assert_eq!(left.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(left.body["data"][0]["default"], true, "the remaining account became the default");
    // A seller cannot see another seller's payouts or balance transactions.
    let other = shop_key(&app).await;
    app.get(&format!("/v1/payout_destinations/{first}"), Some(&other)).await;
    assert!(app.get("/v1/balance_transactions", Some(&other)).await.body["data"].as_array().is_some_and(Vec::is_empty));
}

async fn status_of(app: &TestApp, key: &str, payout: &Value) -> Value {
    let path = format!("/v1/payouts/{}", payout["id"].as_str().unwrap_or_default());
    app.get(&path, Some(key)).await.body["status"].clone()
}

async fn shop_key(app: &TestApp) -> String {
    app.seller("other-shop@example.com", "Other", "Thing", 100).await.0
}

#[tokio::test]
async fn the_checker_finds_sellers_money_that_does_not_add_up() {
    let app = TestApp::spawn_with(|c| c.worker_interval_ms = 3_600_000).await;
    let shop = shop(&app, "tampered@example.com", 10_000).await;
    manual_payouts(&app, &shop).await;
    bank_account(&app, &shop.key, "000123456789").await;
    let buyer = buyer(&app, "tamper-buyer@example.com").await;
    let order = sale(&app, &shop, &buyer).await;
    complete(&app, &shop, &buyer, &order).await;
    advance(&app, 1).await;
    let p = app.post("/v1/payouts", Some(&shop.key), json!({ "amount": 4_000, "currency": "USD" })).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    app.assert_ledger_balanced().await;
    let operator = app.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let problems = |report: &Value| -> Vec<String> {
        report["problems"]
            .as_array()
            .map(|a| a.iter().map(|p| p["detail"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default()
    };
    let tamper = |sql: &str| {
        store::tamper_for_tests(&app.dir.join("pocketpay.db"), sql).unwrap_or_else(|e| panic!("tamper: {e}"))
    };
    // A fee returned beyond the fee taken, and a net that is not amount less fee.
    tamper("UPDATE balance_transactions SET fee = -600, net = -9000 WHERE type = 'charge'");
    let report = app.get("/v1/ledger/verify", Some(&operator)).await.body;
    assert_eq!(report["balanced"], false);
    let found = problems(&report);
    assert!(found.iter().any(|d| d.contains("fees returned")), "{found:?}");
    assert!(found.iter().any(|d| d.contains("net is not amount less fee")), "{found:?}");
    assert!(found.iter().any(|d| d.contains("the payable account holds")), "{found:?}");
    tamper("UPDATE balance_transactions SET fee = 500, net = 9500 WHERE type = 'charge'");
    app.assert_ledger_balanced().await;
    // A payout that took more than was available (its carried part turned positive).
    tamper("UPDATE balance_transactions SET amount = -amount, net = -net WHERE type = 'adjustment'");
    let found = problems(&app.get("/v1/ledger/verify", Some(&operator)).await.body);
    assert!(found.iter().any(|d| d.contains("more than was available")), "{found:?}");
    assert!(found.iter().any(|d| d.contains("its balance transactions sum to")), "{found:?}");
}
