//! The card manager: add (validated, then verified by the issuer with a zero-amount check), list,
//! get, update expiry / billing address / default, delete, re-check; and the operator's key rotation.
//!
//! A card number is validated here, handed to the vault (which seals it and computes its
//! fingerprint) and to the issuer connector, and then dropped: only the sealed form is stored, and the
//! security code is never stored at all.

use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::cards::Expiry;
use domain::declines::PaymentFailure;
use issuer::CardInput;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{CardRecord, StoreError};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::payment_method::{
    card_error, parse_address, refusal_error, text, today, validate_card, AddressBody, PLATFORM_COUNTRY,
};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Cards a buyer may keep at most.
pub const CARDS_PER_USER_MAX: u32 = 20;

pub(crate) fn register(api: Api) -> Api {
    let add = body_schema::<AddCard>();
    let update = body_schema::<UpdateCard>();
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/cards",
            summary:
                "Links a card after a zero-amount check at the issuer; the same card twice returns the existing one",
            access: Access::Buyer,
            body: Some(add),
            success: 201,
        },
        add_card,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/cards",
            summary: "The buyer's cards, newest first",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        list_cards,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/cards/{id}",
            summary: "One of the buyer's cards",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        get_card,
    )
    .add(
        Endpoint {
            verb: Verb::Patch,
            path: "/v1/cards/{id}",
            summary: "Updates expiry, billing address or default (a new number is a new card)",
            access: Access::Buyer,
            body: Some(update),
            success: 200,
        },
        update_card,
    )
    .add(
        Endpoint {
            verb: Verb::Delete,
            path: "/v1/cards/{id}",
            summary: "Removes a card for good; authorizations already made still capture",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        delete_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/cards/{id}/verify",
            summary: "Checks a saved card again with the issuer (zero amount)",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        reverify_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/vault/rotate",
            summary: "Rotates the card-encryption key and re-encrypts every saved card, while serving",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        rotate_keys,
    )
    .add(
        Endpoint {
            verb: Verb::Delete,
            path: "/v1/vault/keys/{id}",
            summary: "Removes a retired card-encryption key once no card uses it",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        remove_key,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/blocked_cards",
            summary: "Cards blocked after unauthorized-payment reports (`?user=usr_…` for one buyer's), newest first",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        list_blocked_cards,
    )
    .add(
        Endpoint {
            verb: Verb::Delete,
            path: "/v1/blocked_cards/{id}",
            summary: "Lifts a card block: the buyer may pay with that card again, saved or typed",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        unblock_card,
    )
}

/// A card block as operators see it (never the number; the fingerprint stays inside).
fn blocked_card_json(b: &store::BlockedCardRecord) -> Value {
    json!({
        "id": b.id, "object": "blocked_card", "user": b.user_id, "brand": b.brand, "last4": b.last4,
        "payment": b.payment_id, "created": b.blocked_at,
    })
}

async fn list_blocked_cards(
    State(state): State<AppState>,
    caller: Caller,
    mut q: ListParams,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let user = q.take("user");
    let page = q.page()?;
    let rows = state.store.read(move |tx| tx.blocked_cards(user.as_deref(), &page)).await?;
    Ok(list_response(rows, blocked_card_json))
}

async fn unblock_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _ctx| {
            let lifted = tx.unblock_card(&id)?.ok_or_else(|| ApiError::not_found("blocked card"))?;
            tracing::info!(blocked_card = %lifted.id, user = %lifted.user_id, operator = %operator.id, "a card block was lifted");
            let mut shown = blocked_card_json(&lifted);
            shown["deleted"] = json!(true);
            Ok(ApiResponse::ok(shown))
        })
        .await)
}

