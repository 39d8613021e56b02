//! The Pocket's lots: which credit a payment spends, how a hold is captured or released, what
//! expires, and when refunded money expires.
//!
//! A buyer's Pocket balance in one currency is made of **lots**, one per credit that came in (a gift
//! card load or redemption, a refund, a reimbursement), each with what remains of it, how much of that
//! is **held** by unshipped orders, and when it expires (or never). The money available in a lot is
//! `remaining − held`.
//!
//! - **Spending** ([`allocate`]): a payment takes from lots not expired at `now`, the earliest-expiring
//!   first, never-expiring lots last, ties by lower lot id, each up to its available amount. The
//!   resulting parts become the hold (the caller adds each part to its lot's `amount_held`).
//! - **Capture and release** ([`split_capture`]): when the seller ships, the captured amount is taken
//!   from the hold's parts in order (the earliest-expiring first) and the rest is released; a
//!   cancellation releases everything (capture 0).
//! - **Expiry** ([`expiring_now`]): a lot whose `expires_at` is at or before `now` expires, but only
//!   its available money: money an order holds is not taken away while the order holds it (the buyer
//!   was promised that payment). If the hold is captured, that money is spent; if it is released, it
//!   lands back in an expired lot and the next expiry run takes it (as breakage). [`expiring_soon`]
//!   tells the buyer what will expire within a horizon.
//! - **Refunds into the Pocket** ([`refund_lot_expiry`]), the rule: a refund creates a new lot.
//!   Money the buyer paid **by card** and chose to take back in the Pocket never expires: it was the
//!   buyer's own money, not gift credit. Money paid **from a Pocket lot** comes back with that lot's
//!   expiry, but never less than [`REFUND_EXPIRY_GRACE_S`] (90 days) after the refund, so a refund
//!   never lands already expired or about to; a lot that never expired returns as never expiring.
//!   When a payment spent several lots, each refunded part keeps its own lot's expiry.
//!
//! Amounts are minor units of the Pocket's currency, instants Unix seconds from the caller. Lot ids
//! are assumed unique. No IO and no clock here.

use std::collections::BTreeMap;

/// The least time, from the refund, before money refunded from a Pocket lot can expire: 90 days.
pub const REFUND_EXPIRY_GRACE_S: i64 = 90 * 86_400;

/// Parts of a payment or a hold, `(lot id, amount in minor units)`, in spending order. A plain `Vec`:
/// `Vec<(i64, i64)>` and `LotParts` are the same type.
pub type LotParts = Vec<(i64, i64)>;

/// One credit in a Pocket. Available money is `amount_remaining − amount_held`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lot {
    pub id: i64,
    /// What is left of the credit, held or not, in minor units.
    pub amount_remaining: i64,
    /// The part of `amount_remaining` reserved by unshipped orders.
    pub amount_held: i64,
    /// When the credit expires (at this instant it is already expired); `None` is never.
    pub expires_at: Option<i64>,
}

impl Lot {
    /// `amount_remaining − amount_held`, or 0 if a corrupt row would make it negative.
    pub fn available_minor(&self) -> i64 {
        self.amount_remaining.saturating_sub(self.amount_held).max(0)
    }

    /// Whether the lot has expired at `now` (`expires_at ≤ now`).
    pub fn is_expired_at(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|expires_at| expires_at <= now)
    }
}

/// Why a Pocket operation was refused. [`PocketError::code`] is the API code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PocketError {
    /// A payment amount, or a part of a hold, is zero or negative.
    #[error("The amount must be greater than zero.")]
    AmountNotPositive,
    /// A captured amount is negative.
    #[error("The amount can't be negative.")]
    AmountNegative,
    /// The lots not expired hold less available money than the payment needs.
    #[error("Your Pocket balance isn't enough for this payment.")]
    InsufficientBalance { available_minor: i64, requested_minor: i64 },
    /// More would be captured than the hold reserved.
    #[error("The amount to capture ({captured_minor}) is more than the amount held ({held_minor}).")]
    CaptureExceedsHold { captured_minor: i64, held_minor: i64 },
    /// A sum does not fit in an amount.
    #[error("The amount is too large.")]
    Overflow,
}

