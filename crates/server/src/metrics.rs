//! Metrics in the Prometheus (OpenMetrics) text format, served on a listen address of their own
//! (`POCKETPAY_METRICS_LISTEN`), never on the public one, and only when it is set: request counts and
//! latencies by route and status, the writer's batch sizes, apply and fsync times and queue depth,
//! what waits in the outbox, and payment attempts by outcome.
//!
//! Built on `prometheus-client`, the Prometheus project's own Rust client (lean: no HTTP stack of its
//! own), rather than hand-written exposition text: its counters and histograms are lock-free and its
//! encoder follows the format's escaping rules.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use store::WriterObserver;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's template (`/v1/orders/{id}`), never the raw path: ids would make a series each.
    route: String,
    method: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    method: &'static str,
    outcome: &'static str,
}

/// A histogram with these buckets (`Family` needs a constructor that is a plain function).
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// Every series this process keeps.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    batch_commands: Histogram,
    batch_seconds: Histogram,
    sync_seconds: Histogram,
    queue_depth: Gauge,
    backlog: Family<QueueLabels, Gauge>,
    attempts: Family<AttemptLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("pocketpay");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route, method and status", requests.clone());
        let request_seconds = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register("http_request_duration_seconds", "Time to answer a request", request_seconds.clone());
        let batch_commands = Histogram::new(exponential_buckets(1.0, 2.0, 13));
        registry.register(
            "store_batch_commands",
            "Commands the writer applied in one transaction",
            batch_commands.clone(),
        );
        let batch_seconds = Histogram::new(exponential_buckets(0.00005, 2.0, 16));
        registry.register(
            "store_batch_seconds",
            "Time to apply and commit one batch (on PostgreSQL: until the commit is durable)",
            batch_seconds.clone(),
        );
        let sync_seconds = Histogram::new(exponential_buckets(0.00005, 2.0, 16));
        registry.register("store_fsync_seconds", "Time of one fdatasync of SQLite's log", sync_seconds.clone());
        let queue_depth = Gauge::default();
        registry.register("store_writer_queue_depth", "Commands waiting for the writer", queue_depth.clone());
        let backlog = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "outbox_backlog",
            "What waits to be sent: emails and SMS not delivered, webhook deliveries not settled",
            backlog.clone(),
        );
        let attempts = Family::<AttemptLabels, Counter>::default();
        registry.register(
            "payment_attempts",
            "Payment attempts, by how they were paid and how they ended",
            attempts.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            batch_commands,
            batch_seconds,
            sync_seconds,
            queue_depth,
            backlog,
            attempts,
        }
    }

    /// Counts a payment attempt: `method` is `card` or `pocket`; `outcome` is `authorized`,
    /// `requires_action`, `declined` or `unknown` (the bank did not say; the healer settles it).
    pub fn payment_attempt(&self, method: &'static str, outcome: &'static str) {
        self.attempts.get_or_create(&AttemptLabels { method, outcome }).inc();
    }

    fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        let (route, method) = (route.to_owned(), method.to_owned());
        self.requests
            .get_or_create(&RequestLabels { route: route.clone(), method: method.clone(), status: status.to_string() })
            .inc();
        self.request_seconds.get_or_create(&RouteLabels { route, method }).observe(took.as_secs_f64());
    }

    /// The exposition text.
    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl WriterObserver for Metrics {
    fn batch_committed(&self, commands: usize, took: Duration) {
        self.batch_commands.observe(commands as f64);
        self.batch_seconds.observe(took.as_secs_f64());
    }

    fn log_synced(&self, _batches: usize, took: Duration) {
        self.sync_seconds.observe(took.as_secs_f64());
    }
}

/// The layer that counts and times every request of a route (pages and API alike).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.request(&route, method.as_str(), response.status().as_u16(), started.elapsed());
    response
}

/// The metrics listener's router: `GET /metrics`.
pub fn router(state: AppState) -> Option<axum::Router> {
    state.metrics.clone()?;
    Some(axum::Router::new().route("/metrics", axum::routing::get(scrape)).with_state(state))
}

async fn scrape(State(state): State<AppState>) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    metrics.queue_depth.set(i64::try_from(state.store.writer_queue_depth()).unwrap_or(i64::MAX));
    match state.store.read(|tx| tx.outbox_backlog()).await {
        Ok((messages, deliveries)) => {
            metrics.backlog.get_or_create(&QueueLabels { queue: "messages" }).set(messages);
            metrics.backlog.get_or_create(&QueueLabels { queue: "webhook_deliveries" }).set(deliveries);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the outbox backlog could not be read"),
    }
    match metrics.encode() {
        Ok(text) => {
            let mut response = text.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            );
            response
        }
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
