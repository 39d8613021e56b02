//! Checkout's business rules: the order lifecycle ([`OrderStatus`] and its transitions, refused with an
//! [`OrderError`] naming the reason), the payment statuses ([`PaymentStatus`]), how a payment is split
//! between the Pocket and a card ([`split_payment`]), when a payment needs a one-time code
//! ([`step_up_reasons`]) and how that code is checked ([`CodeChallenge`]), the platform's spending limits
//! per buyer ([`check_limits`]), currency quotes for paying in the buyer's currency ([`quote`]) and the
//! human-readable order numbers with a check digit ([`order_number`], [`parse_order_number`]).
//!
//! Instants are Unix seconds given by the caller, random numbers too; one-time codes arrive here already
//! hashed (the caller hashes, with its key, the code it drew and the code the buyer typed). No IO, no
//! clock, no randomness.

/// One-time codes live in [`crate::codes`]; they are part of paying, so their names stay here too.
pub use crate::codes::*;

use crate::cards::luhn_valid;
use crate::money::{Currency, ExchangeRate, Money, MoneyError};

// ------------------------------------------------------------------------------------------ orders

/// Where an order is in its life. `Paid` means the payment is authorized (the money is held, not yet
/// charged); it is captured when the order ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Placed; no payment authorized yet (or every attempt failed).
    AwaitingPayment,
    /// The payment is authorized; the seller may ship.
    Paid,
    /// The seller shipped; the payment was captured.
    Shipped,
    /// The seller marked it delivered (this starts the claim window).
    Delivered,
    /// The buyer confirmed receipt.
    Completed,
    /// Canceled before shipping; the authorization was voided.
    Canceled,
}

impl OrderStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Canceled,
    ];

    /// Stable snake_case name, the API's `status`, e.g. `"awaiting_payment"`.
    pub fn name(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Canceled => "canceled",
        }
    }

    /// Parses a name exactly as [`OrderStatus::name`] writes it.
    pub fn parse(name: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Whether the order has left the seller (shipped, delivered or completed).
    fn has_shipped(self) -> bool {
        matches!(self, OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Completed)
    }

    /// A payment was authorized: `AwaitingPayment → Paid`; any other status is
    /// [`OrderError::OrderNotPayable`].
    pub fn pay(self) -> Result<OrderStatus, OrderError> {
        match self {
            OrderStatus::AwaitingPayment => Ok(OrderStatus::Paid),
            _ => Err(OrderError::OrderNotPayable),
        }
    }

    /// The seller ships: `Paid → Shipped`. Not paid yet is [`OrderError::OrderNotPaid`]; shipped,
    /// delivered or completed is [`OrderError::OrderAlreadyShipped`]; canceled is
    /// [`OrderError::OrderCanceled`].
    pub fn ship(self) -> Result<OrderStatus, OrderError> {
        match self {
            OrderStatus::Paid => Ok(OrderStatus::Shipped),
            OrderStatus::AwaitingPayment => Err(OrderError::OrderNotPaid),
            OrderStatus::Canceled => Err(OrderError::OrderCanceled),
            OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Completed => {
                Err(OrderError::OrderAlreadyShipped)
            }
        }
    }

    /// The seller marks the order delivered: `Shipped → Delivered`. Not shipped yet is
    /// [`OrderError::OrderNotShipped`]; delivered or completed is [`OrderError::OrderAlreadyDelivered`];
    /// canceled is [`OrderError::OrderCanceled`].
    pub fn deliver(self) -> Result<OrderStatus, OrderError> {
        match self {
            OrderStatus::Shipped => Ok(OrderStatus::Delivered),
            OrderStatus::AwaitingPayment | OrderStatus::Paid => Err(OrderError::OrderNotShipped),
            OrderStatus::Delivered | OrderStatus::Completed => Err(OrderError::OrderAlreadyDelivered),
            OrderStatus::Canceled => Err(OrderError::OrderCanceled),
        }
    }

    /// The buyer confirms receipt: `Shipped` or `Delivered → Completed` (a buyer may confirm before the
    /// seller marks delivery). Not shipped yet is [`OrderError::OrderNotShipped`]; completed is
    /// [`OrderError::OrderAlreadyCompleted`]; canceled is [`OrderError::OrderCanceled`].
    pub fn confirm_receipt(self) -> Result<OrderStatus, OrderError> {
        match self {
            OrderStatus::Shipped | OrderStatus::Delivered => Ok(OrderStatus::Completed),
            OrderStatus::AwaitingPayment | OrderStatus::Paid => Err(OrderError::OrderNotShipped),
            OrderStatus::Completed => Err(OrderError::OrderAlreadyCompleted),
            OrderStatus::Canceled => Err(OrderError::OrderCanceled),
        }
    }

    /// The buyer or the seller cancels: `AwaitingPayment` or `Paid → Canceled` (the caller voids the
    /// authorization and releases Pocket holds). After shipping it is
    /// [`OrderError::OrderAlreadyShipped`] (the way back is a refund or a claim); canceled twice is
    /// [`OrderError::OrderNotCancelable`].
    pub fn cancel(self) -> Result<OrderStatus, OrderError> {
        match self {
            OrderStatus::AwaitingPayment | OrderStatus::Paid => Ok(OrderStatus::Canceled),
            status if status.has_shipped() => Err(OrderError::OrderAlreadyShipped),
            _ => Err(OrderError::OrderNotCancelable),
        }
    }
}

