//! Health, the ledger check, and the test-mode endpoints (inbox and clock).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb};
use crate::routes::list::{list_response, ListParams};
use crate::{ApiResponse, AppState};
use domain::ledger::{
    Account, AccountFlags, AccountId, LedgerError, Submitted, TransferId, TransferKind, TransferRequest,
};
use domain::money::Currency;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Get,
            path: "/healthz",
            summary: "200 while the process serves",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        healthz,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/readyz",
            summary: "200 when the store answers",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        readyz,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/ledger/verify",
            summary: "Checks every ledger invariant on live data",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        verify_ledger,
    )
}

pub(crate) fn register_test_mode(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/test/inbox",
            summary: "Messages sent to an email address or phone number (test mode only)",
            access: Access::Anyone,
            body: None,
            success: 200,
        },
        test_inbox,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/clock",
            summary: "Moves the server's clock forward and runs every job that falls due (test mode only)",
            access: Access::Anyone,
            body: Some(body_schema::<ClockBody>()),
            success: 200,
        },
        test_clock,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/ledger/accounts",
            summary: "Opens a raw ledger account of its own kind (`test`), for load and crash tests (operator, test mode only)",
            access: Access::Operator,
            body: Some(body_schema::<TestAccountBody>()),
            success: 201,
        },
        test_ledger_open_account,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/test/ledger/accounts/{id}",
            summary: "A raw test ledger account's totals (operator, test mode only)",
            access: Access::Operator,
            body: None,
            success: 200,
        },
        test_ledger_account,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/test/ledger/transfers",
            summary: "Submits a raw transfer between two raw test accounts, with a client-chosen id, for load and crash tests (operator, test mode only)",
            access: Access::Operator,
            body: Some(body_schema::<TestTransferBody>()),
            success: 201,
        },
        test_ledger_transfer,
    )
}

fn account_json(a: &domain::ledger::Account) -> serde_json::Value {
    json!({
        "id": a.id.0, "object": "ledger_account", "currency": a.currency.code(), "no_overdraft": a.flags.no_overdraft,
        "debits_posted": a.debits_posted, "credits_posted": a.credits_posted,
        "debits_pending": a.debits_pending, "credits_pending": a.credits_pending,
        "balance": a.balance_posted(), "available": a.balance_available(),
    })
}

fn currency_param(code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|_| {
        ApiError::bad_request("currency_not_supported", crate::msg!("err-system-currency")).with_param("currency")
    })
}

fn ledger_error(e: LedgerError) -> ApiError {
    match e {
        LedgerError::ExceedsCredits { .. } => {
            ApiError::bad_request("insufficient_funds", crate::msg!("err-system-insufficient-funds"))
        }
        LedgerError::ExistsWithDifferentFields => {
            ApiError::conflict("transfer_exists", crate::msg!("err-system-transfer-exists"))
        }
        LedgerError::AccountNotFound(_) => ApiError::not_found("ledger account"),
        other => ApiError::bad_request("parameter_invalid", ledger_refusal(other)),
    }
}

/// What a refused test transfer or account says: the ledger's reason, from the catalogue for every
/// refusal these endpoints can meet (a posted transfer with every field given, an account opened).
/// The pending-transfer refusals cannot happen here and keep the ledger's own words.
fn ledger_refusal(e: LedgerError) -> crate::error::Text {
    let msg = match &e {
        LedgerError::InvalidId => crate::msg!("err-system-ledger-invalid-id"),
        LedgerError::AmountNotPositive => crate::msg!("err-system-ledger-amount-not-positive"),
        LedgerError::SameAccount => crate::msg!("err-system-ledger-same-account"),
        LedgerError::AccountExistsWithDifferentFields(id) => {
            crate::msg!("err-system-ledger-account-exists", account = format!("{id:?}"))
        }
        LedgerError::CurrencyMismatch => crate::msg!("err-system-ledger-currency-mismatch"),
        LedgerError::Overflow => crate::msg!("err-system-ledger-overflow"),
        _ => return e.to_string().into(),
    };
    msg.into()
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TestAccountBody {
    id: i64,
    currency: String,
    no_overdraft: Option<bool>,
}

/// The kind of the accounts the raw test ledger opens and moves money between. No other account
/// (a Pocket, a seller's payable, a platform account) is ever shown or moved by these endpoints: money
/// moves between those only by the rules of the features that own them.
const TEST_ACCOUNT_KIND: &str = "test";

/// Refuses an account that is not a raw test account, exactly as one that does not exist.
fn test_account_only(tx: &store::ReadTx<'_>, id: AccountId) -> Result<(), ApiError> {
    match tx.ledger_account_kind(id)? {
        Some(kind) if kind == TEST_ACCOUNT_KIND => Ok(()),
        _ => Err(ApiError::not_found("ledger account")),
    }
}

async fn test_ledger_open_account(
    State(state): State<AppState>,
    idem: Option<axum::Extension<crate::idempotency::IdempotencyContext>>,
    caller: Caller,
    ApiJson(body): ApiJson<TestAccountBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    if body.id <= 0 {
        return Err(ApiError::invalid("id", crate::msg!("err-system-account-id")));
    }
    let currency = currency_param(&body.currency)?;
    let account =
        Account::new(AccountId(body.id), currency, AccountFlags { no_overdraft: body.no_overdraft.unwrap_or(true) });
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            if tx.reads().ledger_account_kind(account.id)?.is_some_and(|k| k != TEST_ACCOUNT_KIND) {
                return Err(ApiError::conflict("ledger_account_taken", crate::msg!("err-system-account-taken")));
            }
            let meta = store::AccountMeta { kind: TEST_ACCOUNT_KIND.into(), owner: None };
            let opened = tx.open_account(&account, &meta, ctx.now).map_err(|e| match e {
                store::StoreError::Ledger(l) => ledger_error(l),
                other => ApiError::from(other),
            })?;
            let a = tx.account(account.id)?.ok_or_else(ApiError::internal)?;
            Ok(match opened {
                store::AccountOpened::Created => ApiResponse::created(account_json(&a)),
                store::AccountOpened::Exists => ApiResponse::ok(account_json(&a)),
            })
        })
        .await)
}

