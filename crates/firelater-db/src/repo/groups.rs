//! Groups of a tenant, their members and the roles they hold. Groups form a forest through
//! `parent_id`; the hierarchy queries are recursive CTEs written once in `WITH RECURSIVE`
//! SQL, which SQLite and PostgreSQL both run.

use crate::dialect::stmt;
use crate::entities::{group, group_member, group_role, role, user};
use crate::repo::list::{contains_ci, page};
use crate::repo::roles::to_role;
use crate::repo::users::to_user;
use crate::{TenantTx, db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::enums::stored;
use firelater_core::groups::{Group, GroupType, MemberRole, Membership};
use firelater_core::ids::{GroupId, RoleId, UserId};
use firelater_core::list::{FilterValue, ListParams, Order, Page};
use firelater_core::roles::Role;
use firelater_core::users::User;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order as SeaOrder, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::str::FromStr;
use uuid::Uuid;

/// How deep the ancestor walk goes at most; a guard against a cycle a bug let through, far
/// beyond any real organisation chart.
const MAX_DEPTH: i64 = 1000;

/// A group to insert.
#[derive(Debug, Clone)]
pub struct NewGroupRow {
    /// Its id.
    pub id: GroupId,
    /// Name, unique in the tenant.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Kind.
    pub kind: GroupType,
    /// The parent group, in the same tenant.
    pub parent_id: Option<GroupId>,
    /// The managing user, in the same tenant.
    pub manager_id: Option<UserId>,
    /// The group's mailbox for notifications.
    pub email: Option<String>,
    /// Free-form settings object.
    pub settings: serde_json::Value,
}

fn name_taken(e: sea_orm::DbErr) -> Error {
    unique_err(e, "name", "name", "a group with this name already exists")
}

/// The service's view of a row.
fn to_group(m: group::Model) -> Result<Group, Error> {
    Ok(Group {
        id: GroupId(m.id),
        kind: stored("groups.type", &m.kind)?,
        name: m.name,
        description: m.description,
        parent_id: m.parent_id.map(GroupId),
        manager_id: m.manager_id.map(UserId),
        email: m.email,
        settings: m.settings,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_membership(m: group_member::Model) -> Result<Membership, Error> {
    Ok(Membership {
        group_id: GroupId(m.group_id),
        user_id: UserId(m.user_id),
        role: stored("group_members.role", &m.role)?,
        joined_at: m.joined_at,
    })
}

/// Inserts a group in the transaction's tenant; a taken name is a 409 on `name`.
pub async fn insert(tx: &TenantTx, row: NewGroupRow, now: DateTime<Utc>) -> Result<Group, Error> {
    group::ActiveModel {
        id: Set(row.id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(row.name),
        description: Set(row.description),
        kind: Set(row.kind.as_str().to_owned()),
        parent_id: Set(row.parent_id.map(|g| g.0)),
        manager_id: Set(row.manager_id.map(|u| u.0)),
        email: Set(row.email),
        settings: Set(row.settings),
    }
    .insert(tx.conn())
    .await
    .map_err(name_taken)
    .and_then(to_group)
}

/// The group with `id` in the transaction's tenant.
pub async fn find(tx: &TenantTx, id: GroupId) -> Result<Option<Group>, Error> {
    group::Entity::find_by_id(id.0)
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_group)
        .transpose()
}

/// The group named `name` (exactly) in the transaction's tenant.
pub async fn find_by_name(tx: &TenantTx, name: &str) -> Result<Option<Group>, Error> {
    group::Entity::find()
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group::Column::Name.eq(name))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_group)
        .transpose()
}

/// Lists the tenant's groups; `q` matches the name.
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<Group>, Error> {
    let mut select = group::Entity::find().filter(group::Column::TenantId.eq(tx.tenant_uuid()));
    if let Some(q) = &params.q {
        select = select.filter(contains_ci(group::Column::Name, q));
    }
    page(tx.conn(), select, params).await?.try_map(to_group)
}

/// The direct sub-groups of `id`.
pub async fn children(tx: &TenantTx, id: GroupId) -> Result<Vec<Group>, Error> {
    group::Entity::find()
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group::Column::ParentId.eq(id.0))
        .order_by_asc(group::Column::Id)
        .all(tx.conn())
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_group)
        .collect()
}

