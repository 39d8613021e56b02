//! Paying by card, shared by every purchase: turn a `payment_method` into the card the issuer needs
//! (a saved card, opened by the vault, or a new card, validated), then authorize — resolving unknown
//! outcomes by looking the attempt up — and capture.
//!
//! Calls to the issuer never run inside a database transaction: the caller records the attempt
//! first, calls the issuer with the attempt id as the idempotency key, then records the outcome.
//!
//! The card checks at the edge live here too (number, expiry and code; the billing address; what
//! an issuer's refusal or a card error answers), shared with the card manager (`routes::cards`).

use axum::http::StatusCode;
use domain::cards::{parse_card_number, CardError, Cvc, Expiry};
use domain::declines::PaymentFailure;
use issuer::{Authorization, AuthorizeRequest, CardInput, Refusal, Resolved};
use serde::Deserialize;
use store::{AddressRecord, CardRecord};

use crate::error::ApiError;
use crate::AppState;

/// Captures retried after an unknown outcome (the capture key makes them safe).
pub const CAPTURE_ATTEMPTS_MAX: u32 = 3;

/// The platform's own country, sent with zero-amount checks.
pub const PLATFORM_COUNTRY: &str = "US";
/// Longest free-text field of an address or a name.
const TEXT_LENGTH_MAX: usize = 100;

/// A card validation failure, with the field it is about.
pub fn card_error(e: CardError) -> ApiError {
    card_error_for(e, &domain::cards::AcceptedBrands::all())
}

/// As [`card_error`], naming the brands this server accepts.
pub fn card_error_for(e: CardError, accepted: &domain::cards::AcceptedBrands) -> ApiError {
    let param = match e {
        CardError::IncorrectNumber | CardError::BrandNotSupported => "number",
        CardError::InvalidExpiryMonth => "exp_month",
        CardError::InvalidExpiryYear | CardError::ExpiredCard => "exp_year",
        CardError::InvalidCvc | CardError::IncorrectCvc => "cvc",
    };
    ApiError::payment_for(&PaymentFailure::Card(e), accepted).with_param(param)
}

/// What the issuer's refusal means for the buyer.
pub fn refusal_error(r: Refusal) -> ApiError {
    match r {
        Refusal::Declined(code) => ApiError::payment(&PaymentFailure::Declined(code)),
        Refusal::ExpiredCard => card_error(CardError::ExpiredCard),
        Refusal::IncorrectCvc => card_error(CardError::IncorrectCvc),
        Refusal::IncorrectNumber => card_error(CardError::IncorrectNumber),
        Refusal::ProcessingError => ApiError::payment(&PaymentFailure::ProcessingError),
        // A zero-amount check never asks for a code; should an issuer do so, the card cannot be saved now.
        Refusal::VerificationRequired => ApiError::payment(&PaymentFailure::ProcessingError),
    }
}

/// (year, month) today by the server's clock.
pub fn today(state: &AppState) -> (i32, u32) {
    let (y, m) = issuer::year_month_of(state.clock.now());
    (i32::try_from(y).unwrap_or(i32::MAX), m)
}

#[derive(Deserialize, serde::Serialize, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    line1: String,
    line2: Option<String>,
    city: String,
    state: Option<String>,
    postal_code: String,
    country: String,
}

pub(crate) fn text(param: &str, value: &str, required: bool) -> Result<Option<String>, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(ApiError::missing(param)) } else { Ok(None) };
    }
    if v.chars().count() > TEXT_LENGTH_MAX || v.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            param,
            crate::msg!("err-card-text-too-long", param = param, max = TEXT_LENGTH_MAX),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Parses a billing address.
