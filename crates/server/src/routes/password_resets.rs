//! A way back into an account: a reset code sent to the account's email (rate-limited per account
//! and per client address; only its keyed hash is kept; 30 minutes, 5 tries), then a new password.
//! Completing it ends every session of the account, lifts a sign-in lock-out (a stranger's wrong
//! passwords do not keep the owner out), and tells the owner by email. Asking answers the same
//! whether or not the email has an account, so it cannot be used to find accounts.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use domain::accounts::{is_one_time_code_shaped, one_time_code, Password};
use serde::Deserialize;
use serde_json::json;
use store::{NewOutboxMessage, PasswordResetRecord};

use crate::error::{ApiError, ApiResponse};
use crate::extract::{ApiJson, PeerAddress};
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::routes::accounts::{email_param, rule_error};
use crate::secrets::{self, hash_password};
use crate::AppState;
use axum::response::Response;

type Idem = Option<Extension<IdempotencyContext>>;

/// How long a reset code works.
pub const RESET_CODE_TTL_S: i64 = 30 * 60;
/// Wrong codes a reset allows.
pub const RESET_ATTEMPTS_MAX: i64 = 5;
/// Reset codes one account is sent per sign-in failure window (15 minutes).
pub const RESET_SENDS_PER_ACCOUNT_MAX: u32 = 5;
/// Reset requests one client address may make per window.
pub const RESET_REQUESTS_PER_ADDRESS_MAX: u32 = 20;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/password_resets",
            summary: "Emails a code to reset a forgotten password (the same answer whether or not the account exists)",
            access: Access::Anyone,
            body: Some(body_schema::<RequestReset>()),
            success: 202,
        },
        request_reset,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/password_resets/confirm",
            summary: "Sets a new password with the emailed code; ends every session and lifts a sign-in lock-out",
            access: Access::Anyone,
            body: Some(body_schema::<ConfirmReset>()),
            success: 200,
        },
        confirm_reset,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RequestReset {
    email: String,
}

