//! Persistence of checkouts: a cart of several sellers' products, one order per seller, paid once.
//! The checkout's payment is a `payments` row without an order; each order's part of it is a
//! `payments` row with its order and the checkout's id.

use crate::db::{params, Db, OptionalExtension};
use crate::ledger::{duplicate_or, inserted_or_duplicate};
use crate::shop::{order_from_row, payment_from_row, OrderRecord, PaymentRecord, ORDER_COLUMNS, PAYMENT_COLUMNS};
use crate::{ReadTx, StoreError, WriteTx};

/// A checkout as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRecord {
    pub id: String,
    pub buyer_user_id: String,
    /// The sum of its orders' amounts.
    pub amount: i64,
    pub currency: String,
    /// Its payment, once the buyer has tried to pay.
    pub payment_id: Option<String>,
    pub created_at: i64,
}

fn checkout_query(conn: &Db, id: &str) -> Result<Option<CheckoutRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, buyer_user_id, amount, currency, payment_id, created_at FROM checkouts WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(CheckoutRecord {
                id: r.get(0)?,
                buyer_user_id: r.get(1)?,
                amount: r.get(2)?,
                currency: r.get(3)?,
                payment_id: r.get(4)?,
                created_at: r.get(5)?,
            })
        })
        .optional()?)
}

fn orders_query(conn: &Db, checkout_id: &str) -> Result<Vec<OrderRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE checkout_id = ?1 ORDER BY number"))?
        .query_map([checkout_id], order_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

fn parts_query(conn: &Db, checkout_id: &str) -> Result<Vec<PaymentRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE checkout_id = ?1 AND order_id IS NOT NULL
              ORDER BY (SELECT number FROM orders WHERE orders.id = payments.order_id)"
        ))?
        .query_map([checkout_id], payment_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

impl WriteTx<'_> {
    /// Records a checkout (its orders are inserted with its id).
    pub fn insert_checkout(&mut self, c: &CheckoutRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO checkouts (id, buyer_user_id, amount, currency, payment_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![c.id, c.buyer_user_id, c.amount, c.currency, c.payment_id, c.created_at])
            .map_err(|e| duplicate_or(e, "checkout"))
            .and_then(|n| inserted_or_duplicate(n, "checkout"))?;
        Ok(())
    }

    /// A checkout.
    pub fn checkout(&mut self, id: &str) -> Result<Option<CheckoutRecord>, StoreError> {
        checkout_query(self.conn, id)
    }

    /// Sets a checkout's amount (once its orders are made).
    pub fn set_checkout_amount(&mut self, checkout_id: &str, amount: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE checkouts SET amount = ?2 WHERE id = ?1")?
            .execute(params![checkout_id, amount])?;
        Ok(())
    }

    /// Links a checkout to its payment.
    pub fn set_checkout_payment(&mut self, checkout_id: &str, payment_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE checkouts SET payment_id = ?2 WHERE id = ?1")?
            .execute(params![checkout_id, payment_id])?;
        Ok(())
    }

    /// A checkout's orders, by number.
    pub fn checkout_orders(&mut self, checkout_id: &str) -> Result<Vec<OrderRecord>, StoreError> {
        orders_query(self.conn, checkout_id)
    }

    /// The parts of a checkout's payment, one per order that has one, in the order of the orders'
    /// numbers (so that shares split over them are the same every time).
    pub fn checkout_parts(&mut self, checkout_id: &str) -> Result<Vec<PaymentRecord>, StoreError> {
        parts_query(self.conn, checkout_id)
    }
}

impl ReadTx<'_> {
    /// A checkout.
    pub fn checkout(&self, id: &str) -> Result<Option<CheckoutRecord>, StoreError> {
        checkout_query(self.conn, id)
    }

    /// A checkout's orders, by number.
    pub fn checkout_orders(&self, checkout_id: &str) -> Result<Vec<OrderRecord>, StoreError> {
        orders_query(self.conn, checkout_id)
    }

    /// The parts of a checkout's payment, one per order that has one.
    pub fn checkout_parts(&self, checkout_id: &str) -> Result<Vec<PaymentRecord>, StoreError> {
        parts_query(self.conn, checkout_id)
    }
}
