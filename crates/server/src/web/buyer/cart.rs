//! The cart: products of any sellers, kept in a cookie (`product:quantity` pairs) until the buyer
//! checks out; it is shown grouped by seller, then becomes one checkout (an order per seller) paid
//! once on the checkout page. Nothing in the cookie is trusted: the API prices and checks every item.

use super::*;
use crate::web::buyer::checkout::{merchant_name, pay_for, paying_page, Paying};

/// The cart's cookie.
pub const CART_COOKIE: &str = "pp_cart";

/// Different products in a cart at most (the API's limit of items in one checkout).
const CART_PRODUCTS_MAX: usize = crate::routes::shop::ORDER_ITEMS_MAX;

/// The cart's lines from its cookie; anything malformed is dropped.
fn lines_of(cookie: &str) -> Vec<(String, i64)> {
    let mut lines: Vec<(String, i64)> = Vec::new();
    for pair in cookie.split('.') {
        let Some((product, quantity)) = pair.split_once('~') else { continue };
        let well_formed = !product.is_empty()
            && product.len() <= 64
            && product.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let quantity: i64 = quantity.parse().unwrap_or(0);
        if well_formed
            && (1..=crate::routes::shop::ITEM_QUANTITY_MAX).contains(&quantity)
            && !lines.iter().any(|(p, _)| p == product)
            && lines.len() < CART_PRODUCTS_MAX
        {
            lines.push((product.to_owned(), quantity));
        }
    }
    lines
}

fn cookie_of(lines: &[(String, i64)]) -> String {
    lines.iter().map(|(p, q)| format!("{p}~{q}")).collect::<Vec<_>>().join(".")
}

pub async fn cart_add(mut p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/cart") {
        return r;
    }
    let product = p.get("product");
    let quantity: i64 = p.get("quantity").parse().unwrap_or(1).clamp(1, crate::routes::shop::ITEM_QUANTITY_MAX);
    let mut lines = lines_of(p.ctx.cart());
    match lines.iter_mut().find(|(id, _)| *id == product) {
        Some((_, q)) => *q = (*q + quantity).min(crate::routes::shop::ITEM_QUANTITY_MAX),
        None => lines.push((product, quantity)),
    }
    let cookie = cookie_of(&lines_of(&cookie_of(&lines)));
    p.ctx.set_cart(&cookie);
    p.ctx.redirect("/cart?notice=added")
}

pub async fn cart_update(mut p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/cart") {
        return r;
    }
    let product = p.get("product");
    // 0 (or the Remove button) takes the product out.
    let quantity: i64 = if p.get("remove").is_empty() { p.get("quantity").parse().unwrap_or(0) } else { 0 };
    let mut lines = lines_of(p.ctx.cart());
    lines.retain(|(id, _)| *id != product || quantity > 0);
    if let Some((_, q)) = lines.iter_mut().find(|(id, _)| *id == product) {
        *q = quantity.min(crate::routes::shop::ITEM_QUANTITY_MAX);
    }
    let cookie = cookie_of(&lines);
    p.ctx.set_cart(&cookie);
    p.ctx.redirect("/cart?notice=cart_updated")
}

pub async fn cart_page(ctx: Ctx, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer("/cart") {
        return r;
    }
    let notice = notice_from(&q);
    render_cart(ctx, FormErrors::none(), None, &notice).await
}

