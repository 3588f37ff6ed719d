//! `/api/v1/applications`: the application registry, and
//! `/api/v1/applications/{id}/environments`, the environments each application runs in.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_core::applications::{
    Application, ApplicationStatus, CloudProvider, Criticality, Environment, EnvironmentStatus, EnvironmentType,
    LifecycleStage, Tier,
};
use firelater_service::applications::{
    ApplicationPatch, ENVIRONMENT_LIST, EnvironmentPatch, LIST, NewApplication, NewEnvironment,
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// An application of the registry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    /// Application id.
    pub id: Uuid,
    /// Human-readable number, e.g. `APP-00001`, unique in the tenant.
    pub app_id: String,
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Business importance, `P1` (most) to `P4`.
    pub tier: Tier,
    /// Whether it is in use.
    pub status: ApplicationStatus,
    /// Where it is in its life.
    pub lifecycle_stage: LifecycleStage,
    /// The owning user.
    pub owner_user_id: Option<Uuid>,
    /// The owning group.
    pub owner_group_id: Option<Uuid>,
    /// The group that supports it.
    pub support_group_id: Option<Uuid>,
    /// The business unit it serves.
    pub business_unit: Option<String>,
    /// What the business loses when it stops.
    pub criticality: Option<Criticality>,
    /// Tags.
    pub tags: Vec<String>,
    /// Free-form metadata.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// Health score, 0–100, computed by the health module; `null` until computed.
    pub health_score: Option<f64>,
    /// When the health score was last computed.
    pub health_score_updated_at: Option<DateTime<Utc>>,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Application> for ApplicationResponse {
    fn from(a: Application) -> Self {
        Self {
            id: a.id.into(),
            app_id: a.app_id,
            name: a.name,
            description: a.description,
            tier: a.tier,
            status: a.status,
            lifecycle_stage: a.lifecycle_stage,
            owner_user_id: a.owner_user_id.map(Into::into),
            owner_group_id: a.owner_group_id.map(Into::into),
            support_group_id: a.support_group_id.map(Into::into),
            business_unit: a.business_unit,
            criticality: a.criticality,
            tags: a.tags,
            metadata: a.metadata,
            health_score: a.health_score,
            health_score_updated_at: a.health_score_updated_at,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An environment an application runs in.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentResponse {
    /// Environment id.
    pub id: Uuid,
    /// Its application.
    pub application_id: Uuid,
    /// Name, unique within the application.
    pub name: String,
    /// What it is for.
    #[serde(rename = "type")]
    pub kind: EnvironmentType,
    /// Where it answers.
    pub url: Option<String>,
    /// Where it runs.
    pub cloud_provider: Option<CloudProvider>,
    /// Cloud account (an AWS account id, …).
    pub cloud_account: Option<String>,
    /// Cloud region.
    pub cloud_region: Option<String>,
    /// Cloud resource ids.
    pub resource_ids: Vec<String>,
    /// Whether it is in use.
    pub status: EnvironmentStatus,
    /// Free-form metadata.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Environment> for EnvironmentResponse {
    fn from(e: Environment) -> Self {
        Self {
            id: e.id.into(),
            application_id: e.application_id.into(),
            name: e.name,
            kind: e.kind,
            url: e.url,
            cloud_provider: e.cloud_provider,
            cloud_account: e.cloud_account,
            cloud_region: e.cloud_region,
            resource_ids: e.resource_ids,
            status: e.status,
            metadata: e.metadata,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// An application to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApplicationRequest {
    /// Name.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Business importance, `P1` (most) to `P4`.
    pub tier: Tier,
    /// `active` when absent.
    #[serde(default)]
    pub status: Option<ApplicationStatus>,
    /// `production` when absent.
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    /// The owning user, in this tenant.
    #[serde(default)]
    pub owner_user_id: Option<Uuid>,
    /// The owning group, in this tenant.
    #[serde(default)]
    pub owner_group_id: Option<Uuid>,
    /// The supporting group, in this tenant.
    #[serde(default)]
    pub support_group_id: Option<Uuid>,
    /// The business unit it serves.
    #[serde(default)]
    #[schema(max_length = 255)]
    pub business_unit: Option<String>,
    /// What the business loses when it stops.
    #[serde(default)]
    pub criticality: Option<Criticality>,
    /// Tags (at most 50, each 1–100 characters); duplicates are dropped.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub tags: Option<Vec<String>>,
    /// Free-form metadata object (at most 16 KiB of JSON); `{}` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to an application; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApplicationRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// New tier.
    #[serde(default)]
    pub tier: Option<Tier>,
    /// New status.
    #[serde(default)]
    pub status: Option<ApplicationStatus>,
    /// New lifecycle stage.
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    /// New owning user; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_user_id: Option<Option<Uuid>>,
    /// New owning group; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_group_id: Option<Option<Uuid>>,
    /// New supporting group; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub support_group_id: Option<Option<Uuid>>,
    /// New business unit; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 255)]
    pub business_unit: Option<Option<String>>,
    /// New criticality; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Criticality>)]
    pub criticality: Option<Option<Criticality>>,
    /// New tags, replacing the old ones.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub tags: Option<Vec<String>>,
    /// New metadata object, replacing the old one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// An environment to add to an application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnvironmentRequest {
    /// Name, unique within the application.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// What it is for.
    #[serde(rename = "type")]
    pub kind: EnvironmentType,
    /// Where it answers: an `http://` or `https://` URL.
    #[serde(default)]
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    /// Where it runs.
    #[serde(default)]
    pub cloud_provider: Option<CloudProvider>,
    /// Cloud account (an AWS account id, …).
    #[serde(default)]
    #[schema(max_length = 255)]
    pub cloud_account: Option<String>,
    /// Cloud region.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub cloud_region: Option<String>,
    /// Cloud resource ids (at most 500).
    #[serde(default)]
    #[schema(max_items = 500)]
    pub resource_ids: Option<Vec<String>>,
    /// `active` when absent.
    #[serde(default)]
    pub status: Option<EnvironmentStatus>,
    /// Free-form metadata object (at most 16 KiB of JSON); `{}` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Changes to an environment; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnvironmentRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// New type.
    #[serde(default, rename = "type")]
    pub kind: Option<EnvironmentType>,
    /// New URL; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub url: Option<Option<String>>,
    /// New cloud provider; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<CloudProvider>)]
    pub cloud_provider: Option<Option<CloudProvider>>,
    /// New cloud account; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 255)]
    pub cloud_account: Option<Option<String>>,
    /// New cloud region; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub cloud_region: Option<Option<String>>,
    /// New resource ids, replacing the old ones.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub resource_ids: Option<Vec<String>>,
    /// New status.
    #[serde(default)]
    pub status: Option<EnvironmentStatus>,
    /// New metadata object, replacing the old one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The `{id}` and `{envId}` of `/applications/{id}/environments/{envId}`; a parameter that
/// is not a UUID is a 400 naming it.
pub struct EnvironmentPath {
    /// The application.
    pub application_id: Uuid,
    /// The environment.
    pub environment_id: Uuid,
}

impl<S: Send + Sync> FromRequestParts<S> for EnvironmentPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let [application_id, environment_id] = crate::extract::path_uuids(parts, state, ["id", "envId"]).await?;
        Ok(Self {
            application_id,
            environment_id,
        })
    }
}

crate::list_query!(
    /// The query of `GET /applications`.
    pub ApplicationListQuery = LIST
);

crate::list_query!(
    /// The query of `GET /applications/{id}/environments`.
    pub EnvironmentListQuery = ENVIRONMENT_LIST
);

/// Lists the tenant's applications.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", operation_id = "list_applications",
    security(("bearer" = ["applications:read"])), params(ApplicationListQuery),
    responses((status = 200, description = "A page of applications", body = Paged<ApplicationResponse>), ReadErrors))]
pub async fn list_applications(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = ApplicationListQuery::parse(&q)?;
    let page = state.services.list_applications(&ctx, &params).await?;
    Ok(Paged::from_page(page, ApplicationResponse::from).into_response(&params))
}

/// Registers an application, numbered `APP-…`.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", operation_id = "create_application",
    security(("bearer" = ["applications:create"])), request_body = CreateApplicationRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = ApplicationResponse), WriteErrors))]
