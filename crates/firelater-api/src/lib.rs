//! The HTTP API: the router, its middleware stack, extractors, problem documents and the
//! OpenAPI document generated from the handlers.

pub mod access;
pub mod dto;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod refresh_cookie;
pub mod routes;
pub mod security;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::routing::get;
use firelater_service::Services;
use governor::clock::QuantaInstant;
use governor::middleware::NoOpMiddleware;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;
use std::time::Duration;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Longest a request may run.
    pub request_timeout: Duration,
    /// Origins allowed by CORS; empty means no CORS headers.
    pub cors_origins: Vec<String>,
    /// Login attempts allowed per IP per minute; 0 turns the limit off.
    pub login_per_minute: u32,
    /// Login attempts an IP may make in a burst.
    pub login_burst: u32,
    /// The bearer token `/metrics` requires; `None` leaves it open.
    pub metrics_token: Option<String>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            cors_origins: Vec::new(),
            login_per_minute: 10,
            login_burst: 10,
            metrics_token: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub services: Services,
    /// HTTP settings.
    pub config: Arc<ApiConfig>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "FireLater", description = "IT service management: one binary, SQLite or PostgreSQL. Errors are RFC 9457 problem documents; lists take page, per_page (max 100), sort, order, filters, fields and include."),
    tags(
        (name = "auth", description = "Sign in, tokens and the current user"),
        (name = "users", description = "Users of the tenant"),
        (name = "roles", description = "Roles, permissions and who holds them"),
        (name = "groups", description = "Groups and team hierarchies, their members and roles"),
        (name = "api-keys", description = "API keys of service accounts"),
        (name = "audit", description = "The audit log, read-only"),
        (name = "platform", description = "The instance operator's administration of tenants, with the platform admin token"),
        (name = "system", description = "Health and metrics"),
    ),
)]
struct ApiDoc;

fn api_routes(login_limit: Option<&LoginLimit>) -> OpenApiRouter<AppState> {
    // Sign-in, password resets and the checks of a current password behind a session
    // (changing it, turning MFA off) share one per-IP budget, so a stolen session cannot
    // guess the password any faster than a login form can.
    let mut login = OpenApiRouter::new()
        .routes(routes!(routes::auth::login))
        .routes(routes!(routes::account::forgot_password))
        .routes(routes!(routes::account::reset_password))
        .routes(routes!(routes::account::change_password))
        .routes(routes!(routes::mfa::disable_mfa));
    if let Some(limit) = login_limit {
        login = login.layer(GovernorLayer::new(limit.0.clone()));
    }
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(login)
        .routes(routes!(routes::auth::refresh))
        .routes(routes!(routes::auth::logout))
        .routes(routes!(routes::auth::me))
        .routes(routes!(
            routes::sessions::list_sessions,
            routes::sessions::revoke_other_sessions
        ))
        .routes(routes!(routes::sessions::revoke_session))
        .routes(routes!(routes::mfa::enroll_mfa))
        .routes(routes!(routes::mfa::confirm_mfa))
        .routes(routes!(routes::mfa::reset_user_mfa))
        .routes(routes!(
            routes::api_keys::list_api_keys,
            routes::api_keys::create_api_key
        ))
        .routes(routes!(routes::api_keys::revoke_api_key))
        .routes(routes!(routes::users::list_users, routes::users::create_user))
        .routes(routes!(
            routes::users::get_user,
            routes::users::update_user,
            routes::users::deactivate_user
        ))
        .routes(routes!(routes::groups::list_groups, routes::groups::create_group))
        .routes(routes!(
            routes::groups::get_group,
            routes::groups::update_group,
            routes::groups::delete_group
        ))
        .routes(routes!(
            routes::groups::list_group_members,
            routes::groups::add_group_member
        ))
        .routes(routes!(routes::groups::remove_group_member))
        .routes(routes!(routes::groups::set_group_roles))
        .routes(routes!(routes::groups::list_user_groups))
        .routes(routes!(routes::roles::list_roles, routes::roles::create_role))
        .routes(routes!(
            routes::roles::get_role,
            routes::roles::update_role,
            routes::roles::delete_role
        ))
        .routes(routes!(routes::roles::list_permissions))
        .routes(routes!(routes::roles::set_user_roles))
        .routes(routes!(routes::account::unlock_user))
        .routes(routes!(
            routes::account::get_notification_preferences,
            routes::account::set_notification_preferences
        ))
        .routes(routes!(routes::audit::list_audit_logs))
        .routes(routes!(routes::audit::get_entity_history))
        .routes(routes!(routes::platform::list_tenants, routes::platform::create_tenant))
        .routes(routes!(routes::platform::suspend_tenant))
        .routes(routes!(routes::platform::resume_tenant))
        .routes(routes!(routes::platform::delete_tenant))
        .routes(routes!(routes::health::healthz))
        .routes(routes!(routes::health::readyz))
        .routes(routes!(routes::health::metrics))
}

