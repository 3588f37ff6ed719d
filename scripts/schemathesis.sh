#!/usr/bin/env bash
# Property-based API fuzzing of FireLater with Schemathesis, driven by the server's own
# OpenAPI document (/api/v1/openapi.json).
#
# Usage: scripts/schemathesis.sh [path/to/firelater]
#   default binary: ${CARGO_TARGET_DIR:-target}/debug/firelater
#
# What it does:
#   1. installs a pinned Schemathesis from PyPI into a virtualenv under
#      ${FIRELATER_TOOLS_DIR:-$HOME/.cache/firelater-tools}/schemathesis-venv (reused when present);
#   2. starts the binary on a free loopback port against a fresh SQLite database in a temp dir,
#      waits for /healthz and signs in as the bootstrap admin;
#   3. runs the stateless phases (examples, coverage, fuzzing) with the checks
#      not_a_server_error, response_schema_conformance and content_type_conformance,
#      a bounded number of examples per operation and a fixed seed;
#   4. stops the server, and ends with `schemathesis: N passed, M failed` (N/M = API operations),
#      exiting non-zero if any operation failed.
#
# Knobs (environment):
#   FIRELATER_TOOLS_DIR                    cache dir for the venv (default ~/.cache/firelater-tools)
#   FIRELATER_SCHEMATHESIS_MAX_EXAMPLES    examples per operation and phase (default 50)
#   FIRELATER_SCHEMATHESIS_SEED            seed (default 42)
#   FIRELATER_SCHEMATHESIS_WORKERS         concurrent workers (default 1: with one worker a seed gives
#                                          the same test cases every run, and it is no slower here)
#   FIRELATER_SCHEMATHESIS_CHECKS          comma-separated checks (default: the three above)
#   FIRELATER_SCHEMATHESIS_REPORT_DIR      if set, JUnit + NDJSON reports and the server log are kept there
#   FIRELATER_SCHEMATHESIS_STARTUP_TIMEOUT seconds to wait for /healthz (default 60)
#   PYTHON                                 interpreter for the venv (default python3, needs >= 3.9)
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
# The full dependency set, as verified with Python 3.11 (pip freeze of a fresh install), so that
# every machine fuzzes with the same Hypothesis and jsonschema engine. Used as pip constraints.
CONSTRAINTS=$(cat <<'EOF'
anyio==4.16.0
certifi==2026.10.18
charset-normalizer==3.5.2
click==8.5.1
graphql-core==3.3.2
harfile==0.6.0
hypothesis==6.170.15
hypothesis-graphql==0.13.5
idna==3.20
iniconfig==2.3.1
jsonschema_rs==0.60.3
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
packaging==26.3
pluggy==1.7.0
Pygments==2.21.0
pyrate-limiter==4.5.1
pytest==9.2.0
PyYAML==6.0.3
requests==2.34.2
rich==15.0.0
schemathesis==4.32.5
sortedcontainers==2.4.0
typing_extensions==4.16.0
urllib3==2.8.0
Werkzeug==3.1.9
EOF
)

BIN=${1:-${CARGO_TARGET_DIR:-target}/debug/firelater}
TOOLS_DIR=${FIRELATER_TOOLS_DIR:-$HOME/.cache/firelater-tools}
VENV=$TOOLS_DIR/schemathesis-venv
PYTHON=${PYTHON:-python3}
MAX_EXAMPLES=${FIRELATER_SCHEMATHESIS_MAX_EXAMPLES:-50}
SEED=${FIRELATER_SCHEMATHESIS_SEED:-42}
WORKERS=${FIRELATER_SCHEMATHESIS_WORKERS:-1}
STARTUP_TIMEOUT=${FIRELATER_SCHEMATHESIS_STARTUP_TIMEOUT:-60}
CHECKS=${FIRELATER_SCHEMATHESIS_CHECKS:-not_a_server_error,response_schema_conformance,content_type_conformance}
ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD='correct horse battery staple'

log() { printf 'schemathesis.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    echo "schemathesis: 0 passed, 1 failed"
    exit 1
}

[[ -x $BIN ]] || die "no executable firelater binary at '$BIN' (build it with cargo build -p firelater-server, or pass its path)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "$PYTHON is older than 3.9"

# --- 1. Schemathesis in a cached virtualenv ------------------------------------------------
STAMP="schemathesis==$SCHEMATHESIS_VERSION $(printf '%s' "$CONSTRAINTS" | cksum | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
if [[ ! -x $VENV/bin/st || "$(cat "$VENV/.firelater-stamp" 2>/dev/null)" != "$STAMP" ]]; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    mkdir -p "$TOOLS_DIR"
    "$PYTHON" -m venv "$VENV"
    constraints_file=$(mktemp)
    printf '%s\n' "$CONSTRAINTS" >"$constraints_file"
    if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$constraints_file" "schemathesis==$SCHEMATHESIS_VERSION"; then
        rm -f "$constraints_file"
        rm -rf "$VENV"
        die "pip install schemathesis==$SCHEMATHESIS_VERSION failed"
    fi
    rm -f "$constraints_file"
    printf '%s\n' "$STAMP" >"$VENV/.firelater-stamp"
