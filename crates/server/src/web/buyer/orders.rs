//! Buyers' pages: my orders.

use super::*;

pub async fn orders_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/orders") {
        return r;
    }
    let paging = Paging::of(&q);
    let answer = ctx.api(Method::GET, &paging.api_path("/v1/orders", PAGE_ROWS), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice_from(&q);
    let orders = answer.data();
    if orders.is_empty() {
        body.push_str(r#"<p>No orders yet. <a href="/">Visit the shop</a>.</p>"#);
    } else {
        body.push_str(&orders_table(&orders, "/orders"));
    }
    body.push_str(&paging.links("/orders", &answer.body));
    ctx.page("My Orders", &body)
}

pub async fn order_page(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/orders/{id}")) {
        return r;
    }
    let notice = notice_from(&q);
    render_order(ctx, &id, FormErrors::none(), &notice).await
}

/// Orders as a table, each linking to `{page}/{id}` (the buyer's or the seller's order page).
pub(in crate::web) fn orders_table(orders: &[Value], page: &str) -> String {
    let mut out = String::from(
        r#"<div class="table-wrap"><table><thead><tr><th>Order</th><th>Date</th><th class="num">Total</th><th>Status</th></tr></thead><tbody>"#,
    );
    // The orders of one cart (a checkout: one payment, an order per seller) are shown together, under
    // a line that leads to the cart; the buyer's list only (a seller sees their own order alone).
    let mut ordered: Vec<&Value> = Vec::with_capacity(orders.len());
    for o in orders {
        if ordered.iter().any(|x| x["id"] == o["id"]) {
            continue;
        }
        match o["checkout"].as_str().filter(|_| page == "/orders") {
            Some(c) => ordered.extend(orders.iter().filter(|x| x["checkout"].as_str() == Some(c))),
            None => ordered.push(o),
        }
    }
    let mut group: Option<&str> = None;
    for o in ordered {
        let checkout = o["checkout"].as_str().filter(|_| page == "/orders");
        if let Some(c) = checkout.filter(|c| group != Some(*c)) {
            let together = orders.iter().filter(|x| x["checkout"].as_str() == Some(c)).count();
            let _ = write!(
                out,
                r#"<tr class="group"><th colspan="4"><a href="/checkouts/{}">One payment, {together} sellers' orders</a></th></tr>"#,
                url_encode(c)
            );
        }
        group = checkout;
        let _ = write!(
            out,
            r#"<tr><td><a href="{page}/{}">{}</a></td><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            url_encode(o["id"].as_str().unwrap_or("")),
            s(&o["number"]),
            date_of(&o["created"]),
            money_of(o, "amount"),
            badge(o["status"].as_str().unwrap_or(""))
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The order, its payment, refunds and claims, as a table of facts (shared with the seller's page).
pub(in crate::web) fn order_facts(order: &Value) -> String {
    let currency = order["currency"].as_str().unwrap_or("");
    let payment = &order["payment"];
    let mut out = format!(
        r#"<dl class="facts"><dt>Status</dt><dd class="order-status">{}</dd><dt>Total</dt><dd>{}</dd><dt>Ordered</dt><dd>{}</dd><dt>Ships to</dt><dd>{}</dd>"#,
        badge(order["status"].as_str().unwrap_or("")),
        money_of(order, "amount"),
        date_of(&order["created"]),
        address_line(&order["shipping_address"])
    );
    if order["tracking_number"].is_string() {
        let _ = write!(out, "<dt>Tracking</dt><dd>{} {}</dd>", s(&order["carrier"]), s(&order["tracking_number"]));
    }
    if payment.is_object() {
        let mut how = Vec::new();
        if payment["pocket_amount"].as_i64().unwrap_or(0) > 0 {
            how.push(format!("Pocket {}", money(payment["pocket_amount"].as_i64().unwrap_or(0), currency)));
        }
        if payment["card"].is_object() {
            how.push(format!(
                "{} {}",
                card_label(&payment["card"]),
                money(payment["card_amount"].as_i64().unwrap_or(0), currency)
            ));
        }
        if let Some(pres) = payment["presentment"].as_object() {
            how.push(format!(
                "paid as {} at {}",
                money(
                    pres.get("amount").and_then(Value::as_i64).unwrap_or(0),
                    pres.get("currency").and_then(Value::as_str).unwrap_or("")
                ),
                esc(pres.get("rate").and_then(Value::as_str).unwrap_or(""))
            ));
        }
        let _ = write!(
            out,
            "<dt>Payment</dt><dd>{} {}</dd><dt>Captured</dt><dd>{}</dd><dt>Refunded</dt><dd>{}</dd>",
            payment_badge(payment["status"].as_str().unwrap_or("")),
            how.join(" + "),
            money(payment["amount_captured"].as_i64().unwrap_or(0), currency),
            money(payment["amount_refunded"].as_i64().unwrap_or(0), currency),
        );
    }
    out.push_str("</dl>");
    // What was bought.
    if let Some(items) = order["items"].as_array().filter(|i| !i.is_empty()) {
        out.push_str(r#"<h2>Items</h2><div class="table-wrap"><table class="items"><thead><tr><th>Item</th><th class="num">Quantity</th><th class="num">Price</th><th class="num">Total</th></tr></thead><tbody>"#);
        for i in items {
            let (unit, quantity) = (i["unit_amount"].as_i64().unwrap_or(0), i["quantity"].as_i64().unwrap_or(0));
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                s(&i["name"]),
                quantity,
                money(unit, currency),
                money(unit.saturating_mul(quantity), currency)
            );
        }
        out.push_str("</tbody></table></div>");
    }
    if let Some(refunds) = order["refunds"].as_array().filter(|r| !r.is_empty()) {
        out.push_str(r#"<h2>Refunds</h2><div class="table-wrap"><table><thead><tr><th>Refund</th><th class="num">Amount</th><th>To</th><th>Status</th></tr></thead><tbody>"#);
        for r in refunds {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td>{}{}</td></tr>"#,
                date_of(&r["created"]),
                money(r["amount"].as_i64().unwrap_or(0), currency),
                words(r["destination"].as_str().unwrap_or("")),
                badge(r["status"].as_str().unwrap_or("")),
                r["expected_at"].as_i64().map(|t| format!(" (expected by {})", date(t))).unwrap_or_default()
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out
}

/// A claim as a short block.
pub(in crate::web) fn claim_block(c: &Value, currency: &str) -> String {
    format!(
        r#"<div class="panel claim" data-claim="{id}"><p><strong>Claim</strong> {status} · {reason} · {amount}</p><p>{desc}</p>{seller}{outcome}</div>"#,
        id = s(&c["id"]),
        status = badge(c["status"].as_str().unwrap_or("")),
        reason = words(c["reason"].as_str().unwrap_or("")),
        amount = money(c["amount"].as_i64().unwrap_or(0), currency),
        desc = s(&c["description"]),
        seller = c["seller_message"].as_str().map(|m| format!("<p>Seller: {}</p>", esc(m))).unwrap_or_default(),
        outcome = c["outcome"]
            .as_str()
            .map(|o| format!(
                "<p>Decided for the {}{}</p>",
                esc(o),
                c["refund_amount"].as_i64().map(|a| format!(", refund {}", money(a, currency))).unwrap_or_default()
            ))
            .unwrap_or_default(),
    )
}

pub(super) async fn render_order(mut ctx: Ctx, id: &str, errors: FormErrors, notice: &str) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let order = answer.body;
    let status = order["status"].as_str().unwrap_or("").to_owned();
    let currency = order["currency"].as_str().unwrap_or("").to_owned();
    let payment = order["payment"].clone();
    let oid = url_encode(id);
    let mut body = format!("{notice}{}", top_error(&errors, &["reason", "amount", "description"]));
    body.push_str(&order_facts(&order));
    let claims = order["claims"].as_array().cloned().unwrap_or_default();
    for c in &claims {
        body.push_str(&claim_block(c, &currency));
        if c["status"] == "rejected" {
            body.push_str(&button_form(
                &format!("/claims/{}/escalate", url_encode(c["id"].as_str().unwrap_or(""))),
                &ctx.csrf(),
                "Ask Pocketpay to decide",
                "secondary",
            ));
        }
    }
    let mut actions = String::new();
    match order["checkout"].as_str() {
        // An order of a cart is paid with the rest of its cart, once.
        Some(c) if status == "awaiting_payment" => {
            let _ = write!(actions, r#"<a class="button" href="/checkouts/{}/pay">Pay the cart</a> "#, url_encode(c));
        }
        None if status == "awaiting_payment" => {
            let _ = write!(actions, r#"<a class="button" href="/orders/{oid}/pay">Pay</a> "#);
        }
        _ => {}
    }
    if status == "awaiting_payment" || status == "paid" {
        let _ = write!(
            actions,
            r#"<form method="post" action="/orders/{oid}/cancel" class="panel">{}{}<button type="submit" class="danger">Cancel order</button></form>"#,
            form_hidden(&mut ctx),
            field(
                "Why are you canceling?",
                "reason",
                Input { required: true, ..Input::default() },
                &errors,
                &["reason"]
            )
        );
    }
    if status == "shipped" || status == "delivered" {
        actions.push_str(&button_form(&format!("/orders/{oid}/confirm"), &ctx.csrf(), "I received it", ""));
    }
    let open_claim = claims.iter().any(|c| !matches!(c["status"].as_str(), Some("resolved")));
    if matches!(status.as_str(), "shipped" | "delivered" | "completed") && !open_claim {
        let amount_default = decimal(order["amount"].as_i64().unwrap_or(0), &currency);
        let _ = write!(
            actions,
            r#"<details><summary>Open a claim</summary><form method="post" action="/orders/{oid}/claim" class="panel">{hidden}{reason}{amount}{desc}<button type="submit">Open claim</button></form></details>"#,
            hidden = form_hidden(&mut ctx),
            reason = select(
                "What went wrong?",
                "reason",
                &[
                    ("not_received", "I did not receive it"),
                    ("not_as_described", "It is not as described"),
                    ("damaged", "It arrived damaged"),
                    ("other", "Something else")
                ],
                "not_as_described",
                &errors
            ),
            amount = field(
                &format!("Amount to claim ({currency})"),
                "amount",
                Input { value: &amount_default, extra: r#"inputmode="decimal""#, ..Input::default() },
                &errors,
                &["amount"]
            ),
            desc = textarea("Describe the problem", "description", "", true, &errors),
        );
    }
    if payment["status"] == "succeeded" && payment["amount_captured"].as_i64().unwrap_or(0) > 0 {
        let _ = write!(
            actions,
            r#"<details><summary>I did not make this payment</summary><form method="post" action="/orders/{oid}/unauthorized" class="panel">{hidden}<p>We reimburse the whole payment into your Pocket at once and block the card used.</p>{desc}<button type="submit" class="danger">Report an unauthorized payment</button></form></details>"#,
            hidden = form_hidden(&mut ctx),
            desc = textarea("What happened?", "unauthorized_description", "", true, &errors),
        );
    }
    if !actions.is_empty() {
        let _ = write!(body, r#"<div class="actions">{actions}</div>"#);
    }
    let _ = write!(
        body,
        r#"<p><a href="/tickets?order={}">Ask support about this order</a></p>"#,
        url_encode(order["number"].as_str().unwrap_or(""))
    );
    let title = format!("Order {}", order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}

pub(super) async fn order_action(id: &str, p: Posted, path: &str, body: Option<Value>, notice: &str) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("/orders/{id}")) {
        return r;
    }
    let answer = p.ctx.api(Method::POST, path, body, p.key().as_deref()).await;
    if answer.ok() {
        return p.ctx.redirect(&format!("/orders/{}?notice={notice}", url_encode(id)));
    }
    if matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN) {
        return p.ctx.failure(&answer);
    }
    render_order(p.ctx, id, FormErrors::of(answer.error()), "").await
}

pub async fn cancel(Path(id): Path<String>, p: Posted) -> Response {
    let reason = p.get("reason");
    let reason = if reason.is_empty() { "Canceled by the buyer".to_owned() } else { reason };
    let path = format!("/v1/orders/{}/cancel", url_encode(&id));
    order_action(&id, p, &path, Some(json!({ "reason": reason })), "canceled").await
}

pub async fn confirm_receipt(Path(id): Path<String>, p: Posted) -> Response {
    let path = format!("/v1/orders/{}/confirm_receipt", url_encode(&id));
    order_action(&id, p, &path, None, "confirmed").await
}

pub async fn open_claim(Path(id): Path<String>, p: Posted) -> Response {
    let order = p.ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    let currency = order.body["currency"].as_str().unwrap_or("").to_owned();
    let Some(amount) = parse_amount(&p.get("amount"), &currency) else {
        let e = ErrorView::local("amount", &format!("Enter an amount in {currency}, such as 20.00."));
        return render_order(p.ctx, &id, FormErrors::of(e), "").await;
    };
    let body = json!({ "reason": p.get("reason"), "amount": amount, "description": p.get("description") });
    let path = format!("/v1/orders/{}/claims", url_encode(&id));
    order_action(&id, p, &path, Some(body), "claim_opened").await
}

pub async fn report_unauthorized(Path(id): Path<String>, p: Posted) -> Response {
    let order = p.ctx.api(Method::GET, &format!("/v1/orders/{}", url_encode(&id)), None, None).await;
    let payment = order.body["payment"]["id"].as_str().unwrap_or("").to_owned();
    let body = json!({ "description": p.get("unauthorized_description") });
    let path = format!("/v1/payments/{}/report_unauthorized", url_encode(&payment));
    order_action(&id, p, &path, Some(body), "reported").await
}

pub async fn escalate(Path(id): Path<String>, p: Posted) -> Response {
    let claim = p.ctx.api(Method::GET, &format!("/v1/claims/{}", url_encode(&id)), None, None).await;
    if !claim.ok() {
        return p.ctx.failure(&claim);
    }
    let order = claim.body["order"].as_str().unwrap_or("").to_owned();
    let path = format!("/v1/claims/{}/escalate", url_encode(&id));
    order_action(&order, p, &path, None, "escalated").await
}
