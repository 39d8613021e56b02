//! Operators' pages: claims to decide, FX rates, gift-card look-up and blocking, and the ledger
//! check. (Tickets share the buyers' support pages, which show every ticket to an operator.)

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::{json, Value};

use super::buyer::claim_block;
use super::html::{
    badge, date_of, datetime, decimal, esc, field, html_of, money, money_of, parse_amount, s, select, slot, ErrorView,
    FormErrors, Input,
};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// Claims to decide shown at once (each with its form and its order read).
const CLAIMS_TO_DECIDE: u32 = 10;

pub async fn claims(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator") {
        return r;
    }
    let notice = notice_from(&q);
    render_claims(ctx, FormErrors::none(), &notice, &q).await
}

async fn render_claims(mut ctx: Ctx, errors: FormErrors, notice: &str, q: &HashMap<String, String>) -> Response {
    let (decide_paging, all_paging) = (Paging::named(q, "decide_"), Paging::of(q));
    let path = decide_paging.api_path("/v1/claims?status=under_review", CLAIMS_TO_DECIDE);
    let decide = ctx.api(Method::GET, &path, None, None).await;
    let all = ctx.api(Method::GET, &all_paging.api_path("/v1/claims", PAGE_ROWS), None, None).await;
    if !decide.ok() || !all.ok() {
        return ctx.failure(if decide.ok() { &all } else { &decide });
    }
    let (to_decide, others) = (decide.data(), all.data());
    let mut body = format!("{notice}{}", top_error(&errors, &[]));
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("operator-claims-to-decide")));
    if to_decide.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("operator-claims-nothing-to-decide")));
    }
    for c in &to_decide {
        let order = ctx
            .api(Method::GET, &format!("/v1/orders/{}", url_encode(c["order"].as_str().unwrap_or(""))), None, None)
            .await;
        let currency = order.body["currency"].as_str().unwrap_or("USD").to_owned();
        body.push_str(&claim_block(c, &currency));
        let link = format!(
            r#"<a href="/operator/orders/{}">{}</a>"#,
            url_encode(c["order"].as_str().unwrap_or("")),
            s(&order.body["number"])
        );
        let line = tr!(
            "operator-claim-order-line",
            number = slot("number"),
            total = slot("total"),
            captured = slot("captured"),
            refunded = slot("refunded")
        );
        let (choose, buyer, seller) =
            (tr!("operator-decision-choose"), tr!("operator-decision-buyer"), tr!("operator-decision-seller"));
        let _ = write!(
            body,
            r#"<p class="muted">{line}</p>
<form method="post" action="/operator/claims/{cid}/resolve" class="panel">{hidden}<input type="hidden" name="currency" value="{cur}">{outcome}{amount}<div class="actions"><button type="submit">{decide}</button></div></form>"#,
            line = html_of(
                &line,
                &[
                    ("number", link),
                    ("total", money_of(&order.body, "amount")),
                    ("captured", money(order.body["payment"]["amount_captured"].as_i64().unwrap_or(0), &currency)),
                    ("refunded", money(order.body["payment"]["amount_refunded"].as_i64().unwrap_or(0), &currency)),
                ]
            ),
            cid = url_encode(c["id"].as_str().unwrap_or("")),
            hidden = form_hidden(&mut ctx),
            cur = esc(&currency),
            decide = esc(&tr!("operator-decide")),
            outcome = select(
                &tr!("operator-decision"),
                "outcome",
                // Nothing that moves money is chosen for the operator.
                &[("", &choose), ("buyer", &buyer), ("seller", &seller)],
                "",
                &FormErrors::none()
            ),
            amount = field(
                &tr!("operator-refund-amount", currency = &currency),
                "refund_amount",
                Input {
                    value: &decimal(c["amount"].as_i64().unwrap_or(0), &currency),
                    extra: r#"inputmode="decimal""#,
                    ..Input::default()
                },
                &FormErrors::none(),
                &[]
            ),
        );
    }
    body.push_str(&decide_paging.links("/operator", &decide.body));
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("operator-claims-all")));
    if others.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("operator-claims-none")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&tr!("operator-col-claim")),
            esc(&tr!("operator-col-reason")),
            esc(&tr!("operator-col-status")),
            esc(&tr!("operator-col-opened"))
        );
        for c in &others {
            let _ = write!(
                body,
                r#"<tr><td><a href="/operator/orders/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                url_encode(c["order"].as_str().unwrap_or("")),
                s(&c["id"]),
                super::html::words(c["reason"].as_str().unwrap_or("")),
                badge(c["status"].as_str().unwrap_or("")),
                date_of(&c["created"])
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&all_paging.links("/operator", &all.body));
    ctx.page(&tr!("operator-claims-title"), &body)
}

