//! Background work: the job runner and the outbox relay. Both run inside `serve` and alone in
//! `firelater worker`; any number of them may run against one PostgreSQL database, since jobs
//! are claimed with `FOR UPDATE SKIP LOCKED` under a lease.

use chrono::Duration;
use firelater_service::Services;
use firelater_service::account;
use firelater_service::jobs::{Job, OutboxEvent};
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// Runs one kind of job. An `Err` is recorded on the job and retried with backoff.
pub type Handler = Arc<dyn Fn(Services, Job) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Job kinds and their handlers.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler of `kind`.
    pub fn register<F, Fut>(&mut self, kind: &str, f: F) -> &mut Self
    where
        F: Fn(Services, Job) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        self.handlers
            .insert(kind.to_owned(), Arc::new(move |s, j| Box::pin(f(s, j))));
        self
    }
}

/// Tuning of a worker.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// This worker's name in `locked_by`; unique per process.
    pub id: String,
    /// The queue it serves.
    pub queue: String,
    /// Jobs claimed at once.
    pub batch: u64,
    /// How long a claim lasts; a job still running after it may be claimed by another worker.
    pub lease: Duration,
    /// Pause when the queue is empty.
    pub idle_wait: std::time::Duration,
    /// The first retry delay; each further retry doubles it.
    pub backoff_base: Duration,
}

impl WorkerConfig {
    /// Defaults for `queue`: batches of 10, 5-minute leases, 500 ms idle polls, 5 s backoff base.
    pub fn new(queue: &str) -> Self {
        Self {
            id: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple()),
            queue: queue.to_owned(),
            batch: 10,
            lease: Duration::minutes(5),
            idle_wait: std::time::Duration::from_millis(500),
            backoff_base: Duration::seconds(5),
        }
    }
}

/// What a single pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Jobs that succeeded.
    pub done: usize,
    /// Jobs that failed an attempt.
    pub failed: usize,
    /// Jobs given back because of shutdown.
    pub released: usize,
}

/// Claims one batch and runs it. Stops starting new jobs once `shutdown` turns true and gives
/// the rest of the batch back.
pub async fn run_once(
    services: &Services,
    registry: &Registry,
    config: &WorkerConfig,
    shutdown: &watch::Receiver<bool>,
) -> Result<Pass, firelater_core::Error> {
    let jobs = services
        .claim_jobs(&config.queue, &config.id, config.batch, config.lease)
        .await?;
    let mut pass = Pass::default();
    for (i, job) in jobs.iter().enumerate() {
        if *shutdown.borrow() {
            let rest: Vec<uuid::Uuid> = jobs[i..].iter().map(|j| j.id).collect();
            pass.released = services.release_jobs(&rest, &config.id).await? as usize;
            break;
        }
        let outcome = match registry.handlers.get(&job.kind) {
            Some(h) => {
                let lease = config.lease.to_std().unwrap_or(std::time::Duration::from_secs(300));
                match tokio::time::timeout(lease, h(services.clone(), job.clone())).await {
                    Ok(r) => r,
                    Err(_) => Err("the job outlived its lease".to_owned()),
                }
            }
            None => Err(format!("no handler for job kind {}", job.kind)),
        };
        match outcome {
            Ok(()) => {
                services.complete_job(job.id, &config.id).await?;
                metrics::counter!("jobs_processed_total", "kind" => job.kind.clone(), "outcome" => "done").increment(1);
                pass.done += 1;
            }
            Err(e) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed");
                services.fail_job(job, &config.id, &e, config.backoff_base).await?;
                let outcome = if job.attempts >= job.max_attempts {
                    "dead"
                } else {
                    "retry"
                };
                metrics::counter!("jobs_processed_total", "kind" => job.kind.clone(), "outcome" => outcome)
                    .increment(1);
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// Runs jobs until `shutdown` turns true; the job in hand finishes, claimed ones go back.
pub async fn run_worker(
    services: Services,
    registry: Registry,
    config: WorkerConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(worker = %config.id, queue = %config.queue, "job worker started");
    while !*shutdown.borrow() {
        let idle = match run_once(&services, &registry, &config, &shutdown).await {
            Ok(pass) => pass.done + pass.failed == 0,
            Err(e) => {
                tracing::error!(error = %e, "job worker pass failed");
                true
            }
        };
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(config.idle_wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    tracing::info!(worker = %config.id, "job worker stopped");
}

/// Publishes outbox events in order to in-process subscribers (real-time updates, and the
/// webhook and notification dispatchers as they arrive), then marks them published. Delivery
/// is at least once: subscribers deduplicate by event id.
pub async fn relay_once(
    services: &Services,
    subscribers: &broadcast::Sender<OutboxEvent>,
) -> Result<usize, firelater_core::Error> {
    let events = services.unpublished_events(100).await?;
    if events.is_empty() {
        return Ok(0);
    }
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    for e in events {
        metrics::counter!("events_published_total", "event" => e.event_type.clone()).increment(1);
        // No subscriber is not an error: the event stays in the outbox table either way.
        let _ = subscribers.send(e);
    }
    services.mark_events_published(&seqs).await?;
    Ok(seqs.len())
}

/// Runs the relay until `shutdown` turns true.
pub async fn run_relay(
    services: Services,
    subscribers: broadcast::Sender<OutboxEvent>,
    idle_wait: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        let idle = match relay_once(&services, &subscribers).await {
            Ok(n) => n == 0,
            Err(e) => {
                tracing::error!(error = %e, "outbox relay pass failed");
                true
            }
        };
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(idle_wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// The job kinds FireLater itself defines. Modules add theirs here.
pub fn builtin_registry() -> Registry {
    let mut r = Registry::new();
    r.register("system.noop", |_, _| async { Ok(()) });
    r.register(account::PASSWORD_RESET_JOB, |services: Services, job: Job| async move {
        let request: account::PasswordResetRequest =
            serde_json::from_value(job.payload).map_err(|e| format!("reset request payload: {e}"))?;
        services
            .carry_out_password_reset(request)
            .await
            .map_err(|e| e.to_string())
    });
    r
}
