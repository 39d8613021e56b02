//! Webhook pages, for sellers (`/seller/webhooks`, acting as their merchant) and operators
//! (`/operator/webhooks`): the endpoints with their status, adding one (its signing secret shown
//! once), enabling, disabling and deleting, and each endpoint's delivery log with redelivery.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::{json, Value};
use store::MerchantRecord;

use super::html::{badge, checkbox, datetime, esc, field, html_of, s, slot, words, ErrorView, FormErrors, Input};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Answer, Ctx, Posted};
use crate::events::EVENT_TYPES;
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// Whose endpoints a page shows.
enum Who {
    Seller(MerchantRecord),
    Operator,
}

impl Who {
    fn base(&self) -> &'static str {
        match self {
            Who::Seller(_) => "/seller/webhooks",
            Who::Operator => "/operator/webhooks",
        }
    }

    async fn call(&self, ctx: &Ctx, method: Method, path: &str, body: Option<Value>, key: Option<&str>) -> Answer {
        match self {
            Who::Seller(m) => ctx.api_as(m, method, path, body, key).await,
            Who::Operator => ctx.api(method, path, body, key).await,
        }
    }
}

async fn who(ctx: &Ctx, operator: bool) -> Result<Who, Response> {
    if operator {
        ctx.require_operator("/operator/webhooks")?;
        return Ok(Who::Operator);
    }
    ctx.require_buyer("/seller/webhooks")?;
    ctx.merchant().await.map(Who::Seller).ok_or_else(|| ctx.redirect("/seller"))
}

pub async fn seller_list(ctx: Ctx, q: Q) -> Response {
    list(ctx, q, false).await
}

pub async fn operator_list(ctx: Ctx, q: Q) -> Response {
    list(ctx, q, true).await
}

async fn list(ctx: Ctx, Query(q): Q, operator: bool) -> Response {
    let who = match who(&ctx, operator).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render_list(ctx, &who, FormErrors::none(), &HashMap::new(), &notice).await
}

