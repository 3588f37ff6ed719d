//! Roles, permissions and granting them.

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn role_id(app: &TestApp, name: &str) -> String {
    let v: Value = app
        .admin(Method::GET, "/api/v1/roles?per_page=100")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|r| r["name"] == name)
        .expect("role")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn every_tenant_starts_with_the_four_system_roles() {
    let app = TestApp::spawn().await;
    let v: Value = app
        .admin(Method::GET, "/api/v1/roles")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["name"].as_str().expect("n"))
        .collect();
    assert_eq!(names, vec!["admin", "agent", "manager", "requester"]);
    assert!(
        v["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|r| r["is_system"] == true)
    );
    let perms: Value = app
        .admin(Method::GET, "/api/v1/permissions")
        .send()
        .await
        .expect("perms")
        .json()
        .await
        .expect("json");
    assert!(
        perms
            .as_array()
            .expect("array")
            .iter()
            .any(|p| p["key"] == "users:create" && p["resource"] == "users" && p["action"] == "create")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_custom_role_grants_exactly_its_permissions_from_the_next_request() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("auditor@example.com", Some("auditor password 1"), &["requester"])
        .await;
    let uid = u["id"].as_str().expect("id").to_owned();
    let t = app.login("default", "auditor@example.com", "auditor password 1").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let list_users = || app.request(Method::GET, "/api/v1/users").bearer_auth(&t).send();
    assert_eq!(list_users().await.expect("get").status(), 403);

    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "auditor", "display_name": "Auditor", "permissions": ["users:read", "audit_logs:read"]}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 201);
    let role: Value = res.json().await.expect("json");
    assert_eq!(role["permissions"], json!(["audit_logs:read", "users:read"]));
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{uid}/roles"))
        .json(&json!({"roles": ["requester", "auditor"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    assert_eq!(
        list_users().await.expect("get").status(),
        200,
        "the same token gains the permission at once"
    );
    let create = app
        .request(Method::POST, "/api/v1/users")
        .bearer_auth(&t)
        .json(&json!({"email": "x@example.com", "name": "X"}))
        .send()
        .await
        .expect("post");
    assert_eq!(create.status(), 403, "and nothing more");

    let rid = role["id"].as_str().expect("id");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/roles/{rid}"))
        .json(&json!({"version": 1, "permissions": ["audit_logs:read"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    assert_eq!(list_users().await.expect("get").status(), 403, "and loses it at once");
    let stale = app
        .admin(Method::PUT, &format!("/api/v1/roles/{rid}"))
        .json(&json!({"version": 1, "display_name": "Stale"}))
        .send()
        .await
        .expect("put");
    assert_eq!(stale.status(), 409);
    assert_eq!(
        app.admin(Method::DELETE, &format!("/api/v1/roles/{rid}"))
            .send()
            .await
            .expect("delete")
            .status(),
        204
    );
    app.stop().await;
}

#[tokio::test]
async fn roles_refuse_unknown_permissions_system_role_deletion_and_admin_self_demotion() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "bad", "display_name": "Bad", "permissions": ["users:fly"]}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.expect("json")["errors"]["permissions"].is_array());
    let dup = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "agent", "display_name": "Again"}))
        .send()
        .await
        .expect("post");
    assert_eq!(dup.status(), 409);
    let agent = role_id(&app, "agent").await;
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/roles/{agent}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "role_is_system");
    let admin = role_id(&app, "admin").await;
    let res = app
        .admin(Method::PUT, &format!("/api/v1/roles/{admin}"))
        .json(&json!({"version": 1, "permissions": ["users:read"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 422, "the admin role keeps every permission");
    let me: Value = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let my_id = me["user"]["id"].as_str().expect("id");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{my_id}/roles"))
        .json(&json!({"roles": ["agent"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 422, "an admin cannot demote themselves");
    app.stop().await;
}

#[tokio::test]
async fn a_role_change_is_audited_with_old_and_new_roles() {
    let app = TestApp::spawn().await;
    let u = app.create_user("promote@example.com", None, &["agent"]).await;
    let uid: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    app.admin(Method::PUT, &format!("/api/v1/users/{uid}/roles"))
        .json(&json!({"roles": ["manager"]}))
        .send()
        .await
        .expect("put");
    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("t");
    let tx = app
        .services
        .db
        .tenant_read(firelater_core::ids::TenantId(tenant.id.into()))
        .await
        .expect("tx");
    let entries = firelater_db::repo::audit::for_entity(&tx, "user", uid)
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    let change = entries
        .iter()
        .find(|e| e.action == "user.roles_changed")
        .expect("audited");
    assert_eq!(
        change.changes,
        Some(json!({"roles": {"old": ["agent"], "new": ["manager"]}}))
    );
    app.stop().await;
}
