//! Every way a payment can fail, and what each failure says: the `code` (and `decline_code` when the
//! issuer declined) for programs, the `message` and `advice` (short next steps) for the buyer, and a
//! [`Retry`] rule saying whether trying again can help. The texts are the table of
//! `docs/reference/decline-codes.md`, kept as data in one `match` ([`PaymentFailure::describe_for`]).
//!
//! Lost, stolen, fraudulent and do-not-honor declines read exactly like `generic_decline`
//! ([`DeclineCode::public`]): telling a fraudster why a stolen card failed helps the fraudster. The
//! real [`DeclineCode`] stays in [`PaymentFailure::Declined`] for logs and operators only.

use crate::cards::{AcceptedBrands, CardError};

/// Why the issuer declined a card, as it told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineCode {
    GenericDecline,
    InsufficientFunds,
    LostCard,
    StolenCard,
    Fraudulent,
    DoNotHonor,
    CardVelocityExceeded,
    TransactionNotAllowed,
    IncorrectAddress,
    IncorrectZip,
}

impl DeclineCode {
    /// Every decline code.
    pub const ALL: [DeclineCode; 10] = [
        DeclineCode::GenericDecline,
        DeclineCode::InsufficientFunds,
        DeclineCode::LostCard,
        DeclineCode::StolenCard,
        DeclineCode::Fraudulent,
        DeclineCode::DoNotHonor,
        DeclineCode::CardVelocityExceeded,
        DeclineCode::TransactionNotAllowed,
        DeclineCode::IncorrectAddress,
        DeclineCode::IncorrectZip,
    ];

    /// Stable snake_case name, e.g. `"insufficient_funds"`.
    pub fn name(self) -> &'static str {
        match self {
            DeclineCode::GenericDecline => "generic_decline",
            DeclineCode::InsufficientFunds => "insufficient_funds",
            DeclineCode::LostCard => "lost_card",
            DeclineCode::StolenCard => "stolen_card",
            DeclineCode::Fraudulent => "fraudulent",
            DeclineCode::DoNotHonor => "do_not_honor",
            DeclineCode::CardVelocityExceeded => "card_velocity_exceeded",
            DeclineCode::TransactionNotAllowed => "transaction_not_allowed",
            DeclineCode::IncorrectAddress => "incorrect_address",
            DeclineCode::IncorrectZip => "incorrect_zip",
        }
    }

    /// Parses a name exactly as [`DeclineCode::name`] writes it.
    pub fn parse(name: &str) -> Option<DeclineCode> {
        DeclineCode::ALL.into_iter().find(|code| code.name() == name)
    }

    /// The code the buyer and the API may see: lost, stolen, fraudulent and do-not-honor declines
    /// become [`DeclineCode::GenericDecline`]; every other code is itself.
    pub fn public(&self) -> DeclineCode {
        match self {
            DeclineCode::LostCard | DeclineCode::StolenCard | DeclineCode::Fraudulent | DeclineCode::DoNotHonor => {
                DeclineCode::GenericDecline
            }
            other => *other,
        }
    }
}

/// Whether the same payment may succeed if tried again, and after what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retry {
    /// After the buyer corrects what they entered.
    AfterFixing,
    /// Not with this card.
    No,
    /// Later, as is (funds or limits may change).
    Later,
    /// After the buyer's bank allows the purchase.
    AfterBankActs,
    /// Now, as is.
    Yes,
    /// After the buyer asks for a new one-time code.
    AfterNewCode,
    /// After the buyer tops up their Pocket balance.
    AfterToppingUp,
}

impl Retry {
    /// Stable snake_case name, e.g. `"after_fixing"`.
    pub fn name(self) -> &'static str {
        match self {
            Retry::AfterFixing => "after_fixing",
            Retry::No => "no",
            Retry::Later => "later",
            Retry::AfterBankActs => "after_bank_acts",
            Retry::Yes => "yes",
            Retry::AfterNewCode => "after_new_code",
            Retry::AfterToppingUp => "after_topping_up",
        }
    }
}

