//! The API's routes, one module per area, registered in one place with their documentation.

pub mod accounts;
pub mod api_keys;
pub mod balance;
pub mod cards;
pub mod claims;
pub mod events;
pub mod gift_cards;
pub mod list;
pub mod metadata;
pub mod password_resets;
pub mod payouts;
pub mod refunds;
pub mod search;
pub mod security_questions;
pub mod shop;
pub mod system;
pub mod tickets;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::extract::{method_not_allowed, request_id_header, unknown_route, BODY_BYTES_MAX};
use crate::openapi::{Api, Endpoint};
use crate::{AppState, Mode};

/// The largest body a route takes: the document upload's, or [`BODY_BYTES_MAX`]. The route applies
/// it itself; layers that read the body first (idempotency) ask here by the matched route.
pub fn body_limit(route: Option<&str>) -> usize {
    match route {
        Some(shop::UPLOAD_ROUTE) => shop::UPLOAD_BYTES_MAX,
        _ => BODY_BYTES_MAX,
    }
}

/// Every endpoint of this server, in registration order.
pub fn endpoints(state: &AppState) -> (Router<AppState>, Vec<Endpoint>) {
    let mut api = Api::new();
    api = accounts::register(api);
    api = api_keys::register(api);
    api = password_resets::register(api);
    api = cards::register(api);
    api = gift_cards::register(api);
    api = shop::register(api);
    api = shop::register_reviews(api);
    api = security_questions::register(api);
    api = refunds::register(api);
    api = claims::register(api);
    api = balance::register(api);
    api = payouts::register(api);
    api = events::register(api);
    api = tickets::register(api);
    api = search::register(api);
    api = metadata::register(api);
    api = system::register(api);
    if state.config.mode == Mode::Test {
        api = system::register_test_mode(api);
        api = gift_cards::register_test_mode(api);
    }
    api.finish()
}

/// The application router: endpoints, `/openapi.json`, and the layers every request passes.
pub fn router(state: AppState) -> Router {
    let (api_router, endpoints) = endpoints(&state);
    let document = std::sync::Arc::new(crate::openapi::document(&endpoints));
    let api = api_router
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json((*document).clone()) }
            }),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), crate::idempotency::layer));
    let api: Router = request_layers(api).with_state(state.clone());
    let metrics = state.metrics.clone();
    // The pages call `api` in process: such a call passes its layers again, with an id of its own.
    let pages = request_layers(crate::web::router(state, api.clone()));
    let all = pages.merge(api);
    match metrics {
        // Wraps each route (after routing, so the route's template is known); the pages' in-process
        // calls of the API go to `api` itself and are not counted twice.
        Some(m) => all.layer(middleware::from_fn_with_state(m, crate::metrics::track)),
        None => all,
    }
}

/// The layers every request passes (the API's and the pages'), outermost first, all from `tower-http`
/// but the context: a `Request-Id` a client sent is dropped, and the request gets its id (a sane
/// `X-Request-Id` of the client's, else a new `req_…`), echoed in the answer's `Request-Id`; its span
/// and one access-log line; its context (the id for error bodies, the reader's language); a handler's
/// panic answered as our JSON 500 rather than a dropped connection; and the 1 MiB body limit, which
/// the extractors turn into our 413 (`tower-http`'s `RequestBodyLimitLayer` would answer a plain-text
/// 413 itself, so axum's `DefaultBodyLimit` stays).
pub fn request_layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(crate::extract::request_span)
        .on_request(())
        .on_response(crate::extract::log_response)
        .on_body_chunk(())
        .on_eos(())
        // A 5xx is logged once, at the error level, by `log_response`.
        .on_failure(());
    router.layer(
        ServiceBuilder::new()
            .layer(middleware::map_request(crate::extract::forget_client_request_id))
            .layer(SetRequestIdLayer::new(request_id_header(), crate::extract::RequestIds))
            .layer(PropagateRequestIdLayer::new(request_id_header()))
            .layer(trace)
            .layer(middleware::from_fn(crate::extract::request_context))
            .layer(CatchPanicLayer::custom(crate::extract::answer_panic))
            .layer(DefaultBodyLimit::max(BODY_BYTES_MAX)),
    )
}
