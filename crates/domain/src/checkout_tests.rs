//! Unit and property tests of the checkout rules: order and payment transitions, the split between
//! the Pocket and the card, limits, step-up reasons and one-time codes.

use super::*;
use crate::declines::PaymentFailure;

const NOW: i64 = 1_750_000_000;

// ------------------------------------------------------------------------------------ orders

type Transition = fn(OrderStatus) -> Result<OrderStatus, OrderError>;

#[test]
fn every_status_and_action() {
    use OrderError::*;
    use OrderStatus::*;
    let actions: [(&str, Transition); 5] = [
        ("pay", OrderStatus::pay),
        ("ship", OrderStatus::ship),
        ("deliver", OrderStatus::deliver),
        ("confirm_receipt", OrderStatus::confirm_receipt),
        ("cancel", OrderStatus::cancel),
    ];
    // One row per status; one column per action, in the order above.
    type Row = (OrderStatus, [Result<OrderStatus, OrderError>; 5]);
    let rows: [Row; 6] = [
        (AwaitingPayment, [Ok(Paid), Err(OrderNotPaid), Err(OrderNotShipped), Err(OrderNotShipped), Ok(Canceled)]),
        (Paid, [Err(OrderNotPayable), Ok(Shipped), Err(OrderNotShipped), Err(OrderNotShipped), Ok(Canceled)]),
        (
            Shipped,
            [Err(OrderNotPayable), Err(OrderAlreadyShipped), Ok(Delivered), Ok(Completed), Err(OrderAlreadyShipped)],
        ),
        (
            Delivered,
            [
                Err(OrderNotPayable),
                Err(OrderAlreadyShipped),
                Err(OrderAlreadyDelivered),
                Ok(Completed),
                Err(OrderAlreadyShipped),
            ],
        ),
        (
            Completed,
            [
                Err(OrderNotPayable),
                Err(OrderAlreadyShipped),
                Err(OrderAlreadyDelivered),
                Err(OrderAlreadyCompleted),
                Err(OrderAlreadyShipped),
            ],
        ),
        (
            Canceled,
            [Err(OrderNotPayable), Err(OrderCanceled), Err(OrderCanceled), Err(OrderCanceled), Err(OrderNotCancelable)],
        ),
    ];
    for status in OrderStatus::ALL {
        assert!(rows.iter().any(|(s, _)| *s == status), "no row for {status:?}");
    }
    for (status, expected) in rows {
        for ((action, transition), expected) in actions.iter().zip(expected) {
            assert_eq!(transition(status), expected, "{action} from {status:?}");
        }
    }
}

