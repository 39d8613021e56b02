//! The HTTP layers every request passes (`tower-http`'s, and cookies read and written with the
//! `cookie` crate): request ids, the pages' security headers, a handler's panic answered as our JSON
//! 500, the request's span in the logs (without cookies or credentials), and the language and CSRF
//! cookies. (The body limit's 413 is `tests/api.rs`'s.)

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Captured, TestApp};
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::Value;
use tower::ServiceExt;

/// The logs without their colours (the test subscriber writes ANSI escapes around names and levels).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut req = client.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_clients_sane_one_is_kept() {
    let app = TestApp::spawn().await;

    // None sent: a new one, different for each request, also in the error body.
    let first = get(&app, "/v1/does-not-exist", &[]).await;
    let second = get(&app, "/v1/does-not-exist", &[]).await;
    let first_id = header(first.headers(), "request-id").unwrap_or_default().to_owned();
    let second_id = header(second.headers(), "request-id").unwrap_or_default().to_owned();
    assert!(first_id.starts_with("req_") && first_id.len() > 10, "{first_id}");
    assert!(second_id.starts_with("req_") && second_id != first_id, "{second_id}");
    let body: Value = first.json().await.unwrap_or(Value::Null);
    assert_eq!(body["error"]["request_id"], first_id.as_str(), "{body}");

    // A page answers with one too.
    let page = get(&app, "/login", &[]).await;
    assert!(header(page.headers(), "request-id").is_some_and(|id| id.starts_with("req_")));

    // A sane id of the client's is kept, in the header and in the error body.
    let mine = get(&app, "/v1/does-not-exist", &[("x-request-id", "trace-42_abc")]).await;
    assert_eq!(header(mine.headers(), "request-id"), Some("trace-42_abc"));
    let body: Value = mine.json().await.unwrap_or(Value::Null);
    assert_eq!(body["error"]["request_id"], "trace-42_abc", "{body}");
    let page = get(&app, "/login", &[("x-request-id", "page-trace-7")]).await;
    assert_eq!(header(page.headers(), "request-id"), Some("page-trace-7"));

    // One that is not sane (a space, too long) is replaced; a `Request-Id` of the client's is ignored.
    let long = "a".repeat(65);
    for sent in [("x-request-id", "has space"), ("x-request-id", long.as_str()), ("request-id", "forged-id")] {
        let answer = get(&app, "/v1/does-not-exist", &[sent]).await;
        let id = header(answer.headers(), "request-id").unwrap_or_default();
        assert!(id.starts_with("req_"), "{sent:?} → {id}");
        assert_eq!(answer.headers().get_all("request-id").iter().count(), 1);
    }
    app.stop().await;
}

