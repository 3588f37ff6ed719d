//! Health, readiness, metrics, the OpenAPI document and its docs page, and SIGTERM.

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/healthz").send().await.expect("healthz");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["status"], "ok");
    let res = app.request(Method::GET, "/readyz").send().await.expect("readyz");
    assert_eq!(res.status(), 200);
    app.services
        .enqueue_job(firelater_service::jobs::NewJob {
            tenant_id: None,
            queue: "default".into(),
            kind: "system.noop".into(),
            payload: serde_json::json!({}),
            run_at: chrono::Utc::now(),
            max_attempts: 1,
        })
        .await
        .expect("job");
    let text = app
        .request(Method::GET, "/metrics")
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "latency histogram: {text}"
    );
    assert!(
        text.contains(r#"jobs{queue="default",status="queued"}"#),
        "job counts: {text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route_with_problem_responses() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .request(Method::GET, "/api/v1/openapi.json")
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/users/{id}", "put"),
        ("/api/v1/users/{id}", "delete"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(op["operationId"].is_string(), "{method} {path} has an operation id");
    }
    assert!(
        doc["paths"]["/api/v1/users"]["post"]["responses"]["422"]["content"]["application/problem+json"].is_object()
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let page = app.request(Method::GET, "/api/docs").send().await.expect("docs");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("/api/v1/openapi.json"));
    app.stop().await;
}

#[tokio::test]
async fn sigterm_shuts_the_binary_down_cleanly() {
    let dir = std::env::temp_dir().join(format!("firelater-sigterm-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_firelater"))
        .env("FIRELATER_CONFIG", dir.join("none.toml"))
        .env("FIRELATER_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "FIRELATER_DATABASE_URL",
            format!("sqlite:{}", dir.join("fl.db").display()),
        )
        .env("FIRELATER_DATA_DIR", dir.join("files"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..200 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "the server came up");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let mut status = None;
    for _ in 0..200 {
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("the server did not stop within 10 s of SIGTERM")
    });
    assert!(
        status.success(),
        "a graceful stop exits 0, not by the signal: {status:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn invented_methods_and_unmatched_paths_do_not_grow_the_metrics() {
    let app = TestApp::spawn().await;
    let mut invented = Vec::new();
    for i in 0..300 {
        let id = uuid::Uuid::now_v7().simple().to_string().to_uppercase();
        let method = format!("X{}", &id[id.len() - 12..]);
        let path = if i % 2 == 0 {
            format!("/api/v1/nope-{}", id.to_lowercase())
        } else {
            format!("/nope-{}", id.to_lowercase())
        };
        let res = app
            .request(Method::from_bytes(method.as_bytes()).expect("method"), &path)
            .send()
            .await
            .expect("send");
        assert!(res.status().is_client_error(), "{method} {path}: {}", res.status());
        invented.push((method, path));
    }
    let text = app
        .request(Method::GET, "/metrics")
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for (method, path) in &invented {
        assert!(!text.contains(method.as_str()), "{method} became a label");
        assert!(!text.contains(path.as_str()), "{path} became a label");
    }
    let other: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{") && l.contains(r#"method="other""#))
        .map(|l| l.split('}').next().unwrap_or(l))
        .collect();
    assert!(!other.is_empty(), "invented methods are counted as other: {text}");
    assert!(
        other.len() <= 4,
        "300 invented requests make a handful of series, not hundreds: {other:?}"
    );
    assert!(
        other.iter().all(|s| s.contains(r#"route="unmatched""#)),
        "unmatched paths share one route label: {other:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn with_a_metrics_token_metrics_need_it() {
    let token = "metrics-token-0123456789-abcdefghij";
    let app = TestApp::builder()
        .config(move |c| c.metrics_token = Some(token.to_owned()))
        .spawn()
        .await;
    for bearer in [None, Some("wrong-token"), Some(app.admin_token.as_str())] {
        let mut req = app.request(Method::GET, "/metrics");
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        let res = req.send().await.expect("metrics");
        assert_eq!(res.status(), 401, "{bearer:?}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "unauthenticated");
        assert!(body["request_id"].is_string());
    }
    let res = app
        .request(Method::GET, "/metrics")
        .bearer_auth(token)
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("text").contains("http_requests_total"));
    app.stop().await;
}
