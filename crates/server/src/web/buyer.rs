//! Buyers' pages: sign up, log in, the shop, checkout with the verification step, My Pocket, gift
//! cards, the card manager, My Orders (cancel, confirm, claim, report) and support tickets.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::html::{
    address_fields, address_line, badge, button_form, card_label, checkbox, date, date_of, datetime, decimal, esc,
    field, money, money_of, parse_amount, radio, s, select, textarea, words, ErrorView, FormErrors, Input,
};
use super::{form_hidden, notice_from, safe_next, top_error, url_encode, Ctx, Posted};

type Q = Query<HashMap<String, String>>;

// ---------------------------------------------------------------- accounts

pub async fn signup_page(ctx: Ctx) -> Response {
    render_signup(ctx, FormErrors::none(), &HashMap::new())
}

fn render_signup(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>) -> Response {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let fields = ["email", "password", "phone", "country"];
    let body = format!(
        r#"{top}<form method="post" action="/signup" class="panel">{hidden}
{email}{password}{phone}{country}
<div class="actions"><button type="submit">Create account</button> <a href="/login">I have an account</a></div></form>"#,
        top = top_error(&errors, &fields),
        hidden = form_hidden(&mut ctx),
        email = field(
            "Email",
            "email",
            Input { kind: "email", value: &v("email"), required: true, autocomplete: "email", ..Input::default() },
            &errors,
            &["email"]
        ),
        password = field(
            "Password",
            "password",
            Input {
                kind: "password",
                required: true,
                autocomplete: "new-password",
                hint: "At least 10 characters.",
                ..Input::default()
            },
            &errors,
            &["password"]
        ),
        phone = field(
            "Mobile phone (optional, for codes by SMS)",
            "phone",
            Input {
                kind: "tel",
                value: &v("phone"),
                autocomplete: "tel",
                hint: "With the country code, such as +15551234567.",
                ..Input::default()
            },
            &errors,
            &["phone"]
        ),
        country = field(
            "Country (two letters, such as US)",
            "country",
            Input { value: &v("country"), autocomplete: "country", ..Input::default() },
            &errors,
            &["country"]
        ),
    );
    ctx.page("Create your account", &body)
}

pub async fn signup(p: Posted) -> Response {
    let mut body = json!({ "email": p.get("email"), "password": p.raw("password") });
    for optional in ["phone", "country"] {
        let value = p.get(optional);
        if !value.is_empty() {
            body[optional] = json!(value);
        }
    }
    let answer = p.ctx.api(Method::POST, "/v1/users", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/verify-email?email={}", url_encode(&p.get("email"))));
    }
    let values = p.fields.clone();
    render_signup(p.ctx, FormErrors::of(answer.error()), &values)
}

pub async fn verify_email_page(ctx: Ctx, Query(q): Q) -> Response {
    let email = q.get("email").cloned().unwrap_or_default();
    render_verify_email(ctx, FormErrors::none(), &email, "")
}