fi
ST=$VENV/bin/st
VPY=$VENV/bin/python

# --- 2. A fresh server on a free loopback port ----------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/firelater-schemathesis.XXXXXX")
REPORT_DIR=$WORK
if [[ -n ${FIRELATER_SCHEMATHESIS_REPORT_DIR:-} ]]; then
    mkdir -p "$FIRELATER_SCHEMATHESIS_REPORT_DIR"
    REPORT_DIR=$(cd "$FIRELATER_SCHEMATHESIS_REPORT_DIR" && pwd)
fi
SERVER_PID=
cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $REPORT_DIR != "$WORK" && -f $WORK/server.log ]]; then
        cp -f "$WORK/server.log" "$REPORT_DIR/server.log" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# GET a URL; prints the status code (000 when the connection fails).
http_status() {
    "$VPY" - "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
}

free_port() {
    "$VPY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_server() {
    PORT=$(free_port)
    BASE=http://127.0.0.1:$PORT
    rm -rf "$WORK/db" && mkdir -p "$WORK/db/files"
    FIRELATER_LISTEN=127.0.0.1:$PORT \
        FIRELATER_DATABASE_URL=sqlite:$WORK/db/fl.db \
        FIRELATER_DATA_DIR=$WORK/db/files \
        FIRELATER_ADMIN_EMAIL=$ADMIN_EMAIL \
        FIRELATER_ADMIN_PASSWORD=$ADMIN_PASSWORD \
        FIRELATER_LOGIN_RATE_PER_MINUTE=0 \
        NO_COLOR=1 \
        "$BIN" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" 2>/dev/null || true
            SERVER_PID=
            return 1 # exited (e.g. the port was taken meanwhile)
        fi
        [[ $(http_status "$BASE/healthz") == 200 ]] && return 0
        sleep 0.25
    done
    log "the server did not answer $BASE/healthz within ${STARTUP_TIMEOUT}s; last lines of its log:"
    tail -n 30 "$WORK/server.log" >&2 || true
    die "server never became healthy"
}

started=
for attempt in 1 2 3; do
    if start_server; then started=1; break; fi
    log "server exited during startup (attempt $attempt); last lines of its log:"
    tail -n 20 "$WORK/server.log" >&2 || true
done
[[ -n $started ]] || die "the server did not start"
log "server $BIN is up at $BASE (pid $SERVER_PID)"