#[test]
fn order_status_names_round_trip() {
    let names = ["awaiting_payment", "paid", "shipped", "delivered", "completed", "canceled"];
    for (status, name) in OrderStatus::ALL.into_iter().zip(names) {
        assert_eq!(status.name(), name);
        assert_eq!(OrderStatus::parse(name), Some(status));
    }
    for bad in ["", "Paid", "PAID", " paid", "cancelled", "awaiting-payment"] {
        assert_eq!(OrderStatus::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn order_error_codes_and_messages() {
    use OrderError::*;
    let rows = [
        (OrderNotPayable, "order_not_payable"),
        (OrderNotPaid, "order_not_paid"),
        (OrderAlreadyShipped, "order_already_shipped"),
        (OrderNotShipped, "order_not_shipped"),
        (OrderAlreadyDelivered, "order_already_delivered"),
        (OrderAlreadyCompleted, "order_already_completed"),
        (OrderCanceled, "order_canceled"),
        (OrderNotCancelable, "order_not_cancelable"),
    ];
    for (error, code) in rows {
        assert_eq!(error.code(), code, "{error:?}");
        assert!(error.to_string().ends_with('.'), "{error}");
    }
}

#[test]
fn payment_status_names_round_trip() {
    let names = ["requires_payment_method", "requires_action", "requires_capture", "succeeded", "canceled"];
    for (status, name) in PaymentStatus::ALL.into_iter().zip(names) {
        assert_eq!(status.name(), name);
        assert_eq!(PaymentStatus::parse(name), Some(status));
    }
    assert_eq!(PaymentStatus::parse("paid"), None);
    assert_eq!(PaymentStatus::parse("Succeeded"), None);
}

// ------------------------------------------------------------------------------------- split

#[test]
fn split_table() {
    use SplitError::*;
    let split = |pocket_minor, card_minor| Ok(Split { pocket_minor, card_minor });
    type Row = (i64, Option<i64>, bool, Result<Split, SplitError>);
    let rows: Vec<Row> = vec![
        // Pocket method.
        (1_000, None, true, split(1_000, 0)),
        (1_000, Some(1_000), true, split(1_000, 0)),
        (1_000, Some(999), true, Err(PocketAmountMismatch { pocket_minor: 999, total_minor: 1_000 })),
        (1_000, Some(1_001), true, Err(PocketAmountAboveTotal { pocket_minor: 1_001, total_minor: 1_000 })),
        (1_000, Some(0), true, Err(PocketAmountNotPositive)),
        // Card method.
        (1_000, None, false, split(0, 1_000)),
        (1_000, Some(1), false, split(1, 999)),
        (1_000, Some(400), false, split(400, 600)),
        (1_000, Some(999), false, split(999, 1)),
        (1_000, Some(1_000), false, Err(PocketAmountInvalid)),
        (1_000, Some(1_001), false, Err(PocketAmountAboveTotal { pocket_minor: 1_001, total_minor: 1_000 })),
        (1_000, Some(0), false, Err(PocketAmountNotPositive)),
        (1_000, Some(-5), false, Err(PocketAmountNotPositive)),
        (1_000, Some(i64::MIN), false, Err(PocketAmountNotPositive)),
        (i64::MAX, Some(1), false, split(1, i64::MAX - 1)),
        // The total itself.
        (0, None, false, Err(TotalNotPositive)),
        (-1, Some(1), true, Err(TotalNotPositive)),
    ];
    for (total, pocket, method_is_pocket, expected) in rows {
        let got = split_payment(total, pocket, method_is_pocket);
        assert_eq!(got, expected, "total {total}, pocket {pocket:?}, pocket method {method_is_pocket}");
        if let Ok(split) = got {
            assert_eq!(split.pocket_minor + split.card_minor, total);
            assert!(split.pocket_minor >= 0 && split.card_minor >= 0);
        }
    }
}

#[test]
fn split_error_codes() {
    use SplitError::*;
    let rows = [
        (TotalNotPositive, "amount_invalid", None),
        (PocketAmountNotPositive, "amount_invalid", Some("pocket_amount")),
        (PocketAmountAboveTotal { pocket_minor: 2, total_minor: 1 }, "amount_invalid", Some("pocket_amount")),
        (PocketAmountInvalid, "parameter_invalid", Some("pocket_amount")),
        (PocketAmountMismatch { pocket_minor: 1, total_minor: 2 }, "parameter_invalid", Some("pocket_amount")),
    ];
    for (error, code, param) in rows {
        assert_eq!((error.code(), error.param()), (code, param), "{error:?}");
        assert!(error.to_string().ends_with('.'), "{error}");
    }
}

// -------------------------------------------------------------------------------------- risk

fn facts() -> RiskFacts {
    RiskFacts {
        new_card: false,
        amount_minor: 1_000,
        card_country: Some("US".to_owned()),
        buyer_country: "US".to_owned(),
        recent_payments: 0,
        issuer_demands: false,
    }
}

#[test]
fn step_up_table() {
    use StepUpReason::*;
    let config = RiskConfig::default();
    let rows: Vec<(&str, RiskFacts, Vec<StepUpReason>)> = vec![
        ("saved card, small, home, calm", facts(), vec![]),
        ("new card", RiskFacts { new_card: true, ..facts() }, vec![NewCard]),
        ("at the threshold", RiskFacts { amount_minor: 50_000, ..facts() }, vec![]),
        ("above the threshold", RiskFacts { amount_minor: 50_001, ..facts() }, vec![LargeAmount]),
        ("foreign card", RiskFacts { card_country: Some("FR".to_owned()), ..facts() }, vec![ForeignCard]),
        ("country case", RiskFacts { card_country: Some("us".to_owned()), ..facts() }, vec![]),
        ("unknown card country", RiskFacts { card_country: None, ..facts() }, vec![]),
        ("just under velocity", RiskFacts { recent_payments: 4, ..facts() }, vec![]),
        ("at velocity", RiskFacts { recent_payments: 5, ..facts() }, vec![Velocity]),
        ("issuer", RiskFacts { issuer_demands: true, ..facts() }, vec![IssuerDemand]),
        (
            "everything",
            RiskFacts {
                new_card: true,
                amount_minor: i64::MAX,
                card_country: Some("JP".to_owned()),
                buyer_country: "US".to_owned(),
                recent_payments: u32::MAX,
                issuer_demands: true,
            },
            StepUpReason::ALL.to_vec(),
        ),
    ];
    for (name, facts, expected) in rows {
        assert_eq!(step_up_reasons(&config, &facts), expected, "{name}");
    }
    let strict = RiskConfig { amount_threshold_minor: 0, velocity_window_s: 60, velocity_count_max: 0 };
    assert_eq!(step_up_reasons(&strict, &facts()), vec![LargeAmount, Velocity]);
    assert_eq!(config.velocity_window_start(NOW), NOW - 600);
}

#[test]
fn step_up_reason_names() {
    let names: Vec<&str> = StepUpReason::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(names, ["new_card", "large_amount", "foreign_card", "velocity", "issuer_demand"]);
}

// ---------------------------------------------------------------------------- one-time codes

const RIGHT: &[u8] = b"hash-of-123456";
const WRONG: &[u8] = b"hash-of-654321";

fn challenge() -> CodeChallenge {
    CodeChallenge::new(RIGHT.to_vec(), "pay_1", 1_050, "USD", NOW)
}

#[test]
fn a_new_challenge() {
    let c = challenge();
    assert_eq!((c.expires_at, c.attempts_left, c.sent_at), (NOW + 600, 5, NOW));
    assert_eq!((c.payment_id.as_str(), c.amount_minor, c.currency.as_str()), ("pay_1", 1_050, "USD"));
    let debug = format!("{c:?}");
    assert!(!debug.contains("hash-of") && !debug.contains("104, 97"), "{debug}");
}

#[test]
fn the_right_code_passes() {
    let mut c = challenge();
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW), Ok(()));
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW + 599), Ok(()));
    assert_eq!(c.attempts_left, 5);
}

