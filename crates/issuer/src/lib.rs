//! The connector to card networks and issuing banks, and the built-in **test issuer**: a simulated
//! network with cardholder accounts whose credit lines, daily and monthly limits, country rules,
//! address checks and authorization expiry are real, persisted state.
//!
//! The platform talks to an issuer only through [`Connector`]: verify (zero-amount check),
//! authorize (with an idempotency key), capture in full or part, void, refund, and look an attempt up
//! by its key. The test issuer runs in-process, or as a separate HTTP service (`pocketpay issuer
//! serve`) reached through the same interface, so that timeouts and dropped connections can be tested.
//! A timeout is never taken for a refusal: the connector looks the attempt up, and if the issuer has
//! no record of it, blocks the key so that a late arrival cannot authorize — never a double charge.
//!
//! Architecture invariant: the test issuer is a simulated outside system. Its database file is its
//! own (like a bank's), its HTTP face is its own, and it shares no table with Pocketpay's store. It
//! keys cardholder accounts by a hash of the card number and never stores or logs the number.
#![forbid(unsafe_code)]

pub mod behaviours;
pub mod http;
mod refusals;
pub mod test_issuer;

use std::sync::Arc;
use std::time::Duration;

use domain::declines::DeclineCode;
use serde::{Deserialize, Serialize};

pub use test_issuer::TestIssuer;

/// The card as the issuer needs it for one call. `Debug` shows only the last four digits.
#[derive(Clone, Serialize, Deserialize)]
pub struct CardInput {
    pub number: String,
    pub exp_month: u8,
    pub exp_year: u16,
    /// Present only for the one verification or authorization that needs it; never stored.
    pub cvc: Option<String>,
    pub address_line1: Option<String>,
    pub postal_code: Option<String>,
}

impl std::fmt::Debug for CardInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let last4 = self.number.get(self.number.len().saturating_sub(4)..).unwrap_or("");
        write!(f, "CardInput(****{last4}, {:02}/{})", self.exp_month, self.exp_year)
    }
}

/// Outcome of one check the issuer made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Pass,
    Fail,
    Unavailable,
    Unchecked,
}

impl CheckResult {
    /// API name.
    pub fn name(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::Unavailable => "unavailable",
            CheckResult::Unchecked => "unchecked",
        }
    }
}

/// What the issuer checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    pub cvc: CheckResult,
    pub address_line1: CheckResult,
    pub postal_code: CheckResult,
}

/// Facts about the card the issuer reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFacts {
    /// `credit` or `debit`.
    pub funding: String,
    /// Two-letter country of the issuing bank.
    pub country: String,
}

/// Why the issuer said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Declined, with the issuer's reason (lost and stolen included; the platform shows those as generic).
    Declined(#[serde(with = "decline_code_serde")] DeclineCode),
    ExpiredCard,
    IncorrectCvc,
    IncorrectNumber,
    /// The issuer failed; trying again may succeed. Nothing was authorized.
    ProcessingError,
    /// The issuer demands a one-time code (3-D-Secure-like) before it authorizes.
    VerificationRequired,
}

mod decline_code_serde {
    use domain::declines::DeclineCode;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(code: &DeclineCode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(code.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DeclineCode, D::Error> {
        let name = String::deserialize(d)?;
        DeclineCode::parse(&name).ok_or_else(|| serde::de::Error::custom("unknown decline code"))
    }
}

/// The answer to a zero-amount check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub checks: Checks,
    pub facts: CardFacts,
    pub refusal: Option<Refusal>,
}

/// A request to reserve money on a card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// The platform's attempt id: the same key always gets the same answer, and is never authorized twice.
    pub idempotency_key: String,
    pub card: CardInput,
    pub amount_minor: i64,
    pub currency: String,
    /// Country of the merchant (for banks that block international purchases).
    pub merchant_country: String,
    /// The buyer passed the platform's one-time-code verification for this payment.
    pub verified: bool,
    /// The card was saved in the card manager before this payment.
    pub card_saved_beforehand: bool,
}

