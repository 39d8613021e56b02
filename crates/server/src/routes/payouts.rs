//! Payouts over HTTP (docs/API.md "Sellers' money"): payout destinations (bank accounts, sealed by
//! the vault), payout settings and the operators' pause, and payouts. The balance, its transactions,
//! their CSV report and fee schedules are `routes::balance`. The rules and the bookings are
//! `crate::balance`'s; this module parses, calls and shapes the answers.

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::money::Currency;
use domain::payouts::{self, PayoutInterval, PayoutSchedule, Weekday};
use domain::states::BankAccountStatus;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{BalanceTxFilter, BankAccountRecord, PayoutRecord, PayoutSettingsRecord};

use crate::auth::Caller;
use crate::balance::{self, NewPayout};
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::views::payouts::{balance_tx_json, payout_json};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

pub(crate) fn endpoint(
    verb: Verb,
    path: &'static str,
    summary: &'static str,
    access: Access,
    body: Option<Value>,
) -> Endpoint {
    let success =
        if verb == Verb::Post && !path.ends_with("/cancel") && !path.ends_with("/default") { 201 } else { 200 };
    Endpoint { verb, path, summary, access, body, success }
}

pub(crate) fn register(api: Api) -> Api {
    use Access::Seller;
    use Verb::{Delete, Get, Patch, Post};
    let destination = body_schema::<DestinationBody>();
    let merchant = body_schema::<MerchantPatch>();
    let payout = body_schema::<PayoutBody>();
    api.add(
        endpoint(
            Patch,
            "/v1/merchants/{id}",
            "Changes a merchant's payout schedule; operators pause and resume payouts",
            Seller,
            Some(merchant),
        ),
        patch_merchant,
    )
    .add(endpoint(Get, "/v1/merchants/{id}", "A merchant with its payout settings", Seller, None), get_merchant)
    .add(
        endpoint(
            Post,
            "/v1/payout_destinations",
            "Adds a bank account for payouts (US account and routing number, or IBAN)",
            Seller,
            Some(destination),
        ),
        create_destination,
    )
    .add(endpoint(Get, "/v1/payout_destinations", "The seller's bank accounts", Seller, None), list_destinations)
    .add(endpoint(Delete, "/v1/payout_destinations/{id}", "Removes a bank account", Seller, None), delete_destination)
    .add(
        endpoint(
            Post,
            "/v1/payout_destinations/{id}/default",
            "Makes a bank account the default for payouts",
            Seller,
            None,
        ),
        make_default,
    )
    .add(
        endpoint(Post, "/v1/payouts", "Pays available money out to a bank account", Seller, Some(payout)),
        create_payout,
    )
    .add(
        endpoint(Get, "/v1/payouts", "Payouts: a seller's own, or everyone's for operators", Seller, None),
        list_payouts,
    )
    .add(endpoint(Get, "/v1/payouts/{id}", "A payout", Seller, None), get_payout)
    .add(
        endpoint(
            Get,
            "/v1/payouts/{id}/transactions",
            "The balance transactions a payout paid out (its reconciliation)",
            Seller,
            None,
        ),
        payout_transactions,
    )
    .add(
        endpoint(Post, "/v1/payouts/{id}/cancel", "Cancels a payout not yet sent to the bank", Seller, None),
        cancel_payout,
    )
}

/// Whose money a caller may see: a seller their own, operators anyone's (or a filter).
pub(crate) fn scope(caller: &Caller, asked: Option<String>) -> Result<Option<String>, ApiError> {
    match caller {
        Caller::Merchant { merchant } => Ok(Some(merchant.id.clone())),
        Caller::User { role: domain::accounts::Role::Operator, .. } => Ok(asked),
        Caller::User { .. } => Err(ApiError::forbidden(crate::msg!("err-auth-sellers-only"))),
    }
}

pub(crate) fn may_see(caller: &Caller, merchant_id: &str) -> bool {
    match caller {
        Caller::Merchant { merchant } => merchant.id == merchant_id,
        Caller::User { role, .. } => *role == domain::accounts::Role::Operator,
    }
}

fn is_operator(caller: &Caller) -> bool {
    matches!(caller, Caller::User { role: domain::accounts::Role::Operator, .. })
}

