//! A seller's "Balance and payouts" page: available, pending and reserved money; paying out by hand;
//! payouts with their status; recent balance transactions and the CSV of all of them; bank accounts
//! (added, made default, removed); the payout schedule. Every action calls the API as the seller.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use store::MerchantRecord;

use super::html::{badge, date, esc, field, money, parse_amount, s, select, words, ErrorView, FormErrors, Input};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// Every field of the page's forms (by the API's parameter names).
const FIELDS: [&str; 8] = [
    "amount",
    "account_holder_name",
    "country",
    "currency",
    "account_number",
    "routing_number",
    "iban",
    "payout_schedule[minimum_amount]",
];

/// Payouts on one page of their list.
const PAYOUT_ROWS: u32 = 10;

async fn seller(ctx: &Ctx) -> Result<MerchantRecord, Response> {
    super::seller::seller(ctx, "/seller/balance").await
}

pub async fn page(ctx: Ctx, Query(q): Q) -> Response {
    let m = match seller(&ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render(ctx, &m, FormErrors::none(), &HashMap::new(), &notice, &q).await
}

fn bucket(balance: &Value, name: &str, currency: &str) -> i64 {
    balance[name]
        .as_array()
        .and_then(|a| a.iter().find(|b| b["currency"] == currency))
        .and_then(|b| b["amount"].as_i64())
        .unwrap_or(0)
}

async fn render(
    mut ctx: Ctx,
    m: &MerchantRecord,
    errors: FormErrors,
    values: &HashMap<String, String>,
    notice: &str,
    q: &HashMap<String, String>,
) -> Response {
    let balance = ctx.api_as(m, Method::GET, "/v1/balance", None, None).await;
    if !balance.ok() {
        return ctx.failure(&balance);
    }
    let (payout_paging, tx_paging) = (Paging::named(q, "payouts_"), Paging::of(q));
    let payouts = ctx.api_as(m, Method::GET, &payout_paging.api_path("/v1/payouts", PAYOUT_ROWS), None, None).await;
    let path = tx_paging.api_path("/v1/balance_transactions", PAGE_ROWS);
    let transactions = ctx.api_as(m, Method::GET, &path, None, None).await;
    let accounts = ctx.api_as(m, Method::GET, "/v1/payout_destinations", None, None).await.data();
    let merchant = ctx.api_as(m, Method::GET, &format!("/v1/merchants/{}", url_encode(&m.id)), None, None).await.body;
    let cur = m.currency.as_str();
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let available = bucket(&balance.body, "available", cur);
    // One place for an error that no field of the page shows; field errors stand beside their field.
    let mut body = format!("{notice}{}", top_error(&errors, &FIELDS));
    let _ = write!(
        body,
        r#"<section aria-labelledby="balance-h"><h2 id="balance-h">{heading}</h2><dl class="facts">
<dt>{avail_label}</dt><dd class="big available">{avail}</dd>
<dt>{pending_label}</dt><dd class="pending">{pending}</dd>
<dt>{reserved_label}</dt><dd class="reserved">{reserved}</dd></dl>
<p class="muted">{note}</p></section>"#,
        heading = esc(&tr!("seller-balance-heading")),
        avail_label = esc(&tr!("seller-balance-available")),
        pending_label = esc(&tr!("seller-balance-pending")),
        reserved_label = esc(&tr!("seller-balance-reserved")),
        note = esc(&tr!("seller-balance-note")),
        avail = money(available, cur),
        pending = money(bucket(&balance.body, "pending", cur), cur),
        reserved = money(bucket(&balance.body, "reserved", cur), cur),
    );
    if merchant["payouts_paused"] == true {
        let _ = write!(body, r#"<p class="form-error" role="alert">{}</p>"#, esc(&tr!("seller-payouts-paused")));
    }
    let _ = write!(
        body,
        r#"<h2>{heading}</h2><form method="post" action="/seller/balance/payout" class="panel">{hidden}{amount}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("seller-pay-out-now")),
        button = esc(&tr!("seller-pay-out-button")),
        hidden = form_hidden(&mut ctx),
        amount = field(
            &tr!("seller-amount-in", currency = cur),
            "amount",
            Input {
                value: &v("amount"),
                required: true,
                extra: r#"inputmode="decimal""#,
                hint: &tr!("seller-pay-out-hint", amount = money(available.max(0), cur)),
                ..Input::default()
            },
            &errors,
            &["amount"]
        ),
    );
    body.push_str(&payouts_table(&payouts.data(), &accounts));
    body.push_str(&payout_paging.links("/seller/balance", &payouts.body));
    let _ = write!(
        body,
        r#"<h2>{}</h2><p><a href="/seller/balance/transactions.csv" download>{}</a></p>"#,
        esc(&tr!("seller-transactions-heading")),
        esc(&tr!("seller-transactions-download"))
    );
    body.push_str(&transactions_table(&transactions.data()));
    body.push_str(&tx_paging.links("/seller/balance", &transactions.body));
    body.push_str(&accounts_block(&mut ctx, &accounts, &errors, values));
    body.push_str(&schedule_form(&mut ctx, &merchant, &errors));
    ctx.page(&tr!("seller-balance-title"), &body)
}

/// Why the bank refused a payout, by its `failure_code`, in the reader's language.
fn bank_reason(code: Option<&str>) -> Option<String> {
    Some(match code {
        None => tr!("message-bank-refused-payout"),
        Some("account_closed") => tr!("message-bank-account-closed"),
        Some("no_account") => tr!("message-bank-no-account"),
        Some("unsupported_currency") => tr!("message-bank-unsupported-currency"),
        Some("account_frozen") => tr!("message-bank-account-frozen"),
        Some(_) => return None,
    })
}

fn payouts_table(payouts: &[Value], accounts: &[Value]) -> String {
    let mut out = format!("<h2>{}</h2>", esc(&tr!("seller-payouts-heading")));
    if payouts.is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(&tr!("seller-payouts-empty")));
        return out;
    }
    let _ = write!(
        out,
        r#"<div class="table-wrap"><table class="payouts"><thead><tr><th>{}</th><th class="num">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        esc(&tr!("seller-payouts-created")),
        esc(&tr!("seller-column-amount")),
        esc(&tr!("seller-column-status")),
        esc(&tr!("seller-payouts-arrives")),
        esc(&tr!("seller-payouts-bank-account")),
    );
    for p in payouts {
        let currency = p["currency"].as_str().unwrap_or("");
        let last4 = accounts
            .iter()
            .find(|a| a["id"] == p["destination"])
            .map(|a| esc(&tr!("seller-payouts-account-ending", last4 = a["last4"].as_str().unwrap_or(""))))
            .unwrap_or_else(|| esc(&tr!("seller-payouts-removed-account")));
        let status = p["status"].as_str().unwrap_or("");
        // The bank's reason in the reader's language (the API's `failure_message` is English).
        let why = p["failure_message"]
            .as_str()
            .map(|m| {
                let words = bank_reason(p["failure_code"].as_str()).unwrap_or_else(|| m.to_owned());
                format!(r#"<br><span class="muted">{}</span>"#, esc(&words))
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td class="num">{}</td><td>{}{why}</td><td>{}</td><td>{last4}</td></tr>"#,
            date(p["created"].as_i64().unwrap_or(0)),
            money(p["amount"].as_i64().unwrap_or(0), currency),
            badge(status),
            p["arrival_date"].as_i64().map(date).unwrap_or_else(|| "—".into()),
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

fn transactions_table(rows: &[Value]) -> String {
    if rows.is_empty() {
        return format!("<p>{}</p>", esc(&tr!("seller-transactions-empty")));
    }
    let mut out = format!(
        r#"<div class="table-wrap"><table class="transactions"><thead><tr><th>{}</th><th>{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
        esc(&tr!("seller-transactions-date")),
        esc(&tr!("seller-transactions-what")),
        esc(&tr!("seller-column-amount")),
        esc(&tr!("seller-transactions-fee")),
        esc(&tr!("seller-transactions-net")),
        esc(&tr!("seller-column-status")),
    );
    for t in rows {
        let currency = t["currency"].as_str().unwrap_or("");
        let amount = |f: &str| money(t[f].as_i64().unwrap_or(0), currency);
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td>{}<br><span class="muted">{}</span></td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            date(t["created"].as_i64().unwrap_or(0)),
            words(t["type"].as_str().unwrap_or("")),
            s(&t["description"]),
            amount("amount"),
            amount("fee"),
            amount("net"),
            badge(t["status"].as_str().unwrap_or("")),
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

fn accounts_block(ctx: &mut Ctx, accounts: &[Value], errors: &FormErrors, values: &HashMap<String, String>) -> String {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut out = format!("<h2>{}</h2>", esc(&tr!("seller-accounts-heading")));
    if accounts.is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(&tr!("seller-accounts-empty")));
    }
    for a in accounts {
        let id = url_encode(a["id"].as_str().unwrap_or(""));
        let last4 = a["last4"].as_str().unwrap_or("");
        let _ = write!(
            out,
            r#"<div class="panel bank-account"><p><strong>{name}</strong> · {currency} · {holder}{default} {status}</p><div class="actions">"#,
            name = esc(&if a["type"] == "iban" {
                tr!("seller-accounts-iban-ending", last4 = last4)
            } else {
                tr!("seller-accounts-us-ending", last4 = last4)
            }),
            currency = s(&a["currency"]),
            holder = s(&a["account_holder_name"]),
            default = if a["default"] == true {
                format!(" · <em>{}</em>", esc(&tr!("seller-accounts-default")))
            } else {
                String::new()
            },
            status = if a["status"] == "disabled" { badge("disabled") } else { String::new() },
        );
        if a["default"] != true && a["status"] != "disabled" {
            let _ = write!(
                out,
                r#"<form method="post" action="/seller/balance/accounts/{id}/default">{}<button type="submit" class="secondary">{}</button></form>"#,
                form_hidden(ctx),
                esc(&tr!("seller-accounts-make-default"))
            );
        }
        let _ = write!(
            out,
            r#"<form method="post" action="/seller/balance/accounts/{id}/remove">{}<button type="submit" class="secondary">{}</button></form></div></div>"#,
            form_hidden(ctx),
            esc(&tr!("seller-accounts-remove"))
        );
    }
    let _ = write!(
        out,
        r#"<h3>{heading}</h3><form method="post" action="/seller/balance/accounts" class="panel">{hidden}{holder}{country}{currency}{number}{routing}{iban}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("seller-accounts-add-heading")),
        button = esc(&tr!("seller-accounts-add-button")),
        hidden = form_hidden(ctx),
        holder = field(
            &tr!("seller-accounts-holder"),
            "account_holder_name",
            Input { value: &v("account_holder_name"), required: true, ..Input::default() },
            errors,
            &["account_holder_name"]
        ),
        country = field(
            &tr!("seller-country-label"),
            "country",
            Input { value: &v("country"), required: true, ..Input::default() },
            errors,
            &["country"]
        ),
        currency = field(
            &tr!("seller-accounts-currency"),
            "currency",
            Input { value: &v("currency"), required: true, ..Input::default() },
            errors,
            &["currency"]
        ),
        number = field(
            &tr!("seller-accounts-number"),
            "account_number",
            Input { value: "", autocomplete: "off", extra: r#"inputmode="numeric""#, ..Input::default() },
            errors,
            &["account_number"]
        ),
        routing = field(
            &tr!("seller-accounts-routing"),
            "routing_number",
            Input { value: &v("routing_number"), extra: r#"inputmode="numeric""#, ..Input::default() },
            errors,
            &["routing_number"]
        ),
        iban = field(
            &tr!("seller-accounts-iban"),
            "iban",
            Input { value: "", autocomplete: "off", ..Input::default() },
            errors,
            &["iban"]
        ),
    );
    out
}

fn schedule_form(ctx: &mut Ctx, merchant: &Value, errors: &FormErrors) -> String {
    let schedule = &merchant["payout_schedule"];
    let currency = merchant["currency"].as_str().unwrap_or("USD");
    let days = [
        ("monday", tr!("seller-day-monday")),
        ("tuesday", tr!("seller-day-tuesday")),
        ("wednesday", tr!("seller-day-wednesday")),
        ("thursday", tr!("seller-day-thursday")),
        ("friday", tr!("seller-day-friday")),
        ("saturday", tr!("seller-day-saturday")),
        ("sunday", tr!("seller-day-sunday")),
    ];
    let days: Vec<(&str, &str)> = days.iter().map(|(value, label)| (*value, label.as_str())).collect();
    let minimum = super::html::decimal(schedule["minimum_amount"].as_i64().unwrap_or(0), currency);
    format!(
        r#"<h2>{heading}</h2><form method="post" action="/seller/balance/schedule" class="panel">{hidden}{interval}{anchor}{minimum}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("seller-schedule-heading")),
        button = esc(&tr!("seller-schedule-save")),
        hidden = form_hidden(ctx),
        interval = select(
            &tr!("seller-schedule-interval"),
            "interval",
            &[
                ("daily", tr!("seller-schedule-daily").as_str()),
                ("weekly", tr!("seller-schedule-weekly").as_str()),
                ("manual", tr!("seller-schedule-manual").as_str())
            ],
            schedule["interval"].as_str().unwrap_or("daily"),
            errors
        ),
        anchor = select(
            &tr!("seller-schedule-anchor"),
            "weekly_anchor",
            &days,
            schedule["weekly_anchor"].as_str().unwrap_or("monday"),
            errors
        ),
        minimum = field(
            &tr!("seller-schedule-minimum", currency = currency),
            "minimum_amount",
            Input {
                value: &minimum,
                extra: r#"inputmode="decimal""#,
                hint: &tr!("seller-schedule-minimum-hint"),
                ..Input::default()
            },
            errors,
            &["payout_schedule[minimum_amount]"]
        ),
    )
}

pub async fn pay_out(p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let values = p.fields.clone();
    let Some(amount) = parse_amount(&p.get("amount"), &m.currency) else {
        let e = ErrorView::local("amount", &tr!("seller-pay-out-amount-invalid", currency = &m.currency));
        return render(p.ctx, &m, FormErrors::of(e), &values, "", &HashMap::new()).await;
    };
    let body = json!({ "amount": amount, "currency": m.currency });
    let answer = p.ctx.api_as(&m, Method::POST, "/v1/payouts", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/seller/balance?notice=payout_created");
    }
    render(p.ctx, &m, FormErrors::of(answer.error()), &values, "", &HashMap::new()).await
}

pub async fn add_account(p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    // The numbers are never written back into the page.
    let values: HashMap<String, String> = p
        .fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "account_number" | "iban"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut body = json!({ "account_holder_name": p.get("account_holder_name"), "country": p.get("country"),
        "currency": p.get("currency").to_ascii_uppercase() });
    let iban = p.get("iban");
    if iban.is_empty() {
        body["account_number"] = json!(p.get("account_number"));
        body["routing_number"] = json!(p.get("routing_number"));
    } else {
        body["iban"] = json!(iban);
    }
    let answer = p.ctx.api_as(&m, Method::POST, "/v1/payout_destinations", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/seller/balance?notice=bank_account_added");
    }
    render(p.ctx, &m, FormErrors::of(answer.error()), &values, "", &HashMap::new()).await
}

pub async fn remove_account(Path(id): Path<String>, p: Posted) -> Response {
    account_action(p, Method::DELETE, &format!("/v1/payout_destinations/{}", url_encode(&id)), "bank_account_removed")
        .await
}

pub async fn default_account(Path(id): Path<String>, p: Posted) -> Response {
    account_action(
        p,
        Method::POST,
        &format!("/v1/payout_destinations/{}/default", url_encode(&id)),
        "bank_account_default",
    )
    .await
}

async fn account_action(p: Posted, method: Method, path: &str, notice: &str) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let body = (method == Method::POST).then(|| json!({}));
    let answer = p.ctx.api_as(&m, method, path, body, p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/seller/balance?notice={notice}"));
    }
    render(p.ctx, &m, FormErrors::of(answer.error()), &HashMap::new(), "", &HashMap::new()).await
}

pub async fn save_schedule(p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let minimum_text = p.get("minimum_amount");
    let zero = minimum_text.bytes().all(|b| b == b'0' || b == b'.') || minimum_text.is_empty();
    let minimum = if zero { Some(0) } else { parse_amount(&minimum_text, &m.currency) };
    let Some(minimum) = minimum else {
        let e = ErrorView::local(
            "payout_schedule[minimum_amount]",
            &tr!("seller-schedule-minimum-invalid", currency = &m.currency),
        );
        return render(p.ctx, &m, FormErrors::of(e), &HashMap::new(), "", &HashMap::new()).await;
    };
    let interval = p.get("interval");
    let mut schedule = json!({ "interval": interval, "minimum_amount": minimum });
    if interval == "weekly" {
        schedule["weekly_anchor"] = json!(p.get("weekly_anchor"));
    }
    let path = format!("/v1/merchants/{}", url_encode(&m.id));
    let answer =
        p.ctx.api_as(&m, Method::PATCH, &path, Some(json!({ "payout_schedule": schedule })), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/seller/balance?notice=schedule_saved");
    }
    render(p.ctx, &m, FormErrors::of(answer.error()), &HashMap::new(), "", &HashMap::new()).await
}

/// Every balance transaction of the seller as CSV (the report the API serves, for the signed-in seller).
pub async fn transactions_csv(ctx: Ctx) -> Response {
    let m = match seller(&ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let filter = store::BalanceTxFilter { merchant_id: Some(m.id.clone()), ..store::BalanceTxFilter::default() };
    match crate::routes::balance::csv_report(&ctx.web.state, filter).await {
        Ok(csv) => {
            let mut response = csv.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"balance_transactions.csv\""),
            );
            response
        }
        Err(_) => ctx.page_with_status(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            &tr!("seller-report-failed-title"),
            &format!("<p>{}</p>", esc(&tr!("seller-report-failed"))),
        ),
    }
}
