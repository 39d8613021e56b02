//! The periodic jobs, each a thin loop over an operation in `ops`; run by `workers` and the test
//! clock.

use crate::ops;
use crate::AppState;

/// Settles purchases left processing (a crash or an unreachable issuer): looks each attempt up at the
/// issuer. Captured → booked as bought (the codes of a gift are emailed); authorized → voided;
/// unknown to the issuer → blocked there and failed. Never charges without delivering.
pub(crate) async fn heal_purchases(state: &AppState) {
    let before = state.clock.now() - ops::gift_cards::PURCHASE_HEAL_AFTER_S;
    let Ok(stale) = state.store.write(move |tx| tx.stale_purchases(before, 50)).await else { return };
    for p in stale {
        ops::gift_cards::heal_purchase(state, p).await;
    }
}

/// Settles payment attempts left open by a crash or an outage. A capture or cancel that never
/// finished is simply released (retrying it is safe: the issuer's keys make it idempotent). An
/// authorization attempt is looked up at the issuer: an authorization found is voided (the buyer was
/// told the payment failed), one never seen is blocked there; the attempt fails and the Pocket hold
/// is released. The order stays payable.
pub(crate) async fn heal_payments(state: &AppState) {
    let before = state.clock.now() - ops::healing::ATTEMPT_HEAL_AFTER_S;
    let Ok(open) = state.store.write(move |tx| tx.payments_with_open_attempts(before, 50)).await else { return };
    for p in open {
        ops::healing::heal_payment(state, p).await;
    }
}

/// Renews card authorizations about to expire on orders not yet shipped: a new authorization on the
/// saved card, then the old one is voided. Without a saved card, or if the bank refuses, the order is
/// cancelled (holds released, the buyer told why) — never shipped on a lapsed authorization.
pub(crate) async fn reauthorize_expiring(state: &AppState) {
    let now = state.clock.now();
    let Ok(due) = state.store.write(move |tx| tx.payments_expiring(now + ops::healing::REAUTH_MARGIN_S, 50)).await
    else {
        return;
    };
    for p in due {
        ops::healing::reauthorize(state, p).await;
    }
}

/// Settles card refunds whose day has come: asks the issuer; a failed one goes to the Pocket; an
/// unknown one is tried again with the same key.
pub(crate) async fn settle_refunds(state: &AppState) {
    let now = state.clock.now();
    let Ok(due) = state.store.write(move |tx| tx.pending_refunds(now, 100)).await else { return };
    for refund in due {
        ops::refunds::settle_refund(state, refund).await;
    }
}

/// Claims whose seller did not answer in time are decided for the buyer.
pub(crate) async fn decide_late_claims(state: &AppState) {
    let now = state.clock.now();
    let Ok(late) = state.store.write(move |tx| tx.claims_past_deadline(now, 50)).await else { return };
    for claim in late {
        if let Err(e) = ops::claims::decide_for_buyer(
            state,
            &claim.id,
            domain::claims::ClaimStatus::AwaitingSeller,
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

/// Finishes the refunds of claims left `refunding` by an interruption (a crash between the decision
/// and its refund): links the refund already made, or makes it. Run by the workers and the test clock.
pub(crate) async fn finish_interrupted_claim_refunds(state: &AppState) {
    let before = state.clock.now() - ops::claims::CLAIM_REFUND_RETRY_AFTER_S;
    let Ok(stuck) = state.store.write(move |tx| tx.claims_left_refunding(before, 20)).await else { return };
    for claim in stuck {
        let Some(_busy) = state.in_flight.try_hold(format!("claim-refund:{}", claim.id).into_bytes()) else {
            continue;
        };
        let id = claim.id.clone();
        match ops::claims::refund_and_resolve(
            state,
            claim,
            None,
            "decided for the buyer (refund finished after an interruption)",
        )
        .await
        {
            Ok(_) => tracing::info!(claim = %id, "an interrupted claim refund was finished"),
            Err(e) => tracing::warn!(code = e.code, claim = %id, "finishing an interrupted claim refund failed"),
        }
    }
}

/// The background job: open reviews past their window expire (their payment fails with
/// `verification_expired`; the buyer is told), and documents decided 30 days ago are erased.
pub(crate) async fn expire_and_erase_reviews(state: &AppState) {
    let now = state.clock.now();
    ops::reviews::expire_due_reviews(state, now).await;
    ops::reviews::erase_old_documents(state, now).await;
}
