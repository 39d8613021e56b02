//! The HTTP face of Pocketpay: the JSON API of docs/API.md (and later the web pages), sessions and API
//! keys, idempotency, request ids and logs, the OpenAPI document, and the background workers
//! (outbox delivery, hold expiry, pruning).
//!
//! Architecture invariant: only this crate knows HTTP and JSON. Handlers parse requests into domain
//! types, run one command on the store's writer, and render the answer; business rules live in
//! `domain`, SQL in `store`.
#![forbid(unsafe_code)]

pub mod auth;
pub mod balance;
pub mod clock;
pub mod error;
pub mod events;
pub mod extract;
pub mod failpoint;
pub mod i18n;
pub mod idempotency;
mod jobs;
pub mod metrics;
pub mod openapi;
mod openapi_schemas;
mod ops;
pub mod payment_method;
pub mod pocket;
pub mod relay;
pub mod routes;
pub mod secrets;
pub mod views;
pub mod web;
pub mod webhooks;
pub mod wire;
mod workers;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use store::{Store, StoreConfig, StoreError, WriteTx};

pub use clock::Clock;
pub use error::{ApiError, ApiResponse};
use idempotency::{IdempotencyContext, InFlight, Recorded};
pub use secrets::ServerSecret;

/// Test mode uses the test issuer and exposes `/v1/test/*`; live mode does neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Test,
    Live,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub mode: Mode,
    pub data_dir: PathBuf,
    /// `POCKETPAY_DATABASE_URL`: a PostgreSQL database (`postgres://…`) instead of the SQLite file in
    /// the data directory. Several servers may share one; they then behave as one server.
    pub database_url: Option<String>,
    /// `POCKETPAY_SECRET` if set (64 hex characters); else `<data_dir>/secret.key`, generated in test mode.
    pub secret_hex: Option<String>,
    pub operator_bootstrap: Option<(String, String)>,
    pub session_ttl_s: i64,
    /// Failed sign-ins per email in the window before sign-in waits.
    pub login_failures_max: u32,
    /// Failed sign-ins from one address (any emails) in the window before sign-in from it waits.
    pub login_failures_per_address_max: u32,
    pub login_failure_window_s: i64,
    pub email_code_ttl_s: i64,
    pub email_code_attempts_max: i64,
    /// How often the background workers look for due work.
    pub worker_interval_ms: u64,
    /// With several processes on one PostgreSQL database, how long the process running the
    /// background jobs keeps them without renewing its lease (`POCKETPAY_JOBS_LEASE_TTL_MS`): if it
    /// dies, another process takes the jobs over within this time.
    pub jobs_lease_ttl_ms: i64,
    /// On PostgreSQL, how long a request waits for its write to be answered before it is told the
    /// outcome is unknown (503; a retry with its Idempotency-Key settles it):
    /// `POCKETPAY_PG_ANSWER_WAIT_MS`. A commit waits for a synchronous standby; this bounds it.
    pub pg_answer_wait_ms: u64,
    /// This process's name among those sharing a database (`POCKETPAY_PROCESS_NAME`; each must
    /// differ), shown as the holder of the jobs' lease; a random one if unset.
    pub process_name: Option<String>,
    /// Card brands the platform takes.
    pub accepted_brands: domain::cards::AcceptedBrands,
    /// `POCKETPAY_VAULT_KEYS` if set; else `<data_dir>/vault.keys`, generated in test mode.
    pub vault_keys: Option<String>,
    /// `POCKETPAY_ISSUER_URL`: an issuer service over HTTP; else the in-process test issuer (test mode only).
    pub issuer_url: Option<String>,
    /// How long to wait for the issuer.
    pub issuer_timeout: std::time::Duration,
    /// Gift-card denominations, cap and expiry.
    pub gift_cards: domain::gift_cards::GiftCardRules,
    /// When a payment needs a one-time code.
    pub risk: domain::checkout::RiskConfig,
    /// A card typed at checkout (not saved in the card manager beforehand) needs a code.
    pub step_up_new_cards: bool,
    /// Platform spending limits per buyer.
    pub spending_limits: domain::checkout::SpendingLimits,
    /// Web session cookies carry `Secure` (browsers keep them on `https://` and on localhost).
    /// `POCKETPAY_INSECURE_COOKIES=1` drops it, for plain HTTP on another host in a test setup.
    pub web_secure_cookies: bool,
    /// Where email and SMS go (`POCKETPAY_MESSAGE_RELAY_URL` and `…_SECRET`); without it, test mode
    /// keeps them in the test inbox and live mode keeps them waiting in the outbox.
    pub message_relay: Option<relay::RelayConfig>,
    /// Steps where the process stops as a crash would (`POCKETPAY_FAILPOINTS`, test mode only).
    pub failpoints: failpoint::Failpoints,
    /// The platform's fee on a sale, in basis points, for merchants without a fee schedule of their
    /// own (`POCKETPAY_PLATFORM_FEE_BPS`, default 500 = 5 %).
    pub platform_fee_bps: i64,
    /// The test bank's database file (`POCKETPAY_TEST_BANK_FILE`; default `<data_dir>/bank.db`). Processes
    /// on one machine sharing a PostgreSQL database name one file, so the test bank is one bank to them
    /// all (its calls lock the file; a payout is keyed by its id wherever it is sent from).
    pub test_bank_file: Option<PathBuf>,
    /// Payments with a card part above this amount (minor units of the order's currency) need a
    /// document an operator reviews, whatever else they have (`POCKETPAY_DOCUMENT_REVIEW_AMOUNT_MINOR`,
    /// default 150000 = 1,500.00, below the test cards' daily limit of 2,000.00; `off` for never).
    pub document_review_amount_minor: Option<i64>,
    /// Whether to keep metrics (set when `POCKETPAY_METRICS_LISTEN` is): see [`metrics`].
    pub metrics: bool,
}