pub fn parse_address(a: &AddressBody) -> Result<AddressRecord, ApiError> {
    let required = |param: &str, v: &str| text(param, v, true).map(|o| o.unwrap_or_default());
    let optional = |param: &str, v: &Option<String>| match v {
        Some(v) => text(param, v, false),
        None => Ok(None),
    };
    let country = domain::accounts::Country::parse(&a.country)
        .map_err(|_| ApiError::invalid("billing_address.country", crate::msg!("err-card-country")))?;
    Ok(AddressRecord {
        line1: required("billing_address.line1", &a.line1)?,
        line2: optional("billing_address.line2", &a.line2)?,
        city: required("billing_address.city", &a.city)?,
        state: optional("billing_address.state", &a.state)?,
        postal_code: required("billing_address.postal_code", &a.postal_code)?,
        country: country.as_str().to_owned(),
    })
}

/// A card checked at the edge, ready for the vault and the issuer.
pub struct NewCard {
    pub number: domain::cards::CardNumber,
    pub expiry: Expiry,
    pub cvc: Cvc,
}

/// Validates number, expiry and security code, in that order.
pub fn validate_card(
    state: &AppState,
    number: &str,
    exp_month: i64,
    exp_year: i64,
    cvc: &str,
) -> Result<NewCard, ApiError> {
    let accepted = &state.config.accepted_brands;
    let number = parse_card_number(number, accepted).map_err(|e| card_error_for(e, accepted))?;
    let (year, month) = today(state);
    let expiry = Expiry::parse(exp_month, exp_year, year, month).map_err(card_error)?;
    let cvc = Cvc::parse(cvc, number.brand()).map_err(card_error)?;
    Ok(NewCard { number, expiry, cvc })
}

/// `payment_method` as docs/API.md defines it.
#[derive(Deserialize, serde::Serialize, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub card: Option<String>,
    pub new_card: Option<NewCardBody>,
    pub save: Option<bool>,
}

/// A card typed at checkout.
#[derive(Deserialize, serde::Serialize, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCardBody {
    pub number: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub cvc: String,
    pub holder_name: String,
    pub billing_address: AddressBody,
}

/// A card ready to be charged. `Debug` shows no number.
#[derive(Clone)]
pub struct ChargeableCard {
    pub input: CardInput,
    /// The saved card, if paying with one.
    pub saved: Option<CardRecord>,
    pub brand: String,
    pub last4: String,
    /// A new card to save once the payment succeeds (sealed already; no CVC).
    pub to_save: Option<CardRecord>,
    /// The vault's fingerprint of the number (to block the card if a payment is reported).
    pub fingerprint: String,
}

/// The answer to a card blocked for this buyer, however it is presented.
pub fn blocked_card_error(param: &str) -> ApiError {
    ApiError::payment(&PaymentFailure::Declined(domain::declines::DeclineCode::GenericDecline))
        .with_param(param)
        .with_advice_msgs(vec![crate::msg!("err-card-blocked-advice"), crate::msg!("err-card-blocked-advice-support")])
}

/// Refuses a card whose fingerprint is blocked for this buyer.
pub async fn refuse_if_blocked(
    state: &AppState,
    user_id: &str,
    fingerprint: &str,
    param: &str,
) -> Result<(), ApiError> {
    let (u, f) = (user_id.to_owned(), fingerprint.to_owned());
    if state.store.read(move |tx| tx.blocked_card(&u, &f)).await?.is_some() {
        return Err(blocked_card_error(param));
    }
    Ok(())
}

impl std::fmt::Debug for ChargeableCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChargeableCard({} ****{})", self.brand, self.last4)
    }
}

