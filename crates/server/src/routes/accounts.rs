//! Accounts and access: sign-up with an emailed code, sessions, `/v1/me`, operators, merchants.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::accounts::{
    default_currency_for, is_one_time_code_shaped, one_time_code, Country, Email, Password, Phone, Role,
};
use domain::money::Currency;
use domain::states::UserStatus;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{MerchantRecord, NewOutboxMessage, SessionRecord, Store, StoreError, UserRecord};

use crate::auth::{Caller, SESSION_TOKEN_PREFIX};
use crate::error::{ApiError, ApiResponse};
use crate::extract::{ApiJson, PeerAddress};
use crate::i18n::Locale;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::secrets::{self, hash_password, random_id, random_token, token_hash, verify_password};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/users",
            summary: "Signs up a buyer; a 6-digit code is emailed",
            access: Access::Anyone,
            body: Some(body_schema::<CreateUser>()),
            success: 201,
        },
        create_user,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/users/verify_email",
            summary: "Activates an account with the emailed code",
            access: Access::Anyone,
            body: Some(body_schema::<VerifyEmail>()),
            success: 200,
        },
        verify_email,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/users/resend_verification",
            summary: "Emails a new code to an account that is not yet verified",
            access: Access::Anyone,
            body: Some(body_schema::<ResendVerification>()),
            success: 200,
        },
        resend_verification,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/sessions",
            summary: "Signs in; returns a session token",
            access: Access::Anyone,
            body: Some(body_schema::<CreateSession>()),
            success: 201,
        },
        create_session,
    )
    .add(
        Endpoint {
            verb: Verb::Delete,
            path: "/v1/sessions/current",
            summary: "Signs out the calling session",
            access: Access::BuyerOrOperator,
            body: None,
            success: 204,
        },
        delete_session,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/me",
            summary: "The signed-in user",
            access: Access::BuyerOrOperator,
            body: None,
            success: 200,
        },
        me,
    )
    .add(
        Endpoint {
            verb: Verb::Patch,
            path: "/v1/me",
            summary: "Changes the signed-in user's language, time zone or phone",
            access: Access::BuyerOrOperator,
            body: Some(body_schema::<UpdateMe>()),
            success: 200,
        },
        update_me,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/merchants",
            summary: "Makes the buyer a seller; the secret key is shown once",
            access: Access::Buyer,
            body: Some(body_schema::<CreateMerchant>()),
            success: 201,
        },
        create_merchant,
    )
}

/// A user as the API shows it.
pub fn user_json(u: &UserRecord) -> Value {
    json!({
        "id": u.id, "object": "user", "email": u.email, "status": u.status.name(), "role": u.role,
        "phone": u.phone, "country": u.country, "currency": u.currency, "created": u.created_at,
        // The chosen language, or the one this answer is written in when none was chosen.
        "locale": u.locale.clone().unwrap_or_else(|| crate::i18n::current().code().to_owned()),
        "time_zone": u.time_zone,
    })
}

pub(crate) fn rule_error(param: &str, e: domain::accounts::AccountRuleError) -> ApiError {
    use domain::accounts::{AccountRuleError as E, PASSWORD_LENGTH_MAX, PASSWORD_LENGTH_MIN};
    let message = match e {
        E::EmailInvalid => crate::msg!("error-email-invalid"),
        E::PasswordTooShort => crate::msg!("error-password-too-short", count = PASSWORD_LENGTH_MIN),
        E::PasswordTooLong => crate::msg!("error-password-too-long", count = PASSWORD_LENGTH_MAX),
        E::PhoneInvalid => crate::msg!("error-phone-invalid"),
        E::CountryInvalid => crate::msg!("error-country-invalid"),
    };
    ApiError::invalid(param, "").with_message(message)
}

pub(crate) fn email_param(raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e| rule_error("email", e))
}

async fn hash_off_thread(password: Password) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(password.expose()))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())
}

