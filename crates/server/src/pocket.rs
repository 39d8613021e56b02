//! The Pocket as an application service: every change of a Pocket balance is one balanced ledger
//! transfer, the matching change of its lots (earliest-expiring first, by `domain::pocket`), and one
//! line of history showing the available balance after it. These functions run inside a writer
//! command, so each change is atomic with whatever else the command does.
//!
//! Chart of accounts used here, one per currency: `pocket` (per buyer, never below zero),
//! `gift_card_float` (unredeemed gift codes, never below zero), `card_clearing` (money due from the
//! card network), `breakage` (expired credit), and, for holds, the destination the caller names.

use domain::ledger::{
    Account, AccountFlags, AccountId, LedgerError, Submitted, TransferId, TransferKind, TransferRequest,
};
use domain::money::Currency;
use domain::pocket::{allocate, split_capture, Lot, PocketError};
use store::{AccountMeta, HoldRecord, LotRecord, PocketTransactionRecord, WriteTx};

use crate::error::ApiError;

/// Ledger codes: what a transfer was for.
pub mod codes {
    pub const GIFT_CARD_LOAD: u16 = 10;
    pub const GIFT_CARD_SALE: u16 = 11;
    pub const GIFT_CARD_REDEEM: u16 = 12;
    pub const EXPIRY: u16 = 13;
    pub const POCKET_HOLD: u16 = 20;
    pub const CARD_CAPTURE: u16 = 21;
    pub const REFUND: u16 = 30;
}

/// Lots expired per command at most.
pub const EXPIRY_BATCH_MAX: u32 = 500;

/// A fresh transfer id: time-ordered (new transfers append at the end of the ledger's table instead
/// of landing on a random page of it), strictly increasing in this process, with random low bits.
pub fn new_transfer_id() -> TransferId {
    TransferId(crate::secrets::time_ordered_key())
}

fn ledger_failure(e: LedgerError) -> ApiError {
    tracing::error!(error = %e, "a ledger transfer the Pocket relies on was refused");
    ApiError::internal()
}

/// The platform's account of `kind` in `currency`, opened on first use.
pub fn platform_account(tx: &mut WriteTx<'_>, kind: &str, currency: Currency, now: i64) -> Result<AccountId, ApiError> {
    if let Some(a) = tx.account_by_owner(kind, "platform", currency)? {
        return Ok(a.id);
    }
    let no_overdraft = kind == "gift_card_float";
    Ok(tx.open_account_auto(
        currency,
        AccountFlags { no_overdraft },
        &AccountMeta { kind: kind.into(), owner: Some("platform".into()) },
        now,
    )?)
}

/// A seller's payable account in `currency` (what the platform owes the seller), opened on first use.
pub fn seller_payable(
    tx: &mut WriteTx<'_>,
    merchant_id: &str,
    currency: Currency,
    now: i64,
) -> Result<AccountId, ApiError> {
    if let Some(a) = tx.account_by_owner("seller_payable", merchant_id, currency)? {
        return Ok(a.id);
    }
    Ok(tx.open_account_auto(
        currency,
        AccountFlags::default(),
        &AccountMeta { kind: "seller_payable".into(), owner: Some(merchant_id.into()) },
        now,
    )?)
}

/// A buyer's Pocket account in `currency`, opened on first use.
pub fn pocket_account(tx: &mut WriteTx<'_>, user_id: &str, currency: Currency, now: i64) -> Result<Account, ApiError> {
    if let Some(a) = tx.account_by_owner("pocket", user_id, currency)? {
        return Ok(a);
    }
    let id = tx.open_account_auto(
        currency,
        AccountFlags { no_overdraft: true },
        &AccountMeta { kind: "pocket".into(), owner: Some(user_id.into()) },
        now,
    )?;
    tx.account(id)?.ok_or_else(ApiError::internal)
}

/// Moves money at once between two accounts, or fails the command.
pub fn post(
    tx: &mut WriteTx<'_>,
    debit: AccountId,
    credit: AccountId,
    amount: i64,
    currency: Currency,
    code: u16,
    now: i64,
) -> Result<(), ApiError> {
    let request = TransferRequest {
        id: new_transfer_id(),
        debit_account: Some(debit),
        credit_account: Some(credit),
        amount: Some(amount),
        currency: Some(currency),
        kind: TransferKind::Posted,
        code,
    };
    match tx.submit_transfer(&request, now)? {
        Ok(Submitted::Created(_)) => Ok(()),
        Ok(Submitted::Exists(_)) => Err(ApiError::internal()),
        Err(e) => Err(ledger_failure(e)),
    }
}

