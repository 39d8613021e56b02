//! Persistence of the shop: products (with stock that is never oversold), orders and their items,
//! payments and every attempt to pay.

use domain::checkout::OrderStatus;
use domain::payments::{AttemptStatus, PaymentStatus};

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;

use crate::challenges::{challenge_query, ChallengeRecord};
use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};

/// A product as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRecord {
    pub id: String,
    pub merchant_id: String,
    pub name: String,
    pub description: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub stock: Option<i64>,
    pub created_at: i64,
    /// Integrators' metadata: a JSON object of up to 50 string keys (`{}` when none).
    pub metadata: String,
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItemRecord {
    pub product_id: String,
    pub name: String,
    pub unit_amount: i64,
    pub quantity: i64,
}

/// An order as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: String,
    pub number: String,
    pub buyer_user_id: String,
    pub merchant_id: String,
    pub status: OrderStatus,
    pub amount: i64,
    pub currency: String,
    pub ship_name: String,
    pub ship_line1: String,
    pub ship_line2: Option<String>,
    pub ship_city: String,
    pub ship_state: Option<String>,
    pub ship_postal_code: String,
    pub ship_country: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub canceled_at: Option<i64>,
    /// Integrators' metadata: a JSON object of up to 50 string keys (`{}` when none).
    pub metadata: String,
    /// The checkout (a cart with several sellers) this order is part of.
    pub checkout_id: Option<String>,
}

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: String,
    /// The order it pays; none for a checkout's payment, which pays every order of its checkout
    /// through their parts (payments with both an order and a `checkout_id`).
    pub order_id: Option<String>,
    pub buyer_user_id: String,
    pub status: PaymentStatus,
    pub amount: i64,
    pub currency: String,
    pub pocket_amount: i64,
    pub card_amount: i64,
    pub card_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub hold_id: Option<String>,
    pub authorization_id: Option<String>,
    pub authorization_expires_at: Option<i64>,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub attempt_in_progress: Option<String>,
    pub last_error_code: Option<String>,
    pub last_decline_code: Option<String>,
    pub last_error_message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// What the buyer pays in their own currency, when it differs from the order's: (amount, currency, rate).
    pub presentment: Option<(i64, String, String)>,
    /// Integrators' metadata: a JSON object of up to 50 string keys (`{}` when none).
    pub metadata: String,
    /// The checkout this payment pays (as a whole, or, with an order, that order's part).
    pub checkout_id: Option<String>,
}

impl PaymentRecord {
    /// A payment nothing has been tried for yet (of no order and no checkout until the caller says).
    pub fn unpaid(id: String, buyer_user_id: String, amount: i64, currency: String, now: i64) -> Self {
        PaymentRecord {
            id,
            order_id: None,
            buyer_user_id,
            status: PaymentStatus::RequiresPaymentMethod,
            amount,
            currency,
            pocket_amount: 0,
            card_amount: 0,
            card_id: None,
            card_brand: None,
            card_last4: None,
            hold_id: None,
            authorization_id: None,
            authorization_expires_at: None,
            amount_captured: 0,
            amount_refunded: 0,
            attempt_in_progress: None,
            last_error_code: None,
            last_decline_code: None,
            last_error_message: None,
            created_at: now,
            updated_at: now,
            presentment: None,
            metadata: "{}".into(),
            checkout_id: None,
        }
    }

    /// A checkout's own payment (which pays its orders through their parts): the checkout's id.
    pub fn paying_checkout(&self) -> Option<&str> {
        self.checkout_id.as_deref().filter(|_| self.order_id.is_none())
    }

    /// The card part as the card network sees it: in the buyer's currency when they paid in it.
    pub fn card_amount_charged(&self) -> i64 {
        self.presentment.as_ref().map(|p| p.0).unwrap_or(self.card_amount)
    }

    /// One order's part of a checkout's payment.
    pub fn is_part(&self) -> bool {
        self.checkout_id.is_some() && self.order_id.is_some()
    }

    /// The order it pays (`""` for a checkout's payment, which pays several).
    pub fn order(&self) -> &str {
        self.order_id.as_deref().unwrap_or("")
    }
}

/// One attempt to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub id: String,
    pub payment_id: String,
    pub status: AttemptStatus,
    pub pocket_amount: i64,
    pub card_amount: i64,
    pub card_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub authorization_id: Option<String>,
    pub error_code: Option<String>,
    pub decline_code: Option<String>,
    pub created_at: i64,
}

/// The objects that carry metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataOf {
    Product,
    Order,
    Payment,
    Refund,
}

