//! One-time codes for risky payments: the challenge started when paying, the code checked (then the
//! card authorized), and a code sent again.

use super::*;

/// Codes one payment attempt may have sent (the first and its resends).
pub const CODE_SENDS_MAX: u32 = 5;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyBody {
    code: Option<String>,
    answers: Option<Vec<AnswerBody>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AnswerBody {
    question: String,
    answer: String,
}

/// Longest answer read from a request (characters).
const ANSWER_CHARS_MAX: usize = 500;

/// What the buyer submitted: a code (as its keyed hash), or answers (whether all were right).
enum Submitted {
    Code(Vec<u8>),
    Answers(bool),
}

/// A verified payment, ready to authorize under a new attempt.
pub(super) struct Proceed {
    attempt_id: String,
    card_id: Option<String>,
    split: Split,
    merchant_id: String,
}

/// What checking a code decided.
pub(super) enum Checked {
    Answer(ApiResponse),
    Proceed(Proceed),
}

/// After a code, answers or a document review confirmed the buyer: the confirmed attempt ends as
/// `verified`, and the payment is authorized under a new attempt (a new key at the issuer, which may
/// have refused the unverified one).
pub(super) fn proceed_after_verification(
    tx: &mut WriteTx<'_>,
    mut payment: PaymentRecord,
    verified_attempt: &str,
    now: i64,
) -> Result<Proceed, ApiError> {
    let previous =
        tx.attempts(&payment.id)?.into_iter().find(|a| a.id == verified_attempt).ok_or_else(ApiError::internal)?;
    tx.finish_attempt(verified_attempt, previous.status.verify().map_err(lifecycle_bug)?, None, None, None)?;
    let attempt =
        AttemptRecord { id: random_id("att"), status: AttemptStatus::Processing, created_at: now, ..previous };
    tx.insert_attempt(&attempt)?;
    payment.attempt_in_progress = Some(attempt.id.clone());
    payment.status = payment.status.action_answered().map_err(lifecycle_bug)?;
    payment.updated_at = now;
    tx.update_payment(&payment)?;
    let split = Split { pocket_minor: payment.pocket_amount, card_minor: payment.card_amount };
    let merchant_id = issuer_merchant(tx, &payment)?;
    Ok(Proceed { attempt_id: attempt.id, card_id: payment.card_id.clone(), split, merchant_id })
}

/// Checks the buyer's answers to their security questions off the async threads: every answer is
/// compared (no early exit), each against its slow hash.
async fn check_answers(state: &AppState, user_id: &str, answers: Vec<AnswerBody>) -> Result<bool, ApiError> {
    let uid = user_id.to_owned();
    let questions = state.store.read(move |tx| tx.security_questions(&uid)).await?;
    if questions.is_empty() {
        return Err(ApiError::conflict("security_questions_not_set", crate::msg!("err-verify-no-questions")));
    }
    let wrong_shape = answers.len() != questions.len()
        || answers.iter().any(|a| a.answer.chars().count() > ANSWER_CHARS_MAX)
        || questions.iter().any(|q| answers.iter().filter(|a| a.question == q.id).count() != 1);
    if wrong_shape {
        return Err(ApiError::invalid("answers", crate::msg!("err-verify-answers-shape", count = questions.len())));
    }
    let pairs: Vec<(String, String)> = questions
        .iter()
        .filter_map(|q| {
            let answer = answers.iter().find(|a| a.question == q.id)?;
            Some((q.answer_hash.clone(), domain::verification::normalize_answer(&answer.answer)))
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        pairs.iter().fold(true, |all, (phc, answer)| crate::secrets::verify_password(answer, phc) & all)
    })
    .await
    .map_err(|_| ApiError::internal())
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
        return Ok(resume_payment(&state, idem.map(|e| e.0), &bound).await);
    }
    let submitted = match (body.code, body.answers) {
        (Some(code), None) => {
            let Some(code) = domain::checkout::normalize_one_time_code(&code) else {
                return Err(ApiError::invalid("code", crate::msg!("err-verify-code-shape")));
            };
            Submitted::Code(state.secret.keyed_hash("payment-code", format!("{id}:{code}").as_bytes()))
        }
        (None, Some(answers)) => Submitted::Answers(check_answers(&state, &user.id, answers).await?),
        (None, None) => return Err(ApiError::missing("code")),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("answers", crate::msg!("err-verify-code-or-answers")));
        }
    };
    let now = state.clock.now();
    let request_id = crate::error::current_request_id();
    let locale = crate::i18n::current();
    let pid = id.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    let checked = state
        .store
        .write(move |tx| -> Result<Checked, ApiError> {
            let payment = tx
                .payment(&pid)?
                .filter(|p| p.buyer_user_id == user.id)
                .ok_or_else(|| ApiError::not_found("payment"))?;
            if payment.status != PaymentStatus::RequiresAction {
                return Err(ApiError::conflict(
                    "payment_not_awaiting_code",
                    crate::msg!("err-verify-not-awaiting-code"),
                ));
            }
            let Some(record) = tx.challenge(&pid)? else {
                return Err(ApiError::conflict(
                    "payment_not_awaiting_code",
                    crate::msg!("err-verify-awaiting-document"),
                ));
            };
            let mut challenge = CodeChallenge {
                code_hash: record.code_hash.clone(),
                payment_id: record.payment_id.clone(),
                amount_minor: record.amount,
                currency: record.currency.clone(),
                expires_at: record.expires_at,
                attempts_left: record.attempts_left,
                sent_at: record.sent_at,
            };
            let answered = matches!(submitted, Submitted::Answers(_));
            let outcome = match &submitted {
                Submitted::Code(hash) => challenge.check(hash, &payment.id, payment.amount, &payment.currency, now),
                Submitted::Answers(right) => {
                    challenge.check_answers(*right, &payment.id, payment.amount, &payment.currency, now)
                }
            };
            match outcome {
                Ok(()) => {
                    if let Some(key) = &bind {
                        key.bind(tx, &pid, now).map_err(bind_error)?;
                    }
                    tx.delete_challenge(&pid)?;
                    Ok(Checked::Proceed(proceed_after_verification(tx, payment, &record.attempt_id, now)?))
                }
                Err(e) => {
                    let reasons: Vec<StepUpReason> =
                        record.reasons.split(',').filter_map(StepUpReason::parse).collect();
                    let escalate = challenge.attempts_left == 0
                        && !matches!(e, VerifyError::Expired)
                        && domain::verification::escalates_to_document(&reasons);
                    let mut error = ApiError::payment(&domain::declines::PaymentFailure::from(e));
                    if answered && matches!(e, VerifyError::Wrong { .. } | VerifyError::Mismatch) {
                        let advice = match challenge.attempts_left {
                            0 => crate::msg!("error-answers-incorrect.advice-none-left"),
                            n => crate::msg!("error-answers-incorrect.advice", count = n),
                        };
                        error =
                            error.with_message(crate::msg!("error-answers-incorrect")).with_advice_msgs(vec![advice]);
                    }
                    if escalate {
                        // A high-risk payment whose tries ran out: a document, not another code.
                        tx.delete_challenge(&pid)?;
                        let mut payment = payment;
                        let mut why = vec!["code_tries_used"];
                        why.extend(reasons.iter().map(|r| r.name()));
                        start_review(tx, &mut payment, &record.attempt_id, &why, now)?;
                        error = error.with_advice_msgs(vec![crate::msg!("err-verify-upload-id-advice")]);
                    } else {
                        tx.put_challenge(&ChallengeRecord { attempts_left: challenge.attempts_left, ..record })?;
                    }
                    if let VerifyError::TooManyAttempts = e {
                        if !escalate {
                            error.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                            error.kind = crate::error::ErrorType::RateLimit;
                            error.retry_after_s =
                                Some(u64::try_from((challenge.sent_at + RESEND_COOLDOWN_S - now).max(1)).unwrap_or(1));
                        }
                    }
                    let shown = payment_view(&tx.reads(), &pid)?;
                    let retry = error.retry_after_s;
                    let mut answer = ApiResponse {
                        status: error.status,
                        body: error.with_object("payment", shown).body_in(&request_id, locale),
                    };
                    if retry.is_some() {
                        answer.status = axum::http::StatusCode::TOO_MANY_REQUESTS;
                    }
                    Ok(Checked::Answer(answer))
                }
            }
        })
        .await?;
    let proceed = match checked {
        Checked::Answer(answer) => return Ok(record_answer(&state, idem.map(|e| e.0), answer).await),
        Checked::Proceed(proceed) => proceed,
    };
    state.failpoint("verify.checked");
    authorize_verified(&state, idem, &id, proceed).await
}

