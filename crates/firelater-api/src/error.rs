//! RFC 9457 problem documents. Every error leaves the server as `application/problem+json`
//! with `type`, `title`, `status`, `detail`, a stable `code`, field `errors` and the
//! `request_id`; a 500 says nothing but its request id, and its cause is logged once.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use firelater_core::{Error, ErrorCode, ErrorKind, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The problem+json content type.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying after `server_busy`: a full hashing queue
/// drains in about a second (ADR 0012).
pub const BUSY_RETRY_AFTER_SECONDS: u32 = 1;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary, the same for every occurrence of the code.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// A stable machine-readable code, e.g. `validation_failed`.
    pub code: String,
    /// Field name → messages, for validation failures.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// The request's id, to quote when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a refused CSV import: the report naming every bad row by line and field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<firelater_core::csv_io::ImportReport>,
}

/// The HTTP status for a kind of failure.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UriTooLong => StatusCode::URI_TOO_LONG,
        ErrorKind::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Timeout => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl Problem {
    /// The problem document for `code`.
    pub fn new(code: ErrorCode, detail: impl Into<String>, errors: FieldErrors) -> Self {
        Self {
            type_: format!("https://firelater.dev/problems/{}", code.as_str().replace('_', "-")),
            title: code.title().to_owned(),
            status: status_of(code.kind()).as_u16(),
            detail: detail.into(),
            code: code.as_str().to_owned(),
            errors,
            request_id: None,
            report: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        res
    }
}

/// FireLater's error on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.kind() == ErrorKind::Internal {
            tracing::error!(code = %e.code, detail = %e.detail, "request failed");
            return Problem::new(
                e.code,
                "an internal error occurred; quote the request id when reporting it",
                FieldErrors::new(),
            )
            .into_response();
        }
        let busy = e.code == ErrorCode::ServerBusy;
        let mut res = Problem::new(e.code, e.detail, e.fields).into_response();
        if busy {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_AFTER_SECONDS));
        }
        res
    }
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;
