#!/usr/bin/env bash
# Runs every test of FireLater: unit and end-to-end tests (cargo), then schemathesis against
# the running binary's own OpenAPI document. With FIRELATER_TEST_DATABASE_URL set, both run
# on PostgreSQL instead of a temporary SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

cargo build -p firelater-server
bash scripts/schemathesis.sh "$target_dir/debug/firelater"
