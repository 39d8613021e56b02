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
        let _ = write!(
            body,
            r#"<section><p class="big pocket-balance">{}</p><p>{}</p></section>"#,
            money(0, "USD"),
            esc(&crate::tr!("pocket-empty"))
        );
    }
    for b in &balances {
        let currency = b["currency"].as_str().unwrap_or("");
        let _ = write!(
            body,
            r#"<section><h2>{balance_in}</h2><p class="big pocket-balance">{available}</p><p class="muted">{held}</p>"#,
            balance_in = esc(&crate::tr!("pocket-balance-in", currency = currency)),
            available = money(b["available"].as_i64().unwrap_or(0), currency),
            held = html_of(
                &crate::tr!("pocket-available-held", held = slot("held")),
                &[("held", money(b["held"].as_i64().unwrap_or(0), currency))]
            ),
        );
        if let Some(expiring) = b["expiring"].as_array().filter(|e| !e.is_empty()) {
            let _ = write!(body, r#"<h3>{}</h3><ul class="expiring">"#, esc(&crate::tr!("pocket-expiring-title")));
            for e in expiring {
                let _ = write!(
                    body,
                    "<li>{}</li>",
                    html_of(
                        &crate::tr!("pocket-expiring-on", amount = slot("amount"), date = slot("date")),
                        &[
                            ("amount", money(e["amount"].as_i64().unwrap_or(0), currency)),
                            ("date", date_of(&e["expires_at"]))
                        ]
                    )
                );
            }
            body.push_str("</ul>");
        }
        body.push_str("</section>");
    }
    let _ = write!(
        body,
        r#"<div class="actions"><a class="button" href="/gift-cards/buy">{}</a> <a class="button" href="/gift-cards/redeem">{}</a></div>"#,
        esc(&crate::tr!("pocket-buy-gift-cards")),
        esc(&crate::tr!("pocket-redeem-code"))
    );
    let _ = write!(body, "<h2>{}</h2>", esc(&crate::tr!("pocket-history")));
    let rows = history.data();
    if rows.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&crate::tr!("pocket-history-empty")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table class="history"><thead><tr><th>{}</th><th>{}</th><th class="num">{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&crate::tr!("pocket-col-date")),
            esc(&crate::tr!("pocket-col-what")),
            esc(&crate::tr!("pocket-col-amount")),
            esc(&crate::tr!("pocket-col-balance-after")),
            esc(&crate::tr!("pocket-col-expires"))
        );
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
    ctx.page(&crate::tr!("pocket-title"), &body)
}

/// Saved cards as radio choices plus "another card", for paying by card only.
pub(super) fn card_choices(cards: &[Value], chosen: &str) -> String {
    let mut out = String::new();
    for c in cards {
        let value = format!("card:{}", c["id"].as_str().unwrap_or(""));
        out.push_str(&radio("method", &value, &card_label(c), chosen == value));
    }
    out.push_str(&radio("method", "new", &esc(&crate::tr!("pocket-another-card")), chosen == "new"));
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
            &crate::tr!("pocket-denomination-cards", amount = money(*d, &currency)),
            &name,
            Input { kind: "number", value: &value, extra: r#"min="0" max="70""#, ..Input::default() },
            &errors,
            &[],
        ));
    }
    let for_whom = if v("for") == "gift" { "gift" } else { "me" };
    let billing_fallback = default_card(&cards).map(|c| c["billing_address"].clone());
    let same_as_saved = crate::tr!("pocket-billing-same-as-saved");
    let card_fields = new_card_fields(&errors, values, billing_fallback.as_ref().map(|a| (same_as_saved.as_str(), a)));
    let item_fields = ["items", "denomination", "quantity", "amount", "currency"];
    let body = format!(
        r#"<p>{intro}</p>
{top}<form method="post" action="/gift-cards/buy" class="panel">{hidden}
<fieldset><legend>{how_many}</legend>{items_error}<div class="grid">{quantities}</div></fieldset>
<fieldset><legend>{for_whom_legend}</legend>{me}{gift}{recipient}{message}</fieldset>
<fieldset><legend>{pay_by_card}</legend>{methods}</fieldset>
<fieldset><legend>{another_card}</legend><p class="hint">{another_card_hint}</p>{card_fields}{save}</fieldset>
<div class="actions"><button type="submit">{buy}</button></div></form>
{bought}"#,
        intro = html_of(
            &crate::tr!("pocket-gift-cards-intro", cap = slot("cap")),
            &[("cap", money(rules.purchase_cap_minor(), &currency))]
        ),
        how_many = esc(&crate::tr!("pocket-how-many")),
        for_whom_legend = esc(&crate::tr!("pocket-for-whom")),
        pay_by_card = esc(&crate::tr!("pocket-pay-by-card")),
        another_card = esc(&crate::tr!("pocket-another-card")),
        another_card_hint = esc(&crate::tr!("pocket-another-card-hint")),
        buy = esc(&crate::tr!("pocket-buy-gift-cards")),
        top = top_error(
            &errors,
            &[&item_fields[..], &CARD_FIELDS[..CARD_FIELDS.len() - 1], &["recipient_email"]].concat()
        ),
        hidden = form_hidden(&mut ctx),
        items_error = errors.for_field(&item_fields).map(|e| e.render("items-error")).unwrap_or_default(),
        me = radio("for", "me", &esc(&crate::tr!("pocket-for-me")), for_whom == "me"),
        gift = radio("for", "gift", &esc(&crate::tr!("pocket-for-gift")), for_whom == "gift"),
        recipient = field(
            &crate::tr!("pocket-recipient-email"),
            "recipient_email",
            Input { kind: "email", value: &v("recipient_email"), ..Input::default() },
            &errors,
            &["recipient_email"]
        ),
        message = textarea(&crate::tr!("pocket-recipient-message"), "message", &v("message"), false, &errors),
        methods = card_choices(&cards, &chosen),
        save = checkbox(&crate::tr!("pocket-save-card"), "save_card", v("save_card") == "on"),
        bought = bought_list(&bought),
    );
    ctx.page(&crate::tr!("pocket-buy-gift-cards"), &body)
}