fn render_verify_email(mut ctx: Ctx, errors: FormErrors, email: &str, notice: &str) -> Response {
    let body = format!(
        r#"{notice}<p>We emailed a 6-digit code to <strong>{email_shown}</strong>. Type it here to confirm your address.</p>
{top}<form method="post" action="/verify-email" class="panel">{hidden}
<input type="hidden" name="email" value="{email_shown}">
{code}
<div class="actions"><button type="submit" name="action" value="verify">Verify my email</button>
<button type="submit" name="action" value="resend" class="secondary" formnovalidate>Send a new code</button></div></form>"#,
        notice = if notice.is_empty() { String::new() } else { super::html::notice(notice) },
        email_shown = esc(email),
        top = top_error(&errors, &["code"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            "Code",
            "code",
            Input { autocomplete: "one-time-code", extra: r#"inputmode="numeric" maxlength="6""#, ..Input::default() },
            &errors,
            &["code"]
        ),
    );
    ctx.page("Check your email", &body)
}

pub async fn verify_email(p: Posted) -> Response {
    let email = p.get("email");
    if p.get("action") == "resend" {
        let answer = p
            .ctx
            .api(Method::POST, "/v1/users/resend_verification", Some(json!({ "email": email })), p.key().as_deref())
            .await;
        let errors = if answer.ok() { FormErrors::none() } else { FormErrors::of(answer.error()) };
        let notice = if answer.ok() { "A new code is on its way." } else { "" };
        return render_verify_email(p.ctx, errors, &email, notice);
    }
    let body = json!({ "email": email, "code": p.get("code") });
    let answer = p.ctx.api(Method::POST, "/v1/users/verify_email", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/login?notice=signed_up&email={}", url_encode(&email)));
    }
    render_verify_email(p.ctx, FormErrors::of(answer.error()), &email, "")
}

pub async fn login_page(ctx: Ctx, Query(q): Q) -> Response {
    let notice = notice_from(&q);
    let email = q.get("email").cloned().unwrap_or_default();
    let next = q.get("next").cloned().unwrap_or_default();
    render_login(ctx, FormErrors::none(), &email, &next, &notice)
}

fn render_login(mut ctx: Ctx, errors: FormErrors, email: &str, next: &str, notice: &str) -> Response {
    let body = format!(
        r#"{notice}{top}<form method="post" action="/login" class="panel">{hidden}
<input type="hidden" name="next" value="{next}">
{email}{password}
<div class="actions"><button type="submit">Log in</button> <a href="/signup">Create an account</a></div></form>"#,
        top = top_error(&errors, &["email", "password"]),
        hidden = form_hidden(&mut ctx),
        next = esc(next),
        email = field(
            "Email",
            "email",
            Input { kind: "email", value: email, required: true, autocomplete: "username", ..Input::default() },
            &errors,
            &["email"]
        ),
        password = field(
            "Password",
            "password",
            Input { kind: "password", required: true, autocomplete: "current-password", ..Input::default() },
            &errors,
            &["password"]
        ),
    );
    ctx.page("Log in", &body)
}

pub async fn login(mut p: Posted) -> Response {
    let body = json!({ "email": p.get("email"), "password": p.raw("password") });
    let answer = p.ctx.api(Method::POST, "/v1/sessions", Some(body), None).await;
    let token = answer.body["token"].as_str().map(str::to_owned);
    match token {
        Some(token) if answer.ok() => {
            p.ctx.start_session(&token);
            let operator = answer.body["user"]["role"].as_str() == Some("operator");
            let next = p.get("next");
            let to = if !next.is_empty() {
                safe_next(&next)
            } else if operator {
                "/operator".to_owned()
            } else {
                "/pocket".to_owned()
            };
            p.ctx.redirect(&to)
        }
        _ => {
            let (email, next) = (p.get("email"), p.get("next"));
            render_login(p.ctx, FormErrors::of(answer.error()), &email, &next, "")
        }
    }
}

pub async fn logout(mut p: Posted) -> Response {
    if p.ctx.token.is_some() {
        let _ = p.ctx.api(Method::DELETE, "/v1/sessions/current", None, None).await;
    }
    p.ctx.end_session();
    p.ctx.redirect("/")
}

// ---------------------------------------------------------------- the shop

pub async fn shop(ctx: Ctx, Query(q): Q) -> Response {
    let answer = ctx.api(Method::GET, "/v1/products?limit=100", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice_from(&q);
    let products = answer.data();
    if products.is_empty() {
        body.push_str("<p>Nothing is for sale yet. Sellers add products from their Sell page.</p>");
    }
    body.push_str(r#"<div class="grid">"#);
    for p in &products {
        let stock = match p["stock"].as_i64() {
            Some(0) => r#"<p class="muted">Sold out</p>"#.to_owned(),
            Some(n) if n <= 5 => format!(r#"<p class="muted">Only {n} left</p>"#),
            _ => String::new(),
        };
        let _ = write!(
            body,
            r#"<section class="product"><h2>{}</h2><p class="muted">Sold by {}</p><p>{}</p><p class="big">{}</p>{stock}<a class="button" href="/products/{}">Buy</a></section>"#,
            s(&p["name"]),
            s(&p["merchant_name"]),
            s(&p["description"]),
            money_of(p, "amount"),
            url_encode(p["id"].as_str().unwrap_or(""))
        );
    }
    body.push_str("</div>");
    ctx.page("Shop", &body)
}

pub async fn product_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/products/{id}")) {
        return r;
    }
    render_product(ctx, &id, FormErrors::none(), None).await
}

async fn render_product(
    mut ctx: Ctx,
    id: &str,
    errors: FormErrors,
    posted: Option<&HashMap<String, String>>,
) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/products/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let product = answer.body;
    let v = |k: &str| posted.and_then(|f| f.get(k)).cloned().unwrap_or_default();
    let mut address = json!({ "country": ctx.user()["country"].as_str().unwrap_or("") });
    for k in ["name", "line1", "line2", "city", "state", "postal_code", "country"] {
        let typed = v(&format!("ship_{k}"));
        if !typed.is_empty() {
            address[k] = json!(typed);
        }
    }
    let quantity = if v("quantity").is_empty() { "1".to_owned() } else { v("quantity") };
    let body = format!(
        r#"<p class="muted">Sold by {seller}</p><p>{desc}</p><p class="big">{price}</p>{top}
<form method="post" action="/products/{id}" class="panel">{hidden}
{qty}
<fieldset><legend>Shipping address</legend>{address}</fieldset>
<div class="actions"><button type="submit">Continue to payment</button></div></form>"#,
        seller = s(&product["merchant_name"]),
        desc = s(&product["description"]),
        price = money_of(&product, "amount"),
        top = top_error(&errors, &["quantity", "name", "line1", "line2", "city", "state", "postal_code", "country"]),
        id = url_encode(id),
        hidden = form_hidden(&mut ctx),
        qty = field(
            "Quantity",
            "quantity",
            Input {
                kind: "number",
                value: &quantity,
                required: true,
                extra: r#"min="1" max="100""#,
                ..Input::default()
            },
            &errors,
            &["quantity"]
        ),
        address = address_fields("ship_", &address, &errors, true),
    );
    let title = product["name"].as_str().unwrap_or("Product").to_owned();
    ctx.page(&title, &body)
}

/// The address fields `{prefix}line1`… of a form, as the API's address object.
fn posted_address(p: &Posted, prefix: &str, with_name: bool) -> Value {
    let mut a = json!({});
    let mut keys = vec!["line1", "line2", "city", "state", "postal_code", "country"];
    if with_name {
        keys.insert(0, "name");
    }
    for k in keys {
        let value = p.get(&format!("{prefix}{k}"));
        let optional = matches!(k, "line2" | "state");
        if !value.is_empty() || !optional {
            a[k] = json!(value);
        }
    }
    a
}

pub async fn create_order(Path(id): Path<String>, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("/products/{id}")) {
        return r;
    }
    let quantity: Option<u32> = p.get("quantity").parse().ok().filter(|q| *q >= 1);
    let Some(quantity) = quantity else {
        let values = p.fields.clone();
        let error = ErrorView::local("quantity", "Enter how many you want, as a whole number from 1.");
        return render_product(p.ctx, &id, FormErrors::of(error), Some(&values)).await;
    };
    let body = json!({ "items": [{ "product": id, "quantity": quantity }], "shipping_address": posted_address(&p, "ship_", true) });
    let answer = p.ctx.api(Method::POST, "/v1/orders", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        let order = answer.body["id"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/orders/{}/pay", url_encode(order)));
    }
    let values = p.fields.clone();
    render_product(p.ctx, &id, FormErrors::of(answer.error()), Some(&values)).await
}

// ---------------------------------------------------------------- cards typed in a form

/// The fields of a card typed in a form. The number and security code are never put back into a
/// page: after an error they are typed again.
fn new_card_fields(errors: &FormErrors, values: &HashMap<String, String>, fallback: Option<(&str, &Value)>) -> String {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut out = String::new();
    out.push_str(&field(
        "Card number",
        "number",
        Input { required: false, autocomplete: "cc-number", extra: r#"inputmode="numeric""#, ..Input::default() },
        errors,
        &["number"],
    ));
    out.push_str(r#"<div class="grid">"#);
    out.push_str(&field(
        "Expiry month (MM)",
        "exp_month",
        Input {
            value: &v("exp_month"),
            autocomplete: "cc-exp-month",
            extra: r#"inputmode="numeric" maxlength="2""#,
            ..Input::default()
        },
        errors,
        &["exp_month"],
    ));
    out.push_str(&field(
        "Expiry year (YYYY)",
        "exp_year",
        Input {
            value: &v("exp_year"),
            autocomplete: "cc-exp-year",
            extra: r#"inputmode="numeric" maxlength="4""#,
            ..Input::default()
        },
        errors,
        &["exp_year"],
    ));
    out.push_str(&field(
        "Security code (CVC)",
        "cvc",
        Input {
            autocomplete: "cc-csc",
            extra: r#"inputmode="numeric" maxlength="4""#,
            hint: "3 or 4 digits on the card.",
            ..Input::default()
        },
        errors,
        &["cvc"],
    ));
    out.push_str("</div>");
    out.push_str(&field(
        "Name on the card",
        "holder_name",
        Input { value: &v("holder_name"), autocomplete: "cc-name", ..Input::default() },
        errors,
        &["holder_name"],
    ));
    let mut typed = json!({});
    for k in ["line1", "line2", "city", "state", "postal_code", "country"] {
        typed[k] = json!(v(&format!("bill_{k}")));
    }
    let address_error = errors.for_field(&["billing_address"]).map(|e| e.render("billing-error")).unwrap_or_default();
    match fallback {
        Some((label, address)) => {
            let open = values.get("use_other_address").is_some_and(|x| x == "on")
                || errors.for_field(&["line1", "city", "postal_code", "country"]).is_some();
            let _ = write!(
                out,
                r#"<p>Billing address: {label}: {line}</p>{address_error}<details{open}><summary>Use another address</summary>{check}{fields}</details>"#,
                label = esc(label),
                line = address_line(address),
                open = if open { " open" } else { "" },
                check = checkbox("Bill to the address below", "use_other_address", open),
                fields = address_fields("bill_", &typed, errors, false),
            );
        }
        None => {
            let _ = write!(
                out,
                r#"<fieldset><legend>Billing address</legend>{address_error}{}</fieldset>"#,
                address_fields("bill_", &typed, errors, false)
            );
        }
    }
    out
}

/// The card typed in a form, as the API's `new_card`.
fn posted_new_card(p: &Posted, fallback: Option<&Value>) -> Result<Value, ErrorView> {
    let month: i64 = p
        .get("exp_month")
        .parse()
        .map_err(|_| ErrorView::local("exp_month", "Enter the expiry month as a number, 1 to 12."))?;
    let year: i64 =
        p.get("exp_year").parse().map_err(|_| ErrorView::local("exp_year", "Enter the expiry year with 4 digits."))?;
    let billing = match fallback {
        Some(a) if !p.checked("use_other_address") => {
            let mut a = a.clone();
            if let Some(o) = a.as_object_mut() {
                o.remove("name");
                o.retain(|_, v| !v.is_null() && v.as_str() != Some(""));
            }
            a
        }
        _ => posted_address(p, "bill_", false),
    };
    Ok(json!({
        "number": p.get("number").replace([' ', '-'], ""), "exp_month": month, "exp_year": year, "cvc": p.get("cvc"),
        "holder_name": p.get("holder_name"), "billing_address": billing,
    }))
}

// ---------------------------------------------------------------- checkout

pub async fn checkout_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/orders/{id}/pay")) {
        return r;
    }
    render_checkout(ctx, &id, FormErrors::none(), &HashMap::new()).await
}

async fn render_checkout(mut ctx: Ctx, id: &str, errors: FormErrors, values: &HashMap<String, String>) -> Response {
    let order = ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(id)), None, None).await;
    if !order.ok() {
        return ctx.failure(&order);
    }
    let order = order.body;
    let payment = &order["payment"];
    if payment["status"] == "requires_action" {
        return ctx.redirect(&format!("/payments/{}/verify", url_encode(payment["id"].as_str().unwrap_or(""))));
    }
    if order["status"] != "awaiting_payment" {
        return ctx.redirect(&format!("/orders/{}", url_encode(id)));
    }
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    let amount = order["amount"].as_i64().unwrap_or(0);
    let pocket = ctx.api(Method::GET, "/v1/pocket", None, None).await.body;
    let available = pocket["balances"]
        .as_array()
        .and_then(|b| b.iter().find(|x| x["currency"] == currency.as_str()))
        .and_then(|b| b["available"].as_i64())
        .unwrap_or(0);
    let cards = ctx.api(Method::GET, "/v1/cards?limit=100", None, None).await.data();
    let chosen = values.get("method").cloned().unwrap_or_else(|| {
        if available >= amount {
            "pocket".into()
        } else if let Some(c) = cards.iter().find(|c| c["default"] == true).or(cards.first()) {
            format!("card:{}", c["id"].as_str().unwrap_or(""))
        } else {
            "new".into()
        }
    });
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();

    // Pay in the buyer's own currency at a locked rate.
    let my_currency = ctx.user()["currency"].as_str().unwrap_or("").to_owned();
    let mut fx = String::new();
    if !my_currency.is_empty() && my_currency != currency {
        let quote = ctx
            .api(
                Method::POST,
                "/v1/fx/quotes",
                Some(json!({ "from": currency, "to": my_currency, "amount": amount })),
                None,
            )
            .await;
        if quote.ok() {
            let q = &quote.body;
            fx = format!(
                r#"<fieldset><legend>Currency</legend>{err}<input type="hidden" name="fx_quote" value="{qid}">{check}
<p class="hint">{from} = {to} at 1 {cur} = {rate} {mine}. This rate is locked until {until}. Card payments only.</p></fieldset>"#,
                err = errors.for_field(&["fx_quote", "currency"]).map(|e| e.render("fx-error")).unwrap_or_default(),
                qid = s(&q["id"]),
                check =
                    checkbox(&format!("Pay in {my_currency}"), "pay_in_my_currency", v("pay_in_my_currency") == "on"),
                from = money(amount, &currency),
                to = money(q["to_amount"].as_i64().unwrap_or(0), &my_currency),
                cur = esc(&currency),
                rate = s(&q["rate"]),
                mine = esc(&my_currency),
                until = q["expires_at"].as_i64().map(datetime).unwrap_or_default(),
            );
        }
    }

    let mut methods = String::new();
    methods.push_str(&radio(
        "method",
        "pocket",
        &format!("My Pocket <span class=\"muted\">(available {})</span>", money(available, &currency)),
        chosen == "pocket",
    ));
    for c in &cards {
        let value = format!("card:{}", c["id"].as_str().unwrap_or(""));
        let label = format!(
            "{} <span class=\"muted\">expires {:02}/{}{}</span>",
            card_label(c),
            c["exp_month"].as_i64().unwrap_or(0),
            c["exp_year"].as_i64().unwrap_or(0),
            if c["default"] == true { ", default" } else { "" }
        );
        methods.push_str(&radio("method", &value, &label, chosen == value));
    }
    methods.push_str(&radio("method", "new", "Another card", chosen == "new"));

    let shipping = order["shipping_address"].clone();
    let card_fields = [
        "number",
        "exp_month",
        "exp_year",
        "cvc",
        "holder_name",
        "line1",
        "city",
        "postal_code",
        "country",
        "billing_address",
    ];
    let method_error = errors
        .general(&[&card_fields[..], &["pocket_amount", "fx_quote", "currency"]].concat())
        .map(|e| e.render("payment-error"))
        .unwrap_or_default();
    let pocket_part = if available > 0 {
        format!(
            r#"<fieldset><legend>Pocket and card</legend>{}</fieldset>"#,
            field(
                "Pay this much from my Pocket, the rest by card (optional)",
                "pocket_amount",
                Input {
                    value: &v("pocket_amount"),
                    extra: r#"inputmode="decimal""#,
                    hint: &format!(
                        "You have {} available. Choose a card above for the rest; leave empty to pay with one method.",
                        money(available, &currency)
                    ),
                    ..Input::default()
                },
                &errors,
                &["pocket_amount"]
            )
        )
    } else {
        String::new()
    };
    let items: String = order["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    format!(
                        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                        s(&i["name"]),
                        s(&i["quantity"]),
                        money(i["unit_amount"].as_i64().unwrap_or(0), &currency)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let body = format!(
        r#"<section><h2>Order {number}</h2><div class="table-wrap"><table><thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Price</th></tr></thead><tbody>{items}</tbody></table></div>
<p>Total: <strong class="total">{total}</strong></p><p class="muted">Ships to {ship}</p>
<p class="muted">Paying authorizes the amount; you are charged only when the seller ships.</p></section>
<form method="post" action="/orders/{id}/pay" class="panel">{hidden}
<fieldset><legend>Pay with</legend>{method_error}{methods}</fieldset>
{pocket_part}
<fieldset id="new-card"><legend>Another card</legend><p class="hint">Fill this in if you chose "Another card".</p>{card}{save}</fieldset>
{fx}
<div class="actions"><button type="submit">Pay {total}</button> <a href="/orders/{id}">Back to the order</a></div></form>"#,
        number = s(&order["number"]),
        total = money(amount, &currency),
        ship = address_line(&shipping),
        id = url_encode(id),
        hidden = form_hidden(&mut ctx),
        card = new_card_fields(&errors, values, Some(("same as shipping", &shipping))),
        save =
            checkbox("Save this card for next time", "save_card", values.get("save_card").is_some_and(|x| x == "on")),
    );
    ctx.page("Checkout", &body)
}

pub async fn pay(Path(id): Path<String>, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("/orders/{id}/pay")) {
        return r;
    }
    let values = p.values_without_card_secrets();
    let order = p.ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    if !order.ok() {
        return p.ctx.failure(&order);
    }
    let currency = order.body["currency"].as_str().unwrap_or("").to_owned();
    let shipping = order.body["shipping_address"].clone();
    let method = p.get("method");
    let payment_method = if method == "pocket" {
        json!({ "type": "pocket" })
    } else if let Some(card) = method.strip_prefix("card:") {
        json!({ "type": "card", "card": card })
    } else if method == "new" {
        match posted_new_card(&p, Some(&shipping)) {
            Ok(card) => json!({ "type": "card", "new_card": card, "save": p.checked("save_card") }),
            Err(e) => return render_checkout(p.ctx, &id, FormErrors::of(e), &values).await,
        }
    } else {
        let e = ErrorView::local("method", "Choose how to pay.");
        return render_checkout(p.ctx, &id, FormErrors::of(e), &values).await;
    };
    let mut body = json!({ "payment_method": payment_method });
    let pocket_text = p.get("pocket_amount");
    if method != "pocket" && !pocket_text.is_empty() {
        match parse_amount(&pocket_text, &currency) {
            Some(a) => body["pocket_amount"] = json!(a),
            None => {
                let e = ErrorView::local("pocket_amount", &format!("Enter an amount in {currency}, such as 20.00."));
                return render_checkout(p.ctx, &id, FormErrors::of(e), &values).await;
            }
        }
    }
    if p.checked("pay_in_my_currency") {
        body["currency"] = json!(p.ctx.user()["currency"].as_str().unwrap_or(""));
        body["fx_quote"] = json!(p.get("fx_quote"));
    }
    let answer =
        p.ctx.api(Method::POST, &format!("/v1/orders/{}/pay", url_encode(&id)), Some(body), p.key().as_deref()).await;
    if answer.ok() {
        if answer.body["status"] == "requires_action" {
            let pid = answer.body["id"].as_str().unwrap_or("");
            return p.ctx.redirect(&format!("/payments/{}/verify", url_encode(pid)));
        }
        return p.ctx.redirect(&format!("/orders/{}?notice=paid", url_encode(&id)));
    }
    render_checkout(p.ctx, &id, FormErrors::of(answer.error()), &values).await
}