/// The content security policy of every page, as `web/mod.rs` sets it.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn pages_carry_the_security_headers_and_api_answers_do_not() {
    let app = TestApp::spawn().await;

    for path in ["/login", "/", "/pocket"] {
        let page = get(&app, path, &[]).await;
        let h = page.headers();
        assert_eq!(header(h, "content-security-policy"), Some(PAGE_CSP), "{path}");
        assert_eq!(header(h, "x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(header(h, "x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(header(h, "referrer-policy"), Some("same-origin"), "{path}");
        assert_eq!(header(h, "cache-control"), Some("no-store"), "{path}");
        for name in ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"] {
            assert_eq!(h.get_all(name).iter().count(), 1, "{path}: one {name}");
        }
        assert_eq!(header(h, "content-language"), Some("en"), "{path}");
    }
    // A page that sets its own caching keeps it; the other headers are still there.
    let css = get(&app, "/static/app.css", &[]).await;
    assert_eq!(header(css.headers(), "cache-control"), Some("public, max-age=3600"));
    assert_eq!(header(css.headers(), "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(css.headers(), "content-security-policy"), Some(PAGE_CSP));

    // The API's answers, as before, carry none of the pages' headers, but their language and `Vary`.
    for path in ["/v1/does-not-exist", "/openapi.json"] {
        let answer = get(&app, path, &[]).await;
        let h = answer.headers();
        for name in ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"] {
            assert!(h.get(name).is_none(), "{path} has {name}");
        }
        assert_eq!(header(h, "content-language"), Some("en"), "{path}");
        assert!(h.get_all("vary").iter().any(|v| v == "Accept-Language"), "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_panicking_handler_answers_500_in_the_json_error_format_and_is_logged_in_its_span() {
    let (captured, _guard) = Captured::start();
    async fn boom() -> &'static str {
        panic!("a handler's bug")
    }
    let router = server::routes::request_layers(axum::Router::new().route("/boom", axum::routing::get(boom)));
    let request = Request::get("/boom")
        .header("cookie", "pocketpay_session=cookie-canary-91")
        .header("authorization", "Bearer bearer-canary-73")
        .body(Body::empty())
        .unwrap_or_else(|e| panic!("{e}"));
    let response = router.oneshot(request).await.unwrap_or_else(|never| match never {});
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let id = response.headers().get("request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(id.starts_with("req_"), "{id}");
    assert_eq!(
        response.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "the JSON error format"
    );
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_else(|e| panic!("{e}"));
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"));
    assert_eq!(body["error"]["type"], "api_error", "{body}");
    assert_eq!(body["error"]["code"], "api_error", "{body}");
    assert_eq!(body["error"]["request_id"], id.as_str(), "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty() && !message.contains("bug"), "nothing internal in {body}");

    let logs = plain(&captured.text());
    let line = logs.lines().find(|l| l.contains("status=500")).unwrap_or_else(|| panic!("no access line: {logs}"));
    assert!(line.contains("ERROR"), "{line}");
    // The request's span: its id, method, path and route.
    for field in
        [format!("request_id={id}"), "method=GET".to_owned(), "path=/boom".to_owned(), "route=/boom".to_owned()]
    {
        assert!(line.contains(&field), "{field} in {line}");
    }
    assert!(logs.contains("a handler panicked"), "{logs}");
    assert!(
        !logs.contains("cookie-canary-91") && !logs.contains("bearer-canary-73"),
        "no cookie or credential: {logs}"
    );
}

#[tokio::test]
async fn the_panic_answer_alone_is_our_500_with_the_requests_id() {
    let response = server::error::REQUEST_ID
        .scope("req_unit".to_owned(), async { server::extract::answer_panic(Box::new("boom")) })
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_else(|e| panic!("{e}"));
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body["error"]["type"], "api_error", "{body}");
    assert_eq!(body["error"]["code"], "api_error", "{body}");
    assert_eq!(body["error"]["request_id"], "req_unit", "{body}");
}

#[tokio::test]
async fn the_language_cookie_is_read_and_written_as_before() {
    let app = TestApp::spawn().await;
    // Written: `pocketpay_lang`, a year, for the whole site, never to scripts, first-party.
    let switched = get(&app, "/language?locale=ru&next=/login", &[]).await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> =
        switched.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok().map(str::to_owned)).collect();
    let lang = cookies.iter().find(|c| c.starts_with("pocketpay_lang=ru;")).unwrap_or_else(|| panic!("{cookies:?}"));
    let mut attributes: Vec<&str> = lang.split("; ").skip(1).collect();
    attributes.sort_unstable();
    assert_eq!(attributes, ["HttpOnly", "Max-Age=31536000", "Path=/", "SameSite=Lax", "Secure"], "{lang}");

    // Read: among other cookies, with or without spaces; an unknown language falls back to the header.
    for cookie in ["pocketpay_lang=ru", "a=1; pocketpay_lang=ru", "a=1;pocketpay_lang=ru;b=2", "x=; pocketpay_lang=ru"]
    {
        let page = get(&app, "/login", &[("cookie", cookie)]).await;
        assert_eq!(header(page.headers(), "content-language"), Some("ru"), "{cookie}");
    }
    let page = get(&app, "/login", &[("cookie", "pocketpay_lang=xx"), ("accept-language", "es")]).await;
    assert_eq!(header(page.headers(), "content-language"), Some("es"));
    let page = get(&app, "/v1/does-not-exist", &[("cookie", "pocketpay_lang=es")]).await;
    assert_eq!(header(page.headers(), "content-language"), Some("es"), "the API reads it too");

    // The CSRF cookie of a form shown before sign-in: Strict, twelve hours.
    let form = get(&app, "/login", &[]).await;
    let csrf = form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pocketpay_csrf=csrf_"))
        .unwrap_or_default()
        .to_owned();
    let mut attributes: Vec<&str> = csrf.split("; ").skip(1).collect();
    attributes.sort_unstable();
    assert_eq!(attributes, ["HttpOnly", "Max-Age=43200", "Path=/", "SameSite=Strict", "Secure"], "{csrf}");
    app.stop().await;
}