const PRODUCT_COLUMNS: &str = "id, merchant_id, name, description, amount, currency, stock, created_at, metadata";

fn product_from_row(r: &Row<'_>) -> DbResult<ProductRecord> {
    Ok(ProductRecord {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        amount: r.get(4)?,
        currency: r.get(5)?,
        stock: r.get(6)?,
        created_at: r.get(7)?,
        metadata: r.get(8)?,
    })
}

pub(crate) const ORDER_COLUMNS: &str = "id, number, buyer_user_id, merchant_id, status, amount, currency, ship_name, ship_line1,
    ship_line2, ship_city, ship_state, ship_postal_code, ship_country, carrier, tracking_number, cancel_reason, created_at,
    paid_at, shipped_at, delivered_at, completed_at, canceled_at, metadata, checkout_id";

pub(crate) fn order_from_row(r: &Row<'_>) -> DbResult<OrderRecord> {
    Ok(OrderRecord {
        id: r.get(0)?,
        number: r.get(1)?,
        buyer_user_id: r.get(2)?,
        merchant_id: r.get(3)?,
        status: named(r, 4, OrderStatus::parse)?,
        amount: r.get(5)?,
        currency: r.get(6)?,
        ship_name: r.get(7)?,
        ship_line1: r.get(8)?,
        ship_line2: r.get(9)?,
        ship_city: r.get(10)?,
        ship_state: r.get(11)?,
        ship_postal_code: r.get(12)?,
        ship_country: r.get(13)?,
        carrier: r.get(14)?,
        tracking_number: r.get(15)?,
        cancel_reason: r.get(16)?,
        created_at: r.get(17)?,
        paid_at: r.get(18)?,
        shipped_at: r.get(19)?,
        delivered_at: r.get(20)?,
        completed_at: r.get(21)?,
        canceled_at: r.get(22)?,
        metadata: r.get(23)?,
        checkout_id: r.get(24)?,
    })
}

pub(crate) const PAYMENT_COLUMNS: &str =
    "id, order_id, buyer_user_id, status, amount, currency, pocket_amount, card_amount, card_id,
    card_brand, card_last4, hold_id, authorization_id, authorization_expires_at, amount_captured, amount_refunded,
    attempt_in_progress, last_error_code, last_decline_code, last_error_message, created_at, updated_at,
    presentment_amount, presentment_currency, fx_rate, metadata, checkout_id";

pub(crate) fn payment_from_row(r: &Row<'_>) -> DbResult<PaymentRecord> {
    Ok(PaymentRecord {
        id: r.get(0)?,
        order_id: r.get(1)?,
        buyer_user_id: r.get(2)?,
        status: named(r, 3, PaymentStatus::parse)?,
        amount: r.get(4)?,
        currency: r.get(5)?,
        pocket_amount: r.get(6)?,
        card_amount: r.get(7)?,
        card_id: r.get(8)?,
        card_brand: r.get(9)?,
        card_last4: r.get(10)?,
        hold_id: r.get(11)?,
        authorization_id: r.get(12)?,
        authorization_expires_at: r.get(13)?,
        amount_captured: r.get(14)?,
        amount_refunded: r.get(15)?,
        attempt_in_progress: r.get(16)?,
        last_error_code: r.get(17)?,
        last_decline_code: r.get(18)?,
        last_error_message: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
        presentment: match (r.get::<Option<i64>>(22)?, r.get::<Option<String>>(23)?, r.get::<Option<String>>(24)?) {
            (Some(a), Some(c), Some(rate)) => Some((a, c, rate)),
            _ => None,
        },
        metadata: r.get(25)?,
        checkout_id: r.get(26)?,
    })
}

const ATTEMPT_COLUMNS: &str = "id, payment_id, status, pocket_amount, card_amount, card_id, card_brand, card_last4,
    authorization_id, error_code, decline_code, created_at";

fn attempt_from_row(r: &Row<'_>) -> DbResult<AttemptRecord> {
    Ok(AttemptRecord {
        id: r.get(0)?,
        payment_id: r.get(1)?,
        status: named(r, 2, AttemptStatus::parse)?,
        pocket_amount: r.get(3)?,
        card_amount: r.get(4)?,
        card_id: r.get(5)?,
        card_brand: r.get(6)?,
        card_last4: r.get(7)?,
        authorization_id: r.get(8)?,
        error_code: r.get(9)?,
        decline_code: r.get(10)?,
        created_at: r.get(11)?,
    })
}

fn order_query(conn: &Db, id: &str) -> Result<Option<OrderRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"))?
        .query_row([id], order_from_row)
        .optional()?)
}

