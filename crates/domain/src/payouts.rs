//! Sellers' money on its way out: the platform's fee on a sale ([`FeeSchedule`]) and the part of it
//! returned with each refund ([`fee_refund_share`]), the kinds of balance transaction
//! ([`BalanceTxType`]), a payout's lifecycle ([`PayoutStatus`] and its transitions, refused with a
//! [`PayoutTransitionError`] naming the reason), payout schedules ([`PayoutSchedule`]) and business days
//! ([`add_business_days`]), the payout amount rule ([`check_payout`]) and the checks of the bank numbers a
//! payout is sent to ([`check_aba_routing`], [`check_us_account_number`], [`check_iban`]).
//!
//! Money is in integer minor units; instants are Unix seconds given by the caller, and days are UTC
//! days. No IO, no clock, no randomness. Every function is total: it never panics, whatever its input
//! (products are computed in `i128`, results that do not fit in an `i64` saturate).

use crate::calendar::SECONDS_PER_DAY;

/// Saturates an `i128` into the `i64` range.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

// -------------------------------------------------------------------------------------------- fees

/// Basis points in a whole: 10,000 basis points are 100 %.
pub const BPS_MAX: i64 = 10_000;

/// The largest fixed part of a fee, in minor units (one million in a two-decimal currency).
pub const FIXED_FEE_MAX: i64 = 100_000_000;

/// Divides `numerator` by `denominator` and rounds to the nearest whole number, halves up
/// (`5 / 2` is 3). Meant for a non-negative numerator and a positive denominator; a negative numerator
/// or a denominator of zero or less gives 0. A quotient outside the `i64` range saturates.
pub fn round_half_up_div(numerator: i128, denominator: i128) -> i64 {
    if numerator < 0 || denominator <= 0 {
        return 0;
    }
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    // `remainder < denominator`, so neither side overflows; this is `2 × remainder ≥ denominator`.
    let round_up = remainder >= denominator - remainder;
    saturate(quotient + i128::from(round_up))
}

/// What the platform keeps from each sale: a percentage in basis points plus a fixed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSchedule {
    /// The percentage part, in basis points (500 is 5 %), 0 to [`BPS_MAX`].
    pub percent_bps: i64,
    /// The fixed part, in the sale's minor units, 0 to [`FIXED_FEE_MAX`].
    pub fixed_amount: i64,
}

/// Why a fee schedule is refused. [`FeeError::code`] is the API code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FeeError {
    /// The percentage is below 0 or above [`BPS_MAX`] basis points.
    #[error("The percentage must be between 0 and 10000 basis points.")]
    PercentInvalid,
    /// The fixed part is below 0 or above [`FIXED_FEE_MAX`].
    #[error("The fixed fee must be between 0 and 100000000 minor units.")]
    FixedInvalid,
}

impl FeeError {
    /// The API `code`: `"parameter_invalid"` for both.
    pub fn code(&self) -> &'static str {
        match self {
            FeeError::PercentInvalid | FeeError::FixedInvalid => "parameter_invalid",
        }
    }
}

impl FeeSchedule {
    /// A schedule of `percent_bps` basis points (0 to [`BPS_MAX`]) plus `fixed_amount` minor units
    /// (0 to [`FIXED_FEE_MAX`]); anything else is refused.
    pub fn new(percent_bps: i64, fixed_amount: i64) -> Result<FeeSchedule, FeeError> {
        if !(0..=BPS_MAX).contains(&percent_bps) {
            return Err(FeeError::PercentInvalid);
        }
        if !(0..=FIXED_FEE_MAX).contains(&fixed_amount) {
            return Err(FeeError::FixedInvalid);
        }
        Ok(FeeSchedule { percent_bps, fixed_amount })
    }

    /// The fee on a sale of `amount` minor units: `amount × percent_bps / 10000` rounded half-up, plus
    /// the fixed part, but never more than the sale itself. A sale of 0 or less has no fee. Fields set
    /// out of range without [`FeeSchedule::new`] are taken as the nearest allowed value, so the fee is
    /// always between 0 and `amount`, and never falls when the amount grows.
    pub fn fee_for(&self, amount: i64) -> i64 {
        if amount <= 0 {
            return 0;
        }
        let bps = self.percent_bps.clamp(0, BPS_MAX);
        let fixed = self.fixed_amount.clamp(0, FIXED_FEE_MAX);
        let percent = round_half_up_div(i128::from(amount) * i128::from(bps), i128::from(BPS_MAX));
        percent.saturating_add(fixed).min(amount)
    }
}

