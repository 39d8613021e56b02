//! The connector to a bank rail for sellers' payouts, and the built-in **test bank**: a simulated
//! bank whose payouts are real, persisted state — the twin of the test issuer.
//!
//! The platform talks to a bank only through [`PayoutRail`]: send a payout (idempotent by payout id)
//! and look a payout up by id. A bank that does not answer ([`BankError::NoAnswer`]) is never taken
//! for a refusal: the order may have arrived, so the caller looks it up later and resends the same
//! id, which the bank never pays twice.
//!
//! Architecture invariant: the test bank is a simulated outside system. Its database file is its
//! own (like a real bank's) and shares no table with Pocketpay's store. It keys accounts by a hash of
//! the account number or IBAN and never stores or logs the number, the routing number or the IBAN.
//! The account number decides what a payout does (docs/reference/test-bank-accounts.md).
#![forbid(unsafe_code)]

mod business_days;
pub mod test_bank;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use test_bank::TestBank;

/// The clock the bank reads (Unix seconds), injected so that tests and the test clock move time.
pub type NowFn = Arc<dyn Fn() -> i64 + Send + Sync>;

/// A bank account as the bank needs it for one payout. `Debug` shows only the last 4 digits of the
/// account number or IBAN, never the routing number nor the holder's name.
#[derive(Clone)]
pub struct Destination {
    /// ISO 3166-1 alpha-2 country of the account.
    pub country: String,
    /// ISO 4217 currency of the account.
    pub currency: String,
    /// National account number (US accounts).
    pub account_number: Option<String>,
    /// Routing number (US accounts: 9 digits).
    pub routing_number: Option<String>,
    /// IBAN (accounts in IBAN countries).
    pub iban: Option<String>,
    pub holder_name: String,
}

impl Destination {
    /// The account number or IBAN the bank pays into, without spaces and upper-cased: the IBAN when
    /// there is one, else the account number. `None` when the destination has neither.
    pub(crate) fn account_identifier(&self) -> Option<String> {
        let normalize = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        [self.iban.as_deref(), self.account_number.as_deref()]
            .into_iter()
            .flatten()
            .map(normalize)
            .find(|s| !s.is_empty())
    }

    /// The last 4 characters of the account number or IBAN, or `""` when it is 4 characters or fewer
    /// (a number that short would be shown whole).
    pub fn last4(&self) -> String {
        let Some(id) = self.account_identifier() else { return String::new() };
        let chars: Vec<char> = id.chars().collect();
        if chars.len() <= 4 {
            return String::new();
        }
        chars[chars.len() - 4..].iter().collect()
    }
}

impl std::fmt::Debug for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.iban.as_deref().is_some_and(|s| !s.trim().is_empty()) { "iban" } else { "account" };
        write!(f, "Destination({}, {}, {kind} ****{})", self.country, self.currency, self.last4())
    }
}

/// One payout order sent to the bank. `Debug` shows the destination as [`Destination`] does.
pub struct PayoutOrder {
    /// The platform's payout id: the bank's idempotency key.
    pub payout_id: String,
    /// Amount in the currency's minor units.
    pub amount: i64,
    pub currency: String,
    pub destination: Destination,
}

impl std::fmt::Debug for PayoutOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayoutOrder")
            .field("payout_id", &self.payout_id)
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("destination", &self.destination)
            .finish()
    }
}

/// Where a payout is at the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankStatus {
    /// Sent, not yet arrived.
    InTransit,
    /// Arrived in the account. Final.
    Paid,
    /// Refused by the receiving bank; the money comes back. Final.
    Failed,
}

impl BankStatus {
    /// Stored and API name.
    pub fn name(self) -> &'static str {
        match self {
            BankStatus::InTransit => "in_transit",
            BankStatus::Paid => "paid",
            BankStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<BankStatus> {
        match s {
            "in_transit" => Some(BankStatus::InTransit),
            "paid" => Some(BankStatus::Paid),
            "failed" => Some(BankStatus::Failed),
            _ => None,
        }
    }
}

/// Why the receiving bank refused a payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCode {
    AccountClosed,
    NoAccount,
    UnsupportedCurrency,
    AccountFrozen,
}

impl FailureCode {
    /// API name (`failure_code`).
    pub fn code(self) -> &'static str {
        match self {
            FailureCode::AccountClosed => "account_closed",
            FailureCode::NoAccount => "no_account",
            FailureCode::UnsupportedCurrency => "unsupported_currency",
            FailureCode::AccountFrozen => "account_frozen",
        }
    }

    /// A sentence for the seller.
    pub fn message(self) -> &'static str {
        match self {
            FailureCode::AccountClosed => "The bank account is closed. Add another bank account.",
            FailureCode::NoAccount => {
                "The bank has no account under this number. Check the number or add another bank account."
            }
            FailureCode::UnsupportedCurrency => {
                "The bank refused the payout's currency. Add a bank account that accepts this currency."
            }
            FailureCode::AccountFrozen => "The bank account is frozen. Contact your bank or add another bank account.",
        }
    }

    /// The code of an API name, if it is one.
    pub fn parse(s: &str) -> Option<FailureCode> {
        [
            FailureCode::AccountClosed,
            FailureCode::NoAccount,
            FailureCode::UnsupportedCurrency,
            FailureCode::AccountFrozen,
        ]
        .into_iter()
        .find(|c| c.code() == s)
    }
}

/// A payout as the bank sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankPayout {
    pub payout_id: String,
    pub status: BankStatus,
    /// When the payout arrives (or arrived, or failed): Unix seconds.
    pub arrival_date: i64,
    /// Set when `status` is `Failed`.
    pub failure_code: Option<FailureCode>,
    /// The bank's own reference for the payout.
    pub bank_reference: String,
}

/// What went wrong talking to the bank.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// The bank did not answer: the order may or may not have arrived. Look it up later.
    #[error("the bank did not answer")]
    NoAnswer,
    /// The same payout id was sent before with other amount, currency or account.
    #[error("payout {0} was sent before with other details")]
    Conflict(String),
    #[error("test bank storage: {0}")]
    Storage(String),
}

impl BankError {
    /// Whether the order may have been processed although no answer came: look it up, never assume a
    /// refusal.
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, BankError::NoAnswer)
    }
}

/// What a real bank rail implements later (ACH, SEPA, …).
pub trait PayoutRail: Send + Sync {
    /// Sends a payout. Idempotent by payout id: the same id with the same details answers the payout
    /// as it is now; with other details, [`BankError::Conflict`].
    fn send(&self, order: &PayoutOrder) -> Result<BankPayout, BankError>;

    /// Looks a payout up by id: `None` if the bank never received it. The answer for orders whose
    /// answer never came.
    fn lookup(&self, payout_id: &str) -> Result<Option<BankPayout>, BankError>;
}
