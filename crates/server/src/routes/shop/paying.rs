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

pub(super) fn not_payable(message: impl Into<crate::error::Text>) -> ApiError {
    ApiError::conflict("order_not_payable", message)
}

/// A card and split waiting for the buyer's one-time code (kept in memory only: a security code is
/// never stored; after a restart the buyer enters a new card again).
#[derive(Clone)]
pub struct PendingPayment {
    pub card: Option<ChargeableCard>,
    /// The card as typed at checkout (none for a saved card): kept sealed for other processes if the
    /// bank demands a code.
    pub typed_method: Option<PaymentMethodBody>,
    pub split: Split,
    pub merchant_country: String,
    pub expires_at: i64,
}

/// Pending payments kept in memory at most (older ones are dropped first).
pub const PENDING_PAYMENTS_MAX: usize = 100_000;

pub(super) fn remember_pending(state: &AppState, payment_id: &str, pending: PendingPayment, now: i64) {
    if let Ok(mut map) = state.pending_payments.lock() {
        map.retain(|_, p| p.expires_at > now);
        if map.len() >= PENDING_PAYMENTS_MAX {
            return;
        }
        map.insert(payment_id.to_owned(), pending);
    }
}

pub(super) fn take_pending(state: &AppState, payment_id: &str) -> Option<PendingPayment> {
    state.pending_payments.lock().ok().and_then(|mut map| map.remove(payment_id))
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
        return Ok(resume_payment(&state, idem, &bound).await);
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
            return Ok(record_answer(state, idem, answer).await);
        }
        Claimed::Claimed { payment_id, attempt_id, verified } => (payment_id, attempt_id, verified),
    };
    state.failpoint("pay.claimed");
    let pending = PendingPayment { card, typed_method, split, merchant_country, expires_at: now + CODE_TTL_S };
    Ok(authorize_attempt(state, idem, &payment_id, &attempt_id, pending, verified, true).await)
}

