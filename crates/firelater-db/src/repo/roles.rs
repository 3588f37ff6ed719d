//! Roles, their permissions and who holds them.

use crate::entities::{role, role_permission, user_role};
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::{Error, SystemRole};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, Set};
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

/// The role called `name`.
pub async fn find_by_name(tx: &TenantTx, name: &str) -> Result<Option<role::Model>, Error> {
    role::Entity::find()
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Name.eq(name))
        .one(tx.conn())
        .await
        .map_err(db_err)
}

/// Grants `role_id` to `user_id`; granting twice is a no-op.
pub async fn grant(
    tx: &TenantTx,
    user_id: Uuid,
    role_id: Uuid,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    user_role::Entity::insert(user_role::ActiveModel {
        tenant_id: Set(tx.tenant_uuid()),
        user_id: Set(user_id),
        role_id: Set(role_id),
        granted_by: Set(granted_by),
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
pub async fn roles_of_users(tx: &TenantTx, user_ids: &[Uuid]) -> Result<Vec<(Uuid, role::Model)>, Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let links = user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_role::Column::UserId.is_in(user_ids.to_vec()))
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
        .filter_map(|l| roles.iter().find(|r| r.id == l.role_id).map(|r| (l.user_id, r.clone())))
        .collect())
}

/// The permission keys granted to `user_id` by all their roles.
pub async fn permission_keys_of(tx: &TenantTx, user_id: Uuid) -> Result<Vec<String>, Error> {
    let keys: Vec<String> = role_permission::Entity::find()
        .select_only()
        .column(role_permission::Column::Permission)
        .join(
            JoinType::InnerJoin,
            role_permission::Entity::belongs_to(user_role::Entity)
                .from(role_permission::Column::RoleId)
                .to(user_role::Column::RoleId)
                .into(),
        )
        .filter(role_permission::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user_role::Column::UserId.eq(user_id))
        .distinct()
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(keys)
}
