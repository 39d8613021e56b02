//! The shop: products, orders (stock reserved, never oversold), paying (Pocket, saved card, new card,
//! or Pocket plus card) which **authorizes**, shipping which **captures**, cancelling which **voids**,
//! delivery and receipt. Every attempt is kept; a failed one leaves the order payable.
//!
//! Paying follows decision 3 of docs/DESIGN.md: a command claims the payment for one attempt (so concurrent
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
use domain::payments::AttemptStatus;
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
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::payment_method::{
    authorize_card, resolve_card, AuthorizeOutcome, AuthorizeSpec, ChargeableCard, PaymentMethodBody,
};
use crate::pocket::{self, codes, platform_account, post, HoldSpec};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::AppState;

mod checkouts;
mod errors;
mod fulfilment;
mod fx;
mod jobs;
mod orders;
mod paying;
mod products;
mod reviewing;
mod verifying;

use checkouts::*;
use fulfilment::*;
use fx::*;
use orders::*;
use paying::*;
use products::*;
use reviewing::*;
use verifying::*;

pub(crate) use fulfilment::notify_buyer;
pub use jobs::{heal_payments, reauthorize_expiring, ATTEMPT_HEAL_AFTER_S, REAUTH_MARGIN_S};
pub(crate) use paying::bind_error;
pub use paying::{PendingPayment, PENDING_PAYMENTS_MAX};
pub(crate) use products::product_json as product_view;
pub(crate) use reviewing::register as register_reviews;
pub use reviewing::{expire_and_erase_reviews, UPLOAD_BYTES_MAX, UPLOAD_ROUTE};
pub use verifying::CODE_SENDS_MAX;

type Idem = Option<Extension<IdempotencyContext>>;

/// Items in one order at most, and units of one item.
pub const ORDER_ITEMS_MAX: usize = 50;
pub const ITEM_QUANTITY_MAX: i64 = 1_000;
/// Longest product name and description.
const PRODUCT_NAME_LENGTH_MAX: usize = 200;
const PRODUCT_DESCRIPTION_LENGTH_MAX: usize = 5_000;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/products",
            summary: "Lists a product for sale, priced in the seller's currency",
            access: Access::Seller,
            body: Some(body_schema::<CreateProduct>()),
            success: 201,
        },
        create_product,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/products",
            summary: "Products for sale, newest first",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        list_products,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/products/{id}",
            summary: "A product",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        get_product,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders",
            summary: "Orders products of one seller; stock is reserved",
            access: Access::Buyer,
            body: Some(body_schema::<CreateOrder>()),
            success: 201,
        },
        create_order,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/orders",
            summary: "Orders: a buyer's own, a seller's, or all for operators",
            access: Access::SignedIn,
            body: None,
            success: 200,
        },
        list_orders,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/orders/{id}",
            summary: "An order with its payment",
            access: Access::SignedIn,
            body: None,
            success: 200,
        },
        get_order,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/pay",
            summary: "Pays an order: authorizes the card and holds Pocket money; nothing is charged until shipping",
            access: Access::Buyer,
            body: Some(body_schema::<PayBody>()),
            success: 200,
        },
        pay_order,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/checkouts",
            summary: "A cart of several sellers' products: one order per seller, paid once",
            access: Access::Buyer,
            body: Some(body_schema::<CreateCheckout>()),
            success: 201,
        },
        create_checkout,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/checkouts/{id}",
            summary: "A checkout with its orders and its payment",
            access: Access::SignedIn,
            body: None,
            success: 200,
        },
        get_checkout,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/checkouts/{id}/pay",
            summary: "Pays every order of a checkout at once: one code at most, one Pocket hold per order, one card authorization",
            access: Access::Buyer,
            body: Some(body_schema::<PayBody>()),
            success: 200,
        },
        pay_checkout,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/payments/{id}",
            summary: "A payment with every attempt",
            access: Access::SignedIn,
            body: None,
            success: 200,
        },
        get_payment,
    )
    .add(
        Endpoint {
            verb: Verb::Put,
            path: "/v1/fx/rates/{from}/{to}",
            summary: "Sets an exchange rate (units of `to` per one `from`), as an exact decimal string",
            access: Access::Operator,
            body: Some(body_schema::<RateBody>()),
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
            body: Some(body_schema::<QuoteBody>()),
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
            body: Some(body_schema::<VerifyBody>()),
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
            body: Some(body_schema::<ResendBody>()),
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
            body: Some(body_schema::<ShipBody>()),
            success: 200,
        },
        ship_order,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/deliver",
            summary: "Marks an order delivered (starts the claim window)",
            access: Access::Seller,
            body: None,
            success: 200,
        },
        deliver_order,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/confirm_receipt",
            summary: "The buyer confirms receipt: the order is completed",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        confirm_receipt,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/cancel",
            summary: "Cancels before shipping: the authorization is voided and Pocket holds released",
            access: Access::SignedIn,
            body: Some(body_schema::<CancelBody>()),
            success: 200,
        },
        cancel_order,
    )
}