/// The part of a sale's fee returned with a refund of `refund`, when `refunded_before` of the
/// `captured` amount was already refunded and `fee_refunded_before` of the `fee` already returned.
///
/// The rule is cumulative, so rounding never adds up: once refunds total `R`, the fee returned in
/// total is `fee × R / captured` rounded half-up, and exactly `fee` when `R` reaches `captured`. The
/// share is that total less what was already returned, kept between 0 and what is left of the fee.
/// Over any refunds that add up to at most `captured`, the shares never add up to more than `fee`, and
/// add up to exactly `fee` when the refunds add up to `captured`.
///
/// Degenerate input returns 0: `captured`, `refund` or `fee` of 0 or less. A negative
/// `refunded_before` counts as 0, and `fee_refunded_before` is taken within 0 to `fee`.
pub fn fee_refund_share(fee: i64, captured: i64, refunded_before: i64, refund: i64, fee_refunded_before: i64) -> i64 {
    if captured <= 0 || refund <= 0 || fee <= 0 {
        return 0;
    }
    let fee_returned = fee_refunded_before.clamp(0, fee);
    let refunded_total = (i128::from(refunded_before.max(0)) + i128::from(refund)).min(i128::from(captured));
    let due_total = if refunded_total >= i128::from(captured) {
        fee
    } else {
        round_half_up_div(i128::from(fee) * refunded_total, i128::from(captured))
    };
    // `fee_returned` is within 0..=fee, so the subtractions cannot overflow.
    (due_total - fee_returned).clamp(0, fee - fee_returned)
}

// ------------------------------------------------------------------------------ balance transactions

/// What moved a seller's balance: the `type` of a balance transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BalanceTxType {
    /// A captured sale, credited to the seller (less its fee).
    Charge,
    /// A refund by the seller or an operator, taken from the seller.
    Refund,
    /// A refund decided on a buyer's claim, taken from the seller.
    ClaimRefund,
    /// The platform's fee on a sale.
    ApplicationFee,
    /// The part of a fee returned with a refund.
    ApplicationFeeRefund,
    /// Money sent to the seller's bank account.
    Payout,
    /// A payout that failed, its money returned to the available balance.
    PayoutFailure,
    /// A payout canceled before it was sent, its money returned to the available balance.
    PayoutCancel,
    /// A correction made by an operator.
    Adjustment,
}

impl BalanceTxType {
    /// Every type.
    pub const ALL: [BalanceTxType; 9] = [
        BalanceTxType::Charge,
        BalanceTxType::Refund,
        BalanceTxType::ClaimRefund,
        BalanceTxType::ApplicationFee,
        BalanceTxType::ApplicationFeeRefund,
        BalanceTxType::Payout,
        BalanceTxType::PayoutFailure,
        BalanceTxType::PayoutCancel,
        BalanceTxType::Adjustment,
    ];

    /// Stable snake_case name, the API's `type`, e.g. `"application_fee_refund"`.
    pub fn name(self) -> &'static str {
        match self {
            BalanceTxType::Charge => "charge",
            BalanceTxType::Refund => "refund",
            BalanceTxType::ClaimRefund => "claim_refund",
            BalanceTxType::ApplicationFee => "application_fee",
            BalanceTxType::ApplicationFeeRefund => "application_fee_refund",
            BalanceTxType::Payout => "payout",
            BalanceTxType::PayoutFailure => "payout_failure",
            BalanceTxType::PayoutCancel => "payout_cancel",
            BalanceTxType::Adjustment => "adjustment",
        }
    }

    /// Parses a name exactly as [`BalanceTxType::name`] writes it.
    pub fn parse(name: &str) -> Option<BalanceTxType> {
        BalanceTxType::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

// ---------------------------------------------------------------------------------- payout lifecycle

/// Where a payout is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutStatus {
    /// Created; the money is set aside but not sent yet.
    Pending,
    /// Sent to the bank; not arrived yet.
    InTransit,
    /// Arrived in the seller's bank account.
    Paid,
    /// The bank refused it; the money went back to the available balance.
    Failed,
    /// Canceled before it was sent; the money went back to the available balance.
    Canceled,
}

