//! The buyer's language: the catalogues are complete and used, the API answers in the negotiated or
//! saved language (machine fields unchanged), and pages rendered in Russian or Spanish carry no
//! English sentence of the English catalogue.

mod common;

use std::collections::BTreeSet;

use common::{new_card, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::i18n::{self, Locale};

/// Every `.rs` file of the server's source, with its text.
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")).flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

/// The ids the code asks for: the first literal of `tr!(`, `msg!(` and `tr_in!(locale, `, and every
/// id-shaped literal of the modules that map codes to ids.
fn ids_in_code() -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (path, text) in sources() {
        let mapping =
            path.ends_with("i18n/messages.rs") || path.ends_with("i18n/format.rs") || path.ends_with("web/html.rs");
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let literal = &rest[..end];
            let id_shaped = !literal.is_empty()
                && literal.contains('-')
                && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
                && literal.starts_with(|c: char| c.is_ascii_lowercase());
            if !id_shaped {
                continue;
            }
            let before = text[..i].trim_end();
            if text[..i].ends_with('=') {
                // An HTML attribute (`class="error-message"`), not a message id.
                continue;
            }
            let by_macro = before.ends_with("tr!(") || before.ends_with("msg!(") || {
                // `tr_in!(locale, "id"`
                let line_start = before.rfind("tr_in!(").map(|p| &before[p..]);
                line_start.is_some_and(|s| s.ends_with(',') && !s.contains(')'))
            };
            let mapped = mapping
                && [
                    "decline-",
                    "notice-",
                    "status-",
                    "payment-status-",
                    "month-",
                    "tries-",
                    "list-",
                    "date-",
                    "code-",
                    "error-",
                ]
                .iter()
                .any(|p| literal.starts_with(p));
            if by_macro || mapped {
                used.insert(literal.to_owned());
            }
        }
    }
    used
}

#[test]
fn every_catalogue_parses_without_an_error() {
    for locale in Locale::ALL {
        for (file, text) in i18n::sources(locale) {
            if let Err((_, errors)) = fluent_syntax::parser::parse(*text) {
                panic!("{file}: {errors:?}");
            }
        }
    }
}

#[test]
fn every_language_has_every_message_and_every_message_is_used() {
    let en: BTreeSet<String> = i18n::ids(Locale::En).into_iter().collect();
    assert!(en.len() > 200, "the English catalogue has {} ids", en.len());
    for locale in [Locale::Ru, Locale::Es] {
        let other: BTreeSet<String> = i18n::ids(locale).into_iter().collect();
        let missing: Vec<_> = en.difference(&other).collect();
        let extra: Vec<_> = other.difference(&en).collect();
        assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
        assert!(extra.is_empty(), "{locale:?} has ids English lacks: {extra:?}");
        assert_eq!(i18n::ids(locale).len(), other.len(), "{locale:?} repeats an id");
    }
    let used = ids_in_code();
    let unknown: Vec<_> = used.iter().filter(|id| !en.contains(*id)).collect();
    assert!(unknown.is_empty(), "the code asks for ids no catalogue has: {unknown:?}");
    let all_source: String = sources().into_iter().map(|(_, t)| t).collect();
    let unused: Vec<_> = en.iter().filter(|id| !all_source.contains(&format!("\"{id}\""))).collect();
    assert!(unused.is_empty(), "catalogue ids nobody uses: {unused:?}");
}