async fn render_cart(
    mut ctx: Ctx,
    errors: FormErrors,
    posted: Option<&HashMap<String, String>>,
    notice: &str,
) -> Response {
    let lines = lines_of(ctx.cart());
    // Each product as the shop shows it now, grouped by seller in the order they were added.
    let mut sellers: Vec<(String, Vec<(Value, i64)>)> = Vec::new();
    for (id, quantity) in &lines {
        let product = ctx.api(Method::GET, &format!("/v1/products/{}", url_encode(id)), None, None).await;
        if !product.ok() {
            continue;
        }
        let seller = s(&product.body["merchant_name"]);
        match sellers.iter_mut().find(|(name, _)| *name == seller) {
            Some((_, items)) => items.push((product.body, *quantity)),
            None => sellers.push((seller, vec![(product.body, *quantity)])),
        }
    }
    if sellers.is_empty() {
        let browse = format!(r#"<a href="/">{}</a>"#, esc(&crate::tr!("shop-cart-empty-browse-link")));
        let body = format!(
            r#"{notice}<p>{}</p><p>{}</p>"#,
            esc(&crate::tr!("shop-cart-empty")),
            html_of(&crate::tr!("shop-cart-empty-browse", shop = slot("shop")), &[("shop", &browse)]),
        );
        return ctx.page(&crate::tr!("shop-cart-title"), &body);
    }
    let csrf = ctx.csrf();
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut groups = String::new();
    for (seller, items) in &sellers {
        let mut rows = String::new();
        for (product, quantity) in items {
            let id = product["id"].as_str().unwrap_or("");
            let currency = product["currency"].as_str().unwrap_or("").to_owned();
            let line = product["amount"].as_i64().unwrap_or(0).saturating_mul(*quantity);
            match totals.iter_mut().find(|(c, _)| *c == currency) {
                Some((_, t)) => *t = t.saturating_add(line),
                None => totals.push((currency.clone(), line)),
            }
            let qty_id = format!("qty-{id}");
            let _ = write!(
                rows,
                r#"<tr><td><a href="/products/{link}">{name}</a></td><td class="num">{price}</td>
<td><form method="post" action="/cart/update" class="inline">{hidden}<input type="hidden" name="product" value="{id_attr}">
<label for="{qty_id}" class="visually-hidden">{quantity_of}</label><input id="{qty_id}" type="number" name="quantity" value="{quantity}" min="0" max="1000" class="qty">
<button type="submit" class="secondary">{update}</button> <button type="submit" name="remove" value="1" class="secondary">{remove}</button></form></td>
<td class="num">{line}</td></tr>"#,
                link = url_encode(id),
                name = s(&product["name"]),
                quantity_of = esc(&crate::tr!("shop-cart-quantity-of", name = plain(&product["name"]))),
                update = esc(&crate::tr!("shop-cart-update")),
                remove = esc(&crate::tr!("shop-cart-remove")),
                price = money_of(product, "amount"),
                hidden = super::super::html::hidden(&csrf),
                id_attr = esc(id),
                line = money(line, &currency),
            );
        }
        let _ = write!(
            groups,
            r#"<section class="seller-group"><h2>{from}</h2><p class="muted">{note}</p>
<div class="table-wrap"><table><thead><tr><th>{product}</th><th class="num">{price}</th><th>{quantity}</th><th class="num">{total}</th></tr></thead><tbody>{rows}</tbody></table></div></section>"#,
            from = html_of(&crate::tr!("shop-cart-from-seller", seller = slot("seller")), &[("seller", seller)]),
            note = html_of(&crate::tr!("shop-cart-seller-note", seller = slot("seller")), &[("seller", seller)]),
            product = esc(&crate::tr!("shop-col-product")),
            price = esc(&crate::tr!("shop-col-price")),
            quantity = esc(&crate::tr!("shop-quantity")),
            total = esc(&crate::tr!("shop-col-total")),
        );
    }
    let total: Vec<String> = totals.iter().map(|(c, t)| money(*t, c)).collect();
    let mixed = if totals.len() > 1 {
        format!(r#"<p class="error-text">{}</p>"#, esc(&crate::tr!("shop-cart-mixed-currencies")))
    } else {
        String::new()
    };
    let address = super::shop::shipping_prefill(&ctx, posted);
    let body = format!(
        r#"{notice}{groups}<p>{total}</p>{mixed}
<form method="post" action="/cart/checkout" class="panel">{hidden}{top}
<fieldset><legend>{shipping}</legend>{address}</fieldset>
<div class="actions"><button type="submit">{check_out}</button></div></form>"#,
        total = html_of(
            &crate::tr!("shop-cart-total", total = slot("total"), count = sellers.len()),
            &[("total", &format!(r#"<strong class="total">{}</strong>"#, total.join(" + ")))]
        ),
        shipping = esc(&crate::tr!("shop-shipping-address")),
        check_out = esc(&crate::tr!("shop-cart-check-out")),
        hidden = form_hidden(&mut ctx),
        top = top_error(&errors, &["name", "line1", "line2", "city", "state", "postal_code", "country"]),
        address = address_fields("ship_", &address, &errors, true),
    );
    ctx.page(&crate::tr!("shop-cart-title"), &body)
}

pub async fn cart_checkout(mut p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer("/cart") {
        return r;
    }
    let lines = lines_of(p.ctx.cart());
    let items: Vec<Value> = lines.iter().map(|(id, q)| json!({ "product": id, "quantity": q })).collect();
    let body = json!({ "items": items, "shipping_address": super::shop::posted_address(&p, "ship_", true) });
    let answer = p.ctx.api(Method::POST, "/v1/checkouts", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        p.ctx.set_cart("");
        let id = answer.body["id"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/checkouts/{}/pay", url_encode(id)));
    }
    let values = p.fields.clone();
    render_cart(p.ctx, FormErrors::of(answer.error()), Some(&values), "").await
}

pub async fn cart_pay_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    paying_page(ctx, Paying::Cart, &id).await
}

pub async fn cart_pay(Path(id): Path<String>, p: Posted) -> Response {
    pay_for(Paying::Cart, id, p).await
}

/// A checkout after paying (or while it waits): its orders, one per seller, each with its status.
pub async fn checkout_summary(ctx: Ctx, Path(id): Path<String>, Query(q): Q) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/checkouts/{id}")) {
        return r;
    }
    let answer = ctx.api(Method::GET, &format!("/v1/checkouts/{}", url_encode(&id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let c = answer.body;
    let currency = c["currency"].as_str().unwrap_or("");
    let mut rows = String::new();
    for o in c["orders"].as_array().into_iter().flatten() {
        let _ = write!(
            rows,
            r#"<tr><td><a href="/orders/{link}">{number}</a></td><td>{seller}</td><td class="num">{amount}</td><td>{status}</td></tr>"#,
            link = url_encode(o["id"].as_str().unwrap_or("")),
            number = s(&o["number"]),
            seller = esc(&merchant_name(o)),
            amount = money(o["amount"].as_i64().unwrap_or(0), currency),
            status = badge(o["status"].as_str().unwrap_or("")),
        );
    }
    let pay = if c["status"] == "awaiting_payment" {
        format!(
            r#"<p><a class="button" href="/checkouts/{}/pay">{}</a></p>"#,
            url_encode(&id),
            html_of(
                &crate::tr!("shop-pay-amount", amount = slot("amount")),
                &[("amount", &money_of(&c, "amount_due"))]
            )
        )
    } else {
        String::new()
    };
    let payment = if c["payment"].is_object() {
        let badge = payment_badge(c["payment"]["status"].as_str().unwrap_or(""));
        format!(
            "<p>{}</p>",
            html_of(&crate::tr!("shop-summary-payment", status = slot("status")), &[("status", &badge)])
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{notice}<p>{intro}</p>{payment}
<div class="table-wrap"><table><thead><tr><th>{order}</th><th>{seller}</th><th class="num">{amount}</th><th>{status}</th></tr></thead><tbody>{rows}</tbody></table></div>{pay}"#,
        notice = notice_from(&q),
        intro = html_of(
            &crate::tr!(
                "shop-summary-intro",
                total = slot("total"),
                count = c["orders"].as_array().map(Vec::len).unwrap_or(0)
            ),
            &[("total", &money_of(&c, "amount"))]
        ),
        order = esc(&crate::tr!("shop-col-order")),
        seller = esc(&crate::tr!("shop-col-seller")),
        amount = esc(&crate::tr!("shop-col-amount")),
        status = esc(&crate::tr!("shop-col-status")),
    );
    ctx.page(&crate::tr!("shop-summary-title"), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cart_cookie_keeps_only_well_formed_lines() {
        let lines = lines_of("prod_a~2.prod_b~1.prod_a~5.bad id~1.prod_c~0.prod_d~1001.prod_e~x.~3.prod_f");
        assert_eq!(lines, vec![("prod_a".to_owned(), 2), ("prod_b".to_owned(), 1)]);
        assert_eq!(cookie_of(&lines), "prod_a~2.prod_b~1");
        assert_eq!(lines_of(""), vec![]);
        let many: Vec<String> = (0..80).map(|i| format!("prod_{i}~1")).collect();
        assert_eq!(lines_of(&many.join(".")).len(), CART_PRODUCTS_MAX, "no more products than one checkout takes");
    }
}
