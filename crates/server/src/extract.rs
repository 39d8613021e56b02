//! Request plumbing: the JSON extractor that answers in our error format, the body limit, the
//! request's context (id, language), the pieces that the `tower-http` layers of
//! [`crate::routes::request_layers`] are given (request ids, the request's span and access-log line,
//! the answer to a panic), and reading the `Cookie` header (with the `cookie` crate).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::error::{ApiError, REQUEST_ID};

/// Where a request came from, for per-address limits: the peer's IP address, or its /64 network for
/// IPv6 (one host usually holds a whole /64). `None` for a call made in process without one.
pub struct PeerAddress(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(PeerAddress(peer.map(|ip| match ip {
            std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
            std::net::IpAddr::V4(v4) => v4.to_string(),
        })))
    }
}

/// Request bodies larger than this answer 413.
pub const BODY_BYTES_MAX: usize = 1024 * 1024;
/// Largest upload request: the document and the form around it.
pub const UPLOAD_BYTES_MAX: usize = domain::verification::DOCUMENT_BYTES_MAX + 64 * 1024;
/// The upload's route, the one route whose body may be larger than [`BODY_BYTES_MAX`].
pub const UPLOAD_ROUTE: &str = "/v1/payments/{id}/documents";

/// The largest body a route takes: the document upload's, or [`BODY_BYTES_MAX`]. The route applies
/// it itself; layers that read the body first (idempotency) ask here by the matched route.
pub fn body_limit(route: Option<&str>) -> usize {
    match route {
        Some(UPLOAD_ROUTE) => UPLOAD_BYTES_MAX,
        _ => BODY_BYTES_MAX,
    }
}

/// A JSON body parsed into `T` (whose type rejects unknown fields); every failure is an [`ApiError`].
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"))
            .unwrap_or(false);
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::invalid("body", crate::msg!("err-request-body-unreadable"))
            }
        })?;
        if !json_type {
            return Err(ApiError::invalid("body", crate::msg!("err-request-json-content-type")));
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON body that may be left out: an empty body is `None`; anything else is read as [`ApiJson`].
impl<S: Send + Sync, T: DeserializeOwned> axum::extract::OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::invalid("body", crate::msg!("err-request-body-unreadable"))
            }
        })?;
        if bytes.is_empty() {
            return Ok(None);
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        <ApiJson<T> as FromRequest<S>>::from_request(req, state).await.map(Some)
    }
}

/// Query parameters parsed into `T` (whose type rejects unknown fields); a failure is our 400 with
/// the parameter named, never the framework's plain-text answer.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(deserializer).map(ApiQuery).map_err(|e| {
            let param = e.path().to_string();
            let param = if param.is_empty() || param == "." { "query".to_owned() } else { param };
            let why = e.inner().to_string();
            match why.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next()) {
                Some(name) => crate::routes::list::unknown_parameter(name),
                None => ApiError::invalid(param, crate::msg!("err-request-query-invalid", why = &why)),
            }
        })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// The 413 answer.
pub fn too_large() -> ApiError {
    let mut e = ApiError::invalid("body", crate::msg!("err-request-body-too-large", max = BODY_BYTES_MAX));
    e.status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    e.code = "parameter_invalid";
    e
}

/// Parses JSON, turning serde's complaint into the parameter it is about.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    if parsed.is_ok() && deserializer.end().is_err() {
        return Err(ApiError::invalid("body", crate::msg!("err-request-json-trailing")));
    }
    parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let text = inner.to_string();
        let quoted = text.split('`').nth(1).map(str::to_owned);
        let at = |field: String| if path == "." || path.is_empty() { field } else { format!("{path}.{field}") };
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("body", crate::msg!("err-request-json-invalid"))
        } else if text.starts_with("missing field") {
            ApiError::missing(at(quoted.unwrap_or_default()))
        } else if text.starts_with("unknown field") {
            // The path already ends with the unknown field.
            let field = if path == "." || path.is_empty() { quoted.unwrap_or_default() } else { path };
            ApiError::invalid(field.clone(), crate::msg!("err-request-param-unknown", param = field))
        } else {
            let what = text.split(" at line").next().unwrap_or("invalid value").to_owned();
            let param = if path == "." || path.is_empty() { "body".to_owned() } else { path };
            // `what` is serde's own explanation, in English: only the sentence around it is translated.
            ApiError::invalid(param.clone(), crate::msg!("err-request-value-invalid", param = param, what = what))
        }
    })
}

