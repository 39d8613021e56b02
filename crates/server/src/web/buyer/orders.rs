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
        let link = format!(r#"<a href="/">{}</a>"#, esc(&crate::tr!("shop-orders-empty-link")));
        let _ = write!(
            body,
            "<p>{}</p>",
            html_of(&crate::tr!("shop-orders-empty", shop = slot("shop")), &[("shop", &link)])
        );
    } else {
        body.push_str(&orders_table(&orders, "/orders"));
    }
    body.push_str(&paging.links("/orders", &answer.body));
    ctx.page(&crate::tr!("shop-orders-title"), &body)
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
    let mut out = format!(
        r#"<div class="table-wrap"><table><thead><tr><th>{}</th><th>{}</th><th class="num">{}</th><th>{}</th></tr></thead><tbody>"#,
        esc(&crate::tr!("shop-col-order")),
        esc(&crate::tr!("shop-col-date")),
        esc(&crate::tr!("shop-col-total")),
        esc(&crate::tr!("shop-col-status")),
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
                r#"<tr class="group"><th colspan="4"><a href="/checkouts/{}">{}</a></th></tr>"#,
                url_encode(c),
                esc(&crate::tr!("shop-orders-cart-group", count = together)),
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
        r#"<dl class="facts"><dt>{}</dt><dd class="order-status">{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>"#,
        esc(&crate::tr!("shop-facts-status")),
        badge(order["status"].as_str().unwrap_or("")),
        esc(&crate::tr!("shop-facts-total")),
        money_of(order, "amount"),
        esc(&crate::tr!("shop-facts-ordered")),
        date_of(&order["created"]),
        esc(&crate::tr!("shop-facts-ships-to")),
        address_line(&order["shipping_address"])
    );
    if order["tracking_number"].is_string() {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{} {}</dd>",
            esc(&crate::tr!("shop-facts-tracking")),
            s(&order["carrier"]),
            s(&order["tracking_number"])
        );
    }
    if payment.is_object() {
        let mut how = Vec::new();
        if payment["pocket_amount"].as_i64().unwrap_or(0) > 0 {
            let amount = money(payment["pocket_amount"].as_i64().unwrap_or(0), currency);
            how.push(html_of(&crate::tr!("shop-facts-paid-pocket", amount = slot("amount")), &[("amount", &amount)]));
        }
        if payment["card"].is_object() {
            how.push(format!(
                "{} {}",
                card_label(&payment["card"]),
                money(payment["card_amount"].as_i64().unwrap_or(0), currency)
            ));
        }
        if let Some(pres) = payment["presentment"].as_object() {
            let amount = money(
                pres.get("amount").and_then(Value::as_i64).unwrap_or(0),
                pres.get("currency").and_then(Value::as_str).unwrap_or(""),
            );
            let rate = pres.get("rate").and_then(Value::as_str).unwrap_or("");
            how.push(html_of(
                &crate::tr!("shop-facts-paid-as", amount = slot("amount"), rate = rate),
                &[("amount", &amount)],
            ));
        }
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>",
            esc(&crate::tr!("shop-facts-payment")),
            payment_badge(payment["status"].as_str().unwrap_or("")),
            how.join(" + "),
            esc(&crate::tr!("shop-facts-captured")),
            money(payment["amount_captured"].as_i64().unwrap_or(0), currency),
            esc(&crate::tr!("shop-facts-refunded")),
            money(payment["amount_refunded"].as_i64().unwrap_or(0), currency),
        );
    }
    out.push_str("</dl>");
    // What was bought.
    if let Some(items) = order["items"].as_array().filter(|i| !i.is_empty()) {
        let _ = write!(
            out,
            r#"<h2>{}</h2><div class="table-wrap"><table class="items"><thead><tr><th>{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th></tr></thead><tbody>"#,
            esc(&crate::tr!("shop-items")),
            esc(&crate::tr!("shop-col-item")),
            esc(&crate::tr!("shop-quantity")),
            esc(&crate::tr!("shop-col-price")),
            esc(&crate::tr!("shop-col-total")),
        );
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
        let _ = write!(
            out,
            r#"<h2>{}</h2><div class="table-wrap"><table><thead><tr><th>{}</th><th class="num">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
            esc(&crate::tr!("shop-refunds")),
            esc(&crate::tr!("shop-col-refund")),
            esc(&crate::tr!("shop-col-amount")),
            esc(&crate::tr!("shop-col-refund-to")),
            esc(&crate::tr!("shop-col-status")),
        );
        for r in refunds {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td>{}{}</td></tr>"#,
                date_of(&r["created"]),
                money(r["amount"].as_i64().unwrap_or(0), currency),
                words(r["destination"].as_str().unwrap_or("")),
                badge(r["status"].as_str().unwrap_or("")),
                r["expected_at"]
                    .as_i64()
                    .map(|t| format!(" {}", esc(&crate::tr!("shop-refund-expected-by", date = date(t)))))
                    .unwrap_or_default()
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out
}

/// A claim as a short block.
pub(in crate::web) fn claim_block(c: &Value, currency: &str) -> String {
    format!(
        r#"<div class="panel claim" data-claim="{id}"><p><strong>{claim}</strong> {status} · {reason} · {amount}</p><p>{desc}</p>{seller}{outcome}</div>"#,
        id = s(&c["id"]),
        claim = esc(&crate::tr!("shop-claim")),
        status = badge(c["status"].as_str().unwrap_or("")),
        reason = words(c["reason"].as_str().unwrap_or("")),
        amount = money(c["amount"].as_i64().unwrap_or(0), currency),
        desc = s(&c["description"]),
        seller = c["seller_message"]
            .as_str()
            .map(|m| format!("<p>{}</p>", esc(&crate::tr!("shop-claim-seller-message", message = m))))
            .unwrap_or_default(),
        outcome = c["outcome"]
            .as_str()
            .map(|o| {
                let decided = match c["refund_amount"].as_i64() {
                    Some(a) => html_of(
                        &crate::tr!("shop-claim-decided-refund", outcome = o, amount = slot("amount")),
                        &[("amount", &money(a, currency))],
                    ),
                    None => esc(&crate::tr!("shop-claim-decided", outcome = o)),
                };
                format!("<p>{decided}</p>")
            })
            .unwrap_or_default(),
    )
}

/// A buyer's order page: its facts, its claims, and what the buyer may do now (pay, cancel, confirm
/// receipt, open a claim, report an unauthorized payment), then a link to support.
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
                &crate::tr!("shop-claim-escalate"),
                "secondary",
            ));
        }
    }
    let mut actions = pay_action(&order, &status, &oid);
    if status == "awaiting_payment" || status == "paid" {
        actions.push_str(&cancel_form(&mut ctx, &oid, &errors));
    }
    if status == "shipped" || status == "delivered" {
        actions.push_str(&button_form(
            &format!("/orders/{oid}/confirm"),
            &ctx.csrf(),
            &crate::tr!("shop-order-received"),
            "",
        ));
    }
    let open_claim = claims.iter().any(|c| !matches!(c["status"].as_str(), Some("resolved")));
    if matches!(status.as_str(), "shipped" | "delivered" | "completed") && !open_claim {
        actions.push_str(&claim_form(&mut ctx, &oid, &order, &currency, &errors));
    }
    if payment["status"] == "succeeded" && payment["amount_captured"].as_i64().unwrap_or(0) > 0 {
        actions.push_str(&unauthorized_form(&mut ctx, &oid, &errors));
    }
    if !actions.is_empty() {
        let _ = write!(body, r#"<div class="actions">{actions}</div>"#);
    }
    let _ = write!(
        body,
        r#"<p><a href="/tickets?order={}">{}</a></p>"#,
        url_encode(order["number"].as_str().unwrap_or("")),
        esc(&crate::tr!("shop-order-ask-support"))
    );
    let title = crate::tr!("shop-order-number", number = order["number"].as_str().unwrap_or(""));
    ctx.page(&title, &body)
}

