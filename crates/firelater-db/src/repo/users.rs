//! Users of a tenant.

use crate::entities::user;
use crate::repo::list::{contains_ci, page};
use crate::{TenantTx, db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::enums::stored;
use firelater_core::ids::UserId;
use firelater_core::list::{ListParams, Page};
use firelater_core::users::{User, UserStatus};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUserRow {
    /// Its id.
    pub id: UserId,
    /// Lower-cased email, unique in the tenant.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// IANA time zone.
    pub timezone: String,
    /// Account status.
    pub status: UserStatus,
    /// Argon2id hash, or none for users who sign in another way or were invited.
    pub password_hash: Option<String>,
}

/// Inserts a user in the transaction's tenant.
pub async fn insert(tx: &TenantTx, row: NewUserRow, now: DateTime<Utc>) -> Result<User, Error> {
    user::ActiveModel {
        id: Set(row.id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        email: Set(row.email),
        name: Set(row.name),
        avatar_url: Set(None),
        phone: Set(row.phone),
        timezone: Set(row.timezone),
        status: Set(row.status.as_str().to_owned()),
        auth_provider: Set("local".to_owned()),
        external_id: Set(None),
        password_hash: Set(row.password_hash),
        last_login_at: Set(None),
        settings: Set(serde_json::json!({})),
        failed_login_count: Set(0),
        locked_until: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| unique_err(e, "email", "email", "a user with this email already exists"))
    .and_then(to_user)
}

/// The service's view of a row.
pub(crate) fn to_user(m: user::Model) -> Result<User, Error> {
    Ok(User {
        id: UserId(m.id),
        status: stored("users.status", &m.status)?,
        email: m.email,
        name: m.name,
        avatar_url: m.avatar_url,
        phone: m.phone,
        timezone: m.timezone,
        auth_provider: m.auth_provider,
        password_hash: m.password_hash,
        last_login_at: m.last_login_at,
        failed_login_count: m.failed_login_count,
        locked_until: m.locked_until,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The user with `id` in the transaction's tenant.
pub async fn find(tx: &TenantTx, id: UserId) -> Result<Option<User>, Error> {
    user::Entity::find_by_id(id.0)
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_user)
        .transpose()
}

/// The user with `email` (lower-cased) in the transaction's tenant.
pub async fn find_by_email(tx: &TenantTx, email: &str) -> Result<Option<User>, Error> {
    user::Entity::find()
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user::Column::Email.eq(email))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_user)
        .transpose()
}

/// Lists the tenant's users; `q` matches name or email.
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<User>, Error> {
    let mut select = user::Entity::find().filter(user::Column::TenantId.eq(tx.tenant_uuid()));
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(user::Column::Name, q))
                .add(contains_ci(user::Column::Email, q)),
        );
    }
    page(tx.conn(), select, params).await?.try_map(to_user)
}

/// Changed columns of a user; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    /// New display name.
    pub name: Option<String>,
    /// New phone (`Some(None)` clears it).
    pub phone: Option<Option<String>>,
    /// New time zone.
    pub timezone: Option<String>,
    /// New status.
    pub status: Option<UserStatus>,
    /// New password hash.
    pub password_hash: Option<Option<String>>,
    /// New last login instant.
    pub last_login_at: Option<DateTime<Utc>>,
    /// New count of consecutive failed logins.
    pub failed_login_count: Option<i32>,
    /// New lockout end (`Some(None)` unlocks).
    pub locked_until: Option<Option<DateTime<Utc>>>,
}

/// Applies `changes` if the row is still at `expected_version` (when given), bumping the
/// version. Returns the new row, or `None` when no row matched.
pub async fn update(
    tx: &TenantTx,
    id: UserId,
    expected_version: Option<i32>,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<Option<User>, Error> {
    // Recording a sign-in is bookkeeping, not an edit: it must not make an editor's version stale.
    let edits = changes.name.is_some()
        || changes.phone.is_some()
        || changes.timezone.is_some()
        || changes.status.is_some()
        || changes.password_hash.is_some();
    let mut q = user::Entity::update_many();
    if edits {
        q = q
            .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
            .col_expr(user::Column::UpdatedAt, Expr::value(now));
    }
    if let Some(v) = changes.name {
        q = q.col_expr(user::Column::Name, Expr::value(v));
    }
    if let Some(v) = changes.phone {
        q = q.col_expr(user::Column::Phone, Expr::value(v));
    }
    if let Some(v) = changes.timezone {
        q = q.col_expr(user::Column::Timezone, Expr::value(v));
    }
    if let Some(v) = changes.status {
        q = q.col_expr(user::Column::Status, Expr::value(v.as_str()));
    }
    if let Some(v) = changes.password_hash {
        q = q.col_expr(user::Column::PasswordHash, Expr::value(v));
    }
    if let Some(v) = changes.last_login_at {
        q = q.col_expr(user::Column::LastLoginAt, Expr::value(v));
    }
    if let Some(v) = changes.failed_login_count {
        q = q.col_expr(user::Column::FailedLoginCount, Expr::value(v));
    }
    if let Some(v) = changes.locked_until {
        q = q.col_expr(user::Column::LockedUntil, Expr::value(v));
    }
    q = q
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()));
    if let Some(v) = expected_version {
        q = q.filter(user::Column::Version.eq(v));
    }
    let res = q.exec(tx.conn()).await.map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(tx, id).await
}

/// Counts a failed login; at `threshold` consecutive failures the user is locked until
/// `lock_until` and the count starts again. Returns the lock's end when this failure locked.
pub async fn record_failed_login(
    tx: &TenantTx,
    id: UserId,
    threshold: i32,
    lock_until: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, Error> {
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLoginCount,
            Expr::col(user::Column::FailedLoginCount).add(1),
        )
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    let Some(u) = find(tx, id).await? else { return Ok(None) };
    if u.failed_login_count < threshold {
        return Ok(None);
    }
    let changes = UserChanges {
        failed_login_count: Some(0),
        locked_until: Some(Some(lock_until)),
        ..Default::default()
    };
    update(tx, id, None, changes, lock_until).await?;
    Ok(Some(lock_until))
}

/// How many users the transaction's tenant has.
pub async fn count(tx: &TenantTx) -> Result<u64, Error> {
    use sea_orm::PaginatorTrait;
    user::Entity::find()
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .count(tx.conn())
        .await
        .map_err(db_err)
}

/// The display names of the users `ids` of this tenant that exist, by id, in one query (for showing
/// names beside ids, e.g. in the audit log).
pub async fn names_of(tx: &TenantTx, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>, Error> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}
