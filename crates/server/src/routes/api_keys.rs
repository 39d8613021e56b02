//! A seller's API keys: list them (with when each was last used), create one, roll one (a new key at
//! once; the old one keeps working for a grace period the seller chooses, 24 hours unless told, so
//! their systems can switch without an outage) and revoke one at once. A key is shown once, when it
//! is made; the store keeps only its hash.

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use store::ApiKeyRecord;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::{typed_text, ApiJson, ApiQuery};
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Verb};
use crate::routes::payouts::endpoint;
use crate::secrets::{random_id, random_token, token_hash};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Keys that work at once, per seller.
pub const LIVE_KEYS_MAX: usize = 10;
/// Longest grace period of a rolled key: a week.
pub const ROLL_GRACE_HOURS_MAX: i64 = 7 * 24;
/// Grace period of a rolled key unless the seller chooses.
pub const ROLL_GRACE_HOURS_DEFAULT: i64 = 24;
/// Longest name of a key.
const NAME_CHARS_MAX: usize = 100;

pub(crate) fn register(api: Api) -> Api {
    let name = body_schema::<CreateBody>();
    let roll = body_schema::<RollBody>();
    api.add(endpoint(Verb::Get, "/v1/api_keys", "The shop's API keys, with their last use", Access::Seller, None), list)
        .add(
            endpoint(
                Verb::Post,
                "/v1/api_keys",
                "Makes a new API key; the key is shown this once",
                Access::Seller,
                Some(name),
            ),
            create,
        )
        .add(
            endpoint(
                Verb::Post,
                "/v1/api_keys/{id}/roll",
                "Replaces a key: a new key now, the old one working for a grace period (default 24 h)",
                Access::Seller,
                Some(roll),
            ),
            roll_key,
        )
        .add(endpoint(Verb::Post, "/v1/api_keys/{id}/revoke", "Stops a key at once", Access::Seller, None), revoke)
}

/// A key as the API shows it: never the key, nor its hash.
pub(crate) fn key_json(k: &ApiKeyRecord, now: i64) -> Value {
    let status = if k.revoked_at.is_some() {
        "revoked"
    } else if k.expires_at.is_some_and(|t| t <= now) {
        "expired"
    } else if k.expires_at.is_some() {
        "expiring"
    } else {
        "active"
    };
    json!({
        "id": k.id, "object": "api_key", "name": k.name, "last4": k.last4, "mode": k.mode, "status": status,
        "created": k.created_at, "expires_at": k.expires_at, "revoked_at": k.revoked_at, "last_used_at": k.last_used_at,
    })
}

/// A new key of a shop: the secret to show once, and its record.
pub(crate) fn new_key(state: &AppState, merchant_id: &str, name: &str, now: i64) -> (String, ApiKeyRecord) {
    let mode = if state.config.live_mode() { "live" } else { "test" };
    let secret = random_token(&format!("sk_{mode}"));
    let last4: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let record = ApiKeyRecord {
        id: random_id("key"),
        key_hash: token_hash(&secret),
        merchant_id: merchant_id.to_owned(),
        name: name.to_owned(),
        last4,
        mode: mode.to_owned(),
        created_at: now,
        expires_at: None,
        revoked_at: None,
        last_used_at: None,
    };
    (secret, record)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoQuery {}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(NoQuery {}): ApiQuery<NoQuery>,
) -> Result<Response, ApiError> {
    let m = caller.merchant()?;
    let now = state.clock.now();
    let keys = state.store.read(move |tx| tx.api_keys(&m.id, now)).await?;
    let data: Vec<Value> = keys.iter().map(|k| key_json(k, now)).collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: Option<String>,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RollBody {
    name: Option<String>,
    expires_in_hours: Option<i64>,
}

fn key_name(name: Option<&str>, default: &str) -> Result<String, ApiError> {
    match name {
        None => Ok(default.to_owned()),
        Some(n) => typed_text("name", n, NAME_CHARS_MAX, false),
    }
}

/// The answer that shows a new key: the only time its secret is in a response.
fn created(k: &ApiKeyRecord, secret: &str, now: i64, rolled_from: Option<&str>) -> ApiResponse {
    let mut shown = key_json(k, now);
    shown["secret"] = json!(secret);
    if let Some(old) = rolled_from {
        shown["rolled_from"] = json!(old);
    }
    ApiResponse::created(shown)
}

fn too_many() -> ApiError {
    ApiError::bad_request("api_key_limit_reached", crate::msg!("err-key-limit", max = LIVE_KEYS_MAX))
}

async fn create(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    body: Option<ApiJson<CreateBody>>,
) -> Result<Response, ApiError> {
    let m = caller.merchant()?;
    let body = body.map(|b| b.0).unwrap_or_default();
    let name = key_name(body.name.as_deref(), "Secret key")?;
    let (secret, mut key) = new_key(&state, &m.id, &name, 0);
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            key.created_at = ctx.now;
            let live = tx.api_keys(&key.merchant_id, ctx.now)?.iter().filter(|k| k.is_live(ctx.now)).count();
            if live >= LIVE_KEYS_MAX {
                return Err(too_many());
            }
            tx.insert_api_key(&key)?;
            Ok(created(&key, &secret, ctx.now, None))
        })
        .await)
}

async fn roll_key(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<ApiJson<RollBody>>,
) -> Result<Response, ApiError> {
    let m = caller.merchant()?;
    let body = body.map(|b| b.0).unwrap_or_default();
    let hours = body.expires_in_hours.unwrap_or(ROLL_GRACE_HOURS_DEFAULT);
    if !(0..=ROLL_GRACE_HOURS_MAX).contains(&hours) {
        return Err(ApiError::invalid(
            "expires_in_hours",
            crate::msg!("err-key-grace-hours", max = ROLL_GRACE_HOURS_MAX),
        ));
    }
    let name = body.name.as_deref().map(|n| key_name(Some(n), "")).transpose()?;
    let (secret, mut key) = new_key(&state, &m.id, "", 0);
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let old = tx
                .api_key(&id)?
                .filter(|k| k.merchant_id == key.merchant_id)
                .ok_or_else(|| ApiError::not_found("api key"))?;
            if !old.is_live(ctx.now) {
                return Err(ApiError::conflict("api_key_inactive", crate::msg!("err-key-inactive")));
            }
            if !tx.expire_api_key(&old.id, ctx.now + hours * 3600, ctx.now)? {
                return Err(ApiError::conflict("api_key_inactive", crate::msg!("err-key-rolled")));
            }
            key.name = name.clone().unwrap_or_else(|| old.name.clone());
            key.created_at = ctx.now;
            tx.insert_api_key(&key)?;
            Ok(created(&key, &secret, ctx.now, Some(&old.id)))
        })
        .await)
}

async fn revoke(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = caller.merchant()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let key =
                tx.api_key(&id)?.filter(|k| k.merchant_id == m.id).ok_or_else(|| ApiError::not_found("api key"))?;
            if !tx.revoke_api_key(&key.id, ctx.now)? {
                return Err(ApiError::conflict("api_key_inactive", crate::msg!("err-key-already-inactive")));
            }
            let key = tx.api_key(&key.id)?.ok_or_else(|| ApiError::not_found("api key"))?;
            Ok(ApiResponse::ok(key_json(&key, ctx.now)))
        })
        .await)
}