impl ServerConfig {
    /// Defaults for a data directory.
    pub fn new(mode: Mode, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            mode,
            data_dir: data_dir.into(),
            database_url: None,
            secret_hex: None,
            operator_bootstrap: None,
            session_ttl_s: 7 * 24 * 3600,
            login_failures_max: 5,
            login_failures_per_address_max: 50,
            login_failure_window_s: 15 * 60,
            email_code_ttl_s: 30 * 60,
            email_code_attempts_max: 5,
            worker_interval_ms: 250,
            jobs_lease_ttl_ms: 30_000,
            pg_answer_wait_ms: 30_000,
            process_name: None,
            accepted_brands: domain::cards::AcceptedBrands::all(),
            vault_keys: None,
            issuer_url: None,
            issuer_timeout: issuer::http::ISSUER_TIMEOUT,
            gift_cards: domain::gift_cards::GiftCardRules::default_usd(),
            risk: domain::checkout::RiskConfig::default(),
            step_up_new_cards: true,
            spending_limits: domain::checkout::SpendingLimits::default(),
            web_secure_cookies: true,
            message_relay: None,
            failpoints: failpoint::Failpoints::default(),
            platform_fee_bps: 500,
            test_bank_file: None,
            document_review_amount_minor: Some(150_000),
            metrics: false,
        }
    }

    /// True in live mode.
    pub fn live_mode(&self) -> bool {
        self.mode == Mode::Live
    }

    /// The database file inside the data directory.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("pocketpay.db")
    }

    /// Where the store lives: the PostgreSQL database if one is set, else the file.
    pub fn store_config(&self) -> StoreConfig {
        let mut config = StoreConfig::new(self.database_path());
        config.database_url = self.database_url.clone();
        config.pg_answer_wait_max = std::time::Duration::from_millis(self.pg_answer_wait_ms.max(100));
        config
    }
}

