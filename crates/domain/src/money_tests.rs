//! Unit and property tests of money: parsing, formatting, rounding and conversion in every currency.

use super::*;
use proptest::prelude::*;

const BHD: Currency = Currency(*b"BHD");
const CLF: Currency = Currency(*b"CLF");

fn cur(code: &str) -> Currency {
    match Currency::parse(code) {
        Ok(c) => c,
        Err(e) => panic!("test currency {code}: {e}"),
    }
}

fn mismatch(left: Currency, right: Currency) -> MoneyError {
    MoneyError::CurrencyMismatch { left, right }
}

fn too_many(currency: Currency) -> MoneyError {
    MoneyError::TooManyDecimals { currency, max: currency.minor_units() }
}

// ---------------------------------------------------------------- currency

#[test]
fn currency_table() {
    fn check(code: &str, expected: Result<u8, ()>) {
        let got = Currency::parse(code).map(|c| c.minor_units());
        match expected {
            Ok(units) => assert_eq!(got, Ok(units), "{code:?}"),
            Err(()) => {
                assert!(matches!(got, Err(MoneyError::UnknownCurrency(_))), "{code:?} should be refused, got {got:?}")
            }
        }
    }
    let rows: &[(&str, Result<u8, ()>)] = &[
        ("USD", Ok(2)),
        ("EUR", Ok(2)),
        ("GBP", Ok(2)),
        ("JPY", Ok(0)),
        ("KRW", Ok(0)),
        ("ISK", Ok(0)),
        ("BHD", Ok(3)),
        ("KWD", Ok(3)),
        ("TND", Ok(3)),
        ("CLF", Ok(4)),
        ("UYW", Ok(4)),
        ("AED", Ok(2)),
        ("ZWG", Ok(2)),
        ("usd", Err(())),
        ("Usd", Err(())),
        ("XAU", Err(())),
        ("XAG", Err(())),
        ("XPT", Err(())),
        ("XPD", Err(())),
        ("XDR", Err(())),
        ("XTS", Err(())),
        ("XXX", Err(())),
        ("XBA", Err(())),
        ("XBB", Err(())),
        ("XBC", Err(())),
        ("XBD", Err(())),
        ("XSU", Err(())),
        ("XUA", Err(())),
        ("ABC", Err(())),
        ("", Err(())),
        ("US", Err(())),
        ("USDD", Err(())),
        (" USD", Err(())),
        ("USD ", Err(())),
        ("U€D", Err(())),
    ];
    for (code, expected) in rows {
        check(code, *expected);
    }
}

#[test]
fn currency_table_is_sorted_unique_and_well_formed() {
    assert!(CURRENCIES.len() >= 150, "{}", CURRENCIES.len());
    assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
    for (code, units) in CURRENCIES {
        assert!(code.iter().all(u8::is_ascii_uppercase), "{code:?}");
        assert!(matches!(units, 0 | 2 | 3 | 4), "{code:?}");
        let parsed = Currency::parse(std::str::from_utf8(code).unwrap_or(""));
        assert_eq!(parsed, Ok(Currency(*code)));
    }
}

#[test]
fn currency_minor_unit_exceptions_are_exactly_the_documented_ones() {
    let zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    let three = "BHD IQD JOD KWD LYD OMR TND";
    let four = "CLF UYW";
    for (list, units) in [(zero, 0u8), (three, 3), (four, 4)] {
        for code in list.split(' ') {
            assert_eq!(cur(code).minor_units(), units, "{code}");
        }
    }
    let exceptions = CURRENCIES.iter().filter(|(_, u)| *u != 2).count();
    assert_eq!(exceptions, 17 + 7 + 2);
}

#[test]
fn currency_constants_and_display() {
    assert_eq!(cur("USD"), Currency::USD);
    assert_eq!(cur("EUR"), Currency::EUR);
    assert_eq!(cur("GBP"), Currency::GBP);
    assert_eq!(cur("JPY"), Currency::JPY);
    assert_eq!(Currency::USD.code(), "USD");
    assert_eq!(Currency::JPY.to_string(), "JPY");
    assert_eq!(format!("[{:>5}]", Currency::EUR), "[  EUR]");
    assert_eq!("GBP".parse::<Currency>(), Ok(Currency::GBP));
    assert_eq!(BHD.minor_units(), 3);
    assert_eq!(CLF.minor_units(), 4);
    assert!(Currency::EUR < Currency::USD);
}

