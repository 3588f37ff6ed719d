//! `/api/v1/cmdb`: the CMDB's classes, configuration items and relationships, impact
//! analysis and neighbourhood graphs of a CI, and `/api/v1/applications/{id}/impact` and
//! `/graph`, the same from an application's CIs.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_core::applications::{ApplicationStatus, Tier};
use firelater_core::cmdb::impact::parse_query;
use firelater_core::cmdb::{
    CiClass, CiEnvironment, CiRelationship, CiStatus, CiSummary, ConfigItem, DEFAULT_GRAPH_DEPTH, DEFAULT_IMPACT_DEPTH,
    ImpactDirection, MAX_GRAPH_DEPTH, MAX_IMPACT_DEPTH, RelationshipDirection, RelationshipType,
};
use firelater_service::cmdb::{
    CI_LIST, CLASS_LIST, CiPatch, ClassPatch, Graph, Impact, ImpactRoot, NewCi, NewClass, NewRelationship,
    RELATED_LIST, RELATIONSHIP_LIST, Related,
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A class of configuration items.
#[derive(Debug, Serialize, ToSchema)]
pub struct CiClassResponse {
    /// Class id.
    pub id: Uuid,
    /// Slug, unique in the tenant, e.g. `server`.
    pub name: String,
    /// Human name.
    pub label: String,
    /// Free text.
    pub description: Option<String>,
    /// The JSON Schema its CIs' `attributes` must satisfy (a subset: ADR 0018), or `null`.
    #[schema(value_type = Option<Object>)]
    pub attribute_schema: Option<serde_json::Value>,
    /// How many live configuration items have this class.
    pub ci_count: u64,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<CiClass> for CiClassResponse {
    fn from(c: CiClass) -> Self {
        Self {
            id: c.id.into(),
            name: c.name,
            label: c.label,
            description: c.description,
            attribute_schema: c.attribute_schema,
            ci_count: c.ci_count,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A class to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCiClassRequest {
    /// Slug: `^[a-z][a-z0-9_]{0,62}$`, unique in the tenant.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,62}$")]
    pub name: String,
    /// Human name.
    #[schema(min_length = 1, max_length = 255)]
    pub label: String,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// A JSON Schema for the attributes, using only `type`, `properties`, `required`, `enum`,
    /// `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`, `format` (`date-time`,
    /// `ipv4`, `uri`, `email`), `additionalProperties`, `items`, `title` and `description`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub attribute_schema: Option<serde_json::Value>,
}

/// Changes to a class; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCiClassRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New name (refused with 409 `class_in_use` while CIs have the class).
    #[serde(default)]
    #[schema(pattern = "^[a-z][a-z0-9_]{0,62}$")]
    pub name: Option<String>,
    /// New label.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub label: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// New attribute schema; `null` removes it. Existing CIs are not rewritten.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Object>)]
    pub attribute_schema: Option<Option<serde_json::Value>>,
}

/// A configuration item.
#[derive(Debug, Serialize, ToSchema)]
pub struct CiResponse {
    /// CI id.
    pub id: Uuid,
    /// Human-readable number, e.g. `CI-00001`, unique in the tenant.
    pub number: String,
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Its class's name.
    pub ci_class: String,
    /// Whether it is in service.
    pub status: CiStatus,
    /// Its environment.
    pub environment: CiEnvironment,
    /// The business service it supports.
    pub service_id: Option<Uuid>,
    /// The application it belongs to.
    pub application_id: Option<Uuid>,
    /// Owner.
    pub owner_id: Uuid,
    /// Who manages it.
    pub managed_by: Option<Uuid>,
    /// Class-specific attributes.
    #[schema(value_type = Object)]
    pub attributes: serde_json::Value,
    /// What discovered it.
    pub discovered_by: Option<String>,
    /// When it was last discovered.
    pub last_discovered_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it (a user or an API key).
    pub created_by: Uuid,
    /// Who changed it last.
    pub updated_by: Uuid,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
}

impl From<ConfigItem> for CiResponse {
    fn from(c: ConfigItem) -> Self {
        Self {
            id: c.id.into(),
            number: c.number,
            name: c.name,
            description: c.description,
            ci_class: c.ci_class,
            status: c.status,
            environment: c.environment,
            service_id: c.service_id,
            application_id: c.application_id.map(Into::into),
            owner_id: c.owner_id.into(),
            managed_by: c.managed_by.map(Into::into),
            attributes: c.attributes,
            discovered_by: c.discovered_by,
            last_discovered_at: c.last_discovered_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            created_by: c.created_by.into(),
            updated_by: c.updated_by.into(),
            version: c.version,
        }
    }
}

/// A configuration item to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCiRequest {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// The name of one of the tenant's classes.
    pub ci_class: String,
    /// `active` when absent.
    #[serde(default)]
    pub status: Option<CiStatus>,
    /// Its environment.
    pub environment: CiEnvironment,
    /// The business service it supports.
    #[serde(default)]
    pub service_id: Option<Uuid>,
    /// A live application of the tenant.
    #[serde(default)]
    pub application_id: Option<Uuid>,
    /// A user of the tenant; the caller when absent.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// A user of the tenant.
    #[serde(default)]
    pub managed_by: Option<Uuid>,
    /// Attributes satisfying the class's schema; `{}` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<serde_json::Value>,
    /// What discovered it, e.g. `aws-auto-discovery`.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub discovered_by: Option<String>,
    /// When it was last discovered.
    #[serde(default)]
    pub last_discovered_at: Option<DateTime<Utc>>,
}

/// Changes to a configuration item; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCiRequest {
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
    /// New class (the attributes are checked against its schema).
    #[serde(default)]
    pub ci_class: Option<String>,
    /// New status.
    #[serde(default)]
    pub status: Option<CiStatus>,
    /// New environment.
    #[serde(default)]
    pub environment: Option<CiEnvironment>,
    /// New business service; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub service_id: Option<Option<Uuid>>,
    /// New application; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub application_id: Option<Option<Uuid>>,
    /// New owner.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// New manager; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub managed_by: Option<Option<Uuid>>,
    /// New attributes, replacing the old ones.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<serde_json::Value>,
    /// New discovery source; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub discovered_by: Option<Option<String>>,
    /// New discovery time; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub last_discovered_at: Option<Option<DateTime<Utc>>>,
}

/// A relationship between two configuration items: `source` `relationship_type` `target`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CiRelationshipResponse {
    /// Relationship id.
    pub id: Uuid,
    /// The source CI.
    pub source_ci_id: Uuid,
    /// The target CI.
    pub target_ci_id: Uuid,
    /// How the source relates to the target.
    pub relationship_type: RelationshipType,
    /// Free text.
    pub description: Option<String>,
    /// Who made it (a user or an API key).
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<CiRelationship> for CiRelationshipResponse {
    fn from(r: CiRelationship) -> Self {
        Self {
            id: r.id.into(),
            source_ci_id: r.source_ci_id.into(),
            target_ci_id: r.target_ci_id.into(),
            relationship_type: r.relationship_type,
            description: r.description,
            created_by: r.created_by.into(),
            created_at: r.created_at,
        }
    }
}

/// A relationship to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCiRelationshipRequest {
    /// The source CI, live and of this tenant.
    pub source_ci_id: Uuid,
    /// The target CI, live, of this tenant and not the source.
    pub target_ci_id: Uuid,
    /// How the source relates to the target.
    pub relationship_type: RelationshipType,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
}

/// A configuration item in brief.
#[derive(Debug, Serialize, ToSchema)]
pub struct CiSummaryResponse {
    /// CI id.
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Class name.
    pub ci_class: String,
    /// Status.
    pub status: CiStatus,
    /// Environment.
    pub environment: CiEnvironment,
    /// Its application.
    pub application_id: Option<Uuid>,
    /// Its business service.
    pub service_id: Option<Uuid>,
}

impl From<CiSummary> for CiSummaryResponse {
    fn from(c: CiSummary) -> Self {
        Self {
            id: c.id.into(),
            number: c.number,
            name: c.name,
            ci_class: c.ci_class,
            status: c.status,
            environment: c.environment,
            application_id: c.application_id.map(Into::into),
            service_id: c.service_id,
        }
    }
}

/// A relationship of a CI seen from that CI.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedCiResponse {
    /// Relationship id.
    pub id: Uuid,
    /// The source CI.
    pub source_ci_id: Uuid,
    /// The target CI.
    pub target_ci_id: Uuid,
    /// How the source relates to the target.
    pub relationship_type: RelationshipType,
    /// Free text.
    pub description: Option<String>,
    /// Who made it.
    pub created_by: Uuid,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// `outgoing` when the CI is the source, `incoming` when it is the target.
    pub direction: RelationshipDirection,
    /// The CI at the other end.
    pub related_ci: CiSummaryResponse,
}

