//! Sellers' money as an application service: the platform's fee at capture, each sale's net pending
//! until the buyer can no longer claim it back, refunds returning the fee in proportion, and payouts
//! to the seller's bank. Every change of a seller's payable ledger account is one balanced transfer
//! plus one balance transaction of the same net, in the same command, so the two never disagree
//! (`verify-ledger` checks it).
//!
//! Chart of accounts, per currency: `seller_payable` (per seller: what the platform owes them; may go
//! below zero after a refund that follows a payout), `platform_fees` (the platform's revenue),
//! `refunds_in_flight` (card refunds between their booking and the issuer's answer),
//! `payouts_in_transit` (sent to a bank, not yet arrived) and `payouts_settled` (arrived).
//!
//! Payouts follow DESIGN.md decision 3: the payout is created (and its money moved to
//! `payouts_in_transit`) in one command; the bank is called outside any transaction, keyed by the
//! payout id, after the attempt is recorded; its answer is recorded after. A crash in between sends
//! the same payout id again, which the bank answers as the same payout: nothing is paid twice.

use std::sync::Arc;

use domain::money::{Currency, Money};
use domain::payouts::{
    check_payout, fee_refund_share, BalanceTxType, FeeSchedule, PayoutInterval, PayoutSchedule, PayoutStatus, Weekday,
};
use store::{
    BalanceTxRecord, BankAccountRecord, OrderRecord, PaymentRecord, PayoutRecord, PayoutSettingsRecord, RefundRecord,
    WriteTx,
};

use crate::error::ApiError;
use crate::pocket::{platform_account, post, seller_payable};
use crate::secrets::random_id;
use crate::AppState;

/// Ledger codes of sellers' money.
pub mod codes {
    pub const FEE: u16 = 40;
    pub const FEE_REFUND: u16 = 41;
    pub const PAYOUT: u16 = 50;
    pub const PAYOUT_ARRIVED: u16 = 51;
    pub const PAYOUT_RETURNED: u16 = 52;
    pub const REFUND_IN_FLIGHT: u16 = 31;
}

/// Buyers are protected this long after payment: a sale never delivered becomes available then.
pub const PROTECTION_S: i64 = domain::claims::PROTECTION_S;
/// A delivered sale becomes available this long after delivery (the claim window), or at receipt.
pub const CLAIM_WINDOW_S: i64 = domain::claims::CLAIM_WINDOW_S;
/// Balance transactions made available per command at most.
const RELEASE_BATCH_MAX: u32 = 500;
/// Payouts sent or looked up per tick at most.
const PAYOUT_BATCH_MAX: u32 = 100;
/// Sellers considered for scheduled payouts per tick at most.
const SCHEDULE_BATCH_MAX: u32 = 200;

fn currency_of(code: &str) -> Result<Currency, ApiError> {
    Currency::parse(code).map_err(|_| ApiError::internal())
}

/// The fee schedule of a merchant for a sale in `currency`: the operators' one, else the default.
/// A fixed part in another currency than the sale's does not apply.
pub fn fee_schedule_of(
    tx: &mut WriteTx<'_>,
    merchant_id: &str,
    currency: Currency,
    default_bps: i64,
) -> Result<FeeSchedule, ApiError> {
    let schedule = match tx.fee_schedule(merchant_id)? {
        Some(f) => {
            let fixed =
                if f.fixed_currency.as_deref().is_none_or(|c| c == currency.code()) { f.fixed_amount } else { 0 };
            FeeSchedule::new(f.percent_bps, fixed)
        }
        None => FeeSchedule::new(default_bps, 0),
    };
    schedule.map_err(|_| ApiError::internal())
}