#[test]
fn five_wrong_codes_lock_the_challenge() {
    let mut c = challenge();
    for tries_left in (0..5).rev() {
        assert_eq!(c.check(WRONG, "pay_1", 1_050, "USD", NOW + 1), Err(VerifyError::Wrong { tries_left }));
    }
    assert_eq!(c.attempts_left, 0);
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW + 2), Err(VerifyError::TooManyAttempts));
    assert_eq!(c.check(WRONG, "pay_1", 1_050, "USD", NOW + 2), Err(VerifyError::TooManyAttempts));
    assert_eq!(c.attempts_left, 0);
    // A wrong code then the right one: the right one still passes.
    let mut c = challenge();
    assert_eq!(c.check(WRONG, "pay_1", 1_050, "USD", NOW), Err(VerifyError::Wrong { tries_left: 4 }));
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW), Ok(()));
    // Hashes of other lengths are simply wrong.
    for other in [&b""[..], &RIGHT[..RIGHT.len() - 1], b"hash-of-1234567"] {
        assert!(matches!(c.check(other, "pay_1", 1_050, "USD", NOW), Err(VerifyError::Wrong { .. })));
    }
}

#[test]
fn codes_expire() {
    let mut c = challenge();
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW + 600), Err(VerifyError::Expired));
    assert_eq!(c.check(WRONG, "pay_1", 1_050, "USD", NOW + 6_000), Err(VerifyError::Expired));
    assert_eq!(c.attempts_left, 5, "an expired code spends no try");
    // Expiry is reported before the lock.
    c.attempts_left = 0;
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW + 600), Err(VerifyError::Expired));
}

#[test]
fn a_code_is_bound_to_its_payment_and_amount() {
    let mut c = challenge();
    let rows = [("pay_2", 1_050, "USD"), ("pay_1", 90_000, "USD"), ("pay_1", 1_051, "USD"), ("pay_1", 1_050, "EUR")];
    for (payment, amount, currency) in rows {
        assert_eq!(c.check(RIGHT, payment, amount, currency, NOW), Err(VerifyError::Mismatch), "{payment} {amount}");
    }
    assert_eq!(c.attempts_left, 5);
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW), Ok(()));
}

#[test]
fn resend_waits_for_the_cooldown() {
    let c = challenge();
    assert_eq!(c.can_resend(NOW), Err(VerifyError::ResendTooSoon { retry_after_s: 60 }));
    assert_eq!(c.can_resend(NOW + 59), Err(VerifyError::ResendTooSoon { retry_after_s: 1 }));
    assert_eq!(c.can_resend(NOW + 60), Ok(()));
    assert_eq!(c.can_resend(NOW + 6_000), Ok(()));
}

