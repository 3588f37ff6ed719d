//! The instance's own jobs: a no-op for checks, and retention.

use crate::{JobSettings, Registry};
use firelater_service::Services;

/// The recurring retention job: purges finished jobs, handed-on events, their receipts and
/// expired idempotency keys (`Services::purge_retained`).
pub const RETENTION_JOB: &str = "system.retention";

/// Registers the system jobs.
pub fn register(r: &mut Registry, settings: &JobSettings) {
    r.job("system.noop", |_, _| async { Ok(()) });
    let keep = settings.retention;
    r.recurring(
        RETENTION_JOB,
        settings.retention_interval,
        move |services: Services, _| async move {
            let purged = services.purge_retained(keep).await.map_err(|e| e.to_string())?;
            tracing::info!(
                jobs = purged.jobs,
                events = purged.events,
                receipts = purged.receipts,
                idempotency_keys = purged.idempotency_keys,
                "retention pass"
            );
            Ok(())
        },
    );
}
