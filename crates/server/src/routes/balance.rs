//! Sellers' balances over HTTP (docs/API.md "Sellers' money"): fee schedules (operators), the
//! balance with what is available, pending and reserved, every seller's balance for operators,
//! balance transactions and their CSV report. Payouts are `routes::payouts`.

use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use domain::payouts::{self, FeeSchedule};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{BalanceTxFilter, BalanceTxRecord};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::{ApiJson, ApiQuery};
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, BTX_STATUSES};
use crate::routes::list::{list_response, ListParams};
use crate::routes::payouts::{currency_param, endpoint, may_see, scope};
use crate::views::payouts::{balance_json, balance_tx_json};
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

pub(crate) fn register(api: Api) -> Api {
    use crate::openapi::Verb::{Get, Put};
    use Access::{Operator, Seller};
    let fees = body_schema::<FeeBody>();
    api.add(
        endpoint(Put, "/v1/merchants/{id}/fees", "Sets a merchant's fee schedule (operators)", Operator, Some(fees)),
        put_fees,
    )
    .add(endpoint(Get, "/v1/merchants/{id}/fees", "A merchant's fee schedule", Seller, None), get_fees)
    .add(
        endpoint(
            Get,
            "/v1/balance",
            "The seller's balance per currency: available, pending and reserved",
            Seller,
            None,
        ),
        get_balance,
    )
    .add(
        endpoint(
            Get,
            "/v1/balances",
            "Every seller's balance per currency, or only those below zero (operators)",
            Operator,
            None,
        ),
        list_balances,
    )
    .add(
        endpoint(
            Get,
            "/v1/balance_transactions",
            "Balance transactions: a seller's own, or everyone's for operators",
            Seller,
            None,
        ),
        list_balance_transactions,
    )
    .add(endpoint(Get, "/v1/balance_transactions/{id}", "A balance transaction", Seller, None), get_balance_transaction)
    .add(
        endpoint(
            Get,
            "/v1/reports/balance_transactions.csv",
            "Balance transactions as CSV, oldest first, with a header row",
            Seller,
            None,
        ),
        balance_transactions_csv,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FeeBody {
    percent_bps: i64,
    fixed_amount: Option<i64>,
    currency: Option<String>,
}

fn fee_json(merchant_id: &str, f: Option<&store::FeeScheduleRecord>, default_bps: i64) -> Value {
    match f {
        Some(f) => json!({ "object": "fee_schedule", "merchant": merchant_id, "percent_bps": f.percent_bps,
            "fixed_amount": f.fixed_amount, "currency": f.fixed_currency, "default": false }),
        None => json!({ "object": "fee_schedule", "merchant": merchant_id, "percent_bps": default_bps,
            "fixed_amount": 0, "currency": null, "default": true }),
    }
}

/// A refused fee schedule: the parameter at fault, in the words of `FeeError`'s `Display`.
fn fee_refusal(e: payouts::FeeError) -> ApiError {
    match e {
        payouts::FeeError::PercentInvalid => ApiError::invalid("percent_bps", crate::msg!("err-fees-percent-invalid")),
        payouts::FeeError::FixedInvalid => ApiError::invalid("fixed_amount", crate::msg!("err-fees-fixed-invalid")),
    }
}

async fn put_fees(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FeeBody>,
) -> Result<Response, ApiError> {
    let operator = caller.operator()?;
    let fixed = body.fixed_amount.unwrap_or(0);
    FeeSchedule::new(body.percent_bps, fixed).map_err(fee_refusal)?;
    let currency = match &body.currency {
        Some(c) => Some(currency_param("currency", c)?.code().to_owned()),
        None => None,
    };
    let default_bps = state.config.platform_fee_bps;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            tx.merchant(&id)?.ok_or_else(|| ApiError::not_found("merchant"))?;
            let record = store::FeeScheduleRecord {
                merchant_id: id.clone(),
                percent_bps: body.percent_bps,
                fixed_amount: fixed,
                fixed_currency: currency,
                updated_by: operator.id.clone(),
                updated_at: ctx.now,
            };
            tx.put_fee_schedule(&record)?;
            Ok(ApiResponse::ok(fee_json(&id, Some(&record), default_bps)))
        })
        .await)
}