/// Books a capture for the seller: the sale's amount into their payable (done by the caller's
/// transfers), the fee from it to the platform's revenue, and the sale as one pending balance
/// transaction, available when the buyer can no longer claim it (90 days after payment at the
/// latest; sooner on delivery or receipt).
pub fn book_capture(
    tx: &mut WriteTx<'_>,
    order: &OrderRecord,
    payment: &PaymentRecord,
    default_bps: i64,
    now: i64,
) -> Result<(), ApiError> {
    let currency = currency_of(&payment.currency)?;
    let schedule = fee_schedule_of(tx, &order.merchant_id, currency, default_bps)?;
    let amount = payment.amount_captured;
    let fee = schedule.fee_for(amount);
    if fee > 0 {
        let payable = seller_payable(tx, &order.merchant_id, currency, now)?;
        let revenue = platform_account(tx, "platform_fees", currency, now)?;
        post(tx, payable, revenue, fee, currency, codes::FEE, now)?;
    }
    let paid_at = order.paid_at.unwrap_or(payment.created_at);
    let mut available_on = paid_at + PROTECTION_S;
    if let Some(delivered_at) = order.delivered_at {
        available_on = available_on.min(delivered_at + CLAIM_WINDOW_S);
    }
    tx.insert_balance_tx(&BalanceTxRecord {
        id: random_id("btx"),
        merchant_id: order.merchant_id.clone(),
        kind: BalanceTxType::Charge,
        amount,
        fee,
        net: amount - fee,
        currency: currency.code().to_owned(),
        source: Some(payment.id.clone()),
        payment_id: Some(payment.id.clone()),
        available: available_on <= now,
        available_on: available_on.max(now),
        payout_id: None,
        description: format!("Order {}", order.number),
        created_at: now,
    })?;
    Ok(())
}

/// Books a refund for the seller when it is made: the whole amount leaves their balance at once
/// (the Pocket part already moved by the caller; the card part, if it waits for the issuer, moved
/// here to `refunds_in_flight`), and the platform returns its fee in proportion. A refund of a sale
/// still pending is pending with it; otherwise it is taken from the available balance at once.
/// `refunded_before` is what the payment had refunded before this refund.
pub fn book_refund(
    tx: &mut WriteTx<'_>,
    order: &OrderRecord,
    payment: &PaymentRecord,
    refund: &RefundRecord,
    card_part_in_flight: i64,
    refunded_before: i64,
    now: i64,
) -> Result<(), ApiError> {
    let currency = currency_of(&payment.currency)?;
    let earlier = tx.balance_txs_of_payment(&payment.id)?;
    let charge = earlier.iter().find(|b| b.kind == BalanceTxType::Charge);
    let fee_taken: i64 = earlier.iter().map(|b| b.fee).filter(|f| *f > 0).sum();
    let fee_returned: i64 = earlier.iter().map(|b| b.fee).filter(|f| *f < 0).map(|f| -f).sum();
    let share = fee_refund_share(fee_taken, payment.amount_captured, refunded_before, refund.amount, fee_returned);
    let payable = seller_payable(tx, &order.merchant_id, currency, now)?;
    if share > 0 {
        let revenue = platform_account(tx, "platform_fees", currency, now)?;
        post(tx, revenue, payable, share, currency, codes::FEE_REFUND, now)?;
    }
    if card_part_in_flight > 0 {
        let in_flight = platform_account(tx, "refunds_in_flight", currency, now)?;
        post(tx, payable, in_flight, card_part_in_flight, currency, codes::REFUND_IN_FLIGHT, now)?;
    }
    let (available, available_on) = match charge {
        Some(c) if !c.available => (false, c.available_on),
        _ => (true, now),
    };
    let kind = if refund.created_by.starts_with("claim:") { BalanceTxType::ClaimRefund } else { BalanceTxType::Refund };
    tx.insert_balance_tx(&BalanceTxRecord {
        id: random_id("btx"),
        merchant_id: order.merchant_id.clone(),
        kind,
        amount: -refund.amount,
        fee: -share,
        net: share - refund.amount,
        currency: currency.code().to_owned(),
        source: Some(refund.id.clone()),
        payment_id: Some(payment.id.clone()),
        available,
        available_on,
        payout_id: None,
        description: format!("Refund of order {}", order.number),
        created_at: now,
    })?;
    Ok(())
}

