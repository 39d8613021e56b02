//! Pocketpay's business rules, pure: money and currencies, the double-entry ledger, and the rules of
//! accounts (emails, passwords, roles).
//!
//! Architecture invariant: this crate does no IO, reads no clock and no randomness (time and random
//! bytes are parameters), and knows nothing of SQL, HTTP or JSON. Its types are not serializable:
//! the outer crates convert at their boundaries.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod ledger;
pub mod money;
