//! Integrators' `metadata` (the rules are `domain::metadata`): given when a product, an order, a
//! payment or a refund is made, changed later with `PATCH` on the object (merged: an empty value
//! removes a key), shown on the object and in its events.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::metadata::{merge, Metadata, MetadataError, KEYS_MAX, KEY_CHARS_MAX, VALUE_CHARS_MAX};
use serde::Deserialize;
use serde_json::Value;
use store::MetadataOf;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
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

/// A request's `metadata`: an object whose values are strings, or empty / `null` to remove the key.
pub(crate) type MetadataUpdate = BTreeMap<String, Option<String>>;

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

fn shown_key(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(domain::metadata::KEY_CHARS_MAX + 10).collect()
}

/// The stored metadata of an object (a JSON object), as a map.
fn stored(text: &str) -> Metadata {
    serde_json::from_str(text).unwrap_or_default()
}

/// The metadata to store once `update` is applied to `current` (stored text).
pub(crate) fn merged(current: &str, update: &MetadataUpdate) -> Result<String, ApiError> {
    let next = merge(&stored(current), update).map_err(|e| {
        let param = match &e {
            MetadataError::TooManyKeys => "metadata".to_owned(),
            MetadataError::BadKey { key } | MetadataError::BadValue { key } => format!("metadata[{}]", shown_key(key)),
        };
        ApiError::invalid(param, metadata_refusal(&e))
    })?;
    Ok(serde_json::to_string(&next).unwrap_or_else(|_| "{}".to_owned()))
}

/// What a refused metadata update says: the rule of `domain::metadata` it breaks, as a sentence.
fn metadata_refusal(e: &MetadataError) -> crate::i18n::Msg {
    match e {
        MetadataError::TooManyKeys => crate::msg!("err-metadata-too-many-keys", max = KEYS_MAX),
        MetadataError::BadKey { .. } => crate::msg!("err-metadata-bad-key", max = KEY_CHARS_MAX),
        MetadataError::BadValue { .. } => crate::msg!("err-metadata-bad-value", max = VALUE_CHARS_MAX),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue says in English what `domain::metadata` says, as a sentence.
    #[test]
    fn refusals_read_as_the_domain_words_them() {
        let key = String::from("k");
        for e in
            [MetadataError::TooManyKeys, MetadataError::BadKey { key: key.clone() }, MetadataError::BadValue { key }]
        {
            let domain = e.to_string();
            let sentence = format!("{}{}.", domain[..1].to_uppercase(), &domain[1..]);
            assert_eq!(metadata_refusal(&e).text_in(crate::i18n::Locale::En), sentence);
        }
    }
}