pub async fn create_application(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateApplicationRequest>,
) -> ApiResult<(StatusCode, axum::Json<ApplicationResponse>)> {
    let input = NewApplication {
        name: body.name,
        description: body.description,
        tier: body.tier,
        status: body.status,
        lifecycle_stage: body.lifecycle_stage,
        owner_user_id: body.owner_user_id.map(Into::into),
        owner_group_id: body.owner_group_id.map(Into::into),
        support_group_id: body.support_group_id.map(Into::into),
        business_unit: body.business_unit,
        criticality: body.criticality,
        tags: body.tags,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let app = state.services.create_application(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(app.into())))
}

/// One application.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", operation_id = "get_application",
    security(("bearer" = ["applications:read"])), params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, description = "The application", body = ApplicationResponse), ReadErrors))]
pub async fn get_application(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<ApplicationResponse>> {
    let app = state.services.get_application(&ctx, id.into()).await?;
    Ok(axum::Json(app.into()))
}

/// Changes an application.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", operation_id = "update_application",
    security(("bearer" = ["applications:update"])), params(("id" = Uuid, Path, description = "Application id")),
    request_body = UpdateApplicationRequest,
    responses((status = 200, description = "The changed application", body = ApplicationResponse), WriteErrors))]
pub async fn update_application(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateApplicationRequest>,
) -> ApiResult<axum::Json<ApplicationResponse>> {
    let patch = ApplicationPatch {
        version: body.version,
        name: body.name,
        description: body.description,
        tier: body.tier,
        status: body.status,
        lifecycle_stage: body.lifecycle_stage,
        owner_user_id: body.owner_user_id.map(|o| o.map(Into::into)),
        owner_group_id: body.owner_group_id.map(|o| o.map(Into::into)),
        support_group_id: body.support_group_id.map(|o| o.map(Into::into)),
        business_unit: body.business_unit,
        criticality: body.criticality,
        tags: body.tags,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let app = state.services.update_application(&ctx, id.into(), patch).await?;
    Ok(axum::Json(app.into()))
}

/// Deletes an application (soft: it leaves lists and lookups, its history stays readable).
#[utoipa::path(delete, path = "/api/v1/applications/{id}", tag = "applications", operation_id = "delete_application",
    security(("bearer" = ["applications:delete"])), params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_application(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.delete_application(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lists an application's environments.
#[utoipa::path(get, path = "/api/v1/applications/{id}/environments", tag = "applications", operation_id = "list_environments",
    security(("bearer" = ["applications:read"])), params(("id" = Uuid, Path, description = "Application id"), EnvironmentListQuery),
    responses((status = 200, description = "A page of environments", body = Paged<EnvironmentResponse>), ReadErrors))]
pub async fn list_environments(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = EnvironmentListQuery::parse(&q)?;
    let page = state.services.list_environments(&ctx, id.into(), &params).await?;
    Ok(Paged::from_page(page, EnvironmentResponse::from).into_response(&params))
}

/// Adds an environment to an application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/environments", tag = "applications", operation_id = "create_environment",
    security(("bearer" = ["applications:update"])), request_body = CreateEnvironmentRequest,
    params(("id" = Uuid, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = EnvironmentResponse), WriteErrors))]