/// Why an order cannot take a step. [`OrderError::code`] is the API code (all are answered 409,
/// `invalid_request_error`); the `Display` text is a message for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum OrderError {
    /// Paying an order that is not awaiting payment (already paid, shipped, … or canceled).
    #[error("This order can't be paid: it is already paid or canceled.")]
    OrderNotPayable,
    /// Shipping an order whose payment is not authorized yet.
    #[error("This order has not been paid yet.")]
    OrderNotPaid,
    /// Shipping or canceling an order that has already shipped.
    #[error("This order has already shipped.")]
    OrderAlreadyShipped,
    /// Marking delivered, or confirming receipt of, an order that has not shipped.
    #[error("This order has not shipped yet.")]
    OrderNotShipped,
    /// Marking delivered an order already delivered or completed.
    #[error("This order has already been delivered.")]
    OrderAlreadyDelivered,
    /// Confirming receipt of an order already completed.
    #[error("This order is already completed.")]
    OrderAlreadyCompleted,
    /// Shipping, delivering or confirming a canceled order.
    #[error("This order was canceled.")]
    OrderCanceled,
    /// Canceling an order already canceled.
    #[error("This order is already canceled.")]
    OrderNotCancelable,
}

impl OrderError {
    /// The API `code`, e.g. `"order_already_shipped"`.
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::OrderNotPayable => "order_not_payable",
            OrderError::OrderNotPaid => "order_not_paid",
            OrderError::OrderAlreadyShipped => "order_already_shipped",
            OrderError::OrderNotShipped => "order_not_shipped",
            OrderError::OrderAlreadyDelivered => "order_already_delivered",
            OrderError::OrderAlreadyCompleted => "order_already_completed",
            OrderError::OrderCanceled => "order_canceled",
            OrderError::OrderNotCancelable => "order_not_cancelable",
        }
    }
}

// ---------------------------------------------------------------------------------------- payments

/// A payment's lifecycle lives in [`crate::payments`]; paying is checkout's, so its name stays here too.
pub use crate::payments::PaymentStatus;

// ------------------------------------------------------------------------------------------- split

/// How much of a payment comes from the Pocket and how much from the card, in minor units of the
/// payment's currency. Both are non-negative and sum to the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    pub pocket_minor: i64,
    pub card_minor: i64,
}

