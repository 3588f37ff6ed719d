//! The job queue as the workers see it: claim, finish, fail with backoff, release; keyed jobs
//! that a change enqueues, cancels or moves in its own transaction; the outbox relay's
//! hand-off of events to consumer jobs, each consumer's delivery with its receipt (ADR 0013);
//! and retention. Handlers of individual job kinds and consumers live in `firelater-jobs`.

use crate::Services;
use chrono::{DateTime, Duration, Utc};
use firelater_core::{Error, failpoint};
pub use firelater_db::entities::job::Model as Job;
pub use firelater_db::entities::outbox_event::Model as OutboxEvent;
pub use firelater_db::repo::jobs::{NewJob, status};
use firelater_db::repo::{deliveries, jobs, outbox};
pub use firelater_db::{SystemTx, TenantTx};
use uuid::Uuid;

/// The queue consumer jobs and the instance's own recurring jobs run on.
pub const DEFAULT_QUEUE: &str = "default";

/// How long an idempotency key is honoured; retention forgets older ones.
pub const IDEMPOTENCY_KEY_LIFETIME: Duration = Duration::hours(24);

/// The job kind of `consumer`'s deliveries.
pub fn consumer_job_kind(consumer: &str) -> String {
    format!("event:{consumer}")
}

/// The key of `consumer`'s delivery of the event `event_id`: one live delivery per pair.
pub fn delivery_key(consumer: &str, event_id: Uuid) -> String {
    format!("event:{consumer}:{event_id}")
}

/// A consumer an event is handed on to.
#[derive(Debug, Clone)]
pub struct Route {
    /// The consumer's name.
    pub consumer: String,
    /// Attempts before its delivery goes to the dead letter.
    pub max_attempts: i32,
}

/// What a consumer job finds when it starts.
#[expect(
    clippy::large_enum_variant,
    reason = "one value per delivery, moved once into its handler: boxing it buys nothing"
)]
pub enum Delivery {
    /// The consumer completed this event before (a receipt exists), or the event is gone: the
    /// job was marked done and the handler must not run.
    Settled,
    /// The handler runs: its effects, the receipt and the job's completion share `tx`.
    Ready {
        /// The event.
        event: OutboxEvent,
        /// The transaction, committed by [`Services::finish_delivery`].
        tx: SystemTx,
    },
}

/// What one retention pass deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Finished jobs (done, dead, cancelled).
    pub jobs: u64,
    /// Handed-on events.
    pub events: u64,
    /// Receipts of deleted events.
    pub receipts: u64,
    /// Expired idempotency keys.
    pub idempotency_keys: u64,
}

/// The delay before retry number `attempt` (1-based): 2^attempt seconds times `base`, at most
/// one hour, so a failing dependency is not hammered.
pub fn backoff(attempt: i32, base: Duration) -> Duration {
    let exp = attempt.clamp(1, 20) as u32;
    let delay = base * 2i32.saturating_pow(exp.min(12));
    delay.min(Duration::hours(1))
}

