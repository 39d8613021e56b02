//! Buyers' pages: the card manager.

use super::*;

pub async fn cards_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/cards") {
        return r;
    }
    let notice = notice_from(&q);
    render_cards(ctx, FormErrors::none(), &HashMap::new(), &notice).await
}

pub(super) async fn render_cards(
    mut ctx: Ctx,
    errors: FormErrors,
    values: &HashMap<String, String>,
    notice: &str,
) -> Response {
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

pub(super) async fn card_change(id: &str, p: Posted, method: Method, body: Option<Value>, notice: &str) -> Response {
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