/// Why a payment's split was refused. [`SplitError::code`] is the API code and
/// [`SplitError::param`] the request field at fault; the `Display` text is a message for the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum SplitError {
    /// The order total is zero or negative.
    #[error("The order total must be greater than zero.")]
    TotalNotPositive,
    /// `pocket_amount` is zero or negative.
    #[error("The Pocket amount must be greater than zero.")]
    PocketAmountNotPositive,
    /// `pocket_amount` is more than the order total.
    #[error("The Pocket amount can't be more than the order total.")]
    PocketAmountAboveTotal { pocket_minor: i64, total_minor: i64 },
    /// A card payment whose `pocket_amount` is the whole total: that is a Pocket payment.
    #[error("The Pocket amount covers the whole order: choose the Pocket as the payment method instead.")]
    PocketAmountInvalid,
    /// A Pocket payment with a `pocket_amount` other than the total.
    #[error("A Pocket payment pays the whole order: leave out the Pocket amount, or pay the rest by card.")]
    PocketAmountMismatch { pocket_minor: i64, total_minor: i64 },
}

impl SplitError {
    /// The API `code`: `"amount_invalid"` for an amount out of range, `"parameter_invalid"` for a
    /// `pocket_amount` that does not fit the payment method.
    pub fn code(&self) -> &'static str {
        match self {
            SplitError::TotalNotPositive
            | SplitError::PocketAmountNotPositive
            | SplitError::PocketAmountAboveTotal { .. } => "amount_invalid",
            SplitError::PocketAmountInvalid | SplitError::PocketAmountMismatch { .. } => "parameter_invalid",
        }
    }

    /// The request field at fault: `pocket_amount`, or none for the order's own total.
    pub fn param(&self) -> Option<&'static str> {
        match self {
            SplitError::TotalNotPositive => None,
            _ => Some("pocket_amount"),
        }
    }
}

/// Splits an order's `total_minor` between the Pocket and a card.
///
/// * Method Pocket (`method_is_pocket`): everything from the Pocket. `pocket_minor` must be left out
///   or equal the total, else [`SplitError::PocketAmountMismatch`].
/// * Method card with `pocket_minor = Some(p)`, `0 < p < total`: `p` from the Pocket, the rest by card.
///   `p == total` is [`SplitError::PocketAmountInvalid`] (pay with the Pocket instead).
/// * Method card without `pocket_minor`: everything by card.
///
/// Checked first, whatever the method: a total ≤ 0 is [`SplitError::TotalNotPositive`], `p ≤ 0` is
/// [`SplitError::PocketAmountNotPositive`], `p > total` is [`SplitError::PocketAmountAboveTotal`].
/// Whether the Pocket holds that much is for [`crate::pocket::allocate`] to say.
pub fn split_payment(total_minor: i64, pocket_minor: Option<i64>, method_is_pocket: bool) -> Result<Split, SplitError> {
    if total_minor <= 0 {
        return Err(SplitError::TotalNotPositive);
    }
    let Some(pocket) = pocket_minor else {
        return Ok(if method_is_pocket {
            Split { pocket_minor: total_minor, card_minor: 0 }
        } else {
            Split { pocket_minor: 0, card_minor: total_minor }
        });
    };
    if pocket <= 0 {
        return Err(SplitError::PocketAmountNotPositive);
    }
    if pocket > total_minor {
        return Err(SplitError::PocketAmountAboveTotal { pocket_minor: pocket, total_minor });
    }
    match (method_is_pocket, pocket == total_minor) {
        (true, true) => Ok(Split { pocket_minor: total_minor, card_minor: 0 }),
        (true, false) => Err(SplitError::PocketAmountMismatch { pocket_minor: pocket, total_minor }),
        (false, true) => Err(SplitError::PocketAmountInvalid),
        // 0 < pocket < total, so the difference is positive and cannot overflow.
        (false, false) => Ok(Split { pocket_minor: pocket, card_minor: total_minor - pocket }),
    }
}

// ------------------------------------------------------------------------------------ step-up risk