fn finish_openapi(mut doc: OpenApiDoc) -> OpenApiDoc {
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components.add_security_scheme(
        "platform",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The platform admin token (FIRELATER_PLATFORM_ADMIN_TOKEN)"))
                .build(),
        ),
    );
    doc
}

/// The OpenAPI 3.1 document of every endpoint.
pub fn openapi() -> OpenApiDoc {
    finish_openapi(api_routes(None).split_for_parts().1)
}

/// The per-IP login rate limiter; [`LoginLimit::forget_idle`] should run now and then.
#[derive(Clone)]
pub struct LoginLimit(Arc<tower_governor::governor::GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware<QuantaInstant>>>);

impl LoginLimit {
    /// A limiter allowing `per_minute` logins per IP with bursts of `burst`; `None` when
    /// `per_minute` is 0.
    pub fn new(per_minute: u32, burst: u32) -> Option<Self> {
        if per_minute == 0 {
            return None;
        }
        let period = Duration::from_millis(60_000 / u64::from(per_minute)).max(Duration::from_millis(1));
        GovernorConfigBuilder::default()
            .period(period)
            .burst_size(burst.max(1))
            .finish()
            .map(|c| Self(Arc::new(c)))
    }

    /// Drops the state of IPs that have been quiet, so the limiter's memory stays bounded.
    pub fn forget_idle(&self) {
        self.0.limiter().retain_recent();
    }
}

#[derive(Clone, Copy)]
struct MakeUuidV7;

impl MakeRequestId for MakeUuidV7 {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The whole application: API, docs, health, with the middleware stack.
pub fn router(state: AppState, login_limit: Option<&LoginLimit>) -> Router {
    let (api, doc) = api_routes(login_limit).split_for_parts();
    let doc = Arc::new(finish_openapi(doc));
    let config = state.config.clone();
    let request_id = HeaderName::from_static("x-request-id");
    let mut app = api
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json((*doc).clone()) }
            }),
        )
        .route("/api/docs", get(routes::docs::docs_page))
        // Inside idempotency, which must see `no-store` to keep no secret for a replay.
        .layer(axum::middleware::from_fn(middleware::no_store))
        // Authorization wraps idempotency: a replay is only handed to the caller it belongs to.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::idempotency,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), access::authorize))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(axum::middleware::from_fn(middleware::metrics))
        .with_state(state);
    if !config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
                .allow_headers([
                    axum::http::header::AUTHORIZATION,
                    axum::http::header::CONTENT_TYPE,
                    HeaderName::from_static("idempotency-key"),
                ])
                .expose_headers([request_id.clone()])
                .max_age(Duration::from_secs(600)),
        );
    }
    app.layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        config.request_timeout,
    ))
    .layer(axum::middleware::from_fn(middleware::problems))
    .layer(CatchPanicLayer::new())
    .layer(TraceLayer::new_for_http())
    .layer(PropagateRequestIdLayer::new(request_id.clone()))
    .layer(SetRequestIdLayer::new(request_id, MakeUuidV7))
}