/// Calls the API with an `Accept-Language` header.
async fn call_in(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    language: &str,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app.client.request(method, format!("{}{path}", app.base)).header("Accept-Language", language);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

fn content_language(headers: &reqwest::header::HeaderMap) -> &str {
    headers.get("content-language").and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn the_language_comes_from_the_header_by_quality_and_a_saved_locale_beats_it() {
    let app = TestApp::spawn().await;
    let path = "/v1/products/prod_nope";
    for (header, expected) in
        [("es-ES,es;q=0.9", "es"), ("ru-RU", "ru"), ("fr", "en"), ("fr-FR, ru;q=0.4, es;q=0.8", "es")]
    {
        let (status, headers, body) = call_in(&app, reqwest::Method::GET, path, None, header, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(content_language(&headers), expected, "{header}");
        assert!(headers.get_all("vary").iter().any(|v| v == "Accept-Language"), "{headers:?}");
        assert_eq!(body["error"]["code"], "resource_missing", "machine fields never change");
        let locale = Locale::parse(expected).unwrap_or_default();
        assert_eq!(body["error"]["message"], i18n::text_in(locale, "error-not-found", &[("what", "product".into())]));
    }
    // A person signed up in Russian keeps Russian whatever the header says, until they change it.
    let (status, _, _) = call_in(
        &app,
        reqwest::Method::POST,
        "/v1/users",
        None,
        "ru",
        Some(json!({ "email": "masha@example.com", "password": common::PASSWORD })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let inbox = app.get("/v1/test/inbox?to=masha@example.com", None).await;
    assert_eq!(inbox.body["data"][0]["subject"], "Ваш код подтверждения Pocketpay", "{}", inbox.body);
    let code = app.inbox_code("masha@example.com").await;
    app.post("/v1/users/verify_email", None, json!({ "email": "masha@example.com", "code": code })).await;
    let token = app.login("masha@example.com", common::PASSWORD).await;
    let (_, headers, me) = call_in(&app, reqwest::Method::GET, "/v1/me", Some(&token), "es", None).await;
    assert_eq!((me["locale"].as_str(), me["time_zone"].as_str()), (Some("ru"), Some("UTC")));
    assert_eq!(content_language(&headers), "ru", "the saved locale beats the header");
    let (_, headers, body) = call_in(&app, reqwest::Method::GET, "/v1/orders/ord_nope", Some(&token), "es", None).await;
    assert_eq!(
        (content_language(&headers), body["error"]["message"].as_str()),
        ("ru", Some("Такой объект не найден."))
    );
    // PATCH /v1/me changes it, and answers in the new language.
    let (status, headers, me) = call_in(
        &app,
        reqwest::Method::PATCH,
        "/v1/me",
        Some(&token),
        "ru",
        Some(json!({ "locale": "es", "time_zone": "America/Mexico_City" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!((me["locale"].as_str(), me["time_zone"].as_str()), (Some("es"), Some("America/Mexico_City")));
    assert_eq!(content_language(&headers), "es");
    for (body, param) in [
        (json!({ "locale": "fr" }), "locale"),
        (json!({ "locale": "es-ES" }), "locale"),
        (json!({ "time_zone": "Mars/Olympus" }), "time_zone"),
        (json!({ "colour": "red" }), "colour"),
    ] {
        let (status, _, answer) =
            call_in(&app, reqwest::Method::PATCH, "/v1/me", Some(&token), "en", Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"]["param"], param, "{answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let me = app.get("/v1/me", Some(&token)).await;
    assert_eq!(me.body["locale"], "es", "a refused change changes nothing");

    // Someone who never chose a language (signed up without one) is answered in each request's.
    let plain = app.buyer("no-choice@example.com").await;
    for (header, expected) in [("ru", "ru"), ("es-ES,es;q=0.9", "es"), ("fr", "en")] {
        let (_, headers, body) =
            call_in(&app, reqwest::Method::GET, "/v1/orders/ord_nope", Some(&plain), header, None).await;
        assert_eq!(content_language(&headers), expected, "{header}: {body}");
        let (_, _, me) = call_in(&app, reqwest::Method::GET, "/v1/me", Some(&plain), header, None).await;
        assert_eq!(me["locale"], expected, "the language the answer is in");
    }
    // Once they choose, the choice beats the header.
    let (status, _, _) =
        call_in(&app, reqwest::Method::PATCH, "/v1/me", Some(&plain), "ru", Some(json!({ "locale": "en" }))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, headers, _) = call_in(&app, reqwest::Method::GET, "/v1/orders/ord_nope", Some(&plain), "ru", None).await;
    assert_eq!(content_language(&headers), "en");
}

#[tokio::test]
async fn every_decline_reads_in_russian_and_spanish_with_its_code_unchanged() {
    let app = TestApp::spawn_with(|c| c.step_up_new_cards = false).await;
    let owner = app.buyer("fr-shop@example.com").await;
    let m = app
        .post("/v1/merchants", Some(&owner), json!({ "name": "Boutique", "country": "FR", "currency": "USD" }))
        .await;
    let key = m.body["secret_key"].as_str().unwrap_or_default().to_owned();
    let p = app.post("/v1/products", Some(&key), json!({ "name": "Tasse", "amount": 2000, "currency": "USD" })).await;
    let product = p.body["id"].as_str().unwrap_or_default().to_owned();
    let buyer = app.buyer("babel@example.com").await;
    let order = app.new_order(&buyer, &product).await;
    let rows = [
        ("4000000000000002", "card_declined", Some("generic_decline")),
        ("4000000000009995", "card_declined", Some("insufficient_funds")),
        ("4000000000009987", "card_declined", Some("generic_decline")),
        ("4000000000006975", "card_declined", Some("card_velocity_exceeded")),
        ("4000000000000010", "card_declined", Some("incorrect_address")),
        ("4000000000000036", "card_declined", Some("incorrect_zip")),
        ("4000000000000218", "card_declined", Some("transaction_not_allowed")),
        ("4000000000000069", "expired_card", None),
        ("4000000000000127", "incorrect_cvc", None),
        ("4000000000000119", "processing_error", None),
        ("4242424242424241", "incorrect_number", None),
    ];
    // First in Spanish by the header alone (the buyer never chose a language), then in Russian chosen
    // with PATCH /v1/me while the header asks for English: the choice wins.
    for (language, locale) in [("es-ES,es;q=0.9", Locale::Es), ("en", Locale::Ru)] {
        if locale == Locale::Ru {
            let saved =
                app.call(reqwest::Method::PATCH, "/v1/me", Some(&buyer), None, Some(json!({ "locale": "ru" }))).await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        }
        for (number, code, decline) in rows {
            let (status, headers, body) = call_in(
                &app,
                reqwest::Method::POST,
                &format!("/v1/orders/{order}/pay"),
                Some(&buyer),
                language,
                Some(json!({ "payment_method": new_card(number) })),
            )
            .await;
            assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{body}");
            assert_eq!(content_language(&headers), locale.code());
            let e = &body["error"];
            assert_eq!((e["type"].as_str(), e["code"].as_str()), (Some("card_error"), Some(code)), "{body}");
            assert_eq!(e["decline_code"].as_str(), decline, "{body}");
            let failure = if let Some(d) = decline {
                domain::declines::PaymentFailure::Declined(
                    domain::declines::DeclineCode::parse(d).unwrap_or_else(|| panic!("{d}")),
                )
            } else {
                match code {
                    "expired_card" => domain::declines::PaymentFailure::Card(domain::cards::CardError::ExpiredCard),
                    "incorrect_cvc" => domain::declines::PaymentFailure::Card(domain::cards::CardError::IncorrectCvc),
                    "incorrect_number" => {
                        domain::declines::PaymentFailure::Card(domain::cards::CardError::IncorrectNumber)
                    }
                    _ => domain::declines::PaymentFailure::ProcessingError,
                }
            };
            let (message, advice) = i18n::failure_text(locale, &failure, &domain::cards::AcceptedBrands::all());
            assert_eq!(e["message"].as_str(), Some(message.as_str()), "{number} in {language}");
            let shown: Vec<String> = serde_json::from_value(e["advice"].clone()).unwrap_or_default();
            assert_eq!(shown, advice, "{number} in {language}");
            let english = failure.describe();
            assert_ne!(message, english.message, "{number} in {language} is translated");
        }
    }
    // The payment's own record keeps the machine fields; a later read in English says it in English.
    let (_, _, order_now) =
        call_in(&app, reqwest::Method::GET, &format!("/v1/orders/{order}"), Some(&buyer), "en", None).await;
    assert_eq!(order_now["status"], "awaiting_payment");
    app.assert_ledger_balanced().await;
}

/// The text a person reads on a page: tags dropped, entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

/// The English catalogue's sentences that must not appear on a page in `locale`: every literal piece
/// of at least three words between placeholders, of messages the language writes differently.
fn english_sentences(locale: Locale) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for id in i18n::ids(Locale::En) {
        let english = i18n::text_in(Locale::En, &id, &[]);
        let translated = i18n::text_in(locale, &id, &[]);
        if english == translated {
            continue;
        }
        for piece in english.split(['{', '}']) {
            let piece = piece.trim();
            if piece.split_whitespace().count() >= 3 && !piece.starts_with('$') {
                out.push((id.clone(), piece.to_owned()));
            }
        }
    }
    out
}

/// Asserts that a page is in `locale` and holds no English sentence.
fn assert_no_english(path: &str, html: &str, locale: Locale) {
    assert!(html.contains(&format!("<html lang=\"{}\">", locale.code())), "{path}: <html lang> in {html}");
    let text = visible_text(html);
    for (id, sentence) in english_sentences(locale) {
        assert!(!text.contains(&sentence), "{path} in {locale:?} shows English ({id}): {sentence:?}");
    }
}

#[tokio::test]
async fn pages_in_russian_and_spanish_show_no_english() {
    let app = TestApp::spawn().await;
    let (_key, product) = app.seller("seller-babel@example.com", "Lamp House", "Desk lamp", 2900).await;
    let seller = app.login("seller-babel@example.com", common::PASSWORD).await;
    let operator = app.login(common::OPERATOR_EMAIL, common::OPERATOR_PASSWORD).await;
    let buyer = app.buyer("reader@example.com").await;
    app.load_pocket(&buyer, 5000, 1).await;
    let card = app.save_card(&buyer, "4242424242424242").await;
    let paid = app.new_order(&buyer, &product).await;
    app.pay_with_card(&buyer, &paid, &card).await;
    let declined = app.new_order(&buyer, &product).await;
    let poor = app.save_card(&buyer, "4000000000000341").await;
    app.pay_with_card(&buyer, &declined, &poor).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    for locale in [Locale::Ru, Locale::Es] {
        // Before sign-in: the language cookie the switcher sets.
        for path in ["/", "/login", "/signup", "/password-reset", "/password-reset/confirm", "/verify-email"] {
            let page = http
                .get(format!("{}{path}", app.base))
                .header("Cookie", format!("pocketpay_lang={}", locale.code()))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(page.headers().get("content-language").and_then(|v| v.to_str().ok()), Some(locale.code()));
            assert_no_english(path, &page.text().await.unwrap_or_default(), locale);
        }
        // Signed in: the saved locale.
        let saved = app
            .call(reqwest::Method::PATCH, "/v1/me", Some(&buyer), None, Some(json!({ "locale": locale.code() })))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let mut pages = Vec::new();
        for path in [
            "/".to_owned(),
            "/pocket".to_owned(),
            "/gift-cards/buy".to_owned(),
            "/gift-cards/redeem".to_owned(),
            "/cards".to_owned(),
            "/cart".to_owned(),
            format!("/products/{product}"),
            "/orders".to_owned(),
            format!("/orders/{paid}"),
            format!("/orders/{declined}"),
            format!("/orders/{declined}/pay"),
            "/tickets".to_owned(),
            "/security-questions".to_owned(),
            "/settings".to_owned(),
            "/seller".to_owned(),
        ] {
            pages.push((buyer.clone(), path));
        }
        // A seller's and an operator's pages, in their saved language.
        for (token, paths) in [
            (
                &seller,
                &[
                    "/seller",
                    "/seller/orders",
                    "/seller/claims",
                    "/seller/products",
                    "/seller/balance",
                    "/seller/webhooks",
                    "/seller/api-keys",
                ][..],
            ),
            (
                &operator,
                &[
                    "/operator",
                    "/operator/search?q=ord_",
                    "/tickets",
                    "/operator/fx",
                    "/operator/gift-cards",
                    "/operator/ledger",
                    "/operator/reviews",
                    "/operator/sellers",
                    "/operator/webhooks",
                    "/settings",
                ][..],
            ),
        ] {
            let saved = app
                .call(reqwest::Method::PATCH, "/v1/me", Some(token), None, Some(json!({ "locale": locale.code() })))
                .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
            for path in paths {
                pages.push((token.clone(), (*path).to_owned()));
            }
        }
        for (token, path) in pages {
            let page = http
                .get(format!("{}{path}", app.base))
                .header("Cookie", format!("pocketpay_session={token}"))
                .header("Accept-Language", "en")
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(page.status(), StatusCode::OK, "{path}");
            assert_no_english(&path, &page.text().await.unwrap_or_default(), locale);
        }
    }
}