fn available(tx: &mut WriteTx<'_>, user_id: &str, currency: Currency, now: i64) -> Result<i64, ApiError> {
    Ok(pocket_account(tx, user_id, currency, now)?.balance_available())
}

/// Appends a history line whose `balance_after` is the available balance now.
#[allow(clippy::too_many_arguments)]
fn history(
    tx: &mut WriteTx<'_>,
    user_id: &str,
    currency: Currency,
    kind: &str,
    amount: i64,
    expires_at: Option<i64>,
    reference: &str,
    now: i64,
) -> Result<(), ApiError> {
    let balance_after = available(tx, user_id, currency, now)?;
    tx.insert_pocket_transaction(&PocketTransactionRecord {
        id: 0,
        user_id: user_id.to_owned(),
        currency: currency.code().to_owned(),
        kind: kind.to_owned(),
        amount,
        balance_after,
        expires_at,
        reference: reference.to_owned(),
        created_at: now,
    })?;
    Ok(())
}

/// What a credit to the Pocket is.
pub struct Credit<'a> {
    pub user_id: &'a str,
    pub amount: i64,
    pub currency: Currency,
    /// The account the money comes from (card clearing, the gift-card float, a seller's payable…).
    pub from: AccountId,
    pub ledger_code: u16,
    /// When this money expires (`None`: never).
    pub expires_at: Option<i64>,
    /// History type (`gift_card_load`, `gift_card_redeem`, `refund`, `reimbursement`).
    pub kind: &'a str,
    pub reference: &'a str,
}

/// Puts money into a Pocket as a new lot.
pub fn credit(tx: &mut WriteTx<'_>, c: &Credit<'_>, now: i64) -> Result<(), ApiError> {
    if c.amount <= 0 {
        return Err(ApiError::internal());
    }
    let pocket = pocket_account(tx, c.user_id, c.currency, now)?;
    post(tx, c.from, pocket.id, c.amount, c.currency, c.ledger_code, now)?;
    tx.insert_lot(&LotRecord {
        id: 0,
        user_id: c.user_id.to_owned(),
        currency: c.currency.code().to_owned(),
        amount_initial: c.amount,
        amount_remaining: c.amount,
        amount_held: 0,
        expires_at: c.expires_at,
        source: c.reference.to_owned(),
        created_at: now,
    })?;
    history(tx, c.user_id, c.currency, c.kind, c.amount, c.expires_at, c.reference, now)
}

fn lots_in(tx: &mut WriteTx<'_>, user_id: &str, currency: Currency) -> Result<Vec<Lot>, ApiError> {
    Ok(tx
        .pocket_lots(user_id)?
        .into_iter()
        .filter(|l| l.currency == currency.code())
        .map(|l| Lot {
            id: l.id,
            amount_remaining: l.amount_remaining,
            amount_held: l.amount_held,
            expires_at: l.expires_at,
        })
        .collect())
}

/// The Pocket answer for "not enough money".
pub fn insufficient_pocket_balance() -> ApiError {
    ApiError::payment(&domain::declines::PaymentFailure::InsufficientPocketBalance)
}

fn pocket_error(e: PocketError) -> ApiError {
    match e {
        PocketError::InsufficientBalance { .. } => insufficient_pocket_balance(),
        PocketError::AmountNotPositive => {
            ApiError::bad_request("amount_invalid", crate::msg!("err-pocket-amount-not-positive"))
        }
        other => {
            tracing::error!(error = %other, "a Pocket rule failed");
            ApiError::internal()
        }
    }
}

/// What a hold is.
pub struct HoldSpec<'a> {
    pub hold_id: &'a str,
    pub user_id: &'a str,
    pub amount: i64,
    pub currency: Currency,
    /// Where the money goes when the hold is captured.
    pub destination: AccountId,
    pub timeout_at: Option<i64>,
    pub reference: &'a str,
}

