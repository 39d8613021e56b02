//! The writer's account cache: a command reads and changes the cached copy of an account, every change
//! is undone if its savepoint rolls back, and the changed accounts are written once per batch, just
//! before the commit (see `ledger.rs` for the ledger's persistence, which uses it, and `writer.rs`,
//! which owns it). Kept apart so that the writer and the ledger both depend on it and not on each other.

use std::collections::{HashMap, HashSet};

use domain::ledger::{Account, AccountFlags, AccountId};
use domain::money::Currency;

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::StoreError;

/// Sizes of the writer's account cache, for tests and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerCacheStats {
    pub entries: usize,
    pub dirty: usize,
}

pub(crate) struct LedgerCache {
    accounts: HashMap<AccountId, Account>,
    dirty: HashSet<AccountId>,
    /// Previous values of changed accounts, newest last, for savepoint rollback.
    undo: Vec<(AccountId, Option<Account>, bool)>,
    entries_max: usize,
    /// Which account a (kind, owner, currency) names, as committed. An account never changes kind,
    /// owner or currency and is never deleted, so this holds across batches and across processes.
    owners: HashMap<(String, String, String), AccountId>,
    /// What this batch has learned of `owners`; kept once the batch commits, forgotten if a
    /// savepoint rolls back (the account may have been opened in it) or the batch fails.
    owners_pending: Vec<((String, String, String), AccountId)>,
}

impl LedgerCache {
    /// An account just opened in this batch: cached clean (its row was written at insert), and
    /// forgotten if the savepoint that opened it rolls back.
    pub(crate) fn opened(&mut self, account: Account) {
        self.undo.push((account.id, None, false));
        self.accounts.insert(account.id, account);
    }

    /// Which account a (kind, owner, currency) names, learned in this batch; kept once it commits.
    pub(crate) fn learn_owner(&mut self, key: (String, String, String), id: AccountId) {
        self.owners_pending.push((key, id));
    }

    pub(crate) fn new(entries_max: usize) -> Self {
        Self {
            accounts: HashMap::new(),
            dirty: HashSet::new(),
            undo: Vec::new(),
            entries_max,
            owners: HashMap::new(),
            owners_pending: Vec::new(),
        }
    }

    pub(crate) fn owner(&self, key: &(String, String, String)) -> Option<AccountId> {
        self.owners
            .get(key)
            .copied()
            .or_else(|| self.owners_pending.iter().rev().find(|(k, _)| k == key).map(|(_, id)| *id))
    }

    pub(crate) fn mark(&self) -> usize {
        self.undo.len()
    }

    pub(crate) fn rollback_to(&mut self, mark: usize) {
        self.owners_pending.clear();
        while self.undo.len() > mark {
            let Some((id, previous, was_dirty)) = self.undo.pop() else { break };
            match previous {
                Some(a) => {
                    self.accounts.insert(id, a);
                }
                None => {
                    self.accounts.remove(&id);
                }
            }
            if !was_dirty {
                self.dirty.remove(&id);
            }
        }
    }

    pub(crate) fn put(&mut self, account: Account) {
        let id = account.id;
        let was_dirty = self.dirty.contains(&id);
        let previous = self.accounts.insert(id, account);
        self.undo.push((id, previous, was_dirty));
        self.dirty.insert(id);
    }

    /// Loads into the cache without marking dirty (the row is as stored).
    pub(crate) fn load(&mut self, conn: &Db, id: AccountId) -> Result<Option<Account>, StoreError> {
        if let Some(a) = self.accounts.get(&id) {
            return Ok(Some(a.clone()));
        }
        let found = conn
            .prepare_cached(
                "SELECT id, currency, flags, debits_posted, credits_posted, debits_pending, credits_pending
                   FROM ledger_accounts WHERE id = ?1",
            )?
            .query_row([id.0], account_from_row)
            .optional()?;
        match found {
            Some(a) => {
                let a = a?;
                // A load is a change as far as rollback goes: it must vanish with a rolled-back creation.
                self.undo.push((id, None, false));
                self.accounts.insert(id, a.clone());
                Ok(Some(a))
            }
            None => Ok(None),
        }
    }

    pub(crate) fn flush(&mut self, conn: &Db) -> Result<(), StoreError> {
        let mut update = conn.prepare_cached(
            "UPDATE ledger_accounts SET debits_posted = ?2, credits_posted = ?3, debits_pending = ?4, credits_pending = ?5
              WHERE id = ?1",
        )?;
        for id in &self.dirty {
            if let Some(a) = self.accounts.get(id) {
                let changed = update.execute(params![
                    a.id.0,
                    a.debits_posted,
                    a.credits_posted,
                    a.debits_pending,
                    a.credits_pending
                ])?;
                if changed != 1 {
                    return Err(StoreError::Corrupt(format!("account {} vanished", a.id.0)));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn committed(&mut self) {
        self.dirty.clear();
        self.undo.clear();
        if self.owners.len() > self.entries_max {
            self.owners.clear();
        }
        for (key, id) in self.owners_pending.drain(..) {
            self.owners.insert(key, id);
        }
        if self.accounts.len() > self.entries_max {
            self.accounts.clear();
        }
    }

    /// Forgets the balances (and what an unfinished batch learned); the committed owner index stays.
    pub(crate) fn clear(&mut self) {
        self.accounts.clear();
        self.dirty.clear();
        self.undo.clear();
        self.owners_pending.clear();
    }

    /// Forgets everything, the owner index too: the next connection may be to another server (a
    /// promoted standby), which holds only what was replicated to it.
    pub(crate) fn forget_all(&mut self) {
        self.clear();
        self.owners.clear();
    }

    pub(crate) fn stats(&self) -> LedgerCacheStats {
        LedgerCacheStats { entries: self.accounts.len(), dirty: self.dirty.len() }
    }
}

pub(crate) fn account_from_row(row: &Row<'_>) -> DbResult<Result<Account, StoreError>> {
    let currency: String = row.get(1)?;
    let flags: i64 = row.get(2)?;
    let id = AccountId(row.get(0)?);
    let account = (|| {
        Ok(Account {
            id,
            currency: Currency::parse(&currency).map_err(|e| StoreError::Corrupt(format!("account {}: {e}", id.0)))?,
            flags: AccountFlags::from_bits(flags)?,
            debits_posted: row.get(3)?,
            credits_posted: row.get(4)?,
            debits_pending: row.get(5)?,
            credits_pending: row.get(6)?,
        })
    })();
    Ok(account)
}