/// Where the card part of a refund is taken from when the issuer answers: `refunds_in_flight` for
/// refunds booked by [`book_refund`]; the seller's payable for one made before sellers' balances
/// existed (booked now, so that the balance and the ledger still agree).
pub fn card_refund_source(
    tx: &mut WriteTx<'_>,
    order: &OrderRecord,
    refund: &RefundRecord,
    now: i64,
) -> Result<domain::ledger::AccountId, ApiError> {
    let currency = currency_of(&order.currency)?;
    let booked = tx.balance_txs_of_payment(&refund.payment_id)?.iter().any(|b| b.source.as_deref() == Some(&refund.id));
    if booked {
        return platform_account(tx, "refunds_in_flight", currency, now);
    }
    tx.insert_balance_tx(&BalanceTxRecord {
        id: random_id("btx"),
        merchant_id: order.merchant_id.clone(),
        kind: BalanceTxType::Refund,
        amount: -refund.card_amount,
        fee: 0,
        net: -refund.card_amount,
        currency: currency.code().to_owned(),
        source: Some(refund.id.clone()),
        payment_id: Some(refund.payment_id.clone()),
        available: true,
        available_on: now,
        payout_id: None,
        description: format!("Refund of order {}", order.number),
        created_at: now,
    })?;
    seller_payable(tx, &order.merchant_id, currency, now)
}

/// The buyer can no longer claim from `at` on: the payment's pending sale becomes available then
/// (never later than already planned).
pub fn available_from(tx: &mut WriteTx<'_>, order_id: &str, at: i64) -> Result<(), ApiError> {
    if let Some(p) = tx.payment_by_order(order_id)? {
        tx.make_payment_available_by(&p.id, at)?;
    }
    Ok(())
}

/// A seller's payout settings, with the defaults (daily, no minimum, not paused) when unset.
pub fn payout_settings_of(tx: &mut WriteTx<'_>, merchant_id: &str) -> Result<PayoutSettingsRecord, ApiError> {
    Ok(tx.payout_settings(merchant_id)?.unwrap_or_else(|| default_settings(merchant_id)))
}

/// The settings of a seller who never changed them.
pub fn default_settings(merchant_id: &str) -> PayoutSettingsRecord {
    PayoutSettingsRecord {
        merchant_id: merchant_id.to_owned(),
        interval: "daily".into(),
        weekly_anchor: None,
        minimum_amount: 0,
        paused: false,
        updated_at: 0,
    }
}

/// The schedule of stored settings.
pub fn schedule_of(s: &PayoutSettingsRecord) -> PayoutSchedule {
    let interval = match (s.interval.as_str(), s.weekly_anchor.as_deref().and_then(Weekday::parse)) {
        ("weekly", Some(day)) => PayoutInterval::Weekly(day),
        ("manual", _) => PayoutInterval::Manual,
        _ => PayoutInterval::Daily,
    };
    PayoutSchedule::new(interval, s.minimum_amount).unwrap_or(PayoutSchedule { interval, minimum_amount: 0 })
}

/// A payout to create.
pub struct NewPayout {
    pub merchant_id: String,
    pub currency: Currency,
    /// `None`: everything available.
    pub amount: Option<i64>,
    /// `None`: the default bank account.
    pub destination: Option<String>,
    /// Made for this UTC day by the schedule (`None`: asked for by hand).
    pub scheduled_day: Option<i64>,
}

fn payouts_paused() -> ApiError {
    ApiError::bad_request("payouts_paused", crate::msg!("err-payout-paused"))
}