fn items_query(conn: &Db, order_id: &str) -> Result<Vec<OrderItemRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT product_id, name, unit_amount, quantity FROM order_items WHERE order_id = ?1 ORDER BY product_id",
        )?
        .query_map([order_id], |r| {
            Ok(OrderItemRecord { product_id: r.get(0)?, name: r.get(1)?, unit_amount: r.get(2)?, quantity: r.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

fn payment_by_order_query(conn: &Db, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE order_id = ?1"))?
        .query_row([order_id], payment_from_row)
        .optional()?)
}

fn payment_query(conn: &Db, id: &str) -> Result<Option<PaymentRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"))?
        .query_row([id], payment_from_row)
        .optional()?)
}

fn attempts_query(conn: &Db, payment_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM payment_attempts WHERE payment_id = ?1 ORDER BY created_at, rowid"
        ))?
        .query_map([payment_id], attempt_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

impl WriteTx<'_> {
    /// The next value of a named counter (1, 2, 3…).
    pub fn next_counter(&mut self, name: &str) -> Result<u64, StoreError> {
        let v: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO counters (name, value) VALUES (?1, 1) ON CONFLICT(name) DO UPDATE SET value = counters.value + 1
                 RETURNING value",
            )?
            .query_row([name], |r| r.get(0))?;
        u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("counter {name} is negative")))
    }

    /// Adds a product.
    pub fn insert_product(&mut self, p: &ProductRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                p.id,
                p.merchant_id,
                p.name,
                p.description,
                p.amount,
                p.currency,
                p.stock,
                p.created_at,
                p.metadata
            ])
            .map_err(|e| duplicate_or(e, "product")).and_then(|n| inserted_or_duplicate(n, "product"))?;
        Ok(())
    }

    /// A product.
    pub fn product(&mut self, id: &str) -> Result<Option<ProductRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"))?
            .query_row([id], product_from_row)
            .optional()?)
    }

    /// Takes `quantity` from a product's stock; false (nothing taken) if there is not enough.
    pub fn take_stock(&mut self, product_id: &str, quantity: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE products SET stock = stock - ?2 WHERE id = ?1 AND stock IS NOT NULL AND stock >= ?2",
            )?
            .execute(params![product_id, quantity])?;
        if n == 1 {
            return Ok(true);
        }
        // Unlimited stock needs nothing taken.
        let unlimited: Option<bool> = self
            .conn
            .prepare_cached("SELECT stock IS NULL FROM products WHERE id = ?1")?
            .query_row([product_id], |r| r.get(0))
            .optional()?;
        Ok(unlimited.unwrap_or(false))
    }

    /// Puts stock back (an order was cancelled).
    pub fn return_stock(&mut self, product_id: &str, quantity: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE products SET stock = stock + ?2 WHERE id = ?1 AND stock IS NOT NULL")?
            .execute(params![product_id, quantity])?;
        Ok(())
    }

    /// Records an order and its items.
    pub fn insert_order(&mut self, o: &OrderRecord, items: &[OrderItemRecord]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                o.id,
                o.number,
                o.buyer_user_id,
                o.merchant_id,
                o.status.name(),
                o.amount,
                o.currency,
                o.ship_name,
                o.ship_line1,
                o.ship_line2,
                o.ship_city,
                o.ship_state,
                o.ship_postal_code,
                o.ship_country,
                o.carrier,
                o.tracking_number,
                o.cancel_reason,
                o.created_at,
                o.paid_at,
                o.shipped_at,
                o.delivered_at,
                o.completed_at,
                o.canceled_at,
                o.metadata,
                o.checkout_id
            ])
            .map_err(|e| duplicate_or(e, "order")).and_then(|n| inserted_or_duplicate(n, "order"))?;
        let mut item = self.conn.prepare_cached(
            "INSERT INTO order_items (order_id, product_id, name, unit_amount, quantity) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for i in items {
            item.execute(params![o.id, i.product_id, i.name, i.unit_amount, i.quantity])?;
        }
        Ok(())
    }

    /// An order.
    pub fn order(&mut self, id: &str) -> Result<Option<OrderRecord>, StoreError> {
        order_query(self.conn, id)
    }

    /// An order's items.
    pub fn order_items(&mut self, order_id: &str) -> Result<Vec<OrderItemRecord>, StoreError> {
        items_query(self.conn, order_id)
    }

    /// Replaces the metadata of a product, an order, a payment or a refund (a JSON object); false
    /// when there is no such object.
    pub fn set_metadata(&mut self, of: MetadataOf, id: &str, metadata: &str) -> Result<bool, StoreError> {
        let table = match of {
            MetadataOf::Product => "products",
            MetadataOf::Order => "orders",
            MetadataOf::Payment => "payments",
            MetadataOf::Refund => "refunds",
        };
        let n = self
            .conn
            .prepare_cached(&format!("UPDATE {table} SET metadata = ?2 WHERE id = ?1"))?
            .execute(params![id, metadata])?;
        Ok(n == 1)
    }

    /// Writes an order's changing fields if it is still in `expected_status`; returns whether it was.
    pub fn update_order(&mut self, o: &OrderRecord, expected_status: OrderStatus) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE orders SET status = ?3, carrier = ?4, tracking_number = ?5, cancel_reason = ?6, paid_at = ?7,
                 shipped_at = ?8, delivered_at = ?9, completed_at = ?10, canceled_at = ?11 WHERE id = ?1 AND status = ?2",
            )?
            .execute(params![
                o.id,
                expected_status.name(),
                o.status.name(),
                o.carrier,
                o.tracking_number,
                o.cancel_reason,
                o.paid_at,
                o.shipped_at,
                o.delivered_at,
                o.completed_at,
                o.canceled_at
            ])?;
        Ok(n == 1)
    }

    /// Records a payment.
    pub fn insert_payment(&mut self, p: &PaymentRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO payments ({PAYMENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                 ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27) ON CONFLICT DO NOTHING"
            ))?
            .execute(params![
                p.id,
                p.order_id,
                p.buyer_user_id,
                p.status.name(),
                p.amount,
                p.currency,
                p.pocket_amount,
                p.card_amount,
                p.card_id,
                p.card_brand,
                p.card_last4,
                p.hold_id,
                p.authorization_id,
                p.authorization_expires_at,
                p.amount_captured,
                p.amount_refunded,
                p.attempt_in_progress,
                p.last_error_code,
                p.last_decline_code,
                p.last_error_message,
                p.created_at,
                p.updated_at,
                p.presentment.as_ref().map(|x| x.0),
                p.presentment.as_ref().map(|x| x.1.clone()),
                p.presentment.as_ref().map(|x| x.2.clone()),
                p.metadata,
                p.checkout_id
            ])
            .map_err(|e| duplicate_or(e, "payment")).and_then(|n| inserted_or_duplicate(n, "payment"))?;
        Ok(())
    }

    /// Writes every changing field of a payment (the amount changes only for a checkout's payment, when
    /// one of its orders was cancelled before it was paid).
    pub fn update_payment(&mut self, p: &PaymentRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE payments SET status = ?2, pocket_amount = ?3, card_amount = ?4, card_id = ?5, card_brand = ?6,
                 card_last4 = ?7, hold_id = ?8, authorization_id = ?9, authorization_expires_at = ?10, amount_captured = ?11,
                 amount_refunded = ?12, attempt_in_progress = ?13, last_error_code = ?14, last_decline_code = ?15,
                 last_error_message = ?16, updated_at = ?17, presentment_amount = ?18, presentment_currency = ?19, fx_rate = ?20,
                 amount = ?21
                 WHERE id = ?1",
            )?
            .execute(params![
                p.id,
                p.status.name(),
                p.pocket_amount,
                p.card_amount,
                p.card_id,
                p.card_brand,
                p.card_last4,
                p.hold_id,
                p.authorization_id,
                p.authorization_expires_at,
                p.amount_captured,
                p.amount_refunded,
                p.attempt_in_progress,
                p.last_error_code,
                p.last_decline_code,
                p.last_error_message,
                p.updated_at,
                p.presentment.as_ref().map(|x| x.0),
                p.presentment.as_ref().map(|x| x.1.clone()),
                p.presentment.as_ref().map(|x| x.2.clone()),
                p.amount
            ])?;
        Ok(())
    }

    /// A payment.
    pub fn payment(&mut self, id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        payment_query(self.conn, id)
    }

    /// The payment of an order.
    pub fn payment_by_order(&mut self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        payment_by_order_query(self.conn, order_id)
    }

    /// Records an attempt.
    pub fn insert_attempt(&mut self, a: &AttemptRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO payment_attempts ({ATTEMPT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))?
            .execute(params![
                a.id,
                a.payment_id,
                a.status.name(),
                a.pocket_amount,
                a.card_amount,
                a.card_id,
                a.card_brand,
                a.card_last4,
                a.authorization_id,
                a.error_code,
                a.decline_code,
                a.created_at
            ])?;
        Ok(())
    }

    /// Ends an attempt.
    pub fn finish_attempt(
        &mut self,
        id: &str,
        status: AttemptStatus,
        authorization_id: Option<&str>,
        error_code: Option<&str>,
        decline_code: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE payment_attempts SET status = ?2, authorization_id = COALESCE(?3, authorization_id), error_code = ?4,
                 decline_code = ?5 WHERE id = ?1",
            )?
            .execute(params![id, status.name(), authorization_id, error_code, decline_code])?;
        Ok(())
    }

    /// A payment's attempts, oldest first.
    pub fn attempts(&mut self, payment_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        attempts_query(self.conn, payment_id)
    }

    /// Payments whose attempt has been open since before `before`.
    pub fn payments_with_open_attempts(&mut self, before: i64, limit: u32) -> Result<Vec<PaymentRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments WHERE attempt_in_progress IS NOT NULL AND updated_at < ?1
                   AND status != 'requires_action' ORDER BY updated_at LIMIT ?2"
            ))?
            .query_map(params![before, limit], payment_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// Authorized payments whose card authorization expires before `before` (a checkout's parts are
    /// renewed with their checkout's payment, never alone).
    pub fn payments_expiring(&mut self, before: i64, limit: u32) -> Result<Vec<PaymentRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments WHERE status = 'requires_capture' AND authorization_expires_at < ?1
                 AND attempt_in_progress IS NULL AND (checkout_id IS NULL OR order_id IS NULL) LIMIT ?2"
            ))?
            .query_map(params![before, limit], payment_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }
}

