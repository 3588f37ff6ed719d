//! The CMDB's classes, configuration items and relationships, and the one recursive query
//! that walks relationships for impact analysis and neighbourhood graphs. A soft-deleted CI
//! (`deleted_at` set) is invisible here: not found, not listed, not walked through; its
//! relationship rows stay but every read joins them to live CIs at both ends.

use crate::dialect::stmt;
use crate::entities::{ci_class, ci_relationship, configuration_item};
use crate::repo::list::{contains_ci, page};
use crate::{TenantTx, db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::cmdb::impact::WalkRow;
use firelater_core::cmdb::{
    CiClass, CiEnvironment, CiRelationship, CiStatus, CiSummary, ConfigItem, RelationshipDirection, RelationshipType,
};
use firelater_core::enums::stored;
use firelater_core::ids::{ApplicationId, CiClassId, CiId, CiRelationshipId, UserId};
use firelater_core::list::{FilterValue, ListParams, Page};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryResult, QuerySelect, Set,
};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// The list filter's pseudo-column that selects relationships with this CI at either end.
pub const EITHER_END_COLUMN: &str = "ci_id";

// ---------------------------------------------------------------- classes

fn to_class(m: ci_class::Model, ci_count: u64) -> CiClass {
    CiClass {
        id: CiClassId(m.id),
        name: m.name,
        label: m.label,
        description: m.description,
        attribute_schema: m.attribute_schema,
        ci_count,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The columns of a class a write sets.
#[derive(Debug, Clone)]
pub struct ClassRow {
    /// Slug, unique in the tenant.
    pub name: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: Option<String>,
    /// Attribute schema.
    pub attribute_schema: Option<Value>,
}

impl ClassRow {
    /// The row of an existing class.
    pub fn of(c: &CiClass) -> Self {
        Self {
            name: c.name.clone(),
            label: c.label.clone(),
            description: c.description.clone(),
            attribute_schema: c.attribute_schema.clone(),
        }
    }
}

fn class_name_taken(e: sea_orm::DbErr) -> Error {
    unique_err(e, "name", "name", "another class has this name")
}

/// Live CIs per class name, for the classes named.
async fn counts(tx: &TenantTx, names: &[String]) -> Result<HashMap<String, u64>, Error> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    use configuration_item::Column as C;
    let rows: Vec<(String, i64)> = configuration_item::Entity::find()
        .select_only()
        .column(C::CiClass)
        .column_as(C::Id.count(), "n")
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null())
        .filter(C::CiClass.is_in(names.to_vec()))
        .group_by(C::CiClass)
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
        .collect())
}

async fn with_count(tx: &TenantTx, m: ci_class::Model) -> Result<CiClass, Error> {
    let n = counts(tx, std::slice::from_ref(&m.name))
        .await?
        .get(&m.name)
        .copied()
        .unwrap_or(0);
    Ok(to_class(m, n))
}

/// Inserts a class; a taken name is a 409 on `name`.
pub async fn insert_class(tx: &TenantTx, id: CiClassId, row: ClassRow, now: DateTime<Utc>) -> Result<CiClass, Error> {
    let m = ci_class::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(row.name),
        label: Set(row.label),
        description: Set(row.description),
        attribute_schema: Set(row.attribute_schema),
    }
    .insert(tx.conn())
    .await
    .map_err(class_name_taken)?;
    Ok(to_class(m, 0))
}