/// Changed columns of a group; `None` leaves a column as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct GroupChanges {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New type.
    pub kind: Option<GroupType>,
    /// New parent.
    pub parent_id: Option<Option<GroupId>>,
    /// New manager.
    pub manager_id: Option<Option<UserId>>,
    /// New email.
    pub email: Option<Option<String>>,
    /// New settings.
    pub settings: Option<serde_json::Value>,
}

/// Applies `changes` if the row is still at `expected_version` (when given), bumping the
/// version. Returns the new row, or `None` when no row matched.
pub async fn update(
    tx: &TenantTx,
    id: GroupId,
    expected_version: Option<i32>,
    changes: GroupChanges,
    now: DateTime<Utc>,
) -> Result<Option<Group>, Error> {
    let mut q = group::Entity::update_many()
        .col_expr(group::Column::Version, Expr::col(group::Column::Version).add(1))
        .col_expr(group::Column::UpdatedAt, Expr::value(now));
    if let Some(v) = changes.name {
        q = q.col_expr(group::Column::Name, Expr::value(v));
    }
    if let Some(v) = changes.description {
        q = q.col_expr(group::Column::Description, Expr::value(v));
    }
    if let Some(v) = changes.kind {
        q = q.col_expr(group::Column::Kind, Expr::value(v.as_str()));
    }
    if let Some(v) = changes.parent_id {
        q = q.col_expr(group::Column::ParentId, Expr::value(v.map(|g| g.0)));
    }
    if let Some(v) = changes.manager_id {
        q = q.col_expr(group::Column::ManagerId, Expr::value(v.map(|u| u.0)));
    }
    if let Some(v) = changes.email {
        q = q.col_expr(group::Column::Email, Expr::value(v));
    }
    if let Some(v) = changes.settings {
        q = q.col_expr(group::Column::Settings, Expr::value(v));
    }
    q = q
        .filter(group::Column::Id.eq(id.0))
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()));
    if let Some(v) = expected_version {
        q = q.filter(group::Column::Version.eq(v));
    }
    let res = q.exec(tx.conn()).await.map_err(name_taken)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(tx, id).await
}

/// Deletes a group; its memberships and role grants go with it, and its sub-groups lose
/// their parent. `false` when there was no such group.
pub async fn delete(tx: &TenantTx, id: GroupId) -> Result<bool, Error> {
    let res = group::Entity::delete_many()
        .filter(group::Column::Id.eq(id.0))
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// Holds the tenant's group hierarchy until the transaction ends, so two concurrent
/// re-parentings cannot each pass the cycle check and together close a loop.
pub async fn lock_hierarchy(tx: &TenantTx) -> Result<(), Error> {
    crate::dialect::lock_tenant_key(tx.conn(), tx.tenant(), "groups.hierarchy")
        .await
        .map_err(db_err)
}

/// The ids of `id`'s ancestors, its parent first and the root last; empty for a root or an
/// unknown group.
pub async fn ancestor_ids(tx: &TenantTx, id: GroupId) -> Result<Vec<GroupId>, Error> {
    let conn = tx.conn();
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "WITH RECURSIVE chain(id, parent_id, depth) AS (
               SELECT id, parent_id, 0 FROM groups WHERE tenant_id = $1 AND id = $2
               UNION ALL
               SELECT g.id, g.parent_id, c.depth + 1
               FROM groups g JOIN chain c ON g.id = c.parent_id
               WHERE g.tenant_id = $1 AND c.depth < $3
             )
             SELECT id FROM chain WHERE depth > 0 ORDER BY depth",
            vec![tx.tenant_uuid().into(), id.0.into(), MAX_DEPTH.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map(GroupId).map_err(db_err))
        .collect()
}

/// The ids of the users who are members of `group_id` or of any group below it, each once,
/// in id order. Memberships are returned whatever the user's status; callers that assign work
/// filter out inactive users themselves.
pub async fn member_ids_recursive(tx: &TenantTx, group_id: GroupId) -> Result<Vec<UserId>, Error> {
    let conn = tx.conn();
    // UNION (not UNION ALL) drops groups already visited, so even a cycle terminates.
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "WITH RECURSIVE tree(id) AS (
               SELECT id FROM groups WHERE tenant_id = $1 AND id = $2
               UNION
               SELECT g.id FROM groups g JOIN tree t ON g.parent_id = t.id WHERE g.tenant_id = $1
             )
             SELECT DISTINCT m.user_id AS user_id
             FROM group_members m JOIN tree t ON m.group_id = t.id
             WHERE m.tenant_id = $1
             ORDER BY m.user_id",
            vec![tx.tenant_uuid().into(), group_id.0.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "user_id").map(UserId).map_err(db_err))
        .collect()
}

