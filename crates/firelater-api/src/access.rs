//! Who may call which endpoint. Each operation declares its rule once, in its own
//! `#[utoipa::path]` attribute, as the operation's OpenAPI security requirement:
//!
//! | `security(…)`                    | rule                                            |
//! | -------------------------------- | ----------------------------------------------- |
//! | `security(())`                   | [`Access::Public`]: anyone, without a token     |
//! | `security(("bearer" = []))`      | [`Access::Authenticated`]: any signed-in caller |
//! | `security(("bearer" = ["users:read"]))` | [`Access::Require`] that permission      |
//! | `security(("platform" = []))`    | [`Access::Platform`]: the instance operator     |
//!
//! [`Rules::from_openapi`] reads the merged document at start-up into a table keyed by
//! method and route template; a permission that [`Permission`] does not know, or a
//! requirement of another shape, fails start-up (and the test that builds the table), never a
//! request. The few routes outside the document (the document itself, the docs page) are
//! declared in [`crate::routes::docs::UNDOCUMENTED`].
//!
//! The [`authorize`] layer looks up the matched route before any handler runs: a route without
//! a rule (an operation that declares no security) is refused with 403 (deny by default), a
//! public one passes, and every other one needs a valid token and, where declared, the
//! permission. Services check the same permission again, so jobs and future callers get the
//! same answer. The platform endpoints take the platform admin token instead of a user's, and
//! another method on a declared path is a 405.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{bearer, request_meta};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use firelater_core::{Error, ErrorCode, Permission};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::openapi::OpenApi;

/// The security scheme of a user's bearer token (access JWT or API key).
pub const BEARER: &str = "bearer";
/// The security scheme of the platform operator's token.
pub const PLATFORM: &str = "platform";

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

/// A security declaration the access layer cannot turn into a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The operation's method, upper case.
    pub method: String,
    /// The operation's route template.
    pub path: String,
    /// What is wrong with its `security(…)`.
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.method, self.path, self.message)
    }
}

impl std::error::Error for RuleError {}

/// The rule of one operation from its OpenAPI security requirements: `None` when it declares
/// none (the route is then refused), an error for a shape this layer does not know.
pub fn access_of(
    security: Option<&[utoipa::openapi::security::SecurityRequirement]>,
) -> Result<Option<Access>, String> {
    let Some(requirements) = security else {
        return Ok(None);
    };
    let [requirement] = requirements else {
        return if requirements.is_empty() {
            Ok(None)
        } else {
            Err("declare exactly one security requirement: (), (\"bearer\" = […]) or (\"platform\" = [])".into())
        };
    };
    let value = serde_json::to_value(requirement).map_err(|e| e.to_string())?;
    let schemes: BTreeMap<String, Vec<String>> = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let mut schemes = schemes.into_iter();
    let access = match (schemes.next(), schemes.next()) {
        (None, _) => Access::Public,
        (Some((scheme, scopes)), None) => match (scheme.as_str(), scopes.as_slice()) {
            (BEARER, []) => Access::Authenticated,
            (BEARER, [permission]) => Access::Require(
                permission
                    .parse()
                    .map_err(|()| format!("unknown permission {permission:?}"))?,
            ),
            (BEARER, _) => return Err("name at most one permission".into()),
            (PLATFORM, []) => Access::Platform,
            (PLATFORM, _) => return Err("the platform scheme takes no scopes".into()),
            (other, _) => return Err(format!("unknown security scheme {other:?}")),
        },
        (Some(_), Some(_)) => return Err("combine no security schemes in one requirement".into()),
    };
    Ok(Some(access))
}

/// Every route's rule, keyed by method and route template.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    by_route: BTreeMap<(String, String), Option<Access>>,
}

impl Rules {
    /// Reads each operation's rule from `doc`, then adds the `undocumented` routes.
    pub fn from_openapi(doc: &OpenApi, undocumented: &[(&str, &str, Access)]) -> Result<Self, RuleError> {
        let mut by_route = BTreeMap::new();
        for (path, item) in &doc.paths.paths {
            let operations = [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
                ("HEAD", &item.head),
                ("OPTIONS", &item.options),
                ("TRACE", &item.trace),
            ];
            for (method, op) in operations {
                let Some(op) = op else { continue };
                let access = access_of(op.security.as_deref()).map_err(|message| RuleError {
                    method: method.to_owned(),
                    path: path.clone(),
                    message,
                })?;
                by_route.insert((method.to_owned(), path.clone()), access);
            }
        }
        for (method, path, access) in undocumented {
            by_route.insert(((*method).to_owned(), (*path).to_owned()), Some(*access));
        }
        Ok(Self { by_route })
    }

