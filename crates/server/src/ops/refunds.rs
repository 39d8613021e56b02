//! Refunds as an operation: the three steps of issuing one (the Pocket part back at once, the card
//! part at the issuer keyed by the refund id, its answer booked), resuming one a crash interrupted,
//! and settling a card refund whose day has come (for the settlement job in `jobs`).
//!
//! Which part comes back first: the Pocket-paid part, then the card-paid part.

use domain::money::{Currency, ExchangeRate, Money};
use domain::refunds::{RefundDestination, RefundStatus};
use store::{OrderRecord, PaymentRecord, ReadTx, RefundRecord, WriteTx};

use crate::error::ApiError;
use crate::idempotency::IdempotencyContext;
use crate::ops::shop::{bind_error, notify_buyer};
use crate::pocket::{self, codes, platform_account, post, Credit};
use crate::secrets::random_id;
use crate::views::refunds::refund_json;
use crate::AppState;

/// A refund left processing this long is retried at the issuer (its key makes that safe).
pub(crate) const REFUND_RETRY_AFTER_S: i64 = 60;

/// What step 1 decided.
enum Planned {
    Done(Box<RefundRecord>),
    ToCard { refund: Box<RefundRecord>, authorization_id: String, claim: String },
}

fn exceeds(left: i64, currency: &str) -> ApiError {
    refund_error(domain::refunds::RefundError::ExceedsCaptured { left_minor: left }, currency)
}

/// The API's answer to a refund the rules refuse, with amounts written as money in `currency` (the
/// same sentences as the domain's `Display`, from the catalogue).
pub(crate) fn refund_error(e: domain::refunds::RefundError, currency: &str) -> ApiError {
    use domain::refunds::RefundError;
    let message = match e {
        RefundError::AmountNotPositive => crate::msg!("err-refund-amount-not-positive"),
        RefundError::AlreadyReimbursed => crate::msg!("err-refund-already-reimbursed"),
        RefundError::ExceedsCaptured { left_minor } => match Money::format_minor(left_minor, currency) {
            Some(left) => crate::msg!("err-refund-exceeds-captured", left = left),
            None => crate::msg!("err-refund-exceeds-captured-minor", left = left_minor.to_string()),
        },
    };
    ApiError::bad_request(e.code(), message).with_param("amount")
}

/// What has gone back to the buyer of a payment so far: refunds, and a reimbursement if it was
/// reported as unauthorized (they share one cap).
pub(crate) fn returned_of(tx: &ReadTx<'_>, payment: &PaymentRecord) -> Result<domain::refunds::Returned, ApiError> {
    Ok(domain::refunds::Returned {
        captured_minor: payment.amount_captured,
        refunded_minor: payment.amount_refunded,
        reimbursed: tx.payment_reimbursed(&payment.id)?,
    })
}

/// The card-currency amount of a card refund: the payment's original rate, never more than what
/// is left of the captured card amount.
fn presentment_part(
    payment: &PaymentRecord,
    card_part: i64,
    earlier: &[RefundRecord],
) -> Result<Option<i64>, ApiError> {
    let Some((captured, currency, rate)) = &payment.presentment else { return Ok(None) };
    let rate = ExchangeRate::parse(rate).map_err(|_| ApiError::internal())?;
    let to = Currency::parse(currency).map_err(|_| ApiError::internal())?;
    let from = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    let converted = rate.convert(Money::new(card_part, from), to).map_err(|_| ApiError::internal())?.amount_minor();
    let already: i64 = earlier.iter().filter_map(|r| r.card_presentment_amount).sum();
    let card_refunded: i64 = earlier.iter().map(|r| r.card_amount).sum();
    // The last refund of the card part takes exactly what is left, so rounding never strands a cent.
    if card_refunded + card_part == payment.card_amount {
        return Ok(Some(captured - already));
    }
    Ok(Some(converted.min(captured - already)))
}

/// Finishes a refund that a crash interrupted between its steps: if its card part still waits for
/// the issuer under this refund's claim on the payment, asks the issuer again (keyed by the refund
/// id, so at most one card refund) and books the answer; otherwise the refund is as far as it goes
/// (the settlement job finishes the rest) and is answered as it is.
pub(crate) async fn resume_refund(state: &AppState, refund_id: &str) -> Result<RefundRecord, ApiError> {
    let rid = refund_id.to_owned();
    let (refund, payment) = state
        .store
        .read(move |tx| {
            let refund = tx.refund(&rid)?;
            let payment = match &refund {
                Some(r) => tx.payment(&r.payment_id)?,
                None => None,
            };
            Ok((refund, payment))
        })
        .await?;
    let refund = refund.ok_or_else(ApiError::internal)?;
    let claim = format!("refund:{}", refund.id);
    match payment {
        Some(p)
            if refund.status == RefundStatus::Processing
                && p.attempt_in_progress.as_deref() == Some(claim.as_str()) =>
        {
            let authorization_id = p.authorization_id.ok_or_else(ApiError::internal)?;
            finish_card_refund(state, refund, authorization_id, claim).await
        }
        _ => Ok(refund),
    }
}