async fn get_fees(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    if !may_see(&caller, &id) {
        return Err(ApiError::not_found("merchant"));
    }
    let mid = id.clone();
    let (merchant, fees) = state.store.read(move |tx| Ok((tx.merchant(&mid)?, tx.fee_schedule(&mid)?))).await?;
    merchant.ok_or_else(|| ApiError::not_found("merchant"))?;
    Ok(axum::Json(fee_json(&id, fees.as_ref(), state.config.platform_fee_bps)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MerchantQuery {
    merchant: Option<String>,
}

async fn get_balance(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MerchantQuery>,
) -> Result<Response, ApiError> {
    let merchant_id = scope(&caller, q.merchant)?
        .ok_or_else(|| ApiError::invalid("merchant", crate::msg!("err-balance-merchant-required")))?;
    let mid = merchant_id.clone();
    let (sums, accounts) =
        state.store.read(move |tx| Ok((tx.balance(&mid)?, tx.owned_accounts("seller_payable", &mid)?))).await?;
    // `balances` (what the payable account holds, and card holds on their way) is kept for clients
    // of the earlier answer.
    let balances: Vec<Value> = accounts
        .iter()
        .map(|(currency, a)| json!({ "currency": currency, "payable": a.balance_posted(), "pending": a.credits_pending }))
        .collect();
    let mut shown = balance_json(&merchant_id, &sums);
    shown["balances"] = Value::Array(balances);
    Ok(axum::Json(shown).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BalancesQuery {
    negative: Option<bool>,
}

async fn list_balances(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BalancesQuery>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let negative_only = q.negative.unwrap_or(false);
    let rows = state.store.read(move |tx| tx.seller_balances(negative_only)).await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|(merchant, name, currency, amount)| {
            json!({ "object": "seller_balance", "merchant": merchant, "merchant_name": name, "currency": currency, "amount": amount })
        })
        .collect();
    Ok(axum::Json(json!({ "object": "list", "data": data, "has_more": false })).into_response())
}

/// The balance transaction filters a list and the CSV report share.
struct TxQuery {
    merchant: Option<String>,
    kind: Option<String>,
    payout: Option<String>,
    created_gte: Option<i64>,
    created_lte: Option<i64>,
}

fn tx_filter(caller: &Caller, q: &TxQuery) -> Result<BalanceTxFilter, ApiError> {
    if let Some(kind) = &q.kind {
        if domain::payouts::BalanceTxType::parse(kind).is_none() {
            return Err(ApiError::invalid("type", crate::msg!("err-balance-type-unknown", kind = kind)));
        }
    }
    Ok(BalanceTxFilter {
        merchant_id: scope(caller, q.merchant.clone())?,
        kind: q.kind.clone(),
        payout_id: q.payout.clone(),
        created_gte: q.created_gte,
        created_lte: q.created_lte,
        status: None,
        paid_out_only: false,
    })
}

async fn list_balance_transactions(
    State(state): State<AppState>,
    caller: Caller,
    mut q: ListParams,
) -> Result<Response, ApiError> {
    let query = TxQuery {
        merchant: q.take("merchant"),
        kind: q.take("type"),
        payout: q.take("payout"),
        created_gte: None,
        created_lte: None,
    };
    let status = q.status(&BTX_STATUSES)?;
    let page = q.page()?;
    let mut filter = tx_filter(&caller, &query)?;
    filter.status = status;
    let rows = state.store.read(move |tx| tx.balance_transactions(&filter, &page)).await?;
    Ok(list_response(rows, balance_tx_json))
}

async fn get_balance_transaction(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let b = state.store.read(move |tx| tx.balance_transaction(&id)).await?;
    let b = b.filter(|b| may_see(&caller, &b.merchant_id)).ok_or_else(|| ApiError::not_found("balance transaction"))?;
    Ok(axum::Json(balance_tx_json(&b)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvQuery {
    merchant: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// The CSV report's columns, in their stable order.
pub const CSV_COLUMNS: [&str; 13] = [
    "id",
    "created",
    "available_on",
    "merchant",
    "type",
    "status",
    "currency",
    "amount",
    "fee",
    "net",
    "source",
    "payout",
    "description",
];

fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn csv_row(out: &mut String, b: &BalanceTxRecord) {
    let fields = [
        b.id.clone(),
        b.created_at.to_string(),
        b.available_on.to_string(),
        b.merchant_id.clone(),
        b.kind.name().to_owned(),
        if b.available { "available" } else { "pending" }.to_owned(),
        b.currency.clone(),
        b.amount.to_string(),
        b.fee.to_string(),
        b.net.to_string(),
        b.source.clone().unwrap_or_default(),
        b.payout_id.clone().unwrap_or_default(),
        b.description.clone(),
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

async fn balance_transactions_csv(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CsvQuery>,
) -> Result<Response, ApiError> {
    let query = TxQuery { merchant: q.merchant, kind: q.kind, payout: None, created_gte: q.from, created_lte: q.to };
    let filter = tx_filter(&caller, &query)?;
    let body = csv_report(&state, filter).await?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"balance_transactions.csv\""),
    );
    Ok(response)
}

/// The balance transactions that match, oldest first, as CSV with a header row.
pub(crate) async fn csv_report(state: &AppState, filter: BalanceTxFilter) -> Result<String, ApiError> {
    Ok(state
        .store
        .scan(move |tx| {
            let mut out = CSV_COLUMNS.join(",");
            out.push_str("\r\n");
            tx.each_balance_transaction(&filter, |b| csv_row(&mut out, b))?;
            Ok(out)
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_refusals_read_as_the_domain_words_them() {
        for e in [payouts::FeeError::PercentInvalid, payouts::FeeError::FixedInvalid] {
            assert_eq!(fee_refusal(e).message, e.to_string());
        }
    }
}
