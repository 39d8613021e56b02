//! The web pages: server-rendered HTML for buyers, sellers and operators, with no script and no
//! front-end build. Sessions live in an HTTP-only, `Secure`, `SameSite=Lax` cookie; every form
//! carries a CSRF token (bound to the session, or to a double-submit cookie before sign-in) and an
//! idempotency key, and a request from another origin is refused.
//!
//! Architecture invariant: a page never writes to the store. Every action, and every read but one,
//! is an in-process call of the JSON API with the signed-in person's own credential, so the pages can
//! do nothing the API would not allow, and they get its validation, idempotency and error messages.
//! The one read of the store is [`Ctx::merchant`]: which merchant the signed-in person owns. A seller
//! then acts through the [`ActingMerchant`] extension, set only after that ownership check.

mod api_keys;
mod buyer;
pub(crate) mod html;
mod operator;
mod operator_search;
mod operator_sellers;
mod paging;
mod preferences;
mod seller;
mod seller_money;
pub(crate) mod verification;
mod webhooks;

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cookie::{Cookie, SameSite};
use serde_json::Value;
use store::MerchantRecord;
use tower::layer::util::{Identity, Stack};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::ActingMerchant;
use crate::AppState;
use html::{esc, hidden, ErrorView, FormErrors};

/// The session cookie.
const SESSION_COOKIE: &str = "pocketpay_session";
/// The double-submit CSRF cookie of forms shown before sign-in.
const ANONYMOUS_CSRF_COOKIE: &str = "pocketpay_csrf";
/// Largest form body.
const FORM_BYTES_MAX: usize = 64 * 1024;
/// Largest API answer a page reads.
const API_ANSWER_BYTES_MAX: usize = 4 * 1024 * 1024;

/// What the pages share: the application state and the API router they call in process.
#[derive(Clone)]
pub struct Web {
    state: AppState,
    api: Router,
}

