//! Buying gift cards: for oneself (loaded into the Pocket at once) or as a gift (codes emailed). The
//! request is parsed and checked here; the issuer steps, the completion and the resume by key are in
//! `ops::gift_cards`.

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
        return resume_purchase(&state, idem.map(|e| e.0), &bound).await;
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
    buy(&state, idem.map(|e| e.0), &user.id, currency, total, gift, card).await
}
