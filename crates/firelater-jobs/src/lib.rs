//! Background work: the job runner, the outbox relay and event consumers. Both run inside
//! `serve` and alone in `firelater worker`; any number of them may run against one PostgreSQL
//! database, since jobs are claimed with `FOR UPDATE SKIP LOCKED` under a lease and events are
//! handed on under `FOR UPDATE SKIP LOCKED` too.
//!
//! Event delivery (ADR 0013): the relay hands each event, in ONE transaction, to a delivery
//! job per interested consumer and marks it handed on. A delivery job runs through the same
//! runner as every job (retries with backoff, the dead letter after its last attempt), and its
//! handler's effects, the consumer's receipt for the event and the job's completion commit
//! together: nothing runs twice to completion. A module registers its job kinds and consumers
//! with one call from its own file ([`Registry::job`], [`Registry::consumer`]).

mod account;
mod diagnostics;
mod system;

use chrono::Duration;
use firelater_core::failpoint;
use firelater_service::Services;
use firelater_service::jobs::{DEFAULT_QUEUE, Delivery, Job, NewJob, OutboxEvent, Route, SystemTx};
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

pub use diagnostics::EVENT_LEDGER;
pub use system::RETENTION_JOB;

/// Runs one kind of job. An `Err` is recorded on the job and retried with backoff.
pub type Handler = Arc<dyn Fn(Services, Job) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Handles one event for a consumer: its database effects go through the system transaction
/// it is given, which it hands back; the runner adds the receipt and the job's completion and
/// commits. An `Err` (the transaction dropped, so rolled back) is retried with backoff.
pub type ConsumerHandler =
    Arc<dyn Fn(Services, OutboxEvent, SystemTx) -> BoxFuture<'static, Result<SystemTx, String>> + Send + Sync>;

/// A consumer of events.
#[derive(Clone)]
struct Consumer {
    events: Vec<String>,
    max_attempts: i32,
    handler: ConsumerHandler,
}

/// Attempts of a delivery before its dead letter, unless the consumer says otherwise.
pub const DEFAULT_DELIVERY_ATTEMPTS: i32 = 10;

