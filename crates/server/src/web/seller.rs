//! Sellers' pages: start selling, products, orders to ship (with tracking), deliver, refund,
//! cancel, claims to answer, and the payable balance. A seller is a signed-in person who owns a
//! merchant; the pages call the API as that merchant.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use store::MerchantRecord;

use super::buyer::{claim_block, order_facts, orders_table};
use super::html::{
    decimal, esc, field, html_of, money, money_of, parse_amount, s, select, slot, textarea, ErrorView, FormErrors,
    Input,
};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, top_error, url_encode, Ctx, Posted};
use crate::tr;

type Q = Query<HashMap<String, String>>;

/// The merchant of the signed-in person, or the page to go to instead (sign-in, or starting to sell).
pub(super) async fn seller(ctx: &Ctx, here: &str) -> Result<MerchantRecord, Response> {
    ctx.require_buyer(here)?;
    ctx.merchant().await.ok_or_else(|| ctx.redirect("/seller"))
}

pub async fn home(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/seller") {
        return r;
    }
    match ctx.merchant().await {
        None => render_start(ctx, FormErrors::none(), &HashMap::new()),
        Some(m) => {
            let balance = ctx.api_as(&m, Method::GET, "/v1/balance", None, None).await;
            let path = format!("/v1/orders?status=paid&limit={HOME_ROWS}");
            let to_ship = ctx.api_as(&m, Method::GET, &path, None, None).await;
            let path = format!("/v1/claims?status=awaiting_seller&limit={HOME_ROWS}");
            let to_answer = ctx.api_as(&m, Method::GET, &path, None, None).await;
            let mut body = notice_from(&q);
            let _ = write!(body, "<h2>{}</h2>", esc(&tr!("seller-home-todo")));
            let ship = to_ship.data();
            if ship.is_empty() {
                let _ = write!(body, r#"<p class="todo-ship">{}</p>"#, esc(&tr!("seller-home-nothing-to-ship")));
            } else {
                let _ = write!(
                    body,
                    r#"<h3 class="todo-ship">{}</h3>{}"#,
                    esc(&tr!("seller-home-orders-to-ship", count = count(&to_ship.body))),
                    orders_table(&ship, "/seller/orders")
                );
                if to_ship.body["has_more"] == true {
                    let _ = write!(
                        body,
                        r#"<p><a href="/seller/orders?status=paid">{}</a></p>"#,
                        esc(&tr!("seller-home-all-to-ship"))
                    );
                }
            }
            let answer = to_answer.data();
            if answer.is_empty() {
                let _ = write!(body, r#"<p class="todo-claims">{}</p>"#, esc(&tr!("seller-home-no-claims")));
            } else {
                let heading = tr!("seller-home-claims-to-answer", count = count(&to_answer.body));
                let _ = write!(body, r#"<h3 class="todo-claims">{}</h3><ul>"#, esc(&heading));
                for c in &answer {
                    let link = format!(
                        r#"<a href="/seller/claims?status=awaiting_seller">{}</a>"#,
                        esc(&tr!("seller-home-claimed", amount = money_of(c, "amount")))
                    );
                    let by = c["respond_by"].as_i64().map(super::html::datetime).unwrap_or_default();
                    let line = tr!("seller-home-claim-answer-by", claim = slot("claim"), time = by);
                    let _ = write!(body, "<li>{}</li>", html_of(&line, &[("claim", &link)]));
                }
                body.push_str("</ul>");
            }
            let _ = write!(body, "<section><h2>{}</h2>", esc(&tr!("seller-home-balance")));
            let amount_in = |bucket: &str| {
                balance.body[bucket]
                    .as_array()
                    .and_then(|a| a.iter().find(|b| b["currency"] == m.currency.as_str()))
                    .and_then(|b| b["amount"].as_i64())
                    .unwrap_or(0)
            };
            let _ = write!(
                body,
                r#"<p class="big payable">{}</p><p class="muted">{}</p>"#,
                money(amount_in("available"), &m.currency),
                esc(&tr!("seller-home-pending", pending = money(amount_in("pending"), &m.currency)))
            );
            body.push_str("</section>");
            ctx.page(&tr!("seller-home-title", name = &m.name), &body)
        }
    }
}

/// Rows of each to-do list on the seller's home.
const HOME_ROWS: u32 = 10;

/// "3", or "10 or more" when the list goes on.
fn count(list: &serde_json::Value) -> String {
    let n = list["data"].as_array().map_or(0, Vec::len);
    if list["has_more"] == true {
        tr!("seller-count-or-more", count = n)
    } else {
        n.to_string()
    }
}

fn render_start(mut ctx: Ctx, errors: FormErrors, values: &HashMap<String, String>) -> Response {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let currency = if v("currency").is_empty() { "USD".to_owned() } else { v("currency") };
    let body = format!(
        r#"<p>{intro}</p>{top}<form method="post" action="/seller" class="panel">{hidden}{name}{country}{currency}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        intro = esc(&tr!("seller-start-intro")),
        button = esc(&tr!("seller-start-button")),
        top = top_error(&errors, &["name", "country", "currency"]),
        hidden = form_hidden(&mut ctx),
        name = field(
            &tr!("seller-start-shop-name"),
            "name",
            Input { value: &v("name"), required: true, ..Input::default() },
            &errors,
            &["name"]
        ),
        country = field(
            &tr!("seller-country-label"),
            "country",
            Input { value: &v("country"), required: true, ..Input::default() },
            &errors,
            &["country"]
        ),
        currency = field(
            &tr!("seller-start-currency"),
            "currency",
            Input { value: &currency, required: true, ..Input::default() },
            &errors,
            &["currency"]
        ),
    );
    ctx.page(&tr!("seller-start-title"), &body)
}

pub async fn start_selling(p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/seller") {
        return r;
    }
    if p.ctx.merchant().await.is_some() {
        return p.ctx.redirect("/seller");
    }
    let body = json!({ "name": p.get("name"), "country": p.get("country"), "currency": p.get("currency") });
    let answer = p.ctx.api(Method::POST, "/v1/merchants", Some(body), p.key().as_deref()).await;
    if !answer.ok() {
        let values = p.fields.clone();
        return render_start(p.ctx, FormErrors::of(answer.error()), &values);
    }
    let products = format!(r#"<a href="/seller/products">{}</a>"#, esc(&tr!("seller-opened-products-link")));
    let body = format!(
        r#"<p>{opened}</p>
<p>{key}</p><p class="secret">{secret}</p><p><a href="/seller">{go}</a></p>"#,
        opened = html_of(&tr!("seller-opened-add-products", products = slot("products")), &[("products", &products)]),
        key = esc(&tr!("seller-opened-secret-key")),
        secret = s(&answer.body["secret_key"]),
        go = esc(&tr!("seller-opened-go-to-shop")),
    );
    p.ctx.page(&tr!("seller-opened-title"), &body)
}

pub async fn products(ctx: Ctx, Query(q): Q) -> Response {
    let m = match seller(&ctx, "/seller/products").await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render_products(ctx, &m, FormErrors::none(), &HashMap::new(), &notice, &Paging::of(&q)).await
}

async fn render_products(
    mut ctx: Ctx,
    m: &MerchantRecord,
    errors: FormErrors,
    values: &HashMap<String, String>,
    notice: &str,
    paging: &Paging,
) -> Response {
    let path = paging.api_path(&format!("/v1/products?merchant={}", url_encode(&m.id)), PAGE_ROWS);
    let answer = ctx.api(Method::GET, &path, None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mine = answer.data();
    let mut body = notice.to_owned();
    if mine.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("seller-products-empty")));
    } else {
        let _ = write!(
            body,
            r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th class="num">{}</th><th class="num">{}</th></tr></thead><tbody>"#,
            esc(&tr!("seller-products-product")),
            esc(&tr!("seller-products-price")),
            esc(&tr!("seller-products-stock"))
        );
        for p in &mine {
            let _ = write!(
                body,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                s(&p["name"]),
                money_of(p, "amount"),
                p["stock"].as_i64().map(|n| n.to_string()).unwrap_or_else(|| esc(&tr!("seller-products-no-limit")))
            );
        }
        body.push_str("</tbody></table></div>");
    }
    body.push_str(&paging.links("/seller/products", &answer.body));
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let _ = write!(
        body,
        r#"<h2>{heading}</h2>{top}<form method="post" action="/seller/products" class="panel">{hidden}{name}{desc}{price}{stock}<div class="actions"><button type="submit">{button}</button></div></form>"#,
        heading = esc(&tr!("seller-products-new")),
        button = esc(&tr!("seller-products-put-on-sale")),
        top = top_error(&errors, &["name", "description", "amount", "stock"]),
        hidden = form_hidden(&mut ctx),
        name = field(
            &tr!("seller-products-name"),
            "name",
            Input { value: &v("name"), required: true, ..Input::default() },
            &errors,
            &["name"]
        ),
        desc = textarea(&tr!("seller-products-description"), "description", &v("description"), false, &errors),
        price = field(
            &tr!("seller-products-price-in", currency = &m.currency),
            "amount",
            Input {
                value: &v("amount"),
                required: true,
                extra: r#"inputmode="decimal""#,
                hint: &tr!("seller-products-price-hint"),
                ..Input::default()
            },
            &errors,
            &["amount"]
        ),
        stock = field(
            &tr!("seller-products-stock-optional"),
            "stock",
            Input {
                kind: "number",
                value: &v("stock"),
                extra: r#"min="0""#,
                hint: &tr!("seller-products-stock-hint"),
                ..Input::default()
            },
            &errors,
            &["stock"]
        ),
    );
    ctx.page(&tr!("seller-products-title"), &body)
}

