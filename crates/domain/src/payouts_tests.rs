//! Unit and property tests of the payout rules: fees and their refund, balance transaction types, the
//! payout lifecycle, schedules and business days, the payout amount rule and bank numbers.

use super::*;
use crate::calendar::days_from_civil;
use proptest::prelude::*;

/// The instant `year-month-day hour:00` UTC.
fn at(year: i64, month: u32, day: u32, hour: i64) -> i64 {
    days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3_600
}

// -------------------------------------------------------------------------------------------- fees

#[test]
fn fee_schedule_bounds() {
    assert_eq!(FeeSchedule::new(0, 0), Ok(FeeSchedule { percent_bps: 0, fixed_amount: 0 }));
    assert_eq!(
        FeeSchedule::new(BPS_MAX, FIXED_FEE_MAX),
        Ok(FeeSchedule { percent_bps: 10_000, fixed_amount: 100_000_000 })
    );
    assert_eq!(FeeSchedule::new(-1, 0), Err(FeeError::PercentInvalid));
    assert_eq!(FeeSchedule::new(10_001, 0), Err(FeeError::PercentInvalid));
    assert_eq!(FeeSchedule::new(i64::MIN, 0), Err(FeeError::PercentInvalid));
    assert_eq!(FeeSchedule::new(500, -1), Err(FeeError::FixedInvalid));
    assert_eq!(FeeSchedule::new(500, 100_000_001), Err(FeeError::FixedInvalid));
    // The percentage is checked first.
    assert_eq!(FeeSchedule::new(-1, -1), Err(FeeError::PercentInvalid));
    for error in [FeeError::PercentInvalid, FeeError::FixedInvalid] {
        assert_eq!(error.code(), "parameter_invalid");
        assert!(error.to_string().ends_with('.'), "{error}");
    }
}

#[test]
fn fee_for_examples() {
    let fee = |bps, fixed, amount| FeeSchedule::new(bps, fixed).map(|s| s.fee_for(amount));
    // (bps, fixed, amount, fee)
    let rows: [(i64, i64, i64, i64); 14] = [
        (500, 0, 1_000, 50),
        (500, 0, 10, 1),  // 0.5 rounds up
        (500, 0, 9, 0),   // 0.45 rounds down
        (5, 0, 1_000, 1), // 0.5 rounds up
        (4, 0, 1_000, 0), // 0.4 rounds down
        (290, 30, 1_000, 59),
        (290, 30, 20, 20), // never more than the sale
        (0, 30, 30, 30),
        (10_000, 0, 12_345, 12_345),
        (10_000, 100, 12_345, 12_345),
        (500, 30, 0, 0),
        (500, 30, -1_000, 0),
        (500, 30, i64::MIN, 0),
        (10_000, 100_000_000, i64::MAX, i64::MAX),
    ];
    for (bps, fixed, amount, expected) in rows {
        assert_eq!(fee(bps, fixed, amount), Ok(expected), "{bps} bps + {fixed} on {amount}");
    }
}

#[test]
fn fee_for_takes_out_of_range_fields_as_the_nearest_allowed() {
    let wild = FeeSchedule { percent_bps: i64::MAX, fixed_amount: i64::MIN };
    assert_eq!(wild.fee_for(1_000), 1_000);
    let negative = FeeSchedule { percent_bps: -500, fixed_amount: -30 };
    assert_eq!(negative.fee_for(1_000), 0);
    let huge_fixed = FeeSchedule { percent_bps: 0, fixed_amount: i64::MAX };
    assert_eq!(huge_fixed.fee_for(i64::MAX), FIXED_FEE_MAX);
}

#[test]
fn round_half_up_div_examples() {
    let rows: [(i128, i128, i64); 12] = [
        (5, 2, 3),
        (4, 2, 2),
        (3, 2, 2),
        (1, 2, 1),
        (1, 3, 0),
        (2, 3, 1),
        (0, 7, 0),
        (-1, 2, 0),
        (5, 0, 0),
        (5, -2, 0),
        (i128::MAX, 1, i64::MAX),
        (i128::MAX, i128::MAX, 1),
    ];
    for (numerator, denominator, expected) in rows {
        assert_eq!(round_half_up_div(numerator, denominator), expected, "{numerator} / {denominator}");
    }
}