/// Resolves a card payment method for `user_id`. `{"type":"pocket"}` is the caller's business.
pub async fn resolve_card(
    state: &AppState,
    user_id: &str,
    method: &PaymentMethodBody,
) -> Result<ChargeableCard, ApiError> {
    if method.kind != "card" {
        return Err(ApiError::invalid("payment_method.type", crate::msg!("err-pay-method-type")));
    }
    match (&method.card, &method.new_card) {
        (Some(card_id), None) => {
            if method.save.is_some() {
                return Err(ApiError::invalid("payment_method.save", crate::msg!("err-pay-save-new-card-only")));
            }
            let (u, c) = (user_id.to_owned(), card_id.clone());
            let card = state.store.read(move |tx| tx.card(&u, &c)).await?.ok_or_else(|| ApiError::not_found("card"))?;
            if card.blocked_at.is_some() {
                return Err(blocked_card_error("payment_method.card"));
            }
            refuse_if_blocked(state, user_id, &card.fingerprint, "payment_method.card").await?;
            let (year, month) = today(state);
            if (i32::from(card.exp_year), u32::from(card.exp_month)) < (year, month) {
                return Err(card_error(domain::cards::CardError::ExpiredCard));
            }
            let input = saved_card_input(state, &card)?;
            Ok(ChargeableCard {
                input,
                brand: card.brand.clone(),
                last4: card.last4.clone(),
                fingerprint: card.fingerprint.clone(),
                saved: Some(card),
                to_save: None,
            })
        }
        (None, Some(new)) => {
            let card = validate_card(state, &new.number, new.exp_month, new.exp_year, &new.cvc)?;
            let fingerprint =
                state.vault.read().map_err(|_| ApiError::internal())?.fingerprint(card.number.expose_digits());
            refuse_if_blocked(state, user_id, &fingerprint, "payment_method.new_card.number").await?;
            let billing = parse_address(&new.billing_address)?;
            let holder = new.holder_name.trim();
            if holder.is_empty() || holder.chars().count() > 100 || holder.chars().any(char::is_control) {
                return Err(ApiError::invalid(
                    "payment_method.new_card.holder_name",
                    crate::msg!("err-card-holder-name"),
                ));
            }
            let input = CardInput {
                number: card.number.expose_digits().to_owned(),
                exp_month: card.expiry.month(),
                exp_year: card.expiry.year(),
                cvc: Some(card.cvc.expose().to_owned()),
                address_line1: Some(billing.line1.clone()),
                postal_code: Some(billing.postal_code.clone()),
            };
            let to_save = if method.save.unwrap_or(false) {
                let vault = state.vault.read().map_err(|_| ApiError::internal())?;
                let sealed = vault.seal(card.number.expose_digits()).map_err(|e| {
                    tracing::error!(error = %e, "sealing a card failed");
                    ApiError::internal()
                })?;
                Some(CardRecord {
                    id: crate::secrets::random_id("card"),
                    user_id: user_id.to_owned(),
                    fingerprint: vault.fingerprint(card.number.expose_digits()),
                    key_id: sealed.key_id,
                    ciphertext: sealed.ciphertext,
                    brand: card.number.brand().name().to_owned(),
                    last4: card.number.last4().to_owned(),
                    exp_month: card.expiry.month(),
                    exp_year: card.expiry.year(),
                    funding: String::new(),
                    country: String::new(),
                    holder_name: holder.to_owned(),
                    billing,
                    cvc_check: "unchecked".into(),
                    line1_check: "unchecked".into(),
                    postal_check: "unchecked".into(),
                    is_default: false,
                    blocked_at: None,
                    created_at: state.clock.now(),
                })
            } else {
                None
            };
            Ok(ChargeableCard {
                input,
                brand: card.number.brand().name().to_owned(),
                last4: card.number.last4().to_owned(),
                saved: None,
                to_save,
                fingerprint,
            })
        }
        (Some(_), Some(_)) => Err(ApiError::invalid("payment_method", crate::msg!("err-pay-card-or-new-card"))),
        (None, None) => Err(ApiError::missing("payment_method.card")),
    }
}

/// How a charge ended.
pub enum ChargeOutcome {
    /// Authorized and captured.
    Captured(Authorization),
    /// The issuer said no, or never answered and the attempt is blocked: nothing was charged.
    Failed { error: ApiError, failure_code: String, authorization_id: Option<String> },
    /// The outcome is still unknown (the issuer is unreachable): the attempt stays open and the
    /// healer settles it; the buyer is told to retry later.
    Unknown(ApiError),
}

/// The buyer-facing error for "we could not reach your bank".
pub fn processing_error() -> ApiError {
    ApiError::payment(&PaymentFailure::ProcessingError)
}

