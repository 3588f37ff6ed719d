//! `/api/v1/api-keys`: API keys of service accounts. The key is in the create response only;
//! that response is sent with `Cache-Control: no-store` (`middleware::NO_STORE`), so neither
//! caches nor idempotent replays keep it.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::api_keys::{ApiKey, CreatedApiKey, LIST, NewApiKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// An API key; the secret itself is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    /// Key id.
    pub id: Uuid,
    /// A name for humans.
    pub name: String,
    /// The first characters of the key's secret part (after `flk_<tenant>_`), to recognise it.
    pub prefix: String,
    /// Granted permissions, as `resource:action`.
    pub permissions: Vec<String>,
    /// The user who created it; the key never holds more than they do.
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it stops working; `null` for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Last use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyResponse {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.into(),
            name: k.name,
            prefix: k.prefix,
            permissions: k.permissions,
            created_by: k.created_by.into(),
            created_at: k.created_at,
            expires_at: k.expires_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new API key with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyResponse {
    /// The key, for `Authorization: Bearer`. Store it now: it cannot be shown again.
    pub key: String,
    /// The stored key.
    #[serde(flatten)]
    pub api_key: ApiKeyResponse,
}

impl From<CreatedApiKey> for CreatedApiKeyResponse {
    fn from(c: CreatedApiKey) -> Self {
        Self {
            key: c.key,
            api_key: c.api_key.into(),
        }
    }
}

/// An API key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// A name for humans, e.g. the service that uses it.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Permissions to grant, as `resource:action`; you must hold each of them.
    pub permissions: Vec<String>,
    /// When the key stops working (RFC 3339, in the future); never when absent.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

crate::list_query!(
    /// The query of `GET /api-keys`.
    pub ApiKeyListQuery = LIST
);

/// Lists the tenant's API keys, revoked ones included; never their secrets.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", operation_id = "list_api_keys",
    security(("bearer" = ["api_keys:read"])), params(ApiKeyListQuery),
    responses((status = 200, description = "A page of API keys", body = Paged<ApiKeyResponse>), ReadErrors))]
pub async fn list_api_keys(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = ApiKeyListQuery::parse(&q)?;
    let page = state.services.list_api_keys(&ctx, &params).await?;
    Ok(Paged::from_page(page, ApiKeyResponse::from).into_response(&params))
}

/// Creates an API key with a subset of your permissions; the answer holds the key, once.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", operation_id = "create_api_key",
    security(("bearer" = ["api_keys:create"])), request_body = CreateApiKeyRequest,
    responses((status = 201, description = "Created; `key` is shown this once", body = CreatedApiKeyResponse), WriteErrors))]
pub async fn create_api_key(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateApiKeyRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedApiKeyResponse>)> {
    let input = NewApiKey {
        name: body.name,
        permissions: body.permissions,
        expires_at: body.expires_at,
    };
    let created = state.services.create_api_key(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Revokes an API key; it stops working on its next request.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys", operation_id = "revoke_api_key",
    security(("bearer" = ["api_keys:revoke"])), params(("id" = Uuid, Path, description = "API key id")),
    responses((status = 204, description = "Revoked (or already revoked)"), WriteErrors))]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.revoke_api_key(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}