/// A refund to issue.
pub(crate) struct RefundSpec {
    pub(crate) order_id: String,
    /// Only this seller's orders (a seller refunding); `None` for operators and the platform.
    pub(crate) merchant_filter: Option<String>,
    /// `None`: everything left.
    pub(crate) amount: Option<i64>,
    pub(crate) reason: String,
    /// The card part goes to the Pocket instead of the card.
    pub(crate) to_pocket: bool,
    pub(crate) created_by: String,
    /// The request's idempotency key, bound to the refund in its first step.
    pub(crate) bind: Option<IdempotencyContext>,
    /// The refund's metadata (stored JSON text).
    pub(crate) metadata: String,
}

/// Issues a refund in the three steps of every issuer call: (1) reserve the amount on the payment and
/// pay the Pocket part (and, to the Pocket, the card part) at once; (2) ask the issuer to refund the
/// card part, keyed by the refund id; (3) record its answer.
pub(crate) async fn issue_refund(state: &AppState, spec: RefundSpec) -> Result<RefundRecord, ApiError> {
    let RefundSpec { order_id: id, merchant_filter, amount, reason, to_pocket, created_by: who, bind, metadata } = spec;
    let body_amount = amount;
    let now = state.clock.now();
    let refund_id = random_id("re");
    let claim = format!("refund:{refund_id}");
    // Step 1: reserve the amount on the payment, and pay everything that goes to the Pocket now.
    let planned = state
        .store
        .write(move |tx| -> Result<Planned, ApiError> {
            let order = tx.order(&id)?.ok_or_else(|| ApiError::not_found("order"))?;
            if merchant_filter.as_ref().is_some_and(|m| *m != order.merchant_id) {
                return Err(ApiError::not_found("order"));
            }
            let mut payment = tx.payment_by_order(&order.id)?.ok_or_else(|| exceeds(0, &order.currency))?;
            if payment.status != domain::checkout::PaymentStatus::Succeeded {
                return Err(exceeds(0, &order.currency));
            }
            if payment.attempt_in_progress.is_some() {
                return Err(ApiError::conflict("payment_busy", crate::msg!("err-refund-payment-busy")));
            }
            let amount = returned_of(&tx.reads(), &payment)?
                .check_refund(body_amount)
                .map_err(|e| refund_error(e, &payment.currency))?;
            if let Some(key) = &bind {
                key.bind(tx, &refund_id, now).map_err(bind_error)?;
            }
            let earlier = tx.refunds(&order.id)?;
            let pocket_refunded: i64 = earlier.iter().map(|r| r.pocket_amount).sum();
            let (pocket_part, card_part) =
                domain::refunds::pocket_first_split(amount, payment.pocket_amount, pocket_refunded);
            let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
            let payable = crate::pocket::seller_payable(tx, &order.merchant_id, currency, now)?;
            let reference = format!("refund {} of order {}", refund_id, order.number);
            if pocket_part > 0 {
                let hold_id = payment.hold_id.clone().ok_or_else(ApiError::internal)?;
                pocket::refund_captured(tx, &hold_id, pocket_part, payable, &reference, now)?;
            }
            let mut refund = RefundRecord {
                id: refund_id.clone(),
                order_id: order.id.clone(),
                payment_id: payment.id.clone(),
                amount,
                pocket_amount: pocket_part,
                card_amount: card_part,
                card_presentment_amount: presentment_part(&payment, card_part, &earlier)?.filter(|_| card_part > 0),
                destination: if to_pocket || card_part == 0 {
                    RefundDestination::Pocket
                } else {
                    RefundDestination::Original
                },
                status: RefundStatus::new(if to_pocket { 0 } else { card_part }),
                issuer_refund_id: None,
                expected_at: None,
                reason: reason.clone(),
                created_by: who.clone(),
                created_at: now,
                settled_at: Some(now),
                metadata: metadata.clone(),
            };
            payment.amount_refunded = payment
                .amount_refunded
                .checked_add(amount)
                .filter(|r| *r <= payment.amount_captured)
                .ok_or_else(ApiError::internal)?;
            payment.updated_at = now;
            if card_part > 0 && to_pocket {
                // The buyer chose the Pocket for the card part: immediate, and it never expires (it was their own money).
                pocket::credit(
                    tx,
                    &Credit {
                        user_id: &order.buyer_user_id,
                        amount: card_part,
                        currency,
                        from: payable,
                        ledger_code: codes::REFUND,
                        expires_at: None,
                        kind: "refund",
                        reference: &reference,
                    },
                    now,
                )?;
            }
            let refunded_before = payment.amount_refunded - amount;
            let in_flight = if card_part > 0 && !to_pocket { card_part } else { 0 };
            crate::balance::book_refund(tx, &order, &payment, &refund, in_flight, refunded_before, now)?;
            if card_part > 0 && !to_pocket {
                let authorization_id = payment.authorization_id.clone().ok_or_else(ApiError::internal)?;
                refund.settled_at = None;
                // If the answer never comes (a crash, an outage), the settlement job asks again from then on.
                refund.expected_at = Some(now + REFUND_RETRY_AFTER_S);
                payment.attempt_in_progress = Some(claim.clone());
                tx.update_payment(&payment)?;
                tx.insert_refund(&refund)?;
                refund_event(tx, "refund.created", &refund, &order.merchant_id, now)?;
                return Ok(Planned::ToCard { refund: Box::new(refund), authorization_id, claim });
            }
            tx.update_payment(&payment)?;
            tx.insert_refund(&refund)?;
            refund_event(tx, "refund.created", &refund, &order.merchant_id, now)?;
            refund_event(tx, "refund.succeeded", &refund, &order.merchant_id, now)?;
            let amount_text = Money::new(amount, currency).format();
            notify_buyer(
                tx,
                &order,
                crate::msg!("message-refund-subject"),
                &[crate::msg!("message-refund-pocket", amount = amount_text, order = order.number.clone())],
                now,
            )?;
            Ok(Planned::Done(Box::new(refund)))
        })
        .await?;
    state.failpoint("refund.reserved");
    let (refund, authorization_id, claim) = match planned {
        Planned::Done(refund) => return Ok(*refund),
        Planned::ToCard { refund, authorization_id, claim } => (*refund, authorization_id, claim),
    };
    finish_card_refund(state, refund, authorization_id, claim).await
}

