//! Gift cards: what one purchase may contain, when its credit expires, and the redeemable codes of
//! cards bought as gifts.
//!
//! A purchase is checked by [`check_purchase`] against the [`GiftCardRules`] of its currency (fixed
//! denominations, a cap on the face value loaded by one purchase, no coupons) and expands into one
//! card per unit of quantity. Credit expires [`GiftCardRules::expiry_years`] calendar years after the
//! purchase ([`expires_at`]). A card bought as a gift gets a [`GiftCode`] built from 32 random bytes
//! the caller supplies ([`code_from_random`]): 16 symbols of [`CODE_ALPHABET`] (about 79 bits), shown
//! once as `XXXX-XXXX-XXXX-XXXX` and stored only as a keyed hash of its normalized form
//! ([`normalize_code`]: upper case, no separators), which is also what a redeemed code is hashed
//! from. A code's `Debug` shows only its last four symbols. No IO, no clock, no randomness here.

use std::fmt;

use crate::calendar;
use crate::money::{Currency, Money};

/// Most denominations one currency may offer.
pub const DENOMINATIONS_MAX: usize = 32;
/// Longest credit lifetime the rules may set, in years.
pub const EXPIRY_YEARS_MAX: u32 = 100;
/// Most gift cards one purchase may create.
pub const PURCHASE_CARDS_MAX: u64 = 100;

/// Symbols of a redeemable code: the upper-case letters and digits without the look-alikes `0`, `O`,
/// `1`, `I` and `L`, so that a code read aloud or copied by hand survives. 23 letters, then 8 digits:
/// 31 symbols, about 4.95 bits each.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Symbols in a code. The first is one of the 23 letters, the other 15 any of the 31 symbols:
/// 23 × 31^15 ≈ 2^78.8 codes, far beyond guessing at the rate-limited redemption endpoint.
pub const CODE_SYMBOLS: usize = 16;
/// Symbols per dash-separated group when a code is shown (`XXXX-XXXX-XXXX-XXXX`).
pub const CODE_GROUP_SYMBOLS: usize = 4;
/// Longest text [`normalize_code`] looks at; anything longer is not a code.
pub const CODE_INPUT_CHARS_MAX: usize = 64;
/// How many of [`CODE_ALPHABET`]'s first symbols are letters; a code starts with one of them, so it
/// can never be mistaken for (or pasted as) a card number.
const CODE_LETTERS: usize = 23;

/// Why a configuration of [`GiftCardRules`] was refused (an operator's mistake, not a buyer's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GiftCardRulesError {
    #[error("gift card rules need at least one denomination")]
    NoDenominations,
    #[error("gift card rules allow at most {DENOMINATIONS_MAX} denominations")]
    TooManyDenominations,
    #[error("gift card denominations must be positive (got {denomination_minor})")]
    DenominationNotPositive { denomination_minor: i64 },
    #[error("gift card denominations must be sorted ascending without repeats")]
    DenominationsNotIncreasing,
    #[error("the gift card purchase cap must be positive")]
    CapNotPositive,
    #[error("gift card denomination {denomination_minor} is above the purchase cap and could never be bought")]
    DenominationAboveCap { denomination_minor: i64 },
    #[error("gift card credit must expire after 1 to {EXPIRY_YEARS_MAX} years")]
    ExpiryYearsOutOfRange,
}

/// What gift cards of one currency may be bought: the configurable part of the business rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardRules {
    denominations_minor: Vec<i64>,
    purchase_cap_minor: i64,
    expiry_years: u32,
    currency: Currency,
}

impl GiftCardRules {
    /// The defaults of the brief: 10, 20, 50, 100 and 150 USD; at most 700 USD loaded by one purchase;
    /// credit expires after 3 years.
    pub fn default_usd() -> GiftCardRules {
        GiftCardRules {
            denominations_minor: vec![1_000, 2_000, 5_000, 10_000, 15_000],
            purchase_cap_minor: 70_000,
            expiry_years: 3,
            currency: Currency::USD,
        }
    }