/// Who is looking at a list of orders.
pub enum OrderViewer<'a> {
    Buyer(&'a str),
    Merchant(&'a str),
    Operator,
}

impl ReadTx<'_> {
    /// An order by its number.
    pub fn order_by_number(&self, number: &str) -> Result<Option<OrderRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = ?1"))?
            .query_row([number], order_from_row)
            .optional()?)
    }

    /// A product.
    pub fn product(&self, id: &str) -> Result<Option<ProductRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"))?
            .query_row([id], product_from_row)
            .optional()?)
    }

    /// Products, newest first: a seller's own when `merchant_id` is given.
    pub fn products(&self, merchant_id: Option<&str>, page: &Page) -> Result<Listed<ProductRecord>, StoreError> {
        let b = page.bounds(self.conn, "products")?;
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE (?1 IS NULL OR merchant_id = ?1) AND {}",
            page.clause(2, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![merchant_id, b.low, b.high, b.created_gte, b.created_lte, b.fetch], product_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// An order.
    pub fn order(&self, id: &str) -> Result<Option<OrderRecord>, StoreError> {
        order_query(self.conn, id)
    }

    /// An order's items.
    pub fn order_items(&self, order_id: &str) -> Result<Vec<OrderItemRecord>, StoreError> {
        items_query(self.conn, order_id)
    }

    /// The orders a viewer may see, newest first, in one status if given.
    pub fn orders(
        &self,
        viewer: &OrderViewer<'_>,
        status: Option<OrderStatus>,
        page: &Page,
    ) -> Result<Listed<OrderRecord>, StoreError> {
        let status = status.map(OrderStatus::name);
        let b = page.bounds(self.conn, "orders")?;
        let (filter, who) = match viewer {
            OrderViewer::Buyer(u) => ("buyer_user_id = ?1", (*u).to_owned()),
            OrderViewer::Merchant(m) => ("merchant_id = ?1", (*m).to_owned()),
            OrderViewer::Operator => ("?1 = ?1", String::new()),
        };
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE {filter} AND (?2 IS NULL OR status = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![who, status, b.low, b.high, b.created_gte, b.created_lte, b.fetch], order_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// A payment.
    pub fn payment(&self, id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        payment_query(self.conn, id)
    }

    /// The payment of an order.
    pub fn payment_by_order(&self, order_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        payment_by_order_query(self.conn, order_id)
    }

    /// A payment's attempts, oldest first.
    pub fn attempts(&self, payment_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        attempts_query(self.conn, payment_id)
    }

    /// The challenge of a payment.
    pub fn challenge(&self, payment_id: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        challenge_query(self.conn, payment_id)
    }

    /// Payments whose captured amount exceeds the authorized one, or refunded the captured (for the checker).
    pub fn payment_amount_problems(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare("SELECT id, amount, amount_captured, amount_refunded FROM payments WHERE amount_captured > amount OR amount_refunded > amount_captured")?
            .query_map((), |r| {
                Ok(format!(
                    "payment {}: authorized {}, captured {}, refunded {}",
                    r.get::<String>(0)?,
                    r.get::<i64>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<i64>(3)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }
}
