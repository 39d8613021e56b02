//! Persistence of payouts and what they need: each seller's payout settings (schedule, minimum,
//! pause), bank accounts (numbers sealed by the vault, only the last 4 in the clear) and payouts with
//! their lifecycle. The money they move is booked in `balances.rs`.

use domain::payouts::PayoutStatus;

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;
use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};
use domain::states::BankAccountStatus;

/// A merchant's payout schedule and pause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutSettingsRecord {
    pub merchant_id: String,
    /// `daily`, `weekly` or `manual`.
    pub interval: String,
    /// For weekly payouts: the weekday's English name.
    pub weekly_anchor: Option<String>,
    pub minimum_amount: i64,
    pub paused: bool,
    pub updated_at: i64,
}

/// A payout destination. The number is sealed; only its last 4 digits are kept in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccountRecord {
    pub id: String,
    pub merchant_id: String,
    pub country: String,
    pub currency: String,
    pub holder_name: String,
    /// `us` (account and routing number) or `iban`.
    pub kind: String,
    pub key_id: i64,
    pub sealed: Vec<u8>,
    /// ABA routing numbers identify a bank, not an account: kept in the clear.
    pub routing_number: Option<String>,
    pub last4: String,
    pub fingerprint: String,
    /// `new` (usable) or `disabled` (a payout to it failed for good).
    pub status: BankAccountStatus,
    pub is_default: bool,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

/// A payout as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRecord {
    pub id: String,
    pub merchant_id: String,
    pub amount: i64,
    pub currency: String,
    pub status: PayoutStatus,
    pub destination_id: String,
    pub automatic: bool,
    /// The UTC day a scheduled payout was made for (at most one per seller, currency and day).
    pub scheduled_day: Option<i64>,
    pub arrival_date: Option<i64>,
    pub failure_code: Option<String>,
    pub bank_reference: Option<String>,
    pub sent_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const BANK_COLUMNS: &str =
    "id, merchant_id, country, currency, holder_name, kind, key_id, sealed, routing_number, last4,
    fingerprint, status, is_default, created_at, deleted_at";

fn bank_from_row(r: &Row<'_>) -> DbResult<BankAccountRecord> {
    Ok(BankAccountRecord {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        country: r.get(2)?,
        currency: r.get(3)?,
        holder_name: r.get(4)?,
        kind: r.get(5)?,
        key_id: r.get(6)?,
        sealed: r.get(7)?,
        routing_number: r.get(8)?,
        last4: r.get(9)?,
        fingerprint: r.get(10)?,
        status: named(r, 11, BankAccountStatus::parse)?,
        is_default: r.get::<i64>(12)? != 0,
        created_at: r.get(13)?,
        deleted_at: r.get(14)?,
    })
}

const PAYOUT_COLUMNS: &str = "id, merchant_id, amount, currency, status, destination_id, automatic, scheduled_day,
    arrival_date, failure_code, bank_reference, sent_at, created_at, updated_at";

fn payout_from_row(r: &Row<'_>) -> DbResult<PayoutRecord> {
    Ok(PayoutRecord {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        amount: r.get(2)?,
        currency: r.get(3)?,
        status: named(r, 4, PayoutStatus::parse)?,
        destination_id: r.get(5)?,
        automatic: r.get::<i64>(6)? != 0,
        scheduled_day: r.get(7)?,
        arrival_date: r.get(8)?,
        failure_code: r.get(9)?,
        bank_reference: r.get(10)?,
        sent_at: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

fn payout_settings_query(conn: &Db, merchant_id: &str) -> Result<Option<PayoutSettingsRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT merchant_id, interval, weekly_anchor, minimum_amount, paused, updated_at FROM payout_settings WHERE merchant_id = ?1",
        )?
        .query_row([merchant_id], |r| {
            Ok(PayoutSettingsRecord {
                merchant_id: r.get(0)?,
                interval: r.get(1)?,
                weekly_anchor: r.get(2)?,
                minimum_amount: r.get(3)?,
                paused: r.get::<i64>(4)? != 0,
                updated_at: r.get(5)?,
            })
        })
        .optional()?)
}

fn bank_accounts_query(conn: &Db, merchant_id: &str) -> Result<Vec<BankAccountRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {BANK_COLUMNS} FROM bank_accounts WHERE merchant_id = ?1 AND deleted_at IS NULL ORDER BY rowid DESC"
        ))?
        .query_map([merchant_id], bank_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

fn bank_account_query(conn: &Db, id: &str) -> Result<Option<BankAccountRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BANK_COLUMNS} FROM bank_accounts WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], bank_from_row)
        .optional()?)
}

