//! The audit log API: listing with filters, one entity's history, the names of actors and
//! entities, who may read it, tenant isolation, and that no route (nor the application's
//! database role) can change an entry.

use firelater_core::ids::TenantId;
use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn get(app: &TestApp, path: &str) -> Value {
    let res = app.admin(Method::GET, path).send().await.expect("get");
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.expect("json")
}

async fn admin_id(app: &TestApp) -> String {
    get(app, "/api/v1/auth/me").await["user"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn actions(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect()
}

async fn rename(app: &TestApp, id: &str, version: i64, name: &str) {
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{id}"))
        .json(&json!({"version": version, "name": name}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_audit_log_lists_newest_first_and_filters_by_actor_entity_action_and_time() {
    let app = TestApp::spawn().await;
    let admin = admin_id(&app).await;
    let ada = app.create_user("ada@example.com", None, &["agent"]).await;
    let ada_id = ada["id"].as_str().expect("id").to_owned();
    app.create_user("bob@example.com", None, &[]).await;
    rename(&app, &ada_id, 1, "Ada Lovelace").await;

    let all = get(&app, "/api/v1/audit-logs").await;
    let total = all["meta"]["total"].as_u64().expect("total");
    assert!(total >= 5, "tenant, admin, login, two users, one update: {all}");
    assert_eq!(all["data"][0]["action"], "user.updated", "newest first by default");
    let times: Vec<&str> = all["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| e["created_at"].as_str().expect("t"))
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> = times.iter().map(|t| t.parse().expect("rfc3339")).collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let oldest = get(&app, "/api/v1/audit-logs?order=asc&per_page=1").await;
    assert_eq!(oldest["data"][0]["action"], "tenant.created");
    assert_eq!(oldest["meta"]["total"].as_u64(), Some(total));
    assert_eq!(oldest["meta"]["total_pages"].as_u64(), Some(total));

    let updated = get(&app, "/api/v1/audit-logs?action=user.updated").await;
    assert_eq!(actions(&updated), vec!["user.updated"]);
    let about_ada = get(&app, &format!("/api/v1/audit-logs?entity_type=user&entity_id={ada_id}")).await;
    assert_eq!(actions(&about_ada), vec!["user.updated", "user.created"]);
    let by_admin = get(&app, &format!("/api/v1/audit-logs?actor_id={admin}&entity_type=user")).await;
    assert_eq!(
        by_admin["meta"]["total"], 4,
        "the admin's login, two creates and the update: {by_admin}"
    );
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let none = get(
        &app,
        &format!("/api/v1/audit-logs?created_after={}", urlencode(&future)),
    )
    .await;
    assert_eq!(none["meta"]["total"], 0);
    let before_future = get(
        &app,
        &format!("/api/v1/audit-logs?created_before={}", urlencode(&future)),
    )
    .await;
    assert_eq!(before_future["meta"]["total"].as_u64(), Some(total));

    for bad in [
        "actor_id=someone",
        "entity_id=42",
        "created_after=yesterday",
        "sort=action",
        "order=up",
        "q=login",
        "include=actor",
    ] {
        let res = app
            .admin(Method::GET, &format!("/api/v1/audit-logs?{bad}"))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 400, "{bad}");
        let p: Value = res.json().await.expect("json");
        assert_eq!(p["code"], "invalid_query");
        let field = bad.split('=').next().expect("k");
        assert!(p["errors"][field].is_array(), "{bad}: {p}");
    }
    app.stop().await;
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn an_entry_records_who_did_what_with_old_and_new_values_ip_user_agent_and_request_id() {
    let app = TestApp::spawn().await;
    let admin = admin_id(&app).await;
    let u = app.create_user("tz@example.com", None, &[]).await;
    let id = u["id"].as_str().expect("id");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{id}"))
        .header("user-agent", "audit-test/1.0")
        .header("x-request-id", "audit-request-1")
        .json(&json!({"version": 1, "timezone": "Europe/Berlin"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let page = get(&app, &format!("/api/v1/audit-logs?action=user.updated&entity_id={id}")).await;
    let e = &page["data"][0];
    assert_eq!(e["actor_id"], admin.as_str());
    assert_eq!(e["actor_type"], "user");
    assert_eq!(e["entity_type"], "user");
    assert_eq!(e["entity_id"], id);
    assert_eq!(
        e["changes"],
        json!({"timezone": {"old": "UTC", "new": "Europe/Berlin"}})
    );
    assert_eq!(e["ip"], "127.0.0.1");
    assert_eq!(e["user_agent"], "audit-test/1.0");
    assert_eq!(e["request_id"], "audit-request-1");
    assert!(e["id"].as_str().is_some() && e["created_at"].as_str().is_some());
    let keys: Vec<&String> = e.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        vec![
            "action",
            "actor_id",
            "actor_name",
            "actor_type",
            "changes",
            "created_at",
            "entity_id",
            "entity_name",
            "entity_type",
            "id",
            "ip",
            "request_id",
            "user_agent"
        ]
    );
    let sparse = get(
        &app,
        &format!("/api/v1/audit-logs?entity_id={id}&fields=action,changes"),
    )
    .await;
    let keys: Vec<&String> = sparse["data"][0].as_object().expect("object").keys().collect();
    assert_eq!(keys, vec!["action", "changes", "id"]);
    app.stop().await;
}

#[tokio::test]
async fn an_entity_history_is_its_entries_oldest_first_in_pages() {
    let app = TestApp::spawn().await;
    let u = app.create_user("hist@example.com", None, &[]).await;
    let id = u["id"].as_str().expect("id");
    rename(&app, id, 1, "Second").await;
    rename(&app, id, 2, "Third").await;
    let h = get(&app, &format!("/api/v1/audit-logs/user/{id}")).await;
    assert_eq!(actions(&h), vec!["user.created", "user.updated", "user.updated"]);
    assert_eq!(h["data"][1]["changes"]["name"]["new"], "Second");
    assert_eq!(h["data"][2]["changes"]["name"]["old"], "Second");
    assert_eq!(h["meta"]["total"], 3);
    let page2 = get(&app, &format!("/api/v1/audit-logs/user/{id}?per_page=2&page=2")).await;
    assert_eq!(page2["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(page2["data"][0]["changes"]["name"]["new"], "Third");
    let newest = get(&app, &format!("/api/v1/audit-logs/user/{id}?order=desc&per_page=1")).await;
    assert_eq!(newest["data"][0]["changes"]["name"]["new"], "Third");
    app.stop().await;
}

#[tokio::test]
async fn a_history_of_nothing_or_of_another_tenants_entity_is_404_and_a_bad_path_is_400() {
    let app = TestApp::spawn().await;
    let (_, other_admin) = app
        .services
        .create_tenant(NewTenant {
            name: "Beta".into(),
            slug: "beta".into(),
            admin_email: "admin@beta.example".into(),
            admin_name: "Beta Admin".into(),
            admin_password: "beta password 123".into(),
        })
        .await
        .expect("tenant");
    let status = |path: String| {
        let req = app.admin(Method::GET, &path);
        async move { req.send().await.expect("get") }
    };
    let res = status(format!("/api/v1/audit-logs/user/{}", other_admin.id)).await;
    assert_eq!(res.status(), 404, "another tenant's user has no history here");
    let res = status(format!("/api/v1/audit-logs/user/{}", uuid::Uuid::now_v7())).await;
    assert_eq!(res.status(), 404);
    let res = status(format!("/api/v1/audit-logs/User-X/{}", other_admin.id)).await;
    assert_eq!(res.status(), 400);
    let p: Value = res.json().await.expect("json");
    assert!(p["errors"]["entityType"].is_array(), "{p}");
    let res = status("/api/v1/audit-logs/user/not-a-uuid".into()).await;
    assert_eq!(res.status(), 400);
    let p: Value = res.json().await.expect("json");
    assert!(p["errors"]["id"].is_array(), "{p}");

    let listed = get(&app, &format!("/api/v1/audit-logs?entity_id={}", other_admin.id)).await;
    assert_eq!(listed["meta"]["total"], 0, "another tenant's entries are never listed");
    app.stop().await;
}

#[tokio::test]
async fn reading_the_audit_log_needs_the_audit_logs_read_permission() {
    let app = TestApp::spawn().await;
    let mut statuses = Vec::new();
    for role in ["manager", "agent", "requester"] {
        let email = format!("{role}@example.com");
        let u = app.create_user(&email, Some("role password 123"), &[role]).await;
        let token = app.login("default", &email, "role password 123").await["access_token"]
            .as_str()
            .expect("t")
            .to_owned();
        let list = app
            .request(Method::GET, "/api/v1/audit-logs")
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        let history = app
            .request(
                Method::GET,
                &format!("/api/v1/audit-logs/user/{}", u["id"].as_str().expect("id")),
            )
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        statuses.push((role, list.status().as_u16(), history.status().as_u16()));
    }
    assert_eq!(
        statuses,
        vec![("manager", 200, 200), ("agent", 403, 403), ("requester", 403, 403)]
    );
    let res = app
        .request(Method::GET, "/api/v1/audit-logs")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn no_route_can_create_change_or_delete_an_audit_entry() {
    let app = TestApp::spawn().await;
    let u = app.create_user("keep@example.com", None, &[]).await;
    let id = u["id"].as_str().expect("id");
    let before = get(&app, "/api/v1/audit-logs?per_page=100").await;
    let entry_id = before["data"][0]["id"].as_str().expect("id").to_owned();

    for path in ["/api/v1/audit-logs".to_owned(), format!("/api/v1/audit-logs/user/{id}")] {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            let res = app
                .admin(method.clone(), &path)
                .json(&json!({"action": "forged", "changes": {}}))
                .send()
                .await
                .expect("send");
            assert_eq!(res.status(), 405, "{method} {path}");
            assert_eq!(res.json::<Value>().await.expect("json")["code"], "method_not_allowed");
        }
    }
    // An entry's own id is no route at all.
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/audit-logs/{entry_id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 404);

    let doc = get(&app, "/api/v1/openapi.json").await;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if path.contains("audit") {
            let methods: Vec<&String> = item.as_object().expect("item").keys().collect();
            assert_eq!(methods, vec!["get"], "{path} is read-only");
        }
    }
    for (method, path, _) in firelater_api::rules().expect("rules").iter() {
        assert!(
            !path.contains("audit") || method == "GET",
            "{method} {path} would write the audit log"
        );
    }
    let after = get(&app, "/api/v1/audit-logs?per_page=100").await;
    assert_eq!(after, before, "no entry was added, changed or removed");
    app.stop().await;
}

#[tokio::test]
async fn the_database_itself_refuses_to_change_or_delete_an_audit_entry() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant");
    for sql in ["UPDATE audit_logs SET action = 'forged'", "DELETE FROM audit_logs"] {
        let tx = app
            .services
            .db
            .tenant_write(TenantId(tenant.id.into()))
            .await
            .expect("tx");
        let res = tx.conn().execute_unprepared(sql).await;
        assert!(res.is_err(), "{sql} was allowed");
        drop(tx);
    }
    let all = get(&app, "/api/v1/audit-logs?action=tenant.created").await;
    assert_eq!(all["meta"]["total"], 1, "the entries are intact");
    app.stop().await;
}

/// The first entry of `page` with `action` about `entity_id`.
fn entry<'a>(page: &'a Value, action: &str, entity_id: &str) -> &'a Value {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|e| e["action"] == action && e["entity_id"] == entity_id)
        .unwrap_or_else(|| panic!("no {action} about {entity_id} in {page}"))
}

#[tokio::test]
async fn entries_name_their_actor_and_their_user_group_role_or_api_key() {
    let owned = TestApp::spawn().await;
    let app = &owned;
    let me = get(app, "/api/v1/auth/me").await;
    let admin_name = me["user"]["name"].as_str().expect("name").to_owned();
    let post = |path: &'static str, body: Value| async move {
        let res = app.admin(Method::POST, path).json(&body).send().await.expect("post");
        assert_eq!(res.status(), 201, "POST {path}");
        res.json::<Value>().await.expect("json")
    };
    let group = post("/api/v1/groups", json!({"name": "Night shift"})).await;
    let role = post(
        "/api/v1/roles",
        json!({"name": "auditor", "display_name": "Auditor", "permissions": ["users:read"]}),
    )
    .await;
    let key = post(
        "/api/v1/api-keys",
        json!({"name": "provisioner", "permissions": ["users:create", "users:read"]}),
    )
    .await;
    // A user created by the API key: its actor is the key.
    let res = app
        .request(Method::POST, "/api/v1/users")
        .bearer_auth(key["key"].as_str().expect("key"))
        .json(&json!({"email": "made-by-key@example.com", "name": "Made By Key"}))
        .send()
        .await
        .expect("create user");
    assert_eq!(res.status(), 201);
    let user = res.json::<Value>().await.expect("json");
    let user_id = user["id"].as_str().expect("id");

    let page = get(app, "/api/v1/audit-logs?per_page=100").await;
    let e = entry(&page, "group.created", group["id"].as_str().expect("id"));
    assert_eq!(
        (&e["actor_name"], &e["entity_name"]),
        (&json!(admin_name), &json!("Night shift"))
    );
    let e = entry(&page, "role.created", role["id"].as_str().expect("id"));
    assert_eq!(e["entity_name"], "Auditor", "a role is named by its display name");
    let e = entry(&page, "api_key.created", key["id"].as_str().expect("id"));
    assert_eq!(e["entity_name"], "provisioner");
    let e = entry(&page, "user.created", user_id);
    assert_eq!(e["actor_type"], "api_key");
    assert_eq!(e["actor_name"], "provisioner");
    assert_eq!(e["entity_name"], "Made By Key");
    // Kinds without a name, and actors that are nobody, say so with null.
    for e in page["data"].as_array().expect("data") {
        if !["user", "group", "role", "api_key"].contains(&e["entity_type"].as_str().expect("type")) {
            assert!(e["entity_name"].is_null(), "{e}");
        }
        if !["user", "api_key"].contains(&e["actor_type"].as_str().expect("type")) {
            assert!(e["actor_name"].is_null(), "{e}");
        }
    }

    // Names are today's names, and one entity's history carries them too.
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{user_id}"))
        .json(&json!({"version": user["version"], "name": "Renamed Person"}))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 200);
    let history = get(app, &format!("/api/v1/audit-logs/user/{user_id}")).await;
    let e = entry(&history, "user.created", user_id);
    assert_eq!(
        (&e["actor_name"], &e["entity_name"]),
        (&json!("provisioner"), &json!("Renamed Person"))
    );
    let e = entry(&history, "user.updated", user_id);
    assert_eq!(e["actor_name"], admin_name.as_str());
    owned.stop().await;
}