impl PocketError {
    /// The API `code` of this error. `CaptureExceedsHold` and `Overflow` come from amounts the platform
    /// computed rather than typed by a person; the server may well treat them as its own bug.
    pub fn code(&self) -> &'static str {
        match self {
            PocketError::AmountNotPositive
            | PocketError::AmountNegative
            | PocketError::CaptureExceedsHold { .. }
            | PocketError::Overflow => "amount_invalid",
            PocketError::InsufficientBalance { .. } => "insufficient_pocket_balance",
        }
    }
}

/// The parts, `(lot id, amount)`, that pay `amount_minor` from the Pocket at `now`.
///
/// Only lots not expired at `now` (`expires_at > now` or never) with available money take part, in
/// spending order: the earliest `expires_at` first, never-expiring lots last, equal expiries by lower
/// id. Each lot gives up to its available amount; the parts are positive and sum exactly to
/// `amount_minor`. A non-positive amount is [`PocketError::AmountNotPositive`]; too little money is
/// [`PocketError::InsufficientBalance`] with everything available (which is then below the request,
/// so it never overflows).
pub fn allocate(lots: &[Lot], amount_minor: i64, now: i64) -> Result<LotParts, PocketError> {
    if amount_minor <= 0 {
        return Err(PocketError::AmountNotPositive);
    }
    let mut spendable: Vec<&Lot> =
        lots.iter().filter(|lot| !lot.is_expired_at(now) && lot.available_minor() > 0).collect();
    spendable.sort_by_key(|lot| (lot.expires_at.is_none(), lot.expires_at, lot.id));
    let mut parts = Vec::new();
    let mut still_needed = amount_minor;
    for lot in spendable {
        if still_needed == 0 {
            break;
        }
        let part = lot.available_minor().min(still_needed);
        parts.push((lot.id, part));
        still_needed -= part;
    }
    if still_needed > 0 {
        return Err(PocketError::InsufficientBalance {
            available_minor: amount_minor - still_needed,
            requested_minor: amount_minor,
        });
    }
    Ok(parts)
}

/// Splits a hold into what is captured and what is released: `(captured parts, released parts)`.
///
/// `allocations` are the hold's parts `(lot id, amount)` as [`allocate`] made them (earliest-expiring
/// first); the capture takes from them in that order, and the rest of each part is released. Both
/// lists keep that order and omit zero parts; the captured parts sum to `captured_minor`, the released
/// ones to the hold minus it. Capturing 0 releases everything (a cancellation).
///
/// Errors: a part that is not positive → [`PocketError::AmountNotPositive`]; a negative capture →
/// [`PocketError::AmountNegative`]; a hold whose total does not fit → [`PocketError::Overflow`]; a
/// capture above the hold → [`PocketError::CaptureExceedsHold`].
pub fn split_capture(allocations: &[(i64, i64)], captured_minor: i64) -> Result<(LotParts, LotParts), PocketError> {
    if allocations.iter().any(|&(_, amount)| amount <= 0) {
        return Err(PocketError::AmountNotPositive);
    }
    if captured_minor < 0 {
        return Err(PocketError::AmountNegative);
    }
    let held_minor =
        allocations.iter().try_fold(0i64, |sum, &(_, amount)| sum.checked_add(amount)).ok_or(PocketError::Overflow)?;
    if captured_minor > held_minor {
        return Err(PocketError::CaptureExceedsHold { captured_minor, held_minor });
    }
    let mut captured = Vec::new();
    let mut released = Vec::new();
    let mut still_to_capture = captured_minor;
    for &(lot_id, amount) in allocations {
        let take = amount.min(still_to_capture);
        still_to_capture -= take;
        if take > 0 {
            captured.push((lot_id, take));
        }
        if amount > take {
            released.push((lot_id, amount - take));
        }
    }
    Ok((captured, released))
}

/// What expires at `now`: `(lot id, amount)` for each lot with `expires_at ≤ now` and available money,
/// in the order of `lots`. Only the available amount (`remaining − held`) expires; held money stays
/// until its order captures it or releases it, and released money expires on the next run.
pub fn expiring_now(lots: &[Lot], now: i64) -> Vec<(i64, i64)> {
    lots.iter()
        .filter(|lot| lot.is_expired_at(now) && lot.available_minor() > 0)
        .map(|lot| (lot.id, lot.available_minor()))
        .collect()
}

