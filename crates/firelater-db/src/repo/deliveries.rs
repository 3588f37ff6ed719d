//! Event deliveries: each consumer's receipt for each event it completed, written in the
//! transaction of the consumer's own effects, so a completed delivery is never run again and
//! an interrupted one leaves no receipt (ADR 0013); the diagnostic event ledger; and the
//! purges of retention.

use crate::dialect::stmt;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// Whether `consumer` has completed the event `event_id`.
pub async fn has_receipt(conn: &impl ConnectionTrait, consumer: &str, event_id: Uuid) -> Result<bool, Error> {
    let row = conn
        .query_one_raw(stmt(
            conn.get_database_backend(),
            "SELECT 1 AS one FROM event_receipts WHERE consumer = $1 AND event_id = $2",
            vec![consumer.into(), event_id.into()],
        ))
        .await
        .map_err(db_err)?;
    Ok(row.is_some())
}

/// Records that `consumer` completed the event. Fails on a second receipt for the same pair
/// (the primary key), which rolls the second completion back.
pub async fn insert_receipt(
    conn: &impl ConnectionTrait,
    consumer: &str,
    event_id: Uuid,
    event_seq: i64,
    job_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute_raw(stmt(
        conn.get_database_backend(),
        "INSERT INTO event_receipts (consumer, event_id, event_seq, job_id, completed_at) VALUES ($1, $2, $3, $4, $5)",
        vec![
            consumer.into(),
            event_id.into(),
            event_seq.into(),
            job_id.into(),
            now.into(),
        ],
    ))
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The number of receipts of `consumer`.
pub async fn count_receipts(conn: &impl ConnectionTrait, consumer: &str) -> Result<i64, Error> {
    let row = conn
        .query_one_raw(stmt(
            conn.get_database_backend(),
            "SELECT count(*) AS n FROM event_receipts WHERE consumer = $1",
            vec![consumer.into()],
        ))
        .await
        .map_err(db_err)?;
    row.map_or(Ok(0), |r| r.try_get::<i64>("", "n").map_err(db_err))
}

/// Deletes the receipts of events that no longer exist: a receipt lives as long as its event.
pub async fn purge_orphan_receipts(conn: &impl ConnectionTrait) -> Result<u64, Error> {
    let mut n = 0;
    for table in ["event_receipts", "event_ledger"] {
        let res = conn
            .execute_raw(stmt(
                conn.get_database_backend(),
                &format!(
                    "DELETE FROM {table} WHERE NOT EXISTS
                     (SELECT 1 FROM outbox_events e WHERE e.id = {table}.event_id)"
                ),
                vec![],
            ))
            .await
            .map_err(db_err)?;
        if table == "event_receipts" {
            n = res.rows_affected();
        }
    }
    Ok(n)
}

/// Counts one completion of the event in the diagnostic ledger.
pub async fn ledger_record(
    conn: &impl ConnectionTrait,
    event_id: Uuid,
    event_seq: i64,
    event_type: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute_raw(stmt(
        conn.get_database_backend(),
        "INSERT INTO event_ledger (event_id, event_seq, event_type, completions, updated_at)
         VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (event_id) DO UPDATE SET completions = event_ledger.completions + 1, updated_at = $4",
        vec![event_id.into(), event_seq.into(), event_type.into(), now.into()],
    ))
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The diagnostic ledger: `(event seq, completions)` per event, by seq.
pub async fn ledger(conn: &impl ConnectionTrait) -> Result<Vec<(i64, i32)>, Error> {
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "SELECT event_seq, completions FROM event_ledger ORDER BY event_seq",
            vec![],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64>("", "event_seq").map_err(db_err)?,
                r.try_get::<i32>("", "completions").map_err(db_err)?,
            ))
        })
        .collect()
}

/// Deletes `tx`'s tenant's idempotency keys recorded before `before`.
pub async fn purge_idempotency_keys(tx: &TenantTx, before: DateTime<Utc>) -> Result<u64, Error> {
    let res = tx
        .conn()
        .execute_raw(stmt(
            tx.conn().get_database_backend(),
            "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND created_at < $2",
            vec![tx.tenant_uuid().into(), before.into()],
        ))
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected())
}

/// Every tenant's id, for purges that go tenant by tenant (row-level security).
pub async fn tenant_ids(conn: &impl ConnectionTrait) -> Result<Vec<Uuid>, Error> {
    use crate::entities::tenant;
    use sea_orm::{EntityTrait, QuerySelect};
    tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .into_tuple()
        .all(conn)
        .await
        .map_err(db_err)
}
