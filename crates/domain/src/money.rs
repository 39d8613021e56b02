//! Money, currencies and exchange rates for Pocketpay.
//!
//! Amounts are held exactly as a signed 64-bit count of *minor units* (cents,
//! fils, yen, ...) of an ISO 4217 [`Currency`]; there is no floating point
//! anywhere in this module. Every arithmetic operation is checked and reports
//! failure through [`MoneyError`] instead of wrapping or panicking. Decimal
//! strings are parsed and rendered exactly ([`Money::parse_decimal`],
//! [`Money::to_decimal_string`]), totals can be split without losing a minor
//! unit ([`Money::allocate`]), and conversions between currencies use an exact
//! decimal [`ExchangeRate`] with round-half-away-from-zero rounding. The
//! module performs no IO and uses no clock or randomness.

use std::cmp::Reverse;
use std::fmt;
use std::str::FromStr;

/// Errors produced by money, currency and exchange-rate operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not an active ISO 4217 alphabetic code accepted by
    /// Pocketpay. Holds the offending input, truncated to 16 characters.
    #[error("unknown or unsupported currency code {0:?}")]
    UnknownCurrency(String),
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} vs {right}")]
    CurrencyMismatch {
        /// Currency of the left-hand operand.
        left: Currency,
        /// Currency of the right-hand operand.
        right: Currency,
    },
    /// The result does not fit in the range of representable amounts.
    #[error("amount out of range")]
    Overflow,
    /// The amount text is malformed.
    #[error("malformed amount")]
    InvalidAmount,
    /// The amount has more fractional digits than the currency allows.
    #[error("too many decimal places for {currency} (at most {max})")]
    TooManyDecimals {
        /// Currency the amount was parsed for.
        currency: Currency,
        /// Number of minor-unit digits of that currency.
        max: u8,
    },
    /// A negative amount was given where only non-negative ones are allowed.
    #[error("negative amount not allowed")]
    NegativeNotAllowed,
    /// A zero amount was given where only positive ones are allowed.
    #[error("zero amount not allowed")]
    ZeroNotAllowed,
    /// Allocation weights are empty or all zero.
    #[error("allocation weights must be non-empty and not all zero")]
    InvalidWeights,
    /// The exchange rate is malformed, zero, negative or too precise.
    #[error("invalid exchange rate")]
    InvalidRate,
}