/// When a payment needs a one-time code (configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RiskConfig {
    /// A payment strictly above this amount needs a code. Minor units of the payment's currency: the
    /// same number applies to every currency unless the caller keeps one config per currency.
    pub amount_threshold_minor: i64,
    /// The window over which the caller counts the buyer's recent payments.
    pub velocity_window_s: i64,
    /// A payment needs a code when the buyer already made at least this many in the window.
    pub velocity_count_max: u32,
}

impl Default for RiskConfig {
    /// 500.00 in a two-decimal currency, 5 payments in 10 minutes.
    fn default() -> Self {
        RiskConfig { amount_threshold_minor: 50_000, velocity_window_s: 600, velocity_count_max: 5 }
    }
}

impl RiskConfig {
    /// The start of the velocity window ending at `now`: count the payments created at or after it.
    pub fn velocity_window_start(&self, now: i64) -> i64 {
        now.saturating_sub(self.velocity_window_s)
    }
}

/// What the caller knows about a payment about to be authorized.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RiskFacts {
    /// The card was typed at checkout rather than saved beforehand (also when "save card" is ticked).
    pub new_card: bool,
    /// The payment's amount, in minor units of its currency.
    pub amount_minor: i64,
    /// The card's issuing country (ISO 3166 alpha-2); `None` when unknown or no card pays.
    pub card_country: Option<String>,
    /// The buyer's country (ISO 3166 alpha-2).
    pub buyer_country: String,
    /// The buyer's payments in the velocity window, not counting this one.
    pub recent_payments: u32,
    /// The issuer asked for strong authentication.
    pub issuer_demands: bool,
}

/// Why a payment needs a one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepUpReason {
    /// The card was typed at checkout, not saved beforehand.
    NewCard,
    /// The amount is above the threshold.
    LargeAmount,
    /// The card was issued in another country than the buyer's.
    ForeignCard,
    /// Many payments in a short time.
    Velocity,
    /// The issuer asked for it.
    IssuerDemand,
}

impl StepUpReason {
    /// Every reason, in the order [`step_up_reasons`] lists them.
    pub const ALL: [StepUpReason; 5] = [
        StepUpReason::NewCard,
        StepUpReason::LargeAmount,
        StepUpReason::ForeignCard,
        StepUpReason::Velocity,
        StepUpReason::IssuerDemand,
    ];

    /// Stable snake_case name, e.g. `"large_amount"`.
    pub fn name(self) -> &'static str {
        match self {
            StepUpReason::NewCard => "new_card",
            StepUpReason::LargeAmount => "large_amount",
            StepUpReason::ForeignCard => "foreign_card",
            StepUpReason::Velocity => "velocity",
            StepUpReason::IssuerDemand => "issuer_demand",
        }
    }

    /// The reason of a name given by [`StepUpReason::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Every reason this payment needs a one-time code, in [`StepUpReason::ALL`] order; empty when it
/// needs none.
///
/// * [`StepUpReason::NewCard`]: the card was typed at checkout.
/// * [`StepUpReason::LargeAmount`]: `amount_minor > amount_threshold_minor` (equal passes).
/// * [`StepUpReason::ForeignCard`]: the card's country is known and differs from the buyer's (compared
///   ignoring ASCII case and surrounding whitespace).
/// * [`StepUpReason::Velocity`]: `recent_payments ≥ velocity_count_max`.
/// * [`StepUpReason::IssuerDemand`]: the issuer asked for it.
pub fn step_up_reasons(config: &RiskConfig, facts: &RiskFacts) -> Vec<StepUpReason> {
    let foreign =
        facts.card_country.as_deref().is_some_and(|card| !card.trim().eq_ignore_ascii_case(facts.buyer_country.trim()));
    let applies = |reason: &StepUpReason| match reason {
        StepUpReason::NewCard => facts.new_card,
        StepUpReason::LargeAmount => facts.amount_minor > config.amount_threshold_minor,
        StepUpReason::ForeignCard => foreign,
        StepUpReason::Velocity => facts.recent_payments >= config.velocity_count_max,
        StepUpReason::IssuerDemand => facts.issuer_demands,
    };
    StepUpReason::ALL.into_iter().filter(applies).collect()
}

