//! Which catalogue message says what: a payment failure's message and advice, and the notices shown
//! after a redirect. Every id is written out whole here, so the catalogue test can find its users.

use domain::cards::{AcceptedBrands, CardError};
use domain::declines::{DeclineCode, PaymentFailure};

use super::{text_in, Arg, Locale};

/// A payment failure's `message` and `advice` in `locale` (the `code` and `decline_code` stay as the
/// domain names them). Lost, stolen, fraud and do-not-honor read exactly as a generic decline.
pub fn failure_text(locale: Locale, failure: &PaymentFailure, accepted: &AcceptedBrands) -> (String, Vec<String>) {
    let t = |id: &str| text_in(locale, id, &[]);
    let one = |message: &str, advice: &str| (t(message), vec![t(advice)]);
    match *failure {
        PaymentFailure::Card(error) => match error {
            CardError::IncorrectNumber => one("decline-incorrect-number", "decline-incorrect-number.advice"),
            CardError::InvalidExpiryMonth | CardError::InvalidExpiryYear => {
                one("decline-invalid-expiry", "decline-invalid-expiry.advice")
            }
            CardError::ExpiredCard => one("decline-expired-card", "decline-expired-card.advice"),
            CardError::InvalidCvc | CardError::IncorrectCvc => {
                one("decline-incorrect-cvc", "decline-incorrect-cvc.advice")
            }
            CardError::BrandNotSupported => {
                (t("decline-brand-not-supported"), vec![accepted_brands_advice(locale, accepted)])
            }
        },
        PaymentFailure::Declined(code) => match code.public() {
            DeclineCode::InsufficientFunds => (
                t("decline-insufficient-funds"),
                vec![t("decline-insufficient-funds.advice"), t("decline-insufficient-funds.advice-bank")],
            ),
            DeclineCode::CardVelocityExceeded => {
                one("decline-card-velocity-exceeded", "decline-card-velocity-exceeded.advice")
            }
            DeclineCode::TransactionNotAllowed => {
                one("decline-transaction-not-allowed", "decline-transaction-not-allowed.advice")
            }
            DeclineCode::IncorrectAddress => one("decline-incorrect-address", "decline-incorrect-address.advice"),
            DeclineCode::IncorrectZip => one("decline-incorrect-zip", "decline-incorrect-zip.advice"),
            DeclineCode::GenericDecline
            | DeclineCode::LostCard
            | DeclineCode::StolenCard
            | DeclineCode::Fraudulent
            | DeclineCode::DoNotHonor => one("decline-generic", "decline-generic.advice"),
        },
        PaymentFailure::ProcessingError => one("decline-processing-error", "decline-processing-error.advice"),
        PaymentFailure::VerificationFailed { tries_left: 0 } => {
            one("decline-verification-failed", "decline-verification-failed.advice-none-left")
        }
        PaymentFailure::VerificationFailed { tries_left } => (
            t("decline-verification-failed"),
            vec![text_in(
                locale,
                "decline-verification-failed.advice",
                &[("tries", Arg::Text(text_in(locale, "tries-left", &[("count", Arg::from(tries_left))])))],
            )],
        ),
        PaymentFailure::VerificationExpired => {
            one("decline-verification-expired", "decline-verification-expired.advice")
        }
        PaymentFailure::TooManyAttempts => one("decline-too-many-attempts", "decline-too-many-attempts.advice"),
        PaymentFailure::InsufficientPocketBalance => {
            one("decline-insufficient-pocket-balance", "decline-insufficient-pocket-balance.advice")
        }
    }
}

/// "Use Visa, Mastercard or Mir, or pay with your Pocket balance." in `locale`.
fn accepted_brands_advice(locale: Locale, accepted: &AcceptedBrands) -> String {
    let names: Vec<&str> = accepted.brands().map(|brand| brand.display_name()).collect();
    let list = match names.split_last() {
        None => return text_in(locale, "decline-brand-not-supported.advice-pocket-only", &[]),
        Some((only, [])) => (*only).to_owned(),
        Some((last, rest)) => {
            text_in(locale, "list-or", &[("first", Arg::Text(rest.join(", "))), ("last", Arg::from(*last))])
        }
    };
    text_in(locale, "decline-brand-not-supported.advice", &[("brands", Arg::Text(list))])
}

