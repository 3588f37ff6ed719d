//! The audit log: append-only; there is no update or delete here on purpose.

use crate::entities::audit_log;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::list::{ListParams, Page};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// One audit entry to record.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// Who acted; `None` for the system.
    pub actor_id: Option<Uuid>,
    /// `user`, `api_key` or `system`.
    pub actor_type: &'static str,
    /// What happened, e.g. `user.created` or `auth.login_failed`.
    pub action: String,
    /// The entity type, e.g. `user`.
    pub entity_type: &'static str,
    /// The entity's id.
    pub entity_id: Option<Uuid>,
    /// Changed fields as `{field: {old, new}}`, or event details.
    pub changes: Option<serde_json::Value>,
    /// The client's IP address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// The request that caused it.
    pub request_id: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Appends an entry in `tx`, so it commits or rolls back with the change it records.
pub async fn record(tx: &TenantTx, e: NewAuditEntry) -> Result<(), Error> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_uuid()),
        actor_id: Set(e.actor_id),
        actor_type: Set(e.actor_type.to_owned()),
        action: Set(e.action),
        entity_type: Set(e.entity_type.to_owned()),
        entity_id: Set(e.entity_id),
        changes: Set(e.changes),
        ip: Set(e.ip.map(|s| truncate(s, 64))),
        user_agent: Set(e.user_agent.map(|s| truncate(s, 512))),
        request_id: Set(e.request_id),
        created_at: Set(e.at),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Truncates to at most `max` bytes on a character boundary.
pub fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Lists the tenant's audit entries.
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<audit_log::Model>, Error> {
    let select = audit_log::Entity::find().filter(audit_log::Column::TenantId.eq(tx.tenant_uuid()));
    crate::repo::list::page(tx.conn(), select, params).await
}

/// The entries about one entity, oldest first.
pub async fn for_entity(tx: &TenantTx, entity_type: &str, entity_id: Uuid) -> Result<Vec<audit_log::Model>, Error> {
    use sea_orm::QueryOrder;
    audit_log::Entity::find()
        .filter(audit_log::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(audit_log::Column::EntityType.eq(entity_type))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_log::Column::CreatedAt)
        .order_by_asc(audit_log::Column::Id)
        .all(tx.conn())
        .await
        .map_err(db_err)
}
