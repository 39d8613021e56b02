//! The test issuer as an out-of-process service, reached over a real TCP hop with a short client timeout,
//! with faults injected: an answer lost after processing, a request processed after the caller gave up,
//! a bank that never answers, and a service that is not running. Each ends in a clear answer or a clear,
//! retryable failure, and never in a second authorization.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::declines::DeclineCode;
use issuer::http::{FaultSpec, HttpIssuerClient};
use issuer::test_issuer::NowFn;
use issuer::{
    AuthorizationStatus, AuthorizeRequest, CardInput, Connector, IssuerError, RefundStatus, Refusal, Resolved,
    TestIssuer,
};

/// 2026-11-02T12:00:00Z.
const START: i64 = 1_793_620_800;
/// How long the platform's client waits in these tests.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(300);
/// How long an injected fault holds a request or an answer: well past the client's timeout.
const FAULT_DELAY_MS: u64 = 1_500;

/// The issuer service on an ephemeral port, with the test's own handle on the same issuer.
struct Service {
    dir: PathBuf,
    db: PathBuf,
    issuer: Arc<TestIssuer>,
    base: String,
    client: HttpIssuerClient,
    server: tokio::task::JoinHandle<()>,
}

impl Service {
    async fn start(name: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "pocketpay-issuer-http-{name}-{}-{nanos}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let db = dir.join("issuer.sqlite3");
        let clock = Arc::new(AtomicI64::new(START));
        let now: NowFn = Arc::new(move || clock.load(Ordering::SeqCst));
        let issuer = Arc::new(TestIssuer::open(&db, now).unwrap_or_else(|e| panic!("open the issuer: {e}")));
        let app = issuer::http::router(Arc::clone(&issuer), Arc::new(AtomicI64::new(0)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind an ephemeral port");
        let addr = listener.local_addr().expect("local address");
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap_or_else(|e| panic!("serve: {e}"));
        });
        let base = format!("http://{addr}");
        let client = HttpIssuerClient::new(&base, CLIENT_TIMEOUT).expect("client");
        Self { dir, db, issuer, base, client, server }
    }

    fn connector(&self) -> Connector {
        Connector::Http(self.client.clone())
    }

    async fn set_faults(&self, spec: FaultSpec) {
        self.client.set_faults(&spec).await.unwrap_or_else(|e| panic!("set faults: {e}"));
    }

