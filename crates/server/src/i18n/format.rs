//! Numbers, money, dates and times as each language writes them, in the reader's time zone.
//!
//! As CLDR writes them: English "$1,234.56" and "November 29, 2026"; Russian "1 234,56 $" and
//! "29 ноября 2026 г."; Spanish "1234,56 US$" (Spanish groups thousands from five digits) and
//! "29 de noviembre de 2026". Times name their zone: "November 29, 2026 17:05 Europe/Moscow".
//! (The API's own English sentences keep "1234.56 USD", which programs and logs read unambiguously.)

use domain::money::{Currency, Money};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::{text_in, Arg, Locale};

/// No-break space: Russian groups and the space before a currency sign.
const NBSP: char = '\u{a0}';

/// `amount_minor` of `currency` in `locale`; `None` for a currency this program does not know.
pub fn money(locale: Locale, amount_minor: i64, currency: &str) -> Option<String> {
    let c = Currency::parse(currency).ok()?;
    let decimal = Money::new(amount_minor, c).to_decimal_string();
    let (sign, digits) = match decimal.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", decimal.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if locale == Locale::En {
        // "$1,234.56", "-€5.00", "RUB 1,234.56": the sign before, and a space after a code.
        let number = group(whole, ',', 4);
        let number = if fraction.is_empty() { number } else { format!("{number}.{fraction}") };
        let symbol = symbol(locale, c.code());
        let space = if symbol.chars().all(|ch| ch.is_ascii_uppercase()) { "\u{a0}" } else { "" };
        return Some(format!("{sign}{symbol}{space}{number}"));
    }
    let grouped = match locale {
        Locale::Ru => group(whole, NBSP, 4),
        _ => group(whole, '.', 5),
    };
    let number = if fraction.is_empty() { grouped } else { format!("{grouped},{fraction}") };
    Some(format!("{sign}{number}{NBSP}{}", symbol(locale, c.code())))
}

/// Groups of three digits from the right, once the number has at least `from_digits` digits.
fn group(whole: &str, separator: char, from_digits: usize) -> String {
    if whole.len() < from_digits {
        return whole.to_owned();
    }
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// The currency's sign as the language writes it (CLDR's narrow symbols where unambiguous).
fn symbol(locale: Locale, code: &str) -> &str {
    match (locale, code) {
        (Locale::En, "USD") => "$",
        (Locale::En, "GBP") => "£",
        (Locale::En, "JPY") => "¥",
        (Locale::Ru, "USD") => "$",
        (Locale::Es, "USD") => "US$",
        (_, "EUR") => "€",
        (Locale::Ru, "RUB") => "₽",
        (Locale::Ru, "GBP") => "£",
        (Locale::Es, "GBP") => "GBP",
        (Locale::Ru, "JPY") => "¥",
        (Locale::Es, "JPY") => "JPY",
        _ => code,
    }
}

/// A valid IANA time zone name (`Europe/Madrid`, `UTC`), from the bundled tz database.
pub fn time_zone_exists(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && TimeZone::get(name).is_ok()
}

/// Year, month, day, hour and minute of `unix_s` in `time_zone` (UTC when unknown).
fn civil(unix_s: i64, time_zone: &str) -> (i16, i8, i8, i8, i8) {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    let Ok(ts) = Timestamp::from_second(unix_s) else { return (1970, 1, 1, 0, 0) };
    let dt = tz.to_datetime(ts);
    (dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute())
}

/// A date in `locale`, in `time_zone`.
pub fn date(locale: Locale, time_zone: &str, unix_s: i64) -> String {
    let (y, m, d, _, _) = civil(unix_s, time_zone);
    text_in(
        locale,
        "date-long",
        &[
            ("day", Arg::Number(d.into())),
            ("month", Arg::Text(month_of_date(locale, m))),
            ("year", Arg::Number(y.into())),
        ],
    )
}

/// A date and time in `locale`, in `time_zone`, naming the zone.
pub fn datetime(locale: Locale, time_zone: &str, unix_s: i64) -> String {
    let (_, _, _, h, min) = civil(unix_s, time_zone);
    let zone = if TimeZone::get(time_zone).is_ok() { time_zone } else { "UTC" };
    format!("{} {h:02}:{min:02} {zone}", date(locale, time_zone, unix_s))
}

/// The month's name as a date writes it (Russian's genitive: "ноября").
fn month_of_date(locale: Locale, month: i8) -> String {
    let id = match month {
        1 => "month-1",
        2 => "month-2",
        3 => "month-3",
        4 => "month-4",
        5 => "month-5",
        6 => "month-6",
        7 => "month-7",
        8 => "month-8",
        9 => "month-9",
        10 => "month-10",
        11 => "month-11",
        _ => "month-12",
    };
    text_in(locale, id, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_as_each_language_writes_it() {
        assert_eq!(money(Locale::En, 123_456, "USD").as_deref(), Some("$1,234.56"));
        assert_eq!(money(Locale::En, -500, "EUR").as_deref(), Some("-€5.00"));
        assert_eq!(money(Locale::En, 99_900, "RUB").as_deref(), Some("RUB\u{a0}999.00"));
        assert_eq!(money(Locale::En, 1_234_567, "JPY").as_deref(), Some("¥1,234,567"));
        assert_eq!(money(Locale::Ru, 123_456, "USD").as_deref(), Some("1\u{a0}234,56\u{a0}$"));
        assert_eq!(money(Locale::Es, 123_456, "USD").as_deref(), Some("1234,56\u{a0}US$"));
        assert_eq!(money(Locale::Es, 1_234_500, "EUR").as_deref(), Some("12.345,00\u{a0}€"));
        assert_eq!(money(Locale::Ru, -99_900, "RUB").as_deref(), Some("-999,00\u{a0}₽"));
        assert_eq!(money(Locale::Ru, 1_000_000_000, "JPY").as_deref(), Some("1\u{a0}000\u{a0}000\u{a0}000\u{a0}¥"));
        assert_eq!(money(Locale::Ru, 5, "XXX"), None);
    }

    #[test]
    fn dates_in_the_readers_zone_and_language() {
        // 2026-11-29 23:30 UTC is already the 30th in Moscow.
        let t = 1_795_995_000;
        assert_eq!(datetime(Locale::En, "UTC", t), "November 29, 2026 23:30 UTC");
        assert_eq!(datetime(Locale::En, "Europe/Moscow", t), "November 30, 2026 02:30 Europe/Moscow");
        assert_eq!(date(Locale::Ru, "Europe/Moscow", t), "30 ноября 2026 г.");
        assert_eq!(date(Locale::Es, "America/Mexico_City", t), "29 de noviembre de 2026");
        assert_eq!(datetime(Locale::Es, "Nowhere/Else", t), "29 de noviembre de 2026 23:30 UTC");
        assert!(time_zone_exists("America/Argentina/Buenos_Aires") && !time_zone_exists("Mars/Olympus"));
    }
}
