//! Status history: one row each time an entity's status moves (`from` → `to`, who, why),
//! written by the change recorder in the change's transaction. Every module keeps its own
//! table of the same shape (`user_status_history`, and the specification's
//! `issue_status_history`, `change_status_history`, …), named by a [`HistoryTable`].

use crate::dialect::stmt;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

/// A status-history table and the column naming its entity. Both are code, never input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryTable {
    /// The table, e.g. `issue_status_history`.
    pub table: &'static str,
    /// The entity's column, e.g. `issue_id`.
    pub key: &'static str,
}

/// The history of users' statuses.
pub const USERS: HistoryTable = HistoryTable {
    table: "user_status_history",
    key: "user_id",
};

/// The history of applications' statuses.
pub const APPLICATIONS: HistoryTable = HistoryTable {
    table: "application_status_history",
    key: "application_id",
};

/// The history of services' statuses.
pub const SERVICES: HistoryTable = HistoryTable {
    table: "service_status_history",
    key: "service_id",
};

/// One move to record.
#[derive(Debug, Clone)]
pub struct NewStatusMove {
    /// The entity.
    pub entity_id: Uuid,
    /// The status before; `None` when the entity was created.
    pub from: Option<String>,
    /// The status after.
    pub to: String,
    /// The user who moved it; `None` for the system, an API key or the platform operator.
    pub changed_by: Option<Uuid>,
    /// Why, when given.
    pub reason: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A recorded move.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StatusMove {
    /// Row id.
    pub id: Uuid,
    /// The status before.
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: String,
    /// Who moved it.
    pub changed_by: Option<Uuid>,
    /// Why.
    pub reason: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Appends a move in `tx`.
pub async fn record(tx: &TenantTx, table: HistoryTable, m: NewStatusMove) -> Result<(), Error> {
    let conn = tx.conn();
    let sql = format!(
        "INSERT INTO {} (id, tenant_id, {}, from_status, to_status, changed_by, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        table.table, table.key
    );
    conn.execute_raw(stmt(
        conn.get_database_backend(),
        &sql,
        vec![
            Uuid::now_v7().into(),
            tx.tenant_uuid().into(),
            m.entity_id.into(),
            m.from.into(),
            m.to.into(),
            m.changed_by.into(),
            m.reason.into(),
            m.at.into(),
        ],
    ))
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The moves of one entity, oldest first.
pub async fn of(tx: &TenantTx, table: HistoryTable, entity_id: Uuid) -> Result<Vec<StatusMove>, Error> {
    let conn = tx.conn();
    let sql = format!(
        "SELECT id, from_status, to_status, changed_by, reason, created_at FROM {} \
         WHERE tenant_id = $1 AND {} = $2 ORDER BY created_at, id",
        table.table, table.key
    );
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            &sql,
            vec![tx.tenant_uuid().into(), entity_id.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| StatusMove::from_query_result(r, "").map_err(db_err))
        .collect()
}