#[test]
fn fee_refund_share_examples() {
    // Half, then the other half: 29.5 rounds up, the rest is what is left.
    assert_eq!(fee_refund_share(59, 1_000, 0, 500, 0), 30);
    assert_eq!(fee_refund_share(59, 1_000, 500, 500, 30), 29);
    // Thirds: 3.33 → 3, 6.67 → 7 (4 more), 10 (3 more).
    assert_eq!(fee_refund_share(10, 3, 0, 1, 0), 3);
    assert_eq!(fee_refund_share(10, 3, 1, 1, 3), 4);
    assert_eq!(fee_refund_share(10, 3, 2, 1, 7), 3);
    // All at once.
    assert_eq!(fee_refund_share(59, 1_000, 0, 1_000, 0), 59);
    // More than captured still returns only the fee.
    assert_eq!(fee_refund_share(59, 1_000, 0, 5_000, 0), 59);
    assert_eq!(fee_refund_share(59, 1_000, 900, 5_000, 50), 9);
    // Already all returned.
    assert_eq!(fee_refund_share(59, 1_000, 1_000, 10, 59), 0);
    // Degenerate input.
    assert_eq!(fee_refund_share(59, 0, 0, 500, 0), 0);
    assert_eq!(fee_refund_share(59, -1_000, 0, 500, 0), 0);
    assert_eq!(fee_refund_share(59, 1_000, 0, 0, 0), 0);
    assert_eq!(fee_refund_share(59, 1_000, 0, -500, 0), 0);
    assert_eq!(fee_refund_share(0, 1_000, 0, 500, 0), 0);
    assert_eq!(fee_refund_share(-59, 1_000, 0, 500, 0), 0);
    // Out-of-range bookkeeping is clamped.
    assert_eq!(fee_refund_share(59, 1_000, 0, 500, 100), 0);
    assert_eq!(fee_refund_share(59, 1_000, 0, 500, -100), 30);
    assert_eq!(fee_refund_share(59, 1_000, -500, 500, 0), 30);
    // Extremes do not overflow.
    assert_eq!(fee_refund_share(i64::MAX, i64::MAX, i64::MAX, i64::MAX, 0), i64::MAX);
    assert_eq!(fee_refund_share(i64::MAX, i64::MAX, 0, i64::MAX / 2, 0), i64::MAX / 2);
    assert_eq!(fee_refund_share(i64::MAX, 2, 0, 1, 0), i64::MAX / 2 + 1); // half of an odd fee rounds up
}

// ------------------------------------------------------------------------------ balance transactions

#[test]
fn balance_tx_type_names_round_trip() {
    let names = [
        "charge",
        "refund",
        "claim_refund",
        "application_fee",
        "application_fee_refund",
        "payout",
        "payout_failure",
        "payout_cancel",
        "adjustment",
    ];
    for (kind, name) in BalanceTxType::ALL.into_iter().zip(names) {
        assert_eq!(kind.name(), name);
        assert_eq!(BalanceTxType::parse(name), Some(kind));
    }
    for bad in ["", "Charge", "CHARGE", " charge", "payout-failure", "fee"] {
        assert_eq!(BalanceTxType::parse(bad), None, "{bad:?}");
    }
}

// ---------------------------------------------------------------------------------- payout lifecycle

type Transition = fn(PayoutStatus) -> Result<PayoutStatus, PayoutTransitionError>;