pub(super) fn payment_json(p: &PaymentRecord, attempts: &[AttemptRecord]) -> Value {
    let attempts: Vec<Value> = attempts
        .iter()
        .map(|a| {
            json!({ "id": a.id, "status": a.status.name(), "pocket_amount": a.pocket_amount, "card_amount": a.card_amount,
            "card": a.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": a.card_last4 })),
            "code": a.error_code, "decline_code": a.decline_code, "created": a.created_at })
        })
        .collect();
    let last_error = p
        .last_error_code
        .as_ref()
        .map(|code| json!({ "code": code, "decline_code": p.last_decline_code, "message": p.last_error_message }));
    json!({
        "id": p.id, "object": "payment", "order": p.order_id, "checkout": p.checkout_id, "status": p.status.name(),
        "amount": p.amount, "currency": p.currency,
        "pocket_amount": p.pocket_amount, "card_amount": p.card_amount,
        "card": p.card_brand.as_ref().map(|b| json!({ "brand": b, "last4": p.card_last4 })),
        "presentment": p.presentment.as_ref().map(|(amount, currency, rate)| json!({ "amount": amount, "currency": currency, "rate": rate })),
        "next_action": Value::Null, "capture_before": p.authorization_expires_at,
        "amount_captured": p.amount_captured, "amount_refunded": p.amount_refunded,
        "last_error": last_error, "attempts": attempts, "created": p.created_at,
        "metadata": crate::routes::metadata::shown(&p.metadata),
    })
}

pub(super) fn order_json(o: &OrderRecord, items: &[OrderItemRecord], payment: Option<Value>) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|i| json!({ "product": i.product_id, "name": i.name, "unit_amount": i.unit_amount, "quantity": i.quantity }))
        .collect();
    json!({
        "id": o.id, "object": "order", "number": o.number, "merchant": o.merchant_id, "buyer": o.buyer_user_id,
        "status": o.status.name(), "amount": o.amount, "currency": o.currency, "items": items,
        "shipping_address": { "name": o.ship_name, "line1": o.ship_line1, "line2": o.ship_line2, "city": o.ship_city,
            "state": o.ship_state, "postal_code": o.ship_postal_code, "country": o.ship_country },
        "carrier": o.carrier, "tracking_number": o.tracking_number, "cancel_reason": o.cancel_reason,
        "checkout": o.checkout_id, "payment": payment, "refunds": [], "claims": [],
        "created": o.created_at, "paid_at": o.paid_at, "shipped_at": o.shipped_at, "delivered_at": o.delivered_at,
        "completed_at": o.completed_at, "canceled_at": o.canceled_at,
        "metadata": crate::routes::metadata::shown(&o.metadata),
    })
}

/// The order as the API shows it, read inside a command.
pub(crate) fn order_view(tx: &ReadTx<'_>, order_id: &str) -> Result<Value, ApiError> {
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

pub(crate) fn payment_view(tx: &ReadTx<'_>, payment_id: &str) -> Result<Value, ApiError> {
    let p = tx.payment(payment_id)?.ok_or_else(|| ApiError::not_found("payment"))?;
    let attempts = tx.attempts(payment_id)?;
    let mut shown = payment_json(&p, &attempts);
    if let Some(checkout) = p.paying_checkout() {
        // A checkout's payment: how much of it belongs to each order.
        shown["orders"] = parts_json(tx, checkout)?;
        let parts = tx.checkout_parts(checkout)?;
        shown["amount_refunded"] = json!(parts.iter().map(|p| p.amount_refunded).sum::<i64>());
    }
    if p.status == PaymentStatus::RequiresAction {
        if let Some(c) = tx.challenge(payment_id)? {
            // Security questions the buyer set up may be answered instead of the code.
            let alternatives: Vec<&str> =
                if tx.security_questions(&p.buyer_user_id)?.is_empty() { vec![] } else { vec!["security_questions"] };
            shown["next_action"] = json!({ "type": "verify_code", "channel": c.channel, "sent_to": mask_recipient(&c.channel, &c.recipient),
                "expires_at": c.expires_at, "attempts_left": c.attempts_left, "reasons": c.reasons.split(',').collect::<Vec<_>>(),
                "alternatives": alternatives });
        } else if let Some(r) = tx.open_review(payment_id)? {
            shown["next_action"] = review_next_action(&r);
        }
    }
    Ok(shown)
}

/// A lifecycle step that the handler's own checks had made possible, refused by the domain all the
/// same: a bug, logged and answered 500, and the command rolls back.
pub(crate) fn lifecycle_bug(refusal: impl std::fmt::Display) -> ApiError {
    tracing::error!(%refusal, "a lifecycle step the checks allowed was refused");
    ApiError::internal()
}
