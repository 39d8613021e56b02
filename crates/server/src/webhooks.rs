//! Webhook delivery: the worker takes due deliveries from the outbox (`webhook_deliveries`), holds
//! them so no other worker or process sends them meanwhile, and sends each in a task of its own — a
//! slow or dead endpoint never delays another, the jobs, or the API — as `POST <url>` with the event,
//! `Pocketpay-Event-Id` and `Pocketpay-Signature: t=…,v1=…` (HMAC-SHA-256 of `"<t>.<body>"` under the
//! endpoint's secret, Stripe's scheme). A 2xx within 10 s succeeds; anything else is tried again later
//! (1 minute, 5 minutes, 30 minutes, 2 hours, 5 hours, then every 10 hours) until 3 days after the first
//! try; then the endpoint is disabled and its owner emailed. At least once: a receiver deduplicates by
//! event id.
//!
//! Safety: an endpoint's address is checked when it is set and again before every attempt, after
//! resolving its name, and the request goes to the address checked (no second resolution). In live
//! mode only `https://` to public addresses: never loopback, private, link-local (the cloud metadata
//! address), shared, multicast or unspecified ones; test mode also allows `http://` and loopback.
//! Redirects are not followed. At most [`RESPONSE_BYTES_MAX`] of an answer is read, and none is stored.

use domain::states::DeliveryStatus;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use store::{DeliveryRecord, WebhookEndpointRecord};

use crate::secrets::{random_id, ServerSecret};
use crate::AppState;

/// How long a receiver has to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries stop this long after the first attempt; the endpoint is then disabled.
pub const RETRY_WINDOW_S: i64 = 3 * 86_400;
/// The most of an answer read (then dropped).
pub const RESPONSE_BYTES_MAX: usize = 4096;
/// Deliveries started per tick at most.
const DELIVERY_BATCH_MAX: u32 = 200;
/// A worker holds a delivery this long (wall clock) while it sends it.
const HOLD_MS: i64 = 30_000;

/// Seconds before attempt `attempt + 1` after attempt `attempt` failed.
pub fn retry_delay_s(attempt: i64) -> i64 {
    match attempt {
        ..=1 => 60,
        2 => 300,
        3 => 1_800,
        4 => 7_200,
        5 => 18_000,
        _ => 36_000,
    }
}

/// Why an address may not receive webhooks.
#[derive(Debug, Clone)]
pub struct Refused(pub crate::i18n::Msg);

/// Checks a URL's form: `https://` (or, in test mode, `http://`), a host, no user name or password.
pub fn check_url(text: &str, live: bool) -> Result<reqwest::Url, Refused> {
    let url = reqwest::Url::parse(text.trim()).map_err(|_| Refused(crate::msg!("err-webhook-url-invalid")))?;
    match url.scheme() {
        "https" => {}
        "http" if !live => {}
        _ => {
            return Err(Refused(if live {
                crate::msg!("err-webhook-url-https")
            } else {
                crate::msg!("err-webhook-url-http-or-https")
            }))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Refused(crate::msg!("err-webhook-url-no-host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused(crate::msg!("err-webhook-url-credentials")));
    }
    if text.len() > 2048 {
        return Err(Refused(crate::msg!("err-webhook-url-too-long")));
    }
    Ok(url)
}

/// Whether an address is on the public internet (not loopback, private, link-local, shared, multicast,
/// documentation, benchmarking or unspecified; an IPv4-mapped IPv6 address is judged as its IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (18..20).contains(&o[1]))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b)
        }
    }
}

/// The addresses a URL may be sent to: its host resolved by `resolve`, every address allowed (live:
/// public only; test mode: public or loopback). One forbidden address refuses the URL.
pub async fn allowed_addresses<F, Fut>(url: &reqwest::Url, live: bool, resolve: F) -> Result<Vec<SocketAddr>, Refused>
where
    F: FnOnce(String, u16) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<Vec<SocketAddr>>>,
{
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => resolve(host, port).await.map_err(|_| Refused(crate::msg!("err-webhook-url-unresolved")))?,
    };
    if addresses.is_empty() {
        return Err(Refused(crate::msg!("err-webhook-url-unresolved")));
    }
    for a in &addresses {
        let ip = a.ip();
        let allowed = is_public(ip) || (!live && ip.is_loopback());
        if !allowed {
            return Err(Refused(if live {
                crate::msg!("err-webhook-url-private")
            } else {
                crate::msg!("err-webhook-url-private-test")
            }));
        }
    }
    Ok(addresses)
}

/// Resolves with the system resolver.
pub async fn system_resolve(host: String, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    Ok(tokio::net::lookup_host((host.as_str(), port)).await?.collect())
}