/// Seeds the classes every tenant starts with, for a tenant being created.
pub async fn seed_classes(tx: &TenantTx, now: DateTime<Utc>) -> Result<(), Error> {
    for c in firelater_core::cmdb::SEEDED_CLASSES {
        let schema = c
            .schema
            .map(serde_json::from_str::<Value>)
            .transpose()
            .map_err(|e| Error::internal(format!("seeded class {}: {e}", c.name)))?;
        insert_class(
            tx,
            CiClassId::new(),
            ClassRow {
                name: c.name.to_owned(),
                label: c.label.to_owned(),
                description: Some(c.description.to_owned()),
                attribute_schema: schema,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// The class `id` of the transaction's tenant.
pub async fn find_class(tx: &TenantTx, id: CiClassId) -> Result<Option<CiClass>, Error> {
    let m = ci_class::Entity::find_by_id(id.0)
        .filter(ci_class::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)?;
    match m {
        Some(m) => Ok(Some(with_count(tx, m).await?)),
        None => Ok(None),
    }
}

/// The class called `name` in the transaction's tenant (its `ci_count` left at 0).
pub async fn find_class_by_name(tx: &TenantTx, name: &str) -> Result<Option<CiClass>, Error> {
    Ok(ci_class::Entity::find()
        .filter(ci_class::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(ci_class::Column::Name.eq(name))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(|m| to_class(m, 0)))
}

/// Lists the tenant's classes with their live CI counts; `q` matches name or label.
pub async fn list_classes(tx: &TenantTx, params: &ListParams) -> Result<Page<CiClass>, Error> {
    let mut select = ci_class::Entity::find().filter(ci_class::Column::TenantId.eq(tx.tenant_uuid()));
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(ci_class::Column::Name, q))
                .add(contains_ci(ci_class::Column::Label, q)),
        );
    }
    let p = page(tx.conn(), select, params).await?;
    let names: Vec<String> = p.items.iter().map(|m| m.name.clone()).collect();
    let counts = counts(tx, &names).await?;
    Ok(p.map(|m| {
        let n = counts.get(&m.name).copied().unwrap_or(0);
        to_class(m, n)
    }))
}

/// Writes `row` over class `id` if still at `expected_version`; `None` when no row matched.
pub async fn update_class(
    tx: &TenantTx,
    id: CiClassId,
    expected_version: i32,
    row: ClassRow,
    now: DateTime<Utc>,
) -> Result<Option<CiClass>, Error> {
    use ci_class::Column as C;
    let res = ci_class::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Name, Expr::value(row.name))
        .col_expr(C::Label, Expr::value(row.label))
        .col_expr(C::Description, Expr::value(row.description))
        .col_expr(C::AttributeSchema, Expr::value(row.attribute_schema))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::Version.eq(expected_version))
        .exec(tx.conn())
        .await
        .map_err(class_name_taken)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find_class(tx, id).await
}

