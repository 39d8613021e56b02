//! Persistence of users, email verification, sessions, merchants and their API keys, the outbox and
//! idempotency records. Secrets arrive here already hashed or sealed; this module never sees them.

use domain::states::UserStatus;

use crate::db::{params, DbResult, OptionalExtension, Row};
use crate::named::named;
use crate::paging::{Listed, Page};

use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::{ReadTx, StoreError, WriteTx};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub status: UserStatus,
    pub role: String,
    pub phone: Option<String>,
    pub country: String,
    pub currency: String,
    pub created_at: i64,
    /// The language the person chose to read (`en`, `ru` or `es`), if they chose one.
    pub locale: Option<String>,
    /// The IANA time zone times are shown in.
    pub time_zone: String,
}

/// A session as stored (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A merchant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantRecord {
    pub id: String,
    pub owner_user_id: String,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub created_at: i64,
}

/// A message waiting in (or delivered from) the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub code: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    /// Deliveries tried so far.
    pub attempts: i64,
}

/// A new message for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage<'a> {
    pub channel: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub code: Option<&'a str>,
}

/// An idempotency record: the request's fingerprint and its sealed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub fingerprint: Vec<u8>,
    pub status: u16,
    pub sealed_body: Vec<u8>,
    pub created_at: i64,
}

const USER_COLUMNS: &str =
    "id, email, password_hash, status, role, phone, country, currency, created_at, locale, time_zone";

fn user_from_row(r: &Row<'_>) -> DbResult<UserRecord> {
    Ok(UserRecord {
        id: r.get(0)?,
        email: r.get(1)?,
        password_hash: r.get(2)?,
        status: named(r, 3, UserStatus::parse)?,
        role: r.get(4)?,
        phone: r.get(5)?,
        country: r.get(6)?,
        currency: r.get(7)?,
        created_at: r.get(8)?,
        locale: r.get(9)?,
        time_zone: r.get(10)?,
    })
}

pub(crate) fn merchant_from_row(r: &Row<'_>) -> DbResult<MerchantRecord> {
    Ok(MerchantRecord {
        id: r.get(0)?,
        owner_user_id: r.get(1)?,
        name: r.get(2)?,
        country: r.get(3)?,
        currency: r.get(4)?,
        created_at: r.get(5)?,
    })
}

fn outbox_from_row(r: &Row<'_>) -> DbResult<OutboxMessage> {
    Ok(OutboxMessage {
        id: r.get(0)?,
        channel: r.get(1)?,
        recipient: r.get(2)?,
        subject: r.get(3)?,
        body: r.get(4)?,
        code: r.get(5)?,
        created_at: r.get(6)?,
        delivered_at: r.get(7)?,
        attempts: r.get(8)?,
    })
}