/// Shared state of every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub secret: ServerSecret,
    pub clock: Clock,
    pub config: Arc<ServerConfig>,
    /// The card vault; written only by key rotation.
    pub vault: Arc<std::sync::RwLock<vault::Vault>>,
    /// The way to the card issuer.
    pub issuer: issuer::Connector,
    /// The bank rail payouts go to: the test bank in test mode; none in live mode yet (payouts are
    /// made and wait, pending, for a rail).
    pub bank: Option<balance::Rail>,
    /// Payments waiting for a one-time code, with the card to authorize once it is confirmed.
    pub(crate) pending_payments: Arc<std::sync::Mutex<std::collections::HashMap<String, ops::paying::PendingPayment>>>,
    pub(crate) in_flight: InFlight,
    /// The message relay, when one is configured.
    pub(crate) relay: Option<Arc<relay::Relay>>,
    /// Held while the background jobs run, so that a run of the workers' tick and one asked for by
    /// the test clock never overlap: when the clock's call returns, every job that fell due has run.
    pub(crate) jobs: Arc<tokio::sync::Mutex<()>>,
    /// This process's name in job leases (several processes may share a PostgreSQL database).
    pub(crate) process_id: Arc<str>,
    /// The metrics, when they are kept.
    pub metrics: Option<Arc<metrics::Metrics>>,
}

/// How a command run by [`AppState::execute`] ended when it did not commit: refused with an error
/// answer (its writes rolled back), or failed in the store.
enum Answer {
    Refused((StatusCode, Vec<u8>, Option<u64>)),
    Store(StoreError),
}

impl From<StoreError> for Answer {
    fn from(e: StoreError) -> Self {
        Answer::Store(e)
    }
}

/// What a command sees besides the transaction.
pub struct CommandContext {
    pub now: i64,
    pub request_id: String,
    /// The language the answer is written in.
    pub locale: i18n::Locale,
}

impl CommandContext {
    /// An error answer that still commits what the command wrote (for example a counted failed attempt).
    pub fn error_response(&self, e: ApiError) -> ApiResponse {
        ApiResponse { status: e.status, body: e.body_in(&self.request_id, self.locale) }
    }
}

impl AppState {
    /// Stops the process here if a crash test asked for it (see [`failpoint`]).
    pub(crate) fn failpoint(&self, step: &'static str) {
        self.config.failpoints.hit(step);
    }