/// Authorizes a verified payment: the card it was paying with (kept in memory, sealed in the
/// database for another process, or saved), then the issuer, as when paying.
pub(super) async fn authorize_verified(
    state: &AppState,
    idem: Idem,
    id: &str,
    proceed: Proceed,
) -> Result<Response, ApiError> {
    let Proceed { attempt_id, card_id, split, merchant_id } = proceed;
    let now = state.clock.now();
    // A card typed at checkout kept sealed for any process (PostgreSQL): erased from the database now,
    // whichever process goes on to authorize.
    let sealed_method = crate::payment_method::take_checkout_card(state, id).await?;
    let pending = match take_pending(state, id) {
        Some(p) => p,
        None if card_id.is_none() && split.card_minor > 0 && sealed_method.is_some() => {
            let method = sealed_method.unwrap_or_else(|| unreachable!("checked just above"));
            let card = Some(resolve_card(state, &user_id_of(state, id).await?, &method).await?);
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
                    Some(resolve_card(state, &user_id_of(state, id).await?, &method).await?)
                }
                (None, true) => {
                    let pid = id.to_owned();
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
                                    .with_advice_msgs(vec![crate::msg!("err-verify-card-again-advice")])
                                    .with_object("payment", shown)
                                    .body(&crate::error::current_request_id()),
                            })
                        })
                        .await?;
                    return Ok(record_answer(state, idem.map(|e| e.0), failed).await);
                }
            };
            let mid = merchant_id.clone();
            let merchant_country =
                state.store.read(move |tx| tx.merchant(&mid)).await?.map(|m| m.country).unwrap_or_else(|| "US".into());
            PendingPayment { card, typed_method: None, split, merchant_country, expires_at: now + CODE_TTL_S }
        }
    };
    Ok(authorize_attempt(state, idem.map(|e| e.0), id, &attempt_id, pending, true, false).await)
}
