//! The job queue as the workers see it: claim, finish, fail with backoff, release; and the
//! outbox relay's reads. Handlers of individual job kinds live in `firelater-jobs`.

use crate::Services;
use chrono::{DateTime, Duration, Utc};
use firelater_core::Error;
pub use firelater_db::entities::job::Model as Job;
pub use firelater_db::entities::outbox_event::Model as OutboxEvent;
pub use firelater_db::repo::jobs::{NewJob, status};
use firelater_db::repo::{jobs, outbox};
use uuid::Uuid;

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
