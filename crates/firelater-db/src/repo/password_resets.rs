//! Single-use password-reset tokens, stored as hashes.

use crate::entities::password_reset;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Stores reset `id`'s token hash for `user_id`, valid until `expires_at`.
pub async fn create(
    tx: &TenantTx,
    id: Uuid,
    user_id: Uuid,
    token_hash: String,
    ip: Option<String>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), Error> {
    password_reset::ActiveModel {
        id: Set(id),
        tenant_id: Set(tx.tenant_uuid()),
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ip: Set(ip.map(|v| crate::repo::audit::truncate(v, 64))),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Spends the unused, unexpired token with `token_hash`; returns its user. A token can be
/// spent once: the conditional update lets only one of two concurrent uses through.
pub async fn spend(tx: &TenantTx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Uuid>, Error> {
    let Some(row) = password_reset::Entity::find()
        .filter(password_reset::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(tx.conn())
        .await
        .map_err(db_err)?
    else {
        return Ok(None);
    };
    if row.used_at.is_some() || row.expires_at <= now {
        return Ok(None);
    }
    let res = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(row.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok((res.rows_affected == 1).then_some(row.user_id))
}

/// Voids every unused token of `user_id` (after a successful reset or a password change).
pub async fn void_all_of_user(tx: &TenantTx, user_id: Uuid, now: DateTime<Utc>) -> Result<(), Error> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The reset `id` while it is unused and unexpired, with its user.
pub async fn find_live(tx: &TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<Option<password_reset::Model>, Error> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(password_reset::Column::Id.eq(id))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .filter(|r| r.used_at.is_none() && r.expires_at > now))
}

/// Whether the token with `token_hash` is unused and unexpired.
pub async fn is_live(tx: &TenantTx, token_hash: &str, now: DateTime<Utc>) -> Result<bool, Error> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .is_some_and(|r| r.used_at.is_none() && r.expires_at > now))
}
