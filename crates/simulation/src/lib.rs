//! A seeded simulation of whole journeys against the real application, in process: random sequences
//! of operations by three buyers, two shops and an operator — gift cards, orders paid every way (Pocket,
//! saved card, both, a typed card with its one-time code), declines, issuer outages (unreachable,
//! answers lost, slow), cancels, shipping, delivery, refunds, claims decided every way, unauthorized
//! reports and test-clock jumps — each compared, as it happens, with a small reference model of
//! balances and states; after every step every buyer's Pocket, the order touched and the ledger's
//! invariants are checked. A seed decides everything the simulation does, so a failing seed replays
//! identically: `SIM_SEED=<n> cargo test -p simulation`, or `pocketpay simulate --first <n> --seeds 1`.
//!
//! It drives the API router through `tower` (no socket), one fresh data directory per seed, with the
//! background workers idle so that only the test clock runs jobs (no timing decides an outcome).

use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

mod api;
mod journeys;
mod model;

use api::{address, expect_status, Api};
use model::{Buyer, Order, OrderState};

/// Operations one seed runs by default.
pub const STEPS_DEFAULT: usize = 60;
const OPERATOR_EMAIL: &str = "sim-ops@pocketpay.test";
const OPERATOR_PASSWORD: &str = "sim-operator-password";
const PASSWORD: &str = "a long simulation password";
const PRICES: [i64; 4] = [800, 1500, 2500, 4999];
/// Buyers and shops in each seed.
const BUYERS: usize = 3;
const SELLERS: usize = 2;
// The test issuer's cards (docs/reference/test-cards.md), by what they do.
const GOOD_CARD: &str = issuer::behaviours::SUCCEEDING_VISA;
const DECLINING_CARD: &str = issuer::behaviours::DECLINES_EVERY_PAYMENT;
/// Typed at checkout.
const TYPED_CARD: &str = issuer::behaviours::SUCCEEDING_MASTERCARD;
const SILENT_CARD: &str = issuer::behaviours::NEVER_ANSWERS;
/// How long a one-time code is valid.
const CODE_TTL_S: i64 = 600;

/// Why a seed failed: the step, what was done, what the model expected and what came.
#[derive(Debug)]
pub struct Failure {
    pub seed: u64,
    pub step: usize,
    pub message: String,
    /// The operations of the seed up to the failing one.
    pub trail: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "seed {} failed at step {}: {}", self.seed, self.step, self.message)?;
        writeln!(
            f,
            "replay: SIM_SEED={} cargo test -p simulation (or pocketpay simulate --first {} --seeds 1)",
            self.seed, self.seed
        )?;
        for (i, op) in self.trail.iter().enumerate() {
            writeln!(f, "  {i:>3}. {op}")?;
        }
        Ok(())
    }
}

/// What a seed did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    pub steps: usize,
    /// Operations the application refused as the model predicted (declines, limits, wrong states).
    pub refused: usize,
    pub checks: usize,
}

type Outcome = Result<(), String>;

/// The reference model and the application, side by side.
struct Sim {
    api: Api,
    issuer: Option<std::sync::Arc<issuer::TestIssuer>>,
    rng: StdRng,
    buyers: Vec<Buyer>,
    /// Each shop's secret key.
    sellers: Vec<String>,
    /// (product, price, the shop selling it).
    products: Vec<(String, i64, usize)>,
    operator: String,
    orders: Vec<Order>,
    /// Seconds the test clock has moved.
    clock: i64,
    /// The one-time codes sent, as the buyers read them.
    codes: Vec<String>,
    trail: Vec<String>,
    report: Report,
}

