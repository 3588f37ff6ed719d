//! Tenants: instance-level rows (no tenant scope of their own).

use crate::entities::tenant;
use crate::{db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::enums::stored;
use firelater_core::ids::TenantId;
use firelater_core::tenants::{Tenant, TenantStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// Inserts a tenant.
pub async fn insert(
    conn: &impl ConnectionTrait,
    id: TenantId,
    name: &str,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Tenant, Error> {
    tenant::ActiveModel {
        id: Set(id.0),
        name: Set(name.to_owned()),
        slug: Set(slug.to_owned()),
        plan_id: Set(None),
        status: Set(TenantStatus::Active.as_str().to_owned()),
        settings: Set(serde_json::json!({})),
        billing_email: Set(None),
        trial_ends_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await
    .map_err(|e| unique_err(e, "slug", "slug", "a tenant with this slug already exists"))
    .and_then(to_tenant)
}

/// The service's view of a row.
fn to_tenant(m: tenant::Model) -> Result<Tenant, Error> {
    Ok(Tenant {
        id: TenantId(m.id),
        status: stored("tenants.status", &m.status)?,
        name: m.name,
        slug: m.slug,
        plan_id: m.plan_id,
        settings: m.settings,
        billing_email: m.billing_email,
        trial_ends_at: m.trial_ends_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The tenant with `slug`.
pub async fn find_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<Tenant>, Error> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(conn)
        .await
        .map_err(db_err)?
        .map(to_tenant)
        .transpose()
}

/// The tenant with `id`.
pub async fn find(conn: &impl ConnectionTrait, id: TenantId) -> Result<Option<Tenant>, Error> {
    tenant::Entity::find_by_id(id.0)
        .one(conn)
        .await
        .map_err(db_err)?
        .map(to_tenant)
        .transpose()
}

/// How many tenants exist.
pub async fn count(conn: &impl ConnectionTrait) -> Result<u64, Error> {
    tenant::Entity::find().count(conn).await.map_err(db_err)
}

/// Lists tenants; `q` matches name or slug.
pub async fn list(
    conn: &impl ConnectionTrait,
    params: &firelater_core::list::ListParams,
) -> Result<firelater_core::list::Page<Tenant>, Error> {
    use crate::repo::list::{contains_ci, page};
    use sea_orm::sea_query::Condition;
    let mut select = tenant::Entity::find();
    if let Some(q) = &params.q {
        select = select.filter(
            Condition::any()
                .add(contains_ci(tenant::Column::Name, q))
                .add(contains_ci(tenant::Column::Slug, q)),
        );
    }
    page(conn, select, params).await?.try_map(to_tenant)
}

/// Sets the tenant's `status`, bumping its version. Returns the new row, or `None` when there
/// is no such tenant.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    id: TenantId,
    status: TenantStatus,
    now: DateTime<Utc>,
) -> Result<Option<Tenant>, Error> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = tenant::Entity::update_many()
        .col_expr(tenant::Column::Status, Expr::value(status.as_str()))
        .col_expr(tenant::Column::Version, Expr::col(tenant::Column::Version).add(1))
        .col_expr(tenant::Column::UpdatedAt, Expr::value(now))
        .filter(tenant::Column::Id.eq(id.0))
        .exec(conn)
        .await
        .map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(conn, id).await
}