/// Reserves Pocket money (earliest-expiring lots first) with a pending ledger transfer. Never lets
/// the Pocket go below zero: an amount above the available balance answers `insufficient_pocket_balance`.
pub fn hold(tx: &mut WriteTx<'_>, h: &HoldSpec<'_>, now: i64) -> Result<(), ApiError> {
    let pocket = pocket_account(tx, h.user_id, h.currency, now)?;
    let parts = allocate(&lots_in(tx, h.user_id, h.currency)?, h.amount, now).map_err(pocket_error)?;
    let transfer_id = new_transfer_id();
    let request = TransferRequest {
        id: transfer_id,
        debit_account: Some(pocket.id),
        credit_account: Some(h.destination),
        amount: Some(h.amount),
        currency: Some(h.currency),
        kind: TransferKind::Pending { timeout_at: h.timeout_at },
        code: codes::POCKET_HOLD,
    };
    match tx.submit_transfer(&request, now)? {
        Ok(Submitted::Created(_)) => {}
        Err(LedgerError::ExceedsCredits { .. }) => return Err(insufficient_pocket_balance()),
        Ok(Submitted::Exists(_)) => return Err(ApiError::internal()),
        Err(e) => return Err(ledger_failure(e)),
    }
    for (lot_id, amount) in &parts {
        tx.change_lot(*lot_id, 0, *amount)?;
    }
    tx.insert_hold(
        &HoldRecord {
            id: h.hold_id.to_owned(),
            user_id: h.user_id.to_owned(),
            currency: h.currency.code().to_owned(),
            amount: h.amount,
            captured: 0,
            refunded: 0,
            transfer_id: transfer_id.0,
            state: domain::states::HoldState::Held,
            reference: h.reference.to_owned(),
            created_at: now,
        },
        &parts,
    )?;
    history(tx, h.user_id, h.currency, "payment_hold", -h.amount, None, h.reference, now)
}

fn open_hold(tx: &mut WriteTx<'_>, hold_id: &str) -> Result<(HoldRecord, store::HoldParts, Currency), ApiError> {
    let (hold, parts) = tx.hold(hold_id)?.ok_or_else(|| ApiError::not_found("hold"))?;
    if hold.state != domain::states::HoldState::Held {
        return Err(ApiError::conflict(
            "hold_not_open",
            crate::msg!("err-pocket-hold-closed", state = hold.state.name()),
        ));
    }
    let currency = Currency::parse(&hold.currency).map_err(|_| ApiError::internal())?;
    Ok((hold, parts, currency))
}

/// Charges `amount` (at most the held amount) of a hold; the rest returns to the Pocket.
/// History: the hold is released, then the captured amount is charged.
pub fn capture(tx: &mut WriteTx<'_>, hold_id: &str, amount: i64, now: i64) -> Result<(), ApiError> {
    let (hold, parts, currency) = open_hold(tx, hold_id)?;
    let (captured, released) = split_capture(&parts, amount).map_err(pocket_error)?;
    let request = TransferRequest {
        id: new_transfer_id(),
        debit_account: None,
        credit_account: None,
        amount: Some(amount),
        currency: None,
        kind: TransferKind::PostPending { pending_id: TransferId(hold.transfer_id) },
        code: codes::POCKET_HOLD,
    };
    if amount == 0 {
        return release(tx, hold_id, now);
    }
    match tx.submit_transfer(&request, now)? {
        Ok(Submitted::Created(_)) => {}
        Ok(Submitted::Exists(_)) => return Err(ApiError::internal()),
        Err(e) => return Err(ledger_failure(e)),
    }
    for (lot_id, a) in &captured {
        tx.change_lot(*lot_id, -a, -a)?;
    }
    for (lot_id, a) in &released {
        tx.change_lot(*lot_id, 0, -a)?;
    }
    tx.set_hold_state(hold_id, hold.state.capture().map_err(crate::error::lifecycle_bug)?, amount)?;
    history(tx, &hold.user_id, currency, "payment_release", hold.amount, None, &hold.reference, now)?;
    history(tx, &hold.user_id, currency, "payment_capture", -amount, None, &hold.reference, now)?;
    expire_released(tx, &hold.user_id, currency, &released, now)
}

/// Releases a hold in full (the order was cancelled or the hold timed out).
pub fn release(tx: &mut WriteTx<'_>, hold_id: &str, now: i64) -> Result<(), ApiError> {
    let (hold, parts, currency) = open_hold(tx, hold_id)?;
    let request = TransferRequest {
        id: new_transfer_id(),
        debit_account: None,
        credit_account: None,
        amount: None,
        currency: None,
        kind: TransferKind::VoidPending { pending_id: TransferId(hold.transfer_id) },
        code: codes::POCKET_HOLD,
    };
    match tx.submit_transfer(&request, now)? {
        Ok(Submitted::Created(_)) => {}
        Ok(Submitted::Exists(_)) => return Err(ApiError::internal()),
        Err(e) => return Err(ledger_failure(e)),
    }
    for (lot_id, a) in &parts {
        tx.change_lot(*lot_id, 0, -a)?;
    }
    tx.set_hold_state(hold_id, hold.state.release().map_err(crate::error::lifecycle_bug)?, 0)?;
    history(tx, &hold.user_id, currency, "payment_release", hold.amount, None, &hold.reference, now)?;
    expire_released(tx, &hold.user_id, currency, &parts, now)
}