/// Deletes class `id`; `false` when there was none.
pub async fn delete_class(tx: &TenantTx, id: CiClassId) -> Result<bool, Error> {
    let res = ci_class::Entity::delete_many()
        .filter(ci_class::Column::Id.eq(id.0))
        .filter(ci_class::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

// ---------------------------------------------------------------- configuration items

fn to_ci(m: configuration_item::Model) -> Result<ConfigItem, Error> {
    Ok(ConfigItem {
        id: CiId(m.id),
        status: stored::<CiStatus>("configuration_items.status", &m.status)?,
        environment: stored::<CiEnvironment>("configuration_items.environment", &m.environment)?,
        number: m.number,
        name: m.name,
        description: m.description,
        ci_class: m.ci_class,
        service_id: m.service_id,
        application_id: m.application_id.map(ApplicationId),
        owner_id: UserId(m.owner_id),
        managed_by: m.managed_by.map(UserId),
        attributes: m.attributes,
        discovered_by: m.discovered_by,
        last_discovered_at: m.last_discovered_at,
        created_by: UserId(m.created_by),
        updated_by: UserId(m.updated_by),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The columns of a CI a write sets (all but numbering and bookkeeping).
#[derive(Debug, Clone)]
pub struct CiRow {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Class name.
    pub ci_class: String,
    /// Status.
    pub status: CiStatus,
    /// Environment.
    pub environment: CiEnvironment,
    /// Business service.
    pub service_id: Option<Uuid>,
    /// Application.
    pub application_id: Option<ApplicationId>,
    /// Owner.
    pub owner_id: UserId,
    /// Manager.
    pub managed_by: Option<UserId>,
    /// Attributes object.
    pub attributes: Value,
    /// Discovery source.
    pub discovered_by: Option<String>,
    /// Last discovery.
    pub last_discovered_at: Option<DateTime<Utc>>,
}

impl CiRow {
    /// The row of an existing CI.
    pub fn of(c: &ConfigItem) -> Self {
        Self {
            name: c.name.clone(),
            description: c.description.clone(),
            ci_class: c.ci_class.clone(),
            status: c.status,
            environment: c.environment,
            service_id: c.service_id,
            application_id: c.application_id,
            owner_id: c.owner_id,
            managed_by: c.managed_by,
            attributes: c.attributes.clone(),
            discovered_by: c.discovered_by.clone(),
            last_discovered_at: c.last_discovered_at,
        }
    }
}

/// Inserts a CI numbered `number`, made by `by`.
pub async fn insert_ci(
    tx: &TenantTx,
    id: CiId,
    number: String,
    row: CiRow,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<ConfigItem, Error> {
    configuration_item::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        number: Set(number),
        name: Set(row.name),
        description: Set(row.description),
        ci_class: Set(row.ci_class),
        status: Set(row.status.as_str().to_owned()),
        environment: Set(row.environment.as_str().to_owned()),
        service_id: Set(row.service_id),
        application_id: Set(row.application_id.map(|a| a.0)),
        owner_id: Set(row.owner_id.0),
        managed_by: Set(row.managed_by.map(|u| u.0)),
        attributes: Set(row.attributes),
        discovered_by: Set(row.discovered_by),
        last_discovered_at: Set(row.last_discovered_at),
        created_by: Set(by.0),
        updated_by: Set(by.0),
        deleted_at: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .and_then(to_ci)
}

/// The live CI `id` of the transaction's tenant.
pub async fn find_ci(tx: &TenantTx, id: CiId) -> Result<Option<ConfigItem>, Error> {
    configuration_item::Entity::find_by_id(id.0)
        .filter(configuration_item::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(configuration_item::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_ci)
        .transpose()
}

/// The live CI numbered `number` (`CI-00012`) of the transaction's tenant.
pub async fn find_ci_by_number(tx: &TenantTx, number: &str) -> Result<Option<ConfigItem>, Error> {
    configuration_item::Entity::find()
        .filter(configuration_item::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(configuration_item::Column::Number.eq(number))
        .filter(configuration_item::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_ci)
        .transpose()
}

/// Lists the tenant's live CIs; `q` matches the name, number or description, `attr.<key>`
/// filters the attributes.
pub async fn list_cis(tx: &TenantTx, params: &ListParams) -> Result<Page<ConfigItem>, Error> {
    use configuration_item::Column as C;
    let mut select = configuration_item::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null());
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(C::Name, q))
                .add(contains_ci(C::Number, q))
                .add(contains_ci(C::Description, q)),
        );
    }
    page(tx.conn(), select, params).await?.try_map(to_ci)
}

/// Writes `row` over the live CI `id` if still at `expected_version`; `None` when no row
/// matched.
pub async fn update_ci(
    tx: &TenantTx,
    id: CiId,
    expected_version: i32,
    row: CiRow,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Option<ConfigItem>, Error> {
    use configuration_item::Column as C;
    let res = configuration_item::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(by.0))
        .col_expr(C::Name, Expr::value(row.name))
        .col_expr(C::Description, Expr::value(row.description))
        .col_expr(C::CiClass, Expr::value(row.ci_class))
        .col_expr(C::Status, Expr::value(row.status.as_str()))
        .col_expr(C::Environment, Expr::value(row.environment.as_str()))
        .col_expr(C::ServiceId, Expr::value(row.service_id))
        .col_expr(C::ApplicationId, Expr::value(row.application_id.map(|a| a.0)))
        .col_expr(C::OwnerId, Expr::value(row.owner_id.0))
        .col_expr(C::ManagedBy, Expr::value(row.managed_by.map(|u| u.0)))
        .col_expr(C::Attributes, Expr::value(row.attributes))
        .col_expr(C::DiscoveredBy, Expr::value(row.discovered_by))
        .col_expr(C::LastDiscoveredAt, Expr::value(row.last_discovered_at))
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
    find_ci(tx, id).await
}

/// Soft-deletes the live CI `id` (its relationship rows stay); `false` when there was none.
pub async fn soft_delete_ci(tx: &TenantTx, id: CiId, by: UserId, now: DateTime<Utc>) -> Result<bool, Error> {
    use configuration_item::Column as C;
    let res = configuration_item::Entity::update_many()
        .col_expr(C::DeletedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(by.0))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

// ---------------------------------------------------------------- relationships

fn to_rel(m: ci_relationship::Model) -> Result<CiRelationship, Error> {
    Ok(CiRelationship {
        id: CiRelationshipId(m.id),
        source_ci_id: CiId(m.source_ci_id),
        target_ci_id: CiId(m.target_ci_id),
        relationship_type: stored::<RelationshipType>("ci_relationships.relationship_type", &m.relationship_type)?,
        description: m.description,
        created_by: UserId(m.created_by),
        created_at: m.created_at,
    })
}

/// The columns of a relationship.
#[derive(Debug, Clone)]
pub struct RelRow {
    /// Source CI.
    pub source: CiId,
    /// Target CI.
    pub target: CiId,
    /// Type.
    pub kind: RelationshipType,
    /// Description.
    pub description: Option<String>,
}

/// Inserts a relationship; the same source, target and type twice is a 409.
pub async fn insert_rel(
    tx: &TenantTx,
    id: CiRelationshipId,
    row: RelRow,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<CiRelationship, Error> {
    let RelRow {
        source,
        target,
        kind,
        description,
    } = row;
    ci_relationship::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        source_ci_id: Set(source.0),
        target_ci_id: Set(target.0),
        relationship_type: Set(kind.as_str().to_owned()),
        description: Set(description),
        created_by: Set(by.0),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| {
        unique_err(
            e,
            "relationship_type",
            "relationship_type",
            "these two CIs already have a relationship of this type",
        )
    })
    .and_then(to_rel)
}

/// The live CIs of the tenant, as a sub-query of ids.
fn live_ci_ids(tx: &TenantTx) -> sea_orm::sea_query::SelectStatement {
    use configuration_item::Column as C;
    Query::select()
        .column(C::Id)
        .from(configuration_item::Entity)
        .and_where(Expr::col(C::TenantId).eq(tx.tenant_uuid()))
        .and_where(Expr::col(C::DeletedAt).is_null())
        .to_owned()
}

/// The relationship `id`, if both its ends are live.
pub async fn find_rel(tx: &TenantTx, id: CiRelationshipId) -> Result<Option<CiRelationship>, Error> {
    use ci_relationship::Column as C;
    ci_relationship::Entity::find_by_id(id.0)
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::SourceCiId.in_subquery(live_ci_ids(tx)))
        .filter(C::TargetCiId.in_subquery(live_ci_ids(tx)))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_rel)
        .transpose()
}

/// Lists relationships between live CIs; the [`EITHER_END_COLUMN`] filter takes those with
/// the CI at either end.
pub async fn list_rels(tx: &TenantTx, params: &ListParams) -> Result<Page<CiRelationship>, Error> {
    use ci_relationship::Column as C;
    let mut select = ci_relationship::Entity::find()
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::SourceCiId.in_subquery(live_ci_ids(tx)))
        .filter(C::TargetCiId.in_subquery(live_ci_ids(tx)));
    for f in params.filters.iter().filter(|f| f.column == EITHER_END_COLUMN) {
        if let FilterValue::Uuid(ci) = &f.value {
            select = select.filter(Condition::any().add(C::SourceCiId.eq(*ci)).add(C::TargetCiId.eq(*ci)));
        }
    }
    let mut rest = params.clone();
    rest.filters.retain(|f| f.column != EITHER_END_COLUMN);
    page(tx.conn(), select, &rest).await?.try_map(to_rel)
}

/// Deletes relationship `id`; `false` when there was none.
pub async fn delete_rel(tx: &TenantTx, id: CiRelationshipId) -> Result<bool, Error> {
    let res = ci_relationship::Entity::delete_many()
        .filter(ci_relationship::Column::Id.eq(id.0))
        .filter(ci_relationship::Column::TenantId.eq(tx.tenant_uuid()))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

fn summary(r: &QueryResult, prefix: &str) -> Result<CiSummary, Error> {
    let col = |c: &str| format!("{prefix}{c}");
    let get_s = |c: &str| r.try_get::<String>("", &col(c)).map_err(db_err);
    Ok(CiSummary {
        id: CiId(r.try_get::<Uuid>("", &col("id")).map_err(db_err)?),
        number: get_s("number")?,
        name: get_s("name")?,
        ci_class: get_s("ci_class")?,
        status: stored::<CiStatus>("configuration_items.status", &get_s("status")?)?,
        environment: stored::<CiEnvironment>("configuration_items.environment", &get_s("environment")?)?,
        application_id: r
            .try_get::<Option<Uuid>>("", &col("application_id"))
            .map_err(db_err)?
            .map(ApplicationId),
        service_id: r.try_get::<Option<Uuid>>("", &col("service_id")).map_err(db_err)?,
    })
}

/// A relationship of a CI seen from that CI: which end it is and the CI at the other end.
#[derive(Debug, Clone)]
pub struct Related {
    /// The relationship.
    pub relationship: CiRelationship,
    /// `outgoing` when the CI is the source.
    pub direction: RelationshipDirection,
    /// The CI at the other end.
    pub related: CiSummary,
}

/// One page of the relationships of live CI `ci`, both directions, to live CIs only, oldest
/// first.
pub async fn relationships_of(tx: &TenantTx, ci: CiId, params: &ListParams) -> Result<Page<Related>, Error> {
    let backend = tx.conn().get_database_backend();
    let part = |dir: &str, mine: &str, other: &str| {
        format!(
            "SELECT r.id, r.source_ci_id, r.target_ci_id, r.relationship_type, r.description, r.created_by, r.created_at,
                    '{dir}' AS direction, c.id AS c_id, c.number AS c_number, c.name AS c_name, c.ci_class AS c_ci_class,
                    c.status AS c_status, c.environment AS c_environment, c.application_id AS c_application_id,
                    c.service_id AS c_service_id
             FROM ci_relationships r
             JOIN configuration_items c ON c.id = r.{other} AND c.tenant_id = $1 AND c.deleted_at IS NULL
             WHERE r.tenant_id = $1 AND r.{mine} = $2"
        )
    };
    let union = format!(
        "{} UNION ALL {}",
        part("outgoing", "source_ci_id", "target_ci_id"),
        part("incoming", "target_ci_id", "source_ci_id")
    );
    let tenant = tx.tenant_uuid();
    let total = tx
        .conn()
        .query_one_raw(stmt(
            backend,
            &format!("SELECT COUNT(*) AS n FROM ({union}) u"),
            vec![tenant.into(), ci.0.into()],
        ))
        .await
        .map_err(db_err)?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()
        .map_err(db_err)?
        .unwrap_or(0);
    let rows = tx
        .conn()
        .query_all_raw(stmt(
            backend,
            &format!("SELECT * FROM ({union}) u ORDER BY created_at, id LIMIT $3 OFFSET $4"),
            vec![
                tenant.into(),
                ci.0.into(),
                (params.per_page as i64).into(),
                (params.offset() as i64).into(),
            ],
        ))
        .await
        .map_err(db_err)?;
    let items = rows
        .iter()
        .map(|r| {
            let kind: String = r.try_get("", "relationship_type").map_err(db_err)?;
            let dir: String = r.try_get("", "direction").map_err(db_err)?;
            Ok(Related {
                relationship: CiRelationship {
                    id: CiRelationshipId(r.try_get("", "id").map_err(db_err)?),
                    source_ci_id: CiId(r.try_get("", "source_ci_id").map_err(db_err)?),
                    target_ci_id: CiId(r.try_get("", "target_ci_id").map_err(db_err)?),
                    relationship_type: stored::<RelationshipType>("ci_relationships.relationship_type", &kind)?,
                    description: r.try_get("", "description").map_err(db_err)?,
                    created_by: UserId(r.try_get("", "created_by").map_err(db_err)?),
                    created_at: r.try_get("", "created_at").map_err(db_err)?,
                },
                direction: stored::<RelationshipDirection>("direction", &dir)?,
                related: summary(r, "c_")?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Page {
        items,
        page: params.page,
        per_page: params.per_page,
        total: u64::try_from(total).unwrap_or(0),
    })
}

// ---------------------------------------------------------------- the walk

/// Where a walk starts: one CI, or every live CI of an application.
#[derive(Debug, Clone, Copy)]
pub enum WalkStart {
    /// This CI.
    Ci(CiId),
    /// The application's live CIs.
    Application(ApplicationId),
}

/// Which edges a walk follows.
#[derive(Debug, Clone, Copy)]
pub enum WalkEdges {
    /// Propagating edges from target to source (`downstream` impact), of these types.
    Backward(&'static [&'static str]),
    /// Propagating edges from source to target (`upstream` impact), of these types.
    Forward(&'static [&'static str]),
    /// Every edge, both ways (the neighbourhood graph).
    Both,
}

/// One row of the walk: the step and the CI it reached, with the relationship's ends.
#[derive(Debug, Clone)]
pub struct WalkStep {
    /// The step.
    pub row: WalkRow,
    /// The followed relationship's source and target.
    pub ends: Option<(Uuid, Uuid)>,
    /// The CI reached.
    pub ci: CiSummary,
}

/// Walks relationships from `start` up to `depth` steps with ONE recursive query (the same
/// SQL on both backends). Rows are deduplicated by (CI, depth, predecessor, relationship), so
/// a cycle ends at the depth limit and the rows stay within edges × depth; the paths are
/// rebuilt from the predecessors by [`firelater_core::cmdb::impact::fold`] rather than carried
/// as strings, which would make one row per distinct path. Only live CIs are reached or
/// walked through.
pub async fn walk(tx: &TenantTx, start: WalkStart, edges: WalkEdges, depth: u32) -> Result<Vec<WalkStep>, Error> {
    let backend = tx.conn().get_database_backend();
    let (start_col, start_id) = match start {
        WalkStart::Ci(c) => ("id", c.0),
        WalkStart::Application(a) => ("application_id", a.0),
    };
    let types = |ts: &[&str]| ts.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let step = match edges {
        WalkEdges::Backward(ts) => format!(
            "JOIN ci_relationships r ON r.tenant_id = w.tid AND r.target_ci_id = w.ci_id AND r.relationship_type IN ({})
             JOIN configuration_items n ON n.id = r.source_ci_id AND n.tenant_id = w.tid AND n.deleted_at IS NULL",
            types(ts)
        ),
        WalkEdges::Forward(ts) => format!(
            "JOIN ci_relationships r ON r.tenant_id = w.tid AND r.source_ci_id = w.ci_id AND r.relationship_type IN ({})
             JOIN configuration_items n ON n.id = r.target_ci_id AND n.tenant_id = w.tid AND n.deleted_at IS NULL",
            types(ts)
        ),
        WalkEdges::Both => {
            "JOIN ci_relationships r ON r.tenant_id = w.tid AND (r.source_ci_id = w.ci_id OR r.target_ci_id = w.ci_id)
             JOIN configuration_items n ON n.tenant_id = w.tid AND n.deleted_at IS NULL
               AND n.id = CASE WHEN r.source_ci_id = w.ci_id THEN r.target_ci_id ELSE r.source_ci_id END"
                .to_owned()
        }
    };
    // Every type in the lists is a `RelationshipType` name from code, never input. The tenant
    // travels in the walk (`tid`) so every condition on `r` and `n` depends on the current
    // row: SQLite then looks relationships up by (tenant, end, type) for each row instead of
    // scanning the tenant's relationships once per row.
    let sql = format!(
        "WITH RECURSIVE walk(ci_id, depth, via_id, rel_id, rel_type, rel_source, rel_target, tid) AS (
           SELECT c.id, 0, r0.source_ci_id, r0.id, r0.relationship_type, r0.source_ci_id, r0.target_ci_id, c.tenant_id
           FROM configuration_items c LEFT JOIN ci_relationships r0 ON 1 = 0
           WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.{start_col} = $2
           UNION
           SELECT n.id, w.depth + 1, w.ci_id, r.id, r.relationship_type, r.source_ci_id, r.target_ci_id, w.tid
           FROM walk w
           {step}
           WHERE w.depth < $3
         )
         SELECT w.ci_id, w.depth, w.via_id, w.rel_id, w.rel_type, w.rel_source, w.rel_target,
                c.id AS c_id, c.number AS c_number, c.name AS c_name, c.ci_class AS c_ci_class, c.status AS c_status,
                c.environment AS c_environment, c.application_id AS c_application_id, c.service_id AS c_service_id
         FROM walk w JOIN configuration_items c ON c.id = w.ci_id"
    );
    let rows = tx
        .conn()
        .query_all_raw(stmt(
            backend,
            &sql,
            vec![tx.tenant_uuid().into(), start_id.into(), (depth as i32).into()],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let rel_type: Option<String> = r.try_get("", "rel_type").map_err(db_err)?;
            let source: Option<Uuid> = r.try_get("", "rel_source").map_err(db_err)?;
            let target: Option<Uuid> = r.try_get("", "rel_target").map_err(db_err)?;
            Ok(WalkStep {
                row: WalkRow {
                    ci: r.try_get("", "ci_id").map_err(db_err)?,
                    depth: u32::try_from(r.try_get::<i32>("", "depth").map_err(db_err)?).unwrap_or(0),
                    via: r.try_get("", "via_id").map_err(db_err)?,
                    rel: r.try_get("", "rel_id").map_err(db_err)?,
                    rel_type: rel_type
                        .as_deref()
                        .map(|t| stored::<RelationshipType>("ci_relationships.relationship_type", t))
                        .transpose()?,
                },
                ends: source.zip(target),
                ci: summary(r, "c_")?,
            })
        })
        .collect()
}

/// The live applications among `ids`, by name.
pub async fn live_applications(
    tx: &TenantTx,
    ids: Vec<Uuid>,
) -> Result<Vec<firelater_core::applications::Application>, Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(crate::repo::applications::find_many(tx, chunk).await?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
    Ok(out)
}