/// State of an authorization at the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    Authorized,
    Captured,
    Voided,
    Expired,
    Refused,
}

/// An authorization as the issuer records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    pub id: String,
    pub idempotency_key: String,
    pub status: AuthorizationStatus,
    pub refusal: Option<Refusal>,
    pub amount_minor: i64,
    pub currency: String,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub checks: Checks,
    pub facts: CardFacts,
    /// What partial releases gave back (an authorization paying several orders, one cancelled).
    #[serde(default)]
    pub released_minor: i64,
}

impl Authorization {
    /// True when the issuer reserved the money.
    pub fn is_approved(&self) -> bool {
        self.refusal.is_none()
    }
}

/// State of a refund at the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
}

/// A refund to a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    pub authorization_id: String,
    pub amount_minor: i64,
    pub status: RefundStatus,
    pub settles_at: i64,
}

/// Why a call did not produce an answer, or was refused for its state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum IssuerError {
    /// No answer in time: the outcome is unknown until looked up.
    #[error("the issuer did not answer in time")]
    Timeout,
    /// The issuer could not be reached or answered garbage; nothing is known.
    #[error("the issuer is unavailable: {0}")]
    Unavailable(String),
    #[error("no such authorization")]
    NotFound,
    #[error("the authorization has expired")]
    AuthorizationExpired,
    #[error("the operation does not fit the authorization's state: {0}")]
    InvalidState(String),
    #[error("the amount exceeds what the authorization allows")]
    AmountTooLarge,
    #[error("this idempotency key was used for another operation")]
    KeyReused,
    #[error("this attempt was abandoned after a timeout and can no longer authorize")]
    KeyBlocked,
}

impl IssuerError {
    /// True when the outcome is unknown (the call may or may not have taken effect).
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, IssuerError::Timeout | IssuerError::Unavailable(_))
    }
}

/// How an authorization ended after the connector resolved any unknown outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The issuer's answer (approved or refused).
    Answered(Authorization),
    /// The issuer never answered and has no record of the attempt, which is now blocked there:
    /// a clear, retryable failure; nothing was authorized and nothing ever will be under this key.
    NoAnswer,
}

/// The one way the platform reaches an issuer.
#[derive(Clone)]
pub enum Connector {
    /// The test issuer in this process.
    InProcess(Arc<TestIssuer>),
    /// An issuer service over HTTP (the test issuer as `pocketpay issuer serve`, or a real gateway).
    Http(http::HttpIssuerClient),
}

/// Lookups tried after an unknown outcome before giving up.
pub const LOOKUP_ATTEMPTS_MAX: u32 = 3;
/// Pause between lookups.
pub const LOOKUP_BACKOFF: Duration = Duration::from_millis(200);

impl Connector {
    /// A zero-amount check of a card (when it is saved).
    pub async fn verify(&self, card: &CardInput, merchant_country: &str) -> Result<Verification, IssuerError> {
        match self {
            Connector::InProcess(t) => t.verify(card, merchant_country),
            Connector::Http(c) => c.verify(card, merchant_country).await,
        }
    }

