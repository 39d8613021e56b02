//! Integrators' `metadata` (the rules are `domain::metadata`): given when a product, an order, a
//! payment or a refund is made, changed later with `PATCH` on the object (merged: an empty value
//! removes a key), shown on the object and in its events. Reading an update from a request is here;
//! merging it is `ops::metadata`, showing it `views::metadata`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use store::MetadataOf;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::ops::metadata::{merged, shown_key, MetadataUpdate};
use crate::AppState;

pub(crate) fn register(api: Api) -> Api {
    let body = body_schema::<PatchBody>();
    let patch = |path: &'static str, summary: &'static str| Endpoint {
        verb: Verb::Patch,
        path,
        summary,
        access: Access::Seller,
        body: Some(body.clone()),
        success: 200,
    };
    api.add(patch("/v1/products/{id}", "Changes a product's metadata (the seller's own)"), patch_product)
        .add(patch("/v1/orders/{id}", "Changes an order's metadata (its seller, or an operator)"), patch_order)
        .add(patch("/v1/payments/{id}", "Changes a payment's metadata (its seller, or an operator)"), patch_payment)
        .add(patch("/v1/refunds/{id}", "Changes a refund's metadata (its seller, or an operator)"), patch_refund)
}

/// Reads `metadata` from a request body's value.
pub(crate) fn parse(value: &Value) -> Result<MetadataUpdate, ApiError> {
    let object = value.as_object().ok_or_else(|| ApiError::invalid("metadata", crate::msg!("err-metadata-object")))?;
    let mut out = MetadataUpdate::new();
    for (key, v) in object {
        let value = match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            _ => {
                return Err(ApiError::invalid(
                    format!("metadata[{}]", shown_key(key)),
                    crate::msg!("err-metadata-value-text"),
                ))
            }
        };
        out.insert(key.clone(), value);
    }
    Ok(out)
}

/// New metadata from a create request's optional `metadata`.
pub(crate) fn initial(value: Option<&Value>) -> Result<String, ApiError> {
    match value {
        None => Ok("{}".to_owned()),
        Some(v) => merged("{}", &parse(v)?),
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    metadata: Value,
}

/// Who may change an object's metadata: the merchant it belongs to, or an operator.
fn may_change(caller: &Caller, merchant_id: &str) -> bool {
    match caller {
        Caller::Merchant { merchant } => merchant.id == merchant_id,
        Caller::User { role, .. } => *role == domain::accounts::Role::Operator,
    }
}

fn noun(of: MetadataOf) -> &'static str {
    match of {
        MetadataOf::Product => "product",
        MetadataOf::Order => "order",
        MetadataOf::Payment => "payment",
        MetadataOf::Refund => "refund",
    }
}

/// `PATCH` of an object's metadata: the update merged into what it holds, in one command; the
/// object answered as `GET` shows it. Another seller's object is 404, as one that does not exist.
async fn patch(
    state: AppState,
    caller: Caller,
    id: String,
    body: PatchBody,
    of: MetadataOf,
) -> Result<Response, ApiError> {
    let update = parse(&body.metadata)?;
    Ok(state
        .execute(None, move |tx, _| {
            let found = {
                let reads = tx.reads();
                // The object's seller (payments and refunds belong to their order's) and its metadata.
                let owned = |order_id: &str, metadata: String| -> Result<Option<(String, String)>, ApiError> {
                    Ok(reads.order(order_id)?.map(|o| (o.merchant_id, metadata)))
                };
                match of {
                    MetadataOf::Product => reads.product(&id)?.map(|p| (p.merchant_id, p.metadata)),
                    MetadataOf::Order => reads.order(&id)?.map(|o| (o.merchant_id, o.metadata)),
                    MetadataOf::Payment => match reads.payment(&id)? {
                        // A checkout's payment belongs to its buyer, not to one seller.
                        Some(p) => match &p.order_id {
                            Some(order_id) => owned(order_id, p.metadata)?,
                            None => None,
                        },
                        None => None,
                    },
                    MetadataOf::Refund => match reads.refund(&id)? {
                        Some(r) => owned(&r.order_id, r.metadata)?,
                        None => None,
                    },
                }
            };
            let (_, current) = found
                .filter(|(merchant, _)| may_change(&caller, merchant))
                .ok_or_else(|| ApiError::not_found(noun(of)))?;
            tx.set_metadata(of, &id, &merged(&current, &update)?)?;
            let reads = tx.reads();
            let shown = match of {
                MetadataOf::Product => {
                    reads.product(&id)?.map(|p| crate::views::shop::product_json(&p)).ok_or_else(ApiError::internal)?
                }
                MetadataOf::Order => crate::views::shop::order_view(&reads, &id)?,
                MetadataOf::Payment => crate::views::shop::payment_view(&reads, &id)?,
                MetadataOf::Refund => {
                    reads.refund(&id)?.map(|r| crate::views::refunds::refund_json(&r)).ok_or_else(ApiError::internal)?
                }
            };
            Ok(ApiResponse::ok(shown))
        })
        .await)
}

macro_rules! patch_handler {
    ($name:ident, $of:expr) => {
        async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            Path(id): Path<String>,
            ApiJson(body): ApiJson<PatchBody>,
        ) -> Result<Response, ApiError> {
            patch(state, caller, id, body, $of).await
        }
    };
}

patch_handler!(patch_product, MetadataOf::Product);
patch_handler!(patch_order, MetadataOf::Order);
patch_handler!(patch_payment, MetadataOf::Payment);
patch_handler!(patch_refund, MetadataOf::Refund);