/// Whether `pattern` selects `event_type`: the exact name, a prefix such as `issue.*` (every
/// `issue.…` event), or `*` for every event.
pub fn event_matches(pattern: &str, event_type: &str) -> bool {
    if pattern == "*" || pattern == event_type {
        return true;
    }
    pattern.strip_suffix(".*").is_some_and(|prefix| {
        event_type
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Job kinds, recurring jobs and event consumers, with their handlers.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
    recurring: HashMap<String, Duration>,
    consumers: HashMap<String, Consumer>,
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

    /// Registers the handler of `kind`: the same as [`Registry::register`].
    pub fn job<F, Fut>(&mut self, kind: &str, f: F) -> &mut Self
    where
        F: Fn(Services, Job) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        self.register(kind, f)
    }

    /// Registers a recurring job `kind`: one job, keyed by its kind, that the worker enqueues
    /// at start when none is live ([`ensure_recurring`]) and that after each successful run
    /// goes back to the queue `every` later instead of finishing.
    pub fn recurring<F, Fut>(&mut self, kind: &str, every: Duration, f: F) -> &mut Self
    where
        F: Fn(Services, Job) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        self.recurring.insert(kind.to_owned(), every);
        self.register(kind, f)
    }

    /// Registers the consumer `name` of the events `events` selects (exact names, prefixes
    /// such as `issue.*`, or `*`; see [`event_matches`]), delivered by `handler` with up to
    /// [`DEFAULT_DELIVERY_ATTEMPTS`] attempts.
    pub fn consumer<F, Fut>(&mut self, name: &str, events: &[&str], handler: F) -> &mut Self
    where
        F: Fn(Services, OutboxEvent, SystemTx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<SystemTx, String>> + Send + 'static,
    {
        self.consumer_with_attempts(name, events, DEFAULT_DELIVERY_ATTEMPTS, handler)
    }

    /// [`Registry::consumer`] with `max_attempts` attempts per delivery before its dead letter.
    pub fn consumer_with_attempts<F, Fut>(
        &mut self,
        name: &str,
        events: &[&str],
        max_attempts: i32,
        handler: F,
    ) -> &mut Self
    where
        F: Fn(Services, OutboxEvent, SystemTx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<SystemTx, String>> + Send + 'static,
    {
        self.consumers.insert(
            name.to_owned(),
            Consumer {
                events: events.iter().map(|e| (*e).to_owned()).collect(),
                max_attempts,
                handler: Arc::new(move |s, e, tx| Box::pin(handler(s, e, tx))),
            },
        );
        self
    }

    /// The consumers that want `event_type`, sorted by name.
    pub fn routes(&self, event_type: &str) -> Vec<Route> {
        let mut routes: Vec<Route> = self
            .consumers
            .iter()
            .filter(|(_, c)| c.events.iter().any(|p| event_matches(p, event_type)))
            .map(|(name, c)| Route {
                consumer: name.clone(),
                max_attempts: c.max_attempts,
            })
            .collect();
        routes.sort_by(|a, b| a.consumer.cmp(&b.consumer));
        routes
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

/// How a successful job is closed.
enum Finish {
    /// Mark it done.
    Complete,
    /// Already done, in the transaction of its effects (a delivery).
    AlreadyDone,
    /// Back to the queue (a recurring job).
    Requeue(Duration),
}

/// Runs `consumer`'s delivery job: settled without the handler when a receipt exists; else
/// the handler, then the receipt and the completion in the handler's transaction.
async fn deliver(services: &Services, name: &str, consumer: &Consumer, job: &Job, worker: &str) -> Result<(), String> {
    let (event, tx) = match services
        .begin_delivery(name, job, worker)
        .await
        .map_err(|e| e.to_string())?
    {
        Delivery::Settled => return Ok(()),
        Delivery::Ready { event, tx } => (event, tx),
    };
    let tx = (consumer.handler)(services.clone(), event.clone(), tx).await?;
    failpoint::hit("consumer.after_handler");
    services
        .finish_delivery(tx, name, &event, job, worker)
        .await
        .map_err(|e| e.to_string())?;
    failpoint::hit("consumer.after_commit");
    metrics::counter!("events_delivered_total", "consumer" => name.to_owned()).increment(1);
    Ok(())
}

async fn dispatch(services: &Services, registry: &Registry, job: &Job, worker: &str) -> Result<Finish, String> {
    if let Some(name) = job.kind.strip_prefix("event:") {
        let consumer = registry
            .consumers
            .get(name)
            .ok_or_else(|| format!("no consumer {name}"))?;
        return deliver(services, name, consumer, job, worker)
            .await
            .map(|()| Finish::AlreadyDone);
    }
    let h = registry
        .handlers
        .get(&job.kind)
        .ok_or_else(|| format!("no handler for job kind {}", job.kind))?;
    h(services.clone(), job.clone()).await?;
    Ok(match registry.recurring.get(&job.kind) {
        Some(every) => Finish::Requeue(*every),
        None => Finish::Complete,
    })
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
        let lease = config.lease.to_std().unwrap_or(std::time::Duration::from_secs(300));
        let outcome = match tokio::time::timeout(lease, dispatch(services, registry, job, &config.id)).await {
            Ok(r) => r,
            Err(_) => Err("the job outlived its lease".to_owned()),
        };
        match outcome {
            Ok(finish) => {
                match finish {
                    Finish::Complete => {
                        services.complete_job(job.id, &config.id).await?;
                    }
                    Finish::AlreadyDone => {}
                    Finish::Requeue(every) => {
                        services.requeue_job(job.id, &config.id, services.now() + every).await?;
                    }
                }
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

/// Enqueues each recurring job of `registry` that has no live job (its kind is its key), due
/// at once. The worker calls it at start; a dead recurring job is replaced at the next start.
pub async fn ensure_recurring(services: &Services, registry: &Registry) -> Result<(), firelater_core::Error> {
    let mut kinds: Vec<&String> = registry.recurring.keys().collect();
    kinds.sort();
    for kind in kinds {
        let job = NewJob {
            tenant_id: None,
            queue: DEFAULT_QUEUE.to_owned(),
            kind: kind.clone(),
            payload: serde_json::json!({}),
            run_at: services.now(),
            max_attempts: 5,
        };
        services.enqueue_job_keyed(job, kind).await?;
    }
    Ok(())
}

/// Runs jobs until `shutdown` turns true; the job in hand finishes, claimed ones go back.
pub async fn run_worker(
    services: Services,
    registry: Registry,
    config: WorkerConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(worker = %config.id, queue = %config.queue, "job worker started");
    if config.queue == DEFAULT_QUEUE
        && let Err(e) = ensure_recurring(&services, &registry).await
    {
        tracing::error!(error = %e, "cannot enqueue the recurring jobs");
    }
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

/// Hands the oldest events not yet handed on to their consumers' delivery jobs, in one
/// transaction with marking them handed on, then broadcasts them to in-process subscribers
/// (real-time updates: best effort, so a lagging or absent subscriber loses nothing durable).
/// Returns how many events it handed on.
pub async fn relay_once(
    services: &Services,
    registry: &Registry,
    subscribers: &broadcast::Sender<OutboxEvent>,
) -> Result<usize, firelater_core::Error> {
    let route = |event_type: &str| registry.routes(event_type);
    let events = services.hand_off_events(100, &route).await?;
    if events.is_empty() {
        return Ok(0);
    }
    failpoint::hit("relay.after_handoff");
    let n = events.len();
    for e in events {
        metrics::counter!("events_published_total", "event" => e.event_type.clone()).increment(1);
        // No subscriber is not an error: the deliveries are durable either way.
        let _ = subscribers.send(e);
    }
    Ok(n)
}

/// Runs the relay until `shutdown` turns true.
pub async fn run_relay(
    services: Services,
    registry: Registry,
    subscribers: broadcast::Sender<OutboxEvent>,
    idle_wait: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        let idle = match relay_once(&services, &registry, &subscribers).await {
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

/// Settings of the built-in jobs.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// How long finished jobs, handed-on events and their receipts are kept.
    pub retention: Duration,
    /// How often the retention job runs.
    pub retention_interval: Duration,
    /// Registers the diagnostic consumer [`EVENT_LEDGER`] (crash tests).
    pub event_ledger: bool,
}

impl Default for JobSettings {
    /// 30 days of retention, purged hourly; no ledger.
    fn default() -> Self {
        Self {
            retention: Duration::days(30),
            retention_interval: Duration::hours(1),
            event_ledger: false,
        }
    }
}

/// The job kinds and consumers FireLater itself defines, with default settings.
pub fn builtin_registry() -> Registry {
    registry(&JobSettings::default())
}

/// The job kinds and consumers FireLater itself defines. A module adds one line here: its own
/// file's `register`.
pub fn registry(settings: &JobSettings) -> Registry {
    let mut r = Registry::new();
    system::register(&mut r, settings);
    account::register(&mut r);
    if settings.event_ledger {
        diagnostics::register(&mut r);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::event_matches;

    #[test]
    fn patterns_select_exact_names_prefixes_and_everything() {
        assert!(event_matches("issue.created", "issue.created"));
        assert!(!event_matches("issue.created", "issue.updated"));
        assert!(event_matches("issue.*", "issue.updated"));
        assert!(event_matches("issue.*", "issue.sla.breached"));
        assert!(!event_matches("issue.*", "issues.created"));
        assert!(!event_matches("issue.*", "issue"));
        assert!(event_matches("*", "user.created"));
    }
}
