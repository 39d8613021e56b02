//! Persistence of events and webhooks: an event is written in the transaction of the change it
//! reports, and with it one pending delivery for every enabled endpoint that wants it — the outbox
//! the delivery worker empties. Each delivery attempt is a row (`attempt` 1, 2, …), so an endpoint's
//! log shows every try with its answer. Endpoint secrets are stored sealed by the server.

use domain::states::{DeliveryStatus, EndpointStatus};

use crate::db::{params, Db, DbResult, OptionalExtension, Row};
use crate::named::named;
use crate::paging::{Listed, Page};
use crate::{ReadTx, StoreError, WriteTx};

/// An event as stored; `data` is the JSON of the object at the moment of the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: String,
    pub kind: String,
    /// The seller it concerns (`None`: the platform's only).
    pub merchant_id: Option<String>,
    /// Shown to operators only (never to the seller).
    pub operators_only: bool,
    pub data: String,
    pub created_at: i64,
}

/// A webhook endpoint of a seller (`merchant_id`) or of the operators (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpointRecord {
    pub id: String,
    pub merchant_id: Option<String>,
    pub url: String,
    pub description: Option<String>,
    /// Event types, comma-separated; `*` for all.
    pub enabled_events: String,
    /// `enabled` or `disabled`.
    pub status: EndpointStatus,
    pub secret_sealed: Vec<u8>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
}

impl WebhookEndpointRecord {
    /// Whether this endpoint wants events of `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.enabled_events.split(',').any(|e| e == "*" || e == kind)
    }
}

/// One attempt to deliver an event to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub attempt: i64,
    /// `pending`, `succeeded` or `failed`.
    pub status: DeliveryStatus,
    pub response_status: Option<i64>,
    pub duration_ms: Option<i64>,
    /// Why an attempt failed without an HTTP answer (timeout, refused, a forbidden address).
    pub error: Option<String>,
    pub next_attempt_at: Option<i64>,
    /// When the first attempt of this event to this endpoint was due (retries stop 3 days after it).
    pub first_attempt_at: i64,
    /// A worker holds it until then (wall-clock milliseconds): no second worker sends it meanwhile.
    pub claimed_until_ms: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Filters of the event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// A seller's events only (their own, never the operators' only).
    pub merchant_id: Option<String>,
    pub kind: Option<String>,
}

const EVENT_COLUMNS: &str = "id, type, merchant_id, operators_only, data, created_at";

fn event_from_row(r: &Row<'_>) -> DbResult<EventRecord> {
    Ok(EventRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        merchant_id: r.get(2)?,
        operators_only: r.get::<i64>(3)? != 0,
        data: r.get(4)?,
        created_at: r.get(5)?,
    })
}

const ENDPOINT_COLUMNS: &str =
    "id, merchant_id, url, description, enabled_events, status, secret_sealed, created_by, created_at, updated_at, deleted_at";

fn endpoint_from_row(r: &Row<'_>) -> DbResult<WebhookEndpointRecord> {
    Ok(WebhookEndpointRecord {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        url: r.get(2)?,
        description: r.get(3)?,
        enabled_events: r.get(4)?,
        status: named(r, 5, EndpointStatus::parse)?,
        secret_sealed: r.get(6)?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        deleted_at: r.get(10)?,
    })
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, attempt, status, response_status, duration_ms, error,
    next_attempt_at, first_attempt_at, claimed_until_ms, created_at, updated_at";

fn delivery_from_row(r: &Row<'_>) -> DbResult<DeliveryRecord> {
    Ok(DeliveryRecord {
        id: r.get(0)?,
        endpoint_id: r.get(1)?,
        event_id: r.get(2)?,
        attempt: r.get(3)?,
        status: named(r, 4, DeliveryStatus::parse)?,
        response_status: r.get(5)?,
        duration_ms: r.get(6)?,
        error: r.get(7)?,
        next_attempt_at: r.get(8)?,
        first_attempt_at: r.get(9)?,
        claimed_until_ms: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

fn event_query(conn: &Db, id: &str) -> Result<Option<EventRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"))?
        .query_row([id], event_from_row)
        .optional()?)
}

fn endpoint_query(conn: &Db, id: &str) -> Result<Option<WebhookEndpointRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?1 AND deleted_at IS NULL"
        ))?
        .query_row([id], endpoint_from_row)
        .optional()?)
}