/// A membership with its user.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// The membership.
    pub member: Membership,
    /// The member.
    pub user: User,
}

async fn with_users(tx: &TenantTx, members: Vec<group_member::Model>) -> Result<Vec<MemberRow>, Error> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(user::Column::Id.is_in(ids))
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    members
        .into_iter()
        .filter_map(|m| {
            let user = users.iter().find(|u| u.id == m.user_id)?.clone();
            Some((m, user))
        })
        .map(|(m, user)| {
            Ok(MemberRow {
                member: to_membership(m)?,
                user: to_user(user)?,
            })
        })
        .collect()
}

/// One page of `group_id`'s direct members with their users, sorted by `params.sort` with
/// the user id as tie-breaker.
pub async fn list_members(tx: &TenantTx, group_id: GroupId, params: &ListParams) -> Result<Page<MemberRow>, Error> {
    let mut select = group_member::Entity::find()
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::GroupId.eq(group_id.0));
    for f in &params.filters {
        let col = group_member::Column::from_str(f.column)
            .map_err(|_| Error::internal(format!("list spec names unknown column {}", f.column)))?;
        select = select.filter(match &f.value {
            FilterValue::AnyOf(vs) => col.is_in(vs.clone()),
            FilterValue::Text(v) => col.eq(v.clone()),
            FilterValue::Uuid(v) => col.eq(*v),
            FilterValue::Bool(v) => col.eq(*v),
            FilterValue::After(t) => col.gte(*t),
            FilterValue::Before(t) => col.lt(*t),
            FilterValue::JsonKey { .. } => return Err(Error::internal("members have no JSON filters")),
        });
    }
    let total = select.clone().count(tx.conn()).await.map_err(db_err)?;
    let order = match params.order {
        Order::Asc => SeaOrder::Asc,
        Order::Desc => SeaOrder::Desc,
    };
    let sort = group_member::Column::from_str(params.sort)
        .map_err(|_| Error::internal(format!("list spec names unknown column {}", params.sort)))?;
    let members = select
        .order_by(sort, order.clone())
        .order_by(group_member::Column::UserId, order)
        .offset(params.offset())
        .limit(params.per_page)
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(Page {
        items: with_users(tx, members).await?,
        page: params.page,
        per_page: params.per_page,
        total,
    })
}

/// The direct members of each of `group_ids` with their users, in join order.
pub async fn members_of_groups(tx: &TenantTx, group_ids: &[GroupId]) -> Result<Vec<MemberRow>, Error> {
    if group_ids.is_empty() {
        return Ok(Vec::new());
    }
    let members = group_member::Entity::find()
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::GroupId.is_in(group_ids.iter().map(|g| g.0)))
        .order_by_asc(group_member::Column::JoinedAt)
        .order_by_asc(group_member::Column::UserId)
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    with_users(tx, members).await
}

/// The membership of `user_id` in `group_id`, if any.
pub async fn find_member(tx: &TenantTx, group_id: GroupId, user_id: UserId) -> Result<Option<Membership>, Error> {
    group_member::Entity::find()
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::GroupId.eq(group_id.0))
        .filter(group_member::Column::UserId.eq(user_id.0))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_membership)
        .transpose()
}

/// Adds `user_id` to `group_id` as `role`; a second membership is a 409 on `user_id`.
pub async fn add_member(
    tx: &TenantTx,
    group_id: GroupId,
    user_id: UserId,
    role: MemberRole,
    now: DateTime<Utc>,
) -> Result<Membership, Error> {
    group_member::ActiveModel {
        tenant_id: Set(tx.tenant_uuid()),
        group_id: Set(group_id.0),
        user_id: Set(user_id.0),
        role: Set(role.as_str().to_owned()),
        joined_at: Set(now),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| unique_err(e, "user_id", "user_id", "the user is already a member of this group"))
    .and_then(to_membership)
}

