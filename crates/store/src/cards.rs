//! Persistence of saved cards: the number only as the vault sealed it (with its key id), the
//! fingerprint, and what may be shown (brand, last 4, expiry, billing address, checks).

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::paging::{Listed, Page};

use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::{ReadTx, StoreError, WriteTx};

/// A billing address as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub postal_code: String,
    pub country: String,
}

/// A saved card as stored. `ciphertext` is the vault's sealed number; nothing here is a secret in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    pub id: String,
    pub user_id: String,
    pub fingerprint: String,
    pub key_id: u32,
    pub ciphertext: Vec<u8>,
    pub brand: String,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
    pub funding: String,
    pub country: String,
    pub holder_name: String,
    pub billing: AddressRecord,
    pub cvc_check: String,
    pub line1_check: String,
    pub postal_check: String,
    pub is_default: bool,
    pub blocked_at: Option<i64>,
    pub created_at: i64,
}

/// A card blocked for one user by its fingerprint (it stays blocked however it is presented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedCardRecord {
    pub id: String,
    pub user_id: String,
    pub fingerprint: String,
    pub brand: String,
    pub last4: String,
    /// The payment whose report blocked it.
    pub payment_id: Option<String>,
    pub blocked_at: i64,
}

const BLOCKED_CARD_COLUMNS: &str = "id, user_id, fingerprint, brand, last4, payment_id, blocked_at";

fn blocked_card_from_row(r: &Row<'_>) -> DbResult<BlockedCardRecord> {
    Ok(BlockedCardRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        fingerprint: r.get(2)?,
        brand: r.get(3)?,
        last4: r.get(4)?,
        payment_id: r.get(5)?,
        blocked_at: r.get(6)?,
    })
}

const CARD_COLUMNS: &str = "id, user_id, fingerprint, key_id, ciphertext, brand, last4, exp_month, exp_year, funding, country,
    holder_name, line1, line2, city, state, postal_code, address_country, cvc_check, line1_check, postal_check, is_default,
    blocked_at, created_at";

fn card_from_row(r: &Row<'_>) -> DbResult<CardRecord> {
    Ok(CardRecord {
        id: r.get(0)?,
        user_id: r.get(1)?,
        fingerprint: r.get(2)?,
        key_id: r.get(3)?,
        ciphertext: r.get(4)?,
        brand: r.get(5)?,
        last4: r.get(6)?,
        exp_month: r.get(7)?,
        exp_year: r.get(8)?,
        funding: r.get(9)?,
        country: r.get(10)?,
        holder_name: r.get(11)?,
        billing: AddressRecord {
            line1: r.get(12)?,
            line2: r.get(13)?,
            city: r.get(14)?,
            state: r.get(15)?,
            postal_code: r.get(16)?,
            country: r.get(17)?,
        },
        cvc_check: r.get(18)?,
        line1_check: r.get(19)?,
        postal_check: r.get(20)?,
        is_default: r.get(21)?,
        blocked_at: r.get(22)?,
        created_at: r.get(23)?,
    })
}

fn card_query(conn: &Db, user_id: &str, card_id: &str) -> Result<Option<CardRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL"
        ))?
        .query_row(params![card_id, user_id], card_from_row)
        .optional()?)
}