impl WriteTx<'_> {
    /// Records an event, and a pending delivery (due at `now`) for each enabled endpoint that wants
    /// it: the seller's own endpoints, and the operators'. Returns how many deliveries were queued.
    pub fn insert_event(
        &mut self,
        e: &EventRecord,
        new_delivery_id: &mut dyn FnMut() -> String,
    ) -> Result<usize, StoreError> {
        self.conn
            .prepare_cached(&format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))?
            .execute(params![e.id, e.kind, e.merchant_id, i64::from(e.operators_only), e.data, e.created_at])?;
        let seller = if e.operators_only { None } else { e.merchant_id.clone() };
        let endpoints = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints
                  WHERE status = 'enabled' AND deleted_at IS NULL AND (merchant_id IS NULL OR merchant_id = ?1)"
            ))?
            .query_map(params![seller], endpoint_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut queued = 0;
        for endpoint in endpoints.iter().filter(|w| w.wants(&e.kind)) {
            self.insert_delivery(&DeliveryRecord {
                id: new_delivery_id(),
                endpoint_id: endpoint.id.clone(),
                event_id: e.id.clone(),
                attempt: 1,
                status: DeliveryStatus::Pending,
                response_status: None,
                duration_ms: None,
                error: None,
                next_attempt_at: Some(e.created_at),
                first_attempt_at: e.created_at,
                claimed_until_ms: 0,
                created_at: e.created_at,
                updated_at: e.created_at,
            })?;
            queued += 1;
        }
        Ok(queued)
    }

    /// Records a delivery attempt.
    pub fn insert_delivery(&mut self, d: &DeliveryRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?
            .execute(params![
                d.id,
                d.endpoint_id,
                d.event_id,
                d.attempt,
                d.status.name(),
                d.response_status,
                d.duration_ms,
                d.error,
                d.next_attempt_at,
                d.first_attempt_at,
                d.claimed_until_ms,
                d.created_at,
                d.updated_at
            ])?;
        Ok(())
    }

    /// Records the outcome of an attempt that is still pending; false if it was settled meanwhile.
    pub fn settle_delivery(&mut self, d: &DeliveryRecord) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET status = ?2, response_status = ?3, duration_ms = ?4, error = ?5,
                        next_attempt_at = NULL, updated_at = ?6
                  WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![d.id, d.status.name(), d.response_status, d.duration_ms, d.error, d.updated_at])?
            == 1)
    }

    /// Takes up to `limit` pending deliveries due at `now` that no worker holds, and holds them until
    /// `hold_until_ms` (wall clock), so that another worker or process does not send them meanwhile.
    pub fn claim_due_deliveries(
        &mut self,
        now: i64,
        wall_ms: i64,
        hold_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let due = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
                  WHERE status = 'pending' AND next_attempt_at <= ?1 AND claimed_until_ms < ?2
                  ORDER BY next_attempt_at LIMIT ?3"
            ))?
            .query_map(params![now, wall_ms, limit], delivery_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for d in &due {
            self.conn
                .prepare_cached("UPDATE webhook_deliveries SET claimed_until_ms = ?2 WHERE id = ?1")?
                .execute(params![d.id, hold_until_ms])?;
        }
        Ok(due)
    }

    /// An event.
    pub fn event(&mut self, id: &str) -> Result<Option<EventRecord>, StoreError> {
        event_query(self.conn, id)
    }

    /// Records a webhook endpoint.
    pub fn insert_endpoint(&mut self, w: &WebhookEndpointRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO webhook_endpoints ({ENDPOINT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?
            .execute(params![
                w.id,
                w.merchant_id,
                w.url,
                w.description,
                w.enabled_events,
                w.status.name(),
                w.secret_sealed,
                w.created_by,
                w.created_at,
                w.updated_at,
                w.deleted_at
            ])?;
        Ok(())
    }

    /// Changes an endpoint's URL, events, description, status or deletion.
    pub fn update_endpoint(&mut self, w: &WebhookEndpointRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE webhook_endpoints SET url = ?2, description = ?3, enabled_events = ?4, status = ?5, updated_at = ?6,
                        deleted_at = ?7
                  WHERE id = ?1",
            )?
            .execute(params![w.id, w.url, w.description, w.enabled_events, w.status.name(), w.updated_at, w.deleted_at])?;
        if !w.status.receives() || w.deleted_at.is_some() {
            // A disabled or deleted endpoint is sent nothing more.
            self.conn
                .prepare_cached(
                    "UPDATE webhook_deliveries SET status = 'failed', error = 'the endpoint is disabled', next_attempt_at = NULL,
                            updated_at = ?2
                      WHERE endpoint_id = ?1 AND status = 'pending'",
                )?
                .execute(params![w.id, w.updated_at])?;
        }
        Ok(())
    }

    /// A webhook endpoint (not deleted).
    pub fn endpoint(&mut self, id: &str) -> Result<Option<WebhookEndpointRecord>, StoreError> {
        endpoint_query(self.conn, id)
    }

    /// Deletes events older than `before` that no delivery still waits for, with their delivery logs;
    /// returns how many events.
    pub fn prune_events(&mut self, before: i64, limit: u32) -> Result<usize, StoreError> {
        let old = self
            .conn
            .prepare_cached(
                "SELECT id FROM events e WHERE created_at < ?1
                    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
                  LIMIT ?2",
            )?
            .query_map(params![before, limit], |r| r.get::<String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        for id in &old {
            self.conn.prepare_cached("DELETE FROM webhook_deliveries WHERE event_id = ?1")?.execute([id])?;
            self.conn.prepare_cached("DELETE FROM events WHERE id = ?1")?.execute([id])?;
        }
        Ok(old.len())
    }
}

impl ReadTx<'_> {
    /// An event.
    pub fn event(&self, id: &str) -> Result<Option<EventRecord>, StoreError> {
        event_query(self.conn, id)
    }

    /// A page of events, newest first.
    pub fn events(&self, f: &EventFilter, page: &Page) -> Result<Listed<EventRecord>, StoreError> {
        let b = page.bounds(self.conn, "events")?;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE (?1 IS NULL OR (merchant_id = ?1 AND operators_only = 0)) AND (?2 IS NULL OR type = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![f.merchant_id, f.kind, b.low, b.high, b.created_gte, b.created_lte, b.fetch],
                event_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// A webhook endpoint (not deleted).
    pub fn endpoint(&self, id: &str) -> Result<Option<WebhookEndpointRecord>, StoreError> {
        endpoint_query(self.conn, id)
    }

    /// The endpoints of a seller (or, with `None`, the operators'), newest first.
    pub fn endpoints(&self, merchant_id: Option<&str>) -> Result<Vec<WebhookEndpointRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints
                  WHERE deleted_at IS NULL AND ((?1 IS NULL AND merchant_id IS NULL) OR merchant_id = ?1)
                  ORDER BY rowid DESC"
            ))?
            .query_map(params![merchant_id], endpoint_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// A page of an endpoint's delivery attempts, newest first.
    pub fn deliveries(
        &self,
        endpoint_id: &str,
        status: Option<&str>,
        page: &Page,
    ) -> Result<Listed<DeliveryRecord>, StoreError> {
        let b = page.bounds(self.conn, "webhook_deliveries")?;
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ?1 AND (?2 IS NULL OR status = ?2) AND {}",
            page.clause(3, "created_at")
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![endpoint_id, status, b.low, b.high, b.created_gte, b.created_lte, b.fetch],
                delivery_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.arrange(rows))
    }

    /// A delivery attempt.
    pub fn delivery(&self, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?1"))?
            .query_row([id], delivery_from_row)
            .optional()?)
    }
}

impl ReadTx<'_> {
    /// What waits to be sent: messages (emails, SMS) not yet delivered, and webhook deliveries not
    /// yet settled (for metrics; both are read through their partial indexes' conditions).
    pub fn outbox_backlog(&self) -> Result<(i64, i64), StoreError> {
        let messages: i64 =
            self.conn.query_row("SELECT count(*) FROM outbox WHERE delivered_at IS NULL", (), |r| r.get(0))?;
        let deliveries: i64 =
            self.conn
                .query_row("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'", (), |r| r.get(0))?;
        Ok((messages, deliveries))
    }
}
