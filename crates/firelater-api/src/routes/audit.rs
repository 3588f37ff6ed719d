//! `/api/v1/audit-logs`: the tenant's audit log, read-only. There is deliberately no route
//! that creates, changes or deletes an entry; entries are written by the use cases themselves.

use crate::AppState;
use crate::dto::{Paged, ReadErrors};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, QueryPairs};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_core::{Error, ErrorCode};
use firelater_service::audit::{AuditView, HISTORY, LIST};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One audit log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLogResponse {
    /// Entry id.
    pub id: Uuid,
    /// Who acted: a user or API key id; absent for the system and the platform operator.
    pub actor_id: Option<Uuid>,
    /// `user`, `api_key`, `system` or `platform`.
    pub actor_type: String,
    /// The acting user's or API key's name as it is now; absent for the system and the
    /// platform operator.
    pub actor_name: Option<String>,
    /// What happened, e.g. `user.updated` or `auth.login_failed`.
    pub action: String,
    /// The kind of entity, e.g. `user`.
    pub entity_type: String,
    /// The entity's id.
    pub entity_id: Option<Uuid>,
    /// The entity's name as it is now, for a user, group, role (display name) or API key that
    /// still exists; absent for other kinds.
    pub entity_name: Option<String>,
    /// For changes, `{field: {old, new}}` with only the fields that changed; for other events,
    /// their details.
    pub changes: Option<BTreeMap<String, serde_json::Value>>,
    /// The client's IP address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// The id of the request that caused it.
    pub request_id: Option<String>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

impl From<AuditView> for AuditLogResponse {
    fn from(v: AuditView) -> Self {
        let e = v.entry;
        let changes = e.changes.map(|c| match c {
            serde_json::Value::Object(map) => map.into_iter().collect(),
            other => BTreeMap::from([("value".to_owned(), other)]),
        });
        Self {
            id: e.id,
            actor_id: e.actor_id,
            actor_type: e.actor_type,
            actor_name: v.actor_name,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            entity_name: v.entity_name,
            changes,
            ip: e.ip,
            user_agent: e.user_agent,
            request_id: e.request_id,
            created_at: e.created_at,
        }
    }
}

/// The `{entityType}/{id}` of a history path; a malformed id is a 400 naming it.
pub struct EntityPath {
    /// The kind of entity, checked by the service.
    pub entity_type: String,
    /// The entity's id.
    pub id: Uuid,
}

impl<S: Send + Sync> FromRequestParts<S> for EntityPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw): axum::extract::Path<HashMap<String, String>> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|e| Error::new(ErrorCode::BadRequest, e.body_text()))?;
        let id = raw.get("id").and_then(|v| Uuid::try_parse(v).ok()).ok_or_else(|| {
            let mut e = Error::field("id", "must be a UUID");
            e.code = ErrorCode::BadRequest;
            ApiError(e)
        })?;
        let entity_type = raw.get("entityType").cloned().unwrap_or_default();
        if entity_type.contains('\0') {
            return Err(Error::field("entityType", "must not contain the NUL character (U+0000)").into());
        }
        Ok(Self { entity_type, id })
    }
}

crate::list_query!(
    /// The query of `GET /audit-logs`.
    pub AuditLogListQuery = LIST
);

crate::list_query!(
    /// The query of `GET /audit-logs/{entityType}/{id}`.
    pub AuditHistoryQuery = HISTORY
);

/// Lists the tenant's audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit-logs", tag = "audit", operation_id = "list_audit_logs",
    security(("bearer" = ["audit_logs:read"])), params(AuditLogListQuery),
    responses((status = 200, description = "A page of audit entries", body = Paged<AuditLogResponse>), ReadErrors))]
pub async fn list_audit_logs(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = AuditLogListQuery::parse(&q)?;
    let page = state.services.list_audit_logs(&ctx, &params).await?;
    Ok(Paged::from_page(page, AuditLogResponse::from).into_response(&params))
}

/// The history of one entity, oldest first; 404 when it has none in this tenant.
#[utoipa::path(get, path = "/api/v1/audit-logs/{entityType}/{id}", tag = "audit", operation_id = "get_entity_history",
    security(("bearer" = ["audit_logs:read"])),
    params(
        ("entityType" = String, Path, pattern = "^[a-z][a-z0-9_]{0,49}$", description = "The kind of entity, e.g. user"),
        ("id" = Uuid, Path, description = "The entity's id"),
        AuditHistoryQuery
    ),
    responses((status = 200, description = "A page of the entity's audit entries", body = Paged<AuditLogResponse>), ReadErrors))]
pub async fn get_entity_history(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: EntityPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = AuditHistoryQuery::parse(&q)?;
    let page = state
        .services
        .audit_history(&ctx, &path.entity_type, path.id, &params)
        .await?;
    Ok(Paged::from_page(page, AuditLogResponse::from).into_response(&params))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit_logs))
        .routes(routes!(get_entity_history))
}