pub(crate) fn currency_param(param: &str, code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|_| {
        ApiError::bad_request("currency_not_supported", crate::msg!("err-payout-currency-unsupported", code = code))
            .with_param(param)
    })
}

/// A bank account as the API shows it: never its number, only the last 4.
pub fn bank_json(b: &BankAccountRecord) -> Value {
    json!({
        "id": b.id, "object": "bank_account", "country": b.country, "currency": b.currency,
        "account_holder_name": b.holder_name, "last4": b.last4, "routing_number": b.routing_number,
        "type": if b.kind == "iban" { "iban" } else { "us_account" }, "status": b.status.name(), "default": b.is_default,
        "created": b.created_at,
    })
}

fn settings_json(s: &PayoutSettingsRecord) -> Value {
    json!({ "interval": s.interval, "weekly_anchor": s.weekly_anchor, "minimum_amount": s.minimum_amount })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScheduleBody {
    interval: String,
    weekly_anchor: Option<String>,
    minimum_amount: Option<i64>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MerchantPatch {
    payout_schedule: Option<ScheduleBody>,
    payouts_paused: Option<bool>,
}

fn merchant_json(m: &store::MerchantRecord, s: &PayoutSettingsRecord) -> Value {
    json!({ "id": m.id, "object": "merchant", "name": m.name, "country": m.country, "currency": m.currency,
        "payout_schedule": settings_json(s), "payouts_paused": s.paused, "created": m.created_at })
}

fn parse_schedule(body: &ScheduleBody) -> Result<PayoutSchedule, ApiError> {
    let interval = match body.interval.as_str() {
        "daily" => PayoutInterval::Daily,
        "manual" => PayoutInterval::Manual,
        "weekly" => {
            let day = body.weekly_anchor.as_deref().and_then(Weekday::parse).ok_or_else(|| {
                ApiError::invalid("payout_schedule[weekly_anchor]", crate::msg!("err-payout-weekly-anchor"))
            })?;
            PayoutInterval::Weekly(day)
        }
        _ => return Err(ApiError::invalid("payout_schedule[interval]", crate::msg!("err-payout-interval"))),
    };
    PayoutSchedule::new(interval, body.minimum_amount.unwrap_or(0))
        .map_err(|e| ApiError::invalid("payout_schedule[minimum_amount]", balance::payout_refusal(e)))
}

async fn patch_merchant(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MerchantPatch>,
) -> Result<Response, ApiError> {
    if !may_see(&caller, &id) {
        return Err(ApiError::not_found("merchant"));
    }
    if body.payouts_paused.is_some() && !is_operator(&caller) {
        return Err(ApiError::forbidden(crate::msg!("err-payout-pause-operators-only")));
    }
    let schedule = body.payout_schedule.as_ref().map(parse_schedule).transpose()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let merchant = tx.merchant(&id)?.ok_or_else(|| ApiError::not_found("merchant"))?;
            let mut settings = balance::payout_settings_of(tx, &id)?;
            if let Some(s) = schedule {
                settings.interval = s.interval.name().to_owned();
                settings.weekly_anchor = match s.interval {
                    PayoutInterval::Weekly(day) => Some(day.name().to_owned()),
                    _ => None,
                };
                settings.minimum_amount = s.minimum_amount;
            }
            if let Some(paused) = body.payouts_paused {
                settings.paused = paused;
            }
            settings.updated_at = ctx.now;
            tx.put_payout_settings(&settings)?;
            Ok(ApiResponse::ok(merchant_json(&merchant, &settings)))
        })
        .await)
}