/// Why a payment failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentFailure {
    /// The card data was refused before or by the issuer (number, expiry, security code, brand).
    Card(CardError),
    /// The issuer declined; holds the real reason, which only logs and operators may see.
    Declined(DeclineCode),
    /// The bank or network could not be reached or failed (`issuer_not_available` in logs); nothing was charged.
    ProcessingError,
    /// A wrong one-time code; `tries_left` more codes may be submitted.
    VerificationFailed { tries_left: u32 },
    /// The one-time code expired.
    VerificationExpired,
    /// Too many failed codes or payment attempts.
    TooManyAttempts,
    /// The Pocket balance does not cover the order.
    InsufficientPocketBalance,
}

impl From<CardError> for PaymentFailure {
    fn from(error: CardError) -> Self {
        PaymentFailure::Card(error)
    }
}

impl From<DeclineCode> for PaymentFailure {
    fn from(code: DeclineCode) -> Self {
        PaymentFailure::Declined(code)
    }
}

/// What a failure says: `code`, `decline_code` (public, see [`DeclineCode::public`]) and `retry` for
/// programs; `message` and `advice` for the buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureText {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub message: String,
    pub advice: Vec<String>,
    pub retry: Retry,
}

/// Advice shared by `invalid_cvc` and `incorrect_cvc`.
const CVC_ADVICE: &str = "Enter the 3 digits on the back of the card (4 on the front for American Express).";

