//! The shop: products, orders (stock reserved, never oversold), paying (Pocket, saved card, new card,
//! or Pocket plus card) which **authorizes**, shipping which **captures**, cancelling which **voids**,
//! delivery and receipt. Every attempt is kept; a failed one leaves the order payable.
//!
//! Paying follows decision 3 of DESIGN.md: a command claims the payment for one attempt (so concurrent
//! pays cannot both authorize) and holds the Pocket part; the card is authorized outside any
//! transaction with the attempt id as the issuer's key; a last command records the outcome (and, on
//! failure, releases the Pocket hold). Capturing and voiding follow the same three steps.

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::checkout::{
    check_limits, one_time_code_from_random, split_payment, step_up_reasons, CodeChallenge, OrderStatus, PaymentStatus,
    RiskFacts, Split, StepUpReason, VerifyError, CODE_TTL_S, RESEND_COOLDOWN_S,
};
use domain::money::Currency;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{
    AttemptRecord, ChallengeRecord, OrderItemRecord, OrderRecord, OrderViewer, PaymentRecord, ProductRecord, ReadTx,
    WriteTx,
};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{object_schema, Access, Api, Endpoint, Verb};
use crate::payment_method::{
    authorize_card, resolve_card, AuthorizeOutcome, AuthorizeSpec, ChargeableCard, PaymentMethodBody,
};
use crate::pocket::{self, codes, platform_account, post, HoldSpec};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Items in one order at most, and units of one item.
pub const ORDER_ITEMS_MAX: usize = 50;
pub const ITEM_QUANTITY_MAX: i64 = 1_000;
/// Longest product name and description.
const PRODUCT_NAME_LENGTH_MAX: usize = 200;
const PRODUCT_DESCRIPTION_LENGTH_MAX: usize = 5_000;

pub(crate) fn register(api: Api) -> Api {
    let address = json!({ "type": "object", "required": ["line1", "city", "postal_code", "country"],
        "properties": { "name": {"type": "string"}, "line1": {"type": "string"}, "line2": {"type": "string"},
            "city": {"type": "string"}, "state": {"type": "string"}, "postal_code": {"type": "string"}, "country": {"type": "string"} } });
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/products",
            summary: "Lists a product for sale, priced in the seller's currency",
            access: Access::Seller,
            body: Some(object_schema(&[
                ("name", "string", true),
                ("description", "string", false),
                ("amount", "integer", true),
                ("currency", "string", true),
                ("stock", "integer", false),
            ])),
            success: 201,
        },
        create_product,
    )
    .add(Endpoint { verb: Verb::Get, path: "/v1/products", summary: "Products for sale, newest first", access: Access::Anyone, body: None, success: 200 }, list_products)
    .add(Endpoint { verb: Verb::Get, path: "/v1/products/{id}", summary: "A product", access: Access::Anyone, body: None, success: 200 }, get_product)
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders",
            summary: "Orders products of one seller; stock is reserved",
            access: Access::Buyer,
            body: Some(json!({ "type": "object", "additionalProperties": false, "required": ["items", "shipping_address"],
                "properties": { "items": { "type": "array", "items": { "type": "object", "required": ["product", "quantity"],
                    "properties": { "product": {"type": "string"}, "quantity": {"type": "integer"} } } },
                    "shipping_address": address, "coupon": {"type": "string"} } })),
            success: 201,
        },
        create_order,
    )
    .add(
        Endpoint { verb: Verb::Get, path: "/v1/orders", summary: "Orders: a buyer's own, a seller's, or all for operators", access: Access::Anyone, body: None, success: 200 },
        list_orders,
    )
    .add(
        Endpoint { verb: Verb::Get, path: "/v1/orders/{id}", summary: "An order with its payment", access: Access::Anyone, body: None, success: 200 },
        get_order,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/pay",
            summary: "Pays an order: authorizes the card and holds Pocket money; nothing is charged until shipping",
            access: Access::Buyer,
            body: Some(json!({ "type": "object", "additionalProperties": false, "required": ["payment_method"],
                "properties": { "payment_method": {"type": "object"}, "pocket_amount": {"type": "integer"},
                    "currency": {"type": "string"}, "fx_quote": {"type": "string"} } })),
            success: 200,
        },
        pay_order,
    )
    .add(
        Endpoint { verb: Verb::Get, path: "/v1/payments/{id}", summary: "A payment with every attempt", access: Access::Anyone, body: None, success: 200 },
                get_payment,
    )
    .add(
        Endpoint {
            verb: Verb::Put,
            path: "/v1/fx/rates/{from}/{to}",
            summary: "Sets an exchange rate (units of `to` per one `from`), as an exact decimal string",
            access: Access::Operator,
            body: Some(object_schema(&[("rate", "string", true)])),
            success: 200,
        },
        put_rate,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/fx/rates",
            summary: "Every exchange rate operators set",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        list_rates,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/fx/quotes",
            summary: "Locks a rate for 15 minutes: what an amount costs in the buyer's currency",
            access: Access::Buyer,
            body: Some(object_schema(&[("from", "string", true), ("to", "string", true), ("amount", "integer", true)])),
            success: 201,
        },
        create_quote,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/payments/{id}/verify",
            summary: "Confirms a payment with the one-time code sent by SMS or email",
            access: Access::Buyer,
            body: Some(object_schema(&[("code", "string", true)])),
            success: 200,
        },
        verify_payment,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/payments/{id}/resend_code",
            summary: "Sends a new one-time code (at most once a minute)",
            access: Access::Buyer,
            body: Some(object_schema(&[("channel", "string", false)])),
            success: 200,
        },
        resend_code,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/ship",
            summary: "Ships an order: the payment is captured",
            access: Access::Seller,
            body: Some(object_schema(&[("carrier", "string", true), ("tracking_number", "string", true)])),
            success: 200,
        },
        ship_order,
    )
    .add(
        Endpoint { verb: Verb::Post, path: "/v1/orders/{id}/deliver", summary: "Marks an order delivered (starts the claim window)", access: Access::Seller, body: None, success: 200 },
        deliver_order,
    )
    .add(
        Endpoint { verb: Verb::Post, path: "/v1/orders/{id}/confirm_receipt", summary: "The buyer confirms receipt: the order is completed", access: Access::Buyer, body: None, success: 200 },
        confirm_receipt,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/cancel",
            summary: "Cancels before shipping: the authorization is voided and Pocket holds released",
            access: Access::Anyone,
            body: Some(object_schema(&[("reason", "string", false)])),
            success: 200,
        },
        cancel_order,
    )
}

fn text(param: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::missing(param));
    }
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(param, format!("{param} must be at most {max} printable characters.")));
    }
    Ok(v.to_owned())
}

fn product_json(p: &ProductRecord) -> Value {
    json!({ "id": p.id, "object": "product", "merchant": p.merchant_id, "name": p.name, "description": p.description,
            "amount": p.amount, "currency": p.currency, "stock": p.stock, "created": p.created_at })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateProduct {
    name: String,
    description: Option<String>,
    amount: i64,
    currency: String,
    stock: Option<i64>,
}

async fn create_product(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateProduct>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let name = text("name", &body.name, PRODUCT_NAME_LENGTH_MAX)?;
    let description = match body.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(text("description", d, PRODUCT_DESCRIPTION_LENGTH_MAX)?),
        None => None,
    };
    if body.amount <= 0 {
        return Err(ApiError::bad_request("amount_invalid", "The price must be a positive amount in minor units.")
            .with_param("amount"));
    }
    if body.currency != merchant.currency {
        return Err(ApiError::bad_request(
            "currency_not_supported",
            format!("Products are priced in the shop's currency, {}.", merchant.currency),
        )
        .with_param("currency"));
    }
    if body.stock.is_some_and(|s| s < 0) {
        return Err(ApiError::invalid("stock", "stock cannot be negative."));
    }
    let product = ProductRecord {
        id: random_id("prod"),
        merchant_id: merchant.id,
        name,
        description,
        amount: body.amount,
        currency: body.currency,
        stock: body.stock,
        created_at: state.clock.now(),
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            tx.insert_product(&product)?;
            Ok(ApiResponse::created(product_json(&product)))
        })
        .await)
}

async fn list_products(State(state): State<AppState>, page: ListParams) -> Result<Response, ApiError> {
    let (limit, fetch) = (page.limit, page.fetch());
    let (rows, names) = state
        .store
        .read(move |tx| {
            let rows = tx.products(page.starting_after.as_deref(), fetch)?;
            let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
            for p in &rows {
                if !names.contains_key(&p.merchant_id) {
                    if let Some(m) = tx.merchant(&p.merchant_id)? {
                        names.insert(m.id, m.name);
                    }
                }
            }
            Ok((rows, names))
        })
        .await?;
    Ok(list_response(rows, limit, |p| {
        let mut shown = product_json(p);
        shown["merchant_name"] = json!(names.get(&p.merchant_id));
        shown
    }))
}