fn payout_query(conn: &Db, id: &str) -> Result<Option<PayoutRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE id = ?1"))?
        .query_row([id], payout_from_row)
        .optional()?)
}

impl WriteTx<'_> {
    /// A merchant's payout settings, if set.
    pub fn payout_settings(&mut self, merchant_id: &str) -> Result<Option<PayoutSettingsRecord>, StoreError> {
        payout_settings_query(self.conn, merchant_id)
    }

    /// Sets a merchant's payout settings.
    pub fn put_payout_settings(&mut self, s: &PayoutSettingsRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO payout_settings (merchant_id, interval, weekly_anchor, minimum_amount, paused, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (merchant_id) DO UPDATE SET interval = excluded.interval, weekly_anchor = excluded.weekly_anchor,
                    minimum_amount = excluded.minimum_amount, paused = excluded.paused, updated_at = excluded.updated_at",
            )?
            .execute(params![
                s.merchant_id,
                s.interval,
                s.weekly_anchor,
                s.minimum_amount,
                i64::from(s.paused),
                s.updated_at
            ])?;
        Ok(())
    }

    /// Records a bank account; the first of a seller becomes the default.
    pub fn insert_bank_account(&mut self, b: &BankAccountRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO bank_accounts ({BANK_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            ))?
            .execute(params![
                b.id,
                b.merchant_id,
                b.country,
                b.currency,
                b.holder_name,
                b.kind,
                b.key_id,
                b.sealed,
                b.routing_number,
                b.last4,
                b.fingerprint,
                b.status.name(),
                i64::from(b.is_default),
                b.created_at,
                b.deleted_at
            ])?;
        Ok(())
    }

    /// A seller's bank accounts (not deleted), newest first.
    pub fn bank_accounts(&mut self, merchant_id: &str) -> Result<Vec<BankAccountRecord>, StoreError> {
        bank_accounts_query(self.conn, merchant_id)
    }

    /// A bank account (not deleted).
    pub fn bank_account(&mut self, id: &str) -> Result<Option<BankAccountRecord>, StoreError> {
        bank_account_query(self.conn, id)
    }

    /// Makes one of a seller's bank accounts the default (and no other).
    pub fn set_default_bank_account(&mut self, merchant_id: &str, id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE bank_accounts SET is_default = CASE WHEN id = ?2 THEN 1 ELSE 0 END WHERE merchant_id = ?1",
            )?
            .execute(params![merchant_id, id])?;
        Ok(())
    }

    /// Removes a bank account (kept for the payouts that name it, never used again).
    pub fn delete_bank_account(&mut self, id: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE bank_accounts SET deleted_at = ?2, is_default = 0 WHERE id = ?1")?
            .execute(params![id, now])?;
        Ok(())
    }

    /// Marks a bank account unusable (a payout to it failed for good).
    pub fn disable_bank_account(&mut self, id: &str) -> Result<(), StoreError> {
        self.conn.prepare_cached("UPDATE bank_accounts SET status = 'disabled' WHERE id = ?1")?.execute([id])?;
        Ok(())
    }

    /// A bank account, deleted or not (the payouts that went to it still name it).
    pub fn bank_account_any(&mut self, id: &str) -> Result<Option<BankAccountRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {BANK_COLUMNS} FROM bank_accounts WHERE id = ?1"))?
            .query_row([id], bank_from_row)
            .optional()?)
    }

    /// Bank accounts sealed under another key than `active`: `(id, key_id, sealed)`.
    pub fn bank_accounts_to_reseal(
        &mut self,
        active: u32,
        limit: u32,
    ) -> Result<Vec<(String, u32, Vec<u8>)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, key_id, sealed FROM bank_accounts WHERE key_id != ?1 AND deleted_at IS NULL LIMIT ?2",
            )?
            .query_map(params![i64::from(active), limit], |r| {
                Ok((r.get::<String>(0)?, u32::try_from(r.get::<i64>(1)?).unwrap_or(u32::MAX), r.get::<Vec<u8>>(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Stores a bank account re-sealed under a new key, if it is still under `old`.
    pub fn reseal_bank_account(&mut self, id: &str, old: u32, new_key: u32, sealed: &[u8]) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("UPDATE bank_accounts SET key_id = ?3, sealed = ?4 WHERE id = ?1 AND key_id = ?2")?
            .execute(params![id, i64::from(old), i64::from(new_key), sealed])?
            == 1)
    }

    /// Records a payout. A second scheduled payout of a seller for the same day and currency is a duplicate.
    pub fn insert_payout(&mut self, p: &PayoutRecord) -> Result<(), StoreError> {
        let inserted = self
            .conn
            .prepare_cached(&format!(
                "INSERT INTO payouts ({PAYOUT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                p.id,
                p.merchant_id,
                p.amount,
                p.currency,
                p.status.name(),
                p.destination_id,
                i64::from(p.automatic),
                p.scheduled_day,
                p.arrival_date,
                p.failure_code,
                p.bank_reference,
                p.sent_at,
                p.created_at,
                p.updated_at
            ])?;
        if inserted == 0 {
            return Err(StoreError::Duplicate("payout"));
        }
        Ok(())
    }

    /// Updates a payout if it is still in `expected`; false when another change came first.
    pub fn update_payout(&mut self, p: &PayoutRecord, expected: PayoutStatus) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE payouts SET status = ?2, arrival_date = ?3, failure_code = ?4, bank_reference = ?5, sent_at = ?6,
                        updated_at = ?7
                  WHERE id = ?1 AND status = ?8",
            )?
            .execute(params![
                p.id,
                p.status.name(),
                p.arrival_date,
                p.failure_code,
                p.bank_reference,
                p.sent_at,
                p.updated_at,
                expected.name()
            ])?;
        Ok(n == 1)
    }

    /// A payout.
    pub fn payout(&mut self, id: &str) -> Result<Option<PayoutRecord>, StoreError> {
        payout_query(self.conn, id)
    }

    /// Whether a seller's scheduled payout of `day` was made.
    pub fn scheduled_payout_exists(&mut self, merchant_id: &str, currency: &str, day: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM payouts WHERE merchant_id = ?1 AND currency = ?2 AND scheduled_day = ?3")?
            .query_row(params![merchant_id, currency, day], |r| r.get::<i64>(0))
            .optional()?
            .is_some())
    }

    /// Payouts on their way to a bank account.
    pub fn open_payouts_to(&mut self, destination_id: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM payouts WHERE destination_id = ?1 AND status IN ('pending', 'in_transit')",
            )?
            .query_row([destination_id], |r| r.get(0))?)
    }

    /// Payouts not yet paid, failed or canceled, least recently changed first.
    pub fn open_payouts(&mut self, limit: u32) -> Result<Vec<PayoutRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PAYOUT_COLUMNS} FROM payouts WHERE status IN ('pending', 'in_transit') ORDER BY updated_at LIMIT ?1"
            ))?
            .query_map([limit], payout_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }
}

