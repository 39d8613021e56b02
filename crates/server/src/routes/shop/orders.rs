//! Orders: created with their stock reserved (never oversold), listed and read by whoever may see them.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OrderItemBody {
    pub(super) product: String,
    pub(super) quantity: i64,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ShippingAddress {
    name: Option<String>,
    line1: String,
    line2: Option<String>,
    city: String,
    state: Option<String>,
    postal_code: String,
    country: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreateOrder {
    items: Vec<OrderItemBody>,
    shipping_address: ShippingAddress,
    coupon: Option<String>,
    metadata: Option<Value>,
}

pub(super) async fn create_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateOrder>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let metadata = crate::routes::metadata::initial(body.metadata.as_ref())?;
    if body.coupon.is_some() {
        return Err(ApiError::invalid("coupon", crate::msg!("err-order-coupon-invalid")));
    }
    let draft = draft_order(&user, &body.items, &body.shipping_address, metadata, state.clock.now())?;
    let wanted: Vec<(String, i64)> = body.items.iter().map(|i| (i.product.clone(), i.quantity)).collect();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let indexed: Vec<(usize, String, i64)> =
                wanted.iter().enumerate().map(|(i, (p, q))| (i, p.clone(), *q)).collect();
            let (order, items) = fill_order(tx, draft, &indexed)?;
            // A new order has no payment, refund or claim: this is its view, for the event and the answer.
            let shown = order_json(&order, &items, None);
            crate::events::emit(tx, "order.created", Some(&order.merchant_id), shown.clone(), ctx.now)?;
            Ok(ApiResponse::created(shown))
        })
        .await)
}

/// A new order's draft from a request's items and address (checked here; stock is reserved by
/// [`fill_order`]).
pub(super) fn draft_order(
    user: &store::UserRecord,
    items: &[OrderItemBody],
    address: &ShippingAddress,
    metadata: String,
    now: i64,
) -> Result<OrderRecord, ApiError> {
    if items.is_empty() || items.len() > ORDER_ITEMS_MAX {
        return Err(ApiError::invalid("items", crate::msg!("err-order-items-count", max = ORDER_ITEMS_MAX)));
    }
    for (i, item) in items.iter().enumerate() {
        if !(1..=ITEM_QUANTITY_MAX).contains(&item.quantity) {
            return Err(ApiError::invalid(
                format!("items[{i}].quantity"),
                crate::msg!("err-order-quantity-invalid", max = ITEM_QUANTITY_MAX),
            ));
        }
    }
    let a = address;
    let country = domain::accounts::Country::parse(&a.country)
        .map_err(|_| ApiError::invalid("shipping_address.country", crate::msg!("err-order-country-invalid")))?;
    let optional = |param: &str, v: &Option<String>| -> Result<Option<String>, ApiError> {
        match v.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            Some(x) => Ok(Some(text(param, x, 100)?)),
            None => Ok(None),
        }
    };
    let draft = OrderRecord {
        id: random_id("ord"),
        number: String::new(),
        buyer_user_id: user.id.clone(),
        merchant_id: String::new(),
        status: OrderStatus::AwaitingPayment,
        amount: 0,
        currency: String::new(),
        ship_name: optional("shipping_address.name", &a.name)?.unwrap_or_else(|| user.email.clone()),
        ship_line1: text("shipping_address.line1", &a.line1, 100)?,
        ship_line2: optional("shipping_address.line2", &a.line2)?,
        ship_city: text("shipping_address.city", &a.city, 100)?,
        ship_state: optional("shipping_address.state", &a.state)?,
        ship_postal_code: text("shipping_address.postal_code", &a.postal_code, 20)?,
        ship_country: country.as_str().to_owned(),
        carrier: None,
        tracking_number: None,
        cancel_reason: None,
        created_at: now,
        paid_at: None,
        shipped_at: None,
        delivered_at: None,
        completed_at: None,
        canceled_at: None,
        metadata,
        checkout_id: None,
    };
    Ok(draft)
}

