#!/usr/bin/env bash
# Runs every test of FireLater: unit and end-to-end tests (cargo), then schemathesis against
# the running binary's own OpenAPI document, then the web app's checks and tests (lint, a
# stale typed client, Vitest, Playwright in Debian's Chromium against the binary). With
# FIRELATER_TEST_DATABASE_URL set, the cargo tests and schemathesis run on PostgreSQL instead
# of a temporary SQLite database; the browser tests always use a fresh SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."

# A changed or missing insta snapshot (the OpenAPI document) fails here; it is accepted only by
# a developer running `cargo insta review` and committing the result.
export INSTA_UPDATE=no

target_dir="${CARGO_TARGET_DIR:-target}"

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

cargo build -p firelater-server
bash scripts/schemathesis.sh "$target_dir/debug/firelater"

# The web app's tests do not depend on the database backend (the browser tests run the binary on
# a fresh SQLite file), so a second pass on PostgreSQL may skip them.
if [[ -n "${FIRELATER_SKIP_WEB_TESTS:-}" ]]; then
  echo "web tests skipped (FIRELATER_SKIP_WEB_TESTS is set)"
  exit 0
fi

# The web app. Chromium comes from Debian (no test tool downloads a browser here).
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "== installing Debian's chromium for the browser tests"
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
FIRELATER_BIN="$(cd "$target_dir" && pwd)/debug/firelater"
export FIRELATER_BIN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd web && npm ci --no-audit --no-fund && npm run lint && npm run check:api && npm test && npm run e2e)
