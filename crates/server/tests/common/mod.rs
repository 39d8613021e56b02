//! The test harness shared by the API tests: a real server on port 0 with a fresh data directory,
//! and a client with helpers for the common flows.
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::{Mode, ServerConfig};

/// A log sink for tests that read what the server logged.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    /// Captures everything this thread logs, at every level and without timestamps (their digits
    /// could match a 6-digit code by chance), until the guard is dropped. A `#[tokio::test]` runs the
    /// server on its own thread, so this sees what the server logs (not what the writer thread does).
    pub fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .without_time()
            .with_writer(captured.clone())
            .with_max_level(tracing::Level::TRACE)
            .finish();
        (captured, tracing::subscriber::set_default(subscriber))
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|v| v.clone()).unwrap_or_default()).into_owned()
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// The billing and shipping address the tests use.
pub fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

/// A card typed at checkout (expiring 12/2035, CVC 123), as a `payment_method`.
pub fn new_card(number: &str) -> Value {
    json!({ "type": "card", "new_card": { "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Ada", "billing_address": address() } })
}
pub const OPERATOR_EMAIL: &str = "ops@pocketpay.test";
pub const OPERATOR_PASSWORD: &str = "operator-password-1";

/// A running server and a client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub dir: std::path::PathBuf,
    /// The metrics listener's address, when the server keeps metrics.
    pub metrics_base: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts an error in the documented shape.
    pub fn assert_error(&self, status: u16, kind: &str, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["error"]["type"], kind, "{}", self.body);
        assert_eq!(self.body["error"]["code"], code, "{}", self.body);
        let rid = self.body["error"]["request_id"].as_str().unwrap_or("");
        assert!(rid.starts_with("req_"), "request id in {}", self.body);
        assert!(self.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "pocketpay-api-{}-{}",
            std::process::id(),
            server::secrets::random_id("t")
        ));
        Self::spawn_at(dir, adjust).await
    }

    /// Starts a server on `dir` (a restart when the directory holds a previous server's data).
    pub async fn spawn_at(dir: std::path::PathBuf, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let mut config = ServerConfig::new(Mode::Test, &dir);
        // POCKETPAY_TEST_DATABASE_URL runs the suite on PostgreSQL, a database per test.
        config.database_url = store::test_database_url(&dir);
        config.operator_bootstrap = Some((OPERATOR_EMAIL.into(), OPERATOR_PASSWORD.into()));
        config.worker_interval_ms = 50;
        adjust(&mut config);
        let app = server::build(config).await.unwrap_or_else(|e| panic!("build: {e}"));
        let mut metrics_base = None;
        if let Some(router) = app.metrics_router() {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
            metrics_base = Some(format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}"))));
            tokio::spawn(async move { axum::serve(listener, router).await });
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.serve(listener, async move {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            dir,
            metrics_base,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// A client of a server that runs elsewhere (another process) on `dir`.
    pub fn at(base: String, dir: std::path::PathBuf) -> Self {
        Self { base, client: reqwest::Client::new(), dir, metrics_base: None, shutdown: None, task: None }
    }

    /// Stops the server gracefully (the writer drains and the database is released); returns its directory.
    pub async fn stop(mut self) -> std::path::PathBuf {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.dir.clone()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        idem: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("send {path}: {e}"));
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        Answer { status, headers, body }
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, None, Some(body)).await
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::PUT, path, token, None, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, None, None).await
    }

    pub async fn raw(&self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("send: {e}"));
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    /// Uploads `bytes` as the document of a payment waiting for one (`multipart/form-data`, field `file`).
    pub async fn upload_document(&self, token: &str, payment: &str, filename: &str, bytes: &[u8]) -> Answer {
        let boundary = "pocketpay-test-boundary-5d1c";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let resp = self
            .client
            .post(format!("{}/v1/payments/{payment}/documents", self.base))
            .bearer_auth(token)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload: {e}"));
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    pub async fn inbox_code(&self, to: &str) -> String {
        let inbox = self.get(&format!("/v1/test/inbox?to={to}"), None).await;
        inbox.body["data"][0]["code"].as_str().unwrap_or_else(|| panic!("no code for {to}: {}", inbox.body)).to_owned()
    }

    /// Signs up, verifies and signs in; returns the session token.
    pub async fn buyer(&self, email: &str) -> String {
        let created = self.post("/v1/users", None, json!({ "email": email, "password": PASSWORD })).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let code = self.inbox_code(email).await;
        let verified = self.post("/v1/users/verify_email", None, json!({ "email": email, "code": code })).await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
        self.login(email, PASSWORD).await
    }

    /// Signs up, verifies and signs in a buyer from `country`; returns the session token.
    pub async fn buyer_from(&self, email: &str, country: &str) -> String {
        self.post("/v1/users", None, json!({ "email": email, "password": PASSWORD, "country": country })).await;
        let code = self.inbox_code(email).await;
        self.post("/v1/users/verify_email", None, json!({ "email": email, "code": code })).await;
        self.login(email, PASSWORD).await
    }

    /// A US shop in USD named `shop_name`, owned by a new buyer `owner_email`, selling one product;
    /// returns (the shop's secret key, the product's id).
    pub async fn seller(&self, owner_email: &str, shop_name: &str, product: &str, amount: i64) -> (String, String) {
        let owner = self.buyer(owner_email).await;
        let m = self
            .post("/v1/merchants", Some(&owner), json!({ "name": shop_name, "country": "US", "currency": "USD" }))
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
        let key = m.body["secret_key"].as_str().unwrap_or_default().to_owned();
        let p = self
            .post("/v1/products", Some(&key), json!({ "name": product, "amount": amount, "currency": "USD" }))
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        (key, p.body["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Saves a card (expiring 12/2035, CVC 123, billing at 1 Main St, Austin) for a buyer; returns its id.
    pub async fn save_card(&self, token: &str, number: &str) -> String {
        let card = self
            .post(
                "/v1/cards",
                Some(token),
                json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Ada",
                    "billing_address": { "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" } }),
            )
            .await;
        assert_eq!(card.status, StatusCode::CREATED, "{}", card.body);
        card.body["id"].as_str().unwrap_or_default().to_owned()
    }

    /// An order of one `product` for the buyer; returns its id.
    pub async fn new_order(&self, token: &str, product: &str) -> String {
        let o = self
            .post(
                "/v1/orders",
                Some(token),
                json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
            )
            .await;
        assert_eq!(o.status, StatusCode::CREATED, "{}", o.body);
        o.body["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Pays an order with a saved card; returns the answer (the payment, or the error).
    pub async fn pay_with_card(&self, token: &str, order: &str, card: &str) -> Answer {
        self.post(
            &format!("/v1/orders/{order}/pay"),
            Some(token),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await
    }

    /// Buys `quantity` gift cards of `denomination` with a new card, loaded into the buyer's Pocket.
    pub async fn load_pocket(&self, token: &str, denomination: i64, quantity: i64) {
        let a = self
            .post(
                "/v1/gift_cards/purchase",
                Some(token),
                json!({ "currency": "USD", "items": [{ "denomination": denomination, "quantity": quantity }],
                "payment_method": new_card("5555555555554444") }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    }

    /// The buyer's Pocket in its first currency: (available, held).
    pub async fn pocket(&self, token: &str) -> (i64, i64) {
        let p = self.get("/v1/pocket", Some(token)).await.body;
        let b = &p["balances"][0];
        (b["available"].as_i64().unwrap_or(0), b["held"].as_i64().unwrap_or(0))
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let session = self.post("/v1/sessions", None, json!({ "email": email, "password": password })).await;
        assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
        session.body["token"].as_str().unwrap_or_default().to_owned()
    }

    pub async fn assert_ledger_balanced(&self) {
        let token = self.login(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
        let report = self.get("/v1/ledger/verify", Some(&token)).await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.body);
        assert_eq!(report.body["balanced"], true, "{}", report.body);
    }
}