pub async fn create_product(p: Posted) -> Response {
    let m = match seller(&p.ctx, "/seller/products").await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let values = p.fields.clone();
    let Some(amount) = parse_amount(&p.get("amount"), &m.currency) else {
        let e = ErrorView::local("amount", &tr!("seller-products-price-invalid", currency = &m.currency));
        return render_products(p.ctx, &m, FormErrors::of(e), &values, "", &Paging::of(&HashMap::new())).await;
    };
    let mut body = json!({ "name": p.get("name"), "amount": amount, "currency": m.currency });
    let description = p.get("description");
    if !description.is_empty() {
        body["description"] = json!(description);
    }
    let stock = p.get("stock");
    if !stock.is_empty() {
        match stock.parse::<i64>() {
            Ok(n) => body["stock"] = json!(n),
            Err(_) => {
                let e = ErrorView::local("stock", &tr!("seller-products-stock-invalid"));
                return render_products(p.ctx, &m, FormErrors::of(e), &values, "", &Paging::of(&HashMap::new())).await;
            }
        }
    }
    let answer = p.ctx.api_as(&m, Method::POST, "/v1/products", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect("/seller/products?notice=product_created");
    }
    render_products(p.ctx, &m, FormErrors::of(answer.error()), &values, "", &Paging::of(&HashMap::new())).await
}

