//! Refunds of captured payments, by the seller or an operator: full or partial, several per order,
//! never more than was captured. The Pocket-paid part returns to the Pocket at once; the card-paid
//! part goes back to the card and settles on the issuer's schedule — unless the destination is the
//! Pocket, which is immediate. A card refund the issuer fails is paid into the Pocket instead, and the
//! buyer is told. Refunds of payments in another currency use the payment's original rate.
//!
//! Which part comes back first: the Pocket-paid part, then the card-paid part.

use axum::extract::{Extension, Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::ops::refunds::{issue_refund, refund_error, resume_refund, RefundSpec};
use crate::views::refunds::refund_json;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Longest refund reason.
const REASON_LENGTH_MAX: usize = 500;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/refunds",
            summary: "Refunds all or part of a captured payment (seller or operator)",
            access: Access::Seller,
            body: Some(body_schema::<RefundBody>()),
            success: 201,
        },
        create_refund,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RefundBody {
    amount: Option<i64>,
    reason: String,
    destination: Option<String>,
    metadata: Option<Value>,
}

async fn create_refund(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RefundBody>,
) -> Result<Response, ApiError> {
    let who = match &caller {
        Caller::Merchant { merchant } => format!("merchant:{}", merchant.id),
        Caller::User { user, role: domain::accounts::Role::Operator, .. } => format!("operator:{}", user.id),
        Caller::User { .. } => return Err(ApiError::forbidden(crate::msg!("err-refund-forbidden"))),
    };
    let merchant_filter = match &caller {
        Caller::Merchant { merchant } => Some(merchant.id.clone()),
        _ => None,
    };
    let reason = crate::extract::typed_text("reason", &body.reason, REASON_LENGTH_MAX, true)
        .map_err(|_| ApiError::invalid("reason", crate::msg!("err-refund-reason-invalid", max = REASON_LENGTH_MAX)))?;
    let to_pocket = match body.destination.as_deref() {
        None | Some("original") => false,
        Some("pocket") => true,
        Some(_) => return Err(ApiError::invalid("destination", crate::msg!("err-refund-destination-invalid"))),
    };
    if body.amount.is_some_and(|a| a <= 0) {
        return Err(refund_error(domain::refunds::RefundError::AmountNotPositive, ""));
    }
    let metadata = crate::routes::metadata::initial(body.metadata.as_ref())?;
    let idem = idem.map(|e| e.0);
    let refund = match idem.as_ref().and_then(|c| c.resume.clone()) {
        // A retry of a refund whose answer was never recorded (a crash, a lost connection): the
        // same refund, finished if it was interrupted — never a second one.
        Some(refund_id) => resume_refund(&state, &refund_id).await?,
        None => {
            let spec = RefundSpec {
                order_id: id,
                merchant_filter,
                amount: body.amount,
                reason,
                to_pocket,
                created_by: who,
                bind: idem.clone(),
                metadata,
            };
            issue_refund(&state, spec).await?
        }
    };
    Ok(state.execute(idem, move |_, _| Ok(ApiResponse::created(refund_json(&refund)))).await)
}
