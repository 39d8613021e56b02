//! One-time codes for risky payments: the code (or the answers to the security questions) read from
//! the request and checked by `ops::verifying` (then the card authorized); a code sent again is
//! `paying::resend_code`.

use super::*;
use crate::ops::verifying::Submitted;

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
    crate::ops::verifying::verify(&state, idem.map(|e| e.0), user.id, id, submitted).await
}
