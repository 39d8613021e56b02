//! Crash test: a `pocketpay serve` child under a concurrent write load is killed with SIGKILL at
//! random moments and restarted, `KILLS` times. Afterwards every acknowledged write must be
//! present, none may have been applied twice, every account's balance must equal what the
//! acknowledged and resolved transfers say, and `pocketpay verify-ledger` must pass.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::{json, Value};

/// How many times the server is killed with SIGKILL during one run.
const KILLS: usize = 24;
/// The source account: may overdraw, funds every other account.
const SOURCE_ACCOUNT: i64 = 1;
/// The accounts the load moves money between (no overdraft).
const FIRST_ACCOUNT: i64 = 2;
const LAST_ACCOUNT: i64 = 11;
/// What each account receives from the source account before the load.
const FUNDING: i64 = 10_000;
/// Largest amount of one load transfer (so that some are refused for insufficient funds).
const AMOUNT_MAX: i64 = 2_500;
/// Concurrent transfer submitters.
const TRANSFER_CLIENTS: usize = 16;
/// Ids of the funding transfers are 1..=10; load transfers start here.
const FIRST_LOAD_TRANSFER_ID: i64 = 1_000;
/// Time the load runs before each kill.
const KILL_DELAY_MS: std::ops::RangeInclusive<u64> = 50..=400;
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Concurrency of the verification phase's resubmissions.
const VERIFY_CLIENTS: usize = 8;
/// The operator the raw test ledger answers to (it moves money only for operators).
const OPERATOR_EMAIL: &str = "crash-ops@pocketpay.test";
const OPERATOR_PASSWORD: &str = "crash-operator-password";

/// A ledger transfer as the client submitted it (resubmitted byte-for-byte the same).
#[derive(Clone, Copy, Debug)]
struct Transfer {
    id: i64,
    debit: i64,
    credit: i64,
    amount: i64,
}

impl Transfer {
    fn body(&self) -> Value {
        json!({
            "id": self.id,
            "debit_account": self.debit,
            "credit_account": self.credit,
            "amount": self.amount,
            "currency": "USD",
        })
    }
}

/// What the server answered to one transfer request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TransferOutcome {
    /// 201: applied by this request.
    Applied,
    /// 200 with `"replayed": true`: the same transfer had been applied before.
    Replayed,
    /// 400 `insufficient_funds`: nothing applied.
    Refused,
    /// No answer (the process died mid-request): applied or not, we cannot tell yet.
    Unknown,
}

/// A signup as the client submitted it.
#[derive(Clone, Debug)]
struct Signup {
    key: String,
    email: String,
    password: String,
    /// The exact body sent (the idempotency fingerprint covers the body's bytes).
    body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SignupOutcome {
    /// 201 with this user id.
    Created(String),
    Unknown,
}

/// Everything the clients did, shared between them.
#[derive(Default)]
struct Log {
    transfers: Mutex<Vec<(Transfer, TransferOutcome)>>,
    signups: Mutex<Vec<(Signup, SignupOutcome)>>,
    /// Answers that no correct server gives; the test fails with all of them listed.
    failures: Mutex<Vec<String>>,
}

impl Log {
    fn transfer(&self, t: Transfer, outcome: TransferOutcome) {
        self.transfers.lock().expect("transfer log lock").push((t, outcome));
    }

    fn signup(&self, s: Signup, outcome: SignupOutcome) {
        self.signups.lock().expect("signup log lock").push((s, outcome));
    }

