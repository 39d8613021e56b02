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

use crate::extract::{request_id_header, BODY_BYTES_MAX};
use crate::openapi::{Api, Endpoint};
use crate::{AppState, Mode};

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