async fn verify_off_thread(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.unwrap_or(false)
}

/// Stores a new email code (only its keyed hash) and queues the email that carries it.
fn send_email_code(
    tx: &mut store::WriteTx<'_>,
    user: &UserRecord,
    code: &str,
    code_hash: &[u8],
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    tx.put_email_verification(&user.id, code_hash, expires_at)?;
    let locale = crate::i18n::locale_of(user.locale.as_deref());
    let text = crate::tr_in!(locale, "email-code-body", code = code);
    let subject = crate::tr_in!(locale, "email-code-subject");
    let message =
        NewOutboxMessage { channel: "email", recipient: &user.email, subject: &subject, body: &text, code: Some(code) };
    tx.enqueue_message(&message, now)?;
    Ok(())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateUser {
    email: String,
    password: String,
    phone: Option<String>,
    country: Option<String>,
    /// The language emails, SMS and pages are written in; the request's language when absent.
    locale: Option<String>,
    /// The IANA time zone times are shown in; `UTC` when absent.
    time_zone: Option<String>,
}

async fn create_user(
    State(state): State<AppState>,
    idem: Idem,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<Response, ApiError> {
    let email = email_param(&body.email)?;
    let password = Password::parse(&body.password).map_err(|e| rule_error("password", e))?;
    let phone = body.phone.as_deref().map(Phone::parse).transpose().map_err(|e| rule_error("phone", e))?;
    let country = Country::parse(body.country.as_deref().unwrap_or("US")).map_err(|e| rule_error("country", e))?;
    // The language the sign-up asked for (its cookie or `Accept-Language`), if it named one we write.
    let locale = locale_param(body.locale.as_deref())?.or_else(|| crate::extract::requested_locale(&headers));
    let time_zone = time_zone_param(body.time_zone.as_deref())?.unwrap_or_else(|| "UTC".to_owned());
    let password_hash = hash_off_thread(password).await?;
    let code = one_time_code(secrets::random_u64());
    let code_hash = state.secret.keyed_hash("email-code", code.as_bytes());
    let ttl = state.config.email_code_ttl_s;
    let user_id = random_id("usr");
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let user = UserRecord {
                id: user_id,
                email: email.as_str().to_owned(),
                password_hash,
                status: UserStatus::Unverified,
                role: Role::Buyer.name().into(),
                phone: phone.map(|p| p.as_str().to_owned()),
                country: country.as_str().to_owned(),
                currency: default_currency_for(country).code().to_owned(),
                created_at: ctx.now,
                locale: locale.map(|l| l.code().to_owned()),
                time_zone,
            };
            tx.insert_user(&user).map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ApiError::conflict("email_taken", crate::msg!("err-account-email-taken")).with_param("email")
                }
                other => ApiError::from(other),
            })?;
            send_email_code(tx, &user, &code, &code_hash, ctx.now + ttl, ctx.now)?;
            Ok(ApiResponse::created(user_json(&user)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct VerifyEmail {
    email: String,
    code: String,
}

async fn verify_email(
    State(state): State<AppState>,
    idem: Idem,
    ApiJson(body): ApiJson<VerifyEmail>,
) -> Result<Response, ApiError> {
    let email = email_param(&body.email)?;
    if !is_one_time_code_shaped(body.code.trim()) {
        return Err(ApiError::invalid("code", crate::msg!("err-account-code-shape")));
    }
    let submitted = state.secret.keyed_hash("email-code", body.code.trim().as_bytes());
    let attempts_max = state.config.email_code_attempts_max;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let invalid = || {
                ApiError::bad_request("verification_failed", crate::msg!("err-account-code-incorrect"))
                    .with_param("code")
                    .with_advice_msgs(vec![crate::msg!("err-account-code-incorrect-advice")])
            };
            let user = tx.user_by_email(email.as_str())?.ok_or_else(invalid)?;
            if user.status == UserStatus::Active {
                return Ok(ApiResponse::ok(user_json(&user)));
            }
            let Some((code_hash, expires_at, failures)) = tx.email_verification(&user.id)? else {
                return Err(invalid());
            };
            if failures >= attempts_max {
                return Err(ApiError::rate_limited(60, crate::msg!("err-account-too-many-attempts"))
                    .with_advice_msgs(vec![crate::msg!("err-account-too-many-attempts-advice")]));
            }
            if ctx.now >= expires_at {
                return Err(ApiError::bad_request("verification_expired", crate::msg!("err-account-code-expired"))
                    .with_advice_msgs(vec![crate::msg!("err-account-code-expired-advice")]));
            }
            if !secrets::constant_time_eq(&code_hash, &submitted) {
                tx.count_email_verification_failure(&user.id)?;
                let left = (attempts_max - failures - 1).max(0);
                let e = invalid().with_advice_msgs(vec![crate::msg!("err-account-tries-left", count = left)]);
                // The failure must be counted, so this answer commits.
                return Ok(ctx.error_response(e));
            }
            tx.delete_email_verification(&user.id)?;
            let confirmed = user.status.confirm().map_err(crate::error::lifecycle_bug)?;
            tx.set_user_status(&user.id, confirmed)?;
            let mut user = user;
            user.status = confirmed;
            Ok(ApiResponse::ok(user_json(&user)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResendVerification {
    email: String,
}

async fn resend_verification(
    State(state): State<AppState>,
    idem: Idem,
    ApiJson(body): ApiJson<ResendVerification>,
) -> Result<Response, ApiError> {
    let email = email_param(&body.email)?;
    let code = one_time_code(secrets::random_u64());
    let code_hash = state.secret.keyed_hash("email-code", code.as_bytes());
    let ttl = state.config.email_code_ttl_s;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            // The same answer whether or not the account exists, so this cannot probe for emails.
            if let Some(user) = tx.user_by_email(email.as_str())?.filter(|u| u.status == UserStatus::Unverified) {
                send_email_code(tx, &user, &code, &code_hash, ctx.now + ttl, ctx.now)?;
            }
            Ok(ApiResponse::ok(json!({ "object": "verification", "sent_if_unverified": true })))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateSession {
    email: String,
    password: String,
}

async fn create_session(
    State(state): State<AppState>,
    idem: Idem,
    PeerAddress(peer): PeerAddress,
    ApiJson(body): ApiJson<CreateSession>,
) -> Result<Response, ApiError> {
    let invalid = || {
        ApiError::authentication(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            crate::msg!("err-account-invalid-credentials"),
        )
    };
    let Ok(email) = Email::parse(&body.email) else { return Err(invalid()) };
    let now = state.clock.now();
    let window = state.config.login_failure_window_s;
    // Failures count per email (guessing one account's password) and per address (trying many
    // accounts from one place). An address key has a space, which no email has.
    let mut scopes = vec![(email.as_str().to_owned(), state.config.login_failures_max)];
    if let Some(peer) = peer {
        scopes.push((format!("address {peer}"), state.config.login_failures_per_address_max));
    }
    // Admission and counting are one command on the writer: each attempt is counted as a failure
    // before its password is checked (and forgotten if it was right), so a burst of concurrent
    // guesses is judged no further than the limit allows.
    let admitted = state
        .store
        .write(move |tx| -> Result<Result<Vec<i64>, u64>, store::StoreError> {
            for (key, failures_max) in &scopes {
                let (failures, oldest) = tx.reads().login_failures_since(key, now - window)?;
                if failures >= *failures_max {
                    return Ok(Err(oldest.map(|t| t + window - now).unwrap_or(window).max(1) as u64));
                }
            }
            let mut counted = Vec::with_capacity(scopes.len());
            for (key, _) in &scopes {
                counted.push(tx.record_login_failure(key, now)?);
            }
            Ok(Ok(counted))
        })
        .await?;
    let counted = match admitted {
        Ok(counted) => counted,
        Err(retry) => {
            return Err(ApiError::rate_limited(retry, crate::msg!("err-account-too-many-sign-ins")).with_advice_msgs(
                vec![
                    crate::msg!("err-account-too-many-sign-ins-advice"),
                    crate::msg!("err-account-too-many-sign-ins-advice-reset"),
                ],
            ))
        }
    };
    let key = email.as_str().to_owned();
    let user = state.store.read(move |tx| tx.user_by_email(&key)).await?;
    let phc =
        user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| secrets::decoy_password_hash().to_owned());
    let password_ok = verify_off_thread(body.password, phc).await && user.is_some();
    let Some(user) = user.filter(|_| password_ok) else {
        return Err(invalid());
    };
    // The password was right: this attempt is not a failure.
    state.store.write(move |tx| tx.forget_login_failures(&counted)).await?;
    if !user.status.may_sign_in() {
        return Err(ApiError::authentication(
            StatusCode::FORBIDDEN,
            "email_not_verified",
            crate::msg!("err-account-email-not-verified"),
        )
        .with_advice_msgs(vec![
            crate::msg!("err-account-email-not-verified-advice"),
            crate::msg!("err-account-email-not-verified-advice-expired"),
        ]));
    }
    let token = random_token(SESSION_TOKEN_PREFIX);
    let hash = token_hash(&token);
    let ttl = state.config.session_ttl_s;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let session = SessionRecord {
                user_id: user.id.clone(),
                created_at: ctx.now,
                expires_at: ctx.now + ttl,
                revoked_at: None,
            };
            tx.insert_session(&hash, &session)?;
            Ok(ApiResponse::created(json!({
                "object": "session", "token": token, "expires_at": session.expires_at, "user": user_json(&user),
            })))
        })
        .await)
}

async fn delete_session(State(state): State<AppState>, idem: Idem, caller: Caller) -> Result<Response, ApiError> {
    let (_, _, hash) = caller.person()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            tx.revoke_session(&hash, ctx.now)?;
            Ok(ApiResponse { status: StatusCode::NO_CONTENT, body: Value::Null })
        })
        .await)
}

