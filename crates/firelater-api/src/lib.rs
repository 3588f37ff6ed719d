//! The HTTP API: the router, its middleware stack, extractors, problem documents and the
//! OpenAPI document generated from the handlers.

pub mod access;
pub mod csv_export;
pub mod dto;
pub mod error;
pub mod extract;
pub mod list_doc;
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
        (name = "applications", description = "The application registry and the environments applications run in"),
        (name = "services", description = "Business services: the service tree and its roll-up, relationships, stakeholders and the applications that realise them"),
        (name = "cmdb", description = "The CMDB: classes, configuration items, relationships, impact analysis and graphs"),
        (name = "api-keys", description = "API keys of service accounts"),
        (name = "audit", description = "The audit log, read-only"),
        (name = "platform", description = "The instance operator's administration of tenants, with the platform admin token"),
        (name = "system", description = "Health and metrics"),
    ),
)]
struct ApiDoc;

/// One module of the API: its routes, each declared once with its access rule (the
/// operation's `security`), OpenAPI operation and handler in `routes/<module>.rs`.
///
/// Adding a module to the API is one line in [`MODULES`]. The rest of a module is registered
/// by others, each in its own registry: its permissions in `firelater_core::Permission`, its
/// job kinds and event consumers in `firelater_jobs::builtin_registry`, its tenant tables in
/// `firelater_db::repo::tenant_data::TABLES` and `firelater_migration::TENANT_TABLES`.
#[derive(Clone, Copy)]
pub struct Module {
    /// The module's name, as its file under `routes/`.
    pub name: &'static str,
    /// Its routes.
    pub routes: fn() -> OpenApiRouter<AppState>,
    /// Its routes that check a password and so share the per-IP sign-in budget.
    pub login_budget: Option<fn() -> OpenApiRouter<AppState>>,
}

impl Module {
    /// A module with these routes.
    pub const fn new(name: &'static str, routes: fn() -> OpenApiRouter<AppState>) -> Self {
        Self {
            name,
            routes,
            login_budget: None,
        }
    }

    /// The same module with routes that spend the sign-in budget.
    pub const fn with_login_budget(self, routes: fn() -> OpenApiRouter<AppState>) -> Self {
        Self {
            login_budget: Some(routes),
            ..self
        }
    }
}

/// Every module of the API, one line each.
pub const MODULES: &[Module] = &[
    Module::new("health", routes::health::router),
    Module::new("auth", routes::auth::router).with_login_budget(routes::auth::login_budget),
    Module::new("account", routes::account::router).with_login_budget(routes::account::login_budget),
    Module::new("mfa", routes::mfa::router).with_login_budget(routes::mfa::login_budget),
    Module::new("sessions", routes::sessions::router),
    Module::new("api_keys", routes::api_keys::router),
    Module::new("users", routes::users::router),
    Module::new("groups", routes::groups::router),
    Module::new("applications", routes::applications::router),
    Module::new("imports", routes::imports::router),
    Module::new("services", routes::services::router),
    Module::new("cmdb", routes::cmdb::router),
    Module::new("roles", routes::roles::router),
    Module::new("audit", routes::audit::router),
    Module::new("platform", routes::platform::router),
];

fn api_routes(login_limit: Option<&LoginLimit>) -> OpenApiRouter<AppState> {
    // Sign-in, password resets and the checks of a current password behind a session
    // (changing it, turning MFA off) share one per-IP budget, so a stolen session cannot
    // guess the password any faster than a login form can.
    let mut login = OpenApiRouter::new();
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi());
    for module in MODULES {
        if let Some(budgeted) = module.login_budget {
            login = login.merge(budgeted());
        }
        api = api.merge((module.routes)());
    }
    if let Some(limit) = login_limit {
        login = login.layer(GovernorLayer::new(limit.0.clone()));
    }
    api.merge(login)
}

fn finish_openapi(mut doc: OpenApiDoc) -> OpenApiDoc {
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    csv_export::document(&mut doc);
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

/// The access rule of every route, from the document and [`routes::docs::UNDOCUMENTED`]; an
/// error names an operation whose `security` is not a rule (e.g. an unknown permission).
pub fn rules() -> Result<access::Rules, access::RuleError> {
    access::Rules::from_openapi(&openapi(), routes::docs::UNDOCUMENTED)
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

/// The whole application: API, docs, health, with the middleware stack. Fails when an
/// operation's `security` is not an access rule (see [`access`]).
pub fn router(state: AppState, login_limit: Option<&LoginLimit>) -> Result<Router, access::RuleError> {
    let (api, doc) = api_routes(login_limit).split_for_parts();
    let doc = finish_openapi(doc);
    let authorizer = access::Authorizer {
        state: state.clone(),
        rules: Arc::new(access::Rules::from_openapi(&doc, routes::docs::UNDOCUMENTED)?),
    };
    let doc = Arc::new(doc);
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
        .layer(axum::middleware::from_fn_with_state(authorizer, access::authorize))
        // Outside authorization: an export asks for each page as the client would.
        .layer(csv_export::CsvExportLayer)
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
    Ok(app
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(middleware::problems))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeUuidV7)))
}

#[cfg(test)]
mod tests {
    /// The whole OpenAPI document, as clients see it: any change to an operation, parameter,
    /// schema or access rule shows up as a diff of `snapshots/…openapi.snap` to review
    /// (`cargo insta review`). `scripts/test.sh` sets `INSTA_UPDATE=no`, so a changed or new
    /// snapshot fails there instead of being written.
    #[test]
    fn the_openapi_document_is_the_reviewed_one() {
        let mut doc = super::openapi();
        doc.info.version = "[version]".to_owned();
        insta::assert_json_snapshot!("openapi", doc);
    }
}