async fn get_product(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let found = state
        .store
        .read(move |tx| {
            let Some(p) = tx.product(&id)? else { return Ok(None) };
            let name = tx.merchant(&p.merchant_id)?.map(|m| m.name);
            Ok(Some((p, name)))
        })
        .await?;
    let (product, merchant_name) = found.ok_or_else(|| ApiError::not_found("product"))?;
    let mut shown = product_json(&product);
    shown["merchant_name"] = json!(merchant_name);
    Ok(axum::Json(shown).into_response())
}

fn payment_json(p: &PaymentRecord, attempts: &[AttemptRecord]) -> Value {
    let attempts: Vec<Value> = attempts
        .iter()
        .map(|a| {
            json!({ "id": a.id, "status": a.status, "pocket_amount": a.pocket_amount, "card_amount": a.card_amount,
            "card": a.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": a.card_last4 })),
            "code": a.error_code, "decline_code": a.decline_code, "created": a.created_at })
        })
        .collect();
    let last_error = p
        .last_error_code
        .as_ref()
        .map(|code| json!({ "code": code, "decline_code": p.last_decline_code, "message": p.last_error_message }));
    json!({
        "id": p.id, "object": "payment", "order": p.order_id, "status": p.status, "amount": p.amount, "currency": p.currency,
        "pocket_amount": p.pocket_amount, "card_amount": p.card_amount,
        "card": p.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": p.card_last4 })),
        "presentment": p.presentment.as_ref().map(|(amount, currency, rate)| json!({ "amount": amount, "currency": currency, "rate": rate })),
        "next_action": Value::Null, "capture_before": p.authorization_expires_at,
        "amount_captured": p.amount_captured, "amount_refunded": p.amount_refunded,
        "last_error": last_error, "attempts": attempts, "created": p.created_at,
    })
}

fn order_json(o: &OrderRecord, items: &[OrderItemRecord], payment: Option<Value>) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|i| json!({ "product": i.product_id, "name": i.name, "unit_amount": i.unit_amount, "quantity": i.quantity }))
        .collect();
    json!({
        "id": o.id, "object": "order", "number": o.number, "merchant": o.merchant_id, "buyer": o.buyer_user_id,
        "status": o.status, "amount": o.amount, "currency": o.currency, "items": items,
        "shipping_address": { "name": o.ship_name, "line1": o.ship_line1, "line2": o.ship_line2, "city": o.ship_city,
            "state": o.ship_state, "postal_code": o.ship_postal_code, "country": o.ship_country },
        "carrier": o.carrier, "tracking_number": o.tracking_number, "cancel_reason": o.cancel_reason,
        "payment": payment, "refunds": [], "claims": [],
        "created": o.created_at, "paid_at": o.paid_at, "shipped_at": o.shipped_at, "delivered_at": o.delivered_at,
        "completed_at": o.completed_at, "canceled_at": o.canceled_at,
    })
}

/// The order as the API shows it, read inside a command.
fn order_view(tx: &ReadTx<'_>, order_id: &str) -> Result<Value, ApiError> {
    let order = tx.order(order_id)?.ok_or_else(|| ApiError::not_found("order"))?;
    let items = tx.order_items(order_id)?;
    let payment = match tx.payment_by_order(order_id)? {
        Some(p) => Some(payment_view(tx, &p.id)?),
        None => None,
    };
    let mut shown = order_json(&order, &items, payment);
    shown["refunds"] = Value::Array(crate::routes::refunds::refunds_json(tx, order_id)?);
    shown["claims"] =
        Value::Array(tx.claims_of_order(order_id)?.iter().map(crate::routes::claims::claim_json).collect());
    Ok(shown)
}

fn payment_view(tx: &ReadTx<'_>, payment_id: &str) -> Result<Value, ApiError> {
    let p = tx.payment(payment_id)?.ok_or_else(|| ApiError::not_found("payment"))?;
    let attempts = tx.attempts(payment_id)?;
    let mut shown = payment_json(&p, &attempts);
    if p.status == PaymentStatus::RequiresAction.name() {
        if let Some(c) = tx.challenge(payment_id)? {
            shown["next_action"] = json!({ "type": "verify_code", "channel": c.channel, "sent_to": mask_recipient(&c.channel, &c.recipient),
                "expires_at": c.expires_at, "attempts_left": c.attempts_left, "reasons": c.reasons.split(',').collect::<Vec<_>>() });
        }
    }
    Ok(shown)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderItemBody {
    product: String,
    quantity: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShippingAddress {
    name: Option<String>,
    line1: String,
    line2: Option<String>,
    city: String,
    state: Option<String>,
    postal_code: String,
    country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateOrder {
    items: Vec<OrderItemBody>,
    shipping_address: ShippingAddress,
    coupon: Option<String>,
}

async fn create_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateOrder>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if body.coupon.is_some() {
        return Err(ApiError::invalid("coupon", "This coupon is not valid."));
    }
    if body.items.is_empty() || body.items.len() > ORDER_ITEMS_MAX {
        return Err(ApiError::invalid("items", format!("An order has 1 to {ORDER_ITEMS_MAX} items.")));
    }
    for (i, item) in body.items.iter().enumerate() {
        if !(1..=ITEM_QUANTITY_MAX).contains(&item.quantity) {
            return Err(ApiError::invalid(
                format!("items[{i}].quantity"),
                format!("quantity must be 1 to {ITEM_QUANTITY_MAX}."),
            ));
        }
    }
    let a = &body.shipping_address;
    let country = domain::accounts::Country::parse(&a.country)
        .map_err(|_| ApiError::invalid("shipping_address.country", "Enter a two-letter country code, such as US."))?;
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
        status: OrderStatus::AwaitingPayment.name().into(),
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
        created_at: state.clock.now(),
        paid_at: None,
        shipped_at: None,
        delivered_at: None,
        completed_at: None,
        canceled_at: None,
    };
    let wanted: Vec<(String, i64)> = body.items.iter().map(|i| (i.product.clone(), i.quantity)).collect();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _ctx| {
            let mut order = draft;
            let mut items = Vec::with_capacity(wanted.len());
            let mut total: i64 = 0;
            for (i, (product_id, quantity)) in wanted.iter().enumerate() {
                let product = tx
                    .product(product_id)?
                    .ok_or_else(|| ApiError::not_found("product").with_param(format!("items[{i}].product")))?;
                if items.iter().any(|it: &OrderItemRecord| it.product_id == product.id) {
                    return Err(ApiError::invalid(
                        format!("items[{i}].product"),
                        "List each product once, with its quantity.",
                    ));
                }
                if order.merchant_id.is_empty() {
                    order.merchant_id = product.merchant_id.clone();
                    order.currency = product.currency.clone();
                } else if order.merchant_id != product.merchant_id {
                    return Err(ApiError::invalid(
                        format!("items[{i}].product"),
                        "All products of one order belong to one seller.",
                    ));
                }
                if !tx.take_stock(&product.id, *quantity)? {
                    return Err(ApiError::conflict("out_of_stock", format!("Not enough of {} is left.", product.name))
                        .with_param(format!("items[{i}].quantity")));
                }
                let line = product
                    .amount
                    .checked_mul(*quantity)
                    .ok_or_else(|| ApiError::bad_request("amount_invalid", "The order total is too large."))?;
                total = total
                    .checked_add(line)
                    .ok_or_else(|| ApiError::bad_request("amount_invalid", "The order total is too large."))?;
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
            Ok(ApiResponse::created(order_json(&order, &items, None)))
        })
        .await)
}

/// Who may see an order: its buyer, its seller, operators. Others get 404.
fn may_see(caller: &Caller, order: &OrderRecord) -> bool {
    match caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => user.id == order.buyer_user_id,
        Caller::User { role: domain::accounts::Role::Operator, .. } => true,
        Caller::Merchant { merchant } => merchant.id == order.merchant_id,
    }
}

async fn list_orders(State(state): State<AppState>, caller: Caller, page: ListParams) -> Result<Response, ApiError> {
    let viewer_key = match &caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => (0, user.id.clone()),
        Caller::User { .. } => (2, String::new()),
        Caller::Merchant { merchant } => (1, merchant.id.clone()),
    };
    let (limit, fetch) = (page.limit, page.fetch());
    let rows = state
        .store
        .read(move |tx| {
            let viewer = match viewer_key.0 {
                0 => OrderViewer::Buyer(&viewer_key.1),
                1 => OrderViewer::Merchant(&viewer_key.1),
                _ => OrderViewer::Operator,
            };
            let orders = tx.orders(&viewer, page.starting_after.as_deref(), fetch)?;
            let mut out = Vec::with_capacity(orders.len());
            for o in orders {
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
                    Value::Array(tx.refunds(&o.id)?.iter().map(crate::routes::refunds::refund_json).collect());
                shown["claims"] =
                    Value::Array(tx.claims_of_order(&o.id)?.iter().map(crate::routes::claims::claim_json).collect());
                out.push(shown);
            }
            Ok(out)
        })
        .await?;
    Ok(list_response(rows, limit, Clone::clone))
}

async fn load_order(state: &AppState, caller: &Caller, id: &str) -> Result<OrderRecord, ApiError> {
    let oid = id.to_owned();
    let order = state.store.read(move |tx| tx.order(&oid)).await?;
    order.filter(|o| may_see(caller, o)).ok_or_else(|| ApiError::not_found("order"))
}

