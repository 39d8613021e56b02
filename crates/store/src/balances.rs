//! Persistence of sellers' money: fee schedules, balance transactions (each sale, fee, refund and
//! payout as the seller sees it, pending until the buyer can no longer claim it back), payout
//! settings, bank accounts (numbers sealed by the vault) and payouts.
//!
//! Rules kept here, checked by [`ReadTx::seller_balance_problems`]: a seller's payable ledger account
//! equals the sum of their balance transactions' `net`, per currency; the fees returned on a payment
//! never exceed the fee taken; the transactions a payout paid out sum to the payout.

use domain::payouts::BalanceTxType;

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;
use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};

/// Claims that still reserve their amount.
const OPEN_CLAIM_STATUSES: &str = "('awaiting_seller', 'under_review', 'refunding')";

/// A balance transaction as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceTxRecord {
    pub id: String,
    pub merchant_id: String,
    pub kind: BalanceTxType,
    /// What moved, before the fee (negative for money leaving the seller).
    pub amount: i64,
    /// The platform's fee in it (negative when a fee is returned).
    pub fee: i64,
    /// `amount - fee`: what changed in the seller's balance.
    pub net: i64,
    pub currency: String,
    /// The object it came from (`pay_…`, `re_…`, `po_…`).
    pub source: Option<String>,
    pub payment_id: Option<String>,
    /// Available (true) or pending.
    pub available: bool,
    pub available_on: i64,
    /// The payout that paid it out (or, for `payout` and `payout_failure`, the payout itself).
    pub payout_id: Option<String>,
    pub description: String,
    pub created_at: i64,
}

/// A merchant's fee schedule as operators set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeScheduleRecord {
    pub merchant_id: String,
    pub percent_bps: i64,
    pub fixed_amount: i64,
    pub fixed_currency: Option<String>,
    pub updated_by: String,
    pub updated_at: i64,
}

/// A seller's balance in one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BalanceSums {
    pub currency: String,
    /// Available balance transactions, less what open claims reserve of them.
    pub available: i64,
    /// Pending balance transactions, less what open claims reserve of them.
    pub pending: i64,
    /// Open claims' amounts.
    pub reserved: i64,
}

/// Filters of the balance transaction list.
#[derive(Debug, Clone, Default)]
pub struct BalanceTxFilter {
    pub merchant_id: Option<String>,
    pub kind: Option<String>,
    pub payout_id: Option<String>,
    pub created_gte: Option<i64>,
    pub created_lte: Option<i64>,
    /// Only `pending` or only `available` lines.
    pub status: Option<String>,
    /// Only what a payout paid out: without the payout's own `payout`, `payout_failure` and
    /// `payout_cancel` lines (its reconciliation).
    pub paid_out_only: bool,
}

const BTX_COLUMNS: &str = "id, merchant_id, type, amount, fee, net, currency, source, payment_id, status, available_on,
    payout_id, description, created_at";

fn btx_from_row(r: &Row<'_>) -> DbResult<BalanceTxRecord> {
    let status: String = r.get(9)?;
    Ok(BalanceTxRecord {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        kind: named(r, 2, BalanceTxType::parse)?,
        amount: r.get(3)?,
        fee: r.get(4)?,
        net: r.get(5)?,
        currency: r.get(6)?,
        source: r.get(7)?,
        payment_id: r.get(8)?,
        available: status == "available",
        available_on: r.get(10)?,
        payout_id: r.get(11)?,
        description: r.get(12)?,
        created_at: r.get(13)?,
    })
}

fn status_name(available: bool) -> &'static str {
    if available {
        "available"
    } else {
        "pending"
    }
}

fn fee_schedule_query(conn: &Db, merchant_id: &str) -> Result<Option<FeeScheduleRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT merchant_id, percent_bps, fixed_amount, fixed_currency, updated_by, updated_at FROM fee_schedules WHERE merchant_id = ?1",
        )?
        .query_row([merchant_id], |r| {
            Ok(FeeScheduleRecord {
                merchant_id: r.get(0)?,
                percent_bps: r.get(1)?,
                fixed_amount: r.get(2)?,
                fixed_currency: r.get(3)?,
                updated_by: r.get(4)?,
                updated_at: r.get(5)?,
            })
        })
        .optional()?)
}

