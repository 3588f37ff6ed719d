//! The change recorder: the one way a use case records what it changed. In the caller's
//! transaction it writes the audit row (field diff or details, actor, IP, user agent, request
//! id), the status-history row when a status moved (`from`, `to`, who, why) and the typed
//! domain event for the outbox, so all three commit or roll back with the change itself.
//!
//! ```ignore
//! record::change(&tx, ctx, now, Change::event(Event::UserDeactivated(data))
//!     .diff(Diff::new().field("status", &before, &after))
//!     .status(status_history::USERS, Some("active"), "inactive", None))
//! .await?;
//! ```

use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::platform::PlatformCtx;
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::audit::Diff;
use firelater_core::events::Event;
use firelater_db::repo::status_history::{self, HistoryTable, NewStatusMove};
use firelater_db::repo::{audit, outbox};
use firelater_db::{SystemTx, TenantTx};
use serde_json::Value;
use uuid::Uuid;

/// Who made a change: a caller of the API or a job, or the platform operator.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Author<'a> {
    /// A user, an API key or the system, in a tenant.
    Caller(&'a Ctx),
    /// The instance's platform operator (no user of the tenant).
    Platform(&'a PlatformCtx),
}

impl<'a> From<&'a Ctx> for Author<'a> {
    fn from(c: &'a Ctx) -> Self {
        Self::Caller(c)
    }
}

impl<'a> From<&'a PlatformCtx> for Author<'a> {
    fn from(p: &'a PlatformCtx) -> Self {
        Self::Platform(p)
    }
}

impl Author<'_> {
    fn actor(&self) -> (Option<Uuid>, &'static str) {
        match self {
            Self::Caller(c) => match c.actor {
                Actor::User(u) => (Some(u.0), "user"),
                Actor::ApiKey(k) => (Some(k.0), "api_key"),
                Actor::System => (None, "system"),
            },
            Self::Platform(_) => (None, "platform"),
        }
    }

    fn meta(&self) -> &RequestMeta {
        match self {
            Self::Caller(c) => &c.meta,
            Self::Platform(p) => &p.meta,
        }
    }

    /// The user to name in status history: only a user moves a status "by hand".
    fn user(&self) -> Option<Uuid> {
        match self {
            Self::Caller(c) => c.user_id().map(|u| u.0),
            Self::Platform(_) => None,
        }
    }
}

/// A status move to put in an entity's status history.
#[derive(Debug, Clone)]
struct StatusMove {
    table: HistoryTable,
    from: Option<String>,
    to: String,
    reason: Option<String>,
}

/// One recorded change: what the audit log says, the status move if any, the event if any.
#[derive(Debug, Clone)]
#[must_use = "a change does nothing until it is recorded"]
pub(crate) struct Change {
    action: &'static str,
    entity_type: &'static str,
    entity_id: Option<Uuid>,
    changes: Option<Value>,
    status: Option<StatusMove>,
    event: Option<Event>,
}

impl Change {
    /// A change audited as `action` on an entity, with no event (sign-in failures, exports).
    pub fn audit(action: &'static str, entity_type: &'static str, entity_id: impl Into<Uuid>) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id.into()),
            changes: None,
            status: None,
            event: None,
        }
    }

    /// A change that emits `event`, audited under the event's name on the event's entity.
    pub fn event(event: Event) -> Self {
        Self {
            action: event.name(),
            entity_type: event.entity_type(),
            entity_id: Some(event.entity_id()),
            changes: None,
            status: None,
            event: Some(event),
        }
    }

    /// The audit action.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// Emits `event` as well (for a change audited under another action).
    pub fn with_event(mut self, event: Event) -> Self {
        self.event = Some(event);
        self
    }

    /// The fields that changed, as `{field: {old, new}}`; an empty diff records none.
    pub fn diff(mut self, diff: Diff) -> Self {
        self.changes = (!diff.is_empty()).then(|| diff.into_value());
        self
    }

    /// Details of the change that are not a field diff.
    pub fn details(mut self, details: Value) -> Self {
        self.changes = Some(details);
        self
    }

    /// The entity's status moved from `from` (`None` on creation) to `to`.
    pub fn status(mut self, table: HistoryTable, from: Option<&str>, to: &str, reason: Option<&str>) -> Self {
        if from != Some(to) {
            self.status = Some(StatusMove {
                table,
                from: from.map(str::to_owned),
                to: to.to_owned(),
                reason: reason.map(str::to_owned),
            });
        }
        self
    }
}

/// Records `change`, made by `author` at `at`, in `tx`.
pub(crate) async fn change<'a>(
    tx: &TenantTx,
    author: impl Into<Author<'a>>,
    at: DateTime<Utc>,
    change: Change,
) -> Result<(), Error> {
    let author = author.into();
    let (actor_id, actor_type) = author.actor();
    let meta = author.meta();
    audit::record(
        tx,
        audit::NewAuditEntry {
            actor_id,
            actor_type,
            action: change.action.to_owned(),
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            changes: change.changes,
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.clone(),
            request_id: meta.request_id.clone(),
            at,
        },
    )
    .await?;
    if let (Some(m), Some(entity_id)) = (change.status, change.entity_id) {
        status_history::record(
            tx,
            m.table,
            NewStatusMove {
                entity_id,
                from: m.from,
                to: m.to,
                changed_by: author.user(),
                reason: m.reason,
                at,
            },
        )
        .await?;
    }
    if let Some(e) = change.event {
        append(tx.conn(), Some(tx.tenant_uuid()), &e, at).await?;
    }
    Ok(())
}

/// Writes an event that is no change of its own (a request to send an email) in the
/// transaction of the change that asked for it.
pub(crate) async fn emit(tx: &TenantTx, at: DateTime<Utc>, event: Event) -> Result<(), Error> {
    append(tx.conn(), Some(tx.tenant_uuid()), &event, at).await
}

/// Writes an event about a tenant as a whole in an instance transaction, for the changes
/// that leave no tenant transaction to record them in (a tenant's deletion).
pub(crate) async fn system_event(
    tx: &SystemTx,
    tenant: Option<Uuid>,
    event: Event,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    append(tx.conn(), tenant, &event, at).await
}

async fn append(
    conn: &firelater_db::DatabaseTransaction,
    tenant: Option<Uuid>,
    e: &Event,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    outbox::append(
        conn,
        outbox::NewEvent {
            tenant_id: tenant,
            event_type: e.name(),
            entity_type: e.entity_type(),
            entity_id: Some(e.entity_id()),
            payload: e.payload(),
            occurred_at: at,
        },
    )
    .await
    .map(|_| ())
}
