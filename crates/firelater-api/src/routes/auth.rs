//! `/api/v1/auth`: login, refresh, logout and the current user. Browsers may keep the refresh
//! token in an `HttpOnly` cookie instead of the body ([`crate::refresh_cookie`]).

use crate::AppState;
use crate::dto::{PublicErrors, ReadErrors};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Json, Meta};
use crate::refresh_cookie;
use crate::routes::users::UserResponse;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use firelater_core::{Error, ErrorCode, ErrorKind};
use firelater_service::auth::{LoginInput, Tokens};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
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
    /// For the web app: keep the refresh token in an `HttpOnly` cookie (`firelater_refresh`,
    /// path `/api/v1/auth/refresh`) instead of the body. Needs the header
    /// `X-Requested-With: firelater`. API clients leave it out and get `refresh_token`.
    #[serde(default)]
    pub use_cookie: bool,
}

/// A refresh token to rotate: in the body, or (sending `{}`) the `firelater_refresh` cookie.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from login or the last refresh. Leave it out to use the refresh
    /// cookie instead, which needs the header `X-Requested-With: firelater`.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Tokens and the signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// An opaque token for `POST /auth/refresh`; single use. Absent when it was set as the
    /// refresh cookie instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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
            refresh_token: Some(t.refresh_token),
            token_type: "Bearer",
            expires_in: t.expires_in,
            user: UserResponse::from_user(t.user, None, t.mfa_enabled),
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
    /// The user, with `roles`: the roles they hold directly, each with its display name.
    pub user: UserResponse,
    /// Their tenant.
    pub tenant: TenantSummary,
    /// Names of their roles (the same roles as `user.roles`, which shows their display names).
    pub roles: Vec<String>,
    /// Their effective permissions, as `resource:action`.
    pub permissions: Vec<String>,
}

/// The answer carrying new tokens: the refresh token in the body, or with `cookie` in the
/// refresh cookie only.
fn token_answer(state: &AppState, tokens: Tokens, cookie: bool) -> ApiResult<Response> {
    if !cookie {
        return Ok(axum::Json(TokenResponse::from(tokens)).into_response());
    }
    let settings = &state.services.auth.settings;
    let set_cookie = refresh_cookie::set(
        &tokens.refresh_token,
        settings.refresh_ttl.num_seconds(),
        refresh_cookie::secure_for(&settings.public_url),
    )?;
    let mut body = TokenResponse::from(tokens);
    body.refresh_token = None;
    let mut res = axum::Json(body).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie);
    Ok(res)
}

fn clear_cookie(state: &AppState) -> axum::http::HeaderValue {
    refresh_cookie::clear(refresh_cookie::secure_for(&state.services.auth.settings.public_url))
}

/// Signs in with tenant, email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), operation_id = "login",
    request_body = LoginRequest,
    params(("X-Requested-With" = Option<String>, Header, description = "`firelater`; required with `use_cookie`")),
    responses((status = 200, description = "Signed in; with `use_cookie` the refresh token is in the cookie only", body = TokenResponse,
            headers(("Set-Cookie" = String, description = "With `use_cookie`: `firelater_refresh`, HttpOnly, SameSite=Strict"))),
        PublicErrors,
        (status = 403, description = "The tenant is suspended, or `use_cookie` without the CSRF header (`csrf_check_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Every password-hashing slot is busy (`server_busy`); retry after `Retry-After` seconds", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait before retrying")))))]
pub async fn login(
    State(state): State<AppState>,
    Meta(meta): Meta,
    headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> ApiResult<Response> {
    if body.use_cookie {
        refresh_cookie::check_csrf(&headers, &state.services.auth.settings.public_url)?;
    }
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
    token_answer(&state, tokens, body.use_cookie)
}

/// Rotates a refresh token for a new token pair. A token presented twice revokes its session.
/// The token comes from the body, or when the body has none from the refresh cookie, which is
/// then rotated in turn (and removed when it no longer works).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", security(()), operation_id = "refresh_token",
    request_body = RefreshRequest,
    params(("X-Requested-With" = Option<String>, Header, description = "`firelater`; required when the token comes from the cookie")),
    responses((status = 200, description = "New tokens; from the cookie, the new refresh token is in the cookie only", body = TokenResponse,
            headers(("Set-Cookie" = String, description = "From the cookie: the rotated `firelater_refresh`"))),
        PublicErrors,
        (status = 403, description = "The tenant is suspended, or the cookie without the CSRF header (`csrf_check_failed`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn refresh(
    State(state): State<AppState>,
    Meta(meta): Meta,
    headers: HeaderMap,
    Json(body): Json<RefreshRequest>,
) -> ApiResult<Response> {
    if let Some(token) = body.refresh_token {
        let tokens = state.services.refresh(&token, meta).await?;
        return token_answer(&state, tokens, false);
    }
    let Some(token) = refresh_cookie::read(&headers) else {
        return Err(Error::new(
            ErrorCode::InvalidToken,
            "send refresh_token in the body, or the refresh cookie from a sign-in with use_cookie",
        )
        .into());
    };
    refresh_cookie::check_csrf(&headers, &state.services.auth.settings.public_url)?;
    match state.services.refresh(&token, meta).await {
        Ok(tokens) => token_answer(&state, tokens, true),
        Err(e) => {
            // A cookie that can no longer refresh (spent, expired, revoked, suspended tenant)
            // is removed, so the browser stops sending it.
            let dead = matches!(e.kind(), ErrorKind::Unauthenticated | ErrorKind::Forbidden);
            let mut res = ApiError(e).into_response();
            if dead {
                res.headers_mut().append(header::SET_COOKIE, clear_cookie(&state));
            }
            Ok(res)
        }
    }
}

/// Ends the current session; its access and refresh tokens stop working at once, and the
/// refresh cookie, if any, is removed.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out",
            headers(("Set-Cookie" = String, description = "Removes `firelater_refresh` (Max-Age=0)"))),
        ReadErrors))]
pub async fn logout(State(state): State<AppState>, Auth(ctx): Auth) -> ApiResult<Response> {
    state.services.logout(&ctx).await?;
    Ok(([(header::SET_COOKIE, clear_cookie(&state))], StatusCode::NO_CONTENT).into_response())
}

/// The signed-in user with tenant, roles and permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", operation_id = "get_me",
    security(("bearer" = [])),
    responses((status = 200, description = "The current user", body = MeResponse), ReadErrors))]
pub async fn me(State(state): State<AppState>, Auth(ctx): Auth) -> ApiResult<axum::Json<MeResponse>> {
    let me = state.services.me(&ctx).await?;
    let roles = me.roles.iter().map(|r| r.name.clone()).collect();
    Ok(axum::Json(MeResponse {
        user: UserResponse::from_user(me.user, Some(me.roles), me.mfa_enabled),
        tenant: TenantSummary {
            id: me.tenant.id.into(),
            name: me.tenant.name,
            slug: me.tenant.slug,
        },
        roles,
        permissions: me.permissions.iter().map(|p| p.key().to_owned()).collect(),
    }))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// This module's routes that spend the per-IP sign-in budget (they check a password).
pub fn login_budget() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}
