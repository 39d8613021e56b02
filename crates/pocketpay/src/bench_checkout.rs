//! `pocketpay bench checkout`: complete orders through the API of a real server — in process through
//! its router (every layer: auth, idempotency, JSON, the handlers and their writer commands), or with
//! `--http` over loopback —
//! each order created, paid half from the buyer's Pocket and half by a saved card (authorized at the
//! in-process test issuer), and shipped (captured) — every answer durable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::client::{sign_up, Client, Transport};
use rand::Rng;
use serde_json::json;
use server::{Mode, ServerConfig};

/// Options of the checkout benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckoutBenchArgs {
    /// Buyers, each with a Pocket balance and a saved card of their own.
    #[arg(long, default_value_t = 64)]
    pub buyers: usize,
    /// Orders in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// How long to measure, after a one-second warm-up.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Send every call over HTTP on loopback instead of through the router in process.
    #[arg(long)]
    pub http: bool,
    /// Keep the bench's database (its path is printed) to inspect what an order wrote.
    #[arg(long)]
    pub keep_db: bool,
    /// Run on this PostgreSQL server (a fresh database `pocketpay_bench_checkout` is made on it).
    #[arg(long, env = "POCKETPAY_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// With `--http` on PostgreSQL: server processes sharing the database (this one and N-1 more
    /// `pocketpay serve`), the orders spread over them in turn.
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
}

/// The PostgreSQL database the bench makes for itself.
const BENCH_DATABASE: &str = "pocketpay_bench_checkout";

/// A `pocketpay serve` started by the bench; stopped when dropped.
struct Node(std::process::Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts another server process on the same data directory and database; answers its address.
fn start_node(dir: &std::path::Path, database_url: &str, n: usize) -> anyhow::Result<(Node, String)> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("POCKETPAY_DATABASE_URL", database_url)
        .env("POCKETPAY_PROCESS_NAME", format!("bench-node-{n}"))
        .env("POCKETPAY_VELOCITY_COUNT_MAX", u32::MAX.to_string())
        .env("POCKETPAY_DAILY_LIMIT_MINOR", (i64::MAX / 4).to_string())
        .env("POCKETPAY_MONTHLY_LIMIT_MINOR", (i64::MAX / 4).to_string())
        .env("POCKETPAY_LOG", "warn")
        .env_remove("POCKETPAY_LISTEN")
        .env_remove("POCKETPAY_DATA_DIR")
        .env_remove("POCKETPAY_MODE")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().context("the node's output")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line)?;
    let node = Node(child);
    let base = line.split_whitespace().find(|w| w.starts_with("http://")).context("the node did not start")?;
    Ok((node, base.to_owned()))
}

/// Results of a run.
pub struct CheckoutBenchReport {
    pub orders: u64,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: u64,
    /// The database, when `--keep-db` kept it.
    pub kept: Option<std::path::PathBuf>,
}

