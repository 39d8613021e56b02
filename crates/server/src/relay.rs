//! The message relay: how email and SMS leave Pocketpay outside test mode.
//!
//! The outbox worker hands each due message to a relay service that runs beside the server (the
//! operator's bridge to their email and SMS providers) with one HTTP `POST` of JSON:
//! `{"id", "channel": "email"|"sms", "to", "subject", "body", "created_at"}`. The request carries
//! `Idempotency-Key: msg_<id>` (a retry of a message the relay already took must not send it twice) and
//! `Pocketpay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">` under the shared
//! relay secret, so the relay can refuse anything that did not come from this server.
//!
//! A 2xx answer means the relay took the message; anything else (or no answer in
//! [`RELAY_TIMEOUT`]) leaves it in the outbox for a later attempt, [`retry_delay_s`] later. In live
//! mode the relay must listen on this host (a loopback address): bodies hold one-time codes, and the
//! client speaks plain HTTP.

use std::net::IpAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use store::OutboxMessage;

/// How long the relay has to answer one message.
pub const RELAY_TIMEOUT: Duration = Duration::from_secs(5);
/// Shortest relay secret accepted.
pub const RELAY_SECRET_LENGTH_MIN: usize = 32;
/// Longest wait between two attempts at one message.
pub const RETRY_DELAY_MAX_S: i64 = 300;

/// Where and how to reach the relay (`POCKETPAY_MESSAGE_RELAY_URL`, `POCKETPAY_MESSAGE_RELAY_SECRET`).
#[derive(Clone)]
pub struct RelayConfig {
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayConfig").field("url", &self.url).field("secret", &"<redacted>").finish()
    }
}

/// A relay ready to take messages.
pub struct Relay {
    url: String,
    secret: String,
    http: reqwest::Client,
}

/// Why the relay did not take a message.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("the relay answered {0}")]
    Refused(u16),
    #[error("the relay could not be reached: {0}")]
    Unreachable(String),
}

impl Relay {
    /// Checks the configuration: an `http://` address (a loopback one when `loopback_only`) and a
    /// secret of at least [`RELAY_SECRET_LENGTH_MIN`] characters.
    pub fn new(config: &RelayConfig, loopback_only: bool) -> Result<Relay, String> {
        // Parsed as the client will send it, and written plainly: the host right after `http://`
        // (no user name before it, no host guessed from `http:///x`).
        let url = reqwest::Url::parse(&config.url)
            .ok()
            .filter(|u| {
                let host = u.host_str().unwrap_or_default();
                u.scheme() == "http"
                    && !host.is_empty()
                    && config.url.get(7..7 + host.len()).is_some_and(|written| written.eq_ignore_ascii_case(host))
            })
            .ok_or("POCKETPAY_MESSAGE_RELAY_URL must be an http:// address of a relay beside the server")?;
        let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if loopback_only && !loopback {
            return Err(
                "POCKETPAY_MESSAGE_RELAY_URL must name a relay on this host (127.0.0.1, ::1 or localhost) in live mode: messages carry one-time codes".into(),
            );
        }
        if config.secret.chars().count() < RELAY_SECRET_LENGTH_MIN {
            return Err(format!(
                "POCKETPAY_MESSAGE_RELAY_SECRET must be at least {RELAY_SECRET_LENGTH_MIN} characters"
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(RELAY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the relay client could not be built: {e}"))?;
        Ok(Relay { url: config.url.clone(), secret: config.secret.clone(), http })
    }

    /// Hands one message to the relay; `Ok` once it answered 2xx.
    pub async fn send(&self, message: &OutboxMessage, now: i64) -> Result<(), RelayError> {
        let body = serde_json::json!({
            "id": format!("msg_{}", message.id),
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "body": message.body,
            "created_at": message.created_at,
        });
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let answer = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("idempotency-key", format!("msg_{}", message.id))
            .header("pocketpay-signature", signature_header(&self.secret, now, &bytes))
            .body(bytes)
            .send()
            .await
            // Only the kind of failure: the error's text could name the request.
            .map_err(|e| {
                RelayError::Unreachable(if e.is_timeout() { "timed out".into() } else { "connection failed".into() })
            })?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(RelayError::Refused(answer.status().as_u16()))
        }
    }
}

/// `t=<now>,v1=<hex HMAC-SHA-256 of "<now>.<body>">` under `secret`.
pub fn signature_header(secret: &str, now: i64, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(now.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={now},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Seconds to wait before the next attempt at a message tried `attempts` times: 2, 4, 8… up to
/// [`RETRY_DELAY_MAX_S`].
pub fn retry_delay_s(attempts: i64) -> i64 {
    1_i64.checked_shl(u32::try_from(attempts.clamp(0, 20) + 1).unwrap_or(20)).unwrap_or(i64::MAX).min(RETRY_DELAY_MAX_S)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> RelayConfig {
        RelayConfig { url: url.into(), secret: "s".repeat(32) }
    }

    #[test]
    fn addresses_secrets_and_delays() {
        assert!(Relay::new(&config("http://127.0.0.1:8025/messages"), true).is_ok());
        assert!(Relay::new(&config("http://localhost:8025"), true).is_ok());
        assert!(Relay::new(&config("http://[::1]:8025/x"), true).is_ok());
        assert!(Relay::new(&config("http://relay.example.com/x"), true).is_err());
        assert!(Relay::new(&config("http://10.0.0.5:8025/x"), true).is_err());
        assert!(Relay::new(&config("http://relay.internal:8025/x"), false).is_ok());
        assert!(Relay::new(&config("https://127.0.0.1/x"), true).is_err());
        assert!(Relay::new(&config("http:///x"), false).is_err());
        // A user name before the host does not pass for the host.
        assert!(Relay::new(&config("http://127.0.0.1@relay.example.com/x"), true).is_err());
        assert!(Relay::new(&config("http://localhost:8025@relay.example.com/x"), true).is_err());
        assert!(Relay::new(&RelayConfig { url: "http://127.0.0.1:1".into(), secret: "short".into() }, true).is_err());
        assert!(!format!("{:?}", config("http://127.0.0.1:1")).contains("ssss"));
        assert_eq!([0, 1, 2, 7, 8, 100].map(retry_delay_s), [2, 4, 8, 256, 300, 300]);
        let header = signature_header("k", 1_700_000_000, b"{}");
        assert!(header.starts_with("t=1700000000,v1=") && header.len() == "t=1700000000,v1=".len() + 64);
        assert_ne!(header, signature_header("k", 1_700_000_000, b"{ }"));
    }
}
