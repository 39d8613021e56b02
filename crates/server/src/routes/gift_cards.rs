//! Gift cards and the Pocket: buy (for oneself, loaded at once, or as a gift, with codes emailed),
//! redeem a code, list what was bought, the never-refundable refund, the Pocket's balances and history.

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::accounts::Email;
use domain::gift_cards::{check_purchase, code_from_random, expires_at, normalize_code, GiftCode, PurchaseItem};
use domain::money::Currency;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{GiftCardRecord, NewOutboxMessage, PurchaseRecord, WriteTx};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::{ApiJson, PeerAddress};
use crate::idempotency::IdempotencyContext;
use crate::openapi::{object_schema, Access, Api, Endpoint, Verb};
use crate::payment_method::{charge_now, resolve_card, ChargeOutcome, PaymentMethodBody};
use crate::pocket::{codes, credit, platform_account, post, Credit};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

/// Longest gift message.
const GIFT_MESSAGE_LENGTH_MAX: usize = 500;
/// A purchase still processing after this long is settled by the healer.
pub const PURCHASE_HEAL_AFTER_S: i64 = 60;

pub(crate) fn register(api: Api) -> Api {
    let purchase_schema = json!({ "type": "object", "additionalProperties": false, "required": ["currency", "items", "payment_method"],
        "properties": {
            "currency": { "type": "string" },
            "items": { "type": "array", "items": { "type": "object", "required": ["denomination", "quantity"],
                "properties": { "denomination": { "type": "integer" }, "quantity": { "type": "integer" } } } },
            "payment_method": { "type": "object" }, "coupon": { "type": "string" },
            "gift": { "type": "object", "required": ["recipient_email"],
                "properties": { "recipient_email": { "type": "string" }, "message": { "type": "string" } } } } });
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/purchase",
            summary: "Buys gift cards by card: loaded into the Pocket at once, or emailed as codes to a recipient",
            access: Access::Buyer,
            body: Some(purchase_schema),
            success: 201,
        },
        purchase,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/redeem",
            summary: "Loads a gift code into the caller's Pocket, once",
            access: Access::Buyer,
            body: Some(object_schema(&[("code", "string", true)])),
            success: 200,
        },
        redeem,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/gift_cards",
            summary: "The gift cards the buyer bought, masked",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        list_gift_cards,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/gift_cards/purchases/{id}",
            summary: "A purchase as it stands (processing, succeeded or failed); codes are never shown again",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        get_purchase,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/refund",
            summary: "Gift cards are never refundable: always 400 gift_card_not_refundable",
            access: Access::Anyone,
            body: None,
            success: 400,
        },
        refund_refused,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/pocket",
            summary: "The Pocket's balances, held money and what expires when",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        get_pocket,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/pocket/transactions",
            summary: "Every change of the Pocket, newest first, with the balance after it",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        pocket_transactions,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/lookup",
            summary: "Finds a gift card by its code (operators; the code is sent in the body, never in a URL)",
            access: Access::Operator,
            body: Some(object_schema(&[("code", "string", true)])),
            success: 200,
        },
        lookup_gift_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/block",
            summary: "Blocks an unredeemed gift code so that nobody can redeem it (operators)",
            access: Access::Operator,
            body: Some(object_schema(&[("reason", "string", true)])),
            success: 200,
        },
        block_gift_card,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/gift_cards/{id}/unblock",
            summary: "Makes a blocked gift code redeemable again (operators)",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        unblock_gift_card,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemBody {
    denomination: i64,
    quantity: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GiftBody {
    recipient_email: String,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PurchaseBody {
    currency: String,
    items: Vec<ItemBody>,
    payment_method: PaymentMethodBody,
    coupon: Option<String>,
    gift: Option<GiftBody>,
}

fn gift_card_json(g: &GiftCardRecord, code: Option<&GiftCode>) -> Value {
    let mut v = json!({
        "id": g.id, "object": "gift_card", "denomination": g.denomination, "currency": g.currency, "state": g.state,
        "expires_at": g.expires_at, "last4": g.code_last4, "purchase": g.purchase_id, "created": g.created_at,
    });
    if let Some(c) = code {
        v["code"] = json!(c.expose());
    }
    v
}

fn purchase_json(p: &PurchaseRecord, cards: &[GiftCardRecord], codes: &[Option<GiftCode>]) -> Value {
    let shown: Vec<Value> =
        cards.iter().enumerate().map(|(i, g)| gift_card_json(g, codes.get(i).and_then(Option::as_ref))).collect();
    let mut v = json!({
        "id": p.id, "object": "gift_card_purchase", "status": p.status, "amount": p.amount, "currency": p.currency,
        "card": { "brand": p.card_brand, "last4": p.card_last4 }, "gift_cards": shown,
        "gift": p.gift_recipient.as_ref().map(|r| json!({ "recipient_email": r })), "created": p.created_at,
    });
    let visible: Vec<&GiftCode> = codes.iter().flatten().collect();
    if visible.len() == 1 {
        v["code"] = json!(visible[0].expose());
    }
    v
}

fn gift_error(e: domain::gift_cards::GiftCardError) -> ApiError {
    let param = match e.code() {
        "coupon_not_allowed" => "coupon",
        "currency_not_supported" => "currency",
        _ => "items",
    };
    ApiError::bad_request(e.code(), e.to_string()).with_param(param)
}

async fn purchase(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<PurchaseBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    if let Some(bound) = idem.as_ref().and_then(|e| e.0.resume.clone()) {
        return resume_purchase(&state, idem, &bound).await;
    }
    let currency = Currency::parse(&body.currency).map_err(|_| {
        ApiError::bad_request("currency_not_supported", "Gift cards are sold in USD.").with_param("currency")
    })?;
    let items: Vec<PurchaseItem> =
        body.items.iter().map(|i| PurchaseItem { denomination_minor: i.denomination, quantity: i.quantity }).collect();
    let total =
        check_purchase(&state.config.gift_cards, currency, &items, body.coupon.is_some()).map_err(gift_error)?;
    let gift = match &body.gift {
        Some(g) => {
            let email = Email::parse(&g.recipient_email)
                .map_err(|_| ApiError::invalid("gift.recipient_email", "Enter the recipient's email address."))?;
            let message = g.message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
            if message.as_ref().is_some_and(|m| {
                m.chars().count() > GIFT_MESSAGE_LENGTH_MAX || m.chars().any(|c| c.is_control() && c != '\n')
            }) {
                return Err(ApiError::invalid(
                    "gift.message",
                    format!("The message is at most {GIFT_MESSAGE_LENGTH_MAX} characters."),
                ));
            }
            Some((email, message))
        }
        None => None,
    };
    if body.payment_method.kind == "pocket" {
        return Err(ApiError::invalid("payment_method", "Pocket money cannot buy gift cards: pay by card."));
    }
    let card = resolve_card(&state, &user.id, &body.payment_method).await?;
    let now = state.clock.now();
    let record = PurchaseRecord {
        id: random_id("gcp"),
        user_id: user.id.clone(),
        currency: currency.code().to_owned(),
        amount: total.total_minor,
        denominations: total.cards.clone(),
        status: "processing".into(),
        card_id: card.saved.as_ref().map(|c| c.id.clone()),
        card_brand: card.brand.clone(),
        card_last4: card.last4.clone(),
        authorization_id: None,
        failure_code: None,
        gift_recipient: gift.as_ref().map(|(e, _)| e.as_str().to_owned()),
        gift_message: gift.as_ref().and_then(|(_, m)| m.clone()),
        created_at: now,
        completed_at: None,
    };
    // 1. The attempt is recorded before the issuer hears of it.
    // A retry of this request after a crash resumes this purchase instead of buying again.
    let attempt = record.clone();
    let bind = idem.as_ref().map(|e| e.0.clone());
    state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            tx.insert_purchase(&attempt)?;
            if let Some(key) = &bind {
                key.bind(tx, &attempt.id, attempt.created_at).map_err(crate::routes::shop::bind_error)?;
            }
            Ok(())
        })
        .await?;
    state.failpoint("gift_card.recorded");
    // 2. The issuer, outside any transaction, keyed by the attempt.
    let outcome = charge_now(&state, &record.id, &card, record.amount, &record.currency).await;
    state.failpoint("gift_card.charged");
    // 3. The outcome.
    let purchase_id = record.id.clone();
    match outcome {
        ChargeOutcome::Captured(authorization) => {
            let denominations = total.cards.clone();
            let codes: Vec<Option<GiftCode>> =
                denominations.iter().map(|_| gift.as_ref().map(|_| code_from_random(&random_bytes()))).collect();
            let to_save = card.to_save.map(|mut c| {
                c.funding = authorization.facts.funding.clone();
                c.country = authorization.facts.country.clone();
                c.cvc_check = authorization.checks.cvc.name().into();
                c.line1_check = authorization.checks.address_line1.name().into();
                c.postal_check = authorization.checks.postal_code.name().into();
                c
            });
            let secret = state.secret.clone();
            let rules = state.config.gift_cards.clone();
            Ok(state
                .execute(idem.map(|e| e.0), move |tx, ctx| {
                    let Some(p) = tx.purchase(&purchase_id)? else { return Err(ApiError::internal()) };
                    let shown =
                        complete_purchase(tx, &p, &authorization.id, &denominations, &codes, &secret, &rules, ctx.now)?;
                    if let Some(c) = &to_save {
                        save_card_if_new(tx, c)?;
                    }
                    Ok(ApiResponse::created(shown))
                })
                .await)
        }
        ChargeOutcome::Failed { error, failure_code, authorization_id } => {
            let id = purchase_id.clone();
            let failed = state
                .store
                .write(move |tx| {
                    tx.finish_purchase(&id, "failed", authorization_id.as_deref(), Some(&failure_code), now)
                })
                .await;
            if let Err(e) = failed {
                tracing::error!(error = %e, "recording a failed purchase failed; the healer will settle it");
            }
            Err(error.with_object("purchase", purchase_status_json(&state, &purchase_id).await))
        }
        ChargeOutcome::Unknown(error) => {
            Err(error.with_object("purchase", purchase_status_json(&state, &purchase_id).await))
        }
    }
}