    fn fail(&self, message: String) {
        eprintln!("crash test failure: {message}");
        self.failures.lock().expect("failure log lock").push(message);
    }
}

/// Per-cycle switches for the clients.
#[derive(Default)]
struct CycleControl {
    /// Set just before SIGKILL is sent: from then on a connection error is expected, and the
    /// clients finish their current request (recording it) and stop.
    killed: AtomicBool,
}

/// A running `pocketpay serve` child; killed (and reaped) on drop, so a failing assertion never
/// leaks a server process.
struct Server {
    child: Option<Child>,
    base: String,
    log_path: PathBuf,
    stdout_drain: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts the server on a free port and waits for its address line and for `/healthz`.
    async fn start(data_dir: &Path, generation: usize, http: &reqwest::Client) -> Server {
        let log_path = data_dir.join(format!("server-{generation:03}.log"));
        let log_file = std::fs::File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating the server log {}: {e}", log_path.display()));
        let mut command = Command::new(env!("CARGO_BIN_EXE_pocketpay"));
        command
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file));
        for var in [
            "POCKETPAY_LISTEN",
            "POCKETPAY_DATA_DIR",
            "POCKETPAY_MODE",
            "POCKETPAY_LOG_FORMAT",
            "POCKETPAY_LOG",
            "POCKETPAY_SECRET",
            "POCKETPAY_OPERATOR_EMAIL",
            "POCKETPAY_OPERATOR_PASSWORD",
        ] {
            command.env_remove(var);
        }
        command.env("POCKETPAY_OPERATOR_EMAIL", OPERATOR_EMAIL).env("POCKETPAY_OPERATOR_PASSWORD", OPERATOR_PASSWORD);
        // On PostgreSQL when the suite runs there (POCKETPAY_TEST_DATABASE_URL). The restarted
        // process keeps its name, so it takes the jobs' lease of the one killed at once.
        if let Some(url) = store::test_database_url(data_dir) {
            command.env("POCKETPAY_DATABASE_URL", url).env("POCKETPAY_PROCESS_NAME", "crash");
        }
        let mut child = command.spawn().expect("spawning pocketpay serve");
        let stdout = child.stdout.take().expect("the child's stdout is piped");
        let (line_tx, line_rx) = mpsc::channel::<String>();
        // Reads the address line, then keeps draining stdout until the process is gone.
        let stdout_drain = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            if reader.read_line(&mut line).is_ok() && !line.is_empty() {
                let _ = line_tx.send(line);
            }
            drop(line_tx);
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let mut server = Server { child: Some(child), base: String::new(), log_path, stdout_drain: Some(stdout_drain) };
        let line = match line_rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(line) => line,
            Err(e) => panic!("server #{generation} printed no address line ({e}); its log:\n{}", server.log_text()),
        };
        let address = line
            .trim()
            .strip_prefix("pocketpay listening on ")
            .and_then(|rest| rest.strip_suffix(" (test mode)"))
            .unwrap_or_else(|| panic!("unexpected first stdout line from the server: {line:?}"));
        server.base = address.to_owned();
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let healthy = http
                .get(format!("{}/healthz", server.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .map(|r| r.status() == reqwest::StatusCode::OK)
                .unwrap_or(false);
            if healthy {
                break;
            }
            if Instant::now() > deadline {
                panic!(
                    "server #{generation} at {} never answered /healthz; its log:\n{}",
                    server.base,
                    server.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server
    }

    fn log_text(&self) -> String {
        std::fs::read(&self.log_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|e| format!("(log unreadable: {e})"))
    }

    /// Sends SIGKILL and reaps the process; panics if it had already exited on its own.
    fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited on its own before it was killed ({status}); its log:\n{}", self.log_text());
        }
        child.kill().expect("sending SIGKILL to the server");
        let status = child.wait().expect("reaping the killed server");
        assert_eq!(
            status.signal(),
            Some(libc::SIGKILL),
            "the server did not die of SIGKILL ({status}); its log:\n{}",
            self.log_text()
        );
        if let Some(drain) = self.stdout_drain.take() {
            drain.join().expect("the stdout drain thread panicked");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The temporary data directory; kept (and its path printed) when the test fails.
struct DataDir(PathBuf);

impl Drop for DataDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("crash test failed; data dir and server logs kept at {}", self.0.display());
        }
    }
}

/// One HTTP answer: status, `Idempotent-Replayed` header, JSON body.
struct Answer {
    status: u16,
    replayed_header: bool,
    body: Value,
}

enum SendError {
    /// No complete answer (connection refused or reset, timeout, truncated body).
    Transport(String),
    /// A complete answer that is not JSON: always a failure.
    Malformed(String),
}