/// The pay button of an order awaiting payment (an order of a cart is paid with the rest of its
/// cart, once); nothing otherwise.
fn pay_action(order: &Value, status: &str, oid: &str) -> String {
    let mut actions = String::new();
    match order["checkout"].as_str() {
        // An order of a cart is paid with the rest of its cart, once.
        Some(c) if status == "awaiting_payment" => {
            let _ = write!(
                actions,
                r#"<a class="button" href="/checkouts/{}/pay">{}</a> "#,
                url_encode(c),
                esc(&crate::tr!("shop-order-pay-cart"))
            );
        }
        None if status == "awaiting_payment" => {
            let _ = write!(
                actions,
                r#"<a class="button" href="/orders/{oid}/pay">{}</a> "#,
                esc(&crate::tr!("shop-order-pay"))
            );
        }
        _ => {}
    }
    actions
}

/// The form cancelling an order not yet shipped (a reason required).
fn cancel_form(ctx: &mut Ctx, oid: &str, errors: &FormErrors) -> String {
    format!(
        r#"<form method="post" action="/orders/{oid}/cancel" class="panel">{}{}<button type="submit" class="danger">{}</button></form>"#,
        form_hidden(ctx),
        field(
            &crate::tr!("shop-order-cancel-reason"),
            "reason",
            Input { required: true, ..Input::default() },
            errors,
            &["reason"]
        ),
        esc(&crate::tr!("shop-order-cancel")),
    )
}