/// Creates a payout of available money in one command: the amount checked against the available
/// balance as this transaction sees it (so two payouts at once can never exceed it), every available
/// transaction not yet paid out linked to it (with the part left over carried to the next payout),
/// and the money moved from the seller's payable to `payouts_in_transit`.
pub fn create_payout(tx: &mut WriteTx<'_>, new: &NewPayout, now: i64) -> Result<PayoutRecord, ApiError> {
    let currency = new.currency;
    let settings = payout_settings_of(tx, &new.merchant_id)?;
    if settings.paused {
        return Err(payouts_paused());
    }
    let no_destination = || ApiError::bad_request("no_payout_destination", crate::msg!("err-payout-no-destination"));
    let destination = match &new.destination {
        Some(id) => tx
            .bank_account(id)?
            .filter(|b| b.merchant_id == new.merchant_id)
            .ok_or_else(|| ApiError::not_found("payout destination").with_param("destination"))?,
        None => tx.bank_accounts(&new.merchant_id)?.into_iter().find(|b| b.is_default).ok_or_else(no_destination)?,
    };
    if !destination.status.usable() {
        return Err(ApiError::bad_request(
            "payout_destination_disabled",
            crate::msg!("err-payout-destination-disabled-add-another"),
        )
        .with_param("destination"));
    }
    if destination.currency != currency.code() {
        return Err(ApiError::bad_request(
            "currency_not_supported",
            crate::msg!("err-payout-currency-mismatch", currency = &destination.currency),
        )
        .with_param("currency"));
    }
    let available =
        tx.balance(&new.merchant_id)?.into_iter().find(|s| s.currency == currency.code()).map_or(0, |s| s.available);
    let amount = new.amount.unwrap_or(available);
    check_payout(amount, available).map_err(|e| {
        let message = match e {
            domain::payouts::PayoutError::InsufficientAvailable { .. } => crate::msg!(
                "err-payout-insufficient-available",
                available = Money::new(available.max(0), currency).format()
            ),
            _ => payout_refusal(e),
        };
        ApiError::bad_request(e.code(), message).with_param("amount")
    })?;
    let id = random_id("po");
    let payout = PayoutRecord {
        id: id.clone(),
        merchant_id: new.merchant_id.clone(),
        amount,
        currency: currency.code().to_owned(),
        status: PayoutStatus::Pending,
        destination_id: destination.id.clone(),
        automatic: new.scheduled_day.is_some(),
        scheduled_day: new.scheduled_day,
        arrival_date: None,
        failure_code: None,
        bank_reference: None,
        sent_at: None,
        created_at: now,
        updated_at: now,
    };
    tx.insert_payout(&payout)?;
    let linked = tx.link_available_to_payout(&new.merchant_id, currency.code(), &id)?;
    if linked != amount {
        // What this payout leaves (reserved for a claim, or not asked for) is carried to the next one:
        // two opposite adjustments, one paid out with this payout, one waiting for the next.
        for (net, payout_id, what) in [
            (amount - linked, Some(id.clone()), "Carried to a later payout"),
            (linked - amount, None, "Carried from an earlier payout"),
        ] {
            tx.insert_balance_tx(&BalanceTxRecord {
                id: random_id("btx"),
                merchant_id: new.merchant_id.clone(),
                kind: BalanceTxType::Adjustment,
                amount: net,
                fee: 0,
                net,
                currency: currency.code().to_owned(),
                source: Some(id.clone()),
                payment_id: None,
                available: true,
                available_on: now,
                payout_id,
                description: what.into(),
                created_at: now,
            })?;
        }
    }
    let payable = seller_payable(tx, &new.merchant_id, currency, now)?;
    let in_transit = platform_account(tx, "payouts_in_transit", currency, now)?;
    post(tx, payable, in_transit, amount, currency, codes::PAYOUT, now)?;
    tx.insert_balance_tx(&BalanceTxRecord {
        id: random_id("btx"),
        merchant_id: new.merchant_id.clone(),
        kind: BalanceTxType::Payout,
        amount: -amount,
        fee: 0,
        net: -amount,
        currency: currency.code().to_owned(),
        source: Some(id.clone()),
        payment_id: None,
        available: true,
        available_on: now,
        payout_id: Some(id),
        description: format!("Payout to the bank account ending {}", destination.last4),
        created_at: now,
    })?;
    crate::events::emit(
        tx,
        "payout.created",
        Some(&payout.merchant_id),
        crate::views::payouts::payout_json(&payout),
        now,
    )?;
    Ok(payout)
}

