//! Liveness, readiness and metrics.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use firelater_core::{Error, ErrorCode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Health status.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` or `unavailable`.
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "system", security(()), responses((status = 200, description = "Alive", body = HealthResponse)))]
pub async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "system", security(()), responses(
    (status = 200, description = "Ready", body = HealthResponse),
    (status = 503, description = "The database does not answer", body = HealthResponse),
))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<HealthResponse>) {
    match state.services.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(HealthResponse { status: "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(HealthResponse { status: "unavailable" }),
            )
        }
    }
}

/// Whether `bearer` is the metrics token, compared in time independent of where they differ
/// (both sides are hashed first, so the length does not show either).
fn is_metrics_token(bearer: Option<&str>, expected: &str) -> bool {
    let Some(bearer) = bearer else { return false };
    let a: [u8; 32] = Sha256::digest(bearer.as_bytes()).into();
    let b: [u8; 32] = Sha256::digest(expected.as_bytes()).into();
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Prometheus metrics: request counts and latencies by route and status, job counts. With
/// `FIRELATER_METRICS_TOKEN` set, only for `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", tag = "system", security(()), responses(
    (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
    (status = 401, description = "A metrics token is configured and was not sent", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<impl IntoResponse, ApiError> {
    if let Some(expected) = &state.config.metrics_token {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        if !is_metrics_token(bearer, expected) {
            return Err(Error::new(
                ErrorCode::Unauthenticated,
                "send Authorization: Bearer with the metrics token",
            )
            .into());
        }
    }
    if let Ok(counts) = state.services.job_counts().await {
        for (queue, status, n) in counts {
            metrics::gauge!("jobs", "queue" => queue, "status" => status).set(n as f64);
        }
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_metrics_token_passes() {
        let token = "a-metrics-token-of-enough-length";
        assert!(is_metrics_token(Some(token), token));
        assert!(!is_metrics_token(Some("a-metrics-token-of-enough-lengtH"), token));
        assert!(!is_metrics_token(Some(""), token));
        assert!(!is_metrics_token(None, token));
    }
}
