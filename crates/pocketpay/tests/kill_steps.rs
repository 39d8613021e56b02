//! Kill at every step: a real `pocketpay serve` is stopped (as a crash would stop it) at each named
//! step of each multi-step operation (`server::failpoint::STEPS`: pay with the Pocket and by card,
//! a one-time code, capture, cancel — of an order and of a cart's order —, refund to the card and to
//! the Pocket, a claim decision, a gift-card purchase). After the restart, the healers (the test clock moved on) and the client's
//! retry with the same `Idempotency-Key`, each operation has had exactly one effect: the Pocket moved
//! once, no object is left stuck, no authorization is live at the issuer without a payment that holds
//! it, the issuer saw each capture and refund once, and the ledger verifies.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "kill_steps/payouts.rs"]
mod payouts;
use payouts::{payout_cases, PAYOUT_STEPS};

const OPERATOR_EMAIL: &str = "steps-ops@pocketpay.test";
const OPERATOR_PASSWORD: &str = "steps-operator-password";
const PASSWORD: &str = "a long enough password";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// How far the clock moves after a restart: past every healer's delay (attempts, refunds, claims).
const HEAL_AFTER_S: i64 = 180;

/// A running server; killed on drop.
struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Server {
    /// Starts `pocketpay serve` on `dir`, stopping at `failpoint` if given.
    async fn start(dir: &Path, failpoint: Option<&str>) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .unwrap_or_else(|e| panic!("opening the server log: {e}"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_pocketpay"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        for var in ["POCKETPAY_LISTEN", "POCKETPAY_DATA_DIR", "POCKETPAY_MODE", "POCKETPAY_SECRET", "POCKETPAY_LOG"] {
            command.env_remove(var);
        }
        // On PostgreSQL when the suite runs there (POCKETPAY_TEST_DATABASE_URL). The restarted
        // process keeps its name, so it takes the jobs' lease of the one killed at once.
        if let Some(url) = store::test_database_url(dir) {
            command.env("POCKETPAY_DATABASE_URL", url).env("POCKETPAY_PROCESS_NAME", "steps");
        }
        command
            .env("POCKETPAY_OPERATOR_EMAIL", OPERATOR_EMAIL)
            .env("POCKETPAY_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
            .env("POCKETPAY_FAILPOINTS", failpoint.unwrap_or(""))
            // Many payments within minutes: no velocity step-up in the way.
            .env("POCKETPAY_VELOCITY_COUNT_MAX", "1000")
            // Orders of one kettle (30.00) need no document; of two, they do.
            .env("POCKETPAY_DOCUMENT_REVIEW_AMOUNT_MINOR", "5000");
        let mut child = command.spawn().expect("spawning pocketpay serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let mut rest = String::new();
            while reader.read_line(&mut rest).is_ok_and(|n| n > 0) {
                rest.clear();
            }
        });
        let line = rx.recv_timeout(STARTUP_TIMEOUT).expect("the server printed its address");
        let base = line
            .trim()
            .strip_prefix("pocketpay listening on ")
            .and_then(|r| r.strip_suffix(" (test mode)"))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().expect("an HTTP client");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while !http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(Instant::now() < deadline, "the server never became healthy");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Server { child, base, http }
    }

    /// Sends a request; `None` when no answer came (the process stopped).
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: Value,
    ) -> Option<(u16, Value)> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(token).json(&body);
        if let Some(k) = key {
            request = request.header("Idempotency-Key", k);
        }
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let text = response.text().await.ok()?;
        Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn call(&self, method: &str, path: &str, token: &str, key: Option<&str>, body: Value) -> (u16, Value) {
        self.send(method, path, token, key, body).await.unwrap_or_else(|| panic!("{method} {path}: no answer"))
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call("GET", path, token, None, Value::Null).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Waits for a process that a failpoint stopped; panics if it is still serving.
    fn expect_stopped_at(mut self, step: &str) {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert_eq!(status.signal(), Some(libc::SIGABRT), "the server stopped at {step} by its failpoint");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not stop at {step}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

/// The buyer, the seller and their tokens, made once on the first server.
struct World {
    buyer: String,
    buyer_email: String,
    seller_key: String,
    product: String,
    card: String,
}

async fn world(s: &Server) -> World {
    let buyer_email = "steps-buyer@example.com".to_owned();
    let (status, body) =
        s.call("POST", "/v1/users", "", None, json!({ "email": buyer_email, "password": PASSWORD })).await;
    assert_eq!(status, 201, "{body}");
    let buyer = verify_and_sign_in(s, &buyer_email).await;
    let (status, body) = s
        .call("POST", "/v1/users", "", None, json!({ "email": "steps-seller@example.com", "password": PASSWORD }))
        .await;
    assert_eq!(status, 201, "{body}");
    let owner = verify_and_sign_in(s, "steps-seller@example.com").await;
    let (status, m) = s
        .call("POST", "/v1/merchants", &owner, None, json!({ "name": "Steps", "country": "US", "currency": "USD" }))
        .await;
    assert_eq!(status, 201, "{m}");
    let seller_key = m["secret_key"].as_str().expect("a key").to_owned();
    let (status, p) = s
        .call("POST", "/v1/products", &seller_key, None, json!({ "name": "Kettle", "amount": 3000, "currency": "USD" }))
        .await;
    assert_eq!(status, 201, "{p}");
    let (status, c) = s
        .call(
            "POST",
            "/v1/cards",
            &buyer,
            None,
            json!({ "number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123",
                "holder_name": "Ada", "billing_address": address() }),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let card = c["id"].as_str().expect("a card").to_owned();
    let w = World { buyer, buyer_email, seller_key, product: p["id"].as_str().expect("a product").to_owned(), card };
    // 300.00 in the Pocket.
    let (status, body) = s
        .call(
            "POST",
            "/v1/gift_cards/purchase",
            &w.buyer,
            None,
            json!({ "currency": "USD", "items": [{ "denomination": 15000, "quantity": 2 }],
                "payment_method": { "type": "card", "card": w.card } }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    w
}

async fn verify_and_sign_in(s: &Server, email: &str) -> String {
    let inbox = s.get(&format!("/v1/test/inbox?to={email}"), "").await;
    let code = inbox["data"][0]["code"].as_str().expect("a code").to_owned();
    let (status, body) =
        s.call("POST", "/v1/users/verify_email", "", None, json!({ "email": email, "code": code })).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        s.call("POST", "/v1/sessions", "", None, json!({ "email": email, "password": PASSWORD })).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().expect("a token").to_owned()
}

async fn pocket(s: &Server, w: &World) -> i64 {
    s.get("/v1/pocket", &w.buyer).await["balances"][0]["available"].as_i64().unwrap_or(0)
}

async fn order(s: &Server, w: &World) -> String {
    order_of(s, w, 1).await
}

/// An order of `quantity` kettles.
async fn order_of(s: &Server, w: &World, quantity: u32) -> String {
    let (status, o) = s
        .call(
            "POST",
            "/v1/orders",
            &w.buyer,
            None,
            json!({ "items": [{ "product": w.product, "quantity": quantity }], "shipping_address": address() }),
        )
        .await;
    assert_eq!(status, 201, "{o}");
    o["id"].as_str().expect("an order").to_owned()
}

/// An order paid with 5.00 from the Pocket and the rest by the saved card; shipped when asked.
async fn paid_order(s: &Server, w: &World, ship: bool) -> String {
    let id = order(s, w).await;
    let (_, paid) = s
        .call(
            "POST",
            &format!("/v1/orders/{id}/pay"),
            &w.buyer,
            None,
            json!({ "pocket_amount": 500, "payment_method": { "type": "card", "card": w.card } }),
        )
        .await;
    assert_eq!(paid["status"], "requires_capture", "{paid}");
    if ship {
        let (_, shipped) = s
            .call(
                "POST",
                &format!("/v1/orders/{id}/ship"),
                &w.seller_key,
                None,
                json!({ "carrier": "UPS", "tracking_number": "1Z" }),
            )
            .await;
        assert_eq!(shipped["status"], "shipped", "{shipped}");
    }
    id
}

/// A cart (a checkout) of a kettle; the path that pays it.
async fn cart(s: &Server, w: &World) -> String {
    let items = json!([{ "product": w.product, "quantity": 1 }]);
    let (status, c) =
        s.call("POST", "/v1/checkouts", &w.buyer, None, json!({ "items": items, "shipping_address": address() })).await;
    assert_eq!(status, 201, "{c}");
    format!("/v1/checkouts/{}/pay", c["id"].as_str().expect("a checkout"))
}

/// A cart's order, paid as [`paid_order`] pays one (5.00 from the Pocket, the rest by card).
async fn paid_in_cart(s: &Server, w: &World) -> String {
    let path = cart(s, w).await;
    let body = json!({ "pocket_amount": 500, "payment_method": { "type": "card", "card": w.card } });
    let (_, paid) = s.call("POST", &path, &w.buyer, None, body).await;
    assert_eq!(paid["status"], "requires_capture", "{paid}");
    paid["orders"][0]["order"].as_str().expect("the cart's order").to_owned()
}

/// One operation stopped at one step.
struct Case {
    step: &'static str,
    method: &'static str,
    path: String,
    /// Whose credentials send it.
    token: String,
    body: Value,
    /// How the Pocket must have moved once the operation had its one effect.
    pocket_delta: i64,
}

/// What the retry must answer, and what must hold afterwards.
enum Expect {
    /// The operation went through: the retry answers 2xx with this field at this value.
    Done(&'static str, &'static str),
    /// The operation went through: the retry answers 2xx with an object whose id has this prefix.
    Made(&'static str),
    /// The operation failed with nothing charged: the retry answers 402, and the order (or cart) can
    /// be paid again at this path.
    FailedPayAgain(String),
    /// A purchase that failed with nothing charged.
    Failed,
    /// A document review approved whose authorization a crash cut short: the retry answers the
    /// approved review, and the order is paid again without a second review.
    ApprovedPayAgain(String),
}

async fn run_case(dir: &Path, w: &World, case: Case, expect: Expect) {
    // Unique per case: a step is killed at for an order and for a cart.
    let key = format!("key-{}-{}", case.step, case.path);
    let s = Server::start(dir, Some(case.step)).await;
    let before = pocket(&s, w).await;
    let answer = s.send(case.method, &case.path, &case.token, Some(&key), case.body.clone()).await;
    assert!(answer.is_none(), "{}: an answer came although the server should have stopped: {answer:?}", case.step);
    s.expect_stopped_at(case.step);

    let s = Server::start(dir, None).await;
    let (status, clock) = s.call("POST", "/v1/test/clock", "", None, json!({ "advance_seconds": HEAL_AFTER_S })).await;
    assert_eq!(status, 200, "{clock}");
    // A retry while a job is settling the same object is told to wait (409): wait, as a client would.
    let mut tries = 0;
    let (status, retried) = loop {
        let (status, retried) = s.call(case.method, &case.path, &case.token, Some(&key), case.body.clone()).await;
        tries += 1;
        if status == 409 && retried["error"]["type"] == "idempotency_error" && tries < 50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        break (status, retried);
    };
    match &expect {
        Expect::Done(field, value) => {
            assert!((200..300).contains(&status), "{}: the retry answered {status}: {retried}", case.step);
            assert_eq!(retried[field], *value, "{}: {retried}", case.step);
        }
        Expect::Made(prefix) => {
            assert!((200..300).contains(&status), "{}: the retry answered {status}: {retried}", case.step);
            assert!(retried["id"].as_str().is_some_and(|id| id.starts_with(prefix)), "{}: {retried}", case.step);
        }
        Expect::FailedPayAgain(path) => {
            assert_eq!(status, 402, "{}: the retry answered {status}: {retried}", case.step);
            assert_eq!(retried["error"]["payment"]["status"], "requires_payment_method", "{}: {retried}", case.step);
            let (_, paid) = s
                .call(
                    "POST",
                    path,
                    &w.buyer,
                    Some(&format!("{key}-again")),
                    json!({ "payment_method": { "type": "card", "card": w.card } }),
                )
                .await;
            assert_eq!(paid["status"], "requires_capture", "{}: paying again: {paid}", case.step);
        }
        Expect::ApprovedPayAgain(order) => {
            assert_eq!(status, 200, "{}: the retry answered {status}: {retried}", case.step);
            assert_eq!(retried["status"], "approved", "{}: {retried}", case.step);
            assert_eq!(retried["payment"]["status"], "requires_payment_method", "{}: {retried}", case.step);
            let (_, paid) = s
                .call(
                    "POST",
                    &format!("/v1/orders/{order}/pay"),
                    &w.buyer,
                    Some(&format!("{key}-again")),
                    json!({ "payment_method": { "type": "card", "card": w.card } }),
                )
                .await;
            assert_eq!(
                paid["status"], "requires_capture",
                "{}: paying again, with no second review: {paid}",
                case.step
            );
        }
        Expect::Failed => {
            assert_eq!(status, 402, "{}: the retry answered {status}: {retried}", case.step);
            assert_eq!(retried["error"]["purchase"]["status"], "failed", "{}: {retried}", case.step);
        }
    }
    // A second retry replays the same answer.
    let (again, replayed) = s.call(case.method, &case.path, &case.token, Some(&key), case.body.clone()).await;
    assert_eq!((again, &replayed), (status, &retried), "{}: the replay differs", case.step);
    let after = pocket(&s, w).await;
    assert_eq!(
        after - before,
        case.pocket_delta,
        "{}: the Pocket moved by {} instead of {}",
        case.step,
        after - before,
        case.pocket_delta
    );
    s.stop();
    eprintln!("{}: settled (retry {status}, Pocket {:+})", case.step, after - before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_of_every_operation_settles_to_one_effect() {
    let dir =
        std::env::temp_dir().join(format!("pocketpay-steps-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir).expect("a data dir");
    let keep = KeepOnFailure(dir.clone());
    let s = Server::start(&dir, None).await;
    let w = world(&s).await;
    let mut cases: Vec<(Case, Expect)> = Vec::new();

    // Paying by card (5.00 of it from the Pocket), an order and a cart: stopped before and after the
    // issuer's answer.
    for (step, in_cart) in
        [("pay.claimed", false), ("pay.authorized", false), ("pay.claimed", true), ("pay.authorized", true)]
    {
        let path = if in_cart { cart(&s, &w).await } else { format!("/v1/orders/{}/pay", order(&s, &w).await) };
        let body = json!({ "pocket_amount": 500, "payment_method": { "type": "card", "card": w.card } });
        let case = Case { step, method: "POST", path: path.clone(), token: w.buyer.clone(), body, pocket_delta: 0 };
        cases.push((case, Expect::FailedPayAgain(path)));
    }
    // Paying with the Pocket alone: complete before its answer is recorded.
    let id = order(&s, &w).await;
    let body = json!({ "payment_method": { "type": "pocket" } });
    let case = Case {
        step: "pay.answered",
        method: "POST",
        path: format!("/v1/orders/{id}/pay"),
        token: w.buyer.clone(),
        body,
        pocket_delta: -3000,
    };
    cases.push((case, Expect::Done("status", "requires_capture")));
    // A one-time code accepted, before the issuer is asked (the typed card is gone with the process).
    let id = order(&s, &w).await;
    let typed = json!({ "type": "card", "new_card": { "number": "4000056655665556", "exp_month": 12, "exp_year": 2035,
        "cvc": "123", "holder_name": "Ada", "billing_address": address() } });
    let (_, waiting) =
        s.call("POST", &format!("/v1/orders/{id}/pay"), &w.buyer, None, json!({ "payment_method": typed })).await;
    assert_eq!(waiting["status"], "requires_action", "{waiting}");
    let payment = waiting["id"].as_str().expect("a payment").to_owned();
    let inbox = s.get(&format!("/v1/test/inbox?to={}", w.buyer_email), "").await;
    let code = inbox["data"][0]["code"].as_str().expect("a code").to_owned();
    let case = Case {
        step: "verify.checked",
        method: "POST",
        path: format!("/v1/payments/{payment}/verify"),
        token: w.buyer.clone(),
        body: json!({ "code": code }),
        pocket_delta: 0,
    };
    cases.push((case, Expect::FailedPayAgain(format!("/v1/orders/{id}/pay"))));
    // A document review approved, before the issuer is asked: the healer fails the cut-short attempt,
    // the retry answers the decision, and the buyer pays again with no second review.
    let id = order_of(&s, &w, 2).await;
    let (_, waiting) = s
        .call(
            "POST",
            &format!("/v1/orders/{id}/pay"),
            &w.buyer,
            None,
            json!({ "payment_method": { "type": "card", "card": w.card } }),
        )
        .await;
    assert_eq!(waiting["next_action"]["type"], "document_review", "{waiting}");
    let review = waiting["next_action"]["review"].as_str().expect("a review").to_owned();
    let upload =
        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"id.pdf\"\r\n\r\n%PDF-1.7\n\r\n--b--\r\n";
    let sent = s
        .http
        .post(format!("{}/v1/payments/{}/documents", s.base, waiting["id"].as_str().unwrap_or_default()))
        .bearer_auth(&w.buyer)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(upload)
        .send()
        .await
        .expect("an upload");
    assert_eq!(sent.status().as_u16(), 202);
    let (_, session) = s
        .call("POST", "/v1/sessions", "", None, json!({ "email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD }))
        .await;
    let case = Case {
        step: "review.decided",
        method: "POST",
        path: format!("/v1/reviews/{review}/decide"),
        token: session["token"].as_str().expect("an operator's session").to_owned(),
        body: json!({ "outcome": "approve" }),
        pocket_delta: 0,
    };
    cases.push((case, Expect::ApprovedPayAgain(id)));
    // Shipping (capture) and cancelling, an order and a cart's order (its part of one authorization).
    let both = |a: &'static str, b: &'static str| [(a, false), (b, false), (a, true), (b, true)];
    for (step, in_cart) in both("capture.claimed", "capture.captured") {
        let id = if in_cart { paid_in_cart(&s, &w).await } else { paid_order(&s, &w, false).await };
        let body = json!({ "carrier": "UPS", "tracking_number": "1Z" });
        let case = Case {
            step,
            method: "POST",
            path: format!("/v1/orders/{id}/ship"),
            token: w.seller_key.clone(),
            body,
            pocket_delta: 0,
        };
        cases.push((case, Expect::Done("status", "shipped")));
    }
    for (step, in_cart) in both("cancel.claimed", "cancel.voided") {
        let id = if in_cart { paid_in_cart(&s, &w).await } else { paid_order(&s, &w, false).await };
        let case = Case {
            step,
            method: "POST",
            path: format!("/v1/orders/{id}/cancel"),
            token: w.buyer.clone(),
            body: json!({}),
            pocket_delta: 500,
        };
        cases.push((case, Expect::Done("status", "canceled")));
    }
    // Refunding everything (the Pocket part first, then the card part) and refunding to the Pocket.
    for step in ["refund.reserved", "refund.sent"] {
        let id = paid_order(&s, &w, true).await;
        let body = json!({ "reason": "Broken on arrival" });
        let case = Case {
            step,
            method: "POST",
            path: format!("/v1/orders/{id}/refunds"),
            token: w.seller_key.clone(),
            body,
            pocket_delta: 500,
        };
        cases.push((case, Expect::Made("re_")));
    }
    // A claim accepted by the seller.
    let id = paid_order(&s, &w, true).await;
    let (_, delivered) = s.call("POST", &format!("/v1/orders/{id}/deliver"), &w.seller_key, None, json!({})).await;
    assert_eq!(delivered["status"], "delivered", "{delivered}");
    let (status, claim) = s
        .call(
            "POST",
            &format!("/v1/orders/{id}/claims"),
            &w.buyer,
            None,
            json!({ "reason": "damaged", "amount": 1000, "description": "Cracked." }),
        )
        .await;
    assert_eq!(status, 201, "{claim}");
    let cid = claim["id"].as_str().expect("a claim").to_owned();
    let body = json!({ "action": "accept", "message": "Sorry" });
    let case = Case {
        step: "claim.decided",
        method: "POST",
        path: format!("/v1/claims/{cid}/respond"),
        token: w.seller_key.clone(),
        body,
        pocket_delta: 500,
    };
    cases.push((case, Expect::Done("status", "resolved")));
    // Buying gift cards with the saved card: stopped before and after the charge.
    for (step, delta, expect) in
        [("gift_card.recorded", 0, Expect::Failed), ("gift_card.charged", 2000, Expect::Done("status", "succeeded"))]
    {
        let body = json!({ "currency": "USD", "items": [{ "denomination": 2000, "quantity": 1 }],
            "payment_method": { "type": "card", "card": w.card } });
        let case = Case {
            step,
            method: "POST",
            path: "/v1/gift_cards/purchase".into(),
            token: w.buyer.clone(),
            body,
            pocket_delta: delta,
        };
        cases.push((case, expect));
    }
    s.stop();

    let mut steps: BTreeSet<&str> = cases.iter().map(|(c, _)| c.step).collect();
    steps.extend(PAYOUT_STEPS);
    let declared: BTreeSet<&str> = server::failpoint::STEPS.iter().copied().collect();
    assert_eq!(steps, declared, "every declared step is killed at");
    let count = cases.len();
    for (case, expect) in cases {
        run_case(&dir, &w, case, expect).await;
    }
    payout_cases(&dir, &w).await;

    check_databases(&dir);
    let verify = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["verify-ledger", "--data-dir"])
        .arg(&dir)
        .env_remove("POCKETPAY_DATA_DIR")
        .env("POCKETPAY_DATABASE_URL", store::test_database_url(&dir).unwrap_or_default())
        .output()
        .expect("running verify-ledger");
    assert!(verify.status.success(), "verify-ledger: {}", String::from_utf8_lossy(&verify.stdout));
    eprintln!(
        "kill at every step: {} steps of {} operations, each settled to one effect",
        count + PAYOUT_STEPS.len(),
        13
    );
    keep.done();
}

/// No object left stuck; no authorization live at the issuer without a payment holding it; every
/// capture and card refund at the issuer matches one on our side.
fn check_databases(dir: &Path) {
    let ours = Ours(dir.join("pocketpay.db"));
    let issuer = rusqlite::Connection::open(dir.join("issuer.db")).expect("the issuer's database");
    let count = |sql: &str| -> i64 {
        let rows = store::rows_for_tests(&ours.0, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.first().and_then(|r| r[0].as_deref()).and_then(|t| t.parse().ok()).unwrap_or(-1)
    };
    assert_eq!(
        count("SELECT count(*) FROM payments WHERE attempt_in_progress IS NOT NULL"),
        0,
        "a payment is left claimed"
    );
    assert_eq!(
        count("SELECT count(*) FROM payment_attempts WHERE status = 'processing'"),
        0,
        "an attempt is left open"
    );
    assert_eq!(
        count("SELECT count(*) FROM gift_card_purchases WHERE status = 'processing'"),
        0,
        "a purchase is left open"
    );
    assert_eq!(count("SELECT count(*) FROM claims WHERE status = 'refunding'"), 0, "a claim is left refunding");
    assert_eq!(count("SELECT count(*) FROM refunds WHERE status = 'processing'"), 0, "a refund is left processing");
    assert_eq!(
        count("SELECT count(*) FROM payouts WHERE status IN ('pending', 'in_transit')"),
        0,
        "a payout is left on its way"
    );
    assert_eq!(
        count("SELECT count(*) FROM idempotency_records WHERE status = 0"),
        0,
        "a key is left bound without an answer"
    );
    // Every committed change has its event, exactly once (they are written in one transaction).
    let once = |what: &str, kind: &str, objects: &str| {
        let sql = format!(
            "SELECT count(*) FROM ({objects}) o
              WHERE (SELECT count(*) FROM events e WHERE e.type = '{kind}' AND e.data LIKE '%\"id\":\"' || o.id || '\"%') != 1"
        );
        assert_eq!(count(&sql), 0, "a {what} without exactly one {kind} event");
    };
    once("order", "order.created", "SELECT id FROM orders");
    once("shipped order", "order.shipped", "SELECT id FROM orders WHERE shipped_at IS NOT NULL");
    once("canceled order", "order.canceled", "SELECT id FROM orders WHERE status = 'canceled'");
    once("captured payment", "payment.captured", "SELECT id FROM payments WHERE status = 'succeeded'");
    once("refund", "refund.created", "SELECT id FROM refunds");
    once("claim", "claim.opened", "SELECT id FROM claims");
    once("payout", "payout.created", "SELECT id FROM payouts");
    once("paid payout", "payout.paid", "SELECT id FROM payouts WHERE status = 'paid'");
    let held: BTreeSet<String> = strings(
        &ours,
        "SELECT authorization_id FROM payments WHERE status = 'requires_capture' AND authorization_id IS NOT NULL",
    );
    let live: BTreeSet<String> = strings(&issuer, "SELECT id FROM authorizations WHERE status = 'authorized'");
    assert_eq!(live, held, "the issuer's live authorizations are exactly those our payments hold");
    let captured_ours: BTreeSet<String> = strings(
        &ours,
        "SELECT authorization_id FROM payments WHERE status = 'succeeded' AND card_amount > 0
         UNION SELECT authorization_id FROM gift_card_purchases WHERE status = 'succeeded'",
    );
    let captured_issuer: BTreeSet<String> = strings(&issuer, "SELECT id FROM authorizations WHERE status = 'captured'");
    assert_eq!(captured_issuer, captured_ours, "every capture at the issuer is booked once on our side");
    let mut refunds_issuer: HashMap<String, i64> = HashMap::new();
    for a in strings(&issuer, "SELECT authorization_id FROM refunds") {
        *refunds_issuer.entry(a).or_default() += 1;
    }
    let mut refunds_ours: HashMap<String, i64> = HashMap::new();
    for a in strings(
        &ours,
        "SELECT p.authorization_id FROM refunds r JOIN payments p ON p.id = r.payment_id
          WHERE r.card_amount > 0 AND r.destination = 'original'",
    ) {
        *refunds_ours.entry(a).or_default() += 1;
    }
    assert_eq!(refunds_issuer, refunds_ours, "each card refund reached the issuer once");
}

/// Our database: the SQLite file, or its PostgreSQL twin when the suite runs on PostgreSQL.
struct Ours(PathBuf);

/// The first column of every row, as text.
trait Strings {
    fn strings(&self, sql: &str) -> BTreeSet<String>;
}

impl Strings for Ours {
    fn strings(&self, sql: &str) -> BTreeSet<String> {
        let rows = store::rows_for_tests(&self.0, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect()
    }
}

impl Strings for rusqlite::Connection {
    fn strings(&self, sql: &str) -> BTreeSet<String> {
        sqlite_strings(self, sql)
    }
}

fn strings(conn: &impl Strings, sql: &str) -> BTreeSet<String> {
    conn.strings(sql)
}

fn sqlite_strings(conn: &rusqlite::Connection, sql: &str) -> BTreeSet<String> {
    let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = statement.query_map([], |r| r.get::<_, String>(0)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The data directory, kept (with the servers' log) when the test fails.
struct KeepOnFailure(PathBuf);

impl KeepOnFailure {
    fn done(self) {
        let _ = std::fs::remove_dir_all(&self.0);
        std::mem::forget(self);
    }
}

impl Drop for KeepOnFailure {
    fn drop(&mut self) {
        eprintln!("kill-at-every-step test failed; data dir and server log kept at {}", self.0.display());
    }
}
