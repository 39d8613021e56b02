#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on its corpus in fuzz/corpus (cargo-fuzz needs the nightly
# toolchain; it is installed with `cargo install cargo-fuzz` when missing). A crash fails the run and
# leaves the input in fuzz/artifacts/<target>/.
# Usage: scripts/fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzzing needs the nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet
cd fuzz
cargo +nightly fuzz build --dev 2>&1 | tail -1
status=0
for target in $(cargo +nightly fuzz list); do
  echo "== fuzz $target ($SECONDS_PER_TARGET s)"
  log="$(mktemp)"
  if ! cargo +nightly fuzz run --dev "$target" "corpus/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -print_final_stats=1 -detect_leaks=0 >"$log" 2>&1; then
    status=1
    tail -40 "$log"
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added|^Done" "$log" || true
  rm -f "$log"
done
rm -rf /dev/shm/pocketpay-fuzz-* 2>/dev/null || true
exit $status
