//! Security headers on every response, and the request-head limits answered as problems.
//!
//! Invariants: [`headers`] wraps the whole application (API, web app, docs page, errors), so
//! no response leaves without `X-Content-Type-Options`, `Referrer-Policy`, `X-Frame-Options`
//! and a `Content-Security-Policy`; an HTML page gets a policy whose `script-src` lists the
//! SHA-256 of exactly the inline scripts of the page as served (computed at start-up from the
//! embedded bytes, so it cannot drift from the page, and set by the page's producer so a `304`
//! carries it too); everything else gets `default-src 'none'`. [`head_limits`] answers a URI or a header section over its limit
//! with a 414/431 problem document before anything else runs.

use crate::error::Problem;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use firelater_core::{Error, ErrorCode};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The policy of every response that is not an HTML page (JSON, problems, scripts, images).
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Longest request target (URI) answered normally; longer is 414 `uri_too_long`.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Most bytes of header fields (each counted as `name: value\r\n`); more is 431
/// `headers_too_large`.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The SHA-256 sources (`'sha256-…'`) of the inline `<tag>` elements of `html`: the elements
/// without a `src` attribute, hashed over their exact text as a browser does.
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find(&open).map(|i| at + i) {
        let after_name = start + open.len();
        // `<scripts>` or `<style-x>` is another element.
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace() || c == '/') {
            at = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| after_name + i) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        let Some(body_end) = lower[tag_end + 1..].find(&close).map(|i| tag_end + 1 + i) else {
            break;
        };
        let external = attributes
            .split(|c: char| c.is_ascii_whitespace())
            .any(|a| a == "src" || a.starts_with("src="));
        if !external {
            let digest = Sha256::digest(&html.as_bytes()[tag_end + 1..body_end]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        at = body_end + close.len();
    }
    hashes
}

fn with_hashes(base: &str, hashes: &[String]) -> String {
    if hashes.is_empty() {
        base.to_owned()
    } else {
        format!("{base} {}", hashes.join(" "))
    }
}

/// The policy of the web app's pages, given the HTML of its `index.html`.
///
/// Scripts only from the origin plus the page's own inline scripts by hash. Styles allow
/// inline: Radix dialogs insert a `<style>` element at run time (scroll locking, its content
/// depends on the scrollbar width, so no hash can name it), and the placeholder page and React
/// set style attributes.
pub fn app_csp(index_html: &str) -> String {
    format!(
        "default-src 'self'; {}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        with_hashes("script-src 'self'", &inline_hashes(index_html, "script"))
    )
}

/// The policy of the docs page: nothing but its own inline style and script, and the OpenAPI
/// document fetched from the origin.
pub fn docs_csp(docs_html: &str) -> String {
    format!(
        "default-src 'none'; {}; {}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'",
        with_hashes("script-src", &inline_hashes(docs_html, "script")),
        with_hashes("style-src", &inline_hashes(docs_html, "style")),
    )
}

/// The docs page's policy, computed once from the page.
pub static DOCS_CSP: LazyLock<HeaderValue> = LazyLock::new(|| csp_value(docs_csp(crate::routes::docs::DOCS_HTML)));

/// A policy as a header value; one that cannot be (it never happens: hashes are base64) falls
/// back to the strictest.
pub fn csp_value(policy: String) -> HeaderValue {
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static(API_CSP))
}

/// What [`headers`] adds beyond the fixed headers.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// Send HSTS: the public URL is `https://` (a browser then never tries plain HTTP again
    /// for a year).
    pub hsts: bool,
}

/// Sets the security headers on every response (see the module's invariants). A response
/// that chose its own policy (an HTML page: the web app's pages set theirs, including on a
/// `304`, whose headers replace the cached ones; the docs page sets its own) keeps it; any
/// other gets [`API_CSP`].
pub async fn headers(State(config): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(API_CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if config.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// The bytes of the request target as sent: `/path?query`, or the absolute form.
fn uri_len(uri: &axum::http::Uri) -> usize {
    let target = uri.path_and_query().map_or(uri.path().len(), |p| p.as_str().len());
    let authority = uri.authority().map_or(0, |a| a.as_str().len());
    let scheme = uri.scheme_str().map_or(0, |s| s.len() + 3);
    scheme + authority + target
}

/// The bytes of the header section, each field counted as `name: value\r\n`.
fn header_bytes(headers: &axum::http::HeaderMap) -> usize {
    headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum()
}

/// Answers a URI over [`MAX_URI_BYTES`] with 414 `uri_too_long` and a header section over
/// [`MAX_HEADER_BYTES`] with 431 `headers_too_large`, as problem documents with a request id
/// (the client's `x-request-id` when it is a short visible string, else a new one). hyper's own
/// limits (`serve.rs`) sit above these and answer bare.
pub async fn head_limits(req: Request, next: Next) -> Response {
    let (code, detail) = if uri_len(req.uri()) > MAX_URI_BYTES {
        (
            ErrorCode::UriTooLong,
            format!("the request URI is longer than {MAX_URI_BYTES} bytes"),
        )
    } else if header_bytes(req.headers()) > MAX_HEADER_BYTES {
        (
            ErrorCode::HeadersTooLarge,
            format!("the request headers are larger than {MAX_HEADER_BYTES} bytes"),
        )
    } else {
        return next.run(req).await;
    };
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let Error { code, detail, fields } = Error::new(code, detail);
    let mut problem = Problem::new(code, detail, fields);
    problem.request_id = Some(request_id.clone());
    let mut res = problem.into_response();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(HeaderName::from_static("x-request-id"), v);
    }
    // A client that sent this much may send more; do not keep reading from it.
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = r#"<html><head><script>alert(1)</script>
            <script type="module" crossorigin src="/assets/x.js"></script>
            <SCRIPT data-x>b()</SCRIPT><scripts>no</scripts><style>p{}</style></head></html>"#;
        let hashes = inline_hashes(html, "script");
        let expected = |s: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
            )
        };
        assert_eq!(hashes, vec![expected("alert(1)"), expected("b()")]);
        assert_eq!(inline_hashes(html, "style"), vec![expected("p{}")]);
    }

    #[test]
    fn a_page_without_inline_scripts_gets_a_valid_policy() {
        let csp = app_csp("<html><body style=\"margin:0\"><p>placeholder</p></body></html>");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(HeaderValue::from_str(&csp).is_ok());
        assert!(!csp.contains("sha256"));
    }

    #[test]
    fn the_docs_policy_names_its_inline_blocks() {
        let csp = DOCS_CSP.to_str().expect("ascii").to_owned();
        assert!(csp.contains("script-src 'sha256-"), "{csp}");
        assert!(csp.contains("style-src 'sha256-"), "{csp}");
        assert!(HeaderValue::from_str(&csp).is_ok());
    }
}
