//! Rules of user accounts: email addresses, passwords, roles and one-time codes.

use thiserror::Error;

/// Bounds on what a user may send.
pub const PASSWORD_LENGTH_MIN: usize = 10;
/// Long enough for any passphrase, short enough that hashing it costs nothing unusual.
pub const PASSWORD_LENGTH_MAX: usize = 256;
/// RFC 5321 caps a forward path at 254 characters.
pub const EMAIL_LENGTH_MAX: usize = 254;
/// Digits of an emailed or texted one-time code.
pub const ONE_TIME_CODE_DIGITS: usize = 6;

/// Why an account field was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AccountRuleError {
    #[error("enter a valid email address")]
    EmailInvalid,
    #[error("the password must be at least {PASSWORD_LENGTH_MIN} characters long")]
    PasswordTooShort,
    #[error("the password must be at most {PASSWORD_LENGTH_MAX} characters long")]
    PasswordTooLong,
    #[error("enter a phone number in international format, such as +14155550123")]
    PhoneInvalid,
    #[error("enter a two-letter ISO 3166 country code, such as US")]
    CountryInvalid,
}

/// A normalised email address (trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces or control characters.
    pub fn parse(input: &str) -> Result<Self, AccountRuleError> {
        let s = input.trim().to_ascii_lowercase();
        if s.is_empty() || s.len() > EMAIL_LENGTH_MAX || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AccountRuleError::EmailInvalid);
        }
        let (local, domain) = s.split_once('@').ok_or(AccountRuleError::EmailInvalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(AccountRuleError::EmailInvalid);
        }
        Ok(Self(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the length rules. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Checks length in characters (not bytes).
    pub fn parse(input: &str) -> Result<Self, AccountRuleError> {
        let n = input.chars().count();
        if n < PASSWORD_LENGTH_MIN {
            return Err(AccountRuleError::PasswordTooShort);
        }
        if n > PASSWORD_LENGTH_MAX {
            return Err(AccountRuleError::PasswordTooLong);
        }
        Ok(Self(input.to_owned()))
    }

    /// The secret, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 form: `+` then 8 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Parses `+14155550123`; spaces and dashes are removed first.
    pub fn parse(input: &str) -> Result<Self, AccountRuleError> {
        let s: String = input.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let digits = s.strip_prefix('+').ok_or(AccountRuleError::PhoneInvalid)?;
        if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AccountRuleError::PhoneInvalid);
        }
        Ok(Self(s))
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A two-letter upper-case country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses `US`; lower case is accepted and upper-cased.
    pub fn parse(input: &str) -> Result<Self, AccountRuleError> {
        let b = input.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(AccountRuleError::CountryInvalid);
        }
        Ok(Self([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Buyer,
    Operator,
}

impl Role {
    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Operator => "operator",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "buyer" => Some(Role::Buyer),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// A one-time code made of [`ONE_TIME_CODE_DIGITS`] digits from the given random number,
/// uniform enough for `random` drawn from a 64-bit source (bias below 1e-13).
pub fn one_time_code(random: u64) -> String {
    format!("{:06}", random % 1_000_000)
}

/// Whether a submitted one-time code has the right shape (checked before any lookup).
pub fn is_one_time_code_shaped(code: &str) -> bool {
    code.len() == ONE_TIME_CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// The currency a buyer from `country` pays in by default (US dollars where we know no better).
pub fn default_currency_for(country: Country) -> crate::money::Currency {
    use crate::money::Currency;
    const EUROZONE: &[&str] = &[
        "AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT",
        "SI", "SK",
    ];
    let code = match country.as_str() {
        c if EUROZONE.contains(&c) => "EUR",
        "GB" => "GBP",
        "JP" => "JPY",
        "CA" => "CAD",
        "AU" => "AUD",
        "CH" => "CHF",
        "MX" => "MXN",
        "BR" => "BRL",
        "IN" => "INR",
        "CN" => "CNY",
        "KR" => "KRW",
        "SE" => "SEK",
        "NO" => "NOK",
        "DK" => "DKK",
        "PL" => "PLN",
        _ => "USD",
    };
    Currency::parse(code).unwrap_or(Currency::USD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let rows = [
            ("a@b.co", Some("a@b.co")),
            ("  Alice@Example.COM ", Some("alice@example.com")),
            ("no-at-sign.com", None),
            ("a@b", None),
            ("a@@b.com", None),
            ("@b.com", None),
            ("a b@c.com", None),
            ("a@.com", None),
            ("a@b..com", None),
            ("", None),
        ];
        for (input, expect) in rows {
            assert_eq!(Email::parse(input).ok().as_ref().map(Email::as_str), expect, "{input}");
        }
    }

    #[test]
    fn passwords_count_characters() {
        assert_eq!(Password::parse("123456789").err(), Some(AccountRuleError::PasswordTooShort));
        assert!(Password::parse("1234567890").is_ok());
        assert!(Password::parse("ééééééééé").is_err(), "9 characters in 18 bytes is too short");
        assert_eq!(Password::parse(&"x".repeat(257)).err(), Some(AccountRuleError::PasswordTooLong));
        assert_eq!(format!("{:?}", Password::parse("supersecret-1").ok()), "Some(Password(<redacted>))");
    }

    #[test]
    fn phones_countries_codes() {
        assert!(Phone::parse("+1 415-555-0123").is_ok());
        assert!(Phone::parse("4155550123").is_err());
        assert!(Phone::parse("+12").is_err());
        assert_eq!(Country::parse("us").map(|c| c.as_str().to_owned()), Ok("US".to_owned()));
        assert!(Country::parse("USA").is_err());
        assert_eq!(one_time_code(42), "000042");
        assert_eq!(one_time_code(u64::MAX).len(), 6);
        assert!(is_one_time_code_shaped("012345"));
        assert!(!is_one_time_code_shaped("12345a"));
    }
}