/// Returns `amount` of a captured hold to the Pocket at once, from `from` (the account the capture
/// paid). The rule for its expiry (`domain::pocket::refund_lot_expiry`): Pocket money comes back with
/// the expiry of the lots it was spent from, but never less than 90 days from the refund; the
/// latest-expiring parts come back first, which is the buyer's best case.
pub fn refund_captured(
    tx: &mut WriteTx<'_>,
    hold_id: &str,
    amount: i64,
    from: AccountId,
    reference: &str,
    now: i64,
) -> Result<(), ApiError> {
    let (hold, parts) = tx.hold(hold_id)?.ok_or_else(|| ApiError::not_found("hold"))?;
    if hold.state != domain::states::HoldState::Captured {
        return Err(ApiError::conflict("refund_exceeds_captured", crate::msg!("err-pocket-nothing-captured")));
    }
    if amount <= 0 || amount > hold.captured - hold.refunded {
        return Err(ApiError::bad_request("refund_exceeds_captured", crate::msg!("err-pocket-refund-exceeds")));
    }
    let currency = Currency::parse(&hold.currency).map_err(|_| ApiError::internal())?;
    let (captured, _) = split_capture(&parts, hold.captured).map_err(pocket_error)?;
    // Skip what earlier refunds returned (they took the latest-expiring parts first), then return the next.
    let mut skip = hold.refunded;
    let mut left = amount;
    for (lot_id, part) in captured.iter().rev() {
        let free = part - skip.min(*part);
        skip -= skip.min(*part);
        if free <= 0 || left == 0 {
            continue;
        }
        let take = free.min(left);
        left -= take;
        let original = tx.lot_expiry(*lot_id)?;
        let expires_at = domain::pocket::refund_lot_expiry(
            domain::pocket::RefundSource::PocketLot { original_expires_at: original },
            now,
        );
        credit(
            tx,
            &Credit {
                user_id: &hold.user_id,
                amount: take,
                currency,
                from,
                ledger_code: codes::REFUND,
                expires_at,
                kind: "refund",
                reference,
            },
            now,
        )?;
    }
    if left != 0 {
        return Err(ApiError::internal());
    }
    tx.add_hold_refund(hold_id, amount)?;
    Ok(())
}

/// Money released from a hold on a lot that expired meanwhile expires now.
fn expire_released(
    tx: &mut WriteTx<'_>,
    user_id: &str,
    currency: Currency,
    parts: &[(i64, i64)],
    now: i64,
) -> Result<(), ApiError> {
    let ids: Vec<i64> = parts.iter().map(|(id, _)| *id).collect();
    let due: Vec<LotRecord> = tx
        .pocket_lots(user_id)?
        .into_iter()
        .filter(|l| ids.contains(&l.id) && l.expires_at.is_some_and(|e| e <= now))
        .collect();
    for lot in due {
        expire_lot(tx, &lot, currency, now)?;
    }
    Ok(())
}

fn expire_lot(tx: &mut WriteTx<'_>, lot: &LotRecord, currency: Currency, now: i64) -> Result<(), ApiError> {
    let amount = lot.amount_remaining - lot.amount_held;
    if amount <= 0 {
        return Ok(());
    }
    let pocket = pocket_account(tx, &lot.user_id, currency, now)?;
    let breakage = platform_account(tx, "breakage", currency, now)?;
    post(tx, pocket.id, breakage, amount, currency, codes::EXPIRY, now)?;
    tx.change_lot(lot.id, -amount, 0)?;
    history(tx, &lot.user_id, currency, "expiry", -amount, lot.expires_at, &lot.source, now)
}

/// Expires the credit whose time has come (lots, then unredeemed gift codes); returns how many items.
pub fn expire_due(tx: &mut WriteTx<'_>, now: i64) -> Result<usize, ApiError> {
    let lots = tx.lots_due_to_expire(now, EXPIRY_BATCH_MAX)?;
    let mut n = lots.len();
    for lot in lots {
        let currency = Currency::parse(&lot.currency).map_err(|_| ApiError::internal())?;
        expire_lot(tx, &lot, currency, now)?;
    }
    let cards = tx.gift_cards_due_to_expire(now, EXPIRY_BATCH_MAX)?;
    n += cards.len();
    for card in cards {
        if tx.change_gift_card_state(
            &card.id,
            card.state,
            card.state.expire().map_err(crate::error::lifecycle_bug)?,
            None,
            now,
        )? {
            let currency = Currency::parse(&card.currency).map_err(|_| ApiError::internal())?;
            let float = platform_account(tx, "gift_card_float", currency, now)?;
            let breakage = platform_account(tx, "breakage", currency, now)?;
            post(tx, float, breakage, card.denomination, currency, codes::EXPIRY, now)?;
        }
    }
    Ok(n)
}
