//! Paying's first step, for an order or a checkout: one command claims the payment for one attempt
//! (what is paid read again, the platform's spending limits, the FX quote, the payment made or
//! reused with the request's metadata merged, the attempt recorded), applies the risk rules (a
//! document review or a one-time code) and, when none applies, holds the Pocket part; the card part
//! is then authorized by `ops::paying::authorize_attempt`. The request's handler parses the body.

use std::sync::Arc;

use axum::response::Response;
use domain::checkout::{check_limits, step_up_reasons, PaymentStatus, RiskFacts, Split, CODE_TTL_S};
use domain::payments::AttemptStatus;
use store::{AttemptRecord, OrderRecord, PaymentRecord, UserRecord, WriteTx};

use crate::error::{ApiError, ApiResponse};
use crate::idempotency::IdempotencyContext;
use crate::ops::metadata::{merged, MetadataUpdate};
use crate::ops::paying::{
    abandon_waiting, authorize_attempt, hold_pocket_part, not_payable, record_answer, remember_pending,
    start_challenge, PendingPayment,
};
use crate::ops::reviews::start_review;
use crate::ops::shop::{awaits_payment, bind_error};
use crate::payment_method::{resolve_card, ChargeableCard, PaymentMethodBody};
use crate::secrets::random_id;
use crate::views::shop::payment_view;
use crate::{AppState, ServerConfig, ServerSecret};

/// What is being paid: one order, or the open orders of a checkout.
#[derive(Clone)]
pub(crate) enum PayTarget {
    Order(String),
    Checkout(String),
}

/// What the buyer was shown to pay, checked again inside the command.
pub(crate) struct Due {
    pub amount: i64,
    pub currency: String,
    /// The seller whose country the issuer sees (a checkout's first order's).
    pub merchant_id: String,
}

/// A pay request's values, as its handler parsed them from the body.
pub(crate) struct PayRequest {
    /// How the card part is paid (none is charged when the Pocket pays everything).
    pub payment_method: PaymentMethodBody,
    /// The amount's split between the Pocket and the card.
    pub split: Split,
    /// The FX quote the card part is paid in, and the currency the buyer asked for.
    pub fx: Option<(String, Option<String>)>,
    /// The metadata update for the payment (already known to merge into empty metadata).
    pub metadata: Option<MetadataUpdate>,
}

/// What step 1 of paying decided.
enum Claimed {
    /// The answer is ready (a failure, or a code was sent).
    Answered(ApiResponse),
    /// The payment is claimed for this attempt: go on to authorize.
    /// `verified`: an approved document review already confirmed the buyer for this payment.
    Claimed { payment_id: String, attempt_id: String, verified: bool },
}

/// The refusal of a payment above the platform's daily or monthly spending limit.
pub(crate) fn limit_error(e: domain::checkout::LimitError) -> ApiError {
    use domain::checkout::LimitError;
    let mut error = ApiError::payment(&domain::declines::PaymentFailure::InsufficientPocketBalance);
    error.code = e.code();
    let (monthly, limit_minor, remaining_minor, currency) = match e {
        LimitError::DailyLimitExceeded { limit_minor, remaining_minor, currency } => {
            (false, limit_minor, remaining_minor, currency)
        }
        LimitError::MonthlyLimitExceeded { limit_minor, remaining_minor, currency } => {
            (true, limit_minor, remaining_minor, currency)
        }
    };
    let money =
        |minor: i64| crate::i18n::format::money(crate::i18n::current(), minor, currency.code()).unwrap_or_default();
    let (limit, remaining) = (money(limit_minor), money(remaining_minor));
    let message = match (monthly, remaining_minor > 0) {
        (false, false) => crate::msg!("error-daily-limit-reached", limit = limit),
        (false, true) => crate::msg!("error-daily-limit-exceeded", limit = limit, remaining = remaining),
        (true, false) => crate::msg!("error-monthly-limit-reached", limit = limit),
        (true, true) => crate::msg!("error-monthly-limit-exceeded", limit = limit, remaining = remaining),
    };
    error
        .with_message(message)
        .with_advice_msgs(vec![crate::msg!("error-limit.advice"), crate::msg!("error-limit.advice-support")])
}