fn balance_query(conn: &Db, merchant_id: &str) -> Result<Vec<BalanceSums>, StoreError> {
    let mut sums: Vec<BalanceSums> = Vec::new();
    let entry = |sums: &mut Vec<BalanceSums>, currency: &str| -> usize {
        match sums.iter().position(|s| s.currency == currency) {
            Some(i) => i,
            None => {
                sums.push(BalanceSums { currency: currency.to_owned(), ..BalanceSums::default() });
                sums.len() - 1
            }
        }
    };
    let rows = conn
        .prepare_cached(
            "SELECT currency, status, SUM(net) FROM balance_transactions WHERE merchant_id = ?1 GROUP BY currency, status",
        )?
        .query_map([merchant_id], |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<i64>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (currency, status, sum) in rows {
        let i = entry(&mut sums, &currency);
        if status == "available" {
            sums[i].available += sum;
        } else {
            sums[i].pending += sum;
        }
    }
    // Each open claim reserves its amount out of the bucket its sale is in.
    let claims = conn
        .prepare_cached(&format!(
            "SELECT o.currency, c.amount,
                    (SELECT COUNT(*) FROM balance_transactions b WHERE b.payment_id = p.id AND b.status = 'pending')
               FROM claims c JOIN orders o ON o.id = c.order_id JOIN payments p ON p.order_id = o.id
              WHERE c.merchant_id = ?1 AND c.status IN {OPEN_CLAIM_STATUSES}"
        ))?
        .query_map([merchant_id], |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (currency, amount, pending_rows) in claims {
        let i = entry(&mut sums, &currency);
        sums[i].reserved += amount;
        if pending_rows > 0 {
            sums[i].pending -= amount;
        } else {
            sums[i].available -= amount;
        }
    }
    sums.sort_by(|a, b| a.currency.cmp(&b.currency));
    Ok(sums)
}

fn btx_list_query(conn: &Db, filter: &BalanceTxFilter, page: &Page) -> Result<Listed<BalanceTxRecord>, StoreError> {
    let b = page.bounds(conn, "balance_transactions")?;
    let sql = format!(
        "SELECT {BTX_COLUMNS} FROM balance_transactions
          WHERE (?1 IS NULL OR merchant_id = ?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR payout_id = ?3)
            AND (?4 IS NULL OR created_at >= ?4) AND (?5 IS NULL OR created_at <= ?5)
            AND (?6 = 0 OR type NOT IN ('payout', 'payout_failure', 'payout_cancel')) AND (?7 IS NULL OR status = ?7)
            AND {}",
        page.clause(8, "created_at")
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            params![
                filter.merchant_id,
                filter.kind,
                filter.payout_id,
                filter.created_gte,
                filter.created_lte,
                i64::from(filter.paid_out_only),
                filter.status,
                b.low,
                b.high,
                b.created_gte,
                b.created_lte,
                b.fetch
            ],
            btx_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.arrange(rows))
}

impl WriteTx<'_> {
    /// Records a balance transaction.
    pub fn insert_balance_tx(&mut self, b: &BalanceTxRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO balance_transactions ({BTX_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            ))?
            .execute(params![
                b.id,
                b.merchant_id,
                b.kind.name(),
                b.amount,
                b.fee,
                b.net,
                b.currency,
                b.source,
                b.payment_id,
                status_name(b.available),
                b.available_on,
                b.payout_id,
                b.description,
                b.created_at
            ])?;
        Ok(())
    }

    /// A payment's balance transactions, oldest first.
    pub fn balance_txs_of_payment(&mut self, payment_id: &str) -> Result<Vec<BalanceTxRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {BTX_COLUMNS} FROM balance_transactions WHERE payment_id = ?1 ORDER BY rowid"
            ))?
            .query_map([payment_id], btx_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Brings the day a payment's pending transactions become available forward to `at` (never later).
    pub fn make_payment_available_by(&mut self, payment_id: &str, at: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE balance_transactions SET available_on = ?2 WHERE payment_id = ?1 AND status = 'pending' AND available_on > ?2",
            )?
            .execute(params![payment_id, at])?;
        Ok(())
    }

    /// Makes up to `limit` pending transactions whose day has come available; returns them.
    pub fn release_due_balance(&mut self, now: i64, limit: u32) -> Result<Vec<BalanceTxRecord>, StoreError> {
        let due = self
            .conn
            .prepare_cached(&format!(
                "SELECT {BTX_COLUMNS} FROM balance_transactions WHERE status = 'pending' AND available_on <= ?1
                  ORDER BY available_on LIMIT ?2"
            ))?
            .query_map(params![now, limit], btx_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for b in &due {
            self.conn
                .prepare_cached(
                    "UPDATE balance_transactions SET status = 'available' WHERE id = ?1 AND status = 'pending'",
                )?
                .execute([&b.id])?;
        }
        Ok(due)
    }

    /// A seller's balance per currency, as this transaction sees it.
    pub fn balance(&mut self, merchant_id: &str) -> Result<Vec<BalanceSums>, StoreError> {
        balance_query(self.conn, merchant_id)
    }

    /// Links every available transaction of a seller not yet paid out to `payout_id`; returns their sum.
    pub fn link_available_to_payout(
        &mut self,
        merchant_id: &str,
        currency: &str,
        payout_id: &str,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE balance_transactions SET payout_id = ?3
                  WHERE merchant_id = ?1 AND currency = ?2 AND status = 'available' AND payout_id IS NULL",
            )?
            .execute(params![merchant_id, currency, payout_id])?;
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(SUM(net), 0) FROM balance_transactions WHERE payout_id = ?1")?
            .query_row([payout_id], |r| r.get(0))?)
    }

    /// Releases what a payout that did not happen had paid out, for the next payout.
    pub fn unlink_payout(&mut self, payout_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE balance_transactions SET payout_id = NULL
                  WHERE payout_id = ?1 AND type NOT IN ('payout', 'payout_failure', 'payout_cancel')",
            )?
            .execute([payout_id])?;
        Ok(())
    }

    /// A merchant's fee schedule, if operators set one.
    pub fn fee_schedule(&mut self, merchant_id: &str) -> Result<Option<FeeScheduleRecord>, StoreError> {
        fee_schedule_query(self.conn, merchant_id)
    }

    /// Sets a merchant's fee schedule.
    pub fn put_fee_schedule(&mut self, f: &FeeScheduleRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO fee_schedules (merchant_id, percent_bps, fixed_amount, fixed_currency, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (merchant_id) DO UPDATE SET percent_bps = excluded.percent_bps, fixed_amount = excluded.fixed_amount,
                    fixed_currency = excluded.fixed_currency, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )?
            .execute(params![f.merchant_id, f.percent_bps, f.fixed_amount, f.fixed_currency, f.updated_by, f.updated_at])?;
        Ok(())
    }
}