    /// Rules for one currency. Denominations are in minor units, positive, strictly increasing, at
    /// most [`DENOMINATIONS_MAX`] of them and none above the cap; the cap is positive; credit expires
    /// after 1 to [`EXPIRY_YEARS_MAX`] years (some jurisdictions require 5).
    pub fn new(
        currency: Currency,
        denominations_minor: Vec<i64>,
        purchase_cap_minor: i64,
        expiry_years: u32,
    ) -> Result<GiftCardRules, GiftCardRulesError> {
        if denominations_minor.is_empty() {
            return Err(GiftCardRulesError::NoDenominations);
        }
        if denominations_minor.len() > DENOMINATIONS_MAX {
            return Err(GiftCardRulesError::TooManyDenominations);
        }
        if let Some(&denomination_minor) = denominations_minor.iter().find(|&&d| d <= 0) {
            return Err(GiftCardRulesError::DenominationNotPositive { denomination_minor });
        }
        if denominations_minor.windows(2).any(|pair| matches!(pair, [a, b] if a >= b)) {
            return Err(GiftCardRulesError::DenominationsNotIncreasing);
        }
        if purchase_cap_minor <= 0 {
            return Err(GiftCardRulesError::CapNotPositive);
        }
        if let Some(&denomination_minor) = denominations_minor.iter().find(|&&d| d > purchase_cap_minor) {
            return Err(GiftCardRulesError::DenominationAboveCap { denomination_minor });
        }
        if !(1..=EXPIRY_YEARS_MAX).contains(&expiry_years) {
            return Err(GiftCardRulesError::ExpiryYearsOutOfRange);
        }
        Ok(GiftCardRules { denominations_minor, purchase_cap_minor, expiry_years, currency })
    }

    /// The denominations on sale, in minor units, ascending.
    pub fn denominations_minor(&self) -> &[i64] {
        &self.denominations_minor
    }

    /// The most face value one purchase may load, in minor units.
    pub fn purchase_cap_minor(&self) -> i64 {
        self.purchase_cap_minor
    }

    /// Calendar years from purchase to expiry of the credit.
    pub fn expiry_years(&self) -> u32 {
        self.expiry_years
    }

    /// The currency these rules sell gift cards in.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

/// One line of a purchase: `quantity` cards of one denomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PurchaseItem {
    pub denomination_minor: i64,
    pub quantity: u32,
}

/// An accepted purchase: its total face value and the cards it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseTotal {
    /// Sum of the cards' denominations, in minor units: what the buyer pays and what is loaded.
    pub total_minor: i64,
    /// One entry per card, its denomination in minor units, in the order of the items.
    pub cards: Vec<i64>,
}

/// Why a gift card purchase was refused. [`GiftCardError::code`] is the API code; the `Display` text
/// is a message for the buyer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GiftCardError {
    /// A coupon or discount came with the purchase.
    #[error("Coupons and discounts can't be used to buy gift cards.")]
    CouponNotAllowed,
    /// The purchase is in a currency these rules do not sell.
    #[error("Gift cards can't be bought in {currency}; they are sold in {supported}.")]
    CurrencyNotSupported { currency: Currency, supported: Currency },
    /// The purchase lists no cards.
    #[error("Choose at least one gift card.")]
    NoItems,
    /// An item has quantity 0.
    #[error("Each gift card quantity must be at least 1.")]
    InvalidQuantity,
    /// An item's denomination is not on sale (the message lists those that are).
    #[error("Gift cards come in {}.", amounts_sentence(.denominations_minor, *.currency))]
    InvalidDenomination { denomination_minor: i64, denominations_minor: Vec<i64>, currency: Currency },
    /// The total face value is above the cap. `total_minor` is `i64::MAX` if the total does not fit.
    #[error(
        "One purchase can load at most {} of gift cards; this one comes to {}.",
        Money::new(*.cap_minor, *.currency).format(),
        Money::new(*.total_minor, *.currency).format()
    )]
    LoadLimitExceeded { cap_minor: i64, total_minor: i64, currency: Currency },
    /// The purchase would create more than [`PURCHASE_CARDS_MAX`] cards.
    #[error("One purchase can hold at most {cards_max} gift cards.")]
    TooManyCards { cards_max: u64 },
}

impl GiftCardError {
    /// The API `code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            GiftCardError::CouponNotAllowed => "coupon_not_allowed",
            GiftCardError::CurrencyNotSupported { .. } => "currency_not_supported",
            GiftCardError::NoItems | GiftCardError::InvalidQuantity | GiftCardError::TooManyCards { .. } => {
                "parameter_invalid"
            }
            GiftCardError::InvalidDenomination { .. } => "invalid_denomination",
            GiftCardError::LoadLimitExceeded { .. } => "load_limit_exceeded",
        }
    }
}

