//! The application layer: each multi-step operation of money in one place; called by routes, pages
//! and jobs; never names `routes` or `web`.

pub(crate) mod claims;
pub(crate) mod fulfilment;
pub(crate) mod gift_cards;
pub(crate) mod healing;
pub(crate) mod metadata;
pub(crate) mod paying;
pub(crate) mod paying_start;
pub(crate) mod refunds;
pub(crate) mod reviews;
pub(crate) mod shop;
pub(crate) mod verifying;