#[test]
fn resend_resets_the_challenge() {
    let mut c = challenge();
    for _ in 0..5 {
        let _ = c.check(WRONG, "pay_1", 1_050, "USD", NOW + 10);
    }
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", NOW + 10), Err(VerifyError::TooManyAttempts));
    let later = NOW + 700;
    assert_eq!(c.can_resend(later), Ok(()));
    c.resent(b"hash-of-777777".to_vec(), later);
    assert_eq!((c.expires_at, c.attempts_left, c.sent_at), (later + 600, 5, later));
    assert_eq!(c.check(RIGHT, "pay_1", 1_050, "USD", later + 1), Err(VerifyError::Wrong { tries_left: 4 }));
    assert_eq!(c.check(b"hash-of-777777", "pay_1", 1_050, "USD", later + 1), Ok(()));
    assert_eq!(c.can_resend(later + 30), Err(VerifyError::ResendTooSoon { retry_after_s: 30 }));
}

#[test]
fn verify_error_codes() {
    use VerifyError::*;
    let rows = [
        (Expired, "verification_expired", PaymentFailure::VerificationExpired),
        (TooManyAttempts, "too_many_attempts", PaymentFailure::TooManyAttempts),
        (Mismatch, "verification_failed", PaymentFailure::VerificationFailed { tries_left: 0 }),
        (Wrong { tries_left: 3 }, "verification_failed", PaymentFailure::VerificationFailed { tries_left: 3 }),
        (ResendTooSoon { retry_after_s: 12 }, "too_many_attempts", PaymentFailure::TooManyAttempts),
    ];
    for (error, code, failure) in rows {
        assert_eq!(error.code(), code, "{error:?}");
        assert!(error.to_string().ends_with('.'), "{error}");
        assert_eq!(PaymentFailure::from(error), failure, "{error:?}");
        assert_eq!(PaymentFailure::from(error).code(), code, "{error:?}");
    }
}

#[test]
fn one_time_codes_from_random_and_typed() {
    let rows = [(0, "000000"), (42, "000042"), (999_999, "999999"), (1_000_000, "000000"), (u64::MAX, "551615")];
    for (random, code) in rows {
        assert_eq!(one_time_code_from_random(random), code, "{random}");
    }
    let typed = [
        ("123456", Some("123456")),
        (" 123 456 ", Some("123456")),
        ("123-456", Some("123456")),
        ("012345", Some("012345")),
        ("12345", None),
        ("1234567", None),
        ("12a456", None),
        ("١٢٣٤٥٦", None),
        ("", None),
    ];
    for (input, expected) in typed {
        assert_eq!(normalize_one_time_code(input).as_deref(), expected, "{input:?}");
    }
}

// ---------------------------------------------------------------------------------- limits

#[test]
fn limits_table() {
    let limits = SpendingLimits::default();
    assert_eq!((limits.daily_minor, limits.monthly_minor, limits.currency), (500_000, 2_000_000, Currency::USD));
    let daily = |remaining_minor| {
        Err(LimitError::DailyLimitExceeded { limit_minor: 500_000, remaining_minor, currency: Currency::USD })
    };
    let monthly = |remaining_minor| {
        Err(LimitError::MonthlyLimitExceeded { limit_minor: 2_000_000, remaining_minor, currency: Currency::USD })
    };
    // (spent today, spent this month, amount, expected)
    let rows: Vec<(i64, i64, i64, Result<(), LimitError>)> = vec![
        (0, 0, 1_000, Ok(())),
        (0, 0, 500_000, Ok(())),
        (0, 0, 500_001, daily(500_000)),
        (499_999, 499_999, 1, Ok(())),
        (499_999, 499_999, 2, daily(1)),
        (500_000, 500_000, 1, daily(0)),
        (600_000, 600_000, 1, daily(0)),
        (0, 1_999_000, 1_000, Ok(())),
        (0, 1_999_000, 1_001, monthly(1_000)),
        (0, 2_000_000, 1, monthly(0)),
        // Both over: the one with less left binds; a tie goes to the monthly limit.
        (400_000, 1_950_000, 200_000, monthly(50_000)),
        (450_000, 1_900_000, 200_000, daily(50_000)),
        (450_000, 1_950_000, 200_000, monthly(50_000)),
        (0, 0, 0, Ok(())),
        (0, 0, -5, Ok(())),
        (i64::MAX, i64::MAX, i64::MAX, monthly(0)),
        (i64::MIN, 0, i64::MAX, monthly(2_000_000)),
    ];
    for (today, month, amount, expected) in rows {
        assert_eq!(check_limits(&limits, today, month, amount), expected, "{today} {month} {amount}");
    }
}