    /// The rule of `method` on the route template `path`; `None` when the route is unknown or
    /// declares no rule.
    pub fn rule(&self, method: &Method, path: &str) -> Option<Access> {
        self.by_route
            .get(&(method.as_str().to_owned(), path.to_owned()))
            .copied()
            .flatten()
    }

    /// Whether any method is routed at `path`, and whether that is a platform route.
    fn path_known(&self, path: &str) -> Option<bool> {
        let mut found = None;
        for ((_, p), access) in &self.by_route {
            if p == path {
                found = Some(found.unwrap_or(false) || *access == Some(Access::Platform));
            }
        }
        found
    }

    /// Every route without a rule, as `METHOD path`: none may exist in a finished router.
    pub fn without_rule(&self) -> Vec<String> {
        self.by_route
            .iter()
            .filter(|(_, a)| a.is_none())
            .map(|((m, p), _)| format!("{m} {p}"))
            .collect()
    }

    /// Every route and its rule.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, Option<Access>)> {
        self.by_route.iter().map(|((m, p), a)| (m.as_str(), p.as_str(), *a))
    }
}

/// What the [`authorize`] layer needs: the application and the rule table.
#[derive(Clone)]
pub struct Authorizer {
    /// The application, for authentication.
    pub state: AppState,
    /// Every route's rule.
    pub rules: Arc<Rules>,
}

/// Applies the [`Rules`] to every request that matched a route.
pub async fn authorize(State(auth): State<Authorizer>, req: Request, next: Next) -> Response {
    let Authorizer { state, rules } = auth;
    let Some(path) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()) else {
        // Unmatched requests fall through to the 404/405 answers.
        return next.run(req).await;
    };
    let method = req.method().clone();
    let head_as_get = || {
        (method == Method::HEAD)
            .then(|| rules.rule(&Method::GET, &path))
            .flatten()
    };
    let access = match rules.rule(&method, &path).or_else(head_as_get) {
        Some(a) => a,
        None => {
            let declared_here = rules.by_route.contains_key(&(method.as_str().to_owned(), path.clone()));
            if !declared_here && let Some(platform) = rules.path_known(&path) {
                // Another method of a declared path: the router would answer 405, and so does
                // this layer, without running any handler (a platform path stays hidden when it
                // is off).
                if platform && !state.services.platform_enabled() {
                    return ApiError(Error::new(
                        ErrorCode::RouteNotFound,
                        "there is no endpoint at this path",
                    ))
                    .into_response();
                }
                return StatusCode::METHOD_NOT_ALLOWED.into_response();
            }
            tracing::error!(%method, %path, "route has no access rule");
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

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::security::SecurityRequirement;

    fn of(reqs: &[SecurityRequirement]) -> Result<Option<Access>, String> {
        access_of(Some(reqs))
    }

    #[test]
    fn each_security_shape_maps_to_its_rule() {
        assert_eq!(access_of(None), Ok(None));
        assert_eq!(of(&[]), Ok(None));
        assert_eq!(of(&[SecurityRequirement::default()]), Ok(Some(Access::Public)));
        assert_eq!(
            of(&[SecurityRequirement::new(BEARER, Vec::<String>::new())]),
            Ok(Some(Access::Authenticated))
        );
        assert_eq!(
            of(&[SecurityRequirement::new(BEARER, ["users:read"])]),
            Ok(Some(Access::Require(Permission::UsersRead)))
        );
        assert_eq!(
            of(&[SecurityRequirement::new(PLATFORM, Vec::<String>::new())]),
            Ok(Some(Access::Platform))
        );
    }

    #[test]
    fn an_unknown_permission_or_scheme_is_an_error_not_a_rule() {
        assert!(of(&[SecurityRequirement::new(BEARER, ["users:reed"])]).is_err());
        assert!(of(&[SecurityRequirement::new(BEARER, ["users:read", "users:create"])]).is_err());
        assert!(of(&[SecurityRequirement::new("oauth", Vec::<String>::new())]).is_err());
        assert!(of(&[SecurityRequirement::new(PLATFORM, ["x"])]).is_err());
        assert!(
            of(&[
                SecurityRequirement::default(),
                SecurityRequirement::new(BEARER, Vec::<String>::new())
            ])
            .is_err()
        );
    }

    #[test]
    fn the_application_declares_a_known_rule_for_every_route() {
        let rules = crate::rules().expect("every security declaration parses");
        assert_eq!(rules.without_rule(), Vec::<String>::new());
        assert_eq!(rules.rule(&Method::GET, "/api/v1/openapi.json"), Some(Access::Public));
        assert_eq!(
            rules.rule(&Method::GET, "/api/v1/users"),
            Some(Access::Require(Permission::UsersRead))
        );
    }
}