/// Steps 2 and 3 of paying, for a claimed attempt: hold the Pocket part, authorize the card part at
/// the issuer (outside any transaction), and record the outcome. An issuer that demands a code turns
/// the attempt into a challenge instead of a failure.
pub(super) async fn authorize_attempt(
    state: &AppState,
    idem: Idem,
    payment_id: &str,
    attempt_id: &str,
    pending: PendingPayment,
    verified: bool,
    pocket_held: bool,
) -> Response {
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let (pid, aid) = (payment_id.to_owned(), attempt_id.to_owned());
    let split = pending.split;
    // Hold the Pocket part (and finish at once when the Pocket pays everything), unless the command
    // that claimed the attempt already did.
    let held = if pocket_held {
        Ok(None)
    } else {
        state.store.write(move |tx| hold_pocket_part(tx, &pid, &aid, split, now, &request_id)).await
    };
    match held {
        Ok(Some(answer)) => return record_answer(state, idem, answer).await,
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let Some(card) = pending.card.clone() else { return ApiError::internal().into_response() };
    let currency = state.store.read({
        let pid = payment_id.to_owned();
        move |tx| tx.payment(&pid)
    });
    let (card_amount, currency) = match currency.await {
        Ok(Some(p)) => match p.presentment {
            Some((amount, currency, _)) => (amount, currency),
            None => (split.card_minor, p.currency),
        },
        _ => return ApiError::internal().into_response(),
    };
    let spec = AuthorizeSpec {
        attempt_id,
        amount_minor: card_amount,
        currency: &currency,
        merchant_country: &pending.merchant_country,
        verified,
    };
    let outcome = authorize_card(state, &card, &spec).await;
    state.failpoint("pay.authorized");
    let (pid, aid) = (payment_id.to_owned(), attempt_id.to_owned());
    let secret = state.secret.clone();
    let to_save = card.to_save.clone();
    let typed_fingerprint = card.saved.is_none().then(|| card.fingerprint.clone());
    let demanded = matches!(&outcome, AuthorizeOutcome::Failed { error, .. } if error.code == "authentication_required")
        && !verified;
    let outcome_label = match &outcome {
        AuthorizeOutcome::Approved(_) => "authorized",
        AuthorizeOutcome::Failed { .. } if demanded => "requires_action",
        AuthorizeOutcome::Failed { .. } => "declined",
        AuthorizeOutcome::Unknown(_) => "unknown",
    };
    if let Some(m) = &state.metrics {
        m.payment_attempt("card", outcome_label);
    }
    let response = state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut payment = tx.payment(&pid)?.ok_or_else(ApiError::internal)?;
            if payment.attempt_in_progress.as_deref() != Some(aid.as_str()) {
                // Settled meanwhile (by the healer): show it as it is.
                return Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?));
            }
            payment.attempt_in_progress = None;
            payment.updated_at = ctx.now;
            match outcome {
                AuthorizeOutcome::Approved(a) => {
                    payment.status = payment.status.authorize().map_err(lifecycle_bug)?;
                    payment.authorization_id = Some(a.id.clone());
                    payment.authorization_expires_at = Some(a.expires_at);
                    payment.last_error_code = None;
                    payment.last_decline_code = None;
                    payment.last_error_message = None;
                    tx.update_payment(&payment)?;
                    tx.finish_attempt(&aid, AttemptStatus::Succeeded, Some(&a.id), None, None)?;
                    if let Some(fingerprint) = &typed_fingerprint {
                        tx.record_payment_card_fingerprint(&pid, fingerprint)?;
                    }
                    paid(tx, &payment, Some((a.id.as_str(), a.expires_at)), ctx.now)?;
                    if let Some(mut c) = to_save {
                        c.funding = a.facts.funding.clone();
                        c.country = a.facts.country.clone();
                        c.cvc_check = a.checks.cvc.name().into();
                        c.line1_check = a.checks.address_line1.name().into();
                        c.postal_check = a.checks.postal_code.name().into();
                        if tx.card_by_fingerprint(&c.user_id, &c.fingerprint)?.is_none() {
                            let first = tx.card_count(&c.user_id)? == 0;
                            tx.insert_card(&c)?;
                            if first {
                                tx.set_default_card(&c.user_id, Some(&c.id))?;
                            }
                        }
                    }
                    Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?))
                }
                AuthorizeOutcome::Failed { .. } if demanded => {
                    // The bank wants a code: release the hold, send a code, and try again once it is confirmed.
                    release_holds(tx, &mut payment, ctx.now)?;
                    start_challenge(tx, &secret, &mut payment, &aid, &[StepUpReason::IssuerDemand], None, ctx.now)?;
                    Ok(ApiResponse::ok(payment_view(&tx.reads(), &pid)?))
                }
                AuthorizeOutcome::Failed { error, failure_code, authorization_id } => {
                    fail_attempt(tx, &mut payment, &aid, &error, &failure_code, authorization_id.as_deref(), ctx.now)?;
                    let shown = payment_view(&tx.reads(), &pid)?;
                    Ok(ctx.error_response(error.with_object("payment", shown)))
                }
                AuthorizeOutcome::Unknown(error) => {
                    // Leave the attempt open for the healer; the Pocket hold stays until it settles.
                    payment.attempt_in_progress = Some(aid.clone());
                    tx.update_payment(&payment)?;
                    let shown = payment_view(&tx.reads(), &pid)?;
                    Ok(ctx.error_response(error.with_object("payment", shown)))
                }
            }
        })
        .await;
    if demanded {
        // A card typed at checkout waits for the code sealed, for whichever process verifies it.
        if let Some(method) = &pending.typed_method {
            crate::payment_method::keep_checkout_card(state, payment_id, method, now + CODE_TTL_S).await;
        }
        remember_pending(state, payment_id, pending, now);
    }
    response
}

