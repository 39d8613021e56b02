//! Buyers' pages: checkout.

use super::*;

pub async fn checkout_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    paying_page(ctx, Paying::Order, &id).await
}

/// The page that pays an order or a cart.
pub(crate) async fn paying_page(ctx: Ctx, what: Paying, id: &str) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("{}/pay", what.path(id))) {
        return r;
    }
    render_paying(ctx, what, id, FormErrors::none(), &HashMap::new()).await
}

/// What a checkout page pays: one order (`/orders/{id}`), or a cart of several sellers'
/// (`/checkouts/{id}`), each with its page, its API object and its pay call under the same path.
#[derive(Clone, Copy)]
pub(crate) enum Paying {
    Order,
    Cart,
}

impl Paying {
    /// The page (and, under `/v1`, the API object) of the thing paid.
    pub(crate) fn path(self, id: &str) -> String {
        match self {
            Paying::Order => format!("/orders/{}", url_encode(id)),
            Paying::Cart => format!("/checkouts/{}", url_encode(id)),
        }
    }

    /// Where it ships, from its API object (a cart's orders all ship to the address it was given).
    fn shipping(self, object: &Value) -> Value {
        match self {
            Paying::Order => object["shipping_address"].clone(),
            Paying::Cart => object["orders"][0]["shipping_address"].clone(),
        }
    }
}

pub(crate) async fn render_paying(
    mut ctx: Ctx,
    what: Paying,
    id: &str,
    errors: FormErrors,
    values: &HashMap<String, String>,
) -> Response {
    let order = ctx.api(Method::GET, &format!("/v1{}", what.path(id)), None, None).await;
    if !order.ok() {
        return ctx.failure(&order);
    }
    let order = order.body;
    let payment = &order["payment"];
    if payment["status"] == "requires_action" {
        return ctx.redirect(&format!("/payments/{}/verify", url_encode(payment["id"].as_str().unwrap_or(""))));
    }
    if order["status"] != "awaiting_payment" {
        return ctx.redirect(&what.path(id));
    }
    if let (Paying::Order, Some(cart)) = (what, order["checkout"].as_str()) {
        // An order of a cart is paid with the rest of its cart.
        return ctx.redirect(&format!("{}/pay", Paying::Cart.path(cart)));
    }
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    // A cart pays what is still due (an order cancelled since no longer is).
    let amount = order["amount_due"].as_i64().or(order["amount"].as_i64()).unwrap_or(0);
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

    let shipping = what.shipping(&order);
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
    let lines = |order: &Value| -> String {
        order["items"]
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
            .unwrap_or_default()
    };
    let (heading, items) = match what {
        Paying::Order => (format!("Order {}", s(&order["number"])), lines(&order)),
        Paying::Cart => {
            // One order per seller, each shipped and charged on its own.
            let open: Vec<&Value> = order["orders"]
                .as_array()
                .map(|o| o.iter().filter(|o| o["status"] == "awaiting_payment").collect())
                .unwrap_or_default();
            let rows = open
                .iter()
                .map(|o| {
                    format!(
                        "<tr class=\"group\"><th colspan=\"3\">Order {} <span class=\"muted\">from {}</span></th></tr>{}",
                        s(&o["number"]),
                        esc(&merchant_name(o)),
                        lines(o)
                    )
                })
                .collect();
            (format!("Your cart: {} orders, one payment", open.len()), rows)
        }
    };
    let body = format!(
        r#"<section><h2>{heading}</h2><div class="table-wrap"><table><thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Price</th></tr></thead><tbody>{items}</tbody></table></div>
<p>Total: <strong class="total">{total}</strong></p><p class="muted">Ships to {ship}</p>
<p class="muted">Paying authorizes the amount; you are charged only when the seller ships.</p></section>
<form method="post" action="{path}/pay" class="panel">{hidden}
<fieldset><legend>Pay with</legend>{method_error}{methods}</fieldset>
{pocket_part}
<fieldset id="new-card"><legend>Another card</legend><p class="hint">Fill this in if you chose "Another card".</p>{card}{save}</fieldset>
{fx}
<div class="actions"><button type="submit">Pay {total}</button> <a href="{path}">{back}</a></div></form>"#,
        total = money(amount, &currency),
        ship = address_line(&shipping),
        path = what.path(id),
        back = match what {
            Paying::Order => "Back to the order",
            Paying::Cart => "Back to the cart's orders",
        },
        hidden = form_hidden(&mut ctx),
        card = new_card_fields(&errors, values, Some(("same as shipping", &shipping))),
        save =
            checkbox("Save this card for next time", "save_card", values.get("save_card").is_some_and(|x| x == "on")),
    );
    ctx.page("Checkout", &body)
}

