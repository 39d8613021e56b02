//! Persistence of sellers' API keys: only each key's hash, with an id, a name, the last four
//! characters to recognise it by, an expiry (a rolled key works until then) and its last use.

use crate::accounts::merchant_from_row;
use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::{MerchantRecord, ReadTx, StoreError, WriteTx};

/// An API key, without the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: String,
    pub key_hash: Vec<u8>,
    pub merchant_id: String,
    pub name: String,
    pub last4: String,
    pub mode: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiKeyRecord {
    /// Whether the key lets its holder in at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| t > now)
    }
}

/// How long a key that stopped working stays in its seller's list.
pub const ENDED_KEYS_SHOWN_S: i64 = 30 * 86_400;

const KEY_COLUMNS: &str =
    "id, key_hash, merchant_id, name, last4, mode, created_at, expires_at, revoked_at, last_used_at";

fn key_from_row(r: &Row<'_>) -> DbResult<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: r.get(0)?,
        key_hash: r.get(1)?,
        merchant_id: r.get(2)?,
        name: r.get(3)?,
        last4: r.get(4)?,
        mode: r.get(5)?,
        created_at: r.get(6)?,
        expires_at: r.get(7)?,
        revoked_at: r.get(8)?,
        last_used_at: r.get(9)?,
    })
}

fn key_query(conn: &Db, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1"))?
        .query_row([id], key_from_row)
        .optional()?)
}

fn keys_query(conn: &Db, merchant_id: &str, now: i64) -> Result<Vec<ApiKeyRecord>, StoreError> {
    let since = now - ENDED_KEYS_SHOWN_S;
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE merchant_id = ?1
               AND (revoked_at IS NULL OR revoked_at > ?2) AND (expires_at IS NULL OR expires_at > ?2)
             ORDER BY created_at DESC, id DESC"
        ))?
        .query_map(params![merchant_id, since], key_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

impl ReadTx<'_> {
    /// The merchant a secret key belongs to, and the key, if the key works at `now`.
    pub fn merchant_by_key(
        &self,
        key_hash: &[u8],
        now: i64,
    ) -> Result<Option<(MerchantRecord, ApiKeyRecord)>, StoreError> {
        let Some(key) = self
            .conn
            .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = ?1"))?
            .query_row([key_hash], key_from_row)
            .optional()?
        else {
            return Ok(None);
        };
        if !key.is_live(now) {
            return Ok(None);
        }
        let merchant = self
            .conn
            .prepare_cached(
                "SELECT id, owner_user_id, name, country, currency, created_at FROM merchants WHERE id = ?1",
            )?
            .query_row([key.merchant_id.as_str()], merchant_from_row)
            .optional()?;
        Ok(merchant.map(|m| (m, key)))
    }

    /// A key by its id.
    pub fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        key_query(self.conn, id)
    }

    /// A seller's keys, newest first: those that work, and those that stopped in the last 30 days.
    pub fn api_keys(&self, merchant_id: &str, now: i64) -> Result<Vec<ApiKeyRecord>, StoreError> {
        keys_query(self.conn, merchant_id, now)
    }
}

impl WriteTx<'_> {
    /// Stores a new key (by its hash).
    pub fn insert_api_key(&mut self, k: &ApiKeyRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                k.id,
                k.key_hash,
                k.merchant_id,
                k.name,
                k.last4,
                k.mode,
                k.created_at,
                k.expires_at,
                k.revoked_at,
                k.last_used_at
            ])
            .map_err(|e| duplicate_or(e, "api key"))
            .and_then(|n| inserted_or_duplicate(n, "api key"))?;
        Ok(())
    }

    /// A key by its id.
    pub fn api_key(&mut self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        key_query(self.conn, id)
    }

    /// A seller's keys (see [`ReadTx::api_keys`]).
    pub fn api_keys(&mut self, merchant_id: &str, now: i64) -> Result<Vec<ApiKeyRecord>, StoreError> {
        keys_query(self.conn, merchant_id, now)
    }

    /// Makes a key stop working at `at`, unless it stops sooner already; false if it had ended.
    pub fn expire_api_key(&mut self, id: &str, at: i64, now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE api_keys SET expires_at = ?2 WHERE id = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR (expires_at > ?3 AND expires_at > ?2))",
            )?
            .execute(params![id, at, now])?;
        Ok(n == 1)
    }

    /// Revokes a key at once; false if it had ended already.
    pub fn revoke_api_key(&mut self, id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > ?2)",
            )?
            .execute(params![id, now])?;
        Ok(n == 1)
    }

    /// Records that a key was used at `now` (never moving the time back).
    pub fn touch_api_key(&mut self, id: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
            )?
            .execute(params![id, now])?;
        Ok(())
    }
}