impl From<Related> for RelatedCiResponse {
    fn from(r: Related) -> Self {
        let rel = CiRelationshipResponse::from(r.relationship);
        Self {
            id: rel.id,
            source_ci_id: rel.source_ci_id,
            target_ci_id: rel.target_ci_id,
            relationship_type: rel.relationship_type,
            description: rel.description,
            created_by: rel.created_by,
            created_at: rel.created_at,
            direction: r.direction,
            related_ci: r.related.into(),
        }
    }
}

/// An application in brief.
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

impl From<firelater_core::applications::Application> for ApplicationSummaryResponse {
    fn from(a: firelater_core::applications::Application) -> Self {
        Self {
            id: a.id.into(),
            app_id: a.app_id,
            name: a.name,
            tier: a.tier,
            status: a.status,
        }
    }
}

/// Where an impact analysis started: a CI or an application.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ImpactRootResponse {
    /// A CI.
    Ci(CiSummaryResponse),
    /// An application.
    Application(ApplicationSummaryResponse),
}

/// A CI an impact analysis reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactNodeResponse {
    /// The CI.
    pub ci: CiSummaryResponse,
    /// Its least number of steps from a start CI.
    pub depth: u32,
    /// CI ids from a start CI to this one, inclusive.
    pub path: Vec<Uuid>,
    /// The type of the relationship that reached it; `null` for a start CI.
    pub relationship_type: Option<RelationshipType>,
}

