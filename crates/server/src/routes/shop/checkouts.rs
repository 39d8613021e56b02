//! Carts with several sellers: a checkout splits the buyer's items into one order per seller (each
//! with its own number, stock and shipping) and is paid once — one risk decision, at most one code,
//! one card authorization for the total. The checkout's payment has no order of its own; each order
//! has its **part** (a payment with its order and the checkout's id) carrying its share of the Pocket
//! and card amounts and its own Pocket hold, so that each seller ships (captures part of the one
//! authorization), cancels (releases its part) and refunds its own order, never beyond its part.

use super::*;
use store::CheckoutRecord;

use crate::ops::paying_start::{awaiting_payment, nothing_due, Due, PayTarget};

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateCheckout {
    items: Vec<OrderItemBody>,
    shipping_address: ShippingAddress,
    metadata: Option<Value>,
}

/// An item as the buyer listed it: (its index in the request, the product, the quantity).
type Wanted = (usize, String, i64);

/// How a checkout stands: some order still awaits payment, every order is paid (or beyond), or
/// every order was cancelled.
fn checkout_status(orders: &[OrderRecord]) -> &'static str {
    if orders.iter().all(|o| o.status == OrderStatus::Canceled) {
        "canceled"
    } else if orders.iter().any(|o| o.status == OrderStatus::AwaitingPayment) {
        "awaiting_payment"
    } else {
        "paid"
    }
}

/// The checkout as the API shows it: its orders (each with its part of the payment) and its payment.
pub(crate) fn checkout_view(tx: &ReadTx<'_>, id: &str) -> Result<Value, ApiError> {
    let c = tx.checkout(id)?.ok_or_else(|| ApiError::not_found("checkout"))?;
    let orders = tx.checkout_orders(id)?;
    let mut shown = Vec::with_capacity(orders.len());
    for o in &orders {
        let mut view = order_view(tx, &o.id)?;
        view["merchant_name"] = tx.merchant(&o.merchant_id)?.map(|m| Value::String(m.name)).unwrap_or(Value::Null);
        shown.push(view);
    }
    let payment = match &c.payment_id {
        Some(p) => payment_view(tx, p)?,
        None => Value::Null,
    };
    // What is left to pay: the orders still awaiting payment (a cancelled one is no longer due).
    let due: i64 = orders.iter().filter(|o| awaits_payment(o)).map(|o| o.amount).sum();
    Ok(json!({
        "id": c.id, "object": "checkout", "status": checkout_status(&orders), "amount": c.amount,
        "amount_due": due, "currency": c.currency, "orders": shown, "payment": payment, "created": c.created_at,
    }))
}

pub(super) async fn create_checkout(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateCheckout>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let metadata = crate::routes::metadata::initial(body.metadata.as_ref())?;
    let now = state.clock.now();
    let draft = draft_order(&user, &body.items, &body.shipping_address, metadata, now)?;
    let wanted: Vec<(usize, String, i64)> =
        body.items.iter().enumerate().map(|(i, item)| (i, item.product.clone(), item.quantity)).collect();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            // Group the items by seller, in the order the buyer listed them.
            let mut groups: Vec<(String, Vec<Wanted>)> = Vec::new();
            let mut currency: Option<String> = None;
            for (i, product_id, quantity) in &wanted {
                let product = tx
                    .product(product_id)?
                    .ok_or_else(|| ApiError::not_found("product").with_param(format!("items[{i}].product")))?;
                match &currency {
                    None => currency = Some(product.currency.clone()),
                    Some(c) if *c != product.currency => {
                        return Err(ApiError::invalid(
                            format!("items[{i}].product"),
                            crate::msg!("err-checkout-mixed-currencies", currency = &product.currency, others = c),
                        )
                        .with_advice_msgs(vec![crate::msg!("err-checkout-mixed-currencies-advice")]));
                    }
                    Some(_) => {}
                }
                match groups.iter_mut().find(|(m, _)| *m == product.merchant_id) {
                    Some((_, items)) => items.push((*i, product_id.clone(), *quantity)),
                    None => groups.push((product.merchant_id.clone(), vec![(*i, product_id.clone(), *quantity)])),
                }
            }
            let checkout_id = random_id("chk");
            let checkout = CheckoutRecord {
                id: checkout_id.clone(),
                buyer_user_id: draft.buyer_user_id.clone(),
                amount: 0,
                currency: currency.unwrap_or_default(),
                payment_id: None,
                created_at: ctx.now,
            };
            tx.insert_checkout(&checkout)?;
            let mut total: i64 = 0;
            for (_, items) in &groups {
                let order_draft =
                    OrderRecord { id: random_id("ord"), checkout_id: Some(checkout_id.clone()), ..draft.clone() };
                let (order, lines) = fill_order(tx, order_draft, items)?;
                total = total.checked_add(order.amount).ok_or_else(|| {
                    ApiError::bad_request("amount_invalid", crate::msg!("err-checkout-total-too-large"))
                })?;
                let shown = order_json(&order, &lines, None);
                crate::events::emit(tx, "order.created", Some(&order.merchant_id), shown, ctx.now)?;
            }
            tx.set_checkout_amount(&checkout_id, total)?;
            Ok(ApiResponse::created(checkout_view(&tx.reads(), &checkout_id)?))
        })
        .await)
}

