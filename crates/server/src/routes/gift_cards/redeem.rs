//! Redeeming a gift code into the Pocket, with failed attempts counted per buyer and per address.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RedeemBody {
    code: String,
}

/// Failed redemptions allowed per account and per address in the window.
pub const REDEEM_FAILURES_MAX: u32 = 5;

pub(super) async fn redeem(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    PeerAddress(peer): PeerAddress,
    ApiJson(body): ApiJson<RedeemBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let now = state.clock.now();
    let mut scopes = vec![format!("user:{}", user.id)];
    scopes.extend(peer.map(|p| format!("ip:{p}")));
    for scope in &scopes {
        let s = scope.clone();
        let (failures, oldest) =
            state.store.read(move |tx| tx.redeem_failures_since(&s, now - REDEEM_FAILURE_WINDOW_S)).await?;
        if failures >= REDEEM_FAILURES_MAX {
            let retry =
                oldest.map(|t| t + REDEEM_FAILURE_WINDOW_S - now).unwrap_or(REDEEM_FAILURE_WINDOW_S).max(1) as u64;
            return Err(ApiError::rate_limited(retry, crate::msg!("err-gift-too-many-attempts"))
                .with_advice_msgs(vec![crate::msg!("err-gift-too-many-attempts-advice")]));
        }
    }
    let code_hash = normalize_code(&body.code).map(|n| state.secret.keyed_hash("gift-code", n.as_bytes()));
    let user_id = user.id.clone();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let invalid = || {
                ApiError::not_found("gift card")
                    .with_param("code")
                    .with_advice_msgs(vec![crate::msg!("error-gift-code-invalid.advice")])
            };
            let card = match &code_hash {
                Some(h) => tx.gift_card_by_code_hash(h)?,
                None => None,
            };
            let usable = card.filter(|c| c.state == GiftCardState::Active && c.expires_at > ctx.now);
            let Some(card) = usable else {
                for scope in &scopes {
                    tx.record_redeem_failure(scope, ctx.now)?;
                }
                let mut e = invalid().with_message(crate::msg!("error-gift-code-invalid"));
                e.code = "gift_card_invalid";
                return Ok(ctx.error_response(e));
            };
            let redeemed = card.state.redeem().map_err(crate::error::lifecycle_bug)?;
            if !tx.change_gift_card_state(&card.id, card.state, redeemed, Some(&user_id), ctx.now)? {
                return Err(ApiError::internal());
            }
            // For operators only (the code itself never appears in an event).
            let mut shown = gift_card_json(&store::GiftCardRecord { state: redeemed, ..card.clone() }, None);
            shown["redeemed_by"] = serde_json::json!(user_id);
            crate::events::emit(tx, "gift_card.redeemed", None, shown, ctx.now)?;
            let currency = Currency::parse(&card.currency).map_err(|_| ApiError::internal())?;
            let float = platform_account(tx, "gift_card_float", currency, ctx.now)?;
            credit(
                tx,
                &Credit {
                    user_id: &user_id,
                    amount: card.denomination,
                    currency,
                    from: float,
                    ledger_code: codes::GIFT_CARD_REDEEM,
                    expires_at: Some(card.expires_at),
                    kind: "gift_card_redeem",
                    reference: &card.id,
                },
                ctx.now,
            )?;
            Ok(ApiResponse::ok(pocket_json(tx, &user_id, ctx.now)?))
        })
        .await)
}