async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    load_order(&state, &caller, &id).await?;
    let shown = state.store.read(move |tx| Ok(order_view(tx, &id))).await??;
    Ok(axum::Json(shown).into_response())
}

async fn get_payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let pid = id.clone();
    let payment = state.store.read(move |tx| tx.payment(&pid)).await?.ok_or_else(|| ApiError::not_found("payment"))?;
    load_order(&state, &caller, &payment.order_id).await.map_err(|_| ApiError::not_found("payment"))?;
    // With its `next_action` (the code's channel, masked recipient, expiry and tries left).
    let shown = state.store.read(move |tx| Ok(payment_view(tx, &id))).await??;
    Ok(axum::Json(shown).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayBody {
    payment_method: PaymentMethodBody,
    pocket_amount: Option<i64>,
    currency: Option<String>,
    fx_quote: Option<String>,
}

fn not_payable(message: &str) -> ApiError {
    ApiError::conflict("order_not_payable", message.to_owned())
}

/// A card and split waiting for the buyer's one-time code (kept in memory only: a security code is
/// never stored; after a restart the buyer enters a new card again).
#[derive(Clone)]
pub struct PendingPayment {
    pub card: Option<ChargeableCard>,
    /// The card as typed at checkout (none for a saved card): kept sealed for other processes if the
    /// bank demands a code.
    pub typed_method: Option<PaymentMethodBody>,
    pub split: Split,
    pub merchant_country: String,
    pub expires_at: i64,
}

/// Pending payments kept in memory at most (older ones are dropped first).
pub const PENDING_PAYMENTS_MAX: usize = 100_000;

fn remember_pending(state: &AppState, payment_id: &str, pending: PendingPayment, now: i64) {
    if let Ok(mut map) = state.pending_payments.lock() {
        map.retain(|_, p| p.expires_at > now);
        if map.len() >= PENDING_PAYMENTS_MAX {
            return;
        }
        map.insert(payment_id.to_owned(), pending);
    }
}

fn take_pending(state: &AppState, payment_id: &str) -> Option<PendingPayment> {
    state.pending_payments.lock().ok().and_then(|mut map| map.remove(payment_id))
}

/// What step 1 of paying decided.
enum Claimed {
    /// The answer is ready (a failure, or a code was sent).
    Answered(ApiResponse),
    /// The payment is claimed for this attempt: go on to authorize.
    Claimed { payment_id: String, attempt_id: String },
}

fn mask_recipient(channel: &str, to: &str) -> String {
    if channel == "sms" {
        let digits: String = to.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        return format!("•••• {digits}");
    }
    match to.split_once('@') {
        Some((local, domain)) => format!("{}•••@{domain}", local.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

/// Starts a one-time-code challenge for the payment: the code goes by SMS (or email without a phone)
/// through the outbox; only its keyed hash is stored, bound to the payment and its amount.
/// Codes one payment attempt may have sent (the first and its resends).
pub const CODE_SENDS_MAX: u32 = 5;

fn start_challenge(
    tx: &mut WriteTx<'_>,
    secret: &crate::ServerSecret,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    reasons: &[StepUpReason],
    channel_wanted: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    // A resend for the same attempt counts on from the codes already sent.
    let sends = match tx.challenge(&payment.id)? {
        Some(previous) if previous.attempt_id == attempt_id => previous.sends.saturating_add(1),
        _ => 1,
    };
    let user = tx.user(&payment.buyer_user_id)?.ok_or_else(ApiError::internal)?;
    let (channel, recipient) = match (channel_wanted, &user.phone) {
        (Some("email"), _) | (_, None) => ("email", user.email.clone()),
        (_, Some(phone)) => ("sms", phone.clone()),
    };
    let code = one_time_code_from_random(crate::secrets::random_u64());
    let code_hash = secret.keyed_hash("payment-code", format!("{}:{code}", payment.id).as_bytes());
    let challenge = CodeChallenge::new(code_hash, payment.id.clone(), payment.amount, payment.currency.clone(), now);
    let names: Vec<&str> = reasons.iter().map(|r| r.name()).collect();
    tx.put_challenge(&ChallengeRecord {
        payment_id: payment.id.clone(),
        attempt_id: attempt_id.to_owned(),
        code_hash: challenge.code_hash.clone(),
        amount: challenge.amount_minor,
        currency: challenge.currency.clone(),
        expires_at: challenge.expires_at,
        attempts_left: challenge.attempts_left,
        sent_at: challenge.sent_at,
        channel: channel.into(),
        recipient: recipient.clone(),
        reasons: names.join(","),
        sends,
    })?;
    let amount = Currency::parse(&payment.currency)
        .map(|c| domain::money::Money::new(payment.amount, c).format())
        .unwrap_or_default();
    let text = format!(
        "Pocketpay: your code to approve a payment of {amount} is {code}. It expires in 10 minutes. Never share it."
    );
    tx.enqueue_message(
        &store::NewOutboxMessage {
            channel,
            recipient: &recipient,
            subject: "Approve your payment",
            body: &text,
            code: Some(&code),
        },
        now,
    )?;
    payment.status = PaymentStatus::RequiresAction.name().into();
    payment.attempt_in_progress = Some(attempt_id.to_owned());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    tx.finish_attempt(attempt_id, "requires_action", None, None, None)?;
    Ok(())
}

fn limit_error(e: domain::checkout::LimitError) -> ApiError {
    let mut error = ApiError::payment(&domain::declines::PaymentFailure::InsufficientPocketBalance);
    error.code = e.code();
    error.message = e.to_string();
    error.advice = vec![
        "Pay a smaller amount, or wait until the limit resets.".into(),
        "Contact support if you need a higher limit.".into(),
    ];
    error
}

async fn pay_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PayBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.clone().buyer()?;
    if let Some(bound) = idem.as_ref().and_then(|e| e.0.resume.clone()) {
        return Ok(resume_payment(&state, idem, &bound).await);
    }
    let order = load_order(&state, &caller, &id).await?;
    let fx = match (&body.currency, &body.fx_quote) {
        (Some(c), _) if *c == order.currency => None,
        (None, None) => None,
        (Some(_), None) => return Err(ApiError::missing("fx_quote")),
        (_, Some(q)) => {
            if body.pocket_amount.is_some() || body.payment_method.kind == "pocket" {
                return Err(ApiError::invalid("fx_quote", "A payment in another currency is paid by card only."));
            }
            Some((q.clone(), body.currency.clone()))
        }
    };
    let method_is_pocket = body.payment_method.kind == "pocket";
    let split = split_payment(order.amount, body.pocket_amount, method_is_pocket)
        .map_err(|e| ApiError::bad_request(e.code(), e.to_string()).with_param("pocket_amount"))?;
    let card: Option<ChargeableCard> =
        if split.card_minor > 0 { Some(resolve_card(&state, &user.id, &body.payment_method).await?) } else { None };
    let typed_method =
        (split.card_minor > 0 && body.payment_method.new_card.is_some()).then(|| body.payment_method.clone());
    let mid = order.merchant_id.clone();
    let merchant_country =
        state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();

    // Step 1: claim the payment for this attempt; decide whether the buyer must confirm with a code.
    let (card_brand, card_last4, card_id) = match &card {
        Some(c) => (Some(c.brand.clone()), Some(c.last4.clone()), c.saved.as_ref().map(|s| s.id.clone())),
        None => (None, None, None),
    };
    let risk_facts = card
        .as_ref()
        .map(|c| (c.saved.is_none(), c.saved.as_ref().map(|s| s.country.clone()).filter(|c| !c.is_empty())));
    let order_id = order.id.clone();
    let secret = state.secret.clone();
    let config = state.config.clone();
    let buyer_country = user.country.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let claimed = state
        .store
        .write(move |tx| -> Result<Claimed, ApiError> {
            let order = tx.order(&order_id)?.ok_or_else(|| ApiError::not_found("order"))?;
            let status = OrderStatus::parse(&order.status).ok_or_else(ApiError::internal)?;
            status.pay().map_err(|_| not_payable("This order is not awaiting payment."))?;
            if order.currency == config.spending_limits.currency.code() {
                let (y, m) = domain::calendar::year_month_of(now);
                let first_of_month = domain::calendar::days_from_civil(y, m, 1);
                let today = tx.spent_from_day(&order.buyer_user_id, &order.currency, now.div_euclid(86_400))?;
                let month = tx.spent_from_day(&order.buyer_user_id, &order.currency, first_of_month)?;
                check_limits(&config.spending_limits, today, month, order.amount).map_err(limit_error)?;
            }
            let presentment = match &fx {
                None => None,
                Some((quote_id, wanted)) => {
                    let q = tx
                        .quote(quote_id)?
                        .filter(|q| q.user_id == order.buyer_user_id)
                        .ok_or_else(|| ApiError::invalid("fx_quote", "No such quote."))?;
                    if q.from_currency != order.currency
                        || q.from_amount != order.amount
                        || wanted.as_ref().is_some_and(|w| *w != q.to_currency)
                    {
                        return Err(ApiError::invalid(
                            "fx_quote",
                            "This quote is for another amount or currency: ask for a quote for this order.",
                        ));
                    }
                    if now >= q.expires_at {
                        return Err(ApiError::bad_request(
                            "fx_quote_expired",
                            "The locked exchange rate has expired. Nothing was charged.",
                        )
                        .with_param("fx_quote")
                        .with_advice(&["Ask for a new quote and pay again."]));
                    }
                    Some((q.to_amount, q.to_currency, q.rate))
                }
            };
            let mut payment = match tx.payment_by_order(&order.id)? {
                Some(p) => p,
                None => {
                    let p = PaymentRecord {
                        id: random_id("pay"),
                        order_id: order.id.clone(),
                        buyer_user_id: order.buyer_user_id.clone(),
                        status: PaymentStatus::RequiresPaymentMethod.name().into(),
                        amount: order.amount,
                        currency: order.currency.clone(),
                        pocket_amount: 0,
                        card_amount: 0,
                        card_id: None,
                        card_brand: None,
                        card_last4: None,
                        hold_id: None,
                        authorization_id: None,
                        authorization_expires_at: None,
                        amount_captured: 0,
                        amount_refunded: 0,
                        attempt_in_progress: None,
                        last_error_code: None,
                        last_decline_code: None,
                        last_error_message: None,
                        created_at: now,
                        updated_at: now,
                        presentment: None,
                    };
                    tx.insert_payment(&p)?;
                    p
                }
            };
            if payment.status == PaymentStatus::RequiresAction.name() {
                // The buyer pays another way instead of typing the code: the waiting attempt is abandoned.
                if let Some(waiting) = payment.attempt_in_progress.take() {
                    tx.finish_attempt(&waiting, "abandoned", None, None, None)?;
                }
                tx.delete_challenge(&payment.id)?;
                payment.status = PaymentStatus::RequiresPaymentMethod.name().into();
            }
            if payment.attempt_in_progress.is_some() {
                return Err(not_payable("A payment attempt for this order is in progress; wait for its answer."));
            }
            if let Some(key) = &bind {
                // A retry of this request after a crash resumes this payment instead of paying again.
                key.bind(tx, &payment.id, now).map_err(bind_error)?;
            }
            let attempt = AttemptRecord {
                id: random_id("att"),
                payment_id: payment.id.clone(),
                status: "processing".into(),
                pocket_amount: split.pocket_minor,
                card_amount: split.card_minor,
                card_id: card_id.clone(),
                card_brand: card_brand.clone(),
                card_last4: card_last4.clone(),
                authorization_id: None,
                error_code: None,
                decline_code: None,
                created_at: now,
            };
            tx.insert_attempt(&attempt)?;
            payment.pocket_amount = split.pocket_minor;
            payment.card_amount = split.card_minor;
            payment.card_id = card_id;
            payment.card_brand = card_brand;
            payment.card_last4 = card_last4;
            payment.hold_id = None;
            payment.presentment = presentment;
            payment.attempt_in_progress = Some(attempt.id.clone());
            payment.updated_at = now;
            tx.update_payment(&payment)?;
            if let Some((new_card, card_country)) = risk_facts {
                let facts = RiskFacts {
                    new_card: new_card && config.step_up_new_cards,
                    amount_minor: order.amount,
                    card_country,
                    buyer_country,
                    recent_payments: tx
                        .recent_payments(&order.buyer_user_id, config.risk.velocity_window_start(now))?,
                    issuer_demands: false,
                };
                let reasons = step_up_reasons(&config.risk, &facts);
                if !reasons.is_empty() {
                    start_challenge(tx, &secret, &mut payment, &attempt.id, &reasons, None, now)?;
                    let shown = payment_view(&tx.reads(), &payment.id)?;
                    let _ = &request_id;
                    return Ok(Claimed::Answered(ApiResponse::ok(shown)));
                }
            }
            // Step 2 in the same command: hold the Pocket part (one durable round trip fewer).
            if let Some(answer) = hold_pocket_part(tx, &payment.id, &attempt.id, split, now, &request_id)? {
                return Ok(Claimed::Answered(answer));
            }
            Ok(Claimed::Claimed { payment_id: payment.id, attempt_id: attempt.id })
        })
        .await?;
    let (payment_id, attempt_id) = match claimed {
        Claimed::Answered(answer) => {
            state.failpoint("pay.answered");
            if answer.body["status"] == PaymentStatus::RequiresAction.name() {
                if let Some(pid) = answer.body["id"].as_str() {
                    let pending = PendingPayment {
                        card,
                        typed_method: None,
                        split,
                        merchant_country,
                        expires_at: now + CODE_TTL_S,
                    };
                    remember_pending(&state, pid, pending, now);
                    if let Some(method) = &typed_method {
                        crate::payment_method::keep_checkout_card(&state, pid, method, now + CODE_TTL_S).await;
                    }
                }
            }
            return Ok(record_answer(&state, idem, answer).await);
        }
        Claimed::Claimed { payment_id, attempt_id } => (payment_id, attempt_id),
    };
    state.failpoint("pay.claimed");
    let pending = PendingPayment { card, typed_method, split, merchant_country, expires_at: now + CODE_TTL_S };
    Ok(authorize_attempt(&state, idem, &payment_id, &attempt_id, pending, false, true).await)
}

/// Steps 2 and 3 of paying, for a claimed attempt: hold the Pocket part, authorize the card part at
/// the issuer (outside any transaction), and record the outcome. An issuer that demands a code turns
/// the attempt into a challenge instead of a failure.
async fn authorize_attempt(
    state: &AppState,
    idem: Idem,
    payment_id: &str,
    attempt_id: &str,
    pending: PendingPayment,
    verified: bool,
    pocket_held: bool,
) -> Response {
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let (pid, aid) = (payment_id.to_owned(), attempt_id.to_owned());
    let split = pending.split;
    // Hold the Pocket part (and finish at once when the Pocket pays everything), unless the command
    // that claimed the attempt already did.
    let held = if pocket_held {
        Ok(None)
    } else {
        state.store.write(move |tx| hold_pocket_part(tx, &pid, &aid, split, now, &request_id)).await
    };
    match held {
        Ok(Some(answer)) => return record_answer(state, idem, answer).await,
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let Some(card) = pending.card.clone() else { return ApiError::internal().into_response() };
    let currency = state.store.read({
        let pid = payment_id.to_owned();
        move |tx| tx.payment(&pid)
    });
    let (card_amount, currency) = match currency.await {
        Ok(Some(p)) => match p.presentment {
            Some((amount, currency, _)) => (amount, currency),
            None => (split.card_minor, p.currency),
        },
        _ => return ApiError::internal().into_response(),
    };
    let spec = AuthorizeSpec {
        attempt_id,
        amount_minor: card_amount,
        currency: &currency,
        merchant_country: &pending.merchant_country,
        verified,
    };
    let outcome = authorize_card(state, &card, &spec).await;
    state.failpoint("pay.authorized");
    let (pid, aid) = (payment_id.to_owned(), attempt_id.to_owned());
    let secret = state.secret.clone();
    let to_save = card.to_save.clone();
    let typed_fingerprint = card.saved.is_none().then(|| card.fingerprint.clone());
    let demanded = matches!(&outcome, AuthorizeOutcome::Failed { error, .. } if error.code == "authentication_required")
        && !verified;
    let response = state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut payment = tx.payment(&pid)?.ok_or_else(ApiError::internal)?;
            if payment.attempt_in_progress.as_deref() != Some(aid.as_str()) {
                // Settled meanwhile (by the healer): show it as it is.
                return Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?));
            }
            payment.attempt_in_progress = None;
            payment.updated_at = ctx.now;
            match outcome {
                AuthorizeOutcome::Approved(a) => {
                    payment.status = PaymentStatus::RequiresCapture.name().into();
                    payment.authorization_id = Some(a.id.clone());
                    payment.authorization_expires_at = Some(a.expires_at);
                    payment.last_error_code = None;
                    payment.last_decline_code = None;
                    payment.last_error_message = None;
                    tx.update_payment(&payment)?;
                    tx.finish_attempt(&aid, "succeeded", Some(&a.id), None, None)?;
                    if let Some(fingerprint) = &typed_fingerprint {
                        tx.record_payment_card_fingerprint(&pid, fingerprint)?;
                    }
                    let order = tx.order(&payment.order_id)?.ok_or_else(ApiError::internal)?;
                    mark_paid(tx, &order, ctx.now)?;
                    if let Some(mut c) = to_save {
                        c.funding = a.facts.funding.clone();
                        c.country = a.facts.country.clone();
                        c.cvc_check = a.checks.cvc.name().into();
                        c.line1_check = a.checks.address_line1.name().into();
                        c.postal_check = a.checks.postal_code.name().into();
                        if tx.card_by_fingerprint(&c.user_id, &c.fingerprint)?.is_none() {
                            let first = tx.card_count(&c.user_id)? == 0;
                            tx.insert_card(&c)?;
                            if first {
                                tx.set_default_card(&c.user_id, Some(&c.id))?;
                            }
                        }
                    }
                    Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?))
                }
                AuthorizeOutcome::Failed { .. } if demanded => {
                    // The bank wants a code: release the hold, send a code, and try again once it is confirmed.
                    if let Some(hold_id) = payment.hold_id.take() {
                        pocket::release(tx, &hold_id, ctx.now)?;
                    }
                    start_challenge(tx, &secret, &mut payment, &aid, &[StepUpReason::IssuerDemand], None, ctx.now)?;
                    Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?))
                }
                AuthorizeOutcome::Failed { error, failure_code, authorization_id } => {
                    fail_attempt(tx, &mut payment, &aid, &error, &failure_code, authorization_id.as_deref(), ctx.now)?;
                    let shown = payment_view(&tx.reads(), &pid)?;
                    Ok(ctx.error_response(error.with_object("payment", shown)))
                }
                AuthorizeOutcome::Unknown(error) => {
                    // Leave the attempt open for the healer; the Pocket hold stays until it settles.
                    payment.attempt_in_progress = Some(aid.clone());
                    tx.update_payment(&payment)?;
                    let shown = payment_view(&tx.reads(), &pid)?;
                    Ok(ctx.error_response(error.with_object("payment", shown)))
                }
            }
        })
        .await;
    if demanded {
        // A card typed at checkout waits for the code sealed, for whichever process verifies it.
        if let Some(method) = &pending.typed_method {
            crate::payment_method::keep_checkout_card(state, payment_id, method, now + CODE_TTL_S).await;
        }
        remember_pending(state, payment_id, pending, now);
    }
    response
}

