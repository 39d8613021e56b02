//! Persistence of the Pocket (lots with their expiry, holds and how they split over lots, the history)
//! and of gift cards (purchases, cards, hashed codes, failed redemptions).

use domain::states::{GiftCardState, HoldState, PurchaseStatus};

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;
use crate::paging::{Listed, Page};

use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::{ReadTx, StoreError, WriteTx};

/// A part of a Pocket balance with its own expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotRecord {
    pub id: i64,
    pub user_id: String,
    pub currency: String,
    pub amount_initial: i64,
    pub amount_remaining: i64,
    pub amount_held: i64,
    pub expires_at: Option<i64>,
    pub source: String,
    pub created_at: i64,
}

/// A hold on Pocket money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRecord {
    pub id: String,
    pub user_id: String,
    pub currency: String,
    pub amount: i64,
    pub captured: i64,
    pub refunded: i64,
    pub transfer_id: i64,
    pub state: HoldState,
    pub reference: String,
    pub created_at: i64,
}

/// How a hold splits over lots: (lot id, amount), earliest-expiring first.
pub type HoldParts = Vec<(i64, i64)>;

/// One line of a Pocket's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PocketTransactionRecord {
    pub id: i64,
    pub user_id: String,
    pub currency: String,
    pub kind: String,
    pub amount: i64,
    pub balance_after: i64,
    pub expires_at: Option<i64>,
    pub reference: String,
    pub created_at: i64,
}

/// A gift-card purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseRecord {
    pub id: String,
    pub user_id: String,
    pub currency: String,
    pub amount: i64,
    /// One entry per gift card bought, its face value.
    pub denominations: Vec<i64>,
    pub status: PurchaseStatus,
    pub card_id: Option<String>,
    pub card_brand: String,
    pub card_last4: String,
    pub authorization_id: Option<String>,
    pub failure_code: Option<String>,
    pub gift_recipient: Option<String>,
    pub gift_message: Option<String>,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

/// A gift card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardRecord {
    pub id: String,
    pub purchase_id: String,
    pub buyer_user_id: String,
    pub currency: String,
    pub denomination: i64,
    pub state: GiftCardState,
    pub code_hash: Option<Vec<u8>>,
    pub code_last4: Option<String>,
    pub expires_at: i64,
    pub redeemed_by: Option<String>,
    pub redeemed_at: Option<i64>,
    pub created_at: i64,
}

const LOT_COLUMNS: &str =
    "id, user_id, currency, amount_initial, amount_remaining, amount_held, expires_at, source, created_at";

fn lot_from_row(r: &Row<'_>) -> DbResult<LotRecord> {
    Ok(LotRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        currency: r.get(2)?,
        amount_initial: r.get(3)?,
        amount_remaining: r.get(4)?,
        amount_held: r.get(5)?,
        expires_at: r.get(6)?,
        source: r.get(7)?,
        created_at: r.get(8)?,
    })
}

const TXN_COLUMNS: &str = "id, user_id, currency, type, amount, balance_after, expires_at, reference, created_at";

fn txn_from_row(r: &Row<'_>) -> DbResult<PocketTransactionRecord> {
    Ok(PocketTransactionRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        currency: r.get(2)?,
        kind: r.get(3)?,
        amount: r.get(4)?,
        balance_after: r.get(5)?,
        expires_at: r.get(6)?,
        reference: r.get(7)?,
        created_at: r.get(8)?,
    })
}

const PURCHASE_COLUMNS: &str =
    "id, user_id, currency, amount, status, card_id, card_brand, card_last4, authorization_id,
    failure_code, gift_recipient, gift_message, created_at, completed_at, denominations";

fn purchase_from_row(r: &Row<'_>) -> DbResult<PurchaseRecord> {
    let denominations: String = r.get(14)?;
    let denominations = denominations
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| crate::db::DbError::Decode {
            column: 14,
            why: "denominations are not a list of numbers".into(),
        })?;
    Ok(PurchaseRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        currency: r.get(2)?,
        amount: r.get(3)?,
        denominations,
        status: named(r, 4, PurchaseStatus::parse)?,
        card_id: r.get(5)?,
        card_brand: r.get(6)?,
        card_last4: r.get(7)?,
        authorization_id: r.get(8)?,
        failure_code: r.get(9)?,
        gift_recipient: r.get(10)?,
        gift_message: r.get(11)?,
        created_at: r.get(12)?,
        completed_at: r.get(13)?,
    })
}

