//! After the sale: buyer claims (opened from shipping until 20 days after delivery and within 90 days
//! of payment; the seller accepts — a refund at once — or rejects; the buyer escalates; an operator
//! decides; a seller who does not answer in time loses), reports of unauthorized payments (reimbursed
//! in full at once from the protection reserve, card blocked, other sessions ended, a case opened as a
//! support ticket; the tickets themselves are `routes::tickets`).

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::money::{Currency, Money};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{ClaimRecord, TicketMessageRecord, TicketRecord, Viewer, WriteTx};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::i18n::Msg;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::pocket::{self, codes, platform_account, Credit};
use crate::routes::list::{list_response, ListParams};
use crate::routes::refunds::{issue_refund, RefundSpec};
use crate::secrets::random_id;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// A claim may be opened until this long after delivery.
pub const CLAIM_WINDOW_S: i64 = 20 * 86_400;
/// Buyers are protected this long after payment.
pub const PROTECTION_S: i64 = 90 * 86_400;
/// A parcel not delivered this long after shipping may be reported missing.
pub const DELIVERY_PROMISE_S: i64 = 14 * 86_400;
/// The seller answers a claim within this time, or loses it.
pub const SELLER_RESPONSE_S: i64 = 3 * 86_400;
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

/// A claim as the API shows it.
/// A claim event, with the claim as the API shows it.
fn claim_event(tx: &mut WriteTx<'_>, kind: &'static str, c: &ClaimRecord, now: i64) -> Result<(), ApiError> {
    crate::events::emit(tx, kind, Some(&c.merchant_id), claim_json(c), now)
}

pub fn claim_json(c: &ClaimRecord) -> Value {
    json!({
        "id": c.id, "object": "claim", "order": c.order_id, "buyer": c.buyer_user_id, "merchant": c.merchant_id,
        "reason": c.reason, "amount": c.amount, "description": c.description, "status": c.status, "outcome": c.outcome,
        "refund_amount": c.refund_amount, "refund": c.refund_id, "seller_message": c.seller_message,
        "respond_by": c.respond_by, "created": c.created_at, "escalated_at": c.escalated_at, "resolved_at": c.resolved_at,
    })
}