pub async fn create_environment(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<CreateEnvironmentRequest>,
) -> ApiResult<(StatusCode, axum::Json<EnvironmentResponse>)> {
    let input = NewEnvironment {
        name: body.name,
        kind: body.kind,
        url: body.url,
        cloud_provider: body.cloud_provider,
        cloud_account: body.cloud_account,
        cloud_region: body.cloud_region,
        resource_ids: body.resource_ids,
        status: body.status,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let env = state.services.create_environment(&ctx, id.into(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(env.into())))
}

/// One environment of an application.
#[utoipa::path(get, path = "/api/v1/applications/{id}/environments/{envId}", tag = "applications", operation_id = "get_environment",
    security(("bearer" = ["applications:read"])),
    params(("id" = Uuid, Path, description = "Application id"), ("envId" = Uuid, Path, description = "Environment id")),
    responses((status = 200, description = "The environment", body = EnvironmentResponse), ReadErrors))]
pub async fn get_environment(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: EnvironmentPath,
) -> ApiResult<axum::Json<EnvironmentResponse>> {
    let env = state
        .services
        .get_environment(&ctx, path.application_id.into(), path.environment_id.into())
        .await?;
    Ok(axum::Json(env.into()))
}

/// Changes an environment.
#[utoipa::path(put, path = "/api/v1/applications/{id}/environments/{envId}", tag = "applications", operation_id = "update_environment",
    security(("bearer" = ["applications:update"])),
    params(("id" = Uuid, Path, description = "Application id"), ("envId" = Uuid, Path, description = "Environment id")),
    request_body = UpdateEnvironmentRequest,
    responses((status = 200, description = "The changed environment", body = EnvironmentResponse), WriteErrors))]
pub async fn update_environment(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: EnvironmentPath,
    Json(body): Json<UpdateEnvironmentRequest>,
) -> ApiResult<axum::Json<EnvironmentResponse>> {
    let patch = EnvironmentPatch {
        version: body.version,
        name: body.name,
        kind: body.kind,
        url: body.url,
        cloud_provider: body.cloud_provider,
        cloud_account: body.cloud_account,
        cloud_region: body.cloud_region,
        resource_ids: body.resource_ids,
        status: body.status,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let env = state
        .services
        .update_environment(&ctx, path.application_id.into(), path.environment_id.into(), patch)
        .await?;
    Ok(axum::Json(env.into()))
}

/// Deletes an environment.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/environments/{envId}", tag = "applications", operation_id = "delete_environment",
    security(("bearer" = ["applications:update"])),
    params(("id" = Uuid, Path, description = "Application id"), ("envId" = Uuid, Path, description = "Environment id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_environment(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: EnvironmentPath,
) -> ApiResult<StatusCode> {
    state
        .services
        .delete_environment(&ctx, path.application_id.into(), path.environment_id.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, create_application))
        .routes(routes!(get_application, update_application, delete_application))
        .routes(routes!(list_environments, create_environment))
        .routes(routes!(get_environment, update_environment, delete_environment))
}
