//! The transactional outbox: events are appended in the transaction of the change that caused
//! them and published afterwards by the relay, so a crash can delay an event but never lose it.

use crate::db_err;
use crate::dialect::{lock_unpublished_events_sql, stmt};
use crate::entities::outbox_event;
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The tenant it belongs to.
    pub tenant_id: Option<Uuid>,
    /// The specification's event name, e.g. `issue.created`.
    pub event_type: &'static str,
    /// The entity type, e.g. `issue`.
    pub entity_type: &'static str,
    /// The entity's id.
    pub entity_id: Option<Uuid>,
    /// The event's data.
    pub payload: serde_json::Value,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
}

/// Appends `event` on `conn`, which should be the transaction of the change.
pub async fn append(conn: &impl ConnectionTrait, event: NewEvent) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    outbox_event::ActiveModel {
        seq: NotSet,
        id: Set(id),
        tenant_id: Set(event.tenant_id),
        event_type: Set(event.event_type.to_owned()),
        entity_type: Set(event.entity_type.to_owned()),
        entity_id: Set(event.entity_id),
        payload: Set(event.payload),
        occurred_at: Set(event.occurred_at),
        published_at: Set(None),
    }
    .insert(conn)
    .await
    .map_err(db_err)?;
    Ok(id)
}

/// The oldest unpublished events, in order.
pub async fn unpublished(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<outbox_event::Model>, Error> {
    outbox_event::Entity::find()
        .filter(outbox_event::Column::PublishedAt.is_null())
        .order_by_asc(outbox_event::Column::Seq)
        .limit(limit)
        .all(conn)
        .await
        .map_err(db_err)
}

/// The oldest events not yet handed on, in `seq` order, locked for the hand-off transaction
/// `conn` (skipping those another relay holds; see [`lock_unpublished_events_sql`]).
pub async fn lock_unpublished(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<outbox_event::Model>, Error> {
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(stmt(
            backend,
            lock_unpublished_events_sql(backend),
            vec![(limit as i64).into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| outbox_event::Model::from_query_result(r, "").map_err(db_err))
        .collect()
}

/// The event with `id`.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<outbox_event::Model>, Error> {
    outbox_event::Entity::find()
        .filter(outbox_event::Column::Id.eq(id))
        .one(conn)
        .await
        .map_err(db_err)
}

/// Every event, oldest first (diagnostics and tests).
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<outbox_event::Model>, Error> {
    outbox_event::Entity::find()
        .order_by_asc(outbox_event::Column::Seq)
        .all(conn)
        .await
        .map_err(db_err)
}

/// Deletes events handed on before `before` none of whose consumer jobs is still live
/// (queued or running): a delivery waiting for a retry keeps its event.
pub async fn purge_handed_on(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, Error> {
    let res = conn
        .execute_raw(stmt(
            conn.get_database_backend(),
            "DELETE FROM outbox_events WHERE published_at IS NOT NULL AND published_at < $1
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = outbox_events.id
                             AND j.status IN ('queued', 'running'))",
            vec![before.into()],
        ))
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected())
}

/// Marks events published.
pub async fn mark_published(conn: &impl ConnectionTrait, seqs: &[i64], at: DateTime<Utc>) -> Result<(), Error> {
    if seqs.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (0..seqs.len()).map(|i| format!("${}", i + 2)).collect();
    let mut values: Vec<sea_orm::Value> = vec![at.into()];
    values.extend(seqs.iter().map(|s| (*s).into()));
    conn.execute_raw(stmt(
        conn.get_database_backend(),
        &format!(
            "UPDATE outbox_events SET published_at = $1 WHERE seq IN ({})",
            placeholders.join(", ")
        ),
        values,
    ))
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Events of one entity, oldest first (for tests and the audit trail).
pub async fn for_entity(conn: &impl ConnectionTrait, entity_id: Uuid) -> Result<Vec<outbox_event::Model>, Error> {
    outbox_event::Entity::find()
        .filter(outbox_event::Column::EntityId.eq(entity_id))
        .order_by_asc(outbox_event::Column::Seq)
        .all(conn)
        .await
        .map_err(db_err)
}
