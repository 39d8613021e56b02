//! Gift-card purchases as an operation: the three issuer steps of buying (the attempt recorded, the
//! card charged keyed by it, the outcome booked), completing a captured purchase (the cards made, loaded
//! into the Pocket or emailed as codes), resuming a purchase by its key, and settling one left
//! processing (for the healer in `jobs`). Also the window of failed redemptions, which the workers prune.

use axum::response::Response;
use domain::accounts::Email;
use domain::gift_cards::{code_from_random, expires_at, normalize_code, GiftCode, PurchaseTotal};
use domain::money::Currency;
use domain::states::{GiftCardState, PurchaseStatus};
use serde_json::Value;
use store::{GiftCardRecord, NewOutboxMessage, PurchaseRecord, WriteTx};

use crate::error::{ApiError, ApiResponse};
use crate::idempotency::IdempotencyContext;
use crate::ops::shop::bind_error;
use crate::payment_method::{charge_now, ChargeOutcome, ChargeableCard};
use crate::pocket::{codes, credit, platform_account, post, Credit};
use crate::secrets::random_id;
use crate::views::gift_cards::purchase_json;
use crate::AppState;

/// A purchase still processing after this long is settled by the healer.
pub const PURCHASE_HEAL_AFTER_S: i64 = 60;

/// The window of failed redemptions (per account and per address).
pub const REDEEM_FAILURE_WINDOW_S: i64 = 3600;

/// Buys the cards of a checked purchase in the three steps of every issuer call: (1) the attempt is
/// recorded (and bound to the request's key) before the issuer hears of it; (2) the card is charged
/// outside any transaction, keyed by the attempt; (3) the outcome is booked — the cards made, or the
/// purchase failed.
pub(crate) async fn buy(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    user_id: &str,
    currency: Currency,
    total: PurchaseTotal,
    gift: Option<(Email, Option<String>)>,
    card: ChargeableCard,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let record = PurchaseRecord {
        id: random_id("gcp"),
        user_id: user_id.to_owned(),
        currency: currency.code().to_owned(),
        amount: total.total_minor,
        denominations: total.cards.clone(),
        status: PurchaseStatus::Processing,
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
    let bind = idem.clone();
    state
        .store
        .write(move |tx| -> Result<(), ApiError> {
            tx.insert_purchase(&attempt)?;
            if let Some(key) = &bind {
                key.bind(tx, &attempt.id, attempt.created_at).map_err(bind_error)?;
            }
            Ok(())
        })
        .await?;
    state.failpoint("gift_card.recorded");
    // 2. The issuer, outside any transaction, keyed by the attempt.
    let outcome = charge_now(state, &record.id, &card, record.amount, &record.currency).await;
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
                .execute(idem, move |tx, ctx| {
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
                    tx.finish_purchase(
                        &id,
                        PurchaseStatus::Failed,
                        authorization_id.as_deref(),
                        Some(&failure_code),
                        now,
                    )
                })
                .await;
            if let Err(e) = failed {
                tracing::error!(error = %e, "recording a failed purchase failed; the healer will settle it");
            }
            Err(error.with_object("purchase", purchase_status_json(state, &purchase_id).await))
        }
        ChargeOutcome::Unknown(error) => {
            Err(error.with_object("purchase", purchase_status_json(state, &purchase_id).await))
        }
    }
}

/// A retried purchase whose answer was never recorded (a crash, a lost connection): the purchase it
/// bound, as it stands once settled (bought, or failed with nothing charged) — never a second charge.
/// While the healer has not settled it yet, the retry is told to wait.
pub(crate) async fn resume_purchase(
    state: &AppState,
    idem: Option<IdempotencyContext>,
    purchase_id: &str,
) -> Result<Response, ApiError> {
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
    match purchase.status {
        PurchaseStatus::Processing => Err(crate::idempotency::IdempotencyContext::busy()
            .with_advice_msgs(vec![crate::msg!("err-gift-settling-advice")])),
        PurchaseStatus::Failed => {
            let shown = purchase_json(&purchase, &[], &[]);
            Ok(state
                .execute(idem, move |_, ctx| {
                    Ok(ctx.error_response(crate::payment_method::processing_error().with_object("purchase", shown)))
                })
                .await)
        }
        _ => {
            let shown = purchase_json(&purchase, &cards, &[]);
            Ok(state.execute(idem, move |_, _| Ok(ApiResponse::created(shown))).await)
        }
    }
}

