//! `firelater-bench`: a load generator for an already-running FireLater server.
//!
//! It runs named [`scenarios`] one after another, each with `--concurrency` workers sharing
//! one HTTP client: the workers send requests back to back through a warm-up, whose requests
//! are not recorded, and then for `--duration`. It prints requests per second, latency
//! percentiles, errors and status counts per scenario. Every worker stops at the deadline,
//! abandoning a request still in flight, so a run always ends by itself.

mod scenarios;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use reqwest::Client;
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout_at};

use crate::scenarios::{Plan, Scenario, Target};
use crate::stats::{Report, Samples};

/// The longest a single request may take even when the run's deadline is further away.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(version, about = "Load generator for a running FireLater server")]
struct Cli {
    /// Base URL of the server.
    #[arg(long, env = "FIRELATER_BENCH_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Scenario to run; repeat to run several, in the order given.
    #[arg(long = "scenario", value_enum, required = true)]
    scenarios: Vec<Scenario>,
    /// Measured time per scenario, such as `10s`, `500ms` or `2m`.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Concurrent workers per scenario.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    concurrency: u32,
    /// Unrecorded warm-up time before each scenario's measurement.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    warmup: Duration,
    /// Tenant slug to log in to.
    #[arg(long, default_value = "default")]
    tenant: String,
    /// Email of the account to log in with.
    #[arg(long, env = "FIRELATER_ADMIN_EMAIL", default_value = "admin@firelater.local")]
    email: String,
    /// Password of the account; needed by `login` and `me`.
    #[arg(long, env = "FIRELATER_ADMIN_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Print one JSON object per scenario instead of a table.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("firelater-bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if cli.duration.is_zero() {
        bail!("--duration must be greater than zero");
    }
    let concurrency = usize::try_from(cli.concurrency).context("--concurrency is too large")?;
    let client = Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("building the HTTP client failed")?;
    let target = Target {
        base: cli.url.trim_end_matches('/').to_owned(),
        tenant: cli.tenant,
        email: cli.email,
        password: cli.password,
    };
    for (index, scenario) in cli.scenarios.into_iter().enumerate() {
        let plan = scenarios::plan(scenario, &client, &target)
            .await
            .with_context(|| format!("setup of scenario {} failed", scenario.name()))?;
        let report = drive(&client, plan, concurrency, cli.warmup, cli.duration).await?;
        if cli.json {
            println!("{}", report.to_json());
        } else {
            // The header waits for the first row so a failed setup prints only its error.
            if index == 0 {
                println!("{}", Report::table_header());
            }
            println!("{}", report.table_row());
        }
    }
    Ok(())
}

/// Runs `plan` with `concurrency` workers through the warm-up and the measured `duration`.
async fn drive(
    client: &Client,
    plan: Plan,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> anyhow::Result<Report> {
    let plan = Arc::new(plan);
    let measure_from = Instant::now() + warmup;
    let deadline = measure_from + duration;
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        workers.spawn(worker(client.clone(), Arc::clone(&plan), measure_from, deadline));
    }
    let mut samples = Samples::default();
    while let Some(joined) = workers.join_next().await {
        samples.merge(joined.context("a worker failed")?);
    }
    Ok(Report::new(plan.scenario.name(), concurrency, duration, samples))
}

/// Sends requests back to back until `deadline`, recording those sent after `measure_from`.
async fn worker(client: Client, plan: Arc<Plan>, measure_from: Instant, deadline: Instant) -> Samples {
    let mut samples = Samples::default();
    loop {
        let sent = Instant::now();
        if sent >= deadline {
            break;
        }
        // A request still in flight at the deadline is dropped rather than awaited, so the
        // run ends on time; it would not have fitted in the measured window anyway.
        let Ok(outcome) = timeout_at(deadline, plan.execute(&client)).await else {
            break;
        };
        if sent >= measure_from {
            samples.record(outcome, sent.elapsed());
        }
    }
    samples
}

/// Parses a duration written as a whole number and a unit: `500ms`, `10s`, `2m` or `1h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid =
        || format!("invalid duration {text:?}: expected a whole number followed by ms, s, m or h, such as 10s");
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits.parse().map_err(|_| invalid())?;
    let seconds = |factor: u64| value.checked_mul(factor).map(Duration::from_secs).ok_or_else(invalid);
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "s" => seconds(1),
        "m" => seconds(60),
        "h" => seconds(3600),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_with_a_unit_parse() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn malformed_durations_are_rejected() {
        for bad in [
            "",
            "10",
            "s",
            "10x",
            "-1s",
            "1.5s",
            " 10s",
            "10 s",
            "10S",
            "99999999999999999999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn cli_reads_repeated_scenarios() {
        let cli = Cli::try_parse_from([
            "firelater-bench",
            "--scenario",
            "healthz",
            "--scenario",
            "login_wrong_password",
            "--duration",
            "2s",
        ]);
        let cli = cli.expect("arguments parse");
        assert_eq!(cli.scenarios, [Scenario::Healthz, Scenario::LoginWrongPassword]);
        assert_eq!(cli.duration, Duration::from_secs(2));
        assert_eq!(cli.concurrency, 16);
    }
}
