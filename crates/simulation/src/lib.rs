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

use axum::body::Body;
use axum::http::{Method, Request};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Operations one seed runs by default.
pub const STEPS_DEFAULT: usize = 60;
const OPERATOR_EMAIL: &str = "sim-ops@pocketpay.test";
const OPERATOR_PASSWORD: &str = "sim-operator-password";
const PASSWORD: &str = "a long simulation password";
const PRICES: [i64; 4] = [800, 1500, 2500, 4999];
/// Buyers and shops in each seed.
const BUYERS: usize = 3;
const SELLERS: usize = 2;
const GOOD_CARD: &str = "4242424242424242";
/// Saves (its zero-amount check passes), then declines every payment.
const DECLINING_CARD: &str = "4000000000000341";
/// Typed at checkout.
const TYPED_CARD: &str = "5555555555554444";
/// The bank never answers it.
const SILENT_CARD: &str = "4000000000000911";
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

/// The application under test, driven in process.
struct Api {
    router: axum::Router,
}

impl Api {
    async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let Ok(request) = request.body(body) else { return (0, json!("unbuildable request")) };
        let Ok(response) = self.router.clone().oneshot(request).await;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::GET, path, token, None).await
    }

    /// Signs up, verifies and signs in; the session token.
    async fn person(&self, email: &str) -> Result<String, String> {
        let (s, b) = self.post("/v1/users", None, json!({ "email": email, "password": PASSWORD })).await;
        expect_status(s, 201, &b, "sign-up")?;
        let code = self.latest_code(email).await?;
        let (s, b) = self.post("/v1/users/verify_email", None, json!({ "email": email, "code": code })).await;
        expect_status(s, 200, &b, "verifying the email")?;
        self.sign_in(email, PASSWORD).await
    }

    async fn sign_in(&self, email: &str, password: &str) -> Result<String, String> {
        let (s, b) = self.post("/v1/sessions", None, json!({ "email": email, "password": password })).await;
        expect_status(s, 201, &b, "signing in")?;
        b["token"].as_str().map(str::to_owned).ok_or_else(|| format!("no token in {b}"))
    }

    /// The newest code sent to `to` (other messages may have come after it).
    async fn latest_code(&self, to: &str) -> Result<String, String> {
        let (_, inbox) = self.get(&format!("/v1/test/inbox?to={to}&limit=100"), None).await;
        let messages = inbox["data"].as_array().cloned().unwrap_or_default();
        messages
            .iter()
            .find_map(|m| m["code"].as_str().map(str::to_owned))
            .ok_or_else(|| format!("no code for {to}: {inbox}"))
    }
}

fn expect_status(got: u16, want: u16, body: &Value, what: &str) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: expected {want}, got {got}: {body}"))
    }
}

fn address() -> Value {
    json!({ "line1": "1 Main St", "city": "Austin", "postal_code": "73301", "country": "US" })
}

fn typed(number: &str) -> Value {
    json!({ "type": "card", "new_card": { "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123",
        "holder_name": "Sim Buyer", "billing_address": address() } })
}

/// A buyer as the model sees them.
struct Buyer {
    email: String,
    token: String,
    good_card: String,
    declining_card: String,
    /// Pocket money available to spend.
    pocket: i64,
    /// Cards blocked for this buyer after an unauthorized report (by number).
    blocked: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderState {
    AwaitingPayment,
    /// A typed card waits for its code (sent at this simulated time; its index in the model's codes).
    AwaitingCode {
        sent_at: i64,
        tries_left: u32,
        card: &'static str,
        code: usize,
    },
    Paid,
    Shipped,
    Delivered,
    Canceled,
}

impl OrderState {
    fn api_name(self) -> &'static str {
        match self {
            OrderState::AwaitingPayment | OrderState::AwaitingCode { .. } => "awaiting_payment",
            OrderState::Paid => "paid",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Canceled => "canceled",
        }
    }

