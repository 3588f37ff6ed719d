//! The web app's refresh token in a cookie (ADR 0003, "The web app's refresh cookie").
//!
//! A browser signs in with `use_cookie: true`: the refresh token is then set as an
//! `HttpOnly; SameSite=Strict` cookie scoped to `POST /api/v1/auth/refresh` and never appears
//! in a body, so no script (nor an injected one) can read it. Because a browser attaches the
//! cookie by itself, every request that sets or spends it must prove it comes from the app:
//! it carries `X-Requested-With: firelater` (a header a cross-site page cannot send without
//! a CORS preflight the server never grants), and when the browser says where it comes from
//! (`Sec-Fetch-Site`, `Origin`) that must be this site. API clients keep the JSON flow and
//! never get a cookie.

use axum::http::{HeaderMap, HeaderValue, header};
use firelater_core::{Error, ErrorCode};

/// The cookie's name.
pub const NAME: &str = "firelater_refresh";

/// The one path the browser sends the cookie to.
pub const PATH: &str = "/api/v1/auth/refresh";

/// The header the web app sends on cookie-authenticated calls, and its value.
pub const CSRF_HEADER: &str = "x-requested-with";

/// The value of [`CSRF_HEADER`].
pub const CSRF_VALUE: &str = "firelater";

/// Whether cookies get the `Secure` attribute: when the public URL people use is HTTPS
/// (`FIRELATER_PUBLIC_URL=https://…`).
pub fn secure_for(public_url: &str) -> bool {
    public_url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

fn attributes(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("Path={PATH}; HttpOnly; SameSite=Strict{secure}")
}

/// `Set-Cookie` that stores `token` for `max_age_secs`.
pub fn set(token: &str, max_age_secs: i64, secure: bool) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(&format!(
        "{NAME}={token}; Max-Age={max_age_secs}; {}",
        attributes(secure)
    ))
    .map_err(|_| Error::internal("a refresh token is not a valid cookie value"))
}

/// `Set-Cookie` that removes the cookie.
pub fn clear(secure: bool) -> HeaderValue {
    // Built from constants only, so it is always a valid header value.
    HeaderValue::from_str(&format!("{NAME}=; Max-Age=0; {}", attributes(secure)))
        .unwrap_or_else(|_| HeaderValue::from_static("firelater_refresh=; Max-Age=0"))
}

/// The refresh token from the request's `Cookie` headers, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == NAME && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

fn refused(detail: &str) -> Error {
    Error::new(ErrorCode::CsrfCheckFailed, detail)
}

/// The scheme-and-authority of a URL (`https://firelater.example.com`), lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// Checks that a request which sets or spends the refresh cookie comes from the web app:
/// the custom header is present, `Sec-Fetch-Site` (when sent) is `same-origin`, and `Origin`
/// (when sent) is the public URL's origin or the host the request was sent to.
pub fn check_csrf(headers: &HeaderMap, public_url: &str) -> Result<(), Error> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !text(CSRF_HEADER).is_some_and(|v| v.trim().eq_ignore_ascii_case(CSRF_VALUE)) {
        return Err(refused(
            "a request with the refresh cookie must send the header X-Requested-With: firelater",
        ));
    }
    if let Some(site) = text("sec-fetch-site")
        && !site.eq_ignore_ascii_case("same-origin")
    {
        return Err(refused(
            "the refresh cookie is only accepted from the web app's own origin",
        ));
    }
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let origin = origin.trim().to_ascii_lowercase();
        let public = origin_of(public_url);
        let host = text(header::HOST.as_str()).map(str::to_ascii_lowercase);
        let authority = origin.split_once("://").map(|(_, a)| a);
        let same_host = host.is_some() && authority == host.as_deref();
        if public.as_deref() != Some(origin.as_str()) && !same_host {
            return Err(refused(
                "the refresh cookie is only accepted from the web app's own origin",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_refresh() {
        let v = set("t.abc", 604_800, false).expect("valid");
        assert_eq!(
            v,
            "firelater_refresh=t.abc; Max-Age=604800; Path=/api/v1/auth/refresh; HttpOnly; SameSite=Strict"
        );
        assert!(
            set("t.abc", 1, true)
                .expect("valid")
                .to_str()
                .expect("ascii")
                .ends_with("; Secure")
        );
        assert!(
            clear(false)
                .to_str()
                .expect("ascii")
                .starts_with("firelater_refresh=; Max-Age=0; ")
        );
    }

    #[test]
    fn secure_follows_the_public_url_scheme() {
        assert!(secure_for("https://firelater.example.com"));
        assert!(secure_for("HTTPS://firelater.example.com"));
        assert!(!secure_for("http://127.0.0.1:8080"));
        assert!(!secure_for(""));
    }

    #[test]
    fn the_token_is_read_among_other_cookies() {
        assert_eq!(
            read(&headers(&[("cookie", "a=1; firelater_refresh=t.x; b=2")])).as_deref(),
            Some("t.x")
        );
        assert_eq!(
            read(&headers(&[("cookie", "a=1"), ("cookie", "firelater_refresh=y")])).as_deref(),
            Some("y")
        );
        assert_eq!(read(&headers(&[("cookie", "firelater_refresh=")])), None);
        assert_eq!(read(&headers(&[])), None);
    }

    #[test]
    fn csrf_needs_the_header_and_a_same_origin_request() {
        let public = "https://itsm.example.com";
        let code = |h: &HeaderMap| check_csrf(h, public).err().map(|e| e.code);
        assert_eq!(code(&headers(&[])), Some(ErrorCode::CsrfCheckFailed));
        assert_eq!(
            code(&headers(&[("x-requested-with", "XMLHttpRequest")])),
            Some(ErrorCode::CsrfCheckFailed)
        );
        assert_eq!(code(&headers(&[("x-requested-with", "firelater")])), None);
        assert_eq!(
            code(&headers(&[
                ("x-requested-with", "firelater"),
                ("sec-fetch-site", "same-origin")
            ])),
            None
        );
        assert_eq!(
            code(&headers(&[
                ("x-requested-with", "firelater"),
                ("sec-fetch-site", "same-site")
            ])),
            Some(ErrorCode::CsrfCheckFailed)
        );
        assert_eq!(
            code(&headers(&[
                ("x-requested-with", "firelater"),
                ("origin", "https://itsm.example.com")
            ])),
            None
        );
        assert_eq!(
            code(&headers(&[
                ("x-requested-with", "firelater"),
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ])),
            None
        );
        assert_eq!(
            code(&headers(&[
                ("x-requested-with", "firelater"),
                ("origin", "https://evil.example"),
                ("host", "itsm.example.com")
            ])),
            Some(ErrorCode::CsrfCheckFailed)
        );
        assert_eq!(
            code(&headers(&[("x-requested-with", "firelater"), ("origin", "null")])),
            Some(ErrorCode::CsrfCheckFailed)
        );
    }
}