/// The response header that echoes a request's id. It is also the request header the id travels in
/// between the layers: one a client sent is dropped first ([`forget_client_request_id`]).
pub fn request_id_header() -> HeaderName {
    HeaderName::from_static("request-id")
}

/// The header in which a client may name its request's id.
const CLIENT_REQUEST_ID: &str = "x-request-id";

/// Each request's id, for `tower-http`'s `SetRequestIdLayer`: the client's own `X-Request-Id` when
/// it is sane (1 to 64 of `A-Z a-z 0-9 _ -`), else a new `req_…`.
#[derive(Clone, Copy, Default)]
pub struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, request: &axum::http::Request<B>) -> Option<RequestId> {
        let sane = |v: &&HeaderValue| {
            let b = v.as_bytes();
            !b.is_empty() && b.len() <= 64 && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        };
        let id = match request.headers().get(CLIENT_REQUEST_ID).filter(sane) {
            Some(sent) => sent.clone(),
            None => HeaderValue::from_str(&crate::secrets::random_id("req")).ok()?,
        };
        Some(RequestId::new(id))
    }
}

/// Drops a `Request-Id` header a client sent: that header is the server's, set by `SetRequestIdLayer`
/// from [`RequestIds`].
pub async fn forget_client_request_id(mut req: Request) -> Request {
    req.headers_mut().remove(request_id_header());
    req
}

/// The id `SetRequestIdLayer` gave the request.
fn id_of<B>(req: &axum::http::Request<B>) -> Option<&str> {
    req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok())
}

/// The span of one request, for `tower-http`'s `TraceLayer`: its id, method, path and route template,
/// never its query, headers (cookies, `Authorization`) or body. Every line logged while the request
/// is served carries it; it is at the error level so that it does under any log filter.
pub fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    tracing::error_span!(
        "request",
        request_id = %id_of(req).unwrap_or_default(),
        method = %req.method(),
        path = %req.uri().path(),
        route = %req.extensions().get::<MatchedPath>().map_or("", MatchedPath::as_str),
    )
}

/// The access log's one line per request, for `TraceLayer`: status and time taken (inside the
/// request's span); at the error level for a 5xx, else info.
pub fn log_response<B>(response: &Response<B>, latency: Duration, _span: &tracing::Span) {
    let status = response.status().as_u16();
    let elapsed_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    if status >= 500 {
        tracing::error!(status, elapsed_us, "request");
    } else {
        tracing::info!(status, elapsed_us, "request");
    }
}

/// The answer to a request whose handler panicked, for `tower-http`'s `CatchPanicLayer`: our 500
/// `api_error` in the JSON error format, stamped with the request's id (the layer sits inside
/// [`request_context`]), instead of a dropped connection. The panic's message stays out of the answer
/// and of this line: the panic hook has printed it.
pub fn answer_panic(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked; answered 500");
    ApiError::internal().into_response()
}

