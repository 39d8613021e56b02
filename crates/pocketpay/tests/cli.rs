//! The `pocketpay` command line: migrate, operator create, verify-ledger (exit 1 on a broken ledger),
//! short runs of the benchmarks, vault rotation against a running server, and the demo shop.

use std::process::Command;

use domain::ledger::{Account, AccountFlags, AccountId, TransferId, TransferKind, TransferRequest};
use domain::money::Currency;
use store::{AccountMeta, Store, StoreError};

fn pocketpay(args: &[&str]) -> (i32, String) {
    // On PostgreSQL when the suite runs there: the database of the `--data-dir` given.
    let dir = args.iter().position(|a| *a == "--data-dir").and_then(|i| args.get(i + 1));
    let url = dir.and_then(|d| store::test_database_url(std::path::Path::new(d))).unwrap_or_default();
    let out = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(args)
        .env("POCKETPAY_DATABASE_URL", url)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn temp_dir(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("pocketpay-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.display().to_string()
}

#[test]
fn migrate_and_operator_create() {
    let dir = temp_dir("operator");
    let (code, out) = pocketpay(&["migrate", "--data-dir", &dir]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("database at schema version "), "{out}");
    let (code, out) = pocketpay(&[
        "operator",
        "create",
        "--email",
        "Ops@Example.com",
        "--password",
        "operator-pass-1",
        "--data-dir",
        &dir,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ops@example.com") && !out.contains("operator-pass-1"), "{out}");
    let (code, out) = pocketpay(&[
        "operator",
        "create",
        "--email",
        "ops@example.com",
        "--password",
        "operator-pass-1",
        "--data-dir",
        &dir,
    ]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("already exists"), "{out}");
    let (code, out) =
        pocketpay(&["operator", "create", "--email", "x@example.com", "--password", "short", "--data-dir", &dir]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("at least 10 characters"), "{out}");
}

#[test]
fn verify_ledger_exits_1_with_a_report_when_an_invariant_breaks() {
    let dir = temp_dir("verify");
    let db = std::path::Path::new(&dir).join("pocketpay.db");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let store = Store::open(store::test_config(std::path::Path::new(&dir))).unwrap_or_else(|e| panic!("{e}"));
        store
            .write(|tx| -> Result<(), StoreError> {
                let meta = AccountMeta { kind: "test".into(), owner: None };
                tx.open_account(&Account::new(AccountId(1), Currency::USD, AccountFlags::default()), &meta, 0)?;
                tx.open_account(
                    &Account::new(AccountId(2), Currency::USD, AccountFlags { no_overdraft: true }),
                    &meta,
                    0,
                )?;
                let t = TransferRequest {
                    id: TransferId(1),
                    debit_account: Some(AccountId(1)),
                    credit_account: Some(AccountId(2)),
                    amount: Some(250),
                    currency: Some(Currency::USD),
                    kind: TransferKind::Posted,
                    code: 1,
                };
                tx.submit_transfer(&t, 0)?.map_err(StoreError::from)?;
                Ok(())
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store.shutdown().await;
    });
    drop(runtime);
    let (code, out) = pocketpay(&["verify-ledger", "--data-dir", &dir]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ledger balanced") && out.contains("transfers 1"), "{out}");
    // Money appears from nowhere and a protected account goes below zero.
    store::tamper_for_tests(&db, "UPDATE ledger_accounts SET debits_posted = 300 WHERE id = 2")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, out) = pocketpay(&["verify-ledger", "--data-dir", &dir]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("BROKEN each balance equals the sum of its postings"), "{out}");
    assert!(out.contains("BROKEN no protected account below zero"), "{out}");
    assert!(out.contains("BROKEN the ledger balances per currency"), "{out}");
    let (code, out) = pocketpay(&["verify-ledger", "--data-dir", &temp_dir("nothing-here")]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn the_ledger_bench_runs_and_reports() {
    let (code, out) = pocketpay(&["bench", "ledger", "--seconds", "1", "--accounts", "200", "--submitters", "64"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("transfers/s durable") && out.contains("p99"), "{out}");
}

#[test]
fn the_checkout_bench_runs_and_reports() {
    let (code, out) = pocketpay(&["bench", "checkout", "--seconds", "1", "--buyers", "2", "--concurrency", "2"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("orders/s") && out.contains("0 failed"), "{out}");
}

#[test]
fn the_checkout_bench_keeps_its_database_when_asked() {
    let (code, out) =
        pocketpay(&["bench", "checkout", "--seconds", "1", "--buyers", "2", "--concurrency", "2", "--keep-db"]);
    assert_eq!(code, 0, "{out}");
    let kept = out.lines().find_map(|l| l.strip_prefix("the database is kept: ")).unwrap_or_default().trim().to_owned();
    let db = std::path::Path::new(&kept);
    assert!(db.is_file(), "{out}");
    // The bench keeps a SQLite file: check that file whatever engine the suite runs on.
    let out = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["verify-ledger", "--data-dir", &db.parent().unwrap_or(db).display().to_string()])
        .env("POCKETPAY_DATABASE_URL", "")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let (code, verified) = (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned());
    assert_eq!(code, 0, "{verified}");
    let _ = std::fs::remove_dir_all(db.parent().unwrap_or(db));
}

#[test]
fn the_floor_bench_replays_an_orders_statements_and_reports() {
    let (code, out) = pocketpay(&["bench", "floor", "--orders", "300", "--buyers", "2"]);
    assert_eq!(code, 0, "{out}");
    let statements: usize = out
        .split("floor bench: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    // Create, claim and hold, record the authorization, claim and book the capture, mark the email sent.
    assert!((50..80).contains(&statements), "{out}");
    assert!(out.contains("orders/s for one SQLite writer"), "{out}");
}

#[test]
fn vault_rotation_from_the_command_line_while_serving() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("vault");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &dir])
        .env("POCKETPAY_OPERATOR_EMAIL", "vault-ops@example.com")
        .env("POCKETPAY_OPERATOR_PASSWORD", "vault-operator-1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("serve: {e}"));
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_default().to_owned();
    let creds = ["--server", url.as_str(), "--email", "vault-ops@example.com", "--password", "vault-operator-1"];
    let rotate = pocketpay(&[&["vault", "rotate"][..], &creds[..]].concat());
    let remove_active = pocketpay(&[&["vault", "remove-key", "--id", "2"][..], &creds[..]].concat());
    let remove_old = pocketpay(&[&["vault", "remove-key", "--id", "1"][..], &creds[..]].concat());
    let wrong = pocketpay(&[
        "vault",
        "rotate",
        "--server",
        &url,
        "--email",
        "vault-ops@example.com",
        "--password",
        "not-the-password",
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(rotate.0, 0, "{}", rotate.1);
    assert!(rotate.1.contains("\"active_key_id\":2"), "{}", rotate.1);
    assert_eq!(remove_active.0, 1, "{}", remove_active.1);
    assert_eq!(remove_old.0, 0, "{}", remove_old.1);
    assert_ne!(wrong.0, 0, "{}", wrong.1);
    assert!(!wrong.1.contains("not-the-password"), "{}", wrong.1);
}

/// Starts `pocketpay demo` on a free port; returns the child and the base URL once the shop is ready.
fn start_demo(dir: &str) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir", dir])
        .env("POCKETPAY_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("demo: {e}"));
    let mut out = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok).take(20) {
            out.push_str(&line);
            out.push('\n');
            if line.trim_start().starts_with("data:") {
                break;
            }
        }
    }
    let base = out
        .lines()
        .find_map(|l| l.strip_prefix("demo ready: open "))
        .map(|u| u.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("the demo did not get ready: {out}"));
    assert!(out.contains("buyer@demo.pocketpay.test / demo-password"), "{out}");
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_seeds_a_live_shop_once_and_keeps_it_across_restarts() {
    let dir = temp_dir("demo");
    let http = reqwest::Client::new();
    for run in 0..2 {
        let (mut child, base) = tokio::task::block_in_place(|| start_demo(&dir));
        let products: serde_json::Value = http
            .get(format!("{base}/v1/products?limit=100"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        let session: serde_json::Value = http
            .post(format!("{base}/v1/sessions"))
            .json(&serde_json::json!({ "email": "buyer@demo.pocketpay.test", "password": "demo-password" }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        let token = session["token"].as_str().unwrap_or_default().to_owned();
        let pocket: serde_json::Value = http
            .get(format!("{base}/v1/pocket"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        let cards: serde_json::Value = http
            .get(format!("{base}/v1/cards"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        let shop_page = http
            .get(format!("{base}/"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .text()
            .await
            .unwrap_or_default();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(products["data"].as_array().map(Vec::len), Some(9), "run {run}: {products}");
        assert_eq!(pocket["balances"][0]["available"], 15_000, "run {run}: {pocket}");
        assert_eq!(cards["data"].as_array().map(Vec::len), Some(2), "run {run}: {cards}");
        assert!(shop_page.contains("Canvas tote bag") && shop_page.contains("$24.00"), "run {run}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_refuses_a_malformed_limit_and_names_the_variable() {
    let dir = temp_dir("limits");
    let out = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &dir])
        .env("POCKETPAY_DAILY_LIMIT_MINOR", "lots")
        .output()
        .unwrap_or_else(|e| panic!("serve: {e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("POCKETPAY_DAILY_LIMIT_MINOR must be a whole number"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &dir])
        .env("POCKETPAY_DAILY_LIMIT_MINOR", "900000")
        .env("POCKETPAY_MONTHLY_LIMIT_MINOR", "100000")
        .output()
        .unwrap_or_else(|e| panic!("serve: {e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("above POCKETPAY_MONTHLY_LIMIT_MINOR"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A wrong PostgreSQL URL, an unreachable server: the command stops with a message that names the
/// problem and the server, never the password.
#[test]
fn a_bad_database_url_is_named_without_its_password() {
    let run = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
            .args(["migrate", "--database-url", url])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    };
    let (code, out) = run("postgres://pocket:hunter2secret@127.0.0.1:1/shop");
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("cannot connect to PostgreSQL at 127.0.0.1:1/shop"), "{out}");
    assert!(!out.contains("hunter2secret"), "the password leaked: {out}");
    let (code, out) = run("postgres://pocket:hunter2secret@127.0.0.1:5432/shop?sslmode=bogus");
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("not a PostgreSQL URL"), "{out}");
    assert!(!out.contains("hunter2secret"), "the password leaked: {out}");
}

/// Every `POCKETPAY_*` variable the server's code reads, outside the other commands' own.
fn variables_read_by_the_server() -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut names = std::collections::BTreeSet::new();
    for dir in ["crates/pocketpay/src", "crates/server/src"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}")).flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for (at, _) in text.match_indices("env = \"POCKETPAY_").chain(text.match_indices("var(\"POCKETPAY_")) {
                let start = at + text[at..].find('"').unwrap_or(0) + 1;
                let end = start + text[start..].find('"').unwrap_or(0);
                names.insert(text[start..end].to_owned());
            }
        }
    }
    // The client commands' own (`operator`, `vault`), the issuer service's, and the bench's.
    for other in ["POCKETPAY_URL", "POCKETPAY_ISSUER_LISTEN", "POCKETPAY_ISSUER_DATA_DIR"] {
        names.remove(other);
    }
    names
}

#[test]
fn serve_help_lists_every_setting_and_bad_settings_stop_it_with_a_message() {
    let (code, help) = pocketpay(&["serve", "--help"]);
    assert_eq!(code, 0, "{help}");
    let names = variables_read_by_the_server();
    assert!(names.len() >= 30, "{names:?}");
    for name in &names {
        assert!(help.contains(name.as_str()), "`serve --help` does not list {name}");
    }
    let dir = temp_dir("settings");
    let serve = |vars: &[(&str, &str)], listen: &str, data: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pocketpay"));
        command.args(["serve", "--listen", listen, "--data-dir", data]);
        for (k, v) in vars {
            command.env(k, v);
        }
        let out = command.output().unwrap_or_else(|e| panic!("serve: {e}"));
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, text) = serve(&[("POCKETPAY_LOG", "pocketpay=[[nonsense")], "127.0.0.1:0", &dir);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("POCKETPAY_LOG") && text.contains("is not a log filter"), "{text}");
    let (code, text) = serve(&[("POCKETPAY_LOG_FORMAT", "xml")], "127.0.0.1:0", &dir);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("possible values: text, json"), "{text}");
    // A data directory whose parent cannot be made, and an address in use, are named.
    let (code, text) = serve(&[], "127.0.0.1:0", "/proc/no-such-place/data");
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("cannot create the data directory /proc/no-such-place/data"), "{text}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let address = taken.local_addr().unwrap_or_else(|e| panic!("{e}")).to_string();
    let (code, text) = serve(&[], &address, &dir);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(&format!("cannot listen on {address}")), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_logs_end_with_a_json_shutdown_line_and_database_files_are_private() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("json-logs");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &dir])
        .env("POCKETPAY_LOG_FORMAT", "json")
        .env("POCKETPAY_DATABASE_URL", "")
        .env("POCKETPAY_METRICS_LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("serve: {e}"));
    let (mut line, mut metrics_line) = (String::new(), String::new());
    if let Some(stdout) = child.stdout.take() {
        let mut out = BufReader::new(stdout);
        out.read_line(&mut line).unwrap_or_else(|e| panic!("{e}"));
        out.read_line(&mut metrics_line).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(line.contains("pocketpay listening on"), "{line}");
    // Metrics, asked for, are served on their own address.
    let at = metrics_line
        .trim()
        .strip_prefix("metrics at http://")
        .and_then(|rest| rest.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("{metrics_line}"))
        .to_owned();
    let mut scrape = std::net::TcpStream::connect(&at).unwrap_or_else(|e| panic!("{at}: {e}"));
    write!(scrape, "GET /metrics HTTP/1.1\r\nHost: {at}\r\nConnection: close\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    scrape.read_to_string(&mut answer).unwrap_or_else(|e| panic!("{e}"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("pocketpay_store_batch_commands_count"), "{answer}");
    for file in ["pocketpay.db", "pocketpay.db-wal", "secret.key", "vault.keys"] {
        let path = std::path::Path::new(&dir).join(file);
        let mode = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{file}: {e}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file} is readable by others");
    }
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    assert!(term.is_ok_and(|s| s.success()), "SIGTERM to the server");
    let mut logs = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut logs).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(child.wait().map(|s| s.success()).unwrap_or(false), "{logs}");
    let last = logs.lines().rfind(|l| !l.trim().is_empty()).unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {last}"));
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(parsed.is_object(), "{last}");
    for l in logs.lines().filter(|l| !l.trim().is_empty()) {
        assert!(serde_json::from_str::<serde_json::Value>(l).is_ok(), "a log line is not JSON: {l}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
