//! Whole requests from outside, through the real router in process: any method and route, any bytes
//! as the body (JSON or form), the `Idempotency-Key`, `Authorization` and `Cookie` headers as given.
//! Never a 5xx, never a panic, and a JSON answer is JSON in our error format when it is an error.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const ROUTES: &[&str] = &[
    "/v1/users", "/v1/users/verify_email", "/v1/sessions", "/v1/me", "/v1/cards", "/v1/cards/card_x",
    "/v1/orders", "/v1/orders/ord_x/pay", "/v1/orders/ord_x/refunds", "/v1/orders/ord_x/claims",
    "/v1/orders/ord_x/cancel", "/v1/payments/pay_x/verify", "/v1/gift_cards/purchase", "/v1/gift_cards/redeem",
    "/v1/products", "/v1/merchants", "/v1/fx/rates/EUR/USD", "/v1/fx/quotes", "/v1/tickets", "/v1/claims/clm_x/respond",
    "/v1/pocket", "/v1/test/inbox?to=a@b.c", "/login", "/signup", "/checkout/prod_x", "/pocket", "/orders",
];

struct World {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    /// Kept for the whole run (its workers and store live as long as the process).
    _app: server::App,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime");
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        let dir = base.join(format!("pocketpay-fuzz-{}", std::process::id()));
        let app = runtime
            .block_on(server::build(server::ServerConfig::new(server::Mode::Test, &dir)))
            .expect("the application builds");
        let router = app.router();
        World { runtime, router, _app: app }
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let w = world();
    let method = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE][usize::from(data[0] % 5)].clone();
    let route = ROUTES[usize::from(data[1]) % ROUTES.len()];
    let flags = data[2];
    let split = usize::from(data[3]).min(data.len() - 4);
    let (header_bytes, body) = data[4..].split_at(split);
    let mut request = Request::builder().method(method).uri(route);
    request = request.header(
        "content-type",
        if flags & 1 == 0 { "application/json" } else { "application/x-www-form-urlencoded" },
    );
    if let Ok(v) = HeaderValue::from_bytes(header_bytes) {
        request = request.header(
            match flags >> 1 & 3 {
                0 => "idempotency-key",
                1 => "authorization",
                2 => "cookie",
                _ => "accept-language",
            },
            v,
        );
    }
    let Ok(request) = request.body(Body::from(body.to_vec())) else { return };
    let (status, content_type, bytes) = w.runtime.block_on(async {
        let response = w.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
        (status, content_type, bytes)
    });
    assert!(!status.is_server_error(), "{status} for {route}: {}", String::from_utf8_lossy(&bytes));
    if content_type.starts_with("application/json") && !bytes.is_empty() {
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON answers are JSON");
        if status.is_client_error() {
            assert!(value["error"]["code"].is_string() && value["error"]["request_id"].is_string(), "{value}");
        }
    }
});
