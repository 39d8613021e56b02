//! The web pages over HTTP, without a browser: the session cookie and its flags, CSRF and same-origin
//! checks on every form, security headers, a decline shown with its advice and never echoing the card,
//! log-out revoking the session, and sellers' pages acting only for the owner's merchant.
//! (`web-tests/` drives the same pages in a real browser.)

mod common;

use common::{TestApp, PASSWORD};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::json;

/// A browser without a browser: keeps the cookies it is given, never follows redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    html: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value of the first hidden `csrf` field.
    fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let start =
            self.html.find(marker).map(|i| i + marker.len()).unwrap_or_else(|| panic!("no csrf in {}", self.html));
        self.html[start..].split('"').next().unwrap_or_default().to_owned()
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok().map(str::to_owned)).collect()
    }
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        Browser { http, base: app.base.clone(), cookies: Vec::new() }
    }

    fn keep(&mut self, page: &Page) {
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let page = Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            html: resp.text().await.unwrap_or_default(),
        };
        self.keep(&page);
        page
    }

    async fn post_from(&mut self, path: &str, fields: &[(&str, &str)], origin: Option<&str>) -> Page {
        let mut req = self.http.post(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).form(fields);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        let page = Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            html: resp.text().await.unwrap_or_default(),
        };
        self.keep(&page);
        page
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let origin = self.base.clone();
        self.post_from(path, fields, Some(&origin)).await
    }

    async fn post_owned(&mut self, path: &str, fields: Vec<(String, String)>) -> Page {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(path, &pairs).await
    }

    /// Logs in through the login page; returns the session token kept in the cookie.
    async fn log_in(&mut self, email: &str) -> String {
        let form = self.get("/login").await;
        let csrf = form.csrf();
        let done =
            self.post("/login", &[("csrf", &csrf), ("email", email), ("password", PASSWORD), ("next", "")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        self.cookies.iter().find(|(n, _)| n == "pocketpay_session").map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

#[tokio::test]
async fn the_session_lives_in_a_secure_http_only_cookie_and_pages_carry_security_headers() {
    let app = TestApp::spawn().await;
    app.buyer("web@example.com").await;
    let mut browser = Browser::new(&app);

    let anonymous = browser.get("/pocket").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login?next=/pocket");

    let form = browser.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf_cookie = form.set_cookies().into_iter().find(|c| c.starts_with("pocketpay_csrf=")).unwrap_or_default();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(csrf_cookie.contains(flag), "{csrf_cookie} lacks {flag}");
    }
    let csp = form.headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(form.headers.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    assert!(form.html.contains(r#"<label for="f-email">Email</label>"#));

    let wrong = browser
        .post(
            "/login",
            &[("csrf", &form.csrf()), ("email", "web@example.com"), ("password", "not the password"), ("next", "")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.html.contains(r#"data-code="invalid_credentials""#), "{}", wrong.html);

    let csrf = browser.get("/login").await.csrf();
    let done = browser
        .post("/login", &[("csrf", &csrf), ("email", "web@example.com"), ("password", PASSWORD), ("next", "/cards")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/cards");
    let session = done.set_cookies().into_iter().find(|c| c.starts_with("pocketpay_session=pps")).unwrap_or_default();
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    let pocket = browser.get("/pocket").await;
    assert_eq!(pocket.status, StatusCode::OK);
    assert!(pocket.html.contains("<h1>My Pocket</h1>"));
    assert_eq!(pocket.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));

    // A mistyped page address gets a page; the API keeps its JSON answer.
    let typo = browser.http.get(format!("{}/pocekt", browser.base)).header("accept", "text/html").send().await;
    let typo = typo.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(typo.status(), StatusCode::NOT_FOUND);
    assert!(typo.text().await.unwrap_or_default().contains("<h1>Page not found</h1>"));
    let api = app.get("/v1/pocekt", None).await;
    api.assert_error(404, "invalid_request_error", "resource_missing");

    // An open redirect is not possible through `next`.
    let csrf = browser.get("/login").await.csrf();
    let elsewhere = browser
        .post(
            "/login",
            &[("csrf", &csrf), ("email", "web@example.com"), ("password", PASSWORD), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(elsewhere.location(), "/");
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.buyer("csrf@example.com").await;
    let mut browser = Browser::new(&app);
    let token = browser.log_in("csrf@example.com").await;
    let csrf = browser.get("/seller").await.csrf();
    let shop = |csrf: &str| -> Vec<(String, String)> {
        [("csrf", csrf), ("name", "Sneaky"), ("country", "US"), ("currency", "USD")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };

    let missing = browser.post_owned("/seller", shop("")).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = browser.post_owned("/seller", shop("0000")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let fields = shop(&csrf);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let cross_site = browser.post_from("/seller", &pairs, Some("http://evil.example")).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let orders = app.get("/v1/orders", Some(&token)).await;
    assert_eq!(orders.status, StatusCode::OK);
    assert!(!browser.get("/seller").await.html.contains("Selling as"), "no shop was opened");

    // Another person's token does not work in this person's session.
    let mut other = Browser::new(&app);
    app.buyer("other@example.com").await;
    other.log_in("other@example.com").await;
    let theirs = other.post_owned("/seller", shop(&csrf)).await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);

    let opened = browser.post_owned("/seller", shop(&csrf)).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.html);
    assert!(opened.html.contains("sk_test_"), "the secret key is shown once");
    assert!(browser.get("/seller").await.html.contains("Selling as Sneaky"));
}

#[tokio::test]
async fn a_decline_is_shown_with_its_advice_beside_the_choice_and_the_card_is_never_echoed() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("shop@example.com", "Shop", "Kettle", 4200).await;
    let token = app.buyer("decline@example.com").await;
    let address = json!({ "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" });
    let card = app
        .post(
            "/v1/cards",
            Some(&token),
            json!({ "number": "4000000000009995", "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder_name": "Ada", "billing_address": address }),
        )
        .await;
    assert_eq!(card.status, StatusCode::CREATED, "{}", card.body);
    let card = card.body["id"].as_str().unwrap_or_default().to_owned();

    let mut browser = Browser::new(&app);
    browser.log_in("decline@example.com").await;
    let form = browser.get(&format!("/products/{product}")).await;
    let created = browser
        .post(
            &format!("/products/{product}"),
            &[
                ("csrf", &form.csrf()),
                ("quantity", "1"),
                ("ship_name", "Ada"),
                ("ship_line1", "1 Main St"),
                ("ship_city", "Reno"),
                ("ship_postal_code", "89501"),
                ("ship_country", "US"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let checkout_path = created.location().to_owned();
    let order = checkout_path.trim_start_matches("/orders/").trim_end_matches("/pay").to_owned();

    let checkout = browser.get(&checkout_path).await;
    let method = format!("card:{card}");
    let declined = browser.post(&checkout_path, &[("csrf", &checkout.csrf()), ("method", &method)]).await;
    assert_eq!(declined.status, StatusCode::OK);
    assert!(
        declined.html.contains(
            r#"id="payment-error" role="alert" data-code="card_declined" data-decline-code="insufficient_funds""#
        ),
        "{}",
        declined.html
    );
    assert!(declined.html.contains("Your card has insufficient funds."));
    assert!(declined.html.contains("Pay with your Pocket balance or another card"));
    let held = app.get("/v1/pocket", Some(&token)).await;
    assert!(held.body["balances"].as_array().is_none_or(|b| b.iter().all(|x| x["held"] == 0)), "{}", held.body);

    // A mistyped number is shown beside the number field, and never written back into the page.
    let typed = browser
        .post(
            &checkout_path,
            &[
                ("csrf", &declined.csrf()),
                ("method", "new"),
                ("number", "4242424242424241"),
                ("exp_month", "12"),
                ("exp_year", "2035"),
                ("cvc", "123"),
                ("holder_name", "Ada"),
            ],
        )
        .await;
    assert_eq!(typed.status, StatusCode::OK);
    assert!(typed.html.contains(r#"id="f-number-error" role="alert" data-code="incorrect_number""#), "{}", typed.html);
    assert!(!typed.html.contains("4242424242424241") && !typed.html.contains("value=\"123\""));
    assert!(typed.html.contains(r#"name="holder_name" type="text" value="Ada""#), "the other fields are kept");

    let order_json = app.get(&format!("/v1/orders/{order}"), Some(&token)).await;
    assert_eq!(order_json.body["status"], "awaiting_payment");
    app.assert_ledger_balanced().await;
}

#[tokio::test]
async fn logging_out_revokes_the_session_and_sellers_pages_serve_only_the_owner() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("owner@example.com", "Owner's", "Lamp", 1500).await;
    let buyer = app.buyer("lamp@example.com").await;
    let order = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 1 }],
                    "shipping_address": { "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" } }),
        )
        .await;
    let order = order.body["id"].as_str().unwrap_or_default().to_owned();

    let mut seller = Browser::new(&app);
    seller.log_in("owner@example.com").await;
    let page = seller.get(&format!("/seller/orders/{order}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("awaiting payment"));

    let mut stranger = Browser::new(&app);
    app.buyer("stranger@example.com").await;
    stranger.log_in("stranger@example.com").await;
    let no_shop = stranger.get(&format!("/seller/orders/{order}")).await;
    assert_eq!(no_shop.status, StatusCode::SEE_OTHER);
    assert_eq!(no_shop.location(), "/seller");
    let as_buyer = stranger.get(&format!("/orders/{order}")).await;
    assert_eq!(as_buyer.status, StatusCode::NOT_FOUND);

    let token = stranger.log_in("stranger@example.com").await;
    let csrf = stranger.get("/pocket").await.csrf();
    let out = stranger.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.set_cookies().iter().any(|c| c.starts_with("pocketpay_session=;") && c.contains("Max-Age=0")));
    let me = app.get("/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "the session is revoked, not only forgotten");
}

#[tokio::test]
async fn order_pages_show_what_was_bought_in_words_and_the_pocket_names_each_order() {
    let app = TestApp::spawn().await;
    let (_, product) = app.seller("words-owner@example.com", "Words", "Reading lamp", 1500).await;
    let buyer = app.buyer("words@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let bought = app
        .post(
            "/v1/gift_cards/purchase",
            Some(&buyer),
            json!({ "currency": "USD", "items": [{ "denomination": 5_000, "quantity": 1 }],
                "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    let order = app
        .post(
            "/v1/orders",
            Some(&buyer),
            json!({ "items": [{ "product": product, "quantity": 2 }],
                    "shipping_address": { "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" } }),
        )
        .await;
    let number = order.body["number"].as_str().unwrap_or_default().to_owned();
    let order = order.body["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(&format!("/v1/orders/{order}/pay"), Some(&buyer), json!({ "payment_method": { "type": "pocket" } }))
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);

    let mut browser = Browser::new(&app);
    browser.log_in("words@example.com").await;
    let page = browser.get(&format!("/orders/{order}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The items, each with its quantity and totals.
    assert!(page.html.contains("<td>Reading lamp</td><td class=\"num\">2</td>"), "{}", page.html);
    assert!(page.html.contains("$30.00"), "the line total");
    // The payment's status in words, not the API's.
    assert!(page.html.contains("authorized, charged when shipped"), "{}", page.html);
    assert!(!page.html.contains("requires capture"));
    // The cancel form asks for a reason; it does not put one in the buyer's mouth.
    assert!(!page.html.contains("Changed my mind"));
    assert!(page.html.contains(r#"name="reason" type="text" value="" required"#), "{}", page.html);
    // The Pocket's history names the order each hold is for.
    let pocket = browser.get("/pocket").await;
    assert!(pocket.html.contains(&format!("payment hold · order {number}")), "{}", pocket.html);
}

#[tokio::test]
async fn sellers_land_on_their_shop_and_a_refused_refund_speaks_money_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("shopkeeper@example.com", "Keeper's", "Stool", 1500).await;
    let buyer = app.buyer("stool@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let order = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    assert_eq!(paid.body["status"], "requires_capture", "{}", paid.body);
    let shipped = app
        .post(&format!("/v1/orders/{order}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    assert_eq!(shipped.body["status"], "shipped", "{}", shipped.body);

    // Signing in, a seller lands on the shop's home; a buyer on the Pocket.
    let mut seller = Browser::new(&app);
    let form = seller.get("/login").await;
    let csrf = form.csrf();
    let done = seller
        .post("/login", &[("csrf", &csrf), ("email", "shopkeeper@example.com"), ("password", PASSWORD), ("next", "")])
        .await;
    assert_eq!(done.location(), "/seller");
    let mut shopper = Browser::new(&app);
    let form = shopper.get("/login").await;
    let csrf = form.csrf();
    let done = shopper
        .post("/login", &[("csrf", &csrf), ("email", "stool@example.com"), ("password", PASSWORD), ("next", "")])
        .await;
    assert_eq!(done.location(), "/pocket");

    // Too much: the error is in money, and the reason typed is still there.
    let page = seller.get(&format!("/seller/orders/{order}")).await;
    let csrf = page.csrf();
    let refused = seller
        .post(
            &format!("/seller/orders/{order}/refund"),
            &[("csrf", &csrf), ("amount", "99.00"), ("reason", "Scratched leg"), ("destination", "pocket")],
        )
        .await;
    assert!(refused.html.contains("At most 15.00 USD of this payment is left to refund."), "{}", refused.html);
    assert!(!refused.html.contains("minor units"));
    assert!(refused.html.contains(r#"value="Scratched leg""#), "the reason is kept: {}", refused.html);
    assert!(refused.html.contains(r#"value="99.00""#), "the amount is kept");
    assert!(refused.html.contains(r#"<option value="pocket" selected>"#), "the destination is kept");

    // A claim's answer is not chosen for the seller.
    app.post(&format!("/v1/orders/{order}/deliver"), Some(&key), json!({})).await;
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 500, "description": "A leg is scratched." }),
        )
        .await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.body);
    let claims = seller.get("/seller/claims").await;
    assert!(claims.html.contains(r#"<option value="" selected>Choose your answer</option>"#), "{}", claims.html);
    assert!(!claims.html.contains(r#"<option value="accept" selected>"#));
}

#[tokio::test]
async fn operators_search_orders_payments_claims_and_people_and_open_the_order() {
    let app = TestApp::spawn().await;
    let (key, product) = app.seller("search-owner@example.com", "Searchable", "Kettle", 1500).await;
    let buyer = app.buyer("findme@example.com").await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let order = app.new_order(&buyer, &product).await;
    let paid = app
        .post(
            &format!("/v1/orders/{order}/pay"),
            Some(&buyer),
            json!({ "payment_method": { "type": "card", "card": card } }),
        )
        .await;
    let payment = paid.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(&format!("/v1/orders/{order}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
        .await;
    app.post(&format!("/v1/orders/{order}/deliver"), Some(&key), json!({})).await;
    let claim = app
        .post(
            &format!("/v1/orders/{order}/claims"),
            Some(&buyer),
            json!({ "reason": "damaged", "amount": 500, "description": "Dented." }),
        )
        .await;
    let claim = claim.body["id"].as_str().unwrap_or_default().to_owned();
    let number = app.get(&format!("/v1/orders/{order}"), Some(&buyer)).await.body["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;

    // The API: each kind of query finds the order (or the person); others may not search.
    for q in [number.as_str(), &number.to_lowercase(), &order, &payment, &claim] {
        let found = app.get(&format!("/v1/search?q={q}"), Some(&operator)).await;
        assert_eq!(found.body["orders"][0]["id"], order.as_str(), "{q}: {}", found.body);
    }
    let person = app.get("/v1/search?q=FindMe@example.com", Some(&operator)).await;
    assert_eq!(person.body["users"][0]["email"], "findme@example.com", "{}", person.body);
    let nothing = app.get("/v1/search?q=PP-999999999", Some(&operator)).await;
    assert_eq!(nothing.body["orders"], json!([]), "{}", nothing.body);
    app.get("/v1/search?q=", Some(&operator)).await.assert_error(400, "invalid_request_error", "parameter_invalid");
    app.get("/v1/search?q=x&extra=1", Some(&operator)).await.assert_error(
        400,
        "invalid_request_error",
        "parameter_unknown",
    );
    app.get(&format!("/v1/search?q={number}"), Some(&buyer)).await.assert_error(
        403,
        "authentication_error",
        "forbidden",
    );

    // The pages: the search box finds it, and claim ids link to the order.
    let mut ops = Browser::new(&app);
    let form = ops.get("/login").await;
    let csrf = form.csrf();
    ops.post(
        "/login",
        &[("csrf", &csrf), ("email", common::OPERATOR_EMAIL), ("password", common::OPERATOR_PASSWORD), ("next", "")],
    )
    .await;
    let results = ops.get(&format!("/operator/search?q={number}")).await;
    assert!(results.html.contains(&format!(r#"<a href="/operator/orders/{order}">{number}</a>"#)), "{}", results.html);
    let page = ops.get(&format!("/operator/orders/{order}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(&format!("payment {payment}")) && page.html.contains("Dented."), "{}", page.html);
    let claims = ops.get("/operator").await;
    assert!(claims.html.contains(&format!(r#"<a href="/operator/orders/{order}">{claim}</a>"#)), "{}", claims.html);
}
