//! Buyers' pages: sign up, log in, the shop, checkout with the verification step, My Pocket, gift
//! cards, the card manager, My Orders (cancel, confirm, claim, report) and support tickets.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::html::{
    address_fields, address_line, badge, button_form, card_label, checkbox, date, date_of, datetime, decimal, esc,
    field, html_of, money, money_of, parse_amount, payment_badge, plain, radio, s, select, slot, textarea, words,
    ErrorView, FormErrors, Input,
};
use super::paging::{Paging, PAGE_ROWS};
use super::{form_hidden, notice_from, safe_next, top_error, url_encode, Ctx, Posted};

type Q = Query<HashMap<String, String>>;

mod accounts;
mod card_form;
mod cards;
mod cart;
mod checkout;
mod orders;
mod pocket;
mod shop;
mod tickets;
mod verify;

pub use accounts::*;
use card_form::*;
pub use cards::*;
pub use cart::*;
pub use checkout::*;
pub use orders::*;
pub use pocket::*;
pub use shop::*;
pub use tickets::*;
pub use verify::*;
