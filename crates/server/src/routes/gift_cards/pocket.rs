//! The Pocket's balances and history, and the gift cards a buyer bought.

use super::*;

/// Horizon of the "expiring" list: everything that has an expiry.
pub(super) const EXPIRING_HORIZON_S: i64 = 100 * 366 * 86_400;

pub(super) fn pocket_json(tx: &mut WriteTx<'_>, user_id: &str, now: i64) -> Result<Value, ApiError> {
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

pub(super) fn balance_json(lots: &[store::LotRecord], currency: &str, available: i64, held: i64, now: i64) -> Value {
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

pub(super) async fn get_pocket(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
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

pub(super) async fn pocket_transactions(
    State(state): State<AppState>,
    caller: Caller,
    q: ListParams,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let page = q.page()?;
    let rows = state.store.read(move |tx| tx.pocket_transactions(&user.id, &page)).await?;
    Ok(list_response(rows, |t| {
        json!({ "id": format!("txn_{}", t.id), "object": "pocket_transaction", "type": t.kind, "amount": t.amount,
            "currency": t.currency, "balance_after": t.balance_after, "expires_at": t.expires_at,
            "reference": t.reference, "created": t.created_at })
    }))
}

pub(super) async fn list_gift_cards(
    State(state): State<AppState>,
    caller: Caller,
    q: ListParams,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let page = q.page()?;
    let rows = state.store.read(move |tx| tx.gift_cards_bought(&user.id, &page)).await?;
    Ok(list_response(rows, |g| gift_card_json(g, None)))
}

pub(super) async fn get_purchase(
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