/// Active ISO 4217 alphabetic codes with their number of minor-unit digits,
/// sorted by code so that lookups can use binary search.
///
/// Precious metals, bond-market units, SDR, test and "no currency" codes
/// (XAU, XAG, XPT, XPD, XBA..XBD, XDR, XSU, XUA, XTS, XXX) are deliberately
/// absent and therefore refused.
static CURRENCIES: &[([u8; 3], u8)] = &[
    (*b"AED", 2),
    (*b"AFN", 2),
    (*b"ALL", 2),
    (*b"AMD", 2),
    (*b"ANG", 2),
    (*b"AOA", 2),
    (*b"ARS", 2),
    (*b"AUD", 2),
    (*b"AWG", 2),
    (*b"AZN", 2),
    (*b"BAM", 2),
    (*b"BBD", 2),
    (*b"BDT", 2),
    (*b"BGN", 2),
    (*b"BHD", 3),
    (*b"BIF", 0),
    (*b"BMD", 2),
    (*b"BND", 2),
    (*b"BOB", 2),
    (*b"BRL", 2),
    (*b"BSD", 2),
    (*b"BTN", 2),
    (*b"BWP", 2),
    (*b"BYN", 2),
    (*b"BZD", 2),
    (*b"CAD", 2),
    (*b"CDF", 2),
    (*b"CHF", 2),
    (*b"CLF", 4),
    (*b"CLP", 0),
    (*b"CNY", 2),
    (*b"COP", 2),
    (*b"CRC", 2),
    (*b"CUP", 2),
    (*b"CVE", 2),
    (*b"CZK", 2),
    (*b"DJF", 0),
    (*b"DKK", 2),
    (*b"DOP", 2),
    (*b"DZD", 2),
    (*b"EGP", 2),
    (*b"ERN", 2),
    (*b"ETB", 2),
    (*b"EUR", 2),
    (*b"FJD", 2),
    (*b"FKP", 2),
    (*b"GBP", 2),
    (*b"GEL", 2),
    (*b"GHS", 2),
    (*b"GIP", 2),
    (*b"GMD", 2),
    (*b"GNF", 0),
    (*b"GTQ", 2),
    (*b"GYD", 2),
    (*b"HKD", 2),
    (*b"HNL", 2),
    (*b"HTG", 2),
    (*b"HUF", 2),
    (*b"IDR", 2),
    (*b"ILS", 2),
    (*b"INR", 2),
    (*b"IQD", 3),
    (*b"IRR", 2),
    (*b"ISK", 0),
    (*b"JMD", 2),
    (*b"JOD", 3),
    (*b"JPY", 0),
    (*b"KES", 2),
    (*b"KGS", 2),
    (*b"KHR", 2),
    (*b"KMF", 0),
    (*b"KPW", 2),
    (*b"KRW", 0),
    (*b"KWD", 3),
    (*b"KYD", 2),
    (*b"KZT", 2),
    (*b"LAK", 2),
    (*b"LBP", 2),
    (*b"LKR", 2),
    (*b"LRD", 2),
    (*b"LSL", 2),
    (*b"LYD", 3),
    (*b"MAD", 2),
    (*b"MDL", 2),
    (*b"MGA", 2),
    (*b"MKD", 2),
    (*b"MMK", 2),
    (*b"MNT", 2),
    (*b"MOP", 2),
    (*b"MRU", 2),
    (*b"MUR", 2),
    (*b"MVR", 2),
    (*b"MWK", 2),
    (*b"MXN", 2),
    (*b"MYR", 2),
    (*b"MZN", 2),
    (*b"NAD", 2),
    (*b"NGN", 2),
    (*b"NIO", 2),
    (*b"NOK", 2),
    (*b"NPR", 2),
    (*b"NZD", 2),
    (*b"OMR", 3),
    (*b"PAB", 2),
    (*b"PEN", 2),
    (*b"PGK", 2),
    (*b"PHP", 2),
    (*b"PKR", 2),
    (*b"PLN", 2),
    (*b"PYG", 0),
    (*b"QAR", 2),
    (*b"RON", 2),
    (*b"RSD", 2),
    (*b"RUB", 2),
    (*b"RWF", 0),
    (*b"SAR", 2),
    (*b"SBD", 2),
    (*b"SCR", 2),
    (*b"SDG", 2),
    (*b"SEK", 2),
    (*b"SGD", 2),
    (*b"SHP", 2),
    (*b"SLE", 2),
    (*b"SOS", 2),
    (*b"SRD", 2),
    (*b"SSP", 2),
    (*b"STN", 2),
    (*b"SVC", 2),
    (*b"SYP", 2),
    (*b"SZL", 2),
    (*b"THB", 2),
    (*b"TJS", 2),
    (*b"TMT", 2),
    (*b"TND", 3),
    (*b"TOP", 2),
    (*b"TRY", 2),
    (*b"TTD", 2),
    (*b"TWD", 2),
    (*b"TZS", 2),
    (*b"UAH", 2),
    (*b"UGX", 0),
    (*b"USD", 2),
    (*b"UYI", 0),
    (*b"UYU", 2),
    (*b"UYW", 4),
    (*b"UZS", 2),
    (*b"VED", 2),
    (*b"VES", 2),
    (*b"VND", 0),
    (*b"VUV", 0),
    (*b"WST", 2),
    (*b"XAF", 0),
    (*b"XCD", 2),
    (*b"XOF", 0),
    (*b"XPF", 0),
    (*b"YER", 2),
    (*b"ZAR", 2),
    (*b"ZMW", 2),
    (*b"ZWG", 2),
];

/// Finds the table entry for a code.
fn lookup(code: [u8; 3]) -> Option<u8> {
    CURRENCIES.binary_search_by(|(c, _)| c.cmp(&code)).ok().and_then(|i| CURRENCIES.get(i)).map(|&(_, units)| units)
}

