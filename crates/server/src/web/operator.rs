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
    badge, date_of, datetime, decimal, esc, field, money, money_of, parse_amount, s, select, ErrorView, FormErrors,
    Input,
};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};

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
    body.push_str("<h2>To decide</h2>");
    if to_decide.is_empty() {
        body.push_str("<p>Nothing to decide.</p>");
    }
    for c in &to_decide {
        let order = ctx
            .api(Method::GET, &format!("/v1/orders/{}", url_encode(c["order"].as_str().unwrap_or(""))), None, None)
            .await;
        let currency = order.body["currency"].as_str().unwrap_or("USD").to_owned();
        body.push_str(&claim_block(c, &currency));
        let _ = write!(
            body,
            r#"<p class="muted">Order <a href="/operator/orders/{oid}">{number}</a>: {total}, captured {captured}, refunded {refunded}.</p>
<form method="post" action="/operator/claims/{cid}/resolve" class="panel">{hidden}<input type="hidden" name="currency" value="{cur}">{outcome}{amount}<div class="actions"><button type="submit">Decide</button></div></form>"#,
            number = s(&order.body["number"]),
            oid = url_encode(c["order"].as_str().unwrap_or("")),
            total = money_of(&order.body, "amount"),
            captured = money(order.body["payment"]["amount_captured"].as_i64().unwrap_or(0), &currency),
            refunded = money(order.body["payment"]["amount_refunded"].as_i64().unwrap_or(0), &currency),
            cid = url_encode(c["id"].as_str().unwrap_or("")),
            hidden = form_hidden(&mut ctx),
            cur = esc(&currency),
            outcome = select(
                "Decision",
                "outcome",
                // Nothing that moves money is chosen for the operator.
                &[
                    ("", "Choose a decision"),
                    ("buyer", "For the buyer: refund"),
                    ("seller", "For the seller: no refund")
                ],
                "",
                &FormErrors::none()
            ),
            amount = field(
                &format!("Refund amount ({currency})"),
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
    body.push_str("<h2>All claims</h2>");
    if others.is_empty() {
        body.push_str("<p>None.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table><thead><tr><th>Claim</th><th>Reason</th><th>Status</th><th>Opened</th></tr></thead><tbody>"#);
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
    ctx.page("Claims", &body)
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
                let e = ErrorView::local("refund_amount", &format!("Enter the refund in {currency}, such as 10.00."));
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
        body.push_str("<p>No rates yet: buyers pay in the seller's currency.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table><thead><tr><th>From</th><th>To</th><th class="num">Rate</th><th>Updated</th></tr></thead><tbody>"#);
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
    let _ = write!(
        body,
        r#"<h2>Set a rate</h2>{top}<form method="post" action="/operator/fx" class="panel">{hidden}<div class="grid">{from}{to}{rate}</div><div class="actions"><button type="submit">Save rate</button></div></form>"#,
        top = top_error(&errors, &["from", "to", "rate"]),
        hidden = form_hidden(&mut ctx),
        from = field(
            "From currency",
            "from",
            Input { value: &v("from"), required: true, ..Input::default() },
            &errors,
            &["from"]
        ),
        to =
            field("To currency", "to", Input { value: &v("to"), required: true, ..Input::default() }, &errors, &["to"]),
        rate = field(
            "Units of To for one From",
            "rate",
            Input { value: &v("rate"), required: true, hint: "A decimal such as 0.9215.", ..Input::default() },
            &errors,
            &["rate"]
        ),
    );
    ctx.page("FX rates", &body)
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
        r#"{notice}{top}<form method="post" action="/operator/gift-cards" class="panel">{hidden}{code}<div class="actions"><button type="submit">Look up</button></div></form>"#,
        top = top_error(&errors, &["code", "reason"]),
        hidden = form_hidden(&mut ctx),
        code = field(
            "Gift card code",
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
            r#"<section class="gift-card"><h2>Gift card •••• {last4}</h2><dl class="facts"><dt>State</dt><dd>{state}</dd><dt>Value</dt><dd>{value}</dd><dt>Bought</dt><dd>{bought} by {buyer}</dd><dt>Expires</dt><dd>{expires}</dd><dt>Redeemed by</dt><dd>{redeemed}</dd></dl>"#,
            last4 = s(&g["last4"]),
            state = badge(g["state"].as_str().unwrap_or("")),
            value = money_of(g, "denomination"),
            bought = date_of(&g["created"]),
            buyer = s(&g["buyer"]),
            expires = date_of(&g["expires_at"]),
            redeemed = g["redeemed_by"].as_str().map(esc).unwrap_or_else(|| "—".into()),
        );
        if g["state"] == "active" {
            let _ = write!(
                body,
                r#"<form method="post" action="/operator/gift-cards/{gid}/block" class="panel">{hidden}{reason}<button type="submit" class="danger">Block this code</button></form>"#,
                hidden = form_hidden(&mut ctx),
                reason =
                    field("Why?", "reason", Input { required: true, ..Input::default() }, &FormErrors::none(), &[]),
            );
        } else if g["state"] == "blocked" {
            body.push_str(&super::html::button_form(
                &format!("/operator/gift-cards/{gid}/unblock"),
                &ctx.csrf(),
                "Unblock",
                "secondary",
            ));
        }
        body.push_str("</section>");
    }
    ctx.page("Gift cards", &body)
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
        let notice = super::notice_text(if action == "block" { "blocked" } else { "unblocked" }).unwrap_or("");
        return render_gift_cards(p.ctx, FormErrors::none(), Some(&answer.body), &super::html::notice(notice));
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
        r#"<section><p class="big ledger-result">{}</p><p>{} accounts, {} transactions checked: every balance is the sum of its postings, every currency sums to zero, no protected account is below zero, captured ≤ authorized, refunded ≤ captured, Pocket lots match their accounts.</p></section>"#,
        if balanced { "Balanced" } else { "Problems found" },
        s(&report["accounts"]),
        s(&report["transactions"]),
    );
    if let Some(problems) = report["problems"].as_array().filter(|p| !p.is_empty()) {
        body.push_str("<h2>Problems</h2><ul>");
        for p in problems {
            let text = p.as_str().map(esc).unwrap_or_else(|| esc(&p.to_string()));
            let _ = write!(body, "<li>{text}</li>");
        }
        body.push_str("</ul>");
    }
    ctx.page("Ledger check", &body)
}