/// The key that seals an endpoint's signing secret (the server secret, bound to the endpoint id):
/// a reader of the database alone cannot sign.
pub fn secret_key(server: &ServerSecret, endpoint_id: &str) -> [u8; 32] {
    let hash = server.keyed_hash("webhook-endpoint-secret", endpoint_id.as_bytes());
    let mut key = [0u8; 32];
    for (k, h) in key.iter_mut().zip(hash) {
        *k = h;
    }
    key
}

/// A new signing secret: `whsec_` and 32 random bytes in hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&crate::secrets::random_u64().to_le_bytes());
    }
    format!("whsec_{}", hex::encode(bytes))
}

/// Starts every delivery due now, each in its own task; returns at once.
pub async fn start_due(state: &AppState) {
    let now = state.clock.now();
    let wall_ms = i64::try_from(crate::secrets::unix_millis()).unwrap_or(i64::MAX);
    let due =
        state.store.write(move |tx| tx.claim_due_deliveries(now, wall_ms, wall_ms + HOLD_MS, DELIVERY_BATCH_MAX)).await;
    let due = match due {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "webhook deliveries could not be taken; trying again on the next tick");
            return;
        }
    };
    for delivery in due {
        let state = state.clone();
        tokio::spawn(async move { attempt(&state, delivery).await });
    }
}

/// The outcome of one attempt.
struct Outcome {
    status: Option<u16>,
    duration_ms: i64,
    error: Option<String>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

async fn attempt(state: &AppState, delivery: DeliveryRecord) {
    let (eid, wid) = (delivery.event_id.clone(), delivery.endpoint_id.clone());
    let found = state.store.read(move |tx| Ok((tx.event(&eid)?, tx.endpoint(&wid)?))).await;
    let (event, endpoint) = match found {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "a webhook delivery could not be read; trying again later");
            return;
        }
    };
    let outcome = match (event, endpoint) {
        (Some(event), Some(endpoint)) if endpoint.status.receives() => send(state, &event, &endpoint).await,
        _ => Outcome { status: None, duration_ms: 0, error: Some("the endpoint is disabled or deleted".into()) },
    };
    let now = state.clock.now();
    let recorded = state.store.write(move |tx| record(tx, delivery, outcome, now)).await;
    if let Err(e) = recorded {
        tracing::warn!(code = e.code, "a webhook delivery's outcome could not be recorded; it will be sent again");
    }
}

async fn send(state: &AppState, event: &store::EventRecord, endpoint: &WebhookEndpointRecord) -> Outcome {
    let started = Instant::now();
    let failed = |error: &str| Outcome {
        status: None,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        error: Some(error.to_owned()),
    };
    let live = state.config.live_mode();
    let Ok(url) = check_url(&endpoint.url, live) else { return failed("the URL is no longer allowed") };
    let addresses = match allowed_addresses(&url, live, system_resolve).await {
        Ok(a) => a,
        Err(Refused(why)) => return failed(&why.text_in(crate::i18n::Locale::En)),
    };
    let key = secret_key(&state.secret, &endpoint.id);
    let Some(secret) = crate::secrets::open_once(&key, &endpoint.secret_sealed).and_then(|s| String::from_utf8(s).ok())
    else {
        tracing::error!(endpoint = %endpoint.id, "a webhook endpoint's secret could not be opened");
        return failed("the endpoint's secret could not be opened");
    };
    let body = crate::events::event_json(event).to_string().into_bytes();
    let signature = crate::relay::signature_header(&secret, state.clock.now(), &body);
    let host = url.host_str().unwrap_or_default().to_owned();
    // The request goes to the address just checked: the name is not resolved a second time.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DELIVERY_TIMEOUT)
        .resolve_to_addrs(&host, &addresses)
        .build();
    let Ok(client) = client else { return failed("no HTTP client") };
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "Pocketpay-Webhooks/1")
        .header("pocketpay-event-id", &event.id)
        .header("pocketpay-signature", signature)
        .body(body)
        .send()
        .await;
    match answer {
        Ok(mut response) => {
            let status = response.status().as_u16();
            // Read a little of the answer (so the connection ends cleanly), keep none of it.
            let mut read = 0usize;
            while read < RESPONSE_BYTES_MAX {
                match tokio::time::timeout(Duration::from_secs(2), response.chunk()).await {
                    Ok(Ok(Some(chunk))) => read += chunk.len(),
                    _ => break,
                }
            }
            Outcome {
                status: Some(status),
                duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
                error: None,
            }
        }
        Err(e) => failed(if e.is_timeout() { "timed out" } else { "could not connect" }),
    }
}