/// A retried purchase whose answer was never recorded (a crash, a lost connection): the purchase it
/// bound, as it stands once settled (bought, or failed with nothing charged) — never a second charge.
/// While the healer has not settled it yet, the retry is told to wait.
async fn resume_purchase(state: &AppState, idem: Idem, purchase_id: &str) -> Result<Response, ApiError> {
    let id = purchase_id.to_owned();
    let (purchase, cards) = state
        .store
        .read(move |tx| {
            let purchase = tx.purchase(&id)?;
            let cards = tx.gift_cards_of_purchase(&id)?;
            Ok((purchase, cards))
        })
        .await?;
    let purchase = purchase.ok_or_else(ApiError::internal)?;
    match purchase.status.as_str() {
        "processing" => Err(crate::idempotency::IdempotencyContext::busy()
            .with_advice(&["Retry in a minute: the purchase's outcome is being settled with the bank."])),
        "failed" => {
            let shown = purchase_json(&purchase, &[], &[]);
            Ok(state
                .execute(idem.map(|e| e.0), move |_, ctx| {
                    Ok(ctx.error_response(crate::payment_method::processing_error().with_object("purchase", shown)))
                })
                .await)
        }
        _ => {
            let shown = purchase_json(&purchase, &cards, &[]);
            Ok(state.execute(idem.map(|e| e.0), move |_, _| Ok(ApiResponse::created(shown))).await)
        }
    }
}

