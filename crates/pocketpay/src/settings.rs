//! `serve`'s settings. Every `POCKETPAY_*` variable the server reads is an argument here, with clap's
//! `env`, so `pocketpay serve --help` lists them all with what they do (secrets' values are never
//! shown); each is checked with a message that names it, and a bad one stops the server before it
//! serves. Prefer the environment for secrets: command lines show in process lists.

use std::path::PathBuf;

use server::{Mode, ServerConfig};

#[derive(clap::Args)]
pub struct Settings {
    /// Which logs to write: a level (error, warn, info, debug, trace) or directives such as
    /// `pocketpay=debug,warn`. An invalid filter stops the server.
    #[arg(long = "log", env = "POCKETPAY_LOG", value_name = "FILTER", default_value = "info")]
    pub log: String,
    /// 64 hex characters keying the hashes of codes and idempotency records (test mode generates one
    /// into the data directory; live mode requires it).
    #[arg(long, env = "POCKETPAY_SECRET", hide_env_values = true, value_name = "HEX")]
    secret: Option<String>,
    /// The vault's keys, `fingerprint <hex>; key 1 <hex>; active 1` (test mode generates a key file).
    #[arg(long, env = "POCKETPAY_VAULT_KEYS", hide_env_values = true, value_name = "RING")]
    vault_keys: Option<String>,
    /// The card issuer's URL (`pocketpay issuer serve`); without it, test mode runs the test issuer in process.
    #[arg(long, env = "POCKETPAY_ISSUER_URL", value_name = "URL")]
    issuer_url: Option<String>,
    /// Where email and SMS go: the operator's message relay (signed `POST`s).
    #[arg(long, env = "POCKETPAY_MESSAGE_RELAY_URL", value_name = "URL")]
    message_relay_url: Option<String>,
    /// The relay's signing secret (required with the relay's URL).
    #[arg(long, env = "POCKETPAY_MESSAGE_RELAY_SECRET", hide_env_values = true, value_name = "SECRET")]
    message_relay_secret: Option<String>,
    /// A card payment above this amount (USD cents) needs a one-time code [default: 50000].
    #[arg(long, env = "POCKETPAY_STEP_UP_AMOUNT_MINOR", value_name = "MINOR")]
    step_up_amount_minor: Option<String>,
    /// The window of the velocity rule, in seconds [default: 600].
    #[arg(long, env = "POCKETPAY_VELOCITY_WINDOW_S", value_name = "SECONDS")]
    velocity_window_s: Option<String>,
    /// Payments in the window from which a code is asked [default: 5].
    #[arg(long, env = "POCKETPAY_VELOCITY_COUNT_MAX", value_name = "COUNT")]
    velocity_count_max: Option<String>,
    /// 1: a card typed at checkout needs a code; 0: it does not [default: 1].
    #[arg(long, env = "POCKETPAY_STEP_UP_NEW_CARDS", value_name = "0|1")]
    step_up_new_cards: Option<String>,
    /// What one buyer may spend per day, in USD cents [default: 500000].
    #[arg(long, env = "POCKETPAY_DAILY_LIMIT_MINOR", value_name = "MINOR")]
    daily_limit_minor: Option<String>,
    /// What one buyer may spend per month, in USD cents [default: 2000000].
    #[arg(long, env = "POCKETPAY_MONTHLY_LIMIT_MINOR", value_name = "MINOR")]
    monthly_limit_minor: Option<String>,
    /// A card payment above this amount (minor units) waits for an ID document an operator reviews;
    /// `off` for never [default: 150000].
    #[arg(long, env = "POCKETPAY_DOCUMENT_REVIEW_AMOUNT_MINOR", value_name = "MINOR|off")]
    document_review_amount_minor: Option<String>,
    /// Failed sign-ins allowed per client address (an IPv6 /64) in 15 minutes [default: 50].
    #[arg(long, env = "POCKETPAY_LOGIN_FAILURES_PER_ADDRESS_MAX", value_name = "COUNT")]
    login_failures_per_address_max: Option<String>,
    /// The platform's fee on a sale, in basis points (500 = 5 %) [default: 500].
    #[arg(long, env = "POCKETPAY_PLATFORM_FEE_BPS", value_name = "BPS")]
    platform_fee_bps: Option<String>,
    /// Card brands accepted, comma-separated (visa,mastercard,amex,…) [default: all].
    #[arg(long, env = "POCKETPAY_ACCEPTED_BRANDS", value_name = "BRANDS")]
    accepted_brands: Option<String>,
    /// Years a gift card lasts, where a market requires more than 3 [default: 3].
    #[arg(long, env = "POCKETPAY_GIFT_CARD_EXPIRY_YEARS", value_name = "YEARS")]
    gift_card_expiry_years: Option<String>,
    /// 1 drops `Secure` from the pages' cookies, for plain HTTP on another host (test mode only).
    #[arg(long, env = "POCKETPAY_INSECURE_COOKIES", value_name = "1")]
    insecure_cookies: Option<String>,
    /// The name of this process among several on one PostgreSQL database (a restarted process takes
    /// its own jobs' lease back at once).
    #[arg(long, env = "POCKETPAY_PROCESS_NAME", value_name = "NAME")]
    process_name: Option<String>,
    /// How long the background jobs' lease lasts without renewal, in ms [default: 30000].
    #[arg(long, env = "POCKETPAY_JOBS_LEASE_TTL_MS", value_name = "MS")]
    jobs_lease_ttl_ms: Option<String>,
    /// How long a request waits for PostgreSQL's commit before answering 503, in ms [default: 30000].
    #[arg(long, env = "POCKETPAY_PG_ANSWER_WAIT_MS", value_name = "MS")]
    pg_answer_wait_ms: Option<String>,
    /// The test bank's file, shared by processes on one machine [default: <data-dir>/bank.db].
    #[arg(long, env = "POCKETPAY_TEST_BANK_FILE", value_name = "FILE")]
    test_bank_file: Option<PathBuf>,
    /// Steps where the process stops as a crash would, comma-separated (crash tests; test mode only).
    #[arg(long, env = "POCKETPAY_FAILPOINTS", value_name = "STEPS")]
    failpoints: Option<String>,
    /// The operator created at start if missing (with the password below).
    #[arg(long, env = "POCKETPAY_OPERATOR_EMAIL", value_name = "EMAIL")]
    operator_email: Option<String>,
    /// That operator's password.
    #[arg(long, env = "POCKETPAY_OPERATOR_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    operator_password: Option<String>,
    /// Serves Prometheus metrics at `http://<this address>/metrics`, apart from the API (off unless
    /// set; keep it on a private address).
    #[arg(long, env = "POCKETPAY_METRICS_LISTEN", value_name = "ADDRESS")]
    pub metrics_listen: Option<std::net::SocketAddr>,
}

