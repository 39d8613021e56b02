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
use domain::checkout::{split_payment, OrderStatus, PaymentStatus, StepUpReason, RESEND_COOLDOWN_S};
use domain::money::Currency;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{OrderItemRecord, OrderRecord, OrderViewer, PaymentRecord, ProductRecord, ReadTx, WriteTx};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::ops::fulfilment::{cancel, ship};
use crate::ops::paying::{not_payable, record_answer, resume_payment, start_challenge};
use crate::ops::shop::{awaits_payment, bind_error, fail_attempt, order_error};
use crate::payment_method::PaymentMethodBody;
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::views::shop::{order_json, order_view, payment_json, payment_view, product_json};
use crate::AppState;

mod checkouts;
mod errors;
mod fulfilment;
mod fx;
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
use verifying::*;

pub use crate::ops::paying::{PendingPayment, PENDING_PAYMENTS_MAX};
pub(crate) use reviewing::register as register_reviews;
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