#[test]
fn unknown_currency_echo_is_truncated() {
    let long = "x".repeat(1000);
    assert_eq!(Currency::parse(&long), Err(MoneyError::UnknownCurrency("x".repeat(16))));
    assert_eq!(Currency::parse("usd"), Err(MoneyError::UnknownCurrency("usd".to_owned())));
}

// ----------------------------------------------------------------- parsing

#[test]
fn parse_decimal_table() {
    use Sign::{Any, NonNegative, Positive};
    let usd = Currency::USD;
    let jpy = Currency::JPY;
    fn check(s: &str, currency: Currency, sign: Sign, expected: Result<i64, MoneyError>) {
        let got = Money::parse_decimal(s, currency, sign);
        let expected = expected.map(|a| Money::new(a, currency));
        assert_eq!(got, expected, "parse_decimal({s:?}, {currency}, {sign:?})");
    }
    let rows: Vec<(&str, Currency, Sign, Result<i64, MoneyError>)> = vec![
        // valid
        ("10", usd, NonNegative, Ok(1000)),
        ("10.5", usd, NonNegative, Ok(1050)),
        ("10.50", usd, NonNegative, Ok(1050)),
        ("0.01", usd, Positive, Ok(1)),
        ("0", usd, NonNegative, Ok(0)),
        ("0.00", usd, Any, Ok(0)),
        ("007.10", usd, Any, Ok(710)),
        ("-3.25", usd, Any, Ok(-325)),
        ("-0", usd, Any, Ok(0)),
        ("-0.05", usd, Any, Ok(-5)),
        ("1000", jpy, Positive, Ok(1000)),
        ("0.001", BHD, NonNegative, Ok(1)),
        ("1.234", BHD, NonNegative, Ok(1234)),
        ("1.2", BHD, NonNegative, Ok(1200)),
        ("1.2345", CLF, NonNegative, Ok(12345)),
        ("92233720368547758.07", usd, Any, Ok(i64::MAX)),
        ("-92233720368547758.08", usd, Any, Ok(i64::MIN)),
        ("9223372036854775807", jpy, Any, Ok(i64::MAX)),
        ("-9223372036854775808", jpy, Any, Ok(i64::MIN)),
        ("00000000000000000000000000000000000000000001", jpy, Any, Ok(1)),
        // too many decimals
        ("10.5", jpy, NonNegative, Err(too_many(jpy))),
        ("10.0", jpy, NonNegative, Err(too_many(jpy))),
        ("1.234", usd, NonNegative, Err(too_many(usd))),
        ("1.230", usd, NonNegative, Err(too_many(usd))),
        ("0.0001", BHD, NonNegative, Err(too_many(BHD))),
        ("1.23456", CLF, NonNegative, Err(too_many(CLF))),
        // sign policy
        ("-1", usd, NonNegative, Err(MoneyError::NegativeNotAllowed)),
        ("-1", usd, Positive, Err(MoneyError::NegativeNotAllowed)),
        ("-0", usd, NonNegative, Err(MoneyError::NegativeNotAllowed)),
        ("0", usd, Positive, Err(MoneyError::ZeroNotAllowed)),
        ("0.00", usd, Positive, Err(MoneyError::ZeroNotAllowed)),
        // overflow
        ("99999999999999999999", jpy, Any, Err(MoneyError::Overflow)),
        ("99999999999999999999", usd, Any, Err(MoneyError::Overflow)),
        ("9223372036854775807", usd, Any, Err(MoneyError::Overflow)),
        ("9223372036854775808", jpy, Any, Err(MoneyError::Overflow)),
        ("-9223372036854775809", jpy, Any, Err(MoneyError::Overflow)),
        ("92233720368547758.08", usd, Any, Err(MoneyError::Overflow)),
        ("999999999999999999999999999999999999999999999999", usd, Any, Err(MoneyError::Overflow)),
        // malformed
        ("", usd, Any, Err(MoneyError::InvalidAmount)),
        (".", usd, Any, Err(MoneyError::InvalidAmount)),
        ("-", usd, Any, Err(MoneyError::InvalidAmount)),
        ("-.", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1.", usd, Any, Err(MoneyError::InvalidAmount)),
        (".5", usd, Any, Err(MoneyError::InvalidAmount)),
        ("-.5", usd, Any, Err(MoneyError::InvalidAmount)),
        ("+1", usd, Any, Err(MoneyError::InvalidAmount)),
        ("--1", usd, Any, Err(MoneyError::InvalidAmount)),
        (" 1", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1 ", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1\n", usd, Any, Err(MoneyError::InvalidAmount)),
        ("- 1", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1e3", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1E3", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1,000", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1_000", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1'000", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1,5", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1.2.3", usd, Any, Err(MoneyError::InvalidAmount)),
        ("١٢", usd, Any, Err(MoneyError::InvalidAmount)),
        ("１", usd, Any, Err(MoneyError::InvalidAmount)),
        ("0x10", usd, Any, Err(MoneyError::InvalidAmount)),
        ("NaN", usd, Any, Err(MoneyError::InvalidAmount)),
        ("inf", usd, Any, Err(MoneyError::InvalidAmount)),
        ("$1", usd, Any, Err(MoneyError::InvalidAmount)),
        ("1USD", usd, Any, Err(MoneyError::InvalidAmount)),
    ];
    for (s, currency, sign, expected) in rows {
        check(s, currency, sign, expected);
    }
}

#[test]
fn render_table() {
    fn check(amount: i64, currency: Currency, decimal: &str) {
        let m = Money::new(amount, currency);
        assert_eq!(m.to_decimal_string(), decimal, "{m:?}");
        assert_eq!(m.format(), format!("{decimal} {currency}"));
        assert_eq!(m.to_string(), m.format());
        assert_eq!(Money::parse_decimal(decimal, currency, Sign::Any), Ok(m), "round trip of {decimal:?}");
    }
    let rows = [
        (1050, Currency::USD, "10.50"),
        (-5, Currency::USD, "-0.05"),
        (0, Currency::USD, "0.00"),
        (1, Currency::USD, "0.01"),
        (-100, Currency::EUR, "-1.00"),
        (1000, Currency::JPY, "1000"),
        (-7, Currency::JPY, "-7"),
        (0, Currency::JPY, "0"),
        (1234, BHD, "1.234"),
        (5, BHD, "0.005"),
        (10000, CLF, "1.0000"),
        (-1, CLF, "-0.0001"),
        (i64::MAX, Currency::USD, "92233720368547758.07"),
        (i64::MIN, Currency::USD, "-92233720368547758.08"),
        (i64::MIN, Currency::JPY, "-9223372036854775808"),
        (i64::MIN, CLF, "-922337203685477.5808"),
    ];
    for (amount, currency, decimal) in rows {
        check(amount, currency, decimal);
    }
    assert_eq!(Money::new(1050, Currency::USD).format(), "10.50 USD");
    assert_eq!(Money::format_minor(1050, "USD").as_deref(), Some("10.50 USD"));
    assert_eq!(Money::format_minor(500, "JPY").as_deref(), Some("500 JPY"));
    assert_eq!(Money::format_minor(1, "usd"), None);
}

// -------------------------------------------------------------- arithmetic

#[test]
fn checked_arithmetic_table() {
    let usd = |a| Money::new(a, Currency::USD);
    let eur = |a| Money::new(a, Currency::EUR);
    type Op = fn(&Money, Money) -> Result<Money, MoneyError>;
    let add: Op = Money::checked_add;
    let sub: Op = Money::checked_sub;
    type Row = (&'static str, Op, Money, Money, Result<Money, MoneyError>);
    let rows: Vec<Row> = vec![
        ("add", add, usd(150), usd(275), Ok(usd(425))),
        ("add neg", add, usd(150), usd(-275), Ok(usd(-125))),
        ("add max", add, usd(i64::MAX), usd(0), Ok(usd(i64::MAX))),
        ("add overflow", add, usd(i64::MAX), usd(1), Err(MoneyError::Overflow)),
        ("add underflow", add, usd(i64::MIN), usd(-1), Err(MoneyError::Overflow)),
        ("add mismatch", add, usd(1), eur(1), Err(mismatch(Currency::USD, Currency::EUR))),
        ("mismatch wins over overflow", add, eur(i64::MAX), usd(1), Err(mismatch(Currency::EUR, Currency::USD))),
        ("sub", sub, usd(150), usd(275), Ok(usd(-125))),
        ("sub min", sub, usd(i64::MIN), usd(0), Ok(usd(i64::MIN))),
        ("sub underflow", sub, usd(i64::MIN), usd(1), Err(MoneyError::Overflow)),
        ("sub overflow", sub, usd(0), usd(i64::MIN), Err(MoneyError::Overflow)),
        ("sub mismatch", sub, eur(5), usd(1), Err(mismatch(Currency::EUR, Currency::USD))),
    ];
    for (name, op, left, right, expected) in rows {
        assert_eq!(op(&left, right), expected, "{name}");
    }
}

#[test]
fn negation_and_predicates() {
    let usd = |a| Money::new(a, Currency::USD);
    assert_eq!(usd(5).checked_neg(), Ok(usd(-5)));
    assert_eq!(usd(i64::MAX).checked_neg(), Ok(usd(-i64::MAX)));
    assert_eq!(usd(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
    let rows = [(-1, (true, false, false)), (0, (false, true, false)), (1, (false, false, true))];
    for (amount, expected) in rows {
        let m = usd(amount);
        assert_eq!((m.is_negative(), m.is_zero(), m.is_positive()), expected, "{amount}");
    }
    let z = Money::zero(Currency::JPY);
    assert!(z.is_zero());
    assert_eq!(z.currency(), Currency::JPY);
    assert_eq!(z.amount_minor(), 0);
}

// -------------------------------------------------------------- allocation

#[test]
fn allocate_table() {
    fn check(total: i64, weights: &[u64], expected: Result<Vec<i64>, MoneyError>) {
        let got = Money::new(total, Currency::USD).allocate(weights);
        let expected = expected.map(|v| v.into_iter().map(|a| Money::new(a, Currency::USD)).collect());
        assert_eq!(got, expected, "allocate({total}, {weights:?})");
    }
    let big = u64::MAX;
    type Row = (i64, Vec<u64>, Result<Vec<i64>, MoneyError>);
    let rows: Vec<Row> = vec![
        (100, vec![1, 1, 1], Ok(vec![34, 33, 33])),
        (1, vec![1, 1], Ok(vec![1, 0])),
        (-100, vec![1, 1, 1], Ok(vec![-34, -33, -33])),
        (-1, vec![1, 1], Ok(vec![-1, 0])),
        (100, vec![1], Ok(vec![100])),
        (0, vec![1, 2, 3], Ok(vec![0, 0, 0])),
        (100, vec![0, 1, 0], Ok(vec![0, 100, 0])),
        (5, vec![0, 1, 1], Ok(vec![0, 3, 2])),
        (10, vec![1, 2], Ok(vec![3, 7])),
        (100, vec![50, 30, 20], Ok(vec![50, 30, 20])),
        (101, vec![50, 30, 20], Ok(vec![51, 30, 20])),
        // remainders .7, .2, .1 (×10 out of 10): the largest gets the unit
        (2, vec![35, 10, 5], Ok(vec![2, 0, 0])),
        (7, vec![1, 1, 1, 1], Ok(vec![2, 2, 2, 1])),
        (i64::MAX, vec![1, 1], Ok(vec![i64::MAX / 2 + 1, i64::MAX / 2])),
        (i64::MIN, vec![1, 1], Ok(vec![i64::MIN / 2, i64::MIN / 2])),
        (i64::MIN, vec![1], Ok(vec![i64::MIN])),
        (i64::MAX, vec![big, big, big], Ok(vec![3074457345618258603, 3074457345618258602, 3074457345618258602])),
        (i64::MIN, vec![big, 1], Ok(vec![i64::MIN, 0])),
        (100, vec![], Err(MoneyError::InvalidWeights)),
        (100, vec![0, 0], Err(MoneyError::InvalidWeights)),
        (0, vec![0], Err(MoneyError::InvalidWeights)),
    ];
    for (total, weights, expected) in rows {
        check(total, &weights, expected);
    }
}

// ---------------------------------------------------------- exchange rates

#[test]
fn rate_parse_table() {
    fn check(s: &str, expected: Result<(u128, u32, &str), MoneyError>) {
        let got = ExchangeRate::parse(s);
        match expected {
            Ok((mantissa, scale, rendered)) => {
                let rate = match got {
                    Ok(rate) => rate,
                    Err(e) => panic!("rate {s:?}: {e}"),
                };
                assert_eq!((rate.mantissa(), rate.scale()), (mantissa, scale), "{s:?}");
                assert_eq!(rate.to_string(), rendered, "{s:?}");
                assert_eq!(ExchangeRate::parse(rendered), Ok(rate), "{s:?}");
            }
            Err(e) => assert_eq!(got, Err(e), "{s:?}"),
        }
    }
    let bad = Err(MoneyError::InvalidRate);
    type Row = (&'static str, Result<(u128, u32, &'static str), MoneyError>);
    let rows: Vec<Row> = vec![
        ("1.0845", Ok((10845, 4, "1.0845"))),
        ("150", Ok((150, 0, "150"))),
        ("0.0067", Ok((67, 4, "0.0067"))),
        ("1.50", Ok((15, 1, "1.5"))),
        ("150.000", Ok((150, 0, "150"))),
        ("0.000000000001", Ok((1, 12, "0.000000000001"))),
        ("0.100000000000", Ok((1, 1, "0.1"))),
        ("007", Ok((7, 0, "7"))),
        ("0", bad.clone()),
        ("0.000", bad.clone()),
        ("-1", bad.clone()),
        ("+1", bad.clone()),
        ("0.0000000000001", bad.clone()),
        ("1.0000000000000", bad.clone()),
        ("", bad.clone()),
        (".", bad.clone()),
        ("1.", bad.clone()),
        (".5", bad.clone()),
        ("1e3", bad.clone()),
        (" 1", bad.clone()),
        ("1,5", bad.clone()),
        ("abc", bad.clone()),
        ("99999999999999999999999999999999999999999", bad.clone()),
    ];
    for (s, expected) in rows {
        check(s, expected);
    }
    assert_eq!(ExchangeRate::new(0, 0), Err(MoneyError::InvalidRate));
    assert_eq!(ExchangeRate::new(1, 13), Err(MoneyError::InvalidRate));
    assert_eq!(ExchangeRate::new(1500, 3), ExchangeRate::parse("1.5"));
    assert_eq!("1.5".parse::<ExchangeRate>(), ExchangeRate::new(15, 1));
}

#[test]
fn convert_table() {
    fn check(rate: &str, from: Money, to: Currency, expected: Result<i64, MoneyError>) {
        let got = ExchangeRate::parse(rate).and_then(|r| r.convert(from, to));
        assert_eq!(got, expected.map(|a| Money::new(a, to)), "{from} at {rate} to {to}");
    }
    let usd = |a| Money::new(a, Currency::USD);
    let eur = |a| Money::new(a, Currency::EUR);
    let jpy = |a| Money::new(a, Currency::JPY);
    let clf = |a| Money::new(a, CLF);
    let rows: Vec<(&str, Money, Currency, Result<i64, MoneyError>)> = vec![
        // 1501.23 rounds down
        ("150.123", usd(1000), Currency::JPY, Ok(1501)),
        // 108.5 rounds half up
        ("1.085", eur(100), Currency::USD, Ok(109)),
        // -108.5 rounds half away from zero
        ("1.085", eur(-100), Currency::USD, Ok(-109)),
        ("1.0849", eur(100), Currency::USD, Ok(108)),
        // 1000 JPY at 0.0067 = 6.70 USD
        ("0.0067", jpy(1000), Currency::USD, Ok(670)),
        // 1 JPY at 0.0067 = 0.67 cents -> 1 cent
        ("0.0067", jpy(1), Currency::USD, Ok(1)),
        ("0.0067", jpy(-1), Currency::USD, Ok(-1)),
        ("0.0049", jpy(1), Currency::USD, Ok(0)),
        ("0.005", jpy(1), Currency::USD, Ok(1)),
        // 1.00 USD at 0.377 BHD = 0.377 BHD
        ("0.377", usd(100), BHD, Ok(377)),
        ("1", usd(12345), Currency::USD, Ok(12345)),
        ("1", usd(0), Currency::JPY, Ok(0)),
        ("150", usd(i64::MAX), Currency::JPY, Err(MoneyError::Overflow)),
        ("1", usd(i64::MAX), CLF, Err(MoneyError::Overflow)),
        ("1", usd(i64::MIN), Currency::EUR, Ok(i64::MIN)),
        ("1", usd(i64::MIN), Currency::JPY, Ok(i64::MIN / 100)),
        // -922337203685477.5808 CLF at 1e-12 = -922.3372... JPY
        ("0.000000000001", clf(i64::MIN), Currency::JPY, Ok(-922)),
        // 0.0001 CLF at 1e-12 to CLF = 1e-16 -> 0
        ("0.000000000001", clf(1), CLF, Ok(0)),
        ("0.5", clf(1), CLF, Ok(1)),
        ("0.5", clf(-1), CLF, Ok(-1)),
        ("0.4999", clf(-1), CLF, Ok(0)),
    ];
    for (rate, from, to, expected) in rows {
        check(rate, from, to, expected);
    }
    let huge = match ExchangeRate::new(u128::MAX, 0) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(huge.convert(usd(2), Currency::USD), Err(MoneyError::Overflow));
    assert_eq!(huge.convert(usd(0), Currency::USD), Ok(usd(0)));
}

// -------------------------------------------------------------- properties

fn any_currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just(Currency::USD), Just(Currency::JPY), Just(BHD), Just(CLF),]
}

proptest! {
    #[test]
    fn allocate_sums_exactly_and_parts_are_fair(
        total in any::<i64>(),
        weights in proptest::collection::vec(0u64..=u64::from(u32::MAX), 1..20),
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let money = Money::new(total, Currency::USD);
        let parts = money.allocate(&weights);
        prop_assert!(parts.is_ok(), "{:?}", parts);
        let parts = parts.unwrap_or_default();
        prop_assert_eq!(parts.len(), weights.len());
        let sum: i128 = parts.iter().map(|p| i128::from(p.amount_minor())).sum();
        prop_assert_eq!(sum, i128::from(total));
        let weight_sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        for (part, &w) in parts.iter().zip(&weights) {
            prop_assert_eq!(part.currency(), Currency::USD);
            // |part - total * w / weight_sum| < 1, scaled by weight_sum.
            let diff = i128::from(part.amount_minor()) * weight_sum
                - i128::from(total) * i128::from(w);
            prop_assert!(diff.abs() < weight_sum, "part {:?} weight {}", part, w);
            if w == 0 {
                prop_assert!(part.is_zero());
            }
        }
    }

    #[test]
    fn parse_render_round_trip(amount in any::<i64>(), currency in any_currency()) {
        let money = Money::new(amount, currency);
        let rendered = money.to_decimal_string();
        prop_assert_eq!(Money::parse_decimal(&rendered, currency, Sign::Any), Ok(money));
    }

    #[test]
    fn rate_round_trip(mantissa in 1u128..=u128::from(u64::MAX), scale in 0u32..=12) {
        let rate = ExchangeRate::new(mantissa, scale);
        prop_assert!(rate.is_ok());
        let rate = rate.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(ExchangeRate::parse(&rate.to_string()), Ok(rate));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,30}", currency in any_currency()) {
        let _ = Money::parse_decimal(&s, currency, Sign::Any);
        let _ = ExchangeRate::parse(&s);
        let _ = Currency::parse(&s);
    }
}