pub async fn pay(Path(id): Path<String>, p: Posted) -> Response {
    pay_for(Paying::Order, id, p).await
}

pub(crate) async fn pay_for(what: Paying, id: String, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("{}/pay", what.path(&id))) {
        return r;
    }
    let values = p.values_without_card_secrets();
    let order = p.ctx.api(Method::GET, &format!("/v1{}", what.path(&id)), None, None).await;
    if !order.ok() {
        return p.ctx.failure(&order);
    }
    let currency = order.body["currency"].as_str().unwrap_or("").to_owned();
    let shipping = what.shipping(&order.body);
    let method = p.get("method");
    let payment_method = if method == "pocket" {
        json!({ "type": "pocket" })
    } else if let Some(card) = method.strip_prefix("card:") {
        json!({ "type": "card", "card": card })
    } else if method == "new" {
        match posted_new_card(&p, Some(&shipping)) {
            Ok(card) => json!({ "type": "card", "new_card": card, "save": p.checked("save_card") }),
            Err(e) => return render_paying(p.ctx, what, &id, FormErrors::of(e), &values).await,
        }
    } else {
        let e = ErrorView::local("method", "Choose how to pay.");
        return render_paying(p.ctx, what, &id, FormErrors::of(e), &values).await;
    };
    let mut body = json!({ "payment_method": payment_method });
    let pocket_text = p.get("pocket_amount");
    if method != "pocket" && !pocket_text.is_empty() {
        match parse_amount(&pocket_text, &currency) {
            Some(a) => body["pocket_amount"] = json!(a),
            None => {
                let e = ErrorView::local("pocket_amount", &format!("Enter an amount in {currency}, such as 20.00."));
                return render_paying(p.ctx, what, &id, FormErrors::of(e), &values).await;
            }
        }
    }
    if p.checked("pay_in_my_currency") {
        body["currency"] = json!(p.ctx.user()["currency"].as_str().unwrap_or(""));
        body["fx_quote"] = json!(p.get("fx_quote"));
    }
    let answer = p.ctx.api(Method::POST, &format!("/v1{}/pay", what.path(&id)), Some(body), p.key().as_deref()).await;
    if answer.ok() {
        if answer.body["status"] == "requires_action" {
            let pid = answer.body["id"].as_str().unwrap_or("");
            return p.ctx.redirect(&format!("/payments/{}/verify", url_encode(pid)));
        }
        return p.ctx.redirect(&format!("{}?notice=paid", what.path(&id)));
    }
    render_paying(p.ctx, what, &id, FormErrors::of(answer.error()), &values).await
}

pub async fn verify_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/payments/{id}/verify")) {
        return r;
    }
    let notice = notice_from(&q);
    render_verify(ctx, &id, FormErrors::none(), &notice).await
}

