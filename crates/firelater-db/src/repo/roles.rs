//! Roles, their permissions and who holds them.

use crate::entities::{role, role_permission, user_role};
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::ids::{RoleId, UserId};
use firelater_core::roles::Role;
use firelater_core::{Error, SystemRole};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Creates the four system roles with their permissions in the transaction's tenant.
pub async fn seed_system_roles(tx: &TenantTx, now: DateTime<Utc>) -> Result<(), Error> {
    for sr in SystemRole::ALL {
        let id = Uuid::now_v7();
        role::ActiveModel {
            id: Set(id),
            tenant_id: Set(tx.tenant_uuid()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            name: Set(sr.name().to_owned()),
            display_name: Set(sr.display_name().to_owned()),
            description: Set(Some(sr.description().to_owned())),
            is_system: Set(true),
        }
        .insert(tx.conn())
        .await
        .map_err(db_err)?;
        for p in sr.permissions() {
            role_permission::ActiveModel {
                tenant_id: Set(tx.tenant_uuid()),
                role_id: Set(id),
                permission: Set(p.key().to_owned()),
            }
            .insert(tx.conn())
            .await
            .map_err(db_err)?;
        }
    }
    Ok(())
}

/// The service's view of a row.
pub(crate) fn to_role(m: role::Model) -> Role {
    Role {
        id: RoleId(m.id),
        name: m.name,
        display_name: m.display_name,
        description: m.description,
        is_system: m.is_system,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The role called `name`.
pub async fn find_by_name(tx: &TenantTx, name: &str) -> Result<Option<Role>, Error> {
    Ok(role::Entity::find()
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Name.eq(name))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_role))
}

/// Grants `role_id` to `user_id`; granting twice is a no-op.
pub async fn grant(
    tx: &TenantTx,
    user_id: UserId,
    role_id: RoleId,
    granted_by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    user_role::Entity::insert(user_role::ActiveModel {
        tenant_id: Set(tx.tenant_uuid()),
        user_id: Set(user_id.0),
        role_id: Set(role_id.0),
        granted_by: Set(granted_by.map(|u| u.0)),
        granted_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([user_role::Column::UserId, user_role::Column::RoleId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(tx.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The roles of each of `user_ids`, as `(user_id, role)` pairs.
pub async fn roles_of_users(tx: &TenantTx, user_ids: &[UserId]) -> Result<Vec<(UserId, Role)>, Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let links = user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_role::Column::UserId.is_in(user_ids.iter().map(|u| u.0)))
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    let role_ids: Vec<Uuid> = links.iter().map(|l| l.role_id).collect();
    let roles = role::Entity::find()
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Id.is_in(role_ids))
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(links
        .into_iter()
        .filter_map(|l| {
            roles
                .iter()
                .find(|r| r.id == l.role_id)
                .map(|r| (UserId(l.user_id), to_role(r.clone())))
        })
        .collect())
}

/// The permission keys `user_id` holds: the union over the roles granted to them directly
/// and the roles of every group they are a *direct* member of. Membership of a sub-group does
/// not pass on the roles of the groups above it: a role on "IT" reaches IT's own members
/// only, so granting a role to a parent never silently widens what a whole subtree may do.
pub async fn permission_keys_of(tx: &TenantTx, user_id: UserId) -> Result<Vec<String>, Error> {
    let conn = tx.conn();
    let rows = conn
        .query_all_raw(crate::dialect::stmt(
            conn.get_database_backend(),
            "SELECT rp.permission AS permission
             FROM role_permissions rp
             JOIN user_roles ur ON ur.role_id = rp.role_id AND ur.tenant_id = rp.tenant_id
             WHERE rp.tenant_id = $1 AND ur.user_id = $2
             UNION
             SELECT rp.permission AS permission
             FROM role_permissions rp
             JOIN group_roles gr ON gr.role_id = rp.role_id AND gr.tenant_id = rp.tenant_id
             JOIN group_members gm ON gm.group_id = gr.group_id AND gm.tenant_id = gr.tenant_id
             WHERE rp.tenant_id = $1 AND gm.user_id = $2",
            vec![tx.tenant_uuid().into(), user_id.0.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "permission").map_err(db_err))
        .collect()
}

/// A role to create.
#[derive(Debug, Clone)]
pub struct NewRoleRow {
    /// Unique name in the tenant.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
}

/// Inserts a custom role.
pub async fn insert(tx: &TenantTx, row: NewRoleRow, now: DateTime<Utc>) -> Result<Role, Error> {
    role::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(row.name),
        display_name: Set(row.display_name),
        description: Set(row.description),
        is_system: Set(false),
    }
    .insert(tx.conn())
    .await
    .map(to_role)
    .map_err(|e| crate::unique_err(e, "name", "name", "a role with this name already exists"))
}

/// The role with `id`.
pub async fn find(tx: &TenantTx, id: RoleId) -> Result<Option<Role>, Error> {
    Ok(role::Entity::find_by_id(id.0)
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_role))
}

/// Lists the tenant's roles.
pub async fn list(
    tx: &TenantTx,
    params: &firelater_core::list::ListParams,
) -> Result<firelater_core::list::Page<Role>, Error> {
    let select = role::Entity::find().filter(role::Column::TenantId.eq(tx.tenant_uuid()));
    Ok(crate::repo::list::page(tx.conn(), select, params).await?.map(to_role))
}

/// Changes a role's labels if it is still at `version`; `None` when no row matched.
pub async fn update(
    tx: &TenantTx,
    id: RoleId,
    version: i32,
    display_name: Option<String>,
    description: Option<Option<String>>,
    now: DateTime<Utc>,
) -> Result<Option<Role>, Error> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let mut q = role::Entity::update_many()
        .col_expr(role::Column::Version, Expr::col(role::Column::Version).add(1))
        .col_expr(role::Column::UpdatedAt, Expr::value(now));
    if let Some(v) = display_name {
        q = q.col_expr(role::Column::DisplayName, Expr::value(v));
    }
    if let Some(v) = description {
        q = q.col_expr(role::Column::Description, Expr::value(v));
    }
    let res = q
        .filter(role::Column::Id.eq(id.0))
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Version.eq(version))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(tx, id).await
}

/// Deletes a role; its grants go with it.
pub async fn delete(tx: &TenantTx, id: RoleId) -> Result<bool, Error> {
    let res = role::Entity::delete_many()
        .filter(role::Column::Id.eq(id.0))
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// The permission keys of each of `role_ids`, as `(role_id, key)` pairs sorted by key.
pub async fn permissions_of_roles(tx: &TenantTx, role_ids: &[RoleId]) -> Result<Vec<(RoleId, String)>, Error> {
    use sea_orm::QueryOrder;
    if role_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = role_permission::Entity::find()
        .filter(role_permission::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role_permission::Column::RoleId.is_in(role_ids.iter().map(|r| r.0)))
        .order_by_asc(role_permission::Column::Permission)
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().map(|r| (RoleId(r.role_id), r.permission)).collect())
}

/// Replaces the permissions of `role_id` with `keys`.
pub async fn set_permissions(tx: &TenantTx, role_id: RoleId, keys: &[String]) -> Result<(), Error> {
    role_permission::Entity::delete_many()
        .filter(role_permission::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role_permission::Column::RoleId.eq(role_id.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    for key in keys {
        role_permission::ActiveModel {
            tenant_id: Set(tx.tenant_uuid()),
            role_id: Set(role_id.0),
            permission: Set(key.clone()),
        }
        .insert(tx.conn())
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Takes every role away from `user_id`.
pub async fn revoke_all_of_user(tx: &TenantTx, user_id: UserId) -> Result<(), Error> {
    user_role::Entity::delete_many()
        .filter(user_role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_role::Column::UserId.eq(user_id.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The users holding the system `admin` role, directly or through a group they are a direct
/// member of, restricted to `user_ids` when given and to active users when `active_only`.
async fn admin_holders(tx: &TenantTx, user_id: Option<UserId>, active_only: bool) -> Result<Vec<Uuid>, Error> {
    let conn = tx.conn();
    let mut sql = String::from(
        "SELECT DISTINCT u.id AS id FROM users u
         JOIN roles r ON r.tenant_id = u.tenant_id AND r.name = 'admin' AND r.is_system = $2
         WHERE u.tenant_id = $1
           AND (EXISTS (SELECT 1 FROM user_roles ur
                        WHERE ur.tenant_id = u.tenant_id AND ur.user_id = u.id AND ur.role_id = r.id)
                OR EXISTS (SELECT 1 FROM group_roles gr
                           JOIN group_members gm ON gm.tenant_id = gr.tenant_id AND gm.group_id = gr.group_id
                           WHERE gr.tenant_id = u.tenant_id AND gr.role_id = r.id AND gm.user_id = u.id))",
    );
    let mut values: Vec<sea_orm::Value> = vec![tx.tenant_uuid().into(), true.into()];
    if active_only {
        sql.push_str(" AND u.status = 'active'");
    }
    if let Some(id) = user_id {
        sql.push_str(" AND u.id = $3");
        values.push(id.0.into());
    }
    let rows = conn
        .query_all_raw(crate::dialect::stmt(conn.get_database_backend(), &sql, values))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map_err(db_err))
        .collect()
}

/// Whether `user_id` holds the system `admin` role, directly or through a group.
pub async fn holds_admin(tx: &TenantTx, user_id: UserId) -> Result<bool, Error> {
    Ok(!admin_holders(tx, Some(user_id), false).await?.is_empty())
}

/// How many active users hold the system `admin` role, directly or through a group.
pub async fn count_active_admins(tx: &TenantTx) -> Result<usize, Error> {
    Ok(admin_holders(tx, None, true).await?.len())
}

/// Holds the tenant's access (who holds which role, group roles, memberships, role
/// permissions) until the transaction ends, so two concurrent changes cannot each pass the
/// grant or last-administrator check and together break it. On SQLite writers already run
/// one at a time.
pub async fn lock_access(tx: &TenantTx) -> Result<(), Error> {
    crate::dialect::lock_tenant_key(tx.conn(), tx.tenant(), "access")
        .await
        .map_err(db_err)
}

/// The display names of the roles `ids` of this tenant that exist, by id, in one query (for showing
/// names beside ids, e.g. in the audit log).
pub async fn names_of(tx: &TenantTx, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>, Error> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = role::Entity::find()
        .select_only()
        .column(role::Column::Id)
        .column(role::Column::DisplayName)
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}
