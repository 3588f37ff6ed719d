//! Business services, their relationships and stakeholders, and the applications that realise
//! them. A soft-deleted service (`deleted_at` set) is invisible here: not found, not listed,
//! not changed, left out of roll-ups and of the other end of links. The hierarchy queries are
//! recursive CTEs written once in `WITH RECURSIVE` for both backends.

use crate::dialect::stmt;
use crate::entities::{application, application_service, service, service_relationship, service_stakeholder, user};
use crate::repo::list::{contains_ci, page};
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::applications::{ApplicationStatus, Tier};
use firelater_core::enums::stored;
use firelater_core::ids::{ApplicationId, ServiceId, ServiceRelationshipId, ServiceStakeholderId, UserId};
use firelater_core::list::{FilterValue, ListParams, Page};
use firelater_core::services::{
    ApplicationSummary, RollupNode, Service, ServiceRelationship, ServiceRelationshipType, ServiceStakeholder,
    ServiceStatus, ServiceSummary, ServiceType, StakeholderRole,
};
use firelater_core::users::User;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

/// The list filter's pseudo-column that selects top-level services (`root=true`) or the
/// others (`root=false`).
pub const ROOT_COLUMN: &str = "root";

/// The deepest a service tree is followed; deeper than any real portfolio, and a bound on a
/// corrupted (cyclic) tree.
pub const MAX_DEPTH: i32 = 64;

fn to_service(m: service::Model) -> Result<Service, Error> {
    Ok(Service {
        id: ServiceId(m.id),
        kind: stored::<ServiceType>("services.type", &m.kind)?,
        status: stored::<ServiceStatus>("services.status", &m.status)?,
        number: m.number,
        name: m.name,
        description: m.description,
        domain: m.domain,
        parent_service_id: m.parent_service_id.map(ServiceId),
        owner_id: UserId(m.owner_id),
        manager_id: m.manager_id.map(UserId),
        sla_target: m.sla_target,
        cost_people: m.cost_people,
        cost_process: m.cost_process,
        cost_technology: m.cost_technology,
        metadata: m.metadata,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        created_by: m.created_by.map(UserId),
        updated_by: m.updated_by.map(UserId),
    })
}

fn to_summary(m: &service::Model) -> Result<ServiceSummary, Error> {
    Ok(ServiceSummary {
        id: ServiceId(m.id),
        number: m.number.clone(),
        name: m.name.clone(),
        kind: stored::<ServiceType>("services.type", &m.kind)?,
        status: stored::<ServiceStatus>("services.status", &m.status)?,
    })
}

fn to_relationship(m: service_relationship::Model) -> Result<ServiceRelationship, Error> {
    Ok(ServiceRelationship {
        id: ServiceRelationshipId(m.id),
        source_service_id: ServiceId(m.source_service_id),
        target_service_id: ServiceId(m.target_service_id),
        relationship_type: stored::<ServiceRelationshipType>(
            "service_relationships.relationship_type",
            &m.relationship_type,
        )?,
        description: m.description,
        created_at: m.created_at,
        created_by: m.created_by.map(UserId),
    })
}

fn to_stakeholder(m: service_stakeholder::Model) -> Result<ServiceStakeholder, Error> {
    Ok(ServiceStakeholder {
        id: ServiceStakeholderId(m.id),
        service_id: ServiceId(m.service_id),
        user_id: UserId(m.user_id),
        role: stored::<StakeholderRole>("service_stakeholders.role", &m.role)?,
        created_at: m.created_at,
        created_by: m.created_by.map(UserId),
    })
}