    /// Runs a command on the writer and answers once it is durable. With an idempotency context,
    /// the response is recorded in the same transaction as the effect: if another request with the
    /// same key won the race, this one's effect is rolled back and the winner's answer replayed.
    /// An `Err` from the command rolls back all it wrote (business 4xx answers are still recorded).
    pub async fn execute<F>(&self, idempotency: Option<IdempotencyContext>, command: F) -> Response
    where
        F: FnOnce(&mut WriteTx<'_>, &CommandContext) -> Result<ApiResponse, ApiError> + Send + 'static,
    {
        let ctx =
            CommandContext { now: self.clock.now(), request_id: error::current_request_id(), locale: i18n::current() };
        let context = idempotency.clone();
        let outcome = self
            .store
            .write(move |tx| -> Result<(StatusCode, Vec<u8>, Option<u64>), Answer> {
                let bytes_of = |status: StatusCode, body: &serde_json::Value| {
                    if status == StatusCode::NO_CONTENT {
                        Vec::new()
                    } else {
                        serde_json::to_vec(body).unwrap_or_default()
                    }
                };
                let Some(context) = &context else {
                    // No record to keep: the command runs in the command's own savepoint, and an
                    // error answer rolls that back (one savepoint level instead of two).
                    return match command(tx, &ctx) {
                        Ok(r) => Ok((r.status, bytes_of(r.status, &r.body), None)),
                        Err(e) => Err(Answer::Refused((
                            e.status,
                            bytes_of(e.status, &e.body_in(&ctx.request_id, ctx.locale)),
                            e.retry_after_s,
                        ))),
                    };
                };
                // The record commits even when the command's effects roll back (its inner savepoint).
                let (status, body, retry_after) = match tx.savepoint(|tx| command(tx, &ctx)) {
                    Ok(r) => (r.status, r.body, None),
                    Err(e) => (e.status, e.body_in(&ctx.request_id, ctx.locale), e.retry_after_s),
                };
                let bytes = bytes_of(status, &body);
                if !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS {
                    tx.insert_idempotency_record(&context.key_hash, &context.record(status, &bytes, ctx.now))?;
                }
                Ok((status, bytes, retry_after))
            })
            .await;
        let outcome = match outcome {
            Ok(answer) | Err(Answer::Refused(answer)) => Ok(answer),
            Err(Answer::Store(e)) => Err(e),
        };
        match outcome {
            Ok((status, bytes, retry_after)) => {
                let mut response = if status == StatusCode::NO_CONTENT {
                    status.into_response()
                } else {
                    (status, bytes).into_response()
                };
                if status != StatusCode::NO_CONTENT {
                    response.headers_mut().insert(
                        axum::http::header::CONTENT_TYPE,
                        axum::http::HeaderValue::from_static("application/json"),
                    );
                }
                if let Some(s) = retry_after.and_then(|s| s.to_string().parse().ok()) {
                    response.headers_mut().insert(axum::http::header::RETRY_AFTER, s);
                }
                response.extensions_mut().insert(Recorded);
                response
            }
            Err(e) if e.is_duplicate() && idempotency.is_some() => {
                let Some(context) = idempotency else { return ApiError::internal().into_response() };
                let key_hash = context.key_hash.clone();
                match self.store.read(move |tx| tx.idempotency_record(&key_hash)).await {
                    Ok(Some(record)) => context.replay(&record),
                    Ok(None) => ApiError::internal().into_response(),
                    Err(e) => ApiError::from(e).into_response(),
                }
            }
            Err(e) => ApiError::from(e).into_response(),
        }
    }
}

/// A built application: its router and its state.
pub struct App {
    pub router: axum::Router,
    pub state: AppState,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
    #[error("creating the operator from POCKETPAY_OPERATOR_EMAIL: {0}")]
    Operator(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("card vault: {0}")]
    Vault(#[from] vault::VaultError),
    #[error("issuer: {0}")]
    Issuer(String),
    #[error("message relay: {0}")]
    Relay(String),
    #[error("failpoints stop the server on purpose, for crash tests: test mode only")]
    Failpoints,
}

/// Opens the store, loads the secret, bootstraps the operator and builds the router.
pub async fn build(config: ServerConfig) -> Result<App, StartError> {
    if config.mode == Mode::Live && !config.failpoints.is_empty() {
        return Err(StartError::Failpoints);
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let secret = ServerSecret::load(
        config.secret_hex.as_deref(),
        &config.data_dir.join("secret.key"),
        config.mode == Mode::Test,
    )?;
    let vault = vault::Vault::open(&vault::VaultConfig {
        key_file: config.data_dir.join("vault.keys"),
        env_value: config.vault_keys.clone(),
        generate_if_missing: config.mode == Mode::Test,
    })?;
    let clock = Clock::default();
    let issuer = match (&config.issuer_url, config.mode) {
        (Some(url), _) => issuer::Connector::Http(
            issuer::http::HttpIssuerClient::new(url, config.issuer_timeout)
                .map_err(|e| StartError::Issuer(e.to_string()))?,
        ),
        (None, Mode::Test) => {
            let issuer_clock = clock.clone();
            let now: issuer::test_issuer::NowFn = Arc::new(move || issuer_clock.now());
            let test_issuer = issuer::TestIssuer::open(&config.data_dir.join("issuer.db"), now)
                .map_err(|e| StartError::Issuer(e.to_string()))?;
            issuer::Connector::InProcess(Arc::new(test_issuer))
        }
        (None, Mode::Live) => {
            return Err(StartError::Issuer(
                "live mode needs POCKETPAY_ISSUER_URL: the test issuer serves test mode only".into(),
            ))
        }
    };
    let bank: Option<balance::Rail> = match config.mode {
        Mode::Test => {
            let bank_clock = clock.clone();
            let now: bank::NowFn = Arc::new(move || bank_clock.now());
            let file = config.test_bank_file.clone().unwrap_or_else(|| config.data_dir.join("bank.db"));
            let test_bank =
                bank::TestBank::open(&file, now).map_err(|e| StartError::Issuer(format!("test bank: {e}")))?;
            Some(Arc::new(test_bank))
        }
        Mode::Live => {
            tracing::warn!("no bank rail is configured: payouts are created and wait, pending, for one");
            None
        }
    };
    let relay = match &config.message_relay {
        Some(r) => Some(Arc::new(relay::Relay::new(r, config.mode == Mode::Live).map_err(StartError::Relay)?)),
        None if config.mode == Mode::Live => {
            tracing::warn!("no message relay is configured (POCKETPAY_MESSAGE_RELAY_URL): emails and SMS, one-time codes included, wait in the outbox");
            None
        }
        None => None,
    };
    let metrics = config.metrics.then(|| Arc::new(metrics::Metrics::new()));
    let mut store_config = config.store_config();
    store_config.observer = metrics.clone().map(|m| m as Arc<dyn store::WriterObserver>);
    let store = Store::open(store_config)?;
    let process_id: Arc<str> = config.process_name.clone().unwrap_or_else(|| secrets::random_id("proc")).into();
    let state = AppState {
        store,
        secret,
        clock,
        config: Arc::new(config),
        vault: Arc::new(std::sync::RwLock::new(vault)),
        issuer,
        bank,
        pending_payments: Arc::default(),
        in_flight: InFlight::default(),
        relay,
        jobs: Arc::default(),
        process_id,
        metrics,
    };
    // A number of its own among the processes on this database, for the keys it makes.
    let started = state.clock.now();
    let node = state.store.write(move |tx| tx.register_node(started)).await?;
    secrets::set_node(node);
    if let Some((email, password)) = state.config.operator_bootstrap.clone() {
        match routes::accounts::create_operator(&state.store, &email, &password, state.clock.now()).await {
            Ok(_) => tracing::info!("operator created from the bootstrap environment variables"),
            Err(routes::accounts::OperatorCreateError::Exists) => {}
            Err(e) => return Err(StartError::Operator(e.to_string())),
        }
    }
    let router = router(state.clone());
    let workers = workers::start(state.clone());
    Ok(App { router, state, workers })
}

/// The application router: endpoints, `/openapi.json`, and the layers every request passes.
pub fn router(state: AppState) -> axum::Router {
    let (api_router, endpoints) = routes::endpoints(&state);
    let document = std::sync::Arc::new(crate::openapi_schemas::document(&endpoints));
    let api = api_router
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json((*document).clone()) }
            }),
        )
        .fallback(extract::unknown_route)
        .method_not_allowed_fallback(extract::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::idempotency::layer));
    let api: axum::Router = routes::request_layers(api).with_state(state.clone());
    let metrics = state.metrics.clone();
    // The pages call `api` in process: such a call passes its layers again, with an id of its own.
    let pages = routes::request_layers(crate::web::router(state, api.clone()));
    let all = pages.merge(api);
    match metrics {
        // Wraps each route (after routing, so the route's template is known); the pages' in-process
        // calls of the API go to `api` itself and are not counted twice.
        Some(m) => all.layer(axum::middleware::from_fn_with_state(m, crate::metrics::track)),
        None => all,
    }
}

