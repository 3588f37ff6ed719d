//! Login sessions and their refresh tokens. A session is one refresh-token family: rotating
//! a token keeps the session, reusing a rotated token revokes it.

use crate::entities::{refresh_token, session};
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Its id.
    pub id: Uuid,
    /// Whose.
    pub user_id: Uuid,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// The client's IP.
    pub ip: Option<String>,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// Opens a session.
pub async fn create(tx: &TenantTx, s: NewSession, now: DateTime<Utc>) -> Result<session::Model, Error> {
    session::ActiveModel {
        id: Set(s.id),
        tenant_id: Set(tx.tenant_uuid()),
        user_id: Set(s.user_id),
        user_agent: Set(s.user_agent.map(|v| crate::repo::audit::truncate(v, 512))),
        ip: Set(s.ip.map(|v| crate::repo::audit::truncate(v, 64))),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(s.expires_at),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
}

/// Stores a refresh token's hash for `session_id`.
pub async fn add_refresh_token(
    tx: &TenantTx,
    session_id: Uuid,
    token_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), Error> {
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_uuid()),
        session_id: Set(session_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        rotated_at: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The refresh token with `token_hash`.
pub async fn find_refresh_token(tx: &TenantTx, token_hash: &str) -> Result<Option<refresh_token::Model>, Error> {
    refresh_token::Entity::find()
        .filter(refresh_token::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(tx.conn())
        .await
        .map_err(db_err)
}

/// Marks a refresh token used; `false` when it already was (a concurrent reuse).
pub async fn mark_rotated(tx: &TenantTx, token_id: Uuid, now: DateTime<Utc>) -> Result<bool, Error> {
    let res = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(token_id))
        .filter(refresh_token::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// The session with `id`.
pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<session::Model>, Error> {
    session::Entity::find_by_id(id)
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)
}

/// Records a use of the session.
pub async fn touch(tx: &TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<(), Error> {
    session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Records a use of the session unless one was recorded at or after `stale_before`: a cheap
/// conditional write, so `last_used_at` stays meaningful without a write per request.
pub async fn touch_if_stale(
    tx: &TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, Error> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(session::Column::LastUsedAt.lt(stale_before))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// A page of the live sessions of `user_id`, as `params` sort them.
pub async fn list_live_of_user(
    tx: &TenantTx,
    user_id: Uuid,
    now: DateTime<Utc>,
    params: &firelater_core::list::ListParams,
) -> Result<firelater_core::list::Page<session::Model>, Error> {
    let select = session::Entity::find()
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now));
    crate::repo::list::page(tx.conn(), select, params).await
}

/// Revokes one session; revoking twice keeps the first reason.
pub async fn revoke(tx: &TenantTx, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<(), Error> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(session::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Revokes every live session of `user_id`.
pub async fn revoke_all_of_user(tx: &TenantTx, user_id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<u64, Error> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .col_expr(session::Column::RevokedReason, Expr::value(reason))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(session::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected)
}

/// The live sessions of `user_id`, newest first.
pub async fn live_of_user(tx: &TenantTx, user_id: Uuid, now: DateTime<Utc>) -> Result<Vec<session::Model>, Error> {
    session::Entity::find()
        .filter(session::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastUsedAt)
        .all(tx.conn())
        .await
        .map_err(db_err)
}

/// What authenticating a request needs to know about its session, user and tenant.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct AuthState {
    /// The session's user.
    pub user_id: Uuid,
    /// The user's status.
    pub user_status: String,
    /// When the session was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the session expires.
    pub expires_at: DateTime<Utc>,
    /// When the session was last used.
    pub last_used_at: DateTime<Utc>,
    /// The tenant's status.
    pub tenant_status: String,
}

/// Loads [`AuthState`] for a session in one query.
pub async fn auth_state(tx: &TenantTx, session_id: Uuid) -> Result<Option<AuthState>, Error> {
    use sea_orm::{ConnectionTrait, FromQueryResult};
    let conn = tx.conn();
    let row = conn
        .query_one_raw(crate::dialect::stmt(
            conn.get_database_backend(),
            "SELECT s.user_id AS user_id, u.status AS user_status, s.revoked_at AS revoked_at,
                    s.expires_at AS expires_at, s.last_used_at AS last_used_at, t.status AS tenant_status
             FROM sessions s
             JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
             JOIN tenants t ON t.id = s.tenant_id
             WHERE s.id = $1 AND s.tenant_id = $2",
            vec![session_id.into(), tx.tenant_uuid().into()],
        ))
        .await
        .map_err(db_err)?;
    row.map(|r| AuthState::from_query_result(&r, "").map_err(db_err))
        .transpose()
}
