//! The `pocketpay` command: serve, migrate, operator commands, ledger verification and benchmarks.
#![forbid(unsafe_code)]

mod bench;
mod bench_checkout;
mod bench_floor;
mod client;
mod demo;
mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use server::{Mode, ServerConfig};

#[derive(Parser)]
#[command(name = "pocketpay", version, about = "Pocketpay: wallet, cards and checkout for a marketplace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Test,
    Live,
}

#[derive(Clone, clap::Args)]
struct DataDir {
    /// Where the database and the secret key live.
    #[arg(long, env = "POCKETPAY_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://user@host:port/database`) instead of the SQLite file in the
    /// data directory; several servers may share one.
    #[arg(long, env = "POCKETPAY_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

impl DataDir {
    /// The PostgreSQL URL, if one is set (an empty value means none).
    fn url(&self) -> Option<&str> {
        self.database_url.as_deref().filter(|u| !u.trim().is_empty())
    }

    fn store_config(&self) -> store::StoreConfig {
        let mut config = store::StoreConfig::new(self.data_dir.join("pocketpay.db"));
        config.database_url = self.url().map(str::to_owned);
        config
    }
}

// `serve`'s settings make its variant large; the command is parsed once.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Runs the API on embedded storage (SQLite in the data directory; no setup needed).
    Serve {
        /// Address to listen on; port 0 picks a free port (the chosen address is printed).
        #[arg(long, env = "POCKETPAY_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        data: DataDir,
        /// Test mode uses the test issuer and the test endpoints; live mode has neither.
        #[arg(long, env = "POCKETPAY_MODE", value_enum, default_value = "test")]
        mode: ModeArg,
        /// Log format.
        #[arg(long, env = "POCKETPAY_LOG_FORMAT", value_enum, default_value = "text")]
        log_format: LogFormat,
        #[command(flatten)]
        settings: settings::Settings,
    },
    /// Creates or upgrades the database schema, then exits.
    Migrate {
        #[command(flatten)]
        data: DataDir,
    },
    /// Operator accounts.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Copies the shop from the embedded file in the data directory into an empty PostgreSQL
    /// database, in one transaction, and checks the row counts and the ledger on both sides. The
    /// server must be stopped; a move that failed leaves the database empty and can be run again.
    /// The data directory keeps the server's secret, the vault's keys and the test issuer: serve
    /// from it afterwards with `--database-url`.
    MoveToPostgres {
        /// The data directory of the shop to move.
        #[arg(long, env = "POCKETPAY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// The empty PostgreSQL database to fill (`postgres://user@host:port/database`).
        #[arg(long, env = "POCKETPAY_DATABASE_URL", hide_env_values = true)]
        database_url: String,
    },
    /// Writes a consistent copy of the embedded database to a new file while the server keeps serving,
    /// and checks it. The vault's keys are not in it: back up the data directory's `vault.keys` and
    /// `secret.key` separately. On PostgreSQL, use the engine's tools (see the README's "Backups").
    Backup {
        #[command(flatten)]
        data: DataDir,
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Puts a backup in place of the embedded database (the server must be stopped), after checking
    /// it; the database it replaces is kept beside it.
    Restore {
        /// The data directory to restore into.
        #[arg(long, env = "POCKETPAY_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
    /// Checks every ledger invariant; exits with status 1 and a report if one fails. Safe while serving.
    VerifyLedger {
        #[command(flatten)]
        data: DataDir,
    },
    /// The card vault of a running server: rotate the encryption key (every card is re-encrypted while
    /// the server keeps serving), or remove a retired key. Signs in as an operator.
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
        /// The running server.
        #[arg(long, env = "POCKETPAY_URL", default_value = "http://127.0.0.1:8080", global = true)]
        server: String,
        /// An operator's email.
        #[arg(long, env = "POCKETPAY_OPERATOR_EMAIL", global = true)]
        email: Option<String>,
        /// The operator's password.
        #[arg(long, env = "POCKETPAY_OPERATOR_PASSWORD", hide_env_values = true, global = true)]
        password: Option<String>,
    },
    /// The test issuer as a separate HTTP service (point `POCKETPAY_ISSUER_URL` at it).
    Issuer {
        #[command(subcommand)]
        command: IssuerCommand,
    },
    /// A live demo shop in one command: a test-mode server seeded (on first start) with sellers,
    /// products, a buyer with a Pocket balance and saved cards, and an operator; prints the logins.
    Demo(demo::DemoArgs),
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// The seeded journey simulation: random journeys of buyers, a seller and an operator against the
    /// application in process, each step compared with a reference model; prints every failing seed
    /// with its operations (a seed replays identically). Exit status 1 if a seed failed.
    Simulate {
        /// How many seeds to run.
        #[arg(long, default_value_t = 10_000)]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 0)]
        first: u64,
        /// Operations per seed.
        #[arg(long, default_value_t = simulation::STEPS_DEFAULT)]
        steps: usize,
        /// Seeds run at once.
        #[arg(long, default_value_t = 2)]
        parallel: usize,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Creates an operator (stop the server first: it holds the database).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, env = "POCKETPAY_OPERATOR_PASSWORD", hide_env_values = true)]
        password: String,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Subcommand)]