/// A step in a payout's life, as named by a [`PayoutTransitionError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutAction {
    /// Sending to the bank ([`PayoutStatus::send`]).
    Send,
    /// Marking it arrived ([`PayoutStatus::pay`]).
    Pay,
    /// Marking it failed ([`PayoutStatus::fail`]).
    Fail,
    /// Canceling it ([`PayoutStatus::cancel`]).
    Cancel,
}

impl PayoutAction {
    /// Every action.
    pub const ALL: [PayoutAction; 4] =
        [PayoutAction::Send, PayoutAction::Pay, PayoutAction::Fail, PayoutAction::Cancel];

    /// Stable lower-case name, e.g. `"cancel"`.
    pub fn name(self) -> &'static str {
        match self {
            PayoutAction::Send => "send",
            PayoutAction::Pay => "pay",
            PayoutAction::Fail => "fail",
            PayoutAction::Cancel => "cancel",
        }
    }

    /// What the action does to a payout, for messages: "canceled" in "cannot be canceled".
    fn done(self) -> &'static str {
        match self {
            PayoutAction::Send => "sent",
            PayoutAction::Pay => "marked paid",
            PayoutAction::Fail => "marked failed",
            PayoutAction::Cancel => "canceled",
        }
    }
}

/// Why a payout cannot take a step: the status it was in and the step asked for.
/// [`PayoutTransitionError::code`] is the API code; the `Display` text is a message for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("A payout that {} cannot be {}.", .from.state(), .action.done())]
pub struct PayoutTransitionError {
    /// The payout's status when the step was asked for.
    pub from: PayoutStatus,
    /// The step that was refused.
    pub action: PayoutAction,
}

impl PayoutTransitionError {
    /// The API `code`: `"payout_not_cancelable"` for a refused cancel, `"payout_state_invalid"` otherwise.
    pub fn code(&self) -> &'static str {
        match self.action {
            PayoutAction::Cancel => "payout_not_cancelable",
            PayoutAction::Send | PayoutAction::Pay | PayoutAction::Fail => "payout_state_invalid",
        }
    }
}

impl PayoutStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [PayoutStatus; 5] = [
        PayoutStatus::Pending,
        PayoutStatus::InTransit,
        PayoutStatus::Paid,
        PayoutStatus::Failed,
        PayoutStatus::Canceled,
    ];

    /// Stable snake_case name, the API's `status`, e.g. `"in_transit"`.
    pub fn name(self) -> &'static str {
        match self {
            PayoutStatus::Pending => "pending",
            PayoutStatus::InTransit => "in_transit",
            PayoutStatus::Paid => "paid",
            PayoutStatus::Failed => "failed",
            PayoutStatus::Canceled => "canceled",
        }
    }

    /// Parses a name exactly as [`PayoutStatus::name`] writes it.
    pub fn parse(name: &str) -> Option<PayoutStatus> {
        PayoutStatus::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Whether the payout's life is over: paid, failed or canceled.
    pub fn is_final(self) -> bool {
        matches!(self, PayoutStatus::Paid | PayoutStatus::Failed | PayoutStatus::Canceled)
    }

    /// The status, for messages: "is in transit" in "A payout that is in transit".
    fn state(self) -> &'static str {
        match self {
            PayoutStatus::Pending => "is pending",
            PayoutStatus::InTransit => "is in transit",
            PayoutStatus::Paid => "was paid",
            PayoutStatus::Failed => "has failed",
            PayoutStatus::Canceled => "was canceled",
        }
    }

    /// The refusal of `action` from this status.
    fn refuse(self, action: PayoutAction) -> PayoutTransitionError {
        PayoutTransitionError { from: self, action }
    }

    /// The payout is sent to the bank: `Pending → InTransit`; any other status is refused.
    pub fn send(self) -> Result<PayoutStatus, PayoutTransitionError> {
        match self {
            PayoutStatus::Pending => Ok(PayoutStatus::InTransit),
            _ => Err(self.refuse(PayoutAction::Send)),
        }
    }

    /// The money arrived: `InTransit → Paid`; any other status is refused.
    pub fn pay(self) -> Result<PayoutStatus, PayoutTransitionError> {
        match self {
            PayoutStatus::InTransit => Ok(PayoutStatus::Paid),
            _ => Err(self.refuse(PayoutAction::Pay)),
        }
    }

    /// The bank refused the payout: `Pending` or `InTransit → Failed`; a final status is refused.
    pub fn fail(self) -> Result<PayoutStatus, PayoutTransitionError> {
        match self {
            PayoutStatus::Pending | PayoutStatus::InTransit => Ok(PayoutStatus::Failed),
            _ => Err(self.refuse(PayoutAction::Fail)),
        }
    }

    /// The seller or an operator cancels: `Pending → Canceled`; once sent (or final) it is refused.
    pub fn cancel(self) -> Result<PayoutStatus, PayoutTransitionError> {
        match self {
            PayoutStatus::Pending => Ok(PayoutStatus::Canceled),
            _ => Err(self.refuse(PayoutAction::Cancel)),
        }
    }
}