impl WriteTx<'_> {
    /// Inserts a user; a taken email answers `Duplicate("email")`.
    pub fn insert_user(&mut self, user: &UserRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                user.id,
                user.email,
                user.password_hash,
                user.status.name(),
                user.role,
                user.phone,
                user.country,
                user.currency,
                user.created_at,
                user.locale,
                user.time_zone
            ])
            .map_err(|e| duplicate_or(e, "email"))
            .and_then(|n| inserted_or_duplicate(n, "email"))?;
        Ok(())
    }

    /// The user with this email, as this transaction sees it.
    pub fn user_by_email(&mut self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"))?
            .query_row([email], user_from_row)
            .optional()?)
    }

    /// Saves a person's preferences: language, time zone and phone.
    pub fn set_user_preferences(
        &mut self,
        user_id: &str,
        locale: Option<&str>,
        time_zone: &str,
        phone: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET locale = ?2, time_zone = ?3, phone = ?4 WHERE id = ?1")?
            .execute(params![user_id, locale, time_zone, phone])?;
        Ok(())
    }

    /// Sets a user's status.
    pub fn set_user_status(&mut self, user_id: &str, status: UserStatus) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET status = ?2 WHERE id = ?1")?
            .execute(params![user_id, status.name()])?;
        Ok(())
    }

    /// Replaces the pending email verification of a user.
    pub fn put_email_verification(
        &mut self,
        user_id: &str,
        code_hash: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO email_verifications (user_id, code_hash, expires_at, failed_attempts) VALUES (?1, ?2, ?3, 0)
                 ON CONFLICT(user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at,
                 failed_attempts = 0",
            )?
            .execute(params![user_id, code_hash, expires_at])?;
        Ok(())
    }

    /// The pending verification: (code hash, expires_at, failed attempts).
    pub fn email_verification(&mut self, user_id: &str) -> Result<Option<(Vec<u8>, i64, i64)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT code_hash, expires_at, failed_attempts FROM email_verifications WHERE user_id = ?1",
            )?
            .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    /// Counts one more wrong code.
    pub fn count_email_verification_failure(&mut self, user_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE email_verifications SET failed_attempts = failed_attempts + 1 WHERE user_id = ?1")?
            .execute([user_id])?;
        Ok(())
    }

    /// Removes a used verification.
    pub fn delete_email_verification(&mut self, user_id: &str) -> Result<(), StoreError> {
        self.conn.prepare_cached("DELETE FROM email_verifications WHERE user_id = ?1")?.execute([user_id])?;
        Ok(())
    }

    /// Stores a new session under the hash of its token.
    pub fn insert_session(&mut self, token_hash: &[u8], session: &SessionRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![token_hash, session.user_id, session.created_at, session.expires_at, session.revoked_at])
            .map_err(|e| duplicate_or(e, "session")).and_then(|n| inserted_or_duplicate(n, "session"))?;
        Ok(())
    }

    /// Ends one session; returns whether it was active.
    pub fn revoke_session(&mut self, token_hash: &[u8], now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached("UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL")?
            .execute(params![token_hash, now])?;
        Ok(n == 1)
    }

    /// Records a failed sign-in for rate limiting (or a sign-in being judged, counted as failed until
    /// it succeeds); returns its row id for [`WriteTx::forget_login_failures`].
    pub fn record_login_failure(&mut self, email: &str, now: i64) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("INSERT INTO login_failures (email, at) VALUES (?1, ?2) RETURNING id")?
            .query_row(params![email, now], |r| r.get(0))?)
    }

    /// Forgets counted sign-in attempts that turned out right.
    pub fn forget_login_failures(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        let mut statement = self.conn.prepare_cached("DELETE FROM login_failures WHERE id = ?1")?;
        for id in ids {
            statement.execute([id])?;
        }
        Ok(())
    }

    /// Forgets old failures (older than `before`).
    pub fn prune_login_failures(&mut self, before: i64) -> Result<usize, StoreError> {
        Ok(self.conn.prepare_cached("DELETE FROM login_failures WHERE at < ?1")?.execute([before])?)
    }

    /// Inserts a merchant.
    pub fn insert_merchant(&mut self, m: &MerchantRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO merchants (id, owner_user_id, name, country, currency, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![m.id, m.owner_user_id, m.name, m.country, m.currency, m.created_at])
            .map_err(|e| duplicate_or(e, "merchant")).and_then(|n| inserted_or_duplicate(n, "merchant"))?;
        Ok(())
    }

    /// Queues a message for delivery; returns its id.
    pub fn enqueue_message(&mut self, m: &NewOutboxMessage<'_>, now: i64) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO outbox (channel, recipient, subject, body, code, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 RETURNING id",
            )?
            .query_row(params![m.channel, m.recipient, m.subject, m.body, m.code, now], |r| r.get(0))?)
    }

    /// Marks messages delivered; with `erase_bodies`, their body and code are erased too (live mode:
    /// a delivered one-time code has no reason to stay in the database).
    pub fn mark_delivered(&mut self, ids: &[i64], now: i64, erase_bodies: bool) -> Result<(), StoreError> {
        let sql = if erase_bodies {
            "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1, body = '', code = NULL WHERE id = ?1"
        } else {
            "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1 WHERE id = ?1"
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        for id in ids {
            stmt.execute(params![id, now])?;
        }
        Ok(())
    }

    /// Counts a failed delivery of a message and sets when to try it again.
    pub fn delivery_failed(&mut self, id: i64, next_attempt_at: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1")?
            .execute(params![id, next_attempt_at])?;
        Ok(())
    }

    /// Stores the response of an idempotent request; a second record for the key answers `Duplicate`.
    /// Records a request's answer under its key. A key only bound so far (by
    /// [`WriteTx::bind_idempotency_key`], for the same request) takes the answer; a key already
    /// answered is a `Duplicate` (another request won the race).
    pub fn insert_idempotency_record(&mut self, key_hash: &[u8], record: &IdempotencyRecord) -> Result<(), StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "INSERT INTO idempotency_records (key_hash, fingerprint, status, sealed_body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key_hash) DO UPDATE SET status = excluded.status, sealed_body = excluded.sealed_body
                 WHERE idempotency_records.status = 0 AND idempotency_records.fingerprint = excluded.fingerprint",
            )?
            .execute(params![key_hash, record.fingerprint, record.status, record.sealed_body, record.created_at])
            .map_err(|e| duplicate_or(e, "idempotency key"))?;
        if changed == 0 {
            return Err(StoreError::Duplicate("idempotency key"));
        }
        Ok(())
    }

    /// Binds a key to the object a multi-step operation works on, in that operation's first step
    /// (status 0: not answered yet). A retry with the key finds the object and resumes the
    /// operation instead of starting a second one. `Duplicate` if the key is bound or answered already.
    pub fn bind_idempotency_key(
        &mut self,
        key_hash: &[u8],
        fingerprint: &[u8],
        resource: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO idempotency_records (key_hash, fingerprint, status, sealed_body, created_at) VALUES (?1, ?2, 0, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![key_hash, fingerprint, resource.as_bytes(), now])
            .map_err(|e| duplicate_or(e, "idempotency key")).and_then(|n| inserted_or_duplicate(n, "idempotency key"))?;
        Ok(())
    }

    /// Deletes idempotency records created before `before`.
    pub fn prune_idempotency_records(&mut self, before: i64) -> Result<usize, StoreError> {
        Ok(self.conn.prepare_cached("DELETE FROM idempotency_records WHERE created_at < ?1")?.execute([before])?)
    }
}