/// A relationship among a result's CIs.
#[derive(Debug, Serialize, ToSchema)]
pub struct CiEdgeResponse {
    /// Relationship id.
    pub id: Uuid,
    /// Source CI.
    pub source_ci_id: Uuid,
    /// Target CI.
    pub target_ci_id: Uuid,
    /// Type.
    pub relationship_type: RelationshipType,
}

/// A business service a result reaches.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRefResponse {
    /// Service id.
    pub id: Uuid,
}

/// The result of an impact analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactResponse {
    /// `downstream` (what a failure reaches) or `upstream` (what the start needs).
    pub direction: ImpactDirection,
    /// The most steps walked.
    pub depth: u32,
    /// Where it started.
    pub root: ImpactRootResponse,
    /// The CIs reached, each once at its least depth, nearest first.
    pub nodes: Vec<ImpactNodeResponse>,
    /// The relationships the analysis followed.
    pub edges: Vec<CiEdgeResponse>,
    /// The applications of the reached CIs, other than the start application.
    pub applications: Vec<ApplicationSummaryResponse>,
    /// The business services of the reached CIs.
    pub services: Vec<ServiceRefResponse>,
}

fn edges(e: Vec<firelater_service::cmdb::ResultEdge>) -> Vec<CiEdgeResponse> {
    e.into_iter()
        .map(|(id, source_ci_id, target_ci_id, relationship_type)| CiEdgeResponse {
            id,
            source_ci_id,
            target_ci_id,
            relationship_type,
        })
        .collect()
}

impl From<Impact> for ImpactResponse {
    fn from(i: Impact) -> Self {
        Self {
            direction: i.direction,
            depth: i.depth,
            root: match i.root {
                ImpactRoot::Ci(c) => ImpactRootResponse::Ci(c.into()),
                ImpactRoot::Application(a) => ImpactRootResponse::Application(a.into()),
            },
            nodes: i
                .nodes
                .into_iter()
                .map(|n| ImpactNodeResponse {
                    ci: n.ci.into(),
                    depth: n.depth,
                    path: n.path,
                    relationship_type: n.relationship_type,
                })
                .collect(),
            edges: edges(i.edges),
            applications: i.applications.into_iter().map(Into::into).collect(),
            services: i.services.into_iter().map(|id| ServiceRefResponse { id }).collect(),
        }
    }
}