/// Serves each request inside its id's scope (for error bodies) and its reader's language, and says
/// in `Content-Language` which language the answer is written in.
pub async fn request_context(req: Request<Body>, next: Next) -> Response {
    let id = id_of(&req).map(str::to_owned).unwrap_or_else(|| crate::secrets::random_id("req"));
    let reader = crate::i18n::Reader { locale: request_locale(req.headers()), time_zone: "UTC".to_owned() };
    let (mut response, locale) = REQUEST_ID
        .scope(
            id,
            crate::i18n::scope(reader, async move {
                let response = next.run(req).await;
                (response, crate::i18n::current())
            }),
        )
        .await;
    // The language the answer is written in (a signed-in person's saved one, once known), and that a
    // cache must keep one answer per language asked for.
    if !response.headers().contains_key(axum::http::header::CONTENT_LANGUAGE) {
        response.headers_mut().insert(axum::http::header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.code()));
    }
    response.headers_mut().append(axum::http::header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// The cookies a request carries, as sent (not percent-decoded), parsed by the `cookie` crate; a
/// piece that is not a `name=value` pair is skipped.
pub fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = cookie::Cookie<'_>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
}

/// The cookie the pages' language switcher sets before sign-in.
pub const LANGUAGE_COOKIE: &str = "pocketpay_lang";

/// The language a request asks for: the switcher's cookie, else `Accept-Language`, else English.
pub fn request_locale(headers: &axum::http::HeaderMap) -> crate::i18n::Locale {
    requested_locale(headers).unwrap_or_default()
}

/// The language a request names (the switcher's cookie, else `Accept-Language`), if it names one we write.
pub fn requested_locale(headers: &axum::http::HeaderMap) -> Option<crate::i18n::Locale> {
    let from_cookie = request_cookies(headers)
        .filter(|c| c.name() == LANGUAGE_COOKIE)
        .find_map(|c| crate::i18n::Locale::parse(c.value()));
    from_cookie.or_else(|| {
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::i18n::Locale::negotiate)
    })
}

/// Answers unknown routes in our error format.
pub async fn unknown_route(req: Request<Body>) -> Response {
    let wants_html = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && !req.uri().path().starts_with("/v1/") {
        // A person who mistyped a page's address gets a page, not JSON.
        return (
            axum::http::StatusCode::NOT_FOUND,
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            not_found_page(),
        )
            .into_response();
    }
    // The path is echoed back to help a developer spot a typo, cut to a sane length.
    let path: String = req.uri().path().chars().take(ECHOED_PATH_CHARS_MAX).collect();
    let cut = if path.len() < req.uri().path().len() { "…" } else { "" };
    ApiError::not_found("route").with_param(format!("{} {path}{cut}", req.method())).into_response()
}

/// How much of an unknown path the 404 answer echoes.
const ECHOED_PATH_CHARS_MAX: usize = 200;

/// The page of an address that has none, in the reader's language.
fn not_found_page() -> String {
    let esc = crate::web::html::esc;
    format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Pocketpay</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="/">Pocketpay</a></header>
<main id="main"><h1>{title}</h1><p>{text} <a href="/">{shop}</a>.</p></main>
</body></html>"#,
        lang = crate::i18n::current().code(),
        title = esc(&crate::tr!("page-missing-title")),
        text = esc(&crate::tr!("page-missing-text")),
        shop = esc(&crate::tr!("page-missing-shop")),
    )
}

/// Answers a known path called with the wrong method.
pub async fn method_not_allowed(req: Request<Body>) -> Response {
    let mut e = ApiError::bad_request(
        "method_not_allowed",
        crate::msg!(
            "err-request-method-not-allowed",
            method = req.method().as_str(),
            path = req.uri().path().chars().take(ECHOED_PATH_CHARS_MAX).collect::<String>(),
        ),
    );
    e.status = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    e.into_response()
}

/// Text a person typed, trimmed: refused when empty (if required), longer than `max` characters, or
/// holding control characters (NUL, ESC, …). Line breaks and tabs are kept only where `multiline`.
pub fn typed_text(param: &str, value: &str, max: usize, multiline: bool) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::missing(param));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && !allowed(c)) {
        let message = if multiline {
            crate::msg!("err-request-text-length", param = param, max = max)
        } else {
            crate::msg!("err-request-text-length-one-line", param = param, max = max)
        };
        return Err(ApiError::invalid(param, message));
    }
    Ok(v.to_owned())
}