async fn purchase_status_json(state: &AppState, id: &str) -> Value {
    let id = id.to_owned();
    match state.store.read(move |tx| tx.purchase(&id)).await {
        Ok(Some(p)) => purchase_json(&p, &[], &[]),
        _ => Value::Null,
    }
}

fn random_bytes() -> [u8; 32] {
    let mut b = [0u8; 32];
    for chunk in b.chunks_mut(8) {
        chunk.copy_from_slice(&crate::secrets::random_u64().to_le_bytes());
    }
    b
}

fn save_card_if_new(tx: &mut WriteTx<'_>, c: &store::CardRecord) -> Result<(), ApiError> {
    if tx.card_by_fingerprint(&c.user_id, &c.fingerprint)?.is_some() {
        return Ok(());
    }
    let first = tx.card_count(&c.user_id)? == 0;
    tx.insert_card(c)?;
    if first {
        tx.set_default_card(&c.user_id, Some(&c.id))?;
    }
    Ok(())
}

/// Books a captured purchase: the money from card clearing into the buyer's Pocket (one lot per
/// card, expiring with it) or into the gift-card float with one code per card, emailed to the recipient.
#[allow(clippy::too_many_arguments)]
pub fn complete_purchase(
    tx: &mut WriteTx<'_>,
    p: &PurchaseRecord,
    authorization_id: &str,
    denominations: &[i64],
    codes: &[Option<GiftCode>],
    secret: &crate::ServerSecret,
    rules: &domain::gift_cards::GiftCardRules,
    now: i64,
) -> Result<Value, ApiError> {
    if !tx.finish_purchase(&p.id, "succeeded", Some(authorization_id), None, now)? {
        // Settled already (by the healer): show it as it is.
        let cards = tx.gift_cards_of_purchase(&p.id)?;
        let current = tx.purchase(&p.id)?.ok_or_else(ApiError::internal)?;
        return Ok(purchase_json(&current, &cards, &[]));
    }
    let currency = Currency::parse(&p.currency).map_err(|_| ApiError::internal())?;
    let clearing = platform_account(tx, "card_clearing", currency, now)?;
    let float = platform_account(tx, "gift_card_float", currency, now)?;
    let expiry = expires_at(p.created_at, rules);
    let mut cards = Vec::with_capacity(denominations.len());
    let mut lines = Vec::new();
    for (i, denomination) in denominations.iter().enumerate() {
        let code = codes.get(i).and_then(Option::as_ref);
        let card = GiftCardRecord {
            id: random_id("gc"),
            purchase_id: p.id.clone(),
            buyer_user_id: p.user_id.clone(),
            currency: p.currency.clone(),
            denomination: *denomination,
            state: if code.is_some() { "active".into() } else { "loaded".into() },
            code_hash: code
                .map(|c| secret.keyed_hash("gift-code", normalize_code(c.expose()).unwrap_or_default().as_bytes())),
            code_last4: code.map(|c| c.last4().to_owned()),
            expires_at: expiry,
            redeemed_by: if code.is_some() { None } else { Some(p.user_id.clone()) },
            redeemed_at: if code.is_some() { None } else { Some(now) },
            created_at: now,
        };
        tx.insert_gift_card(&card)?;
        match code {
            None => credit(
                tx,
                &Credit {
                    user_id: &p.user_id,
                    amount: *denomination,
                    currency,
                    from: clearing,
                    ledger_code: codes::GIFT_CARD_LOAD,
                    expires_at: Some(expiry),
                    kind: "gift_card_load",
                    reference: &card.id,
                },
                now,
            )?,
            Some(c) => {
                post(tx, clearing, float, *denomination, currency, codes::GIFT_CARD_SALE, now)?;
                let amount = domain::money::Money::new(*denomination, currency).format();
                lines.push(format!("{amount}: {}", c.expose()));
            }
        }
        cards.push(card);
    }
    if let Some(recipient) = &p.gift_recipient {
        let note = p.gift_message.as_deref().map(|m| format!("\n\nMessage from the sender:\n{m}")).unwrap_or_default();
        let body = format!(
            "You have received a Pocketpay gift card.\n\n{}\n\nRedeem each code in your Pocket (My Pocket → Redeem). \
             Codes are valid until their expiry, three years after purchase.{note}",
            lines.join("\n")
        );
        tx.enqueue_message(
            &NewOutboxMessage {
                channel: "email",
                recipient,
                subject: "You received a Pocketpay gift card",
                body: &body,
                code: None,
            },
            now,
        )?;
    }
    let current = tx.purchase(&p.id)?.ok_or_else(ApiError::internal)?;
    Ok(purchase_json(&current, &cards, codes))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedeemBody {
    code: String,
}

/// Failed redemptions allowed per account and per address in the window.
pub const REDEEM_FAILURES_MAX: u32 = 5;
/// The window.
pub const REDEEM_FAILURE_WINDOW_S: i64 = 3600;

async fn redeem(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    PeerAddress(peer): PeerAddress,
    ApiJson(body): ApiJson<RedeemBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let now = state.clock.now();
    let mut scopes = vec![format!("user:{}", user.id)];
    scopes.extend(peer.map(|p| format!("ip:{p}")));
    for scope in &scopes {
        let s = scope.clone();
        let (failures, oldest) =
            state.store.read(move |tx| tx.redeem_failures_since(&s, now - REDEEM_FAILURE_WINDOW_S)).await?;
        if failures >= REDEEM_FAILURES_MAX {
            let retry =
                oldest.map(|t| t + REDEEM_FAILURE_WINDOW_S - now).unwrap_or(REDEEM_FAILURE_WINDOW_S).max(1) as u64;
            return Err(ApiError::rate_limited(retry, "Too many attempts.")
                .with_advice(&["Wait before trying again, or contact support if you didn't make these attempts."]));
        }
    }
    let code_hash = normalize_code(&body.code).map(|n| state.secret.keyed_hash("gift-code", n.as_bytes()));
    let user_id = user.id.clone();
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let invalid = || {
                ApiError::not_found("gift card").with_param("code").with_advice(&[
                    "Check the code in the email, letter by letter; codes never contain 0, O, 1, I or L.",
                ])
            };
            let card = match &code_hash {
                Some(h) => tx.gift_card_by_code_hash(h)?,
                None => None,
            };
            let usable = card.filter(|c| c.state == "active" && c.expires_at > ctx.now);
            let Some(card) = usable else {
                for scope in &scopes {
                    tx.record_redeem_failure(scope, ctx.now)?;
                }
                let mut e = invalid();
                e.code = "gift_card_invalid";
                e.message = "This code is not valid: it may be mistyped, already used or expired.".into();
                return Ok(ctx.error_response(e));
            };
            if !tx.change_gift_card_state(&card.id, "active", "redeemed", Some(&user_id), ctx.now)? {
                return Err(ApiError::internal());
            }
            let currency = Currency::parse(&card.currency).map_err(|_| ApiError::internal())?;
            let float = platform_account(tx, "gift_card_float", currency, ctx.now)?;
            credit(
                tx,
                &Credit {
                    user_id: &user_id,
                    amount: card.denomination,
                    currency,
                    from: float,
                    ledger_code: codes::GIFT_CARD_REDEEM,
                    expires_at: Some(card.expires_at),
                    kind: "gift_card_redeem",
                    reference: &card.id,
                },
                ctx.now,
            )?;
            Ok(ApiResponse::ok(pocket_json(tx, &user_id, ctx.now)?))
        })
        .await)
}

