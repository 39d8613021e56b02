//! Operators' search (an order by number or id, a payment or a claim by id, a user by email) and an
//! order's page as operators see it, which claim ids and search results link to.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use serde_json::Value;

use super::buyer::{claim_block, order_facts};
use super::html::{badge, date_of, esc, html_of, money_of, s, slot};
use super::{url_encode, Ctx};
use crate::tr;

type Q = Query<HashMap<String, String>>;

pub async fn search(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_operator("/operator/search") {
        return r;
    }
    let query = q.get("q").map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut body = format!(
        r#"<form method="get" action="/operator/search" class="panel" role="search"><div class="field"><label for="f-q">{}</label><input id="f-q" name="q" type="search" value="{}"></div><div class="actions"><button type="submit">{}</button></div></form>"#,
        esc(&tr!("operator-search-label")),
        esc(&query),
        esc(&tr!("operator-search-button"))
    );
    if !query.is_empty() {
        let answer = ctx.api(Method::GET, &format!("/v1/search?q={}", url_encode(&query)), None, None).await;
        if !answer.ok() {
            body.push_str(&answer.error().render("search-error"));
            return ctx.page(&tr!("operator-search-title"), &body);
        }
        let found = answer.body;
        let orders = found["orders"].as_array().cloned().unwrap_or_default();
        let users = found["users"].as_array().cloned().unwrap_or_default();
        if orders.is_empty() && users.is_empty() {
            let found = html_of(
                &tr!("operator-search-nothing-found", query = slot("query")),
                &[("query", format!("<strong>{}</strong>", esc(&query)))],
            );
            let _ = write!(body, "<p>{found}</p>");
        }
        if !orders.is_empty() {
            let _ = write!(
                body,
                r#"<h2>{}</h2><div class="table-wrap"><table class="results"><thead><tr><th>{}</th><th>{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
                esc(&tr!("operator-search-orders")),
                esc(&tr!("operator-col-order")),
                esc(&tr!("operator-col-date")),
                esc(&tr!("operator-col-total")),
                esc(&tr!("operator-col-status"))
            );
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
            let _ = write!(
                body,
                r#"<h2>{}</h2><div class="table-wrap"><table class="results"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
                esc(&tr!("operator-search-people")),
                esc(&tr!("operator-col-email")),
                esc(&tr!("operator-col-id")),
                esc(&tr!("operator-col-role")),
                esc(&tr!("operator-col-status")),
                esc(&tr!("operator-col-country"))
            );
            for u in &users {
                let _ = write!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    s(&u["email"]),
                    s(&u["id"]),
                    role(u["role"].as_str().unwrap_or("")),
                    badge(u["status"].as_str().unwrap_or("")),
                    s(&u["country"])
                );
            }
            body.push_str("</tbody></table></div>");
        }
    }
    ctx.page(&tr!("operator-search-title"), &body)
}

/// A person's role in words (the API's `role` code when it is not one of ours).
fn role(code: &str) -> String {
    esc(&match code {
        "buyer" => tr!("operator-role-buyer"),
        "operator" => tr!("operator-role-operator"),
        other => other.to_owned(),
    })
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
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let ids = match order["payment"]["id"].as_str() {
        Some(payment) => tr!(
            "operator-order-ids-paid",
            order = text(&order["id"]),
            buyer = text(&order["buyer"]),
            seller = text(&order["merchant"]),
            payment = payment
        ),
        None => tr!(
            "operator-order-ids",
            order = text(&order["id"]),
            buyer = text(&order["buyer"]),
            seller = text(&order["merchant"])
        ),
    };
    let _ = write!(body, r#"<p class="muted">{}</p>"#, esc(&ids));
    let claims: Vec<Value> = order["claims"].as_array().cloned().unwrap_or_default();
    if !claims.is_empty() {
        let _ = write!(body, "<h2>{}</h2>", esc(&tr!("operator-order-claims")));
        for c in &claims {
            body.push_str(&claim_block(c, &currency));
        }
        let _ = write!(body, r#"<p><a href="/operator">{}</a></p>"#, esc(&tr!("operator-order-decide-claims")));
    }
    let _ = write!(body, r#"<p><a href="/operator/search">{}</a></p>"#, esc(&tr!("operator-order-search-again")));
    let title = tr!("operator-order-title", number = order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}