/// `"10.00, 20.00 and 50.00 USD"`: the amounts as decimals, then the currency once.
fn amounts_sentence(amounts_minor: &[i64], currency: Currency) -> String {
    let decimals: Vec<String> =
        amounts_minor.iter().map(|&amount| Money::new(amount, currency).to_decimal_string()).collect();
    let listed = match decimals.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    };
    format!("{listed} {currency}")
}

/// Checks a gift card purchase and expands it into cards. The checks run in this order, and the
/// first that fails decides the error:
/// 1. a coupon (or any discount) is present → [`GiftCardError::CouponNotAllowed`];
/// 2. `currency` is not the rules' currency → [`GiftCardError::CurrencyNotSupported`];
/// 3. no items → [`GiftCardError::NoItems`];
/// 4. any item with quantity 0 → [`GiftCardError::InvalidQuantity`];
/// 5. any item whose denomination is not on sale (the first such item is named) →
///    [`GiftCardError::InvalidDenomination`];
/// 6. a total face value above the cap, or too large to compute → [`GiftCardError::LoadLimitExceeded`]
///    (exactly the cap is accepted);
/// 7. more than [`PURCHASE_CARDS_MAX`] cards → [`GiftCardError::TooManyCards`].
///
/// Nothing proportional to the quantities is allocated before the checks pass.
pub fn check_purchase(
    rules: &GiftCardRules,
    currency: Currency,
    items: &[PurchaseItem],
    coupon_present: bool,
) -> Result<PurchaseTotal, GiftCardError> {
    if coupon_present {
        return Err(GiftCardError::CouponNotAllowed);
    }
    if currency != rules.currency {
        return Err(GiftCardError::CurrencyNotSupported { currency, supported: rules.currency });
    }
    if items.is_empty() {
        return Err(GiftCardError::NoItems);
    }
    if items.iter().any(|item| item.quantity == 0) {
        return Err(GiftCardError::InvalidQuantity);
    }
    if let Some(item) =
        items.iter().find(|item| rules.denominations_minor.binary_search(&item.denomination_minor).is_err())
    {
        return Err(GiftCardError::InvalidDenomination {
            denomination_minor: item.denomination_minor,
            denominations_minor: rules.denominations_minor.clone(),
            currency: rules.currency,
        });
    }
    let total_minor = items.iter().try_fold(0i64, |total, item| {
        item.denomination_minor.checked_mul(i64::from(item.quantity)).and_then(|line| total.checked_add(line))
    });
    let over_cap = |total_minor| GiftCardError::LoadLimitExceeded {
        cap_minor: rules.purchase_cap_minor,
        total_minor,
        currency: rules.currency,
    };
    let total_minor = total_minor.ok_or_else(|| over_cap(i64::MAX))?;
    if total_minor > rules.purchase_cap_minor {
        return Err(over_cap(total_minor));
    }
    let card_count = items.iter().try_fold(0u64, |count, item| count.checked_add(u64::from(item.quantity)));
    let too_many = GiftCardError::TooManyCards { cards_max: PURCHASE_CARDS_MAX };
    let card_count = card_count.filter(|&count| count <= PURCHASE_CARDS_MAX).ok_or(too_many.clone())?;
    let mut cards = Vec::with_capacity(usize::try_from(card_count).map_err(|_| too_many)?);
    for item in items {
        for _ in 0..item.quantity {
            cards.push(item.denomination_minor);
        }
    }
    Ok(PurchaseTotal { total_minor, cards })
}

/// When the credit of a card bought at `purchased_at` expires: the same date and time of day
/// [`GiftCardRules::expiry_years`] later ([`calendar::add_years`]; February 29 becomes February 28).
pub fn expires_at(purchased_at: i64, rules: &GiftCardRules) -> i64 {
    calendar::add_years(purchased_at, rules.expiry_years)
}

/// A redeemable gift card code, `XXXX-XXXX-XXXX-XXXX`. A secret until redeemed: its `Debug` shows only
/// the last four symbols (`GiftCode(****-WXYZ)`) and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct GiftCode(String);