/// Horizon of the "expiring" list: everything that has an expiry.
const EXPIRING_HORIZON_S: i64 = 100 * 366 * 86_400;

fn pocket_json(tx: &mut WriteTx<'_>, user_id: &str, now: i64) -> Result<Value, ApiError> {
    let lots = tx.pocket_lots(user_id)?;
    let mut currencies: Vec<String> = lots.iter().map(|l| l.currency.clone()).collect();
    currencies.sort();
    currencies.dedup();
    let mut balances = Vec::new();
    for code in currencies {
        let currency = Currency::parse(&code).map_err(|_| ApiError::internal())?;
        let account = crate::pocket::pocket_account(tx, user_id, currency, now)?;
        balances.push(balance_json(&lots, &code, account.balance_available(), account.debits_pending, now));
    }
    Ok(json!({ "object": "pocket", "balances": balances }))
}

fn balance_json(lots: &[store::LotRecord], currency: &str, available: i64, held: i64, now: i64) -> Value {
    let domain_lots: Vec<domain::pocket::Lot> = lots
        .iter()
        .filter(|l| l.currency == currency)
        .map(|l| domain::pocket::Lot {
            id: l.id,
            amount_remaining: l.amount_remaining,
            amount_held: l.amount_held,
            expires_at: l.expires_at,
        })
        .collect();
    let expiring: Vec<Value> = domain::pocket::expiring_soon(&domain_lots, now, EXPIRING_HORIZON_S)
        .into_iter()
        .map(|(at, amount)| json!({ "amount": amount, "expires_at": at }))
        .collect();
    json!({ "currency": currency, "available": available, "held": held, "expiring": expiring })
}