/// Runs one seed of `steps` operations in a fresh data directory under `root`.
pub async fn run_seed(seed: u64, steps: usize, root: &std::path::Path) -> Result<Report, Failure> {
    let dir = root.join(format!("sim-{seed}"));
    let _ = std::fs::remove_dir_all(&dir);
    let fail = |step, message: String, trail: Vec<String>| Failure { seed, step, message, trail };
    let mut config = server::ServerConfig::new(server::Mode::Test, &dir);
    config.operator_bootstrap = Some((OPERATOR_EMAIL.into(), OPERATOR_PASSWORD.into()));
    // Jobs run only when the test clock moves: no timing decides an outcome.
    config.worker_interval_ms = 24 * 3600 * 1000;
    config.risk.velocity_count_max = u32::MAX;
    let app = match server::build(config).await {
        Ok(app) => app,
        Err(e) => return Err(fail(0, format!("building the application: {e}"), Vec::new())),
    };
    let issuer = match &app.state.issuer {
        issuer::Connector::InProcess(t) => Some(t.clone()),
        issuer::Connector::Http(_) => None,
    };
    let mut sim = Sim {
        api: Api { router: app.router() },
        issuer,
        rng: StdRng::seed_from_u64(seed),
        buyers: Vec::new(),
        sellers: Vec::new(),
        products: Vec::new(),
        operator: String::new(),
        orders: Vec::new(),
        clock: 0,
        codes: Vec::new(),
        trail: Vec::new(),
        report: Report::default(),
    };
    let result = async {
        sim.setup(seed).await.map_err(|m| (0, m))?;
        for step in 1..=steps {
            sim.step().await.map_err(|m| (step, m))?;
            sim.check()
                .await
                .map_err(|m| (step, format!("after {}: {m}", sim.trail.last().cloned().unwrap_or_default())))?;
            sim.report.steps = step;
        }
        Ok::<(), (usize, String)>(())
    }
    .await;
    app.stop().await;
    let outcome = match result {
        Ok(()) => Ok(sim.report),
        Err((step, message)) => Err(fail(step, message, std::mem::take(&mut sim.trail))),
    };
    if outcome.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    outcome
}

/// Where seeds keep their data: memory when the machine has it (no disk sync to wait for).
pub fn default_root() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() { shm } else { std::env::temp_dir() };
    base.join(format!("pocketpay-simulation-{}", std::process::id()))
}