/// Pays an order or a checkout: one risk decision, at most one code, the Pocket held and the card
/// authorized once for the whole amount.
pub(crate) async fn pay(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    user: UserRecord,
    target: PayTarget,
    due: Due,
    request: PayRequest,
) -> Result<Response, ApiError> {
    let split = request.split;
    let card: Option<ChargeableCard> =
        if split.card_minor > 0 { Some(resolve_card(state, &user.id, &request.payment_method).await?) } else { None };
    let typed_method =
        (split.card_minor > 0 && request.payment_method.new_card.is_some()).then(|| request.payment_method.clone());
    let mid = due.merchant_id.clone();
    let merchant_country =
        state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
    let now = state.clock.now();

    // Step 1: claim the payment for this attempt; decide whether the buyer must confirm with a code.
    let claim = Claim {
        target,
        expected_amount: due.amount,
        fx: request.fx,
        metadata: request.metadata,
        split,
        card: CardFacts::of(card.as_ref()),
        buyer_country: user.country.clone(),
        bind: idem.clone(),
        secret: state.secret.clone(),
        config: state.config.clone(),
        now,
        request_id: crate::error::current_request_id(),
    };
    let claimed = state.store.write(move |tx| claim_payment(tx, claim)).await?;
    let pending = PendingPayment { card, typed_method, split, merchant_country, expires_at: now + CODE_TTL_S };
    let (payment_id, attempt_id, verified) = match claimed {
        Claimed::Answered(answer) => return Ok(answered(state, idem, answer, pending, now).await),
        Claimed::Claimed { payment_id, attempt_id, verified } => (payment_id, attempt_id, verified),
    };
    state.failpoint("pay.claimed");
    Ok(authorize_attempt(state, idem, &payment_id, &attempt_id, pending, verified, true).await)
}

/// Step 1 ended with an answer (a failure, a code sent or a document asked for): counted, and, when
/// the buyer must act, the card and split kept in memory (a typed card also kept sealed) until then.
async fn answered(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    answer: ApiResponse,
    mut pending: PendingPayment,
    now: i64,
) -> Response {
    state.failpoint("pay.answered");
    if let Some(m) = &state.metrics {
        let method = if pending.split.card_minor > 0 { "card" } else { "pocket" };
        let outcome = if !answer.status.is_success() {
            "declined"
        } else if answer.body["status"] == PaymentStatus::RequiresAction.name() {
            "requires_action"
        } else {
            "authorized"
        };
        m.payment_attempt(method, outcome);
    }
    if answer.body["status"] == PaymentStatus::RequiresAction.name() {
        if let Some(pid) = answer.body["id"].as_str() {
            // A document review waits longer than a code.
            let wait = if answer.body["next_action"]["type"] == "document_review" {
                domain::verification::REVIEW_WINDOW_S
            } else {
                CODE_TTL_S
            };
            let typed_method = pending.typed_method.take();
            pending.expires_at = now + wait;
            remember_pending(state, pid, pending, now);
            if let Some(method) = &typed_method {
                crate::payment_method::keep_checkout_card(state, pid, method, now + wait).await;
            }
        }
    }
    record_answer(state, idem, answer).await
}

/// The card's facts the claiming command records and weighs (none when the Pocket pays everything).
struct CardFacts {
    brand: Option<String>,
    last4: Option<String>,
    /// The saved card's id (none for a card typed at checkout).
    id: Option<String>,
    /// For the risk rules: whether the card is new, and its country when known.
    risk: Option<(bool, Option<String>)>,
}

impl CardFacts {
    fn of(card: Option<&ChargeableCard>) -> CardFacts {
        let (brand, last4, id) = match card {
            Some(c) => (Some(c.brand.clone()), Some(c.last4.clone()), c.saved.as_ref().map(|s| s.id.clone())),
            None => (None, None, None),
        };
        let risk =
            card.map(|c| (c.saved.is_none(), c.saved.as_ref().map(|s| s.country.clone()).filter(|c| !c.is_empty())));
        CardFacts { brand, last4, id, risk }
    }
}

