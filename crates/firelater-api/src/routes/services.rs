//! `/api/v1/services`: business services, their roll-up, relationships and stakeholders, and
//! the links between applications and the services they realise
//! (`/api/v1/applications/{id}/services`, `/api/v1/services/{id}/applications`).

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_core::applications::{ApplicationStatus, Tier};
use firelater_core::services::{
    ApplicationSummary, Rollup, Service, ServiceRelationshipType, ServiceStatus, ServiceSummary, ServiceType,
    StakeholderRole, cents_to_number,
};
use firelater_service::services::{
    APPLICATION_SERVICE_LIST, LIST, NewRelationship, NewService, RELATIONSHIP_LIST, RelationshipRow,
    SERVICE_APPLICATION_LIST, STAKEHOLDER_LIST, ServicePatch, StakeholderRow,
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

fn sla_number(hundredths: i32) -> f64 {
    f64::from(hundredths) / 100.0
}

/// A business service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceResponse {
    /// Service id.
    pub id: Uuid,
    /// Human-readable number, e.g. `SRV-00001`, unique in the tenant.
    pub number: String,
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Domain (healthcare, education, …).
    pub domain: Option<String>,
    /// Level in the portfolio.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// The parent service.
    pub parent_service_id: Option<Uuid>,
    /// Where it is in its life.
    pub status: ServiceStatus,
    /// The owning user.
    pub owner_id: Uuid,
    /// The managing user.
    pub manager_id: Option<Uuid>,
    /// SLA target, a percentage with up to 2 decimals (`99.9`).
    pub sla_target: Option<f64>,
    /// Yearly cost of people (2 decimals).
    pub cost_people: f64,
    /// Yearly cost of process (2 decimals).
    pub cost_process: f64,
    /// Yearly cost of technology (2 decimals).
    pub cost_technology: f64,
    /// The sum of the three costs; read-only.
    pub total_cost: f64,
    /// Free-form metadata.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The user who created it (`null` for an API key).
    pub created_by: Option<Uuid>,
    /// The user who changed it last (`null` for an API key).
    pub updated_by: Option<Uuid>,
}

impl From<Service> for ServiceResponse {
    fn from(s: Service) -> Self {
        Self {
            id: s.id.into(),
            total_cost: cents_to_number(s.total_cost()),
            number: s.number,
            name: s.name,
            description: s.description,
            domain: s.domain,
            kind: s.kind,
            parent_service_id: s.parent_service_id.map(Into::into),
            status: s.status,
            owner_id: s.owner_id.into(),
            manager_id: s.manager_id.map(Into::into),
            sla_target: s.sla_target.map(sla_number),
            cost_people: cents_to_number(s.cost_people),
            cost_process: cents_to_number(s.cost_process),
            cost_technology: cents_to_number(s.cost_technology),
            metadata: s.metadata,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
            created_by: s.created_by.map(Into::into),
            updated_by: s.updated_by.map(Into::into),
        }
    }
}

/// A service in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceSummaryResponse {
    /// Service id.
    pub id: Uuid,
    /// Number, e.g. `SRV-00001`.
    pub number: String,
    /// Name.
    pub name: String,
    /// Level in the portfolio.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Status.
    pub status: ServiceStatus,
}

impl From<ServiceSummary> for ServiceSummaryResponse {
    fn from(s: ServiceSummary) -> Self {
        Self {
            id: s.id.into(),
            number: s.number,
            name: s.name,
            kind: s.kind,
            status: s.status,
        }
    }
}

/// An application in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationSummaryResponse {
    /// Application id.
    pub id: Uuid,
    /// Number, e.g. `APP-00001`.
    pub app_id: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// Status.
    pub status: ApplicationStatus,
}

impl From<ApplicationSummary> for ApplicationSummaryResponse {
    fn from(a: ApplicationSummary) -> Self {
        Self {
            id: a.id.into(),
            app_id: a.app_id,
            name: a.name,
            tier: a.tier,
            status: a.status,
        }
    }
}

/// A service's roll-up over itself and its live descendants.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRollupResponse {
    /// The service.
    pub service_id: Uuid,
    /// The service and its live descendants, counted.
    pub service_count: u64,
    /// Sum of people costs.
    pub cost_people: f64,
    /// Sum of process costs.
    pub cost_process: f64,
    /// Sum of technology costs.
    pub cost_technology: f64,
    /// Sum of all costs.
    pub total_cost: f64,
    /// The worst status in the subtree (`active` < `design` < `deprecated` < `retired`).
    pub worst_status: ServiceStatus,
    /// The roll-up of each direct child.
    #[schema(no_recursion)]
    pub children: Vec<ServiceRollupResponse>,
}

