//! Cross-cutting HTTP behaviour: problem documents for every error (with the request id),
//! request metrics, `Cache-Control: no-store` on answers that carry secrets, and
//! `Idempotency-Key` handling for POST.

use crate::AppState;
use crate::error::{PROBLEM_JSON, Problem};
use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use firelater_core::{Error, ErrorCode, FieldErrors};
use firelater_service::idempotency::Claim;
use sha2::{Digest, Sha256};
use std::time::Instant;

/// The most of a response body the middleware buffers (problem bodies, idempotent replies).
const BUFFER_LIMIT: usize = 4 * 1024 * 1024;

fn is_problem(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

fn code_for(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        400 => ErrorCode::BadRequest,
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::RouteNotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 | 503 | 504 => ErrorCode::Timeout,
        409 => ErrorCode::AlreadyExists,
        413 => ErrorCode::PayloadTooLarge,
        414 => ErrorCode::UriTooLong,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::RateLimited,
        431 => ErrorCode::HeadersTooLarge,
        s if s >= 500 => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    }
}

/// Makes every error response a problem document carrying the request id: handlers' problems
/// get the id added, and bare errors from the framework (unknown route, wrong method, body
/// too large, rate limit, timeout, panic) are converted.
pub async fn problems(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.run(req).await;
    let status = res.status();
    if !status.is_client_error() && !status.is_server_error() {
        return res;
    }
    let problem_already = is_problem(&res);
    let (mut parts, body) = res.into_parts();
    let bytes = to_bytes(body, BUFFER_LIMIT).await.unwrap_or_default();
    let mut problem = if problem_already {
        serde_json::from_slice::<Problem>(&bytes)
            .unwrap_or_else(|_| Problem::new(code_for(status), "", FieldErrors::new()))
    } else {
        let code = code_for(status);
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        let detail = match code {
            ErrorCode::RouteNotFound => "there is no endpoint at this path".to_owned(),
            ErrorCode::MethodNotAllowed => "this endpoint does not accept this method".to_owned(),
            ErrorCode::RateLimited => "too many requests; wait before trying again".to_owned(),
            ErrorCode::Timeout => "the request took too long".to_owned(),
            ErrorCode::Internal => "an internal error occurred; quote the request id when reporting it".to_owned(),
            _ if !text.is_empty() && text.len() < 300 => text,
            _ => code.title().to_owned(),
        };
        let mut p = Problem::new(code, detail, FieldErrors::new());
        p.status = status.as_u16();
        p
    };
    problem.request_id = request_id;
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The `method` label of a request: the standard methods by name, any other (clients may
/// invent methods freely) as `other`, so the number of series stays bounded.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts requests by method, route and status, and records their latency. Labels come from
/// closed sets only: the standard methods (others are `other`), the declared route templates
/// (any path no route matches is `unmatched`) and the status code.
pub async fn metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = method_label(req.method());
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Every route whose answer carries a token or a secret shown once: its responses are sent
/// with `Cache-Control: no-store`, so no cache (nor an idempotent replay) keeps them. A new
/// route that answers a secret adds a line here.
pub const NO_STORE: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/mfa/enroll"),
    ("POST", "/api/v1/auth/mfa/confirm"),
    ("POST", "/api/v1/api-keys"),
];

/// Adds `Cache-Control: no-store` to the responses of the routes in [`NO_STORE`].
pub async fn no_store(req: Request, next: Next) -> Response {
    let secret = req.extensions().get::<MatchedPath>().is_some_and(|path| {
        NO_STORE
            .iter()
            .any(|(m, p)| *m == req.method().as_str() && *p == path.as_str())
    });
    let mut res = next.run(req).await;
    if secret {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn is_no_store(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-store")))
}

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// `Idempotency-Key` on an authenticated POST: the first request with a key runs and its
/// response is stored; a retry with the same key and body gets the stored response (marked
/// `Idempotent-Replayed: true`); the same key with another body is a 422; a retry while the
/// first is still running is a 409. Server errors are not stored, so they can be retried.
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_owned))
    else {
        return next.run(req).await;
    };
    let key = match key {
        Ok(k) if valid_key(&k) => k,
        _ => {
            return crate::error::ApiError(Error::new(
                ErrorCode::MissingIdempotencyKey,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            ))
            .into_response();
        }
    };
    let (parts, body) = req.into_parts();
    // The access layer has authenticated the caller already; public endpoints have no caller
    // to scope a key to, so they run as usual.
    let Some(ctx) = parts.extensions.get::<firelater_service::Ctx>().cloned() else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let bytes = match to_bytes(body, state.config.body_limit).await {
        Ok(b) => b,
        Err(_) => {
            return crate::error::ApiError(Error::new(
                ErrorCode::PayloadTooLarge,
                "the request body is larger than the server accepts",
            ))
            .into_response();
        }
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(&path);
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    match state
        .services
        .idempotency_claim(&ctx, &key, parts.method.as_str(), &path, &hash)
        .await
    {
        Err(e) => crate::error::ApiError(e).into_response(),
        Ok(Claim::Mismatch) => crate::error::ApiError(Error::new(
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for a different request",
        ))
        .into_response(),
        Ok(Claim::InProgress) => crate::error::ApiError(Error::new(
            ErrorCode::IdempotencyInProgress,
            "the first request with this Idempotency-Key is still running",
        ))
        .into_response(),
        Ok(Claim::Replay { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut res = (status, body).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Ok(Claim::Fresh) => {
            let res = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let status = res.status();
            let (rparts, rbody) = res.into_parts();
            let rbytes = to_bytes(rbody, BUFFER_LIMIT).await.unwrap_or_default();
            // A response marked `no-store` carries a secret (a new API key, recovery codes):
            // it is not kept for replay, so a retry runs again instead.
            let outcome = if status.is_server_error() || is_no_store(&rparts.headers) {
                state.services.idempotency_abandon(&ctx, &key).await
            } else {
                state
                    .services
                    .idempotency_complete(
                        &ctx,
                        &key,
                        status.as_u16(),
                        String::from_utf8_lossy(&rbytes).into_owned(),
                    )
                    .await
            };
            if let Err(e) = outcome {
                tracing::error!(error = %e, "could not record the idempotency key's outcome");
            }
            Response::from_parts(rparts, Body::from(rbytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_visible_ascii_up_to_255() {
        assert!(valid_key("3f1c-retry-1"));
        assert!(!valid_key(""));
        assert!(!valid_key("has space"));
        assert!(!valid_key(&"x".repeat(256)));
    }

    #[test]
    fn bare_statuses_map_to_stable_codes() {
        assert_eq!(code_for(StatusCode::NOT_FOUND), ErrorCode::RouteNotFound);
        assert_eq!(code_for(StatusCode::TOO_MANY_REQUESTS), ErrorCode::RateLimited);
        assert_eq!(code_for(StatusCode::PAYLOAD_TOO_LARGE), ErrorCode::PayloadTooLarge);
    }

    #[test]
    fn invented_methods_share_one_metrics_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes(b"BREW").expect("method");
        assert_eq!(method_label(&invented), "other");
    }
}