impl ReadTx<'_> {
    /// Sellers with money available and not yet paid out, per currency: `(merchant, currency, sum)`.
    pub fn sellers_with_available(&self, limit: u32) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT merchant_id, currency, SUM(net) FROM balance_transactions
                  WHERE status = 'available' AND payout_id IS NULL
                  GROUP BY merchant_id, currency HAVING SUM(net) > 0 LIMIT ?1",
            )?
            .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// A seller's balance per currency.
    pub fn balance(&self, merchant_id: &str) -> Result<Vec<BalanceSums>, StoreError> {
        balance_query(self.conn, merchant_id)
    }

    /// A page of balance transactions, newest first.
    pub fn balance_transactions(
        &self,
        filter: &BalanceTxFilter,
        page: &Page,
    ) -> Result<Listed<BalanceTxRecord>, StoreError> {
        btx_list_query(self.conn, filter, page)
    }

    /// A balance transaction.
    pub fn balance_transaction(&self, id: &str) -> Result<Option<BalanceTxRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {BTX_COLUMNS} FROM balance_transactions WHERE id = ?1"))?
            .query_row([id], btx_from_row)
            .optional()?)
    }

    /// Every balance transaction that matches, oldest first, handed to `each` one at a time (CSV exports).
    pub fn each_balance_transaction(
        &self,
        filter: &BalanceTxFilter,
        mut each: impl FnMut(&BalanceTxRecord),
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT {BTX_COLUMNS} FROM balance_transactions
              WHERE (?1 IS NULL OR merchant_id = ?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR payout_id = ?3)
                AND (?4 IS NULL OR created_at >= ?4) AND (?5 IS NULL OR created_at <= ?5)
              ORDER BY rowid"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut problem = None;
        stmt.for_each(
            params![filter.merchant_id, filter.kind, filter.payout_id, filter.created_gte, filter.created_lte],
            |row| {
                match btx_from_row(row) {
                    Ok(b) => each(&b),
                    Err(e) => {
                        problem.get_or_insert(e);
                    }
                }
                Ok(())
            },
        )?;
        match problem {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// A merchant's fee schedule, if operators set one.
    pub fn fee_schedule(&self, merchant_id: &str) -> Result<Option<FeeScheduleRecord>, StoreError> {
        fee_schedule_query(self.conn, merchant_id)
    }

    /// Every seller's balance per currency (or only those below zero), lowest first:
    /// `(merchant, shop name, currency, balance)`.
    pub fn seller_balances(&self, negative_only: bool) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT b.merchant_id, m.name, b.currency, SUM(b.net) FROM balance_transactions b
                   JOIN merchants m ON m.id = b.merchant_id
                  GROUP BY b.merchant_id, m.name, b.currency
                 HAVING ?1 = 0 OR SUM(b.net) < 0 ORDER BY SUM(b.net), b.merchant_id",
            )?
            .query_map([i64::from(negative_only)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Breaks of the rules of sellers' money (for the checker): a payable account that differs from
    /// its balance transactions, fees returned beyond the fee taken, a paid payout whose transactions
    /// do not sum to it, a transaction whose net is not its amount less its fee.
    pub fn seller_balance_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mismatched = self
            .conn
            .prepare(
                "SELECT a.owner, a.currency, a.credits_posted - a.debits_posted,
                        (SELECT COALESCE(SUM(b.net), 0) FROM balance_transactions b WHERE b.merchant_id = a.owner AND b.currency = a.currency)
                   FROM ledger_accounts a WHERE a.kind = 'seller_payable'",
            )?
            .query_map((), |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get::<i64>(2)?, r.get::<i64>(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (merchant, currency, ledger, txs) in mismatched {
            if ledger != txs {
                problems.push(format!(
                    "seller {merchant} {currency}: the payable account holds {ledger} but the balance transactions sum to {txs}"
                ));
            }
        }
        let orphans = self
            .conn
            .prepare(
                "SELECT b.merchant_id, b.currency, SUM(b.net) FROM balance_transactions b
                  WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.kind = 'seller_payable' AND a.owner = b.merchant_id AND a.currency = b.currency)
                  GROUP BY b.merchant_id, b.currency HAVING SUM(b.net) != 0",
            )?
            .query_map((), |r| Ok(format!("seller {} {}: balance transactions sum to {} without a payable account", r.get::<String>(0)?, r.get::<String>(1)?, r.get::<i64>(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        problems.extend(orphans);
        let fees = self
            .conn
            .prepare(
                "SELECT payment_id, SUM(CASE WHEN fee > 0 THEN fee ELSE 0 END), SUM(CASE WHEN fee < 0 THEN -fee ELSE 0 END)
                   FROM balance_transactions WHERE payment_id IS NOT NULL GROUP BY payment_id
                 HAVING SUM(CASE WHEN fee < 0 THEN -fee ELSE 0 END) > SUM(CASE WHEN fee > 0 THEN fee ELSE 0 END)",
            )?
            .query_map((), |r| {
                Ok(format!(
                    "payment {}: fees returned {} exceed the fee taken {}",
                    r.get::<String>(0)?,
                    r.get::<i64>(2)?,
                    r.get::<i64>(1)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        problems.extend(fees);
        let payouts = self
            .conn
            .prepare(
                "SELECT p.id, p.amount,
                        (SELECT COALESCE(SUM(b.net), 0) FROM balance_transactions b
                          WHERE b.payout_id = p.id AND b.type NOT IN ('payout', 'payout_failure', 'payout_cancel'))
                   FROM payouts p WHERE p.status IN ('pending', 'in_transit', 'paid')",
            )?
            .query_map((), |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (id, amount, sum) in payouts {
            if amount != sum {
                problems.push(format!("payout {id} of {amount}: its balance transactions sum to {sum}"));
            }
        }
        // A payout carries forward what it leaves (a negative adjustment paid out with it); a positive
        // one would mean it paid out more than was available when it was made.
        let over = self
            .conn
            .prepare(
                "SELECT payout_id, net FROM balance_transactions
                  WHERE type = 'adjustment' AND payout_id IS NOT NULL AND source = payout_id AND net > 0",
            )?
            .query_map((), |r| {
                Ok(format!(
                    "payout {} paid out {} more than was available when it was made",
                    r.get::<String>(0)?,
                    r.get::<i64>(1)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        problems.extend(over);
        let nets = self
            .conn
            .prepare("SELECT id FROM balance_transactions WHERE net != amount - fee")?
            .query_map((), |r| Ok(format!("balance transaction {}: net is not amount less fee", r.get::<String>(0)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        problems.extend(nets);
        Ok(problems)
    }
}