const GIFT_CARD_COLUMNS: &str = "id, purchase_id, buyer_user_id, currency, denomination, state, code_hash, code_last4,
    expires_at, redeemed_by, redeemed_at, created_at";

fn gift_card_from_row(r: &Row<'_>) -> DbResult<GiftCardRecord> {
    Ok(GiftCardRecord {
        id: r.get(0)?,
        purchase_id: r.get(1)?,
        buyer_user_id: r.get(2)?,
        currency: r.get(3)?,
        denomination: r.get(4)?,
        state: named(r, 5, GiftCardState::parse)?,
        code_hash: r.get(6)?,
        code_last4: r.get(7)?,
        expires_at: r.get(8)?,
        redeemed_by: r.get(9)?,
        redeemed_at: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn lots_query(conn: &Db, user_id: &str) -> Result<Vec<LotRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {LOT_COLUMNS} FROM pocket_lots WHERE user_id = ?1 AND amount_remaining > 0 ORDER BY id"
        ))?
        .query_map([user_id], lot_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

fn purchase_query(conn: &Db, id: &str) -> Result<Option<PurchaseRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PURCHASE_COLUMNS} FROM gift_card_purchases WHERE id = ?1"))?
        .query_row([id], purchase_from_row)
        .optional()?)
}

fn gift_cards_of_purchase(conn: &Db, purchase_id: &str) -> Result<Vec<GiftCardRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE purchase_id = ?1 ORDER BY rowid"))?
        .query_map([purchase_id], gift_card_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

impl WriteTx<'_> {
    /// The user's lots with money left, in every currency.
    pub fn pocket_lots(&mut self, user_id: &str) -> Result<Vec<LotRecord>, StoreError> {
        lots_query(self.conn, user_id)
    }

    /// Adds a lot; returns its id.
    pub fn insert_lot(&mut self, lot: &LotRecord) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO pocket_lots (user_id, currency, amount_initial, amount_remaining, amount_held, expires_at, source,
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            )?
            .query_row(params![
                lot.user_id,
                lot.currency,
                lot.amount_initial,
                lot.amount_remaining,
                lot.amount_held,
                lot.expires_at,
                lot.source,
                lot.created_at
            ], |r| r.get(0))?)
    }

    /// Changes a lot's remaining and held amounts by the given deltas (the schema refuses negatives).
    pub fn change_lot(&mut self, lot_id: i64, remaining_delta: i64, held_delta: i64) -> Result<(), StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE pocket_lots SET amount_remaining = amount_remaining + ?2, amount_held = amount_held + ?3 WHERE id = ?1",
            )?
            .execute(params![lot_id, remaining_delta, held_delta])?;
        if n != 1 {
            return Err(StoreError::Corrupt(format!("pocket lot {lot_id} is missing")));
        }
        Ok(())
    }

    /// Lots whose expiry has come and that still hold unheld money, oldest expiry first.
    pub fn lots_due_to_expire(&mut self, now: i64, limit: u32) -> Result<Vec<LotRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {LOT_COLUMNS} FROM pocket_lots WHERE amount_remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?1
                   AND amount_remaining > amount_held ORDER BY expires_at LIMIT ?2"
            ))?
            .query_map(params![now, limit], lot_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Records a hold and its split over lots.
    pub fn insert_hold(&mut self, hold: &HoldRecord, parts: &[(i64, i64)]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO pocket_holds (id, user_id, currency, amount, transfer_id, state, reference, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                hold.id,
                hold.user_id,
                hold.currency,
                hold.amount,
                hold.transfer_id,
                hold.state.name(),
                hold.reference,
                hold.created_at
            ])
            .map_err(|e| duplicate_or(e, "pocket hold"))
            .and_then(|n| inserted_or_duplicate(n, "pocket hold"))?;
        let mut part =
            self.conn.prepare_cached("INSERT INTO pocket_hold_parts (hold_id, lot_id, amount) VALUES (?1, ?2, ?3)")?;
        for (lot_id, amount) in parts {
            part.execute(params![hold.id, lot_id, amount])?;
        }
        Ok(())
    }

    /// A hold and its parts.
    pub fn hold(&mut self, hold_id: &str) -> Result<Option<(HoldRecord, HoldParts)>, StoreError> {
        let hold = self
            .conn
            .prepare_cached(
                "SELECT id, user_id, currency, amount, transfer_id, state, reference, created_at, captured, refunded
                   FROM pocket_holds WHERE id = ?1",
            )?
            .query_row([hold_id], |r| {
                Ok(HoldRecord {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    currency: r.get(2)?,
                    amount: r.get(3)?,
                    transfer_id: r.get(4)?,
                    state: named(r, 5, HoldState::parse)?,
                    reference: r.get(6)?,
                    created_at: r.get(7)?,
                    captured: r.get(8)?,
                    refunded: r.get(9)?,
                })
            })
            .optional()?;
        let Some(hold) = hold else { return Ok(None) };
        let parts = self
            .conn
            .prepare_cached(
                "SELECT p.lot_id, p.amount FROM pocket_hold_parts p JOIN pocket_lots l ON l.id = p.lot_id
                  WHERE p.hold_id = ?1 ORDER BY l.expires_at IS NULL, l.expires_at, l.id",
            )?
            .query_map([hold_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((hold, parts)))
    }

    /// Marks a hold resolved, with what was captured.
    pub fn set_hold_state(&mut self, hold_id: &str, state: HoldState, captured: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE pocket_holds SET state = ?2, captured = ?3 WHERE id = ?1")?
            .execute(params![hold_id, state.name(), captured])?;
        Ok(())
    }

    /// Adds to what was refunded of a captured hold (never more than captured: the schema refuses).
    pub fn add_hold_refund(&mut self, hold_id: &str, amount: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE pocket_holds SET refunded = refunded + ?2 WHERE id = ?1")?
            .execute(params![hold_id, amount])?;
        Ok(())
    }

    /// The expiry of a lot.
    pub fn lot_expiry(&mut self, lot_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT expires_at FROM pocket_lots WHERE id = ?1")?
            .query_row([lot_id], |r| r.get(0))?)
    }

    /// Appends a history line; returns its id.
    pub fn insert_pocket_transaction(&mut self, t: &PocketTransactionRecord) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO pocket_transactions (user_id, currency, type, amount, balance_after, expires_at, reference, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            )?
            .query_row(
                params![t.user_id, t.currency, t.kind, t.amount, t.balance_after, t.expires_at, t.reference, t.created_at],
                |r| r.get(0),
            )?)
    }

    /// Records a purchase.
    pub fn insert_purchase(&mut self, p: &PurchaseRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO gift_card_purchases ({PURCHASE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                p.id,
                p.user_id,
                p.currency,
                p.amount,
                p.status.name(),
                p.card_id,
                p.card_brand,
                p.card_last4,
                p.authorization_id,
                p.failure_code,
                p.gift_recipient,
                p.gift_message,
                p.created_at,
                p.completed_at,
                p.denominations.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ])
            .map_err(|e| duplicate_or(e, "purchase")).and_then(|n| inserted_or_duplicate(n, "purchase"))?;
        Ok(())
    }

    /// A purchase as this transaction sees it.
    pub fn purchase(&mut self, id: &str) -> Result<Option<PurchaseRecord>, StoreError> {
        purchase_query(self.conn, id)
    }

    /// Ends a purchase that is still processing; returns whether it was.
    pub fn finish_purchase(
        &mut self,
        id: &str,
        status: PurchaseStatus,
        authorization_id: Option<&str>,
        failure_code: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE gift_card_purchases SET status = ?2, authorization_id = COALESCE(?3, authorization_id), failure_code = ?4,
                 completed_at = ?5 WHERE id = ?1 AND status = 'processing'",
            )?
            .execute(params![id, status.name(), authorization_id, failure_code, now])?;
        Ok(n == 1)
    }

    /// Records the issuer's authorization on a purchase still processing.
    pub fn set_purchase_authorization(&mut self, id: &str, authorization_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE gift_card_purchases SET authorization_id = ?2 WHERE id = ?1 AND status = 'processing'",
            )?
            .execute(params![id, authorization_id])?;
        Ok(())
    }

    /// Purchases still processing that started before `before`.
    pub fn stale_purchases(&mut self, before: i64, limit: u32) -> Result<Vec<PurchaseRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PURCHASE_COLUMNS} FROM gift_card_purchases WHERE status = 'processing' AND created_at < ?1 LIMIT ?2"
            ))?
            .query_map(params![before, limit], purchase_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Records a gift card.
    pub fn insert_gift_card(&mut self, g: &GiftCardRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO gift_cards ({GIFT_CARD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                g.id,
                g.purchase_id,
                g.buyer_user_id,
                g.currency,
                g.denomination,
                g.state.name(),
                g.code_hash,
                g.code_last4,
                g.expires_at,
                g.redeemed_by,
                g.redeemed_at,
                g.created_at
            ])
            .map_err(|e| duplicate_or(e, "gift card code")).and_then(|n| inserted_or_duplicate(n, "gift card code"))?;
        Ok(())
    }

    /// The gift card with this code hash.
    pub fn gift_card_by_code_hash(&mut self, code_hash: &[u8]) -> Result<Option<GiftCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE code_hash = ?1"))?
            .query_row([code_hash], gift_card_from_row)
            .optional()?)
    }

    /// A gift card by id.
    pub fn gift_card(&mut self, id: &str) -> Result<Option<GiftCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE id = ?1"))?
            .query_row([id], gift_card_from_row)
            .optional()?)
    }

    /// The cards of a purchase.
    pub fn gift_cards_of_purchase(&mut self, purchase_id: &str) -> Result<Vec<GiftCardRecord>, StoreError> {
        gift_cards_of_purchase(self.conn, purchase_id)
    }

    /// Moves a gift card from `from_state` to `to_state`; returns whether it was in `from_state`.
    pub fn change_gift_card_state(
        &mut self,
        id: &str,
        from_state: GiftCardState,
        to_state: GiftCardState,
        redeemed_by: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE gift_cards SET state = ?3, redeemed_by = COALESCE(?4, redeemed_by),
                 redeemed_at = CASE WHEN ?4 IS NULL THEN redeemed_at ELSE ?5 END WHERE id = ?1 AND state = ?2",
            )?
            .execute(params![id, from_state.name(), to_state.name(), redeemed_by, now])?;
        Ok(n == 1)
    }

    /// Unredeemed gift cards (usable or blocked) whose expiry has come.
    pub fn gift_cards_due_to_expire(&mut self, now: i64, limit: u32) -> Result<Vec<GiftCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE state IN ('active', 'blocked') AND expires_at <= ?1 LIMIT ?2"
            ))?
            .query_map(params![now, limit], gift_card_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Records a failed redemption for a scope (an account or an address).
    pub fn record_redeem_failure(&mut self, scope: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO redeem_failures (scope, at) VALUES (?1, ?2)")?
            .execute(params![scope, now])?;
        Ok(())
    }

    /// Forgets failures older than `before`.
    pub fn prune_redeem_failures(&mut self, before: i64) -> Result<usize, StoreError> {
        Ok(self.conn.prepare_cached("DELETE FROM redeem_failures WHERE at < ?1")?.execute([before])?)
    }
}

