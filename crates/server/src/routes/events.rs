//! Events and webhook endpoints over HTTP (docs/API.md "Events and webhooks"): the event log (a
//! seller's own, or everyone's for operators), and the endpoints of a seller or of the operators —
//! created with a signing secret shown once, listed, changed, disabled, deleted — with their delivery
//! log and redelivery. Sending is `crate::webhooks`.

use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::states::{DeliveryStatus, EndpointStatus};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{DeliveryRecord, EventFilter, WebhookEndpointRecord};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse, Text};
use crate::events::{event_json, EVENT_TYPES};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Verb, DELIVERY_STATUSES};
use crate::routes::list::{list_response, ListParams};
use crate::routes::payouts::endpoint;
use crate::secrets::random_id;
use crate::webhooks::{allowed_addresses, check_url, system_resolve, Refused};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Endpoints a seller (or the operators) may have.
const ENDPOINTS_MAX: usize = 16;

pub(crate) fn register(api: Api) -> Api {
    use Access::Seller;
    use Verb::{Delete, Get, Patch, Post};
    let create = body_schema::<CreateBody>();
    let update = body_schema::<UpdateBody>();
    let redeliver_body = body_schema::<RedeliverBody>();
    api.add(
        endpoint(Get, "/v1/events", "Events: a seller's own, or everyone's for operators (kept 30 days)", Seller, None),
        list_events,
    )
    .add(endpoint(Get, "/v1/events/{id}", "An event", Seller, None), get_event)
    .add(
        endpoint(
            Post,
            "/v1/webhook_endpoints",
            "Adds a webhook endpoint; its signing secret is shown once",
            Seller,
            Some(create),
        ),
        create_endpoint,
    )
    .add(endpoint(Get, "/v1/webhook_endpoints", "The caller's webhook endpoints", Seller, None), list_endpoints)
    .add(endpoint(Get, "/v1/webhook_endpoints/{id}", "A webhook endpoint", Seller, None), get_endpoint)
    .add(
        endpoint(
            Patch,
            "/v1/webhook_endpoints/{id}",
            "Changes a webhook endpoint's URL, events or status",
            Seller,
            Some(update),
        ),
        update_endpoint,
    )
    .add(endpoint(Delete, "/v1/webhook_endpoints/{id}", "Deletes a webhook endpoint", Seller, None), delete_endpoint)
    .add(
        endpoint(
            Get,
            "/v1/webhook_endpoints/{id}/deliveries",
            "An endpoint's delivery attempts, newest first",
            Seller,
            None,
        ),
        list_deliveries,
    )
    .add(
        crate::openapi::Endpoint {
            success: 202,
            ..endpoint(
                Post,
                "/v1/webhook_endpoints/{id}/redeliver",
                "Sends an event to the endpoint again",
                Seller,
                Some(redeliver_body),
            )
        },
        redeliver,
    )
}

/// Whose events and endpoints a caller has: a seller's own (`Some`), the operators' (`None`).
fn owner(caller: &Caller) -> Result<Option<String>, ApiError> {
    match caller {
        Caller::Merchant { merchant } => Ok(Some(merchant.id.clone())),
        Caller::User { role: domain::accounts::Role::Operator, .. } => Ok(None),
        Caller::User { .. } => Err(ApiError::forbidden(crate::msg!("err-auth-sellers-only"))),
    }
}

async fn list_events(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    let merchant_id = owner(&caller)?;
    let kind = q.take("type");
    if let Some(kind) = &kind {
        if !EVENT_TYPES.contains(&kind.as_str()) {
            return Err(ApiError::invalid("type", crate::msg!("err-webhook-event-type-unknown", kind = kind)));
        }
    }
    let page = q.page()?;
    let filter = EventFilter { merchant_id, kind };
    let rows = state.store.read(move |tx| tx.events(&filter, &page)).await?;
    Ok(list_response(rows, event_json))
}

async fn get_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let merchant_id = owner(&caller)?;
    let e = state.store.read(move |tx| tx.event(&id)).await?;
    let visible = |e: &store::EventRecord| match &merchant_id {
        Some(m) => e.merchant_id.as_deref() == Some(m.as_str()) && !e.operators_only,
        None => true,
    };
    let e = e.filter(visible).ok_or_else(|| ApiError::not_found("event"))?;
    Ok(axum::Json(event_json(&e)).into_response())
}

