//! A seller's API keys page: each key with its last use, a new key, rolling a key (the old one
//! working for a grace period the seller picks) and revoking one. A new key is shown once, on the
//! page that answers the form; it is never shown again.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::{json, Value};
use store::MerchantRecord;

use super::html::{badge, datetime, esc, field, s, FormErrors, Input};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// The grace periods a seller may choose when rolling a key, in hours.
const GRACE_CHOICES: [i64; 5] = [0, 1, 24, 72, 168];

/// A grace period as the seller reads it: "Stop the old key now", "24 hours", "3 days".
fn grace_label(hours: i64) -> String {
    match hours {
        0 => tr!("apikeys-grace-none"),
        h if h % 24 == 0 && h > 24 => tr!("apikeys-grace-days", count = h / 24),
        h => tr!("apikeys-grace-hours", count = h),
    }
}

async fn seller(ctx: &Ctx) -> Result<MerchantRecord, Response> {
    super::seller::seller(ctx, "/seller/api-keys").await
}

pub async fn page(ctx: Ctx, Query(q): Q) -> Response {
    let m = match seller(&ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render(ctx, &m, FormErrors::none(), &notice, None).await
}

/// The page; `shown` is a key just made, whose secret is shown this once.
async fn render(mut ctx: Ctx, m: &MerchantRecord, errors: FormErrors, notice: &str, shown: Option<&Value>) -> Response {
    let keys = ctx.api_as(m, Method::GET, "/v1/api_keys", None, None).await;
    if !keys.ok() {
        return ctx.failure(&keys);
    }
    let mut body = format!("{notice}{}", top_error(&errors, &["name", "expires_in_hours"]));
    if let Some(k) = shown {
        let _ = write!(
            body,
            r#"<section class="panel new-key" role="status"><h2>{heading}</h2><p>{copy}</p><p class="secret">{secret}</p></section>"#,
            heading = esc(&tr!("apikeys-new-key-heading", name = k["name"].as_str().unwrap_or(""))),
            copy = esc(&tr!("apikeys-new-key-copy")),
            secret = s(&k["secret"])
        );
    }
    let _ = write!(body, "<p>{}</p>", esc(&tr!("apikeys-intro")));
    let _ = write!(
        body,
        r#"<div class="table-wrap"><table class="api-keys"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        esc(&tr!("apikeys-column-name")),
        esc(&tr!("apikeys-column-key")),
        esc(&tr!("apikeys-column-status")),
        esc(&tr!("apikeys-column-created")),
        esc(&tr!("apikeys-column-last-used")),
        esc(&tr!("apikeys-column-actions")),
    );
    for k in keys.data() {
        let id = k["id"].as_str().unwrap_or("");
        let status = k["status"].as_str().unwrap_or("");
        let until = match (status, k["expires_at"].as_i64()) {
            ("expiring", Some(t)) => {
                format!("<br><small>{}</small>", esc(&tr!("apikeys-works-until", time = datetime(t))))
            }
            _ => String::new(),
        };
        let actions = if status == "active" || status == "expiring" {
            let options: String = GRACE_CHOICES
                .iter()
                .map(|h| {
                    let chosen = if *h == 24 { " selected" } else { "" };
                    format!(r#"<option value="{h}"{chosen}>{}</option>"#, esc(&grace_label(*h)))
                })
                .collect();
            let roll = if status == "active" {
                format!(
                    r#"<form method="post" action="/seller/api-keys/{kid}/roll" class="inline">{hidden}<label for="grace-{kid}">{label}</label> <select id="grace-{kid}" name="expires_in_hours">{options}</select> <button type="submit" class="secondary">{button}</button></form>"#,
                    label = esc(&tr!("apikeys-grace-label")),
                    button = esc(&tr!("apikeys-roll")),
                    kid = url_encode(id),
                    hidden = form_hidden(&mut ctx),
                )
            } else {
                String::new()
            };
            format!(
                r#"{roll}<form method="post" action="/seller/api-keys/{kid}/revoke" class="inline">{hidden}<button type="submit" class="secondary">{button}</button></form>"#,
                button = esc(&tr!("apikeys-revoke")),
                kid = url_encode(id),
                hidden = form_hidden(&mut ctx),
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            r#"<tr><td>{name}</td><td><code>sk_{mode}_…{last4}</code></td><td>{badge}{until}</td><td>{created}</td><td class="last-used">{used}</td><td>{actions}</td></tr>"#,
            name = s(&k["name"]),
            mode = esc(k["mode"].as_str().unwrap_or("")),
            last4 = s(&k["last4"]),
            badge = badge(status),
            created = datetime(k["created"].as_i64().unwrap_or(0)),
            used = k["last_used_at"].as_i64().map(datetime).unwrap_or_else(|| esc(&tr!("apikeys-never"))),
        );
    }
    body.push_str("</tbody></table></div>");
    let _ = write!(
        body,
        r#"<h2>{heading}</h2><form method="post" action="/seller/api-keys" class="panel">{hidden}{name}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("apikeys-new-heading")),
        button = esc(&tr!("apikeys-make-key")),
        hidden = form_hidden(&mut ctx),
        name = field(
            &tr!("apikeys-name-label"),
            "name",
            Input { required: true, hint: &tr!("apikeys-name-hint"), ..Input::default() },
            &errors,
            &["name"]
        ),
    );
    ctx.page(&tr!("apikeys-title"), &body)
}

pub async fn create(p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let body = json!({ "name": p.get("name") });
    let answer = p.ctx.api_as(&m, Method::POST, "/v1/api_keys", Some(body), p.key().as_deref()).await;
    if !answer.ok() {
        return render(p.ctx, &m, FormErrors::of(answer.error()), "", None).await;
    }
    render(p.ctx, &m, FormErrors::none(), "", Some(&answer.body)).await
}

pub async fn roll(Path(id): Path<String>, p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let hours = p.get("expires_in_hours").parse::<i64>().unwrap_or(-1);
    let path = format!("/v1/api_keys/{}/roll", url_encode(&id));
    let answer =
        p.ctx.api_as(&m, Method::POST, &path, Some(json!({ "expires_in_hours": hours })), p.key().as_deref()).await;
    if !answer.ok() {
        return render(p.ctx, &m, FormErrors::of(answer.error()), "", None).await;
    }
    render(p.ctx, &m, FormErrors::none(), "", Some(&answer.body)).await
}

pub async fn revoke(Path(id): Path<String>, p: Posted) -> Response {
    let m = match seller(&p.ctx).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let path = format!("/v1/api_keys/{}/revoke", url_encode(&id));
    let answer = p.ctx.api_as(&m, Method::POST, &path, None, p.key().as_deref()).await;
    if !answer.ok() {
        return render(p.ctx, &m, FormErrors::of(answer.error()), "", None).await;
    }
    p.ctx.redirect("/seller/api-keys?notice=key_revoked")
}
