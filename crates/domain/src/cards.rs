//! Card data as a buyer types it, checked before anything else is done with it: the card number
//! (brand detected from the prefix table, length allowed for that brand, then the Luhn check), the
//! expiry date and the security code, each parsed once into a type that can only hold a valid value,
//! and [`CardError`], every reason a card is refused here (plus `incorrect_cvc`, which only the issuer
//! can know).
//!
//! The brand table of `docs/reference/card-brands.md` is kept as data ([`BRAND_TABLE`], text rows such as
//! `"51-55, 2221-2720"`), parsed once into prefix ranges: prefix tables change over time, and a change
//! should be an edit of a row, not of code. The full number and the security code are secrets: their
//! `Debug` is masked, they have no `Display`, and only the vault and the issuer connector may call
//! [`CardNumber::expose_digits`] and [`Cvc::expose`]. No IO and no clock: today's date is a parameter.

use std::fmt;
use std::sync::OnceLock;

/// Fewest digits a card number may have.
pub const CARD_NUMBER_DIGITS_MIN: usize = 12;
/// Most digits a card number may have (ISO/IEC 7812).
pub const CARD_NUMBER_DIGITS_MAX: usize = 19;
/// Digits of the bank identification number returned by [`CardNumber::bin`].
pub const BIN_DIGITS: usize = 6;
/// How far in the future an expiry year may be, in years after today's year.
pub const EXPIRY_YEARS_AHEAD_MAX: i64 = 50;
/// Longest prefix pattern the brand table may use (eight-digit BINs).
const PREFIX_DIGITS_MAX: usize = 8;

/// Why card data was refused. [`CardError::code`] is the stable API code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CardError {
    /// Not digits, wrong length, unknown prefix, length not allowed for the brand, or failed Luhn.
    #[error("the card number is incorrect")]
    IncorrectNumber,
    /// The expiry month is not 1 to 12.
    #[error("the expiry month is invalid")]
    InvalidExpiryMonth,
    /// The expiry year is in the past, too far ahead, or not a 2- or 4-digit year.
    #[error("the expiry year is invalid")]
    InvalidExpiryYear,
    /// The expiry month of this year has passed.
    #[error("the card has expired")]
    ExpiredCard,
    /// The security code is not digits, or not the brand's number of digits.
    #[error("the security code is invalid")]
    InvalidCvc,
    /// The issuer says the security code is wrong (never produced by parsing here).
    #[error("the security code is incorrect")]
    IncorrectCvc,
    /// The number is valid but its brand is not among the accepted ones.
    #[error("the card brand is not supported")]
    BrandNotSupported,
}

impl CardError {
    /// Every variant, for tables and tests.
    pub const ALL: [CardError; 7] = [
        CardError::IncorrectNumber,
        CardError::InvalidExpiryMonth,
        CardError::InvalidExpiryYear,
        CardError::ExpiredCard,
        CardError::InvalidCvc,
        CardError::IncorrectCvc,
        CardError::BrandNotSupported,
    ];

    /// The API `code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CardError::IncorrectNumber => "incorrect_number",
            CardError::InvalidExpiryMonth => "invalid_expiry_month",
            CardError::InvalidExpiryYear => "invalid_expiry_year",
            CardError::ExpiredCard => "expired_card",
            CardError::InvalidCvc => "invalid_cvc",
            CardError::IncorrectCvc => "incorrect_cvc",
            CardError::BrandNotSupported => "card_brand_not_supported",
        }
    }
}

/// A card network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Brand {
    Visa,
    Mastercard,
    AmericanExpress,
    DinersClub,
    Discover,
    Jcb,
    UnionPay,
    Maestro,
    Mir,
}

impl Brand {
    /// Every brand, in the order used for lists shown to buyers.
    pub const ALL: [Brand; 9] = [
        Brand::Visa,
        Brand::Mastercard,
        Brand::AmericanExpress,
        Brand::DinersClub,
        Brand::Discover,
        Brand::Jcb,
        Brand::UnionPay,
        Brand::Maestro,
        Brand::Mir,
    ];

