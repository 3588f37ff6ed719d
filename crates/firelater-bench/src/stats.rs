//! Collected samples of a run and the report computed from them.
//!
//! Latencies are kept as whole microseconds and percentiles come from sorting them
//! (nearest-rank), so a report is exact for what was measured.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::scenarios::Outcome;

/// The raw results of one or more workers.
#[derive(Debug, Default)]
pub struct Samples {
    latencies_us: Vec<u64>,
    errors: u64,
    transport_errors: u64,
    statuses: BTreeMap<u16, u64>,
}

impl Samples {
    /// Records one finished request; latencies are kept only for answered requests.
    pub fn record(&mut self, outcome: Outcome, latency: Duration) {
        match outcome {
            Outcome::Response { status, ok } => {
                self.latencies_us
                    .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
                *self.statuses.entry(status).or_default() += 1;
                if !ok {
                    self.errors += 1;
                }
            }
            Outcome::Transport => {
                self.errors += 1;
                self.transport_errors += 1;
            }
        }
    }

    /// Adds another worker's samples to these.
    pub fn merge(&mut self, other: Samples) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        self.transport_errors += other.transport_errors;
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
    }
}

/// The summary of one scenario run.
#[derive(Debug)]
pub struct Report {
    scenario: &'static str,
    concurrency: usize,
    duration: Duration,
    requests: u64,
    p50_us: Option<u64>,
    p90_us: Option<u64>,
    p99_us: Option<u64>,
    max_us: Option<u64>,
    errors: u64,
    transport_errors: u64,
    statuses: BTreeMap<u16, u64>,
}

impl Report {
    /// Summarises the samples of a run that was measured for `duration`.
    pub fn new(scenario: &'static str, concurrency: usize, duration: Duration, mut samples: Samples) -> Self {
        samples.latencies_us.sort_unstable();
        let sorted = &samples.latencies_us;
        Self {
            scenario,
            concurrency,
            duration,
            requests: sorted.len() as u64 + samples.transport_errors,
            p50_us: percentile(sorted, 50.0),
            p90_us: percentile(sorted, 90.0),
            p99_us: percentile(sorted, 99.0),
            max_us: sorted.last().copied(),
            errors: samples.errors,
            transport_errors: samples.transport_errors,
            statuses: samples.statuses,
        }
    }

    fn rps(&self) -> f64 {
        self.requests as f64 / self.duration.as_secs_f64()
    }

    /// The header line of the human table.
    pub fn table_header() -> String {
        format!(
            "{:<22} {:>5} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>7}  statuses",
            "scenario", "conc", "requests", "rps", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"
        )
    }

    /// This report as one row of the human table.
    pub fn table_row(&self) -> String {
        let mut statuses: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
        if self.transport_errors > 0 {
            statuses.push(format!("transport:{}", self.transport_errors));
        }
        format!(
            "{:<22} {:>5} {:>9} {:>10.1} {:>9} {:>9} {:>9} {:>9} {:>7}  {}",
            self.scenario,
            self.concurrency,
            self.requests,
            self.rps(),
            millis(self.p50_us),
            millis(self.p90_us),
            millis(self.p99_us),
            millis(self.max_us),
            self.errors,
            statuses.join(" ")
        )
    }

    /// This report as one JSON object; latencies in milliseconds, `null` when nothing answered.
    pub fn to_json(&self) -> Value {
        let ms = |us: Option<u64>| us.map(|us| us as f64 / 1000.0);
        let statuses: serde_json::Map<String, Value> =
            self.statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect();
        json!({
            "scenario": self.scenario,
            "concurrency": self.concurrency,
            "duration_s": self.duration.as_secs_f64(),
            "requests": self.requests,
            "rps": self.rps(),
            "p50_ms": ms(self.p50_us),
            "p90_ms": ms(self.p90_us),
            "p99_ms": ms(self.p99_us),
            "max_ms": ms(self.max_us),
            "errors": self.errors,
            "transport_errors": self.transport_errors,
            "statuses": statuses,
        })
    }
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of ascending `sorted`, `None` if empty.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

fn millis(us: Option<u64>) -> String {
    us.map_or_else(|| "-".to_owned(), |us| format!("{:.3}", us as f64 / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_a_hundred_are_their_ranks() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 90.0), Some(90));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
    }

    #[test]
    fn percentiles_of_a_small_vector_use_nearest_rank() {
        let values = [10, 20, 30, 40, 1000];
        assert_eq!(percentile(&values, 50.0), Some(30));
        assert_eq!(percentile(&values, 90.0), Some(1000));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn report_counts_errors_and_statuses() {
        let mut a = Samples::default();
        a.record(Outcome::Response { status: 200, ok: true }, Duration::from_millis(2));
        a.record(Outcome::Response { status: 500, ok: false }, Duration::from_millis(4));
        let mut b = Samples::default();
        b.record(Outcome::Transport, Duration::from_millis(1));
        a.merge(b);
        let report = Report::new("healthz", 2, Duration::from_secs(1), a);
        let json = report.to_json();
        assert_eq!(json["requests"], 3);
        assert_eq!(json["errors"], 2);
        assert_eq!(json["transport_errors"], 1);
        assert_eq!(json["statuses"]["200"], 1);
        assert_eq!(json["max_ms"], 4.0);
    }
}
