//! `Idempotency-Key` for every mutating call, as one layer.
//!
//! A request with a key is fingerprinted (method, path, query, body). A stored record for the key and
//! caller replays the first response with `Idempotent-Replayed: true`; another body answers 422; a
//! request still running with the key answers 409. Handlers that change state run their command
//! through [`AppState::execute`], which writes the record in the same transaction as the effect, so a
//! crash can never leave one without the other. Other successful responses are recorded by the layer
//! afterwards. Responses are stored sealed under a key derived from the caller's own key, so the
//! database alone never reveals a token that a response carried.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use store::IdempotencyRecord;

use crate::error::ApiError;
use crate::extract::too_large;
use crate::secrets::{open_once, seal_once};
use crate::AppState;

/// Longest accepted key.
pub const IDEMPOTENCY_KEY_LENGTH_MAX: usize = 255;
/// Records are kept at least this long.
pub const IDEMPOTENCY_RECORD_TTL_S: i64 = 48 * 3600;

/// Status of a record whose key is bound to an operation's object but not answered yet.
pub const BOUND_STATUS: u16 = 0;

/// What a handler needs to record its response atomically with its effect.
#[derive(Clone)]
pub struct IdempotencyContext {
    pub(crate) key_hash: Vec<u8>,
    pub(crate) fingerprint: Vec<u8>,
    pub(crate) seal_key: [u8; 32],
    /// The object an earlier request with this key bound in its first step and never answered for
    /// (a crash or a lost connection): the handler resumes that operation instead of starting anew.
    pub(crate) resume: Option<String>,
}

impl IdempotencyContext {
    /// Binds the key to `resource` in the first step of a multi-step operation, in that step's
    /// transaction: if the answer is never recorded, a retry with the key resumes this operation.
    pub(crate) fn bind(&self, tx: &mut store::WriteTx<'_>, resource: &str, now: i64) -> Result<(), store::StoreError> {
        tx.bind_idempotency_key(&self.key_hash, &self.fingerprint, resource, now)
    }

    /// The answer to a first step whose key turned out to be bound already (another request with it
    /// is running in another process).
    pub(crate) fn busy() -> ApiError {
        ApiError::idempotency(StatusCode::CONFLICT, crate::msg!("err-idempotency-in-flight"))
    }

    /// The record for a response.
    pub(crate) fn record(&self, status: StatusCode, body: &[u8], now: i64) -> IdempotencyRecord {
        IdempotencyRecord {
            fingerprint: self.fingerprint.clone(),
            status: status.as_u16(),
            sealed_body: seal_once(&self.seal_key, body),
            created_at: now,
        }
    }

