//! The OpenAPI document and a self-contained page that renders it for humans.

use crate::access::Access;
use axum::http::{HeaderValue, header};
use axum::response::Html;

/// A readable page of every endpoint, its parameters, body and responses, rendered in the
/// browser from `/api/v1/openapi.json`; no assets from elsewhere.
/// Its Content-Security-Policy allows exactly its own inline style and script.
pub async fn docs_page() -> ([(header::HeaderName, HeaderValue); 1], Html<&'static str>) {
    (
        [(header::CONTENT_SECURITY_POLICY, crate::security::DOCS_CSP.clone())],
        Html(DOCS_HTML),
    )
}

/// The docs page as served; its inline blocks are hashed into its Content-Security-Policy.
pub const DOCS_HTML: &str = include_str!("docs.html");

/// The routes outside the OpenAPI document, with their access rules: the document itself and
/// this page (health and metrics are documented operations).
pub const UNDOCUMENTED: &[(&str, &str, Access)] = &[
    ("GET", "/api/v1/openapi.json", Access::Public),
    ("GET", "/api/docs", Access::Public),
];
