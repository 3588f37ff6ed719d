/**
 * Starts the real `firelater` binary on a free loopback port with a fresh SQLite database in
 * a temporary folder, waits until it is ready, and stops it (and removes the folder) after
 * the run. The binary is $FIRELATER_BIN, else $CARGO_TARGET_DIR/debug/firelater, else
 * ../target/debug/firelater.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ADMIN_EMAIL, ADMIN_PASSWORD, PLATFORM_TOKEN, RESULTS_DIR } from "./env";

function binary(): string {
  if (process.env.FIRELATER_BIN) return resolve(process.env.FIRELATER_BIN);
  const target = process.env.CARGO_TARGET_DIR;
  if (target) return join(isAbsolute(target) ? target : resolve("..", target), "debug", "firelater");
  return resolve("..", "target", "debug", "firelater");
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitReady(url: string, log: () => string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`firelater exited during start-up:\n${log()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`firelater did not become ready at ${url} within 60 s:\n${log()}`);
}

export default async function globalSetup() {
  const bin = binary();
  if (!existsSync(bin)) {
    throw new Error(`no firelater binary at ${bin}: run \`cargo build -p firelater-server\` or set FIRELATER_BIN`);
  }
  const dir = mkdtempSync(join(tmpdir(), "firelater-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, "server.log");
  let output = "";
  const child = spawn(bin, ["serve"], {
    env: {
      ...process.env,
      FIRELATER_LISTEN: `127.0.0.1:${port}`,
      FIRELATER_DATABASE_URL: `sqlite:${join(dir, "firelater.db")}`,
      FIRELATER_DATA_DIR: join(dir, "files"),
      FIRELATER_ADMIN_EMAIL: ADMIN_EMAIL,
      FIRELATER_ADMIN_PASSWORD: ADMIN_PASSWORD,
      FIRELATER_LOGIN_RATE_PER_MINUTE: "0",
      // A spec that needs a tenant of its own (scale.spec.ts) creates one.
      FIRELATER_PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN,
      FIRELATER_LOG: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let exited = false;
  child.on("exit", () => (exited = true));
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  await waitReady(url, () => output, () => exited);
  process.env.FIRELATER_E2E_URL = url;
  process.env.FIRELATER_E2E_LOG = logFile;

  return async () => {
    if (!exited) {
      child.kill("SIGTERM");
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill("SIGKILL");
          r();
        }, 10_000);
        child.once("exit", () => {
          clearTimeout(t);
          r();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
    const perf = join(RESULTS_DIR, "perf.json");
    if (existsSync(perf)) {
      console.log(`\nFirst load of the sign-in page (${perf}):\n${readFileSync(perf, "utf8")}`);
    }
  };
}
