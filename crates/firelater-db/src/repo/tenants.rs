//! Tenants: instance-level rows (no tenant scope of their own).

use crate::entities::tenant;
use crate::{db_err, unique_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// Inserts a tenant.
pub async fn insert(
    conn: &impl ConnectionTrait,
    id: Uuid,
    name: &str,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<tenant::Model, Error> {
    tenant::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        slug: Set(slug.to_owned()),
        plan_id: Set(None),
        status: Set("active".to_owned()),
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
}

/// The tenant with `slug`.
pub async fn find_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<tenant::Model>, Error> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(conn)
        .await
        .map_err(db_err)
}

/// The tenant with `id`.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<tenant::Model>, Error> {
    tenant::Entity::find_by_id(id).one(conn).await.map_err(db_err)
}

/// How many tenants exist.
pub async fn count(conn: &impl ConnectionTrait) -> Result<u64, Error> {
    tenant::Entity::find().count(conn).await.map_err(db_err)
}

/// Lists tenants; `q` matches name or slug.
pub async fn list(
    conn: &impl ConnectionTrait,
    params: &firelater_core::list::ListParams,
) -> Result<firelater_core::list::Page<tenant::Model>, Error> {
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
    page(conn, select, params).await
}

/// Sets the tenant's `status`, bumping its version. Returns the new row, or `None` when there
/// is no such tenant.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<Option<tenant::Model>, Error> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = tenant::Entity::update_many()
        .col_expr(tenant::Column::Status, Expr::value(status))
        .col_expr(tenant::Column::Version, Expr::col(tenant::Column::Version).add(1))
        .col_expr(tenant::Column::UpdatedAt, Expr::value(now))
        .filter(tenant::Column::Id.eq(id))
        .exec(conn)
        .await
        .map_err(db_err)?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    find(conn, id).await
}