/// Maximum number of characters of user input kept in
/// [`MoneyError::UnknownCurrency`].
const MAX_ECHOED_CODE_CHARS: usize = 16;

/// An active ISO 4217 currency, stored as its three upper-case ASCII letters.
///
/// Values can only be obtained from [`Currency::parse`] or the associated
/// constants, so every `Currency` is a known, supported code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// United States dollar (2 minor-unit digits).
    pub const USD: Currency = Currency(*b"USD");
    /// Euro (2 minor-unit digits).
    pub const EUR: Currency = Currency(*b"EUR");
    /// Pound sterling (2 minor-unit digits).
    pub const GBP: Currency = Currency(*b"GBP");
    /// Japanese yen (0 minor-unit digits).
    pub const JPY: Currency = Currency(*b"JPY");

    /// Parses an ISO 4217 alphabetic code such as `"USD"`.
    ///
    /// Only upper-case codes of active currencies are accepted; lower-case
    /// (`"usd"`), surrounding whitespace, precious metals, funds outside the
    /// table and test codes are rejected with
    /// [`MoneyError::UnknownCurrency`].
    pub fn parse(s: &str) -> Result<Currency, MoneyError> {
        let unknown = || MoneyError::UnknownCurrency(s.chars().take(MAX_ECHOED_CODE_CHARS).collect());
        let code: [u8; 3] = s.as_bytes().try_into().map_err(|_| unknown())?;
        if !code.iter().all(u8::is_ascii_uppercase) {
            return Err(unknown());
        }
        match lookup(code) {
            Some(_) => Ok(Currency(code)),
            None => Err(unknown()),
        }
    }

    /// The three-letter code, e.g. `"USD"`.
    pub fn code(&self) -> &str {
        // Every `Currency` holds upper-case ASCII, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Number of decimal digits of the minor unit (0 for JPY, 2 for USD,
    /// 3 for BHD, 4 for CLF).
    pub fn minor_units(&self) -> u8 {
        // Every `Currency` is in the table; 2 is an unreachable fallback.
        lookup(self.0).unwrap_or(2)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

/// Which signs [`Money::parse_decimal`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sign {
    /// Zero or more; a leading `-` is rejected (even on `"-0"`).
    NonNegative,
    /// Strictly greater than zero; a leading `-` or a zero value is rejected.
    Positive,
    /// Any sign; `"-0"` is accepted and equals zero.
    Any,
}

/// Splits an unsigned decimal `digits[.digits]` into its integer and
/// fractional digit strings, rejecting anything else (signs, whitespace,
/// exponents, separators, non-ASCII digits, `"1."`, `".5"`, `"."`, `""`).
fn split_unsigned_decimal(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => {
            if frac.is_empty() {
                return None;
            }
            (int, frac)
        }
        None => (s, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    Some((int, frac))
}

/// Appends ASCII digits to `acc` (`acc * 10 + d` per digit), or `None` on
/// overflow. The caller guarantees that `digits` contains only ASCII digits.
fn push_digits(acc: u128, digits: &str) -> Option<u128> {
    digits.bytes().try_fold(acc, |acc, b| acc.checked_mul(10)?.checked_add(u128::from(b.wrapping_sub(b'0'))))
}

/// `10^exp` as `u128`, or `None` if it does not fit.
fn pow10(exp: u32) -> Option<u128> {
    10u128.checked_pow(exp)
}

/// Renders `magnitude / 10^scale` exactly, with exactly `scale` fractional
/// digits (none and no point when `scale` is 0).
fn render_scaled(negative: bool, magnitude: u128, scale: u32) -> String {
    let sign = if negative { "-" } else { "" };
    let split = pow10(scale)
        .filter(|_| scale > 0)
        .and_then(|div| Some((magnitude.checked_div(div)?, magnitude.checked_rem(div)?)));
    match split {
        Some((int, frac)) => {
            let width = usize::try_from(scale).unwrap_or(0);
            format!("{sign}{int}.{frac:0width$}")
        }
        None => format!("{sign}{magnitude}"),
    }
}

/// Converts a signed magnitude into an `i64` amount.
fn signed_amount(negative: bool, magnitude: u128) -> Result<i64, MoneyError> {
    let magnitude = i128::try_from(magnitude).map_err(|_| MoneyError::Overflow)?;
    let value = if negative { magnitude.checked_neg().ok_or(MoneyError::Overflow)? } else { magnitude };
    i64::try_from(value).map_err(|_| MoneyError::Overflow)
}

/// An exact amount of money: a signed number of minor units of a currency.
///
/// `Money::new(1050, Currency::USD)` is 10.50 USD. Arithmetic between
/// different currencies is refused with [`MoneyError::CurrencyMismatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

impl Money {
    /// Creates an amount from a count of minor units (e.g. cents).
    pub fn new(amount_minor: i64, currency: Currency) -> Money {
        Money { amount_minor, currency }
    }

    /// Zero in the given currency.
    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// The amount in minor units (e.g. cents).
    pub fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// The currency of the amount.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }

    /// `self + other`; fails on differing currencies or overflow.
    pub fn checked_add(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self.amount_minor.checked_add(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`; fails on differing currencies or overflow.
    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let amount = self.amount_minor.checked_sub(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `-self`; fails with [`MoneyError::Overflow`] for the most negative
    /// amount, whose negation is not representable.
    pub fn checked_neg(&self) -> Result<Money, MoneyError> {
        let amount = self.amount_minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Whether the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount_minor < 0
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount_minor == 0
    }

    /// Whether the amount is above zero.
    pub fn is_positive(&self) -> bool {
        self.amount_minor > 0
    }

    /// Parses an exact decimal amount such as `"10"`, `"10.5"`, `"-3.25"`.
    ///
    /// Grammar: an optional `-`, one or more ASCII digits, then optionally a
    /// `.` followed by one or more ASCII digits. Leading zeros are allowed.
    /// Everything else is [`MoneyError::InvalidAmount`]: the empty string,
    /// `"."`, `"1."`, `".5"`, a leading `+`, whitespace, exponents, thousands
    /// separators, commas and non-ASCII digits.
    ///
    /// Then, in this order:
    /// * a leading `-` when `sign` is not [`Sign::Any`] →
    ///   [`MoneyError::NegativeNotAllowed`];
    /// * more fractional digits than the currency's minor units (even if
    ///   they are zeros: `"10.0"` is refused for JPY) →
    ///   [`MoneyError::TooManyDecimals`];
    /// * a value outside the `i64` range of minor units →
    ///   [`MoneyError::Overflow`];
    /// * zero when `sign` is [`Sign::Positive`] → [`MoneyError::ZeroNotAllowed`].
    pub fn parse_decimal(s: &str, currency: Currency, sign: Sign) -> Result<Money, MoneyError> {
        let (negative, unsigned) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = split_unsigned_decimal(unsigned).ok_or(MoneyError::InvalidAmount)?;
        if negative && sign != Sign::Any {
            return Err(MoneyError::NegativeNotAllowed);
        }
        let max = currency.minor_units();
        let pad = u8::try_from(frac.len())
            .ok()
            .and_then(|len| max.checked_sub(len))
            .ok_or(MoneyError::TooManyDecimals { currency, max })?;
        let magnitude = push_digits(0, int)
            .and_then(|m| push_digits(m, frac))
            .and_then(|m| m.checked_mul(pow10(u32::from(pad))?))
            .ok_or(MoneyError::Overflow)?;
        let amount = signed_amount(negative, magnitude)?;
        if amount == 0 && sign == Sign::Positive {
            return Err(MoneyError::ZeroNotAllowed);
        }
        Ok(Money::new(amount, currency))
    }

    /// Renders the amount exactly as a decimal with exactly the currency's
    /// number of fractional digits: `"10.50"`, `"-0.05"`, `"1000"` (JPY),
    /// `"1.234"` (BHD). The output is accepted by [`Money::parse_decimal`]
    /// with [`Sign::Any`] and yields the same value.
    pub fn to_decimal_string(&self) -> String {
        render_scaled(
            self.is_negative(),
            u128::from(self.amount_minor.unsigned_abs()),
            u32::from(self.currency.minor_units()),
        )
    }

    /// Human-readable form: decimal amount, a space, then the code, e.g.
    /// `"10.50 USD"`.
    pub fn format(&self) -> String {
        format!("{} {}", self.to_decimal_string(), self.currency)
    }

    /// `amount` minor units of the currency coded `currency` as [`Money::format`] writes them
    /// (`"10.50 USD"`), or `None` for a code this program does not know.
    pub fn format_minor(amount: i64, currency: &str) -> Option<String> {
        Currency::parse(currency).ok().map(|c| Money::new(amount, c).format())
    }

    /// Splits the amount into `weights.len()` parts proportional to
    /// `weights`, in the same order, whose sum is exactly `self`.
    ///
    /// Uses the largest remainder method: each part first gets the floor of
    /// its exact share, then the minor units left over go one each to the
    /// parts with the largest fractional remainders, ties going to the lower
    /// index. Each part therefore differs from its exact share by less than
    /// one minor unit, and a zero weight always receives zero. A negative
    /// total is allocated by splitting its absolute value and negating every
    /// part. Fails with [`MoneyError::InvalidWeights`] when `weights` is
    /// empty or all zero. Internally uses 128-bit arithmetic, so no weight
    /// combination overflows.
    pub fn allocate(&self, weights: &[u64]) -> Result<Vec<Money>, MoneyError> {
        let weight_sum = weights
            .iter()
            .try_fold(0u128, |acc, &w| acc.checked_add(u128::from(w)))
            .ok_or(MoneyError::InvalidWeights)?;
        if weight_sum == 0 {
            return Err(MoneyError::InvalidWeights);
        }
        let total = u128::from(self.amount_minor.unsigned_abs());
        // total <= 2^63 and w < 2^64, so total * w < 2^127: never overflows.
        let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
        let mut remainders: Vec<(Reverse<u128>, usize)> = Vec::with_capacity(weights.len());
        let mut distributed: u128 = 0;
        for (index, &w) in weights.iter().enumerate() {
            let share = total.checked_mul(u128::from(w)).ok_or(MoneyError::Overflow)?;
            let floor = share.checked_div(weight_sum).ok_or(MoneyError::Overflow)?;
            let remainder = share.checked_rem(weight_sum).ok_or(MoneyError::Overflow)?;
            distributed = distributed.checked_add(floor).ok_or(MoneyError::Overflow)?;
            parts.push(floor);
            remainders.push((Reverse(remainder), index));
        }
        let leftover = total.checked_sub(distributed).ok_or(MoneyError::Overflow)?;
        // leftover < weights.len(), since each floor loses less than one unit.
        let leftover = usize::try_from(leftover).map_err(|_| MoneyError::Overflow)?;
        remainders.sort_unstable();
        for &(_, index) in remainders.iter().take(leftover) {
            if let Some(part) = parts.get_mut(index) {
                *part = part.checked_add(1).ok_or(MoneyError::Overflow)?;
            }
        }
        let negative = self.is_negative();
        parts.into_iter().map(|p| signed_amount(negative, p).map(|a| Money::new(a, self.currency))).collect()
    }
}

impl fmt::Display for Money {
    /// Same as [`Money::format`], e.g. `10.50 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// Maximum number of decimal places of an [`ExchangeRate`].
pub const MAX_RATE_SCALE: u32 = 12;

/// An exact, strictly positive decimal exchange rate: `mantissa / 10^scale`
/// units of the target currency per unit of the source currency.
///
/// Rates are kept in canonical form (no trailing fractional zeros), so equal
/// values compare equal: `"1.50"` and `"1.5"` are the same rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExchangeRate {
    mantissa: u128,
    scale: u32,
}

impl ExchangeRate {
    /// Builds the rate `mantissa / 10^scale`.
    ///
    /// Fails with [`MoneyError::InvalidRate`] when the rate is zero or
    /// `scale` exceeds [`MAX_RATE_SCALE`].
    pub fn new(mantissa: u128, scale: u32) -> Result<ExchangeRate, MoneyError> {
        if mantissa == 0 || scale > MAX_RATE_SCALE {
            return Err(MoneyError::InvalidRate);
        }
        let (mut mantissa, mut scale) = (mantissa, scale);
        // Strip trailing fractional zeros: 1.50 and 1.5 are the same rate.
        while let (Some(0), Some(shorter), Some(smaller)) =
            (mantissa.checked_rem(10), mantissa.checked_div(10), scale.checked_sub(1))
        {
            mantissa = shorter;
            scale = smaller;
        }
        Ok(ExchangeRate { mantissa, scale })
    }

    /// Parses a decimal rate such as `"1.0845"`, `"150"` or `"0.0067"`.
    ///
    /// Same grammar as [`Money::parse_decimal`] without any sign: digits,
    /// optionally `.` and more digits. Zero, negatives, a leading `+`, more
    /// than [`MAX_RATE_SCALE`] decimal places (counting trailing zeros),
    /// whitespace, exponents and other junk are [`MoneyError::InvalidRate`].
    pub fn parse(s: &str) -> Result<ExchangeRate, MoneyError> {
        let (int, frac) = split_unsigned_decimal(s).ok_or(MoneyError::InvalidRate)?;
        let scale = u32::try_from(frac.len()).map_err(|_| MoneyError::InvalidRate)?;
        if scale > MAX_RATE_SCALE {
            return Err(MoneyError::InvalidRate);
        }
        let mantissa = push_digits(0, int).and_then(|m| push_digits(m, frac)).ok_or(MoneyError::InvalidRate)?;
        ExchangeRate::new(mantissa, scale)
    }

    /// The rate's digits without the decimal point (canonical form).
    pub fn mantissa(&self) -> u128 {
        self.mantissa
    }

    /// Number of decimal places (canonical form, at most [`MAX_RATE_SCALE`]).
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// Converts `from` into currency `to` at this rate.
    ///
    /// Computes `from.amount_minor × rate × 10^(to.minor_units −
    /// from.minor_units)` exactly in 128-bit integers and rounds half up in
    /// magnitude, i.e. half *away from zero*: 108.5 becomes 109 and −108.5
    /// becomes −109. Fails with [`MoneyError::Overflow`] if the result does
    /// not fit in `i64` minor units. The rate is applied even when `to`
    /// equals `from.currency()`.
    pub fn convert(&self, from: Money, to: Currency) -> Result<Money, MoneyError> {
        let product =
            u128::from(from.amount_minor().unsigned_abs()).checked_mul(self.mantissa).ok_or(MoneyError::Overflow)?;
        let up = u32::from(to.minor_units());
        let down = self.scale.checked_add(u32::from(from.currency().minor_units())).ok_or(MoneyError::Overflow)?;
        let magnitude = if up >= down {
            let factor = up.checked_sub(down).and_then(pow10);
            factor.and_then(|f| product.checked_mul(f)).ok_or(MoneyError::Overflow)?
        } else {
            let divisor = down.checked_sub(up).and_then(pow10).ok_or(MoneyError::Overflow)?;
            let quotient = product.checked_div(divisor).ok_or(MoneyError::Overflow)?;
            let remainder = product.checked_rem(divisor).ok_or(MoneyError::Overflow)?;
            // remainder < divisor <= 10^16, so doubling cannot overflow.
            if remainder.saturating_mul(2) >= divisor {
                quotient.checked_add(1).ok_or(MoneyError::Overflow)?
            } else {
                quotient
            }
        };
        let amount = signed_amount(from.is_negative(), magnitude)?;
        Ok(Money::new(amount, to))
    }
}

impl fmt::Display for ExchangeRate {
    /// Exact canonical decimal form, e.g. `1.0845`, `150`, `0.0067`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_scaled(false, self.mantissa, self.scale))
    }
}

impl FromStr for ExchangeRate {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExchangeRate::parse(s)
    }
}

#[cfg(test)]
#[path = "money_tests.rs"]
mod tests;
