//! The test issuer as an HTTP service, and the client the platform uses to reach it.
//!
//! The service can be told to misbehave (`POST /v1/faults`): hold an authorization before processing
//! it, or process it and hold the answer, so that the platform's timeouts and lookups can be tested
//! against a real network hop.

use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::{Authorization, AuthorizeRequest, CardInput, IssuerError, Refund, TestIssuer, Verification};

/// Faults the service injects into the next authorizations.
#[derive(Default)]
pub struct Faults {
    /// How many upcoming authorizations are affected.
    remaining: AtomicU32,
    /// Wait this long before processing (the request may arrive after the caller gave up).
    delay_before_ms: AtomicU64,
    /// Wait this long after processing, before answering (the answer is lost to a caller who gave up).
    delay_after_ms: AtomicU64,
}

/// A fault to inject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub count: u32,
    #[serde(default)]
    pub delay_before_processing_ms: u64,
    #[serde(default)]
    pub delay_after_processing_ms: u64,
}

#[derive(Clone)]
struct ServiceState {
    issuer: Arc<TestIssuer>,
    faults: Arc<Faults>,
    clock_offset_s: Arc<AtomicI64>,
}

/// The wall clock plus an offset that `POST /v1/clock` moves forward.
pub fn service_clock(offset: Arc<AtomicI64>) -> crate::test_issuer::NowFn {
    Arc::new(move || {
        let wall =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        wall + offset.load(Ordering::Relaxed)
    })
}

/// The service's router over an issuer whose clock reads `clock_offset_s`.
pub fn router(issuer: Arc<TestIssuer>, clock_offset_s: Arc<AtomicI64>) -> Router {
    let state = ServiceState { issuer, faults: Arc::new(Faults::default()), clock_offset_s };
    Router::new()
        .route("/v1/verify", post(verify))
        .route("/v1/authorize", post(authorize))
        .route("/v1/lookup", post(lookup))
        .route("/v1/authorizations/{id}", get(authorization))
        .route("/v1/authorizations/{id}/capture", post(capture))
        .route("/v1/authorizations/{id}/void", post(void))
        .route("/v1/authorizations/{id}/capture_part", post(capture_part))
        .route("/v1/authorizations/{id}/release_part", post(release_part))
        .route("/v1/authorizations/{id}/refund", post(refund))
        .route("/v1/refunds/{id}", get(refund_status))
        .route("/v1/faults", post(set_faults))
        .route("/v1/clock", post(advance_clock))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}

fn answer<T: Serialize>(result: Result<T, IssuerError>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            let status = match e {
                IssuerError::NotFound => StatusCode::NOT_FOUND,
                IssuerError::Timeout | IssuerError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::CONFLICT,
            };
            (status, Json(ErrorBody { error: e })).into_response()
        }
    }
}

#[derive(Serialize, Deserialize)]
struct ErrorBody {
    error: IssuerError,
}

#[derive(Serialize, Deserialize)]
struct VerifyBody {
    card: CardInput,
    merchant_country: String,
}

#[derive(Serialize, Deserialize)]
struct KeyBody {
    key: String,
}

#[derive(Serialize, Deserialize)]
struct AmountBody {
    amount_minor: i64,
    key: String,
}

#[derive(Serialize, Deserialize)]
struct LookupAnswer {
    authorization: Option<Authorization>,
}

#[derive(Serialize, Deserialize)]
struct ClockBody {
    advance_seconds: i64,
}

async fn verify(State(s): State<ServiceState>, Json(b): Json<VerifyBody>) -> Response {
    if crate::behaviours::behaviour_of(&b.card.number).no_answer {
        std::future::pending::<()>().await;
    }
    answer(s.issuer.verify(&b.card, &b.merchant_country))
}

