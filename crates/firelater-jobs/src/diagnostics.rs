//! Diagnostics: the event ledger, a consumer of every event that counts its completions per
//! event (`event_ledger`), so the crash tests can see that each event was consumed exactly
//! once. Registered only with `FIRELATER_EVENT_LEDGER=1`.

use crate::Registry;
use firelater_service::Services;
use firelater_service::jobs::{OutboxEvent, SystemTx};

/// The ledger consumer's name.
pub const EVENT_LEDGER: &str = "diagnostics.event_ledger";

/// Registers the ledger consumer.
pub fn register(r: &mut Registry) {
    r.consumer(
        EVENT_LEDGER,
        &["*"],
        |services: Services, event: OutboxEvent, tx: SystemTx| async move {
            services
                .record_in_event_ledger(&tx, &event)
                .await
                .map_err(|e| e.to_string())?;
            Ok(tx)
        },
    );
}