    /// Stable lower-case API name, e.g. `"amex"`.
    pub fn name(self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::AmericanExpress => "amex",
            Brand::DinersClub => "diners",
            Brand::Discover => "discover",
            Brand::Jcb => "jcb",
            Brand::UnionPay => "unionpay",
            Brand::Maestro => "maestro",
            Brand::Mir => "mir",
        }
    }

    /// Name for people, e.g. `"American Express"`.
    pub fn display_name(self) -> &'static str {
        match self {
            Brand::Visa => "Visa",
            Brand::Mastercard => "Mastercard",
            Brand::AmericanExpress => "American Express",
            Brand::DinersClub => "Diners Club",
            Brand::Discover => "Discover",
            Brand::Jcb => "JCB",
            Brand::UnionPay => "UnionPay",
            Brand::Maestro => "Maestro",
            Brand::Mir => "Mir",
        }
    }

    /// Parses a stable API name (exactly as [`Brand::name`] writes it).
    pub fn parse(name: &str) -> Option<Brand> {
        Brand::ALL.into_iter().find(|brand| brand.name() == name)
    }

    /// Digits of the security code for this brand (4 for American Express, 3 otherwise), from the table.
    pub fn cvc_length(self) -> usize {
        // Every brand has a row (a test checks it); 3 is an unreachable fallback.
        BRAND_TABLE.iter().find(|row| row.brand == self).map_or(3, |row| usize::from(row.cvc_digits))
    }

    /// The brand whose longest prefix pattern matches the leading digits of `digits`, looking at the
    /// prefix only (no length or Luhn check). `None` if `digits` is not all ASCII digits or no
    /// pattern matches.
    pub fn detect(digits: &str) -> Option<Brand> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        detect_rules(digits).map(|rules| rules.brand)
    }

    fn bit(self) -> u16 {
        1u16 << (self as u16)
    }
}

/// One row of the brand table, as text, exactly in the shape of `docs/reference/card-brands.md`.
struct BrandRow {
    brand: Brand,
    /// Comma-separated prefixes: a single prefix (`"4"`) or an inclusive range of prefixes with the
    /// same number of digits (`"2221-2720"`; an en dash is accepted too).
    prefixes: &'static str,
    /// Comma-separated lengths or inclusive ranges of lengths (`"16, 18, 19"`, `"16-19"`).
    lengths: &'static str,
    /// Digits of the security code.
    cvc_digits: u8,
}

/// The brand table (see `docs/reference/card-brands.md`). When several patterns match a number, the longest
/// pattern wins; no two brands may have overlapping patterns of the same length (a test checks it).
static BRAND_TABLE: &[BrandRow] = &[
    BrandRow { brand: Brand::Visa, prefixes: "4", lengths: "16, 18, 19", cvc_digits: 3 },
    BrandRow { brand: Brand::Mastercard, prefixes: "51-55, 2221-2720", lengths: "16", cvc_digits: 3 },
    BrandRow { brand: Brand::AmericanExpress, prefixes: "34, 37", lengths: "15", cvc_digits: 4 },
    BrandRow { brand: Brand::DinersClub, prefixes: "300-305, 36, 38, 39", lengths: "14, 16, 19", cvc_digits: 3 },
    BrandRow { brand: Brand::Discover, prefixes: "6011, 644-649, 65", lengths: "16, 19", cvc_digits: 3 },
    BrandRow { brand: Brand::Jcb, prefixes: "2131, 1800, 3528-3589", lengths: "16-19", cvc_digits: 3 },
    BrandRow {
        brand: Brand::UnionPay,
        prefixes: "620, 62100-62182, 62184-62187, 62185-62197, 62200-62205, 622010-622999, 62207-62209, \
                   623-626, 6270, 6272, 6276, 627700-627779, 627781-627799, 6282-6289, 6291, 6292, 810-817",
        lengths: "14-19",
        cvc_digits: 3,
    },
    BrandRow {
        brand: Brand::Maestro,
        prefixes: "493698, 500000-504174, 504176-506698, 506779-508999, 56-59, 63, 67, 6",
        lengths: "12-19",
        cvc_digits: 3,
    },
    BrandRow { brand: Brand::Mir, prefixes: "2200-2204", lengths: "16-19", cvc_digits: 3 },
];