/// The columns of a service a write sets (all but the bookkeeping ones).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Domain.
    pub domain: Option<String>,
    /// Type.
    pub kind: ServiceType,
    /// Parent, a live service of the tenant.
    pub parent_service_id: Option<ServiceId>,
    /// Status.
    pub status: ServiceStatus,
    /// Owner, a user of the tenant.
    pub owner_id: UserId,
    /// Manager, a user of the tenant.
    pub manager_id: Option<UserId>,
    /// SLA target, hundredths of a percent.
    pub sla_target: Option<i32>,
    /// Cents.
    pub cost_people: i64,
    /// Cents.
    pub cost_process: i64,
    /// Cents.
    pub cost_technology: i64,
    /// Metadata object.
    pub metadata: Value,
}

impl ServiceRow {
    /// The row of an existing service.
    pub fn of(s: &Service) -> Self {
        Self {
            name: s.name.clone(),
            description: s.description.clone(),
            domain: s.domain.clone(),
            kind: s.kind,
            parent_service_id: s.parent_service_id,
            status: s.status,
            owner_id: s.owner_id,
            manager_id: s.manager_id,
            sla_target: s.sla_target,
            cost_people: s.cost_people,
            cost_process: s.cost_process,
            cost_technology: s.cost_technology,
            metadata: s.metadata.clone(),
        }
    }

    fn total_cost(&self) -> i64 {
        self.cost_people + self.cost_process + self.cost_technology
    }
}

/// Inserts a service numbered `number` in the transaction's tenant.
pub async fn insert(
    tx: &TenantTx,
    id: ServiceId,
    number: String,
    row: ServiceRow,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Service, Error> {
    service::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        number: Set(number),
        total_cost: Set(row.total_cost()),
        name: Set(row.name),
        description: Set(row.description),
        domain: Set(row.domain),
        kind: Set(row.kind.as_str().to_owned()),
        parent_service_id: Set(row.parent_service_id.map(|p| p.0)),
        status: Set(row.status.as_str().to_owned()),
        owner_id: Set(row.owner_id.0),
        manager_id: Set(row.manager_id.map(|u| u.0)),
        sla_target: Set(row.sla_target),
        cost_people: Set(row.cost_people),
        cost_process: Set(row.cost_process),
        cost_technology: Set(row.cost_technology),
        metadata: Set(row.metadata),
        created_by: Set(by.map(|u| u.0)),
        updated_by: Set(by.map(|u| u.0)),
        deleted_at: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .and_then(to_service)
}

/// The live service `id` in the transaction's tenant.
pub async fn find(tx: &TenantTx, id: ServiceId) -> Result<Option<Service>, Error> {
    service::Entity::find_by_id(id.0)
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_service)
        .transpose()
}

/// The live service numbered `number` (`SRV-00001`) of the transaction's tenant.
pub async fn find_by_number(tx: &TenantTx, number: &str) -> Result<Option<Service>, Error> {
    service::Entity::find()
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::Number.eq(number))
        .filter(service::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_service)
        .transpose()
}

fn live_ids(tx: &TenantTx) -> SelectStatement {
    Query::select()
        .column(service::Column::Id)
        .from(service::Entity)
        .and_where(service::Column::TenantId.eq(tx.tenant_uuid()))
        .and_where(service::Column::DeletedAt.is_null())
        .to_owned()
}

/// Lists the tenant's live services; `q` matches the name, the description or the number,
/// the [`ROOT_COLUMN`] filter the top-level services (or, false, the others).
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<Service>, Error> {
    let mut select = service::Entity::find()
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::DeletedAt.is_null());
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(service::Column::Name, q))
                .add(contains_ci(service::Column::Description, q))
                .add(contains_ci(service::Column::Number, q)),
        );
    }
    for f in params.filters.iter().filter(|f| f.column == ROOT_COLUMN) {
        if let FilterValue::Bool(root) = f.value {
            select = select.filter(if root {
                service::Column::ParentServiceId.is_null()
            } else {
                service::Column::ParentServiceId.is_not_null()
            });
        }
    }
    let mut rest = params.clone();
    rest.filters.retain(|f| f.column != ROOT_COLUMN);
    page(tx.conn(), select, &rest).await?.try_map(to_service)
}

