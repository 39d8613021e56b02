//! The proleptic Gregorian calendar in UTC, for the rules that count in calendar years and months
//! rather than in seconds: a gift card's credit expires on the same date and time of day some years
//! after its purchase ([`add_years`]), and monthly limits need the year and month of an instant
//! ([`year_month_of`]). Dates are `jiff`'s civil dates, with no time zone (everything here is UTC);
//! instants are Unix seconds given by the caller, never read from a clock. Leap seconds do not exist
//! here, as in Unix time.
//!
//! The calendar covers jiff's range, the years -9999 to 9999 (days -4,371,587 to 2,932,896 from
//! 1970-01-01). Every function is total: it never panics, whatever its input. Beyond the range results
//! saturate: a date is the range's first or last day, a day count or an instant is `i64::MIN` (before
//! the range) or `i64::MAX` (after it) — an instant in the year 10000 is "never", as far as an expiry
//! goes.

use jiff::civil::{date, Date};
use jiff::Span;

/// Seconds in a calendar day of Unix time.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Day 0 of Unix time.
const EPOCH: Date = date(1970, 1, 1);

/// The date `days` after 1970-01-01, if the calendar's range has it.
fn date_of(days: i64) -> Option<Date> {
    Span::new().try_days(days).and_then(|span| EPOCH.checked_add(span)).ok()
}

/// The days from 1970-01-01 to `date` (negative before it).
fn days_of(date: Date) -> i64 {
    date.duration_since(EPOCH).as_secs() / SECONDS_PER_DAY
}

/// Whether `year` has a February 29 (divisible by 4, except centuries not divisible by 400), for
/// every year, inside the calendar's range or not.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The date `(year, month 1..=12, day 1..=31)` of the day that is `days` after 1970-01-01
/// (negative before it); 0 is `(1970, 1, 1)`. A day beyond the calendar's range gives the range's
/// first day (-9999-01-01) or last day (9999-12-31).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let date = date_of(days).unwrap_or(if days < 0 { Date::MIN } else { Date::MAX });
    // Month and day are positive: 1 to 12, 1 to 31.
    (i64::from(date.year()), u32::from(date.month().unsigned_abs()), u32::from(date.day().unsigned_abs()))
}

/// The number of days from 1970-01-01 to the date `year-month-day` (negative before it), the inverse
/// of [`civil_from_days`] for every date of the calendar's range.
///
/// `day` should be 1 to the length of the month; other values count on from the month's first day
/// (January 32 is February 1, January 0 is December 31). A year outside the calendar's range or a
/// month outside 1 to 12 has no date: the result saturates, to `i64::MIN` for a negative year and to
/// `i64::MAX` otherwise.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let first_of_month =
        i16::try_from(year).ok().zip(i8::try_from(month).ok()).and_then(|(y, m)| Date::new(y, m, 1).ok());
    match first_of_month {
        Some(first) => days_of(first) + i64::from(day) - 1,
        None if year < 0 => i64::MIN,
        None => i64::MAX,
    }
}

/// The UTC year and month (1 to 12) of the instant `unix_s`.
pub fn year_month_of(unix_s: i64) -> (i64, u32) {
    let (year, month, _) = civil_from_days(unix_s.div_euclid(SECONDS_PER_DAY));
    (year, month)
}