/// Steps 2 and 3 of a card refund whose first step holds the payment's claim.
async fn finish_card_refund(
    state: &AppState,
    refund: RefundRecord,
    authorization_id: String,
    claim: String,
) -> Result<RefundRecord, ApiError> {
    // Step 2: the issuer, keyed by the refund id.
    let card_amount = refund.card_presentment_amount.unwrap_or(refund.card_amount);
    let outcome = state.issuer.refund(&authorization_id, card_amount, &refund.id).await;
    state.failpoint("refund.sent");
    // Step 3: record it.
    let recorded_at = state.clock.now();
    state
        .store
        .write(move |tx| -> Result<RefundRecord, ApiError> {
            let mut payment = tx.payment(&refund.payment_id)?.ok_or_else(ApiError::internal)?;
            if payment.attempt_in_progress.as_deref() == Some(claim.as_str()) {
                payment.attempt_in_progress = None;
                tx.update_payment(&payment)?;
            }
            settle_card_refund(tx, refund, outcome, recorded_at)
        })
        .await
}

/// Books the issuer's answer to a card refund. Pending: the money leaves the seller for the card
/// network. Failed: it goes to the buyer's Pocket instead, and the buyer is told. Unknown: it stays
/// processing and is retried.
fn settle_card_refund(
    tx: &mut WriteTx<'_>,
    mut refund: RefundRecord,
    outcome: Result<issuer::Refund, issuer::IssuerError>,
    now: i64,
) -> Result<RefundRecord, ApiError> {
    let order = tx.order(&refund.order_id)?.ok_or_else(ApiError::internal)?;
    let payment = tx.payment(&refund.payment_id)?.ok_or_else(ApiError::internal)?;
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    let amount_text = Money::new(refund.amount, currency).format();
    match outcome {
        Ok(r) if r.status != issuer::RefundStatus::Failed => {
            let payable = crate::balance::card_refund_source(tx, &order, &refund, now)?;
            let clearing = platform_account(tx, "card_clearing", currency, now)?;
            post(tx, payable, clearing, refund.card_amount, currency, codes::REFUND, now)?;
            refund.issuer_refund_id = Some(r.id);
            refund.expected_at = Some(r.settles_at);
            let settled = r.status == issuer::RefundStatus::Succeeded;
            refund.status = refund.status.accepted(settled).map_err(|_| ApiError::internal())?;
            refund.settled_at = settled.then_some(now);
            tx.update_refund(&refund)?;
            if refund.status == RefundStatus::Succeeded {
                refund_event(tx, "refund.succeeded", &refund, &order.merchant_id, now)?;
            }
            notify_buyer(
                tx,
                &order,
                crate::msg!("message-refund-subject"),
                &[crate::msg!("message-refund-card", amount = amount_text.clone(), order = order.number.clone())],
                now,
            )?;
        }
        Ok(r) => {
            refund.issuer_refund_id = Some(r.id);
            let payable = crate::balance::card_refund_source(tx, &order, &refund, now)?;
            reroute_to_pocket(tx, &mut refund, &order, payable, now)?;
        }
        Err(e) if e.is_unknown_outcome() => {
            tracing::warn!(error = %e, refund = %refund.id, "card refund outcome unknown; it will be retried");
            refund.expected_at = Some(now + REFUND_RETRY_AFTER_S);
            tx.update_refund(&refund)?;
        }
        Err(e) => {
            tracing::warn!(error = %e, refund = %refund.id, "the issuer refused a card refund; paying it into the Pocket");
            let payable = crate::balance::card_refund_source(tx, &order, &refund, now)?;
            reroute_to_pocket(tx, &mut refund, &order, payable, now)?;
        }
    }
    Ok(refund)
}