/// Writes `row` over the live service `id` if it is still at `expected_version`, bumping the
/// version. Returns the new row, or `None` when no row matched.
pub async fn update(
    tx: &TenantTx,
    id: ServiceId,
    expected_version: i32,
    row: ServiceRow,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Option<Service>, Error> {
    use service::Column as C;
    let total = row.total_cost();
    let res = service::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(by.map(|u| u.0)))
        .col_expr(C::Name, Expr::value(row.name))
        .col_expr(C::Description, Expr::value(row.description))
        .col_expr(C::Domain, Expr::value(row.domain))
        .col_expr(C::Kind, Expr::value(row.kind.as_str()))
        .col_expr(C::ParentServiceId, Expr::value(row.parent_service_id.map(|p| p.0)))
        .col_expr(C::Status, Expr::value(row.status.as_str()))
        .col_expr(C::OwnerId, Expr::value(row.owner_id.0))
        .col_expr(C::ManagerId, Expr::value(row.manager_id.map(|u| u.0)))
        .col_expr(C::SlaTarget, Expr::value(row.sla_target))
        .col_expr(C::CostPeople, Expr::value(row.cost_people))
        .col_expr(C::CostProcess, Expr::value(row.cost_process))
        .col_expr(C::CostTechnology, Expr::value(row.cost_technology))
        .col_expr(C::TotalCost, Expr::value(total))
        .col_expr(C::Metadata, Expr::value(row.metadata))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null())
        .filter(C::Version.eq(expected_version))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(tx, id).await
}

/// Soft-deletes the live service `id`. `false` when there was no such service.
pub async fn soft_delete(tx: &TenantTx, id: ServiceId, by: Option<UserId>, now: DateTime<Utc>) -> Result<bool, Error> {
    use service::Column as C;
    let res = service::Entity::update_many()
        .col_expr(C::DeletedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(by.map(|u| u.0)))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// Whether `id` has a live child service.
pub async fn has_live_children(tx: &TenantTx, id: ServiceId) -> Result<bool, Error> {
    service::Entity::find()
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::ParentServiceId.eq(id.0))
        .filter(service::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)
        .map(|c| c.is_some())
}

/// Holds the tenant's service hierarchy until the transaction ends, so two concurrent
/// re-parentings cannot each pass the cycle check and together close a loop.
pub async fn lock_hierarchy(tx: &TenantTx) -> Result<(), Error> {
    crate::dialect::lock_tenant_key(tx.conn(), tx.tenant(), "services.hierarchy")
        .await
        .map_err(db_err)
}

/// The ids of `id`'s ancestors, its parent first and the root last; empty for a root or an
/// unknown service.
pub async fn ancestor_ids(tx: &TenantTx, id: ServiceId) -> Result<Vec<ServiceId>, Error> {
    let conn = tx.conn();
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "WITH RECURSIVE chain(id, parent_service_id, depth) AS (
               SELECT id, parent_service_id, 0 FROM services WHERE tenant_id = $1 AND id = $2
               UNION ALL
               SELECT s.id, s.parent_service_id, c.depth + 1
               FROM services s JOIN chain c ON s.id = c.parent_service_id
               WHERE s.tenant_id = $1 AND c.depth < $3
             )
             SELECT id FROM chain WHERE depth > 0 ORDER BY depth",
            vec![tx.tenant_uuid().into(), id.0.into(), MAX_DEPTH.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| r.try_get::<Uuid>("", "id").map(ServiceId).map_err(db_err))
        .collect()
}

