//! The proleptic Gregorian calendar in UTC, for the rules that count in calendar years and months
//! rather than in seconds: a gift card's credit expires on the same date and time of day some years
//! after its purchase ([`add_years`]), and monthly limits need the year and month of an instant
//! ([`year_month_of`]). Days are counted from 1970-01-01 with Howard Hinnant's algorithms
//! (<https://howardhinnant.github.io/date_algorithms.html>); instants are Unix seconds given by the
//! caller, never read from a clock. Leap seconds do not exist here, as in Unix time. Every function is
//! total: it never panics, whatever its input (intermediate values are computed in `i128`, results that
//! do not fit in an `i64` saturate).

/// Seconds in a calendar day of Unix time.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days in an era of 400 Gregorian years, after which the calendar repeats.
const DAYS_PER_ERA: i128 = 146_097;
/// Days from 0000-03-01 (the start of era 0, in a year that begins in March) to 1970-01-01.
const EPOCH_SHIFT_DAYS: i128 = 719_468;

/// Saturates an `i128` into the `i64` range.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// Whether `year` has a February 29 (divisible by 4, except centuries not divisible by 400).
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The date `(year, month 1..=12, day 1..=31)` of the day that is `days` after 1970-01-01
/// (negative before it). Every `i64` has a date; 0 is `(1970, 1, 1)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = i128::from(days) + EPOCH_SHIFT_DAYS;
    let era = z.div_euclid(DAYS_PER_ERA);
    let day_of_era = z.rem_euclid(DAYS_PER_ERA); // [0, 146096]
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // [0, 399]
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // [0, 365], from March 1
    let month_from_march = (5 * day_of_year + 2) / 153; // [0, 11]
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1; // [1, 31]
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 }; // [1, 12]
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    // `year` is about `days / 365`, so it always fits; month and day are in range by construction.
    (saturate(year), u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
}

/// The number of days from 1970-01-01 to the date `year-month-day` (negative before it), the inverse
/// of [`civil_from_days`] for every valid date.
///
/// `month` must be 1 to 12 and `day` 1 to the length of that month for the result to mean anything;
/// other values give an unspecified day but never a panic (a day past the end of the month counts on
/// into the next one: January 32 is February 1). A result outside the `i64` range saturates.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i128::from(month), i128::from(day));
    let year = i128::from(year) - i128::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // [0, 399]
    let month_from_march = if month > 2 { month - 3 } else { month + 9 }; // [0, 11]
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // [0, 365]
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; // [0, 146096]
    saturate(era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT_DAYS)
}

/// The UTC year and month (1 to 12) of the instant `unix_s`.
pub fn year_month_of(unix_s: i64) -> (i64, u32) {
    let (year, month, _) = civil_from_days(unix_s.div_euclid(SECONDS_PER_DAY));
    (year, month)
}

/// The instant `years` calendar years after `unix_s`: the same month, day and time of day (UTC), with
/// February 29 becoming February 28 when the target year is not a leap year (so the result is never
/// in the month after). An instant beyond the `i64` range saturates.
pub fn add_years(unix_s: i64, years: u32) -> i64 {
    let days = unix_s.div_euclid(SECONDS_PER_DAY);
    let second_of_day = unix_s.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let target_year = year.saturating_add(i64::from(years));
    let target_day = if month == 2 && day == 29 && !is_leap_year(target_year) { 28 } else { day };
    let target_days = days_from_civil(target_year, month, target_day);
    saturate(i128::from(target_days) * i128::from(SECONDS_PER_DAY) + i128::from(second_of_day))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