/// A CI of a neighbourhood graph.
#[derive(Debug, Serialize, ToSchema)]
pub struct GraphNodeResponse {
    /// CI id.
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Class name.
    pub ci_class: String,
    /// Status.
    pub status: CiStatus,
    /// Environment.
    pub environment: CiEnvironment,
    /// Its application.
    pub application_id: Option<Uuid>,
    /// Its business service.
    pub service_id: Option<Uuid>,
    /// Steps from the start (0 for a start CI).
    pub depth: u32,
}

/// The neighbourhood of a CI or an application, for the graph view.
#[derive(Debug, Serialize, ToSchema)]
pub struct GraphResponse {
    /// The CIs, nearest first.
    pub nodes: Vec<GraphNodeResponse>,
    /// The relationships among them.
    pub edges: Vec<CiEdgeResponse>,
    /// Whether farther CIs were left out to keep the graph to 500 nodes.
    pub truncated: bool,
}

impl From<Graph> for GraphResponse {
    fn from(g: Graph) -> Self {
        Self {
            nodes: g
                .nodes
                .into_iter()
                .map(|n| GraphNodeResponse {
                    id: n.ci.id.into(),
                    number: n.ci.number,
                    name: n.ci.name,
                    ci_class: n.ci.ci_class,
                    status: n.ci.status,
                    environment: n.ci.environment,
                    application_id: n.ci.application_id.map(Into::into),
                    service_id: n.ci.service_id,
                    depth: n.depth,
                })
                .collect(),
            edges: edges(g.edges),
            truncated: g.truncated,
        }
    }
}

crate::list_query!(
    /// The query of `GET /cmdb/classes`.
    pub CiClassListQuery = CLASS_LIST
);

crate::list_query!(
    /// The query of `GET /cmdb/cis`.
    pub CiListQuery = CI_LIST
);

crate::list_query!(
    /// The query of `GET /cmdb/relationships`.
    pub CiRelationshipListQuery = RELATIONSHIP_LIST
);

crate::list_query!(
    /// The query of `GET /cmdb/cis/{id}/relationships`.
    pub RelatedCiListQuery = RELATED_LIST
);

/// Lists the tenant's CI classes with their CI counts.
#[utoipa::path(get, path = "/api/v1/cmdb/classes", tag = "cmdb", operation_id = "list_ci_classes",
    security(("bearer" = ["cmdb:read"])), params(CiClassListQuery),
    responses((status = 200, description = "A page of classes", body = Paged<CiClassResponse>), ReadErrors))]
pub async fn list_ci_classes(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = CiClassListQuery::parse(&q)?;
    let page = state.services.list_ci_classes(&ctx, &params).await?;
    Ok(Paged::from_page(page, CiClassResponse::from).into_response(&params))
}

/// Adds a CI class.
#[utoipa::path(post, path = "/api/v1/cmdb/classes", tag = "cmdb", operation_id = "create_ci_class",
    security(("bearer" = ["cmdb:create"])), request_body = CreateCiClassRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = CiClassResponse), WriteErrors))]
pub async fn create_ci_class(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateCiClassRequest>,
) -> ApiResult<(StatusCode, axum::Json<CiClassResponse>)> {
    let input = NewClass {
        name: body.name,
        label: body.label,
        description: body.description,
        attribute_schema: body.attribute_schema,
    };
    let c = state.services.create_ci_class(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}

/// One CI class.
#[utoipa::path(get, path = "/api/v1/cmdb/classes/{id}", tag = "cmdb", operation_id = "get_ci_class",
    security(("bearer" = ["cmdb:read"])), params(("id" = Uuid, Path, description = "Class id")),
    responses((status = 200, description = "The class", body = CiClassResponse), ReadErrors))]
