//! Business days of the test bank: Monday to Friday, UTC, no holidays.

use domain::calendar::SECONDS_PER_DAY;

/// Day of the week of the day `days` after 1970-01-01, Monday = 0 … Sunday = 6 (1970-01-01 was a
/// Thursday).
fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// The instant `n` business days after `unix_s`, at the same time of day: each step moves to the next
/// Monday-to-Friday day. Friday 10:00 + 2 is Tuesday 10:00; Saturday or Sunday + 1 is Monday.
pub(crate) fn add_business_days(unix_s: i64, n: u32) -> i64 {
    let start = unix_s.div_euclid(SECONDS_PER_DAY);
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.saturating_add(1);
        if weekday(day) < 5 {
            left -= 1;
        }
    }
    unix_s.saturating_add((day - start).saturating_mul(SECONDS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::calendar::days_from_civil;

    fn at(year: i64, month: u32, day: u32, hour: i64) -> i64 {
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600
    }

    #[test]
    fn epoch_was_a_thursday() {
        assert_eq!(weekday(0), 3);
        assert_eq!(weekday(days_from_civil(2024, 3, 4)), 0); // a Monday
        assert_eq!(weekday(days_from_civil(1969, 12, 28)), 6); // a Sunday, before the epoch
    }

    #[test]
    fn adds_business_days_over_weekends() {
        // 2024-03-01 was a Friday.
        assert_eq!(add_business_days(at(2024, 3, 1, 10), 2), at(2024, 3, 5, 10)); // Friday → Tuesday
        assert_eq!(add_business_days(at(2024, 3, 2, 10), 1), at(2024, 3, 4, 10)); // Saturday → Monday
        assert_eq!(add_business_days(at(2024, 3, 3, 23), 1), at(2024, 3, 4, 23)); // Sunday → Monday
        assert_eq!(add_business_days(at(2024, 3, 3, 8), 2), at(2024, 3, 5, 8)); // Sunday → Tuesday
        assert_eq!(add_business_days(at(2024, 3, 4, 9), 2), at(2024, 3, 6, 9)); // Monday → Wednesday
        assert_eq!(add_business_days(at(2024, 3, 7, 9), 2), at(2024, 3, 11, 9)); // Thursday → Monday
        assert_eq!(add_business_days(at(2024, 3, 1, 10), 5), at(2024, 3, 8, 10)); // a whole week
        assert_eq!(add_business_days(at(2024, 3, 2, 10), 0), at(2024, 3, 2, 10));
        assert_eq!(add_business_days(-1, 1), SECONDS_PER_DAY - 1); // Wednesday 1969-12-31 → Thursday
    }
}