/// An inclusive range of prefixes, all with `digits` digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PrefixRange {
    digits: usize,
    low: u32,
    high: u32,
}

impl PrefixRange {
    /// Parses `"4"` or `"2221-2720"`: ASCII digits, both ends of a range with the same number of digits.
    fn parse(text: &str) -> Option<PrefixRange> {
        let text = text.trim();
        let (low, high) = match text.split_once(['-', '–']) {
            Some((low, high)) => (low.trim(), high.trim()),
            None => (text, text),
        };
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let digits = low.len();
        if !is_digits(low) || !is_digits(high) || high.len() != digits || digits > PREFIX_DIGITS_MAX {
            return None;
        }
        let (low, high) = (low.parse().ok()?, high.parse().ok()?);
        (low <= high).then_some(PrefixRange { digits, low, high })
    }

    /// Whether the leading `self.digits` digits of `number` (all ASCII digits) fall in the range.
    fn matches(&self, number: &str) -> bool {
        number
            .get(..self.digits)
            .and_then(|lead| lead.parse::<u32>().ok())
            .is_some_and(|lead| (self.low..=self.high).contains(&lead))
    }
}

/// Parses `"16, 18, 19"` or `"16-19"` into a bit set of lengths (bit `n` set when `n` digits are
/// allowed); every length must lie in `CARD_NUMBER_DIGITS_MIN..=CARD_NUMBER_DIGITS_MAX`.
fn parse_lengths(text: &str) -> Option<u32> {
    let mut allowed = 0u32;
    for part in text.split(',') {
        let part = part.trim();
        let (low, high) = part.split_once(['-', '–']).unwrap_or((part, part));
        let (low, high): (usize, usize) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
        if low > high || low < CARD_NUMBER_DIGITS_MIN || high > CARD_NUMBER_DIGITS_MAX {
            return None;
        }
        for length in low..=high {
            allowed |= 1u32 << length;
        }
    }
    Some(allowed)
}

/// A row of the brand table, parsed.
struct BrandRules {
    brand: Brand,
    prefixes: Vec<PrefixRange>,
    lengths_allowed: u32,
}

impl BrandRules {
    fn allows_length(&self, length: usize) -> bool {
        length <= CARD_NUMBER_DIGITS_MAX && self.lengths_allowed & (1u32 << length) != 0
    }
}

/// The brand table, parsed once. A pattern or length list that does not parse is left out (and
/// fails the `every_table_row_parses` test), rather than panicking at run time.
fn brand_rules() -> &'static [BrandRules] {
    static RULES: OnceLock<Vec<BrandRules>> = OnceLock::new();
    RULES.get_or_init(|| {
        BRAND_TABLE
            .iter()
            .map(|row| BrandRules {
                brand: row.brand,
                prefixes: row.prefixes.split(',').filter_map(PrefixRange::parse).collect(),
                lengths_allowed: parse_lengths(row.lengths).unwrap_or(0),
            })
            .collect()
    })
}

/// The rules of the brand with the longest prefix matching `digits` (first row wins a tie).
fn detect_rules(digits: &str) -> Option<&'static BrandRules> {
    let mut best: Option<(usize, &'static BrandRules)> = None;
    for rules in brand_rules() {
        for prefix in &rules.prefixes {
            if prefix.matches(digits) && best.is_none_or(|(longest, _)| prefix.digits > longest) {
                best = Some((prefix.digits, rules));
            }
        }
    }
    best.map(|(_, rules)| rules)
}