impl Sim {
    async fn setup(&mut self, seed: u64) -> Outcome {
        self.operator = self.api.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await?;
        for shop in 0..SELLERS {
            let owner = self.api.person(&format!("seller{shop}-{seed}@sim.test")).await?;
            let (s, m) = self
                .api
                .post(
                    "/v1/merchants",
                    Some(&owner),
                    json!({ "name": format!("Sim Shop {shop}"), "country": "US", "currency": "USD" }),
                )
                .await;
            expect_status(s, 201, &m, "opening a shop")?;
            let key = m["secret_key"].as_str().unwrap_or_default().to_owned();
            for (i, price) in PRICES.iter().enumerate() {
                let (s, p) = self
                    .api
                    .post(
                        "/v1/products",
                        Some(&key),
                        json!({ "name": format!("Thing {i}"), "amount": price, "currency": "USD" }),
                    )
                    .await;
                expect_status(s, 201, &p, "adding a product")?;
                self.products.push((p["id"].as_str().unwrap_or_default().to_owned(), *price, shop));
            }
            self.sellers.push(key);
        }
        for b in 0..BUYERS {
            let email = format!("buyer{b}-{seed}@sim.test");
            let token = self.api.person(&email).await?;
            let mut cards = Vec::new();
            for number in [GOOD_CARD, DECLINING_CARD] {
                let (s, c) = self
                    .api
                    .post(
                        "/v1/cards",
                        Some(&token),
                        json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123",
                            "holder_name": "Sim Buyer", "billing_address": address() }),
                    )
                    .await;
                expect_status(s, 201, &c, "saving a card")?;
                cards.push(c["id"].as_str().unwrap_or_default().to_owned());
            }
            self.buyers.push(Buyer {
                email,
                token,
                good_card: cards[0].clone(),
                declining_card: cards[1].clone(),
                pocket: 0,
                blocked: Vec::new(),
            });
        }
        Ok(())
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    fn log(&mut self, op: String) {
        self.trail.push(op);
    }

    /// An order for an operation: mostly one the operation applies to (so that journeys go far), and
    /// sometimes any order (so that refusals are exercised too).
    fn choose(&mut self, applies: impl Fn(&Order) -> bool) -> Option<usize> {
        if self.orders.is_empty() {
            return None;
        }
        let fitting: Vec<usize> = (0..self.orders.len()).filter(|&i| applies(&self.orders[i])).collect();
        if !fitting.is_empty() && self.rng.gen_bool(0.85) {
            return Some(fitting[self.rng.gen_range(0..fitting.len())]);
        }
        Some(self.rng.gen_range(0..self.orders.len()))
    }

    /// One random operation, its answer compared with the model's.
    async fn step(&mut self) -> Outcome {
        let roll = self.rng.gen_range(0..100);
        let buyer = self.rng.gen_range(0..self.buyers.len());
        let awaiting = |o: &Order| matches!(o.state, OrderState::AwaitingPayment | OrderState::AwaitingCode { .. });
        let chosen = match roll {
            20..=37 => self.choose(awaiting),
            38..=44 => self.choose(|o| matches!(o.state, OrderState::AwaitingCode { .. })),
            45..=49 => self.choose(|o| awaiting(o) || o.state == OrderState::Paid),
            50..=58 => self.choose(|o| o.state == OrderState::Paid),
            59..=62 => self.choose(|o| o.state == OrderState::Shipped),
            63..=90 => self.choose(|o| o.state.captured()),
            _ => None,
        };
        match (roll, chosen) {
            (0..=9, _) => self.buy_gift_card(buyer).await,
            (10..=16, _) => self.create_order(buyer).await,
            (17..=19, _) => self.cart(buyer).await,
            (20..=90, None) => self.buy_gift_card(buyer).await,
            (20..=37, Some(o)) => self.pay(o).await,
            (38..=44, Some(o)) => self.verify(o).await,
            (45..=49, Some(o)) => self.cancel(o).await,
            (50..=58, Some(o)) => self.ship(o).await,
            (59..=62, Some(o)) => self.deliver(o).await,
            (63..=71, Some(o)) => self.refund(o).await,
            (72..=84, Some(o)) => self.claim_step(o).await,
            (85..=90, Some(o)) => self.report_unauthorized(o).await,
            _ => self.clock_jump().await,
        }
    }

    /// Every buyer's Pocket, the orders' states and refunds, and the ledger, against the model.
    async fn check(&mut self) -> Outcome {
        for (i, b) in self.buyers.iter().enumerate() {
            let (s, p) = self.api.get("/v1/pocket", Some(&b.token)).await;
            expect_status(s, 200, &p, "reading the Pocket")?;
            let available = p["balances"][0]["available"].as_i64().unwrap_or(0);
            if available != b.pocket {
                return Err(format!(
                    "buyer {i}'s Pocket: the model says {}, the application {available}: {p}",
                    b.pocket
                ));
            }
        }
        for (i, o) in self.orders.iter().enumerate() {
            let token = &self.buyers[o.buyer].token;
            let (s, shown) = self.api.get(&format!("/v1/orders/{}", o.id), Some(token)).await;
            expect_status(s, 200, &shown, "reading an order")?;
            if shown["status"] != o.state.api_name() {
                return Err(format!("order {i}: the model says {:?}, the application {}", o.state, shown["status"]));
            }
            let refunded = shown["payment"]["amount_refunded"].as_i64().unwrap_or(0);
            if refunded != o.refunded {
                return Err(format!("order {i}: refunded {} in the model, {refunded} in the application", o.refunded));
            }
        }
        let (s, report) = self.api.get("/v1/ledger/verify", Some(&self.operator)).await;
        expect_status(s, 200, &report, "verifying the ledger")?;
        if report["balanced"] != true {
            return Err(format!("the ledger does not verify: {report}"));
        }
        self.report.checks += 1;
        Ok(())
    }
}

/// Runs `count` seeds from `first`, `parallel` at a time; the failures, and the seeds' reports.
pub async fn run_seeds(
    first: u64,
    count: u64,
    steps: usize,
    parallel: usize,
    root: &std::path::Path,
) -> (Vec<Failure>, Report) {
    let mut failures = Vec::new();
    let mut total = Report::default();
    let mut next = first;
    let end = first + count;
    let mut running = tokio::task::JoinSet::new();
    let root = root.to_path_buf();
    loop {
        while running.len() < parallel.max(1) && next < end {
            let root = root.clone();
            let seed = next;
            running.spawn(async move { run_seed(seed, steps, &root).await });
            next += 1;
        }
        let Some(done) = running.join_next().await else { break };
        match done {
            Ok(Ok(r)) => {
                total.steps += r.steps;
                total.refused += r.refused;
                total.checks += r.checks;
            }
            Ok(Err(f)) => failures.push(f),
            Err(e) => failures.push(Failure {
                seed: 0,
                step: 0,
                message: format!("a seed's task failed: {e}"),
                trail: Vec::new(),
            }),
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    (failures, total)
}