/// An endpoint as the API shows it (the secret only when just created).
fn endpoint_json(w: &WebhookEndpointRecord, secret: Option<&str>) -> Value {
    let events: Vec<&str> = w.enabled_events.split(',').collect();
    let mut v = json!({
        "id": w.id, "object": "webhook_endpoint", "url": w.url, "enabled_events": events, "description": w.description,
        "status": w.status.name(), "merchant": w.merchant_id, "created": w.created_at,
    });
    if let Some(s) = secret {
        v["secret"] = json!(s);
    }
    v
}

/// A delivery attempt as the API shows it.
pub fn delivery_json(d: &DeliveryRecord) -> Value {
    json!({
        "id": d.id, "object": "webhook_delivery", "endpoint": d.endpoint_id, "event": d.event_id, "attempt": d.attempt,
        "status": d.status.name(), "response_status": d.response_status, "duration_ms": d.duration_ms, "error": d.error,
        "next_attempt_at": d.next_attempt_at, "created": d.created_at,
    })
}

fn enabled_events(events: &[String]) -> Result<String, ApiError> {
    if events.is_empty() || events.len() > EVENT_TYPES.len() {
        return Err(ApiError::invalid("enabled_events", crate::msg!("err-webhook-events-required")));
    }
    for e in events {
        if e != "*" && !EVENT_TYPES.contains(&e.as_str()) {
            return Err(ApiError::invalid("enabled_events", crate::msg!("err-webhook-event-type-unknown", kind = e)));
        }
    }
    Ok(events.join(","))
}

/// Checks an endpoint's URL now (its form and the addresses its name resolves to).
async fn checked_url(state: &AppState, url: &str) -> Result<String, ApiError> {
    let live = state.config.live_mode();
    let refused = |r: Refused| ApiError::bad_request("url_not_allowed", refusal(r)).with_param("url");
    let parsed = check_url(url, live).map_err(refused)?;
    if live && !cfg!(feature = "tls") {
        return Err(ApiError::bad_request("url_not_allowed", crate::msg!("err-webhook-no-tls")).with_param("url"));
    }
    allowed_addresses(&parsed, live, system_resolve).await.map_err(refused)?;
    Ok(parsed.to_string())
}

/// Why a URL is refused, from the catalogue.
fn refusal(Refused(why): Refused) -> Text {
    Text::Msg(why)
}

fn description(text: Option<String>) -> Result<Option<String>, ApiError> {
    text.map(|d| crate::extract::typed_text("description", &d, 200, false)).transpose()
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    url: String,
    enabled_events: Vec<String>,
    description: Option<String>,
}

async fn create_endpoint(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<Response, ApiError> {
    let merchant_id = owner(&caller)?;
    let created_by = match &caller {
        Caller::User { user, .. } => user.id.clone(),
        Caller::Merchant { merchant } => merchant.id.clone(),
    };
    let events = enabled_events(&body.enabled_events)?;
    let description = description(body.description)?;
    let url = checked_url(&state, &body.url).await?;
    let id = random_id("we");
    let secret = crate::webhooks::new_secret();
    let sealed = crate::secrets::seal_once(&crate::webhooks::secret_key(&state.secret, &id), secret.as_bytes());
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            if tx.reads().endpoints(merchant_id.as_deref())?.len() >= ENDPOINTS_MAX {
                return Err(ApiError::bad_request(
                    "too_many_endpoints",
                    crate::msg!("err-webhook-too-many", max = ENDPOINTS_MAX),
                ));
            }
            let w = WebhookEndpointRecord {
                id,
                merchant_id,
                url,
                description,
                enabled_events: events,
                status: EndpointStatus::Enabled,
                secret_sealed: sealed,
                created_by,
                created_at: ctx.now,
                updated_at: ctx.now,
                deleted_at: None,
            };
            tx.insert_endpoint(&w)?;
            // The secret is in this answer once; an idempotent replay shows it again only to the same
            // caller, from the record sealed under their own key.
            Ok(ApiResponse::created(endpoint_json(&w, Some(&secret))))
        })
        .await)
}

async fn load(state: &AppState, caller: &Caller, id: String) -> Result<WebhookEndpointRecord, ApiError> {
    let owner = owner(caller)?;
    let w = state.store.read(move |tx| tx.endpoint(&id)).await?;
    w.filter(|w| w.merchant_id == owner).ok_or_else(|| ApiError::not_found("webhook endpoint"))
}