impl WriteTx<'_> {
    /// Blocks a card for a user by its fingerprint (and the saved card with it, if any); a card
    /// already blocked stays as it was.
    pub fn block_fingerprint(&mut self, b: &BlockedCardRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO blocked_cards ({BLOCKED_CARD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![b.id, b.user_id, b.fingerprint, b.brand, b.last4, b.payment_id, b.blocked_at])?;
        self.conn
            .prepare_cached(
                "UPDATE cards SET blocked_at = ?3 WHERE user_id = ?1 AND fingerprint = ?2 AND blocked_at IS NULL",
            )?
            .execute(params![b.user_id, b.fingerprint, b.blocked_at])?;
        Ok(())
    }

    /// Lifts a block (an operator's decision): the card may be used again, saved or typed.
    pub fn unblock_card(&mut self, blocked_id: &str) -> Result<Option<BlockedCardRecord>, StoreError> {
        let Some(b) = self
            .conn
            .prepare_cached(&format!("SELECT {BLOCKED_CARD_COLUMNS} FROM blocked_cards WHERE id = ?1"))?
            .query_row([blocked_id], blocked_card_from_row)
            .optional()?
        else {
            return Ok(None);
        };
        self.conn.prepare_cached("DELETE FROM blocked_cards WHERE id = ?1")?.execute([blocked_id])?;
        self.conn
            .prepare_cached("UPDATE cards SET blocked_at = NULL WHERE user_id = ?1 AND fingerprint = ?2")?
            .execute(params![b.user_id, b.fingerprint])?;
        Ok(Some(b))
    }

    /// Remembers the fingerprint of the card typed (not saved) for a payment, for a later report.
    pub fn record_payment_card_fingerprint(&mut self, payment_id: &str, fingerprint: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO payment_card_fingerprints (payment_id, fingerprint) VALUES (?1, ?2)
                 ON CONFLICT (payment_id) DO UPDATE SET fingerprint = excluded.fingerprint",
            )?
            .execute(params![payment_id, fingerprint])?;
        Ok(())
    }

    /// Saves a card; the same card (fingerprint) twice for one user answers `Duplicate("card")`.
    pub fn insert_card(&mut self, c: &CardRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO cards ({CARD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                c.id,
                c.user_id,
                c.fingerprint,
                c.key_id,
                c.ciphertext,
                c.brand,
                c.last4,
                c.exp_month,
                c.exp_year,
                c.funding,
                c.country,
                c.holder_name,
                c.billing.line1,
                c.billing.line2,
                c.billing.city,
                c.billing.state,
                c.billing.postal_code,
                c.billing.country,
                c.cvc_check,
                c.line1_check,
                c.postal_check,
                c.is_default,
                c.blocked_at,
                c.created_at
            ])
            .map_err(|e| duplicate_or(e, "card")).and_then(|n| inserted_or_duplicate(n, "card"))?;
        Ok(())
    }

    /// A live card of this user.
    pub fn card(&mut self, user_id: &str, card_id: &str) -> Result<Option<CardRecord>, StoreError> {
        card_query(self.conn, user_id, card_id)
    }

    /// A live card of this user with this fingerprint.
    pub fn card_by_fingerprint(&mut self, user_id: &str, fingerprint: &str) -> Result<Option<CardRecord>, StoreError> {
        card_by_fingerprint_query(self.conn, user_id, fingerprint)
    }

    /// The id of the user's newest live card.
    pub fn newest_card_id(&mut self, user_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM cards WHERE user_id = ?1 AND deleted_at IS NULL ORDER BY rowid DESC LIMIT 1",
            )?
            .query_row([user_id], |r| r.get(0))
            .optional()?)
    }

    /// How many live cards the user has.
    pub fn card_count(&mut self, user_id: &str) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM cards WHERE user_id = ?1 AND deleted_at IS NULL")?
            .query_row([user_id], |r| r.get(0))?)
    }

    /// Makes one card the user's default (and no other).
    pub fn set_default_card(&mut self, user_id: &str, card_id: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE cards SET is_default = CASE WHEN id = ?2 THEN 1 ELSE 0 END WHERE user_id = ?1 AND deleted_at IS NULL")?
            .execute(params![user_id, card_id])?;
        Ok(())
    }

    /// Writes the editable fields of a card (expiry and billing address).
    pub fn update_card_details(&mut self, c: &CardRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE cards SET exp_month = ?3, exp_year = ?4, line1 = ?5, line2 = ?6, city = ?7, state = ?8, postal_code = ?9,
                 address_country = ?10 WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL",
            )?
            .execute(params![
                c.id,
                c.user_id,
                c.exp_month,
                c.exp_year,
                c.billing.line1,
                c.billing.line2,
                c.billing.city,
                c.billing.state,
                c.billing.postal_code,
                c.billing.country
            ])?;
        Ok(())
    }

    /// Removes a card for good; returns whether it was live. Its sealed number is erased.
    pub fn delete_card(&mut self, user_id: &str, card_id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE cards SET deleted_at = ?3, is_default = 0, ciphertext = ?4 WHERE id = ?1 AND user_id = ?2 AND deleted_at IS NULL",
            )?
            .execute(params![card_id, user_id, now, Vec::<u8>::new()])?;
        Ok(n == 1)
    }

    /// Blocks a card (it can no longer pay).
    pub fn block_card(&mut self, card_id: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE cards SET blocked_at = ?2 WHERE id = ?1 AND blocked_at IS NULL")?
            .execute(params![card_id, now])?;
        Ok(())
    }

    /// Live cards sealed under a key other than `active_key_id`: (id, key id, ciphertext).
    pub fn cards_to_reseal(
        &mut self,
        active_key_id: u32,
        limit: u32,
    ) -> Result<Vec<(String, u32, Vec<u8>)>, StoreError> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT id, key_id, ciphertext FROM cards WHERE key_id != ?1 AND deleted_at IS NULL LIMIT ?2",
            )?
            .query_map(params![active_key_id, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Replaces a card's sealed number if it is still under `old_key_id`; returns whether it did.
    pub fn reseal_card(
        &mut self,
        card_id: &str,
        old_key_id: u32,
        new_key_id: u32,
        ciphertext: &[u8],
    ) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE cards SET key_id = ?3, ciphertext = ?4 WHERE id = ?1 AND key_id = ?2 AND deleted_at IS NULL",
            )?
            .execute(params![card_id, old_key_id, new_key_id, ciphertext])?;
        Ok(n == 1)
    }
}