async fn me(caller: Caller) -> Result<Response, ApiError> {
    let (user, _, _) = caller.person()?;
    Ok(axum::Json(user_json(&user)).into_response())
}

/// A submitted `locale`: `en`, `ru` or `es`.
fn locale_param(raw: Option<&str>) -> Result<Option<Locale>, ApiError> {
    raw.map(|l| {
        Locale::parse(l)
            .ok_or_else(|| ApiError::invalid("locale", "").with_message(crate::msg!("error-invalid-locale")))
    })
    .transpose()
}

/// A submitted IANA time zone.
fn time_zone_param(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.map(|z| {
        if crate::i18n::format::time_zone_exists(z) {
            Ok(z.to_owned())
        } else {
            Err(ApiError::invalid("time_zone", "").with_message(crate::msg!("error-invalid-time-zone")))
        }
    })
    .transpose()
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateMe {
    /// `en`, `ru` or `es`: the language of pages, errors, emails and SMS.
    locale: Option<String>,
    /// An IANA time zone (`Europe/Madrid`), for times on pages.
    time_zone: Option<String>,
    /// A phone number for one-time codes by SMS; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    phone: Option<Option<String>>,
}

/// A field that may be sent as `null` (to remove) or left out (to keep).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// `PATCH /v1/me`: the signed-in person's language, time zone and phone.
async fn update_me(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<UpdateMe>,
) -> Result<Response, ApiError> {
    let (user, _, _) = caller.person()?;
    let locale = locale_param(body.locale.as_deref())?;
    let time_zone = time_zone_param(body.time_zone.as_deref())?;
    let phone = match &body.phone {
        Some(Some(p)) => Some(Some(Phone::parse(p).map_err(|e| rule_error("phone", e))?.as_str().to_owned())),
        Some(None) => Some(None),
        None => None,
    };
    if let Some(l) = locale {
        // The answer is already in the language just chosen.
        crate::i18n::set_current(l, time_zone.as_deref().unwrap_or(&user.time_zone));
    }
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            let mut user = tx.user(&user.id)?.ok_or_else(ApiError::unauthenticated)?;
            if let Some(l) = locale {
                user.locale = Some(l.code().to_owned());
            }
            if let Some(z) = time_zone {
                user.time_zone = z;
            }
            if let Some(p) = phone {
                user.phone = p;
            }
            tx.set_user_preferences(&user.id, user.locale.as_deref(), &user.time_zone, user.phone.as_deref())?;
            Ok(ApiResponse::ok(user_json(&user)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateMerchant {
    name: String,
    country: String,
    currency: String,
}

/// Longest shop name.
const MERCHANT_NAME_LENGTH_MAX: usize = 100;

async fn create_merchant(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateMerchant>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MERCHANT_NAME_LENGTH_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            crate::msg!("err-account-merchant-name", max = MERCHANT_NAME_LENGTH_MAX),
        ));
    }
    let country = Country::parse(&body.country).map_err(|e| rule_error("country", e))?;
    let currency = Currency::parse(&body.currency).map_err(|_| {
        ApiError::bad_request(
            "currency_not_supported",
            crate::msg!("err-account-currency", currency = body.currency.chars().take(8).collect::<String>()),
        )
        .with_param("currency")
    })?;
    let merchant_id = random_id("mer");
    let (secret_key, mut key) = crate::routes::api_keys::new_key(&state, &merchant_id, "Secret key", 0);
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let m = MerchantRecord {
                id: merchant_id,
                owner_user_id: user.id.clone(),
                name,
                country: country.as_str().to_owned(),
                currency: currency.code().to_owned(),
                created_at: ctx.now,
            };
            tx.insert_merchant(&m)?;
            key.merchant_id = m.id.clone();
            key.created_at = ctx.now;
            tx.insert_api_key(&key)?;
            Ok(ApiResponse::created(json!({
                "id": m.id, "object": "merchant", "name": m.name, "country": m.country, "currency": m.currency,
                "owner": m.owner_user_id, "secret_key": secret_key, "created": m.created_at,
            })))
        })
        .await)
}