/// The Luhn check: from the rightmost digit moving left, double every second digit (the one left of
/// the check digit first), subtract 9 from any doubled value above 9, add everything; valid when the
/// total is a multiple of 10. `false` for an empty string or anything but ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // The running total is kept modulo 10.
    let total_mod_10 = digits.bytes().rev().enumerate().fold(0u32, |total, (position, b)| {
        let digit = u32::from(b - b'0');
        let value = match (position % 2 == 1, digit * 2) {
            (false, _) => digit,
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
        };
        (total + value) % 10
    });
    total_mod_10 == 0
}

/// The set of brands a payment may use. [`AcceptedBrands::all`] (also the `Default`) is every brand.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AcceptedBrands(u16);

impl AcceptedBrands {
    /// Every brand in [`Brand::ALL`].
    pub fn all() -> AcceptedBrands {
        AcceptedBrands::from_brands(Brand::ALL)
    }

    /// Exactly the given brands (duplicates are harmless; an empty list accepts no card).
    pub fn from_brands(brands: impl IntoIterator<Item = Brand>) -> AcceptedBrands {
        AcceptedBrands(brands.into_iter().fold(0, |set, brand| set | brand.bit()))
    }

    /// Whether `brand` is accepted.
    pub fn contains(&self, brand: Brand) -> bool {
        self.0 & brand.bit() != 0
    }

    /// Whether no brand is accepted.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The accepted brands, in the order of [`Brand::ALL`].
    pub fn brands(&self) -> impl Iterator<Item = Brand> + '_ {
        Brand::ALL.into_iter().filter(|brand| self.contains(*brand))
    }
}

impl Default for AcceptedBrands {
    fn default() -> Self {
        AcceptedBrands::all()
    }
}

impl FromIterator<Brand> for AcceptedBrands {
    fn from_iter<I: IntoIterator<Item = Brand>>(brands: I) -> Self {
        AcceptedBrands::from_brands(brands)
    }
}

impl fmt::Debug for AcceptedBrands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.brands().map(Brand::name)).finish()
    }
}

/// A card number that passed every check of [`parse_card_number`]: ASCII digits only, 12 to 19 of
/// them, a known brand, a length allowed for it, and the Luhn check.
///
/// Its `Debug` shows only the last four digits (`CardNumber(****4242)`); there is no `Display`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNumber {
    digits: String,
    brand: Brand,
}

impl CardNumber {
    /// The full number. Only for the vault (to encrypt and fingerprint it) and the issuer connector
    /// (to send it); never log, store in plain text, or return it.
    pub fn expose_digits(&self) -> &str {
        &self.digits
    }

    /// The last four digits, which may be shown and stored.
    pub fn last4(&self) -> &str {
        self.digits.get(self.digits.len().saturating_sub(4)..).unwrap_or_default()
    }

    /// The first [`BIN_DIGITS`] digits (the issuer's identification number), which may be shown and stored.
    pub fn bin(&self) -> &str {
        self.digits.get(..BIN_DIGITS).unwrap_or(&self.digits)
    }