async fn render_list(
    mut ctx: Ctx,
    who: &Who,
    errors: FormErrors,
    values: &HashMap<String, String>,
    notice: &str,
) -> Response {
    let answer = who.call(&ctx, Method::GET, "/v1/webhook_endpoints", None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let base = who.base();
    let mut body = format!(
        "{notice}{}<p class=\"muted\">{}</p>",
        top_error(&errors, &["url", "enabled_events"]),
        html_of(&tr!("webhooks-intro", method = slot("method")), &[("method", "<code>POST</code>")])
    );
    let endpoints = answer.data();
    if endpoints.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("webhooks-empty")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table class="endpoints"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&tr!("webhooks-url")),
            esc(&tr!("webhooks-events")),
            esc(&tr!("webhooks-status")),
        );
        for w in &endpoints {
            let events: Vec<String> =
                w["enabled_events"].as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default();
            let _ = write!(
                body,
                r#"<tr><td><a href="{base}/{id}">{url}</a></td><td>{events}</td><td>{status}</td></tr>"#,
                id = url_encode(w["id"].as_str().unwrap_or("")),
                url = s(&w["url"]),
                events = if events == ["*"] { esc(&tr!("webhooks-events-all")) } else { events.join(", ") },
                status = badge(w["status"].as_str().unwrap_or("")),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let all = values.is_empty() || values.contains_key("all");
    let mut boxes = String::new();
    for t in EVENT_TYPES {
        boxes.push_str(&checkbox(t, &format!("event.{t}"), values.contains_key(&format!("event.{t}"))));
    }
    let _ = write!(
        body,
        r#"<h2>{heading}</h2><form method="post" action="{base}" class="panel">{hidden}{url}{all}<fieldset><legend>{legend}</legend>{boxes}</fieldset><div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("webhooks-add-heading")),
        legend = esc(&tr!("webhooks-only-these")),
        button = esc(&tr!("webhooks-add-button")),
        hidden = form_hidden(&mut ctx),
        url = field(
            &tr!("webhooks-url"),
            "url",
            Input {
                value: &v("url"),
                required: true,
                kind: "url",
                hint: &tr!("webhooks-url-hint"),
                ..Input::default()
            },
            &errors,
            &["url"]
        ),
        all = checkbox(&tr!("webhooks-all-events"), "all", all),
    );
    let title = if operator_page(who) { tr!("webhooks-title-operators") } else { tr!("webhooks-title") };
    ctx.page(&title, &body)
}

fn operator_page(who: &Who) -> bool {
    matches!(who, Who::Operator)
}

pub async fn seller_create(p: Posted) -> Response {
    create(p, false).await
}

pub async fn operator_create(p: Posted) -> Response {
    create(p, true).await
}

async fn create(p: Posted, operator: bool) -> Response {
    let who = match who(&p.ctx, operator).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let values = p.fields.clone();
    let events: Vec<String> = if p.checked("all") {
        vec!["*".into()]
    } else {
        EVENT_TYPES.iter().filter(|t| p.checked(&format!("event.{t}"))).map(|t| (*t).to_owned()).collect()
    };
    if events.is_empty() {
        let e = ErrorView::local("enabled_events", &tr!("webhooks-choose-events"));
        return render_list(p.ctx, &who, FormErrors::of(e), &values, "").await;
    }
    let body = json!({ "url": p.get("url"), "enabled_events": events });
    let answer = who.call(&p.ctx, Method::POST, "/v1/webhook_endpoints", Some(body), p.key().as_deref()).await;
    if !answer.ok() {
        return render_list(p.ctx, &who, FormErrors::of(answer.error()), &values, "").await;
    }
    let id = url_encode(answer.body["id"].as_str().unwrap_or(""));
    let body = format!(
        r#"<p>{}</p><p class="secret">{}</p><p><a href="{}/{id}">{}</a></p>"#,
        esc(&tr!("webhooks-secret-intro")),
        s(&answer.body["secret"]),
        who.base(),
        esc(&tr!("webhooks-go-to-endpoint")),
    );
    p.ctx.page(&tr!("webhooks-secret-title"), &body)
}

pub async fn seller_endpoint(ctx: Ctx, path: Path<String>, q: Q) -> Response {
    show(ctx, path, q, false).await
}

pub async fn operator_endpoint(ctx: Ctx, path: Path<String>, q: Q) -> Response {
    show(ctx, path, q, true).await
}

async fn show(ctx: Ctx, Path(id): Path<String>, Query(q): Q, operator: bool) -> Response {
    let who = match who(&ctx, operator).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render_endpoint(ctx, &who, &id, FormErrors::none(), &notice, &q).await
}

async fn render_endpoint(
    mut ctx: Ctx,
    who: &Who,
    id: &str,
    errors: FormErrors,
    notice: &str,
    q: &HashMap<String, String>,
) -> Response {
    let wid = url_encode(id);
    let w = who.call(&ctx, Method::GET, &format!("/v1/webhook_endpoints/{wid}"), None, None).await;
    if !w.ok() {
        return ctx.failure(&w);
    }
    let paging = Paging::of(q);
    let path = paging.api_path(&format!("/v1/webhook_endpoints/{wid}/deliveries"), PAGE_ROWS);
    let log = who.call(&ctx, Method::GET, &path, None, None).await;
    let base = who.base();
    let w = w.body;
    let enabled = w["status"] == "enabled";
    let mut body = format!("{notice}{}", top_error(&errors, &[]));
    let _ = write!(
        body,
        r#"<dl class="facts"><dt>{url_label}</dt><dd>{url}</dd><dt>{status_label}</dt><dd class="endpoint-status">{status}</dd></dl><div class="actions">"#,
        url_label = esc(&tr!("webhooks-url")),
        url = s(&w["url"]),
        status_label = esc(&tr!("webhooks-status")),
        status = words(w["status"].as_str().unwrap_or("")),
    );
    let (action, label) =
        if enabled { ("disable", tr!("webhooks-disable")) } else { ("enable", tr!("webhooks-enable")) };
    let _ = write!(
        body,
        r#"<form method="post" action="{base}/{wid}/{action}">{}<button type="submit" class="secondary">{}</button></form><form method="post" action="{base}/{wid}/delete">{}<button type="submit" class="secondary">{}</button></form></div>"#,
        form_hidden(&mut ctx),
        esc(&label),
        form_hidden(&mut ctx),
        esc(&tr!("webhooks-delete")),
    );
    let _ = write!(body, "<h2>{}</h2>", esc(&tr!("webhooks-deliveries")));
    let rows = log.data();
    if rows.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("webhooks-deliveries-empty")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table class="deliveries"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>"#,
            esc(&tr!("webhooks-when")),
            esc(&tr!("webhooks-event")),
            esc(&tr!("webhooks-attempt")),
            esc(&tr!("webhooks-status")),
            esc(&tr!("webhooks-answer")),
        );
        for d in &rows {
            let answer = match (d["response_status"].as_i64(), d["error"].as_str()) {
                (Some(code), _) => esc(&tr!(
                    "webhooks-answer-http",
                    code = code.to_string(),
                    ms = d["duration_ms"].as_i64().unwrap_or(0).to_string()
                )),
                (None, Some(e)) => esc(e),
                _ => d["next_attempt_at"]
                    .as_i64()
                    .map(|t| esc(&tr!("webhooks-next-try", time = datetime(t))))
                    .unwrap_or_default(),
            };
            let redeliver = if enabled {
                format!(
                    r#"<form method="post" action="{base}/{wid}/redeliver">{}<input type="hidden" name="event" value="{}"><button type="submit" class="secondary">{}</button></form>"#,
                    form_hidden(&mut ctx),
                    s(&d["event"]),
                    esc(&tr!("webhooks-send-again"))
                )
            } else {
                String::new()
            };
            let _ = write!(
                body,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{answer}</td><td>{redeliver}</td></tr>"#,
                datetime(d["created"].as_i64().unwrap_or(0)),
                s(&d["event"]),
                d["attempt"].as_i64().unwrap_or(0),
                badge(d["status"].as_str().unwrap_or("")),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&paging.links(&format!("{base}/{wid}"), &log.body));
    ctx.page(&tr!("webhooks-endpoint-title"), &body)
}

/// What a button on an endpoint's page does.
enum Act {
    Enable,
    Disable,
    Delete,
    Redeliver,
}

async fn act(p: Posted, id: String, act: Act, operator: bool) -> Response {
    let who = match who(&p.ctx, operator).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let wid = url_encode(&id);
    let key = p.key();
    let (method, path, body, notice) = match act {
        Act::Enable => (
            Method::PATCH,
            format!("/v1/webhook_endpoints/{wid}"),
            Some(json!({ "status": "enabled" })),
            "endpoint_enabled",
        ),
        Act::Disable => (
            Method::PATCH,
            format!("/v1/webhook_endpoints/{wid}"),
            Some(json!({ "status": "disabled" })),
            "endpoint_disabled",
        ),
        Act::Delete => (Method::DELETE, format!("/v1/webhook_endpoints/{wid}"), None, "endpoint_deleted"),
        Act::Redeliver => (
            Method::POST,
            format!("/v1/webhook_endpoints/{wid}/redeliver"),
            Some(json!({ "event": p.get("event") })),
            "redelivered",
        ),
    };
    let answer = who.call(&p.ctx, method, &path, body, key.as_deref()).await;
    if !answer.ok() {
        return render_endpoint(p.ctx, &who, &id, FormErrors::of(answer.error()), "", &HashMap::new()).await;
    }
    let to = if notice == "endpoint_deleted" {
        format!("{}?notice={notice}", who.base())
    } else {
        format!("{}/{wid}?notice={notice}", who.base())
    };
    p.ctx.redirect(&to)
}

pub async fn seller_enable(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Enable, false).await
}
pub async fn seller_disable(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Disable, false).await
}
pub async fn seller_delete(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Delete, false).await
}
pub async fn seller_redeliver(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Redeliver, false).await
}
pub async fn operator_enable(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Enable, true).await
}
pub async fn operator_disable(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Disable, true).await
}
pub async fn operator_delete(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Delete, true).await
}
pub async fn operator_redeliver(Path(id): Path<String>, p: Posted) -> Response {
    act(p, id, Act::Redeliver, true).await
}