/// The issuer's view of a saved card: the vault opens its number (no security code: it was never kept).
pub fn saved_card_input(state: &AppState, card: &CardRecord) -> Result<CardInput, ApiError> {
    let sealed = vault::SealedCard { key_id: card.key_id, ciphertext: card.ciphertext.clone() };
    let plain = with_fresh_keys(state, |vault| vault.open_sealed(&sealed)).map_err(|e| {
        tracing::error!(error = %e, card = %card.id, "a saved card could not be decrypted");
        ApiError::internal()
    })?;
    Ok(CardInput {
        number: plain.expose().to_owned(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        cvc: None,
        address_line1: Some(card.billing.line1.clone()),
        postal_code: Some(card.billing.postal_code.clone()),
    })
}

/// How an authorization ended.
pub enum AuthorizeOutcome {
    /// The issuer reserved the money.
    Approved(Authorization),
    /// The issuer said no, or never answered and the attempt is blocked: nothing was authorized.
    Failed { error: ApiError, failure_code: String, authorization_id: Option<String> },
    /// The outcome is still unknown (the issuer is unreachable).
    Unknown(ApiError),
}

/// What to authorize.
pub struct AuthorizeSpec<'a> {
    pub attempt_id: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub merchant_country: &'a str,
    /// The buyer passed the platform's one-time code for this payment.
    pub verified: bool,
}

/// Authorizes `amount_minor` on the card with `attempt_id` as the idempotency key, resolving an
/// unknown outcome by looking the attempt up.
pub async fn authorize_card(state: &AppState, card: &ChargeableCard, spec: &AuthorizeSpec<'_>) -> AuthorizeOutcome {
    let request = AuthorizeRequest {
        idempotency_key: spec.attempt_id.to_owned(),
        card: card.input.clone(),
        amount_minor: spec.amount_minor,
        currency: spec.currency.to_owned(),
        merchant_country: spec.merchant_country.to_owned(),
        verified: spec.verified,
        card_saved_beforehand: card.saved.is_some(),
    };
    let authorization = match state.issuer.authorize_resolving(&request).await {
        Ok(Resolved::Answered(a)) => a,
        Ok(Resolved::NoAnswer) => {
            return AuthorizeOutcome::Failed {
                error: processing_error(),
                failure_code: "processing_error".into(),
                authorization_id: None,
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, attempt = spec.attempt_id, "authorization outcome unknown; the healer will settle it");
            return AuthorizeOutcome::Unknown(processing_error());
        }
    };
    match authorization.refusal {
        None => AuthorizeOutcome::Approved(authorization),
        Some(refusal) => {
            let error = match refusal {
                issuer::Refusal::VerificationRequired => {
                    let mut e =
                        ApiError::payment(&PaymentFailure::Declined(domain::declines::DeclineCode::GenericDecline));
                    e.code = "authentication_required";
                    e.status = StatusCode::PAYMENT_REQUIRED;
                    e.decline_code = None;
                    e.with_message(crate::msg!("error-authentication-required"))
                        .with_advice_msgs(vec![crate::msg!("error-authentication-required.advice")])
                }
                other => refusal_error(other),
            };
            let failure_code = error.decline_code.unwrap_or(error.code).to_owned();
            AuthorizeOutcome::Failed { error, failure_code, authorization_id: Some(authorization.id) }
        }
    }
}

