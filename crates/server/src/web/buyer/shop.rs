//! Buyers' pages: the shop.

use super::*;

pub async fn shop(mut ctx: Ctx, Query(q): Q) -> Response {
    let paging = Paging::of(&q);
    let answer = ctx.api(Method::GET, &paging.api_path("/v1/products", PAGE_ROWS), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let mut body = notice_from(&q);
    let products = answer.data();
    if products.is_empty() {
        let _ = write!(body, "<p>{}</p>", esc(&crate::tr!("shop-empty")));
    }
    body.push_str(r#"<div class="grid">"#);
    let hidden = form_hidden(&mut ctx);
    for p in &products {
        let stock = match p["stock"].as_i64() {
            Some(0) => format!(r#"<p class="muted">{}</p>"#, esc(&crate::tr!("shop-sold-out"))),
            Some(n) if n <= 5 => format!(r#"<p class="muted">{}</p>"#, esc(&crate::tr!("shop-only-left", count = n))),
            _ => String::new(),
        };
        let _ = write!(
            body,
            r#"<section class="product"><h2>{}</h2><p class="muted">{}</p><p>{}</p><p class="big">{}</p>{stock}<a class="button" href="/products/{}">{}</a>
<form method="post" action="/cart/add" class="inline">{hidden}<input type="hidden" name="product" value="{}"><button type="submit" class="secondary">{}</button></form></section>"#,
            s(&p["name"]),
            esc(&crate::tr!("shop-sold-by", seller = plain(&p["merchant_name"]))),
            s(&p["description"]),
            money_of(p, "amount"),
            url_encode(p["id"].as_str().unwrap_or("")),
            esc(&crate::tr!("shop-buy")),
            esc(p["id"].as_str().unwrap_or("")),
            esc(&crate::tr!("shop-add-to-cart")),
        );
    }
    body.push_str("</div>");
    body.push_str(&paging.links("/", &answer.body));
    ctx.page(&crate::tr!("shop-title"), &body)
}

pub async fn product_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(r) = ctx.require_buyer(&format!("/products/{id}")) {
        return r;
    }
    render_product(ctx, &id, FormErrors::none(), None).await
}

pub(super) async fn render_product(
    mut ctx: Ctx,
    id: &str,
    errors: FormErrors,
    posted: Option<&HashMap<String, String>>,
) -> Response {
    let answer = ctx.api(Method::GET, &format!("/v1/products/{}", url_encode(id)), None, None).await;
    if !answer.ok() {
        return ctx.failure(&answer);
    }
    let product = answer.body;
    let v = |k: &str| posted.and_then(|f| f.get(k)).cloned().unwrap_or_default();
    let address = shipping_prefill(&ctx, posted);
    let quantity = if v("quantity").is_empty() { "1".to_owned() } else { v("quantity") };
    let body = format!(
        r#"<p class="muted">{sold_by}</p><p>{desc}</p><p class="big">{price}</p>{top}
<form method="post" action="/products/{id}" class="panel">{hidden}
{qty}
<fieldset><legend>{shipping}</legend>{address}</fieldset>
<div class="actions"><button type="submit">{pay}</button></div></form>
<form method="post" action="/cart/add" class="panel">{hidden}<input type="hidden" name="product" value="{id_attr}">
<label for="f-cart-quantity">{cart_quantity}</label><input id="f-cart-quantity" type="number" name="quantity" value="1" {bounds}>
<div class="actions"><button type="submit" class="secondary">{add}</button> <span class="hint">{cart_hint}</span></div></form>"#,
        id_attr = esc(id),
        bounds = QUANTITY_BOUNDS,
        sold_by = esc(&crate::tr!("shop-sold-by", seller = plain(&product["merchant_name"]))),
        shipping = esc(&crate::tr!("shop-shipping-address")),
        pay = esc(&crate::tr!("shop-continue-to-payment")),
        cart_quantity = esc(&crate::tr!("shop-cart-quantity-label")),
        add = esc(&crate::tr!("shop-add-to-cart")),
        cart_hint = esc(&crate::tr!("shop-cart-hint")),
        desc = s(&product["description"]),
        price = money_of(&product, "amount"),
        top = top_error(&errors, &["quantity", "name", "line1", "line2", "city", "state", "postal_code", "country"]),
        id = url_encode(id),
        hidden = form_hidden(&mut ctx),
        qty = field(
            &crate::tr!("shop-quantity"),
            "quantity",
            Input {
                kind: "number",
                value: &quantity,
                required: true,
                // The API's own limit on the units of one item.
                extra: QUANTITY_BOUNDS,
                ..Input::default()
            },
            &errors,
            &["quantity"]
        ),
        address = address_fields("ship_", &address, &errors, true),
    );
    let title = product["name"].as_str().map(str::to_owned).unwrap_or_else(|| crate::tr!("shop-product"));
    ctx.page(&title, &body)
}

/// A shipping address form's values: what the buyer typed (`ship_…`), else their country.
pub(super) fn shipping_prefill(ctx: &Ctx, posted: Option<&HashMap<String, String>>) -> Value {
    let mut address = json!({ "country": ctx.user()["country"].as_str().unwrap_or("") });
    for k in ["name", "line1", "line2", "city", "state", "postal_code", "country"] {
        let typed = posted.and_then(|f| f.get(&format!("ship_{k}"))).cloned().unwrap_or_default();
        if !typed.is_empty() {
            address[k] = json!(typed);
        }
    }
    address
}

/// The address fields `{prefix}line1`… of a form, as the API's address object.
pub(super) fn posted_address(p: &Posted, prefix: &str, with_name: bool) -> Value {
    let mut a = json!({});
    let mut keys = vec!["line1", "line2", "city", "state", "postal_code", "country"];
    if with_name {
        keys.insert(0, "name");
    }
    for k in keys {
        let value = p.get(&format!("{prefix}{k}"));
        let optional = matches!(k, "line2" | "state");
        if !value.is_empty() || !optional {
            a[k] = json!(value);
        }
    }
    a
}

pub async fn create_order(Path(id): Path<String>, p: Posted) -> Response {
    if let Err(r) = p.ctx.require_buyer(&format!("/products/{id}")) {
        return r;
    }
    let quantity: Option<u32> = p.get("quantity").parse().ok().filter(|q| *q >= 1);
    let Some(quantity) = quantity else {
        let values = p.fields.clone();
        let error = ErrorView::local("quantity", &crate::tr!("shop-quantity-invalid"));
        return render_product(p.ctx, &id, FormErrors::of(error), Some(&values)).await;
    };
    let body = json!({ "items": [{ "product": id, "quantity": quantity }], "shipping_address": posted_address(&p, "ship_", true) });
    let answer = p.ctx.api(Method::POST, "/v1/orders", Some(body), p.key().as_deref()).await;
    if answer.ok() {
        let order = answer.body["id"].as_str().unwrap_or("");
        return p.ctx.redirect(&format!("/orders/{}/pay", url_encode(order)));
    }
    let values = p.fields.clone();
    render_product(p.ctx, &id, FormErrors::of(answer.error()), Some(&values)).await
}

/// The quantity field's bounds: those of the API (`ITEM_QUANTITY_MAX` units of one item).
const QUANTITY_BOUNDS: &str = r#"min="1" max="1000""#;
