//! The web app's built files (`web/dist`), embedded in the binary and served at `/`.
//!
//! Invariants: the API always wins (the files are the router's fallback, so no file can hide
//! an endpoint); every path under `/api` that no endpoint matches, and every method but GET
//! and HEAD, goes back to the API router and gets its problem+json 404/405; any other path
//! that is no file gets `index.html`, so the app's own routes survive a reload. Hashed files
//! under `/assets/` are cached for a year, everything else is revalidated by ETag.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::{Embed, EmbeddedFile};
use std::borrow::Cow;
use std::sync::LazyLock;
use tower::ServiceExt;

/// The web app's files, chosen by `build.rs`: `web/dist`, or a page saying it was not built.
#[derive(Embed)]
#[folder = "$FIRELATER_WEB_DIST"]
struct Assets;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// `api` with the web app as its fallback.
pub fn with_web_app(api: Router) -> Router {
    let inner = api.clone();
    api.fallback(move |req: Request| {
        let api = inner.clone();
        async move { serve(api, req).await }
    })
}

/// The policy of the web app's pages: the hashes of `index.html`'s inline scripts, computed
/// once from the embedded page.
static APP_CSP: LazyLock<HeaderValue> =
    LazyLock::new(|| firelater_api::security::csp_value(firelater_api::security::app_csp(&index_html())));

/// The web app's `index.html` as served (the placeholder page when the app was not built), for
/// the hashes of its inline scripts in the Content-Security-Policy.
pub fn index_html() -> String {
    Assets::get("index.html")
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default()
}

/// True when this binary carries the built web app rather than the placeholder page.
pub fn is_built() -> bool {
    Assets::get("manifest.webmanifest").is_some()
}

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

async fn serve(api: Router, req: Request) -> Response {
    let path = req.uri().path();
    if is_api_path(path) || !matches!(*req.method(), Method::GET | Method::HEAD) {
        // The API router's own fallback answers: a problem document with the request id.
        return match api.oneshot(req).await {
            Ok(res) => res,
            Err(never) => match never {},
        };
    }
    let name = path.trim_start_matches('/');
    if !name.is_empty()
        && !name.ends_with('/')
        && let Some(file) = Assets::get(name)
    {
        let cache = if name.starts_with("assets/") {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        return respond(name, file, cache, req.headers());
    }
    if name.starts_with("assets/") {
        // A stale hashed file (from before a deploy) must fail loudly, not parse HTML as JS.
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match Assets::get("index.html") {
        Some(file) => respond("index.html", file, REVALIDATE, req.headers()),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// The encodings the client takes, best first, among those we may have precompressed.
fn accepted_encodings(headers: &HeaderMap) -> Vec<&'static str> {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Vec::new();
    };
    let accepts = |coding: &str| {
        value.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    ["br", "gzip"].into_iter().filter(|c| accepts(c)).collect()
}

fn respond(name: &str, file: EmbeddedFile, cache: &'static str, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut body: Cow<'static, [u8]> = file.data;
        let mut encoding = None;
        for coding in accepted_encodings(headers) {
            let ext = if coding == "br" { "br" } else { "gz" };
            if let Some(packed) = Assets::get(&format!("{name}.{ext}")) {
                body = packed.data;
                encoding = Some(coding);
                break;
            }
        }
        let mut res = Response::new(Body::from(body.clone()));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, content_type(file.metadata.mimetype()));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if let Some(coding) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // On a 304 too: its headers replace the cached page's, and without its policy the page
    // would get the outer layer's `default-src 'none'`.
    if name.ends_with(".html") {
        h.insert(header::CONTENT_SECURITY_POLICY, APP_CSP.clone());
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

fn content_type(mime: &str) -> HeaderValue {
    let textual = mime.starts_with("text/") || mime.ends_with("javascript") || mime.ends_with("json");
    let value = if textual && !mime.contains("charset") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_only_the_api_prefix() {
        assert!(is_api_path("/api"));
        assert!(is_api_path("/api/v1/nope"));
        assert!(!is_api_path("/apis"));
        assert!(!is_api_path("/users/api"));
    }

    #[test]
    fn encodings_follow_accept_encoding_and_skip_refused_ones() {
        let mut h = HeaderMap::new();
        assert!(accepted_encodings(&h).is_empty());
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate, br"));
        assert_eq!(accepted_encodings(&h), ["br", "gzip"]);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br;q=0, gzip;q=0.5"));
        assert_eq!(accepted_encodings(&h), ["gzip"]);
    }

    #[test]
    fn index_html_is_embedded() {
        assert!(Assets::get("index.html").is_some());
    }
}
