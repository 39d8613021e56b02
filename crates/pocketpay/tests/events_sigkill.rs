//! Events under a SIGKILL: buyers order, pay and get shipped without pause while the server is
//! killed; after the restart (and the healers), every committed change has exactly one event and
//! no event reports a change that did not commit.

#[path = "../../server/tests/common/mod.rs"]
mod common;
mod support;

use std::time::Duration;

use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_committed_change_has_exactly_one_event_after_a_sigkill() {
    let dir = std::env::temp_dir().join(format!(
        "pocketpay-events-kill-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let env = [
        ("POCKETPAY_DATABASE_URL", store::test_database_url(&dir).unwrap_or_default()),
        ("POCKETPAY_VELOCITY_COUNT_MAX", "100000".to_owned()),
    ];
    let mut first = support::serve(&dir, "first", &env).unwrap_or_else(|e| panic!("{e}"));
    let base = first.app.base.clone();
    let app = common::TestApp::at(base.clone(), dir.clone());
    let (key, product) = app.seller("events-kill@example.com", "Kill", "Lamp", 1_000).await;
    let mut buyers = Vec::new();
    for n in 0..4 {
        let token = app.buyer(&format!("kill-buyer-{n}@example.com")).await;
        let card = app.save_card(&token, "4242424242424242").await;
        buyers.push((token, card));
    }
    let mut load = Vec::new();
    for (token, card) in buyers {
        let (base, key, product) = (base.clone(), key.clone(), product.clone());
        load.push(tokio::spawn(async move {
            // Until the server is gone: order, pay, ship, each request on its own.
            for _ in 0..10_000 {
                let Some(o) = try_post(
                    &base,
                    "/v1/orders",
                    &token,
                    json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": common::address() }),
                )
                .await
                else {
                    return;
                };
                let Some(order) = o["id"].as_str().map(str::to_owned) else { continue };
                let body = json!({ "payment_method": { "type": "card", "card": card } });
                if try_post(&base, &format!("/v1/orders/{order}/pay"), &token, body).await.is_none() {
                    return;
                }
                let ship = json!({ "carrier": "UPS", "tracking_number": "1Z" });
                if try_post(&base, &format!("/v1/orders/{order}/ship"), &key, ship).await.is_none() {
                    return;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let _ = first.child.kill();
    let _ = first.child.wait();
    for task in load {
        let _ = task.await;
    }
    // Restarted: the healers settle what the kill left open.
    let second = support::serve(&dir, "second", &env).unwrap_or_else(|e| panic!("{e}"));
    let moved = second.app.post("/v1/test/clock", None, json!({ "advance_seconds": 180 })).await;
    assert_eq!(moved.status, reqwest::StatusCode::OK, "{}", moved.body);
    let db = dir.join("pocketpay.db");
    let count = |sql: &str| -> i64 {
        let rows = store::rows_for_tests(&db, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.first().and_then(|r| r[0].as_deref()).and_then(|t| t.parse().ok()).unwrap_or(-1)
    };
    let orders = count("SELECT count(*) FROM orders");
    let shipped = count("SELECT count(*) FROM orders WHERE shipped_at IS NOT NULL");
    assert!(orders > 10 && shipped > 5, "load ran: {orders} orders, {shipped} shipped");
    let once = |kind: &str, objects: &str| {
        let sql = format!(
            "SELECT count(*) FROM ({objects}) o
              WHERE (SELECT count(*) FROM events e WHERE e.type = '{kind}' AND e.data LIKE '%\"id\":\"' || o.id || '\"%') != 1"
        );
        assert_eq!(count(&sql), 0, "an object without exactly one {kind} event");
    };
    once("order.created", "SELECT id FROM orders");
    once("order.shipped", "SELECT id FROM orders WHERE shipped_at IS NOT NULL");
    once("payment.captured", "SELECT id FROM payments WHERE status = 'succeeded'");
    once("payment.authorized", "SELECT id FROM payments WHERE status IN ('requires_capture', 'succeeded')");
    // No event reports a change that did not commit: each names an object that exists in that state.
    let orphans = count(
        "SELECT count(*) FROM events e WHERE e.type = 'order.shipped'
            AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.shipped_at IS NOT NULL AND e.data LIKE '%\"id\":\"' || o.id || '\"%')",
    );
    assert_eq!(orphans, 0, "an order.shipped event of an order that did not ship");
    assert_eq!(count("SELECT count(*) FROM events WHERE type = 'order.created'"), orders);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `POST`; `None` when no answer came (the server is gone).
async fn try_post(base: &str, path: &str, token: &str, body: serde_json::Value) -> Option<serde_json::Value> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().ok()?;
    let answer = client.post(format!("{base}{path}")).bearer_auth(token).json(&body).send().await.ok()?;
    answer.json().await.ok().or(Some(serde_json::Value::Null))
}
