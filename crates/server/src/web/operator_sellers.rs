//! Operators' pages of sellers' money: every seller's balance (those below zero first), and one
//! seller's balance, fee schedule, payouts, and the pause of their payouts.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::{json, Value};

use super::html::{badge, date, esc, field, money, ErrorView, FormErrors, Input};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};

type Q = Query<HashMap<String, String>>;

pub async fn sellers(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/sellers") {
        return r;
    }
    let answer = ctx.api(Method::GET, "/v1/balances", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let rows = answer.data();
    let mut body = notice_from(&q);
    body.push_str(r#"<p class="muted">What the platform owes each seller (pending and available together). A balance below zero is a refund or claim paid after a payout; the seller's next sales repay it.</p>"#);
    if rows.is_empty() {
        body.push_str("<p>No seller has sold yet.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table class="balances"><thead><tr><th>Seller</th><th class="num">Balance</th><th></th></tr></thead><tbody>"#);
        for b in &rows {
            let amount = b["amount"].as_i64().unwrap_or(0);
            let id = b["merchant"].as_str().unwrap_or("");
            let _ = write!(
                body,
                r#"<tr><td><a href="/operator/sellers/{href}">{name}</a> <span class="muted">{id}</span></td><td class="num">{money}</td><td>{flag}</td></tr>"#,
                href = url_encode(id),
                name = esc(b["merchant_name"].as_str().unwrap_or(id)),
                id = esc(id),
                money = money(amount, b["currency"].as_str().unwrap_or("")),
                flag = if amount < 0 { badge("negative") } else { String::new() },
            );
        }
        body.push_str("</tbody></table></div>");
    }
    ctx.page("Sellers' balances", &body)
}

pub async fn seller(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/sellers") {
        return r;
    }
    let notice = notice_from(&q);
    render(ctx, &id, FormErrors::none(), &notice, &q).await
}

async fn render(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str, q: &HashMap<String, String>) -> Response {
    let mid = url_encode(id);
    let merchant = ctx.api(Method::GET, &format!("/v1/merchants/{mid}"), None, None).await;
    if !merchant.ok() {
        return ctx.failure(&merchant);
    }
    let m = merchant.body;
    let currency = m["currency"].as_str().unwrap_or("USD").to_owned();
    let balance = ctx.api(Method::GET, &format!("/v1/balance?merchant={mid}"), None, None).await.body;
    let fees = ctx.api(Method::GET, &format!("/v1/merchants/{mid}/fees"), None, None).await.body;
    let paging = Paging::of(q);
    let payouts_list =
        ctx.api(Method::GET, &paging.api_path(&format!("/v1/payouts?merchant={mid}"), PAGE_ROWS), None, None).await;
    let payouts = payouts_list.data();
    let amount = |bucket: &str| {
        balance[bucket]
            .as_array()
            .and_then(|a| a.iter().find(|b| b["currency"] == currency.as_str()))
            .and_then(|b| b["amount"].as_i64())
            .unwrap_or(0)
    };
    let paused = m["payouts_paused"] == true;
    let mut body = format!("{notice}{}", top_error(&errors, &["percent", "fixed_amount"]));
    let _ = write!(
        body,
        r#"<dl class="facts"><dt>Seller</dt><dd>{name} ({id})</dd><dt>Available</dt><dd>{avail}</dd><dt>Pending</dt><dd>{pending}</dd><dt>Reserved</dt><dd>{reserved}</dd><dt>Payouts</dt><dd class="payouts-state">{state}</dd><dt>Schedule</dt><dd>{interval}</dd></dl>"#,
        name = esc(m["name"].as_str().unwrap_or("")),
        id = esc(id),
        avail = money(amount("available"), &currency),
        pending = money(amount("pending"), &currency),
        reserved = money(amount("reserved"), &currency),
        state = if paused { "paused" } else { "active" },
        interval = esc(m["payout_schedule"]["interval"].as_str().unwrap_or("daily")),
    );
    let (action, label) = if paused { ("resume", "Resume payouts") } else { ("pause", "Pause payouts") };
    let _ = write!(
        body,
        r#"<form method="post" action="/operator/sellers/{mid}/{action}" class="panel">{}<div class="actions"><button type="submit">{label}</button></div></form>"#,
        form_hidden(&mut ctx)
    );
    let bps = fees["percent_bps"].as_i64().unwrap_or(0);
    let percent = format!("{}.{:02}", bps / 100, bps % 100);
    let fixed = super::html::decimal(fees["fixed_amount"].as_i64().unwrap_or(0), &currency);
    let _ = write!(
        body,
        r#"<h2>Fee schedule</h2><p class="muted">{which}</p><form method="post" action="/operator/sellers/{mid}/fees" class="panel">{hidden}{percent}{fixed}<div class="actions"><button type="submit">Save fees</button></div></form>"#,
        which = if fees["default"] == true {
            "The platform's default applies."
        } else {
            "This seller's own schedule applies."
        },
        hidden = form_hidden(&mut ctx),
        percent = field(
            "Fee (percent of each sale)",
            "percent",
            Input { value: &percent, required: true, extra: r#"inputmode="decimal""#, ..Input::default() },
            &errors,
            &["percent", "percent_bps"]
        ),
        fixed = field(
            &format!("Fixed part per sale ({currency})"),
            "fixed_amount",
            Input { value: &fixed, extra: r#"inputmode="decimal""#, ..Input::default() },
            &errors,
            &["fixed_amount"]
        ),
    );
    body.push_str("<h2>Payouts</h2>");
    if payouts.is_empty() {
        body.push_str("<p>None yet.</p>");
    } else {
        body.push_str(r#"<div class="table-wrap"><table><thead><tr><th>Created</th><th class="num">Amount</th><th>Status</th></tr></thead><tbody>"#);
        for p in &payouts {
            let _ = write!(
                body,
                r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                date(p["created"].as_i64().unwrap_or(0)),
                money(p["amount"].as_i64().unwrap_or(0), p["currency"].as_str().unwrap_or("")),
                badge(p["status"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&paging.links(&format!("/operator/sellers/{mid}"), &payouts_list.body));
    ctx.page(&format!("Seller {}", m["name"].as_str().unwrap_or("")), &body)
}

/// "5", "5.5" or "2.90" percent as basis points.
fn basis_points(text: &str) -> Option<i64> {
    let (whole, fraction) = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .split_once('.')
        .unwrap_or((text.trim().trim_end_matches('%').trim(), ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

pub async fn save_fees(Path(id): Path<String>, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator/sellers") {
        return r;
    }
    let mid = url_encode(&id);
    let merchant = p.ctx.api(Method::GET, &format!("/v1/merchants/{mid}"), None, None).await;
    let currency = merchant.body["currency"].as_str().unwrap_or("USD").to_owned();
    let Some(bps) = basis_points(&p.get("percent")) else {
        let e = ErrorView::local("percent", "Enter the fee as a percent, such as 5 or 2.9.");
        return render(p.ctx, &id, FormErrors::of(e), "", &HashMap::new()).await;
    };
    let fixed_text = p.get("fixed_amount");
    let zero = fixed_text.bytes().all(|b| b == b'0' || b == b'.');
    let fixed = if zero { Some(0) } else { super::html::parse_amount(&fixed_text, &currency) };
    let Some(fixed) = fixed else {
        let e = ErrorView::local("fixed_amount", &format!("Enter the fixed part in {currency}, such as 0.30."));
        return render(p.ctx, &id, FormErrors::of(e), "", &HashMap::new()).await;
    };
    let body = json!({ "percent_bps": bps, "fixed_amount": fixed, "currency": currency });
    let answer = p.ctx.api(Method::PUT, &format!("/v1/merchants/{mid}/fees"), Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/operator/sellers/{mid}?notice=fees_saved"));
    }
    render(p.ctx, &id, FormErrors::of(answer.error()), "", &HashMap::new()).await
}

pub async fn pause(Path(id): Path<String>, p: Posted) -> Response {
    set_paused(id, p, true).await
}

pub async fn resume(Path(id): Path<String>, p: Posted) -> Response {
    set_paused(id, p, false).await
}

async fn set_paused(id: String, p: Posted, paused: bool) -> Response {
    if let Err(r) = p.ctx.require_operator("/operator/sellers") {
        return r;
    }
    let mid = url_encode(&id);
    let body: Value = json!({ "payouts_paused": paused });
    let answer = p.ctx.api(Method::PATCH, &format!("/v1/merchants/{mid}"), Some(body), p.key().as_deref()).await;
    if answer.ok() {
        let notice = if paused { "payouts_paused" } else { "payouts_resumed" };
        return p.ctx.redirect(&format!("/operator/sellers/{mid}?notice={notice}"));
    }
    render(p.ctx, &id, FormErrors::of(answer.error()), "", &HashMap::new()).await
}

#[cfg(test)]
mod tests {
    use super::basis_points;

    #[test]
    fn percents_read_as_basis_points() {
        for (text, bps) in
            [("5", Some(500)), ("2.9", Some(290)), ("2.90", Some(290)), ("0.05", Some(5)), ("12.5 %", Some(1250))]
        {
            assert_eq!(basis_points(text), bps, "{text}");
        }
        for text in ["", "x", "1.234", "-1", "1.x"] {
            assert_eq!(basis_points(text), None, "{text}");
        }
    }
}