/// The pages' routes.
pub fn router(state: AppState, api: Router) -> Router {
    let web = Web { state, api };
    Router::new()
        .route("/", get(buyer::shop))
        .route("/static/app.css", get(stylesheet))
        .route("/language", get(preferences::choose_language).post(preferences::save_language))
        .route("/settings", get(preferences::page).post(preferences::save))
        .route("/signup", get(buyer::signup_page).post(buyer::signup))
        .route("/verify-email", get(buyer::verify_email_page).post(buyer::verify_email))
        .route("/login", get(buyer::login_page).post(buyer::login))
        .route("/logout", post(buyer::logout))
        .route("/password-reset", get(buyer::reset_page).post(buyer::request_reset))
        .route("/password-reset/confirm", get(buyer::reset_confirm_page).post(buyer::confirm_reset))
        .route("/pocket", get(buyer::pocket))
        .route("/gift-cards/buy", get(buyer::gift_cards_page).post(buyer::buy_gift_cards))
        .route("/gift-cards/redeem", get(buyer::redeem_page).post(buyer::redeem))
        .route("/cards", get(buyer::cards_page).post(buyer::add_card))
        .route("/cards/{id}/default", post(buyer::card_default))
        .route("/cards/{id}/expiry", post(buyer::card_expiry))
        .route("/cards/{id}/remove", post(buyer::card_remove))
        .route("/products/{id}", get(buyer::product_page).post(buyer::create_order))
        .route("/cart", get(buyer::cart_page))
        .route("/cart/add", post(buyer::cart_add))
        .route("/cart/update", post(buyer::cart_update))
        .route("/cart/checkout", post(buyer::cart_checkout))
        .route("/checkouts/{id}", get(buyer::checkout_summary))
        .route("/checkouts/{id}/pay", get(buyer::cart_pay_page).post(buyer::cart_pay))
        .route("/orders", get(buyer::orders_page))
        .route("/orders/{id}", get(buyer::order_page))
        .route("/orders/{id}/pay", get(buyer::checkout_page).post(buyer::pay))
        .route("/orders/{id}/cancel", post(buyer::cancel))
        .route("/orders/{id}/confirm", post(buyer::confirm_receipt))
        .route("/orders/{id}/claim", post(buyer::open_claim))
        .route("/orders/{id}/unauthorized", post(buyer::report_unauthorized))
        .route("/claims/{id}/escalate", post(buyer::escalate))
        .route("/payments/{id}/verify", get(buyer::verify_page).post(buyer::verify))
        .route("/payments/{id}/resend", post(buyer::resend_code))
        .route(
            "/payments/{id}/document",
            post(buyer::upload_document).layer(axum::extract::DefaultBodyLimit::max(crate::extract::UPLOAD_BYTES_MAX)),
        )
        .route("/security-questions", get(verification::questions_page).post(verification::save_questions))
        .route("/tickets", get(buyer::tickets_page).post(buyer::open_ticket))
        .route("/tickets/{id}", get(buyer::ticket_page).post(buyer::reply_ticket))
        .route("/seller", get(seller::home).post(seller::start_selling))
        .route("/seller/products", get(seller::products).post(seller::create_product))
        .route("/seller/orders", get(seller::orders))
        .route("/seller/orders/{id}", get(seller::order))
        .route("/seller/orders/{id}/ship", post(seller::ship))
        .route("/seller/orders/{id}/deliver", post(seller::deliver))
        .route("/seller/orders/{id}/refund", post(seller::refund))
        .route("/seller/orders/{id}/cancel", post(seller::cancel))
        .route("/seller/balance", get(seller_money::page))
        .route("/seller/balance/payout", post(seller_money::pay_out))
        .route("/seller/balance/accounts", post(seller_money::add_account))
        .route("/seller/balance/accounts/{id}/remove", post(seller_money::remove_account))
        .route("/seller/balance/accounts/{id}/default", post(seller_money::default_account))
        .route("/seller/balance/schedule", post(seller_money::save_schedule))
        .route("/seller/balance/transactions.csv", get(seller_money::transactions_csv))
        .route("/seller/webhooks", get(webhooks::seller_list).post(webhooks::seller_create))
        .route("/seller/webhooks/{id}", get(webhooks::seller_endpoint))
        .route("/seller/webhooks/{id}/enable", post(webhooks::seller_enable))
        .route("/seller/webhooks/{id}/disable", post(webhooks::seller_disable))
        .route("/seller/webhooks/{id}/delete", post(webhooks::seller_delete))
        .route("/seller/webhooks/{id}/redeliver", post(webhooks::seller_redeliver))
        .route("/seller/api-keys", get(api_keys::page).post(api_keys::create))
        .route("/seller/api-keys/{id}/roll", post(api_keys::roll))
        .route("/seller/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/seller/claims", get(seller::claims))
        .route("/seller/claims/{id}/respond", post(seller::respond_claim))
        .route("/operator", get(operator::claims))
        .route("/operator/claims/{id}/resolve", post(operator::resolve_claim))
        .route("/operator/fx", get(operator::fx_page).post(operator::put_rate))
        .route("/operator/gift-cards", get(operator::gift_cards_page).post(operator::lookup_gift_card))
        .route("/operator/gift-cards/{id}/block", post(operator::block_gift_card))
        .route("/operator/gift-cards/{id}/unblock", post(operator::unblock_gift_card))
        .route("/operator/ledger", get(operator::ledger))
        .route("/operator/webhooks", get(webhooks::operator_list).post(webhooks::operator_create))
        .route("/operator/webhooks/{id}", get(webhooks::operator_endpoint))
        .route("/operator/webhooks/{id}/enable", post(webhooks::operator_enable))
        .route("/operator/webhooks/{id}/disable", post(webhooks::operator_disable))
        .route("/operator/webhooks/{id}/delete", post(webhooks::operator_delete))
        .route("/operator/webhooks/{id}/redeliver", post(webhooks::operator_redeliver))
        .route("/operator/search", get(operator_search::search))
        .route("/operator/orders/{id}", get(operator_search::order))
        .route("/operator/reviews", get(verification::reviews))
        .route("/operator/reviews/{id}", get(verification::review))
        .route("/operator/reviews/{id}/document", get(verification::document))
        .route("/operator/reviews/{id}/decide", post(verification::decide))
        .route("/operator/sellers", get(operator_sellers::sellers))
        .route("/operator/sellers/{id}", get(operator_sellers::seller))
        .route("/operator/sellers/{id}/fees", post(operator_sellers::save_fees))
        .route("/operator/sellers/{id}/pause", post(operator_sellers::pause))
        .route("/operator/sellers/{id}/resume", post(operator_sellers::resume))
        .layer(security_headers())
        .with_state(web)
}