async fn request_reset(
    State(state): State<AppState>,
    idem: Idem,
    PeerAddress(peer): PeerAddress,
    ApiJson(body): ApiJson<RequestReset>,
) -> Result<Response, ApiError> {
    let email = email_param(&body.email)?;
    let code = one_time_code(secrets::random_u64());
    let secret = state.secret.clone();
    let window = state.config.login_failure_window_s;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            // Per client address: a flood from one place is refused openly (it says nothing of accounts).
            if let Some(peer) = peer {
                let key = format!("reset-address {peer}");
                let (asked, oldest) = tx.reads().login_failures_since(&key, ctx.now - window)?;
                if asked >= RESET_REQUESTS_PER_ADDRESS_MAX {
                    let retry = oldest.map(|t| t + window - ctx.now).unwrap_or(window).max(1);
                    return Err(ApiError::rate_limited(
                        u64::try_from(retry).unwrap_or(1),
                        crate::msg!("err-reset-too-many-requests"),
                    )
                    .with_advice_msgs(vec![crate::msg!("err-reset-too-many-requests-advice")]));
                }
                tx.record_login_failure(&key, ctx.now)?;
            }
            if let Some(user) = tx.user_by_email(email.as_str())? {
                // Per account: past the limit no more codes are sent, and the answer stays the same.
                let key = format!("reset {}", email.as_str());
                let (sent, _) = tx.reads().login_failures_since(&key, ctx.now - window)?;
                if sent < RESET_SENDS_PER_ACCOUNT_MAX {
                    tx.record_login_failure(&key, ctx.now)?;
                    let code_hash = secret.keyed_hash("password-reset", format!("{}:{code}", user.id).as_bytes());
                    tx.put_password_reset(&PasswordResetRecord {
                        user_id: user.id.clone(),
                        code_hash,
                        expires_at: ctx.now + RESET_CODE_TTL_S,
                        failed_attempts: 0,
                        sent_at: ctx.now,
                    })?;
                    let locale = crate::i18n::locale_of(user.locale.as_deref());
                    let text = crate::tr_in!(locale, "message-reset-code-body", code = code.as_str());
                    let subject = crate::tr_in!(locale, "message-reset-code-subject");
                    tx.enqueue_message(
                        &NewOutboxMessage {
                            channel: "email",
                            recipient: &user.email,
                            subject: &subject,
                            body: &text,
                            code: Some(&code),
                        },
                        ctx.now,
                    )?;
                }
            }
            Ok(ApiResponse {
                status: StatusCode::ACCEPTED,
                body: json!({ "object": "password_reset", "status": "sent_if_account_exists",
                    "expires_in": RESET_CODE_TTL_S }),
            })
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ConfirmReset {
    email: String,
    code: String,
    password: String,
}

async fn confirm_reset(
    State(state): State<AppState>,
    idem: Idem,
    ApiJson(body): ApiJson<ConfirmReset>,
) -> Result<Response, ApiError> {
    let email = email_param(&body.email)?;
    let code = body.code.trim().to_owned();
    if !is_one_time_code_shaped(&code) {
        return Err(ApiError::invalid("code", crate::msg!("err-reset-code-shape")));
    }
    let password = Password::parse(&body.password).map_err(|e| rule_error("password", e))?;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(password.expose()))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())?;
    let secret = state.secret.clone();
    let response = state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let invalid = || {
                ApiError::bad_request("verification_failed", crate::msg!("err-reset-code-incorrect"))
                    .with_param("code")
                    .with_advice_msgs(vec![crate::msg!("err-reset-code-incorrect-advice")])
            };
            let user = tx.user_by_email(email.as_str())?.ok_or_else(invalid)?;
            let reset = tx.password_reset(&user.id)?.ok_or_else(invalid)?;
            if reset.failed_attempts >= RESET_ATTEMPTS_MAX {
                return Err(ApiError::rate_limited(60, crate::msg!("err-reset-too-many-attempts"))
                    .with_advice_msgs(vec![crate::msg!("err-reset-too-many-attempts-advice")]));
            }
            if ctx.now >= reset.expires_at {
                return Err(ApiError::bad_request("verification_expired", crate::msg!("err-reset-code-expired"))
                    .with_param("code")
                    .with_advice_msgs(vec![crate::msg!("err-reset-code-expired-advice")]));
            }
            let submitted = secret.keyed_hash("password-reset", format!("{}:{code}", user.id).as_bytes());
            if !secrets::constant_time_eq(&reset.code_hash, &submitted) {
                tx.count_password_reset_failure(&user.id)?;
                let left = (RESET_ATTEMPTS_MAX - reset.failed_attempts - 1).max(0);
                let e = invalid().with_advice_msgs(vec![crate::msg!("err-reset-tries-left", count = left)]);
                // The failure must be counted, so this answer commits.
                return Ok(ctx.error_response(e));
            }
            let ended = tx.complete_password_reset(&user.id, email.as_str(), &password_hash, ctx.now)?;
            if let Ok(confirmed) = user.status.confirm() {
                // The code came to this address: it is verified.
                tx.set_user_status(&user.id, confirmed)?;
            }
            let locale = crate::i18n::locale_of(user.locale.as_deref());
            let subject = crate::tr_in!(locale, "message-password-changed-subject");
            let body = crate::tr_in!(locale, "message-password-changed-body");
            tx.enqueue_message(
                &NewOutboxMessage {
                    channel: "email",
                    recipient: &user.email,
                    subject: &subject,
                    body: &body,
                    code: None,
                },
                ctx.now,
            )?;
            Ok(ApiResponse::ok(json!({ "object": "password_reset", "status": "completed", "sessions_ended": ended })))
        })
        .await;
    if response.status().is_success() {
        tracing::info!("a password was reset with an emailed code; every session of the account ended");
    }
    Ok(response)
}