pub async fn orders(ctx: Ctx, Query(q): Q) -> Response {
    let m = match seller(&ctx, "/seller/orders").await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let (status, api, here) = chosen_tab(&q, &ORDER_TABS, "/v1/orders", "/seller/orders");
    let paging = Paging::of(&q);
    let answer = ctx.api_as(&m, Method::GET, &paging.api_path(&api, PAGE_ROWS), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice_from(&q);
    body.push_str(&tabs("/seller/orders", &ORDER_TABS, &status, &tr!("seller-tab-all-orders")));
    let orders = answer.data();
    if orders.is_empty() {
        let empty = if status.is_empty() { tr!("seller-orders-empty") } else { tr!("seller-orders-empty-here") };
        let _ = write!(body, "<p>{}</p>", esc(&empty));
    } else {
        body.push_str(&orders_table(&orders, "/seller/orders"));
    }
    body.push_str(&paging.links(&here, &answer.body));
    ctx.page(&tr!("seller-orders-title"), &body)
}

/// The seller's order lists: all, or one status.
const ORDER_TABS: [&str; 7] = ["", "paid", "shipped", "delivered", "completed", "awaiting_payment", "canceled"];

/// The seller's claim lists.
const CLAIM_TABS: [&str; 3] = ["", "awaiting_seller", "under_review"];

/// The name of a list's tab: an order's or a claim's status, or `all` for "".
fn tab_label(status: &str, all: &str) -> String {
    match status {
        "paid" => tr!("seller-tab-to-ship"),
        "shipped" => tr!("seller-tab-shipped"),
        "delivered" => tr!("seller-tab-delivered"),
        "completed" => tr!("seller-tab-completed"),
        "awaiting_payment" => tr!("seller-tab-awaiting-payment"),
        "canceled" => tr!("seller-tab-canceled"),
        "awaiting_seller" => tr!("seller-tab-to-answer"),
        "under_review" => tr!("seller-tab-under-review"),
        _ => all.to_owned(),
    }
}

/// The tab a page's address chooses (`status=`, one of `choices`; none is "All"): the status, the
/// API list to read, and the page's own address with it.
fn chosen_tab(q: &HashMap<String, String>, choices: &[&str], api: &str, page: &str) -> (String, String, String) {
    let status = q.get("status").filter(|s| choices.contains(&s.as_str())).cloned().unwrap_or_default();
    if status.is_empty() {
        (status, api.to_owned(), page.to_owned())
    } else {
        let (api, page) = (format!("{api}?status={status}"), format!("{page}?status={status}"));
        (status, api, page)
    }
}

/// Links to a list's filters, the current one marked; `all` names the unfiltered list.
fn tabs(page: &str, choices: &[&str], current: &str, all: &str) -> String {
    let mut out = format!(r#"<nav class="tabs" aria-label="{}"><ul>"#, esc(&tr!("seller-tabs-filter")));
    for value in choices {
        let href = if value.is_empty() { page.to_owned() } else { format!("{page}?status={value}") };
        let mark = if *value == current { r#" aria-current="page""# } else { "" };
        let _ = write!(out, r#"<li><a href="{href}"{mark}>{}</a></li>"#, esc(&tab_label(value, all)));
    }
    out.push_str("</ul></nav>");
    out
}

pub async fn order(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    let m = match seller(&ctx, &format!("/seller/orders/{id}")).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render_order(ctx, &m, &id, FormErrors::none(), &notice, &HashMap::new()).await
}

/// The seller's order page; `kept` is what the seller typed in a form that was refused, shown again.
async fn render_order(
    mut ctx: Ctx,
    m: &MerchantRecord,
    id: &str,
    errors: FormErrors,
    notice: &str,
    kept: &HashMap<String, String>,
) -> Response {
    let typed = |k: &str| kept.get(k).cloned().unwrap_or_default();
    let answer = ctx.api_as(m, Method::GET, &format!("/v1/orders/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let order = answer.body;
    let status = order["status"].as_str().unwrap_or("").to_owned();
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    let oid = url_encode(id);
    let mut body = format!("{notice}{}", top_error(&errors, &["carrier", "tracking_number", "amount", "reason"]));
    body.push_str(&order_facts(&order));
    for c in order["claims"].as_array().cloned().unwrap_or_default() {
        body.push_str(&claim_block(&c, &currency));
    }
    if status == "paid" {
        let _ = write!(
            body,
            r#"<h2>{heading}</h2><form method="post" action="/seller/orders/{oid}/ship" class="panel">{hidden}{carrier}{tracking}<div class="actions"><button type="submit">{shipped}</button></div></form>
<form method="post" action="/seller/orders/{oid}/cancel" class="panel">{hidden2}{reason}<button type="submit" class="danger">{cancel}</button></form>"#,
            heading = esc(&tr!("seller-order-ship")),
            shipped = esc(&tr!("seller-order-mark-shipped")),
            cancel = esc(&tr!("seller-order-cancel")),
            hidden = form_hidden(&mut ctx),
            carrier = field(
                &tr!("seller-order-carrier"),
                "carrier",
                Input { value: &typed("carrier"), required: true, ..Input::default() },
                &errors,
                &["carrier"]
            ),
            tracking = field(
                &tr!("seller-order-tracking-number"),
                "tracking_number",
                Input { value: &typed("tracking_number"), required: true, ..Input::default() },
                &errors,
                &["tracking_number"]
            ),
            hidden2 = form_hidden(&mut ctx),
            reason = field(
                &tr!("seller-order-why-cancel"),
                "cancel_reason",
                Input { value: &typed("cancel_reason"), ..Input::default() },
                &errors,
                &[]
            ),
        );
    }
    if status == "shipped" {
        body.push_str(&super::html::button_form(
            &format!("/seller/orders/{oid}/deliver"),
            &ctx.csrf(),
            &tr!("seller-order-mark-delivered"),
            "",
        ));
    }
    let captured = order["payment"]["amount_captured"].as_i64().unwrap_or(0);
    let refunded = order["payment"]["amount_refunded"].as_i64().unwrap_or(0);
    if captured > refunded {
        let _ = write!(
            body,
            r#"<h2>{heading}</h2><form method="post" action="/seller/orders/{oid}/refund" class="panel">{hidden}{amount}{reason}{destination}<div class="actions"><button type="submit">{button}</button></div></form>"#,
            heading = esc(&tr!("seller-refund-heading")),
            button = esc(&tr!("seller-refund-button")),
            hidden = form_hidden(&mut ctx),
            amount = field(
                &tr!("seller-amount-in", currency = &currency),
                "amount",
                Input {
                    value: &kept.get("amount").cloned().unwrap_or_else(|| decimal(captured - refunded, &currency)),
                    extra: r#"inputmode="decimal""#,
                    hint: &tr!("seller-refund-hint", amount = money(captured - refunded, &currency)),
                    ..Input::default()
                },
                &errors,
                &["amount"]
            ),
            reason = field(
                &tr!("seller-refund-reason"),
                "reason",
                Input { value: &typed("reason"), required: true, ..Input::default() },
                &errors,
                &["reason"]
            ),
            destination = select(
                &tr!("seller-refund-to"),
                "destination",
                &[
                    ("original", tr!("seller-refund-to-original").as_str()),
                    ("pocket", tr!("seller-refund-to-pocket").as_str())
                ],
                kept.get("destination").map(String::as_str).unwrap_or("original"),
                &errors
            ),
        );
    }
    let title = tr!("seller-order-title", number = order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}

async fn order_action(id: &str, p: Posted, path: &str, body: Option<Value>, notice: &str) -> Response {
    let m = match seller(&p.ctx, &format!("/seller/orders/{id}")).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let answer = p.ctx.api_as(&m, Method::POST, path, body, p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/seller/orders/{}?notice={notice}", url_encode(id)));
    }
    if matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN) {
        return p.ctx.failure(&answer);
    }
    let kept = p.fields.clone();
    render_order(p.ctx, &m, id, FormErrors::of(answer.error()), "", &kept).await
}

pub async fn ship(Path(id): Path<String>, p: Posted) -> Response {
    let body = json!({ "carrier": p.get("carrier"), "tracking_number": p.get("tracking_number") });
    let path = format!("/v1/orders/{}/ship", url_encode(&id));
    order_action(&id, p, &path, Some(body), "shipped").await
}

pub async fn deliver(Path(id): Path<String>, p: Posted) -> Response {
    let path = format!("/v1/orders/{}/deliver", url_encode(&id));
    order_action(&id, p, &path, None, "delivered").await
}

pub async fn cancel(Path(id): Path<String>, p: Posted) -> Response {
    let reason = p.get("cancel_reason");
    let body = json!({ "reason": if reason.is_empty() { "Canceled by the seller".to_owned() } else { reason } });
    let path = format!("/v1/orders/{}/cancel", url_encode(&id));
    order_action(&id, p, &path, Some(body), "canceled").await
}

pub async fn refund(Path(id): Path<String>, p: Posted) -> Response {
    let m = match seller(&p.ctx, &format!("/seller/orders/{id}")).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let order = p.ctx.api_as(&m, Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    let currency = order.body["currency"].as_str().unwrap_or("").to_owned();
    let mut body = json!({ "reason": p.get("reason"), "destination": p.get("destination") });
    let amount = p.get("amount");
    if !amount.is_empty() {
        match parse_amount(&amount, &currency) {
            Some(a) => body["amount"] = json!(a),
            None => {
                let e = ErrorView::local("amount", &tr!("seller-refund-amount-invalid", currency = &currency));
                let kept = p.fields.clone();
                return render_order(p.ctx, &m, &id, FormErrors::of(e), "", &kept).await;
            }
        }
    }
    let path = format!("/v1/orders/{}/refunds", url_encode(&id));
    order_action(&id, p, &path, Some(body), "refunded").await
}

pub async fn claims(ctx: Ctx, Query(q): Q) -> Response {
    let m = match seller(&ctx, "/seller/claims").await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let notice = notice_from(&q);
    render_claims(ctx, &m, FormErrors::none(), &notice, &q).await
}

async fn render_claims(
    mut ctx: Ctx,
    m: &MerchantRecord,
    errors: FormErrors,
    notice: &str,
    q: &HashMap<String, String>,
) -> Response {
    let (status, api, here) = chosen_tab(q, &CLAIM_TABS, "/v1/claims", "/seller/claims");
    let paging = Paging::of(q);
    let answer = ctx.api_as(m, Method::GET, &paging.api_path(&api, PAGE_ROWS), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = format!("{notice}{}", top_error(&errors, &[]));
    body.push_str(&tabs("/seller/claims", &CLAIM_TABS, &status, &tr!("seller-tab-all-claims")));
    let claims = answer.data();
    if claims.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&tr!("seller-claims-empty")));
    }
    for c in &claims {
        body.push_str(&claim_block(c, &m.currency));
        let _ = write!(
            body,
            r#"<p><a href="/seller/orders/{}">{}</a></p>"#,
            url_encode(c["order"].as_str().unwrap_or("")),
            esc(&tr!("seller-claims-the-order"))
        );
        if c["status"] == "awaiting_seller" {
            let _ = write!(
                body,
                r#"<p>{by}</p><form method="post" action="/seller/claims/{cid}/respond" class="panel">{hidden}{action}{message}<div class="actions"><button type="submit">{send}</button></div></form>"#,
                by = esc(&tr!(
                    "seller-claims-answer-by",
                    time = c["respond_by"].as_i64().map(super::html::datetime).unwrap_or_default()
                )),
                send = esc(&tr!("seller-claims-send")),
                cid = url_encode(c["id"].as_str().unwrap_or("")),
                hidden = form_hidden(&mut ctx),
                // Nothing that moves money is chosen for the seller.
                action = select(
                    &tr!("seller-claims-your-answer"),
                    "action",
                    &[
                        ("", tr!("seller-claims-choose").as_str()),
                        ("accept", tr!("seller-claims-accept").as_str()),
                        ("reject", tr!("seller-claims-reject").as_str())
                    ],
                    "",
                    &FormErrors::none()
                ),
                message = textarea(&tr!("seller-claims-message"), "message", "", true, &FormErrors::none()),
            );
        }
    }
    body.push_str(&paging.links(&here, &answer.body));
    ctx.page(&tr!("seller-claims-title"), &body)
}

pub async fn respond_claim(Path(id): Path<String>, p: Posted) -> Response {
    let m = match seller(&p.ctx, "/seller/claims").await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let body = json!({ "action": p.get("action"), "message": p.get("message") });
    let answer = p
        .ctx
        .api_as(&m, Method::POST, &format!("/v1/claims/{}/respond", url_encode(&id)), Some(body), p.key().as_deref())
        .await;
    if answer.ok() {
        return p.ctx.redirect("/seller/claims?notice=answered");
    }
    render_claims(p.ctx, &m, FormErrors::of(answer.error()), "", &HashMap::new()).await
}