impl Services {
    /// Enqueues a job outside any other transaction.
    pub async fn enqueue_job(&self, job: NewJob) -> Result<Uuid, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let id = jobs::enqueue(tx.conn(), job, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Enqueues a job under `key` unless a live job holds the key; the new or the live job's id.
    pub async fn enqueue_job_keyed(&self, job: NewJob, key: &str) -> Result<Uuid, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let id = jobs::enqueue_keyed(tx.conn(), job, key, None, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Enqueues a job for `tx`'s tenant in the transaction of a change, so it exists only if
    /// the change commits; with `key`, unless a live job holds the key (then its id).
    pub async fn enqueue_job_in(&self, tx: &TenantTx, mut job: NewJob, key: Option<&str>) -> Result<Uuid, Error> {
        job.tenant_id = Some(tx.tenant_uuid());
        // The jobs table is instance-level (no row-level security): the tenant's connection
        // writes it, and the row carries the tenant for routing.
        match key {
            Some(key) => jobs::enqueue_keyed(tx.conn(), job, key, None, self.now()).await,
            None => jobs::enqueue(tx.conn(), job, self.now()).await,
        }
    }

    /// Cancels the queued job holding `key`. Whether there was one.
    pub async fn cancel_job(&self, key: &str) -> Result<bool, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let done = jobs::cancel_by_key(tx.conn(), key, None, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Cancels `tx`'s tenant's queued job holding `key`, in the transaction of a change.
    pub async fn cancel_job_in(&self, tx: &TenantTx, key: &str) -> Result<bool, Error> {
        jobs::cancel_by_key(tx.conn(), key, Some(tx.tenant_uuid()), self.now()).await
    }

    /// Moves the queued job holding `key` to `run_at`. Whether there was one.
    pub async fn reschedule_job(&self, key: &str, run_at: DateTime<Utc>) -> Result<bool, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let done = jobs::reschedule_by_key(tx.conn(), key, run_at, None, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Moves `tx`'s tenant's queued job holding `key` to `run_at`, in the transaction of a change.
    pub async fn reschedule_job_in(&self, tx: &TenantTx, key: &str, run_at: DateTime<Utc>) -> Result<bool, Error> {
        jobs::reschedule_by_key(tx.conn(), key, run_at, Some(tx.tenant_uuid()), self.now()).await
    }

    /// The live (queued or running) job holding `key`.
    pub async fn live_job(&self, key: &str) -> Result<Option<Job>, Error> {
        jobs::find_live(self.db.system(), key).await
    }

    /// Puts a recurring job `worker` just ran back in the queue for `run_at`.
    pub async fn requeue_job(&self, id: Uuid, worker: &str, run_at: DateTime<Utc>) -> Result<bool, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let ok = jobs::requeue(tx.conn(), id, worker, run_at, now).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Hands the oldest events not yet handed on (at most `limit`) to their consumers in ONE
    /// transaction: a delivery job per consumer `route` names (kind `event:<consumer>`, key
    /// `event:<consumer>:<event id>`), and the event marked handed on (`published_at`); an
    /// event no consumer wants is only marked. Returns the events, in `seq` order, for the
    /// best-effort in-process broadcast.
    pub async fn hand_off_events(
        &self,
        limit: u64,
        route: &(dyn Fn(&str) -> Vec<Route> + Send + Sync),
    ) -> Result<Vec<OutboxEvent>, Error> {
        // A cheap look first, so an idle relay does not take SQLite's write lock every pass.
        if outbox::unpublished(self.db.system(), 1).await?.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now();
        let tx = self.db.system_write().await?;
        let events = outbox::lock_unpublished(tx.conn(), limit).await?;
        if events.is_empty() {
            return Ok(events);
        }
        failpoint::hit("relay.before_handoff");
        for e in &events {
            for r in route(&e.event_type) {
                let job = NewJob {
                    tenant_id: e.tenant_id,
                    queue: DEFAULT_QUEUE.to_owned(),
                    kind: consumer_job_kind(&r.consumer),
                    payload: serde_json::json!({"event_id": e.id, "seq": e.seq, "event_type": e.event_type}),
                    run_at: now,
                    max_attempts: r.max_attempts,
                };
                jobs::enqueue_keyed(tx.conn(), job, &delivery_key(&r.consumer, e.id), Some(e.id), now).await?;
            }
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        outbox::mark_published(tx.conn(), &seqs, now).await?;
        tx.commit().await?;
        Ok(events)
    }

    /// Starts `consumer`'s delivery job `job` (claimed by `worker`): settles it at once when
    /// the consumer already has a receipt for the event, or the event was purged; otherwise
    /// opens the transaction the handler works in.
    pub async fn begin_delivery(&self, consumer: &str, job: &Job, worker: &str) -> Result<Delivery, Error> {
        let event_id = job
            .event_id
            .or_else(|| job.payload["event_id"].as_str().and_then(|s| Uuid::try_parse(s).ok()))
            .ok_or_else(|| Error::internal(format!("delivery job {} names no event", job.id)))?;
        let now = self.now();
        let tx = self.db.system_write().await?;
        let event = if deliveries::has_receipt(tx.conn(), consumer, event_id).await? {
            None
        } else {
            let event = outbox::find(tx.conn(), event_id).await?;
            if event.is_none() {
                tracing::warn!(job = %job.id, %consumer, event = %event_id, "the event of a delivery is gone");
            }
            event
        };
        match event {
            Some(event) => Ok(Delivery::Ready { event, tx }),
            None => {
                jobs::complete(tx.conn(), job.id, worker, now).await?;
                tx.commit().await?;
                Ok(Delivery::Settled)
            }
        }
    }

    /// Finishes a delivery whose handler succeeded: the receipt and the job's completion join
    /// the handler's effects in `tx`, and all commit together. A second completion of the same
    /// event by the same consumer fails on the receipt's key and rolls back.
    pub async fn finish_delivery(
        &self,
        tx: SystemTx,
        consumer: &str,
        event: &OutboxEvent,
        job: &Job,
        worker: &str,
    ) -> Result<(), Error> {
        let now = self.now();
        deliveries::insert_receipt(tx.conn(), consumer, event.id, event.seq, job.id, now).await?;
        if !jobs::complete(tx.conn(), job.id, worker, now).await? {
            // The lease ran out and another worker holds the job: our receipt stands, and
            // that worker will find it and settle the job without running the handler.
            tracing::warn!(job = %job.id, %consumer, "delivery finished after its lease ran out");
        }
        tx.commit().await
    }

    /// The diagnostic ledger consumer's effect: counts one completion of `event`.
    pub async fn record_in_event_ledger(&self, tx: &SystemTx, event: &OutboxEvent) -> Result<(), Error> {
        deliveries::ledger_record(tx.conn(), event.id, event.seq, &event.event_type, self.now()).await
    }

    /// The diagnostic ledger: `(event seq, completions)` per event.
    pub async fn event_ledger(&self) -> Result<Vec<(i64, i32)>, Error> {
        deliveries::ledger(self.db.system()).await
    }

    /// How many events `consumer` has completed (receipts).
    pub async fn event_receipts(&self, consumer: &str) -> Result<i64, Error> {
        deliveries::count_receipts(self.db.system(), consumer).await
    }

    /// Every outbox event, oldest first (diagnostics and tests).
    pub async fn all_events(&self) -> Result<Vec<OutboxEvent>, Error> {
        outbox::all(self.db.system()).await
    }

    /// Retention: deletes jobs finished (done, dead, cancelled) more than `keep` ago, events
    /// handed on more than `keep` ago none of whose deliveries is still live, the receipts of
    /// deleted events, and idempotency keys older than [`IDEMPOTENCY_KEY_LIFETIME`] (tenant by
    /// tenant, as row-level security requires).
    pub async fn purge_retained(&self, keep: Duration) -> Result<Purged, Error> {
        let now = self.now();
        let cutoff = now - keep;
        let mut purged = Purged::default();
        let tx = self.db.system_write().await?;
        purged.jobs = jobs::purge_finished(tx.conn(), cutoff).await?;
        purged.events = outbox::purge_handed_on(tx.conn(), cutoff).await?;
        purged.receipts = deliveries::purge_orphan_receipts(tx.conn()).await?;
        tx.commit().await?;
        for tenant in deliveries::tenant_ids(self.db.system()).await? {
            let tx = self.db.tenant_write(firelater_core::ids::TenantId(tenant)).await?;
            purged.idempotency_keys += deliveries::purge_idempotency_keys(&tx, now - IDEMPOTENCY_KEY_LIFETIME).await?;
            tx.commit().await?;
        }
        Ok(purged)
    }

    /// Claims up to `limit` due jobs of `queue` for `worker`, leased for `lease`.
    pub async fn claim_jobs(&self, queue: &str, worker: &str, limit: u64, lease: Duration) -> Result<Vec<Job>, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let claimed = jobs::claim(tx.conn(), queue, worker, limit, now + lease, now).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Marks a job done.
    pub async fn complete_job(&self, id: Uuid, worker: &str) -> Result<bool, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let ok = jobs::complete(tx.conn(), id, worker, now).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Records a failed attempt; the job retries after its backoff or goes to the dead letter
    /// after its last attempt.
    pub async fn fail_job(&self, job: &Job, worker: &str, error: &str, base: Duration) -> Result<bool, Error> {
        let now = self.now();
        let retry_at: Option<DateTime<Utc>> =
            (job.attempts < job.max_attempts).then(|| now + backoff(job.attempts, base));
        let tx = self.db.system_write().await?;
        let ok = jobs::fail(tx.conn(), job.id, worker, error, retry_at, now).await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Gives claimed, unstarted jobs back.
    pub async fn release_jobs(&self, ids: &[Uuid], worker: &str) -> Result<u64, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let n = jobs::release(tx.conn(), ids, worker, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// One job.
    pub async fn job(&self, id: Uuid) -> Result<Option<Job>, Error> {
        jobs::find(self.db.system(), id).await
    }

    /// Job counts by queue and status.
    pub async fn job_counts(&self) -> Result<Vec<(String, String, i64)>, Error> {
        jobs::counts(self.db.system()).await
    }

    /// The oldest unpublished outbox events.
    pub async fn unpublished_events(&self, limit: u64) -> Result<Vec<OutboxEvent>, Error> {
        outbox::unpublished(self.db.system(), limit).await
    }

    /// Marks outbox events published.
    pub async fn mark_events_published(&self, seqs: &[i64]) -> Result<(), Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        outbox::mark_published(tx.conn(), seqs, now).await?;
        tx.commit().await
    }

    /// The outbox events of one entity (for tests and diagnostics).
    pub async fn events_of(&self, entity_id: Uuid) -> Result<Vec<OutboxEvent>, Error> {
        outbox::for_entity(self.db.system(), entity_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps_at_an_hour() {
        let base = Duration::seconds(1);
        assert_eq!(backoff(1, base), Duration::seconds(2));
        assert_eq!(backoff(2, base), Duration::seconds(4));
        assert_eq!(backoff(5, base), Duration::seconds(32));
        assert_eq!(backoff(30, base), Duration::hours(1));
    }
}