impl PaymentFailure {
    /// The API `code`: the card error's code, `card_declined`, `processing_error`, `verification_failed`,
    /// `verification_expired`, `too_many_attempts` or `insufficient_pocket_balance`.
    pub fn code(&self) -> &'static str {
        match self {
            PaymentFailure::Card(error) => error.code(),
            PaymentFailure::Declined(_) => "card_declined",
            PaymentFailure::ProcessingError => "processing_error",
            PaymentFailure::VerificationFailed { .. } => "verification_failed",
            PaymentFailure::VerificationExpired => "verification_expired",
            PaymentFailure::TooManyAttempts => "too_many_attempts",
            PaymentFailure::InsufficientPocketBalance => "insufficient_pocket_balance",
        }
    }

    /// The API error `type`: `"card_error"` for card, decline and processing failures, `"payment_error"`
    /// for verification and Pocket failures.
    pub fn error_type(&self) -> &'static str {
        match self {
            PaymentFailure::Card(_) | PaymentFailure::Declined(_) | PaymentFailure::ProcessingError => "card_error",
            PaymentFailure::VerificationFailed { .. }
            | PaymentFailure::VerificationExpired
            | PaymentFailure::TooManyAttempts
            | PaymentFailure::InsufficientPocketBalance => "payment_error",
        }
    }

    /// The texts of this failure, listing every brand as accepted in the `card_brand_not_supported`
    /// advice. Use [`PaymentFailure::describe_for`] when the payment accepts fewer brands.
    pub fn describe(&self) -> FailureText {
        self.describe_for(&AcceptedBrands::all())
    }

    /// The texts of this failure; the `card_brand_not_supported` advice lists `accepted`.
    pub fn describe_for(&self, accepted: &AcceptedBrands) -> FailureText {
        let (message, advice, retry) = match *self {
            PaymentFailure::Card(error) => match error {
                CardError::IncorrectNumber => (
                    "The card number is incorrect.",
                    vec!["Check the number on your card, digit by digit.".to_owned()],
                    Retry::AfterFixing,
                ),
                CardError::InvalidExpiryMonth | CardError::InvalidExpiryYear => (
                    "The expiry date is invalid.",
                    vec!["Enter the month and year printed on the card.".to_owned()],
                    Retry::AfterFixing,
                ),
                CardError::ExpiredCard => (
                    "Your card has expired.",
                    vec!["Use another card, or update the card's expiry date if your bank sent you a new one."
                        .to_owned()],
                    Retry::No,
                ),
                CardError::InvalidCvc | CardError::IncorrectCvc => {
                    ("The security code is incorrect.", vec![CVC_ADVICE.to_owned()], Retry::AfterFixing)
                }
                CardError::BrandNotSupported => {
                    ("We don't accept this type of card.", vec![accepted_brands_advice(accepted)], Retry::No)
                }
            },
            PaymentFailure::Declined(code) => match code.public() {
                DeclineCode::InsufficientFunds => (
                    "Your card has insufficient funds.",
                    vec![
                        "Pay with your Pocket balance or another card; the total includes shipping and any currency \
                         conversion."
                            .to_owned(),
                        "Check your available balance and pending charges with your bank.".to_owned(),
                    ],
                    Retry::Later,
                ),
                DeclineCode::CardVelocityExceeded => (
                    "Your card's spending limit has been reached.",
                    vec!["Use another card or your Pocket balance, or ask your bank to raise the limit.".to_owned()],
                    Retry::Later,
                ),
                DeclineCode::TransactionNotAllowed => (
                    "Your bank declined this purchase.",
                    vec!["Your bank may block international or online purchases: call the number on the back of your \
                         card and ask them to allow it, then try again."
                        .to_owned()],
                    Retry::AfterBankActs,
                ),
                DeclineCode::IncorrectAddress => (
                    "The billing address doesn't match the one your bank has.",
                    vec![
                        "Enter the billing address exactly as your bank has it, or update the card's billing address."
                            .to_owned(),
                    ],
                    Retry::AfterFixing,
                ),
                DeclineCode::IncorrectZip => (
                    "The billing postal code doesn't match the one your bank has.",
                    vec!["Enter the billing postal code exactly as your bank has it, or update the card's billing \
                         address."
                        .to_owned()],
                    Retry::AfterFixing,
                ),
                // `public()` never returns the hidden codes; they share the generic arm regardless.
                DeclineCode::GenericDecline
                | DeclineCode::LostCard
                | DeclineCode::StolenCard
                | DeclineCode::Fraudulent
                | DeclineCode::DoNotHonor => (
                    "Your card was declined.",
                    vec!["Use another card or your Pocket balance, or contact your bank for details.".to_owned()],
                    Retry::No,
                ),
            },
            PaymentFailure::ProcessingError => (
                "We couldn't reach your bank. You have not been charged.",
                vec!["Wait a few minutes and try again; if it keeps failing, use another payment method.".to_owned()],
                Retry::Yes,
            ),
            PaymentFailure::VerificationFailed { tries_left: 0 } => (
                "The code is incorrect.",
                vec!["You have no tries left with this code: ask for a new code.".to_owned()],
                Retry::AfterNewCode,
            ),
            PaymentFailure::VerificationFailed { tries_left: 1 } => (
                "The code is incorrect.",
                vec!["Check the latest message we sent; you have 1 try left.".to_owned()],
                Retry::Yes,
            ),
            PaymentFailure::VerificationFailed { tries_left } => (
                "The code is incorrect.",
                vec![format!("Check the latest message we sent; you have {tries_left} tries left.")],
                Retry::Yes,
            ),
            PaymentFailure::VerificationExpired => {
                ("The code has expired.", vec!["Ask for a new code.".to_owned()], Retry::AfterNewCode)
            }
            PaymentFailure::TooManyAttempts => (
                "Too many attempts.",
                vec!["Wait before trying again, or contact support if you didn't make these attempts.".to_owned()],
                Retry::Later,
            ),
            PaymentFailure::InsufficientPocketBalance => (
                "Your Pocket balance is not enough for this order.",
                vec!["Pay the rest by card, or top up with a gift card.".to_owned()],
                Retry::AfterToppingUp,
            ),
        };
        let decline_code = match self {
            PaymentFailure::Declined(code) => Some(code.public().name()),
            _ => None,
        };
        FailureText { code: self.code(), decline_code, message: message.to_owned(), advice, retry }
    }
}