fn card_by_fingerprint_query(conn: &Db, user_id: &str, fingerprint: &str) -> Result<Option<CardRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards WHERE user_id = ?1 AND fingerprint = ?2 AND deleted_at IS NULL"
        ))?
        .query_row(params![user_id, fingerprint], card_from_row)
        .optional()?)
}

impl ReadTx<'_> {
    /// The block on this card for this user, if any.
    pub fn blocked_card(&self, user_id: &str, fingerprint: &str) -> Result<Option<BlockedCardRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {BLOCKED_CARD_COLUMNS} FROM blocked_cards WHERE user_id = ?1 AND fingerprint = ?2"
            ))?
            .query_row(params![user_id, fingerprint], blocked_card_from_row)
            .optional()?)
    }

    /// Blocked cards (one user's, or everyone's), newest first.
    ///
    /// The table has no insertion order on PostgreSQL, so the list pages by `(blocked_at, id)`: the
    /// cursor stands for that pair.
    pub fn blocked_cards(&self, user_id: Option<&str>, page: &Page) -> Result<Listed<BlockedCardRecord>, StoreError> {
        let at = |id: &Option<String>| -> Result<Option<(i64, String)>, StoreError> {
            match id {
                None => Ok(None),
                Some(id) => self
                    .conn
                    .prepare_cached("SELECT blocked_at FROM blocked_cards WHERE id = ?1")?
                    .query_row([id.as_str()], |r| r.get(0))
                    .optional()?
                    .map(|t: i64| Some((t, id.clone())))
                    .ok_or(StoreError::UnknownCursor),
            }
        };
        let (after, before) = (at(&page.after)?, at(&page.before)?);
        let (order, cursor) = match (&after, &before) {
            (_, Some(c)) => ("ASC", Some((c.clone(), ">"))),
            (Some(c), None) => ("DESC", Some((c.clone(), "<"))),
            (None, None) => ("DESC", None),
        };
        let op = cursor.as_ref().map_or("<", |c| c.1);
        let ((t, id), has_cursor) = match cursor {
            Some((c, _)) => (c, 1_i64),
            None => ((0, String::new()), 0),
        };
        let sql = format!(
            "SELECT {BLOCKED_CARD_COLUMNS} FROM blocked_cards WHERE (?1 IS NULL OR user_id = ?1)
               AND (?2 = 0 OR (blocked_at, id) {op} (?3, ?4))
               AND (?5 IS NULL OR blocked_at >= ?5) AND (?6 IS NULL OR blocked_at <= ?6)
             ORDER BY blocked_at {order}, id {order} LIMIT ?7"
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![user_id, has_cursor, t, id, page.created_gte, page.created_lte, i64::from(page.limit) + 1],
                blocked_card_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// The fingerprint of the card a payment was made with: the saved card's, or the typed card's.
    pub fn payment_card_fingerprint(&self, payment_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT fingerprint FROM payment_card_fingerprints WHERE payment_id = ?1
                 UNION ALL SELECT c.fingerprint FROM payments p JOIN cards c ON c.id = p.card_id WHERE p.id = ?1
                 LIMIT 1",
            )?
            .query_row([payment_id], |r| r.get(0))
            .optional()?)
    }

    /// A live card of this user with this fingerprint.
    pub fn card_by_fingerprint(&self, user_id: &str, fingerprint: &str) -> Result<Option<CardRecord>, StoreError> {
        card_by_fingerprint_query(self.conn, user_id, fingerprint)
    }

    /// A live card of this user.
    pub fn card(&self, user_id: &str, card_id: &str) -> Result<Option<CardRecord>, StoreError> {
        card_query(self.conn, user_id, card_id)
    }

    /// The user's live cards, newest first, after the card `starting_after` if given.
    pub fn cards(&self, user_id: &str, page: &Page) -> Result<Listed<CardRecord>, StoreError> {
        let b = page.bounds_with(|id| {
            self.conn
                .prepare_cached("SELECT rowid FROM cards WHERE id = ?1 AND user_id = ?2")?
                .query_row(params![id, user_id], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::UnknownCursor)
        })?;
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards WHERE user_id = ?1 AND deleted_at IS NULL AND {}",
            page.clause(2, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![user_id, b.low, b.high, b.created_gte, b.created_lte, b.fetch], card_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// How many live cards are sealed under `key_id`.
    pub fn cards_under_key(&self, key_id: u32) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM cards WHERE key_id = ?1 AND deleted_at IS NULL)
                       + (SELECT count(*) FROM bank_accounts WHERE key_id = ?1 AND deleted_at IS NULL)
                       + (SELECT count(*) FROM document_reviews WHERE document_key_id = ?1 AND document IS NOT NULL)",
            )?
            .query_row([key_id], |r| r.get(0))?)
    }
}