/// The live service `id` and all its live descendants (a deleted service hides its subtree),
/// in one recursive query, ordered by number.
pub async fn subtree(tx: &TenantTx, id: ServiceId) -> Result<Vec<RollupNode>, Error> {
    let conn = tx.conn();
    // UNION (not UNION ALL) drops services already visited, so even a cycle terminates.
    let rows = conn
        .query_all_raw(stmt(
            conn.get_database_backend(),
            "WITH RECURSIVE tree(id) AS (
               SELECT id FROM services WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
               UNION
               SELECT s.id FROM services s JOIN tree t ON s.parent_service_id = t.id
               WHERE s.tenant_id = $1 AND s.deleted_at IS NULL
             )
             SELECT s.id, s.parent_service_id, s.cost_people, s.cost_process, s.cost_technology, s.status
             FROM services s JOIN tree t ON s.id = t.id
             WHERE s.tenant_id = $1
             ORDER BY s.number, s.id",
            vec![tx.tenant_uuid().into(), id.0.into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("", "status").map_err(db_err)?;
            Ok(RollupNode {
                id: ServiceId(r.try_get("", "id").map_err(db_err)?),
                parent: r
                    .try_get::<Option<Uuid>>("", "parent_service_id")
                    .map_err(db_err)?
                    .map(ServiceId),
                cost_people: r.try_get("", "cost_people").map_err(db_err)?,
                cost_process: r.try_get("", "cost_process").map_err(db_err)?,
                cost_technology: r.try_get("", "cost_technology").map_err(db_err)?,
                status: stored::<ServiceStatus>("services.status", &status)?,
            })
        })
        .collect()
}

/// The live services among `ids`, in short.
pub async fn summaries(tx: &TenantTx, ids: Vec<Uuid>) -> Result<Vec<ServiceSummary>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    service::Entity::find()
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::DeletedAt.is_null())
        .filter(service::Column::Id.is_in(ids))
        .all(tx.conn())
        .await
        .map_err(db_err)?
        .iter()
        .map(to_summary)
        .collect()
}

/// A relationship with the service at its other end.
#[derive(Debug, Clone)]
pub struct RelationshipRow {
    /// The link.
    pub relationship: ServiceRelationship,
    /// The service at the other end from the one listed.
    pub related: ServiceSummary,
}

/// Whether the link `source` → `target` of `kind` exists.
pub async fn relationship_exists(
    tx: &TenantTx,
    source: ServiceId,
    target: ServiceId,
    kind: ServiceRelationshipType,
) -> Result<bool, Error> {
    use service_relationship::Column as C;
    service_relationship::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::SourceServiceId.eq(source.0))
        .filter(C::TargetServiceId.eq(target.0))
        .filter(C::RelationshipType.eq(kind.as_str()))
        .one(tx.conn())
        .await
        .map_err(db_err)
        .map(|r| r.is_some())
}

