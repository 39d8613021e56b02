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

type Q = Query<HashMap<String, String>>;

/// The grace periods a seller may choose when rolling a key (hours, label).
const GRACE_CHOICES: [(i64, &str); 5] =
    [(0, "Stop the old key now"), (1, "1 hour"), (24, "24 hours"), (72, "3 days"), (168, "7 days")];

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
            r#"<section class="panel new-key" role="status"><h2>Your new key: {name}</h2><p>Copy it now into your systems. It is shown this once; Pocketpay keeps only a fingerprint of it.</p><p class="secret">{secret}</p></section>"#,
            name = s(&k["name"]),
            secret = s(&k["secret"])
        );
    }
    body.push_str(
        r#"<p>Your systems call the API with these keys. Rolling a key makes a new one and keeps the old one working for a while, so you can switch without an outage.</p>"#,
    );
    body.push_str(r#"<div class="table-wrap"><table class="api-keys"><thead><tr><th>Name</th><th>Key</th><th>Status</th><th>Created</th><th>Last used</th><th>Actions</th></tr></thead><tbody>"#);
    for k in keys.data() {
        let id = k["id"].as_str().unwrap_or("");
        let status = k["status"].as_str().unwrap_or("");
        let until = match (status, k["expires_at"].as_i64()) {
            ("expiring", Some(t)) => format!("<br><small>works until {}</small>", datetime(t)),
            _ => String::new(),
        };
        let actions = if status == "active" || status == "expiring" {
            let options: String = GRACE_CHOICES
                .iter()
                .map(|(h, label)| {
                    let chosen = if *h == 24 { " selected" } else { "" };
                    format!(r#"<option value="{h}"{chosen}>{label}</option>"#)
                })
                .collect();
            let roll = if status == "active" {
                format!(
                    r#"<form method="post" action="/seller/api-keys/{kid}/roll" class="inline">{hidden}<label for="grace-{kid}">Old key works for</label> <select id="grace-{kid}" name="expires_in_hours">{options}</select> <button type="submit" class="secondary">Roll</button></form>"#,
                    kid = url_encode(id),
                    hidden = form_hidden(&mut ctx),
                )
            } else {
                String::new()
            };
            format!(
                r#"{roll}<form method="post" action="/seller/api-keys/{kid}/revoke" class="inline">{hidden}<button type="submit" class="secondary">Revoke now</button></form>"#,
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
            used = k["last_used_at"].as_i64().map(datetime).unwrap_or_else(|| "never".into()),
        );
    }
    body.push_str("</tbody></table></div>");
    let _ = write!(
        body,
        r#"<h2>New key</h2><form method="post" action="/seller/api-keys" class="panel">{hidden}{name}<div class="actions"><button type="submit">Make a key</button></div></form>"#,
        hidden = form_hidden(&mut ctx),
        name = field(
            "Name (what uses it)",
            "name",
            Input { required: true, hint: "Such as “Warehouse system”.", ..Input::default() },
            &errors,
            &["name"]
        ),
    );
    ctx.page("API keys", &body)
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
