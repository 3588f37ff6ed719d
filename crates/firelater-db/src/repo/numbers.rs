//! Per-tenant counters for human-readable numbers.

use crate::dialect::stmt;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::numbering::NumberedEntity;
use sea_orm::ConnectionTrait;

/// Draws the next number for `entity` inside `tx`. The upsert holds the counter's row lock
/// until `tx` ends, so concurrent creates get distinct, consecutive numbers, and a rolled-back
/// create gives its number back.
pub async fn next(tx: &TenantTx, entity: NumberedEntity, now: DateTime<Utc>) -> Result<String, Error> {
    let conn = tx.conn();
    let row = conn
        .query_one_raw(stmt(
            conn.get_database_backend(),
            "INSERT INTO id_sequences (tenant_id, entity_type, prefix, current_value, updated_at)
             VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (tenant_id, entity_type)
             DO UPDATE SET current_value = id_sequences.current_value + 1, updated_at = excluded.updated_at
             RETURNING current_value",
            vec![
                tx.tenant_uuid().into(),
                entity.key().into(),
                entity.prefix().into(),
                now.into(),
            ],
        ))
        .await
        .map_err(db_err)?
        .ok_or_else(|| Error::internal("number upsert returned no row"))?;
    let n: i64 = row.try_get("", "current_value").map_err(db_err)?;
    Ok(entity.format(n))
}