/// What will expire within `horizon_s` seconds of `now`, for the buyer: `(expires_at, amount)` with
/// the available money of every lot not yet expired whose `expires_at ≤ now + horizon_s`, one entry
/// per instant, ascending. Sums saturate at `i64::MAX` (no real Pocket gets near it).
pub fn expiring_soon(lots: &[Lot], now: i64, horizon_s: i64) -> Vec<(i64, i64)> {
    let until = now.saturating_add(horizon_s);
    let mut by_instant: BTreeMap<i64, i64> = BTreeMap::new();
    for lot in lots {
        let Some(expires_at) = lot.expires_at else { continue };
        if expires_at > now && expires_at <= until && lot.available_minor() > 0 {
            let sum = by_instant.entry(expires_at).or_insert(0);
            *sum = sum.saturating_add(lot.available_minor());
        }
    }
    by_instant.into_iter().collect()
}

/// Where refunded money was paid from, for [`refund_lot_expiry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundSource {
    /// Paid by card; the buyer chose to take the refund in the Pocket.
    CardPayment,
    /// Paid from a Pocket lot with this expiry (`None`: it never expired).
    PocketLot { original_expires_at: Option<i64> },
}

/// When the lot created by a refund at `now` expires (`None`: never). Card money never expires; Pocket
/// money keeps its lot's expiry, but no earlier than [`REFUND_EXPIRY_GRACE_S`] after `now`.
pub fn refund_lot_expiry(source: RefundSource, now: i64) -> Option<i64> {
    match source {
        RefundSource::CardPayment => None,
        RefundSource::PocketLot { original_expires_at } => {
            original_expires_at.map(|original| original.max(now.saturating_add(REFUND_EXPIRY_GRACE_S)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_750_000_000;
    const DAY: i64 = 86_400;

    fn lot(id: i64, amount_remaining: i64, amount_held: i64, expires_at: Option<i64>) -> Lot {
        Lot { id, amount_remaining, amount_held, expires_at }
    }

    /// Expected parts `(lot id, amount)`, or the error.
    type Expected<'a> = Result<&'a [(i64, i64)], PocketError>;

    /// The one helper of the allocation table.
    fn check(lots: &[Lot], amount_minor: i64, expected: Expected<'_>) {
        let got = allocate(lots, amount_minor, NOW);
        assert_eq!(got.as_deref().map_err(|e| *e), expected, "{amount_minor} from {lots:?}");
    }

    #[test]
    fn allocation() {
        use PocketError::*;
        let soon = Some(NOW + DAY);
        let later = Some(NOW + 30 * DAY);
        let mixed = [
            lot(1, 5_000, 0, None),
            lot(2, 2_000, 0, later),
            lot(3, 1_000, 0, soon),
            lot(4, 3_000, 0, Some(NOW)),     // expired at this very instant
            lot(5, 3_000, 0, Some(NOW - 1)), // expired
            lot(6, 500, 0, later),           // same expiry as 2, higher id
        ];
        let insufficient =
            |available_minor, requested_minor| Err(InsufficientBalance { available_minor, requested_minor });
        let rows: Vec<(Vec<Lot>, i64, Expected<'_>)> = vec![
            // Earliest first, ties by id, never-expiring last, expired lots skipped.
            (mixed.to_vec(), 1, Ok(&[(3, 1)])),
            (mixed.to_vec(), 1_000, Ok(&[(3, 1_000)])),
            (mixed.to_vec(), 1_001, Ok(&[(3, 1_000), (2, 1)])),
            (mixed.to_vec(), 3_000, Ok(&[(3, 1_000), (2, 2_000)])),
            (mixed.to_vec(), 3_200, Ok(&[(3, 1_000), (2, 2_000), (6, 200)])),
            (mixed.to_vec(), 3_501, Ok(&[(3, 1_000), (2, 2_000), (6, 500), (1, 1)])),
            (mixed.to_vec(), 8_500, Ok(&[(3, 1_000), (2, 2_000), (6, 500), (1, 5_000)])),
            (mixed.to_vec(), 8_501, insufficient(8_500, 8_501)),
            (mixed.to_vec(), 0, Err(AmountNotPositive)),
            (mixed.to_vec(), -5, Err(AmountNotPositive)),
            (vec![], 1, insufficient(0, 1)),
            // Held money is not available; a fully held lot gives nothing and makes no zero part.
            (
                vec![lot(1, 1_000, 600, soon), lot(2, 1_000, 1_000, soon), lot(3, 1_000, 0, later)],
                900,
                Ok(&[(1, 400), (3, 500)]),
            ),
            (vec![lot(1, 1_000, 600, soon), lot(2, 1_000, 1_000, soon)], 401, insufficient(400, 401)),
            // A corrupt row (held above remaining) counts as nothing available.
            (vec![lot(1, 100, 200, None), lot(2, 100, 0, None)], 100, Ok(&[(2, 100)])),
            // Empty lots are skipped.
            (vec![lot(7, 0, 0, soon), lot(8, 10, 0, later)], 10, Ok(&[(8, 10)])),
            // Ties broken by id whatever the input order.
            (vec![lot(9, 10, 0, soon), lot(4, 10, 0, soon)], 15, Ok(&[(4, 10), (9, 5)])),
            (vec![lot(9, 10, 0, None), lot(4, 10, 0, None)], 15, Ok(&[(4, 10), (9, 5)])),
        ];
        for (lots, amount, expected) in rows {
            check(&lots, amount, expected);
        }
        // Near the top of the range nothing overflows.
        check(&[lot(1, i64::MAX, 0, None), lot(2, i64::MAX, 0, soon)], i64::MAX, Ok(&[(2, i64::MAX)]));
        check(&[lot(1, i64::MAX - 1, 0, None)], i64::MAX, insufficient(i64::MAX - 1, i64::MAX));
    }

    #[test]
    fn capture_and_release() {
        use PocketError::*;
        let hold: &[(i64, i64)] = &[(3, 1_000), (2, 2_000), (1, 500)];
        type Parts<'a> = &'a [(i64, i64)];
        type Row<'a> = (Parts<'a>, i64, Result<(Parts<'a>, Parts<'a>), PocketError>);
        let rows: Vec<Row<'_>> = vec![
            (hold, 3_500, Ok((hold, &[]))),
            (hold, 0, Ok((&[], hold))),
            (hold, 1, Ok((&[(3, 1)], &[(3, 999), (2, 2_000), (1, 500)]))),
            (hold, 1_000, Ok((&[(3, 1_000)], &[(2, 2_000), (1, 500)]))),
            (hold, 2_500, Ok((&[(3, 1_000), (2, 1_500)], &[(2, 500), (1, 500)]))),
            (hold, 3_499, Ok((&[(3, 1_000), (2, 2_000), (1, 499)], &[(1, 1)]))),
            (hold, 3_501, Err(CaptureExceedsHold { captured_minor: 3_501, held_minor: 3_500 })),
            (hold, -1, Err(AmountNegative)),
            (&[], 0, Ok((&[], &[]))),
            (&[], 1, Err(CaptureExceedsHold { captured_minor: 1, held_minor: 0 })),
            (&[(1, 0)], 0, Err(AmountNotPositive)),
            (&[(1, -5), (2, 10)], 0, Err(AmountNotPositive)),
            (&[(1, i64::MAX), (2, 1)], 0, Err(Overflow)),
        ];
        for (allocations, captured_minor, expected) in rows {
            let got = split_capture(allocations, captured_minor);
            let got = got.as_ref().map(|(c, r)| (c.as_slice(), r.as_slice())).map_err(|e| *e);
            assert_eq!(got, expected, "capture {captured_minor} of {allocations:?}");
        }
    }

    #[test]
    fn expiry_takes_only_what_no_order_holds() {
        let lots = [
            lot(1, 1_000, 0, Some(NOW - DAY)),
            lot(2, 1_000, 400, Some(NOW)),
            lot(3, 1_000, 1_000, Some(NOW - 1)), // all held: nothing expires yet
            lot(4, 1_000, 0, Some(NOW + 1)),     // not yet
            lot(5, 1_000, 0, None),
            lot(6, 0, 0, Some(NOW - DAY)), // spent
        ];
        assert_eq!(expiring_now(&lots, NOW), vec![(1, 1_000), (2, 600)]);
        assert_eq!(expiring_now(&lots, NOW + 1), vec![(1, 1_000), (2, 600), (4, 1_000)]);
        assert_eq!(expiring_now(&lots, NOW - DAY - 1), vec![]);

        // The hold on lot 3 is released after expiry: the released money expires on the next run.
        let (captured, released) = split_capture(&[(3, 1_000)], 300).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((captured, released.clone()), (vec![(3, 300)], vec![(3, 700)]));
        let after = lot(3, 1_000 - 300, 0, Some(NOW - 1));
        assert_eq!(expiring_now(&[after], NOW), vec![(3, 700)]);
        // And an expired lot is never spent, even though its money is still there.
        assert_eq!(
            allocate(&[after], 1, NOW),
            Err(PocketError::InsufficientBalance { available_minor: 0, requested_minor: 1 })
        );
    }

    #[test]
    fn expiring_soon_groups_by_instant() {
        let week = 7 * DAY;
        let lots = [
            lot(1, 1_000, 0, Some(NOW + 2 * DAY)),
            lot(2, 500, 100, Some(NOW + DAY)),
            lot(3, 700, 0, Some(NOW + 2 * DAY)),
            lot(4, 900, 0, Some(NOW + week)),     // at the edge of the horizon: included
            lot(5, 900, 0, Some(NOW + week + 1)), // beyond it
            lot(6, 900, 0, Some(NOW)),            // already expired: not "soon"
            lot(7, 900, 0, None),
            lot(8, 900, 900, Some(NOW + DAY)), // all held
        ];
        assert_eq!(expiring_soon(&lots, NOW, week), vec![(NOW + DAY, 400), (NOW + 2 * DAY, 1_700), (NOW + week, 900)]);
        assert_eq!(expiring_soon(&lots, NOW, 0), vec![]);
        assert_eq!(expiring_soon(&lots, NOW, -week), vec![]);
        assert_eq!(expiring_soon(&lots, NOW, i64::MAX).len(), 4);
        let huge = [lot(1, i64::MAX, 0, Some(NOW + 1)), lot(2, i64::MAX, 0, Some(NOW + 1))];
        assert_eq!(expiring_soon(&huge, NOW, 1), vec![(NOW + 1, i64::MAX)]);
    }

    #[test]
    fn refunded_money_expiry() {
        let grace_end = NOW + REFUND_EXPIRY_GRACE_S;
        let rows: &[(RefundSource, Option<i64>)] = &[
            (RefundSource::CardPayment, None),
            (RefundSource::PocketLot { original_expires_at: None }, None),
            (RefundSource::PocketLot { original_expires_at: Some(NOW + 400 * DAY) }, Some(NOW + 400 * DAY)),
            (RefundSource::PocketLot { original_expires_at: Some(grace_end + 1) }, Some(grace_end + 1)),
            (RefundSource::PocketLot { original_expires_at: Some(grace_end) }, Some(grace_end)),
            (RefundSource::PocketLot { original_expires_at: Some(grace_end - 1) }, Some(grace_end)),
            (RefundSource::PocketLot { original_expires_at: Some(NOW + DAY) }, Some(grace_end)),
            (RefundSource::PocketLot { original_expires_at: Some(NOW - 365 * DAY) }, Some(grace_end)),
        ];
        for &(source, expected) in rows {
            assert_eq!(refund_lot_expiry(source, NOW), expected, "{source:?}");
        }
        assert_eq!(REFUND_EXPIRY_GRACE_S, 90 * DAY);
        let late = RefundSource::PocketLot { original_expires_at: Some(0) };
        assert_eq!(refund_lot_expiry(late, i64::MAX - 1), Some(i64::MAX));
    }

    #[test]
    fn error_codes() {
        use PocketError::*;
        let rows = [
            (AmountNotPositive, "amount_invalid"),
            (AmountNegative, "amount_invalid"),
            (InsufficientBalance { available_minor: 1, requested_minor: 2 }, "insufficient_pocket_balance"),
            (CaptureExceedsHold { captured_minor: 2, held_minor: 1 }, "amount_invalid"),
            (Overflow, "amount_invalid"),
        ];
        for (error, code) in rows {
            assert_eq!(error.code(), code, "{error:?}");
            assert!(error.to_string().ends_with('.'), "{error}");
        }
    }

    /// Lots with unique ids, some expired, some held, some never expiring.
    fn lots() -> impl Strategy<Value = Vec<Lot>> {
        proptest::collection::vec((0i64..2_000, 0i64..=100, proptest::option::of(-5i64..5)), 0..12).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (remaining, held_percent, expires_in_days))| Lot {
                    id: i64::try_from(i).unwrap_or(0) * 7 % 12 + 1,
                    amount_remaining: remaining,
                    amount_held: remaining * held_percent / 100,
                    expires_at: expires_in_days.map(|d| NOW + d * DAY),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn allocation_respects_every_lot_and_sums_exactly(lots in lots(), amount in 1i64..12_000) {
            let available: i64 = lots.iter().filter(|l| !l.is_expired_at(NOW)).map(Lot::available_minor).sum();
            match allocate(&lots, amount, NOW) {
                Ok(parts) => {
                    prop_assert!(available >= amount);
                    prop_assert_eq!(parts.iter().map(|&(_, a)| a).sum::<i64>(), amount);
                    for (i, &(id, part)) in parts.iter().enumerate() {
                        let lot = lots.iter().find(|l| l.id == id);
                        prop_assert!(lot.is_some(), "unknown lot {}", id);
                        let lot = lot.unwrap_or_else(|| panic!("checked above"));
                        prop_assert!(part > 0 && part <= lot.available_minor(), "{:?} takes {}", lot, part);
                        prop_assert!(!lot.is_expired_at(NOW));
                        prop_assert!(parts.iter().skip(i + 1).all(|&(other, _)| other != id), "lot {} twice", id);
                        // Every part but the last empties its lot: earlier lots are used up first.
                        if i + 1 < parts.len() {
                            prop_assert_eq!(part, lot.available_minor());
                        }
                    }
                    // No unused live lot comes before a used one in spending order.
                    let key = |l: &Lot| (l.expires_at.is_none(), l.expires_at, l.id);
                    let last_used = parts.last().and_then(|&(id, _)| lots.iter().find(|l| l.id == id)).map(key);
                    for lot in lots.iter().filter(|l| !l.is_expired_at(NOW) && l.available_minor() > 0) {
                        if parts.iter().all(|&(id, _)| id != lot.id) {
                            prop_assert!(Some(key(lot)) > last_used, "{:?} skipped", lot);
                        }
                    }
                }
                Err(error) => {
                    prop_assert!(available < amount);
                    prop_assert_eq!(
                        error,
                        PocketError::InsufficientBalance { available_minor: available, requested_minor: amount }
                    );
                }
            }
        }

        #[test]
        fn capture_and_release_sum_to_the_hold(
            amounts in proptest::collection::vec(1i64..5_000, 0..10),
            captured_share in 0u32..=1_000,
        ) {
            let allocations: Vec<(i64, i64)> = amounts.iter().enumerate().map(|(i, &a)| (i64::try_from(i).unwrap_or(0), a)).collect();
            let held: i64 = amounts.iter().sum();
            let captured = held * i64::from(captured_share) / 1_000;
            let (captured_parts, released_parts) = split_capture(&allocations, captured).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(captured_parts.iter().map(|&(_, a)| a).sum::<i64>(), captured);
            prop_assert_eq!(released_parts.iter().map(|&(_, a)| a).sum::<i64>(), held - captured);
            prop_assert!(captured_parts.iter().chain(&released_parts).all(|&(_, a)| a > 0));
            for &(id, amount) in &allocations {
                let of = |parts: &[(i64, i64)]| parts.iter().filter(|&&(p, _)| p == id).map(|&(_, a)| a).sum::<i64>();
                prop_assert_eq!(of(&captured_parts) + of(&released_parts), amount);
            }
            prop_assert_eq!(
                split_capture(&allocations, held + 1),
                Err(PocketError::CaptureExceedsHold { captured_minor: held + 1, held_minor: held })
            );
        }
    }
}