// -------------------------------------------------------------------------------- one-time codes

/// A buyer's platform spending limits, in minor units of `currency` (configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpendingLimits {
    pub daily_minor: i64,
    pub monthly_minor: i64,
    pub currency: Currency,
}

impl Default for SpendingLimits {
    /// 5,000.00 USD a day, 20,000.00 USD a month.
    fn default() -> Self {
        SpendingLimits { daily_minor: 500_000, monthly_minor: 2_000_000, currency: Currency::USD }
    }
}

/// A payment over a spending limit. Code `"spending_limit_exceeded"` for both; the `Display` text tells
/// the buyer the limit and how much is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LimitError {
    /// Over the daily limit; `remaining_minor` may still be spent today (0 when the limit is reached).
    #[error("{}", limit_message("daily", "today", *.limit_minor, *.remaining_minor, *.currency))]
    DailyLimitExceeded { limit_minor: i64, remaining_minor: i64, currency: Currency },
    /// Over the monthly limit; `remaining_minor` may still be spent this month.
    #[error("{}", limit_message("monthly", "this month", *.limit_minor, *.remaining_minor, *.currency))]
    MonthlyLimitExceeded { limit_minor: i64, remaining_minor: i64, currency: Currency },
}

impl LimitError {
    /// The API `code`: `"spending_limit_exceeded"`.
    pub fn code(&self) -> &'static str {
        "spending_limit_exceeded"
    }
}

/// "This payment is over your daily spending limit of 5000.00 USD; you can spend 120.00 USD more
/// today." (or "You have reached …" when nothing is left).
fn limit_message(
    period: &str,
    rest_of_period: &str,
    limit_minor: i64,
    remaining_minor: i64,
    currency: Currency,
) -> String {
    let limit = Money::new(limit_minor, currency);
    if remaining_minor <= 0 {
        format!("You have reached your {period} spending limit of {limit}.")
    } else {
        let remaining = Money::new(remaining_minor, currency);
        format!("This payment is over your {period} spending limit of {limit}; you can spend {remaining} more {rest_of_period}.")
    }
}

/// What is left under `limit_minor` after `spent_minor` (never negative), if `amount_minor` more
/// would go over it; `None` if it fits. Exact in 128 bits.
fn over_limit(limit_minor: i64, spent_minor: i64, amount_minor: i64) -> Option<i64> {
    let (limit, spent) = (i128::from(limit_minor), i128::from(spent_minor));
    if spent + i128::from(amount_minor) <= limit {
        return None;
    }
    Some(i64::try_from((limit - spent).max(0)).unwrap_or(i64::MAX))
}

/// Whether a payment of `amount_minor` fits the buyer's limits, given what they already spent today and
/// this month (all in minor units of `limits.currency`: the caller converts and decides what counts as
/// spent, e.g. payments authorized or captured in the period and not voided or refunded).
///
/// Reaching a limit exactly passes; one minor unit over fails. When both limits would be exceeded, the
/// error is the one with less left (the one that binds), the monthly one on a tie, since waiting for
/// tomorrow would not help.
pub fn check_limits(
    limits: &SpendingLimits,
    spent_today_minor: i64,
    spent_month_minor: i64,
    amount_minor: i64,
) -> Result<(), LimitError> {
    let currency = limits.currency;
    let daily = over_limit(limits.daily_minor, spent_today_minor, amount_minor);
    let monthly = over_limit(limits.monthly_minor, spent_month_minor, amount_minor);
    let daily_error =
        |remaining_minor| LimitError::DailyLimitExceeded { limit_minor: limits.daily_minor, remaining_minor, currency };
    let monthly_error = |remaining_minor| LimitError::MonthlyLimitExceeded {
        limit_minor: limits.monthly_minor,
        remaining_minor,
        currency,
    };
    match (daily, monthly) {
        (None, None) => Ok(()),
        (Some(day_left), Some(month_left)) if day_left < month_left => Err(daily_error(day_left)),
        (Some(day_left), None) => Err(daily_error(day_left)),
        (_, Some(month_left)) => Err(monthly_error(month_left)),
    }
}

