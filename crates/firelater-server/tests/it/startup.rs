//! First start, configuration errors and the storage settings.

use firelater_testkit::{ADMIN_EMAIL, TestApp, TestDb};
use reqwest::Method;
use std::process::Command;

#[tokio::test]
async fn first_start_creates_the_default_tenant_and_admin_once() {
    let db = TestDb::new().await;
    let mut config = firelater_server::Config::load(None, |_| None).expect("config");
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.database_url = db.url.clone();
    config.data_dir = db.dir().join("files");
    config.admin_email = Some("first@example.com".into());
    config.admin_password = Some("a long enough password".into());
    config.run_workers = false;
    let clock = std::sync::Arc::new(firelater_core::SystemClock);
    let first = firelater_server::start(config.clone(), clock.clone())
        .await
        .expect("first start");
    let users_after_first = user_count(&first.services).await;
    first.stop().await.expect("stop");

    config.admin_email = Some("second@example.com".into());
    let second = firelater_server::start(config, clock).await.expect("second start");
    assert_eq!(
        user_count(&second.services).await,
        users_after_first,
        "a second start creates no user"
    );
    let res = reqwest::Client::new()
        .post(format!("http://{}/api/v1/auth/login", second.addr))
        .json(&serde_json::json!({"tenant": "default", "email": "first@example.com", "password": "a long enough password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    second.stop().await.expect("stop");
    db.remove().await;
}

async fn user_count(services: &firelater_service::Services) -> u64 {
    let tenant = firelater_db::repo::tenants::find_by_slug(services.db.system(), "default")
        .await
        .expect("query")
        .expect("default tenant");
    let ctx = firelater_service::Ctx::system(firelater_core::ids::TenantId(tenant.id));
    let params = firelater_service::users::LIST.parse(&[]).expect("params");
    services.list_users(&ctx, &params).await.expect("list").total
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_firelater"))
        .env("FIRELATER_LISTEN", "not-an-address")
        .env("FIRELATER_CONFIG", "/nonexistent/firelater.toml")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("FIRELATER_LISTEN"), "{stderr}");
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let out = Command::new(env!("CARGO_BIN_EXE_firelater"))
        .arg("openapi")
        .env("FIRELATER_CONFIG", "/nonexistent/firelater.toml")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
}

#[tokio::test]
async fn sqlite_runs_with_wal_full_sync_and_foreign_keys() {
    let app = TestApp::spawn().await;
    if !app.is_postgres() {
        let conn = app.services.db.system();
        let q = |sql: &'static str| firelater_db::admin::query_string(conn, sql);
        assert_eq!(q("PRAGMA journal_mode").await.expect("q").as_deref(), Some("wal"));
        assert_eq!(
            q("PRAGMA synchronous").await.expect("q").as_deref(),
            Some("2"),
            "2 is FULL"
        );
        assert_eq!(q("PRAGMA foreign_keys").await.expect("q").as_deref(), Some("1"));
    }
    app.stop().await;
}

#[tokio::test]
async fn migrations_run_twice_change_nothing() {
    let app = TestApp::spawn().await;
    let db = firelater_db::Db::connect_owner(&app.config.database_url, &Default::default())
        .await
        .expect("connect");
    db.migrate().await.expect("second migration run is a no-op");
    let res = app.admin(Method::GET, "/api/v1/auth/me").send().await.expect("me");
    assert_eq!(res.status(), 200);
    let me: serde_json::Value = res.json().await.expect("json");
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    db.close().await.ok();
    app.stop().await;
}