/// The checkout, for its buyer or an operator.
async fn load_checkout(state: &AppState, caller: &Caller, id: &str) -> Result<CheckoutRecord, ApiError> {
    let cid = id.to_owned();
    let found = state.store.read(move |tx| tx.checkout(&cid)).await?;
    found
        .filter(|c| match caller {
            Caller::User { user, role: domain::accounts::Role::Buyer, .. } => user.id == c.buyer_user_id,
            Caller::User { role: domain::accounts::Role::Operator, .. } => true,
            Caller::Merchant { .. } => false,
        })
        .ok_or_else(|| ApiError::not_found("checkout"))
}

pub(super) async fn get_checkout(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    load_checkout(&state, &caller, &id).await?;
    let shown = state.store.read(move |tx| Ok(checkout_view(tx, &id))).await??;
    Ok(axum::Json(shown).into_response())
}

pub(super) async fn pay_checkout(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PayBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.clone().buyer()?;
    if let Some(bound) = idem.as_ref().and_then(|e| e.0.resume.clone()) {
        return Ok(resume_payment(&state, idem.map(|e| e.0), &bound).await);
    }
    let checkout = load_checkout(&state, &caller, &id).await?;
    let cid = checkout.id.clone();
    let orders = state.store.read(move |tx| tx.checkout_orders(&cid)).await?;
    // The issuer is told the cart's first seller, as when the payment is authorized after a code.
    let merchant_id = orders.first().map(|o| o.merchant_id.clone()).unwrap_or_default();
    let open = awaiting_payment(orders);
    if open.is_empty() {
        return Err(nothing_due());
    }
    let due = Due { amount: open.iter().map(|o| o.amount).sum(), currency: checkout.currency.clone(), merchant_id };
    pay(&state, idem, user, PayTarget::Checkout(checkout.id), due, body).await
}

/// What a payment pays, in words for the buyer: "order 1001-7", or "orders 1001-7 and 1002-3".
pub(super) fn paid_for(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    locale: crate::i18n::Locale,
) -> Result<String, ApiError> {
    let numbers: Vec<String> = match (&payment.order_id, &payment.checkout_id) {
        (Some(order_id), _) => tx.order(order_id)?.map(|o| o.number).into_iter().collect(),
        (None, Some(checkout)) => tx.checkout_orders(checkout)?.into_iter().map(|o| o.number).collect(),
        (None, None) => vec![],
    };
    Ok(match numbers.as_slice() {
        [one] => crate::tr_in!(locale, "message-paid-for-order", order = one.as_str()),
        [first @ .., last] => {
            crate::tr_in!(locale, "message-paid-for-orders", orders = first.join(", "), last = last.as_str())
        }
        [] => crate::tr_in!(locale, "message-paid-for-your-order"),
    })
}