pub async fn verify_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/payments/{id}/verify")) {
        return r;
    }
    let notice = notice_from(&q);
    render_verify(ctx, &id, FormErrors::none(), &notice).await
}

async fn render_verify(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let payment = ctx.api(Method::GET, &format!("/v1/payments/{}", url_encode(id)), None, None).await;
    if !payment.ok() {
        return ctx.failure(&payment);
    }
    let payment = payment.body;
    let order = payment["order"].as_str().unwrap_or("").to_owned();
    if payment["status"] != "requires_action" {
        if errors.error.is_some() {
            // The code failed for good (too many tries or expired): back to checkout with the reason.
            let mut values = HashMap::new();
            values.insert("method".to_owned(), "new".to_owned());
            return render_checkout(ctx, &order, errors, &values).await;
        }
        return ctx.redirect(&format!("/orders/{}", url_encode(&order)));
    }
    let action = &payment["next_action"];
    let body = format!(
        r#"{notice}<p>Your bank asks for a one-time code for this payment of <strong>{amount}</strong>.</p>
<p>We sent a 6-digit code by {channel} to <strong>{sent_to}</strong>. It expires at {expires}. Tries left: {left}.</p>
{top}<form method="post" action="/payments/{id}/verify" class="panel">{hidden}
{code}
<div class="actions"><button type="submit">Confirm payment</button></div></form>
<form method="post" action="/payments/{id}/resend" class="panel">{hidden2}
{channel_select}
<div class="actions"><button type="submit" class="secondary">Send a new code</button></div></form>"#,
        amount = money_of(&payment, "amount"),
        channel = words(action["channel"].as_str().unwrap_or("email")),
        sent_to = s(&action["sent_to"]),
        expires = action["expires_at"].as_i64().map(datetime).unwrap_or_default(),
        left = s(&action["attempts_left"]),
        top = top_error(&errors, &["code"]),
        id = url_encode(id),
        hidden = form_hidden(&mut ctx),
        hidden2 = form_hidden(&mut ctx),
        code = field(
            "Code",
            "code",
            Input { autocomplete: "one-time-code", extra: r#"inputmode="numeric" maxlength="6""#, ..Input::default() },
            &errors,
            &["code"]
        ),
        channel_select = select(
            "Send it by",
            "channel",
            &[("email", "Email"), ("sms", "SMS")],
            action["channel"].as_str().unwrap_or("email"),
            &FormErrors::none()
        ),
    );
    ctx.page("Enter your code", &body)
}

pub async fn verify(Path(id): Path<String>, p: Posted) -> Response {
    let body = json!({ "code": p.get("code") });
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/payments/{}/verify", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        let order = answer.body["order"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/orders/{}?notice=paid", url_encode(order)));
    }
    render_verify(p.ctx, &id, FormErrors::of(answer.error()), "").await
}