async fn get_pocket(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let now = state.clock.now();
    let uid = user.id.clone();
    let (lots, accounts) = state
        .store
        .read(move |tx| {
            let lots = tx.pocket_lots(&uid)?;
            let accounts = tx.pocket_accounts(&uid)?;
            Ok((lots, accounts))
        })
        .await?;
    let balances: Vec<Value> = accounts
        .iter()
        .map(|(code, account)| balance_json(&lots, code, account.balance_available(), account.debits_pending, now))
        .collect();
    Ok(axum::Json(json!({ "object": "pocket", "balances": balances })).into_response())
}

async fn pocket_transactions(
    State(state): State<AppState>,
    caller: Caller,
    page: ListParams,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let before = match page.starting_after.as_deref() {
        None => None,
        Some(s) => Some(
            s.strip_prefix("txn_")
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or_else(|| ApiError::invalid("starting_after", "starting_after names no object in this list."))?,
        ),
    };
    let (limit, fetch) = (page.limit, page.fetch());
    let rows = state.store.read(move |tx| tx.pocket_transactions(&user.id, before, fetch)).await?;
    Ok(list_response(rows, limit, |t| {
        json!({ "id": format!("txn_{}", t.id), "object": "pocket_transaction", "type": t.kind, "amount": t.amount,
            "currency": t.currency, "balance_after": t.balance_after, "expires_at": t.expires_at,
            "reference": t.reference, "created": t.created_at })
    }))
}

