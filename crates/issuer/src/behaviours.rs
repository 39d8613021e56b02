//! What each test card number does (docs/reference/test-cards.md), as data. A number not in the table
//! is an ordinary account with the default credit line and limits.

use domain::declines::DeclineCode;

/// Defaults of every test account, in US cents.
pub const CREDIT_LINE_USD_CENTS: i64 = 500_000;
pub const DAILY_LIMIT_USD_CENTS: i64 = 200_000;
pub const MONTHLY_LIMIT_USD_CENTS: i64 = 1_000_000;
/// Days an authorization stays valid.
pub const AUTHORIZATION_DAYS: i64 = 7;
/// Days a card refund takes to settle.
pub const REFUND_SETTLE_DAYS: i64 = 3;
/// The billing address the test bank has on file.
pub const BANK_ADDRESS_LINE1: &str = "1 Main St";
/// Test numbers that always pay (Visa and Mastercard, issued in the US), for demos and benches.
pub const SUCCEEDING_VISA: &str = "4242424242424242";
pub const SUCCEEDING_MASTERCARD: &str = "5555555555554444";
/// Saves (its zero-amount check passes), then every payment with it is declined.
pub const DECLINES_EVERY_PAYMENT: &str = "4000000000000341";
/// The bank never answers for it: every call times out.
pub const NEVER_ANSWERS: &str = "4000000000000911";
/// The one postal code that never matches.
pub const BAD_POSTAL_CODE: &str = "00000";

/// How a test card behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    pub country: &'static str,
    pub funding: &'static str,
    /// Declines every payment and every check with this reason.
    pub always_decline: Option<DeclineCode>,
    /// Passes the zero-amount check, declines every payment with this reason.
    pub decline_payments: Option<DeclineCode>,
    pub expired_at_issuer: bool,
    pub incorrect_cvc_always: bool,
    pub processing_error: bool,
    pub no_answer: bool,
    pub address_line1_fails: bool,
    pub postal_code_fails: bool,
    pub blocks_international: bool,
    pub credit_line_usd_cents: i64,
    pub daily_limit_usd_cents: i64,
    pub monthly_limit_usd_cents: i64,
    pub verification: VerificationRule,
    /// After a correct code, declines with this reason.
    pub decline_after_verification: Option<DeclineCode>,
    pub authorization_days: i64,
    pub refund_settle_days: i64,
    pub refunds_fail: bool,
}

/// When the issuer demands a one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationRule {
    Never,
    Always,
    UnlessSavedBeforehand,
}

impl Behaviour {
    fn ordinary(country: &'static str, funding: &'static str) -> Self {
        Self {
            country,
            funding,
            always_decline: None,
            decline_payments: None,
            expired_at_issuer: false,
            incorrect_cvc_always: false,
            processing_error: false,
            no_answer: false,
            address_line1_fails: false,
            postal_code_fails: false,
            blocks_international: false,
            credit_line_usd_cents: CREDIT_LINE_USD_CENTS,
            daily_limit_usd_cents: DAILY_LIMIT_USD_CENTS,
            monthly_limit_usd_cents: MONTHLY_LIMIT_USD_CENTS,
            verification: VerificationRule::Never,
            decline_after_verification: None,
            authorization_days: AUTHORIZATION_DAYS,
            refund_settle_days: REFUND_SETTLE_DAYS,
            refunds_fail: false,
        }
    }
}