pub async fn get_ci_class(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<CiClassResponse>> {
    Ok(axum::Json(state.services.get_ci_class(&ctx, id.into()).await?.into()))
}

/// Changes a CI class; its CIs are not rewritten.
#[utoipa::path(put, path = "/api/v1/cmdb/classes/{id}", tag = "cmdb", operation_id = "update_ci_class",
    security(("bearer" = ["cmdb:update"])), params(("id" = Uuid, Path, description = "Class id")),
    request_body = UpdateCiClassRequest,
    responses((status = 200, description = "The changed class", body = CiClassResponse), WriteErrors))]
pub async fn update_ci_class(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateCiClassRequest>,
) -> ApiResult<axum::Json<CiClassResponse>> {
    let patch = ClassPatch {
        version: body.version,
        name: body.name,
        label: body.label,
        description: body.description,
        attribute_schema: body.attribute_schema,
    };
    Ok(axum::Json(
        state.services.update_ci_class(&ctx, id.into(), patch).await?.into(),
    ))
}

/// Deletes a CI class that no live CI has (else 409 `class_in_use`).
#[utoipa::path(delete, path = "/api/v1/cmdb/classes/{id}", tag = "cmdb", operation_id = "delete_ci_class",
    security(("bearer" = ["cmdb:delete"])), params(("id" = Uuid, Path, description = "Class id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_ci_class(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.delete_ci_class(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lists the tenant's configuration items; `attr.<key>=<value>` filters by attribute.
#[utoipa::path(get, path = "/api/v1/cmdb/cis", tag = "cmdb", operation_id = "list_cis",
    security(("bearer" = ["cmdb:read"])), params(CiListQuery),
    responses((status = 200, description = "A page of configuration items", body = Paged<CiResponse>), ReadErrors))]
pub async fn list_cis(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = CiListQuery::parse(&q)?;
    let page = state.services.list_cis(&ctx, &params).await?;
    Ok(Paged::from_page(page, CiResponse::from).into_response(&params))
}

/// Adds a configuration item, numbered `CI-…`.
#[utoipa::path(post, path = "/api/v1/cmdb/cis", tag = "cmdb", operation_id = "create_ci",
    security(("bearer" = ["cmdb:create"])), request_body = CreateCiRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = CiResponse), WriteErrors))]
pub async fn create_ci(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateCiRequest>,
) -> ApiResult<(StatusCode, axum::Json<CiResponse>)> {
    let input = NewCi {
        name: body.name,
        description: body.description,
        ci_class: body.ci_class,
        status: body.status,
        environment: body.environment,
        service_id: body.service_id,
        application_id: body.application_id.map(Into::into),
        owner_id: body.owner_id.map(Into::into),
        managed_by: body.managed_by.map(Into::into),
        attributes: body.attributes,
        discovered_by: body.discovered_by,
        last_discovered_at: body.last_discovered_at,
    };
    let c = state.services.create_ci(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}

/// One configuration item.
#[utoipa::path(get, path = "/api/v1/cmdb/cis/{id}", tag = "cmdb", operation_id = "get_ci",
    security(("bearer" = ["cmdb:read"])), params(("id" = Uuid, Path, description = "CI id")),
    responses((status = 200, description = "The configuration item", body = CiResponse), ReadErrors))]
pub async fn get_ci(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<CiResponse>> {
    Ok(axum::Json(state.services.get_ci(&ctx, id.into()).await?.into()))
}

/// Changes a configuration item.
#[utoipa::path(put, path = "/api/v1/cmdb/cis/{id}", tag = "cmdb", operation_id = "update_ci",
    security(("bearer" = ["cmdb:update"])), params(("id" = Uuid, Path, description = "CI id")),
    request_body = UpdateCiRequest,
    responses((status = 200, description = "The changed configuration item", body = CiResponse), WriteErrors))]
pub async fn update_ci(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateCiRequest>,
) -> ApiResult<axum::Json<CiResponse>> {
    let patch = CiPatch {
        version: body.version,
        name: body.name,
        description: body.description,
        ci_class: body.ci_class,
        status: body.status,
        environment: body.environment,
        service_id: body.service_id,
        application_id: body.application_id.map(|a| a.map(Into::into)),
        owner_id: body.owner_id.map(Into::into),
        managed_by: body.managed_by.map(|m| m.map(Into::into)),
        attributes: body.attributes,
        discovered_by: body.discovered_by,
        last_discovered_at: body.last_discovered_at,
    };
    Ok(axum::Json(
        state.services.update_ci(&ctx, id.into(), patch).await?.into(),
    ))
}