    /// The response a stored record replays, or an error if it is another request's.
    pub(crate) fn replay(&self, record: &IdempotencyRecord) -> Response {
        if record.fingerprint != self.fingerprint {
            return ApiError::idempotency(StatusCode::UNPROCESSABLE_ENTITY, crate::msg!("err-idempotency-mismatch"))
                .into_response();
        }
        if record.status == BOUND_STATUS {
            return Self::busy().into_response();
        }
        let Some(body) = open_once(&self.seal_key, &record.sealed_body) else {
            tracing::error!("an idempotency record could not be opened");
            return ApiError::internal().into_response();
        };
        let status = StatusCode::from_u16(record.status).unwrap_or(StatusCode::OK);
        let mut response =
            if status == StatusCode::NO_CONTENT { status.into_response() } else { (status, body).into_response() };
        let headers = response.headers_mut();
        if status != StatusCode::NO_CONTENT {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }
}

/// Marks a response whose idempotency record was written with its effect.
#[derive(Clone, Copy)]
pub struct Recorded;

/// Keys of requests now running, per process. A second process is covered by the record's
/// unique key: the later transaction fails and replays the first one's answer.
#[derive(Default, Clone)]
pub struct InFlight(Arc<Mutex<HashSet<Vec<u8>>>>);

/// Holds a key in [`InFlight`] until dropped.
pub(crate) struct InFlightGuard {
    set: InFlight,
    key: Vec<u8>,
}

impl InFlight {
    /// Marks `key` as in progress, or `None` if it already is (in this process).
    pub(crate) fn try_hold(&self, key: Vec<u8>) -> Option<InFlightGuard> {
        let mut set = self.0.lock().ok()?;
        if !set.insert(key.clone()) {
            return None;
        }
        Some(InFlightGuard { set: self.clone(), key })
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.0.lock() {
            set.remove(&self.key);
        }
    }
}

/// The layer.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get("idempotency-key").cloned() else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= IDEMPOTENCY_KEY_LENGTH_MAX
                && k.bytes().all(|b| (0x21..0x7f).contains(&b)) =>
        {
            k.to_owned()
        }
        _ => {
            return ApiError::invalid(
                "Idempotency-Key",
                crate::msg!("err-idempotency-key-invalid", max = IDEMPOTENCY_KEY_LENGTH_MAX),
            )
            .into_response()
        }
    };
    let (parts, body) = req.into_parts();
    let route = parts.extensions.get::<axum::extract::MatchedPath>().map(axum::extract::MatchedPath::as_str);
    let limit = crate::extract::body_limit(route);
    let Ok(bytes) = to_bytes(body, limit).await else {
        return too_large().into_response();
    };
    let scope = parts.headers.get(header::AUTHORIZATION).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let mut scoped_key = Sha256::digest(&scope).to_vec();
    scoped_key.extend_from_slice(key.as_bytes());
    let key_hash = state.secret.keyed_hash("idempotency-key", &scoped_key);
    let seal_key: [u8; 32] = state.secret.keyed_hash("idempotency-seal", &scoped_key).try_into().unwrap_or([0; 32]);
    let mut fp = Sha256::new();
    fp.update(parts.method.as_str());
    fp.update([0]);
    fp.update(parts.uri.path());
    fp.update([0]);
    fp.update(parts.uri.query().unwrap_or(""));
    fp.update([0]);
    fp.update(&bytes);
    let mut context =
        IdempotencyContext { key_hash: key_hash.clone(), fingerprint: fp.finalize().to_vec(), seal_key, resume: None };

    let lookup = key_hash.clone();
    match state.store.read(move |tx| tx.idempotency_record(&lookup)).await {
        Ok(Some(record)) if record.status == BOUND_STATUS && record.fingerprint == context.fingerprint => {
            // Bound by a first step and never answered: the handler resumes that operation.
            context.resume = Some(String::from_utf8_lossy(&record.sealed_body).into_owned());
        }
        Ok(Some(record)) => return context.replay(&record),
        Ok(None) => {}
        Err(e) => return ApiError::from(e).into_response(),
    }
    let _guard = {
        let Ok(mut set) = state.in_flight.0.lock() else { return ApiError::internal().into_response() };
        if !set.insert(key_hash.clone()) {
            return ApiError::idempotency(StatusCode::CONFLICT, crate::msg!("err-idempotency-in-flight"))
                .into_response();
        }
        InFlightGuard { set: state.in_flight.clone(), key: key_hash }
    };
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(context.clone());
    let response = next.run(req).await;
    if response.extensions().get::<Recorded>().is_some() || !response.status().is_success() {
        return response;
    }
    // A successful answer from a handler that did not record it with its effect: record it now.
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else { return ApiError::internal().into_response() };
    let record = context.record(parts.status, &body, state.clock.now());
    let key_hash = context.key_hash.clone();
    let stored = state.store.write(move |tx| tx.insert_idempotency_record(&key_hash, &record)).await;
    if let Err(e) = stored {
        if !e.is_duplicate() {
            tracing::error!(error = %e, "could not store an idempotency record");
        }
    }
    Response::from_parts(parts, Body::from(body))
}
