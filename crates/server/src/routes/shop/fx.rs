//! Exchange rates (set by operators) and quotes that fix a rate for a payment in another currency.

use super::*;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RateBody {
    rate: String,
}

/// A money error in words: the domain's `Display` sentence, from the catalogue.
fn money_error(e: domain::money::MoneyError) -> crate::i18n::Msg {
    use domain::money::MoneyError;
    match e {
        MoneyError::UnknownCurrency(code) => crate::msg!("err-fx-unknown-currency", code = format!("{code:?}")),
        MoneyError::CurrencyMismatch { left, right } => {
            crate::msg!("err-fx-currency-mismatch", left = left.code(), right = right.code())
        }
        MoneyError::Overflow => crate::msg!("err-fx-overflow"),
        MoneyError::InvalidAmount => crate::msg!("err-fx-invalid-amount"),
        MoneyError::TooManyDecimals { currency, max } => {
            crate::msg!("err-fx-too-many-decimals", currency = currency.code(), max = u32::from(max))
        }
        MoneyError::NegativeNotAllowed => crate::msg!("err-fx-negative-amount"),
        MoneyError::ZeroNotAllowed => crate::msg!("err-fx-zero-amount"),
        MoneyError::InvalidWeights => crate::msg!("err-fx-invalid-weights"),
        MoneyError::InvalidRate => crate::msg!("err-fx-invalid-rate"),
    }
}

pub(super) fn currency_param(param: &str, code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|_| {
        ApiError::bad_request("currency_not_supported", crate::msg!("err-fx-currency-unsupported")).with_param(param)
    })
}

pub(super) async fn put_rate(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    ApiJson(body): ApiJson<RateBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let from = currency_param("from", &from)?;
    let to = currency_param("to", &to)?;
    if from == to {
        return Err(ApiError::invalid("to", crate::msg!("err-fx-same-currency")));
    }
    let rate = domain::money::ExchangeRate::parse(&body.rate)
        .map_err(|_| ApiError::invalid("rate", crate::msg!("err-fx-rate-invalid")))?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            tx.put_fx_rate(from.code(), to.code(), &rate.to_string(), ctx.now)?;
            Ok(ApiResponse::ok(json!({ "object": "fx_rate", "from": from.code(), "to": to.code(),
                "rate": rate.to_string(), "updated": ctx.now })))
        })
        .await)
}

pub(super) async fn list_rates(State(state): State<AppState>) -> Result<Response, ApiError> {
    let rates = state.store.read(|tx| tx.fx_rates()).await?;
    let data: Vec<Value> = rates
        .into_iter()
        .map(|(from, to, rate, updated)| json!({ "object": "fx_rate", "from": from, "to": to, "rate": rate, "updated": updated }))
        .collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct QuoteBody {
    from: String,
    to: String,
    amount: i64,
}

pub(super) async fn create_quote(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<QuoteBody>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let from = currency_param("from", &body.from)?;
    let to = currency_param("to", &body.to)?;
    if body.amount <= 0 {
        return Err(
            ApiError::bad_request("amount_invalid", crate::msg!("err-fx-amount-not-positive")).with_param("amount")
        );
    }
    let (f, t) = (from.code().to_owned(), to.code().to_owned());
    let rate = state.store.read(move |tx| tx.fx_rate(&f, &t)).await?.ok_or_else(|| {
        ApiError::bad_request("currency_not_supported", crate::msg!("err-fx-no-rate")).with_param("to")
    })?;
    let rate = domain::money::ExchangeRate::parse(&rate).map_err(|_| ApiError::internal())?;
    let now = state.clock.now();
    let q = domain::checkout::quote(rate, domain::money::Money::new(body.amount, from), to, now)
        .map_err(|e| ApiError::bad_request("amount_invalid", money_error(e)).with_param("amount"))?;
    let record = store::QuoteRecord {
        id: random_id("fxq"),
        user_id: user.id,
        from_currency: from.code().to_owned(),
        to_currency: to.code().to_owned(),
        rate: q.rate.to_string(),
        from_amount: q.from_minor,
        to_amount: q.to_minor,
        created_at: q.created_at,
        expires_at: q.expires_at,
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            tx.insert_quote(&record)?;
            Ok(ApiResponse::created(json!({ "id": record.id, "object": "fx_quote", "rate": record.rate,
                "from": record.from_currency, "to": record.to_currency, "from_amount": record.from_amount,
                "to_amount": record.to_amount, "created": record.created_at, "expires_at": record.expires_at })))
        })
        .await)
}
