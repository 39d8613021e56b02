//! Background work on the injected clock: outbox delivery, hold expiry and pruning. Each worker
//! takes a bounded amount of work per tick and runs it through the writer like any command.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use crate::{AppState, Mode};

/// Messages delivered per tick at most.
const OUTBOX_BATCH_MAX: u32 = 256;
/// Holds expired per tick at most.
const HOLD_EXPIRY_BATCH_MAX: usize = 1024;

pub(crate) fn start(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let interval = Duration::from_millis(state.config.worker_interval_ms.max(10));
    vec![tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            run_due_jobs(&state).await;
        }
    })]
}

/// The lease on the background jobs: of several processes on one PostgreSQL database, the holder
/// runs them; if it dies, another takes them over once the lease has lapsed.
pub const JOBS_LEASE: &str = "background-jobs";
/// Runs every job that is due now; also called by `POST /v1/test/clock` after moving the clock.
pub async fn run_due_jobs(state: &AppState) {
    let _one_run_at_a_time = state.jobs.lock().await;
    if state.store.is_postgres() {
        // Another process sharing the key file may have rotated the keys: seal under the active one.
        if let Ok(mut vault) = state.vault.write() {
            if let Err(e) = vault.reload() {
                tracing::warn!(error = %e, "the vault's key file could not be read again");
            }
        }
    }
    if state.store.is_postgres() && !holds_jobs_lease(state).await {
        return;
    }
    deliver_outbox(state).await;
    let now = state.clock.now();
    loop {
        match state.store.write(move |tx| tx.expire_due_holds(now, HOLD_EXPIRY_BATCH_MAX)).await {
            Ok(n) if n == HOLD_EXPIRY_BATCH_MAX => continue,
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(error = %e, "hold expiry failed; retrying on the next tick");
                break;
            }
        }
    }
    loop {
        match state.store.write(move |tx| crate::pocket::expire_due(tx, now)).await {
            Ok(n) if n >= crate::pocket::EXPIRY_BATCH_MAX as usize => continue,
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(code = e.code, "expiring Pocket credit failed; retrying on the next tick");
                break;
            }
        }
    }
    crate::jobs::heal_purchases(state).await;
    crate::jobs::heal_payments(state).await;
    crate::jobs::reauthorize_expiring(state).await;
    crate::jobs::settle_refunds(state).await;
    crate::jobs::decide_late_claims(state).await;
    crate::jobs::finish_interrupted_claim_refunds(state).await;
    crate::balance::run_jobs(state).await;
    crate::jobs::expire_and_erase_reviews(state).await;
    crate::webhooks::start_due(state).await;
    let idempotency_before = now - crate::idempotency::IDEMPOTENCY_RECORD_TTL_S;
    let login_before = now - state.config.login_failure_window_s;
    let pruned = state
        .store
        .write(move |tx| -> Result<usize, store::StoreError> {
            Ok(tx.purge_checkout_cards(now)?
                + tx.prune_idempotency_records(idempotency_before)?
                + tx.prune_login_failures(login_before)?
                + tx.prune_redeem_failures(now - crate::ops::gift_cards::REDEEM_FAILURE_WINDOW_S)?
                + tx.prune_events(now - crate::events::EVENT_RETENTION_S, 500)?)
        })
        .await;
    if let Err(e) = pruned {
        tracing::warn!(error = %e, "pruning failed; retrying on the next tick");
    }
}

/// Takes or renews the jobs' lease (on the wall clock: the test clock may jump); false while another
/// process holds it.
async fn holds_jobs_lease(state: &AppState) -> bool {
    let holder = state.process_id.clone();
    let now_ms = i64::try_from(crate::secrets::unix_millis()).unwrap_or(i64::MAX);
    let ttl_ms = state.config.jobs_lease_ttl_ms.max(1_000);
    match state.store.write(move |tx| tx.take_lease(JOBS_LEASE, &holder, now_ms, ttl_ms)).await {
        Ok(held) => held,
        Err(e) => {
            tracing::warn!(error = %e, "could not take the jobs' lease; trying again on the next tick");
            false
        }
    }
}

/// Gives the jobs' lease back when the process stops, so another takes the jobs over at once.
pub(crate) async fn release_jobs_lease(state: &AppState) {
    if state.store.is_postgres() {
        let holder = state.process_id.clone();
        let _ = state.store.write(move |tx| tx.release_lease(JOBS_LEASE, &holder)).await;
    }
}

/// Delivers queued messages: to the message relay when one is configured (any mode); else, in test
/// mode, to the test inbox (the messages stay readable at `GET /v1/test/inbox`); else (live mode
/// without a relay) they wait, and a warning says so once a minute.
async fn deliver_outbox(state: &AppState) {
    let now = state.clock.now();
    let Ok(messages) = state.store.read(move |tx| tx.undelivered_messages(now, OUTBOX_BATCH_MAX)).await else { return };
    if messages.is_empty() {
        return;
    }
    let Some(relay) = state.relay.clone() else {
        if state.config.mode == Mode::Live {
            static LAST_WARNING: AtomicI64 = AtomicI64::new(i64::MIN);
            if now.saturating_sub(LAST_WARNING.load(Ordering::Relaxed)) >= 60 {
                LAST_WARNING.store(now, Ordering::Relaxed);
                tracing::warn!(waiting = messages.len(), "no message relay is configured; messages wait in the outbox");
            }
            return;
        }
        let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
        for m in &messages {
            // Never the body: it may hold a code.
            tracing::info!(message_id = m.id, channel = %m.channel, subject = %m.subject, "delivered to the test inbox");
        }
        if let Err(e) = state.store.write(move |tx| tx.mark_delivered(&ids, now, false)).await {
            tracing::warn!(error = %e, "marking messages delivered failed");
        }
        return;
    };
    // Live mode erases what a delivered message said (it may be a one-time code); test mode keeps it
    // readable in the test inbox.
    let erase = state.config.mode == Mode::Live;
    for m in messages {
        match relay.send(&m, now).await {
            Ok(()) => {
                tracing::info!(message_id = m.id, channel = %m.channel, subject = %m.subject, "handed to the message relay");
                let id = m.id;
                if let Err(e) = state.store.write(move |tx| tx.mark_delivered(&[id], now, erase)).await {
                    // The relay has it; its idempotency key keeps the next attempt from sending it twice.
                    tracing::warn!(error = %e, message_id = id, "marking a message delivered failed");
                    return;
                }
            }
            Err(e) => {
                let next = now + crate::relay::retry_delay_s(m.attempts);
                tracing::warn!(message_id = m.id, error = %e, retry_in_s = next - now, "the message relay did not take a message");
                let id = m.id;
                let _ = state.store.write(move |tx| tx.delivery_failed(id, next)).await;
                // The relay is down or refusing: the rest waits for the next tick.
                return;
            }
        }
    }
}