/// Deletes a configuration item (soft: its history and relationship rows stay).
#[utoipa::path(delete, path = "/api/v1/cmdb/cis/{id}", tag = "cmdb", operation_id = "delete_ci",
    security(("bearer" = ["cmdb:delete"])), params(("id" = Uuid, Path, description = "CI id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_ci(State(state): State<AppState>, Auth(ctx): Auth, IdPath(id): IdPath) -> ApiResult<StatusCode> {
    state.services.delete_ci(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The relationships of a configuration item in both directions, each with the CI at its
/// other end.
#[utoipa::path(get, path = "/api/v1/cmdb/cis/{id}/relationships", tag = "cmdb", operation_id = "list_ci_relationships_of_ci",
    security(("bearer" = ["cmdb:read"])), params(("id" = Uuid, Path, description = "CI id"), RelatedCiListQuery),
    responses((status = 200, description = "A page of its relationships", body = Paged<RelatedCiResponse>), ReadErrors))]
pub async fn list_ci_relationships_of_ci(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = RelatedCiListQuery::parse(&q)?;
    let page = state.services.ci_relationships_of(&ctx, id.into(), &params).await?;
    Ok(Paged::from_page(page, RelatedCiResponse::from).into_response(&params))
}

/// What a failure of the CI reaches (`downstream`) or what it needs (`upstream`).
#[utoipa::path(get, path = "/api/v1/cmdb/cis/{id}/impact", tag = "cmdb", operation_id = "get_ci_impact",
    security(("bearer" = ["cmdb:read"])),
    params(("id" = Uuid, Path, description = "CI id"),
        ("direction" = Option<ImpactDirection>, Query, description = "`downstream` (the default): everything hit if it fails; `upstream`: what it needs."),
        ("depth" = Option<u32>, Query, minimum = 1, maximum = 10, description = "The most steps to walk, 1 to 10; 5 when absent.")),
    responses((status = 200, description = "The impact analysis", body = ImpactResponse), ReadErrors))]
pub async fn get_ci_impact(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<ImpactResponse>> {
    let (direction, depth) = parse_query(&q.0, true, MAX_IMPACT_DEPTH, DEFAULT_IMPACT_DEPTH)?;
    Ok(axum::Json(
        state
            .services
            .ci_impact(&ctx, id.into(), direction, depth)
            .await?
            .into(),
    ))
}

/// The neighbourhood of a CI over every relationship, both ways, for the graph view.
#[utoipa::path(get, path = "/api/v1/cmdb/cis/{id}/graph", tag = "cmdb", operation_id = "get_ci_graph",
    security(("bearer" = ["cmdb:read"])),
    params(("id" = Uuid, Path, description = "CI id"),
        ("depth" = Option<u32>, Query, minimum = 1, maximum = 5, description = "The most steps to reach, 1 to 5; 2 when absent.")),
    responses((status = 200, description = "The graph, at most 500 nodes", body = GraphResponse), ReadErrors))]
pub async fn get_ci_graph(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<GraphResponse>> {
    let (_, depth) = parse_query(&q.0, false, MAX_GRAPH_DEPTH, DEFAULT_GRAPH_DEPTH)?;
    Ok(axum::Json(
        state.services.ci_graph(&ctx, id.into(), depth).await?.into(),
    ))
}

/// The impact analysis of an application, from its live CIs.
#[utoipa::path(get, path = "/api/v1/applications/{id}/impact", tag = "cmdb", operation_id = "get_application_impact",
    security(("bearer" = ["cmdb:read"])),
    params(("id" = Uuid, Path, description = "Application id"),
        ("direction" = Option<ImpactDirection>, Query, description = "`downstream` (the default): everything hit if it fails; `upstream`: what it needs."),
        ("depth" = Option<u32>, Query, minimum = 1, maximum = 10, description = "The most steps to walk, 1 to 10; 5 when absent.")),
    responses((status = 200, description = "The impact analysis", body = ImpactResponse), ReadErrors))]