async fn authorize(State(s): State<ServiceState>, Json(req): Json<AuthorizeRequest>) -> Response {
    if crate::behaviours::behaviour_of(&req.card.number).no_answer {
        // This bank never answers; the caller's timeout decides.
        std::future::pending::<()>().await;
    }
    let faulty = s.faults.remaining.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let before = if faulty { s.faults.delay_before_ms.load(Ordering::SeqCst) } else { 0 };
    let issuer = s.issuer.clone();
    // Processing is detached from the connection: hyper drops a handler whose caller hung up, but a
    // bank that received a request processes it anyway. Without this, a request held by
    // `delay_before_ms` would silently vanish when the caller times out, instead of arriving late.
    let processing = tokio::spawn(async move {
        if before > 0 {
            tokio::time::sleep(Duration::from_millis(before)).await;
        }
        issuer.authorize(&req).await
    });
    let result = processing.await.unwrap_or_else(|_| Err(IssuerError::Unavailable("the issuer failed".into())));
    if faulty {
        let after = s.faults.delay_after_ms.load(Ordering::SeqCst);
        if after > 0 {
            tokio::time::sleep(Duration::from_millis(after)).await;
        }
    }
    answer(result)
}

async fn lookup(State(s): State<ServiceState>, Json(b): Json<KeyBody>) -> Response {
    answer(s.issuer.lookup_or_block(&b.key).await.map(|authorization| LookupAnswer { authorization }))
}

async fn authorization(State(s): State<ServiceState>, Path(id): Path<String>) -> Response {
    answer(s.issuer.authorization(&id).await)
}

async fn capture(State(s): State<ServiceState>, Path(id): Path<String>, Json(b): Json<AmountBody>) -> Response {
    answer(s.issuer.capture(&id, b.amount_minor, &b.key).await)
}

async fn capture_part(State(s): State<ServiceState>, Path(id): Path<String>, Json(b): Json<AmountBody>) -> Response {
    answer(s.issuer.capture_part(&id, b.amount_minor, &b.key).await)
}

async fn release_part(State(s): State<ServiceState>, Path(id): Path<String>, Json(b): Json<AmountBody>) -> Response {
    answer(s.issuer.release_part(&id, b.amount_minor, &b.key).await)
}

async fn void(State(s): State<ServiceState>, Path(id): Path<String>, Json(b): Json<KeyBody>) -> Response {
    answer(s.issuer.void(&id, &b.key).await)
}

async fn refund(State(s): State<ServiceState>, Path(id): Path<String>, Json(b): Json<AmountBody>) -> Response {
    answer(s.issuer.refund(&id, b.amount_minor, &b.key).await)
}

async fn refund_status(State(s): State<ServiceState>, Path(id): Path<String>) -> Response {
    answer(s.issuer.refund_status(&id).await)
}

async fn set_faults(State(s): State<ServiceState>, Json(f): Json<FaultSpec>) -> Response {
    s.faults.delay_before_ms.store(f.delay_before_processing_ms, Ordering::SeqCst);
    s.faults.delay_after_ms.store(f.delay_after_processing_ms, Ordering::SeqCst);
    s.faults.remaining.store(f.count, Ordering::SeqCst);
    Json(f).into_response()
}

async fn advance_clock(State(s): State<ServiceState>, Json(b): Json<ClockBody>) -> Response {
    s.clock_offset_s.fetch_add(b.advance_seconds.max(0), Ordering::SeqCst);
    Json(serde_json::json!({ "advanced": b.advance_seconds.max(0) })).into_response()
}

/// The platform's client for an issuer service.
#[derive(Clone)]
pub struct HttpIssuerClient {
    base: String,
    client: reqwest::Client,
}

/// How long the platform waits for an issuer by default.
pub const ISSUER_TIMEOUT: Duration = Duration::from_secs(5);

