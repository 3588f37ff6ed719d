//! Applications of the registry and their environments. A soft-deleted application
//! (`deleted_at` set) is invisible here: not found, not listed, not changed; the service
//! reaches environments only through a live application.

use crate::dialect::json_array_contains;
use crate::entities::{application, environment};
use crate::repo::list::{contains_ci, page};
use crate::{TenantTx, db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::applications::{
    Application, ApplicationStatus, CloudProvider, Criticality, Environment, EnvironmentStatus, EnvironmentType,
    LifecycleStage, Tier,
};
use firelater_core::enums::stored;
use firelater_core::ids::{ApplicationId, EnvironmentId, GroupId, UserId};
use firelater_core::list::{FilterValue, ListParams, Page};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

/// The list filter's column that selects applications carrying a tag.
pub const TAG_COLUMN: &str = "tags";

fn strings(column: &str, v: &Value) -> Result<Vec<String>, Error> {
    serde_json::from_value(v.clone())
        .map_err(|e| Error::internal(format!("column {column} is not an array of strings: {e}")))
}

fn to_application(m: application::Model) -> Result<Application, Error> {
    Ok(Application {
        id: ApplicationId(m.id),
        tier: stored::<Tier>("applications.tier", &m.tier)?,
        status: stored::<ApplicationStatus>("applications.status", &m.status)?,
        lifecycle_stage: stored::<LifecycleStage>("applications.lifecycle_stage", &m.lifecycle_stage)?,
        criticality: m
            .criticality
            .as_deref()
            .map(|c| stored::<Criticality>("applications.criticality", c))
            .transpose()?,
        tags: strings("applications.tags", &m.tags)?,
        app_id: m.app_id,
        name: m.name,
        description: m.description,
        owner_user_id: m.owner_user_id.map(UserId),
        owner_group_id: m.owner_group_id.map(GroupId),
        support_group_id: m.support_group_id.map(GroupId),
        business_unit: m.business_unit,
        metadata: m.metadata,
        health_score: m.health_score,
        health_score_updated_at: m.health_score_updated_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_environment(m: environment::Model) -> Result<Environment, Error> {
    Ok(Environment {
        id: EnvironmentId(m.id),
        application_id: ApplicationId(m.application_id),
        kind: stored::<EnvironmentType>("environments.type", &m.kind)?,
        cloud_provider: m
            .cloud_provider
            .as_deref()
            .map(|c| stored::<CloudProvider>("environments.cloud_provider", c))
            .transpose()?,
        status: stored::<EnvironmentStatus>("environments.status", &m.status)?,
        resource_ids: strings("environments.resource_ids", &m.resource_ids)?,
        name: m.name,
        url: m.url,
        cloud_account: m.cloud_account,
        cloud_region: m.cloud_region,
        metadata: m.metadata,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The columns of an application a write sets (all but the bookkeeping ones).
#[derive(Debug, Clone)]
pub struct ApplicationRow {
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Tier.
    pub tier: Tier,
    /// Status.
    pub status: ApplicationStatus,
    /// Lifecycle stage.
    pub lifecycle_stage: LifecycleStage,
    /// Owning user, in the same tenant.
    pub owner_user_id: Option<UserId>,
    /// Owning group, in the same tenant.
    pub owner_group_id: Option<GroupId>,
    /// Supporting group, in the same tenant.
    pub support_group_id: Option<GroupId>,
    /// Business unit.
    pub business_unit: Option<String>,
    /// Criticality.
    pub criticality: Option<Criticality>,
    /// Tags.
    pub tags: Vec<String>,
    /// Metadata object.
    pub metadata: Value,
}

impl ApplicationRow {
    /// The row of an existing application.
    pub fn of(a: &Application) -> Self {
        Self {
            name: a.name.clone(),
            description: a.description.clone(),
            tier: a.tier,
            status: a.status,
            lifecycle_stage: a.lifecycle_stage,
            owner_user_id: a.owner_user_id,
            owner_group_id: a.owner_group_id,
            support_group_id: a.support_group_id,
            business_unit: a.business_unit.clone(),
            criticality: a.criticality,
            tags: a.tags.clone(),
            metadata: a.metadata.clone(),
        }
    }
}

/// Inserts an application numbered `app_id` in the transaction's tenant.
pub async fn insert(
    tx: &TenantTx,
    id: ApplicationId,
    app_id: String,
    row: ApplicationRow,
    now: DateTime<Utc>,
) -> Result<Application, Error> {
    application::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        app_id: Set(app_id),
        name: Set(row.name),
        description: Set(row.description),
        tier: Set(row.tier.as_str().to_owned()),
        status: Set(row.status.as_str().to_owned()),
        lifecycle_stage: Set(row.lifecycle_stage.as_str().to_owned()),
        owner_user_id: Set(row.owner_user_id.map(|u| u.0)),
        owner_group_id: Set(row.owner_group_id.map(|g| g.0)),
        support_group_id: Set(row.support_group_id.map(|g| g.0)),
        business_unit: Set(row.business_unit),
        criticality: Set(row.criticality.map(|c| c.as_str().to_owned())),
        tags: Set(Value::from(row.tags)),
        metadata: Set(row.metadata),
        health_score: Set(None),
        health_score_updated_at: Set(None),
        deleted_at: Set(None),
    }
    .insert(tx.conn())
    .await
    .map_err(db_err)
    .and_then(to_application)
}

/// The live (not deleted) application with `id` in the transaction's tenant.
pub async fn find(tx: &TenantTx, id: ApplicationId) -> Result<Option<Application>, Error> {
    application::Entity::find_by_id(id.0)
        .filter(application::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(application::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_application)
        .transpose()
}

/// The live application numbered `app_id` (`APP-00001`) of the transaction's tenant.
pub async fn find_by_app_id(tx: &TenantTx, app_id: &str) -> Result<Option<Application>, Error> {
    application::Entity::find()
        .filter(application::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(application::Column::AppId.eq(app_id))
        .filter(application::Column::DeletedAt.is_null())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_application)
        .transpose()
}

/// The live applications of the transaction's tenant among `ids` (any order).
pub async fn find_many(tx: &TenantTx, ids: &[uuid::Uuid]) -> Result<Vec<Application>, Error> {
    application::Entity::find()
        .filter(application::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(application::Column::DeletedAt.is_null())
        .filter(application::Column::Id.is_in(ids.to_vec()))
        .all(tx.conn())
        .await
        .map_err(db_err)?
        .into_iter()
        .map(to_application)
        .collect()
}

/// Lists the tenant's live applications; `q` matches the name or the description, the
/// [`TAG_COLUMN`] filter the applications carrying that tag.
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<Application>, Error> {
    let mut select = application::Entity::find()
        .filter(application::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(application::Column::DeletedAt.is_null());
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(application::Column::Name, q))
                .add(contains_ci(application::Column::Description, q)),
        );
    }
    let backend = tx.conn().get_database_backend();
    for f in params.filters.iter().filter(|f| f.column == TAG_COLUMN) {
        if let FilterValue::Text(tag) = &f.value {
            select = select.filter(json_array_contains(backend, "applications", TAG_COLUMN, tag));
        }
    }
    let mut rest = params.clone();
    rest.filters.retain(|f| f.column != TAG_COLUMN);
    page(tx.conn(), select, &rest).await?.try_map(to_application)
}

/// Writes `row` over the live application `id` if it is still at `expected_version`,
/// bumping the version. Returns the new row, or `None` when no row matched.
pub async fn update(
    tx: &TenantTx,
    id: ApplicationId,
    expected_version: i32,
    row: ApplicationRow,
    now: DateTime<Utc>,
) -> Result<Option<Application>, Error> {
    use application::Column as C;
    let res = application::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Name, Expr::value(row.name))
        .col_expr(C::Description, Expr::value(row.description))
        .col_expr(C::Tier, Expr::value(row.tier.as_str()))
        .col_expr(C::Status, Expr::value(row.status.as_str()))
        .col_expr(C::LifecycleStage, Expr::value(row.lifecycle_stage.as_str()))
        .col_expr(C::OwnerUserId, Expr::value(row.owner_user_id.map(|u| u.0)))
        .col_expr(C::OwnerGroupId, Expr::value(row.owner_group_id.map(|g| g.0)))
        .col_expr(C::SupportGroupId, Expr::value(row.support_group_id.map(|g| g.0)))
        .col_expr(C::BusinessUnit, Expr::value(row.business_unit))
        .col_expr(C::Criticality, Expr::value(row.criticality.map(|c| c.as_str())))
        .col_expr(C::Tags, Expr::value(Value::from(row.tags)))
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

/// Soft-deletes the live application `id`; its environments stay, unreachable while it is
/// deleted. `false` when there was no such application.
pub async fn soft_delete(tx: &TenantTx, id: ApplicationId, now: DateTime<Utc>) -> Result<bool, Error> {
    use application::Column as C;
    let res = application::Entity::update_many()
        .col_expr(C::DeletedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::DeletedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}

/// The columns of an environment a write sets.
#[derive(Debug, Clone)]
pub struct EnvironmentRow {
    /// Name, unique within the application.
    pub name: String,
    /// Kind.
    pub kind: EnvironmentType,
    /// URL.
    pub url: Option<String>,
    /// Cloud provider.
    pub cloud_provider: Option<CloudProvider>,
    /// Cloud account.
    pub cloud_account: Option<String>,
    /// Cloud region.
    pub cloud_region: Option<String>,
    /// Resource ids.
    pub resource_ids: Vec<String>,
    /// Status.
    pub status: EnvironmentStatus,
    /// Metadata object.
    pub metadata: Value,
}

impl EnvironmentRow {
    /// The row of an existing environment.
    pub fn of(e: &Environment) -> Self {
        Self {
            name: e.name.clone(),
            kind: e.kind,
            url: e.url.clone(),
            cloud_provider: e.cloud_provider,
            cloud_account: e.cloud_account.clone(),
            cloud_region: e.cloud_region.clone(),
            resource_ids: e.resource_ids.clone(),
            status: e.status,
            metadata: e.metadata.clone(),
        }
    }
}

fn env_name_taken(e: sea_orm::DbErr) -> Error {
    unique_err(
        e,
        "name",
        "name",
        "this application already has an environment with this name",
    )
}

/// Inserts an environment of `application_id`; a taken name is a 409 on `name`.
pub async fn insert_environment(
    tx: &TenantTx,
    id: EnvironmentId,
    application_id: ApplicationId,
    row: EnvironmentRow,
    now: DateTime<Utc>,
) -> Result<Environment, Error> {
    environment::ActiveModel {
        id: Set(id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        application_id: Set(application_id.0),
        name: Set(row.name),
        kind: Set(row.kind.as_str().to_owned()),
        url: Set(row.url),
        cloud_provider: Set(row.cloud_provider.map(|c| c.as_str().to_owned())),
        cloud_account: Set(row.cloud_account),
        cloud_region: Set(row.cloud_region),
        resource_ids: Set(Value::from(row.resource_ids)),
        status: Set(row.status.as_str().to_owned()),
        metadata: Set(row.metadata),
    }
    .insert(tx.conn())
    .await
    .map_err(env_name_taken)
    .and_then(to_environment)
}

/// The environment `id` of `application_id`.
pub async fn find_environment(
    tx: &TenantTx,
    application_id: ApplicationId,
    id: EnvironmentId,
) -> Result<Option<Environment>, Error> {
    environment::Entity::find_by_id(id.0)
        .filter(environment::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(environment::Column::ApplicationId.eq(application_id.0))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_environment)
        .transpose()
}

/// Lists the environments of `application_id`.
pub async fn list_environments(
    tx: &TenantTx,
    application_id: ApplicationId,
    params: &ListParams,
) -> Result<Page<Environment>, Error> {
    let select = environment::Entity::find()
        .filter(environment::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(environment::Column::ApplicationId.eq(application_id.0));
    page(tx.conn(), select, params).await?.try_map(to_environment)
}

/// Writes `row` over environment `id` of `application_id` if it is still at
/// `expected_version`. Returns the new row, or `None` when no row matched.
pub async fn update_environment(
    tx: &TenantTx,
    application_id: ApplicationId,
    id: EnvironmentId,
    expected_version: i32,
    row: EnvironmentRow,
    now: DateTime<Utc>,
) -> Result<Option<Environment>, Error> {
    use environment::Column as C;
    let res = environment::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Name, Expr::value(row.name))
        .col_expr(C::Kind, Expr::value(row.kind.as_str()))
        .col_expr(C::Url, Expr::value(row.url))
        .col_expr(C::CloudProvider, Expr::value(row.cloud_provider.map(|c| c.as_str())))
        .col_expr(C::CloudAccount, Expr::value(row.cloud_account))
        .col_expr(C::CloudRegion, Expr::value(row.cloud_region))
        .col_expr(C::ResourceIds, Expr::value(Value::from(row.resource_ids)))
        .col_expr(C::Status, Expr::value(row.status.as_str()))
        .col_expr(C::Metadata, Expr::value(row.metadata))
        .filter(C::Id.eq(id.0))
        .filter(C::TenantId.eq(tx.tenant_uuid()))
        .filter(C::ApplicationId.eq(application_id.0))
        .filter(C::Version.eq(expected_version))
        .exec(tx.conn())
        .await
        .map_err(env_name_taken)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find_environment(tx, application_id, id).await
}

/// Deletes environment `id` of `application_id`; `false` when there was none.
pub async fn delete_environment(
    tx: &TenantTx,
    application_id: ApplicationId,
    id: EnvironmentId,
) -> Result<bool, Error> {
    let res = environment::Entity::delete_many()
        .filter(environment::Column::Id.eq(id.0))
        .filter(environment::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(environment::Column::ApplicationId.eq(application_id.0))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected > 0)
}
