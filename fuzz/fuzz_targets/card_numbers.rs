//! Card data as typed at checkout: numbers, expiry dates and security codes never panic, and a number
//! that parses is all digits, passes the Luhn check and shows only its last four.
#![no_main]

use domain::cards::{luhn_valid, parse_card_number, AcceptedBrands, Cvc, Expiry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if let Ok(number) = parse_card_number(text, &AcceptedBrands::all()) {
        let digits = number.expose_digits();
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{text:?}");
        assert!(luhn_valid(digits), "{text:?}");
        assert!(digits.ends_with(number.last4()) && number.last4().len() == 4);
        assert!(!format!("{number:?}").contains(digits), "Debug shows the number");
        let _ = Cvc::parse(text, number.brand());
    }
    let month = i64::from(selector) - 64;
    let year = text.len() as i64 + 2000;
    let _ = Expiry::parse(month, year, 2026, 11);
});