/// "Use Visa, Mastercard or Mir, or pay with your Pocket balance." (only the Pocket when no brand is accepted).
fn accepted_brands_advice(accepted: &AcceptedBrands) -> String {
    let names: Vec<&str> = accepted.brands().map(|brand| brand.display_name()).collect();
    match names.split_last() {
        None => "Pay with your Pocket balance.".to_owned(),
        Some((only, [])) => format!("Use {only}, or pay with your Pocket balance."),
        Some((last, rest)) => format!("Use {} or {last}, or pay with your Pocket balance.", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::Brand;

    /// The one helper of the table test: the machine fields must be exactly as given, and the buyer
    /// texts present, punctuated, and silent about hidden decline reasons.
    fn check(
        failure: PaymentFailure,
        code: &str,
        decline_code: Option<&str>,
        retry: Retry,
        error_type: &str,
    ) -> FailureText {
        let text = failure.describe();
        assert_eq!(text.code, code, "{failure:?}");
        assert_eq!(failure.code(), code, "{failure:?}");
        assert_eq!(text.decline_code, decline_code, "{failure:?}");
        assert_eq!(text.retry, retry, "{failure:?}");
        assert_eq!(failure.error_type(), error_type, "{failure:?}");
        assert!(!text.message.is_empty() && text.message.ends_with('.'), "{failure:?}: {:?}", text.message);
        assert!(!text.advice.is_empty(), "{failure:?} has no advice");
        for line in &text.advice {
            assert!(!line.is_empty() && line.ends_with('.'), "{failure:?}: {line:?}");
        }
        let all_text = format!("{} {}", text.message, text.advice.join(" ")).to_lowercase();
        for hidden in ["lost", "stolen", "fraud", "honor", "honour"] {
            assert!(!all_text.contains(hidden), "{failure:?} mentions {hidden:?}");
        }
        text
    }

    #[test]
    fn every_failure_has_its_row() {
        use CardError::*;
        use DeclineCode::*;
        use PaymentFailure::{Card, Declined};
        let card = "card_error";
        let payment = "payment_error";
        let declined = "card_declined";
        let rows: Vec<(PaymentFailure, &str, Option<&str>, Retry, &str)> = vec![
            (Card(IncorrectNumber), "incorrect_number", None, Retry::AfterFixing, card),
            (Card(InvalidExpiryMonth), "invalid_expiry_month", None, Retry::AfterFixing, card),
            (Card(InvalidExpiryYear), "invalid_expiry_year", None, Retry::AfterFixing, card),
            (Card(ExpiredCard), "expired_card", None, Retry::No, card),
            (Card(InvalidCvc), "invalid_cvc", None, Retry::AfterFixing, card),
            (Card(IncorrectCvc), "incorrect_cvc", None, Retry::AfterFixing, card),
            (Card(BrandNotSupported), "card_brand_not_supported", None, Retry::No, card),
            (Declined(InsufficientFunds), declined, Some("insufficient_funds"), Retry::Later, card),
            (Declined(CardVelocityExceeded), declined, Some("card_velocity_exceeded"), Retry::Later, card),
            (Declined(TransactionNotAllowed), declined, Some("transaction_not_allowed"), Retry::AfterBankActs, card),
            (Declined(IncorrectAddress), declined, Some("incorrect_address"), Retry::AfterFixing, card),
            (Declined(IncorrectZip), declined, Some("incorrect_zip"), Retry::AfterFixing, card),
            (Declined(GenericDecline), declined, Some("generic_decline"), Retry::No, card),
            (Declined(LostCard), declined, Some("generic_decline"), Retry::No, card),
            (Declined(StolenCard), declined, Some("generic_decline"), Retry::No, card),
            (Declined(Fraudulent), declined, Some("generic_decline"), Retry::No, card),
            (Declined(DoNotHonor), declined, Some("generic_decline"), Retry::No, card),
            (PaymentFailure::ProcessingError, "processing_error", None, Retry::Yes, card),
            (PaymentFailure::VerificationFailed { tries_left: 3 }, "verification_failed", None, Retry::Yes, payment),
            (PaymentFailure::VerificationFailed { tries_left: 1 }, "verification_failed", None, Retry::Yes, payment),
            (
                PaymentFailure::VerificationFailed { tries_left: 0 },
                "verification_failed",
                None,
                Retry::AfterNewCode,
                payment,
            ),
            (PaymentFailure::VerificationExpired, "verification_expired", None, Retry::AfterNewCode, payment),
            (PaymentFailure::TooManyAttempts, "too_many_attempts", None, Retry::Later, payment),
            (
                PaymentFailure::InsufficientPocketBalance,
                "insufficient_pocket_balance",
                None,
                Retry::AfterToppingUp,
                payment,
            ),
        ];
        for error in CardError::ALL {
            assert!(rows.iter().any(|row| row.0 == Card(error)), "no row for {error:?}");
        }
        for code in DeclineCode::ALL {
            assert!(rows.iter().any(|row| row.0 == Declined(code)), "no row for {code:?}");
        }
        for (failure, code, decline_code, retry, error_type) in rows {
            check(failure, code, decline_code, retry, error_type);
        }
    }

    #[test]
    fn hidden_declines_read_exactly_like_a_generic_decline() {
        let generic = PaymentFailure::Declined(DeclineCode::GenericDecline).describe();
        for code in [DeclineCode::LostCard, DeclineCode::StolenCard, DeclineCode::Fraudulent, DeclineCode::DoNotHonor] {
            assert_eq!(code.public(), DeclineCode::GenericDecline);
            assert_eq!(PaymentFailure::Declined(code).describe(), generic, "{code:?}");
            assert_eq!(PaymentFailure::Declined(code).error_type(), "card_error");
        }
        for code in DeclineCode::ALL {
            let hidden = matches!(
                code,
                DeclineCode::LostCard | DeclineCode::StolenCard | DeclineCode::Fraudulent | DeclineCode::DoNotHonor
            );
            assert_eq!(code.public() == code, !hidden, "{code:?}");
        }
    }

    #[test]
    fn texts_of_note() {
        assert_eq!(
            PaymentFailure::Declined(DeclineCode::InsufficientFunds).describe(),
            FailureText {
                code: "card_declined",
                decline_code: Some("insufficient_funds"),
                message: "Your card has insufficient funds.".to_owned(),
                advice: vec![
                    "Pay with your Pocket balance or another card; the total includes shipping and any currency \
                     conversion."
                        .to_owned(),
                    "Check your available balance and pending charges with your bank.".to_owned(),
                ],
                retry: Retry::Later,
            }
        );
        let processing = PaymentFailure::ProcessingError.describe();
        assert_eq!(processing.message, "We couldn't reach your bank. You have not been charged.");

        let three = PaymentFailure::VerificationFailed { tries_left: 3 }.describe();
        assert!(three.advice.iter().any(|a| a.contains("you have 3 tries left")), "{three:?}");
        let one = PaymentFailure::VerificationFailed { tries_left: 1 }.describe();
        assert!(one.advice.iter().any(|a| a.contains("you have 1 try left")), "{one:?}");

        let invalid = PaymentFailure::Card(CardError::InvalidCvc).describe();
        let incorrect = PaymentFailure::Card(CardError::IncorrectCvc).describe();
        assert_eq!((&invalid.message, &invalid.advice), (&incorrect.message, &incorrect.advice));
        assert_eq!(
            invalid.advice,
            vec!["Enter the 3 digits on the back of the card (4 on the front for American Express).".to_owned()]
        );

        let brands = PaymentFailure::Card(CardError::BrandNotSupported).describe();
        assert_eq!(
            brands.advice,
            vec![
                "Use Visa, Mastercard, American Express, Diners Club, Discover, JCB, UnionPay, Maestro or Mir, or pay \
                 with your Pocket balance."
                    .to_owned()
            ]
        );
        for brand in Brand::ALL {
            assert!(brands.advice[0].contains(brand.display_name()), "{brand:?}");
        }
        let rows: &[(&[Brand], &str)] = &[
            (&[Brand::Visa, Brand::Mastercard], "Use Visa or Mastercard, or pay with your Pocket balance."),
            (&[Brand::Mir], "Use Mir, or pay with your Pocket balance."),
            (&[], "Pay with your Pocket balance."),
        ];
        for &(accepted, advice) in rows {
            let accepted = AcceptedBrands::from_brands(accepted.iter().copied());
            let text = PaymentFailure::Card(CardError::BrandNotSupported).describe_for(&accepted);
            assert_eq!(text.advice, vec![advice.to_owned()], "{accepted:?}");
        }
        let other = PaymentFailure::Card(CardError::ExpiredCard);
        assert_eq!(other.describe_for(&AcceptedBrands::from_brands([])), other.describe());
    }

    #[test]
    fn names_round_trip() {
        for code in DeclineCode::ALL {
            assert_eq!(DeclineCode::parse(code.name()), Some(code));
        }
        assert_eq!(DeclineCode::parse("Generic_Decline"), None);
        assert_eq!(DeclineCode::parse("issuer_not_available"), None);
        let retries = [
            Retry::AfterFixing,
            Retry::No,
            Retry::Later,
            Retry::AfterBankActs,
            Retry::Yes,
            Retry::AfterNewCode,
            Retry::AfterToppingUp,
        ];
        let mut names: Vec<_> = retries.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), retries.len());
        assert_eq!(PaymentFailure::from(CardError::ExpiredCard), PaymentFailure::Card(CardError::ExpiredCard));
        assert_eq!(PaymentFailure::from(DeclineCode::LostCard), PaymentFailure::Declined(DeclineCode::LostCard));
    }
}
