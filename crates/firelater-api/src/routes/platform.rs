//! `/api/v1/platform/tenants`: the instance operator's administration of tenants. These
//! endpoints take the platform admin token (`FIRELATER_PLATFORM_ADMIN_TOKEN`) as the bearer,
//! never a user's token; without a configured token they answer 404, as if they did not exist.

use crate::AppState;
use crate::dto::Paged;
use crate::error::{ApiResult, Problem};
use crate::extract::{IdPath, Json, Platform, QueryPairs};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::platform::{LIST, TenantSummary};
use firelater_service::tenants::NewTenant;
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A tenant as the platform operator sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantResponse {
    /// Tenant id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Slug, used at login.
    pub slug: String,
    /// `active` or `suspended`.
    pub status: firelater_service::model::TenantStatus,
    /// Number of users, of any status.
    pub user_count: u64,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<TenantSummary> for TenantResponse {
    fn from(s: TenantSummary) -> Self {
        let t = s.tenant;
        Self {
            id: t.id.into(),
            name: t.name,
            slug: t.slug,
            status: t.status,
            user_count: s.user_count,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A tenant to create with its first administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenantRequest {
    /// Display name.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Slug used at login: 2 to 63 lower-case letters, digits or inner hyphens.
    #[schema(min_length = 2, max_length = 63, pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
    pub slug: String,
    /// The first administrator's email.
    #[schema(format = "email", min_length = 3, max_length = 254)]
    pub admin_email: String,
    /// The first administrator's password (12+ characters).
    #[schema(min_length = 12, max_length = 256)]
    pub admin_password: String,
    /// The first administrator's name; `Administrator` when absent.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub admin_name: Option<String>,
}

/// Errors of a platform read.
#[derive(IntoResponses)]
pub enum PlatformReadErrors {
    /// Invalid parameters.
    #[response(
        status = 400,
        description = "Invalid parameters, named in `errors`",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// No platform admin token, or a wrong one.
    #[response(
        status = 401,
        description = "The platform admin token is required",
        content_type = "application/problem+json"
    )]
    Unauthenticated(Problem),
    /// The platform API is off (no token configured), or no such tenant.
    #[response(status = 404, description = "Not found", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// Errors of a platform write.
#[derive(IntoResponses)]
pub enum PlatformWriteErrors {
    /// Malformed body or parameters.
    #[response(
        status = 400,
        description = "Malformed request",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// No platform admin token, or a wrong one.
    #[response(
        status = 401,
        description = "The platform admin token is required",
        content_type = "application/problem+json"
    )]
    Unauthenticated(Problem),
    /// The platform API is off (no token configured), or no such tenant.
    #[response(status = 404, description = "Not found", content_type = "application/problem+json")]
    NotFound(Problem),
    /// The slug is taken.
    #[response(
        status = 409,
        description = "Conflict with the current state",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    /// Body too large.
    #[response(
        status = 413,
        description = "Body too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    /// Wrong content type.
    #[response(
        status = 415,
        description = "The body must be application/json",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    /// A field is invalid.
    #[response(
        status = 422,
        description = "Invalid fields, named in `errors`",
        content_type = "application/problem+json"
    )]
    Unprocessable(Problem),
}

crate::list_query!(
    /// The query of `GET /platform/tenants`.
    pub TenantListQuery = LIST
);

/// Lists the instance's tenants with their user counts.
#[utoipa::path(get, path = "/api/v1/platform/tenants", tag = "platform", operation_id = "list_tenants",
    security(("platform" = [])), params(TenantListQuery),
    responses((status = 200, description = "A page of tenants", body = Paged<TenantResponse>), PlatformReadErrors))]
pub async fn list_tenants(State(state): State<AppState>, Platform(p): Platform, q: QueryPairs) -> ApiResult<Response> {
    let params = TenantListQuery::parse(&q)?;
    let page = state.services.list_tenants(&p, &params).await?;
    Ok(Paged::from_page(page, TenantResponse::from).into_response(&params))
}

/// Creates a tenant with its system roles and first administrator.
#[utoipa::path(post, path = "/api/v1/platform/tenants", tag = "platform", operation_id = "create_tenant",
    security(("platform" = [])), request_body = CreateTenantRequest,
    responses((status = 201, description = "Created", body = TenantResponse), PlatformWriteErrors))]
pub async fn create_tenant(
    State(state): State<AppState>,
    Platform(p): Platform,
    Json(body): Json<CreateTenantRequest>,
) -> ApiResult<(StatusCode, axum::Json<TenantResponse>)> {
    let input = NewTenant {
        name: body.name,
        slug: body.slug,
        admin_email: body.admin_email,
        admin_name: body.admin_name.unwrap_or_else(|| "Administrator".to_owned()),
        admin_password: body.admin_password,
    };
    let tenant = state.services.platform_create_tenant(&p, input).await?;
    Ok((StatusCode::CREATED, axum::Json(tenant.into())))
}

/// Suspends a tenant: its users can no longer sign in and their tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/platform/tenants/{id}/suspend", tag = "platform", operation_id = "suspend_tenant",
    security(("platform" = [])), params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The suspended tenant", body = TenantResponse), PlatformWriteErrors))]
pub async fn suspend_tenant(
    State(state): State<AppState>,
    Platform(p): Platform,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<TenantResponse>> {
    let tenant = state.services.suspend_tenant(&p, id.into()).await?;
    Ok(axum::Json(tenant.into()))
}

/// Lifts a tenant's suspension.
#[utoipa::path(post, path = "/api/v1/platform/tenants/{id}/resume", tag = "platform", operation_id = "resume_tenant",
    security(("platform" = [])), params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The active tenant", body = TenantResponse), PlatformWriteErrors))]
pub async fn resume_tenant(
    State(state): State<AppState>,
    Platform(p): Platform,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<TenantResponse>> {
    let tenant = state.services.resume_tenant(&p, id.into()).await?;
    Ok(axum::Json(tenant.into()))
}

/// Deletes a tenant and all its data, irreversibly.
#[utoipa::path(delete, path = "/api/v1/platform/tenants/{id}", tag = "platform", operation_id = "delete_tenant",
    security(("platform" = [])), params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 204, description = "Deleted"), PlatformWriteErrors))]
pub async fn delete_tenant(
    State(state): State<AppState>,
    Platform(p): Platform,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.delete_tenant(&p, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenants, create_tenant))
        .routes(routes!(suspend_tenant))
        .routes(routes!(resume_tenant))
        .routes(routes!(delete_tenant))
}