pub async fn resolve_claim(Path(id): Path<String>, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator") {
        return r;
    }
    let outcome = p.get("outcome");
    let mut body = json!({ "outcome": outcome });
    if outcome == "buyer" {
        let currency = p.get("currency");
        match parse_amount(&p.get("refund_amount"), &currency) {
            Some(a) => body["refund_amount"] = json!(a),
            None => {
                let e = ErrorView::local("refund_amount", &tr!("operator-refund-amount-invalid", currency = &currency));
                return render_claims(p.ctx, FormErrors::of(e), "", &HashMap::new()).await;
            }
        }
    }
    let answer = p
        .ctx
        .api(Method::POST, &format!("/v1/claims/{}/resolve", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        return p.ctx.redirect("/operator?notice=resolved");
    }
    render_claims(p.ctx, FormErrors::of(answer.error()), "", &HashMap::new()).await
}

pub async fn fx_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/fx") {
        return r;
    }
    let notice = notice_from(&q);
    render_fx(ctx, FormErrors::none(), &HashMap::new(), &notice).await
}

async fn render_fx(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>, notice: &str) -> Response {
    let rates = ctx.api(Method::GET, "/v1/fx/rates", None, None).await.data();
    let mut body = notice.to_owned();
    if rates.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("operator-fx-none")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th>{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&tr!("operator-col-from")),
            esc(&tr!("operator-col-to")),
            esc(&tr!("operator-col-rate")),
            esc(&tr!("operator-col-updated"))
        );
        for r in &rates {
            let _ = write!(
                body,
                r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                s(&r["from"]),
                s(&r["to"]),
                s(&r["rate"]),
                r["updated"].as_i64().map(datetime).unwrap_or_default()
            );
        }
        body.push_str("</tbody></table></div>");
    }
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let rate_hint = tr!("operator-fx-rate-hint");
    let _ = write!(
        body,
        r#"<h2>{heading}</h2>{top}<form method="post" action="/operator/fx" class="panel">{hidden}<div class="grid">{from}{to}{rate}</div><div class="actions"><button type="submit">{save}</button></div></form>"#,
        heading = esc(&tr!("operator-fx-set-heading")),
        save = esc(&tr!("operator-fx-save")),
        top = top_error(&errors, &["from", "to", "rate"]),
        hidden = form_hidden(&mut ctx),
        from = field(
            &tr!("operator-fx-from-currency"),
            "from",
            Input { value: &v("from"), required: true, ..Input::default() },
            &errors,
            &["from"]
        ),
        to = field(
            &tr!("operator-fx-to-currency"),
            "to",
            Input { value: &v("to"), required: true, ..Input::default() },
            &errors,
            &["to"]
        ),
        rate = field(
            &tr!("operator-fx-rate"),
            "rate",
            Input { value: &v("rate"), required: true, hint: &rate_hint, ..Input::default() },
            &errors,
            &["rate"]
        ),
    );
    ctx.page(&tr!("operator-fx-title"), &body)
}

pub async fn put_rate(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator/fx") {
        return r;
    }
    let (from, to) = (p.get("from").to_ascii_uppercase(), p.get("to").to_ascii_uppercase());
    let path = format!("/v1/fx/rates/{}/{}", url_encode(&from), url_encode(&to));
    let answer = p.ctx.api(Method::PUT, &path, Some(json!({ "rate": p.get("rate") })), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/operator/fx?notice=rate_set");
    }
    let values = p.fields.clone();
    render_fx(p.ctx, FormErrors::of(answer.error()), &values, "").await
}

pub async fn gift_cards_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/gift-cards") {
        return r;
    }
    let notice = notice_from(&q);
    render_gift_cards(ctx, FormErrors::none(), None, &notice)
}

