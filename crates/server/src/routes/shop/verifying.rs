//! One-time codes for risky payments: the challenge started when paying, the code checked (then the
//! card authorized), and a code sent again.

use super::*;

pub(super) fn mask_recipient(channel: &str, to: &str) -> String {
    if channel == "sms" {
        let digits: String = to.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        return format!("•••• {digits}");
    }
    match to.split_once('@') {
        Some((local, domain)) => format!("{}•••@{domain}", local.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

/// Starts a one-time-code challenge for the payment: the code goes by SMS (or email without a phone)
/// through the outbox; only its keyed hash is stored, bound to the payment and its amount.
/// Codes one payment attempt may have sent (the first and its resends).
pub const CODE_SENDS_MAX: u32 = 5;

pub(super) fn start_challenge(
    tx: &mut WriteTx<'_>,
    secret: &crate::ServerSecret,
    payment: &mut PaymentRecord,
    attempt_id: &str,
    reasons: &[StepUpReason],
    channel_wanted: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    // A resend for the same attempt counts on from the codes already sent.
    let sends = match tx.challenge(&payment.id)? {
        Some(previous) if previous.attempt_id == attempt_id => previous.sends.saturating_add(1),
        _ => 1,
    };
    let user = tx.user(&payment.buyer_user_id)?.ok_or_else(ApiError::internal)?;
    let (channel, recipient) = match (channel_wanted, &user.phone) {
        (Some("email"), _) | (_, None) => ("email", user.email.clone()),
        (_, Some(phone)) => ("sms", phone.clone()),
    };
    let code = one_time_code_from_random(crate::secrets::random_u64());
    let code_hash = secret.keyed_hash("payment-code", format!("{}:{code}", payment.id).as_bytes());
    let challenge = CodeChallenge::new(code_hash, payment.id.clone(), payment.amount, payment.currency.clone(), now);
    let names: Vec<&str> = reasons.iter().map(|r| r.name()).collect();
    tx.put_challenge(&ChallengeRecord {
        payment_id: payment.id.clone(),
        attempt_id: attempt_id.to_owned(),
        code_hash: challenge.code_hash.clone(),
        amount: challenge.amount_minor,
        currency: challenge.currency.clone(),
        expires_at: challenge.expires_at,
        attempts_left: challenge.attempts_left,
        sent_at: challenge.sent_at,
        channel: channel.into(),
        recipient: recipient.clone(),
        reasons: names.join(","),
        sends,
    })?;
    let amount = Currency::parse(&payment.currency)
        .map(|c| domain::money::Money::new(payment.amount, c).format())
        .unwrap_or_default();
    let text = format!(
        "Pocketpay: your code to approve a payment of {amount} is {code}. It expires in 10 minutes. Never share it."
    );
    tx.enqueue_message(
        &store::NewOutboxMessage {
            channel,
            recipient: &recipient,
            subject: "Approve your payment",
            body: &text,
            code: Some(&code),
        },
        now,
    )?;
    payment.status = PaymentStatus::RequiresAction.name().into();
    payment.attempt_in_progress = Some(attempt_id.to_owned());
    payment.updated_at = now;
    tx.update_payment(payment)?;
    tx.finish_attempt(attempt_id, "requires_action", None, None, None)?;
    crate::events::payment_event(tx, "payment.requires_action", &payment.id, now)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyBody {
    code: String,
}

/// What checking a code decided.
pub(super) enum Checked {
    Answer(ApiResponse),
    Proceed { attempt_id: String, card_id: Option<String>, split: Split, merchant_id: String },
}

pub(super) async fn verify_payment(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if let Some(bound) = idem.as_ref().and_then(|e| e.0.resume.clone()) {
        return Ok(resume_payment(&state, idem, &bound).await);
    }
    let Some(code) = domain::checkout::normalize_one_time_code(&body.code) else {
        return Err(ApiError::invalid("code", "The code is the 6 digits we sent you."));
    };
    let submitted = state.secret.keyed_hash("payment-code", format!("{id}:{code}").as_bytes());
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let pid = id.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let checked = state
        .store
        .write(move |tx| -> Result<Checked, ApiError> {
            let payment = tx
                .payment(&pid)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != PaymentStatus::RequiresAction.name() {
                return Err(ApiError::conflict("payment_not_awaiting_code", "This payment is not waiting for a code."));
            }
            let record = tx.challenge(&pid)?.ok_or_else(ApiError::internal)?;
            let mut challenge = CodeChallenge {
                code_hash: record.code_hash.clone(),
                payment_id: record.payment_id.clone(),
                amount_minor: record.amount,
                currency: record.currency.clone(),
                expires_at: record.expires_at,
                attempts_left: record.attempts_left,
                sent_at: record.sent_at,
            };
            match challenge.check(&submitted, &payment.id, payment.amount, &payment.currency, now) {
                Ok(()) => {
                    if let Some(key) = &bind {
                        key.bind(tx, &pid, now).map_err(bind_error)?;
                    }
                    tx.delete_challenge(&pid)?;
                    // The confirmed payment is authorized under a new attempt (a new key at the issuer,
                    // which may have refused the unverified one).
                    tx.finish_attempt(&record.attempt_id, "verified", None, None, None)?;
                    let previous = tx
                        .attempts(&pid)?
                        .into_iter()
                        .find(|a| a.id == record.attempt_id)
                        .ok_or_else(ApiError::internal)?;
                    let attempt = AttemptRecord {
                        id: random_id("att"),
                        status: "processing".into(),
                        created_at: now,
                        ..previous
                    };
                    tx.insert_attempt(&attempt)?;
                    let mut payment = payment;
                    payment.attempt_in_progress = Some(attempt.id.clone());
                    payment.status = PaymentStatus::RequiresPaymentMethod.name().into();
                    payment.updated_at = now;
                    tx.update_payment(&payment)?;
                    let split = Split { pocket_minor: payment.pocket_amount, card_minor: payment.card_amount };
                    let order = tx.order(&payment.order_id)?.ok_or_else(ApiError::internal)?;
                    Ok(Checked::Proceed {
                        attempt_id: attempt.id,
                        card_id: payment.card_id.clone(),
                        split,
                        merchant_id: order.merchant_id,
                    })
                }
                Err(e) => {
                    tx.put_challenge(&ChallengeRecord { attempts_left: challenge.attempts_left, ..record })?;
                    let mut error = ApiError::payment(&domain::declines::PaymentFailure::from(e));
                    if let VerifyError::TooManyAttempts = e {
                        error.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                        error.kind = crate::error::ErrorType::RateLimit;
                        error.retry_after_s =
                            Some(u64::try_from((challenge.sent_at + RESEND_COOLDOWN_S - now).max(1)).unwrap_or(1));
                    }
                    let shown = payment_view(&tx.reads(), &pid)?;
                    let retry = error.retry_after_s;
                    let mut answer = ApiResponse {
                        status: error.status,
                        body: error.with_object("payment", shown).body(&request_id),
                    };
                    if retry.is_some() {
                        answer.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                    }
                    Ok(Checked::Answer(answer))
                }
            }
        })
        .await?;
    let (attempt_id, card_id, split, merchant_id) = match checked {
        Checked::Answer(answer) => return Ok(record_answer(&state, idem, answer).await),
        Checked::Proceed { attempt_id, card_id, split, merchant_id } => (attempt_id, card_id, split, merchant_id),
    };
    state.failpoint("verify.checked");
    // A card typed at checkout kept sealed for any process (PostgreSQL): erased from the database now,
    // whichever process goes on to authorize.
    let sealed_method = crate::payment_method::take_checkout_card(&state, &id).await?;
    let pending = match take_pending(&state, &id) {
        Some(p) => p,
        None if card_id.is_none() && split.card_minor > 0 && sealed_method.is_some() => {
            let method = sealed_method.unwrap_or_else(|| unreachable!("checked just above"));
            let card = Some(resolve_card(&state, &user_id_of(&state, &id).await?, &method).await?);
            let mid = merchant_id.clone();
            let merchant_country =
                state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
            PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + CODE_TTL_S }
        }
        None => {
            // After a restart only a saved card can be resumed; a typed card must be entered again.
            let card = match (&card_id, split.card_minor > 0) {
                (_, false) => None,
                (Some(card_id), true) => {
                    let method = PaymentMethodBody {
                        kind: "card".into(),
                        card: Some(card_id.clone()),
                        new_card: None,
                        save: None,
                    };
                    Some(resolve_card(&state, &user_id_of(&state, &id).await?, &method).await?)
                }
                (None, true) => {
                    let pid = id.clone();
                    let aid = attempt_id.clone();
                    let failed = state
                        .store
                        .write(move |tx| -> Result<ApiResponse, ApiError> {
                            let mut p = tx.payment(&pid)?.ok_or_else(ApiError::internal)?;
                            let e = ApiError::payment(&domain::declines::PaymentFailure::VerificationExpired);
                            fail_attempt(tx, &mut p, &aid, &e, "verification_expired", None, now)?;
                            let shown = payment_view(&tx.reads(), &pid)?;
                            Ok(ApiResponse {
                                status: e.status,
                                body: e
                                    .with_advice(&["Enter your card again and pay."])
                                    .with_object("payment", shown)
                                    .body(&crate::error::current_request_id()),
                            })
                        })
                        .await?;
                    return Ok(record_answer(&state, idem, failed).await);
                }
            };
            let mid = merchant_id.clone();
            let merchant_country =
                state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
            PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + CODE_TTL_S }
        }
    };
    Ok(authorize_attempt(&state, idem, &id, &attempt_id, pending, true, false).await)
}
