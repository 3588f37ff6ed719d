//! Idempotency keys: the first request with a key is recorded with its response; a retry with
//! the same key and the same request gets that response again instead of a second create.

use crate::entities::idempotency_key;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Duration, Utc};
use firelater_core::Error;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First time: run it, then [`complete`] or [`abandon`].
    Fresh,
    /// Seen and finished: answer with this.
    Replay {
        /// The stored HTTP status.
        status: u16,
        /// The stored body.
        body: String,
    },
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// How long an unfinished claim blocks retries before a retry may take it over (its request
/// died without recording a response).
const STALE_AFTER: i64 = 60;

/// Claims `key` for this request, or reports what became of its earlier use.
pub async fn claim(
    tx: &TenantTx,
    user_id: Uuid,
    key: &str,
    method: &str,
    path: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, Error> {
    let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        tenant_id: Set(tx.tenant_uuid()),
        user_id: Set(user_id),
        key: Set(key.to_owned()),
        method: Set(method.to_owned()),
        path: Set(path.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            idempotency_key::Column::TenantId,
            idempotency_key::Column::UserId,
            idempotency_key::Column::Key,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(tx.conn())
    .await
    .map_err(db_err)?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let existing = find(tx, user_id, key)
        .await?
        .ok_or_else(|| Error::internal("idempotency key vanished"))?;
    if existing.request_hash != request_hash || existing.method != method || existing.path != path {
        return Ok(Claim::Mismatch);
    }
    match (existing.response_status, existing.response_body) {
        (Some(status), Some(body)) => Ok(Claim::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }),
        _ if existing.created_at < now - Duration::seconds(STALE_AFTER) => {
            idempotency_key::Entity::update_many()
                .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now))
                .filter(idempotency_key::Column::TenantId.eq(tx.tenant_uuid()))
                .filter(idempotency_key::Column::UserId.eq(user_id))
                .filter(idempotency_key::Column::Key.eq(key))
                .exec(tx.conn())
                .await
                .map_err(db_err)?;
            Ok(Claim::Fresh)
        }
        _ => Ok(Claim::InProgress),
    }
}

async fn find(tx: &TenantTx, user_id: Uuid, key: &str) -> Result<Option<idempotency_key::Model>, Error> {
    idempotency_key::Entity::find()
        .filter(idempotency_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(tx.conn())
        .await
        .map_err(db_err)
}

/// Records the response of a claimed key.
pub async fn complete(tx: &TenantTx, user_id: Uuid, key: &str, status: u16, body: String) -> Result<(), Error> {
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::ResponseStatus, Expr::value(i32::from(status)))
        .col_expr(idempotency_key::Column::ResponseBody, Expr::value(body))
        .filter(idempotency_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Forgets a claimed key whose request failed on the server's side, so a retry runs again.
pub async fn abandon(tx: &TenantTx, user_id: Uuid, key: &str) -> Result<(), Error> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}
