//! One-time codes that confirm a risky payment: drawing and normalising a code, and the challenge
//! that checks it — bound to one payment, amount and currency, with a limited number of tries, an
//! expiry and a resend cooldown. Answers to security questions are checked under the same challenge
//! ([`CodeChallenge::check_answers`]). Re-exported by [`crate::checkout`].

use std::fmt;

use crate::declines::PaymentFailure;

/// How long a one-time code is valid: 10 minutes.
pub const CODE_TTL_S: i64 = 600;
/// How many codes may be submitted against one sent code.
pub const CODE_ATTEMPTS: u32 = 5;
/// The least time between two sends of a code to the same payment: 60 seconds.
pub const RESEND_COOLDOWN_S: i64 = 60;
/// Number of digits of a one-time code.
pub const CODE_DIGITS: usize = 6;

/// `10^CODE_DIGITS`.
const CODE_SPACE: u64 = 1_000_000;

/// A one-time code of [`CODE_DIGITS`] decimal digits (leading zeros kept) drawn from `random`, which
/// the caller takes from a secure random source. Reduces modulo 10^6; the bias, below 10^-13, is
/// negligible.
pub fn one_time_code_from_random(random: u64) -> String {
    format!("{:0width$}", random % CODE_SPACE, width = CODE_DIGITS)
}

/// The code as the buyer typed it, in the form to hash: spaces and dashes removed. `None` unless
/// exactly [`CODE_DIGITS`] ASCII digits remain; such input can never be right, so the caller may
/// refuse it (`parameter_invalid`) without spending a try.
pub fn normalize_one_time_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// A one-time code sent for one payment, bound to its amount and currency: a code sent for 10.00 USD
/// does not confirm 900.00 USD. Only the code's keyed hash is kept (`Debug` does not show it).
///
/// Lifecycle: [`CodeChallenge::new`] when the code is sent; [`CodeChallenge::check`] for each code the
/// buyer submits (the caller stores the updated `attempts_left` whatever the result, and, after `Ok`,
/// authorizes and discards the challenge so it cannot be used twice); [`CodeChallenge::can_resend`]
/// then [`CodeChallenge::resent`] when the buyer asks for a new code.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeChallenge {
    pub code_hash: Vec<u8>,
    pub payment_id: String,
    pub amount_minor: i64,
    pub currency: String,
    /// From this instant on the code is expired.
    pub expires_at: i64,
    pub attempts_left: u32,
    /// When the current code was sent.
    pub sent_at: i64,
}

impl fmt::Debug for CodeChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeChallenge")
            .field("code_hash", &format_args!("<{} bytes>", self.code_hash.len()))
            .field("payment_id", &self.payment_id)
            .field("amount_minor", &self.amount_minor)
            .field("currency", &self.currency)
            .field("expires_at", &self.expires_at)
            .field("attempts_left", &self.attempts_left)
            .field("sent_at", &self.sent_at)
            .finish()
    }
}

/// Compares two byte strings in time that depends only on their lengths, not on where they differ.
fn hashes_equal(left: &[u8], right: &[u8]) -> bool {
    let differences = left.iter().zip(right).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    differences == 0 && left.len() == right.len()
}

impl CodeChallenge {
    /// A code sent at `now`: it expires at `now + CODE_TTL_S` and allows [`CODE_ATTEMPTS`] tries.
    pub fn new(
        code_hash: Vec<u8>,
        payment_id: impl Into<String>,
        amount_minor: i64,
        currency: impl Into<String>,
        now: i64,
    ) -> Self {
        CodeChallenge {
            code_hash,
            payment_id: payment_id.into(),
            amount_minor,
            currency: currency.into(),
            expires_at: now.saturating_add(CODE_TTL_S),
            attempts_left: CODE_ATTEMPTS,
            sent_at: now,
        }
    }

    /// Checks a submitted code's hash for this payment, amount and currency at `now`, in this order:
    ///
    /// 1. `now ≥ expires_at` → [`VerifyError::Expired`];
    /// 2. no tries left → [`VerifyError::TooManyAttempts`] (even for the right code);
    /// 3. another payment, amount or currency → [`VerifyError::Mismatch`] (no try spent);
    /// 4. wrong hash (compared in constant time) → one try spent, [`VerifyError::Wrong`] with the tries
    ///    left (0 after the last one; the next check is then `TooManyAttempts`);
    /// 5. otherwise `Ok`.
    pub fn check(
        &mut self,
        submitted_hash: &[u8],
        payment_id: &str,
        amount_minor: i64,
        currency: &str,
        now: i64,
    ) -> Result<(), VerifyError> {
        let right = hashes_equal(&self.code_hash, submitted_hash);
        self.check_outcome(right, payment_id, amount_minor, currency, now)
    }