/// Step 2 of paying: holds the Pocket part of a claimed attempt. Answers at once when the hold fails
/// (the attempt fails, nothing held) or when the Pocket pays everything (the payment is authorized).
fn hold_pocket_part(
    tx: &mut WriteTx<'_>,
    pid: &str,
    aid: &str,
    split: Split,
    now: i64,
    request_id: &str,
) -> Result<Option<ApiResponse>, ApiError> {
    let mut payment = tx.payment(pid)?.ok_or_else(ApiError::internal)?;
    if payment.attempt_in_progress.as_deref() != Some(aid) {
        return Err(not_payable("This payment attempt is no longer open."));
    }
    let order = tx.order(&payment.order_id)?.ok_or_else(ApiError::internal)?;
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    if split.pocket_minor > 0 {
        let destination = crate::pocket::seller_payable(tx, &order.merchant_id, currency, now)?;
        let held = tx.savepoint(|tx| {
            pocket::hold(
                tx,
                &HoldSpec {
                    hold_id: aid,
                    user_id: &order.buyer_user_id,
                    amount: split.pocket_minor,
                    currency,
                    destination,
                    timeout_at: None,
                    reference: &order.number,
                },
                now,
            )
        });
        if let Err(e) = held {
            let code = e.code;
            fail_attempt(tx, &mut payment, aid, &e, code, None, now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            return Ok(Some(ApiResponse { status: e.status, body: e.with_object("payment", shown).body(request_id) }));
        }
        payment.hold_id = Some(aid.to_owned());
    }
    payment.status = PaymentStatus::RequiresPaymentMethod.name().into();
    payment.updated_at = now;
    if split.card_minor == 0 {
        payment.status = PaymentStatus::RequiresCapture.name().into();
        payment.attempt_in_progress = None;
        payment.last_error_code = None;
        payment.last_decline_code = None;
        payment.last_error_message = None;
        tx.update_payment(&payment)?;
        tx.finish_attempt(aid, "succeeded", None, None, None)?;
        mark_paid(tx, &order, now)?;
        return Ok(Some(ApiResponse::ok(payment_view(&tx.reads(), pid)?)));
    }
    tx.update_payment(&payment)?;
    Ok(None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    code: String,
}

/// What checking a code decided.
enum Checked {
    Answer(ApiResponse),
    Proceed { attempt_id: String, card_id: Option<String>, split: Split, merchant_id: String },
}

async fn verify_payment(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if let Some(bound) = idem.as_ref().and_then(|e| e.0.resume.clone()) {
        return Ok(resume_payment(&state, idem, &bound).await);
    }
    let Some(code) = domain::checkout::normalize_one_time_code(&body.code) else {
        return Err(ApiError::invalid("code", "The code is the 6 digits we sent you."));
    };
    let submitted = state.secret.keyed_hash("payment-code", format!("{id}:{code}").as_bytes());
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let pid = id.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let checked = state
        .store
        .write(move |tx| -> Result<Checked, ApiError> {
            let payment = tx
                .payment(&pid)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != PaymentStatus::RequiresAction.name() {
                return Err(ApiError::conflict("payment_not_awaiting_code", "This payment is not waiting for a code."));
            }
            let record = tx.challenge(&pid)?.ok_or_else(ApiError::internal)?;
            let mut challenge = CodeChallenge {
                code_hash: record.code_hash.clone(),
                payment_id: record.payment_id.clone(),
                amount_minor: record.amount,
                currency: record.currency.clone(),
                expires_at: record.expires_at,
                attempts_left: record.attempts_left,
                sent_at: record.sent_at,
            };
            match challenge.check(&submitted, &payment.id, payment.amount, &payment.currency, now) {
                Ok(()) => {
                    if let Some(key) = &bind {
                        key.bind(tx, &pid, now).map_err(bind_error)?;
                    }
                    tx.delete_challenge(&pid)?;
                    // The confirmed payment is authorized under a new attempt (a new key at the issuer,
                    // which may have refused the unverified one).
                    tx.finish_attempt(&record.attempt_id, "verified", None, None, None)?;
                    let previous = tx
                        .attempts(&pid)?
                        .into_iter()
                        .find(|a| a.id == record.attempt_id)
                        .ok_or_else(ApiError::internal)?;
                    let attempt = AttemptRecord {
                        id: random_id("att"),
                        status: "processing".into(),
                        created_at: now,
                        ..previous
                    };
                    tx.insert_attempt(&attempt)?;
                    let mut payment = payment;
                    payment.attempt_in_progress = Some(attempt.id.clone());
                    payment.status = PaymentStatus::RequiresPaymentMethod.name().into();
                    payment.updated_at = now;
                    tx.update_payment(&payment)?;
                    let split = Split { pocket_minor: payment.pocket_amount, card_minor: payment.card_amount };
                    let order = tx.order(&payment.order_id)?.ok_or_else(ApiError::internal)?;
                    Ok(Checked::Proceed {
                        attempt_id: attempt.id,
                        card_id: payment.card_id.clone(),
                        split,
                        merchant_id: order.merchant_id,
                    })
                }
                Err(e) => {
                    tx.put_challenge(&ChallengeRecord { attempts_left: challenge.attempts_left, ..record })?;
                    let mut error = ApiError::payment(&domain::declines::PaymentFailure::from(e));
                    if let VerifyError::TooManyAttempts = e {
                        error.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                        error.kind = crate::error::ErrorType::RateLimit;
                        error.retry_after_s =
                            Some(u64::try_from((challenge.sent_at + RESEND_COOLDOWN_S - now).max(1)).unwrap_or(1));
                    }
                    let shown = payment_view(&tx.reads(), &pid)?;
                    let retry = error.retry_after_s;
                    let mut answer = ApiResponse {
                        status: error.status,
                        body: error.with_object("payment", shown).body(&request_id),
                    };
                    if retry.is_some() {
                        answer.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                    }
                    Ok(Checked::Answer(answer))
                }
            }
        })
        .await?;
    let (attempt_id, card_id, split, merchant_id) = match checked {
        Checked::Answer(answer) => return Ok(record_answer(&state, idem, answer).await),
        Checked::Proceed { attempt_id, card_id, split, merchant_id } => (attempt_id, card_id, split, merchant_id),
    };
    state.failpoint("verify.checked");
    // A card typed at checkout kept sealed for any process (PostgreSQL): erased from the database now,
    // whichever process goes on to authorize.
    let sealed_method = crate::payment_method::take_checkout_card(&state, &id).await?;
    let pending = match take_pending(&state, &id) {
        Some(p) => p,
        None if card_id.is_none() && split.card_minor > 0 && sealed_method.is_some() => {
            let method = sealed_method.unwrap_or_else(|| unreachable!("checked just above"));
            let card = Some(resolve_card(&state, &user_id_of(&state, &id).await?, &method).await?);
            let mid = merchant_id.clone();
            let merchant_country =
                state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
            PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + CODE_TTL_S }
        }
        None => {
            // After a restart only a saved card can be resumed; a typed card must be entered again.
            let card = match (&card_id, split.card_minor > 0) {
                (_, false) => None,
                (Some(card_id), true) => {
                    let method = PaymentMethodBody {
                        kind: "card".into(),
                        card: Some(card_id.clone()),
                        new_card: None,
                        save: None,
                    };
                    Some(resolve_card(&state, &user_id_of(&state, &id).await?, &method).await?)
                }
                (None, true) => {
                    let pid = id.clone();
                    let aid = attempt_id.clone();
                    let failed = state
                        .store
                        .write(move |tx| -> Result<ApiResponse, ApiError> {
                            let mut p = tx.payment(&pid)?.ok_or_else(ApiError::internal)?;
                            let e = ApiError::payment(&domain::declines::PaymentFailure::VerificationExpired);
                            fail_attempt(tx, &mut p, &aid, &e, "verification_expired", None, now)?;
                            let shown = payment_view(&tx.reads(), &pid)?;
                            Ok(ApiResponse {
                                status: e.status,
                                body: e
                                    .with_advice(&["Enter your card again and pay."])
                                    .with_object("payment", shown)
                                    .body(&crate::error::current_request_id()),
                            })
                        })
                        .await?;
                    return Ok(record_answer(&state, idem, failed).await);
                }
            };
            let mid = merchant_id.clone();
            let merchant_country =
                state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
            PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + CODE_TTL_S }
        }
    };
    Ok(authorize_attempt(&state, idem, &id, &attempt_id, pending, true, false).await)
}