/// The content security policy of every page: nothing but our own stylesheet and images.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// One header set on every page's answer.
type SetHeader = SetResponseHeaderLayer<HeaderValue>;
/// The five of [`security_headers`].
type SecurityHeaders =
    ServiceBuilder<Stack<SetHeader, Stack<SetHeader, Stack<SetHeader, Stack<SetHeader, Stack<SetHeader, Identity>>>>>>;

/// Headers on every page (with `tower-http`'s `SetResponseHeaderLayer`): no framing, no script, no
/// caching of personal pages, no referrer leaks. A page that frames one of our own documents (the
/// operators' review page) sets its own policy and framing, no looser than these but for that one
/// frame, and the stylesheet its own caching: those three are set only where the page set none.
fn security_headers() -> SecurityHeaders {
    let if_not_present = SetResponseHeaderLayer::if_not_present;
    let overriding = SetResponseHeaderLayer::overriding;
    ServiceBuilder::new()
        .layer(if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP)))
        .layer(if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("app.css"),
    )
        .into_response()
}

/// An answer of the API.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    /// Whether the call succeeded.
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// The error, as a form shows it.
    pub fn error(&self) -> ErrorView {
        ErrorView::from_body(&self.body)
    }

    /// The `data` of a list.
    pub fn data(&self) -> Vec<Value> {
        self.body["data"].as_array().cloned().unwrap_or_default()
    }
}

/// The person looking at a page, and what a page needs to call the API for them.
pub struct Ctx {
    web: Web,
    token: Option<String>,
    /// `GET /v1/me` of the signed-in person.
    user: Option<Value>,
    peer: Option<SocketAddr>,
    anonymous_csrf: Option<String>,
    /// Cookies to set with the answer.
    set_cookies: Vec<String>,
    secure_cookies: bool,
    /// The page's path, to show the section's menu and mark where the person is.
    here: String,
    /// Set once [`Ctx::merchant`] found the person's shop: the seller's pages show its menu.
    sells: std::sync::atomic::AtomicBool,
    /// The shopping cart's cookie (`product:quantity` pairs; see `buyer::cart`).
    cart: String,
}

impl FromRequestParts<Web> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        let cookies = cookies(&parts.headers);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        let mut ctx = Ctx {
            web: web.clone(),
            token: cookies.get(SESSION_COOKIE).filter(|t| t.len() <= 200).cloned(),
            user: None,
            peer,
            anonymous_csrf: cookies.get(ANONYMOUS_CSRF_COOKIE).filter(|t| t.len() <= 100).cloned(),
            set_cookies: Vec::new(),
            secure_cookies: web.state.config.web_secure_cookies,
            here: parts.uri.path().to_owned(),
            sells: std::sync::atomic::AtomicBool::new(false),
            cart: cookies.get(buyer::CART_COOKIE).filter(|c| c.len() <= 4_000).cloned().unwrap_or_default(),
        };
        if ctx.token.is_some() {
            let me = ctx.api(Method::GET, "/v1/me", None, None).await;
            if me.ok() {
                // The signed-in person's saved language and time zone beat the cookie and the header.
                if let Some(locale) = me.body["locale"].as_str().and_then(crate::i18n::Locale::parse) {
                    crate::i18n::set_current(locale, me.body["time_zone"].as_str().unwrap_or("UTC"));
                }
                ctx.user = Some(me.body);
            } else {
                // An expired or revoked session: forget the cookie.
                ctx.token = None;
                ctx.set_cookies.push(ctx.cookie(SESSION_COOKIE, "", 0, SameSite::Lax));
            }
        }
        Ok(ctx)
    }
}

impl Ctx {
    /// Calls the API as the signed-in person.
    pub async fn api(&self, method: Method, path: &str, body: Option<Value>, idempotency_key: Option<&str>) -> Answer {
        self.call(method, path, body, idempotency_key, None).await
    }

    /// Calls the API as the seller the signed-in person owns.
    pub async fn api_as(
        &self,
        merchant: &MerchantRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
        idempotency_key: Option<&str>,
    ) -> Answer {
        self.call(method, path, body, idempotency_key, Some(merchant)).await
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        idempotency_key: Option<&str>,
        merchant: Option<&MerchantRecord>,
    ) -> Answer {
        let (content_type, bytes) = match &body {
            Some(b) => (Some("application/json"), serde_json::to_vec(b).unwrap_or_default()),
            None => (None, Vec::new()),
        };
        let (status, _, bytes) = self.send(method, path, content_type, bytes, idempotency_key, merchant).await;
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Answer { status, body }
    }

