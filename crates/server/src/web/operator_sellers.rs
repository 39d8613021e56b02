//! Operators' pages of sellers' money: every seller's balance (those below zero first), and one
//! seller's balance, fee schedule, payouts, and the pause of their payouts.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::{json, Value};

use super::html::{badge, date, esc, field, money, words, ErrorView, FormErrors, Input};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

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
    let _ = write!(body, r#"<p class="muted">{}</p>"#, esc(&tr!("operator-sellers-intro")));
    if rows.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("operator-sellers-none")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table class="balances"><thead><tr><th>{}</th><th class="num">{}</th><th></th></tr></thead><tbody>"#,
            esc(&tr!("operator-col-seller")),
            esc(&tr!("operator-col-balance"))
        );
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
    ctx.page(&tr!("operator-sellers-title"), &body)
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
        r#"<dl class="facts"><dt>{t_seller}</dt><dd>{name} ({id})</dd><dt>{t_available}</dt><dd>{avail}</dd><dt>{t_pending}</dt><dd>{pending}</dd><dt>{t_reserved}</dt><dd>{reserved}</dd><dt>{t_payouts}</dt><dd class="payouts-state">{state}</dd><dt>{t_schedule}</dt><dd>{interval}</dd></dl>"#,
        t_seller = esc(&tr!("operator-seller-seller")),
        t_available = esc(&tr!("operator-seller-available")),
        t_pending = esc(&tr!("operator-seller-pending")),
        t_reserved = esc(&tr!("operator-seller-reserved")),
        t_payouts = esc(&tr!("operator-seller-payouts")),
        t_schedule = esc(&tr!("operator-seller-schedule")),
        name = esc(m["name"].as_str().unwrap_or("")),
        id = esc(id),
        avail = money(amount("available"), &currency),
        pending = money(amount("pending"), &currency),
        reserved = money(amount("reserved"), &currency),
        state = words(if paused { "paused" } else { "active" }),
        interval = interval(m["payout_schedule"]["interval"].as_str().unwrap_or("daily")),
    );
    let (action, label) =
        if paused { ("resume", tr!("operator-seller-resume")) } else { ("pause", tr!("operator-seller-pause")) };
    let _ = write!(
        body,
        r#"<form method="post" action="/operator/sellers/{mid}/{action}" class="panel">{}<div class="actions"><button type="submit">{}</button></div></form>"#,
        form_hidden(&mut ctx),
        esc(&label)
    );
    let bps = fees["percent_bps"].as_i64().unwrap_or(0);
    let percent = format!("{}.{:02}", bps / 100, bps % 100);
    let fixed = super::html::decimal(fees["fixed_amount"].as_i64().unwrap_or(0), &currency);
    let _ = write!(
        body,
        r#"<h2>{heading}</h2><p class="muted">{which}</p><form method="post" action="/operator/sellers/{mid}/fees" class="panel">{hidden}{percent}{fixed}<div class="actions"><button type="submit">{save}</button></div></form>"#,
        heading = esc(&tr!("operator-fees-heading")),
        save = esc(&tr!("operator-fees-save")),
        which = esc(&if fees["default"] == true { tr!("operator-fees-default") } else { tr!("operator-fees-own") }),
        hidden = form_hidden(&mut ctx),
        percent = field(
            &tr!("operator-fees-percent"),
            "percent",
            Input { value: &percent, required: true, extra: r#"inputmode="decimal""#, ..Input::default() },
            &errors,
            &["percent", "percent_bps"]
        ),
        fixed = field(
            &tr!("operator-fees-fixed", currency = &currency),
            "fixed_amount",
            Input { value: &fixed, extra: r#"inputmode="decimal""#, ..Input::default() },
            &errors,
            &["fixed_amount"]
        ),
    );
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("operator-payouts-heading")));
    if payouts.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("operator-payouts-none")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&tr!("operator-col-created")),
            esc(&tr!("operator-col-amount")),
            esc(&tr!("operator-col-status"))
        );
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
    ctx.page(&tr!("operator-seller-title", name = m["name"].as_str().unwrap_or("")), &body)
}

/// A payout schedule's interval in words (the API's code when it is not one of ours).
fn interval(code: &str) -> String {
    esc(&match code {
        "daily" => tr!("operator-interval-daily"),
        "weekly" => tr!("operator-interval-weekly"),
        "manual" => tr!("operator-interval-manual"),
        other => other.to_owned(),
    })
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
        let e = ErrorView::local("percent", &tr!("operator-fees-percent-invalid"));
        return render(p.ctx, &id, FormErrors::of(e), "", &HashMap::new()).await;
    };
    let fixed_text = p.get("fixed_amount");
    let zero = fixed_text.bytes().all(|b| b == b'0' || b == b'.');
    let fixed = if zero { Some(0) } else { super::html::parse_amount(&fixed_text, &currency) };
    let Some(fixed) = fixed else {
        let e = ErrorView::local("fixed_amount", &tr!("operator-fees-fixed-invalid", currency = &currency));
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
