//! Paying an order: a command claims the payment for one attempt and holds the Pocket part, the card
//! is authorized outside any transaction with the attempt id as the issuer's key, and a last command
//! records the outcome. A retried key resumes an attempt whose answer was never recorded.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PayBody {
    payment_method: PaymentMethodBody,
    pocket_amount: Option<i64>,
    currency: Option<String>,
    fx_quote: Option<String>,
    metadata: Option<Value>,
}

/// What step 1 of paying decided.
pub(super) enum Claimed {
    /// The answer is ready (a failure, or a code was sent).
    Answered(ApiResponse),
    /// The payment is claimed for this attempt: go on to authorize.
    /// `verified`: an approved document review already confirmed the buyer for this payment.
    Claimed { payment_id: String, attempt_id: String, verified: bool },
}

pub(super) fn limit_error(e: domain::checkout::LimitError) -> ApiError {
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

/// What is being paid: one order, or the open orders of a checkout.
#[derive(Clone)]
pub(super) enum PayTarget {
    Order(String),
    Checkout(String),
}

/// What the buyer was shown to pay, checked again inside the command.
pub(super) struct Due {
    pub amount: i64,
    pub currency: String,
    /// The seller whose country the issuer sees (a checkout's first order's).
    pub merchant_id: String,
}

/// Pays an order or a checkout: one risk decision, at most one code, the Pocket held and the card
/// authorized once for the whole amount.
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
        crate::routes::metadata::merged("{}", update)?;
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
    let card: Option<ChargeableCard> =
        if split.card_minor > 0 { Some(resolve_card(state, &user.id, &body.payment_method).await?) } else { None };
    let typed_method =
        (split.card_minor > 0 && body.payment_method.new_card.is_some()).then(|| body.payment_method.clone());
    let mid = due.merchant_id.clone();
    let merchant_country =
        state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();

    // Step 1: claim the payment for this attempt; decide whether the buyer must confirm with a code.
    let (card_brand, card_last4, card_id) = match &card {
        Some(c) => (Some(c.brand.clone()), Some(c.last4.clone()), c.saved.as_ref().map(|s| s.id.clone())),
        None => (None, None, None),
    };
    let risk_facts = card
        .as_ref()
        .map(|c| (c.saved.is_none(), c.saved.as_ref().map(|s| s.country.clone()).filter(|c| !c.is_empty())));
    let expected_amount = due.amount;
    let secret = state.secret.clone();
    let config = state.config.clone();
    let buyer_country = user.country.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let claimed = state
        .store
        .write(move |tx| -> Result<Claimed, ApiError> {
            let (order, existing, open_orders) = super::checkouts::payable_now(tx, &target)?;
            if order.amount != expected_amount {
                return Err(ApiError::conflict("checkout_changed", crate::msg!("err-pay-checkout-changed")));
            }
            if order.currency == config.spending_limits.currency.code() {
                let (y, m) = domain::calendar::year_month_of(now);
                let first_of_month = domain::calendar::days_from_civil(y, m, 1);
                let today = tx.spent_from_day(&order.buyer_user_id, &order.currency, now.div_euclid(86_400))?;
                let month = tx.spent_from_day(&order.buyer_user_id, &order.currency, first_of_month)?;
                check_limits(&config.spending_limits, today, month, order.amount).map_err(limit_error)?;
            }
            let presentment = match &fx {
                None => None,
                Some((quote_id, wanted)) => {
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
                    Some((q.to_amount, q.to_currency, q.rate))
                }
            };
            let mut payment = match existing {
                Some(mut p) => {
                    // What a checkout pays shrinks when one of its orders is cancelled before it is paid.
                    p.amount = order.amount;
                    if let Some(update) = &metadata {
                        p.metadata = crate::routes::metadata::merged(&p.metadata, update)?;
                        tx.set_metadata(store::MetadataOf::Payment, &p.id, &p.metadata)?;
                    }
                    p
                }
                None => {
                    let p = PaymentRecord {
                        order_id: match &target {
                            PayTarget::Order(id) => Some(id.clone()),
                            PayTarget::Checkout(_) => None,
                        },
                        checkout_id: match &target {
                            PayTarget::Order(_) => None,
                            PayTarget::Checkout(id) => Some(id.clone()),
                        },
                        metadata: match &metadata {
                            Some(update) => crate::routes::metadata::merged("{}", update)?,
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
                    p
                }
            };
            if payment.checkout_id.is_some() {
                super::checkouts::ensure_parts(tx, &payment, &open_orders, now)?;
            }
            // The buyer pays another way instead of typing the code: the waiting attempt is abandoned.
            abandon_waiting(tx, &mut payment, now)?;
            if payment.attempt_in_progress.is_some() {
                return Err(not_payable(crate::msg!("err-pay-attempt-in-progress")));
            }
            if let Some(key) = &bind {
                // A retry of this request after a crash resumes this payment instead of paying again.
                key.bind(tx, &payment.id, now).map_err(bind_error)?;
            }
            let attempt = AttemptRecord {
                id: random_id("att"),
                payment_id: payment.id.clone(),
                status: AttemptStatus::Processing,
                pocket_amount: split.pocket_minor,
                card_amount: split.card_minor,
                card_id: card_id.clone(),
                card_brand: card_brand.clone(),
                card_last4: card_last4.clone(),
                authorization_id: None,
                error_code: None,
                decline_code: None,
                created_at: now,
            };
            tx.insert_attempt(&attempt)?;
            payment.pocket_amount = split.pocket_minor;
            payment.card_amount = split.card_minor;
            payment.card_id = card_id;
            payment.card_brand = card_brand;
            payment.card_last4 = card_last4;
            payment.hold_id = None;
            payment.presentment = presentment;
            payment.attempt_in_progress = Some(attempt.id.clone());
            payment.updated_at = now;
            tx.update_payment(&payment)?;
            let mut verified_before = false;
            if let Some((new_card, card_country)) = risk_facts {
                let facts = RiskFacts {
                    new_card: new_card && config.step_up_new_cards,
                    amount_minor: order.amount,
                    card_country,
                    buyer_country,
                    recent_payments: tx
                        .recent_payments(&order.buyer_user_id, config.risk.velocity_window_start(now))?,
                    issuer_demands: false,
                };
                let reasons = step_up_reasons(&config.risk, &facts);
                // An operator already approved a document for this payment and amount: no new check.
                let approved = tx
                    .approved_review(
                        &payment.id,
                        payment.amount,
                        &payment.currency,
                        now - domain::verification::REVIEW_WINDOW_S,
                    )?
                    .is_some();
                verified_before = approved;
                if !approved && domain::verification::needs_document(order.amount, config.document_review_amount_minor)
                {
                    let mut why = vec!["document_amount"];
                    why.extend(reasons.iter().map(|r| r.name()));
                    start_review(tx, &mut payment, &attempt.id, &why, now)?;
                    let shown = payment_view(&tx.reads(), &payment.id)?;
                    return Ok(Claimed::Answered(ApiResponse::ok(shown)));
                }
                if !approved && !reasons.is_empty() {
                    start_challenge(tx, &secret, &mut payment, &attempt.id, &reasons, None, now)?;
                    let shown = payment_view(&tx.reads(), &payment.id)?;
                    let _ = &request_id;
                    return Ok(Claimed::Answered(ApiResponse::ok(shown)));
                }
            }
            // Step 2 in the same command: hold the Pocket part (one durable round trip fewer).
            if let Some(answer) = hold_pocket_part(tx, &payment.id, &attempt.id, split, now, &request_id)? {
                return Ok(Claimed::Answered(answer));
            }
            Ok(Claimed::Claimed { payment_id: payment.id, attempt_id: attempt.id, verified: verified_before })
        })
        .await?;
    let (payment_id, attempt_id, verified) = match claimed {
        Claimed::Answered(answer) => {
            state.failpoint("pay.answered");
            if let Some(m) = &state.metrics {
                let method = if split.card_minor > 0 { "card" } else { "pocket" };
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
                    let pending =
                        PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + wait };
                    remember_pending(state, pid, pending, now);
                    if let Some(method) = &typed_method {
                        crate::payment_method::keep_checkout_card(state, pid, method, now + wait).await;
                    }
                }
            }
            return Ok(record_answer(state, idem.map(|e| e.0), answer).await);
        }
        Claimed::Claimed { payment_id, attempt_id, verified } => (payment_id, attempt_id, verified),
    };
    state.failpoint("pay.claimed");
    let pending = PendingPayment { card, typed_method, split, merchant_country, expires_at: now + CODE_TTL_S };
    Ok(authorize_attempt(state, idem.map(|e| e.0), &payment_id, &attempt_id, pending, verified, true).await)
}

pub(super) async fn user_id_of(state: &AppState, payment_id: &str) -> Result<String, ApiError> {
    let pid = payment_id.to_owned();
    state
        .store
        .read(move |tx| tx.payment(&pid))
        .await?
        .map(|p| p.buyer_user_id)
        .ok_or_else(|| ApiError::not_found("payment"))
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