#[test]
fn limit_messages_name_what_is_left() {
    let limits = SpendingLimits::default();
    let error = check_limits(&limits, 488_000, 0, 20_000).err();
    assert_eq!(
        error.map(|e| (e.code(), e.to_string())),
        Some((
            "spending_limit_exceeded",
            "This payment is over your daily spending limit of 5000.00 USD; you can spend 120.00 USD more today."
                .to_owned()
        ))
    );
    let error = check_limits(&limits, 0, 2_000_000, 1).err();
    assert_eq!(
        error.map(|e| (e.code(), e.to_string())),
        Some(("spending_limit_exceeded", "You have reached your monthly spending limit of 20000.00 USD.".to_owned()))
    );
    let yen = SpendingLimits { daily_minor: 100_000, monthly_minor: 300_000, currency: Currency::JPY };
    let error = check_limits(&yen, 0, 250_000, 60_000).map_err(|e| e.to_string());
    assert_eq!(
        error,
        Err("This payment is over your monthly spending limit of 300000 JPY; you can spend 50000 JPY more this month."
            .to_owned())
    );
}

// -------------------------------------------------------------------------------------- FX

fn rate(s: &str) -> ExchangeRate {
    ExchangeRate::parse(s).unwrap_or_else(|e| panic!("rate {s:?}: {e}"))
}

#[test]
fn quotes_table() {
    let usd = |a| Money::new(a, Currency::USD);
    let eur = |a| Money::new(a, Currency::EUR);
    let jpy = |a| Money::new(a, Currency::JPY);
    let rows: Vec<(&str, Money, Currency, Result<i64, MoneyError>)> = vec![
        // A 100.00 USD order paid in EUR at 0.92 EUR per USD.
        ("0.92", usd(10_000), Currency::EUR, Ok(9_200)),
        // 19.99 USD at 0.9215 = 18.420785 EUR → 18.42.
        ("0.9215", usd(1_999), Currency::EUR, Ok(1_842)),
        // 19.99 USD at 151.37 JPY per USD = 3025.8863 → 3026 JPY.
        ("151.37", usd(1_999), Currency::JPY, Ok(3_026)),
        // 50.00 EUR at 1.0845 USD per EUR = 54.225 → 54.23 (half up).
        ("1.0845", eur(5_000), Currency::USD, Ok(5_423)),
        // 0.10 USD at 0.125 = 0.0125 EUR → 0.01; at 0.15 = 0.015 → 0.02 (half up).
        ("0.125", usd(10), Currency::EUR, Ok(1)),
        ("0.15", usd(10), Currency::EUR, Ok(2)),
        // 1000 JPY at 0.0067 USD per JPY = 6.70 USD.
        ("0.0067", jpy(1_000), Currency::USD, Ok(670)),
        ("1", usd(1_234), Currency::USD, Ok(1_234)),
        ("1.5", usd(1_234), Currency::USD, Err(MoneyError::InvalidRate)),
        ("0.92", usd(0), Currency::EUR, Err(MoneyError::ZeroNotAllowed)),
        ("0.92", usd(-1), Currency::EUR, Err(MoneyError::NegativeNotAllowed)),
        // 1 JPY at 0.0049 USD = 0.49 cent → 0: nothing to pay is refused.
        ("0.0049", jpy(1), Currency::USD, Err(MoneyError::ZeroNotAllowed)),
        ("150", usd(i64::MAX), Currency::JPY, Err(MoneyError::Overflow)),
    ];
    for (r, from, to, expected) in rows {
        let got = quote(rate(r), from, to, NOW);
        let name = format!("{from} at {r} to {to}");
        match expected {
            Ok(to_minor) => {
                let q = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(q.to_minor, to_minor, "{name}");
                assert_eq!((q.from, q.to, q.rate, q.from_minor), (from.currency(), to, rate(r), from.amount_minor()));
                assert_eq!((q.created_at, q.expires_at), (NOW, NOW + 900), "{name}");
                assert_eq!((q.from_money(), q.to_money()), (from, Money::new(to_minor, to)), "{name}");
            }
            Err(e) => assert_eq!(got, Err(e), "{name}"),
        }
    }
}

#[test]
fn quotes_expire_after_fifteen_minutes() {
    let q =
        quote(rate("0.92"), Money::new(10_000, Currency::USD), Currency::EUR, NOW).unwrap_or_else(|e| panic!("{e}"));
    assert!(q.is_valid_at(NOW));
    assert!(q.is_valid_at(NOW + QUOTE_TTL_S - 1));
    assert!(!q.is_valid_at(NOW + QUOTE_TTL_S));
    assert!(!q.is_valid_at(NOW + 10 * QUOTE_TTL_S));
    assert_eq!(QUOTE_TTL_S, 15 * 60);
}