/// Records an attempt; schedules the next, or, 3 days after the first, disables the endpoint and
/// tells its owner.
fn record(
    tx: &mut store::WriteTx<'_>,
    mut delivery: DeliveryRecord,
    outcome: Outcome,
    now: i64,
) -> Result<(), crate::error::ApiError> {
    delivery.status = delivery.status.answered(outcome.succeeded()).map_err(crate::error::lifecycle_bug)?;
    delivery.response_status = outcome.status.map(i64::from);
    delivery.duration_ms = Some(outcome.duration_ms);
    delivery.error = outcome.error.clone();
    delivery.updated_at = now;
    if !tx.settle_delivery(&delivery)? || outcome.succeeded() {
        return Ok(());
    }
    let Some(mut endpoint) = tx.endpoint(&delivery.endpoint_id)? else { return Ok(()) };
    if !endpoint.status.receives() {
        return Ok(());
    }
    let next = now + retry_delay_s(delivery.attempt);
    if next <= delivery.first_attempt_at + RETRY_WINDOW_S {
        tx.insert_delivery(&DeliveryRecord {
            id: random_id("whd"),
            attempt: delivery.attempt + 1,
            status: DeliveryStatus::Pending,
            response_status: None,
            duration_ms: None,
            error: None,
            next_attempt_at: Some(next),
            claimed_until_ms: 0,
            created_at: now,
            updated_at: now,
            ..delivery
        })?;
        return Ok(());
    }
    endpoint.status = endpoint.status.disable().map_err(crate::error::lifecycle_bug)?;
    endpoint.updated_at = now;
    tx.update_endpoint(&endpoint)?;
    tracing::warn!(endpoint = %endpoint.id, "a webhook endpoint failed for 3 days and was disabled");
    let text =
        crate::msg!("message-endpoint-disabled-body", endpoint = endpoint.id.clone(), url = endpoint.url.clone());
    match &endpoint.merchant_id {
        Some(m) => crate::balance::tell_seller(tx, m, crate::msg!("message-endpoint-disabled-subject"), &[text], now),
        None => {
            if let Some(user) = tx.user(&endpoint.created_by)? {
                let locale = crate::i18n::locale_of(user.locale.as_deref());
                tx.enqueue_message(
                    &store::NewOutboxMessage {
                        channel: "email",
                        recipient: &user.email,
                        subject: &crate::tr_in!(locale, "message-endpoint-disabled-operators-subject"),
                        body: &text.text_in(locale),
                        code: None,
                    },
                    now,
                )?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn fake(host: String, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        let ip: IpAddr = match host.as_str() {
            "internal.example" => "10.1.2.3".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
            "metadata.example" => "169.254.169.254".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
            "mixed.example" => {
                return Ok(vec![
                    SocketAddr::from(([93, 184, 216, 34], port)),
                    SocketAddr::from(([192, 168, 1, 1], port)),
                ])
            }
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            _ => IpAddr::from([93, 184, 216, 34]),
        };
        Ok(vec![SocketAddr::new(ip, port)])
    }

    async fn allowed(url: &str, live: bool) -> bool {
        match check_url(url, live) {
            Ok(u) => allowed_addresses(&u, live, fake).await.is_ok(),
            Err(_) => false,
        }
    }

    #[tokio::test]
    async fn live_mode_takes_https_to_public_addresses_only() {
        assert!(allowed("https://hooks.example.com/pocketpay", true).await);
        for refused in [
            "http://hooks.example.com/x",
            "https://127.0.0.1/x",
            "https://localhost/x",
            "https://10.0.0.8/x",
            "https://172.16.5.4/x",
            "https://192.168.0.10/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://internal.example/x",
            "https://metadata.example/x",
            "https://mixed.example/x",
            "https://user:pass@hooks.example.com/x",
            "ftp://hooks.example.com/x",
            "not a url",
        ] {
            assert!(!allowed(refused, true).await, "{refused}");
        }
    }

    #[tokio::test]
    async fn test_mode_also_takes_http_and_loopback_but_not_private() {
        assert!(allowed("http://127.0.0.1:9000/hook", false).await);
        assert!(allowed("http://localhost:9000/hook", false).await);
        assert!(allowed("http://[::1]:9000/hook", false).await);
        assert!(allowed("http://hooks.example.com/x", false).await);
        assert!(!allowed("http://10.0.0.8/x", false).await);
        assert!(!allowed("http://169.254.169.254/x", false).await);
        assert!(!allowed("http://internal.example/x", false).await);
    }

    #[test]
    fn retries_grow_and_stay_within_three_days() {
        let mut at = 0;
        let mut attempts = 1;
        while at + retry_delay_s(attempts) <= RETRY_WINDOW_S {
            at += retry_delay_s(attempts);
            attempts += 1;
        }
        assert!((8..=12).contains(&attempts), "{attempts} attempts in 3 days");
        assert!(retry_delay_s(1) < retry_delay_s(2) && retry_delay_s(5) < retry_delay_s(6));
        assert!(new_secret().starts_with("whsec_") && new_secret().len() == 6 + 64 && new_secret() != new_secret());
    }
}