async fn post_json(
    http: &reqwest::Client,
    url: &str,
    body: String,
    idempotency_key: Option<&str>,
) -> Result<Answer, SendError> {
    let mut request = http.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
    if let Some(key) = idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.map_err(|e| SendError::Transport(format!("{e:?}")))?;
    let status = response.status().as_u16();
    let replayed_header = response.headers().get("idempotent-replayed").is_some_and(|v| v.as_bytes() == b"true");
    let bytes = response.bytes().await.map_err(|e| SendError::Transport(format!("{e:?}")))?;
    let body = serde_json::from_slice(&bytes).map_err(|e| {
        SendError::Malformed(format!("status {status}, body not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    })?;
    Ok(Answer { status, replayed_header, body })
}

/// Signs the operator in; its session outlives restarts (sessions are stored).
async fn operator_token(http: &reqwest::Client, base: &str) -> String {
    let body = json!({ "email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD }).to_string();
    let answer = post_json(http, &format!("{base}/v1/sessions"), body, None)
        .await
        .unwrap_or_else(|_| panic!("signing the operator in: no answer"));
    assert_eq!(answer.status, 201, "signing the operator in: {}", answer.body);
    answer.body["token"].as_str().expect("a session token").to_owned()
}

/// A client that sends the operator's session with every request.
fn operator_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("a header-safe token");
    headers.insert(reqwest::header::AUTHORIZATION, value);
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .default_headers(headers)
        .build()
        .expect("building the operator's HTTP client")
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    let response = http.get(url).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_else(|e| panic!("GET {url}: reading the body: {e}"));
    assert_eq!(status, reqwest::StatusCode::OK, "GET {url}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url}: not JSON ({e}): {text}"))
}

/// Classifies a transfer answer; `Err` is an answer no correct server gives.
fn classify_transfer(t: &Transfer, answer: &Answer) -> Result<TransferOutcome, String> {
    let b = &answer.body;
    let same_fields = b["id"] == json!(t.id)
        && b["debit_account"] == json!(t.debit)
        && b["credit_account"] == json!(t.credit)
        && b["amount"] == json!(t.amount);
    match answer.status {
        201 if same_fields && b["replayed"] == json!(false) => Ok(TransferOutcome::Applied),
        200 if same_fields && b["replayed"] == json!(true) => Ok(TransferOutcome::Replayed),
        400 if b["error"]["code"] == json!("insufficient_funds") => Ok(TransferOutcome::Refused),
        status => Err(format!("transfer {t:?}: unexpected answer {status}: {b}")),
    }
}

async fn submit_transfer(http: &reqwest::Client, base: &str, t: &Transfer) -> Result<TransferOutcome, SendError> {
    let answer = post_json(http, &format!("{base}/v1/test/ledger/transfers"), t.body().to_string(), None).await?;
    classify_transfer(t, &answer).map_err(SendError::Malformed)
}

async fn transfer_client(
    http: reqwest::Client,
    base: String,
    ids: Arc<AtomicI64>,
    control: Arc<CycleControl>,
    log: Arc<Log>,
) {
    // A client starts no new request once the kill is under way: what is in flight then is
    // what the crash catches.
    while !control.killed.load(Ordering::SeqCst) {
        let t = {
            let mut rng = rand::thread_rng();
            let debit = rng.gen_range(FIRST_ACCOUNT..=LAST_ACCOUNT);
            let mut credit = rng.gen_range(FIRST_ACCOUNT..LAST_ACCOUNT);
            if credit >= debit {
                credit += 1;
            }
            Transfer { id: ids.fetch_add(1, Ordering::SeqCst), debit, credit, amount: rng.gen_range(1..=AMOUNT_MAX) }
        };
        match submit_transfer(&http, &base, &t).await {
            Ok(outcome) => log.transfer(t, outcome),
            Err(SendError::Transport(e)) => {
                if !control.killed.load(Ordering::SeqCst) {
                    log.fail(format!("transfer {t:?}: no answer while the server was alive: {e}"));
                }
                log.transfer(t, TransferOutcome::Unknown);
            }
            Err(SendError::Malformed(e)) => {
                log.fail(e);
                // Whatever it was, it must not be counted as acknowledged.
                log.transfer(t, TransferOutcome::Unknown);
            }
        }
    }
}

fn new_signup(n: i64, run: &str) -> Signup {
    let secret: u64 = rand::thread_rng().gen();
    let email = format!("crash-{run}-{n}@example.com");
    let password = format!("pw-{secret:016x}-{n}-secret");
    let body = json!({ "email": email, "password": password }).to_string();
    Signup { key: format!("crash-signup-{run}-{n}"), email, password, body }
}

async fn signup_client(
    http: reqwest::Client,
    base: String,
    numbers: Arc<AtomicI64>,
    run: String,
    control: Arc<CycleControl>,
    log: Arc<Log>,
) {
    while !control.killed.load(Ordering::SeqCst) {
        let s = new_signup(numbers.fetch_add(1, Ordering::SeqCst), &run);
        let sent = post_json(&http, &format!("{base}/v1/users"), s.body.clone(), Some(&s.key)).await;
        match sent {
            Ok(a) if a.status == 201 && !a.replayed_header && a.body["email"] == json!(s.email) => {
                match a.body["id"].as_str() {
                    Some(id) if id.starts_with("usr_") => {
                        let id = id.to_owned();
                        log.signup(s, SignupOutcome::Created(id));
                    }
                    _ => {
                        log.fail(format!("signup {}: 201 without a user id: {}", s.email, a.body));
                        log.signup(s, SignupOutcome::Unknown);
                    }
                }
            }
            Ok(a) => {
                log.fail(format!(
                    "signup {}: unexpected answer {} (replayed header {}): {}",
                    s.email, a.status, a.replayed_header, a.body
                ));
                log.signup(s, SignupOutcome::Unknown);
            }
            Err(SendError::Transport(e)) => {
                if !control.killed.load(Ordering::SeqCst) {
                    log.fail(format!("signup {}: no answer while the server was alive: {e}", s.email));
                }
                log.signup(s, SignupOutcome::Unknown);
            }
            Err(SendError::Malformed(e)) => {
                log.fail(format!("signup {}: {e}", s.email));
                log.signup(s, SignupOutcome::Unknown);
            }
        }
    }
}

fn assert_no_failures(log: &Log, when: &str) {
    let failures = log.failures.lock().expect("failure log lock");
    assert!(failures.is_empty(), "{} failure(s) {when}:\n{}", failures.len(), failures.join("\n"));
}

/// Resubmits transfers concurrently in the verification phase (the server is alive: every
/// request must get a well-formed answer).
async fn resubmit(http: &reqwest::Client, base: &str, transfers: Vec<Transfer>) -> Vec<(Transfer, TransferOutcome)> {
    let chunk = transfers.len().div_ceil(VERIFY_CLIENTS).max(1);
    let mut tasks = Vec::new();
    for part in transfers.chunks(chunk) {
        let part = part.to_vec();
        let http = http.clone();
        let base = base.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(part.len());
            for t in part {
                match submit_transfer(&http, &base, &t).await {
                    Ok(outcome) => out.push((t, outcome)),
                    Err(SendError::Transport(e) | SendError::Malformed(e)) => {
                        panic!("resubmitting transfer {t:?} after the last restart: {e}")
                    }
                }
            }
            out
        }));
    }
    let mut results = Vec::with_capacity(transfers.len());
    for task in tasks {
        results.extend(task.await.expect("a resubmission task failed"));
    }
    results
}

#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
struct Totals {
    debits: i64,
    credits: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let started = Instant::now();
    let run = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    let dir_path = std::env::temp_dir().join(format!("pocketpay-crash-{run}"));
    std::fs::create_dir_all(&dir_path).unwrap_or_else(|e| panic!("creating {}: {e}", dir_path.display()));
    let data_dir = DataDir(dir_path);
    let dir = data_dir.0.as_path();

    let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().expect("building the HTTP client");
    let mut generation = 0;
    let mut server = Server::start(dir, generation, &http).await;
    let token = operator_token(&http, &server.base).await;
    let ops = operator_client(&token);

    // Accounts and funding.
    for (id, no_overdraft) in
        std::iter::once((SOURCE_ACCOUNT, false)).chain((FIRST_ACCOUNT..=LAST_ACCOUNT).map(|id| (id, true)))
    {
        let body = json!({ "id": id, "currency": "USD", "no_overdraft": no_overdraft });
        let answer = post_json(&ops, &format!("{}/v1/test/ledger/accounts", server.base), body.to_string(), None)
            .await
            .unwrap_or_else(|_| panic!("opening ledger account {id}: no answer"));
        assert!(
            answer.status == 201 || answer.status == 200,
            "opening ledger account {id}: {} {}",
            answer.status,
            answer.body
        );
    }
    let mut funding = Vec::new();
    for (i, account) in (FIRST_ACCOUNT..=LAST_ACCOUNT).enumerate() {
        let t = Transfer {
            id: i64::try_from(i).expect("small index") + 1,
            debit: SOURCE_ACCOUNT,
            credit: account,
            amount: FUNDING,
        };
        match submit_transfer(&ops, &server.base, &t).await {
            Ok(TransferOutcome::Applied) => funding.push(t),
            Ok(other) => panic!("funding transfer {t:?}: {other:?}"),
            Err(SendError::Transport(e) | SendError::Malformed(e)) => {
                panic!("funding transfer {t:?}: {e}")
            }
        }
    }

    // The kill cycles.
    let log = Arc::new(Log::default());
    let transfer_ids = Arc::new(AtomicI64::new(FIRST_LOAD_TRANSFER_ID));
    let signup_numbers = Arc::new(AtomicI64::new(1));
    for cycle in 0..KILLS {
        if cycle > 0 {
            generation += 1;
            server = Server::start(dir, generation, &http).await;
        }
        let control = Arc::new(CycleControl::default());
        // A fresh client per cycle: no pooled connection outlives the process it went to.
        let load_http =
            reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().expect("building the load HTTP client");
        let load_ops = operator_client(&token);
        let mut clients = Vec::new();
        for _ in 0..TRANSFER_CLIENTS {
            clients.push(tokio::spawn(transfer_client(
                load_ops.clone(),
                server.base.clone(),
                transfer_ids.clone(),
                control.clone(),
                log.clone(),
            )));
        }
        clients.push(tokio::spawn(signup_client(
            load_http.clone(),
            server.base.clone(),
            signup_numbers.clone(),
            run.clone(),
            control.clone(),
            log.clone(),
        )));
        let delay = rand::thread_rng().gen_range(KILL_DELAY_MS);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        control.killed.store(true, Ordering::SeqCst);
        server.kill();
        for client in clients {
            client.await.expect("a load client task panicked");
        }
        assert_no_failures(&log, &format!("during kill cycle {cycle}"));
    }

    // Verification, on a server restarted once more.
    generation += 1;
    server = Server::start(dir, generation, &http).await;
    let transfers = std::mem::take(&mut *log.transfers.lock().expect("transfer log lock"));
    let signups = std::mem::take(&mut *log.signups.lock().expect("signup log lock"));
    let mut seen = HashSet::new();
    for (t, _) in &transfers {
        assert!(seen.insert(t.id), "transfer id {} submitted twice", t.id);
    }
    let count = |o: TransferOutcome| transfers.iter().filter(|(_, x)| *x == o).count();
    let acknowledged_applied: Vec<Transfer> = transfers
        .iter()
        .filter(|(_, o)| matches!(o, TransferOutcome::Applied | TransferOutcome::Replayed))
        .map(|(t, _)| *t)
        .collect();
    let unknown: Vec<Transfer> =
        transfers.iter().filter(|(_, o)| *o == TransferOutcome::Unknown).map(|(t, _)| *t).collect();

    // Unknown transfers: the answer to the same request now says whether it had been applied.
    let resolved = resubmit(&ops, &server.base, unknown.clone()).await;
    let mut unknown_applied_before = 0;
    let mut unknown_applied_now = 0;
    let mut unknown_refused = 0;
    let mut applied: Vec<Transfer> = acknowledged_applied.clone();
    for (t, outcome) in &resolved {
        match outcome {
            TransferOutcome::Replayed => {
                unknown_applied_before += 1;
                applied.push(*t);
            }
            TransferOutcome::Applied => {
                unknown_applied_now += 1;
                applied.push(*t);
            }
            TransferOutcome::Refused => unknown_refused += 1,
            TransferOutcome::Unknown => unreachable!("resubmit panics instead"),
        }
    }

    // Acknowledged transfers: present, and a resubmission applies nothing again.
    let replays = resubmit(&ops, &server.base, acknowledged_applied.clone()).await;
    let mut not_replayed = Vec::new();
    for (t, outcome) in &replays {
        if *outcome != TransferOutcome::Replayed {
            not_replayed.push(format!("{t:?}: {outcome:?}"));
        }
    }
    assert!(
        not_replayed.is_empty(),
        "{} acknowledged transfer(s) were not found as applied after the crashes (a resubmission \
         did not answer 200 replayed), e.g.:\n{}",
        not_replayed.len(),
        not_replayed.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );

    // Balances: funding plus every applied transfer, nothing else.
    let mut expected: BTreeMap<i64, Totals> =
        (SOURCE_ACCOUNT..=LAST_ACCOUNT).map(|id| (id, Totals::default())).collect();
    for t in funding.iter().chain(applied.iter()) {
        expected.get_mut(&t.debit).expect("known account").debits += t.amount;
        expected.get_mut(&t.credit).expect("known account").credits += t.amount;
    }
    let mut mismatches = Vec::new();
    for (id, want) in &expected {
        let a = get_json(&ops, &format!("{}/v1/test/ledger/accounts/{id}", server.base)).await;
        let got = Totals {
            debits: a["debits_posted"].as_i64().expect("debits_posted"),
            credits: a["credits_posted"].as_i64().expect("credits_posted"),
        };
        let balance = a["balance"].as_i64().expect("balance");
        let available = a["available"].as_i64().expect("available");
        let want_balance = want.credits - want.debits;
        if got != *want || balance != want_balance || available != want_balance {
            mismatches.push(format!("account {id}: expected balance {want_balance} ({want:?}), server says {a}"));
        }
        if *id != SOURCE_ACCOUNT && balance < 0 {
            mismatches.push(format!("account {id} has no overdraft but a balance of {balance}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "balances differ from the acknowledged and resolved transfers:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(
        expected[&SOURCE_ACCOUNT].credits - expected[&SOURCE_ACCOUNT].debits,
        -FUNDING * (LAST_ACCOUNT - FIRST_ACCOUNT + 1),
        "the source account only funds"
    );

    // Signups: acknowledged ones replay the same user; unknown ones resolve to exactly one user.
    let users_url = format!("{}/v1/users", server.base);
    let mut signups_acknowledged = 0;
    let mut signups_unknown = 0;
    for (s, outcome) in &signups {
        let replay = match post_json(&http, &users_url, s.body.clone(), Some(&s.key)).await {
            Ok(a) => a,
            Err(SendError::Transport(e) | SendError::Malformed(e)) => {
                panic!("replaying signup {}: {e}", s.email)
            }
        };
        assert_eq!(replay.status, 201, "replaying signup {} ({outcome:?}): {}", s.email, replay.body);
        assert_eq!(replay.body["email"], json!(s.email), "replayed signup's email");
        match outcome {
            SignupOutcome::Created(id) => {
                signups_acknowledged += 1;
                assert!(
                    replay.replayed_header,
                    "replaying acknowledged signup {} did not say Idempotent-Replayed: true",
                    s.email
                );
                assert_eq!(
                    replay.body["id"],
                    json!(id),
                    "acknowledged signup {} replayed with another user id",
                    s.email
                );
            }
            SignupOutcome::Unknown => signups_unknown += 1,
        }
        let other_key = format!("{}-again", s.key);
        let again = match post_json(&http, &users_url, s.body.clone(), Some(&other_key)).await {
            Ok(a) => a,
            Err(SendError::Transport(e) | SendError::Malformed(e)) => {
                panic!("signing up {} again with another key: {e}", s.email)
            }
        };
        assert!(
            again.status == 409 && again.body["error"]["code"] == json!("email_taken"),
            "signing up {} again with another key must answer 409 email_taken, got {}: {}",
            s.email,
            again.status,
            again.body
        );
    }

    // The ledger's own invariants, offline.
    server.kill();
    let verify = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .arg("verify-ledger")
        .arg("--data-dir")
        .arg(dir)
        .env_remove("POCKETPAY_DATA_DIR")
        .env("POCKETPAY_DATABASE_URL", store::test_database_url(dir).unwrap_or_default())
        .output()
        .expect("running pocketpay verify-ledger");
    let verify_out = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && verify_out.contains("ledger balanced: every invariant holds"),
        "verify-ledger failed ({}):\n{verify_out}\n{}",
        verify.status,
        String::from_utf8_lossy(&verify.stderr)
    );

    // No signup password in any server log.
    let mut logs_bytes = 0;
    for entry in std::fs::read_dir(dir).expect("listing the data dir") {
        let path = entry.expect("a data dir entry").path();
        if path.extension().is_some_and(|e| e == "log") {
            let text = String::from_utf8_lossy(
                &std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
            )
            .into_owned();
            logs_bytes += text.len();
            for (s, _) in &signups {
                assert!(!text.contains(&s.password), "the password of {} appears in {}", s.email, path.display());
            }
            assert!(!text.contains("panicked at"), "the server panicked; see {}", path.display());
        }
    }
    assert!(logs_bytes > 0, "the servers wrote no log at all: the password check would prove nothing");

    println!(
        "crash test: {KILLS} kills; transfers acknowledged {} (applied {}, refused {}), unknown {} \
         (applied before the crash {unknown_applied_before}, applied on resubmission \
         {unknown_applied_now}, refused {unknown_refused}); applied in the end {}; signups \
         acknowledged {signups_acknowledged}, unknown {signups_unknown}; {logs_bytes} log bytes \
         checked; {:.1} s",
        count(TransferOutcome::Applied) + count(TransferOutcome::Replayed) + count(TransferOutcome::Refused),
        count(TransferOutcome::Applied) + count(TransferOutcome::Replayed),
        count(TransferOutcome::Refused),
        unknown.len(),
        applied.len(),
        started.elapsed().as_secs_f64()
    );

    drop(server);
    std::fs::remove_dir_all(dir).unwrap_or_else(|e| panic!("removing {}: {e}", dir.display()));
}