async fn get_merchant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if !may_see(&caller, &id) {
        return Err(ApiError::not_found("merchant"));
    }
    let (merchant, settings) = state.store.read(move |tx| Ok((tx.merchant(&id)?, tx.payout_settings(&id)?))).await?;
    let merchant = merchant.ok_or_else(|| ApiError::not_found("merchant"))?;
    let settings = settings.unwrap_or_else(|| balance::default_settings(&merchant.id));
    Ok(axum::Json(merchant_json(&merchant, &settings)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct DestinationBody {
    country: String,
    currency: String,
    account_holder_name: String,
    account_number: Option<String>,
    routing_number: Option<String>,
    iban: Option<String>,
    default: Option<bool>,
}

fn bank_error(param: &str, e: payouts::BankAccountError) -> ApiError {
    let message = match e {
        payouts::BankAccountError::RoutingNumberInvalid => crate::msg!("err-payout-routing-number-invalid"),
        payouts::BankAccountError::AccountNumberInvalid => crate::msg!("err-payout-account-number-invalid"),
        payouts::BankAccountError::IbanInvalid => crate::msg!("err-payout-iban-invalid"),
    };
    ApiError::bad_request(e.code(), message).with_param(param)
}

async fn create_destination(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<DestinationBody>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let currency = currency_param("currency", &body.currency)?;
    let country = body.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::invalid("country", crate::msg!("err-payout-country")));
    }
    let holder = crate::extract::typed_text("account_holder_name", &body.account_holder_name, 100, false)?;
    let (kind, number, routing) = match (&body.iban, &body.account_number) {
        (Some(iban), None) => {
            if body.routing_number.is_some() {
                return Err(ApiError::invalid("routing_number", crate::msg!("err-payout-iban-no-routing")));
            }
            ("iban", payouts::check_iban(iban).map_err(|e| bank_error("iban", e))?, None)
        }
        (None, Some(account)) => {
            let number = payouts::check_us_account_number(account).map_err(|e| bank_error("account_number", e))?;
            let routing = body.routing_number.as_deref().ok_or_else(|| {
                ApiError::bad_request("parameter_missing", crate::msg!("err-payout-routing-number-missing"))
                    .with_param("routing_number")
            })?;
            let routing = payouts::check_aba_routing(routing).map_err(|e| bank_error("routing_number", e))?;
            ("us", number, Some(routing))
        }
        _ => {
            return Err(ApiError::bad_request("parameter_missing", crate::msg!("err-payout-account-or-iban"))
                .with_param("account_number"))
        }
    };
    let (sealed, fingerprint) = {
        let vault = state.vault.read().map_err(|_| ApiError::internal())?;
        let sealed = vault.seal_bank_account(&number).map_err(|_| ApiError::internal())?;
        let fingerprint = vault.fingerprint(&format!("bank:{}:{number}", routing.as_deref().unwrap_or("")));
        (sealed, fingerprint)
    };
    let record = BankAccountRecord {
        id: random_id("ba"),
        merchant_id: merchant.id.clone(),
        country,
        currency: currency.code().to_owned(),
        holder_name: holder,
        kind: kind.into(),
        key_id: i64::from(sealed.key_id),
        sealed: sealed.ciphertext,
        routing_number: routing,
        last4: payouts::last4(&number).to_owned(),
        fingerprint,
        status: BankAccountStatus::New,
        is_default: false,
        created_at: 0,
        deleted_at: None,
    };
    drop(number);
    let make_default = body.default.unwrap_or(false);
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let existing = tx.bank_accounts(&record.merchant_id)?;
            if existing.iter().any(|b| b.fingerprint == record.fingerprint) {
                return Err(ApiError::conflict("bank_account_exists", crate::msg!("err-payout-bank-account-exists")));
            }
            let mut record = record;
            record.created_at = ctx.now;
            tx.insert_bank_account(&record)?;
            if make_default || !existing.iter().any(|b| b.is_default) {
                tx.set_default_bank_account(&record.merchant_id, &record.id)?;
                record.is_default = true;
            }
            Ok(ApiResponse::created(bank_json(&record)))
        })
        .await)
}

async fn list_destinations(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let rows = state.store.read(move |tx| tx.bank_accounts(&merchant.id)).await?;
    let data: Vec<Value> = rows.iter().map(bank_json).collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

/// One of the seller's bank accounts (another's answers 404, as one that does not exist).
fn own_account(tx: &mut store::WriteTx<'_>, merchant_id: &str, id: &str) -> Result<BankAccountRecord, ApiError> {
    tx.bank_account(id)?
        .filter(|b| b.merchant_id == merchant_id)
        .ok_or_else(|| ApiError::not_found("payout destination"))
}

async fn delete_destination(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let b = own_account(tx, &merchant.id, &id)?;
            if tx.open_payouts_to(&b.id)? > 0 {
                return Err(ApiError::conflict("payout_in_progress", crate::msg!("err-payout-destination-in-use")));
            }
            tx.delete_bank_account(&b.id, ctx.now)?;
            if b.is_default {
                if let Some(next) = tx.bank_accounts(&merchant.id)?.into_iter().find(|o| o.status.usable()) {
                    tx.set_default_bank_account(&merchant.id, &next.id)?;
                }
            }
            Ok(ApiResponse::ok(json!({ "id": b.id, "object": "bank_account", "deleted": true })))
        })
        .await)
}

