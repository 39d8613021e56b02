//! Claims as an operation: deciding a claim for the buyer (the claim moved to `refunding`, refunded
//! through `ops::refunds::issue_refund`, then resolved), resuming a decision a crash interrupted, and
//! the refusals and messages of a claim's steps; and a buyer's report of an unauthorized payment.

use domain::claims::{ClaimOutcome, ClaimRefusal, ClaimStatus, OpenRefusal, PROTECTION_S};
use domain::money::{Currency, Money};
use serde_json::json;
use store::{ClaimRecord, PaymentRecord, TicketMessageRecord, TicketRecord, UserRecord, WriteTx};

use crate::error::{ApiError, ApiResponse};
use crate::i18n::Msg;
use crate::idempotency::IdempotencyContext;
use crate::ops::refunds::{issue_refund, RefundSpec};
use crate::ops::shop::bind_error;
use crate::pocket::{self, codes, platform_account, Credit};
use crate::secrets::random_id;
use crate::views::claims::claim_json;
use crate::AppState;

/// A claim as the API shows it.
/// A claim event, with the claim as the API shows it.
pub(crate) fn claim_event(tx: &mut WriteTx<'_>, kind: &'static str, c: &ClaimRecord, now: i64) -> Result<(), ApiError> {
    crate::events::emit(tx, kind, Some(&c.merchant_id), claim_json(c), now)
}