impl From<Rollup> for ServiceRollupResponse {
    fn from(r: Rollup) -> Self {
        Self {
            service_id: r.service_id.into(),
            service_count: r.service_count,
            total_cost: cents_to_number(r.total_cost()),
            cost_people: cents_to_number(r.cost_people),
            cost_process: cents_to_number(r.cost_process),
            cost_technology: cents_to_number(r.cost_technology),
            worst_status: r.worst_status,
            children: r.children.into_iter().map(Into::into).collect(),
        }
    }
}

/// Which way a relationship points from the service listed.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipDirection {
    /// The service listed is the source.
    Outgoing,
    /// The service listed is the target.
    Incoming,
}

/// A typed link between two services, seen from one of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRelationshipResponse {
    /// Relationship id.
    pub id: Uuid,
    /// The service it starts from.
    pub source_service_id: Uuid,
    /// The service it points to.
    pub target_service_id: Uuid,
    /// What it means.
    pub relationship_type: ServiceRelationshipType,
    /// Free text.
    pub description: Option<String>,
    /// `outgoing` when the service listed is the source, `incoming` when it is the target.
    pub direction: RelationshipDirection,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The user who created it.
    pub created_by: Option<Uuid>,
    /// The service at the other end.
    pub related_service: ServiceSummaryResponse,
}

fn relationship_response(from: Uuid, r: RelationshipRow) -> ServiceRelationshipResponse {
    let l = r.relationship;
    let source: Uuid = l.source_service_id.into();
    ServiceRelationshipResponse {
        id: l.id.0,
        direction: if source == from {
            RelationshipDirection::Outgoing
        } else {
            RelationshipDirection::Incoming
        },
        source_service_id: source,
        target_service_id: l.target_service_id.into(),
        relationship_type: l.relationship_type,
        description: l.description,
        created_at: l.created_at,
        created_by: l.created_by.map(Into::into),
        related_service: r.related.into(),
    }
}

/// A user in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct StakeholderUser {
    /// User id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// A user's role in a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStakeholderResponse {
    /// Stakeholder entry id.
    pub id: Uuid,
    /// The service.
    pub service_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// Their role.
    pub role: StakeholderRole,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The user who added them.
    pub created_by: Option<Uuid>,
    /// The user, in short.
    pub user: StakeholderUser,
}

impl From<StakeholderRow> for ServiceStakeholderResponse {
    fn from(r: StakeholderRow) -> Self {
        let s = r.stakeholder;
        Self {
            id: s.id.0,
            service_id: s.service_id.into(),
            user_id: s.user_id.into(),
            role: s.role,
            created_at: s.created_at,
            created_by: s.created_by.map(Into::into),
            user: StakeholderUser {
                id: r.user.id.into(),
                name: r.user.name,
                email: r.user.email,
            },
        }
    }
}

/// A service to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceRequest {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Domain (healthcare, education, …).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub domain: Option<String>,
    /// Level in the portfolio.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// The parent service, a live service of this tenant.
    #[serde(default)]
    pub parent_service_id: Option<Uuid>,
    /// `design` when absent.
    #[serde(default)]
    pub status: Option<ServiceStatus>,
    /// The owning user; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// The managing user.
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    /// SLA target, a percentage from 0 to 100 with up to 2 decimals.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub sla_target: Option<f64>,
    /// Yearly cost of people, ≥ 0 with up to 2 decimals; 0 when absent.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_people: Option<f64>,
    /// Yearly cost of process, ≥ 0 with up to 2 decimals; 0 when absent.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_process: Option<f64>,
    /// Yearly cost of technology, ≥ 0 with up to 2 decimals; 0 when absent.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_technology: Option<f64>,
    /// Free-form metadata object (at most 16 KiB of JSON); `{}` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a service; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// New domain; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub domain: Option<Option<String>>,
    /// New type.
    #[serde(default, rename = "type")]
    pub kind: Option<ServiceType>,
    /// New parent; `null` makes it top-level. One below the service itself is a 422.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_service_id: Option<Option<Uuid>>,
    /// New status.
    #[serde(default)]
    pub status: Option<ServiceStatus>,
    /// New owner.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// New manager; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub manager_id: Option<Option<Uuid>>,
    /// New SLA target; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 100)]
    pub sla_target: Option<Option<f64>>,
    /// New cost of people.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_people: Option<f64>,
    /// New cost of process.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_process: Option<f64>,
    /// New cost of technology.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_technology: Option<f64>,
    /// New metadata object, replacing the old one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A relationship to make from the service in the path to another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceRelationshipRequest {
    /// The service it points to: another live service of this tenant.
    pub target_service_id: Uuid,
    /// What it means.
    pub relationship_type: ServiceRelationshipType,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
}

