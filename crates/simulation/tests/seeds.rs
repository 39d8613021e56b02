//! The journey simulation in CI: `SIM_SEEDS` seeds (200 by default) of `SIM_STEPS` operations each
//! (60 by default), from `SIM_FIRST` (0); `SIM_SEED=<n>` replays one seed. Every failing seed is
//! printed with its operations and the command that replays it.

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name} must be a whole number, not {v:?}")),
        Err(_) => default,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_journeys_match_the_reference_model() {
    let (first, count) = match std::env::var("SIM_SEED") {
        Ok(_) => (env_number("SIM_SEED", 0), 1),
        Err(_) => (env_number("SIM_FIRST", 0), env_number("SIM_SEEDS", 200)),
    };
    let steps = env_number("SIM_STEPS", simulation::STEPS_DEFAULT as u64) as usize;
    let started = std::time::Instant::now();
    let (failures, report) = simulation::run_seeds(first, count, steps, 2, &simulation::default_root()).await;
    eprintln!(
        "simulation: {count} seeds from {first}, {} steps, {} refusals predicted, {} full checks, {:.1} s",
        report.steps,
        report.refused,
        report.checks,
        started.elapsed().as_secs_f64()
    );
    if let Some(first_failure) = failures.first() {
        panic!("{} of {count} seeds failed; the first:\n{first_failure}", failures.len());
    }
    assert_eq!(report.steps, count as usize * steps, "every seed ran every step");
}