pub(crate) async fn render_verify(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let payment = ctx.api(Method::GET, &format!("/v1/payments/{}", url_encode(id)), None, None).await;
    if !payment.ok() {
        return ctx.failure(&payment);
    }
    let payment = payment.body;
    let (what, order) = paid_by(&payment);
    if payment["status"] != "requires_action" {
        if errors.error.is_some() {
            // The code failed for good (too many tries or expired): back to checkout with the reason.
            let mut values = HashMap::new();
            values.insert("method".to_owned(), "new".to_owned());
            return render_paying(ctx, what, &order, errors, &values).await;
        }
        return ctx.redirect(&what.path(&order));
    }
    let action = &payment["next_action"];
    if action["type"] == "document_review" {
        return crate::web::verification::document_step(&mut ctx, &payment, &errors, notice);
    }
    let alternatives = if action["alternatives"].as_array().is_some_and(|a| a.contains(&json!("security_questions"))) {
        crate::web::verification::answers_form(&mut ctx, id).await
    } else {
        String::new()
    };
    // Say who asked for the code and why: our own rules, or the buyer's bank.
    let reasons: Vec<&str> =
        action["reasons"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let why = if reasons == ["issuer_demand"] {
        "Your bank asks for a one-time code for this payment".to_owned()
    } else {
        let words: Vec<&str> = reasons.iter().filter_map(|r| step_up_words(r)).collect();
        format!("To keep your account safe we check that this payment is yours ({})", words.join("; "))
    };
    // Offer only the channels this person has: SMS needs a phone number on the account.
    let has_phone = ctx.user()["phone"].as_str().is_some_and(|p| !p.is_empty());
    let channels: &[(&str, &str)] =
        if has_phone { &[("email", "Email"), ("sms", "SMS")] } else { &[("email", "Email")] };
    let body = format!(
        r#"{notice}<p>{why}: a payment of <strong>{amount}</strong>.</p>
<p>We sent a 6-digit code by {channel} to <strong>{sent_to}</strong>. It expires at {expires}. Tries left: {left}.</p>
{top}<form method="post" action="/payments/{id}/verify" class="panel">{hidden}
{code}
<div class="actions"><button type="submit">Confirm payment</button></div></form>
<form method="post" action="/payments/{id}/resend" class="panel">{hidden2}
{channel_select}
<div class="actions"><button type="submit" class="secondary">Send a new code</button></div></form>{alternatives}"#,
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
        why = esc(&why),
        channel_select = select(
            "Send it by",
            "channel",
            channels,
            action["channel"].as_str().unwrap_or("email"),
            &FormErrors::none()
        ),
    );
    ctx.page("Enter your code", &body)
}

/// Why a payment was stepped up, in words (`None` for the bank's own demand, said apart).
fn step_up_words(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "new_card" => "a card not used here before",
        "large_amount" => "a large amount",
        "foreign_card" => "a card from another country than yours",
        "velocity" => "several payments in a short time",
        "issuer_demand" => "your bank also asked for it",
        _ => return None,
    })
}

pub async fn verify(Path(id): Path<String>, p: Posted) -> Response {
    let body = if p.get("method") == "answers" {
        crate::web::verification::answers_body(&p.fields)
    } else {
        json!({ "code": p.get("code") })
    };
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/payments/{}/verify", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        let (what, paid) = paid_by(&answer.body);
        return p.ctx.redirect(&format!("{}?notice=paid", what.path(&paid)));
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

/// What a payment pays, for its pages: its order, or its cart (a checkout's payment has no order).
pub(crate) fn paid_by(payment: &Value) -> (Paying, String) {
    match (payment["order"].as_str(), payment["checkout"].as_str()) {
        (Some(order), _) => (Paying::Order, order.to_owned()),
        (None, Some(checkout)) => (Paying::Cart, checkout.to_owned()),
        (None, None) => (Paying::Order, String::new()),
    }
}

/// The seller's shop name an order carries (`merchant_name`), or its id.
pub(crate) fn merchant_name(order: &Value) -> String {
    order["merchant_name"].as_str().or(order["merchant"].as_str()).unwrap_or("").to_owned()
}