// --------------------------------------------------------------------------- order numbers

#[test]
fn order_numbers_table() {
    let rows = [
        (0, "PP-000000000"),
        (1, "PP-000000018"),
        (42, "PP-000000422"),
        (12_345_678, "PP-123456782"),
        (99_999_999, "PP-999999998"),
        (100_000_000, "PP-1000000008"),
        (u64::MAX, "PP-184467440737095516153"),
    ];
    for (sequence, number) in rows {
        assert_eq!(order_number(sequence), number, "{sequence}");
        assert!(luhn_valid(&number[3..]), "{number}");
        assert_eq!(parse_order_number(number), Some(sequence), "{number}");
    }
}

#[test]
fn parsing_order_numbers() {
    let rows: &[(&str, Option<u64>)] = &[
        ("PP-000000422", Some(42)),
        ("pp-000000422", Some(42)),
        ("Pp-000000422", Some(42)),
        ("000000422", Some(42)),
        ("  PP-000000422\n", Some(42)),
        // A mistyped digit, a swap of adjacent digits, a wrong check digit.
        ("PP-000000432", None),
        ("PP-000000242", None),
        ("PP-000000423", None),
        // Not the canonical digits.
        ("PP-422", None),
        ("PP-00000422", None),
        ("PP-0000000422", None),
        ("PP-0000000000422", None),
        // Other shapes.
        ("PP000000422", None),
        ("PP--000000422", None),
        ("PP-0000 00422", None),
        ("PP-+00000422", None),
        ("XX-000000422", None),
        ("PP-", None),
        ("", None),
        ("PP-１２３４５６７８２", None),
        ("PP-9999999999999999999999", None),
        ("PP-184467440737095516160", None),
    ];
    for &(input, expected) in rows {
        assert_eq!(parse_order_number(input), expected, "{input:?}");
    }
}

#[test]
fn every_single_digit_error_is_caught() {
    for sequence in [0u64, 7, 42, 1_234_567, 98_765_432, 123_456_789_012] {
        let number = order_number(sequence);
        for (index, original) in number.char_indices().skip(3) {
            for replacement in '0'..='9' {
                if replacement == original {
                    continue;
                }
                let mut typo = number.clone();
                typo.replace_range(index..=index, &replacement.to_string());
                assert_eq!(parse_order_number(&typo), None, "{typo} from {number}");
            }
        }
    }
}

#[test]
fn a_checkout_split_is_shared_out_over_its_orders_to_the_cent() {
    // 100.00 from the Pocket over orders of 30.00, 20.00 and 50.00; the card pays the other 0.00.
    let whole = Split { pocket_minor: 10_000, card_minor: 0 };
    let parts = split_across_orders(whole, &[3_000, 2_000, 5_000]).unwrap_or_else(|| panic!("splits"));
    assert_eq!(parts.iter().map(|p| p.pocket_minor).collect::<Vec<_>>(), vec![3_000, 2_000, 5_000]);
    // Half and half over three orders that do not divide evenly: shares differ by less than a cent
    // from the exact ones and sum to the whole.
    let half = Split { pocket_minor: 5_000, card_minor: 5_001 };
    let parts = split_across_orders(half, &[3_333, 3_334, 3_334]).unwrap_or_else(|| panic!("splits"));
    assert_eq!(parts.iter().map(|p| p.pocket_minor).sum::<i64>(), 5_000);
    assert_eq!(parts.iter().map(|p| p.card_minor).sum::<i64>(), 5_001);
    for (p, amount) in parts.iter().zip([3_333, 3_334, 3_334]) {
        assert_eq!(p.pocket_minor + p.card_minor, amount);
        assert!((p.pocket_minor as f64 - 5_000.0 * amount as f64 / 10_001.0).abs() < 1.0);
    }
    assert_eq!(split_across_orders(half, &[3_333, 3_334]), None, "the split must be of the orders' sum");
    assert_eq!(split_across_orders(half, &[]), None);
    assert_eq!(split_across_orders(Split { pocket_minor: 0, card_minor: 0 }, &[0]), None);
    assert_eq!(share_out(7, &[1, 1, 1]), Some(vec![3, 2, 2]));
    assert_eq!(share_out(-1, &[1]), None);
}