    /// One authorization call, as the issuer answers it (an unknown outcome is an error).
    pub async fn authorize(&self, request: &AuthorizeRequest) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => match t.take_fault() {
                None => t.authorize(request).await,
                Some(test_issuer::SimulatedFault::Unavailable) => {
                    Err(IssuerError::Unavailable("simulated outage: the bank cannot be reached".into()))
                }
                Some(test_issuer::SimulatedFault::LostAnswer) => {
                    let _processed = t.authorize(request).await;
                    Err(IssuerError::Timeout)
                }
                Some(test_issuer::SimulatedFault::SlowMs(ms)) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    t.authorize(request).await
                }
            },
            Connector::Http(c) => c.authorize(request).await,
        }
    }

    /// Authorizes and resolves an unknown outcome: on a timeout or lost connection, looks the
    /// attempt up by its key; if the issuer has it, that is the answer; if not, blocks the key so it
    /// can never authorize later, and answers [`Resolved::NoAnswer`].
    pub async fn authorize_resolving(&self, request: &AuthorizeRequest) -> Result<Resolved, IssuerError> {
        let first = match self.authorize(request).await {
            Ok(a) => return Ok(Resolved::Answered(a)),
            Err(e) if e.is_unknown_outcome() => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(error = %first, "authorization outcome unknown; looking the attempt up");
        let mut last = first;
        for attempt in 0..LOOKUP_ATTEMPTS_MAX {
            if attempt > 0 {
                tokio::time::sleep(LOOKUP_BACKOFF).await;
            }
            match self.lookup_or_block(&request.idempotency_key).await {
                Ok(Some(a)) => return Ok(Resolved::Answered(a)),
                Ok(None) => return Ok(Resolved::NoAnswer),
                Err(e) if e.is_unknown_outcome() => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// The authorization recorded under `key`, or `None` after blocking the key.
    pub async fn lookup_or_block(&self, key: &str) -> Result<Option<Authorization>, IssuerError> {
        match self {
            Connector::InProcess(t) => t.lookup_or_block(key).await,
            Connector::Http(c) => c.lookup_or_block(key).await,
        }
    }

    /// Captures `amount_minor` (at most the authorized amount) of an authorization.
    pub async fn capture(
        &self,
        authorization_id: &str,
        amount_minor: i64,
        key: &str,
    ) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => t.capture(authorization_id, amount_minor, key).await,
            Connector::Http(c) => c.capture(authorization_id, amount_minor, key).await,
        }
    }

    /// Captures `amount_minor` of an authorization and keeps the rest for later captures (one
    /// authorization paying several orders); final once everything is captured or released.
    pub async fn capture_part(
        &self,
        authorization_id: &str,
        amount_minor: i64,
        key: &str,
    ) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => t.capture_part(authorization_id, amount_minor, key).await,
            Connector::Http(c) => c.capture_part(authorization_id, amount_minor, key).await,
        }
    }

    /// Releases `amount_minor` of an authorization and keeps the rest.
    pub async fn release_part(
        &self,
        authorization_id: &str,
        amount_minor: i64,
        key: &str,
    ) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => t.release_part(authorization_id, amount_minor, key).await,
            Connector::Http(c) => c.release_part(authorization_id, amount_minor, key).await,
        }
    }

    /// Releases an authorization.
    pub async fn void(&self, authorization_id: &str, key: &str) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => t.void(authorization_id, key).await,
            Connector::Http(c) => c.void(authorization_id, key).await,
        }
    }

    /// Refunds captured money to the card; it settles later (or fails).
    pub async fn refund(&self, authorization_id: &str, amount_minor: i64, key: &str) -> Result<Refund, IssuerError> {
        match self {
            Connector::InProcess(t) => t.refund(authorization_id, amount_minor, key).await,
            Connector::Http(c) => c.refund(authorization_id, amount_minor, key).await,
        }
    }

    /// A refund as it stands now.
    pub async fn refund_status(&self, refund_id: &str) -> Result<Refund, IssuerError> {
        match self {
            Connector::InProcess(t) => t.refund_status(refund_id).await,
            Connector::Http(c) => c.refund_status(refund_id).await,
        }
    }

    /// An authorization by id, as it stands now (an expired one reads `expired`).
    pub async fn authorization(&self, authorization_id: &str) -> Result<Authorization, IssuerError> {
        match self {
            Connector::InProcess(t) => t.authorization(authorization_id).await,
            Connector::Http(c) => c.authorization(authorization_id).await,
        }
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month) of a Unix time, UTC.
pub fn year_month_of(unix_s: i64) -> (i64, u32) {
    let (y, m, _) = civil_from_days(unix_s.div_euclid(86_400));
    (y, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(year_month_of(1_795_370_951), (2026, 11));
    }

    #[test]
    fn card_input_debug_is_masked() {
        let c = CardInput {
            number: "4242424242424242".into(),
            exp_month: 12,
            exp_year: 2030,
            cvc: Some("123".into()),
            address_line1: None,
            postal_code: None,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("424242424242") && !shown.contains("123") && shown.contains("4242"), "{shown}");
    }
}