    /// Calls the API in process with any body (an upload), and answers its status, headers and bytes.
    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        bytes: Vec<u8>,
        idempotency_key: Option<&str>,
        merchant: Option<&MerchantRecord>,
    ) -> (StatusCode, HeaderMap, axum::body::Bytes) {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(key) = idempotency_key.filter(|k| !k.is_empty()) {
            builder = builder.header("idempotency-key", key);
        }
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder = builder.header(header::ACCEPT_LANGUAGE, crate::i18n::current().code());
        let Ok(mut request) = builder.body(Body::from(bytes)) else {
            return (StatusCode::BAD_REQUEST, HeaderMap::new(), axum::body::Bytes::new());
        };
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        if let Some(m) = merchant {
            request.extensions_mut().insert(ActingMerchant(m.clone()));
        }
        let response = match self.web.api.clone().oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let status = response.status();
        let (parts, body) = response.into_parts();
        let bytes =
            to_bytes(body, API_ANSWER_BYTES_MAX + verification::DOCUMENT_PAGE_BYTES_MAX).await.unwrap_or_default();
        (status, parts.headers, bytes)
    }

    /// The role of the signed-in person: "buyer" or "operator".
    pub fn role(&self) -> Option<&str> {
        self.user.as_ref().and_then(|u| u["role"].as_str())
    }

    /// The signed-in person's user object.
    pub fn user(&self) -> &Value {
        self.user.as_ref().unwrap_or(&Value::Null)
    }

    /// The CSRF token of a signed-in person's forms: an HMAC of their session token.
    fn session_csrf(&self, token: &str) -> String {
        hex::encode(self.web.state.secret.keyed_hash("web-csrf", token.as_bytes()))
    }

    /// The CSRF token forms must carry.
    pub fn csrf(&mut self) -> String {
        if let Some(token) = &self.token {
            return self.session_csrf(token);
        }
        if let Some(value) = &self.anonymous_csrf {
            return value.clone();
        }
        let value = crate::secrets::random_id("csrf");
        self.set_cookies.push(self.cookie(ANONYMOUS_CSRF_COOKIE, &value, 3600 * 12, SameSite::Strict));
        self.anonymous_csrf = Some(value.clone());
        value
    }

    /// A `Set-Cookie` value: `Path=/`, `Max-Age`, `HttpOnly`, the given `SameSite`, and `Secure` unless
    /// the server runs without TLS (a `Max-Age` of 0 removes the cookie).
    fn cookie(&self, name: &str, value: &str, max_age_s: i64, same_site: SameSite) -> String {
        Cookie::build((name, value))
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age_s))
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure_cookies)
            .build()
            .to_string()
    }

    /// The cart's cookie as the request brought it (or as this answer sets it).
    pub fn cart(&self) -> &str {
        &self.cart
    }

    /// Keeps the cart in its cookie (30 days; empty removes it).
    pub fn set_cart(&mut self, value: &str) {
        let age = if value.is_empty() { 0 } else { 30 * 86_400 };
        self.set_cookies.push(self.cookie(buyer::CART_COOKIE, value, age, SameSite::Lax));
        self.cart = value.to_owned();
    }

    /// Signs in: the session token goes into the cookie.
    fn start_session(&mut self, token: &str) {
        let ttl = self.web.state.config.session_ttl_s;
        self.set_cookies.push(self.cookie(SESSION_COOKIE, token, ttl, SameSite::Lax));
        self.set_cookies.push(self.cookie(ANONYMOUS_CSRF_COOKIE, "", 0, SameSite::Strict));
        self.token = Some(token.to_owned());
    }

    /// Signs out.
    fn end_session(&mut self) {
        self.set_cookies.push(self.cookie(SESSION_COOKIE, "", 0, SameSite::Lax));
        self.token = None;
        self.user = None;
    }

    /// A buyer's page: the buyer, or a redirect to sign in.
    pub fn require_buyer(&self, here: &str) -> Result<(), Response> {
        match self.role() {
            Some("buyer") => Ok(()),
            Some(_) => Err(self.forbidden(&crate::tr!("page-for-buyers"))),
            None => Err(self.redirect(&format!("/login?next={}", url_encode(here)))),
        }
    }

    /// An operator's page.
    pub fn require_operator(&self, here: &str) -> Result<(), Response> {
        match self.role() {
            Some("operator") => Ok(()),
            Some(_) => Err(self.forbidden(&crate::tr!("page-for-operators"))),
            None => Err(self.redirect(&format!("/login?next={}", url_encode(here)))),
        }
    }

    /// The merchant the signed-in person sells as (their first), if any.
    pub async fn merchant(&self) -> Option<MerchantRecord> {
        let user_id = self.user.as_ref()?["id"].as_str()?.to_owned();
        let merchants = self.web.state.store.read(move |tx| tx.merchants_of_owner(&user_id)).await.ok()?;
        let first = merchants.into_iter().next();
        self.sells.store(first.is_some(), std::sync::atomic::Ordering::Relaxed);
        first
    }

    /// A page in the site's frame.
    pub fn page(&self, title: &str, body: &str) -> Response {
        self.page_with_status(StatusCode::OK, title, body)
    }

    /// A page with a status other than 200.
    pub fn page_with_status(&self, status: StatusCode, title: &str, body: &str) -> Response {
        let nav = self.nav();
        let locale = crate::i18n::current();
        let mode = if self.web.state.config.mode == crate::Mode::Test {
            format!(" · {}", esc(&crate::tr!("footer-test-mode")))
        } else {
            String::new()
        };
        let html = format!(
            r##"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Pocketpay</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<a class="skip" href="#main">{skip}</a>
<header class="top"><a class="brand" href="/">Pocketpay</a>{nav}</header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
<footer><p>Pocketpay{mode}</p>{switcher}</footer>
</body>
</html>"##,
            lang = locale.code(),
            title = esc(title),
            skip = esc(&crate::tr!("skip-to-content")),
            switcher = self.language_switcher(),
        );
        let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
        self.add_cookies(&mut response);
        response
    }

    fn nav(&self) -> String {
        let links: Vec<(&str, String)> = match self.role() {
            Some("operator") => vec![
                ("/operator", crate::tr!("nav-claims")),
                ("/operator/search", crate::tr!("nav-search")),
                ("/tickets", crate::tr!("nav-tickets")),
                ("/operator/fx", crate::tr!("nav-fx-rates")),
                ("/operator/gift-cards", crate::tr!("nav-gift-cards")),
                ("/operator/ledger", crate::tr!("nav-ledger")),
                ("/operator/reviews", crate::tr!("nav-reviews")),
                ("/operator/sellers", crate::tr!("nav-sellers")),
                ("/operator/webhooks", crate::tr!("nav-webhooks")),
                ("/settings", crate::tr!("nav-settings")),
            ],
            Some(_) => vec![
                ("/", crate::tr!("nav-shop")),
                ("/cart", crate::tr!("nav-cart")),
                ("/pocket", crate::tr!("nav-pocket")),
                ("/cards", crate::tr!("nav-cards")),
                ("/orders", crate::tr!("nav-orders")),
                ("/tickets", crate::tr!("nav-support")),
                ("/security-questions", crate::tr!("nav-security")),
                ("/settings", crate::tr!("nav-settings")),
                ("/seller", crate::tr!("nav-sell")),
            ],
            None => vec![
                ("/", crate::tr!("nav-shop")),
                ("/login", crate::tr!("nav-log-in")),
                ("/signup", crate::tr!("nav-sign-up")),
            ],
        };
        let mut out = format!(r#"<nav aria-label="{}"><ul>"#, esc(&crate::tr!("nav-main-label")));
        for (href, label) in links {
            out.push_str(&format!(r#"<li><a href="{href}">{}</a></li>"#, esc(&label)));
        }
        if let Some(user) = &self.user {
            let csrf = self.token.as_ref().map(|t| self.session_csrf(t)).unwrap_or_default();
            out.push_str(&format!(
                r#"<li class="who">{}</li><li>{}</li>"#,
                html::s(&user["email"]),
                html::button_form("/logout", &csrf, &crate::tr!("nav-log-out"), "link")
            ));
        }
        out.push_str("</ul></nav>");
        if self.sells.load(std::sync::atomic::Ordering::Relaxed)
            && (self.here == "/seller" || self.here.starts_with("/seller/"))
        {
            out.push_str(&self.seller_menu());
        }
        out
    }

    /// The language switcher at the foot of every page: links that set the language cookie before
    /// sign-in; after sign-in, buttons that also save the person's `locale`.
    fn language_switcher(&self) -> String {
        let current = crate::i18n::current();
        let here = self.here.clone();
        let mut out =
            format!(r#"<nav class="languages" aria-label="{}">"#, esc(&crate::tr!("language-switcher-label")));
        if let Some(token) = &self.token {
            let csrf = self.session_csrf(token);
            out.push_str(r#"<form method="post" action="/language" class="inline">"#);
            out.push_str(&hidden(&csrf));
            out.push_str(&format!(r#"<input type="hidden" name="next" value="{}">"#, esc(&here)));
            for locale in crate::i18n::Locale::ALL {
                let mark = if locale == current { r#" aria-current="true""# } else { "" };
                out.push_str(&format!(
                    r#"<button type="submit" class="link" name="locale" value="{code}" lang="{code}"{mark}>{}</button> "#,
                    locale.own_name(),
                    code = locale.code()
                ));
            }
            out.push_str("</form>");
        } else {
            for locale in crate::i18n::Locale::ALL {
                let mark = if locale == current { r#" aria-current="true""# } else { "" };
                out.push_str(&format!(
                    r#"<a href="/language?locale={code}&amp;next={}" lang="{code}" hreflang="{code}"{mark}>{}</a> "#,
                    url_encode(&here),
                    locale.own_name(),
                    code = locale.code()
                ));
            }
        }
        out.push_str("</nav>");
        out
    }

    /// Remembers the language chosen before sign-in (a year).
    fn set_language_cookie(&mut self, locale: crate::i18n::Locale) {
        let cookie = self.cookie(crate::extract::LANGUAGE_COOKIE, locale.code(), 365 * 86_400, SameSite::Lax);
        self.set_cookies.push(cookie);
        crate::i18n::set_current(locale, &crate::i18n::current_time_zone());
    }

    /// The seller's menu, on every seller page, with the current section marked.
    fn seller_menu(&self) -> String {
        let links = [
            ("/seller", crate::tr!("menu-seller-home")),
            ("/seller/orders", crate::tr!("menu-seller-orders")),
            ("/seller/claims", crate::tr!("menu-seller-claims")),
            ("/seller/products", crate::tr!("menu-seller-products")),
            ("/seller/balance", crate::tr!("menu-seller-balance")),
            ("/seller/webhooks", crate::tr!("menu-seller-webhooks")),
            ("/seller/api-keys", crate::tr!("menu-seller-api-keys")),
        ];
        let mut out =
            format!(r#"<nav class="seller-menu" aria-label="{}"><ul>"#, esc(&crate::tr!("menu-seller-label")));
        for (href, label) in links {
            let label = esc(&label);
            let current = if href == "/seller" {
                self.here == "/seller"
            } else {
                self.here == href || self.here.starts_with(&format!("{href}/"))
            };
            let mark = if current { r#" aria-current="page""# } else { "" };
            out.push_str(&format!(r#"<li><a href="{href}"{mark}>{label}</a></li>"#));
        }
        out.push_str("</ul></nav>");
        out
    }

    fn add_cookies(&self, response: &mut Response) {
        for c in &self.set_cookies {
            if let Ok(v) = HeaderValue::from_str(c) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }

    /// 303 to another page (after a form, so that reloading does not send it again).
    pub fn redirect(&self, to: &str) -> Response {
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(to) {
            response.headers_mut().insert(header::LOCATION, v);
        }
        self.add_cookies(&mut response);
        response
    }

    /// A 403 page.
    pub fn forbidden(&self, why: &str) -> Response {
        self.page_with_status(StatusCode::FORBIDDEN, &crate::tr!("page-not-allowed"), &format!("<p>{}</p>", esc(why)))
    }

    /// A page for an API answer that is not a form error (404, 403, 5xx).
    pub fn failure(&self, answer: &Answer) -> Response {
        let status = if answer.status.is_success() { StatusCode::INTERNAL_SERVER_ERROR } else { answer.status };
        let title = match status {
            StatusCode::NOT_FOUND => crate::tr!("page-not-found"),
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => crate::tr!("page-not-allowed"),
            _ => crate::tr!("page-went-wrong"),
        };
        self.page_with_status(status, &title, &answer.error().render("page-error"))
    }
}

/// A submitted form: the person, and the fields, after the origin and CSRF checks.
pub struct Posted {
    pub ctx: Ctx,
    pub fields: HashMap<String, String>,
}

impl Posted {
    /// A field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default()
    }

    /// A field as it was typed, untrimmed.
    pub fn raw(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|v| v == "on")
    }

    /// The fields to render the form again with: all but the card number and security code, which a
    /// page never writes back.
    pub fn values_without_card_secrets(&self) -> HashMap<String, String> {
        self.fields
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "number" | "cvc"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The idempotency key the form was rendered with.
    pub fn key(&self) -> Option<String> {
        self.fields.get("idempotency_key").filter(|k| !k.is_empty() && k.len() <= 100).cloned()
    }
}

impl FromRequest<Web> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, web: &Web) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let mut ctx = Ctx::from_request_parts(&mut parts, web).await?;
        if !same_origin(&parts.headers) {
            return Err(ctx.forbidden(&crate::tr!("form-other-site")));
        }
        let Ok(bytes) = to_bytes(body, FORM_BYTES_MAX).await else {
            return Err(ctx.page_with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                &crate::tr!("form-too-large-title"),
                &format!("<p>{}</p>", esc(&crate::tr!("form-too-large"))),
            ));
        };
        let fields: HashMap<String, String> = match serde_urlencoded_pairs(&bytes) {
            Some(f) => f,
            None => {
                return Err(ctx.page_with_status(
                    StatusCode::BAD_REQUEST,
                    &crate::tr!("form-unreadable-title"),
                    &format!("<p>{}</p>", esc(&crate::tr!("form-unreadable"))),
                ))
            }
        };
        let sent = fields.get("csrf").cloned().unwrap_or_default();
        let expected = if ctx.token.is_some() || ctx.anonymous_csrf.is_some() { Some(ctx.csrf()) } else { None };
        let valid = expected.is_some_and(|e| crate::secrets::constant_time_eq(e.as_bytes(), sent.as_bytes()));
        if !valid {
            return Err(ctx.page_with_status(
                StatusCode::FORBIDDEN,
                &crate::tr!("form-expired-title"),
                &format!("<p>{}</p>", esc(&crate::tr!("form-expired"))),
            ));
        }
        Ok(Posted { ctx, fields })
    }
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Option<HashMap<String, String>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    Some(pairs.into_iter().collect())
}

/// Whether the request came from one of our own pages: an `Origin` (or, failing that, a `Referer`)
/// naming another host is refused.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return true };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|h| h.to_str().ok());
    let Some(source) = source else { return true };
    if source == "null" {
        return false;
    }
    let rest = source.strip_prefix("https://").or_else(|| source.strip_prefix("http://")).unwrap_or("");
    let source_host = rest.split('/').next().unwrap_or("");
    source_host.eq_ignore_ascii_case(host)
}

/// The request's cookies by name (the last of a name wins).
fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    crate::extract::request_cookies(headers).map(|c| (c.name().to_owned(), c.value().to_owned())).collect()
}

/// Percent-encodes a query value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path to go back to after signing in (never another site).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// A notice shown after a redirect, by key (never text from the URL), in the reader's language.
pub fn notice_words(key: &str) -> Option<String> {
    crate::i18n::notice_id(key).map(|id| crate::i18n::text_in(crate::i18n::current(), id, &[]))
}

/// The notice for `?notice=…`, as HTML.
pub fn notice_from(query: &HashMap<String, String>) -> String {
    query.get("notice").and_then(|k| notice_words(k)).map(|t| html::notice(&t)).unwrap_or_default()
}

/// The hidden fields of a form of this person.
pub fn form_hidden(ctx: &mut Ctx) -> String {
    let csrf = ctx.csrf();
    hidden(&csrf)
}

/// A form error placed at the top of a form when no field shows it.
pub fn top_error(errors: &FormErrors, fields: &[&str]) -> String {
    errors.general(fields).map(|e| e.render("form-error")).unwrap_or_default()
}