/// A card as the API shows it: never the number, never the security code.
pub fn card_json(c: &CardRecord) -> Value {
    json!({
        "id": c.id, "object": "card", "brand": c.brand, "last4": c.last4, "exp_month": c.exp_month, "exp_year": c.exp_year,
        "funding": c.funding, "country": c.country, "fingerprint": c.fingerprint, "holder_name": c.holder_name,
        "checks": { "cvc_check": c.cvc_check, "address_line1_check": c.line1_check, "address_postal_code_check": c.postal_check },
        "billing_address": {
            "line1": c.billing.line1, "line2": c.billing.line2, "city": c.billing.city, "state": c.billing.state,
            "postal_code": c.billing.postal_code, "country": c.billing.country,
        },
        "default": c.is_default, "blocked": c.blocked_at.is_some(), "created": c.created_at,
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddCard {
    number: String,
    exp_month: i64,
    exp_year: i64,
    cvc: String,
    holder_name: String,
    billing_address: AddressBody,
    default: Option<bool>,
}

/// Zero-amount check at the issuer; unknown outcomes are a retryable processing error.
async fn verify_at_issuer(state: &AppState, input: &CardInput) -> Result<issuer::Verification, ApiError> {
    let verification = state.issuer.verify(input, PLATFORM_COUNTRY).await.map_err(|e| {
        tracing::warn!(error = %e, "zero-amount check failed at the issuer");
        ApiError::payment(&PaymentFailure::ProcessingError)
    })?;
    if let Some(r) = verification.refusal {
        return Err(refusal_error(r));
    }
    Ok(verification)
}

async fn add_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<AddCard>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let card = validate_card(&state, &body.number, body.exp_month, body.exp_year, &body.cvc)?;
    let holder_name = text("holder_name", &body.holder_name, true)?.unwrap_or_default();
    let billing = parse_address(&body.billing_address)?;
    let fingerprint = state.vault.read().map_err(|_| ApiError::internal())?.fingerprint(card.number.expose_digits());
    crate::payment_method::refuse_if_blocked(&state, &user.id, &fingerprint, "number").await?;
    let lookup = (user.id.clone(), fingerprint.clone());
    let existing = state.store.read(move |tx| tx.card_by_fingerprint(&lookup.0, &lookup.1)).await?;
    if let Some(existing) = existing {
        return Ok(axum::Json(card_json(&existing)).into_response());
    }
    let input = CardInput {
        number: card.number.expose_digits().to_owned(),
        exp_month: card.expiry.month(),
        exp_year: card.expiry.year(),
        cvc: Some(card.cvc.expose().to_owned()),
        address_line1: Some(billing.line1.clone()),
        postal_code: Some(billing.postal_code.clone()),
    };
    let verification = verify_at_issuer(&state, &input).await?;
    drop(input);
    let sealed =
        state.vault.read().map_err(|_| ApiError::internal())?.seal(card.number.expose_digits()).map_err(|e| {
            tracing::error!(error = %e, "sealing a card failed");
            ApiError::internal()
        })?;
    let record = CardRecord {
        id: random_id("card"),
        user_id: user.id.clone(),
        fingerprint,
        key_id: sealed.key_id,
        ciphertext: sealed.ciphertext,
        brand: card.number.brand().name().to_owned(),
        last4: card.number.last4().to_owned(),
        exp_month: card.expiry.month(),
        exp_year: card.expiry.year(),
        funding: verification.facts.funding.clone(),
        country: verification.facts.country.clone(),
        holder_name,
        billing,
        cvc_check: verification.checks.cvc.name().to_owned(),
        line1_check: verification.checks.address_line1.name().to_owned(),
        postal_check: verification.checks.postal_code.name().to_owned(),
        is_default: false,
        blocked_at: None,
        created_at: state.clock.now(),
    };
    let make_default = body.default.unwrap_or(false);
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _ctx| {
            if let Some(existing) = tx.card_by_fingerprint(&record.user_id, &record.fingerprint)? {
                return Ok(ApiResponse::ok(card_json(&existing)));
            }
            let count = tx.card_count(&record.user_id)?;
            if count >= CARDS_PER_USER_MAX {
                return Err(ApiError::conflict(
                    "too_many_cards",
                    crate::msg!("err-card-too-many", max = CARDS_PER_USER_MAX),
                ));
            }
            let mut record = record;
            tx.insert_card(&record)?;
            if make_default || count == 0 {
                tx.set_default_card(&record.user_id, Some(&record.id))?;
                record.is_default = true;
            }
            Ok(ApiResponse::created(card_json(&record)))
        })
        .await)
}

async fn list_cards(State(state): State<AppState>, caller: Caller, q: ListParams) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let page = q.page()?;
    let cards = state.store.read(move |tx| tx.cards(&user.id, &page)).await?;
    Ok(list_response(cards, card_json))
}

async fn load_card(state: &AppState, user_id: &str, id: &str) -> Result<CardRecord, ApiError> {
    let (u, i) = (user_id.to_owned(), id.to_owned());
    state.store.read(move |tx| tx.card(&u, &i)).await?.ok_or_else(|| ApiError::not_found("card"))
}

