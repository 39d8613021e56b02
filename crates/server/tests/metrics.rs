//! Metrics are off unless asked for, and then served apart from the API, in the Prometheus text
//! format: requests by route template and status, the writer's batches, fsyncs and queue, the
//! outbox backlog, and payment attempts by outcome.

mod common;

use common::TestApp;
use reqwest::StatusCode;

/// The value of the one series whose line starts with `prefix` (name and labels).
fn value(text: &str, prefix: &str) -> f64 {
    let line = text.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} in:\n{text}"));
    line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no value in {line}"))
}

#[tokio::test]
async fn metrics_count_routes_batches_backlog_and_payments_on_their_own_listener() {
    let app = TestApp::spawn_with(|c| c.metrics = true).await;
    let base = app.metrics_base.clone().unwrap_or_else(|| panic!("no metrics listener"));
    let (key, product) = app.seller("metrics-shop@example.com", "Metered", "Clock", 2500).await;
    let buyer = app.buyer("metered@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    for _ in 0..2 {
        let order = app.new_order(&buyer, &product).await;
        let paid = app.pay_with_card(&buyer, &order, &card).await;
        assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    }
    let declined_card = app.save_card(&buyer, "4000000000009995").await;
    let order = app.new_order(&buyer, &product).await;
    let declined = app.pay_with_card(&buyer, &order, &declined_card).await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    app.get("/v1/orders/ord_nothing", Some(&key)).await;
    app.get("/v1/no-such-thing", None).await;

    let scraped = reqwest::get(format!("{base}/metrics")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scraped.status(), StatusCode::OK);
    let kind = scraped.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = scraped.text().await.unwrap_or_default();

    // By route template, never by id; unknown paths in one series.
    let pay = r#"pocketpay_http_requests_total{route="/v1/orders/{id}/pay",method="POST",status="#;
    assert_eq!(value(&text, &format!(r#"{pay}"200"}}"#)), 2.0);
    assert_eq!(value(&text, &format!(r#"{pay}"402"}}"#)), 1.0);
    assert_eq!(
        value(&text, r#"pocketpay_http_requests_total{route="/v1/orders/{id}",method="GET",status="404"}"#),
        1.0
    );
    assert!(value(&text, r#"pocketpay_http_requests_total{route="unmatched",method="GET",status="404"}"#) >= 1.0);
    assert!(!text.contains("ord_nothing") && !text.contains("no-such-thing"));
    assert!(
        value(&text, r#"pocketpay_http_request_duration_seconds_count{route="/v1/orders/{id}/pay",method="POST"}"#)
            >= 3.0
    );

    // The writer: batches committed (and, on SQLite, their fsyncs) and the queue.
    assert!(value(&text, "pocketpay_store_batch_commands_count") >= 10.0);
    assert!(value(&text, "pocketpay_store_batch_seconds_count") >= 10.0);
    if std::env::var("POCKETPAY_TEST_DATABASE_URL").is_err() {
        assert!(value(&text, "pocketpay_store_fsync_seconds_count") >= 1.0);
    }
    // Background writes (the workers, a key's "last used") may be queued at the moment of the scrape.
    let depth = value(&text, "pocketpay_store_writer_queue_depth");
    assert!(depth >= 0.0 && depth.fract() == 0.0, "queue depth {depth}");

    // What waits to be sent, and payments by outcome.
    assert!(value(&text, r#"pocketpay_outbox_backlog{queue="messages"}"#) >= 0.0);
    assert!(text.contains(r#"pocketpay_outbox_backlog{queue="webhook_deliveries"}"#));
    assert_eq!(value(&text, r#"pocketpay_payment_attempts_total{method="card",outcome="authorized"}"#), 2.0);
    assert_eq!(value(&text, r#"pocketpay_payment_attempts_total{method="card",outcome="declined"}"#), 1.0);

    // Nothing secret in them: no key, no card number, no email.
    for secret in [key.as_str(), "4242424242424242", "metered@example.com", buyer.as_str()] {
        assert!(!text.contains(secret));
    }
    // And not on the public address.
    app.get("/metrics", None).await.assert_error(404, "invalid_request_error", "resource_missing");
}

#[tokio::test]
async fn without_the_setting_there_are_no_metrics() {
    let app = TestApp::spawn().await;
    assert!(app.metrics_base.is_none());
    app.get("/metrics", None).await.assert_error(404, "invalid_request_error", "resource_missing");
}