/// Returns a payout that did not reach the bank account (failed or canceled) to the available
/// balance: the money back from `payouts_in_transit`, the transactions it paid out released for the
/// next payout, the seller told.
fn return_payout(
    tx: &mut WriteTx<'_>,
    payout: &PayoutRecord,
    kind: BalanceTxType,
    why: &str,
    why_words: crate::i18n::Msg,
    now: i64,
) -> Result<(), ApiError> {
    let currency = currency_of(&payout.currency)?;
    let payable = seller_payable(tx, &payout.merchant_id, currency, now)?;
    let in_transit = platform_account(tx, "payouts_in_transit", currency, now)?;
    post(tx, in_transit, payable, payout.amount, currency, codes::PAYOUT_RETURNED, now)?;
    tx.unlink_payout(&payout.id)?;
    tx.insert_balance_tx(&BalanceTxRecord {
        id: random_id("btx"),
        merchant_id: payout.merchant_id.clone(),
        kind,
        amount: payout.amount,
        fee: 0,
        net: payout.amount,
        currency: currency.code().to_owned(),
        source: Some(payout.id.clone()),
        payment_id: None,
        available: true,
        available_on: now,
        payout_id: Some(payout.id.clone()),
        description: why.to_owned(),
        created_at: now,
    })?;
    let amount = Money::new(payout.amount, currency).format();
    tell_seller(
        tx,
        &payout.merchant_id,
        crate::msg!("message-payout-failed-subject"),
        &[
            crate::msg!("message-payout-failed-body", payout = payout.id.clone(), amount = amount),
            why_words,
            crate::msg!("message-payout-money-back"),
        ],
        now,
    )
}

/// Emails a seller's owner (through the outbox), in the owner's language: the subject, and the body's
/// sentences one after the other.
pub fn tell_seller(
    tx: &mut WriteTx<'_>,
    merchant_id: &str,
    subject: crate::i18n::Msg,
    body: &[crate::i18n::Msg],
    now: i64,
) -> Result<(), ApiError> {
    if let Some(merchant) = tx.merchant(merchant_id)? {
        if let Some(owner) = tx.user(&merchant.owner_user_id)? {
            crate::ops::shop::email_user(tx, &owner, &subject, body, now)?;
        }
    }
    Ok(())
}

/// Why a payout or a payout schedule is refused, from the catalogue, in the words of
/// [`PayoutError`](domain::payouts::PayoutError)'s `Display`.
pub(crate) fn payout_refusal(e: domain::payouts::PayoutError) -> crate::i18n::Msg {
    match e {
        domain::payouts::PayoutError::AmountInvalid => crate::msg!("err-payout-amount-invalid"),
        domain::payouts::PayoutError::InsufficientAvailable { .. } => crate::msg!("err-payout-amount-over-available"),
        domain::payouts::PayoutError::MinimumInvalid => crate::msg!("err-payout-minimum-invalid"),
    }
}

/// Why a payout cannot take a step, from the catalogue: "A payout that is in transit cannot be
/// canceled." (the words of [`PayoutTransitionError`](domain::payouts::PayoutTransitionError)'s
/// `Display`), chosen by the payout's status and the step asked for.
pub(crate) fn transition_refusal(e: domain::payouts::PayoutTransitionError) -> crate::i18n::Msg {
    crate::msg!("err-payout-transition", status = e.from.name(), action = e.action.name())
}

