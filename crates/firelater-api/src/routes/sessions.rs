//! `/api/v1/auth/sessions`: the signed-in user's own login sessions, to see where they are
//! signed in and sign out elsewhere. A revoked session's tokens fail on their next request.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, QueryPairs, list_params};
use crate::routes::users::SortOrder;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_service::sessions::{LIST, SessionView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One live session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Session id.
    pub id: Uuid,
    /// The client's user agent at sign-in.
    pub user_agent: Option<String>,
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
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: s.current,
        }
    }
}

/// Sort columns of `GET /auth/sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionSort {
    /// Last use.
    LastUsedAt,
    /// Sign-in time.
    CreatedAt,
}

/// Query parameters of `GET /auth/sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionListQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
    /// Sort column.
    #[param(inline)]
    pub sort: Option<SessionSort>,
    /// Sort direction.
    #[param(inline)]
    pub order: Option<SortOrder>,
}

/// Lists your live sessions, the current one marked.
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "auth", operation_id = "list_sessions",
    security(("bearer" = [])), params(SessionListQuery),
    responses((status = 200, description = "A page of your live sessions", body = Paged<SessionResponse>), ReadErrors))]
pub async fn list_sessions(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = list_params(&LIST, &q)?;
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
