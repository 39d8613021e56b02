//! Amounts and exchange rates as people and clients type them: parsing never panics, and what
//! parses prints back to the same value.
#![no_main]

use domain::money::{Currency, ExchangeRate, Money, Sign};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let currency = [Currency::USD, Currency::EUR, Currency::JPY, Currency::GBP][usize::from(selector % 4)];
    let sign = [Sign::Any, Sign::NonNegative, Sign::Positive][usize::from(selector / 4 % 3)];
    if let Ok(money) = Money::parse_decimal(text, currency, sign) {
        let printed = money.to_decimal_string();
        assert_eq!(Money::parse_decimal(&printed, currency, Sign::Any), Ok(money), "{text:?} printed as {printed:?}");
        if sign == Sign::Positive {
            assert!(money.amount_minor() > 0);
        }
        let _ = money.format();
    }
    if let Ok(rate) = ExchangeRate::parse(text) {
        let printed = rate.to_string();
        assert_eq!(ExchangeRate::parse(&printed).map(|r| r.to_string()), Ok(printed.clone()), "{text:?}");
        let _ = rate.convert(Money::new(12_345, Currency::USD), currency);
    }
    let _ = Currency::parse(text);
});