// ------------------------------------------------------------------------------ schedules and days

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Lower-case English name, the API's `weekly_anchor`, e.g. `"monday"`.
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// Parses a name exactly as [`Weekday::name`] writes it.
    pub fn parse(name: &str) -> Option<Weekday> {
        Weekday::ALL.into_iter().find(|day| day.name() == name)
    }

    /// Whether banks are closed: Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

/// Days since Monday (0 for Monday, 6 for Sunday) of the UTC day number `day` (days since 1970-01-01,
/// a Thursday).
fn days_since_monday(day: i64) -> i64 {
    (day.rem_euclid(7) + 3) % 7
}

/// The UTC day of the week of the instant `unix_s` (also before 1970).
pub fn weekday_of(unix_s: i64) -> Weekday {
    let index = days_since_monday(unix_s.div_euclid(SECONDS_PER_DAY));
    Weekday::ALL.get(usize::try_from(index).unwrap_or(0)).copied().unwrap_or(Weekday::Monday)
}

/// How often a seller's available balance is paid out on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayoutInterval {
    /// Every day.
    Daily,
    /// Once a week, on the given day.
    Weekly(Weekday),
    /// Never on its own: the seller asks for each payout.
    Manual,
}

impl PayoutInterval {
    /// Stable lower-case name, the API's `interval`: `"daily"`, `"weekly"` or `"manual"` (the day of
    /// a weekly schedule is [`Weekday::name`]).
    pub fn name(self) -> &'static str {
        match self {
            PayoutInterval::Daily => "daily",
            PayoutInterval::Weekly(_) => "weekly",
            PayoutInterval::Manual => "manual",
        }
    }
}

/// The largest minimum payout, in minor units (100 million in a two-decimal currency).
pub const PAYOUT_MINIMUM_MAX: i64 = 10_000_000_000;

/// When a seller's balance is paid out, and the smallest amount worth a scheduled payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayoutSchedule {
    /// How often.
    pub interval: PayoutInterval,
    /// A scheduled payout waits until the available balance reaches this, in minor units.
    pub minimum_amount: i64,
}

impl PayoutSchedule {
    /// A schedule, with a minimum from 0 to [`PAYOUT_MINIMUM_MAX`]; anything else is
    /// [`PayoutError::MinimumInvalid`].
    pub fn new(interval: PayoutInterval, minimum_amount: i64) -> Result<PayoutSchedule, PayoutError> {
        if !(0..=PAYOUT_MINIMUM_MAX).contains(&minimum_amount) {
            return Err(PayoutError::MinimumInvalid);
        }
        Ok(PayoutSchedule { interval, minimum_amount })
    }

