//! `/api/v1/roles`, `/api/v1/permissions` and a user's roles.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use crate::routes::users::RoleRef;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::roles::{LIST, NewRole, RolePatch, RoleView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A role with its permissions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleResponse {
    /// Role id.
    pub id: Uuid,
    /// Unique name, e.g. `agent`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
    /// System roles come with every tenant and cannot be deleted.
    pub is_system: bool,
    /// Permissions as `resource:action`.
    pub permissions: Vec<String>,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<RoleView> for RoleResponse {
    fn from(v: RoleView) -> Self {
        let r = v.role;
        Self {
            id: r.id.into(),
            name: r.name,
            display_name: r.display_name,
            description: r.description,
            is_system: r.is_system,
            permissions: v.permissions,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A permission.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionResponse {
    /// `resource:action`, the key roles list.
    pub key: &'static str,
    /// The resource, e.g. `users`.
    pub resource: &'static str,
    /// The action, e.g. `create`.
    pub action: &'static str,
    /// What it allows.
    pub description: &'static str,
}

/// A custom role to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleRequest {
    /// Unique name: lower-case letters, digits, `-` and `_`.
    #[schema(pattern = "^[a-z0-9_-]{2,100}$")]
    pub name: String,
    /// Display name.
    #[schema(min_length = 1, max_length = 255)]
    pub display_name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Permissions as `resource:action` (see `GET /permissions`).
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// Changes to a role; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoleRequest {
    /// The `version` you last read.
    pub version: i32,
    /// New display name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub display_name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, deserialize_with = "crate::routes::users::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// The complete new permission set.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// The complete set of roles a user should hold.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetUserRolesRequest {
    /// Role names.
    pub roles: Vec<String>,
}

crate::list_query!(
    /// The query of `GET /roles`.
    pub RoleListQuery = LIST
);

/// Lists roles with their permissions.
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles", operation_id = "list_roles",
    security(("bearer" = ["roles:read"])), params(RoleListQuery),
    responses((status = 200, description = "A page of roles", body = Paged<RoleResponse>), ReadErrors))]
pub async fn list_roles(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = RoleListQuery::parse(&q)?;
    let page = state.services.list_roles(&ctx, &params).await?;
    Ok(Paged::from_page(page, RoleResponse::from).into_response(&params))
}

/// Creates a custom role.
#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", operation_id = "create_role",
    security(("bearer" = ["roles:admin"])), request_body = CreateRoleRequest,
    responses((status = 201, description = "Created", body = RoleResponse), WriteErrors))]
pub async fn create_role(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(b): Json<CreateRoleRequest>,
) -> ApiResult<(StatusCode, axum::Json<RoleResponse>)> {
    let input = NewRole {
        name: b.name,
        display_name: b.display_name,
        description: b.description,
        permissions: b.permissions,
    };
    let role = state.services.create_role(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(role.into())))
}

/// One role with its permissions.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "roles", operation_id = "get_role",
    security(("bearer" = ["roles:read"])), params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 200, description = "The role", body = RoleResponse), ReadErrors))]
pub async fn get_role(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<RoleResponse>> {
    Ok(axum::Json(state.services.get_role(&ctx, id.into()).await?.into()))
}

/// Changes a role's labels or permissions.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "roles", operation_id = "update_role",
    security(("bearer" = ["roles:admin"])), params(("id" = Uuid, Path, description = "Role id")), request_body = UpdateRoleRequest,
    responses((status = 200, description = "The changed role", body = RoleResponse), WriteErrors))]
pub async fn update_role(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(b): Json<UpdateRoleRequest>,
) -> ApiResult<axum::Json<RoleResponse>> {
    let patch = RolePatch {
        version: b.version,
        display_name: b.display_name,
        description: b.description,
        permissions: b.permissions,
    };
    Ok(axum::Json(
        state.services.update_role(&ctx, id.into(), patch).await?.into(),
    ))
}

/// Deletes a custom role.
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "roles", operation_id = "delete_role",
    security(("bearer" = ["roles:admin"])), params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_role(State(state): State<AppState>, Auth(ctx): Auth, IdPath(id): IdPath) -> ApiResult<StatusCode> {
    state.services.delete_role(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every permission a role can grant.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "roles", operation_id = "list_permissions",
    security(("bearer" = ["roles:read"])),
    responses((status = 200, description = "All permissions", body = Vec<PermissionResponse>), ReadErrors))]
pub async fn list_permissions(
    State(state): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<axum::Json<Vec<PermissionResponse>>> {
    let all = state.services.list_permissions(&ctx)?;
    Ok(axum::Json(
        all.into_iter()
            .map(|p| PermissionResponse {
                key: p.key(),
                resource: p.resource(),
                action: p.action(),
                description: p.description(),
            })
            .collect(),
    ))
}

/// Replaces the roles a user holds.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "roles", operation_id = "set_user_roles",
    security(("bearer" = ["roles:admin"])), params(("id" = Uuid, Path, description = "User id")), request_body = SetUserRolesRequest,
    responses((status = 200, description = "The user's roles now", body = Vec<RoleRef>), WriteErrors))]
pub async fn set_user_roles(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(b): Json<SetUserRolesRequest>,
) -> ApiResult<axum::Json<Vec<RoleRef>>> {
    let roles = state.services.set_user_roles(&ctx, id.into(), b.roles).await?;
    Ok(axum::Json(
        roles
            .into_iter()
            .map(|r| RoleRef {
                id: r.id.into(),
                name: r.name,
                display_name: r.display_name,
            })
            .collect(),
    ))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, update_role, delete_role))
        .routes(routes!(list_permissions))
        .routes(routes!(set_user_roles))
}