#[test]
fn every_payout_status_and_action() {
    use PayoutStatus::*;
    let actions: [(PayoutAction, Transition); 4] = [
        (PayoutAction::Send, PayoutStatus::send),
        (PayoutAction::Pay, PayoutStatus::pay),
        (PayoutAction::Fail, PayoutStatus::fail),
        (PayoutAction::Cancel, PayoutStatus::cancel),
    ];
    // One row per status; one column per action (send, pay, fail, cancel). `None` is a refusal.
    let rows: [(PayoutStatus, [Option<PayoutStatus>; 4]); 5] = [
        (Pending, [Some(InTransit), None, Some(Failed), Some(Canceled)]),
        (InTransit, [None, Some(Paid), Some(Failed), None]),
        (Paid, [None, None, None, None]),
        (Failed, [None, None, None, None]),
        (Canceled, [None, None, None, None]),
    ];
    for status in PayoutStatus::ALL {
        assert!(rows.iter().any(|(s, _)| *s == status), "no row for {status:?}");
    }
    for (from, expected) in rows {
        for ((action, transition), expected) in actions.iter().zip(expected) {
            let expected = expected.ok_or(PayoutTransitionError { from, action: *action });
            assert_eq!(transition(from), expected, "{} from {from:?}", action.name());
        }
    }
}

#[test]
fn payout_transition_errors_name_the_refusal() {
    let error = |from, action| PayoutTransitionError { from, action };
    let in_transit_cancel = error(PayoutStatus::InTransit, PayoutAction::Cancel);
    assert_eq!(in_transit_cancel.to_string(), "A payout that is in transit cannot be canceled.");
    assert_eq!(in_transit_cancel.code(), "payout_not_cancelable");
    assert_eq!(PayoutStatus::InTransit.cancel(), Err(in_transit_cancel));
    let rows = [
        (PayoutStatus::Pending, PayoutAction::Pay, "A payout that is pending cannot be marked paid."),
        (PayoutStatus::Paid, PayoutAction::Send, "A payout that was paid cannot be sent."),
        (PayoutStatus::Failed, PayoutAction::Fail, "A payout that has failed cannot be marked failed."),
        (PayoutStatus::Canceled, PayoutAction::Cancel, "A payout that was canceled cannot be canceled."),
    ];
    for (from, action, message) in rows {
        assert_eq!(error(from, action).to_string(), message);
    }
    for from in PayoutStatus::ALL {
        for action in PayoutAction::ALL {
            let expected =
                if action == PayoutAction::Cancel { "payout_not_cancelable" } else { "payout_state_invalid" };
            assert_eq!(error(from, action).code(), expected, "{from:?} {action:?}");
        }
    }
}

#[test]
fn payout_status_names_and_finality() {
    let names = ["pending", "in_transit", "paid", "failed", "canceled"];
    let finals = [false, false, true, true, true];
    for ((status, name), is_final) in PayoutStatus::ALL.into_iter().zip(names).zip(finals) {
        assert_eq!(status.name(), name);
        assert_eq!(PayoutStatus::parse(name), Some(status));
        assert_eq!(status.is_final(), is_final, "{status:?}");
        // A final status takes no step at all.
        if is_final {
            assert!(PayoutAction::ALL.len() == 4 && status.send().is_err() && status.pay().is_err());
            assert!(status.fail().is_err() && status.cancel().is_err());
        }
    }
    for bad in ["", "Paid", "in-transit", "intransit", "cancelled", " paid"] {
        assert_eq!(PayoutStatus::parse(bad), None, "{bad:?}");
    }
    let action_names: Vec<_> = PayoutAction::ALL.into_iter().map(PayoutAction::name).collect();
    assert_eq!(action_names, ["send", "pay", "fail", "cancel"]);
}

// ------------------------------------------------------------------------------ schedules and days

#[test]
fn weekday_of_examples() {
    use Weekday::*;
    let rows = [
        (0, Thursday),
        (SECONDS_PER_DAY - 1, Thursday),
        (SECONDS_PER_DAY, Friday),
        (-1, Wednesday),
        (-SECONDS_PER_DAY, Wednesday),
        (-SECONDS_PER_DAY - 1, Tuesday),
        (4 * SECONDS_PER_DAY, Monday),
        (at(2024, 1, 1, 10), Monday),
        (at(2024, 2, 29, 23), Thursday),
        (at(2025, 6, 15, 0), Sunday),
        (at(1969, 7, 20, 20), Sunday),
        (at(2000, 1, 1, 0), Saturday),
    ];
    for (instant, expected) in rows {
        assert_eq!(weekday_of(instant), expected, "{instant}");
    }
    // Extremes do not panic.
    let _ = (weekday_of(i64::MIN), weekday_of(i64::MAX));
}