/// A whole number of at least 0 from a setting, if set; an error naming the variable otherwise.
fn number<T: std::str::FromStr + PartialOrd + Default>(
    name: &str,
    value: &Option<String>,
) -> anyhow::Result<Option<T>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => match text.parse::<T>() {
            Ok(v) if v >= T::default() => Ok(Some(v)),
            _ => anyhow::bail!("{name} must be a whole number of at least 0 (got {text:?})"),
        },
    }
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl Settings {
    /// The log filter, or why it is not one.
    pub fn log_filter(&self) -> anyhow::Result<tracing_subscriber::EnvFilter> {
        let filter = if self.log.trim().is_empty() { "info" } else { self.log.trim() };
        tracing_subscriber::EnvFilter::try_new(filter).map_err(|e| {
            anyhow::anyhow!(
                "POCKETPAY_LOG {:?} is not a log filter ({e}): use a level such as info or warn, or directives such as pocketpay=debug,warn",
                self.log
            )
        })
    }

    /// Applies the settings to the server's configuration; the first bad one is an error naming it.
    pub fn apply(&self, config: &mut ServerConfig) -> anyhow::Result<()> {
        config.metrics = self.metrics_listen.is_some();
        config.secret_hex = self.secret.clone();
        config.vault_keys = self.vault_keys.clone();
        config.issuer_url = text(&self.issuer_url);
        if let Some(url) = text(&self.message_relay_url) {
            let secret = self
                .message_relay_secret
                .clone()
                .ok_or_else(|| anyhow::anyhow!("POCKETPAY_MESSAGE_RELAY_URL needs POCKETPAY_MESSAGE_RELAY_SECRET"))?;
            config.message_relay = Some(server::relay::RelayConfig { url, secret });
        }
        // Risk rules and platform limits (minor units of USD, the limits' currency).
        if let Some(v) = number::<i64>("POCKETPAY_STEP_UP_AMOUNT_MINOR", &self.step_up_amount_minor)? {
            config.risk.amount_threshold_minor = v;
        }
        if let Some(v) = number::<i64>("POCKETPAY_VELOCITY_WINDOW_S", &self.velocity_window_s)? {
            config.risk.velocity_window_s = v;
        }
        if let Some(v) = number::<u32>("POCKETPAY_VELOCITY_COUNT_MAX", &self.velocity_count_max)? {
            config.risk.velocity_count_max = v;
        }
        if let Some(v) = number::<u8>("POCKETPAY_STEP_UP_NEW_CARDS", &self.step_up_new_cards)? {
            config.step_up_new_cards = v != 0;
        }
        if let Some(v) = number::<i64>("POCKETPAY_DAILY_LIMIT_MINOR", &self.daily_limit_minor)? {
            config.spending_limits.daily_minor = v;
        }
        if let Some(v) = number::<i64>("POCKETPAY_MONTHLY_LIMIT_MINOR", &self.monthly_limit_minor)? {
            config.spending_limits.monthly_minor = v;
        }
        if config.spending_limits.daily_minor > config.spending_limits.monthly_minor {
            anyhow::bail!("POCKETPAY_DAILY_LIMIT_MINOR is above POCKETPAY_MONTHLY_LIMIT_MINOR");
        }
        config.process_name = text(&self.process_name);
        if let Some(v) = number::<i64>("POCKETPAY_JOBS_LEASE_TTL_MS", &self.jobs_lease_ttl_ms)? {
            config.jobs_lease_ttl_ms = v.max(1_000);
        }
        if let Some(v) = number::<u64>("POCKETPAY_PG_ANSWER_WAIT_MS", &self.pg_answer_wait_ms)? {
            config.pg_answer_wait_ms = v;
        }
        if let Some(v) =
            number::<u32>("POCKETPAY_LOGIN_FAILURES_PER_ADDRESS_MAX", &self.login_failures_per_address_max)?
        {
            config.login_failures_per_address_max = v.max(1);
        }
        config.test_bank_file = self.test_bank_file.clone().filter(|f| !f.as_os_str().is_empty());
        if let Some(v) = number::<i64>("POCKETPAY_PLATFORM_FEE_BPS", &self.platform_fee_bps)? {
            if !(0..=domain::payouts::BPS_MAX).contains(&v) {
                anyhow::bail!("POCKETPAY_PLATFORM_FEE_BPS is basis points, from 0 to 10000 (500 = 5 %)");
            }
            config.platform_fee_bps = v;
        }
        match text(&self.document_review_amount_minor) {
            Some(v) if v == "off" => config.document_review_amount_minor = None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n > 0 => config.document_review_amount_minor = Some(n),
                _ => anyhow::bail!(
                    "POCKETPAY_DOCUMENT_REVIEW_AMOUNT_MINOR is a positive amount in minor units (150000 = 1,500.00), or off"
                ),
            },
            None => {}
        }
        if let Some(list) = text(&self.failpoints) {
            if config.live_mode() {
                anyhow::bail!("POCKETPAY_FAILPOINTS stops the server on purpose, for crash tests: test mode only");
            }
            config.failpoints = server::failpoint::Failpoints::parse(&list)?;
        }
        if self.insecure_cookies.as_deref() == Some("1") {
            if config.mode == Mode::Live {
                anyhow::bail!("POCKETPAY_INSECURE_COOKIES is for test setups only: live mode keeps cookies Secure");
            }
            config.web_secure_cookies = false;
        }
        if let Some(list) = &self.accepted_brands {
            let mut brands = Vec::new();
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let brand = domain::cards::Brand::parse(name)
                    .ok_or_else(|| anyhow::anyhow!("POCKETPAY_ACCEPTED_BRANDS: unknown brand {name:?}"))?;
                brands.push(brand);
            }
            config.accepted_brands = domain::cards::AcceptedBrands::from_brands(brands);
        }
        if let Some(years) = &self.gift_card_expiry_years {
            let years: u32 = years
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("POCKETPAY_GIFT_CARD_EXPIRY_YEARS must be a number"))?;
            let rules = &config.gift_cards;
            config.gift_cards = domain::gift_cards::GiftCardRules::new(
                rules.currency(),
                rules.denominations_minor().to_vec(),
                rules.purchase_cap_minor(),
                years,
            )
            .map_err(|e| anyhow::anyhow!("POCKETPAY_GIFT_CARD_EXPIRY_YEARS: {e}"))?;
        }
        if let (Some(email), Some(password)) = (&self.operator_email, &self.operator_password) {
            config.operator_bootstrap = Some((email.clone(), password.clone()));
        }
        Ok(())
    }
}