/// A user to give a role in the service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddServiceStakeholderRequest {
    /// The user, in this tenant.
    pub user_id: Uuid,
    /// Their role.
    pub role: StakeholderRole,
}

/// Two UUID path parameters; one that is not a UUID is a 400 naming it.
macro_rules! pair_path {
    ($(#[$doc:meta])* $name:ident, $first:literal, $second:literal) => {
        $(#[$doc])*
        pub struct $name(pub Uuid, pub Uuid);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let [a, b] = crate::extract::path_uuids(parts, state, [$first, $second]).await?;
                Ok(Self(a, b))
            }
        }
    };
}

pair_path!(
    /// The `{id}` and `{relationshipId}` of `/services/{id}/relationships/{relationshipId}`.
    RelationshipPath,
    "id",
    "relationshipId"
);
pair_path!(
    /// The `{id}` and `{stakeholderId}` of `/services/{id}/stakeholders/{stakeholderId}`.
    StakeholderPath,
    "id",
    "stakeholderId"
);
pair_path!(
    /// The `{id}` and `{serviceId}` of `/applications/{id}/services/{serviceId}`.
    ApplicationServicePath,
    "id",
    "serviceId"
);

crate::list_query!(
    /// The query of `GET /services`.
    pub ServiceListQuery = LIST
);

crate::list_query!(
    /// The query of `GET /services/{id}/relationships`.
    pub ServiceRelationshipListQuery = RELATIONSHIP_LIST
);

crate::list_query!(
    /// The query of `GET /services/{id}/stakeholders`.
    pub ServiceStakeholderListQuery = STAKEHOLDER_LIST
);

crate::list_query!(
    /// The query of `GET /applications/{id}/services`.
    pub ApplicationServiceListQuery = APPLICATION_SERVICE_LIST
);

crate::list_query!(
    /// The query of `GET /services/{id}/applications`.
    pub ServiceApplicationListQuery = SERVICE_APPLICATION_LIST
);

/// Lists the tenant's business services.
#[utoipa::path(get, path = "/api/v1/services", tag = "services", operation_id = "list_services",
    security(("bearer" = ["services:read"])), params(ServiceListQuery),
    responses((status = 200, description = "A page of services", body = Paged<ServiceResponse>), ReadErrors))]
pub async fn list_services(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = ServiceListQuery::parse(&q)?;
    let page = state.services.list_services(&ctx, &params).await?;
    Ok(Paged::from_page(page, ServiceResponse::from).into_response(&params))
}

/// Creates a business service, numbered `SRV-…`.
#[utoipa::path(post, path = "/api/v1/services", tag = "services", operation_id = "create_service",
    security(("bearer" = ["services:create"])), request_body = CreateServiceRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = ServiceResponse), WriteErrors))]
pub async fn create_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateServiceRequest>,
) -> ApiResult<(StatusCode, axum::Json<ServiceResponse>)> {
    let input = NewService {
        name: body.name,
        description: body.description,
        domain: body.domain,
        kind: body.kind,
        parent_service_id: body.parent_service_id.map(Into::into),
        status: body.status,
        owner_id: body.owner_id.map(Into::into),
        manager_id: body.manager_id.map(Into::into),
        sla_target: body.sla_target,
        cost_people: body.cost_people,
        cost_process: body.cost_process,
        cost_technology: body.cost_technology,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let s = state.services.create_service(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(s.into())))
}

/// One business service.
#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "services", operation_id = "get_service",
    security(("bearer" = ["services:read"])), params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, description = "The service", body = ServiceResponse), ReadErrors))]
pub async fn get_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<ServiceResponse>> {
    let s = state.services.get_service(&ctx, id.into()).await?;
    Ok(axum::Json(s.into()))
}

/// Changes a business service.
#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "services", operation_id = "update_service",
    security(("bearer" = ["services:update"])), params(("id" = Uuid, Path, description = "Service id")),
    request_body = UpdateServiceRequest,
    responses((status = 200, description = "The changed service", body = ServiceResponse), WriteErrors))]
