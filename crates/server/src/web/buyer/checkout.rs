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

/// The paying page: what is paid (an order, or a cart's orders still due), the ways to pay (the
/// Pocket, saved cards, a new card), the Pocket part of a split, and paying in the buyer's own
/// currency. A payment awaiting a code, or something no longer payable, goes to its page instead.
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
    let chosen = values.get("method").cloned().unwrap_or_else(|| default_method(&cards, available, amount));
    let fx = fx_fieldset(&mut ctx, &currency, amount, &errors, values).await;
    let methods = method_choices(&cards, available, &currency, &chosen);
    let shipping = what.shipping(&order);
    let method_error = errors
        .general(&[&CARD_FIELDS[..], &["pocket_amount", "fx_quote", "currency"]].concat())
        .map(|e| e.render("payment-error"))
        .unwrap_or_default();
    let pocket_part = pocket_part_fieldset(available, &currency, &errors, values);
    let section = paid_section(what, &order, amount, &currency, &shipping);
    let total = money(amount, &currency);
    let body = format!(
        r#"{section}
<form method="post" action="{path}/pay" class="panel">{hidden}
<fieldset><legend>{pay_with}</legend>{method_error}{methods}</fieldset>
{pocket_part}
<fieldset id="new-card"><legend>{new_card}</legend><p class="hint">{new_card_hint}</p>{card}{save}</fieldset>
{fx}
<div class="actions"><button type="submit">{pay}</button> <a href="{path}">{back}</a></div></form>"#,
        pay_with = esc(&crate::tr!("shop-pay-with")),
        new_card = esc(&crate::tr!("shop-method-new-card")),
        new_card_hint = esc(&crate::tr!("shop-new-card-hint")),
        pay = html_of(&crate::tr!("shop-pay-amount", amount = slot("amount")), &[("amount", &total)]),
        path = what.path(id),
        back = esc(&match what {
            Paying::Order => crate::tr!("shop-back-to-order"),
            Paying::Cart => crate::tr!("shop-back-to-cart-orders"),
        }),
        hidden = form_hidden(&mut ctx),
        card = new_card_fields(&errors, values, Some((&crate::tr!("shop-billing-same-as-shipping"), &shipping))),
        save = checkbox(&crate::tr!("shop-save-card"), "save_card", values.get("save_card").is_some_and(|x| x == "on")),
    );
    ctx.page(&crate::tr!("shop-checkout-title"), &body)
}

/// The way to pay chosen at first: the Pocket when it holds enough, else the default (or first)
/// saved card, else a new card.
fn default_method(cards: &[Value], available: i64, amount: i64) -> String {
    if available >= amount {
        "pocket".into()
    } else if let Some(c) = cards.iter().find(|c| c["default"] == true).or(cards.first()) {
        format!("card:{}", c["id"].as_str().unwrap_or(""))
    } else {
        "new".into()
    }
}

