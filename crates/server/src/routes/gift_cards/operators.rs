//! Operators' gift-card tools: look a card up, block and unblock it; and the never-refundable refund.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LookupBody {
    code: String,
}

/// A gift card as operators see it: who bought it, who redeemed it, never the code.
pub(super) fn operator_gift_card_json(g: &GiftCardRecord) -> Value {
    let mut v = gift_card_json(g, None);
    v["buyer"] = json!(g.buyer_user_id);
    v["redeemed_by"] = json!(g.redeemed_by);
    v["redeemed_at"] = json!(g.redeemed_at);
    v
}

pub(super) async fn lookup_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<LookupBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let missing = || {
        ApiError::not_found("gift card")
            .with_param("code")
            .with_advice_msgs(vec![crate::msg!("err-gift-lookup-advice")])
    };
    let hash = normalize_code(&body.code).map(|n| state.secret.keyed_hash("gift-code", n.as_bytes()));
    let hash = hash.ok_or_else(missing)?;
    let card = state.store.read(move |tx| tx.gift_card_with_code_hash(&hash)).await?;
    let card = card.ok_or_else(missing)?;
    Ok(axum::Json(operator_gift_card_json(&card)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct BlockBody {
    reason: String,
}

/// Longest reason for blocking a gift card.
pub(super) const BLOCK_REASON_LENGTH_MAX: usize = 500;

pub(super) async fn block_gift_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockBody>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > BLOCK_REASON_LENGTH_MAX {
        return Err(ApiError::invalid("reason", crate::msg!("err-gift-block-reason", max = BLOCK_REASON_LENGTH_MAX)));
    }
    Ok(change_block(&state, idem, id, true, move |card| {
        tracing::info!(gift_card = %card.id, operator = %operator.id, reason = %reason, "gift card blocked");
    })
    .await)
}

pub(super) async fn unblock_gift_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    Ok(change_block(&state, idem, id, false, move |card| {
        tracing::info!(gift_card = %card.id, operator = %operator.id, "gift card unblocked");
    })
    .await)
}

/// Blocks (`block`) or unblocks a gift code; only an unredeemed, unexpired code can move.
pub(super) async fn change_block(
    state: &AppState,
    idem: Idem,
    id: String,
    block: bool,
    log: impl FnOnce(&GiftCardRecord) + Send + 'static,
) -> Response {
    state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let card = tx.gift_card(&id)?.ok_or_else(|| ApiError::not_found("gift card"))?;
            if card.code_hash.is_none() {
                return Err(ApiError::conflict("gift_card_not_blockable", crate::msg!("err-gift-no-code")));
            }
            let (from_state, to_state) = if block {
                (GiftCardState::Active, GiftCardState::Blocked)
            } else {
                (GiftCardState::Blocked, GiftCardState::Active)
            };
            let step = if block { card.state.block() } else { card.state.unblock() };
            let Ok(next) = step else {
                return Err(ApiError::conflict(
                    "gift_card_not_blockable",
                    crate::msg!(
                        "err-gift-wrong-state",
                        state = card.state.name(),
                        from = from_state.name(),
                        to = to_state.name()
                    ),
                ));
            };
            if !tx.change_gift_card_state(&card.id, card.state, next, None, ctx.now)? {
                return Err(ApiError::internal());
            }
            let card = tx.gift_card(&card.id)?.ok_or_else(ApiError::internal)?;
            log(&card);
            Ok(ApiResponse::ok(operator_gift_card_json(&card)))
        })
        .await
}

pub(super) async fn refund_refused(Path(_id): Path<String>) -> ApiError {
    ApiError::bad_request("gift_card_not_refundable", crate::msg!("err-gift-not-refundable")).with_advice_msgs(vec![
        crate::msg!("err-gift-not-refundable-advice-spend"),
        crate::msg!("err-gift-not-refundable-advice-give"),
    ])
}