/// Sets the role of `user_id` in `group_id`; `None` when they are not a member.
pub async fn set_member_role(
    tx: &TenantTx,
    group_id: GroupId,
    user_id: UserId,
    role: MemberRole,
) -> Result<Option<Membership>, Error> {
    let res = group_member::Entity::update_many()
        .col_expr(group_member::Column::Role, Expr::value(role.as_str()))
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::GroupId.eq(group_id.0))
        .filter(group_member::Column::UserId.eq(user_id.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find_member(tx, group_id, user_id).await
}

/// Removes `user_id` from `group_id`; `false` when they were not a member.
pub async fn remove_member(tx: &TenantTx, group_id: GroupId, user_id: UserId) -> Result<bool, Error> {
    let res = group_member::Entity::delete_many()
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::GroupId.eq(group_id.0))
        .filter(group_member::Column::UserId.eq(user_id.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// A group with the role one user holds in it.
#[derive(Debug, Clone)]
pub struct MembershipRow {
    /// The group.
    pub group: Group,
    /// The user's role in it.
    pub role: MemberRole,
    /// When the user joined.
    pub joined_at: DateTime<Utc>,
}

/// One page of the groups `user_id` is a direct member of.
pub async fn groups_of_user(tx: &TenantTx, user_id: UserId, params: &ListParams) -> Result<Page<MembershipRow>, Error> {
    let user_id = user_id.0;
    let mine = Query::select()
        .column(group_member::Column::GroupId)
        .from(group_member::Entity)
        .and_where(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .and_where(group_member::Column::UserId.eq(user_id))
        .to_owned();
    let select = group::Entity::find()
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group::Column::Id.in_subquery(mine));
    let groups = page(tx.conn(), select, params).await?;
    let ids: Vec<Uuid> = groups.items.iter().map(|g| g.id).collect();
    let links = group_member::Entity::find()
        .filter(group_member::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_member::Column::UserId.eq(user_id))
        .filter(group_member::Column::GroupId.is_in(ids))
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(groups.items.len());
    for g in &groups.items {
        let link = links
            .iter()
            .find(|l| l.group_id == g.id)
            .ok_or_else(|| Error::internal("membership vanished inside its transaction"))?;
        out.push(MembershipRow {
            group: to_group(g.clone())?,
            role: stored("group_members.role", &link.role)?,
            joined_at: link.joined_at,
        });
    }
    Ok(Page {
        items: out,
        page: groups.page,
        per_page: groups.per_page,
        total: groups.total,
    })
}

/// The roles `group_id` holds, by name.
pub async fn roles_of_group(tx: &TenantTx, group_id: GroupId) -> Result<Vec<Role>, Error> {
    let held = Query::select()
        .column(group_role::Column::RoleId)
        .from(group_role::Entity)
        .and_where(group_role::Column::TenantId.eq(tx.tenant_uuid()))
        .and_where(group_role::Column::GroupId.eq(group_id.0))
        .to_owned();
    role::Entity::find()
        .filter(role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(role::Column::Id.in_subquery(held))
        .order_by_asc(role::Column::Name)
        .all(tx.conn())
        .await
        .map_err(db_err)
        .map(|rs| rs.into_iter().map(to_role).collect())
}

/// Makes `role_ids` the exact set of roles `group_id` holds: grants the missing ones and
/// revokes the others.
pub async fn set_roles(
    tx: &TenantTx,
    group_id: GroupId,
    role_ids: &[RoleId],
    granted_by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let group_id = group_id.0;
    let role_ids: Vec<Uuid> = role_ids.iter().map(|r| r.0).collect();
    let granted_by = granted_by.map(|u| u.0);
    group_role::Entity::delete_many()
        .filter(group_role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_role::Column::GroupId.eq(group_id))
        .filter(group_role::Column::RoleId.is_not_in(role_ids.to_vec()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    let held: Vec<Uuid> = group_role::Entity::find()
        .select_only()
        .column(group_role::Column::RoleId)
        .filter(group_role::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group_role::Column::GroupId.eq(group_id))
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    for role_id in role_ids.iter().filter(|r| !held.contains(r)) {
        group_role::ActiveModel {
            tenant_id: Set(tx.tenant_uuid()),
            group_id: Set(group_id),
            role_id: Set(*role_id),
            granted_by: Set(granted_by),
            granted_at: Set(now),
        }
        .insert(tx.conn())
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// The names of the groups `ids` of this tenant that exist, by id, in one query (for showing
/// names beside ids, e.g. in the audit log).
pub async fn names_of(tx: &TenantTx, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>, Error> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = group::Entity::find()
        .select_only()
        .column(group::Column::Id)
        .column(group::Column::Name)
        .filter(group::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(group::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}