/// Cancels a payout not yet sent to the bank.
pub fn cancel_payout(tx: &mut WriteTx<'_>, id: &str, now: i64) -> Result<PayoutRecord, ApiError> {
    let mut payout = tx.payout(id)?.ok_or_else(|| ApiError::not_found("payout"))?;
    let before = payout.status;
    payout.status = before.cancel().map_err(|e| ApiError::conflict(e.code(), transition_refusal(e)))?;
    if payout.sent_at.is_some() {
        // The bank may already hold it: only its answer can end it now.
        return Err(ApiError::conflict("payout_not_cancelable", crate::msg!("err-payout-already-sent")));
    }
    payout.updated_at = now;
    if !tx.update_payout(&payout, before)? {
        return Err(ApiError::conflict("payout_not_cancelable", crate::msg!("err-payout-changed")));
    }
    let why_words = crate::msg!("message-payout-canceled");
    return_payout(tx, &payout, BalanceTxType::PayoutCancel, "The payout was canceled.", why_words, now)?;
    Ok(payout)
}

/// Records the bank's answer about a payout (from a send or a look-up).
fn record_bank_answer(
    tx: &mut WriteTx<'_>,
    id: &str,
    answer: Option<&bank::BankPayout>,
    now: i64,
) -> Result<(), ApiError> {
    let Some(mut payout) = tx.payout(id)? else { return Ok(()) };
    let before = payout.status;
    if before.is_final() {
        return Ok(());
    }
    let Some(answer) = answer else {
        // No answer: it may have arrived at the bank. It is in transit until a look-up says more.
        if before == PayoutStatus::Pending {
            payout.status = PayoutStatus::InTransit;
            payout.updated_at = now;
            tx.update_payout(&payout, before)?;
        }
        return Ok(());
    };
    payout.bank_reference = Some(answer.bank_reference.clone());
    payout.arrival_date = Some(answer.arrival_date);
    payout.updated_at = now;
    if payout.status == PayoutStatus::Pending {
        payout.status = PayoutStatus::InTransit;
    }
    let currency = currency_of(&payout.currency)?;
    match answer.status {
        bank::BankStatus::InTransit => {}
        bank::BankStatus::Paid => {
            payout.status = payout.status.pay().map_err(|_| ApiError::internal())?;
            let in_transit = platform_account(tx, "payouts_in_transit", currency, now)?;
            let settled = platform_account(tx, "payouts_settled", currency, now)?;
            post(tx, in_transit, settled, payout.amount, currency, codes::PAYOUT_ARRIVED, now)?;
            if tx.update_payout(&payout, before)? {
                let shown = crate::views::payouts::payout_json(&payout);
                crate::events::emit(tx, "payout.paid", Some(&payout.merchant_id), shown, now)?;
            }
            return Ok(());
        }
        bank::BankStatus::Failed => {
            payout.status = payout.status.fail().map_err(|_| ApiError::internal())?;
            let code = answer.failure_code;
            payout.failure_code = code.map(|c| c.code().to_owned());
            if matches!(code, Some(bank::FailureCode::AccountClosed | bank::FailureCode::NoAccount)) {
                tx.disable_bank_account(&payout.destination_id)?;
            }
            let why = code.map_or("The bank refused it.", |c| c.message());
            if !tx.update_payout(&payout, before)? {
                return Ok(());
            }
            let shown = crate::views::payouts::payout_json(&payout);
            crate::events::emit(tx, "payout.failed", Some(&payout.merchant_id), shown, now)?;
            let why_words = match code {
                Some(bank::FailureCode::AccountClosed) => crate::msg!("message-bank-account-closed"),
                Some(bank::FailureCode::NoAccount) => crate::msg!("message-bank-no-account"),
                Some(bank::FailureCode::UnsupportedCurrency) => crate::msg!("message-bank-unsupported-currency"),
                Some(bank::FailureCode::AccountFrozen) => crate::msg!("message-bank-account-frozen"),
                None => crate::msg!("message-bank-refused"),
            };
            return return_payout(tx, &payout, BalanceTxType::PayoutFailure, why, why_words, now);
        }
    }
    tx.update_payout(&payout, before)?;
    Ok(())
}

