//! The OpenAPI document and a self-contained page that renders it for humans.

use axum::response::Html;

/// A readable page of every endpoint, its parameters, body and responses, rendered in the
/// browser from `/api/v1/openapi.json`; no assets from elsewhere.
pub async fn docs_page() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
