//! Writing an audit row and an outbox event alongside a change, in its transaction.

use crate::ctx::{Actor, Ctx};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_db::TenantTx;
use firelater_db::repo::{audit, outbox};
use uuid::Uuid;

/// Records `action` on an entity in the audit log, attributed to `ctx`.
pub(crate) async fn audit(
    tx: &TenantTx,
    ctx: &Ctx,
    action: &str,
    entity_type: &'static str,
    entity_id: Option<Uuid>,
    changes: Option<serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let (actor_id, actor_type) = match ctx.actor {
        Actor::User(u) => (Some(u.0), "user"),
        Actor::ApiKey(k) => (Some(k.0), "api_key"),
        Actor::System => (None, "system"),
    };
    audit::record(
        tx,
        audit::NewAuditEntry {
            actor_id,
            actor_type,
            action: action.to_owned(),
            entity_type,
            entity_id,
            changes,
            ip: ctx.meta.ip.clone(),
            user_agent: ctx.meta.user_agent.clone(),
            request_id: ctx.meta.request_id.clone(),
            at,
        },
    )
    .await
}

/// Appends a domain event for the entity to the outbox.
pub(crate) async fn event(
    tx: &TenantTx,
    event_type: &'static str,
    entity_type: &'static str,
    entity_id: Uuid,
    payload: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    outbox::append(
        tx.conn(),
        outbox::NewEvent {
            tenant_id: Some(tx.tenant_uuid()),
            event_type,
            entity_type,
            entity_id: Some(entity_id),
            payload,
            occurred_at: at,
        },
    )
    .await
    .map(|_| ())
}

/// Records `action` on `tx`'s tenant itself, attributed to the platform operator, who is no
/// user of the tenant (`actor_type` `platform`, no actor id).
pub(crate) async fn platform_audit(
    tx: &TenantTx,
    p: &crate::platform::PlatformCtx,
    action: &str,
    changes: Option<serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    audit::record(
        tx,
        audit::NewAuditEntry {
            actor_id: None,
            actor_type: "platform",
            action: action.to_owned(),
            entity_type: "tenant",
            entity_id: Some(tx.tenant_uuid()),
            changes,
            ip: p.meta.ip.clone(),
            user_agent: p.meta.user_agent.clone(),
            request_id: p.meta.request_id.clone(),
            at,
        },
    )
    .await
}
