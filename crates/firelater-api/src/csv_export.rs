//! CSV export of any list: a `GET` of a list endpoint with `Accept: text/csv` answers every
//! row its filters, sort and `fields=` select, as one CSV file. The layer asks the endpoint
//! itself for page after page (each through authorization, as a client would), so every
//! list exports the same way with no code of its own, and what a user can export is exactly
//! what they can list.

use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use firelater_core::list::MAX_PER_PAGE;
use firelater_core::{Error, csv_io};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::{Layer, Service, ServiceExt};

/// The CSV media type.
pub const TEXT_CSV: &str = "text/csv";
/// The most rows one export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;
/// The most of one page's JSON the layer reads.
const PAGE_LIMIT: usize = 16 * 1024 * 1024;

/// Whether the client asks for CSV first (`Accept: text/csv`, before any JSON type).
fn wants_csv(req: &Request) -> bool {
    req.method() == Method::GET
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|first| {
                first
                    .split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case(TEXT_CSV))
            })
}

/// The query without `page` and `per_page`, which the export sets itself.
fn base_query(uri: &Uri) -> Vec<String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            key != "page" && key != "per_page"
        })
        .map(str::to_owned)
        .collect()
}

fn page_uri(uri: &Uri, base: &[String], page: u64) -> Result<Uri, Error> {
    let mut query = base.to_vec();
    query.push(format!("page={page}"));
    query.push(format!("per_page={MAX_PER_PAGE}"));
    format!("{}?{}", uri.path(), query.join("&"))
        .parse()
        .map_err(|_| Error::internal("export page URI"))
}

/// `applications-2026-11-30.csv` for `/api/v1/applications`.
fn file_name(uri: &Uri) -> String {
    let path = uri.path().trim_start_matches("/api/v1/").trim_matches('/');
    let stem: String = path
        .split('/')
        .filter(|s| uuid::Uuid::parse_str(s).is_err())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let stem = if stem.is_empty() { "export".to_owned() } else { stem };
    format!("{stem}-{}.csv", chrono::Utc::now().format("%Y-%m-%d"))
}

/// The part of a list page an export reads.
#[derive(serde::Deserialize)]
struct PageDoc {
    data: Vec<csv_io::Ordered>,
    meta: PageMetaDoc,
}

#[derive(serde::Deserialize)]
struct PageMetaDoc {
    total_pages: u64,
}

/// Adds CSV export to the routes it wraps.
#[derive(Clone, Copy, Default)]
pub struct CsvExportLayer;

impl<S> Layer<S> for CsvExportLayer {
    type Service = CsvExport<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CsvExport { inner }
    }
}

/// The service of [`CsvExportLayer`].
#[derive(Clone)]
pub struct CsvExport<S> {
    inner: S,
}

impl<S> Service<Request> for CsvExport<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // The ready clone serves this request; a fresh clone waits for the next one.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        if !wants_csv(&req) {
            let mut inner = inner;
            return Box::pin(async move { inner.call(req).await });
        }
        Box::pin(async move { Ok(export(inner, req).await) })
    }
}

async fn export<S>(inner: S, req: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let (parts, _) = req.into_parts();
    let base = base_query(&parts.uri);
    let mut items: Vec<csv_io::Ordered> = Vec::new();
    let mut page = 1;
    loop {
        let uri = match page_uri(&parts.uri, &base, page) {
            Ok(u) => u,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let mut one = Request::builder().method(Method::GET).uri(uri);
        for (name, value) in &parts.headers {
            if name != header::ACCEPT {
                one = one.header(name, value);
            }
        }
        let mut one = match one.header(header::ACCEPT, "application/json").body(Body::empty()) {
            Ok(r) => r,
            Err(_) => return ApiError::from(Error::internal("export page request")).into_response(),
        };
        one.extensions_mut().clone_from(&parts.extensions);
        let Ok(res) = inner.clone().oneshot(one).await;
        if !res.status().is_success() {
            return res;
        }
        let (res_parts, body) = res.into_parts();
        let Ok(bytes) = to_bytes(body, PAGE_LIMIT).await else {
            return ApiError::from(Error::internal("export page body")).into_response();
        };
        let Ok(PageDoc { data, meta }) = serde_json::from_slice::<PageDoc>(&bytes) else {
            // Not a page of a list: answer as the endpoint did, in JSON.
            return Response::from_parts(res_parts, Body::from(bytes));
        };
        let total_pages = meta.total_pages;
        items.extend(data);
        if items.len() > MAX_EXPORT_ROWS {
            return ApiError::from(Error::field(
                "q",
                format!(
                    "the list holds more than {MAX_EXPORT_ROWS} rows, the most one export holds: narrow it with filters"
                ),
            ))
            .into_response();
        }
        if page >= total_pages {
            break;
        }
        page += 1;
    }
    let disposition = format!("attachment; filename=\"{}\"", file_name(&parts.uri));
    let mut res = (StatusCode::OK, csv_io::write(&items)).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Documents CSV beside JSON on every list operation (a `GET` answering a `Paged_…` page).
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::content::ContentBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Response as DocResponse};
    for item in doc.paths.paths.values_mut() {
        let Some(op) = item.get.as_mut() else { continue };
        let Some(RefOr::T(DocResponse {
            content, description, ..
        })) = op.responses.responses.get_mut("200")
        else {
            continue;
        };
        let paged = content.get("application/json").is_some_and(
            |c| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.starts_with("#/components/schemas/Paged_")),
        );
        if paged {
            description.push_str("; with `Accept: text/csv`, every matching row as one CSV file (columns as the JSON fields, lists joined by `;`, at most 100,000 rows)");
            content.insert(
                TEXT_CSV.to_owned(),
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_sets_its_own_paging_and_keeps_every_other_parameter() {
        let uri: Uri = "/api/v1/applications?tier=P1&page=3&per_page=10&q=pay"
            .parse()
            .expect("uri");
        assert_eq!(base_query(&uri), ["tier=P1", "q=pay"]);
        let page = page_uri(&uri, &base_query(&uri), 2).expect("uri");
        assert_eq!(
            page.to_string(),
            "/api/v1/applications?tier=P1&q=pay&page=2&per_page=100"
        );
    }

    #[test]
    fn the_file_is_named_after_the_list_without_ids() {
        let uri: Uri = "/api/v1/applications/0190f3c2-7c1e-7000-8000-000000000000/environments"
            .parse()
            .expect("uri");
        let name = file_name(&uri);
        assert!(name.starts_with("applications-environments-"), "{name}");
        assert!(name.ends_with(".csv"), "{name}");
    }

    #[test]
    fn only_a_get_asking_for_csv_first_is_an_export() {
        let ask = |method: Method, accept: &str| {
            let req = Request::builder()
                .method(method)
                .uri("/api/v1/users")
                .header(header::ACCEPT, accept)
                .body(Body::empty())
                .expect("request");
            wants_csv(&req)
        };
        assert!(ask(Method::GET, "text/csv"));
        assert!(ask(Method::GET, "text/csv; charset=utf-8, application/json;q=0.5"));
        assert!(!ask(Method::GET, "application/json, text/csv"));
        assert!(!ask(Method::POST, "text/csv"));
    }
}