/// Why an operator could not be created.
#[derive(Debug, thiserror::Error)]
pub enum OperatorCreateError {
    #[error("{0}")]
    Invalid(String),
    #[error("a user with this email already exists")]
    Exists,
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Creates an active operator (from the CLI or the bootstrap variables).
pub async fn create_operator(
    store: &Store,
    email: &str,
    password: &str,
    now: i64,
) -> Result<String, OperatorCreateError> {
    let email = Email::parse(email).map_err(|e| OperatorCreateError::Invalid(format!("email: {e}")))?;
    let password = Password::parse(password).map_err(|e| OperatorCreateError::Invalid(format!("password: {e}")))?;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(password.expose()))
        .await
        .map_err(|e| OperatorCreateError::Invalid(e.to_string()))?
        .map_err(|e| OperatorCreateError::Invalid(e.to_string()))?;
    let user = UserRecord {
        id: random_id("usr"),
        email: email.as_str().to_owned(),
        password_hash,
        // An operator made on the command line needs no email confirmation.
        status: UserStatus::Active,
        role: Role::Operator.name().into(),
        phone: None,
        country: "US".into(),
        currency: "USD".into(),
        created_at: now,
        locale: None,
        time_zone: "UTC".into(),
    };
    let id = user.id.clone();
    store.write(move |tx| tx.insert_user(&user)).await.map_err(|e| {
        if e.is_duplicate() {
            OperatorCreateError::Exists
        } else {
            OperatorCreateError::Store(e)
        }
    })?;
    Ok(id)
}