enum VaultCommand {
    /// Adds a new card-encryption key, makes it active and re-encrypts every saved card with it.
    Rotate,
    /// Removes a retired key (refused while any card is still encrypted with it).
    RemoveKey {
        #[arg(long)]
        id: u32,
    },
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Serves the test issuer over HTTP with its own database.
    Serve {
        #[arg(long, env = "POCKETPAY_ISSUER_LISTEN", default_value = "127.0.0.1:7070")]
        listen: SocketAddr,
        /// Where the issuer keeps its database (issuer.db).
        #[arg(long, env = "POCKETPAY_ISSUER_DATA_DIR", default_value = "./issuer-data")]
        data_dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Durable ledger transfers from many concurrent submitters through the API's writer path.
    Ledger(bench::LedgerBenchArgs),
    /// Complete orders (create, pay half Pocket half saved card, ship) through the API, in process or `--http`.
    Checkout(bench_checkout::CheckoutBenchArgs),
    /// The bare SQLite work of one checkout order's rows on one writer core: the ceiling of the
    /// embedded store's write path, whatever runs around it.
    Floor(bench_floor::FloorBenchArgs),
}

/// How logs are written.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// `POCKETPAY_LOG` for the commands other than `serve` (which checks it), else `info`.
fn env_log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env("POCKETPAY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

fn init_logs(filter: tracing_subscriber::EnvFilter, json: bool) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { listen, data, mode, log_format, settings } => {
            init_logs(settings.log_filter()?, log_format == LogFormat::Json);
            let mode = match mode {
                ModeArg::Test => Mode::Test,
                ModeArg::Live => Mode::Live,
            };
            let mut config = ServerConfig::new(mode, data.data_dir.clone());
            config.database_url = data.url().map(str::to_owned);
            settings.apply(&mut config)?;
            // The data directory (its keys, and the database on SQLite) is made here, so that a
            // parent that cannot be made is named.
            std::fs::create_dir_all(&data.data_dir)
                .map_err(|e| anyhow::anyhow!("cannot create the data directory {}: {e}", data.data_dir.display()))?;
            let app = server::build(config).await?;
            let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
                anyhow::anyhow!("cannot listen on {listen}: {e} (is another server using it? choose another --listen / POCKETPAY_LISTEN)")
            })?;
            let addr = listener.local_addr()?;
            let metrics = match (settings.metrics_listen, app.metrics_router()) {
                (Some(at), Some(router)) => {
                    let listener = tokio::net::TcpListener::bind(at).await.map_err(|e| {
                        anyhow::anyhow!(
                            "cannot listen on {at} for metrics: {e} (choose another POCKETPAY_METRICS_LISTEN)"
                        )
                    })?;
                    Some((listener.local_addr()?, router, listener))
                }
                _ => None,
            };
            let shutdown = shutdown_signal();
            println!(
                "pocketpay listening on http://{addr} ({} mode)",
                if mode == Mode::Test { "test" } else { "live" }
            );
            if let Some((at, router, listener)) = metrics {
                println!("metrics at http://{at}/metrics");
                // Ends with the process; a scrape cut by the exit is simply retried by Prometheus.
                tokio::spawn(async move { axum::serve(listener, router).await });
            }
            app.serve(listener, shutdown).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { data } => {
            let version = match data.url() {
                Some(url) => store::Store::migrate_postgres(url)?,
                None => {
                    std::fs::create_dir_all(&data.data_dir)?;
                    store::Store::migrate_only(&data.data_dir.join("pocketpay.db"))?
                }
            };
            println!("database at schema version {version}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Operator { command: OperatorCommand::Create { email, password, data } } => {
            let store = store::Store::open(data.store_config())?;
            let now = server::Clock::default().now();
            let id = server::routes::accounts::create_operator(&store, &email, &password, now).await?;
            store.shutdown().await;
            println!("operator {id} created for {}", email.trim().to_ascii_lowercase());
            Ok(ExitCode::SUCCESS)
        }
        Command::MoveToPostgres { data_dir, database_url } => {
            let file = data_dir.join("pocketpay.db");
            let started = std::time::Instant::now();
            let mut shown = std::time::Instant::now();
            let mut progress = move |p: store::MoveProgress<'_>| {
                // A line per table, and one every second on a long table.
                if p.copied == p.total || shown.elapsed() >= std::time::Duration::from_secs(1) {
                    shown = std::time::Instant::now();
                    eprintln!("  {:<28} {:>10} / {} rows", p.table, p.copied, p.total);
                }
            };
            eprintln!("moving {} to PostgreSQL…", file.display());
            let report = store::move_to_postgres(&file, &database_url, &mut progress).map_err(|e| match e {
                store::StoreError::Locked => {
                    anyhow::anyhow!("the data directory is in use by a running Pocketpay server: stop it, then move")
                }
                other => anyhow::anyhow!("the move did not happen (the database is left as it was): {other}"),
            })?;
            println!(
                "moved {} rows in {} tables in {:.1} s; row counts match on both sides",
                report.rows(),
                report.tables.len(),
                started.elapsed().as_secs_f64()
            );
            println!(
                "ledger verified on PostgreSQL: {} accounts, {} transfers, every invariant holds",
                report.ledger.accounts, report.ledger.transfers
            );
            println!(
                "serve it with: pocketpay serve --data-dir {} --database-url <the same URL>  \
                 (the data directory keeps the secret, the vault's keys and the test issuer)",
                data_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { data, to } => {
            if data.url().is_some() {
                anyhow::bail!(
                    "on PostgreSQL, back up with the engine's tools: continuous archiving (pg_basebackup, \
                     pgBackRest) or `pg_dump -Fc`; see the README's \"Backups\""
                );
            }
            let report = store::backup_sqlite(&data.data_dir.join("pocketpay.db"), &to)?;
            println!(
                "backup written to {} ({} bytes): one consistent snapshot; ledger verified ({} accounts, {} transfers)",
                report.path.display(),
                report.bytes,
                report.ledger.accounts,
                report.ledger.transfers
            );
            println!(
                "the vault's keys are not in it: keep {} and {} backed up too, apart from it",
                data.data_dir.join("vault.keys").display(),
                data.data_dir.join("secret.key").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { data_dir, from } => {
            std::fs::create_dir_all(&data_dir)?;
            let now = server::Clock::default().now();
            let report = store::restore_sqlite(&from, &data_dir.join("pocketpay.db"), now).map_err(|e| match e {
                store::StoreError::Locked => {
                    anyhow::anyhow!("the data directory is in use by a running Pocketpay server: stop it, then restore")
                }
                other => anyhow::anyhow!("nothing was restored: {other}"),
            })?;
            println!(
                "restored {} from {}; ledger verified ({} accounts, {} transfers)",
                report.path.display(),
                from.display(),
                report.ledger.accounts,
                report.ledger.transfers
            );
            if let Some(kept) = &report.replaced {
                println!("the database it replaced is kept as {}", kept.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyLedger { data } => {
            let report = match data.url() {
                Some(url) => store::verify_ledger_postgres(url)?,
                None => store::verify_ledger_at(&data.data_dir.join("pocketpay.db"))?,
            };
            println!("accounts {} transfers {}", report.accounts, report.transfers);
            if report.is_balanced() {
                println!("ledger balanced: every invariant holds");
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &report.problems {
                    println!("BROKEN {}: {}", p.invariant, p.detail);
                }
                Ok(ExitCode::from(1))
            }
        }
        Command::Vault { command, server, email, password } => {
            let email = email.ok_or_else(|| anyhow::anyhow!("--email (or POCKETPAY_OPERATOR_EMAIL) is required"))?;
            let password =
                password.ok_or_else(|| anyhow::anyhow!("--password (or POCKETPAY_OPERATOR_PASSWORD) is required"))?;
            let client = reqwest::Client::new();
            let base = server.trim_end_matches('/').to_owned();
            let session: serde_json::Value = client
                .post(format!("{base}/v1/sessions"))
                .json(&serde_json::json!({ "email": email, "password": password }))
                .send()
                .await?
                .json()
                .await?;
            let token = session["token"]
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("sign-in failed: {}", session["error"]["message"]))?;
            let request = match command {
                VaultCommand::Rotate => client.post(format!("{base}/v1/vault/rotate")),
                VaultCommand::RemoveKey { id } => client.delete(format!("{base}/v1/vault/keys/{id}")),
            };
            let response = request.bearer_auth(token).send().await?;
            let ok = response.status().is_success();
            let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
            if !ok {
                println!("refused: {}", body["error"]["message"]);
                return Ok(ExitCode::from(1));
            }
            println!("{body}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Issuer { command: IssuerCommand::Serve { listen, data_dir } } => {
            init_logs(env_log_filter(), false);
            let offset = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
            let now = issuer::http::service_clock(offset.clone());
            let test_issuer = issuer::TestIssuer::open(&data_dir.join("issuer.db"), now)
                .map_err(|e| anyhow::anyhow!("opening the issuer database: {e}"))?;
            let router = issuer::http::router(std::sync::Arc::new(test_issuer), offset);
            let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
                anyhow::anyhow!("cannot listen on {listen}: {e} (is another server using it? choose another --listen)")
            })?;
            let shutdown = shutdown_signal();
            println!("pocketpay test issuer listening on http://{}", listener.local_addr()?);
            axum::serve(listener, router).with_graceful_shutdown(shutdown).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            init_logs(env_log_filter(), false);
            demo::run(args, shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Checkout(args) } => {
            let concurrency = args.concurrency;
            let transport = if args.http { "over HTTP" } else { "in process through the API router" };
            let report = bench_checkout::run_checkout(args).await?;
            println!(
                "checkout bench ({transport}): {} complete orders in {:.1} s = {:.0} orders/s (create + pay half Pocket half card + ship, durable); latency p50 {} ms, p99 {} ms; {} in flight; {} failed",
                report.orders,
                report.elapsed.as_secs_f64(),
                report.orders as f64 / report.elapsed.as_secs_f64(),
                report.p50.as_millis(),
                report.p99.as_millis(),
                concurrency,
                report.failed
            );
            if let Some(db) = report.kept {
                println!("the database is kept: {}", db.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate { seeds, first, steps, parallel } => {
            let started = std::time::Instant::now();
            let (failures, report) =
                simulation::run_seeds(first, seeds, steps, parallel, &simulation::default_root()).await;
            for f in &failures {
                println!("{f}");
            }
            println!(
                "simulation: {seeds} seeds from {first}: {} steps, {} refusals predicted, {} full checks; {} failed; {:.1} s",
                report.steps,
                report.refused,
                report.checks,
                failures.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Bench { command: BenchCommand::Floor(args) } => {
            bench_floor::run(args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Ledger(args) } => {
            let submitters = args.submitters;
            let report = bench::run_ledger(args).await?;
            println!(
                "ledger bench: {} transfers in {:.1} s = {:.0} transfers/s durable; latency p50 {} µs, p99 {} µs, p99.9 {} µs; {} submitters; {} refused",
                report.transfers,
                report.elapsed.as_secs_f64(),
                report.transfers as f64 / report.elapsed.as_secs_f64(),
                report.p50.as_micros(),
                report.p99.as_micros(),
                report.p999.as_micros(),
                submitters,
                report.refused
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Waits for Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called, not when the
/// future is first polled: call it before announcing the address, so that a SIGTERM sent as soon as
/// the server says it listens shuts it down gracefully instead of killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async move {
            match terminate {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = terminate => {},
        }
        // Through the logs, so it is JSON when they are.
        tracing::info!("shutting down: finishing requests and the writer's last batch");
    }
}
