//! Response shapes shared by every resource: pages with `meta`, sparse fieldsets, and the
//! documented error responses.

use crate::error::Problem;
use firelater_core::list::{ListParams, Page};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

/// Paging information of a list response.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Items matching the filters, on all pages.
    pub total: u64,
    /// Number of pages.
    pub total_pages: u64,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    /// The items.
    pub data: Vec<T>,
    /// Paging information.
    pub meta: PageMeta,
}

impl<T: ToSchema + Serialize> Paged<T> {
    /// A response page from a service page.
    pub fn from_page<U>(page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let total_pages = page.total.div_ceil(page.per_page.max(1));
        let meta = PageMeta {
            page: page.page,
            per_page: page.per_page,
            total: page.total,
            total_pages,
        };
        Self {
            data: page.items.into_iter().map(f).collect(),
            meta,
        }
    }

    /// The page as JSON, each item cut down to `fields=` when given (`id` always stays).
    pub fn into_response(self, params: &ListParams) -> axum::response::Response {
        use axum::response::IntoResponse;
        match &params.fields {
            None => axum::Json(self).into_response(),
            Some(fields) => {
                let data: Vec<serde_json::Value> = self
                    .data
                    .iter()
                    .map(|item| match serde_json::to_value(item) {
                        Ok(serde_json::Value::Object(mut map)) => {
                            map.retain(|k, _| k == "id" || fields.contains(&k.as_str()));
                            serde_json::Value::Object(map)
                        }
                        Ok(other) => other,
                        Err(_) => serde_json::Value::Null,
                    })
                    .collect();
                axum::Json(serde_json::json!({"data": data, "meta": self.meta})).into_response()
            }
        }
    }
}

/// Errors of an endpoint that needs no authentication.
#[derive(IntoResponses)]
pub enum PublicErrors {
    /// The body is not JSON or is malformed.
    #[response(
        status = 400,
        description = "Malformed request",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// Credentials are wrong.
    #[response(
        status = 401,
        description = "Invalid credentials or token",
        content_type = "application/problem+json"
    )]
    Unauthenticated(Problem),
    /// Wrong content type.
    #[response(
        status = 415,
        description = "The body must be application/json",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    /// A field is invalid.
    #[response(
        status = 422,
        description = "Invalid fields, named in `errors`",
        content_type = "application/problem+json"
    )]
    Unprocessable(Problem),
    /// Too many attempts.
    #[response(
        status = 429,
        description = "Too many requests",
        content_type = "application/problem+json"
    )]
    TooMany(Problem),
}

/// Errors of an authenticated read.
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// Invalid query parameters.
    #[response(
        status = 400,
        description = "Invalid query parameters, named in `errors`",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// No valid token.
    #[response(
        status = 401,
        description = "Authentication required",
        content_type = "application/problem+json"
    )]
    Unauthenticated(Problem),
    /// Missing permission.
    #[response(
        status = 403,
        description = "Missing permission",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    /// No such object for this caller.
    #[response(status = 404, description = "Not found", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// Errors of an authenticated write.
#[derive(IntoResponses)]
pub enum WriteErrors {
    /// Malformed body or parameters.
    #[response(
        status = 400,
        description = "Malformed request",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// No valid token.
    #[response(
        status = 401,
        description = "Authentication required",
        content_type = "application/problem+json"
    )]
    Unauthenticated(Problem),
    /// Missing permission.
    #[response(
        status = 403,
        description = "Missing permission",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    /// No such object for this caller.
    #[response(status = 404, description = "Not found", content_type = "application/problem+json")]
    NotFound(Problem),
    /// Stale version, duplicate, or idempotency conflict.
    #[response(
        status = 409,
        description = "Conflict with the current state",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    /// Body too large.
    #[response(
        status = 413,
        description = "Body too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    /// Wrong content type.
    #[response(
        status = 415,
        description = "The body must be application/json",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    /// A field is invalid.
    #[response(
        status = 422,
        description = "Invalid fields, named in `errors`",
        content_type = "application/problem+json"
    )]
    Unprocessable(Problem),
}