/// Fills a draft order with its items (each `(index in the request, product, quantity)`), reserving
/// their stock, numbers it and records it.
pub(super) fn fill_order(
    tx: &mut WriteTx<'_>,
    draft: OrderRecord,
    wanted: &[(usize, String, i64)],
) -> Result<(OrderRecord, Vec<OrderItemRecord>), ApiError> {
    let mut order = draft;
    let mut items = Vec::with_capacity(wanted.len());
    let mut total: i64 = 0;
    for (i, product_id, quantity) in wanted {
        let product = tx
            .product(product_id)?
            .ok_or_else(|| ApiError::not_found("product").with_param(format!("items[{i}].product")))?;
        if items.iter().any(|it: &OrderItemRecord| it.product_id == product.id) {
            return Err(ApiError::invalid(format!("items[{i}].product"), crate::msg!("err-order-product-repeated")));
        }
        if order.merchant_id.is_empty() {
            order.merchant_id = product.merchant_id.clone();
            order.currency = product.currency.clone();
        } else if order.merchant_id != product.merchant_id {
            return Err(ApiError::invalid(format!("items[{i}].product"), crate::msg!("err-order-one-seller")));
        }
        if !tx.take_stock(&product.id, *quantity)? {
            return Err(ApiError::conflict(
                "out_of_stock",
                crate::msg!("err-order-out-of-stock", name = &product.name),
            )
            .with_param(format!("items[{i}].quantity")));
        }
        let line = product
            .amount
            .checked_mul(*quantity)
            .ok_or_else(|| ApiError::bad_request("amount_invalid", crate::msg!("err-order-total-too-large")))?;
        total = total
            .checked_add(line)
            .ok_or_else(|| ApiError::bad_request("amount_invalid", crate::msg!("err-order-total-too-large")))?;
        items.push(OrderItemRecord {
            product_id: product.id,
            name: product.name,
            unit_amount: product.amount,
            quantity: *quantity,
        });
    }
    order.amount = total;
    order.number = domain::checkout::order_number(tx.next_counter("order_number")?);
    tx.insert_order(&order, &items)?;
    Ok((order, items))
}

/// Who may see an order: its buyer, its seller, operators. Others get 404.
pub(super) fn may_see(caller: &Caller, order: &OrderRecord) -> bool {
    match caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => user.id == order.buyer_user_id,
        Caller::User { role: domain::accounts::Role::Operator, .. } => true,
        Caller::Merchant { merchant } => merchant.id == order.merchant_id,
    }
}

pub(super) async fn list_orders(
    State(state): State<AppState>,
    caller: Caller,
    mut q: ListParams,
) -> Result<Response, ApiError> {
    let statuses: Vec<&str> = domain::checkout::OrderStatus::ALL.iter().map(|s| s.name()).collect();
    let status = q.status(&statuses)?;
    let page = q.page()?;
    let viewer_key = match &caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => (0, user.id.clone()),
        Caller::User { .. } => (2, String::new()),
        Caller::Merchant { merchant } => (1, merchant.id.clone()),
    };
    let rows = state
        .store
        .read(move |tx| {
            let viewer = match viewer_key.0 {
                0 => OrderViewer::Buyer(&viewer_key.1),
                1 => OrderViewer::Merchant(&viewer_key.1),
                _ => OrderViewer::Operator,
            };
            let orders = tx.orders(&viewer, status.as_deref().and_then(OrderStatus::parse), &page)?;
            orders.try_map(|o| {
                let items = tx.order_items(&o.id)?;
                let payment = match tx.payment_by_order(&o.id)? {
                    Some(p) => {
                        let attempts = tx.attempts(&p.id)?;
                        Some(payment_json(&p, &attempts))
                    }
                    None => None,
                };
                let mut shown = order_json(&o, &items, payment);
                shown["refunds"] =
                    Value::Array(tx.refunds(&o.id)?.iter().map(crate::views::refunds::refund_json).collect());
                shown["claims"] =
                    Value::Array(tx.claims_of_order(&o.id)?.iter().map(crate::views::claims::claim_json).collect());
                Ok::<_, store::StoreError>(shown)
            })
        })
        .await?;
    Ok(list_response(rows, Clone::clone))
}

pub(super) async fn load_order(state: &AppState, caller: &Caller, id: &str) -> Result<OrderRecord, ApiError> {
    let oid = id.to_owned();
    let order = state.store.read(move |tx| tx.order(&oid)).await?;
    order.filter(|o| may_see(caller, o)).ok_or_else(|| ApiError::not_found("order"))
}

pub(super) async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    load_order(&state, &caller, &id).await?;
    let shown = state.store.read(move |tx| Ok(order_view(tx, &id))).await??;
    Ok(axum::Json(shown).into_response())
}

pub(super) async fn get_payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let pid = id.clone();
    let payment = state.store.read(move |tx| tx.payment(&pid)).await?.ok_or_else(|| ApiError::not_found("payment"))?;
    match (&payment.order_id, &payment.checkout_id) {
        (Some(order_id), _) => {
            load_order(&state, &caller, order_id).await.map_err(|_| ApiError::not_found("payment"))?;
        }
        // A checkout's payment: its buyer and operators see it.
        (None, _) => {
            let mine = match &caller {
                Caller::User { user, role: domain::accounts::Role::Buyer, .. } => user.id == payment.buyer_user_id,
                Caller::User { role: domain::accounts::Role::Operator, .. } => true,
                Caller::Merchant { .. } => false,
            };
            if !mine {
                return Err(ApiError::not_found("payment"));
            }
        }
    }
    // With its `next_action` (the code's channel, masked recipient, expiry and tries left).
    let shown = state.store.read(move |tx| Ok(payment_view(tx, &id))).await??;
    Ok(axum::Json(shown).into_response())
}
