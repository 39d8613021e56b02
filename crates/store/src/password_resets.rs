//! Persistence of password resets: one pending reset per account (the emailed code only as a keyed
//! hash), and what a completed reset changes at once — the password, every session ended, the failed
//! sign-ins of the account forgotten.

use crate::db::{params, OptionalExtension};
use crate::{StoreError, WriteTx};

/// A pending password reset (the code only as a keyed hash).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordResetRecord {
    pub user_id: String,
    pub code_hash: Vec<u8>,
    pub expires_at: i64,
    pub failed_attempts: i64,
    pub sent_at: i64,
}

impl std::fmt::Debug for PasswordResetRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetRecord")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("failed_attempts", &self.failed_attempts)
            .finish()
    }
}

impl WriteTx<'_> {
    /// Stores a new reset code for the account, replacing any earlier one (whose tries start again).
    pub fn put_password_reset(&mut self, r: &PasswordResetRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO password_resets (user_id, code_hash, expires_at, failed_attempts, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at,
                   failed_attempts = excluded.failed_attempts, sent_at = excluded.sent_at",
            )?
            .execute(params![r.user_id, r.code_hash, r.expires_at, r.failed_attempts, r.sent_at])?;
        Ok(())
    }

    /// The pending reset of an account.
    pub fn password_reset(&mut self, user_id: &str) -> Result<Option<PasswordResetRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user_id, code_hash, expires_at, failed_attempts, sent_at FROM password_resets WHERE user_id = ?1",
            )?
            .query_row([user_id], |r| {
                Ok(PasswordResetRecord {
                    user_id: r.get(0)?,
                    code_hash: r.get(1)?,
                    expires_at: r.get(2)?,
                    failed_attempts: r.get(3)?,
                    sent_at: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// Counts a wrong code.
    pub fn count_password_reset_failure(&mut self, user_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE password_resets SET failed_attempts = failed_attempts + 1 WHERE user_id = ?1")?
            .execute([user_id])?;
        Ok(())
    }

    /// Completes a reset: the new password hash, the reset used up, every session of the account
    /// ended, and the failed sign-ins counted against `email` forgotten (so a lock-out ends too).
    /// Answers how many sessions were ended.
    pub fn complete_password_reset(
        &mut self,
        user_id: &str,
        email: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<usize, StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1")?
            .execute(params![user_id, password_hash])?;
        self.conn.prepare_cached("DELETE FROM password_resets WHERE user_id = ?1")?.execute([user_id])?;
        self.conn.prepare_cached("DELETE FROM login_failures WHERE email = ?1")?.execute([email])?;
        Ok(self
            .conn
            .prepare_cached("UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL")?
            .execute(params![user_id, now])?)
    }
}
