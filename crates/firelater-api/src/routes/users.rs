//! `/api/v1/users`: the tenant's users.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::model::{Role, User};
use firelater_service::users::{LIST, NewUser, UserPatch, UserView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A role as shown on a user.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleRef {
    /// Role id.
    pub id: Uuid,
    /// Role name, e.g. `agent`.
    pub name: String,
    /// Display name.
    pub display_name: String,
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    /// User id.
    pub id: Uuid,
    /// Email, unique in the tenant.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// IANA time zone.
    pub timezone: String,
    /// `active`, `inactive` or `pending`.
    pub status: firelater_service::model::UserStatus,
    /// `local` or an SSO provider.
    pub auth_provider: String,
    /// Last successful sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Whether multi-factor authentication is on (set up and confirmed with a code).
    pub mfa_enabled: bool,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Roles, with `include=roles`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleRef>>,
}

impl UserResponse {
    /// The response for a user, their MFA state and, when loaded, their roles.
    pub fn from_user(u: User, roles: Option<Vec<Role>>, mfa_enabled: bool) -> Self {
        Self {
            id: u.id.into(),
            email: u.email,
            name: u.name,
            phone: u.phone,
            timezone: u.timezone,
            status: u.status,
            auth_provider: u.auth_provider,
            last_login_at: u.last_login_at,
            mfa_enabled,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
            roles: roles.map(|rs| {
                rs.into_iter()
                    .map(|r| RoleRef {
                        id: r.id.into(),
                        name: r.name,
                        display_name: r.display_name,
                    })
                    .collect()
            }),
        }
    }
}

impl From<UserView> for UserResponse {
    fn from(v: UserView) -> Self {
        Self::from_user(v.user, v.roles, v.mfa_enabled)
    }
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Email, unique in the tenant.
    #[schema(format = "email", min_length = 3, max_length = 254)]
    pub email: String,
    /// Display name.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// IANA time zone; `UTC` when absent.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Initial password (12+ characters); without one the user is `pending`.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
    /// Role names to grant; `requester` when absent.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New display name.
    #[serde(default)]
    pub name: Option<String>,
    /// New phone number; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// New IANA time zone.
    #[serde(default)]
    pub timezone: Option<String>,
}

pub(crate) fn double_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

crate::list_query!(
    /// The query of `GET /users`.
    pub UserListQuery = LIST
);

/// What `GET /users/{id}` accepts: only `include`.
const GET: firelater_core::list::ListSpec = firelater_core::list::ListSpec {
    filters: &[],
    sortable: &["id"],
    default_sort: "id",
    ..LIST
};

crate::list_query!(
    /// The query of `GET /users/{id}`.
    include pub UserGetQuery = GET
);

/// Lists the tenant's users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "list_users",
    security(("bearer" = ["users:read"])), params(UserListQuery),
    responses((status = 200, description = "A page of users", body = Paged<UserResponse>), ReadErrors))]
pub async fn list_users(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = UserListQuery::parse(&q)?;
    let page = state.services.list_users(&ctx, &params).await?;
    Ok(Paged::from_page(page, UserResponse::from).into_response(&params))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", operation_id = "create_user",
    security(("bearer" = ["users:create"])), request_body = CreateUserRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = UserResponse), WriteErrors))]
pub async fn create_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateUserRequest>,
) -> ApiResult<(StatusCode, axum::Json<UserResponse>)> {
    let input = NewUser {
        email: body.email,
        name: body.name,
        phone: body.phone,
        timezone: body.timezone,
        password: body.password,
        roles: body.roles.unwrap_or_default(),
    };
    let user = state.services.create_user(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", operation_id = "get_user",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id"), UserGetQuery),
    responses((status = 200, description = "The user", body = UserResponse), ReadErrors))]
pub async fn get_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<UserResponse>> {
    let params = UserGetQuery::parse(&q)?;
    let user = state
        .services
        .get_user(&ctx, id.into(), params.includes("roles"))
        .await?;
    Ok(axum::Json(user.into()))
}

/// Changes a user's profile.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", operation_id = "update_user",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")), request_body = UpdateUserRequest,
    responses((status = 200, description = "The changed user", body = UserResponse), WriteErrors))]
pub async fn update_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateUserRequest>,
) -> ApiResult<axum::Json<UserResponse>> {
    let patch = UserPatch {
        version: body.version,
        name: body.name,
        phone: body.phone,
        timezone: body.timezone,
    };
    let user = state.services.update_user(&ctx, id.into(), patch).await?;
    Ok(axum::Json(user.into()))
}

/// Deactivates a user: they can no longer sign in and their sessions end. Nothing is deleted.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", operation_id = "deactivate_user",
    security(("bearer" = ["users:delete"])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The deactivated user", body = UserResponse), WriteErrors))]
pub async fn deactivate_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<UserResponse>> {
    let user = state.services.deactivate_user(&ctx, id.into()).await?;
    Ok(axum::Json(user.into()))
}

/// Reactivates a deactivated user: they can sign in again. A user who is not inactive is a
/// 409 `user_not_inactive`.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "users", operation_id = "reactivate_user",
    security(("bearer" = ["users:delete"])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The reactivated user", body = UserResponse), WriteErrors))]
pub async fn reactivate_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<UserResponse>> {
    let user = state.services.reactivate_user(&ctx, id.into()).await?;
    Ok(axum::Json(user.into()))
}

/// Invites a pending user: emails them a link to set their first password, valid for 7 days
/// (an earlier link stops working). A user who is not pending is a 409 `user_not_pending`.
#[utoipa::path(post, path = "/api/v1/users/{id}/invite", tag = "users", operation_id = "invite_user",
    security(("bearer" = ["users:update"])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The invited user, still pending", body = UserResponse), WriteErrors))]
pub async fn invite_user(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<UserResponse>> {
    let user = state.services.invite_user(&ctx, id.into()).await?;
    Ok(axum::Json(user.into()))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, deactivate_user))
        .routes(routes!(reactivate_user))
        .routes(routes!(invite_user))
}
