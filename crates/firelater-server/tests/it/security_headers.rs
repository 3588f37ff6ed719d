//! Security headers on every kind of response (API, API errors, the web app, its files, the
//! docs page), HSTS only behind an https public URL, and oversized request heads answered as
//! problem documents (414, 431).

use base64::Engine;
use firelater_testkit::TestApp;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use sha2::{Digest, Sha256};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

/// The headers every response carries, whatever it is.
fn assert_common(headers: &HeaderMap, what: &str) {
    assert_eq!(header(headers, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(headers, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert!(
        header(headers, "content-security-policy").contains("frame-ancestors 'none'"),
        "{what}"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{what}: no HSTS over http"
    );
}

fn csp(headers: &HeaderMap) -> String {
    header(headers, "content-security-policy").to_owned()
}

/// The `'sha256-…'` source of every inline `<script>` in `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<script") {
        let after = &rest[i..];
        let open_end = after.find('>').expect("tag end");
        let body_end = after.find("</script>").expect("close tag");
        if !after[..open_end].contains(" src=") {
            let digest = Sha256::digest(&after.as_bytes()[open_end + 1..body_end]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_end + 9..];
    }
    hashes
}

#[tokio::test]
async fn api_answers_and_api_errors_carry_the_headers_and_a_none_policy() {
    let app = TestApp::spawn().await;
    for (method, path, status) in [
        (Method::GET, "/api/v1/users", 200),
        (Method::GET, "/api/v1/no-such-endpoint", 404),
        (Method::GET, "/healthz", 200),
        (Method::POST, "/users", 404),
    ] {
        let res = app.admin(method.clone(), path).send().await.expect("send");
        assert_eq!(res.status(), status, "{method} {path}");
        assert_common(res.headers(), path);
        assert_eq!(
            csp(res.headers()),
            "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn app_pages_get_a_strict_policy_naming_their_inline_scripts() {
    let app = TestApp::spawn().await;
    for path in ["/", "/users", "/users/0190a1b2-0000-7000-8000-000000000000"] {
        let res = app.request(Method::GET, path).send().await.expect("get");
        assert_eq!(res.status(), 200, "{path}");
        assert_common(res.headers(), path);
        let policy = csp(res.headers());
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
        ] {
            assert!(policy.contains(directive), "{path}: {directive} in {policy}");
        }
        assert!(!policy.contains("'unsafe-eval'"), "{policy}");
        let script_src = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .expect("script-src");
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        // Whatever page is served (the built app or the placeholder), each of its inline
        // scripts is allowed by hash, and nothing else inline is.
        let html = res.text().await.expect("html");
        let hashes = inline_script_hashes(&html);
        for hash in &hashes {
            assert!(script_src.contains(hash.as_str()), "{path}: {hash} in {script_src}");
        }
        assert_eq!(script_src.matches("'sha256-").count(), hashes.len(), "{script_src}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_revalidated_page_keeps_its_policy() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/users").send().await.expect("get");
    let policy = csp(res.headers());
    let etag = header(res.headers(), "etag").to_owned();
    // A 304's headers replace the cached page's: it must carry the page's policy, not the
    // API's `default-src 'none'` (which would block the app's own scripts).
    let res = app
        .request(Method::GET, "/groups")
        .header("if-none-match", etag)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 304);
    assert_common(res.headers(), "304");
    assert_eq!(csp(res.headers()), policy);
    app.stop().await;
}

#[tokio::test]
async fn static_files_of_the_app_carry_the_headers() {
    let app = TestApp::spawn().await;
    let html = app
        .request(Method::GET, "/")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    // A hashed asset of the built app, or else a file every build has.
    let asset = html
        .split('"')
        .find(|s| s.starts_with("/assets/"))
        .unwrap_or("/index.html")
        .to_owned();
    let res = app.request(Method::GET, &asset).send().await.expect("get");
    assert_eq!(res.status(), 200, "{asset}");
    assert_common(res.headers(), &asset);
    // A missing hashed file too.
    let res = app
        .request(Method::GET, "/assets/index-00000000.js")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
    assert_common(res.headers(), "missing asset");
    assert_eq!(csp(res.headers()), "default-src 'none'; frame-ancestors 'none'");
    app.stop().await;
}

#[tokio::test]
async fn the_docs_page_gets_its_own_policy_with_the_hashes_of_its_inline_blocks() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/api/docs").send().await.expect("docs");
    assert_eq!(res.status(), 200);
    assert_common(res.headers(), "/api/docs");
    let policy = csp(res.headers());
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    let html = res.text().await.expect("html");
    let hashes = inline_script_hashes(&html);
    assert!(!hashes.is_empty(), "the docs page has an inline script");
    for hash in hashes {
        assert!(policy.contains(&format!("script-src {hash}")), "{hash} in {policy}");
    }
    let style_start = html.find("<style>").expect("style") + "<style>".len();
    let style_end = html.find("</style>").expect("style end");
    let style_hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&html.as_bytes()[style_start..style_end]));
    assert!(policy.contains(&format!("style-src 'sha256-{style_hash}'")), "{policy}");
    app.stop().await;
}

