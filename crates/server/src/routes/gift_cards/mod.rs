//! Gift cards and the Pocket: buy (for oneself, loaded at once, or as a gift, with codes emailed),
//! redeem a code, list what was bought, the never-refundable refund, the Pocket's balances and history.

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::accounts::Email;
use domain::gift_cards::{check_purchase, normalize_code, PurchaseItem};
use domain::money::Currency;
use domain::states::GiftCardState;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{GiftCardRecord, WriteTx};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::{ApiJson, PeerAddress};
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::ops::gift_cards::{buy, resume_purchase};
use crate::payment_method::{resolve_card, PaymentMethodBody};
use crate::pocket::{codes, credit, platform_account, Credit};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::views::gift_cards::{gift_card_json, purchase_json};
use crate::AppState;

mod operators;
mod pocket;
mod purchase;
mod redeem;
mod test_mode;

use operators::*;
use pocket::*;
use purchase::*;
use redeem::*;

pub use crate::ops::gift_cards::{PURCHASE_HEAL_AFTER_S, REDEEM_FAILURE_WINDOW_S};
pub use redeem::REDEEM_FAILURES_MAX;
pub(crate) use test_mode::register_test_mode;

type Idem = Option<Extension<IdempotencyContext>>;

/// Longest gift message.
const GIFT_MESSAGE_LENGTH_MAX: usize = 500;

pub(crate) fn register(api: Api) -> Api {
    let purchase_schema = body_schema::<purchase::PurchaseBody>();
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/purchase",
            summary: "Buys gift cards by card: loaded into the Pocket at once, or emailed as codes to a recipient",
            access: Access::Buyer,
            body: Some(purchase_schema),
            success: 201,
        },
        purchase,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/redeem",
            summary: "Loads a gift code into the caller's Pocket, once",
            access: Access::Buyer,
            body: Some(body_schema::<RedeemBody>()),
            success: 200,
        },
        redeem,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/gift_cards",
            summary: "The gift cards the buyer bought, masked",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        list_gift_cards,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/gift_cards/purchases/{id}",
            summary: "A purchase as it stands (processing, succeeded or failed); codes are never shown again",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        get_purchase,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/refund",
            summary: "Gift cards are never refundable: always 400 gift_card_not_refundable",
            access: Access::Anyone,
            body: None,
            success: 400,
        },
        refund_refused,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/pocket",
            summary: "The Pocket's balances, held money and what expires when",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        get_pocket,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/pocket/transactions",
            summary: "Every change of the Pocket, newest first, with the balance after it",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        pocket_transactions,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/lookup",
            summary: "Finds a gift card by its code (operators; the code is sent in the body, never in a URL)",
            access: Access::Operator,
            body: Some(body_schema::<LookupBody>()),
            success: 200,
        },
        lookup_gift_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/block",
            summary: "Blocks an unredeemed gift code so that nobody can redeem it (operators)",
            access: Access::Operator,
            body: Some(body_schema::<BlockBody>()),
            success: 200,
        },
        block_gift_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/unblock",
            summary: "Makes a blocked gift code redeemable again (operators)",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        unblock_gift_card,
    )
}
