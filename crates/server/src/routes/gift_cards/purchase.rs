//! Buying gift cards: for oneself (loaded into the Pocket at once) or as a gift (codes emailed), the
//! card charged outside any transaction and the purchase completed, or resumed by its key.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemBody {
    denomination: i64,
    quantity: u32,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GiftBody {
    recipient_email: String,
    message: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PurchaseBody {
    currency: String,
    items: Vec<ItemBody>,
    payment_method: PaymentMethodBody,
    coupon: Option<String>,
    gift: Option<GiftBody>,
}

pub(super) fn gift_card_json(g: &GiftCardRecord, code: Option<&GiftCode>) -> Value {
    let mut v = json!({
        "id": g.id, "object": "gift_card", "denomination": g.denomination, "currency": g.currency, "state": g.state.name(),
        "expires_at": g.expires_at, "last4": g.code_last4, "purchase": g.purchase_id, "created": g.created_at,
    });
    if let Some(c) = code {
        v["code"] = json!(c.expose());
    }
    v
}

pub(super) fn purchase_json(p: &PurchaseRecord, cards: &[GiftCardRecord], codes: &[Option<GiftCode>]) -> Value {
    let shown: Vec<Value> =
        cards.iter().enumerate().map(|(i, g)| gift_card_json(g, codes.get(i).and_then(Option::as_ref))).collect();
    let mut v = json!({
        "id": p.id, "object": "gift_card_purchase", "status": p.status.name(), "amount": p.amount, "currency": p.currency,
        "card": { "brand": p.card_brand, "last4": p.card_last4 }, "gift_cards": shown,
        "gift": p.gift_recipient.as_ref().map(|r| json!({ "recipient_email": r })), "created": p.created_at,
    });
    let visible: Vec<&GiftCode> = codes.iter().flatten().collect();
    if visible.len() == 1 {
        v["code"] = json!(visible[0].expose());
    }
    v
}

pub(super) fn gift_error(e: domain::gift_cards::GiftCardError) -> ApiError {
    let param = match e.code() {
        "coupon_not_allowed" => "coupon",
        "currency_not_supported" => "currency",
        _ => "items",
    };
    ApiError::bad_request(e.code(), gift_error_msg(&e)).with_param(param)
}

/// The buyer's words for a refused purchase (the same English as the domain's `Display`).
fn gift_error_msg(e: &domain::gift_cards::GiftCardError) -> crate::i18n::Msg {
    use domain::gift_cards::GiftCardError as E;
    use domain::money::Money;
    match e {
        E::CouponNotAllowed => crate::msg!("err-gift-coupon"),
        E::CurrencyNotSupported { currency, supported } => {
            crate::msg!("err-gift-currency", currency = currency.code(), supported = supported.code())
        }
        E::NoItems => crate::msg!("err-gift-no-items"),
        E::InvalidQuantity => crate::msg!("err-gift-quantity"),
        E::InvalidDenomination { denominations_minor, currency, .. } => {
            let decimals: Vec<String> =
                denominations_minor.iter().map(|&a| Money::new(a, *currency).to_decimal_string()).collect();
            match decimals.split_last() {
                Some((last, rest)) if !rest.is_empty() => crate::msg!(
                    "err-gift-denominations",
                    first = rest.join(", "),
                    last = last,
                    currency = currency.code()
                ),
                last => crate::msg!(
                    "err-gift-denomination",
                    amount = last.map(|(l, _)| l.clone()).unwrap_or_default(),
                    currency = currency.code()
                ),
            }
        }
        E::LoadLimitExceeded { cap_minor, total_minor, currency } => crate::msg!(
            "err-gift-load-limit",
            cap = Money::new(*cap_minor, *currency).format(),
            total = Money::new(*total_minor, *currency).format()
        ),
        E::TooManyCards { cards_max } => {
            crate::msg!("err-gift-too-many-cards", max = i64::try_from(*cards_max).unwrap_or(i64::MAX))
        }
    }
}

pub(super) async fn purchase(
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
        ApiError::bad_request("currency_not_supported", crate::msg!("err-gift-usd-only")).with_param("currency")
    })?;
    let items: Vec<PurchaseItem> =
        body.items.iter().map(|i| PurchaseItem { denomination_minor: i.denomination, quantity: i.quantity }).collect();
    let total =
        check_purchase(&state.config.gift_cards, currency, &items, body.coupon.is_some()).map_err(gift_error)?;
    let gift = match &body.gift {
        Some(g) => {
            let email = Email::parse(&g.recipient_email)
                .map_err(|_| ApiError::invalid("gift.recipient_email", crate::msg!("err-gift-recipient-email")))?;
            let message = g.message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
            if message.as_ref().is_some_and(|m| {
                m.chars().count() > GIFT_MESSAGE_LENGTH_MAX || m.chars().any(|c| c.is_control() && c != '\n')
            }) {
                return Err(ApiError::invalid(
                    "gift.message",
                    crate::msg!("err-gift-message-too-long", max = GIFT_MESSAGE_LENGTH_MAX),
                ));
            }
            Some((email, message))
        }
        None => None,
    };
    if body.payment_method.kind == "pocket" {
        return Err(ApiError::invalid("payment_method", crate::msg!("err-gift-pocket-not-allowed")));
    }
    let card = resolve_card(&state, &user.id, &body.payment_method).await?;
    let now = state.clock.now();
    let record = PurchaseRecord {
        id: random_id("gcp"),
        user_id: user.id.clone(),
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
pub(super) async fn resume_purchase(state: &AppState, idem: Idem, purchase_id: &str) -> Result<Response, ApiError> {
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

pub(super) async fn purchase_status_json(state: &AppState, id: &str) -> Value {
    let id = id.to_owned();
    match state.store.read(move |tx| tx.purchase(&id)).await {
        Ok(Some(p)) => purchase_json(&p, &[], &[]),
        _ => Value::Null,
    }
}

pub(super) fn random_bytes() -> [u8; 32] {
    let mut b = [0u8; 32];
    for chunk in b.chunks_mut(8) {
        chunk.copy_from_slice(&crate::secrets::random_u64().to_le_bytes());
    }
    b
}

pub(super) fn save_card_if_new(tx: &mut WriteTx<'_>, c: &store::CardRecord) -> Result<(), ApiError> {
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
