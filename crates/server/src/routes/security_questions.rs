//! A buyer's security questions: the list to choose from, setting 2 or 3 (with the password; the
//! buyer is told by email), and reading them back without the answers. Answers are kept only as
//! Argon2id hashes of their normalised form (`domain::verification::normalize_answer`); answering
//! them at step-up is in `shop::verifying`.

use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use domain::verification::{check_questions, PRESET_QUESTIONS, QUESTIONS_MAX};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{NewOutboxMessage, SecurityQuestionRecord};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Verb};
use crate::routes::payouts::endpoint;
use crate::secrets::{hash_password, random_id, verify_password};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Longest question or answer read from a request (characters), before the domain's own limits.
const FIELD_CHARS_MAX: usize = 500;

pub(crate) fn register(api: Api) -> Api {
    let body = body_schema::<SetBody>();
    api.add(
        endpoint(
            Verb::Get,
            "/v1/security_questions",
            "The security questions a buyer may choose from",
            Access::Anyone,
            None,
        ),
        presets,
    )
    .add(
        endpoint(
            Verb::Get,
            "/v1/me/security_questions",
            "The buyer's security questions (never the answers)",
            Access::Buyer,
            None,
        ),
        mine,
    )
    .add(
        endpoint(
            Verb::Put,
            "/v1/me/security_questions",
            "Sets 2 or 3 security questions with their answers; needs the password; the buyer is emailed",
            Access::Buyer,
            Some(body),
        ),
        set_questions,
    )
}

async fn presets() -> Response {
    let data: Vec<Value> = PRESET_QUESTIONS.iter().map(|(id, text)| json!({ "id": id, "question": text })).collect();
    axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response()
}

/// The questions as the API shows them.
pub(crate) fn questions_json(questions: &[SecurityQuestionRecord]) -> Value {
    let shown: Vec<Value> = questions.iter().map(|q| json!({ "id": q.id, "question": q.question })).collect();
    json!({ "object": "security_questions", "questions": shown })
}

async fn mine(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let questions = state.store.read(move |tx| tx.security_questions(&user.id)).await?;
    Ok(axum::Json(questions_json(&questions)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct QuestionBody {
    question: String,
    answer: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SetBody {
    password: String,
    questions: Vec<QuestionBody>,
}

/// Why a set of questions was refused (the same English as the domain's `Display`).
fn questions_error(e: &domain::verification::QuestionsError) -> crate::i18n::Msg {
    use domain::verification::{
        QuestionsError as E, ANSWER_LENGTH_MAX, ANSWER_LENGTH_MIN, QUESTIONS_MIN, QUESTION_LENGTH_MAX,
        QUESTION_LENGTH_MIN,
    };
    match e {
        E::Count => crate::msg!("err-questions-count", min = QUESTIONS_MIN, max = QUESTIONS_MAX),
        E::QuestionLength { .. } => {
            crate::msg!("err-questions-question-length", min = QUESTION_LENGTH_MIN, max = QUESTION_LENGTH_MAX)
        }
        E::Repeated { .. } => crate::msg!("err-questions-repeated"),
        E::AnswerLength { .. } => {
            crate::msg!("err-questions-answer-length", min = ANSWER_LENGTH_MIN, max = ANSWER_LENGTH_MAX)
        }
        E::AnswerIsQuestion { .. } => crate::msg!("err-questions-answer-is-question"),
        E::SameAnswers { .. } => crate::msg!("err-questions-same-answers"),
    }
}

async fn set_questions(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<SetBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if body.questions.len() > QUESTIONS_MAX
        || body
            .questions
            .iter()
            .any(|q| q.question.chars().count() > FIELD_CHARS_MAX || q.answer.chars().count() > FIELD_CHARS_MAX)
    {
        return Err(ApiError::invalid("questions", crate::msg!("err-questions-shape")));
    }
    let pairs: Vec<(&str, &str)> = body.questions.iter().map(|q| (q.question.as_str(), q.answer.as_str())).collect();
    let settings = check_questions(&pairs).map_err(|e| ApiError::invalid(e.param(), questions_error(&e)))?;
    let (password, phc) = (body.password, user.password_hash.clone());
    let password_ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.unwrap_or(false);
    if !password_ok {
        return Err(ApiError::invalid("password", crate::msg!("err-questions-password"))
            .with_advice_msgs(vec![crate::msg!("err-questions-password-advice")]));
    }
    let now = state.clock.now();
    let uid = user.id.clone();
    // Slow hashes, off the async threads: one per answer, each with its own salt.
    let records = tokio::task::spawn_blocking(move || {
        settings
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(SecurityQuestionRecord {
                    id: random_id("sq"),
                    user_id: uid.clone(),
                    position: i64::try_from(i).unwrap_or(0),
                    question: s.question.clone(),
                    answer_hash: hash_password(&s.normalized_answer).map_err(|_| ApiError::internal())?,
                    created_at: now,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await
    .map_err(|_| ApiError::internal())??;
    let email = user.email.clone();
    let locale = crate::i18n::locale_of(user.locale.as_deref());
    let uid = user.id.clone();
    let user_id = user.id;
    let response = state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let had = !tx.security_questions(&uid)?.is_empty();
            tx.replace_security_questions(&uid, &records)?;
            let body = if had {
                crate::tr_in!(locale, "message-questions-changed-body")
            } else {
                crate::tr_in!(locale, "message-questions-set-body")
            };
            tx.enqueue_message(
                &NewOutboxMessage {
                    channel: "email",
                    recipient: &email,
                    subject: &crate::tr_in!(locale, "message-questions-subject"),
                    body: &body,
                    code: None,
                },
                ctx.now,
            )?;
            Ok(ApiResponse::ok(questions_json(&records)))
        })
        .await;
    if response.status().is_success() {
        tracing::info!(user = %user_id, "security questions set");
    }
    Ok(response)
}