pub async fn resend_code(Path(id): Path<String>, p: Posted) -> Response {
    let body = json!({ "channel": p.get("channel") });
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/payments/{}/resend_code", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/payments/{}/verify?notice=code_sent", url_encode(&id)));
    }
    render_verify(p.ctx, &id, FormErrors::of(answer.error()), "").await
}

// ---------------------------------------------------------------- my orders

pub async fn orders_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/orders") {
        return r;
    }
    let answer = ctx.api(Method::GET, "/v1/orders?limit=100", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice_from(&q);
    let orders = answer.data();
    if orders.is_empty() {
        body.push_str(r#"<p>No orders yet. <a href="/">Visit the shop</a>.</p>"#);
    } else {
        body.push_str(&orders_table(&orders, "/orders"));
    }
    ctx.page("My Orders", &body)
}

pub async fn order_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/orders/{id}")) {
        return r;
    }
    let notice = notice_from(&q);
    render_order(ctx, &id, FormErrors::none(), &notice).await
}

/// Orders as a table, each linking to `{page}/{id}` (the buyer's or the seller's order page).
pub(super) fn orders_table(orders: &[Value], page: &str) -> String {
    let mut out = String::from(
        r#"<div class="table-wrap"><table><thead><tr><th>Order</th><th>Date</th><th class="num">Total</th><th>Status</th></tr></thead><tbody>"#,
    );
    for o in orders {
        let _ = write!(
            out,
            r#"<tr><td><a href="{page}/{}">{}</a></td><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            url_encode(o["id"].as_str().unwrap_or("")),
            s(&o["number"]),
            date_of(&o["created"]),
            money_of(o, "amount"),
            badge(o["status"].as_str().unwrap_or(""))
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The order, its payment, refunds and claims, as a table of facts (shared with the seller's page).
pub(super) fn order_facts(order: &Value) -> String {
    let currency = order["currency"].as_str().unwrap_or("");
    let payment = &order["payment"];
    let mut out = format!(
        r#"<dl class="facts"><dt>Status</dt><dd class="order-status">{}</dd><dt>Total</dt><dd>{}</dd><dt>Ordered</dt><dd>{}</dd><dt>Ships to</dt><dd>{}</dd>"#,
        badge(order["status"].as_str().unwrap_or("")),
        money_of(order, "amount"),
        date_of(&order["created"]),
        address_line(&order["shipping_address"])
    );
    if order["tracking_number"].is_string() {
        let _ = write!(out, "<dt>Tracking</dt><dd>{} {}</dd>", s(&order["carrier"]), s(&order["tracking_number"]));
    }
    if payment.is_object() {
        let mut how = Vec::new();
        if payment["pocket_amount"].as_i64().unwrap_or(0) > 0 {
            how.push(format!("Pocket {}", money(payment["pocket_amount"].as_i64().unwrap_or(0), currency)));
        }
        if payment["card"].is_object() {
            how.push(format!(
                "{} {}",
                card_label(&payment["card"]),
                money(payment["card_amount"].as_i64().unwrap_or(0), currency)
            ));
        }
        if let Some(pres) = payment["presentment"].as_object() {
            how.push(format!(
                "paid as {} at {}",
                money(
                    pres.get("amount").and_then(Value::as_i64).unwrap_or(0),
                    pres.get("currency").and_then(Value::as_str).unwrap_or("")
                ),
                esc(pres.get("rate").and_then(Value::as_str).unwrap_or(""))
            ));
        }
        let _ = write!(
            out,
            "<dt>Payment</dt><dd>{} {}</dd><dt>Captured</dt><dd>{}</dd><dt>Refunded</dt><dd>{}</dd>",
            badge(payment["status"].as_str().unwrap_or("")),
            how.join(" + "),
            money(payment["amount_captured"].as_i64().unwrap_or(0), currency),
            money(payment["amount_refunded"].as_i64().unwrap_or(0), currency),
        );
    }
    out.push_str("</dl>");
    if let Some(refunds) = order["refunds"].as_array().filter(|r| !r.is_empty()) {
        out.push_str(r#"<h2>Refunds</h2><div class="table-wrap"><table><thead><tr><th>Refund</th><th class="num">Amount</th><th>To</th><th>Status</th></tr></thead><tbody>"#);
        for r in refunds {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td>{}{}</td></tr>"#,
                date_of(&r["created"]),
                money(r["amount"].as_i64().unwrap_or(0), currency),
                words(r["destination"].as_str().unwrap_or("")),
                badge(r["status"].as_str().unwrap_or("")),
                r["expected_at"].as_i64().map(|t| format!(" (expected by {})", date(t))).unwrap_or_default()
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out
}

/// A claim as a short block.
pub(super) fn claim_block(c: &Value, currency: &str) -> String {
    format!(
        r#"<div class="panel claim" data-claim="{id}"><p><strong>Claim</strong> {status} · {reason} · {amount}</p><p>{desc}</p>{seller}{outcome}</div>"#,
        id = s(&c["id"]),
        status = badge(c["status"].as_str().unwrap_or("")),
        reason = words(c["reason"].as_str().unwrap_or("")),
        amount = money(c["amount"].as_i64().unwrap_or(0), currency),
        desc = s(&c["description"]),
        seller = c["seller_message"].as_str().map(|m| format!("<p>Seller: {}</p>", esc(m))).unwrap_or_default(),
        outcome = c["outcome"]
            .as_str()
            .map(|o| format!(
                "<p>Decided for the {}{}</p>",
                esc(o),
                c["refund_amount"].as_i64().map(|a| format!(", refund {}", money(a, currency))).unwrap_or_default()
            ))
            .unwrap_or_default(),
    )
}

async fn render_order(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let order = answer.body;
    let status = order["status"].as_str().unwrap_or("").to_owned();
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    let payment = order["payment"].clone();
    let oid = url_encode(id);
    let mut body = format!("{notice}{}", top_error(&errors, &["reason", "amount", "description"]));
    body.push_str(&order_facts(&order));
    let claims = order["claims"].as_array().cloned().unwrap_or_default();
    for c in &claims {
        body.push_str(&claim_block(c, &currency));
        if c["status"] == "rejected" {
            body.push_str(&button_form(
                &format!("/claims/{}/escalate", url_encode(c["id"].as_str().unwrap_or(""))),
                &ctx.csrf(),
                "Ask Pocketpay to decide",
                "secondary",
            ));
        }
    }
    let mut actions = String::new();
    if status == "awaiting_payment" {
        let _ = write!(actions, r#"<a class="button" href="/orders/{oid}/pay">Pay</a> "#);
    }
    if status == "awaiting_payment" || status == "paid" {
        let _ = write!(
            actions,
            r#"<form method="post" action="/orders/{oid}/cancel" class="panel">{}{}<button type="submit" class="danger">Cancel order</button></form>"#,
            form_hidden(&mut ctx),
            field(
                "Why are you canceling?",
                "reason",
                Input { value: "Changed my mind", ..Input::default() },
                &errors,
                &["reason"]
            )
        );
    }
    if status == "shipped" || status == "delivered" {
        actions.push_str(&button_form(&format!("/orders/{oid}/confirm"), &ctx.csrf(), "I received it", ""));
    }
    let open_claim = claims.iter().any(|c| !matches!(c["status"].as_str(), Some("resolved")));
    if matches!(status.as_str(), "shipped" | "delivered" | "completed") && !open_claim {
        let amount_default = decimal(order["amount"].as_i64().unwrap_or(0), &currency);
        let _ = write!(
            actions,
            r#"<details><summary>Open a claim</summary><form method="post" action="/orders/{oid}/claim" class="panel">{hidden}{reason}{amount}{desc}<button type="submit">Open claim</button></form></details>"#,
            hidden = form_hidden(&mut ctx),
            reason = select(
                "What went wrong?",
                "reason",
                &[
                    ("not_received", "I did not receive it"),
                    ("not_as_described", "It is not as described"),
                    ("damaged", "It arrived damaged"),
                    ("other", "Something else")
                ],
                "not_as_described",
                &errors
            ),
            amount = field(
                &format!("Amount to claim ({currency})"),
                "amount",
                Input { value: &amount_default, extra: r#"inputmode="decimal""#, ..Input::default() },
                &errors,
                &["amount"]
            ),
            desc = textarea("Describe the problem", "description", "", true, &errors),
        );
    }
    if payment["status"] == "succeeded" && payment["amount_captured"].as_i64().unwrap_or(0) > 0 {
        let _ = write!(
            actions,
            r#"<details><summary>I did not make this payment</summary><form method="post" action="/orders/{oid}/unauthorized" class="panel">{hidden}<p>We reimburse the whole payment into your Pocket at once and block the card used.</p>{desc}<button type="submit" class="danger">Report an unauthorized payment</button></form></details>"#,
            hidden = form_hidden(&mut ctx),
            desc = textarea("What happened?", "unauthorized_description", "", true, &errors),
        );
    }
    if !actions.is_empty() {
        let _ = write!(body, r#"<div class="actions">{actions}</div>"#);
    }
    let _ = write!(
        body,
        r#"<p><a href="/tickets?order={}">Ask support about this order</a></p>"#,
        url_encode(order["number"].as_str().unwrap_or(""))
    );
    let title = format!("Order {}", order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}

async fn order_action(id: &str, p: Posted, path: &str, body: Option<Value>, notice: &str) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("/orders/{id}")) {
        return r;
    }
    let answer = p.ctx.api(Method::POST, path, body, p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/orders/{}?notice={notice}", url_encode(id)));
    }
    if matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN) {
        return p.ctx.failure(&answer);
    }
    render_order(p.ctx, id, FormErrors::of(answer.error()), "").await
}

pub async fn cancel(Path(id): Path<String>, p: Posted) -> Response {
    let reason = p.get("reason");
    let reason = if reason.is_empty() { "Canceled by the buyer".to_owned() } else { reason };
    let path = format!("/v1/orders/{}/cancel", url_encode(&id));
    order_action(&id, p, &path, Some(json!({ "reason": reason })), "canceled").await
}

pub async fn confirm_receipt(Path(id): Path<String>, p: Posted) -> Response {
    let path = format!("/v1/orders/{}/confirm_receipt", url_encode(&id));
    order_action(&id, p, &path, None, "confirmed").await
}

pub async fn open_claim(Path(id): Path<String>, p: Posted) -> Response {
    let order = p.ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    let currency = order.body["currency"].as_str().unwrap_or("").to_owned();
    let Some(amount) = parse_amount(&p.get("amount"), &currency) else {
        let e = ErrorView::local("amount", &format!("Enter an amount in {currency}, such as 20.00."));
        return render_order(p.ctx, &id, FormErrors::of(e), "").await;
    };
    let body = json!({ "reason": p.get("reason"), "amount": amount, "description": p.get("description") });
    let path = format!("/v1/orders/{}/claims", url_encode(&id));
    order_action(&id, p, &path, Some(body), "claim_opened").await
}

pub async fn report_unauthorized(Path(id): Path<String>, p: Posted) -> Response {
    let order = p.ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    let payment = order.body["payment"]["id"].as_str().unwrap_or("").to_owned();
    let body = json!({ "description": p.get("unauthorized_description") });
    let path = format!("/v1/payments/{}/report_unauthorized", url_encode(&payment));
    order_action(&id, p, &path, Some(body), "reported").await
}

pub async fn escalate(Path(id): Path<String>, p: Posted) -> Response {
    let claim = p.ctx.api(Method::GET, &format!("/v1/claims/{}", url_encode(&id)), None, None).await;
    if !claim.ok() {
        return p.ctx.failure(&claim);
    }
    let order = claim.body["order"].as_str().unwrap_or("").to_owned();
    let path = format!("/v1/claims/{}/escalate", url_encode(&id));
    order_action(&order, p, &path, None, "escalated").await
}

// ---------------------------------------------------------------- my Pocket and gift cards

pub async fn pocket(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/pocket") {
        return r;
    }
    let pocket = ctx.api(Method::GET, "/v1/pocket", None, None).await;
    if !pocket.ok() {
        return ctx.failure(&pocket);
    }
    let history = ctx.api(Method::GET, "/v1/pocket/transactions?limit=100", None, None).await;
    let mut body = notice_from(&q);
    let balances = pocket.body["balances"].as_array().cloned().unwrap_or_default();
    if balances.is_empty() {
        body.push_str(r#"<section><p class="big pocket-balance">0.00 USD</p><p>Your Pocket is empty. Buy a gift card to fill it.</p></section>"#);
    }
    for b in &balances {
        let currency = b["currency"].as_str().unwrap_or("");
        let _ = write!(
            body,
            r#"<section><h2>Balance in {cur}</h2><p class="big pocket-balance">{available}</p><p class="muted">Available to spend. Held for orders not yet shipped: {held}.</p>"#,
            cur = esc(currency),
            available = money(b["available"].as_i64().unwrap_or(0), currency),
            held = money(b["held"].as_i64().unwrap_or(0), currency),
        );
        if let Some(expiring) = b["expiring"].as_array().filter(|e| !e.is_empty()) {
            body.push_str(r#"<h3>What expires when</h3><ul class="expiring">"#);
            for e in expiring {
                let _ = write!(
                    body,
                    "<li>{} on {}</li>",
                    money(e["amount"].as_i64().unwrap_or(0), currency),
                    date_of(&e["expires_at"])
                );
            }
            body.push_str("</ul>");
        }
        body.push_str("</section>");
    }
    body.push_str(r#"<div class="actions"><a class="button" href="/gift-cards/buy">Buy gift cards</a> <a class="button" href="/gift-cards/redeem">Redeem a code</a></div>"#);
    body.push_str("<h2>History</h2>");
    let rows = history.data();
    if rows.is_empty() {
        body.push_str("<p>Nothing yet.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table class="history"><thead><tr><th>Date</th><th>What</th><th class="num">Amount</th><th class="num">Balance after</th><th>Expires</th></tr></thead><tbody>"#);
        for t in &rows {
            let currency = t["currency"].as_str().unwrap_or("");
            let _ = write!(
                body,
                r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                date_of(&t["created"]),
                words(t["type"].as_str().unwrap_or("")),
                money(t["amount"].as_i64().unwrap_or(0), currency),
                money(t["balance_after"].as_i64().unwrap_or(0), currency),
                t["expires_at"].as_i64().map(date).unwrap_or_default(),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    ctx.page("My Pocket", &body)
}

/// Saved cards as radio choices plus "another card", for paying by card only.
fn card_choices(cards: &[Value], chosen: &str) -> String {
    let mut out = String::new();
    for c in cards {
        let value = format!("card:{}", c["id"].as_str().unwrap_or(""));
        out.push_str(&radio("method", &value, &card_label(c), chosen == value));
    }
    out.push_str(&radio("method", "new", "Another card", chosen == "new"));
    out
}

fn default_card(cards: &[Value]) -> Option<&Value> {
    cards.iter().find(|c| c["default"] == true).or(cards.first())
}

pub async fn gift_cards_page(ctx: Ctx) -> Response {
    if let Err(r) = ctx.require_buyer("/gift-cards/buy") {
        return r;
    }
    render_gift_cards(ctx, FormErrors::none(), &HashMap::new()).await
}

async fn render_gift_cards(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>) -> Response {
    let rules = ctx.web.state.config.gift_cards.clone();
    let currency = rules.currency().code().to_owned();
    let cards = ctx.api(Method::GET, "/v1/cards?limit=100", None, None).await.data();
    let bought = ctx.api(Method::GET, "/v1/gift_cards?limit=20", None, None).await.data();
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let chosen = values.get("method").cloned().unwrap_or_else(|| {
        default_card(&cards).map(|c| format!("card:{}", c["id"].as_str().unwrap_or(""))).unwrap_or("new".into())
    });
    let mut quantities = String::new();
    for d in rules.denominations_minor() {
        let name = format!("qty_{d}");
        let value = if v(&name).is_empty() { "0".to_owned() } else { v(&name) };
        quantities.push_str(&field(
            &format!("{} cards", money(*d, &currency)),
            &name,
            Input { kind: "number", value: &value, extra: r#"min="0" max="70""#, ..Input::default() },
            &errors,
            &[],
        ));
    }
    let for_whom = if v("for") == "gift" { "gift" } else { "me" };
    let billing_fallback = default_card(&cards).map(|c| c["billing_address"].clone());
    let card_fields =
        new_card_fields(&errors, values, billing_fallback.as_ref().map(|a| ("the same as your saved card", a)));
    let item_fields = ["items", "denomination", "quantity", "amount", "currency"];
    let body = format!(
        r#"<p>Gift cards load your Pocket, or go to someone else as a code by email. They are sold in USD, at most {cap} per purchase, expire 3 years after purchase and cannot be refunded.</p>
{top}<form method="post" action="/gift-cards/buy" class="panel">{hidden}
<fieldset><legend>How many of each</legend>{items_error}<div class="grid">{quantities}</div></fieldset>
<fieldset><legend>For whom</legend>{me}{gift}{recipient}{message}</fieldset>
<fieldset><legend>Pay by card</legend>{methods}</fieldset>
<fieldset><legend>Another card</legend><p class="hint">Fill this in if you chose "Another card".</p>{card_fields}{save}</fieldset>
<div class="actions"><button type="submit">Buy gift cards</button></div></form>
{bought}"#,
        cap = money(rules.purchase_cap_minor(), &currency),
        top = top_error(
            &errors,
            &[
                &item_fields[..],
                &[
                    "number",
                    "exp_month",
                    "exp_year",
                    "cvc",
                    "holder_name",
                    "line1",
                    "city",
                    "postal_code",
                    "country",
                    "recipient_email"
                ]
            ]
            .concat()
        ),
        hidden = form_hidden(&mut ctx),
        items_error = errors.for_field(&item_fields).map(|e| e.render("items-error")).unwrap_or_default(),
        me = radio("for", "me", "Load my Pocket", for_whom == "me"),
        gift = radio("for", "gift", "Send as a gift", for_whom == "gift"),
        recipient = field(
            "Recipient's email (for a gift)",
            "recipient_email",
            Input { kind: "email", value: &v("recipient_email"), ..Input::default() },
            &errors,
            &["recipient_email"]
        ),
        message = textarea("Message to the recipient (optional)", "message", &v("message"), false, &errors),
        methods = card_choices(&cards, &chosen),
        save = checkbox("Save this card for next time", "save_card", v("save_card") == "on"),
        bought = bought_list(&bought),
    );
    ctx.page("Buy gift cards", &body)
}

fn bought_list(bought: &[Value]) -> String {
    if bought.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        r#"<h2>Gift cards you bought</h2><div class="table-wrap"><table><thead><tr><th>Bought</th><th class="num">Value</th><th>Code</th><th>State</th><th>Expires</th></tr></thead><tbody>"#,
    );
    for g in bought {
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            date_of(&g["created"]),
            money_of(g, "denomination"),
            g["last4"].as_str().map(|l| format!("•••• {}", esc(l))).unwrap_or_else(|| "loaded".into()),
            badge(g["state"].as_str().unwrap_or("")),
            date_of(&g["expires_at"])
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

pub async fn buy_gift_cards(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/gift-cards/buy") {
        return r;
    }
    let values = p.values_without_card_secrets();
    let rules = p.ctx.web.state.config.gift_cards.clone();
    let mut items = Vec::new();
    for d in rules.denominations_minor() {
        let text = p.get(&format!("qty_{d}"));
        let quantity: u32 = match text.as_str() {
            "" => 0,
            t => match t.parse() {
                Ok(q) => q,
                Err(_) => {
                    let e = ErrorView::local("items", "Enter how many of each card as whole numbers.");
                    return render_gift_cards(p.ctx, FormErrors::of(e), &values).await;
                }
            },
        };
        if quantity > 0 {
            items.push(json!({ "denomination": d, "quantity": quantity }));
        }
    }
    if items.is_empty() {
        let e = ErrorView::local("items", "Choose at least one gift card.");
        return render_gift_cards(p.ctx, FormErrors::of(e), &values).await;
    }
    let method = p.get("method");
    let payment_method = if let Some(card) = method.strip_prefix("card:") {
        json!({ "type": "card", "card": card })
    } else {
        let cards = p.ctx.api(Method::GET, "/v1/cards?limit=100", None, None).await.data();
        let fallback = default_card(&cards).map(|c| c["billing_address"].clone());
        match posted_new_card(&p, fallback.as_ref()) {
            Ok(card) => json!({ "type": "card", "new_card": card, "save": p.checked("save_card") }),
            Err(e) => return render_gift_cards(p.ctx, FormErrors::of(e), &values).await,
        }
    };
    let mut body = json!({ "currency": rules.currency().code(), "items": items, "payment_method": payment_method });
    let gift = p.get("for") == "gift";
    if gift {
        body["gift"] = json!({ "recipient_email": p.get("recipient_email") });
        let message = p.get("message");
        if !message.is_empty() {
            body["gift"]["message"] = json!(message);
        }
    }
    let answer = p.ctx.api(Method::POST, "/v1/gift_cards/purchase", Some(body), p.key().as_deref()).await;
    if !answer.ok() {
        return render_gift_cards(p.ctx, FormErrors::of(answer.error()), &values).await;
    }
    if !gift {
        return p.ctx.redirect("/pocket?notice=loaded");
    }
    let purchase = &answer.body;
    let mut body = format!(
        "<p>We emailed {} worth of gift cards to <strong>{}</strong>.</p>",
        money_of(purchase, "amount"),
        esc(&p.get("recipient_email"))
    );
    if let Some(code) = purchase["code"].as_str() {
        let _ = write!(
            body,
            r#"<p>The code, shown this once (it is also in the email):</p><p class="secret gift-code">{}</p>"#,
            esc(code)
        );
    }
    body.push_str(r#"<p><a href="/gift-cards/buy">Buy more</a> · <a href="/pocket">My Pocket</a></p>"#);
    p.ctx.page("Gift sent", &body)
}

pub async fn redeem_page(ctx: Ctx) -> Response {
    if let Err(r) = ctx.require_buyer("/gift-cards/redeem") {
        return r;
    }
    render_redeem(ctx, FormErrors::none())
}

fn render_redeem(mut ctx: Ctx, errors: FormErrors) -> Response {
    let body = format!(
        r#"{top}<form method="post" action="/gift-cards/redeem" class="panel">{hidden}{code}<div class="actions"><button type="submit">Load into my Pocket</button></div></form>"#,
        top = top_error(&errors, &["code"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            "Gift card code",
            "code",
            Input {
                required: true,
                autocomplete: "off",
                hint: "16 letters and digits, as in the email.",
                ..Input::default()
            },
            &errors,
            &["code"]
        ),
    );
    ctx.page("Redeem a gift card", &body)
}

pub async fn redeem(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/gift-cards/redeem") {
        return r;
    }
    let answer = p
        .ctx
        .api(Method::POST, "/v1/gift_cards/redeem", Some(json!({ "code": p.get("code") })), p.key().as_deref())
        .await;
    if answer.ok() {
        return p.ctx.redirect("/pocket?notice=redeemed");
    }
    render_redeem(p.ctx, FormErrors::of(answer.error()))
}

// ---------------------------------------------------------------- the card manager

pub async fn cards_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/cards") {
        return r;
    }
    let notice = notice_from(&q);
    render_cards(ctx, FormErrors::none(), &HashMap::new(), &notice).await
}

async fn render_cards(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, "/v1/cards?limit=100", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let cards = answer.data();
    let card_error_for = values.get("card").cloned().unwrap_or_default();
    let mut body = notice.to_owned();
    if cards.is_empty() {
        body.push_str("<p>No saved cards yet.</p>");
    }
    for c in &cards {
        let id = c["id"].as_str().unwrap_or("");
        let cid = url_encode(id);
        let this_errors = if card_error_for == id { errors.clone() } else { FormErrors::none() };
        let _ = write!(
            body,
            r#"<section class="saved-card" data-card="{id_attr}"><h2>{label}{default}</h2>
<p>Expires {month:02}/{year} · {funding} · billing address {address}</p>{err}
<div class="actions">{make_default}{remove}</div>
<details><summary>Update expiry</summary><form method="post" action="/cards/{cid}/expiry" class="panel">{hidden}<div class="grid">{m}{y}</div><button type="submit">Save expiry</button></form></details></section>"#,
            id_attr = esc(id),
            label = card_label(c),
            default = if c["default"] == true { r#" <span class="badge">default</span>"# } else { "" },
            month = c["exp_month"].as_i64().unwrap_or(0),
            year = c["exp_year"].as_i64().unwrap_or(0),
            funding = words(c["funding"].as_str().unwrap_or("")),
            address = address_line(&c["billing_address"]),
            err = top_error(&this_errors, &[]),
            make_default = if c["default"] == true {
                String::new()
            } else {
                button_form(&format!("/cards/{cid}/default"), &ctx.csrf(), "Make default", "secondary")
            },
            remove = button_form(&format!("/cards/{cid}/remove"), &ctx.csrf(), "Remove", "danger"),
            hidden = form_hidden(&mut ctx),
            m = field(
                "Month (MM)",
                "exp_month",
                Input {
                    value: &format!("{:02}", c["exp_month"].as_i64().unwrap_or(0)),
                    id: &format!("exp-month-{id}"),
                    ..Input::default()
                },
                &FormErrors::none(),
                &[]
            ),
            y = field(
                "Year (YYYY)",
                "exp_year",
                Input {
                    value: &c["exp_year"].as_i64().unwrap_or(0).to_string(),
                    id: &format!("exp-year-{id}"),
                    ..Input::default()
                },
                &FormErrors::none(),
                &[]
            ),
        );
    }
    let add_errors = if card_error_for.is_empty() { errors.clone() } else { FormErrors::none() };
    let fallback = default_card(&cards).map(|c| c["billing_address"].clone());
    let _ = write!(
        body,
        r#"<h2>Add a card</h2>{top}<form method="post" action="/cards" class="panel" id="add-card">{hidden}{fields}{default}<div class="actions"><button type="submit">Save card</button></div></form>
<p class="muted">We check the card with your bank without charging it. The security code is never stored.</p>"#,
        top = top_error(
            &add_errors,
            &["number", "exp_month", "exp_year", "cvc", "holder_name", "line1", "city", "postal_code", "country"]
        ),
        hidden = form_hidden(&mut ctx),
        fields = new_card_fields(&add_errors, values, fallback.as_ref().map(|a| ("the same as your default card", a))),
        default = checkbox("Make this my default card", "default", false),
    );
    ctx.page("My cards", &body)
}

pub async fn add_card(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/cards") {
        return r;
    }
    let values = p.values_without_card_secrets();
    let cards = p.ctx.api(Method::GET, "/v1/cards?limit=100", None, None).await.data();
    let fallback = default_card(&cards).map(|c| c["billing_address"].clone());
    let mut card = match posted_new_card(&p, fallback.as_ref()) {
        Ok(c) => c,
        Err(e) => return render_cards(p.ctx, FormErrors::of(e), &values, "").await,
    };
    if p.checked("default") {
        card["default"] = json!(true);
    }
    let answer = p.ctx.api(Method::POST, "/v1/cards", Some(card), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/cards?notice=card_added");
    }
    render_cards(p.ctx, FormErrors::of(answer.error()), &values, "").await
}

async fn card_change(id: &str, p: Posted, method: Method, body: Option<Value>, notice: &str) -> Response {
    if let Err(r) = p.ctx.require_buyer("/cards") {
        return r;
    }
    let answer = p.ctx.api(method, &format!("/v1/cards/{}", url_encode(id)), body, p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/cards?notice={notice}"));
    }
    let mut values = HashMap::new();
    values.insert("card".to_owned(), id.to_owned());
    render_cards(p.ctx, FormErrors::of(answer.error()), &values, "").await
}

pub async fn card_default(Path(id): Path<String>, p: Posted) -> Response {
    card_change(&id, p, Method::PATCH, Some(json!({ "default": true })), "card_updated").await
}

pub async fn card_expiry(Path(id): Path<String>, p: Posted) -> Response {
    let (Ok(month), Ok(year)) = (p.get("exp_month").parse::<i64>(), p.get("exp_year").parse::<i64>()) else {
        let mut values = HashMap::new();
        values.insert("card".to_owned(), id.clone());
        let e = ErrorView::local("exp_month", "Enter the month (1 to 12) and the year (4 digits) as numbers.");
        return render_cards(p.ctx, FormErrors::of(e), &values, "").await;
    };
    card_change(&id, p, Method::PATCH, Some(json!({ "exp_month": month, "exp_year": year })), "card_updated").await
}

pub async fn card_remove(Path(id): Path<String>, p: Posted) -> Response {
    card_change(&id, p, Method::DELETE, None, "card_removed").await
}

// ---------------------------------------------------------------- support tickets (buyers and operators)

pub async fn tickets_page(ctx: Ctx, Query(q): Q) -> Response {
    if ctx.role().is_none() {
        return ctx.redirect("/login?next=/tickets");
    }
    let order_number = q.get("order").cloned().unwrap_or_default();
    let notice = notice_from(&q);
    render_tickets(ctx, FormErrors::none(), &order_number, &notice).await
}

async fn render_tickets(mut ctx: Ctx, errors: FormErrors, order_number: &str, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, "/v1/tickets?limit=100", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice.to_owned();
    let tickets = answer.data();
    if tickets.is_empty() {
        body.push_str("<p>No tickets.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table><thead><tr><th>Subject</th><th>Status</th><th>Updated</th></tr></thead><tbody>"#);
        for t in &tickets {
            let _ = write!(
                body,
                r#"<tr><td><a href="/tickets/{}">{}</a></td><td>{}</td><td>{}</td></tr>"#,
                url_encode(t["id"].as_str().unwrap_or("")),
                s(&t["subject"]),
                badge(t["status"].as_str().unwrap_or("")),
                date_of(&t["updated"])
            );
        }
        body.push_str("</tbody></table></div>");
    }
    if ctx.role() == Some("buyer") {
        let _ = write!(
            body,
            r#"<h2>Write to support</h2>{top}<form method="post" action="/tickets" class="panel">{hidden}{order}{subject}{message}<div class="actions"><button type="submit">Send</button></div></form>"#,
            top = top_error(&errors, &["order_number", "subject", "message"]),
            hidden = form_hidden(&mut ctx),
            order = field(
                "Order number (optional)",
                "order_number",
                Input { value: order_number, ..Input::default() },
                &errors,
                &["order_number"]
            ),
            subject = field("Subject", "subject", Input { required: true, ..Input::default() }, &errors, &["subject"]),
            message = textarea("Message", "message", "", true, &errors),
        );
    }
    ctx.page("Support", &body)
}

pub async fn open_ticket(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/tickets") {
        return r;
    }
    let mut body = json!({ "subject": p.get("subject"), "message": p.get("message") });
    let number = p.get("order_number");
    if !number.is_empty() {
        body["order_number"] = json!(number);
    }
    let answer = p.ctx.api(Method::POST, "/v1/tickets", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        let id = answer.body["id"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/tickets/{}?notice=ticket_opened", url_encode(id)));
    }
    render_tickets(p.ctx, FormErrors::of(answer.error()), &number, "").await
}

pub async fn ticket_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if ctx.role().is_none() {
        return ctx.redirect(&format!("/login?next=/tickets/{}", url_encode(&id)));
    }
    let notice = notice_from(&q);
    render_ticket(ctx, &id, FormErrors::none(), &notice).await
}

async fn render_ticket(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/tickets/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let t = answer.body;
    let mut body = format!("{notice}<p>{}</p>", badge(t["status"].as_str().unwrap_or("")));
    for m in t["messages"].as_array().cloned().unwrap_or_default() {
        let _ = write!(
            body,
            r#"<div class="panel message"><p class="muted">{} · {}</p><p>{}</p></div>"#,
            words(m["author"].as_str().unwrap_or("")),
            m["created"].as_i64().map(datetime).unwrap_or_default(),
            s(&m["body"])
        );
    }
    let _ = write!(
        body,
        r#"{top}<form method="post" action="/tickets/{tid}" class="panel">{hidden}{message}<div class="actions"><button type="submit">Reply</button></div></form>"#,
        top = top_error(&errors, &["message"]),
        tid = url_encode(id),
        hidden = form_hidden(&mut ctx),
        message = textarea("Your reply", "message", "", true, &errors),
    );
    let title = t["subject"].as_str().unwrap_or("Ticket").to_owned();
    ctx.page(&title, &body)
}

pub async fn reply_ticket(Path(id): Path<String>, p: Posted) -> Response {
    if p.ctx.role().is_none() {
        return p.ctx.redirect("/login");
    }
    let answer = p
        .ctx
        .api(
            Method::POST,
            &format!("/v1/tickets/{}/messages", url_encode(&id)),
            Some(json!({ "message": p.get("message") })),
            p.key().as_deref(),
        )
        .await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/tickets/{}?notice=replied", url_encode(&id)));
    }
    render_ticket(p.ctx, &id, FormErrors::of(answer.error()), "").await
}