/// The behaviour of a card number.
pub fn behaviour_of(number: &str) -> Behaviour {
    let us = || Behaviour::ordinary("US", "credit");
    let country = |c: &'static str| Behaviour::ordinary(c, "credit");
    match number {
        "4000056655665556" | "5200828282828210" => Behaviour::ordinary("US", "debit"),
        "3566002020360505" | "4000003920000003" => country("JP"),
        "6200000000000005" | "4000001560000002" => country("CN"),
        "4000002500000003" => country("FR"),
        "4000008260000000" => country("GB"),
        "4000000000000002" => Behaviour { always_decline: Some(DeclineCode::GenericDecline), ..us() },
        "4000000000009995" => Behaviour { decline_payments: Some(DeclineCode::InsufficientFunds), ..us() },
        "4000000000009987" => Behaviour { always_decline: Some(DeclineCode::LostCard), ..us() },
        "4000000000009979" => Behaviour { always_decline: Some(DeclineCode::StolenCard), ..us() },
        "4000000000000069" => Behaviour { expired_at_issuer: true, ..us() },
        "4000000000000127" => Behaviour { incorrect_cvc_always: true, ..us() },
        "4000000000000119" => Behaviour { processing_error: true, ..us() },
        "4000000000006975" => Behaviour { decline_payments: Some(DeclineCode::CardVelocityExceeded), ..us() },
        DECLINES_EVERY_PAYMENT => Behaviour { decline_payments: Some(DeclineCode::GenericDecline), ..us() },
        "4000000000000010" => Behaviour { address_line1_fails: true, postal_code_fails: true, ..us() },
        "4000000000000036" => Behaviour { postal_code_fails: true, ..us() },
        "4100000000000019" => Behaviour { always_decline: Some(DeclineCode::Fraudulent), ..us() },
        "4000000000000218" => Behaviour { blocks_international: true, ..us() },
        "4000000000000226" => Behaviour { daily_limit_usd_cents: 10_000, ..us() },
        "4000000000000234" => Behaviour { monthly_limit_usd_cents: 30_000, ..us() },
        "4000000000000333" => Behaviour { credit_line_usd_cents: 5_000, ..us() },
        NEVER_ANSWERS => Behaviour { no_answer: true, ..us() },
        "4000002760003184" => Behaviour { verification: VerificationRule::Always, ..country("DE") },
        "4000002500003155" => Behaviour { verification: VerificationRule::UnlessSavedBeforehand, ..country("FR") },
        "4000008260003178" => Behaviour {
            verification: VerificationRule::Always,
            decline_after_verification: Some(DeclineCode::InsufficientFunds),
            ..country("GB")
        },
        "4000000000000242" => Behaviour { authorization_days: 1, ..us() },
        "4000000000007726" => Behaviour { refund_settle_days: 10, ..us() },
        "4000000000000325" => Behaviour { refunds_fail: true, ..us() },
        _ => us(),
    }
}

/// Approximate value of one minor unit of `currency` in US cents × 10,000 (for limits only).
/// Unknown currencies count one major unit as one dollar.
pub fn usd_cents_times_10k_per_minor_unit(currency: &str) -> i64 {
    match currency {
        "USD" => 10_000,
        "EUR" => 10_800,
        "GBP" => 12_600,
        "CHF" => 11_300,
        "CAD" => 7_300,
        "AUD" => 6_600,
        "JPY" => 67 * 100,
        "KRW" => 75,
        "CNY" => 1_400,
        "INR" => 120,
        "MXN" => 580,
        "BRL" => 1_800,
        "SEK" | "NOK" | "DKK" => 1_000,
        "PLN" => 2_500,
        _ => 10_000,
    }
}

/// An amount converted to US cents for limit checks (rounded up: limits never let money through by rounding).
pub fn to_usd_cents(amount_minor: i64, currency: &str) -> i64 {
    let factor = i128::from(usd_cents_times_10k_per_minor_unit(currency));
    let cents = (i128::from(amount_minor) * factor + 9_999) / 10_000;
    i64::try_from(cents).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_for_limits() {
        assert_eq!(to_usd_cents(10_000, "USD"), 10_000);
        assert_eq!(to_usd_cents(15_000, "JPY"), 10_050);
        assert_eq!(to_usd_cents(1, "EUR"), 2);
    }

    #[test]
    fn table_rows() {
        assert_eq!(behaviour_of("4242424242424242"), Behaviour::ordinary("US", "credit"));
        assert_eq!(behaviour_of("4000000000000226").daily_limit_usd_cents, 10_000);
        assert_eq!(behaviour_of("4000000000000242").authorization_days, 1);
        assert_eq!(behaviour_of("3566002020360505").country, "JP");
    }
}
