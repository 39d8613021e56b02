//! The operators' search: one box that finds an order by its number (`PP-…`) or id, a payment by
//! its id, a claim's order by the claim's id, and a user by email, so an operator on the phone with a
//! buyer gets to the case at once.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi::{Access, Api, Verb};
use crate::routes::payouts::endpoint;
use crate::AppState;

/// Longest query read.
const QUERY_CHARS_MAX: usize = 320;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        endpoint(
            Verb::Get,
            "/v1/search",
            "Finds an order by number or id, a payment or a claim by id, or a user by email (`?q=`)",
            Access::Operator,
            None,
        ),
        search,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    q: String,
}

async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let q = query.q.trim().to_owned();
    if q.is_empty() || q.chars().count() > QUERY_CHARS_MAX {
        return Err(ApiError::invalid("q", crate::msg!("err-search-query-invalid")));
    }
    let found = state
        .store
        .read(move |tx| {
            let mut orders: Vec<Value> = Vec::new();
            let mut payments: Vec<Value> = Vec::new();
            let mut users: Vec<Value> = Vec::new();
            let mut order_ids: Vec<String> = Vec::new();
            if domain::checkout::parse_order_number(&q).is_some() {
                order_ids.extend(tx.order_by_number(&q.to_uppercase())?.map(|o| o.id));
            } else if q.starts_with("ord_") {
                order_ids.extend(tx.order(&q)?.map(|o| o.id));
            } else if q.starts_with("clm_") {
                order_ids.extend(tx.claim(&q)?.map(|c| c.order_id));
            } else if q.starts_with("chk_") {
                // A cart: every order it made.
                order_ids.extend(tx.checkout_orders(&q)?.into_iter().map(|o| o.id));
            } else if q.starts_with("pay_") {
                if let Some(p) = tx.payment(&q)? {
                    order_ids.extend(p.order_id.clone());
                    if let Some(checkout) = p.paying_checkout() {
                        // A cart's payment pays each of the cart's orders.
                        order_ids.extend(tx.checkout_orders(checkout)?.into_iter().map(|o| o.id));
                    }
                    payments
                        .push(json!({ "id": p.id, "object": "payment", "order": p.order_id, "status": p.status.name(),
                        "amount": p.amount, "currency": p.currency }));
                }
            } else if let Ok(email) = domain::accounts::Email::parse(&q) {
                users.extend(tx.user_by_email(email.as_str())?.map(|u| crate::routes::accounts::user_json(&u)));
            }
            for id in order_ids {
                if let Some(o) = tx.order(&id)? {
                    orders.push(json!({ "id": o.id, "object": "order", "number": o.number, "status": o.status.name(),
                        "amount": o.amount, "currency": o.currency, "buyer": o.buyer_user_id, "merchant": o.merchant_id,
                        "created": o.created_at }));
                }
            }
            Ok(json!({ "object": "search_result", "orders": orders, "payments": payments, "users": users }))
        })
        .await?;
    Ok(axum::Json(found).into_response())
}
