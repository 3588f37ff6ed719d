//! `/api/v1/auth/sessions`: the signed-in user's own login sessions, to see where they are
//! signed in and sign out elsewhere. A revoked session's tokens fail on their next request.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, QueryPairs};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::sessions::{LIST, SessionView};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One live session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Session id.
    pub id: Uuid,
    /// The client's user agent at sign-in.
    pub user_agent: Option<String>,
    /// The user agent in words: "Chrome on Linux", "Safari on iPhone", "curl", or
    /// "Unknown browser".
    pub device: String,
    /// The client's IP address at sign-in.
    pub ip: Option<String>,
    /// Signed in.
    pub created_at: DateTime<Utc>,
    /// Last request, to the minute.
    pub last_used_at: DateTime<Utc>,
    /// Whether this is the session making this request.
    pub current: bool,
}

impl From<SessionView> for SessionResponse {
    fn from(s: SessionView) -> Self {
        Self {
            id: s.id,
            user_agent: s.user_agent,
            device: s.device,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: s.current,
        }
    }
}

crate::list_query!(
    /// The query of `GET /auth/sessions`.
    pub SessionListQuery = LIST
);

/// Lists your live sessions, the current one marked.
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "auth", operation_id = "list_sessions",
    security(("bearer" = [])), params(SessionListQuery),
    responses((status = 200, description = "A page of your live sessions", body = Paged<SessionResponse>), ReadErrors))]
pub async fn list_sessions(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = SessionListQuery::parse(&q)?;
    let page = state.services.list_my_sessions(&ctx, &params).await?;
    Ok(Paged::from_page(page, SessionResponse::from).into_response(&params))
}

/// Revokes another of your sessions; another user's is a 404, the one in use a 400 (use logout).
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{id}", tag = "auth", operation_id = "revoke_session",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204, description = "Revoked"), WriteErrors))]
pub async fn revoke_session(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.revoke_my_session(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes all your sessions except the current one.
#[utoipa::path(delete, path = "/api/v1/auth/sessions", tag = "auth", operation_id = "revoke_other_sessions",
    security(("bearer" = [])),
    responses((status = 204, description = "Every other session has ended"), WriteErrors))]
pub async fn revoke_other_sessions(State(state): State<AppState>, Auth(ctx): Auth) -> ApiResult<StatusCode> {
    state.services.revoke_my_other_sessions(&ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions, revoke_other_sessions))
        .routes(routes!(revoke_session))
}