fn render_gift_cards(mut ctx: Ctx, errors: FormErrors, found: Option<&Value>, notice: &str) -> Response {
    let mut body = format!(
        r#"{notice}{top}<form method="post" action="/operator/gift-cards" class="panel">{hidden}{code}<div class="actions"><button type="submit">{look_up}</button></div></form>"#,
        look_up = esc(&tr!("operator-gift-look-up")),
        top = top_error(&errors, &["code", "reason"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            &tr!("operator-gift-code"),
            "code",
            Input { required: true, autocomplete: "off", ..Input::default() },
            &errors,
            &["code"]
        ),
    );
    if let Some(g) = found {
        let gid = url_encode(g["id"].as_str().unwrap_or(""));
        let _ = write!(
            body,
            r#"<section class="gift-card"><h2>{heading}</h2><dl class="facts"><dt>{t_state}</dt><dd>{state}</dd><dt>{t_value}</dt><dd>{value}</dd><dt>{t_bought}</dt><dd>{bought}</dd><dt>{t_expires}</dt><dd>{expires}</dd><dt>{t_redeemed}</dt><dd>{redeemed}</dd></dl>"#,
            heading = esc(&tr!("operator-gift-heading", last4 = g["last4"].as_str().unwrap_or(""))),
            t_state = esc(&tr!("operator-gift-state")),
            t_value = esc(&tr!("operator-gift-value")),
            t_bought = esc(&tr!("operator-gift-bought")),
            t_expires = esc(&tr!("operator-gift-expires")),
            t_redeemed = esc(&tr!("operator-gift-redeemed-by")),
            state = badge(g["state"].as_str().unwrap_or("")),
            value = money_of(g, "denomination"),
            bought = html_of(
                &tr!("operator-gift-bought-by", date = slot("date"), buyer = slot("buyer")),
                &[("date", date_of(&g["created"])), ("buyer", s(&g["buyer"]))]
            ),
            expires = date_of(&g["expires_at"]),
            redeemed = g["redeemed_by"].as_str().map(esc).unwrap_or_else(|| "—".into()),
        );
        if g["state"] == "active" {
            let _ = write!(
                body,
                r#"<form method="post" action="/operator/gift-cards/{gid}/block" class="panel">{hidden}{reason}<button type="submit" class="danger">{block}</button></form>"#,
                block = esc(&tr!("operator-gift-block")),
                hidden = form_hidden(&mut ctx),
                reason = field(
                    &tr!("operator-gift-block-why"),
                    "reason",
                    Input { required: true, ..Input::default() },
                    &FormErrors::none(),
                    &[]
                ),
            );
        } else if g["state"] == "blocked" {
            body.push_str(&super::html::button_form(
                &format!("/operator/gift-cards/{gid}/unblock"),
                &ctx.csrf(),
                &tr!("operator-gift-unblock"),
                "secondary",
            ));
        }
        body.push_str("</section>");
    }
    ctx.page(&tr!("operator-gift-title"), &body)
}

pub async fn lookup_gift_card(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator/gift-cards") {
        return r;
    }
    let answer = p.ctx.api(Method::POST, "/v1/gift_cards/lookup", Some(json!({ "code": p.get("code") })), None).await;
    if answer.ok() {
        return render_gift_cards(p.ctx, FormErrors::none(), Some(&answer.body), "");
    }
    render_gift_cards(p.ctx, FormErrors::of(answer.error()), None, "")
}

async fn block_change(id: &str, p: Posted, action: &str, body: Option<Value>) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator/gift-cards") {
        return r;
    }
    let answer =
        p.ctx.api(Method::POST, &format!("/v1/gift_cards/{}/{action}", url_encode(id)), body, p.key().as_deref()).await;
    if answer.ok() {
        let key = if action == "block" { "blocked" } else { "unblocked" };
        let notice = notice_from(&HashMap::from([("notice".to_owned(), key.to_owned())]));
        return render_gift_cards(p.ctx, FormErrors::none(), Some(&answer.body), &notice);
    }
    render_gift_cards(p.ctx, FormErrors::of(answer.error()), None, "")
}

pub async fn block_gift_card(Path(id): Path<String>, p: Posted) -> Response {
    let body = json!({ "reason": p.get("reason") });
    block_change(&id, p, "block", Some(body)).await
}

pub async fn unblock_gift_card(Path(id): Path<String>, p: Posted) -> Response {
    block_change(&id, p, "unblock", None).await
}

pub async fn ledger(ctx: Ctx) -> Response {
    if let Err(r) = ctx.require_operator("/operator/ledger") {
        return r;
    }
    let answer = ctx.api(Method::GET, "/v1/ledger/verify", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let report = answer.body;
    let balanced = report["balanced"] == true;
    let mut body = format!(
        r#"<section><p class="big ledger-result">{}</p><p>{}</p></section>"#,
        esc(&if balanced { tr!("operator-ledger-balanced") } else { tr!("operator-ledger-problems-found") }),
        esc(&tr!(
            "operator-ledger-checked",
            accounts = report["accounts"].as_i64().unwrap_or(0),
            transactions = report["transactions"].as_i64().unwrap_or(0)
        )),
    );
    if let Some(problems) = report["problems"].as_array().filter(|p| !p.is_empty()) {
        let _ = write!(body, "<h2>{}</h2><ul>", esc(&tr!("operator-ledger-problems")));
        for p in problems {
            let text = p.as_str().map(esc).unwrap_or_else(|| esc(&p.to_string()));
            let _ = write!(body, "<li>{text}</li>");
        }
        body.push_str("</ul>");
    }
    ctx.page(&tr!("operator-ledger-title"), &body)
}