async fn test_ledger_account(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found("ledger account"))?;
    let (kind, account) = state
        .store
        .read(move |tx| Ok((tx.ledger_account_kind(AccountId(id))?, tx.ledger_account(AccountId(id))?)))
        .await?;
    let account = account.filter(|_| kind.as_deref() == Some(TEST_ACCOUNT_KIND));
    let account = account.ok_or_else(|| ApiError::not_found("ledger account"))?;
    Ok(axum::Json(account_json(&account)).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TestTransferBody {
    id: i64,
    debit_account: i64,
    credit_account: i64,
    amount: i64,
    currency: String,
}

async fn test_ledger_transfer(
    State(state): State<AppState>,
    idem: Option<axum::Extension<crate::idempotency::IdempotencyContext>>,
    caller: Caller,
    ApiJson(body): ApiJson<TestTransferBody>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let request = TransferRequest {
        id: TransferId(body.id),
        debit_account: Some(AccountId(body.debit_account)),
        credit_account: Some(AccountId(body.credit_account)),
        amount: Some(body.amount),
        currency: Some(currency_param(&body.currency)?),
        kind: TransferKind::Posted,
        code: 1,
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            for id in [request.debit_account, request.credit_account].into_iter().flatten() {
                test_account_only(&tx.reads(), id)?;
            }
            let (status, t) = match tx.submit_transfer(&request, ctx.now)?.map_err(ledger_error)? {
                Submitted::Created(t) => (StatusCode::CREATED, t),
                Submitted::Exists(t) => (StatusCode::OK, t),
            };
            Ok(ApiResponse {
                status,
                body: json!({ "id": t.id.0, "object": "ledger_transfer", "debit_account": t.debit_account.0,
                    "credit_account": t.credit_account.0, "amount": t.amount, "currency": t.currency.code(),
                    "created": t.created_at, "replayed": status == StatusCode::OK }),
            })
        })
        .await)
}

async fn healthz() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        axum::Json(json!({ "status": "ready" })).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({ "status": "unavailable" }))).into_response()
    }
}

async fn verify_ledger(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.operator()?;
    let report = state.store.scan(|tx| tx.verify_ledger()).await?;
    if !report.is_balanced() {
        tracing::error!(problems = report.problems.len(), "ledger verification found broken invariants");
    }
    let problems: Vec<_> =
        report.problems.iter().map(|p| json!({ "invariant": p.invariant, "detail": p.detail })).collect();
    Ok(axum::Json(json!({
        "object": "ledger_verification",
        "balanced": report.is_balanced(),
        "accounts": report.accounts,
        "transactions": report.transfers,
        "problems": problems,
    }))
    .into_response())
}

async fn test_inbox(State(state): State<AppState>, mut q: ListParams) -> Result<Response, ApiError> {
    let to = q.take("to").filter(|t| !t.trim().is_empty()).ok_or_else(|| ApiError::missing("to"))?;
    let to = to.trim().to_ascii_lowercase();
    let page = q.page()?;
    let messages = state.store.read(move |tx| tx.messages_to(&to, &page)).await?;
    Ok(list_response(messages, |m| {
        json!({ "id": format!("msg_{}", m.id), "object": "message", "to": m.recipient, "channel": m.channel,
                "subject": m.subject, "body": m.body, "code": m.code, "created": m.created_at })
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    advance_seconds: i64,
}

/// Longest single move of the test clock: ten years.
const CLOCK_ADVANCE_MAX_S: i64 = 10 * 366 * 24 * 3600;

async fn test_clock(State(state): State<AppState>, ApiJson(body): ApiJson<ClockBody>) -> Result<Response, ApiError> {
    if !(0..=CLOCK_ADVANCE_MAX_S).contains(&body.advance_seconds) {
        return Err(ApiError::invalid(
            "advance_seconds",
            crate::msg!("err-system-clock-advance", max = CLOCK_ADVANCE_MAX_S),
        ));
    }
    let now = state.clock.advance(body.advance_seconds);
    if let issuer::Connector::Http(client) = &state.issuer {
        // An issuer in another process keeps its own clock: move it too.
        if let Err(e) = client.advance_clock(body.advance_seconds).await {
            tracing::warn!(error = %e, "could not move the issuer service's clock");
        }
    }
    crate::workers::run_due_jobs(&state).await;
    Ok(axum::Json(json!({ "object": "test_clock", "now": now })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue says in English what the ledger says.
    #[test]
    fn ledger_refusals_read_as_the_ledger_words_them() {
        for e in [
            LedgerError::InvalidId,
            LedgerError::AmountNotPositive,
            LedgerError::SameAccount,
            LedgerError::AccountExistsWithDifferentFields(AccountId(7)),
            LedgerError::CurrencyMismatch,
            LedgerError::Overflow,
        ] {
            let english = match ledger_refusal(e.clone()) {
                crate::error::Text::Msg(m) => m.text_in(crate::i18n::Locale::En),
                crate::error::Text::English(_) => panic!("{e:?} has no catalogue words"),
            };
            assert_eq!(english, e.to_string());
        }
    }
}