impl ReadTx<'_> {
    /// A merchant's payout settings, if set.
    pub fn payout_settings(&self, merchant_id: &str) -> Result<Option<PayoutSettingsRecord>, StoreError> {
        payout_settings_query(self.conn, merchant_id)
    }

    /// A seller's bank accounts (not deleted), newest first.
    pub fn bank_accounts(&self, merchant_id: &str) -> Result<Vec<BankAccountRecord>, StoreError> {
        bank_accounts_query(self.conn, merchant_id)
    }

    /// A bank account (not deleted).
    pub fn bank_account(&self, id: &str) -> Result<Option<BankAccountRecord>, StoreError> {
        bank_account_query(self.conn, id)
    }

    /// A payout.
    pub fn payout(&self, id: &str) -> Result<Option<PayoutRecord>, StoreError> {
        payout_query(self.conn, id)
    }

    /// A page of payouts (a seller's, or everyone's), newest first.
    pub fn payouts(
        &self,
        merchant_id: Option<&str>,
        status: Option<&str>,
        page: &Page,
    ) -> Result<Listed<PayoutRecord>, StoreError> {
        let b = page.bounds(self.conn, "payouts")?;
        let sql = format!(
            "SELECT {PAYOUT_COLUMNS} FROM payouts WHERE (?1 IS NULL OR merchant_id = ?1) AND (?2 IS NULL OR status = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![merchant_id, status, b.low, b.high, b.created_gte, b.created_lte, b.fetch],
                payout_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }
}