async fn list_gift_cards(
    State(state): State<AppState>,
    caller: Caller,
    page: ListParams,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let (limit, fetch) = (page.limit, page.fetch());
    let rows =
        state.store.read(move |tx| tx.gift_cards_bought(&user.id, page.starting_after.as_deref(), fetch)).await?;
    Ok(list_response(rows, limit, |g| gift_card_json(g, None)))
}

async fn get_purchase(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let pid = id.clone();
    let (purchase, cards) = state
        .store
        .read(move |tx| {
            let p = tx.purchase(&pid)?;
            let cards = tx.gift_cards_of_purchase(&pid)?;
            Ok((p, cards))
        })
        .await?;
    let purchase = purchase.filter(|p| p.user_id == user.id).ok_or_else(|| ApiError::not_found("purchase"))?;
    Ok(axum::Json(purchase_json(&purchase, &cards, &[])).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupBody {
    code: String,
}

/// A gift card as operators see it: who bought it, who redeemed it, never the code.
fn operator_gift_card_json(g: &GiftCardRecord) -> Value {
    let mut v = gift_card_json(g, None);
    v["buyer"] = json!(g.buyer_user_id);
    v["redeemed_by"] = json!(g.redeemed_by);
    v["redeemed_at"] = json!(g.redeemed_at);
    v
}

async fn lookup_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<LookupBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let missing = || {
        ApiError::not_found("gift card")
            .with_param("code")
            .with_advice(&["Check the code letter by letter; codes never contain 0, O, 1, I or L."])
    };
    let hash = normalize_code(&body.code).map(|n| state.secret.keyed_hash("gift-code", n.as_bytes()));
    let hash = hash.ok_or_else(missing)?;
    let card = state.store.read(move |tx| tx.gift_card_with_code_hash(&hash)).await?;
    let card = card.ok_or_else(missing)?;
    Ok(axum::Json(operator_gift_card_json(&card)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockBody {
    reason: String,
}

/// Longest reason for blocking a gift card.
const BLOCK_REASON_LENGTH_MAX: usize = 500;

async fn block_gift_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockBody>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > BLOCK_REASON_LENGTH_MAX {
        return Err(ApiError::invalid("reason", format!("Say why, in 1 to {BLOCK_REASON_LENGTH_MAX} characters.")));
    }
    Ok(change_block(&state, idem, id, "active", "blocked", move |card| {
        tracing::info!(gift_card = %card.id, operator = %operator.id, reason = %reason, "gift card blocked");
    })
    .await)
}

async fn unblock_gift_card(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    Ok(change_block(&state, idem, id, "blocked", "active", move |card| {
        tracing::info!(gift_card = %card.id, operator = %operator.id, "gift card unblocked");
    })
    .await)
}

/// Moves a gift code between usable and blocked; only an unredeemed, unexpired code can move.
async fn change_block(
    state: &AppState,
    idem: Idem,
    id: String,
    from_state: &'static str,
    to_state: &'static str,
    log: impl FnOnce(&GiftCardRecord) + Send + 'static,
) -> Response {
    state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let card = tx.gift_card(&id)?.ok_or_else(|| ApiError::not_found("gift card"))?;
            if card.code_hash.is_none() {
                return Err(ApiError::conflict(
                    "gift_card_not_blockable",
                    "This gift card was loaded into its buyer's Pocket when bought; it has no code to block.",
                ));
            }
            if card.state != from_state {
                return Err(ApiError::conflict(
                    "gift_card_not_blockable",
                    format!("This gift card is {}; only a {from_state} code can be made {to_state}.", card.state),
                ));
            }
            if !tx.change_gift_card_state(&card.id, from_state, to_state, None, ctx.now)? {
                return Err(ApiError::internal());
            }
            let card = tx.gift_card(&card.id)?.ok_or_else(ApiError::internal)?;
            log(&card);
            Ok(ApiResponse::ok(operator_gift_card_json(&card)))
        })
        .await
}

async fn refund_refused(Path(_id): Path<String>) -> ApiError {
    ApiError::bad_request(
        "gift_card_not_refundable",
        "Gift cards are not refundable, and Pocket money cannot be cashed out.",
    )
    .with_advice(&["Spend the balance on any order in the marketplace.", "Give an unused code to someone else."])
}

/// Settles purchases left processing (a crash or an unreachable issuer): looks each attempt up at the
/// issuer. Captured → booked as bought (the codes of a gift are emailed); authorized → voided;
/// unknown to the issuer → blocked there and failed. Never charges without delivering.
pub async fn heal_purchases(state: &AppState) {
    let before = state.clock.now() - PURCHASE_HEAL_AFTER_S;
    let Ok(stale) = state.store.write(move |tx| tx.stale_purchases(before, 50)).await else { return };
    for p in stale {
        let found = match state.issuer.lookup_or_block(&p.id).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, purchase = %p.id, "the issuer is still unreachable; the purchase stays open");
                continue;
            }
        };
        let now = state.clock.now();
        let id = p.id.clone();
        let outcome = match found {
            Some(a) if a.status == issuer::AuthorizationStatus::Captured => {
                let denominations = p.denominations.clone();
                let codes: Vec<Option<GiftCode>> = denominations
                    .iter()
                    .map(|_| p.gift_recipient.as_ref().map(|_| code_from_random(&random_bytes())))
                    .collect();
                let secret = state.secret.clone();
                let rules = state.config.gift_cards.clone();
                let auth_id = a.id.clone();
                state
                    .store
                    .write(move |tx| {
                        complete_purchase(tx, &p, &auth_id, &denominations, &codes, &secret, &rules, now).map(|_| ())
                    })
                    .await
            }
            Some(a) => {
                if a.status == issuer::AuthorizationStatus::Authorized {
                    if let Err(e) = state.issuer.void(&a.id, &format!("{id}:void")).await {
                        tracing::warn!(error = %e, purchase = %id, "voiding a stale authorization failed; retrying later");
                        continue;
                    }
                }
                let code = if a.refusal.is_some() { "declined" } else { "abandoned" };
                state
                    .store
                    .write(move |tx| {
                        tx.finish_purchase(&id, "failed", Some(&a.id), Some(code), now)
                            .map(|_| ())
                            .map_err(ApiError::from)
                    })
                    .await
            }
            None => {
                state
                    .store
                    .write(move |tx| {
                        tx.finish_purchase(&id, "failed", None, Some("processing_error"), now)
                            .map(|_| ())
                            .map_err(ApiError::from)
                    })
                    .await
            }
        };
        if let Err(e) = outcome {
            tracing::warn!(code = e.code, "settling a stale purchase failed; retrying later");
        }
    }
}