/// What the claiming command needs, moved into it.
struct Claim {
    target: PayTarget,
    expected_amount: i64,
    fx: Option<(String, Option<String>)>,
    metadata: Option<MetadataUpdate>,
    split: Split,
    card: CardFacts,
    buyer_country: String,
    /// The request's idempotency key, bound to the payment so that a retry resumes it.
    bind: Option<IdempotencyContext>,
    secret: ServerSecret,
    config: Arc<ServerConfig>,
    now: i64,
    request_id: String,
}

/// Step 1's command: claims the payment for one attempt, applies the limits and the risk rules, and
/// holds the Pocket part when the buyer need not confirm first.
fn claim_payment(tx: &mut WriteTx<'_>, c: Claim) -> Result<Claimed, ApiError> {
    let now = c.now;
    let (order, existing, open_orders) = payable_now(tx, &c.target)?;
    if order.amount != c.expected_amount {
        return Err(ApiError::conflict("checkout_changed", crate::msg!("err-pay-checkout-changed")));
    }
    if order.currency == c.config.spending_limits.currency.code() {
        let (y, m) = domain::calendar::year_month_of(now);
        let first_of_month = domain::calendar::days_from_civil(y, m, 1);
        let today = tx.spent_from_day(&order.buyer_user_id, &order.currency, now.div_euclid(86_400))?;
        let month = tx.spent_from_day(&order.buyer_user_id, &order.currency, first_of_month)?;
        check_limits(&c.config.spending_limits, today, month, order.amount).map_err(limit_error)?;
    }
    let presentment = presentment_of(tx, c.fx.as_ref(), &order, now)?;
    let mut payment = payment_to_claim(tx, existing, &c.target, c.metadata.as_ref(), &order, now)?;
    if payment.checkout_id.is_some() {
        ensure_parts(tx, &payment, &open_orders, now)?;
    }
    // The buyer pays another way instead of typing the code: the waiting attempt is abandoned.
    abandon_waiting(tx, &mut payment, now)?;
    if payment.attempt_in_progress.is_some() {
        return Err(not_payable(crate::msg!("err-pay-attempt-in-progress")));
    }
    if let Some(key) = &c.bind {
        // A retry of this request after a crash resumes this payment instead of paying again.
        key.bind(tx, &payment.id, now).map_err(bind_error)?;
    }
    let attempt_id = start_attempt(tx, &mut payment, c.split, &c.card, presentment, now)?;
    let verified = match step_up(tx, &c, &order, &mut payment, &attempt_id)? {
        Risk::Answered(answer) => return Ok(Claimed::Answered(answer)),
        Risk::Passed { verified } => verified,
    };
    // Step 2 in the same command: hold the Pocket part (one durable round trip fewer).
    if let Some(answer) = hold_pocket_part(tx, &payment.id, &attempt_id, c.split, now, &c.request_id)? {
        return Ok(Claimed::Answered(answer));
    }
    Ok(Claimed::Claimed { payment_id: payment.id, attempt_id, verified })
}

/// The amount in the buyer's currency, from the FX quote asked for: the buyer's own, quoting this
/// amount and currency (and the currency asked for), not yet expired.
fn presentment_of(
    tx: &mut WriteTx<'_>,
    fx: Option<&(String, Option<String>)>,
    order: &PayableNow,
    now: i64,
) -> Result<Option<(i64, String, String)>, ApiError> {
    let Some((quote_id, wanted)) = fx else { return Ok(None) };
    let q = tx
        .quote(quote_id)?
        .filter(|q| q.user_id == order.buyer_user_id)
        .ok_or_else(|| ApiError::invalid("fx_quote", crate::msg!("err-pay-no-quote")))?;
    if q.from_currency != order.currency
        || q.from_amount != order.amount
        || wanted.as_ref().is_some_and(|w| *w != q.to_currency)
    {
        return Err(ApiError::invalid("fx_quote", crate::msg!("err-pay-quote-mismatch")));
    }
    if now >= q.expires_at {
        return Err(ApiError::bad_request("fx_quote_expired", crate::msg!("err-pay-fx-expired"))
            .with_param("fx_quote")
            .with_advice_msgs(vec![crate::msg!("err-pay-fx-expired-advice")]));
    }
    Ok(Some((q.to_amount, q.to_currency, q.rate)))
}