pub async fn update_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateServiceRequest>,
) -> ApiResult<axum::Json<ServiceResponse>> {
    let patch = ServicePatch {
        version: body.version,
        name: body.name,
        description: body.description,
        domain: body.domain,
        kind: body.kind,
        parent_service_id: body.parent_service_id.map(|p| p.map(Into::into)),
        status: body.status,
        owner_id: body.owner_id.map(Into::into),
        manager_id: body.manager_id.map(|m| m.map(Into::into)),
        sla_target: body.sla_target,
        cost_people: body.cost_people,
        cost_process: body.cost_process,
        cost_technology: body.cost_technology,
        metadata: body.metadata.map(serde_json::Value::Object),
    };
    let s = state.services.update_service(&ctx, id.into(), patch).await?;
    Ok(axum::Json(s.into()))
}

/// Deletes a business service (soft); refused while it has live child services.
#[utoipa::path(delete, path = "/api/v1/services/{id}", tag = "services", operation_id = "delete_service",
    security(("bearer" = ["services:delete"])), params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.delete_service(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A service's costs summed, and its worst status, over its live subtree.
#[utoipa::path(get, path = "/api/v1/services/{id}/rollup", tag = "services", operation_id = "get_service_rollup",
    security(("bearer" = ["services:read"])), params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, description = "The roll-up", body = ServiceRollupResponse), ReadErrors))]
pub async fn get_service_rollup(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<ServiceRollupResponse>> {
    let r = state.services.service_rollup(&ctx, id.into()).await?;
    Ok(axum::Json(r.into()))
}

/// The relationships that start or end at a service.
#[utoipa::path(get, path = "/api/v1/services/{id}/relationships", tag = "services", operation_id = "list_service_relationships",
    security(("bearer" = ["services:read"])), params(("id" = Uuid, Path, description = "Service id"), ServiceRelationshipListQuery),
    responses((status = 200, description = "A page of relationships", body = Paged<ServiceRelationshipResponse>), ReadErrors))]
pub async fn list_service_relationships(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = ServiceRelationshipListQuery::parse(&q)?;
    let page = state
        .services
        .list_service_relationships(&ctx, id.into(), &params)
        .await?;
    Ok(Paged::from_page(page, |r| relationship_response(id, r)).into_response(&params))
}

/// Links the service to another.
#[utoipa::path(post, path = "/api/v1/services/{id}/relationships", tag = "services", operation_id = "create_service_relationship",
    security(("bearer" = ["services:update"])), request_body = CreateServiceRelationshipRequest,
    params(("id" = Uuid, Path, description = "Service id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = ServiceRelationshipResponse), WriteErrors))]
pub async fn create_service_relationship(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<CreateServiceRelationshipRequest>,
) -> ApiResult<(StatusCode, axum::Json<ServiceRelationshipResponse>)> {
    let input = NewRelationship {
        target_service_id: body.target_service_id.into(),
        relationship_type: body.relationship_type,
        description: body.description,
    };
    let r = state
        .services
        .create_service_relationship(&ctx, id.into(), input)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(relationship_response(id, r))))
}

/// Removes a relationship that starts or ends at the service.
#[utoipa::path(delete, path = "/api/v1/services/{id}/relationships/{relationshipId}", tag = "services", operation_id = "delete_service_relationship",
    security(("bearer" = ["services:update"])),
    params(("id" = Uuid, Path, description = "Service id"), ("relationshipId" = Uuid, Path, description = "Relationship id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_service_relationship(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    RelationshipPath(id, relationship): RelationshipPath,
) -> ApiResult<StatusCode> {
    state
        .services
        .delete_service_relationship(&ctx, id.into(), relationship.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A service's stakeholders.
#[utoipa::path(get, path = "/api/v1/services/{id}/stakeholders", tag = "services", operation_id = "list_service_stakeholders",
    security(("bearer" = ["services:read"])), params(("id" = Uuid, Path, description = "Service id"), ServiceStakeholderListQuery),
    responses((status = 200, description = "A page of stakeholders", body = Paged<ServiceStakeholderResponse>), ReadErrors))]
pub async fn list_service_stakeholders(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = ServiceStakeholderListQuery::parse(&q)?;
    let page = state
        .services
        .list_service_stakeholders(&ctx, id.into(), &params)
        .await?;
    Ok(Paged::from_page(page, ServiceStakeholderResponse::from).into_response(&params))
}

/// Gives a user a role in the service.
#[utoipa::path(post, path = "/api/v1/services/{id}/stakeholders", tag = "services", operation_id = "add_service_stakeholder",
    security(("bearer" = ["services:update"])), request_body = AddServiceStakeholderRequest,
    params(("id" = Uuid, Path, description = "Service id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Added", body = ServiceStakeholderResponse), WriteErrors))]