async fn user_id_of(state: &AppState, payment_id: &str) -> Result<String, ApiError> {
    let pid = payment_id.to_owned();
    state
        .store
        .read(move |tx| tx.payment(&pid))
        .await?
        .map(|p| p.buyer_user_id)
        .ok_or_else(|| ApiError::not_found("payment"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendBody {
    channel: Option<String>,
}

async fn resend_code(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if let Some(c) = body.channel.as_deref() {
        if c != "sms" && c != "email" {
            return Err(ApiError::invalid("channel", "channel is \"sms\" or \"email\"."));
        }
    }
    let secret = state.secret.clone();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut payment = tx
                .payment(&id)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != PaymentStatus::RequiresAction.name() {
                return Err(ApiError::conflict("payment_not_awaiting_code", "This payment is not waiting for a code."));
            }
            let record = tx.challenge(&id)?.ok_or_else(ApiError::internal)?;
            if record.sends >= CODE_SENDS_MAX {
                return Err(ApiError::rate_limited(
                    u64::try_from((record.expires_at - ctx.now).max(1)).unwrap_or(1),
                    "We have already sent the codes this payment may have.",
                )
                .with_advice(&[
                    "Use the last code we sent while it is valid.",
                    "Or pay again, or choose another way to pay, to get a new code.",
                ]));
            }
            if let Some(wait) = (record.sent_at + RESEND_COOLDOWN_S - ctx.now).checked_sub(0).filter(|w| *w > 0) {
                return Err(ApiError::rate_limited(
                    u64::try_from(wait).unwrap_or(1),
                    "Wait a minute before asking for another code.",
                ));
            }
            let reasons: Vec<StepUpReason> =
                StepUpReason::ALL.into_iter().filter(|r| record.reasons.split(',').any(|n| n == r.name())).collect();
            start_challenge(tx, &secret, &mut payment, &record.attempt_id, &reasons, body.channel.as_deref(), ctx.now)?;
            Ok(ApiResponse::ok(payment_view(&tx.reads(), &id)?))
        })
        .await)
}