/// The bank rail, when one is configured (the test bank in test mode).
pub type Rail = Arc<dyn bank::PayoutRail>;

async fn call_bank<T: Send + 'static>(
    rail: &Rail,
    call: impl FnOnce(&dyn bank::PayoutRail) -> T + Send + 'static,
) -> Option<T> {
    let rail = rail.clone();
    tokio::task::spawn_blocking(move || call(rail.as_ref())).await.ok()
}

/// Sends a pending payout to the bank (recorded before and after), or looks up one in transit.
async fn advance_payout(state: &AppState, rail: &Rail, payout: PayoutRecord) -> Result<(), ApiError> {
    let now = state.clock.now();
    let id = payout.id.clone();
    let looked_up = if payout.status == PayoutStatus::InTransit {
        if payout.arrival_date.is_some_and(|a| a > now) {
            return Ok(());
        }
        let pid = id.clone();
        match call_bank(rail, move |r| r.lookup(&pid)).await {
            Some(Ok(Some(answer))) => Some(answer),
            Some(Ok(None)) => None,
            Some(Err(e)) => {
                tracing::warn!(error = %e, payout = %id, "the bank could not be asked about a payout; asking again later");
                return Ok(());
            }
            None => return Ok(()),
        }
    } else {
        None
    };
    if let Some(answer) = looked_up {
        return state.store.write(move |tx| record_bank_answer(tx, &id, Some(&answer), now)).await;
    }
    // Pending, or in transit and unknown to the bank: (re)send it, keyed by the payout id, after
    // recording the attempt.
    let sid = id.clone();
    let recorded = state
        .store
        .write(move |tx| -> Result<Option<(PayoutRecord, BankAccountRecord)>, ApiError> {
            let Some(mut p) = tx.payout(&sid)? else { return Ok(None) };
            if p.status.is_final() || payout_settings_of(tx, &p.merchant_id)?.paused {
                return Ok(None);
            }
            let destination = tx.bank_account_any(&p.destination_id)?.ok_or_else(ApiError::internal)?;
            let before = p.status;
            p.sent_at = Some(p.sent_at.unwrap_or(now));
            p.updated_at = now;
            tx.update_payout(&p, before)?;
            Ok(Some((p, destination)))
        })
        .await?;
    let Some((p, destination)) = recorded else { return Ok(()) };
    let number = open_bank_account(state, &destination)?;
    let order = bank::PayoutOrder {
        payout_id: p.id.clone(),
        amount: p.amount,
        currency: p.currency.clone(),
        destination: destination_for_bank(number, &destination),
    };
    state.failpoint("payout.recorded");
    let outcome = call_bank(rail, move |r| r.send(&order)).await;
    state.failpoint("payout.sent");
    let answer = match outcome {
        Some(Ok(answer)) => Some(answer),
        Some(Err(e)) if e.is_unknown_outcome() => {
            tracing::warn!(payout = %id, "the bank did not answer a payout; it is looked up later");
            None
        }
        Some(Err(e)) => {
            tracing::error!(error = %e, payout = %id, "the bank refused a payout order; it stays pending");
            return Ok(());
        }
        None => return Ok(()),
    };
    state.store.write(move |tx| record_bank_answer(tx, &id, answer.as_ref(), now)).await
}

fn open_bank_account(state: &AppState, b: &BankAccountRecord) -> Result<String, ApiError> {
    let vault = state.vault.read().map_err(|_| ApiError::internal())?;
    let key_id = u32::try_from(b.key_id).map_err(|_| ApiError::internal())?;
    vault.open_bank_account(&vault::SealedCard { key_id, ciphertext: b.sealed.clone() }).map_err(|e| {
        tracing::error!(error = %e, destination = %b.id, "a bank account number could not be opened");
        ApiError::internal()
    })
}

