//! API keys: a key is shown once, stored hashed, works as a Bearer token with only its own
//! permissions (bounded by its creator's), and stops working when revoked or expired.

use firelater_db::entities::{api_key, audit_log};
use firelater_testkit::{TestApp, fake_clock};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password";

async fn create_key(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/api-keys")
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("create key")
}

/// Creates a key as the administrator and returns `(key, response body)`.
async fn admin_key(app: &TestApp, permissions: &[&str]) -> (String, Value) {
    let res = create_key(app, &app.admin_token, json!({"name": "ci", "permissions": permissions})).await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.expect("json");
    (body["key"].as_str().expect("key").to_owned(), body)
}

async fn status(app: &TestApp, method: Method, path: &str, token: &str) -> u16 {
    app.request(method, path)
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// A read transaction in the default tenant, to look at stored rows.
async fn default_tx(app: &TestApp) -> firelater_db::TenantTx {
    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .expect("tenant");
    app.services
        .db
        .tenant_read(firelater_core::ids::TenantId(tenant.id.into()))
        .await
        .expect("tx")
}

#[tokio::test]
async fn a_key_works_as_bearer_with_only_its_permissions() {
    let app = TestApp::spawn().await;
    let (key, body) = admin_key(&app, &["users:read"]).await;
    assert!(key.starts_with("flk_"));
    assert_eq!(body["permissions"], json!(["users:read"]));

    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);
    let res = app
        .request(Method::POST, "/api/v1/users")
        .bearer_auth(&key)
        .json(&json!({"email": "x@example.com", "name": "X"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403, "users:create is outside the key");
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "forbidden");
    assert_eq!(status(&app, Method::GET, "/api/v1/api-keys", &key).await, 403);
    assert_eq!(
        create_key(&app, &key, json!({"name": "child", "permissions": ["users:read"]}))
            .await
            .status(),
        403,
        "a key cannot mint keys"
    );
    app.stop().await;
}

#[tokio::test]
async fn creating_a_key_with_a_permission_you_do_not_hold_is_403_naming_it() {
    let app = TestApp::spawn().await;
    let role = app
        .admin(Method::POST, "/api/v1/roles")
        .json(
            &json!({"name": "keymaker", "display_name": "Key maker", "permissions": ["api_keys:create", "users:read"]}),
        )
        .send()
        .await
        .expect("role");
    assert_eq!(role.status(), 201);
    app.create_user("maker@example.com", Some(PASSWORD), &["keymaker"])
        .await;
    let token = app.login("default", "maker@example.com", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let res = create_key(
        &app,
        &token,
        json!({"name": "too much", "permissions": ["users:read", "users:create", "roles:admin"]}),
    )
    .await;
    assert_eq!(res.status(), 403);
    let p: Value = res.json().await.expect("json");
    assert_eq!(p["code"], "grant_exceeds_own_permissions", "{p}");
    let msg = p["detail"].to_string();
    assert!(msg.contains("users:create") && msg.contains("roles:admin"), "{p}");
    assert!(!msg.contains("users:read"), "a held permission is not named: {p}");

    let res = create_key(&app, &token, json!({"name": "typo", "permissions": ["users:reed"]})).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.expect("json");
    assert!(p["errors"]["permissions"].to_string().contains("users:reed"), "{p}");

    let res = create_key(&app, &token, json!({"name": "ok", "permissions": ["users:read"]})).await;
    assert_eq!(res.status(), 201, "a subset of what the creator holds is fine");

    let tx = default_tx(&app).await;
    let keys = api_key::Entity::find().all(tx.conn()).await.expect("keys");
    tx.commit().await.expect("commit");
    assert_eq!(keys.len(), 1, "the refused requests wrote nothing");
    app.stop().await;
}

#[tokio::test]
async fn invalid_key_requests_name_the_field() {
    let app = TestApp::spawn().await;
    for (body, field) in [
        (json!({"name": "", "permissions": ["users:read"]}), "name"),
        (
            json!({"name": "past", "permissions": ["users:read"], "expires_at": "2000-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"name": "x", "permissions": ["users:read"], "secret": "mine"}),
            "secret",
        ),
    ] {
        let res = create_key(&app, &app.admin_token, body).await;
        assert_eq!(res.status(), 422);
        let p: Value = res.json().await.expect("json");
        assert!(p["errors"][field].is_array(), "{field}: {p}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_key_is_401_on_its_next_request() {
    let app = TestApp::spawn().await;
    let (key, body) = admin_key(&app, &["users:read"]).await;
    let id = body["id"].as_str().expect("id");
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);

    let res = app
        .admin(Method::DELETE, &format!("/api/v1/api-keys/{id}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 204);
    let list: Value = app
        .admin(Method::GET, "/api/v1/api-keys")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert!(list["data"][0]["revoked_at"].is_string(), "the list shows when: {list}");

    let res = app
        .request(Method::GET, "/api/v1/users")
        .bearer_auth(&key)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "invalid_token");
    assert_eq!(
        app.admin(Method::DELETE, &format!("/api/v1/api-keys/{id}"))
            .send()
            .await
            .expect("again")
            .status(),
        204,
        "revoking twice is harmless"
    );
    assert_eq!(
        app.admin(Method::DELETE, &format!("/api/v1/api-keys/{}", uuid::Uuid::now_v7()))
            .send()
            .await
            .expect("unknown")
            .status(),
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn an_expired_key_is_401() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let expires = (firelater_core::Clock::now(app.fake_clock()) + chrono::Duration::hours(1)).to_rfc3339();
    let res = create_key(
        &app,
        &app.admin_token,
        json!({"name": "short", "permissions": ["users:read"], "expires_at": expires}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let key = res.json::<Value>().await.expect("json")["key"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);
    app.fake_clock().advance(chrono::Duration::minutes(61));
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 401);
    app.stop().await;
}

#[tokio::test]
async fn a_made_up_or_tampered_key_is_401() {
    let app = TestApp::spawn().await;
    let (key, _) = admin_key(&app, &["users:read"]).await;
    let mut tampered = key.clone();
    let last = tampered.pop().expect("char");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [tampered, "flk_garbage".to_owned(), format!("{key}x")] {
        assert_eq!(status(&app, Method::GET, "/api/v1/users", &bad).await, 401, "{bad}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_key_list_never_shows_the_secret() {
    let app = TestApp::spawn().await;
    let (key, created) = admin_key(&app, &["users:read", "groups:read"]).await;
    let secret = &key[key.len() - 43..];
    assert!(key.ends_with(secret));
    assert_eq!(created["prefix"], &secret[..8]);

    let res = app.admin(Method::GET, "/api/v1/api-keys").send().await.expect("list");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("text");
    assert!(!text.contains(secret), "the secret is not listed");
    let list: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(list["meta"]["total"], 1);
    let item = &list["data"][0];
    assert_eq!(item["prefix"], &secret[..8]);
    assert_eq!(item["permissions"], json!(["users:read", "groups:read"]));
    assert!(item.get("key").is_none() && item.get("key_hash").is_none(), "{item}");
    for field in ["created_by", "expires_at", "last_used_at", "revoked_at"] {
        assert!(item.get(field).is_some(), "{field} is listed");
    }

    let tx = default_tx(&app).await;
    let stored = api_key::Entity::find().all(tx.conn()).await.expect("keys");
    tx.commit().await.expect("commit");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].key_hash, key);
    assert!(!stored[0].key_hash.contains(secret), "only a hash is stored");
    app.stop().await;
}

#[tokio::test]
async fn a_created_key_is_not_kept_for_idempotent_replay() {
    let app = TestApp::spawn().await;
    let send = || {
        app.admin(Method::POST, "/api/v1/api-keys")
            .header("idempotency-key", "create-ci-key")
            .json(&json!({"name": "ci", "permissions": ["users:read"]}))
            .send()
    };
    let first = send().await.expect("first");
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first_key = first.json::<Value>().await.expect("json")["key"].clone();
    let second = send().await.expect("second");
    assert_eq!(second.status(), 201);
    assert!(second.headers().get("idempotent-replayed").is_none());
    assert_ne!(second.json::<Value>().await.expect("json")["key"], first_key);
    app.stop().await;
}

#[tokio::test]
async fn a_key_stops_working_when_its_creator_is_deactivated() {
    let app = TestApp::spawn().await;
    let role = app
        .admin(Method::POST, "/api/v1/roles")
        .json(
            &json!({"name": "keymaker", "display_name": "Key maker", "permissions": ["api_keys:create", "users:read"]}),
        )
        .send()
        .await
        .expect("role");
    assert_eq!(role.status(), 201);
    let maker = app
        .create_user("maker@example.com", Some(PASSWORD), &["keymaker"])
        .await;
    let token = app.login("default", "maker@example.com", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let res = create_key(&app, &token, json!({"name": "svc", "permissions": ["users:read"]})).await;
    let key = res.json::<Value>().await.expect("json")["key"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);

    let id = maker["id"].as_str().expect("id");
    assert_eq!(
        status(&app, Method::DELETE, &format!("/api/v1/users/{id}"), &app.admin_token).await,
        200
    );
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 401);
    app.stop().await;
}

#[tokio::test]
async fn audit_rows_of_a_key_name_the_key_and_its_use_is_recorded_once_a_minute() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let (key, created) = admin_key(&app, &["users:read", "users:create"]).await;
    let key_id = created["id"].as_str().expect("id").to_owned();
    assert!(created["last_used_at"].is_null());

    let res = app
        .request(Method::POST, "/api/v1/users")
        .bearer_auth(&key)
        .json(&json!({"email": "made-by-key@example.com", "name": "By Key"}))
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), 201);
    let user_id: uuid::Uuid = res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    let tx = default_tx(&app).await;
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("user.created"))
        .filter(audit_log::Column::EntityId.eq(user_id))
        .one(tx.conn())
        .await
        .expect("query")
        .expect("audit row");
    assert_eq!(row.actor_type, "api_key");
    assert_eq!(row.actor_id.map(|u| u.to_string()), Some(key_id.clone()));
    let created_row = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("api_key.created"))
        .one(tx.conn())
        .await
        .expect("query")
        .expect("audit row");
    tx.commit().await.expect("commit");
    assert_eq!(created_row.entity_id.map(|u| u.to_string()), Some(key_id.clone()));

    let last_used = || async {
        let list: Value = app
            .admin(Method::GET, "/api/v1/api-keys")
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        let at = list["data"][0]["last_used_at"].as_str().expect("used").to_owned();
        chrono::DateTime::parse_from_rfc3339(&at).expect("rfc3339")
    };
    let t0 = firelater_core::Clock::now(app.fake_clock());
    assert_eq!(last_used().await, t0);
    app.fake_clock().advance(chrono::Duration::seconds(30));
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);
    assert_eq!(last_used().await, t0, "a use within the minute writes nothing");
    app.fake_clock().advance(chrono::Duration::seconds(60));
    assert_eq!(status(&app, Method::GET, "/api/v1/users", &key).await, 200);
    assert_eq!(last_used().await, t0 + chrono::Duration::seconds(90));
    app.stop().await;
}

#[tokio::test]
async fn another_tenants_key_is_404_to_revoke() {
    let app = TestApp::spawn().await;
    let (_, created) = admin_key(&app, &["users:read"]).await;
    app.services
        .create_tenant(firelater_service::tenants::NewTenant {
            name: "Beta".into(),
            slug: "beta".into(),
            admin_email: "admin@beta.example".into(),
            admin_name: "Beta Admin".into(),
            admin_password: "beta password 123".into(),
        })
        .await
        .expect("tenant");
    let b = app.login("beta", "admin@beta.example", "beta password 123").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let id = created["id"].as_str().expect("id");
    assert_eq!(
        status(&app, Method::DELETE, &format!("/api/v1/api-keys/{id}"), &b).await,
        404
    );
    let list: Value = app
        .request(Method::GET, "/api/v1/api-keys")
        .bearer_auth(&b)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["meta"]["total"], 0);
    app.stop().await;
}