async fn list_endpoints(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let owner = owner(&caller)?;
    let rows = state.store.read(move |tx| tx.endpoints(owner.as_deref())).await?;
    let data: Vec<Value> = rows.iter().map(|w| endpoint_json(w, None)).collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

async fn get_endpoint(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = load(&state, &caller, id).await?;
    Ok(axum::Json(endpoint_json(&w, None)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    url: Option<String>,
    enabled_events: Option<Vec<String>>,
    description: Option<String>,
    status: Option<String>,
}

async fn update_endpoint(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateBody>,
) -> Result<Response, ApiError> {
    let current = load(&state, &caller, id).await?;
    let url = match &body.url {
        Some(u) => Some(checked_url(&state, u).await?),
        None => None,
    };
    let events = body.enabled_events.as_deref().map(enabled_events).transpose()?;
    let status = match body.status.as_deref() {
        None => None,
        Some(s) if EndpointStatus::parse(s).is_some() => EndpointStatus::parse(s),
        Some(_) => return Err(ApiError::invalid("status", crate::msg!("err-webhook-status"))),
    };
    let description = description(body.description)?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut w = tx.endpoint(&current.id)?.ok_or_else(|| ApiError::not_found("webhook endpoint"))?;
            if let Some(u) = url {
                w.url = u;
            }
            if let Some(e) = events {
                w.enabled_events = e;
            }
            if let Some(s) = status {
                w.status = s;
            }
            if description.is_some() {
                w.description = description;
            }
            w.updated_at = ctx.now;
            tx.update_endpoint(&w)?;
            Ok(ApiResponse::ok(endpoint_json(&w, None)))
        })
        .await)
}

async fn delete_endpoint(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let current = load(&state, &caller, id).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let mut w = current;
            w.deleted_at = Some(ctx.now);
            w.updated_at = ctx.now;
            tx.update_endpoint(&w)?;
            Ok(ApiResponse::ok(json!({ "id": w.id, "object": "webhook_endpoint", "deleted": true })))
        })
        .await)
}

async fn list_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    mut q: ListParams,
) -> Result<Response, ApiError> {
    let status = q.status(&DELIVERY_STATUSES)?;
    let page = q.page()?;
    let w = load(&state, &caller, id).await?;
    let rows = state.store.read(move |tx| tx.deliveries(&w.id, status.as_deref(), &page)).await?;
    Ok(list_response(rows, delivery_json))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RedeliverBody {
    event: String,
}

async fn redeliver(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RedeliverBody>,
) -> Result<Response, ApiError> {
    let w = load(&state, &caller, id).await?;
    if !w.status.receives() {
        return Err(ApiError::conflict("endpoint_disabled", crate::msg!("err-webhook-endpoint-disabled")));
    }
    let response = state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let event = tx.event(&body.event)?;
            let visible = event.filter(|e| match &w.merchant_id {
                Some(m) => e.merchant_id.as_deref() == Some(m.as_str()) && !e.operators_only,
                None => true,
            });
            let event = visible.ok_or_else(|| ApiError::not_found("event").with_param("event"))?;
            let d = DeliveryRecord {
                id: random_id("whd"),
                endpoint_id: w.id.clone(),
                event_id: event.id,
                attempt: 1,
                status: DeliveryStatus::Pending,
                response_status: None,
                duration_ms: None,
                error: None,
                next_attempt_at: Some(ctx.now),
                first_attempt_at: ctx.now,
                claimed_until_ms: 0,
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            tx.insert_delivery(&d)?;
            Ok(ApiResponse { status: StatusCode::ACCEPTED, body: delivery_json(&d) })
        })
        .await;
    crate::webhooks::start_due(&state).await;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal of `crate::webhooks` reads from the catalogue: its English text is matched here.
    #[tokio::test]
    async fn every_url_refusal_is_written_in_every_language() {
        let long = format!("https://example.com/{}", "a".repeat(2048));
        let mut refusals = Vec::new();
        for (url, live) in [
            ("not a url", false),
            ("ftp://example.com/", true),
            ("ftp://example.com/", false),
            ("https://user:secret@example.com/", false),
            (long.as_str(), false),
        ] {
            refusals.extend(check_url(url, live).err());
        }
        for (url, live) in [("http://10.0.0.1/", true), ("http://10.0.0.1/", false), ("http://unknown.test/", false)] {
            let Ok(parsed) = reqwest::Url::parse(url) else { panic!("{url}") };
            let resolve = |_: String, _: u16| async { Err(std::io::Error::other("no such host")) };
            refusals.extend(allowed_addresses(&parsed, live, resolve).await.err());
        }
        assert_eq!(refusals.len(), 8, "{refusals:?}");
        for Refused(why) in refusals {
            let english = why.text_in(crate::i18n::Locale::En);
            assert!(english != why.id && english.ends_with('.'), "{why:?}: {english}");
            assert_ne!(why.text_in(crate::i18n::Locale::Ru), english, "{why:?}");
        }
    }
}