/// Ends an attempt in failure: releases its Pocket hold and leaves the order payable.
fn fail_attempt(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    error: &ApiError,
    failure_code: &str,
    authorization_id: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(hold_id) = payment.hold_id.take() {
        pocket::release(tx, &hold_id, now)?;
    }
    let decline = error.decline_code;
    tracing::info!(attempt = attempt_id, failure = failure_code, "payment attempt failed");
    tx.finish_attempt(attempt_id, "failed", authorization_id, Some(error.code), decline)?;
    payment.status = PaymentStatus::RequiresPaymentMethod.name().into();
    payment.attempt_in_progress = None;
    payment.pocket_amount = 0;
    payment.card_amount = 0;
    payment.last_error_code = Some(error.code.into());
    payment.last_decline_code = decline.map(str::to_owned);
    payment.last_error_message = Some(error.message.clone());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    Ok(())
}

fn mark_paid(tx: &mut WriteTx<'_>, order: &OrderRecord, now: i64) -> Result<(), ApiError> {
    let mut paid = order.clone();
    paid.status = OrderStatus::Paid.name().into();
    paid.paid_at = Some(now);
    if !tx.update_order(&paid, OrderStatus::AwaitingPayment.name())? {
        return Err(not_payable("This order is not awaiting payment."));
    }
    Ok(())
}

/// The answer to a key whose binding failed: another request with it is running (in another process).
pub(crate) fn bind_error(e: store::StoreError) -> ApiError {
    if e.is_duplicate() {
        crate::idempotency::IdempotencyContext::busy()
    } else {
        e.into()
    }
}

/// A retried pay or verify whose answer was never recorded (a crash, a lost connection): the payment
/// it bound, as it stands once its attempt is settled — never a second attempt. While the attempt is
/// still open (the healer settles it within a minute or so), the retry is told to wait.
async fn resume_payment(state: &AppState, idem: Idem, payment_id: &str) -> Response {
    let pid = payment_id.to_owned();
    let found = state
        .store
        .read(move |tx| {
            let Some(p) = tx.payment(&pid)? else { return Ok(None) };
            Ok(Some((p.attempt_in_progress.is_some() && p.status != PaymentStatus::RequiresAction.name(), p)))
        })
        .await;
    let (open, payment) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return ApiError::internal().into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    if open {
        return crate::idempotency::IdempotencyContext::busy()
            .with_advice(&["Retry in a minute: the payment's outcome is being settled with the bank."])
            .into_response();
    }
    let pid = payment.id.clone();
    let failed = payment.status == PaymentStatus::RequiresPaymentMethod.name() && payment.last_error_code.is_some();
    let message = payment.last_error_message.clone();
    state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let shown = payment_view(&tx.reads(), &pid)?;
            if !failed {
                return Ok(ApiResponse::ok(shown));
            }
            let mut error = crate::payment_method::processing_error();
            if let Some(m) = message {
                error.message = m;
            }
            Ok(ctx.error_response(error.with_object("payment", shown)))
        })
        .await
}

/// Records an answer decided in an earlier command under the idempotency key.
async fn record_answer(state: &AppState, idem: Idem, answer: ApiResponse) -> Response {
    state.execute(idem.map(|e| e.0), move |_, _| Ok(answer)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShipBody {
    carrier: String,
    tracking_number: String,
}

async fn ship_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShipBody>,
) -> Result<Response, ApiError> {
    let merchant = caller.clone().merchant()?;
    let order = load_order(&state, &caller, &id).await?;
    let carrier = text("carrier", &body.carrier, 50)?;
    let tracking = text("tracking_number", &body.tracking_number, 100)?;
    let status = OrderStatus::parse(&order.status).ok_or_else(ApiError::internal)?;
    status.ship().map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
    // Step 1: claim the payment for the capture.
    let oid = order.id.clone();
    let claim = format!("capture:{}", random_id("cap"));
    let claim_id = claim.clone();
    let payment = state
        .store
        .write(move |tx| -> Result<PaymentRecord, ApiError> {
            let mut p = tx
                .payment_by_order(&oid)?
                .ok_or_else(|| ApiError::conflict("order_not_paid", "This order is not paid."))?;
            if p.attempt_in_progress.is_some() {
                return Err(ApiError::conflict("payment_busy", "The payment is being changed; try again in a moment."));
            }
            p.attempt_in_progress = Some(claim_id);
            tx.update_payment(&p)?;
            Ok(p)
        })
        .await?;
    state.failpoint("capture.claimed");
    // Step 2: capture the card part at the issuer (the key makes a retry safe).
    let mut capture_error = None;
    let capture_amount = payment.presentment.as_ref().map(|p| p.0).unwrap_or(payment.card_amount);
    if let (Some(auth_id), true) = (&payment.authorization_id, payment.card_amount > 0) {
        if let Err(e) = state.issuer.capture(auth_id, capture_amount, &format!("{}:capture", payment.id)).await {
            tracing::warn!(error = %e, payment = %payment.id, "capture at the issuer failed");
            capture_error = Some(e);
        }
    }
    state.failpoint("capture.captured");
    // Step 3: book it.
    let merchant_id = merchant.id.clone();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut p = tx.payment(&payment.id)?.ok_or_else(ApiError::internal)?;
            p.attempt_in_progress = None;
            if let Some(e) = capture_error {
                p.updated_at = ctx.now;
                tx.update_payment(&p)?;
                let error = match e {
                    issuer::IssuerError::AuthorizationExpired => ApiError::conflict(
                        "authorization_expired",
                        "The card authorization has expired; the buyer must pay again before you ship.",
                    ),
                    _ => ApiError::payment(&domain::declines::PaymentFailure::ProcessingError),
                };
                return Ok(ctx.error_response(error));
            }
            let mut order = tx.order(&payment.order_id)?.ok_or_else(ApiError::internal)?;
            let currency = Currency::parse(&p.currency).map_err(|_| ApiError::internal())?;
            if let Some(hold_id) = &p.hold_id {
                pocket::capture(tx, hold_id, p.pocket_amount, ctx.now)?;
            }
            if p.card_amount > 0 {
                let payable = crate::pocket::seller_payable(tx, &merchant_id, currency, ctx.now)?;
                match &p.presentment {
                    None => {
                        let clearing = platform_account(tx, "card_clearing", currency, ctx.now)?;
                        post(tx, clearing, payable, p.card_amount, currency, codes::CARD_CAPTURE, ctx.now)?;
                    }
                    Some((amount, buyer_currency, _)) => {
                        // The card network owes the buyer's currency; the seller is owed the order's: the
                        // platform's FX accounts take the difference (balanced per currency).
                        let buyer_currency = Currency::parse(buyer_currency).map_err(|_| ApiError::internal())?;
                        let clearing = platform_account(tx, "card_clearing", buyer_currency, ctx.now)?;
                        let fx_in = platform_account(tx, "fx", buyer_currency, ctx.now)?;
                        post(tx, clearing, fx_in, *amount, buyer_currency, codes::CARD_CAPTURE, ctx.now)?;
                        let fx_out = platform_account(tx, "fx", currency, ctx.now)?;
                        post(tx, fx_out, payable, p.card_amount, currency, codes::CARD_CAPTURE, ctx.now)?;
                    }
                }
            }
            p.status = PaymentStatus::Succeeded.name().into();
            p.amount_captured = p.amount;
            p.updated_at = ctx.now;
            tx.update_payment(&p)?;
            order.status = OrderStatus::Shipped.name().into();
            order.carrier = Some(carrier);
            order.tracking_number = Some(tracking);
            order.shipped_at = Some(ctx.now);
            if !tx.update_order(&order, OrderStatus::Paid.name())? {
                return Err(ApiError::conflict("order_already_shipped", "This order has already shipped."));
            }
            notify_buyer(
                tx,
                &order,
                "Your order has shipped",
                &format!("Order {} is on its way.", order.number),
                ctx.now,
            )?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &order.id)?))
        })
        .await)
}

