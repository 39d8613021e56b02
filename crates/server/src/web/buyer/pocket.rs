//! Buyers' pages: my Pocket and gift cards.

use super::*;

pub async fn pocket(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/pocket") {
        return r;
    }
    let pocket = ctx.api(Method::GET, "/v1/pocket", None, None).await;
    if !pocket.ok() {
        return ctx.failure(&pocket);
    }
    let paging = Paging::of(&q);
    let history = ctx.api(Method::GET, &paging.api_path("/v1/pocket/transactions", PAGE_ROWS), None, None).await;
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
                history_what(t),
                money(t["amount"].as_i64().unwrap_or(0), currency),
                money(t["balance_after"].as_i64().unwrap_or(0), currency),
                t["expires_at"].as_i64().map(date).unwrap_or_default(),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&paging.links("/pocket", &history.body));
    ctx.page("My Pocket", &body)
}

/// Saved cards as radio choices plus "another card", for paying by card only.
pub(super) fn card_choices(cards: &[Value], chosen: &str) -> String {
    let mut out = String::new();
    for c in cards {
        let value = format!("card:{}", c["id"].as_str().unwrap_or(""));
        out.push_str(&radio("method", &value, &card_label(c), chosen == value));
    }
    out.push_str(&radio("method", "new", "Another card", chosen == "new"));
    out
}

pub(super) fn default_card(cards: &[Value]) -> Option<&Value> {
    cards.iter().find(|c| c["default"] == true).or(cards.first())
}

pub async fn gift_cards_page(ctx: Ctx) -> Response {
    if let Err(r) = ctx.require_buyer("/gift-cards/buy") {
        return r;
    }
    render_gift_cards(ctx, FormErrors::none(), &HashMap::new()).await
}

pub(super) async fn render_gift_cards(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>) -> Response {
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

pub(super) fn bought_list(bought: &[Value]) -> String {
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

pub(super) fn render_redeem(mut ctx: Ctx, errors: FormErrors) -> Response {
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

/// What a Pocket line was, with the order it was for when it was for one (a hold, its release, a
/// capture, a refund): the number the buyer sees on My Orders, never an internal id.
fn history_what(t: &Value) -> String {
    let what = words(t["type"].as_str().unwrap_or(""));
    let order = t["reference"]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .find(|w| domain::checkout::parse_order_number(w).is_some());
    match order {
        Some(number) => format!("{what} · order {}", esc(number)),
        None => what,
    }
}