/// The payment this attempt pays: an earlier attempt's (its amount as due now, the request's
/// metadata merged in), or a new one (a checkout's is recorded on the checkout).
fn payment_to_claim(
    tx: &mut WriteTx<'_>,
    existing: Option<PaymentRecord>,
    target: &PayTarget,
    metadata: Option<&MetadataUpdate>,
    order: &PayableNow,
    now: i64,
) -> Result<PaymentRecord, ApiError> {
    if let Some(mut p) = existing {
        // What a checkout pays shrinks when one of its orders is cancelled before it is paid.
        p.amount = order.amount;
        if let Some(update) = metadata {
            p.metadata = merged(&p.metadata, update)?;
            tx.set_metadata(store::MetadataOf::Payment, &p.id, &p.metadata)?;
        }
        return Ok(p);
    }
    let p = PaymentRecord {
        order_id: match target {
            PayTarget::Order(id) => Some(id.clone()),
            PayTarget::Checkout(_) => None,
        },
        checkout_id: match target {
            PayTarget::Order(_) => None,
            PayTarget::Checkout(id) => Some(id.clone()),
        },
        metadata: match metadata {
            Some(update) => merged("{}", update)?,
            None => "{}".to_owned(),
        },
        ..PaymentRecord::unpaid(
            random_id("pay"),
            order.buyer_user_id.clone(),
            order.amount,
            order.currency.clone(),
            now,
        )
    };
    tx.insert_payment(&p)?;
    if let Some(checkout) = &p.checkout_id {
        tx.set_checkout_payment(checkout, &p.id)?;
    }
    Ok(p)
}

/// Records a new attempt (processing) and claims the payment for it with its split and card.
fn start_attempt(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    split: Split,
    card: &CardFacts,
    presentment: Option<(i64, String, String)>,
    now: i64,
) -> Result<String, ApiError> {
    let attempt = AttemptRecord {
        id: random_id("att"),
        payment_id: payment.id.clone(),
        status: AttemptStatus::Processing,
        pocket_amount: split.pocket_minor,
        card_amount: split.card_minor,
        card_id: card.id.clone(),
        card_brand: card.brand.clone(),
        card_last4: card.last4.clone(),
        authorization_id: None,
        error_code: None,
        decline_code: None,
        created_at: now,
    };
    tx.insert_attempt(&attempt)?;
    payment.pocket_amount = split.pocket_minor;
    payment.card_amount = split.card_minor;
    payment.card_id = card.id.clone();
    payment.card_brand = card.brand.clone();
    payment.card_last4 = card.last4.clone();
    payment.hold_id = None;
    payment.presentment = presentment;
    payment.attempt_in_progress = Some(attempt.id.clone());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    Ok(attempt.id)
}

/// What the risk rules decided for a card payment.
enum Risk {
    /// A document review or a code was started: the payment is shown as it waits.
    Answered(ApiResponse),
    /// Go on; `verified` when an approved review already confirmed the buyer for this payment.
    Passed { verified: bool },
}

