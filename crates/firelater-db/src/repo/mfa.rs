//! Users' TOTP enrolments. Every change is conditional on the row's `version`, so two logins
//! racing to spend the same recovery code or time step cannot both succeed.

use crate::entities::user_mfa;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::ids::UserId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashSet;
use uuid::Uuid;

/// The enrolment of `user_id`, pending or enabled.
pub async fn find(tx: &TenantTx, user_id: Uuid) -> Result<Option<user_mfa::Model>, Error> {
    user_mfa::Entity::find_by_id(user_id)
        .filter(user_mfa::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)
}

/// Starts a pending enrolment with `secret` (base32), replacing any earlier one.
pub async fn start(tx: &TenantTx, user_id: Uuid, secret: String, now: DateTime<Utc>) -> Result<user_mfa::Model, Error> {
    delete(tx, user_id).await?;
    user_mfa::ActiveModel {
        user_id: Set(user_id),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        secret: Set(secret),
        enabled_at: Set(None),
        recovery_codes: Set(serde_json::json!([])),
        last_used_step: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
}

/// Changed columns of an enrolment; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct MfaChanges {
    /// When it was confirmed.
    pub enabled_at: Option<DateTime<Utc>>,
    /// The hashes of the unused recovery codes.
    pub recovery_codes: Option<Vec<String>>,
    /// The last accepted TOTP time step.
    pub last_used_step: Option<i64>,
}

/// Applies `changes` if the row is still at `expected_version`, bumping it; `false` when
/// someone else changed it first.
pub async fn update(
    tx: &TenantTx,
    user_id: Uuid,
    expected_version: i32,
    changes: MfaChanges,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut q = user_mfa::Entity::update_many()
        .col_expr(user_mfa::Column::Version, Expr::col(user_mfa::Column::Version).add(1))
        .col_expr(user_mfa::Column::UpdatedAt, Expr::value(now));
    if let Some(v) = changes.enabled_at {
        q = q.col_expr(user_mfa::Column::EnabledAt, Expr::value(v));
    }
    if let Some(v) = changes.recovery_codes {
        q = q.col_expr(user_mfa::Column::RecoveryCodes, Expr::value(serde_json::json!(v)));
    }
    if let Some(v) = changes.last_used_step {
        q = q.col_expr(user_mfa::Column::LastUsedStep, Expr::value(v));
    }
    let res = q
        .filter(user_mfa::Column::UserId.eq(user_id))
        .filter(user_mfa::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_mfa::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// Removes the enrolment of `user_id`; `false` when there was none.
pub async fn delete(tx: &TenantTx, user_id: Uuid) -> Result<bool, Error> {
    let res = user_mfa::Entity::delete_many()
        .filter(user_mfa::Column::UserId.eq(user_id))
        .filter(user_mfa::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// Which of `user_ids` have multi-factor authentication on (an enrolment confirmed with a
/// code), in one query.
pub async fn enabled_among(tx: &TenantTx, user_ids: &[UserId]) -> Result<HashSet<UserId>, Error> {
    if user_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<Uuid> = user_mfa::Entity::find()
        .select_only()
        .column(user_mfa::Column::UserId)
        .filter(user_mfa::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_mfa::Column::UserId.is_in(user_ids.iter().map(|u| u.0)))
        .filter(user_mfa::Column::EnabledAt.is_not_null())
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Whether `user_id` has multi-factor authentication on.
pub async fn is_enabled(tx: &TenantTx, user_id: UserId) -> Result<bool, Error> {
    Ok(enabled_among(tx, &[user_id]).await?.contains(&user_id))
}
