//! Paying an order over HTTP: the body read into typed values (the metadata update, the FX quote, the
//! split between the Pocket and the card), then `ops::paying_start::pay` claims the payment for one
//! attempt and `ops::paying` authorizes and records the outcome. A retried key resumes an attempt
//! whose answer was never recorded. Also sending a code again.

use super::*;
use crate::ops::paying_start::{Due, PayRequest, PayTarget};

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PayBody {
    payment_method: PaymentMethodBody,
    pocket_amount: Option<i64>,
    currency: Option<String>,
    fx_quote: Option<String>,
    metadata: Option<Value>,
}

pub(super) async fn pay_order(
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
    let order = load_order(&state, &caller, &id).await?;
    if let Some(checkout) = &order.checkout_id {
        return Err(not_payable(crate::msg!("err-pay-part-of-checkout", checkout = checkout)));
    }
    let due = Due { amount: order.amount, currency: order.currency.clone(), merchant_id: order.merchant_id.clone() };
    pay(&state, idem, user, PayTarget::Order(order.id), due, body).await
}

/// Pays an order or a checkout (`ops::paying_start::pay`) with the request's values: its metadata
/// (checked to merge), the FX quote (card part only) and the split between the Pocket and the card.
pub(super) async fn pay(
    state: &AppState,
    idem: Idem,
    user: store::UserRecord,
    target: PayTarget,
    due: Due,
    body: PayBody,
) -> Result<Response, ApiError> {
    let metadata = body.metadata.as_ref().map(crate::routes::metadata::parse).transpose()?;
    if let Some(update) = &metadata {
        crate::ops::metadata::merged("{}", update)?;
    }
    let fx = match (&body.currency, &body.fx_quote) {
        (Some(c), _) if *c == due.currency => None,
        (None, None) => None,
        (Some(_), None) => return Err(ApiError::missing("fx_quote")),
        (_, Some(q)) => {
            if body.pocket_amount.is_some() || body.payment_method.kind == "pocket" {
                return Err(ApiError::invalid("fx_quote", crate::msg!("err-pay-fx-card-only")));
            }
            Some((q.clone(), body.currency.clone()))
        }
    };
    let method_is_pocket = body.payment_method.kind == "pocket";
    let split = split_payment(due.amount, body.pocket_amount, method_is_pocket)
        .map_err(|e| ApiError::bad_request(e.code(), super::errors::split_error(e)).with_param("pocket_amount"))?;
    let request = PayRequest { payment_method: body.payment_method, split, fx, metadata };
    crate::ops::paying_start::pay(state, idem.map(|e| e.0), user, target, due, request).await
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ResendBody {
    channel: Option<String>,
}

pub(super) async fn resend_code(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResendBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if let Some(c) = body.channel.as_deref() {
        if c != "sms" && c != "email" {
            return Err(ApiError::invalid("channel", crate::msg!("err-pay-channel")));
        }
        if c == "sms" && user.phone.is_none() {
            // Never send an email silently when an SMS was asked for.
            return Err(ApiError::invalid("channel", crate::msg!("err-pay-no-phone"))
                .with_advice_msgs(vec![crate::msg!("err-pay-no-phone-advice")]));
        }
    }
    let secret = state.secret.clone();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut payment = tx
                .payment(&id)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != PaymentStatus::RequiresAction {
                return Err(ApiError::conflict("payment_not_awaiting_code", crate::msg!("err-pay-not-awaiting-code")));
            }
            let Some(record) = tx.challenge(&id)? else {
                return Err(ApiError::conflict("payment_not_awaiting_code", crate::msg!("err-pay-awaiting-document")));
            };
            if record.sends >= CODE_SENDS_MAX {
                return Err(ApiError::rate_limited(
                    u64::try_from((record.expires_at - ctx.now).max(1)).unwrap_or(1),
                    crate::msg!("err-pay-codes-used-up"),
                )
                .with_advice_msgs(vec![
                    crate::msg!("err-pay-codes-used-up-advice-last"),
                    crate::msg!("err-pay-codes-used-up-advice-new"),
                ]));
            }
            if let Some(wait) = (record.sent_at + RESEND_COOLDOWN_S - ctx.now).checked_sub(0).filter(|w| *w > 0) {
                return Err(ApiError::rate_limited(
                    u64::try_from(wait).unwrap_or(1),
                    crate::msg!("err-pay-resend-wait"),
                ));
            }
            let reasons: Vec<StepUpReason> =
                StepUpReason::ALL.into_iter().filter(|r| record.reasons.split(',').any(|n| n == r.name())).collect();
            start_challenge(tx, &secret, &mut payment, &record.attempt_id, &reasons, body.channel.as_deref(), ctx.now)?;
            Ok(ApiResponse::ok(payment_view(&tx.reads(), &id)?))
        })
        .await)
}