pub(crate) fn register_test_mode(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds",
            summary: "Holds Pocket money of the calling buyer as checkout will (test mode only)",
            access: Access::Buyer,
            body: Some(object_schema(&[("amount", "integer", true), ("currency", "string", true)])),
            success: 201,
        },
        test_hold,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/capture",
            summary: "Charges a test hold, in full or part (test mode only)",
            access: Access::Buyer,
            body: Some(object_schema(&[("amount", "integer", true)])),
            success: 200,
        },
        test_capture,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/release",
            summary: "Releases a test hold (test mode only)",
            access: Access::Buyer,
            body: None,
            success: 200,
        },
        test_release,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/pocket/holds/{id}/refund",
            summary: "Refunds part of a captured test hold into the Pocket (test mode only)",
            access: Access::Buyer,
            body: Some(object_schema(&[("amount", "integer", true)])),
            success: 200,
        },
        test_refund,
    )
}

async fn test_refund(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TestCaptureBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            let currency = Currency::parse(&tx.hold(&id)?.map(|(h, _)| h.currency).unwrap_or_default())
                .map_err(|_| ApiError::internal())?;
            let from = platform_account(tx, "test_merchant", currency, ctx.now)?;
            crate::pocket::refund_captured(tx, &id, body.amount, from, &id, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestHoldBody {
    amount: i64,
    currency: String,
}

async fn test_hold(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<TestHoldBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let currency = Currency::parse(&body.currency)
        .map_err(|_| ApiError::bad_request("currency_not_supported", "Unknown currency.").with_param("currency"))?;
    let hold_id = random_id("hold");
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let destination = platform_account(tx, "test_merchant", currency, ctx.now)?;
            crate::pocket::hold(
                tx,
                &crate::pocket::HoldSpec {
                    hold_id: &hold_id,
                    user_id: &user.id,
                    amount: body.amount,
                    currency,
                    destination,
                    timeout_at: None,
                    reference: &hold_id,
                },
                ctx.now,
            )?;
            let mut pocket = pocket_json(tx, &user.id, ctx.now)?;
            pocket["hold"] = json!(hold_id);
            Ok(ApiResponse::created(pocket))
        })
        .await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCaptureBody {
    amount: i64,
}

fn own_hold(tx: &mut WriteTx<'_>, user_id: &str, hold_id: &str) -> Result<(), ApiError> {
    match tx.hold(hold_id)? {
        Some((h, _)) if h.user_id == user_id => Ok(()),
        _ => Err(ApiError::not_found("hold")),
    }
}

async fn test_capture(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TestCaptureBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            crate::pocket::capture(tx, &id, body.amount, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}

async fn test_release(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            own_hold(tx, &user.id, &id)?;
            crate::pocket::release(tx, &id, ctx.now)?;
            Ok(ApiResponse::ok(pocket_json(tx, &user.id, ctx.now)?))
        })
        .await)
}
