//! The embedded web app: served at `/` with the SPA fallback, while every `/api` path and
//! every non-GET request stays the API's (problem documents with the request id).

use firelater_testkit::TestApp;
use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn app_routes_get_index_html_and_api_paths_stay_problems() {
    let app = TestApp::spawn().await;

    for path in ["/", "/users", "/users/0190a1b2-0000-7000-8000-000000000000", "/apiary"] {
        let res = app.request(Method::GET, path).send().await.expect("get");
        assert_eq!(res.status(), 200, "{path}");
        assert!(content_type(&res).starts_with("text/html"), "{path}");
        assert_eq!(res.headers()[CACHE_CONTROL], "no-cache", "{path}");
        assert!(res.text().await.expect("body").contains("<html"), "{path}");
    }

    for (method, path) in [
        (Method::GET, "/api"),
        (Method::GET, "/api/v1/no-such-endpoint"),
        (Method::GET, "/api/v2/users"),
        (Method::POST, "/users"),
        (Method::DELETE, "/"),
    ] {
        let res = app.request(method.clone(), path).send().await.expect("send");
        assert_eq!(res.status(), 404, "{method} {path}");
        assert!(
            content_type(&res).starts_with("application/problem+json"),
            "{method} {path}"
        );
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["code"], "route_not_found", "{method} {path}");
        assert!(body["request_id"].is_string(), "{method} {path}");
    }

    // Endpoints outside /api are still the API's.
    let res = app.request(Method::GET, "/healthz").send().await.expect("get");
    assert!(content_type(&res).starts_with("application/json"));

    app.stop().await;
}

#[tokio::test]
async fn a_missing_hashed_asset_is_a_404_not_the_app() {
    let app = TestApp::spawn().await;
    let res = app
        .request(Method::GET, "/assets/index-00000000.js")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
    app.stop().await;
}
