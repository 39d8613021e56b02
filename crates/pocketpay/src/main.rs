mod bench;
use clap::Parser;
#[derive(Parser)]
enum Cli { Bench(bench::LedgerBenchArgs) }
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Cli::Bench(a) = Cli::parse();
    let r = bench::run_ledger(a).await?;
    println!("transfers_per_s {} p50_us {} p99_us {} p999 {} refused {}", r.transfers as f64 / r.elapsed.as_secs_f64(), r.p50.as_micros(), r.p99.as_micros(), r.p999.as_micros(), r.refused);
    Ok(())
}