/// Step 2 of paying: holds the Pocket part of a claimed attempt. Answers at once when the hold fails
/// (the attempt fails, nothing held) or when the Pocket pays everything (the payment is authorized).
pub(super) fn hold_pocket_part(
    tx: &mut WriteTx<'_>,
    pid: &str,
    aid: &str,
    split: Split,
    now: i64,
    request_id: &str,
) -> Result<Option<ApiResponse>, ApiError> {
    let mut payment = tx.payment(pid)?.ok_or_else(ApiError::internal)?;
    if payment.attempt_in_progress.as_deref() != Some(aid) {
        return Err(not_payable(crate::msg!("err-pay-attempt-closed")));
    }
    let currency = Currency::parse(&payment.currency).map_err(|_| ApiError::internal())?;
    if payment.paying_checkout().is_some() {
        // A checkout: each order's part holds its share.
        if let Err(e) = super::checkouts::hold_parts(tx, &payment, aid, split, now)? {
            let code = e.code;
            fail_attempt(tx, &mut payment, aid, &e, code, None, now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            return Ok(Some(ApiResponse { status: e.status, body: e.with_object("payment", shown).body(request_id) }));
        }
    } else if split.pocket_minor > 0 {
        let order = tx.order(payment.order())?.ok_or_else(ApiError::internal)?;
        let destination = crate::pocket::seller_payable(tx, &order.merchant_id, currency, now)?;
        let held = tx.savepoint(|tx| {
            pocket::hold(
                tx,
                &HoldSpec {
                    hold_id: aid,
                    user_id: &order.buyer_user_id,
                    amount: split.pocket_minor,
                    currency,
                    destination,
                    timeout_at: None,
                    reference: &order.number,
                },
                now,
            )
        });
        if let Err(e) = held {
            let code = e.code;
            fail_attempt(tx, &mut payment, aid, &e, code, None, now)?;
            let shown = payment_view(&tx.reads(), pid)?;
            return Ok(Some(ApiResponse { status: e.status, body: e.with_object("payment", shown).body(request_id) }));
        }
        payment.hold_id = Some(aid.to_owned());
    }
    payment.status = payment.status.begin_attempt().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    if split.card_minor == 0 {
        payment.status = payment.status.authorize().map_err(lifecycle_bug)?;
        payment.attempt_in_progress = None;
        payment.last_error_code = None;
        payment.last_decline_code = None;
        payment.last_error_message = None;
        tx.update_payment(&payment)?;
        tx.finish_attempt(aid, AttemptStatus::Succeeded, None, None, None)?;
        paid(tx, &payment, None, now)?;
        return Ok(Some(ApiResponse::ok(payment_view(&tx.reads(), pid)?)));
    }
    tx.update_payment(&payment)?;
    Ok(None)
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

/// Ends an attempt in failure: releases its Pocket hold and leaves the order payable.
pub(super) fn fail_attempt(
    tx: &mut WriteTx<'_>,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    error: &ApiError,
    failure_code: &str,
    authorization_id: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    release_holds(tx, payment, now)?;
    let decline = error.decline_code;
    tracing::info!(attempt = attempt_id, failure = failure_code, "payment attempt failed");
    tx.finish_attempt(attempt_id, AttemptStatus::Failed, authorization_id, Some(error.code), decline)?;
    payment.status = payment.status.fail().map_err(lifecycle_bug)?;
    payment.attempt_in_progress = None;
    payment.pocket_amount = 0;
    payment.card_amount = 0;
    payment.last_error_code = Some(error.code.into());
    payment.last_decline_code = decline.map(str::to_owned);
    payment.last_error_message = Some(error.message.clone());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    crate::events::payment_event(tx, "payment.failed", &payment.id, now)
}

/// A payment waiting for the buyer's code or document: that attempt is abandoned (its challenge or
/// review ends) and the payment can be paid again. Nothing was held while it waited.
pub(super) fn abandon_waiting(tx: &mut WriteTx<'_>, payment: &mut PaymentRecord, now: i64) -> Result<(), ApiError> {
    if payment.status != PaymentStatus::RequiresAction {
        return Ok(());
    }
    if let Some(waiting) = payment.attempt_in_progress.take() {
        tx.finish_attempt(&waiting, AttemptStatus::Abandoned, None, None, None)?;
    }
    tx.delete_challenge(&payment.id)?;
    cancel_open_review(tx, &payment.id, now)?;
    payment.status = payment.status.fail().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    Ok(())
}

/// Releases what an attempt held in the Pocket (for a checkout, every open order's part).
pub(super) fn release_holds(tx: &mut WriteTx<'_>, payment: &mut PaymentRecord, now: i64) -> Result<(), ApiError> {
    if let Some(hold_id) = payment.hold_id.take() {
        pocket::release(tx, &hold_id, now)?;
    }
    if payment.paying_checkout().is_some() {
        super::checkouts::release_parts(tx, payment, now)?;
    }
    Ok(())
}

/// A payment was authorized (`authorization`: the card's id and expiry, none when the Pocket pays
/// everything): its order is paid, or for a checkout every open order's part and order.
pub(super) fn paid(
    tx: &mut WriteTx<'_>,
    payment: &PaymentRecord,
    authorization: Option<(&str, i64)>,
    now: i64,
) -> Result<(), ApiError> {
    match &payment.order_id {
        Some(order_id) => {
            let order = tx.order(order_id)?.ok_or_else(ApiError::internal)?;
            mark_paid(tx, &order, now)
        }
        None => {
            super::checkouts::authorize_parts(tx, payment, authorization, now)?;
            crate::events::payment_event(tx, "payment.authorized", &payment.id, now)
        }
    }
}

pub(super) fn mark_paid(tx: &mut WriteTx<'_>, order: &OrderRecord, now: i64) -> Result<(), ApiError> {
    let mut paid = order.clone();
    paid.status = order.status.pay().map_err(|_| not_payable(crate::msg!("err-pay-order-not-awaiting")))?;
    paid.paid_at = Some(now);
    if !tx.update_order(&paid, order.status)? {
        return Err(not_payable(crate::msg!("err-pay-order-not-awaiting")));
    }
    if let Some(p) = tx.payment_by_order(&order.id)? {
        let shown = payment_view(&tx.reads(), &p.id)?;
        crate::events::emit(tx, "payment.authorized", Some(&order.merchant_id), shown, now)?;
    }
    Ok(())
}

/// The answer to a key whose binding failed: another request with it is running (in another process).
pub(crate) fn bind_error(e: store::StoreError) -> ApiError {
    if e.is_duplicate() {
        crate::idempotency::IdempotencyContext::busy()
    } else {
        e.into()
    }
}

/// A retried pay or verify whose answer was never recorded (a crash, a lost connection): the payment
/// it bound, as it stands once its attempt is settled — never a second attempt. While the attempt is
/// still open (the healer settles it within a minute or so), the retry is told to wait.
pub(super) async fn resume_payment(state: &AppState, idem: Idem, payment_id: &str) -> Response {
    let pid = payment_id.to_owned();
    let found = state
        .store
        .read(move |tx| {
            let Some(p) = tx.payment(&pid)? else { return Ok(None) };
            Ok(Some((p.attempt_in_progress.is_some() && p.status != PaymentStatus::RequiresAction, p)))
        })
        .await;
    let (open, payment) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return ApiError::internal().into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    if open {
        return crate::idempotency::IdempotencyContext::busy()
            .with_advice_msgs(vec![crate::msg!("err-pay-settling-advice")])
            .into_response();
    }
    let pid = payment.id.clone();
    let failed = payment.status == PaymentStatus::RequiresPaymentMethod && payment.last_error_code.is_some();
    let message = payment.last_error_message.clone();
    state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let shown = payment_view(&tx.reads(), &pid)?;
            if !failed {
                return Ok(ApiResponse::ok(shown));
            }
            let mut error = crate::payment_method::processing_error();
            if let Some(m) = message {
                error.message = m;
            }
            Ok(ctx.error_response(error.with_object("payment", shown)))
        })
        .await
}

/// Records an answer decided in an earlier command under the idempotency key.
pub(super) async fn record_answer(state: &AppState, idem: Idem, answer: ApiResponse) -> Response {
    state.execute(idem.map(|e| e.0), move |_, _| Ok(answer)).await
}
