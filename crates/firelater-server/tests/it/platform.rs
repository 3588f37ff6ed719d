//! The platform operator's API (tenants: list, create, suspend, resume, delete) behind the
//! platform admin token, tenant deletion down to the last row, and moving a tenant between
//! instances with `firelater tenant export` / `import`.

use firelater_core::ids::TenantId;
use firelater_db::repo::tenant_data;
use firelater_service::platform::{PlatformCtx, TenantExport};
use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, TestDb};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

const TOKEN: &str = "platform-admin-token-0123456789-abcdefghijkl";
const PASSWORD: &str = "tenant admin password 1";

async fn platform_app() -> TestApp {
    TestApp::builder()
        .config(|c| c.platform_admin_token = Some(TOKEN.into()))
        .spawn()
        .await
}

fn op(app: &TestApp, method: Method, path: &str) -> RequestBuilder {
    app.request(method, path).bearer_auth(TOKEN)
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.expect("json")
}

/// Creates tenant `slug` through the platform API; returns its id.
async fn create_tenant(app: &TestApp, slug: &str) -> Uuid {
    let res = op(app, Method::POST, "/api/v1/platform/tenants")
        .json(&json!({"name": format!("Tenant {slug}"), "slug": slug,
            "admin_email": format!("admin@{slug}.example"), "admin_password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap_or_default());
    json_of(res).await["id"].as_str().expect("id").parse().expect("uuid")
}

async fn token_of(app: &TestApp, slug: &str) -> String {
    app.login(slug, &format!("admin@{slug}.example"), PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn me_status(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app
        .request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(token)
        .send()
        .await
        .expect("me");
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn counts(app: &TestApp, tenant: Uuid) -> BTreeMap<String, u64> {
    let tx = app.services.db.tenant_read(TenantId(tenant)).await.expect("tx");
    let c = tenant_data::row_counts(&tx).await.expect("counts");
    tx.commit().await.expect("commit");
    c
}

async fn default_tenant(app: &TestApp) -> Uuid {
    firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id
        .0
}

#[tokio::test]
async fn without_a_configured_token_the_platform_api_does_not_exist() {
    let app = TestApp::spawn().await;
    let id = default_tenant(&app).await;
    for (method, path) in [
        (Method::GET, "/api/v1/platform/tenants".to_owned()),
        (Method::POST, "/api/v1/platform/tenants".to_owned()),
        (Method::PUT, "/api/v1/platform/tenants".to_owned()),
        (Method::POST, format!("/api/v1/platform/tenants/{id}/suspend")),
        (Method::POST, format!("/api/v1/platform/tenants/{id}/resume")),
        (Method::DELETE, format!("/api/v1/platform/tenants/{id}")),
        (Method::GET, format!("/api/v1/platform/tenants/{id}")),
    ] {
        for token in [None, Some(TOKEN), Some(app.admin_token.as_str())] {
            let mut req = app.request(method.clone(), &path).json(&json!({}));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.expect("send");
            assert_eq!(res.status(), 404, "{method} {path}");
            assert_eq!(json_of(res).await["code"], "route_not_found", "{method} {path}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_platform_api_takes_only_the_platform_token_never_a_users() {
    let app = platform_app().await;
    let list = "/api/v1/platform/tenants";
    let res = app.request(Method::GET, list).send().await.expect("get");
    assert_eq!(res.status(), 401);
    assert_eq!(json_of(res).await["code"], "unauthenticated");
    for wrong in [
        app.admin_token.as_str(),
        "platform-admin-token-0123456789-abcdefghijkX",
        "short",
    ] {
        let res = app
            .request(Method::GET, list)
            .bearer_auth(wrong)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 401, "{wrong}");
        assert_eq!(json_of(res).await["code"], "invalid_token");
    }
    let res = op(&app, Method::GET, list).send().await.expect("get");
    assert_eq!(res.status(), 200);
    let res = op(&app, Method::PUT, list).send().await.expect("put");
    assert_eq!(res.status(), 405, "another method of a platform path");
    let res = app
        .request(Method::GET, "/api/v1/users")
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 401, "the platform token opens no tenant endpoint");
    app.stop().await;
}

#[tokio::test]
async fn the_operator_lists_tenants_with_their_user_counts() {
    let app = platform_app().await;
    create_tenant(&app, "acme").await;
    let beta = create_tenant(&app, "beta").await;
    let beta_token = token_of(&app, "beta").await;
    for i in 0..2 {
        let res = app
            .request(Method::POST, "/api/v1/users")
            .bearer_auth(&beta_token)
            .json(&json!({"email": format!("u{i}@beta.example"), "name": "U"}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 201);
    }
    let page = json_of(
        op(&app, Method::GET, "/api/v1/platform/tenants?sort=slug&order=asc")
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(page["meta"]["total"], 3);
    let rows: Vec<(String, u64, String)> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|t| {
            (
                t["slug"].as_str().expect("slug").to_owned(),
                t["user_count"].as_u64().expect("count"),
                t["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("acme".to_owned(), 1, "active".to_owned()),
            ("beta".to_owned(), 3, "active".to_owned()),
            ("default".to_owned(), 1, "active".to_owned()),
        ]
    );
    let b = &page["data"][1];
    assert_eq!(b["id"], beta.to_string());
    assert_eq!(b["name"], "Tenant beta");
    assert!(b["created_at"].as_str().is_some());

    let found = json_of(
        op(&app, Method::GET, "/api/v1/platform/tenants?q=BET")
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(found["meta"]["total"], 1);
    for bad in ["status=gone", "sort=user_count", "per_page=0", "bogus=1"] {
        let res = op(&app, Method::GET, &format!("/api/v1/platform/tenants?{bad}"))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 400, "{bad}");
    }
    app.stop().await;
}

#[tokio::test]
async fn creating_a_tenant_checks_every_field_and_refuses_a_taken_slug() {
    let app = platform_app().await;
    let id = create_tenant(&app, "acme").await;
    let me = me_status(&app, &token_of(&app, "acme").await).await;
    assert_eq!(me.0, 200);
    assert_eq!(me.1["tenant"]["id"], id.to_string());
    assert_eq!(me.1["roles"], json!(["admin"]));

    let res = op(&app, Method::POST, "/api/v1/platform/tenants")
        .json(&json!({"name": "Again", "slug": "acme", "admin_email": "x@acme.example", "admin_password": PASSWORD}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 409);
    let p = json_of(res).await;
    assert_eq!(p["code"], "already_exists");
    assert!(p["errors"]["slug"].is_array(), "{p}");

    let res = op(&app, Method::POST, "/api/v1/platform/tenants")
        .json(&json!({"name": " ", "slug": "Bad Slug", "admin_email": "nope", "admin_password": "short"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let p = json_of(res).await;
    for field in ["name", "slug", "admin_email", "admin_password"] {
        assert!(p["errors"][field].is_array(), "{field}: {p}");
    }
    let res = op(&app, Method::POST, "/api/v1/platform/tenants")
        .json(&json!({"name": "X", "slug": "xx", "admin_email": "a@x.example", "admin_password": PASSWORD, "plan": "gold"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert!(json_of(res).await["errors"]["plan"].is_array());
    let list = json_of(
        op(&app, Method::GET, "/api/v1/platform/tenants")
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(list["meta"]["total"], 2, "the refused requests created nothing");
    app.stop().await;
}

#[tokio::test]
async fn a_suspended_tenants_users_cannot_sign_in_and_their_tokens_stop_at_once_until_it_resumes() {
    let app = platform_app().await;
    let beta = create_tenant(&app, "beta").await;
    let token = token_of(&app, "beta").await;
    assert_eq!(me_status(&app, &token).await.0, 200);
    let refresh_token = app.login("beta", "admin@beta.example", PASSWORD).await["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();

    let res = op(&app, Method::POST, &format!("/api/v1/platform/tenants/{beta}/suspend"))
        .send()
        .await
        .expect("suspend");
    assert_eq!(res.status(), 200);
    assert_eq!(json_of(res).await["status"], "suspended");

    let (status, body) = me_status(&app, &token).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("tenant_suspended")));
    let res = app
        .request(Method::GET, "/api/v1/users")
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 403, "every endpoint, not only /me");
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(res.status(), 403, "no new tokens for a suspended tenant");
    let res = app.try_login("beta", "admin@beta.example", PASSWORD).await;
    assert_eq!(res.status(), 403);
    assert_eq!(json_of(res).await["code"], "tenant_suspended");
    assert_eq!(
        me_status(&app, &app.admin_token).await.0,
        200,
        "other tenants go on as before"
    );
    let suspended = json_of(
        op(&app, Method::GET, "/api/v1/platform/tenants?status=suspended")
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(suspended["meta"]["total"], 1);
    assert_eq!(suspended["data"][0]["id"], beta.to_string());
    let again = op(&app, Method::POST, &format!("/api/v1/platform/tenants/{beta}/suspend"))
        .send()
        .await
        .expect("suspend");
    assert_eq!(again.status(), 200, "suspending twice changes nothing");

    let res = op(&app, Method::POST, &format!("/api/v1/platform/tenants/{beta}/resume"))
        .send()
        .await
        .expect("resume");
    assert_eq!(res.status(), 200);
    assert_eq!(json_of(res).await["status"], "active");
    assert_eq!(
        me_status(&app, &token).await.0,
        200,
        "the session outlived the suspension"
    );
    let fresh = token_of(&app, "beta").await;

    let log = json_of(
        app.request(Method::GET, "/api/v1/audit-logs?entity_type=tenant&order=asc")
            .bearer_auth(&fresh)
            .send()
            .await
            .expect("audit"),
    )
    .await;
    let entries: Vec<&Value> = log["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|e| e["actor_type"] == "platform")
        .collect();
    assert_eq!(entries.len(), 2, "{log}");
    assert_eq!(entries[0]["action"], "tenant.suspended");
    assert_eq!(
        entries[0]["changes"],
        json!({"status": {"old": "active", "new": "suspended"}})
    );
    assert_eq!(entries[0]["entity_id"], beta.to_string());
    assert!(entries[0]["actor_id"].is_null());
    assert!(entries[0]["request_id"].as_str().is_some());
    assert_eq!(entries[1]["action"], "tenant.resumed");

    let unknown = Uuid::now_v7();
    for path in [
        format!("/api/v1/platform/tenants/{unknown}/suspend"),
        format!("/api/v1/platform/tenants/{unknown}/resume"),
    ] {
        let res = op(&app, Method::POST, &path).send().await.expect("post");
        assert_eq!(res.status(), 404, "{path}");
    }
    let res = op(&app, Method::POST, "/api/v1/platform/tenants/nope/suspend")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 400);
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_tenant_removes_every_row_of_it_and_nothing_of_any_other_tenant() {
    let app = platform_app().await;
    if app.is_postgres() {
        let role = firelater_db::admin::query_string(app.services.db.system(), "SELECT current_user::text")
            .await
            .expect("q");
        assert_eq!(
            role.as_deref(),
            Some("firelater_app"),
            "the deletion runs as the application role, under row-level security"
        );
    }
    let a = default_tenant(&app).await;
    let b = create_tenant(&app, "doomed").await;
    let token = token_of(&app, "doomed").await;
    let send = |method: Method, path: &str, body: Value| {
        app.request(method, path)
            .bearer_auth(&token)
            .header("idempotency-key", format!("k-{}", Uuid::now_v7()))
            .json(&body)
            .send()
    };
    let user = json_of(
        send(
            Method::POST,
            "/api/v1/users",
            json!({"email": "member@doomed.example", "name": "M", "roles": ["agent"]}),
        )
        .await
        .expect("user"),
    )
    .await;
    let group = json_of(
        send(Method::POST, "/api/v1/groups", json!({"name": "Team"}))
            .await
            .expect("group"),
    )
    .await;
    let res = send(
        Method::POST,
        &format!("/api/v1/groups/{}/members", group["id"].as_str().expect("id")),
        json!({"user_id": user["id"], "role": "member"}),
    )
    .await
    .expect("member");
    assert_eq!(res.status(), 201);
    {
        let now = chrono::Utc::now();
        let tx = app.services.db.tenant_write(TenantId(b)).await.expect("tx");
        firelater_db::repo::numbers::next(&tx, firelater_core::numbering::NumberedEntity::Issue, now)
            .await
            .expect("number");
        tx.commit().await.expect("commit");
    }
    app.services
        .enqueue_job(firelater_service::jobs::NewJob {
            tenant_id: Some(b),
            queue: "default".into(),
            kind: "noop".into(),
            payload: json!({}),
            run_at: chrono::Utc::now() + chrono::Duration::hours(1),
            max_attempts: 1,
        })
        .await
        .expect("job");

    let a_before = counts(&app, a).await;
    let b_before = counts(&app, b).await;
    for table in [
        "users",
        "roles",
        "role_permissions",
        "user_roles",
        "groups",
        "group_members",
        "sessions",
        "refresh_tokens",
        "id_sequences",
        "idempotency_keys",
        "audit_logs",
        "outbox_events",
        "jobs",
    ] {
        assert!(
            b_before.get(table).copied().unwrap_or(0) > 0,
            "the doomed tenant has rows in {table}: {b_before:?}"
        );
    }

    let res = op(&app, Method::DELETE, &format!("/api/v1/platform/tenants/{b}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);

    let b_after = counts(&app, b).await;
    assert_eq!(b_before.keys().collect::<Vec<_>>(), b_after.keys().collect::<Vec<_>>());
    assert!(b_after.values().all(|n| *n == 0), "rows left behind: {b_after:?}");
    assert_eq!(counts(&app, a).await, a_before, "the other tenant is untouched");
    assert!(
        firelater_db::repo::tenants::find(app.services.db.system(), b.into())
            .await
            .expect("q")
            .is_none()
    );
    assert_eq!(me_status(&app, &token).await.0, 401, "its tokens died with it");
    assert_eq!(me_status(&app, &app.admin_token).await.0, 200);
    let res = op(&app, Method::DELETE, &format!("/api/v1/platform/tenants/{b}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 404);
    let list = json_of(
        op(&app, Method::GET, "/api/v1/platform/tenants")
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(list["meta"]["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn every_table_with_a_tenant_id_is_listed_for_export_in_foreign_key_order() {
    let app = TestApp::spawn().await;
    let problems = tenant_data::schema_problems(app.services.db.system())
        .await
        .expect("introspection");
    assert!(
        problems.is_empty(),
        "repo::tenant_data::TABLES is out of date:\n{}",
        problems.join("\n")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_schema_check_reports_a_tenant_table_missing_from_the_list() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let owner = firelater_db::Db::connect_owner(&app.config.database_url, &Default::default())
        .await
        .expect("connect");
    let fks = firelater_db::dialect::foreign_keys(owner.system()).await.expect("fks");
    for fk in [("user_roles", "role_id", "roles"), ("groups", "parent_id", "groups")] {
        assert!(
            fks.contains(&(fk.0.to_owned(), fk.1.to_owned(), fk.2.to_owned())),
            "{fk:?} in {fks:?}"
        );
    }
    owner
        .system()
        .execute_unprepared(
            "CREATE TABLE widgets (id uuid PRIMARY KEY,
               tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
               owner_id uuid REFERENCES users (id))",
        )
        .await
        .expect("create");
    let problems = tenant_data::schema_problems(owner.system()).await.expect("check");
    assert_eq!(
        problems,
        vec!["table widgets has a tenant_id but is not listed in repo::tenant_data::TABLES".to_owned()]
    );
    owner.close().await.ok();
    app.stop().await;
}

fn cli(db_url: &str) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_firelater"));
    c.env("FIRELATER_CONFIG", "/nonexistent/firelater.toml")
        .env("FIRELATER_DATABASE_URL", db_url)
        .env("FIRELATER_LOG", "warn");
    c
}

async fn run(mut c: tokio::process::Command) -> (bool, String, String) {
    let out = c.output().await.expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn without(mut v: Value, keys: &[&str]) -> Value {
    if let Some(items) = v.as_array_mut() {
        for item in items {
            if let Some(o) = item.as_object_mut() {
                for k in keys {
                    o.remove(*k);
                }
            }
        }
    }
    v
}

#[tokio::test]
async fn an_exported_tenant_imports_into_a_fresh_instance_where_its_admin_signs_in_with_the_same_password() {
    let source = platform_app().await;
    create_tenant(&source, "acme").await;
    let token = token_of(&source, "acme").await;
    let call =
        |method: Method, path: &str, body: Value| source.request(method, path).bearer_auth(&token).json(&body).send();
    let bob = json_of(
        call(
            Method::POST,
            "/api/v1/users",
            json!({"email": "bob@acme.example", "name": "Bob", "password": "bob's password 1", "roles": ["agent"]}),
        )
        .await
        .expect("user"),
    )
    .await;
    let bob_id = bob["id"].as_str().expect("id").to_owned();
    let res = call(
        Method::PUT,
        &format!("/api/v1/users/{bob_id}"),
        json!({"version": 1, "timezone": "Europe/Paris"}),
    )
    .await
    .expect("put");
    assert_eq!(res.status(), 200);
    // The child group is created before its parent, so importing in id order would break the
    // parent reference: the import orders the tree parents first.
    let child = json_of(
        call(Method::POST, "/api/v1/groups", json!({"name": "Child"}))
            .await
            .expect("g"),
    )
    .await;
    let parent = json_of(
        call(Method::POST, "/api/v1/groups", json!({"name": "Parent"}))
            .await
            .expect("g"),
    )
    .await;
    let res = call(
        Method::PUT,
        &format!("/api/v1/groups/{}", child["id"].as_str().expect("id")),
        json!({"version": 1, "parent_id": parent["id"]}),
    )
    .await
    .expect("reparent");
    assert_eq!(res.status(), 200);

    let get = |app: &TestApp, base: String, token: String, path: &'static str| {
        let req = app.client.get(format!("{base}{path}")).bearer_auth(token);
        async move {
            let res = req.send().await.expect("get");
            assert_eq!(res.status(), 200, "{path}");
            res.json::<Value>().await.expect("json")
        }
    };
    let users_path = "/api/v1/users?include=roles&sort=email&per_page=100";
    let history_path = "/api/v1/audit-logs?per_page=100&order=asc";
    let groups_path = "/api/v1/groups?sort=name&per_page=100";
    let source_users = get(&source, source.base.clone(), token.clone(), users_path).await;
    let source_log = get(&source, source.base.clone(), token.clone(), history_path).await;
    let source_groups = get(&source, source.base.clone(), token.clone(), groups_path).await;

    let target = TestDb::new().await;
    let file = target.dir().join("acme.json");
    let mut export = cli(&source.config.database_url);
    export.args(["tenant", "export", "acme", "--out"]).arg(&file);
    let (ok, _, err) = run(export).await;
    assert!(ok, "export failed: {err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("file").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the export holds password hashes: owner only");
    }
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    assert_eq!(doc["format"], "firelater.tenant-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tenant"]["slug"], "acme");
    assert!(doc["tables"].get("sessions").is_none(), "sessions stay behind");
    assert!(
        doc["tables"]["users"]
            .as_array()
            .expect("users")
            .iter()
            .all(|u| u["password_hash"].as_str().is_some_and(|h| h.starts_with("$argon2id$")))
    );

    let mut import = cli(&target.url);
    import.args(["tenant", "import"]).arg(&file);
    let (ok, out, err) = run(import).await;
    assert!(ok, "import failed: {err}");
    assert!(out.contains("imported tenant acme"), "{out}");

    let mut config = source.config.clone();
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.database_url = target.url.clone();
    config.data_dir = target.dir().join("files");
    let running = firelater_server::start(config, std::sync::Arc::new(firelater_core::SystemClock))
        .await
        .expect("second instance starts");
    let base = format!("http://{}", running.addr);
    let res = source
        .client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "admin@acme.example", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200, "the admin signs in with the same password");
    let target_token = json_of(res).await["access_token"].as_str().expect("t").to_owned();
    let res = source
        .client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 401, "only the exported tenant came along");

    let target_users = get(&source, base.clone(), target_token.clone(), users_path).await;
    assert_eq!(
        without(target_users["data"].clone(), &["last_login_at"]),
        without(source_users["data"].clone(), &["last_login_at"]),
        "the same users with the same ids, versions and roles"
    );
    let target_groups = get(&source, base.clone(), target_token.clone(), groups_path).await;
    assert_eq!(target_groups["data"], source_groups["data"]);
    let target_log = get(&source, base.clone(), target_token.clone(), history_path).await;
    let target_entries = target_log["data"].as_array().expect("data");
    for entry in source_log["data"].as_array().expect("data") {
        assert!(target_entries.contains(entry), "missing audit entry {entry}");
    }
    let imported: Vec<&Value> = target_entries
        .iter()
        .filter(|e| e["action"] == "tenant.imported")
        .collect();
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0]["actor_type"], "platform");
    let bob_history = format!("/api/v1/audit-logs/user/{bob_id}");
    let history = |base: String, token: String| {
        let req = source.client.get(format!("{base}{bob_history}")).bearer_auth(token);
        async move { req.send().await.expect("get").json::<Value>().await.expect("json") }
    };
    assert_eq!(
        history(base.clone(), target_token.clone()).await,
        history(source.base.clone(), token.clone()).await,
        "the same history of bob"
    );
    let res = source
        .client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "acme", "email": "bob@acme.example", "password": "bob's password 1"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);

    let mut again = cli(&target.url);
    again.args(["tenant", "import"]).arg(&file);
    let (ok, _, err) = run(again).await;
    assert!(!ok && err.contains("exists"), "a second import is refused: {err}");

    running.stop().await.expect("stop");
    target.remove().await;
    source.stop().await;
}

#[tokio::test]
async fn an_import_is_refused_whole_when_the_tenant_exists_or_a_row_does_not_fit() {
    let source = TestApp::spawn().await;
    let target = TestApp::spawn().await;
    let p = PlatformCtx::command_line();
    let export = source.services.export_tenant(&p, "default").await.expect("export");
    let refused =
        |e: &firelater_core::Error| (e.code.as_str().to_owned(), e.fields.keys().cloned().collect::<Vec<_>>());
    let e = source.services.import_tenant(&p, &export).await.expect_err("same id");
    assert_eq!(refused(&e), ("already_exists".to_owned(), vec!["tenant.id".to_owned()]));
    let e = target.services.import_tenant(&p, &export).await.expect_err("same slug");
    assert_eq!(
        refused(&e),
        ("already_exists".to_owned(), vec!["tenant.slug".to_owned()])
    );

    let mut copy: TenantExport = export.clone();
    copy.data.tenant.insert("slug".into(), json!("copy"));
    let tenants_before = firelater_db::repo::tenants::count(target.services.db.system())
        .await
        .expect("count");

    let mut foreign = copy.clone();
    foreign.data.tables.get_mut("users").expect("users")[0].insert("tenant_id".into(), json!(Uuid::now_v7()));
    let e = target
        .services
        .import_tenant(&p, &foreign)
        .await
        .expect_err("foreign row");
    assert_eq!(
        refused(&e),
        (
            "validation_failed".to_owned(),
            vec!["tables.users[0].tenant_id".to_owned()]
        )
    );

    // One bad value late in the file: everything before it was inserted, and rolls back.
    let mut broken = copy.clone();
    let log = broken.data.tables.get_mut("audit_logs").expect("audit_logs");
    let last = log.len() - 1;
    log[last].insert("created_at".into(), json!("yesterday"));
    let e = target.services.import_tenant(&p, &broken).await.expect_err("bad value");
    assert_eq!(
        refused(&e),
        (
            "validation_failed".to_owned(),
            vec![format!("tables.audit_logs[{last}].created_at")]
        )
    );

    let mut unknown = copy.clone();
    unknown.data.tables.insert("tickets_from_the_future".into(), vec![]);
    let e = target
        .services
        .import_tenant(&p, &unknown)
        .await
        .expect_err("unknown table");
    assert_eq!(refused(&e).1, vec!["tables.tickets_from_the_future".to_owned()]);
    let mut newer = copy.clone();
    newer.version = 99;
    let e = target
        .services
        .import_tenant(&p, &newer)
        .await
        .expect_err("newer format");
    assert_eq!(refused(&e).1, vec!["version".to_owned()]);

    assert_eq!(
        firelater_db::repo::tenants::count(target.services.db.system())
            .await
            .expect("count"),
        tenants_before,
        "nothing of the refused imports was written"
    );
    let id = default_tenant(&source).await;
    assert!(counts(&target, id).await.values().all(|n| *n == 0));

    let done = target.services.import_tenant(&p, &copy).await.expect("a copy fits");
    assert_eq!((done.tenant.id.0, done.tenant.slug.as_str()), (id, "copy"));
    assert_eq!(done.rows["users"], 1);
    let me = target.login("copy", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    source.stop().await;
    target.stop().await;
}

#[tokio::test]
async fn the_command_line_deletes_a_tenant_only_when_told_yes() {
    let app = platform_app().await;
    let b = create_tenant(&app, "gone").await;
    let mut refused = cli(&app.config.database_url);
    refused.args(["tenant", "delete", "gone"]);
    let (ok, _, err) = run(refused).await;
    assert!(!ok && err.contains("--yes"), "{err}");
    assert!(counts(&app, b).await["users"] > 0);

    let mut delete = cli(&app.config.database_url);
    delete.args(["tenant", "delete", "gone", "--yes"]);
    let (ok, out, err) = run(delete).await;
    assert!(ok, "{err}");
    assert!(out.contains("deleted tenant gone"), "{out}");
    assert!(counts(&app, b).await.values().all(|n| *n == 0));
    app.stop().await;
}

#[tokio::test]
async fn a_suspended_tenants_login_answers_the_same_for_right_and_wrong_passwords() {
    let app = platform_app().await;
    let beta = create_tenant(&app, "beta").await;
    let res = op(&app, Method::POST, &format!("/api/v1/platform/tenants/{beta}/suspend"))
        .send()
        .await
        .expect("suspend");
    assert_eq!(res.status(), 200);
    let mut answers = Vec::new();
    for (email, password) in [
        ("admin@beta.example", PASSWORD),
        ("admin@beta.example", "a wrong password entirely"),
        ("nobody@beta.example", PASSWORD),
    ] {
        let res = app.try_login("beta", email, password).await;
        let status = res.status().as_u16();
        let mut body = json_of(res).await;
        body.as_object_mut().expect("object").remove("request_id");
        answers.push((status, body));
    }
    assert_eq!(answers[0].0, 403, "{answers:?}");
    assert_eq!(answers[0], answers[1], "right and wrong passwords answer alike");
    assert_eq!(answers[0], answers[2], "an unknown email answers alike too");
    app.stop().await;
}