// ---------------------------------------------------------------------------------------- FX quotes

/// How long a quoted rate stays locked: 15 minutes.
pub const QUOTE_TTL_S: i64 = 900;

/// A locked price for paying an order in the buyer's currency.
///
/// Direction: `from` is the seller's currency (the order is priced in it), `to` the buyer's currency
/// (what the buyer pays in); `rate` is units of `to` per one unit of `from`, so
/// `to_minor = from_minor × rate`, converted once and rounded half up (away from zero). Refunds use the
/// same rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quote {
    pub from: Currency,
    pub to: Currency,
    pub rate: ExchangeRate,
    /// The order amount, in minor units of `from`.
    pub from_minor: i64,
    /// What the buyer pays, in minor units of `to`.
    pub to_minor: i64,
    pub created_at: i64,
    /// From this instant on the quote can no longer be used.
    pub expires_at: i64,
}

impl Quote {
    /// Whether the quote can be used at `now` (`now < expires_at`).
    pub fn is_valid_at(&self, now: i64) -> bool {
        now < self.expires_at
    }

    /// The order amount in the seller's currency.
    pub fn from_money(&self) -> Money {
        Money::new(self.from_minor, self.from)
    }

    /// What the buyer pays, in the buyer's currency.
    pub fn to_money(&self) -> Money {
        Money::new(self.to_minor, self.to)
    }
}

/// Quotes, at `now`, what the buyer pays in `to` for an order of `from` (in the seller's currency) at
/// `rate` (units of `to` per unit of `from`: for a USD order paid in EUR, the EUR per USD rate). The
/// quote expires [`QUOTE_TTL_S`] later.
///
/// Errors: a negative order amount is [`MoneyError::NegativeNotAllowed`], zero (or a converted amount
/// that rounds to zero) is [`MoneyError::ZeroNotAllowed`], a rate other than 1 between a currency and
/// itself is [`MoneyError::InvalidRate`], a result too large is [`MoneyError::Overflow`].
pub fn quote(rate: ExchangeRate, from: Money, to: Currency, now: i64) -> Result<Quote, MoneyError> {
    if from.is_negative() {
        return Err(MoneyError::NegativeNotAllowed);
    }
    if from.is_zero() {
        return Err(MoneyError::ZeroNotAllowed);
    }
    if from.currency() == to && (rate.mantissa(), rate.scale()) != (1, 0) {
        return Err(MoneyError::InvalidRate);
    }
    let converted = rate.convert(from, to)?;
    if converted.is_zero() {
        return Err(MoneyError::ZeroNotAllowed);
    }
    Ok(Quote {
        from: from.currency(),
        to,
        rate,
        from_minor: from.amount_minor(),
        to_minor: converted.amount_minor(),
        created_at: now,
        expires_at: now.saturating_add(QUOTE_TTL_S),
    })
}

// ------------------------------------------------------------------------------------ order numbers

/// What every order number starts with.
pub const ORDER_NUMBER_PREFIX: &str = "PP-";
/// The sequence is zero-padded to at least this many digits.
const ORDER_NUMBER_SEQUENCE_DIGITS_MIN: usize = 8;
/// The longest digit string of an order number: 20 digits of `u64::MAX`, then the check digit.
const ORDER_NUMBER_DIGITS_MAX: usize = 21;