#[tokio::test]
async fn hsts_is_sent_only_behind_an_https_public_url() {
    let app = TestApp::builder()
        .config(|c| c.public_url = Some("https://itsm.example.com".to_owned()))
        .spawn()
        .await;
    for path in ["/", "/api/v1/users", "/api/docs", "/api/v1/nope"] {
        let res = app.admin(Method::GET, path).send().await.expect("get");
        assert_eq!(
            header(res.headers(), "strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    app.stop().await;

    let app = TestApp::builder()
        .config(|c| c.public_url = Some("http://itsm.example.com".to_owned()))
        .spawn()
        .await;
    let res = app.admin(Method::GET, "/api/v1/users").send().await.expect("get");
    assert!(res.headers().get("strict-transport-security").is_none());
    app.stop().await;
}

async fn assert_problem(res: reqwest::Response, status: u16, code: &str) {
    assert_eq!(res.status(), status);
    assert_common(res.headers(), code);
    assert!(
        header(res.headers(), CONTENT_TYPE.as_str()).starts_with("application/problem+json"),
        "{code}"
    );
    let id = header(res.headers(), "x-request-id").to_owned();
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["code"], code);
    assert_eq!(body["status"], status);
    assert_eq!(body["request_id"], id.as_str());
}

#[tokio::test]
async fn a_20_kb_uri_is_a_414_problem_document() {
    let app = TestApp::spawn().await;
    for path in [
        format!("/api/v1/users?q={}", "a".repeat(20_000)),
        format!("/users/{}", "b".repeat(20_000)),
    ] {
        let res = app.admin(Method::GET, &path).send().await.expect("send");
        assert_problem(res, 414, "uri_too_long").await;
    }
    // Just under the limit is served as usual.
    let path = format!("/api/v1/users?q={}", "a".repeat(8_000));
    let res = app.admin(Method::GET, &path).send().await.expect("send");
    assert_ne!(res.status(), 414);
    app.stop().await;
}

#[tokio::test]
async fn a_40_kb_header_is_a_431_problem_document() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::GET, "/api/v1/users")
        .header("x-padding", "c".repeat(40_000))
        .send()
        .await
        .expect("send");
    assert_problem(res, 431, "headers_too_large").await;
    let res = app
        .request(Method::GET, "/")
        .header("cookie", "d".repeat(40_000))
        .send()
        .await
        .expect("send");
    assert_problem(res, 431, "headers_too_large").await;
    let res = app
        .admin(Method::GET, "/api/v1/users")
        .header("x-padding", "c".repeat(20_000))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200, "under the limit is served");
    app.stop().await;
}