/// Emails the buyer and the seller's owner about a claim, each in their own language.
pub(crate) fn tell_both(
    tx: &mut WriteTx<'_>,
    claim: &ClaimRecord,
    subject: Msg,
    text: Msg,
    now: i64,
) -> Result<(), ApiError> {
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

/// Why a claim may not be opened, as the API answers it.
pub(crate) fn open_refusal(refusal: OpenRefusal) -> ApiError {
    let message = match refusal {
        OpenRefusal::NotShipped => crate::msg!("err-claim-not-shipped"),
        OpenRefusal::OrderCanceled => crate::msg!("err-claim-order-cancelled"),
        OpenRefusal::ProtectionExpired => crate::msg!("err-claim-protection-expired"),
        OpenRefusal::WindowClosed => crate::msg!("err-claim-window-closed"),
        OpenRefusal::ParcelInTransit { from } => crate::msg!("err-claim-parcel-in-transit", from = from.to_string()),
    };
    ApiError::bad_request(refusal.code(), message)
}

/// A claim that may not take a step, as the API answers it (409 `claim_not_open`).
pub(crate) fn claim_refusal(refusal: ClaimRefusal) -> ApiError {
    let message = match refusal {
        ClaimRefusal::NotAwaitingSeller => crate::msg!("err-claim-not-awaiting-seller"),
        ClaimRefusal::NotRejected => crate::msg!("err-claim-not-rejected"),
        ClaimRefusal::NotUnderReview => crate::msg!("err-claim-not-under-review"),
        ClaimRefusal::NotAwaitingDecision | ClaimRefusal::NotRefunding => {
            crate::msg!("err-claim-not-awaiting-decision")
        }
    };
    ApiError::conflict(refusal.code(), message)
}

/// A claim left `refunding` this long is taken to be interrupted, and its refund is finished by
/// [`crate::jobs::finish_interrupted_claim_refunds`].
pub(crate) const CLAIM_REFUND_RETRY_AFTER_S: i64 = 60;

/// Refunds a claim for the buyer and resolves it. The claim is first moved to `refunding`, with the
/// decided amount and the decision time, so that two decisions cannot both refund, and a refund
/// interrupted by a crash is finished by a job; if the refund fails (the money was refunded meanwhile),
/// the claim goes back.
pub(crate) async fn decide_for_buyer(
    state: &AppState,
    claim_id: &str,
    from: ClaimStatus,
    amount: i64,
    outcome_note: &str,
    bind: Option<&IdempotencyContext>,
) -> Result<ClaimRecord, ApiError> {
    let bind = bind.cloned();
    let cid = claim_id.to_owned();
    let now = state.clock.now();
    let Some(_busy) = state.in_flight.try_hold(format!("claim-refund:{claim_id}").into_bytes()) else {
        return Err(ApiError::conflict("claim_not_open", crate::msg!("err-claim-being-decided")));
    };
    let claim = state
        .store
        .write(move |tx| -> Result<ClaimRecord, ApiError> {
            let mut c = tx.claim(&cid)?.ok_or_else(|| ApiError::not_found("claim"))?;
            if c.status != from {
                return Err(claim_refusal(ClaimRefusal::NotAwaitingDecision));
            }
            let next = c.status.decide_for_buyer().map_err(claim_refusal)?;
            // A decision the refund rules refuse changes nothing: the claim stays as it was.
            let payment = tx.payment_by_order(&c.order_id)?.ok_or_else(ApiError::internal)?;
            let returned = crate::ops::refunds::returned_of(&tx.reads(), &payment)?;
            returned.check_refund(Some(amount)).map_err(|e| {
                crate::ops::refunds::refund_error(e, &payment.currency)
                    .with_param(if from == ClaimStatus::UnderReview { "refund_amount" } else { "amount" })
            })?;
            if let Some(key) = &bind {
                key.bind(tx, &c.id, now).map_err(bind_error)?;
            }
            c.status = next;
            c.outcome = Some(ClaimOutcome::Buyer);
            c.refund_amount = Some(amount);
            c.resolved_at = Some(now);
            if !tx.update_claim(&c, from)? {
                return Err(claim_refusal(ClaimRefusal::NotAwaitingDecision));
            }
            Ok(c)
        })
        .await?;
    state.failpoint("claim.decided");
    refund_and_resolve(state, claim, Some(from), outcome_note).await
}

/// A retried decision whose answer was never recorded (a crash, a lost connection): the claim it
/// bound, its refund finished if it was interrupted — never a second decision or refund.
pub(crate) async fn resume_decision(
    state: &AppState,
    claim_id: &str,
    outcome_note: &str,
) -> Result<ClaimRecord, ApiError> {
    let cid = claim_id.to_owned();
    let claim = state.store.read(move |tx| tx.claim(&cid)).await?.ok_or_else(ApiError::internal)?;
    if claim.status != ClaimStatus::Refunding {
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
pub(crate) async fn refund_and_resolve(
    state: &AppState,
    claim: ClaimRecord,
    back_to: Option<ClaimStatus>,
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
    // The outer `Result` is the store's; the inner one is the decision's, so that a refused refund
    // still commits the claim's way back (an `Err` from the command would roll that back too).
    state
        .store
        .write(move |tx| -> Result<Result<ClaimRecord, ApiError>, ApiError> {
            let mut c = tx.claim(&claim.id)?.ok_or_else(ApiError::internal)?;
            match refund {
                Ok(r) => {
                    c.status = c.status.refunded().map_err(claim_refusal)?;
                    c.outcome = Some(ClaimOutcome::Buyer);
                    c.refund_amount = Some(r.amount);
                    c.refund_id = Some(r.id);
                    c.resolved_at = Some(now);
                    tx.update_claim(&c, ClaimStatus::Refunding)?;
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
                        None if !e.status.is_server_error() => Some(ClaimStatus::UnderReview),
                        None => None,
                    };
                    if back.is_none() {
                        // An outage: try again a full retry interval from now, not on every tick.
                        c.resolved_at = Some(now);
                        tx.update_claim(&c, ClaimStatus::Refunding)?;
                    }
                    if let Some(back) = back {
                        if back == ClaimStatus::UnderReview && c.escalated_at.is_none() {
                            c.escalated_at = Some(now);
                        }
                        let surfaced = back == ClaimStatus::UnderReview;
                        c.status = c.status.refund_refused(back).map_err(claim_refusal)?;
                        c.outcome = None;
                        c.refund_amount = None;
                        c.resolved_at = None;
                        tx.update_claim(&c, ClaimStatus::Refunding)?;
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

/// The buyer reports a captured payment as unauthorized (`user` with their session's `token_hash`):
/// the payment is marked, what was not returned is reimbursed in full from the protection reserve,
/// the card is blocked, the buyer's other sessions end, a case is opened as a support ticket with
/// `description`, and the buyer is told by email. One command.
pub(crate) fn report_unauthorized(
    tx: &mut WriteTx<'_>,
    user: &UserRecord,
    token_hash: &[u8],
    payment_id: &str,
    description: String,
    now: i64,
) -> Result<ApiResponse, ApiError> {
    let (payment, order_id, amount) = reportable(tx, &user.id, payment_id, now)?;
    if !tx.mark_unauthorized(&payment.id, now)? {
        return Err(already_reported());
    }
    crate::events::payment_event(tx, "payment.reported_unauthorized", &payment.id, now)?;
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    if amount > 0 {
        reimburse(tx, &user.id, &payment.id, amount, currency, now)?;
    }
    let card_blocked = block_card_of(tx, &user.id, &payment, now)?;
    let sessions_ended = tx.revoke_other_sessions(&user.id, token_hash, now)?;
    let subject = format!("Unauthorized payment reported: {} ({})", payment.id, Money::new(amount, currency).format());
    let case = open_case(tx, &user.id, &order_id, subject, description, now)?;
    tell_reimbursed(tx, user, amount, currency, now)?;
    let payment_shown = tx.payment(&payment.id)?.map(|p| {
        json!({ "id": p.id, "status": p.status.name(), "amount": p.amount,
        "amount_captured": p.amount_captured, "currency": p.currency })
    });
    Ok(ApiResponse::created(json!({
        "object": "unauthorized_report", "payment": payment_shown,
        "reimbursement": { "amount": amount, "currency": currency.code(), "destination": "pocket" },
        "card_blocked": card_blocked, "sessions_ended": sessions_ended, "case": case,
    })))
}

/// A second report of the same payment (`already_reported`).
fn already_reported() -> ApiError {
    ApiError::conflict("already_reported", crate::msg!("err-claim-already-reported"))
}

/// The buyer's payment that may be reported: captured, of one order, within the protection window,
/// not reported yet. With its order's id and the amount to reimburse (what was not returned).
fn reportable(
    tx: &mut WriteTx<'_>,
    user_id: &str,
    payment_id: &str,
    now: i64,
) -> Result<(PaymentRecord, String, i64), ApiError> {
    let payment =
        tx.payment(payment_id)?.filter(|p| p.buyer_user_id == user_id).ok_or_else(|| ApiError::not_found("payment"))?;
    if payment.status != domain::checkout::PaymentStatus::Succeeded {
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
    if order.paid_at.is_some_and(|p| now > p + PROTECTION_S) {
        return Err(ApiError::bad_request("protection_expired", crate::msg!("err-claim-protection-expired")));
    }
    let returned = crate::ops::refunds::returned_of(&tx.reads(), &payment)?;
    let Some(amount) = returned.reimbursement_minor() else {
        return Err(already_reported());
    };
    Ok((payment, order.id, amount))
}

/// The seller is not liable for a payment the buyer did not make: the protection reserve pays the
/// buyer's Pocket.
fn reimburse(
    tx: &mut WriteTx<'_>,
    user_id: &str,
    payment_id: &str,
    amount: i64,
    currency: Currency,
    now: i64,
) -> Result<(), ApiError> {
    let reserve = platform_account(tx, "protection_reserve", currency, now)?;
    pocket::credit(
        tx,
        &Credit {
            user_id,
            amount,
            currency,
            from: reserve,
            ledger_code: codes::REFUND,
            expires_at: None,
            kind: "reimbursement",
            reference: &format!("unauthorized payment {payment_id}"),
        },
        now,
    )?;
    Ok(())
}

/// The card is blocked for this buyer by its fingerprint: saved, typed again at checkout or added to
/// the card manager, it is refused until an operator lifts the block. Whether a card was blocked.
fn block_card_of(tx: &mut WriteTx<'_>, user_id: &str, payment: &PaymentRecord, now: i64) -> Result<bool, ApiError> {
    Ok(match tx.reads().payment_card_fingerprint(&payment.id)? {
        Some(fingerprint) => {
            tx.block_fingerprint(&store::BlockedCardRecord {
                id: random_id("bcard"),
                user_id: user_id.to_owned(),
                fingerprint,
                brand: payment.card_brand.clone().unwrap_or_default(),
                last4: payment.card_last4.clone().unwrap_or_default(),
                payment_id: Some(payment.id.clone()),
                blocked_at: now,
            })?;
            true
        }
        None => match &payment.card_id {
            Some(card_id) => {
                tx.block_card(card_id, now)?;
                true
            }
            None => false,
        },
    })
}

/// Opens the report's case: a support ticket about the order, the buyer's description its first
/// message. Its id.
fn open_case(
    tx: &mut WriteTx<'_>,
    user_id: &str,
    order_id: &str,
    subject: String,
    description: String,
    now: i64,
) -> Result<String, ApiError> {
    let ticket = TicketRecord {
        id: random_id("tkt"),
        user_id: user_id.to_owned(),
        order_id: Some(order_id.to_owned()),
        subject,
        status: domain::states::TicketStatus::Open,
        created_at: now,
        updated_at: now,
    };
    tx.insert_ticket(&ticket)?;
    tx.add_ticket_message(
        &TicketMessageRecord {
            id: 0,
            ticket_id: ticket.id.clone(),
            author_user_id: user_id.to_owned(),
            author_role: "buyer".into(),
            body: description,
            created_at: now,
        },
        domain::states::TicketStatus::Open,
    )?;
    Ok(ticket.id)
}

/// Tells the buyer by email, in their language, what was reimbursed.
fn tell_reimbursed(
    tx: &mut WriteTx<'_>,
    user: &UserRecord,
    amount: i64,
    currency: Currency,
    now: i64,
) -> Result<(), ApiError> {
    let locale = crate::i18n::locale_of(user.locale.as_deref());
    let amount = crate::i18n::format::money(locale, amount, currency.code()).unwrap_or_default();
    tx.enqueue_message(
        &store::NewOutboxMessage {
            channel: "email",
            recipient: &user.email,
            subject: &crate::tr_in!(locale, "message-reimbursed-subject"),
            body: &crate::tr_in!(locale, "message-reimbursed-body", amount = amount),
            code: None,
        },
        now,
    )?;
    Ok(())
}