/// Emails the buyer and the seller's owner about a claim, each in their own language.
fn tell_both(tx: &mut WriteTx<'_>, claim: &ClaimRecord, subject: Msg, text: Msg, now: i64) -> Result<(), ApiError> {
    let mut recipients = Vec::new();
    if let Some(buyer) = tx.user(&claim.buyer_user_id)? {
        recipients.push(buyer);
    }
    if let Some(merchant) = tx.merchant(&claim.merchant_id)? {
        if let Some(owner) = tx.user(&merchant.owner_user_id)? {
            recipients.push(owner);
        }
    }
    for to in recipients {
        let locale = crate::i18n::locale_of(to.locale.as_deref());
        let (subject, body) = (subject.text_in(locale), text.text_in(locale));
        tx.enqueue_message(
            &store::NewOutboxMessage {
                channel: "email",
                recipient: &to.email,
                subject: &subject,
                body: &body,
                code: None,
            },
            now,
        )?;
    }
    Ok(())
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
    if !["not_received", "not_as_described", "damaged", "other"].contains(&body.reason.as_str()) {
        return Err(ApiError::invalid("reason", crate::msg!("err-claim-reason-invalid")));
    }
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
            let closed = |message: Msg| ApiError::bad_request("claim_window_closed", message);
            let (Some(shipped_at), Some(paid_at)) = (order.shipped_at, order.paid_at) else {
                return Err(closed(crate::msg!("err-claim-not-shipped")));
            };
            if order.status == "canceled" {
                return Err(closed(crate::msg!("err-claim-order-cancelled")));
            }
            if ctx.now > paid_at + PROTECTION_S {
                return Err(ApiError::bad_request("protection_expired", crate::msg!("err-claim-protection-expired")));
            }
            if let Some(delivered_at) = order.delivered_at {
                if ctx.now > delivered_at + CLAIM_WINDOW_S {
                    return Err(closed(crate::msg!("err-claim-window-closed")));
                }
            } else if body.reason == "not_received" && ctx.now < shipped_at + DELIVERY_PROMISE_S {
                return Err(closed(crate::msg!(
                    "err-claim-parcel-in-transit",
                    from = (shipped_at + DELIVERY_PROMISE_S).to_string()
                )));
            }
            let payment = tx.payment_by_order(&order.id)?.ok_or_else(ApiError::internal)?;
            let returned = crate::routes::refunds::returned_of(&tx.reads(), &payment)?;
            returned
                .check_refund(Some(body.amount))
                .map_err(|e| crate::routes::refunds::refund_error(e, &payment.currency))?;
            if tx.open_claims(&order.id)? > 0 {
                return Err(ApiError::conflict("claim_exists", crate::msg!("err-claim-exists")));
            }
            let claim = ClaimRecord {
                id: random_id("clm"),
                order_id: order.id.clone(),
                buyer_user_id: user.id.clone(),
                merchant_id: order.merchant_id.clone(),
                reason: body.reason.clone(),
                amount: body.amount,
                description,
                status: "awaiting_seller".into(),
                outcome: None,
                refund_amount: None,
                refund_id: None,
                seller_message: None,
                respond_by: ctx.now + SELLER_RESPONSE_S,
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

/// A claim left `refunding` this long is taken to be interrupted, and its refund is finished by
/// [`finish_interrupted_claim_refunds`].
pub const CLAIM_REFUND_RETRY_AFTER_S: i64 = 60;

/// Refunds a claim for the buyer and resolves it. The claim is first moved to `refunding`, with the
/// decided amount and the decision time, so that two decisions cannot both refund, and a refund
/// interrupted by a crash is finished by a job; if the refund fails (the money was refunded meanwhile),
/// the claim goes back.
async fn decide_for_buyer(
    state: &AppState,
    claim_id: &str,
    from_status: &str,
    amount: i64,
    outcome_note: &str,
    bind: Option<&IdempotencyContext>,
) -> Result<ClaimRecord, ApiError> {
    let bind = bind.cloned();
    let (cid, from) = (claim_id.to_owned(), from_status.to_owned());
    let now = state.clock.now();
    let Some(_busy) = state.in_flight.try_hold(format!("claim-refund:{claim_id}").into_bytes()) else {
        return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-being-decided")));
    };
    let claim = state
        .store
        .write(move |tx| -> Result<ClaimRecord, ApiError> {
            let mut c = tx.claim(&cid)?.ok_or_else(|| ApiError::not_found("claim"))?;
            if c.status != from {
                return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-not-awaiting-decision")));
            }
            // A decision the refund rules refuse changes nothing: the claim stays as it was.
            let payment = tx.payment_by_order(&c.order_id)?.ok_or_else(ApiError::internal)?;
            let returned = crate::routes::refunds::returned_of(&tx.reads(), &payment)?;
            returned.check_refund(Some(amount)).map_err(|e| {
                crate::routes::refunds::refund_error(e, &payment.currency).with_param(if from == "under_review" {
                    "refund_amount"
                } else {
                    "amount"
                })
            })?;
            if let Some(key) = &bind {
                key.bind(tx, &c.id, now).map_err(crate::routes::shop::bind_error)?;
            }
            c.status = "refunding".into();
            c.outcome = Some("buyer".into());
            c.refund_amount = Some(amount);
            c.resolved_at = Some(now);
            if !tx.update_claim(&c, &from)? {
                return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-not-awaiting-decision")));
            }
            Ok(c)
        })
        .await?;
    state.failpoint("claim.decided");
    refund_and_resolve(state, claim, Some(from_status), outcome_note).await
}

/// A retried decision whose answer was never recorded (a crash, a lost connection): the claim it
/// bound, its refund finished if it was interrupted — never a second decision or refund.
async fn resume_decision(state: &AppState, claim_id: &str, outcome_note: &str) -> Result<ClaimRecord, ApiError> {
    let cid = claim_id.to_owned();
    let claim = state.store.read(move |tx| tx.claim(&cid)).await?.ok_or_else(ApiError::internal)?;
    if claim.status != "refunding" {
        return Ok(claim);
    }
    let Some(_busy) = state.in_flight.try_hold(format!("claim-refund:{claim_id}").into_bytes()) else {
        return Err(IdempotencyContext::busy());
    };
    refund_and_resolve(state, claim, None, outcome_note).await
}

/// The refund of a claim in `refunding` (the one already made for it, if an interruption came after
/// it), then the claim resolved. On a failed refund the claim goes back to `back_to`; without one (the
/// repair job) a refused refund sends the claim to an operator, and an outage leaves it for the next tick.
async fn refund_and_resolve(
    state: &AppState,
    claim: ClaimRecord,
    back_to: Option<&str>,
    outcome_note: &str,
) -> Result<ClaimRecord, ApiError> {
    let amount = claim.refund_amount.unwrap_or(claim.amount);
    let creator = format!("claim:{}", claim.id);
    let (oid, who) = (claim.order_id.clone(), creator.clone());
    let existing = state
        .store
        .write(move |tx| -> Result<Option<store::RefundRecord>, ApiError> {
            Ok(tx.refunds(&oid)?.into_iter().find(|r| r.created_by == who))
        })
        .await?;
    let refund = match existing {
        Some(r) => Ok(r),
        None => {
            issue_refund(
                state,
                RefundSpec {
                    order_id: claim.order_id.clone(),
                    merchant_filter: None,
                    amount: Some(amount),
                    reason: format!("claim {} {outcome_note}", claim.id),
                    to_pocket: false,
                    created_by: creator,
                    bind: None,
                    metadata: "{}".to_owned(),
                },
            )
            .await
        }
    };
    let now = state.clock.now();
    let back_to = back_to.map(str::to_owned);
    // The outer `Result` is the store's; the inner one is the decision's, so that a refused refund
    // still commits the claim's way back (an `Err` from the command would roll that back too).
    state
        .store
        .write(move |tx| -> Result<Result<ClaimRecord, ApiError>, ApiError> {
            let mut c = tx.claim(&claim.id)?.ok_or_else(ApiError::internal)?;
            match refund {
                Ok(r) => {
                    c.status = "resolved".into();
                    c.outcome = Some("buyer".into());
                    c.refund_amount = Some(r.amount);
                    c.refund_id = Some(r.id);
                    c.resolved_at = Some(now);
                    tx.update_claim(&c, "refunding")?;
                    claim_event(tx, "claim.resolved", &c, now)?;
                    tell_both(
                        tx,
                        &c,
                        crate::msg!("message-claim-for-buyer-subject"),
                        crate::msg!("message-claim-for-buyer-body", claim = c.id.clone()),
                        now,
                    )?;
                    Ok(Ok(c))
                }
                Err(e) => {
                    let back = match back_to {
                        Some(from) => Some(from),
                        None if !e.status.is_server_error() => Some("under_review".to_owned()),
                        None => None,
                    };
                    if back.is_none() {
                        // An outage: try again a full retry interval from now, not on every tick.
                        c.resolved_at = Some(now);
                        tx.update_claim(&c, "refunding")?;
                    }
                    if let Some(back) = back {
                        if back == "under_review" && c.escalated_at.is_none() {
                            c.escalated_at = Some(now);
                        }
                        let surfaced = back == "under_review";
                        c.status = back;
                        c.outcome = None;
                        c.refund_amount = None;
                        c.resolved_at = None;
                        tx.update_claim(&c, "refunding")?;
                        if surfaced {
                            tracing::warn!(claim = %c.id, code = e.code, "a claim's refund was refused; the claim is back with operators");
                            tell_both(
                                tx,
                                &c,
                                crate::msg!("message-claim-redecide-subject"),
                                crate::msg!("message-claim-redecide-body", claim = c.id.clone(), code = e.code),
                                now,
                            )?;
                        }
                    }
                    Ok(Err(e))
                }
            }
        })
        .await?
}

/// Finishes the refunds of claims left `refunding` by an interruption (a crash between the decision
/// and its refund): links the refund already made, or makes it. Run by the workers and the test clock.
pub async fn finish_interrupted_claim_refunds(state: &AppState) {
    let before = state.clock.now() - CLAIM_REFUND_RETRY_AFTER_S;
    let Ok(stuck) = state.store.write(move |tx| tx.claims_left_refunding(before, 20)).await else { return };
    for claim in stuck {
        let Some(_busy) = state.in_flight.try_hold(format!("claim-refund:{}", claim.id).into_bytes()) else {
            continue;
        };
        let id = claim.id.clone();
        match refund_and_resolve(state, claim, None, "decided for the buyer (refund finished after an interruption)")
            .await
        {
            Ok(_) => tracing::info!(claim = %id, "an interrupted claim refund was finished"),
            Err(e) => tracing::warn!(code = e.code, claim = %id, "finishing an interrupted claim refund failed"),
        }
    }
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
                    decide_for_buyer(&state, &claim.id, "awaiting_seller", claim.amount, note, idem.as_ref()).await?
                }
            };
            Ok(state.execute(idem, move |_, _| Ok(ApiResponse::ok(claim_json(&decided)))).await)
        }
        "reject" => Ok(state
            .execute(idem.map(|e| e.0), move |tx, ctx| {
                let mut c = tx.claim(&id)?.ok_or_else(|| ApiError::not_found("claim"))?;
                c.status = "rejected".into();
                c.seller_message = Some(message);
                if !tx.update_claim(&c, "awaiting_seller")? {
                    return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-not-awaiting-seller")));
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
            let before = c.status.clone();
            if before != "rejected" {
                return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-not-rejected")));
            }
            c.status = "under_review".into();
            c.escalated_at = Some(ctx.now);
            tx.update_claim(&c, &before)?;
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
                None => decide_for_buyer(&state, &claim.id, "under_review", amount, note, idem.as_ref()).await?,
            };
            Ok(state.execute(idem, move |_, _| Ok(ApiResponse::ok(claim_json(&decided)))).await)
        }
        "seller" => Ok(state
            .execute(idem.map(|e| e.0), move |tx, ctx| {
                let mut c = tx.claim(&id)?.ok_or_else(|| ApiError::not_found("claim"))?;
                c.status = "resolved".into();
                c.outcome = Some("seller".into());
                c.resolved_at = Some(ctx.now);
                if !tx.update_claim(&c, "under_review")? {
                    return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-not-under-review")));
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

/// Claims whose seller did not answer in time are decided for the buyer.
pub async fn decide_late_claims(state: &AppState) {
    let now = state.clock.now();
    let Ok(late) = state.store.write(move |tx| tx.claims_past_deadline(now, 50)).await else { return };
    for claim in late {
        if let Err(e) = decide_for_buyer(
            state,
            &claim.id,
            "awaiting_seller",
            claim.amount,
            "decided for the buyer: the seller did not answer in time",
            None,
        )
        .await
        {
            tracing::warn!(code = e.code, claim = %claim.id, "deciding a late claim failed; retrying on the next tick");
        }
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
pub(crate) const CLAIM_STATUSES: [&str; 4] = ["awaiting_seller", "under_review", "refunding", "resolved"];

async fn list_claims(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    let status = q.status(&CLAIM_STATUSES)?;
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
            tx.claims(&viewer, status.as_deref(), &page)
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
            let payment = tx
                .payment(&id)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != domain::checkout::PaymentStatus::Succeeded.name() {
                return Err(ApiError::conflict("payment_not_captured", crate::msg!("err-claim-payment-not-captured")));
            }
            let Some(order_id) = payment.order_id.clone() else {
                return Err(ApiError::conflict(
                    "payment_of_several_orders",
                    crate::msg!("err-claim-payment-of-several-orders"),
                )
                .with_advice_msgs(vec![crate::msg!("err-claim-payment-of-several-orders-advice")]));
            };
            let order = tx.order(&order_id)?.ok_or_else(ApiError::internal)?;
            if order.paid_at.is_some_and(|p| ctx.now > p + PROTECTION_S) {
                return Err(ApiError::bad_request("protection_expired", crate::msg!("err-claim-protection-expired")));
            }
            let returned = crate::routes::refunds::returned_of(&tx.reads(), &payment)?;
            let Some(amount) = returned.reimbursement_minor() else {
                return Err(ApiError::conflict("already_reported", crate::msg!("err-claim-already-reported")));
            };
            if !tx.mark_unauthorized(&payment.id, ctx.now)? {
                return Err(ApiError::conflict("already_reported", crate::msg!("err-claim-already-reported")));
            }
            crate::events::payment_event(tx, "payment.reported_unauthorized", &payment.id, ctx.now)?;
            let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
            if amount > 0 {
                // The seller is not liable for a payment the buyer did not make: the protection reserve pays.
                let reserve = platform_account(tx, "protection_reserve", currency, ctx.now)?;
                pocket::credit(
                    tx,
                    &Credit {
                        user_id: &user.id,
                        amount,
                        currency,
                        from: reserve,
                        ledger_code: codes::REFUND,
                        expires_at: None,
                        kind: "reimbursement",
                        reference: &format!("unauthorized payment {}", payment.id),
                    },
                    ctx.now,
                )?;
            }
            // The card is blocked for this buyer by its fingerprint: saved, typed again at checkout or
            // added to the card manager, it is refused until an operator lifts the block.
            let card_blocked = match tx.reads().payment_card_fingerprint(&payment.id)? {
                Some(fingerprint) => {
                    tx.block_fingerprint(&store::BlockedCardRecord {
                        id: random_id("bcard"),
                        user_id: user.id.clone(),
                        fingerprint,
                        brand: payment.card_brand.clone().unwrap_or_default(),
                        last4: payment.card_last4.clone().unwrap_or_default(),
                        payment_id: Some(payment.id.clone()),
                        blocked_at: ctx.now,
                    })?;
                    true
                }
                None => match &payment.card_id {
                    Some(card_id) => {
                        tx.block_card(card_id, ctx.now)?;
                        true
                    }
                    None => false,
                },
            };
            let sessions_ended = tx.revoke_other_sessions(&user.id, &token_hash, ctx.now)?;
            let ticket = TicketRecord {
                id: random_id("tkt"),
                user_id: user.id.clone(),
                order_id: Some(order.id.clone()),
                subject: format!(
                    "Unauthorized payment reported: {} ({})",
                    payment.id,
                    Money::new(amount, currency).format()
                ),
                status: "open".into(),
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            tx.insert_ticket(&ticket)?;
            tx.add_ticket_message(
                &TicketMessageRecord {
                    id: 0,
                    ticket_id: ticket.id.clone(),
                    author_user_id: user.id.clone(),
                    author_role: "buyer".into(),
                    body: description,
                    created_at: ctx.now,
                },
                "open",
            )?;
            tx.enqueue_message(
                &store::NewOutboxMessage {
                    channel: "email",
                    recipient: &user.email,
                    subject: &crate::tr_in!(
                        crate::i18n::locale_of(user.locale.as_deref()),
                        "message-reimbursed-subject"
                    ),
                    body: &crate::tr_in!(
                        crate::i18n::locale_of(user.locale.as_deref()),
                        "message-reimbursed-body",
                        amount = crate::i18n::format::money(
                            crate::i18n::locale_of(user.locale.as_deref()),
                            amount,
                            currency.code()
                        )
                        .unwrap_or_default()
                    ),
                    code: None,
                },
                ctx.now,
            )?;
            let payment_shown = tx.payment(&payment.id)?.map(|p| {
                json!({ "id": p.id, "status": p.status, "amount": p.amount,
                "amount_captured": p.amount_captured, "currency": p.currency })
            });
            Ok(ApiResponse::created(json!({
                "object": "unauthorized_report", "payment": payment_shown,
                "reimbursement": { "amount": amount, "currency": currency.code(), "destination": "pocket" },
                "card_blocked": card_blocked, "sessions_ended": sessions_ended, "case": ticket.id,
            })))
        })
        .await)
}