/// Emails the buyer of an order (through the outbox).
pub(crate) fn notify_buyer(
    tx: &mut WriteTx<'_>,
    order: &OrderRecord,
    subject: &str,
    text: &str,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(user) = tx.user(&order.buyer_user_id)? {
        tx.enqueue_message(
            &store::NewOutboxMessage { channel: "email", recipient: &user.email, subject, body: text, code: None },
            now,
        )?;
    }
    Ok(())
}

async fn deliver_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.clone().merchant()?;
    load_order(&state, &caller, &id).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut order = tx.order(&id)?.ok_or_else(|| ApiError::not_found("order"))?;
            let status = OrderStatus::parse(&order.status).ok_or_else(ApiError::internal)?;
            let next = status.deliver().map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
            let before = order.status.clone();
            order.status = next.name().into();
            order.delivered_at = Some(ctx.now);
            tx.update_order(&order, &before)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

async fn confirm_receipt(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.clone().buyer()?;
    load_order(&state, &caller, &id).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut order = tx.order(&id)?.ok_or_else(|| ApiError::not_found("order"))?;
            let status = OrderStatus::parse(&order.status).ok_or_else(ApiError::internal)?;
            let next = status.confirm_receipt().map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
            let before = order.status.clone();
            order.status = next.name().into();
            order.completed_at = Some(ctx.now);
            if order.delivered_at.is_none() {
                order.delivered_at = Some(ctx.now);
            }
            tx.update_order(&order, &before)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: Option<String>,
}

async fn cancel_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CancelBody>,
) -> Result<Response, ApiError> {
    let order = load_order(&state, &caller, &id).await?;
    if matches!(&caller, Caller::User { role: domain::accounts::Role::Operator, .. }) {
        return Err(ApiError::forbidden("The buyer or the seller cancels an order."));
    }
    let reason = body.reason.map(|r| r.trim().chars().take(500).collect::<String>()).filter(|r| !r.is_empty());
    let status = OrderStatus::parse(&order.status).ok_or_else(ApiError::internal)?;
    status.cancel().map_err(|e| ApiError::conflict(e.code(), e.to_string()))?;
    // Step 1: claim the payment (if any) so that nothing captures meanwhile.
    let oid = order.id.clone();
    let payment = state
        .store
        .write(move |tx| -> Result<Option<PaymentRecord>, ApiError> {
            let Some(mut p) = tx.payment_by_order(&oid)? else { return Ok(None) };
            if p.status == PaymentStatus::RequiresAction.name() {
                // Waiting for the buyer's code, nothing authorized yet: the attempt is abandoned.
                if let Some(waiting) = p.attempt_in_progress.take() {
                    tx.finish_attempt(&waiting, "abandoned", None, None, None)?;
                }
                tx.delete_challenge(&p.id)?;
            }
            if p.attempt_in_progress.is_some() {
                return Err(ApiError::conflict("payment_busy", "The payment is being changed; try again in a moment."));
            }
            p.attempt_in_progress = Some(format!("cancel:{}", p.id));
            tx.update_payment(&p)?;
            Ok(Some(p))
        })
        .await?;
    state.failpoint("cancel.claimed");
    // Step 2: void the card authorization at the issuer.
    if let Some(p) = &payment {
        if let (Some(auth_id), "requires_capture") = (&p.authorization_id, p.status.as_str()) {
            if let Err(e) = state.issuer.void(auth_id, &format!("{}:void", p.id)).await {
                // An authorization that cannot be voided now still expires at the bank; the buyer is never charged.
                tracing::warn!(error = %e, payment = %p.id, "voiding at the issuer failed; the authorization will lapse");
            }
        }
    }
    state.failpoint("cancel.voided");
    // Step 3: release holds, cancel, return stock.
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            cancel_in(tx, &id, reason, "You have not been charged.", ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

/// Cancels an order inside a command: releases the Pocket hold, marks the payment cancelled, returns
/// the stock and tells the buyer. The card authorization must have been voided (or left to lapse) before.
fn cancel_in(
    tx: &mut WriteTx<'_>,
    order_id: &str,
    reason: Option<String>,
    note: &str,
    now: i64,
) -> Result<(), ApiError> {
    let mut order = tx.order(order_id)?.ok_or_else(|| ApiError::not_found("order"))?;
    let before = order.status.clone();
    if let Some(mut p) = tx.payment_by_order(order_id)? {
        if let (Some(hold_id), "requires_capture") = (p.hold_id.clone(), p.status.as_str()) {
            pocket::release(tx, &hold_id, now)?;
        }
        p.status = PaymentStatus::Canceled.name().into();
        p.attempt_in_progress = None;
        p.updated_at = now;
        tx.update_payment(&p)?;
    }
    for item in tx.order_items(order_id)? {
        tx.return_stock(&item.product_id, item.quantity)?;
    }
    order.status = OrderStatus::Canceled.name().into();
    order.canceled_at = Some(now);
    order.cancel_reason = reason;
    if !tx.update_order(&order, &before)? {
        return Err(ApiError::conflict("order_not_cancelable", "This order changed meanwhile; look at it again."));
    }
    let why = order.cancel_reason.as_deref().map(|r| format!(" Reason: {r}.")).unwrap_or_default();
    notify_buyer(
        tx,
        &order,
        "Your order was cancelled",
        &format!("Order {} was cancelled.{why} {note}", order.number),
        now,
    )
}

/// Authorizations that expire within this margin are renewed before they lapse.
pub const REAUTH_MARGIN_S: i64 = 6 * 3600;

/// Renews card authorizations about to expire on orders not yet shipped: a new authorization on the
/// saved card, then the old one is voided. Without a saved card, or if the bank refuses, the order is
/// cancelled (holds released, the buyer told why) — never shipped on a lapsed authorization.
pub async fn reauthorize_expiring(state: &AppState) {
    let now = state.clock.now();
    let Ok(due) = state.store.write(move |tx| tx.payments_expiring(now + REAUTH_MARGIN_S, 50)).await else { return };
    for p in due {
        if p.card_amount == 0 {
            continue;
        }
        let claim = format!("reauth:{}", random_id("re"));
        let (pid, c) = (p.id.clone(), claim.clone());
        let claimed = state
            .store
            .write(move |tx| -> Result<bool, ApiError> {
                let Some(mut p) = tx.payment(&pid)? else { return Ok(false) };
                if p.attempt_in_progress.is_some() || p.status != PaymentStatus::RequiresCapture.name() {
                    return Ok(false);
                }
                p.attempt_in_progress = Some(c);
                tx.update_payment(&p)?;
                Ok(true)
            })
            .await;
        if !matches!(claimed, Ok(true)) {
            continue;
        }
        let order = match state
            .store
            .read({
                let oid = p.order_id.clone();
                move |tx| tx.order(&oid)
            })
            .await
        {
            Ok(Some(o)) => o,
            _ => continue,
        };
        let mid = order.merchant_id.clone();
        let merchant_country = state
            .store
            .read(move |tx| tx.merchant(&mid))
            .await
            .ok()
            .flatten()
            .map(|m| m.country)
            .unwrap_or_else(|| "US".into());
        let saved = match &p.card_id {
            Some(card_id) => {
                let method =
                    PaymentMethodBody { kind: "card".into(), card: Some(card_id.clone()), new_card: None, save: None };
                resolve_card(state, &p.buyer_user_id, &method).await.ok()
            }
            None => None,
        };
        let attempt_id = random_id("att");
        let renewed = match &saved {
            Some(card) => {
                let (amount, currency) = match &p.presentment {
                    Some((a, c, _)) => (*a, c.clone()),
                    None => (p.card_amount, p.currency.clone()),
                };
                let spec = AuthorizeSpec {
                    attempt_id: &attempt_id,
                    amount_minor: amount,
                    currency: &currency,
                    merchant_country: &merchant_country,
                    verified: true,
                };
                match authorize_card(state, card, &spec).await {
                    AuthorizeOutcome::Approved(a) => Some(a),
                    _ => None,
                }
            }
            None => None,
        };
        if let Some(old) = &p.authorization_id {
            if let Err(e) = state.issuer.void(old, &format!("{}:void:{}", p.id, old)).await {
                tracing::warn!(error = %e, payment = %p.id, "voiding the old authorization failed; it will lapse");
            }
        }
        let now = state.clock.now();
        let outcome = state
            .store
            .write(move |tx| -> Result<(), ApiError> {
                let Some(mut payment) = tx.payment(&p.id)? else { return Ok(()) };
                if payment.attempt_in_progress.as_deref() != Some(claim.as_str()) {
                    return Ok(());
                }
                match renewed {
                    Some(a) => {
                        tx.insert_attempt(&AttemptRecord {
                            id: attempt_id,
                            payment_id: payment.id.clone(),
                            status: "reauthorized".into(),
                            pocket_amount: 0,
                            card_amount: payment.card_amount,
                            card_id: payment.card_id.clone(),
                            card_brand: payment.card_brand.clone(),
                            card_last4: payment.card_last4.clone(),
                            authorization_id: Some(a.id.clone()),
                            error_code: None,
                            decline_code: None,
                            created_at: now,
                        })?;
                        payment.authorization_id = Some(a.id);
                        payment.authorization_expires_at = Some(a.expires_at);
                        payment.attempt_in_progress = None;
                        payment.updated_at = now;
                        tx.update_payment(&payment)?;
                        Ok(())
                    }
                    None => cancel_in(
                        tx,
                        &payment.order_id,
                        Some("the card authorization expired before shipping and could not be renewed".into()),
                        "You have not been charged; you can order again and pay with another card or your Pocket.",
                        now,
                    ),
                }
            })
            .await;
        if let Err(e) = outcome {
            tracing::warn!(code = e.code, "renewing an authorization failed; retrying on the next tick");
        }
    }
}

/// An attempt open this long is settled by the healer.
pub const ATTEMPT_HEAL_AFTER_S: i64 = 60;

/// Settles payment attempts left open by a crash or an outage. A capture or cancel that never
/// finished is simply released (retrying it is safe: the issuer's keys make it idempotent). An
/// authorization attempt is looked up at the issuer: an authorization found is voided (the buyer was
/// told the payment failed), one never seen is blocked there; the attempt fails and the Pocket hold
/// is released. The order stays payable.
pub async fn heal_payments(state: &AppState) {
    let before = state.clock.now() - ATTEMPT_HEAL_AFTER_S;
    let Ok(open) = state.store.write(move |tx| tx.payments_with_open_attempts(before, 50)).await else { return };
    for p in open {
        let Some(claim) = p.attempt_in_progress.clone() else { continue };
        if p.status == PaymentStatus::RequiresAction.name() {
            // Waiting for the buyer's code, not for the issuer.
            continue;
        }
        let now = state.clock.now();
        if ["capture:", "cancel:", "refund:", "reauth:"].iter().any(|p| claim.starts_with(p)) {
            touch_claim(state, &p.id, &claim, true).await;
            continue;
        }
        let found = match state.issuer.lookup_or_block(&claim).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, payment = %p.id, "the issuer is still unreachable; the attempt stays open");
                touch_claim(state, &p.id, &claim, false).await;
                continue;
            }
        };
        let mut authorization_id = None;
        if let Some(a) = found {
            authorization_id = Some(a.id.clone());
            if a.status == issuer::AuthorizationStatus::Authorized {
                if let Err(e) = state.issuer.void(&a.id, &format!("{claim}:void")).await {
                    tracing::warn!(error = %e, payment = %p.id, "voiding a stale authorization failed; retrying later");
                    touch_claim(state, &p.id, &claim, false).await;
                    continue;
                }
            }
        }
        let pid = p.id.clone();
        let settled = state
            .store
            .write(move |tx| -> Result<(), ApiError> {
                let Some(mut p) = tx.payment(&pid)? else { return Ok(()) };
                if p.attempt_in_progress.as_deref() != Some(claim.as_str()) {
                    return Ok(());
                }
                let error = crate::payment_method::processing_error();
                fail_attempt(tx, &mut p, &claim, &error, "processing_error", authorization_id.as_deref(), now)
            })
            .await;
        if let Err(e) = settled {
            tracing::warn!(code = e.code, "settling a stale payment attempt failed; retrying later");
        }
    }
}