impl HttpIssuerClient {
    /// A client for `base` (such as `http://127.0.0.1:7070`) that gives up after `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, IssuerError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| IssuerError::Unavailable(e.to_string()))?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), client })
    }

    async fn send<T: for<'de> Deserialize<'de>>(&self, request: reqwest::RequestBuilder) -> Result<T, IssuerError> {
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                IssuerError::Timeout
            } else {
                IssuerError::Unavailable("the issuer could not be reached".into())
            }
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| {
            if e.is_timeout() {
                IssuerError::Timeout
            } else {
                IssuerError::Unavailable("the issuer's answer was cut off".into())
            }
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|_| IssuerError::Unavailable("the issuer's answer is unreadable".into()));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(b) => Err(b.error),
            Err(_) => Err(IssuerError::Unavailable(format!("the issuer answered {status}"))),
        }
    }

    pub(crate) async fn verify(&self, card: &CardInput, merchant_country: &str) -> Result<Verification, IssuerError> {
        let body = VerifyBody { card: card.clone(), merchant_country: merchant_country.to_owned() };
        self.send(self.client.post(format!("{}/v1/verify", self.base)).json(&body)).await
    }

    pub(crate) async fn authorize(&self, request: &AuthorizeRequest) -> Result<Authorization, IssuerError> {
        self.send(self.client.post(format!("{}/v1/authorize", self.base)).json(request)).await
    }

    pub(crate) async fn lookup_or_block(&self, key: &str) -> Result<Option<Authorization>, IssuerError> {
        let a: LookupAnswer = self
            .send(self.client.post(format!("{}/v1/lookup", self.base)).json(&KeyBody { key: key.to_owned() }))
            .await?;
        Ok(a.authorization)
    }

    pub(crate) async fn authorization(&self, id: &str) -> Result<Authorization, IssuerError> {
        self.send(self.client.get(format!("{}/v1/authorizations/{id}", self.base))).await
    }

    pub(crate) async fn capture(&self, id: &str, amount_minor: i64, key: &str) -> Result<Authorization, IssuerError> {
        let body = AmountBody { amount_minor, key: key.to_owned() };
        self.send(self.client.post(format!("{}/v1/authorizations/{id}/capture", self.base)).json(&body)).await
    }

    pub(crate) async fn capture_part(
        &self,
        id: &str,
        amount_minor: i64,
        key: &str,
    ) -> Result<Authorization, IssuerError> {
        let body = AmountBody { amount_minor, key: key.to_owned() };
        self.send(self.client.post(format!("{}/v1/authorizations/{id}/capture_part", self.base)).json(&body)).await
    }

    pub(crate) async fn release_part(
        &self,
        id: &str,
        amount_minor: i64,
        key: &str,
    ) -> Result<Authorization, IssuerError> {
        let body = AmountBody { amount_minor, key: key.to_owned() };
        self.send(self.client.post(format!("{}/v1/authorizations/{id}/release_part", self.base)).json(&body)).await
    }

    pub(crate) async fn void(&self, id: &str, key: &str) -> Result<Authorization, IssuerError> {
        let body = KeyBody { key: key.to_owned() };
        self.send(self.client.post(format!("{}/v1/authorizations/{id}/void", self.base)).json(&body)).await
    }

    pub(crate) async fn refund(&self, id: &str, amount_minor: i64, key: &str) -> Result<Refund, IssuerError> {
        let body = AmountBody { amount_minor, key: key.to_owned() };
        self.send(self.client.post(format!("{}/v1/authorizations/{id}/refund", self.base)).json(&body)).await
    }

    pub(crate) async fn refund_status(&self, id: &str) -> Result<Refund, IssuerError> {
        self.send(self.client.get(format!("{}/v1/refunds/{id}", self.base))).await
    }

    /// Injects faults into the service's next authorizations (test tooling).
    pub async fn set_faults(&self, spec: &FaultSpec) -> Result<(), IssuerError> {
        let _: FaultSpec = self.send(self.client.post(format!("{}/v1/faults", self.base)).json(spec)).await?;
        Ok(())
    }

    /// Moves the service's clock forward (test tooling).
    pub async fn advance_clock(&self, seconds: i64) -> Result<(), IssuerError> {
        let _: serde_json::Value = self
            .send(self.client.post(format!("{}/v1/clock", self.base)).json(&ClockBody { advance_seconds: seconds }))
            .await?;
        Ok(())
    }
}
