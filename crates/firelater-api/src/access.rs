//! Who may call which endpoint, declared once for every route. The [`authorize`] layer looks
//! up the matched route here before any handler runs: a route without a declaration is
//! refused (deny by default), a public one passes, and every other one needs a valid token
//! and, where declared, a permission. Services check the same permission again, so jobs and
//! future callers get the same answer. The platform endpoints take the platform admin token
//! instead of a user's, and another method on a declared path is a 405.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{bearer, request_meta};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use firelater_core::{Error, ErrorCode, Permission};

/// What an endpoint requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token (sign-in, health, documentation).
    Public,
    /// Any signed-in user; the service decides per object (e.g. "your own profile, or
    /// `users:read`").
    Authenticated,
    /// A signed-in user holding this permission.
    Require(Permission),
    /// The instance's platform operator, with the platform admin token as the bearer (a
    /// user's token is refused). Without a configured token these endpoints answer 404.
    Platform,
}

/// Every endpoint and its access rule. Adding a route means adding a line here; the
/// authorization matrix test fails for an endpoint missing from this table.
pub const RULES: &[(&str, &str, Access)] = {
    use Access::*;
    use Permission::*;
    &[
        ("GET", "/healthz", Public),
        ("GET", "/readyz", Public),
        ("GET", "/metrics", Public),
        ("GET", "/api/v1/openapi.json", Public),
        ("GET", "/api/docs", Public),
        ("POST", "/api/v1/auth/login", Public),
        ("POST", "/api/v1/auth/refresh", Public),
        ("POST", "/api/v1/auth/logout", Authenticated),
        ("GET", "/api/v1/auth/me", Authenticated),
        ("GET", "/api/v1/auth/sessions", Authenticated),
        ("DELETE", "/api/v1/auth/sessions", Authenticated),
        ("DELETE", "/api/v1/auth/sessions/{id}", Authenticated),
        ("POST", "/api/v1/auth/mfa/enroll", Authenticated),
        ("POST", "/api/v1/auth/mfa/confirm", Authenticated),
        ("DELETE", "/api/v1/auth/mfa", Authenticated),
        ("DELETE", "/api/v1/users/{id}/mfa", Require(UsersAdmin)),
        ("GET", "/api/v1/api-keys", Require(ApiKeysRead)),
        ("POST", "/api/v1/api-keys", Require(ApiKeysCreate)),
        ("DELETE", "/api/v1/api-keys/{id}", Require(ApiKeysRevoke)),
        ("GET", "/api/v1/users", Require(UsersRead)),
        ("POST", "/api/v1/users", Require(UsersCreate)),
        ("GET", "/api/v1/users/{id}", Authenticated),
        ("PUT", "/api/v1/users/{id}", Authenticated),
        ("DELETE", "/api/v1/users/{id}", Require(UsersDelete)),
        ("POST", "/api/v1/auth/forgot-password", Public),
        ("POST", "/api/v1/auth/reset-password", Public),
        ("PUT", "/api/v1/users/{id}/password", Authenticated),
        ("POST", "/api/v1/users/{id}/unlock", Require(UsersAdmin)),
        ("GET", "/api/v1/users/{id}/notifications", Authenticated),
        ("PUT", "/api/v1/users/{id}/notifications", Authenticated),
        ("PUT", "/api/v1/users/{id}/roles", Require(RolesAdmin)),
        ("GET", "/api/v1/roles", Require(RolesRead)),
        ("POST", "/api/v1/roles", Require(RolesAdmin)),
        ("GET", "/api/v1/roles/{id}", Require(RolesRead)),
        ("PUT", "/api/v1/roles/{id}", Require(RolesAdmin)),
        ("DELETE", "/api/v1/roles/{id}", Require(RolesAdmin)),
        ("GET", "/api/v1/permissions", Require(RolesRead)),
        ("GET", "/api/v1/users/{id}/groups", Authenticated),
        ("GET", "/api/v1/groups", Require(GroupsRead)),
        ("POST", "/api/v1/groups", Require(GroupsCreate)),
        ("GET", "/api/v1/groups/{id}", Require(GroupsRead)),
        ("PUT", "/api/v1/groups/{id}", Require(GroupsUpdate)),
        ("DELETE", "/api/v1/groups/{id}", Require(GroupsDelete)),
        ("GET", "/api/v1/groups/{id}/members", Require(GroupsRead)),
        ("POST", "/api/v1/groups/{id}/members", Require(GroupsUpdate)),
        ("DELETE", "/api/v1/groups/{id}/members/{userId}", Require(GroupsUpdate)),
        ("PUT", "/api/v1/groups/{id}/roles", Require(RolesAdmin)),
        ("GET", "/api/v1/audit-logs", Require(AuditLogsRead)),
        ("GET", "/api/v1/audit-logs/{entityType}/{id}", Require(AuditLogsRead)),
        ("GET", "/api/v1/platform/tenants", Platform),
        ("POST", "/api/v1/platform/tenants", Platform),
        ("POST", "/api/v1/platform/tenants/{id}/suspend", Platform),
        ("POST", "/api/v1/platform/tenants/{id}/resume", Platform),
        ("DELETE", "/api/v1/platform/tenants/{id}", Platform),
    ]
};

/// The rule of `method` on the route template `path`.
pub fn rule(method: &Method, path: &str) -> Option<Access> {
    RULES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, a)| *a)
}

/// Applies [`RULES`] to every request that matched a route.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()) else {
        // Unmatched requests fall through to the 404/405 answers.
        return next.run(req).await;
    };
    let access = match rule(req.method(), &path) {
        Some(a) => a,
        None if req.method() == Method::HEAD => match rule(&Method::GET, &path) {
            Some(a) => a,
            None => return next.run(req).await,
        },
        None => {
            // Another method of a declared path: the router would answer 405, and so does this
            // layer, without running any handler (a platform path stays hidden when it is off).
            if let Some((_, _, other)) = RULES.iter().find(|(_, p, _)| *p == path) {
                if *other == Access::Platform && !state.services.platform_enabled() {
                    return ApiError(Error::new(
                        ErrorCode::RouteNotFound,
                        "there is no endpoint at this path",
                    ))
                    .into_response();
                }
                return StatusCode::METHOD_NOT_ALLOWED.into_response();
            }
            tracing::error!(method = %req.method(), %path, "route has no access rule");
            return ApiError(Error::forbidden("this endpoint declares no access rule")).into_response();
        }
    };
    if access == Access::Public {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    if access == Access::Platform {
        return match state
            .services
            .authenticate_platform(bearer(&parts), request_meta(&parts))
        {
            Ok(p) => {
                parts.extensions.insert(p);
                next.run(Request::from_parts(parts, body)).await
            }
            Err(e) => ApiError(e).into_response(),
        };
    }
    let Some(token) = bearer(&parts).map(str::to_owned) else {
        return ApiError(Error::new(
            ErrorCode::Unauthenticated,
            "send an Authorization: Bearer token",
        ))
        .into_response();
    };
    let ctx = match state.services.authenticate(&token, request_meta(&parts)).await {
        Ok(ctx) => ctx,
        Err(e) => return ApiError(e).into_response(),
    };
    if let Access::Require(p) = access
        && let Err(e) = ctx.require(p)
    {
        return ApiError(e).into_response();
    }
    parts.extensions.insert(ctx);
    next.run(Request::from_parts(parts, body)).await
}
