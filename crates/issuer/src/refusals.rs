//! Why the test issuer refuses a payment: the card's own rule (always declined, no purchases abroad, a
//! code wanted), then the limits its spending has reached (daily, monthly, the credit line), read from
//! what this card has really authorized, captured and been repaid.

use domain::declines::DeclineCode;
use rusqlite::{params, Connection};

use crate::behaviours::{Behaviour, VerificationRule};
use crate::{year_month_of, AuthorizeRequest, Refusal};

/// Why the payment is refused, if it is; a database failure is for the caller to map (the test
/// issuer's `db_error`).
pub(crate) fn payment_refusal(
    tx: &Connection,
    req: &AuthorizeRequest,
    b: &Behaviour,
    reference: &str,
    amount_usd: i64,
    now: i64,
) -> rusqlite::Result<Option<Refusal>> {
    if let Some(code) = b.decline_payments {
        return Ok(Some(Refusal::Declined(code)));
    }
    if b.blocks_international && !req.merchant_country.eq_ignore_ascii_case(b.country) {
        return Ok(Some(Refusal::Declined(DeclineCode::TransactionNotAllowed)));
    }
    let needs_code = match b.verification {
        VerificationRule::Never => false,
        VerificationRule::Always => true,
        VerificationRule::UnlessSavedBeforehand => !req.card_saved_beforehand,
    };
    if needs_code && !req.verified {
        return Ok(Some(Refusal::VerificationRequired));
    }
    if let Some(code) = b.decline_after_verification {
        return Ok(Some(Refusal::Declined(code)));
    }
    // Limits, from what this card has really spent.
    let day_start = now.div_euclid(86_400) * 86_400;
    let (year, month) = year_month_of(now);
    let month_start = month_start_unix(year, month);
    let spent_since = |since: i64| -> rusqlite::Result<i64> {
        tx.query_row(
            "SELECT COALESCE(SUM(amount_usd_cents), 0) FROM authorizations
              WHERE card_ref = ?1 AND created_at >= ?2 AND status IN ('authorized', 'captured')",
            params![reference, since],
            |r| r.get(0),
        )
    };
    if spent_since(day_start)? + amount_usd > b.daily_limit_usd_cents {
        return Ok(Some(Refusal::Declined(DeclineCode::CardVelocityExceeded)));
    }
    if spent_since(month_start)? + amount_usd > b.monthly_limit_usd_cents {
        return Ok(Some(Refusal::Declined(DeclineCode::CardVelocityExceeded)));
    }
    let (held, captured): (i64, i64) = tx.query_row(
        "SELECT COALESCE(SUM(CASE WHEN status = 'authorized' AND expires_at > ?2
                                      THEN amount_usd_cents * (amount - released) / amount ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN status = 'captured' THEN amount_usd_cents * captured / amount ELSE 0 END), 0)
               FROM authorizations WHERE card_ref = ?1",
        params![reference, now],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let repaid: i64 = tx
        .query_row(
            "SELECT COALESCE(SUM(amount_usd_cents), 0) FROM refunds WHERE card_ref = ?1 AND status != 'failed' AND settles_at <= ?2",
            params![reference, now],
            |r| r.get(0),
        )?;
    if held + captured - repaid + amount_usd > b.credit_line_usd_cents {
        return Ok(Some(Refusal::Declined(DeclineCode::InsufficientFunds)));
    }
    Ok(None)
}

fn month_start_unix(year: i64, month: u32) -> i64 {
    // Days from civil (inverse of civil_from_days), for the 1st of the month.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_starts() {
        assert_eq!(month_start_unix(1970, 1), 0);
        assert_eq!(month_start_unix(2024, 3), 1_709_251_200);
        assert_eq!(year_month_of(month_start_unix(2026, 11)), (2026, 11));
        assert_eq!(year_month_of(month_start_unix(2026, 11) - 1), (2026, 10));
    }
}