    fn captured(self) -> bool {
        matches!(self, OrderState::Shipped | OrderState::Delivered)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimState {
    AwaitingSeller,
    Rejected,
    UnderReview,
    Closed,
}

struct Claim {
    id: String,
    amount: i64,
    state: ClaimState,
}

struct Order {
    id: String,
    buyer: usize,
    seller: usize,
    amount: i64,
    state: OrderState,
    /// Paid from the Pocket, and of that refunded.
    pocket_paid: i64,
    pocket_refunded: i64,
    /// The saved card (or typed card) that paid the card part, if any.
    card: Option<&'static str>,
    refunded: i64,
    reimbursed: bool,
    claims: Vec<Claim>,
}

impl Order {
    fn left(&self) -> i64 {
        if self.reimbursed || !self.state.captured() {
            0
        } else {
            self.amount - self.refunded
        }
    }

    fn open_claim(&mut self) -> Option<&mut Claim> {
        self.claims.iter_mut().find(|c| c.state != ClaimState::Closed)
    }
}

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
            (10..=19, _) => self.create_order(buyer).await,
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

    fn refused(&mut self, status: u16, body: &Value, want_status: u16, want_code: &str, what: &str) -> Outcome {
        if status != want_status || body["error"]["code"] != want_code {
            return Err(format!("{what}: expected {want_status} {want_code}, got {status}: {body}"));
        }
        self.report.refused += 1;
        Ok(())
    }

    async fn buy_gift_card(&mut self, b: usize) -> Outcome {
        let denomination = self.pick(&[1000, 2000, 5000]);
        let declining = self.rng.gen_bool(0.2);
        let card = if declining { self.buyers[b].declining_card.clone() } else { self.buyers[b].good_card.clone() };
        self.log(format!(
            "buyer {b} buys a gift card of {denomination} with the {} card",
            if declining { "declining" } else { "good" }
        ));
        let body = json!({ "currency": "USD", "items": [{ "denomination": denomination, "quantity": 1 }],
            "payment_method": { "type": "card", "card": card } });
        let token = self.buyers[b].token.clone();
        let (s, r) = self.api.post("/v1/gift_cards/purchase", Some(&token), body).await;
        if declining || self.buyers[b].blocked.contains(&GOOD_CARD) {
            return self.refused(s, &r, 402, "card_declined", "a declined gift-card purchase");
        }
        expect_status(s, 201, &r, "a gift-card purchase")?;
        self.buyers[b].pocket += denomination;
        Ok(())
    }

    async fn create_order(&mut self, b: usize) -> Outcome {
        let index = self.rng.gen_range(0..self.products.len());
        let (product, price, seller) = self.products[index].clone();
        self.log(format!("buyer {b} orders a product of {price} from shop {seller}"));
        let token = self.buyers[b].token.clone();
        let (s, o) = self
            .api
            .post(
                "/v1/orders",
                Some(&token),
                json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
            )
            .await;
        expect_status(s, 201, &o, "creating an order")?;
        self.orders.push(Order {
            id: o["id"].as_str().unwrap_or_default().to_owned(),
            buyer: b,
            seller,
            amount: price,
            state: OrderState::AwaitingPayment,
            pocket_paid: 0,
            pocket_refunded: 0,
            card: None,
            refunded: 0,
            reimbursed: false,
            claims: Vec::new(),
        });
        Ok(())
    }

    async fn pay(&mut self, o: usize) -> Outcome {
        let (b, amount, state, id) = {
            let order = &self.orders[o];
            (order.buyer, order.amount, order.state, order.id.clone())
        };
        let how = self.rng.gen_range(0..6);
        let fault = match self.rng.gen_range(0..10) {
            0 => Some(issuer::test_issuer::SimulatedFault::Unavailable),
            1 => Some(issuer::test_issuer::SimulatedFault::LostAnswer),
            2 => Some(issuer::test_issuer::SimulatedFault::SlowMs(3)),
            _ => None,
        };
        let pocket_part = amount / 2;
        let (good, declining) = (self.buyers[b].good_card.clone(), self.buyers[b].declining_card.clone());
        let (body, what) = match how {
            0 => (json!({ "payment_method": { "type": "pocket" } }), "the Pocket"),
            1 => (
                json!({ "pocket_amount": pocket_part, "payment_method": { "type": "card", "card": good } }),
                "half Pocket, half the good card",
            ),
            2 => (json!({ "payment_method": { "type": "card", "card": good } }), "the good card"),
            3 => (json!({ "payment_method": { "type": "card", "card": declining } }), "the declining card"),
            4 => (json!({ "payment_method": typed(TYPED_CARD) }), "a typed card"),
            _ => (json!({ "payment_method": typed(SILENT_CARD) }), "a typed card whose bank never answers"),
        };
        let uses_saved_card = matches!(how, 1..=3);
        let fault = fault.filter(|_| uses_saved_card && self.issuer.is_some());
        self.log(format!(
            "buyer {b} pays order {o} ({amount}) with {what}{}",
            fault.map(|f| format!(", the bank: {f:?}")).unwrap_or_default()
        ));
        if let (Some(f), Some(issuer)) = (fault, &self.issuer) {
            issuer.inject_fault(f);
        }
        let token = self.buyers[b].token.clone();
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/pay"), Some(&token), body).await;
        // A fault that was not met (the payment was refused before the bank) must not linger.
        let lingering = self.issuer.as_ref().and_then(|i| i.take_fault());
        let payable = matches!(state, OrderState::AwaitingPayment | OrderState::AwaitingCode { .. });
        let good_blocked = self.buyers[b].blocked.contains(&GOOD_CARD);
        let typed_blocked = self.buyers[b].blocked.contains(&TYPED_CARD);
        // A blocked card is refused before anything else is looked at.
        if (matches!(how, 1 | 2) && good_blocked) || (how == 4 && typed_blocked) {
            return self.refused(s, &r, 402, "card_declined", "paying with a blocked card");
        }
        if !payable {
            if lingering.is_none() && fault.is_some() {
                return Err("a payment of an order not awaiting payment reached the bank".into());
            }
            return self.refused(s, &r, 409, "order_not_payable", "paying an order not awaiting payment");
        }
        // From here the payment was claimed: a code it was waiting for is abandoned, whatever comes next.
        self.orders[o].state = OrderState::AwaitingPayment;
        let pocket = self.buyers[b].pocket;
        let unavailable = fault == Some(issuer::test_issuer::SimulatedFault::Unavailable);
        match how {
            0 if pocket < amount => self.refused(s, &r, 402, "insufficient_pocket_balance", "paying beyond the Pocket"),
            0 => self.paid(o, s, &r, amount, None),
            1 if pocket < pocket_part => {
                self.refused(s, &r, 402, "insufficient_pocket_balance", "a Pocket part beyond the Pocket")
            }
            1..=3 if unavailable => {
                self.orders[o].state = OrderState::AwaitingPayment;
                self.refused(s, &r, 402, "processing_error", "paying while the bank cannot be reached")
            }
            1 => self.paid(o, s, &r, pocket_part, Some(GOOD_CARD)),
            2 => self.paid(o, s, &r, 0, Some(GOOD_CARD)),
            3 => {
                self.orders[o].state = OrderState::AwaitingPayment;
                self.refused(s, &r, 402, "card_declined", "paying with the declining card")
            }
            _ => {
                expect_status(s, 200, &r, "a typed card asks for a code")?;
                if r["status"] != "requires_action" {
                    return Err(format!("a typed card: expected requires_action, got {r}"));
                }
                let card = if how == 4 { TYPED_CARD } else { SILENT_CARD };
                // The code just sent belongs to this payment (a later payment's code is another one).
                let email = self.buyers[b].email.clone();
                self.codes.push(self.api.latest_code(&email).await?);
                let code = self.codes.len() - 1;
                self.orders[o].state = OrderState::AwaitingCode { sent_at: self.clock, tries_left: 5, card, code };
                Ok(())
            }
        }
    }

    /// A payment the model expects to be authorized: `pocket_part` held from the Pocket.
    fn paid(&mut self, o: usize, status: u16, body: &Value, pocket_part: i64, card: Option<&'static str>) -> Outcome {
        expect_status(status, 200, body, "a payment")?;
        if body["status"] != "requires_capture" {
            return Err(format!("a payment: expected requires_capture, got {body}"));
        }
        let b = self.orders[o].buyer;
        self.buyers[b].pocket -= pocket_part;
        let order = &mut self.orders[o];
        order.state = OrderState::Paid;
        order.pocket_paid = pocket_part;
        order.card = card;
        Ok(())
    }

    async fn verify(&mut self, o: usize) -> Outcome {
        let OrderState::AwaitingCode { sent_at, tries_left, card, code } = self.orders[o].state else {
            return self.clock_jump().await;
        };
        let b = self.orders[o].buyer;
        let right = tries_left <= 2 || self.rng.gen_bool(0.7);
        self.log(format!("buyer {b} types the {} code for order {o}", if right { "right" } else { "wrong" }));
        let token = self.buyers[b].token.clone();
        let code_index = code;
        let sent = self.codes[code_index].clone();
        let typed = if right {
            sent
        } else if sent == "000000" {
            "111111".into()
        } else {
            "000000".into()
        };
        let (_, order) = self.api.get(&format!("/v1/orders/{}", self.orders[o].id), Some(&token)).await;
        let payment = order["payment"]["id"].as_str().unwrap_or_default().to_owned();
        let (s, r) =
            self.api.post(&format!("/v1/payments/{payment}/verify"), Some(&token), json!({ "code": typed })).await;
        if self.clock >= sent_at + CODE_TTL_S {
            return self.refused(s, &r, 402, "verification_expired", "an expired code");
        }
        if !right {
            self.orders[o].state =
                OrderState::AwaitingCode { sent_at, tries_left: tries_left - 1, card, code: code_index };
            return self.refused(s, &r, 402, "verification_failed", "a wrong code");
        }
        if card == SILENT_CARD {
            self.orders[o].state = OrderState::AwaitingPayment;
            return self.refused(s, &r, 402, "processing_error", "a bank that never answers");
        }
        self.paid(o, s, &r, 0, Some(TYPED_CARD))
    }

    async fn cancel(&mut self, o: usize) -> Outcome {
        let (b, state, id) = (self.orders[o].buyer, self.orders[o].state, self.orders[o].id.clone());
        self.log(format!("buyer {b} cancels order {o}"));
        let token = self.buyers[b].token.clone();
        let (s, r) =
            self.api.post(&format!("/v1/orders/{id}/cancel"), Some(&token), json!({ "reason": "simulated" })).await;
        match state {
            OrderState::AwaitingPayment | OrderState::AwaitingCode { .. } | OrderState::Paid => {
                expect_status(s, 200, &r, "cancelling")?;
                if state == OrderState::Paid {
                    self.buyers[b].pocket += self.orders[o].pocket_paid;
                }
                self.orders[o].state = OrderState::Canceled;
                Ok(())
            }
            OrderState::Canceled => self.refused(s, &r, 409, "order_not_cancelable", "cancelling twice"),
            _ => self.refused(s, &r, 409, "order_already_shipped", "cancelling after shipping"),
        }
    }

    async fn ship(&mut self, o: usize) -> Outcome {
        let (state, id) = (self.orders[o].state, self.orders[o].id.clone());
        if self.rng.gen_bool(0.1) {
            // Another shop's key: the order is not theirs, and it does not exist for them.
            let other = (self.orders[o].seller + 1) % self.sellers.len();
            self.log(format!("shop {other} tries to ship order {o}, which is not theirs"));
            let key = self.sellers[other].clone();
            let (s, r) = self
                .api
                .post(
                    &format!("/v1/orders/{id}/ship"),
                    Some(&key),
                    json!({ "carrier": "UPS", "tracking_number": "1Z" }),
                )
                .await;
            return self.refused(s, &r, 404, "resource_missing", "shipping another shop's order");
        }
        self.log(format!("the seller ships order {o}"));
        let key = self.sellers[self.orders[o].seller].clone();
        let (s, r) = self
            .api
            .post(&format!("/v1/orders/{id}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
            .await;
        if state != OrderState::Paid {
            if s != 409 {
                return Err(format!("shipping an order that is {state:?}: expected 409, got {s}: {r}"));
            }
            self.report.refused += 1;
            return Ok(());
        }
        expect_status(s, 200, &r, "shipping")?;
        self.orders[o].state = OrderState::Shipped;
        Ok(())
    }

    async fn deliver(&mut self, o: usize) -> Outcome {
        let (state, id) = (self.orders[o].state, self.orders[o].id.clone());
        self.log(format!("the seller marks order {o} delivered"));
        let key = self.sellers[self.orders[o].seller].clone();
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/deliver"), Some(&key), json!({})).await;
        if state != OrderState::Shipped {
            if s != 409 {
                return Err(format!("delivering an order that is {state:?}: expected 409, got {s}: {r}"));
            }
            self.report.refused += 1;
            return Ok(());
        }
        expect_status(s, 200, &r, "delivering")?;
        self.orders[o].state = OrderState::Delivered;
        Ok(())
    }

    /// A refund that the model expects to be made: the Pocket part first.
    fn refunded(&mut self, o: usize, amount: i64, to_pocket: bool) {
        let order = &mut self.orders[o];
        let pocket = amount.min(order.pocket_paid - order.pocket_refunded).max(0);
        order.pocket_refunded += pocket;
        order.refunded += amount;
        let to_buyer_pocket = if to_pocket { amount } else { pocket };
        let b = order.buyer;
        self.buyers[b].pocket += to_buyer_pocket;
    }

    async fn refund(&mut self, o: usize) -> Outcome {
        let left = self.orders[o].left();
        let amount = match self.rng.gen_range(0..4) {
            0 => left.max(1),
            1 => (left / 2).max(1),
            2 => left + 1,
            _ => 1,
        };
        let to_pocket = self.rng.gen_bool(0.3);
        let operator = self.rng.gen_bool(0.2);
        let id = self.orders[o].id.clone();
        self.log(format!(
            "{} refunds {amount} of order {o}{}",
            if operator { "an operator" } else { "the seller" },
            if to_pocket { " to the Pocket" } else { "" }
        ));
        let mut body = json!({ "amount": amount, "reason": "simulated refund" });
        if to_pocket {
            body["destination"] = json!("pocket");
        }
        let token = if operator { self.operator.clone() } else { self.sellers[self.orders[o].seller].clone() };
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/refunds"), Some(&token), body).await;
        if amount > left {
            return self.refused(s, &r, 400, "refund_exceeds_captured", "refunding more than is left");
        }
        expect_status(s, 201, &r, "refunding")?;
        self.refunded(o, amount, to_pocket);
        Ok(())
    }

    async fn claim_step(&mut self, o: usize) -> Outcome {
        let b = self.orders[o].buyer;
        let id = self.orders[o].id.clone();
        let left = self.orders[o].left();
        let open = self.orders[o].open_claim().map(|c| (c.id.clone(), c.amount, c.state));
        let Some((cid, amount, state)) = open else {
            // Open one.
            let amount = if self.rng.gen_bool(0.8) { (left / 2).max(1) } else { left + 1 };
            self.log(format!("buyer {b} claims {amount} of order {o}"));
            let token = self.buyers[b].token.clone();
            let (s, r) = self
                .api
                .post(
                    &format!("/v1/orders/{id}/claims"),
                    Some(&token),
                    json!({ "reason": "damaged", "amount": amount, "description": "simulated damage" }),
                )
                .await;
            if !self.orders[o].state.captured() {
                if !(400..500).contains(&s) {
                    return Err(format!("a claim on an order not shipped: expected 4xx, got {s}: {r}"));
                }
                self.report.refused += 1;
                return Ok(());
            }
            if amount > left {
                return self.refused(s, &r, 400, "refund_exceeds_captured", "claiming more than is left");
            }
            expect_status(s, 201, &r, "opening a claim")?;
            let cid = r["id"].as_str().unwrap_or_default().to_owned();
            self.orders[o].claims.push(Claim { id: cid, amount, state: ClaimState::AwaitingSeller });
            return Ok(());
        };
        let key = self.sellers[self.orders[o].seller].clone();
        let operator = self.operator.clone();
        let buyer = self.buyers[b].token.clone();
        let set = |sim: &mut Sim, s: ClaimState| {
            if let Some(c) = sim.orders[o].open_claim() {
                c.state = s;
            }
        };
        match state {
            ClaimState::AwaitingSeller if self.rng.gen_bool(0.5) => {
                self.log(format!("the seller accepts the claim on order {o}"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/respond"),
                        Some(&key),
                        json!({ "action": "accept", "message": "ok" }),
                    )
                    .await;
                if amount > left {
                    return self.refused(
                        s,
                        &r,
                        400,
                        "refund_exceeds_captured",
                        "accepting a claim beyond what is left",
                    );
                }
                expect_status(s, 200, &r, "accepting a claim")?;
                self.refunded(o, amount, false);
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::AwaitingSeller => {
                self.log(format!("the seller rejects the claim on order {o}"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/respond"),
                        Some(&key),
                        json!({ "action": "reject", "message": "no" }),
                    )
                    .await;
                expect_status(s, 200, &r, "rejecting a claim")?;
                set(self, ClaimState::Rejected);
                Ok(())
            }
            ClaimState::Rejected => {
                self.log(format!("buyer {b} escalates the claim on order {o}"));
                let (s, r) = self.api.post(&format!("/v1/claims/{cid}/escalate"), Some(&buyer), json!({})).await;
                expect_status(s, 200, &r, "escalating a claim")?;
                set(self, ClaimState::UnderReview);
                Ok(())
            }
            ClaimState::UnderReview if self.rng.gen_bool(0.5) => {
                let refund = if self.rng.gen_bool(0.8) { amount.min(left).max(1) } else { left + 1 };
                self.log(format!("an operator decides the claim on order {o} for the buyer ({refund})"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/resolve"),
                        Some(&operator),
                        json!({ "outcome": "buyer", "refund_amount": refund }),
                    )
                    .await;
                if refund > left {
                    return self.refused(s, &r, 400, "refund_exceeds_captured", "deciding a claim beyond what is left");
                }
                expect_status(s, 200, &r, "deciding a claim for the buyer")?;
                self.refunded(o, refund, false);
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::UnderReview => {
                self.log(format!("an operator decides the claim on order {o} for the seller"));
                let (s, r) = self
                    .api
                    .post(&format!("/v1/claims/{cid}/resolve"), Some(&operator), json!({ "outcome": "seller" }))
                    .await;
                expect_status(s, 200, &r, "deciding a claim for the seller")?;
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::Closed => Ok(()),
        }
    }

    async fn report_unauthorized(&mut self, o: usize) -> Outcome {
        let b = self.orders[o].buyer;
        let id = self.orders[o].id.clone();
        let token = self.buyers[b].token.clone();
        let (_, order) = self.api.get(&format!("/v1/orders/{id}"), Some(&token)).await;
        let Some(payment) = order["payment"]["id"].as_str().map(str::to_owned) else { return self.clock_jump().await };
        self.log(format!("buyer {b} reports the payment of order {o} as unauthorized"));
        let (s, r) = self
            .api
            .post(
                &format!("/v1/payments/{payment}/report_unauthorized"),
                Some(&token),
                json!({ "description": "not me" }),
            )
            .await;
        let order = &self.orders[o];
        if !order.state.captured() {
            return self.refused(s, &r, 409, "payment_not_captured", "reporting a payment not charged");
        }
        if order.reimbursed {
            return self.refused(s, &r, 409, "already_reported", "reporting twice");
        }
        expect_status(s, 201, &r, "reporting an unauthorized payment")?;
        let left = order.left();
        if r["reimbursement"]["amount"] != left {
            return Err(format!("a reimbursement of {left} expected: {r}"));
        }
        let card = order.card;
        self.buyers[b].pocket += left;
        self.orders[o].reimbursed = true;
        if let Some(card) = card {
            if !self.buyers[b].blocked.contains(&card) {
                self.buyers[b].blocked.push(card);
            }
        }
        Ok(())
    }

    async fn clock_jump(&mut self) -> Outcome {
        let seconds = self.pick(&[30, 120, 300, 900]);
        self.log(format!("the clock moves {seconds} s"));
        let (s, r) = self.api.post("/v1/test/clock", None, json!({ "advance_seconds": seconds })).await;
        expect_status(s, 200, &r, "moving the clock")?;
        self.clock += seconds;
        Ok(())
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
