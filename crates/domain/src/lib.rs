//! Pocketpay's business rules, pure: money and currencies, the double-entry ledger, the rules of
//! accounts (emails, passwords, roles), card data (numbers, brands, expiry dates, security codes) and
//! the payment-failure table (each failure's code, buyer message, advice and retry rule).
//!
//! Architecture invariant: this crate does no IO, reads no clock and no randomness (time and random
//! bytes are parameters), and knows nothing of SQL, HTTP or JSON. Its types are not serializable:
//! the outer crates convert at their boundaries.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod calendar;
pub mod cards;
pub mod checkout;
pub mod claims;
pub mod codes;
pub mod declines;
pub mod gift_cards;
pub mod ledger;
#[cfg(test)]
mod lifecycle_tests;
pub mod metadata;
pub mod money;
pub mod payments;
pub mod payouts;
pub mod pocket;
pub mod refunds;
pub mod states;
pub mod verification;
#[cfg(test)]
mod verification_tests;