/// For a payment still held by `claim`: `release` ends a stale capture, cancel, refund or renewal
/// claim (retrying those is safe: the issuer's keys make them idempotent); otherwise the attempt the
/// healer could not settle now goes behind the others (tried again after [`ATTEMPT_HEAL_AFTER_S`]), so
/// that a few unreachable ones never keep the rest waiting.
async fn touch_claim(state: &AppState, payment_id: &str, claim: &str, release: bool) {
    let (pid, claim) = (payment_id.to_owned(), claim.to_owned());
    let now = state.clock.now();
    let touched = state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            if let Some(mut p) = tx.payment(&pid)? {
                if p.attempt_in_progress.as_deref() == Some(claim.as_str()) {
                    if release {
                        p.attempt_in_progress = None;
                    }
                    p.updated_at = now;
                    tx.update_payment(&p)?;
                }
            }
            Ok(())
        })
        .await;
    if let Err(e) = touched {
        tracing::warn!(code = e.code, release, "touching a stale payment claim failed; retrying later");
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateBody {
    rate: String,
}

fn currency_param(param: &str, code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code)
        .map_err(|_| ApiError::bad_request("currency_not_supported", "We do not take this currency.").with_param(param))
}

async fn put_rate(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    ApiJson(body): ApiJson<RateBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let from = currency_param("from", &from)?;
    let to = currency_param("to", &to)?;
    if from == to {
        return Err(ApiError::invalid("to", "A rate converts between two different currencies."));
    }
    let rate = domain::money::ExchangeRate::parse(&body.rate).map_err(|_| {
        ApiError::invalid("rate", "The rate is a positive decimal string with at most 12 decimals, such as \"1.0845\".")
    })?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            tx.put_fx_rate(from.code(), to.code(), &rate.to_string(), ctx.now)?;
            Ok(ApiResponse::ok(json!({ "object": "fx_rate", "from": from.code(), "to": to.code(),
                "rate": rate.to_string(), "updated": ctx.now })))
        })
        .await)
}

async fn list_rates(State(state): State<AppState>) -> Result<Response, ApiError> {
    let rates = state.store.read(|tx| tx.fx_rates()).await?;
    let data: Vec<Value> = rates
        .into_iter()
        .map(|(from, to, rate, updated)| json!({ "object": "fx_rate", "from": from, "to": to, "rate": rate, "updated": updated }))
        .collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteBody {
    from: String,
    to: String,
    amount: i64,
}

async fn create_quote(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<QuoteBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let from = currency_param("from", &body.from)?;
    let to = currency_param("to", &body.to)?;
    if body.amount <= 0 {
        return Err(ApiError::bad_request("amount_invalid", "The amount must be positive.").with_param("amount"));
    }
    let (f, t) = (from.code().to_owned(), to.code().to_owned());
    let rate = state.store.read(move |tx| tx.fx_rate(&f, &t)).await?.ok_or_else(|| {
        ApiError::bad_request("currency_not_supported", "We cannot convert between these currencies yet.")
            .with_param("to")
    })?;
    let rate = domain::money::ExchangeRate::parse(&rate).map_err(|_| ApiError::internal())?;
    let now = state.clock.now();
    let q = domain::checkout::quote(rate, domain::money::Money::new(body.amount, from), to, now)
        .map_err(|e| ApiError::bad_request("amount_invalid", e.to_string()).with_param("amount"))?;
    let record = store::QuoteRecord {
        id: random_id("fxq"),
        user_id: user.id,
        from_currency: from.code().to_owned(),
        to_currency: to.code().to_owned(),
        rate: q.rate.to_string(),
        from_amount: q.from_minor,
        to_amount: q.to_minor,
        created_at: q.created_at,
        expires_at: q.expires_at,
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            tx.insert_quote(&record)?;
            Ok(ApiResponse::created(json!({ "id": record.id, "object": "fx_quote", "rate": record.rate,
                "from": record.from_currency, "to": record.to_currency, "from_amount": record.from_amount,
                "to_amount": record.to_amount, "created": record.created_at, "expires_at": record.expires_at })))
        })
        .await)
}
