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
        let _ = write!(body, "<p>{}</p>", esc(&crate::tr!("cards-empty")));
    }
    for c in &cards {
        let id = c["id"].as_str().unwrap_or("");
        let cid = url_encode(id);
        let this_errors = if card_error_for == id { errors.clone() } else { FormErrors::none() };
        let _ = write!(
            body,
            r#"<section class="saved-card" data-card="{id_attr}"><h2>{label}{default}</h2>
<p>{facts}</p>{err}
<div class="actions">{make_default}{remove}</div>
<details><summary>{update_expiry}</summary><form method="post" action="/cards/{cid}/expiry" class="panel">{hidden}<div class="grid">{m}{y}</div><button type="submit">{save_expiry}</button></form></details></section>"#,
            id_attr = esc(id),
            label = card_label(c),
            default = if c["default"] == true {
                format!(r#" <span class="badge">{}</span>"#, esc(&crate::tr!("cards-default-badge")))
            } else {
                String::new()
            },
            facts = html_of(
                &crate::tr!(
                    "cards-facts",
                    month = format!("{:02}", c["exp_month"].as_i64().unwrap_or(0)),
                    year = c["exp_year"].as_i64().unwrap_or(0).to_string(),
                    funding = slot("funding"),
                    address = slot("address")
                ),
                &[
                    ("funding", words(c["funding"].as_str().unwrap_or(""))),
                    ("address", address_line(&c["billing_address"]))
                ]
            ),
            update_expiry = esc(&crate::tr!("cards-update-expiry")),
            save_expiry = esc(&crate::tr!("cards-save-expiry")),
            err = top_error(&this_errors, &[]),
            make_default = if c["default"] == true {
                String::new()
            } else {
                button_form(
                    &format!("/cards/{cid}/default"),
                    &ctx.csrf(),
                    &crate::tr!("cards-make-default"),
                    "secondary",
                )
            },
            remove = button_form(&format!("/cards/{cid}/remove"), &ctx.csrf(), &crate::tr!("cards-remove"), "danger"),
            hidden = form_hidden(&mut ctx),
            m = field(
                &crate::tr!("cards-exp-month"),
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
                &crate::tr!("cards-exp-year"),
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
    let same_as_default = crate::tr!("cards-billing-same-as-default");
    let _ = write!(
        body,
        r#"<h2>{add}</h2>{top}<form method="post" action="/cards" class="panel" id="add-card">{hidden}{fields}{default}<div class="actions"><button type="submit">{save}</button></div></form>
<p class="muted">{check_note}</p>"#,
        add = esc(&crate::tr!("cards-add-title")),
        save = esc(&crate::tr!("cards-save-card")),
        check_note = esc(&crate::tr!("cards-check-note")),
        top = top_error(
            &add_errors,
            &["number", "exp_month", "exp_year", "cvc", "holder_name", "line1", "city", "postal_code", "country"]
        ),
        hidden = form_hidden(&mut ctx),
        fields = new_card_fields(&add_errors, values, fallback.as_ref().map(|a| (same_as_default.as_str(), a))),
        default = checkbox(&crate::tr!("cards-make-default-check"), "default", false),
    );
    ctx.page(&crate::tr!("cards-title"), &body)
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
        let e = ErrorView::local("exp_month", &crate::tr!("cards-error-expiry"));
        return render_cards(p.ctx, FormErrors::of(e), &values, "").await;
    };
    card_change(&id, p, Method::PATCH, Some(json!({ "exp_month": month, "exp_year": year })), "card_updated").await
}

pub async fn card_remove(Path(id): Path<String>, p: Posted) -> Response {
    card_change(&id, p, Method::DELETE, None, "card_removed").await
}
