//! API keys of service accounts. Only the SHA-256 hash of a key is stored; authentication
//! looks a key up by that hash inside the tenant the key names.

use crate::entities::api_key;
use crate::repo::list::page;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use firelater_core::api_keys::ApiKey;
use firelater_core::ids::{ApiKeyId, UserId};
use firelater_core::list::{ListParams, Page};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// An API key to insert.
#[derive(Debug, Clone)]
pub struct NewApiKeyRow {
    /// Its id.
    pub id: ApiKeyId,
    /// A name for humans.
    pub name: String,
    /// The first characters of the secret, shown in lists to recognise the key.
    pub prefix: String,
    /// SHA-256 of the whole key, hex.
    pub key_hash: String,
    /// Granted permission keys (`resource:action`).
    pub permissions: Vec<String>,
    /// The user who created it.
    pub created_by: UserId,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The service's view of a row.
fn to_api_key(m: api_key::Model) -> ApiKey {
    ApiKey {
        id: ApiKeyId(m.id),
        name: m.name,
        prefix: m.prefix,
        permissions: m
            .permissions
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        created_by: UserId(m.created_by),
        created_at: m.created_at,
        expires_at: m.expires_at,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    }
}

/// Inserts an API key in the transaction's tenant.
pub async fn insert(tx: &TenantTx, row: NewApiKeyRow, now: DateTime<Utc>) -> Result<ApiKey, Error> {
    api_key::ActiveModel {
        id: Set(row.id.0),
        tenant_id: Set(tx.tenant_uuid()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(row.name),
        prefix: Set(row.prefix),
        key_hash: Set(row.key_hash),
        permissions: Set(serde_json::json!(row.permissions)),
        created_by: Set(row.created_by.0),
        expires_at: Set(row.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(tx.conn())
    .await
    .map(to_api_key)
    .map_err(db_err)
}

/// The API key with `id` in the transaction's tenant.
pub async fn find(tx: &TenantTx, id: ApiKeyId) -> Result<Option<ApiKey>, Error> {
    Ok(api_key::Entity::find_by_id(id.0)
        .filter(api_key::Column::TenantId.eq(tx.tenant_uuid()))
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .map(to_api_key))
}

/// Lists the tenant's API keys, revoked ones included.
pub async fn list(tx: &TenantTx, params: &ListParams) -> Result<Page<ApiKey>, Error> {
    let select = api_key::Entity::find().filter(api_key::Column::TenantId.eq(tx.tenant_uuid()));
    Ok(page(tx.conn(), select, params).await?.map(to_api_key))
}

/// Revokes a key; `None` when it does not exist, the row unchanged when it was revoked already.
pub async fn revoke(tx: &TenantTx, id: ApiKeyId, now: DateTime<Utc>) -> Result<Option<ApiKey>, Error> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(now))
        .col_expr(api_key::Column::UpdatedAt, Expr::value(now))
        .col_expr(api_key::Column::Version, Expr::col(api_key::Column::Version).add(1))
        .filter(api_key::Column::Id.eq(id.0))
        .filter(api_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    find(tx, id).await
}

/// Records a use of the key unless one was recorded at or after `stale_before`, so a busy key
/// costs one write a minute, not one per request. Returns whether it wrote.
pub async fn touch_if_stale(
    tx: &TenantTx,
    id: Uuid,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, Error> {
    let res = api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(
            Condition::any()
                .add(api_key::Column::LastUsedAt.is_null())
                .add(api_key::Column::LastUsedAt.lt(stale_before)),
        )
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// What authenticating a request with an API key needs: the key, its creator's status and
/// the tenant's status.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct ApiKeyAuthState {
    /// The key's id.
    pub id: Uuid,
    /// The user who created it, whose permissions bound the key's.
    pub created_by: Uuid,
    /// The key's permission keys, a JSON array of strings.
    pub permissions: serde_json::Value,
    /// When it expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The creator's status.
    pub user_status: String,
    /// The tenant's status.
    pub tenant_status: String,
}

/// Loads [`ApiKeyAuthState`] for the key with `key_hash`, in one query.
pub async fn auth_state(tx: &TenantTx, key_hash: &str) -> Result<Option<ApiKeyAuthState>, Error> {
    use sea_orm::{ConnectionTrait, FromQueryResult};
    let conn = tx.conn();
    let row = conn
        .query_one_raw(crate::dialect::stmt(
            conn.get_database_backend(),
            "SELECT k.id AS id, k.created_by AS created_by, k.permissions AS permissions,
                    k.expires_at AS expires_at, k.last_used_at AS last_used_at, k.revoked_at AS revoked_at,
                    u.status AS user_status, t.status AS tenant_status
             FROM api_keys k
             JOIN users u ON u.id = k.created_by AND u.tenant_id = k.tenant_id
             JOIN tenants t ON t.id = k.tenant_id
             WHERE k.key_hash = $1 AND k.tenant_id = $2",
            vec![key_hash.into(), tx.tenant_uuid().into()],
        ))
        .await
        .map_err(db_err)?;
    row.map(|r| ApiKeyAuthState::from_query_result(&r, "").map_err(db_err))
        .transpose()
}

/// The names of the API keys `ids` of this tenant that exist, by id, in one query (for showing
/// names beside ids, e.g. in the audit log).
pub async fn names_of(tx: &TenantTx, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>, Error> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = api_key::Entity::find()
        .select_only()
        .column(api_key::Column::Id)
        .column(api_key::Column::Name)
        .filter(api_key::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(api_key::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().collect())
}
