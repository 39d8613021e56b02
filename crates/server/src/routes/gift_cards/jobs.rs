//! The purchase healer: settles purchases left processing (a crash, an unreachable issuer).

use super::*;

/// Settles purchases left processing (a crash or an unreachable issuer): looks each attempt up at the
/// issuer. Captured → booked as bought (the codes of a gift are emailed); authorized → voided;
/// unknown to the issuer → blocked there and failed. Never charges without delivering.
pub async fn heal_purchases(state: &AppState) {
    let before = state.clock.now() - PURCHASE_HEAL_AFTER_S;
    let Ok(stale) = state.store.write(move |tx| tx.stale_purchases(before, 50)).await else { return };
    for p in stale {
        let found = match state.issuer.lookup_or_block(&p.id).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, purchase = %p.id, "the issuer is still unreachable; the purchase stays open");
                continue;
            }
        };
        let now = state.clock.now();
        let id = p.id.clone();
        let outcome = match found {
            Some(a) if a.status == issuer::AuthorizationStatus::Captured => {
                let denominations = p.denominations.clone();
                let codes: Vec<Option<GiftCode>> = denominations
                    .iter()
                    .map(|_| p.gift_recipient.as_ref().map(|_| code_from_random(&random_bytes())))
                    .collect();
                let secret = state.secret.clone();
                let rules = state.config.gift_cards.clone();
                let auth_id = a.id.clone();
                state
                    .store
                    .write(move |tx| {
                        complete_purchase(tx, &p, &auth_id, &denominations, &codes, &secret, &rules, now).map(|_| ())
                    })
                    .await
            }
            Some(a) => {
                if a.status == issuer::AuthorizationStatus::Authorized {
                    if let Err(e) = state.issuer.void(&a.id, &format!("{id}:void")).await {
                        tracing::warn!(error = %e, purchase = %id, "voiding a stale authorization failed; retrying later");
                        continue;
                    }
                }
                let code = if a.refusal.is_some() { "declined" } else { "abandoned" };
                state
                    .store
                    .write(move |tx| {
                        tx.finish_purchase(&id, PurchaseStatus::Failed, Some(&a.id), Some(code), now)
                            .map(|_| ())
                            .map_err(ApiError::from)
                    })
                    .await
            }
            None => {
                state
                    .store
                    .write(move |tx| {
                        tx.finish_purchase(&id, PurchaseStatus::Failed, None, Some("processing_error"), now)
                            .map(|_| ())
                            .map_err(ApiError::from)
                    })
                    .await
            }
        };
        if let Err(e) = outcome {
            tracing::warn!(code = e.code, "settling a stale purchase failed; retrying later");
        }
    }
}