/// The instant `years` calendar years after `unix_s`: the same month, day and time of day (UTC), with
/// February 29 becoming February 28 when the target year is not a leap year (so the result is never
/// in the month after). An instant after the calendar's range, given or reached, saturates to
/// `i64::MAX`; one before it gives `i64::MIN`.
pub fn add_years(unix_s: i64, years: u32) -> i64 {
    let days = unix_s.div_euclid(SECONDS_PER_DAY);
    let Some(date) = date_of(days) else {
        return if days < 0 { i64::MIN } else { i64::MAX };
    };
    // jiff keeps the day of the month, or takes the month's last day when the target month is shorter.
    match Span::new().try_years(years).and_then(|span| date.checked_add(span)) {
        Ok(later) => days_of(later) * SECONDS_PER_DAY + unix_s.rem_euclid(SECONDS_PER_DAY),
        Err(_) => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Seconds since the epoch of a UTC date and time, through the functions under test.
    fn at(year: i64, month: u32, day: u32, hour: i64, minute: i64, second: i64) -> i64 {
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
    }

    #[test]
    fn known_dates() {
        let rows: &[(i64, (i64, u32, u32))] = &[
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (10_957, (2000, 1, 1)),
            (11_016, (2000, 2, 29)),
            (11_017, (2000, 3, 1)),
            (19_782, (2024, 2, 29)),
            (-25_508, (1900, 3, 1)),
            (-25_509, (1900, 2, 28)),
            (-719_162, (1, 1, 1)),
            (-719_468, (0, 3, 1)),
            (-719_469, (0, 2, 29)),
        ];
        for &(days, date) in rows {
            assert_eq!(civil_from_days(days), date, "{days}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), days, "{date:?}");
        }
    }

    #[test]
    fn leap_years() {
        for (year, leap) in
            [(2024, true), (2023, false), (2000, true), (1900, false), (2100, false), (0, true), (-4, true)]
        {
            assert_eq!(is_leap_year(year), leap, "{year}");
        }
    }

    #[test]
    fn round_trips_and_consecutive_days_over_a_range() {
        // 0400-03-01 .. 2800-02-28 and around: several eras, centuries and leap days.
        let mut previous = civil_from_days(-600_001);
        for days in -600_000..300_000 {
            let date = civil_from_days(days);
            assert_eq!(days_from_civil(date.0, date.1, date.2), days, "{date:?}");
            let (y, m, d) = previous;
            let next_in_month = (y, m, d + 1);
            let next_month = if m == 12 { (y + 1, 1, 1) } else { (y, m + 1, 1) };
            assert!(date == next_in_month || date == next_month, "{previous:?} then {date:?}");
            if date == next_month {
                let length = match m {
                    2 if is_leap_year(y) => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                assert_eq!(d, length, "{previous:?} ends its month");
            }
            previous = date;
        }
    }

    #[test]
    fn extremes_never_panic() {
        for days in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let (_, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d), "{days}");
        }
        assert_eq!(days_from_civil(i64::MAX, 12, 31), i64::MAX);
        assert_eq!(days_from_civil(i64::MIN, 1, 1), i64::MIN);
        let _ = days_from_civil(2024, 0, 0);
        let _ = days_from_civil(2024, u32::MAX, u32::MAX);
        assert_eq!(days_from_civil(2024, 1, 32), days_from_civil(2024, 2, 1));
        assert_eq!(add_years(i64::MAX, u32::MAX), i64::MAX);
        assert_eq!(add_years(i64::MAX - 5, 1), i64::MAX);
        let _ = add_years(i64::MIN, u32::MAX);
        let _ = year_month_of(i64::MIN);
        let _ = year_month_of(i64::MAX);
    }

    #[test]
    fn year_and_month_of_instants() {
        assert_eq!(year_month_of(0), (1970, 1));
        assert_eq!(year_month_of(-1), (1969, 12));
        assert_eq!(year_month_of(1_709_210_096), (2024, 2));
        assert_eq!(year_month_of(at(2025, 6, 30, 23, 59, 59)), (2025, 6));
        assert_eq!(year_month_of(at(2025, 7, 1, 0, 0, 0)), (2025, 7));
    }

    #[test]
    fn adding_years_keeps_the_date_and_time_of_day() {
        let rows: &[(i64, u32, i64)] = &[
            // 2024-02-29 12:34:56 (from an independent computation) → 2025-02-28, 2028-02-29.
            (1_709_210_096, 1, 1_740_746_096),
            (1_709_210_096, 4, 1_835_440_496),
            (1_709_210_096, 0, 1_709_210_096),
            (at(2024, 2, 29, 0, 0, 0), 3, at(2027, 2, 28, 0, 0, 0)),
            (at(2024, 2, 29, 23, 59, 59), 76, at(2100, 2, 28, 23, 59, 59)),
            (at(2024, 2, 29, 23, 59, 59), 376, at(2400, 2, 29, 23, 59, 59)),
            (at(2024, 2, 28, 8, 0, 0), 1, at(2025, 2, 28, 8, 0, 0)),
            (at(2024, 3, 1, 8, 0, 0), 1, at(2025, 3, 1, 8, 0, 0)),
            (at(2023, 3, 1, 0, 0, 0), 1, at(2024, 3, 1, 0, 0, 0)),
            (at(2025, 12, 31, 23, 59, 59), 3, at(2028, 12, 31, 23, 59, 59)),
            (at(2025, 1, 1, 0, 0, 0), 5, at(2030, 1, 1, 0, 0, 0)),
            // Before the epoch: 1960-07-15 23:59:59 → 1963-07-15 23:59:59.
            (-298_598_401, 3, -203_990_401),
            (-1, 1, at(1970, 12, 31, 23, 59, 59)),
        ];
        for &(from, years, expected) in rows {
            assert_eq!(add_years(from, years), expected, "{from} + {years} years");
        }
    }

    #[test]
    fn adding_years_over_a_range_of_instants() {
        // One instant every 7 hours 13 minutes over 1990..2090, three years later.
        let step = 7 * 3600 + 13 * 60 + 1;
        let mut t = at(1990, 1, 1, 0, 0, 0);
        while t < at(2090, 1, 1, 0, 0, 0) {
            let later = add_years(t, 3);
            let (y, m, d) = civil_from_days(t.div_euclid(SECONDS_PER_DAY));
            let (ly, lm, ld) = civil_from_days(later.div_euclid(SECONDS_PER_DAY));
            assert_eq!(later.rem_euclid(SECONDS_PER_DAY), t.rem_euclid(SECONDS_PER_DAY), "{t}");
            assert_eq!((ly, lm), (y + 3, m), "{t}");
            let leap_day_lost = (m, d) == (2, 29) && !is_leap_year(y + 3);
            assert_eq!(ld, if leap_day_lost { 28 } else { d }, "{t}");
            t += step;
        }
    }

    #[test]
    fn the_ends_of_the_range_saturate() {
        let (first, last) = (days_from_civil(-9999, 1, 1), days_from_civil(9999, 12, 31));
        assert_eq!((first, last), (-4_371_587, 2_932_896));
        assert_eq!(civil_from_days(first), (-9999, 1, 1));
        assert_eq!(civil_from_days(first - 1), (-9999, 1, 1));
        assert_eq!(civil_from_days(last), (9999, 12, 31));
        assert_eq!(civil_from_days(last + 1), (9999, 12, 31));
        assert_eq!(days_from_civil(10_000, 1, 1), i64::MAX);
        assert_eq!(days_from_civil(-10_000, 12, 31), i64::MIN);
        assert_eq!(days_from_civil(2024, 13, 1), i64::MAX);
        assert_eq!(days_from_civil(2024, 1, 0), days_from_civil(2023, 12, 31));
        assert_eq!(year_month_of(i64::MAX), (9999, 12));
        assert_eq!(year_month_of(i64::MIN), (-9999, 1));
        let last_second = (last + 1) * SECONDS_PER_DAY - 1;
        assert_eq!(add_years(last_second, 0), last_second);
        assert_eq!(add_years(last_second + 1, 0), i64::MAX);
        assert_eq!(add_years(at(9998, 12, 31, 23, 59, 59), 1), last_second);
        assert_eq!(add_years(at(9999, 1, 1, 0, 0, 0), 1), i64::MAX);
        assert_eq!(add_years(first * SECONDS_PER_DAY - 1, 5), i64::MIN);
        assert_eq!(add_years(first * SECONDS_PER_DAY, 19_998), at(9999, 1, 1, 0, 0, 0));
    }

    /// The length of a month, written out.
    fn month_length(year: i64, month: u32) -> u32 {
        match month {
            2 if is_leap_year(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    proptest! {
        #[test]
        fn every_year_has_its_leap_day_and_month_ends(year in -9999i64..=9999, month in 1u32..=12) {
            // February 29 exists exactly in leap years: the day after February 28 is March 1 otherwise.
            let after_feb_28 = civil_from_days(days_from_civil(year, 2, 28) + 1);
            prop_assert_eq!(after_feb_28, if is_leap_year(year) { (year, 2, 29) } else { (year, 3, 1) });
            // The day before the first of a month is the last day of the month before.
            let (py, pm) = if month == 1 { (year - 1, 12) } else { (year, month - 1) };
            if py >= -9999 {
                let before = civil_from_days(days_from_civil(year, month, 1) - 1);
                prop_assert_eq!(before, (py, pm, month_length(py, pm)));
            }
            // The last day of the month is followed by the first of the next one.
            let last = days_from_civil(year, month, month_length(year, month));
            let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
            if ny <= 9999 {
                prop_assert_eq!(civil_from_days(last + 1), (ny, nm, 1));
            }
        }

        #[test]
        fn days_and_dates_round_trip_over_the_whole_range(days in -4_371_587i64..=2_932_896) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m) && (1..=month_length(y, m)).contains(&d), "{:?}", (y, m, d));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn adding_years_keeps_the_date_or_takes_february_28(
            t in at(1600, 1, 1, 0, 0, 0)..at(2400, 1, 1, 0, 0, 0),
            years in 0u32..400,
        ) {
            let later = add_years(t, years);
            let (y, m, d) = civil_from_days(t.div_euclid(SECONDS_PER_DAY));
            let target = y + i64::from(years);
            let expected_day = if (m, d) == (2, 29) && !is_leap_year(target) { 28 } else { d };
            prop_assert_eq!(civil_from_days(later.div_euclid(SECONDS_PER_DAY)), (target, m, expected_day));
            prop_assert_eq!(later.rem_euclid(SECONDS_PER_DAY), t.rem_euclid(SECONDS_PER_DAY));
        }
    }
}