/// Authorizes and captures `amount_minor` at once, with `attempt_id` as the idempotency key.
pub async fn charge_now(
    state: &AppState,
    attempt_id: &str,
    card: &ChargeableCard,
    amount_minor: i64,
    currency: &str,
) -> ChargeOutcome {
    let spec =
        AuthorizeSpec { attempt_id, amount_minor, currency, merchant_country: PLATFORM_COUNTRY, verified: false };
    let authorization = match authorize_card(state, card, &spec).await {
        AuthorizeOutcome::Approved(a) => a,
        AuthorizeOutcome::Failed { error, failure_code, authorization_id } => {
            return ChargeOutcome::Failed { error, failure_code, authorization_id }
        }
        AuthorizeOutcome::Unknown(e) => return ChargeOutcome::Unknown(e),
    };
    let capture_key = format!("{attempt_id}:capture");
    let mut last_error = None;
    for _ in 0..CAPTURE_ATTEMPTS_MAX {
        match state.issuer.capture(&authorization.id, amount_minor, &capture_key).await {
            Ok(captured) => return ChargeOutcome::Captured(captured),
            Err(e) if e.is_unknown_outcome() => last_error = Some(e),
            Err(e) => {
                tracing::error!(error = %e, attempt = attempt_id, "capture refused right after authorization");
                let _ = state.issuer.void(&authorization.id, &format!("{attempt_id}:void")).await;
                return ChargeOutcome::Failed {
                    error: processing_error(),
                    failure_code: "processing_error".into(),
                    authorization_id: Some(authorization.id),
                };
            }
        }
    }
    tracing::warn!(error = ?last_error, attempt = attempt_id, "capture outcome unknown; the healer will settle it");
    ChargeOutcome::Unknown(processing_error())
}

/// Keeps the card typed at checkout for a payment waiting for its one-time code, sealed by the vault,
/// where another process verifying the code finds it (PostgreSQL; one process keeps it in memory). A
/// failure only means the buyer types the card again after the code.
pub(crate) async fn keep_checkout_card(
    state: &AppState,
    payment_id: &str,
    method: &PaymentMethodBody,
    expires_at: i64,
) {
    if !state.store.is_postgres() || method.new_card.is_none() {
        return;
    }
    let sealed = serde_json::to_vec(method).map_err(|e| e.to_string()).and_then(|plain| {
        let vault = state.vault.read().map_err(|_| "the vault lock is poisoned".to_owned())?;
        vault.seal_checkout_card(&plain).map_err(|e| e.to_string())
    });
    let sealed = match sealed {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "a checkout card could not be sealed for other processes");
            return;
        }
    };
    let pid = payment_id.to_owned();
    let kept =
        state.store.write(move |tx| tx.put_checkout_card(&pid, sealed.key_id, &sealed.ciphertext, expires_at)).await;
    if let Err(e) = kept {
        tracing::warn!(error = %e, "a checkout card could not be kept for other processes");
    }
}

/// Takes the sealed card typed at checkout for a payment (erasing it from the database), if one was
/// kept there.
pub(crate) async fn take_checkout_card(
    state: &AppState,
    payment_id: &str,
) -> Result<Option<PaymentMethodBody>, ApiError> {
    if !state.store.is_postgres() {
        return Ok(None);
    }
    let pid = payment_id.to_owned();
    let Some((key_id, ciphertext)) = state.store.write(move |tx| tx.take_checkout_card(&pid)).await? else {
        return Ok(None);
    };
    let sealed = vault::SealedCard { key_id, ciphertext };
    let plain = with_fresh_keys(state, |vault| vault.open_checkout_card(&sealed)).map_err(|e| {
        tracing::error!(error = %e, "a sealed checkout card would not open");
        ApiError::internal()
    })?;
    Ok(serde_json::from_slice(&plain).ok())
}

/// Runs `open` with the vault; if it names a key this process does not know (another process on the
/// same database rotated the keys), reads the key file again and tries once more.
pub(crate) fn with_fresh_keys<T>(
    state: &AppState,
    open: impl Fn(&vault::Vault) -> Result<T, vault::VaultError>,
) -> Result<T, vault::VaultError> {
    let first = {
        let vault = state.vault.read().map_err(|_| vault::VaultError::Decrypt)?;
        open(&vault)
    };
    match first {
        Err(vault::VaultError::UnknownKey(_)) => {
            let mut vault = state.vault.write().map_err(|_| vault::VaultError::Decrypt)?;
            if vault.reload()? {
                tracing::info!("the vault's keys changed on disk (rotated by another process); reloaded");
            }
            open(&vault)
        }
        other => other,
    }
}
