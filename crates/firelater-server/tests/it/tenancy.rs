//! Tenant isolation: through the API on both backends, and on PostgreSQL through row-level
//! security even for a query that forgets the tenant filter.

use firelater_core::ids::TenantId;
use firelater_db::entities::user;
use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::Method;
use sea_orm::EntityTrait;

async fn second_tenant(app: &TestApp) -> (TenantId, uuid::Uuid) {
    let (t, admin) = app
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
    (TenantId(t.id.into()), admin.id.into())
}

#[tokio::test]
async fn tenant_a_sees_nothing_of_tenant_b() {
    let app = TestApp::spawn().await;
    let (_, b_admin) = second_tenant(&app).await;
    let b_token = app.login("beta", "admin@beta.example", "beta password 123").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let list: serde_json::Value = app
        .admin(Method::GET, "/api/v1/users")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["meta"]["total"], 1, "tenant A lists only its own admin");
    assert!(
        list["data"]
            .as_array()
            .expect("array")
            .iter()
            .all(|u| u["email"] != "admin@beta.example")
    );

    let res = app
        .admin(Method::GET, &format!("/api/v1/users/{b_admin}"))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404, "another tenant's user is a 404");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{b_admin}"))
        .json(&serde_json::json!({"version": 1, "name": "hijacked"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 404);
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{b_admin}"))
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 404);

    let me: serde_json::Value = app
        .request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(&b_token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["tenant"]["slug"], "beta", "the tenant comes from the token");
    assert_eq!(me["user"]["name"], "Beta Admin", "B's admin is untouched");
    app.stop().await;
}

#[tokio::test]
async fn the_same_email_may_exist_in_two_tenants() {
    let app = TestApp::spawn().await;
    second_tenant(&app).await;
    app.create_user("admin@beta.example", None, &[]).await;
    app.stop().await;
}

#[tokio::test]
async fn row_level_security_hides_other_tenants_rows_from_an_unfiltered_query() {
    let app = TestApp::spawn().await;
    if !app.is_postgres() {
        // SQLite has no row-level security; the repositories' tenant scope is its only wall,
        // which tenant_a_sees_nothing_of_tenant_b covers.
        app.stop().await;
        return;
    }
    let (b, _) = second_tenant(&app).await;
    let db = &app.services.db;
    let tx = db.tenant_read(b).await.expect("tx");
    let role = firelater_db::admin::query_string(tx.conn(), "SELECT current_user::text")
        .await
        .expect("q");
    assert_eq!(role.as_deref(), Some("firelater_app"), "the app runs as its own role");
    // No tenant filter at all: RLS alone must keep tenant A's admin out.
    let all = user::Entity::find().all(tx.conn()).await.expect("query");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].email, "admin@beta.example");
    tx.commit().await.expect("commit");

    let tx = db.system_write().await.expect("tx");
    let none = user::Entity::find().all(tx.conn()).await.expect("query");
    assert!(none.is_empty(), "without a tenant set, no tenant rows are visible");
    tx.commit().await.expect("commit");
    app.stop().await;
}