#[test]
fn weekday_names_round_trip() {
    let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    for (day, name) in Weekday::ALL.into_iter().zip(names) {
        assert_eq!(day.name(), name);
        assert_eq!(Weekday::parse(name), Some(day));
        assert_eq!(day.is_weekend(), matches!(day, Weekday::Saturday | Weekday::Sunday));
    }
    for bad in ["", "Monday", "MONDAY", "mon", "lundi", " monday"] {
        assert_eq!(Weekday::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn payout_schedules() {
    assert_eq!(PayoutInterval::Daily.name(), "daily");
    assert_eq!(PayoutInterval::Weekly(Weekday::Friday).name(), "weekly");
    assert_eq!(PayoutInterval::Manual.name(), "manual");

    assert_eq!(
        PayoutSchedule::new(PayoutInterval::Daily, 0),
        Ok(PayoutSchedule { interval: PayoutInterval::Daily, minimum_amount: 0 })
    );
    assert!(PayoutSchedule::new(PayoutInterval::Manual, 10_000_000_000).is_ok());
    for bad in [-1, 10_000_000_001, i64::MIN, i64::MAX] {
        let refused = PayoutSchedule::new(PayoutInterval::Daily, bad);
        assert_eq!(refused, Err(PayoutError::MinimumInvalid), "{bad}");
    }
    assert_eq!(PayoutError::MinimumInvalid.code(), "parameter_invalid");

    let schedule = |interval| PayoutSchedule { interval, minimum_amount: 0 };
    let monday = at(2024, 1, 1, 10);
    let monday_day = days_from_civil(2024, 1, 1);
    assert_eq!(schedule(PayoutInterval::Daily).due_day(monday), Some(monday_day));
    assert_eq!(schedule(PayoutInterval::Daily).due_day(monday + 14 * 3_600 - 1), Some(monday_day));
    assert_eq!(schedule(PayoutInterval::Daily).due_day(monday + 14 * 3_600), Some(monday_day + 1));
    assert_eq!(schedule(PayoutInterval::Weekly(Weekday::Monday)).due_day(monday), Some(monday_day));
    assert_eq!(schedule(PayoutInterval::Weekly(Weekday::Tuesday)).due_day(monday), None);
    let tuesday = monday + SECONDS_PER_DAY;
    assert_eq!(schedule(PayoutInterval::Weekly(Weekday::Tuesday)).due_day(tuesday), Some(monday_day + 1));
    assert_eq!(schedule(PayoutInterval::Manual).due_day(monday), None);
    // Before 1970: the last second of 1969-12-31, a Wednesday, is day -1.
    assert_eq!(schedule(PayoutInterval::Daily).due_day(-1), Some(-1));
    assert_eq!(schedule(PayoutInterval::Weekly(Weekday::Wednesday)).due_day(-1), Some(-1));
    assert_eq!(schedule(PayoutInterval::Weekly(Weekday::Thursday)).due_day(-1), None);
}

#[test]
fn add_business_days_table() {
    // 2024-01-01 was a Monday; the 6th and 7th were a weekend.
    let rows: [(i64, u32, i64); 18] = [
        (at(2024, 1, 1, 10), 1, at(2024, 1, 2, 10)),     // Mon + 1 = Tue
        (at(2024, 1, 1, 10), 4, at(2024, 1, 5, 10)),     // Mon + 4 = Fri
        (at(2024, 1, 1, 10), 5, at(2024, 1, 8, 10)),     // Mon + 5 = next Mon
        (at(2024, 1, 3, 10), 2, at(2024, 1, 5, 10)),     // Wed + 2 = Fri
        (at(2024, 1, 3, 10), 10, at(2024, 1, 17, 10)),   // Wed + 10 = Wed two weeks on
        (at(2024, 1, 4, 10), 1, at(2024, 1, 5, 10)),     // Thu + 1 = Fri
        (at(2024, 1, 4, 10), 2, at(2024, 1, 8, 10)),     // Thu + 2 = Mon
        (at(2024, 1, 5, 10), 1, at(2024, 1, 8, 10)),     // Fri + 1 = Mon
        (at(2024, 1, 5, 23), 5, at(2024, 1, 12, 23)),    // Fri + 5 = next Fri
        (at(2024, 1, 6, 10), 1, at(2024, 1, 8, 10)),     // Sat + 1 = Mon
        (at(2024, 1, 6, 10), 2, at(2024, 1, 9, 10)),     // Sat + 2 = Tue
        (at(2024, 1, 6, 10), 6, at(2024, 1, 15, 10)),    // Sat + 6 = Mon after next
        (at(2024, 1, 7, 0), 1, at(2024, 1, 8, 0)),       // Sun + 1 = Mon
        (at(2024, 1, 7, 10), 5, at(2024, 1, 12, 10)),    // Sun + 5 = Fri
        (at(2024, 1, 1, 10), 0, at(2024, 1, 1, 10)),     // + 0 leaves a weekday alone
        (at(2024, 1, 6, 10), 0, at(2024, 1, 6, 10)),     // … and a weekend day too
        (at(1969, 12, 31, 10), 2, at(1970, 1, 2, 10)),   // Wed + 2 = Fri, across 1970
        (at(1969, 12, 27, 10), 1, at(1969, 12, 29, 10)), // Sat + 1 = Mon, before 1970
    ];
    for (from, days, expected) in rows {
        assert_eq!(add_business_days(from, days), expected, "{from} + {days}");
    }
    // Saturates instead of overflowing.
    assert_eq!(add_business_days(i64::MAX, 1), i64::MAX);
    assert_eq!(add_business_days(i64::MAX - 10 * SECONDS_PER_DAY, u32::MAX), i64::MAX);
    let _ = add_business_days(i64::MIN, u32::MAX);
}

/// `add_business_days` done the slow way: a day at a time, counting the weekdays passed.
fn add_business_days_slowly(unix_s: i64, days: u32) -> i64 {
    let mut instant = unix_s;
    for _ in 0..days {
        instant += SECONDS_PER_DAY;
        while weekday_of(instant).is_weekend() {
            instant += SECONDS_PER_DAY;
        }
    }
    instant
}

// ------------------------------------------------------------------------------------ payout amount

#[test]
fn check_payout_rules() {
    assert_eq!(check_payout(1, 1), Ok(()));
    assert_eq!(check_payout(500, 1_000), Ok(()));
    assert_eq!(check_payout(0, 1_000), Err(PayoutError::AmountInvalid));
    assert_eq!(check_payout(-5, 1_000), Err(PayoutError::AmountInvalid));
    assert_eq!(check_payout(i64::MIN, i64::MIN), Err(PayoutError::AmountInvalid));
    assert_eq!(check_payout(1_001, 1_000), Err(PayoutError::InsufficientAvailable { available: 1_000 }));
    assert_eq!(check_payout(1, -50), Err(PayoutError::InsufficientAvailable { available: -50 }));
    assert_eq!(PayoutError::AmountInvalid.code(), "amount_invalid");
    let insufficient = PayoutError::InsufficientAvailable { available: 1_000 };
    assert_eq!(insufficient.code(), "insufficient_available_balance");
    assert_eq!(insufficient.to_string(), "The amount is more than the available balance.");
}

// ------------------------------------------------------------------------------------- bank numbers

#[test]
fn aba_routing_numbers() {
    for good in ["110000000", "021000021", "011000015", " 110000000 ", "\t021000021\n"] {
        assert_eq!(check_aba_routing(good).as_deref(), Ok(good.trim()), "{good:?}");
    }
    for bad in ["123456789", "11000000", "1100000000", "11000000a", "110 000 000", "110-000-000", "", "١١٠٠٠٠٠٠٠"]
    {
        assert_eq!(check_aba_routing(bad), Err(BankAccountError::RoutingNumberInvalid), "{bad:?}");
    }
    // The weights 3, 7 and 1 are prime to 10: every single-digit change is caught.
    for valid in ["110000000", "021000021", "011000015"] {
        for (position, digit) in single_digit_changes(valid) {
            let changed = with_digit(valid, position, digit);
            assert!(check_aba_routing(&changed).is_err(), "{changed}");
        }
    }
    assert_eq!(BankAccountError::RoutingNumberInvalid.code(), "routing_number_invalid");
}

#[test]
fn us_account_numbers() {
    let rows = [
        ("000123456789", "000123456789"),
        ("0001-2345 6789", "000123456789"),
        (" 1234 ", "1234"),
        ("12345678901234567", "12345678901234567"),
    ];
    for (input, expected) in rows {
        assert_eq!(check_us_account_number(input).as_deref(), Ok(expected), "{input:?}");
    }
    for bad in ["", "123", "1-2-3", "123456789012345678", "12a4", "1234.", "١٢٣٤", "12_34"] {
        assert_eq!(check_us_account_number(bad), Err(BankAccountError::AccountNumberInvalid), "{bad:?}");
    }
    assert_eq!(BankAccountError::AccountNumberInvalid.code(), "account_number_invalid");
}

const VALID_IBANS: [&str; 5] = [
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00",
    "ES91 2100 0418 4502 0005 1332",
];

#[test]
fn valid_ibans() {
    for iban in VALID_IBANS {
        let compact: String = iban.chars().filter(|c| *c != ' ').collect();
        assert_eq!(check_iban(iban).as_deref(), Ok(compact.as_str()), "{iban}");
        assert_eq!(check_iban(&iban.to_lowercase()).as_deref(), Ok(compact.as_str()), "{iban}");
        assert_eq!(check_iban(&compact).as_deref(), Ok(compact.as_str()), "{iban}");
    }
    // A country without a known length only needs 15 to 34 characters (Kosovo, 20).
    assert_eq!(check_iban("XK05 1212 0123 4567 8906").as_deref(), Ok("XK051212012345678906"));
    assert_eq!(check_iban(&make_iban("XK", "1212012345678906")).as_deref(), Ok("XK051212012345678906"));
}

#[test]
fn single_digit_changes_of_valid_ibans_are_refused() {
    for iban in VALID_IBANS {
        let compact: String = iban.chars().filter(|c| *c != ' ').collect();
        for (position, digit) in single_digit_changes(&compact) {
            let changed = with_digit(&compact, position, digit);
            assert_eq!(check_iban(&changed), Err(BankAccountError::IbanInvalid), "{changed}");
        }
    }
}

#[test]
fn malformed_ibans() {
    let de = "DE89370400440532013000";
    let bad = [
        "",
        "DE89",
        "DE8937040044053201300",               // a digit short
        "DE893704004405320130000",             // a digit too many
        "D189370400440532013000",              // the country is not two letters
        "DEX9370400440532013000",              // the check digits are not digits
        "DE89-3704-0044-0532-0130-00",         // dashes are not spaces
        "DE89370400440532013000É",             // not ASCII
        "DE8937040044053201300\u{0}",          // a control character
        "89DE370400440532013000",              // the country at the end
        "GB82WEST12345698765432XX",            // too long for GB
        "XK0512120123",                        // too short for any country
        "XK051212012345678906123456789012345", // 35 characters
    ];
    for iban in bad {
        assert_eq!(check_iban(iban), Err(BankAccountError::IbanInvalid), "{iban:?}");
    }
    // A right checksum does not save a wrong length for a known country.
    let short_de = make_iban("DE", "370400440532013");
    assert_eq!(short_de.len(), 19);
    assert_eq!(check_iban(&short_de), Err(BankAccountError::IbanInvalid));
    assert!(check_iban(de).is_ok());
    // The table holds the lengths the brief names.
    let required = [
        ("DE", 22),
        ("GB", 22),
        ("FR", 27),
        ("ES", 24),
        ("IT", 27),
        ("NL", 18),
        ("BE", 16),
        ("AT", 20),
        ("CH", 21),
        ("IE", 22),
        ("PL", 28),
        ("PT", 25),
        ("SE", 24),
        ("NO", 15),
        ("DK", 18),
        ("FI", 18),
        ("LU", 20),
    ];
    for (country, length) in required {
        assert_eq!(iban_length(country), Some(length), "{country}");
    }
    assert_eq!(iban_length("XK"), None);
    assert_eq!(BankAccountError::IbanInvalid.code(), "iban_invalid");
}

#[test]
fn bank_messages_do_not_repeat_the_number() {
    let inputs = [("123456789", check_aba_routing("123456789")), ("123", check_us_account_number("123"))];
    for (input, result) in inputs {
        let message = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!message.is_empty() && !message.contains(input), "{message}");
    }
    let iban_message = check_iban("DE89370400440532013001").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(!iban_message.is_empty() && !iban_message.contains("3704"), "{iban_message}");
}

#[test]
fn last4_examples() {
    assert_eq!(last4("000123456789"), "6789");
    assert_eq!(last4("DE89370400440532013000"), "3000");
    assert_eq!(last4("1234"), "1234");
    assert_eq!(last4("12"), "12");
    assert_eq!(last4(""), "");
    assert_eq!(last4("ab€cde"), "€cde");
    assert_eq!(last4("€€€€€"), "€€€€");
}

/// Every (position, other digit) of the ASCII digits in `s`.
fn single_digit_changes(s: &str) -> Vec<(usize, u8)> {
    let positions = s.bytes().enumerate().filter(|(_, b)| b.is_ascii_digit());
    positions.flat_map(|(i, b)| (b'0'..=b'9').filter(move |d| *d != b).map(move |d| (i, d))).collect()
}

/// `s` with the byte at `position` replaced by the ASCII digit `digit`.
fn with_digit(s: &str, position: usize, digit: u8) -> String {
    s.char_indices().map(|(i, c)| if i == position { char::from(digit) } else { c }).collect()
}

/// A valid IBAN for `country` and `bban`, its check digits computed here independently of `iban_mod97`:
/// the digits of `bban + country + "00"` (letters as 10 to 35) reduced 9 digits at a time.
fn make_iban(country: &str, bban: &str) -> String {
    let digits: String = format!("{bban}{country}00")
        .chars()
        .map(|c| c.to_digit(36).map(|v| v.to_string()).unwrap_or_default())
        .collect();
    let mut remainder: u64 = 0;
    for chunk in digits.as_bytes().chunks(9) {
        let value = std::str::from_utf8(chunk).ok().and_then(|c| c.parse::<u64>().ok()).unwrap_or(0);
        remainder = (remainder * 10u64.pow(chunk.len() as u32) + value) % 97;
    }
    format!("{country}{:02}{bban}", 98 - remainder)
}

// --------------------------------------------------------------------------------------- properties

/// A country with a known IBAN length and a random BBAN of that length (digits and upper-case letters).
fn known_country_iban() -> impl Strategy<Value = String> {
    (0..IBAN_LENGTHS.len()).prop_flat_map(|index| {
        let (country, length) = IBAN_LENGTHS[index];
        let alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
        proptest::collection::vec(proptest::sample::select(alphabet), length - 4)
            .prop_map(move |chars| make_iban(country, &chars.into_iter().collect::<String>()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn fee_never_exceeds_the_amount_and_grows_with_it(
        bps in 0i64..=BPS_MAX,
        fixed in 0i64..=FIXED_FEE_MAX,
        a in any::<i64>(),
        b in any::<i64>(),
    ) {
        let schedule = FeeSchedule::new(bps, fixed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (low, high) = (a.min(b), a.max(b));
        for amount in [low, high] {
            let fee = schedule.fee_for(amount);
            prop_assert!((0..=amount.max(0)).contains(&fee), "fee {fee} on {amount}");
        }
        prop_assert!(schedule.fee_for(low) <= schedule.fee_for(high));
    }

    #[test]
    fn fee_for_is_in_range_even_for_fields_set_by_hand(
        bps in any::<i64>(), fixed in any::<i64>(), amount in any::<i64>(),
    ) {
        let fee = FeeSchedule { percent_bps: bps, fixed_amount: fixed }.fee_for(amount);
        prop_assert!((0..=amount.max(0)).contains(&fee));
    }

    #[test]
    fn fee_refund_shares_never_add_up_to_more_than_the_fee(
        captured in 1i64..=1_000_000_000,
        fee_permille in 0i64..=1_000,
        refunds in proptest::collection::vec(1i64..=1_000_000_000, 0..20),
        refund_everything in any::<bool>(),
    ) {
        let fee = captured / 1_000 * fee_permille + fee_permille % 7;
        let (mut refunded, mut fee_returned) = (0i64, 0i64);
        let mut steps: Vec<i64> = Vec::new();
        for refund in refunds {
            let refund = refund.min(captured - refunded);
            if refund == 0 { break; }
            steps.push(refund);
            refunded += refund;
        }
        if refund_everything && refunded < captured {
            steps.push(captured - refunded);
        }
        refunded = 0;
        for refund in steps {
            let share = fee_refund_share(fee, captured, refunded, refund, fee_returned);
            prop_assert!(share >= 0);
            refunded += refund;
            fee_returned += share;
            prop_assert!(fee_returned <= fee);
            // The cumulative rule: what was returned is the fee in proportion to what was refunded.
            let expected = round_half_up_div(i128::from(fee) * i128::from(refunded), i128::from(captured));
            prop_assert_eq!(fee_returned, expected);
        }
        prop_assert!(refunded <= captured);
        if refunded == captured {
            prop_assert_eq!(fee_returned, fee);
        }
        if refund_everything {
            prop_assert_eq!(fee_returned, fee);
        }
    }

    #[test]
    fn fee_refund_share_is_total_and_in_range(
        fee in any::<i64>(), captured in any::<i64>(), before in any::<i64>(), refund in any::<i64>(), returned in any::<i64>(),
    ) {
        let share = fee_refund_share(fee, captured, before, refund, returned);
        prop_assert!((0..=fee.max(0)).contains(&share));
    }

    #[test]
    fn generated_ibans_pass_and_every_single_digit_change_is_refused(
        iban in known_country_iban(),
        pick in any::<prop::sample::Index>(),
        spaced in any::<bool>(),
    ) {
        prop_assert_eq!(check_iban(&iban), Ok(iban.clone()));
        if spaced {
            let spaced: Vec<String> = iban.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_lowercase()).collect();
            prop_assert_eq!(check_iban(&spaced.join(" ")), Ok(iban.clone()));
        }
        let changes = single_digit_changes(&iban);
        prop_assert!(!changes.is_empty()); // the check digits are digits
        let (position, digit) = changes[pick.index(changes.len())];
        let changed = with_digit(&iban, position, digit);
        prop_assert_eq!(check_iban(&changed), Err(BankAccountError::IbanInvalid), "{}", changed);
    }

    #[test]
    fn add_business_days_never_lands_on_a_weekend(
        from in -100_000_000_000i64..100_000_000_000,
        days in 1u32..2_000,
    ) {
        let to = add_business_days(from, days);
        prop_assert!(!weekday_of(to).is_weekend(), "{} + {} = {}", from, days, to);
        prop_assert!(to > from);
        prop_assert_eq!(to.rem_euclid(SECONDS_PER_DAY), from.rem_euclid(SECONDS_PER_DAY));
    }

    #[test]
    fn add_business_days_matches_counting_a_day_at_a_time(
        from in -10_000_000_000i64..10_000_000_000,
        days in 0u32..40,
    ) {
        prop_assert_eq!(add_business_days(from, days), add_business_days_slowly(from, days));
    }

    #[test]
    fn nothing_panics_on_any_input(text in any::<String>(), instant in any::<i64>(), days in any::<u32>()) {
        let _ = (check_aba_routing(&text), check_us_account_number(&text), check_iban(&text));
        prop_assert!(text.ends_with(last4(&text)) && last4(&text).chars().count() <= 4);
        let _ = (weekday_of(instant), add_business_days(instant, days));
        for interval in [PayoutInterval::Daily, PayoutInterval::Weekly(Weekday::Sunday), PayoutInterval::Manual] {
            let _ = PayoutSchedule { interval, minimum_amount: 0 }.due_day(instant);
        }
    }
}