pub(crate) async fn purchase_status_json(state: &AppState, id: &str) -> Value {
    let id = id.to_owned();
    match state.store.read(move |tx| tx.purchase(&id)).await {
        Ok(Some(p)) => purchase_json(&p, &[], &[]),
        _ => Value::Null,
    }
}

pub(crate) fn random_bytes() -> [u8; 32] {
    let mut b = [0u8; 32];
    for chunk in b.chunks_mut(8) {
        chunk.copy_from_slice(&crate::secrets::random_u64().to_le_bytes());
    }
    b
}

pub(crate) fn save_card_if_new(tx: &mut WriteTx<'_>, c: &store::CardRecord) -> Result<(), ApiError> {
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
pub(crate) fn complete_purchase(
    tx: &mut WriteTx<'_>,
    p: &PurchaseRecord,
    authorization_id: &str,
    denominations: &[i64],
    codes: &[Option<GiftCode>],
    secret: &crate::ServerSecret,
    rules: &domain::gift_cards::GiftCardRules,
    now: i64,
) -> Result<Value, ApiError> {
    if !tx.finish_purchase(
        &p.id,
        p.status.succeed().map_err(crate::error::lifecycle_bug)?,
        Some(authorization_id),
        None,
        now,
    )? {
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
            state: GiftCardState::new(code.is_some()),
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
                lines.push((*denomination, c.expose().to_owned()));
            }
        }
        cards.push(card);
    }
    if let Some(recipient) = &p.gift_recipient {
        // The recipient may have no account: the email speaks the sender's language.
        let locale = crate::i18n::locale_of(tx.user(&p.user_id)?.and_then(|u| u.locale).as_deref());
        let lines: Vec<String> = lines
            .iter()
            .map(|(denomination, code)| {
                let amount = crate::i18n::format::money(locale, *denomination, currency.code()).unwrap_or_default();
                format!("{amount}: {code}")
            })
            .collect();
        let note = p
            .gift_message
            .as_deref()
            .map(|m| format!("\n\n{}\n{m}", crate::tr_in!(locale, "message-gift-note")))
            .unwrap_or_default();
        let body = format!(
            "{}\n\n{}\n\n{}{note}",
            crate::tr_in!(locale, "message-gift-intro"),
            lines.join("\n"),
            crate::tr_in!(locale, "message-gift-redeem")
        );
        let subject = crate::tr_in!(locale, "message-gift-subject");
        tx.enqueue_message(
            &NewOutboxMessage { channel: "email", recipient, subject: &subject, body: &body, code: None },
            now,
        )?;
    }
    let current = tx.purchase(&p.id)?.ok_or_else(ApiError::internal)?;
    Ok(purchase_json(&current, &cards, codes))
}

/// Settles one purchase left processing (a crash or an unreachable issuer): looks its attempt up at
/// the issuer. Captured → booked as bought (the codes of a gift are emailed); authorized → voided;
/// unknown to the issuer → blocked there and failed. Never charges without delivering.
pub(crate) async fn heal_purchase(state: &AppState, p: PurchaseRecord) {
    let found = match state.issuer.lookup_or_block(&p.id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, purchase = %p.id, "the issuer is still unreachable; the purchase stays open");
            return;
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
                    return;
                }
            }
            let code = if a.refusal.is_some() { "declined" } else { "abandoned" };
            state
                .store
                .write(move |tx| {
                    tx.finish_purchase(&id, PurchaseStatus::Failed, Some(&a.id), Some(code), now)
                        .map(|_| ())
                        .map_err(ApiError::from)
                })
                .await
        }
        None => {
            state
                .store
                .write(move |tx| {
                    tx.finish_purchase(&id, PurchaseStatus::Failed, None, Some("processing_error"), now)
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
