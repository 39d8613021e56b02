//! Two `pocketpay serve` processes on one database behave as one server.
//!
//! On PostgreSQL (`POCKETPAY_TEST_DATABASE_URL` set) both processes share a database and a data
//! directory (the secret, the vault's keys and the test issuer, which stands for one outside bank),
//! and every competing request goes to both. On SQLite the second process must be refused: one
//! process owns the file.

#[path = "../../server/tests/common/mod.rs"]
mod common;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{address, new_card, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::Process;

/// The jobs' lease in this test: short, so a takeover is seen within seconds.
const LEASE_TTL_MS: i64 = 2_000;

/// Starts `pocketpay serve` on `dir` (and the test's PostgreSQL database, if any); the process's
/// message if it refused to start.
fn start(dir: &Path, name: &str) -> Result<Process, String> {
    let env = [
        ("POCKETPAY_DATABASE_URL", store::test_database_url(dir).unwrap_or_default()),
        ("POCKETPAY_VELOCITY_COUNT_MAX", "100000".to_owned()),
        ("POCKETPAY_STEP_UP_AMOUNT_MINOR", "50000".to_owned()),
        // Codes by amount (ours) and by the bank's demand (a test card), not for every new card.
        ("POCKETPAY_STEP_UP_NEW_CARDS", "0".to_owned()),
        ("POCKETPAY_JOBS_LEASE_TTL_MS", LEASE_TTL_MS.to_string()),
    ];
    support::serve(dir, name, &env)
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pocketpay-processes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

async fn pocket_available(app: &TestApp, token: &str) -> i64 {
    app.get("/v1/pocket", Some(token)).await.body["balances"][0]["available"].as_i64().unwrap_or(-1)
}

fn lease_holder(dir: &Path) -> Option<String> {
    let rows = store::rows_for_tests(&dir.join("pocketpay.db"), "SELECT holder FROM job_leases", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    rows.first().and_then(|r| r[0].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_behave_as_one_server() {
    let dir = temp_dir();
    let first = start(&dir, "a").unwrap_or_else(|log| panic!("the first process did not start: {log}"));
    let second = start(&dir, "b");
    if store::test_database_url(&dir).is_none() {
        // SQLite: the file has one owner; a second process is refused with a clear message.
        let log = second.err().unwrap_or_else(|| panic!("a second process opened the SQLite file"));
        assert!(log.contains("in use by another Pocketpay process"), "{log}");
        first.app.assert_ledger_balanced().await;
        return;
    }
    let second = second.unwrap_or_else(|log| panic!("the second process did not start: {log}"));
    let (a, b) = (&first.app, &second.app);
    let both = [a, b];

    // A seller in one process, the buyers in the other: one system.
    let (key, product) = a.seller("shop@example.com", "Shop", "Thing", 2000).await;

    // 1. 500 Pocket spends of 20.00 at once against 50.00, split over both processes: exactly two
    //    succeed, the balance never goes below zero.
    let spender = b.buyer("spender@example.com").await;
    let load = b
        .post(
            "/v1/gift_cards/purchase",
            Some(&spender),
            json!({ "currency": "USD", "items": [{ "denomination": 5000, "quantity": 1 }],
                "payment_method": new_card("5555555555554444") }),
        )
        .await;
    assert_eq!(load.status, StatusCode::CREATED, "{}", load.body);
    let mut orders = Vec::new();
    for i in 0..500 {
        orders.push(both[i % 2].new_order(&spender, &product).await);
    }
    let pays = orders.iter().enumerate().map(|(i, order)| {
        let app = both[i % 2];
        let spender = spender.clone();
        let path = format!("/v1/orders/{order}/pay");
        async move { app.post(&path, Some(&spender), json!({ "payment_method": { "type": "pocket" } })).await }
    });
    let answers = futures_join_all(pays).await;
    let paid = answers.iter().filter(|a| a.body["status"] == "requires_capture").count();
    for answer in &answers {
        assert!(answer.status.as_u16() < 500, "a 5xx: {}", answer.body);
    }
    assert_eq!(paid, 2, "two spends of 20.00 fit in 50.00");
    assert_eq!(pocket_available(a, &spender).await, 1000);
    assert_eq!(pocket_available(b, &spender).await, 1000);

    // 2. One order paid with a saved card through both processes at once: one authorization.
    let carded = a.buyer("carded@example.com").await;
    let card = a.save_card(&carded, "4242424242424242").await;
    let order = a.new_order(&carded, &product).await;
    let path = format!("/v1/orders/{order}/pay");
    let body = json!({ "payment_method": { "type": "card", "card": card } });
    let attempts = (0..10).map(|i| {
        let (app, path, body, carded) = (both[i % 2], path.clone(), body.clone(), carded.clone());
        async move { app.post(&path, Some(&carded), body).await }
    });
    let answers = futures_join_all(attempts).await;
    let authorized = answers.iter().filter(|a| a.body["status"] == "requires_capture").count();
    assert_eq!(authorized, 1, "{:?}", answers.iter().map(|a| a.body.to_string()).collect::<Vec<_>>());
    for answer in &answers {
        assert!(answer.status.as_u16() < 500, "a 5xx: {}", answer.body);
    }
    let shipped = b
        .post(&format!("/v1/orders/{order}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);
    // The same for a cart of two orders: one pay wins, and each process ships one order's part.
    let (other_key, other) = a.seller("second-shop@example.com", "Second", "Mug", 1_500).await;
    let items = json!([{ "product": product, "quantity": 1 }, { "product": other, "quantity": 1 }]);
    let cart = a.post("/v1/checkouts", Some(&carded), json!({ "items": items, "shipping_address": address() })).await;
    assert_eq!(cart.status.as_u16(), 201, "{}", cart.body);
    let path = format!("/v1/checkouts/{}/pay", cart.body["id"].as_str().unwrap_or_default());
    let attempts = (0..10).map(|i| {
        let (app, path, body, carded) = (both[i % 2], path.clone(), body.clone(), carded.clone());
        async move { app.post(&path, Some(&carded), body).await }
    });
    let answers = futures_join_all(attempts).await;
    let paid: Vec<&Value> = answers.iter().map(|a| &a.body).filter(|b| b["status"] == "requires_capture").collect();
    assert_eq!(paid.len(), 1, "{:?}", answers.iter().map(|a| a.body.to_string()).collect::<Vec<_>>());
    for (part, app) in both.iter().enumerate() {
        let order = paid[0]["orders"][part]["order"].as_str().unwrap_or_default();
        let ship = json!({ "carrier": "UPS", "tracking_number": "1Z" });
        let seller = if paid[0]["orders"][part]["merchant"] == shipped.body["merchant"] { &key } else { &other_key };
        let part_shipped = app.post(&format!("/v1/orders/{order}/ship"), Some(seller), ship).await;
        assert_eq!(part_shipped.body["status"], "shipped", "{}", part_shipped.body);
    }

    // 3. One Idempotency-Key sent to both at once: one order, and both callers get it.
    let body = json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() });
    let (x, y) = tokio::join!(
        a.call(reqwest::Method::POST, "/v1/orders", Some(&carded), Some("same-key-both"), Some(body.clone())),
        b.call(reqwest::Method::POST, "/v1/orders", Some(&carded), Some("same-key-both"), Some(body.clone()))
    );
    assert_eq!(x.status, StatusCode::CREATED, "{}", x.body);
    assert_eq!(y.status, StatusCode::CREATED, "{}", y.body);
    assert_eq!(x.body["id"], y.body["id"], "both callers get the one order");

    // 4. One gift code redeemed at both processes at once: credited once.
    let giver = a.buyer("giver@example.com").await;
    let gift = a
        .post(
            "/v1/gift_cards/purchase",
            Some(&giver),
            json!({ "currency": "USD", "items": [{ "denomination": 5000, "quantity": 1 }],
                "payment_method": new_card("4242424242424242"), "gift": { "recipient_email": "both@example.com" } }),
        )
        .await;
    let code = gift.body["code"].as_str().unwrap_or_else(|| panic!("{}", gift.body)).to_owned();
    let ra_token = a.buyer("ra@example.com").await;
    let rb_token = b.buyer("rb@example.com").await;
    let (ra, rb) = tokio::join!(
        a.post("/v1/gift_cards/redeem", Some(&ra_token), json!({ "code": code })),
        b.post("/v1/gift_cards/redeem", Some(&rb_token), json!({ "code": code }))
    );
    let statuses = [ra.status.as_u16(), rb.status.as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&404), "{statuses:?}");
    assert_eq!(pocket_available(a, &ra_token).await.max(0) + pocket_available(b, &rb_token).await.max(0), 5000);

    // 5. A code sent by one process, verified at the other (a saved card, above the step-up amount).
    let (_, dear) = b.seller("dear@example.com", "Dear", "Dear thing", 60_000).await;
    let order = a.new_order(&carded, &dear).await;
    let asked = a
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&carded),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(asked.body["status"], "requires_action", "{}", asked.body);
    let payment = asked.body["id"].as_str().unwrap_or_default().to_owned();
    let code = b.inbox_code("carded@example.com").await;
    let verified = b.post(&format!("/v1/payments/{payment}/verify"), Some(&carded), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);

    // 5b. A card typed at checkout, above the step-up amount: the code is verified at the other
    //     process, which finds the card sealed in the database; once authorized, nothing of it is
    //     left there (PCI DSS 3.3.1).
    let typed = b.buyer("typed@example.com").await;
    let order = b.new_order(&typed, &dear).await;
    let asked = b
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&typed),
            json!({ "payment_method": new_card("5555555555554444") }),
        )
        .await;
    assert_eq!(asked.body["status"], "requires_action", "{}", asked.body);
    let payment = asked.body["id"].as_str().unwrap_or_default().to_owned();
    let kept = store::rows_for_tests(&dir.join("pocketpay.db"), "SELECT count(*) FROM checkout_cards", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept[0][0].as_deref(), Some("1"), "the typed card is kept, sealed, while the code is awaited");
    let code = a.inbox_code("typed@example.com").await;
    let verified = a.post(&format!("/v1/payments/{payment}/verify"), Some(&typed), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);
    let kept = store::rows_for_tests(&dir.join("pocketpay.db"), "SELECT count(*) FROM checkout_cards", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept[0][0].as_deref(), Some("0"), "erased once authorized");
    let url = store::test_database_url(&dir).unwrap_or_default();
    let dump = Command::new("pg_dump")
        .args(["--data-only", "--dbname", &url])
        .output()
        .unwrap_or_else(|e| panic!("pg_dump: {e}"));
    assert!(dump.status.success());
    for digits in ["5555555555554444", "55555555", "4242424242424242"] {
        assert!(!dump.stdout.windows(digits.len()).any(|w| w == digits.as_bytes()), "card digits in the database");
    }

    // 5b'. The same when the bank demands the code (a test card that always needs one), typed at
    //      checkout for a small amount.
    let demanding = b.buyer("demanding@example.com").await;
    let order = b.new_order(&demanding, &product).await;
    let asked = b
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&demanding),
            json!({ "payment_method": new_card("4000002760003184") }),
        )
        .await;
    assert_eq!(asked.body["status"], "requires_action", "{}", asked.body);
    let payment = asked.body["id"].as_str().unwrap_or_default().to_owned();
    let kept = store::rows_for_tests(&dir.join("pocketpay.db"), "SELECT count(*) FROM checkout_cards", &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept[0][0].as_deref(), Some("1"), "the typed card is kept, sealed, while the bank's code is awaited");
    let code = a.inbox_code("demanding@example.com").await;
    let verified = a.post(&format!("/v1/payments/{payment}/verify"), Some(&demanding), json!({ "code": code })).await;
    assert_eq!(verified.body["status"], "requires_capture", "{}", verified.body);

    // 5d. Rate limits count across processes: five wrong passwords split over both lock the account
    //     at both.
    a.buyer("locked@example.com").await;
    for i in 0..5 {
        both[i % 2]
            .post("/v1/sessions", None, json!({ "email": "locked@example.com", "password": "wrong password!" }))
            .await
            .assert_error(401, "authentication_error", "invalid_credentials");
    }
    for app in both {
        app.post("/v1/sessions", None, json!({ "email": "locked@example.com", "password": common::PASSWORD }))
            .await
            .assert_error(429, "rate_limit_error", "too_many_attempts");
    }

    // 5c. The vault's keys rotated through one process: a card sealed under the new key there is
    //     charged through the other.
    let ops = a.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let rotated = a.post("/v1/vault/rotate", Some(&ops), json!({})).await;
    assert!(rotated.status.is_success(), "{}", rotated.body);
    let fresh = a.save_card(&typed, "4000056655665556").await;
    let order = b.new_order(&typed, &product).await;
    let paid = b
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&typed),
            json!({ "payment_method": { "type": "card", "card": fresh } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);

    // 6. The background jobs run in one process at a time; killed, the other takes them over.
    let holder = lease_holder(&dir).unwrap_or_else(|| panic!("nobody holds the jobs' lease"));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(lease_holder(&dir).as_deref(), Some(holder.as_str()), "the lease stays with its holder");
    let (mut killed, survivor, other) = if holder == "a" { (first, second, "b") } else { (second, first, "a") };
    let _ = killed.child.kill();
    let _ = killed.child.wait();
    let started = std::time::Instant::now();
    while lease_holder(&dir).as_deref() != Some(other) {
        assert!(
            started.elapsed() < std::time::Duration::from_millis(LEASE_TTL_MS as u64 * 3),
            "no process took the jobs over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The survivor's jobs run: a message queued now is delivered by them.
    survivor.app.buyer("after@example.com").await;
    survivor.app.assert_ledger_balanced().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the futures concurrently and returns their answers in order.
async fn futures_join_all<F: std::future::Future<Output = common::Answer>>(
    futures: impl Iterator<Item = F>,
) -> Vec<common::Answer> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out = Vec::with_capacity(set.len());
    // Poll all of them together.
    let results = join_vec(set).await;
    out.extend(results);
    out
}

async fn join_vec<F: std::future::Future<Output = common::Answer>>(
    mut futures: Vec<std::pin::Pin<Box<F>>>,
) -> Vec<common::Answer> {
    use std::task::Poll;
    let mut results: Vec<Option<common::Answer>> = (0..futures.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => results[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