async fn get_card(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(axum::Json(card_json(&load_card(&state, &user.id, &id).await?)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateCard {
    exp_month: Option<i64>,
    exp_year: Option<i64>,
    billing_address: Option<AddressBody>,
    default: Option<bool>,
}

async fn update_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCard>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let current = load_card(&state, &user.id, &id).await?;
    let expiry = if body.exp_month.is_some() || body.exp_year.is_some() {
        let (year, month) = today(&state);
        let m = body.exp_month.unwrap_or(i64::from(current.exp_month));
        let y = body.exp_year.unwrap_or(i64::from(current.exp_year));
        Some(Expiry::parse(m, y, year, month).map_err(card_error)?)
    } else {
        None
    };
    let billing = body.billing_address.as_ref().map(parse_address).transpose()?;
    let default = body.default;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _ctx| {
            let mut card = tx.card(&user.id, &id)?.ok_or_else(|| ApiError::not_found("card"))?;
            if let Some(e) = expiry {
                card.exp_month = e.month();
                card.exp_year = e.year();
            }
            if let Some(b) = billing {
                card.billing = b;
            }
            tx.update_card_details(&card)?;
            match default {
                Some(true) => tx.set_default_card(&user.id, Some(&card.id))?,
                Some(false) if card.is_default => tx.set_default_card(&user.id, None)?,
                _ => {}
            }
            let card = tx.card(&user.id, &id)?.ok_or_else(|| ApiError::not_found("card"))?;
            Ok(ApiResponse::ok(card_json(&card)))
        })
        .await)
}

async fn delete_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let card = tx.card(&user.id, &id)?.ok_or_else(|| ApiError::not_found("card"))?;
            tx.delete_card(&user.id, &id, ctx.now)?;
            if card.is_default {
                // The newest remaining card becomes the default.
                let next = tx.newest_card_id(&user.id)?;
                tx.set_default_card(&user.id, next.as_deref())?;
            }
            Ok(ApiResponse::ok(json!({ "id": id, "object": "card", "deleted": true })))
        })
        .await)
}

async fn reverify_card(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let card = load_card(&state, &user.id, &id).await?;
    let input = crate::payment_method::saved_card_input(&state, &card)?;
    let verification = verify_at_issuer(&state, &input).await?;
    let mut shown = card_json(&card);
    shown["checks"]["address_line1_check"] = json!(verification.checks.address_line1.name());
    shown["checks"]["address_postal_code_check"] = json!(verification.checks.postal_code.name());
    Ok((StatusCode::OK, axum::Json(shown)).into_response())
}

/// Cards re-encrypted per writer command during a rotation.
const RESEAL_BATCH_MAX: u32 = 200;

async fn rotate_keys(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.operator()?;
    let active = {
        let mut vault = state.vault.write().map_err(|_| ApiError::internal())?;
        vault.rotate().map_err(|e| ApiError::conflict("key_rotation_failed", vault_error(&e)))?
    };
    let resealed = reseal_all(&state, active).await?;
    let key_ids = state.vault.read().map_err(|_| ApiError::internal())?.key_ids();
    tracing::info!(active_key_id = active, resealed, "card keys rotated");
    Ok(axum::Json(
        json!({ "object": "vault_rotation", "active_key_id": active, "resealed": resealed, "key_ids": key_ids }),
    )
    .into_response())
}

/// Re-encrypts every live card, payout bank account and kept identity document under the active key, in batches through the
/// writer; returns how many.
pub async fn reseal_all(state: &AppState, active: u32) -> Result<u64, ApiError> {
    let mut total = reseal_rows(state, active, &BANK_ACCOUNTS).await? + reseal_rows(state, active, &DOCUMENTS).await?;
    loop {
        let batch = state.store.write(move |tx| tx.cards_to_reseal(active, RESEAL_BATCH_MAX)).await?;
        if batch.is_empty() {
            return Ok(total);
        }
        let mut updates = Vec::with_capacity(batch.len());
        {
            let vault = state.vault.read().map_err(|_| ApiError::internal())?;
            for (id, key_id, ciphertext) in batch {
                let sealed = vault::SealedCard { key_id, ciphertext };
                match vault.reseal(&sealed) {
                    Ok(Some(new)) => updates.push((id, key_id, new)),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(error = %e, card = %id, "a card could not be re-encrypted");
                        return Err(ApiError::internal());
                    }
                }
            }
        }
        if updates.is_empty() {
            return Ok(total);
        }
        let done = state
            .store
            .write(move |tx| -> Result<u64, StoreError> {
                let mut n = 0;
                for (id, old, new) in &updates {
                    if tx.reseal_card(id, *old, new.key_id, &new.ciphertext)? {
                        n += 1;
                    }
                }
                Ok(n)
            })
            .await?;
        total += done;
    }
}