pub(super) fn bought_list(bought: &[Value]) -> String {
    if bought.is_empty() {
        return String::new();
    }
    let mut out = format!(
        r#"<h2>{}</h2><div class="table-wrap"><table><thead><tr><th>{}</th><th class="num">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        esc(&crate::tr!("pocket-bought-title")),
        esc(&crate::tr!("pocket-bought-col-bought")),
        esc(&crate::tr!("pocket-bought-col-value")),
        esc(&crate::tr!("pocket-bought-col-code")),
        esc(&crate::tr!("pocket-bought-col-state")),
        esc(&crate::tr!("pocket-col-expires")),
    );
    for g in bought {
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            date_of(&g["created"]),
            money_of(g, "denomination"),
            g["last4"]
                .as_str()
                .map(|l| format!("•••• {}", esc(l)))
                .unwrap_or_else(|| esc(&crate::tr!("pocket-bought-loaded"))),
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
                    let e = ErrorView::local("items", &crate::tr!("pocket-error-quantities"));
                    return render_gift_cards(p.ctx, FormErrors::of(e), &values).await;
                }
            },
        };
        if quantity > 0 {
            items.push(json!({ "denomination": d, "quantity": quantity }));
        }
    }
    if items.is_empty() {
        let e = ErrorView::local("items", &crate::tr!("pocket-error-no-items"));
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
        "<p>{}</p>",
        html_of(
            &crate::tr!("pocket-gift-emailed", amount = slot("amount"), email = slot("email")),
            &[
                ("amount", money_of(purchase, "amount")),
                ("email", format!("<strong>{}</strong>", esc(&p.get("recipient_email"))))
            ]
        )
    );
    if let Some(code) = purchase["code"].as_str() {
        let _ = write!(
            body,
            r#"<p>{}</p><p class="secret gift-code">{}</p>"#,
            esc(&crate::tr!("pocket-gift-code-once")),
            esc(code)
        );
    }
    let _ = write!(
        body,
        r#"<p><a href="/gift-cards/buy">{}</a> · <a href="/pocket">{}</a></p>"#,
        esc(&crate::tr!("pocket-buy-more")),
        esc(&crate::tr!("pocket-title"))
    );
    p.ctx.page(&crate::tr!("pocket-gift-sent-title"), &body)
}

pub async fn redeem_page(ctx: Ctx) -> Response {
    if let Err(r) = ctx.require_buyer("/gift-cards/redeem") {
        return r;
    }
    render_redeem(ctx, FormErrors::none())
}

pub(super) fn render_redeem(mut ctx: Ctx, errors: FormErrors) -> Response {
    let body = format!(
        r#"{top}<form method="post" action="/gift-cards/redeem" class="panel">{hidden}{code}<div class="actions"><button type="submit">{load}</button></div></form>"#,
        load = esc(&crate::tr!("pocket-redeem-submit")),
        top = top_error(&errors, &["code"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            &crate::tr!("pocket-redeem-code-label"),
            "code",
            Input {
                required: true,
                autocomplete: "off",
                hint: &crate::tr!("pocket-redeem-code-hint"),
                ..Input::default()
            },
            &errors,
            &["code"]
        ),
    );
    ctx.page(&crate::tr!("pocket-redeem-title"), &body)
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
        Some(number) => html_of(
            &crate::tr!("pocket-history-order", what = slot("what"), number = slot("number")),
            &[("what", &what), ("number", &esc(number))],
        ),
        None => what,
    }
}
