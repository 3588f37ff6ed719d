//! Builds the web app (`web/`) so that `cargo build` alone produces a binary that serves it.
//!
//! - `npm ci` runs when `web/node_modules` is missing or was installed from another
//!   `package-lock.json`; `npm run build` runs when `web/dist` is missing or older than the
//!   web sources.
//! - `FIRELATER_SKIP_WEB_BUILD=1` skips both: whatever `web/dist` holds is embedded, or, when it
//!   holds nothing, a small page saying that the web app was not built. Rust-only runs stay fast.
//! - Without npm the build fails with one line saying so.
//!
//! The folder to embed is handed to `rust-embed` as `FIRELATER_WEB_DIST` (see `src/web.rs`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// Inputs of the web build; a change to any of them rebuilds it.
const WEB_INPUTS: &[&str] = &[
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

/// Where `npm ci` leaves a copy of the lock file it installed from.
const INSTALLED_LOCK: &str = "node_modules/.firelater-package-lock.json";

const PLACEHOLDER: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>FireLater</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>FireLater</h1>
<p>The web app was not built into this binary (it was built with <code>FIRELATER_SKIP_WEB_BUILD=1</code> and no <code>web/dist</code>).
Build it with <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>, then build FireLater again.</p>
<p>The API is here all the same: <a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
"#;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let web = manifest_dir.join("../../web");
    let web = web.canonicalize().unwrap_or(web);
    let dist = web.join("dist");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FIRELATER_SKIP_WEB_BUILD");
    for input in WEB_INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }

    let skip = std::env::var("FIRELATER_SKIP_WEB_BUILD").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    if skip {
        // Nothing here writes web/dist, so a new build made by hand is picked up. (Not watched
        // while missing: cargo would run this script on every build.)
        if dist.join("index.html").is_file() {
            println!("cargo:rerun-if-changed={}", dist.join("index.html").display());
        }
    } else if web.join("package.json").is_file() {
        build_web(&web);
    }

    let folder = if dist.join("index.html").is_file() {
        dist
    } else {
        let placeholder = out_dir.join("web-placeholder");
        fs::create_dir_all(&placeholder).expect("OUT_DIR is writable");
        fs::write(placeholder.join("index.html"), PLACEHOLDER).expect("OUT_DIR is writable");
        placeholder
    };
    let folder = folder.canonicalize().unwrap_or(folder);
    println!("cargo:rustc-env=FIRELATER_WEB_DIST={}", folder.display());
}

/// Installs and builds the web app when its inputs changed, holding a lock so that two cargo
/// builds (say, two target directories) do not run npm in `web/` at the same time.
fn build_web(web: &Path) {
    if !needs_install(web) && !needs_build(web) {
        return;
    }
    if Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        fail(
            "npm was not found: install Node.js 20.19+ with npm to build the web app, or set FIRELATER_SKIP_WEB_BUILD=1",
        );
    }
    let lock = fs::File::create(web.join(".build.lock"))
        .unwrap_or_else(|e| fail(&format!("cannot create web/.build.lock: {e}")));
    if let Err(e) = lock.lock() {
        fail(&format!("cannot lock web/.build.lock: {e}"));
    }
    // Checked again under the lock: another build may have done the work meanwhile.
    if needs_install(web) {
        npm(web, &["ci", "--no-audit", "--no-fund"]);
        let lockfile = fs::read(web.join("package-lock.json")).unwrap_or_default();
        if let Err(e) = fs::write(web.join(INSTALLED_LOCK), lockfile) {
            fail(&format!("cannot write web/{INSTALLED_LOCK}: {e}"));
        }
    }
    if needs_build(web) {
        npm(web, &["run", "build"]);
    }
    let _ = lock.unlock();
}

/// `node_modules` is missing or was installed from another `package-lock.json`.
fn needs_install(web: &Path) -> bool {
    let lockfile = fs::read(web.join("package-lock.json")).unwrap_or_default();
    let installed = fs::read(web.join(INSTALLED_LOCK)).ok();
    !web.join("node_modules").is_dir() || installed.as_deref() != Some(lockfile.as_slice())
}

/// `dist` is missing or older than a source.
fn needs_build(web: &Path) -> bool {
    let built = mtime(&web.join("dist/index.html"));
    let newest_input = WEB_INPUTS.iter().filter_map(|i| newest(&web.join(i))).max();
    match (built, newest_input) {
        (None, _) => true,
        (Some(b), Some(i)) => i > b,
        (Some(_), None) => false,
    }
}

/// Runs npm in `web/`; on failure prints its output and one line naming the command.
fn npm(web: &Path, args: &[&str]) {
    let output = Command::new("npm")
        .args(args)
        .current_dir(web)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run npm {}: {e}", args.join(" "))));
    if !output.status.success() {
        let mut err = std::io::stderr();
        let _ = err.write_all(&output.stdout);
        let _ = err.write_all(&output.stderr);
        fail(&format!(
            "`npm {}` failed in web/ ({}); see its output above, or set FIRELATER_SKIP_WEB_BUILD=1",
            args.join(" "),
            output.status
        ));
    }
}

fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    eprintln!("error: {message}");
    std::process::exit(1);
}

fn mtime(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The latest modification time of a file, or of anything under a folder.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    let own = meta.modified().ok();
    fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| newest(&e.path()))
        .chain(own)
        .max()
}