async fn make_default(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, _| {
            let mut b = own_account(tx, &merchant.id, &id)?;
            if !b.status.usable() {
                return Err(ApiError::conflict(
                    "payout_destination_disabled",
                    crate::msg!("err-payout-destination-disabled"),
                ));
            }
            tx.set_default_bank_account(&merchant.id, &b.id)?;
            b.is_default = true;
            Ok(ApiResponse::ok(bank_json(&b)))
        })
        .await)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PayoutBody {
    amount: i64,
    currency: String,
    destination: Option<String>,
}

async fn create_payout(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<PayoutBody>,
) -> Result<Response, ApiError> {
    let merchant = caller.merchant()?;
    let currency = currency_param("currency", &body.currency)?;
    let new = NewPayout {
        merchant_id: merchant.id,
        currency,
        amount: Some(body.amount),
        destination: body.destination,
        scheduled_day: None,
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let payout = balance::create_payout(tx, &new, ctx.now)?;
            Ok(ApiResponse::created(payout_json(&payout)))
        })
        .await)
}

async fn list_payouts(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    let merchant = scope(&caller, q.take("merchant"))?;
    let statuses: Vec<&str> = domain::payouts::PayoutStatus::ALL.iter().map(|s| s.name()).collect();
    let status = q.status(&statuses)?;
    let page = q.page()?;
    let rows = state.store.read(move |tx| tx.payouts(merchant.as_deref(), status.as_deref(), &page)).await?;
    Ok(list_response(rows, payout_json))
}

async fn load_payout(state: &AppState, caller: &Caller, id: String) -> Result<PayoutRecord, ApiError> {
    let p = state.store.read(move |tx| tx.payout(&id)).await?;
    p.filter(|p| may_see(caller, &p.merchant_id)).ok_or_else(|| ApiError::not_found("payout"))
}

async fn get_payout(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = load_payout(&state, &caller, id).await?;
    Ok(axum::Json(payout_json(&p)).into_response())
}

async fn payout_transactions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: ListParams,
) -> Result<Response, ApiError> {
    let page = q.page()?;
    let p = load_payout(&state, &caller, id).await?;
    let filter = BalanceTxFilter { payout_id: Some(p.id), paid_out_only: true, ..BalanceTxFilter::default() };
    let rows = state.store.read(move |tx| tx.balance_transactions(&filter, &page)).await?;
    Ok(list_response(rows, balance_tx_json))
}

async fn cancel_payout(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    load_payout(&state, &caller, id.clone()).await?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let payout = balance::cancel_payout(tx, &id, ctx.now)?;
            Ok(ApiResponse::ok(payout_json(&payout)))
        })
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use domain::payouts::{PayoutAction, PayoutError, PayoutStatus};

    /// The catalogue says in English exactly what the domain's refusals say.
    #[test]
    fn refusals_read_as_the_domain_words_them() {
        for from in PayoutStatus::ALL {
            for action in PayoutAction::ALL {
                let step = match action {
                    PayoutAction::Send => from.send(),
                    PayoutAction::Pay => from.pay(),
                    PayoutAction::Fail => from.fail(),
                    PayoutAction::Cancel => from.cancel(),
                };
                if let Err(e) = step {
                    assert_eq!(balance::transition_refusal(e).text_in(Locale::En), e.to_string());
                }
            }
        }
        for e in [
            PayoutError::AmountInvalid,
            PayoutError::InsufficientAvailable { available: 5 },
            PayoutError::MinimumInvalid,
        ] {
            assert_eq!(balance::payout_refusal(e).text_in(Locale::En), e.to_string());
        }
        for e in [
            payouts::BankAccountError::RoutingNumberInvalid,
            payouts::BankAccountError::AccountNumberInvalid,
            payouts::BankAccountError::IbanInvalid,
        ] {
            assert_eq!(bank_error("iban", e).message, e.to_string());
        }
    }
}