/// An error's general message by its `code`, for an error whose own words the catalogue does not
/// have yet (in English the handler's own sentence is shown): the message, and advice if any.
pub fn code_text(locale: Locale, code: &str, param: Option<&str>) -> Option<(String, Vec<String>)> {
    let t = |id: &str| text_in(locale, id, &[]);
    let with_param = |id: &str| text_in(locale, id, &[("param", Arg::from(param.unwrap_or("—")))]);
    let (message, advice) = match code {
        "parameter_invalid" => (with_param("code-parameter-invalid"), None),
        "parameter_unknown" => (with_param("code-parameter-unknown"), None),
        "resource_missing" => (t("error-not-found"), None),
        "request_malformed" => (t("code-request-malformed"), None),
        "amount_invalid" => (t("code-amount-invalid"), None),
        "currency_not_supported" => (t("code-currency-not-supported"), None),
        "out_of_stock" => (t("code-out-of-stock"), Some(t("code-out-of-stock.advice"))),
        "order_not_payable" => (t("code-order-not-payable"), None),
        "order_not_paid" => (t("code-order-not-paid"), None),
        "order_not_cancelable" => (t("code-order-not-cancelable"), None),
        "order_already_shipped" => (t("code-order-already-shipped"), None),
        "email_taken" => (t("code-email-taken"), None),
        "invalid_credentials" => (t("code-invalid-credentials"), Some(t("code-invalid-credentials.advice"))),
        "email_not_verified" => (t("code-email-not-verified"), None),
        "verification_failed" => (t("decline-verification-failed"), Some(t("code-verification-failed.advice"))),
        "verification_expired" => (t("decline-verification-expired"), Some(t("decline-verification-expired.advice"))),
        "too_many_attempts" => (t("decline-too-many-attempts"), Some(t("decline-too-many-attempts.advice"))),
        "invalid_denomination" => (t("code-invalid-denomination"), None),
        "load_limit_exceeded" => (t("code-load-limit-exceeded"), None),
        "coupon_not_allowed" => (t("code-coupon-not-allowed"), None),
        "gift_card_invalid" => (t("code-gift-card-invalid"), None),
        "gift_card_not_refundable" => (t("code-gift-card-not-refundable"), None),
        "insufficient_pocket_balance" => {
            (t("decline-insufficient-pocket-balance"), Some(t("decline-insufficient-pocket-balance.advice")))
        }
        "claim_window_closed" => (t("code-claim-window-closed"), None),
        "protection_expired" => (t("code-protection-expired"), None),
        "claim_exists" => (t("code-claim-exists"), None),
        "claim_not_open" => (t("code-claim-not-open"), None),
        "already_reported" => (t("code-already-reported"), None),
        "payment_busy" => (t("code-payment-busy"), None),
        "refund_exceeds_captured" => (t("code-refund-exceeds-captured"), None),
        "fx_quote_expired" => (t("code-fx-quote-expired"), None),
        "forbidden" => (t("code-forbidden"), None),
        "idempotency_error" => (t("code-idempotency-error"), None),
        "document_too_large" => (t("code-document-too-large"), None),
        "document_type_unsupported" => (t("code-document-type-unsupported"), None),
        "document_already_submitted" => (t("code-document-already-submitted"), None),
        "payment_not_awaiting_code" => (t("code-payment-not-awaiting-code"), None),
        "payment_not_awaiting_document" => (t("code-payment-not-awaiting-document"), None),
        _ => return None,
    };
    Some((message, advice.into_iter().collect()))
}

/// The message id of a notice shown after a redirect (`?notice=…`; never text from the URL).
pub fn notice_id(key: &str) -> Option<&'static str> {
    Some(match key {
        "signed_up" => "notice-signed-up",
        "loaded" => "notice-loaded",
        "redeemed" => "notice-redeemed",
        "card_added" => "notice-card-added",
        "card_updated" => "notice-card-updated",
        "card_removed" => "notice-card-removed",
        "paid" => "notice-paid",
        "added" => "notice-added",
        "cart_updated" => "notice-cart-updated",
        "canceled" => "notice-canceled",
        "confirmed" => "notice-confirmed",
        "claim_opened" => "notice-claim-opened",
        "escalated" => "notice-escalated",
        "reported" => "notice-reported",
        "code_sent" => "notice-code-sent",
        "ticket_opened" => "notice-ticket-opened",
        "replied" => "notice-replied",
        "product_created" => "notice-product-created",
        "key_revoked" => "notice-key-revoked",
        "shipped" => "notice-shipped",
        "delivered" => "notice-delivered",
        "refunded" => "notice-refunded",
        "answered" => "notice-answered",
        "resolved" => "notice-resolved",
        "rate_set" => "notice-rate-set",
        "blocked" => "notice-blocked",
        "unblocked" => "notice-unblocked",
        "payout_created" => "notice-payout-created",
        "bank_account_added" => "notice-bank-account-added",
        "bank_account_removed" => "notice-bank-account-removed",
        "bank_account_default" => "notice-bank-account-default",
        "schedule_saved" => "notice-schedule-saved",
        "fees_saved" => "notice-fees-saved",
        "payouts_paused" => "notice-payouts-paused",
        "payouts_resumed" => "notice-payouts-resumed",
        "endpoint_enabled" => "notice-endpoint-enabled",
        "endpoint_disabled" => "notice-endpoint-disabled",
        "endpoint_deleted" => "notice-endpoint-deleted",
        "redelivered" => "notice-redelivered",
        "reset_sent" => "notice-reset-sent",
        "password_reset" => "notice-password-reset",
        "questions_saved" => "notice-questions-saved",
        "document_sent" => "notice-document-sent",
        "review_approved" => "notice-review-approved",
        "review_rejected" => "notice-review-rejected",
        "preferences_saved" => "notice-preferences-saved",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English catalogue says exactly what the domain's table of failures says, for every failure.
    #[test]
    fn english_failures_match_the_domain_table() {
        let mut failures = vec![
            PaymentFailure::ProcessingError,
            PaymentFailure::VerificationExpired,
            PaymentFailure::TooManyAttempts,
            PaymentFailure::InsufficientPocketBalance,
        ];
        for tries_left in 0..4 {
            failures.push(PaymentFailure::VerificationFailed { tries_left });
        }
        for e in CardError::ALL {
            failures.push(PaymentFailure::Card(e));
        }
        for code in DeclineCode::ALL {
            failures.push(PaymentFailure::Declined(code));
        }
        for failure in failures {
            let domain = failure.describe();
            let (message, advice) = failure_text(Locale::En, &failure, &AcceptedBrands::all());
            assert_eq!((message, advice), (domain.message, domain.advice), "{failure:?}");
            for locale in [Locale::Ru, Locale::Es] {
                let (message, advice) = failure_text(locale, &failure, &AcceptedBrands::all());
                assert_ne!(message, failure.describe().message, "{failure:?} in {locale:?}");
                assert_eq!(advice.len(), failure.describe().advice.len(), "{failure:?} in {locale:?}");
            }
        }
    }
}