fn destination_for_bank(number: String, b: &BankAccountRecord) -> bank::Destination {
    let iban = b.kind == "iban";
    bank::Destination {
        country: b.country.clone(),
        currency: b.currency.clone(),
        account_number: (!iban).then(|| number.clone()),
        routing_number: b.routing_number.clone(),
        iban: iban.then_some(number),
        holder_name: b.holder_name.clone(),
    }
}

/// The payout jobs, run by the workers and the test clock: sales whose day has come become
/// available; sellers on a schedule get their payout of the day; pending payouts go to the bank and
/// payouts in transit are looked up when due.
pub async fn run_jobs(state: &AppState) {
    let now = state.clock.now();
    loop {
        match state.store.write(move |tx| release_due(tx, now)).await {
            Ok(released) if released == RELEASE_BATCH_MAX as usize => continue,
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(code = e.code, "making balances available failed; retrying on the next tick");
                break;
            }
        }
    }
    scheduled_payouts(state, now).await;
    let Some(rail) = state.bank.clone() else { return };
    let Ok(open) = state.store.write(|tx| tx.open_payouts(PAYOUT_BATCH_MAX)).await else { return };
    for payout in open {
        let id = payout.id.clone();
        if let Err(e) = advance_payout(state, &rail, payout).await {
            tracing::warn!(code = e.code, payout = %id, "a payout could not move on; trying again on the next tick");
        }
    }
}

/// Makes due sales available, and tells each seller concerned (`balance.available`, with the balance).
fn release_due(tx: &mut WriteTx<'_>, now: i64) -> Result<usize, ApiError> {
    let released = tx.release_due_balance(now, RELEASE_BATCH_MAX)?;
    let mut merchants: Vec<&str> = released.iter().map(|b| b.merchant_id.as_str()).collect();
    merchants.sort_unstable();
    merchants.dedup();
    for merchant in merchants {
        let sums = tx.balance(merchant)?;
        let shown = crate::views::payouts::balance_json(merchant, &sums);
        crate::events::emit(tx, "balance.available", Some(merchant), shown, now)?;
    }
    Ok(released.len())
}

async fn scheduled_payouts(state: &AppState, now: i64) {
    // Read on the pool (a partial index keeps it to the money not yet paid out); each seller is then
    // judged again inside its own write.
    let Ok(candidates) = state.store.read(|tx| tx.sellers_with_available(SCHEDULE_BATCH_MAX)).await else { return };
    for (merchant_id, currency, _) in candidates {
        let Ok(currency) = Currency::parse(&currency) else { continue };
        let made = state
            .store
            .write(move |tx| -> Result<Option<PayoutRecord>, ApiError> {
                let settings = payout_settings_of(tx, &merchant_id)?;
                let schedule = schedule_of(&settings);
                let Some(day) = schedule.due_day(now) else { return Ok(None) };
                if settings.paused {
                    return Ok(None);
                }
                let Some(destination) = tx
                    .bank_accounts(&merchant_id)?
                    .into_iter()
                    .find(|b| b.is_default && b.status.usable() && b.currency == currency.code())
                else {
                    return Ok(None);
                };
                if tx.scheduled_payout_exists(&merchant_id, currency.code(), day)? {
                    return Ok(None);
                }
                let available = tx
                    .balance(&merchant_id)?
                    .into_iter()
                    .find(|s| s.currency == currency.code())
                    .map_or(0, |s| s.available);
                if available <= 0 || available < settings.minimum_amount {
                    return Ok(None);
                }
                let new = NewPayout {
                    merchant_id: merchant_id.clone(),
                    currency,
                    amount: Some(available),
                    destination: Some(destination.id),
                    scheduled_day: Some(day),
                };
                create_payout(tx, &new, now).map(Some)
            })
            .await;
        if let Err(e) = made {
            tracing::warn!(code = e.code, "a scheduled payout could not be made; trying again on the next tick");
        }
    }
}
