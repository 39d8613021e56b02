//! After paying: shipping captures, delivery starts the claim window, the buyer confirms receipt, and
//! cancelling before shipping voids the authorization and releases the Pocket holds.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ShipBody {
    carrier: String,
    tracking_number: String,
}

pub(super) async fn ship_order(
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
    let status = order.status;
    status.ship().map_err(order_error)?;
    ship(&state, idem.map(|e| e.0), order.id, merchant.id, carrier, tracking).await
}

pub(super) async fn deliver_order(
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
            let before = order.status;
            order.status = before.deliver().map_err(order_error)?;
            order.delivered_at = Some(ctx.now);
            tx.update_order(&order, before)?;
            crate::balance::available_from(tx, &order.id, ctx.now + crate::balance::CLAIM_WINDOW_S)?;
            crate::events::order_event(tx, "order.delivered", &order.id, ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

pub(super) async fn confirm_receipt(
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
            let before = order.status;
            order.status = before.confirm_receipt().map_err(order_error)?;
            order.completed_at = Some(ctx.now);
            if order.delivered_at.is_none() {
                order.delivered_at = Some(ctx.now);
            }
            tx.update_order(&order, before)?;
            // The buyer confirmed receipt: the sale is the seller's from now on.
            crate::balance::available_from(tx, &order.id, ctx.now)?;
            crate::events::order_event(tx, "order.completed", &order.id, ctx.now)?;
            Ok(ApiResponse::ok(order_view(&tx.reads(), &id)?))
        })
        .await)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CancelBody {
    reason: Option<String>,
}

pub(super) async fn cancel_order(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CancelBody>,
) -> Result<Response, ApiError> {
    let order = load_order(&state, &caller, &id).await?;
    if matches!(&caller, Caller::User { role: domain::accounts::Role::Operator, .. }) {
        return Err(ApiError::forbidden(crate::msg!("err-order-cancel-forbidden")));
    }
    let reason = body.reason.map(|r| r.trim().chars().take(500).collect::<String>()).filter(|r| !r.is_empty());
    order.status.cancel().map_err(order_error)?;
    cancel(&state, idem.map(|e| e.0), order.id, reason).await
}