    /// The UTC day number (days since 1970-01-01) of the scheduled payout due on the day containing
    /// `now`, or `None` when none is due that day: daily schedules are due every day, weekly ones on
    /// their weekday, manual ones never. The caller pays out at most once per day number.
    pub fn due_day(&self, now: i64) -> Option<i64> {
        let day = now.div_euclid(SECONDS_PER_DAY);
        match self.interval {
            PayoutInterval::Daily => Some(day),
            PayoutInterval::Weekly(weekday) => (weekday_of(now) == weekday).then_some(day),
            PayoutInterval::Manual => None,
        }
    }
}

/// The instant `days` business days (Monday to Friday, UTC; holidays are not known here) after
/// `unix_s`, at the same time of day.
///
/// Counting starts from the next business day: Friday 10:00 plus 1 is Monday 10:00 and Wednesday plus
/// 2 is Friday. From a Saturday or Sunday, the Monday after is the first business day: Saturday 10:00
/// plus 1 is Monday 10:00, plus 2 is Tuesday 10:00. Adding 0 days returns `unix_s` unchanged (even on a
/// weekend). A result outside the `i64` range saturates.
pub fn add_business_days(unix_s: i64, days: u32) -> i64 {
    if days == 0 {
        return unix_s;
    }
    let day = i128::from(unix_s.div_euclid(SECONDS_PER_DAY));
    let time_of_day = i128::from(unix_s.rem_euclid(SECONDS_PER_DAY));
    let weekday = i128::from(days_since_monday(unix_s.div_euclid(SECONDS_PER_DAY)));
    // From a weekend, Monday is the first business day; from then on, count from a weekday.
    let (start, weekday, left) =
        if weekday >= 5 { (day + 7 - weekday, 0, i128::from(days) - 1) } else { (day, weekday, i128::from(days)) };
    let (weeks, rest) = (left / 5, left % 5);
    let skip_weekend = if weekday + rest >= 5 { 2 } else { 0 };
    let target = start + weeks * 7 + rest + skip_weekend;
    saturate(target * i128::from(SECONDS_PER_DAY) + time_of_day)
}

// ------------------------------------------------------------------------------------ payout amount

/// Why a payout or a payout schedule is refused. [`PayoutError::code`] is the API code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PayoutError {
    /// The amount is zero or negative.
    #[error("The amount must be positive.")]
    AmountInvalid,
    /// The amount is more than the seller's available balance (`available`, in minor units).
    #[error("The amount is more than the available balance.")]
    InsufficientAvailable {
        /// The available balance, in minor units.
        available: i64,
    },
    /// A schedule's minimum amount is below 0 or above [`PAYOUT_MINIMUM_MAX`].
    #[error("The minimum amount must be between 0 and 10000000000 minor units.")]
    MinimumInvalid,
}

impl PayoutError {
    /// The API `code`, e.g. `"insufficient_available_balance"`.
    pub fn code(&self) -> &'static str {
        match self {
            PayoutError::AmountInvalid => "amount_invalid",
            PayoutError::InsufficientAvailable { .. } => "insufficient_available_balance",
            PayoutError::MinimumInvalid => "parameter_invalid",
        }
    }
}

/// Whether a payout of `amount` minor units may be made from an `available` balance: it must be
/// positive ([`PayoutError::AmountInvalid`]) and at most what is available
/// ([`PayoutError::InsufficientAvailable`]; a negative balance allows no payout).
pub fn check_payout(amount: i64, available: i64) -> Result<(), PayoutError> {
    if amount <= 0 {
        return Err(PayoutError::AmountInvalid);
    }
    if amount > available {
        return Err(PayoutError::InsufficientAvailable { available });
    }
    Ok(())
}

// ------------------------------------------------------------------------------------- bank numbers

/// Why a bank number is refused. [`BankAccountError::code`] is the API code; the message says what is
/// wrong without repeating the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum BankAccountError {
    /// Not 9 digits, or the routing number's check digit does not match.
    #[error("The routing number must be 9 digits with a valid check digit.")]
    RoutingNumberInvalid,
    /// Not 4 to 17 digits.
    #[error("The account number must be 4 to 17 digits.")]
    AccountNumberInvalid,
    /// Badly formed, the wrong length for its country, or its check digits do not match.
    #[error("The IBAN is not valid: check its country code, length and check digits.")]
    IbanInvalid,
}