fn reroute_to_pocket(
    tx: &mut WriteTx<'_>,
    refund: &mut RefundRecord,
    order: &OrderRecord,
    from: domain::ledger::AccountId,
    now: i64,
) -> Result<(), ApiError> {
    let currency = Currency::parse(&order.currency).map_err(|_| ApiError::internal())?;
    pocket::credit(
        tx,
        &Credit {
            user_id: &order.buyer_user_id,
            amount: refund.card_amount,
            currency,
            from,
            ledger_code: codes::REFUND,
            expires_at: None,
            kind: "refund",
            reference: &format!("refund {} of order {}", refund.id, order.number),
        },
        now,
    )?;
    refund.destination = RefundDestination::Pocket;
    refund.status = refund.status.reroute_to_pocket().map_err(|_| ApiError::internal())?;
    refund.settled_at = Some(now);
    tx.update_refund(refund)?;
    refund_event(tx, "refund.succeeded", refund, &order.merchant_id, now)?;
    let amount = Money::new(refund.card_amount, currency).format();
    notify_buyer(
        tx,
        order,
        crate::msg!("message-refund-rerouted-subject"),
        &[crate::msg!("message-refund-rerouted", amount = amount, order = order.number.clone())],
        now,
    )
}

/// Settles one card refund whose day has come: asks the issuer; a failed one goes to the Pocket; an
/// unknown one is tried again with the same key.
pub(crate) async fn settle_refund(state: &AppState, refund: RefundRecord) {
    let outcome = match &refund.issuer_refund_id {
        Some(issuer_id) => state.issuer.refund_status(issuer_id).await,
        None => {
            let Some(auth) = state
                .store
                .read({
                    let pid = refund.payment_id.clone();
                    move |tx| tx.payment(&pid)
                })
                .await
                .ok()
                .flatten()
                .and_then(|p| p.authorization_id)
            else {
                return;
            };
            state.issuer.refund(&auth, refund.card_presentment_amount.unwrap_or(refund.card_amount), &refund.id).await
        }
    };
    let now = state.clock.now();
    let settled = state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            match (&refund.issuer_refund_id, outcome) {
                // A retried first attempt: book it as a new answer.
                (None, outcome) => settle_card_refund(tx, refund, outcome, now).map(|_| ()),
                (Some(_), Ok(r)) if r.status == issuer::RefundStatus::Succeeded => {
                    let mut refund = refund;
                    refund.status = refund.status.settled().map_err(|_| ApiError::internal())?;
                    refund.settled_at = Some(now);
                    tx.update_refund(&refund)?;
                    let merchant = tx.order(&refund.order_id)?.map(|o| o.merchant_id).unwrap_or_default();
                    refund_event(tx, "refund.succeeded", &refund, &merchant, now)
                }
                (Some(_), Ok(r)) if r.status == issuer::RefundStatus::Failed => {
                    // The money had left for the card network: it comes back from clearing to the Pocket.
                    let mut refund = refund;
                    let order = tx.order(&refund.order_id)?.ok_or_else(ApiError::internal)?;
                    let currency = Currency::parse(&order.currency).map_err(|_| ApiError::internal())?;
                    let clearing = platform_account(tx, "card_clearing", currency, now)?;
                    reroute_to_pocket(tx, &mut refund, &order, clearing, now)
                }
                (Some(_), _) => Ok(()),
            }
        })
        .await;
    if let Err(e) = settled {
        tracing::warn!(code = e.code, "settling a refund failed; retrying on the next tick");
    }
}

/// A refund event, with the refund as the API shows it.
fn refund_event(
    tx: &mut WriteTx<'_>,
    kind: &'static str,
    refund: &RefundRecord,
    merchant_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    crate::events::emit(tx, kind, Some(merchant_id), refund_json(refund), now)
}