# Signs in as the bootstrap admin; prints "<access_token> <expires_in>".
login() {
    FL_BASE_URL=$BASE FL_ADMIN_EMAIL=$ADMIN_EMAIL FL_ADMIN_PASSWORD=$ADMIN_PASSWORD "$VPY" - <<'EOF'
import json, os, urllib.request
body = json.dumps({"tenant": "default", "email": os.environ["FL_ADMIN_EMAIL"],
                   "password": os.environ["FL_ADMIN_PASSWORD"]}).encode()
req = urllib.request.Request(os.environ["FL_BASE_URL"] + "/api/v1/auth/login", data=body,
                             headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(req, timeout=30) as r:
    d = json.load(r)
print(d["access_token"], d["expires_in"])
EOF
}
read -r TOKEN EXPIRES_IN < <(login) || die "login as $ADMIN_EMAIL failed"
[[ -n ${TOKEN:-} ]] || die "login returned no access token"

# --- 3. Schemathesis ------------------------------------------------------------------------
# Authentication goes through a Schemathesis auth provider (a hooks module) rather than a fixed
# `-H "Authorization: Bearer …"`, for two reasons:
#  * POST /auth/logout ends the session of the token it is called with. Rather than excluding it,
#    each logout test case gets a token of its own, from a fresh login, so logout is fuzzed too
#    (its 204 path included) and the admin token every other operation uses stays live.
#  * -H headers override everything, so negative tests that drop or mangle the Authorization
#    header would silently be sent with a valid token; with a provider they really go out
#    without credentials and exercise the 401 path.
# The provider sends the token from the login above (renewing it before it expires on very long
# runs) and writes the one in use to current-token, which is checked after the run: if that
# session were revoked mid-run (by logout, or by a fuzzed DELETE of the admin), the later
# results would be 401s that conform to the schema and prove nothing, so that fails the run.
cat >"$WORK/firelater_st_hooks.py" <<'EOF'
import json, os, threading, time, urllib.request

import schemathesis

BASE = os.environ["FL_BASE_URL"]
CREDENTIALS = {"tenant": "default", "email": os.environ["FL_ADMIN_EMAIL"],
               "password": os.environ["FL_ADMIN_PASSWORD"]}
TOKEN_FILE = os.environ["FL_TOKEN_FILE"]
_lock = threading.Lock()
_shared = {"token": os.environ["FL_TOKEN"], "renew_at": time.monotonic() + 0.8 * int(os.environ["FL_EXPIRES_IN"])}


def _login():
    req = urllib.request.Request(BASE + "/api/v1/auth/login", data=json.dumps(CREDENTIALS).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.load(resp)
    return data["access_token"], int(data["expires_in"])


def _shared_token():
    with _lock:
        if time.monotonic() >= _shared["renew_at"]:
            token, expires_in = _login()
            _shared.update(token=token, renew_at=time.monotonic() + 0.8 * expires_in)
            with open(TOKEN_FILE, "w") as f:
                f.write(token)
        return _shared["token"]


@schemathesis.auth(refresh_interval=None)  # no caching: get() runs for every test case
class FireLaterAuth:
    def get(self, case, ctx):
        if case.operation.definition.raw.get("operationId") == "logout":
            return _login()[0]  # a throwaway session for each logout
        return _shared_token()

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
EOF
printf '%s' "$TOKEN" >"$WORK/current-token"

# Checks: 5xx, response bodies against the documented schemas, and documented content types.
# Phases: the stateless ones. `examples` runs the schema's examples (none yet, so it is skipped),
# `coverage` walks boundary and invalid values of every parameter deterministically, `fuzzing`
# draws up to MAX_EXAMPLES random (valid and invalid) cases per operation.
# --generation-database none: no .hypothesis/ directory, no replay of earlier runs' failures.
# /healthz, /readyz and /metrics (outside /api/v1 but in the document) are included: they are
# part of the public contract.
# Runs from the temp dir: Hypothesis and Schemathesis drop caches (.hypothesis/, .schemathesis/)
# into the current directory.
st_rc=0
cd "$WORK"
FL_BASE_URL=$BASE FL_TOKEN=$TOKEN FL_EXPIRES_IN=$EXPIRES_IN FL_TOKEN_FILE=$WORK/current-token \
    FL_ADMIN_EMAIL=$ADMIN_EMAIL FL_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    SCHEMATHESIS_HOOKS=firelater_st_hooks PYTHONPATH=$WORK \
    "$ST" run "$BASE/api/v1/openapi.json" \
    --checks "$CHECKS" \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --workers "$WORKERS" \
    --request-timeout 30 \
    --continue-on-failure \
    --report junit,ndjson \
    --report-junit-path "$REPORT_DIR/report.junit.xml" \
    --report-ndjson-path "$REPORT_DIR/report.ndjson" ||
    st_rc=$?

# Prints the status of GET /api/v1/auth/me with the given token (000 when unreachable).
me_status() {
    FL_BASE_URL=$BASE "$VPY" - "$1" <<'EOF'
import os, sys, urllib.request, urllib.error
req = urllib.request.Request(os.environ["FL_BASE_URL"] + "/api/v1/auth/me",
                             headers={"Authorization": "Bearer " + sys.argv[1]})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
}
session_ok=1
if [[ $(me_status "$(cat "$WORK/current-token")") != 200 ]]; then
    session_ok=
    log "error: the admin session used for the run no longer works (revoked or server gone): results after that point are meaningless"
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    session_ok=
    log "error: the server exited during the run; last lines of its log:"
    tail -n 30 "$WORK/server.log" >&2 || true
fi

# --- 4. Summary -----------------------------------------------------------------------------
# Per API operation: failed if any scenario (coverage or fuzzing) failed or errored, passed if it
# ran and did not. Read from the NDJSON event stream.
read -r passed failed < <("$VPY" - "$REPORT_DIR/report.ndjson" <<'EOF' || echo "0 0"
import json, sys
status = {}
try:
    with open(sys.argv[1]) as f:
        for line in f:
            event = json.loads(line)
            s = event.get("ScenarioFinished")
            if not s:
                continue
            label = (s.get("recorder") or {}).get("label")
            if not label:
                continue
            st = s.get("status")
            prev = status.get(label, "skip")
            if st in ("failure", "error"):
                status[label] = "failed"
            elif st == "success" and prev != "failed":
                status[label] = "passed"
            else:
                status.setdefault(label, "skip")
except FileNotFoundError:
    pass
vals = list(status.values())
print(vals.count("passed"), vals.count("failed"))
EOF
)

# Schemathesis failing for a reason that is not an operation (schema not loadable, a crash), or
# a broken session/server, still has to show as a failure in the closing line.
if { ((st_rc != 0)) || [[ -z $session_ok ]]; } && ((failed == 0)); then
    failed=1
fi
if [[ $REPORT_DIR != "$WORK" ]]; then
    log "reports and server log kept in $REPORT_DIR"
fi
if [[ -z $session_ok ]]; then
    log "FAILED: the run is not valid (see the error above)"
elif ((failed > 0)); then
    log "FAILED: $failed operation(s) with failures (schemathesis exit $st_rc); see the report above"
else
    log "OK: $passed operation(s) passed every check"
fi
echo "schemathesis: $passed passed, $failed failed"
((failed == 0))