impl ReadTx<'_> {
    /// A user by id.
    pub fn user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
            .query_row([id], user_from_row)
            .optional()?)
    }

    /// A user by email.
    pub fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"))?
            .query_row([email], user_from_row)
            .optional()?)
    }

    /// A session by the hash of its token.
    pub fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT user_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?1")?
            .query_row([token_hash], |r| {
                Ok(SessionRecord {
                    user_id: r.get(0)?,
                    created_at: r.get(1)?,
                    expires_at: r.get(2)?,
                    revoked_at: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Failed sign-ins for an email after `since` (exclusive), and the time of the oldest of them.
    pub fn login_failures_since(&self, email: &str, since: i64) -> Result<(u32, Option<i64>), StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*), min(at) FROM login_failures WHERE email = ?1 AND at > ?2")?
            .query_row(params![email, since], |r| Ok((r.get::<u32>(0)?, r.get(1)?)))?)
    }

    /// A merchant by id.
    pub fn merchant(&self, id: &str) -> Result<Option<MerchantRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, owner_user_id, name, country, currency, created_at FROM merchants WHERE id = ?1",
            )?
            .query_row([id], merchant_from_row)
            .optional()?)
    }

    /// The merchants a user owns, oldest first.
    pub fn merchants_of_owner(&self, user_id: &str) -> Result<Vec<MerchantRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, owner_user_id, name, country, currency, created_at FROM merchants
                  WHERE owner_user_id = ?1 ORDER BY rowid LIMIT 100",
            )?
            .query_map([user_id], merchant_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Messages to a recipient, newest first, one page (cursors are the API's `msg_<n>`).
    pub fn messages_to(&self, recipient: &str, page: &Page) -> Result<Listed<OutboxMessage>, StoreError> {
        let b = page.numbered_bounds("msg_")?;
        let sql = format!(
            "SELECT id, channel, recipient, subject, body, code, created_at, delivered_at, attempts FROM outbox
              WHERE recipient = ?1 AND {}",
            page.clause_by("id", 2, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![recipient, b.low, b.high, b.created_gte, b.created_lte, b.fetch], outbox_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// Undelivered messages due for a (new) attempt at `now`, oldest first.
    pub fn undelivered_messages(&self, now: i64, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT id, channel, recipient, subject, body, code, created_at, delivered_at, attempts FROM outbox
                  WHERE delivered_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY id LIMIT ?2",
            )?
            .query_map(params![now, limit], outbox_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The idempotency record for a key hash.
    pub fn idempotency_record(&self, key_hash: &[u8]) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT fingerprint, status, sealed_body, created_at FROM idempotency_records WHERE key_hash = ?1",
            )?
            .query_row([key_hash], |r| {
                Ok(IdempotencyRecord {
                    fingerprint: r.get(0)?,
                    status: r.get(1)?,
                    sealed_body: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })
            .optional()?)
    }
}

impl WriteTx<'_> {
    /// The idempotency record for a key hash, as this transaction sees it.
    pub fn idempotency_record(&mut self, key_hash: &[u8]) -> Result<Option<IdempotencyRecord>, StoreError> {
        ReadTx { conn: self.conn }.idempotency_record(key_hash)
    }

    /// A merchant by id, as this transaction sees it.
    pub fn merchant(&mut self, id: &str) -> Result<Option<MerchantRecord>, StoreError> {
        ReadTx { conn: self.conn }.merchant(id)
    }

    /// A user by id, as this transaction sees it.
    pub fn user(&mut self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        ReadTx { conn: self.conn }.user(id)
    }
}

impl WriteTx<'_> {
    /// Takes (or renews) the lease `name` for `holder` until `now_ms + ttl_ms`; false while another
    /// holder's lease has not expired. Of several processes on one database, one runs each job.
    pub fn take_lease(&mut self, name: &str, holder: &str, now_ms: i64, ttl_ms: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO job_leases (name, holder, expires_at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms
                 WHERE job_leases.holder = excluded.holder OR job_leases.expires_at_ms <= ?4",
            )?
            .execute(params![name, holder, now_ms.saturating_add(ttl_ms), now_ms])?;
        Ok(n == 1)
    }

    /// Gives the lease back (a process that stops lets another take over at once).
    pub fn release_lease(&mut self, name: &str, holder: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM job_leases WHERE name = ?1 AND holder = ?2")?
            .execute(params![name, holder])?;
        Ok(())
    }

    /// A number for a process starting on this database, different from that of the 1,023 processes
    /// started before it (on SQLite, where one process writes, always 0).
    pub fn register_node(&mut self, now: i64) -> Result<i64, StoreError> {
        if !self.conn.is_pg() {
            return Ok(0);
        }
        let id: i64 = self
            .conn
            .prepare_cached("INSERT INTO store_nodes (started_at) VALUES (?1) RETURNING id")?
            .query_row([now], |r| r.get(0))?;
        Ok(id % 1024)
    }
}

impl WriteTx<'_> {
    /// Keeps a card typed at checkout, sealed, for the payment waiting for its code (replacing one).
    pub fn put_checkout_card(
        &mut self,
        payment_id: &str,
        key_id: u32,
        sealed: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO checkout_cards (payment_id, key_id, sealed, expires_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (payment_id) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed,
                 expires_at = excluded.expires_at",
            )?
            .execute(params![payment_id, key_id, sealed, expires_at])?;
        Ok(())
    }

    /// Takes (reads and erases) the sealed checkout card of a payment: `(key id, sealed)`.
    pub fn take_checkout_card(&mut self, payment_id: &str) -> Result<Option<(u32, Vec<u8>)>, StoreError> {
        let found = self
            .conn
            .prepare_cached("SELECT key_id, sealed FROM checkout_cards WHERE payment_id = ?1")?
            .query_row([payment_id], |r| Ok((r.get::<u32>(0)?, r.get::<Vec<u8>>(1)?)))
            .optional()?;
        if found.is_some() {
            self.conn.prepare_cached("DELETE FROM checkout_cards WHERE payment_id = ?1")?.execute([payment_id])?;
        }
        Ok(found)
    }

    /// Erases the checkout cards whose code expired or whose payment no longer waits for one.
    pub fn purge_checkout_cards(&mut self, now: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "DELETE FROM checkout_cards WHERE expires_at <= ?1
                  OR payment_id NOT IN (SELECT id FROM payments WHERE status = 'requires_action')",
            )?
            .execute([now])?)
    }
}