pub async fn add_service_stakeholder(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<AddServiceStakeholderRequest>,
) -> ApiResult<(StatusCode, axum::Json<ServiceStakeholderResponse>)> {
    let s = state
        .services
        .add_service_stakeholder(&ctx, id.into(), body.user_id.into(), body.role)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(s.into())))
}

/// Takes a stakeholder's role in the service away.
#[utoipa::path(delete, path = "/api/v1/services/{id}/stakeholders/{stakeholderId}", tag = "services", operation_id = "remove_service_stakeholder",
    security(("bearer" = ["services:update"])),
    params(("id" = Uuid, Path, description = "Service id"), ("stakeholderId" = Uuid, Path, description = "Stakeholder entry id")),
    responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove_service_stakeholder(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    StakeholderPath(id, stakeholder): StakeholderPath,
) -> ApiResult<StatusCode> {
    state
        .services
        .remove_service_stakeholder(&ctx, id.into(), stakeholder.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The live applications that realise a service (also needs `applications:read`).
#[utoipa::path(get, path = "/api/v1/services/{id}/applications", tag = "services", operation_id = "list_service_applications",
    security(("bearer" = ["services:read"])), params(("id" = Uuid, Path, description = "Service id"), ServiceApplicationListQuery),
    responses((status = 200, description = "A page of applications", body = Paged<ApplicationSummaryResponse>), ReadErrors))]
pub async fn list_service_applications(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = ServiceApplicationListQuery::parse(&q)?;
    let page = state
        .services
        .list_service_applications(&ctx, id.into(), &params)
        .await?;
    Ok(Paged::from_page(page, ApplicationSummaryResponse::from).into_response(&params))
}

/// The live services an application realises (also needs `services:read`).
#[utoipa::path(get, path = "/api/v1/applications/{id}/services", tag = "services", operation_id = "list_application_services",
    security(("bearer" = ["applications:read"])), params(("id" = Uuid, Path, description = "Application id"), ApplicationServiceListQuery),
    responses((status = 200, description = "A page of services", body = Paged<ServiceSummaryResponse>), ReadErrors))]
pub async fn list_application_services(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = ApplicationServiceListQuery::parse(&q)?;
    let page = state
        .services
        .list_application_services(&ctx, id.into(), &params)
        .await?;
    Ok(Paged::from_page(page, ServiceSummaryResponse::from).into_response(&params))
}

/// Records that an application realises a service (also needs `services:read`). Idempotent:
/// attaching again answers 200 and changes nothing.
#[utoipa::path(put, path = "/api/v1/applications/{id}/services/{serviceId}", tag = "services", operation_id = "attach_application_service",
    security(("bearer" = ["applications:update"])),
    params(("id" = Uuid, Path, description = "Application id"), ("serviceId" = Uuid, Path, description = "Service id")),
    responses((status = 200, description = "Attached (now or before)", body = ServiceSummaryResponse), WriteErrors))]
pub async fn attach_application_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    ApplicationServicePath(id, service): ApplicationServicePath,
) -> ApiResult<axum::Json<ServiceSummaryResponse>> {
    let s = state
        .services
        .attach_application_service(&ctx, id.into(), service.into())
        .await?;
    Ok(axum::Json(s.into()))
}

/// Removes the record that an application realises a service (also needs `services:read`);
/// 404 when it was not attached.
#[utoipa::path(delete, path = "/api/v1/applications/{id}/services/{serviceId}", tag = "services", operation_id = "detach_application_service",
    security(("bearer" = ["applications:update"])),
    params(("id" = Uuid, Path, description = "Application id"), ("serviceId" = Uuid, Path, description = "Service id")),
    responses((status = 204, description = "Detached"), WriteErrors))]
pub async fn detach_application_service(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    ApplicationServicePath(id, service): ApplicationServicePath,
) -> ApiResult<StatusCode> {
    state
        .services
        .detach_application_service(&ctx, id.into(), service.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(get_service, update_service, delete_service))
        .routes(routes!(get_service_rollup))
        .routes(routes!(list_service_relationships, create_service_relationship))
        .routes(routes!(delete_service_relationship))
        .routes(routes!(list_service_stakeholders, add_service_stakeholder))
        .routes(routes!(remove_service_stakeholder))
        .routes(routes!(list_service_applications))
        .routes(routes!(list_application_services))
        .routes(routes!(attach_application_service, detach_application_service))
}