impl ReadTx<'_> {
    /// The user's Pocket accounts, by currency code.
    pub fn pocket_accounts(&self, user_id: &str) -> Result<Vec<(String, domain::ledger::Account)>, StoreError> {
        self.owned_accounts("pocket", user_id)
    }

    /// The ledger accounts of one kind that an owner holds (a Pocket, a seller's payable), by currency code.
    pub fn owned_accounts(
        &self,
        kind: &str,
        owner: &str,
    ) -> Result<Vec<(String, domain::ledger::Account)>, StoreError> {
        let ids: Vec<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT currency, id FROM ledger_accounts WHERE kind = ?1 AND owner = ?2 ORDER BY currency",
            )?
            .query_map([kind, owner], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (currency, id) in ids {
            if let Some(a) = self.ledger_account(domain::ledger::AccountId(id))? {
                out.push((currency, a));
            }
        }
        Ok(out)
    }

    /// The user's lots with money left.
    pub fn pocket_lots(&self, user_id: &str) -> Result<Vec<LotRecord>, StoreError> {
        lots_query(self.conn, user_id)
    }

    /// The user's history, newest first, one page (cursors are the API's `txn_<n>`).
    pub fn pocket_transactions(
        &self,
        user_id: &str,
        page: &Page,
    ) -> Result<Listed<PocketTransactionRecord>, StoreError> {
        let b = page.numbered_bounds("txn_")?;
        let sql = format!(
            "SELECT {TXN_COLUMNS} FROM pocket_transactions WHERE user_id = ?1 AND {}",
            page.clause_by("id", 2, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![user_id, b.low, b.high, b.created_gte, b.created_lte, b.fetch], txn_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// A purchase.
    pub fn purchase(&self, id: &str) -> Result<Option<PurchaseRecord>, StoreError> {
        purchase_query(self.conn, id)
    }

    /// The gift cards a buyer bought, newest first, before the card `starting_after` if given.
    pub fn gift_cards_bought(&self, user_id: &str, page: &Page) -> Result<Listed<GiftCardRecord>, StoreError> {
        let b = page.bounds_with(|id| {
            self.conn
                .prepare_cached("SELECT rowid FROM gift_cards WHERE id = ?1 AND buyer_user_id = ?2")?
                .query_row(params![id, user_id], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::UnknownCursor)
        })?;
        let sql = format!(
            "SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE buyer_user_id = ?1 AND {}",
            page.clause(2, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![user_id, b.low, b.high, b.created_gte, b.created_lte, b.fetch], gift_card_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// The cards of a purchase.
    pub fn gift_cards_of_purchase(&self, purchase_id: &str) -> Result<Vec<GiftCardRecord>, StoreError> {
        gift_cards_of_purchase(self.conn, purchase_id)
    }

    /// A gift card by id.
    pub fn gift_card(&self, id: &str) -> Result<Option<GiftCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE id = ?1"))?
            .query_row([id], gift_card_from_row)
            .optional()?)
    }

    /// A gift card by the keyed hash of its code.
    pub fn gift_card_with_code_hash(&self, code_hash: &[u8]) -> Result<Option<GiftCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {GIFT_CARD_COLUMNS} FROM gift_cards WHERE code_hash = ?1"))?
            .query_row([code_hash], gift_card_from_row)
            .optional()?)
    }

    /// Failed redemptions for a scope after `since`, and the oldest of them.
    pub fn redeem_failures_since(&self, scope: &str, since: i64) -> Result<(u32, Option<i64>), StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*), min(at) FROM redeem_failures WHERE scope = ?1 AND at > ?2")?
            .query_row(params![scope, since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Checks that every Pocket's lots add up to its ledger account: remaining = posted balance,
    /// held = pending debits. Returns one line per mismatch.
    pub fn pocket_lot_problems(&self) -> Result<Vec<String>, StoreError> {
        let rows = self
            .conn
            .prepare(
                "SELECT a.owner, a.currency, a.credits_posted - a.debits_posted, a.debits_pending,
                        CAST(COALESCE(SUM(l.amount_remaining), 0) AS BIGINT), CAST(COALESCE(SUM(l.amount_held), 0) AS BIGINT)
                   FROM ledger_accounts a LEFT JOIN pocket_lots l ON l.user_id = a.owner AND l.currency = a.currency
                  WHERE a.kind = 'pocket' AND a.owner IS NOT NULL GROUP BY a.id",
            )?
            .query_map((), |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<i64>(3)?,
                    r.get::<i64>(4)?,
                    r.get::<i64>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter(|(_, _, balance, pending, remaining, held)| balance != remaining || pending != held)
            .map(|(owner, currency, balance, pending, remaining, held)| {
                format!(
                    "pocket of {owner} in {currency}: ledger balance {balance}, held {pending}; lots remaining {remaining}, held {held}"
                )
            })
            .collect())
    }
}