    /// The brand detected from the prefix table.
    pub fn brand(&self) -> Brand {
        self.brand
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

/// Parses a card number as typed: spaces and dashes are removed, then, in this order,
/// * anything but ASCII digits, fewer than [`CARD_NUMBER_DIGITS_MIN`] or more than
///   [`CARD_NUMBER_DIGITS_MAX`] digits → [`CardError::IncorrectNumber`];
/// * no brand's prefix matches (the longest matching pattern decides the brand) → `IncorrectNumber`;
/// * a length the brand does not allow → `IncorrectNumber`;
/// * a failed Luhn check → `IncorrectNumber`;
/// * a valid number whose brand is not in `accepted` → [`CardError::BrandNotSupported`].
///
/// Validity comes before acceptance, so a mistyped number is always reported as mistyped, and
/// `card_brand_not_supported` is only said of a number that could be a real card.
pub fn parse_card_number(input: &str, accepted: &AcceptedBrands) -> Result<CardNumber, CardError> {
    let mut digits = String::with_capacity(CARD_NUMBER_DIGITS_MAX);
    for c in input.chars() {
        match c {
            ' ' | '-' => {}
            '0'..='9' if digits.len() < CARD_NUMBER_DIGITS_MAX => digits.push(c),
            _ => return Err(CardError::IncorrectNumber),
        }
    }
    if digits.len() < CARD_NUMBER_DIGITS_MIN {
        return Err(CardError::IncorrectNumber);
    }
    let rules = detect_rules(&digits).ok_or(CardError::IncorrectNumber)?;
    if !rules.allows_length(digits.len()) || !luhn_valid(&digits) {
        return Err(CardError::IncorrectNumber);
    }
    if !accepted.contains(rules.brand) {
        return Err(CardError::BrandNotSupported);
    }
    Ok(CardNumber { digits, brand: rules.brand })
}

/// A card's expiry month and year. A card is valid through the last day of its expiry month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expiry {
    month: u8,
    year: u16,
}

impl Expiry {
    /// Parses an expiry date against today's date (`today_month` is 1 to 12), in this order:
    /// * `month` not in 1..=12 → [`CardError::InvalidExpiryMonth`];
    /// * `year` neither two digits (0..=99, read as 2000 + yy) nor four (1000..=9999), before
    ///   `today_year`, or more than [`EXPIRY_YEARS_AHEAD_MAX`] years after it →
    ///   [`CardError::InvalidExpiryYear`];
    /// * this year with a month before `today_month` → [`CardError::ExpiredCard`].
    pub fn parse(month: i64, year: i64, today_year: i32, today_month: u32) -> Result<Expiry, CardError> {
        let month =
            u8::try_from(month).ok().filter(|month| (1..=12).contains(month)).ok_or(CardError::InvalidExpiryMonth)?;
        let year = match year {
            0..=99 => 2000 + year,
            1000..=9999 => year,
            _ => return Err(CardError::InvalidExpiryYear),
        };
        let today_year_wide = i64::from(today_year);
        if year < today_year_wide || year > today_year_wide + EXPIRY_YEARS_AHEAD_MAX {
            return Err(CardError::InvalidExpiryYear);
        }
        let year = u16::try_from(year).map_err(|_| CardError::InvalidExpiryYear)?;
        let expiry = Expiry { month, year };
        if expiry.is_expired_at(today_year, today_month) {
            return Err(CardError::ExpiredCard);
        }
        Ok(expiry)
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The four-digit year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Whether the card has expired on a day of `today_year`-`today_month` (it is still valid during
    /// its expiry month).
    pub fn is_expired_at(&self, today_year: i32, today_month: u32) -> bool {
        (i64::from(self.year), i64::from(self.month)) < (i64::from(today_year), i64::from(today_month))
    }
}

/// A card security code (CVC, CVV, CID) of the right length for its brand.
///
/// Its `Debug` is `Cvc(***)`; there is no `Display`. It may never be stored after authorization,
/// not even encrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct Cvc(String);

impl Cvc {
    /// Parses a security code: ASCII digits only, exactly [`Brand::cvc_length`] of them (no spaces),
    /// else [`CardError::InvalidCvc`].
    pub fn parse(input: &str, brand: Brand) -> Result<Cvc, CardError> {
        if input.len() != brand.cvc_length() || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardError::InvalidCvc);
        }
        Ok(Cvc(input.to_owned()))
    }

    /// The code. Only for the issuer connector, to send it with an authorization; never log or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cvc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cvc(***)")
    }
}

#[cfg(test)]
#[path = "cards_tests.rs"]
mod tests;