/// A Visa number no test-card row names: an ordinary cardholder account with its own limits.
fn ordinary_card_number(rng: &mut impl Rng) -> String {
    let mut digits: Vec<u32> = vec![4, 9];
    while digits.len() < 15 {
        digits.push(rng.gen_range(0..10));
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                *d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

pub async fn run_checkout(args: CheckoutBenchArgs) -> anyhow::Result<CheckoutBenchReport> {
    let dir = std::env::temp_dir().join(format!("pocketpay-bench-checkout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = ServerConfig::new(Mode::Test, &dir);
    let server_url = args.database_url.clone().filter(|u| !u.trim().is_empty());
    let database_url = match &server_url {
        Some(url) => Some(store::fresh_postgres_database(url, BENCH_DATABASE)?),
        None => None,
    };
    if args.nodes > 1 && (database_url.is_none() || !args.http) {
        bail!(
            "--nodes needs --http and a PostgreSQL database (POCKETPAY_DATABASE_URL): processes share a database there"
        );
    }
    config.database_url = database_url.clone();
    config.process_name = Some("bench-node-0".into());
    config.operator_bootstrap = None;
    // Risk rules and limits would ask these scripted buyers for codes: the bench measures the payment path.
    config.risk.velocity_count_max = u32::MAX;
    config.spending_limits.daily_minor = i64::MAX / 4;
    config.spending_limits.monthly_minor = i64::MAX / 4;
    let app = server::build(config).await.context("starting the server")?;
    let app_router = app.router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(app.serve(listener, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().pool_max_idle_per_host(1024).build()?;
    let client = if args.http {
        Client::http(http.clone(), base)
    } else {
        Client { transport: Transport::InProcess(app_router) }
    };
    let client = Arc::new(client);
    // The other server processes, and a client of each: order n goes to node n % nodes.
    let mut nodes = Vec::new();
    let mut clients = vec![client.clone()];
    for n in 1..args.nodes.max(1) {
        let (node, node_base) = start_node(&dir, database_url.as_deref().unwrap_or_default(), n)?;
        nodes.push(node);
        clients.push(Arc::new(Client::http(http.clone(), node_base)));
    }
    let clients = Arc::new(clients);
    if args.nodes > 1 {
        eprintln!("{} server processes on one PostgreSQL database", args.nodes);
    }

    eprintln!("setting up a shop and {} buyers…", args.buyers);
    let password = "bench-password-1";
    let owner = sign_up(&client, "owner@bench.test", password).await?;
    let merchant = client
        .expect("/v1/merchants", Some(&owner), json!({ "name": "Bench", "country": "US", "currency": "USD" }), 201)
        .await?;
    let key = merchant["secret_key"].as_str().unwrap_or_default().to_owned();
    let product = client
        .expect("/v1/products", Some(&key), json!({ "name": "Widget", "amount": 1000, "currency": "USD" }), 201)
        .await?;
    let product = product["id"].as_str().unwrap_or_default().to_owned();
    let mut buyers = Vec::with_capacity(args.buyers);
    for i in 0..args.buyers {
        let token = sign_up(&client, &format!("buyer{i}@bench.test"), password).await?;
        let number = ordinary_card_number(&mut rand::thread_rng());
        let card = client
            .expect("/v1/cards", Some(&token), json!({ "number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123",
                "holder_name": "Bench", "billing_address": { "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" } }), 201)
            .await?;
        let card = card["id"].as_str().unwrap_or_default().to_owned();
        // 2,100.00 in the Pocket, bought with three other cards (each card's daily limit is 2,000.00):
        // with 5.00 a card and 5.00 from the Pocket per order, each buyer can place about 400 orders.
        for _ in 0..3 {
            let other = ordinary_card_number(&mut rand::thread_rng());
            let address = json!({ "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" });
            let method = json!({ "type": "card", "new_card": { "number": other, "exp_month": 12, "exp_year": 2040, "cvc": "123",
                "holder_name": "Bench", "billing_address": address } });
            let items = json!([{ "denomination": 15000, "quantity": 4 }, { "denomination": 10000, "quantity": 1 }]);
            let body = json!({ "currency": "USD", "items": items, "payment_method": method });
            client.expect("/v1/gift_cards/purchase", Some(&token), body, 201).await?;
        }
        buyers.push((token, card));
    }
    let buyers = Arc::new(buyers);
    eprintln!("running {} concurrent checkouts for 1 s warm-up + {} s…", args.concurrency, args.seconds);
    let warmup_end = Instant::now() + Duration::from_secs(1);
    let end = warmup_end + Duration::from_secs(args.seconds);
    let failed = Arc::new(AtomicU64::new(0));
    let completed = Arc::new(AtomicU64::new(0));
    let round_trips_before = store::db::pg_round_trips();
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let (clients, buyers, product, key, failed, completed) =
            (clients.clone(), buyers.clone(), product.clone(), key.clone(), failed.clone(), completed.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker;
            loop {
                let (token, card) = &buyers[n % buyers.len()];
                let client = &clients[n % clients.len()];
                n += args.concurrency;
                let began = Instant::now();
                let ok = one_order(client, token, card, &product, &key).await;
                if ok.is_ok() {
                    completed.fetch_add(1, Ordering::Relaxed);
                }
                let now = Instant::now();
                if now >= end {
                    break;
                }
                match ok {
                    Ok(()) if now > warmup_end => latencies.push(now - began),
                    Ok(()) => {}
                    Err(e) => {
                        if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("an order failed: {e:#}");
                        }
                    }
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await?);
    }
    latencies.sort_unstable();
    let (all, writer) = store::db::pg_round_trips();
    let (all, writer) = (all - round_trips_before.0, writer - round_trips_before.1);
    if database_url.is_some() && args.nodes <= 1 {
        // Every order went through this process: its round trips to PostgreSQL per order.
        let orders = completed.load(Ordering::Relaxed).max(1) as f64;
        eprintln!(
            "PostgreSQL round trips per complete order: {:.1} ({:.1} in write batches, one batch at a time)",
            all as f64 / orders,
            writer as f64 / orders
        );
    }
    let pick = |q: f64| latencies.get(((latencies.len().max(1) - 1) as f64 * q) as usize).copied().unwrap_or_default();
    let report = CheckoutBenchReport {
        orders: latencies.len() as u64,
        elapsed: Duration::from_secs(args.seconds),
        p50: pick(0.5),
        p99: pick(0.99),
        failed: failed.load(Ordering::Relaxed),
        kept: (args.keep_db && database_url.is_none()).then(|| dir.join("pocketpay.db")),
    };
    drop(nodes);
    let _ = stop.send(());
    let _ = served.await;
    let verify = match &database_url {
        Some(url) => store::verify_ledger_postgres(url)?,
        None => store::verify_ledger_at(&dir.join("pocketpay.db"))?,
    };
    if !verify.is_balanced() {
        bail!("the ledger does not balance after the bench: {:?}", verify.problems);
    }
    if let (Some(server), false) = (&server_url, args.keep_db) {
        store::drop_postgres_database(server, BENCH_DATABASE)?;
    }
    if !args.keep_db {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(report)
}

/// What the bench reads of an answer: the object's id and status.
#[derive(serde::Deserialize)]
struct Brief {
    id: String,
    status: String,
}

/// One complete order: create, pay half Pocket half card, ship.
async fn one_order(client: &Client, token: &str, card: &str, product: &str, key: &str) -> anyhow::Result<()> {
    let order: Brief = client
        .expect_brief(
            "/v1/orders",
            Some(token),
            json!({ "items": [{ "product": product, "quantity": 1 }],
            "shipping_address": { "line1": "1 Main St", "city": "Reno", "postal_code": "89501", "country": "US" } }),
            201,
        )
        .await?;
    let paid: Brief = client
        .expect_brief(
            &format!("/v1/orders/{}/pay", order.id),
            Some(token),
            json!({ "payment_method": { "type": "card", "card": card }, "pocket_amount": 500 }),
            200,
        )
        .await?;
    if paid.status != "requires_capture" {
        bail!("payment is {}", paid.status);
    }
    let shipped: Brief = client
        .expect_brief(
            &format!("/v1/orders/{}/ship", order.id),
            Some(key),
            json!({ "carrier": "UPS", "tracking_number": "1Z" }),
            200,
        )
        .await?;
    if shipped.status != "shipped" {
        bail!("order is {} after shipping", shipped.status);
    }
    Ok(())
}