/// The Luhn check digit of `body` (ASCII digits): the digit that, appended, makes `body` pass
/// [`luhn_valid`].
fn luhn_check_digit(body: &str) -> u8 {
    let total_mod_10 = body.bytes().rev().enumerate().fold(0u8, |total, (position, b)| {
        let digit = b.wrapping_sub(b'0') % 10;
        // The check digit will be rightmost, so the rightmost body digit is doubled.
        let value = if position % 2 == 0 { (digit * 2) % 10 + digit * 2 / 10 } else { digit };
        (total + value) % 10
    });
    (10 - total_mod_10) % 10
}

/// The order number buyers see and quote to support: `"PP-"`, the sequence in base 10 zero-padded to
/// 8 digits (more digits past 99,999,999), then one Luhn check digit, e.g. sequence 42 →
/// `"PP-000000422"`. Distinct sequences give distinct numbers; the check digit catches any single
/// mistyped digit and most swaps of two adjacent digits.
pub fn order_number(sequence: u64) -> String {
    let body = format!("{sequence:0width$}", width = ORDER_NUMBER_SEQUENCE_DIGITS_MIN);
    let check = luhn_check_digit(&body);
    format!("{ORDER_NUMBER_PREFIX}{body}{check}")
}

/// The sequence of an order number as a person may type it, or `None` if it is not a valid number.
///
/// Forgiving where it is safe: surrounding whitespace is ignored, the prefix may be in any case
/// (`"pp-"`) or left out (`"000000422"`). Strict otherwise: the digits must be exactly what
/// [`order_number`] writes (padding included, no extra leading zeros, no inner spaces) and the check
/// digit must match.
pub fn parse_order_number(s: &str) -> Option<u64> {
    let s = s.trim();
    let prefix_len = ORDER_NUMBER_PREFIX.len();
    let digits = match s.get(..prefix_len) {
        Some(prefix) if prefix.eq_ignore_ascii_case(ORDER_NUMBER_PREFIX) => s.get(prefix_len..)?,
        _ => s,
    };
    if digits.len() <= ORDER_NUMBER_SEQUENCE_DIGITS_MIN
        || digits.len() > ORDER_NUMBER_DIGITS_MAX
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !luhn_valid(digits)
    {
        return None;
    }
    let sequence: u64 = digits.get(..digits.len() - 1)?.parse().ok()?;
    let canonical = order_number(sequence);
    (canonical.get(prefix_len..) == Some(digits)).then_some(sequence)
}

/// A checkout's payment split into each order's part: the Pocket part is shared out in proportion
/// to the orders' amounts (largest remainder, so no part is off by a cent or more from its exact
/// share and the parts sum to the whole), and each order's card part is the rest of its amount.
/// `None` when the amounts are not positive or the split is not of their sum.
pub fn split_across_orders(split: Split, order_amounts: &[i64]) -> Option<Vec<Split>> {
    let total = order_amounts.iter().try_fold(0i64, |sum, a| if *a > 0 { sum.checked_add(*a) } else { None })?;
    if order_amounts.is_empty() || split.pocket_minor + split.card_minor != total {
        return None;
    }
    let pocket = share_out(split.pocket_minor, order_amounts)?;
    Some(
        order_amounts
            .iter()
            .zip(pocket)
            .map(|(amount, pocket_minor)| Split { pocket_minor, card_minor: amount - pocket_minor })
            .collect(),
    )
}

/// `total` (non-negative) shared out in proportion to positive `weights` by largest remainder (an
/// amount in the buyer's currency shared out over the orders, for example).
pub fn share_out(total: i64, weights: &[i64]) -> Option<Vec<i64>> {
    let weights: Vec<u64> = weights.iter().map(|w| u64::try_from(*w).ok().filter(|w| *w > 0)).collect::<Option<_>>()?;
    if total < 0 {
        return None;
    }
    let parts = Money::new(total, Currency::parse("USD").ok()?).allocate(&weights).ok()?;
    Some(parts.iter().map(Money::amount_minor).collect())
}

#[cfg(test)]
#[path = "checkout_tests.rs"]
mod tests;
