//! The other fields people type: emails, passwords, phones, countries, gift codes, one-time codes, order
//! numbers, security questions and their answers, and uploaded documents (their first bytes). Nothing
//! panics; normalising is idempotent.
#![no_main]

use domain::accounts::{Country, Email, Password, Phone};
use domain::checkout::{normalize_one_time_code, parse_order_number};
use domain::gift_cards::normalize_code;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = domain::verification::sniff_document(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(email) = Email::parse(text) {
        assert_eq!(Email::parse(email.as_str()).map(|e| e.as_str().to_owned()), Ok(email.as_str().to_owned()));
    }
    let _ = Password::parse(text);
    let _ = Phone::parse(text);
    let _ = Country::parse(text);
    if let Some(code) = normalize_code(text) {
        assert_eq!(normalize_code(&code), Some(code.clone()), "{text:?}");
    }
    if let Some(code) = normalize_one_time_code(text) {
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{text:?} → {code:?}");
    }
    let _ = parse_order_number(text);
    let answer = domain::verification::normalize_answer(text);
    assert_eq!(domain::verification::normalize_answer(&answer), answer, "{text:?}");
    let pairs: Vec<(&str, &str)> = text.split('\n').filter_map(|line| line.split_once('=')).collect();
    if let Ok(set) = domain::verification::check_questions(&pairs) {
        assert!((2..=3).contains(&set.len()));
    }
});