    /// Authorization records in the issuer's database, all of them or under one key.
    fn count_authorizations(&self, key: Option<&str>) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("open the issuer's database to count");
        conn.query_row("SELECT COUNT(*) FROM authorizations WHERE ?1 IS NULL OR idempotency_key = ?1", [key], |r| {
            r.get(0)
        })
        .expect("count authorizations")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn request(key: &str, number: &str) -> AuthorizeRequest {
    AuthorizeRequest {
        idempotency_key: key.to_owned(),
        card: CardInput {
            number: number.to_owned(),
            exp_month: 12,
            exp_year: 2030,
            cvc: Some("123".to_owned()),
            address_line1: Some("1 Main St".to_owned()),
            postal_code: Some("94107".to_owned()),
        },
        amount_minor: 1_000,
        currency: "USD".to_owned(),
        merchant_country: "US".to_owned(),
        verified: false,
        card_saved_beforehand: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_round_trip_over_http() {
    let s = Service::start("round-trip").await;
    let c = s.connector();
    let v = c.verify(&request("v", "4000056655665556").card, "US").await.expect("verify");
    assert_eq!((v.refusal, v.facts.funding.as_str()), (None, "debit"));
    let refused = c.authorize(&request("refused", "4000000000009987")).await.expect("authorize");
    assert_eq!(refused.refusal, Some(Refusal::Declined(DeclineCode::LostCard)), "a decline code survives the hop");
    let a = c.authorize(&request("ok", "4242424242424242")).await.expect("authorize");
    assert!(a.is_approved(), "{a:?}");
    assert_eq!(c.authorization(&a.id).await.expect("read"), a);
    assert_eq!(
        c.capture(&a.id, 2_000, "cap-too-much").await,
        Err(IssuerError::AmountTooLarge),
        "errors survive the hop"
    );
    let captured = c.capture(&a.id, 1_000, "cap").await.expect("capture");
    assert_eq!(captured.status, AuthorizationStatus::Captured);
    let refund = c.refund(&a.id, 1_000, "rf").await.expect("refund");
    assert_eq!(c.refund_status(&refund.id).await.expect("refund status").status, RefundStatus::Pending);
    assert_eq!(c.authorization("auth_nonexistent").await, Err(IssuerError::NotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_found_by_the_lookup_and_never_authorized_twice() {
    let s = Service::start("lost-answer").await;
    let c = s.connector();
    let req = request("attempt-a", "4242424242424242");
    s.set_faults(FaultSpec { count: 1, delay_before_processing_ms: 0, delay_after_processing_ms: FAULT_DELAY_MS })
        .await;
    let started = Instant::now();
    let resolved = c.authorize_resolving(&req).await.expect("resolved");
    let elapsed = started.elapsed();
    let Resolved::Answered(found) = resolved else {
        panic!("the lookup should have found the authorization: {resolved:?}")
    };
    assert!(found.is_approved(), "{found:?}");
    assert!(elapsed >= CLIENT_TIMEOUT, "the first call timed out before the lookup ({elapsed:?})");
    // Retrying the same attempt gives the same authorization.
    let again = c.authorize(&req).await.expect("authorize again");
    assert_eq!(again.id, found.id);
    let here = s.issuer.lookup_or_block("attempt-a").await.expect("lookup").expect("the issuer has the attempt");
    assert_eq!(here.id, found.id);
    assert_eq!(s.count_authorizations(None), 1, "exactly one authorization at the issuer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_held_past_the_callers_timeout_is_still_processed() {
    // Without a lookup, nothing stops the late arrival: this is why the lookup must block the key.
    let s = Service::start("held-unblocked").await;
    let c = s.connector();
    let req = request("attempt-held", "4242424242424242");
    s.set_faults(FaultSpec { count: 1, delay_before_processing_ms: FAULT_DELAY_MS, delay_after_processing_ms: 0 })
        .await;
    assert_eq!(c.authorize(&req).await, Err(IssuerError::Timeout));
    assert_eq!(s.count_authorizations(None), 0, "not processed yet when the caller gives up");
    // Bounded wait: the service processes the held request FAULT_DELAY_MS after it arrived; poll the
    // issuer's database for it, giving up after a generous deadline on a busy 2-core machine.
    let deadline = Instant::now() + Duration::from_millis(FAULT_DELAY_MS) + Duration::from_secs(5);
    while s.count_authorizations(Some("attempt-held")) == 0 {
        assert!(Instant::now() < deadline, "the held request was never processed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let late =
        s.issuer.lookup_or_block("attempt-held").await.expect("lookup").expect("authorized after the caller left");
    assert!(late.is_approved(), "{late:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_arrival_after_the_lookup_is_refused_and_a_new_attempt_succeeds() {
    let s = Service::start("late-arrival").await;
    let c = s.connector();
    let req = request("attempt-b", "4242424242424242");
    s.set_faults(FaultSpec { count: 1, delay_before_processing_ms: FAULT_DELAY_MS, delay_after_processing_ms: 0 })
        .await;
    let resolved = c.authorize_resolving(&req).await.expect("resolved");
    assert_eq!(resolved, Resolved::NoAnswer, "nothing recorded, key blocked");
    // Bounded wait: the held request is processed by the service FAULT_DELAY_MS after it arrived, and
    // nothing observable marks that moment (its KeyBlocked answer goes to a caller who left), so wait
    // the delay plus a margin before checking that it authorized nothing.
    tokio::time::sleep(Duration::from_millis(FAULT_DELAY_MS + 500)).await;
    assert_eq!(s.count_authorizations(None), 0, "the late arrival authorized nothing");
    assert_eq!(s.issuer.lookup_or_block("attempt-b").await.expect("lookup"), None);
    assert_eq!(c.authorize(&req).await, Err(IssuerError::KeyBlocked), "the abandoned attempt stays blocked");
    // The platform retries under a new attempt key.
    let retry = c.authorize_resolving(&request("attempt-b-2", "4242424242424242")).await.expect("retry");
    let Resolved::Answered(retried) = retry else { panic!("the retry should be answered: {retry:?}") };
    assert!(retried.is_approved(), "{retried:?}");
    assert_eq!(s.count_authorizations(None), 1, "exactly one authorization in the end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_processed_after_its_key_was_blocked_is_refused() {
    let s = Service::start("held-request").await;
    let c = s.connector();
    let req = request("attempt-c", "4242424242424242");
    s.set_faults(FaultSpec { count: 1, delay_before_processing_ms: FAULT_DELAY_MS, delay_after_processing_ms: 0 })
        .await;
    // A patient caller that sees the held request's own answer.
    let patient = HttpIssuerClient::new(&s.base, Duration::from_secs(10)).expect("client");
    let held = tokio::spawn({
        let req = req.clone();
        async move { Connector::Http(patient).authorize(&req).await }
    });
    // Meanwhile the platform gives the attempt up: lookups do not consume the fault, and this one is
    // answered long before the held request is processed.
    assert_eq!(c.lookup_or_block("attempt-c").await.expect("lookup"), None);
    let late = held.await.expect("the held call");
    assert_eq!(late, Err(IssuerError::KeyBlocked), "the late arrival cannot authorize");
    assert_eq!(s.count_authorizations(None), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_that_never_answers_ends_in_no_answer() {
    let s = Service::start("no-answer").await;
    let c = s.connector();
    let req = request("attempt-911", "4000000000000911");
    assert_eq!(c.verify(&req.card, "US").await, Err(IssuerError::Timeout));
    assert_eq!(c.authorize(&req).await, Err(IssuerError::Timeout));
    assert_eq!(c.authorize_resolving(&req).await.expect("resolved"), Resolved::NoAnswer);
    assert_eq!(s.issuer.lookup_or_block("attempt-911").await.expect("lookup"), None);
    assert_eq!(s.count_authorizations(None), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_is_not_running_is_unavailable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    let c = Connector::Http(HttpIssuerClient::new(&format!("http://{addr}"), CLIENT_TIMEOUT).expect("client"));
    let req = request("attempt-down", "4242424242424242");
    let err = c.authorize(&req).await.expect_err("nothing listens");
    assert!(matches!(err, IssuerError::Unavailable(_)), "{err:?}");
    assert!(err.is_unknown_outcome(), "retryable: the outcome is unknown, not a refusal");
    // Resolving cannot look the attempt up either: it ends in the same clear, retryable error.
    let resolved = c.authorize_resolving(&req).await.expect_err("still unavailable");
    assert!(matches!(resolved, IssuerError::Unavailable(_)) && resolved.is_unknown_outcome(), "{resolved:?}");
}