impl GiftCode {
    /// The code as shown, with dashes. Only to show it once to the buyer or email it to the recipient;
    /// never log or store it (store the keyed hash of [`GiftCode::normalized`]).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The code without dashes, the form that is hashed (the same as [`normalize_code`] of
    /// [`GiftCode::expose`]). As secret as the code.
    pub fn normalized(&self) -> String {
        self.0.chars().filter(|&c| c != '-').collect()
    }

    /// The last four symbols, which may be shown and stored.
    pub fn last4(&self) -> &str {
        self.0.get(self.0.len().saturating_sub(4)..).unwrap_or_default()
    }
}

impl fmt::Debug for GiftCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GiftCode(****-{})", self.last4())
    }
}

/// Builds a code from 32 random bytes (from the operating system's generator, in the caller).
///
/// The first symbol is a letter, the others any symbol of [`CODE_ALPHABET`], each drawn by rejection
/// sampling from the bytes in order: a byte `b` gives symbol `b % n` of the first `n` symbols (`n` is
/// 23 for the first, 31 for the rest) when `b` is below the largest multiple of `n` up to 256 (253,
/// 248), and is skipped otherwise, so each symbol is exactly uniform. A byte is skipped only while
/// more bytes remain than symbols are still needed; once they are equal, every remaining byte is used
/// with plain `b % n`, so 32 bytes always suffice. That last resort needs at least 16 skipped bytes out
/// of 32 (probability about 3 × 10^-16) and then makes some symbols of the affected positions at most
/// 12/256 instead of 11/256 likely (first symbol) or 9/256 instead of 8/256 (the others): a bias
/// without practical consequence.
pub fn code_from_random(random: &[u8; 32]) -> GiftCode {
    let mut symbols = Vec::with_capacity(CODE_SYMBOLS);
    let mut bytes = random.iter().copied();
    let mut bytes_left = random.len();
    while symbols.len() < CODE_SYMBOLS {
        let Some(byte) = bytes.next() else { break };
        bytes_left -= 1;
        let choices = if symbols.is_empty() { CODE_LETTERS } else { CODE_ALPHABET.len() };
        let symbols_needed_after_this = CODE_SYMBOLS - symbols.len() - 1;
        let accept_below = 256 - 256 % choices;
        if usize::from(byte) >= accept_below && bytes_left > symbols_needed_after_this {
            continue;
        }
        symbols.push(CODE_ALPHABET.get(usize::from(byte) % choices).copied().unwrap_or(b'A'));
    }
    let mut shown = String::with_capacity(CODE_SYMBOLS + CODE_SYMBOLS / CODE_GROUP_SYMBOLS);
    for (i, &symbol) in symbols.iter().enumerate() {
        if i > 0 && i % CODE_GROUP_SYMBOLS == 0 {
            shown.push('-');
        }
        shown.push(char::from(symbol));
    }
    GiftCode(shown)
}

