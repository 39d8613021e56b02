//! After the sale: buyer claims (opened from shipping until 20 days after delivery and within 90 days
//! of payment; the seller accepts — a refund at once — or rejects; the buyer escalates; an operator
//! decides; a seller who does not answer in time loses), reports of unauthorized payments (reimbursed
//! in full at once from the protection reserve, card blocked, other sessions ended, a case opened as a
//! support ticket; the tickets themselves are `routes::tickets`).

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::claims::{ClaimOutcome, ClaimReason, ClaimRefusal, ClaimStatus, OrderFacts};
use serde::Deserialize;
use store::{ClaimRecord, Viewer};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::ops::claims::{
    claim_event, claim_refusal, decide_for_buyer, open_refusal, report_unauthorized as report_unauthorized_payment,
    resume_decision, tell_both,
};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::views::claims::claim_json;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Longest free text of a claim, a ticket message or a report.
const TEXT_LENGTH_MAX: usize = 5_000;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/orders/{id}/claims",
            summary: "Opens a claim about an order (from shipping until 20 days after delivery, within 90 days of payment)",
            access: Access::Buyer,
            body: Some(body_schema::<OpenClaim>()),
            success: 201,
        },
        open_claim,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/claims/{id}/respond",
            summary: "The seller accepts (refund at once) or rejects a claim",
            access: Access::Seller,
            body: Some(body_schema::<Respond>()),
            success: 200,
        },
        respond,
    )
    .add(
        Endpoint { verb: Verb::Post, path: "/v1/claims/{id}/escalate", summary: "The buyer asks an operator to decide", access: Access::Buyer, body: None, success: 200 },
        escalate,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/claims/{id}/resolve",
            summary: "An operator decides a claim for the buyer (with a refund) or the seller",
            access: Access::Operator,
            body: Some(body_schema::<Resolve>()),
            success: 200,
        },
        resolve,
    )
    .add(Endpoint { verb: Verb::Get, path: "/v1/claims", summary: "Claims: the buyer's, the seller's, or all for operators", access: Access::SignedIn, body: None, success: 200 }, list_claims)
    .add(Endpoint { verb: Verb::Get, path: "/v1/claims/{id}", summary: "A claim", access: Access::SignedIn, body: None, success: 200 }, get_claim)
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/payments/{id}/report_unauthorized",
            summary: "Reports a payment the buyer did not make: reimbursed in full at once, card blocked, other sessions ended",
            access: Access::Buyer,
            body: Some(body_schema::<ReportBody>()),
            success: 201,
        },
        report_unauthorized,
    )
}

