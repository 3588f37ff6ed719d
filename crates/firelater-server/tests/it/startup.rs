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
    let ctx = firelater_service::Ctx::system(firelater_core::ids::TenantId(tenant.id.into()));
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

/// The binary re-executes itself once with glibc's mmap threshold fixed and two arenas, so
/// the memory of a burst of sign-ins goes back to the system (ADR 0012); an operator can turn
/// it off. Read from the running server's own environment after it created its database,
/// which it does only after the re-exec.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_tunes_glibc_to_give_memory_back_unless_turned_off() {
    for (tuning, tuned) in [(None, true), (Some("0"), false)] {
        let dir = std::env::temp_dir().join(format!("firelater-malloc-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("firelater.db");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_firelater"));
        cmd.arg("serve")
            .env("FIRELATER_CONFIG", "/nonexistent/firelater.toml")
            .env("FIRELATER_LISTEN", "127.0.0.1:0")
            .env("FIRELATER_DATABASE_URL", format!("sqlite:{}", db.display()))
            .env("FIRELATER_DATA_DIR", dir.join("files"))
            .env("FIRELATER_ADMIN_PASSWORD", "malloc tuning password 1")
            .env_remove("MALLOC_MMAP_THRESHOLD_")
            .env_remove("MALLOC_ARENA_MAX")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(t) = tuning {
            cmd.env("FIRELATER_MALLOC_TUNING", t);
        }
        let mut child = cmd.spawn().expect("spawn");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !db.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the server never created its database"
            );
            assert!(child.try_wait().expect("wait").is_none(), "the server exited");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let environ = std::fs::read(format!("/proc/{}/environ", child.id())).expect("environ");
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        let vars: Vec<String> = environ
            .split(|b| *b == 0)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        assert_eq!(
            vars.iter().any(|v| v == "MALLOC_MMAP_THRESHOLD_=131072"),
            tuned,
            "tuning {tuning:?}"
        );
        assert_eq!(
            vars.iter().any(|v| v == "MALLOC_ARENA_MAX=2"),
            tuned,
            "tuning {tuning:?}"
        );
    }
}