impl BankAccountError {
    /// The API `code`, e.g. `"iban_invalid"`.
    pub fn code(&self) -> &'static str {
        match self {
            BankAccountError::RoutingNumberInvalid => "routing_number_invalid",
            BankAccountError::AccountNumberInvalid => "account_number_invalid",
            BankAccountError::IbanInvalid => "iban_invalid",
        }
    }
}

/// Checks a US (ABA) routing number: surrounding whitespace trimmed, exactly 9 digits whose weighted sum
/// `3 × (d1 + d4 + d7) + 7 × (d2 + d5 + d8) + (d3 + d6 + d9)` is a multiple of 10. Returns the digits.
pub fn check_aba_routing(routing: &str) -> Result<String, BankAccountError> {
    let digits = routing.trim();
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BankAccountError::RoutingNumberInvalid);
    }
    let sum: u32 =
        digits.bytes().zip([3, 7, 1].into_iter().cycle()).map(|(b, weight)| u32::from(b - b'0') * weight).sum();
    if !sum.is_multiple_of(10) {
        return Err(BankAccountError::RoutingNumberInvalid);
    }
    Ok(digits.to_owned())
}

/// Checks a US bank account number: surrounding whitespace, spaces and dashes removed, 4 to 17 digits.
/// Returns the digits.
pub fn check_us_account_number(n: &str) -> Result<String, BankAccountError> {
    let digits: String = n.trim().chars().filter(|c| *c != ' ' && *c != '-').collect();
    if !(4..=17).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BankAccountError::AccountNumberInvalid);
    }
    Ok(digits)
}

/// The length of an IBAN for the countries whose length is known here; other countries only need
/// 15 to 34 characters.
const IBAN_LENGTHS: [(&str, usize); 28] = [
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IT", 27),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
];

/// The IBAN length of `country` (two upper-case letters), if it is known here.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS.iter().find(|(code, _)| *code == country).map(|(_, length)| *length)
}

/// The remainder modulo 97 of the number an IBAN stands for: its first four characters moved to the
/// end, each letter replaced by two digits (`A` = 10 … `Z` = 35). Computed a character at a time, so
/// any length works. `None` if a character is not an ASCII letter or digit.
fn iban_mod97(iban: &str) -> Option<u32> {
    let (head, tail) = (iban.get(..4)?, iban.get(4..)?);
    tail.bytes().chain(head.bytes()).try_fold(0u32, |remainder, b| match b {
        b'0'..=b'9' => Some((remainder * 10 + u32::from(b - b'0')) % 97),
        b'A'..=b'Z' => Some((remainder * 100 + u32::from(b - b'A') + 10) % 97),
        _ => None,
    })
}

/// Checks an IBAN: spaces (any whitespace) removed and letters upper-cased, 15 to 34 characters —
/// two letters (the country), two digits, then letters and digits — with the length of its country
/// when that is known ([`iban_length`]), and the ISO 7064 mod-97 check (the remainder is 1). Returns
/// the compact, upper-case IBAN.
pub fn check_iban(iban: &str) -> Result<String, BankAccountError> {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    let bytes = compact.as_bytes();
    let well_formed = (15..=34).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric())
        && bytes.iter().take(2).all(|b| b.is_ascii_uppercase())
        && bytes.iter().skip(2).take(2).all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(BankAccountError::IbanInvalid);
    }
    let country = compact.get(..2).unwrap_or_default();
    if iban_length(country).is_some_and(|length| length != bytes.len()) {
        return Err(BankAccountError::IbanInvalid);
    }
    if iban_mod97(&compact) != Some(1) {
        return Err(BankAccountError::IbanInvalid);
    }
    Ok(compact)
}

/// The last four characters of `s` (a bank or account number, for showing it masked), or all of `s`
/// when it is shorter.
pub fn last4(s: &str) -> &str {
    match s.char_indices().rev().nth(3) {
        Some((start, _)) => s.get(start..).unwrap_or(s),
        None => s,
    }
}

#[cfg(test)]
#[path = "payouts_tests.rs"]
mod tests;