pub(crate) fn text(param: &str, value: &str) -> Result<String, ApiError> {
    crate::extract::typed_text(param, value, TEXT_LENGTH_MAX, true)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenClaim {
    reason: String,
    amount: i64,
    description: String,
}

async fn open_claim(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OpenClaim>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let Some(reason) = ClaimReason::parse(&body.reason) else {
        return Err(ApiError::invalid("reason", crate::msg!("err-claim-reason-invalid")));
    };
    let description = text("description", &body.description)?;
    if body.amount <= 0 {
        return Err(
            ApiError::bad_request("amount_invalid", crate::msg!("err-claim-amount-not-positive")).with_param("amount")
        );
    }
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let order =
                tx.order(&id)?.filter(|o| o.buyer_user_id == user.id).ok_or_else(|| ApiError::not_found("order"))?;
            let facts = OrderFacts {
                paid_at: order.paid_at,
                shipped_at: order.shipped_at,
                delivered_at: order.delivered_at,
                canceled: order.status == domain::checkout::OrderStatus::Canceled,
            };
            let respond_by = domain::claims::may_open(facts, reason, ctx.now).map_err(open_refusal)?;
            let payment = tx.payment_by_order(&order.id)?.ok_or_else(ApiError::internal)?;
            let returned = crate::ops::refunds::returned_of(&tx.reads(), &payment)?;
            returned
                .check_refund(Some(body.amount))
                .map_err(|e| crate::ops::refunds::refund_error(e, &payment.currency))?;
            if tx.open_claims(&order.id)? > 0 {
                return Err(ApiError::conflict("claim_exists", crate::msg!("err-claim-exists")));
            }
            let claim = ClaimRecord {
                id: random_id("clm"),
                order_id: order.id.clone(),
                buyer_user_id: user.id.clone(),
                merchant_id: order.merchant_id.clone(),
                reason,
                amount: body.amount,
                description,
                status: ClaimStatus::AwaitingSeller,
                outcome: None,
                refund_amount: None,
                refund_id: None,
                seller_message: None,
                respond_by,
                created_at: ctx.now,
                escalated_at: None,
                resolved_at: None,
            };
            tx.insert_claim(&claim)?;
            claim_event(tx, "claim.opened", &claim, ctx.now)?;
            tell_both(
                tx,
                &claim,
                crate::msg!("message-claim-opened-subject"),
                crate::msg!("message-claim-opened-body", order = order.number.to_string()),
                ctx.now,
            )?;
            Ok(ApiResponse::created(claim_json(&claim)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Respond {
    action: String,
    message: String,
}

async fn respond(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Respond>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let message = text("message", &body.message)?;
    let cid = id.clone();
    let claim = state
        .store
        .read(move |tx| tx.claim(&cid))
        .await?
        .filter(|c| c.merchant_id == merchant.id)
        .ok_or_else(|| ApiError::not_found("claim"))?;
    match body.action.as_str() {
        "accept" => {
            let idem = idem.map(|e| e.0);
            let note = "accepted by the seller";
            let decided = match idem.as_ref().and_then(|c| c.resume.clone()) {
                Some(bound) => resume_decision(&state, &bound, note).await?,
                None => {
                    decide_for_buyer(&state, &claim.id, ClaimStatus::AwaitingSeller, claim.amount, note, idem.as_ref())
                        .await?
                }
            };
            Ok(state.execute(idem, move |_, _| Ok(ApiResponse::ok(claim_json(&decided)))).await)
        }
        "reject" => Ok(state
            .execute(idem.map(|e| e.0), move |tx, ctx| {
                let mut c = tx.claim(&id)?.ok_or_else(|| ApiError::not_found("claim"))?;
                let before = c.status;
                c.status = before.reject().map_err(claim_refusal)?;
                c.seller_message = Some(message);
                if !tx.update_claim(&c, before)? {
                    return Err(claim_refusal(ClaimRefusal::NotAwaitingSeller));
                }
                tell_both(
                    tx,
                    &c,
                    crate::msg!("message-claim-rejected-subject"),
                    crate::msg!("message-claim-rejected-body", claim = c.id.clone()),
                    ctx.now,
                )?;
                Ok(ApiResponse::ok(claim_json(&c)))
            })
            .await),
        _ => Err(ApiError::invalid("action", crate::msg!("err-claim-action-invalid"))),
    }
}

async fn escalate(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut c =
                tx.claim(&id)?.filter(|c| c.buyer_user_id == user.id).ok_or_else(|| ApiError::not_found("claim"))?;
            let before = c.status;
            c.status = before.escalate().map_err(claim_refusal)?;
            c.escalated_at = Some(ctx.now);
            tx.update_claim(&c, before)?;
            claim_event(tx, "claim.escalated", &c, ctx.now)?;
            tell_both(
                tx,
                &c,
                crate::msg!("message-claim-escalated-subject"),
                crate::msg!("message-claim-escalated-body", claim = c.id.clone()),
                ctx.now,
            )?;
            Ok(ApiResponse::ok(claim_json(&c)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Resolve {
    outcome: String,
    refund_amount: Option<i64>,
}

async fn resolve(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Resolve>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let cid = id.clone();
    let claim = state.store.read(move |tx| tx.claim(&cid)).await?.ok_or_else(|| ApiError::not_found("claim"))?;
    match body.outcome.as_str() {
        "buyer" => {
            let amount = body.refund_amount.unwrap_or(claim.amount);
            if amount <= 0 {
                return Err(ApiError::bad_request("amount_invalid", crate::msg!("err-claim-refund-not-positive"))
                    .with_param("refund_amount"));
            }
            let idem = idem.map(|e| e.0);
            let note = "decided for the buyer by an operator";
            let decided = match idem.as_ref().and_then(|c| c.resume.clone()) {
                Some(bound) => resume_decision(&state, &bound, note).await?,
                None => {
                    decide_for_buyer(&state, &claim.id, ClaimStatus::UnderReview, amount, note, idem.as_ref()).await?
                }
            };
            Ok(state.execute(idem, move |_, _| Ok(ApiResponse::ok(claim_json(&decided)))).await)
        }
        "seller" => Ok(state
            .execute(idem.map(|e| e.0), move |tx, ctx| {
                let mut c = tx.claim(&id)?.ok_or_else(|| ApiError::not_found("claim"))?;
                let before = c.status;
                c.status = before.decide_for_seller().map_err(claim_refusal)?;
                c.outcome = Some(ClaimOutcome::Seller);
                c.resolved_at = Some(ctx.now);
                if !tx.update_claim(&c, before)? {
                    return Err(claim_refusal(ClaimRefusal::NotUnderReview));
                }
                claim_event(tx, "claim.resolved", &c, ctx.now)?;
                tell_both(
                    tx,
                    &c,
                    crate::msg!("message-claim-for-seller-subject"),
                    crate::msg!("message-claim-for-seller-body", claim = c.id.clone()),
                    ctx.now,
                )?;
                Ok(ApiResponse::ok(claim_json(&c)))
            })
            .await),
        _ => Err(ApiError::invalid("outcome", crate::msg!("err-claim-outcome-invalid"))),
    }
}

fn may_see(caller: &Caller, c: &ClaimRecord) -> bool {
    match caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => user.id == c.buyer_user_id,
        Caller::User { .. } => true,
        Caller::Merchant { merchant } => merchant.id == c.merchant_id,
    }
}

/// The states of a claim, as lists filter them.
pub(crate) fn claim_statuses() -> Vec<&'static str> {
    ClaimStatus::ALL.iter().map(|s| s.name()).collect()
}

async fn list_claims(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    let status = q.status(&claim_statuses())?.as_deref().and_then(ClaimStatus::parse);
    let page = q.page()?;
    let key = match &caller {
        Caller::User { user, role: domain::accounts::Role::Buyer, .. } => (0, user.id.clone()),
        Caller::User { .. } => (2, String::new()),
        Caller::Merchant { merchant } => (1, merchant.id.clone()),
    };
    let rows = state
        .store
        .read(move |tx| {
            let viewer = match key.0 {
                0 => Viewer::Buyer(&key.1),
                1 => Viewer::Merchant(&key.1),
                _ => Viewer::Operator,
            };
            tx.claims(&viewer, status, &page)
        })
        .await?;
    Ok(list_response(rows, claim_json))
}

async fn get_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let claim = state
        .store
        .read(move |tx| tx.claim(&id))
        .await?
        .filter(|c| may_see(&caller, c))
        .ok_or_else(|| ApiError::not_found("claim"))?;
    Ok(axum::Json(claim_json(&claim)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    description: String,
}

async fn report_unauthorized(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<Response, ApiError> {
    let (user, token_hash) = caller.buyer()?;
    let description = text("description", &body.description)?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            report_unauthorized_payment(tx, &user, &token_hash, &id, description, ctx.now)
        })
        .await)
}