/// The normalized form of a code as a person typed or pasted it, or `None` if it cannot be a code.
///
/// Spaces, other ASCII whitespace and dashes are removed and lower-case letters are upper-cased; what
/// remains must be exactly [`CODE_SYMBOLS`] symbols of [`CODE_ALPHABET`], the first a letter (as every
/// code [`code_from_random`] makes), and the input at most [`CODE_INPUT_CHARS_MAX`] characters. The
/// result has no dashes; its keyed hash is what is looked up. Look-alikes are not guessed: a `0`, `O`,
/// `1`, `I` or `L` makes the input no code.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut normalized = String::with_capacity(CODE_SYMBOLS);
    for (count, c) in input.chars().enumerate() {
        if count >= CODE_INPUT_CHARS_MAX {
            return None;
        }
        if c == '-' || c.is_ascii_whitespace() {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let is_symbol = u8::try_from(upper).is_ok_and(|b| CODE_ALPHABET.contains(&b));
        if !is_symbol || normalized.len() >= CODE_SYMBOLS {
            return None;
        }
        normalized.push(upper);
    }
    let starts_with_letter = normalized.starts_with(|c: char| c.is_ascii_alphabetic());
    (normalized.len() == CODE_SYMBOLS && starts_with_letter).then_some(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table row's expected outcome: the total and the cards, or the error.
    type Expected<'a> = Result<(i64, &'a [i64]), GiftCardError>;
    /// A message row: what came out (code and text, or success), then the expected code and text.
    type MessageRow<'a> = (Result<(), (&'a str, String)>, &'a str, &'a str);
    /// A rules row: denominations, cap, years, and whether they are accepted.
    type RulesRow = (Vec<i64>, i64, u32, Result<(), GiftCardRulesError>);

    fn item(denomination_minor: i64, quantity: u32) -> PurchaseItem {
        PurchaseItem { denomination_minor, quantity }
    }

    /// The one helper of the purchase table: USD rules unless `rules` says otherwise, no coupon
    /// unless `coupon`; a success is the total and the cards.
    fn check(rules: &GiftCardRules, currency: Currency, items: &[PurchaseItem], coupon: bool, expected: Expected<'_>) {
        let got = check_purchase(rules, currency, items, coupon);
        let got = got.as_ref().map(|p| (p.total_minor, p.cards.as_slice())).map_err(Clone::clone);
        assert_eq!(got, expected, "{items:?} in {currency} coupon={coupon}");
    }

    #[test]
    fn purchases() {
        use GiftCardError::*;
        let usd = GiftCardRules::default_usd();
        let bad_denomination = |denomination_minor| InvalidDenomination {
            denomination_minor,
            denominations_minor: vec![1_000, 2_000, 5_000, 10_000, 15_000],
            currency: Currency::USD,
        };
        let over = |total_minor| LoadLimitExceeded { cap_minor: 70_000, total_minor, currency: Currency::USD };
        let rows: Vec<(Vec<PurchaseItem>, Expected<'_>)> = vec![
            (vec![item(1_000, 1)], Ok((1_000, &[1_000]))),
            (vec![item(5_000, 2), item(1_000, 1)], Ok((11_000, &[5_000, 5_000, 1_000]))),
            (vec![item(15_000, 4), item(10_000, 1)], Ok((70_000, &[15_000, 15_000, 15_000, 15_000, 10_000]))),
            (vec![item(1_000, 70)], Ok((70_000, &[1_000; 70]))),
            (vec![item(1_000, 71)], Err(over(71_000))),
            (vec![item(15_000, 4), item(10_000, 1), item(1_000, 1)], Err(over(71_000))),
            (vec![item(15_000, 5)], Err(over(75_000))),
            (vec![item(15_000, u32::MAX)], Err(over(15_000 * i64::from(u32::MAX)))),
            (vec![], Err(NoItems)),
            (vec![item(1_000, 0)], Err(InvalidQuantity)),
            (vec![item(1_234, 1), item(1_000, 0)], Err(InvalidQuantity)),
            (vec![item(1_000, 1), item(1_234, 1)], Err(bad_denomination(1_234))),
            (vec![item(0, 1)], Err(bad_denomination(0))),
            (vec![item(-1_000, 1)], Err(bad_denomination(-1_000))),
            (vec![item(10, 1)], Err(bad_denomination(10))),
        ];
        for (items, expected) in rows {
            check(&usd, Currency::USD, &items, false, expected);
        }
        check(&usd, Currency::USD, &[item(1_000, 1)], true, Err(CouponNotAllowed));
        check(&usd, Currency::EUR, &[], true, Err(CouponNotAllowed));
        let eur = CurrencyNotSupported { currency: Currency::EUR, supported: Currency::USD };
        check(&usd, Currency::EUR, &[], false, Err(eur));

        // A cap large enough that the card bound and overflow are reachable.
        let big = GiftCardRules::new(Currency::JPY, vec![1, i64::MAX / 2], i64::MAX, 5)
            .unwrap_or_else(|e| panic!("valid rules refused: {e}"));
        let ones: Vec<i64> = vec![1; 100];
        check(&big, Currency::JPY, &[item(1, 100)], false, Ok((100, &ones)));
        check(&big, Currency::JPY, &[item(1, 60), item(1, 40)], false, Ok((100, &ones)));
        let too_many = Err(TooManyCards { cards_max: PURCHASE_CARDS_MAX });
        check(&big, Currency::JPY, &[item(1, 101)], false, too_many.clone());
        check(&big, Currency::JPY, &[item(1, u32::MAX), item(1, u32::MAX)], false, too_many);
        let overflow = Err(LoadLimitExceeded { cap_minor: i64::MAX, total_minor: i64::MAX, currency: Currency::JPY });
        check(&big, Currency::JPY, &[item(i64::MAX / 2, 3)], false, overflow.clone());
        check(&big, Currency::JPY, &[item(i64::MAX / 2, 2), item(i64::MAX / 2, 1)], false, overflow);
    }

    #[test]
    fn codes_and_messages_for_the_buyer() {
        let usd = GiftCardRules::default_usd();
        let message = |items: &[PurchaseItem], currency, coupon| {
            check_purchase(&usd, currency, items, coupon).map(|_| ()).map_err(|e| (e.code(), e.to_string()))
        };
        let rows: Vec<MessageRow<'_>> = vec![
            (
                message(&[], Currency::USD, true),
                "coupon_not_allowed",
                "Coupons and discounts can't be used to buy gift cards.",
            ),
            (
                message(&[], Currency::GBP, false),
                "currency_not_supported",
                "Gift cards can't be bought in GBP; they are sold in USD.",
            ),
            (message(&[], Currency::USD, false), "parameter_invalid", "Choose at least one gift card."),
            (
                message(&[item(1_000, 0)], Currency::USD, false),
                "parameter_invalid",
                "Each gift card quantity must be at least 1.",
            ),
            (
                message(&[item(2_500, 1)], Currency::USD, false),
                "invalid_denomination",
                "Gift cards come in 10.00, 20.00, 50.00, 100.00 and 150.00 USD.",
            ),
            (
                message(&[item(15_000, 5)], Currency::USD, false),
                "load_limit_exceeded",
                "One purchase can load at most 700.00 USD of gift cards; this one comes to 750.00 USD.",
            ),
        ];
        for (got, code, text) in rows {
            assert_eq!(got, Err((code, text.to_owned())));
        }
        let many = GiftCardError::TooManyCards { cards_max: PURCHASE_CARDS_MAX };
        assert_eq!(
            (many.code(), many.to_string().as_str()),
            ("parameter_invalid", "One purchase can hold at most 100 gift cards.")
        );

        let one = GiftCardRules::new(Currency::JPY, vec![5_000], 50_000, 5).unwrap_or_else(|e| panic!("{e}"));
        let two = GiftCardRules::new(
            Currency::parse("BHD").unwrap_or_else(|e| panic!("{e}")),
            vec![5_000, 10_000],
            50_000,
            5,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let refused = |rules: &GiftCardRules| {
            check_purchase(rules, rules.currency(), &[item(1, 1)], false).map(|_| ()).map_err(|e| e.to_string())
        };
        assert_eq!(refused(&one), Err("Gift cards come in 5000 JPY.".to_owned()));
        assert_eq!(refused(&two), Err("Gift cards come in 5.000 and 10.000 BHD.".to_owned()));
    }

    #[test]
    fn rules_are_validated() {
        use GiftCardRulesError::*;
        let default = GiftCardRules::default_usd();
        let rebuilt = GiftCardRules::new(
            default.currency(),
            default.denominations_minor().to_vec(),
            default.purchase_cap_minor(),
            default.expiry_years(),
        );
        assert_eq!(rebuilt.as_ref(), Ok(&default));
        let rows: Vec<RulesRow> = vec![
            (vec![1_000], 1_000, 1, Ok(())),
            (vec![1_000, 2_000], 70_000, 100, Ok(())),
            (vec![], 70_000, 3, Err(NoDenominations)),
            (vec![1; DENOMINATIONS_MAX + 1], 70_000, 3, Err(TooManyDenominations)),
            (vec![0, 1_000], 70_000, 3, Err(DenominationNotPositive { denomination_minor: 0 })),
            (vec![1_000, -5], 70_000, 3, Err(DenominationNotPositive { denomination_minor: -5 })),
            (vec![2_000, 1_000], 70_000, 3, Err(DenominationsNotIncreasing)),
            (vec![1_000, 1_000], 70_000, 3, Err(DenominationsNotIncreasing)),
            (vec![1_000], 0, 3, Err(CapNotPositive)),
            (vec![1_000], -1, 3, Err(CapNotPositive)),
            (vec![1_000, 80_000], 70_000, 3, Err(DenominationAboveCap { denomination_minor: 80_000 })),
            (vec![1_000], 70_000, 0, Err(ExpiryYearsOutOfRange)),
            (vec![1_000], 70_000, EXPIRY_YEARS_MAX + 1, Err(ExpiryYearsOutOfRange)),
        ];
        for (denominations, cap, years, expected) in rows {
            let label = format!("{denominations:?} cap {cap} {years} years");
            assert_eq!(GiftCardRules::new(Currency::USD, denominations, cap, years).map(|_| ()), expected, "{label}");
        }
    }

    #[test]
    fn credit_expires_on_the_same_date_years_later() {
        let usd = GiftCardRules::default_usd();
        // 2024-02-29 12:34:56 UTC → 2027-02-28 12:34:56 UTC.
        assert_eq!(expires_at(1_709_210_096, &usd), calendar::add_years(1_709_210_096, 3));
        assert_eq!(calendar::civil_from_days(expires_at(1_709_210_096, &usd).div_euclid(86_400)), (2027, 2, 28));
        let five = GiftCardRules::new(Currency::EUR, vec![2_500], 50_000, 5).unwrap_or_else(|e| panic!("{e}"));
        // 2025-06-15 09:00:00 UTC → 2030-06-15 09:00:00 UTC.
        assert_eq!(expires_at(1_749_978_000, &five), 1_907_744_400);
    }

    /// A deterministic stream of bytes (xorshift64*), for tests that need many codes.
    fn byte_stream(seed: u64) -> impl FnMut() -> [u8; 32] {
        let mut state = seed.max(1);
        move || {
            let mut out = [0u8; 32];
            for chunk in out.chunks_mut(8) {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                chunk.copy_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
            }
            out
        }
    }

    fn assert_well_formed(code: &GiftCode) {
        let shown = code.expose();
        assert_eq!(shown.len(), 19, "{shown}");
        for (i, b) in shown.bytes().enumerate() {
            if i % 5 == 4 {
                assert_eq!(b, b'-', "{shown}");
            } else {
                assert!(CODE_ALPHABET.contains(&b), "{shown}");
            }
        }
        assert!(shown.starts_with(|c: char| c.is_ascii_uppercase()), "{shown}");
        assert_eq!(normalize_code(shown), Some(code.normalized()), "{shown}");
        assert_eq!(code.last4(), shown.get(15..).unwrap_or_default());
    }

    #[test]
    fn codes_from_known_bytes() {
        // Every byte accepted: symbol i is byte i modulo 23 (first) or 31 (others).
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::try_from(i).unwrap_or(0);
        }
        let code = code_from_random(&bytes);
        assert_eq!(code.expose(), "ABCD-EFGH-JKMN-PQRS");
        assert_well_formed(&code);

        // Index 22 is the last letter and 23 the first digit; 23 wraps to 'A' for the first symbol only,
        // 31 wraps for the others.
        bytes[0] = 22;
        bytes[1] = 23;
        bytes[2] = 30;
        bytes[3] = 31;
        assert_eq!(code_from_random(&bytes).expose(), "Z29A-EFGH-JKMN-PQRS");
        bytes[0] = 23;
        assert_eq!(code_from_random(&bytes).expose(), "A29A-EFGH-JKMN-PQRS");
        bytes[0] = 252; // 252 % 23 = 22: the last byte accepted for the first symbol
        assert_eq!(code_from_random(&bytes).expose(), "Z29A-EFGH-JKMN-PQRS");

        // Rejected bytes (>= 253 for the first symbol, >= 248 for the others) are skipped.
        let mut skipping = [1u8; 32];
        skipping[0] = 253;
        skipping[1] = 0;
        skipping[2] = 248;
        skipping[3] = 255;
        skipping[4] = 247; // 247 % 31 = 30 → '9'
        assert_eq!(code_from_random(&skipping).expose(), "A9BB-BBBB-BBBB-BBBB");

        // Every byte rejected: the last 16 are used with modulo (255 % 23 = 2 → 'C', 255 % 31 = 7 → 'H'),
        // so the code is still complete.
        let code = code_from_random(&[255; 32]);
        assert_eq!(code.expose(), "CHHH-HHHH-HHHH-HHHH");
        assert_well_formed(&code);
        // 16 rejected bytes still leave exactly enough for rejection sampling of every symbol.
        let mut late = [255u8; 32];
        late[16..].fill(0);
        late[31] = 1;
        assert_eq!(code_from_random(&late).expose(), "AAAA-AAAA-AAAA-AAAB");
    }

    #[test]
    fn many_codes_are_well_formed_distinct_and_evenly_spread() {
        let mut next = byte_stream(0x5EED);
        let mut seen = std::collections::HashSet::new();
        let mut first_counts = [0u32; CODE_LETTERS];
        let mut other_counts = [0u32; 31];
        let codes = 20_000;
        for _ in 0..codes {
            let code = code_from_random(&next());
            assert_well_formed(&code);
            let normalized = code.normalized();
            for (i, b) in normalized.bytes().enumerate() {
                let index = CODE_ALPHABET.iter().position(|&s| s == b).unwrap_or(usize::MAX);
                let slot = if i == 0 { first_counts.get_mut(index) } else { other_counts.get_mut(index) };
                *slot.unwrap_or_else(|| panic!("{normalized}: symbol {i} out of range")) += 1;
            }
            assert!(seen.insert(normalized), "duplicate code");
        }
        // Expected 869.6 per letter (sd ≈ 29) and 9677 per symbol (sd ≈ 97): 6 sd of slack.
        for (i, &count) in first_counts.iter().enumerate() {
            assert!((690..=1050).contains(&count), "first symbol {i}: {count}");
        }
        for (i, &count) in other_counts.iter().enumerate() {
            assert!((9_090..=10_260).contains(&count), "symbol {i}: {count}");
        }
    }

    #[test]
    fn code_debug_shows_only_the_last_four() {
        let code = code_from_random(&byte_stream(7)());
        let last4 = code.last4().to_owned();
        let first = code.expose().get(..4).unwrap_or_default().to_owned();
        for shown in [format!("{code:?}"), format!("{code:#?}"), format!("{:?}", Some(&code))] {
            assert!(shown.contains(&format!("GiftCode(****-{last4})")), "{shown}");
            assert!(!shown.contains(&first), "{shown}");
        }
    }

    #[test]
    fn normalizing_codes() {
        let rows: &[(&str, Option<&str>)] = &[
            ("ABCD-EFGH-JKMN-PQRS", Some("ABCDEFGHJKMNPQRS")),
            ("abcd-efgh-jkmn-pqrs", Some("ABCDEFGHJKMNPQRS")),
            ("ABCDEFGHJKMNPQRS", Some("ABCDEFGHJKMNPQRS")),
            (" abcd efgh\tjkmn-PQRS \n", Some("ABCDEFGHJKMNPQRS")),
            ("A-B-C-D-2-3-4-5-6-7-8-9-W-X-Y-Z", Some("ABCD23456789WXYZ")),
            ("Z999-9999-9999-9999", Some("Z999999999999999")),
            ("", None),
            ("----", None),
            ("ABCD-EFGH-JKMN-PQR", None),
            ("ABCD-EFGH-JKMN-PQRST", None),
            ("ABCD-EFGH-JKMN-PQR0", None),
            ("ABCD-EFGH-JKMN-PQRO", None),
            ("ABCD-EFGH-JKMN-PQR1", None),
            ("ABCD-EFGH-JKMN-PQRI", None),
            ("ABCD-EFGH-JKMN-PQRl", None),
            ("ABCD_EFGH_JKMN_PQRS", None),
            ("ABCD.EFGH.JKMN.PQRS", None),
            ("ÀBCD-EFGH-JKMN-PQRS", None),
            ("ＡBCD-EFGH-JKMN-PQRS", None),
            // A code never starts with a digit (it could look like a card number).
            ("2BCD-EFGH-JKMN-PQRS", None),
            ("4242-4242-4242-4242", None),
        ];
        for &(input, expected) in rows {
            assert_eq!(normalize_code(input).as_deref(), expected, "{input:?}");
        }
        let padded = format!("{}ABCDEFGHJKMNPQRS", " ".repeat(CODE_INPUT_CHARS_MAX - 16));
        assert_eq!(normalize_code(&padded).as_deref(), Some("ABCDEFGHJKMNPQRS"));
        let too_long = format!(" {padded}");
        assert_eq!(normalize_code(&too_long), None);
    }

    #[test]
    fn the_alphabet_is_as_documented() {
        assert_eq!(CODE_ALPHABET.len(), 31);
        assert!(CODE_ALPHABET.iter().take(CODE_LETTERS).all(u8::is_ascii_uppercase));
        assert!(CODE_ALPHABET.iter().skip(CODE_LETTERS).all(u8::is_ascii_digit));
        for look_alike in *b"01OIL" {
            assert!(!CODE_ALPHABET.contains(&look_alike));
        }
        let mut sorted = CODE_ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), CODE_ALPHABET.len());
    }
}