/// The form opening a claim about a shipped order (the order's amount offered).
fn claim_form(ctx: &mut Ctx, oid: &str, order: &Value, currency: &str, errors: &FormErrors) -> String {
    let amount_default = decimal(order["amount"].as_i64().unwrap_or(0), currency);
    format!(
        r#"<details><summary>{summary}</summary><form method="post" action="/orders/{oid}/claim" class="panel">{hidden}{reason}{amount}{desc}<button type="submit">{open}</button></form></details>"#,
        summary = esc(&crate::tr!("shop-claim-open-summary")),
        open = esc(&crate::tr!("shop-claim-open")),
        hidden = form_hidden(ctx),
        reason = select(
            &crate::tr!("shop-claim-reason"),
            "reason",
            &[
                ("not_received", crate::tr!("shop-claim-reason-not-received").as_str()),
                ("not_as_described", crate::tr!("shop-claim-reason-not-as-described").as_str()),
                ("damaged", crate::tr!("shop-claim-reason-damaged").as_str()),
                ("other", crate::tr!("shop-claim-reason-other").as_str())
            ],
            "not_as_described",
            errors
        ),
        amount = field(
            &crate::tr!("shop-claim-amount", currency = currency),
            "amount",
            Input { value: &amount_default, extra: r#"inputmode="decimal""#, ..Input::default() },
            errors,
            &["amount"]
        ),
        desc = textarea(&crate::tr!("shop-claim-description"), "description", "", true, errors),
    )
}

/// The form reporting a captured payment as unauthorized.
fn unauthorized_form(ctx: &mut Ctx, oid: &str, errors: &FormErrors) -> String {
    format!(
        r#"<details><summary>{summary}</summary><form method="post" action="/orders/{oid}/unauthorized" class="panel">{hidden}<p>{explain}</p>{desc}<button type="submit" class="danger">{report}</button></form></details>"#,
        summary = esc(&crate::tr!("shop-unauthorized-summary")),
        explain = esc(&crate::tr!("shop-unauthorized-explain")),
        report = esc(&crate::tr!("shop-unauthorized-report")),
        hidden = form_hidden(ctx),
        desc = textarea(&crate::tr!("shop-unauthorized-description"), "unauthorized_description", "", true, errors),
    )
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
        let e = ErrorView::local("amount", &crate::tr!("shop-amount-invalid", currency = &currency));
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
