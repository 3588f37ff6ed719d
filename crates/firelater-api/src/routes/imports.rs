//! CSV imports: `POST /api/v1/applications/import` and `POST /api/v1/cmdb/cis/import`, with `?dry_run=true` to
//! check a file without writing. The body is the file itself (`Content-Type: text/csv`).

use crate::AppState;
use crate::dto::WriteErrors;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, QueryPairs};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use firelater_core::csv_io::ImportReport;
use firelater_core::{Error, ErrorCode, FieldErrors};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest file an import takes (10,000 rows of a few hundred bytes).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// A CSV request body: `text/csv` (or `text/plain`), UTF-8.
pub struct CsvBody(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mime = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        if !matches!(mime.as_deref(), Some("text/csv" | "text/plain")) {
            return Err(Error::new(ErrorCode::UnsupportedMediaType, "send the file as text/csv").into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::new(
                    ErrorCode::PayloadTooLarge,
                    format!("a CSV file may be at most {} MiB", MAX_IMPORT_BYTES / 1024 / 1024),
                )
            } else {
                Error::new(ErrorCode::BadRequest, format!("could not read the body: {rejection}"))
            }
        })?;
        let text =
            String::from_utf8(bytes.to_vec()).map_err(|_| Error::field("file", "the file must be UTF-8 text"))?;
        if text.contains('\0') {
            return Err(Error::field("file", "the file must not contain NUL characters").into());
        }
        Ok(Self(text))
    }
}

/// `dry_run=true|false` (default false); a wrong value or any other parameter is a 400
/// naming it, as lists answer.
pub fn dry_run(q: &QueryPairs) -> Result<bool, ApiError> {
    let refuse = |field: &str, message: &str| {
        let mut e = Error::field(field, message);
        e.code = ErrorCode::InvalidQuery;
        ApiError(e)
    };
    let mut dry = false;
    for (k, v) in &q.0 {
        match (k.as_str(), v.as_str()) {
            ("dry_run", "true") => dry = true,
            ("dry_run", "false") => dry = false,
            ("dry_run", _) => return Err(refuse("dry_run", "must be true or false")),
            (other, _) => return Err(refuse(other, "unknown query parameter; this endpoint takes dry_run")),
        }
    }
    Ok(dry)
}

/// 200 with the report of a dry run; 201 when every row was written; 422, a problem
/// carrying the report, when any row is bad (nothing was written).
pub fn answer(report: ImportReport) -> Response {
    if !report.is_clean() && !report.dry_run {
        let lines = report.errors.len();
        let mut problem = Problem::new(
            ErrorCode::ValidationFailed,
            format!("{lines} problem(s) in the file; nothing was imported"),
            FieldErrors::new(),
        );
        problem.report = Some(report);
        return problem.into_response();
    }
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (status, axum::Json(report)).into_response()
}

/// Imports applications from a CSV file.
///
/// Columns: `name, description, tier, status, lifecycle_stage, criticality, business_unit,
/// owner_email, owner_group, support_group, tags` (`name` and `tier` required; `tags`
/// separated by `;`; an owner by email, groups by name). Every row is checked and each bad
/// one named by line and column; only a file without a bad row is written, all of it in one
/// transaction.
#[utoipa::path(post, path = "/api/v1/applications/import", tag = "applications", operation_id = "import_applications",
    security(("bearer" = ["applications:create"])),
    params(("dry_run" = Option<bool>, Query, description = "Check the file and report, writing nothing")),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, UTF-8, with a header row"),
    responses(
        (status = 200, description = "The dry run's report", body = ImportReport),
        (status = 201, description = "Every row was imported", body = ImportReport),
        WriteErrors))]
pub async fn import_applications(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    q: QueryPairs,
    CsvBody(text): CsvBody,
) -> ApiResult<Response> {
    let dry = dry_run(&q)?;
    let report = state.services.import_applications(&ctx, &text, dry).await?;
    Ok(answer(report))
}

/// Imports configuration items from a CSV file.
///
/// Columns: `name, description, ci_class, status, environment, application (APP-00001),
/// service (SRV-00001), owner_email, managed_by_email, discovered_by, relationships`, plus
/// one `attr.<key>` column per attribute (typed by the class's schema: `8` for an integer).
/// `name`, `ci_class` and `environment` are required. `relationships` lists links from the
/// new CI to existing ones, `type:CI-number` separated by `;`
/// (`depends_on:CI-00012;runs_on:CI-00040`). Every row is checked and each bad one named by
/// line and column; only a file without a bad row is written, all of it in one transaction.
#[utoipa::path(post, path = "/api/v1/cmdb/cis/import", tag = "cmdb", operation_id = "import_cis",
    security(("bearer" = ["cmdb:create"])),
    params(("dry_run" = Option<bool>, Query, description = "Check the file and report, writing nothing")),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, UTF-8, with a header row"),
    responses(
        (status = 200, description = "The dry run's report", body = ImportReport),
        (status = 201, description = "Every row was imported", body = ImportReport),
        WriteErrors))]
pub async fn import_cis(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    q: QueryPairs,
    CsvBody(text): CsvBody,
) -> ApiResult<Response> {
    let dry = dry_run(&q)?;
    let report = state.services.import_cis(&ctx, &text, dry).await?;
    Ok(answer(report))
}

/// This module's routes, which take files larger than the default body limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_applications))
        .routes(routes!(import_cis))
        .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES))
}
