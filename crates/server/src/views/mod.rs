//! The JSON views of the API's objects, by room: a record (or a read transaction and an id) in, the
//! object as the API shows it out. Layer 2, beside the services: services (`events`, `balance`),
//! routes and pages may import them; they import only infrastructure, `store` and `domain`, never
//! `routes` or `web`.

pub mod claims;
pub mod gift_cards;
pub mod metadata;
pub mod payouts;
pub mod refunds;
pub mod shop;
