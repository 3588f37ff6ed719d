//! `/api/v1/auth`: login, refresh, logout and the current user.

use crate::AppState;
use crate::dto::{PublicErrors, ReadErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, Json, Meta};
use crate::routes::users::UserResponse;
use axum::extract::State;
use axum::http::StatusCode;
use firelater_service::auth::{LoginInput, Tokens};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The tenant's slug, e.g. `default`.
    pub tenant: String,
    /// The user's email.
    pub email: String,
    /// The password.
    pub password: String,
    /// For accounts with MFA on: the 6-digit code of the authenticator, or an unused
    /// recovery code. Without it such an account answers 401 `mfa_required`.
    #[serde(default)]
    pub mfa_code: Option<String>,
}

/// A refresh token to rotate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from login or the last refresh.
    pub refresh_token: String,
}

/// Tokens and the signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// An opaque token for `POST /auth/refresh`; single use.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: UserResponse,
}

impl From<Tokens> for TokenResponse {
    fn from(t: Tokens) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            user: UserResponse::from_user(t.user, None),
        }
    }
}

/// The tenant of the signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantSummary {
    /// Tenant id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Slug.
    pub slug: String,
}

/// The signed-in user with tenant, roles and permissions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The user.
    pub user: UserResponse,
    /// Their tenant.
    pub tenant: TenantSummary,
    /// Names of their roles.
    pub roles: Vec<String>,
    /// Their effective permissions, as `resource:action`.
    pub permissions: Vec<String>,
}

/// Signs in with tenant, email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = TokenResponse), PublicErrors,
        (status = 403, description = "The tenant is suspended", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Json(body): Json<LoginRequest>,
) -> ApiResult<axum::Json<TokenResponse>> {
    let tokens = state
        .services
        .login(
            LoginInput {
                tenant: body.tenant,
                email: body.email,
                password: body.password,
                mfa_code: body.mfa_code,
            },
            meta,
        )
        .await?;
    Ok(axum::Json(tokens.into()))
}

/// Rotates a refresh token for a new token pair. A token presented twice revokes its session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", operation_id = "refresh_token",
    request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokenResponse), PublicErrors))]
pub async fn refresh(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Json(body): Json<RefreshRequest>,
) -> ApiResult<axum::Json<TokenResponse>> {
    let tokens = state.services.refresh(&body.refresh_token, meta).await?;
    Ok(axum::Json(tokens.into()))
}

/// Ends the current session; its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), ReadErrors))]
pub async fn logout(State(state): State<AppState>, Auth(ctx): Auth) -> ApiResult<StatusCode> {
    state.services.logout(&ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user with tenant, roles and permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", operation_id = "get_me",
    security(("bearer" = [])),
    responses((status = 200, description = "The current user", body = MeResponse), ReadErrors))]
pub async fn me(State(state): State<AppState>, Auth(ctx): Auth) -> ApiResult<axum::Json<MeResponse>> {
    let me = state.services.me(&ctx).await?;
    Ok(axum::Json(MeResponse {
        user: UserResponse::from_user(me.user, None),
        tenant: TenantSummary {
            id: me.tenant.id,
            name: me.tenant.name,
            slug: me.tenant.slug,
        },
        roles: me.roles,
        permissions: me.permissions.iter().map(|p| p.key().to_owned()).collect(),
    }))
}
