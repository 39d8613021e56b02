//! Operators' search (an order by number or id, a payment or a claim by id, a user by email) and an
//! order's page as operators see it, which claim ids and search results link to.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::Value;

use super::buyer::{claim_block, order_facts};
use super::html::{badge, date_of, esc, money_of, s};
use super::{url_encode, Ctx};

type Q = Query<HashMap<String, String>>;

pub async fn search(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/search") {
        return r;
    }
    let query = q.get("q").map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut body = format!(
        r#"<form method="get" action="/operator/search" class="panel" role="search"><div class="field"><label for="f-q">Order number, id (ord_, pay_, clm_, chk_) or email</label><input id="f-q" name="q" type="search" value="{}"></div><div class="actions"><button type="submit">Search</button></div></form>"#,
        esc(&query)
    );
    if !query.is_empty() {
        let answer = ctx.api(Method::GET, &format!("/v1/search?q={}", url_encode(&query)), None, None).await;
        if !answer.ok() {
            body.push_str(&answer.error().render("search-error"));
            return ctx.page("Search", &body);
        }
        let found = answer.body;
        let orders = found["orders"].as_array().cloned().unwrap_or_default();
        let users = found["users"].as_array().cloned().unwrap_or_default();
        if orders.is_empty() && users.is_empty() {
            let _ = write!(body, "<p>Nothing found for <strong>{}</strong>.</p>", esc(&query));
        }
        if !orders.is_empty() {
            body.push_str(r#"<h2>Orders</h2><div class="table-wrap"><table class="results"><thead><tr><th>Order</th><th>Date</th><th class="num">Total</th><th>Status</th></tr></thead><tbody>"#);
            for o in &orders {
                let _ = write!(
                    body,
                    r#"<tr><td><a href="/operator/orders/{}">{}</a></td><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                    url_encode(o["id"].as_str().unwrap_or("")),
                    s(&o["number"]),
                    date_of(&o["created"]),
                    money_of(o, "amount"),
                    badge(o["status"].as_str().unwrap_or(""))
                );
            }
            body.push_str("</tbody></table></div>");
        }
        if !users.is_empty() {
            body.push_str(r#"<h2>People</h2><div class="table-wrap"><table class="results"><thead><tr><th>Email</th><th>Id</th><th>Role</th><th>Status</th><th>Country</th></tr></thead><tbody>"#);
            for u in &users {
                let _ = write!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    s(&u["email"]),
                    s(&u["id"]),
                    s(&u["role"]),
                    badge(u["status"].as_str().unwrap_or("")),
                    s(&u["country"])
                );
            }
            body.push_str("</tbody></table></div>");
        }
    }
    ctx.page("Search", &body)
}

pub async fn order(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(r) = ctx.require_operator(&format!("/operator/orders/{id}")) {
        return r;
    }
    let answer = ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let order = answer.body;
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    let mut body = order_facts(&order);
    let _ = write!(
        body,
        r#"<p class="muted">Order id {} · buyer {} · seller {}{}</p>"#,
        s(&order["id"]),
        s(&order["buyer"]),
        s(&order["merchant"]),
        order["payment"]["id"].as_str().map(|p| format!(" · payment {}", esc(p))).unwrap_or_default()
    );
    let claims: Vec<Value> = order["claims"].as_array().cloned().unwrap_or_default();
    if !claims.is_empty() {
        body.push_str("<h2>Claims</h2>");
        for c in &claims {
            body.push_str(&claim_block(c, &currency));
        }
        body.push_str(r#"<p><a href="/operator">Decide claims under review</a></p>"#);
    }
    body.push_str(r#"<p><a href="/operator/search">Search again</a></p>"#);
    let title = format!("Order {}", order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}