pub async fn get_application_impact(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<ImpactResponse>> {
    let (direction, depth) = parse_query(&q.0, true, MAX_IMPACT_DEPTH, DEFAULT_IMPACT_DEPTH)?;
    Ok(axum::Json(
        state
            .services
            .application_impact(&ctx, id.into(), direction, depth)
            .await?
            .into(),
    ))
}

/// The neighbourhood of an application's CIs, for the graph view.
#[utoipa::path(get, path = "/api/v1/applications/{id}/graph", tag = "cmdb", operation_id = "get_application_graph",
    security(("bearer" = ["cmdb:read"])),
    params(("id" = Uuid, Path, description = "Application id"),
        ("depth" = Option<u32>, Query, minimum = 1, maximum = 5, description = "The most steps to reach, 1 to 5; 2 when absent.")),
    responses((status = 200, description = "The graph, at most 500 nodes", body = GraphResponse), ReadErrors))]
pub async fn get_application_graph(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<GraphResponse>> {
    let (_, depth) = parse_query(&q.0, false, MAX_GRAPH_DEPTH, DEFAULT_GRAPH_DEPTH)?;
    Ok(axum::Json(
        state.services.application_graph(&ctx, id.into(), depth).await?.into(),
    ))
}

/// Lists relationships between live configuration items.
#[utoipa::path(get, path = "/api/v1/cmdb/relationships", tag = "cmdb", operation_id = "list_ci_relationships",
    security(("bearer" = ["cmdb:read"])), params(CiRelationshipListQuery),
    responses((status = 200, description = "A page of relationships", body = Paged<CiRelationshipResponse>), ReadErrors))]
pub async fn list_ci_relationships(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = CiRelationshipListQuery::parse(&q)?;
    let page = state.services.list_ci_relationships(&ctx, &params).await?;
    Ok(Paged::from_page(page, CiRelationshipResponse::from).into_response(&params))
}

/// Relates two configuration items.
#[utoipa::path(post, path = "/api/v1/cmdb/relationships", tag = "cmdb", operation_id = "create_ci_relationship",
    security(("bearer" = ["cmdb:create"])), request_body = CreateCiRelationshipRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = CiRelationshipResponse), WriteErrors))]
pub async fn create_ci_relationship(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateCiRelationshipRequest>,
) -> ApiResult<(StatusCode, axum::Json<CiRelationshipResponse>)> {
    let input = NewRelationship {
        source_ci_id: body.source_ci_id.into(),
        target_ci_id: body.target_ci_id.into(),
        relationship_type: body.relationship_type,
        description: body.description,
    };
    let r = state.services.create_ci_relationship(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(r.into())))
}

/// One relationship.
#[utoipa::path(get, path = "/api/v1/cmdb/relationships/{id}", tag = "cmdb", operation_id = "get_ci_relationship",
    security(("bearer" = ["cmdb:read"])), params(("id" = Uuid, Path, description = "Relationship id")),
    responses((status = 200, description = "The relationship", body = CiRelationshipResponse), ReadErrors))]
pub async fn get_ci_relationship(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<CiRelationshipResponse>> {
    Ok(axum::Json(
        state.services.get_ci_relationship(&ctx, id.into()).await?.into(),
    ))
}

/// Removes a relationship.
#[utoipa::path(delete, path = "/api/v1/cmdb/relationships/{id}", tag = "cmdb", operation_id = "delete_ci_relationship",
    security(("bearer" = ["cmdb:delete"])), params(("id" = Uuid, Path, description = "Relationship id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_ci_relationship(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.delete_ci_relationship(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ci_classes, create_ci_class))
        .routes(routes!(get_ci_class, update_ci_class, delete_ci_class))
        .routes(routes!(list_cis, create_ci))
        .routes(routes!(get_ci, update_ci, delete_ci))
        .routes(routes!(list_ci_relationships_of_ci))
        .routes(routes!(get_ci_impact))
        .routes(routes!(get_ci_graph))
        .routes(routes!(get_application_impact))
        .routes(routes!(get_application_graph))
        .routes(routes!(list_ci_relationships, create_ci_relationship))
        .routes(routes!(get_ci_relationship, delete_ci_relationship))
}