/// Inserts a relationship.
pub async fn insert_relationship(
    tx: &TenantTx,
    source: ServiceId,
    target: ServiceId,
    kind: ServiceRelationshipType,
    description: Option<String>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<ServiceRelationship, Error> {
    service_relationship::ActiveModel {
        id: Set(ServiceRelationshipId::new().0),
        tenant_id: Set(tx.tenant_uuid()),
        created_at: Set(now),
        created_by: Set(by.map(|u| u.0)),
        source_service_id: Set(source.0),
        target_service_id: Set(target.0),
        relationship_type: Set(kind.as_str().to_owned()),
        description: Set(description),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .and_then(to_relationship)
}

/// The relationship `id` that starts or ends at `service`.
pub async fn find_relationship(
    tx: &TenantTx,
    service: ServiceId,
    id: ServiceRelationshipId,
) -> Result<Option<ServiceRelationship>, Error> {
    use service_relationship::Column as C;
    service_relationship::Entity::find_by_id(id.0)
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(
            Condition::any()
                .add(C::SourceServiceId.eq(service.0))
                .add(C::TargetServiceId.eq(service.0)),
        )
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_relationship)
        .transpose()
}

/// Deletes relationship `id`; `false` when there was none.
pub async fn delete_relationship(tx: &TenantTx, id: ServiceRelationshipId) -> Result<bool, Error> {
    let res = service_relationship::Entity::delete_many()
        .filter(service_relationship::Column::Id.eq(id.0))
        .filter(service_relationship::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// One page of the relationships that start or end at `service` and whose other end is live,
/// each with that other end.
pub async fn list_relationships(
    tx: &TenantTx,
    service: ServiceId,
    params: &ListParams,
) -> Result<Page<RelationshipRow>, Error> {
    use service_relationship::Column as C;
    let select = service_relationship::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(
            Condition::any()
                .add(C::SourceServiceId.eq(service.0))
                .add(C::TargetServiceId.eq(service.0)),
        )
        .filter(C::SourceServiceId.in_subquery(live_ids(tx)))
        .filter(C::TargetServiceId.in_subquery(live_ids(tx)));
    let links = page(tx.conn(), select, params).await?.try_map(to_relationship)?;
    let others: Vec<Uuid> = links
        .items
        .iter()
        .map(|l| {
            if l.source_service_id == service {
                l.target_service_id.0
            } else {
                l.source_service_id.0
            }
        })
        .collect();
    let related = summaries(tx, others).await?;
    let mut items = Vec::with_capacity(links.items.len());
    for l in links.items {
        let other = if l.source_service_id == service {
            l.target_service_id
        } else {
            l.source_service_id
        };
        let related = related
            .iter()
            .find(|s| s.id == other)
            .cloned()
            .ok_or_else(|| Error::internal("a related service vanished inside its transaction"))?;
        items.push(RelationshipRow {
            relationship: l,
            related,
        });
    }
    Ok(Page {
        items,
        page: links.page,
        per_page: links.per_page,
        total: links.total,
    })
}

/// A stakeholder with their user.
#[derive(Debug, Clone)]
pub struct StakeholderRow {
    /// The stakeholder entry.
    pub stakeholder: ServiceStakeholder,
    /// The user.
    pub user: User,
}

/// Whether `user` already has `role` in `service`.
pub async fn stakeholder_exists(
    tx: &TenantTx,
    service: ServiceId,
    user: UserId,
    role: StakeholderRole,
) -> Result<bool, Error> {
    use service_stakeholder::Column as C;
    service_stakeholder::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ServiceId.eq(service.0))
        .filter(C::UserId.eq(user.0))
        .filter(C::Role.eq(role.as_str()))
        .one(tx.conn())
        .await
        .map_err(db_err)
        .map(|r| r.is_some())
}

/// Inserts a stakeholder.
pub async fn insert_stakeholder(
    tx: &TenantTx,
    service: ServiceId,
    user: UserId,
    role: StakeholderRole,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<ServiceStakeholder, Error> {
    service_stakeholder::ActiveModel {
        id: Set(ServiceStakeholderId::new().0),
        tenant_id: Set(tx.tenant_uuid()),
        created_at: Set(now),
        created_by: Set(by.map(|u| u.0)),
        service_id: Set(service.0),
        user_id: Set(user.0),
        role: Set(role.as_str().to_owned()),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .and_then(to_stakeholder)
}

/// The stakeholder entry `id` of `service`.
pub async fn find_stakeholder(
    tx: &TenantTx,
    service: ServiceId,
    id: ServiceStakeholderId,
) -> Result<Option<ServiceStakeholder>, Error> {
    use service_stakeholder::Column as C;
    service_stakeholder::Entity::find_by_id(id.0)
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ServiceId.eq(service.0))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_stakeholder)
        .transpose()
}

/// Deletes stakeholder entry `id`; `false` when there was none.
pub async fn delete_stakeholder(tx: &TenantTx, id: ServiceStakeholderId) -> Result<bool, Error> {
    let res = service_stakeholder::Entity::delete_many()
        .filter(service_stakeholder::Column::Id.eq(id.0))
        .filter(service_stakeholder::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// One page of `service`'s stakeholders, each with their user.
pub async fn list_stakeholders(
    tx: &TenantTx,
    service: ServiceId,
    params: &ListParams,
) -> Result<Page<StakeholderRow>, Error> {
    use service_stakeholder::Column as C;
    let select = service_stakeholder::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ServiceId.eq(service.0));
    let entries = page(tx.conn(), select, params).await?.try_map(to_stakeholder)?;
    let ids: Vec<Uuid> = entries.items.iter().map(|s| s.user_id.0).collect();
    let users = if ids.is_empty() {
        Vec::new()
    } else {
        user::Entity::find()
            .filter(user::Column::TenantId.eq(tx.tenant_uuid()))
            .filter(user::Column::Id.is_in(ids))
            .all(tx.conn())
            .await
            .map_err(db_err)?
    };
    let mut items = Vec::with_capacity(entries.items.len());
    for s in entries.items {
        let u = users
            .iter()
            .find(|u| u.id == s.user_id.0)
            .cloned()
            .ok_or_else(|| Error::internal("a stakeholder's user vanished inside its transaction"))?;
        items.push(StakeholderRow {
            stakeholder: s,
            user: crate::repo::users::to_user(u)?,
        });
    }
    Ok(Page {
        items,
        page: entries.page,
        per_page: entries.per_page,
        total: entries.total,
    })
}

/// Whether `application` realises `service`.
pub async fn is_linked(tx: &TenantTx, application: ApplicationId, service: ServiceId) -> Result<bool, Error> {
    use application_service::Column as C;
    application_service::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ApplicationId.eq(application.0))
        .filter(C::ServiceId.eq(service.0))
        .one(tx.conn())
        .await
        .map_err(db_err)
        .map(|r| r.is_some())
}

/// Records that `application` realises `service`.
pub async fn link(
    tx: &TenantTx,
    application: ApplicationId,
    service: ServiceId,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    application_service::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_uuid()),
        created_at: Set(now),
        created_by: Set(by.map(|u| u.0)),
        application_id: Set(application.0),
        service_id: Set(service.0),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .map(|_| ())
}

/// Removes the link of `application` to `service`; `false` when there was none.
pub async fn unlink(tx: &TenantTx, application: ApplicationId, service: ServiceId) -> Result<bool, Error> {
    use application_service::Column as C;
    let res = application_service::Entity::delete_many()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ApplicationId.eq(application.0))
        .filter(C::ServiceId.eq(service.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// One page of the live services `application` realises, in short.
pub async fn services_of_application(
    tx: &TenantTx,
    application: ApplicationId,
    params: &ListParams,
) -> Result<Page<ServiceSummary>, Error> {
    use application_service::Column as C;
    let linked = Query::select()
        .column(C::ServiceId)
        .from(application_service::Entity)
        .and_where(C::TenantId.eq(tx.tenant_uuid()))
        .and_where(C::ApplicationId.eq(application.0))
        .to_owned();
    let select = service::Entity::find()
        .filter(service::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(service::Column::DeletedAt.is_null())
        .filter(service::Column::Id.in_subquery(linked));
    page(tx.conn(), select, params).await?.try_map(|m| to_summary(&m))
}

/// One page of the live applications that realise `service`, in short.
pub async fn applications_of_service(
    tx: &TenantTx,
    service: ServiceId,
    params: &ListParams,
) -> Result<Page<ApplicationSummary>, Error> {
    use application_service::Column as C;
    let linked = Query::select()
        .column(C::ApplicationId)
        .from(application_service::Entity)
        .and_where(C::TenantId.eq(tx.tenant_uuid()))
        .and_where(C::ServiceId.eq(service.0))
        .to_owned();
    let select = application::Entity::find()
        .filter(application::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(application::Column::DeletedAt.is_null())
        .filter(application::Column::Id.in_subquery(linked));
    page(tx.conn(), select, params).await?.try_map(|m| {
        Ok(ApplicationSummary {
            id: ApplicationId(m.id),
            tier: stored::<Tier>("applications.tier", &m.tier)?,
            status: stored::<ApplicationStatus>("applications.status", &m.status)?,
            app_id: m.app_id,
            name: m.name,
        })
    })
}