/// The risk rules, for a card part: above the document amount the buyer sends a document, else a
/// risky payment asks for a one-time code — unless an operator already approved a document for
/// this payment and amount.
fn step_up(
    tx: &mut WriteTx<'_>,
    c: &Claim,
    order: &PayableNow,
    payment: &mut PaymentRecord,
    attempt_id: &str,
) -> Result<Risk, ApiError> {
    let Some((new_card, card_country)) = c.card.risk.clone() else { return Ok(Risk::Passed { verified: false }) };
    let (config, now) = (&c.config, c.now);
    let facts = RiskFacts {
        new_card: new_card && config.step_up_new_cards,
        amount_minor: order.amount,
        card_country,
        buyer_country: c.buyer_country.clone(),
        recent_payments: tx.recent_payments(&order.buyer_user_id, config.risk.velocity_window_start(now))?,
        issuer_demands: false,
    };
    let reasons = step_up_reasons(&config.risk, &facts);
    // An operator already approved a document for this payment and amount: no new check.
    let approved = tx
        .approved_review(&payment.id, payment.amount, &payment.currency, now - domain::verification::REVIEW_WINDOW_S)?
        .is_some();
    if !approved && domain::verification::needs_document(order.amount, config.document_review_amount_minor) {
        let mut why = vec!["document_amount"];
        why.extend(reasons.iter().map(|r| r.name()));
        start_review(tx, payment, attempt_id, &why, now)?;
        return Ok(Risk::Answered(ApiResponse::ok(payment_view(&tx.reads(), &payment.id)?)));
    }
    if !approved && !reasons.is_empty() {
        start_challenge(tx, &c.secret, payment, attempt_id, &reasons, None, now)?;
        return Ok(Risk::Answered(ApiResponse::ok(payment_view(&tx.reads(), &payment.id)?)));
    }
    Ok(Risk::Passed { verified: approved })
}

/// The orders still awaiting payment (what a checkout still has to pay for).
pub(crate) fn awaiting_payment(orders: Vec<OrderRecord>) -> Vec<OrderRecord> {
    orders.into_iter().filter(awaits_payment).collect()
}

/// A checkout with no order left to pay (`order_not_payable`).
pub(crate) fn nothing_due() -> ApiError {
    ApiError::conflict("order_not_payable", crate::msg!("err-checkout-nothing-due"))
}

/// What a pay command pays now: the amount, currency and buyer; the payment made by an earlier
/// attempt, if any; and the orders it pays.
struct PayableNow {
    pub amount: i64,
    pub currency: String,
    pub buyer_user_id: String,
}

/// Reads, inside the pay command, what `target` pays: an order awaiting payment, or a checkout's
/// orders still awaiting payment.
fn payable_now(
    tx: &mut WriteTx<'_>,
    target: &PayTarget,
) -> Result<(PayableNow, Option<PaymentRecord>, Vec<OrderRecord>), ApiError> {
    match target {
        PayTarget::Order(id) => {
            let order = tx.order(id)?.ok_or_else(|| ApiError::not_found("order"))?;
            order.status.pay().map_err(|_| {
                ApiError::conflict("order_not_payable", crate::msg!("err-checkout-order-not-awaiting-payment"))
            })?;
            let payment = tx.payment_by_order(id)?;
            let now = PayableNow {
                amount: order.amount,
                currency: order.currency.clone(),
                buyer_user_id: order.buyer_user_id.clone(),
            };
            Ok((now, payment, vec![order]))
        }
        PayTarget::Checkout(id) => {
            let checkout = tx.checkout(id)?.ok_or_else(|| ApiError::not_found("checkout"))?;
            let open = awaiting_payment(tx.checkout_orders(id)?);
            if open.is_empty() {
                return Err(nothing_due());
            }
            let payment = match &checkout.payment_id {
                Some(p) => tx.payment(p)?,
                None => None,
            };
            let now = PayableNow {
                amount: open.iter().map(|o| o.amount).sum(),
                currency: checkout.currency,
                buyer_user_id: checkout.buyer_user_id,
            };
            Ok((now, payment, open))
        }
    }
}

/// Makes sure each open order of a checkout has its part of the checkout's payment.
fn ensure_parts(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    open_orders: &[OrderRecord],
    now: i64,
) -> Result<(), ApiError> {
    for order in open_orders {
        if tx.payment_by_order(&order.id)?.is_some() {
            continue;
        }
        tx.insert_payment(&PaymentRecord {
            order_id: Some(order.id.clone()),
            checkout_id: payment.checkout_id.clone(),
            ..PaymentRecord::unpaid(
                random_id("pay"),
                order.buyer_user_id.clone(),
                order.amount,
                order.currency.clone(),
                now,
            )
        })?;
    }
    Ok(())
}