/// Up to `limit` rows sealed under another key than `active`: `(id, key id, sealed)`.
type FetchSealed = fn(&mut store::WriteTx<'_>, u32, u32) -> Result<Vec<(String, u32, Vec<u8>)>, StoreError>;
/// Stores a new sealed value unless the row changed meanwhile: `(id, old key, new key, sealed)`.
type WriteSealed = fn(&mut store::WriteTx<'_>, &str, u32, u32, &[u8]) -> Result<bool, StoreError>;

/// Rows sealed by the vault other than cards, re-encrypted under the active key in batches.
struct ResealKind {
    what: &'static str,
    batch: u32,
    fetch: FetchSealed,
    reseal: fn(&vault::Vault, &str, &vault::SealedCard) -> Result<Option<vault::SealedCard>, vault::VaultError>,
    write: WriteSealed,
}

/// Sellers' bank account numbers.
const BANK_ACCOUNTS: ResealKind = ResealKind {
    what: "bank account",
    batch: RESEAL_BATCH_MAX,
    fetch: |tx, active, limit| tx.bank_accounts_to_reseal(active, limit),
    reseal: |vault, _, sealed| vault.reseal_bank_account(sealed),
    write: |tx, id, old, new, sealed| tx.reseal_bank_account(id, old, new, sealed),
};

/// Identity documents kept for review (each may be 5 MB: small batches).
const DOCUMENTS: ResealKind = ResealKind {
    what: "document",
    batch: 16,
    fetch: |tx, active, limit| tx.documents_to_reseal(active, limit),
    reseal: |vault, id, sealed| vault.reseal_document(id, sealed),
    write: |tx, id, old, new, sealed| tx.reseal_document(id, old, new, sealed),
};

/// Re-encrypts one kind of sealed rows under the active key (as cards are); returns how many.
async fn reseal_rows(state: &AppState, active: u32, kind: &'static ResealKind) -> Result<u64, ApiError> {
    let mut total = 0u64;
    loop {
        let (fetch, batch_max) = (kind.fetch, kind.batch);
        let batch = state.store.write(move |tx| fetch(tx, active, batch_max)).await?;
        let mut updates = Vec::with_capacity(batch.len());
        {
            let vault = state.vault.read().map_err(|_| ApiError::internal())?;
            for (id, key_id, ciphertext) in batch {
                match (kind.reseal)(&vault, &id, &vault::SealedCard { key_id, ciphertext }) {
                    Ok(Some(new)) => updates.push((id, key_id, new)),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(error = %e, id = %id, "a {} could not be re-encrypted", kind.what);
                        return Err(ApiError::internal());
                    }
                }
            }
        }
        if updates.is_empty() {
            return Ok(total);
        }
        let write = kind.write;
        total += state
            .store
            .write(move |tx| -> Result<u64, StoreError> {
                let mut n = 0;
                for (id, old, new) in &updates {
                    if write(tx, id, *old, new.key_id, &new.ciphertext)? {
                        n += 1;
                    }
                }
                Ok(n)
            })
            .await?;
    }
}

async fn remove_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let key_id: u32 = id.parse().map_err(|_| ApiError::not_found("key"))?;
    let in_use = state.store.read(move |tx| tx.cards_under_key(key_id)).await?;
    if in_use > 0 {
        return Err(ApiError::conflict(
            "key_in_use",
            crate::msg!("err-card-key-in-use", count = i64::try_from(in_use).unwrap_or(i64::MAX), key = key_id),
        ));
    }
    let mut vault = state.vault.write().map_err(|_| ApiError::internal())?;
    if !vault.key_ids().contains(&key_id) {
        return Err(ApiError::not_found("key"));
    }
    vault.remove_key(key_id).map_err(|e| ApiError::conflict("key_in_use", vault_error(&e)))?;
    Ok(axum::Json(json!({ "object": "vault_key", "id": key_id, "deleted": true, "key_ids": vault.key_ids() }))
        .into_response())
}

/// What the vault's refusal says to an operator (the same English as its `Display`).
fn vault_error(e: &vault::VaultError) -> crate::i18n::Msg {
    use vault::VaultError as V;
    match e {
        V::MissingKeys { path } => crate::msg!("err-card-vault-missing-keys", path = path),
        V::InsecureKeyFile { path, mode } => {
            crate::msg!("err-card-vault-insecure-file", path = path, mode = format!("{mode:o}"))
        }
        V::InvalidKeyRing { origin, reason } => {
            crate::msg!("err-card-vault-invalid-ring", origin = origin, reason = reason)
        }
        V::KeysFromEnvironment => crate::msg!("err-card-vault-keys-from-environment"),
        V::KeyFileChanged { path } => crate::msg!("err-card-vault-file-changed", path = path),
        V::UnknownKey(id) => crate::msg!("err-card-vault-unknown-key", key = *id),
        V::ActiveKeyRemoval(id) => crate::msg!("err-card-vault-active-key", key = *id),
        V::KeyRingFull(max) => crate::msg!("err-card-vault-ring-full", max = *max),
        V::InvalidCardNumber => crate::msg!("err-card-vault-invalid-number"),
        V::Decrypt => crate::msg!("err-card-vault-decrypt"),
        V::Encrypt => crate::msg!("err-card-vault-encrypt"),
        V::Random => crate::msg!("err-card-vault-random"),
        V::Io { action, path, source } => {
            crate::msg!("err-card-vault-io", action = *action, path = path, source = source.to_string())
        }
    }
}
