#!/usr/bin/env python3
"""Resident memory of the `firelater` server under bursts of concurrent sign-ins.

Starts the given binary on a fresh SQLite database on loopback (login rate limit and
lockout off, so the bursts reach the password hasher), then for each burst size: fires that
many logins at once, samples VmRSS from /proc/<pid>/status every 5 ms while they run (the
peak), and reads it again 5 s after the burst ended. Prints one JSON object per line and a
Markdown table. Bounded: a fixed number of requests, each with a timeout; the server is
stopped at the end.

    scripts/bench-login-memory.py target/release/firelater [--burst 10 --burst 50] [--env K=V]
"""

import argparse
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "bench password 123"
EMAIL = "admin@firelater.local"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base, password=PASSWORD):
    body = json.dumps({"tenant": "default", "email": EMAIL, "password": password}).encode()
    req = urllib.request.Request(
        base + "/api/v1/auth/login", data=body, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            res.read()
            return res.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code
    except OSError:
        return 0


def burst(base, pid, n):
    """Fires n logins at once; returns (peak RSS KiB, statuses, seconds)."""
    peak = [rss_kib(pid)]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start_gate = threading.Barrier(n)

    def one(_):
        start_gate.wait()
        return login(base)

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        statuses = list(pool.map(one, range(n)))
    elapsed = time.monotonic() - t0
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_kib(pid))
    return peak[0], statuses, elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--burst", type=int, action="append", help="burst size (repeatable)")
    ap.add_argument("--after", type=float, default=5.0, help="seconds to wait after a burst")
    ap.add_argument("--env", action="append", default=[], help="extra K=V for the server")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    bursts = args.burst or [10, 50]

    tmp = tempfile.mkdtemp(prefix="firelater-membench-")
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "FIRELATER_LISTEN": f"127.0.0.1:{port}",
            "FIRELATER_DATABASE_URL": f"sqlite:{tmp}/firelater.db",
            "FIRELATER_DATA_DIR": f"{tmp}/files",
            "FIRELATER_ADMIN_PASSWORD": PASSWORD,
            "FIRELATER_LOGIN_RATE_PER_MINUTE": "0",
            "FIRELATER_LOCKOUT_THRESHOLD": "0",
            "FIRELATER_LOG": "warn",
            "FIRELATER_CONFIG": f"{tmp}/none.toml",
        }
    )
    for kv in args.env:
        k, _, v = kv.partition("=")
        env[k] = v
    proc = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(500):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        else:
            raise RuntimeError("server did not become healthy")
        time.sleep(3)
        idle = rss_kib(proc.pid)
        rows = []
        for n in bursts:
            peak, statuses, elapsed = burst(base, proc.pid, n)
            time.sleep(args.after)
            after = rss_kib(proc.pid)
            counts = {}
            for s in statuses:
                counts[str(s)] = counts.get(str(s), 0) + 1
            row = {
                "label": args.label,
                "burst": n,
                "idle_mib": round(idle / 1024, 1),
                "peak_mib": round(peak / 1024, 1),
                "after_mib": round(after / 1024, 1),
                "seconds": round(elapsed, 2),
                "statuses": counts,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
        print()
        print("| build | burst | idle MiB | peak MiB | 5 s after MiB | burst took s | answers |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for r in rows:
            answers = ", ".join(f"{v} × {k}" for k, v in sorted(r["statuses"].items()))
            print(
                f"| {r['label']} | {r['burst']} | {r['idle_mib']} | {r['peak_mib']} | "
                f"{r['after_mib']} | {r['seconds']} | {answers} |"
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