/// The new card's fields, whose errors show beside them rather than above the ways to pay (the last,
/// `billing_address`, only where a card is paid with).
pub(super) const CARD_FIELDS: [&str; 10] = [
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

/// Paying in the buyer's own currency at a locked rate: a fresh quote offered (nothing when the
/// buyer's currency is the order's, or no quote could be had).
async fn fx_fieldset(
    ctx: &mut Ctx,
    currency: &str,
    amount: i64,
    errors: &FormErrors,
    values: &HashMap<String, String>,
) -> String {
    let my_currency = ctx.user()["currency"].as_str().unwrap_or("").to_owned();
    if my_currency.is_empty() || my_currency == currency {
        return String::new();
    }
    let quote = ctx
        .api(
            Method::POST,
            "/v1/fx/quotes",
            Some(json!({ "from": currency, "to": my_currency, "amount": amount })),
            None,
        )
        .await;
    if !quote.ok() {
        return String::new();
    }
    let q = &quote.body;
    let rate = crate::tr!(
        "shop-fx-rate",
        from = slot("from"),
        to = slot("to"),
        currency = currency,
        rate = plain(&q["rate"]),
        my_currency = &my_currency,
        until = q["expires_at"].as_i64().map(datetime).unwrap_or_default(),
    );
    format!(
        r#"<fieldset><legend>{legend}</legend>{err}<input type="hidden" name="fx_quote" value="{qid}">{check}
<p class="hint">{rate}</p></fieldset>"#,
        legend = esc(&crate::tr!("shop-fx-legend")),
        err = errors.for_field(&["fx_quote", "currency"]).map(|e| e.render("fx-error")).unwrap_or_default(),
        qid = s(&q["id"]),
        check = checkbox(
            &crate::tr!("shop-fx-pay-in", currency = &my_currency),
            "pay_in_my_currency",
            values.get("pay_in_my_currency").is_some_and(|x| x == "on")
        ),
        rate = html_of(
            &rate,
            &[("from", &money(amount, currency)), ("to", &money(q["to_amount"].as_i64().unwrap_or(0), &my_currency))]
        ),
    )
}

/// The ways to pay, as radio buttons: the Pocket (with what it holds), each saved card, a new card.
fn method_choices(cards: &[Value], available: i64, currency: &str, chosen: &str) -> String {
    let mut methods = String::new();
    methods.push_str(&radio(
        "method",
        "pocket",
        &format!(
            r#"{} <span class="muted">{}</span>"#,
            esc(&crate::tr!("shop-method-pocket")),
            html_of(
                &crate::tr!("shop-method-pocket-available", amount = slot("amount")),
                &[("amount", &money(available, currency))]
            )
        ),
        chosen == "pocket",
    ));
    for c in cards {
        let value = format!("card:{}", c["id"].as_str().unwrap_or(""));
        let expiry = format!("{:02}/{}", c["exp_month"].as_i64().unwrap_or(0), c["exp_year"].as_i64().unwrap_or(0));
        let expires = if c["default"] == true {
            crate::tr!("shop-method-card-expires-default", expiry = expiry)
        } else {
            crate::tr!("shop-method-card-expires", expiry = expiry)
        };
        let label = format!(r#"{} <span class="muted">{}</span>"#, card_label(c), esc(&expires));
        methods.push_str(&radio("method", &value, &label, chosen == value));
    }
    methods.push_str(&radio("method", "new", &esc(&crate::tr!("shop-method-new-card")), chosen == "new"));
    methods
}

/// The Pocket part of a split payment (only when the Pocket holds something).
fn pocket_part_fieldset(
    available: i64,
    currency: &str,
    errors: &FormErrors,
    values: &HashMap<String, String>,
) -> String {
    if available <= 0 {
        return String::new();
    }
    format!(
        r#"<fieldset><legend>{}</legend>{}</fieldset>"#,
        esc(&crate::tr!("shop-split-legend")),
        field(
            &crate::tr!("shop-split-label"),
            "pocket_amount",
            Input {
                value: &values.get("pocket_amount").cloned().unwrap_or_default(),
                extra: r#"inputmode="decimal""#,
                hint: &crate::tr!("shop-split-hint", amount = money(available, currency)),
                ..Input::default()
            },
            errors,
            &["pocket_amount"]
        )
    )
}

/// What is paid, above the form: the items, the total, where it ships, and that paying authorizes.
fn paid_section(what: Paying, order: &Value, amount: i64, currency: &str, shipping: &Value) -> String {
    let (heading, items) = paid_items(what, order, currency);
    let total = money(amount, currency);
    let ship = address_line(shipping);
    format!(
        r#"<section><h2>{heading}</h2><div class="table-wrap"><table><thead><tr><th>{col_item}</th><th class="num">{col_qty}</th><th class="num">{col_price}</th></tr></thead><tbody>{items}</tbody></table></div>
<p>{total_line}</p><p class="muted">{ships_to}</p>
<p class="muted">{authorize}</p></section>"#,
        col_item = esc(&crate::tr!("shop-col-item")),
        col_qty = esc(&crate::tr!("shop-col-qty")),
        col_price = esc(&crate::tr!("shop-col-price")),
        total_line = html_of(
            &crate::tr!("shop-pay-total", total = slot("total")),
            &[("total", &format!(r#"<strong class="total">{total}</strong>"#))]
        ),
        ships_to = html_of(&crate::tr!("shop-ships-to", address = slot("address")), &[("address", &ship)]),
        authorize = esc(&crate::tr!("shop-pay-authorize-note")),
    )
}

/// What is paid: the heading and the items' rows (for a cart, grouped by the orders still due, one
/// per seller, each shipped and charged on its own).
fn paid_items(what: Paying, order: &Value, currency: &str) -> (String, String) {
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
                            money(i["unit_amount"].as_i64().unwrap_or(0), currency)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    match what {
        Paying::Order => (esc(&crate::tr!("shop-order-number", number = plain(&order["number"]))), lines(order)),
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
                        r#"<tr class="group"><th colspan="3">{} <span class="muted">{}</span></th></tr>{}"#,
                        esc(&crate::tr!("shop-order-number", number = plain(&o["number"]))),
                        esc(&crate::tr!("shop-order-from-seller", seller = merchant_name(o))),
                        lines(o)
                    )
                })
                .collect();
            (esc(&crate::tr!("shop-pay-cart-heading", count = open.len())), rows)
        }
    }
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
        let e = ErrorView::local("method", &crate::tr!("shop-choose-method"));
        return render_paying(p.ctx, what, &id, FormErrors::of(e), &values).await;
    };
    let mut body = json!({ "payment_method": payment_method });
    let pocket_text = p.get("pocket_amount");
    if method != "pocket" && !pocket_text.is_empty() {
        match parse_amount(&pocket_text, &currency) {
            Some(a) => body["pocket_amount"] = json!(a),
            None => {
                let e = ErrorView::local("pocket_amount", &crate::tr!("shop-amount-invalid", currency = &currency));
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