    /// Checks answers to the buyer's security questions instead of a code, under the same rules and
    /// in the same order as [`CodeChallenge::check`]: `all_right` is whether every answer matched its
    /// stored hash; a wrong set spends one of the same tries.
    pub fn check_answers(
        &mut self,
        all_right: bool,
        payment_id: &str,
        amount_minor: i64,
        currency: &str,
        now: i64,
    ) -> Result<(), VerifyError> {
        self.check_outcome(all_right, payment_id, amount_minor, currency, now)
    }

    fn check_outcome(
        &mut self,
        right: bool,
        payment_id: &str,
        amount_minor: i64,
        currency: &str,
        now: i64,
    ) -> Result<(), VerifyError> {
        if now >= self.expires_at {
            return Err(VerifyError::Expired);
        }
        if self.attempts_left == 0 {
            return Err(VerifyError::TooManyAttempts);
        }
        if payment_id != self.payment_id || amount_minor != self.amount_minor || currency != self.currency {
            return Err(VerifyError::Mismatch);
        }
        if !right {
            self.attempts_left = self.attempts_left.saturating_sub(1);
            return Err(VerifyError::Wrong { tries_left: self.attempts_left });
        }
        Ok(())
    }

    /// Whether a new code may be sent at `now`: not before [`RESEND_COOLDOWN_S`] after the last send,
    /// else [`VerifyError::ResendTooSoon`] with the seconds to wait. Expired or locked challenges may be
    /// resent (that is how the buyer gets a fresh code).
    pub fn can_resend(&self, now: i64) -> Result<(), VerifyError> {
        let allowed_at = self.sent_at.saturating_add(RESEND_COOLDOWN_S);
        if now < allowed_at {
            return Err(VerifyError::ResendTooSoon { retry_after_s: allowed_at.saturating_sub(now) });
        }
        Ok(())
    }

    /// A new code was sent at `now` (after [`CodeChallenge::can_resend`] allowed it): the old code no
    /// longer works, the new one expires at `now + CODE_TTL_S` with [`CODE_ATTEMPTS`] tries.
    pub fn resent(&mut self, new_hash: Vec<u8>, now: i64) {
        self.code_hash = new_hash;
        self.expires_at = now.saturating_add(CODE_TTL_S);
        self.attempts_left = CODE_ATTEMPTS;
        self.sent_at = now;
    }
}

/// Why a one-time code was not accepted, or a new one not sent. [`VerifyError::code`] is the API code;
/// `PaymentFailure::from` gives the buyer's message and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum VerifyError {
    /// The code expired.
    #[error("The code has expired.")]
    Expired,
    /// Every try of this code was used.
    #[error("Too many attempts.")]
    TooManyAttempts,
    /// The code was sent for another payment, amount or currency.
    #[error("The code is incorrect.")]
    Mismatch,
    /// The code is wrong; `tries_left` more may be submitted.
    #[error("The code is incorrect.")]
    Wrong { tries_left: u32 },
    /// A new code was asked for too soon after the last; answer 429 with `Retry-After: retry_after_s`.
    #[error("Wait {retry_after_s} seconds before asking for a new code.")]
    ResendTooSoon { retry_after_s: i64 },
}

impl VerifyError {
    /// The API `code`: `"verification_expired"`, `"verification_failed"` (wrong code or one for another
    /// payment or amount) or `"too_many_attempts"` (tries used up, or a resend too soon).
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Expired => "verification_expired",
            VerifyError::Mismatch | VerifyError::Wrong { .. } => "verification_failed",
            VerifyError::TooManyAttempts | VerifyError::ResendTooSoon { .. } => "too_many_attempts",
        }
    }
}

impl From<VerifyError> for PaymentFailure {
    /// A code for another payment or amount reads as a wrong code with no tries left: the buyer needs a
    /// new code for this payment.
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Expired => PaymentFailure::VerificationExpired,
            VerifyError::TooManyAttempts | VerifyError::ResendTooSoon { .. } => PaymentFailure::TooManyAttempts,
            VerifyError::Mismatch => PaymentFailure::VerificationFailed { tries_left: 0 },
            VerifyError::Wrong { tries_left } => PaymentFailure::VerificationFailed { tries_left },
        }
    }
}

// ---------------------------------------------------------------------------------- spending limits