impl App {
    /// The application router, to call the API in process (benchmarks) with every layer a request
    /// over HTTP passes.
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// The router of the metrics listener (`GET /metrics`), when metrics are kept.
    pub fn metrics_router(&self) -> Option<axum::Router> {
        metrics::router(self.state.clone())
    }

    /// Stops the background workers and drains the writer, for an application driven in process
    /// (through [`App::router`]) rather than served.
    pub async fn stop(self) {
        for w in self.workers {
            w.abort();
        }
        workers::release_jobs_lease(&self.state).await;
        self.state.store.shutdown().await;
    }

    /// Serves on `listener` until `shutdown` completes, then drains the writer.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let App { router, state, workers } = self;
        // The client's address reaches handlers as `ConnectInfo<SocketAddr>`, as with a plain listener.
        let router = router.layer(axum::middleware::map_request(|mut request: axum::extract::Request| async move {
            if let Some(axum::extract::ConnectInfo(wire::ClientAddr(peer))) = request.extensions().get().copied() {
                request.extensions_mut().insert(axum::extract::ConnectInfo::<SocketAddr>(peer));
            }
            request
        }));
        let service = router.into_make_service_with_connect_info::<wire::ClientAddr>();
        let served = axum::serve(wire::GuardedListener(listener), service).with_graceful_shutdown(shutdown).await;
        for w in workers {
            w.abort();
        }
        workers::release_jobs_lease(&state).await;
        state.store.shutdown().await;
        served
    }
}
